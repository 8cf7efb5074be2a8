/* micetro-dhcp-agent: configuration (see agent_config.h). */
#include "agent_config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define CONFIG_MAX_LINE 2048
#define CONFIG_MAX_FILE (64 * 1024)

enum opt_kind { OPT_STR, OPT_INT, OPT_SIZE, OPT_FLAG, OPT_IFACE, OPT_LISTEN,
                OPT_FILE, OPT_SECRET_FILE };

struct opt {
    const char *name;
    enum opt_kind kind;
    size_t off;          /* offset in struct agent_config */
    size_t size;         /* OPT_STR: buffer size */
    long long min, max;  /* OPT_INT / OPT_SIZE */
    const char *help;
};

#define F(m) offsetof(struct agent_config, m)
#define S(m) sizeof(((struct agent_config *)0)->m)

static const struct opt opts[] = {
    {"config", OPT_FILE, 0, 0, 0, 0, "FILE  key=value settings"},
    {"listen", OPT_LISTEN, 0, 0, 0, 0,
     "ADDR:PORT  SOAP listener (default 127.0.0.1:8647)"},
    {"dhcpd-conf", OPT_STR, F(dhcpd_conf), S(dhcpd_conf), 0, 0,
     "PATH  the live dhcpd.conf (required)"},
    {"lease-file", OPT_STR, F(lease_file), S(lease_file), 0, 0,
     "PATH  dhcpd's lease file (required when supervising)"},
    {"pid-file", OPT_STR, F(pid_file), S(pid_file), 0, 0,
     "PATH  dhcpd's pid file (default /run/dhcpd.pid)"},
    {"interface", OPT_IFACE, 0, 0, 0, 0, "IFACE  dhcpd interface (repeat)"},
    {"dhcpd", OPT_STR, F(dhcpd), S(dhcpd), 0, 0,
     "PATH  dhcpd binary (default /usr/sbin/dhcpd)"},
    {"secret-file", OPT_SECRET_FILE, 0, 0, 0, 0,
     "PATH  the agent secret (else env MICETRO_AGENT_SECRET)"},
    {"tls-cert", OPT_STR, F(tls_cert), S(tls_cert), 0, 0,
     "PATH  PEM certificate (then its chain): serve HTTPS only (with "
     "--tls-key)"},
    {"tls-key", OPT_STR, F(tls_key), S(tls_key), 0, 0,
     "PATH  PEM private key of --tls-cert, not encrypted"},
    {"tls-handshake-timeout-s", OPT_INT, F(tls_handshake_timeout_s), 0, 1,
     3600, "N  a connection's TLS handshake (default 10)"},
    {"start-cmd", OPT_STR, F(start_cmd), S(start_cmd), 0, 0,
     "CMD  start dhcpd with this shell command instead of supervising it"},
    {"stop-cmd", OPT_STR, F(stop_cmd), S(stop_cmd), 0, 0,
     "CMD  stop dhcpd with this shell command (with --start-cmd)"},
    {"settle-ms", OPT_INT, F(settle_ms), 0, 0, 60000,
     "N  dhcpd must stay up this long after a start (default 500)"},
    {"omapi-wait-ms", OPT_INT, F(omapi_wait_ms), 0, 0, 600000,
     "N  with a failover peer, OMAPI must answer within N (default 10000)"},
    {"stop-timeout-ms", OPT_INT, F(stop_timeout_ms), 0, 1, 600000,
     "N  SIGTERM, then SIGKILL after N (default 5000)"},
    {"test-timeout-ms", OPT_INT, F(test_timeout_ms), 0, 100, 600000,
     "N  deadline of dhcpd -t and of start/stop commands (default 20000)"},
    {"omapi-timeout-ms", OPT_INT, F(omapi_timeout_ms), 0, 10, 600000,
     "N  one OMAPI call (default 3000)"},
    {"max-output-bytes", OPT_SIZE, F(max_output_bytes), 0, 1024, 1 << 24,
     "N  dhcpd output kept per run (default 65536)"},
    {"max-message-bytes", OPT_SIZE, F(wire.max_message_bytes), 0, 1024, 1 << 30,
     "N  request body limit (default 8388608)"},
    {"max-string-bytes", OPT_INT, F(wire.max_string_bytes), 0, 64, 1 << 30,
     "N  one string, i.e. the config (default 8388608)"},
    {"max-depth", OPT_INT, F(wire.max_depth), 0, 4, 1000,
     "N  XML nesting (default 16)"},
    {"max-elements", OPT_SIZE, F(wire.max_elements), 0, 1, 1 << 24,
     "N  repeated elements (default 64)"},
    {"max-head-bytes", OPT_SIZE, F(wire.max_head_bytes), 0, 512, 1 << 20,
     "N  HTTP head (default 16384)"},
    {"max-headers", OPT_INT, F(wire.max_headers), 0, 1, 1000,
     "N  HTTP header lines (default 64)"},
    {"recv-timeout-s", OPT_INT, F(wire.recv_timeout_s), 0, 1, 3600,
     "N  idle receive (default 10)"},
    {"send-timeout-s", OPT_INT, F(wire.send_timeout_s), 0, 1, 3600,
     "N  send (default 10)"},
    {"message-timeout-s", OPT_INT, F(wire.message_timeout_s), 0, 1, 3600,
     "N  whole request (default 60)"},
    {"keepalive-timeout-s", OPT_INT, F(wire.keepalive_timeout_s), 0, 1, 3600,
     "N  between requests (default 15)"},
    {"max-keepalive-requests", OPT_INT, F(wire.max_keepalive_requests), 0, 1,
     100000, "N  requests per connection (default 100)"},
    {"max-connections", OPT_INT, F(wire.max_connections), 0, 1, 10000,
     "N  concurrent connections (default 8)"},
    {"listen-backlog", OPT_INT, F(wire.listen_backlog), 0, 1, 65535,
     "N  (default 16)"},
    {"shutdown-grace-s", OPT_INT, F(wire.shutdown_grace_s), 0, 0, 3600,
     "N  in-flight requests at exit (default 30)"},
    {"verbose", OPT_FLAG, F(verbose), 0, 0, 0, "  log every request"},
    {NULL, 0, 0, 0, 0, 0, NULL},
};

static void defaults(struct agent_config *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
    c->listen_port = 8647;
    snprintf(c->pid_file, sizeof(c->pid_file), "/run/dhcpd.pid");
    snprintf(c->dhcpd, sizeof(c->dhcpd), "/usr/sbin/dhcpd");
    c->settle_ms = 500;
    c->omapi_wait_ms = 10000;
    c->stop_timeout_ms = 5000;
    c->test_timeout_ms = 20000;
    c->omapi_timeout_ms = 3000;
    c->max_output_bytes = 65536;
    c->tls_handshake_timeout_s = 10;
    c->wire.max_message_bytes = 8u << 20;
    c->wire.max_string_bytes = 8L << 20;
    c->wire.max_depth = 16;
    c->wire.max_elements = 64;
    c->wire.max_head_bytes = 16384;
    c->wire.max_headers = 64;
    c->wire.recv_timeout_s = 10;
    c->wire.send_timeout_s = 10;
    c->wire.message_timeout_s = 60;
    c->wire.keepalive_timeout_s = 15;
    c->wire.max_keepalive_requests = 100;
    c->wire.max_connections = 8;
    c->wire.listen_backlog = 16;
    c->wire.shutdown_grace_s = 30;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: micetro-dhcp-agent [options]\n"
               "Installs dhcpd.conf files pushed over SOAP and reports the\n"
               "failover state of the local ISC dhcpd.  Options (also as\n"
               "key=value lines in a --config file):\n");
    for (const struct opt *o = opts; o->name; o++)
        fprintf(f, "  --%s %s\n", o->name, o->help);
}

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

/* Stores secret text s, trailing blanks and newlines removed. */
static int set_secret(struct agent_config *c, const char *s, size_t n,
                      const char *from)
{
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '
                     || s[n - 1] == '\t'))
        n--;
    if (n == 0) {
        fprintf(stderr, "micetro-dhcp-agent: the secret from %s is empty\n",
                from);
        return -1;
    }
    if (n > AGENT_MAX_SECRET) {
        fprintf(stderr, "micetro-dhcp-agent: the secret from %s is longer "
                "than %d bytes\n", from, AGENT_MAX_SECRET);
        return -1;
    }
    memcpy(c->secret, s, n);
    c->secret[n] = '\0';
    c->secret_len = n;
    return 0;
}

static int read_secret_file(struct agent_config *c, const char *path)
{
    char buf[AGENT_MAX_SECRET + 64];
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "micetro-dhcp-agent: cannot read secret file "
                "\"%s\": %s\n", path, strerror(errno));
        goto out;
    }
    if (st.st_mode & (S_IROTH | S_IWOTH))
        fprintf(stderr, "micetro-dhcp-agent: warning: secret file \"%s\" "
                "is accessible to other users\n", path);
    n = read(fd, buf, sizeof(buf));
    if (n < 0) {
        fprintf(stderr, "micetro-dhcp-agent: cannot read secret file "
                "\"%s\": %s\n", path, strerror(errno));
        goto out;
    }
    rc = set_secret(c, buf, (size_t)n, path);
    explicit_bzero(buf, sizeof(buf));
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

static int read_config_file(struct agent_config *c, const char *path,
                            int depth);

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
            fprintf(stderr, "micetro-dhcp-agent: --%s: cannot read \"%s\": "
                    "%s\n", files[i][0], files[i][1], strerror(errno));
            return -1;
        }
        close(fd);
    }
    return 0;
}

/* Applies one setting; value NULL for a flag.  Returns 0 or -1. */
static int apply(struct agent_config *c, const struct opt *o,
                 const char *value, int depth)
{
    char *end;
    long long v;

    switch (o->kind) {
    case OPT_FLAG:
        *(int *)((char *)c + o->off) = 1;
        return 0;
    case OPT_STR:
        if (strlen(value) >= o->size) {
            fprintf(stderr, "micetro-dhcp-agent: --%s: value too long\n",
                    o->name);
            return -1;
        }
        snprintf((char *)c + o->off, o->size, "%s", value);
        return 0;
    case OPT_INT:
    case OPT_SIZE:
        errno = 0;
        v = strtoll(value, &end, 10);
        if (errno || *end || end == value || v < o->min || v > o->max) {
            fprintf(stderr, "micetro-dhcp-agent: --%s: expected an integer "
                    "in %lld..%lld\n", o->name, o->min, o->max);
            return -1;
        }
        if (o->kind == OPT_SIZE)
            *(size_t *)((char *)c + o->off) = (size_t)v;
        else if (strcmp(o->name, "max-string-bytes") == 0)
            c->wire.max_string_bytes = (long)v;
        else if (strcmp(o->name, "max-depth") == 0)
            c->wire.max_depth = (unsigned)v;
        else
            *(int *)((char *)c + o->off) = (int)v;
        return 0;
    case OPT_IFACE:
        if (c->n_interfaces >= AGENT_MAX_INTERFACES
            || strlen(value) >= sizeof(c->interfaces[0]) || value[0] == '\0'
            || value[0] == '-') {
            fprintf(stderr, "micetro-dhcp-agent: --interface: too many or "
                    "invalid (at most %d)\n", AGENT_MAX_INTERFACES);
            return -1;
        }
        snprintf(c->interfaces[c->n_interfaces++], sizeof(c->interfaces[0]),
                 "%s", value);
        return 0;
    case OPT_LISTEN:
        if (parse_listen(c, value)) {
            fprintf(stderr, "micetro-dhcp-agent: --listen: expected "
                    "ADDR:PORT\n");
            return -1;
        }
        return 0;
    case OPT_FILE:
        return read_config_file(c, value, depth + 1);
    case OPT_SECRET_FILE:
        return read_secret_file(c, value);
    }
    return -1;
}

static const struct opt *find_opt(const char *name, size_t len)
{
    for (const struct opt *o = opts; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static int read_config_file(struct agent_config *c, const char *path,
                            int depth)
{
    char line[CONFIG_MAX_LINE];
    FILE *f = NULL;
    int lineno = 0, rc = -1;
    long total = 0;

    if (depth > 1) {
        fprintf(stderr, "micetro-dhcp-agent: %s: \"config\" may not be "
                "nested\n", path);
        return -1;
    }
    f = fopen(path, "re");
    if (f == NULL) {
        fprintf(stderr, "micetro-dhcp-agent: cannot open \"%s\": %s\n", path,
                strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char *p = line, *eq, *key_end, *val;
        size_t n = strlen(line);
        const struct opt *o;

        lineno++;
        total += (long)n;
        if (total > CONFIG_MAX_FILE || (n == sizeof(line) - 1
                                        && line[n - 1] != '\n')) {
            fprintf(stderr, "micetro-dhcp-agent: %s:%d: line or file too "
                    "long\n", path, lineno);
            goto out;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'
                         || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        eq = strchr(p, '=');
        key_end = eq ? eq : p + strlen(p);
        while (key_end > p && (key_end[-1] == ' ' || key_end[-1] == '\t'))
            key_end--;
        o = find_opt(p, (size_t)(key_end - p));
        if (o == NULL) {
            fprintf(stderr, "micetro-dhcp-agent: %s:%d: unknown key\n", path,
                    lineno);
            goto out;
        }
        val = eq ? eq + 1 : NULL;
        while (val && (*val == ' ' || *val == '\t'))
            val++;
        if (o->kind == OPT_FLAG) {
            if (val && strcmp(val, "1") != 0 && strcmp(val, "yes") != 0
                && strcmp(val, "true") != 0)
                continue; /* verbose=0 */
        } else if (val == NULL) {
            fprintf(stderr, "micetro-dhcp-agent: %s:%d: \"%s\" needs a "
                    "value\n", path, lineno, o->name);
            goto out;
        }
        if (apply(c, o, val, depth))
            goto out;
    }
    rc = 0;
out:
    fclose(f);
    return rc;
}

int agent_config_parse(struct agent_config *c, int argc, char **argv)
{
    const char *env;

    log_set_ident("micetro-dhcp-agent"); /* the name on every log line */
    defaults(c);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value = NULL, *eq;
        const struct opt *o;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "micetro-dhcp-agent: unexpected argument "
                    "\"%s\"\n", a);
            return -1;
        }
        a += 2;
        eq = strchr(a, '=');
        o = find_opt(a, eq ? (size_t)(eq - a) : strlen(a));
        if (o == NULL) {
            fprintf(stderr, "micetro-dhcp-agent: unknown option \"%s\"\n",
                    argv[i]);
            usage(stderr);
            return -1;
        }
        if (o->kind != OPT_FLAG) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else {
                fprintf(stderr, "micetro-dhcp-agent: --%s needs a value\n",
                        o->name);
                return -1;
            }
        }
        if (apply(c, o, value, 0))
            return -1;
    }
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
    return check_tls(c);
}
