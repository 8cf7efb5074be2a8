/* micetro-emu storage: snapshots of the objects (see store_snapshot.h). */
#include "store_snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_job.h"
#include "store_reset.h"

/* The tables as the text[] parameter of migration 010's functions. */
#define TABLES_ARRAY "{" STORE_RESET_TABLES "}"

/* A snapshot's columns as struct store_snapshot reads them. */
#define SNAPSHOT_COLS                                                          \
    "name, to_char(created AT TIME ZONE 'UTC', "                               \
    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), schema_version, counts::text"

static int snapshot_row(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_snapshot *s = dst;
    int rc;

    if ((rc = store_copy_text(r, row, 0, s->name, sizeof(s->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 1, s->created, sizeof(s->created), e)) !=
            0 ||
        (rc = store_copy_text(r, row, 3, s->counts, sizeof(s->counts), e)) != 0)
        return rc;
    s->schema_version = (int)strtol(PQgetvalue(r, row, 2), NULL, 10);
    return 0;
}

/* Reads snapshot name into out: 0, or ERR_NOTFOUND. */
static int read_one(struct store_conn *c, const char *name,
                    struct store_snapshot *out, struct err *e)
{
    return store_query_one(
        c, "SELECT " SNAPSHOT_COLS " FROM snapshots WHERE name = $1", name,
        snapshot_row, out, NULL, "no such snapshot", e);
}

int store_snapshot_save(struct store_conn *c, const char *name, int replace,
                        struct store_snapshot *out, struct err *e)
{
    const char *params[2] = {name, TABLES_ARRAY};
    char v[STORE_INTBUF];
    int rc;

    if ((rc = store_exec(c, "LOCK TABLE snapshots IN SHARE ROW EXCLUSIVE MODE",
                         0, NULL, NULL, e)) != 0)
        return rc;
    v[0] = '\0';
    rc = replace
             ? store_exec(c, "SELECT snapshot_drop($1)", 1, params, NULL, e)
             : store_query_text(c, "SELECT 1 FROM snapshots WHERE name = $1", 1,
                                params, v, sizeof(v), e);
    if (rc < 0)
        return rc;
    if (strcmp(v, "1") == 0)
        return err_set(e, ERR_EXISTS,
                       "snapshot \"%s\" exists; ?replace=true replaces it",
                       name);
    rc = store_query_text(c, "SELECT count(*) FROM snapshots", 0, NULL, v,
                          sizeof(v), e);
    if (rc < 0)
        return rc;
    if (strtol(v, NULL, 10) >= STORE_SNAPSHOT_MAX)
        return err_set(e, ERR_CONFLICT,
                       "there are %d snapshots already, the most a database "
                       "keeps: delete one first",
                       STORE_SNAPSHOT_MAX);
    if ((rc = store_exec(c, "LOCK TABLE " STORE_RESET_TABLES " IN SHARE MODE",
                         0, NULL, NULL, e)) != 0)
        return rc;
    rc = store_query_text(c, "SELECT snapshot_save($1, $2::text[])", 2, params,
                          v, sizeof(v), e);
    if (rc < 0)
        return rc;
    return read_one(c, name, out, e);
}

int store_snapshot_restore(struct store_conn *c, const char *name,
                           struct store_snapshot *out,
                           struct store_snapshot_restored *done, struct err *e)
{
    const char *params[2] = {name, TABLES_ARRAY};
    PGresult *r = NULL;
    char id[STORE_INTBUF];
    int rc, current;

    rc = store_exec(c,
                    "SELECT " SNAPSHOT_COLS ", id, (SELECT max(version) "
                    "FROM schema_migrations) FROM snapshots WHERE name = $1 "
                    "FOR SHARE",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0)
        rc = err_set(e, ERR_NOTFOUND, "no snapshot \"%s\"", name);
    else if ((rc = snapshot_row(r, 0, out, e)) == 0)
        rc = store_copy_text(r, 0, 4, id, sizeof(id), e);
    current = rc == 0 ? (int)strtol(PQgetvalue(r, 0, 5), NULL, 10) : 0;
    PQclear(r);
    if (rc != 0)
        return rc;
    if (out->schema_version != current)
        return err_set(e, ERR_CONFLICT,
                       "snapshot \"%s\" was saved at migration %d and the "
                       "database is at migration %d: save it again",
                       name, out->schema_version, current);
    rc = store_exec(c,
                    "SELECT set_config('session_replication_role', "
                    "'replica', true)",
                    0, NULL, NULL, e);
    if (rc != 0)
        return strcmp(c->sqlstate, "42501") == 0
                   ? err_set(e, ERR_INTERNAL,
                             "restoring a snapshot needs a database role "
                             "that may set session_replication_role (a "
                             "superuser, or GRANT SET ON PARAMETER "
                             "session_replication_role on PostgreSQL 15 "
                             "and later)")
                   : rc;
    if ((rc = store_reset_lock(c, 0, e)) != 0)
        return rc;
    params[0] = id;
    rc = store_exec(c,
                    "SELECT r->>'deleted', r->>'inserted' "
                    "FROM snapshot_restore($1::bigint, $2::text[]) r",
                    2, params, &r, e);
    if (rc != 0)
        return rc;
    done->deleted = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    done->inserted = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    return store_job_release_all(c, NULL, e);
}

int store_snapshot_delete(struct store_conn *c, const char *name, struct err *e)
{
    const char *params[1] = {name};
    char v[8];
    int rc = store_query_text(c, "SELECT snapshot_drop($1)", 1, params, v,
                              sizeof(v), e);

    if (rc < 0)
        return rc;
    if (strcmp(v, "t") != 0)
        return err_set(e, ERR_NOTFOUND, "no snapshot \"%s\"", name);
    return 0;
}

int store_snapshot_list(struct store_conn *c, struct store_snapshot **out,
                        size_t *n, struct err *e)
{
    PGresult *r = NULL;
    void *list = NULL;
    int rc = store_exec(c,
                        "SELECT " SNAPSHOT_COLS
                        " FROM snapshots ORDER BY name COLLATE \"C\"",
                        0, NULL, &r, e);

    *out = NULL;
    *n = 0;
    if (rc != 0)
        return rc;
    rc = store_rows_read(r, sizeof(**out), snapshot_row, &list, n, e);
    PQclear(r);
    *out = list;
    return rc;
}
