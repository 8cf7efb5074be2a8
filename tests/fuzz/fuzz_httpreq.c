/* Fuzz target: an HTTP request head (server/front/httpreq.c), as the daemon
 * reads one: the head's length in the bytes received, the head parsed
 * (everything received when no empty line ends it), its target routed. */
#include "fuzz.h"
#include "httpreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct httpreq_limits lim = {16384, 64}; /* the daemons' defaults */
    const char *buf = (const char *)data;
    size_t hlen = httpreq_head_len(buf, size);
    struct httpreq r;
    struct err e;

    FUZZ_CHECK(hlen <= size);
    if (httpreq_parse(buf, hlen > 0 ? hlen : size, &lim, &r, &e) != 0)
        return 0;
    FUZZ_CHECK(memchr(r.target, '\0', sizeof(r.target)) != NULL);
    FUZZ_CHECK(r.host[0] == '\0' || httpreq_host_safe(r.host));
    FUZZ_CHECK(r.nheaders <= lim.max_headers && !(r.chunked && r.has_length));
    httpreq_route(r.target);
    return 0;
}
