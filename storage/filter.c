/* micetro-emu storage: list filters and sort orders compiled to SQL (see
 * filter.h).
 *
 * SQL emitted per condition (c: the field's column, $n: a placeholder with
 * its cast, ::text for TEXT, ::bigint for INT and REF, ::boolean for BOOL):
 *   TEXT  classic / =~   c ~* $n
 *         =              lower(c) = lower($n)
 *         !=             lower(c) IS DISTINCT FROM lower($n)
 *         =@             strpos(lower(c), lower($n)) > 0
 *         =^             starts_with(lower(c), lower($n))
 *         =$             right(lower(c), length($n)) = lower($n)
 *         in(...)        lower(c) IN (lower($n), lower($m) ...)
 *   other classic / =    c = $n
 *         ! / !=         c IS DISTINCT FROM $n
 *         in(...)        c IN ($n, $m ...)
 *   free text            (c1 ~* $n OR c2 ~* $n)
 *   negated classic      (<condition>) IS NOT TRUE
 * ANDed conditions are joined with " AND "; an or-group is emitted in
 * parentheses, with its and-chains in parentheses too.
 */
#include "filter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a growing string ---------------------------------------------- */

struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *t;
        while (b->len + n + 1 > cap)
            cap *= 2;
        t = realloc(b->s, cap);
        if (t == NULL) {
            b->oom = 1;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_add(struct sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

static void sb_addf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_addf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        b->oom = 1; /* only short pieces go through here */
    else
        sb_addn(b, tmp, (size_t)n);
}

/* Appends src to dst, consuming src. */
static void sb_move(struct sbuf *dst, struct sbuf *src)
{
    if (src->oom)
        dst->oom = 1;
    else if (src->len)
        sb_addn(dst, src->s, src->len);
    free(src->s);
    memset(src, 0, sizeof(*src));
}

static void sb_free(struct sbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof(*b));
}

/* ---- the parser ---------------------------------------------------- */

struct parser {
    const char *s;
    size_t len, pos;
    const struct filter_field *fields;
    size_t nfields;
    int first_param;
    filter_resolve_fn resolve;
    void *ctx;
    char **params;
    int nparams, cap;
    int nconds, depth;
    struct err *e;
};

enum op {
    OP_REGEX,    /* classic TEXT, =~ */
    OP_EQ,       /* = (classic non-TEXT) */
    OP_NE,       /* != (classic negated non-TEXT) */
    OP_CONTAINS, /* =@ */
    OP_PREFIX,   /* =^ */
    OP_SUFFIX,   /* =$ */
    OP_IN        /* in(...) */
};

static const char *op_text[] = {"=~", "=", "!=", "=@", "=^", "=$", "in"};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static void skip_blanks(struct parser *p)
{
    while (p->pos < p->len && is_blank(p->s[p->pos]))
        p->pos++;
}

/* End of the identifier starting at i (i itself when there is none). */
static size_t ident_end(const char *s, size_t len, size_t i)
{
    if (i >= len || !is_ident_start(s[i]))
        return i;
    while (i < len && is_ident(s[i]))
        i++;
    return i;
}

/* Syntax error at byte offset at: "filter: <what> at position <at+1>".
 * perr() is ERR_INVALID, written where it is returned so that a reader
 * and the static analyzer (which does not follow variadic calls) see
 * that it is never 0. */
static void perr_set(struct parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define perr(p, at, ...) (perr_set((p), (at), __VA_ARGS__), ERR_INVALID)

static void perr_set(struct parser *p, size_t at, const char *fmt, ...)
{
    char what[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    err_set(p->e, ERR_INVALID, "filter: %s at position %zu", what, at + 1);
}

/* How many bytes of s[0..n) a message quotes: at most 40, and never the
 * first bytes of a UTF-8 sequence without the rest (the message goes into
 * a SOAP fault as it is, which must stay valid UTF-8). */
static int snip(const char *s, size_t n)
{
    size_t k = n > 40 ? 40 : n;

    while (k > 0 && k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return (int)k;
}

static void list_fields(const struct filter_field *fields, size_t nfields,
                        int sortable_only, char *buf, size_t n)
{
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < nfields && o < n; i++) {
        int w;
        if (sortable_only && !fields[i].sortable)
            continue;
        w = snprintf(buf + o, n - o, "%s%s", o ? ", " : "", fields[i].name);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

static const struct filter_field *find_field(const struct filter_field *fields,
                                             size_t nfields, const char *name,
                                             size_t nlen)
{
    for (size_t i = 0; i < nfields; i++) {
        if (strlen(fields[i].name) == nlen &&
            strncasecmp(fields[i].name, name, nlen) == 0)
            return &fields[i];
    }
    return NULL;
}

/* The field named by s[from, to), or NULL with e filled. */
static const struct filter_field *lookup(struct parser *p, size_t from,
                                         size_t to)
{
    const struct filter_field *f;
    char names[200];

    f = find_field(p->fields, p->nfields, p->s + from, to - from);
    if (f == NULL) {
        list_fields(p->fields, p->nfields, 0, names, sizeof(names));
        err_set(p->e, ERR_INVALID,
                FILTER_UNKNOWN_FIELD "\"%.*s\" in filter; "
                                     "fields: %s",
                snip(p->s + from, to - from), p->s + from, names);
    }
    return f;
}

static int count_cond(struct parser *p, size_t at)
{
    if (++p->nconds > FILTER_MAX_CONDS)
        return perr(p, at, "more than %d conditions", FILTER_MAX_CONDS);
    return 0;
}

/* Takes ownership of v and stores it as the next parameter; *num is its
 * placeholder number. */
static int push_param(struct parser *p, char *v, int *num)
{
    if (p->nparams >= FILTER_MAX_PARAMS) {
        free(v);
        return err_set(p->e, ERR_INVALID, "filter: more than %d values",
                       FILTER_MAX_PARAMS);
    }
    if (p->nparams == p->cap) {
        int cap = p->cap ? p->cap * 2 : 8;
        char **t = realloc(p->params, (size_t)cap * sizeof(*t));
        if (t == NULL) {
            free(v);
            return err_set(p->e, ERR_NOMEM, "out of memory");
        }
        p->params = t;
        p->cap = cap;
    }
    p->params[p->nparams] = v;
    *num = p->first_param + p->nparams++;
    return 0;
}

/* ---- the cost of a regular expression ------------------------------ */

/* PostgreSQL's engine (Spencer's, advanced regular expressions) expands
 * every bounded repetition into copies of what it repeats, and matches in
 * time proportional to the text times the size of that expansion; a back
 * reference makes it try the ways to split the text, with no bound.  So
 * a regular expression is refused, before any database work, when it is
 * longer than FILTER_REGEX_MAX_LEN bytes, holds a back reference (\1 ..
 * \9 outside brackets), asks for another flavour ((?b), (?e)), or when
 * its size exceeds FILTER_REGEX_MAX_SIZE.  The size: every atom counts 1
 * (a character, an escape, a bracket expression, ^ $ .), a group the sum
 * of its alternatives, *, + and ? multiply nothing, {m} and {m,n} multiply
 * what they repeat by m or n, {m,} by m + 1.  An overestimate at worst
 * (anchors and \x escapes' digits count): what PostgreSQL would refuse as
 * malformed is left to it.  A literal (***= or (?q)) costs nothing. */

/* Sizes are clamped here and bounds below, so products cannot overflow
 * (10^12 * 10^5 < 2^63) and the message tells any real size. */
#define REGEX_CLAMP 1000000000000LL
/* A bound's number, clamped (PostgreSQL itself refuses over 255). */
#define REGEX_BOUND_CLAMP 100000LL

static long long clamp_size(long long n)
{
    return n > REGEX_CLAMP ? REGEX_CLAMP : n;
}

/* The bound {m}, {m,} or {m,n} at s[i] ('{'): its factor in *factor and
 * the index after it, or 0 when s[i] starts no bound (a literal brace). */
static size_t regex_bound(const char *s, size_t len, size_t i,
                          long long *factor)
{
    long long m = 0, n = -1;
    size_t j = i + 1;

    if (j >= len || s[j] < '0' || s[j] > '9')
        return 0;
    for (; j < len && s[j] >= '0' && s[j] <= '9'; j++)
        m = m * 10 + (s[j] - '0') > REGEX_BOUND_CLAMP ? REGEX_BOUND_CLAMP
                                                      : m * 10 + (s[j] - '0');
    if (j < len && s[j] == ',') {
        j++;
        if (j < len && s[j] >= '0' && s[j] <= '9') {
            for (n = 0; j < len && s[j] >= '0' && s[j] <= '9'; j++)
                n = n * 10 + (s[j] - '0') > REGEX_BOUND_CLAMP
                        ? REGEX_BOUND_CLAMP
                        : n * 10 + (s[j] - '0');
        } else {
            n = m + 1; /* {m,}: m copies and a loop */
        }
    } else {
        n = m;
    }
    if (j >= len || s[j] != '}')
        return 0;
    *factor = n < m ? m : n;
    if (*factor < 1)
        *factor = 1;
    return j + 1;
}

/* The index after the bracket expression starting at s[i] ('['), or len
 * when it is not closed. */
static size_t regex_bracket(const char *s, size_t len, size_t i)
{
    size_t j = i + 1;

    if (j < len && s[j] == '^')
        j++;
    if (j < len && s[j] == ']')
        j++; /* a leading ] is a member */
    while (j < len && s[j] != ']') {
        if (s[j] == '[' && j + 1 < len &&
            (s[j + 1] == ':' || s[j + 1] == '.' || s[j + 1] == '=')) {
            /* [:class:], [.coll.], [=equiv=] */
            char end = s[j + 1];
            j += 2;
            while (j + 1 < len && !(s[j] == end && s[j + 1] == ']'))
                j++;
            j += 2;
            continue;
        }
        if (s[j] == '\\' && j + 1 < len)
            j++;
        j++;
    }
    return j < len ? j + 1 : len;
}

/* What is wrong with regular expression v (which, for messages: "for
 * field \"x\"" or "of the free-text term"): 0, or ERR_INVALID with e
 * filled.  The rule is above. */
static int regex_check(struct parser *p, const char *v, const char *which)
{
    long long sum[FILTER_REGEX_MAX_LEN + 2], alt[FILTER_REGEX_MAX_LEN + 2];
    long long last = 0, size, factor = 1;
    size_t len = strlen(v), i = 0, j;
    int depth = 0;

    if (len > FILTER_REGEX_MAX_LEN)
        return err_set(p->e, ERR_INVALID,
                       "filter: regular expression %s longer than %d bytes "
                       "(%zu)",
                       which, FILTER_REGEX_MAX_LEN, len);
    /* directors: ***= a literal, ***: an advanced one */
    if (strncmp(v, "***=", 4) == 0)
        return 0;
    if (strncmp(v, "***:", 4) == 0)
        i = 4;
    /* embedded options, at the start only */
    if (len - i >= 3 && v[i] == '(' && v[i + 1] == '?' && v[i + 2] >= 'a' &&
        v[i + 2] <= 'z') {
        for (j = i + 2; j < len && v[j] >= 'a' && v[j] <= 'z'; j++) {
            if (v[j] == 'b' || v[j] == 'e')
                return err_set(p->e, ERR_INVALID,
                               "filter: regular expression %s: only "
                               "advanced regular expressions are allowed "
                               "(not the options b and e)",
                               which);
            if (v[j] == 'q')
                return 0; /* the rest is a literal */
        }
        if (j < len && v[j] == ')')
            i = j + 1;
    }
    sum[0] = alt[0] = 0;
    while (i < len) {
        char ch = v[i];
        switch (ch) {
        case '\\':
            if (i + 1 < len && v[i + 1] >= '1' && v[i + 1] <= '9')
                return err_set(p->e, ERR_INVALID,
                               "filter: regular expression %s: back "
                               "references (\\1 ... \\9) are not allowed",
                               which);
            i += i + 1 < len ? 2 : 1;
            last = 1;
            sum[depth] = clamp_size(sum[depth] + 1);
            continue;
        case '[':
            i = regex_bracket(v, len, i);
            last = 1;
            sum[depth] = clamp_size(sum[depth] + 1);
            continue;
        case '(':
            i++;
            if (i < len && v[i] == '?') {
                /* (?:  (?=  (?!  (?<=  (?<! */
                i++;
                if (i < len && v[i] == '<')
                    i++;
                if (i < len)
                    i++;
            }
            depth++;
            sum[depth] = alt[depth] = 0;
            last = 0;
            continue;
        case ')':
            i++;
            if (depth == 0) {
                last = 1; /* unmatched: PostgreSQL refuses it */
                sum[0] = clamp_size(sum[0] + 1);
                continue;
            }
            last = clamp_size(alt[depth] + sum[depth]);
            depth--;
            sum[depth] = clamp_size(sum[depth] + last);
            continue;
        case '|':
            i++;
            alt[depth] = clamp_size(alt[depth] + sum[depth]);
            sum[depth] = 0;
            last = 0;
            continue;
        case '*':
        case '+':
        case '?':
            i++;
            continue; /* a loop: nothing copied */
        case '{':
            j = regex_bound(v, len, i, &factor);
            if (j > 0) {
                i = j;
                /* what last repeats is there once already */
                sum[depth] = clamp_size(sum[depth] + last * (factor - 1));
                last = clamp_size(last * factor);
                continue;
            }
            break;
        default:
            break;
        }
        /* an ordinary character: the bytes that start a UTF-8 sequence */
        if (((unsigned char)ch & 0xC0) != 0x80) {
            last = 1;
            sum[depth] = clamp_size(sum[depth] + 1);
        }
        i++;
    }
    /* groups left open count as closed */
    for (size = clamp_size(alt[depth] + sum[depth]); depth > 0; depth--)
        size = clamp_size(alt[depth - 1] + sum[depth - 1] + size);
    if (size > FILTER_REGEX_MAX_SIZE)
        return err_set(p->e, ERR_INVALID,
                       "filter: regular expression %s too costly: its "
                       "repetitions expand it to %lld atoms, at most %d; "
                       "narrow it",
                       which, size, FILTER_REGEX_MAX_SIZE);
    return 0;
}

static const char *cast_of(enum filter_type t)
{
    switch (t) {
    case FILTER_INT:
    case FILTER_REF:
        return "bigint";
    case FILTER_BOOL:
        return "boolean";
    case FILTER_TEXT:
        break;
    }
    return "text";
}

/* Checks and converts value v (consumed) for field f and appends its
 * placeholder "$n::type" to out; regex: v is a regular expression. */
static int add_value(struct parser *p, const struct filter_field *f, char *v,
                     int regex, struct sbuf *out)
{
    char num[32];
    int rc, n = 0;

    switch (f->type) {
    case FILTER_TEXT:
        if (regex && v[0] == '\0') {
            free(v);
            return err_set(p->e, ERR_INVALID,
                           "filter: empty regular "
                           "expression for field \"%s\"",
                           f->name);
        }
        if (regex) {
            char which[96];
            snprintf(which, sizeof(which), "for field \"%.60s\"", f->name);
            if ((rc = regex_check(p, v, which)) < 0) {
                free(v);
                return rc;
            }
        }
        break;
    case FILTER_INT: {
        char *end;
        long long x;
        errno = 0;
        x = strtoll(v, &end, 10);
        if (v[0] == '\0' || is_blank(v[0]) || *end != '\0' || errno) {
            rc = err_set(p->e, ERR_INVALID,
                         "filter: invalid integer "
                         "\"%.*s\" for field \"%s\"",
                         snip(v, strlen(v)), v, f->name);
            free(v);
            return rc;
        }
        snprintf(num, sizeof(num), "%lld", x);
        free(v);
        if ((v = strdup(num)) == NULL)
            return err_set(p->e, ERR_NOMEM, "out of memory");
        break;
    }
    case FILTER_BOOL:
        if (strcasecmp(v, "true") != 0 && strcasecmp(v, "false") != 0) {
            rc = err_set(p->e, ERR_INVALID,
                         "filter: invalid boolean "
                         "\"%.*s\" for field \"%s\" (expected true or "
                         "false)",
                         snip(v, strlen(v)), v, f->name);
            free(v);
            return rc;
        }
        for (char *c = v; *c; c++)
            *c = (char)(*c | 0x20); /* ASCII letters only: lower case */
        break;
    case FILTER_REF: {
        long long id = 0;
        if (p->resolve == NULL) {
            free(v);
            return err_set(p->e, ERR_INTERNAL,
                           "filter: no resolver for "
                           "field \"%s\"",
                           f->name);
        }
        rc = p->resolve(p->ctx, f, v, &id, p->e);
        free(v);
        if (rc < 0)
            return rc;
        snprintf(num, sizeof(num), "%lld", id);
        if ((v = strdup(num)) == NULL)
            return err_set(p->e, ERR_NOMEM, "out of memory");
        break;
    }
    }
    if ((rc = push_param(p, v, &n)) < 0)
        return rc;
    sb_addf(out, "$%d::%s", n, cast_of(f->type));
    return 0;
}

/* Emits one condition on f: op with values vals[0..nvals) (consumed),
 * negated when neg (classic !, TEXT only; others use OP_NE). */
static int emit_cond(struct parser *p, const struct filter_field *f, enum op op,
                     char **vals, int nvals, int neg, struct sbuf *out)
{
    int text = f->type == FILTER_TEXT, rc = 0, i = 0;
    const char *c = f->column;
    struct sbuf ph[2] = {{0}};

    /* every op but in() has one value */
    if (op != OP_IN) {
        rc = add_value(p, f, vals[0], op == OP_REGEX, &ph[0]);
        vals[0] = NULL;
        i = 1;
        if (rc < 0)
            goto out;
    }
    if (neg)
        sb_add(out, "(");
    switch (op) {
    case OP_REGEX:
        sb_add(out, c);
        sb_add(out, " ~* ");
        sb_move(out, &ph[0]);
        break;
    case OP_EQ:
    case OP_NE:
        sb_add(out, text ? "lower(" : "");
        sb_add(out, c);
        sb_add(out, text ? ")" : "");
        sb_add(out, op == OP_EQ ? " = " : " IS DISTINCT FROM ");
        sb_add(out, text ? "lower(" : "");
        sb_move(out, &ph[0]);
        sb_add(out, text ? ")" : "");
        break;
    case OP_CONTAINS:
        sb_add(out, "strpos(lower(");
        sb_add(out, c);
        sb_add(out, "), lower(");
        sb_move(out, &ph[0]);
        sb_add(out, ")) > 0");
        break;
    case OP_PREFIX:
        sb_add(out, "starts_with(lower(");
        sb_add(out, c);
        sb_add(out, "), lower(");
        sb_move(out, &ph[0]);
        sb_add(out, "))");
        break;
    case OP_SUFFIX:
        /* the same placeholder twice: one parameter */
        sb_add(out, "right(lower(");
        sb_add(out, c);
        sb_add(out, "), length(");
        sb_add(out, ph[0].s ? ph[0].s : "");
        sb_add(out, ")) = lower(");
        sb_move(out, &ph[0]);
        sb_add(out, ")");
        break;
    case OP_IN:
        sb_add(out, text ? "lower(" : "");
        sb_add(out, c);
        sb_add(out, text ? ") IN (" : " IN (");
        for (; i < nvals; i++) {
            rc = add_value(p, f, vals[i], 0, &ph[1]);
            vals[i] = NULL;
            if (rc < 0)
                goto out;
            sb_add(out, i ? ", " : "");
            sb_add(out, text ? "lower(" : "");
            sb_move(out, &ph[1]);
            sb_add(out, text ? ")" : "");
        }
        sb_add(out, ")");
        break;
    }
    if (neg)
        sb_add(out, ") IS NOT TRUE");
out:
    for (; i < nvals; i++) {
        free(vals[i]);
        vals[i] = NULL;
    }
    sb_free(&ph[0]);
    sb_free(&ph[1]);
    return rc;
}

/* ---- classic syntax ------------------------------------------------ */

/* Reads a blank-delimited word at p->pos into *out (malloc'd), with "..."
 * sections holding blanks (\" inside is a quote).  *any: the word was not
 * empty in the source. */
static int classic_word(struct parser *p, char **out, int *any)
{
    struct sbuf b = {0};
    size_t start = p->pos, qstart = 0;
    int inq = 0;

    *out = NULL;
    while (p->pos < p->len) {
        char ch = p->s[p->pos];
        if (!inq && is_blank(ch))
            break;
        if (ch == '"') {
            inq = !inq;
            qstart = p->pos++;
            continue;
        }
        if (inq && ch == '\\' && p->pos + 1 < p->len &&
            p->s[p->pos + 1] == '"') {
            sb_addn(&b, "\"", 1);
            p->pos += 2;
            continue;
        }
        sb_addn(&b, &ch, 1);
        p->pos++;
    }
    if (inq) {
        sb_free(&b);
        return perr(p, qstart, "unterminated quote");
    }
    sb_addn(&b, "", 0);
    if (b.oom) {
        sb_free(&b);
        return err_set(p->e, ERR_NOMEM, "out of memory");
    }
    *out = b.s;
    *any = p->pos > start;
    return 0;
}

/* A term without a field: the value against every free_text column. */
static int emit_free_text(struct parser *p, char *v, size_t at, int neg,
                          struct sbuf *out)
{
    struct sbuf ph = {0};
    int n = 0, rc, cols = 0;

    for (size_t i = 0; i < p->nfields; i++)
        cols += p->fields[i].free_text != 0;
    if (cols == 0) {
        free(v);
        return perr(p, at, "expected field:value");
    }
    if (v[0] == '\0') {
        free(v);
        return perr(p, at, "empty regular expression");
    }
    if ((rc = regex_check(p, v, "of the free-text term")) < 0) {
        free(v);
        return rc;
    }
    if ((rc = push_param(p, v, &n)) < 0)
        return rc;
    sb_addf(&ph, "$%d::text", n);
    sb_add(out, cols > 1 || neg ? "(" : "");
    for (size_t i = 0, k = 0; i < p->nfields; i++) {
        if (!p->fields[i].free_text)
            continue;
        sb_add(out, k++ ? " OR " : "");
        sb_add(out, p->fields[i].column);
        sb_add(out, " ~* ");
        sb_add(out, ph.s ? ph.s : "");
    }
    sb_add(out, cols > 1 || neg ? ")" : "");
    sb_add(out, neg ? " IS NOT TRUE" : "");
    sb_free(&ph);
    return 0;
}

static int parse_classic(struct parser *p, struct sbuf *out)
{
    int rc = 0, any, neg;
    char *v = NULL;

    for (;;) {
        const struct filter_field *f = NULL;
        size_t start, id_end;

        skip_blanks(p);
        if (p->pos >= p->len)
            break;
        start = p->pos;
        if ((rc = count_cond(p, start)) < 0)
            return rc;
        neg = p->s[p->pos] == '!';
        p->pos += (size_t)neg;
        id_end = ident_end(p->s, p->len, p->pos);
        if (id_end > p->pos && id_end < p->len && p->s[id_end] == ':') {
            if ((f = lookup(p, p->pos, id_end)) == NULL)
                return ERR_INVALID;
            p->pos = id_end + 1;
            if (p->pos < p->len && p->s[p->pos] == '!') {
                neg = !neg;
                p->pos++;
            }
        }
        if ((rc = classic_word(p, &v, &any)) < 0)
            return rc;
        if (!any) {
            free(v);
            return perr(p, p->pos, "expected a %s after \"%.*s\"",
                        f ? "value" : "term",
                        snip(p->s + start, p->pos - start), p->s + start);
        }
        sb_add(out, out->len ? " AND " : "");
        if (f == NULL)
            rc = emit_free_text(p, v, start, neg, out);
        else if (f->type == FILTER_TEXT)
            rc = emit_cond(p, f, OP_REGEX, &v, 1, neg, out);
        else
            rc = emit_cond(p, f, neg ? OP_NE : OP_EQ, &v, 1, 0, out);
        v = NULL;
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- newer syntax -------------------------------------------------- */

/* Matches keyword kw (case-insensitive, not followed by an identifier
 * character) at p->pos and moves past it. */
static int keyword(struct parser *p, const char *kw)
{
    size_t n = strlen(kw);

    if (p->len - p->pos < n || strncasecmp(p->s + p->pos, kw, n) != 0 ||
        (p->pos + n < p->len && is_ident(p->s[p->pos + n])))
        return 0;
    p->pos += n;
    return 1;
}

/* Reads a value at p->pos: quoted with " or ' (the quote doubled or after
 * a backslash stands for itself), or bare up to a blank, an unbalanced ")"
 * or (in a list) a ",".  *out is NULL when there is none. */
static int newer_value(struct parser *p, int in_list, char **out)
{
    struct sbuf b = {0};
    size_t start = p->pos;
    char q;

    *out = NULL;
    if (p->pos >= p->len)
        return 0;
    q = p->s[p->pos];
    if (q == '"' || q == '\'') {
        p->pos++;
        for (;;) {
            char ch;
            if (p->pos >= p->len) {
                sb_free(&b);
                return perr(p, start, "unterminated quote");
            }
            ch = p->s[p->pos];
            if (ch == q && (p->pos + 1 >= p->len || p->s[p->pos + 1] != q)) {
                p->pos++;
                break;
            }
            if ((ch == '\\' || ch == q) && p->pos + 1 < p->len &&
                p->s[p->pos + 1] == q) {
                ch = q;
                p->pos++;
            }
            sb_addn(&b, &ch, 1);
            p->pos++;
        }
        if (p->pos < p->len && !is_blank(p->s[p->pos]) && p->s[p->pos] != ')' &&
            !(in_list && p->s[p->pos] == ',')) {
            sb_free(&b);
            return perr(p, p->pos,
                        "expected a blank or \")\" after the "
                        "quoted value");
        }
        sb_addn(&b, "", 0);
    } else {
        int depth = 0;
        while (p->pos < p->len) {
            char ch = p->s[p->pos];
            if (is_blank(ch) || (ch == ',' && in_list && depth == 0))
                break;
            if (ch == ')' && depth-- == 0)
                break;
            depth += ch == '(';
            p->pos++;
        }
        if (p->pos == start)
            return 0;
        sb_addn(&b, p->s + start, p->pos - start);
    }
    if (b.oom) {
        sb_free(&b);
        return err_set(p->e, ERR_NOMEM, "out of memory");
    }
    *out = b.s;
    return 0;
}

/* Reads an operator at p->pos. */
static int newer_op(struct parser *p, enum op *op)
{
    const char *s = p->s + p->pos;
    size_t left = p->len - p->pos;

    if (left >= 2 && s[0] == '!' && s[1] == '=') {
        *op = OP_NE;
        p->pos += 2;
        return 1;
    }
    if (left >= 1 && s[0] == '=') {
        static const char second[] = "@^$~";
        static const enum op ops[] = {OP_CONTAINS, OP_PREFIX, OP_SUFFIX,
                                      OP_REGEX};
        const char *two = left >= 2 && s[1] ? strchr(second, s[1]) : NULL;
        if (two != NULL) {
            *op = ops[two - second];
            p->pos += 2;
        } else {
            *op = OP_EQ;
            p->pos += 1;
        }
        return 1;
    }
    if (keyword(p, "in")) {
        size_t save = p->pos;
        skip_blanks(p);
        if (p->pos < p->len && p->s[p->pos] == '(') {
            *op = OP_IN;
            p->pos++;
            return 1;
        }
        p->pos = save - 2;
    }
    return 0;
}

static int newer_cond(struct parser *p, struct sbuf *out)
{
    const struct filter_field *f;
    size_t start, id_end;
    char *vals[FILTER_MAX_PARAMS + 1];
    int nvals = 0, rc;
    enum op op;

    skip_blanks(p);
    start = p->pos;
    id_end = ident_end(p->s, p->len, p->pos);
    if (id_end == p->pos)
        return perr(p, p->pos, "expected a field name");
    if ((f = lookup(p, p->pos, id_end)) == NULL)
        return ERR_INVALID;
    if ((rc = count_cond(p, start)) < 0)
        return rc;
    p->pos = id_end;
    skip_blanks(p);
    if (!newer_op(p, &op))
        return perr(p, p->pos,
                    "expected an operator (=, !=, =@, =^, =$, "
                    "=~ or in) after \"%.*s\"",
                    snip(p->s + start, id_end - start), p->s + start);
    if (f->type != FILTER_TEXT && op != OP_EQ && op != OP_NE && op != OP_IN)
        return err_set(p->e, ERR_INVALID,
                       "filter: operator \"%s\" does "
                       "not apply to field \"%s\"",
                       op_text[op], f->name);
    if (op != OP_IN) {
        size_t op_end = p->pos;
        skip_blanks(p);
        if ((rc = newer_value(p, 0, &vals[0])) < 0)
            return rc;
        if (vals[0] == NULL)
            return perr(p, p->pos, "expected a value after \"%.*s\"",
                        snip(p->s + start, op_end - start), p->s + start);
        return emit_cond(p, f, op, vals, 1, 0, out);
    }
    for (;;) {
        skip_blanks(p);
        if ((rc = newer_value(p, 1, &vals[nvals])) < 0)
            goto fail;
        if (vals[nvals] == NULL) {
            rc = perr(p, p->pos, "expected a value in the list");
            goto fail;
        }
        if (++nvals > FILTER_MAX_PARAMS) {
            rc = err_set(p->e, ERR_INVALID, "filter: more than %d values",
                         FILTER_MAX_PARAMS);
            goto fail;
        }
        skip_blanks(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == ')') {
            p->pos++;
            break;
        }
        rc = perr(p, p->pos, "expected \",\" or \")\" in the list");
        goto fail;
    }
    return emit_cond(p, f, OP_IN, vals, nvals, 0, out);
fail:
    while (nvals > 0)
        free(vals[--nvals]);
    return rc;
}

static int newer_or(struct parser *p, struct sbuf *out, int *nand);

/* A condition or a parenthesized expression; *nand as for newer_and. */
static int newer_primary(struct parser *p, struct sbuf *out, int *nand)
{
    int rc;

    skip_blanks(p);
    if (p->pos < p->len && p->s[p->pos] == '(') {
        if (++p->depth > FILTER_MAX_DEPTH)
            return perr(p, p->pos, "more than %d nested parentheses",
                        FILTER_MAX_DEPTH);
        p->pos++;
        if ((rc = newer_or(p, out, nand)) < 0)
            return rc;
        skip_blanks(p);
        if (p->pos >= p->len || p->s[p->pos] != ')')
            return perr(p, p->pos, "expected \"and\", \"or\" or \")\"");
        p->pos++;
        p->depth--;
        return 0;
    }
    *nand = 1;
    return newer_cond(p, out);
}

/* Conditions joined with "and"; *nand: how many terms out ANDs together
 * at its top level. */
static int newer_and(struct parser *p, struct sbuf *out, int *nand)
{
    int rc, n;

    *nand = 0;
    for (;;) {
        sb_add(out, *nand ? " AND " : "");
        if ((rc = newer_primary(p, out, &n)) < 0)
            return rc;
        *nand += n;
        skip_blanks(p);
        if (!keyword(p, "and"))
            return 0;
    }
}

static int newer_or(struct parser *p, struct sbuf *out, int *nand)
{
    struct sbuf term = {0}, all = {0};
    int rc, n, more, terms = 0;

    for (;;) {
        if ((rc = newer_and(p, &term, &n)) < 0)
            goto out;
        skip_blanks(p);
        more = keyword(p, "or");
        if (terms == 0 && !more) {
            sb_move(out, &term); /* no "or": a plain and-chain */
            *nand = n;
            goto out;
        }
        sb_add(&all, terms++ ? " OR " : "(");
        sb_add(&all, n > 1 ? "(" : "");
        sb_move(&all, &term);
        sb_add(&all, n > 1 ? ")" : "");
        if (!more)
            break;
    }
    sb_add(&all, ")");
    sb_move(out, &all);
    *nand = 1;
out:
    sb_free(&term);
    sb_free(&all);
    return rc;
}

/* Whether s is in the newer syntax (see filter.h). */
static int is_newer(const char *s, size_t len)
{
    size_t i = 0, j;

    while (i < len && (is_blank(s[i]) || s[i] == '('))
        i++;
    j = ident_end(s, len, i);
    if (j == i)
        return 0;
    while (j < len && is_blank(s[j]))
        j++;
    if (j < len &&
        (s[j] == '=' || (s[j] == '!' && j + 1 < len && s[j + 1] == '=')))
        return 1;
    if (len - j >= 2 && strncasecmp(s + j, "in", 2) == 0) {
        j += 2;
        while (j < len && is_blank(s[j]))
            j++;
        return j < len && s[j] == '(';
    }
    return 0;
}

/* Offset of the first byte that breaks UTF-8 in s[0..len), or len. */
static size_t utf8_check(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            n = 1;
            min = 0x80;
            c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            min = 0x800;
            c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            min = 0x10000;
            c &= 0x07;
        } else {
            return i;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                return i;
            c = (c << 6) | (s[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return i;
        i += n + 1;
    }
    return len;
}

/* ---- the API ------------------------------------------------------- */

void filter_sql_free(struct filter_sql *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->nparams; i++)
        free(s->params[i]);
    free(s->params);
    free(s->where);
    memset(s, 0, sizeof(*s));
}

int filter_compile(const char *filter, const struct filter_field *fields,
                   size_t nfields, int first_param, filter_resolve_fn resolve,
                   void *ctx, struct filter_sql *out, struct err *e)
{
    struct parser p = {0};
    struct sbuf where = {0};
    int rc = 0, n;
    size_t bad;

    memset(out, 0, sizeof(*out));
    if (first_param < 1)
        return err_set(e, ERR_INTERNAL, "filter: bad first parameter %d",
                       first_param);
    p.s = filter ? filter : "";
    p.len = strlen(p.s);
    p.fields = fields;
    p.nfields = nfields;
    p.first_param = first_param;
    p.resolve = resolve;
    p.ctx = ctx;
    p.e = e;
    if (p.len > FILTER_MAX_LEN) {
        rc = err_set(e, ERR_INVALID,
                     "filter too long (%zu bytes, at most "
                     "%d)",
                     p.len, FILTER_MAX_LEN);
        goto out;
    }
    if ((bad = utf8_check((const unsigned char *)p.s, p.len)) < p.len) {
        rc = perr(&p, bad, "invalid UTF-8");
        goto out;
    }
    if (is_newer(p.s, p.len)) {
        if ((rc = newer_or(&p, &where, &n)) < 0)
            goto out;
        skip_blanks(&p);
        if (p.pos < p.len) {
            rc = perr(&p, p.pos, "expected \"and\", \"or\" or the end");
            goto out;
        }
    } else if ((rc = parse_classic(&p, &where)) < 0) {
        goto out;
    }
    if (where.len == 0)
        sb_add(&where, "TRUE");
    if (where.oom) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    out->where = where.s;
    out->nparams = p.nparams;
    out->params = p.params;
    out->nconds = p.nconds;
    return 0;
out:
    sb_free(&where);
    for (int i = 0; i < p.nparams; i++)
        free(p.params[i]);
    free(p.params);
    return rc;
}

int filter_order_by(const char *sort_by, const char *sort_order,
                    const struct filter_field *fields, size_t nfields,
                    const char *default_column, const char *tiebreak_column,
                    char *buf, size_t buflen, struct err *e)
{
    const char *col = default_column, *dir = "ASC";
    char names[200];
    int n;

    if (sort_by != NULL && sort_by[0] != '\0') {
        const struct filter_field *f = find_field(fields, nfields, sort_by,
                                                  strlen(sort_by));
        if (f == NULL || !f->sortable) {
            list_fields(fields, nfields, 1, names, sizeof(names));
            return err_set(e, ERR_INVALID,
                           "%s sortBy \"%.*s\"; sortable "
                           "fields: %s",
                           f ? "unsortable" : "unknown",
                           snip(sort_by, strlen(sort_by)), sort_by, names);
        }
        col = f->column;
    }
    if (sort_order != NULL && sort_order[0] != '\0') {
        if (strcasecmp(sort_order, "Descending") == 0)
            dir = "DESC";
        else if (strcasecmp(sort_order, "Ascending") != 0)
            return err_set(e, ERR_INVALID,
                           "invalid sortOrder \"%.*s\" "
                           "(expected Ascending or Descending)",
                           snip(sort_order, strlen(sort_order)), sort_order);
    }
    if (col == NULL)
        return err_set(e, ERR_INTERNAL, "no default sort column");
    if (tiebreak_column != NULL && strcmp(tiebreak_column, col) != 0)
        n = snprintf(buf, buflen, "ORDER BY %s %s, %s ASC", col, dir,
                     tiebreak_column);
    else
        n = snprintf(buf, buflen, "ORDER BY %s %s", col, dir);
    if (n < 0 || (size_t)n >= buflen)
        return err_set(e, ERR_INTERNAL, "ORDER BY clause too long");
    return 0;
}
