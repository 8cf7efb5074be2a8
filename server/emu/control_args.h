/* micetro-emu: a SOAP call's arguments as JSON, secrets masked: what the
 * request journal records of a call and what a fault's "match" is
 * compared with (docs/control.md).
 *
 * The arguments are the children of the operation element (the Body's
 * first element), by local name: a leaf is its text, an element with
 * children an object of them, a name repeated an array in order.
 * Attributes (SOAP::Lite's xsi:type among them) and namespaces play no
 * part.  Every element named password (any case) is "***".
 */
#ifndef MICETRO_CONTROL_ARGS_H
#define MICETRO_CONTROL_ARGS_H

#include <jansson.h>
#include <stddef.h>

/* The arguments of the SOAP envelope body[0..len) as a JSON object; {}
 * when it holds none or is no envelope; NULL when out of memory. */
json_t *control_args_of(const char *body, size_t len);

/* A copy of body[0..len) with the text of every element named password
 * replaced by "***", NUL-terminated, its length in *out_len; NULL when
 * out of memory. */
char *control_args_masked(const char *body, size_t len, size_t *out_len);

/* The value at path in args: keys joined by '.' ("dhcpServer.name");
 * NULL when there is none. */
json_t *control_args_at(json_t *args, const char *path);

#endif
