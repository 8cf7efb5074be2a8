/* micetro-emu: the transaction shape every mutation shares.
 *
 * A mutation checks and converts the caller's values first (nothing is
 * written before that), then makes the change and its change_log row, in
 * one transaction on the call's connection (call.h).
 */
#ifndef MICETRO_MUTATE_H
#define MICETRO_MUTATE_H

#include "err.h"

struct call;
struct soap;
struct store_conn;

/* Longest saveComment a mutation takes. */
#define MUTATE_COMMENT_MAX 4096

/* Checks a mutation's saveComment (NULL or text of at most
 * MUTATE_COMMENT_MAX bytes, validate_text's rules): 0 or ERR_INVALID. */
int mutate_check_comment(const char *comment, struct err *e);

/* Inserts obj and sets *id; a storage function such as store_range_add
 * behind a one-line adapter (mutate_insert). */
typedef int (*mutate_insert_fn)(struct store_conn *c, const void *obj,
                                long long *id, struct err *e);

/* Runs insert(obj) and its change_log row (login, an add of the ref_type
 * object called name, comment) in the caller's transaction on c: the
 * store part of an Add, for a handler's or the seed's (control_seed.h)
 * transaction.  0 with *id set, or a negative ERR_* code with e filled. */
int mutate_insert(struct store_conn *c, const char *login, int ref_type,
                  const char *name, const char *comment,
                  mutate_insert_fn insert, const void *obj, long long *id,
                  struct err *e);

/* One API call's check and store, in the caller's transaction on c, for
 * login (the change log's): rq is the call's request (a struct
 * _mm__AddDHCPServer for soap_servers_add ...; its session is not
 * looked at), *id the new object's id (0 for a call that adds none).
 * Nothing is written before the caller's values passed the checks.  The
 * SOAP handler runs it through mutate_call; the seed (control_seed.h)
 * runs many in one transaction.  0, or a negative ERR_* code with e
 * filled. */
typedef int (*mutate_call_fn)(struct soap *soap, struct store_conn *c,
                              const char *login, const void *rq, long long *id,
                              struct err *e);

/* fn(k->soap, k->c, k->login, rq, id, &k->e) in one transaction, run as
 * mutate_tx runs it. */
int mutate_call(struct call *k, mutate_call_fn fn, const void *rq,
                long long *id);

/* A whole SOAP handler of a mutation: call_begin for session, fn through
 * mutate_call, then call_end_ref with ref_type and ref (ref_type 0: a
 * call that answers no ref, call_end). */
int mutate_handle(struct soap *soap, const char *session, mutate_call_fn fn,
                  const void *rq, int ref_type, char **ref);

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
