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

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct soap;
struct mm__DHCPServer;
struct store_dhcp_server;
struct mm__Range;
struct store_range;
struct store_range_scope;
struct mm__DHCPScope;
struct store_dhcp_scope;
struct mm__DHCPAddressPool;
struct store_dhcp_pool;

/* The ref "{#<type>-#<id>}" in the request's memory; NULL when out of
 * memory. */
char *convert_ref(struct soap *soap, int type, long long id);

/* The array element of a list answer: a zeroed wrapper of wrapper_size
 * bytes (an empty list is an empty element, never xsi:nil) and its n
 * items of item_size bytes in *items (NULL when n is 0), both in the
 * request's memory.  NULL with ERR_NOMEM in e when out of memory. */
void *convert_list(struct soap *soap, size_t wrapper_size, size_t n,
                   size_t item_size, void **items, struct err *e);

/* totalResults: a count of matches, clamped to the element's type. */
unsigned int convert_total(long long total);

/* A DHCPServer of AddDHCPServer into *out:
 *   name      required host name, stored canonical ("dhcp1.example.")
 *   type      ISC only
 *   address   required (micetro-emu resolves no names): "IP" or
 *             "IP:port", the port being that of the server's agent
 *   enabled   default true
 *   proxy, username   free text, at most 255 bytes
 *   customProperties  left to the handler (custom.h)
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

/* A simulated server's answer shows it: the read-only property
 * simulated = "true" after its custom properties in out->customProperties
 * (made when there were none).  Nothing for a real one. */
int convert_server_simulated(struct soap *soap,
                             const struct store_dhcp_server *in,
                             struct mm__DHCPServer *out, struct err *e);

/* A Range of AddRange into *out:
 *   name      required: the CIDR, validate_cidr's way ("10.0.0.0/24":
 *             network address, no leading zeros; IPv6 refused)
 *   from, to  optional; when given (not ""), must be the CIDR's first and
 *             last address, which they are in the answers anyway
 *   locked, autoAssign   default false
 *   subnet    only true (or absent); isContainer only false (or absent)
 *   parentRef, adSiteRef, cloudNetworkRef
 *             refused when not empty (not supported yet)
 *   customProperties   left to the handler (custom.h)
 * ref, childRanges, dhcpScopes, hasSchedule, hasMonitor, inheritAccess,
 * utilizationPercentage, hasRogueAddresses, cloudAllocationPools,
 * discoveredProperties and creationTime are read-only and ignored.
 * Returns 0, or ERR_INVALID / ERR_NOTIMPL with e naming the field. */
int convert_range_from_soap(struct soap *soap, const struct mm__Range *in,
                            struct store_range *out, struct err *e);

/* Fills *out (zeroed first) from in, in the request's memory, as Micetro
 * answers for a plain subnet: ref, name, from, to, childRanges (empty),
 * dhcpScopes (scopes[0..nscopes), the range's scopes), subnet true,
 * locked, autoAssign, hasSchedule and hasMonitor false, inheritAccess
 * true, isContainer false, utilizationPercentage 0, hasRogueAddresses
 * false, creationTime (UTC, ISO 8601).  Returns 0 or ERR_NOMEM. */
int convert_range_to_soap(struct soap *soap, const struct store_range *in,
                          const struct store_range_scope *scopes,
                          size_t nscopes, struct mm__Range *out, struct err *e);

/* A DHCPScope of AddDHCPScope into *out (range_id and server_id left 0:
 * the handler resolves rangeRef and dhcpServerRef, both required here):
 *   name         required, validate_name's characters, at most 128 bytes
 *                (any such text: the range's CIDR is usual, not required)
 *   superscope   free text, at most 255 bytes
 *   description  free text, at most 4096 bytes
 *   enabled      default true
 * ref, available and failoverRelationship are read-only and ignored.
 * Returns 0, or ERR_INVALID with e naming the field. */
int convert_scope_from_soap(const struct mm__DHCPScope *in,
                            struct store_dhcp_scope *out, struct err *e);

/* Fills *out (zeroed first) from in, in the request's memory: ref, name,
 * rangeRef, dhcpServerRef, superscope and description when set,
 * available (0: micetro-emu has no leases), enabled; failoverRelationship
 * (profile 11 only) is never set yet.  Returns 0 or ERR_NOMEM. */
int convert_scope_to_soap(struct soap *soap, const struct store_dhcp_scope *in,
                          struct mm__DHCPScope *out, struct err *e);

/* A DHCPAddressPool of AddDHCPAddressPool into *out (scope_id left 0:
 * the handler resolves dhcpScopeRef, required here) and the addresses,
 * host order, into *from and *to:
 *   from, to     required IPv4 addresses (validate_ipv4; IPv6 refused);
 *                from <= to and the scope's range are the handler's
 *   name         optional, validate_name's characters, at most 128 bytes
 * ref is read-only and ignored; failoverPeer and failoverRelationship
 * are read-only (set by failover, which does not exist yet) and ignored.
 * Returns 0, or ERR_INVALID with e naming the field. */
int convert_pool_from_soap(const struct mm__DHCPAddressPool *in,
                           struct store_dhcp_pool *out, uint32_t *from,
                           uint32_t *to, struct err *e);

/* Fills *out (zeroed first) from in, in the request's memory: ref, name
 * when set, from, to, dhcpScopeRef; failoverPeer and failoverRelationship
 * are left out (no failover relationship exists yet).  Returns 0 or
 * ERR_NOMEM. */
int convert_pool_to_soap(struct soap *soap, const struct store_dhcp_pool *in,
                         struct mm__DHCPAddressPool *out, struct err *e);

#endif
