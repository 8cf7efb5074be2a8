/* micetro-emu: sessions as the handlers see them. */
#ifndef MICETRO_SESSION_H
#define MICETRO_SESSION_H

struct soap;

/* Checks the session id a request carries and marks it used.  Returns
 * SOAP_OK, or sets the fault ("Invalid or expired session", or a Server
 * fault when the database is down) and returns the gSOAP error. */
int session_require(struct soap *soap, const char *sid);

/* Makes sure the built-in administrator exists with the configured
 * password (hashing only when it changed).  0 or a negative ERR_*. */
struct app;
struct err;
int session_bootstrap(struct app *app, struct err *e);

#endif
