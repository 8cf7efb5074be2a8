/* micetro-emu: the request journal (see control_journal.h). */
#include "control_journal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "control_args.h"
#include "control_json.h"
#include "log.h"
#include "store.h"
#include "store_journal.h"

/* Calls one INSERT writes at most, and bytes of their bodies (a batch
 * holds one call at least). */
#define BATCH_MAX 500
#define BATCH_BYTES (4u << 20)
/* The default page of GET /_emu/requests, and the most bytes of bodies
 * one answer carries: past them the rest is left for another page. */
#define DEFAULT_LIMIT 100
#define ANSWER_BYTES (64u << 20)
/* Bytes a call's copy costs besides its strings, for the queue's bound. */
#define RECORD_OVERHEAD 256
/* How long a worker waits for room in a full queue before the call is
 * dropped: the journal slows calls down rather than lose them while its
 * thread keeps up at all. */
#define ROOM_WAIT_MS 2000

/* One call, in one allocation. */
struct jrec {
    struct jrec *next;
    double wall_ms; /* Unix time in ms when its body was whole */
    double ms;
    int status;
    const char *op, *login, *fault, *peer; /* login, fault: NULL for none */
    const char *request, *response;        /* NULL for none */
    size_t request_len, response_len;
    size_t bytes; /* what it costs the queue */
    char data[];
};

struct control_journal {
    struct store *st;
    int size;   /* rows kept; 0: off */
    int bodies; /* --journal-bodies */
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* calls queued, or stopping */
    pthread_cond_t done_cv; /* a batch settled */
    struct jrec *head, *tail;
    size_t queued, queued_bytes;
    unsigned long long enqueued; /* calls queued since the start */
    unsigned long long settled;  /* of them written or dropped */
    unsigned long long dropped;  /* full queue or refused batch */
    int failing;                 /* the last batch failed (logged once) */
    int said_full;               /* a full queue was logged */
    int stopping;
    pthread_t t;
    int started;
};

/* ---- the queue ---- */

static double wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Copies n bytes of s (NULL: none) into the record's data at *at. */
static const char *put(char **at, const char *s, size_t n)
{
    char *d = *at;

    if (s == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    *at += n + 1;
    return d;
}

/* The time ms from now on CLOCK_MONOTONIC, for the condition variable. */
static void deadline_in(int ms, struct timespec *until)
{
    clock_gettime(CLOCK_MONOTONIC, until);
    until->tv_sec += ms / 1000;
    until->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until->tv_nsec >= 1000000000L) {
        until->tv_sec++;
        until->tv_nsec -= 1000000000L;
    }
}

/* 1 when r finds no room in the queue.  Under j->mu. */
static int full(const struct control_journal *j, const struct jrec *r)
{
    return j->queued >= JOURNAL_QUEUE_MAX ||
           j->queued_bytes + r->bytes > JOURNAL_QUEUE_BYTES;
}

static size_t len_of(const char *s)
{
    return s != NULL ? strlen(s) : 0;
}

void control_journal_note(void *user, const struct soaphttpd_soap_call *c)
{
    struct app *app = user;
    struct control_journal *j = app->journal;
    const char *resp = NULL;
    size_t resp_len = 0, total;
    struct jrec *r;
    char *at;

    if (j == NULL || j->size == 0)
        return;
    if (j->bodies) {
        resp = c->response;
        resp_len = c->response_len;
    }
    total = len_of(c->operation) + len_of(c->login) + len_of(c->fault) +
            len_of(c->peer) + c->request_len + resp_len + 6;
    r = malloc(sizeof(*r) + total);
    if (r != NULL) {
        at = r->data;
        r->next = NULL;
        r->ms = c->ms;
        r->wall_ms = wall_ms() - c->ms;
        r->status = c->status;
        r->op = put(&at, c->operation, len_of(c->operation));
        r->login = put(&at, c->login, len_of(c->login));
        r->fault = put(&at, c->fault, len_of(c->fault));
        r->peer = put(&at, c->peer, len_of(c->peer));
        r->request = put(&at, c->request, c->request_len);
        r->request_len = c->request_len;
        r->response = put(&at, resp, resp_len);
        r->response_len = resp_len;
        r->bytes = sizeof(*r) + total + RECORD_OVERHEAD;
    }
    pthread_mutex_lock(&j->mu);
    if (r != NULL && full(j, r) && c->may_wait && !j->stopping) {
        struct timespec until;
        deadline_in(ROOM_WAIT_MS, &until);
        while (full(j, r) && !j->stopping &&
               pthread_cond_timedwait(&j->done_cv, &j->mu, &until) == 0)
            ;
    }
    if (r == NULL || full(j, r)) {
        j->dropped++;
        if (!j->said_full)
            log_at(LOG_WARN,
                   "journal: the queue is full (%d calls or %u bytes) "
                   "for %d ms: calls are dropped and counted",
                   JOURNAL_QUEUE_MAX, JOURNAL_QUEUE_BYTES, ROOM_WAIT_MS);
        j->said_full = 1;
        pthread_mutex_unlock(&j->mu);
        free(r);
        return;
    }
    if (j->tail != NULL)
        j->tail->next = r;
    else
        j->head = r;
    j->tail = r;
    j->queued++;
    j->queued_bytes += r->bytes;
    j->enqueued++;
    pthread_cond_signal(&j->work_cv);
    pthread_mutex_unlock(&j->mu);
}

/* ---- the writer ---- */

/* s[0..n) as a JSON string: as it is when it is UTF-8 without NUL, else
 * with every byte that is not printable ASCII as '?'. */
static json_t *text(const char *s, size_t n)
{
    json_t *v = NULL;
    char *clean;

    if (memchr(s, '\0', n) == NULL)
        v = json_stringn(s, n);
    if (v != NULL || (clean = malloc(n + 1)) == NULL)
        return v;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        int keep = (ch >= 0x20 && ch < 0x7f) || ch == '\t' || ch == '\n' ||
                   ch == '\r';
        clean[i] = s[i];
        if (!keep)
            clean[i] = '?';
    }
    v = json_stringn(clean, n);
    free(clean);
    return v;
}

static json_t *text_or_null(const char *s)
{
    return s != NULL ? text(s, strlen(s)) : json_null();
}

/* "2026-01-02T03:04:05.678Z" of Unix time ms. */
static void rfc3339(double ms, char *buf, size_t size)
{
    time_t sec = (time_t)(ms / 1000.0);
    int milli = (int)(ms - (double)sec * 1000.0);
    struct tm tm;

    if (milli > 999)
        milli = 999;
    if (milli < 0)
        milli = 0;
    gmtime_r(&sec, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, milli);
}

/* The row of one call for store_journal_add; NULL when out of memory. */
static json_t *row_of(const struct control_journal *j, const struct jrec *r)
{
    char when[64];
    json_t *row;

    rfc3339(r->wall_ms, when, sizeof(when));
    row = json_pack("{s:s, s:o, s:o, s:f, s:o, s:i, s:o, s:o}", "t", when,
                    "operation", text_or_null(r->op), "login",
                    text_or_null(r->login), "ms",
                    (double)(long long)(r->ms * 1000.0 + 0.5) / 1000.0, "fault",
                    text_or_null(r->fault), "status", r->status, "peer",
                    text_or_null(r->peer), "arguments",
                    control_args_of(r->request, r->request_len));
    if (row == NULL || !j->bodies)
        return row;
    if (r->request != NULL) {
        size_t n = 0;
        char *masked = control_args_masked(r->request, r->request_len, &n);
        if (masked == NULL ||
            json_object_set_new(row, "request", text(masked, n)) != 0) {
            free(masked);
            json_decref(row);
            return NULL;
        }
        free(masked);
    }
    if (r->response != NULL &&
        json_object_set_new(row, "response",
                            text(r->response, r->response_len)) != 0) {
        json_decref(row);
        return NULL;
    }
    return row;
}

/* Writes the calls of batch (n of them) in one INSERT; 0, or -1 (said in
 * the log once until a batch is written again). */
static int write_batch(struct control_journal *j, const struct jrec *batch)
{
    json_t *rows = json_array();
    char *dump = NULL;
    struct store_conn *c = NULL;
    struct err e;
    int rc = -1;

    err_set(&e, ERR_NOMEM, "out of memory");
    for (const struct jrec *r = batch; rows != NULL && r != NULL; r = r->next) {
        if (json_array_append_new(rows, row_of(j, r)) != 0) {
            json_decref(rows);
            rows = NULL;
        }
    }
    if (rows != NULL)
        dump = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    if (dump != NULL && (c = store_acquire(j->st, &e)) != NULL) {
        rc = store_journal_add(c, dump, j->size, &e);
        store_release(j->st, c);
    }
    free(dump);
    if (rc != 0 && !j->failing)
        log_at(LOG_WARN, "journal: calls not written, counted as dropped: %s",
               e.msg);
    else if (rc == 0 && j->failing)
        log_msg("journal: written again");
    j->failing = rc != 0;
    return rc;
}

/* Frees every call queued; how many.  Under j->mu. */
static size_t drop_queue(struct control_journal *j)
{
    size_t n = 0;

    while (j->head != NULL) {
        struct jrec *next = j->head->next;
        free(j->head);
        j->head = next;
        n++;
    }
    j->tail = NULL;
    j->queued = 0;
    j->queued_bytes = 0;
    return n;
}

static void *writer_main(void *arg)
{
    struct control_journal *j = arg;

    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (j->head == NULL && !j->stopping)
            pthread_cond_wait(&j->work_cv, &j->mu);
        if (j->head == NULL)
            break;
        /* a batch off the queue's head */
        struct jrec *batch = j->head, *last = batch;
        size_t n = 1, bytes = batch->request_len + batch->response_len;
        while (last->next != NULL && n < BATCH_MAX &&
               bytes + last->next->request_len + last->next->response_len <=
                   BATCH_BYTES) {
            last = last->next;
            bytes += last->request_len + last->response_len;
            n++;
        }
        j->head = last->next;
        if (j->head == NULL)
            j->tail = NULL;
        last->next = NULL;
        for (const struct jrec *r = batch; r != NULL; r = r->next) {
            j->queued--;
            j->queued_bytes -= r->bytes;
        }
        pthread_cond_broadcast(&j->done_cv); /* room for waiting calls */
        pthread_mutex_unlock(&j->mu);
        int rc = write_batch(j, batch);
        while (batch != NULL) {
            struct jrec *next = batch->next;
            free(batch);
            batch = next;
        }
        pthread_mutex_lock(&j->mu);
        if (rc != 0)
            j->dropped += n;
        j->settled += n;
        if (rc != 0 && j->stopping) { /* no waiting out each batch */
            size_t left = drop_queue(j);
            j->dropped += left;
            j->settled += left;
        }
        pthread_cond_broadcast(&j->done_cv);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

struct control_journal *control_journal_new(int size, int bodies)
{
    struct control_journal *j = calloc(1, sizeof(*j));
    pthread_condattr_t ca;

    if (j == NULL)
        return NULL;
    j->size = size;
    j->bodies = bodies;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->work_cv, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    return j;
}

int control_journal_start(struct control_journal *j, struct store *st,
                          struct err *e)
{
    j->st = st;
    if (j->size > 0) {
        if (pthread_create(&j->t, NULL, writer_main, j) != 0)
            return err_set(e, ERR_SYS, "cannot start the journal's thread");
        j->started = 1;
    }
    return 0;
}

void control_journal_free(struct control_journal *j)
{
    if (j == NULL)
        return;
    pthread_mutex_lock(&j->mu);
    j->stopping = 1;
    pthread_cond_signal(&j->work_cv);
    pthread_mutex_unlock(&j->mu);
    if (j->started)
        pthread_join(j->t, NULL);
    drop_queue(j); /* none, unless the thread never started */
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->work_cv);
    pthread_cond_destroy(&j->done_cv);
    free(j);
}

int control_journal_flush(struct control_journal *j, int timeout_ms)
{
    struct timespec until;
    int rc = 0;

    if (j == NULL)
        return 0;
    deadline_in(timeout_ms, &until);
    pthread_mutex_lock(&j->mu);
    unsigned long long target = j->enqueued;
    while (j->settled < target && rc == 0) {
        if (pthread_cond_timedwait(&j->done_cv, &j->mu, &until) == ETIMEDOUT)
            rc = j->settled < target ? -1 : 0;
    }
    pthread_mutex_unlock(&j->mu);
    return rc;
}

/* ---- the control API ---- */

/* What GET /_emu/requests builds. */
struct listing {
    json_t *rows;
    size_t bytes; /* of bodies and arguments so far */
    int more;     /* rows left off past ANSWER_BYTES */
};

static int add_row(void *ctx, const struct store_journal_row *row,
                   struct err *e)
{
    struct listing *l = ctx;
    size_t bytes = strlen(row->arguments) + len_of(row->request) +
                   len_of(row->response) + RECORD_OVERHEAD;
    json_t *o;

    if (l->bytes > 0 && l->bytes + bytes > ANSWER_BYTES) {
        l->more = 1;
        return 1; /* stop here */
    }
    l->bytes += bytes;
    o = json_pack("{s:I, s:s, s:s, s:o, s:f, s:o, s:i, s:s, s:o*}", "id",
                  (json_int_t)row->id, "time", row->time, "operation",
                  row->operation, "login", text_or_null(row->login),
                  "durationMs", row->ms, "fault", text_or_null(row->fault),
                  "status", row->status, "peer", row->peer, "arguments",
                  json_loads(row->arguments, 0, NULL));
    if (o != NULL && row->request != NULL)
        json_object_set_new(o, "request", text_or_null(row->request));
    if (o != NULL && row->response != NULL)
        json_object_set_new(o, "response", text_or_null(row->response));
    if (o == NULL || json_array_append_new(l->rows, o) != 0)
        return err_set(e, ERR_NOMEM, "out of memory");
    return 0;
}

/* 1 when s is an RFC 3339 date and time ("2026-01-02T03:04:05Z",
 * fractions and an offset allowed): what PostgreSQL then reads. */
static int is_rfc3339(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    size_t i;

    for (i = 0; shape[i] != '\0'; i++) {
        char c = s[i];
        if (shape[i] == 'd'   ? c < '0' || c > '9'
            : shape[i] == 'T' ? c != 'T' && c != 't' && c != ' '
                              : c != shape[i])
            return 0;
    }
    if (s[i] == '.') {
        size_t d = ++i;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d || i - d > 9)
            return 0;
    }
    if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0')
        return 1;
    return (s[i] == '+' || s[i] == '-') && s[i + 1] >= '0' && s[i + 1] <= '9' &&
           s[i + 2] >= '0' && s[i + 2] <= '9' && s[i + 3] == ':' &&
           s[i + 4] >= '0' && s[i + 4] <= '9' && s[i + 5] >= '0' &&
           s[i + 5] <= '9' && s[i + 6] == '\0';
}

/* A whole number in 0..max of s, or -1. */
static long long whole(const char *s, long long max)
{
    long long v = 0;

    if (*s == '\0' || strlen(s) > 18)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v <= max ? v : -1;
}

/* The query of GET /_emu/requests into q (its strings in the buffers);
 * 0, or -1 with a filled with the 400. */
static int read_query(const char *target, struct store_journal_query *q,
                      char *op, size_t opsize, char *since, size_t sincesize,
                      struct soaphttpd_answer *a)
{
    char lim[24];
    int bad;
    const char *v;

    q->since_id = -1;
    q->since_time = NULL;
    q->operation = control_json_param(target, "operation", op, opsize, &bad);
    if (bad || (q->operation != NULL && q->operation[0] == '\0')) {
        control_json_error(a, 400,
                           "operation: an operation's name, at most "
                           "%zu bytes",
                           opsize - 1);
        return -1;
    }
    v = control_json_param(target, "since", since, sincesize, &bad);
    if (bad ||
        (v != NULL && whole(v, 999999999999999999LL) < 0 && !is_rfc3339(v))) {
        control_json_error(a, 400,
                           "since: a journal id (the rows after it) or an "
                           "RFC 3339 time such as 2026-01-02T03:04:05.678Z "
                           "(the rows from it on)");
        return -1;
    }
    if (v != NULL && whole(v, 999999999999999999LL) >= 0)
        q->since_id = whole(v, 999999999999999999LL);
    else
        q->since_time = v;
    v = control_json_param(target, "limit", lim, sizeof(lim), &bad);
    q->limit = DEFAULT_LIMIT;
    if (bad || v != NULL) {
        long long n = bad ? -1 : whole(v, STORE_JOURNAL_MAX_LIMIT);
        if (n < 1) {
            control_json_error(a, 400, "limit: a number from 1 to %d",
                               STORE_JOURNAL_MAX_LIMIT);
            return -1;
        }
        q->limit = (int)n;
    }
    return 0;
}

/* This process's queue written first: a call answered before is in. */
static int flushed(struct app *app, struct soaphttpd_answer *a)
{
    int ms = 2 * app->cfg->db_acquire_timeout_ms + 1000;

    if (control_journal_flush(app->journal, ms) == 0)
        return 1;
    control_json_error(a, 503,
                       "the journal's queue was not written within %d ms; "
                       "see the log",
                       ms);
    return 0;
}

static void list(struct app *app, const struct soaphttpd_request *rq,
                 struct soaphttpd_answer *a)
{
    char op[257], since[64];
    struct store_journal_query q;
    struct listing l = {0};
    struct store_conn *c;
    struct err e;
    int rc;

    if (read_query(rq->target, &q, op, sizeof(op), since, sizeof(since), a) ||
        !flushed(app, a))
        return;
    err_clear(&e);
    if ((l.rows = json_array()) == NULL) {
        control_json_error(a, 500, "out of memory");
        return;
    }
    c = store_acquire(app->store, &e);
    rc = c != NULL ? store_journal_list(c, &q, add_row, &l, &e) : e.code;
    if (c != NULL)
        store_release(app->store, c);
    if (rc < 0) {
        json_decref(l.rows);
        control_json_error(a,
                           rc == ERR_INVALID ? 400
                           : rc == ERR_DB    ? 503
                                             : 500,
                           "%s", e.msg);
        return;
    }
    pthread_mutex_lock(&app->journal->mu);
    unsigned long long dropped = app->journal->dropped;
    pthread_mutex_unlock(&app->journal->mu);
    json_t *j = json_pack("{s:o, s:I}", "requests", l.rows, "dropped",
                          (json_int_t)dropped);
    if (j != NULL && l.more)
        json_object_set_new(j, "more", json_true());
    control_json_answer(a, 200, j);
}

static void clear(struct app *app, struct soaphttpd_answer *a)
{
    struct store_conn *c;
    struct err e;
    int rc;

    if (!flushed(app, a))
        return;
    err_clear(&e);
    c = store_acquire(app->store, &e);
    rc = c != NULL ? store_journal_clear(c, &e) : e.code;
    if (c != NULL)
        store_release(app->store, c);
    if (rc < 0) {
        control_json_error(a, rc == ERR_DB ? 503 : 500, "%s", e.msg);
        return;
    }
    a->status = 204;
}

void control_journal_handle(struct app *app, const struct soaphttpd_request *rq,
                            const char *rest, struct soaphttpd_answer *a)
{
    (void)rest;
    if (strcmp(rq->method, "DELETE") == 0)
        clear(app, a);
    else
        list(app, rq, a);
}
