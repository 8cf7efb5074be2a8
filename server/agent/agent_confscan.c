/* micetro-dhcp-agent: dhcpd.conf facts (see agent_confscan.h). */
#include "agent_confscan.h"

#include <stdlib.h>
#include <string.h>

#include "conflex.h"

#define MAX_KEYS 16
#define NAME_BUF 1024 /* a dotted name read whole, then cut to its field */

struct key {
    char name[128], algorithm[64], secret[512];
};

static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A name after a keyword, tok already read: a string's text or a dotted
 * name (key, algorithm and omapi-key names, as dhcpd reads them) into
 * dst[size], cut to fit.  0, or -1 when tok is neither (dst unchanged). */
static int read_name(struct conflex *lx, const struct conflex_tok *tok,
                     char *dst, size_t size)
{
    char name[NAME_BUF];

    if (tok->kind == CONFLEX_STRING) {
        copy(dst, size, tok->text);
        return 0;
    }
    if (conflex_dotted(lx, tok, name, sizeof name, NULL) < 0)
        return -1;
    copy(dst, size, name);
    return 0;
}

static int is_base64(const struct conflex_tok *tok)
{
    size_t i;

    for (i = 0; i < tok->len; i++) {
        char c = tok->text[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
            return 0;
    }
    return 1;
}

/* A key's secret after `secret`, tok its first token (a string, name or
 * number, or base64 punctuation): as dhcpd reads it, its text joined with
 * those of the tokens after it made of base64 characters only
 * (`YWJj+/=` is a name and three punctuation tokens), into dst[size], cut
 * to fit. */
static void read_secret(struct conflex *lx, const struct conflex_tok *tok,
                        char *dst, size_t size)
{
    struct conflex_tok t;
    size_t n = 0;

    if (tok->kind == CONFLEX_END ||
        (tok->kind == CONFLEX_PUNCT && !is_base64(tok)))
        return;
    for (;;) {
        size_t k = tok->len < size - 1 - n ? tok->len : size - 1 - n;

        memcpy(dst + n, tok->text, k);
        n += k;
        dst[n] = '\0';
        if (conflex_peek(lx, &t, NULL) < 0 || t.kind == CONFLEX_END ||
            !is_base64(&t) || conflex_next(lx, &t, NULL) < 0)
            return;
        tok = &t;
    }
}

/* Reads a key block's body after "key NAME {" up to its "}": the
 * algorithm and secret directly inside it. */
static void read_key(struct conflex *lx, int depth, struct key *k)
{
    struct conflex_tok t, a;

    for (;;) {
        if (conflex_next(lx, &t, NULL) < 0 || t.kind == CONFLEX_END)
            return;
        if (conflex_punct(&t, '}') && t.depth == depth)
            return;
        if (t.depth != depth + 1)
            continue;
        if (!conflex_is(&t, "algorithm") && !conflex_is(&t, "secret"))
            continue;
        if (conflex_next(lx, &a, NULL) < 0 ||
            (conflex_punct(&a, '}') && a.depth == depth))
            return;
        if (conflex_is(&t, "algorithm"))
            read_name(lx, &a, k->algorithm, sizeof(k->algorithm));
        else
            read_secret(lx, &a, k->secret, sizeof(k->secret));
    }
}

void agent_confscan(const char *text, size_t len, struct agent_confscan *out)
{
    struct conflex lx;
    struct key *keys = calloc(MAX_KEYS, sizeof(*keys));
    struct conflex_tok t, a, b;
    int nkeys = 0;

    memset(out, 0, sizeof(*out));
    conflex_init(&lx, text, len, 0);
    /* statements at the top level; the scan ends at the end of the text
     * or where the lexer refuses it */
    while (conflex_next(&lx, &t, NULL) == 0 && t.kind != CONFLEX_END) {
        if (!t.first || t.depth != 0)
            continue;
        if (conflex_is(&t, "omapi-port")) {
            if (conflex_next(&lx, &a, NULL) < 0)
                break;
            if (a.kind == CONFLEX_NUMBER && conflex_peek(&lx, &b, NULL) == 0 &&
                conflex_punct(&b, ';')) {
                long v = strtol(a.text, NULL, 10);

                if (a.text[0] != '-' && v > 0 && v <= 65535)
                    out->omapi_port = (int)v;
            }
        } else if (conflex_is(&t, "omapi-key")) {
            if (conflex_next(&lx, &a, NULL) < 0)
                break;
            read_name(&lx, &a, out->key_name, sizeof(out->key_name));
        } else if (conflex_is(&t, "key")) {
            struct key skip,
                *k = keys != NULL && nkeys < MAX_KEYS ? &keys[nkeys] : &skip;

            memset(&skip, 0, sizeof(skip));
            if (conflex_next(&lx, &a, NULL) < 0 ||
                read_name(&lx, &a, k->name, sizeof(k->name)) < 0)
                continue;
            if (conflex_next(&lx, &b, NULL) < 0)
                break;
            if (!conflex_punct(&b, '{'))
                continue;
            read_key(&lx, b.depth, k);
            if (k != &skip)
                nkeys++;
        } else if (conflex_is(&t, "failover")) {
            if (conflex_next(&lx, &a, NULL) < 0)
                break;
            if (!conflex_is(&a, "peer"))
                continue;
            if (conflex_next(&lx, &a, NULL) < 0 /* the name */
                || conflex_next(&lx, &b, NULL) < 0)
                break;
            if (conflex_punct(&b, '{'))
                out->has_peer = 1;
        }
    }
    for (int i = 0; i < nkeys && out->key_name[0]; i++) {
        if (strcmp(keys[i].name, out->key_name) == 0) {
            copy(out->key_algorithm, sizeof(out->key_algorithm),
                 keys[i].algorithm);
            copy(out->key_secret, sizeof(out->key_secret), keys[i].secret);
        }
    }
    free(keys);
}

int agent_confscan_includes(const char *text, size_t len,
                            int (*fn)(void *ctx, const char *name), void *ctx)
{
    struct conflex lx;
    struct conflex_tok t, a;
    int rc;

    conflex_init(&lx, text, len, 0);
    while (conflex_next(&lx, &t, NULL) == 0 && t.kind != CONFLEX_END) {
        if (!t.first || !conflex_is(&t, "include"))
            continue;
        if (conflex_next(&lx, &a, NULL) < 0)
            break;
        if (a.kind == CONFLEX_STRING && strlen(a.text) == a.len &&
            (rc = fn(ctx, a.text)) != 0)
            return rc;
    }
    return 0;
}
