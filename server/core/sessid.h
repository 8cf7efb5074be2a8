/* micetro-emu core: session identifiers.
 *
 * A session id is SESSID_LEN characters of [A-Za-z0-9] drawn from the
 * kernel's cryptographic random source (getrandom), as Micetro's are.
 */
#ifndef MICETRO_SESSID_H
#define MICETRO_SESSID_H

#include "err.h"

#define SESSID_LEN 20

/* Writes a new id and its NUL into out (SESSID_LEN + 1 bytes). */
int sessid_generate(char *out, struct err *e);

/* 1 when s has the shape of a session id, else 0 (s may be NULL). */
int sessid_valid(const char *s);

#endif
