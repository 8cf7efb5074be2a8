/* micetro-emu: the failover commands (see soap_failover.c).
 *
 * What the SOAP handlers and the seed (control_seed.h) share: the check
 * and store of two commands, in the caller's transaction
 * (mutate_call_fn); *id is 0 (relationships have no ref).
 */
#ifndef MICETRO_SOAP_FAILOVER_H
#define MICETRO_SOAP_FAILOVER_H

#include "err.h"

struct soap;
struct store_conn;

/* AddDHCPFailoverRelationship (rq: a struct
 * _mm__AddDHCPFailoverRelationship): a new relationship, with the scopes
 * of its dhcpScopeRefs. */
int soap_failover_add(struct soap *soap, struct store_conn *c,
                      const char *login, const void *rq, long long *id,
                      struct err *e);

/* AddDHCPScopesToDHCPFailoverRelationship (rq: a struct
 * _mm__AddDHCPScopesToDHCPFailoverRelationship): the scopes join, with
 * their partner instances. */
int soap_failover_add_scopes(struct soap *soap, struct store_conn *c,
                             const char *login, const void *rq, long long *id,
                             struct err *e);

#endif
