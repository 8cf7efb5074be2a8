/* micetro-emu storage: IP ranges (table ranges, migration 003).
 *
 * Plain structs, no gSOAP: the handlers convert (server/emu/convert.c).
 * A range is a subnet: its CIDR ("10.0.0.0/24", validated with
 * validate_cidr by the caller) is unique and is its name; its first and
 * last addresses are derived from it.
 */
#ifndef MICETRO_STORE_RANGES_H
#define MICETRO_STORE_RANGES_H

#include <stddef.h>

#include "store_list.h"
#include "store_prop.h"
#include "store.h"

#define STORE_RANGE_CIDR_BUF 19   /* "255.255.255.255/32" and NUL */
#define STORE_RANGE_ADDR_BUF 16   /* dotted quad and NUL */
#define STORE_RANGE_TITLE_BUF 256 /* title: 255 bytes */
#define STORE_RANGE_DESC_BUF 4097 /* description: 4096 bytes */
#define STORE_RANGE_TIME_BUF 32   /* "2024-01-31T12:34:56Z" */

/* One range.  Strings are "" when absent (SQL NULL). */
struct store_range {
    long long id;                    /* set by the database */
    char name[STORE_RANGE_CIDR_BUF]; /* the CIDR, canonical */
    char from[STORE_RANGE_ADDR_BUF]; /* first (network) address */
    char to[STORE_RANGE_ADDR_BUF];   /* last (broadcast) address */
    char title[STORE_RANGE_TITLE_BUF];
    char description[STORE_RANGE_DESC_BUF];
    int locked;                         /* 0 or 1 */
    int auto_assign;                    /* 0 or 1 */
    char created[STORE_RANGE_TIME_BUF]; /* UTC, ISO 8601 */
};

/* One scope of a range, for the Range's dhcpScopes. */
struct store_range_scope {
    long long range_id;
    long long scope_id;
    char name[STORE_RANGE_CIDR_BUF + 256]; /* the scope's name */
};

/* What GetRanges filters and sorts on: name (the CIDR text), from, to
 * (addresses as text), title, description, locked, autoAssign, ref; name,
 * title and description are searched by free-text terms.  Sorting: name
 * and from (by the network, numerically: 10.0.0.0/24 before 10.0.1.0/24
 * before 10.10.0.0/24), to (numerically), title, description, locked,
 * autoAssign, ref (creation order); default name. */
extern const struct store_list_spec store_range_list_spec;

/* Inserts r (its name, the CIDR, which the caller validated; locked,
 * auto_assign; title and description when not "") and sets *id.
 * ERR_EXISTS `range "10.0.0.0/24" already exists` when the CIDR is
 * taken. */
int store_range_add(struct store_conn *c, const struct store_range *r,
                    long long *id, struct err *e);

/* Loads range id into *out.  ERR_NOTFOUND when there is none. */
int store_range_get(struct store_conn *c, long long id, struct store_range *out,
                    struct err *e);

/* 0 when range id exists, ERR_NOTFOUND when not. */
int store_range_exists(struct store_conn *c, long long id, struct err *e);

/* Finds the range whose CIDR is cidr (canonical, as validate_cidr
 * accepts it); sets *id (may be NULL) and fills *out (may be NULL).
 * ERR_NOTFOUND when there is none. */
int store_range_find_by_name(struct store_conn *c, const char *cidr,
                             long long *id, struct store_range *out,
                             struct err *e);

/* What answers show of ranges besides their own columns, read in the
 * same statement: the scopes of each range (range by range as the ranges
 * were read, each range's by scope id) and their custom properties. */
struct store_range_extras {
    struct store_range_scope *scopes;
    size_t nscopes;
    struct store_prop_list props;
};

void store_range_extras_free(struct store_range_extras *x);

/* GetRange's read, one statement: range id, or the range whose CIDR is
 * name (not NULL: as store_range_find_by_name finds it), into *out, with
 * its extras into *x (store_range_extras_free).  ERR_NOTFOUND when there
 * is none. */
int store_range_show(struct store_conn *c, long long id, const char *name,
                     struct store_range *out, struct store_range_extras *x,
                     struct err *e);

/* One page of ranges, with their extras into *x, as store_server_list
 * (store_server.h) does it for servers; free *out with
 * store_range_list_free. */
int store_range_list(struct store_conn *c, const struct filter_sql *f,
                     const char *order_by, long long offset, long long limit,
                     struct store_range **out, size_t *count,
                     struct store_range_extras *x, long long *total,
                     struct err *e);

/* Frees an array from store_range_list (NULL is fine). */
void store_range_list_free(struct store_range *list);

/* title, description (NULL when ""), locked, auto_assign. */
int store_range_update(struct store_conn *c, const struct store_range *r,
                       struct err *e);

#endif
