/* micetro-emu, micetro-dhcp-agent: SOAP faults with an errorCode detail.
 *
 * The caller's mistakes (err_is_client) are Client (1.1) / Sender (1.2)
 * faults, ours are Server / Receiver faults.  The message goes into
 * faultstring / Reason; <detail> carries <PREFIX:errorCode
 * xmlns:PREFIX="NS">, the number a daemon's style gives the ERR_* code.
 * Each daemon keeps its one mapping from errors to faults (fault.c,
 * agent_soap.c) on top of these.
 */
#ifndef MICETRO_SOAPFAULT_H
#define MICETRO_SOAPFAULT_H

#include <stddef.h>

struct soap;

/* How a daemon's faults name their errorCode. */
struct soapfault_style {
    const char *prefix; /* "mm" */
    const char *ns;     /* its namespace URI */
    int auth_code;      /* errorCode of ERR_AUTH; 0: the code negated */
};

/* The errorCode a fault carries for ERR_* code. */
int soapfault_code(const struct soapfault_style *st, int code);

/* Sets the gSOAP fault for code and msg (copied into the request's memory;
 * NULL or "" is "internal error"); returns the gSOAP error to return from
 * a service operation. */
int soapfault_set(struct soap *soap, const struct soapfault_style *st, int code,
                  const char *msg);

/* The same with the errorCode (value) and the kind given as they are: a Client
 * / Sender fault when client, else Server / Receiver. */
int soapfault_set_code(struct soap *soap, const struct soapfault_style *st,
                       int client, int value, const char *msg);

/* Writes a whole fault envelope (SOAP 1.2 when v12) for a request gSOAP
 * never saw into buf; returns its length (truncated to fit). */
size_t soapfault_envelope(char *buf, size_t size,
                          const struct soapfault_style *st, int v12, int code,
                          const char *msg);

#endif
