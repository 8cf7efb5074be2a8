/* micetro-emu: list getters' filter and order, compiled (see listing.h). */
#include "listing.h"

#include <stdlib.h>
#include <string.h>

#include "store_prop.h"
#include "refs.h"

int listing_prepare(struct store_conn *c, const struct store_list_spec *spec,
                    int self_type, const char *filter, const char *sort_by,
                    const char *sort_order, struct filter_sql *f,
                    char *order_by, size_t len, struct err *e)
{
    struct refs_filter_ctx ctx = {c, self_type};
    struct filter_field *custom = NULL, *all = NULL;
    size_t ncustom = 0;
    int rc;

    /* the order first: it needs no database */
    rc = filter_order_by(sort_by, sort_order, spec->sort, spec->nsort,
                         spec->default_sort, spec->tiebreak, order_by, len, e);
    if (rc != 0) {
        memset(f, 0, sizeof(*f));
        return rc;
    }
    /* custom properties are fields too, after the built-in ones (which win
     * a name they share): looked up only for a filter that names a field
     * of neither kind, which is compiled again with them.  So a filter of
     * built-in fields needs no statement of its own, and any other
     * compiles as if they had been there from the start (the built-in
     * fields come first either way). */
    rc = filter_compile(filter, spec->filter, spec->nfilter, 1,
                        refs_filter_resolve, &ctx, f, e);
    if (rc != ERR_INVALID || !refs_served(self_type) ||
        strncmp(e->msg, FILTER_UNKNOWN_FIELD, strlen(FILTER_UNKNOWN_FIELD)) !=
            0)
        return rc;
    rc = store_prop_filter_fields(c, self_type, spec->tiebreak, &custom,
                                  &ncustom, e);
    if (rc == 0 && ncustom > 0 &&
        (all = malloc((spec->nfilter + ncustom) * sizeof(*all))) == NULL)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (rc == 0) {
        if (all != NULL) {
            memcpy(all, spec->filter, spec->nfilter * sizeof(*all));
            memcpy(all + spec->nfilter, custom, ncustom * sizeof(*all));
        }
        rc = filter_compile(filter, all != NULL ? all : spec->filter,
                            spec->nfilter + ncustom, 1, refs_filter_resolve,
                            &ctx, f, e);
    }
    free(all);
    free(custom);
    return rc;
}

int listing_run(struct store_conn *c, const struct store_list_spec *spec,
                int self_type, const struct listing_page *page,
                listing_fetch_fn fetch, void *out, size_t *count,
                long long *total, struct err *e)
{
    char order_by[LISTING_ORDER_BUF];
    struct filter_sql f = {0};
    int rc;

    *count = 0;
    *total = 0;
    rc = listing_prepare(c, spec, self_type, page->filter, page->sort_by,
                         page->sort_order, &f, order_by, sizeof(order_by), e);
    if (rc == 0) {
        rc = fetch(c, &f, order_by, page->offset != NULL ? *page->offset : 0,
                   page->limit != NULL ? *page->limit : 0, out, count, total,
                   e);
        if (rc == ERR_INVALID) {
            /* PostgreSQL refused a regular expression of the filter */
            struct err pg = *e;
            err_set(e, ERR_INVALID, "filter: %s", pg.msg);
        }
    }
    filter_sql_free(&f);
    return rc;
}
