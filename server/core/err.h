/* micetro-emu: error reporting shared by every layer.
 *
 * Functions return 0 or a negative ERR_* code and, on failure, fill a
 * caller-supplied struct err with the same code and a short message in
 * PostgreSQL's style ("session \"x\" does not exist").  Codes above
 * ERR_SERVER_BASE are the caller's mistakes (SOAP Client faults); codes at
 * or below it are ours (SOAP Server faults).
 */
#ifndef MICETRO_ERR_H
#define MICETRO_ERR_H

#include <stdarg.h>

enum err_code {
    ERR_OK = 0,
    /* the caller's mistakes: Client / Sender faults */
    ERR_INVALID = -1,   /* malformed or out-of-range input */
    ERR_NOTFOUND = -2,  /* unknown object or reference */
    ERR_EXISTS = -3,    /* unique name or rule already taken */
    ERR_AUTH = -4,      /* wrong user name or password */
    ERR_SESSION = -5,   /* invalid, expired or ended session */
    ERR_CONFLICT = -6,  /* rule of the data model violated */
    ERR_NOTIMPL = -7,   /* operation declared but not served yet */
    ERR_THROTTLED = -8, /* too many failed attempts: refused for a while */
    /* our failures: Server / Receiver faults */
    ERR_SERVER_BASE = -100,
    ERR_DB = -101,       /* database unreachable or failing */
    ERR_INTERNAL = -102, /* bug or unexpected system failure */
    ERR_NOMEM = -103,
    ERR_SYS = -104 /* system call failed (see message) */
};

struct err {
    int code;
    char msg[256];
};

/* Sets e->code and formats e->msg; returns code so callers can write
 * "return err_set(e, ERR_INVALID, ...)".  e may be NULL. */
int err_set(struct err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifdef __clang_analyzer__
/* The static analyzer does not follow calls to variadic functions, so it
 * cannot see that err_set returns code and takes "rc = err_set(...)" as
 * maybe 0.  For it alone, err_set is a call whose value is code. */
static inline int err_set_code(int code, int set)
{
    (void)set;
    return code;
}
#define err_set(e, code, ...)                                                  \
    err_set_code((code), (err_set)((e), (code), __VA_ARGS__))
#endif

/* Resets e to ERR_OK with an empty message. */
void err_clear(struct err *e);

/* Non-zero when code is the caller's mistake (Client fault). */
int err_is_client(int code);

#endif
