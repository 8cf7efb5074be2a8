/* micetro-emu core: the lexer of dhcpd.conf (see conflex.h). */
#include "conflex.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- bytes ------------------------------------------------------------ */

/* The C locale's classes, on bytes (dhcpd's isascii() && is...()). */
static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_xdigit(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int xvalue(int c)
{
    if (is_digit(c))
        return c - '0';
    return (c | 0x20) - 'a' + 10;
}

/* A byte that may continue a name or number. */
static int is_word(int c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
}

static int fail(struct conflex *lx, struct conflex_err *err,
                enum conflex_error code, int line, int col, const char *fmt,
                ...) __attribute__((format(printf, 6, 7)));

/* Refuses: the error is kept in lx, so that later calls fail alike. */
static int fail(struct conflex *lx, struct conflex_err *err,
                enum conflex_error code, int line, int col, const char *fmt,
                ...)
{
    va_list ap;

    lx->err.code = code;
    lx->err.line = line;
    lx->err.col = col;
    va_start(ap, fmt);
    vsnprintf(lx->err.what, sizeof lx->err.what, fmt, ap);
    va_end(ap);
    if (err != NULL)
        *err = lx->err;
    return ERR_INVALID;
}

/* The byte at pos, checked: -1 and the error when it is refused. */
static int look(struct conflex *lx, struct conflex_err *err)
{
    int c = (unsigned char)lx->buf[lx->pos];

    if (c == 0) {
        fail(lx, err, CONFLEX_E_NUL, lx->line, lx->col, "NUL byte");
        return -1;
    }
    if ((lx->flags & CONFLEX_NO_CONTROL) &&
        ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)) {
        fail(lx, err, CONFLEX_E_CONTROL, lx->line, lx->col,
             "control character 0x%02X", (unsigned)c);
        return -1;
    }
    return c;
}

static void advance(struct conflex *lx)
{
    if (lx->buf[lx->pos] == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->pos++;
}

/* ---- tokens ----------------------------------------------------------- */

/* Appends c to tok's text; 0, or -1 when the text is full. */
static int put(struct conflex_tok *tok, int c)
{
    if (tok->len >= CONFLEX_TOKEN_MAX)
        return -1;
    tok->text[tok->len++] = (char)c;
    return 0;
}

static int too_long(struct conflex *lx, struct conflex_tok *tok,
                    struct conflex_err *err, const char *what)
{
    return fail(lx, err, CONFLEX_E_LONG, tok->line, tok->col,
                "%s longer than %d bytes", what, CONFLEX_TOKEN_MAX);
}

/* A string, lx at its opening quote. */
static int read_string(struct conflex *lx, struct conflex_tok *tok,
                       struct conflex_err *err)
{
    int one_line = (lx->flags & CONFLEX_LINE_STRINGS) != 0;
    int c, i, need, value, esc_line, esc_col;

    advance(lx);
    for (;;) {
        if (lx->pos == lx->len)
            goto unterminated;
        if ((c = look(lx, err)) < 0)
            return ERR_INVALID;
        if (c == '\n' && one_line)
            goto unterminated;
        if (c == '"') {
            advance(lx);
            return 0;
        }
        if (c != '\\') {
            if (put(tok, c) < 0)
                return too_long(lx, tok, err, "string");
            advance(lx);
            continue;
        }
        /* an escape */
        esc_line = lx->line;
        esc_col = lx->col;
        advance(lx);
        if (lx->pos == lx->len)
            goto unterminated;
        if ((c = look(lx, err)) < 0)
            return ERR_INVALID;
        if (c == '\n' && one_line)
            goto unterminated;
        advance(lx);
        switch (c) {
        case 't':
            value = '\t';
            break;
        case 'r':
            value = '\r';
            break;
        case 'n':
            value = '\n';
            break;
        case 'b':
            value = '\b';
            break;
        case 'x':
        case '0':
        case '1':
        case '2':
        case '3':
            /* \x and two hex digits; \0..\3 and two octal digits */
            need = c;
            value = c == 'x' ? 0 : c - '0';
            for (i = 0; i < 2; i++) {
                int d;

                if (lx->pos == lx->len)
                    goto unterminated;
                if ((d = look(lx, err)) < 0)
                    return ERR_INVALID;
                if (d == '\n' && one_line)
                    goto unterminated;
                if (need == 'x' ? !is_xdigit(d) : !(d >= '0' && d <= '7'))
                    return fail(lx, err, CONFLEX_E_ESCAPE, esc_line, esc_col,
                                need == 'x'
                                    ? "escape \"\\x\" not followed by two "
                                      "hex digits"
                                    : "escape \"\\%c\" not followed by two "
                                      "octal digits",
                                need);
                value = need == 'x' ? value * 16 + xvalue(d)
                                    : value * 8 + (d - '0');
                advance(lx);
            }
            break;
        default:
            value = c;
            break;
        }
        if (put(tok, value) < 0)
            return too_long(lx, tok, err, "string");
    }
unterminated:
    return fail(lx, err, CONFLEX_E_STRING, tok->line, tok->col,
                "unterminated string");
}

/* A name or number, lx at its first byte: dhcpd's read_number (a digit
 * or '-' first) and read_num_or_name (a letter first). */
static int read_word(struct conflex *lx, struct conflex_tok *tok,
                     struct conflex_err *err)
{
    int c = (unsigned char)lx->buf[lx->pos];
    enum conflex_kind kind;

    /* dhcpd does not look at a first letter: "hba" is a NUMBER_OR_NAME */
    kind = is_alpha(c) ? CONFLEX_NUMBER_OR_NAME : CONFLEX_NUMBER;
    put(tok, c);
    advance(lx);
    while (lx->pos < lx->len) {
        c = (unsigned char)lx->buf[lx->pos];
        if (!is_word(c))
            break;
        if (kind == CONFLEX_NUMBER && is_digit(c)) {
            /* still a number */
        } else if (kind != CONFLEX_NAME && is_xdigit(c)) {
            kind = CONFLEX_NUMBER_OR_NAME;
        } else if (tok->len == 2 && is_xdigit(c) && tok->text[0] == '0' &&
                   (tok->text[1] == 'x' || tok->text[1] == 'X')) {
            kind = CONFLEX_NUMBER_OR_NAME; /* 0x and a hex digit */
        } else {
            kind = CONFLEX_NAME;
        }
        if (put(tok, c) < 0)
            return too_long(lx, tok, err, "token");
        advance(lx);
    }
    /* a '-' alone is the minus sign (dhcpd 4.4.3 reads it as a NUMBER
     * "-" by a slip, which no rule of its parser takes) */
    tok->kind = tok->len == 1 && tok->text[0] == '-' ? CONFLEX_PUNCT : kind;
    return 0;
}

void conflex_init(struct conflex *lx, const char *buf, size_t len,
                  unsigned flags)
{
    memset(lx, 0, sizeof *lx);
    lx->buf = buf;
    lx->len = buf != NULL ? len : 0;
    lx->line = 1;
    lx->col = 1;
    lx->first = 1;
    lx->flags = flags;
    if (len > CONFLEX_INPUT_MAX)
        fail(lx, NULL, CONFLEX_E_SIZE, 0, 0,
             "input of %zu bytes is longer than %zu", len, CONFLEX_INPUT_MAX);
}

int conflex_next(struct conflex *lx, struct conflex_tok *tok,
                 struct conflex_err *err)
{
    int c, rc;

    memset(tok, 0, offsetof(struct conflex_tok, text));
    tok->text[0] = '\0';
    if (lx->err.code != CONFLEX_E_NONE) {
        if (err != NULL)
            *err = lx->err;
        return ERR_INVALID;
    }
    /* blanks and comments */
    for (;;) {
        if (lx->pos == lx->len)
            break;
        if ((c = look(lx, err)) < 0)
            return ERR_INVALID;
        if (is_blank(c)) {
            advance(lx);
        } else if (c == '#') {
            while (lx->pos < lx->len) {
                if ((c = look(lx, err)) < 0)
                    return ERR_INVALID;
                advance(lx);
                if (c == '\n')
                    break;
            }
        } else {
            break;
        }
    }
    tok->line = lx->line;
    tok->col = lx->col;
    tok->off = lx->pos;
    tok->depth = lx->depth;
    tok->first = lx->first;
    if (lx->pos == lx->len) {
        if (lx->depth > 0)
            return fail(lx, err, CONFLEX_E_OPEN, lx->open_line, lx->open_col,
                        "unclosed '{'");
        tok->kind = CONFLEX_END;
        return 0;
    }
    c = (unsigned char)lx->buf[lx->pos];
    if (c == '"') {
        tok->kind = CONFLEX_STRING;
        rc = read_string(lx, tok, err);
    } else if (is_digit(c) || is_alpha(c) || c == '-') {
        rc = read_word(lx, tok, err);
    } else {
        tok->kind = CONFLEX_PUNCT;
        put(tok, c);
        if (c == '{') {
            if (lx->depth >= CONFLEX_DEPTH_MAX)
                return fail(lx, err, CONFLEX_E_DEPTH, lx->line, lx->col,
                            "'{' nested deeper than %d", CONFLEX_DEPTH_MAX);
            if (lx->depth == 0) {
                lx->open_line = lx->line;
                lx->open_col = lx->col;
            }
            lx->depth++;
        } else if (c == '}') {
            if (lx->depth == 0)
                return fail(lx, err, CONFLEX_E_CLOSE, lx->line, lx->col,
                            "unbalanced '}'");
            lx->depth--;
            tok->depth = lx->depth;
        }
        advance(lx);
        rc = 0;
    }
    if (rc < 0)
        return rc;
    tok->text[tok->len] = '\0';
    tok->srclen = lx->pos - tok->off;
    lx->first = conflex_punct(tok, ';') || conflex_punct(tok, '{') ||
                conflex_punct(tok, '}');
    return 0;
}

int conflex_peek(const struct conflex *lx, struct conflex_tok *tok,
                 struct conflex_err *err)
{
    struct conflex copy = *lx;

    return conflex_next(&copy, tok, err);
}

int conflex_is(const struct conflex_tok *tok, const char *w)
{
    size_t i;

    if (tok->kind != CONFLEX_NAME && tok->kind != CONFLEX_NUMBER_OR_NAME)
        return 0;
    for (i = 0; i < tok->len; i++) {
        int c = (unsigned char)tok->text[i];

        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (w[i] == '\0' || c != (unsigned char)w[i])
            return 0;
    }
    return w[i] == '\0';
}

int conflex_punct(const struct conflex_tok *tok, char c)
{
    return tok->kind == CONFLEX_PUNCT && tok->text[0] == c;
}

const char *conflex_kind_name(const struct conflex_tok *tok)
{
    switch (tok->kind) {
    case CONFLEX_END:
        return "the end of input";
    case CONFLEX_NAME:
        return "a name";
    case CONFLEX_NUMBER:
        return "a number";
    case CONFLEX_NUMBER_OR_NAME:
        return "a hex number or name";
    case CONFLEX_STRING:
        return "a string";
    case CONFLEX_PUNCT:
        break;
    }
    switch (tok->text[0]) {
    case '{':
        return "'{'";
    case '}':
        return "'}'";
    case ';':
        return "';'";
    case ',':
        return "','";
    case '.':
        return "'.'";
    case ':':
        return "':'";
    case '=':
        return "'='";
    default:
        return "a punctuation byte";
    }
}

/* ---- sequences -------------------------------------------------------- */

static int value_error(const struct conflex_tok *at, struct conflex_err *err,
                       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A refused value (not kept in the lexer, which stays usable). */
static int value_error(const struct conflex_tok *at, struct conflex_err *err,
                       const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return ERR_INVALID;
    err->code = CONFLEX_E_VALUE;
    err->line = at->line;
    err->col = at->col;
    va_start(ap, fmt);
    vsnprintf(err->what, sizeof err->what, fmt, ap);
    va_end(ap);
    return ERR_INVALID;
}

/* When the next token is punctuation c: reads it into *tok, 1.  When it
 * is not: 0.  ERR_INVALID on a refused token. */
static int next_if(struct conflex *lx, char c, struct conflex_tok *tok,
                   struct conflex_err *err)
{
    int rc = conflex_peek(lx, tok, err);

    if (rc < 0)
        return rc;
    if (!conflex_punct(tok, c))
        return 0;
    rc = conflex_next(lx, tok, err);
    return rc < 0 ? rc : 1;
}

static int is_label(const struct conflex_tok *tok)
{
    return tok->kind == CONFLEX_NAME || tok->kind == CONFLEX_NUMBER ||
           tok->kind == CONFLEX_NUMBER_OR_NAME;
}

int conflex_dotted(struct conflex *lx, const struct conflex_tok *tok, char *out,
                   size_t size, struct conflex_err *err)
{
    struct conflex_tok t;
    size_t n = 0;
    int rc;

    if (size > 0)
        out[0] = '\0';
    if (!is_label(tok))
        return value_error(tok, err, "expecting a name, not %s",
                           conflex_kind_name(tok));
    for (;;) {
        if (n + tok->len + 1 > size)
            return value_error(tok, err, "name longer than %zu bytes",
                               size > 0 ? size - 1 : 0);
        memcpy(out + n, tok->text, tok->len + 1);
        n += tok->len;
        rc = next_if(lx, '.', &t, err);
        if (rc <= 0)
            return rc;
        if (n + 2 > size)
            return value_error(&t, err, "name longer than %zu bytes", size - 1);
        out[n++] = '.';
        out[n] = '\0';
        rc = conflex_peek(lx, &t, err);
        if (rc < 0)
            return rc;
        if (!is_label(&t))
            return 0; /* a trailing dot */
        rc = conflex_next(lx, &t, err);
        if (rc < 0)
            return rc;
        tok = &t;
    }
}

/* tok's text as a number of base 10 or 16 no greater than max, or -1. */
static long number(const struct conflex_tok *tok, int base, long max)
{
    long v = 0;
    size_t i;

    if (tok->kind != CONFLEX_NUMBER &&
        !(base == 16 && tok->kind == CONFLEX_NUMBER_OR_NAME))
        return -1;
    for (i = 0; i < tok->len; i++) {
        int c = (unsigned char)tok->text[i];

        if (base == 10 ? !is_digit(c) : !is_xdigit(c))
            return -1;
        v = v * base + xvalue(c);
        if (v > max)
            return -1;
    }
    return v;
}

int conflex_ipv4(struct conflex *lx, const struct conflex_tok *tok,
                 uint32_t *addr, struct conflex_err *err)
{
    struct conflex_tok t;
    uint32_t a = 0;
    int i, rc;

    for (i = 0; i < 4; i++) {
        long v;

        if (i > 0) {
            rc = next_if(lx, '.', &t, err);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                rc = conflex_peek(lx, &t, err);
                if (rc < 0)
                    return rc;
                return value_error(&t, err,
                                   "expecting '.' and the rest of an IPv4 "
                                   "address, not %s",
                                   conflex_kind_name(&t));
            }
            rc = conflex_next(lx, &t, err);
            if (rc < 0)
                return rc;
            tok = &t;
        }
        v = number(tok, 10, 255);
        if (v < 0)
            return value_error(tok, err,
                               "expecting a number 0..255 of an IPv4 "
                               "address, not \"%.32s\"",
                               tok->text);
        a = a << 8 | (uint32_t)v;
    }
    *addr = a;
    return 0;
}

int conflex_hex(struct conflex *lx, const struct conflex_tok *tok,
                unsigned char *out, size_t size, size_t *n,
                struct conflex_err *err)
{
    struct conflex_tok t;
    size_t count = 0;
    int rc;

    *n = 0;
    for (;;) {
        long v = number(tok, 16, 0xff);

        if (v < 0)
            return value_error(tok, err,
                               "expecting a hex byte 0..ff, not \"%.32s\"",
                               tok->text);
        if (count == size)
            return value_error(tok, err, "more than %zu hex bytes", size);
        out[count++] = (unsigned char)v;
        *n = count;
        rc = next_if(lx, ':', &t, err);
        if (rc <= 0)
            return rc;
        rc = conflex_next(lx, &t, err);
        if (rc < 0)
            return rc;
        tok = &t;
    }
}
