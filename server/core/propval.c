/* micetro-emu core: custom property values (see propval.h). */
#include "propval.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "validate.h"

static const char *const type_names[] = {
    "String", "HexStr", "Boolean", "IPAddress", "IPOrHostname", "Integer",
};
#define NTYPES ((int)(sizeof(type_names) / sizeof(type_names[0])))

int propval_type_of(const char *name)
{
    for (int i = 0; name != NULL && i < NTYPES; i++) {
        if (strcmp(name, type_names[i]) == 0)
            return i;
    }
    return -1;
}

const char *propval_type_name(int t)
{
    return t >= 0 && t < NTYPES ? type_names[t] : NULL;
}

int propval_check_name(const char *name, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    size_t n;
    int rc;

    if (name == NULL || name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing property name");
    if ((rc = validate_text(name, "property name", PROPVAL_NAME_MAX, e)) != 0)
        return rc;
    n = strlen(name);
    if (strchr(name, '\t') != NULL || name[0] == ' ' || name[n - 1] == ' ')
        return err_set(e, ERR_INVALID,
                       "property name \"%s\" must not hold tabs or start or "
                       "end with a blank",
                       validate_quote(name, q, sizeof(q)));
    return 0;
}

/* Hex digits, optionally byte pairs separated by ':'. */
static int is_hexstr(const char *v)
{
    size_t n = strlen(v);

    if (strchr(v, ':') == NULL) {
        for (size_t i = 0; i < n; i++) {
            if (!isxdigit((unsigned char)v[i]))
                return 0;
        }
        return 1;
    }
    /* "h[h](:h[h])*" */
    for (size_t i = 0; i < n;) {
        size_t j = i;

        while (j < n && j - i < 3 && isxdigit((unsigned char)v[j]))
            j++;
        if (j == i || j - i > 2)
            return 0;
        if (j == n)
            return 1;
        if (v[j] != ':' || j + 1 == n)
            return 0;
        i = j + 1;
    }
    return 0;
}

int propval_has_item(const char *items, const char *v, size_t n)
{
    for (const char *p = items; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

        if (len == n && memcmp(p, v, n) == 0)
            return 1;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return 0;
}

/* Copies s into out[len]; ERR_INVALID when it does not fit. */
static int put(const char *prop, const char *s, char *out, size_t len,
               struct err *e)
{
    if (strlen(s) >= len)
        return err_set(e, ERR_INVALID, "property \"%s\": value too long", prop);
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

/* The value checked by type into out. */
static int check_type(const char *prop, int t, int multi_line, const char *v,
                      char *out, size_t len, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], ip[VALIDATE_IPV4_BUF];
    uint32_t addr = 0;
    int rc;

    validate_quote(v, q, sizeof(q));
    switch (t) {
    case PROPVAL_STRING:
        if (multi_line) {
            /* line breaks allowed: check the rest as one line */
            char *tmp;

            if (strlen(v) > PROPVAL_VALUE_MAX)
                return err_set(e, ERR_INVALID,
                               "property \"%s\": longer than %d bytes", prop,
                               PROPVAL_VALUE_MAX);
            if ((tmp = strdup(v)) == NULL)
                return err_set(e, ERR_NOMEM, "out of memory");
            for (char *p = tmp; *p != '\0'; p++) {
                if (*p == '\n' || *p == '\r')
                    *p = ' ';
            }
            rc = validate_text(tmp, prop, PROPVAL_VALUE_MAX, e);
            free(tmp);
        } else if (strchr(v, '\n') != NULL || strchr(v, '\r') != NULL) {
            return err_set(e, ERR_INVALID,
                           "property \"%s\" is single-line: \"%s\" holds a "
                           "line break",
                           prop, q);
        } else {
            rc = validate_text(v, prop, PROPVAL_VALUE_MAX, e);
        }
        return rc != 0 ? rc : put(prop, v, out, len, e);
    case PROPVAL_HEXSTR:
        if (strlen(v) > PROPVAL_VALUE_MAX || !is_hexstr(v))
            return err_set(e, ERR_INVALID,
                           "property \"%s\": expected a hex string (\"0a1b\" "
                           "or \"0a:1b\"), not \"%s\"",
                           prop, q);
        return put(prop, v, out, len, e);
    case PROPVAL_BOOLEAN:
        if (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
            strcmp(v, "1") == 0)
            return put(prop, "true", out, len, e);
        if (strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0 ||
            strcmp(v, "0") == 0)
            return put(prop, "false", out, len, e);
        return err_set(e, ERR_INVALID,
                       "property \"%s\": expected true, false, yes or no, not "
                       "\"%s\"",
                       prop, q);
    case PROPVAL_IPADDRESS:
        if ((rc = validate_ipv4(v, &addr, prop, e)) != 0)
            return rc;
        return put(prop, validate_ipv4_format(addr, ip), out, len, e);
    case PROPVAL_IPORHOSTNAME:
        if (validate_ipv4(v, &addr, prop, NULL) == 0)
            return put(prop, validate_ipv4_format(addr, ip), out, len, e);
        if (validate_hostname(v, prop, NULL) != 0)
            return err_set(e, ERR_INVALID,
                           "property \"%s\": expected an IPv4 address or a "
                           "host name, not \"%s\"",
                           prop, q);
        return put(prop, v, out, len, e);
    case PROPVAL_INTEGER: {
        char buf[24];
        char *end = NULL;
        long long n;

        if (!(isdigit((unsigned char)v[0]) ||
              ((v[0] == '-' || v[0] == '+') && isdigit((unsigned char)v[1]))))
            return err_set(e, ERR_INVALID,
                           "property \"%s\": expected an integer, not \"%s\"",
                           prop, q);
        errno = 0;
        n = strtoll(v, &end, 10);
        if (*end != '\0')
            return err_set(e, ERR_INVALID,
                           "property \"%s\": expected an integer, not \"%s\"",
                           prop, q);
        if (errno == ERANGE)
            return err_set(e, ERR_INVALID,
                           "property \"%s\": integer \"%s\" out of range", prop,
                           q);
        snprintf(buf, sizeof(buf), "%lld", n);
        return put(prop, buf, out, len, e);
    }
    default:
        return err_set(e, ERR_INTERNAL, "property \"%s\" has type %d", prop, t);
    }
}

int propval_check(const char *prop, int t, int multi_line, const char *items,
                  const char *v, char *out, size_t len, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    int rc;

    if (v == NULL || v[0] == '\0')
        return err_set(e, ERR_INTERNAL, "property \"%s\": empty value", prop);
    if ((rc = check_type(prop, t, multi_line, v, out, len, e)) != 0)
        return rc;
    if (items != NULL && items[0] != '\0' &&
        !propval_has_item(items, out, strlen(out)))
        return err_set(e, ERR_INVALID,
                       "property \"%s\": \"%s\" is not one of its list items",
                       prop, validate_quote(v, q, sizeof(q)));
    return 0;
}
