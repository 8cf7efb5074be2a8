/* micetro-emu: storage tests of the push queue (store_job.c) on an
 * embedded cluster (storage_fixture.h). */
#include <string.h>

#include "store_job.h"
#include "store_sim.h"
#include "storage_fixture.h"
#include "store_int.h"

/* The push queue: exclusive claims, done, released when changed
 * meanwhile, failed with backoff, on the two servers of
 * storage_fixture_servers, whose inserts queued both (held until their
 * imports are done). */
static void test_jobs(struct store *st)
{
    struct store_job jobs[8], other[8], one;
    struct store_conn *c;
    size_t n = 0, m = 0;
    double due = 0;
    long long left = -1;
    struct err e;
    int again = 0, rc;

    storage_fixture_servers(st);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
    /* added servers wait for their import (migration 014) */
    rc = store_job_claim(c, "worker-a", 60, jobs, 8, &n, &e);
    CHECK(rc == 0 && n == 0, "nothing pushed before the import (%zu)", n);
    rc = store_job_next_due(c, &due, &e);
    CHECK(rc == 0 && due < 0, "nor due: %f", due);
    rc = store_exec_cmd(c, "UPDATE dhcp_imports SET state = 'Applied'", 0, NULL,
                        &e);
    CHECK(rc == 2, "imports applied: %s", e.msg);
    rc = store_job_claim(c, "worker-a", 60, jobs, 8, &n, &e);
    CHECK(rc == 0 && n == 2, "claim both queued servers: %s (%zu)", e.msg, n);
    rc = store_job_claim(c, "worker-b", 60, other, 8, &m, &e);
    CHECK(rc == 0 && m == 0, "a second worker gets nothing (%zu)", m);
    if (n != 2)
        goto out;
    CHECK(store_job_claim_server(c, "worker-b", 60, jobs[0].server_id, &one,
                                 &e) == 0,
          "nor the claimed server's job alone");
    CHECK(store_job_claim_server(c, "worker-a", 60, jobs[0].server_id, &one,
                                 &e) == 1 &&
              one.generation == jobs[0].generation,
          "its own claim it may renew");
    rc = store_job_done(c, "worker-a", &jobs[0], &again, &e);
    CHECK(rc == 0 && again == 0, "done: %s", e.msg);
    /* a change while the second push is out */
    rc = store_exec_cmd(c,
                        "UPDATE dhcp_scopes SET enabled = NOT enabled WHERE "
                        "server_id = (SELECT server_id FROM config_jobs)",
                        0, NULL, &e);
    CHECK(rc >= 1, "change meanwhile: %s", e.msg);
    rc = store_job_done(c, "worker-a", &jobs[1], &again, &e);
    CHECK(rc == 0 && again == 1, "released for another round: %s", e.msg);
    rc = store_job_claim(c, "worker-b", 60, other, 8, &m, &e);
    CHECK(rc == 0 && m == 1 && other[0].server_id == jobs[1].server_id &&
              other[0].generation > jobs[1].generation,
          "the next round carries the change (%zu)", m);
    rc = store_job_failed(c, "worker-b", &other[0], "agent unreachable", 2, 300,
                          &e);
    CHECK(rc == 0, "failed: %s", e.msg);
    rc = store_job_claim(c, "worker-a", 60, jobs, 8, &n, &e);
    CHECK(rc == 0 && n == 0, "not due during its backoff (%zu)", n);
    rc = store_job_next_due(c, &due, &e);
    CHECK(rc == 0 && due > 0.5 && due <= 2.5, "due in about 2 s: %f", due);
    CHECK(storage_fixture_count(
              c, "SELECT count(*) FROM config_jobs WHERE attempts = "
                 "1 AND last_error = 'agent unreachable'") == 1,
          "attempts and error kept");
    /* a worker that starts tries failed pushes at once */
    rc = store_job_retry_failed(c, &left, &e);
    CHECK(rc == 0 && left == 1, "retry the failed job now: %s (%lld)", e.msg,
          left);
    rc = store_job_claim(c, "worker-a", 60, jobs, 8, &n, &e);
    CHECK(rc == 0 && n == 1 && jobs[0].attempts == 1,
          "due at once, its attempts kept (%zu)", n);
    rc = store_job_retry_failed(c, &left, &e);
    CHECK(rc == 0 && left == 0, "a claimed job is left to its worker (%lld)",
          left);
    rc = store_job_release_all(c, "worker-a", &e);
    CHECK(rc == 0, "a stopping worker gives its claims back: %s", e.msg);
    rc = store_job_claim(c, "worker-b", 60, other, 8, &m, &e);
    CHECK(rc == 0 && m == 1 && other[0].server_id == jobs[0].server_id,
          "another worker takes it at once (%zu)", m);
    jobs[0] = other[0];
    rc = store_job_release_all(c, "worker-a", &e);
    CHECK(rc == 0 &&
              storage_fixture_count(c, "SELECT count(*) FROM config_jobs WHERE "
                                       "claimed_by = 'worker-b'") == 1,
          "nor another worker's claims: %s", e.msg);
    rc = store_job_failed(c, "worker-b", &jobs[0], "agent unreachable", 2, 300,
                          &e);
    CHECK(rc == 0, "failed again: %s", e.msg);
    /* a new change: worth a try at once */
    store_exec_cmd(c,
                   "UPDATE dhcp_scopes SET enabled = NOT enabled WHERE "
                   "server_id = (SELECT server_id FROM config_jobs)",
                   0, NULL, &e);
    rc = store_job_claim(c, "worker-a", 60, jobs, 8, &n, &e);
    CHECK(rc == 0 && n == 1 && jobs[0].attempts == 0,
          "a change resets the backoff (%zu)", n);
    /* a change while a push that then fails is out: the failure was of
     * the older file, the change is still worth a try at once */
    store_exec_cmd(c,
                   "UPDATE dhcp_scopes SET enabled = NOT enabled WHERE "
                   "server_id = (SELECT server_id FROM config_jobs)",
                   0, NULL, &e);
    rc = store_job_failed(c, "worker-a", &jobs[0], "agent unreachable", 2, 300,
                          &e);
    CHECK(rc == 0, "failed meanwhile: %s", e.msg);
    CHECK(storage_fixture_count(
              c, "SELECT count(*) FROM config_jobs WHERE attempts = 0 "
                 "AND next_attempt <= now() AND claimed_by IS NULL "
                 "AND last_error = 'agent unreachable'") == 1,
          "no backoff over the newer change, the error kept");
    rc = store_job_claim(c, "worker-a", 60, jobs, 8, &n, &e);
    CHECK(rc == 0 && n == 1 && jobs[0].attempts == 0,
          "the newer change is due at once (%zu)", n);
    if (n == 1)
        store_job_done(c, "worker-a", &jobs[0], &again, &e);
    rc = store_job_next_due(c, &due, &e);
    CHECK(rc == 0 && due == -1, "queue empty: %f", due);
out:
    store_release(st, c);
}

/* A simulated server's file from a push is kept only while the pushing
 * worker still holds the job at that generation: a push overtaken by a
 * reset or a restore (which take every claim back) keeps nothing. */
static void test_sim_claim(struct store *st)
{
    static const char peers[1][CONFPEERS_NAME_BUF] = {""};
    struct store_job jobs[8];
    struct store_conn *c;
    char hash[65];
    size_t n = 0;
    struct err e;
    int rc;

    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
    rc = store_exec_cmd(c, "SELECT config_job_mark(id) FROM dhcp_servers", 0,
                        NULL, &e);
    CHECK(rc >= 1, "a job queued: %s", e.msg);
    rc = store_job_claim(c, "worker-a", 60, jobs, 8, &n, &e);
    CHECK(rc == 0 && n >= 1, "claimed: %s (%zu)", e.msg, n);
    if (n < 1)
        goto out;
    struct store_sim_claim mine = {"worker-a", jobs[0].generation};
    struct store_sim_claim theirs = {"worker-b", jobs[0].generation};
    struct store_sim_claim older = {"worker-a", jobs[0].generation - 1};
    rc = store_sim_install(c, jobs[0].server_id, &theirs, "# b\n", peers, 0, 0,
                           hash, &e);
    CHECK(rc == ERR_CONFLICT, "another worker's push refused: %d", rc);
    rc = store_sim_install(c, jobs[0].server_id, &older, "# old\n", peers, 0, 0,
                           hash, &e);
    CHECK(rc == ERR_CONFLICT, "an older generation refused: %d", rc);
    CHECK(storage_fixture_count(c, "SELECT count(*) FROM sim_configs") == 0,
          "nothing kept");
    rc = store_sim_install(c, jobs[0].server_id, &mine, "# a\n", peers, 0, 0,
                           hash, &e);
    CHECK(rc == 0, "the claiming worker's push kept: %s", e.msg);
    rc = store_job_release_all(c, NULL, &e);
    CHECK(rc == 0, "claims taken back (a restore): %s", e.msg);
    rc = store_sim_install(c, jobs[0].server_id, &mine, "# late\n", peers, 0, 0,
                           hash, &e);
    CHECK(rc == ERR_CONFLICT && strstr(e.msg, "taken back") != NULL,
          "a push overtaken by the restore keeps nothing: %s", e.msg);
    CHECK(storage_fixture_count(c, "SELECT count(*) FROM sim_configs WHERE "
                                   "config = '# a\n'") == 1,
          "the file kept is the one before");
    rc = store_sim_install(c, jobs[0].server_id, NULL, "# given\n", peers, 0, 0,
                           hash, &e);
    CHECK(rc == 0, "a file given through the control API needs no claim: %s",
          e.msg);
out:
    store_release(st, c);
}

static void test_all(struct store *st)
{
    test_jobs(st);
    test_sim_claim(st);
}

int main(void)
{
    return storage_fixture_run("test_store_job", test_all);
}
