/* micetro-emu: seed documents (docs/control.md, "Seed").
 *
 * A seed is a JSON document of the objects a test or a demo starts from:
 * property definitions, DHCP servers, ranges, failover relationships,
 * scopes, pools and custom property values, each item spelt as the
 * object of its Add call (the fields of wsdl/micetro.wsdl) and applied
 * through that call's own check and store (mutate_call_fn: soap_servers_add
 * ...), all in one transaction: the whole document or nothing.  An error
 * names the item, or the field, where the document failed:
 *
 *     dhcpScopes[2].dhcpServerRef: DHCP server "dhcp-c" does not exist
 *
 * The document's arrays, strings and size have the SOAP API's limits
 * (--max-elements, --max-string-bytes, --max-message-bytes).
 */
#ifndef MICETRO_CONTROL_SEED_H
#define MICETRO_CONTROL_SEED_H

#include <stddef.h>

#include "soaphttpd.h"

struct app;

/* POST /_emu/seed[?reset=true]: the body applied; 201 with what was
 * created, or 400 naming where the document failed (the database
 * unchanged), 503 when the database failed. */
void control_seed_route(struct app *app, const struct soaphttpd_request *rq,
                        const char *rest, struct soaphttpd_answer *a);

/* --seed FILE at start: the file applied as the route applies a body.  0
 * (logged), or -1 with why[size] saying what failed. */
int control_seed_file(struct app *app, const char *path, char *why,
                      size_t size);

#endif
