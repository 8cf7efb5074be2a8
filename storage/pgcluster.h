/* micetro-emu storage: the embedded PostgreSQL cluster.
 *
 * With no database configured, micetro-emu keeps a private cluster in its
 * data directory: DIR/pg (the cluster, made by initdb on first use) and
 * DIR/run (its unix socket; no TCP listener).  As root, initdb, pg_ctl and
 * the postmaster run as the `postgres` user, which PostgreSQL requires.
 */
#ifndef MICETRO_PGCLUSTER_H
#define MICETRO_PGCLUSTER_H

#include <stddef.h>

#include "err.h"

struct pgcluster; /* opaque */

/* Creates DIR (and DIR/pg with initdb) when missing, then starts the
 * postmaster and waits until it accepts connections.  Reuses a cluster that
 * is already running from DIR (for instance after a crash of micetro-emu)
 * when its postmaster is alive.  Fills conninfo (host=DIR/run dbname=...
 * user=...) for store_open.  Returns NULL and fills e on failure with a
 * message that says what to do (missing packages, path too long for a unix
 * socket, directory the postgres user cannot reach, ...). */
/* 1 when data_dir already holds a cluster (a start reuses it), 0 when a
 * start will create one first (initdb: seconds). */
int pgcluster_exists(const char *data_dir);

struct pgcluster *pgcluster_start(const char *data_dir, char *conninfo,
                                  size_t conninfolen, struct err *e);

/* Whether the postmaster runs: 1, or 0 when it is gone (killed, crashed,
 * stopped by someone else).  *pid is its pid, the last known one when it
 * is gone.  As pid 1 of a container, reaps it.  Not thread-safe: one
 * caller (the supervisor) at a time, and not during pgcluster_stop. */
int pgcluster_alive(struct pgcluster *pc, long *pid);

/* Starts the postmaster again after it died: waits (at most 10 s) for the
 * processes it left to exit, which still hold its shared memory, then
 * pg_ctl start on the same data directory (a postmaster.pid whose process
 * is gone is taken over), until it accepts connections; a postmaster of
 * the cluster found running again is kept.  Sets *pid.  0, or a negative
 * ERR_* with e filled (quoting the log as pgcluster_start does). */
int pgcluster_restart(struct pgcluster *pc, long *pid, struct err *e);

/* Stops the postmaster (pg_ctl stop -m fast, waiting) and frees pc. */
int pgcluster_stop(struct pgcluster *pc, struct err *e);

#endif
