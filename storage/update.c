/* micetro-emu storage: SetProperties' writes (update.h). */
#include "update.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "ref.h"
#include "failover.h"
#include "store_int.h"

/* Runs an UPDATE of one row: 0, ERR_NOTFOUND (what) or the error. */
static int update_one(struct store_conn *c, const char *sql, int n,
                      const char *const *params, const char *what,
                      long long id, struct err *e)
{
    int rc = store_exec_cmd(c, sql, n, params, e);

    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "%s %lld does not exist", what, id);
    return 0;
}

int store_server_update(struct store_conn *c,
                        const struct store_dhcp_server *s, struct err *e)
{
    char id[STORE_INTBUF], port[STORE_INTBUF];
    const char *params[5];
    int rc;

    params[0] = store_param_int(id, s->id);
    params[1] = s->name;
    params[2] = s->address[0] ? s->address : NULL;
    params[3] = s->agent_port > 0 ? store_param_int(port, s->agent_port) : NULL;
    params[4] = s->enabled ? "true" : "false";
    rc = update_one(c,
                    "UPDATE dhcp_servers SET name = $2, address = $3::inet, "
                    "agent_port = $4::integer, enabled = $5::boolean, "
                    "updated = now() WHERE id = $1::bigint",
                    STORE_NPARAMS(params), params, "DHCP server", s->id, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "DHCP server \"%s\" already exists",
                       s->name);
    if (rc != 0)
        return rc;
    /* a new address must keep the failover address rules */
    return store_failover_check_addresses(c, s->id, e);
}

int store_range_update(struct store_conn *c, const struct store_range *r,
                       struct err *e)
{
    char id[STORE_INTBUF];
    const char *params[5];

    params[0] = store_param_int(id, r->id);
    params[1] = r->title[0] ? r->title : NULL;
    params[2] = r->description[0] ? r->description : NULL;
    params[3] = r->locked ? "true" : "false";
    params[4] = r->auto_assign ? "true" : "false";
    return update_one(c,
                      "UPDATE ranges SET title = $2, description = $3, "
                      "locked = $4::boolean, auto_assign = $5::boolean, "
                      "updated = now() WHERE id = $1::bigint",
                      STORE_NPARAMS(params), params, "range", r->id, e);
}

int store_scope_update(struct store_conn *c, const struct store_dhcp_scope *s,
                       struct err *e)
{
    char id[STORE_INTBUF];
    const char *params[5];

    params[0] = store_param_int(id, s->id);
    params[1] = s->name;
    params[2] = s->superscope[0] ? s->superscope : NULL;
    params[3] = s->description[0] ? s->description : NULL;
    params[4] = s->enabled ? "true" : "false";
    return update_one(c,
                      "UPDATE dhcp_scopes SET name = $2, superscope = $3, "
                      "description = $4, enabled = $5::boolean, "
                      "updated = now() WHERE id = $1::bigint",
                      STORE_NPARAMS(params), params, "DHCP scope", s->id, e);
}

/* Writes from, to and name of pool id (of scope scope_id). */
static int pool_write(struct store_conn *c, long long scope_id, long long id,
                      const struct store_dhcp_pool *p, struct err *e)
{
    char sid[STORE_INTBUF], pid[STORE_INTBUF];
    const char *params[5];

    params[0] = store_param_int(sid, scope_id);
    params[1] = p->from;
    params[2] = p->to;
    params[3] = store_param_int(pid, id);
    params[4] = p->name[0] ? p->name : NULL;
    return update_one(c,
                      "UPDATE dhcp_pools SET from_ip = $2::inet, "
                      "to_ip = $3::inet, name = $5, updated = now() "
                      "WHERE id = $4::bigint AND scope_id = $1::bigint",
                      STORE_NPARAMS(params), params, "DHCP address pool", id,
                      e);
}

int store_pool_update(struct store_conn *c, const struct store_dhcp_pool *p,
                      struct err *e)
{
    struct store_dhcp_pool twin;
    int rc;

    rc = store_pool_check_free(c, p, p->id, e);
    if (rc != 0)
        return rc;
    /* a failover scope's pool: its twin on the partner changes alike */
    twin = *p;
    rc = store_failover_twin_pool(c, p->id, &twin.id, &twin.scope_id, e);
    if (rc < 0)
        return rc;
    if (rc == 1 && ((rc = store_pool_check_free(c, &twin, twin.id, e)) != 0 ||
                    (rc = pool_write(c, twin.scope_id, twin.id, p, e)) != 0))
        return rc;
    return pool_write(c, p->scope_id, p->id, p, e);
}

int store_statements_get(struct store_conn *c, int type, long long id,
                         char **text, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    int rc;

    *text = NULL;
    if (type != REF_DHCP_SERVER && type != REF_DHCP_SCOPE)
        return err_set(e, ERR_INVALID, "objects of type %d have no "
                                       "unmanaged statements", type);
    params[0] = store_param_int(sid, id);
    rc = store_exec(c,
                    type == REF_DHCP_SERVER
                        ? "SELECT unmanaged_statements FROM dhcp_servers "
                          "WHERE id = $1::bigint"
                        : "SELECT unmanaged_statements FROM dhcp_scopes "
                          "WHERE id = $1::bigint",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    if (PQntuples(r) == 0)
        rc = err_set(e, ERR_NOTFOUND, "object %lld does not exist", id);
    else if (!PQgetisnull(r, 0, 0) &&
             (*text = strdup(PQgetvalue(r, 0, 0))) == NULL)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    PQclear(r);
    return rc;
}

int store_statements_set(struct store_conn *c, int type, long long id,
                         const char *text, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[2];

    if (type != REF_DHCP_SERVER && type != REF_DHCP_SCOPE)
        return err_set(e, ERR_INVALID, "objects of type %d have no "
                                       "unmanaged statements", type);
    params[0] = store_param_int(sid, id);
    params[1] = text != NULL && text[0] != '\0' ? text : NULL;
    return update_one(c,
                      type == REF_DHCP_SERVER
                          ? "UPDATE dhcp_servers SET unmanaged_statements = "
                            "$2, updated = now() WHERE id = $1::bigint"
                          : "UPDATE dhcp_scopes SET unmanaged_statements = "
                            "$2, updated = now() WHERE id = $1::bigint",
                      2, params,
                      type == REF_DHCP_SERVER ? "DHCP server" : "DHCP scope",
                      id, e);
}

int store_server_omapi_port_get(struct store_conn *c, long long id, int *port,
                                struct err *e)
{
    char sid[STORE_INTBUF], v[STORE_INTBUF];
    const char *params[1];
    int rc;

    *port = 0;
    params[0] = store_param_int(sid, id);
    rc = store_query_text(c,
                          "SELECT omapi_port FROM dhcp_servers WHERE id = "
                          "$1::bigint",
                          1, params, v, sizeof(v), e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "DHCP server %lld does not exist",
                       id);
    *port = v[0] != '\0' ? (int)strtol(v, NULL, 10) : 0;
    return 0;
}

int store_server_omapi_port_set(struct store_conn *c, long long id, int port,
                                struct err *e)
{
    char sid[STORE_INTBUF], p[STORE_INTBUF];
    const char *params[2];

    params[0] = store_param_int(sid, id);
    params[1] = port > 0 ? store_param_int(p, port) : NULL;
    return update_one(c,
                      "UPDATE dhcp_servers SET omapi_port = $2::integer, "
                      "updated = now() WHERE id = $1::bigint",
                      2, params, "DHCP server", id, e);
}
