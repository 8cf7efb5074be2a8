/* micetro-emu front: a linear pre-scan of a request body.
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
    XMLSCAN_NOT_XML,      /* does not start with '<' (after a BOM and blanks) */
    XMLSCAN_DTD,          /* <!DOCTYPE or <!ENTITY */
    XMLSCAN_TOO_DEEP,     /* nesting deeper than max_depth */
    XMLSCAN_MALFORMED,    /* unterminated tag, comment, CDATA or PI */
    XMLSCAN_NOT_ENVELOPE, /* root is not a SOAP 1.1 or 1.2 Envelope */
    XMLSCAN_TRAILING,     /* content after the root element */
    XMLSCAN_NUL           /* a NUL byte, raw or as a character reference */
};

/* Checks body b[0..n).  *soap_version (may be NULL) gets 1 or 2 when the
 * root element is a SOAP 1.1 or 1.2 Envelope (its namespace declared on
 * the root, as it must be), else 0. */
enum xmlscan_result xmlscan_check(const char *b, size_t n, unsigned max_depth,
                                  int *soap_version);

/* Blanks (overwrites with spaces) every prefixed attribute named "type"
 * in the start tags of b[0..n), a body xmlscan_check() accepted: the
 * xsi:type attributes clients such as SOAP::Lite put on every value, often
 * wrong ("xsd:string" on an enumeration, "ObjRef" on a string), which
 * Micetro ignores and gSOAP would refuse as a type mismatch.  The server
 * reads namespaces loosely (SOAP_XML_IGNORENS), under which any "p:type"
 * attribute counts as xsi:type, and its schema has no attributes of its
 * own, so the values alone decide.  The length does not change.  Returns
 * how many attributes were blanked. */
size_t xmlscan_blank_types(char *b, size_t n);

/* An element name and its other spelling, of the same length
 * ("DHCPRefAndFailoverRelationshipNames" of 7.x clients and
 * "dhcpRefAndFailoverRelationshipNames"). */
struct xmlscan_fold {
    const char *from, *to; /* strlen(from) == strlen(to) */
};

/* Renames, in place, every start and end tag of b[0..n) (a body
 * xmlscan_check() accepted) whose local name is a `from` of table
 * (ended by an entry with from NULL) to its `to`, prefix kept.  Returns
 * how many tags were renamed. */
size_t xmlscan_fold_names(char *b, size_t n, const struct xmlscan_fold *table);

/* A short English description of r. */
const char *xmlscan_message(enum xmlscan_result r);

/* The local name of the first element inside the Envelope's Body of
 * b[0..n) (a body xmlscan_check accepted): the SOAP operation called
 * ("Login").  Into buf (cut to size); 0, or -1 when there is none. */
int xmlscan_operation(const char *b, size_t n, char *buf, size_t size);

#endif
