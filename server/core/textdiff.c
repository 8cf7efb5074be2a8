/* micetro-emu core: line differences (see textdiff.h). */
#include "textdiff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The line starts of s (n of them; a last line without '\n' counts),
 * into a malloc'd array; NULL with *n 0 for an empty text. */
static const char **lines(const char *s, size_t *n, int *nomem)
{
    const char **v;
    size_t k = 0, cap = 1;

    *n = 0;
    for (const char *p = s; *p; p++)
        cap += *p == '\n';
    if (*s == '\0')
        return NULL;
    if ((v = malloc(cap * sizeof(*v))) == NULL) {
        *nomem = 1;
        return NULL;
    }
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');

        v[k++] = p;
        p = nl != NULL ? nl + 1 : p + strlen(p);
    }
    *n = k;
    return v;
}

/* Bytes of the line at p, without its '\n'. */
static size_t line_len(const char *p)
{
    const char *nl = strchr(p, '\n');

    return nl != NULL ? (size_t)(nl - p) : strlen(p);
}

static int same(const char *x, const char *y)
{
    size_t n = line_len(x);

    return n == line_len(y) && memcmp(x, y, n) == 0;
}

/* Appends one line, with its mark, to out (cut at TEXTDIFF_MAX). */
static void put(char *out, size_t *used, int *cut, char mark, const char *p)
{
    size_t n = line_len(p);
    static const char note[] = "... (cut: the difference is longer)\n";

    if (*cut)
        return;
    if (*used + n + 2 + sizeof(note) > TEXTDIFF_MAX) {
        memcpy(out + *used, note, sizeof(note));
        *used += sizeof(note) - 1;
        *cut = 1;
        return;
    }
    out[(*used)++] = mark;
    memcpy(out + *used, p, n);
    *used += n;
    out[(*used)++] = '\n';
    out[*used] = '\0';
}

int textdiff(const char *a, const char *b, const char *label_a,
             const char *label_b, struct textdiff *d, char **out, struct err *e)
{
    size_t na, nb, pre = 0, suf = 0, used = 0;
    int nomem = 0, cut = 0;
    const char **la, **lb;
    char *o;

    memset(d, 0, sizeof(*d));
    if (out != NULL)
        *out = NULL;
    la = lines(a != NULL ? a : "", &na, &nomem);
    lb = lines(b != NULL ? b : "", &nb, &nomem);
    if (nomem) {
        free(la);
        free(lb);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    while (pre < na && pre < nb && same(la[pre], lb[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre &&
           same(la[na - 1 - suf], lb[nb - 1 - suf]))
        suf++;
    d->removed = na - pre - suf;
    d->added = nb - pre - suf;
    /* texts equal line by line may still differ in a last '\n' */
    if (d->removed == 0 && d->added == 0 &&
        strcmp(a != NULL ? a : "", b != NULL ? b : "") != 0 && na > 0 &&
        nb > 0) {
        pre = (na < nb ? na : nb) - 1;
        suf = 0;
        d->removed = na - pre;
        d->added = nb - pre;
    }
    if (d->removed > 0 || d->added > 0)
        d->first = pre + 1;
    if (out == NULL) {
        free(la);
        free(lb);
        return 0;
    }
    if ((o = malloc(TEXTDIFF_MAX + 1)) == NULL) {
        free(la);
        free(lb);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    o[0] = '\0';
    if (d->first > 0) {
        used = (size_t)snprintf(
            o, 1024, "--- %.400s\n+++ %.400s\n@@ -%zu,%zu +%zu,%zu @@\n",
            label_a, label_b, pre + (d->removed > 0), d->removed,
            pre + (d->added > 0), d->added);
        for (size_t i = pre; i < na - suf; i++)
            put(o, &used, &cut, '-', la[i]);
        for (size_t i = pre; i < nb - suf; i++)
            put(o, &used, &cut, '+', lb[i]);
    }
    free(la);
    free(lb);
    *out = o;
    return 0;
}

void textdiff_summary(const struct textdiff *d, char *buf, size_t size)
{
    if (d->first == 0)
        snprintf(buf, size, "no difference");
    else
        snprintf(buf, size, "line %zu: %zu line%s removed, %zu added", d->first,
                 d->removed, d->removed == 1 ? "" : "s", d->added);
}
