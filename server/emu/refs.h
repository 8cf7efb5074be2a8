/* micetro-emu: object references resolved to database ids.
 *
 * Wherever the API takes a reference, the caller may give any of
 *
 *     {#3-#12}          the typed ref our answers carry
 *     dhcpServers/12    the newer "<resource>/<id>" form
 *     dhcp1.example.    a unique name (for servers: with or without the
 *                       trailing dot, any case; for ranges: the CIDR
 *                       "10.0.0.0/24", spelt canonically; for scopes:
 *                       the scope's name, "server:CIDR" for the instance
 *                       on that server, or the range's CIDR, each when it
 *                       names exactly one instance; for address
 *                       pools: the pool's name when exactly one pool has
 *                       it)
 *
 * core/ref.h tells them apart; this module looks them up through storage,
 * one entry per object type in the table of refs.c (servers, ranges,
 * scopes and address pools).  Errors are the
 * caller's mistakes and name the reference as given:
 *
 *     ERR_INVALID   invalid reference "{#3-#x}": expected {#<type>-#<id>}
 *     ERR_INVALID   reference "{#7-#1}" is not a DHCP server
 *     ERR_NOTFOUND  DHCP server "dhcp9.example." does not exist
 *     ERR_CONFLICT  DHCP scope "10.0.0.0/24" is ambiguous: it has 2
 *                   instances, on servers dhcp1.example., dhcp2.example.;
 *                   use "server:CIDR" ... or a {#7-#n} ref
 *
 * and ERR_DB when the database fails.
 */
#ifndef MICETRO_REFS_H
#define MICETRO_REFS_H

#include "err.h"
#include "filter.h"

struct store_conn;

/* Resolves s, given where an object of ObjectType want (enum ref_type) is
 * expected, to the id of an existing object: 0 and *id set, or a negative
 * ERR_* code with e filled as above. */
int refs_resolve(struct store_conn *c, int want, const char *s, long long *id,
                 struct err *e);

/* "DHCP server" for REF_DHCP_SERVER ...; "object" for a type refs.c does
 * not know. */
const char *refs_what(int type);

/* Whether s is a well-formed id ref ({#want-#n} or "<resource>/n") of
 * ObjectType want: 1 and *id set (not looked up), else 0 (names, other
 * types and malformed refs: refs_resolve says what is wrong with them).
 * For handlers that fetch the object with the id directly. */
int refs_id_of(int want, const char *s, long long *id);

/* Fills e with refs_resolve's ERR_NOTFOUND for s of ObjectType type
 * (`DHCP scope "{#7-#9}" does not exist`) and returns ERR_NOTFOUND. */
int refs_not_found(int type, const char *s, struct err *e);

/* Loads the object of ObjectType want that s refers to into obj with
 * get(c, id, obj, e) (a storage getter behind a one-line adapter) and
 * sets *id.  An id ref is not looked up first: get's ERR_NOTFOUND is
 * then refs_resolve's, so the common read is one statement.  Errors are
 * refs_resolve's and get's. */
typedef int (*refs_get_fn)(struct store_conn *c, long long id, void *obj,
                           struct err *e);
int refs_load(struct store_conn *c, int want, const char *s, refs_get_fn get,
              void *obj, long long *id, struct err *e);

/* Context of refs_filter_resolve: the connection, and the ObjectType of
 * the objects being listed (what the field "ref" refers to). */
struct refs_filter_ctx {
    struct store_conn *c;
    int self_type;
};

/* filter_resolve_fn for FILTER_REF fields (ctx: struct refs_filter_ctx):
 * "ref" refers to ctx->self_type, "dhcpServerRef" to a DHCP server,
 * "rangeRef" to a range, "dhcpScopeRef" to a scope. */
int refs_filter_resolve(void *ctx, const struct filter_field *f,
                        const char *value, long long *id, struct err *e);

/* 1 when objects of ObjectType type can be removed and have properties
 * here: DHCPServer, Range, DHCPScope, DHCPAddressPool. */
int refs_served(int type);

/* Resolves s, a ref of any form, to the *type and *id of a served object
 * (RemoveObject, GetProperties, SetProperties).  obj_type (0: not given)
 * must match a typed or resource ref; for a name it says which type to
 * resolve it as.  A name without obj_type is tried as each served type in
 * turn and must name exactly one object (a scope called "10.0.0.0/24"
 * and the range 10.0.0.0/24 are both called that: give objType):
 * ERR_CONFLICT otherwise.  A typed ref of an unserved type is ERR_INVALID
 * "objects of type N cannot be <verb>". */
int refs_resolve_object(struct store_conn *c, int obj_type, const char *s,
                        const char *verb, int *type, long long *id,
                        struct err *e);

#endif
