/* Fuzz target: a request target and a Host value (server/front/httpreq.c),
 * as libmicrohttpd hands them over: the target routed, the value checked
 * before it is echoed into the WSDL. */
#include "fuzz.h"
#include "httpreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);

    enum httpreq_route r = httpreq_route(s);
    FUZZ_CHECK(r == HTTPREQ_OTHER || r == HTTPREQ_SOAP || r == HTTPREQ_WSDL);
    if (httpreq_host_safe(s))
        FUZZ_CHECK(strpbrk(s, "<>&\"' /") == NULL);
    free(s);
    return 0;
}
