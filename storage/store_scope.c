/* micetro-emu storage: DHCP scopes (see store_scope.h). */
#include "store_scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "store_prop_int.h"
#include "store_list_int.h"

/* The columns every query reads, in the order row_to_scope expects. */
#define SCOPE_COLUMNS                                                          \
    "sc.id, sc.range_id, sc.server_id, sc.name, sc.superscope, "               \
    "sc.description, sc.enabled, sc.failover_id, "                             \
    "(SELECT x.name FROM dhcp_failover x WHERE x.id = sc.failover_id)"
#define SCOPE_NCOLUMNS 9

/* What filters compare: {API name, SQL expression, type, searched by
 * free-text terms, sortable (unused here)}. */
static const struct filter_field filter_fields[] = {
    {"name", "sc.name", FILTER_TEXT, 1, 0},
    {"description", "sc.description", FILTER_TEXT, 1, 0},
    {"superscope", "sc.superscope", FILTER_TEXT, 0, 0},
    {"enabled", "sc.enabled", FILTER_BOOL, 0, 0},
    {"dhcpServerRef", "sc.server_id", FILTER_REF, 0, 0},
    {"rangeRef", "sc.range_id", FILTER_REF, 0, 0},
    {"ref", "sc.id", FILTER_REF, 0, 0},
};

/* What sortBy orders by: names in byte order (dhcp_scopes_name_idx). */
static const struct filter_field sort_fields[] = {
    {"name", "(sc.name COLLATE \"C\")", FILTER_TEXT, 0, 1},
    {"description", "sc.description", FILTER_TEXT, 0, 1},
    {"superscope", "sc.superscope", FILTER_TEXT, 0, 1},
    {"enabled", "sc.enabled", FILTER_BOOL, 0, 1},
    {"ref", "sc.id", FILTER_REF, 0, 1},
};

const struct store_list_spec store_scope_list_spec = {
    .filter = filter_fields,
    .nfilter = sizeof(filter_fields) / sizeof(filter_fields[0]),
    .sort = sort_fields,
    .nsort = sizeof(sort_fields) / sizeof(sort_fields[0]),
    .default_sort = "(sc.name COLLATE \"C\")",
    .tiebreak = "sc.id",
};

/* Reads row `row` of a SCOPE_COLUMNS result into the scope at dst. */
static int row_to_scope(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_dhcp_scope *s = dst;
    int rc;

    memset(s, 0, sizeof(*s));
    if (PQnfields(r) < SCOPE_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "DHCP scope query: %d columns",
                       PQnfields(r));
    s->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    s->range_id = strtoll(PQgetvalue(r, row, 1), NULL, 10);
    s->server_id = strtoll(PQgetvalue(r, row, 2), NULL, 10);
    s->enabled = PQgetvalue(r, row, 6)[0] == 't';
    s->failover_id = strtoll(PQgetvalue(r, row, 7), NULL, 10); /* NULL: 0 */
    if ((rc = store_copy_text(r, row, 3, s->name, sizeof(s->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 4, s->superscope, sizeof(s->superscope),
                              e)) != 0 ||
        (rc = store_copy_text(r, row, 5, s->description, sizeof(s->description),
                              e)) != 0 ||
        (rc = store_copy_text(r, row, 8, s->failover, sizeof(s->failover),
                              e)) != 0)
        return rc;
    return 0;
}

int store_scope_add(struct store_conn *c, const struct store_dhcp_scope *s,
                    long long *id, struct err *e)
{
    char rid[STORE_INTBUF], sid[STORE_INTBUF];
    const char *params[6];
    int rc;

    if (s == NULL || s->name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing DHCP scope name");
    params[0] = store_param_int(rid, s->range_id);
    params[1] = store_param_int(sid, s->server_id);
    params[2] = s->name;
    params[3] = s->superscope[0] ? s->superscope : NULL;
    params[4] = s->description[0] ? s->description : NULL;
    params[5] = s->enabled ? "true" : "false";
    rc = store_insert_id(c,
                         "INSERT INTO dhcp_scopes (range_id, server_id, name, "
                         "superscope, description, enabled) VALUES "
                         "($1::bigint, $2::bigint, $3, $4, $5, $6::boolean) "
                         "RETURNING id",
                         STORE_NPARAMS(params), params, id, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS,
                       "DHCP scope for range \"%s\" already exists on server "
                       "\"%s\"",
                       s->range_name, s->server_name);
    if (rc == ERR_CONFLICT)
        return err_set(e, ERR_CONFLICT,
                       "range \"%s\" or DHCP server \"%s\" no longer exists",
                       s->range_name, s->server_name);
    return rc;
}

int store_scope_get(struct store_conn *c, long long id,
                    struct store_dhcp_scope *out, struct err *e)
{
    char buf[STORE_INTBUF], msg[64];

    snprintf(msg, sizeof(msg), "DHCP scope %lld does not exist", id);
    return store_query_one(c,
                           "SELECT " SCOPE_COLUMNS " FROM dhcp_scopes sc "
                           "WHERE sc.id = $1::bigint",
                           store_param_int(buf, id), row_to_scope, out, NULL,
                           msg, e);
}

/* What GetProperties reads of a scope after its columns. */
struct more {
    struct store_prop_list *props;
    char **statements;
};

static int read_more(const PGresult *r, void *ctx, struct err *e)
{
    struct more *m = ctx;
    int rc = store_prop_list_read(r, SCOPE_NCOLUMNS, 0, m->props, e);

    if (rc == 0 && !PQgetisnull(r, 0, SCOPE_NCOLUMNS + 1) &&
        (*m->statements = strdup(PQgetvalue(r, 0, SCOPE_NCOLUMNS + 1))) ==
            NULL) {
        store_prop_list_free(m->props);
        rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    return rc;
}

int store_scope_show(struct store_conn *c, long long id,
                     struct store_dhcp_scope *out,
                     struct store_prop_list *props, char **statements,
                     struct err *e)
{
    struct more m = {props, statements};
    const struct store_more more = {read_more, &m};
    char buf[STORE_INTBUF], msg[64];

    snprintf(msg, sizeof(msg), "DHCP scope %lld does not exist", id);
    memset(props, 0, sizeof(*props));
    *statements = NULL;
    return store_query_one(
        c,
        "SELECT " SCOPE_COLUMNS ", " STORE_PROP_SHOWN(
            "7", "sc.id") ", "
                          "sc.unmanaged_statements FROM dhcp_scopes sc "
                          "WHERE sc.id = $1::bigint",
        store_param_int(buf, id), row_to_scope, out, &more, msg, e);
}

/* Row `row` of store_scope_partner's statement into the
 * failover_instance at dst. */
static int instance_row(const PGresult *r, int row, void *dst, struct err *e)
{
    struct failover_instance *in = dst;

    (void)e;
    in->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    in->server_id = strtoll(PQgetvalue(r, row, 1), NULL, 10);
    in->range_id = strtoll(PQgetvalue(r, row, 2), NULL, 10);
    in->failover_id = strtoll(PQgetvalue(r, row, 3), NULL, 10);
    return 0;
}

/* Tries to lock the relationship an instance is in this often before
 * going on without (another call changing its membership each time). */
#define LOCK_FAILOVER_TRIES 3

int store_scope_lock_failover(struct store_conn *c, long long scope_id,
                              struct err *e)
{
    char sid[STORE_INTBUF], now[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    int rc;

    params[0] = store_param_int(sid, scope_id);
    for (int try = 0; try < LOCK_FAILOVER_TRIES; try++) {
        long long locked;

        rc = store_exec(c,
                        "SELECT f.id FROM dhcp_failover f WHERE f.id = "
                        "(SELECT failover_id FROM dhcp_scopes "
                        "WHERE id = $1::bigint) FOR UPDATE",
                        1, params, &r, e);
        if (rc != 0)
            return rc;
        locked = PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
        PQclear(r);
        /* a new snapshot: the membership as it is once the lock is held */
        rc = store_query_text(c,
                              "SELECT coalesce(failover_id, 0) "
                              "FROM dhcp_scopes WHERE id = $1::bigint",
                              1, params, now, sizeof(now), e);
        if (rc < 0)
            return rc;
        if (rc == 0 || strtoll(now, NULL, 10) == locked)
            return 0;
    }
    return 0;
}

int store_scope_partner(struct store_conn *c, long long scope_id,
                        struct failover_instance *partner, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    struct failover_instance *all;
    PGresult *r = NULL;
    void *list = NULL;
    size_t n = 0, i;
    int rc, k = -1;

    params[0] = store_param_int(sid, scope_id);
    /* the instances of its range, itself too: one per server */
    rc = store_exec(c,
                    "SELECT o.id, o.server_id, o.range_id, "
                    "coalesce(o.failover_id, 0) FROM dhcp_scopes sc "
                    "JOIN dhcp_scopes o ON o.range_id = sc.range_id "
                    "WHERE sc.id = $1::bigint ORDER BY o.id",
                    1, params, &r, e);
    if (rc == 0)
        rc = store_rows_read(r, sizeof(*all), instance_row, &list, &n, e);
    PQclear(r);
    if (rc != 0)
        return rc;
    all = list;
    for (i = 0; i < n && all[i].id != scope_id; i++)
        ;
    if (i < n)
        k = failover_partner_instance(&all[i], all, n);
    if (k >= 0)
        *partner = all[k];
    free(all);
    return k >= 0 ? 1 : 0;
}

int store_scope_exists(struct store_conn *c, long long id, struct err *e)
{
    return store_id_exists(c, "SELECT 1 FROM dhcp_scopes WHERE id = $1::bigint",
                           id, "DHCP scope", e);
}

int store_scope_find(struct store_conn *c, enum store_scope_by how,
                     const char *key, const char *server,
                     struct store_scope_match *match, size_t max, size_t *total,
                     struct err *e)
{
    static const char by_name[] =
        "SELECT sc.id, s.name, count(*) OVER () FROM dhcp_scopes sc "
        "JOIN dhcp_servers s ON s.id = sc.server_id "
        "WHERE lower(sc.name) = lower($1) AND sc.name = $1 "
        "ORDER BY sc.id LIMIT 16";
    static const char by_range[] =
        "SELECT sc.id, s.name, count(*) OVER () FROM dhcp_scopes sc "
        "JOIN ranges r ON r.id = sc.range_id "
        "JOIN dhcp_servers s ON s.id = sc.server_id "
        "WHERE r.cidr = $1::cidr "
        "AND ($2::text IS NULL OR s.name_key = lower(rtrim($2, '.'))) "
        "ORDER BY sc.id LIMIT 16";
    const char *params[2];
    PGresult *r = NULL;
    size_t i, n;
    int rc;

    *total = 0;
    params[0] = key;
    params[1] = server;
    rc = store_exec(c, how == STORE_SCOPE_BY_NAME ? by_name : by_range,
                    how == STORE_SCOPE_BY_NAME ? 1 : 2, params, &r, e);
    if (rc != 0)
        return rc;
    n = (size_t)PQntuples(r);
    for (i = 0; i < n && i < max; i++) {
        match[i].id = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
        rc = store_copy_text(r, (int)i, 1, match[i].server,
                             sizeof(match[i].server), e);
        if (rc != 0)
            goto out;
    }
    if (n > 0)
        *total = (size_t)strtoull(PQgetvalue(r, 0, 2), NULL, 10);
out:
    PQclear(r);
    return rc;
}

int store_scope_list(struct store_conn *c, const struct filter_sql *f,
                     const char *order_by, long long offset, long long limit,
                     struct store_dhcp_scope **out, size_t *count,
                     long long *total, struct err *e)
{
    void *list = NULL;
    int rc = store_list_rows(c, SCOPE_COLUMNS, "dhcp_scopes sc",
                             store_scope_list_spec.tiebreak, f, order_by,
                             offset, limit, sizeof(**out), row_to_scope, NULL,
                             &list, count, total, e);

    *out = list;
    return rc;
}

int store_scope_update(struct store_conn *c, const struct store_dhcp_scope *s,
                       struct err *e)
{
    char id[STORE_INTBUF];
    const char *params[5];

    params[0] = store_param_int(id, s->id);
    params[1] = s->name;
    params[2] = s->superscope[0] ? s->superscope : NULL;
    params[3] = s->description[0] ? s->description : NULL;
    params[4] = s->enabled ? "true" : "false";
    return store_update_one(
        c,
        "UPDATE dhcp_scopes SET name = $2, superscope = $3, "
        "description = $4, enabled = $5::boolean, "
        "updated = now() WHERE id = $1::bigint",
        STORE_NPARAMS(params), params, "DHCP scope", s->id, e);
}
