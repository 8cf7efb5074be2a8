/* micetro-emu storage: one page of a list getter, filtered, counted,
 * sorted and paged in one statement (see store_list.h and
 * store_list_int.h). */
#include "store_list.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "store_list_int.h"

/* Formats the SQL text of a statement, malloc'd (NULL when out of
 * memory).  The pieces are trusted: module constants and the output of
 * filter_compile() / filter_order_by(). */
static char *sql_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *sql_printf(const char *fmt, ...)
{
    va_list ap;
    char *sql;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || (sql = malloc((size_t)n + 1)) == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(sql, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return sql;
}

/* Runs a list's statement sql: under the shorter time limit of a
 * caller's filter when f holds one (store_exec_filtered). */
static int exec_list(struct store_conn *c, const char *sql,
                     const struct filter_sql *f, int nparams,
                     const char *const *params, PGresult **res, struct err *e)
{
    const char *kept;

    if (f->nconds > 0)
        return store_exec_filtered(c, sql, nparams, params, res, e);
    kept = store_text_keep(c, sql);
    return kept != NULL ? store_exec_prepared(c, kept, nparams, params, res, e)
                        : store_exec(c, sql, nparams, params, res, e);
}

static int count_rows(struct store_conn *c, const char *from,
                      const struct filter_sql *f, const char *const *params,
                      long long *total, struct err *e)
{
    PGresult *r = NULL;
    char *sql, *end;
    int rc;

    sql = sql_printf("SELECT count(*) FROM %s WHERE %s", from, f->where);
    if (sql == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = exec_list(c, sql, f, f->nparams, params, &r, e);
    free(sql);
    if (rc < 0)
        return rc;
    if (PQntuples(r) != 1 ||
        (*total = strtoll(PQgetvalue(r, 0, 0), &end, 10)) < 0 || *end != '\0')
        rc = err_set(e, ERR_INTERNAL, "bad row count");
    PQclear(r);
    return rc;
}

/* The statement of store_list_rows: on success *res holds the page's rows
 * (the caller PQclears it) and *total the count; on failure a negative
 * ERR_* code, *res NULL. */
static int list_exec(struct store_conn *c, const char *columns,
                     const char *from, const char *key,
                     const struct filter_sql *f, const char *order_by,
                     long long offset, long long limit, PGresult **res,
                     long long *total, struct err *e)
{
    char lim[STORE_INTBUF], off[STORE_INTBUF];
    const char **params = NULL;
    PGresult *r = NULL;
    char *sql = NULL, *end;
    int rc, n, i;

    *res = NULL;
    *total = 0;
    if (offset < 0 || limit < 0)
        return err_set(e, ERR_INVALID,
                       "offset and limit must not be "
                       "negative");
    /* a filter's values, plus a few of the caller's own conditions (the
     * scope of GetDHCPAddressPools) */
    if (f == NULL || f->where == NULL || f->nparams < 0 ||
        f->nparams > FILTER_MAX_PARAMS + 8)
        return err_set(e, ERR_INTERNAL, "list query without a filter");
    params = calloc((size_t)f->nparams + 2, sizeof(*params));
    if (params == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (i = 0; i < f->nparams; i++)
        params[i] = f->params[i];
    /* LIMIT NULL is LIMIT ALL */
    params[i] = limit > 0 ? store_param_int(lim, limit) : NULL;
    params[i + 1] = store_param_int(off, offset);
    /* The page's keys first, then its rows by key: PostgreSQL computes
     * the columns (some are subqueries) for the rows of the page only,
     * not for every row sorted or skipped by OFFSET; the count is a
     * subquery of its own, run once. */
    sql = sql_printf("SELECT %s, (SELECT count(*) FROM %s WHERE %s) "
                     "FROM %s WHERE %s IN (SELECT %s FROM %s WHERE %s %s "
                     "LIMIT $%d::bigint OFFSET $%d::bigint) %s",
                     columns, from, f->where, from, key, key, from, f->where,
                     order_by ? order_by : "", i + 1, i + 2,
                     order_by ? order_by : "");
    if (sql == NULL) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = exec_list(c, sql, f, f->nparams + 2, params, &r, e);
    if (rc != 0)
        goto out;
    n = PQntuples(r);
    if (n > 0) {
        int last = PQnfields(r) - 1;
        *total = strtoll(PQgetvalue(r, 0, last), &end, 10);
        if (*end != '\0' || *total < n) {
            rc = err_set(e, ERR_INTERNAL, "bad row count");
            goto out;
        }
    } else if (offset > 0) {
        /* past the end: the page has no row to carry the count */
        rc = count_rows(c, from, f, params, total, e);
        if (rc != 0)
            goto out;
    }
    *res = r;
    r = NULL;
out:
    PQclear(r);
    free(sql);
    free(params);
    return rc;
}

int store_list_rows(struct store_conn *c, const char *columns, const char *from,
                    const char *key, const struct filter_sql *f,
                    const char *order_by, long long offset, long long limit,
                    size_t elem, store_row_fn row_fn,
                    const struct store_more *more, void **out, size_t *count,
                    long long *total, struct err *e)
{
    PGresult *r = NULL;
    int rc;

    *out = NULL;
    *count = 0;
    rc = list_exec(c, columns, from, key, f, order_by, offset, limit, &r, total,
                   e);
    if (rc == 0)
        rc = store_rows_read(r, elem, row_fn, out, count, e);
    if (rc == 0 && more != NULL && (rc = more->fn(r, more->ctx, e)) != 0) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    PQclear(r);
    return rc;
}
