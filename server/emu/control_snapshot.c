/* micetro-emu: the control API's snapshots (see control_snapshot.h). */
#include "control_snapshot.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "call.h"
#include "control_json.h"
#include "mutate.h"
#include "store.h"
#include "store_snapshot.h"

#define RESTORE_SUFFIX "/restore"

/* 1 when name is 1..STORE_SNAPSHOT_NAME_MAX of [A-Za-z0-9_.-]. */
static int name_ok(const char *name, size_t len)
{
    if (len == 0 || len > STORE_SNAPSHOT_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
            return 0;
    }
    return 1;
}

/* A snapshot as JSON: name, createdAt, schemaVersion, counts. */
static json_t *snapshot_json(const struct store_snapshot *s)
{
    json_t *counts = json_loads(s->counts, 0, NULL);

    return json_pack("{s:s, s:s, s:i, s:o}", "name", s->name, "createdAt",
                     s->created, "schemaVersion", s->schema_version, "counts",
                     counts != NULL ? counts : json_object());
}

/* Adds "durationMs" since t0 to j (NULL stays NULL); returns j. */
static json_t *with_ms(json_t *j, double t0)
{
    if (j != NULL)
        json_object_set_new(j, "durationMs",
                            json_real(control_json_now_ms() - t0));
    return j;
}

struct save {
    const char *name;
    int replace;
    struct store_snapshot s;
};

static int save_fn(struct store_conn *c, void *ctx, struct err *e)
{
    struct save *sv = ctx;

    return store_snapshot_save(c, sv->name, sv->replace, &sv->s, e);
}

struct restore {
    const char *name;
    struct store_snapshot s;
    struct store_snapshot_restored done;
};

static int restore_fn(struct store_conn *c, void *ctx, struct err *e)
{
    struct restore *r = ctx;

    return store_snapshot_restore(c, r->name, &r->s, &r->done, e);
}

static int delete_fn(struct store_conn *c, void *ctx, struct err *e)
{
    return store_snapshot_delete(c, ctx, e);
}

/* POST /_emu/snapshots/NAME[?replace=true|false] */
static void save(struct app *app, const struct soaphttpd_request *rq,
                 const char *name, struct soaphttpd_answer *a)
{
    struct save sv;
    double t0 = control_json_now_ms();

    memset(&sv, 0, sizeof(sv));
    if (control_json_flag(rq, "replace", &sv.replace, a) != 0)
        return;
    sv.name = name;
    if (control_json_run(app, "", save_fn, &sv, a) == 0)
        control_json_answer(a, 201, with_ms(snapshot_json(&sv.s), t0));
}

/* POST /_emu/snapshots/NAME/restore */
static void restore(struct app *app, const char *name,
                    struct soaphttpd_answer *a)
{
    struct restore r;
    double t0 = control_json_now_ms();
    json_t *j;

    memset(&r, 0, sizeof(r));
    r.name = name;
    if (control_json_run(app, "", restore_fn, &r, a) != 0)
        return;
    j = with_ms(snapshot_json(&r.s), t0);
    if (j != NULL &&
        (json_object_set_new(j, "rowsDeleted",
                             json_integer((json_int_t)r.done.deleted)) != 0 ||
         json_object_set_new(j, "rowsInserted",
                             json_integer((json_int_t)r.done.inserted)) != 0)) {
        json_decref(j);
        j = NULL;
    }
    control_json_answer(a, 200, j);
}

/* DELETE /_emu/snapshots/NAME: 204 without a body. */
static void delete_one(struct app *app, char *name, struct soaphttpd_answer *a)
{
    if (control_json_run(app, "", delete_fn, name, a) != 0)
        return;
    a->status = 204;
    a->content_type = NULL;
    a->body = NULL;
    a->len = 0;
}

void control_snapshot_list(struct app *app, const struct soaphttpd_request *rq,
                           const char *rest, struct soaphttpd_answer *a)
{
    struct store_snapshot *list = NULL;
    size_t n = 0;
    struct err e;
    struct store_conn *c;
    json_t *arr, *j;

    (void)rq;
    (void)rest;
    err_clear(&e);
    c = store_acquire(app->store, &e);
    if (c == NULL || store_snapshot_list(c, &list, &n, &e) != 0) {
        if (c != NULL)
            store_release(app->store, c);
        control_json_error(a, control_json_status(e.code), "%s", e.msg);
        return;
    }
    store_release(app->store, c);
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, snapshot_json(&list[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    free(list);
    j = arr != NULL ? json_pack("{s:o, s:i}", "snapshots", arr, "max",
                                STORE_SNAPSHOT_MAX)
                    : NULL;
    control_json_answer(a, 200, j);
}

void control_snapshot_item(struct app *app, const struct soaphttpd_request *rq,
                           const char *rest, struct soaphttpd_answer *a)
{
    char name[STORE_SNAPSHOT_NAME_MAX + 1];
    size_t len = strlen(rest);
    size_t sl = sizeof(RESTORE_SUFFIX) - 1;
    int is_restore = len > sl && strcmp(rest + len - sl, RESTORE_SUFFIX) == 0;

    if (is_restore)
        len -= sl;
    if (!name_ok(rest, len)) {
        control_json_error(a, 400,
                           "a snapshot's name is 1 to %d characters of "
                           "A-Z a-z 0-9 _ . -",
                           STORE_SNAPSHOT_NAME_MAX);
        return;
    }
    memcpy(name, rest, len);
    name[len] = '\0';
    if (is_restore && strcmp(rq->method, "POST") != 0) {
        control_json_error(a, 405, "%s takes POST", rq->target);
        return;
    }
    if (is_restore)
        restore(app, name, a);
    else if (strcmp(rq->method, "DELETE") == 0)
        delete_one(app, name, a);
    else
        save(app, rq, name, a);
}
