/* micetro-emu storage: SetProperties' writes (UPDATE of one row).
 *
 * Each function writes the settable columns of an object the caller
 * loaded (store_*_get), changed and validated, inside the caller's
 * transaction, and bumps its updated time.  ERR_NOTFOUND when the row
 * has gone.
 */
#ifndef MICETRO_STORE_UPDATE_H
#define MICETRO_STORE_UPDATE_H

#include "store_pool.h"
#include "store_scope.h"
#include "store_server.h"
#include "store_range.h"
#include "store.h"

/* name, address, agent_port, enabled.  ERR_EXISTS `DHCP server "x"
 * already exists` when another server has the name. */
int store_server_update(struct store_conn *c,
                        const struct store_dhcp_server *s, struct err *e);

/* title, description (NULL when ""), locked, auto_assign. */
int store_range_update(struct store_conn *c, const struct store_range *r,
                       struct err *e);

/* name, superscope, description (NULL when ""), enabled. */
int store_scope_update(struct store_conn *c, const struct store_dhcp_scope *s,
                       struct err *e);

/* name (NULL when ""), from, to.  Locks the scope row first, as
 * store_pool_add does, and refuses (ERR_CONFLICT, the message of
 * store_pool_add, from p->scope_name) a from..to overlapping another pool
 * of the scope. */
int store_pool_update(struct store_conn *c, const struct store_dhcp_pool *p,
                      struct err *e);

/* The unmanaged statements of DHCP server or scope id (type REF_DHCP_SERVER
 * or REF_DHCP_SCOPE): *text a malloc'd copy (the caller frees it), NULL
 * when there are none.  ERR_NOTFOUND when the object has gone. */
int store_statements_get(struct store_conn *c, int type, long long id,
                         char **text, struct err *e);

/* Sets them (NULL or "": none), in the caller's transaction; the caller
 * checked them (render_check_statements).  The trigger of migration 008
 * queues the server's configuration. */
int store_statements_set(struct store_conn *c, int type, long long id,
                         const char *text, struct err *e);

/* A DHCP server's own OMAPI port (migration 009): *port 0 when it has
 * none (the worker's default applies); set 0 to remove it. */
int store_server_omapi_port_get(struct store_conn *c, long long id, int *port,
                                struct err *e);
int store_server_omapi_port_set(struct store_conn *c, long long id, int port,
                                struct err *e);

#endif
