/* micetro-emu core: what differs between two texts, line by line, as a
 * drifted dhcpd.conf is shown (the file last pushed or imported against
 * the live one).  Pure: no I/O.
 *
 * The lines the two texts share at their start and at their end are
 * left out; what lies between is one hunk in the unified format
 * (`@@ -a,b +c,d @@`, then each removed line with '-', each added line
 * with '+').  Not the shortest difference, but a true one, in time and
 * memory linear in the texts.
 */
#ifndef MICETRO_TEXTDIFF_H
#define MICETRO_TEXTDIFF_H

#include <stddef.h>

#include "err.h"

/* Bytes of a difference's text, at most: past it the hunk is cut and
 * ends with a line saying so. */
#define TEXTDIFF_MAX ((size_t)1 << 20)

struct textdiff {
    size_t first;   /* 1-based line of the first difference (0: none) */
    size_t removed; /* lines of a that b does not have there */
    size_t added;   /* lines of b that a does not have there */
};

/* Compares a with b (NULL is ""): *d says how they differ; when out is
 * not NULL, *out gets the hunk (malloc'd, "" when equal; labels name the
 * two sides in its header lines).  0 or ERR_NOMEM. */
int textdiff(const char *a, const char *b, const char *label_a,
             const char *label_b, struct textdiff *d, char **out,
             struct err *e);

/* A one-line summary of d into buf[size]: "line 12: 3 lines removed, 4
 * added" ("no difference" when none). */
void textdiff_summary(const struct textdiff *d, char *buf, size_t size);

#endif
