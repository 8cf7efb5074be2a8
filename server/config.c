/* micetro-emu: command line and environment (see config.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
"usage: micetro-emu [run|serve|worker] [options]\n"
"\n"
"  run       server and worker together (default)\n"
"  serve     the SOAP server only\n"
"  worker    the configuration worker only\n"
"\n"
"options:\n"
"  --listen ADDR:PORT        address to serve (default 127.0.0.1:8080;\n"
"                            port 0 picks a free port)\n"
"  --db DSN                  PostgreSQL conninfo or URI (env MICETRO_DB);\n"
"                            without it a private cluster is kept in the\n"
"                            data directory\n"
"  --data-dir DIR            data directory (default ./var)\n"
"  --api-profile 11|2017     API shape to serve (default 11)\n"
"  --session-timeout SEC     idle session lifetime (default 1800)\n"
"  --max-message-bytes N     largest request body (default 1048576)\n"
"  --max-string-bytes N      longest string value (default 65536)\n"
"  --max-depth N             deepest XML nesting (default 32)\n"
"  --max-elements N          most items in one array (default 10000)\n"
"  --max-header-bytes N      largest HTTP request head (default 16384)\n"
"  --max-headers N           most HTTP header lines (default 64)\n"
"  --recv-timeout SEC        longest wait for request bytes (default 10)\n"
"  --send-timeout SEC        longest wait to send a reply (default 10)\n"
"  --message-timeout SEC     longest time to receive a whole request\n"
"                            (default 30)\n"
"  --keepalive-timeout SEC   idle keep-alive connection lifetime\n"
"                            (default 30)\n"
"  --max-keepalive-requests N  requests on one connection (default 10000)\n"
"  --max-connections N       concurrent connections (default 256)\n"
"  --db-pool N               database connections (default 8)\n"
"  --db-timeout MS           longest wait for a database connection and\n"
"                            longest statement (default 5000)\n"
"  --verbose                 log every request\n"
"  --help, --version\n"
"\n"
"environment:\n"
"  MICETRO_ADMIN_PASSWORD    password of the built-in administrator\n"
"                            (default \"administrator\", allowed only while\n"
"                            listening on a loopback address)\n"
"  MICETRO_DB                as --db\n");
}

/* Parses a decimal integer in [lo, hi]; -1 (message printed) if not. */
static int parse_num(const char *opt, const char *s, long long lo,
                     long long hi, long long *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "micetro-emu: %s wants a number from %lld to %lld, "
                "not \"%s\"\n", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_listen(struct config *c, const char *s)
{
    const char *colon = strrchr(s, ':');
    const char *host = s;
    size_t hlen;
    long long port;

    if (colon == NULL) {
        fprintf(stderr, "micetro-emu: --listen wants ADDR:PORT, not \"%s\"\n",
                s);
        return -1;
    }
    hlen = (size_t)(colon - s);
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= sizeof(c->listen_host)) {
        fprintf(stderr, "micetro-emu: --listen: bad address in \"%s\"\n", s);
        return -1;
    }
    if (parse_num("--listen port", colon + 1, 0, 65535, &port))
        return -1;
    memcpy(c->listen_host, host, hlen);
    c->listen_host[hlen] = '\0';
    c->listen_port = (int)port;
    return 0;
}

static void set_defaults(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->mode = MODE_RUN;
    strcpy(c->listen_host, "127.0.0.1");
    c->listen_port = 8080;
    c->data_dir = "./var";
    c->profile = PROFILE_11;
    c->session_timeout_s = 1800;
    c->max_message_bytes = 1048576;
    c->max_string_bytes = 65536;
    c->max_depth = 32;
    c->max_elements = 10000;
    c->max_head_bytes = 16384;
    c->max_headers = 64;
    c->recv_timeout_s = 10;
    c->send_timeout_s = 10;
    c->message_timeout_s = 30;
    c->keepalive_timeout_s = 30;
    c->max_keepalive_requests = 10000;
    c->max_connections = 256;
    c->listen_backlog = 128;
    c->db_pool = 8;
    c->db_acquire_timeout_ms = 5000;
    c->db_connect_timeout_s = 5;
    c->db_statement_timeout_ms = 5000;
    c->shutdown_grace_s = 30;
}

enum {
    O_LISTEN = 256, O_DB, O_DATA_DIR, O_PROFILE, O_SESSION_TIMEOUT,
    O_MAX_MESSAGE, O_MAX_STRING, O_MAX_DEPTH, O_MAX_ELEMENTS, O_MAX_HEAD,
    O_MAX_HEADERS, O_RECV_TIMEOUT, O_SEND_TIMEOUT, O_MESSAGE_TIMEOUT,
    O_KEEPALIVE_TIMEOUT, O_MAX_KEEPALIVE, O_MAX_CONNECTIONS, O_DB_POOL,
    O_DB_TIMEOUT, O_VERBOSE, O_HELP, O_VERSION
};

static const struct option options[] = {
    {"listen", required_argument, NULL, O_LISTEN},
    {"db", required_argument, NULL, O_DB},
    {"data-dir", required_argument, NULL, O_DATA_DIR},
    {"api-profile", required_argument, NULL, O_PROFILE},
    {"session-timeout", required_argument, NULL, O_SESSION_TIMEOUT},
    {"max-message-bytes", required_argument, NULL, O_MAX_MESSAGE},
    {"max-string-bytes", required_argument, NULL, O_MAX_STRING},
    {"max-depth", required_argument, NULL, O_MAX_DEPTH},
    {"max-elements", required_argument, NULL, O_MAX_ELEMENTS},
    {"max-header-bytes", required_argument, NULL, O_MAX_HEAD},
    {"max-headers", required_argument, NULL, O_MAX_HEADERS},
    {"recv-timeout", required_argument, NULL, O_RECV_TIMEOUT},
    {"send-timeout", required_argument, NULL, O_SEND_TIMEOUT},
    {"message-timeout", required_argument, NULL, O_MESSAGE_TIMEOUT},
    {"keepalive-timeout", required_argument, NULL, O_KEEPALIVE_TIMEOUT},
    {"max-keepalive-requests", required_argument, NULL, O_MAX_KEEPALIVE},
    {"max-connections", required_argument, NULL, O_MAX_CONNECTIONS},
    {"db-pool", required_argument, NULL, O_DB_POOL},
    {"db-timeout", required_argument, NULL, O_DB_TIMEOUT},
    {"verbose", no_argument, NULL, O_VERBOSE},
    {"help", no_argument, NULL, O_HELP},
    {"version", no_argument, NULL, O_VERSION},
    {NULL, 0, NULL, 0}
};

int config_parse(struct config *c, int argc, char **argv)
{
    const char *env;
    long long v;
    int opt;

    set_defaults(c);
    if ((env = getenv("MICETRO_DB")) != NULL && *env)
        c->db = env;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case O_LISTEN:
            if (parse_listen(c, optarg))
                return -1;
            break;
        case O_DB: c->db = optarg; break;
        case O_DATA_DIR: c->data_dir = optarg; break;
        case O_PROFILE:
            if (strcmp(optarg, "11") == 0)
                c->profile = PROFILE_11;
            else if (strcmp(optarg, "2017") == 0)
                c->profile = PROFILE_2017;
            else {
                fprintf(stderr, "micetro-emu: --api-profile is 11 or 2017, "
                        "not \"%s\"\n", optarg);
                return -1;
            }
            break;
#define NUM(o, field, lo, hi) \
        case o: \
            if (parse_num("--" #field, optarg, lo, hi, &v)) \
                return -1; \
            c->field = v; \
            break;
        NUM(O_SESSION_TIMEOUT, session_timeout_s, 1, 31536000)
        NUM(O_MAX_MESSAGE, max_message_bytes, 1024, 1073741824)
        NUM(O_MAX_STRING, max_string_bytes, 64, 1073741824)
        NUM(O_MAX_DEPTH, max_depth, 8, 10000)
        NUM(O_MAX_ELEMENTS, max_elements, 1, 100000000)
        NUM(O_MAX_HEAD, max_head_bytes, 512, 1048576)
        NUM(O_MAX_HEADERS, max_headers, 4, 10000)
        NUM(O_RECV_TIMEOUT, recv_timeout_s, 1, 3600)
        NUM(O_SEND_TIMEOUT, send_timeout_s, 1, 3600)
        NUM(O_MESSAGE_TIMEOUT, message_timeout_s, 1, 3600)
        NUM(O_KEEPALIVE_TIMEOUT, keepalive_timeout_s, 1, 86400)
        NUM(O_MAX_KEEPALIVE, max_keepalive_requests, 1, 100000000)
        NUM(O_MAX_CONNECTIONS, max_connections, 1, 100000)
        NUM(O_DB_POOL, db_pool, 1, 1000)
#undef NUM
        case O_DB_TIMEOUT:
            if (parse_num("--db-timeout", optarg, 100, 3600000, &v))
                return -1;
            c->db_acquire_timeout_ms = (int)v;
            c->db_statement_timeout_ms = (int)v;
            break;
        case O_VERBOSE: c->verbose = 1; break;
        case O_HELP: usage(stdout); return 1;
        case O_VERSION: printf("micetro-emu %s\n", MICETRO_VERSION); return 1;
        default:
            fprintf(stderr, "micetro-emu: unknown option \"%s\" "
                    "(see --help)\n", argv[optind - 1]);
            return -1;
        }
    }
    for (; optind < argc; optind++) {
        const char *a = argv[optind];
        if (strcmp(a, "run") == 0)
            c->mode = MODE_RUN;
        else if (strcmp(a, "serve") == 0)
            c->mode = MODE_SERVE;
        else if (strcmp(a, "worker") == 0)
            c->mode = MODE_WORKER;
        else {
            fprintf(stderr, "micetro-emu: unknown command \"%s\" "
                    "(see --help)\n", a);
            return -1;
        }
    }
    env = getenv("MICETRO_ADMIN_PASSWORD");
    if (env != NULL && *env) {
        c->admin_password = env;
    } else {
        c->admin_password = "administrator";
        c->admin_password_default = 1;
    }
    return 0;
}
