/* micetro-emu: AddDHCPScope, GetDHCPScopes, GetDHCPScope.
 *
 * The pattern of soap_servers.c.  A scope is an instance on one server of
 * one range; rangeRef and dhcpServerRef take any ref form.  AddDHCPScope's
 * 11.x dhcpFailoverRelationshipName (a relationship of the scope's
 * server) creates the instance on the partner server too, both members
 * of it, in one transaction; answers carry failoverRelationship in the
 * 11 profile.
 */
#include "soap_scopes.h"

#include <stdlib.h>
#include <string.h>

#include "soapH.h"

#include "soap_entry.h"

#include "call.h"
#include "store_changelog.h"
#include "ref.h"
#include "validate.h"
#include "store_scope.h"
#include "store_failover.h"
#include "listing.h"
#include "mutate.h"
#include "refs.h"
#include "convert.h"
#include "store.h"

/* store_scope_add as a mutate_insert_fn. */
static int insert(struct store_conn *c, const void *obj, long long *id,
                  struct err *e)
{
    return store_scope_add(c, obj, id, e);
}

/* Resolves the scope's rangeRef and dhcpServerRef into s, with the names
 * store_scope_add's messages use, on c. */
static int resolve_parents(struct store_conn *c, const struct mm__DHCPScope *in,
                           struct store_dhcp_scope *s, struct err *e)
{
    struct store_dhcp_server srv;
    struct store_range rng;
    int rc;

    if ((rc = refs_resolve(c, REF_RANGE, in->rangeRef, &s->range_id, e)) == 0 &&
        (rc = refs_resolve(c, REF_DHCP_SERVER, in->dhcpServerRef, &s->server_id,
                           e)) == 0 &&
        (rc = store_range_get(c, s->range_id, &rng, e)) == 0 &&
        (rc = store_server_get(c, s->server_id, &srv, e)) == 0) {
        memcpy(s->range_name, rng.name, sizeof(s->range_name));
        memcpy(s->server_name, srv.name, sizeof(s->server_name));
    }
    return rc;
}

/* AddDHCPScope with a failover relationship: the scope, its partner
 * instance on the relationship's other server, both members. */
struct add_failover {
    const char *login, *comment, *name;
    const struct store_dhcp_scope *s;
    long long id;
};

static int add_failover_tx(struct store_conn *c, void *ctx, struct err *e)
{
    struct add_failover *a = ctx;
    struct store_failover *f;
    long long created = 0;
    int rc;

    if ((f = malloc(sizeof(*f))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if ((rc = store_failover_find(c, a->s->server_id, a->s->server_name,
                                  a->name, 1, f, e)) == 0 &&
        (rc = store_scope_add(c, a->s, &a->id, e)) == 0 &&
        (rc = store_changelog_add(c, a->login, CHANGELOG_ADD, REF_DHCP_SCOPE,
                                  a->id, a->s->name, a->comment, e)) == 0 &&
        (rc = store_failover_join(c, f, a->id, 0, &created, e)) == 0 &&
        created != 0)
        rc = store_changelog_add(c, a->login, CHANGELOG_ADD, REF_DHCP_SCOPE,
                                 created, a->s->name, a->comment, e);
    free(f);
    return rc;
}

int soap_scopes_add(struct soap *soap, struct store_conn *c, const char *login,
                    const void *rqv, long long *id, struct err *e)
{
    const struct _mm__AddDHCPScope *rq = rqv;
    struct store_dhcp_scope *s;
    int rc;

    (void)soap;
    /* about 4.5 kB: not on a worker's stack */
    if ((s = malloc(sizeof(*s))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if ((rc = convert_scope_from_soap(rq->dhcpScope, s, e)) == 0 &&
        (rc = mutate_check_comment(rq->saveComment, e)) == 0)
        rc = resolve_parents(c, rq->dhcpScope, s, e);
    if (rc == 0 && rq->dhcpFailoverRelationshipName != NULL &&
        rq->dhcpFailoverRelationshipName[0] != '\0') {
        struct add_failover a = {login, rq->saveComment,
                                 rq->dhcpFailoverRelationshipName, s, 0};

        rc = add_failover_tx(c, &a, e);
        *id = a.id;
    } else if (rc == 0) {
        rc = mutate_insert(c, login, REF_DHCP_SCOPE, s->name, rq->saveComment,
                           insert, s, id, e);
    }
    free(s);
    return rc;
}

static int add_scope(struct soap *soap, struct _mm__AddDHCPScope *rq,
                     struct _mm__AddDHCPScopeResponse *rs)
{
    return mutate_handle(soap, rq->session, soap_scopes_add, rq, REF_DHCP_SCOPE,
                         &rs->ref);
}

/* store_scope_get as a refs_get_fn. */
static int get(struct store_conn *c, long long id, void *obj, struct err *e)
{
    return store_scope_get(c, id, obj, e);
}

static int get_scope(struct soap *soap, struct _mm__GetDHCPScope *rq,
                     struct _mm__GetDHCPScopeResponse *rs)
{
    struct store_dhcp_scope *s;
    long long id = 0;
    struct call k;
    int rc;

    rc = call_begin(&k, soap, rq->session);
    s = soap_malloc(soap, sizeof(*s));
    rs->dhcpScope = soap_malloc(soap, sizeof(*rs->dhcpScope));
    if (rc == 0 && (s == NULL || rs->dhcpScope == NULL))
        rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    if (rc == 0)
        rc = refs_load(k.c, REF_DHCP_SCOPE, rq->dhcpScopeRef, get, NULL, s, &id,
                       &k.e);
    if (rc == 0)
        rc = convert_scope_to_soap(soap, s, rs->dhcpScope, &k.e);
    return call_end(&k, rc);
}

/* store_scope_list as a listing_fetch_fn: out is the array's address. */
static int fetch(struct store_conn *c, const struct filter_sql *f,
                 const char *order_by, long long offset, long long limit,
                 void *out, size_t *count, long long *total, struct err *e)
{
    return store_scope_list(c, f, order_by, offset, limit, out, count, total,
                            e);
}

static int get_scopes(struct soap *soap, struct _mm__GetDHCPScopes *rq,
                      struct _mm__GetDHCPScopesResponse *rs)
{
    struct listing_page page = {rq->filter, rq->sortBy, NULL, rq->offset,
                                rq->limit};
    struct store_dhcp_scope *list = NULL;
    struct mm__ArrayOfDHCPScope *arr;
    long long total = 0;
    size_t n = 0, i;
    void *items;
    struct call k;
    int rc;

    rc = call_begin_list(&k, soap, rq->session);
    if (rc != 0)
        goto out;
    if (rq->sortOrder != NULL)
        page.sort_order = soap_mm__SortOrder2s(soap, *rq->sortOrder);
    rc = listing_run(k.c, &store_scope_list_spec, REF_DHCP_SCOPE, &page, fetch,
                     &list, &n, &total, &k.e);
    if (rc != 0)
        goto out;
    arr = convert_list(soap, sizeof(*arr), n, sizeof(*arr->dhcpScope), &items,
                       &k.e);
    rs->dhcpScopes = arr;
    if (arr == NULL) {
        rc = ERR_NOMEM; /* convert_list's only failure */
        goto out;
    }
    arr->dhcpScope = items;
    for (i = 0; i < n && rc == 0; i++)
        rc = convert_scope_to_soap(soap, &list[i], &arr->dhcpScope[i], &k.e);
    arr->__sizedhcpScope = rc == 0 ? (int)n : 0;
    rs->totalResults = convert_total(total);
out:
    free(list);
    return call_end(&k, rc);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(AddDHCPScope, add_scope)
SOAP_ENTRY(GetDHCPScope, get_scope)
SOAP_ENTRY(GetDHCPScopes, get_scopes)
