/* micetro-emu: AddRange, GetRanges, GetRange.
 *
 * The pattern of soap_servers.c.  A range is a subnet named by its CIDR;
 * its from/to are derived, and its dhcpScopes come from
 * store_range_scopes (none until the scopes slice).
 */
#include <stdlib.h>

#include "soapH.h"

#include "soap_entry.h"

#include "call.h"
#include "ref.h"
#include "validate.h"
#include "listing.h"
#include "mutate.h"
#include "store_range.h"
#include "refs.h"
#include "convert.h"
#include "custom.h"
#include "store.h"

/* What an add inserts: the range and its customProperties. */
struct add {
    const struct store_range *range;
    const struct mm__ArrayOfProperty *custom;
};

/* store_range_add and custom_add as a mutate_insert_fn. */
static int insert(struct store_conn *c, const void *obj, long long *id,
                  struct err *e)
{
    const struct add *a = obj;
    int rc = store_range_add(c, a->range, id, e);

    return rc != 0 ? rc : custom_add(c, REF_RANGE, *id, a->custom, e);
}

static int add_range(struct soap *soap, struct _mm__AddRange *rq,
                     struct _mm__AddRangeResponse *rs)
{
    struct store_range g;
    struct add a = {&g, NULL};
    long long id = 0;
    struct call k;
    int rc;

    rc = call_begin(&k, soap, rq->session);
    /* discovery: micetro-emu scans no networks; the schedule is ignored */
    if (rc == 0)
        rc = convert_range_from_soap(soap, rq->range, &g, &k.e);
    if (rc == 0)
        rc = mutate_check_comment(rq->saveComment, &k.e);
    if (rc == 0) {
        a.custom = rq->range->customProperties;
        rc = mutate_add(&k, REF_RANGE, g.name, rq->saveComment, insert, &a,
                        &id);
    }
    return call_end_ref(&k, rc, REF_RANGE, id, &rs->ref);
}

/* store_range_get as a refs_get_fn. */
static int get(struct store_conn *c, long long id, void *obj, struct err *e)
{
    return store_range_get(c, id, obj, e);
}

static int get_range(struct soap *soap, struct _mm__GetRange *rq,
                     struct _mm__GetRangeResponse *rs)
{
    struct store_range_scope *scopes = NULL;
    struct custom_list cl = {0};
    struct store_range g;
    size_t nscopes = 0;
    long long id = 0;
    struct call k;
    int rc;

    rc = call_begin(&k, soap, rq->session);
    if (rc == 0)
        rc = refs_load(k.c, REF_RANGE, rq->rangeRef, get, &g, &id, &k.e);
    if (rc == 0)
        rc = store_range_scopes(k.c, &id, 1, &scopes, &nscopes, &k.e);
    if (rc == 0)
        rc = custom_list_load(k.c, REF_RANGE, &id, 1, &cl, &k.e);
    if (rc == 0) {
        rs->range = soap_malloc(soap, sizeof(*rs->range));
        if (rs->range == NULL)
            rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    }
    if (rc == 0)
        rc = convert_range_to_soap(soap, &g, scopes, nscopes, rs->range, &k.e);
    if (rc == 0)
        rc = custom_list_soap(soap, &cl, id, &rs->range->customProperties,
                              &k.e);
    custom_list_free(&cl);
    free(scopes);
    return call_end(&k, rc);
}

/* GetRanges' container parameters: none exists in micetro-emu. */
static int refuse_container(const char *v, const char *field, struct err *e)
{
    if (v != NULL && v[0] != '\0')
        return err_set(e, ERR_NOTIMPL,
                       "%s is not supported: micetro-emu has no folders, "
                       "AD sites or cloud networks",
                       field);
    return 0;
}

/* Fills arr with the n ranges of list, each with its scopes (scopes is
 * ordered by range_id as store_range_scopes promises). */
static int ranges_to_soap(struct soap *soap, const struct store_range *list,
                          size_t n, const struct store_range_scope *scopes,
                          size_t nscopes, const struct custom_list *cl,
                          struct mm__ArrayOfRange *arr, struct err *e)
{
    size_t i, j, k;
    int rc;

    arr->__sizerange = 0;
    arr->range = NULL;
    if (n == 0)
        return 0;
    arr->range = soap_malloc(soap, n * sizeof(*arr->range));
    if (arr->range == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        /* the scopes of list[i]: scopes[j..k) */
        for (j = 0; j < nscopes && scopes[j].range_id != list[i].id; j++)
            ;
        for (k = j; k < nscopes && scopes[k].range_id == list[i].id; k++)
            ;
        rc = convert_range_to_soap(soap, &list[i], scopes + j, k - j,
                                   &arr->range[i], e);
        if (rc == 0)
            rc = custom_list_soap(soap, cl, list[i].id,
                                  &arr->range[i].customProperties, e);
        if (rc != 0)
            return rc;
    }
    arr->__sizerange = (int)n;
    return 0;
}

/* store_range_list as a listing_fetch_fn. */
static int fetch(struct store_conn *c, const struct filter_sql *f,
                 const char *order_by, long long offset, long long limit,
                 void **out, size_t *count, long long *total, struct err *e)
{
    struct store_range *list = NULL;
    int rc = store_range_list(c, f, order_by, offset, limit, &list, count,
                              total, e);

    *out = list;
    return rc;
}

static int get_ranges(struct soap *soap, struct _mm__GetRanges *rq,
                      struct _mm__GetRangesResponse *rs)
{
    struct store_range *list = NULL;
    struct store_range_scope *scopes = NULL;
    struct custom_list cl = {0};
    long long *ids = NULL;
    struct listing_page page = {rq->filter, rq->sortBy, NULL, rq->offset,
                                rq->limit};
    long long total = 0;
    size_t n = 0, nscopes = 0, i;
    void *rows = NULL;
    struct call k;
    int rc;

    if ((rc = call_begin_list(&k, soap, rq->session)) != 0 ||
        (rc = refuse_container(rq->folderRef, "folderRef", &k.e)) != 0 ||
        (rc = refuse_container(rq->adSiteRef, "adSiteRef", &k.e)) != 0 ||
        (rc = refuse_container(rq->cloudNetworkRef, "cloudNetworkRef", &k.e)) !=
            0)
        goto out;
    if (rq->sortOrder != NULL)
        page.sort_order = soap_mm__SortOrder2s(soap, *rq->sortOrder);
    rc = listing_run(k.c, &store_range_list_spec, REF_RANGE, &page, fetch,
                     &rows, &n, &total, &k.e);
    list = rows;
    if (rc == 0 && n > 0) {
        ids = malloc(n * sizeof(*ids));
        if (ids == NULL)
            rc = err_set(&k.e, ERR_NOMEM, "out of memory");
        for (i = 0; rc == 0 && i < n; i++)
            ids[i] = list[i].id;
        if (rc == 0)
            rc = store_range_scopes(k.c, ids, n, &scopes, &nscopes, &k.e);
        if (rc == 0)
            rc = custom_list_load(k.c, REF_RANGE, ids, n, &cl, &k.e);
    }
    if (rc != 0)
        goto out;
    /* an empty list is an empty element, never xsi:nil */
    rs->ranges = soap_malloc(soap, sizeof(*rs->ranges));
    if (rs->ranges == NULL) {
        rc = err_set(&k.e, ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = ranges_to_soap(soap, list, n, scopes, nscopes, &cl, rs->ranges, &k.e);
    rs->totalResults = convert_total(total);
out:
    custom_list_free(&cl);
    free(ids);
    free(scopes);
    store_range_list_free(list);
    return call_end(&k, rc);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(AddRange, add_range)
SOAP_ENTRY(GetRange, get_range)
SOAP_ENTRY(GetRanges, get_ranges)
