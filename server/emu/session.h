/* micetro-emu: sessions as the handlers see them. */
#ifndef MICETRO_SESSION_H
#define MICETRO_SESSION_H

/* The built-in user's login name. */
#define SESSION_ADMIN_LOGIN "administrator"

/* Makes sure the built-in administrator exists with the configured
 * password (hashing only when it changed).  0 or a negative ERR_*. */
struct app;
struct err;
int session_bootstrap(struct app *app, struct err *e);

#endif
