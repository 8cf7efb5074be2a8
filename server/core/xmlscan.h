/* micetro-emu core: a linear pre-scan of a request body.
 *
 * Before the SOAP parser sees a body, the daemon measures its element
 * nesting depth and looks for DTDs, so that hostile documents are refused
 * up front with a clear fault whatever the parser would do with them.
 */
#ifndef MICETRO_XMLSCAN_H
#define MICETRO_XMLSCAN_H

#include <stddef.h>

enum xmlscan_result {
    XMLSCAN_OK = 0,
    XMLSCAN_NOT_XML,   /* does not start with '<' (after a BOM and blanks) */
    XMLSCAN_DTD,       /* <!DOCTYPE or <!ENTITY */
    XMLSCAN_TOO_DEEP,  /* nesting deeper than max_depth */
    XMLSCAN_MALFORMED  /* unterminated tag, comment, CDATA or PI */
};

enum xmlscan_result xmlscan_check(const char *b, size_t n,
                                  unsigned max_depth);

/* A short English description of r. */
const char *xmlscan_message(enum xmlscan_result r);

#endif
