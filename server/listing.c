/* micetro-emu: list getters' filter and order, compiled (see listing.h). */
#include "listing.h"

#include <string.h>

#include "refs.h"

int listing_prepare(struct store_conn *c, const struct store_list_spec *spec,
                    int self_type, const char *filter, const char *sort_by,
                    const char *sort_order, struct filter_sql *f,
                    char *order_by, size_t len, struct err *e)
{
    struct refs_filter_ctx ctx = {c, self_type};
    int rc;

    /* the order first: it needs no database */
    rc = filter_order_by(sort_by, sort_order, spec->sort, spec->nsort,
                         spec->default_sort, spec->tiebreak, order_by, len, e);
    if (rc != 0) {
        memset(f, 0, sizeof(*f));
        return rc;
    }
    return filter_compile(filter, spec->filter, spec->nfilter, 1,
                          refs_filter_resolve, &ctx, f, e);
}
