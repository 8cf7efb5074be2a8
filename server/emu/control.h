/* micetro-emu: the control API under /_emu/ (docs/control.md).
 *
 * JSON in and out (jansson), served through the HTTP front's own route
 * (SOAPHTTPD_CALL), never through the SOAP path.  Without a control token
 * any client on loopback is let in and no other; with one, every client
 * must send it as "Authorization: Bearer TOKEN".  Errors are
 * {"error": "..."} with a 4xx or 5xx status.
 */
#ifndef MICETRO_CONTROL_H
#define MICETRO_CONTROL_H

#include <stddef.h>

#include "soaphttpd.h"

/* 1 when target (path and query as sent) is under /_emu/. */
int control_match(const char *target);

/* Answers a request of the control API; user is the struct app. */
void control_handle(void *user, const struct soaphttpd_request *rq,
                    struct soaphttpd_answer *a);

/* The body {"error": msg} into buf (cut to fit); its length. */
size_t control_error_body(char *buf, size_t size, const char *msg);

#endif
