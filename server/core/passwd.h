/* micetro-emu core: password hashing with crypt(3), and the rule a
 * password must pass to guard an API reachable beyond loopback.
 *
 * Hashes are yescrypt ("$y$...") with a fresh random salt; verification
 * accepts any scheme crypt(3) knows and compares in constant time.
 */
#ifndef MICETRO_PASSWD_H
#define MICETRO_PASSWD_H

#include <stddef.h>

#include "err.h"

/* Longest hash string passwd_hash writes, with its NUL. */
#define PASSWD_HASH_MAX 256

int passwd_hash(const char *password, char *out, size_t outlen, struct err *e);

/* 1 when password matches hash, 0 otherwise (also for a NULL or malformed
 * hash).  Takes about as long either way. */
int passwd_verify(const char *password, const char *hash);

/* The fewest characters (UTF-8 code points) of a password passwd_weakness
 * lets through, and its rule in words. */
#define PASSWD_MIN_CHARS 12
#define PASSWD_RULE "at least 12 characters without the user name"

/* Why password is too weak to guard an API listening beyond loopback, as
 * words to follow its name: "is shorter than 12 characters"
 * (PASSWD_MIN_CHARS; NULL counts as empty), else "contains the user name"
 * when login (not NULL or empty; the built-in user's name is also its
 * default password) is in it, ASCII letters in any case.  NULL when it
 * passes.  No dictionary: a floor against typos and placeholders, not a
 * measure of strength. */
const char *passwd_weakness(const char *password, const char *login);

#endif
