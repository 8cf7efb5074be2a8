/* micetro-emu storage: IP ranges (see store_range.h). */
#include "store_range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"
#include "store_prop_int.h"
#include "store_list_int.h"

/* The columns every query reads, in the order row_to_range expects. */
#define RANGE_COLUMNS                                                          \
    "r.id, r.name, host(network(r.cidr)), host(broadcast(r.cidr)), "           \
    "r.title, r.description, r.locked, r.auto_assign, "                        \
    "to_char(r.created AT TIME ZONE 'UTC', "                                   \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define RANGE_NCOLUMNS 9
/* and what answers show: after them the range's scopes (text array
 * {{id,name},...}) and its custom properties (ObjectType 6) */
#define RANGE_SHOWN                                                            \
    RANGE_COLUMNS ", ARRAY(SELECT ARRAY[sc.id::text, sc.name] "                \
                  "FROM dhcp_scopes sc WHERE sc.range_id = r.id "              \
                  "ORDER BY sc.id), " STORE_PROP_SHOWN("6", "r.id")

/* What filters compare: {API name, SQL expression, type, searched by
 * free-text terms, sortable (unused here)}. */
static const struct filter_field filter_fields[] = {
    {"name", "r.name", FILTER_TEXT, 1, 0},
    {"from", "host(network(r.cidr))", FILTER_TEXT, 0, 0},
    {"to", "host(broadcast(r.cidr))", FILTER_TEXT, 0, 0},
    {"title", "r.title", FILTER_TEXT, 1, 0},
    {"description", "r.description", FILTER_TEXT, 1, 0},
    {"locked", "r.locked", FILTER_BOOL, 0, 0},
    {"autoAssign", "r.auto_assign", FILTER_BOOL, 0, 0},
    {"ref", "r.id", FILTER_REF, 0, 0},
};

/* What sortBy orders by: name and from by the cidr (its unique index),
 * to by the broadcast address (ranges_to_idx), refs in creation order. */
static const struct filter_field sort_fields[] = {
    {"name", "r.cidr", FILTER_TEXT, 0, 1},
    {"from", "r.cidr", FILTER_TEXT, 0, 1},
    {"to", "set_masklen(broadcast(r.cidr), 32)", FILTER_TEXT, 0, 1},
    {"title", "r.title", FILTER_TEXT, 0, 1},
    {"description", "r.description", FILTER_TEXT, 0, 1},
    {"locked", "r.locked", FILTER_BOOL, 0, 1},
    {"autoAssign", "r.auto_assign", FILTER_BOOL, 0, 1},
    {"ref", "r.id", FILTER_REF, 0, 1},
};

const struct store_list_spec store_range_list_spec = {
    .filter = filter_fields,
    .nfilter = sizeof(filter_fields) / sizeof(filter_fields[0]),
    .sort = sort_fields,
    .nsort = sizeof(sort_fields) / sizeof(sort_fields[0]),
    .default_sort = "r.cidr",
    .tiebreak = "r.id",
};

/* Reads row `row` of a RANGE_COLUMNS result into the range at dst. */
static int row_to_range(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_range *g = dst;
    int rc;

    memset(g, 0, sizeof(*g));
    if (PQnfields(r) < RANGE_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "range query: %d columns",
                       PQnfields(r));
    g->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    g->locked = PQgetvalue(r, row, 6)[0] == 't';
    g->auto_assign = PQgetvalue(r, row, 7)[0] == 't';
    if ((rc = store_copy_text(r, row, 1, g->name, sizeof(g->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 2, g->from, sizeof(g->from), e)) != 0 ||
        (rc = store_copy_text(r, row, 3, g->to, sizeof(g->to), e)) != 0 ||
        (rc = store_copy_text(r, row, 4, g->title, sizeof(g->title), e)) != 0 ||
        (rc = store_copy_text(r, row, 5, g->description, sizeof(g->description),
                              e)) != 0 ||
        (rc = store_copy_text(r, row, 8, g->created, sizeof(g->created), e)) !=
            0)
        return rc;
    return 0;
}

/* Runs a query for at most one range; fills *out (may be NULL) and *id
 * (may be NULL).  ERR_NOTFOUND with msg when there is no row. */
static int query_one(struct store_conn *c, const char *sql, const char *param,
                     long long *id, struct store_range *out, const char *msg,
                     struct err *e)
{
    struct store_range tmp;
    struct store_range *dst = out != NULL ? out : &tmp;
    int rc = store_query_one(c, sql, param, row_to_range, dst, NULL, msg, e);

    if (rc == 0 && id != NULL)
        *id = dst->id;
    return rc;
}

int store_range_add(struct store_conn *c, const struct store_range *r,
                    long long *id, struct err *e)
{
    const char *params[5];
    int rc;

    if (r == NULL || r->name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing range name");
    params[0] = r->name;
    params[1] = r->title[0] ? r->title : NULL;
    params[2] = r->description[0] ? r->description : NULL;
    params[3] = r->locked ? "true" : "false";
    params[4] = r->auto_assign ? "true" : "false";
    rc = store_insert_id(c,
                         "INSERT INTO ranges (cidr, title, description, "
                         "locked, auto_assign) VALUES ($1::cidr, $2, $3, "
                         "$4::boolean, $5::boolean) RETURNING id",
                         STORE_NPARAMS(params), params, id, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "range \"%s\" already exists", r->name);
    return rc;
}

int store_range_get(struct store_conn *c, long long id, struct store_range *out,
                    struct err *e)
{
    char buf[STORE_INTBUF], msg[64];

    snprintf(msg, sizeof(msg), "range %lld does not exist", id);
    return query_one(c,
                     "SELECT " RANGE_COLUMNS " FROM ranges r "
                     "WHERE r.id = $1::bigint",
                     store_param_int(buf, id), NULL, out, msg, e);
}

int store_range_exists(struct store_conn *c, long long id, struct err *e)
{
    return store_id_exists(c, "SELECT 1 FROM ranges WHERE id = $1::bigint", id,
                           "range", e);
}

int store_range_find_by_name(struct store_conn *c, const char *cidr,
                             long long *id, struct store_range *out,
                             struct err *e)
{
    char msg[STORE_RANGE_CIDR_BUF + 40];

    if (cidr == NULL || cidr[0] == '\0')
        return err_set(e, ERR_NOTFOUND, "missing range name");
    if (strlen(cidr) >= STORE_RANGE_CIDR_BUF)
        return err_set(e, ERR_NOTFOUND, "range name too long");
    snprintf(msg, sizeof(msg), "range \"%s\" does not exist", cidr);
    return query_one(c,
                     "SELECT " RANGE_COLUMNS " FROM ranges r "
                     "WHERE r.cidr = $1::cidr",
                     cidr, id, out, msg, e);
}

void store_range_extras_free(struct store_range_extras *x)
{
    if (x == NULL)
        return;
    free(x->scopes);
    store_prop_list_free(&x->props);
    memset(x, 0, sizeof(*x));
}

/* Reads the RANGE_SHOWN extras of every row of r into ctx (a struct
 * store_range_extras). */
static int read_extras(const PGresult *r, void *ctx, struct err *e)
{
    struct store_range_extras *x = ctx;
    int rows = PQntuples(r), rc = 0;
    size_t n, cap = 0;
    char *buf = NULL;

    memset(x, 0, sizeof(*x));
    if (PQnfields(r) < RANGE_NCOLUMNS + 2)
        return err_set(e, ERR_INTERNAL, "range query: %d columns",
                       PQnfields(r));
    for (int i = 0; i < rows && rc == 0; i++) {
        const char *lit = PQgetvalue(r, i, RANGE_NCOLUMNS), *p;
        long long range_id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        struct store_range_scope *more;

        if ((p = buf = malloc(strlen(lit) + 1)) == NULL) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        if ((rc = store_array_split(lit, buf, strlen(lit) + 1, &n, e)) != 0)
            break;
        if (n % 2 != 0) {
            rc = err_set(e, ERR_INTERNAL, "range scopes: %zu values", n);
            break;
        }
        if (x->nscopes + n / 2 > cap) {
            cap = (x->nscopes + n / 2) * 2;
            if ((more = realloc(x->scopes, cap * sizeof(*more))) == NULL) {
                rc = err_set(e, ERR_NOMEM, "out of memory");
                break;
            }
            x->scopes = more;
        }
        for (size_t k = 0; k < n; k += 2) {
            struct store_range_scope *s = &x->scopes[x->nscopes++];

            s->range_id = range_id;
            s->scope_id = strtoll(p, NULL, 10);
            p += strlen(p) + 1;
            if (strlen(p) >= sizeof(s->name)) {
                rc = err_set(e, ERR_INTERNAL, "scope name too long");
                break;
            }
            memcpy(s->name, p, strlen(p) + 1);
            p += strlen(p) + 1;
        }
        free(buf);
        buf = NULL;
    }
    free(buf);
    if (rc == 0)
        rc = store_prop_list_read(r, RANGE_NCOLUMNS + 1, 0, &x->props, e);
    if (rc != 0)
        store_range_extras_free(x);
    return rc;
}

int store_range_show(struct store_conn *c, long long id, const char *name,
                     struct store_range *out, struct store_range_extras *x,
                     struct err *e)
{
    const struct store_more more = {read_extras, x};
    char buf[STORE_INTBUF], msg[STORE_RANGE_CIDR_BUF + 40];

    memset(x, 0, sizeof(*x));
    if (name != NULL) {
        snprintf(msg, sizeof(msg), "range \"%.*s\" does not exist",
                 STORE_RANGE_CIDR_BUF, name);
        return store_query_one(c,
                               "SELECT " RANGE_SHOWN " FROM ranges r "
                               "WHERE r.cidr = $1::cidr",
                               name, row_to_range, out, &more, msg, e);
    }
    snprintf(msg, sizeof(msg), "range %lld does not exist", id);
    return store_query_one(c,
                           "SELECT " RANGE_SHOWN " FROM ranges r "
                           "WHERE r.id = $1::bigint",
                           store_param_int(buf, id), row_to_range, out, &more,
                           msg, e);
}

int store_range_list(struct store_conn *c, const struct filter_sql *f,
                     const char *order_by, long long offset, long long limit,
                     struct store_range **out, size_t *count,
                     struct store_range_extras *x, long long *total,
                     struct err *e)
{
    const struct store_more more = {read_extras, x};
    void *list = NULL;
    int rc;

    memset(x, 0, sizeof(*x));
    rc = store_list_rows(c, RANGE_SHOWN, "ranges r",
                         store_range_list_spec.tiebreak, f, order_by, offset,
                         limit, sizeof(**out), row_to_range, &more, &list,
                         count, total, e);
    *out = list;
    return rc;
}

void store_range_list_free(struct store_range *list)
{
    free(list);
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
    return store_update_one(c,
                            "UPDATE ranges SET title = $2, description = $3, "
                            "locked = $4::boolean, auto_assign = $5::boolean, "
                            "updated = now() WHERE id = $1::bigint",
                            STORE_NPARAMS(params), params, "range", r->id, e);
}
