/* micetro-emu storage: importing what a DHCP server runs (store_import.h).
 */
#include "store_import.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_failover.h"
#include "store_int.h"
#include "store_sim.h"
#include "textbuf.h"

/* An IPv4 address (host order) as text[16]. */
static const char *ip_text(uint32_t a, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
             a & 255);
    return out;
}

/* A network as cidr text[20]. */
static const char *cidr_text(uint32_t net, int prefix, char out[20])
{
    char ip[16];

    snprintf(out, 20, "%s/%d", ip_text(net, ip), prefix);
    return out;
}

/* A malloc'd copy of column col of row, NULL for SQL NULL; *rc ERR_NOMEM
 * when out of memory. */
static char *dup_col(const PGresult *r, int row, int col, int *rc)
{
    char *s;

    if (PQgetisnull(r, row, col))
        return NULL;
    if ((s = strdup(PQgetvalue(r, row, col))) == NULL)
        *rc = ERR_NOMEM;
    return s;
}

int store_import_get(struct store_conn *c, const char *name,
                     struct store_import *out, struct err *e)
{
    struct store_sim_server s;
    char sid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = store_sim_server_find(c, name, &s, e)) != 0)
        return rc;
    out->id = s.id;
    out->simulated = s.simulated;
    snprintf(out->name, sizeof(out->name), "%s", s.name);
    params[0] = store_param_int(sid, s.id);
    rc = store_exec(c,
                    "SELECT i.state, i.message, i.baseline_hash, "
                    "to_char(i.updated AT TIME ZONE 'UTC', "
                    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), i.baseline, "
                    "k.config, k.hash FROM dhcp_imports i LEFT JOIN "
                    "sim_configs k ON k.server_id = i.server_id "
                    "WHERE i.server_id = $1::bigint",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return err_set(e, ERR_NOTFOUND, "DHCP server \"%s\" has no import",
                       s.name);
    }
    if ((rc = store_copy_text(r, 0, 0, out->state, sizeof(out->state), e)) ==
            0 &&
        (rc = store_copy_text(r, 0, 1, out->message, sizeof(out->message),
                              e)) == 0 &&
        (rc = store_copy_text(r, 0, 2, out->baseline_hash,
                              sizeof(out->baseline_hash), e)) == 0 &&
        (rc = store_copy_text(r, 0, 3, out->updated, sizeof(out->updated),
                              e)) == 0 &&
        (rc = store_copy_text(r, 0, 6, out->live_hash, sizeof(out->live_hash),
                              e)) == 0) {
        out->baseline = dup_col(r, 0, 4, &rc);
        out->live = dup_col(r, 0, 5, &rc);
        if (rc != 0)
            err_set(e, rc, "out of memory");
    }
    PQclear(r);
    if (rc != 0)
        store_import_free(out);
    return rc;
}

void store_import_free(struct store_import *im)
{
    free(im->baseline);
    free(im->live);
    im->baseline = im->live = NULL;
}

int store_import_set(struct store_conn *c, long long id, const char *state,
                     const char *message, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[3] = {store_param_int(sid, id), state, message};

    return store_update_one(c,
                            "UPDATE dhcp_imports SET state = $2, message = "
                            "left($3, 1023), updated = now() "
                            "WHERE server_id = $1::bigint",
                            3, params, "DHCP server", id, e);
}

int store_import_skip(struct store_conn *c, long long id, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1] = {store_param_int(sid, id)};
    int rc;

    if ((rc = store_import_set(c, id, "Skipped", NULL, e)) != 0)
        return rc;
    rc = store_exec_cmd(c, "SELECT config_job_mark($1::bigint)", 1, params, e);
    return rc < 0 ? rc : 0;
}

int store_import_request(struct store_conn *c, long long id, struct err *e)
{
    return store_import_set(c, id, "Pending", NULL, e);
}

int store_import_baseline(struct store_conn *c, long long id, const char *text,
                          struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[2] = {store_param_int(sid, id), text};
    int rc = store_exec_cmd(
        c,
        "UPDATE dhcp_imports SET baseline = $2, baseline_hash = "
        "encode(sha256(convert_to($2, 'UTF8')), 'hex'), updated = now() "
        "WHERE server_id = $1::bigint",
        2, params, e);

    return rc < 0 ? rc : 0;
}

int store_import_pending(struct store_conn *c, long long *ids, size_t max,
                         size_t *n, struct err *e)
{
    char lim[STORE_INTBUF], retry[STORE_INTBUF];
    const char *params[2] = {store_param_int(lim, (long long)max),
                             store_param_int(retry, STORE_IMPORT_RETRY_S)};
    PGresult *r = NULL;
    int rc;

    *n = 0;
    rc = store_exec(c,
                    "SELECT server_id FROM dhcp_imports WHERE state = "
                    "'Pending' AND (message IS NULL OR updated < now() - "
                    "make_interval(secs => $2::integer)) "
                    "ORDER BY updated, server_id LIMIT $1::integer",
                    2, params, &r, e);
    if (rc != 0)
        return rc;
    for (int i = 0; i < PQntuples(r) && (size_t)i < max; i++)
        ids[(*n)++] = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    PQclear(r);
    return 0;
}

int store_import_drifted(struct store_conn *c, struct store_import_drift **out,
                         size_t *n, struct err *e)
{
    PGresult *r = NULL;
    int rc, rows;

    *out = NULL;
    *n = 0;
    rc = store_exec(c,
                    "SELECT i.server_id, i.baseline, k.config FROM "
                    "dhcp_imports i JOIN sim_configs k ON k.server_id = "
                    "i.server_id JOIN dhcp_servers s ON s.id = i.server_id "
                    "WHERE i.state IN ('Applied', 'Skipped') "
                    "AND (s.simulated OR " STORE_SIM_EVERY ") "
                    "AND i.baseline_hash IS DISTINCT FROM k.hash "
                    "AND NOT EXISTS (SELECT 1 FROM config_jobs j "
                    "WHERE j.server_id = i.server_id) "
                    "ORDER BY i.server_id LIMIT 1000",
                    0, NULL, &r, e);
    if (rc != 0)
        return rc;
    rows = PQntuples(r);
    if (rows > 0 && (*out = calloc((size_t)rows, sizeof(**out))) == NULL) {
        PQclear(r);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < rows && rc == 0; i++) {
        (*out)[i].id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        (*out)[i].baseline = dup_col(r, i, 1, &rc);
        (*out)[i].live = dup_col(r, i, 2, &rc);
        *n = (size_t)i + 1;
    }
    PQclear(r);
    if (rc != 0) {
        store_import_drift_free(*out, *n);
        *out = NULL;
        *n = 0;
        return err_set(e, rc, "out of memory");
    }
    return 0;
}

int store_import_watched(struct store_conn *c, struct store_import_watch **out,
                         size_t *n, struct err *e)
{
    char lim[STORE_INTBUF];
    const char *params[1] = {store_param_int(lim, STORE_IMPORT_WATCH_MAX)};
    PGresult *r = NULL;
    int rc, rows;

    *out = NULL;
    *n = 0;
    rc = store_exec(c,
                    "SELECT s.id, s.name, host(s.address), "
                    "coalesce(s.agent_port, 0), i.baseline FROM dhcp_imports "
                    "i JOIN dhcp_servers s ON s.id = i.server_id "
                    "WHERE i.state IN ('Applied', 'Skipped') "
                    "AND i.baseline IS NOT NULL AND NOT s.simulated "
                    "AND NOT " STORE_SIM_EVERY " AND s.enabled "
                    "AND s.address IS NOT NULL "
                    "AND NOT EXISTS (SELECT 1 FROM config_jobs j "
                    "WHERE j.server_id = i.server_id) "
                    "ORDER BY s.id LIMIT $1::integer",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    rows = PQntuples(r);
    if (rows > 0 && (*out = calloc((size_t)rows, sizeof(**out))) == NULL) {
        PQclear(r);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < rows && rc == 0; i++) {
        struct store_import_watch *w = &(*out)[i];
        w->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        w->agent_port = (int)strtol(PQgetvalue(r, i, 3), NULL, 10);
        if ((rc = store_copy_text(r, i, 1, w->name, sizeof(w->name), e)) == 0 &&
            (rc = store_copy_text(r, i, 2, w->host, sizeof(w->host), e)) == 0)
            w->baseline = dup_col(r, i, 4, &rc);
        *n = (size_t)i + 1;
    }
    PQclear(r);
    if (rc != 0) {
        store_import_watch_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc == ERR_NOMEM ? err_set(e, rc, "out of memory") : rc;
    }
    return 0;
}

void store_import_watch_free(struct store_import_watch *w, size_t n)
{
    for (size_t i = 0; w != NULL && i < n; i++)
        free(w[i].baseline);
    free(w);
}

void store_import_drift_free(struct store_import_drift *d, size_t n)
{
    for (size_t i = 0; d != NULL && i < n; i++) {
        free(d[i].baseline);
        free(d[i].live);
    }
    free(d);
}

/* Reads the server columns of store_import_begin's and _partner's queries
 * (id, name, address, simulated, kept file). */
static int read_server(const PGresult *r, struct store_import_server *out,
                       struct err *e)
{
    struct in_addr a;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    if (!PQgetisnull(r, 0, 2) &&
        inet_pton(AF_INET, PQgetvalue(r, 0, 2), &a) == 1) {
        out->address = ntohl(a.s_addr);
        snprintf(out->host, sizeof(out->host), "%s", PQgetvalue(r, 0, 2));
    }
    out->simulated = PQgetvalue(r, 0, 3)[0] == 't';
    out->agent_port = (int)strtol(PQgetvalue(r, 0, 5), NULL, 10);
    out->live = dup_col(r, 0, 4, &rc);
    if (rc != 0)
        return err_set(e, rc, "out of memory");
    return store_copy_text(r, 0, 1, out->name, sizeof(out->name), e);
}

#define IMPORT_SERVER_COLUMNS                                                  \
    "s.id, s.name, host(s.address), (s.simulated OR " STORE_SIM_EVERY          \
    "), k.config, coalesce(s.agent_port, 0)"

int store_import_begin(struct store_conn *c, long long id,
                       struct store_import_server *out, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1] = {store_param_int(sid, id)};
    PGresult *r = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = store_begin(c, e)) != 0)
        return rc;
    if ((rc = store_exec(c,
                         "SELECT set_config('micetro.importing', 'on', "
                         "true)",
                         0, NULL, NULL, e)) != 0 ||
        (rc = store_failover_lock_adds(c, e)) != 0 ||
        (rc = store_exec(c,
                         "SELECT " IMPORT_SERVER_COLUMNS " FROM dhcp_servers s "
                         "LEFT JOIN sim_configs k ON k.server_id = s.id "
                         "WHERE s.id = $1::bigint FOR UPDATE OF s",
                         1, params, &r, e)) != 0) {
        store_rollback(c);
        return rc;
    }
    if (PQntuples(r) != 1)
        rc = err_set(e, ERR_NOTFOUND, "DHCP server %lld does not exist", id);
    else
        rc = read_server(r, out, e);
    PQclear(r);
    if (rc != 0)
        store_rollback(c);
    return rc;
}

int store_import_partner(struct store_conn *c, long long id, const char *name,
                         struct store_import_partner *out, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[2] = {store_param_int(sid, id), name};
    struct confimport_peer *p = &out->peer;
    PGresult *r = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = store_exec(
        c,
        "SELECT s.id, s.name, coalesce(s.address - '0.0.0.0'::inet, 0), "
        "p.role, p.address, p.peer_address, p.port, p.peer_port, p.mclt, "
        "p.split, p.percentage, p.max_response_delay, "
        "p.max_unacked_updates, p.load_balance_max_seconds, p.problem "
        "FROM dhcp_import_peers p JOIN dhcp_servers s ON s.id = p.server_id "
        "WHERE p.name = $2 AND p.server_id <> $1::bigint "
        "ORDER BY EXISTS (SELECT 1 FROM dhcp_failover f WHERE lower(f.name) "
        "= lower($2) AND $1::bigint IN (f.primary_id, f.secondary_id) AND "
        "s.id IN (f.primary_id, f.secondary_id)) DESC, p.id LIMIT 1",
        2, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    out->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    out->address = (uint32_t)strtoll(PQgetvalue(r, 0, 2), NULL, 10);
    p->name = name;
    p->role = (enum failover_role)strtol(PQgetvalue(r, 0, 3), NULL, 10);
    p->address = (uint32_t)strtoll(PQgetvalue(r, 0, 4), NULL, 10);
    p->peer_address = (uint32_t)strtoll(PQgetvalue(r, 0, 5), NULL, 10);
    p->port = (int)strtol(PQgetvalue(r, 0, 6), NULL, 10);
    p->peer_port = (int)strtol(PQgetvalue(r, 0, 7), NULL, 10);
    p->mclt = strtoll(PQgetvalue(r, 0, 8), NULL, 10);
    p->split = (int)strtol(PQgetvalue(r, 0, 9), NULL, 10);
    p->percentage = (int)strtol(PQgetvalue(r, 0, 10), NULL, 10);
    p->max_response_delay = (int)strtol(PQgetvalue(r, 0, 11), NULL, 10);
    p->max_unacked_updates = (int)strtol(PQgetvalue(r, 0, 12), NULL, 10);
    p->load_balance_max_seconds = (int)strtol(PQgetvalue(r, 0, 13), NULL, 10);
    if (!PQgetisnull(r, 0, 14)) {
        snprintf(out->problem, sizeof(out->problem), "%s",
                 PQgetvalue(r, 0, 14));
        p->problem = out->problem;
    }
    rc = store_copy_text(r, 0, 1, out->name, sizeof(out->name), e);
    PQclear(r);
    return rc != 0 ? rc : 1;
}

/* Runs sql with params for its effect: 0 or the ERR_*. */
static int run(struct store_conn *c, const char *sql, int n,
               const char *const *params, struct err *e)
{
    int rc = store_exec_cmd(c, sql, n, params, e);

    return rc < 0 ? rc : 0;
}

/* Appends s (NULL: SQL NULL) to b, a PostgreSQL array literal opened
 * with "{", as one quoted element. */
static void array_add(struct textbuf *b, const char *s)
{
    if (b->len > 1)
        textbuf_put(b, ",", 1);
    if (s == NULL) {
        textbuf_puts(b, "NULL");
        return;
    }
    textbuf_put(b, "\"", 1);
    while (*s != '\0') {
        size_t n = strcspn(s, "\"\\");

        textbuf_put(b, s, n);
        s += n;
        if (*s != '\0') {
            textbuf_put(b, "\\", 1);
            textbuf_put(b, s++, 1);
        }
    }
    textbuf_put(b, "\"", 1);
}

/* The columns of a file's scopes and of their pools, in file order, as
 * array literals: one parameter each of the few statements that write
 * them all (their sizes bounded by the file's, at most
 * CONFIMPORT_SCOPES_MAX scopes and CONFIMPORT_POOLS_MAX pools). */
enum {
    COL_NET,        /* cidr of each scope */
    COL_STMTS,      /* its statements */
    COL_SUPER,      /* its superscope */
    COL_POOL_OF,    /* each pool's scope, 1-based in the file */
    COL_FROM,       /* its first address */
    COL_TO,         /* its last */
    COL_POOL_STMTS, /* its statements */
    COL_N
};

static int scope_arrays(const struct confimport *im, struct textbuf *col,
                        struct err *e)
{
    char a[20], b[16], k1[STORE_INTBUF];

    for (int k = 0; k < COL_N; k++)
        textbuf_put(&col[k], "{", 1);
    for (size_t i = 0; i < im->nscopes; i++) {
        const struct confimport_scope *sc = &im->scopes[i];

        array_add(&col[COL_NET], cidr_text(sc->network, sc->prefix, a));
        array_add(&col[COL_STMTS], sc->statements);
        array_add(&col[COL_SUPER], sc->superscope);
        for (size_t j = 0; j < sc->npools; j++) {
            array_add(&col[COL_POOL_OF], store_param_int(k1, (long long)i + 1));
            array_add(&col[COL_FROM], ip_text(sc->pools[j].from, b));
            array_add(&col[COL_TO], ip_text(sc->pools[j].to, b));
            array_add(&col[COL_POOL_STMTS], sc->pools[j].statements);
        }
    }
    for (int k = 0; k < COL_N; k++) {
        textbuf_put(&col[k], "}", 1);
        if (col[k].failed)
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    return 0;
}

/* The scopes of server sid made those of im in four set-based
 * statements: its pools and the scopes the file has no more removed, the
 * missing ranges made, each scope inserted or updated (ids in file order;
 * a network met twice takes its last scope's statements and pools), the
 * pools inserted. */
/* What apply_scopes runs before the pools, in order, each with the first
 * nparams of (server, networks, statements, superscopes). */
static const struct {
    const char *sql;
    int nparams;
} steps[] = {
    {"DELETE FROM dhcp_pools p USING dhcp_scopes s WHERE s.id = p.scope_id "
     "AND s.server_id = $1::bigint",
     1},
    {"DELETE FROM dhcp_scopes s WHERE s.server_id = $1::bigint AND NOT "
     "EXISTS (SELECT 1 FROM ranges r WHERE r.id = s.range_id AND r.cidr = "
     "ANY($2::cidr[]))",
     2},
    {"WITH made AS (INSERT INTO ranges (cidr) SELECT u.c FROM "
     "unnest($2::cidr[]) WITH ORDINALITY u(c, o) GROUP BY u.c ORDER BY "
     "min(u.o) ON CONFLICT (cidr) DO NOTHING RETURNING id, cidr, name), "
     "r AS (SELECT id, cidr, name FROM ranges UNION ALL SELECT id, cidr, "
     "name FROM made) "
     "INSERT INTO dhcp_scopes (range_id, server_id, name, "
     "unmanaged_statements, superscope) SELECT r.id, $1::bigint, r.name, "
     "u.st, u.ss FROM (SELECT c, st, ss, min(o) OVER (PARTITION BY c) AS "
     "first, row_number() OVER (PARTITION BY c ORDER BY o DESC) AS last "
     "FROM unnest($2::cidr[], $3::text[], $4::text[]) WITH ORDINALITY "
     "u(c, st, ss, o)) u JOIN r ON r.cidr = u.c WHERE u.last = 1 ORDER BY "
     "u.first ON CONFLICT (server_id, range_id) DO UPDATE SET "
     "unmanaged_statements = EXCLUDED.unmanaged_statements, superscope = "
     "EXCLUDED.superscope, updated = now()",
     4},
};

static int apply_scopes(struct store_conn *c, const char *sid,
                        const struct confimport *im, struct err *e)
{
    struct textbuf col[COL_N];
    const char *params[6] = {sid};
    int rc;

    memset(col, 0, sizeof(col));
    if ((rc = scope_arrays(im, col, e)) != 0)
        goto out;
    params[1] = col[COL_NET].p;
    params[2] = col[COL_STMTS].p;
    params[3] = col[COL_SUPER].p;
    for (size_t i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++)
        rc = run(c, steps[i].sql, steps[i].nparams, params, e);
    params[2] = col[COL_POOL_OF].p;
    params[3] = col[COL_FROM].p;
    params[4] = col[COL_TO].p;
    params[5] = col[COL_POOL_STMTS].p;
    if (rc == 0)
        rc = run(c,
                 "INSERT INTO dhcp_pools (scope_id, from_ip, to_ip, "
                 "unmanaged_statements) SELECT s.id, p.f, p.t, p.st FROM "
                 "unnest($3::integer[], $4::inet[], $5::inet[], $6::text[]) "
                 "WITH ORDINALITY p(k, f, t, st, o) JOIN (SELECT c, max(o) AS "
                 "k FROM unnest($2::cidr[]) WITH ORDINALITY u(c, o) GROUP BY "
                 "c) u ON u.k = p.k JOIN ranges r ON r.cidr = u.c JOIN "
                 "dhcp_scopes s ON s.range_id = r.id AND s.server_id = "
                 "$1::bigint ORDER BY p.o",
                 6, params, e);
out:
    for (int k = 0; k < COL_N; k++)
        free(col[k].p);
    return rc;
}

/* A cidr[] literal of the networks of im's scopes whose peer is name;
 * malloc'd. */
static char *networks(const struct confimport *im, const char *name)
{
    size_t cap = 3 + 20 * im->nscopes, used = 1;
    char *out = malloc(cap), cidr[20];

    if (out == NULL)
        return NULL;
    out[0] = '{';
    for (size_t i = 0; i < im->nscopes; i++) {
        if (im->scopes[i].peer == NULL || strcmp(im->scopes[i].peer, name) != 0)
            continue;
        cidr_text(im->scopes[i].network, im->scopes[i].prefix, cidr);
        used += (size_t)snprintf(out + used, cap - used, "%s%s",
                                 used > 1 ? "," : "", cidr);
    }
    snprintf(out + used, cap - used, "}");
    return out;
}

/* Keeps peer p of server sid as declared, the networks of its scopes
 * that name it, and the reason it makes no relationship (NULL: it
 * makes one). */
static int keep_peer(struct store_conn *c, const char *sid,
                     const struct confimport *im,
                     const struct store_import_peer *p, struct err *e)
{
    const struct confimport_peer *d = p->decl;
    char n[11][STORE_INTBUF], *nets = networks(im, d->name);
    const char *params[16];
    int rc;

    if (nets == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    params[0] = sid;
    params[1] = d->name;
    params[2] = p->rel.name == NULL ? p->reason : NULL;
    params[3] = store_param_int(n[0], d->role);
    params[4] = store_param_int(n[1], d->address);
    params[5] = store_param_int(n[2], d->peer_address);
    params[6] = store_param_int(n[3], d->port);
    params[7] = store_param_int(n[4], d->peer_port);
    params[8] = store_param_int(n[5], d->mclt);
    params[9] = store_param_int(n[6], d->split);
    params[10] = store_param_int(n[7], d->percentage);
    params[11] = store_param_int(n[8], d->max_response_delay);
    params[12] = store_param_int(n[9], d->max_unacked_updates);
    params[13] = store_param_int(n[10], d->load_balance_max_seconds);
    params[14] = d->problem;
    params[15] = nets;
    rc = run(c,
             "INSERT INTO dhcp_import_peers (server_id, name, reason, role, "
             "address, peer_address, port, peer_port, mclt, split, "
             "percentage, max_response_delay, max_unacked_updates, "
             "load_balance_max_seconds, problem, networks) VALUES "
             "($1::bigint, $2, left($3, 1023), $4::smallint, $5::bigint, "
             "$6::bigint, $7::integer, $8::integer, $9::bigint, $10::integer, "
             "$11::integer, $12::integer, $13::integer, $14::integer, "
             "left($15, 1023), $16::cidr[])",
             16, params, e);
    free(nets);
    return rc;
}

/* Peer p of server sid: a relationship joining the instances of the
 * scopes both servers' peers name, or the reason, on the partner's row
 * too. */
static int apply_peer(struct store_conn *c, const char *sid,
                      const struct store_import_peer *p, struct err *e)
{
    const struct confimport_relationship *r = &p->rel;
    char pid[STORE_INTBUF], n[7][STORE_INTBUF], fid[STORE_INTBUF];
    const char *params[11];
    int rc;

    if (p->partner_id == 0)
        return 0;
    params[0] = sid;
    params[1] = p->decl->name;
    params[2] = store_param_int(pid, p->partner_id);
    if (r->name == NULL) {
        params[3] = p->reason;
        return run(c,
                   "UPDATE dhcp_import_peers SET reason = left($4, 1023) "
                   "WHERE server_id = $3::bigint AND name = $2 AND "
                   "$1::bigint IS NOT NULL",
                   4, params, e);
    }
    /* side a is the partner, side b this server */
    params[3] = r->primary == 0 ? "a" : "b";
    params[4] = store_param_int(n[0], r->mclt);
    params[5] = store_param_int(n[1], r->percentage);
    params[6] = store_param_int(n[2], r->port);
    params[7] = store_param_int(n[3], r->peer_port);
    params[8] = store_param_int(n[4], r->load_balance_max_seconds);
    params[9] = store_param_int(n[5], r->max_response_delay);
    params[10] = store_param_int(n[6], r->max_unacked_updates);
    rc = store_query_text(
        c,
        "WITH old AS (SELECT id FROM dhcp_failover WHERE lower(name) = "
        "lower($2) AND ((primary_id = $1::bigint AND secondary_id = "
        "$3::bigint) OR (primary_id = $3::bigint AND secondary_id = "
        "$1::bigint))), upd AS (UPDATE dhcp_failover f SET mclt = "
        "$5::integer, percentage = $6::integer, port = $7::integer, "
        "peer_port = $8::integer, load_balance_max_seconds = $9::integer, "
        "max_response_delay = $10::integer, max_unacked_updates = "
        "$11::integer, updated = now() FROM old WHERE f.id = old.id "
        "RETURNING f.id), ins AS (INSERT INTO dhcp_failover (name, "
        "primary_id, secondary_id, mclt, percentage, port, peer_port, "
        "load_balance_max_seconds, max_response_delay, max_unacked_updates) "
        "SELECT $2, CASE $4 WHEN 'a' THEN $3::bigint ELSE $1::bigint END, "
        "CASE $4 WHEN 'a' THEN $1::bigint ELSE $3::bigint END, $5::integer, "
        "$6::integer, $7::integer, $8::integer, $9::integer, $10::integer, "
        "$11::integer WHERE NOT EXISTS (SELECT 1 FROM old) RETURNING id) "
        "SELECT id FROM upd UNION ALL SELECT id FROM ins",
        11, params, fid, sizeof(fid), e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_INTERNAL, "relationship \"%s\" not made",
                       p->decl->name);
    /* the scopes whose networks both sides' peers name, on both */
    rc = run(c,
             "UPDATE dhcp_scopes s SET failover_id = $4::bigint, updated = "
             "now() FROM ranges r WHERE r.id = s.range_id AND s.server_id IN "
             "($1::bigint, $3::bigint) AND (SELECT count(*) FROM "
             "dhcp_import_peers q WHERE q.name = $2 AND q.server_id IN "
             "($1::bigint, $3::bigint) AND r.cidr = ANY(q.networks)) = 2",
             4, (const char *[]){sid, p->decl->name, params[2], fid}, e);
    if (rc == 0)
        rc = run(c,
                 "UPDATE dhcp_import_peers SET reason = NULL WHERE name = $2 "
                 "AND server_id IN ($1::bigint, $3::bigint)",
                 3, params, e);
    return rc;
}

int store_import_apply(struct store_conn *c, long long id,
                       const struct confimport *im,
                       const struct store_import_peer *peers, size_t npeers,
                       const char *text, const char *message, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1] = {store_param_int(sid, id)};
    char port[STORE_INTBUF];
    int rc;
    const char *sparams[3] = {
        sid, im->statements,
        im->omapi_port > 0 ? store_param_int(port, im->omapi_port) : NULL};
    /* the file's omapi-port is the server's (kept when it has none) */
    rc = run(c,
             "UPDATE dhcp_servers SET unmanaged_statements = $2, omapi_port "
             "= coalesce($3::integer, omapi_port), updated = now() "
             "WHERE id = $1::bigint",
             3, sparams, e);
    if (rc == 0)
        rc = run(c,
                 "UPDATE dhcp_scopes SET failover_id = NULL WHERE server_id "
                 "= $1::bigint AND failover_id IS NOT NULL",
                 1, params, e);
    if (rc == 0)
        rc = apply_scopes(c, sid, im, e);
    if (rc == 0)
        rc = run(c,
                 "DELETE FROM dhcp_import_peers WHERE server_id = $1::bigint",
                 1, params, e);
    for (size_t i = 0; rc == 0 && i < npeers; i++)
        rc = keep_peer(c, sid, im, &peers[i], e);
    for (size_t i = 0; rc == 0 && i < npeers; i++)
        rc = apply_peer(c, sid, &peers[i], e);
    /* the server runs its file: nothing of it is to be pushed */
    if (rc == 0)
        rc = run(c, "DELETE FROM config_jobs WHERE server_id = $1::bigint", 1,
                 params, e);
    if (rc == 0 && (rc = store_import_set(c, id, "Applied", message, e)) == 0)
        rc = text != NULL ? store_import_baseline(c, id, text, e) : 0;
    return rc;
}

static int reported_row(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_import_reported *p = dst;
    int rc;

    p->server_id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    if ((rc = store_copy_text(r, row, 1, p->server, sizeof(p->server), e)) !=
            0 ||
        (rc = store_copy_text(r, row, 2, p->name, sizeof(p->name), e)) != 0)
        return rc;
    return store_copy_text(r, row, 3, p->reason, sizeof(p->reason), e);
}

int store_import_reported(struct store_conn *c, long long id, const char *name,
                          struct store_import_reported **out, size_t *n,
                          struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[2] = {store_param_int(sid, id), name};
    PGresult *r = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    rc = store_exec(c,
                    "SELECT p.server_id, s.name, p.name, p.reason FROM "
                    "dhcp_import_peers p JOIN dhcp_servers s ON s.id = "
                    "p.server_id WHERE p.reason IS NOT NULL AND "
                    "($1::bigint = 0 OR p.server_id = "
                    "$1::bigint) AND ($2::text IS NULL OR lower(p.name) = "
                    "lower($2)) ORDER BY s.name_key, p.name LIMIT 4096",
                    2, params, &r, e);
    if (rc != 0)
        return rc;
    rc = store_rows_read(r, sizeof(**out), reported_row, (void **)out, n, e);
    PQclear(r);
    return rc;
}
