/* micetro-emu storage: what a list getter of one object type may filter
 * and sort on.
 *
 * Each storage module of an object type (dhcp_servers.c, ...) exports one
 * struct store_list_spec: the API field names and the SQL expressions
 * behind them.  Handlers compile the caller's filter and sortBy against it
 * (server/emu/listing.c) and hand the result back to the module's list
 * function, which runs it in one statement (store_list_rows in
 * store_list_int.h).
 * The expressions are SQL, so they live here; no caller text ever becomes SQL.
 */
#ifndef MICETRO_STORE_LIST_H
#define MICETRO_STORE_LIST_H

#include <stddef.h>

#include "filter.h"

struct store_list_spec {
    /* fields for filter_compile(): columns compared as filter.h says
     * (text expressions for TEXT fields) */
    const struct filter_field *filter;
    size_t nfilter;
    /* fields for filter_order_by(): the expressions rows are ordered by,
     * which may differ from the filter's (addresses sort as inet, names
     * case-insensitively) */
    const struct filter_field *sort;
    size_t nsort;
    const char *default_sort; /* ORDER BY expression when sortBy is absent */
    const char *tiebreak;     /* unique expression ending every ORDER BY,
                                 so that paging is stable */
};

#endif
