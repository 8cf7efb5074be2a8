/* micetro-emu storage: users.
 *
 * Passwords are stored only as crypt(3) hashes, made by the caller
 * (passwd.h).
 */
#ifndef MICETRO_STORE_USER_H
#define MICETRO_STORE_USER_H

#include <stddef.h>

#include "store.h"

/* Copies the password hash of login name `login` into hash (NUL-terminated).
 * ERR_NOTFOUND when there is no such (enabled) user. */
int store_user_hash(struct store_conn *c, const char *login, char *hash,
                    size_t hashlen, struct err *e);

/* Locks the users table against other writers (not against reads and
 * Logins) until the transaction ends, then copies the hash of `login`,
 * enabled or not, into hash: users are created and their passwords set
 * one at a time.  In a transaction (store_begin).  ERR_NOTFOUND when
 * there is no such user. */
int store_user_lock(struct store_conn *c, const char *login, char *hash,
                    size_t hashlen, struct err *e);

/* Creates user `login` with `hash`.  ERR_EXISTS when it exists. */
int store_user_create(struct store_conn *c, const char *login, const char *hash,
                      struct err *e);

/* Replaces the hash of user `login`, enabled or not, and ends the user's
 * sessions, in one statement: a password change ends the sessions opened
 * with the old one.  The number of sessions ended (>= 0), or ERR_NOTFOUND
 * when there is no such user. */
int store_user_set_hash(struct store_conn *c, const char *login,
                        const char *hash, struct err *e);

#endif
