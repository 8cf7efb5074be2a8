/* micetro-emu: the control API under /_emu/ (see control.h). */
#include "control.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "call.h"
#include "mutate.h"
#include "httpreq.h"
#include "store.h"
#include "store_reset.h"

#define JSON_TYPE "application/json"
#define PREFIX "/_emu/"

int control_match(const char *target)
{
    return strncmp(target, PREFIX, sizeof(PREFIX) - 1) == 0 ||
           strcmp(target, "/_emu") == 0;
}

/* The answer: status and the JSON value j (taken over; NULL: out of
 * memory). */
static void answer_json(struct soaphttpd_answer *a, int status, json_t *j)
{
    char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

    json_decref(j);
    a->content_type = JSON_TYPE;
    if (text == NULL) {
        a->status = 500;
        a->body = strdup("{\"error\":\"out of memory\"}");
        a->len = a->body != NULL ? strlen(a->body) : 0;
        return;
    }
    a->status = status;
    a->body = text;
    a->len = strlen(text);
}

static void answer_error(struct soaphttpd_answer *a, int status,
                         const char *msg)
{
    answer_json(a, status, json_pack("{s:s}", "error", msg));
}

size_t control_error_body(char *buf, size_t size, const char *msg)
{
    json_t *j = json_pack("{s:s}", "error", msg);
    size_t n = j != NULL ? json_dumpb(j, buf, size, JSON_COMPACT) : 0;

    json_decref(j);
    if (n == 0 || n > size) { /* cannot happen with our messages */
        static const char fallback[] = "{\"error\":\"error\"}";
        n = sizeof(fallback) - 1 < size ? sizeof(fallback) - 1 : 0;
        memcpy(buf, fallback, n);
    }
    return n;
}

/* 1 when the client may use the control API: with a token configured,
 * the one that sends it; without, any client on loopback.  Else a is
 * filled with the refusal. */
static int allowed(const struct app *app, const struct soaphttpd_request *rq,
                   struct soaphttpd_answer *a)
{
    const char *token = app->cfg->control_token;

    if (token[0] == '\0') {
        if (httpreq_loopback(rq->peer))
            return 1;
        answer_error(a, 403,
                     "the control API is open on loopback only; beyond it "
                     "start the emulator with --control-token");
        return 0;
    }
    if (httpreq_bearer_ok(rq->authorization, token))
        return 1;
    answer_error(a, 401,
                 "the control API needs \"Authorization: Bearer\" with the "
                 "control token");
    return 0;
}

/* The database part of the health, and 1 when a Login would succeed. */
static json_t *database_health(struct app *app, int *ok, char *why, size_t size)
{
    struct store_health h;
    struct err e;

    err_clear(&e);
    *ok = store_ping(app->store, &e) == 0;
    store_health(app->store, &h);
    if (!*ok)
        snprintf(why, size, "database %s: %s", store_state_name(h.state),
                 e.msg[0] ? e.msg : h.last_error);
    return json_pack("{s:s, s:b, s:i, s:s}", "state",
                     store_state_name(*ok ? STORE_OK : h.state), "embedded",
                     app->cfg->db == NULL, "restarts", h.restarts, "lastError",
                     h.last_error);
}

/* GET /_emu/health: 200 only when a Login would succeed, else 503 with
 * the reason. */
static void health(struct app *app, struct soaphttpd_answer *a)
{
    char why[512] = "";
    int ok;
    json_t *db = database_health(app, &ok, why, sizeof(why));
    json_t *j = json_pack(
        "{s:s, s:s, s:o, s:s, s:I}", "status", ok ? "ok" : "unavailable",
        "version", MICETRO_VERSION, "database", db, "worker", app->worker_state,
        "uptimeSeconds", (json_int_t)(time(NULL) - app->started));

    if (j != NULL && !ok)
        json_object_set_new(j, "reason", json_string(why));
    answer_json(a, ok ? 200 : 503, j);
}

/* The value of the query parameter name in target ("" when given without
 * one), or NULL when absent. */
static const char *query_param(const char *target, const char *name, char *buf,
                               size_t size)
{
    const char *p = strchr(target, '?');
    size_t nl = strlen(name);

    while (p != NULL) {
        p++;
        if (strncmp(p, name, nl) == 0 &&
            (p[nl] == '=' || p[nl] == '&' || p[nl] == '\0')) {
            const char *v = p[nl] == '=' ? p + nl + 1 : p + nl;
            size_t vl = strcspn(v, "&");
            snprintf(buf, size, "%.*s", (int)vl, v);
            return buf;
        }
        p = strchr(p, '&');
    }
    return NULL;
}

static int reset_fn(struct store_conn *c, void *ctx, struct err *e)
{
    return store_reset(c, *(const int *)ctx, e);
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* POST /_emu/reset[?keepSessions=true]: a fresh install (store_reset),
 * through mutate_tx, so a deadlock with a call running meanwhile is
 * retried. */
static void reset(struct app *app, const struct soaphttpd_request *rq,
                  struct soaphttpd_answer *a)
{
    char v[16];
    const char *keep = query_param(rq->target, "keepSessions", v, sizeof(v));
    int keep_sessions;
    struct call k;
    double t0 = now_ms();

    if (keep != NULL && strcmp(keep, "true") != 0 &&
        strcmp(keep, "false") != 0) {
        answer_error(a, 400, "keepSessions is true or false");
        return;
    }
    keep_sessions = keep != NULL && strcmp(keep, "true") == 0;
    memset(&k, 0, sizeof(k));
    k.app = app;
    k.c = store_acquire(app->store, &k.e);
    if (k.c == NULL || mutate_tx(&k, reset_fn, &keep_sessions) != 0) {
        if (k.c != NULL)
            store_release(app->store, k.c);
        answer_error(a, k.e.code == ERR_DB ? 503 : 500, k.e.msg);
        return;
    }
    store_release(app->store, k.c);
    answer_json(a, 200,
                json_pack("{s:s, s:b, s:f}", "status", "reset", "keptSessions",
                          keep_sessions, "durationMs", now_ms() - t0));
}

void control_handle(void *user, const struct soaphttpd_request *rq,
                    struct soaphttpd_answer *a)
{
    struct app *app = user;
    const char *q = strchr(rq->target, '?');
    size_t pl = q != NULL ? (size_t)(q - rq->target) : strlen(rq->target);
    const char *path = rq->target;

    if (!allowed(app, rq, a))
        return;
    if (pl == strlen(PREFIX "health") &&
        strncmp(path, PREFIX "health", pl) == 0) {
        if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
            answer_error(a, 405, "/_emu/health takes GET");
            return;
        }
        health(app, a);
        return;
    }
    if (pl == strlen(PREFIX "reset") &&
        strncmp(path, PREFIX "reset", pl) == 0) {
        if (strcmp(rq->method, "POST") != 0) {
            answer_error(a, 405, "/_emu/reset takes POST");
            return;
        }
        reset(app, rq, a);
        return;
    }
    answer_error(a, 404, "no such control endpoint; see docs/control.md");
}
