/* micetro-emu: storage tests of the pool and its statements (store.c) on
 * an embedded cluster (storage_fixture.h): the error mapping,
 * transactions, prepared statements (reuse, none in a transaction, the
 * fallback), the pool timeout, PostgreSQL stopped and the recovery, and
 * PostgreSQL frozen (SIGSTOP, with a watchdog that continues it whatever
 * happens here) and the recovery. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_migrate.h"
#include "store_user.h"
#include "storage_fixture.h"
#include "store_int.h"

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
    rc = store_user_create(c, "txuser", HASH1, &e);
    CHECK(rc == 0, "create in transaction: %s", e.msg);
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
    rc = store_user_create(c, "txuser", HASH1, &e);
    CHECK(rc == 0, "create in transaction: %s", e.msg);
    store_release(st, c);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;
    CHECK(PQtransactionStatus(c->pg) == PQTRANS_IDLE, "release rolled back");
    rc = store_user_hash(c, "txuser", v, sizeof(v), &e);
    CHECK(rc == ERR_NOTFOUND, "uncommitted create gone: %d", rc);

    rc = store_begin(c, &e);
    CHECK(rc == 0, "begin: %s", e.msg);
    rc = store_user_create(c, "txuser", HASH1, &e);
    CHECK(rc == 0, "create in transaction: %s", e.msg);
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

/* store_exec_prepared: prepared once per connection, plain inside a
 * transaction, and plain again when the database lost the statement (as
 * behind a pooler in transaction mode). */
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
    st = storage_fixture_open(2, 2000, &e);
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

static void test_pool(void)
{
    struct store_conn *a, *b, *c;
    struct holder h;
    struct store *st;
    pthread_t t;
    struct err e;
    double t0;

    st = storage_fixture_open(2, 500, &e);
    CHECK(st != NULL, "open small pool: %s", e.msg);
    if (st == NULL)
        return;
    CHECK(store_migrations_applied(st) == 0, "nothing to migrate");
    a = store_acquire(st, &e);
    b = store_acquire(st, &e);
    CHECK(a != NULL && b != NULL && a != b, "two connections: %s", e.msg);
    t0 = storage_fixture_now();
    c = store_acquire(st, &e);
    CHECK(c == NULL && e.code == ERR_DB &&
              strcmp(e.msg, "no database connection free within 500 ms") == 0,
          "pool exhausted: %s", e.msg);
    CHECK(storage_fixture_now() - t0 >= 0.45 &&
              storage_fixture_now() - t0 < 3.0,
          "waited %.2f s", storage_fixture_now() - t0);

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

    t0 = storage_fixture_now();
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
    CHECK(storage_fixture_now() - t0 < 15.0, "outage errors took %.1f s",
          storage_fixture_now() - t0);

    *pc = storage_fixture_start(&e);
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
    *pc = storage_fixture_start(&e);
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

/* Stops (SIGSTOP) the postmaster of the test's cluster and all its
 * children, and
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

    snprintf(path, sizeof(path), "%s/pg/postmaster.pid",
             storage_fixture.data_dir);
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

/* A store of pool connections with these time limits (acquire 2 s). */
static struct store *open_timed(int pool, int connect_s, int statement_ms,
                                int filter_ms, struct err *e)
{
    struct store_opts o;

    memset(&o, 0, sizeof(o));
    o.conninfo = storage_fixture.conninfo;
    o.pool_size = pool;
    o.acquire_timeout_ms = 2000;
    o.connect_timeout_s = connect_s;
    o.statement_timeout_ms = statement_ms;
    o.filter_timeout_ms = filter_ms;
    o.prepare = store_migrate;
    return store_open(&o, e);
}

/* PostgreSQL stops answering without closing its sockets: every call
 * gives up within its time limit (statement_timeout_ms + 1 s for a
 * statement, connect_timeout_s for a connection), and the same store
 * works again once PostgreSQL continues. */
static void test_frozen(void)
{
    struct store_conn *a = NULL, *b = NULL, *c;
    struct store *st;
    struct err e;
    double t0, t_query, t_idle, t_conn, t_back = -1;
    char v[32];
    int rc;

    st = open_timed(2, 2, 1000, 0, &e);
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
    t0 = storage_fixture_now();
    rc = store_query_text(a, "SELECT 1", 0, NULL, v, sizeof(v), &e);
    t_query = storage_fixture_now() - t0;
    CHECK(rc == ERR_DB &&
              strcmp(e.msg, "database did not answer within 2000 ms") == 0,
          "query on a frozen server: %d %s", rc, e.msg);
    CHECK(t_query >= 1.9 && t_query < 4.0,
          "query on a frozen server took %.2f s", t_query);
    t0 = storage_fixture_now();
    rc = store_query_text(a, "SELECT 1", 0, NULL, v, sizeof(v), &e);
    CHECK(rc == ERR_DB && strncmp(e.msg, "database connection lost", 24) == 0,
          "the timed-out connection fails at once: %d %s", rc, e.msg);
    store_rollback(a);
    store_release(st, a);
    a = NULL;
    CHECK(storage_fixture_now() - t0 < 0.5,
          "failing, rollback and release took %.2f s",
          storage_fixture_now() - t0);

    /* the idle connection: acquire finds nothing wrong with it, its
     * statement gives up */
    t0 = storage_fixture_now();
    c = store_acquire(st, &e);
    rc = c != NULL ? store_query_text(c, "SELECT 1", 0, NULL, v, sizeof(v), &e)
                   : e.code;
    t_idle = storage_fixture_now() - t0;
    CHECK(rc == ERR_DB &&
              strcmp(e.msg, "database did not answer within 2000 ms") == 0,
          "acquire and query on a frozen server: %d %s", rc, e.msg);
    CHECK(t_idle < 4.0, "acquire and query took %.2f s", t_idle);
    store_release(st, c);

    /* a new connection: the postmaster accepts but never answers */
    t0 = storage_fixture_now();
    c = store_acquire(st, &e);
    t_conn = storage_fixture_now() - t0;
    CHECK(c == NULL && e.code == ERR_DB &&
              strcmp(e.msg, "database unavailable: no answer within "
                            "2000 ms") == 0,
          "connect to a frozen server: %s", c != NULL ? "got one" : e.msg);
    CHECK(t_conn >= 1.9 && t_conn < 3.5, "connect took %.2f s", t_conn);
    store_release(st, c);

    thaw_cluster();
    t0 = storage_fixture_now();
    while (storage_fixture_now() - t0 < 10.0) {
        c = store_acquire(st, &e);
        rc = c != NULL ? store_query_text(c, "SHOW statement_timeout", 0, NULL,
                                          v, sizeof(v), &e)
                       : e.code;
        store_release(st, c);
        if (rc == 1 && strcmp(v, "1s") == 0) {
            t_back = storage_fixture_now() - t0;
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
        CHECK(storage_fixture_count(a, "SELECT 1") == 1 &&
                  storage_fixture_count(b, "SELECT 2") == 2,
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

/* A statement carrying a caller's filter runs under the shorter
 * filter_timeout_ms, set for it alone: over it, a Client error saying the
 * filter is too costly, the connection kept, and the next statement on it
 * under the whole statement_timeout again; within it, the rows. */
static void test_filtered(void)
{
    struct store_conn *c;
    struct store *st;
    PGresult *r = NULL;
    struct err e;
    double t0, took;
    char v[32];
    int rc;

    st = open_timed(1, 5, 10000, 200, &e);
    CHECK(st != NULL, "open store with a filter timeout: %s", e.msg);
    if (st == NULL)
        return;
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        goto out;
    t0 = storage_fixture_now();
    rc = store_exec_filtered(c, "SELECT pg_sleep(2)", 0, NULL, &r, &e);
    took = storage_fixture_now() - t0;
    CHECK(rc == ERR_INVALID && r == NULL &&
              strcmp(e.msg, "too costly: it ran over the 200 ms a filtered "
                            "list may take; narrow it") == 0,
          "over the filter timeout: %d %s", rc, e.msg);
    CHECK(took >= 0.15 && took < 1.0, "cancelled after %.2f s", took);
    printf("  filtered statement cancelled after %.3f s\n", took);
    rc = store_query_text(c, "SHOW statement_timeout", 0, NULL, v, sizeof(v),
                          &e);
    CHECK(rc == 1 && strcmp(v, "10s") == 0,
          "the same connection, statement_timeout back to 10s: %d %s", rc,
          rc == 1 ? v : e.msg);
    rc = store_query_text(c, "SELECT pg_sleep(0.4)::text", 0, NULL, v,
                          sizeof(v), &e);
    CHECK(rc == 1, "an unfiltered statement may take longer: %d %s", rc,
          rc == 1 ? v : e.msg);
    rc = store_exec_filtered(c, "SELECT $1::text || 'b'", 1,
                             (const char *const[]){"a"}, &r, &e);
    CHECK(rc == 0 && r != NULL && PQntuples(r) == 1 &&
              strcmp(PQgetvalue(r, 0, 0), "ab") == 0,
          "within the filter timeout: %d %s", rc, e.msg);
    PQclear(r);
    r = NULL;
    /* inside a transaction: a plain statement */
    CHECK(store_begin(c, &e) == 0, "begin: %s", e.msg);
    rc = store_exec_filtered(c, "SELECT pg_sleep(0.3)", 0, NULL, NULL, &e);
    CHECK(rc == 0, "in a transaction, the whole statement_timeout: %d %s", rc,
          e.msg);
    store_rollback(c);
    store_release(st, c);
out:
    store_close(st);
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

static void run(struct store *st)
{
    atexit(thaw_cluster); /* a frozen postmaster would block its stop */
    storage_fixture_admin(st);
    test_exec_mapping(st);
    test_prepared();
    test_arrays(st);
    test_pool();
    test_filtered();
    test_outage(st, &storage_fixture.pc);
    if (storage_fixture.pc != NULL)
        test_frozen();
}

int main(void)
{
    return storage_fixture_run("test_store", run);
}
