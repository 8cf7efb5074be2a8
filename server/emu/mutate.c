/* micetro-emu: the transaction shape every mutation shares (mutate.h). */
#include "mutate.h"

#include "app.h"
#include "store_changelog.h"
#include "validate.h"
#include "store.h"

int mutate_add(struct app *app, const char *login, int ref_type,
               const char *name, const char *comment, mutate_insert_fn insert,
               const void *obj, long long *id, struct err *e)
{
    struct store_conn *c;
    int rc;

    c = store_acquire(app->store, e);
    if (c == NULL)
        return e->code;
    if ((rc = store_begin(c, e)) != 0 || (rc = insert(c, obj, id, e)) != 0 ||
        (rc = store_changelog_add(c, login, CHANGELOG_ADD, ref_type, *id, name,
                                  comment, e)) != 0)
        goto out;
    rc = store_commit(c, e);
out:
    store_release(app->store, c); /* rolls back what is left open */
    return rc;
}

int mutate_tx(struct app *app, mutate_fn fn, void *ctx, struct err *e)
{
    struct store_conn *c;
    int rc;

    c = store_acquire(app->store, e);
    if (c == NULL)
        return e->code;
    if ((rc = store_begin(c, e)) == 0 && (rc = fn(c, ctx, e)) == 0)
        rc = store_commit(c, e);
    store_release(app->store, c); /* rolls back what is left open */
    return rc;
}

int mutate_check_comment(const char *comment, struct err *e)
{
    return validate_text(comment, "saveComment", MUTATE_COMMENT_MAX, e);
}
