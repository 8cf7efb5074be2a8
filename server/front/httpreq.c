/* micetro-emu front: request targets and Host values (see httpreq.h). */
#include "httpreq.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

int httpreq_host_safe(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && strchr(".-_:[]", *s) == NULL)
            return 0;
    }
    return 1;
}

enum httpreq_route httpreq_route(const char *target)
{
    static const char path[] = "/_mmwebext/mmwebext.dll";
    const size_t plen = sizeof(path) - 1;
    const char *q;

    if (strncasecmp(target, path, plen) != 0)
        return HTTPREQ_OTHER;
    q = target + plen;
    if (*q == '\0')
        return HTTPREQ_SOAP;
    if (*q != '?')
        return HTTPREQ_OTHER;
    q++;
    /* "?verb" then "?key=value" (or "&key=value") pieces */
    if (strncasecmp(q, "wsdl", 4) == 0 &&
        (q[4] == '\0' || q[4] == '?' || q[4] == '&'))
        return HTTPREQ_WSDL;
    return HTTPREQ_SOAP;
}
