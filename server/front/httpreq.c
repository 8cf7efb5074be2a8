/* micetro-emu front: request targets and Host values (see httpreq.h). */
#include "httpreq.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
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

int httpreq_loopback(const char *addr)
{
    struct in_addr a4;
    struct in6_addr a6;

    if (addr == NULL)
        return 0;
    if (strcmp(addr, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6) ||
               (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
    return 0;
}

int httpreq_bearer_ok(const char *authorization, const char *token)
{
    size_t tl = strlen(token), al;
    unsigned char diff = 0;

    if (authorization == NULL || tl == 0 ||
        strncasecmp(authorization, "Bearer ", 7) != 0)
        return 0;
    authorization += 7;
    al = strlen(authorization);
    for (size_t i = 0; i < tl; i++)
        diff |= (unsigned char)(token[i] ^ (i < al ? authorization[i] : 0));
    return diff == 0 && al == tl;
}
