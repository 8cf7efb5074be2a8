/* micetro-emu: the transaction shape every mutation shares.
 *
 * A handler checks and converts the caller's values first (nothing is
 * written before that), then lets mutate_add run the change and its
 * change_log row in one transaction on the call's connection (call.h).
 */
#ifndef MICETRO_MUTATE_H
#define MICETRO_MUTATE_H

#include "err.h"

struct call;
struct store_conn;

/* Longest saveComment a mutation takes. */
#define MUTATE_COMMENT_MAX 4096

/* Checks a mutation's saveComment (NULL or text of at most
 * MUTATE_COMMENT_MAX bytes, validate_text's rules): 0 or ERR_INVALID. */
int mutate_check_comment(const char *comment, struct err *e);

/* Inserts obj and sets *id; a storage function such as store_range_add
 * behind a one-line adapter. */
typedef int (*mutate_insert_fn)(struct store_conn *c, const void *obj,
                                long long *id, struct err *e);

/* Runs insert(obj) and the change_log row (who: the call's login, what:
 * an add of the ref_type object called name, why: comment) in one
 * transaction on k->c, retried as mutate_tx retries.  Returns 0 with *id set,
 * or a negative ERR_* code with k->e filled and nothing changed. */
int mutate_add(struct call *k, int ref_type, const char *name,
               const char *comment, mutate_insert_fn insert, const void *obj,
               long long *id);

/* A transaction PostgreSQL ends as the victim of a deadlock or a
 * serialization conflict (store_conflicted) is rolled back whole and run
 * again, MUTATE_TX_ATTEMPTS times in all at most.  Before attempt n + 1
 * it waits MUTATE_RETRY_BASE_MS << (n - 1) ms plus a random part up to as
 * much again, so that the calls that met do not meet again at once. */
#define MUTATE_TX_ATTEMPTS 5
#define MUTATE_RETRY_BASE_MS 5

/* Runs fn(k->c, ctx, &k->e) in one transaction and commits when it
 * returns 0; on an error nothing it did stays.  A transaction that lost a
 * deadlock runs again from the start (above), each retry logged with
 * --verbose: fn must read what it needs again rather than keep it in ctx
 * from an attempt before.  For calls that change several objects (the
 * failover commands, SetProperties, removals). */
typedef int (*mutate_fn)(struct store_conn *c, void *ctx, struct err *e);
int mutate_tx(struct call *k, mutate_fn fn, void *ctx);

#endif
