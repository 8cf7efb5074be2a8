/* micetro-emu storage: DHCP address pools (table dhcp_pools, migration
 * 005).
 *
 * Plain structs, no gSOAP: the handlers convert (server/emu/convert.c).
 * A pool is the addresses from..to (inclusive) of one scope instance; its
 * name is optional and not unique.  Pools of one scope never overlap:
 * store_pool_add locks the scope row and checks before inserting.
 */
#ifndef MICETRO_STORE_DHCP_POOLS_H
#define MICETRO_STORE_DHCP_POOLS_H

#include <stddef.h>

#include "store_scope.h"
#include "store_list.h"
#include "store.h"

#define STORE_POOL_NAME_MAX 128 /* name: validate_name-safe bytes */
#define STORE_POOL_NAME_BUF (STORE_POOL_NAME_MAX + 1)
#define STORE_POOL_ADDR_BUF 16      /* dotted quad and NUL */
#define STORE_POOL_FAILOVER_BUF 129 /* a relationship name and NUL */

/* One address pool.  Strings are "" when absent (SQL NULL). */
struct store_dhcp_pool {
    long long id;       /* set by the database */
    long long scope_id; /* the scope instance it belongs to */
    char name[STORE_POOL_NAME_BUF];
    char from[STORE_POOL_ADDR_BUF]; /* first address, dotted quad */
    char to[STORE_POOL_ADDR_BUF];   /* last address, dotted quad */
    /* read only, "" when none: the failover relationship of the scope
     * instance and the partner server in it (the other instance's) */
    char failover[STORE_POOL_FAILOVER_BUF];
    char failover_peer[STORE_SERVER_NAME_BUF];
    /* read only, "" when none: the relationship's state, as
     * failover_state gives it (GetDHCPFailoverRelationship's) */
    char failover_state[32];
    /* for store_pool_add's messages only (not read back): the scope's
     * name */
    char scope_name[STORE_SCOPE_NAME_BUF];
};

/* What GetDHCPAddressPools filters and sorts on: name (text, free-text
 * searched), from, to (addresses as text), dhcpScopeRef and ref
 * (references resolved to ids).  Sorting: from (numerically, the
 * default), to (numerically), name, ref (creation order); ties by id. */
extern const struct store_list_spec store_pool_list_spec;

/* In the caller's transaction: locks scope p->scope_id (SELECT ... FOR
 * UPDATE), so that concurrent adds to one scope take turns, refuses a
 * pool overlapping another of the scope, and inserts p (from, to, which
 * the caller validated against the scope's range; name when not "") and
 * sets *id.  ERR_CONFLICT `address pool 10.0.0.50-10.0.0.60 overlaps
 * address pool 10.0.0.10-10.0.0.100 of DHCP scope "x"` (from
 * p->scope_name); ERR_CONFLICT when the scope has gone. */
/* Inside the caller's transaction: locks p's scope row (so adds and
 * updates of its pools take turns) and checks that p->from..p->to overlaps
 * no pool of the scope other than self_id (0: none).  ERR_CONFLICT naming
 * the pool it overlaps. */
int store_pool_check_free(struct store_conn *c, const struct store_dhcp_pool *p,
                          long long self_id, struct err *e);

int store_pool_add(struct store_conn *c, const struct store_dhcp_pool *p,
                   long long *id, struct err *e);

/* Loads pool id into *out.  ERR_NOTFOUND when there is none. */
int store_pool_get(struct store_conn *c, long long id,
                   struct store_dhcp_pool *out, struct err *e);

/* GetProperties' read of pool id, one statement: the pool into *out and
 * its custom properties into *props (store_prop_list_free).
 * ERR_NOTFOUND when there is none. */
int store_pool_show(struct store_conn *c, long long id,
                    struct store_dhcp_pool *out, struct store_prop_list *props,
                    struct err *e);

/* 0 when pool id exists, ERR_NOTFOUND when not. */
int store_pool_exists(struct store_conn *c, long long id, struct err *e);

/* The pool called name (exact, case-sensitive): 0 and *id; ERR_NOTFOUND
 * when none; ERR_CONFLICT when several share the name (*count set). */
int store_pool_find_by_name(struct store_conn *c, const char *name,
                            long long *id, long long *count, struct err *e);

/* One page of pools, as store_scope_list does it for scopes, restricted
 * to scope scope_id when it is > 0; free *out with free(). */
int store_pool_list(struct store_conn *c, const struct filter_sql *f,
                    long long scope_id, const char *order_by, long long offset,
                    long long limit, struct store_dhcp_pool **out,
                    size_t *count, long long *total, struct err *e);

/* The twin of pool pool_id (failover_twin: the pool of its scope
 * instance's partner with the same from and to), locked: 1 with *twin_id
 * and *twin_scope set, 0 when there is none, or a negative ERR_*.
 * SetProperties and RemoveObject keep twins alike. */
int store_pool_twin(struct store_conn *c, long long pool_id, long long *twin_id,
                    long long *twin_scope, struct err *e);

/* name (NULL when ""), from, to.  Locks the scope row first, as
 * store_pool_add does, and refuses (ERR_CONFLICT, the message of
 * store_pool_add, from p->scope_name) a from..to overlapping another pool
 * of the scope.  The pool's twin (store_pool_twin) takes the same values,
 * checked alike (failover_twin_action). */
int store_pool_update(struct store_conn *c, const struct store_dhcp_pool *p,
                      struct err *e);

#endif
