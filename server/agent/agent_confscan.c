/* micetro-dhcp-agent: dhcpd.conf facts (see agent_confscan.h). */
#include "agent_confscan.h"

#include <stdlib.h>
#include <string.h>

#define TOK_MAX 512
#define MAX_KEYS 16

enum tok_kind { TOK_END, TOK_WORD, TOK_STRING, TOK_PUNCT };

struct scanner {
    const char *p, *end;
};

struct tok {
    enum tok_kind kind;
    char text[TOK_MAX]; /* truncated when longer */
};

struct key {
    char name[128], algorithm[64], secret[512];
};

static void next(struct scanner *s, struct tok *t)
{
    size_t n = 0;

    t->text[0] = '\0';
    for (;;) {
        while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'
                                 || *s->p == '\n' || *s->p == '\r'))
            s->p++;
        if (s->p < s->end && *s->p == '#') {
            while (s->p < s->end && *s->p != '\n')
                s->p++;
            continue;
        }
        break;
    }
    if (s->p >= s->end) {
        t->kind = TOK_END;
        return;
    }
    if (*s->p == '"') {
        t->kind = TOK_STRING;
        s->p++;
        while (s->p < s->end && *s->p != '"') {
            if (*s->p == '\\' && s->p + 1 < s->end)
                s->p++;
            if (n + 1 < TOK_MAX)
                t->text[n++] = *s->p;
            s->p++;
        }
        if (s->p < s->end)
            s->p++;
        t->text[n] = '\0';
        return;
    }
    if (strchr("{};,", *s->p)) {
        t->kind = TOK_PUNCT;
        t->text[0] = *s->p++;
        t->text[1] = '\0';
        return;
    }
    t->kind = TOK_WORD;
    while (s->p < s->end && !strchr(" \t\r\n{};,\"#", *s->p)) {
        if (n + 1 < TOK_MAX)
            t->text[n++] = *s->p;
        s->p++;
    }
    t->text[n] = '\0';
}

static int is(const struct tok *t, const char *w)
{
    return (t->kind == TOK_WORD || t->kind == TOK_PUNCT)
           && strcmp(t->text, w) == 0;
}

static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Reads a key block body after "key NAME {" up to its "}". */
static void read_key(struct scanner *s, struct key *k)
{
    struct tok t;
    int depth = 1;

    while (depth > 0) {
        next(s, &t);
        if (t.kind == TOK_END)
            return;
        if (is(&t, "{"))
            depth++;
        else if (is(&t, "}"))
            depth--;
        else if (depth == 1 && is(&t, "algorithm")) {
            next(s, &t);
            if (t.kind == TOK_WORD || t.kind == TOK_STRING)
                copy(k->algorithm, sizeof(k->algorithm), t.text);
        } else if (depth == 1 && is(&t, "secret")) {
            next(s, &t);
            if (t.kind == TOK_WORD || t.kind == TOK_STRING)
                copy(k->secret, sizeof(k->secret), t.text);
        }
    }
}

void agent_confscan(const char *text, size_t len, struct agent_confscan *out)
{
    struct scanner s = {text, text + len};
    struct key *keys = calloc(MAX_KEYS, sizeof(*keys));
    struct tok t, a;
    int depth = 0, nkeys = 0, at_start = 1;

    memset(out, 0, sizeof(*out));
    for (;;) {
        next(&s, &t);
        if (t.kind == TOK_END)
            break;
        if (is(&t, "{")) {
            depth++;
            at_start = 1;
            continue;
        }
        if (is(&t, "}")) {
            if (depth > 0)
                depth--;
            at_start = 1;
            continue;
        }
        if (is(&t, ";")) {
            at_start = 1;
            continue;
        }
        if (!at_start || depth != 0) {
            at_start = 0;
            continue;
        }
        at_start = 0;
        if (is(&t, "omapi-port")) {
            next(&s, &a);
            if (a.kind == TOK_WORD) {
                char *end;
                long v = strtol(a.text, &end, 10);
                if (*end == '\0' && v > 0 && v <= 65535)
                    out->omapi_port = (int)v;
            }
        } else if (is(&t, "omapi-key")) {
            next(&s, &a);
            if (a.kind == TOK_WORD || a.kind == TOK_STRING)
                copy(out->key_name, sizeof(out->key_name), a.text);
        } else if (is(&t, "key")) {
            next(&s, &a);
            if (a.kind != TOK_WORD && a.kind != TOK_STRING)
                continue;
            struct tok b;
            next(&s, &b);
            if (!is(&b, "{")) {
                at_start = is(&b, ";");
                continue;
            }
            if (keys != NULL && nkeys < MAX_KEYS) {
                copy(keys[nkeys].name, sizeof(keys[0].name), a.text);
                read_key(&s, &keys[nkeys]);
                nkeys++;
            } else {
                struct key skip;
                read_key(&s, &skip);
            }
            at_start = 1;
        } else if (is(&t, "failover")) {
            next(&s, &a);
            if (!is(&a, "peer"))
                continue;
            next(&s, &a); /* the name */
            struct tok b;
            next(&s, &b);
            if (is(&b, "{")) {
                out->has_peer = 1;
                depth++;
                at_start = 1;
            } else if (is(&b, ";")) {
                at_start = 1;
            }
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
