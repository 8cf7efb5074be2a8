/* micetro-emu storage: a DHCP server's configuration (see store_config.h). */
#include "store_config.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "failover.h"
#include "ref.h"
#include "store_int.h"
#include "store_sim.h"

/* Indexes into cfg->results. */
enum { R_SERVER, R_RELS, R_SCOPES, R_POOLS };

static long long col_ll(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* A text column, or NULL when it is SQL NULL. */
static const char *col_text(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

void store_config_free(struct store_config *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < sizeof(cfg->results) / sizeof(cfg->results[0]); i++)
        PQclear(cfg->results[i]);
    free(cfg->rels);
    free(cfg->scopes);
    free(cfg->pools);
    free(cfg->scope_ids);
    free(cfg->failover_ids);
    free(cfg->partner_ids);
    free(cfg);
}

/* Runs sql with the server id as $1 into cfg->results[slot]; *rows is the
 * number of rows. */
static int fetch(struct store_conn *c, struct store_config *cfg, int slot,
                 const char *sql, int *rows, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    int rc;

    params[0] = store_param_int(sid, cfg->server_id);
    rc = store_exec(c, sql, 1, params, &r, e);
    if (rc != 0)
        return rc;
    cfg->results[slot] = r;
    *rows = PQntuples(r);
    return 0;
}

static int load_relationships(struct store_conn *c, struct store_config *cfg,
                              struct err *e)
{
    /* each of its relationships, both sides: failover_role picks this
     * server's */
    static const char sql[] =
        "SELECT f.id, f.name, f.primary_id, f.secondary_id, "
        "p.address - '0.0.0.0'::inet, s.address - '0.0.0.0'::inet, "
        "f.port, f.peer_port, "
        "f.mclt, f.percentage, f.max_response_delay, f.max_unacked_updates, "
        "f.load_balance_max_seconds "
        "FROM dhcp_failover f "
        "JOIN dhcp_servers p ON p.id = f.primary_id "
        "JOIN dhcp_servers s ON s.id = f.secondary_id "
        "WHERE $1::bigint IN (f.primary_id, f.secondary_id) "
        "ORDER BY (f.name COLLATE \"C\"), f.id";
    const PGresult *r;
    int rows, rc;

    if ((rc = fetch(c, cfg, R_RELS, sql, &rows, e)) != 0)
        return rc;
    r = cfg->results[R_RELS];
    if (rows == 0)
        return 0;
    cfg->rels = calloc((size_t)rows, sizeof(*cfg->rels));
    cfg->failover_ids = calloc((size_t)rows, sizeof(*cfg->failover_ids));
    cfg->partner_ids = calloc((size_t)rows, sizeof(*cfg->partner_ids));
    if (cfg->rels == NULL || cfg->failover_ids == NULL ||
        cfg->partner_ids == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < rows; i++) {
        struct render_relationship *x = &cfg->rels[i];
        struct failover_servers sv = {col_ll(r, i, 2), col_ll(r, i, 3)};
        struct failover_params fp;
        enum failover_role role = failover_role(&sv, cfg->server_id);
        /* a server without an address: 0.0.0.0, which render refuses */
        uint32_t pa = (uint32_t)col_ll(r, i, 4), sa = (uint32_t)col_ll(r, i, 5);

        memset(&fp, 0, sizeof(fp));
        fp.port = (int)col_ll(r, i, 6);
        fp.peer_port = (int)col_ll(r, i, 7);
        cfg->failover_ids[i] = col_ll(r, i, 0);
        cfg->partner_ids[i] = failover_partner(&sv, cfg->server_id);
        x->name = PQgetvalue(r, i, 1);
        x->role = role == FAILOVER_SECONDARY ? RENDER_SECONDARY
                                             : RENDER_PRIMARY;
        x->address = role == FAILOVER_SECONDARY ? sa : pa;
        x->peer_address = role == FAILOVER_SECONDARY ? pa : sa;
        failover_ports(&fp, role, &x->port, &x->peer_port);
        x->mclt = (int)col_ll(r, i, 8);
        x->percentage = (int)col_ll(r, i, 9);
        x->max_response_delay = (int)col_ll(r, i, 10);
        x->max_unacked_updates = (int)col_ll(r, i, 11);
        x->load_balance_max_seconds = (int)col_ll(r, i, 12);
    }
    cfg->model.relationships = cfg->rels;
    cfg->model.nrelationships = (size_t)rows;
    return 0;
}

/* The relationship index of failover id fid, or -1. */
static int rel_index(const struct store_config *cfg, long long fid)
{
    for (size_t i = 0; i < cfg->model.nrelationships; i++) {
        if (cfg->failover_ids[i] == fid)
            return (int)i;
    }
    return -1;
}

static int load_scopes(struct store_conn *c, struct store_config *cfg,
                       struct err *e)
{
    static const char scopes_sql[] =
        "SELECT sc.id, network(r.cidr) - '0.0.0.0'::inet, masklen(r.cidr), "
        "sc.name, sc.enabled, sc.failover_id, sc.unmanaged_statements, "
        "sc.superscope FROM dhcp_scopes sc JOIN ranges r ON r.id = sc.range_id "
        "WHERE sc.server_id = $1::bigint ORDER BY r.cidr, sc.id";
    static const char pools_sql[] =
        "SELECT p.scope_id, p.from_ip - '0.0.0.0'::inet, "
        "p.to_ip - '0.0.0.0'::inet, p.unmanaged_statements "
        "FROM dhcp_pools p "
        "JOIN dhcp_scopes sc ON sc.id = p.scope_id "
        "JOIN ranges r ON r.id = sc.range_id "
        "WHERE sc.server_id = $1::bigint ORDER BY r.cidr, sc.id, p.from_ip, "
        "p.id";
    const PGresult *r, *p;
    int rows, prows, rc, k = 0;

    if ((rc = fetch(c, cfg, R_SCOPES, scopes_sql, &rows, e)) != 0 ||
        (rc = fetch(c, cfg, R_POOLS, pools_sql, &prows, e)) != 0)
        return rc;
    if (rows == 0)
        return 0;
    r = cfg->results[R_SCOPES];
    p = cfg->results[R_POOLS];
    cfg->scopes = calloc((size_t)rows, sizeof(*cfg->scopes));
    cfg->scope_ids = calloc((size_t)rows, sizeof(*cfg->scope_ids));
    if (cfg->scopes == NULL || cfg->scope_ids == NULL ||
        (prows > 0 &&
         (cfg->pools = calloc((size_t)prows, sizeof(*cfg->pools))) == NULL))
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < prows; i++) {
        cfg->pools[i].from = (uint32_t)col_ll(p, i, 1);
        cfg->pools[i].to = (uint32_t)col_ll(p, i, 2);
        cfg->pools[i].statements = col_text(p, i, 3);
    }
    /* both queries order by (cidr, scope id): one walk hands out pools */
    for (int i = 0; i < rows; i++) {
        struct render_scope *s = &cfg->scopes[i];

        cfg->scope_ids[i] = col_ll(r, i, 0);
        s->network = (uint32_t)col_ll(r, i, 1);
        s->prefix = (int)col_ll(r, i, 2);
        s->name = PQgetvalue(r, i, 3);
        s->enabled = PQgetvalue(r, i, 4)[0] == 't';
        s->failover = PQgetisnull(r, i, 5) ? -1
                                           : rel_index(cfg, col_ll(r, i, 5));
        s->statements = col_text(r, i, 6);
        s->superscope = col_text(r, i, 7); /* its shared-network */
        s->pools = prows > 0 ? cfg->pools + k : NULL;
        while (k < prows && col_ll(p, k, 0) == cfg->scope_ids[i]) {
            s->npools++;
            k++;
        }
    }
    if (k != prows)
        return err_set(e, ERR_INTERNAL, "pools out of order");
    cfg->model.scopes = cfg->scopes;
    cfg->model.nscopes = (size_t)rows;
    return 0;
}

int store_config_load(struct store_conn *c, long long server_id, int omapi_port,
                      struct store_config **out, struct err *e)
{
    static const char server_sql[] =
        "SELECT name, host(address), agent_port, enabled, "
        "unmanaged_statements, omapi_key, omapi_port, "
        "(simulated OR " STORE_SIM_EVERY ") FROM dhcp_servers "
        "WHERE id = $1::bigint";
    struct store_config *cfg;
    const PGresult *r;
    int rows, rc;

    *out = NULL;
    if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    cfg->server_id = server_id;
    if ((rc = fetch(c, cfg, R_SERVER, server_sql, &rows, e)) != 0)
        goto fail;
    if (rows == 0) {
        rc = err_set(e, ERR_NOTFOUND, "DHCP server %lld does not exist",
                     server_id);
        goto fail;
    }
    r = cfg->results[R_SERVER];
    cfg->model.name = PQgetvalue(r, 0, 0);
    cfg->model.address = PQgetvalue(r, 0, 1);
    cfg->agent_port = PQgetisnull(r, 0, 2) ? 0 : (int)col_ll(r, 0, 2);
    cfg->enabled = PQgetvalue(r, 0, 3)[0] == 't';
    cfg->model.statements = col_text(r, 0, 4);
    cfg->simulated = PQgetvalue(r, 0, 7)[0] == 't';
    if (!PQgetisnull(r, 0, 6))
        omapi_port = (int)col_ll(r, 0, 6); /* the server's own */
    if (!PQgetisnull(r, 0, 5) && omapi_port > 0) {
        cfg->model.omapi_port = omapi_port;
        cfg->model.omapi_key_name = STORE_CONFIG_OMAPI_KEY_NAME;
        cfg->model.omapi_secret = PQgetvalue(r, 0, 5);
    }
    if ((rc = load_relationships(c, cfg, e)) != 0 ||
        (rc = load_scopes(c, cfg, e)) != 0)
        goto fail;
    *out = cfg;
    return 0;
fail:
    store_config_free(cfg);
    return rc;
}

int store_config_statements_set(struct store_conn *c, int type, long long id,
                                const char *text, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[2];

    if (type != REF_DHCP_SERVER && type != REF_DHCP_SCOPE)
        return err_set(e, ERR_INVALID,
                       "objects of type %d have no "
                       "unmanaged statements",
                       type);
    params[0] = store_param_int(sid, id);
    params[1] = text != NULL && text[0] != '\0' ? text : NULL;
    return store_update_one(
        c,
        type == REF_DHCP_SERVER
            ? "UPDATE dhcp_servers SET unmanaged_statements = "
              "$2, updated = now() WHERE id = $1::bigint"
            : "UPDATE dhcp_scopes SET unmanaged_statements = "
              "$2, updated = now() WHERE id = $1::bigint",
        2, params, type == REF_DHCP_SERVER ? "DHCP server" : "DHCP scope", id,
        e);
}
