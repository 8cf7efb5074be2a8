/* micetro-emu storage: removing objects (see store_remove.h). */
#include "store_remove.h"

#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "failover.h"
#include "ref.h"
#include "store_changelog.h"
#include "store_int.h"
#include "store_pool.h"
#include "store_scope.h"

/* Longest object name of any type (a server's FQDN). */
#define NAME_BUF 256

/* What removal needs to know of a type: how to lock and name an object,
 * and how to list its children (ids of child_type, locked). */
struct kind {
    int type;
    const char *what;
    const char *lock_sql;     /* $1 id -> one row: the object's name */
    const char *delete_sql;   /* $1 id */
    int child_type;           /* 0: no children */
    const char *child_what;   /* "address pool" */
    const char *children_sql; /* $1 id -> child ids, locked */
    /* $1 id -> the failover relationships the object or its children are
     * in, locked in id order: taken before anything else (lock order) */
    const char *failover_sql;
};

static const struct kind kinds[] = {
    {REF_DHCP_SERVER, "DHCP server",
     "SELECT name FROM dhcp_servers WHERE id = $1::bigint FOR UPDATE",
     "DELETE FROM dhcp_servers WHERE id = $1::bigint", REF_DHCP_SCOPE,
     "DHCP scope",
     "SELECT id FROM dhcp_scopes WHERE server_id = $1::bigint ORDER BY id "
     "FOR UPDATE",
     "SELECT id FROM dhcp_failover WHERE primary_id = $1::bigint "
     "OR secondary_id = $1::bigint ORDER BY id FOR UPDATE"},
    {REF_RANGE, "range",
     "SELECT name FROM ranges WHERE id = $1::bigint FOR UPDATE",
     "DELETE FROM ranges WHERE id = $1::bigint", REF_DHCP_SCOPE, "DHCP scope",
     "SELECT id FROM dhcp_scopes WHERE range_id = $1::bigint ORDER BY id "
     "FOR UPDATE",
     "SELECT id FROM dhcp_failover WHERE id IN (SELECT failover_id "
     "FROM dhcp_scopes WHERE range_id = $1::bigint) ORDER BY id FOR UPDATE"},
    {REF_DHCP_SCOPE, "DHCP scope",
     "SELECT name FROM dhcp_scopes WHERE id = $1::bigint FOR UPDATE",
     "DELETE FROM dhcp_scopes WHERE id = $1::bigint", REF_DHCP_ADDRESS_POOL,
     "address pool",
     "SELECT id FROM dhcp_pools WHERE scope_id = $1::bigint ORDER BY id "
     "FOR UPDATE",
     "SELECT id FROM dhcp_failover WHERE id = (SELECT failover_id "
     "FROM dhcp_scopes WHERE id = $1::bigint) FOR UPDATE"},
    {REF_DHCP_ADDRESS_POOL, "DHCP address pool",
     "SELECT coalesce(name, host(from_ip) || '-' || host(to_ip)) "
     "FROM dhcp_pools WHERE id = $1::bigint FOR UPDATE",
     "DELETE FROM dhcp_pools WHERE id = $1::bigint", 0, NULL, NULL,
     "SELECT id FROM dhcp_failover WHERE id = (SELECT sc.failover_id "
     "FROM dhcp_pools p JOIN dhcp_scopes sc ON sc.id = p.scope_id "
     "WHERE p.id = $1::bigint) FOR UPDATE"},
};

static const struct kind *kind_of(int type)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (kinds[i].type == type)
            return &kinds[i];
    }
    return NULL;
}

/* The failover relationships of server id (called name): refused unless
 * force (failover_check_children); forced, every relationship goes with
 * its scopes' memberships (the server's own instances are gone by now)
 * and is logged. */
static int remove_relationships(struct store_conn *c, const char *login,
                                long long id, const char *name, int force,
                                const char *comment, long long *below,
                                struct err *e)
{
    char sid[STORE_INTBUF];
    const char *params[1];
    PGresult *r = NULL;
    int rc, n;

    params[0] = store_param_int(sid, id);
    rc = store_exec(c,
                    "SELECT id, name FROM dhcp_failover WHERE primary_id = "
                    "$1::bigint OR secondary_id = $1::bigint ORDER BY id "
                    "FOR UPDATE",
                    1, params, &r, e);
    if (rc != 0)
        return rc;
    n = PQntuples(r);
    if ((rc = failover_check_children(n, force, name, e)) != 0) {
        PQclear(r);
        return rc;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        const char *one[1] = {PQgetvalue(r, i, 0)};

        rc = store_exec_cmd(c,
                            "UPDATE dhcp_scopes SET failover_id = NULL, "
                            "updated = now() WHERE failover_id = $1::bigint",
                            1, one, e);
        if (rc >= 0)
            rc = store_exec_cmd(c,
                                "DELETE FROM dhcp_failover WHERE id = "
                                "$1::bigint",
                                1, one, e);
        if (rc >= 0)
            rc = store_changelog_add(
                c, login, CHANGELOG_REMOVE, REF_DHCP_FAILOVER,
                strtoll(one[0], NULL, 10), PQgetvalue(r, i, 1), comment, e);
        if (rc >= 0) {
            rc = 0;
            *below += 1;
        }
    }
    PQclear(r);
    return rc;
}

/* A failover scope's pool takes its twin on the partner with it, logged,
 * so that both servers keep the same pools. */
static int remove_twin(struct store_conn *c, const char *login, long long id,
                       const char *comment, long long *below, struct err *e)
{
    char tid[STORE_INTBUF], name[NAME_BUF];
    long long twin, scope;
    const char *params[1];
    int rc = store_pool_twin(c, id, &twin, &scope, e);

    if (rc < 0)
        return rc;
    if (failover_twin_action(FAILOVER_POOL_REMOVED, rc, rc) !=
        FAILOVER_TWIN_REMOVE)
        return 0;
    params[0] = store_param_int(tid, twin);
    rc = store_query_text(c,
                          "DELETE FROM dhcp_pools WHERE id = $1::bigint "
                          "RETURNING coalesce(name, host(from_ip) || '-' || "
                          "host(to_ip))",
                          1, params, name, sizeof(name), e);
    if (rc < 0)
        return rc;
    *below += 1;
    return store_changelog_add(c, login, CHANGELOG_REMOVE,
                               REF_DHCP_ADDRESS_POOL, twin, name, comment, e);
}

/* The partner instance of scope instance id leaves their relationship
 * (Micetro's "Manage scope instances"). */
static int partner_leaves(struct store_conn *c, long long id, struct err *e)
{
    char pid[STORE_INTBUF], fid[STORE_INTBUF];
    const char *params[2];
    struct failover_instance partner;
    int rc = store_scope_partner(c, id, &partner, e);

    if (rc <= 0)
        return rc;
    params[0] = store_param_int(pid, partner.id);
    params[1] = store_param_int(fid, partner.failover_id);
    rc = store_exec_cmd(c,
                        "UPDATE dhcp_scopes SET failover_id = NULL, "
                        "updated = now() WHERE id = $1::bigint "
                        "AND failover_id = $2::bigint",
                        2, params, e);
    return rc < 0 ? rc : 0;
}

/* store_remove below its first object, whose relationships are locked. */
static int remove_object(struct store_conn *c, const char *login, int ref_type,
                         long long id, int force, const char *comment,
                         long long *children, struct err *e)
{
    const struct kind *k = kind_of(ref_type);
    struct failover_removal fo = failover_removal(ref_type);
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
    /* a failover scope's partner instance leaves the relationship with
     * it, before the pools go, so that their twins on the partner stay */
    if (fo.partner_leaves && (rc = partner_leaves(c, id, e)) != 0)
        return rc;
    if (fo.twin_goes &&
        (rc = remove_twin(c, login, id, comment, &below, e)) != 0)
        return rc;
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

            rc = remove_object(c, login, k->child_type, ids[i], force, comment,
                               &sub, e);
            if (rc != 0) {
                free(ids);
                return rc;
            }
            below += 1 + sub;
        }
        free(ids);
    }
    if (fo.relationships_go &&
        (rc = remove_relationships(c, login, id, name, force, comment, &below,
                                   e)) != 0)
        return rc;
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

int store_remove(struct store_conn *c, const char *login, int ref_type,
                 long long id, int force, const char *comment,
                 long long *children, struct err *e)
{
    const struct kind *k = kind_of(ref_type);
    char sid[STORE_INTBUF];
    const char *params[1];
    int rc;

    /* the relationships first, as every failover command takes them */
    if (k != NULL) {
        params[0] = store_param_int(sid, id);
        if ((rc = store_exec(c, k->failover_sql, 1, params, NULL, e)) != 0)
            return rc;
    }
    return remove_object(c, login, ref_type, id, force, comment, children, e);
}
