/* micetro-emu storage: the configuration push queue (table config_jobs,
 * migrations 007 and 008) as the worker works it.
 *
 * A job says "server S's file must be rendered and pushed again"; the
 * triggers write it in the transaction of every change.  Workers claim
 * due jobs for a lease (several workers skip each other's rows, FOR
 * UPDATE SKIP LOCKED), push, then settle them: done when no change came
 * in since the claim (the generation is still the claimed one), released
 * for another round otherwise, or failed with a capped exponential
 * backoff.  A claim whose worker died expires with its lease: nothing is
 * lost.  Each function is one statement; call them outside a transaction
 * (they are their own).
 */
#ifndef MICETRO_STORE_JOBS_H
#define MICETRO_STORE_JOBS_H

#include <stddef.h>

#include "store_server.h"
#include "store.h"

#define STORE_JOB_ERROR_MAX 1023 /* bytes of last_error kept */

/* A claimed job. */
struct store_job {
    long long server_id;
    long long generation; /* the changes the push will carry */
    int attempts;         /* failed pushes so far */
};

/* Claims at most max due jobs (next_attempt passed, unclaimed or lease
 * expired), oldest first, for worker for lease_s seconds; fills jobs[]
 * and *n. */
int store_job_claim(struct store_conn *c, const char *worker, int lease_s,
                    struct store_job *jobs, size_t max, size_t *n,
                    struct err *e);

/* Claims server_id's job too when it is due and free (partners of a
 * relationship are validated together): 1 with *job set, 0 when it has
 * no job or another worker holds it. */
int store_job_claim_server(struct store_conn *c, const char *worker,
                           int lease_s, long long server_id,
                           struct store_job *job, struct err *e);

/* The push of job succeeded: the job goes when its generation is still
 * the claimed one, else it is released for the next round.  *again (may
 * be NULL) is 1 when it was released. */
int store_job_done(struct store_conn *c, const char *worker,
                   const struct store_job *job, int *again, struct err *e);

/* The push failed: released with attempts + 1 and next_attempt in
 * min(base_s * 2^attempts, cap_s) seconds, the error kept; when a change
 * came in since the claim (the generation is no longer the claimed one),
 * only released with the error kept: the change is due at once. */
int store_job_failed(struct store_conn *c, const char *worker,
                     const struct store_job *job, const char *error, int base_s,
                     int cap_s, struct err *e);

/* Gives back every claim worker still holds (it stops: jobs it claimed
 * but did not push go to the next worker at once, not when the lease
 * ends); every claim of every worker when worker is NULL (a snapshot
 * restored: its queue is claimed by no one). */
int store_job_release_all(struct store_conn *c, const char *worker,
                          struct err *e);

/* Makes every failed job that waits for its backoff due now (a worker
 * that starts may have what the failures lacked: a secret, a fixed
 * agent); *n (may be NULL) the number of jobs. */
int store_job_retry_failed(struct store_conn *c, long long *n, struct err *e);

/* The seconds until the next job is due (0: one is due now), or -1 when
 * there is none. */
int store_job_next_due(struct store_conn *c, double *seconds, struct err *e);

#endif
