/* micetro-emu storage: removing objects (see remove.h). */
#include "remove.h"

#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "../server/core/ref.h"
#include "changelog.h"
#include "store_int.h"

/* Longest object name of any type (a server's FQDN). */
#define NAME_BUF 256

/* What removal needs to know of a type: how to lock and name an object,
 * and how to list its children (ids of child_type, locked). */
struct kind {
    int type;
    const char *what;
    const char *lock_sql;   /* $1 id -> one row: the object's name */
    const char *delete_sql; /* $1 id */
    int child_type;         /* 0: no children */
    const char *child_what; /* "address pool" */
    const char *children_sql; /* $1 id -> child ids, locked */
};

static const struct kind kinds[] = {
    {REF_DHCP_SERVER, "DHCP server",
     "SELECT name FROM dhcp_servers WHERE id = $1::bigint FOR UPDATE",
     "DELETE FROM dhcp_servers WHERE id = $1::bigint", REF_DHCP_SCOPE,
     "DHCP scope",
     "SELECT id FROM dhcp_scopes WHERE server_id = $1::bigint ORDER BY id "
     "FOR UPDATE"},
    {REF_RANGE, "range",
     "SELECT name FROM ranges WHERE id = $1::bigint FOR UPDATE",
     "DELETE FROM ranges WHERE id = $1::bigint", REF_DHCP_SCOPE, "DHCP scope",
     "SELECT id FROM dhcp_scopes WHERE range_id = $1::bigint ORDER BY id "
     "FOR UPDATE"},
    {REF_DHCP_SCOPE, "DHCP scope",
     "SELECT name FROM dhcp_scopes WHERE id = $1::bigint FOR UPDATE",
     "DELETE FROM dhcp_scopes WHERE id = $1::bigint", REF_DHCP_ADDRESS_POOL,
     "address pool",
     "SELECT id FROM dhcp_pools WHERE scope_id = $1::bigint ORDER BY id "
     "FOR UPDATE"},
    {REF_DHCP_ADDRESS_POOL, "DHCP address pool",
     "SELECT coalesce(name, host(from_ip) || '-' || host(to_ip)) "
     "FROM dhcp_pools WHERE id = $1::bigint FOR UPDATE",
     "DELETE FROM dhcp_pools WHERE id = $1::bigint", 0, NULL, NULL},
};

static const struct kind *kind_of(int type)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (kinds[i].type == type)
            return &kinds[i];
    }
    return NULL;
}

int store_remove(struct store_conn *c, const char *login, int ref_type,
                 long long id, int force, const char *comment,
                 long long *children, struct err *e)
{
    const struct kind *k = kind_of(ref_type);
    char sid[STORE_INTBUF], name[NAME_BUF];
    const char *params[1];
    long long *ids = NULL, below = 0, n = 0;
    PGresult *r = NULL;
    int rc;

    if (children != NULL)
        *children = 0;
    if (k == NULL)
        return err_set(e, ERR_INVALID, "objects of type %d cannot be removed",
                       ref_type);
    params[0] = store_param_int(sid, id);
    rc = store_query_text(c, k->lock_sql, 1, params, name, sizeof(name), e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "%s %lld does not exist", k->what, id);
    if (k->child_type != 0) {
        /* the lock above keeps new children out (adding one locks or
         * key-share-locks this row) */
        if ((rc = store_exec(c, k->children_sql, 1, params, &r, e)) != 0)
            return rc;
        n = PQntuples(r);
        if (n > 0 && !force) {
            PQclear(r);
            return err_set(e, ERR_CONFLICT,
                           "%s \"%s\" still has %lld %s%s: remove %s first or "
                           "use forceRemoval",
                           k->what, name, n, k->child_what, n == 1 ? "" : "s",
                           n == 1 ? "it" : "them");
        }
        if (n > 0 && (ids = malloc((size_t)n * sizeof(*ids))) == NULL) {
            PQclear(r);
            return err_set(e, ERR_NOMEM, "out of memory");
        }
        for (long long i = 0; i < n; i++)
            ids[i] = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
        PQclear(r);
        for (long long i = 0; i < n; i++) {
            long long sub = 0;

            rc = store_remove(c, login, k->child_type, ids[i], force, comment,
                              &sub, e);
            if (rc != 0) {
                free(ids);
                return rc;
            }
            below += 1 + sub;
        }
        free(ids);
    }
    rc = store_exec_cmd(c, k->delete_sql, 1, params, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "%s %lld does not exist", k->what, id);
    rc = store_changelog_add(c, login, CHANGELOG_REMOVE, ref_type, id, name,
                             comment, e);
    if (rc != 0)
        return rc;
    if (children != NULL)
        *children = below;
    return 0;
}
