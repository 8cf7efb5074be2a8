/* micetro-emu: JSON-RPC 2.0 on the SOAP operations (see jsonrpc.h). */
#include "jsonrpc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "jsonrpc_schema.h"
#include "soaphttpd.h"

#define JSON_TYPE "application/json; charset=utf-8"

int jsonrpc_match(const char *target)
{
    static const char path[] = "/mmws/json";
    size_t n = sizeof(path) - 1;

    return strncmp(target, path, n) == 0 &&
           (target[n] == '\0' || target[n] == '?');
}

static int fail(struct jsonrpc_fault *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct jsonrpc_fault *f, int code, const char *fmt, ...)
{
    va_list ap;

    f->code = code;
    f->client = 1;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
    return -1;
}

int jsonrpc_call(struct app *app, const struct soaphttpd_request *rq,
                 const char *op, json_t *params, json_t **result,
                 struct jsonrpc_fault *f)
{
    const struct soaphttpd_limits *wire = &app->cfg->wire;
    struct jsonrpc_limits lim = {
        .max_string_bytes = wire->max_string_bytes,
        .max_depth = wire->max_depth,
        .max_elements = wire->max_elements,
    };
    struct soaphttpd_soap_result res;
    struct jsonrpc_schema_fault sf;
    char why[320];
    char *xml = NULL;
    size_t len = 0;
    int rc;

    (void)rq;
    *result = NULL;
    memset(f, 0, sizeof(*f));
    if (!jsonrpc_schema_has(app->jsonrpc, op))
        return fail(f, JSONRPC_UNKNOWN_METHOD, "Method not found: %.100s", op);
    if (params != NULL && !json_is_object(params))
        return fail(f, JSONRPC_INVALID_PARAMS, "%s",
                    "Invalid params: an object of names is due");
    if (jsonrpc_schema_request(app->jsonrpc, &lim, op, params, &xml, &len, why,
                               sizeof(why)) != 0)
        return fail(f, JSONRPC_INVALID_PARAMS, "Invalid params: %s", why);
    rc = soaphttpd_serve_soap(xml, len, &res);
    free(xml);
    if (rc != 0) {
        free(res.answer);
        f->code = JSONRPC_INTERNAL_ERROR;
        snprintf(f->message, sizeof(f->message), "out of memory");
        return -1;
    }
    if (res.answer == NULL) { /* closed without an answer */
        f->code = JSONRPC_INTERNAL_ERROR;
        snprintf(f->message, sizeof(f->message), "no answer");
        return -1;
    }
    rc = jsonrpc_schema_answer(app->jsonrpc, op, res.answer, res.len, result,
                               &sf);
    free(res.answer);
    if (rc == 0)
        return 0;
    f->code = rc == 1 ? sf.code : JSONRPC_INTERNAL_ERROR;
    f->client = sf.client;
    snprintf(f->message, sizeof(f->message), "%s", sf.message);
    return -1;
}

/* The answer {"jsonrpc":"2.0","result"|"error":...,"id":id} (JSON-RPC
 * 1.0's {"result":...,"error":...,"id":id} when v1), taking result. */
static void answer(struct soaphttpd_answer *a, int v1, json_t *id,
                   json_t *result, const struct jsonrpc_fault *f)
{
    json_t *o = json_object();

    if (o != NULL && !v1)
        json_object_set_new(o, "jsonrpc", json_string("2.0"));
    if (o != NULL && result != NULL) {
        json_object_set_new(o, "result", result);
        if (v1)
            json_object_set_new(o, "error", json_null());
    } else if (o != NULL) {
        json_decref(result);
        json_object_set_new(
            o, "error",
            json_pack("{s:i, s:s}", "code", f->code, "message", f->message));
        if (v1)
            json_object_set_new(o, "result", json_null());
    }
    if (o != NULL)
        json_object_set(o, "id", id != NULL ? id : json_null());
    a->status = 200;
    a->content_type = JSON_TYPE;
    a->body = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    a->len = a->body != NULL ? strlen(a->body) : 0;
    json_decref(o);
    if (a->body == NULL) {
        a->status = 500;
        a->content_type = "text/plain; charset=utf-8";
    }
}

size_t jsonrpc_error_body(char *buf, size_t size, const char *msg)
{
    int n = snprintf(buf, size,
                     "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":%d,"
                     "\"message\":\"%s\"},\"id\":null}",
                     JSONRPC_INVALID_REQUEST, msg);

    /* msg: the front's own short ASCII messages, nothing to escape */
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* 1 when the JSON text s nests objects and arrays deeper than max: seen
 * before parsing, so that the parser's recursion stays shallow. */
static int too_deep(const char *s, size_t n, unsigned max)
{
    unsigned depth = 0;
    int in_string = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                return 1;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

void jsonrpc_handle(void *user, const struct soaphttpd_request *rq,
                    struct soaphttpd_answer *a)
{
    struct app *app = user;
    struct jsonrpc_fault f = {0};
    json_error_t je;
    json_t *req = NULL, *id = NULL, *result = NULL;
    int v1 = 0;

    if (memchr(rq->body, '\0', rq->len) != NULL) {
        fail(&f, JSONRPC_PARSE_ERROR, "%s", "Parse error: a NUL byte");
        goto out;
    }
    if (too_deep(rq->body, rq->len, app->cfg->wire.max_depth)) {
        fail(&f, JSONRPC_INVALID_REQUEST,
             "Invalid Request: nested deeper than %u",
             app->cfg->wire.max_depth);
        goto out;
    }
    req = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
    if (req == NULL) {
        fail(&f, JSONRPC_PARSE_ERROR, "Parse error: %s", je.text);
        goto out;
    }
    if (!json_is_object(req)) {
        fail(&f, JSONRPC_INVALID_REQUEST, "%s",
             "Invalid Request: an object is due (batches are not served)");
        goto out;
    }
    id = json_object_get(req, "id");
    if (id != NULL && !json_is_string(id) && !json_is_integer(id) &&
        !json_is_null(id)) {
        id = NULL;
        fail(&f, JSONRPC_INVALID_REQUEST, "%s",
             "Invalid Request: id must be a string, an integer or null");
        goto out;
    }
    json_t *ver = json_object_get(req, "jsonrpc");
    json_t *method = json_object_get(req, "method");
    json_t *params = json_object_get(req, "params");
    const char *key;
    json_t *v;
    v1 = ver == NULL;
    if (ver != NULL &&
        (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0)) {
        fail(&f, JSONRPC_INVALID_REQUEST, "%s",
             "Invalid Request: jsonrpc must be \"2.0\"");
        goto out;
    }
    json_object_foreach(req, key, v)
    {
        if (strcmp(key, "jsonrpc") != 0 && strcmp(key, "method") != 0 &&
            strcmp(key, "params") != 0 && strcmp(key, "id") != 0) {
            fail(&f, JSONRPC_INVALID_REQUEST, "Invalid Request: unknown %.60s",
                 key);
            goto out;
        }
    }
    if (!json_is_string(method)) {
        fail(&f, JSONRPC_INVALID_REQUEST, "%s",
             "Invalid Request: method must be a string");
        goto out;
    }
    if (json_is_null(params))
        params = NULL;
    jsonrpc_call(app, rq, json_string_value(method), params, &result, &f);
out:
    answer(a, v1, id, result, &f);
    json_decref(req);
}
