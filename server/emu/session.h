/* micetro-emu: sessions as the handlers see them. */
#ifndef MICETRO_SESSION_H
#define MICETRO_SESSION_H

/* The built-in user's login name. */
#define SESSION_ADMIN_LOGIN "administrator"

/* At the start of a serving process (run, serve): creates the built-in
 * administrator when it does not exist, with MICETRO_ADMIN_PASSWORD or
 * the default; sets an existing one's password only from
 * MICETRO_ADMIN_PASSWORD, and only when it is another (the hash is made
 * only then).  One writer at a time across processes.  0 or a negative
 * ERR_*. */
struct app;
struct err;
int session_bootstrap(struct app *app, struct err *e);

/* The tables of failed logins, per client address and per login name,
 * sized and limited by the configuration (app->login_addr,
 * app->login_name).  0 or ERR_NOMEM. */
int session_throttles_new(struct app *app, struct err *e);

void session_throttles_free(struct app *app);

#endif
