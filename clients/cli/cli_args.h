/* micetro-cli: the commands' table, their options and their help.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MICETRO_CLI_ARGS_H
#define MICETRO_CLI_ARGS_H

/* Exit status of micetro-cli (clients/README.md). */
enum cli_exit {
    CLI_OK = 0,
    CLI_FAULT = 1,     /* the server answered a SOAP fault */
    CLI_USAGE = 2,     /* bad command line */
    CLI_TRANSPORT = 3, /* no SOAP answer: connection, HTTP, not SOAP */
    CLI_LOCAL = 4      /* a local file: password, session */
};

/* The most options one command takes, and positional arguments. */
#define CLI_MAX_OPTS 16
#define CLI_MAX_POS 64

/* One option of a command: --name VALUE (arg set) or the flag --name. */
struct cli_opt {
    const char *name;
    const char *arg; /* the value's name in the help, NULL: a flag */
    const char *help;
};

struct cli_args {
    const struct cli_cmd *cmd;
    const char *val[CLI_MAX_OPTS]; /* per option of cmd; a flag: "" */
    const char *pos[CLI_MAX_POS];
    int npos;
};

struct cli;
typedef int (*cli_run_fn)(struct cli *c, const struct cli_args *a);

struct cli_cmd {
    const char *group;    /* "servers", or the command for "login" */
    const char *verb;     /* "list"; NULL for a command without a verb */
    const char *synopsis; /* the positional arguments: "REF" */
    int min_pos, max_pos;
    const struct cli_opt *opts; /* ends with a { NULL } entry */
    const char *help;
    cli_run_fn run;
};

/* Parses argv (argv[0] the verb or the command) for cmd: 0, or
 * CLI_USAGE after saying why on stderr, or -1 when --help was printed. */
int cli_args_parse(const struct cli_cmd *cmd, int argc, char **argv,
                   struct cli_args *a);
/* The value of option name, NULL when not given ("" for a flag given). */
const char *cli_args_get(const struct cli_args *a, const char *name);
/* Prints the command's help on stdout. */
void cli_args_help(const struct cli_cmd *cmd);
/* Parses an unsigned decimal of at most max into *out: 0, or CLI_USAGE
 * naming the option. */
int cli_args_uint(const char *what, const char *s, unsigned max, unsigned *out);
/* Reports a usage error on stderr; returns CLI_USAGE. */
int cli_args_usage(const struct cli_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
