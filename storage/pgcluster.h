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
 * postmaster (itself, not through pg_ctl) and waits until it accepts
 * connections.  Reuses a cluster that
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

/* A cluster made once per installation and copied into each new data
 * directory instead of running initdb: TEMPLATE_DIR/pgMAJOR-KEY/pg, with
 * a stamp beside it naming its files and bytes.  It is made (initdb, the
 * micetro database, then `prepare` on it: the migrations) in a temporary
 * directory beside it and renamed into place, so that processes starting
 * at once never see half of one (each may make its own; the first rename
 * wins).  A copy that does not match the stamp, or a template that does
 * not start, is made again once; when that fails too the start falls
 * back to initdb, saying why. */
struct pgcluster_template {
    const char *dir; /* the cache; NULL: no template, initdb */
    const char *key; /* what prepare puts in, in [A-Za-z0-9._-] ("m9") */
    /* run on the template's micetro database while it is made, given
     * its conninfo: 0, or a negative ERR_* with e filled; NULL: none */
    int (*prepare)(const char *conninfo, void *arg, struct err *e);
    void *arg;
};

/* How pgcluster_start_from found or made the cluster. */
enum pgcluster_origin {
    PGCLUSTER_EXISTED,  /* DIR/pg was there */
    PGCLUSTER_INITDB,   /* made by initdb */
    PGCLUSTER_TEMPLATE, /* copied from the template */
};

struct pgcluster_report {
    enum pgcluster_origin origin;
    int template_made;        /* this start made the template */
    char template_path[4096]; /* the template used or tried; "" none */
    char template_note[512];  /* why it was made again or not used */
    double create_ms;         /* making DIR/pg (copy or initdb) */
};

/* pgcluster_start with a template for a new DIR/pg (t NULL: none); r,
 * when not NULL, says what happened. */
struct pgcluster *pgcluster_start_from(const char *data_dir,
                                       const struct pgcluster_template *t,
                                       char *conninfo, size_t conninfolen,
                                       struct pgcluster_report *r,
                                       struct err *e);

/* Makes the template t names for the PostgreSQL found here, as a start
 * of a new cluster would, without any data directory: when it is missing
 * or its files are not the ones its stamp names (made again); a whole one
 * is only looked at (it may be read-only).  The server that prepares it
 * has its socket and log in a scratch directory under $TMPDIR (else
 * /tmp), removed afterwards, kept when the template could not be made
 * (the error names the log).  r says which template (template_path),
 * whether this call made it (template_made, in create_ms) and why it was
 * made again (template_note).  0, or a negative ERR_* with e filled. */
int pgcluster_template_make(const struct pgcluster_template *t,
                            struct pgcluster_report *r, struct err *e);

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

/* Stops the postmaster (a fast shutdown, waiting for it) and frees pc. */
int pgcluster_stop(struct pgcluster *pc, struct err *e);

#endif
