/* micetro-emu: seed documents (see control_seed.h).
 *
 * Two steps.  The document is first read into the request structs of the
 * Add calls (in a gSOAP context of its own, for their memory): only its
 * shape is checked here, keys, types, NUL bytes and sizes, each refusal
 * naming its path.  Then one transaction runs the calls' own check and
 * store (mutate_call_fn) item after item, in the order of `kinds` below,
 * the relationships' dhcpScopeRefs joining last; the first refusal rolls
 * everything back and is answered with the item's path.  A reference
 * field is looked up before its call (refs_resolve, the call's own
 * resolver), so that a missing object is reported at that field.
 */
#include "control_seed.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "soapH.h"

#include "app.h"
#include "call.h"
#include "control_json.h"
#include "convert.h"
#include "log.h"
#include "mutate.h"
#include "properties.h"
#include "ref.h"
#include "refs.h"
#include "session.h"
#include "soap_failover.h"
#include "soap_pools.h"
#include "soap_propdefs.h"
#include "soap_ranges.h"
#include "soap_scopes.h"
#include "soap_servers.h"
#include "store.h"
#include "store_reset.h"

/* What a field holds. */
enum fkind {
    F_STR,     /* char * */
    F_BOOL,    /* enum xsd__boolean * */
    F_UINT,    /* unsigned int */
    F_UINTP,   /* unsigned int * (an optional element) */
    F_ENUM,    /* an enumeration, by its name (s2e) */
    F_STRINGS, /* struct mm__ArrayOfString *, from an array of strings */
    F_REFS,    /* struct mm__ArrayOfObjRef *, from an array of strings */
    F_PROPS    /* struct mm__ArrayOfProperty *, from an object of strings */
};

/* Where a field goes: the object of the call, the call's request, or the
 * item (what the seed does after the call). */
enum fwhere { IN_OBJ, IN_RQ, IN_ITEM };

struct field {
    const char *key;
    enum fkind kind;
    enum fwhere where;
    size_t off;
    /* F_ENUM: the name s into *out, gSOAP's soap_s2<type>; SOAP_OK or not */
    int (*s2e)(struct soap *soap, const char *s, void *out);
    /* the type a reference field names (looked up first: the error's
     * path is the field's), or 0 */
    int ref_type;
};

/* One item of the document: the request of its call, and what follows
 * the call. */
struct item {
    void *rq;
    /* customProperties of a scope or pool: set as SetProperties sets
     * them, on the new object */
    struct mm__ArrayOfProperty *custom;
    /* dhcpScopeRefs of a relationship: joined after the pools, as
     * AddDHCPScopesToDHCPFailoverRelationship joins them */
    struct mm__ArrayOfObjRef *join;
};

static int s2_object_type(struct soap *soap, const char *s, void *out)
{
    return soap_s2mm__ObjectType(soap, s, out);
}

static int s2_property_type(struct soap *soap, const char *s, void *out)
{
    return soap_s2mm__PropertyType(soap, s, out);
}

static int s2_server_type(struct soap *soap, const char *s, void *out)
{
    return soap_s2mm__DHCPServerType(soap, s, out);
}

static int s2_failover_mode(struct soap *soap, const char *s, void *out)
{
    return soap_s2mm__DHCPFailoverMode(soap, s, out);
}

static int s2_failover_server_type(struct soap *soap, const char *s, void *out)
{
    return soap_s2mm__DHCPFailoverServerType(soap, s, out);
}

#define FIELD(k, kd, w, o, ...)                                                \
    {.key = k, .kind = kd, .where = w, .off = o, __VA_ARGS__}
#define OBJ(type, kind, field)                                                 \
    FIELD(#field, kind, IN_OBJ, offsetof(type, field), .s2e = NULL)
#define OBJ_ENUM(type, field, fn)                                              \
    FIELD(#field, F_ENUM, IN_OBJ, offsetof(type, field), .s2e = (fn))
#define OBJ_REF(type, field, type_of_ref)                                      \
    FIELD(#field, F_STR, IN_OBJ, offsetof(type, field),                        \
          .ref_type = (type_of_ref))
#define RQ(type, kind, field)                                                  \
    FIELD(#field, kind, IN_RQ, offsetof(type, field), .s2e = NULL)
#define ITEM(k, kind, field)                                                   \
    FIELD(k, kind, IN_ITEM, offsetof(struct item, field), .s2e = NULL)

static const struct field propdef_fields[] = {
    FIELD("objType", F_ENUM, IN_RQ,
          offsetof(struct _mm__AddPropertyDefinition, objType),
          .s2e = s2_object_type),
    OBJ(struct mm__PropertyDefinition, F_STR, name),
    OBJ_ENUM(struct mm__PropertyDefinition, type, s2_property_type),
    OBJ(struct mm__PropertyDefinition, F_BOOL, system),
    OBJ(struct mm__PropertyDefinition, F_BOOL, mandatory),
    OBJ(struct mm__PropertyDefinition, F_BOOL, readOnly),
    OBJ(struct mm__PropertyDefinition, F_BOOL, multiLine),
    OBJ(struct mm__PropertyDefinition, F_STR, defaultValue),
    OBJ(struct mm__PropertyDefinition, F_STRINGS, listItems),
    OBJ(struct mm__PropertyDefinition, F_STR, parentProperty),
    {.key = NULL},
};

static const struct field server_fields[] = {
    OBJ(struct mm__DHCPServer, F_STR, name),
    OBJ(struct mm__DHCPServer, F_STR, proxy),
    OBJ(struct mm__DHCPServer, F_STR, address),
    OBJ(struct mm__DHCPServer, F_STR, username),
    OBJ(struct mm__DHCPServer, F_STR, password),
    OBJ(struct mm__DHCPServer, F_STR, enablePassword),
    OBJ_ENUM(struct mm__DHCPServer, type, s2_server_type),
    OBJ(struct mm__DHCPServer, F_PROPS, customProperties),
    OBJ(struct mm__DHCPServer, F_BOOL, enabled),
    {.key = NULL},
};

static const struct field range_fields[] = {
    OBJ(struct mm__Range, F_STR, name),
    OBJ(struct mm__Range, F_STR, from),
    OBJ(struct mm__Range, F_STR, to),
    OBJ(struct mm__Range, F_STR, parentRef),
    OBJ(struct mm__Range, F_STR, adSiteRef),
    OBJ(struct mm__Range, F_BOOL, subnet),
    OBJ(struct mm__Range, F_BOOL, locked),
    OBJ(struct mm__Range, F_BOOL, autoAssign),
    OBJ(struct mm__Range, F_PROPS, customProperties),
    OBJ(struct mm__Range, F_BOOL, isContainer),
    OBJ(struct mm__Range, F_STR, cloudNetworkRef),
    {.key = NULL},
};

static const struct field relationship_fields[] = {
    OBJ(struct mm__DHCPFailoverRelationship, F_STR, name),
    OBJ_REF(struct mm__DHCPFailoverRelationship, primaryServer,
            REF_DHCP_SERVER),
    OBJ_REF(struct mm__DHCPFailoverRelationship, secondaryServer,
            REF_DHCP_SERVER),
    OBJ_ENUM(struct mm__DHCPFailoverRelationship, failoverMode,
             s2_failover_mode),
    OBJ_ENUM(struct mm__DHCPFailoverRelationship, failoverServerType,
             s2_failover_server_type),
    OBJ(struct mm__DHCPFailoverRelationship, F_UINT, mclt),
    OBJ(struct mm__DHCPFailoverRelationship, F_UINT, safePeriod),
    ITEM("dhcpScopeRefs", F_REFS, join),
    OBJ(struct mm__DHCPFailoverRelationship, F_UINT, percentage),
    OBJ(struct mm__DHCPFailoverRelationship, F_STR, sharedSecret),
    OBJ_REF(struct mm__DHCPFailoverRelationship, dhcpServerRef,
            REF_DHCP_SERVER),
    OBJ(struct mm__DHCPFailoverRelationship, F_UINTP, port),
    OBJ(struct mm__DHCPFailoverRelationship, F_UINTP, peerPort),
    OBJ(struct mm__DHCPFailoverRelationship, F_UINTP, loadBalanceMaxSeconds),
    OBJ(struct mm__DHCPFailoverRelationship, F_UINTP, maxResponseDelay),
    OBJ(struct mm__DHCPFailoverRelationship, F_UINTP, maxUnackedUpdates),
    {.key = NULL},
};

static const struct field scope_fields[] = {
    OBJ(struct mm__DHCPScope, F_STR, name),
    OBJ_REF(struct mm__DHCPScope, rangeRef, REF_RANGE),
    OBJ_REF(struct mm__DHCPScope, dhcpServerRef, REF_DHCP_SERVER),
    OBJ(struct mm__DHCPScope, F_STR, superscope),
    OBJ(struct mm__DHCPScope, F_STR, description),
    OBJ(struct mm__DHCPScope, F_BOOL, enabled),
    RQ(struct _mm__AddDHCPScope, F_STR, dhcpFailoverRelationshipName),
    ITEM("customProperties", F_PROPS, custom),
    {.key = NULL},
};

static const struct field pool_fields[] = {
    OBJ(struct mm__DHCPAddressPool, F_STR, name),
    OBJ(struct mm__DHCPAddressPool, F_STR, from),
    OBJ(struct mm__DHCPAddressPool, F_STR, to),
    OBJ_REF(struct mm__DHCPAddressPool, dhcpScopeRef, REF_DHCP_SCOPE),
    ITEM("customProperties", F_PROPS, custom),
    {.key = NULL},
};

/* The arrays of a document, in the order they are applied: a scope may
 * name a relationship (dhcpFailoverRelationshipName), and a
 * relationship's dhcpScopeRefs join once the scopes have their pools. */
enum {
    K_PROPDEFS,
    K_SERVERS,
    K_RANGES,
    K_RELATIONSHIPS,
    K_SCOPES,
    K_POOLS,
    NK
};

#define KIND(key, rq_type, obj_field, fields, add, ref_type)                   \
    {key,                                                                      \
     sizeof(rq_type),                                                          \
     offsetof(rq_type, obj_field),                                             \
     sizeof(*((rq_type *)NULL)->obj_field),                                    \
     offsetof(rq_type, saveComment),                                           \
     fields,                                                                   \
     add,                                                                      \
     ref_type}

static const struct kind {
    const char *key;
    size_t rq_size, obj_off, obj_size, comment_off;
    const struct field *fields;
    mutate_call_fn add;
    int ref_type; /* the type of the refs answered; 0: none */
} kinds[NK] = {
    KIND("propertyDefinitions", struct _mm__AddPropertyDefinition,
         propertyDefinition, propdef_fields, soap_propdefs_add, 0),
    KIND("dhcpServers", struct _mm__AddDHCPServer, dhcpServer, server_fields,
         soap_servers_add, REF_DHCP_SERVER),
    KIND("ranges", struct _mm__AddRange, range, range_fields, soap_ranges_add,
         REF_RANGE),
    KIND("dhcpFailoverRelationships", struct _mm__AddDHCPFailoverRelationship,
         dhcpFailoverRelationship, relationship_fields, soap_failover_add, 0),
    KIND("dhcpScopes", struct _mm__AddDHCPScope, dhcpScope, scope_fields,
         soap_scopes_add, REF_DHCP_SCOPE),
    KIND("dhcpAddressPools", struct _mm__AddDHCPAddressPool, dhcpAddressPool,
         pool_fields, soap_pools_add, REF_DHCP_ADDRESS_POOL),
};

/* Where a failure is reported: a document's path. */
#define SEED_PATH_BUF 160
/* Room for a refusal: the path and the call's message. */
#define SEED_MSG_BUF (SEED_PATH_BUF + sizeof(((struct err *)NULL)->msg) + 8)

struct seed {
    struct soap *soap; /* the memory of the requests */
    size_t max_string, max_elements;
    int reset;
    const char *comment; /* the document's saveComment */
    struct item *items[NK];
    size_t n[NK];
    long long *ids[NK];        /* the objects made, per item */
    char where[SEED_PATH_BUF]; /* the path of the failing item */
    char msg[SEED_MSG_BUF];    /* a refusal of the document's shape */
};

/* Fills s->msg with "path: printf(fmt, ...)"; returns -1. */
static int refuse(struct seed *s, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(struct seed *s, const char *path, const char *fmt, ...)
{
    size_t l;
    va_list ap;

    snprintf(s->msg, sizeof(s->msg), "%.*s: ", SEED_PATH_BUF, path);
    l = strlen(s->msg);
    va_start(ap, fmt);
    vsnprintf(s->msg + l, sizeof(s->msg) - l, fmt, ap);
    va_end(ap);
    return -1;
}

/* A path printf(fmt, ...) into p[SEED_PATH_BUF], cut to fit. */
static void path_of(char *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void path_of(char *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p, SEED_PATH_BUF, fmt, ap);
    va_end(ap);
}

static void *alloc(struct seed *s, size_t n)
{
    void *p = soap_malloc(s->soap, n);

    if (p != NULL)
        memset(p, 0, n);
    return p;
}

static int oom(struct seed *s)
{
    snprintf(s->msg, sizeof(s->msg), "out of memory");
    return -2;
}

/* A JSON string at path into *out (the soap context's memory): no NUL
 * byte, at most --max-string-bytes. */
static int take_string(struct seed *s, json_t *v, const char *path, char **out)
{
    const char *t;
    size_t n;

    if (!json_is_string(v))
        return refuse(s, path, "expected a string");
    t = json_string_value(v);
    n = json_string_length(v);
    if (memchr(t, '\0', n) != NULL)
        return refuse(s, path, "holds a NUL byte");
    if (n > s->max_string)
        return refuse(s, path, "longer than %zu bytes (--max-string-bytes)",
                      s->max_string);
    if ((*out = soap_strdup(s->soap, t)) == NULL)
        return oom(s);
    return 0;
}

/* The size of a JSON array at path, at most --max-elements. */
static int array_size(struct seed *s, json_t *v, const char *path, size_t *n)
{
    if (!json_is_array(v))
        return refuse(s, path, "expected an array");
    *n = json_array_size(v);
    if (*n > s->max_elements)
        return refuse(s, path, "more than %zu items (--max-elements)",
                      s->max_elements);
    return 0;
}

/* An array of strings at path into *out[*count]. */
static int take_strings(struct seed *s, json_t *v, const char *path,
                        char ***out, int *count)
{
    char p[SEED_PATH_BUF];
    size_t n = 0;
    int rc;

    if ((rc = array_size(s, v, path, &n)) != 0)
        return rc;
    if (n > 0 && (*out = alloc(s, n * sizeof(char *))) == NULL)
        return oom(s);
    for (size_t i = 0; i < n; i++) {
        path_of(p, "%s[%zu]", path, i);
        if ((rc = take_string(s, json_array_get(v, i), p, &(*out)[i])) != 0)
            return rc;
    }
    *count = (int)n;
    return 0;
}

/* An object of strings at path into a property array. */
static int take_props(struct seed *s, json_t *v, const char *path,
                      struct mm__ArrayOfProperty **out)
{
    struct mm__ArrayOfProperty *arr;
    char p[SEED_PATH_BUF];
    const char *key;
    json_t *val;
    size_t n, i = 0;
    int rc;

    if (!json_is_object(v))
        return refuse(s, path,
                      "expected an object of property names and "
                      "values");
    n = json_object_size(v);
    if (n > s->max_elements)
        return refuse(s, path, "more than %zu properties (--max-elements)",
                      s->max_elements);
    if ((arr = alloc(s, sizeof(*arr))) == NULL ||
        (n > 0 &&
         (arr->property = alloc(s, n * sizeof(*arr->property))) == NULL))
        return oom(s);
    json_object_foreach(v, key, val)
    {
        path_of(p, "%s.%.64s", path, key);
        if ((arr->property[i].name = soap_strdup(s->soap, key)) == NULL)
            return oom(s);
        if ((rc = take_string(s, val, p, &arr->property[i].value)) != 0)
            return rc;
        i++;
    }
    arr->__sizeproperty = (int)n;
    *out = arr;
    return 0;
}

/* One field's value at path into dst. */
static int take_field(struct seed *s, const struct field *f, json_t *v,
                      const char *path, void *dst)
{
    char *name = NULL;
    int rc;

    switch (f->kind) {
    case F_STR:
        return take_string(s, v, path, dst);
    case F_BOOL: {
        enum xsd__boolean *b;

        if (!json_is_boolean(v))
            return refuse(s, path, "expected true or false");
        if ((b = alloc(s, sizeof(*b))) == NULL)
            return oom(s);
        *b = json_is_true(v) ? xsd__boolean__true_ : xsd__boolean__false_;
        *(enum xsd__boolean **)dst = b;
        return 0;
    }
    case F_UINT:
    case F_UINTP: {
        json_int_t x;
        unsigned int *u = dst;

        if (!json_is_integer(v) || (x = json_integer_value(v)) < 0 ||
            x > (json_int_t)UINT_MAX)
            return refuse(s, path, "expected an integer from 0 to %u",
                          UINT_MAX);
        if (f->kind == F_UINTP) {
            if ((u = alloc(s, sizeof(*u))) == NULL)
                return oom(s);
            *(unsigned int **)dst = u;
        }
        *u = (unsigned int)x;
        return 0;
    }
    case F_ENUM:
        if ((rc = take_string(s, v, path, &name)) != 0)
            return rc;
        /* gSOAP would take a number too: the names only */
        if ((name[0] >= '0' && name[0] <= '9') || name[0] == '-' ||
            name[0] == '+' || f->s2e(s->soap, name, dst) != SOAP_OK) {
            s->soap->error = SOAP_OK;
            return refuse(s, path,
                          "\"%.64s\" is not one of the names the "
                          "WSDL gives this field",
                          name);
        }
        return 0;
    case F_STRINGS: {
        struct mm__ArrayOfString *a = alloc(s, sizeof(*a));

        if (a == NULL)
            return oom(s);
        *(struct mm__ArrayOfString **)dst = a;
        return take_strings(s, v, path, &a->string, &a->__sizestring);
    }
    case F_REFS: {
        struct mm__ArrayOfObjRef *a = alloc(s, sizeof(*a));

        if (a == NULL)
            return oom(s);
        *(struct mm__ArrayOfObjRef **)dst = a;
        return take_strings(s, v, path, &a->ref, &a->__sizeref);
    }
    case F_PROPS:
        return take_props(s, v, path, dst);
    }
    return refuse(s, path, "field kind %d", (int)f->kind);
}

/* The keys a kind takes, for the refusal of another. */
static void keys_of(const struct field *fields, char *buf, size_t size)
{
    size_t o = 0;

    buf[0] = '\0';
    for (const struct field *f = fields; f->key != NULL && o < size; f++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s",
                              f == fields ? "" : ", ", f->key);
}

/* Item i of kind k, the JSON object v, into *it. */
static int take_item(struct seed *s, const struct kind *k, size_t i, json_t *v,
                     struct item *it)
{
    char ipath[SEED_PATH_BUF], p[SEED_PATH_BUF], keys[512];
    const char *key;
    json_t *val;
    void *obj;
    int rc;

    snprintf(ipath, sizeof(ipath), "%s[%zu]", k->key, i);
    if (!json_is_object(v))
        return refuse(s, ipath, "expected an object");
    if ((it->rq = alloc(s, k->rq_size)) == NULL ||
        (obj = alloc(s, k->obj_size)) == NULL)
        return oom(s);
    *(void **)((char *)it->rq + k->obj_off) = obj;
    *(const char **)((char *)it->rq + k->comment_off) = s->comment;
    json_object_foreach(v, key, val)
    {
        const struct field *f = k->fields;
        char *base;

        while (f->key != NULL && strcmp(f->key, key) != 0)
            f++;
        path_of(p, "%s.%.64s", ipath, key);
        if (f->key == NULL) {
            keys_of(k->fields, keys, sizeof(keys));
            return refuse(s, p, "unknown key; %s take %s", k->key, keys);
        }
        base = f->where == IN_OBJ  ? (char *)obj
               : f->where == IN_RQ ? (char *)it->rq
                                   : (char *)it;
        if ((rc = take_field(s, f, val, p, base + f->off)) != 0)
            return rc;
    }
    return 0;
}

static const char *const top_keys = "saveComment, propertyDefinitions, "
                                    "dhcpServers, ranges, dhcpScopes, "
                                    "dhcpAddressPools, "
                                    "dhcpFailoverRelationships";

/* The document doc into s's requests. */
static int take_document(struct seed *s, json_t *doc)
{
    const char *key;
    json_t *val;
    char *comment = NULL;
    int rc;

    if (!json_is_object(doc))
        return refuse(s, "document", "expected a JSON object");
    /* every key known before anything is taken */
    json_object_foreach(doc, key, val)
    {
        int known = strcmp(key, "saveComment") == 0;

        for (int k = 0; k < NK && !known; k++)
            known = strcmp(key, kinds[k].key) == 0;
        if (!known)
            return refuse(s, key, "unknown key; a seed takes %s", top_keys);
    }
    if ((val = json_object_get(doc, "saveComment")) != NULL) {
        if ((rc = take_string(s, val, "saveComment", &comment)) != 0)
            return rc;
        s->comment = comment;
    }
    for (int k = 0; k < NK; k++) {
        size_t n = 0;

        if ((val = json_object_get(doc, kinds[k].key)) == NULL)
            continue;
        if ((rc = array_size(s, val, kinds[k].key, &n)) != 0)
            return rc;
        if (n == 0)
            continue;
        if ((s->items[k] = alloc(s, n * sizeof(struct item))) == NULL ||
            (s->ids[k] = alloc(s, n * sizeof(long long))) == NULL)
            return oom(s);
        for (size_t i = 0; i < n; i++) {
            if ((rc = take_item(s, &kinds[k], i, json_array_get(val, i),
                                &s->items[k][i])) != 0)
                return rc;
        }
        s->n[k] = n;
    }
    return 0;
}

/* ---- the transaction ---------------------------------------------- */

/* Looks the reference fields of item it of kind k up (refs_resolve), so
 * that a missing object is reported at its field; s->where is the item's
 * path, made the field's on a failure. */
static int resolve_refs(struct seed *s, struct store_conn *c,
                        const struct kind *k, const struct item *it,
                        struct err *e)
{
    const char *obj = *(const char **)((const char *)it->rq + k->obj_off);

    for (const struct field *f = k->fields; f->key != NULL; f++) {
        const char *ref;
        long long id;
        int rc;

        if (f->ref_type == 0)
            continue;
        ref = *(const char *const *)(obj + f->off);
        if (ref == NULL || ref[0] == '\0')
            continue; /* the call says what is missing */
        if ((rc = refs_resolve(c, f->ref_type, ref, &id, e)) != 0) {
            size_t l = strlen(s->where);

            snprintf(s->where + l, sizeof(s->where) - l, ".%s", f->key);
            return rc;
        }
    }
    return 0;
}

/* The customProperties of a new scope or pool, as SetProperties sets
 * them. */
static int set_custom(struct seed *s, struct store_conn *c, int type,
                      long long id, struct mm__ArrayOfProperty *props,
                      struct err *e)
{
    enum mm__ObjectType t = (enum mm__ObjectType)type;
    struct _mm__SetProperties rq;
    long long none;
    size_t l = strlen(s->where);

    memset(&rq, 0, sizeof(rq));
    if ((rq.ref = convert_ref(s->soap, type, id)) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    rq.objType = &t;
    rq.saveComment = (char *)s->comment;
    rq.properties = props;
    snprintf(s->where + l, sizeof(s->where) - l, ".customProperties");
    return properties_set(s->soap, c, SESSION_ADMIN_LOGIN, &rq, &none, e);
}

/* The dhcpScopeRefs of relationship item it, one
 * AddDHCPScopesToDHCPFailoverRelationship each, on the server the
 * relationship is seen from (dhcpServerRef, else its primary). */
static int join_scopes(struct seed *s, struct store_conn *c, size_t i,
                       const struct item *it, struct err *e)
{
    const struct _mm__AddDHCPFailoverRelationship *add = it->rq;
    const struct mm__DHCPFailoverRelationship
        *f = add->dhcpFailoverRelationship;
    struct _mm__AddDHCPScopesToDHCPFailoverRelationship rq;
    struct mm__ArrayOfObjRef one;
    long long none;
    int rc;

    memset(&rq, 0, sizeof(rq));
    rq.dhcpServerRef = f->dhcpServerRef != NULL && f->dhcpServerRef[0] != '\0'
                           ? f->dhcpServerRef
                           : f->primaryServer;
    rq.dhcpFailoverRelationshipName = f->name;
    rq.dhcpScopeRefs = &one;
    rq.saveComment = (char *)s->comment;
    for (int j = 0; it->join != NULL && j < it->join->__sizeref; j++) {
        snprintf(s->where, sizeof(s->where), "%s[%zu].dhcpScopeRefs[%d]",
                 kinds[K_RELATIONSHIPS].key, i, j);
        one.__sizeref = 1;
        one.ref = &it->join->ref[j];
        if ((rc = soap_failover_add_scopes(s->soap, c, SESSION_ADMIN_LOGIN, &rq,
                                           &none, e)) != 0)
            return rc;
    }
    return 0;
}

static int seed_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct seed *s = ctx;
    int rc;

    /* nothing kept from an attempt before (mutate_tx) */
    snprintf(s->where, sizeof(s->where), "reset");
    if (s->reset && (rc = store_reset(c, 1, e)) != 0)
        return rc;
    for (int k = 0; k < NK; k++) {
        for (size_t i = 0; i < s->n[k]; i++) {
            struct item *it = &s->items[k][i];

            snprintf(s->where, sizeof(s->where), "%s[%zu]", kinds[k].key, i);
            s->ids[k][i] = 0;
            if ((rc = resolve_refs(s, c, &kinds[k], it, e)) != 0 ||
                (rc = kinds[k].add(s->soap, c, SESSION_ADMIN_LOGIN, it->rq,
                                   &s->ids[k][i], e)) != 0)
                return rc;
            if (it->custom != NULL &&
                (rc = set_custom(s, c, kinds[k].ref_type, s->ids[k][i],
                                 it->custom, e)) != 0)
                return rc;
        }
    }
    for (size_t i = 0; i < s->n[K_RELATIONSHIPS]; i++) {
        if ((rc = join_scopes(s, c, i, &s->items[K_RELATIONSHIPS][i], e)) != 0)
            return rc;
    }
    return 0;
}

/* What was made: {"created": {...}, "refs": {...}}. */
static json_t *answer_of(const struct seed *s, double ms)
{
    json_t *created = json_object(), *refs = json_object();
    json_t *j = json_pack("{s:s, s:b, s:o, s:o, s:f}", "status", "seeded",
                          "reset", s->reset, "created", created, "refs", refs,
                          "durationMs", ms);
    char ref[REF_BUF];

    if (j == NULL)
        return NULL;
    for (int k = 0; k < NK; k++) {
        json_t *arr;

        if (json_object_set_new(created, kinds[k].key,
                                json_integer((json_int_t)s->n[k])) != 0) {
            json_decref(j);
            return NULL;
        }
        if (kinds[k].ref_type == 0)
            continue;
        if ((arr = json_array()) == NULL ||
            json_object_set_new(refs, kinds[k].key, arr) != 0) {
            json_decref(j);
            return NULL;
        }
        for (size_t i = 0; i < s->n[k]; i++) {
            ref_format(kinds[k].ref_type, s->ids[k][i], ref, sizeof(ref));
            if (json_array_append_new(arr, json_string(ref)) != 0) {
                json_decref(j);
                return NULL;
            }
        }
    }
    return j;
}

/* Applies the document text[len]: 201 and *answer, or the status with
 * why[size] filled. */
static int seed_run(struct app *app, const char *text, size_t len, int reset,
                    json_t **answer, char *why, size_t size)
{
    struct seed s;
    json_error_t je;
    json_t *doc;
    struct err e;
    double t0 = control_json_now_ms();
    int status = 201, rc;

    *answer = NULL;
    memset(&s, 0, sizeof(s));
    s.max_string = (size_t)app->cfg->wire.max_string_bytes;
    s.max_elements = (size_t)app->cfg->wire.max_elements;
    s.reset = reset;
    /* NUL bytes are let through the parser to be refused with their path */
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (doc == NULL) {
        snprintf(why, size, "the document is not JSON: %s (line %d, column %d)",
                 je.text, je.line, je.column);
        return 400;
    }
    /* strict: an enumeration is one of its names, never a number */
    if ((s.soap = soap_new1(SOAP_XML_STRICT)) == NULL) {
        json_decref(doc);
        snprintf(why, size, "out of memory");
        return 500;
    }
    rc = take_document(&s, doc);
    json_decref(doc);
    if (rc != 0) {
        snprintf(why, size, "%s", s.msg);
        status = rc == -2 ? 500 : 400;
        goto out;
    }
    if (control_json_tx(app, "", seed_tx, &s, &e) != 0) {
        status = err_is_client(e.code) ? 400 : e.code == ERR_DB ? 503 : 500;
        /* the path of the item that failed, once one was being applied */
        if (s.where[0] != '\0')
            snprintf(why, size, "%s: %s", s.where, e.msg);
        else
            snprintf(why, size, "%s", e.msg);
        goto out;
    }
    if ((*answer = answer_of(&s, control_json_now_ms() - t0)) == NULL) {
        snprintf(why, size, "out of memory");
        status = 500;
    }
out:
    soap_destroy(s.soap);
    soap_end(s.soap);
    soap_free(s.soap);
    return status;
}

void control_seed_route(struct app *app, const struct soaphttpd_request *rq,
                        const char *rest, struct soaphttpd_answer *a)
{
    char why[SEED_MSG_BUF];
    int reset, status;
    json_t *answer;

    (void)rest;
    if (control_json_flag(rq, "reset", &reset, a) != 0)
        return;
    status = seed_run(app, rq->body, rq->len, reset, &answer, why, sizeof(why));
    if (answer == NULL) {
        control_json_error(a, status, "%s", why);
        return;
    }
    control_json_answer(a, status, answer);
}

/* The file at path, at most max bytes, into a malloc'd buffer. */
static char *read_file(const char *path, size_t max, size_t *len, char *why,
                       size_t size)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (f == NULL) {
        snprintf(why, size, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if ((buf = malloc(max + 1)) == NULL) {
        fclose(f);
        snprintf(why, size, "out of memory");
        return NULL;
    }
    *len = fread(buf, 1, max + 1, f);
    if (ferror(f) || *len > max) {
        if (*len > max)
            snprintf(why, size,
                     "%s: larger than %zu bytes "
                     "(--max-message-bytes)",
                     path, max);
        else
            snprintf(why, size, "%s: %s", path, strerror(errno));
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    return buf;
}

/* 1 when the database has no objects yet; else 0, with why filled when
 * that could not be read (and empty when it has objects: logged). */
static int fresh_database(struct app *app, const char *path, char *why,
                          size_t size)
{
    struct err e;
    struct store_conn *c = store_acquire(app->store, &e);
    int fresh = 0;

    why[0] = '\0';
    if (c == NULL || store_reset_is_fresh(c, &fresh, &e) != 0) {
        snprintf(why, size, "%s: %s", path, e.msg);
        fresh = 0;
    } else if (!fresh) {
        log_msg("--seed %s: not applied: the database already has objects "
                "(it is applied to a fresh one only; POST /_emu/seed "
                "applies it at any time)",
                path);
    }
    if (c != NULL)
        store_release(app->store, c);
    return fresh;
}

int control_seed_file(struct app *app, const char *path, char *why, size_t size)
{
    char msg[SEED_MSG_BUF];
    size_t len = 0;
    char *text = read_file(path, (size_t)app->cfg->wire.max_message_bytes, &len,
                           why, size);
    json_t *answer = NULL;
    json_t *created;
    char *summary;

    if (text == NULL)
        return -1;
    if (!fresh_database(app, path, why, size)) {
        free(text);
        return why[0] != '\0' ? -1 : 0;
    }
    seed_run(app, text, len, 0, &answer, msg, sizeof(msg));
    free(text);
    if (answer == NULL) {
        snprintf(why, size, "%s: %s", path, msg);
        return -1;
    }
    created = json_object_get(answer, "created");
    summary = created != NULL ? json_dumps(created, JSON_COMPACT) : NULL;
    log_msg("seeded from %s: %s", path, summary != NULL ? summary : "");
    free(summary);
    json_decref(answer);
    return 0;
}
