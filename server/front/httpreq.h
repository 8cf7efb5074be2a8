/* micetro-emu front: what the HTTP server's answers take from a request.
 *
 * libmicrohttpd parses requests; these pure functions decide what a
 * request target names and whether a Host value may be echoed.
 */
#ifndef MICETRO_HTTPREQ_H
#define MICETRO_HTTPREQ_H

enum httpreq_route {
    HTTPREQ_OTHER = 0, /* any other path: 404 */
    HTTPREQ_SOAP,      /* /_mmwebext/mmwebext.dll with any other query */
    HTTPREQ_WSDL       /* /_mmwebext/mmwebext.dll?wsdl[?key=value...] */
};

/* What the emulator's request target (path and query as sent) names. */
enum httpreq_route httpreq_route(const char *target);

/* 1 when s is safe to echo as a host[:port] in a URL inside XML. */
int httpreq_host_safe(const char *s);

#endif
