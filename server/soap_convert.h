/* micetro-emu: gSOAP types to and from the plain structs of storage.
 *
 * With the soap_*.c handlers, the only code that sees gSOAP types.  From
 * gSOAP: the caller's values are checked (core/validate.h) and
 * canonicalised, read-only and unsupported fields ignored or refused.  To
 * gSOAP: every string is copied into the request's memory (soap_malloc),
 * and the fields are those the served WSDL declares for the API profile.
 */
#ifndef MICETRO_SOAP_CONVERT_H
#define MICETRO_SOAP_CONVERT_H

#include "core/err.h"

struct soap;
struct mm__DHCPServer;
struct store_dhcp_server;

/* The ref "{#<type>-#<id>}" in the request's memory; NULL when out of
 * memory. */
char *convert_ref(struct soap *soap, int type, long long id);

/* A DHCPServer of AddDHCPServer into *out:
 *   name      required host name, stored canonical ("dhcp1.example.")
 *   type      ISC only
 *   address   required (micetro-emu resolves no names): "IP" or
 *             "IP:port", the port being that of the server's agent
 *   enabled   default true
 *   proxy, username   free text, at most 255 bytes
 *   customProperties  refused when not empty (not supported yet)
 * ref, resolvedAddress, state, security and stateMessage are read-only
 * and ignored; password and enablePassword are ignored, never stored.
 * Returns 0, or ERR_INVALID / ERR_NOTIMPL with e naming the field. */
int convert_server_from_soap(struct soap *soap, const struct mm__DHCPServer *in,
                             struct store_dhcp_server *out, struct err *e);

/* Fills *out (zeroed first) from in, in the request's memory: ref, name,
 * proxy, address ("IP" or "IP:port"), username, type, state, enabled and,
 * when profile11 and there is one, stateMessage.  Never a password.
 * Returns 0, ERR_NOMEM, or ERR_INTERNAL for a value the WSDL cannot
 * carry. */
int convert_server_to_soap(struct soap *soap,
                           const struct store_dhcp_server *in, int profile11,
                           struct mm__DHCPServer *out, struct err *e);

#endif
