/* micetro-emu core: failed attempts counted per key (a client address, a
 * login name), and the keys that failed too often refused for a while.
 *
 * A key's window opens at its first failure; max_failures failures before
 * window_ms has passed lock it for lockout_ms from the failure that
 * reached the limit, and its count starts again.  A lockout that starts
 * within window_ms of the end of the key's previous one lasts twice as
 * long as that one, up to lockout_max_ms; later ones start again from
 * lockout_ms.  A success forgets the key (throttle_forget).
 *
 * Memory is bounded: a table of a fixed number of entries, searched
 * linearly (a 64-bit hash first).  A new key takes a free entry, else one
 * that holds nothing any more (not locked, its window over, its last
 * lockout more than a window ago), else the entry that failed least
 * recently among those not locked, else the one that failed least
 * recently.  Keys are compared on their first THROTTLE_KEY_MAX - 1 bytes.
 *
 * No clock of its own: every call is told the time (milliseconds on any
 * monotonic clock), so tests drive it.  Thread-safe: one mutex per table.
 */
#ifndef MICETRO_THROTTLE_H
#define MICETRO_THROTTLE_H

#include <stddef.h>

#define THROTTLE_KEY_MAX 128         /* bytes of a key kept, with its NUL */
#define THROTTLE_MAX_ENTRIES 1048576 /* the largest table */

struct throttle_limits {
    int max_failures;         /* failures in a window that lock; 0: never */
    long long window_ms;      /* > 0 */
    long long lockout_ms;     /* the first lockout, > 0 */
    long long lockout_max_ms; /* doubling stops here (at least lockout_ms) */
    size_t entries;           /* keys remembered, 1..THROTTLE_MAX_ENTRIES */
};

struct throttle;

/* A new table for limits l (copied, entries and lockout_max_ms clamped
 * to their bounds); NULL when out of memory. */
struct throttle *throttle_new(const struct throttle_limits *l);

void throttle_free(struct throttle *t);

/* The milliseconds key stays locked after now_ms; 0 when it may try. */
long long throttle_locked(struct throttle *t, const char *key,
                          long long now_ms);

/* Counts a failure of key at now_ms.  Returns the lockout it starts (in
 * ms), or 0 when key stays open.  A key already locked counts nothing and
 * returns 0. */
long long throttle_fail(struct throttle *t, const char *key, long long now_ms);

/* Forgets key: its failures, its lockout, its doubling. */
void throttle_forget(struct throttle *t, const char *key);

/* Entries in use (for tests and the curious). */
size_t throttle_count(struct throttle *t);

#endif
