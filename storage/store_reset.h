/* micetro-emu storage: back to a fresh install (the control API's reset).
 */
#ifndef MICETRO_STORE_RESET_H
#define MICETRO_STORE_RESET_H

#include "err.h"

struct store_conn;

/* Inside the caller's transaction on c: every object, relationship,
 * property definition and value, change log row, queued push and journal
 * row gone,
 * their ids starting again at 1; the sessions too unless keep_sessions.
 * The users stay (the administrator keeps the password it has).  Takes
 * the tables in the order of the lock order (docs/design.md), each
 * ACCESS EXCLUSIVE: calls running meanwhile finish first, later ones
 * wait for the commit.  0, or a negative ERR_* code. */
int store_reset(struct store_conn *c, int keep_sessions, struct err *e);

#endif
