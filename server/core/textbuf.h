/* micetro-emu core: a growing NUL-terminated text buffer, for the
 * renderer and the import.  A failed allocation sets failed and makes
 * every later call a no-op, so a writer checks once at the end. */
#ifndef MICETRO_TEXTBUF_H
#define MICETRO_TEXTBUF_H

#include <stddef.h>

struct textbuf {
    char *p; /* NULL until something is written; the caller frees it */
    size_t len, cap;
    int failed;
};

void textbuf_put(struct textbuf *b, const char *s, size_t n);
void textbuf_puts(struct textbuf *b, const char *s);
void textbuf_printf(struct textbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Verbatim text, ending with a newline (one added when it has none);
 * nothing for "". */
void textbuf_verbatim(struct textbuf *b, const char *text);

#endif
