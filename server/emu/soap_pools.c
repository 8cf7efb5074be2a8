/* micetro-emu: AddDHCPAddressPool, GetDHCPAddressPools,
 * GetDHCPAddressPool.
 *
 * The pattern of soap_scopes.c.  A pool belongs to one scope instance
 * (dhcpScopeRef, any ref form); from..to must lie inside the scope's
 * range, avoid its network and broadcast addresses and overlap no other
 * pool of the scope.  The overlap check runs inside the add's
 * transaction, after locking the scope row (store_pool_add), so of
 * concurrent adds of overlapping pools exactly one succeeds.
 * failoverPeer, failoverRelationship and (11.x) failoverState are
 * read-only views of the scope instance's failover relationship: given,
 * they are ignored; answers carry them when the instance is in one.
 */
#include "soap_pools.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "soapH.h"

#include "soap_entry.h"

#include "call.h"
#include "ref.h"
#include "validate.h"
#include "store_pool.h"
#include "store_scope.h"
#include "store_failover.h"
#include "listing.h"
#include "mutate.h"
#include "store_range.h"
#include "refs.h"
#include "convert.h"
#include "store.h"

/* store_pool_add (scope lock, overlap check, insert) as a
 * mutate_insert_fn: it runs inside the add's transaction. */
static int insert(struct store_conn *c, const void *obj, long long *id,
                  struct err *e)
{
    const struct store_dhcp_pool *p = obj;
    long long mirror;
    int rc = store_pool_add(c, p, id, e);

    /* a failover scope's partner instance gets the same pool */
    if (rc == 0)
        rc = store_failover_mirror_pool(c, p->scope_id, *id, &mirror, e);
    return rc;
}

/* Resolves the pool's dhcpScopeRef into p (scope_id, scope_name) and
 * checks from..to against the scope's range, on c. */
static int resolve_scope(struct store_conn *c, const char *scope_ref,
                         struct store_dhcp_pool *p, uint32_t from, uint32_t to,
                         struct err *e)
{
    struct store_dhcp_scope *s;
    struct store_range rng;
    uint32_t net = 0;
    int prefix = 0, rc;

    s = malloc(sizeof(*s));
    if (s == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if ((rc = refs_resolve(c, REF_DHCP_SCOPE, scope_ref, &p->scope_id, e)) ==
            0 &&
        (rc = store_scope_get(c, p->scope_id, s, e)) == 0 &&
        (rc = store_range_get(c, s->range_id, &rng, e)) == 0) {
        memcpy(p->scope_name, s->name, sizeof(p->scope_name));
        rc = validate_cidr(rng.name, &net, &prefix, NULL, e);
        if (rc == 0)
            rc = validate_range_in_cidr(from, to, net, prefix,
                                        VALIDATE_RANGE_POOL, e);
    }
    free(s);
    return rc;
}

int soap_pools_add(struct soap *soap, struct store_conn *c, const char *login,
                   const void *rqv, long long *id, struct err *e)
{
    const struct _mm__AddDHCPAddressPool *rq = rqv;
    char label[2 * VALIDATE_IPV4_BUF + 2];
    struct store_dhcp_pool p;
    uint32_t from = 0, to = 0;
    int rc;

    (void)soap;
    if ((rc = convert_pool_from_soap(rq->dhcpAddressPool, &p, &from, &to, e)) !=
            0 ||
        (rc = mutate_check_comment(rq->saveComment, e)) != 0 ||
        (rc = resolve_scope(c, rq->dhcpAddressPool->dhcpScopeRef, &p, from, to,
                            e)) != 0)
        return rc;
    /* the change log names the pool by its name, else by its addresses */
    snprintf(label, sizeof(label), "%s-%s", p.from, p.to);
    return mutate_insert(c, login, REF_DHCP_ADDRESS_POOL,
                         p.name[0] ? p.name : label, rq->saveComment, insert,
                         &p, id, e);
}

static int add_pool(struct soap *soap, struct _mm__AddDHCPAddressPool *rq,
                    struct _mm__AddDHCPAddressPoolResponse *rs)
{
    return mutate_handle(soap, rq->session, soap_pools_add, rq,
                         REF_DHCP_ADDRESS_POOL, &rs->ref);
}

/* store_pool_get as a refs_get_fn. */
static int get(struct store_conn *c, long long id, void *obj, struct err *e)
{
    return store_pool_get(c, id, obj, e);
}

static int get_pool(struct soap *soap, struct _mm__GetDHCPAddressPool *rq,
                    struct _mm__GetDHCPAddressPoolResponse *rs)
{
    struct store_dhcp_pool p;
    long long id = 0;
    struct call k;
    int rc;

    rc = call_begin(&k, soap, rq->session);
    if (rc == 0 && (rs->dhcpAddressPool = soap_malloc(
                        soap, sizeof(*rs->dhcpAddressPool))) == NULL)
        rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    if (rc == 0)
        rc = refs_load(k.c, REF_DHCP_ADDRESS_POOL, rq->dhcpAddressPoolRef, get,
                       NULL, &p, &id, &k.e);
    if (rc == 0)
        rc = convert_pool_to_soap(soap, &p, rs->dhcpAddressPool, &k.e);
    return call_end(&k, rc);
}

/* The page of pools rq asks for, on c: the scope restriction (dhcpScopeRef,
 * when given), then the filter and order as listing_run compiles them.  An
 * id ref of the scope is not looked up first: a page with pools says the
 * scope exists (a pool's scope cannot go), and only an empty page or a
 * failure has the ref resolved, whose error then wins as it did when the
 * scope was resolved first. */
static int list_pools(struct store_conn *c,
                      const struct _mm__GetDHCPAddressPools *rq,
                      const char *sort_order, struct store_dhcp_pool **list,
                      size_t *n, long long *total, struct err *e)
{
    char order_by[LISTING_ORDER_BUF];
    struct filter_sql f = {0};
    const char *name = NULL;
    long long scope_id = 0;
    int key = REFS_KEY_NONE, rc = 0;

    if (rq->dhcpScopeRef != NULL && rq->dhcpScopeRef[0] != '\0' &&
        (key = refs_key_of(REF_DHCP_SCOPE, rq->dhcpScopeRef, &scope_id,
                           &name)) != REFS_KEY_ID)
        rc = refs_resolve(c, REF_DHCP_SCOPE, rq->dhcpScopeRef, &scope_id, e);
    if (rc == 0)
        rc = listing_prepare(c, &store_pool_list_spec, REF_DHCP_ADDRESS_POOL,
                             rq->filter, rq->sortBy, sort_order, &f, order_by,
                             sizeof(order_by), e);
    if (rc == 0) {
        rc = store_pool_list(
            c, &f, scope_id, order_by, rq->offset != NULL ? *rq->offset : 0,
            rq->limit != NULL ? *rq->limit : 0, list, n, total, e);
        if (rc == ERR_INVALID) {
            /* PostgreSQL refused a regular expression of the filter */
            struct err pg = *e;
            err_set(e, ERR_INVALID, "filter: %s", pg.msg);
        }
    }
    filter_sql_free(&f);
    if (key == REFS_KEY_ID && (rc != 0 || *n == 0)) {
        struct err scope;
        int src = refs_resolve(c, REF_DHCP_SCOPE, rq->dhcpScopeRef, &scope_id,
                               &scope);

        if (src != 0) {
            free(*list);
            *list = NULL;
            *n = 0;
            *e = scope;
            rc = src;
        }
    }
    return rc;
}

static int get_pools(struct soap *soap, struct _mm__GetDHCPAddressPools *rq,
                     struct _mm__GetDHCPAddressPoolsResponse *rs)
{
    struct store_dhcp_pool *list = NULL;
    struct mm__ArrayOfDHCPAddressPool *arr;
    const char *sort_order = NULL;
    long long total = 0;
    size_t n = 0, i;
    void *items;
    struct call k;
    int rc;

    rc = call_begin_list(&k, soap, rq->session);
    if (rc != 0)
        goto out;
    if (rq->sortOrder != NULL)
        sort_order = soap_mm__SortOrder2s(soap, *rq->sortOrder);
    rc = list_pools(k.c, rq, sort_order, &list, &n, &total, &k.e);
    if (rc != 0)
        goto out;
    arr = convert_list(soap, sizeof(*arr), n, sizeof(*arr->dhcpAddressPool),
                       &items, &k.e);
    rs->dhcpAddressPools = arr;
    if (arr == NULL) {
        rc = ERR_NOMEM; /* convert_list's only failure */
        goto out;
    }
    arr->dhcpAddressPool = items;
    for (i = 0; i < n && rc == 0; i++)
        rc = convert_pool_to_soap(soap, &list[i], &arr->dhcpAddressPool[i],
                                  &k.e);
    arr->__sizedhcpAddressPool = rc == 0 ? (int)n : 0;
    rs->totalResults = convert_total(total);
out:
    free(list);
    return call_end(&k, rc);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(AddDHCPAddressPool, add_pool)
SOAP_ENTRY(GetDHCPAddressPool, get_pool)
SOAP_ENTRY(GetDHCPAddressPools, get_pools)
