/* micetro-emu, micetro-dhcp-agent: the command line, read by glibc's
 * getopt_long from the program's table of options.
 *
 * An entry of the table names an option, says what value it takes and
 * where in the program's configuration struct it goes (offsetof), and
 * gives its default and its lines in --help.  opts_parse sets every
 * default, then the environment variables the table names, then the
 * command line in its order; the program checks what spans several
 * options afterwards.  The words of every refusal are the program's
 * (opts_prog.complain): the parser only says what is wrong where.
 */
#ifndef MICETRO_OPTS_H
#define MICETRO_OPTS_H

#include <stddef.h>
#include <stdio.h>

enum opts_kind {
    OPTS_INT,     /* a decimal integer from min to max, into an integer
                     field of size sizeof(int) or sizeof(long long) (any
                     signedness: the bounds must fit the field) */
    OPTS_STR,     /* text: a const char * to the value itself */
    OPTS_STRBUF,  /* text copied into a char array of size bytes; a longer
                     one is refused */
    OPTS_PATH,    /* a file's name, a const char * to the value; refused
                     when the file cannot be opened for reading */
    OPTS_FLAG,    /* no value: the int field becomes 1 */
    OPTS_ENUM,    /* one of words: its index into the int-sized field */
    OPTS_CUSTOM,  /* the value goes to set(), which refuses it itself */
    OPTS_HELP,    /* prints --help on stdout: opts_parse returns 1 */
    OPTS_VERSION, /* prints "NAME VERSION" on stdout: opts_parse returns 1 */
    OPTS_HEADING  /* not an option: "\nHELP\n" in --help */
};

struct opts_opt;

/* An OPTS_CUSTOM entry's setter: 0, or -1 with the refusal printed. */
typedef int opts_set_fn(void *cfg, const struct opts_opt *o, const char *value);

struct opts_opt {
    const char *name; /* --NAME */
    enum opts_kind kind;
    char short_name;          /* also -C, standing alone; 0: none */
    size_t off, size;         /* the field: OPTS_AT(type, member) */
    long long min, max;       /* OPTS_INT */
    long long def;            /* default of OPTS_INT, OPTS_FLAG, OPTS_ENUM */
    const char *def_str;      /* default of OPTS_STR, OPTS_STRBUF, OPTS_PATH
                                 (not opened); OPTS_CUSTOM: handed to set();
                                 NULL: none ("" for OPTS_STRBUF) */
    const char *const *words; /* OPTS_ENUM, NULL-terminated */
    opts_set_fn *set;         /* OPTS_CUSTOM */
    const char *env;          /* taken from this environment variable when
                                 it is set and not empty, before the
                                 command line */
    const char *arg;          /* --help: "--NAME ARG"; NULL: "--NAME" */
    const char *label;        /* --help: the left column, instead */
    const char *help;         /* --help: the text; "\n" goes on under it;
                                 NULL: the option is not shown */
};

/* The field of an entry: OPTS_AT(struct config, listen_port). */
#define OPTS_AT(type, member)                                                  \
    .off = offsetof(type, member), .size = sizeof(((type *)0)->member)

/* What is wrong, for opts_prog.complain. */
enum opts_fault {
    OPTS_UNKNOWN,  /* arg: an element of the command line that names no
                      option: unknown, ambiguous, abbreviated (with
                      OPTS_EXACT_NAMES), a value to a flag, a short option
                      not alone, "--" where no operands are taken */
    OPTS_NO_VALUE, /* o takes a value; arg, its element, is the last one */
    OPTS_OPERAND,  /* arg: a word that is not an option, where none is
                      taken or not this one */
    OPTS_BAD_INT,  /* arg: not a decimal integer from o->min to o->max */
    OPTS_TOO_LONG, /* arg: longer than o's buffer */
    OPTS_BAD_WORD, /* arg: not one of o->words */
    OPTS_NO_FILE   /* arg: a file that cannot be opened; errno says why */
};

/* opts_prog.flags */
#define OPTS_EXACT_NAMES 1u /* --NAME in full: no abbreviation */
#define OPTS_FLAG_VALUES 2u /* a flag also as --NAME=VALUE, VALUE ignored */

struct opts_prog {
    const char *name; /* the program, for OPTS_VERSION */
    const char *version;
    const struct opts_opt *opts; /* the table, in the order of --help */
    size_t n_opts;
    /* the words after the options (an OPTS_ENUM entry without a name),
     * taken after every option, the last one winning; NULL: none taken,
     * the first one refused where it stands */
    const struct opts_opt *operands;
    unsigned flags;
    const char *usage;  /* --help: before the table */
    const char *epilog; /* --help: after it; NULL: nothing */
    int help_column;    /* --help: where the texts start (at least
                           two spaces after the option); 0: two
                           spaces after it */
    /* Prints the refusal f (o: the option at fault, when there is one). */
    void (*complain)(const struct opts_prog *p, enum opts_fault f,
                     const struct opts_opt *o, const char *arg);
};

/* Fills cfg: the table's defaults, its environment variables, then argv.
 * Fields the table does not name keep what cfg held.  Returns 0 to go on,
 * 1 when --help or --version was printed (the program exits successfully),
 * -1 when refused (complained).  Values of OPTS_STR and OPTS_PATH point
 * into argv and the environment. */
int opts_parse(const struct opts_prog *p, void *cfg, int argc, char **argv);

/* The option named name[0..len) exactly, one that sets a field (not
 * --help or --version); NULL: none. */
const struct opts_opt *opts_find(const struct opts_prog *p, const char *name,
                                 size_t len);

/* Sets o from value (NULL for a flag), as the command line would.
 * Returns 0 or -1 (complained).  value must outlive cfg for OPTS_STR and
 * OPTS_PATH. */
int opts_set(const struct opts_prog *p, const struct opts_opt *o, void *cfg,
             const char *value);

/* Writes --help. */
void opts_help(const struct opts_prog *p, FILE *f);

/* s as a decimal integer from min to max into *out: 0, or -1 (*out
 * untouched). */
int opts_number(const char *s, long long min, long long max, long long *out);

#endif
