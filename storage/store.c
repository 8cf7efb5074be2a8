/* micetro-emu storage: the connection pool and the statement helpers. */
#include "store.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "migrate.h"
#include "store_int.h"

/* Used when the options leave connect_timeout_s at 0. */
#define DEFAULT_CONNECT_TIMEOUT_S 10
/* How many times store_acquire drains an idle connection's socket while
 * looking for the end of a connection closed by the server. */
#define ALIVE_POLLS 8

struct store {
    char *conninfo;
    int pool_size;
    int acquire_timeout_ms;
    int connect_timeout_s;
    int statement_timeout_ms;
    int migrations_applied;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a connection was released */
    struct store_conn *conns;
};

/* Copies a libpq message into dst on one line: runs of newlines and tabs
 * become one space, trailing blanks go. */
static void one_line(char *dst, size_t len, const char *src)
{
    size_t n = 0;
    int blank = 0;

    if (len == 0)
        return;
    if (src == NULL)
        src = "";
    for (; *src != '\0' && n + 1 < len; src++) {
        if (*src == '\n' || *src == '\t' || *src == '\r' || *src == ' ') {
            blank = n > 0;
            continue;
        }
        if (blank && n + 2 < len)
            dst[n++] = ' ';
        blank = 0;
        dst[n++] = *src;
    }
    dst[n] = '\0';
}

/* Notices (and FATAL messages that arrive while idle) are not printed on
 * stderr: a daemon reports errors through its own channels. */
static void quiet_notice(void *arg, const PGresult *res)
{
    (void)arg;
    (void)res;
}

const char *store_param_int(char *buf, long long v)
{
    snprintf(buf, STORE_INTBUF, "%lld", v);
    return buf;
}

/* Error classes that mean the session is gone even when libpq has not
 * noticed yet: connection exceptions and operator intervention. */
static int sqlstate_lost(const char *s)
{
    return strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 ||
           strcmp(s, "57P02") == 0 || strcmp(s, "57P03") == 0;
}

/* Maps a statement's result (NULL when libpq could not even send it) to
 * 0 or an ERR_* code; does not clear r. */
static int check_result(struct store_conn *c, const PGresult *r,
                        struct err *e)
{
    const char *state, *primary, *cons;
    char msg[200];

    if (r == NULL || PQstatus(c->pg) != CONNECTION_OK) {
        c->lost = 1;
        one_line(msg, sizeof(msg),
                 r != NULL && PQresultErrorMessage(r)[0] != '\0'
                     ? PQresultErrorMessage(r)
                     : PQerrorMessage(c->pg));
        return err_set(e, ERR_DB, "database connection lost: %s",
                       msg[0] != '\0' ? msg : "no reply");
    }
    switch (PQresultStatus(r)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
        return 0;
    case PGRES_FATAL_ERROR:
    case PGRES_NONFATAL_ERROR:
        break;
    default:
        return err_set(e, ERR_INTERNAL, "unexpected statement result: %s",
                       PQresStatus(PQresultStatus(r)));
    }

    state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    cons = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
    if (state == NULL)
        state = "";
    snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state);
    snprintf(c->constraint, sizeof(c->constraint), "%s",
             cons != NULL ? cons : "");
    one_line(msg, sizeof(msg),
             primary != NULL ? primary : PQresultErrorMessage(r));

    if (sqlstate_lost(state)) {
        c->lost = 1;
        return err_set(e, ERR_DB, "database connection lost: %s", msg);
    }
    if (strcmp(state, "23505") == 0)
        return err_set(e, ERR_EXISTS, "%s", msg);
    if (strcmp(state, "23503") == 0)
        return err_set(e, ERR_CONFLICT, "%s", msg);
    if (strcmp(state, "23502") == 0 || strcmp(state, "23514") == 0 ||
        strncmp(state, "22", 2) == 0)
        return err_set(e, ERR_INVALID, "%s", msg);
    return err_set(e, ERR_DB, "%s", msg);
}

/* Clears the last failure and refuses a connection known to be broken. */
static int exec_prepare(struct store_conn *c, struct err *e)
{
    char msg[200];

    c->sqlstate[0] = '\0';
    c->constraint[0] = '\0';
    if (c->pg == NULL)
        return err_set(e, ERR_DB, "database connection lost: not connected");
    if (c->lost || PQstatus(c->pg) != CONNECTION_OK) {
        c->lost = 1;
        one_line(msg, sizeof(msg), PQerrorMessage(c->pg));
        return err_set(e, ERR_DB, "database connection lost: %s",
                       msg[0] != '\0' ? msg : "connection is broken");
    }
    return 0;
}

int store_exec(struct store_conn *c, const char *sql, int nparams,
               const char *const *params, PGresult **res, struct err *e)
{
    PGresult *r;
    int rc;

    if (res != NULL)
        *res = NULL;
    rc = exec_prepare(c, e);
    if (rc != 0)
        return rc;
    r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    rc = check_result(c, r, e);
    if (rc == 0 && res != NULL) {
        *res = r;
        return 0;
    }
    PQclear(r);
    return rc;
}

/* Rows affected by a finished command ("" for those that count none). */
static int cmd_tuples(PGresult *r)
{
    const char *s = PQcmdTuples(r);
    long n = strtol(s, NULL, 10);

    return n < 0 ? 0 : n > 0x7fffffffL ? 0x7fffffff : (int)n;
}

int store_exec_cmd(struct store_conn *c, const char *sql, int nparams,
                   const char *const *params, struct err *e)
{
    PGresult *r = NULL;
    int rc;

    rc = store_exec(c, sql, nparams, params, &r, e);
    if (rc != 0)
        return rc;
    rc = cmd_tuples(r);
    PQclear(r);
    return rc;
}

int store_exec_script(struct store_conn *c, const char *sql, struct err *e)
{
    PGresult *r;
    int rc;

    rc = exec_prepare(c, e);
    if (rc != 0)
        return rc;
    r = PQexec(c->pg, sql);
    rc = check_result(c, r, e);
    if (rc == 0)
        rc = cmd_tuples(r);
    PQclear(r);
    return rc;
}

int store_query_text(struct store_conn *c, const char *sql, int nparams,
                     const char *const *params, char *out, size_t outlen,
                     struct err *e)
{
    PGresult *r = NULL;
    const char *v;
    size_t len;
    int rc;

    if (outlen > 0)
        out[0] = '\0';
    rc = store_exec(c, sql, nparams, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0) {
        rc = 0;
        goto out;
    }
    if (PQnfields(r) < 1) {
        rc = err_set(e, ERR_INTERNAL, "query returned no column");
        goto out;
    }
    v = PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0);
    len = strlen(v);
    if (len >= outlen) {
        rc = err_set(e, ERR_INTERNAL,
                     "value of column \"%s\" too long (%zu bytes)",
                     PQfname(r, 0), len);
        goto out;
    }
    memcpy(out, v, len + 1);
    rc = 1;
out:
    PQclear(r);
    return rc;
}

/* (Re)connects c.  Every connection gets the same settings; the caller's
 * conninfo comes first so that these override it. */
static int conn_open(struct store *st, struct store_conn *c, struct err *e)
{
    char ctimeout[STORE_INTBUF], stimeout[STORE_INTBUF], msg[200];
    const char *keys[] = {"dbname",          "connect_timeout",
                          "application_name", "client_encoding",
                          "keepalives",       "keepalives_idle",
                          "keepalives_interval", "keepalives_count",
                          NULL};
    const char *vals[] = {st->conninfo, ctimeout, "micetro-emu", "UTF8",
                          "1",          "60",     "10",          "3",
                          NULL};
    const char *params[1];
    PGconn *pg;
    int rc;

    if (c->pg != NULL)
        PQfinish(c->pg);
    c->pg = NULL;
    c->lost = 0;
    store_param_int(ctimeout, st->connect_timeout_s);
    pg = PQconnectdbParams(keys, vals, 1);
    if (pg == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (PQstatus(pg) != CONNECTION_OK) {
        one_line(msg, sizeof(msg), PQerrorMessage(pg));
        PQfinish(pg);
        return err_set(e, ERR_DB, "database unavailable: %s", msg);
    }
    PQsetNoticeReceiver(pg, quiet_notice, NULL);
    c->pg = pg;

    params[0] = store_param_int(stimeout, st->statement_timeout_ms);
    rc = store_exec(c, "SELECT set_config('statement_timeout', $1, false)",
                    1, params, NULL, e);
    if (rc != 0) {
        PQfinish(c->pg);
        c->pg = NULL;
        c->lost = 0;
        if (e != NULL && rc == ERR_DB &&
            strncmp(e->msg, "database", 8) != 0) {
            char first[sizeof(e->msg)];

            memcpy(first, e->msg, sizeof(first));
            err_set(e, ERR_DB, "database unavailable: %s", first);
        }
        return rc;
    }
    return 0;
}

/* Whether an idle connection still works, without a round trip: a server
 * that went away has left an error message and/or end of file on the
 * socket, which PQconsumeInput turns into CONNECTION_BAD. */
static int conn_alive(struct store_conn *c)
{
    struct pollfd pfd;
    PGnotify *n;
    int i, rc;

    if (c->pg == NULL || c->lost || PQstatus(c->pg) != CONNECTION_OK ||
        PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return 0;
    for (i = 0; i < ALIVE_POLLS; i++) {
        pfd.fd = PQsocket(c->pg);
        if (pfd.fd < 0)
            return 0;
        pfd.events = POLLIN;
        pfd.revents = 0;
        do
            rc = poll(&pfd, 1, 0);
        while (rc < 0 && errno == EINTR);
        if (rc < 0)
            return 0;
        if (rc == 0)
            return 1;
        if (!PQconsumeInput(c->pg) || PQstatus(c->pg) != CONNECTION_OK)
            return 0;
        /* pool connections do not LISTEN: drop anything that came */
        while ((n = PQnotifies(c->pg)) != NULL)
            PQfreemem(n);
    }
    return 1;
}

/* A free slot, preferring connected ones; NULL when all are busy. */
static struct store_conn *pick_free(struct store *st)
{
    struct store_conn *spare = NULL;
    int i;

    for (i = 0; i < st->pool_size; i++) {
        struct store_conn *c = &st->conns[i];

        if (c->busy)
            continue;
        if (c->pg != NULL && !c->lost)
            return c;
        if (spare == NULL)
            spare = c;
    }
    return spare;
}

static void give_back(struct store *st, struct store_conn *c)
{
    pthread_mutex_lock(&st->mu);
    c->busy = 0;
    pthread_cond_signal(&st->cv);
    pthread_mutex_unlock(&st->mu);
}

struct store_conn *store_acquire(struct store *st, struct err *e)
{
    struct store_conn *c = NULL;
    struct timespec deadline;
    int ms = st->acquire_timeout_ms > 0 ? st->acquire_timeout_ms : 0;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&st->mu);
    for (;;) {
        c = pick_free(st);
        if (c != NULL)
            break;
        if (pthread_cond_timedwait(&st->cv, &st->mu, &deadline) ==
            ETIMEDOUT) {
            c = pick_free(st);
            break;
        }
    }
    if (c != NULL)
        c->busy = 1;
    pthread_mutex_unlock(&st->mu);
    if (c == NULL) {
        err_set(e, ERR_DB, "no database connection free within %d ms", ms);
        return NULL;
    }

    /* (re)connecting happens outside the lock: other threads go on */
    if (!conn_alive(c) && conn_open(st, c, e) != 0) {
        give_back(st, c);
        return NULL;
    }
    c->sqlstate[0] = '\0';
    c->constraint[0] = '\0';
    return c;
}

void store_release(struct store *st, struct store_conn *c)
{
    if (c == NULL)
        return;
    if (st == NULL)
        st = c->st;
    if (c->pg != NULL && !c->lost && PQstatus(c->pg) == CONNECTION_OK) {
        switch (PQtransactionStatus(c->pg)) {
        case PQTRANS_IDLE:
            break;
        case PQTRANS_INTRANS:
        case PQTRANS_INERROR:
            store_rollback(c);
            break;
        default: /* a statement still running, or unknown: start over */
            c->lost = 1;
            break;
        }
    }
    give_back(st, c);
}

int store_begin(struct store_conn *c, struct err *e)
{
    int rc = store_exec_cmd(c, "BEGIN", 0, NULL, e);

    return rc < 0 ? rc : 0;
}

int store_commit(struct store_conn *c, struct err *e)
{
    PGresult *r = NULL;
    int rc;

    rc = store_exec(c, "COMMIT", 0, NULL, &r, e);
    if (rc != 0)
        return rc;
    /* COMMIT of a failed transaction "succeeds" as a ROLLBACK */
    if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
        rc = err_set(e, ERR_INTERNAL,
                     "transaction had failed and was rolled back");
    PQclear(r);
    return rc;
}

void store_rollback(struct store_conn *c)
{
    PGresult *r;

    if (c == NULL || c->pg == NULL || c->lost ||
        PQstatus(c->pg) != CONNECTION_OK)
        return;
    switch (PQtransactionStatus(c->pg)) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
        break;
    default:
        return;
    }
    r = PQexecParams(c->pg, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0);
    if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK ||
        PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        c->lost = 1;
    PQclear(r);
}

static void store_free(struct store *st)
{
    int i;

    if (st == NULL)
        return;
    if (st->conns != NULL) {
        for (i = 0; i < st->pool_size; i++)
            if (st->conns[i].pg != NULL)
                PQfinish(st->conns[i].pg);
        free(st->conns);
    }
    free(st->conninfo);
    free(st);
}

struct store *store_open(const struct store_opts *opts, struct err *e)
{
    struct store *st = NULL;
    pthread_condattr_t ca;
    int i;

    if (opts == NULL || opts->conninfo == NULL) {
        err_set(e, ERR_INVALID, "no database connection string");
        return NULL;
    }
    if (opts->pool_size < 1 || opts->pool_size > 10000) {
        err_set(e, ERR_INVALID, "invalid pool size %d", opts->pool_size);
        return NULL;
    }
    st = calloc(1, sizeof(*st));
    if (st == NULL)
        goto nomem;
    st->pool_size = opts->pool_size;
    st->acquire_timeout_ms = opts->acquire_timeout_ms;
    st->connect_timeout_s = opts->connect_timeout_s > 0
                                ? opts->connect_timeout_s
                                : DEFAULT_CONNECT_TIMEOUT_S;
    st->statement_timeout_ms =
        opts->statement_timeout_ms > 0 ? opts->statement_timeout_ms : 0;
    st->conninfo = strdup(opts->conninfo);
    st->conns = calloc((size_t)st->pool_size, sizeof(*st->conns));
    if (st->conninfo == NULL || st->conns == NULL)
        goto nomem;
    for (i = 0; i < st->pool_size; i++)
        st->conns[i].st = st;

    if (conn_open(st, &st->conns[0], e) != 0)
        goto fail;
    if (store_migrate(&st->conns[0], &st->migrations_applied, e) != 0)
        goto fail;
    store_rollback(&st->conns[0]);

    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&st->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&st->mu, NULL);
    return st;

nomem:
    err_set(e, ERR_NOMEM, "out of memory");
fail:
    store_free(st);
    return NULL;
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    pthread_cond_destroy(&st->cv);
    pthread_mutex_destroy(&st->mu);
    store_free(st);
}

int store_migrations_applied(const struct store *st)
{
    return st != NULL ? st->migrations_applied : 0;
}
