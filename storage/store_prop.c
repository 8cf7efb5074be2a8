/* micetro-emu storage: custom properties (see store_prop.h). */
#include "store_prop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "filter.h"
#include "store_int.h"
#include "store_prop_int.h"

/* The columns definition queries read, in the order row_to_def expects. */
#define DEF_COLUMNS                                                            \
    "d.id, d.object_type, d.name, d.type, d.mandatory, d.read_only, "          \
    "d.multi_line, d.default_value, array_to_string(d.list_items, E'\\n')"
#define DEF_NCOLUMNS 9

static int row_to_def(const PGresult *r, int row, void *dst, struct err *e)
{
    struct store_prop_def *d = dst;
    int rc;

    memset(d, 0, sizeof(*d));
    if (PQnfields(r) < DEF_NCOLUMNS)
        return err_set(e, ERR_INTERNAL,
                       "property definition query: %d "
                       "columns",
                       PQnfields(r));
    d->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    d->object_type = (int)strtol(PQgetvalue(r, row, 1), NULL, 10);
    d->mandatory = PQgetvalue(r, row, 4)[0] == 't';
    d->read_only = PQgetvalue(r, row, 5)[0] == 't';
    d->multi_line = PQgetvalue(r, row, 6)[0] == 't';
    d->has_default = !PQgetisnull(r, row, 7);
    if ((rc = store_copy_text(r, row, 2, d->name, sizeof(d->name), e)) != 0 ||
        (rc = store_copy_text(r, row, 3, d->type, sizeof(d->type), e)) != 0 ||
        (rc = store_copy_text(r, row, 7, d->default_value,
                              sizeof(d->default_value), e)) != 0 ||
        (rc = store_copy_text(r, row, 8, d->items, sizeof(d->items), e)) != 0)
        return rc;
    return rc;
}

/* Runs a definition query (a constant: prepared) and reads every row
 * into *out. */
static int read_defs(struct store_conn *c, const char *sql, int nparams,
                     const char *const *params, struct store_prop_def **out,
                     size_t *count, struct err *e)
{
    PGresult *r = NULL;
    void *rows = NULL;
    int rc;

    *out = NULL;
    *count = 0;
    if ((rc = store_exec_prepared(c, sql, nparams, params, &r, e)) != 0)
        return rc;
    rc = store_rows_read(r, sizeof(**out), row_to_def, &rows, count, e);
    PQclear(r);
    *out = rows;
    return rc;
}

int store_prop_defs(struct store_conn *c, int object_type,
                    struct store_prop_def **out, size_t *count, struct err *e)
{
    char t[STORE_INTBUF];
    const char *params[1];

    params[0] = store_param_int(t, object_type);
    return read_defs(c,
                     "SELECT " DEF_COLUMNS " FROM property_definitions d "
                     "WHERE d.object_type = $1::integer "
                     "ORDER BY d.name_key, d.id",
                     1, params, out, count, e);
}

int store_prop_def_get(struct store_conn *c, int object_type, const char *name,
                       const char *what, struct store_prop_def *out,
                       struct err *e)
{
    struct store_prop_def *list = NULL;
    char t[STORE_INTBUF];
    const char *params[2];
    size_t n = 0;
    int rc;

    params[0] = store_param_int(t, object_type);
    params[1] = name;
    rc = read_defs(c,
                   "SELECT " DEF_COLUMNS " FROM property_definitions d "
                   "WHERE d.object_type = $1::integer "
                   "AND d.name_key = lower($2)",
                   2, params, &list, &n, e);
    if (rc == 0 && n == 0)
        rc = err_set(e, ERR_NOTFOUND,
                     "property \"%.128s\" is not defined "
                     "for %s",
                     name, what);
    if (rc == 0)
        *out = list[0];
    free(list);
    return rc;
}

/* Parameters $1..$8 of a definition's columns, in the order of the
 * INSERT and UPDATE below. */
static void def_params(const struct store_prop_def *d, char *tbuf,
                       const char *params[8])
{
    params[0] = store_param_int(tbuf, d->object_type);
    params[1] = d->name;
    params[2] = d->type;
    params[3] = d->mandatory ? "true" : "false";
    params[4] = d->read_only ? "true" : "false";
    params[5] = d->multi_line ? "true" : "false";
    params[6] = d->has_default ? d->default_value : NULL;
    params[7] = d->items;
}

int store_prop_def_add(struct store_conn *c, const struct store_prop_def *d,
                       const char *what, long long *id, struct err *e)
{
    char t[STORE_INTBUF];
    const char *params[8];
    int rc;

    def_params(d, t, params);
    rc = store_insert_id(c,
                         "INSERT INTO property_definitions (object_type, "
                         "name, type, mandatory, read_only, multi_line, "
                         "default_value, list_items) VALUES ($1::integer, "
                         "$2, $3, $4::boolean, $5::boolean, $6::boolean, $7, "
                         "string_to_array($8, E'\\n')) RETURNING id",
                         STORE_NPARAMS(params), params, id, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "property \"%s\" already exists for %s",
                       d->name, what);
    return rc;
}

int store_prop_def_update(struct store_conn *c, const struct store_prop_def *d,
                          const char *what, int clear_values, struct err *e)
{
    char t[STORE_INTBUF], id[STORE_INTBUF];
    const char *params[9];
    int rc;

    def_params(d, t, params);
    params[8] = store_param_int(id, d->id);
    rc = store_exec_cmd(c,
                        "UPDATE property_definitions SET name = $2, "
                        "type = $3, mandatory = $4::boolean, "
                        "read_only = $5::boolean, multi_line = $6::boolean, "
                        "default_value = $7, "
                        "list_items = string_to_array($8, E'\\n'), "
                        "updated = now() "
                        "WHERE id = $9::bigint AND object_type = $1::integer",
                        STORE_NPARAMS(params), params, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "property \"%s\" already exists for %s",
                       d->name, what);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND,
                       "property \"%s\" is not defined "
                       "for %s",
                       d->name, what);
    if (clear_values) {
        rc = store_exec_cmd(c,
                            "DELETE FROM property_values "
                            "WHERE definition_id = $1::bigint",
                            1, &params[8], e);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int store_prop_def_remove(struct store_conn *c, long long id, struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    int rc;

    params[0] = store_param_int(sid, id);
    rc = store_exec_cmd(c,
                        "DELETE FROM property_definitions "
                        "WHERE id = $1::bigint",
                        1, params, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND,
                       "property definition %lld does not "
                       "exist",
                       id);
    return 0;
}

int store_prop_set(struct store_conn *c, int object_type, long long object_id,
                   long long def_id, const char *value, struct err *e)
{
    char t[STORE_INTBUF], oid[STORE_INTBUF], did[STORE_INTBUF];
    const char *params[4];
    int rc;

    params[0] = store_param_int(t, object_type);
    params[1] = store_param_int(oid, object_id);
    params[2] = store_param_int(did, def_id);
    params[3] = value;
    if (value == NULL || value[0] == '\0')
        rc = store_exec_cmd(c,
                            "DELETE FROM property_values "
                            "WHERE object_type = $1::integer "
                            "AND object_id = $2::bigint "
                            "AND definition_id = $3::bigint",
                            3, params, e);
    else
        rc = store_exec_cmd(c,
                            "INSERT INTO property_values (object_type, "
                            "object_id, definition_id, value) VALUES "
                            "($1::integer, $2::bigint, $3::bigint, $4) "
                            "ON CONFLICT (object_type, object_id, "
                            "definition_id) DO UPDATE SET value = "
                            "excluded.value",
                            4, params, e);
    return rc < 0 ? rc : 0;
}

/* Reads (object_id, definition_id, value) rows into *out. */
static int read_values(struct store_conn *c, const char *sql, int nparams,
                       const char *const *params, struct store_prop_value **out,
                       size_t *count, struct err *e)
{
    struct store_prop_value *v = NULL;
    PGresult *r = NULL;
    int rc, n;

    *out = NULL;
    *count = 0;
    if ((rc = store_exec(c, sql, nparams, params, &r, e)) != 0)
        return rc;
    n = PQntuples(r);
    if (n > 0 && (v = calloc((size_t)n, sizeof(*v))) == NULL) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        v[i].object_id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        v[i].definition_id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        if ((v[i].value = strdup(PQgetvalue(r, i, 2))) == NULL) {
            store_prop_values_free(v, (size_t)i);
            v = NULL;
            rc = err_set(e, ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    *out = v;
    *count = (size_t)n;
out:
    PQclear(r);
    return rc;
}

int store_prop_def_values(struct store_conn *c, long long def_id,
                          struct store_prop_value **out, size_t *count,
                          struct err *e)
{
    char did[STORE_INTBUF];
    const char *params[1];

    params[0] = store_param_int(did, def_id);
    return read_values(c,
                       "SELECT object_id, definition_id, value "
                       "FROM property_values WHERE definition_id = $1::bigint "
                       "ORDER BY object_id",
                       1, params, out, count, e);
}

int store_prop_list_read(const PGresult *r, int col, int id_col,
                         struct store_prop_list *out, struct err *e)
{
    int rows = PQntuples(r), rc = 0;
    size_t total = 0, o = 0, n;

    memset(out, 0, sizeof(*out));
    if (PQnfields(r) <= col || PQnfields(r) <= id_col)
        return err_set(e, ERR_INTERNAL, "custom properties: %d columns",
                       PQnfields(r));
    for (int i = 0; i < rows; i++)
        total += strlen(PQgetvalue(r, i, col)) + 1;
    if (total == 0)
        return 0;
    /* each item takes at least two bytes of text: its two NULs */
    out->text = malloc(total);
    out->items = malloc(total / 2 * sizeof(*out->items));
    if (out->text == NULL || out->items == NULL) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < rows; i++) {
        long long id = strtoll(PQgetvalue(r, i, id_col), NULL, 10);
        char *p = out->text + o;

        rc = store_array_split(PQgetvalue(r, i, col), p, total - o, &n, e);
        if (rc == 0 && n % 2 != 0)
            rc = err_set(e, ERR_INTERNAL, "custom properties: %zu values", n);
        if (rc != 0)
            goto fail;
        for (size_t k = 0; k < n; k += 2) {
            struct store_prop_shown *s = &out->items[out->n++];

            s->object_id = id;
            s->name = p;
            p += strlen(p) + 1;
            s->value = p;
            p += strlen(p) + 1;
        }
        o = (size_t)(p - out->text);
    }
    return 0;
fail:
    store_prop_list_free(out);
    return rc;
}

void store_prop_list_free(struct store_prop_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    free(l->text);
    memset(l, 0, sizeof(*l));
}

void store_prop_values_free(struct store_prop_value *v, size_t count)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        free(v[i].value);
    free(v);
}

/* The SQL of one custom property's filter column. */
#define FILTER_SQL                                                             \
    "coalesce((SELECT pv.value FROM property_values pv "                       \
    "WHERE pv.definition_id = %lld AND pv.object_type = %d "                   \
    "AND pv.object_id = %s), (SELECT pd.default_value "                        \
    "FROM property_definitions pd WHERE pd.id = %lld))"

int store_prop_filter_fields(struct store_conn *c, int object_type,
                             const char *id_column, struct filter_field **out,
                             size_t *count, struct err *e)
{
    struct store_prop_def *defs = NULL;
    struct filter_field *f;
    size_t n = 0, sql_len, each;
    char *text;
    int rc;

    *out = NULL;
    *count = 0;
    if ((rc = store_prop_defs(c, object_type, &defs, &n, e)) != 0 || n == 0)
        goto out;
    sql_len = sizeof(FILTER_SQL) + 2 * STORE_INTBUF + strlen(id_column) + 16;
    each = STORE_PROP_NAME_BUF + sql_len;
    if ((f = malloc(n * (sizeof(*f) + each))) == NULL) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    text = (char *)(f + n);
    for (size_t i = 0; i < n; i++) {
        char *name = text + i * each, *sql = name + STORE_PROP_NAME_BUF;

        snprintf(name, STORE_PROP_NAME_BUF, "%s", defs[i].name);
        snprintf(sql, sql_len, FILTER_SQL, defs[i].id, object_type, id_column,
                 defs[i].id);
        f[i] = (struct filter_field){name, sql, FILTER_TEXT, 0, 0};
    }
    *out = f;
    *count = n;
out:
    free(defs);
    return rc;
}
