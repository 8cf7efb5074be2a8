/* micetro-emu front: parsing an HTTP/1.x request head.
 *
 * Pure functions on a buffer that holds the whole head (request line and
 * header lines up to and including the empty line).  The daemon reads the
 * head and body itself, with its own limits, before gSOAP sees a byte.
 */
#ifndef MICETRO_HTTPREQ_H
#define MICETRO_HTTPREQ_H

#include <stddef.h>

#include "err.h"

enum httpreq_route {
    HTTPREQ_OTHER = 0, /* any other path: 404 */
    HTTPREQ_SOAP,      /* /_mmwebext/mmwebext.dll with any other query */
    HTTPREQ_WSDL       /* /_mmwebext/mmwebext.dll?wsdl[?key=value...] */
};

struct httpreq {
    char method[16];
    char target[2048]; /* path and query as sent */
    int minor;         /* HTTP/1.minor */
    int has_length;    /* Content-Length present */
    unsigned long long content_length;
    int chunked;         /* Transfer-Encoding: chunked */
    int keep_alive;      /* per version and Connection header */
    int expect_continue; /* Expect: 100-continue */
    int nheaders;
    char host[256]; /* Host header ("" when absent or unsafe) */
    char content_type[256];
};

/* Limits a request head must respect. */
struct httpreq_limits {
    size_t max_head_bytes;
    int max_headers;
};

/* Parses head[0..len) (which ends with CRLFCRLF or LFLF).  Returns 0, or
 * ERR_INVALID with a message fit for a 400 answer. */
int httpreq_parse(const char *head, size_t len,
                  const struct httpreq_limits *lim, struct httpreq *r,
                  struct err *e);

/* Length of the head in buf[0..len) including its terminating empty line,
 * or 0 when it is not complete yet. */
size_t httpreq_head_len(const char *buf, size_t len);

/* Which handler a request target goes to. */
enum httpreq_route httpreq_route(const char *target);

/* 1 when s is safe to echo as a host[:port] in a URL inside XML. */
int httpreq_host_safe(const char *s);

#endif
