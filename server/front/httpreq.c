/* micetro-emu front: parsing an HTTP/1.x request head (see httpreq.h). */
#include "httpreq.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t httpreq_head_len(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i + 1 < len && buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

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

/* Copies at most n-1 bytes of [s, s+len) into dst; 0 when it fit. */
static int copy_field(char *dst, size_t n, const char *s, size_t len)
{
    if (len >= n)
        return -1;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 0;
}

/* Case-insensitive search for token tok in a comma-separated value. */
static int has_token(const char *v, size_t len, const char *tok)
{
    size_t tl = strlen(tok);
    size_t i = 0;

    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t start = i;
        while (i < len && v[i] != ',')
            i++;
        size_t end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
            end--;
        if (end - start == tl && strncasecmp(v + start, tok, tl) == 0)
            return 1;
    }
    return 0;
}

static int parse_header(struct httpreq *r, const char *name, size_t nlen,
                        const char *val, size_t vlen, int *conn_close,
                        int *conn_keep, struct err *e)
{
#define IS(h) (nlen == sizeof(h) - 1 && strncasecmp(name, h, nlen) == 0)
    if (IS("Content-Length")) {
        unsigned long long v = 0;
        if (vlen == 0)
            return err_set(e, ERR_INVALID, "empty Content-Length");
        for (size_t i = 0; i < vlen; i++) {
            if (!isdigit((unsigned char)val[i]) || v > 1000000000000ULL)
                return err_set(e, ERR_INVALID, "invalid Content-Length");
            v = v * 10 + (unsigned)(val[i] - '0');
        }
        if (r->has_length && r->content_length != v)
            return err_set(e, ERR_INVALID, "conflicting Content-Length");
        r->has_length = 1;
        r->content_length = v;
    } else if (IS("Transfer-Encoding")) {
        if (!has_token(val, vlen, "chunked"))
            return err_set(e, ERR_INVALID, "unsupported Transfer-Encoding");
        r->chunked = 1;
    } else if (IS("Connection")) {
        if (has_token(val, vlen, "close"))
            *conn_close = 1;
        if (has_token(val, vlen, "keep-alive"))
            *conn_keep = 1;
    } else if (IS("Expect")) {
        if (vlen == 12 && strncasecmp(val, "100-continue", 12) == 0)
            r->expect_continue = 1;
        else
            return err_set(e, ERR_INVALID, "unsupported Expect header");
    } else if (IS("Host")) {
        char host[256];
        if (copy_field(host, sizeof(host), val, vlen) == 0 &&
            httpreq_host_safe(host))
            strcpy(r->host, host);
    } else if (IS("Content-Type")) {
        if (copy_field(r->content_type, sizeof(r->content_type), val, vlen))
            return err_set(e, ERR_INVALID, "Content-Type too long");
    }
#undef IS
    return 0;
}

int httpreq_parse(const char *head, size_t len,
                  const struct httpreq_limits *lim, struct httpreq *r,
                  struct err *e)
{
    const char *p = head, *end = head + len, *eol, *sp1, *sp2;
    int conn_close = 0, conn_keep = 0;

    memset(r, 0, sizeof(*r));
    if (len > lim->max_head_bytes)
        return err_set(e, ERR_INVALID, "request head too large");
    eol = memchr(p, '\n', (size_t)(end - p));
    if (eol == NULL)
        return err_set(e, ERR_INVALID, "incomplete request line");
    sp1 = memchr(p, ' ', (size_t)(eol - p));
    sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (sp1 == NULL || sp2 == NULL || sp1 == p)
        return err_set(e, ERR_INVALID, "malformed request line");
    if (copy_field(r->method, sizeof(r->method), p, (size_t)(sp1 - p)) ||
        copy_field(r->target, sizeof(r->target), sp1 + 1,
                   (size_t)(sp2 - sp1 - 1)))
        return err_set(e, ERR_INVALID, "request line too long");
    for (const char *c = r->method; *c; c++) {
        if (!isupper((unsigned char)*c))
            return err_set(e, ERR_INVALID, "malformed method");
    }
    if (r->target[0] != '/')
        return err_set(e, ERR_INVALID, "malformed request target");
    {
        size_t vlen = (size_t)(eol - sp2 - 1);
        const char *v = sp2 + 1;
        if (vlen > 0 && v[vlen - 1] == '\r')
            vlen--;
        if (vlen != 8 || strncmp(v, "HTTP/1.", 7) != 0 ||
            (v[7] != '0' && v[7] != '1'))
            return err_set(e, ERR_INVALID, "unsupported HTTP version");
        r->minor = v[7] - '0';
    }
    p = eol + 1;
    while (p < end) {
        const char *colon, *val, *vend;
        eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            return err_set(e, ERR_INVALID, "incomplete header line");
        if (eol == p || (eol == p + 1 && *p == '\r'))
            break; /* the empty line */
        if (++r->nheaders > lim->max_headers)
            return err_set(e, ERR_INVALID, "too many header lines");
        colon = memchr(p, ':', (size_t)(eol - p));
        if (colon == NULL || colon == p)
            return err_set(e, ERR_INVALID, "malformed header line");
        for (const char *c = p; c < colon; c++) {
            if (!isgraph((unsigned char)*c))
                return err_set(e, ERR_INVALID, "malformed header name");
        }
        val = colon + 1;
        vend = eol;
        while (val < vend && (*val == ' ' || *val == '\t'))
            val++;
        while (vend > val &&
               (vend[-1] == '\r' || vend[-1] == ' ' || vend[-1] == '\t'))
            vend--;
        if (parse_header(r, p, (size_t)(colon - p), val, (size_t)(vend - val),
                         &conn_close, &conn_keep, e))
            return e ? e->code : ERR_INVALID;
        p = eol + 1;
    }
    if (r->chunked && r->has_length)
        return err_set(e, ERR_INVALID,
                       "both Content-Length and Transfer-Encoding");
    r->keep_alive = r->minor >= 1 ? !conn_close : (conn_keep && !conn_close);
    return 0;
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
