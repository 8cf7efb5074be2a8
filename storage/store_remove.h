/* micetro-emu storage: removing objects (RemoveObject, RemoveObjects).
 *
 * The foreign keys are ON DELETE RESTRICT: removing an object that still
 * has children (a server's or a range's scopes, a scope's pools) is
 * refused unless forced, and a forced removal deletes the children
 * first (each scope's pools, then the scopes), then the object.  A
 * server's failover relationships count as its children too (forced:
 * removed after its scopes).  A scope instance in a failover relationship
 * takes its partner instance out of the relationship as it goes.  Every
 * object removed, children too, gets a change_log row (action "remove").
 */
#ifndef MICETRO_STORE_REMOVE_H
#define MICETRO_STORE_REMOVE_H

#include "store.h"

/* In the caller's transaction: locks object id of ObjectType ref_type
 * (REF_DHCP_SERVER, REF_RANGE, REF_DHCP_SCOPE, REF_DHCP_ADDRESS_POOL),
 * counts its children and removes it as above, logging each removal for
 * login with comment.  *children (may be NULL) is set to the number of
 * descendants removed with it.  ERR_NOTFOUND when it has gone;
 * ERR_CONFLICT `DHCP scope "x" still has 2 address pools: remove them
 * first or use forceRemoval` when it has children and force is 0;
 * ERR_INVALID for a type that cannot be removed. */
int store_remove(struct store_conn *c, const char *login, int ref_type,
                 long long id, int force, const char *comment,
                 long long *children, struct err *e);

#endif
