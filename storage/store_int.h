/* micetro-emu storage: internals shared by the storage modules.
 *
 * Not for server code: handlers see only store.h and the module headers
 * (auth.h, ...).  Every statement goes through store_exec() (or one of its
 * wrappers below), which maps failures to ERR_* codes in one place:
 *
 *   connection lost / broken   ERR_DB "database connection lost: ..."
 *   no answer in time          ERR_DB "database did not answer within N ms"
 *   23505 unique_violation     ERR_EXISTS
 *   23503 foreign_key_viol.    ERR_CONFLICT
 *   23502, 23514, 22xxx        ERR_INVALID (not null, check, bad data)
 *   anything else              ERR_DB with PostgreSQL's primary message
 *
 * The message is PostgreSQL's; callers that know better reword it, using
 * c->sqlstate and c->constraint to tell which rule was broken:
 *
 *     rc = store_exec_cmd(c, sql, 2, params, e);
 *     if (rc == ERR_EXISTS)
 *         return err_set(e, ERR_EXISTS, "user \"%s\" already exists", l);
 */
#ifndef MICETRO_STORE_INT_H
#define MICETRO_STORE_INT_H

#include <stddef.h>

#include <libpq-fe.h>

#include "store.h"

struct filter_sql;
struct store_prop_list;

/* Statements store_exec_prepared prepares per connection, at most. */
#define STORE_PREPARED_MAX 64
/* Statement texts made at run time a pool keeps, at most
 * (store_text_keep). */
#define STORE_TEXTS_MAX 64

/* Parameters of a deferred check (store_defer), and bytes of each. */
#define STORE_DEFER_PARAMS 2
#define STORE_DEFER_PARAM_BUF 64

struct store_deferred;

/* What a deferred check's result r means: 0, or a negative ERR_* with e
 * filled.  It may run statements on c (the check is no longer pending
 * then). */
typedef int (*store_check_fn)(struct store_conn *c, const PGresult *r,
                              const struct store_deferred *d, struct err *e);

/* A check that rides with the next statement of its connection (see
 * store_defer). */
struct store_deferred {
    const char *sql; /* the check, a constant; NULL: none pending */
    int nparams;
    char vals[STORE_DEFER_PARAMS][STORE_DEFER_PARAM_BUF];
    const char *params[STORE_DEFER_PARAMS]; /* into vals */
    store_check_fn fn;
    char *out; /* where fn copies what it reads, or NULL */
    size_t outlen;
    int failed;     /* it ran and failed: so does every statement after */
    struct err err; /* how */
};

struct store_conn {
    PGconn *pg;          /* nonblocking; NULL until connected (the pool
                            is lazy) and after a statement ran out of
                            time (it was closed then) */
    struct store *st;    /* the pool it belongs to */
    int busy;            /* handed out by store_acquire */
    int lost;            /* connection lost: reconnect at next acquire */
    char sqlstate[6];    /* SQLSTATE of the last failure, or "" */
    char constraint[64]; /* constraint named by the last failure, or "" */
    /* statements prepared on pg by store_exec_prepared (reset whenever pg
     * is replaced): their SQL texts, constants compared by address */
    const char *prepared[STORE_PREPARED_MAX];
    int nprepared;
    int noprepare; /* a prepared statement went missing: none on pg */
    struct store_deferred deferred; /* store_defer's, until released */
};

/* A session check in one SELECT: FROM STORE_SESSION_FROM WHERE
 * STORE_SESSION_LIVE finds session $1 (s) and its user (u) when the
 * session exists, has been used within $2 seconds and its user is still
 * enabled; STORE_SESSION_STALE (a boolean column) is true when its last
 * use should be written, which is then done by store_session_mark_used
 * (auth.c): only when it is older than a twentieth of the timeout (at most
 * 10 s), so that most checks are reads, with no commit to flush, and a
 * session expires at most that much early.  Further parameters from $3. */
#define STORE_SESSION_FROM "sessions s JOIN users u ON u.id = s.user_id"
#define STORE_SESSION_LIVE                                                     \
    "s.id = $1 AND u.enabled AND s.last_used > now() - "                       \
    "make_interval(secs => $2::double precision)"
#define STORE_SESSION_STALE                                                    \
    "s.last_used < now() - "                                                   \
    "make_interval(secs => least($2::double precision / 20, 10))"

/* Writes the last use of session sid (idle timeout idle_s) after a check
 * found it stale; a session ended meanwhile stays ended.  0 or ERR_*. */
int store_session_mark_used(struct store_conn *c, const char *sid, int idle_s,
                            struct err *e);

/* The message of a session that is not live, and the longest login (+1)
 * a session check accepts when its caller wants no copy of it. */
#define STORE_SESSION_INVALID "Invalid or expired session"
#define STORE_SESSION_LOGIN_BUF 256

/* Defers the check sql (a constant query without effects, run
 * prepared when it can be) with params[0..nparams) (copied; at most
 * STORE_DEFER_PARAMS of fewer than STORE_DEFER_PARAM_BUF bytes each) to
 * the next statement on c, and fn to when its result is in.  A SELECT
 * run outside a transaction, or the preparing of a statement, is sent
 * with the check in one pipeline (one round trip): the check's result is
 * read first and, when the check fails, decides; the statement's is then
 * discarded.  Any other statement (it might change something) waits for
 * the check, which runs alone first; so does store_settle.  A failed
 * check fails every later statement on c the same way, until
 * store_release.  0, or ERR_INTERNAL when the parameters do not fit. */
int store_defer(struct store_conn *c, const char *sql, int nparams,
                const char *const *params, store_check_fn fn, char *out,
                size_t outlen, struct err *e);

/* Buffer size for store_param_int (fits any long long). */
#define STORE_INTBUF 24

/* Number of elements of a parameter array. */
#define STORE_NPARAMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Runs one statement with $1..$n text parameters (NULL element = SQL NULL).
 * Gives up when the server has not answered within statement_timeout_ms +
 * 1000 ms (a frozen server never enforces statement_timeout): the
 * connection is then closed and replaced at the next acquire.  On success
 * returns 0 and, when res is not NULL, hands the result over in *res: the
 * caller clears it (PQclear) before returning.  When res is NULL the
 * result is cleared here.  On failure returns a negative ERR_* code
 * (mapping above), sets *res to NULL and fills e. */
int store_exec(struct store_conn *c, const char *sql, int nparams,
               const char *const *params, PGresult **res, struct err *e);

/* store_exec for a constant statement text (a string literal: it is
 * remembered by address) run often on the hot path.  Outside a
 * transaction the statement is prepared once per connection (PQprepare,
 * named after a hash of the text) and then only bound and executed, so
 * PostgreSQL parses and plans it once instead of every time; inside a
 * transaction, when the connection's table is full, or when the database
 * lost a prepared statement (a pooler in transaction mode), it runs as
 * store_exec does.  Results and errors are those of store_exec. */
int store_exec_prepared(struct store_conn *c, const char *sql, int nparams,
                        const char *const *params, PGresult **res,
                        struct err *e);

/* The address under which c's pool keeps a copy of sql, a statement text
 * made at run time (a list's), for as long as the pool lives: what
 * store_exec_prepared takes for a constant.  NULL when the pool keeps
 * STORE_TEXTS_MAX other texts already (or out of memory): sql then runs
 * unprepared.  So the same list, with other values and another page,
 * is parsed and planned once per connection. */
const char *store_text_keep(struct store_conn *c, const char *sql);

/* store_query_text through store_exec_prepared (sql a constant). */
int store_query_text_prepared(struct store_conn *c, const char *sql,
                              int nparams, const char *const *params, char *out,
                              size_t outlen, struct err *e);

/* Runs a statement for its effect; returns the number of rows it affected
 * (INSERT/UPDATE/DELETE, >= 0) or a negative ERR_* code. */
int store_exec_cmd(struct store_conn *c, const char *sql, int nparams,
                   const char *const *params, struct err *e);

/* Runs a query returning at most one row and copies its first column into
 * out (outlen bytes, NUL-terminated; SQL NULL gives "").  Returns 1 when
 * there was a row, 0 when there was none (out is then ""), or a negative
 * ERR_* code; a value that does not fit is ERR_INTERNAL. */
int store_query_text(struct store_conn *c, const char *sql, int nparams,
                     const char *const *params, char *out, size_t outlen,
                     struct err *e);

/* Runs a script of several statements without parameters (PQsendQuery).
 * Only for the migrations embedded at build time: everything else uses
 * store_exec.  Same result and error handling as store_exec_cmd, but no
 * time limit: migrations run with statement_timeout 0. */
int store_exec_script(struct store_conn *c, const char *sql, struct err *e);

/* Formats v into buf (STORE_INTBUF bytes) and returns buf, for use as a
 * parameter: params[1] = store_param_int(buf, idle_s); */
const char *store_param_int(char *buf, long long v);

/* Copies text column col of row into buf[len] ("" for NULL); ERR_INTERNAL
 * naming the column when it does not fit. */
int store_copy_text(const PGresult *r, int row, int col, char *buf, size_t len,
                    struct err *e);

/* One page of a list getter (implemented in list.c):
 *
 *     SELECT <columns>, (SELECT count(*) FROM <from> WHERE <f->where>)
 *     FROM <from> WHERE <key> IN (SELECT <key> FROM <from>
 *         WHERE <f->where> <order_by> LIMIT $n OFFSET $n+1) <order_by>
 *
 * (key: the unique expression of a row, the spec's tiebreak; so the
 * columns are computed for the page's rows only)
 * with f's values as $1..$k (f compiled with first_param 1, see
 * server/emu/listing.c) and order_by from filter_order_by() over the module's
 * store_list_spec, so no caller text is ever part of the SQL.  limit 0
 * means all rows; offset and limit must be >= 0.  On success *res holds
 * the rows (the caller reads columns 0.. of `columns` and PQclears it) and
 * *total the number of matching rows before paging: read from the last
 * column, or, when the page is empty past the end, by a second
 * SELECT count(*).  On failure returns a negative ERR_* code, *res NULL. */
int store_list_exec(struct store_conn *c, const char *columns, const char *from,
                    const char *key, const struct filter_sql *f,
                    const char *order_by, long long offset, long long limit,
                    PGresult **res, long long *total, struct err *e);

/* Splits the text form of a PostgreSQL text array of any dimension, as
 * array_out writes it ("{}", "{a,\"b c\"}", "{{a,b},{c,d}}"), into its
 * elements in order: each unescaped and NUL-terminated, one after the
 * other in buf[len] (strlen(lit) + 1 bytes always suffice), *n of them.
 * ERR_INTERNAL for anything else, a NULL element included. */
int store_array_split(const char *lit, char *buf, size_t len, size_t *n,
                      struct err *e);

/* The column of the custom properties an answer shows (read with
 * store_prop_list_read): for the object whose id is the SQL expression
 * id, of ObjectType type (SQL text: "3"), every definition of the type
 * by name, each with the object's value, else the default, else "", as a
 * text array {{name,value},...}; so an object and its properties are
 * one statement. */
#define STORE_PROP_SHOWN(type, id)                                             \
    "ARRAY(SELECT ARRAY[cpd.name, "                                            \
    "coalesce(cpv.value, cpd.default_value, '')] "                             \
    "FROM property_definitions cpd LEFT JOIN property_values cpv "             \
    "ON cpv.object_type = cpd.object_type AND cpv.object_id = " id " "         \
    "AND cpv.definition_id = cpd.id WHERE cpd.object_type = " type " "         \
    "ORDER BY cpd.name_key, cpd.id)"

/* Reads the STORE_PROP_SHOWN column col of every row of r into *out,
 * row by row, each item with the id in column id_col of its row (free
 * with store_prop_list_free).  Implemented in store_prop.c. */
int store_prop_list_read(const PGresult *r, int col, int id_col,
                         struct store_prop_list *out, struct err *e);

/* Reads row `row` of a module's columns into the element at dst. */
typedef int (*store_row_fn)(const PGresult *r, int row, void *dst,
                            struct err *e);

/* Reads every row of r through row_fn into a calloc'd array of *count
 * elements of elem bytes (NULL when 0) handed over in *out, which the
 * caller frees with free().  On failure *out is NULL, *count 0. */
int store_rows_read(const PGresult *r, size_t elem, store_row_fn row_fn,
                    void **out, size_t *count, struct err *e);

/* What the rows of a read carry after a module's columns (custom
 * properties, a range's scopes ...): fn reads it from every row of r into
 * ctx, and frees what it made when it fails. */
struct store_more {
    int (*fn)(const PGresult *r, void *ctx, struct err *e);
    void *ctx;
};

/* store_list_exec, then each row through row_fn into a calloc'd array of
 * *count elements of elem bytes (NULL when 0) handed over in *out, which
 * the caller frees with free(), then more (may be NULL).  On failure *out
 * is NULL, *count 0. */
int store_list_rows(struct store_conn *c, const char *columns, const char *from,
                    const char *key, const struct filter_sql *f,
                    const char *order_by, long long offset, long long limit,
                    size_t elem, store_row_fn row_fn,
                    const struct store_more *more, void **out, size_t *count,
                    long long *total, struct err *e);

/* Runs sql with the one parameter param for at most one row, read
 * through row_fn into dst, then more (may be NULL).  ERR_NOTFOUND with msg
 * when there is no row.  sql is a constant (store_exec_prepared). */
int store_query_one(struct store_conn *c, const char *sql, const char *param,
                    store_row_fn row_fn, void *dst,
                    const struct store_more *more, const char *msg,
                    struct err *e);

/* Runs sql, a constant query "SELECT 1 FROM <table> WHERE id = $1::bigint"
 * (store_exec_prepared): 0 when it returns a row, ERR_NOTFOUND "<what>
 * <id> does not exist" when not. */
int store_id_exists(struct store_conn *c, const char *sql, long long id,
                    const char *what, struct err *e);

/* Runs an "INSERT ... RETURNING id" and sets *id.  Returns 0 or the
 * negative ERR_* code of store_query_text (ERR_EXISTS for a unique
 * violation, for the caller to reword); ERR_INTERNAL when no id came
 * back. */
int store_insert_id(struct store_conn *c, const char *sql, int nparams,
                    const char *const *params, long long *id, struct err *e);

/* Runs an UPDATE of one row: 0, ERR_NOTFOUND "<what> <id> does not exist"
 * when it changed none, or the error of store_exec_cmd. */
int store_update_one(struct store_conn *c, const char *sql, int n,
                     const char *const *params, const char *what, long long id,
                     struct err *e);

#endif
