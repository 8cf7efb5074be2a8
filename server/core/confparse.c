/* micetro-emu core: a whole dhcpd.conf into a tree (see confparse.h). */
#include "confparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflex.h"
#include "err.h"

/* One file being read. */
struct file {
    struct conflex lx;
    const char *name; /* owned by the conf */
};

struct parser {
    struct confparse *conf;
    confparse_include_fn include;
    void *ctx;
    int depth;         /* blocks and includes open */
    int include_depth; /* includes open */
    size_t includes;   /* includes followed */
    size_t total;      /* bytes of the files read */
    int nomem;
    struct confparse_err *err;
};

/* ---- errors ----------------------------------------------------------- */

/* Bytes outside printable ASCII (from names in the input) as '?'. */
static void printable(char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '?';
}

static int fail(struct parser *p, const struct file *f, int line, int col,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(struct parser *p, const struct file *f, int line, int col,
                const char *fmt, ...)
{
    va_list ap;

    if (p->err == NULL || p->err->what[0] != '\0')
        return ERR_INVALID; /* the first error counts */
    snprintf(p->err->file, sizeof p->err->file, "%s", f != NULL ? f->name : "");
    p->err->line = line;
    p->err->col = col;
    va_start(ap, fmt);
    vsnprintf(p->err->what, sizeof p->err->what, fmt, ap);
    va_end(ap);
    printable(p->err->file);
    printable(p->err->what);
    return ERR_INVALID;
}

static int fail_at(struct parser *p, const struct file *f,
                   const struct conflex_tok *t, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(struct parser *p, const struct file *f,
                   const struct conflex_tok *t, const char *fmt, ...)
{
    char what[sizeof p->err->what];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return fail(p, f, t->line, t->col, "%s", what);
}

/* The lexer's refusal, or a refused value. */
static int fail_lex(struct parser *p, const struct file *f,
                    const struct conflex_err *e)
{
    return fail(p, f, e->line, e->col, "%s", e->what);
}

static int nomem(struct parser *p)
{
    p->nomem = 1;
    return ERR_NOMEM;
}

/* ---- tokens ----------------------------------------------------------- */

static int next(struct parser *p, struct file *f, struct conflex_tok *t)
{
    struct conflex_err e;

    if (conflex_next(&f->lx, t, &e) < 0)
        return fail_lex(p, f, &e);
    return 0;
}

static int peek(struct parser *p, struct file *f, struct conflex_tok *t)
{
    struct conflex_err e;

    if (conflex_peek(&f->lx, t, &e) < 0)
        return fail_lex(p, f, &e);
    return 0;
}

/* What t is, for "expected X, not Y". */
static void describe(const struct conflex_tok *t, char *out, size_t size)
{
    if (t->kind == CONFLEX_NAME || t->kind == CONFLEX_NUMBER ||
        t->kind == CONFLEX_NUMBER_OR_NAME)
        snprintf(out, size, "\"%.40s\"", t->text);
    else
        snprintf(out, size, "%s", conflex_kind_name(t));
}

static int expected(struct parser *p, const struct file *f,
                    const struct conflex_tok *t, const char *what)
{
    char seen[64];

    describe(t, seen, sizeof seen);
    return fail_at(p, f, t, "expected %s, not %s", what, seen);
}

/* Reads a ';' after what (a phrase): refused at the line of prev, the
 * last token of the statement, where the ';' is missing. */
static int semi(struct parser *p, struct file *f,
                const struct conflex_tok *prev, const char *what)
{
    struct conflex_tok t;
    char seen[64];

    if (next(p, f, &t) < 0)
        return ERR_INVALID;
    if (conflex_punct(&t, ';'))
        return 0;
    describe(&t, seen, sizeof seen);
    return fail(p, f, prev->line, prev->col,
                "expected ';' after %s, not %s (line %d)", what, seen, t.line);
}

/* The next token, which must be '{'. */
static int brace(struct parser *p, struct file *f, const char *what)
{
    struct conflex_tok t;
    char phrase[64];

    if (next(p, f, &t) < 0)
        return ERR_INVALID;
    if (conflex_punct(&t, '{'))
        return 0;
    snprintf(phrase, sizeof phrase, "'{' after %s", what);
    return expected(p, f, &t, phrase);
}

static int is_word(const struct conflex_tok *t)
{
    return t->kind == CONFLEX_NAME || t->kind == CONFLEX_NUMBER_OR_NAME;
}

/* A name given as a string or a word (a peer's, a group's). */
static int name_token(struct parser *p, const struct file *f,
                      const struct conflex_tok *t, const char *what, char **out)
{
    char phrase[64];

    if (t->kind != CONFLEX_STRING && !is_word(t)) {
        snprintf(phrase, sizeof phrase, "%s (a string or a name)", what);
        return expected(p, f, t, phrase);
    }
    if (t->len > CONFPARSE_NAME_MAX)
        return fail_at(p, f, t, "%s longer than %d bytes", what,
                       CONFPARSE_NAME_MAX);
    if (memchr(t->text, '\0', t->len) != NULL)
        return fail_at(p, f, t, "%s holds a NUL byte", what);
    *out = strdup(t->text);
    return *out != NULL ? 0 : nomem(p);
}

/* A name as dhcpd reads a host's: a string or a dotted name. */
static int dotted_name(struct parser *p, struct file *f,
                       const struct conflex_tok *t, const char *what,
                       char **out)
{
    char buf[CONFPARSE_NAME_MAX + 1];
    struct conflex_err e;

    if (t->kind == CONFLEX_STRING)
        return name_token(p, f, t, what, out);
    if (conflex_dotted(&f->lx, t, buf, sizeof buf, &e) < 0) {
        if (e.code != CONFLEX_E_VALUE)
            return fail_lex(p, f, &e);
        return fail(p, f, e.line, e.col, "%s: %s", what, e.what);
    }
    *out = strdup(buf);
    return *out != NULL ? 0 : nomem(p);
}

/* An IPv4 address starting at t (already read). */
static int ipv4(struct parser *p, struct file *f, const struct conflex_tok *t,
                const char *what, uint32_t *addr)
{
    struct conflex_err e;

    if (conflex_ipv4(&f->lx, t, addr, &e) < 0) {
        if (e.code != CONFLEX_E_VALUE)
            return fail_lex(p, f, &e);
        return fail(p, f, e.line, e.col, "%s: %s", what, e.what);
    }
    return 0;
}

/* An IPv4 address as the next token(s). */
static int next_ipv4(struct parser *p, struct file *f, const char *what,
                     uint32_t *addr, struct conflex_tok *t)
{
    if (next(p, f, t) < 0)
        return ERR_INVALID;
    return ipv4(p, f, t, what, addr);
}

/* ---- nodes ------------------------------------------------------------ */

static struct confparse_node *add(struct parser *p, const struct file *f,
                                  struct confparse_node *parent,
                                  enum confparse_kind kind,
                                  const struct conflex_tok *t)
{
    struct confparse_node *n;

    if (p->conf->nodes >= CONFPARSE_STATEMENTS_MAX) {
        fail_at(p, f, t, "more than %d statements", CONFPARSE_STATEMENTS_MAX);
        return NULL;
    }
    n = calloc(1, sizeof *n);
    if (n == NULL) {
        nomem(p);
        return NULL;
    }
    n->kind = kind;
    n->file = f->name;
    n->line = t->line;
    n->parent = parent;
    if (parent->last != NULL)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    p->conf->nodes++;
    return n;
}

/* add() for a node with a name: takes name, freed when refused. */
static struct confparse_node *add_named(struct parser *p, const struct file *f,
                                        struct confparse_node *parent,
                                        enum confparse_kind kind,
                                        const struct conflex_tok *t, char *name)
{
    struct confparse_node *n = add(p, f, parent, kind, t);

    if (n == NULL)
        free(name);
    else
        n->name = name;
    return n;
}

/* The code of a refusal already recorded. */
static int failed(const struct parser *p)
{
    return p->nomem ? ERR_NOMEM : ERR_INVALID;
}

/* Where a statement stands, for the rules of what may stand where. */
static enum confparse_kind context(const struct confparse_node *parent)
{
    while (parent->kind == CONFPARSE_INCLUDE)
        parent = parent->parent;
    return parent->kind;
}

const char *confparse_kind_name(enum confparse_kind k)
{
    switch (k) {
    case CONFPARSE_ROOT:
        return "the top level";
    case CONFPARSE_OTHER:
        return "a statement";
    case CONFPARSE_INCLUDE:
        return "an include";
    case CONFPARSE_PEER:
        return "a failover peer";
    case CONFPARSE_PEER_REF:
        return "a failover peer reference";
    case CONFPARSE_SHARED:
        return "a shared-network";
    case CONFPARSE_SUBNET:
        return "a subnet";
    case CONFPARSE_POOL:
        return "a pool";
    case CONFPARSE_RANGE:
        return "a range";
    case CONFPARSE_HOST:
        return "a host";
    case CONFPARSE_GROUP:
        return "a group";
    }
    return "?";
}

/* 0 when a statement of kind k may stand in parent (dhcpd's rules). */
static int allowed(struct parser *p, const struct file *f,
                   const struct confparse_node *parent, enum confparse_kind k,
                   const struct conflex_tok *t)
{
    enum confparse_kind c = context(parent);
    int ok;

    switch (k) {
    case CONFPARSE_PEER:
        ok = c == CONFPARSE_ROOT || c == CONFPARSE_SHARED;
        break;
    case CONFPARSE_PEER_REF:
        ok = c == CONFPARSE_POOL || c == CONFPARSE_SHARED;
        break;
    case CONFPARSE_SHARED:
        ok = c == CONFPARSE_ROOT || c == CONFPARSE_GROUP;
        break;
    case CONFPARSE_SUBNET:
        ok = c == CONFPARSE_ROOT || c == CONFPARSE_GROUP ||
             c == CONFPARSE_SHARED;
        break;
    case CONFPARSE_POOL:
        ok = c == CONFPARSE_SUBNET || c == CONFPARSE_SHARED;
        break;
    case CONFPARSE_RANGE:
        ok = c == CONFPARSE_SUBNET || c == CONFPARSE_POOL;
        break;
    case CONFPARSE_HOST:
    case CONFPARSE_GROUP:
        ok = c == CONFPARSE_ROOT || c == CONFPARSE_GROUP ||
             c == CONFPARSE_SHARED || c == CONFPARSE_SUBNET;
        break;
    default:
        ok = 1;
        break;
    }
    if (ok)
        return 0;
    return fail_at(p, f, t, "%s is not allowed in %s", confparse_kind_name(k),
                   confparse_kind_name(c));
}

/* ---- statements ------------------------------------------------------- */

static int body(struct parser *p, struct file *f, struct confparse_node *n);
static int parse_file(struct parser *p, const char *text, size_t len,
                      const char *name, struct confparse_node *into,
                      const struct file *from, const struct conflex_tok *at);

/* A block's statements up to its '}': one level deeper. */
static int block(struct parser *p, struct file *f, struct confparse_node *n,
                 const struct conflex_tok *t)
{
    int rc;

    if (p->depth >= CONFPARSE_DEPTH_MAX)
        return fail_at(p, f, t, "blocks nested deeper than %d",
                       CONFPARSE_DEPTH_MAX);
    p->depth++;
    rc = body(p, f, n);
    p->depth--;
    return rc;
}

/* A statement kept verbatim, from start (read) to its end. */
static int verbatim(struct parser *p, struct file *f,
                    struct confparse_node *parent,
                    const struct conflex_tok *start)
{
    struct conflex_tok t, last;
    struct confparse_node *n;
    int chain = conflex_is(start, "if");
    size_t end;

    if (!is_word(start))
        return expected(p, f, start, "a statement");
    last = *start;
    for (;;) {
        if (next(p, f, &t) < 0)
            return ERR_INVALID;
        if (t.kind == CONFLEX_END)
            return fail_at(p, f, &last,
                           "expected ';' after the statement at line %d, not "
                           "the end of input",
                           start->line);
        if (conflex_punct(&t, '}') && t.depth < start->depth)
            return fail_at(p, f, &last,
                           "expected ';' after the statement at line %d, not "
                           "'}' (line %d)",
                           start->line, t.line);
        if (conflex_punct(&t, ';') && t.depth == start->depth)
            break;
        if (conflex_punct(&t, '}') && t.depth == start->depth) {
            struct conflex_tok u;

            if (peek(p, f, &u) < 0)
                return ERR_INVALID;
            if (conflex_punct(&u, ';')) {
                if (next(p, f, &t) < 0)
                    return ERR_INVALID;
                break;
            }
            if (!(chain && (conflex_is(&u, "elsif") || conflex_is(&u, "else"))))
                break;
        }
        /* only the offsets of the last token are needed */
        last.line = t.line;
        last.col = t.col;
    }
    n = add(p, f, parent, CONFPARSE_OTHER, start);
    if (n == NULL)
        return ERR_INVALID;
    end = t.off + t.srclen;
    n->len = end - start->off;
    n->text = malloc(n->len + 1);
    if (n->text == NULL)
        return nomem(p);
    memcpy(n->text, f->lx.buf + start->off, n->len);
    n->text[n->len] = '\0';
    return 0;
}

/* include "name"; */
static int include_file(struct parser *p, struct file *f,
                        struct confparse_node *parent,
                        const struct conflex_tok *kw)
{
    struct conflex_tok t;
    struct confparse_node *n;
    const char *text = NULL;
    size_t len = 0;
    char *name = NULL;
    int rc;

    if (next(p, f, &t) < 0)
        return ERR_INVALID;
    if (t.kind != CONFLEX_STRING)
        return expected(p, f, &t, "a file name (a string) after include");
    if (name_token(p, f, &t, "the file name", &name) < 0)
        return failed(p);
    if (semi(p, f, &t, "include") < 0) {
        free(name);
        return ERR_INVALID;
    }
    n = add_named(p, f, parent, CONFPARSE_INCLUDE, kw, name);
    if (n == NULL)
        return failed(p);
    if (p->include == NULL)
        return fail_at(p, f, kw,
                       "include \"%.60s\": includes are not read here", name);
    if (p->include_depth >= CONFPARSE_INCLUDE_DEPTH_MAX)
        return fail_at(p, f, kw, "includes nested deeper than %d",
                       CONFPARSE_INCLUDE_DEPTH_MAX);
    if (p->includes >= CONFPARSE_INCLUDES_MAX)
        return fail_at(p, f, kw, "more than %d includes",
                       CONFPARSE_INCLUDES_MAX);
    if (p->depth >= CONFPARSE_DEPTH_MAX)
        return fail_at(p, f, kw, "blocks and includes nested deeper than %d",
                       CONFPARSE_DEPTH_MAX);
    p->includes++;
    if (p->include(p->ctx, name, &text, &len) < 0 || (text == NULL && len > 0))
        return fail_at(p, f, kw, "include \"%.60s\": no such file", name);
    p->include_depth++;
    p->depth++;
    rc = parse_file(p, text, len, name, n, f, kw);
    p->depth--;
    p->include_depth--;
    return rc;
}

/* The keywords of a peer's numeric parameters, and their limits. */
static const struct {
    const char *words[4];
    unsigned long max;
} params[CONFPARSE_PARAMS] = {
    [CONFPARSE_PORT] = {{"port"}, 65535},
    [CONFPARSE_PEER_PORT] = {{"peer", "port"}, 65535},
    [CONFPARSE_MAX_RESPONSE_DELAY] = {{"max-response-delay"},
                                      CONFPARSE_NUMBER_MAX},
    [CONFPARSE_MAX_UNACKED_UPDATES] = {{"max-unacked-updates"},
                                       CONFPARSE_NUMBER_MAX},
    [CONFPARSE_MCLT] = {{"mclt"}, CONFPARSE_NUMBER_MAX},
    [CONFPARSE_SPLIT] = {{"split"}, 256},
    [CONFPARSE_LOAD_BALANCE_MAX_SECONDS] = {{"load", "balance", "max",
                                             "seconds"},
                                            CONFPARSE_NUMBER_MAX},
    [CONFPARSE_MAX_LEASE_MISBALANCE] = {{"max-lease-misbalance"},
                                        CONFPARSE_NUMBER_MAX},
    [CONFPARSE_MAX_LEASE_OWNERSHIP] = {{"max-lease-ownership"},
                                       CONFPARSE_NUMBER_MAX},
    [CONFPARSE_MAX_BALANCE] = {{"max-balance"}, CONFPARSE_NUMBER_MAX},
    [CONFPARSE_MIN_BALANCE] = {{"min-balance"}, CONFPARSE_NUMBER_MAX},
    [CONFPARSE_AUTO_PARTNER_DOWN] = {{"auto-partner-down"},
                                     CONFPARSE_NUMBER_MAX},
};

/* A decimal number 0..max in t, or -1. */
static long long number(const struct conflex_tok *t, unsigned long max)
{
    unsigned long long v = 0;

    if (t->kind != CONFLEX_NUMBER || t->text[0] == '-')
        return -1;
    for (size_t i = 0; i < t->len; i++) {
        v = v * 10 + (unsigned)(t->text[i] - '0');
        if (v > max)
            return -1;
    }
    return (long long)v;
}

/* 1 and *out when s is four decimal numbers 0..255 joined by dots. */
static int dotted_quad(const char *s, uint32_t *out)
{
    uint32_t a = 0;

    for (int i = 0; i < 4; i++) {
        unsigned v = 0;
        int digits = 0;

        if (i > 0 && *s++ != '.')
            return 0;
        for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
            v = v * 10 + (unsigned)(*s - '0');
        if (digits == 0 || digits > 3 || v > 255)
            return 0;
        a = a << 8 | v;
    }
    if (*s != '\0')
        return 0;
    *out = a;
    return 1;
}

/* address HOST; or peer address HOST; t the first token of HOST. */
static int peer_addr(struct parser *p, struct file *f,
                     const struct conflex_tok *t, struct confparse_addr *a)
{
    char *text = NULL;
    int rc;

    if (!is_word(t) && t->kind != CONFLEX_NUMBER)
        return expected(p, f, t, "an IPv4 address or host name");
    rc = dotted_name(p, f, t, "the address", &text);
    if (rc < 0)
        return rc;
    memset(a, 0, sizeof *a);
    a->line = t->line;
    snprintf(a->text, sizeof a->text, "%s", text);
    free(text);
    a->is_ipv4 = dotted_quad(a->text, &a->ipv4);
    return 0;
}

/* The NUMBER; of parameter i, whose keywords were read. */
static int param_value(struct parser *p, struct file *f,
                       struct confparse_peer *peer, enum confparse_param i,
                       const struct conflex_tok *first)
{
    struct conflex_tok v;
    long long value;
    char phrase[64];

    if (next(p, f, &v) < 0)
        return ERR_INVALID;
    value = number(&v, params[i].max);
    if (value < 0) {
        snprintf(phrase, sizeof phrase, "a number 0..%lu after %s",
                 params[i].max, params[i].words[0]);
        return expected(p, f, &v, phrase);
    }
    peer->value[i] = (unsigned long)value;
    peer->value_line[i] = first->line;
    return semi(p, f, &v, params[i].words[0]);
}

/* One statement of a peer's block, t its first token. */
static int peer_statement(struct parser *p, struct file *f,
                          struct confparse_peer *peer,
                          const struct conflex_tok *t)
{
    struct conflex_tok u;
    struct conflex_err e;
    size_t n;

    if (conflex_is(t, "primary") || conflex_is(t, "secondary")) {
        peer->role = conflex_is(t, "primary") ? CONFPARSE_ROLE_PRIMARY
                                              : CONFPARSE_ROLE_SECONDARY;
        peer->role_line = t->line;
        return semi(p, f, t, t->text);
    }
    if (conflex_is(t, "address") || conflex_is(t, "peer")) {
        struct confparse_addr *a = &peer->address;

        if (conflex_is(t, "peer")) {
            if (next(p, f, &u) < 0)
                return ERR_INVALID;
            if (conflex_is(&u, "port"))
                return param_value(p, f, peer, CONFPARSE_PEER_PORT, t);
            if (!conflex_is(&u, "address"))
                return expected(p, f, &u, "\"address\" or \"port\" after peer");
            a = &peer->peer_address;
        }
        if (next(p, f, &u) < 0 || peer_addr(p, f, &u, a) < 0)
            return failed(p);
        return semi(p, f, &u, "the address");
    }
    if (conflex_is(t, "hba")) {
        if (next(p, f, &u) < 0)
            return ERR_INVALID;
        if (conflex_hex(&f->lx, &u, peer->hba, sizeof peer->hba, &n, &e) < 0) {
            if (e.code != CONFLEX_E_VALUE)
                return fail_lex(p, f, &e);
            return fail(p, f, e.line, e.col, "hba: %s", e.what);
        }
        if (n != sizeof peer->hba)
            return fail_at(p, f, &u, "hba of %zu bytes, not 32", n);
        peer->hba_line = t->line;
        return semi(p, f, t, "hba");
    }
    for (int i = 0; i < CONFPARSE_PARAMS; i++) {
        const char *const *words = params[i].words;

        if (i == CONFPARSE_PEER_PORT || !conflex_is(t, words[0]))
            continue;
        for (int w = 1; w < 4 && words[w] != NULL; w++) {
            char phrase[64];

            if (next(p, f, &u) < 0)
                return ERR_INVALID;
            if (conflex_is(&u, words[w]))
                continue;
            snprintf(phrase, sizeof phrase, "\"%s\"", words[w]);
            return expected(p, f, &u, phrase);
        }
        return param_value(p, f, peer, (enum confparse_param)i, t);
    }
    return expected(p, f, t, "a failover peer parameter");
}

/* failover peer NAME { ... } or failover peer NAME; (kw: "failover");
 * anything else after failover is kept verbatim. */
static int failover(struct parser *p, struct file *f,
                    struct confparse_node *parent, const struct conflex_tok *kw)
{
    struct conflex saved = f->lx;
    struct conflex_tok t, name;
    struct confparse_node *n;
    char *s = NULL;
    int rc;

    if (next(p, f, &t) < 0)
        return ERR_INVALID;
    if (!conflex_is(&t, "peer")) {
        f->lx = saved;
        return verbatim(p, f, parent, kw);
    }
    if (next(p, f, &name) < 0)
        return ERR_INVALID;
    if (name.kind == CONFLEX_PUNCT || name.kind == CONFLEX_END)
        return expected(p, f, &name, "the peer's name after failover peer");
    if (next(p, f, &t) < 0)
        return ERR_INVALID;
    if (!conflex_punct(&t, '{') && !conflex_punct(&t, ';')) {
        f->lx = saved; /* failover peer NAME state ... and the like */
        return verbatim(p, f, parent, kw);
    }
    rc = allowed(p, f, parent,
                 conflex_punct(&t, '{') ? CONFPARSE_PEER : CONFPARSE_PEER_REF,
                 kw);
    if (rc < 0)
        return rc;
    rc = name_token(p, f, &name, "the peer's name", &s);
    if (rc < 0)
        return rc;
    n = add_named(p, f, parent,
                  conflex_punct(&t, '{') ? CONFPARSE_PEER : CONFPARSE_PEER_REF,
                  kw, s);
    if (n == NULL)
        return failed(p);
    if (n->kind == CONFPARSE_PEER_REF)
        return 0;
    n->peer = calloc(1, sizeof *n->peer);
    if (n->peer == NULL)
        return nomem(p);
    for (;;) {
        if (next(p, f, &t) < 0)
            return ERR_INVALID;
        if (conflex_punct(&t, '}'))
            return 0;
        rc = peer_statement(p, f, n->peer, &t);
        if (rc < 0)
            return rc;
    }
}

/* range [dynamic-bootp] LOW [HIGH]; */
static int range(struct parser *p, struct file *f,
                 struct confparse_node *parent, const struct conflex_tok *kw)
{
    struct conflex_tok t;
    uint32_t low, high;
    int bootp = 0;
    struct confparse_node *n;

    if (next(p, f, &t) < 0)
        return ERR_INVALID;
    if (conflex_is(&t, "dynamic-bootp")) {
        bootp = 1;
        if (next(p, f, &t) < 0)
            return ERR_INVALID;
    }
    if (ipv4(p, f, &t, "range", &low) < 0)
        return ERR_INVALID;
    high = low;
    if (peek(p, f, &t) < 0)
        return ERR_INVALID;
    if (!conflex_punct(&t, ';') && next_ipv4(p, f, "range", &high, &t) < 0)
        return ERR_INVALID;
    if (semi(p, f, &t, "the range") < 0)
        return ERR_INVALID;
    n = add(p, f, parent, CONFPARSE_RANGE, kw);
    if (n == NULL)
        return failed(p);
    n->low = low;
    n->high = high;
    n->dynamic_bootp = bootp;
    return 0;
}

/* subnet NET netmask MASK { ... } */
static int subnet(struct parser *p, struct file *f,
                  struct confparse_node *parent, const struct conflex_tok *kw)
{
    struct conflex_tok t;
    uint32_t net, mask;
    struct confparse_node *n;

    if (next_ipv4(p, f, "subnet", &net, &t) < 0 || next(p, f, &t) < 0)
        return ERR_INVALID;
    if (!conflex_is(&t, "netmask"))
        return expected(p, f, &t, "\"netmask\"");
    if (next_ipv4(p, f, "netmask", &mask, &t) < 0 ||
        brace(p, f, "the netmask") < 0)
        return ERR_INVALID;
    n = add(p, f, parent, CONFPARSE_SUBNET, kw);
    if (n == NULL)
        return failed(p);
    n->net = net;
    n->mask = mask;
    return block(p, f, n, kw);
}

/* shared-network NAME { }, host NAME { }, group [NAME] { }, pool { } */
static int named_block(struct parser *p, struct file *f,
                       struct confparse_node *parent,
                       const struct conflex_tok *kw, enum confparse_kind k)
{
    struct conflex_tok t;
    struct confparse_node *n;
    char *name = NULL;
    int rc = 0;

    if (next(p, f, &t) < 0)
        return ERR_INVALID;
    if (k == CONFPARSE_POOL ||
        (k == CONFPARSE_GROUP && conflex_punct(&t, '{'))) {
        if (!conflex_punct(&t, '{'))
            return expected(p, f, &t, "'{' after pool");
    } else {
        if (k == CONFPARSE_GROUP)
            rc = name_token(p, f, &t, "the group's name", &name);
        else
            rc = dotted_name(p, f, &t,
                             k == CONFPARSE_HOST ? "the host's name"
                                                 : "the shared-network's name",
                             &name);
        if (rc < 0)
            return rc;
        rc = brace(p, f, "the name");
        if (rc < 0) {
            free(name);
            return rc;
        }
    }
    n = add_named(p, f, parent, k, kw, name);
    if (n == NULL)
        return failed(p);
    return block(p, f, n, kw);
}

/* One statement, t its first token (read). */
static int statement(struct parser *p, struct file *f,
                     struct confparse_node *parent, const struct conflex_tok *t)
{
    static const struct {
        const char *word;
        enum confparse_kind kind;
    } blocks[] = {
        {"subnet", CONFPARSE_SUBNET}, {"shared-network", CONFPARSE_SHARED},
        {"pool", CONFPARSE_POOL},     {"range", CONFPARSE_RANGE},
        {"host", CONFPARSE_HOST},     {"group", CONFPARSE_GROUP},
    };

    if (conflex_is(t, "include"))
        return include_file(p, f, parent, t);
    if (conflex_is(t, "failover"))
        return failover(p, f, parent, t);
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        if (!conflex_is(t, blocks[i].word))
            continue;
        if (allowed(p, f, parent, blocks[i].kind, t) < 0)
            return ERR_INVALID;
        switch (blocks[i].kind) {
        case CONFPARSE_SUBNET:
            return subnet(p, f, parent, t);
        case CONFPARSE_RANGE:
            return range(p, f, parent, t);
        default:
            return named_block(p, f, parent, t, blocks[i].kind);
        }
    }
    return verbatim(p, f, parent, t);
}

/* Statements up to the '}' closing n's block, or the end of the file
 * for a file's top. */
static int body(struct parser *p, struct file *f, struct confparse_node *n)
{
    struct conflex_tok t;
    int top = n->kind == CONFPARSE_ROOT || n->kind == CONFPARSE_INCLUDE;
    int rc;

    for (;;) {
        if (next(p, f, &t) < 0)
            return ERR_INVALID;
        if (t.kind == CONFLEX_END)
            return 0; /* the lexer refuses an unclosed '{' */
        if (conflex_punct(&t, '}') && !top)
            return 0; /* the lexer refuses an unbalanced '}' at a top */
        rc = statement(p, f, n, &t);
        if (rc < 0)
            return rc;
    }
}

/* Keeps a copy of name among the conf's file names. */
static const char *intern(struct parser *p, const char *name)
{
    struct confparse *c = p->conf;
    char **files;

    files = realloc(c->files, (c->nfiles + 1) * sizeof *files);
    if (files == NULL)
        return NULL;
    c->files = files;
    files[c->nfiles] = strdup(name);
    if (files[c->nfiles] == NULL)
        return NULL;
    return files[c->nfiles++];
}

static int parse_file(struct parser *p, const char *text, size_t len,
                      const char *name, struct confparse_node *into,
                      const struct file *from, const struct conflex_tok *at)
{
    struct file f;

    if (len > CONFPARSE_FILE_MAX)
        return from != NULL ? fail_at(p, from, at, "%s: longer than %zu bytes",
                                      name, CONFPARSE_FILE_MAX)
                            : fail(p, NULL, 0, 0, "%s: longer than %zu bytes",
                                   name, CONFPARSE_FILE_MAX);
    if (len > CONFPARSE_TOTAL_MAX - p->total && from != NULL)
        return fail_at(p, from, at, "files longer than %zu bytes in all",
                       CONFPARSE_TOTAL_MAX);
    p->total += len;
    f.name = intern(p, name);
    if (f.name == NULL)
        return nomem(p);
    conflex_init(&f.lx, text, len, 0);
    return body(p, &f, into);
}

/* ---- the tree --------------------------------------------------------- */

const struct confparse_node *confparse_walk(const struct confparse_node *n)
{
    if (n->first != NULL)
        return n->first;
    while (n != NULL && n->next == NULL)
        n = n->parent;
    return n != NULL ? n->next : NULL;
}

const struct confparse_node *confparse_up(const struct confparse_node *n,
                                          enum confparse_kind k)
{
    for (n = n->parent; n != NULL; n = n->parent)
        if (n->kind == k)
            return n;
    return NULL;
}

static void free_node(struct confparse_node *n)
{
    free(n->text);
    free(n->name);
    free(n->peer);
}

void confparse_free(struct confparse *conf)
{
    struct confparse_node *n, *up, *after;

    if (conf == NULL)
        return;
    /* children first, iteratively */
    n = conf->root.first;
    while (n != NULL) {
        while (n->first != NULL)
            n = n->first;
        up = n->parent;
        after = n->next;
        free_node(n);
        free(n);
        if (after != NULL) {
            n = after;
        } else {
            up->first = NULL; /* all freed */
            n = up == &conf->root ? NULL : up;
        }
    }
    for (size_t i = 0; i < conf->nfiles; i++)
        free(conf->files[i]);
    free(conf->files);
    free(conf->peers);
    free(conf);
}

/* The peers in declaration order: sorted by name, then by order. */
struct ranked {
    struct confparse_node *n;
    size_t order;
};

static int by_name(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    int c = strcmp(x->n->name, y->n->name);

    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int index_peers(struct confparse *conf)
{
    const struct confparse_node *n;
    struct ranked *r;
    size_t count = 0, i = 0;

    for (n = confparse_walk(&conf->root); n != NULL; n = confparse_walk(n))
        count += n->kind == CONFPARSE_PEER;
    if (count == 0)
        return 0;
    r = calloc(count, sizeof *r);
    conf->peers = calloc(count, sizeof *conf->peers);
    if (r == NULL || conf->peers == NULL) {
        free(r);
        return ERR_NOMEM;
    }
    for (n = confparse_walk(&conf->root); n != NULL; n = confparse_walk(n))
        if (n->kind == CONFPARSE_PEER) {
            r[i].n = (struct confparse_node *)n;
            r[i].order = i;
            i++;
        }
    qsort(r, count, sizeof *r, by_name);
    for (i = 0; i < count; i++)
        conf->peers[i] = r[i].n;
    conf->npeers = count;
    free(r);
    return 0;
}

const struct confparse_node *confparse_peer(const struct confparse *conf,
                                            const char *name)
{
    size_t lo = 0, hi = conf->npeers;

    /* the first of equal names: the lowest index whose name is >= */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(conf->peers[mid]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < conf->npeers && strcmp(conf->peers[lo]->name, name) == 0)
        return conf->peers[lo];
    return NULL;
}

int confparse_parse(const char *text, size_t len, const char *name,
                    confparse_include_fn include, void *ctx,
                    struct confparse **out, struct confparse_err *err)
{
    struct parser p;
    int rc;

    *out = NULL;
    if (err != NULL)
        memset(err, 0, sizeof *err);
    memset(&p, 0, sizeof p);
    p.include = include;
    p.ctx = ctx;
    p.err = err;
    p.conf = calloc(1, sizeof *p.conf);
    if (p.conf == NULL)
        return ERR_NOMEM;
    p.conf->root.kind = CONFPARSE_ROOT;
    rc = parse_file(&p, text, len, name != NULL ? name : "", &p.conf->root,
                    NULL, NULL);
    if (rc == 0)
        rc = index_peers(p.conf);
    if (rc < 0 || p.nomem) {
        confparse_free(p.conf);
        return p.nomem || rc == ERR_NOMEM ? ERR_NOMEM : ERR_INVALID;
    }
    p.conf->root.file = p.conf->files[0];
    *out = p.conf;
    return 0;
}
