/* micetro-emu tests: what the storage tests share.
 *
 * Each storage test (test_store*.c, test_pgcluster.c) runs an embedded
 * cluster of its own in $MICETRO_TEST_DATA_DIR/<test> (made when missing;
 * as root it must be reachable by the postgres user) or, when that is
 * unset, in a temporary directory under /tmp that it removes afterwards
 * unless MICETRO_TEST_KEEP is set.  CHECK counts, and prints a failure
 * with its message; storage_fixture_end prints "N passed, M failed".
 *
 *     static void test_x(struct store *st) { ... CHECK(...); ... }
 *
 *     int main(void)
 *     {
 *         return storage_fixture_run("test_store_x", test_x);
 *     }
 */
#ifndef MICETRO_TEST_STORAGE_FIXTURE_H
#define MICETRO_TEST_STORAGE_FIXTURE_H

#include <stdio.h>

#include "pgcluster.h"
#include "store.h"

/* Password hashes of users: stored and compared, never verified. */
#define HASH1 "$6$salt$first"
#define HASH2 "$6$salt$second"

extern int storage_fixture_passed, storage_fixture_failed;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (cond) {                                                            \
            storage_fixture_passed++;                                          \
        } else {                                                               \
            storage_fixture_failed++;                                          \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                        \
            printf(__VA_ARGS__);                                               \
            printf("\n");                                                      \
        }                                                                      \
    } while (0)

struct storage_fixture {
    char base[4096];      /* the test's directory */
    char data_dir[4200];  /* base/var: the cluster's */
    char conninfo[8192];  /* the cluster's, once started */
    struct pgcluster *pc; /* the running cluster, or NULL */
    int made;             /* base is a temporary directory to remove */
};

extern struct storage_fixture storage_fixture;

/* Makes the directory of the test `name` and sets stdout line buffered.
 * 0, or -1 with the reason on stderr, counted as a failure. */
int storage_fixture_init(const char *name);

/* pgcluster_start on the test's directory, filling
 * storage_fixture.conninfo: the cluster, or NULL with e filled.  The
 * caller keeps it in storage_fixture.pc. */
struct pgcluster *storage_fixture_start(struct err *e);

/* Starts the cluster (CHECKed "cluster start") and opens a store of 4
 * connections on it, applying the migrations (CHECKed "store open").
 * The store, or NULL when either failed. */
struct store *storage_fixture_store(void);

/* store_open on the cluster, applying the migrations: pool connections,
 * acquire_ms to wait for one, 5 s to connect, 10 s for a statement. */
struct store *storage_fixture_open(int pool, int acquire_ms, struct err *e);

/* The number the query sql (a count) answers on c, or -1. */
long storage_fixture_count(struct store_conn *c, const char *sql);

/* Seconds on the monotonic clock. */
double storage_fixture_now(void);

/* The user "admin" with HASH2, as test_store_user leaves it (CHECKed
 * "user admin"). */
void storage_fixture_admin(struct store *st);

/* Two servers in the relationship cfg-fo: cfg1.example. (127.0.0.2, the
 * primary, with an OMAPI key and statements) and cfg2.example.
 * (127.0.0.3); each a scope of 10.77.0.0/24 (with statements; disabled on
 * cfg2) and of 10.77.1.0/24, a pool .100-.150 in each (CHECKed "config
 * setup").  Their inserts queue a push of both servers. */
void storage_fixture_servers(struct store *st);

/* storage_fixture_init, storage_fixture_store, tests on the store when
 * both went well, then store_close and storage_fixture_end: main's exit
 * status. */
int storage_fixture_run(const char *name, void (*tests)(struct store *st));

/* Stops the cluster when it runs (CHECKed "last stop"), removes a
 * temporary directory, prints "N passed, M failed" and gives main's exit
 * status. */
int storage_fixture_end(void);

#endif
