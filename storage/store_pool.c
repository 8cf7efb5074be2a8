/* micetro-emu storage: DHCP address pools (see store_pool.h). */
#include "store_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "failover.h"
#include "store_fostate.h"
#include "store_int.h"
#include "store_prop_int.h"
#include "store_list_int.h"
#include "store_scope.h"

/* The columns every query reads, in the order row_to_pool expects, and
 * the tables they come from.  After the pool's own: the failover
 * relationship of its scope instance (f, NULL when none), the server of
 * the instance and both of f's (failover_partner picks the partner), and
 * what f's state is derived from. */
#define POOL_COLUMNS                                                           \
    "p.id, p.scope_id, p.name, host(p.from_ip), host(p.to_ip), f.name, "       \
    "sc.server_id, f.primary_id, f.secondary_id, fp.name, "                    \
    "fs.name, " STORE_FOSTATE_COLUMNS
#define POOL_NCOLUMNS (11 + STORE_FOSTATE_NCOLUMNS)
#define POOL_FROM                                                              \
    "dhcp_pools p JOIN dhcp_scopes sc ON sc.id = p.scope_id "                  \
    "LEFT JOIN dhcp_failover f ON f.id = sc.failover_id "                      \
    "LEFT JOIN dhcp_servers fp ON fp.id = f.primary_id "                       \
    "LEFT JOIN dhcp_servers fs ON fs.id = f.secondary_id"

/* What filters compare: {API name, SQL expression, type, searched by
 * free-text terms, sortable (unused here)}. */
static const struct filter_field filter_fields[] = {
    {"name", "p.name", FILTER_TEXT, 1, 0},
    {"from", "host(p.from_ip)", FILTER_TEXT, 0, 0},
    {"to", "host(p.to_ip)", FILTER_TEXT, 0, 0},
    {"dhcpScopeRef", "p.scope_id", FILTER_REF, 0, 0},
    {"ref", "p.id", FILTER_REF, 0, 0},
};

/* What sortBy orders by: addresses numerically (inet order). */
static const struct filter_field sort_fields[] = {
    {"from", "p.from_ip", FILTER_TEXT, 0, 1},
    {"to", "p.to_ip", FILTER_TEXT, 0, 1},
    {"name", "(p.name COLLATE \"C\")", FILTER_TEXT, 0, 1},
    {"ref", "p.id", FILTER_REF, 0, 1},
};

const struct store_list_spec store_pool_list_spec = {
    .filter = filter_fields,
    .nfilter = sizeof(filter_fields) / sizeof(filter_fields[0]),
    .sort = sort_fields,
    .nsort = sizeof(sort_fields) / sizeof(sort_fields[0]),
    .default_sort = "p.from_ip",
    .tiebreak = "p.id",
};

/* Reads row `row` of a POOL_COLUMNS result into the pool at dst. */
static int row_to_pool(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_dhcp_pool *p = dst;
    struct failover_servers sv;
    struct failover_live live;
    long long server;
    int rc, peer_col;

    memset(p, 0, sizeof(*p));
    if (PQnfields(r) < POOL_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "DHCP address pool query: %d columns",
                       PQnfields(r));
    p->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    p->scope_id = strtoll(PQgetvalue(r, row, 1), NULL, 10);
    if ((rc = store_copy_text(r, row, 2, p->name, sizeof(p->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 3, p->from, sizeof(p->from), e)) != 0 ||
        (rc = store_copy_text(r, row, 4, p->to, sizeof(p->to), e)) != 0 ||
        (rc = store_copy_text(r, row, 5, p->failover, sizeof(p->failover),
                              e)) != 0)
        return rc;
    if (p->failover[0] == '\0')
        return 0;
    /* failoverPeer: the other server of the relationship */
    server = strtoll(PQgetvalue(r, row, 6), NULL, 10);
    sv.primary_id = strtoll(PQgetvalue(r, row, 7), NULL, 10);
    sv.secondary_id = strtoll(PQgetvalue(r, row, 8), NULL, 10);
    peer_col = failover_partner(&sv, server) == sv.primary_id ? 9 : 10;
    if ((rc = store_copy_text(r, row, peer_col, p->failover_peer,
                              sizeof(p->failover_peer), e)) != 0 ||
        (rc = store_fostate_read(r, row, 11, &live, e)) != 0)
        return rc;
    snprintf(p->failover_state, sizeof(p->failover_state), "%s",
             failover_state(&live).state);
    return 0;
}

int store_pool_check_free(struct store_conn *c, const struct store_dhcp_pool *p,
                          long long self_id, struct err *e)
{
    char sid[STORE_INTBUF], self[STORE_INTBUF];
    char other[2 * STORE_POOL_ADDR_BUF + 2];
    const char *params[4];
    PGresult *r = NULL;
    int rc;

    params[0] = store_param_int(sid, p->scope_id);
    params[1] = p->from;
    params[2] = p->to;
    params[3] = store_param_int(self, self_id);
    /* concurrent adds and updates in this scope wait here until this
     * transaction ends; the next statement's snapshot then sees their
     * pools */
    rc = store_exec(c,
                    "SELECT 1 FROM dhcp_scopes WHERE id = $1::bigint "
                    "FOR UPDATE",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    rc = PQntuples(r) == 1
             ? 0
             : err_set(e, ERR_CONFLICT, "DHCP scope \"%s\" no longer exists",
                       p->scope_name);
    PQclear(r);
    if (rc != 0)
        return rc;
    rc = store_query_text(c,
                          "SELECT host(from_ip) || '-' || host(to_ip) "
                          "FROM dhcp_pools WHERE scope_id = $1::bigint "
                          "AND id <> $4::bigint "
                          "AND from_ip <= $3::inet AND to_ip >= $2::inet "
                          "ORDER BY from_ip, id LIMIT 1",
                          4, params, other, sizeof(other), e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return err_set(e, ERR_CONFLICT,
                       "address pool %s-%s overlaps address pool %s of DHCP "
                       "scope \"%s\"",
                       p->from, p->to, other, p->scope_name);
    return 0;
}

int store_pool_add(struct store_conn *c, const struct store_dhcp_pool *p,
                   long long *id, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[4];
    int rc;

    if (p == NULL || p->from[0] == '\0' || p->to[0] == '\0')
        return err_set(e, ERR_INVALID, "missing address pool from or to");
    /* a failover scope's relationship before its rows (lock order) */
    if ((rc = store_scope_lock_failover(c, p->scope_id, e)) != 0)
        return rc;
    rc = store_pool_check_free(c, p, 0, e);
    if (rc != 0)
        return rc;
    params[0] = store_param_int(sid, p->scope_id);
    params[1] = p->from;
    params[2] = p->to;
    params[3] = p->name[0] ? p->name : NULL;
    return store_insert_id(c,
                           "INSERT INTO dhcp_pools (scope_id, from_ip, to_ip, "
                           "name) VALUES ($1::bigint, $2::inet, $3::inet, $4) "
                           "RETURNING id",
                           STORE_NPARAMS(params), params, id, e);
}

int store_pool_get(struct store_conn *c, long long id,
                   struct store_dhcp_pool *out, struct err *e)
{
    char buf[STORE_INTBUF], msg[64];

    snprintf(msg, sizeof(msg), "DHCP address pool %lld does not exist", id);
    return store_query_one(c,
                           "SELECT " POOL_COLUMNS " FROM " POOL_FROM " "
                           "WHERE p.id = $1::bigint",
                           store_param_int(buf, id), row_to_pool, out, NULL,
                           msg, e);
}

/* Reads the custom properties after the POOL_COLUMNS (ctx: the
 * store_prop_list). */
static int read_props(const PGresult *r, void *ctx, struct err *e)
{
    return store_prop_list_read(r, POOL_NCOLUMNS, 0, ctx, e);
}

int store_pool_show(struct store_conn *c, long long id,
                    struct store_dhcp_pool *out, struct store_prop_list *props,
                    struct err *e)
{
    const struct store_more more = {read_props, props};
    char buf[STORE_INTBUF], msg[64];

    snprintf(msg, sizeof(msg), "DHCP address pool %lld does not exist", id);
    memset(props, 0, sizeof(*props));
    return store_query_one(
        c,
        "SELECT " POOL_COLUMNS
        ", " STORE_PROP_SHOWN("10", "p.id") " FROM " POOL_FROM " "
                                            "WHERE p.id = $1::bigint",
        store_param_int(buf, id), row_to_pool, out, &more, msg, e);
}

int store_pool_exists(struct store_conn *c, long long id, struct err *e)
{
    return store_id_exists(c, "SELECT 1 FROM dhcp_pools WHERE id = $1::bigint",
                           id, "DHCP address pool", e);
}

int store_pool_find_by_name(struct store_conn *c, const char *name,
                            long long *id, long long *count, struct err *e)
{
    const char *params[1] = {name};
    PGresult *r = NULL;
    int rc;

    *count = 0;
    rc = store_exec(c,
                    "SELECT id, count(*) OVER () FROM dhcp_pools "
                    "WHERE name = $1 ORDER BY id LIMIT 1",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0) {
        rc = err_set(e, ERR_NOTFOUND, "no such name");
    } else {
        *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        *count = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
        if (*count > 1)
            rc = err_set(e, ERR_CONFLICT, "name shared by %lld pools", *count);
    }
    PQclear(r);
    return rc;
}

int store_pool_list(struct store_conn *c, const struct filter_sql *f,
                    long long scope_id, const char *order_by, long long offset,
                    long long limit, struct store_dhcp_pool **out,
                    size_t *count, long long *total, struct err *e)
{
    struct filter_sql g = *f;
    char sid[STORE_INTBUF];
    char *where = NULL;
    char **params = NULL;
    void *list = NULL;
    size_t len;
    int rc;

    *out = NULL;
    if (scope_id > 0) {
        /* f's condition AND the scope, with one more parameter */
        len = strlen(f->where) + 64;
        where = malloc(len);
        params = malloc(((size_t)f->nparams + 1) * sizeof(*params));
        if (where == NULL || params == NULL) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            goto out;
        }
        snprintf(where, len, "(%s) AND p.scope_id = $%d::bigint", f->where,
                 f->nparams + 1);
        if (f->nparams > 0)
            memcpy(params, f->params, (size_t)f->nparams * sizeof(*params));
        params[f->nparams] = (char *)store_param_int(sid, scope_id);
        g.where = where;
        g.params = params;
        g.nparams = f->nparams + 1;
    }
    rc = store_list_rows(c, POOL_COLUMNS, POOL_FROM,
                         store_pool_list_spec.tiebreak, &g, order_by, offset,
                         limit, sizeof(**out), row_to_pool, NULL, &list, count,
                         total, e);
    *out = list;
out:
    free(where);
    free(params);
    return rc;
}

/* Writes from, to and name of pool id (of scope scope_id). */
static int pool_write(struct store_conn *c, long long scope_id, long long id,
                      const struct store_dhcp_pool *p, struct err *e)
{
    char sid[STORE_INTBUF], pid[STORE_INTBUF];
    const char *params[5];

    params[0] = store_param_int(sid, scope_id);
    params[1] = p->from;
    params[2] = p->to;
    params[3] = store_param_int(pid, id);
    params[4] = p->name[0] ? p->name : NULL;
    return store_update_one(c,
                            "UPDATE dhcp_pools SET from_ip = $2::inet, "
                            "to_ip = $3::inet, name = $5, updated = now() "
                            "WHERE id = $4::bigint AND scope_id = $1::bigint",
                            STORE_NPARAMS(params), params, "DHCP address pool",
                            id, e);
}

/* Row `row` of twin_candidates' statement into the failover_pool at dst. */
static int twin_row(const PGresult *r, int row, void *dst, struct err *e)
{
    struct failover_pool *t = dst;

    (void)e;
    t->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    t->scope.id = strtoll(PQgetvalue(r, row, 1), NULL, 10);
    t->scope.server_id = strtoll(PQgetvalue(r, row, 2), NULL, 10);
    t->scope.range_id = strtoll(PQgetvalue(r, row, 3), NULL, 10);
    t->scope.failover_id = strtoll(PQgetvalue(r, row, 4), NULL, 10);
    t->from = (uint32_t)strtoll(PQgetvalue(r, row, 5), NULL, 10);
    t->to = (uint32_t)strtoll(PQgetvalue(r, row, 6), NULL, 10);
    return 0;
}

/* The candidates for pool_id's twin: the pools of every instance of its
 * range (its own too), with their instances; *self is pool_id's index
 * (-1: gone).  Free *out. */
static int twin_candidates(struct store_conn *c, long long pool_id,
                           struct failover_pool **out, size_t *n, int *self,
                           struct err *e)
{
    char pid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    void *list = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    *self = -1;
    params[0] = store_param_int(pid, pool_id);
    rc = store_exec(c,
                    "SELECT t.id, o.id, o.server_id, o.range_id, "
                    "coalesce(o.failover_id, 0), "
                    "t.from_ip - '0.0.0.0'::inet, t.to_ip - '0.0.0.0'::inet "
                    "FROM dhcp_pools p "
                    "JOIN dhcp_scopes sc ON sc.id = p.scope_id "
                    "JOIN dhcp_scopes o ON o.range_id = sc.range_id "
                    "JOIN dhcp_pools t ON t.scope_id = o.id "
                    "WHERE p.id = $1::bigint ORDER BY t.id",
                    1, params, &r, e);
    if (rc == 0)
        rc = store_rows_read(r, sizeof(**out), twin_row, &list, n, e);
    PQclear(r);
    if (rc != 0)
        return rc;
    *out = list;
    for (size_t i = 0; i < *n; i++)
        if ((*out)[i].id == pool_id)
            *self = (int)i;
    return 0;
}

/* Locks pool t and tells whether it is still as read: 1, or 0 when it
 * changed or went meanwhile. */
static int lock_twin(struct store_conn *c, const struct failover_pool *t,
                     struct err *e)
{
    char tid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    int rc;

    params[0] = store_param_int(tid, t->id);
    rc = store_exec(c,
                    "SELECT scope_id, from_ip - '0.0.0.0'::inet, "
                    "to_ip - '0.0.0.0'::inet FROM dhcp_pools "
                    "WHERE id = $1::bigint FOR UPDATE",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    rc = PQntuples(r) == 1 &&
         strtoll(PQgetvalue(r, 0, 0), NULL, 10) == t->scope.id &&
         (uint32_t)strtoll(PQgetvalue(r, 0, 1), NULL, 10) == t->from &&
         (uint32_t)strtoll(PQgetvalue(r, 0, 2), NULL, 10) == t->to;
    PQclear(r);
    return rc;
}

/* Tries to find and lock a twin this often before taking it that there
 * is none (each try after the one read changed meanwhile). */
#define TWIN_TRIES 3

int store_pool_twin(struct store_conn *c, long long pool_id, long long *twin_id,
                    long long *twin_scope, struct err *e)
{
    for (int try = 0; try < TWIN_TRIES; try++) {
        struct failover_pool *all;
        size_t n;
        int self, k, rc;

        if ((rc = twin_candidates(c, pool_id, &all, &n, &self, e)) != 0)
            return rc;
        k = self >= 0 ? failover_twin(&all[self], all, n) : -1;
        rc = k >= 0 ? lock_twin(c, &all[k], e) : 0;
        if (rc == 1) {
            *twin_id = all[k].id;
            *twin_scope = all[k].scope.id;
        }
        free(all);
        if (rc < 0 || k < 0 || rc == 1)
            return rc;
    }
    return 0;
}

int store_pool_update(struct store_conn *c, const struct store_dhcp_pool *p,
                      struct err *e)
{
    struct store_dhcp_pool twin;
    int rc;

    /* a failover scope's relationship before its rows (lock order) */
    if ((rc = store_scope_lock_failover(c, p->scope_id, e)) != 0)
        return rc;
    rc = store_pool_check_free(c, p, p->id, e);
    if (rc != 0)
        return rc;
    /* a failover scope's pool: its twin on the partner changes alike */
    twin = *p;
    rc = store_pool_twin(c, p->id, &twin.id, &twin.scope_id, e);
    if (rc < 0)
        return rc;
    if (failover_twin_action(FAILOVER_POOL_CHANGED, rc, rc) ==
            FAILOVER_TWIN_UPDATE &&
        ((rc = store_pool_check_free(c, &twin, twin.id, e)) != 0 ||
         (rc = pool_write(c, twin.scope_id, twin.id, p, e)) != 0))
        return rc;
    return pool_write(c, p->scope_id, p->id, p, e);
}
