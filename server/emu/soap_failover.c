/* micetro-emu: the DHCP failover commands, with Micetro 11.x's ISC
 * semantics.
 *
 *   GetDHCPFailoverRelationships   all (each once, seen from its primary)
 *                                  or those of one server
 *   GetDHCPFailoverRelationship    one, by server and name
 *   AddDHCPFailoverRelationship    a new, "Empty" relationship (with the
 *                                  scopes of dhcpScopeRefs, if any)
 *   ModifyDHCPFailoverRelationship its parameters: not its name, servers
 *                                  or percentage
 *   RemoveDHCPFailoverRelationships  its scopes leave it first (the
 *                                  deconfigure action applies), then it
 *                                  goes
 *   AddDHCPScopesToDHCPFailoverRelationship      scopes join, with their
 *                                  partner instances (created when missing)
 *   RemoveDHCPScopesFromDHCPFailoverRelationship scopes leave; the partner
 *                                  instances per the deconfigure action
 *   ReplicateDHCPFailover          the partner instances become copies of
 *                                  the caller's server's instances
 *
 * A relationship is named by a server and its name.  In answers,
 * failoverServerType is the role of the server asked about (the primary
 * when none was), dhcpScopeRefs that server's member instances and
 * dhcpServerRef that server; port is the primary's failover port and
 * peerPort the secondary's.  The 11.x elements (port ... state) are
 * answered in the 11 profile only; requests may carry them in both.
 * Absent in an Add they take ISC's defaults (647, the same port, 3, 60,
 * 10); absent in a Modify they keep their values.  state and
 * stateMessage are failover_state's (core/failover.h): Empty, Error,
 * Pending, or what the servers report through the worker (Normal until
 * it has read them), and why it is Error or a server's state could not
 * be read; given in a request, they are ignored.
 *
 * Each change is one transaction with its change_log rows; the triggers of
 * migration 007 queue the configuration of every server it touched.  A
 * scope ref given as a CIDR or scope name means the instance on the
 * server of the call when it has one ("server:CIDR" is built for it).
 */
#include "soap_failover.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soapH.h"

#include "soap_entry.h"

#include "app.h"
#include "call.h"
#include "store_changelog.h"
#include "config.h"
#include "failover.h"
#include "ref.h"
#include "store_scope.h"
#include "store_server.h"
#include "store_failover.h"
#include "store_import.h"
#include "store_sim.h"
#include "mutate.h"
#include "refs.h"
#include "convert.h"
#include "store.h"

/* What every command works with, beside its call (call.h). */
struct fo_call {
    const char *login; /* the call's */
    const char *comment;
    /* the server the call names, and its name */
    long long server_id;
    char server[STORE_SERVER_NAME_BUF];
    struct store_failover fo;
};

/* Resolves a DHCP server ref into *id and its canonical name. */
static int server_ref(struct store_conn *c, const char *ref, const char *field,
                      long long *id, char *name, size_t len, struct err *e)
{
    struct store_dhcp_server *s;
    int rc;

    if (ref == NULL || ref[0] == '\0')
        return err_set(e, ERR_INVALID, "missing %s", field);
    if ((rc = refs_resolve(c, REF_DHCP_SERVER, ref, id, e)) != 0)
        return rc;
    if ((s = malloc(sizeof(*s))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = store_server_get(c, *id, s, e);
    if (rc == 0)
        snprintf(name, len, "%s", s->name);
    free(s);
    return rc;
}

/* Resolves a scope ref given in a call about server x->server: a CIDR (or
 * a scope name that is one) means x's instance when it has one. */
static int scope_ref(struct store_conn *c, const struct fo_call *x,
                     const char *ref, long long *id, struct err *e)
{
    char local[STORE_SERVER_NAME_BUF + 64];
    struct ref r;
    struct err ignored;

    if (ref == NULL || ref[0] == '\0')
        return err_set(e, ERR_INVALID, "empty DHCP scope reference");
    err_clear(&ignored);
    if (ref_parse(ref, &r, &ignored) == 0 && r.kind == REF_NAME &&
        strchr(ref, '/') != NULL && strchr(ref, ':') == NULL &&
        strlen(ref) < 64) {
        snprintf(local, sizeof(local), "%s:%s", x->server, ref);
        if (refs_resolve(c, REF_DHCP_SCOPE, local, id, &ignored) == 0)
            return 0;
    }
    return refs_resolve(c, REF_DHCP_SCOPE, ref, id, e);
}

/* The caller's relationship into *f, checked by failover_check_input:
 * optional 11.x fields absent take base's values (Modify) or the ISC
 * defaults (base NULL). */
static int relationship_from_soap(const struct mm__DHCPFailoverRelationship *in,
                                  const struct store_failover *base,
                                  struct store_failover *f, struct err *e)
{
    struct failover_input fi;
    int rc;

    if (in == NULL)
        return err_set(e, ERR_INVALID, "missing dhcpFailoverRelationship");
    if (base != NULL)
        *f = *base;
    else
        memset(f, 0, sizeof(*f));
    memset(&fi, 0, sizeof(fi));
    fi.name = in->name;
    fi.primary = in->primaryServer;
    fi.secondary = in->secondaryServer;
    fi.mode = in->failoverMode == mm__DHCPFailoverMode__LoadBalance
                  ? FAILOVER_LOAD_BALANCE
              : in->failoverMode == mm__DHCPFailoverMode__HotStandby
                  ? FAILOVER_HOT_STANDBY
                  : -1;
    fi.mclt = in->mclt;
    fi.safe_period = in->safePeriod;
    fi.percentage = in->percentage;
    fi.shared_secret = in->sharedSecret;
    fi.port = in->port;
    fi.peer_port = in->peerPort;
    fi.lb_max_seconds = in->loadBalanceMaxSeconds;
    fi.max_response_delay = in->maxResponseDelay;
    fi.max_unacked_updates = in->maxUnackedUpdates;
    if ((rc = failover_check_input(&fi, base ? &base->params : NULL, &f->params,
                                   e)) != 0)
        return rc;
    if (base == NULL)
        snprintf(f->name, sizeof(f->name), "%s", in->name);
    if (in->sharedSecret != NULL) {
        f->has_secret = 1;
        snprintf(f->shared_secret, sizeof(f->shared_secret), "%s",
                 in->sharedSecret);
    }
    return 0;
}

/* f as the server view_id sees it, with its member instances there. */
static int
relationship_to_soap(struct soap *soap, const struct store_failover *f,
                     long long view_id, const long long *ids, size_t n,
                     struct mm__DHCPFailoverRelationship *out, struct err *e)
{
    int profile11 = app_of(soap)->cfg->profile == PROFILE_11;
    struct failover_state st;
    struct mm__ArrayOfObjRef *refs;
    unsigned int *u;
    int oom = 0;

    memset(out, 0, sizeof(*out));
    out->name = soap_strdup(soap, f->name);
    out->primaryServer = soap_strdup(soap, f->primary_name);
    out->secondaryServer = soap_strdup(soap, f->secondary_name);
    out->failoverMode = f->params.mode == FAILOVER_HOT_STANDBY
                            ? mm__DHCPFailoverMode__HotStandby
                            : mm__DHCPFailoverMode__LoadBalance;
    out->failoverServerType = failover_role(&f->servers, view_id) ==
                                      FAILOVER_SECONDARY
                                  ? mm__DHCPFailoverServerType__SecondaryServer
                                  : mm__DHCPFailoverServerType__PrimaryServer;
    out->mclt = (unsigned int)f->params.mclt;
    out->safePeriod = (unsigned int)f->params.safe_period;
    out->percentage = (unsigned int)f->params.percentage;
    refs = soap_malloc(soap, sizeof(*refs));
    if (refs == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    memset(refs, 0, sizeof(*refs));
    if (n > 0 &&
        (refs->ref = soap_malloc(soap, n * sizeof(*refs->ref))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if ((refs->ref[i] = convert_ref(soap, REF_DHCP_SCOPE, ids[i])) == NULL)
            oom = 1;
    }
    refs->__sizeref = (int)n;
    out->dhcpScopeRefs = refs;
    if (f->has_secret &&
        (out->sharedSecret = soap_strdup(soap, f->shared_secret)) == NULL)
        oom = 1;
    out->dhcpServerRef = convert_ref(soap, REF_DHCP_SERVER, view_id);
    if (profile11) {
        if ((u = soap_malloc(soap, 5 * sizeof(*u))) == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        u[0] = (unsigned int)f->params.port;
        u[1] = (unsigned int)f->params.peer_port;
        u[2] = (unsigned int)f->params.lb_max_seconds;
        u[3] = (unsigned int)f->params.max_response_delay;
        u[4] = (unsigned int)f->params.max_unacked_updates;
        out->port = &u[0];
        out->peerPort = &u[1];
        out->loadBalanceMaxSeconds = &u[2];
        out->maxResponseDelay = &u[3];
        out->maxUnackedUpdates = &u[4];
        st = failover_state(&f->live);
        out->state = soap_strdup(soap, st.state);
        if (out->state == NULL)
            oom = 1;
        if (st.message != NULL &&
            (out->stateMessage = soap_strdup(soap, st.message)) == NULL)
            oom = 1;
    }
    if (oom || out->name == NULL || out->primaryServer == NULL ||
        out->secondaryServer == NULL || out->dhcpServerRef == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    return 0;
}

/* A failover peer an import reported without a relationship (one-sided,
 * or its two sides disagree), as a relationship in state Error with the
 * reason, seen from the server that declares it. */
static int reported_to_soap(struct soap *soap,
                            const struct store_import_reported *r,
                            struct mm__DHCPFailoverRelationship *out,
                            struct err *e)
{
    struct store_failover f;
    int rc;

    memset(&f, 0, sizeof(f));
    snprintf(f.name, sizeof(f.name), "%s", r->name);
    snprintf(f.primary_name, sizeof(f.primary_name), "%s", r->server);
    f.servers.primary_id = r->server_id;
    if ((rc = relationship_to_soap(soap, &f, r->server_id, NULL, 0, out, e)) !=
            0 ||
        out->state == NULL)
        return rc;
    out->state = soap_strdup(soap, "Error");
    out->stateMessage = soap_strdup(soap, r->reason);
    if (out->state == NULL || out->stateMessage == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    return 0;
}

/* Starts call k (call.h) and x: the session, then the comment. */
static int fo_begin(struct call *k, struct soap *soap, const char *session,
                    const char *comment, struct fo_call *x)
{
    int rc;

    memset(x, 0, sizeof(*x));
    x->login = k->login;
    x->comment = comment;
    rc = call_begin(k, soap, session);
    return rc != 0 ? rc : mutate_check_comment(comment, &k->e);
}

/* Readies x for a command run for login in the caller's transaction:
 * zeroed, then its comment checked. */
static int fo_start(struct fo_call *x, const char *login, const char *comment,
                    struct err *e)
{
    memset(x, 0, sizeof(*x));
    x->login = login;
    x->comment = comment;
    return mutate_check_comment(comment, e);
}

/* Finds the relationship x->fo named name on the server of ref. */
static int find_on(struct store_conn *c, struct fo_call *x, const char *ref,
                   const char *name, int lock, struct err *e)
{
    int rc = server_ref(c, ref, "dhcpServerRef", &x->server_id, x->server,
                        sizeof(x->server), e);

    if (rc != 0)
        return rc;
    if (name == NULL || name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing dhcpFailoverRelationshipName");
    return store_failover_find(c, x->server_id, x->server, name, lock, &x->fo,
                               e);
}

static int log_relationship(struct store_conn *c, const struct fo_call *x,
                            const char *action, struct err *e)
{
    return store_changelog_add(c, x->login, action, REF_DHCP_FAILOVER, x->fo.id,
                               x->fo.name, x->comment, e);
}

/* Scopes join x->fo (need_pools: each must have a pool), each logged. */
static int join_all(struct store_conn *c, struct fo_call *x,
                    const struct mm__ArrayOfObjRef *refs, struct err *e)
{
    for (int i = 0; refs != NULL && i < refs->__sizeref; i++) {
        long long sid, created;
        int rc;

        if ((rc = scope_ref(c, x, refs->ref[i], &sid, e)) != 0 ||
            (rc = store_failover_join(c, &x->fo, sid, 1, &created, e)) != 0)
            return rc;
        if (created != 0 && (rc = store_changelog_add(
                                 c, x->login, CHANGELOG_ADD, REF_DHCP_SCOPE,
                                 created, NULL, x->comment, e)) != 0)
            return rc;
    }
    return 0;
}

/* ---- GetDHCPFailoverRelationships --------------------------------- */

struct get_all {
    struct fo_call x;
    const char *ref;
    struct store_failover_set set;
    struct store_import_reported *rep; /* peers reported by imports */
    size_t nrep;
};

/* One statement, prepared: the relationships with their members, of the
 * server dhcpServerRef names when given.  An id ref or a server's name
 * is looked up by the statement; when it finds no such server, or the
 * ref is of another kind, server_ref says what is wrong. */
static int get_all_read(struct store_conn *c, struct get_all *g, struct err *e)
{
    const char *name = NULL;
    long long id = 0;
    int key = REFS_KEY_ID, rc;

    if (g->ref != NULL && g->ref[0] != '\0')
        key = refs_key_of(REF_DHCP_SERVER, g->ref, &id, &name);
    if (key != REFS_KEY_NONE) {
        rc = store_failover_list(c, id, name, &g->set, e);
        g->x.server_id = g->set.server_id;
        if (rc != ERR_NOTFOUND)
            return rc;
    }
    if ((rc = server_ref(c, g->ref, "dhcpServerRef", &g->x.server_id,
                         g->x.server, sizeof(g->x.server), e)) != 0)
        return rc;
    return store_failover_list(c, g->x.server_id, NULL, &g->set, e);
}

static int
get_relationships(struct soap *soap,
                  struct _mm__GetDHCPFailoverRelationships *rq,
                  struct _mm__GetDHCPFailoverRelationshipsResponse *rs)
{
    struct mm__ArrayOfDHCPFailoverRelationship *arr = NULL;
    struct get_all g;
    void *items = NULL;
    struct call k;
    int rc;

    memset(&g, 0, sizeof(g));
    rc = fo_begin(&k, soap, rq->session, NULL, &g.x);
    g.ref = rq->dhcpServerRef;
    if (rc == 0)
        rc = get_all_read(k.c, &g, &k.e);
    if (rc == 0)
        rc = store_import_reported(k.c, g.x.server_id, NULL, &g.rep, &g.nrep,
                                   &k.e);
    if (rc == 0) {
        arr = convert_list(soap, sizeof(*arr), g.set.n + g.nrep,
                           sizeof(*arr->dhcpFailoverRelationship), &items,
                           &k.e);
        rs->dhcpFailoverRelationships = arr;
        if (arr == NULL)
            rc = ERR_NOMEM; /* convert_list's only failure */
        else
            arr->dhcpFailoverRelationship = items;
    }
    for (size_t i = 0; rc == 0 && i < g.set.n; i++) {
        const struct store_failover *f = &g.set.items[i];

        rc = relationship_to_soap(
            soap, f, failover_view(&f->servers, g.x.server_id), f->scope_ids,
            f->nscope_ids, &arr->dhcpFailoverRelationship[i], &k.e);
        if (rc == 0)
            arr->__sizedhcpFailoverRelationship = (int)i + 1;
    }
    for (size_t i = 0; rc == 0 && i < g.nrep; i++) {
        rc = reported_to_soap(
            soap, &g.rep[i], &arr->dhcpFailoverRelationship[g.set.n + i], &k.e);
        if (rc == 0)
            arr->__sizedhcpFailoverRelationship = (int)(g.set.n + i) + 1;
    }
    free(g.rep);
    store_failover_set_free(&g.set);
    return call_end(&k, rc);
}

/* ---- GetDHCPFailoverRelationship ---------------------------------- */

struct get_one {
    struct fo_call x;
    const char *ref, *name;
    long long *ids;
    size_t n;
    struct store_import_reported *rep; /* not a relationship: reported */
};

/* A read on the hot path: one statement, prepared (no transaction), the
 * relationship and its members looked up by the server's id or name as
 * refs_key_of gives them; when it finds nothing, or the ref is of another
 * kind, the server is resolved to tell which is missing. */
static int get_one_read(struct store_conn *c, struct get_one *g, struct err *e)
{
    const char *server = NULL;
    int key, rc = ERR_NOTFOUND;
    size_t n = 0;

    if (g->ref == NULL || g->ref[0] == '\0')
        return err_set(e, ERR_INVALID, "missing dhcpServerRef");
    if (g->name == NULL || g->name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing dhcpFailoverRelationshipName");
    key = refs_key_of(REF_DHCP_SERVER, g->ref, &g->x.server_id, &server);
    if (key != REFS_KEY_NONE)
        rc = store_failover_view(c, &g->x.server_id, server, g->name, &g->x.fo,
                                 &g->ids, &g->n, e);
    if (rc != ERR_NOTFOUND)
        return rc;
    if ((rc = server_ref(c, g->ref, "dhcpServerRef", &g->x.server_id,
                         g->x.server, sizeof(g->x.server), e)) != 0)
        return rc;
    if (key == REFS_KEY_NONE &&
        (rc = store_failover_view(c, &g->x.server_id, NULL, g->name, &g->x.fo,
                                  &g->ids, &g->n, e)) != ERR_NOTFOUND)
        return rc;
    if ((rc = store_import_reported(c, g->x.server_id, g->name, &g->rep, &n,
                                    e)) != 0 ||
        n > 0)
        return rc;
    free(g->rep);
    g->rep = NULL;
    return err_set(e, ERR_NOTFOUND,
                   "failover relationship \"%s\" does not exist on server "
                   "\"%s\"",
                   g->name, g->x.server);
}

static int get_relationship(struct soap *soap,
                            struct _mm__GetDHCPFailoverRelationship *rq,
                            struct _mm__GetDHCPFailoverRelationshipResponse *rs)
{
    struct get_one g;
    struct call k;
    int rc;

    memset(&g, 0, sizeof(g));
    rc = fo_begin(&k, soap, rq->session, NULL, &g.x);
    g.ref = rq->dhcpServerRef;
    g.name = rq->dhcpFailoverRelationshipName;
    if (rc == 0)
        rc = get_one_read(k.c, &g, &k.e);
    if (rc == 0 && (rs->dhcpFailoverRelationship = soap_malloc(
                        soap, sizeof(*rs->dhcpFailoverRelationship))) == NULL)
        rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    if (rc == 0 && g.rep != NULL)
        rc = reported_to_soap(soap, g.rep, rs->dhcpFailoverRelationship, &k.e);
    else if (rc == 0)
        rc = relationship_to_soap(soap, &g.x.fo, g.x.server_id, g.ids, g.n,
                                  rs->dhcpFailoverRelationship, &k.e);
    free(g.rep);
    free(g.ids);
    return call_end(&k, rc);
}

/* ---- AddDHCPFailoverRelationship ---------------------------------- */

struct add {
    struct fo_call x;
    const struct mm__DHCPFailoverRelationship *in;
};

/* The server a request's dhcpServerRef names must be one of f's, in the
 * role failoverServerType says; sets x's server (the primary when no
 * dhcpServerRef is given). */
static int view_of(struct store_conn *c, struct fo_call *x,
                   const struct mm__DHCPFailoverRelationship *in, struct err *e)
{
    const struct store_failover *f = &x->fo;
    int rc;

    if (in->dhcpServerRef == NULL || in->dhcpServerRef[0] == '\0') {
        x->server_id = failover_view(&f->servers, 0);
        snprintf(x->server, sizeof(x->server), "%s", f->primary_name);
        return 0;
    }
    if ((rc = server_ref(c, in->dhcpServerRef, "dhcpServerRef", &x->server_id,
                         x->server, sizeof(x->server), e)) != 0)
        return rc;
    return failover_check_view(&f->servers, x->server_id,
                               in->failoverServerType ==
                                   mm__DHCPFailoverServerType__SecondaryServer,
                               x->server, f->name, e);
}

static int add_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct add *a = ctx;
    struct store_failover *f = &a->x.fo;
    int rc;

    if ((rc = server_ref(c, a->in->primaryServer, "primaryServer",
                         &f->servers.primary_id, f->primary_name,
                         sizeof(f->primary_name), e)) != 0 ||
        (rc = server_ref(c, a->in->secondaryServer, "secondaryServer",
                         &f->servers.secondary_id, f->secondary_name,
                         sizeof(f->secondary_name), e)) != 0)
        return rc;
    if ((rc = failover_check_servers(f->servers.primary_id,
                                     f->servers.secondary_id, f->primary_name,
                                     e)) != 0 ||
        (rc = view_of(c, &a->x, a->in, e)) != 0 ||
        (rc = store_sim_check_pair(
             c, f->servers.primary_id, f->servers.secondary_id, f->name,
             f->primary_name, f->secondary_name, e)) != 0 ||
        (rc = store_failover_add(c, f, &f->id, e)) != 0 ||
        (rc = log_relationship(c, &a->x, CHANGELOG_ADD, e)) != 0)
        return rc;
    return join_all(c, &a->x, a->in->dhcpScopeRefs, e);
}

/* Modify: the caller's values checked first, before any lookup,
 * then fn in one transaction. */
static int relationship_call(struct soap *soap, const char *session,
                             const char *comment,
                             const struct mm__DHCPFailoverRelationship *in,
                             mutate_fn fn)
{
    struct add a;
    struct call k;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = fo_begin(&k, soap, session, comment, &a.x);
    a.in = in;
    if (rc == 0)
        rc = relationship_from_soap(in, NULL, &a.x.fo, &k.e);
    if (rc == 0)
        rc = mutate_tx(&k, fn, &a);
    return call_end(&k, rc);
}

int soap_failover_add(struct soap *soap, struct store_conn *c,
                      const char *login, const void *rqv, long long *id,
                      struct err *e)
{
    const struct _mm__AddDHCPFailoverRelationship *rq = rqv;
    struct add a;
    int rc;

    (void)soap;
    *id = 0;
    a.in = rq->dhcpFailoverRelationship;
    if ((rc = fo_start(&a.x, login, rq->saveComment, e)) != 0 ||
        (rc = relationship_from_soap(a.in, NULL, &a.x.fo, e)) != 0)
        return rc;
    return add_tx(c, &a, e);
}

static int add_relationship(struct soap *soap,
                            struct _mm__AddDHCPFailoverRelationship *rq,
                            struct _mm__AddDHCPFailoverRelationshipResponse *rs)
{
    (void)rs;
    return mutate_handle(soap, rq->session, soap_failover_add, rq, 0, NULL);
}

/* ---- ModifyDHCPFailoverRelationship ------------------------------- */

/* What failover_check_same_scopes resolves refs with. */
struct scope_refs {
    struct store_conn *c;
    struct fo_call *x;
    const struct mm__ArrayOfObjRef *refs;
};

static int resolve_scope(void *ctx, size_t i, long long *id, struct err *e)
{
    struct scope_refs *r = ctx;

    return scope_ref(r->c, r->x, r->refs->ref[i], id, e);
}

/* dhcpScopeRefs of a Modify: absent, empty, or exactly the member
 * instances it has on the server of the call
 * (failover_check_same_scopes); anything else would be a change Modify
 * does not make. */
static int same_scopes(struct store_conn *c, struct fo_call *x,
                       const struct mm__ArrayOfObjRef *refs, struct err *e)
{
    struct scope_refs r = {c, x, refs};
    long long *ids = NULL;
    size_t n = 0;
    int rc;

    /* nothing given: nothing to compare, nothing to read */
    if (refs == NULL || refs->__sizeref == 0)
        return 0;
    if ((rc = store_failover_members(c, x->fo.id, x->server_id, &ids, &n, e)) !=
        0)
        return rc;
    rc = failover_check_same_scopes(ids, n, (size_t)refs->__sizeref,
                                    resolve_scope, &r, x->fo.name, e);
    free(ids);
    return rc;
}

static int modify_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct add *a = ctx;
    const struct mm__DHCPFailoverRelationship *in = a->in;
    struct store_failover now;
    struct failover_modify m;
    long long pid, sid;
    char pname[STORE_SERVER_NAME_BUF], sname[STORE_SERVER_NAME_BUF];
    int rc;

    if ((rc = server_ref(c, in->primaryServer, "primaryServer", &pid, pname,
                         sizeof(pname), e)) != 0 ||
        (rc = server_ref(c, in->secondaryServer, "secondaryServer", &sid, sname,
                         sizeof(sname), e)) != 0)
        return rc;
    if ((rc = find_on(c, &a->x,
                      in->dhcpServerRef != NULL && in->dhcpServerRef[0]
                          ? in->dhcpServerRef
                          : in->primaryServer,
                      in->name, 1, e)) != 0)
        return rc;
    now = a->x.fo;
    memset(&m, 0, sizeof(m));
    m.name = now.name;
    m.servers = now.servers;
    m.primary = now.primary_name;
    m.secondary = now.secondary_name;
    m.percentage = now.params.percentage;
    m.new_name = in->name;
    m.new_servers.primary_id = pid;
    m.new_servers.secondary_id = sid;
    m.new_percentage = in->percentage;
    if ((rc = failover_check_modify(&m, e)) != 0 ||
        (rc = view_of(c, &a->x, in, e)) != 0 ||
        (rc = same_scopes(c, &a->x, in->dhcpScopeRefs, e)) != 0 ||
        (rc = relationship_from_soap(in, &now, &a->x.fo, e)) != 0)
        return rc;
    if ((rc = store_failover_update(c, &a->x.fo, e)) != 0)
        return rc;
    return log_relationship(c, &a->x, CHANGELOG_MODIFY, e);
}

static int
modify_relationship(struct soap *soap,
                    struct _mm__ModifyDHCPFailoverRelationship *rq,
                    struct _mm__ModifyDHCPFailoverRelationshipResponse *rs)
{
    (void)rs;
    return relationship_call(soap, rq->session, rq->saveComment,
                             rq->dhcpFailoverRelationship, modify_tx);
}

/* ---- RemoveDHCPFailoverRelationships ------------------------------ */

struct remove {
    struct fo_call x;
    const struct mm__ArrayOfDHCPRefAndFailoverRelationshipName *items;
    enum failover_deconfigure action;
};

/* Every member scope of x->fo leaves it; action applies to the instances
 * on the server that is not x's. */
static int leave_all(struct store_conn *c, struct fo_call *x,
                     enum failover_deconfigure action, struct err *e)
{
    long long server[2] = {x->server_id, 0};
    int rc = 0;

    server[1] = failover_partner(&x->fo.servers, x->server_id);
    for (int s = 0; s < 2 && rc == 0; s++) {
        long long *ids = NULL;
        size_t n = 0;

        rc = store_failover_members(c, x->fo.id, server[s], &ids, &n, e);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = store_failover_leave(c, &x->fo, ids[i], x->server_id, action,
                                      x->login, x->comment, e);
        free(ids);
    }
    return rc;
}

static int remove_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct remove *r = ctx;
    int n = r->items != NULL
                ? r->items->__sizedhcpRefAndFailoverRelationshipName
                : 0;

    for (int i = 0; i < n; i++) {
        const struct mm__DHCPRefAndFailoverRelationshipName
            *it = &r->items->dhcpRefAndFailoverRelationshipName[i];
        int rc;

        if (it->dhcpServerRef != NULL && it->dhcpServerRef[0] != '\0') {
            rc = find_on(c, &r->x, it->dhcpServerRef,
                         it->dhcpFailoverRelationshipName, 1, e);
        } else {
            long long count = 0;
            const char *name = it->dhcpFailoverRelationshipName;

            if (name == NULL || name[0] == '\0')
                return err_set(e, ERR_INVALID,
                               "missing dhcpFailoverRelationshipName");
            rc = store_failover_find_any(c, name, &r->x.fo, &count, e);
            if (rc == 0)
                rc = failover_check_unique(count, name, e);
            r->x.server_id = failover_view(&r->x.fo.servers, 0);
        }
        if (rc == 0)
            rc = leave_all(c, &r->x, r->action, e);
        if (rc == 0)
            rc = store_failover_delete(c, r->x.fo.id, e);
        if (rc == 0)
            rc = log_relationship(c, &r->x, CHANGELOG_REMOVE, e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static enum failover_deconfigure
deconfigure_of(const enum mm__DHCPFailoverDeconfigureAction *a)
{
    if (a == NULL)
        return FAILOVER_DECONFIGURE_NONE;
    switch (*a) {
    case mm__DHCPFailoverDeconfigureAction__Disable:
        return FAILOVER_DECONFIGURE_DISABLE;
    case mm__DHCPFailoverDeconfigureAction__Delete:
        return FAILOVER_DECONFIGURE_DELETE;
    default:
        return FAILOVER_DECONFIGURE_NONE;
    }
}

static int
remove_relationships(struct soap *soap,
                     struct _mm__RemoveDHCPFailoverRelationships *rq,
                     struct _mm__RemoveDHCPFailoverRelationshipsResponse *rs)
{
    struct remove r;
    struct call k;
    int rc;

    (void)rs;
    memset(&r, 0, sizeof(r));
    rc = fo_begin(&k, soap, rq->session, rq->saveComment, &r.x);
    r.items = rq->dhcpRefAndFailoverRelationshipNames;
    r.action = deconfigure_of(rq->dhcpFailoverRelationshipDeconfigureAction);
    if (rc == 0)
        rc = mutate_tx(&k, remove_tx, &r);
    return call_end(&k, rc);
}

/* ---- Add/RemoveDHCPScopes(To|From)DHCPFailoverRelationship -------- */

struct scopes {
    struct fo_call x;
    const char *ref, *name;
    const struct mm__ArrayOfObjRef *refs;
    enum failover_deconfigure action;
};

static int add_scopes_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct scopes *s = ctx;
    int rc;

    if ((rc = find_on(c, &s->x, s->ref, s->name, 1, e)) != 0 ||
        (rc = join_all(c, &s->x, s->refs, e)) != 0)
        return rc;
    return log_relationship(c, &s->x, CHANGELOG_MODIFY, e);
}

static int remove_scopes_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct scopes *s = ctx;
    int rc;

    if ((rc = find_on(c, &s->x, s->ref, s->name, 1, e)) != 0)
        return rc;
    for (int i = 0; s->refs != NULL && i < s->refs->__sizeref; i++) {
        long long sid;

        if ((rc = scope_ref(c, &s->x, s->refs->ref[i], &sid, e)) != 0 ||
            (rc = store_failover_leave(c, &s->x.fo, sid, s->x.server_id,
                                       s->action, s->x.login, s->x.comment,
                                       e)) != 0)
            return rc;
    }
    return log_relationship(c, &s->x, CHANGELOG_MODIFY, e);
}

static int scopes_call(struct soap *soap, const char *session,
                       const char *comment, struct scopes *s, mutate_fn fn)
{
    struct call k;
    int rc;

    rc = fo_begin(&k, soap, session, comment, &s->x);
    if (rc == 0)
        rc = failover_check_scope_refs(
            s->refs != NULL ? (size_t)s->refs->__sizeref : 0, &k.e);
    if (rc == 0)
        rc = mutate_tx(&k, fn, s);
    s->x.login = NULL; /* k's: it goes with this frame */
    return call_end(&k, rc);
}

int soap_failover_add_scopes(struct soap *soap, struct store_conn *c,
                             const char *login, const void *rqv, long long *id,
                             struct err *e)
{
    const struct _mm__AddDHCPScopesToDHCPFailoverRelationship *rq = rqv;
    struct scopes s;
    int rc;

    (void)soap;
    *id = 0;
    memset(&s, 0, sizeof(s));
    s.ref = rq->dhcpServerRef;
    s.name = rq->dhcpFailoverRelationshipName;
    s.refs = rq->dhcpScopeRefs;
    if ((rc = fo_start(&s.x, login, rq->saveComment, e)) != 0 ||
        (rc = failover_check_scope_refs(
             s.refs != NULL ? (size_t)s.refs->__sizeref : 0, e)) != 0)
        return rc;
    return add_scopes_tx(c, &s, e);
}

static int
add_scopes(struct soap *soap,
           struct _mm__AddDHCPScopesToDHCPFailoverRelationship *rq,
           struct _mm__AddDHCPScopesToDHCPFailoverRelationshipResponse *rs)
{
    (void)rs;
    return mutate_handle(soap, rq->session, soap_failover_add_scopes, rq, 0,
                         NULL);
}

static int remove_scopes(
    struct soap *soap,
    struct _mm__RemoveDHCPScopesFromDHCPFailoverRelationship *rq,
    struct _mm__RemoveDHCPScopesFromDHCPFailoverRelationshipResponse *rs)
{
    struct scopes s;

    (void)rs;
    memset(&s, 0, sizeof(s));
    s.ref = rq->dhcpServerRef;
    s.name = rq->dhcpFailoverRelationshipName;
    s.refs = rq->dhcpScopeRefs;
    s.action = deconfigure_of(rq->dhcpFailoverRelationshipDeconfigureAction);
    return scopes_call(soap, rq->session, rq->saveComment, &s,
                       remove_scopes_tx);
}

/* ---- ReplicateDHCPFailover ----------------------------------------- */

struct replicate {
    struct fo_call x;
    const char *ref, *name, *scope;
};

/* Replicates the member instances of x->fo on x's server (only scope_id
 * when it is not 0). */
static int replicate_one(struct store_conn *c, struct fo_call *x,
                         long long scope_id, struct err *e)
{
    long long *ids = NULL;
    size_t n = 0;
    int rc;

    if (scope_id != 0)
        return store_failover_replicate(c, &x->fo, scope_id, e);
    rc = store_failover_members(c, x->fo.id, x->server_id, &ids, &n, e);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = store_failover_replicate(c, &x->fo, ids[i], e);
    free(ids);
    return rc;
}

static int replicate_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct replicate *r = ctx;
    struct store_failover_set set;
    struct store_dhcp_scope *sc = NULL;
    long long scope_id = 0;
    int rc;

    /* nothing kept from an attempt before (mutate_tx) */
    memset(&r->x.fo, 0, sizeof(r->x.fo));
    if (r->name != NULL && r->name[0] != '\0')
        rc = find_on(c, &r->x, r->ref, r->name, 1, e);
    else
        rc = server_ref(c, r->ref, "dhcpServerRef", &r->x.server_id,
                        r->x.server, sizeof(r->x.server), e);
    if (rc == 0 && r->scope != NULL && r->scope[0] != '\0') {
        if ((sc = malloc(sizeof(*sc))) == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        if ((rc = scope_ref(c, &r->x, r->scope, &scope_id, e)) == 0 &&
            (rc = store_scope_get(c, scope_id, sc, e)) == 0)
            rc = failover_check_replicate(
                sc->server_id, r->x.server_id, sc->failover_id, r->x.fo.id,
                sc->name, r->x.server, r->x.fo.name, sc->failover, e);
        if (rc == 0 && r->x.fo.id == 0)
            rc = store_failover_find(c, r->x.server_id, r->x.server,
                                     sc->failover, 1, &r->x.fo, e);
        free(sc);
    }
    if (rc != 0)
        return rc;
    if (r->x.fo.id != 0) {
        if ((rc = replicate_one(c, &r->x, scope_id, e)) != 0)
            return rc;
        return log_relationship(c, &r->x, CHANGELOG_MODIFY, e);
    }
    /* every relationship of the server */
    if ((rc = store_failover_list(c, r->x.server_id, NULL, &set, e)) != 0)
        return rc;
    for (size_t i = 0; i < set.n && rc == 0; i++) {
        r->x.fo = set.items[i];
        rc = replicate_one(c, &r->x, 0, e);
        if (rc == 0)
            rc = log_relationship(c, &r->x, CHANGELOG_MODIFY, e);
    }
    store_failover_set_free(&set);
    return rc;
}

static int replicate(struct soap *soap, struct _mm__ReplicateDHCPFailover *rq,
                     struct _mm__ReplicateDHCPFailoverResponse *rs)
{
    struct replicate r;
    struct call k;
    int rc;

    (void)rs;
    memset(&r, 0, sizeof(r));
    rc = fo_begin(&k, soap, rq->session, rq->saveComment, &r.x);
    r.ref = rq->dhcpServerRef;
    r.name = rq->dhcpFailoverRelationshipName;
    r.scope = rq->dhcpScopeRef;
    if (rc == 0)
        rc = mutate_tx(&k, replicate_tx, &r);
    return call_end(&k, rc);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(GetDHCPFailoverRelationships, get_relationships)
SOAP_ENTRY(GetDHCPFailoverRelationship, get_relationship)
SOAP_ENTRY(AddDHCPFailoverRelationship, add_relationship)
SOAP_ENTRY(ModifyDHCPFailoverRelationship, modify_relationship)
SOAP_ENTRY(RemoveDHCPFailoverRelationships, remove_relationships)
SOAP_ENTRY(AddDHCPScopesToDHCPFailoverRelationship, add_scopes)
SOAP_ENTRY(RemoveDHCPScopesFromDHCPFailoverRelationship, remove_scopes)
SOAP_ENTRY(ReplicateDHCPFailover, replicate)
