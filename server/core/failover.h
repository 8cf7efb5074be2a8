/* micetro-emu core: the rules of ISC DHCP failover relationships, as
 * Micetro 11.x documents them for ISC servers and dhcpd enforces them.  Pure:
 * plain structs in, decisions out; storage runs the SQL and hands its rows
 * here, the SOAP handlers convert to and from these structs.
 *
 *   roles        a relationship joins a primary and a secondary server;
 *                an answer is seen from one of them (the primary when
 *                the call names none); the other one is the partner
 *   parameters   bounds and ISC defaults of mclt, ports, timings and the
 *                load-balance percentage (-> dhcpd's split); what Modify
 *                may change
 *   addresses    one relationship per pair of server addresses, two
 *                addresses per relationship (dhcpd tells partners apart
 *                by address alone)
 *   state        Empty / Error / Pending / what the servers report, and
 *                why, from what storage reads
 *   membership   a scope instance is in one relationship at most, on one
 *                of its servers; its partner instance is the other
 *                instance of its range in that relationship; a pool's
 *                twin is the partner instance's pool with the same
 *                addresses, and follows every change of the pool
 *   removal      what the deconfigure action does to the instances that
 *                leave, and what removing a server, scope or pool does
 *                to its relationships, partner instance or twin
 *
 * Every check returns 0 or a negative ERR_* with the message the API
 * answers.
 */
#ifndef MICETRO_FAILOVER_H
#define MICETRO_FAILOVER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* ---- names, bounds and defaults ------------------------------------- */

#define FAILOVER_NAME_MAX 128   /* bytes of a name (validate_quoted_name) */
#define FAILOVER_SECRET_MAX 255 /* bytes of sharedSecret */

#define FAILOVER_MCLT_MIN 1u
#define FAILOVER_MCLT_MAX 2147483647u /* also safePeriod's */
#define FAILOVER_PERCENTAGE_MAX 100u
#define FAILOVER_SPLIT_MAX 256
#define FAILOVER_PORT_MIN 1u
#define FAILOVER_PORT_MAX 65535u
/* Bounds of the three timings (seconds, or messages for
 * maxUnackedUpdates): at least 1, loadBalanceMaxSeconds at least 0 (as
 * dhcpd wants them), and an upper bound well inside dhcpd's own. */
#define FAILOVER_TIMING_MIN 1u
#define FAILOVER_LB_MAX_SECONDS_MIN 0u
#define FAILOVER_TIMING_MAX 86400u

/* ISC's defaults of the 11.x parameters a caller may leave out (the peer
 * port defaults to the port). */
#define FAILOVER_DEFAULT_PORT 647
#define FAILOVER_DEFAULT_LB_MAX_SECONDS 3
#define FAILOVER_DEFAULT_MAX_RESPONSE_DELAY 60
#define FAILOVER_DEFAULT_MAX_UNACKED_UPDATES 10

/* ---- roles ---------------------------------------------------------- */

enum failover_role {
    FAILOVER_NONE = -1, /* not a server of the relationship */
    FAILOVER_PRIMARY = 0,
    FAILOVER_SECONDARY = 1
};

/* The two servers of a relationship (database ids, different, not 0). */
struct failover_servers {
    long long primary_id, secondary_id;
};

/* The role of server_id in s. */
enum failover_role failover_role(const struct failover_servers *s,
                                 long long server_id);

/* The server of s that is not server_id: the secondary for the primary,
 * the primary for anything else. */
long long failover_partner(const struct failover_servers *s,
                           long long server_id);

/* The server an answer about s is seen from: server_id, or the primary
 * when it is 0 (the call named no server). */
long long failover_view(const struct failover_servers *s, long long server_id);

/* A request's dhcpServerRef (server_id, called server) and
 * failoverServerType (claims_secondary): the server must be one of
 * relationship name's, in the role claimed.  ERR_INVALID otherwise. */
int failover_check_view(const struct failover_servers *s, long long server_id,
                        int claims_secondary, const char *server,
                        const char *name, struct err *e);

/* A new relationship needs two servers: ERR_INVALID when primary_id is
 * secondary_id (both called primary). */
int failover_check_servers(long long primary_id, long long secondary_id,
                           const char *primary, struct err *e);

/* A relationship joins two simulated servers or two real ones (a
 * simulated server has no dhcpd to talk to): ERR_CONFLICT naming the
 * relationship (name, "" for a new one) and both servers otherwise. */
int failover_check_simulated(int primary_simulated, int secondary_simulated,
                             const char *name, const char *primary,
                             const char *secondary, struct err *e);

/* ---- parameters ----------------------------------------------------- */

enum failover_mode { FAILOVER_LOAD_BALANCE = 0, FAILOVER_HOT_STANDBY = 1 };

/* A relationship's parameters: port is the primary's failover port,
 * peer_port the secondary's; percentage is the primary's share. */
struct failover_params {
    enum failover_mode mode;
    long long mclt, safe_period;
    int percentage;
    int port, peer_port;
    int lb_max_seconds, max_response_delay, max_unacked_updates;
};

/* What a caller gives for a relationship (Add, Modify).  NULL strings and
 * NULL optional values are what the request left out. */
struct failover_input {
    const char *name, *primary, *secondary;
    int mode; /* enum failover_mode; anything else is invalid */
    unsigned int mclt, safe_period, percentage;
    const char *shared_secret;
    const unsigned int *port, *peer_port, *lb_max_seconds, *max_response_delay,
        *max_unacked_updates;
};

/* Checks in, in this order: name (a quoted name), primaryServer and
 * secondaryServer given, failoverMode, mclt (1..FAILOVER_MCLT_MAX),
 * safePeriod (..FAILOVER_MCLT_MAX), percentage (0..100), sharedSecret
 * (text, when given), port, peerPort (1..65535), loadBalanceMaxSeconds
 * (0..), maxResponseDelay, maxUnackedUpdates (1..FAILOVER_TIMING_MAX);
 * the first at fault gives ERR_INVALID.  Then *out: in's values; those
 * left out take base's (Modify), or without base (Add) ISC's defaults,
 * the peer port the port. */
int failover_check_input(const struct failover_input *in,
                         const struct failover_params *base,
                         struct failover_params *out, struct err *e);

/* The failover port of the server in role and its partner's. */
void failover_ports(const struct failover_params *p, enum failover_role role,
                    int *own, int *peer);

/* dhcpd's split (0..256) of a percentage (0..100): round(p * 256 / 100)
 * in integers (50 -> 128, 33 -> 84); -1 outside 0..100. */
int failover_split(int percentage);

/* The inverse, for reading a file back: round(split * 100 / 256), so that
 * failover_percentage(failover_split(p)) == p for every p in 0..100; -1
 * outside 0..256. */
int failover_percentage(int split);

/* ModifyDHCPFailoverRelationship changes parameters only. */
struct failover_modify {
    /* the relationship as stored */
    const char *name;
    struct failover_servers servers;
    const char *primary, *secondary; /* the servers' names */
    int percentage;
    /* what the caller asks for */
    const char *new_name;
    struct failover_servers new_servers;
    unsigned int new_percentage;
};

/* ERR_INVALID, in this order, when m renames the relationship (a
 * different byte anywhere), swaps its servers, changes them, or changes
 * its percentage. */
int failover_check_modify(const struct failover_modify *m, struct err *e);

/* Resolves the i-th scope ref a caller gave into *id (0 or ERR_*). */
typedef int (*failover_resolve_fn)(void *ctx, size_t i, long long *id,
                                   struct err *e);

/* Modify's dhcpScopeRefs (ngiven of them) must be none, or exactly the
 * member instances members[0..n): as many, and each one a member.  They
 * are resolved in order, and only as far as the comparison needs (a
 * count that differs resolves none); a resolve error is returned as is.
 * ERR_INVALID when they differ. */
int failover_check_same_scopes(const long long *members, size_t n,
                               size_t ngiven, failover_resolve_fn resolve,
                               void *ctx, const char *name, struct err *e);

/* ---- addresses ------------------------------------------------------ */

/* A relationship's two ends as the address rule sees them: a server
 * without an address (has_* 0) shares none; ids of 0 are not compared. */
struct failover_pair {
    long long primary_id, secondary_id;
    int has_primary_address, has_secondary_address;
    uint32_t primary_address, secondary_address; /* host order */
};

/* 1 when both ends have one and the same address. */
int failover_pair_shares_address(const struct failover_pair *p);

/* 1 when x and y join the same two servers, or the same two addresses:
 * each end of x is an end of y. */
int failover_pairs_clash(const struct failover_pair *x,
                         const struct failover_pair *y);

/* A stored relationship, for the address rule. */
struct failover_row {
    long long id;
    const char *name;
    struct failover_pair pair;
};

/* Adding relationship p (servers called primary and secondary) next to
 * rows[0..n): ERR_CONFLICT when p's ends share an address, else when it
 * clashes with one of rows (the lowest id is named). */
int failover_check_new_pair(const struct failover_pair *p, const char *primary,
                            const char *secondary,
                            const struct failover_row *rows, size_t n,
                            struct err *e);

/* After server_id's address changed, rows[0..n) being every
 * relationship: ERR_CONFLICT when one of server_id's relationships now
 * has both ends on one address (the lowest id is named), else when one of
 * them clashes with another relationship (the lowest pair of ids). */
int failover_check_addresses(long long server_id,
                             const struct failover_row *rows, size_t n,
                             struct err *e);

/* ---- state ---------------------------------------------------------- */

#define FAILOVER_STATE_BUF 32
#define FAILOVER_MESSAGE_BUF 1024

/* What storage reads of a relationship's state. */
struct failover_live {
    long long nscopes; /* member scope instances, both servers */
    /* what the worker read from each server ("Normal" ...; "" unread) */
    char primary_state[FAILOVER_STATE_BUF];
    char secondary_state[FAILOVER_STATE_BUF];
    int state_read;  /* the worker has read the states at least once */
    int pushing;     /* a push to either server is under way */
    int push_failed; /* the last push to either server failed */
    /* the failed pushes' errors ("" none), and why the worker could not
     * read a server's state ("" when it could); cut to fit */
    char push_errors[FAILOVER_MESSAGE_BUF];
    char state_error[FAILOVER_MESSAGE_BUF];
};

/* GetDHCPFailoverRelationship's state and stateMessage. */
struct failover_state {
    const char *state;   /* static, or into the failover_live */
    const char *message; /* into the failover_live, or NULL */
};

/* state: "Empty" without member scopes; "Error" when a push to either
 * server failed, or when the worker read neither server's state;
 * "Pending" while a push is under way; else what the servers report (the
 * primary's state unless it is Normal, then the secondary's), or "Normal"
 * when no worker has read them yet.  message: why, when the state is not
 * Empty or Pending and there is a reason: the failed pushes' errors, else
 * why a server's state could not be read. */
struct failover_state failover_state(const struct failover_live *l);

/* What the worker records of one server's side: read_ok 0 (could not
 * read): NULL; no failover peer declared (found 0): "Empty"; else local,
 * the server's own state. */
const char *failover_reported(int read_ok, int found, const char *local);

/* ---- membership ----------------------------------------------------- */

/* A scope instance: the scope of one range on one server. */
struct failover_instance {
    long long id, server_id, range_id;
    long long failover_id; /* its relationship, 0: none */
};

/* The partner instance of in among c[0..n): the other instance of its
 * range in its relationship (the first such); -1 when in is in none or
 * its partner has no instance. */
int failover_partner_instance(const struct failover_instance *in,
                              const struct failover_instance *c, size_t n);

/* A scope instance on server_id (called server; the scope called scope)
 * may join or be replicated in relationship name only when server_id is
 * one of s's: ERR_INVALID otherwise. */
int failover_check_on_pair(const struct failover_servers *s,
                           long long server_id, const char *scope,
                           const char *server, const char *name, struct err *e);

/* A scope instance with npools pools joins a relationship: with
 * need_pools (AddDHCPScopesToDHCPFailoverRelationship) it needs at least
 * one: ERR_CONFLICT. */
int failover_check_pools(int need_pools, long long npools, const char *scope,
                         const char *server, struct err *e);

/* Scope instance scope (on server) in relationship failover_id (0: none)
 * must be a member of relationship id called name: ERR_CONFLICT. */
int failover_check_member(long long failover_id, long long id,
                          const char *scope, const char *server,
                          const char *name, struct err *e);

/* An instance that becomes a member of relationship id must be in none or
 * in id already; ERR_CONFLICT naming the relationship it is in
 * (called failover). */
int failover_check_free(long long failover_id, long long id, const char *scope,
                        const char *server, const char *failover,
                        struct err *e);

/* ReplicateDHCPFailover's dhcpScopeRef: an instance on scope_server
 * (scope_failover_id its relationship, called scope_failover) when the
 * call names server_id (called server) and relationship id (0: none named,
 * called name): it must be on server_id and in a relationship, that one
 * when one is named.  ERR_INVALID, then ERR_CONFLICT. */
int failover_check_replicate(long long scope_server, long long server_id,
                             long long scope_failover_id, long long id,
                             const char *scope, const char *server,
                             const char *name, const char *scope_failover,
                             struct err *e);

/* RemoveDHCPFailoverRelationships without a server: count relationships
 * called name; exactly one is needed.  ERR_NOTFOUND, ERR_CONFLICT. */
int failover_check_unique(long long count, const char *name, struct err *e);

/* Add/RemoveDHCPScopes... need scopes: ERR_INVALID when n is 0. */
int failover_check_scope_refs(size_t n, struct err *e);

/* An address pool of a scope instance. */
struct failover_pool {
    long long id;
    struct failover_instance scope;
    uint32_t from, to; /* host order */
};

/* The twin of pool p among c[0..n): a pool of p's partner instance (as
 * failover_partner_instance) with p's from and to, the lowest id; -1 when
 * there is none. */
int failover_twin(const struct failover_pool *p, const struct failover_pool *c,
                  size_t n);

enum failover_pool_change {
    FAILOVER_POOL_ADDED,
    FAILOVER_POOL_CHANGED,
    FAILOVER_POOL_REMOVED
};

enum failover_twin_action {
    FAILOVER_TWIN_NONE,   /* nothing to do on the partner */
    FAILOVER_TWIN_ADD,    /* the partner instance gets a copy (name, from,
                           * to), overlap-checked there */
    FAILOVER_TWIN_UPDATE, /* the twin takes the pool's name, from and to,
                           * overlap-checked there */
    FAILOVER_TWIN_REMOVE  /* the twin goes too (change-logged) */
};

/* What a change of a pool does on the partner, so that both servers keep
 * the same pools: nothing when its scope instance has no partner
 * (has_partner 0) or, for a changed or removed pool, no twin. */
enum failover_twin_action failover_twin_action(enum failover_pool_change c,
                                               int has_partner, int has_twin);

/* ---- removal -------------------------------------------------------- */

/* DHCPFailoverDeconfigureAction, numbered as the API does. */
enum failover_deconfigure {
    FAILOVER_DECONFIGURE_NONE = 0,
    FAILOVER_DECONFIGURE_DISABLE = 1,
    FAILOVER_DECONFIGURE_DELETE = 2
};

/* When a scope leaves a relationship, both its instances leave; action
 * applies to the instance on server_id unless it is on keep_server_id
 * (the server of the call): what to do with it (NONE: keep it as it is,
 * DISABLE: disable it, DELETE: remove it with its pools). */
enum failover_deconfigure
failover_leave_action(enum failover_deconfigure action, long long server_id,
                      long long keep_server_id);

/* What removing an object (RemoveObject, forced or not) does to failover,
 * by ObjectType (enum ref_type). */
struct failover_removal {
    /* a scope instance: its partner instance leaves the relationship
     * first (Micetro's "Manage scope instances"), keeping its pools */
    int partner_leaves;
    /* a pool: its twin goes with it */
    int twin_goes;
    /* a server: its relationships are children (failover_check_children),
     * removed after its scopes with their memberships, each logged */
    int relationships_go;
};
struct failover_removal failover_removal(int ref_type);

/* Removing server (called server) with n relationships: ERR_CONFLICT
 * unless n is 0 or the removal is forced. */
int failover_check_children(long long n, int force, const char *server,
                            struct err *e);

#endif
