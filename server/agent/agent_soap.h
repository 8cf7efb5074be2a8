/* micetro-dhcp-agent: the SOAP side: the gSOAP operations of agent.wsdl
 * (__ag__PutConfig, ...) and the one place where errors become faults.
 *
 * The caller's mistakes (err_is_client: wrong secret, hash mismatch, a
 * file dhcpd rejects) are Client faults, the agent's failures Server
 * faults.  <detail> carries <ag:errorCode>: the ERR_* code negated.
 */
#ifndef MICETRO_AGENT_SOAP_H
#define MICETRO_AGENT_SOAP_H

#include <stddef.h>

#include "err.h"

struct soap;

/* Sets the gSOAP fault for code and msg (copied); returns the gSOAP error
 * to return from an operation. */
int agent_soap_fault(struct soap *soap, int code, const char *msg);

/* A whole fault envelope (SOAP 1.2 when v12; the agent answers 1.1) for
 * a request gSOAP never saw; returns its length. */
size_t agent_soap_fault_envelope(char *buf, size_t size, int v12, int code,
                                 const char *msg);

#endif
