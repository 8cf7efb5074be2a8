/* micetro-emu: the transaction shape every mutation shares (mutate.h). */
#include "mutate.h"

#include "call.h"
#include "store_changelog.h"
#include "validate.h"
#include "store.h"

int mutate_add(struct call *k, int ref_type, const char *name,
               const char *comment, mutate_insert_fn insert, const void *obj,
               long long *id)
{
    struct store_conn *c = k->c;
    struct err *e = &k->e;
    int rc;

    if ((rc = store_begin(c, e)) != 0 || (rc = insert(c, obj, id, e)) != 0 ||
        (rc = store_changelog_add(c, k->login, CHANGELOG_ADD, ref_type, *id,
                                  name, comment, e)) != 0 ||
        (rc = store_commit(c, e)) != 0)
        store_rollback(c);
    return rc;
}

int mutate_tx(struct call *k, mutate_fn fn, void *ctx)
{
    struct store_conn *c = k->c;
    int rc;

    if ((rc = store_begin(c, &k->e)) != 0 || (rc = fn(c, ctx, &k->e)) != 0 ||
        (rc = store_commit(c, &k->e)) != 0)
        store_rollback(c);
    return rc;
}

int mutate_check_comment(const char *comment, struct err *e)
{
    return validate_text(comment, "saveComment", MUTATE_COMMENT_MAX, e);
}
