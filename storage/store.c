/* micetro-emu storage: the connection pool and the statement helpers. */
#include "store.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libpq-fe.h>

#include "store_int.h"

/* Used when the options leave connect_timeout_s at 0. */
#define DEFAULT_CONNECT_TIMEOUT_S 10
/* How much longer than statement_timeout a statement may take before the
 * client gives up: the server cancels a slow statement itself, so only a
 * server that stopped answering (frozen, unreachable) gets this far. */
#define ANSWER_MARGIN_MS 1000
/* How many times store_acquire drains an idle connection's socket while
 * looking for the end of a connection closed by the server. */
#define ALIVE_POLLS 8
/* How often store_acquire tries to connect again while the database
 * refuses connections, within acquire_timeout_ms. */
#define RECONNECT_MS 200

struct store {
    char *conninfo;
    int pool_size;
    int acquire_timeout_ms;
    int connect_timeout_s;
    int statement_timeout_ms;
    int filter_timeout_ms; /* 0: none shorter than statement_timeout_ms */
    int migrations_applied;
    int serving; /* store_open succeeded: failures reach clients */
    int down;    /* DOWN_* reported by note_down since the last
                    connection was made (mu) */
    struct store_health health; /* (mu) */
    int sync_init;              /* mu and cv are initialised */
    atomic_int noprepare;       /* the database lost a prepared statement (a
                                   pooler in transaction mode): prepare no more */
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a connection was released */
    struct store_conn *conns;
    /* statement texts made at run time, kept for store_exec_prepared
     * (store_text_keep; mu), with their hashes */
    char *texts[STORE_TEXTS_MAX];
    unsigned long long text_hash[STORE_TEXTS_MAX];
    int ntexts;
};

/* Milliseconds of CLOCK_MONOTONIC. */
static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long a statement may wait for the server (0: no limit). */
static int answer_ms(const struct store *st)
{
    long long ms = (long long)st->statement_timeout_ms + ANSWER_MARGIN_MS;

    if (st->statement_timeout_ms <= 0)
        return 0;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* How long a (re)connection may take, statement_timeout set included. */
static int connect_ms(const struct store *st)
{
    long long ms = (long long)st->connect_timeout_s * 1000;

    return ms > INT_MAX ? INT_MAX : (int)ms;
}

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

/* What a client may see of a libpq message: its first line, without the
 * "connection to server on socket "/path" failed: " (or "at "host" (addr),
 * port N failed: ") prefix, and with any other quoted path blanked out as
 * "...".  The full text goes to the operator instead (note_down). */
static void client_reason(char *dst, size_t len, const char *src)
{
    char line[256], out[256];
    const char *p, *q, *f;
    size_t n;

    if (src == NULL)
        src = "";
    n = strcspn(src, "\n");
    if (n >= sizeof(line))
        n = sizeof(line) - 1;
    memcpy(line, src, n);
    line[n] = '\0';
    p = line;
    if (strncmp(p, "connection to server ", 21) == 0) {
        /* the reason follows " failed: " after the quoted socket/host */
        q = strchr(p, '"');
        q = q != NULL ? strchr(q + 1, '"') : NULL;
        f = q != NULL ? strstr(q, " failed: ") : NULL;
        p = f != NULL ? f + 9 : "";
    }
    for (n = 0; *p != '\0' && n + 1 < sizeof(out); p++) {
        q = *p == '"' ? strchr(p + 1, '"') : NULL;
        if (q != NULL && memchr(p + 1, '/', (size_t)(q - p - 1)) != NULL &&
            n + 6 < sizeof(out)) {
            memcpy(out + n, "\"...\"", 5);
            n += 5;
            p = q;
            continue;
        }
        out[n++] = *p;
    }
    out[n] = '\0';
    one_line(dst, len, out);
    if (dst[0] == '\0' && len > 0)
        snprintf(dst, len, "%s", "no reason given");
}

/* Kinds of failure note_down reports, each once per outage. */
enum { DOWN_LOST = 1, DOWN_UNAVAILABLE = 2, DOWN_SILENT = 4 };

/* Reports a failure to the operator once per outage and kind (lost
 * connection, failed connection attempt, server not answering): one line
 * with the full text on stderr, where clients get a short message on every
 * request.  Nothing is logged while store_open runs: its caller prints the
 * error. */
static void note_down(struct store *st, int kind, const char *what,
                      const char *text)
{
    int first;

    if (!st->serving)
        return;
    pthread_mutex_lock(&st->mu);
    first = !(st->down & kind);
    st->down |= kind;
    snprintf(st->health.last_error, sizeof(st->health.last_error), "%s%s", what,
             text);
    if (st->health.state == STORE_OK) {
        st->health.state = STORE_DOWN;
        st->health.since = time(NULL);
    }
    pthread_mutex_unlock(&st->mu);
    if (first)
        fprintf(stderr, "micetro-emu: %s%s\n", what, text);
}

/* A connection was made: ends the outage reported by note_down. */
static void note_up(struct store *st)
{
    int was;

    if (!st->serving)
        return;
    pthread_mutex_lock(&st->mu);
    was = st->down;
    st->down = 0;
    if (st->health.state != STORE_OK && st->health.state != STORE_FAILED) {
        st->health.state = STORE_OK;
        st->health.since = time(NULL);
    }
    pthread_mutex_unlock(&st->mu);
    if (was)
        fprintf(stderr, "micetro-emu: database connection restored\n");
}

void store_health(struct store *st, struct store_health *h)
{
    pthread_mutex_lock(&st->mu);
    *h = st->health;
    pthread_mutex_unlock(&st->mu);
}

const char *store_state_name(enum store_state s)
{
    switch (s) {
    case STORE_OK:
        return "ok";
    case STORE_DOWN:
        return "down";
    case STORE_RESTARTING:
        return "restarting";
    default:
        return "failed";
    }
}

void store_health_note(struct store *st, enum store_state state,
                       const char *error)
{
    pthread_mutex_lock(&st->mu);
    if (error != NULL)
        snprintf(st->health.last_error, sizeof(st->health.last_error), "%s",
                 error);
    /* an outage that goes on keeps its start */
    if (state != STORE_OK && st->health.state != state &&
        st->health.state != STORE_FAILED) {
        if (st->health.state == STORE_OK)
            st->health.since = time(NULL);
        st->health.state = state;
    }
    pthread_mutex_unlock(&st->mu);
}

void store_health_restarted(struct store *st)
{
    pthread_mutex_lock(&st->mu);
    st->health.restarts++;
    if (st->health.state != STORE_FAILED) {
        st->health.state = STORE_OK;
        st->health.since = time(NULL);
    }
    pthread_mutex_unlock(&st->mu);
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

/* Marks c lost and fails with libpq's reason (r's message when it has
 * one): clients get its first line without paths, the operator the whole
 * text once per outage. */
static int conn_lost(struct store_conn *c, const PGresult *r, struct err *e)
{
    const char *m = "";
    char full[200], reason[160];

    c->lost = 1;
    if (r != NULL && PQresultErrorMessage(r)[0] != '\0')
        m = PQresultErrorMessage(r);
    else if (c->pg != NULL)
        m = PQerrorMessage(c->pg);
    one_line(full, sizeof(full), m);
    client_reason(reason, sizeof(reason), m[0] != '\0' ? m : "no reply");
    note_down(c->st, DOWN_LOST, "database connection lost: ",
              full[0] != '\0' ? full : "no reply");
    return err_set(e, ERR_DB, "database connection lost: %s", reason);
}

/* Maps a statement's result (NULL when libpq could not even send it) to
 * 0 or an ERR_* code; does not clear r. */
static int check_result(struct store_conn *c, const PGresult *r, struct err *e)
{
    const char *state, *primary, *cons;
    char msg[200];

    if (r == NULL || c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK)
        return conn_lost(c, r, e);
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
        note_down(c->st, DOWN_LOST, "database connection lost: ", msg);
        return err_set(e, ERR_DB, "database connection lost: %s", msg);
    }
    if (strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0)
        c->conflict = 1;
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
    char msg[160];

    c->sqlstate[0] = '\0';
    c->constraint[0] = '\0';
    if (c->pg == NULL)
        return err_set(e, ERR_DB, "database connection lost: %s",
                       c->lost ? "closed after an earlier failure"
                               : "not connected");
    if (c->lost || PQstatus(c->pg) != CONNECTION_OK) {
        c->lost = 1;
        client_reason(msg, sizeof(msg),
                      PQerrorMessage(c->pg)[0] != '\0'
                          ? PQerrorMessage(c->pg)
                          : "connection is broken");
        return err_set(e, ERR_DB, "database connection lost: %s", msg);
    }
    return 0;
}

/* Waits until fd is ready for events or the deadline (mono_ms; 0: none)
 * passes.  Returns 1 when ready (or in error: libpq tells which), 0 when
 * the deadline passed, -1 when poll failed. */
static int wait_socket(int fd, short events, long long deadline)
{
    struct pollfd pfd;
    long long left = -1;
    int rc;

    if (fd < 0)
        return -1;
    pfd.fd = fd;
    pfd.events = events;
    for (;;) {
        if (deadline > 0) {
            left = deadline - mono_ms();
            if (left <= 0)
                return 0;
        }
        pfd.revents = 0;
        rc = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (rc > 0)
            return 1;
        if (rc < 0 && errno != EINTR)
            return -1;
        /* timeout or EINTR: the deadline is checked again */
    }
}

/* Sends what is queued and reads until PQgetResult will not block.
 * Returns 0 then, 1 when the deadline passed, -1 when the connection
 * failed in a way PQgetResult cannot report.  Reads only after poll(2)
 * said there is something (or the socket became writable while output is
 * pending, so that a server blocked on its own output is drained): a
 * read straight after sending, or after the last result, would find
 * nothing. */
static int wait_ready(PGconn *pg, long long deadline)
{
    int flush, rc;

    for (;;) {
        flush = PQflush(pg);
        if (flush < 0)
            return PQstatus(pg) == CONNECTION_BAD ? 0 : -1;
        if (flush == 0 && !PQisBusy(pg))
            return 0;
        rc = wait_socket(PQsocket(pg), POLLIN | (flush > 0 ? POLLOUT : 0),
                         deadline);
        if (rc <= 0)
            return rc == 0 ? 1 : -1;
        if (!PQconsumeInput(pg))
            /* with the connection dropped, PQgetResult returns at once */
            return PQstatus(pg) == CONNECTION_BAD ? 0 : -1;
    }
}

static int result_failed(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);

    return s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK &&
           s != PGRES_EMPTY_QUERY;
}

/* How run() sends its statement. */
enum run_how {
    RUN_PARAMS,  /* sql with $n parameters (PQsendQueryParams) */
    RUN_SCRIPT,  /* sql as a script of several statements (PQsendQuery) */
    RUN_PREPARE, /* prepare sql as statement `name` (PQsendPrepare) */
    RUN_PREPARED /* execute the prepared statement `name` */
};

/* Queues sql as run() sends it (how, name); 0 when libpq could not. */
static int send_how(struct store_conn *c, const char *sql, int nparams,
                    const char *const *params, enum run_how how,
                    const char *name)
{
    switch (how) {
    case RUN_SCRIPT:
        return PQsendQuery(c->pg, sql);
    case RUN_PREPARE:
        return PQsendPrepare(c->pg, name, sql, nparams, NULL);
    case RUN_PREPARED:
        return PQsendQueryPrepared(c->pg, name, nparams, params, NULL, NULL, 0);
    default:
        return PQsendQueryParams(c->pg, sql, nparams, NULL, params, NULL, NULL,
                                 0);
    }
}

/* Gives up on a server that did not answer within wait_ms: the
 * connection is closed (c->pg NULL, c->lost set) and *late set. */
static int given_up(struct store_conn *c, int wait_ms, int *late, struct err *e)
{
    char msg[64];

    /* No PQcancel: it opens a new connection to the same server and waits
     * for its answer with no time limit, so it would hang just the same.
     * Closing the socket is enough: the server's own statement_timeout
     * ends the statement once it runs again. */
    PQfinish(c->pg);
    c->pg = NULL;
    c->lost = 1;
    *late = 1;
    snprintf(msg, sizeof(msg), "did not answer within %d ms", wait_ms);
    note_down(c->st, DOWN_SILENT, "database ", msg);
    return err_set(e, ERR_DB, "database %s", msg);
}

/* Sends sql (with $n parameters, or as a script of several statements, or
 * prepares it, or executes a prepared statement: how) on
 * the nonblocking connection and collects every result until libpq has
 * none left, so nothing of this statement stays on the connection.  Hands
 * over the first failed result, else the last one, in *res.  Waits at most
 * wait_ms (no limit when <= 0): a server that has not answered by then is
 * given up, the connection closed (c->pg NULL, c->lost set) and *late set.
 * Returns 0 (the result may still be an SQL error: check_result) or ERR_DB
 * when the connection failed or timed out. */
static int run(struct store_conn *c, const char *sql, int nparams,
               const char *const *params, enum run_how how, const char *name,
               int wait_ms, PGresult **res, int *late, struct err *e)
{
    long long deadline = wait_ms > 0 ? mono_ms() + wait_ms : 0;
    PGresult *keep = NULL, *r;
    ExecStatusType s;
    int rc;

    *res = NULL;
    *late = 0;
    if (!send_how(c, sql, nparams, params, how, name))
        return conn_lost(c, NULL, e);
    for (;;) {
        rc = wait_ready(c->pg, deadline);
        if (rc != 0)
            goto fail;
        r = PQgetResult(c->pg);
        if (r == NULL)
            break;
        if (keep != NULL && result_failed(keep)) {
            PQclear(r);
            continue;
        }
        PQclear(keep);
        keep = r;
        s = PQresultStatus(r);
        if (s == PGRES_COPY_IN || s == PGRES_COPY_OUT || s == PGRES_COPY_BOTH) {
            /* we never COPY: give the connection up rather than drain it */
            c->lost = 1;
            break;
        }
    }
    *res = keep;
    return 0;

fail:
    PQclear(keep);
    if (rc < 0)
        return conn_lost(c, NULL, e);
    return given_up(c, wait_ms, late, e);
}

/* A hash of a statement's text (FNV-1a). */
static unsigned long long text_hash(const char *sql)
{
    unsigned long long h = 1469598103934665603ULL;

    for (; *sql != '\0'; sql++)
        h = (h ^ (unsigned char)*sql) * 1099511628211ULL;
    return h;
}

/* The name of sql's prepared statement: a hash of the text, so that a
 * name always stands for the same text, on any connection. */
static void stmt_name(const char *sql, char *name, size_t len)
{
    snprintf(name, len, "mce_%016llx", text_hash(sql));
}

const char *store_text_keep(struct store_conn *c, const char *sql)
{
    struct store *st = c->st;
    unsigned long long h = text_hash(sql);
    const char *kept = NULL;
    int i;

    pthread_mutex_lock(&st->mu);
    for (i = 0; i < st->ntexts && kept == NULL; i++) {
        if (st->text_hash[i] == h && strcmp(st->texts[i], sql) == 0)
            kept = st->texts[i];
    }
    if (kept == NULL && st->ntexts < STORE_TEXTS_MAX &&
        (st->texts[st->ntexts] = strdup(sql)) != NULL) {
        st->text_hash[st->ntexts] = h;
        kept = st->texts[st->ntexts++];
    }
    pthread_mutex_unlock(&st->mu);
    return kept;
}

/* Whether sql is prepared on c. */
static int is_prepared(const struct store_conn *c, const char *sql)
{
    for (int i = 0; i < c->nprepared; i++) {
        if (c->prepared[i] == sql)
            return 1;
    }
    return 0;
}

/* Whether store_exec_prepared would run sql unprepared on c, now and
 * later (so a deferred check need not wait to be prepared). */
static int never_prepared(const struct store_conn *c)
{
    return c->noprepare || atomic_load(&c->st->noprepare) ||
           c->nprepared == STORE_PREPARED_MAX;
}

/* Ends the deferred check of c as failed with e: every later statement
 * fails so. */
static int deferred_fail(struct store_conn *c, const struct err *e)
{
    c->deferred.sql = NULL;
    c->deferred.failed = 1;
    c->deferred.err = *e;
    return e->code;
}

/* The pipeline of a deferred check d (or of any first statement in its
 * shape): sends the check (as prepared
 * statement cname, or with its text when cname is NULL) and the statement
 * (as run() does) with one sync, flushed together, then reads the
 * check's result into *chk and the statement's into *res (the first
 * failed result of each, else its last; PGRES_PIPELINE_ABORTED for a
 * statement skipped after a failed check) up to the sync.  Returns 0,
 * or ERR_DB when the connection failed or the server did not answer
 * within wait_ms (*late set, as run()). */
static int run_riding(struct store_conn *c, const char *cname,
                      const struct store_deferred *d, const char *sql,
                      int nparams, const char *const *params, enum run_how how,
                      const char *name, int wait_ms, PGresult **chk,
                      PGresult **res, int *late, struct err *e)
{
    long long deadline = wait_ms > 0 ? mono_ms() + wait_ms : 0;
    const PGresult *why;
    PGresult *r, **slot;
    ExecStatusType s;
    int rc = -1, ends = 0;

    *chk = NULL;
    *res = NULL;
    *late = 0;
    if (!PQenterPipelineMode(c->pg))
        return conn_lost(c, NULL, e);
    if (!(cname != NULL ? PQsendQueryPrepared(c->pg, cname, d->nparams,
                                              d->params, NULL, NULL, 0)
                        : PQsendQueryParams(c->pg, d->sql, d->nparams, NULL,
                                            d->params, NULL, NULL, 0)) ||
        !send_how(c, sql, nparams, params, how, name) || !PQpipelineSync(c->pg))
        goto out;
    for (;;) {
        rc = wait_ready(c->pg, deadline);
        if (rc != 0)
            break;
        r = PQgetResult(c->pg);
        if (r == NULL) {
            /* the end of the check's results, then of the statement's;
             * anything more means the connection is gone */
            if (++ends > 2 || PQstatus(c->pg) == CONNECTION_BAD) {
                rc = -1;
                break;
            }
            continue;
        }
        s = PQresultStatus(r);
        if (s == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        slot = ends == 0 ? chk : res;
        if (s == PGRES_COPY_IN || s == PGRES_COPY_OUT || s == PGRES_COPY_BOTH ||
            ends > 1) {
            /* we never COPY: give the connection up rather than drain it */
            PQclear(r);
            rc = -1;
            break;
        }
        if (*slot != NULL && result_failed(*slot)) {
            PQclear(r);
            continue;
        }
        PQclear(*slot);
        *slot = r;
    }
    if (rc == 0 && !PQexitPipelineMode(c->pg))
        rc = -1;
out:
    if (rc == 0)
        return 0;
    if (rc == 1)
        rc = given_up(c, wait_ms, late, e);
    else {
        /* libpq's reason, as run() reports it through check_result */
        why = *chk != NULL && result_failed(*chk)   ? *chk
              : *res != NULL && result_failed(*res) ? *res
                                                    : NULL;
        rc = conn_lost(c, why, e);
    }
    PQclear(*chk);
    PQclear(*res);
    *chk = NULL;
    *res = NULL;
    return rc;
}

static int exec_timed(struct store_conn *c, const char *sql, int nparams,
                      const char *const *params, enum run_how how,
                      const char *name, int wait_ms, PGresult **res, int *late,
                      struct err *e);

/* exec_timed of a statement that may ride with the deferred check of c
 * (checked prepared when cname is not NULL): one round trip.  The
 * check's outcome comes first and decides when it fails. */
static int exec_riding(struct store_conn *c, const char *cname, const char *sql,
                       int nparams, const char *const *params, enum run_how how,
                       const char *name, int wait_ms, PGresult **res, int *late,
                       struct err *e)
{
    struct store_deferred *d = &c->deferred;
    PGresult *chk = NULL, *r = NULL;
    int rc;

    rc = run_riding(c, cname, d, sql, nparams, params, how, name, wait_ms, &chk,
                    &r, late, e);
    if (rc != 0)
        return deferred_fail(c, e); /* the check failed with it */
    rc = check_result(c, chk, e);
    if (rc != 0 && cname != NULL && !c->lost && c->pg != NULL &&
        (strcmp(c->sqlstate, "26000") == 0 ||
         strcmp(c->sqlstate, "0A000") == 0)) {
        /* the check's prepared statement is gone (store_exec_prepared):
         * nothing ran, so both run again, alone and unprepared */
        c->noprepare = 1;
        if (strcmp(c->sqlstate, "26000") == 0)
            atomic_store(&c->st->noprepare, 1);
        PQclear(chk);
        PQclear(r);
        if ((rc = store_settle(c, e)) != 0)
            return rc;
        return exec_timed(c, sql, nparams, params, how, name, wait_ms, res,
                          late, e);
    }
    d->sql = NULL; /* ran: fn may run statements */
    if (rc == 0)
        rc = d->fn(c, chk, d, e);
    PQclear(chk);
    if (rc != 0) {
        PQclear(r);
        return deferred_fail(c, e);
    }
    if (exec_prepare(c, e) == 0) /* fn's statements leave no trace */
        rc = check_result(c, r, e);
    else
        rc = e->code;
    if (rc == 0 && res != NULL) {
        *res = r;
        return 0;
    }
    PQclear(r);
    return rc;
}

/* Whether sql (how) may ride with a deferred check: nothing it does may
 * outlive a check that fails, so a SELECT outside a transaction, or the
 * preparing of a statement; a script never (a pipeline has no simple
 * queries). */
static int may_ride(const struct store_conn *c, const char *sql,
                    enum run_how how)
{
    if (how == RUN_SCRIPT || PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return 0;
    return how == RUN_PREPARE || strncmp(sql, "SELECT ", 7) == 0;
}

/* store_exec with run()'s how and name, a time limit and *late. */
static int exec_timed(struct store_conn *c, const char *sql, int nparams,
                      const char *const *params, enum run_how how,
                      const char *name, int wait_ms, PGresult **res, int *late,
                      struct err *e)
{
    struct store_deferred *d = &c->deferred;
    char cname[32];
    PGresult *r = NULL;
    int rc, dummy;

    if (res != NULL)
        *res = NULL;
    if (late == NULL)
        late = &dummy;
    *late = 0;
    if (d->failed) {
        *e = d->err;
        return e->code;
    }
    rc = exec_prepare(c, e);
    if (rc != 0)
        return d->sql != NULL ? deferred_fail(c, e) : rc;
    if (d->sql != NULL) {
        if (may_ride(c, sql, how) && is_prepared(c, d->sql)) {
            stmt_name(d->sql, cname, sizeof(cname));
            return exec_riding(c, cname, sql, nparams, params, how, name,
                               wait_ms, res, late, e);
        }
        if (may_ride(c, sql, how) && never_prepared(c))
            return exec_riding(c, NULL, sql, nparams, params, how, name,
                               wait_ms, res, late, e);
        /* alone first (and prepared, for the next call) */
        if ((rc = store_settle(c, e)) != 0)
            return rc;
        if ((rc = exec_prepare(c, e)) != 0)
            return rc;
    }
    rc = run(c, sql, nparams, params, how, name, wait_ms, &r, late, e);
    if (rc != 0)
        return rc;
    rc = check_result(c, r, e);
    if (rc == 0 && res != NULL) {
        *res = r;
        return 0;
    }
    PQclear(r);
    return rc;
}

int store_exec(struct store_conn *c, const char *sql, int nparams,
               const char *const *params, PGresult **res, struct err *e)
{
    return exec_timed(c, sql, nparams, params, RUN_PARAMS, NULL,
                      answer_ms(c->st), res, NULL, e);
}

int store_exec_filtered(struct store_conn *c, const char *sql, int nparams,
                        const char *const *params, PGresult **res,
                        struct err *e)
{
    const struct store *st = c->st;
    struct store_deferred set;
    char ms[STORE_INTBUF];
    PGresult *s = NULL, *r = NULL;
    int rc, late;

    if (res != NULL)
        *res = NULL;
    if (st->filter_timeout_ms <= 0 ||
        (st->statement_timeout_ms > 0 &&
         st->filter_timeout_ms >= st->statement_timeout_ms))
        return store_exec(c, sql, nparams, params, res, e);
    if ((rc = store_settle(c, e)) != 0 || (rc = exec_prepare(c, e)) != 0)
        return rc;
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return store_exec(c, sql, nparams, params, res, e);
    /* the shorter limit, local to the implicit transaction that the
     * pipeline's statements share until its sync */
    memset(&set, 0, sizeof(set));
    set.sql = "SELECT set_config('statement_timeout', $1, true)";
    set.nparams = 1;
    set.params[0] = store_param_int(ms, st->filter_timeout_ms);
    rc = run_riding(c, NULL, &set, sql, nparams, params, RUN_PARAMS, NULL,
                    st->filter_timeout_ms + ANSWER_MARGIN_MS, &s, &r, &late, e);
    if (rc != 0)
        return rc;
    rc = check_result(c, s, e);
    if (rc == 0)
        rc = check_result(c, r, e);
    PQclear(s);
    if (rc == 0 && res != NULL) {
        *res = r;
        return 0;
    }
    PQclear(r);
    /* query_canceled: only statement_timeout cancels our statements */
    if (rc != 0 && strcmp(c->sqlstate, "57014") == 0)
        rc = err_set(e, ERR_INVALID,
                     "too costly: it ran over the %d ms a filtered list may "
                     "take; narrow it",
                     st->filter_timeout_ms);
    return rc;
}

int store_exec_prepared(struct store_conn *c, const char *sql, int nparams,
                        const char *const *params, PGresult **res,
                        struct err *e)
{
    char name[32];
    int i, rc;

    if (c->noprepare || atomic_load(&c->st->noprepare) || c->pg == NULL ||
        c->lost || PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return store_exec(c, sql, nparams, params, res, e);
    for (i = 0; i < c->nprepared && c->prepared[i] != sql; i++)
        ;
    stmt_name(sql, name, sizeof(name));
    if (i == c->nprepared) {
        if (i == STORE_PREPARED_MAX)
            return store_exec(c, sql, nparams, params, res, e);
        rc = exec_timed(c, sql, nparams, NULL, RUN_PREPARE, name,
                        answer_ms(c->st), NULL, NULL, e);
        if (rc != 0 && (c->lost || c->pg == NULL))
            return rc;
        if (rc != 0) {
            /* the name is taken on this server session (a pooler that
             * shares it): prepare nothing more here; any other failure
             * is the statement's own, reported as store_exec reports it */
            if (strcmp(c->sqlstate, "42P05") == 0)
                c->noprepare = 1;
            return store_exec(c, sql, nparams, params, res, e);
        }
        c->prepared[c->nprepared++] = sql;
    }
    rc = exec_timed(c, sql, nparams, params, RUN_PREPARED, name,
                    answer_ms(c->st), res, NULL, e);
    if (rc != 0 && !c->lost && c->pg != NULL &&
        (strcmp(c->sqlstate, "26000") == 0 ||
         strcmp(c->sqlstate, "0A000") == 0)) {
        /* The statement is gone (a pooler handed us another server
         * session: 26000) or its result type changed under it (0A000):
         * no more prepared statements here, and after 26000 nowhere.  It
         * failed without effect, so it runs again as a plain statement. */
        c->noprepare = 1;
        if (strcmp(c->sqlstate, "26000") == 0)
            atomic_store(&c->st->noprepare, 1);
        return store_exec(c, sql, nparams, params, res, e);
    }
    return rc;
}

int store_defer(struct store_conn *c, const char *sql, int nparams,
                const char *const *params, store_check_fn fn, char *out,
                size_t outlen, struct err *e)
{
    struct store_deferred *d = &c->deferred;

    if (nparams < 0 || nparams > STORE_DEFER_PARAMS)
        return err_set(e, ERR_INTERNAL, "deferred check: %d parameters",
                       nparams);
    for (int i = 0; i < nparams; i++) {
        if (params[i] == NULL || strlen(params[i]) >= sizeof(d->vals[i]))
            return err_set(e, ERR_INTERNAL,
                           "deferred check: parameter %d does not fit", i + 1);
    }
    memset(d, 0, sizeof(*d));
    for (int i = 0; i < nparams; i++) {
        memcpy(d->vals[i], params[i], strlen(params[i]) + 1);
        d->params[i] = d->vals[i];
    }
    d->nparams = nparams;
    d->fn = fn;
    d->out = out;
    d->outlen = outlen;
    d->sql = sql;
    return 0;
}

int store_settle(struct store_conn *c, struct err *e)
{
    struct store_deferred *d;
    PGresult *r = NULL;
    const char *sql;
    int rc;

    if (c == NULL)
        return 0;
    d = &c->deferred;
    if (d->failed) {
        *e = d->err;
        return e->code;
    }
    if (d->sql == NULL)
        return 0;
    sql = d->sql;
    d->sql = NULL; /* it runs now, alone */
    rc = store_exec_prepared(c, sql, d->nparams, d->params, &r, e);
    if (rc == 0)
        rc = d->fn(c, r, d, e);
    PQclear(r);
    return rc != 0 ? deferred_fail(c, e) : 0;
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

/* No time limit here: the migrations run with statement_timeout 0 (they
 * may take long), so the client must not give up on them either. */
int store_exec_script(struct store_conn *c, const char *sql, struct err *e)
{
    PGresult *r = NULL;
    int rc;

    rc = exec_timed(c, sql, 0, NULL, RUN_SCRIPT, NULL, 0, &r, NULL, e);
    if (rc != 0)
        return rc;
    rc = cmd_tuples(r);
    PQclear(r);
    return rc;
}

/* store_query_text, with the statement prepared or not. */
static int query_text(struct store_conn *c, const char *sql, int nparams,
                      const char *const *params, int prepared, char *out,
                      size_t outlen, struct err *e)
{
    PGresult *r = NULL;
    const char *v;
    size_t len;
    int rc;

    if (outlen > 0)
        out[0] = '\0';
    rc = prepared ? store_exec_prepared(c, sql, nparams, params, &r, e)
                  : store_exec(c, sql, nparams, params, &r, e);
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

int store_query_text(struct store_conn *c, const char *sql, int nparams,
                     const char *const *params, char *out, size_t outlen,
                     struct err *e)
{
    return query_text(c, sql, nparams, params, 0, out, outlen, e);
}

int store_query_text_prepared(struct store_conn *c, const char *sql,
                              int nparams, const char *const *params, char *out,
                              size_t outlen, struct err *e)
{
    return query_text(c, sql, nparams, params, 1, out, outlen, e);
}

/* Fails a connection attempt: "database unavailable: " and the short
 * reason for clients, the full text for the operator (once per outage);
 * store_open's caller is the operator and gets the full text. */
static int unavailable(struct store *st, const char *full, const char *reason,
                       struct err *e)
{
    if (!st->serving)
        return err_set(e, ERR_DB, "database unavailable: %s", full);
    note_down(st, DOWN_UNAVAILABLE, "database unavailable: ", full);
    return err_set(e, ERR_DB, "database unavailable: %s", reason);
}

/* (Re)connects c within connect_ms(st), statement_timeout included: the
 * connection is made with PQconnectStartParams/PQconnectPoll and poll(2),
 * since libpq's own connect_timeout counts whole seconds only in blocking
 * PQconnectdb.  Every connection gets the same settings; the caller's
 * conninfo comes first so that these override it.  The connection is left
 * nonblocking: every statement goes through run(). */
static int conn_open(struct store *st, struct store_conn *c, struct err *e)
{
    char stimeout[STORE_INTBUF], full[200], reason[200];
    const char *keys[] = {"dbname",           "application_name",
                          "client_encoding",  "keepalives",
                          "keepalives_idle",  "keepalives_interval",
                          "keepalives_count", NULL};
    const char *vals[] = {st->conninfo, "micetro-emu", "UTF8", "1",
                          "60",         "10",          "3",    NULL};
    PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
    const char *params[1];
    struct err le;
    long long deadline, left;
    int bound = connect_ms(st), late = 0, rc;
    PGconn *pg;

    if (c->pg != NULL)
        PQfinish(c->pg);
    c->pg = NULL;
    c->lost = 0;
    c->nprepared = 0;
    c->noprepare = 0;
    deadline = mono_ms() + bound;
    pg = PQconnectStartParams(keys, vals, 1);
    if (pg == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (PQstatus(pg) == CONNECTION_BAD)
        ps = PGRES_POLLING_FAILED;
    while (ps != PGRES_POLLING_OK && ps != PGRES_POLLING_FAILED) {
        rc = wait_socket(PQsocket(pg),
                         ps == PGRES_POLLING_READING ? POLLIN : POLLOUT,
                         deadline);
        if (rc == 0) {
            late = 1;
            break;
        }
        if (rc < 0) {
            snprintf(full, sizeof(full), "could not wait for the server: %s",
                     strerror(errno));
            PQfinish(pg);
            return unavailable(st, full, full, e);
        }
        ps = PQconnectPoll(pg);
    }
    if (ps != PGRES_POLLING_OK) {
        if (late) {
            snprintf(full, sizeof(full), "no answer within %d ms", bound);
            snprintf(reason, sizeof(reason), "%s", full);
        } else {
            one_line(full, sizeof(full), PQerrorMessage(pg));
            client_reason(reason, sizeof(reason), PQerrorMessage(pg));
        }
        PQfinish(pg);
        return unavailable(st, full, reason, e);
    }
    PQsetNoticeReceiver(pg, quiet_notice, NULL);
    if (PQsetnonblocking(pg, 1) != 0) {
        one_line(full, sizeof(full), PQerrorMessage(pg));
        PQfinish(pg);
        return unavailable(st, full, full, e);
    }
    c->pg = pg;

    /* what is left of the time limit, at least 1 ms */
    left = deadline - mono_ms();
    params[0] = store_param_int(stimeout, st->statement_timeout_ms);
    /* no JIT: it compiles for tens of ms what runs in one */
    rc = exec_timed(c,
                    "SELECT set_config('statement_timeout', $1, false), "
                    "set_config('jit', 'off', false)",
                    1, params, RUN_PARAMS, NULL, left < 1 ? 1 : (int)left, NULL,
                    &late, &le);
    if (rc != 0) {
        if (c->pg != NULL)
            PQfinish(c->pg);
        c->pg = NULL;
        c->lost = 0;
        if (late) {
            snprintf(full, sizeof(full), "no answer within %d ms", bound);
            return unavailable(st, full, full, e);
        }
        if (rc == ERR_DB && strncmp(le.msg, "database", 8) != 0)
            return err_set(e, ERR_DB, "database unavailable: %s", le.msg);
        return err_set(e, rc, "%s", le.msg);
    }
    note_up(st);
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

/* store_acquire; retry: connect again while the database refuses, until
 * acquire_timeout_ms have passed. */
static struct store_conn *acquire(struct store *st, int retry, struct err *e)
{
    struct store_conn *c = NULL;
    struct timespec deadline, nap = {0, RECONNECT_MS * 1000000L};
    int ms = st->acquire_timeout_ms > 0 ? st->acquire_timeout_ms : 0;
    long long end = mono_ms() + ms;
    int rc;

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
        if (pthread_cond_timedwait(&st->cv, &st->mu, &deadline) == ETIMEDOUT) {
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

    /* nothing deferred by an earlier call (store_release clears it too) */
    memset(&c->deferred, 0, sizeof(c->deferred));
    /* (re)connecting happens outside the lock: other threads go on; a
     * database that is down or restarting gets the rest of the time limit
     * to come back (only once serving: store_open fails at once) */
    if (!conn_alive(c)) {
        while ((rc = conn_open(st, c, e)) != 0) {
            if (rc != ERR_DB || !retry || !st->serving ||
                mono_ms() + RECONNECT_MS > end) {
                give_back(st, c);
                return NULL;
            }
            while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
                ;
            nap.tv_nsec = RECONNECT_MS * 1000000L;
        }
    }
    c->sqlstate[0] = '\0';
    c->constraint[0] = '\0';
    c->conflict = 0;
    return c;
}

struct store_conn *store_acquire(struct store *st, struct err *e)
{
    return acquire(st, 1, e);
}

int store_ping(struct store *st, struct err *e)
{
    struct store_conn *c = acquire(st, 0, e);
    int rc;

    if (c == NULL)
        return ERR_DB;
    rc = store_exec(c, "SELECT 1", 0, NULL, NULL, e);
    store_release(st, c);
    return rc;
}

void store_release(struct store *st, struct store_conn *c)
{
    if (c == NULL)
        return;
    if (st == NULL)
        st = c->st;
    memset(&c->deferred, 0, sizeof(c->deferred)); /* the call is over */
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
    int rc;

    c->conflict = 0;
    rc = store_exec_cmd(c, "BEGIN", 0, NULL, e);

    return rc < 0 ? rc : 0;
}

int store_begin_snapshot(struct store_conn *c, struct err *e)
{
    int rc;

    c->conflict = 0;
    rc = store_exec_cmd(c, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0, NULL, e);

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

int store_conflicted(const struct store_conn *c)
{
    return c != NULL && c->conflict;
}

void store_rollback(struct store_conn *c)
{
    PGresult *r = NULL;
    struct err e;
    int late;

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
    /* c->sqlstate and c->constraint stay those of the failure */
    if (run(c, "ROLLBACK", 0, NULL, RUN_PARAMS, NULL, answer_ms(c->st), &r,
            &late, &e) != 0)
        return; /* c->lost is set */
    if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK ||
        PQstatus(c->pg) != CONNECTION_OK ||
        PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        c->lost = 1;
    PQclear(r);
}

static void store_free(struct store *st)
{
    int i;

    if (st == NULL)
        return;
    if (st->sync_init) {
        pthread_cond_destroy(&st->cv);
        pthread_mutex_destroy(&st->mu);
    }
    if (st->conns != NULL) {
        for (i = 0; i < st->pool_size; i++)
            if (st->conns[i].pg != NULL)
                PQfinish(st->conns[i].pg);
        free(st->conns);
    }
    for (i = 0; i < st->ntexts; i++)
        free(st->texts[i]);
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
    st->statement_timeout_ms = opts->statement_timeout_ms > 0
                                   ? opts->statement_timeout_ms
                                   : 0;
    st->filter_timeout_ms = opts->filter_timeout_ms > 0
                                ? opts->filter_timeout_ms
                                : 0;
    st->conninfo = strdup(opts->conninfo);
    st->conns = calloc((size_t)st->pool_size, sizeof(*st->conns));
    if (st->conninfo == NULL || st->conns == NULL)
        goto nomem;
    for (i = 0; i < st->pool_size; i++)
        st->conns[i].st = st;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&st->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&st->mu, NULL);
    st->sync_init = 1;

    if (conn_open(st, &st->conns[0], e) != 0)
        goto fail;
    if (opts->prepare != NULL &&
        opts->prepare(&st->conns[0], &st->migrations_applied, e) != 0)
        goto fail;
    store_rollback(&st->conns[0]);
    st->health.state = STORE_OK;
    st->health.since = time(NULL);
    st->serving = 1;
    return st;

nomem:
    err_set(e, ERR_NOMEM, "out of memory");
fail:
    store_free(st);
    return NULL;
}

void store_close(struct store *st)
{
    store_free(st);
}

int store_migrations_applied(const struct store *st)
{
    return st != NULL ? st->migrations_applied : 0;
}

int store_copy_text(const PGresult *r, int row, int col, char *buf, size_t len,
                    struct err *e)
{
    const char *v = PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
    size_t n = strlen(v);

    if (n >= len)
        return err_set(e, ERR_INTERNAL, "column %s too long (%zu bytes)",
                       PQfname(r, col), n);
    memcpy(buf, v, n + 1);
    return 0;
}

int store_array_split(const char *lit, char *buf, size_t len, size_t *n,
                      struct err *e)
{
    const char *p = lit, *start;
    size_t o = 0;
    int depth = 0;

    *n = 0;
    if (*p != '{')
        goto bad;
    for (;;) {
        if (*p == '{') {
            depth++;
            if (*++p != '}')
                continue;
            p++; /* "{}": no element */
            depth--;
        } else {
            /* an element: quoted (backslash escapes) or bare; array_out
             * quotes "" and anything with a space, brace, comma, quote
             * or backslash, so a bare element is never empty, and bare
             * NULL is SQL NULL */
            start = p;
            if (*p == '"') {
                for (p++; *p != '"'; p++) {
                    if (*p == '\\')
                        p++;
                    if (*p == '\0' || o + 1 >= len)
                        goto bad;
                    buf[o++] = *p;
                }
                p++;
            } else {
                for (; *p != ',' && *p != '}' && *p != '\0'; p++) {
                    if (o + 1 >= len)
                        goto bad;
                    buf[o++] = *p;
                }
                if (p == start ||
                    (p - start == 4 && strncasecmp(start, "NULL", 4) == 0))
                    goto bad;
            }
            if (o >= len)
                goto bad;
            buf[o++] = '\0';
            (*n)++;
        }
        while (*p == '}' && depth > 0) {
            depth--;
            p++;
        }
        if (depth == 0)
            break;
        if (*p++ != ',')
            goto bad;
    }
    if (*p == '\0')
        return 0;
bad:
    *n = 0;
    return err_set(e, ERR_INTERNAL, "unexpected array value");
}

/* Runs an UPDATE of one row: 0, ERR_NOTFOUND (what) or the error. */
int store_update_one(struct store_conn *c, const char *sql, int n,
                     const char *const *params, const char *what, long long id,
                     struct err *e)
{
    int rc = store_exec_cmd(c, sql, n, params, e);

    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "%s %lld does not exist", what, id);
    return 0;
}

int store_id_exists(struct store_conn *c, const char *sql, long long id,
                    const char *what, struct err *e)
{
    char buf[STORE_INTBUF], v[8];
    const char *params[1];
    int rc;

    params[0] = store_param_int(buf, id);
    rc = store_query_text_prepared(c, sql, 1, params, v, sizeof(v), e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "%s %lld does not exist", what, id);
    return 0;
}

int store_insert_id(struct store_conn *c, const char *sql, int nparams,
                    const char *const *params, long long *id, struct err *e)
{
    char buf[STORE_INTBUF], *end;
    int rc;

    rc = store_query_text(c, sql, nparams, params, buf, sizeof(buf), e);
    if (rc < 0)
        return rc;
    *id = strtoll(buf, &end, 10);
    if (rc == 0 || *end != '\0' || *id < 1)
        return err_set(e, ERR_INTERNAL, "INSERT returned no id");
    return 0;
}

int store_query_one(struct store_conn *c, const char *sql, const char *param,
                    store_row_fn row_fn, void *dst,
                    const struct store_more *more, const char *msg,
                    struct err *e)
{
    PGresult *r = NULL;
    const char *params[1];
    int rc;

    params[0] = param;
    rc = store_exec_prepared(c, sql, 1, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0)
        rc = err_set(e, ERR_NOTFOUND, "%s", msg);
    else if ((rc = row_fn(r, 0, dst, e)) == 0 && more != NULL)
        rc = more->fn(r, more->ctx, e);
    PQclear(r);
    return rc;
}

int store_rows_read(const PGresult *r, size_t elem, store_row_fn row_fn,
                    void **out, size_t *count, struct err *e)
{
    unsigned char *list = NULL;
    int rc = 0, n, i;

    *out = NULL;
    *count = 0;
    n = PQntuples(r);
    if (n > 0 && (list = calloc((size_t)n, elem)) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        if ((rc = row_fn(r, i, list + (size_t)i * elem, e)) != 0) {
            free(list);
            return rc;
        }
    }
    *out = list;
    *count = (size_t)n;
    return 0;
}
