/* micetro-emu storage: simulated ISC servers (see store_sim.h). */
#include "store_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "failover.h"
#include "store_failover.h"
#include "store_int.h"
#include "store_server.h"
#include "validate.h"

/* A timestamptz column as RFC 3339, UTC, milliseconds. */
#define RFC3339(col)                                                           \
    "to_char(" col " AT TIME ZONE 'UTC', "                                     \
    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define INSTALLED_AT RFC3339("k.installed_at")
#define POSTED_AT RFC3339("o.posted_at")

/* The columns of a server, in row_to_server's order, of dhcp_servers s. */
#define SERVER_COLUMNS                                                         \
    "s.id, s.name, s.simulated, (s.simulated OR " STORE_SIM_EVERY              \
    "), " STORE_SIM_EVERY
#define SERVER_NCOLUMNS 5

int store_sim_mode_set(struct store_conn *c, int every_server, const char *by,
                       struct err *e)
{
    const char *params[2] = {every_server ? "true" : "false", by};
    int rc = store_exec_cmd(c,
                            "INSERT INTO sim_mode (every_server, set_by) "
                            "VALUES ($1::boolean, $2) ON CONFLICT (one) DO "
                            "UPDATE SET every_server = EXCLUDED.every_server, "
                            "set_by = EXCLUDED.set_by, set_at = now()",
                            2, params, e);

    return rc < 0 ? rc : 0;
}

static int row_to_server(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_sim_server *s = dst;

    memset(s, 0, sizeof(*s));
    if (PQnfields(r) < SERVER_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "simulated server: %d columns",
                       PQnfields(r));
    s->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    s->own = PQgetvalue(r, row, 2)[0] == 't';
    s->simulated = PQgetvalue(r, row, 3)[0] == 't';
    s->every_server = PQgetvalue(r, row, 4)[0] == 't';
    return store_copy_text(r, row, 1, s->name, sizeof(s->name), e);
}

/* The key of name into key[STORE_SERVER_NAME_BUF] and the message when
 * there is no such server into msg[size]. */
static int name_key(const char *name, char *key, char *msg, size_t size,
                    struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];

    snprintf(msg, size, "no DHCP server \"%s\"",
             validate_quote(name, q, sizeof(q)));
    if (store_server_name_key(name, key, STORE_SERVER_NAME_BUF) != 0)
        return err_set(e, ERR_NOTFOUND, "%s", msg);
    return 0;
}

int store_sim_server_find(struct store_conn *c, const char *name,
                          struct store_sim_server *out, struct err *e)
{
    char key[STORE_SERVER_NAME_BUF], msg[VALIDATE_QUOTE_BUF + 32];
    int rc = name_key(name, key, msg, sizeof(msg), e);

    if (rc != 0)
        return rc;
    return store_query_one(c,
                           "SELECT " SERVER_COLUMNS " FROM dhcp_servers s "
                           "WHERE s.name_key = lower($1)",
                           key, row_to_server, out, NULL, msg, e);
}

int store_sim_set(struct store_conn *c, long long id, int on, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[2];
    struct store_sim_server s;
    PGresult *r = NULL;
    int rc;

    params[0] = store_param_int(sid, id);
    params[1] = on ? "true" : "false";
    if ((rc = store_failover_lock_adds(c, e)) != 0 ||
        (rc = store_query_one(c,
                              "SELECT " SERVER_COLUMNS " FROM dhcp_servers s "
                              "WHERE s.id = $1::bigint FOR UPDATE",
                              sid, row_to_server, &s, NULL,
                              "the DHCP server has gone", e)) != 0)
        return rc;
    if (!on && s.every_server)
        return err_set(e, ERR_CONFLICT,
                       "every DHCP server is simulated (the worker runs "
                       "without an agent secret, or with --simulate): "
                       "\"%s\" cannot be made real",
                       s.name);
    rc = store_exec_cmd(c,
                        "UPDATE dhcp_servers SET simulated = $2::boolean, "
                        "updated = now() WHERE id = $1::bigint "
                        "AND simulated <> $2::boolean",
                        2, params, e);
    if (rc < 0)
        return rc;
    /* the first of its relationships that would join two kinds */
    rc = store_exec(c,
                    "SELECT f.name, p.name, s.name, p.simulated, s.simulated "
                    "FROM dhcp_failover f "
                    "JOIN dhcp_servers p ON p.id = f.primary_id "
                    "JOIN dhcp_servers s ON s.id = f.secondary_id "
                    "WHERE $1::bigint IN (f.primary_id, f.secondary_id) "
                    "AND p.simulated <> s.simulated "
                    "AND NOT " STORE_SIM_EVERY " "
                    "ORDER BY (f.name COLLATE \"C\"), f.id LIMIT 1",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 1)
        rc = failover_check_simulated(
            PQgetvalue(r, 0, 3)[0] == 't', PQgetvalue(r, 0, 4)[0] == 't',
            PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), e);
    PQclear(r);
    if (rc != 0 || on)
        return rc;
    if ((rc = store_sim_state_clear(c, id, NULL, e)) != 0)
        return rc;
    rc = store_exec_cmd(c,
                        "DELETE FROM sim_configs WHERE server_id = $1::bigint",
                        1, params, e);
    return rc < 0 ? rc : 0;
}

int store_sim_check_pair(struct store_conn *c, long long primary_id,
                         long long secondary_id, const char *name,
                         const char *primary, const char *secondary,
                         struct err *e)
{
    char pid[STORE_INTBUF], sid[STORE_INTBUF], kinds[8];
    const char *params[2];
    int rc;

    params[0] = store_param_int(pid, primary_id);
    params[1] = store_param_int(sid, secondary_id);
    if ((rc = store_failover_lock_adds(c, e)) != 0)
        return rc;
    rc = store_query_text(c,
                          "SELECT string_agg((s.simulated OR " STORE_SIM_EVERY
                          ")::int::text, '' ORDER BY s.id = $2::bigint) "
                          "FROM dhcp_servers s "
                          "WHERE s.id IN ($1::bigint, $2::bigint)",
                          2, params, kinds, sizeof(kinds), e);
    if (rc < 0)
        return rc;
    /* a server that has gone is found missing by the insert */
    if (strlen(kinds) != 2)
        return 0;
    return failover_check_simulated(kinds[0] == '1', kinds[1] == '1', name,
                                    primary, secondary, e);
}

/* The text form of a PostgreSQL text array of names[0..n). */
static char *text_array(const char (*names)[CONFPEERS_NAME_BUF], size_t n)
{
    size_t len = 3;
    char *out, *o;

    for (size_t i = 0; i < n; i++)
        len += 2 * strlen(names[i]) + 3;
    if ((out = malloc(len)) == NULL)
        return NULL;
    o = out;
    *o++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *o++ = ',';
        *o++ = '"';
        for (const char *p = names[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                *o++ = '\\';
            *o++ = *p;
        }
        *o++ = '"';
    }
    *o++ = '}';
    *o = '\0';
    return out;
}

int store_sim_install(struct store_conn *c, long long id,
                      const struct store_sim_claim *claim, const char *config,
                      const char (*peers)[CONFPEERS_NAME_BUF], size_t npeers,
                      int checked, char hash[65], struct err *e)
{
    char sid[STORE_INTBUF], gen[STORE_INTBUF];
    const char *params[6];
    char *list;
    int rc;

    if (npeers > STORE_SIM_PEERS_MAX)
        npeers = STORE_SIM_PEERS_MAX;
    if ((list = text_array(peers, npeers)) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    params[0] = store_param_int(sid, id);
    params[1] = config;
    params[2] = list;
    params[3] = checked ? "true" : "false";
    params[4] = claim != NULL ? claim->worker : NULL;
    params[5] = claim != NULL ? store_param_int(gen, claim->generation) : NULL;
    rc = store_query_text(
        c,
        "INSERT INTO sim_configs AS k (server_id, config, hash, peers, "
        "checked) SELECT $1::bigint, $2, "
        "encode(sha256(convert_to($2, 'UTF8')), 'hex'), $3::text[], "
        "$4::boolean WHERE $5::text IS NULL OR EXISTS (SELECT 1 FROM "
        "config_jobs j WHERE j.server_id = $1::bigint AND j.claimed_by = $5 "
        "AND j.claimed_generation = $6::bigint) "
        "ON CONFLICT (server_id) DO UPDATE SET config = "
        "EXCLUDED.config, hash = EXCLUDED.hash, peers = EXCLUDED.peers, "
        "checked = EXCLUDED.checked, installed_at = now() RETURNING k.hash",
        6, params, hash, 65, e);
    free(list);
    if (rc == ERR_CONFLICT) /* the foreign key: the server has gone */
        return err_set(e, ERR_NOTFOUND, "DHCP server %lld does not exist", id);
    if (rc == 0 && claim != NULL)
        return err_set(e, ERR_CONFLICT,
                       "the push of generation %lld was taken back (a reset "
                       "or a restore) before its file was kept",
                       claim->generation);
    if (rc == 0)
        return err_set(e, ERR_INTERNAL, "no hash for the simulated file");
    return rc < 0 ? rc : 0;
}

int store_sim_wait(struct store_conn *c, const char *name, const char *config,
                   const char (*peers)[CONFPEERS_NAME_BUF], size_t npeers,
                   struct err *e)
{
    char key[STORE_SERVER_NAME_BUF], n[STORE_INTBUF];
    const char *params[3];
    char *list;
    int rc;

    if (validate_hostname(name, "name", e) != 0 ||
        store_server_name_key(name, key, sizeof(key)) != 0) {
        char why[sizeof(e->msg)]; /* e->msg is not formatted into itself */

        snprintf(why, sizeof(why), "%s", e->msg);
        return err_set(e, ERR_INVALID, "no DHCP server can be called that: %s",
                       why);
    }
    if (npeers > STORE_SIM_PEERS_MAX)
        npeers = STORE_SIM_PEERS_MAX;
    if ((rc = store_exec(c,
                         "LOCK TABLE sim_waiting_configs IN SHARE ROW "
                         "EXCLUSIVE MODE",
                         0, NULL, NULL, e)) != 0)
        return rc;
    params[0] = key;
    if ((rc = store_query_text(c,
                               "SELECT count(*) FROM sim_waiting_configs "
                               "WHERE name_key <> $1",
                               1, params, n, sizeof(n), e)) < 0)
        return rc;
    if (strtoll(n, NULL, 10) >= STORE_SIM_WAITING_MAX)
        return err_set(e, ERR_CONFLICT,
                       "%d files wait for servers not added yet already",
                       STORE_SIM_WAITING_MAX);
    if ((list = text_array(peers, npeers)) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    params[1] = config;
    params[2] = list;
    rc = store_exec_cmd(c,
                        "INSERT INTO sim_waiting_configs (name_key, config, "
                        "peers) VALUES ($1, $2, $3::text[]) ON CONFLICT "
                        "(name_key) DO UPDATE SET config = EXCLUDED.config, "
                        "peers = EXCLUDED.peers, put_at = now()",
                        3, params, e);
    free(list);
    return rc < 0 ? rc : 0;
}

/* The installed file's columns after the server's. */
static int row_to_config(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_sim_config *k = dst;
    int rc = row_to_server(r, row, &k->server, e);
    size_t n = 0, len;

    if (rc != 0)
        return rc;
    k->installed = !PQgetisnull(r, row, SERVER_NCOLUMNS);
    if (!k->installed)
        return 0;
    k->checked = PQgetvalue(r, row, SERVER_NCOLUMNS + 3)[0] == 't';
    if ((rc = store_copy_text(r, row, SERVER_NCOLUMNS + 1, k->hash,
                              sizeof(k->hash), e)) != 0 ||
        (rc = store_copy_text(r, row, SERVER_NCOLUMNS + 2, k->installed_at,
                              sizeof(k->installed_at), e)) != 0)
        return rc;
    len = strlen(PQgetvalue(r, row, SERVER_NCOLUMNS + 4)) + 1;
    k->config = strdup(PQgetvalue(r, row, SERVER_NCOLUMNS));
    k->peers = malloc(len);
    if (k->config == NULL || k->peers == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = store_array_split(PQgetvalue(r, row, SERVER_NCOLUMNS + 4), k->peers,
                           len, &n, e);
    k->npeers = n;
    return rc;
}

int store_sim_config_get(struct store_conn *c, const char *name,
                         struct store_sim_config *out, struct err *e)
{
    char key[STORE_SERVER_NAME_BUF], msg[VALIDATE_QUOTE_BUF + 32];
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = name_key(name, key, msg, sizeof(msg), e)) != 0)
        return rc;
    rc = store_query_one(c,
                         "SELECT " SERVER_COLUMNS
                         ", k.config, k.hash, " INSTALLED_AT
                         ", k.checked, k.peers "
                         "FROM dhcp_servers s "
                         "LEFT JOIN sim_configs k ON k.server_id = s.id "
                         "WHERE s.name_key = lower($1)",
                         key, row_to_config, out, NULL, msg, e);
    if (rc != 0)
        store_sim_config_free(out);
    return rc;
}

void store_sim_config_free(struct store_sim_config *cfg)
{
    free(cfg->config);
    free(cfg->peers);
    cfg->config = NULL;
    cfg->peers = NULL;
}

/* What one side reports, as SQL: own's file and partner's, of f. */
#define AUTO_SIDE(own, partner)                                                \
    "CASE WHEN NOT EXISTS (SELECT 1 FROM sim_configs k WHERE k.server_id "     \
    "= " own " AND f.name = ANY (k.peers)) THEN 'Empty' "                      \
    "WHEN EXISTS (SELECT 1 FROM sim_configs k WHERE k.server_id = " partner    \
    " AND f.name = ANY (k.peers)) THEN 'Normal' ELSE 'Startup' END"
#define AUTO_PRIMARY AUTO_SIDE("f.primary_id", "f.secondary_id")
#define AUTO_SECONDARY AUTO_SIDE("f.secondary_id", "f.primary_id")

static int row_to_auto(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_sim_auto *a = dst;
    int rc;

    a->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    if ((rc = store_copy_text(r, row, 1, a->primary_state,
                              sizeof(a->primary_state), e)) != 0)
        return rc;
    return store_copy_text(r, row, 2, a->secondary_state,
                           sizeof(a->secondary_state), e);
}

int store_sim_auto_states(struct store_conn *c, long long id,
                          struct store_sim_auto **out, size_t *n, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    void *rows = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    params[0] = store_param_int(sid, id);
    rc = store_exec(
        c,
        "SELECT id, ps, ss FROM (SELECT f.id, f.primary_state, "
        "f.secondary_state, f.state_read, f.state_error, " AUTO_PRIMARY
        " AS ps, " AUTO_SECONDARY " AS ss "
        "FROM dhcp_failover f "
        "JOIN dhcp_servers p ON p.id = f.primary_id "
        "JOIN dhcp_servers s ON s.id = f.secondary_id "
        "WHERE (p.simulated OR " STORE_SIM_EVERY ") "
        "AND (s.simulated OR " STORE_SIM_EVERY ") "
        "AND ($1::bigint = 0 OR $1::bigint IN "
        "(f.primary_id, f.secondary_id))) a "
        "WHERE a.primary_state IS DISTINCT FROM a.ps "
        "OR a.secondary_state IS DISTINCT FROM a.ss "
        "OR a.state_read IS NULL OR a.state_error IS NOT NULL "
        "ORDER BY id",
        1, params, &r, e);
    if (rc != 0)
        return rc;
    rc = store_rows_read(r, sizeof(**out), row_to_auto, &rows, n, e);
    PQclear(r);
    *out = rows;
    return rc;
}

/* The text form of a PostgreSQL array of v[0..n). */
static void bigint_array(const long long *v, size_t n, char *out, size_t size)
{
    size_t o = 0;

    o += (size_t)snprintf(out, size, "{");
    for (size_t i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%lld", i ? "," : "", v[i]);
    if (o < size)
        snprintf(out + o, size - o, "}");
}

int store_sim_state_set(struct store_conn *c, long long id, const char *server,
                        const char *relationship, const char *const *states,
                        const long long *after_ms, size_t n,
                        struct store_sim_reported *out, struct err *e)
{
    char sid[STORE_INTBUF], fid[STORE_INTBUF], q[VALIDATE_QUOTE_BUF];
    char names[STORE_SIM_SEQUENCE_MAX * 40 + 3];
    char afters[STORE_SIM_SEQUENCE_MAX * 24 + 3];
    const char *params[4];
    struct store_sim_reported tmp;
    PGresult *r = NULL;
    size_t o = 0;
    int rc;

    if (out == NULL)
        out = &tmp;
    memset(out, 0, sizeof(*out));
    if (n > STORE_SIM_SEQUENCE_MAX)
        return err_set(e, ERR_INVALID, "more than %d states",
                       STORE_SIM_SEQUENCE_MAX);
    params[0] = store_param_int(sid, id);
    params[1] = relationship;
    rc = store_exec(c,
                    "SELECT f.id, f.name FROM dhcp_failover f "
                    "WHERE $1::bigint IN (f.primary_id, f.secondary_id) "
                    "AND lower(f.name) = lower($2) FOR UPDATE",
                    2, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return err_set(e, ERR_NOTFOUND,
                       "DHCP server \"%s\" has no failover relationship "
                       "\"%s\"",
                       server, validate_quote(relationship, q, sizeof(q)));
    }
    snprintf(fid, sizeof(fid), "%s", PQgetvalue(r, 0, 0));
    rc = store_copy_text(r, 0, 1, out->relationship, sizeof(out->relationship),
                         e);
    PQclear(r);
    if (rc != 0)
        return rc;
    params[0] = fid;
    params[1] = sid;
    if (n == 0) {
        rc = store_exec_cmd(c,
                            "DELETE FROM sim_failover_states WHERE "
                            "failover_id = $1::bigint AND server_id = "
                            "$2::bigint",
                            2, params, e);
        return rc < 0 ? rc : 0;
    }
    names[o++] = '{';
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%.32s",
                              i ? "," : "", states[i]);
    snprintf(names + o, sizeof(names) - o, "}");
    bigint_array(after_ms, n, afters, sizeof(afters));
    params[2] = names;
    params[3] = afters;
    rc = store_exec(
        c,
        "INSERT INTO sim_failover_states AS o (failover_id, server_id, "
        "states, after_ms) VALUES ($1::bigint, $2::bigint, $3::text[], "
        "$4::bigint[]) ON CONFLICT (failover_id, server_id) DO UPDATE SET "
        "posted_at = now(), states = EXCLUDED.states, after_ms = "
        "EXCLUDED.after_ms RETURNING " POSTED_AT ", "
        "coalesce((SELECT o.states[k] FROM generate_subscripts(o.states, 1) k "
        "WHERE o.after_ms[k] = 0 ORDER BY k DESC LIMIT 1), "
        "(SELECT CASE WHEN f.primary_id = $2::bigint THEN f.primary_state "
        "ELSE f.secondary_state END FROM dhcp_failover f "
        "WHERE f.id = $1::bigint), '')",
        4, params, &r, e);
    if (rc != 0)
        return rc;
    if ((rc = store_copy_text(r, 0, 0, out->posted_at, sizeof(out->posted_at),
                              e)) == 0)
        rc = store_copy_text(r, 0, 1, out->now, sizeof(out->now), e);
    PQclear(r);
    return rc;
}

int store_sim_state_clear(struct store_conn *c, long long id, long long *n,
                          struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    int rc;

    params[0] = store_param_int(sid, id);
    rc = store_exec_cmd(c,
                        "DELETE FROM sim_failover_states WHERE server_id = "
                        "$1::bigint",
                        1, params, e);
    if (rc < 0)
        return rc;
    if (n != NULL)
        *n = rc;
    return 0;
}
