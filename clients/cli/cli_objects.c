/* micetro-cli: servers, ranges, scopes and pools.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli_objects.h"

#include <stdio.h>
#include <string.h>

#include "cli_out.h"
#include "cli_session.h"
#include "mmcH.h"

/* The options every list takes: GetX(filter, offset, limit, sortBy,
 * sortOrder). */
#define LIST_OPTS                                                              \
    {"filter", "FILTER", "Micetro's filter (name:^dhcp1 or name=^dhcp1)"},     \
        {"offset", "N", "skip the first N matches"},                           \
        {"limit", "N", "at most N (0, the default: all)"},                     \
        {"sort-by", "FIELD", "sort on FIELD"},                                 \
        {"descending", NULL, "sort in descending order"}
#define COMMENT_OPT {"comment", "TEXT", "the change log's comment"}

struct page {
    char *filter, *sort_by;
    unsigned *offset, *limit;
    enum mm__SortOrder *order;
};

/* A list request's paging fields from a struct page. */
#define PAGE_SET(rq, p)                                                        \
    do {                                                                       \
        (rq).filter = (p).filter;                                              \
        (rq).offset = (p).offset;                                              \
        (rq).limit = (p).limit;                                                \
        (rq).sortBy = (p).sort_by;                                             \
        (rq).sortOrder = (p).order;                                            \
    } while (0)

/* Makes the answer of a call into JSON. */
typedef json_t *(*to_json_fn)(struct soap *soap, const void *answer);

/* Runs fn with x, then prints what conv makes of *answer. */
static int show(struct cli *c, cli_call_fn fn, void *x, void *const *answer,
                to_json_fn conv)
{
    int rc = cli_session_call(c, fn, x);

    if (rc)
        return rc;
    if (*answer == NULL)
        return cli_session_status(c, SOAP_NO_DATA);
    cli_out_object(c->json, conv(c->soap, *answer));
    return CLI_OK;
}

/* Prints a list answer: n rows of size bytes from base, each made JSON by
 * conv, under key. */
static void rows_out(struct cli *c, const char *key, const void *base, int n,
                     size_t size, to_json_fn conv, unsigned total,
                     const char *const *cols)
{
    json_t *items = json_array();
    int i;

    for (i = 0; base && i < n; i++)
        json_array_append_new(
            items, conv(c->soap, (const char *)base + (size_t)i * size));
    cli_out_list(c->json, key, items, total, cols);
}

/* The start of every list command: x's paging from a, then the call; rc
 * set to its outcome. */
#define LIST_CALL(x, a, fn, rc)                                                \
    do {                                                                       \
        struct page p_;                                                        \
        if (((rc) = page_of(c, (a), &p_)) == CLI_OK) {                         \
            PAGE_SET((x).rq, p_);                                              \
            (rc) = cli_session_call(c, (fn), &(x));                            \
        }                                                                      \
    } while (0)

int cli_objects_done(struct cli *c, cli_call_fn fn, void *x)
{
    int rc = cli_session_call(c, fn, x);

    if (rc == CLI_OK)
        cli_out_done(c->json);
    return rc;
}

char *cli_objects_comment(const struct cli_args *a)
{
    return (char *)cli_args_get(a, "comment");
}

static int bool_of(const enum xsd__boolean *b)
{
    return b ? *b == xsd__boolean__true_ : -1;
}

static int page_of(struct cli *c, const struct cli_args *a, struct page *p)
{
    const char *v;
    int rc;

    memset(p, 0, sizeof(*p));
    p->filter = (char *)cli_args_get(a, "filter");
    p->sort_by = (char *)cli_args_get(a, "sort-by");
    if ((v = cli_args_get(a, "offset")) != NULL) {
        p->offset = soap_malloc(c->soap, sizeof(*p->offset));
        if ((rc = cli_args_uint("--offset", v, 0x7fffffff, p->offset)))
            return rc;
    }
    if ((v = cli_args_get(a, "limit")) != NULL) {
        p->limit = soap_malloc(c->soap, sizeof(*p->limit));
        if ((rc = cli_args_uint("--limit", v, 0x7fffffff, p->limit)))
            return rc;
    }
    if (cli_args_get(a, "descending")) {
        p->order = soap_malloc(c->soap, sizeof(*p->order));
        *p->order = mm__SortOrder__Descending;
    }
    return CLI_OK;
}

static json_t *props_json(const struct mm__ArrayOfProperty *ps)
{
    json_t *o = json_object();
    int i;

    for (i = 0; ps && i < ps->__sizeproperty; i++)
        if (ps->property[i].name)
            json_object_set_new(o, ps->property[i].name,
                                json_string(ps->property[i].value
                                                ? ps->property[i].value
                                                : ""));
    return o;
}

/* ---------------------------------------------------------------- servers */

static json_t *server_json(struct soap *soap, const void *answer)
{
    const struct mm__DHCPServer *s = answer;
    json_t *o = json_object();

    cli_out_str(o, "ref", s->ref);
    cli_out_str(o, "name", s->name);
    cli_out_str(o, "address", s->address);
    cli_out_str(o, "type", soap_mm__DHCPServerType2s(soap, s->type));
    if (s->state)
        cli_out_str(o, "state", soap_mm__DHCPServerState2s(soap, *s->state));
    cli_out_bool(o, "enabled", bool_of(s->enabled));
    cli_out_str(o, "stateMessage", s->stateMessage);
    cli_out_str(o, "proxy", s->proxy);
    cli_out_str(o, "username", s->username);
    if (s->customProperties)
        json_object_set_new(o, "customProperties",
                            props_json(s->customProperties));
    return o;
}

CLI_SESSION_CALL(srv_list, GetDHCPServers)
CLI_SESSION_CALL(srv_get, GetDHCPServer)
CLI_SESSION_CALL(srv_add, AddDHCPServer)

static int servers_list(struct cli *c, const struct cli_args *a)
{
    static const char *const cols[] = {"ref",   "name",    "address", "type",
                                       "state", "enabled", NULL};
    struct srv_list x;
    int rc;

    memset(&x, 0, sizeof(x));
    LIST_CALL(x, a, srv_list_call, rc);
    if (rc)
        return rc;
    rows_out(c, "dhcpServers",
             x.rs.dhcpServers ? x.rs.dhcpServers->dhcpServer : NULL,
             x.rs.dhcpServers ? x.rs.dhcpServers->__sizedhcpServer : 0,
             sizeof(*x.rs.dhcpServers->dhcpServer), server_json,
             x.rs.totalResults, cols);
    return CLI_OK;
}

static int servers_get(struct cli *c, const struct cli_args *a)
{
    struct srv_get x;

    memset(&x, 0, sizeof(x));
    x.rq.dhcpServerRef = (char *)a->pos[0];
    return show(c, srv_get_call, &x, (void *const *)&x.rs.dhcpServer,
                server_json);
}

static int servers_add(struct cli *c, const struct cli_args *a)
{
    struct srv_add x;
    struct mm__DHCPServer s;
    const char *type = cli_args_get(a, "type");
    enum xsd__boolean no = xsd__boolean__false_;
    int rc;

    memset(&x, 0, sizeof(x));
    memset(&s, 0, sizeof(s));
    s.name = (char *)a->pos[0];
    s.address = (char *)cli_args_get(a, "address");
    s.type = mm__DHCPServerType__ISC;
    if (type && soap_s2mm__DHCPServerType(c->soap, type, &s.type))
        return cli_args_usage(a->cmd, "--type: unknown server type \"%s\"",
                              type);
    s.enabled = cli_args_get(a, "disabled") ? &no : NULL;
    x.rq.dhcpServer = &s;
    x.rq.saveComment = cli_objects_comment(a);
    if ((rc = cli_session_call(c, srv_add_call, &x)))
        return rc;
    cli_out_ref(c->json, x.rs.ref);
    return CLI_OK;
}

/* ----------------------------------------------------------------- ranges */

static json_t *range_json(struct soap *soap, const void *answer)
{
    const struct mm__Range *r = answer;
    json_t *o = json_object(), *scopes = json_array();
    int i;

    cli_out_str(o, "ref", r->ref);
    cli_out_str(o, "name", r->name);
    cli_out_str(o, "from", r->from);
    cli_out_str(o, "to", r->to);
    for (i = 0; r->dhcpScopes && i < r->dhcpScopes->__sizeobject; i++)
        if (r->dhcpScopes->object[i].ref)
            json_array_append_new(scopes,
                                  json_string(r->dhcpScopes->object[i].ref));
    json_object_set_new(o, "dhcpScopes", scopes);
    cli_out_bool(o, "subnet", bool_of(r->subnet));
    cli_out_bool(o, "locked", bool_of(r->locked));
    cli_out_bool(o, "autoAssign", bool_of(r->autoAssign));
    cli_out_str(o, "creationTime", r->creationTime);
    if (r->customProperties)
        json_object_set_new(o, "customProperties",
                            props_json(r->customProperties));
    return o;
}

CLI_SESSION_CALL(rng_list, GetRanges)
CLI_SESSION_CALL(rng_get, GetRange)
CLI_SESSION_CALL(rng_add, AddRange)

static int ranges_list(struct cli *c, const struct cli_args *a)
{
    static const char *const cols[] = {"ref", "name",       "from",
                                       "to",  "dhcpScopes", NULL};
    struct rng_list x;
    int rc;

    memset(&x, 0, sizeof(x));
    LIST_CALL(x, a, rng_list_call, rc);
    if (rc)
        return rc;
    rows_out(c, "ranges", x.rs.ranges ? x.rs.ranges->range : NULL,
             x.rs.ranges ? x.rs.ranges->__sizerange : 0,
             sizeof(*x.rs.ranges->range), range_json, x.rs.totalResults, cols);
    return CLI_OK;
}

static int ranges_get(struct cli *c, const struct cli_args *a)
{
    struct rng_get x;

    memset(&x, 0, sizeof(x));
    x.rq.rangeRef = (char *)a->pos[0];
    return show(c, rng_get_call, &x, (void *const *)&x.rs.range, range_json);
}

static int ranges_add(struct cli *c, const struct cli_args *a)
{
    struct rng_add x;
    struct mm__Range r;
    enum xsd__boolean yes = xsd__boolean__true_;
    int rc;

    memset(&x, 0, sizeof(x));
    memset(&r, 0, sizeof(r));
    r.name = (char *)a->pos[0];
    r.locked = cli_args_get(a, "locked") ? &yes : NULL;
    r.autoAssign = cli_args_get(a, "auto-assign") ? &yes : NULL;
    x.rq.range = &r;
    x.rq.saveComment = cli_objects_comment(a);
    if ((rc = cli_session_call(c, rng_add_call, &x)))
        return rc;
    cli_out_ref(c->json, x.rs.ref);
    return CLI_OK;
}

/* ----------------------------------------------------------------- scopes */

static json_t *scope_json(struct soap *soap, const void *answer)
{
    const struct mm__DHCPScope *s = answer;
    json_t *o = json_object();

    cli_out_str(o, "ref", s->ref);
    cli_out_str(o, "name", s->name);
    cli_out_str(o, "rangeRef", s->rangeRef);
    cli_out_str(o, "dhcpServerRef", s->dhcpServerRef);
    cli_out_str(o, "superscope", s->superscope);
    cli_out_str(o, "description", s->description);
    cli_out_uint(o, "available", s->available);
    cli_out_bool(o, "enabled", bool_of(s->enabled));
    cli_out_str(o, "failoverRelationship", s->failoverRelationship);
    return o;
}

CLI_SESSION_CALL(scp_list, GetDHCPScopes)
CLI_SESSION_CALL(scp_get, GetDHCPScope)
CLI_SESSION_CALL(scp_add, AddDHCPScope)

static int scopes_list(struct cli *c, const struct cli_args *a)
{
    static const char *const cols[] = {
        "ref",      "name",    "dhcpServerRef",
        "rangeRef", "enabled", "failoverRelationship",
        NULL};
    struct scp_list x;
    int rc;

    memset(&x, 0, sizeof(x));
    LIST_CALL(x, a, scp_list_call, rc);
    if (rc)
        return rc;
    rows_out(c, "dhcpScopes",
             x.rs.dhcpScopes ? x.rs.dhcpScopes->dhcpScope : NULL,
             x.rs.dhcpScopes ? x.rs.dhcpScopes->__sizedhcpScope : 0,
             sizeof(*x.rs.dhcpScopes->dhcpScope), scope_json, x.rs.totalResults,
             cols);
    return CLI_OK;
}

static int scopes_get(struct cli *c, const struct cli_args *a)
{
    struct scp_get x;

    memset(&x, 0, sizeof(x));
    x.rq.dhcpScopeRef = (char *)a->pos[0];
    return show(c, scp_get_call, &x, (void *const *)&x.rs.dhcpScope,
                scope_json);
}

static int scopes_add(struct cli *c, const struct cli_args *a)
{
    struct scp_add x;
    struct mm__DHCPScope s;
    enum xsd__boolean no = xsd__boolean__false_;
    int rc;

    memset(&x, 0, sizeof(x));
    memset(&s, 0, sizeof(s));
    s.rangeRef = (char *)cli_args_get(a, "range");
    s.dhcpServerRef = (char *)cli_args_get(a, "server");
    if (s.rangeRef == NULL || s.dhcpServerRef == NULL)
        return cli_args_usage(a->cmd, "--range and --server are required");
    s.name = (char *)(cli_args_get(a, "name") ? cli_args_get(a, "name")
                                              : s.rangeRef);
    s.description = (char *)cli_args_get(a, "description");
    s.superscope = (char *)cli_args_get(a, "superscope");
    s.enabled = cli_args_get(a, "disabled") ? &no : NULL;
    x.rq.dhcpScope = &s;
    x.rq.saveComment = cli_objects_comment(a);
    x.rq.dhcpFailoverRelationshipName = (char *)cli_args_get(a, "failover");
    if ((rc = cli_session_call(c, scp_add_call, &x)))
        return rc;
    cli_out_ref(c->json, x.rs.ref);
    return CLI_OK;
}

/* ------------------------------------------------------------------ pools */

static json_t *pool_json(struct soap *soap, const void *answer)
{
    const struct mm__DHCPAddressPool *p = answer;
    json_t *o = json_object();

    cli_out_str(o, "ref", p->ref);
    cli_out_str(o, "name", p->name);
    cli_out_str(o, "from", p->from);
    cli_out_str(o, "to", p->to);
    cli_out_str(o, "dhcpScopeRef", p->dhcpScopeRef);
    cli_out_str(o, "failoverPeer", p->failoverPeer);
    cli_out_str(o, "failoverRelationship", p->failoverRelationship);
    cli_out_str(o, "failoverState", p->failoverState);
    return o;
}

CLI_SESSION_CALL(pool_list, GetDHCPAddressPools)
CLI_SESSION_CALL(pool_get, GetDHCPAddressPool)
CLI_SESSION_CALL(pool_add, AddDHCPAddressPool)

static int pools_list(struct cli *c, const struct cli_args *a)
{
    static const char *const cols[] = {
        "ref", "from", "to", "dhcpScopeRef", "failoverRelationship", NULL};
    struct pool_list x;
    int rc;

    memset(&x, 0, sizeof(x));
    x.rq.dhcpScopeRef = (char *)cli_args_get(a, "scope");
    LIST_CALL(x, a, pool_list_call, rc);
    if (rc)
        return rc;
    rows_out(
        c, "dhcpAddressPools",
        x.rs.dhcpAddressPools ? x.rs.dhcpAddressPools->dhcpAddressPool : NULL,
        x.rs.dhcpAddressPools ? x.rs.dhcpAddressPools->__sizedhcpAddressPool
                              : 0,
        sizeof(*x.rs.dhcpAddressPools->dhcpAddressPool), pool_json,
        x.rs.totalResults, cols);
    return CLI_OK;
}

static int pools_get(struct cli *c, const struct cli_args *a)
{
    struct pool_get x;

    memset(&x, 0, sizeof(x));
    x.rq.dhcpAddressPoolRef = (char *)a->pos[0];
    return show(c, pool_get_call, &x, (void *const *)&x.rs.dhcpAddressPool,
                pool_json);
}

static int pools_add(struct cli *c, const struct cli_args *a)
{
    struct pool_add x;
    struct mm__DHCPAddressPool p;
    int rc;

    memset(&x, 0, sizeof(x));
    memset(&p, 0, sizeof(p));
    p.dhcpScopeRef = (char *)cli_args_get(a, "scope");
    p.from = (char *)cli_args_get(a, "from");
    p.to = (char *)cli_args_get(a, "to");
    if (p.dhcpScopeRef == NULL || p.from == NULL || p.to == NULL)
        return cli_args_usage(a->cmd, "--scope, --from and --to are required");
    p.name = (char *)cli_args_get(a, "name");
    x.rq.dhcpAddressPool = &p;
    x.rq.saveComment = cli_objects_comment(a);
    if ((rc = cli_session_call(c, pool_add_call, &x)))
        return rc;
    cli_out_ref(c->json, x.rs.ref);
    return CLI_OK;
}

/* ------------------------------------------------- set and remove, any type */

CLI_SESSION_CALL(obj_set, SetProperties)
CLI_SESSION_CALL(obj_remove, RemoveObject)

static enum mm__ObjectType type_of(const struct cli_cmd *cmd)
{
    if (strcmp(cmd->group, "servers") == 0)
        return mm__ObjectType__DHCPServer;
    if (strcmp(cmd->group, "ranges") == 0)
        return mm__ObjectType__Range;
    if (strcmp(cmd->group, "scopes") == 0)
        return mm__ObjectType__DHCPScope;
    return mm__ObjectType__DHCPAddressPool;
}

static int object_set(struct cli *c, const struct cli_args *a)
{
    struct obj_set x;
    struct mm__ArrayOfProperty props;
    enum mm__ObjectType type = type_of(a->cmd);
    enum xsd__boolean yes = xsd__boolean__true_;
    int i;

    memset(&x, 0, sizeof(x));
    props.__sizeproperty = a->npos - 1;
    props.property = soap_malloc(c->soap, sizeof(*props.property) *
                                              (size_t)props.__sizeproperty);
    for (i = 1; i < a->npos; i++) {
        const char *eq = strchr(a->pos[i], '=');
        if (eq == NULL || eq == a->pos[i])
            return cli_args_usage(a->cmd, "\"%s\" is not NAME=VALUE",
                                  a->pos[i]);
        props.property[i - 1].name = cli_session_strndup(
            c, a->pos[i], (size_t)(eq - a->pos[i]));
        props.property[i - 1].value = (char *)eq + 1;
    }
    x.rq.ref = (char *)a->pos[0];
    x.rq.objType = &type;
    x.rq.saveComment = cli_objects_comment(a);
    x.rq.deleteUnspecified = cli_args_get(a, "delete-unspecified") ? &yes
                                                                   : NULL;
    x.rq.properties = &props;
    return cli_objects_done(c, obj_set_call, &x);
}

static int object_remove(struct cli *c, const struct cli_args *a)
{
    struct obj_remove x;
    enum mm__ObjectType type = type_of(a->cmd);
    enum xsd__boolean yes = xsd__boolean__true_;

    memset(&x, 0, sizeof(x));
    x.rq.ref = (char *)a->pos[0];
    x.rq.objType = &type;
    x.rq.forceRemoval = cli_args_get(a, "force") ? &yes : NULL;
    x.rq.saveComment = cli_objects_comment(a);
    return cli_objects_done(c, obj_remove_call, &x);
}

/* ------------------------------------------------------------------ table */

static const struct cli_opt list_opts[] = {LIST_OPTS, {NULL, NULL, NULL}};
static const struct cli_opt pools_list_opts[] = {
    {"scope", "REF", "only the pools of this scope"},
    LIST_OPTS,
    {NULL, NULL, NULL}};
static const struct cli_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct cli_opt set_opts[] = {
    COMMENT_OPT,
    {"delete-unspecified", NULL, "clear the custom properties not given"},
    {NULL, NULL, NULL}};
static const struct cli_opt remove_opts[] = {
    {"force", NULL, "remove what it holds with it (forceRemoval)"},
    COMMENT_OPT,
    {NULL, NULL, NULL}};
static const struct cli_opt servers_add_opts[] = {
    {"address", "IP", "the server's address (IP, or IP:port of its agent)"},
    {"type", "TYPE", "ISC (the default), MSDHCP, IOS, \"KEA DHCPv4\""},
    {"disabled", NULL, "add it disabled"},
    COMMENT_OPT,
    {NULL, NULL, NULL}};
static const struct cli_opt ranges_add_opts[] = {
    {"locked", NULL, "add it locked"},
    {"auto-assign", NULL, "add it with autoAssign"},
    COMMENT_OPT,
    {NULL, NULL, NULL}};
static const struct cli_opt scopes_add_opts[] = {
    {"range", "REF", "the scope's range (its CIDR or ref) (required)"},
    {"server", "REF", "the DHCP server (its name or ref) (required)"},
    {"name", "NAME", "the scope's name (default: the range given)"},
    {"description", "TEXT", "its description"},
    {"superscope", "NAME", "its superscope"},
    {"disabled", NULL, "add it disabled"},
    {"failover", "NAME",
     "a failover relationship of the server: the partner's instance is "
     "added too (Micetro 11)"},
    COMMENT_OPT,
    {NULL, NULL, NULL}};
static const struct cli_opt pools_add_opts[] = {
    {"scope", "REF", "the pool's scope (required)"},
    {"from", "IP", "first address (required)"},
    {"to", "IP", "last address (required)"},
    {"name", "NAME", "its name"},
    COMMENT_OPT,
    {NULL, NULL, NULL}};

#define SET_HELP                                                               \
    "Sets properties (SetProperties), built-in or custom, each NAME=VALUE; "   \
    "an empty VALUE clears an optional one."
#define REMOVE_HELP "Removes it (RemoveObject)."

const struct cli_cmd cli_objects_cmds[] = {
    {"servers", "list", "", 0, 0, list_opts,
     "Lists DHCP servers (GetDHCPServers).", servers_list},
    {"servers", "get", "SERVER", 1, 1, no_opts,
     "Shows a DHCP server, by name or ref (GetDHCPServer).", servers_get},
    {"servers", "add", "NAME", 1, 1, servers_add_opts,
     "Adds a DHCP server (AddDHCPServer) and prints its ref.", servers_add},
    {"servers", "set", "SERVER NAME=VALUE...", 2, -1, set_opts, SET_HELP,
     object_set},
    {"servers", "remove", "SERVER", 1, 1, remove_opts, REMOVE_HELP,
     object_remove},
    {"ranges", "list", "", 0, 0, list_opts, "Lists ranges (GetRanges).",
     ranges_list},
    {"ranges", "get", "RANGE", 1, 1, no_opts,
     "Shows a range, by CIDR or ref (GetRange).", ranges_get},
    {"ranges", "add", "CIDR", 1, 1, ranges_add_opts,
     "Adds a subnet (AddRange) and prints its ref.", ranges_add},
    {"ranges", "set", "RANGE NAME=VALUE...", 2, -1, set_opts, SET_HELP,
     object_set},
    {"ranges", "remove", "RANGE", 1, 1, remove_opts, REMOVE_HELP,
     object_remove},
    {"scopes", "list", "", 0, 0, list_opts,
     "Lists DHCP scopes "
     "(GetDHCPScopes).",
     scopes_list},
    {"scopes", "get", "SCOPE", 1, 1, no_opts,
     "Shows a DHCP scope, by ref, name or server:CIDR (GetDHCPScope).",
     scopes_get},
    {"scopes", "add", "", 0, 0, scopes_add_opts,
     "Adds a DHCP scope, an instance of a range on a server (AddDHCPScope), "
     "and prints its ref.",
     scopes_add},
    {"scopes", "set", "SCOPE NAME=VALUE...", 2, -1, set_opts, SET_HELP,
     object_set},
    {"scopes", "remove", "SCOPE", 1, 1, remove_opts, REMOVE_HELP,
     object_remove},
    {"pools", "list", "", 0, 0, pools_list_opts,
     "Lists DHCP address pools (GetDHCPAddressPools).", pools_list},
    {"pools", "get", "POOL", 1, 1, no_opts,
     "Shows an address pool (GetDHCPAddressPool).", pools_get},
    {"pools", "add", "", 0, 0, pools_add_opts,
     "Adds an address pool to a scope (AddDHCPAddressPool) and prints its "
     "ref.",
     pools_add},
    {"pools", "set", "POOL NAME=VALUE...", 2, -1, set_opts, SET_HELP,
     object_set},
    {"pools", "remove", "POOL", 1, 1, remove_opts, REMOVE_HELP, object_remove},
};

const int cli_objects_count = (int)(sizeof(cli_objects_cmds) /
                                    sizeof(cli_objects_cmds[0]));
