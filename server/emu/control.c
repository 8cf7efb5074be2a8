/* micetro-emu: the control API under /_emu/ (see control.h). */
#include "control.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "call.h"
#include "control_faults.h"
#include "control_import.h"
#include "control_journal.h"
#include "control_json.h"
#include "control_snapshot.h"
#include "control_seed.h"
#include "mutate.h"
#include "httpreq.h"
#include "startup.h"
#include "store.h"
#include "store_reset.h"

#define PREFIX "/_emu/"

int control_match(const char *target)
{
    return strncmp(target, PREFIX, sizeof(PREFIX) - 1) == 0 ||
           strcmp(target, "/_emu") == 0;
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
        control_json_error(
            a, 403,
            "the control API is open on loopback only; beyond it "
            "start the emulator with --control-token");
        return 0;
    }
    if (httpreq_bearer_ok(rq->authorization, token))
        return 1;
    control_json_error(
        a, 401,
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
    int ok = 0;
    const char *phase = startup_phase(app->startup);
    json_t *db = phase != NULL ? json_pack("{s:s, s:b, s:i, s:s}", "state",
                                           strcmp(phase, STARTUP_MIGRATING) == 0
                                               ? "migrating"
                                               : "starting",
                                           "embedded", app->cfg->db == NULL,
                                           "restarts", 0, "lastError", "")
                               : database_health(app, &ok, why, sizeof(why));
    json_t *j;

    if (phase != NULL)
        snprintf(why, sizeof(why), "%s", phase);
    j = json_pack("{s:s, s:s, s:o, s:s, s:I}", "status",
                  ok ? "ok" : "unavailable", "version", MICETRO_VERSION,
                  "database", db, "worker", app->worker_state, "uptimeSeconds",
                  (json_int_t)(time(NULL) - app->started));

    if (j != NULL && !ok)
        json_object_set_new(j, "reason", json_string(why));
    control_json_answer(a, ok ? 200 : 503, j);
}

static int reset_fn(struct store_conn *c, void *ctx, struct err *e)
{
    return store_reset(c, *(const int *)ctx, e);
}

/* POST /_emu/reset[?keepSessions=true]: a fresh install (store_reset),
 * through mutate_tx, so a deadlock with a call running meanwhile is
 * retried. */
static void reset(struct app *app, const struct soaphttpd_request *rq,
                  struct soaphttpd_answer *a)
{
    int keep_sessions;
    struct err e;
    double t0 = control_json_now_ms();

    if (control_json_flag(rq, "keepSessions", &keep_sessions, a) != 0)
        return;
    /* the calls queued before are cleared too; injected faults go */
    control_journal_flush(app->journal, 2 * app->cfg->db_acquire_timeout_ms);
    control_faults_clear(app->faults);
    if (control_json_tx(app, "", reset_fn, &keep_sessions, &e) != 0) {
        control_json_error(a, e.code == ERR_DB ? 503 : 500, "%s", e.msg);
        return;
    }
    control_json_answer(a, 200,
                        json_pack("{s:s, s:b, s:f}", "status", "reset",
                                  "keptSessions", keep_sessions, "durationMs",
                                  control_json_now_ms() - t0));
}

/* GET /_emu/health */
static void route_health(struct app *app, const struct soaphttpd_request *rq,
                         const char *rest, struct soaphttpd_answer *a)
{
    (void)rq;
    (void)rest;
    health(app, a);
}

/* POST /_emu/reset */
static void route_reset(struct app *app, const struct soaphttpd_request *rq,
                        const char *rest, struct soaphttpd_answer *a)
{
    (void)rest;
    reset(app, rq, a);
}

/* The control API's paths.  A row's path is exact unless it ends in '/':
 * then it is a prefix, and what follows it reaches the handler as rest
 * (without the query).  methods lists the methods taken, by ' ' ("GET"
 * takes HEAD too); others are 405.  The first row that matches serves. */
static const struct control_route {
    const char *path;
    const char *methods;
    void (*handle)(struct app *app, const struct soaphttpd_request *rq,
                   const char *rest, struct soaphttpd_answer *a);
} routes[] = {
    {PREFIX "health", "GET", route_health},
    {PREFIX "reset", "POST", route_reset},
    {PREFIX "snapshots", "GET", control_snapshot_list},
    {PREFIX "snapshots/", "POST DELETE", control_snapshot_item},
    {PREFIX "seed", "POST", control_seed_route},
    {PREFIX "servers/", "GET POST PUT DELETE", control_import_route},
    {PREFIX "requests", "GET DELETE", control_journal_handle},
    {PREFIX "faults", "GET POST DELETE", control_faults_handle},
    {PREFIX "faults/", "GET DELETE", control_faults_handle_one},
    {NULL, NULL, NULL},
};

/* 1 once start-up is over (waiting for it as a request waits for a
 * database that is down), else a is the 503. */
static int wait_started(struct app *app, struct soaphttpd_answer *a)
{
    struct err e;

    if (startup_wait(app->startup, app->cfg->db_acquire_timeout_ms, app->stop,
                     &e) == 0)
        return 1;
    control_json_error(a, 503, "%s", e.msg);
    return 0;
}

/* 1 when method is one of the words of methods. */
static int method_in(const char *method, const char *methods)
{
    size_t ml = strlen(method);

    if (strcmp(method, "HEAD") == 0)
        return method_in("GET", methods);
    for (const char *p = methods; *p != '\0';) {
        size_t wl = strcspn(p, " ");
        if (wl == ml && strncmp(p, method, ml) == 0)
            return 1;
        p += wl;
        p += *p == ' ';
    }
    return 0;
}

void control_handle(void *user, const struct soaphttpd_request *rq,
                    struct soaphttpd_answer *a)
{
    struct app *app = user;
    size_t pl = strcspn(rq->target, "?");
    char rest[512];

    if (!allowed(app, rq, a))
        return;
    for (const struct control_route *r = routes; r->path != NULL; r++) {
        size_t l = strlen(r->path);
        int prefix = r->path[l - 1] == '/';
        if (prefix ? (pl < l || strncmp(rq->target, r->path, l) != 0)
                   : (pl != l || strncmp(rq->target, r->path, l) != 0))
            continue;
        if (!method_in(rq->method, r->methods)) {
            control_json_error(a, 405, "%.*s takes %s", (int)pl, rq->target,
                               r->methods);
            return;
        }
        if (pl - l >= sizeof(rest)) {
            control_json_error(a, 414, "the path is too long");
            return;
        }
        snprintf(rest, sizeof(rest), "%.*s", (int)(pl - l), rq->target + l);
        if (r->handle != route_health && !wait_started(app, a))
            return;
        r->handle(app, rq, rest, a);
        return;
    }
    control_json_error(a, 404, "no such control endpoint; see docs/control.md");
}
