/* micetro-emu: the one way into a handler.
 *
 * Every operation runs the same shape on one database connection, the
 * session check included:
 *
 *     struct call k;
 *     int rc = call_begin(&k, soap, rq->session);
 *     if (rc == 0)
 *         rc = ...convert, check, work on k.c, errors into &k.e...;
 *     return call_end(&k, rc);
 *
 * call_end turns k.e into the fault (fault.c) when rc is not 0: no
 * handler sets a fault itself.  An invalid session wins over the
 * caller's other mistakes, as Micetro has it, even those found before
 * the check has run (see call_begin).  Login and Logout, which have no
 * live session to check, start with call_init and call_open instead.
 */
#ifndef MICETRO_CALL_H
#define MICETRO_CALL_H

#include "err.h"

/* Room for a login name (a longer one fails the session check). */
#define CALL_LOGIN_BUF 256

struct soap;
struct app;
struct store_conn;

struct call {
    struct soap *soap;
    struct app *app;
    struct store_conn *c;       /* the call's connection, or NULL */
    char login[CALL_LOGIN_BUF]; /* the session's login (change log) */
    struct err e;               /* what went wrong, for call_end */
    const char *gated;          /* the session whose list this is, in the
                                   gate until call_end; or NULL */
};

/* Readies k for soap without a connection: call_end may follow at once
 * (a check that comes before the connection fails into k->e). */
void call_init(struct call *k, struct soap *soap);

/* Takes the call's connection (after call_init).  0, or a negative ERR_*
 * with k->e filled (ERR_DB). */
int call_open(struct call *k);

/* call_init, then for session sid: checks its form, takes the call's
 * connection and has the session checked on it (live, then marked used,
 * its login copied into k->login).  The check rides with the call's
 * first statement (store_session_defer: one round trip for a read) and
 * its failure wins over whatever that statement or the call did; a call
 * that runs no statement has it run by call_end.  So k->login is set
 * once a statement has run.  0, or a negative ERR_* with k->e filled
 * (ERR_SESSION "Invalid or expired session", ERR_DB ...).  k is ready
 * for call_end either way. */
int call_begin(struct call *k, struct soap *soap, const char *sid);

/* call_begin for a list (Get<Objects>): first the session's count of
 * lists running is checked and raised (gate.h), before any connection
 * is taken: a session already running --max-session-lists of them is
 * refused, ERR_INVALID "too many lists at once ...".  call_end lowers
 * it. */
int call_begin_list(struct call *k, struct soap *soap, const char *sid);

/* Ends a call: runs the session check if no statement did (when it
 * fails, its error replaces rc and k->e), gives the connection back
 * (what is left open of a transaction is rolled back) and returns SOAP_OK
 * when rc is 0, else sets the fault of k->e and returns the gSOAP
 * error. */
int call_end(struct call *k, int rc);

/* The end of an Add: on rc 0, the new object's ref "{#<type>-#<id>}"
 * into *ref (request memory), then call_end. */
int call_end_ref(struct call *k, int rc, int type, long long id, char **ref);

#endif
