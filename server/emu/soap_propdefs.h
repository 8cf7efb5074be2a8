/* micetro-emu: the property definition handlers (see soap_propdefs.c).
 *
 * What the SOAP handler and the seed (control_seed.h) share: an Add's
 * check and store, in the caller's transaction (mutate_call_fn).
 */
#ifndef MICETRO_SOAP_PROPDEFS_H
#define MICETRO_SOAP_PROPDEFS_H

#include "err.h"

struct soap;
struct store_conn;

/* AddPropertyDefinition (rq: a struct _mm__AddPropertyDefinition): the
 * definition checked, stored and logged; *id is 0 (definitions have no
 * ref). */
int soap_propdefs_add(struct soap *soap, struct store_conn *c,
                      const char *login, const void *rq, long long *id,
                      struct err *e);

#endif
