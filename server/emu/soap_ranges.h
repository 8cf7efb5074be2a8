/* micetro-emu: the range handlers (see soap_ranges.c).
 *
 * What the SOAP handler and the seed (control_seed.h) share: an Add's
 * check and store, in the caller's transaction (mutate_call_fn).
 */
#ifndef MICETRO_SOAP_RANGES_H
#define MICETRO_SOAP_RANGES_H

#include "err.h"

struct soap;
struct store_conn;

/* AddRange (rq: a struct _mm__AddRange): the range checked
 * (convert_range_from_soap), inserted with its customProperties
 * (custom_add) and logged. */
int soap_ranges_add(struct soap *soap, struct store_conn *c, const char *login,
                    const void *rq, long long *id, struct err *e);

#endif
