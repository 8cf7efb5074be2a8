/* micetro-emu storage: the request journal (see store_journal.h). */
#include "store_journal.h"

#include <stdlib.h>

#include "store_int.h"

int store_journal_add(struct store_conn *c, const char *rows, int keep,
                      struct err *e)
{
    char kb[STORE_INTBUF];
    const char *params[1] = {rows};
    const char *trim[1];
    int rc;

    rc = store_exec_cmd(
        c,
        "INSERT INTO journal (t, operation, login, duration_ms, fault, "
        "status, peer, arguments, request, response) "
        "SELECT x.t, x.operation, x.login, x.ms, x.fault, x.status, x.peer, "
        "coalesce(x.arguments, '{}'::jsonb), x.request, x.response "
        "FROM jsonb_to_recordset($1::jsonb) AS x(t timestamptz, operation "
        "text, login text, ms double precision, fault text, status integer, "
        "peer text, arguments jsonb, request text, response text)",
        1, params, e);
    if (rc < 0)
        return rc;
    trim[0] = store_param_int(kb, keep);
    rc = store_exec_prepared(c,
                             "DELETE FROM journal WHERE id <= "
                             "(SELECT max(id) FROM journal) - $1::bigint",
                             1, trim, NULL, e);
    return rc < 0 ? rc : 0;
}

int store_journal_clear(struct store_conn *c, struct err *e)
{
    int rc = store_exec_cmd(c, "TRUNCATE journal RESTART IDENTITY", 0, NULL, e);

    return rc < 0 ? rc : 0;
}

#define JOURNAL_COLUMNS                                                        \
    "id, to_char(t AT TIME ZONE 'UTC', "                                       \
    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), operation, login, duration_ms, "    \
    "fault, status, peer, arguments::text, request, response"
#define JOURNAL_WHERE                                                          \
    " FROM journal WHERE ($1::text IS NULL OR operation = $1) "                \
    "AND ($2::bigint IS NULL OR id > $2::bigint) "                             \
    "AND ($3::timestamptz IS NULL OR t >= $3::timestamptz) "

static const char *text_or_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

int store_journal_list(struct store_conn *c,
                       const struct store_journal_query *q,
                       store_journal_row_fn fn, void *ctx, struct err *e)
{
    char idb[STORE_INTBUF], lb[STORE_INTBUF];
    const char *params[4];
    PGresult *r = NULL;
    int rc;

    if (q->limit < 1 || q->limit > STORE_JOURNAL_MAX_LIMIT)
        return err_set(e, ERR_INVALID, "limit is from 1 to %d",
                       STORE_JOURNAL_MAX_LIMIT);
    params[0] = q->operation;
    params[1] = q->since_id >= 0 ? store_param_int(idb, q->since_id) : NULL;
    params[2] = q->since_time;
    params[3] = store_param_int(lb, q->limit);
    if (q->since_id >= 0 || q->since_time != NULL)
        rc = store_exec_prepared(c,
                                 "SELECT " JOURNAL_COLUMNS JOURNAL_WHERE
                                 "ORDER BY id LIMIT $4::integer",
                                 STORE_NPARAMS(params), params, &r, e);
    else
        rc = store_exec_prepared(
            c,
            "SELECT * FROM (SELECT " JOURNAL_COLUMNS JOURNAL_WHERE
            "ORDER BY id DESC LIMIT $4::integer) newest ORDER BY 1",
            STORE_NPARAMS(params), params, &r, e);
    if (rc != 0)
        return rc;
    for (int i = 0, n = PQntuples(r); i < n && rc == 0; i++) {
        struct store_journal_row row = {
            .id = strtoll(PQgetvalue(r, i, 0), NULL, 10),
            .time = PQgetvalue(r, i, 1),
            .operation = PQgetvalue(r, i, 2),
            .login = text_or_null(r, i, 3),
            .ms = strtod(PQgetvalue(r, i, 4), NULL),
            .fault = text_or_null(r, i, 5),
            .status = (int)strtol(PQgetvalue(r, i, 6), NULL, 10),
            .peer = PQgetvalue(r, i, 7),
            .arguments = PQgetvalue(r, i, 8),
            .request = text_or_null(r, i, 9),
            .response = text_or_null(r, i, 10),
        };
        rc = fn(ctx, &row, e);
    }
    PQclear(r);
    return rc;
}
