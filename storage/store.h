/* micetro-emu storage: a small pool of libpq connections.
 *
 * Every SQL statement of the project lives under storage/ and runs through
 * PQexecParams with $n parameters.  A connection found broken is reset on
 * the next acquire, so the service recovers by itself when PostgreSQL
 * comes back.  Thread-safe: any thread may acquire/release.
 */
#ifndef MICETRO_STORE_H
#define MICETRO_STORE_H

#include <time.h>

#include "err.h"

struct store;      /* the pool; opaque */
struct store_conn; /* one pooled connection; opaque */

/* Brings the schema of the first connection up to date before the pool
 * serves (store_migrate of store_migrate.h); sets *applied to the number
 * of changes it made.  0 or a negative ERR_* with e filled. */
typedef int (*store_prepare_fn)(struct store_conn *c, int *applied,
                                struct err *e);

struct store_opts {
    const char *conninfo;     /* libpq conninfo string or URI */
    int pool_size;            /* connections at most (>= 1) */
    int acquire_timeout_ms;   /* wait for a free connection at most */
    int connect_timeout_s;    /* connect deadline, enforced by the client */
    int statement_timeout_ms; /* SET statement_timeout on every connection */
    int filter_timeout_ms;    /* statement_timeout of a statement carrying a
                               * caller's filter (store_exec_filtered); 0 or
                               * not below statement_timeout_ms: the same */
    store_prepare_fn prepare; /* run once on the first connection: NULL,
                               * or store_migrate */
};

/* Opens the pool: connects once to check the database and runs
 * opts->prepare on that connection (store_migrate: the migrations).
 * Returns NULL and fills e on failure.  The caller owns the result
 * (store_close). */
struct store *store_open(const struct store_opts *opts, struct err *e);
void store_close(struct store *st);

/* What opts->prepare reported as applied (the migrations store_open
 * applied; 0 when the schema was current), for the start-up log. */
int store_migrations_applied(const struct store *st);

/* Takes a connection, reconnecting it when it is broken.  While the
 * database refuses connections (down, restarting), tries again every
 * 200 ms until acquire_timeout_ms have passed since the call.  Returns
 * NULL and sets ERR_DB in e when the database cannot be reached then or no
 * connection became free within acquire_timeout_ms. */
struct store_conn *store_acquire(struct store *st, struct err *e);
/* Gives it back (rolls back an open transaction first). */
void store_release(struct store *st, struct store_conn *c);

/* The database as this process sees it: kept here, whatever notices a
 * change (a connection made or failing, the supervisor of the embedded
 * cluster), for the log and for whoever reports health. */
enum store_state {
    STORE_OK,         /* connections are made */
    STORE_DOWN,       /* connections fail, since `since` */
    STORE_RESTARTING, /* the embedded cluster is being started again */
    STORE_FAILED      /* it could not be restarted: the process stops */
};

struct store_health {
    enum store_state state;
    time_t since;         /* when the state began (wall clock) */
    int restarts;         /* times the embedded cluster was started again */
    char last_error[256]; /* the last failure, full text; "" when none */
};

/* A copy of the health, taken under the pool's lock. */
void store_health(struct store *st, struct store_health *h);
/* "ok", "down", "restarting", "failed". */
const char *store_state_name(enum store_state s);
/* The supervisor's news: a state (STORE_OK only through a connection or
 * store_health_restarted) with its error, or NULL to keep the last. */
void store_health_note(struct store *st, enum store_state state,
                       const char *error);
/* The embedded cluster was started again and accepts connections. */
void store_health_restarted(struct store *st);

/* One connection taken without waiting for the database to come back,
 * checked with a round trip and given back: 0, or ERR_DB with e filled
 * (and the health updated, as by any request). */
int store_ping(struct store *st, struct err *e);

/* Runs the check deferred on c (store_session_defer) if it has not run
 * yet: 0 when there is none or it passed, else its error (also when it
 * had run and failed), with e filled. */
int store_settle(struct store_conn *c, struct err *e);

/* Transactions: one per API call. */
int store_begin(struct store_conn *c, struct err *e);
/* A transaction whose every statement sees one snapshot (REPEATABLE
 * READ): a consistent read of several tables. */
int store_begin_snapshot(struct store_conn *c, struct err *e);
int store_commit(struct store_conn *c, struct err *e);
void store_rollback(struct store_conn *c);

/* Non-zero when c's transaction since the last store_begin failed
 * because PostgreSQL chose it as the victim of a deadlock (SQLSTATE
 * 40P01) or a serialization conflict (40001), whatever error its caller
 * made of that: once rolled back, it changed nothing and may run again
 * whole. */
int store_conflicted(const struct store_conn *c);

#endif
