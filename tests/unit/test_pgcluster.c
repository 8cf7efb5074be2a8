/* micetro-emu: storage tests of the embedded cluster (pgcluster.c): the
 * directories it refuses, a start that reuses the running cluster, stops,
 * and the data surviving a restart (storage_fixture.h). */
#include <string.h>
#include <sys/stat.h>
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

int main(void)
{
    struct store *st = NULL;

    if (storage_fixture_init("test_pgcluster") == 0) {
        test_bad_dirs(storage_fixture.base);
        st = storage_fixture_store();
    }
    if (st != NULL) {
        storage_fixture_admin(st);
        if (test_reuse() == 0)
            test_restart(&st);
    }
    store_close(st);
    return storage_fixture_end();
}
