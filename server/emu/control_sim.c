/* micetro-emu: the control API's simulated ISC servers (see
 * control_sim.h). */
#include "control_sim.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "call.h"
#include "control_json.h"
#include "mutate.h"
#include "omapi.h"
#include "ref.h"
#include "store.h"
#include "store_changelog.h"
#include "store_sim.h"
#include "validate.h"

/* The login of the change log rows the control API writes. */
#define CONTROL_LOGIN "_emu"
/* The endpoints below /_emu/servers/NAME/, for a 404. */
#define SIM_ENDPOINTS                                                          \
    "/_emu/servers/NAME/simulated, config, failover-state, import or drift"

/* ---- POST /_emu/servers/NAME/simulated ------------------------------ */

struct set_simulated {
    const char *name;
    int on;
    struct store_sim_server s; /* as it is after the change */
};

static int set_simulated_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct set_simulated *x = ctx;
    int rc;

    if ((rc = store_sim_server_find(c, x->name, &x->s, e)) != 0 ||
        (rc = store_sim_set(c, x->s.id, x->on, e)) != 0)
        return rc;
    if (x->s.own != x->on &&
        (rc = store_changelog_add(
             c, CONTROL_LOGIN, "modify", REF_DHCP_SERVER, x->s.id, x->s.name,
             x->on ? "simulated: true" : "simulated: false", e)) != 0)
        return rc;
    return store_sim_server_find(c, x->name, &x->s, e);
}

static void set_simulated(struct app *app, const struct soaphttpd_request *rq,
                          const char *name, struct soaphttpd_answer *a)
{
    struct set_simulated x = {.name = name};
    json_t *body = control_json_body(rq, 0, a), *v;
    const char *key;

    if (body == NULL)
        return;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "simulated") != 0) {
            control_json_error(a, 400,
                               "unknown field \"%.64s\": the body is "
                               "{\"simulated\": true or false}",
                               key);
            json_decref(body); /* key was in it */
            return;
        }
    }
    v = json_object_get(body, "simulated");
    if (!json_is_boolean(v)) {
        json_decref(body);
        control_json_error(a, 400, "\"simulated\" is true or false");
        return;
    }
    x.on = json_is_true(v);
    json_decref(body);
    if (control_json_run(app, CONTROL_LOGIN, set_simulated_tx, &x, a) != 0)
        return;
    control_json_answer(a, 200,
                        json_pack("{s:s, s:b, s:b, s:b}", "server", x.s.name,
                                  "simulated", x.s.simulated, "own", x.s.own,
                                  "everyServer", x.s.every_server));
}

/* ---- GET /_emu/servers/NAME/config ---------------------------------- */

static void get_config(struct app *app, const char *name,
                       struct soaphttpd_answer *a)
{
    struct store_sim_config k;
    struct store_conn *c;
    struct err e;
    json_t *peers;
    const char *p;
    int rc;

    if ((c = store_acquire(app->store, &e)) == NULL) {
        control_json_error(a, control_json_status(e.code), "%s", e.msg);
        return;
    }
    rc = store_sim_config_get(c, name, &k, &e);
    store_release(app->store, c);
    if (rc != 0) {
        control_json_error(a, control_json_status(rc), "%s", e.msg);
        return;
    }
    if (!k.server.simulated)
        control_json_error(a, 409,
                           "DHCP server \"%s\" is not simulated: its file is "
                           "on its agent",
                           k.server.name);
    else if (!k.installed)
        control_json_error(a, 404,
                           "DHCP server \"%s\" has no file installed yet",
                           k.server.name);
    if (!k.server.simulated || !k.installed) {
        store_sim_config_free(&k);
        return;
    }
    peers = json_array();
    p = k.peers;
    for (size_t i = 0; peers != NULL && i < k.npeers; i++) {
        json_array_append_new(peers, json_string(p));
        p += strlen(p) + 1;
    }
    control_json_answer(a, 200,
                        json_pack("{s:s, s:s, s:s, s:s, s:b, s:o*}", "server",
                                  k.server.name, "config", k.config, "hash",
                                  k.hash, "installedAt", k.installed_at,
                                  "checked", k.checked, "peers", peers));
    store_sim_config_free(&k);
}

/* ---- the failover state a simulated server reports ----------------- */

/* The state named s as the API names it (dhcpd's names too:
 * "partner-down" is PartnerDown; case, '-', '_' and blanks aside), or
 * NULL when it is none. */
static const char *state_name(const char *s)
{
    static const int codes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 254};

    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *n = omapi_state_name(codes[i]);
        const char *p = s, *q = n;

        for (;; p++) {
            while (*p == '-' || *p == '_' || *p == ' ')
                p++;
            if (*p == '\0' || *q == '\0' ||
                tolower((unsigned char)*p) != tolower((unsigned char)*q))
                break;
            q++;
        }
        if (*p == '\0' && *q == '\0')
            return n;
    }
    return NULL;
}

struct set_state {
    const char *name, *relationship;
    const char *states[STORE_SIM_SEQUENCE_MAX];
    long long after_ms[STORE_SIM_SEQUENCE_MAX];
    size_t n;
    struct store_sim_server s;
    struct store_sim_reported out;
    long long cleared; /* DELETE without a relationship */
};

/* The server called x->name, which must be simulated. */
static int simulated_server(struct store_conn *c, struct set_state *x,
                            struct err *e)
{
    int rc = store_sim_server_find(c, x->name, &x->s, e);

    if (rc == 0 && !x->s.simulated)
        rc = err_set(e, ERR_CONFLICT,
                     "DHCP server \"%s\" is not simulated: its dhcpd reports "
                     "its own state",
                     x->s.name);
    return rc;
}

static int set_state_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct set_state *x = ctx;
    int rc = simulated_server(c, x, e);

    if (rc != 0)
        return rc;
    if (x->relationship == NULL)
        return store_sim_state_clear(c, x->s.id, &x->cleared, e);
    return store_sim_state_set(c, x->s.id, x->s.name, x->relationship,
                               x->states, x->after_ms, x->n, &x->out, e);
}

/* One step {"state": S, "afterMs": N} into x as its i-th (at: where
 * it is, for the messages); 0, or -1 with why[size]. */
static int read_step(json_t *step, size_t i, const char *at,
                     struct set_state *x, char *why, size_t size)
{
    json_t *st = json_object_get(step, "state");
    json_t *ms = json_object_get(step, "afterMs");
    const char *key;
    json_t *v;

    if (!json_is_object(step)) {
        snprintf(why, size, "%s is not an object", at);
        return -1;
    }
    json_object_foreach(step, key, v)
    {
        if (strcmp(key, "state") != 0 && strcmp(key, "afterMs") != 0) {
            snprintf(why, size, "%sunknown field \"%.64s\"", at, key);
            return -1;
        }
    }
    if (!json_is_string(st) ||
        (x->states[i] = state_name(json_string_value(st))) == NULL) {
        snprintf(why, size,
                 "%s\"state\" is a failover state: Normal, "
                 "CommunicationsInterrupted, PartnerDown, Recover, "
                 "RecoverWait, RecoverDone, Startup, ResolutionInterrupted, "
                 "ConflictDone, PotentialConflict, Shutdown or Paused",
                 at);
        return -1;
    }
    if (!json_is_integer(ms) || json_integer_value(ms) < 0 ||
        json_integer_value(ms) > STORE_SIM_AFTER_MS_MAX) {
        snprintf(why, size, "%s\"afterMs\" is an integer from 0 to %lld", at,
                 STORE_SIM_AFTER_MS_MAX);
        return -1;
    }
    x->after_ms[i] = (long long)json_integer_value(ms);
    if (i > 0 && x->after_ms[i] <= x->after_ms[i - 1]) {
        snprintf(why, size,
                 "%s\"afterMs\" %lld is not after the step before (%lld): "
                 "steps are in ascending order",
                 at, x->after_ms[i], x->after_ms[i - 1]);
        return -1;
    }
    return 0;
}

/* The body of POST failover-state into x: 0, or -1 with why[size]. */
static int read_state_body(json_t *body, struct set_state *x, char *why,
                           size_t size)
{
    json_t *rel = json_object_get(body, "relationship");
    json_t *st = json_object_get(body, "state");
    json_t *seq = json_object_get(body, "sequence");
    const char *key;
    json_t *v;

    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "relationship") != 0 && strcmp(key, "state") != 0 &&
            strcmp(key, "sequence") != 0) {
            snprintf(why, size, "unknown field \"%.64s\"", key);
            return -1;
        }
    }
    if (!json_is_string(rel) || json_string_length(rel) == 0) {
        snprintf(why, size,
                 "\"relationship\" is the name of one of the "
                 "server's failover relationships");
        return -1;
    }
    x->relationship = json_string_value(rel);
    if ((st == NULL) == (seq == NULL)) {
        snprintf(why, size, "give \"state\" or \"sequence\", one of them");
        return -1;
    }
    if (json_is_null(st))
        return 0; /* back to automatic */
    if (st != NULL) {
        json_t *step = json_pack("{s:O, s:i}", "state", st, "afterMs", 0);
        int rc;

        if (step == NULL) {
            snprintf(why, size, "out of memory");
            return -1;
        }
        rc = read_step(step, 0, "", x, why, size);
        json_decref(step);
        x->n = rc == 0;
        return rc;
    }
    if (!json_is_array(seq) || json_array_size(seq) == 0 ||
        json_array_size(seq) > STORE_SIM_SEQUENCE_MAX) {
        snprintf(why, size,
                 "\"sequence\" is an array of 1 to %d steps {\"state\": S, "
                 "\"afterMs\": N}",
                 STORE_SIM_SEQUENCE_MAX);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(seq); i++) {
        char at[48];

        snprintf(at, sizeof(at), "sequence[%zu]: ", i);
        if (read_step(json_array_get(seq, i), i, at, x, why, size) != 0)
            return -1;
    }
    x->n = json_array_size(seq);
    return 0;
}

static void set_state(struct app *app, const struct soaphttpd_request *rq,
                      const char *name, struct soaphttpd_answer *a)
{
    struct set_state *x = calloc(1, sizeof(*x));
    json_t *body = control_json_body(rq, 0, a), *seq;
    char why[512];

    if (body == NULL || x == NULL) {
        if (body != NULL)
            control_json_error(a, 500, "out of memory");
        json_decref(body);
        free(x);
        return;
    }
    x->name = name;
    if (read_state_body(body, x, why, sizeof(why)) != 0) {
        control_json_error(a, 400, "%s", why);
    } else if (control_json_run(app, CONTROL_LOGIN, set_state_tx, x, a) == 0) {
        seq = json_array();
        for (size_t i = 0; seq != NULL && i < x->n; i++)
            json_array_append_new(seq, json_pack("{s:s, s:I}", "state",
                                                 x->states[i], "afterMs",
                                                 (json_int_t)x->after_ms[i]));
        if (x->n == 0)
            control_json_answer(a, 200,
                                json_pack("{s:s, s:s, s:b}", "server",
                                          x->s.name, "relationship",
                                          x->out.relationship, "automatic", 1));
        else
            control_json_answer(a, 200,
                                json_pack("{s:s, s:s, s:s, s:o*, s:s}",
                                          "server", x->s.name, "relationship",
                                          x->out.relationship, "postedAt",
                                          x->out.posted_at, "sequence", seq,
                                          "reportedNow", x->out.now));
        if (x->n == 0)
            json_decref(seq);
    }
    json_decref(body);
    free(x);
}

static void clear_state(struct app *app, const struct soaphttpd_request *rq,
                        const char *name, struct soaphttpd_answer *a)
{
    struct set_state *x = calloc(1, sizeof(*x));
    char rel[CONFPEERS_NAME_BUF * 3];
    int bad;

    if (x == NULL) {
        control_json_error(a, 500, "out of memory");
        return;
    }
    x->name = name;
    x->relationship = control_json_param(rq->target, "relationship", rel,
                                         sizeof(rel), &bad);
    if (bad)
        control_json_error(a, 400,
                           "?relationship= is a relationship's name, "
                           "percent-encoded");
    else if (control_json_run(app, CONTROL_LOGIN, set_state_tx, x, a) != 0)
        ; /* a holds the error */
    else if (x->relationship != NULL)
        control_json_answer(a, 200,
                            json_pack("{s:s, s:s, s:b}", "server", x->s.name,
                                      "relationship", x->out.relationship,
                                      "automatic", 1));
    else
        control_json_answer(a, 200,
                            json_pack("{s:s, s:I, s:b}", "server", x->s.name,
                                      "cleared", (json_int_t)x->cleared,
                                      "automatic", 1));
    free(x);
}

/* ---- the routes ----------------------------------------------------- */

void control_sim_route(struct app *app, const struct soaphttpd_request *rq,
                       const char *rest, struct soaphttpd_answer *a)
{
    static const struct {
        const char *what, *method;
    } paths[] = {{"simulated", "POST"},
                 {"config", "GET"},
                 {"failover-state", "POST"},
                 {"failover-state", "DELETE"}};
    const char *method = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;
    char name[CONTROL_JSON_NAME_MAX + 1];
    const char *what;
    size_t i;
    int known = 0;

    if (control_json_server_path(rest, name, &what, SIM_ENDPOINTS, a) != 0)
        return;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (strcmp(what, paths[i].what) != 0)
            continue;
        known = 1;
        if (strcmp(method, paths[i].method) == 0)
            break;
    }
    if (!known) {
        control_json_error(a, 404, "no such control endpoint: %s",
                           SIM_ENDPOINTS);
        return;
    }
    if (i == sizeof(paths) / sizeof(paths[0])) {
        control_json_error(a, 405, "/_emu/servers/NAME/%s takes %s", what,
                           strcmp(what, "failover-state") == 0 ? "POST DELETE"
                           : strcmp(what, "config") == 0       ? "GET"
                                                               : "POST");
        return;
    }
    if (strcmp(what, "simulated") == 0)
        set_simulated(app, rq, name, a);
    else if (strcmp(what, "config") == 0)
        get_config(app, name, a);
    else if (strcmp(method, "POST") == 0)
        set_state(app, rq, name, a);
    else
        clear_state(app, rq, name, a);
}
