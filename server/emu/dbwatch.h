/* micetro-emu: the supervisor of the database, a thread of its own.
 *
 * With the embedded cluster it looks every 500 ms whether the postmaster
 * still runs (its postmaster.pid and the process); when it is gone
 * (killed, crashed, stopped by someone else) it logs the death and starts
 * the cluster again (pgcluster_restart), up to DBWATCH_ATTEMPTS times with
 * 1, 2, 4, 8 s between attempts, logging each.  When every attempt failed
 * it logs why, marks the health failed and sets the stop flag: the process
 * ends with status 1, for its own supervisor (systemd, a container
 * runtime) to start it again.  With an external database (--db) nothing is
 * restarted: it checks a connection every 5 s, so the health stays
 * current without traffic.  Either way the health is the store's
 * (store_health), which requests update too.
 */
#ifndef MICETRO_DBWATCH_H
#define MICETRO_DBWATCH_H

#include <signal.h>

#include "err.h"

/* Restart attempts after one death of the postmaster. */
#define DBWATCH_ATTEMPTS 5

struct dbwatch;
struct pgcluster;
struct store;

/* Starts the thread: pc is the embedded cluster (NULL with --db), stop
 * the process's stop flag, which it sets when it gives up and watches to
 * end.  NULL with e filled when the thread cannot start. */
struct dbwatch *dbwatch_start(struct store *st, struct pgcluster *pc,
                              volatile sig_atomic_t *stop, struct err *e);

/* 1 when it gave up restarting the cluster (the process must end with
 * status 1). */
int dbwatch_failed(const struct dbwatch *w);

/* Ends the thread (an attempt under way finishes first) and frees w; the
 * cluster is then the caller's to stop. */
void dbwatch_stop(struct dbwatch *w);

#endif
