/* micetro-emu: the filter, sortBy and sortOrder of a list getter, checked
 * and compiled for storage.
 *
 * Every Get<Objects> handler does
 *
 *     rc = listing_prepare(c, &store_server_list_spec, REF_DHCP_SERVER,
 *                       rq->filter, rq->sortBy, sort_order, &f,
 *                       order_by, sizeof(order_by), &e);
 *     if (rc == 0)
 *         rc = store_server_list(c, &f, order_by, offset, limit, ...);
 *     filter_sql_free(&f);
 *
 * so that filtering, counting, sorting and paging all happen in one SQL
 * statement.
 */
#ifndef MICETRO_LISTING_H
#define MICETRO_LISTING_H

#include <stddef.h>

#include "err.h"
#include "filter.h"
#include "store_list.h" /* storage: struct store_list_spec */

struct store_conn;

/* Room for any ORDER BY clause listing_prepare writes. */
#define LISTING_ORDER_BUF 256

/* Compiles filter (NULL or blank: everything) against spec->filter with
 * placeholders from $1, resolving reference values (ref, dhcpServerRef
 * ...) through c; self_type is the ObjectType of the listed objects.
 * Writes "ORDER BY ..." for sort_by (NULL: spec->default_sort) and
 * sort_order ("Ascending", "Descending", NULL) into order_by.  Returns 0
 * with *f to free with filter_sql_free, or a negative ERR_* code (*f
 * zeroed): ERR_INVALID for a malformed filter (saying where), an unknown
 * field or sortBy; ERR_NOTFOUND for a reference that names nothing. */
int listing_prepare(struct store_conn *c, const struct store_list_spec *spec,
                    int self_type, const char *filter, const char *sort_by,
                    const char *sort_order, struct filter_sql *f,
                    char *order_by, size_t len, struct err *e);

/* One page of a list getter: the caller's page (offset, limit: NULL or
 * 0 as Micetro means them) and its order and filter. */
struct listing_page {
    const char *filter;
    const char *sort_by;
    const char *sort_order; /* "Ascending", "Descending" or NULL */
    const unsigned int *offset;
    const unsigned int *limit;
};

/* A storage list function such as store_scope_list behind a one-line
 * adapter, which fills out: what the handler handed listing_run (the
 * address of its array, or of a struct with the rows and what comes with
 * them), the caller freeing what the adapter allocated. */
typedef int (*listing_fetch_fn)(struct store_conn *c,
                                const struct filter_sql *f,
                                const char *order_by, long long offset,
                                long long limit, void *out, size_t *count,
                                long long *total, struct err *e);

/* listing_prepare, then fetch with the page and out, on c: sets *count
 * and *total.  A regular expression PostgreSQL refuses is
 * ERR_INVALID "filter: ...". */
int listing_run(struct store_conn *c, const struct store_list_spec *spec,
                int self_type, const struct listing_page *page,
                listing_fetch_fn fetch, void *out, size_t *count,
                long long *total, struct err *e);

#endif
