/* micetro-emu, micetro-dhcp-agent: the command line (see opts.h). */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPTS_MAX 64 /* entries of one table */

/* getopt_long's code for entry i (codes below 256 are short options and
 * getopt's own answers) */
#define CODE_BASE 256

static void *field(void *cfg, const struct opts_opt *o)
{
    return (char *)cfg + o->off;
}

static void store_int(void *cfg, const struct opts_opt *o, long long v)
{
    if (o->size == sizeof(int)) {
        int i = (int)v;
        memcpy(field(cfg, o), &i, sizeof(i));
    } else {
        memcpy(field(cfg, o), &v, sizeof(v));
    }
}

static void store_ptr(void *cfg, const struct opts_opt *o, const char *s)
{
    memcpy(field(cfg, o), &s, sizeof(s));
}

/* The index of word s in o->words; -1: none. */
static int word_index(const struct opts_opt *o, const char *s)
{
    for (int i = 0; o->words[i] != NULL; i++)
        if (strcmp(o->words[i], s) == 0)
            return i;
    return -1;
}

/* 1 when o is an option of the command line (not a heading). */
static int is_option(const struct opts_opt *o)
{
    return o->kind != OPTS_HEADING;
}

/* 1 when o sets a field. */
static int sets_field(const struct opts_opt *o)
{
    return o->kind != OPTS_HELP && o->kind != OPTS_VERSION &&
           o->kind != OPTS_HEADING;
}

/* What is wrong with entry o of a table; NULL: nothing. */
static const char *entry_fault(const struct opts_opt *o)
{
    switch (o->kind) {
    case OPTS_INT:
        if (o->size != sizeof(int) && o->size != sizeof(long long))
            return "an integer field of another size";
        if (o->min > o->max || o->def < o->min || o->def > o->max)
            return "a default outside its bounds";
        if (o->size == sizeof(int) && (o->min < INT_MIN || o->max > INT_MAX))
            return "bounds wider than the field";
        return NULL;
    case OPTS_STR:
    case OPTS_PATH:
        return o->size == sizeof(const char *) ? NULL : "not a pointer";
    case OPTS_STRBUF:
        if (o->size == 0)
            return "no buffer";
        if (o->def_str != NULL && strlen(o->def_str) >= o->size)
            return "a default longer than its buffer";
        return NULL;
    case OPTS_FLAG:
        return o->size == sizeof(int) ? NULL : "a flag not an int";
    case OPTS_ENUM:
        if (o->size != sizeof(int) || o->words == NULL)
            return "an enumeration without words or not int-sized";
        for (long long i = 0; i <= o->def; i++)
            if (o->words[i] == NULL)
                return "a default outside its words";
        return o->def < 0 ? "a default outside its words" : NULL;
    case OPTS_CUSTOM:
        return o->set == NULL ? "no setter" : NULL;
    case OPTS_HELP:
    case OPTS_VERSION:
        return NULL;
    case OPTS_HEADING:
        return o->help == NULL ? "a heading without text" : NULL;
    }
    return "an unknown kind";
}

/* A broken table is the program's own mistake: it stops before reading
 * anything. */
static void check_table(const struct opts_prog *p)
{
    const char *why = NULL, *name = "";

    if (p->n_opts > OPTS_MAX)
        why = "too many entries";
    for (size_t i = 0; why == NULL && i < p->n_opts; i++) {
        const struct opts_opt *o = &p->opts[i];
        name = o->name ? o->name : "";
        if (is_option(o) && name[0] == '\0')
            why = "an option without a name";
        else
            why = entry_fault(o);
        for (size_t j = 0; why == NULL && j < i; j++) {
            const struct opts_opt *q = &p->opts[j];
            if (is_option(o) && is_option(q) && strcmp(q->name, o->name) == 0)
                why = "named twice";
            else if (o->short_name && q->short_name == o->short_name)
                why = "a short name twice";
        }
        if (why == NULL && o->short_name &&
            (!isalnum((unsigned char)o->short_name) ||
             (o->kind != OPTS_FLAG && o->kind != OPTS_HELP &&
              o->kind != OPTS_VERSION)))
            why = "a short name not a letter or digit, or with a value";
    }
    if (why == NULL && p->operands != NULL) {
        name = "(operands)";
        why = p->operands->kind != OPTS_ENUM ? "operands not an enumeration"
              : p->operands->name != NULL    ? "operands with a name"
                                             : entry_fault(p->operands);
    }
    if (why != NULL) {
        fprintf(stderr, "%s: option table: --%s: %s\n", p->name, name, why);
        abort();
    }
}

int opts_number(const char *s, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int opts_set(const struct opts_prog *p, const struct opts_opt *o, void *cfg,
             const char *value)
{
    long long v;
    FILE *f;
    int i;

    switch (o->kind) {
    case OPTS_INT:
        if (opts_number(value, o->min, o->max, &v)) {
            p->complain(p, OPTS_BAD_INT, o, value);
            return -1;
        }
        store_int(cfg, o, v);
        return 0;
    case OPTS_STR:
        store_ptr(cfg, o, value);
        return 0;
    case OPTS_STRBUF:
        if (strlen(value) >= o->size) {
            p->complain(p, OPTS_TOO_LONG, o, value);
            return -1;
        }
        memcpy(field(cfg, o), value, strlen(value) + 1);
        return 0;
    case OPTS_PATH:
        if ((f = fopen(value, "r")) == NULL) {
            p->complain(p, OPTS_NO_FILE, o, value);
            return -1;
        }
        fclose(f);
        store_ptr(cfg, o, value);
        return 0;
    case OPTS_FLAG:
        store_int(cfg, o, 1);
        return 0;
    case OPTS_ENUM:
        if ((i = word_index(o, value)) < 0) {
            p->complain(p, OPTS_BAD_WORD, o, value);
            return -1;
        }
        store_int(cfg, o, i);
        return 0;
    case OPTS_CUSTOM:
        return o->set(cfg, o, value);
    case OPTS_HELP:
    case OPTS_VERSION:
    case OPTS_HEADING:
        return 0; /* nothing to set */
    }
    return -1;
}

const struct opts_opt *opts_find(const struct opts_prog *p, const char *name,
                                 size_t len)
{
    for (size_t i = 0; i < p->n_opts; i++) {
        const struct opts_opt *o = &p->opts[i];
        if (sets_field(o) && strlen(o->name) == len &&
            strncmp(o->name, name, len) == 0)
            return o;
    }
    return NULL;
}

/* The defaults of o (not opened, not looked up in the environment). */
static int set_default(const struct opts_opt *o, void *cfg)
{
    switch (o->kind) {
    case OPTS_INT:
    case OPTS_FLAG:
    case OPTS_ENUM:
        store_int(cfg, o, o->def);
        return 0;
    case OPTS_STR:
    case OPTS_PATH:
        store_ptr(cfg, o, o->def_str);
        return 0;
    case OPTS_STRBUF:
        snprintf(field(cfg, o), o->size, "%s", o->def_str ? o->def_str : "");
        return 0;
    case OPTS_CUSTOM:
        return o->def_str != NULL ? o->set(cfg, o, o->def_str) : 0;
    case OPTS_HELP:
    case OPTS_VERSION:
    case OPTS_HEADING:
        return 0;
    }
    return -1;
}

static int set_defaults(const struct opts_prog *p, void *cfg)
{
    const char *env;

    for (size_t i = 0; i < p->n_opts; i++)
        if (set_default(&p->opts[i], cfg))
            return -1;
    if (p->operands != NULL && set_default(p->operands, cfg))
        return -1;
    for (size_t i = 0; i < p->n_opts; i++) {
        const struct opts_opt *o = &p->opts[i];
        if (sets_field(o) && o->env != NULL && (env = getenv(o->env)) != NULL &&
            *env && opts_set(p, o, cfg, env))
            return -1;
    }
    return 0;
}

/* 1 when element, which getopt_long took for o, spells it as the program
 * wants: a short option alone ("-h", not "-hv"); with OPTS_EXACT_NAMES a
 * long one in full. */
static int spelled_out(const struct opts_prog *p, const struct opts_opt *o,
                       int code, const char *element)
{
    size_t n;

    if (code < CODE_BASE)
        return element[0] == '-' && element[1] == code && element[2] == '\0';
    if (!(p->flags & OPTS_EXACT_NAMES))
        return 1;
    element += 2;
    n = strcspn(element, "=");
    return n == strlen(o->name) && strncmp(element, o->name, n) == 0;
}

/* getopt_long's has_arg for o. */
static int has_arg(const struct opts_prog *p, const struct opts_opt *o)
{
    if (o->kind == OPTS_HELP || o->kind == OPTS_VERSION)
        return no_argument;
    if (o->kind != OPTS_FLAG)
        return required_argument;
    return p->flags & OPTS_FLAG_VALUES ? optional_argument : no_argument;
}

/* The entry getopt_long's code stands for; NULL: none. */
static const struct opts_opt *entry_of(const struct opts_prog *p, int code)
{
    if (code >= CODE_BASE && (size_t)(code - CODE_BASE) < p->n_opts)
        return &p->opts[code - CODE_BASE];
    for (size_t i = 0; code > 0 && i < p->n_opts; i++)
        if (p->opts[i].short_name == code)
            return &p->opts[i];
    return NULL;
}

/* The operands: seen one by one in order (first is where a wrong one
 * was seen), taken after every option. */
struct operands {
    const char *first_wrong, *last;
};

/* Notes operand w; -1 (complained) when the program takes none. */
static int see_operand(const struct opts_prog *p, struct operands *ops,
                       const char *w)
{
    if (p->operands == NULL) {
        p->complain(p, OPTS_OPERAND, NULL, w);
        return -1;
    }
    if (ops->first_wrong == NULL && word_index(p->operands, w) < 0)
        ops->first_wrong = w;
    ops->last = w;
    return 0;
}

int opts_parse(const struct opts_prog *p, void *cfg, int argc, char **argv)
{
    struct option longs[OPTS_MAX + 1];
    char shorts[OPTS_MAX + 3];
    struct operands ops = {NULL, NULL};
    size_t nl = 0, ns = 0;
    int posix = getenv("POSIXLY_CORRECT") != NULL;

    check_table(p);
    /* "-": every word in its place (code 1), so that a refusal names the
     * first element at fault; ":": a missing value is told apart */
    shorts[ns++] = '-';
    shorts[ns++] = ':';
    for (size_t i = 0; i < p->n_opts; i++) {
        const struct opts_opt *o = &p->opts[i];
        if (!is_option(o))
            continue;
        longs[nl].name = o->name;
        longs[nl].has_arg = has_arg(p, o);
        longs[nl].flag = NULL;
        longs[nl].val = CODE_BASE + (int)i;
        nl++;
        if (o->short_name)
            shorts[ns++] = o->short_name;
    }
    memset(&longs[nl], 0, sizeof(longs[nl]));
    shorts[ns] = '\0';

    if (set_defaults(p, cfg))
        return -1;
    optind = 0; /* getopt_long starts afresh: this table, this argv */
    opterr = 0;
    for (;;) {
        /* the element getopt_long reads next (optind 0 is 1 to it) */
        int at = optind > 0 ? optind : 1;
        int code = getopt_long(argc, argv, shorts, longs, NULL);
        const struct opts_opt *o;

        if (code == -1) {
            if (optind > at && p->operands == NULL) {
                p->complain(p, OPTS_UNKNOWN, NULL, argv[at]); /* "--" */
                return -1;
            }
            break; /* the end, or "--": the rest are operands */
        }
        if (code == 1) {
            if (see_operand(p, &ops, argv[at]))
                return -1;
            /* getopt_long's own order under POSIXLY_CORRECT: the options
             * end at the first operand */
            if (posix && p->operands != NULL) {
                optind = at + 1;
                break;
            }
            continue;
        }
        o = entry_of(p, code == ':' ? optopt : code);
        if (o != NULL &&
            !spelled_out(p, o, code == ':' ? optopt : code, argv[at]))
            o = NULL;
        if (code == ':' && o != NULL) {
            p->complain(p, OPTS_NO_VALUE, o, argv[at]);
            return -1;
        }
        if (code == '?' || code == ':' || o == NULL) {
            p->complain(p, OPTS_UNKNOWN, NULL, argv[at]);
            return -1;
        }
        if (o->kind == OPTS_HELP) {
            opts_help(p, stdout);
            return 1;
        }
        if (o->kind == OPTS_VERSION) {
            printf("%s %s\n", p->name, p->version);
            return 1;
        }
        if (opts_set(p, o, cfg, o->kind == OPTS_FLAG ? NULL : optarg))
            return -1;
    }
    for (int i = optind; i < argc; i++)
        if (see_operand(p, &ops, argv[i]))
            return -1;
    if (ops.first_wrong != NULL) {
        p->complain(p, OPTS_OPERAND, NULL, ops.first_wrong);
        return -1;
    }
    if (ops.last != NULL)
        return opts_set(p, p->operands, cfg, ops.last);
    return 0;
}

void opts_help(const struct opts_prog *p, FILE *f)
{
    fputs(p->usage, f);
    for (size_t i = 0; i < p->n_opts; i++) {
        const struct opts_opt *o = &p->opts[i];
        int n;

        if (o->kind == OPTS_HEADING) {
            fprintf(f, "\n%s\n", o->help);
            continue;
        }
        if (o->help == NULL)
            continue;
        if (o->label != NULL)
            n = fprintf(f, "  %s", o->label);
        else
            n = fprintf(f, "  --%s%s%s", o->name, o->arg ? " " : "",
                        o->arg ? o->arg : "");
        if (o->help[0] != '\0') {
            n = n + 2 <= p->help_column ? p->help_column - n : 2;
            fprintf(f, "%*s", n, "");
            for (const char *s = o->help; *s; s++) {
                fputc(*s, f);
                if (*s == '\n')
                    fprintf(f, "%*s", p->help_column, "");
            }
        }
        fputc('\n', f);
    }
    if (p->epilog != NULL)
        fputs(p->epilog, f);
}
