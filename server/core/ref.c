/* micetro-emu core: Micetro object references (see ref.h). */
#include "ref.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "validate.h"

static const struct {
    int type;
    const char *name;     /* ObjectType name */
    const char *resource; /* REST resource */
} types[] = {
    {REF_DHCP_SERVER, "DHCPServer", "dhcpServers"},
    {REF_RANGE, "Range", "ranges"},
    {REF_DHCP_SCOPE, "DHCPScope", "dhcpScopes"},
    {REF_DHCP_ADDRESS_POOL, "DHCPAddressPool", "dhcpAddressPools"},
    {REF_DHCP_EXCLUSION, "DHCPExclusion", "dhcpExclusions"},
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Reads the decimal at *p (no sign, no leading zeros, at most max) and
 * advances *p past it. */
static int read_num(const char **p, long long max, long long *out)
{
    const char *s = *p;
    long long v = 0;

    if (!is_digit((unsigned char)*s) || (s[0] == '0' && is_digit(s[1])))
        return -1;
    for (; is_digit((unsigned char)*s); s++) {
        int d = *s - '0';

        if (v > (max - d) / 10)
            return -1; /* v * 10 + d > max */
        v = v * 10 + d;
    }
    *p = s;
    *out = v;
    return 0;
}

/* Resource type of s[0..n), or -1. */
static int resource_type(const char *s, size_t n)
{
    for (size_t i = 0; i < NTYPES; i++) {
        if (strlen(types[i].resource) == n &&
            strncasecmp(s, types[i].resource, n) == 0)
            return types[i].type;
    }
    return -1;
}

int ref_type_of_resource(const char *resource)
{
    if (resource == NULL)
        return -1;
    return resource_type(resource, strlen(resource));
}

const char *ref_type_name(int type)
{
    for (size_t i = 0; i < NTYPES; i++) {
        if (types[i].type == type)
            return types[i].name;
    }
    return NULL;
}

static int parse_typed(const char *s, struct ref *r, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    const char *p = s + 2;
    long long type, id;

    if (read_num(&p, INT_MAX, &type) != 0 || p[0] != '-' || p[1] != '#')
        goto bad;
    p += 2;
    if (read_num(&p, LLONG_MAX, &id) != 0 || id < 1 || p[0] != '}' ||
        p[1] != '\0')
        goto bad;
    r->kind = REF_TYPED;
    r->type = (int)type;
    r->id = id;
    r->name = NULL;
    return 0;
bad:
    return err_set(e, ERR_INVALID,
                   "invalid reference \"%s\": expected {#<type>-#<id>}",
                   validate_quote(s, q, sizeof(q)));
}

int ref_parse(const char *s, struct ref *r, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    const char *slash, *p;
    size_t i;
    int type;
    long long id;

    if (s == NULL || *s == '\0')
        return err_set(e, ERR_INVALID, "missing reference");
    if (s[0] == '{' && s[1] == '#')
        return parse_typed(s, r, e);

    /* "<resource>/<digits>" with a known resource */
    slash = strchr(s, '/');
    if (slash != NULL && slash[1] != '\0') {
        for (i = 1; is_digit((unsigned char)slash[i]); i++)
            ;
        type = resource_type(s, (size_t)(slash - s));
        if (slash[i] == '\0' && type >= 0) {
            p = slash + 1;
            if (read_num(&p, LLONG_MAX, &id) != 0 || id < 1)
                return err_set(e, ERR_INVALID,
                               "invalid reference \"%s\": invalid id",
                               validate_quote(s, q, sizeof(q)));
            r->kind = REF_RESOURCE;
            r->type = type;
            r->id = id;
            r->name = NULL;
            return 0;
        }
    }
    r->kind = REF_NAME;
    r->type = 0;
    r->id = 0;
    r->name = s;
    return 0;
}

int ref_format(int type, long long id, char *buf, size_t len)
{
    int n;

    if (type < 0 || id < 1)
        return ERR_INVALID;
    n = snprintf(buf, len, "{#%d-#%lld}", type, id);
    if (n < 0 || (size_t)n >= len)
        return ERR_INTERNAL;
    return 0;
}

int ref_split_server_scope(const char *name, char *server, size_t len,
                           const char **cidr)
{
    const char *colon;
    size_t n;

    if (name == NULL || (colon = strrchr(name, ':')) == NULL)
        return ERR_INVALID;
    n = (size_t)(colon - name);
    if (n == 0 || n >= len ||
        validate_cidr(colon + 1, NULL, NULL, NULL, NULL) != 0)
        return ERR_INVALID;
    memcpy(server, name, n);
    server[n] = '\0';
    if (cidr != NULL)
        *cidr = colon + 1;
    return 0;
}
