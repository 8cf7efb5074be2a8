/* micetro-emu storage: DHCP servers (table dhcp_servers, migration 002).
 *
 * Plain structs, no gSOAP: the handlers convert (server/emu/convert.c).
 * Callers validate values first (server/core/validate.h); the schema's
 * CHECKs only back that up.  A server's name is unique case-insensitively
 * and with or without its trailing dot.
 */
#ifndef MICETRO_STORE_DHCP_SERVERS_H
#define MICETRO_STORE_DHCP_SERVERS_H

#include <stddef.h>

#include "store_list.h"
#include "store_prop.h"
#include "store.h"

#define STORE_SERVER_NAME_BUF 256     /* canonical name: 253 + '.' + NUL */
#define STORE_SERVER_ADDRESS_BUF 16   /* dotted quad and NUL */
#define STORE_SERVER_TYPE_BUF 8       /* "ISC" */
#define STORE_SERVER_STATE_BUF 16     /* "Service Down" */
#define STORE_SERVER_TEXT_BUF 256     /* proxy, username: 255 bytes */
#define STORE_SERVER_MESSAGE_BUF 1024 /* state_message: 1023 bytes */

/* One DHCP server.  Strings are "" when absent (SQL NULL). */
struct store_dhcp_server {
    long long id;                           /* set by the database */
    char name[STORE_SERVER_NAME_BUF];       /* canonical: "dhcp1.example." */
    char address[STORE_SERVER_ADDRESS_BUF]; /* IPv4, "10.0.0.1" */
    int agent_port;                         /* 1..65535; 0: none given */
    char type[STORE_SERVER_TYPE_BUF];       /* "ISC" */
    int enabled;                            /* 0 or 1 */
    char state[STORE_SERVER_STATE_BUF];     /* a DHCPServerState value as
                                               the WSDL spells it */
    char state_message[STORE_SERVER_MESSAGE_BUF]; /* why (11.x) */
    char proxy[STORE_SERVER_TEXT_BUF];
    char username[STORE_SERVER_TEXT_BUF];
    int simulated; /* read only: its file is kept, not pushed (store_sim.h) */
};

/* What GetDHCPServers filters and sorts on: name, address (the IP, without
 * the agent port), type, state (text), enabled (true/false), ref (a
 * reference to a server, resolved to its id); name and address are
 * searched by free-text terms.  Sorting: name (case-insensitive, without
 * the dot), address (numerically), type, state, enabled, ref (creation
 * order); default name. */
extern const struct store_list_spec store_server_list_spec;

/* Inserts s (its name, address, agent_port, type, enabled, proxy,
 * username; the state starts "Unknown") and sets *id.  ERR_EXISTS
 * `DHCP server "dhcp1.example." already exists` when the name is taken. */
int store_server_add(struct store_conn *c, const struct store_dhcp_server *s,
                     long long *id, struct err *e);

/* Loads server id into *out.  ERR_NOTFOUND when there is none. */
int store_server_get(struct store_conn *c, long long id,
                     struct store_dhcp_server *out, struct err *e);

/* 0 when server id exists, ERR_NOTFOUND when not. */
int store_server_exists(struct store_conn *c, long long id, struct err *e);

/* Finds the server called name, compared case-insensitively and with or
 * without one trailing dot; sets *id (may be NULL) and fills *out (may be
 * NULL).  ERR_NOTFOUND when there is none. */
int store_server_find_by_name(struct store_conn *c, const char *name,
                              long long *id, struct store_dhcp_server *out,
                              struct err *e);

/* The key name_key holds for a server called name: name without one
 * trailing dot, to be compared as lower($1) = name_key; into key[len]
 * (STORE_SERVER_NAME_BUF).  0, or -1 when it does not fit. */
int store_server_name_key(const char *name, char *key, size_t len);

/* GetDHCPServer's read, one statement: server id, or the server called
 * name (not NULL: as store_server_find_by_name finds it), into *out with
 * its custom properties into *props (store_prop_list_free).  GetProperties
 * also wants (statements not NULL: by id only) its unmanaged statements,
 * *statements a malloc'd copy to free (NULL when none), and its own OMAPI
 * port, *omapi_port (0: none, the worker's default applies).
 * ERR_NOTFOUND when there is none. */
int store_server_show(struct store_conn *c, long long id, const char *name,
                      struct store_dhcp_server *out,
                      struct store_prop_list *props, char **statements,
                      int *omapi_port, struct err *e);

/* One page of servers, with their custom properties, in one statement: f
 * compiled (first_param 1) and order_by made against
 * store_server_list_spec (server/emu/listing.c does both), offset rows
 * skipped, at most limit returned (0: all).  Sets *out to a malloc'd
 * array of *count servers (NULL when 0) that the caller frees with
 * store_server_list_free, *props to their custom properties
 * (store_prop_list_free) and *total to the number of matches before
 * paging. */
int store_server_list(struct store_conn *c, const struct filter_sql *f,
                      const char *order_by, long long offset, long long limit,
                      struct store_dhcp_server **out, size_t *count,
                      struct store_prop_list *props, long long *total,
                      struct err *e);

/* Frees an array from store_server_list (NULL is fine). */
void store_server_list_free(struct store_dhcp_server *list);

/* name, address, agent_port, enabled.  ERR_EXISTS `DHCP server "x"
 * already exists` when another server has the name.  A new address must
 * then pass store_failover_check_addresses in the same transaction. */
int store_server_update(struct store_conn *c, const struct store_dhcp_server *s,
                        struct err *e);

/* Sets a DHCP server's own OMAPI port (migration 009); 0 removes it (the
 * worker's default applies). */
int store_server_omapi_port_set(struct store_conn *c, long long id, int port,
                                struct err *e);

/* The OMAPI key of server id: its stored one, or key (base64) stored now
 * when it has none; copied into out[len]. */
int store_server_omapi_key(struct store_conn *c, long long id, const char *key,
                           char *out, size_t len, struct err *e);

/* Server id's state (a DHCPServerState name) and why (message, NULL:
 * none); with hash (not NULL), also the file installed and the job
 * generation it carried. */
int store_server_set_state(struct store_conn *c, long long id,
                           const char *state, const char *message,
                           const char *hash, long long generation,
                           struct err *e);

#endif
