/* micetro-emu: what every request handler can reach.
 *
 * One struct app lives for the whole process; handlers get it through
 * app_of(soap).  It owns nothing the handlers must free.
 */
#ifndef MICETRO_APP_H
#define MICETRO_APP_H

#include <signal.h>
#include <time.h>

#include "config.h"

struct control_faults;
struct control_journal;
struct gate;
struct jsonrpc_schema;
struct soap;
struct startup;
struct store;
struct throttle;
struct wsdl;

struct app {
    const struct config *cfg;
    /* a request may use store once startup_wait(startup, ...) returned 0:
     * the HTTP front serves while the process starts */
    struct startup *startup;
    struct store *store;
    struct wsdl *wsdl;
    struct jsonrpc_schema *jsonrpc; /* the WSDL's schema, for JSON-RPC */
    struct gate *lists; /* the list calls of each session (call_begin_list) */
    const volatile sig_atomic_t *stop; /* set by SIGTERM/SIGINT */
    /* failed logins per client address and per login name (session.c) */
    struct throttle *login_addr, *login_name;
    time_t started;                  /* for the control API's health */
    const char *worker_state;        /* "running", "not running: ..." */
    struct control_journal *journal; /* the request journal (serving) */
    struct control_faults *faults;   /* injected faults (serving) */
};

/* The app behind a gSOAP context of the daemon (app.c). */
struct app *app_of(struct soap *soap);

#endif
