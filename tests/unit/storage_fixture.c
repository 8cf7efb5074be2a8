/* micetro-emu tests: what the storage tests share (see storage_fixture.h). */
#include "storage_fixture.h"

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store_migrate.h"
#include "store_user.h"
#include "store_int.h"

int storage_fixture_passed, storage_fixture_failed;
struct storage_fixture storage_fixture;

int storage_fixture_init(const char *name)
{
    struct storage_fixture *f = &storage_fixture;
    const char *env = getenv("MICETRO_TEST_DATA_DIR");
    char tmpl[] = "/tmp/micetro-test-XXXXXX";
    int n;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (env != NULL && env[0] != '\0') {
        n = snprintf(f->base, sizeof(f->base), "%s/%s", env, name);
        if (n < 0 || (size_t)n >= sizeof(f->base)) {
            fprintf(stderr, "MICETRO_TEST_DATA_DIR is too long\n");
            goto fail;
        }
        if (mkdir(f->base, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "mkdir %s: %s\n", f->base, strerror(errno));
            goto fail;
        }
    } else {
        if (mkdtemp(tmpl) == NULL) {
            perror("mkdtemp");
            goto fail;
        }
        chmod(tmpl, 0755); /* reachable by postgres when we are root */
        snprintf(f->base, sizeof(f->base), "%s", tmpl);
        f->made = 1;
    }
    n = snprintf(f->data_dir, sizeof(f->data_dir), "%s/var", f->base);
    if (n < 0 || (size_t)n >= sizeof(f->data_dir))
        goto fail;
    printf("data directory %s\n", f->data_dir);
    return 0;
fail:
    storage_fixture_failed++;
    return -1;
}

struct pgcluster *storage_fixture_start(struct err *e)
{
    struct storage_fixture *f = &storage_fixture;

    return pgcluster_start(f->data_dir, f->conninfo, sizeof(f->conninfo), e);
}

struct store *storage_fixture_store(void)
{
    struct storage_fixture *f = &storage_fixture;
    struct store *st;
    struct err e;

    f->pc = storage_fixture_start(&e);
    CHECK(f->pc != NULL, "cluster start: %s", e.msg);
    if (f->pc == NULL)
        return NULL;
    printf("conninfo %s\n", f->conninfo);
    st = storage_fixture_open(4, 2000, &e);
    CHECK(st != NULL, "store open: %s", e.msg);
    return st;
}

struct store *storage_fixture_open(int pool, int acquire_ms, struct err *e)
{
    struct store_opts o;

    memset(&o, 0, sizeof(o));
    o.conninfo = storage_fixture.conninfo;
    o.pool_size = pool;
    o.acquire_timeout_ms = acquire_ms;
    o.connect_timeout_s = 5;
    o.statement_timeout_ms = 10000;
    o.prepare = store_migrate;
    return store_open(&o, e);
}

long storage_fixture_count(struct store_conn *c, const char *sql)
{
    char v[32];
    struct err e;

    if (store_query_text(c, sql, 0, NULL, v, sizeof(v), &e) != 1) {
        printf("  query failed: %s\n", e.msg);
        return -1;
    }
    return strtol(v, NULL, 10);
}

double storage_fixture_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int add_admin(struct store_conn *c, struct err *e)
{
    int rc = store_user_create(c, "admin", HASH2, e);

    return rc == ERR_EXISTS ? store_user_set_hash(c, "admin", HASH2, e) < 0
                            : rc;
}

static int add_servers(struct store_conn *c, struct err *e)
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

    return store_exec_script(c, setup, e);
}

/* Runs fn on a connection of st: its result, or acquire's error. */
static int on_conn(struct store *st,
                   int (*fn)(struct store_conn *c, struct err *e),
                   struct err *e)
{
    struct store_conn *c = store_acquire(st, e);
    int rc;

    if (c == NULL)
        return e->code;
    rc = fn(c, e);
    store_release(st, c);
    return rc;
}

void storage_fixture_admin(struct store *st)
{
    struct err e;
    int rc = on_conn(st, add_admin, &e);

    CHECK(rc == 0, "user admin: %d %s", rc, e.msg);
}

void storage_fixture_servers(struct store *st)
{
    struct err e;
    int rc = on_conn(st, add_servers, &e);

    CHECK(rc >= 0, "config setup: %s", e.msg);
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

int storage_fixture_end(void)
{
    struct storage_fixture *f = &storage_fixture;
    struct err e;
    int rc;

    if (f->pc != NULL) {
        rc = pgcluster_stop(f->pc, &e);
        f->pc = NULL;
        CHECK(rc == 0, "last stop: %s", e.msg);
    }
    if (f->made && getenv("MICETRO_TEST_KEEP") == NULL)
        nftw(f->base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    printf("%d passed, %d failed\n", storage_fixture_passed,
           storage_fixture_failed);
    return storage_fixture_failed == 0 ? 0 : 1;
}

int storage_fixture_run(const char *name, void (*tests)(struct store *st))
{
    struct store *st = NULL;

    if (storage_fixture_init(name) == 0)
        st = storage_fixture_store();
    if (st != NULL)
        tests(st);
    store_close(st);
    return storage_fixture_end();
}
