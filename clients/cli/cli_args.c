/* micetro-cli: each command's options parsed with getopt_long, its help.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli_args.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_name(FILE *f, const struct cli_cmd *cmd)
{
    fprintf(f, "micetro-cli %s%s%s", cmd->group, cmd->verb ? " " : "",
            cmd->verb ? cmd->verb : "");
}

int cli_args_usage(const struct cli_cmd *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("micetro-cli: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(see: ", stderr);
    print_name(stderr, cmd);
    fputs(" --help)\n", stderr);
    return CLI_USAGE;
}

void cli_args_help(const struct cli_cmd *cmd)
{
    const struct cli_opt *o;
    int width = 6; /* "--help" */

    fputs("usage: ", stdout);
    print_name(stdout, cmd);
    printf("%s%s%s\n\n%s\n\noptions:\n", cmd->opts[0].name ? " [options]" : "",
           cmd->synopsis[0] ? " " : "", cmd->synopsis, cmd->help);
    for (o = cmd->opts; o->name; o++) {
        int w = 2 + (int)strlen(o->name) +
                (o->arg ? 1 + (int)strlen(o->arg) : 0);
        if (w > width)
            width = w;
    }
    for (o = cmd->opts; o->name; o++) {
        char left[96];
        snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        printf("  %-*s  %s\n", width, left, o->help);
    }
    printf("  %-*s  %s\n", width, "--help", "this help");
}

int cli_args_parse(const struct cli_cmd *cmd, int argc, char **argv,
                   struct cli_args *a)
{
    struct option longs[CLI_MAX_OPTS + 2];
    int n = 0, i, opt;

    memset(a, 0, sizeof(*a));
    a->cmd = cmd;
    for (; cmd->opts[n].name; n++) {
        longs[n].name = cmd->opts[n].name;
        longs[n].has_arg = cmd->opts[n].arg ? required_argument : no_argument;
        longs[n].flag = NULL;
        longs[n].val = 256 + n;
    }
    longs[n] = (struct option){"help", no_argument, NULL, 'h'};
    longs[n + 1] = (struct option){NULL, 0, NULL, 0};
    optind = 0; /* a fresh scan (glibc) */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        if (opt == 'h') {
            cli_args_help(cmd);
            return -1;
        }
        if (opt == '?')
            return cli_args_usage(cmd, "unknown option \"%s\"",
                                  argv[optind - 1]);
        if (opt == ':')
            return cli_args_usage(cmd, "option \"%s\" needs a value",
                                  argv[optind - 1]);
        i = opt - 256;
        if (a->val[i])
            return cli_args_usage(cmd, "option --%s given twice",
                                  cmd->opts[i].name);
        a->val[i] = cmd->opts[i].arg ? optarg : "";
    }
    for (i = optind; i < argc; i++) {
        if (a->npos == CLI_MAX_POS)
            return cli_args_usage(cmd, "more than %d arguments", CLI_MAX_POS);
        a->pos[a->npos++] = argv[i];
    }
    if (a->npos < cmd->min_pos)
        return cli_args_usage(cmd, "missing argument%s: %s",
                              cmd->min_pos - a->npos > 1 ? "s" : "",
                              cmd->synopsis);
    if (cmd->max_pos >= 0 && a->npos > cmd->max_pos)
        return cli_args_usage(cmd, "unexpected argument \"%s\"",
                              a->pos[cmd->max_pos]);
    return 0;
}

const char *cli_args_get(const struct cli_args *a, const char *name)
{
    int i;

    for (i = 0; a->cmd->opts[i].name; i++)
        if (strcmp(a->cmd->opts[i].name, name) == 0)
            return a->val[i];
    return NULL;
}

int cli_args_uint(const char *what, const char *s, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    if (s[0] < '0' || s[0] > '9') {
        fprintf(stderr, "micetro-cli: %s: \"%s\" is not a number\n", what, s);
        return CLI_USAGE;
    }
    v = strtoul(s, &end, 10);
    if (*end != '\0' || errno != 0 || v > max) {
        fprintf(stderr, "micetro-cli: %s: \"%s\" is not a number 0..%u\n", what,
                s, max);
        return CLI_USAGE;
    }
    *out = (unsigned)v;
    return 0;
}
