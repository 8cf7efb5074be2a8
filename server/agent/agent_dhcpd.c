/* micetro-dhcp-agent: running dhcpd (see agent_dhcpd.h). */
#include "agent_dhcpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"

#define POLL_STEP_MS 10
#define TAIL_BYTES 2048 /* dhcpd output kept for error messages */
#define MAX_ARGS (16 + AGENT_MAX_INTERFACES)

struct agent_dhcpd {
    const struct agent_config *cfg;
    pid_t pid;       /* supervised child, 0 when none */
    int exit_status; /* of the last child, as from waitpid */
    int exited;
    pthread_t logger;
    int logger_running;
    int logger_fd;      /* read end of the child's output pipe */
    pthread_mutex_t mu; /* guards tail */
    char tail[TAIL_BYTES];
    size_t tail_len;
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* spawn_capture with its failure in e (ERR_SYS). */
static int run_capture(char *const argv[], int timeout_ms, size_t max,
                       char **out, int *status, struct err *e)
{
    char why[256];

    if (spawn_capture(argv, timeout_ms, max, out, status, why, sizeof(why)))
        return err_set(e, ERR_SYS, "%s", why);
    return 0;
}

int agent_dhcpd_test(const struct agent_config *cfg, const char *conf,
                     char **out, struct err *e)
{
    char why[256];

    switch (spawn_dhcpd_test(cfg->dhcpd, conf, cfg->test_timeout_ms,
                             cfg->max_output_bytes, out, why, sizeof(why))) {
    case SPAWN_DHCPD_OK:
        return 0;
    case SPAWN_DHCPD_REFUSED:
        return err_set(e, ERR_INVALID, "dhcpd rejected the configuration");
    default:
        return err_set(e, ERR_SYS, "%s", why);
    }
}

struct agent_dhcpd *agent_dhcpd_new(const struct agent_config *cfg,
                                    struct err *e)
{
    struct agent_dhcpd *d = calloc(1, sizeof(*d));

    if (d == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    d->cfg = cfg;
    pthread_mutex_init(&d->mu, NULL);
    return d;
}

/* Copies a supervised dhcpd's output to our stderr, keeping its tail. */
static void *logger_main(void *arg)
{
    struct agent_dhcpd *d = arg;
    int fd = d->logger_fd; /* set before the thread was created */
    char buf[4096], line[1024];
    size_t ll = 0;

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pthread_mutex_lock(&d->mu);
        for (ssize_t i = 0; i < n; i++) {
            if (d->tail_len == TAIL_BYTES) {
                memmove(d->tail, d->tail + TAIL_BYTES / 2, TAIL_BYTES / 2);
                d->tail_len = TAIL_BYTES / 2;
            }
            d->tail[d->tail_len++] = buf[i];
        }
        pthread_mutex_unlock(&d->mu);
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n' || ll == sizeof(line) - 1) {
                line[ll] = '\0';
                log_msg("dhcpd: %s", line);
                ll = 0;
                if (buf[i] == '\n')
                    continue;
            }
            line[ll++] = buf[i];
        }
    }
    if (ll > 0) {
        line[ll] = '\0';
        log_msg("dhcpd: %s", line);
    }
    close(fd);
    return NULL;
}

/* Whether line (len l) is one of dhcpd's progress lines, which say
 * nothing about why it stopped. */
static int progress_line(const char *line, size_t l)
{
    static const char *const progress[] = {
        "Config file: ",
        "Database file: ",
        "PID file: ",
        "Wrote ",
        "Listening on ",
        "Sending on ",
        "Server starting service.",
        "Multiple interfaces match the same ",
        "exiting.",
        NULL};

    for (int i = 0; progress[i]; i++)
        if (l >= strlen(progress[i]) &&
            strncmp(line, progress[i], strlen(progress[i])) == 0)
            return 1;
    return 0;
}

/* Why dhcpd stopped, from its output since its start: its last
 * paragraph once the banner, progress lines and bug-report paragraph are
 * gone (dhcpd's fatal error, then its hints, if any), at most max bytes
 * from the paragraph's start, newlines shown as " | ". */
static void tail_lines(struct agent_dhcpd *d, char *dst, size_t max)
{
    char raw[TAIL_BYTES + 1], *lines, *p;
    size_t o = 0;
    int fresh = 0;

    pthread_mutex_lock(&d->mu);
    memcpy(raw, d->tail, d->tail_len);
    raw[d->tail_len] = '\0';
    pthread_mutex_unlock(&d->mu);
    dst[0] = '\0';
    lines = spawn_dhcpd_error_lines(raw);
    if (lines == NULL)
        return;
    for (p = lines; *p;) {
        char *eol = strchr(p, '\n');
        size_t l = eol ? (size_t)(eol - p) : strlen(p);

        if (l == 0) {
            fresh = 1; /* a paragraph ends */
        } else if (!progress_line(p, l)) {
            if (fresh)
                o = fresh = 0; /* a later paragraph: start again */
            if (o > 0 && o + 4 >= max)
                l = 0; /* full: skip to the next paragraph */
            else if (o > 0) {
                memcpy(dst + o, " | ", 3);
                o += 3;
            }
            if (l > max - 1 - o)
                l = max - 1 - o;
            memcpy(dst + o, p, l);
            o += l;
            dst[o] = '\0';
        }
        p += (eol ? (size_t)(eol - p) + 1 : strlen(p));
    }
    free(lines);
}

static void reap(struct agent_dhcpd *d, int status)
{
    d->pid = 0;
    d->exited = 1;
    d->exit_status = status;
    if (d->logger_running) {
        pthread_join(d->logger, NULL);
        d->logger_running = 0;
    }
}

/* 1 when pid exists and is not a zombie (a dead process that is not our
 * child can linger as a zombie until its new parent reaps it). */
static int alive(pid_t pid)
{
    char path[64], buf[256], *rp;
    int fd;
    ssize_t n;

    if (kill(pid, 0) != 0 && errno != EPERM)
        return 0;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno != ENOENT;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 1;
    buf[n] = '\0';
    rp = strrchr(buf, ')');
    return !(rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'));
}

/* Reads the pid in the pid file, 0 when none or not alive. */
static int pidfile_pid(const struct agent_config *cfg)
{
    char buf[32];
    int fd = open(cfg->pid_file, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    long pid;

    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    pid = strtol(buf, NULL, 10);
    if (pid <= 1 || pid > 1 << 22)
        return 0;
    return alive((pid_t)pid) ? (int)pid : 0;
}

int agent_dhcpd_pid(struct agent_dhcpd *d)
{
    int status;

    if (d->cfg->start_cmd[0])
        return pidfile_pid(d->cfg);
    if (d->pid > 0 && waitpid(d->pid, &status, WNOHANG) == d->pid)
        reap(d, status);
    return d->pid;
}

static int run_shell(struct agent_dhcpd *d, const char *cmd, struct err *e)
{
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    char *out = NULL;
    int status = 0, rc;

    rc = run_capture(argv, d->cfg->test_timeout_ms, d->cfg->max_output_bytes,
                     &out, &status, e);
    if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        for (size_t n = strlen(out); n > 0 && out[n - 1] == '\n'; n--)
            out[n - 1] = '\0';
        rc = err_set(e, ERR_SYS, "\"%s\" failed (status %d): %.160s", cmd,
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
    }
    free(out);
    return rc;
}

int agent_dhcpd_start(struct agent_dhcpd *d, struct err *e)
{
    const struct agent_config *cfg = d->cfg;
    char *argv[MAX_ARGS];
    int argc = 0, p[2], fd;
    pid_t pid;

    pthread_mutex_lock(&d->mu);
    d->tail_len = 0;
    pthread_mutex_unlock(&d->mu);
    d->exited = 0;
    if (cfg->start_cmd[0])
        return run_shell(d, cfg->start_cmd, e);
    if (agent_dhcpd_pid(d) > 0)
        return err_set(e, ERR_INTERNAL, "dhcpd is already running");
    /* the lease file is never touched; only created when missing */
    fd = open(cfg->lease_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
        close(fd);
        log_msg("created empty lease file \"%s\"", cfg->lease_file);
    } else if (errno != EEXIST) {
        return err_set(e, ERR_SYS, "cannot create lease file \"%s\": %s",
                       cfg->lease_file, strerror(errno));
    }
    argv[argc++] = (char *)cfg->dhcpd;
    argv[argc++] = "-f";
    argv[argc++] = "-d";
    argv[argc++] = "-cf";
    argv[argc++] = (char *)cfg->dhcpd_conf;
    argv[argc++] = "-lf";
    argv[argc++] = (char *)cfg->lease_file;
    argv[argc++] = "-pf";
    argv[argc++] = (char *)cfg->pid_file;
    for (int i = 0; i < cfg->n_interfaces; i++)
        argv[argc++] = (char *)cfg->interfaces[i];
    argv[argc] = NULL;
    if (pipe2(p, O_CLOEXEC) != 0)
        return err_set(e, ERR_SYS, "pipe: %s", strerror(errno));
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return err_set(e, ERR_SYS, "fork: %s", strerror(errno));
    }
    if (pid == 0)
        spawn_child_exec(p[1], argv);
    close(p[1]);
    d->pid = pid;
    d->logger_fd = p[0];
    if (pthread_create(&d->logger, NULL, logger_main, d) == 0)
        d->logger_running = 1;
    else
        close(p[0]); /* dhcpd gets SIGPIPE when it writes: seen as a death */
    log_msg("started dhcpd, pid %d", (int)pid);
    return 0;
}

/* Waits (polling) for pid to be gone; for our child, reaps it. */
static int wait_gone(struct agent_dhcpd *d, pid_t pid, int child,
                     long long deadline)
{
    int status;

    for (;;) {
        if (child) {
            pid_t r = waitpid(pid, &status, WNOHANG);
            if (r == pid || (r < 0 && errno == ECHILD)) {
                reap(d, status);
                return 1;
            }
        } else if (!alive(pid)) {
            return 1;
        }
        if (now_ms() >= deadline)
            return 0;
        sleep_ms(POLL_STEP_MS);
    }
}

static void terminate(struct agent_dhcpd *d, pid_t pid, int child)
{
    kill(pid, SIGTERM);
    if (wait_gone(d, pid, child, now_ms() + d->cfg->stop_timeout_ms))
        return;
    log_msg("dhcpd pid %d ignored SIGTERM for %d ms: SIGKILL", (int)pid,
            d->cfg->stop_timeout_ms);
    kill(pid, SIGKILL);
    if (child) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        reap(d, status);
    } else {
        wait_gone(d, pid, 0, now_ms() + d->cfg->stop_timeout_ms);
    }
}

int agent_dhcpd_stop(struct agent_dhcpd *d, struct err *e)
{
    if (d->cfg->start_cmd[0])
        return run_shell(d, d->cfg->stop_cmd, e);
    if (agent_dhcpd_pid(d) == 0)
        return 0;
    terminate(d, d->pid, 1);
    log_msg("stopped dhcpd");
    return 0;
}

/* 1 when a TCP connect to 127.0.0.1:port succeeds within ms. */
static int port_answers(int port, int ms)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int ok = 0, soerr = 0;
    socklen_t sl = sizeof(soerr);

    if (fd < 0)
        return 0;
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
        ok = 1;
    } else if (errno == EINPROGRESS) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, ms) == 1 &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
            soerr == 0)
            ok = 1;
    }
    close(fd);
    return ok;
}

int agent_dhcpd_wait_ready(struct agent_dhcpd *d, int omapi_port, struct err *e)
{
    const struct agent_config *cfg = d->cfg;
    long long start = now_ms(), settled = start + cfg->settle_ms;
    long long deadline = start +
                         (omapi_port > 0 && cfg->omapi_wait_ms > cfg->settle_ms
                              ? cfg->omapi_wait_ms
                              : cfg->settle_ms);
    int omapi_ok = omapi_port <= 0;
    char tail[120];

    for (;;) {
        long long t = now_ms();
        if (agent_dhcpd_pid(d) == 0) {
            if (cfg->start_cmd[0] && t < settled) {
                sleep_ms(POLL_STEP_MS); /* pid file may come late */
                continue;
            }
            tail_lines(d, tail, sizeof(tail));
            if (cfg->start_cmd[0])
                return err_set(e, ERR_SYS,
                               "dhcpd is not running after "
                               "\"%s\" (no live pid in \"%s\")",
                               cfg->start_cmd, cfg->pid_file);
            return err_set(e, ERR_SYS,
                           "dhcpd exited (%s %d) %lld ms after "
                           "start: %s",
                           WIFSIGNALED(d->exit_status) ? "signal" : "status",
                           WIFSIGNALED(d->exit_status)
                               ? WTERMSIG(d->exit_status)
                               : WEXITSTATUS(d->exit_status),
                           t - start, tail);
        }
        if (!omapi_ok)
            omapi_ok = port_answers(omapi_port, 100);
        if (omapi_ok && t >= settled)
            return 0;
        if (t >= deadline)
            return err_set(e, ERR_SYS,
                           "dhcpd runs but OMAPI port %d did not "
                           "answer within %d ms",
                           omapi_port, cfg->omapi_wait_ms);
        sleep_ms(POLL_STEP_MS);
    }
}

int agent_dhcpd_stop_orphan(struct agent_dhcpd *d, int *stopped, struct err *e)
{
    char path[64], cmd[8192];
    int pid, fd, match = 0;
    ssize_t n;

    *stopped = 0;
    if (d->cfg->start_cmd[0])
        return 0;
    pid = pidfile_pid(d->cfg);
    if (pid <= 0)
        return 0;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, cmd, sizeof(cmd) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    cmd[n] = '\0';
    /* NUL-separated arguments: "-cf" followed by our file */
    for (char *p = cmd; p < cmd + n; p += strlen(p) + 1) {
        if (strcmp(p, "-cf") == 0 && p + 4 < cmd + n &&
            strcmp(p + 4, d->cfg->dhcpd_conf) == 0)
            match = 1;
    }
    if (!match)
        return 0;
    log_msg("stopping dhcpd pid %d left running on \"%s\"", pid,
            d->cfg->dhcpd_conf);
    terminate(d, (pid_t)pid, 0);
    if (alive((pid_t)pid))
        return err_set(e, ERR_SYS, "cannot stop dhcpd pid %d", pid);
    /* it may linger as a zombie until its new parent reaps it, and dhcpd
     * takes a pid file naming a zombie for a running server */
    if (unlink(d->cfg->pid_file) != 0 && errno != ENOENT)
        return err_set(e, ERR_SYS, "cannot remove pid file \"%s\": %s",
                       d->cfg->pid_file, strerror(errno));
    *stopped = pid;
    return 0;
}

void agent_dhcpd_free(struct agent_dhcpd *d)
{
    struct err e;

    if (d == NULL)
        return;
    if (!d->cfg->start_cmd[0])
        agent_dhcpd_stop(d, &e);
    pthread_mutex_destroy(&d->mu);
    free(d);
}
