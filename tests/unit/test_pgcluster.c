/* micetro-emu: storage tests of the embedded cluster (pgcluster.c): the
 * directories it refuses, a start that reuses the running cluster, stops,
 * the data surviving a restart, and a postmaster killed and started again
 * while the pool waits for it (storage_fixture.h). */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pgcluster.h"
#include "store_user.h"
#include "storage_fixture.h"

static void test_bad_dirs(const char *base)
{
    struct pgcluster *pc;
    char dir[8192], ci[512];
    struct err e;
    size_t n;

    snprintf(dir, sizeof(dir), "%s/a'b", base);
    pc = pgcluster_start(dir, ci, sizeof(ci), &e);
    CHECK(pc == NULL && e.code == ERR_INVALID, "quote in path: %s", e.msg);
    if (pc != NULL)
        pgcluster_stop(pc, NULL);

    snprintf(dir, sizeof(dir), "%s/", base);
    n = strlen(dir);
    memset(dir + n, 'x', 110);
    dir[n + 110] = '\0';
    pc = pgcluster_start(dir, ci, sizeof(ci), &e);
    CHECK(pc == NULL && e.code == ERR_INVALID &&
              strstr(e.msg, "too long") != NULL &&
              strstr(e.msg, ".s.PGSQL.5432") != NULL,
          "socket path too long: %s", e.msg);
    if (pc != NULL)
        pgcluster_stop(pc, NULL);

    if (geteuid() == 0) {
        snprintf(dir, sizeof(dir), "%s/private", base);
        mkdir(dir, 0700);
        chmod(dir, 0700);
        snprintf(dir, sizeof(dir), "%s/private/var", base);
        pc = pgcluster_start(dir, ci, sizeof(ci), &e);
        CHECK(pc == NULL && strstr(e.msg, "is not reachable by the "
                                          "postgres user") != NULL,
              "unreachable directory: %s", e.msg);
        if (pc != NULL)
            pgcluster_stop(pc, NULL);
    }
}

/* A second start on a running cluster reuses it; stopping a stopped
 * cluster is fine.  0, or -1 when the cluster did not start again. */
static int test_reuse(void)
{
    struct pgcluster *pc2;
    struct err e;
    int rc;

    pc2 = storage_fixture_start(&e);
    CHECK(pc2 != NULL, "start while running reuses it: %s", e.msg);
    if (pc2 != NULL) {
        rc = pgcluster_stop(pc2, &e);
        CHECK(rc == 0, "stop through the second handle: %s", e.msg);
        /* already stopped: stopping again is fine */
        rc = pgcluster_stop(storage_fixture.pc, &e);
        CHECK(rc == 0, "stop a stopped cluster: %s", e.msg);
        storage_fixture.pc = storage_fixture_start(&e);
        CHECK(storage_fixture.pc != NULL, "start again: %s", e.msg);
        if (storage_fixture.pc == NULL)
            return -1;
    }
    return 0;
}

/* The data survives a restart: *st closed, the cluster stopped and
 * started, *st opened again. */
static void test_restart(struct store **st)
{
    struct store_conn *c;
    char hash[128];
    struct err e;
    int rc;

    store_close(*st);
    *st = NULL;
    rc = pgcluster_stop(storage_fixture.pc, &e);
    storage_fixture.pc = NULL;
    CHECK(rc == 0, "final stop: %s", e.msg);
    rc = pgcluster_stop(NULL, &e);
    CHECK(rc == 0, "stop NULL");
    storage_fixture.pc = storage_fixture_start(&e);
    CHECK(storage_fixture.pc != NULL, "restart: %s", e.msg);
    if (storage_fixture.pc == NULL)
        return;
    *st = storage_fixture_open(1, 2000, &e);
    CHECK(*st != NULL && store_migrations_applied(*st) == 0,
          "reopen after restart: %s", *st == NULL ? e.msg : "");
    if (*st != NULL) {
        c = store_acquire(*st, &e);
        CHECK(c != NULL, "acquire after restart: %s", e.msg);
        if (c != NULL) {
            rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
            CHECK(rc == 0 && strcmp(hash, HASH2) == 0, "data survived: %s",
                  e.msg);
            store_release(*st, c);
        }
    }
}

/* How many processes work in the cluster's directory: the postmaster's
 * children, which exit a moment after it died. */
static int cluster_processes(void)
{
    char pgdata[sizeof(storage_fixture.data_dir) + 4], real[PATH_MAX],
        link[300], cwd[PATH_MAX];
    struct dirent *de;
    ssize_t n;
    DIR *d;
    int count = 0;

    snprintf(pgdata, sizeof(pgdata), "%s/pg", storage_fixture.data_dir);
    if (realpath(pgdata, real) == NULL || (d = opendir("/proc")) == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        snprintf(link, sizeof(link), "/proc/%s/cwd", de->d_name);
        n = readlink(link, cwd, sizeof(cwd) - 1);
        if (de->d_name[0] < '1' || de->d_name[0] > '9' || n < 0)
            continue;
        cwd[n] = '\0';
        count += strcmp(cwd, real) == 0;
    }
    closedir(d);
    return count;
}

struct restarter {
    long pid;
    int rc;
    struct err e;
};

static void *restart_later(void *arg)
{
    struct restarter *r = arg;
    struct timespec ts = {0, 300 * 1000000L};

    nanosleep(&ts, NULL);
    r->rc = pgcluster_restart(storage_fixture.pc, &r->pid, &r->e);
    return NULL;
}

/* kill -9 of the postmaster: seen gone; a request waits its time limit
 * and fails; pgcluster_restart starts it again while another request
 * waits, which then gets its connection and the data; the health follows. */
static void test_killed(struct store *st)
{
    struct store_health h;
    struct store_conn *c;
    struct restarter r;
    struct store *patient;
    pthread_t t;
    char hash[128];
    struct err e;
    long pid = 0, gone = 0;
    double t0;
    int rc, i;

    patient = storage_fixture_open(1, 30000, &e);
    CHECK(patient != NULL, "open a patient store: %s", e.msg);
    CHECK(pgcluster_alive(storage_fixture.pc, &pid) == 1 && pid > 0,
          "postmaster alive: %ld", pid);
    store_health(st, &h);
    CHECK(h.state == STORE_OK && h.restarts == 0 && h.last_error[0] == '\0',
          "healthy at first: %s %s", store_state_name(h.state), h.last_error);
    if (patient == NULL || pid <= 0 || kill((pid_t)pid, SIGKILL) != 0) {
        CHECK(0, "kill -9 the postmaster");
        store_close(patient);
        return;
    }
    t0 = storage_fixture_now();
    while (pgcluster_alive(storage_fixture.pc, &gone) &&
           storage_fixture_now() - t0 < 5)
        usleep(10000);
    CHECK(pgcluster_alive(storage_fixture.pc, &gone) == 0 && gone == pid,
          "seen gone: %ld", gone);
    /* its backends end the pool's connections as they exit */
    while (cluster_processes() > 0 && storage_fixture_now() - t0 < 10)
        usleep(10000);
    CHECK(cluster_processes() == 0, "the postmaster's children exited");

    /* nothing restarts it here: a request waits out its 2 s and fails
     * (an idle connection whose backend has not yet closed it looks
     * alive for a moment: then the next one) */
    for (i = 0; i < 50; i++) {
        t0 = storage_fixture_now();
        c = store_acquire(st, &e);
        if (c == NULL)
            break;
        store_release(st, c);
        usleep(100000);
    }
    CHECK(c == NULL && strncmp(e.msg, "database unavailable: ", 22) == 0,
          "acquire while down: %s", c != NULL ? "got one" : e.msg);
    CHECK(storage_fixture_now() - t0 >= 1.7 && storage_fixture_now() - t0 < 10,
          "waited %.2f s for the database", storage_fixture_now() - t0);
    if (c != NULL)
        store_release(st, c);
    store_health(st, &h);
    CHECK(h.state == STORE_DOWN && h.since > 0 && h.last_error[0] != '\0',
          "down: %s since %lld: %s", store_state_name(h.state),
          (long long)h.since, h.last_error);
    store_health_note(st, STORE_RESTARTING, NULL);
    store_health(st, &h);
    CHECK(h.state == STORE_RESTARTING && h.last_error[0] != '\0',
          "restarting: %s", store_state_name(h.state));

    /* started again while a patient request waits for it */
    memset(&r, 0, sizeof(r));
    pthread_create(&t, NULL, restart_later, &r);
    t0 = storage_fixture_now();
    c = store_acquire(patient, &e);
    CHECK(c != NULL, "acquire across the restart: %s", e.msg);
    printf("  a connection %.2f s after the restart began\n",
           storage_fixture_now() - t0);
    pthread_join(t, NULL);
    CHECK(r.rc == 0 && r.pid > 0 && r.pid != pid, "restart: %s (pid %ld)",
          r.rc != 0 ? r.e.msg : "", r.pid);
    if (c != NULL) {
        rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
        CHECK(rc == 0 && strcmp(hash, HASH2) == 0, "data after kill -9: %s",
              e.msg);
        store_release(patient, c);
    }
    CHECK(pgcluster_alive(storage_fixture.pc, &pid) == 1 && pid == r.pid,
          "the new postmaster alive: %ld", pid);
    store_health_restarted(st);
    store_health(st, &h);
    CHECK(h.state == STORE_OK && h.restarts == 1, "ok again: %s, %d restarts",
          store_state_name(h.state), h.restarts);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "the first store reconnects: %s", e.msg);
    if (c != NULL)
        store_release(st, c);
    store_close(patient);
}

int main(void)
{
    struct store *st = NULL;

    if (storage_fixture_init("test_pgcluster") == 0) {
        test_bad_dirs(storage_fixture.base);
        st = storage_fixture_store();
    }
    if (st != NULL) {
        storage_fixture_admin(st);
        test_killed(st);
        if (test_reuse() == 0)
            test_restart(&st);
    }
    store_close(st);
    return storage_fixture_end();
}
