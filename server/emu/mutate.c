/* micetro-emu: the transaction shape every mutation shares (mutate.h). */
#include "mutate.h"

#include <sys/random.h>
#include <time.h>

#include "app.h"
#include "call.h"
#include "log.h"
#include "store_changelog.h"
#include "validate.h"
#include "store.h"

/* The pause before attempt + 1 (mutate.h): the base doubled per attempt,
 * plus up to as much again at random. */
static void retry_pause(int attempt)
{
    long long ms = (long long)MUTATE_RETRY_BASE_MS << (attempt - 1);
    unsigned int r = 0;
    struct timespec ts;

    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
        r = (unsigned int)clock();
    ms += (long long)(r % (unsigned int)(ms + 1));
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* One attempt: BEGIN, fn, COMMIT; rolled back on any failure. */
static int attempt_tx(struct store_conn *c, mutate_fn fn, void *ctx,
                      struct err *e)
{
    int rc;

    if ((rc = store_begin(c, e)) != 0 || (rc = fn(c, ctx, e)) != 0 ||
        (rc = store_commit(c, e)) != 0)
        store_rollback(c);
    return rc;
}

int mutate_tx(struct call *k, mutate_fn fn, void *ctx)
{
    for (int attempt = 1;; attempt++) {
        int rc = attempt_tx(k->c, fn, ctx, &k->e);

        if (rc == 0 || !store_conflicted(k->c) || attempt == MUTATE_TX_ATTEMPTS)
            return rc;
        log_at(LOG_DEBUG, "%s: attempt %d of %d rolled back, trying again",
               k->e.msg, attempt, MUTATE_TX_ATTEMPTS);
        retry_pause(attempt);
        err_clear(&k->e);
    }
}

int mutate_insert(struct store_conn *c, const char *login, int ref_type,
                  const char *name, const char *comment,
                  mutate_insert_fn insert, const void *obj, long long *id,
                  struct err *e)
{
    int rc;

    if ((rc = insert(c, obj, id, e)) != 0)
        return rc;
    return store_changelog_add(c, login, CHANGELOG_ADD, ref_type, *id, name,
                               comment, e);
}

/* mutate_call's work, as a mutate_fn. */
struct one_call {
    struct soap *soap;
    const char *login;
    mutate_call_fn fn;
    const void *rq;
    long long *id;
};

static int call_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct one_call *a = ctx;

    return a->fn(a->soap, c, a->login, a->rq, a->id, e);
}

int mutate_call(struct call *k, mutate_call_fn fn, const void *rq,
                long long *id)
{
    struct one_call a = {k->soap, k->login, fn, rq, id};

    return mutate_tx(k, call_tx, &a);
}

int mutate_handle(struct soap *soap, const char *session, mutate_call_fn fn,
                  const void *rq, int ref_type, char **ref)
{
    long long id = 0;
    struct call k;
    int rc = call_begin(&k, soap, session);

    if (rc == 0)
        rc = mutate_call(&k, fn, rq, &id);
    if (ref_type == 0)
        return call_end(&k, rc);
    return call_end_ref(&k, rc, ref_type, id, ref);
}

int mutate_check_comment(const char *comment, struct err *e)
{
    return validate_text(comment, "saveComment", MUTATE_COMMENT_MAX, e);
}
