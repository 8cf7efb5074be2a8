/* micetro-emu storage: DHCP failover relationships (see failover.h). */
#include "failover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "ref.h"
#include "dhcp_pools.h"
#include "remove.h"
#include "store_int.h"

/* The columns every relationship query reads, in row_to_failover's
 * order, and the joins they need. */
#define FO_COLUMNS                                                             \
    "f.id, f.name, f.primary_id, f.secondary_id, p.name, s.name, "             \
    "f.failover_mode, f.mclt, f.safe_period, f.percentage, "                   \
    "f.shared_secret, f.port, f.peer_port, f.load_balance_max_seconds, "       \
    "f.max_response_delay, f.max_unacked_updates, " STORE_FO_STATE_COLUMNS
#define FO_NCOLUMNS (16 + STORE_FO_STATE_NCOLUMNS)
#define FO_FROM                                                                \
    " FROM dhcp_failover f JOIN dhcp_servers p ON p.id = f.primary_id "        \
    "JOIN dhcp_servers s ON s.id = f.secondary_id "
/* Relationships are listed by name in byte order, then by id. */
#define FO_ORDER " ORDER BY (f.name COLLATE \"C\"), f.id"

static long long col_ll(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int row_to_failover(const PGresult *r, int row, void *dst,
                           struct err *e)
{
    struct store_failover *f = dst;
    int rc;

    memset(f, 0, sizeof(*f));
    if (PQnfields(r) < FO_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "failover query: %d columns",
                       PQnfields(r));
    f->id = col_ll(r, row, 0);
    f->primary_id = col_ll(r, row, 2);
    f->secondary_id = col_ll(r, row, 3);
    f->hot_standby = strcmp(PQgetvalue(r, row, 6), "HotStandby") == 0;
    f->mclt = col_ll(r, row, 7);
    f->safe_period = col_ll(r, row, 8);
    f->percentage = (int)col_ll(r, row, 9);
    f->has_secret = !PQgetisnull(r, row, 10);
    f->port = (int)col_ll(r, row, 11);
    f->peer_port = (int)col_ll(r, row, 12);
    f->lb_max_seconds = (int)col_ll(r, row, 13);
    f->max_response_delay = (int)col_ll(r, row, 14);
    f->max_unacked_updates = (int)col_ll(r, row, 15);
    if ((rc = store_copy_text(r, row, 1, f->name, sizeof(f->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 4, f->primary_name,
                              sizeof(f->primary_name), e)) != 0 ||
        (rc = store_copy_text(r, row, 5, f->secondary_name,
                              sizeof(f->secondary_name), e)) != 0 ||
        (rc = store_copy_text(r, row, 10, f->shared_secret,
                              sizeof(f->shared_secret), e)) != 0)
        return rc;
    return store_failover_read_state(r, row, 16, f, e);
}

int store_failover_read_state(const PGresult *r, int row, int col,
                              struct store_failover *f, struct err *e)
{
    int rc;

    if (PQnfields(r) < col + STORE_FO_STATE_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "failover state: %d columns",
                       PQnfields(r));
    f->nscopes = col_ll(r, row, col);
    f->pushing = PQgetvalue(r, row, col + 3)[0] == 't';
    f->push_failed = PQgetvalue(r, row, col + 4)[0] == 't';
    f->state_read = PQgetvalue(r, row, col + 5)[0] == 't';
    /* the message may be longer than kept: cut, never refused */
    snprintf(f->state_message, sizeof(f->state_message), "%s",
             PQgetvalue(r, row, col + 6));
    if ((rc = store_copy_text(r, row, col + 1, f->primary_state,
                              sizeof(f->primary_state), e)) != 0 ||
        (rc = store_copy_text(r, row, col + 2, f->secondary_state,
                              sizeof(f->secondary_state), e)) != 0)
        return rc;
    return 0;
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

int store_failover_view(struct store_conn *c, long long server_id,
                        const char *name, struct store_failover *out,
                        long long **ids, size_t *n, struct err *e)
{
    static const char sql[] =
        "SELECT " FO_COLUMNS ", (SELECT string_agg(m.id::text, ',' "
        "ORDER BY m.id) FROM dhcp_scopes m WHERE m.failover_id = f.id "
        "AND m.server_id = $1::bigint)" FO_FROM
        "WHERE (f.primary_id = $1::bigint OR f.secondary_id = $1::bigint) "
        "AND lower(f.name) = lower($2)";
    char sid[STORE_INTBUF];
    const char *params[2], *list;
    PGresult *r = NULL;
    size_t k = 0, count = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    params[0] = store_param_int(sid, server_id);
    params[1] = name;
    rc = store_exec_prepared(c, sql, 2, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0) {
        rc = err_set(e, ERR_NOTFOUND, "failover relationship \"%s\" does "
                                      "not exist", name);
        goto out;
    }
    if ((rc = row_to_failover(r, 0, out, e)) != 0)
        goto out;
    list = PQgetvalue(r, 0, FO_NCOLUMNS);
    if (list[0] != '\0') {
        count = 1;
        for (const char *p = list; *p; p++)
            count += *p == ',';
        if ((*ids = malloc(count * sizeof(**ids))) == NULL) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            goto out;
        }
        for (const char *p = list; k < count; k++) {
            char *end;

            (*ids)[k] = strtoll(p, &end, 10);
            p = *end == ',' ? end + 1 : end;
        }
        *n = count;
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
                        struct store_failover_set *out, struct err *e)
{
    /* the member instances of the listed relationships on the server
     * asked about (the primary when listing all), in the order of the
     * relationships, so that one walk assigns them */
    static const char members_sql[] =
        "SELECT sc.failover_id, sc.id FROM dhcp_scopes sc "
        "JOIN dhcp_failover f ON f.id = sc.failover_id "
        "WHERE sc.server_id = CASE WHEN $1::bigint = 0 THEN f.primary_id "
        "ELSE $1::bigint END" FO_ORDER ", sc.id";
    char sid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    void *items = NULL;
    size_t n = 0, i, k;
    int rc, rows;

    memset(out, 0, sizeof(*out));
    params[0] = store_param_int(sid, server_id);
    rc = store_exec(c,
                    "SELECT " FO_COLUMNS FO_FROM
                    "WHERE $1::bigint = 0 OR f.primary_id = $1::bigint "
                    "OR f.secondary_id = $1::bigint" FO_ORDER,
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    rc = store_rows_read(r, sizeof(struct store_failover), row_to_failover,
                         &items, &n, e);
    PQclear(r);
    if (rc != 0)
        return rc;
    out->items = items;
    out->n = n;
    rc = store_exec(c, members_sql, 1, params, &r, e);
    if (rc != 0)
        goto fail;
    rows = PQntuples(r);
    if (rows > 0 &&
        (out->ids = malloc((size_t)rows * sizeof(*out->ids))) == NULL) {
        PQclear(r);
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (k = 0; k < (size_t)rows; k++)
        out->ids[k] = col_ll(r, (int)k, 1);
    for (i = 0, k = 0; i < n; i++) {
        struct store_failover *f = &out->items[i];

        f->scope_ids = out->ids != NULL ? out->ids + k : NULL;
        while (k < (size_t)rows && col_ll(r, (int)k, 0) == f->id) {
            f->nscope_ids++;
            k++;
        }
    }
    PQclear(r);
    if (k != (size_t)rows) {
        /* cannot happen: both queries order alike */
        rc = err_set(e, ERR_INTERNAL, "failover members out of order");
        goto fail;
    }
    return 0;
fail:
    store_failover_set_free(out);
    return rc;
}

/* Takes the lock under which relationships are added and server
 * addresses re-checked: one at a time, the checks true until commit. */
static int lock_relationships(struct store_conn *c, struct err *e)
{
    int rc = store_exec_cmd(c, "LOCK TABLE dhcp_failover IN SHARE ROW "
                               "EXCLUSIVE MODE",
                            0, NULL, e);

    return rc < 0 ? rc : 0;
}

/* Runs sql (server id as $1), whose one text column is "A\nB": 1 with
 * *a and *b pointing into buf, 0 when there is no row. */
static int query_pair(struct store_conn *c, const char *sql,
                      const char *const *params, char *buf, size_t len,
                      const char **a, const char **b, struct err *e)
{
    char *sep;
    int rc = store_query_text(c, sql, 1, params, buf, len, e);

    if (rc != 1)
        return rc;
    if ((sep = strchr(buf, '\n')) == NULL)
        return err_set(e, ERR_INTERNAL, "malformed pair \"%s\"", buf);
    *sep = '\0';
    *a = buf;
    *b = sep + 1;
    return 1;
}

/* The parameters a relationship's row holds besides its name and
 * servers, as 10 statement parameters at p (mode, mclt, safe period,
 * percentage, secret, port, peer port, the three timings), formatted into
 * buf. */
#define FO_NPARAMS 10
static void fo_params(const struct store_failover *f,
                      char buf[FO_NPARAMS][STORE_INTBUF], const char **p)
{
    p[0] = f->hot_standby ? "HotStandby" : "LoadBalance";
    p[1] = store_param_int(buf[1], f->mclt);
    p[2] = store_param_int(buf[2], f->safe_period);
    p[3] = store_param_int(buf[3], f->percentage);
    p[4] = f->has_secret ? f->shared_secret : NULL;
    p[5] = store_param_int(buf[5], f->port);
    p[6] = store_param_int(buf[6], f->peer_port);
    p[7] = store_param_int(buf[7], f->lb_max_seconds);
    p[8] = store_param_int(buf[8], f->max_response_delay);
    p[9] = store_param_int(buf[9], f->max_unacked_updates);
}

int store_failover_add(struct store_conn *c, const struct store_failover *f,
                       long long *id, struct err *e)
{
    char pid[STORE_INTBUF], sid[STORE_INTBUF], buf[FO_NPARAMS][STORE_INTBUF],
        text[STORE_SERVER_NAME_BUF + 64];
    const char *params[3 + FO_NPARAMS];
    int rc;

    /* one add at a time: the checks below stay true until the commit */
    if ((rc = lock_relationships(c, e)) != 0)
        return rc;
    params[0] = store_param_int(pid, f->primary_id);
    params[1] = store_param_int(sid, f->secondary_id);
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
    rc = store_query_text(c,
                          "SELECT host(a.address) FROM dhcp_servers a, "
                          "dhcp_servers b WHERE a.id = $1::bigint "
                          "AND b.id = $2::bigint AND a.address = b.address",
                          2, params, text, sizeof(text), e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return err_set(e, ERR_CONFLICT,
                       "servers \"%s\" and \"%s\" have the same address %s: "
                       "failover partners need addresses of their own",
                       f->primary_name, f->secondary_name, text);
    rc = store_query_text(
        c,
        "SELECT x.name FROM dhcp_failover x "
        "JOIN dhcp_servers p ON p.id = x.primary_id "
        "JOIN dhcp_servers s ON s.id = x.secondary_id, "
        "dhcp_servers a, dhcp_servers b "
        "WHERE a.id = $1::bigint AND b.id = $2::bigint "
        "AND ((x.primary_id IN (a.id, b.id) AND x.secondary_id IN (a.id, b.id)) "
        "OR (p.address IN (a.address, b.address) "
        "AND s.address IN (a.address, b.address))) "
        "ORDER BY x.id LIMIT 1",
        2, params, text, sizeof(text), e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return err_set(e, ERR_CONFLICT,
                       "servers \"%s\" and \"%s\" already have failover "
                       "relationship \"%s\" between their addresses: dhcpd "
                       "runs one relationship per pair of addresses",
                       f->primary_name, f->secondary_name, text);
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
    char sid[STORE_INTBUF], text[2 * STORE_FAILOVER_NAME_BUF + 8];
    const char *params[1], *a, *b;
    int rc;

    if ((rc = lock_relationships(c, e)) != 0)
        return rc;
    params[0] = store_param_int(sid, server_id);
    rc = query_pair(
        c,
        "SELECT x.name || '\n' || host(p.address) FROM dhcp_failover x "
        "JOIN dhcp_servers p ON p.id = x.primary_id "
        "JOIN dhcp_servers s ON s.id = x.secondary_id "
        "WHERE $1::bigint IN (x.primary_id, x.secondary_id) "
        "AND p.address = s.address ORDER BY x.id LIMIT 1",
        params, text, sizeof(text), &a, &b, e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return err_set(e, ERR_CONFLICT,
                       "both servers of failover relationship \"%s\" would "
                       "have the address %s: failover partners need "
                       "addresses of their own",
                       a, b);
    rc = query_pair(
        c,
        "SELECT x.name || '\n' || y.name FROM dhcp_failover x "
        "JOIN dhcp_servers xp ON xp.id = x.primary_id "
        "JOIN dhcp_servers xs ON xs.id = x.secondary_id, dhcp_failover y "
        "JOIN dhcp_servers yp ON yp.id = y.primary_id "
        "JOIN dhcp_servers ys ON ys.id = y.secondary_id "
        "WHERE x.id <> y.id "
        "AND $1::bigint IN (x.primary_id, x.secondary_id) "
        "AND xp.address IN (yp.address, ys.address) "
        "AND xs.address IN (yp.address, ys.address) "
        "ORDER BY x.id, y.id LIMIT 1",
        params, text, sizeof(text), &a, &b, e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return err_set(e, ERR_CONFLICT,
                       "failover relationships \"%s\" and \"%s\" would join "
                       "the same two addresses: dhcpd runs one relationship "
                       "per pair of addresses",
                       a, b);
    return 0;
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
    rc = store_exec_cmd(c, "DELETE FROM dhcp_failover WHERE id = $1::bigint",
                        1, params, e);
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
                           store_param_int(buf, id), row_to_member, m, msg, e);
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

/* The server of f that is not server_id, and its name. */
static long long partner_of(const struct store_failover *f, long long server_id,
                            const char **name)
{
    if (server_id == f->primary_id) {
        *name = f->secondary_name;
        return f->secondary_id;
    }
    *name = f->primary_name;
    return f->primary_id;
}

/* Loads m and checks that it lives on one of f's servers. */
static int member_of_pair(struct store_conn *c, const struct store_failover *f,
                          long long scope_id, struct member *m, struct err *e)
{
    int rc = member_get(c, scope_id, m, e);

    if (rc != 0)
        return rc;
    if (m->server_id != f->primary_id && m->server_id != f->secondary_id)
        return err_set(e, ERR_INVALID,
                       "DHCP scope \"%s\" is on server \"%s\", which is not "
                       "in failover relationship \"%s\"",
                       m->name, m->server, f->name);
    return 0;
}

int store_failover_join(struct store_conn *c, const struct store_failover *f,
                        long long scope_id, int need_pools,
                        long long *created, struct err *e)
{
    struct member m, p;
    const char *pname;
    long long pid;
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
        if (strcmp(n, "0") == 0)
            return err_set(e, ERR_CONFLICT,
                           "DHCP scope \"%s\" on server \"%s\" has no address "
                           "pool: a failover scope needs at least one",
                           m.name, m.server);
    }
    if ((rc = claim(c, f, &m, e)) != 0)
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

int store_failover_leave(struct store_conn *c, const struct store_failover *f,
                         long long scope_id, long long keep_server_id,
                         enum store_deconfigure action, const char *login,
                         const char *comment, struct err *e)
{
    char fid[STORE_INTBUF], rid[STORE_INTBUF], kid[STORE_INTBUF];
    const char *params[3];
    struct member m;
    PGresult *r = NULL;
    long long other = 0;
    int rc;

    if ((rc = member_get(c, scope_id, &m, e)) != 0)
        return rc;
    if (m.failover_id != f->id)
        return err_set(e, ERR_CONFLICT,
                       "DHCP scope \"%s\" on server \"%s\" is not in failover "
                       "relationship \"%s\"",
                       m.name, m.server, f->name);
    params[0] = store_param_int(fid, f->id);
    params[1] = store_param_int(rid, m.range_id);
    params[2] = store_param_int(kid, keep_server_id);
    rc = store_exec(c,
                    "UPDATE dhcp_scopes SET failover_id = NULL, updated = "
                    "now() WHERE failover_id = $1::bigint "
                    "AND range_id = $2::bigint "
                    "RETURNING id, server_id <> $3::bigint",
                    3, params, &r, e);
    if (rc != 0)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        if (PQgetvalue(r, i, 1)[0] == 't')
            other = col_ll(r, i, 0);
    }
    PQclear(r);
    if (other == 0 || action == STORE_DECONFIGURE_NONE)
        return 0;
    if (action == STORE_DECONFIGURE_DISABLE) {
        params[0] = store_param_int(fid, other);
        rc = store_exec_cmd(c,
                            "UPDATE dhcp_scopes SET enabled = false, "
                            "updated = now() WHERE id = $1::bigint",
                            1, params, e);
        return rc < 0 ? rc : 0;
    }
    return store_remove(c, login, REF_DHCP_SCOPE, other, 1, comment, NULL, e);
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
                             const struct store_failover *f,
                             long long scope_id, struct err *e)
{
    char a[STORE_INTBUF], b[STORE_INTBUF], fid[STORE_INTBUF];
    const char *params[3];
    struct member m, p;
    const char *pname;
    long long pid, created;
    int rc;

    if ((rc = member_of_pair(c, f, scope_id, &m, e)) != 0)
        return rc;
    if (m.failover_id != f->id)
        return err_set(e, ERR_CONFLICT,
                       "DHCP scope \"%s\" on server \"%s\" is not in failover "
                       "relationship \"%s\"",
                       m.name, m.server, f->name);
    pid = partner_of(f, m.server_id, &pname);
    rc = member_on(c, pid, m.range_id, &p, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return create_copy(c, f, &m, pid, pname, &created, e);
    if (p.failover_id != 0 && p.failover_id != f->id)
        return err_set(e, ERR_CONFLICT,
                       "DHCP scope \"%s\" on server \"%s\" is already in "
                       "failover relationship \"%s\"",
                       p.name, p.server, p.failover);
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
    char sid[STORE_INTBUF], other[STORE_INTBUF];
    const char *params[1];
    struct store_dhcp_pool pool;
    struct member m;
    int rc;

    *mirror_id = 0;
    params[0] = store_param_int(sid, scope_id);
    rc = store_query_text(c,
                          "SELECT o.id FROM dhcp_scopes sc JOIN dhcp_scopes o "
                          "ON o.failover_id = sc.failover_id "
                          "AND o.range_id = sc.range_id AND o.id <> sc.id "
                          "WHERE sc.id = $1::bigint",
                          1, params, other, sizeof(other), e);
    if (rc <= 0)
        return rc;
    if ((rc = store_pool_get(c, pool_id, &pool, e)) != 0 ||
        (rc = member_get(c, strtoll(other, NULL, 10), &m, e)) != 0)
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

int store_failover_twin_pool(struct store_conn *c, long long pool_id,
                             long long *twin_id, long long *twin_scope,
                             struct err *e)
{
    char pid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    int rc;

    params[0] = store_param_int(pid, pool_id);
    rc = store_exec(c,
                    "SELECT t.id, t.scope_id FROM dhcp_pools p "
                    "JOIN dhcp_scopes sc ON sc.id = p.scope_id "
                    "JOIN dhcp_scopes o ON o.failover_id = sc.failover_id "
                    "AND o.range_id = sc.range_id AND o.id <> sc.id "
                    "JOIN dhcp_pools t ON t.scope_id = o.id "
                    "AND t.from_ip = p.from_ip AND t.to_ip = p.to_ip "
                    "WHERE p.id = $1::bigint ORDER BY t.id LIMIT 1 "
                    "FOR UPDATE OF t",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    rc = PQntuples(r);
    if (rc == 1) {
        *twin_id = col_ll(r, 0, 0);
        *twin_scope = col_ll(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

const char *store_failover_state(const struct store_failover *f)
{
    const char *p = f->primary_state, *s = f->secondary_state;

    if (f->nscopes == 0)
        return "Empty";
    if (f->push_failed)
        return "Error";
    if (f->pushing)
        return "Pending";
    if (p[0] == '\0' && s[0] == '\0')
        /* never read: what the configuration says; else neither server
         * could be read */
        return f->state_read ? "Error" : "Normal";
    if (p[0] != '\0' && strcmp(p, "Normal") != 0)
        return p;
    if (s[0] != '\0')
        return s;
    return p;
}

const char *store_failover_state_message(const struct store_failover *f)
{
    if (f->nscopes == 0 || f->state_message[0] == '\0')
        return NULL;
    if (strcmp(store_failover_state(f), "Pending") == 0)
        return NULL; /* a push is under way: the last error is stale */
    return f->state_message;
}
