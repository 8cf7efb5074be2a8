/* micetro-emu: fault injection (see control_faults.h). */
#include "control_faults.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "control_args.h"
#include "control_json.h"
#include "err.h"
#include "fault.h"

#define FAULT_TEXT_MAX 512
#define MATCH_KEYS_MAX 32
#define MATCH_KEY_MAX 255
#define TIMES_MAX 1000000000LL

/* Every operation of the WSDL (ops.def), served or not. */
static const char *const operations[] = {
#define OP(name, served) #name,
#include "ops.def"
#undef OP
    NULL,
};

/* Faults Micetro answers, by name (docs/control.md). */
static const struct preset {
    const char *name;
    int client;
    int code;
    const char *text;
    const char *about;
} presets[] = {
    {"invalid-session", 1, -ERR_SESSION, "Invalid or expired session",
     "the session is unknown, ended or timed out: clients log in again"},
    {"netobject-handler", 0, -ERR_DB,
     "Unable to complete operation. Netobject handler not running",
     "Micetro's central service behind the web service is not running: "
     "clients log in again and retry"},
    {"requests-disabled", 0, -ERR_DB,
     "Unable to complete operation. Requests are disabled",
     "the server takes no requests for now (its wording is not confirmed "
     "by a capture)"},
    {NULL, 0, 0, NULL, NULL},
};

struct rule {
    long long id;
    char op[64];   /* a name of operations[], or "*" */
    json_t *match; /* NULL: any arguments */
    int has_fault, client, code;
    char text[FAULT_TEXT_MAX + 1];
    const char *preset; /* a name of presets[], or NULL */
    int delay_ms, drop;
    long long remaining; /* -1: until removed */
    long long hits;
};

struct control_faults {
    pthread_mutex_t mu;
    struct rule rules[FAULTS_MAX];
    int n;
    long long next_id;
};

struct control_faults *control_faults_new(void)
{
    struct control_faults *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return NULL;
    pthread_mutex_init(&f->mu, NULL);
    f->next_id = 1;
    return f;
}

/* Removes rule i.  Under f->mu. */
static void remove_at(struct control_faults *f, int i)
{
    json_decref(f->rules[i].match);
    memmove(&f->rules[i], &f->rules[i + 1],
            (size_t)(f->n - i - 1) * sizeof(f->rules[0]));
    f->n--;
}

void control_faults_clear(struct control_faults *f)
{
    if (f == NULL)
        return;
    pthread_mutex_lock(&f->mu);
    while (f->n > 0)
        remove_at(f, f->n - 1);
    pthread_mutex_unlock(&f->mu);
}

void control_faults_free(struct control_faults *f)
{
    if (f == NULL)
        return;
    control_faults_clear(f);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

/* ---- serving ---- */

static int applies_to(const struct rule *r, const char *op)
{
    return strcmp(r->op, "*") == 0 || strcmp(r->op, op) == 0;
}

/* 1 when every path of match has its value in args. */
static int matches(json_t *match, json_t *args)
{
    const char *path;
    json_t *want;

    json_object_foreach(match, path, want)
    {
        json_t *got = control_args_at(args, path);
        if (got == NULL || !json_equal(got, want))
            return 0;
    }
    return 1;
}

void control_faults_intercept(void *user, struct soap *soap, const char *op,
                              const char *body, size_t len,
                              struct soaphttpd_intercept *ic)
{
    struct app *app = user;
    struct control_faults *f = app->faults;
    json_t *args = NULL;
    struct rule hit;
    int need = 0, found = 0;

    if (f == NULL)
        return;
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < f->n; i++)
        need |= f->rules[i].match != NULL && applies_to(&f->rules[i], op);
    pthread_mutex_unlock(&f->mu);
    if (need) /* taken apart outside the lock */
        args = control_args_of(body, len);
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < f->n && !found; i++) {
        struct rule *r = &f->rules[i];
        if (!applies_to(r, op) ||
            (r->match != NULL && (args == NULL || !matches(r->match, args))))
            continue;
        r->hits++;
        hit = *r;
        hit.match = NULL;
        if (r->remaining > 0 && --r->remaining == 0)
            remove_at(f, i);
        found = 1;
    }
    pthread_mutex_unlock(&f->mu);
    json_decref(args);
    if (!found)
        return;
    ic->delay_ms = hit.delay_ms;
    ic->drop = hit.drop;
    if (hit.has_fault) {
        fault_given(soap, hit.client, hit.code, hit.text);
        ic->fault = 1;
    }
}

/* ---- the control API ---- */

/* A 400 naming the bad field: {"error": "FIELD: why", "field": FIELD}. */
static int refuse(struct soaphttpd_answer *a, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int refuse(struct soaphttpd_answer *a, const char *field,
                  const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    control_json_answer(
        a, 400,
        json_pack("{s:s++, s:s}", "error", field, ": ", why, "field", field));
    return -1;
}

static const struct preset *preset_named(const char *name)
{
    for (const struct preset *p = presets; p->name != NULL; p++) {
        if (strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

static int known_operation(const char *name)
{
    for (int i = 0; operations[i] != NULL; i++) {
        if (strcmp(operations[i], name) == 0)
            return 1;
    }
    return 0;
}

/* A whole number of v in lo..hi into *out; else the 400 of field. */
static int integer(json_t *v, const char *field, long long lo, long long hi,
                   long long *out, struct soaphttpd_answer *a)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo ||
        json_integer_value(v) > hi)
        return refuse(a, field, "an integer from %lld to %lld", lo, hi);
    *out = json_integer_value(v);
    return 0;
}

/* The match of a rule: the caller's object with whole numbers and
 * booleans as the text the arguments have them in. */
static int read_match(json_t *v, struct rule *r, struct soaphttpd_answer *a)
{
    const char *key;
    json_t *val;
    char field[MATCH_KEY_MAX + 16];

    if (!json_is_object(v))
        return refuse(a, "match", "an object of {\"argument\": value}");
    if (json_object_size(v) > MATCH_KEYS_MAX)
        return refuse(a, "match", "at most %d arguments", MATCH_KEYS_MAX);
    r->match = json_object();
    if (r->match == NULL)
        return refuse(a, "match", "out of memory");
    json_object_foreach(v, key, val)
    {
        json_t *want = NULL;
        char num[32];
        snprintf(field, sizeof(field), "match.%.*s", MATCH_KEY_MAX, key);
        if (key[0] == '\0' || strlen(key) > MATCH_KEY_MAX)
            return refuse(a, "match",
                          "an argument's path is 1 to %d bytes "
                          "(\"dhcpServer.name\")",
                          MATCH_KEY_MAX);
        if (json_is_string(val) || json_is_object(val) || json_is_array(val)) {
            want = json_incref(val);
        } else if (json_is_integer(val)) {
            snprintf(num, sizeof(num), "%lld",
                     (long long)json_integer_value(val));
            want = json_string(num);
        } else if (json_is_boolean(val)) {
            want = json_string(json_is_true(val) ? "true" : "false");
        } else {
            return refuse(a, field,
                          "a string (arguments are text), a whole number, "
                          "a boolean, an object or an array");
        }
        if (json_object_set_new(r->match, key, want) != 0)
            return refuse(a, field, "out of memory");
    }
    return 0;
}

/* The "fault" object into r. */
static int read_fault(json_t *v, struct rule *r, struct soaphttpd_answer *a)
{
    const char *key;
    json_t *val;
    long long code = 0;
    int kind = -1;

    if (!json_is_object(v))
        return refuse(a, "fault", "an object {\"code\": N, \"text\": \"...\"}");
    json_object_foreach(v, key, val)
    {
        if (strcmp(key, "code") != 0 && strcmp(key, "text") != 0 &&
            strcmp(key, "kind") != 0)
            return refuse(a, "fault", "\"%s\" is not code, text or kind", key);
    }
    if (integer(json_object_get(v, "code"), "fault.code", 0, 2147483647, &code,
                a))
        return -1;
    val = json_object_get(v, "text");
    if (!json_is_string(val) || json_string_length(val) == 0 ||
        json_string_length(val) > FAULT_TEXT_MAX ||
        strlen(json_string_value(val)) != json_string_length(val))
        return refuse(a, "fault.text", "a text of 1 to %d bytes",
                      FAULT_TEXT_MAX);
    snprintf(r->text, sizeof(r->text), "%s", json_string_value(val));
    val = json_object_get(v, "kind");
    if (val != NULL) {
        const char *k = json_is_string(val) ? json_string_value(val) : "";
        kind = strcmp(k, "Client") == 0 ? 1 : strcmp(k, "Server") == 0 ? 0 : -2;
        if (kind == -2)
            return refuse(a, "fault.kind", "Client or Server");
    }
    r->has_fault = 1;
    r->code = (int)code;
    /* the emulator's own codes of the caller's mistakes are Client */
    r->client = kind >= 0 ? kind
                          : code == fault_code(ERR_AUTH) ||
                                (code >= 1 && code < -ERR_SERVER_BASE);
    return 0;
}

/* The body of POST /_emu/faults into r; 0, or -1 with a filled. */
static int read_rule(json_t *body, struct rule *r, struct soaphttpd_answer *a)
{
    static const char *const fields[] = {"operation", "match",   "fault",
                                         "preset",    "delayMs", "drop",
                                         "times",     NULL};
    const char *key;
    json_t *v;
    long long n = 0;

    memset(r, 0, sizeof(*r));
    r->remaining = -1;
    json_object_foreach(body, key, v)
    {
        int known = 0;
        for (int i = 0; fields[i] != NULL; i++)
            known |= strcmp(fields[i], key) == 0;
        if (!known)
            return refuse(a, key,
                          "not a field of a fault (operation, match, fault, "
                          "preset, delayMs, drop, times)");
    }
    v = json_object_get(body, "operation");
    if (!json_is_string(v))
        return refuse(a, "operation",
                      "the name of an operation of the WSDL, or \"*\"");
    if (strcmp(json_string_value(v), "*") != 0 &&
        !known_operation(json_string_value(v)))
        return refuse(a, "operation", "not an operation of the WSDL: \"%.64s\"",
                      json_string_value(v));
    snprintf(r->op, sizeof(r->op), "%s", json_string_value(v));
    if ((v = json_object_get(body, "match")) != NULL && read_match(v, r, a))
        return -1;
    if ((v = json_object_get(body, "preset")) != NULL) {
        const struct preset *p = json_is_string(v)
                                     ? preset_named(json_string_value(v))
                                     : NULL;
        if (p == NULL)
            return refuse(a, "preset",
                          "not a preset; see GET /_emu/faults/presets");
        if (json_object_get(body, "fault") != NULL)
            return refuse(a, "fault", "a preset or a fault, not both");
        r->preset = p->name;
        r->has_fault = 1;
        r->client = p->client;
        r->code = p->code;
        snprintf(r->text, sizeof(r->text), "%s", p->text);
    }
    if ((v = json_object_get(body, "fault")) != NULL && read_fault(v, r, a))
        return -1;
    if ((v = json_object_get(body, "delayMs")) != NULL) {
        if (integer(v, "delayMs", 0, FAULTS_MAX_DELAY_MS, &n, a))
            return -1;
        r->delay_ms = (int)n;
    }
    if ((v = json_object_get(body, "drop")) != NULL) {
        if (!json_is_boolean(v))
            return refuse(a, "drop", "true or false");
        r->drop = json_is_true(v);
    }
    if ((v = json_object_get(body, "times")) != NULL) {
        if (integer(v, "times", 1, TIMES_MAX, &n, a))
            return -1;
        r->remaining = n;
    }
    if (r->drop && r->has_fault)
        return refuse(a, "drop",
                      "a dropped call answers nothing: no fault "
                      "with it");
    if (!r->drop && !r->has_fault && r->delay_ms == 0)
        return refuse(a, "fault",
                      "a fault needs one of fault, preset, delayMs or drop");
    return 0;
}

static json_t *rule_json(const struct rule *r)
{
    json_t *o = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)r->id,
                          "operation", r->op, "hits", (json_int_t)r->hits);

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "remaining",
                        r->remaining < 0 ? json_null()
                                         : json_integer(r->remaining));
    if (r->match != NULL)
        json_object_set(o, "match", r->match);
    if (r->has_fault)
        json_object_set_new(o, "fault",
                            json_pack("{s:i, s:s, s:s}", "code", r->code,
                                      "text", r->text, "kind",
                                      r->client ? "Client" : "Server"));
    if (r->preset != NULL)
        json_object_set_new(o, "preset", json_string(r->preset));
    if (r->delay_ms > 0)
        json_object_set_new(o, "delayMs", json_integer(r->delay_ms));
    if (r->drop)
        json_object_set_new(o, "drop", json_true());
    return o;
}

static void list(struct control_faults *f, struct soaphttpd_answer *a)
{
    json_t *arr = json_array();

    pthread_mutex_lock(&f->mu);
    for (int i = 0; arr != NULL && i < f->n; i++) {
        if (json_array_append_new(arr, rule_json(&f->rules[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    pthread_mutex_unlock(&f->mu);
    control_json_answer(a, 200, arr ? json_pack("{s:o}", "faults", arr) : NULL);
}

static void add(struct control_faults *f, const struct soaphttpd_request *rq,
                struct soaphttpd_answer *a)
{
    json_t *body = control_json_body(rq, 0, a);
    struct rule r;
    long long id = 0;

    if (body == NULL)
        return;
    if (read_rule(body, &r, a) != 0) {
        json_decref(r.match);
        json_decref(body);
        return;
    }
    json_decref(body);
    pthread_mutex_lock(&f->mu);
    if (f->n < FAULTS_MAX) {
        r.id = id = f->next_id++;
        f->rules[f->n++] = r;
    }
    pthread_mutex_unlock(&f->mu);
    if (id == 0) {
        json_decref(r.match);
        control_json_error(a, 409,
                           "at most %d faults at once; DELETE /_emu/faults "
                           "or one of them",
                           FAULTS_MAX);
        return;
    }
    control_json_answer(a, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

void control_faults_handle(struct app *app, const struct soaphttpd_request *rq,
                           const char *rest, struct soaphttpd_answer *a)
{
    (void)rest;
    if (strcmp(rq->method, "POST") == 0) {
        add(app->faults, rq, a);
    } else if (strcmp(rq->method, "DELETE") == 0) {
        control_faults_clear(app->faults);
        a->status = 204;
    } else {
        list(app->faults, a);
    }
}

static void list_presets(struct soaphttpd_answer *a)
{
    json_t *arr = json_array();

    for (const struct preset *p = presets; arr != NULL && p->name; p++) {
        json_t *o = json_pack("{s:s, s:{s:i, s:s, s:s}, s:s}", "name", p->name,
                              "fault", "code", p->code, "text", p->text, "kind",
                              p->client ? "Client" : "Server", "about",
                              p->about);
        if (json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    control_json_answer(a, 200,
                        arr ? json_pack("{s:o}", "presets", arr) : NULL);
}

/* DELETE /_emu/faults/{id}. */
static void remove_one(struct control_faults *f, const char *rest,
                       struct soaphttpd_answer *a)
{
    long long id = 0;
    int found = 0;

    for (const char *p = rest; *p; p++) {
        if (*p < '0' || *p > '9' || id > 100000000000000LL) {
            id = -1;
            break;
        }
        id = id * 10 + (*p - '0');
    }
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < f->n && id > 0 && !found; i++) {
        if (f->rules[i].id == id) {
            remove_at(f, i);
            found = 1;
        }
    }
    pthread_mutex_unlock(&f->mu);
    if (!found) {
        control_json_error(a, 404, "no fault %.40s", rest);
        return;
    }
    a->status = 204;
}

void control_faults_handle_one(struct app *app,
                               const struct soaphttpd_request *rq,
                               const char *rest, struct soaphttpd_answer *a)
{
    int get = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;

    if (strcmp(rest, "presets") == 0) {
        if (get)
            list_presets(a);
        else
            control_json_error(a, 405, "/_emu/faults/presets takes GET");
    } else if (get) {
        control_json_error(a, 405, "/_emu/faults/{id} takes DELETE");
    } else {
        remove_one(app->faults, rest, a);
    }
}
