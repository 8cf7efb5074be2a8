/* micetro-emu core: password hashing with crypt(3).
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

#endif
