/* micetro-emu: what every part of the control API shares (control.h):
 * JSON answers and errors, query parameters, request bodies.
 */
#ifndef MICETRO_CONTROL_JSON_H
#define MICETRO_CONTROL_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "soaphttpd.h"

/* The largest JSON document a control call takes apart (nesting depth). */
#define CONTROL_JSON_MAX_DEPTH 32

/* Fills a with status and the JSON value j (taken over; NULL: out of
 * memory, 500). */
void control_json_answer(struct soaphttpd_answer *a, int status, json_t *j);

/* Fills a with {"error": printf(fmt, ...)} and status. */
void control_json_error(struct soaphttpd_answer *a, int status, const char *fmt,
                        ...) __attribute__((format(printf, 3, 4)));

/* The value of query parameter name in target, percent-decoded, into buf
 * ("" when given without "="); NULL when absent.  A value that does not
 * fit in buf, or decodes to a NUL byte, is refused: -1 in *bad (else 0),
 * NULL returned. */
const char *control_json_param(const char *target, const char *name, char *buf,
                               size_t size, int *bad);

/* The request body as a JSON object, or NULL with a filled with the 400
 * ("the body is not a JSON object: ..."); an empty body is {} when
 * empty_ok, else refused. */
json_t *control_json_body(const struct soaphttpd_request *rq, int empty_ok,
                          struct soaphttpd_answer *a);

/* 1 when the path of target (before '?') is exactly path. */
int control_json_path_is(const char *target, const char *path);

/* Milliseconds of CLOCK_MONOTONIC, for the durations the API reports. */
double control_json_now_ms(void);

#endif
