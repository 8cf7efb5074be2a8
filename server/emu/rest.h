/* micetro-emu: the REST API under /mmws/api (docs/api.md#rest), as
 * Micetro's REST clients send it.
 *
 * Each call is a mapping onto an operation of the WSDL, run by the same
 * JSON transcoding as JSON-RPC: collections (GET a list or one item, POST
 * an Add, PUT SetProperties, DELETE RemoveObject), a DHCP server's
 * failover relationships, and /mmws/api/command/<Op> for any operation.
 * Authentication is HTTP Basic on every call (rest_auth.h).
 */
#ifndef MICETRO_REST_H
#define MICETRO_REST_H

#include "soaphttpd.h"

/* The longest path, percent-decoded, a REST call takes (else 414). */
#define REST_MAX_PATH 1024

/* 1 when target is under /mmws/api. */
int rest_match(const char *target);

/* The body of an error the HTTP front answers on a REST path itself (a
 * body too large): {"error":{"code":1,"message":msg}} in buf, its
 * length. */
size_t rest_error_body(char *buf, size_t size, const char *msg);

/* Serves a REST call (a soaphttpd_route handler; user is the app); a 401
 * carries the Basic challenge. */
void rest_handle(void *user, const struct soaphttpd_request *rq,
                 struct soaphttpd_answer *a);

#endif
