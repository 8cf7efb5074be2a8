/* micetro-emu: command line and environment (see config.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "opts.h"
#include "secrets.h"

/* Prints that what, s, is not a number from lo to hi. */
static void bad_number(const char *what, long long lo, long long hi,
                       const char *s)
{
    fprintf(stderr,
            "micetro-emu: %s wants a number from %lld to %lld, "
            "not \"%s\"\n",
            what, lo, hi, s);
}

/* s as a decimal integer in [lo, hi]; -1 (message printed) if not. */
static int number(const char *what, const char *s, long long lo, long long hi,
                  long long *out)
{
    if (opts_number(s, lo, hi, out) == 0)
        return 0;
    bad_number(what, lo, hi, s);
    return -1;
}

static int parse_listen(void *cfg, const struct opts_opt *o, const char *s)
{
    struct config *c = cfg;
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
    if (number("--listen port", colon + 1, 0, 65535, &port))
        return -1;
    memcpy(c->listen_host, host, hlen);
    c->listen_host[hlen] = '\0';
    c->listen_port = (int)port;
    return 0;
}

/* Reads the agents' secret from path into c (at most 255 bytes,
 * trailing blanks and line ends dropped, as the agent reads its own;
 * empty refused). */
/* The first bytes of file path, up to size - 1, trailing blanks cut, into
 * buf: a secret or a token (--NAME FILE).  0, or -1 (said on stderr). */
static int read_token(const char *name, const char *path, char *buf,
                      size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (f == NULL) {
        fprintf(stderr, "micetro-emu: --%s %s: %s\n", name, path,
                strerror(errno));
        return -1;
    }
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    if (!feof(f) && n == size - 1) {
        fclose(f);
        fprintf(stderr, "micetro-emu: --%s %s: longer than %zu bytes\n", name,
                path, size - 1);
        return -1;
    }
    fclose(f);
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t' ||
                     buf[n - 1] == '\r' || buf[n - 1] == '\n'))
        buf[--n] = '\0';
    if (n == 0) {
        fprintf(stderr, "micetro-emu: --%s %s: empty\n", name, path);
        return -1;
    }
    if (strlen(buf) != n) {
        fprintf(stderr, "micetro-emu: --%s %s: holds a NUL byte\n", name, path);
        return -1;
    }
    return 0;
}

static int read_secret(void *cfg, const struct opts_opt *o, const char *path)
{
    struct config *c = cfg;

    c->agent_secret_file = path;
    return read_token(o->name, path, c->agent_secret, sizeof(c->agent_secret));
}

static int read_control_token(void *cfg, const struct opts_opt *o,
                              const char *path)
{
    struct config *c = cfg;

    c->control_token_file = path;
    return read_token(o->name, path, c->control_token,
                      sizeof(c->control_token));
}

/* Reads the per-server secrets from path into c (the file's bytes are
 * wiped from memory once parsed). */
static int read_secrets(void *cfg, const struct opts_opt *o, const char *path)
{
    struct config *c = cfg;
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
        fprintf(stderr, "micetro-emu: --agent-secrets %s: %s\n", path, e.msg);
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

static int parse_backoff(void *cfg, const struct opts_opt *o, const char *s)
{
    struct config *c = cfg;
    long long base, cap;
    char buf[64], *comma;

    snprintf(buf, sizeof(buf), "%s", s);
    comma = strchr(buf, ',');
    if (comma == NULL) {
        fprintf(stderr, "micetro-emu: --backoff wants BASE,CAP seconds\n");
        return -1;
    }
    *comma = '\0';
    if (number("--backoff base", buf, 1, 3600, &base) ||
        number("--backoff cap", comma + 1, base, 86400, &cap))
        return -1;
    c->backoff_base_s = (int)base;
    c->backoff_cap_s = (int)cap;
    return 0;
}

/* The words of a refusal of the command line. */
static void complain(const struct opts_prog *p, enum opts_fault f,
                     const struct opts_opt *o, const char *arg)
{
    char what[64];

    switch (f) {
    case OPTS_UNKNOWN:
    case OPTS_NO_VALUE:
        fprintf(stderr, "micetro-emu: unknown option \"%s\" (see --help)\n",
                arg);
        return;
    case OPTS_OPERAND:
        fprintf(stderr, "micetro-emu: unknown command \"%s\" (see --help)\n",
                arg);
        return;
    case OPTS_BAD_INT:
        snprintf(what, sizeof(what), "--%s", o->name);
        bad_number(what, o->min, o->max, arg);
        return;
    case OPTS_TOO_LONG:
        fprintf(stderr, "micetro-emu: --%s: too long\n", o->name);
        return;
    case OPTS_BAD_WORD:
        fprintf(stderr, "micetro-emu: --%s is ", o->name);
        for (size_t i = 0; o->words[i] != NULL; i++)
            fprintf(stderr, "%s%s",
                    i == 0            ? ""
                    : o->words[i + 1] ? ", "
                                      : " or ",
                    o->words[i]);
        fprintf(stderr, ", not \"%s\"\n", arg);
        return;
    case OPTS_NO_FILE:
        fprintf(stderr, "micetro-emu: --%s %s: %s\n", o->name, arg,
                strerror(errno));
        return;
    }
}

static const char *const commands[] = {"run", "serve", "worker",
                                       "make-template", NULL};
static const char *const profiles[] = {"11", "2017", NULL};
/* An integer option: name, field, bounds, default, value's name, help. */
#define NUM(n, m, lo, hi, d, a, h)                                             \
    {.name = (n),                                                              \
     .kind = OPTS_INT,                                                         \
     OPTS_AT(struct config, m),                                                \
     .min = (lo),                                                              \
     .max = (hi),                                                              \
     .def = (d),                                                               \
     .arg = (a),                                                               \
     .help = (h)}

static const struct opts_opt options[] = {
    {.kind = OPTS_HEADING, .help = "options:"},
    {.name = "listen",
     .kind = OPTS_CUSTOM,
     .set = parse_listen,
     .def_str = "127.0.0.1:8080",
     .arg = "ADDR:PORT",
     .help = "address to serve (default 127.0.0.1:8080;\n"
             "port 0 picks a free port)"},
    {.name = "db",
     .kind = OPTS_STR,
     OPTS_AT(struct config, db),
     .env = "MICETRO_DB",
     .arg = "DSN",
     .help = "PostgreSQL conninfo or URI (env MICETRO_DB);\n"
             "without it a private cluster is kept in the\n"
             "data directory"},
    {.name = "data-dir",
     .kind = OPTS_STR,
     OPTS_AT(struct config, data_dir),
     .def_str = "./var",
     .arg = "DIR",
     .help = "data directory (default ./var)"},
    {.name = "template-dir",
     .kind = OPTS_STR,
     OPTS_AT(struct config, template_dir),
     .env = "MICETRO_TEMPLATE_DIR",
     .arg = "DIR",
     .help = "where the template of a new embedded cluster is\n"
             "kept (default $XDG_CACHE_HOME/micetro-emu or\n"
             "~/.cache/micetro-emu; as root /var/cache/micetro-emu);\n"
             "none: initdb each new cluster (also\n"
             "MICETRO_TEMPLATE_DIR)"},
    {.name = "api-profile",
     .kind = OPTS_ENUM,
     OPTS_AT(struct config, profile),
     .words = profiles,
     .def = PROFILE_11,
     .arg = "11|2017",
     .help = "API shape to serve (default 11)"},
    NUM("session-timeout", session_timeout_s, 1, 31536000, 1800, "SEC",
        "idle session lifetime (default 1800)"),
    NUM("login-max-failures", login_max_failures, 0, 100000, 10, "N",
        "failed logins from one client address that\n"
        "lock it out of Login (default 10; 0: no limit)"),
    NUM("login-name-max-failures", login_name_max_failures, 0, 100000, 30, "N",
        "failed logins for one login name, from any\n"
        "address, that lock it out (default 30; 0: no\nlimit)"),
    NUM("login-window", login_window_s, 1, 86400, 60, "SEC",
        "the failures counted are those within this\n"
        "many seconds of the first (default 60)"),
    NUM("login-lockout", login_lockout_s, 1, 86400, 60, "SEC",
        "a lockout's length; one starting within a\n"
        "window of the last one's end doubles it\n(default 60)"),
    NUM("login-lockout-max", login_lockout_max_s, 1, 604800, 900, "SEC",
        "the longest lockout (default 900)"),
    NUM("max-message-bytes", wire.max_message_bytes, 1024, 1073741824, 1048576,
        "N", "largest request body (default 1048576)"),
    NUM("max-string-bytes", wire.max_string_bytes, 64, 1073741824, 65536, "N",
        "longest string value (default 65536)"),
    NUM("max-depth", wire.max_depth, 8, 10000, 32, "N",
        "deepest XML nesting (default 32)"),
    NUM("max-elements", wire.max_elements, 1, 100000000, 10000, "N",
        "most items in one array (default 10000)"),
    NUM("max-header-bytes", wire.max_head_bytes, 512, 1048576, 16384, "N",
        "largest HTTP request head (default 16384)"),
    NUM("max-headers", wire.max_headers, 4, 10000, 64, "N",
        "most HTTP header lines (default 64)"),
    NUM("recv-timeout", wire.recv_timeout_s, 1, 3600, 10, "SEC",
        "longest wait for request bytes (default 10)"),
    NUM("send-timeout", wire.send_timeout_s, 1, 3600, 10, "SEC",
        "longest wait to send a reply (default 10)"),
    NUM("message-timeout", wire.message_timeout_s, 1, 3600, 30, "SEC",
        "longest time to receive a whole request\n(default 30)"),
    NUM("keepalive-timeout", wire.keepalive_timeout_s, 1, 86400, 30, "SEC",
        "idle keep-alive connection lifetime\n(default 30)"),
    NUM("max-keepalive-requests", wire.max_keepalive_requests, 1, 100000000,
        10000, "N", "requests on one connection (default 10000)"),
    NUM("max-connections", wire.max_connections, 1, 100000, 1024, "N",
        "concurrent connections (default 1024)"),
    NUM("max-per-address", wire.max_per_address, 1, 100000, 64, "N",
        "concurrent connections from one client\naddress (default 64)"),
    NUM("http-threads", wire.io_threads, 0, 256, 0, "N",
        "HTTP I/O threads (default 0: one per CPU)"),
    NUM("workers", wire.workers, 0, 1000, 0, "N",
        "requests handled at once (default 0: two\nper CPU)"),
    NUM("db-pool", db_pool, 1, 1000, 8, "N",
        "database connections (default 8)"),
    NUM("db-wait", db_wait_s, 0, 3600, 30, "SEC",
        "how long --db waits for its database at\nstart (default 30)"),
    /* the statement timeout too (config_parse) */
    NUM("db-timeout", db_acquire_timeout_ms, 100, 3600000, 5000, "MS",
        "longest wait for a database connection and\n"
        "longest statement (default 5000)"),
    NUM("filter-timeout", db_filter_timeout_ms, 10, 3600000, 1000, "MS",
        "longest statement of a list with a filter\n"
        "(default 1000; not above --db-timeout)"),
    NUM("max-session-lists", max_session_lists, 1, 1000, 2, "N",
        "list calls one session may run at once\n(default 2)"),
    NUM("journal-size", journal_size, 0, 10000000, 10000, "N",
        "SOAP calls the request journal keeps, the\n"
        "oldest dropped (default 10000; 0: off)"),
    {.name = "journal-bodies",
     .kind = OPTS_FLAG,
     OPTS_AT(struct config, journal_bodies),
     .help = "the journal keeps each call's whole request\n"
             "and response too"},
    {.name = "control-token",
     .kind = OPTS_CUSTOM,
     .set = read_control_token,
     .arg = "FILE",
     .help = "the token a client beyond loopback must send\n"
             "to /_emu/ (Authorization: Bearer; env\n"
             "MICETRO_CONTROL_TOKEN)"},
    {.name = "seed",
     .kind = OPTS_STR,
     OPTS_AT(struct config, seed_file),
     .arg = "FILE",
     .help = "a seed document (docs/control.md) applied at\n"
             "start, before serving; a bad one: exit 1"},
    {.name = "log-format",
     .kind = OPTS_ENUM,
     OPTS_AT(struct config, log_json),
     .words = log_format_words,
     .def = 0,
     .arg = "text|json",
     .help = "log lines as text or as JSON objects\n(default text)"},
    {.name = "log-level",
     .kind = OPTS_ENUM,
     OPTS_AT(struct config, log_level),
     .words = log_level_words,
     .def = LOG_INFO,
     .arg = "LEVEL",
     .help = "error, warn, info (a line per call;\ndefault) or debug"},
    {.name = "verbose",
     .kind = OPTS_FLAG,
     OPTS_AT(struct config, verbose),
     .help = "as --log-level debug"},

    {.kind = OPTS_HEADING, .help = "worker (run, worker):"},
    {.name = "agent-secret-file",
     .kind = OPTS_CUSTOM,
     .set = read_secret,
     .arg = "FILE",
     .help = "one secret for every agent (env\nMICETRO_AGENT_SECRET)"},
    {.name = "agent-secrets",
     .kind = OPTS_CUSTOM,
     .set = read_secrets,
     .arg = "FILE",
     .help = "a secret per DHCP server, \"SERVER SECRET\"\n"
             "lines; a server not in it gets the one above;\n"
             "with neither, changes are queued, not pushed"},
    /* readable now; whether it holds certificates is checked at start
     * (agent_rpc_tls_check) */
    {.name = "agent-tls-ca",
     .kind = OPTS_PATH,
     OPTS_AT(struct config, agent_tls_ca),
     .arg = "FILE",
     .help = "call the agents over https: each agent's\n"
             "certificate must be signed by a CA of this\n"
             "PEM bundle and name its IP address\n"
             "(default: plain http)"},
    NUM("agent-port", agent_port, 1, 65535, 8647, "N",
        "agent port of a server whose address has none\n(default 8647)"),
    NUM("agent-timeout", agent_timeout_s, 1, 3600, 10, "SEC",
        "connect/send/receive of an agent call\n(default 10)"),
    NUM("push-timeout", push_timeout_s, 1, 3600, 120, "SEC",
        "a whole configuration push (default 120)"),
    NUM("omapi-port", omapi_port, 1, 65535, 7911, "N",
        "OMAPI port written into dhcpd.conf\n(default 7911)"),
    NUM("worker-poll", worker_poll_s, 1, 3600, 5, "SEC",
        "look at the queue at least this often\n(default 5)"),
    NUM("state-poll", state_poll_s, 1, 3600, 5, "SEC",
        "read failover states this often (default 5)"),
    NUM("worker-lease", worker_lease_s, 10, 86400, 300, "SEC",
        "a claimed push's lease (default 300)"),
    {.name = "backoff",
     .kind = OPTS_CUSTOM,
     .set = parse_backoff,
     .def_str = "2,300",
     .arg = "SEC,SEC",
     .help = "retry a failed push after base * 2^n seconds,\n"
             "at most cap (default 2,300)"},
    {.name = "simulate",
     .kind = OPTS_FLAG,
     OPTS_AT(struct config, simulate),
     .help = "simulate every DHCP server (as without any\n"
             "agent secret): files checked and kept, no\n"
             "agent called"},
    {.name = "dhcpd",
     .kind = OPTS_PATH,
     OPTS_AT(struct config, dhcpd),
     .def_str = "/usr/sbin/dhcpd",
     .env = "MICETRO_DHCPD",
     .arg = "PATH",
     .help = "dhcpd that checks simulated servers' files\n"
             "(dhcpd -t; default /usr/sbin/dhcpd, not\n"
             "checked when absent)"},
    NUM("dhcpd-timeout", dhcpd_timeout_ms, 100, 600000, 10000, "MS",
        "one dhcpd -t of a simulated server\n(default 10000)"),
    {.name = "help",
     .kind = OPTS_HELP,
     .label = "--help, --version",
     .help = ""},
    {.name = "version", .kind = OPTS_VERSION},
};

#undef NUM

static const struct opts_opt command = {
    .kind = OPTS_ENUM,
    OPTS_AT(struct config, mode),
    .words = commands,
    .def = MODE_RUN,
};

static const struct opts_prog prog = {
    .name = "micetro-emu",
    .version = MICETRO_VERSION,
    .opts = options,
    .n_opts = sizeof(options) / sizeof(options[0]),
    .operands = &command,
    .usage = "usage: micetro-emu [run|serve|worker|make-template] [options]\n"
             "\n"
             "  run            server and worker together (default)\n"
             "  serve          the SOAP server only\n"
             "  worker         the configuration worker only\n"
             "  make-template  make the embedded cluster's template in\n"
             "                 --template-dir when it is missing or bad,\n"
             "                 print its directory and exit\n",
    .epilog =
        "\n"
        "environment:\n"
        "  MICETRO_ADMIN_PASSWORD    the administrator's password, set at\n"
        "                            the start of run and serve; unset, the\n"
        "                            stored one is kept (a new database gets\n"
        "                            \"administrator\", allowed on loopback\n"
        "                            only); beyond loopback 12 characters or\n"
        "                            more, without the user name\n"
        "  MICETRO_DB                as --db\n",
    .help_column = 28,
    .complain = complain,
};

/* What no option sets. */
static void set_fixed(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->wire.listen_backlog = 128;
    c->wire.shutdown_grace_s = 30;
    c->db_connect_timeout_s = 5;
    c->agent_max_answer = 1048576;
    c->worker_batch = 16;
    c->login_entries = 4096;
}

/* The value of the environment variable name, when set, into buf; 0, or
 * -1 (said on stderr) when it does not fit. */
static int token_from_env(const char *name, char *buf, size_t size)
{
    const char *env = getenv(name);

    if (env == NULL || *env == '\0')
        return 0;
    if (strlen(env) >= size) {
        fprintf(stderr, "micetro-emu: %s is longer than %zu bytes\n", name,
                size - 1);
        return -1;
    }
    memcpy(buf, env, strlen(env) + 1);
    return 0;
}

/* What spans several options, and the environment without an option. */
static int check(struct config *c)
{
    const char *env;

    c->db_statement_timeout_ms = c->db_acquire_timeout_ms;
    /* sized to the machine: the database shares its CPUs, and more
     * requests at once than it can run only lengthen the slowest */
    if (c->wire.workers == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        c->wire.workers = cpus > 0 ? (int)(2 * cpus) : 2;
    }
    if ((c->control_token_file == NULL &&
         token_from_env("MICETRO_CONTROL_TOKEN", c->control_token,
                        sizeof(c->control_token))) ||
        (c->agent_secret_file == NULL &&
         token_from_env("MICETRO_AGENT_SECRET", c->agent_secret,
                        sizeof(c->agent_secret))))
        return -1;
    if (c->seed_file != NULL && c->mode == MODE_WORKER) {
        fprintf(stderr, "micetro-emu: --seed is for run and serve: the "
                        "worker adds no objects\n");
        return -1;
    }
    if (c->push_timeout_s < c->agent_timeout_s)
        c->push_timeout_s = c->agent_timeout_s;
    if (c->login_lockout_max_s < c->login_lockout_s)
        c->login_lockout_max_s = c->login_lockout_s;
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
    int rc;

    log_set_ident("micetro-emu"); /* the name on every log line */
    set_fixed(c);
    rc = opts_parse(&prog, c, argc, argv);
    if (rc == 0)
        rc = check(c);
    if (rc == 0) {
        log_set_json(c->log_json);
        log_set_level(c->verbose ? LOG_DEBUG : (enum log_level)c->log_level);
    }
    if (rc != 0)
        config_free(c);
    return rc;
}

int config_has_agent_secrets(const struct config *c)
{
    return c->agent_secret[0] != '\0' || c->agent_secrets != NULL;
}

int config_simulates_all(const struct config *c)
{
    return c->simulate || !config_has_agent_secrets(c);
}

void config_free(struct config *c)
{
    secrets_free(c->agent_secrets);
    c->agent_secrets = NULL;
}
