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

/* 1 when addr (numeric, or "localhost") is a loopback address:
 * 127.0.0.0/8, ::1, ::ffff:127.x.y.z. */
int httpreq_loopback(const char *addr);

/* 1 when authorization (a header's value, or NULL) is "Bearer TOKEN"
 * with token, compared in a time that does not depend on where they
 * differ. */
int httpreq_bearer_ok(const char *authorization, const char *token);

#endif
