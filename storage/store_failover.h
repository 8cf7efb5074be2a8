/* micetro-emu storage: DHCP failover relationships (table dhcp_failover,
 * migration 007) and the membership of scope instances in them.
 *
 * A relationship joins a primary and a secondary ISC server; it is found
 * by either server and its name (case-insensitive; a server never has two
 * of one name).  A scope instance belongs to at most one relationship
 * (dhcp_scopes.failover_id); a failover scope has an instance on each of
 * the two servers, both members.  Every function runs inside the caller's
 * transaction; the triggers of migration 007 queue the configuration of
 * each server a change touches (config_jobs) in that same transaction.
 */
#ifndef MICETRO_STORE_FAILOVER_H
#define MICETRO_STORE_FAILOVER_H

#include <stddef.h>

#include "failover.h"
#include "store_scope.h"
#include "store_server.h"
#include "store.h"

#define STORE_FAILOVER_NAME_BUF (FAILOVER_NAME_MAX + 1)
#define STORE_FAILOVER_SECRET_BUF (FAILOVER_SECRET_MAX + 1)

/* One relationship.  The names are read back (joined), never written. */
struct store_failover {
    long long id;
    char name[STORE_FAILOVER_NAME_BUF];
    struct failover_servers servers;
    char primary_name[STORE_SERVER_NAME_BUF];
    char secondary_name[STORE_SERVER_NAME_BUF];
    struct failover_params params;
    int has_secret; /* shared_secret set (it may be "") */
    char shared_secret[STORE_FAILOVER_SECRET_BUF];
    /* what its state is derived from (failover_state) */
    struct failover_live live;
    /* the member instances on the server the list was made for (see
     * store_failover_list); NULL/0 elsewhere */
    const long long *scope_ids;
    size_t nscope_ids;
};

/* The relationship of server server_id called name (any case) into *out
 * (scope_ids not set).  With lock, the row is locked FOR UPDATE.
 * ERR_NOTFOUND `failover relationship "fo" does not exist on server
 * "dhcp1."` (server_name is for the message). */
int store_failover_find(struct store_conn *c, long long server_id,
                        const char *server_name, const char *name, int lock,
                        struct store_failover *out, struct err *e);

/* GetDHCPFailoverRelationship's read, one prepared statement outside a
 * transaction: the relationship called name of server *server_id, or,
 * when that is 0 and server_name is not NULL, of the server called
 * server_name (store_server_find_by_name's rule; *server_id is set to
 * its id), into *out, with its member instances on that server in *ids
 * (*n of them; free *ids).  ERR_NOTFOUND with a message naming no server,
 * whether the relationship or the server is missing: the caller tells
 * which. */
int store_failover_view(struct store_conn *c, long long *server_id,
                        const char *server_name, const char *name,
                        struct store_failover *out, long long **ids, size_t *n,
                        struct err *e);

/* The relationships called name (any case) on any server: sets *count and,
 * when it is 1, *out.  For RemoveDHCPFailoverRelationships without a
 * server. */
int store_failover_find_any(struct store_conn *c, const char *name,
                            struct store_failover *out, long long *count,
                            struct err *e);

/* Every relationship of server server_id, or, when that is 0 and
 * server_name is not NULL, of the server called server_name
 * (store_server_find_by_name's rule), or else of every server, by name
 * then id, with scope_ids the member instances on the server each is
 * seen from (failover_view: that server, the primary for all); one
 * statement, prepared outside a transaction.  ERR_NOTFOUND when there is
 * no such server. */
struct store_failover_set {
    struct store_failover *items;
    size_t n;
    long long *ids;      /* what the items' scope_ids point into */
    long long server_id; /* the server's id; 0 for all */
};
int store_failover_list(struct store_conn *c, long long server_id,
                        const char *server_name, struct store_failover_set *out,
                        struct err *e);
void store_failover_set_free(struct store_failover_set *set);

/* Inserts f (validated by the caller; names set for messages) after
 * locking the table against concurrent adds, and sets *id.
 * ERR_EXISTS `failover relationship "fo" already exists on server
 * "dhcp1."`; then the address rule, failover_check_new_pair, on the
 * servers' addresses and every relationship. */
int store_failover_add(struct store_conn *c, const struct store_failover *f,
                       long long *id, struct err *e);

/* After server server_id's address changed: the address rule,
 * failover_check_addresses, on every relationship.  Takes
 * store_failover_add's table lock. */
int store_failover_check_addresses(struct store_conn *c, long long server_id,
                                   struct err *e);

/* Writes f's parameters (not its name or servers) to row f->id. */
int store_failover_update(struct store_conn *c, const struct store_failover *f,
                          struct err *e);

/* Deletes relationship id, which must have no member scopes left. */
int store_failover_delete(struct store_conn *c, long long id, struct err *e);

/* The instance of range range_id on server server_id, locked: 1 and *out,
 * 0 when there is none, or a negative ERR_*. */
int store_failover_instance(struct store_conn *c, long long server_id,
                            long long range_id, struct store_dhcp_scope *out,
                            long long *failover_id, struct err *e);

/* Makes scope instance scope_id (on one of f's servers) a member of f,
 * and with it the instance of its range on the partner server: created
 * (same name, description, superscope, enabled state, and copies of its
 * pools) when the partner has none.  With need_pools the instance must
 * have an address pool.  Both claims are an UPDATE ... WHERE failover_id
 * IS NULL, so of concurrent calls claiming one instance exactly one wins;
 * ERR_CONFLICT `DHCP scope "x" on server "a." is already in failover
 * relationship "y"` for the others.  *created (may be NULL) is set to the
 * id of a partner instance created, else 0. */
int store_failover_join(struct store_conn *c, const struct store_failover *f,
                        long long scope_id, int need_pools, long long *created,
                        struct err *e);

/* Takes both instances of the range of member instance scope_id out of f
 * (their pools lose the relationship), then does to each what
 * failover_leave_action says for action and keep_server_id: Disable
 * disables it, Delete removes it and its pools (logged for login with
 * comment), None leaves it.  ERR_CONFLICT when scope_id is not a member
 * of f. */
int store_failover_leave(struct store_conn *c, const struct store_failover *f,
                         long long scope_id, long long keep_server_id,
                         enum failover_deconfigure action, const char *login,
                         const char *comment, struct err *e);

/* The member instances of f on server_id, by id (free *ids). */
int store_failover_members(struct store_conn *c, long long failover_id,
                           long long server_id, long long **ids, size_t *n,
                           struct err *e);

/* Makes the partner's instance of member instance scope_id a copy of it:
 * created when missing (and made a member), else its name, description,
 * superscope and enabled state set and its pools replaced by copies of
 * scope_id's. */
int store_failover_replicate(struct store_conn *c,
                             const struct store_failover *f, long long scope_id,
                             struct err *e);

/* For a pool just added to scope instance scope_id: when the instance has
 * a partner (store_scope_partner), adds the same pool (name, from, to) to
 * it, checked for overlap under its scope lock, so that both servers keep
 * identical pools (failover_twin_action).  *mirror_id is the new pool's
 * id, or 0 when there is no partner. */
int store_failover_mirror_pool(struct store_conn *c, long long scope_id,
                               long long pool_id, long long *mirror_id,
                               struct err *e);

/* A relationship whose live state the worker reads: it has member
 * scopes; both servers' names (whose agents' secrets the worker looks up)
 * and where their agents are. */
struct store_poll_target {
    long long id;
    char name[129];
    char primary_server[STORE_SERVER_NAME_BUF];
    char secondary_server[STORE_SERVER_NAME_BUF];
    char primary_host[16], secondary_host[16];
    int primary_port, secondary_port; /* 0: the agent's default */
};

/* Takes the lock under which relationships are added and server
 * addresses (and store_sim_set, whether a server is simulated) are
 * re-checked: one at a time, the checks true until commit. */
int store_failover_lock_adds(struct store_conn *c, struct err *e);

/* Every relationship with member scopes between real servers (free
 * *out). */
int store_failover_poll_targets(struct store_conn *c,
                                struct store_poll_target **out, size_t *n,
                                struct err *e);

/* What the servers reported (NULL: could not read) and why not. */
int store_failover_set_live(struct store_conn *c, long long id,
                            const char *primary_state,
                            const char *secondary_state, const char *error,
                            struct err *e);

#endif
