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

/* Creates user `login` with `hash`, or replaces its hash when it exists. */
int store_user_upsert(struct store_conn *c, const char *login, const char *hash,
                      struct err *e);

#endif
