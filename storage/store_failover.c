/* micetro-emu storage: DHCP failover relationships (see store_failover.h). */
#include "store_failover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "ref.h"
#include "store_pool.h"
#include "store_remove.h"
#include "store_fostate.h"
#include "store_int.h"
#include "store_server.h"

/* The columns every relationship query reads, in row_to_failover's
 * order, and the joins they need. */
#define FO_COLUMNS                                                             \
    "f.id, f.name, f.primary_id, f.secondary_id, p.name, s.name, "             \
    "f.failover_mode, f.mclt, f.safe_period, f.percentage, "                   \
    "f.shared_secret, f.port, f.peer_port, f.load_balance_max_seconds, "       \
    "f.max_response_delay, f.max_unacked_updates, " STORE_FOSTATE_COLUMNS
#define FO_NCOLUMNS (16 + STORE_FOSTATE_NCOLUMNS)
#define FO_FROM                                                                \
    " FROM dhcp_failover f JOIN dhcp_servers p ON p.id = f.primary_id "        \
    "JOIN dhcp_servers s ON s.id = f.secondary_id "
/* Relationships are listed by name in byte order, then by id. */
#define FO_ORDER " ORDER BY (f.name COLLATE \"C\"), f.id"

static long long col_ll(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int row_to_failover(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_failover *f = dst;
    int rc;

    memset(f, 0, sizeof(*f));
    if (PQnfields(r) < FO_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "failover query: %d columns",
                       PQnfields(r));
    f->id = col_ll(r, row, 0);
    f->servers.primary_id = col_ll(r, row, 2);
    f->servers.secondary_id = col_ll(r, row, 3);
    f->params.mode = strcmp(PQgetvalue(r, row, 6), "HotStandby") == 0
                         ? FAILOVER_HOT_STANDBY
                         : FAILOVER_LOAD_BALANCE;
    f->params.mclt = col_ll(r, row, 7);
    f->params.safe_period = col_ll(r, row, 8);
    f->params.percentage = (int)col_ll(r, row, 9);
    f->has_secret = !PQgetisnull(r, row, 10);
    f->params.port = (int)col_ll(r, row, 11);
    f->params.peer_port = (int)col_ll(r, row, 12);
    f->params.lb_max_seconds = (int)col_ll(r, row, 13);
    f->params.max_response_delay = (int)col_ll(r, row, 14);
    f->params.max_unacked_updates = (int)col_ll(r, row, 15);
    if ((rc = store_copy_text(r, row, 1, f->name, sizeof(f->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 4, f->primary_name,
                              sizeof(f->primary_name), e)) != 0 ||
        (rc = store_copy_text(r, row, 5, f->secondary_name,
                              sizeof(f->secondary_name), e)) != 0 ||
        (rc = store_copy_text(r, row, 10, f->shared_secret,
                              sizeof(f->shared_secret), e)) != 0)
        return rc;
    return store_fostate_read(r, row, 16, &f->live, e);
}

int store_failover_find(struct store_conn *c, long long server_id,
                        const char *server_name, const char *name, int lock,
                        struct store_failover *out, struct err *e)
{
    static const char sql[] =
        "SELECT " FO_COLUMNS FO_FROM
        "WHERE (f.primary_id = $1::bigint OR f.secondary_id = $1::bigint) "
        "AND lower(f.name) = lower($2)";
    static const char sql_lock[] =
        "SELECT " FO_COLUMNS FO_FROM
        "WHERE (f.primary_id = $1::bigint OR f.secondary_id = $1::bigint) "
        "AND lower(f.name) = lower($2) FOR UPDATE OF f";
    char sid[STORE_INTBUF];
    const char *params[2];
    PGresult *r = NULL;
    int rc;

    params[0] = store_param_int(sid, server_id);
    params[1] = name;
    rc = store_exec(c, lock ? sql_lock : sql, 2, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0)
        rc = err_set(e, ERR_NOTFOUND,
                     "failover relationship \"%s\" does not exist on server "
                     "\"%s\"",
                     name, server_name);
    else
        rc = row_to_failover(r, 0, out, e);
    PQclear(r);
    return rc;
}

/* The member instances of relationship f on server view, by id: a text
 * "id,id,..." ("" for none; store_failover_ids reads it). */
#define FO_MEMBERS(view)                                                       \
    "coalesce((SELECT string_agg(m.id::text, ',' ORDER BY m.id) "              \
    "FROM dhcp_scopes m WHERE m.failover_id = f.id "                           \
    "AND m.server_id = " view "), '')"

/* The ids of a FO_MEMBERS text into dst (room for all of them: one more
 * than its commas); their number. */
static size_t read_ids(const char *list, long long *dst)
{
    size_t n = 0;
    char *end;

    while (*list != '\0') {
        dst[n++] = strtoll(list, &end, 10);
        list = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* How many ids a FO_MEMBERS text holds at most. */
static size_t count_ids(const char *list)
{
    size_t n = list[0] != '\0';

    for (; *list != '\0'; list++)
        n += *list == ',';
    return n;
}

int store_failover_view(struct store_conn *c, long long *server_id,
                        const char *server_name, const char *name,
                        struct store_failover *out, long long **ids, size_t *n,
                        struct err *e)
{
    static const char by_id[] = "SELECT " FO_COLUMNS ", " FO_MEMBERS(
        "$1::bigint") ", $1::bigint" FO_FROM
                      "WHERE (f.primary_id = $1::bigint OR f.secondary_id = "
                      "$1::bigint) AND lower(f.name) = lower($2)";
    static const char by_name[] = "SELECT " FO_COLUMNS ", " FO_MEMBERS(
        "v.id") ", v.id FROM "
                "dhcp_servers v JOIN dhcp_failover f "
                "ON f.primary_id = v.id OR f.secondary_id = v.id "
                "JOIN dhcp_servers p ON p.id = f.primary_id "
                "JOIN dhcp_servers s ON s.id = f.secondary_id "
                "WHERE v.name_key = lower($1) AND lower(f.name) = lower($2)";
    char sid[STORE_INTBUF], key[STORE_SERVER_NAME_BUF];
    const char *params[2], *list;
    PGresult *r = NULL;
    int rc;

    *ids = NULL;
    *n = 0;
    if (*server_id == 0 && server_name != NULL &&
        store_server_name_key(server_name, key, sizeof(key)) != 0)
        return err_set(e, ERR_NOTFOUND, "DHCP server name too long");
    params[0] = *server_id == 0 && server_name != NULL
                    ? key
                    : store_param_int(sid, *server_id);
    params[1] = name;
    rc = store_exec_prepared(c, params[0] == key ? by_name : by_id, 2, params,
                             &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0) {
        rc = err_set(e, ERR_NOTFOUND,
                     "failover relationship \"%s\" does "
                     "not exist",
                     name);
        goto out;
    }
    if ((rc = row_to_failover(r, 0, out, e)) != 0)
        goto out;
    *server_id = col_ll(r, 0, FO_NCOLUMNS + 1);
    list = PQgetvalue(r, 0, FO_NCOLUMNS);
    if (list[0] != '\0') {
        if ((*ids = malloc(count_ids(list) * sizeof(**ids))) == NULL) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            goto out;
        }
        *n = read_ids(list, *ids);
    }
out:
    PQclear(r);
    return rc;
}

int store_failover_find_any(struct store_conn *c, const char *name,
                            struct store_failover *out, long long *count,
                            struct err *e)
{
    const char *params[1] = {name};
    PGresult *r = NULL;
    int rc;

    *count = 0;
    rc = store_exec(c,
                    "SELECT " FO_COLUMNS FO_FROM
                    "WHERE lower(f.name) = lower($1)" FO_ORDER
                    " LIMIT 2 FOR UPDATE OF f",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    *count = PQntuples(r);
    if (*count == 1)
        rc = row_to_failover(r, 0, out, e);
    PQclear(r);
    return rc;
}

void store_failover_set_free(struct store_failover_set *set)
{
    if (set == NULL)
        return;
    free(set->items);
    free(set->ids);
    memset(set, 0, sizeof(*set));
}

int store_failover_list(struct store_conn *c, long long server_id,
                        const char *server_name, struct store_failover_set *out,
                        struct err *e)
{
    /* the server's relationships come joined to the server's row, so
     * that a server without any still has a row, with NULLs (and no server
     * none) */
#define FO_OF_SERVER(where)                                                    \
    "SELECT " FO_COLUMNS ", " FO_MEMBERS(                                      \
        "v.id") ", v.id FROM dhcp_servers v "                                  \
                "LEFT JOIN (dhcp_failover f JOIN dhcp_servers p ON p.id = "    \
                "f.primary_id "                                                \
                "JOIN dhcp_servers s ON s.id = f.secondary_id) "               \
                "ON f.primary_id = v.id OR f.secondary_id = v.id WHERE " where \
                    FO_ORDER
    static const char all[] = "SELECT " FO_COLUMNS ", " FO_MEMBERS(
        "f.primary_id") ", 0" FO_FROM FO_ORDER;
    static const char by_id[] = FO_OF_SERVER("v.id = $1::bigint");
    static const char by_name[] = FO_OF_SERVER("v.name_key = lower($1)");
#undef FO_OF_SERVER
    char sid[STORE_INTBUF], key[STORE_SERVER_NAME_BUF];
    const char *params[1] = {NULL}, *sql = all;
    PGresult *r = NULL;
    size_t nids = 0, m = 0;
    int rc, rows, i;

    memset(out, 0, sizeof(*out));
    if (server_id != 0) {
        params[0] = store_param_int(sid, server_id);
        sql = by_id;
    } else if (server_name != NULL) {
        if (store_server_name_key(server_name, key, sizeof(key)) != 0)
            return err_set(e, ERR_NOTFOUND, "DHCP server name too long");
        params[0] = key;
        sql = by_name;
    }
    rc = store_exec_prepared(c, sql, sql == all ? 0 : 1, params, &r, e);
    if (rc != 0)
        return rc;
    rows = PQntuples(r);
    if (rows == 0 && sql != all) {
        rc = err_set(e, ERR_NOTFOUND, "no such DHCP server");
        goto out;
    }
    for (i = 0; i < rows; i++)
        nids += count_ids(PQgetvalue(r, i, FO_NCOLUMNS));
    if ((rows > 0 &&
         (out->items = calloc((size_t)rows, sizeof(*out->items))) == NULL) ||
        (nids > 0 && (out->ids = malloc(nids * sizeof(*out->ids))) == NULL)) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < rows; i++) {
        struct store_failover *f = &out->items[out->n];

        out->server_id = col_ll(r, i, FO_NCOLUMNS + 1);
        if (PQgetisnull(r, i, 0))
            continue; /* a server without relationships */
        if ((rc = row_to_failover(r, i, f, e)) != 0)
            goto out;
        if (out->ids != NULL) {
            f->scope_ids = out->ids + m;
            f->nscope_ids = read_ids(PQgetvalue(r, i, FO_NCOLUMNS),
                                     out->ids + m);
            m += f->nscope_ids;
        }
        out->n++;
    }
out:
    PQclear(r);
    if (rc != 0)
        store_failover_set_free(out);
    return rc;
}

int store_failover_lock_adds(struct store_conn *c, struct err *e)
{
    int rc = store_exec_cmd(c,
                            "LOCK TABLE dhcp_failover IN SHARE ROW "
                            "EXCLUSIVE MODE",
                            0, NULL, e);

    return rc < 0 ? rc : 0;
}

/* A server's address as the address rule takes it (column col of row
 * `row`, an integer; NULL: none). */
static void address_col(const PGresult *r, int row, int col, int *has,
                        uint32_t *address)
{
    *has = !PQgetisnull(r, row, col);
    *address = *has ? (uint32_t)col_ll(r, row, col) : 0;
}

/* Row `row` of load_pairs' statement into the failover_row at dst (its
 * name points into r). */
static int pair_row(const PGresult *r, int row, void *dst, struct err *e)
{
    struct failover_row *x = dst;

    (void)e;
    x->id = col_ll(r, row, 0);
    x->name = PQgetvalue(r, row, 1);
    x->pair.primary_id = col_ll(r, row, 2);
    x->pair.secondary_id = col_ll(r, row, 3);
    address_col(r, row, 4, &x->pair.has_primary_address,
                &x->pair.primary_address);
    address_col(r, row, 5, &x->pair.has_secondary_address,
                &x->pair.secondary_address);
    return 0;
}

/* Every relationship with its servers' addresses, by id, for the address
 * rule: *rows (free it, then PQclear *res, which its names point into). */
static int load_pairs(struct store_conn *c, struct failover_row **rows,
                      size_t *n, PGresult **res, struct err *e)
{
    PGresult *r = NULL;
    void *list = NULL;
    int rc;

    *rows = NULL;
    *n = 0;
    *res = NULL;
    rc = store_exec(c,
                    "SELECT x.id, x.name, x.primary_id, x.secondary_id, "
                    "p.address - '0.0.0.0'::inet, "
                    "s.address - '0.0.0.0'::inet FROM dhcp_failover x "
                    "JOIN dhcp_servers p ON p.id = x.primary_id "
                    "JOIN dhcp_servers s ON s.id = x.secondary_id "
                    "ORDER BY x.id",
                    0, NULL, &r, e);
    if (rc == 0)
        rc = store_rows_read(r, sizeof(**rows), pair_row, &list, n, e);
    if (rc != 0) {
        PQclear(r);
        return rc;
    }
    *rows = list;
    *res = r;
    return 0;
}

/* The pair f would join: its servers and their addresses now. */
static int new_pair(struct store_conn *c, const struct store_failover *f,
                    struct failover_pair *p, struct err *e)
{
    char pid[STORE_INTBUF], sid[STORE_INTBUF];
    const char *params[2];
    PGresult *r = NULL;
    int rc;

    memset(p, 0, sizeof(*p));
    p->primary_id = f->servers.primary_id;
    p->secondary_id = f->servers.secondary_id;
    params[0] = store_param_int(pid, f->servers.primary_id);
    params[1] = store_param_int(sid, f->servers.secondary_id);
    rc = store_exec(c,
                    "SELECT a.address - '0.0.0.0'::inet, "
                    "b.address - '0.0.0.0'::inet FROM dhcp_servers a, "
                    "dhcp_servers b WHERE a.id = $1::bigint "
                    "AND b.id = $2::bigint",
                    2, params, &r, e);
    if (rc != 0)
        return rc;
    /* a server gone meanwhile has no address; the insert then fails */
    if (PQntuples(r) == 1) {
        address_col(r, 0, 0, &p->has_primary_address, &p->primary_address);
        address_col(r, 0, 1, &p->has_secondary_address, &p->secondary_address);
    }
    PQclear(r);
    return 0;
}

/* The parameters a relationship's row holds besides its name and
 * servers, as 10 statement parameters at p (mode, mclt, safe period,
 * percentage, secret, port, peer port, the three timings), formatted into
 * buf. */
#define FO_NPARAMS 10
static void fo_params(const struct store_failover *f,
                      char buf[FO_NPARAMS][STORE_INTBUF], const char **p)
{
    p[0] = f->params.mode == FAILOVER_HOT_STANDBY ? "HotStandby"
                                                  : "LoadBalance";
    p[1] = store_param_int(buf[1], f->params.mclt);
    p[2] = store_param_int(buf[2], f->params.safe_period);
    p[3] = store_param_int(buf[3], f->params.percentage);
    p[4] = f->has_secret ? f->shared_secret : NULL;
    p[5] = store_param_int(buf[5], f->params.port);
    p[6] = store_param_int(buf[6], f->params.peer_port);
    p[7] = store_param_int(buf[7], f->params.lb_max_seconds);
    p[8] = store_param_int(buf[8], f->params.max_response_delay);
    p[9] = store_param_int(buf[9], f->params.max_unacked_updates);
}

int store_failover_add(struct store_conn *c, const struct store_failover *f,
                       long long *id, struct err *e)
{
    char pid[STORE_INTBUF], sid[STORE_INTBUF], buf[FO_NPARAMS][STORE_INTBUF],
        text[STORE_SERVER_NAME_BUF + 64];
    const char *params[3 + FO_NPARAMS];
    struct failover_pair pair;
    struct failover_row *rows = NULL;
    PGresult *res = NULL;
    size_t n = 0;
    int rc;

    /* one add at a time: the checks below stay true until the commit */
    if ((rc = store_failover_lock_adds(c, e)) != 0)
        return rc;
    params[0] = store_param_int(pid, f->servers.primary_id);
    params[1] = store_param_int(sid, f->servers.secondary_id);
    params[2] = f->name;
    rc = store_query_text(
        c,
        "SELECT sv.name FROM dhcp_failover x JOIN dhcp_servers sv "
        "ON sv.id IN (x.primary_id, x.secondary_id) "
        "WHERE sv.id IN ($1::bigint, $2::bigint) "
        "AND lower(x.name) = lower($3) ORDER BY sv.id LIMIT 1",
        3, params, text, sizeof(text), e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return err_set(e, ERR_EXISTS,
                       "failover relationship \"%s\" already exists on server "
                       "\"%s\"",
                       f->name, text);
    if ((rc = new_pair(c, f, &pair, e)) != 0 ||
        (rc = load_pairs(c, &rows, &n, &res, e)) != 0)
        return rc;
    rc = failover_check_new_pair(&pair, f->primary_name, f->secondary_name,
                                 rows, n, e);
    free(rows);
    PQclear(res);
    if (rc != 0)
        return rc;
    fo_params(f, buf, params + 3);
    rc = store_insert_id(
        c,
        "INSERT INTO dhcp_failover (primary_id, secondary_id, name, "
        "failover_mode, mclt, safe_period, percentage, shared_secret, port, "
        "peer_port, load_balance_max_seconds, max_response_delay, "
        "max_unacked_updates) VALUES ($1::bigint, $2::bigint, $3, $4, "
        "$5::integer, $6::integer, $7::integer, $8, $9::integer, "
        "$10::integer, $11::integer, $12::integer, $13::integer) "
        "RETURNING id",
        STORE_NPARAMS(params), params, id, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS,
                       "failover relationship \"%s\" already exists on server "
                       "\"%s\" or \"%s\"",
                       f->name, f->primary_name, f->secondary_name);
    if (rc == ERR_CONFLICT)
        return err_set(e, ERR_CONFLICT,
                       "DHCP server \"%s\" or \"%s\" no longer exists",
                       f->primary_name, f->secondary_name);
    return rc;
}

int store_failover_check_addresses(struct store_conn *c, long long server_id,
                                   struct err *e)
{
    struct failover_row *rows = NULL;
    PGresult *res = NULL;
    size_t n = 0;
    int rc;

    if ((rc = store_failover_lock_adds(c, e)) != 0 ||
        (rc = load_pairs(c, &rows, &n, &res, e)) != 0)
        return rc;
    rc = failover_check_addresses(server_id, rows, n, e);
    free(rows);
    PQclear(res);
    return rc;
}

int store_failover_update(struct store_conn *c, const struct store_failover *f,
                          struct err *e)
{
    char id[STORE_INTBUF], buf[FO_NPARAMS][STORE_INTBUF];
    const char *params[1 + FO_NPARAMS];
    int rc;

    params[0] = store_param_int(id, f->id);
    fo_params(f, buf, params + 1);
    rc = store_exec_cmd(
        c,
        "UPDATE dhcp_failover SET failover_mode = $2, mclt = $3::integer, "
        "safe_period = $4::integer, percentage = $5::integer, "
        "shared_secret = $6, port = $7::integer, peer_port = $8::integer, "
        "load_balance_max_seconds = $9::integer, "
        "max_response_delay = $10::integer, "
        "max_unacked_updates = $11::integer, updated = now() "
        "WHERE id = $1::bigint",
        STORE_NPARAMS(params), params, e);
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND,
                       "failover relationship \"%s\" no longer exists",
                       f->name);
    return rc < 0 ? rc : 0;
}

int store_failover_delete(struct store_conn *c, long long id, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    int rc;

    params[0] = store_param_int(sid, id);
    rc = store_exec_cmd(c, "DELETE FROM dhcp_failover WHERE id = $1::bigint", 1,
                        params, e);
    if (rc == ERR_CONFLICT)
        return err_set(e, ERR_CONFLICT,
                       "failover relationship %lld still has scopes", id);
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND,
                       "failover relationship %lld no longer exists", id);
    return rc < 0 ? rc : 0;
}

/* What membership changes need to know of a scope instance. */
struct member {
    long long id, server_id, range_id, failover_id; /* failover_id 0: none */
    char name[STORE_SCOPE_NAME_BUF];
    char server[STORE_SERVER_NAME_BUF];
    char failover[STORE_FAILOVER_NAME_BUF]; /* "" when none */
};

#define MEMBER_SQL                                                             \
    "SELECT sc.id, sc.server_id, sc.range_id, sc.failover_id, sc.name, "       \
    "sv.name, x.name FROM dhcp_scopes sc "                                     \
    "JOIN dhcp_servers sv ON sv.id = sc.server_id "                            \
    "LEFT JOIN dhcp_failover x ON x.id = sc.failover_id "

static int row_to_member(const PGresult *r, int row, void *dst, struct err *e)
{
    struct member *m = dst;
    int rc;

    memset(m, 0, sizeof(*m));
    m->id = col_ll(r, row, 0);
    m->server_id = col_ll(r, row, 1);
    m->range_id = col_ll(r, row, 2);
    m->failover_id = PQgetisnull(r, row, 3) ? 0 : col_ll(r, row, 3);
    if ((rc = store_copy_text(r, row, 4, m->name, sizeof(m->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 5, m->server, sizeof(m->server), e)) !=
            0 ||
        (rc = store_copy_text(r, row, 6, m->failover, sizeof(m->failover),
                              e)) != 0)
        return rc;
    return 0;
}

/* Loads (and locks) scope instance id. */
static int member_get(struct store_conn *c, long long id, struct member *m,
                      struct err *e)
{
    char buf[STORE_INTBUF], msg[64];

    snprintf(msg, sizeof(msg), "DHCP scope %lld does not exist", id);
    return store_query_one(c,
                           MEMBER_SQL "WHERE sc.id = $1::bigint "
                                      "FOR UPDATE OF sc",
                           store_param_int(buf, id), row_to_member, m, NULL,
                           msg, e);
}

/* The instance of m's range on server_id, locked: 1 and *out, or 0.  *out
 * is cleared first, so that it is defined whatever comes back. */
static int member_on(struct store_conn *c, long long server_id,
                     long long range_id, struct member *out, struct err *e)
{
    char sid[STORE_INTBUF], rid[STORE_INTBUF];
    const char *params[2];
    PGresult *r = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    params[0] = store_param_int(sid, server_id);
    params[1] = store_param_int(rid, range_id);
    rc = store_exec(c,
                    MEMBER_SQL "WHERE sc.server_id = $1::bigint "
                               "AND sc.range_id = $2::bigint FOR UPDATE OF sc",
                    2, params, &r, e);
    if (rc != 0)
        return rc;
    rc = PQntuples(r) == 0 ? 0 : row_to_member(r, 0, out, e);
    if (rc == 0 && PQntuples(r) > 0)
        rc = 1;
    PQclear(r);
    return rc;
}

int store_failover_instance(struct store_conn *c, long long server_id,
                            long long range_id, struct store_dhcp_scope *out,
                            long long *failover_id, struct err *e)
{
    struct member m;
    int rc = member_on(c, server_id, range_id, &m, e);

    if (rc != 1)
        return rc;
    *failover_id = m.failover_id;
    rc = store_scope_get(c, m.id, out, e);
    return rc == 0 ? 1 : rc;
}

/* Claims instance m for f: the UPDATE's WHERE decides between concurrent
 * claims. */
static int claim(struct store_conn *c, const struct store_failover *f,
                 const struct member *m, struct err *e)
{
    char sid[STORE_INTBUF], fid[STORE_INTBUF];
    const char *params[2];
    struct member now;
    int rc;

    params[0] = store_param_int(sid, m->id);
    params[1] = store_param_int(fid, f->id);
    rc = store_exec_cmd(c,
                        "UPDATE dhcp_scopes SET failover_id = $2::bigint, "
                        "updated = now() WHERE id = $1::bigint "
                        "AND failover_id IS NULL",
                        2, params, e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return 0;
    rc = member_get(c, m->id, &now, e);
    if (rc != 0)
        return rc;
    return err_set(e, ERR_CONFLICT,
                   "DHCP scope \"%s\" on server \"%s\" is already in failover "
                   "relationship \"%s\"",
                   now.name, now.server, now.failover);
}

/* Adds copies of the pools of scope from to scope to. */
static int copy_pools(struct store_conn *c, long long from, long long to,
                      struct err *e)
{
    char a[STORE_INTBUF], b[STORE_INTBUF];
    const char *params[2];
    int rc;

    params[0] = store_param_int(a, from);
    params[1] = store_param_int(b, to);
    rc = store_exec_cmd(c,
                        "INSERT INTO dhcp_pools (scope_id, name, from_ip, "
                        "to_ip) SELECT $2::bigint, name, from_ip, to_ip "
                        "FROM dhcp_pools WHERE scope_id = $1::bigint "
                        "ORDER BY from_ip, id",
                        2, params, e);
    return rc < 0 ? rc : 0;
}

/* Creates the partner's instance of m on server_id as a member of f, a
 * copy of m with its pools; sets *id. */
static int create_copy(struct store_conn *c, const struct store_failover *f,
                       const struct member *m, long long server_id,
                       const char *server_name, long long *id, struct err *e)
{
    char a[STORE_INTBUF], b[STORE_INTBUF], fid[STORE_INTBUF];
    const char *params[3];
    int rc;

    params[0] = store_param_int(a, m->id);
    params[1] = store_param_int(b, server_id);
    params[2] = store_param_int(fid, f->id);
    rc = store_insert_id(c,
                         "INSERT INTO dhcp_scopes (range_id, server_id, name, "
                         "superscope, description, enabled, failover_id) "
                         "SELECT range_id, $2::bigint, name, superscope, "
                         "description, enabled, $3::bigint FROM dhcp_scopes "
                         "WHERE id = $1::bigint RETURNING id",
                         3, params, id, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_CONFLICT,
                       "server \"%s\" got an instance of DHCP scope \"%s\" "
                       "meanwhile: try again",
                       server_name, m->name);
    if (rc != 0)
        return rc;
    return copy_pools(c, m->id, *id, e);
}

/* The server of f that is not server_id (failover_partner), and its
 * name. */
static long long partner_of(const struct store_failover *f, long long server_id,
                            const char **name)
{
    long long id = failover_partner(&f->servers, server_id);

    *name = id == f->servers.primary_id ? f->primary_name : f->secondary_name;
    return id;
}

/* Loads m and checks that it lives on one of f's servers. */
static int member_of_pair(struct store_conn *c, const struct store_failover *f,
                          long long scope_id, struct member *m, struct err *e)
{
    int rc = member_get(c, scope_id, m, e);

    if (rc != 0)
        return rc;
    return failover_check_on_pair(&f->servers, m->server_id, m->name, m->server,
                                  f->name, e);
}

int store_failover_join(struct store_conn *c, const struct store_failover *f,
                        long long scope_id, int need_pools, long long *created,
                        struct err *e)
{
    struct member m, p;
    const char *pname;
    long long pid, npools = 0;
    int rc;

    if (created != NULL)
        *created = 0;
    if ((rc = member_of_pair(c, f, scope_id, &m, e)) != 0)
        return rc;
    if (need_pools) {
        char sid[STORE_INTBUF], n[STORE_INTBUF];
        const char *params[1] = {store_param_int(sid, m.id)};

        rc = store_query_text(c,
                              "SELECT count(*) FROM dhcp_pools "
                              "WHERE scope_id = $1::bigint",
                              1, params, n, sizeof(n), e);
        if (rc < 0)
            return rc;
        npools = strtoll(n, NULL, 10);
    }
    if ((rc = failover_check_pools(need_pools, npools, m.name, m.server, e)) !=
            0 ||
        (rc = claim(c, f, &m, e)) != 0)
        return rc;
    pid = partner_of(f, m.server_id, &pname);
    rc = member_on(c, pid, m.range_id, &p, e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return claim(c, f, &p, e);
    return create_copy(c, f, &m, pid, pname, created != NULL ? created : &pid,
                       e);
}

/* Does act (failover_leave_action's) to scope instance id. */
static int deconfigure(struct store_conn *c, long long id,
                       enum failover_deconfigure act, const char *login,
                       const char *comment, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    int rc;

    switch (act) {
    case FAILOVER_DECONFIGURE_NONE:
        return 0;
    case FAILOVER_DECONFIGURE_DISABLE:
        params[0] = store_param_int(sid, id);
        rc = store_exec_cmd(c,
                            "UPDATE dhcp_scopes SET enabled = false, "
                            "updated = now() WHERE id = $1::bigint",
                            1, params, e);
        return rc < 0 ? rc : 0;
    case FAILOVER_DECONFIGURE_DELETE:
        return store_remove(c, login, REF_DHCP_SCOPE, id, 1, comment, NULL, e);
    }
    return err_set(e, ERR_INTERNAL, "deconfigure action %d", (int)act);
}

int store_failover_leave(struct store_conn *c, const struct store_failover *f,
                         long long scope_id, long long keep_server_id,
                         enum failover_deconfigure action, const char *login,
                         const char *comment, struct err *e)
{
    char fid[STORE_INTBUF], rid[STORE_INTBUF];
    const char *params[2];
    struct member m;
    PGresult *r = NULL;
    long long left[2];
    enum failover_deconfigure act[2];
    int rc, n = 0;

    if ((rc = member_get(c, scope_id, &m, e)) != 0)
        return rc;
    if ((rc = failover_check_member(m.failover_id, f->id, m.name, m.server,
                                    f->name, e)) != 0)
        return rc;
    params[0] = store_param_int(fid, f->id);
    params[1] = store_param_int(rid, m.range_id);
    /* both instances (one per server: UNIQUE (server_id, range_id)) */
    rc = store_exec(c,
                    "UPDATE dhcp_scopes SET failover_id = NULL, updated = "
                    "now() WHERE failover_id = $1::bigint "
                    "AND range_id = $2::bigint RETURNING id, server_id",
                    2, params, &r, e);
    if (rc != 0)
        return rc;
    for (int i = 0; i < PQntuples(r) && n < 2; i++) {
        left[n] = col_ll(r, i, 0);
        act[n++] = failover_leave_action(action, col_ll(r, i, 1),
                                         keep_server_id);
    }
    PQclear(r);
    for (int i = 0; i < n && rc == 0; i++)
        rc = deconfigure(c, left[i], act[i], login, comment, e);
    return rc;
}

int store_failover_members(struct store_conn *c, long long failover_id,
                           long long server_id, long long **ids, size_t *n,
                           struct err *e)
{
    char fid[STORE_INTBUF], sid[STORE_INTBUF];
    const char *params[2];
    PGresult *r = NULL;
    int rc, rows;

    *ids = NULL;
    *n = 0;
    params[0] = store_param_int(fid, failover_id);
    params[1] = store_param_int(sid, server_id);
    rc = store_exec(c,
                    "SELECT id FROM dhcp_scopes WHERE failover_id = $1::bigint "
                    "AND server_id = $2::bigint ORDER BY id",
                    2, params, &r, e);
    if (rc != 0)
        return rc;
    rows = PQntuples(r);
    if (rows > 0 && (*ids = malloc((size_t)rows * sizeof(**ids))) == NULL) {
        PQclear(r);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < rows; i++)
        (*ids)[i] = col_ll(r, i, 0);
    *n = (size_t)rows;
    PQclear(r);
    return 0;
}

int store_failover_replicate(struct store_conn *c,
                             const struct store_failover *f, long long scope_id,
                             struct err *e)
{
    char a[STORE_INTBUF], b[STORE_INTBUF], fid[STORE_INTBUF];
    const char *params[3];
    struct member m, p;
    const char *pname;
    long long pid, created;
    int rc;

    if ((rc = member_of_pair(c, f, scope_id, &m, e)) != 0 ||
        (rc = failover_check_member(m.failover_id, f->id, m.name, m.server,
                                    f->name, e)) != 0)
        return rc;
    pid = partner_of(f, m.server_id, &pname);
    rc = member_on(c, pid, m.range_id, &p, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return create_copy(c, f, &m, pid, pname, &created, e);
    if ((rc = failover_check_free(p.failover_id, f->id, p.name, p.server,
                                  p.failover, e)) != 0)
        return rc;
    params[0] = store_param_int(a, m.id);
    params[1] = store_param_int(b, p.id);
    params[2] = store_param_int(fid, f->id);
    rc = store_exec_cmd(c,
                        "UPDATE dhcp_scopes t SET name = s.name, "
                        "superscope = s.superscope, "
                        "description = s.description, enabled = s.enabled, "
                        "failover_id = $3::bigint, updated = now() "
                        "FROM dhcp_scopes s WHERE s.id = $1::bigint "
                        "AND t.id = $2::bigint",
                        3, params, e);
    if (rc < 0)
        return rc;
    rc = store_exec_cmd(c, "DELETE FROM dhcp_pools WHERE scope_id = $1::bigint",
                        1, &params[1], e);
    if (rc < 0)
        return rc;
    return copy_pools(c, m.id, p.id, e);
}

int store_failover_mirror_pool(struct store_conn *c, long long scope_id,
                               long long pool_id, long long *mirror_id,
                               struct err *e)
{
    struct failover_instance partner;
    struct store_dhcp_pool pool;
    struct member m;
    int rc;

    *mirror_id = 0;
    rc = store_scope_partner(c, scope_id, &partner, e);
    if (rc < 0)
        return rc;
    if (failover_twin_action(FAILOVER_POOL_ADDED, rc, 0) != FAILOVER_TWIN_ADD)
        return 0;
    if ((rc = store_pool_get(c, pool_id, &pool, e)) != 0 ||
        (rc = member_get(c, partner.id, &m, e)) != 0)
        return rc;
    pool.scope_id = m.id;
    snprintf(pool.scope_name, sizeof(pool.scope_name), "%s", m.name);
    rc = store_pool_add(c, &pool, mirror_id, e);
    if (rc == ERR_CONFLICT) {
        char why[sizeof(e->msg)];

        snprintf(why, sizeof(why), "%s", e->msg);
        return err_set(e, ERR_CONFLICT,
                       "on failover partner \"%s\", which gets the same "
                       "pools: %s",
                       m.server, why);
    }
    return rc;
}

int store_failover_poll_targets(struct store_conn *c,
                                struct store_poll_target **out, size_t *n,
                                struct err *e)
{
    PGresult *r = NULL;
    int rc, rows;

    *out = NULL;
    *n = 0;
    rc = store_exec(c,
                    "SELECT f.id, f.name, coalesce(host(p.address), ''), "
                    "coalesce(p.agent_port, 0), coalesce(host(s.address), ''), "
                    "coalesce(s.agent_port, 0), p.name, s.name "
                    "FROM dhcp_failover f "
                    "JOIN dhcp_servers p ON p.id = f.primary_id "
                    "JOIN dhcp_servers s ON s.id = f.secondary_id "
                    "WHERE EXISTS (SELECT 1 FROM dhcp_scopes m "
                    "WHERE m.failover_id = f.id) "
                    "AND NOT (p.simulated OR s.simulated OR " STORE_SIM_EVERY
                    ") ORDER BY f.id",
                    0, NULL, &r, e);
    if (rc != 0)
        return rc;
    rows = PQntuples(r);
    if (rows > 0 && (*out = calloc((size_t)rows, sizeof(**out))) == NULL) {
        PQclear(r);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < rows && rc == 0; i++) {
        struct store_poll_target *t = &(*out)[i];

        t->id = col_ll(r, i, 0);
        t->primary_port = (int)col_ll(r, i, 3);
        t->secondary_port = (int)col_ll(r, i, 5);
        if ((rc = store_copy_text(r, i, 1, t->name, sizeof(t->name), e)) ||
            (rc = store_copy_text(r, i, 2, t->primary_host,
                                  sizeof(t->primary_host), e)) ||
            (rc = store_copy_text(r, i, 4, t->secondary_host,
                                  sizeof(t->secondary_host), e)) ||
            (rc = store_copy_text(r, i, 6, t->primary_server,
                                  sizeof(t->primary_server), e)) ||
            (rc = store_copy_text(r, i, 7, t->secondary_server,
                                  sizeof(t->secondary_server), e)))
            break;
    }
    PQclear(r);
    if (rc != 0) {
        free(*out);
        *out = NULL;
        return rc;
    }
    *n = (size_t)rows;
    return 0;
}

int store_failover_set_live(struct store_conn *c, long long id,
                            const char *primary_state,
                            const char *secondary_state, const char *error,
                            struct err *e)
{
    char sid[STORE_INTBUF], msg[1024];
    const char *params[4];
    int rc;

    params[0] = store_param_int(sid, id);
    params[1] = primary_state;
    params[2] = secondary_state;
    if (error != NULL)
        snprintf(msg, sizeof(msg), "%s", error);
    params[3] = error != NULL ? msg : NULL;
    rc = store_exec_cmd(c,
                        "UPDATE dhcp_failover SET primary_state = $2, "
                        "secondary_state = $3, state_error = $4, "
                        "state_read = now() WHERE id = $1::bigint",
                        4, params, e);
    return rc < 0 ? rc : 0;
}
