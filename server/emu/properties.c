/* micetro-emu: GetProperties and SetProperties.
 *
 * A ref and objType resolve as for RemoveObject (refs_resolve_object).
 * The built-in properties, as name/value text (booleans "true"/"false",
 * refs "{#<type>-#<id>}"), per type; (ro) marks read-only ones:
 *
 *   DHCPServer       name, address ("IP" or "IP:port"), type (ro),
 *                    state (ro), enabled, simulated (ro: its file is kept,
 *                    not pushed; control_sim.h), configurationSync
 *                    (write-only: import, overwrite or skip; import.h)
 *   Range            name (ro: the CIDR, which scopes and pools hang
 *                    on), from (ro), to (ro), title and description
 *                    (when set), locked, autoAssign
 *   DHCPScope        name, description and superscope (when set),
 *                    enabled, dhcpServerRef (ro), rangeRef (ro),
 *                    failoverRelationship (ro, when in one)
 *   DHCPAddressPool  name (when set), from, to, dhcpScopeRef (ro),
 *                    and for a failover scope's pool failoverPeer (the
 *                    partner server), failoverRelationship and
 *                    failoverState (the relationship's state as
 *                    GetDHCPFailoverRelationship reports it) (ro)
 *
 * plus ref (ro) everywhere, not listed.  Then the custom properties
 * defined for the type (custom.h), each with the object's value, else
 * the default, else ""; onlyCustom true answers only those.
 *
 * SetProperties validates each value as the Add path does (a server's
 * name stays unique, case-insensitively and without the dot; a pool's
 * from..to stays inside its scope's range, off its network and broadcast
 * addresses, and overlap-free, checked under the scope-row lock the add
 * takes), refuses `property "type" is read-only` and `unknown property
 * "x" for a DHCP scope`.  Built-in names are matched exactly; any other
 * name is looked up among the type's custom properties, case-
 * insensitively, and its value checked as custom.h says (an empty
 * value clears it unless it is mandatory; read-only ones are refused).
 * Text properties given an empty value are cleared (where optional).
 * deleteUnspecified clears the custom properties not given (but the
 * mandatory and read-only ones); built-in properties cannot be deleted.
 * One transaction with one change_log row (action "modify"); on any error
 * nothing changes.
 */
#include "properties.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soapH.h"

#include "soap_entry.h"

#include "call.h"
#include "store_changelog.h"
#include "ref.h"
#include "render.h"
#include "validate.h"
#include "store_pool.h"
#include "store_scope.h"
#include "store_server.h"
#include "store_prop.h"
#include "store_range.h"
#include "mutate.h"
#include "refs.h"
#include "convert.h"
#include "custom.h"
#include "store.h"
#include "store_config.h"
#include "store_failover.h"
#include "store_import.h"

/* Most properties of one object. */
#define PROPS_MAX 10
/* The unmanaged dhcpd.conf statements of a server (global) or a scope
 * (inside its subnet): text kept verbatim in the rendered file. */
#define STATEMENTS "unmanagedStatements"
/* A server's own OMAPI port in its dhcpd.conf ("" : the worker's
 * default). */
#define OMAPI_PORT "omapiPort"
/* A server's file against the one it runs (write-only, import.h):
 * "import" reads the live file and makes the model equal to it,
 * "overwrite" (or "skip") pushes the emulator's file over it. */
#define SYNC "configurationSync"

/* One object of any served type. */
struct obj {
    int type;
    union {
        struct store_dhcp_server server;
        struct store_range range;
        struct store_dhcp_scope scope;
        struct store_dhcp_pool pool;
    } u;
};

/* A property of a type: settable or read-only. */
struct prop {
    int type;
    const char *name;
    int settable;
};

static const struct prop props[] = {
    {REF_DHCP_SERVER, "name", 1},
    {REF_DHCP_SERVER, "address", 1},
    {REF_DHCP_SERVER, "type", 0},
    {REF_DHCP_SERVER, "state", 0},
    {REF_DHCP_SERVER, "stateMessage", 0},
    {REF_DHCP_SERVER, "enabled", 1},
    {REF_DHCP_SERVER, STATEMENTS, 1},
    {REF_DHCP_SERVER, OMAPI_PORT, 1},
    {REF_DHCP_SERVER, SYNC, 1},
    {REF_DHCP_SERVER, "simulated", 0},
    {REF_RANGE, "name", 0},
    {REF_RANGE, "from", 0},
    {REF_RANGE, "to", 0},
    {REF_RANGE, "title", 1},
    {REF_RANGE, "description", 1},
    {REF_RANGE, "locked", 1},
    {REF_RANGE, "autoAssign", 1},
    {REF_DHCP_SCOPE, "name", 1},
    {REF_DHCP_SCOPE, "description", 1},
    {REF_DHCP_SCOPE, "superscope", 1},
    {REF_DHCP_SCOPE, "enabled", 1},
    {REF_DHCP_SCOPE, "dhcpServerRef", 0},
    {REF_DHCP_SCOPE, "rangeRef", 0},
    {REF_DHCP_SCOPE, "failoverRelationship", 0},
    {REF_DHCP_SCOPE, STATEMENTS, 1},
    {REF_DHCP_ADDRESS_POOL, "name", 1},
    {REF_DHCP_ADDRESS_POOL, "from", 1},
    {REF_DHCP_ADDRESS_POOL, "to", 1},
    {REF_DHCP_ADDRESS_POOL, "dhcpScopeRef", 0},
    {REF_DHCP_ADDRESS_POOL, "failoverPeer", 0},
    {REF_DHCP_ADDRESS_POOL, "failoverRelationship", 0},
    {REF_DHCP_ADDRESS_POOL, "failoverState", 0},
};
#define NPROPS (sizeof(props) / sizeof(props[0]))

int properties_builtin(int type, const char *name)
{
    if (strcasecmp(name, "ref") == 0)
        return 1;
    for (size_t i = 0; i < NPROPS; i++) {
        if (props[i].type == type && strcasecmp(props[i].name, name) == 0)
            return 1;
    }
    return 0;
}

/* 1 when name is exactly a built-in property of type, or "ref". */
static int builtin_exact(int type, const char *name)
{
    if (strcmp(name, "ref") == 0)
        return 1;
    for (size_t i = 0; i < NPROPS; i++) {
        if (props[i].type == type && strcmp(props[i].name, name) == 0)
            return 1;
    }
    return 0;
}

/* Checks objType (when given) into *obj_type (0: not given). */
static int read_obj_type(struct soap *soap, const enum mm__ObjectType *t,
                         int *obj_type, struct err *e)
{
    *obj_type = 0;
    if (t == NULL)
        return 0;
    if (!refs_served((int)*t)) {
        const char *n = soap_mm__ObjectType2s(soap, *t);

        return err_set(e, ERR_INVALID,
                       "objType %s: only DHCPServer, Range, DHCPScope and "
                       "DHCPAddressPool objects have properties here",
                       n != NULL ? n : "?");
    }
    *obj_type = (int)*t;
    return 0;
}

/* Resolves s and loads the object into *o, on c. */
static int load(struct store_conn *c, int obj_type, const char *s,
                struct obj *o, struct err *e)
{
    long long id = 0;
    int rc;

    rc = refs_resolve_object(c, obj_type, s, "given properties", &o->type, &id,
                             e);
    if (rc != 0)
        return rc;
    switch (o->type) {
    case REF_DHCP_SERVER:
        return store_server_get(c, id, &o->u.server, e);
    case REF_RANGE:
        return store_range_get(c, id, &o->u.range, e);
    case REF_DHCP_SCOPE:
        return store_scope_get(c, id, &o->u.scope, e);
    default:
        return store_pool_get(c, id, &o->u.pool, e);
    }
}

/* What GetProperties shows of an object besides its own columns. */
struct more {
    struct store_prop_list custom;
    char *statements; /* servers, scopes: NULL when none */
    int omapi_port;   /* servers: 0 when none */
};

/* Reads the object s refers to into *o with *m in one statement: an id
 * ref is not looked up first; a name is resolved first. */
static int show(struct store_conn *c, int obj_type, const char *s,
                struct obj *o, struct more *m, struct err *e)
{
    struct store_range_extras x;
    long long id = 0;
    int key, rc;

    memset(m, 0, sizeof(*m));
    key = refs_object_key(obj_type, s, "given properties", &o->type, &id, e);
    if (key < 0)
        return key;
    if (key == 0 &&
        (rc = refs_resolve_object(c, obj_type, s, "given properties", &o->type,
                                  &id, e)) != 0)
        return rc;
    switch (o->type) {
    case REF_DHCP_SERVER:
        rc = store_server_show(c, id, NULL, &o->u.server, &m->custom,
                               &m->statements, &m->omapi_port, e);
        break;
    case REF_RANGE:
        rc = store_range_show(c, id, NULL, &o->u.range, &x, e);
        if (rc == 0) {
            m->custom = x.props;
            memset(&x.props, 0, sizeof(x.props));
            store_range_extras_free(&x);
        }
        break;
    case REF_DHCP_SCOPE:
        rc = store_scope_show(c, id, &o->u.scope, &m->custom, &m->statements,
                              e);
        break;
    default:
        rc = store_pool_show(c, id, &o->u.pool, &m->custom, e);
    }
    return rc == ERR_NOTFOUND && key == 1 ? refs_not_found(o->type, s, e) : rc;
}

/* The id of o. */
static long long obj_id(const struct obj *o)
{
    switch (o->type) {
    case REF_DHCP_SERVER:
        return o->u.server.id;
    case REF_RANGE:
        return o->u.range.id;
    case REF_DHCP_SCOPE:
        return o->u.scope.id;
    default:
        return o->u.pool.id;
    }
}

/* Appends name = value (copied) to arr; value NULL or "" skips it. */
static int put(struct soap *soap, struct mm__ArrayOfProperty *arr,
               const char *name, const char *value, struct err *e)
{
    struct mm__Property *p;

    if (value == NULL || value[0] == '\0')
        return 0;
    if (arr->__sizeproperty >= PROPS_MAX)
        return err_set(e, ERR_INTERNAL, "too many properties");
    p = &arr->property[arr->__sizeproperty];
    p->name = soap_strdup(soap, name);
    p->value = soap_strdup(soap, value);
    if (p->name == NULL || p->value == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    arr->__sizeproperty++;
    return 0;
}

static const char *tf(int v)
{
    return v ? "true" : "false";
}

/* The built-in properties of o into arr. */
static int list_props(struct soap *soap, const struct obj *o,
                      struct mm__ArrayOfProperty *arr, struct err *e)
{
    char buf[STORE_SERVER_ADDRESS_BUF + 24];
    int rc = 0;

    switch (o->type) {
    case REF_DHCP_SERVER: {
        const struct store_dhcp_server *s = &o->u.server;

        if (s->agent_port > 0)
            snprintf(buf, sizeof(buf), "%s:%d", s->address, s->agent_port);
        else
            snprintf(buf, sizeof(buf), "%s", s->address);
        if ((rc = put(soap, arr, "name", s->name, e)) == 0 &&
            (rc = put(soap, arr, "address", buf, e)) == 0 &&
            (rc = put(soap, arr, "type", s->type, e)) == 0 &&
            (rc = put(soap, arr, "state", s->state, e)) == 0 &&
            (rc = put(soap, arr, "stateMessage", s->state_message, e)) == 0 &&
            (rc = put(soap, arr, "enabled", tf(s->enabled), e)) == 0)
            rc = put(soap, arr, "simulated", tf(s->simulated), e);
        return rc;
    }
    case REF_RANGE: {
        const struct store_range *r = &o->u.range;

        if ((rc = put(soap, arr, "name", r->name, e)) == 0 &&
            (rc = put(soap, arr, "from", r->from, e)) == 0 &&
            (rc = put(soap, arr, "to", r->to, e)) == 0 &&
            (rc = put(soap, arr, "title", r->title, e)) == 0 &&
            (rc = put(soap, arr, "description", r->description, e)) == 0 &&
            (rc = put(soap, arr, "locked", tf(r->locked), e)) == 0)
            rc = put(soap, arr, "autoAssign", tf(r->auto_assign), e);
        return rc;
    }
    case REF_DHCP_SCOPE: {
        const struct store_dhcp_scope *s = &o->u.scope;
        char *srv = convert_ref(soap, REF_DHCP_SERVER, s->server_id);
        char *rng = convert_ref(soap, REF_RANGE, s->range_id);

        if (srv == NULL || rng == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        if ((rc = put(soap, arr, "name", s->name, e)) == 0 &&
            (rc = put(soap, arr, "description", s->description, e)) == 0 &&
            (rc = put(soap, arr, "superscope", s->superscope, e)) == 0 &&
            (rc = put(soap, arr, "enabled", tf(s->enabled), e)) == 0 &&
            (rc = put(soap, arr, "dhcpServerRef", srv, e)) == 0 &&
            (rc = put(soap, arr, "rangeRef", rng, e)) == 0)
            rc = put(soap, arr, "failoverRelationship", s->failover, e);
        return rc;
    }
    default: {
        const struct store_dhcp_pool *p = &o->u.pool;
        char *sc = convert_ref(soap, REF_DHCP_SCOPE, p->scope_id);

        if (sc == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        if ((rc = put(soap, arr, "name", p->name, e)) == 0 &&
            (rc = put(soap, arr, "from", p->from, e)) == 0 &&
            (rc = put(soap, arr, "to", p->to, e)) == 0 &&
            (rc = put(soap, arr, "dhcpScopeRef", sc, e)) == 0 &&
            (rc = put(soap, arr, "failoverPeer", p->failover_peer, e)) == 0 &&
            (rc = put(soap, arr, "failoverRelationship", p->failover, e)) == 0)
            rc = put(soap, arr, "failoverState", p->failover_state, e);
        return rc;
    }
    }
}

static int get_properties(struct soap *soap, struct _mm__GetProperties *rq,
                          struct _mm__GetPropertiesResponse *rs)
{
    struct mm__ArrayOfProperty *arr, *custom = NULL;
    struct more m = {0};
    size_t at = 0;
    struct call k;
    struct obj o;
    int obj_type = 0, rc;

    if ((rc = call_begin(&k, soap, rq->session)) != 0 ||
        (rc = read_obj_type(soap, rq->objType, &obj_type, &k.e)) != 0)
        return call_end(&k, rc);
    rc = show(k.c, obj_type, rq->ref, &o, &m, &k.e);
    if (rc == 0)
        rc = custom_list_soap(soap, &m.custom, &at, obj_id(&o), &custom, &k.e);
    /* an empty list is an empty element, never xsi:nil */
    arr = soap_malloc(soap, sizeof(*arr));
    rs->properties = arr;
    if (rc == 0 &&
        (arr == NULL || (arr->property = soap_malloc(
                             soap, (PROPS_MAX + m.custom.n) *
                                       sizeof(*arr->property))) == NULL))
        rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    if (rc == 0) {
        arr->__sizeproperty = 0;
        if (!(rq->onlyCustom != NULL &&
              *rq->onlyCustom == xsd__boolean__true_) &&
            (rc = list_props(soap, &o, arr, &k.e)) == 0 && m.statements != NULL)
            rc = put(soap, arr, STATEMENTS, m.statements, &k.e);
        if (rc == 0 && m.omapi_port > 0 &&
            !(rq->onlyCustom != NULL &&
              *rq->onlyCustom == xsd__boolean__true_)) {
            char port[16];

            snprintf(port, sizeof(port), "%d", m.omapi_port);
            rc = put(soap, arr, OMAPI_PORT, port, &k.e);
        }
    }
    free(m.statements);
    if (rc == 0 && custom != NULL) {
        memcpy(arr->property + arr->__sizeproperty, custom->property,
               (size_t)custom->__sizeproperty * sizeof(*arr->property));
        arr->__sizeproperty += custom->__sizeproperty;
    }
    store_prop_list_free(&m.custom);
    return call_end(&k, rc);
}

/* A port 1..65535 into *out; "" or absent: 0 (the default). */
static int parse_port(const char *name, const char *v, int *out, struct err *e)
{
    char *end;
    long n;

    if (v == NULL || v[0] == '\0') {
        *out = 0;
        return 0;
    }
    n = strtol(v, &end, 10);
    if (*end != '\0' || end == v || v[0] == '+' || v[0] == '-' || n < 1 ||
        n > 65535)
        return err_set(e, ERR_INVALID,
                       "property \"%s\" wants a port from 1 to 65535, not "
                       "\"%.40s\"",
                       name, v);
    *out = (int)n;
    return 0;
}

/* xsd:boolean text into *out. */
static int parse_bool(const char *name, const char *v, int *out, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];

    if (v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)) {
        *out = 1;
        return 0;
    }
    if (v != NULL && (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)) {
        *out = 0;
        return 0;
    }
    return err_set(e, ERR_INVALID,
                   "property \"%s\": expected true or false, not \"%s\"", name,
                   validate_quote(v, q, sizeof(q)));
}

/* Free text of at most max bytes into buf[len] ("" clears). */
static int set_text(const char *name, const char *v, size_t max, char *buf,
                    size_t len, struct err *e)
{
    int rc = validate_text(v, name, max, e);

    if (rc == 0)
        snprintf(buf, len, "%s", v != NULL ? v : "");
    return rc;
}

/* A validate_name name of at most max bytes into buf[len]; "" clears it
 * when optional. */
static int set_name(const char *name, const char *v, int optional, size_t max,
                    char *buf, size_t len, struct err *e)
{
    int rc;

    if (optional && (v == NULL || v[0] == '\0')) {
        buf[0] = '\0';
        return 0;
    }
    if ((rc = validate_name(v, name, max, e)) == 0)
        snprintf(buf, len, "%s", v);
    return rc;
}

/* An IPv4 address into buf (dotted quad). */
static int set_ipv4(const char *name, const char *v, char *buf, struct err *e)
{
    uint32_t ip = 0;
    int rc = validate_ipv4(v, &ip, name, e);

    if (rc == 0)
        validate_ipv4_format(ip, buf);
    return rc;
}

/* Applies name = v to o (after the table said it is settable). */
static int apply(struct obj *o, const char *n, const char *v, struct err *e)
{
    switch (o->type) {
    case REF_DHCP_SERVER: {
        struct store_dhcp_server *s = &o->u.server;

        if (strcmp(n, "name") == 0) {
            int rc = validate_hostname(v, "name", e);

            if (rc == 0 &&
                validate_hostname_canonical(v, s->name, sizeof(s->name)) != 0)
                rc = err_set(e, ERR_INVALID, "invalid DHCP server name");
            return rc;
        }
        if (strcmp(n, "address") == 0) {
            uint32_t ip = 0;
            int port = 0, rc = validate_server_address(v, &ip, &port, e);

            if (rc == 0) {
                validate_ipv4_format(ip, s->address);
                s->agent_port = port;
            }
            return rc;
        }
        return parse_bool(n, v, &s->enabled, e);
    }
    case REF_RANGE: {
        struct store_range *r = &o->u.range;

        if (strcmp(n, "title") == 0)
            return set_text(n, v, STORE_RANGE_TITLE_BUF - 1, r->title,
                            sizeof(r->title), e);
        if (strcmp(n, "description") == 0)
            return set_text(n, v, STORE_RANGE_DESC_BUF - 1, r->description,
                            sizeof(r->description), e);
        if (strcmp(n, "locked") == 0)
            return parse_bool(n, v, &r->locked, e);
        return parse_bool(n, v, &r->auto_assign, e);
    }
    case REF_DHCP_SCOPE: {
        struct store_dhcp_scope *s = &o->u.scope;

        if (strcmp(n, "name") == 0)
            return set_name(n, v, 0, STORE_SCOPE_NAME_MAX, s->name,
                            sizeof(s->name), e);
        if (strcmp(n, "description") == 0)
            return set_text(n, v, STORE_SCOPE_DESC_BUF - 1, s->description,
                            sizeof(s->description), e);
        if (strcmp(n, "superscope") == 0) {
            int rc = set_text(n, v, STORE_SCOPE_SUPER_BUF - 1, s->superscope,
                              sizeof(s->superscope), e);
            return rc != 0 ? rc : validate_superscope(s->superscope, e);
        }
        return parse_bool(n, v, &s->enabled, e);
    }
    default: {
        struct store_dhcp_pool *p = &o->u.pool;

        if (strcmp(n, "name") == 0)
            return set_name(n, v, 1, STORE_POOL_NAME_MAX, p->name,
                            sizeof(p->name), e);
        if (strcmp(n, "from") == 0)
            return set_ipv4(n, v, p->from, e);
        return set_ipv4(n, v, p->to, e);
    }
    }
}

/* Looks property n of type up: 0 when settable, else the refusal. */
static int check_prop(int type, const char *n, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];

    for (size_t i = 0; i < NPROPS; i++) {
        if (props[i].type == type && strcmp(props[i].name, n) == 0) {
            if (props[i].settable)
                return 0;
            return err_set(e, ERR_INVALID, "property \"%s\" is read-only", n);
        }
    }
    if (strcmp(n, "ref") == 0)
        return err_set(e, ERR_INVALID, "property \"ref\" is read-only");
    return err_set(e, ERR_INVALID, "unknown property \"%s\" for a %s",
                   validate_quote(n, q, sizeof(q)), refs_what(type));
}

/* Checks a pool's from..to against its scope's range, on c. */
static int check_pool(struct store_conn *c, struct store_dhcp_pool *p,
                      struct err *e)
{
    struct store_dhcp_scope s;
    struct store_range r;
    uint32_t from = 0, to = 0, net = 0;
    int prefix = 0, rc;

    if ((rc = store_scope_get(c, p->scope_id, &s, e)) != 0 ||
        (rc = store_range_get(c, s.range_id, &r, e)) != 0 ||
        (rc = validate_ipv4(p->from, &from, "from", e)) != 0 ||
        (rc = validate_ipv4(p->to, &to, "to", e)) != 0 ||
        (rc = validate_cidr(r.name, &net, &prefix, NULL, e)) != 0)
        return rc;
    memcpy(p->scope_name, s.name, sizeof(p->scope_name));
    return validate_range_in_cidr(from, to, net, prefix, VALIDATE_RANGE_POOL,
                                  e);
}

/* Writes o back and logs the change, in the caller's transaction. */
static int save(struct store_conn *c, const char *login, struct obj *o,
                const char *comment, struct err *e)
{
    char label[2 * STORE_POOL_ADDR_BUF + 2];
    const char *name;
    long long id;
    int rc;

    switch (o->type) {
    case REF_DHCP_SERVER:
        rc = store_server_update(c, &o->u.server, e);
        /* a new address must keep the failover address rules */
        if (rc == 0)
            rc = store_failover_check_addresses(c, o->u.server.id, e);
        name = o->u.server.name;
        id = o->u.server.id;
        break;
    case REF_RANGE:
        rc = store_range_update(c, &o->u.range, e);
        name = o->u.range.name;
        id = o->u.range.id;
        break;
    case REF_DHCP_SCOPE:
        rc = store_scope_update(c, &o->u.scope, e);
        name = o->u.scope.name;
        id = o->u.scope.id;
        break;
    default:
        rc = check_pool(c, &o->u.pool, e);
        if (rc == 0)
            rc = store_pool_update(c, &o->u.pool, e);
        snprintf(label, sizeof(label), "%s-%s", o->u.pool.from, o->u.pool.to);
        name = o->u.pool.name[0] ? o->u.pool.name : label;
        id = o->u.pool.id;
        break;
    }
    if (rc != 0)
        return rc;
    return store_changelog_add(c, login, CHANGELOG_MODIFY, o->type, id, name,
                               comment, e);
}

/* The custom properties of a SetProperties: per definition, whether it
 * was given and its new value ("" clears). */
struct custom_set {
    struct store_prop_def *defs;
    size_t ndefs;
    int *given;
    char *vals; /* ndefs values of STORE_PROP_VALUE_BUF bytes */
};

static void custom_set_free(struct custom_set *cs)
{
    free(cs->defs);
    free(cs->given);
    free(cs->vals);
}

/* Checks custom property name = v of o's type into cs. */
static int set_custom(struct custom_set *cs, const struct obj *o,
                      const char *name, const char *v, struct err *e)
{
    const struct store_prop_def *d = custom_find(cs->defs, cs->ndefs, name);
    size_t i;

    if (d == NULL)
        return check_prop(o->type, name, e); /* the refusal */
    if (d->read_only)
        return err_set(e, ERR_INVALID, "property \"%s\" is read-only", d->name);
    i = (size_t)(d - cs->defs);
    cs->given[i] = 1;
    return custom_value(d, v, cs->vals + i * STORE_PROP_VALUE_BUF,
                        STORE_PROP_VALUE_BUF, e);
}

/* Writes the custom properties of cs for o (deleteUnspecified: clears
 * those not given, but mandatory and read-only ones), on c. */
static int save_custom(struct store_conn *c, const struct custom_set *cs,
                       const struct obj *o, int delete_unspecified,
                       struct err *e)
{
    int rc = 0;

    for (size_t i = 0; i < cs->ndefs && rc == 0; i++) {
        const struct store_prop_def *d = &cs->defs[i];

        if (cs->given[i])
            rc = store_prop_set(c, o->type, obj_id(o), d->id,
                                cs->vals + i * STORE_PROP_VALUE_BUF, e);
        else if (delete_unspecified && !d->mandatory && !d->read_only)
            rc = store_prop_set(c, o->type, obj_id(o), d->id, NULL, e);
    }
    return rc;
}

/* SYNC's value into *import (1 import, 0 overwrite or skip). */
static int parse_sync(const char *v, int *import, struct err *e)
{
    if (v != NULL && strcmp(v, "import") == 0)
        *import = 1;
    else if (v != NULL &&
             (strcmp(v, "overwrite") == 0 || strcmp(v, "skip") == 0))
        *import = 0;
    else
        return err_set(e, ERR_INVALID,
                       "property \"" SYNC "\" is import, overwrite or skip");
    return 0;
}

/* What set_all works on. */
struct set {
    const char *login;
    int obj_type;
    const struct _mm__SetProperties *rq;
    struct obj *o;
};

/* Resolves, changes and saves: a mutate_fn, in the call's transaction. */
static int set_all(struct store_conn *c, void *ctx, struct err *e)
{
    const struct set *a = ctx;
    const char *login = a->login;
    const struct _mm__SetProperties *rq = a->rq;
    struct obj *o = a->o;
    int n = rq->properties != NULL ? rq->properties->__sizeproperty : 0;
    struct custom_set cs = {0};
    const char *statements = NULL;
    int rc, omapi_port = -1, import = -1;

    rc = load(c, a->obj_type, rq->ref, o, e);
    if (rc == 0)
        rc = store_prop_defs(c, o->type, &cs.defs, &cs.ndefs, e);
    if (rc == 0 && cs.ndefs > 0 &&
        ((cs.given = calloc(cs.ndefs, sizeof(*cs.given))) == NULL ||
         (cs.vals = calloc(cs.ndefs, STORE_PROP_VALUE_BUF)) == NULL))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < n && rc == 0; i++) {
        const struct mm__Property *p = &rq->properties->property[i];
        const char *name = p->name != NULL ? p->name : "";

        if (!builtin_exact(o->type, name))
            rc = set_custom(&cs, o, name, p->value, e);
        else if ((rc = check_prop(o->type, name, e)) != 0)
            ;
        else if (strcmp(name, OMAPI_PORT) == 0)
            rc = parse_port(name, p->value, &omapi_port, e);
        else if (strcmp(name, SYNC) == 0)
            rc = parse_sync(p->value, &import, e);
        else if (strcmp(name, STATEMENTS) == 0) {
            statements = p->value != NULL ? p->value : "";
            rc = render_check_statements(statements, e);
        } else
            rc = apply(o, name, p->value, e);
    }
    if (rc == 0 && statements != NULL)
        rc = store_config_statements_set(c, o->type, obj_id(o), statements, e);
    if (rc == 0 && omapi_port >= 0)
        rc = store_server_omapi_port_set(c, obj_id(o), omapi_port, e);
    if (rc == 0 && import >= 0)
        rc = import ? store_import_request(c, obj_id(o), e)
                    : store_import_skip(c, obj_id(o), e);
    if (rc == 0 && (rc = save(c, login, o, rq->saveComment, e)) == 0)
        rc = save_custom(c, &cs, o,
                         rq->deleteUnspecified != NULL &&
                             *rq->deleteUnspecified == xsd__boolean__true_,
                         e);
    custom_set_free(&cs);
    return rc;
}

int properties_set(struct soap *soap, struct store_conn *c, const char *login,
                   const void *rqv, long long *id, struct err *e)
{
    const struct _mm__SetProperties *rq = rqv;
    struct set a = {login, 0, rq, NULL};
    int rc;

    *id = 0;
    if ((rc = read_obj_type(soap, rq->objType, &a.obj_type, e)) != 0 ||
        (rc = mutate_check_comment(rq->saveComment, e)) != 0)
        return rc;
    if ((a.o = malloc(sizeof(*a.o))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = set_all(c, &a, e);
    free(a.o);
    return rc;
}

static int set_properties(struct soap *soap, struct _mm__SetProperties *rq,
                          struct _mm__SetPropertiesResponse *rs)
{
    (void)rs;
    return mutate_handle(soap, rq->session, properties_set, rq, 0, NULL);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(GetProperties, get_properties)
SOAP_ENTRY(SetProperties, set_properties)
