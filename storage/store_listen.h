/* micetro-emu storage: waiting for NOTIFY on a channel (the worker's
 * wake-up call: the triggers of migration 007 notify micetro_config).
 *
 * A listener is one libpq connection of its own, outside the pool, that
 * only LISTENs.  A lost connection is reopened by the next wait; a wait
 * never blocks longer than asked, so a caller that also polls loses
 * nothing when notifications are missed.
 */
#ifndef MICETRO_STORE_LISTEN_H
#define MICETRO_STORE_LISTEN_H

#include "store.h"

struct store_listener;

/* Connects (connect_timeout_s at most) and LISTENs on channel, a plain
 * identifier.  Returns NULL with e filled when it cannot. */
struct store_listener *store_listen_open(const char *conninfo,
                                         const char *channel,
                                         int connect_timeout_s, struct err *e);

/* Waits up to timeout_ms for a notification: 1 when one (or more) came,
 * 0 on timeout, a negative ERR_* when the connection failed (the next
 * call reconnects). */
int store_listen_wait(struct store_listener *l, int timeout_ms, struct err *e);

void store_listen_close(struct store_listener *l);

#endif
