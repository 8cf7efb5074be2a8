/* micetro-emu: custom properties of objects, shared by the handlers.
 *
 * Definitions live in storage/store_prop.c; values are checked with
 * core/propval.h.  Names are matched case-insensitively.  An object shows
 * every property defined for its type: its own value, else the default,
 * else "".  Add and SetProperties refuse an undefined name (`unknown
 * property "x" for a DHCP scope`), a read-only one, a value of the wrong
 * type or outside the list items, and clearing a mandatory one; an Add
 * that carries customProperties (DHCPServer, Range) must give every
 * mandatory property that has no default.
 */
#ifndef MICETRO_SOAP_CUSTOM_H
#define MICETRO_SOAP_CUSTOM_H

#include <stddef.h>

#include "err.h"

struct soap;
struct mm__ArrayOfProperty;
struct store_conn;
struct store_prop_def;
struct store_prop_list;

/* "DHCP servers", "ranges", "DHCP scopes", "DHCP address pools". */
const char *custom_what(int type);

/* The definition in defs[0..n) called name (any case), or NULL. */
const struct store_prop_def *custom_find(const struct store_prop_def *defs,
                                         size_t n, const char *name);

/* A value v for definition d, checked and canonicalised into out[len]
 * (STORE_PROP_VALUE_BUF): "" or NULL clears (out ""), refused for a
 * mandatory property.  read-only is the caller's business. */
int custom_value(const struct store_prop_def *d, const char *v, char *out,
                 size_t len, struct err *e);

/* The customProperties of an Add (in may be NULL) for the new object id of
 * type, checked against the type's definitions and stored, on c inside
 * the add's transaction. */
int custom_add(struct store_conn *c, int type, long long id,
               const struct mm__ArrayOfProperty *in, struct err *e);

/* The customProperties element of object id: the items of l from *at on
 * that are id's (answers walk their objects in the order they were
 * read), *at moved past them; in the request's memory.  *out is NULL
 * (element left out) when it has none: its type has no definitions. */
int custom_list_soap(struct soap *soap, const struct store_prop_list *l,
                     size_t *at, long long id, struct mm__ArrayOfProperty **out,
                     struct err *e);

#endif
