/* micetro-emu: what the parts of the control API share (see
 * control_json.h). */
#include "control_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "call.h"
#include "err.h"
#include "store.h"

#define JSON_TYPE "application/json"

void control_json_answer(struct soaphttpd_answer *a, int status, json_t *j)
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

void control_json_error(struct soaphttpd_answer *a, int status, const char *fmt,
                        ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    control_json_answer(a, status, json_pack("{s:s}", "error", msg));
}

static int hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes n bytes of v (percent escapes, '+' as space) into buf: 0, or
 * -1 when it does not fit or holds a NUL or a broken escape. */
static int decode(const char *v, size_t n, char *buf, size_t size)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)v[i];
        if (ch == '%') {
            if (i + 2 >= n) /* fewer than two digits follow */
                return -1;
            int hi = hex((unsigned char)v[i + 1]);
            int lo = hex((unsigned char)v[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            ch = hi * 16 + lo;
            i += 2;
        } else if (ch == '+') {
            ch = ' ';
        }
        if (ch == 0 || o + 1 >= size)
            return -1;
        buf[o++] = (char)ch;
    }
    buf[o] = '\0';
    return 0;
}

int control_json_decode(const char *v, size_t n, char *buf, size_t size)
{
    return decode(v, n, buf, size);
}

const char *control_json_param(const char *target, const char *name, char *buf,
                               size_t size, int *bad)
{
    const char *p = strchr(target, '?');
    size_t nl = strlen(name);

    *bad = 0;
    while (p != NULL) {
        p++;
        if (strncmp(p, name, nl) == 0 &&
            (p[nl] == '=' || p[nl] == '&' || p[nl] == '\0')) {
            const char *v = p[nl] == '=' ? p + nl + 1 : p + nl;
            if (decode(v, strcspn(v, "&"), buf, size) != 0) {
                *bad = -1;
                return NULL;
            }
            return buf;
        }
        p = strchr(p, '&');
    }
    return NULL;
}

json_t *control_json_body(const struct soaphttpd_request *rq, int empty_ok,
                          struct soaphttpd_answer *a)
{
    json_error_t je;
    json_t *j;

    if (rq->len == 0) {
        if (empty_ok)
            return json_object();
        control_json_error(a, 400, "the body is not a JSON object: empty");
        return NULL;
    }
    j = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        control_json_error(a, 400,
                           "the body is not a JSON object: %s (line %d, "
                           "column %d)",
                           je.text, je.line, je.column);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        control_json_error(a, 400, "the body is not a JSON object");
        return NULL;
    }
    return j;
}

int control_json_path_is(const char *target, const char *path)
{
    size_t pl = strcspn(target, "?");

    return pl == strlen(path) && strncmp(target, path, pl) == 0;
}

double control_json_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int control_json_flag(const struct soaphttpd_request *rq, const char *name,
                      int *on, struct soaphttpd_answer *a)
{
    char v[16];
    int bad;
    const char *p = control_json_param(rq->target, name, v, sizeof(v), &bad);

    *on = p != NULL && strcmp(p, "true") == 0;
    if (bad || (p != NULL && !*on && strcmp(p, "false") != 0)) {
        control_json_error(a, 400, "%s is true or false", name);
        return -1;
    }
    return 0;
}

int control_json_status(int code)
{
    switch (code) {
    case ERR_INVALID:
        return 400;
    case ERR_NOTFOUND:
        return 404;
    case ERR_EXISTS:
    case ERR_CONFLICT:
        return 409;
    case ERR_DB:
        return 503;
    default:
        return 500;
    }
}

int control_json_tx(struct app *app, const char *login, mutate_fn fn, void *ctx,
                    struct err *e)
{
    struct call k;
    int rc;

    memset(&k, 0, sizeof(k));
    k.app = app;
    snprintf(k.login, sizeof(k.login), "%s", login);
    if ((k.c = store_acquire(app->store, &k.e)) == NULL) {
        *e = k.e;
        return e->code;
    }
    rc = mutate_tx(&k, fn, ctx);
    store_release(app->store, k.c);
    if (rc != 0)
        *e = k.e;
    return rc;
}

int control_json_run(struct app *app, const char *login, mutate_fn fn,
                     void *ctx, struct soaphttpd_answer *a)
{
    struct err e;

    if (control_json_tx(app, login, fn, ctx, &e) == 0)
        return 0;
    control_json_error(a, control_json_status(e.code), "%s", e.msg);
    return -1;
}

int control_json_server_path(const char *rest, char *name, const char **what,
                             const char *endpoints, struct soaphttpd_answer *a)
{
    const char *slash = strchr(rest, '/');
    size_t nl;

    if (slash == NULL || slash == rest) {
        control_json_error(a, 404, "no such control endpoint: %s", endpoints);
        return -1;
    }
    nl = (size_t)(slash - rest);
    if (nl > CONTROL_JSON_NAME_MAX) {
        control_json_error(a, 404, "no DHCP server has a name of %zu bytes",
                           nl);
        return -1;
    }
    memcpy(name, rest, nl);
    name[nl] = '\0';
    *what = slash + 1;
    return 0;
}
