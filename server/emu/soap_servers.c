/* micetro-emu: AddDHCPServer, GetDHCPServers, GetDHCPServer.
 *
 * The pattern of every object handler (call.h):
 *   1. call_begin: the call's one connection, the session checked on it;
 *   2. check and convert the caller's values (convert.c): any mistake
 *      is a Client fault before anything is written;
 *   3. the work on the call's connection, a mutation in one transaction
 *      holding the change and its change_log row (mutate.h);
 *   4. convert the answer into the request's memory;
 *   5. call_end: the connection back, every error a fault (fault.c:
 *      Client for the caller's mistakes, Server for ours).
 */

#include "soap_servers.h"

#include <stdlib.h>

#include "soapH.h"

#include "soap_entry.h"

#include "app.h"
#include "call.h"
#include "ref.h"
#include "validate.h"
#include "store_server.h"
#include "store_prop.h"
#include "listing.h"
#include "mutate.h"
#include "refs.h"
#include "convert.h"
#include "custom.h"
#include "store.h"

static int profile11(struct soap *soap)
{
    return app_of(soap)->cfg->profile == PROFILE_11;
}

/* What an add inserts: the server and its customProperties. */
struct add {
    const struct store_dhcp_server *server;
    const struct mm__ArrayOfProperty *custom;
};

/* store_server_add and custom_add as a mutate_insert_fn. */
static int insert(struct store_conn *c, const void *obj, long long *id,
                  struct err *e)
{
    const struct add *a = obj;
    int rc = store_server_add(c, a->server, id, e);

    return rc != 0 ? rc : custom_add(c, REF_DHCP_SERVER, *id, a->custom, e);
}

int soap_servers_add(struct soap *soap, struct store_conn *c, const char *login,
                     const void *rqv, long long *id, struct err *e)
{
    const struct _mm__AddDHCPServer *rq = rqv;
    struct store_dhcp_server s;
    struct add a = {&s, NULL};
    int rc;

    if ((rc = convert_server_from_soap(soap, rq->dhcpServer, &s, e)) != 0 ||
        (rc = mutate_check_comment(rq->saveComment, e)) != 0)
        return rc;
    a.custom = rq->dhcpServer->customProperties;
    return mutate_insert(c, login, REF_DHCP_SERVER, s.name, rq->saveComment,
                         insert, &a, id, e);
}

static int add_server(struct soap *soap, struct _mm__AddDHCPServer *rq,
                      struct _mm__AddDHCPServerResponse *rs)
{
    return mutate_handle(soap, rq->session, soap_servers_add, rq,
                         REF_DHCP_SERVER, &rs->ref);
}

/* What GetDHCPServer reads: the server and its custom properties. */
struct shown {
    struct store_dhcp_server s;
    struct store_prop_list props;
};

/* store_server_show by id, as a refs_get_fn. */
static int get(struct store_conn *c, long long id, void *obj, struct err *e)
{
    struct shown *x = obj;

    return store_server_show(c, id, NULL, &x->s, &x->props, NULL, NULL, e);
}

/* store_server_show by name, as a refs_find_fn. */
static int find(struct store_conn *c, const char *name, void *obj,
                long long *id, struct err *e)
{
    struct shown *x = obj;
    int rc = store_server_show(c, 0, name, &x->s, &x->props, NULL, NULL, e);

    *id = x->s.id;
    return rc;
}

static int get_server(struct soap *soap, struct _mm__GetDHCPServer *rq,
                      struct _mm__GetDHCPServerResponse *rs)
{
    struct shown x = {0};
    size_t at = 0;
    long long id = 0;
    struct call k;
    int rc;

    rc = call_begin(&k, soap, rq->session);
    if (rc == 0)
        rc = refs_load(k.c, REF_DHCP_SERVER, rq->dhcpServerRef, get, find, &x,
                       &id, &k.e);
    if (rc == 0) {
        rs->dhcpServer = soap_malloc(soap, sizeof(*rs->dhcpServer));
        if (rs->dhcpServer == NULL)
            rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    }
    if (rc == 0)
        rc = convert_server_to_soap(soap, &x.s, profile11(soap), rs->dhcpServer,
                                    &k.e);
    if (rc == 0)
        rc = custom_list_soap(soap, &x.props, &at, id,
                              &rs->dhcpServer->customProperties, &k.e);
    if (rc == 0)
        rc = convert_server_simulated(soap, &x.s, rs->dhcpServer, &k.e);
    store_prop_list_free(&x.props);
    return call_end(&k, rc);
}

/* What a listing_fetch_fn of servers hands over: the page and their
 * custom properties. */
struct page {
    struct store_dhcp_server *list;
    struct store_prop_list props;
};

/* store_server_list as a listing_fetch_fn: out is a struct page. */
static int fetch(struct store_conn *c, const struct filter_sql *f,
                 const char *order_by, long long offset, long long limit,
                 void *out, size_t *count, long long *total, struct err *e)
{
    struct page *p = out;

    return store_server_list(c, f, order_by, offset, limit, &p->list, count,
                             &p->props, total, e);
}

static int get_servers(struct soap *soap, struct _mm__GetDHCPServers *rq,
                       struct _mm__GetDHCPServersResponse *rs)
{
    struct page p = {0};
    struct mm__ArrayOfDHCPServer *arr;
    struct listing_page page = {rq->filter, rq->sortBy, NULL, rq->offset,
                                rq->limit};
    long long total = 0;
    size_t n = 0, i, at = 0;
    void *items;
    struct call k;
    int rc;

    rc = call_begin_list(&k, soap, rq->session);
    if (rc != 0)
        goto out;
    if (rq->sortOrder != NULL)
        page.sort_order = soap_mm__SortOrder2s(soap, *rq->sortOrder);
    rc = listing_run(k.c, &store_server_list_spec, REF_DHCP_SERVER, &page,
                     fetch, &p, &n, &total, &k.e);
    if (rc != 0)
        goto out;
    arr = convert_list(soap, sizeof(*arr), n, sizeof(*arr->dhcpServer), &items,
                       &k.e);
    rs->dhcpServers = arr;
    if (arr == NULL) {
        rc = ERR_NOMEM; /* convert_list's only failure */
        goto out;
    }
    arr->dhcpServer = items;
    for (i = 0; i < n; i++) {
        rc = convert_server_to_soap(soap, &p.list[i], profile11(soap),
                                    &arr->dhcpServer[i], &k.e);
        if (rc == 0)
            rc = custom_list_soap(soap, &p.props, &at, p.list[i].id,
                                  &arr->dhcpServer[i].customProperties, &k.e);
        if (rc == 0)
            rc = convert_server_simulated(soap, &p.list[i], &arr->dhcpServer[i],
                                          &k.e);
        if (rc != 0)
            goto out;
    }
    arr->__sizedhcpServer = (int)n;
    rs->totalResults = convert_total(total);
out:
    store_prop_list_free(&p.props);
    store_server_list_free(p.list);
    return call_end(&k, rc);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(AddDHCPServer, add_server)
SOAP_ENTRY(GetDHCPServer, get_server)
SOAP_ENTRY(GetDHCPServers, get_servers)
