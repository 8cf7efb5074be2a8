/* micetro-emu core: a linear pre-scan of a request body (see xmlscan.h). */
#include "xmlscan.h"

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

enum xmlscan_result xmlscan_check(const char *b, size_t n,
                                  unsigned max_depth)
{
    size_t i = 0;
    unsigned depth = 0;

    if (n >= 3 && (unsigned char)b[0] == 0xEF && (unsigned char)b[1] == 0xBB
        && (unsigned char)b[2] == 0xBF)
        i = 3;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r'
                     || b[i] == '\n'))
        i++;
    if (i >= n || b[i] != '<')
        return XMLSCAN_NOT_XML;
    while (i < n) {
        const char *lt = memchr(b + i, '<', n - i);
        if (lt == NULL)
            break;
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
            if (depth > 0)
                depth--;
            if ((i = skip_past(b, n, i, ">")) == 0)
                return XMLSCAN_MALFORMED;
        } else {
            /* a start tag: find its end outside quoted attribute values */
            char q = 0;
            size_t j = i;
            for (; j < n; j++) {
                if (q) {
                    if (b[j] == q)
                        q = 0;
                } else if (b[j] == '"' || b[j] == '\'') {
                    q = b[j];
                } else if (b[j] == '>') {
                    break;
                }
            }
            if (j >= n)
                return XMLSCAN_MALFORMED;
            if (b[j - 1] != '/' && ++depth > max_depth)
                return XMLSCAN_TOO_DEEP;
            i = j + 1;
        }
    }
    return XMLSCAN_OK;
}

const char *xmlscan_message(enum xmlscan_result r)
{
    switch (r) {
    case XMLSCAN_OK: return "ok";
    case XMLSCAN_NOT_XML:
        return "request body is not a SOAP envelope (not XML)";
    case XMLSCAN_DTD: return "DTDs and entity declarations are not allowed";
    case XMLSCAN_TOO_DEEP: return "XML nesting exceeds the depth limit";
    case XMLSCAN_MALFORMED: return "malformed XML";
    }
    return "malformed XML";
}
