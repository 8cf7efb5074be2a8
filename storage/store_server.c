/* micetro-emu storage: DHCP servers (see store_server.h). */
#include "store_server.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "store_prop_int.h"
#include "store_list_int.h"
#include "store_sim.h"
#include "validate.h"

/* The columns every query reads, in the order row_to_server expects. */
#define SERVER_COLUMNS                                                         \
    "s.id, s.name, host(s.address), s.agent_port, s.type, s.enabled, "         \
    "s.state, s.state_message, s.proxy, s.username, "                          \
    "(s.simulated OR " STORE_SIM_EVERY ")"
#define SERVER_NCOLUMNS 11
/* and what answers show: the custom properties after them */
#define SERVER_SHOWN SERVER_COLUMNS ", " STORE_PROP_SHOWN("3", "s.id")

/* What filters compare: {API name, SQL expression, type, searched by
 * free-text terms, sortable (unused here)}. */
static const struct filter_field filter_fields[] = {
    {"name", "s.name", FILTER_TEXT, 1, 0},
    {"address", "host(s.address)", FILTER_TEXT, 1, 0},
    {"type", "s.type", FILTER_TEXT, 0, 0},
    {"state", "s.state", FILTER_TEXT, 0, 0},
    {"enabled", "s.enabled", FILTER_BOOL, 0, 0},
    {"ref", "s.id", FILTER_REF, 0, 0},
};

/* What sortBy orders by: names case-insensitively and without the dot
 * (name_key, which has the unique index), addresses as inet (10.0.0.9
 * before 10.0.0.10), refs in creation order. */
static const struct filter_field sort_fields[] = {
    {"name", "s.name_key", FILTER_TEXT, 0, 1},
    {"address", "s.address", FILTER_TEXT, 0, 1},
    {"type", "s.type", FILTER_TEXT, 0, 1},
    {"state", "s.state", FILTER_TEXT, 0, 1},
    {"enabled", "s.enabled", FILTER_BOOL, 0, 1},
    {"ref", "s.id", FILTER_REF, 0, 1},
};

const struct store_list_spec store_server_list_spec = {
    .filter = filter_fields,
    .nfilter = sizeof(filter_fields) / sizeof(filter_fields[0]),
    .sort = sort_fields,
    .nsort = sizeof(sort_fields) / sizeof(sort_fields[0]),
    .default_sort = "s.name_key",
    .tiebreak = "s.id",
};

/* Reads row `row` of a SERVER_COLUMNS result into the server at dst. */
static int row_to_server(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_dhcp_server *s = dst;
    int rc;

    memset(s, 0, sizeof(*s));
    if (PQnfields(r) < SERVER_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "DHCP server query: %d columns",
                       PQnfields(r));
    s->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    s->agent_port = PQgetisnull(r, row, 3)
                        ? 0
                        : (int)strtol(PQgetvalue(r, row, 3), NULL, 10);
    s->enabled = PQgetvalue(r, row, 5)[0] == 't';
    s->simulated = PQgetvalue(r, row, 10)[0] == 't';
    if ((rc = store_copy_text(r, row, 1, s->name, sizeof(s->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 2, s->address, sizeof(s->address), e)) !=
            0 ||
        (rc = store_copy_text(r, row, 4, s->type, sizeof(s->type), e)) != 0 ||
        (rc = store_copy_text(r, row, 6, s->state, sizeof(s->state), e)) != 0 ||
        (rc = store_copy_text(r, row, 7, s->state_message,
                              sizeof(s->state_message), e)) != 0 ||
        (rc = store_copy_text(r, row, 8, s->proxy, sizeof(s->proxy), e)) != 0 ||
        (rc = store_copy_text(r, row, 9, s->username, sizeof(s->username),
                              e)) != 0)
        return rc;
    return 0;
}

/* Runs a query for at most one server; fills *out (may be NULL) and *id
 * (may be NULL).  ERR_NOTFOUND with msg when there is no row. */
static int query_one(struct store_conn *c, const char *sql, const char *param,
                     long long *id, struct store_dhcp_server *out,
                     const char *msg, struct err *e)
{
    struct store_dhcp_server tmp;
    struct store_dhcp_server *dst = out != NULL ? out : &tmp;
    int rc = store_query_one(c, sql, param, row_to_server, dst, NULL, msg, e);

    if (rc == 0 && id != NULL)
        *id = dst->id;
    return rc;
}

int store_server_add(struct store_conn *c, const struct store_dhcp_server *s,
                     long long *id, struct err *e)
{
    char port[STORE_INTBUF];
    const char *params[7];
    int rc;

    if (s == NULL || s->name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing DHCP server name");
    params[0] = s->name;
    params[1] = s->address[0] ? s->address : NULL;
    params[2] = s->agent_port > 0 ? store_param_int(port, s->agent_port) : NULL;
    params[3] = s->type;
    params[4] = s->enabled ? "true" : "false";
    params[5] = s->proxy[0] ? s->proxy : NULL;
    params[6] = s->username[0] ? s->username : NULL;
    rc = store_insert_id(c,
                         "INSERT INTO dhcp_servers (name, address, "
                         "agent_port, type, enabled, proxy, username) "
                         "VALUES ($1, $2::inet, $3::integer, $4, "
                         "$5::boolean, $6, $7) RETURNING id",
                         STORE_NPARAMS(params), params, id, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "DHCP server \"%s\" already exists",
                       s->name);
    return rc;
}

int store_server_get(struct store_conn *c, long long id,
                     struct store_dhcp_server *out, struct err *e)
{
    char buf[STORE_INTBUF], msg[64];

    snprintf(msg, sizeof(msg), "DHCP server %lld does not exist", id);
    return query_one(c,
                     "SELECT " SERVER_COLUMNS " FROM dhcp_servers s "
                     "WHERE s.id = $1::bigint",
                     store_param_int(buf, id), NULL, out, msg, e);
}

int store_server_exists(struct store_conn *c, long long id, struct err *e)
{
    return store_id_exists(c,
                           "SELECT 1 FROM dhcp_servers WHERE id = $1::bigint",
                           id, "DHCP server", e);
}

int store_server_name_key(const char *name, char *key, size_t len)
{
    size_t n = strlen(name);

    if (n >= len)
        return -1;
    /* the key of "dhcp1.Example." is "dhcp1.example": one dot off here,
     * case folded by the same lower() that made name_key */
    memcpy(key, name, n + 1);
    if (n > 1 && key[n - 1] == '.')
        key[n - 1] = '\0';
    return 0;
}

/* Readies a look-up by name: its key (key[STORE_SERVER_NAME_BUF]) and
 * the message when there is none (msg[NAME_MSG_BUF]).  0 or ERR_NOTFOUND
 * when no server can have that name. */
#define NAME_MSG_BUF (VALIDATE_QUOTE_BUF + 40)
static int by_name(const char *name, char *key, char *msg, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];

    if (name == NULL || name[0] == '\0')
        return err_set(e, ERR_NOTFOUND, "missing DHCP server name");
    if (store_server_name_key(name, key, STORE_SERVER_NAME_BUF) != 0)
        return err_set(e, ERR_NOTFOUND, "DHCP server name too long");
    snprintf(msg, NAME_MSG_BUF, "DHCP server \"%s\" does not exist",
             validate_quote(name, q, sizeof(q)));
    return 0;
}

int store_server_find_by_name(struct store_conn *c, const char *name,
                              long long *id, struct store_dhcp_server *out,
                              struct err *e)
{
    char key[STORE_SERVER_NAME_BUF], msg[NAME_MSG_BUF];
    int rc = by_name(name, key, msg, e);

    if (rc != 0)
        return rc;
    return query_one(c,
                     "SELECT " SERVER_COLUMNS " FROM dhcp_servers s "
                     "WHERE s.name_key = lower($1)",
                     key, id, out, msg, e);
}

/* What GetDHCPServer and GetProperties read of a server after its
 * columns. */
struct more {
    struct store_prop_list *props;
    char **statements; /* NULL: not read */
    int *omapi_port;
};

static int read_more(const PGresult *r, void *ctx, struct err *e)
{
    struct more *m = ctx;
    int rc = store_prop_list_read(r, SERVER_NCOLUMNS, 0, m->props, e);

    if (rc != 0 || m->statements == NULL)
        return rc;
    if (!PQgetisnull(r, 0, SERVER_NCOLUMNS + 2))
        *m->omapi_port = (int)strtol(PQgetvalue(r, 0, SERVER_NCOLUMNS + 2),
                                     NULL, 10);
    if (!PQgetisnull(r, 0, SERVER_NCOLUMNS + 1) &&
        (*m->statements = strdup(PQgetvalue(r, 0, SERVER_NCOLUMNS + 1))) ==
            NULL) {
        store_prop_list_free(m->props);
        rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    return rc;
}

int store_server_show(struct store_conn *c, long long id, const char *name,
                      struct store_dhcp_server *out,
                      struct store_prop_list *props, char **statements,
                      int *omapi_port, struct err *e)
{
    struct more m = {props, statements, omapi_port};
    const struct store_more more = {read_more, &m};
    char buf[STORE_INTBUF], key[STORE_SERVER_NAME_BUF], msg[NAME_MSG_BUF];
    int rc;

    memset(props, 0, sizeof(*props));
    if (statements != NULL) {
        *statements = NULL;
        *omapi_port = 0;
    }
    if (name != NULL) {
        if ((rc = by_name(name, key, msg, e)) != 0)
            return rc;
        return store_query_one(c,
                               "SELECT " SERVER_SHOWN " FROM dhcp_servers s "
                               "WHERE s.name_key = lower($1)",
                               key, row_to_server, out, &more, msg, e);
    }
    snprintf(msg, sizeof(msg), "DHCP server %lld does not exist", id);
    return store_query_one(
        c,
        statements != NULL ? "SELECT " SERVER_SHOWN
                             ", s.unmanaged_statements, s.omapi_port "
                             "FROM dhcp_servers s WHERE s.id = $1::bigint"
                           : "SELECT " SERVER_SHOWN " FROM dhcp_servers s "
                             "WHERE s.id = $1::bigint",
        store_param_int(buf, id), row_to_server, out, &more, msg, e);
}

/* Reads the custom properties after the SERVER_COLUMNS (ctx: the
 * store_prop_list). */
static int read_props(const PGresult *r, void *ctx, struct err *e)
{
    return store_prop_list_read(r, SERVER_NCOLUMNS, 0, ctx, e);
}

int store_server_list(struct store_conn *c, const struct filter_sql *f,
                      const char *order_by, long long offset, long long limit,
                      struct store_dhcp_server **out, size_t *count,
                      struct store_prop_list *props, long long *total,
                      struct err *e)
{
    const struct store_more more = {read_props, props};
    void *list = NULL;
    int rc;

    memset(props, 0, sizeof(*props));
    rc = store_list_rows(c, SERVER_SHOWN, "dhcp_servers s",
                         store_server_list_spec.tiebreak, f, order_by, offset,
                         limit, sizeof(**out), row_to_server, &more, &list,
                         count, total, e);
    *out = list;
    return rc;
}

void store_server_list_free(struct store_dhcp_server *list)
{
    free(list);
}

int store_server_update(struct store_conn *c, const struct store_dhcp_server *s,
                        struct err *e)
{
    char id[STORE_INTBUF], port[STORE_INTBUF];
    const char *params[5];
    int rc;

    params[0] = store_param_int(id, s->id);
    params[1] = s->name;
    params[2] = s->address[0] ? s->address : NULL;
    params[3] = s->agent_port > 0 ? store_param_int(port, s->agent_port) : NULL;
    params[4] = s->enabled ? "true" : "false";
    rc = store_update_one(
        c,
        "UPDATE dhcp_servers SET name = $2, address = $3::inet, "
        "agent_port = $4::integer, enabled = $5::boolean, "
        "updated = now() WHERE id = $1::bigint",
        STORE_NPARAMS(params), params, "DHCP server", s->id, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "DHCP server \"%s\" already exists",
                       s->name);
    return rc;
}

int store_server_omapi_port_set(struct store_conn *c, long long id, int port,
                                struct err *e)
{
    char sid[STORE_INTBUF], p[STORE_INTBUF];
    const char *params[2];

    params[0] = store_param_int(sid, id);
    params[1] = port > 0 ? store_param_int(p, port) : NULL;
    return store_update_one(c,
                            "UPDATE dhcp_servers SET omapi_port = $2::integer, "
                            "updated = now() WHERE id = $1::bigint",
                            2, params, "DHCP server", id, e);
}

int store_server_omapi_key(struct store_conn *c, long long id, const char *key,
                           char *out, size_t len, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[2];
    int rc;

    params[0] = store_param_int(sid, id);
    params[1] = key;
    rc = store_query_text(c,
                          "UPDATE dhcp_servers SET omapi_key = "
                          "coalesce(omapi_key, $2) WHERE id = $1::bigint "
                          "RETURNING omapi_key",
                          2, params, out, len, e);
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "DHCP server %lld does not exist", id);
    return rc < 0 ? rc : 0;
}

int store_server_set_state(struct store_conn *c, long long id,
                           const char *state, const char *message,
                           const char *hash, long long generation,
                           struct err *e)
{
    char sid[STORE_INTBUF], gen[STORE_INTBUF], msg[1024];
    const char *params[5];
    int rc;

    params[0] = store_param_int(sid, id);
    params[1] = state;
    if (message != NULL)
        snprintf(msg, sizeof(msg), "%s", message);
    params[2] = message != NULL ? msg : NULL;
    params[3] = hash;
    params[4] = store_param_int(gen, generation);
    rc = store_exec_cmd(c,
                        "UPDATE dhcp_servers SET state = $2, "
                        "state_message = $3, "
                        "config_hash = coalesce($4, config_hash), "
                        "pushed_generation = CASE WHEN $4 IS NULL THEN "
                        "pushed_generation ELSE $5::bigint END "
                        "WHERE id = $1::bigint",
                        5, params, e);
    return rc < 0 ? rc : 0;
}
