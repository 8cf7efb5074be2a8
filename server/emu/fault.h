/* micetro-emu: the one place where errors become SOAP faults.
 *
 * The caller's mistakes (err_is_client) are Client (1.1) / Sender (1.2)
 * faults, ours are Server / Receiver faults.  The message goes into
 * faultstring / Reason; <detail> carries <mm:errorCode>: 16394 for bad
 * credentials (Micetro's own code), otherwise micetro-emu's code, which is
 * the ERR_* value negated (1 invalid input, 2 unknown object, 3 exists,
 * 5 session, 6 conflict, 7 not implemented, 101 database, 102 internal).
 */
#ifndef MICETRO_FAULT_H
#define MICETRO_FAULT_H

#include <stddef.h>

#include "err.h"

struct soap;

/* The errorCode a fault carries for ERR_* code. */
int fault_code(int code);

/* Sets the gSOAP fault for e and returns the gSOAP error to return from a
 * service operation. */
int fault_from_err(struct soap *soap, const struct err *e);

/* Same with a code and a formatted message. */
int fault_set(struct soap *soap, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A fault of the caller's choosing (the control API's fault injection):
 * Client when client, else Server; error_code as the detail's errorCode. */
int fault_given(struct soap *soap, int client, int error_code, const char *msg);

/* Writes a whole fault envelope (SOAP 1.2 when v12) for a request gSOAP
 * never saw into buf; returns its length. */
size_t fault_envelope(char *buf, size_t size, int v12, int code,
                      const char *msg);

#endif
