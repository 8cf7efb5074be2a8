/* micetro-emu: command line and environment (see config.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secrets.h"
#include "log.h"

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
"\n"
"worker (run, worker):\n"
"  --agent-secret-file FILE  one secret for every agent (env\n"
"                            MICETRO_AGENT_SECRET)\n"
"  --agent-secrets FILE      a secret per DHCP server, \"SERVER SECRET\"\n"
"                            lines; a server not in it gets the one above;\n"
"                            with neither, changes are queued, not pushed\n"
"  --agent-tls-ca FILE       call the agents over https: each agent's\n"
"                            certificate must be signed by a CA of this\n"
"                            PEM bundle and name its IP address\n"
"                            (default: plain http)\n"
"  --agent-port N            agent port of a server whose address has none\n"
"                            (default 8647)\n"
"  --agent-timeout SEC       connect/send/receive of an agent call\n"
"                            (default 10)\n"
"  --push-timeout SEC        a whole configuration push (default 120)\n"
"  --omapi-port N            OMAPI port written into dhcpd.conf\n"
"                            (default 7911)\n"
"  --worker-poll SEC         look at the queue at least this often\n"
"                            (default 5)\n"
"  --state-poll SEC          read failover states this often (default 5)\n"
"  --worker-lease SEC        a claimed push's lease (default 300)\n"
"  --backoff SEC,SEC         retry a failed push after base * 2^n seconds,\n"
"                            at most cap (default 2,300)\n"
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
    c->wire.max_message_bytes = 1048576;
    c->wire.max_string_bytes = 65536;
    c->wire.max_depth = 32;
    c->wire.max_elements = 10000;
    c->wire.max_head_bytes = 16384;
    c->wire.max_headers = 64;
    c->wire.recv_timeout_s = 10;
    c->wire.send_timeout_s = 10;
    c->wire.message_timeout_s = 30;
    c->wire.keepalive_timeout_s = 30;
    c->wire.max_keepalive_requests = 10000;
    c->wire.max_connections = 256;
    c->wire.listen_backlog = 128;
    c->db_pool = 8;
    c->db_acquire_timeout_ms = 5000;
    c->db_connect_timeout_s = 5;
    c->db_statement_timeout_ms = 5000;
    c->wire.shutdown_grace_s = 30;
    c->agent_port = 8647;
    c->agent_timeout_s = 10;
    c->push_timeout_s = 120;
    c->agent_max_answer = 1048576;
    c->omapi_port = 7911;
    c->worker_poll_s = 5;
    c->state_poll_s = 5;
    c->worker_lease_s = 300;
    c->backoff_base_s = 2;
    c->backoff_cap_s = 300;
    c->worker_batch = 16;
}

/* Reads the agents' secret from path into c (at most 255 bytes,
 * trailing blanks and line ends dropped, as the agent reads its own;
 * empty refused). */
static int read_secret(struct config *c, const char *path)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (f == NULL) {
        fprintf(stderr, "micetro-emu: --agent-secret-file %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    n = fread(c->agent_secret, 1, sizeof(c->agent_secret) - 1, f);
    c->agent_secret[n] = '\0';
    if (!feof(f) && n == sizeof(c->agent_secret) - 1) {
        fclose(f);
        fprintf(stderr, "micetro-emu: --agent-secret-file %s: longer than "
                "%zu bytes\n", path, sizeof(c->agent_secret) - 1);
        return -1;
    }
    fclose(f);
    while (n > 0 && (c->agent_secret[n - 1] == ' ' ||
                     c->agent_secret[n - 1] == '\t' ||
                     c->agent_secret[n - 1] == '\r' ||
                     c->agent_secret[n - 1] == '\n'))
        c->agent_secret[--n] = '\0';
    if (n == 0) {
        fprintf(stderr, "micetro-emu: --agent-secret-file %s: empty\n", path);
        return -1;
    }
    return 0;
}

/* Reads the per-server secrets from path into c (the file's bytes are
 * wiped from memory once parsed). */
static int read_secrets(struct config *c, const char *path)
{
    char *buf = malloc(SECRETS_MAX_BYTES + 1);
    FILE *f = NULL;
    size_t n = 0;
    struct err e;
    int rc = -1;

    if (buf == NULL) {
        fprintf(stderr, "micetro-emu: --agent-secrets: out of memory\n");
        return -1;
    }
    if ((f = fopen(path, "rb")) == NULL) {
        fprintf(stderr, "micetro-emu: --agent-secrets %s: %s\n", path,
                strerror(errno));
        goto out;
    }
    /* one byte more than allowed, so that a longer file is refused */
    n = fread(buf, 1, SECRETS_MAX_BYTES + 1, f);
    if (ferror(f)) {
        fprintf(stderr, "micetro-emu: --agent-secrets %s: %s\n", path,
                strerror(errno));
        goto out;
    }
    secrets_free(c->agent_secrets);
    if (secrets_parse(buf, n, &c->agent_secrets, &e) != 0) {
        fprintf(stderr, "micetro-emu: --agent-secrets %s: %s\n", path,
                e.msg);
        goto out;
    }
    c->agent_secrets_file = path;
    rc = 0;
out:
    if (f != NULL)
        fclose(f);
    explicit_bzero(buf, n);
    free(buf);
    return rc;
}

/* --agent-tls-ca: readable now (whether it holds certificates is
 * checked at start, agent_rpc_tls_check). */
static int check_tls_ca(const char *path)
{
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        fprintf(stderr, "micetro-emu: --agent-tls-ca %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    fclose(f);
    return 0;
}

static int parse_backoff(struct config *c, const char *s)
{
    long long base, cap;
    char buf[64], *comma;

    snprintf(buf, sizeof(buf), "%s", s);
    comma = strchr(buf, ',');
    if (comma == NULL) {
        fprintf(stderr, "micetro-emu: --backoff wants BASE,CAP seconds\n");
        return -1;
    }
    *comma = '\0';
    if (parse_num("--backoff base", buf, 1, 3600, &base) ||
        parse_num("--backoff cap", comma + 1, base, 86400, &cap))
        return -1;
    c->backoff_base_s = (int)base;
    c->backoff_cap_s = (int)cap;
    return 0;
}

enum {
    O_LISTEN = 256, O_DB, O_DATA_DIR, O_PROFILE, O_SESSION_TIMEOUT,
    O_MAX_MESSAGE, O_MAX_STRING, O_MAX_DEPTH, O_MAX_ELEMENTS, O_MAX_HEAD,
    O_MAX_HEADERS, O_RECV_TIMEOUT, O_SEND_TIMEOUT, O_MESSAGE_TIMEOUT,
    O_KEEPALIVE_TIMEOUT, O_MAX_KEEPALIVE, O_MAX_CONNECTIONS, O_DB_POOL,
    O_DB_TIMEOUT, O_VERBOSE, O_HELP, O_VERSION, O_AGENT_SECRET_FILE,
    O_AGENT_PORT, O_AGENT_TIMEOUT, O_PUSH_TIMEOUT, O_OMAPI_PORT,
    O_WORKER_POLL, O_STATE_POLL, O_WORKER_LEASE, O_BACKOFF, O_AGENT_SECRETS,
    O_AGENT_TLS_CA
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
    {"agent-secret-file", required_argument, NULL, O_AGENT_SECRET_FILE},
    {"agent-secrets", required_argument, NULL, O_AGENT_SECRETS},
    {"agent-tls-ca", required_argument, NULL, O_AGENT_TLS_CA},
    {"agent-port", required_argument, NULL, O_AGENT_PORT},
    {"agent-timeout", required_argument, NULL, O_AGENT_TIMEOUT},
    {"push-timeout", required_argument, NULL, O_PUSH_TIMEOUT},
    {"omapi-port", required_argument, NULL, O_OMAPI_PORT},
    {"worker-poll", required_argument, NULL, O_WORKER_POLL},
    {"state-poll", required_argument, NULL, O_STATE_POLL},
    {"worker-lease", required_argument, NULL, O_WORKER_LEASE},
    {"backoff", required_argument, NULL, O_BACKOFF},
    {"help", no_argument, NULL, O_HELP},
    {"version", no_argument, NULL, O_VERSION},
    {NULL, 0, NULL, 0}
};

static int parse_args(struct config *c, int argc, char **argv)
{
    const char *env;
    long long v;
    int opt;

    log_set_ident("micetro-emu"); /* the name on every log line */
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
#define WIRE(o, field, lo, hi) \
        case o: \
            if (parse_num("--" #field, optarg, lo, hi, &v)) \
                return -1; \
            c->wire.field = v; \
            break;
        NUM(O_SESSION_TIMEOUT, session_timeout_s, 1, 31536000)
        WIRE(O_MAX_MESSAGE, max_message_bytes, 1024, 1073741824)
        WIRE(O_MAX_STRING, max_string_bytes, 64, 1073741824)
        WIRE(O_MAX_DEPTH, max_depth, 8, 10000)
        WIRE(O_MAX_ELEMENTS, max_elements, 1, 100000000)
        WIRE(O_MAX_HEAD, max_head_bytes, 512, 1048576)
        WIRE(O_MAX_HEADERS, max_headers, 4, 10000)
        WIRE(O_RECV_TIMEOUT, recv_timeout_s, 1, 3600)
        WIRE(O_SEND_TIMEOUT, send_timeout_s, 1, 3600)
        WIRE(O_MESSAGE_TIMEOUT, message_timeout_s, 1, 3600)
        WIRE(O_KEEPALIVE_TIMEOUT, keepalive_timeout_s, 1, 86400)
        WIRE(O_MAX_KEEPALIVE, max_keepalive_requests, 1, 100000000)
        WIRE(O_MAX_CONNECTIONS, max_connections, 1, 100000)
        NUM(O_DB_POOL, db_pool, 1, 1000)
        NUM(O_AGENT_PORT, agent_port, 1, 65535)
        NUM(O_AGENT_TIMEOUT, agent_timeout_s, 1, 3600)
        NUM(O_PUSH_TIMEOUT, push_timeout_s, 1, 3600)
        NUM(O_OMAPI_PORT, omapi_port, 1, 65535)
        NUM(O_WORKER_POLL, worker_poll_s, 1, 3600)
        NUM(O_STATE_POLL, state_poll_s, 1, 3600)
        NUM(O_WORKER_LEASE, worker_lease_s, 10, 86400)
#undef NUM
#undef WIRE
        case O_AGENT_SECRET_FILE:
            c->agent_secret_file = optarg;
            if (read_secret(c, optarg))
                return -1;
            break;
        case O_AGENT_SECRETS:
            if (read_secrets(c, optarg))
                return -1;
            break;
        case O_AGENT_TLS_CA:
            if (check_tls_ca(optarg))
                return -1;
            c->agent_tls_ca = optarg;
            break;
        case O_BACKOFF:
            if (parse_backoff(c, optarg))
                return -1;
            break;
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
    env = getenv("MICETRO_AGENT_SECRET");
    if (c->agent_secret_file == NULL && env != NULL && *env) {
        if (strlen(env) >= sizeof(c->agent_secret)) {
            fprintf(stderr, "micetro-emu: MICETRO_AGENT_SECRET is longer "
                    "than %zu bytes\n", sizeof(c->agent_secret) - 1);
            return -1;
        }
        snprintf(c->agent_secret, sizeof(c->agent_secret), "%s", env);
    }
    if (c->push_timeout_s < c->agent_timeout_s)
        c->push_timeout_s = c->agent_timeout_s;
    env = getenv("MICETRO_ADMIN_PASSWORD");
    if (env != NULL && *env) {
        c->admin_password = env;
    } else {
        c->admin_password = "administrator";
        c->admin_password_default = 1;
    }
    return 0;
}

int config_parse(struct config *c, int argc, char **argv)
{
    int rc = parse_args(c, argc, argv);

    if (rc != 0)
        config_free(c);
    return rc;
}

int config_has_agent_secrets(const struct config *c)
{
    return c->agent_secret[0] != '\0' || c->agent_secrets != NULL;
}

void config_free(struct config *c)
{
    secrets_free(c->agent_secrets);
    c->agent_secrets = NULL;
}
