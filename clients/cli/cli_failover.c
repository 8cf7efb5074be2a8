/* micetro-cli: the failover commands.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli_failover.h"

#include <stdio.h>
#include <string.h>

#include "cli_objects.h"
#include "cli_out.h"
#include "cli_session.h"
#include "mmcH.h"

static json_t *rel_json(struct soap *soap,
                        const struct mm__DHCPFailoverRelationship *r)
{
    json_t *o = json_object(), *scopes = json_array();
    int i;

    cli_out_str(o, "name", r->name);
    cli_out_str(o, "primaryServer", r->primaryServer);
    cli_out_str(o, "secondaryServer", r->secondaryServer);
    cli_out_str(o, "failoverMode",
                soap_mm__DHCPFailoverMode2s(soap, r->failoverMode));
    cli_out_str(o, "failoverServerType",
                soap_mm__DHCPFailoverServerType2s(soap, r->failoverServerType));
    cli_out_uint(o, "mclt", &r->mclt);
    cli_out_uint(o, "safePeriod", &r->safePeriod);
    for (i = 0; r->dhcpScopeRefs && i < r->dhcpScopeRefs->__sizeref; i++)
        json_array_append_new(scopes, json_string(r->dhcpScopeRefs->ref[i]));
    json_object_set_new(o, "dhcpScopeRefs", scopes);
    cli_out_uint(o, "percentage", &r->percentage);
    cli_out_str(o, "dhcpServerRef", r->dhcpServerRef);
    cli_out_uint(o, "port", r->port);
    cli_out_uint(o, "peerPort", r->peerPort);
    cli_out_uint(o, "loadBalanceMaxSeconds", r->loadBalanceMaxSeconds);
    cli_out_uint(o, "maxResponseDelay", r->maxResponseDelay);
    cli_out_uint(o, "maxUnackedUpdates", r->maxUnackedUpdates);
    cli_out_str(o, "state", r->state);
    cli_out_str(o, "stateMessage", r->stateMessage);
    return o;
}

/* The refs given from a->pos[from] on. */
static struct mm__ArrayOfObjRef *refs_of(struct cli *c,
                                         const struct cli_args *a, int from)
{
    struct mm__ArrayOfObjRef *r = soap_malloc(c->soap, sizeof(*r));
    int i;

    r->__sizeref = a->npos - from;
    r->ref = soap_malloc(c->soap, sizeof(char *) * (size_t)(r->__sizeref + 1));
    for (i = from; i < a->npos; i++)
        r->ref[i - from] = (char *)a->pos[i];
    return r;
}

static int deconfigure_of(struct cli *c, const struct cli_args *a,
                          enum mm__DHCPFailoverDeconfigureAction **out)
{
    const char *v = cli_args_get(a, "deconfigure");

    *out = NULL;
    if (v == NULL)
        return CLI_OK;
    *out = soap_malloc(c->soap, sizeof(**out));
    if (soap_s2mm__DHCPFailoverDeconfigureAction(c->soap, v, *out))
        return cli_args_usage(a->cmd,
                              "--deconfigure: \"%s\" is not None, Disable "
                              "or Delete",
                              v);
    return CLI_OK;
}

/* An optional number option into a soap_malloc'd unsigned (NULL: absent). */
static int opt_uint(struct cli *c, const struct cli_args *a, const char *name,
                    unsigned max, unsigned **out)
{
    const char *v = cli_args_get(a, name);
    char what[64];

    *out = NULL;
    if (v == NULL)
        return CLI_OK;
    *out = soap_malloc(c->soap, sizeof(**out));
    snprintf(what, sizeof(what), "--%s", name);
    return cli_args_uint(what, v, max, *out);
}

/* The options add and modify share, applied to r: only those given. */
static int apply_opts(struct cli *c, const struct cli_args *a,
                      struct mm__DHCPFailoverRelationship *r)
{
    const char *mode = cli_args_get(a, "mode");
    unsigned *u;
    int rc;

    if (mode && soap_s2mm__DHCPFailoverMode(c->soap, mode, &r->failoverMode))
        return cli_args_usage(a->cmd,
                              "--mode: \"%s\" is not LoadBalance or "
                              "HotStandby",
                              mode);
    if ((rc = opt_uint(c, a, "mclt", 0xffffffffU, &u)))
        return rc;
    if (u)
        r->mclt = *u;
    if ((rc = opt_uint(c, a, "safe-period", 0xffffffffU, &u)))
        return rc;
    if (u)
        r->safePeriod = *u;
    if (cli_args_get(a, "shared-secret"))
        r->sharedSecret = (char *)cli_args_get(a, "shared-secret");
    if ((rc = opt_uint(c, a, "port", 0xffffffffU, &u)))
        return rc;
    if (u)
        r->port = u;
    if ((rc = opt_uint(c, a, "peer-port", 0xffffffffU, &u)))
        return rc;
    if (u)
        r->peerPort = u;
    if ((rc = opt_uint(c, a, "load-balance-max-seconds", 0xffffffffU, &u)))
        return rc;
    if (u)
        r->loadBalanceMaxSeconds = u;
    if ((rc = opt_uint(c, a, "max-response-delay", 0xffffffffU, &u)))
        return rc;
    if (u)
        r->maxResponseDelay = u;
    if ((rc = opt_uint(c, a, "max-unacked-updates", 0xffffffffU, &u)))
        return rc;
    if (u)
        r->maxUnackedUpdates = u;
    return CLI_OK;
}

CLI_SESSION_CALL(fo_list, GetDHCPFailoverRelationships)
CLI_SESSION_CALL(fo_get, GetDHCPFailoverRelationship)
CLI_SESSION_CALL(fo_add, AddDHCPFailoverRelationship)
CLI_SESSION_CALL(fo_modify, ModifyDHCPFailoverRelationship)
CLI_SESSION_CALL(fo_remove, RemoveDHCPFailoverRelationships)
CLI_SESSION_CALL(fo_add_scopes, AddDHCPScopesToDHCPFailoverRelationship)
CLI_SESSION_CALL(fo_remove_scopes, RemoveDHCPScopesFromDHCPFailoverRelationship)
CLI_SESSION_CALL(fo_replicate, ReplicateDHCPFailover)

static int failover_list(struct cli *c, const struct cli_args *a)
{
    static const char *const cols[] = {
        "name",       "primaryServer", "secondaryServer", "failoverMode",
        "percentage", "dhcpScopeRefs", "state",           NULL};
    struct fo_list x;
    json_t *items;
    int rc, i;

    memset(&x, 0, sizeof(x));
    x.rq.dhcpServerRef = (char *)cli_args_get(a, "server");
    if ((rc = cli_session_call(c, fo_list_call, &x)))
        return rc;
    items = json_array();
    for (i = 0;
         x.rs.dhcpFailoverRelationships &&
         i < x.rs.dhcpFailoverRelationships->__sizedhcpFailoverRelationship;
         i++)
        json_array_append_new(
            items, rel_json(c->soap, &x.rs.dhcpFailoverRelationships
                                          ->dhcpFailoverRelationship[i]));
    cli_out_list(c->json, "dhcpFailoverRelationships", items, -1, cols);
    return CLI_OK;
}

/* Reads the relationship a->pos[1] of server a->pos[0] into x. */
static int get_rel(struct cli *c, const struct cli_args *a, struct fo_get *x)
{
    int rc;

    memset(x, 0, sizeof(*x));
    x->rq.dhcpServerRef = (char *)a->pos[0];
    x->rq.dhcpFailoverRelationshipName = (char *)a->pos[1];
    if ((rc = cli_session_call(c, fo_get_call, x)))
        return rc;
    if (x->rs.dhcpFailoverRelationship == NULL)
        return cli_session_status(c, SOAP_NO_DATA);
    return CLI_OK;
}

static int failover_get(struct cli *c, const struct cli_args *a)
{
    struct fo_get x;
    int rc = get_rel(c, a, &x);

    if (rc)
        return rc;
    cli_out_object(c->json, rel_json(c->soap, x.rs.dhcpFailoverRelationship));
    return CLI_OK;
}

static int failover_add(struct cli *c, const struct cli_args *a)
{
    struct fo_add x;
    struct mm__DHCPFailoverRelationship r;
    unsigned *pct;
    int rc;

    memset(&x, 0, sizeof(x));
    memset(&r, 0, sizeof(r));
    r.name = (char *)a->pos[0];
    r.primaryServer = (char *)cli_args_get(a, "primary");
    r.secondaryServer = (char *)cli_args_get(a, "secondary");
    if (r.primaryServer == NULL || r.secondaryServer == NULL)
        return cli_args_usage(a->cmd, "--primary and --secondary are required");
    r.failoverMode = mm__DHCPFailoverMode__LoadBalance;
    r.failoverServerType = mm__DHCPFailoverServerType__PrimaryServer;
    r.mclt = 3600;
    r.percentage = 50;
    if ((rc = apply_opts(c, a, &r)) ||
        (rc = opt_uint(c, a, "percentage", 100, &pct)))
        return rc;
    if (pct)
        r.percentage = *pct;
    if (a->npos > 1)
        r.dhcpScopeRefs = refs_of(c, a, 1);
    x.rq.dhcpFailoverRelationship = &r;
    x.rq.saveComment = cli_objects_comment(a);
    return cli_objects_done(c, fo_add_call, &x);
}

static int failover_modify(struct cli *c, const struct cli_args *a)
{
    struct fo_get g;
    struct fo_modify x;
    struct mm__DHCPFailoverRelationship *r;
    int rc = get_rel(c, a, &g);

    if (rc)
        return rc;
    r = g.rs.dhcpFailoverRelationship;
    /* what the server answered, changed as asked: the members stay (nil),
     * the server asked about names the side */
    r->dhcpScopeRefs = NULL;
    r->state = r->stateMessage = NULL;
    if (r->dhcpServerRef == NULL)
        r->dhcpServerRef = (char *)a->pos[0];
    if ((rc = apply_opts(c, a, r)))
        return rc;
    memset(&x, 0, sizeof(x));
    x.rq.dhcpFailoverRelationship = r;
    x.rq.saveComment = cli_objects_comment(a);
    return cli_objects_done(c, fo_modify_call, &x);
}

static int failover_remove(struct cli *c, const struct cli_args *a)
{
    struct fo_remove x;
    struct mm__ArrayOfDHCPRefAndFailoverRelationshipName names;
    int rc, i, n = a->npos / 2;

    if (a->npos % 2)
        return cli_args_usage(a->cmd, "SERVER NAME pairs expected");
    memset(&x, 0, sizeof(x));
    names.__sizedhcpRefAndFailoverRelationshipName = n;
    names.dhcpRefAndFailoverRelationshipName = soap_malloc(
        c->soap, sizeof(*names.dhcpRefAndFailoverRelationshipName) * (size_t)n);
    for (i = 0; i < n; i++) {
        names.dhcpRefAndFailoverRelationshipName[i]
            .dhcpServerRef = (char *)a->pos[2 * i];
        names.dhcpRefAndFailoverRelationshipName[i]
            .dhcpFailoverRelationshipName = (char *)a->pos[2 * i + 1];
    }
    x.rq.dhcpRefAndFailoverRelationshipNames = &names;
    x.rq.saveComment = cli_objects_comment(a);
    if ((rc = deconfigure_of(c, a,
                             &x.rq.dhcpFailoverRelationshipDeconfigureAction)))
        return rc;
    return cli_objects_done(c, fo_remove_call, &x);
}

/* SERVER NAME SCOPE... into a request's three fields. */
#define SCOPES_SET(rq, a)                                                      \
    do {                                                                       \
        (rq).dhcpServerRef = (char *)(a)->pos[0];                              \
        (rq).dhcpFailoverRelationshipName = (char *)(a)->pos[1];               \
        (rq).dhcpScopeRefs = refs_of(c, (a), 2);                               \
        (rq).saveComment = cli_objects_comment(a);                             \
    } while (0)

static int failover_add_scopes(struct cli *c, const struct cli_args *a)
{
    struct fo_add_scopes x;

    memset(&x, 0, sizeof(x));
    SCOPES_SET(x.rq, a);
    return cli_objects_done(c, fo_add_scopes_call, &x);
}

static int failover_remove_scopes(struct cli *c, const struct cli_args *a)
{
    struct fo_remove_scopes x;
    int rc;

    memset(&x, 0, sizeof(x));
    SCOPES_SET(x.rq, a);
    if ((rc = deconfigure_of(c, a,
                             &x.rq.dhcpFailoverRelationshipDeconfigureAction)))
        return rc;
    return cli_objects_done(c, fo_remove_scopes_call, &x);
}

static int failover_replicate(struct cli *c, const struct cli_args *a)
{
    struct fo_replicate x;

    memset(&x, 0, sizeof(x));
    x.rq.dhcpServerRef = (char *)a->pos[0];
    x.rq.dhcpFailoverRelationshipName = (char *)(a->npos > 1 ? a->pos[1]
                                                             : NULL);
    x.rq.dhcpScopeRef = (char *)cli_args_get(a, "scope");
    x.rq.saveComment = cli_objects_comment(a);
    return cli_objects_done(c, fo_replicate_call, &x);
}

#define COMMENT_OPT {"comment", "TEXT", "the change log's comment"}
#define REL_OPTS                                                               \
    {"mode", "MODE", "LoadBalance (default) or HotStandby"},                   \
        {"mclt", "SECONDS", "maximum client lead time (default 3600)"},        \
        {"safe-period", "SECONDS", "safe period (stored; ISC ignores it)"},    \
        {"shared-secret", "TEXT", "shared secret (stored)"},                   \
        {"port", "N", "the primary's failover port (Micetro 11)"},             \
        {"peer-port", "N", "the secondary's failover port (Micetro 11)"},      \
        {"load-balance-max-seconds", "N", "load balance max seconds (11)"},    \
        {"max-response-delay", "N", "max response delay (11)"},                \
        {"max-unacked-updates", "N", "max unacked updates (11)"}

static const struct cli_opt list_opts[] = {
    {"server", "SERVER", "those of this server, seen from it"},
    {NULL, NULL, NULL}};
static const struct cli_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct cli_opt add_opts[] = {
    {"primary", "SERVER", "the primary server (required)"},
    {"secondary", "SERVER", "the secondary server (required)"},
    {"percentage", "N", "the primary's share of the load, 0..100 (50)"},
    REL_OPTS,
    COMMENT_OPT,
    {NULL, NULL, NULL}};
static const struct cli_opt modify_opts[] = {
    REL_OPTS, COMMENT_OPT, {NULL, NULL, NULL}};
static const struct cli_opt deconfigure_opts[] = {
    {"deconfigure", "ACTION",
     "None, Disable or Delete: what becomes of the scopes on the other "
     "server"},
    COMMENT_OPT,
    {NULL, NULL, NULL}};
static const struct cli_opt comment_opts[] = {COMMENT_OPT, {NULL, NULL, NULL}};
static const struct cli_opt replicate_opts[] = {
    {"scope", "SCOPE", "only this member scope"},
    COMMENT_OPT,
    {NULL, NULL, NULL}};

const struct cli_cmd cli_failover_cmds[] = {
    {"failover", "list", "", 0, 0, list_opts,
     "Lists failover relationships (GetDHCPFailoverRelationships): without "
     "--server each once, seen from its primary.",
     failover_list},
    {"failover", "get", "SERVER NAME", 2, 2, no_opts,
     "Shows a failover relationship of a server, with its state "
     "(GetDHCPFailoverRelationship).",
     failover_get},
    {"failover", "add", "NAME [SCOPE...]", 1, -1, add_opts,
     "Adds a failover relationship (AddDHCPFailoverRelationship), with the "
     "scopes given as members.",
     failover_add},
    {"failover", "modify", "SERVER NAME", 2, 2, modify_opts,
     "Changes the options given of a relationship: reads it, then sends it "
     "back changed (ModifyDHCPFailoverRelationship).",
     failover_modify},
    {"failover", "remove", "SERVER NAME [SERVER NAME...]", 2, -1,
     deconfigure_opts,
     "Removes failover relationships, their scopes leaving first "
     "(RemoveDHCPFailoverRelationships).",
     failover_remove},
    {"failover", "add-scopes", "SERVER NAME SCOPE...", 3, -1, comment_opts,
     "Adds scopes to a relationship; each needs an address pool "
     "(AddDHCPScopesToDHCPFailoverRelationship).",
     failover_add_scopes},
    {"failover", "remove-scopes", "SERVER NAME SCOPE...", 3, -1,
     deconfigure_opts,
     "Takes scopes out of a relationship "
     "(RemoveDHCPScopesFromDHCPFailoverRelationship).",
     failover_remove_scopes},
    {"failover", "replicate", "SERVER [NAME]", 1, 2, replicate_opts,
     "Makes the partner's member scopes copies of this server's "
     "(ReplicateDHCPFailover): of one scope, one relationship or all.",
     failover_replicate},
};

const int cli_failover_count = (int)(sizeof(cli_failover_cmds) /
                                     sizeof(cli_failover_cmds[0]));
