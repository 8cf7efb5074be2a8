/* micetro-emu: storage tests of sessions (store_session.c) on an embedded
 * cluster (storage_fixture.h): create, touch, end, expiry by PostgreSQL's
 * clock, purge; the session check deferred to the next statement
 * (store_session_defer), riding with it in one pipeline or waiting for
 * it, and a failed check deciding until the connection is released. */
#include <string.h>
#include <unistd.h>

#include "store_session.h"
#include "storage_fixture.h"
#include "store_int.h"

#define SID1 "ABCDEFGHIJ0123456789"
#define SID2 "BBCDEFGHIJ0123456789"
#define SID3 "CBCDEFGHIJ0123456789"

static void test_sessions(struct store *st)
{
    struct store_conn *c;
    struct err e;
    char login[64];
    int rc;

    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;

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
    st = storage_fixture_open(2, 2000, &e);
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
    n = storage_fixture_count(c, "SELECT count(*) FROM sessions");
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
    CHECK(storage_fixture_count(c, "SELECT count(*) FROM sessions") == n,
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

static void run(struct store *st)
{
    storage_fixture_admin(st);
    test_sessions(st);
    test_deferred();
}

int main(void)
{
    return storage_fixture_run("test_store_session", run);
}
