/* micetro-emu core: the agents' secrets per DHCP server (the file of
 * --agent-secrets), parsed from its bytes and looked up by server name.
 *
 * One entry per line:
 *
 *     SERVER SECRET
 *
 * SERVER is a DHCP server's name, a host name compared case-insensitively
 * with its trailing dot optional on either side ("dhcp1.example." is
 * "DHCP1.example"); then spaces or tabs; then the secret, the rest of the
 * line (inner blanks included) without its CR/LF and trailing blanks, as
 * micetro-dhcp-agent reads its own secret file.  Leading blanks are
 * skipped; so are blank lines and lines then starting with '#'.
 *
 * Refused, the message naming the line: a name that is not a host name,
 * a name without a secret, a secret over SECRETS_SECRET_MAX bytes, a NUL
 * byte, a server named twice (after folding case and dot), more than
 * SECRETS_MAX_ENTRIES entries; and a text over SECRETS_MAX_BYTES.
 *
 * Pure: no I/O.  The secrets are wiped from memory when freed.
 */
#ifndef MICETRO_SECRETS_H
#define MICETRO_SECRETS_H

#include <stddef.h>

#include "err.h"

#define SECRETS_SECRET_MAX 255    /* bytes of one secret */
#define SECRETS_MAX_ENTRIES 10000 /* entries in one file */
#define SECRETS_MAX_BYTES 1048576 /* bytes of one file */

struct secrets;

/* Parses text[len] into a new *out (free with secrets_free).  On a
 * refusal ERR_INVALID, *out NULL and e's message "line N: ..." (or the
 * size).  ERR_NOMEM when out of memory. */
int secrets_parse(const char *text, size_t len, struct secrets **out,
                  struct err *e);

/* The secret for server: its entry in s (s may be NULL: no file), else
 * fallback when it is not NULL or "", else NULL.  The string belongs to s
 * or to the caller's fallback. */
const char *secrets_lookup(const struct secrets *s, const char *server,
                           const char *fallback);

/* The number of entries in s (0 when s is NULL). */
size_t secrets_count(const struct secrets *s);

/* Wipes and frees s (NULL is fine). */
void secrets_free(struct secrets *s);

#endif
