/* micetro-emu core: the rules of ISC DHCP failover (see failover.h). */
#include "failover.h"

#include <string.h>

#include "ref.h"
#include "validate.h"

/* ---- roles ---------------------------------------------------------- */

enum failover_role failover_role(const struct failover_servers *s,
                                 long long server_id)
{
    if (server_id == s->primary_id)
        return FAILOVER_PRIMARY;
    if (server_id == s->secondary_id)
        return FAILOVER_SECONDARY;
    return FAILOVER_NONE;
}

long long failover_partner(const struct failover_servers *s,
                           long long server_id)
{
    return server_id == s->primary_id ? s->secondary_id : s->primary_id;
}

long long failover_view(const struct failover_servers *s, long long server_id)
{
    return server_id != 0 ? server_id : s->primary_id;
}

int failover_check_view(const struct failover_servers *s, long long server_id,
                        int claims_secondary, const char *server,
                        const char *name, struct err *e)
{
    enum failover_role role = failover_role(s, server_id);
    int secondary = role == FAILOVER_SECONDARY;

    if (role == FAILOVER_NONE)
        return err_set(e, ERR_INVALID,
                       "dhcpServerRef \"%s\" is neither the primary nor the "
                       "secondary server of failover relationship \"%s\"",
                       server, name);
    if (secondary != (claims_secondary != 0))
        return err_set(e, ERR_INVALID,
                       "failoverServerType %s contradicts dhcpServerRef: "
                       "server \"%s\" is the %s of failover relationship "
                       "\"%s\"",
                       secondary ? "PrimaryServer" : "SecondaryServer", server,
                       secondary ? "secondary" : "primary", name);
    return 0;
}

int failover_check_servers(long long primary_id, long long secondary_id,
                           const char *primary, struct err *e)
{
    if (primary_id == secondary_id)
        return err_set(e, ERR_INVALID,
                       "primaryServer and secondaryServer are both server "
                       "\"%s\": a failover relationship needs two servers",
                       primary);
    return 0;
}

int failover_check_simulated(int primary_simulated, int secondary_simulated,
                             const char *name, const char *primary,
                             const char *secondary, struct err *e)
{
    if (!primary_simulated == !secondary_simulated)
        return 0;
    return err_set(e, ERR_CONFLICT,
                   "failover relationship%s%s%s would join %s DHCP server "
                   "\"%s\" and %s DHCP server \"%s\": both servers of a "
                   "relationship are simulated, or neither",
                   name[0] ? " \"" : "", name, name[0] ? "\"" : "",
                   primary_simulated ? "simulated" : "real", primary,
                   secondary_simulated ? "simulated" : "real", secondary);
}

/* ---- parameters ----------------------------------------------------- */

/* An optional port: v, or dflt when absent. */
static int check_port(const unsigned int *v, const char *field, int dflt,
                      int *out, struct err *e)
{
    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (*v < FAILOVER_PORT_MIN || *v > FAILOVER_PORT_MAX)
        return err_set(e, ERR_INVALID, "%s %u is not a port (%u..%u)", field,
                       *v, FAILOVER_PORT_MIN, FAILOVER_PORT_MAX);
    *out = (int)*v;
    return 0;
}

/* An optional timing of at least min: v, or dflt when absent. */
static int check_timing(const unsigned int *v, const char *field,
                        unsigned int min, int dflt, int *out, struct err *e)
{
    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (*v < min || *v > FAILOVER_TIMING_MAX)
        return err_set(e, ERR_INVALID, "%s %u is out of range (%u..%u)", field,
                       *v, min, FAILOVER_TIMING_MAX);
    *out = (int)*v;
    return 0;
}

int failover_check_input(const struct failover_input *in,
                         const struct failover_params *base,
                         struct failover_params *out, struct err *e)
{
    int rc;

    if ((rc = validate_quoted_name(in->name, "name", FAILOVER_NAME_MAX, e)) !=
        0)
        return rc;
    if (in->primary == NULL || in->primary[0] == '\0')
        return err_set(e, ERR_INVALID, "missing primaryServer");
    if (in->secondary == NULL || in->secondary[0] == '\0')
        return err_set(e, ERR_INVALID, "missing secondaryServer");
    if (in->mode != FAILOVER_LOAD_BALANCE && in->mode != FAILOVER_HOT_STANDBY)
        return err_set(e, ERR_INVALID, "invalid failoverMode");
    out->mode = (enum failover_mode)in->mode;
    if (in->mclt < FAILOVER_MCLT_MIN || in->mclt > FAILOVER_MCLT_MAX)
        return err_set(e, ERR_INVALID,
                       "mclt %u is out of range: at least 1 second", in->mclt);
    out->mclt = in->mclt;
    if (in->safe_period > FAILOVER_MCLT_MAX)
        return err_set(e, ERR_INVALID, "safePeriod %u is out of range",
                       in->safe_period);
    out->safe_period = in->safe_period;
    if (in->percentage > FAILOVER_PERCENTAGE_MAX)
        return err_set(e, ERR_INVALID, "percentage %u is out of range (0..%u)",
                       in->percentage, FAILOVER_PERCENTAGE_MAX);
    out->percentage = (int)in->percentage;
    if (in->shared_secret != NULL &&
        (rc = validate_text(in->shared_secret, "sharedSecret",
                            FAILOVER_SECRET_MAX, e)) != 0)
        return rc;
    if ((rc = check_port(in->port, "port",
                         base ? base->port : FAILOVER_DEFAULT_PORT, &out->port,
                         e)) != 0 ||
        (rc = check_port(in->peer_port, "peerPort",
                         base ? base->peer_port : out->port, &out->peer_port,
                         e)) != 0 ||
        (rc = check_timing(in->lb_max_seconds, "loadBalanceMaxSeconds",
                           FAILOVER_LB_MAX_SECONDS_MIN,
                           base ? base->lb_max_seconds
                                : FAILOVER_DEFAULT_LB_MAX_SECONDS,
                           &out->lb_max_seconds, e)) != 0 ||
        (rc = check_timing(in->max_response_delay, "maxResponseDelay",
                           FAILOVER_TIMING_MIN,
                           base ? base->max_response_delay
                                : FAILOVER_DEFAULT_MAX_RESPONSE_DELAY,
                           &out->max_response_delay, e)) != 0 ||
        (rc = check_timing(in->max_unacked_updates, "maxUnackedUpdates",
                           FAILOVER_TIMING_MIN,
                           base ? base->max_unacked_updates
                                : FAILOVER_DEFAULT_MAX_UNACKED_UPDATES,
                           &out->max_unacked_updates, e)) != 0)
        return rc;
    return 0;
}

void failover_ports(const struct failover_params *p, enum failover_role role,
                    int *own, int *peer)
{
    int primary = role != FAILOVER_SECONDARY;

    *own = primary ? p->port : p->peer_port;
    *peer = primary ? p->peer_port : p->port;
}

int failover_split(int percentage)
{
    if (percentage < 0 || percentage > (int)FAILOVER_PERCENTAGE_MAX)
        return -1;
    return (percentage * FAILOVER_SPLIT_MAX + 50) / 100;
}

int failover_percentage(int split)
{
    if (split < 0 || split > FAILOVER_SPLIT_MAX)
        return -1;
    return (split * 100 + FAILOVER_SPLIT_MAX / 2) / FAILOVER_SPLIT_MAX;
}

int failover_check_modify(const struct failover_modify *m, struct err *e)
{
    const struct failover_servers *now = &m->servers, *asked = &m->new_servers;

    if (strcmp(m->new_name, m->name) != 0)
        return err_set(e, ERR_INVALID,
                       "failover relationship \"%s\" cannot be renamed to "
                       "\"%s\"",
                       m->name, m->new_name);
    if (asked->primary_id == now->secondary_id &&
        asked->secondary_id == now->primary_id)
        return err_set(e, ERR_INVALID,
                       "the servers of failover relationship \"%s\" cannot be "
                       "swapped: \"%s\" is its primary; remove the "
                       "relationship and add it again",
                       m->name, m->primary);
    if (asked->primary_id != now->primary_id ||
        asked->secondary_id != now->secondary_id)
        return err_set(e, ERR_INVALID,
                       "the servers of failover relationship \"%s\" (\"%s\", "
                       "\"%s\") cannot be changed",
                       m->name, m->primary, m->secondary);
    if (m->new_percentage != (unsigned int)m->percentage)
        return err_set(e, ERR_INVALID,
                       "the percentage of failover relationship \"%s\" (%d) "
                       "cannot be modified: remove the relationship and add "
                       "it again",
                       m->name, m->percentage);
    return 0;
}

int failover_check_same_scopes(const long long *members, size_t n,
                               size_t ngiven, failover_resolve_fn resolve,
                               void *ctx, const char *name, struct err *e)
{
    int same = ngiven == n;

    if (ngiven == 0)
        return 0;
    for (size_t i = 0; same && i < ngiven; i++) {
        long long id;
        size_t k;
        int rc;

        if ((rc = resolve(ctx, i, &id, e)) != 0)
            return rc;
        for (k = 0; k < n && members[k] != id; k++)
            ;
        same = k < n;
    }
    if (!same)
        return err_set(e, ERR_INVALID,
                       "ModifyDHCPFailoverRelationship does not change the "
                       "scopes of failover relationship \"%s\": use "
                       "AddDHCPScopesToDHCPFailoverRelationship or "
                       "RemoveDHCPScopesFromDHCPFailoverRelationship",
                       name);
    return 0;
}

/* ---- addresses ------------------------------------------------------ */

int failover_pair_shares_address(const struct failover_pair *p)
{
    return p->has_primary_address && p->has_secondary_address &&
           p->primary_address == p->secondary_address;
}

/* 1 when address a (present: has) is one of y's addresses. */
static int address_of(int has, uint32_t a, const struct failover_pair *y)
{
    return has && ((y->has_primary_address && a == y->primary_address) ||
                   (y->has_secondary_address && a == y->secondary_address));
}

/* 1 when server id (not 0) is one of y's servers (not 0). */
static int server_of(long long id, const struct failover_pair *y)
{
    return id != 0 && y->primary_id != 0 && y->secondary_id != 0 &&
           (id == y->primary_id || id == y->secondary_id);
}

int failover_pairs_clash(const struct failover_pair *x,
                         const struct failover_pair *y)
{
    if (server_of(x->primary_id, y) && server_of(x->secondary_id, y))
        return 1;
    return address_of(x->has_primary_address, x->primary_address, y) &&
           address_of(x->has_secondary_address, x->secondary_address, y);
}

int failover_check_new_pair(const struct failover_pair *p, const char *primary,
                            const char *secondary,
                            const struct failover_row *rows, size_t n,
                            struct err *e)
{
    const struct failover_row *hit = NULL;
    char a[VALIDATE_IPV4_BUF];

    if (failover_pair_shares_address(p))
        return err_set(e, ERR_CONFLICT,
                       "servers \"%s\" and \"%s\" have the same address %s: "
                       "failover partners need addresses of their own",
                       primary, secondary,
                       validate_ipv4_format(p->primary_address, a));
    for (size_t i = 0; i < n; i++) {
        if (failover_pairs_clash(&rows[i].pair, p) &&
            (hit == NULL || rows[i].id < hit->id))
            hit = &rows[i];
    }
    if (hit != NULL)
        return err_set(e, ERR_CONFLICT,
                       "servers \"%s\" and \"%s\" already have failover "
                       "relationship \"%s\" between their addresses: dhcpd "
                       "runs one relationship per pair of addresses",
                       primary, secondary, hit->name);
    return 0;
}

/* 1 when server_id is one of row's servers. */
static int of_server(const struct failover_row *row, long long server_id)
{
    return server_id == row->pair.primary_id ||
           server_id == row->pair.secondary_id;
}

int failover_check_addresses(long long server_id,
                             const struct failover_row *rows, size_t n,
                             struct err *e)
{
    const struct failover_row *hit = NULL, *other = NULL;
    char a[VALIDATE_IPV4_BUF];

    for (size_t i = 0; i < n; i++) {
        if (of_server(&rows[i], server_id) &&
            failover_pair_shares_address(&rows[i].pair) &&
            (hit == NULL || rows[i].id < hit->id))
            hit = &rows[i];
    }
    if (hit != NULL)
        return err_set(e, ERR_CONFLICT,
                       "both servers of failover relationship \"%s\" would "
                       "have the address %s: failover partners need "
                       "addresses of their own",
                       hit->name,
                       validate_ipv4_format(hit->pair.primary_address, a));
    for (size_t i = 0; i < n; i++) {
        const struct failover_row *x = &rows[i];

        if (!of_server(x, server_id))
            continue;
        for (size_t j = 0; j < n; j++) {
            const struct failover_row *y = &rows[j];

            if (y->id == x->id || !failover_pairs_clash(&x->pair, &y->pair))
                continue;
            if (hit == NULL || x->id < hit->id ||
                (x->id == hit->id && y->id < other->id)) {
                hit = x;
                other = y;
            }
        }
    }
    if (hit != NULL)
        return err_set(e, ERR_CONFLICT,
                       "failover relationships \"%s\" and \"%s\" would join "
                       "the same two addresses: dhcpd runs one relationship "
                       "per pair of addresses",
                       hit->name, other->name);
    return 0;
}

/* ---- state ---------------------------------------------------------- */

/* The state alone (failover_state's). */
static const char *state_of(const struct failover_live *l)
{
    const char *p = l->primary_state, *s = l->secondary_state;

    if (l->nscopes == 0)
        return "Empty";
    if (l->push_failed)
        return "Error";
    if (l->pushing)
        return "Pending";
    if (p[0] == '\0' && s[0] == '\0')
        /* never read: what the configuration says; else neither server
         * could be read */
        return l->state_read ? "Error" : "Normal";
    if (p[0] != '\0' && strcmp(p, "Normal") != 0)
        return p;
    if (s[0] != '\0')
        return s;
    return p;
}

struct failover_state failover_state(const struct failover_live *l)
{
    struct failover_state st;
    const char *why = l->push_failed ? l->push_errors : l->state_error;

    st.state = state_of(l);
    st.message = NULL;
    /* a push under way makes the last error stale */
    if (l->nscopes != 0 && why[0] != '\0' && strcmp(st.state, "Pending") != 0)
        st.message = why;
    return st;
}

const char *failover_reported(int read_ok, int found, const char *local)
{
    if (!read_ok)
        return NULL;
    return found ? local : "Empty";
}

/* ---- membership ----------------------------------------------------- */

/* 1 when c is the partner instance of in. */
static int is_partner(const struct failover_instance *in,
                      const struct failover_instance *c)
{
    return in->failover_id != 0 && c->failover_id == in->failover_id &&
           c->range_id == in->range_id && c->id != in->id;
}

int failover_partner_instance(const struct failover_instance *in,
                              const struct failover_instance *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (is_partner(in, &c[i]))
            return (int)i;
    }
    return -1;
}

int failover_check_on_pair(const struct failover_servers *s,
                           long long server_id, const char *scope,
                           const char *server, const char *name, struct err *e)
{
    if (failover_role(s, server_id) == FAILOVER_NONE)
        return err_set(e, ERR_INVALID,
                       "DHCP scope \"%s\" is on server \"%s\", which is not "
                       "in failover relationship \"%s\"",
                       scope, server, name);
    return 0;
}

int failover_check_pools(int need_pools, long long npools, const char *scope,
                         const char *server, struct err *e)
{
    if (need_pools && npools == 0)
        return err_set(e, ERR_CONFLICT,
                       "DHCP scope \"%s\" on server \"%s\" has no address "
                       "pool: a failover scope needs at least one",
                       scope, server);
    return 0;
}

int failover_check_member(long long failover_id, long long id,
                          const char *scope, const char *server,
                          const char *name, struct err *e)
{
    if (failover_id != id)
        return err_set(e, ERR_CONFLICT,
                       "DHCP scope \"%s\" on server \"%s\" is not in failover "
                       "relationship \"%s\"",
                       scope, server, name);
    return 0;
}

int failover_check_free(long long failover_id, long long id, const char *scope,
                        const char *server, const char *failover, struct err *e)
{
    if (failover_id != 0 && failover_id != id)
        return err_set(e, ERR_CONFLICT,
                       "DHCP scope \"%s\" on server \"%s\" is already in "
                       "failover relationship \"%s\"",
                       scope, server, failover);
    return 0;
}

int failover_check_replicate(long long scope_server, long long server_id,
                             long long scope_failover_id, long long id,
                             const char *scope, const char *server,
                             const char *name, const char *scope_failover,
                             struct err *e)
{
    if (scope_server != server_id)
        return err_set(e, ERR_INVALID,
                       "DHCP scope \"%s\" is not on server \"%s\": "
                       "replication copies the instances of the server named",
                       scope, server);
    if (scope_failover_id == 0 || (id != 0 && scope_failover_id != id))
        return err_set(e, ERR_CONFLICT,
                       "DHCP scope \"%s\" on server \"%s\" is not in "
                       "failover relationship \"%s\"",
                       scope, server, id != 0 ? name : scope_failover);
    return 0;
}

int failover_check_unique(long long count, const char *name, struct err *e)
{
    if (count == 0)
        return err_set(e, ERR_NOTFOUND,
                       "failover relationship \"%s\" does not exist", name);
    if (count > 1)
        return err_set(e, ERR_CONFLICT,
                       "failover relationship \"%s\" exists on several "
                       "servers: give its dhcpServerRef",
                       name);
    return 0;
}

int failover_check_scope_refs(size_t n, struct err *e)
{
    if (n == 0)
        return err_set(e, ERR_INVALID, "dhcpScopeRefs is empty");
    return 0;
}

int failover_twin(const struct failover_pool *p, const struct failover_pool *c,
                  size_t n)
{
    int best = -1;

    for (size_t i = 0; i < n; i++) {
        if (!is_partner(&p->scope, &c[i].scope) || c[i].from != p->from ||
            c[i].to != p->to)
            continue;
        if (best < 0 || c[i].id < c[best].id)
            best = (int)i;
    }
    return best;
}

enum failover_twin_action failover_twin_action(enum failover_pool_change c,
                                               int has_partner, int has_twin)
{
    if (!has_partner)
        return FAILOVER_TWIN_NONE;
    switch (c) {
    case FAILOVER_POOL_ADDED:
        return FAILOVER_TWIN_ADD;
    case FAILOVER_POOL_CHANGED:
        return has_twin ? FAILOVER_TWIN_UPDATE : FAILOVER_TWIN_NONE;
    case FAILOVER_POOL_REMOVED:
        return has_twin ? FAILOVER_TWIN_REMOVE : FAILOVER_TWIN_NONE;
    }
    return FAILOVER_TWIN_NONE;
}

/* ---- removal -------------------------------------------------------- */

enum failover_deconfigure
failover_leave_action(enum failover_deconfigure action, long long server_id,
                      long long keep_server_id)
{
    if (server_id == keep_server_id)
        return FAILOVER_DECONFIGURE_NONE;
    return action;
}

struct failover_removal failover_removal(int ref_type)
{
    struct failover_removal r;

    memset(&r, 0, sizeof(r));
    r.partner_leaves = ref_type == REF_DHCP_SCOPE;
    r.twin_goes = ref_type == REF_DHCP_ADDRESS_POOL;
    r.relationships_go = ref_type == REF_DHCP_SERVER;
    return r;
}

int failover_check_children(long long n, int force, const char *server,
                            struct err *e)
{
    if (n > 0 && !force)
        return err_set(e, ERR_CONFLICT,
                       "DHCP server \"%s\" still has %lld failover "
                       "relationship%s: remove %s first or use forceRemoval",
                       server, n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
    return 0;
}
