/* micetro-emu storage: the configuration push queue (see store_job.h). */
#include "store_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_import.h"
#include "store_int.h"

static long long col_ll(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void read_job(const PGresult *r, int row, struct store_job *job)
{
    job->server_id = col_ll(r, row, 0);
    job->generation = col_ll(r, row, 1);
    job->attempts = (int)col_ll(r, row, 2);
}

int store_job_claim(struct store_conn *c, const char *worker, int lease_s,
                    struct store_job *jobs, size_t max, size_t *n,
                    struct err *e)
{
    char lease[STORE_INTBUF], lim[STORE_INTBUF];
    const char *params[3];
    PGresult *r = NULL;
    int rc, rows;

    *n = 0;
    if (max == 0)
        return 0;
    params[0] = worker;
    params[1] = store_param_int(lease, lease_s);
    params[2] = store_param_int(lim, (long long)max);
    rc = store_exec(
        c,
        "UPDATE config_jobs j SET claimed_by = $1, "
        "claimed_until = now() + make_interval(secs => $2::integer), "
        "claimed_generation = j.generation "
        "FROM (SELECT server_id FROM config_jobs "
        "WHERE next_attempt <= now() "
        "AND (claimed_until IS NULL OR claimed_until < now()) "
        "AND " STORE_IMPORT_PUSHABLE(
            "config_jobs.server_id") " "
                                     "ORDER BY queued, server_id LIMIT "
                                     "$3::integer "
                                     "FOR UPDATE SKIP LOCKED) d "
                                     "WHERE j.server_id = d.server_id "
                                     "RETURNING j.server_id, "
                                     "j.claimed_generation, j.attempts",
        3, params, &r, e);
    if (rc != 0)
        return rc;
    rows = PQntuples(r);
    for (int i = 0; i < rows && (size_t)i < max; i++)
        read_job(r, i, &jobs[i]);
    *n = (size_t)rows < max ? (size_t)rows : max;
    PQclear(r);
    return 0;
}

int store_job_claim_server(struct store_conn *c, const char *worker,
                           int lease_s, long long server_id,
                           struct store_job *job, struct err *e)
{
    char lease[STORE_INTBUF], sid[STORE_INTBUF];
    const char *params[3];
    PGresult *r = NULL;
    int rc;

    params[0] = worker;
    params[1] = store_param_int(lease, lease_s);
    params[2] = store_param_int(sid, server_id);
    rc = store_exec(
        c,
        "UPDATE config_jobs j SET claimed_by = $1, "
        "claimed_until = now() + make_interval(secs => $2::integer), "
        "claimed_generation = j.generation "
        "FROM (SELECT server_id FROM config_jobs "
        "WHERE server_id = $3::bigint "
        "AND " STORE_IMPORT_PUSHABLE(
            "config_jobs.server_id") " "
                                     "AND (claimed_until IS NULL OR "
                                     "claimed_until < now() "
                                     "OR claimed_by = $1) "
                                     "FOR UPDATE SKIP LOCKED) d "
                                     "WHERE j.server_id = d.server_id "
                                     "RETURNING j.server_id, "
                                     "j.claimed_generation, j.attempts",
        3, params, &r, e);
    if (rc != 0)
        return rc;
    rc = PQntuples(r) > 0;
    if (rc)
        read_job(r, 0, job);
    PQclear(r);
    return rc;
}

int store_job_done(struct store_conn *c, const char *worker,
                   const struct store_job *job, int *again, struct err *e)
{
    char sid[STORE_INTBUF], gen[STORE_INTBUF];
    const char *params[3];
    int rc;

    if (again != NULL)
        *again = 0;
    params[0] = store_param_int(sid, job->server_id);
    params[1] = store_param_int(gen, job->generation);
    params[2] = worker;
    rc = store_exec_cmd(c,
                        "DELETE FROM config_jobs WHERE server_id = $1::bigint "
                        "AND generation = $2::bigint AND claimed_by = $3",
                        3, params, e);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    /* changed meanwhile (or the claim expired and was taken over) */
    if (again != NULL)
        *again = 1;
    params[1] = worker;
    rc = store_exec_cmd(c,
                        "UPDATE config_jobs SET claimed_by = NULL, "
                        "claimed_until = NULL, attempts = 0, "
                        "last_error = NULL WHERE server_id = $1::bigint "
                        "AND claimed_by = $2",
                        2, params, e);
    return rc < 0 ? rc : 0;
}

int store_job_failed(struct store_conn *c, const char *worker,
                     const struct store_job *job, const char *error, int base_s,
                     int cap_s, struct err *e)
{
    char sid[STORE_INTBUF], base[STORE_INTBUF], cap[STORE_INTBUF],
        gen[STORE_INTBUF], msg[STORE_JOB_ERROR_MAX + 1];
    const char *params[6];
    int rc;

    snprintf(msg, sizeof(msg), "%s", error != NULL ? error : "");
    params[0] = store_param_int(sid, job->server_id);
    params[1] = worker;
    params[2] = msg;
    params[3] = store_param_int(base, base_s);
    params[4] = store_param_int(cap, cap_s);
    params[5] = store_param_int(gen, job->generation);
    /* a change queued meanwhile (config_job_mark: due now, attempts 0)
     * was not what failed: it keeps its try at once */
    rc = store_exec_cmd(
        c,
        "UPDATE config_jobs SET claimed_by = NULL, claimed_until = NULL, "
        "last_error = $3, "
        "attempts = CASE WHEN generation = $6::bigint "
        "THEN attempts + 1 ELSE attempts END, "
        "next_attempt = CASE WHEN generation = $6::bigint "
        "THEN now() + make_interval(secs => "
        "least($5::double precision, $4::double precision * "
        "power(2, least(attempts, 30)))) ELSE next_attempt END "
        "WHERE server_id = $1::bigint AND claimed_by = $2",
        6, params, e);
    return rc < 0 ? rc : 0;
}

int store_job_release_all(struct store_conn *c, const char *worker,
                          struct err *e)
{
    const char *params[1] = {worker};
    int rc = store_exec_cmd(c,
                            "UPDATE config_jobs SET claimed_by = NULL, "
                            "claimed_until = NULL WHERE claimed_by = $1 "
                            "OR ($1 IS NULL AND claimed_by IS NOT NULL)",
                            1, params, e);

    return rc < 0 ? rc : 0;
}

int store_job_retry_failed(struct store_conn *c, long long *n, struct err *e)
{
    int rc = store_exec_cmd(c,
                            "UPDATE config_jobs SET next_attempt = now() "
                            "WHERE attempts > 0 AND next_attempt > now() "
                            "AND (claimed_until IS NULL "
                            "OR claimed_until < now())",
                            0, NULL, e);

    if (rc < 0)
        return rc;
    if (n != NULL)
        *n = rc;
    return 0;
}

int store_job_next_due(struct store_conn *c, double *seconds, struct err *e)
{
    char v[64];
    int rc;

    rc = store_query_text(c,
                          "SELECT greatest(0, extract(epoch FROM "
                          "min(greatest(next_attempt, coalesce("
                          "claimed_until, next_attempt))) - now())) "
                          "FROM config_jobs WHERE " STORE_IMPORT_PUSHABLE(
                              "config_jobs.server_id") " HAVING count(*) > 0",
                          0, NULL, v, sizeof(v), e);
    if (rc < 0)
        return rc;
    if (v[0] == '\0') {
        *seconds = -1;
        return 0;
    }
    *seconds = strtod(v, NULL);
    return 0;
}
