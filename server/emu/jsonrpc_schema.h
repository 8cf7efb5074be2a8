/* micetro-emu: the WSDL's schema as the JSON transcoder's table.
 *
 * Read once at start from the WSDL the daemon serves (the profile's, so
 * 11.x elements exist only where they are served) with libxml2, which
 * already reads that WSDL (wsdl.c): no second copy of the schema to keep
 * in step.  The schema's subset is the WSDL's: named simple types
 * restricting xs:string (with or without enumerations), named complex
 * types and the operations' wrapper elements, each a sequence of
 * elements of a built-in (xs:string, xs:unsignedInt, xs:int, xs:boolean)
 * or named type, with minOccurs, maxOccurs and nillable; ArrayOfX is a
 * complex type of one element with maxOccurs="unbounded".
 *
 * A request: params (a JSON object) become the operation's element in a
 * SOAP 1.1 envelope, its children in the schema's order; the JSON types
 * must be the schema's (a string for a string, an enumeration's value, a
 * non-negative integer for xs:unsignedInt, true/false for xs:boolean, an
 * object for a complex type, an array for an ArrayOfX, whose items are
 * wrapped); unknown names, missing required ones and null where nil is
 * not allowed are refused, and so is anything over the limits.
 *
 * An answer: the children of the operation's response element as a JSON
 * object, an ArrayOfX an array of its items, numbers and booleans as JSON
 * types, xsi:nil null; an answer without children is "".  A fault: its
 * errorCode, faultstring and Client/Server.
 */
#ifndef MICETRO_JSONRPC_SCHEMA_H
#define MICETRO_JSONRPC_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

struct jsonrpc_schema;

/* What a request may hold at most: SOAP's own limits. */
struct jsonrpc_limits {
    long max_string_bytes; /* one string value */
    unsigned max_depth;    /* nesting of params (objects and arrays) */
    size_t max_elements;   /* items of one array */
};

/* Reads the schema of a WSDL document (len bytes).  NULL with e filled
 * when it does not parse or uses what the subset above does not have. */
struct jsonrpc_schema *jsonrpc_schema_new(const char *wsdl, size_t len,
                                          struct err *e);
void jsonrpc_schema_free(struct jsonrpc_schema *s);

/* The number of operations, for the log. */
size_t jsonrpc_schema_ops(const struct jsonrpc_schema *s);

/* 1 when op is an operation of the schema. */
int jsonrpc_schema_has(const struct jsonrpc_schema *s, const char *op);

/* The SOAP 1.1 request of op with params (an object, or NULL: none):
 * 0 with *xml malloc'd (NUL-terminated, *len bytes), or -1 with why
 * ("params.dhcpServer.name: a string is due") and nothing allocated. */
int jsonrpc_schema_request(const struct jsonrpc_schema *s,
                           const struct jsonrpc_limits *lim, const char *op,
                           json_t *params, char **xml, size_t *len, char *why,
                           size_t why_size);

/* A fault of a SOAP answer. */
struct jsonrpc_schema_fault {
    int code; /* its errorCode; 0 when it has none */
    char message[512];
    int client; /* Client or Sender */
};

/* The SOAP answer xml (len bytes) of op: 0 with *result a new reference,
 * 1 with f filled for a fault, -1 when it is neither (why in f). */
int jsonrpc_schema_answer(const struct jsonrpc_schema *s, const char *op,
                          const char *xml, size_t len, json_t **result,
                          struct jsonrpc_schema_fault *f);

#endif
