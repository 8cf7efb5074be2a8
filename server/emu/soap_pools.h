/* micetro-emu: the DHCP address pool handlers (see soap_pools.c).
 *
 * What the SOAP handler and the seed (control_seed.h) share: an Add's
 * check and store, in the caller's transaction (mutate_call_fn).
 */
#ifndef MICETRO_SOAP_POOLS_H
#define MICETRO_SOAP_POOLS_H

#include "err.h"

struct soap;
struct store_conn;

/* AddDHCPAddressPool (rq: a struct _mm__AddDHCPAddressPool): the pool
 * checked (convert_pool_from_soap, inside its scope's range), inserted
 * after the overlap check, mirrored to a failover partner instance, and
 * logged. */
int soap_pools_add(struct soap *soap, struct store_conn *c, const char *login,
                   const void *rq, long long *id, struct err *e);

#endif
