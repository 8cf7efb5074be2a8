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
    int conflict;        /* the transaction lost a deadlock or a
                            serialization conflict (SQLSTATE 40P01,
                            40001): kept until the next store_begin */
    /* statements prepared on pg by store_exec_prepared (reset whenever pg
     * is replaced): their SQL texts, constants compared by address */
    const char *prepared[STORE_PREPARED_MAX];
    int nprepared;
    int noprepare; /* a prepared statement went missing: none on pg */
    struct store_deferred deferred; /* store_defer's, until released */
};

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

/* store_exec for a statement that carries a caller's filter (a list's):
 * outside a transaction it runs under store_opts.filter_timeout_ms, set
 * for it alone (set_config(..., true) and the statement in one pipeline,
 * one implicit transaction: one round trip, and the setting ends with
 * it).  A deferred check runs alone first.  Over that time PostgreSQL
 * cancels it and the connection stays: ERR_INVALID "too costly: it ran
 * over the N ms a filtered list may take; narrow it".  Inside a
 * transaction, or without a shorter limit, it is store_exec. */
int store_exec_filtered(struct store_conn *c, const char *sql, int nparams,
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

/* Splits the text form of a PostgreSQL text array of any dimension, as
 * array_out writes it ("{}", "{a,\"b c\"}", "{{a,b},{c,d}}"), into its
 * elements in order: each unescaped and NUL-terminated, one after the
 * other in buf[len] (strlen(lit) + 1 bytes always suffice), *n of them.
 * ERR_INTERNAL for anything else, a NULL element included. */
int store_array_split(const char *lit, char *buf, size_t len, size_t *n,
                      struct err *e);

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
