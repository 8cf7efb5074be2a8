/* micetro-emu: AddRange, GetRanges, GetRange.
 *
 * The pattern of soap_servers.c.  A range is a subnet named by its CIDR;
 * its from/to are derived, and its dhcpScopes are its scope instances,
 * read with it (store_range_extras).
 */
#include "soap_ranges.h"

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

int soap_ranges_add(struct soap *soap, struct store_conn *c, const char *login,
                    const void *rqv, long long *id, struct err *e)
{
    const struct _mm__AddRange *rq = rqv;
    struct store_range g;
    struct add a = {&g, NULL};
    int rc;

    /* discovery: micetro-emu scans no networks; the schedule is ignored */
    if ((rc = convert_range_from_soap(soap, rq->range, &g, e)) != 0 ||
        (rc = mutate_check_comment(rq->saveComment, e)) != 0)
        return rc;
    a.custom = rq->range->customProperties;
    return mutate_insert(c, login, REF_RANGE, g.name, rq->saveComment, insert,
                         &a, id, e);
}

static int add_range(struct soap *soap, struct _mm__AddRange *rq,
                     struct _mm__AddRangeResponse *rs)
{
    return mutate_handle(soap, rq->session, soap_ranges_add, rq, REF_RANGE,
                         &rs->ref);
}

/* What GetRange reads: the range, its scopes and custom properties. */
struct shown {
    struct store_range g;
    struct store_range_extras x;
};

/* store_range_show by id, as a refs_get_fn. */
static int get(struct store_conn *c, long long id, void *obj, struct err *e)
{
    struct shown *s = obj;

    return store_range_show(c, id, NULL, &s->g, &s->x, e);
}

/* store_range_show by name, as a refs_find_fn. */
static int find(struct store_conn *c, const char *name, void *obj,
                long long *id, struct err *e)
{
    struct shown *s = obj;
    int rc = store_range_show(c, 0, name, &s->g, &s->x, e);

    *id = s->g.id;
    return rc;
}

static int get_range(struct soap *soap, struct _mm__GetRange *rq,
                     struct _mm__GetRangeResponse *rs)
{
    struct shown *s;
    size_t at = 0;
    long long id = 0;
    struct call k;
    int rc;

    rc = call_begin(&k, soap, rq->session);
    /* about 4.5 kB: not on a worker's stack */
    if ((s = calloc(1, sizeof(*s))) == NULL && rc == 0)
        rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    if (rc == 0)
        rc = refs_load(k.c, REF_RANGE, rq->rangeRef, get, find, s, &id, &k.e);
    if (rc == 0) {
        rs->range = soap_malloc(soap, sizeof(*rs->range));
        if (rs->range == NULL)
            rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    }
    if (rc == 0)
        rc = convert_range_to_soap(soap, &s->g, s->x.scopes, s->x.nscopes,
                                   rs->range, &k.e);
    if (rc == 0)
        rc = custom_list_soap(soap, &s->x.props, &at, id,
                              &rs->range->customProperties, &k.e);
    if (s != NULL)
        store_range_extras_free(&s->x);
    free(s);
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

/* Fills arr with the n ranges of list, each with its scopes and custom
 * properties from x (range by range, in the order of list). */
static int ranges_to_soap(struct soap *soap, const struct store_range *list,
                          size_t n, const struct store_range_extras *x,
                          struct mm__ArrayOfRange *arr, struct err *e)
{
    size_t i, j = 0, k, at = 0;
    int rc;

    arr->__sizerange = 0;
    arr->range = NULL;
    if (n == 0)
        return 0;
    arr->range = soap_malloc(soap, n * sizeof(*arr->range));
    if (arr->range == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        /* the scopes of list[i]: x->scopes[j..k) */
        for (k = j; k < x->nscopes && x->scopes[k].range_id == list[i].id; k++)
            ;
        rc = convert_range_to_soap(soap, &list[i], x->scopes + j, k - j,
                                   &arr->range[i], e);
        if (rc == 0)
            rc = custom_list_soap(soap, &x->props, &at, list[i].id,
                                  &arr->range[i].customProperties, e);
        if (rc != 0)
            return rc;
        j = k;
    }
    arr->__sizerange = (int)n;
    return 0;
}

/* What the listing_fetch_fn of ranges hands over: the page and its
 * extras. */
struct page {
    struct store_range *list;
    struct store_range_extras x;
};

/* store_range_list as a listing_fetch_fn: out is a struct page. */
static int fetch(struct store_conn *c, const struct filter_sql *f,
                 const char *order_by, long long offset, long long limit,
                 void *out, size_t *count, long long *total, struct err *e)
{
    struct page *p = out;

    return store_range_list(c, f, order_by, offset, limit, &p->list, count,
                            &p->x, total, e);
}

static int get_ranges(struct soap *soap, struct _mm__GetRanges *rq,
                      struct _mm__GetRangesResponse *rs)
{
    struct page p = {0};
    struct listing_page page = {rq->filter, rq->sortBy, NULL, rq->offset,
                                rq->limit};
    long long total = 0;
    size_t n = 0;
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
    rc = listing_run(k.c, &store_range_list_spec, REF_RANGE, &page, fetch, &p,
                     &n, &total, &k.e);
    if (rc != 0)
        goto out;
    /* an empty list is an empty element, never xsi:nil */
    rs->ranges = soap_malloc(soap, sizeof(*rs->ranges));
    if (rs->ranges == NULL) {
        rc = err_set(&k.e, ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = ranges_to_soap(soap, p.list, n, &p.x, rs->ranges, &k.e);
    rs->totalResults = convert_total(total);
out:
    store_range_extras_free(&p.x);
    store_range_list_free(p.list);
    return call_end(&k, rc);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(AddRange, add_range)
SOAP_ENTRY(GetRange, get_range)
SOAP_ENTRY(GetRanges, get_ranges)
