/* micetro-emu: what every part of the control API shares (control.h):
 * JSON answers and errors, query parameters, request bodies, the status
 * of an error and the transaction a change runs in.
 */
#ifndef MICETRO_CONTROL_JSON_H
#define MICETRO_CONTROL_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "mutate.h"
#include "soaphttpd.h"

struct app;
struct err;

/* The largest JSON document a control call takes apart (nesting depth). */
#define CONTROL_JSON_MAX_DEPTH 32

/* Fills a with status and the JSON value j (taken over; NULL: out of
 * memory, 500). */
void control_json_answer(struct soaphttpd_answer *a, int status, json_t *j);

/* Fills a with {"error": printf(fmt, ...)} and status. */
void control_json_error(struct soaphttpd_answer *a, int status, const char *fmt,
                        ...) __attribute__((format(printf, 3, 4)));

/* Percent-decodes v[n] ('+' is a blank) into buf: 0, or -1 when it does
 * not fit, holds a bad escape or decodes to a NUL byte. */
int control_json_decode(const char *v, size_t n, char *buf, size_t size);

/* The value of query parameter name in target, percent-decoded, into buf
 * ("" when given without "="); NULL when absent.  A value that does not
 * fit in buf, or decodes to a NUL byte, is refused: -1 in *bad (else 0),
 * NULL returned. */
const char *control_json_param(const char *target, const char *name, char *buf,
                               size_t size, int *bad);

/* The value of the query parameter name, true or false, into *on (0 when
 * absent): 0, or -1 with a filled with the 400 "NAME is true or false". */
int control_json_flag(const struct soaphttpd_request *rq, const char *name,
                      int *on, struct soaphttpd_answer *a);

/* The HTTP status of an ERR_* code: 400 invalid, 404 not found, 409
 * exists or conflict, 503 database, else 500. */
int control_json_status(int code);

/* Runs fn(ctx) through mutate_tx (a deadlock is retried) on a connection
 * of its own, its change log rows by login ("" for none).  0, or a
 * negative ERR_* with e filled. */
int control_json_tx(struct app *app, const char *login, mutate_fn fn, void *ctx,
                    struct err *e);

/* control_json_tx, its error answered in a with control_json_status:
 * 0, or -1. */
int control_json_run(struct app *app, const char *login, mutate_fn fn,
                     void *ctx, struct soaphttpd_answer *a);

/* The request body as a JSON object, or NULL with a filled with the 400
 * ("the body is not a JSON object: ..."); an empty body is {} when
 * empty_ok, else refused. */
json_t *control_json_body(const struct soaphttpd_request *rq, int empty_ok,
                          struct soaphttpd_answer *a);

/* Bytes of a server's name in a control path, at most (a host name: 253). */
#define CONTROL_JSON_NAME_MAX 255

/* Splits rest, "NAME/WHAT" after /_emu/servers/, into name
 * [CONTROL_JSON_NAME_MAX + 1] and *what (into rest): 0, or -1 with a
 * filled with the 404 (no NAME: "no such control endpoint: " and
 * endpoints; a NAME too long). */
int control_json_server_path(const char *rest, char *name, const char **what,
                             const char *endpoints, struct soaphttpd_answer *a);

/* 1 when the path of target (before '?') is exactly path. */
int control_json_path_is(const char *target, const char *path);

/* Milliseconds of CLOCK_MONOTONIC, for the durations the API reports. */
double control_json_now_ms(void);

#endif
