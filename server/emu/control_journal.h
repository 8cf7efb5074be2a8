/* micetro-emu: the request journal (docs/control.md, "Request journal").
 *
 * Every SOAP call answered is recorded (the front's soap_done hook): its
 * time, operation, login, duration, fault, status, client and arguments
 * (control_args.h), with --journal-bodies its whole bodies too.  The
 * hook only queues a copy in memory; a thread of its own writes the queue
 * to the database in batches (one INSERT per batch) and trims the table
 * to --journal-size rows, so the journal costs a call no round trip.  The
 * queue is bounded (JOURNAL_QUEUE_MAX calls, JOURNAL_QUEUE_BYTES): a call
 * that finds it full waits for room in its worker (at most ROOM_WAIT_MS,
 * so calls slow down to what the thread writes); one that finds no room
 * (or came in an I/O thread), or whose batch the database refused, is
 * counted as dropped and the count answered by GET /_emu/requests.  That GET
 * first waits until this process's queue is written, so a call answered before
 * it is in its answer.
 */
#ifndef MICETRO_CONTROL_JOURNAL_H
#define MICETRO_CONTROL_JOURNAL_H

#include "err.h"
#include "soaphttpd.h"

struct app;
struct control_journal;
struct store;

/* Calls queued at most, and bytes of their copies. */
#define JOURNAL_QUEUE_MAX 10000
#define JOURNAL_QUEUE_BYTES (64u << 20)

/* The journal of this process, keeping size rows (0: off, nothing
 * recorded), the bodies too when bodies.  Calls are queued from now on;
 * control_journal_start writes them.  NULL when out of memory. */
struct control_journal *control_journal_new(int size, int bodies);

/* Starts writing the queue to st (once the database is open).  0, or a
 * negative ERR_* with e filled when the thread cannot start. */
int control_journal_start(struct control_journal *j, struct store *st,
                          struct err *e);

/* Writes what is queued (the rest dropped once a batch fails), stops the
 * thread, frees j.  NULL is fine. */
void control_journal_free(struct control_journal *j);

/* Waits until every call queued so far has been written or dropped, at
 * most timeout_ms: 0, or -1 when that time ran out. */
int control_journal_flush(struct control_journal *j, int timeout_ms);

/* The front's soap_done hook (user: the struct app): queues the call. */
void control_journal_note(void *user, const struct soaphttpd_soap_call *c);

/* GET /_emu/requests (the rows) and DELETE /_emu/requests (all gone). */
void control_journal_handle(struct app *app, const struct soaphttpd_request *rq,
                            const char *rest, struct soaphttpd_answer *a);

#endif
