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

/* What s names where an object of ObjectType want is expected, told
 * without the database: REFS_KEY_ID for an id ref (*id set), REFS_KEY_NAME
 * for a name that one object of want may carry as its own (a server's
 * host name, a range's canonical CIDR; *name points into s), and
 * REFS_KEY_NONE for anything else: a malformed ref, one of another type,
 * a name no such object can have, and the names of scopes and pools, which
 * take refs_resolve's rules.  For reads that look the object up by the
 * key in the statement that reads it; refs_resolve says what is wrong
 * with a ref such a read does not find. */
enum { REFS_KEY_NONE, REFS_KEY_ID, REFS_KEY_NAME };
int refs_key_of(int want, const char *s, long long *id, const char **name);

/* Loads the object of ObjectType want that s refers to into obj and sets
 * *id: get(c, id, obj, e) for an id ref and find(c, name, obj, &id, e)
 * for a name refs_key_of gives (storage readers behind one-line
 * adapters; find may be NULL), neither looked up first, so the common
 * read is one statement; a name of another kind is resolved first and
 * then read with get.  get's and find's ERR_NOTFOUND is refs_resolve's;
 * the other errors are refs_resolve's, get's and find's. */
typedef int (*refs_get_fn)(struct store_conn *c, long long id, void *obj,
                           struct err *e);
typedef int (*refs_find_fn)(struct store_conn *c, const char *name, void *obj,
                            long long *id, struct err *e);
int refs_load(struct store_conn *c, int want, const char *s, refs_get_fn get,
              refs_find_fn find, void *obj, long long *id, struct err *e);

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

/* refs_resolve_object's checks of an id ref, without the database: 1 with
 * *type and *id set when s is an id ref that refs_resolve_object would
 * look up (a read finding nothing answers refs_not_found(*type, s)), 0
 * when s is a name, or its negative ERR_* for any other ref. */
int refs_object_key(int obj_type, const char *s, const char *verb, int *type,
                    long long *id, struct err *e);

#endif
