/* micetro-emu: storage tests against an embedded PostgreSQL cluster.
 *
 * Runs in MICETRO_TEST_DATA_DIR (a fresh directory; as root it must be
 * reachable by the postgres user) or, when that is unset, in a temporary
 * directory under /tmp that it removes afterwards.  Starts a cluster with
 * pgcluster_start, exercises the pool, the migrations, users and sessions,
 * text arrays, an outage of PostgreSQL and the recovery from it, a frozen
 * PostgreSQL (SIGSTOP) and the recovery from it, and stops the cluster
 * whatever happens.  Prints "N passed, M failed"; exits 1 on failure.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store_session.h"
#include "store_user.h"
#include "store_config.h"
#include "store_job.h"
#include "store_migrate.h"
#include "pgcluster.h"
#include "store.h"
#include "store_int.h"

static int passed, failed;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (cond) {                                                            \
            passed++;                                                          \
        } else {                                                               \
            failed++;                                                          \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                        \
            printf(__VA_ARGS__);                                               \
            printf("\n");                                                      \
        }                                                                      \
    } while (0)

#define SID1 "ABCDEFGHIJ0123456789"
#define SID2 "BBCDEFGHIJ0123456789"
#define SID3 "CBCDEFGHIJ0123456789"
#define HASH1 "$6$salt$first"
#define HASH2 "$6$salt$second"

static char data_dir[4200];
static char conninfo[8192];

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct store *open_store(int pool, int acquire_ms, struct err *e)
{
    struct store_opts o;

    memset(&o, 0, sizeof(o));
    o.conninfo = conninfo;
    o.pool_size = pool;
    o.acquire_timeout_ms = acquire_ms;
    o.connect_timeout_s = 5;
    o.statement_timeout_ms = 10000;
    o.prepare = store_migrate;
    return store_open(&o, e);
}

static long count_rows(struct store_conn *c, const char *sql)
{
    char v[32];
    struct err e;

    if (store_query_text(c, sql, 0, NULL, v, sizeof(v), &e) != 1) {
        printf("  query failed: %s\n", e.msg);
        return -1;
    }
    return strtol(v, NULL, 10);
}

static void test_users_sessions(struct store *st)
{
    struct store_conn *c;
    struct err e;
    char hash[128], login[64];
    int rc;

    err_clear(&e);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;

    rc = store_user_upsert(c, "admin", HASH1, &e);
    CHECK(rc == 0, "user upsert: %s", e.msg);
    rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
    CHECK(rc == 0 && strcmp(hash, HASH1) == 0, "user hash: %d %s", rc, hash);
    rc = store_user_upsert(c, "admin", HASH2, &e);
    CHECK(rc == 0, "user upsert (replace): %s", e.msg);
    rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
    CHECK(rc == 0 && strcmp(hash, HASH2) == 0, "replaced hash: %s", hash);
    rc = store_user_hash(c, "nobody", hash, sizeof(hash), &e);
    CHECK(rc == ERR_NOTFOUND && e.code == ERR_NOTFOUND, "unknown user: %d %s",
          rc, e.msg);
    rc = store_user_hash(c, "admin", hash, 4, &e);
    CHECK(rc == ERR_INTERNAL, "hash buffer too small: %d", rc);

    rc = store_session_create(c, SID1, "admin", &e);
    CHECK(rc == 0, "session create: %s", e.msg);
    rc = store_session_create(c, SID1, "admin", &e);
    CHECK(rc == ERR_EXISTS, "duplicate session id: %d %s", rc, e.msg);
    rc = store_session_create(c, SID2, "nobody", &e);
    CHECK(rc == ERR_NOTFOUND, "session of unknown user: %d %s", rc, e.msg);

    rc = store_session_touch(c, SID1, 1800, login, sizeof(login), &e);
    CHECK(rc == 0 && strcmp(login, "admin") == 0, "touch: %d %s", rc, e.msg);
    rc = store_session_touch(c, SID1, 1800, NULL, 0, &e);
    CHECK(rc == 0, "touch without login buffer: %d %s", rc, e.msg);
    rc = store_session_touch(c, "XXXXXXXXXXXXXXXXXXXX", 1800, login,
                             sizeof(login), &e);
    CHECK(rc == ERR_SESSION && e.code == ERR_SESSION &&
              strcmp(e.msg, "Invalid or expired session") == 0,
          "touch wrong id: %d \"%s\"", rc, e.msg);
    rc = store_session_end(c, SID1, 1800, &e);
    CHECK(rc == 0, "session end: %d %s", rc, e.msg);
    rc = store_session_touch(c, SID1, 1800, login, sizeof(login), &e);
    CHECK(rc == ERR_SESSION && strcmp(e.msg, "Invalid or expired session") == 0,
          "touch ended session: %d %s", rc, e.msg);
    rc = store_session_end(c, SID1, 1800, &e);
    CHECK(rc == ERR_SESSION && strcmp(e.msg, "Invalid or expired session") == 0,
          "end ended session: %d %s", rc, e.msg);

    /* expiry by PostgreSQL's clock */
    rc = store_session_create(c, SID2, "admin", &e);
    CHECK(rc == 0, "session 2 create: %s", e.msg);
    sleep(2);
    rc = store_session_create(c, SID3, "admin", &e);
    CHECK(rc == 0, "session 3 create: %s", e.msg);
    rc = store_session_touch(c, SID2, 1, login, sizeof(login), &e);
    CHECK(rc == ERR_SESSION, "expired session: %d %s", rc, e.msg);
    rc = store_session_touch(c, SID2, 1800, login, sizeof(login), &e);
    CHECK(rc == 0, "same session, longer timeout: %d %s", rc, e.msg);
    sleep(2);
    /* a use is recorded once the last one is older than a twentieth of
     * the timeout: with 20 s, after 1 s; session 3 is 2 s old by now */
    rc = store_session_touch(c, SID3, 20, login, sizeof(login), &e);
    CHECK(rc == 0, "session 3 touched: %d %s", rc, e.msg);
    rc = store_session_purge(c, 1, &e);
    CHECK(rc == 1, "purge removes one expired session: %d %s", rc, e.msg);
    rc = store_session_purge(c, 1, &e);
    CHECK(rc == 0, "second purge: %d %s", rc, e.msg);
    rc = store_session_touch(c, SID3, 1800, login, sizeof(login), &e);
    CHECK(rc == 0, "live session survives purge: %d %s", rc, e.msg);
    rc = store_session_touch(c, SID2, 1800, login, sizeof(login), &e);
    CHECK(rc == ERR_SESSION, "purged session gone: %d %s", rc, e.msg);
    rc = store_session_touch(c, SID3, -1, login, sizeof(login), &e);
    CHECK(rc == ERR_INVALID, "negative idle timeout: %d", rc);

    store_release(st, c);
}

/* store_deferred's fn of a check that has nothing to say. */
static int probe_ok(struct store_conn *c, const PGresult *r,
                    const struct store_deferred *d, struct err *e)
{
    (void)c;
    (void)r;
    (void)d;
    (void)e;
    return 0;
}

/* The session check deferred to the next statement (store_session_defer):
 * a SELECT rides with it in one pipeline, anything else waits for it; a
 * failed check decides, also over a failing statement, and keeps deciding
 * until the connection is released. */
static void test_deferred(void)
{
    /* set for the transaction only: seen by a statement in the check's
     * pipeline, gone for one that runs after it */
    static const char mark[] = "SELECT set_config('micetro.probe', 'x', true)";
    static const char probe[] = "SELECT current_setting('micetro.probe', true)";
    static const char bad[] = "XXXXXXXXXXXXXXXXXXXX";
    struct store_conn *c;
    struct store *st;
    char login[64], v[64];
    struct err e;
    long n;
    int rc;

    /* a store of its own: a lost statement turns preparing off for all */
    st = open_store(2, 2000, &e);
    CHECK(st != NULL, "open store: %s", e.msg);
    if (st == NULL)
        return;
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        goto out;

    /* a live session: its login comes with the statement's answer */
    CHECK((rc = store_session_defer(c, SID3, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    CHECK(rc == 0 && login[0] == '\0', "defer: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT 7", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "7") == 0 && strcmp(login, "admin") == 0,
          "statement after a live session: %d %s %s", rc, v, e.msg);
    rc = store_settle(c, &e);
    CHECK(rc == 0, "settled: %d %s", rc, e.msg);
    /* now prepared on c: the next check rides with the SELECT */
    CHECK((rc = store_session_defer(c, SID3, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT 8", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "8") == 0 && strcmp(login, "admin") == 0,
          "riding statement after a live session: %d %s %s", rc, v, e.msg);

    /* an invalid session wins over the statement, and over every later
     * one, until released */
    CHECK((rc = store_session_defer(c, bad, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    CHECK(rc == 0, "defer invalid: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT 7", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == ERR_SESSION && strcmp(e.msg, "Invalid or expired session") == 0,
          "invalid session decides: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT 8", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == ERR_SESSION, "and keeps deciding: %d %s", rc, e.msg);
    rc = store_settle(c, &e);
    CHECK(rc == ERR_SESSION, "settle after it: %d %s", rc, e.msg);
    store_release(st, c);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire again: %s", e.msg);
    if (c == NULL)
        goto out;
    rc = store_query_text(c, "SELECT 9", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "9") == 0, "released: %d %s", rc, e.msg);

    /* also over a statement that fails */
    CHECK((rc = store_session_defer(c, bad, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT 1/0", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == ERR_SESSION, "over a failing statement: %d %s", rc, e.msg);
    store_release(st, c);
    c = store_acquire(st, &e);
    if (c == NULL)
        goto out;

    /* a statement that changes something waits: it never runs */
    n = count_rows(c, "SELECT count(*) FROM sessions");
    CHECK((rc = store_session_defer(c, bad, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    rc = store_session_create(c, SID1, "admin", &e);
    CHECK(rc == ERR_SESSION, "insert after an invalid session: %d %s", rc,
          e.msg);
    store_release(st, c);
    c = store_acquire(st, &e);
    if (c == NULL)
        goto out;
    CHECK(count_rows(c, "SELECT count(*) FROM sessions") == n,
          "nothing inserted");

    /* no statement: store_settle runs the check */
    CHECK((rc = store_session_defer(c, bad, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    rc = store_settle(c, &e);
    CHECK(rc == ERR_SESSION, "settle alone, invalid: %d %s", rc, e.msg);
    store_release(st, c);
    c = store_acquire(st, &e);
    if (c == NULL)
        goto out;
    CHECK((rc = store_session_defer(c, SID3, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    rc = store_settle(c, &e);
    CHECK(rc == 0 && strcmp(login, "admin") == 0, "settle alone, live: %d %s",
          rc, e.msg);

    /* a stale session's use is written */
    rc = store_session_create(c, SID1, "admin", &e);
    CHECK(rc == 0, "session 1 again: %d %s", rc, e.msg);
    rc = store_exec_cmd(c,
                        "UPDATE sessions SET last_used = now() - "
                        "interval '5 s' WHERE id = '" SID1 "'",
                        0, NULL, &e);
    CHECK(rc == 1, "made stale: %d %s", rc, e.msg);
    CHECK((rc = store_session_defer(c, SID1, 20, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT 1", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1, "statement after a stale session: %d %s", rc, e.msg);
    rc = store_query_text(c,
                          "SELECT last_used > now() - interval '2 s' "
                          "FROM sessions WHERE id = '" SID1 "'",
                          0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "t") == 0, "use written: %d %s %s", rc, v,
          e.msg);

    /* one round trip: once the check is prepared, the SELECT runs in its
     * pipeline (and its implicit transaction); before, after it */
    CHECK((rc = store_defer(c, mark, 0, NULL, probe_ok, NULL, 0, &e)) == 0,
          "deferred: %d %s", rc, e.msg);
    rc = store_query_text(c, probe, 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && v[0] == '\0', "first check alone: %d \"%s\" %s", rc, v,
          e.msg);
    CHECK((rc = store_defer(c, mark, 0, NULL, probe_ok, NULL, 0, &e)) == 0,
          "deferred: %d %s", rc, e.msg);
    rc = store_query_text(c, probe, 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "x") == 0, "then in one pipeline: %d \"%s\" %s",
          rc, v, e.msg);
    CHECK((rc = store_defer(c, mark, 0, NULL, probe_ok, NULL, 0, &e)) == 0,
          "deferred: %d %s", rc, e.msg);
    rc = store_begin(c, &e);
    CHECK(rc == 0, "begin after a check: %d %s", rc, e.msg);
    rc = store_query_text(c, probe, 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && v[0] == '\0', "BEGIN waits for the check: %d \"%s\" %s",
          rc, v, e.msg);
    store_rollback(c);

    /* the check's prepared statement lost: both run again, plain */
    rc = store_exec_cmd(c, "DEALLOCATE ALL", 0, NULL, &e);
    CHECK(rc == 0, "deallocate: %d %s", rc, e.msg);
    CHECK((rc = store_session_defer(c, SID3, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT 5", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "5") == 0 && strcmp(login, "admin") == 0 &&
              c->noprepare,
          "lost prepared check: %d %s %s", rc, v, e.msg);
    CHECK((rc = store_session_defer(c, bad, 1800, login, sizeof(login), &e)) ==
              0,
          "deferred: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT 5", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == ERR_SESSION, "plain check rides too: %d %s", rc, e.msg);
    store_release(st, c);
out:
    store_close(st);
}

static void test_exec_mapping(struct store *st)
{
    const char *p[2];
    struct store_conn *c;
    struct err e;
    char v[64];
    int rc;

    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
    p[0] = "admin";
    p[1] = "x";
    rc = store_exec_cmd(c,
                        "INSERT INTO users (login, password_hash) "
                        "VALUES ($1, $2)",
                        2, p, &e);
    CHECK(rc == ERR_EXISTS && strcmp(c->sqlstate, "23505") == 0 &&
              strcmp(c->constraint, "users_login_key") == 0,
          "unique violation: %d %s [%s %s]", rc, e.msg, c->sqlstate,
          c->constraint);
    p[0] = "ZZZZZZZZZZZZZZZZZZZZ";
    rc = store_exec_cmd(c,
                        "INSERT INTO sessions (id, user_id) "
                        "VALUES ($1, -1)",
                        1, p, &e);
    CHECK(rc == ERR_CONFLICT, "foreign key violation: %d %s", rc, e.msg);
    p[0] = "abc";
    rc = store_query_text(c, "SELECT $1::int", 1, p, v, sizeof(v), &e);
    CHECK(rc == ERR_INVALID, "bad input: %d %s", rc, e.msg);
    p[0] = "";
    rc = store_exec_cmd(c,
                        "INSERT INTO users (login, password_hash) "
                        "VALUES ($1, 'x')",
                        1, p, &e);
    CHECK(rc == ERR_INVALID, "check violation: %d %s", rc, e.msg);
    rc = store_exec_cmd(c, "SELEC 1", 0, NULL, &e);
    CHECK(rc == ERR_DB && strstr(e.msg, "syntax error") != NULL,
          "syntax error: %d %s", rc, e.msg);
    rc = store_query_text(c, "SELECT NULL", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && v[0] == '\0', "NULL value: %d", rc);
    rc = store_query_text(c, "SELECT 1 WHERE false", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == 0, "no row: %d", rc);
    rc = store_query_text(c, "SHOW statement_timeout", 0, NULL, v, sizeof(v),
                          &e);
    CHECK(rc == 1 && strcmp(v, "10s") == 0, "statement_timeout: %s", v);
    rc = store_query_text(c, "SELECT current_setting('application_name')", 0,
                          NULL, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "micetro-emu") == 0, "application_name: %s", v);

    /* transactions */
    p[0] = "txuser";
    rc = store_begin(c, &e);
    CHECK(rc == 0, "begin: %s", e.msg);
    rc = store_user_upsert(c, "txuser", HASH1, &e);
    CHECK(rc == 0, "upsert in transaction: %s", e.msg);
    store_rollback(c);
    rc = store_user_hash(c, "txuser", v, sizeof(v), &e);
    CHECK(rc == ERR_NOTFOUND, "rolled back: %d", rc);

    rc = store_begin(c, &e);
    CHECK(rc == 0, "begin: %s", e.msg);
    rc = store_exec_cmd(c, "SELEC 1", 0, NULL, &e);
    CHECK(rc < 0, "a syntax error fails: %d", rc);
    rc = store_commit(c, &e);
    CHECK(rc == ERR_INTERNAL, "commit of a failed transaction: %d %s", rc,
          e.msg);
    CHECK(PQtransactionStatus(c->pg) == PQTRANS_IDLE, "idle after it");

    rc = store_begin(c, &e);
    CHECK(rc == 0, "begin: %s", e.msg);
    rc = store_user_upsert(c, "txuser", HASH1, &e);
    CHECK(rc == 0, "upsert in transaction: %s", e.msg);
    store_release(st, c);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
    CHECK(PQtransactionStatus(c->pg) == PQTRANS_IDLE, "release rolled back");
    rc = store_user_hash(c, "txuser", v, sizeof(v), &e);
    CHECK(rc == ERR_NOTFOUND, "uncommitted upsert gone: %d", rc);

    rc = store_begin(c, &e);
    CHECK(rc == 0, "begin: %s", e.msg);
    rc = store_user_upsert(c, "txuser", HASH1, &e);
    CHECK(rc == 0, "upsert in transaction: %s", e.msg);
    rc = store_commit(c, &e);
    CHECK(rc == 0, "commit: %s", e.msg);
    rc = store_user_hash(c, "txuser", v, sizeof(v), &e);
    CHECK(rc == 0, "committed: %d", rc);
    store_release(st, c);
}

struct holder {
    struct store *st;
    struct store_conn *c;
};

static void *release_later(void *arg)
{
    struct holder *h = arg;

    usleep(200 * 1000);
    store_release(h->st, h->c);
    return NULL;
}

/* store_exec_prepared: prepared once per connection, plain inside a
 * transaction, and plain again when the database lost the statement (as
 * behind a pooler in transaction mode). */
/* Texts made at run time, kept by the pool: one address per text, and
 * none past STORE_TEXTS_MAX. */
static void test_texts_kept(struct store_conn *c)
{
    char made[64], again[64];
    const char *first, *kept;
    int i;

    snprintf(made, sizeof(made), "SELECT %d", 0);
    snprintf(again, sizeof(again), "SELECT %d", 0);
    first = store_text_keep(c, made);
    CHECK(first != NULL && first != made && strcmp(first, made) == 0,
          "a text kept");
    CHECK(store_text_keep(c, again) == first, "the same text, the same copy");
    for (i = 1; i < STORE_TEXTS_MAX; i++) {
        snprintf(made, sizeof(made), "SELECT %d", i);
        kept = store_text_keep(c, made);
        CHECK(kept != NULL && kept != first, "text %d kept", i);
    }
    snprintf(made, sizeof(made), "SELECT %d", i);
    CHECK(store_text_keep(c, made) == NULL, "no room past %d", i);
    CHECK(store_text_keep(c, again) == first, "the first still kept");
}

static void test_prepared(void)
{
    static const char sql[] = "SELECT $1::int + 1";
    const char *p[1] = {"41"};
    struct store_conn *c;
    struct store *st;
    struct err e;
    char v[16];
    int rc, i;

    /* a store of its own: a lost statement turns preparing off for all */
    st = open_store(2, 2000, &e);
    CHECK(st != NULL, "open store: %s", e.msg);
    if (st == NULL)
        return;
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        goto out;
    for (i = 0; i < 3; i++) {
        rc = store_query_text_prepared(c, sql, 1, p, v, sizeof(v), &e);
        CHECK(rc == 1 && strcmp(v, "42") == 0, "prepared run %d: %d %s", i, rc,
              e.msg);
    }
    CHECK(c->nprepared == 1 && c->prepared[0] == sql, "prepared once: %d",
          c->nprepared);
    test_texts_kept(c);
    rc = store_begin(c, &e);
    CHECK(rc == 0, "begin: %s", e.msg);
    rc = store_query_text_prepared(c, "SELECT $1::int - 1", 1, p, v, sizeof(v),
                                   &e);
    CHECK(rc == 1 && strcmp(v, "40") == 0 && c->nprepared == 1,
          "inside a transaction, not prepared: %d %s", rc, e.msg);
    store_rollback(c);
    p[0] = "x";
    rc = store_query_text_prepared(c, sql, 1, p, v, sizeof(v), &e);
    CHECK(rc == ERR_INVALID, "prepared, bad input: %d %s", rc, e.msg);
    p[0] = "1";
    rc = store_exec_cmd(c, "DEALLOCATE ALL", 0, NULL, &e);
    CHECK(rc == 0, "deallocate: %d %s", rc, e.msg);
    rc = store_query_text_prepared(c, sql, 1, p, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "2") == 0 && c->noprepare,
          "statement lost, run plain: %d %s", rc, e.msg);
    /* the next connection of the pool does not prepare either */
    c->lost = 1;
    store_release(st, c);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire again: %s", e.msg);
    if (c == NULL)
        goto out;
    rc = store_query_text_prepared(c, sql, 1, p, v, sizeof(v), &e);
    CHECK(rc == 1 && strcmp(v, "2") == 0 && c->nprepared == 0,
          "after a lost statement, plain: %d %s", rc, e.msg);
    store_release(st, c);
out:
    store_close(st);
}

/* A server's configuration read back from the tables and rendered:
 * relationship roles and ports, scopes in address order with their pools,
 * a disabled scope, statements, and the OMAPI key. */
static void test_config(struct store *st)
{
    static const char setup[] =
        "INSERT INTO dhcp_servers (name, address, type, omapi_key, "
        "unmanaged_statements) VALUES "
        "('cfg1.example.', '127.0.0.2', 'ISC', 'c2VjcmV0', "
        "'default-lease-time 600;'), "
        "('cfg2.example.', '127.0.0.3', 'ISC', NULL, NULL);"
        "INSERT INTO ranges (cidr) VALUES ('10.77.1.0/24'), ('10.77.0.0/24');"
        "INSERT INTO dhcp_failover (name, primary_id, secondary_id, mclt, "
        "percentage, port, peer_port, load_balance_max_seconds, "
        "max_response_delay, max_unacked_updates) SELECT 'cfg-fo', p.id, "
        "s.id, 600, 50, 647, 847, 3, 30, 10 FROM dhcp_servers p, "
        "dhcp_servers s WHERE p.name = 'cfg1.example.' "
        "AND s.name = 'cfg2.example.';"
        "INSERT INTO dhcp_scopes (range_id, server_id, name, enabled, "
        "failover_id, unmanaged_statements) SELECT r.id, sv.id, r.name, "
        "r.cidr = '10.77.1.0/24' OR sv.name = 'cfg1.example.', "
        "(SELECT id FROM dhcp_failover WHERE name = 'cfg-fo'), "
        "CASE WHEN r.cidr = '10.77.0.0/24' THEN 'option routers 10.77.0.1;' "
        "END FROM ranges r, dhcp_servers sv WHERE r.cidr << '10.77.0.0/16' "
        "AND sv.name LIKE 'cfg_.example.';"
        "INSERT INTO dhcp_pools (scope_id, from_ip, to_ip) SELECT sc.id, "
        "host(r.cidr + 100)::inet, host(r.cidr + 150)::inet FROM dhcp_scopes "
        "sc JOIN ranges r ON r.id = sc.range_id WHERE r.cidr << "
        "'10.77.0.0/16';";
    struct store_config *cfg = NULL, *cfg2 = NULL;
    struct store_conn *c;
    char id[32], *text = NULL, *text2 = NULL;
    size_t len;
    struct err e;
    int rc;

    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
    rc = store_exec_script(c, setup, &e);
    CHECK(rc >= 0, "config setup: %s", e.msg);
    rc = store_query_text(c,
                          "SELECT id FROM dhcp_servers WHERE name = "
                          "'cfg1.example.'",
                          0, NULL, id, sizeof(id), &e);
    CHECK(rc == 1, "server id: %s", e.msg);
    rc = store_config_load(c, strtoll(id, NULL, 10), 7911, &cfg, &e);
    CHECK(rc == 0, "load: %s", e.msg);
    if (rc == 0) {
        CHECK(cfg->model.nrelationships == 1 &&
                  cfg->rels[0].role == RENDER_PRIMARY &&
                  cfg->rels[0].port == 647 && cfg->rels[0].peer_port == 847 &&
                  cfg->rels[0].address == 0x7f000002u &&
                  cfg->rels[0].peer_address == 0x7f000003u,
              "the primary's side of the relationship");
        CHECK(cfg->model.nscopes == 2 &&
                  cfg->scopes[0].network == 0x0a4d0000u &&
                  cfg->scopes[1].network == 0x0a4d0100u &&
                  cfg->scopes[0].npools == 1 && cfg->scopes[1].npools == 1 &&
                  cfg->scopes[0].pools[0].from == 0x0a4d0064u &&
                  cfg->scopes[0].failover == 0,
              "scopes by address with their pools");
        rc = render_config(&cfg->model, &text, &len, &e);
        CHECK(rc == 0, "render: %s", e.msg);
        CHECK(rc == 0 && strstr(text, "failover peer \"cfg-fo\" {") != NULL &&
                  strstr(text, "  primary;") != NULL &&
                  strstr(text, "default-lease-time 600;") != NULL &&
                  strstr(text, "option routers 10.77.0.1;") != NULL &&
                  strstr(text, "omapi-port 7911;") != NULL &&
                  strstr(text, "c2VjcmV0") != NULL &&
                  strstr(text, "range 10.77.1.100 10.77.1.150;") != NULL,
              "rendered primary:\n%s", text != NULL ? text : "");
    }
    rc = store_query_text(c,
                          "SELECT id FROM dhcp_servers WHERE name = "
                          "'cfg2.example.'",
                          0, NULL, id, sizeof(id), &e);
    CHECK(rc == 1, "secondary's id: %s", e.msg);
    rc = store_config_load(c, strtoll(id, NULL, 10), 7911, &cfg2, &e);
    CHECK(rc == 0, "load secondary: %s", e.msg);
    if (rc == 0) {
        CHECK(cfg2->rels[0].role == RENDER_SECONDARY &&
                  cfg2->rels[0].port == 847 && cfg2->rels[0].peer_port == 647 &&
                  cfg2->model.omapi_port == 0 && !cfg2->scopes[0].enabled,
              "the secondary's side, no OMAPI without a key, disabled scope");
        rc = render_config(&cfg2->model, &text2, &len, &e);
        CHECK(rc == 0 && strstr(text2, "  secondary;") != NULL &&
                  strstr(text2, "mclt") == NULL,
              "rendered secondary: %s\n%s", e.msg, text2 ? text2 : "");
    }
    store_config_free(cfg);
    CHECK(store_config_load(c, 999999999, 7911, &cfg, &e) == ERR_NOTFOUND &&
              cfg == NULL,
          "unknown server");
    free(text);
    free(text2);
    store_config_free(cfg2);
    store_release(st, c);
}

/* The push queue: exclusive claims, done, released when changed
 * meanwhile, failed with backoff.  Runs after test_config, whose inserts
 * queued its two servers. */
static void test_jobs(struct store *st)
{
    struct store_job jobs[8], other[8], one;
    struct store_conn *c;
    size_t n = 0, m = 0;
    double due = 0;
    long long left = -1;
    struct err e;
    int again = 0, rc;

    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
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
    CHECK(count_rows(c, "SELECT count(*) FROM config_jobs WHERE attempts = "
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
    CHECK(rc == 0 && count_rows(c, "SELECT count(*) FROM config_jobs WHERE "
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
    if (n == 1)
        store_job_done(c, "worker-a", &jobs[0], &again, &e);
    rc = store_job_next_due(c, &due, &e);
    CHECK(rc == 0 && due == -1, "queue empty: %f", due);
out:
    store_release(st, c);
}

static void test_pool(void)
{
    struct store_conn *a, *b, *c;
    struct holder h;
    struct store *st;
    pthread_t t;
    struct err e;
    double t0;

    st = open_store(2, 500, &e);
    CHECK(st != NULL, "open small pool: %s", e.msg);
    if (st == NULL)
        return;
    CHECK(store_migrations_applied(st) == 0, "nothing to migrate");
    a = store_acquire(st, &e);
    b = store_acquire(st, &e);
    CHECK(a != NULL && b != NULL && a != b, "two connections: %s", e.msg);
    t0 = now_s();
    c = store_acquire(st, &e);
    CHECK(c == NULL && e.code == ERR_DB &&
              strcmp(e.msg, "no database connection free within 500 ms") == 0,
          "pool exhausted: %s", e.msg);
    CHECK(now_s() - t0 >= 0.45 && now_s() - t0 < 3.0, "waited %.2f s",
          now_s() - t0);

    h.st = st;
    h.c = b;
    pthread_create(&t, NULL, release_later, &h);
    c = store_acquire(st, &e);
    CHECK(c == b, "woken by a release: %s", c == NULL ? e.msg : "");
    pthread_join(t, NULL);
    if (c != NULL)
        store_release(st, c);
    store_release(st, a);
    store_close(st);
}

/* PostgreSQL goes away while the store is open, then comes back. */
static void test_outage(struct store *st, struct pgcluster **pc)
{
    struct store_conn *c, *d;
    struct err e;
    char hash[128];
    double t0;
    int rc;

    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire before outage: %s", e.msg);
    if (c == NULL)
        return;
    rc = pgcluster_stop(*pc, &e);
    *pc = NULL;
    CHECK(rc == 0, "cluster stop: %s", e.msg);

    t0 = now_s();
    rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
    CHECK(rc == ERR_DB && strncmp(e.msg, "database connection lost", 24) == 0,
          "query during outage: %d %s", rc, e.msg);
    store_release(st, c);
    c = store_acquire(st, &e);
    CHECK(c == NULL && e.code == ERR_DB &&
              strncmp(e.msg, "database unavailable: ", 22) == 0 &&
              strchr(e.msg, '/') == NULL,
          "acquire during outage: %s", c != NULL ? "got one" : e.msg);
    printf("  during the outage: %s\n", e.msg);
    if (c != NULL)
        store_release(st, c);
    c = store_acquire(st, &e);
    CHECK(c == NULL && e.code == ERR_DB, "acquire again: %s", e.msg);
    if (c != NULL)
        store_release(st, c);
    CHECK(now_s() - t0 < 15.0, "outage errors took %.1f s", now_s() - t0);

    *pc = pgcluster_start(data_dir, conninfo, sizeof(conninfo), &e);
    CHECK(*pc != NULL, "cluster restart: %s", e.msg);
    if (*pc == NULL)
        return;
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire after outage: %s", e.msg);
    d = store_acquire(st, &e);
    CHECK(d != NULL, "second connection after outage: %s", e.msg);
    if (c != NULL) {
        rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
        CHECK(rc == 0 && strcmp(hash, HASH2) == 0, "recovered: %d %s", rc,
              e.msg);
        store_release(st, c);
    }
    if (d != NULL) {
        rc = store_user_hash(d, "admin", hash, sizeof(hash), &e);
        CHECK(rc == 0, "recovered (2): %d %s", rc, e.msg);
        store_release(st, d);
    }

    /* a restart while the pool is idle costs no request at all: the
     * closed connections are noticed and replaced at acquire */
    rc = pgcluster_stop(*pc, &e);
    *pc = NULL;
    CHECK(rc == 0, "cluster stop (idle): %s", e.msg);
    *pc = pgcluster_start(data_dir, conninfo, sizeof(conninfo), &e);
    CHECK(*pc != NULL, "cluster restart (idle): %s", e.msg);
    if (*pc == NULL)
        return;
    c = store_acquire(st, &e);
    d = store_acquire(st, &e);
    CHECK(c != NULL && d != NULL, "acquire after idle restart: %s", e.msg);
    if (c != NULL) {
        rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
        CHECK(rc == 0, "first query after idle restart: %d %s", rc, e.msg);
        store_release(st, c);
    }
    if (d != NULL) {
        rc = store_user_hash(d, "admin", hash, sizeof(hash), &e);
        CHECK(rc == 0, "first query after idle restart (2): %d %s", rc, e.msg);
        store_release(st, d);
    }
}

/* The processes of the frozen cluster, continued by thaw_cluster (also at
 * exit) or, should this program hang or die, by the watchdog process. */
static pid_t frozen[512];
static int nfrozen;
static pid_t watchdog = -1;

static void thaw_cluster(void)
{
    int i;

    for (i = 0; i < nfrozen; i++)
        kill(frozen[i], SIGCONT);
    nfrozen = 0;
    if (watchdog > 0) {
        kill(watchdog, SIGKILL);
        while (waitpid(watchdog, NULL, 0) < 0 && errno == EINTR)
            ;
        watchdog = -1;
    }
}

/* The parent pid of pid from /proc/PID/stat, or -1. */
static long parent_of(const char *pid)
{
    char path[300], buf[512], *p;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%s/stat", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* after the command name: " S PPID ..." */
    if (p == NULL)
        return -1;
    return strtol(p + 3, NULL, 10);
}

/* Stops (SIGSTOP) the postmaster of data_dir and all its children, and
 * starts a watchdog that continues them after 40 s whatever happens here.
 * Returns 0 or -1. */
static int freeze_cluster(void)
{
    char path[4300], line[32];
    struct dirent *d;
    pid_t parent = getpid();
    long master = -1;
    FILE *f;
    DIR *dir;
    int i;

    snprintf(path, sizeof(path), "%s/pg/postmaster.pid", data_dir);
    f = fopen(path, "r");
    if (f == NULL || fgets(line, sizeof(line), f) == NULL ||
        (master = strtol(line, NULL, 10)) <= 1) {
        if (f != NULL)
            fclose(f);
        printf("  no postmaster pid in %s\n", path);
        return -1;
    }
    fclose(f);
    /* the postmaster first, so that it starts no child meanwhile */
    if (kill((pid_t)master, SIGSTOP) != 0) {
        printf("  kill -STOP %ld: %s\n", master, strerror(errno));
        return -1;
    }
    frozen[nfrozen++] = (pid_t)master;
    dir = opendir("/proc");
    if (dir != NULL) {
        while ((d = readdir(dir)) != NULL && nfrozen < 512) {
            if (d->d_name[0] < '1' || d->d_name[0] > '9' ||
                parent_of(d->d_name) != master)
                continue;
            pid_t pid = (pid_t)strtol(d->d_name, NULL, 10);

            if (kill(pid, SIGSTOP) == 0)
                frozen[nfrozen++] = pid;
        }
        closedir(dir);
    }
    watchdog = fork();
    if (watchdog == 0) {
        for (i = 0; i < 400 && getppid() == parent; i++)
            usleep(100 * 1000);
        for (i = 0; i < nfrozen; i++)
            kill(frozen[i], SIGCONT);
        _exit(0);
    }
    printf("  froze the postmaster %ld and %d children\n", master, nfrozen - 1);
    return 0;
}

/* PostgreSQL stops answering without closing its sockets: every call
 * gives up within its time limit (statement_timeout_ms + 1 s for a
 * statement, connect_timeout_s for a connection), and the same store
 * works again once PostgreSQL continues. */
static void test_frozen(void)
{
    struct store_conn *a = NULL, *b = NULL, *c;
    struct store_opts o;
    struct store *st;
    struct err e;
    double t0, t_query, t_idle, t_conn, t_back = -1;
    char v[32];
    int rc;

    memset(&o, 0, sizeof(o));
    o.conninfo = conninfo;
    o.pool_size = 2;
    o.acquire_timeout_ms = 2000;
    o.connect_timeout_s = 2;
    o.statement_timeout_ms = 1000;
    o.prepare = store_migrate;
    st = store_open(&o, &e);
    CHECK(st != NULL, "open store for the freeze: %s", e.msg);
    if (st == NULL)
        return;
    a = store_acquire(st, &e);
    b = store_acquire(st, &e);
    CHECK(a != NULL && b != NULL, "two connections: %s", e.msg);
    if (a == NULL || b == NULL)
        goto out;
    rc = store_query_text(b, "SHOW statement_timeout", 0, NULL, v, sizeof(v),
                          &e);
    CHECK(rc == 1 && strcmp(v, "1s") == 0, "statement_timeout 1s: %d %s", rc,
          rc == 1 ? v : e.msg);
    store_release(st, b); /* stays connected, idle */
    b = NULL;
    rc = store_begin(a, &e);
    CHECK(rc == 0, "begin: %s", e.msg);
    if (freeze_cluster() != 0) {
        CHECK(0, "could not freeze the cluster");
        goto out;
    }

    /* a statement on a connection in use */
    t0 = now_s();
    rc = store_query_text(a, "SELECT 1", 0, NULL, v, sizeof(v), &e);
    t_query = now_s() - t0;
    CHECK(rc == ERR_DB &&
              strcmp(e.msg, "database did not answer within 2000 ms") == 0,
          "query on a frozen server: %d %s", rc, e.msg);
    CHECK(t_query >= 1.9 && t_query < 4.0,
          "query on a frozen server took %.2f s", t_query);
    t0 = now_s();
    rc = store_query_text(a, "SELECT 1", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == ERR_DB && strncmp(e.msg, "database connection lost", 24) == 0,
          "the timed-out connection fails at once: %d %s", rc, e.msg);
    store_rollback(a);
    store_release(st, a);
    a = NULL;
    CHECK(now_s() - t0 < 0.5, "failing, rollback and release took %.2f s",
          now_s() - t0);

    /* the idle connection: acquire finds nothing wrong with it, its
     * statement gives up */
    t0 = now_s();
    c = store_acquire(st, &e);
    rc = c != NULL ? store_query_text(c, "SELECT 1", 0, NULL, v, sizeof(v), &e)
                   : e.code;
    t_idle = now_s() - t0;
    CHECK(rc == ERR_DB &&
              strcmp(e.msg, "database did not answer within 2000 ms") == 0,
          "acquire and query on a frozen server: %d %s", rc, e.msg);
    CHECK(t_idle < 4.0, "acquire and query took %.2f s", t_idle);
    store_release(st, c);

    /* a new connection: the postmaster accepts but never answers */
    t0 = now_s();
    c = store_acquire(st, &e);
    t_conn = now_s() - t0;
    CHECK(c == NULL && e.code == ERR_DB &&
              strcmp(e.msg, "database unavailable: no answer within "
                            "2000 ms") == 0,
          "connect to a frozen server: %s", c != NULL ? "got one" : e.msg);
    CHECK(t_conn >= 1.9 && t_conn < 3.5, "connect took %.2f s", t_conn);
    store_release(st, c);

    thaw_cluster();
    t0 = now_s();
    while (now_s() - t0 < 10.0) {
        c = store_acquire(st, &e);
        rc = c != NULL ? store_query_text(c, "SHOW statement_timeout", 0, NULL,
                                          v, sizeof(v), &e)
                       : e.code;
        store_release(st, c);
        if (rc == 1 && strcmp(v, "1s") == 0) {
            t_back = now_s() - t0;
            break;
        }
        usleep(100 * 1000);
    }
    CHECK(t_back >= 0, "no recovery within 10 s: %s", e.msg);
    a = store_acquire(st, &e);
    b = store_acquire(st, &e);
    CHECK(a != NULL && b != NULL, "both connections after the freeze: %s",
          e.msg);
    if (a != NULL && b != NULL) {
        CHECK(count_rows(a, "SELECT 1") == 1 && count_rows(b, "SELECT 2") == 2,
              "both connections answer");
    }
    printf("  frozen server: statement %.2f s, idle connection %.2f s, "
           "connect %.2f s; recovered in %.2f s\n",
           t_query, t_idle, t_conn, t_back);
out:
    store_release(st, a);
    store_release(st, b);
    thaw_cluster();
    store_close(st);
}

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

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* store_array_split on what PostgreSQL writes for text arrays of awkward
 * values, and on what it never writes. */
static void test_arrays(struct store *st)
{
    static const char *const vals[] = {
        "plain",
        "",
        "two words",
        "a,b",
        "{braces}",
        "quote \" in",
        "back\\slash",
        "NULL",
        "null",
        "line\nbreak",
        " lead",
        "tab\t",
        "\xc3\xa9t\xc3\xa9",
        "\\\"",
        "}",
        ",",
    };
    static const char *const bad[] = {
        "",       "x",    "{",    "{a",    "{a,}",   "{,a}",
        "{NULL}", "{a}}", "{a}x", "{\"a}", "{{a},b", "{a,{b}}}",
    };
    const size_t nv = sizeof(vals) / sizeof(vals[0]);
    const char *params[2];
    char buf[512];
    struct store_conn *c;
    PGresult *r = NULL;
    struct err e;
    size_t n;
    int rc;

    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
    for (size_t i = 0; i < nv; i++) {
        params[0] = vals[i];
        params[1] = vals[nv - 1 - i];
        rc = store_exec(c, "SELECT ARRAY[ARRAY[$1, $2], ARRAY[$2, $1]]", 2,
                        params, &r, &e);
        CHECK(rc == 0, "array of \"%s\": %s", vals[i], e.msg);
        if (rc != 0)
            continue;
        rc = store_array_split(PQgetvalue(r, 0, 0), buf, sizeof(buf), &n, &e);
        CHECK(rc == 0 && n == 4, "split %s: %s", PQgetvalue(r, 0, 0), e.msg);
        if (rc == 0 && n == 4) {
            const char *p = buf,
                       *want[] = {params[0], params[1], params[1], params[0]};

            for (int k = 0; k < 4; k++, p += strlen(p) + 1)
                CHECK(strcmp(p, want[k]) == 0, "element %d of %s: \"%s\"", k,
                      PQgetvalue(r, 0, 0), p);
        }
        PQclear(r);
    }
    rc = store_exec(c, "SELECT ARRAY(SELECT 1 WHERE false)::text[]", 0, NULL,
                    &r, &e);
    CHECK(rc == 0 &&
              store_array_split(PQgetvalue(r, 0, 0), buf, sizeof(buf), &n,
                                &e) == 0 &&
              n == 0,
          "the empty array");
    PQclear(r);
    CHECK(store_array_split("{\"abc\"}", buf, 4, &n, &e) == 0 && n == 1,
          "strlen + 1 bytes suffice");
    CHECK(store_array_split("{\"abc\"}", buf, 3, &n, &e) == ERR_INTERNAL,
          "a short buffer refused");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(store_array_split(bad[i], buf, sizeof(buf), &n, &e) ==
                      ERR_INTERNAL &&
                  n == 0,
              "refused: %s", bad[i]);
    store_release(st, c);
}

int main(void)
{
    struct pgcluster *pc = NULL, *pc2;
    struct store *st = NULL, *st2;
    struct store_conn *c;
    const char *env = getenv("MICETRO_TEST_DATA_DIR");
    char tmpl[] = "/tmp/micetro-test-XXXXXX", base[4096], hash[128];
    struct err e;
    int made = 0, rc;

    setvbuf(stdout, NULL, _IOLBF, 0);
    atexit(thaw_cluster); /* a frozen postmaster would block its stop */
    if (env != NULL && env[0] != '\0') {
        snprintf(base, sizeof(base), "%s", env);
    } else {
        if (mkdtemp(tmpl) == NULL) {
            perror("mkdtemp");
            return 1;
        }
        chmod(tmpl, 0755); /* reachable by postgres when we are root */
        snprintf(base, sizeof(base), "%s", tmpl);
        made = 1;
    }
    snprintf(data_dir, sizeof(data_dir), "%s/var", base);
    printf("data directory %s\n", data_dir);

    test_bad_dirs(base);

    pc = pgcluster_start(data_dir, conninfo, sizeof(conninfo), &e);
    CHECK(pc != NULL, "cluster start: %s", e.msg);
    if (pc == NULL)
        goto out;
    printf("conninfo %s\n", conninfo);

    st = open_store(4, 2000, &e);
    CHECK(st != NULL, "store open: %s", e.msg);
    if (st == NULL)
        goto out;
    CHECK(store_migrations_applied(st) == store_migration_count,
          "migrations applied: %d of %d", store_migrations_applied(st),
          store_migration_count);
    st2 = open_store(1, 2000, &e);
    CHECK(st2 != NULL && store_migrations_applied(st2) == 0,
          "second open applies nothing: %s", st2 == NULL ? e.msg : "");
    if (st2 != NULL) {
        c = store_acquire(st2, &e);
        CHECK(c != NULL &&
                  count_rows(c, "SELECT count(*) FROM schema_migrations") ==
                      store_migration_count,
              "schema_migrations rows");
        store_release(st2, c);
        store_close(st2);
    }

    test_users_sessions(st);
    test_exec_mapping(st);
    test_arrays(st);
    test_prepared();
    test_deferred();
    test_pool();
    test_config(st);
    test_jobs(st);

    /* a second start on a running cluster reuses it */
    pc2 = pgcluster_start(data_dir, conninfo, sizeof(conninfo), &e);
    CHECK(pc2 != NULL, "start while running reuses it: %s", e.msg);
    if (pc2 != NULL) {
        rc = pgcluster_stop(pc2, &e);
        CHECK(rc == 0, "stop through the second handle: %s", e.msg);
        /* already stopped: stopping again is fine */
        rc = pgcluster_stop(pc, &e);
        CHECK(rc == 0, "stop a stopped cluster: %s", e.msg);
        pc = pgcluster_start(data_dir, conninfo, sizeof(conninfo), &e);
        CHECK(pc != NULL, "start again: %s", e.msg);
        if (pc == NULL)
            goto out;
    }

    test_outage(st, &pc);
    if (pc == NULL)
        goto out;
    test_frozen();

    /* the data survives a restart */
    store_close(st);
    st = NULL;
    rc = pgcluster_stop(pc, &e);
    pc = NULL;
    CHECK(rc == 0, "final stop: %s", e.msg);
    rc = pgcluster_stop(NULL, &e);
    CHECK(rc == 0, "stop NULL");
    pc = pgcluster_start(data_dir, conninfo, sizeof(conninfo), &e);
    CHECK(pc != NULL, "restart: %s", e.msg);
    if (pc == NULL)
        goto out;
    st = open_store(1, 2000, &e);
    CHECK(st != NULL && store_migrations_applied(st) == 0,
          "reopen after restart: %s", st == NULL ? e.msg : "");
    if (st != NULL) {
        c = store_acquire(st, &e);
        CHECK(c != NULL, "acquire after restart: %s", e.msg);
        if (c != NULL) {
            rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
            CHECK(rc == 0 && strcmp(hash, HASH2) == 0, "data survived: %s",
                  e.msg);
            store_release(st, c);
        }
    }

out:
    store_close(st);
    if (pc != NULL) {
        rc = pgcluster_stop(pc, &e);
        CHECK(rc == 0, "last stop: %s", e.msg);
    }
    if (made && getenv("MICETRO_TEST_KEEP") == NULL)
        nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
