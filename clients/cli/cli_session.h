/* micetro-cli: the connection to the server, Login and the session file,
 * and every call's outcome (renewing the session, reporting faults).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MICETRO_CLI_SESSION_H
#define MICETRO_CLI_SESSION_H

#include <stddef.h>

struct soap;

struct cli {
    struct soap *soap;
    const char *url;           /* the SOAP endpoint */
    const char *user;          /* the login name */
    const char *password_file; /* NULL: MICETRO_PASSWORD, else none */
    const char *session_file;  /* NULL: the default path */
    const char *central;       /* Login's server; NULL: the URL's host */
    int json;
    char *session;  /* the current session (malloc'd) */
    char *path;     /* the session file in use (malloc'd) */
    char *password; /* read once, for a renewal too (malloc'd) */
};

/* The most bytes of a session file, a password file and a session id. */
#define CLI_SESSION_FILE_MAX 4096
#define CLI_PASSWORD_MAX 1024

/* One call: fills its request with session and sends it; returns gSOAP's
 * error code (SOAP_OK). */
typedef int (*cli_call_fn)(struct cli *c, const char *session, void *arg);

/* Declares struct NAME holding OP's request rq and answer rs, and
 * NAME_call, the cli_call_fn that sends rq with the session given. */
#define CLI_SESSION_CALL(name, op)                                             \
    struct name {                                                              \
        struct _mm__##op rq;                                                   \
        struct _mm__##op##Response rs;                                         \
    };                                                                         \
    static int name##_call(struct cli *c, const char *session, void *arg)      \
    {                                                                          \
        struct name *x = arg;                                                  \
        x->rq.session = (char *)session;                                       \
        return soap_call___mm__##op(c->soap, c->url, NULL, &x->rq, &x->rs);    \
    }

/* Sets up c->soap (SOAP 1.2 when soap12, timeout in seconds, cafile for
 * https: NULL, the system's CAs): 0 or CLI_LOCAL. */
int cli_session_open(struct cli *c, int soap12, unsigned timeout,
                     const char *cafile);
void cli_session_close(struct cli *c);

/* Logs in and keeps the session in the session file: a CLI_ status. */
int cli_session_login(struct cli *c);
/* Logs out (when there is a session) and removes the session file. */
int cli_session_logout(struct cli *c);
/* Runs fn with the kept session (logging in first when there is none and a
 * password is at hand); after "Invalid or expired session" logs in again
 * and runs it once more.  A fault's text goes to stderr.  Returns a CLI_
 * status: CLI_OK, CLI_FAULT, CLI_TRANSPORT or CLI_LOCAL. */
int cli_session_call(struct cli *c, cli_call_fn fn, void *arg);
/* The first n bytes of s, in the call's memory (soap_malloc). */
char *cli_session_strndup(struct cli *c, const char *s, size_t n);
/* A call outside a session (its outcome reported as above). */
int cli_session_status(struct cli *c, int soap_error);

#endif
