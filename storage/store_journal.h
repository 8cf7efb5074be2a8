/* micetro-emu storage: the request journal (docs/control.md, "Request
 * journal"): the SOAP calls of every emulator sharing the database, one
 * row each, oldest dropped beyond a size.
 */
#ifndef MICETRO_STORE_JOURNAL_H
#define MICETRO_STORE_JOURNAL_H

#include <stddef.h>

#include "err.h"

struct store_conn;

/* The largest page store_journal_list reads. */
#define STORE_JOURNAL_MAX_LIMIT 10000

/* Adds the calls of rows, a JSON array of objects {"t": RFC 3339, "operation",
 * "login", "ms", "fault", "status", "peer", "arguments": {...}, "request",
 * "response"} (null or absent where a call has none), in their order,
 * then drops the oldest rows beyond keep (> 0).  Two statements, each its
 * own transaction.  0, or a negative ERR_* code. */
int store_journal_add(struct store_conn *c, const char *rows, int keep,
                      struct err *e);

/* Empties the journal; ids start again at 1.  0, or a negative ERR_*. */
int store_journal_clear(struct store_conn *c, struct err *e);

/* Which rows store_journal_list reads. */
struct store_journal_query {
    const char *operation;  /* exactly this one; NULL: any */
    long long since_id;     /* after this id; < 0: none */
    const char *since_time; /* at or after this timestamptz; NULL: none */
    int limit;              /* 1..STORE_JOURNAL_MAX_LIMIT */
};

/* One row, its texts valid during the callback; NULL for SQL NULL. */
struct store_journal_row {
    long long id;
    const char *time; /* RFC 3339, milliseconds, UTC */
    const char *operation, *login, *fault, *peer;
    double ms;
    int status;
    const char *arguments; /* JSON text */
    const char *request, *response;
};

/* Called for each row in order; a non-zero return stops and is returned
 * (a negative ERR_* with e filled). */
typedef int (*store_journal_row_fn)(void *ctx,
                                    const struct store_journal_row *row,
                                    struct err *e);

/* The rows of q, oldest first: with a since, the first limit after it;
 * without, the newest limit.  One statement.  0, or a negative ERR_* (an
 * unreadable since_time is ERR_INVALID). */
int store_journal_list(struct store_conn *c,
                       const struct store_journal_query *q,
                       store_journal_row_fn fn, void *ctx, struct err *e);

#endif
