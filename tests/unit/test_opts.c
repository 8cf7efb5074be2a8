/* Unit tests of the command line read from a table (daemon/opts.c): every
 * kind of option, both spellings of a value, defaults and environment,
 * operands, every refusal and the element it names, the two programs'
 * ways (abbreviations and operands, or names in full and "=VALUE" on a
 * flag), --help and --version, and a broken table. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "opts.h"

struct tcfg {
    int port;
    long long big;
    unsigned depth;
    size_t bytes;
    const char *name;
    char dir[8];
    const char *ca;
    int verbose;
    int color;
    int verb;
    int pair_a, pair_b;
    int other; /* --hidden, --a-rather-long-option-name */
    int kept;  /* named by no option */
};

/* What the last parse complained of. */
static struct {
    int n;
    enum opts_fault f;
    char opt[32], arg[64];
} said;

static void complain(const struct opts_prog *p, enum opts_fault f,
                     const struct opts_opt *o, const char *arg)
{
    said.n++;
    said.f = f;
    snprintf(said.opt, sizeof(said.opt), "%s", o ? o->name : "");
    snprintf(said.arg, sizeof(said.arg), "%s", arg);
}

/* --pair A,B: a custom setter; refuses (silently) without a comma. */
static int set_pair(void *cfg, const struct opts_opt *o, const char *v)
{
    struct tcfg *c = cfg;
    const char *comma = strchr(v, ',');

    if (comma == NULL)
        return -1;
    c->pair_a = (int)strtol(v, NULL, 10);
    c->pair_b = (int)strtol(comma + 1, NULL, 10);
    return 0;
}

static const char *const colors[] = {"red", "green", "blue", NULL};
static const char *const verbs[] = {"run", "stop", NULL};

static const struct opts_opt table[] = {
    {.kind = OPTS_HEADING, .help = "options:"},
    {.name = "port",
     .kind = OPTS_INT,
     OPTS_AT(struct tcfg, port),
     .min = 1,
     .max = 65535,
     .def = 80,
     .arg = "N",
     .help = "port (default 80)"},
    {.name = "big",
     .kind = OPTS_INT,
     OPTS_AT(struct tcfg, big),
     .min = 0,
     .max = 1LL << 40,
     .def = 5,
     .arg = "N",
     .help = "a large number\n(default 5)"},
    {.name = "depth",
     .kind = OPTS_INT,
     OPTS_AT(struct tcfg, depth),
     .min = 4,
     .max = 1000,
     .def = 16,
     .arg = "N",
     .help = "depth"},
    {.name = "bytes",
     .kind = OPTS_INT,
     OPTS_AT(struct tcfg, bytes),
     .min = 1024,
     .max = 1 << 30,
     .def = 4096,
     .arg = "N",
     .help = "bytes"},
    {.name = "name",
     .kind = OPTS_STR,
     OPTS_AT(struct tcfg, name),
     .def_str = "anon",
     .env = "OPTS_TEST_NAME",
     .arg = "TEXT",
     .help = "a name (env OPTS_TEST_NAME)"},
    {.name = "dir",
     .kind = OPTS_STRBUF,
     OPTS_AT(struct tcfg, dir),
     .def_str = "/tmp",
     .arg = "DIR",
     .help = "at most 7 bytes"},
    {.name = "ca",
     .kind = OPTS_PATH,
     OPTS_AT(struct tcfg, ca),
     .arg = "FILE",
     .help = "a readable file"},
    {.name = "verbose",
     .kind = OPTS_FLAG,
     OPTS_AT(struct tcfg, verbose),
     .help = "say more"},
    {.kind = OPTS_HEADING, .help = "more:"},
    {.name = "color",
     .kind = OPTS_ENUM,
     OPTS_AT(struct tcfg, color),
     .words = colors,
     .def = 1,
     .arg = "red|green|blue",
     .help = "a color (default green)"},
    {.name = "pair",
     .kind = OPTS_CUSTOM,
     .set = set_pair,
     .def_str = "1,2",
     .arg = "A,B",
     .help = "two numbers"},
    {.name = "a-rather-long-option-name",
     .kind = OPTS_FLAG,
     OPTS_AT(struct tcfg, other),
     .help = "beyond the column"},
    {.name = "hidden", .kind = OPTS_FLAG, OPTS_AT(struct tcfg, other)},
    {.name = "help",
     .kind = OPTS_HELP,
     .short_name = 'h',
     .label = "--help, --version",
     .help = ""},
    {.name = "version", .kind = OPTS_VERSION},
};

static const struct opts_opt verb = {
    .kind = OPTS_ENUM,
    OPTS_AT(struct tcfg, verb),
    .words = verbs,
    .def = 0,
};

/* getopt_long's ways: abbreviations, operands anywhere */
static const struct opts_prog loose = {
    .name = "tprog",
    .version = "1.2",
    .opts = table,
    .n_opts = sizeof(table) / sizeof(table[0]),
    .operands = &verb,
    .usage = "usage: tprog [run|stop] [options]\n",
    .epilog = "\nthe end\n",
    .help_column = 20,
    .complain = complain,
};

/* names in full, a flag takes "=VALUE", no operands */
static const struct opts_prog strict = {
    .name = "tstrict",
    .version = "3.4",
    .opts = table,
    .n_opts = sizeof(table) / sizeof(table[0]),
    .flags = OPTS_EXACT_NAMES | OPTS_FLAG_VALUES,
    .usage = "usage: tstrict [options]\n",
    .complain = complain,
};

/* " key=value ... " of every field, for strstr. */
static void dump(const struct tcfg *c, char *buf, size_t size)
{
    snprintf(buf, size,
             " port=%d big=%lld depth=%u bytes=%zu name=%s dir=%s ca=%s "
             "verbose=%d color=%s verb=%s pair=%d,%d other=%d kept=%d ",
             c->port, c->big, c->depth, c->bytes, c->name ? c->name : "-",
             c->dir, c->ca ? c->ca : "-", c->verbose, colors[c->color],
             verbs[c->verb], c->pair_a, c->pair_b, c->other, c->kept);
}

/* Parses argv (NULL-terminated) with p into *c; stdout is kept in out. */
static int parse(const struct opts_prog *p, const char *const *args,
                 struct tcfg *c, char *out, size_t out_size)
{
    char *argv[16];
    int argc = 0, rc, saved;
    FILE *tmp = tmpfile();
    size_t n;

    argv[argc++] = (char *)"tprog";
    while (*args != NULL && argc < 15)
        argv[argc++] = (char *)*args++;
    argv[argc] = NULL;
    memset(c, 0, sizeof(*c));
    c->kept = 7;
    if (tmp == NULL)
        return -99;
    memset(&said, 0, sizeof(said));
    fflush(stdout);
    saved = dup(1);
    if (saved < 0 || dup2(fileno(tmp), 1) < 0) {
        fclose(tmp);
        return -99;
    }
    rc = opts_parse(p, c, argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    if (fseek(tmp, 0, SEEK_SET) != 0) {
        fclose(tmp);
        return -99;
    }
    errno = 0;
    n = fread(out, 1, out_size - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
    return rc;
}

#define NONE (-1)
#define A(...) ((const char *const[]){__VA_ARGS__, NULL})

struct tcase {
    const struct opts_prog *p;
    const char *const *argv;
    int rc;
    int fault;        /* NONE: no complaint */
    const char *arg;  /* the element or value named */
    const char *want; /* "key=value;..." of the result (rc 0) */
};

static const struct tcase cases[] = {
    /* defaults */
    {&loose, A(NULL), 0, NONE, NULL,
     "port=80;big=5;depth=16;bytes=4096;name=anon;dir=/tmp;ca=-;"
     "verbose=0;color=green;verb=run;pair=1,2;other=0;kept=7"},
    /* integers: both spellings, the bounds, every field size */
    {&loose, A("--port", "81"), 0, NONE, NULL, "port=81"},
    {&loose, A("--port=82"), 0, NONE, NULL, "port=82"},
    {&loose, A("--port", "1", "--port=65535"), 0, NONE, NULL, "port=65535"},
    {&loose, A("--port", "0"), -1, OPTS_BAD_INT, "0", NULL},
    {&loose, A("--port=65536"), -1, OPTS_BAD_INT, "65536", NULL},
    {&loose, A("--port", "-1"), -1, OPTS_BAD_INT, "-1", NULL},
    {&loose, A("--port", "8x"), -1, OPTS_BAD_INT, "8x", NULL},
    {&loose, A("--port", "0x50"), -1, OPTS_BAD_INT, "0x50", NULL},
    {&loose, A("--port="), -1, OPTS_BAD_INT, "", NULL},
    {&loose, A("--port", "99999999999999999999"), -1, OPTS_BAD_INT,
     "99999999999999999999", NULL},
    {&loose, A("--big", "1099511627776"), 0, NONE, NULL, "big=1099511627776"},
    {&loose, A("--big", "1099511627777"), -1, OPTS_BAD_INT, "1099511627777",
     NULL},
    {&loose, A("--depth=1000", "--bytes", "1073741824"), 0, NONE, NULL,
     "depth=1000;bytes=1073741824"},
    {&loose, A("--depth=3"), -1, OPTS_BAD_INT, "3", NULL},
    /* a value is the next element, whatever it looks like */
    {&loose, A("--port", "--verbose"), -1, OPTS_BAD_INT, "--verbose", NULL},
    {&loose, A("--name", "--verbose"), 0, NONE, NULL,
     "name=--verbose;verbose=0"},
    /* missing values: the element named */
    {&loose, A("--port"), -1, OPTS_NO_VALUE, "--port", NULL},
    {&loose, A("--verbose", "--po"), -1, OPTS_NO_VALUE, "--po", NULL},
    /* text, a buffer, a file */
    {&loose, A("--name", "x y", "--dir=/var"), 0, NONE, NULL,
     "name=x y;dir=/var"},
    {&loose, A("--dir", "1234567"), 0, NONE, NULL, "dir=1234567"},
    {&loose, A("--dir", "12345678"), -1, OPTS_TOO_LONG, "12345678", NULL},
    {&loose, A("--ca", "/dev/null"), 0, NONE, NULL, "ca=/dev/null"},
    {&loose, A("--ca=/nonexistent/ca.pem"), -1, OPTS_NO_FILE,
     "/nonexistent/ca.pem", NULL},
    /* enumerations */
    {&loose, A("--color", "blue"), 0, NONE, NULL, "color=blue"},
    {&loose, A("--color=red"), 0, NONE, NULL, "color=red"},
    {&loose, A("--color", "pink"), -1, OPTS_BAD_WORD, "pink", NULL},
    {&loose, A("--color", "Red"), -1, OPTS_BAD_WORD, "Red", NULL},
    /* a custom setter */
    {&loose, A("--pair", "3,4"), 0, NONE, NULL, "pair=3,4"},
    {&loose, A("--pair=3"), -1, NONE, NULL, NULL},
    /* flags */
    {&loose, A("--verbose"), 0, NONE, NULL, "verbose=1"},
    {&loose, A("--hidden"), 0, NONE, NULL, "other=1;kept=7"},
    {&loose, A("--verbose=1"), -1, OPTS_UNKNOWN, "--verbose=1", NULL},
    /* unknown options: the element named */
    {&loose, A("--nope"), -1, OPTS_UNKNOWN, "--nope", NULL},
    {&loose, A("--port", "81", "--nope=1"), -1, OPTS_UNKNOWN, "--nope=1", NULL},
    {&loose, A("-x"), -1, OPTS_UNKNOWN, "-x", NULL},
    {&loose, A("-hx"), -1, OPTS_UNKNOWN, "-hx", NULL},
    {&loose, A("-xh"), -1, OPTS_UNKNOWN, "-xh", NULL},
    {&loose, A("--help=1"), -1, OPTS_UNKNOWN, "--help=1", NULL},
    {&loose, A("--nope", "--port=0"), -1, OPTS_UNKNOWN, "--nope", NULL},
    /* abbreviations, unless ambiguous (--p: --port, --pair) */
    {&loose, A("--po", "81", "--verb"), 0, NONE, NULL, "port=81;verbose=1"},
    {&loose, A("--p", "81"), -1, OPTS_UNKNOWN, "--p", NULL},
    /* operands: after every option, the last one winning */
    {&loose, A("stop"), 0, NONE, NULL, "verb=stop"},
    {&loose, A("stop", "--port", "81", "run"), 0, NONE, NULL,
     "port=81;verb=run"},
    {&loose, A("bogus"), -1, OPTS_OPERAND, "bogus", NULL},
    {&loose, A("bogus", "--port=0"), -1, OPTS_BAD_INT, "0", NULL},
    {&loose, A("run", "bogus", "worse"), -1, OPTS_OPERAND, "bogus", NULL},
    {&loose, A("--", "stop"), 0, NONE, NULL, "verb=stop"},
    {&loose, A("stop", "--", "--port"), -1, OPTS_OPERAND, "--port", NULL},
    {&loose, A("-"), -1, OPTS_OPERAND, "-", NULL},
    /* --help, -h, --version: rc 1 */
    {&loose, A("--help"), 1, NONE, NULL, NULL},
    {&loose, A("stop", "-h"), 1, NONE, NULL, NULL},
    {&loose, A("--vers"), 1, NONE, NULL, NULL},
    {&loose, A("--port=0", "--help"), -1, OPTS_BAD_INT, "0", NULL},

    /* names in full */
    {&strict, A("--port", "81"), 0, NONE, NULL, "port=81"},
    {&strict, A("--po", "81"), -1, OPTS_UNKNOWN, "--po", NULL},
    {&strict, A("--po=81"), -1, OPTS_UNKNOWN, "--po=81", NULL},
    {&strict, A("--po"), -1, OPTS_UNKNOWN, "--po", NULL},
    {&strict, A("--port"), -1, OPTS_NO_VALUE, "--port", NULL},
    {&strict, A("--he"), -1, OPTS_UNKNOWN, "--he", NULL},
    /* a flag's "=VALUE" is taken and ignored; a separate word is not its */
    {&strict, A("--verbose=0"), 0, NONE, NULL, "verbose=1"},
    {&strict, A("--verbose", "x"), -1, OPTS_OPERAND, "x", NULL},
    /* no operands: the first one refused where it stands */
    {&strict, A("stop", "--nope"), -1, OPTS_OPERAND, "stop", NULL},
    {&strict, A("--"), -1, OPTS_UNKNOWN, "--", NULL},
    {&strict, A("--port", "81", "--", "x"), -1, OPTS_UNKNOWN, "--", NULL},
    {&strict, A("-h"), 1, NONE, NULL, NULL},
    {&strict, A("-hh"), -1, OPTS_UNKNOWN, "-hh", NULL},
    {&strict, A("--version"), 1, NONE, NULL, NULL},
};

static void test_cases(void)
{
    char got[512], out[4096];
    struct tcfg c;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct tcase *t = &cases[i];
        int rc = parse(t->p, t->argv, &c, out, sizeof(out));
        int ok = rc == t->rc;

        if (t->fault == NONE)
            ok = ok && said.n == 0;
        else
            ok = ok && said.n == 1 && (int)said.f == t->fault &&
                 strcmp(said.arg, t->arg) == 0;
        dump(&c, got, sizeof(got));
        for (const char *w = t->want; w != NULL && *w; w += strcspn(w, ";")) {
            char piece[128];
            w += *w == ';';
            snprintf(piece, sizeof(piece), " %.*s ", (int)strcspn(w, ";"), w);
            ok = ok && strstr(got, piece) != NULL;
        }
        CHECK(ok);
        if (!ok)
            fprintf(stderr,
                    "  case %zu (%s ...): rc %d, %d complaint(s), "
                    "fault %d on \"%s\"; got%s\n",
                    i, t->argv[0] ? t->argv[0] : "", rc, said.n, (int)said.f,
                    said.arg, got);
    }
}

static void test_env(void)
{
    char got[512], out[64];
    struct tcfg c;

    setenv("OPTS_TEST_NAME", "from-env", 1);
    CHECK(parse(&loose, A(NULL), &c, out, sizeof(out)) == 0);
    dump(&c, got, sizeof(got));
    CHECK(strstr(got, " name=from-env ") != NULL);
    CHECK(parse(&loose, A("--name", "argv"), &c, out, sizeof(out)) == 0);
    CHECK(strcmp(c.name, "argv") == 0);
    setenv("OPTS_TEST_NAME", "", 1); /* empty: as if unset */
    CHECK(parse(&loose, A(NULL), &c, out, sizeof(out)) == 0);
    CHECK(strcmp(c.name, "anon") == 0);
    unsetenv("OPTS_TEST_NAME");

    /* POSIXLY_CORRECT: as getopt_long itself, the options end at the
     * first operand */
    setenv("POSIXLY_CORRECT", "1", 1);
    CHECK(parse(&loose, A("--port", "81", "stop"), &c, out, sizeof(out)) == 0);
    CHECK(c.port == 81 && c.verb == 1);
    CHECK(parse(&loose, A("stop", "--port", "81"), &c, out, sizeof(out)) == -1);
    CHECK(said.f == OPTS_OPERAND && strcmp(said.arg, "--port") == 0);
    /* names in full take no operands at all, POSIXLY_CORRECT or not */
    CHECK(parse(&strict, A("--port", "81", "x"), &c, out, sizeof(out)) == -1);
    CHECK(said.f == OPTS_OPERAND && strcmp(said.arg, "x") == 0);
    unsetenv("POSIXLY_CORRECT");
}

static const char loose_help[] =
    "usage: tprog [run|stop] [options]\n"
    "\n"
    "options:\n"
    "  --port N          port (default 80)\n"
    "  --big N           a large number\n"
    "                    (default 5)\n"
    "  --depth N         depth\n"
    "  --bytes N         bytes\n"
    "  --name TEXT       a name (env OPTS_TEST_NAME)\n"
    "  --dir DIR         at most 7 bytes\n"
    "  --ca FILE         a readable file\n"
    "  --verbose         say more\n"
    "\n"
    "more:\n"
    "  --color red|green|blue  a color (default green)\n"
    "  --pair A,B        two numbers\n"
    "  --a-rather-long-option-name  beyond the column\n"
    "  --help, --version\n"
    "\n"
    "the end\n";

static const char strict_help[] =
    "usage: tstrict [options]\n"
    "\n"
    "options:\n"
    "  --port N  port (default 80)\n"
    "  --big N  a large number\n"
    "(default 5)\n"
    "  --depth N  depth\n"
    "  --bytes N  bytes\n"
    "  --name TEXT  a name (env OPTS_TEST_NAME)\n"
    "  --dir DIR  at most 7 bytes\n"
    "  --ca FILE  a readable file\n"
    "  --verbose  say more\n"
    "\n"
    "more:\n"
    "  --color red|green|blue  a color (default green)\n"
    "  --pair A,B  two numbers\n"
    "  --a-rather-long-option-name  beyond the column\n"
    "  --help, --version\n";

static void test_help(void)
{
    char *text = NULL, out[4096];
    size_t len = 0;
    struct tcfg c;
    FILE *f = open_memstream(&text, &len);

    opts_help(&loose, f);
    fclose(f);
    CHECK(strcmp(text, loose_help) == 0);
    if (strcmp(text, loose_help) != 0)
        fprintf(stderr, "  got:\n%s", text);
    free(text);

    f = open_memstream(&text, &len);
    opts_help(&strict, f);
    fclose(f);
    CHECK(strcmp(text, strict_help) == 0);
    if (strcmp(text, strict_help) != 0)
        fprintf(stderr, "  got:\n%s", text);
    free(text);

    /* --help prints the same on stdout; --version the name and version */
    CHECK(parse(&loose, A("--help"), &c, out, sizeof(out)) == 1);
    CHECK(strcmp(out, loose_help) == 0);
    CHECK(parse(&strict, A("-h"), &c, out, sizeof(out)) == 1);
    CHECK(strcmp(out, strict_help) == 0);
    CHECK(parse(&loose, A("--version"), &c, out, sizeof(out)) == 1);
    CHECK(strcmp(out, "tprog 1.2\n") == 0);
}

static void test_find_set(void)
{
    const struct opts_opt *o;
    struct tcfg c;

    memset(&c, 0, sizeof(c));
    memset(&said, 0, sizeof(said));
    CHECK((o = opts_find(&strict, "port=9", 4)) != NULL);
    CHECK(o != NULL && strcmp(o->name, "port") == 0);
    CHECK(o != NULL && opts_set(&strict, o, &c, "9") == 0 && c.port == 9);
    CHECK(o != NULL && opts_set(&strict, o, &c, "x") == -1 && c.port == 9);
    CHECK(said.n == 1 && said.f == OPTS_BAD_INT &&
          strcmp(said.opt, "port") == 0);
    CHECK(opts_find(&strict, "po", 2) == NULL);
    CHECK(opts_find(&strict, "help", 4) == NULL); /* sets nothing */
    CHECK(opts_find(&strict, "version", 7) == NULL);
    CHECK((o = opts_find(&strict, "verbose", 7)) != NULL);
    CHECK(o != NULL && opts_set(&strict, o, &c, NULL) == 0 && c.verbose);

    CHECK(opts_number("42", 1, 42, &c.big) == 0 && c.big == 42);
    CHECK(opts_number("43", 1, 42, &c.big) == -1 && c.big == 42);
    CHECK(opts_number(" 7", 1, 42, &c.big) == 0 && c.big == 7);
    CHECK(opts_number("7 ", 1, 42, &c.big) == -1);
    CHECK(opts_number("", 0, 42, &c.big) == -1);
}

/* 1 when opts_parse stops the process (SIGABRT) on table t. */
static int aborts_on(const struct opts_opt *t, size_t n)
{
    struct opts_prog p = loose;
    struct tcfg c;
    char *argv[] = {(char *)"tprog", NULL};
    int status;
    pid_t pid;

    p.opts = t;
    p.n_opts = n;
    fflush(NULL);
    if ((pid = fork()) == 0) {
        if (freopen("/dev/null", "w", stderr) == NULL)
            _exit(1);
        memset(&c, 0, sizeof(c));
        opts_parse(&p, &c, 1, argv);
        _exit(0);
    }
    return waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
           WTERMSIG(status) == SIGABRT;
}

static void test_broken_tables(void)
{
    static const struct opts_opt bad_default[] = {{.name = "port",
                                                   .kind = OPTS_INT,
                                                   OPTS_AT(struct tcfg, port),
                                                   .min = 1,
                                                   .max = 10,
                                                   .def = 11}};
    static const struct opts_opt too_wide[] = {{.name = "port",
                                                .kind = OPTS_INT,
                                                OPTS_AT(struct tcfg, port),
                                                .min = 0,
                                                .max = 1LL << 40}};
    static const struct opts_opt twice[] = {
        {.name = "x", .kind = OPTS_FLAG, OPTS_AT(struct tcfg, verbose)},
        {.name = "x", .kind = OPTS_FLAG, OPTS_AT(struct tcfg, other)}};
    static const struct opts_opt short_with_value[] = {
        {.name = "port",
         .kind = OPTS_INT,
         OPTS_AT(struct tcfg, port),
         .short_name = 'p',
         .min = 0,
         .max = 9}};
    static const struct opts_opt buf_default[] = {{.name = "dir",
                                                   .kind = OPTS_STRBUF,
                                                   OPTS_AT(struct tcfg, dir),
                                                   .def_str = "12345678"}};
    static const struct opts_opt fine[] = {{.name = "port",
                                            .kind = OPTS_INT,
                                            OPTS_AT(struct tcfg, port),
                                            .min = 1,
                                            .max = 10,
                                            .def = 10}};

    CHECK(aborts_on(bad_default, 1));
    CHECK(aborts_on(too_wide, 1));
    CHECK(aborts_on(twice, 2));
    CHECK(aborts_on(short_with_value, 1));
    CHECK(aborts_on(buf_default, 1));
    CHECK(!aborts_on(fine, 1));
}

int main(void)
{
    test_cases();
    test_env();
    test_help();
    test_find_set();
    test_broken_tables();
    return check_report();
}
