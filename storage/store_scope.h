/* micetro-emu storage: DHCP scopes (table dhcp_scopes, migration 004).
 *
 * Plain structs, no gSOAP: the handlers convert (server/emu/convert.c).
 * A scope is an instance on one server of one range: at most one per
 * (server, range).  Its name, often the range's CIDR, is not unique: the
 * instances of a failover scope share it.
 */
#ifndef MICETRO_STORE_DHCP_SCOPES_H
#define MICETRO_STORE_DHCP_SCOPES_H

#include <stddef.h>

#include "failover.h"
#include "store_server.h"
#include "store_list.h"
#include "store_range.h"
#include "store.h"

#define STORE_SCOPE_NAME_MAX 128 /* name: validate_name-safe bytes */
#define STORE_SCOPE_NAME_BUF (STORE_SCOPE_NAME_MAX + 1)
#define STORE_SCOPE_SUPER_BUF 256    /* superscope: 255 bytes */
#define STORE_SCOPE_DESC_BUF 4097    /* description: 4096 bytes */
#define STORE_SCOPE_FAILOVER_BUF 129 /* a relationship name and NUL */

/* One scope instance.  Strings are "" when absent (SQL NULL). */
struct store_dhcp_scope {
    long long id;        /* set by the database */
    long long range_id;  /* the range (subnet) it serves */
    long long server_id; /* the DHCP server it lives on */
    char name[STORE_SCOPE_NAME_BUF];
    char superscope[STORE_SCOPE_SUPER_BUF];
    char description[STORE_SCOPE_DESC_BUF];
    int enabled; /* 0 or 1 */
    /* read only: the failover relationship the instance is in (0, "":
     * none) */
    long long failover_id;
    char failover[STORE_SCOPE_FAILOVER_BUF];
    /* for store_dhcp_scope_add's messages only (not read back): the
     * range's CIDR and the server's name */
    char range_name[STORE_RANGE_CIDR_BUF];
    char server_name[STORE_SERVER_NAME_BUF];
};

/* What GetDHCPScopes filters and sorts on: name, description,
 * superscope (text), enabled (true/false), dhcpServerRef, rangeRef and
 * ref (references resolved to ids); name and description are searched by
 * free-text terms.  Sorting: name (byte order, COLLATE "C": CIDR names
 * of one prefix length in address order per octet width, e.g.
 * 10.0.0.0/24 < 10.0.1.0/24 < 10.10.0.0/24), description, superscope,
 * enabled, ref (creation order); default name; ties by id. */
extern const struct store_list_spec store_scope_list_spec;

/* Locks the failover relationship scope instance scope_id is in (its
 * dhcp_failover row, FOR UPDATE), if any: what a change of the instance
 * or its pools does first, so that every write inside one relationship
 * takes its locks after that one (docs/design.md, lock order).  When the
 * instance joined or left a relationship meanwhile, the lock follows, a
 * few times at most.  0 (also when the instance is in none or has gone)
 * or a negative ERR_*. */
int store_scope_lock_failover(struct store_conn *c, long long scope_id,
                              struct err *e);

/* The partner instance of scope instance scope_id, as
 * failover_partner_instance finds it among the instances of its range:
 * 1 and *partner, 0 when it has none (or has gone), or a negative
 * ERR_*.  Nothing is locked. */
int store_scope_partner(struct store_conn *c, long long scope_id,
                        struct failover_instance *partner, struct err *e);

/* Inserts s (range_id, server_id and name, which the caller validated
 * and resolved; enabled; superscope and description when not "") and
 * sets *id.  ERR_EXISTS `DHCP scope for range "10.0.0.0/24" already
 * exists on server "dhcp1.example."` (from s->range_name and
 * s->server_name) when the server has an instance of the range;
 * ERR_CONFLICT when the range or server has gone. */
int store_scope_add(struct store_conn *c, const struct store_dhcp_scope *s,
                    long long *id, struct err *e);

/* Loads scope id into *out.  ERR_NOTFOUND when there is none. */
int store_scope_get(struct store_conn *c, long long id,
                    struct store_dhcp_scope *out, struct err *e);

/* GetProperties' read of scope id, one statement: the scope into *out,
 * its custom properties into *props (store_prop_list_free) and its
 * unmanaged statements into *statements (malloc'd, NULL when none).
 * ERR_NOTFOUND when there is none. */
int store_scope_show(struct store_conn *c, long long id,
                     struct store_dhcp_scope *out,
                     struct store_prop_list *props, char **statements,
                     struct err *e);

/* 0 when scope id exists, ERR_NOTFOUND when not. */
int store_scope_exists(struct store_conn *c, long long id, struct err *e);

/* One candidate of a lookup by name: the instance and its server. */
struct store_scope_match {
    long long id;
    char server[STORE_SERVER_NAME_BUF];
};

/* Looks scope instances up, by id order, and sets *total to how many
 * there are, filling match[0..min(total, max)):
 *   how STORE_SCOPE_BY_NAME   the scope's name is key
 *       STORE_SCOPE_BY_RANGE  its range's CIDR is key (canonical CIDR);
 *                             server, when not NULL, restricts to the
 *                             server of that name (any case, with or
 *                             without the trailing dot) */
enum store_scope_by { STORE_SCOPE_BY_NAME, STORE_SCOPE_BY_RANGE };
int store_scope_find(struct store_conn *c, enum store_scope_by how,
                     const char *key, const char *server,
                     struct store_scope_match *match, size_t max, size_t *total,
                     struct err *e);

/* One page of scopes, as store_server_list (dhcp_servers.h) does it for
 * servers; free *out with free(). */
int store_scope_list(struct store_conn *c, const struct filter_sql *f,
                     const char *order_by, long long offset, long long limit,
                     struct store_dhcp_scope **out, size_t *count,
                     long long *total, struct err *e);

/* name, superscope, description (NULL when ""), enabled. */
int store_scope_update(struct store_conn *c, const struct store_dhcp_scope *s,
                       struct err *e);

#endif
