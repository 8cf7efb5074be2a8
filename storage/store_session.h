/* micetro-emu storage: sessions.
 *
 * Sessions are rows keyed by their 20-character id
 * with the time of their last use; a session is valid while
 * now() - last_used < idle timeout, computed by PostgreSQL's clock.
 */
#ifndef MICETRO_STORE_SESSION_H
#define MICETRO_STORE_SESSION_H

#include <stddef.h>

#include "store.h"

/* Records a new session for `login`. */
int store_session_create(struct store_conn *c, const char *sid,
                         const char *login, struct err *e);

/* Checks that sid is a live session (used less than idle_s seconds ago)
 * and marks it used now when its recorded last use is older than
 * min(idle_s / 20, 10) seconds (so most checks write nothing, and a session
 * may expire that much early); copies its login name into login (may be
 * NULL).
 * ERR_SESSION with "Invalid or expired session" when it is not. */
int store_session_touch(struct store_conn *c, const char *sid, int idle_s,
                        char *login, size_t loginlen, struct err *e);

/* store_session_touch, deferred to the next statement on c (store_int.h
 * store_defer: a SELECT rides with it in one round trip, and its outcome
 * decides first) or to store_settle; login is filled then, so it must
 * outlive the connection's use.  0, or the errors of store_session_touch
 * that need no database. */
int store_session_defer(struct store_conn *c, const char *sid, int idle_s,
                        char *login, size_t loginlen, struct err *e);

/* Ends session sid.  ERR_SESSION when it was not live. */
int store_session_end(struct store_conn *c, const char *sid, int idle_s,
                      struct err *e);

/* Deletes sessions idle for idle_s seconds or more; returns how many
 * (>= 0) or a negative ERR_* code. */
int store_session_purge(struct store_conn *c, int idle_s, struct err *e);

#endif
