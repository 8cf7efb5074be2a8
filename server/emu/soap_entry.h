/* micetro-emu: the gSOAP entry points of a served operation.
 *
 * gSOAP declares each operation twice, __mm__Op for the SOAP 1.1 binding
 * and __mm__Op_ for the SOAP 1.2 one, and dispatches by element name, so
 * both lead to the same handler:  SOAP_ENTRY(GetRange, get_range)
 */
#ifndef MICETRO_SOAP_ENTRY_H
#define MICETRO_SOAP_ENTRY_H

#define SOAP_ENTRY(op, handler)                                                \
    int __mm__##op(struct soap *soap, struct _mm__##op *rq,                    \
                   struct _mm__##op##Response *rs)                             \
    {                                                                          \
        return handler(soap, rq, rs);                                          \
    }                                                                          \
    int __mm__##op##_(struct soap *soap, struct _mm__##op *rq,                 \
                      struct _mm__##op##Response *rs)                          \
    {                                                                          \
        return handler(soap, rq, rs);                                          \
    }

#endif
