/* micetro-emu: the control API's import and drift (see control_import.h).
 */
#include "control_import.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "confpeers.h"
#include "control_json.h"
#include "control_sim.h"
#include "import.h"
#include "sim.h"
#include "store.h"
#include "store_import.h"
#include "store_sim.h"
#include "textdiff.h"

/* Answers e's error with its status. */
static void fail(struct soaphttpd_answer *a, const struct err *e)
{
    control_json_error(a, control_json_status(e->code), "%s", e->msg);
}

/* ---- GET /_emu/servers/NAME/import ---------------------------------- */

/* Reads server name's import into *im: 0, or -1 with a answered. */
static int read_import(struct app *app, const char *name,
                       struct store_import *im,
                       struct store_import_reported **rep, size_t *nrep,
                       struct soaphttpd_answer *a)
{
    struct store_conn *c;
    struct err e;
    int rc;

    if ((c = store_acquire(app->store, &e)) == NULL) {
        fail(a, &e);
        return -1;
    }
    rc = store_import_get(c, name, im, &e);
    if (rc == 0 && rep != NULL &&
        (rc = store_import_reported(c, im->id, NULL, rep, nrep, &e)) != 0)
        store_import_free(im);
    store_release(app->store, c);
    if (rc != 0) {
        fail(a, &e);
        return -1;
    }
    return 0;
}

static void get_import(struct app *app, const char *name,
                       struct soaphttpd_answer *a)
{
    struct store_import_reported *rep = NULL;
    struct store_import im;
    size_t nrep = 0;
    json_t *peers;

    if (read_import(app, name, &im, &rep, &nrep, a) != 0)
        return;
    peers = json_array();
    for (size_t i = 0; peers != NULL && i < nrep; i++)
        json_array_append_new(peers,
                              json_pack("{s:s, s:s}", "name", rep[i].name,
                                        "reason", rep[i].reason));
    control_json_answer(
        a, 200,
        json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:b, s:o*, s:s}", "server",
                  im.name, "state", im.state, "message",
                  im.message[0] ? im.message : NULL, "baselineHash",
                  im.baseline_hash[0] ? im.baseline_hash : NULL, "liveHash",
                  im.live_hash[0] ? im.live_hash : NULL, "simulated",
                  im.simulated, "reportedPeers", peers, "updated", im.updated));
    free(rep);
    store_import_free(&im);
}

/* ---- POST /_emu/servers/NAME/import[?skip=true] --------------------- */

static int skip_tx(struct store_conn *c, void *ctx, struct err *e)
{
    return store_import_skip(c, *(const long long *)ctx, e);
}

static void post_import(struct app *app, const struct soaphttpd_request *rq,
                        const char *name, struct soaphttpd_answer *a)
{
    struct import_outcome out;
    struct store_import im;
    struct err e;
    int skip;

    if (control_json_flag(rq, "skip", &skip, a) != 0 ||
        read_import(app, name, &im, NULL, NULL, a) != 0)
        return;
    store_import_free(&im);
    if (skip) {
        if (control_json_run(app, "", skip_tx, &im.id, a) == 0)
            control_json_answer(
                a, 200,
                json_pack("{s:s, s:s}", "server", im.name, "state", "Skipped"));
        return;
    }
    if (import_server(app, im.id, &out, &e) != 0) {
        fail(a, &e);
        return;
    }
    control_json_answer(
        a, 200,
        json_pack("{s:s, s:s, s:s?, s:I, s:I, s:I, s:I}", "server", im.name,
                  "state", out.state, "message",
                  out.message[0] ? out.message : NULL, "scopes",
                  (json_int_t)out.scopes, "pools", (json_int_t)out.pools,
                  "relationships", (json_int_t)out.relationships,
                  "reportedPeers", (json_int_t)out.reported));
}

/* ---- PUT /_emu/servers/NAME/config ---------------------------------- */

struct wait_file {
    const char *name, *text;
    const char (*peers)[CONFPEERS_NAME_BUF];
    size_t npeers;
};

static int wait_tx(struct store_conn *c, void *ctx, struct err *e)
{
    const struct wait_file *w = ctx;

    return store_sim_wait(c, w->name, w->text, w->peers, w->npeers, e);
}

/* Keeps text as the file of server name, which does not exist yet. */
static void put_waiting(struct app *app, const char *name, const char *text,
                        size_t len, struct soaphttpd_answer *a)
{
    struct wait_file w = {.name = name, .text = text};
    char(*peers)[CONFPEERS_NAME_BUF] = calloc(STORE_SIM_PEERS_MAX,
                                              sizeof(*peers));

    if (peers == NULL) {
        control_json_error(a, 500, "out of memory");
        return;
    }
    w.peers = (const char(*)[CONFPEERS_NAME_BUF])peers;
    w.npeers = confpeers_scan(text, len, peers, STORE_SIM_PEERS_MAX);
    if (control_json_run(app, "", wait_tx, &w, a) == 0)
        control_json_answer(a, 202,
                            json_pack("{s:s, s:b, s:I}", "server", name,
                                      "waiting", 1, "bytes", (json_int_t)len));
    free(peers);
}

static void put_config(struct app *app, const struct soaphttpd_request *rq,
                       const char *name, struct soaphttpd_answer *a)
{
    struct store_sim_server s;
    struct store_conn *c;
    char hash[65], *text;
    struct err e;
    int rc;

    if (rq->len > STORE_SIM_CONFIG_MAX) {
        control_json_error(a, 400,
                           "the file has %zu bytes: a simulated server keeps "
                           "at most %d",
                           rq->len, STORE_SIM_CONFIG_MAX);
        return;
    }
    if (rq->len > 0 && memchr(rq->body, '\0', rq->len) != NULL) {
        control_json_error(a, 400, "the file holds a NUL byte");
        return;
    }
    if ((c = store_acquire(app->store, &e)) == NULL) {
        fail(a, &e);
        return;
    }
    rc = store_sim_server_find(c, name, &s, &e);
    store_release(app->store, c);
    if (rc != 0 && rc != ERR_NOTFOUND) {
        fail(a, &e);
        return;
    }
    if (rc == 0 && !s.simulated) {
        control_json_error(a, 409,
                           "DHCP server \"%s\" is not simulated: its file is "
                           "on its agent",
                           s.name);
        return;
    }
    if ((text = malloc(rq->len + 1)) == NULL) {
        control_json_error(a, 500, "out of memory");
        return;
    }
    if (rq->len > 0)
        memcpy(text, rq->body, rq->len);
    text[rq->len] = '\0';
    if (rc == ERR_NOTFOUND)
        put_waiting(app, name, text, rq->len, a);
    else if (sim_install(app->store, s.id, NULL, text, rq->len, 0, hash, &e) !=
             0)
        fail(a, &e);
    else
        control_json_answer(a, 200,
                            json_pack("{s:s, s:s, s:I}", "server", s.name,
                                      "hash", hash, "bytes",
                                      (json_int_t)rq->len));
    free(text);
}

/* ---- GET /_emu/servers/NAME/drift ----------------------------------- */

static void get_drift(struct app *app, const char *name,
                      struct soaphttpd_answer *a)
{
    struct store_import im;
    struct textdiff d;
    char sum[128], *diff = NULL;
    struct err e;

    if (read_import(app, name, &im, NULL, NULL, a) != 0)
        return;
    if (!im.simulated) {
        control_json_error(a, 409,
                           "DHCP server \"%s\" is not simulated: its live file "
                           "is on its agent",
                           im.name);
    } else if (textdiff(im.baseline, im.live, "baseline", "live", &d, &diff,
                        &e) != 0) {
        fail(a, &e);
    } else {
        textdiff_summary(&d, sum, sizeof(sum));
        control_json_answer(
            a, 200,
            json_pack("{s:s, s:b, s:s, s:s?, s:s?, s:s}", "server", im.name,
                      "drifted", d.first > 0, "summary", sum, "baselineHash",
                      im.baseline_hash[0] ? im.baseline_hash : NULL, "liveHash",
                      im.live_hash[0] ? im.live_hash : NULL, "difference",
                      diff));
    }
    free(diff);
    store_import_free(&im);
}

void control_import_route(struct app *app, const struct soaphttpd_request *rq,
                          const char *rest, struct soaphttpd_answer *a)
{
    const char *method = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;
    const char *slash = strchr(rest, '/'), *what;
    char name[CONTROL_JSON_NAME_MAX + 1];

    if (slash == NULL ||
        (strcmp(slash + 1, "import") != 0 && strcmp(slash + 1, "drift") != 0 &&
         !(strcmp(slash + 1, "config") == 0 && strcmp(method, "PUT") == 0))) {
        control_sim_route(app, rq, rest, a);
        return;
    }
    if (control_json_server_path(rest, name, &what, "/_emu/servers/NAME/import",
                                 a) != 0)
        return;
    if (strcmp(what, "config") == 0)
        put_config(app, rq, name, a);
    else if (strcmp(what, "drift") == 0 && strcmp(method, "GET") == 0)
        get_drift(app, name, a);
    else if (strcmp(what, "import") == 0 && strcmp(method, "GET") == 0)
        get_import(app, name, a);
    else if (strcmp(what, "import") == 0 && strcmp(method, "POST") == 0)
        post_import(app, rq, name, a);
    else
        control_json_error(a, 405, "/_emu/servers/NAME/%s takes %s", what,
                           strcmp(what, "drift") == 0 ? "GET" : "GET POST");
}
