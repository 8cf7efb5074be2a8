/* micetro-emu front: a linear pre-scan of a request body (see xmlscan.h). */
#include "xmlscan.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Position just after the first occurrence of pat in b[i..n), or 0. */
static size_t skip_past(const char *b, size_t n, size_t i, const char *pat)
{
    size_t pl = strlen(pat);

    for (; i + pl <= n; i++) {
        if (memcmp(b + i, pat, pl) == 0)
            return i + pl;
    }
    return 0;
}

#define SOAP11_NS "http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP12_NS "http://www.w3.org/2003/05/soap-envelope"

/* Index of the '>' ending the start tag that begins at b[i] (skipping
 * quoted attribute values), or n when it does not end. */
static size_t tag_end(const char *b, size_t n, size_t i)
{
    char q = 0;

    for (; i < n; i++) {
        if (q) {
            if (b[i] == q)
                q = 0;
        } else if (b[i] == '"' || b[i] == '\'') {
            q = b[i];
        } else if (b[i] == '>') {
            return i;
        }
    }
    return n;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The SOAP version (1, 2) of the root start tag t[0..n) (without '<' and
 * '>'), or 0 when it is not a SOAP Envelope. */
static int envelope_version(const char *t, size_t n)
{
    size_t i = 0, nl, pl = 0;
    const char *colon;

    while (i < n && !is_space(t[i]) && t[i] != '/')
        i++;
    nl = i;
    colon = memchr(t, ':', nl);
    if (colon != NULL)
        pl = (size_t)(colon - t);
    if (nl - (colon ? pl + 1 : 0) != 8 ||
        memcmp(t + nl - 8, "Envelope", 8) != 0)
        return 0;
    /* attributes: name = "value" | 'value' */
    while (i < n) {
        size_t an, as, vs, ve;
        char q;
        while (i < n && (is_space(t[i]) || t[i] == '/'))
            i++;
        as = i;
        while (i < n && t[i] != '=' && !is_space(t[i]))
            i++;
        an = i - as;
        while (i < n && is_space(t[i]))
            i++;
        if (i >= n || t[i] != '=')
            return 0;
        i++;
        while (i < n && is_space(t[i]))
            i++;
        if (i >= n || (t[i] != '"' && t[i] != '\''))
            return 0;
        q = t[i++];
        vs = i;
        while (i < n && t[i] != q)
            i++;
        if (i >= n)
            return 0;
        ve = i++;
        /* the declaration of the Envelope's own prefix */
        int match = colon ? (an == 6 + pl && memcmp(t + as, "xmlns:", 6) == 0 &&
                             memcmp(t + as + 6, t, pl) == 0)
                          : (an == 5 && memcmp(t + as, "xmlns", 5) == 0);
        if (!match)
            continue;
        if (ve - vs == sizeof(SOAP11_NS) - 1 &&
            memcmp(t + vs, SOAP11_NS, ve - vs) == 0)
            return 1;
        if (ve - vs == sizeof(SOAP12_NS) - 1 &&
            memcmp(t + vs, SOAP12_NS, ve - vs) == 0)
            return 2;
        return 0;
    }
    return 0;
}

/* 1 when b[0..n) holds a NUL byte, or a character reference to one
 * (&#0; &#x0; with any number of zeros), which a C string would cut. */
static int has_nul(const char *b, size_t n)
{
    if (memchr(b, '\0', n) != NULL)
        return 1;
    for (size_t i = 0; i + 3 < n; i++) {
        if (b[i] != '&' || b[i + 1] != '#')
            continue;
        size_t k = i + 2, digits = 0;
        if (b[k] == 'x' || b[k] == 'X')
            k++;
        while (k < n && b[k] == '0') {
            k++;
            digits++;
        }
        if (digits > 0 && k < n && b[k] == ';')
            return 1;
    }
    return 0;
}

enum xmlscan_result xmlscan_check(const char *b, size_t n, unsigned max_depth,
                                  int *soap_version)
{
    size_t i = 0;
    unsigned depth = 0;
    int version = -1, closed = 0; /* -1: no root element seen yet */

    if (soap_version != NULL)
        *soap_version = 0;
    if (n >= 3 && (unsigned char)b[0] == 0xEF && (unsigned char)b[1] == 0xBB &&
        (unsigned char)b[2] == 0xBF)
        i = 3;
    while (i < n &&
           (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    if (i >= n || b[i] != '<')
        return XMLSCAN_NOT_XML;
    if (has_nul(b, n))
        return XMLSCAN_NUL;
    while (i < n) {
        const char *lt = memchr(b + i, '<', n - i);
        if (lt == NULL)
            break;
        if (closed) {
            /* after the root only blanks, comments and PIs may follow */
            for (size_t k = i; k < (size_t)(lt - b); k++) {
                if (!is_space(b[k]))
                    return XMLSCAN_TRAILING;
            }
        }
        i = (size_t)(lt - b) + 1;
        if (i >= n)
            return XMLSCAN_MALFORMED;
        if (b[i] == '?') {
            if ((i = skip_past(b, n, i, "?>")) == 0)
                return XMLSCAN_MALFORMED;
        } else if (b[i] == '!') {
            if (n - i >= 3 && memcmp(b + i, "!--", 3) == 0) {
                if ((i = skip_past(b, n, i + 3, "-->")) == 0)
                    return XMLSCAN_MALFORMED;
            } else if (n - i >= 8 && memcmp(b + i, "![CDATA[", 8) == 0) {
                if ((i = skip_past(b, n, i + 8, "]]>")) == 0)
                    return XMLSCAN_MALFORMED;
            } else {
                return XMLSCAN_DTD; /* <!DOCTYPE, <!ENTITY, <!ELEMENT ... */
            }
        } else if (b[i] == '/') {
            if (depth > 0 && --depth == 0)
                closed = 1;
            if ((i = skip_past(b, n, i, ">")) == 0)
                return XMLSCAN_MALFORMED;
        } else {
            if (closed)
                return XMLSCAN_TRAILING;
            size_t j = tag_end(b, n, i);
            if (j >= n)
                return XMLSCAN_MALFORMED;
            if (version < 0) {
                version = envelope_version(b + i, j - i);
                if (version == 0)
                    return XMLSCAN_NOT_ENVELOPE;
                if (soap_version != NULL)
                    *soap_version = version;
            }
            if (b[j - 1] == '/') {
                if (depth == 0)
                    closed = 1;
            } else if (++depth > max_depth) {
                return XMLSCAN_TOO_DEEP;
            }
            i = j + 1;
        }
    }
    if (version < 0)
        return XMLSCAN_NOT_XML;
    for (; i < n; i++) {
        if (closed && !is_space(b[i]))
            return XMLSCAN_TRAILING;
    }
    return closed ? XMLSCAN_OK : XMLSCAN_MALFORMED;
}

static int is_quote(char c)
{
    return c == '"' || c == '\'';
}

/* Blanks the "p:type" attributes of the start tag t[0..n) (without '<'
 * and '>'); returns how many.  Stops at a quote in a name: xmlscan_check
 * (tag_end) took it for the start of a quoted run, and blanking it would
 * unquote what the check skipped. */
static size_t blank_tag_types(char *t, size_t n)
{
    size_t i = 0, count = 0;

    while (i < n && !is_space(t[i]) && t[i] != '/') {
        if (is_quote(t[i]))
            return 0;
        i++; /* the element name */
    }
    while (i < n) {
        size_t as, an, end;
        const char *colon;
        char q;
        while (i < n && (is_space(t[i]) || t[i] == '/'))
            i++;
        as = i;
        while (i < n && t[i] != '=' && !is_space(t[i])) {
            if (is_quote(t[i]))
                return count;
            i++;
        }
        an = i - as;
        while (i < n && is_space(t[i]))
            i++;
        if (i >= n || t[i] != '=')
            return count;
        i++;
        while (i < n && is_space(t[i]))
            i++;
        if (i >= n || (t[i] != '"' && t[i] != '\''))
            return count;
        q = t[i++];
        while (i < n && t[i] != q)
            i++;
        if (i >= n)
            return count;
        end = ++i;
        colon = memchr(t + as, ':', an);
        if (colon != NULL && an - (size_t)(colon - (t + as)) == 5 &&
            memcmp(colon + 1, "type", 4) == 0 &&
            !(colon - (t + as) == 5 && memcmp(t + as, "xmlns", 5) == 0)) {
            memset(t + as, ' ', end - as);
            count++;
        }
    }
    return count;
}

/* Calls fn on every start tag (b[i..j): the name and attributes, end 0)
 * and end tag (the name, end 1) of b[0..n), skipping declarations,
 * comments and CDATA, each read exactly as xmlscan_check reads it (else
 * text it took for a comment could be rewritten as a tag); returns the
 * sum of what fn returned. */
typedef size_t (*tag_fn)(char *tag, size_t len, int end, void *ctx);

static size_t walk_tags(char *b, size_t n, tag_fn fn, void *ctx)
{
    size_t i = 0, count = 0;

    while (i < n) {
        char *lt = memchr(b + i, '<', n - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - b) + 1;
        if (i >= n)
            break;
        if (b[i] == '?') {
            if ((i = skip_past(b, n, i, "?>")) == 0)
                break;
        } else if (b[i] == '!') {
            if (n - i >= 3 && memcmp(b + i, "!--", 3) == 0)
                i = skip_past(b, n, i + 3, "-->");
            else if (n - i >= 8 && memcmp(b + i, "![CDATA[", 8) == 0)
                i = skip_past(b, n, i + 8, "]]>");
            else
                break; /* refused by xmlscan_check */
            if (i == 0)
                break;
        } else if (b[i] == '/') {
            /* to the first '>': an end tag has no attribute values to
             * quote anything */
            const char *gt = memchr(b + i, '>', n - i);
            if (gt == NULL)
                break;
            size_t j = (size_t)(gt - b);
            count += fn(b + i + 1, j - i - 1, 1, ctx);
            i = j + 1;
        } else {
            size_t j = tag_end(b, n, i);
            if (j >= n)
                break;
            count += fn(b + i, j - i, 0, ctx);
            i = j + 1;
        }
    }
    return count;
}

static size_t blank_types_fn(char *tag, size_t len, int end, void *ctx)
{
    (void)ctx;
    return end ? 0 : blank_tag_types(tag, len);
}

size_t xmlscan_blank_types(char *b, size_t n)
{
    return walk_tags(b, n, blank_types_fn, NULL);
}

/* Renames the element of tag (name[:local] then attributes) when its local
 * name is an old spelling of the table. */
static size_t fold_fn(char *tag, size_t len, int end, void *ctx)
{
    const struct xmlscan_fold *t = ctx;
    size_t k = 0, start = 0;

    (void)end;
    while (k < len && tag[k] != ' ' && tag[k] != '\t' && tag[k] != '\r' &&
           tag[k] != '\n' && tag[k] != '/' && tag[k] != '>') {
        if (tag[k] == ':')
            start = k + 1;
        k++;
    }
    for (; t->from != NULL; t++) {
        size_t m = strlen(t->from);

        if (k - start == m && memcmp(tag + start, t->from, m) == 0) {
            memcpy(tag + start, t->to, m);
            return 1;
        }
    }
    return 0;
}

size_t xmlscan_fold_names(char *b, size_t n, const struct xmlscan_fold *table)
{
    return walk_tags(b, n, fold_fn, (void *)table);
}

const char *xmlscan_message(enum xmlscan_result r)
{
    switch (r) {
    case XMLSCAN_OK:
        return "ok";
    case XMLSCAN_NOT_XML:
        return "request body is not a SOAP envelope (not XML)";
    case XMLSCAN_DTD:
        return "DTDs and entity declarations are not allowed";
    case XMLSCAN_TOO_DEEP:
        return "XML nesting exceeds the depth limit";
    case XMLSCAN_MALFORMED:
        return "malformed XML";
    case XMLSCAN_NOT_ENVELOPE:
        return "request body is not a SOAP 1.1 or 1.2 Envelope";
    case XMLSCAN_TRAILING:
        return "content after the end of the SOAP Envelope";
    case XMLSCAN_NUL:
        return "NUL characters are not allowed (raw or as &#0;)";
    }
    return "malformed XML";
}

/* The local name of the start tag at b[i] ('<' then the name) into
 * *name, *len; 0 for anything else (an end tag, a comment, a PI). */
static int start_tag_name(const char *b, size_t n, size_t i, const char **name,
                          size_t *len)
{
    size_t k = i + 1, start;

    if (k >= n || b[k] == '/' || b[k] == '!' || b[k] == '?')
        return 0;
    start = k;
    while (k < n && !is_space(b[k]) && b[k] != '>' && b[k] != '/')
        k++;
    *name = b + start;
    *len = k - start;
    const char *colon = memchr(*name, ':', *len);
    if (colon != NULL) {
        *len -= (size_t)(colon + 1 - *name);
        *name = colon + 1;
    }
    return *len > 0;
}

int xmlscan_operation(const char *b, size_t n, char *buf, size_t size)
{
    int in_body = 0;

    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t len;
        if (b[i] != '<' || !start_tag_name(b, n, i, &name, &len))
            continue;
        if (in_body) {
            if (size > 0)
                snprintf(buf, size, "%.*s", (int)len, name);
            return 0;
        }
        in_body = len == 4 && memcmp(name, "Body", 4) == 0;
    }
    return -1;
}
