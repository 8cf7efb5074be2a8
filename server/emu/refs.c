/* micetro-emu: object references resolved to database ids (see refs.h). */
#include "refs.h"

#include <stddef.h>
#include <stdio.h>
#include <strings.h>

#include "ref.h"
#include "validate.h"
#include "store_pool.h"
#include "store_scope.h"
#include "store_server.h"
#include "store_range.h"

/* How to look up one object type. */
struct refs_type {
    int type;         /* enum ref_type */
    const char *what; /* for messages: "DHCP server" */
    /* 0 when object id exists, ERR_NOTFOUND when not, or ERR_DB */
    int (*exists)(struct store_conn *c, long long id, struct err *e);
    /* the id of the object called name; ERR_NOTFOUND, or ERR_CONFLICT
     * when the name is ambiguous (message naming it), or ERR_DB */
    int (*by_name)(struct store_conn *c, const char *name, long long *id,
                   struct err *e);
    /* whether an object of the type may be called name, for the types
     * whose name is a column of their own row (by_name finds the one
     * object of that name), else NULL (scopes, pools: see by_name) */
    int (*name_ok)(const char *name);
};

/* Whether a server may be called name: a host name. */
static int server_name_ok(const char *name)
{
    struct err ignored;

    return validate_hostname(name, NULL, &ignored) == 0;
}

static int server_by_name(struct store_conn *c, const char *name, long long *id,
                          struct err *e)
{
    /* not a host name: no server can have it */
    if (!server_name_ok(name))
        return err_set(e, ERR_NOTFOUND, "no such name");
    return store_server_find_by_name(c, name, id, NULL, e);
}

/* Whether a range may be called name: its CIDR, parsed as strictly as
 * AddRange parses it (only the canonical spelling names a range,
 * "10.0.0.0/24", not "10.0.0.0/024"). */
static int range_name_ok(const char *name)
{
    struct err ignored;

    return validate_cidr(name, NULL, NULL, NULL, &ignored) == 0;
}

static int range_by_name(struct store_conn *c, const char *name, long long *id,
                         struct err *e)
{
    if (!range_name_ok(name))
        return err_set(e, ERR_NOTFOUND, "no such name");
    return store_range_find_by_name(c, name, id, NULL, e);
}

/* At most this many servers are named in an ambiguity message. */
#define SCOPE_CANDIDATES 4

/* The one instance among the total of m[] (see store_scope_find), or
 * ERR_NOTFOUND (none) / ERR_CONFLICT (several, naming their servers). */
static int scope_pick(const char *name, const struct store_scope_match *m,
                      size_t total, long long *id, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], list[SCOPE_CANDIDATES * 72 + 8];
    size_t i, o = 0;

    if (total == 0)
        return err_set(e, ERR_NOTFOUND, "no such name");
    if (total == 1) {
        *id = m[0].id;
        return 0;
    }
    list[0] = '\0';
    for (i = 0; i < total && i < SCOPE_CANDIDATES; i++)
        o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%.64s",
                              i > 0 ? ", " : "", m[i].server);
    if (total > SCOPE_CANDIDATES)
        snprintf(list + o, sizeof(list) - o, ", ...");
    return err_set(e, ERR_CONFLICT,
                   "DHCP scope \"%s\" is ambiguous: it has %zu instances, on "
                   "servers %s; use \"server:CIDR\" (%.64s:<CIDR>) or a "
                   "{#7-#n} ref",
                   validate_quote(name, q, sizeof(q)), total, list,
                   m[0].server);
}

/* A scope by name: "server:CIDR" picks the instance of that range on that
 * server; otherwise the scope's name, and failing that a CIDR names the
 * instances of that range; each must name exactly one instance. */
static int scope_by_name(struct store_conn *c, const char *name, long long *id,
                         struct err *e)
{
    struct store_scope_match m[SCOPE_CANDIDATES];
    char server[VALIDATE_HOSTNAME_BUF];
    const char *cidr;
    struct err ignored;
    size_t total = 0;
    int rc;

    if (ref_split_server_scope(name, server, sizeof(server), &cidr) == 0 &&
        validate_hostname(server, NULL, &ignored) == 0) {
        rc = store_scope_find(c, STORE_SCOPE_BY_RANGE, cidr, server, m,
                              SCOPE_CANDIDATES, &total, e);
        if (rc == 0 && total > 0)
            return scope_pick(name, m, total, id, e);
        if (rc != 0)
            return rc;
    }
    rc = store_scope_find(c, STORE_SCOPE_BY_NAME, name, NULL, m,
                          SCOPE_CANDIDATES, &total, e);
    if (rc == 0 && total == 0 &&
        validate_cidr(name, NULL, NULL, NULL, &ignored) == 0)
        rc = store_scope_find(c, STORE_SCOPE_BY_RANGE, name, NULL, m,
                              SCOPE_CANDIDATES, &total, e);
    if (rc != 0)
        return rc;
    return scope_pick(name, m, total, id, e);
}

/* A pool by name: pools need no name and may share one, so a name names
 * a pool only when exactly one pool has it. */
static int pool_by_name(struct store_conn *c, const char *name, long long *id,
                        struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    struct err ignored;
    long long n = 0;
    int rc;

    if (validate_name(name, NULL, STORE_POOL_NAME_MAX, &ignored) != 0)
        return err_set(e, ERR_NOTFOUND, "no such name");
    rc = store_pool_find_by_name(c, name, id, &n, e);
    if (rc == ERR_CONFLICT)
        return err_set(e, ERR_CONFLICT,
                       "DHCP address pool \"%s\" is ambiguous: %lld pools "
                       "have that name; use a {#10-#n} ref",
                       validate_quote(name, q, sizeof(q)), n);
    return rc;
}

static const struct refs_type types[] = {
    {REF_DHCP_SERVER, "DHCP server", store_server_exists, server_by_name,
     server_name_ok},
    {REF_RANGE, "range", store_range_exists, range_by_name, range_name_ok},
    {REF_DHCP_SCOPE, "DHCP scope", store_scope_exists, scope_by_name, NULL},
    {REF_DHCP_ADDRESS_POOL, "DHCP address pool", store_pool_exists,
     pool_by_name, NULL},
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

/* The reference fields of filters and the type they refer to; "ref" is
 * the listed type itself (REF_SELF). */
#define REF_SELF (-1)
static const struct {
    const char *field;
    int type;
} filter_refs[] = {
    {"ref", REF_SELF},
    {"dhcpServerRef", REF_DHCP_SERVER},
    {"rangeRef", REF_RANGE},
    {"dhcpScopeRef", REF_DHCP_SCOPE},
};

static const struct refs_type *type_of(int type)
{
    for (size_t i = 0; i < NTYPES; i++) {
        if (types[i].type == type)
            return &types[i];
    }
    return NULL;
}

const char *refs_what(int type)
{
    const struct refs_type *t = type_of(type);

    return t != NULL ? t->what : "object";
}

int refs_resolve(struct store_conn *c, int want, const char *s, long long *id,
                 struct err *e)
{
    const struct refs_type *t = type_of(want);
    char q[VALIDATE_QUOTE_BUF];
    struct ref r;
    int rc;

    if (t == NULL)
        return err_set(e, ERR_INTERNAL, "no lookup for object type %d", want);
    if ((rc = ref_parse(s, &r, e)) != 0)
        return rc;
    validate_quote(s, q, sizeof(q));
    if (r.kind == REF_NAME) {
        rc = t->by_name(c, r.name, id, e);
    } else if (r.type != want) {
        return err_set(e, ERR_INVALID, "reference \"%s\" is not a %s", q,
                       t->what);
    } else {
        rc = t->exists(c, r.id, e);
        if (rc == 0)
            *id = r.id;
    }
    if (rc == ERR_NOTFOUND)
        return refs_not_found(want, s, e);
    return rc;
}

int refs_id_of(int want, const char *s, long long *id)
{
    struct err ignored;
    struct ref r;

    if (ref_parse(s, &r, &ignored) != 0 || r.kind == REF_NAME || r.type != want)
        return 0;
    *id = r.id;
    return 1;
}

int refs_key_of(int want, const char *s, long long *id, const char **name)
{
    const struct refs_type *t = type_of(want);
    struct err ignored;
    struct ref r;

    if (refs_id_of(want, s, id))
        return REFS_KEY_ID;
    if (t == NULL || t->name_ok == NULL || ref_parse(s, &r, &ignored) != 0 ||
        r.kind != REF_NAME || !t->name_ok(r.name))
        return REFS_KEY_NONE;
    *name = r.name;
    return REFS_KEY_NAME;
}

int refs_load(struct store_conn *c, int want, const char *s, refs_get_fn get,
              refs_find_fn find, void *obj, long long *id, struct err *e)
{
    const char *name = NULL;
    int rc;

    switch (refs_key_of(want, s, id, &name)) {
    case REFS_KEY_ID:
        rc = get(c, *id, obj, e);
        break;
    case REFS_KEY_NAME:
        if (find != NULL) {
            rc = find(c, name, obj, id, e);
            break;
        }
        /* fall through */
    default:
        if ((rc = refs_resolve(c, want, s, id, e)) != 0)
            return rc;
        return get(c, *id, obj, e);
    }
    return rc == ERR_NOTFOUND ? refs_not_found(want, s, e) : rc;
}

int refs_not_found(int type, const char *s, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];

    return err_set(e, ERR_NOTFOUND, "%s \"%s\" does not exist", refs_what(type),
                   validate_quote(s, q, sizeof(q)));
}

int refs_filter_resolve(void *ctx, const struct filter_field *f,
                        const char *value, long long *id, struct err *e)
{
    const struct refs_filter_ctx *x = ctx;

    for (size_t i = 0; i < sizeof(filter_refs) / sizeof(filter_refs[0]); i++) {
        if (strcasecmp(f->name, filter_refs[i].field) == 0)
            return refs_resolve(x->c,
                                filter_refs[i].type == REF_SELF
                                    ? x->self_type
                                    : filter_refs[i].type,
                                value, id, e);
    }
    return err_set(e, ERR_INTERNAL,
                   "filter: no reference type for field "
                   "\"%s\"",
                   f->name);
}

/* The types refs_resolve_object serves, in the order names are tried. */
static const int served[] = {REF_DHCP_SERVER, REF_RANGE, REF_DHCP_SCOPE,
                             REF_DHCP_ADDRESS_POOL};
#define NSERVED (sizeof(served) / sizeof(served[0]))

int refs_served(int type)
{
    for (size_t i = 0; i < NSERVED; i++) {
        if (served[i] == type)
            return 1;
    }
    return 0;
}

int refs_object_key(int obj_type, const char *s, const char *verb, int *type,
                    long long *id, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    struct ref r;
    int rc;

    if ((rc = ref_parse(s, &r, e)) != 0)
        return rc;
    if (r.kind == REF_NAME)
        return 0;
    validate_quote(s, q, sizeof(q));
    if (obj_type != 0 && r.type != obj_type)
        return err_set(e, ERR_INVALID, "reference \"%s\" is not a %s", q,
                       refs_what(obj_type));
    if (!refs_served(r.type))
        return err_set(e, ERR_INVALID,
                       "reference \"%s\": objects of type %d cannot be "
                       "%s",
                       q, r.type, verb);
    *type = r.type;
    *id = r.id;
    return 1;
}

int refs_resolve_object(struct store_conn *c, int obj_type, const char *s,
                        const char *verb, int *type, long long *id,
                        struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], found[128];
    size_t matches = 0, fo = 0;
    int rc;

    if ((rc = refs_object_key(obj_type, s, verb, type, id, e)) < 0)
        return rc;
    if (rc == 1)
        return refs_resolve(c, *type, s, id, e);
    validate_quote(s, q, sizeof(q));
    if (obj_type != 0) {
        *type = obj_type;
        return refs_resolve(c, obj_type, s, id, e);
    }
    found[0] = '\0';
    for (size_t i = 0; i < NSERVED; i++) {
        long long one = 0;

        rc = refs_resolve(c, served[i], s, &one, e);
        if (rc == ERR_NOTFOUND)
            continue;
        if (rc != 0)
            return rc;
        matches++;
        *type = served[i];
        *id = one;
        fo += (size_t)snprintf(found + fo, sizeof(found) - fo, "%s%s",
                               fo > 0 ? ", " : "", refs_what(served[i]));
    }
    if (matches == 0)
        return err_set(e, ERR_NOTFOUND, "object \"%s\" does not exist", q);
    if (matches > 1)
        return err_set(e, ERR_CONFLICT,
                       "\"%s\" names several objects (%s): give objType or "
                       "a {#<type>-#<id>} ref",
                       q, found);
    return 0;
}
