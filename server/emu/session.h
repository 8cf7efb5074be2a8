/* micetro-emu: sessions as the handlers see them. */
#ifndef MICETRO_SESSION_H
#define MICETRO_SESSION_H

#include <stddef.h>

struct soap;

/* Checks the session id a request carries and marks it used.  Returns
 * SOAP_OK, or sets the fault ("Invalid or expired session", or a Server
 * fault when the database is down) and returns the gSOAP error. */
int session_require(struct soap *soap, const char *sid);

/* Room for a login name (a longer one fails the check: Server fault). */
#define SESSION_LOGIN_BUF 256

/* Same, and copies the session's login name into login[len] (len > 0;
 * SESSION_LOGIN_BUF), for the change log of a mutation. */
int session_require_login(struct soap *soap, const char *sid, char *login,
                          size_t len);

/* Makes sure the built-in administrator exists with the configured
 * password (hashing only when it changed).  0 or a negative ERR_*. */
struct app;
struct err;
int session_bootstrap(struct app *app, struct err *e);

#endif
