/* micetro-emu: fault injection (docs/control.md, "Fault injection").
 *
 * Rules kept in the memory of the serving process (each emulator its
 * own; a restart forgets them), at most FAULTS_MAX: an operation (or
 * "*"), optionally arguments to match (control_args.h), and what the
 * call meets instead of being served: a wait (delayMs, in the request's
 * worker thread: the I/O threads are never held, a worker is), no answer
 * at all (drop), or a fault answered as the emulator answers its own
 * (fault.c), after the wait when both are given; a rule with times is
 * removed once used that often.  The first rule that applies to a call,
 * in the order they were added, is used.
 */
#ifndef MICETRO_CONTROL_FAULTS_H
#define MICETRO_CONTROL_FAULTS_H

#include <stddef.h>

#include "soaphttpd.h"

struct app;
struct control_faults;
struct soap;

/* Rules at most, and the longest delay. */
#define FAULTS_MAX 256
#define FAULTS_MAX_DELAY_MS 60000

/* An empty set of rules; NULL when out of memory. */
struct control_faults *control_faults_new(void);
void control_faults_free(struct control_faults *f);

/* Every rule gone (POST /_emu/reset too). */
void control_faults_clear(struct control_faults *f);

/* The front's soap_intercept hook (user: the struct app). */
void control_faults_intercept(void *user, struct soap *soap, const char *op,
                              const char *body, size_t len,
                              struct soaphttpd_intercept *ic);

/* /_emu/faults: GET (the rules), POST (one more), DELETE (all). */
void control_faults_handle(struct app *app, const struct soaphttpd_request *rq,
                           const char *rest, struct soaphttpd_answer *a);

/* /_emu/faults/...: GET presets, DELETE {id}. */
void control_faults_handle_one(struct app *app,
                               const struct soaphttpd_request *rq,
                               const char *rest, struct soaphttpd_answer *a);

#endif
