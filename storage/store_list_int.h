/* micetro-emu storage: the list statement of store_list.c, for the storage
 * modules that list their rows (store_server.c, ...).  Not for server
 * code, as store_int.h: its rows come through libpq's PGresult. */
#ifndef MICETRO_STORE_LIST_INT_H
#define MICETRO_STORE_LIST_INT_H

#include <stddef.h>

#include "store_int.h"

struct filter_sql;

/* One page of a list getter in one statement:
 *
 *     SELECT <columns>, (SELECT count(*) FROM <from> WHERE <f->where>)
 *     FROM <from> WHERE <key> IN (SELECT <key> FROM <from>
 *         WHERE <f->where> <order_by> LIMIT $n OFFSET $n+1) <order_by>
 *
 * (key: the unique expression of a row, the spec's tiebreak; so the
 * columns are computed for the page's rows only)
 * with f's values as $1..$k (f compiled with first_param 1, see
 * server/emu/listing.c) and order_by from filter_order_by() over the module's
 * store_list_spec, so no caller text is ever part of the SQL.  limit 0
 * means all rows; offset and limit must be >= 0.  *total is the number of
 * matching rows before paging: read from the last column, or, when the
 * page is empty past the end, by a second SELECT count(*).  Each row
 * (columns 0.. of `columns`) is read through row_fn into a calloc'd array
 * of *count elements of elem bytes (NULL when 0) handed over in *out,
 * which the caller frees with free(), then more (may be NULL).  On failure
 * returns a negative ERR_* code, *out NULL, *count 0. */
int store_list_rows(struct store_conn *c, const char *columns, const char *from,
                    const char *key, const struct filter_sql *f,
                    const char *order_by, long long offset, long long limit,
                    size_t elem, store_row_fn row_fn,
                    const struct store_more *more, void **out, size_t *count,
                    long long *total, struct err *e);

#endif
