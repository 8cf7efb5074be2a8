/* micetro-emu: the DHCP scope handlers (see soap_scopes.c).
 *
 * What the SOAP handler and the seed (control_seed.h) share: an Add's
 * check and store, in the caller's transaction (mutate_call_fn).
 */
#ifndef MICETRO_SOAP_SCOPES_H
#define MICETRO_SOAP_SCOPES_H

#include "err.h"

struct soap;
struct store_conn;

/* AddDHCPScope (rq: a struct _mm__AddDHCPScope): the scope checked
 * (convert_scope_from_soap), its rangeRef and dhcpServerRef resolved,
 * inserted and logged; with dhcpFailoverRelationshipName, a member of that
 * relationship of its server with its partner instance. */
int soap_scopes_add(struct soap *soap, struct store_conn *c, const char *login,
                    const void *rq, long long *id, struct err *e);

#endif
