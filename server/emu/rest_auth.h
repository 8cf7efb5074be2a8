/* micetro-emu: the REST API's credentials (HTTP Basic) and the sessions
 * they stand for.
 *
 * REST has no Login: every call carries the user name and password.  A
 * verified pair is remembered briefly in memory with the session its
 * Login made, so that a client's calls do not each cost a password hash:
 * at most REST_AUTH_MAX pairs, each for REST_AUTH_TTL_S seconds from its
 * Login (the oldest make room).  A pair is kept only as an HMAC-SHA256
 * under a key drawn at start, never in clear.  The session is a real one:
 * what ends it (Logout, a new password, which ends every session of the
 * user, its idle timeout) ends the pair too, since the next call with it
 * fails its session check and must log in again (rest.c).
 */
#ifndef MICETRO_REST_AUTH_H
#define MICETRO_REST_AUTH_H

#include <stddef.h>

#include "err.h"

#define REST_AUTH_MAX 64
#define REST_AUTH_TTL_S 30
/* the longest user name and password an Authorization header may carry */
#define REST_AUTH_USER_MAX 255
#define REST_AUTH_PASS_MAX 1023
/* a session id's room (sessions are 20 characters) */
#define REST_AUTH_SID_BUF 64

/* Parses an Authorization value "Basic base64(user:password)" (scheme in
 * any case) into user[REST_AUTH_USER_MAX + 1] and
 * pass[REST_AUTH_PASS_MAX + 1]: 0, or ERR_AUTH with e saying what is
 * wrong (absent, another scheme, not base64, no ':', too long, a control
 * character). */
int rest_auth_parse(const char *authorization, char *user, char *pass,
                    struct err *e);

/* The session remembered for user and pass into sid[REST_AUTH_SID_BUF]:
 * 1 when there is one not expired, else 0. */
int rest_auth_lookup(const char *user, const char *pass, char *sid);

/* Remembers sid for user and pass (after their Login succeeded). */
void rest_auth_store(const char *user, const char *pass, const char *sid);

/* Forgets every pair whose session is sid (it failed its check). */
void rest_auth_drop(const char *sid);

#endif
