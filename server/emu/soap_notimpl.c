/* micetro-emu: operations the WSDL declares whose handlers are not written
 * yet.  Each checks the session like every operation, then answers a
 * Client fault "<Op> is not implemented yet".  ops.def lists them. */
#include "soapH.h"

#include "call.h"

#define NOTIMPL_0(name)                                                        \
    int __mm__##name(struct soap *soap, struct _mm__##name *rq,                \
                     struct _mm__##name##Response *rs)                         \
    {                                                                          \
        struct call k;                                                         \
        int rc = call_begin(&k, soap, rq->session);                            \
                                                                               \
        (void)rs;                                                              \
        if (rc == 0)                                                           \
            rc = err_set(&k.e, ERR_NOTIMPL, "%s is not implemented yet",       \
                         #name);                                               \
        return call_end(&k, rc);                                               \
    }                                                                          \
    int __mm__##name##_(struct soap *soap, struct _mm__##name *rq,             \
                        struct _mm__##name##Response *rs)                      \
    {                                                                          \
        return __mm__##name(soap, rq, rs);                                     \
    }
#define NOTIMPL_1(name)
#define OP(name, served) NOTIMPL_##served(name)
#include "ops.def"
#undef OP
