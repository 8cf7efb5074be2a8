/* micetro-emu storage: schema migrations (see store_migrate.h). */
#include "store_migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"

/* Key of the advisory lock that serialises migrations ("micetr"). */
#define MIGRATE_LOCK_KEY "120265197380722"

/* Whether schema_migrations exists.  Reads pg_class with the statement's
 * snapshot: to_regclass() would consult this backend's catalog cache, which
 * may still hold "no such table" from before we waited for the lock. */
static int table_exists(struct store_conn *c, int *exists, struct err *e)
{
    char v[8];
    int rc;

    rc = store_query_text(c,
                          "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
                          "WHERE schemaname = current_schema() "
                          "AND tablename = 'schema_migrations')",
                          0, NULL, v, sizeof(v), e);
    if (rc < 0)
        return rc;
    *exists = strcmp(v, "t") == 0;
    return 0;
}

/* Marks in done[] (store_migration_count entries) the migrations the
 * database has recorded, checking that it records only ones we know. */
static int load_applied(struct store_conn *c, char *done, struct err *e)
{
    PGresult *r = NULL;
    int exists, rc, i, n;

    rc = table_exists(c, &exists, e);
    if (rc != 0 || !exists)
        return rc;
    rc = store_exec(c,
                    "SELECT version, name FROM schema_migrations "
                    "ORDER BY version",
                    0, NULL, &r, e);
    if (rc != 0)
        return rc;
    n = PQntuples(r);
    for (i = 0; i < n; i++) {
        int v = (int)strtol(PQgetvalue(r, i, 0), NULL, 10);
        const char *name = PQgetvalue(r, i, 1);

        if (v < 1 || v > store_migration_count) {
            rc = err_set(e, ERR_DB,
                         "database schema is newer than this micetro-emu: "
                         "it has migration %03d_%s, this build knows %d",
                         v, name, store_migration_count);
            goto out;
        }
        if (strcmp(name, store_migrations[v - 1].name) != 0) {
            rc = err_set(e, ERR_DB,
                         "migration %03d was applied as \"%s\" but this "
                         "build calls it \"%s\"",
                         v, name, store_migrations[v - 1].name);
            goto out;
        }
        done[v - 1] = 1;
    }
out:
    PQclear(r);
    return rc;
}

/* Applies m unless another process did it while we waited for the lock;
 * *did tells which. */
static int apply_one(struct store_conn *c, const struct store_migration *m,
                     int *did, struct err *e)
{
    char vbuf[STORE_INTBUF], name[128], msg[sizeof(e->msg)];
    const char *params[2];
    int rc, exists;

    *did = 0;
    params[0] = store_param_int(vbuf, m->version);
    params[1] = m->name;

    rc = store_begin(c, e);
    if (rc != 0)
        return rc;
    rc = store_exec(c, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", 0,
                    NULL, NULL, e);
    if (rc != 0)
        goto out;
    /* migrations may take longer than a request is allowed to */
    rc = store_exec(c, "SELECT set_config('statement_timeout', '0', true)", 0,
                    NULL, NULL, e);
    if (rc != 0)
        goto out;
    rc = table_exists(c, &exists, e);
    if (rc != 0)
        goto out;
    if (exists) {
        rc = store_query_text(c,
                              "SELECT name FROM schema_migrations "
                              "WHERE version = $1",
                              1, params, name, sizeof(name), e);
        if (rc < 0)
            goto out;
        if (rc == 1) { /* someone else was first */
            rc = 0;
            goto out;
        }
    }

    rc = store_exec_script(c, m->sql, e);
    if (rc < 0) {
        if (e != NULL)
            memcpy(msg, e->msg, sizeof(msg));
        else
            msg[0] = '\0';
        rc = err_set(e, rc == ERR_DB ? ERR_DB : ERR_INTERNAL,
                     "migration %03d_%s failed: %s", m->version, m->name, msg);
        goto out;
    }
    rc = store_exec_cmd(c,
                        "INSERT INTO schema_migrations (version, name) "
                        "VALUES ($1, $2)",
                        2, params, e);
    if (rc < 0)
        goto out;
    rc = store_commit(c, e);
    if (rc == 0)
        *did = 1;
out:
    store_rollback(c);
    return rc;
}

int store_migrate(struct store_conn *c, int *applied, struct err *e)
{
    char *done;
    int rc, i, did;

    *applied = 0;
    done = calloc((size_t)store_migration_count, 1);
    if (done == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = load_applied(c, done, e);
    for (i = 0; rc == 0 && i < store_migration_count; i++) {
        if (done[i])
            continue;
        rc = apply_one(c, &store_migrations[i], &did, e);
        *applied += did;
    }
    free(done);
    return rc;
}
