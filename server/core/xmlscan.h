/* micetro-emu core: a linear pre-scan of a request body.
 *
 * Before the SOAP parser sees a body, the daemon measures its element
 * nesting depth, looks for DTDs, checks that the root is a SOAP Envelope
 * and that nothing follows it, so that hostile or foreign documents are
 * refused up front with a clear fault whatever the parser would do.
 */
#ifndef MICETRO_XMLSCAN_H
#define MICETRO_XMLSCAN_H

#include <stddef.h>

enum xmlscan_result {
    XMLSCAN_OK = 0,
    XMLSCAN_NOT_XML,   /* does not start with '<' (after a BOM and blanks) */
    XMLSCAN_DTD,       /* <!DOCTYPE or <!ENTITY */
    XMLSCAN_TOO_DEEP,  /* nesting deeper than max_depth */
    XMLSCAN_MALFORMED, /* unterminated tag, comment, CDATA or PI */
    XMLSCAN_NOT_ENVELOPE, /* root is not a SOAP 1.1 or 1.2 Envelope */
    XMLSCAN_TRAILING   /* content after the root element */
};

/* Checks body b[0..n).  *soap_version (may be NULL) gets 1 or 2 when the
 * root element is a SOAP 1.1 or 1.2 Envelope (its namespace declared on
 * the root, as it must be), else 0. */
enum xmlscan_result xmlscan_check(const char *b, size_t n,
                                  unsigned max_depth, int *soap_version);

/* A short English description of r. */
const char *xmlscan_message(enum xmlscan_result r);

#endif
