/* micetro-cli: a command-line client of the Micetro SOAP API.
 *
 *   micetro-cli [global options] COMMAND [VERB] [options] [arguments]
 *
 * The commands and their exit status are described in clients/README.md;
 * `micetro-cli COMMAND VERB --help` shows each one's options.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "cli_failover.h"
#include "cli_objects.h"
#include "cli_out.h"
#include "cli_session.h"

#define DEFAULT_URL "http://localhost/_mmwebext/mmwebext.dll?Soap"
#define SOAP_PATH "/_mmwebext/mmwebext.dll?Soap"
#define DEFAULT_TIMEOUT 60

static int run_login(struct cli *c, const struct cli_args *a)
{
    int rc = cli_session_login(c);

    if (rc == CLI_OK && c->json) {
        json_t *o = json_pack("{s:s,s:s,s:s}", "url", c->url, "user", c->user,
                              "sessionFile", c->path);
        cli_out_object(1, o);
    }
    return rc;
}

static int run_logout(struct cli *c, const struct cli_args *a)
{
    int rc = cli_session_logout(c);

    if (rc == CLI_OK)
        cli_out_done(c->json);
    return rc;
}

static const struct cli_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct cli_cmd session_cmds[] = {
    {"login", NULL, "", 0, 0, no_opts,
     "Logs in (Login) and keeps the session in the session file (mode "
     "0600), where the next commands find it.",
     run_login},
    {"logout", NULL, "", 0, 0, no_opts,
     "Ends the kept session (Logout) and removes the session file.",
     run_logout},
};

static const struct {
    const struct cli_cmd *cmds;
    const int *count;
} tables[] = {
    {session_cmds, NULL},
    {cli_objects_cmds, &cli_objects_count},
    {cli_failover_cmds, &cli_failover_count},
};

static int table_count(size_t t)
{
    return tables[t].count
               ? *tables[t].count
               : (int)(sizeof(session_cmds) / sizeof(session_cmds[0]));
}

static void usage(FILE *f)
{
    size_t t;
    int i;
    const char *last = "";

    fputs("usage: micetro-cli [global options] COMMAND [VERB] [options] "
          "[arguments]\n\n"
          "A client of the Micetro SOAP API (Men & Mice): DHCP servers, "
          "ranges, scopes,\naddress pools and ISC DHCP failover "
          "relationships.\n\n"
          "global options:\n"
          "  --url URL             the SOAP endpoint, or http(s)://HOST[:PORT] "
          "(then\n"
          "                        " SOAP_PATH " is added); default\n"
          "                        $MICETRO_URL, else " DEFAULT_URL "\n"
          "  --user NAME           login name (default $MICETRO_USER, else "
          "administrator)\n"
          "  --password-file FILE  the password's first line (- for "
          "standard input);\n"
          "                        default $MICETRO_PASSWORD\n"
          "  --session-file FILE   where the session is kept (mode 0600); "
          "default\n"
          "                        $MICETRO_SESSION_FILE, else "
          "~/.cache/micetro-cli/session\n"
          "  --server NAME         Login's server (Micetro's central "
          "server); default the\n"
          "                        URL's host\n"
          "  --json                answers as JSON\n"
          "  --soap12              speak SOAP 1.2 (default 1.1)\n"
          "  --timeout SECONDS     connect, send and receive time limit "
          "(default 60)\n"
          "  --cacert FILE         CA certificates for https (default the "
          "system's)\n"
          "  --version, --help\n\ncommands:\n",
          f);
    for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (i = 0; i < table_count(t); i++) {
            const struct cli_cmd *cmd = &tables[t].cmds[i];
            if (strcmp(cmd->group, last) != 0)
                fprintf(f, "%s  %s", *last ? "\n" : "", cmd->group);
            if (cmd->verb)
                fprintf(f, "%s%s", strcmp(cmd->group, last) ? " " : "|",
                        cmd->verb);
            last = cmd->group;
        }
    fputs("\n\n`micetro-cli COMMAND VERB --help` describes each one.\n"
          "Exit status: 0 done, 1 SOAP fault (its text on stderr), 2 bad "
          "usage,\n3 transport error (no SOAP answer), 4 local file "
          "(password, session).\n",
          f);
}

/* One line per command for the shell completion: group verb --options. */
static void list_commands(void)
{
    size_t t;
    int i;

    for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (i = 0; i < table_count(t); i++) {
            const struct cli_cmd *cmd = &tables[t].cmds[i];
            const struct cli_opt *o;
            printf("%s %s", cmd->group, cmd->verb ? cmd->verb : "-");
            for (o = cmd->opts; o->name; o++)
                printf(" --%s", o->name);
            puts(" --help");
        }
}

static const struct cli_cmd *find(const char *group, const char *verb,
                                  int *group_known)
{
    size_t t;
    int i;

    *group_known = 0;
    for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (i = 0; i < table_count(t); i++) {
            const struct cli_cmd *cmd = &tables[t].cmds[i];
            if (strcmp(cmd->group, group) != 0)
                continue;
            *group_known = 1;
            if (cmd->verb == NULL || (verb && strcmp(cmd->verb, verb) == 0))
                return cmd;
        }
    return NULL;
}

/* The endpoint: a URL with a path as given, else the SOAP path added. */
static char *endpoint(const char *url)
{
    const char *h = strstr(url, "://");
    char *out;

    if (h == NULL ||
        (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return NULL;
    h += 3;
    if (strchr(h, '/') && strcmp(strchr(h, '/'), "/") != 0)
        return strdup(url);
    out = malloc(strlen(url) + sizeof(SOAP_PATH));
    if (out) {
        strcpy(out, url);
        if (out[strlen(out) - 1] == '/')
            out[strlen(out) - 1] = '\0';
        strcat(out, SOAP_PATH);
    }
    return out;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"url", required_argument, NULL, 'u'},
        {"user", required_argument, NULL, 'U'},
        {"password-file", required_argument, NULL, 'p'},
        {"session-file", required_argument, NULL, 's'},
        {"server", required_argument, NULL, 'S'},
        {"json", no_argument, NULL, 'j'},
        {"soap12", no_argument, NULL, '2'},
        {"timeout", required_argument, NULL, 't'},
        {"cacert", required_argument, NULL, 'c'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {"list-commands", no_argument, NULL, 'L'},
        {NULL, 0, NULL, 0}};
    struct cli c;
    struct cli_args a;
    const struct cli_cmd *cmd;
    const char *url = getenv("MICETRO_URL"), *cafile = NULL;
    unsigned timeout = DEFAULT_TIMEOUT;
    int opt, soap12 = 0, known, rc, verb_used;
    char *ep;

    memset(&c, 0, sizeof(c));
    c.user = getenv("MICETRO_USER");
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:h", longs, NULL)) != -1) {
        switch (opt) {
        case 'u':
            url = optarg;
            break;
        case 'U':
            c.user = optarg;
            break;
        case 'p':
            c.password_file = optarg;
            break;
        case 's':
            c.session_file = optarg;
            break;
        case 'S':
            c.central = optarg;
            break;
        case 'j':
            c.json = 1;
            break;
        case '2':
            soap12 = 1;
            break;
        case 'c':
            cafile = optarg;
            break;
        case 't':
            if (cli_args_uint("--timeout", optarg, 86400, &timeout))
                return CLI_USAGE;
            break;
        case 'V':
            puts("micetro-cli " MICETRO_VERSION);
            return CLI_OK;
        case 'h':
            usage(stdout);
            return CLI_OK;
        case 'L':
            list_commands();
            return CLI_OK;
        case ':':
            fprintf(stderr, "micetro-cli: option \"%s\" needs a value\n",
                    argv[optind - 1]);
            return CLI_USAGE;
        default:
            fprintf(stderr,
                    "micetro-cli: unknown option \"%s\" (see "
                    "micetro-cli --help)\n",
                    argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    cmd = find(argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL,
               &known);
    if (cmd == NULL) {
        if (known)
            fprintf(stderr,
                    "micetro-cli: %s: %s \"%s\" (see micetro-cli "
                    "--help)\n",
                    argv[optind],
                    optind + 1 < argc ? "unknown verb" : "a verb is needed",
                    optind + 1 < argc ? argv[optind + 1] : "");
        else
            fprintf(stderr,
                    "micetro-cli: unknown command \"%s\" (see "
                    "micetro-cli --help)\n",
                    argv[optind]);
        return CLI_USAGE;
    }
    verb_used = cmd->verb != NULL;
    rc = cli_args_parse(cmd, argc - optind - verb_used,
                        argv + optind + verb_used, &a);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    ep = endpoint(url && *url ? url : DEFAULT_URL);
    if (ep == NULL) {
        fprintf(stderr,
                "micetro-cli: --url: \"%s\" is not an http:// or "
                "https:// URL\n",
                url);
        return CLI_USAGE;
    }
    c.url = ep;
    if (c.user == NULL || *c.user == '\0')
        c.user = "administrator";
    rc = cli_session_open(&c, soap12, timeout, cafile);
    if (rc == CLI_OK)
        rc = cmd->run(&c, &a);
    cli_session_close(&c);
    free(ep);
    return rc;
}
