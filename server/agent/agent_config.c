/* micetro-dhcp-agent: configuration (see agent_config.h). */
#include "agent_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "opts.h"

#define CONFIG_MAX_LINE 2048
#define CONFIG_MAX_FILE (64 * 1024)

static const struct opts_prog prog;

static int parse_listen(struct agent_config *c, const char *v)
{
    const char *colon = strrchr(v, ':');
    char *end;
    long port;
    size_t hl;

    if (colon == NULL)
        return -1;
    hl = (size_t)(colon - v);
    if (hl >= 2 && v[0] == '[' && v[hl - 1] == ']') {
        v++;
        hl -= 2;
    }
    if (hl == 0 || hl >= sizeof(c->listen_host))
        return -1;
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
        return -1;
    memcpy(c->listen_host, v, hl);
    c->listen_host[hl] = '\0';
    c->listen_port = (int)port;
    return 0;
}

static int set_listen(void *cfg, const struct opts_opt *o, const char *v)
{
    if (parse_listen(cfg, v)) {
        fprintf(stderr, "micetro-dhcp-agent: --listen: expected "
                        "ADDR:PORT\n");
        return -1;
    }
    return 0;
}

static int add_interface(void *cfg, const struct opts_opt *o, const char *value)
{
    struct agent_config *c = cfg;

    if (c->n_interfaces >= AGENT_MAX_INTERFACES ||
        strlen(value) >= sizeof(c->interfaces[0]) || value[0] == '\0' ||
        value[0] == '-') {
        fprintf(stderr,
                "micetro-dhcp-agent: --interface: too many or "
                "invalid (at most %d)\n",
                AGENT_MAX_INTERFACES);
        return -1;
    }
    snprintf(c->interfaces[c->n_interfaces++], sizeof(c->interfaces[0]), "%s",
             value);
    return 0;
}

/* Stores secret text s, trailing blanks and newlines removed. */
static int set_secret(struct agent_config *c, const char *s, size_t n,
                      const char *from)
{
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
                     s[n - 1] == '\t'))
        n--;
    if (n == 0) {
        fprintf(stderr, "micetro-dhcp-agent: the secret from %s is empty\n",
                from);
        return -1;
    }
    if (n > AGENT_MAX_SECRET) {
        fprintf(stderr,
                "micetro-dhcp-agent: the secret from %s is longer "
                "than %d bytes\n",
                from, AGENT_MAX_SECRET);
        return -1;
    }
    memcpy(c->secret, s, n);
    c->secret[n] = '\0';
    c->secret_len = n;
    return 0;
}

static int read_secret_file(void *cfg, const struct opts_opt *o,
                            const char *path)
{
    struct agent_config *c = cfg;
    char buf[AGENT_MAX_SECRET + 64];
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr,
                "micetro-dhcp-agent: cannot read secret file "
                "\"%s\": %s\n",
                path, strerror(errno));
        goto out;
    }
    if (st.st_mode & (S_IROTH | S_IWOTH))
        fprintf(stderr,
                "micetro-dhcp-agent: warning: secret file \"%s\" "
                "is accessible to other users\n",
                path);
    n = read(fd, buf, sizeof(buf));
    if (n < 0) {
        fprintf(stderr,
                "micetro-dhcp-agent: cannot read secret file "
                "\"%s\": %s\n",
                path, strerror(errno));
        goto out;
    }
    rc = set_secret(c, buf, (size_t)n, path);
    explicit_bzero(buf, sizeof(buf));
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

/* --tls-cert and --tls-key: both or neither, each readable now (whether
 * they hold a usable certificate and key is checked when the listener is
 * set up, before the agent touches dhcpd). */
static int check_tls(const struct agent_config *c)
{
    const char *const files[][2] = {{"tls-cert", c->tls_cert},
                                    {"tls-key", c->tls_key}};

    if ((c->tls_cert[0] != '\0') != (c->tls_key[0] != '\0')) {
        fprintf(stderr, "micetro-dhcp-agent: --tls-cert and --tls-key go "
                        "together\n");
        return -1;
    }
    for (size_t i = 0; c->tls_cert[0] && i < 2; i++) {
        int fd = open(files[i][1], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr,
                    "micetro-dhcp-agent: --%s: cannot read \"%s\": "
                    "%s\n",
                    files[i][0], files[i][1], strerror(errno));
            return -1;
        }
        close(fd);
    }
    return 0;
}

/* --config: the settings of the file at path, line by line. */
static int read_config_file(void *cfg, const struct opts_opt *opt,
                            const char *path)
{
    char line[CONFIG_MAX_LINE];
    FILE *f = NULL;
    int lineno = 0, rc = -1;
    long total = 0;

    f = fopen(path, "re");
    if (f == NULL) {
        fprintf(stderr, "micetro-dhcp-agent: cannot open \"%s\": %s\n", path,
                strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char *p = line, *eq, *key_end, *val;
        size_t n = strlen(line);
        const struct opts_opt *o;

        lineno++;
        total += (long)n;
        if (total > CONFIG_MAX_FILE ||
            (n == sizeof(line) - 1 && line[n - 1] != '\n')) {
            fprintf(stderr,
                    "micetro-dhcp-agent: %s:%d: line or file too "
                    "long\n",
                    path, lineno);
            goto out;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
                         line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        eq = strchr(p, '=');
        key_end = eq ? eq : p + strlen(p);
        while (key_end > p && (key_end[-1] == ' ' || key_end[-1] == '\t'))
            key_end--;
        o = opts_find(&prog, p, (size_t)(key_end - p));
        if (o == NULL) {
            fprintf(stderr, "micetro-dhcp-agent: %s:%d: unknown key\n", path,
                    lineno);
            goto out;
        }
        val = eq ? eq + 1 : NULL;
        while (val && (*val == ' ' || *val == '\t'))
            val++;
        if (o->kind == OPTS_FLAG) {
            if (val && strcmp(val, "1") != 0 && strcmp(val, "yes") != 0 &&
                strcmp(val, "true") != 0)
                continue; /* verbose=0 */
        } else if (val == NULL) {
            fprintf(stderr,
                    "micetro-dhcp-agent: %s:%d: \"%s\" needs a "
                    "value\n",
                    path, lineno, o->name);
            goto out;
        }
        if (o->set == read_config_file) {
            fprintf(stderr,
                    "micetro-dhcp-agent: %s: \"config\" may not be "
                    "nested\n",
                    val);
            goto out;
        }
        if (opts_set(&prog, o, cfg, val))
            goto out;
    }
    rc = 0;
out:
    fclose(f);
    return rc;
}

/* The words of a refusal of the command line (or of a --config line). */
static void complain(const struct opts_prog *p, enum opts_fault f,
                     const struct opts_opt *o, const char *arg)
{
    switch (f) {
    case OPTS_UNKNOWN:
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr,
                    "micetro-dhcp-agent: unexpected argument "
                    "\"%s\"\n",
                    arg);
            return;
        }
        fprintf(stderr, "micetro-dhcp-agent: unknown option \"%s\"\n", arg);
        opts_help(p, stderr);
        return;
    case OPTS_OPERAND:
        fprintf(stderr, "micetro-dhcp-agent: unexpected argument \"%s\"\n",
                arg);
        return;
    case OPTS_NO_VALUE:
        fprintf(stderr, "micetro-dhcp-agent: --%s needs a value\n", o->name);
        return;
    case OPTS_BAD_INT:
        fprintf(stderr,
                "micetro-dhcp-agent: --%s: expected an integer "
                "in %lld..%lld\n",
                o->name, o->min, o->max);
        return;
    case OPTS_TOO_LONG:
        fprintf(stderr, "micetro-dhcp-agent: --%s: value too long\n", o->name);
        return;
    case OPTS_BAD_WORD:
        fprintf(stderr,
                "micetro-dhcp-agent: --%s: unexpected value "
                "\"%s\"\n",
                o->name, arg);
        return;
    case OPTS_NO_FILE:
        fprintf(stderr,
                "micetro-dhcp-agent: --%s: cannot read \"%s\": "
                "%s\n",
                o->name, arg, strerror(errno));
        return;
    }
}

/* A text option: name, field, default, value's name, help. */
#define STR(n, m, d, a, h)                                                     \
    {.name = (n),                                                              \
     .kind = OPTS_STRBUF,                                                      \
     OPTS_AT(struct agent_config, m),                                          \
     .def_str = (d),                                                           \
     .arg = (a),                                                               \
     .help = (h)}
/* An integer option: name, field, bounds, default, help. */
#define NUM(n, m, lo, hi, d, h)                                                \
    {.name = (n),                                                              \
     .kind = OPTS_INT,                                                         \
     OPTS_AT(struct agent_config, m),                                          \
     .min = (lo),                                                              \
     .max = (hi),                                                              \
     .def = (d),                                                               \
     .arg = "N",                                                               \
     .help = (h)}

static const struct opts_opt options[] = {
    {.name = "config",
     .kind = OPTS_CUSTOM,
     .set = read_config_file,
     .arg = "FILE",
     .help = "key=value settings"},
    {.name = "listen",
     .kind = OPTS_CUSTOM,
     .set = set_listen,
     .def_str = "127.0.0.1:8647",
     .arg = "ADDR:PORT",
     .help = "SOAP listener (default 127.0.0.1:8647)"},
    STR("dhcpd-conf", dhcpd_conf, NULL, "PATH",
        "the live dhcpd.conf (required)"),
    STR("lease-file", lease_file, NULL, "PATH",
        "dhcpd's lease file (required when supervising)"),
    STR("pid-file", pid_file, "/run/dhcpd.pid", "PATH",
        "dhcpd's pid file (default /run/dhcpd.pid)"),
    {.name = "interface",
     .kind = OPTS_CUSTOM,
     .set = add_interface,
     .arg = "IFACE",
     .help = "dhcpd interface (repeat)"},
    STR("dhcpd", dhcpd, "/usr/sbin/dhcpd", "PATH",
        "dhcpd binary (default /usr/sbin/dhcpd)"),
    {.name = "secret-file",
     .kind = OPTS_CUSTOM,
     .set = read_secret_file,
     .arg = "PATH",
     .help = "the agent secret (else env MICETRO_AGENT_SECRET)"},
    STR("tls-cert", tls_cert, NULL, "PATH",
        "PEM certificate (then its chain): serve HTTPS only (with "
        "--tls-key)"),
    STR("tls-key", tls_key, NULL, "PATH",
        "PEM private key of --tls-cert, not encrypted"),
    NUM("secret-max-failures", secret_max_failures, 0, 100000, 10,
        "wrong secrets from one address that lock it out (default 10; "
        "0: no limit)"),
    NUM("secret-window-s", secret_window_s, 1, 86400, 60,
        "failures count within this of the first (default 60)"),
    NUM("secret-lockout-s", secret_lockout_s, 1, 86400, 60,
        "a lockout; one within a window of the last one's end doubles "
        "(default 60)"),
    NUM("secret-lockout-max-s", secret_lockout_max_s, 1, 604800, 900,
        "the longest lockout (default 900)"),
    NUM("tls-handshake-timeout-s", tls_handshake_timeout_s, 1, 3600, 10,
        "a connection's TLS handshake (default 10)"),
    STR("start-cmd", start_cmd, NULL, "CMD",
        "start dhcpd with this shell command instead of supervising it"),
    STR("stop-cmd", stop_cmd, NULL, "CMD",
        "stop dhcpd with this shell command (with --start-cmd)"),
    NUM("settle-ms", settle_ms, 0, 60000, 500,
        "dhcpd must stay up this long after a start (default 500)"),
    NUM("omapi-wait-ms", omapi_wait_ms, 0, 600000, 10000,
        "with a failover peer, OMAPI must answer within N (default 10000)"),
    NUM("stop-timeout-ms", stop_timeout_ms, 1, 600000, 5000,
        "SIGTERM, then SIGKILL after N (default 5000)"),
    NUM("test-timeout-ms", test_timeout_ms, 100, 600000, 20000,
        "deadline of dhcpd -t and of start/stop commands (default 20000)"),
    NUM("omapi-timeout-ms", omapi_timeout_ms, 10, 600000, 3000,
        "one OMAPI call (default 3000)"),
    NUM("max-output-bytes", max_output_bytes, 1024, 1 << 24, 65536,
        "dhcpd output kept per run (default 65536)"),
    NUM("max-message-bytes", wire.max_message_bytes, 1024, 1 << 30, 8388608,
        "request body limit (default 8388608)"),
    NUM("max-string-bytes", wire.max_string_bytes, 64, 1 << 30, 8388608,
        "one string, i.e. the config (default 8388608)"),
    NUM("max-depth", wire.max_depth, 4, 1000, 16, "XML nesting (default 16)"),
    NUM("max-elements", wire.max_elements, 1, 1 << 24, 64,
        "repeated elements (default 64)"),
    NUM("max-head-bytes", wire.max_head_bytes, 512, 1 << 20, 16384,
        "HTTP head (default 16384)"),
    NUM("max-headers", wire.max_headers, 1, 1000, 64,
        "HTTP header lines (default 64)"),
    NUM("recv-timeout-s", wire.recv_timeout_s, 1, 3600, 10,
        "idle receive (default 10)"),
    NUM("send-timeout-s", wire.send_timeout_s, 1, 3600, 10,
        "send (default 10)"),
    NUM("message-timeout-s", wire.message_timeout_s, 1, 3600, 60,
        "whole request (default 60)"),
    NUM("keepalive-timeout-s", wire.keepalive_timeout_s, 1, 3600, 15,
        "between requests (default 15)"),
    NUM("max-keepalive-requests", wire.max_keepalive_requests, 1, 100000, 100,
        "requests per connection (default 100)"),
    NUM("max-connections", wire.max_connections, 1, 10000, 64,
        "concurrent connections (default 64)"),
    NUM("max-per-address", wire.max_per_address, 1, 10000, 8,
        "connections from one address (default 8)"),
    NUM("http-threads", wire.io_threads, 0, 64, 1,
        "HTTP I/O threads (default 1; 0: one per CPU)"),
    NUM("workers", wire.workers, 1, 64, 2,
        "requests handled at once (default 2)"),
    NUM("listen-backlog", wire.listen_backlog, 1, 65535, 16, "(default 16)"),
    NUM("shutdown-grace-s", wire.shutdown_grace_s, 0, 3600, 30,
        "in-flight requests at exit (default 30)"),
    {.name = "log-format",
     .kind = OPTS_ENUM,
     OPTS_AT(struct agent_config, log_json),
     .words = log_format_words,
     .def = 0,
     .arg = "text|json",
     .help = "log lines as text or JSON (default text)"},
    {.name = "log-level",
     .kind = OPTS_ENUM,
     OPTS_AT(struct agent_config, log_level),
     .words = log_level_words,
     .def = LOG_INFO,
     .arg = "LEVEL",
     .help = "error, warn, info (default) or debug"},
    /* .arg "": "--verbose " and its text two spaces on, as ever */
    {.name = "verbose",
     .kind = OPTS_FLAG,
     OPTS_AT(struct agent_config, verbose),
     .arg = "",
     .help = "as --log-level debug"},
    {.name = "help", .kind = OPTS_HELP, .short_name = 'h'}, /* not listed */
};

#undef STR
#undef NUM

/* Names in full, no operands; a flag takes "=VALUE" and ignores it (as in
 * a --config file, where "verbose=0" sets nothing); -h is --help. */
static const struct opts_prog prog = {
    .name = "micetro-dhcp-agent",
    .opts = options,
    .n_opts = sizeof(options) / sizeof(options[0]),
    .flags = OPTS_EXACT_NAMES | OPTS_FLAG_VALUES,
    .usage = "usage: micetro-dhcp-agent [options]\n"
             "Installs dhcpd.conf files pushed over SOAP and reports the\n"
             "failover state of the local ISC dhcpd.  Options (also as\n"
             "key=value lines in a --config file):\n",
    .complain = complain,
};

int agent_config_parse(struct agent_config *c, int argc, char **argv)
{
    const char *env;
    int rc;

    log_set_ident("micetro-dhcp-agent"); /* the name on every log line */
    memset(c, 0, sizeof(*c));
    rc = opts_parse(&prog, c, argc, argv);
    if (rc != 0)
        return rc;
    if (c->secret_len == 0) {
        env = getenv("MICETRO_AGENT_SECRET");
        if (env == NULL || env[0] == '\0') {
            fprintf(stderr, "micetro-dhcp-agent: no secret: use "
                            "--secret-file or MICETRO_AGENT_SECRET\n");
            return -1;
        }
        if (set_secret(c, env, strlen(env), "MICETRO_AGENT_SECRET"))
            return -1;
    }
    if (c->dhcpd_conf[0] != '/') {
        fprintf(stderr, "micetro-dhcp-agent: --dhcpd-conf must be an "
                        "absolute path\n");
        return -1;
    }
    if (c->secret_lockout_max_s < c->secret_lockout_s)
        c->secret_lockout_max_s = c->secret_lockout_s;
    if ((c->start_cmd[0] != '\0') != (c->stop_cmd[0] != '\0')) {
        fprintf(stderr, "micetro-dhcp-agent: --start-cmd and --stop-cmd go "
                        "together\n");
        return -1;
    }
    if (c->start_cmd[0] == '\0' && c->lease_file[0] == '\0') {
        fprintf(stderr, "micetro-dhcp-agent: --lease-file is required when "
                        "the agent supervises dhcpd\n");
        return -1;
    }
    log_set_json(c->log_json);
    log_set_level(c->verbose ? LOG_DEBUG : (enum log_level)c->log_level);
    return check_tls(c);
}
