/* micetro-emu: a minimal OMAPI client that reads the live state of a
 * failover relationship from a running ISC dhcpd.
 *
 * One call = one TCP connection: greeting, "authenticator" open (the key
 * named key_name, HMAC-MD5), then a signed open of the "failover-state"
 * object called relationship.  dhcpd's answers are checked against the same
 * key.  timeout_ms bounds the whole call (connect, every write and every
 * read share one deadline); the socket is nonblocking and polled.
 *
 * Return codes (e gets the message):
 *   0             out filled; out->found 0 when dhcpd has no such
 *                 failover-state (no peer declared: "Empty")
 *   ERR_INVALID   bad arguments (empty names, names over 64 bytes, secret
 *                 that is not base64, port out of range)
 *   ERR_AUTH      dhcpd does not know key_name, rejected our signature
 *                 (wrong secret), or its answer fails our signature check
 *   ERR_SYS       cannot resolve, connect, read or write; timeout; dhcpd
 *                 closed the connection or broke the protocol
 */
#ifndef MICETRO_OMAPI_CLIENT_H
#define MICETRO_OMAPI_CLIENT_H

#include "err.h"
#include "omapi.h" /* struct omapi_failover_state, omapi_state_name */

int omapi_client_failover_state(const char *host, int port,
                                const char *key_name, const char *secret_b64,
                                const char *relationship, int timeout_ms,
                                struct omapi_failover_state *out,
                                struct err *e);

#endif
