/* micetro-emu: the DHCP server handlers (see soap_servers.c).
 *
 * What the SOAP handler and the seed (control_seed.h) share: an Add's
 * check and store, in the caller's transaction (mutate_call_fn).
 */
#ifndef MICETRO_SOAP_SERVERS_H
#define MICETRO_SOAP_SERVERS_H

#include "err.h"

struct soap;
struct store_conn;

/* AddDHCPServer (rq: a struct _mm__AddDHCPServer): the server checked
 * (convert_server_from_soap), inserted with its customProperties
 * (custom_add) and logged. */
int soap_servers_add(struct soap *soap, struct store_conn *c, const char *login,
                     const void *rq, long long *id, struct err *e);

#endif
