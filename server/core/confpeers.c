/* micetro-emu core: the failover peers of a dhcpd.conf (see confpeers.h). */
#include "confpeers.h"

#include <string.h>

#include "conflex.h"

/* 1 when tok can be a peer's name: a string or an identifier. */
static int is_name(const struct conflex_tok *tok)
{
    return tok->kind == CONFLEX_STRING || tok->kind == CONFLEX_NAME ||
           tok->kind == CONFLEX_NUMBER_OR_NAME || tok->kind == CONFLEX_NUMBER;
}

/* Adds name (len bytes) to names[0..*n) unless there or unfit. */
static void add(char (*names)[CONFPEERS_NAME_BUF], size_t max, size_t *n,
                const char *name, size_t len)
{
    if (len > FAILOVER_NAME_MAX || memchr(name, '\0', len) != NULL || *n >= max)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return;
    memcpy(names[*n], name, len);
    names[*n][len] = '\0';
    (*n)++;
}

size_t confpeers_scan(const char *text, size_t len,
                      char (*names)[CONFPEERS_NAME_BUF], size_t max)
{
    struct conflex lx;
    struct conflex_tok t, name, brace;
    size_t n = 0;

    conflex_init(&lx, text, len, 0);
    while (conflex_next(&lx, &t, NULL) == 0 && t.kind != CONFLEX_END) {
        if (!t.first || t.depth != 0 || !conflex_is(&t, "failover"))
            continue;
        if (conflex_next(&lx, &t, NULL) < 0)
            break;
        if (!conflex_is(&t, "peer"))
            continue;
        if (conflex_next(&lx, &name, NULL) < 0 ||
            conflex_next(&lx, &brace, NULL) < 0)
            break;
        if (is_name(&name) && conflex_punct(&brace, '{'))
            add(names, max, &n, name.text, name.len);
    }
    return n;
}
