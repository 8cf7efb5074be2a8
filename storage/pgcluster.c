/* micetro-emu storage: the embedded PostgreSQL cluster (see pgcluster.h).
 *
 * Layout under the data directory DIR (made absolute):
 *   DIR/pg       the cluster (initdb), mode 0700
 *   DIR/run      its unix socket directory, mode 0700; no TCP listener
 *   DIR/pg.log   the server log, which also collects the output of initdb
 *                and pg_ctl
 * As root, initdb, pg_ctl and the postmaster run as the `postgres` user:
 * those three are chowned to it and DIR must be searchable by it.
 *
 * Tools are started with fork + execve and argv arrays (never a shell of
 * our own; pg_ctl itself uses one, hence the check on the characters of
 * DIR).  Between fork and execve the child makes only async-signal-safe
 * calls, so other threads may be running; signals are blocked around fork
 * and reset to their defaults in the child.  Children are waited for by
 * pid, retrying on EINTR; a child reaped by someone else (SIGCHLD set to
 * SIG_IGN, or a thread calling wait()) is detected and the outcome is
 * checked on the cluster itself instead.
 */
#include "pgcluster.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <linux/fs.h> /* FICLONE */

#define PG_USER "micetro"
#define PG_DB "micetro"
#define PG_PORT "5432"
#define SOCKET_NAME "/.s.PGSQL." PG_PORT
#define SUN_PATH_MAX 107 /* sizeof(sockaddr_un.sun_path) - 1 */
#define START_TIMEOUT_S 30
#define STOP_TIMEOUT_S 60
#define START_POLL_MS 5 /* postmaster.pid looked at while it starts, stops */
#define MAX_GROUPS 256
#define STATUS_UNKNOWN (-1) /* child reaped by someone else */
#define LEFTOVER_WAIT_S 10  /* a dead postmaster's children exiting */
#define TREE_DEPTH_MAX 16   /* directory levels of a cluster copied */
#define COPY_THREADS 4      /* files of a template copied at once */
#define STAMP_HEAD "micetro-emu template 1\n"
/* WAL segments of 1 MB, not 16: a new cluster, and the template copied
 * into every new data directory and into the container image, is 29 MB
 * rather than 40; with fsync off switching segments costs nothing */
#define WAL_SEGSIZE "--wal-segsize=1"

/* The user tools run as (root only: postgres). */
struct runas {
    int active;
    uid_t uid;
    gid_t gid;
    int ngroups;
    gid_t groups[MAX_GROUPS];
    char name[64];
    char home[PATH_MAX];
};

struct pgcluster {
    char dir[PATH_MAX];    /* realpath of DIR */
    char pgdata[PATH_MAX]; /* DIR/pg */
    char rundir[PATH_MAX]; /* DIR/run */
    char logpath[PATH_MAX];
    char bindir[PATH_MAX];
    char admin_ci[PATH_MAX * 2 + 128]; /* conninfo, template1 database */
    struct runas ra;
    long pid;           /* the postmaster's, as last seen */
    int keep_wal_small; /* a template's server: no WAL segment recycled */
};

/* What a forked child does, all prepared before fork. */
struct child {
    char *const *argv; /* program (absolute path) and arguments */
    char *const *envp;
    const char *check_path; /* argv NULL: exit 0 when this is searchable */
    int infd, outfd;        /* stdin; stdout and stderr */
    int pidfd; /* >= 0: detach (a session of its own, reparented to init,
                * as pg_ctl starts a postmaster): the child forks, writes
                * the grandchild's pid here and exits; the grandchild
                * runs argv */
    int maxfd;
    const struct runas *ra;
};

/* ---------------------------------------------------------------- util */

static int path_join(char *dst, size_t len, const char *a, const char *b,
                     struct err *e)
{
    int n = snprintf(dst, len, "%s%s", a, b);

    if (n < 0 || (size_t)n >= len)
        return err_set(e, ERR_INVALID, "path \"%s%s\" is too long", a, b);
    return 0;
}

static int is_exec(const char *dir, const char *prog)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, prog);

    return n > 0 && (size_t)n < sizeof(path) && access(path, X_OK) == 0;
}

static int has_server_bins(const char *dir)
{
    return is_exec(dir, "initdb") && is_exec(dir, "pg_ctl") &&
           is_exec(dir, "postgres");
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads a small file whole into buf (NUL-terminated); -1 on failure. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
    size_t n = 0;
    ssize_t r;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (n + 1 < len) {
        r = read(fd, buf + n, len - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    return (ssize_t)n;
}

/* Appends one line of our own to the server log. */
static void log_note(const struct pgcluster *pc, const char *line)
{
    char buf[PATH_MAX + 256];
    int fd, n;

    fd = open(pc->logpath, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return;
    n = snprintf(buf, sizeof(buf), "micetro-emu: %s\n", line);
    if (n > 0 && (size_t)n < sizeof(buf))
        while (write(fd, buf, (size_t)n) < 0 && errno == EINTR)
            ;
    close(fd);
}

/* The most telling line the log gained since offset `from`: the last
 * FATAL/PANIC/ERROR line (from its severity on), else the last line. */
static void log_tail(const struct pgcluster *pc, off_t from, char *out,
                     size_t len)
{
    static const char *const sev[] = {
        "PANIC:", "FATAL:", "ERROR:", "error:", NULL};
    char buf[8192];
    char *line, *save = NULL, *best = NULL, *last = NULL;
    struct stat sb;
    ssize_t r;
    size_t n = 0;
    int fd, i;

    snprintf(out, len, "no output");
    fd = open(pc->logpath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fstat(fd, &sb) == 0 && sb.st_size - from > (off_t)sizeof(buf) - 1)
        from = sb.st_size - (off_t)sizeof(buf) + 1;
    while (n + 1 < sizeof(buf)) {
        r = pread(fd, buf + n, sizeof(buf) - 1 - n, from + (off_t)n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    for (line = strtok_r(buf, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line == '\0' || strcmp(line, "Examine the log output.") == 0)
            continue;
        last = line;
        for (i = 0; sev[i] != NULL; i++) {
            char *p = strstr(line, sev[i]);

            if (p != NULL && i < 3)
                best = p;
            else if (p != NULL)
                best = line;
        }
    }
    if (best == NULL)
        best = last;
    if (best != NULL)
        snprintf(out, len, "%s", best);
}

static off_t log_size(const struct pgcluster *pc)
{
    struct stat sb;

    return stat(pc->logpath, &sb) == 0 ? sb.st_size : 0;
}

/* ------------------------------------------------------------ children */

/* The environment of the tools: ours without PG* (PGPORT, PGDATA ... would
 * change what the tools do) and locale variables (messages in English, as
 * the error lines we quote), plus LC_ALL=C and, as root, the postgres
 * user's HOME/USER/LOGNAME.  NULL when out of memory; free with env_free. */
static char **env_make(const struct runas *ra)
{
    static const char *const drop[] = {"PG",    "LANG=", "LANGUAGE=", "LC_",
                                       "HOME=", "USER=", "LOGNAME=",  NULL};
    char **env, **p;
    size_t n = 0, i, k = 0;
    int j, skip;

    for (p = environ; p != NULL && *p != NULL; p++)
        n++;
    env = calloc(n + 5, sizeof(*env));
    if (env == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        skip = 0;
        for (j = 0; drop[j] != NULL; j++)
            if (strncmp(environ[i], drop[j], strlen(drop[j])) == 0)
                skip = 1;
        /* HOME, USER, LOGNAME are kept unless we switch users */
        if (skip && !ra->active &&
            (strncmp(environ[i], "HOME=", 5) == 0 ||
             strncmp(environ[i], "USER=", 5) == 0 ||
             strncmp(environ[i], "LOGNAME=", 8) == 0))
            skip = 0;
        if (skip)
            continue;
        env[k] = strdup(environ[i]);
        if (env[k] == NULL)
            goto fail;
        k++;
    }
    env[k] = strdup("LC_ALL=C");
    if (env[k++] == NULL)
        goto fail;
    if (ra->active) {
        if (asprintf(&env[k++], "HOME=%s", ra->home) < 0 ||
            asprintf(&env[k++], "USER=%s", ra->name) < 0 ||
            asprintf(&env[k++], "LOGNAME=%s", ra->name) < 0) {
            env[--k] = NULL;
            goto fail;
        }
    }
    return env;
fail:
    for (i = 0; env[i] != NULL; i++)
        free(env[i]);
    free(env);
    return NULL;
}

static void env_free(char **env)
{
    size_t i;

    if (env == NULL)
        return;
    for (i = 0; env[i] != NULL; i++)
        free(env[i]);
    free(env);
}

__attribute__((noreturn)) static void child_fail(const char *what)
{
    ssize_t r = write(2, "micetro-emu: ", 13);

    /* once stderr fails, the next writes would fail the same way */
    if (r > 0)
        r = write(2, what, strlen(what));
    if (r >= 0)
        r = write(2, "\n", 1);
    (void)r;
    _exit(127);
}

/* In the forked child: async-signal-safe calls only. */
__attribute__((noreturn)) static void child_run(const struct child *ch)
{
    struct sigaction dfl;
    sigset_t none;
    int sig, fd, keep;

    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL); /* SIGKILL, SIGSTOP: EINVAL, fine */
    if (ch->infd >= 0 && dup2(ch->infd, 0) < 0)
        _exit(127);
    if (ch->outfd >= 0 && (dup2(ch->outfd, 1) < 0 || dup2(ch->outfd, 2) < 0))
        _exit(127);
    /* the pid pipe, if any, becomes fd 3, which the closing keeps */
    keep = ch->pidfd >= 0 ? 4 : 3;
    if (ch->pidfd >= 0 && ch->pidfd != 3 && dup2(ch->pidfd, 3) < 0)
        _exit(127);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
    if (close_range((unsigned)keep, ~0U, 0) != 0)
#endif
        for (fd = keep; fd < ch->maxfd; fd++)
            close(fd);
    if (ch->ra->active) {
        if (setgroups((size_t)ch->ra->ngroups, ch->ra->groups) != 0 ||
            setgid(ch->ra->gid) != 0 || setuid(ch->ra->uid) != 0)
            child_fail("cannot switch to the postgres user");
    }
    if (chdir("/") != 0)
        child_fail("cannot change directory to /");
    if (ch->pidfd >= 0) {
        pid_t gc;

        if (setsid() < 0)
            child_fail("cannot start a session");
        gc = fork();
        if (gc < 0)
            child_fail("cannot fork");
        if (gc > 0) {
            long v = (long)gc;
            _exit(write(3, &v, sizeof(v)) == (ssize_t)sizeof(v) ? 0 : 127);
        }
        close(3);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (ch->argv == NULL)
        _exit(access(ch->check_path, X_OK) == 0 ? 0 : 1);
    execve(ch->argv[0], ch->argv, ch->envp);
    child_fail("cannot execute the PostgreSQL tool");
}

/* Runs a child as described by ch (envp, fds and maxfd filled here) and
 * waits for it.  *status is its exit code, 128 + signal when killed, or
 * STATUS_UNKNOWN when it was reaped by someone else. */
static int run_child(struct child *ch, int outfd, int *status, struct err *e)
{
    sigset_t all, old;
    char **env;
    pid_t pid, r;
    long maxfd;
    int ws = 0, devnull, rc = 0;

    *status = STATUS_UNKNOWN;
    env = env_make(ch->ra);
    if (env == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) {
        env_free(env);
        return err_set(e, ERR_SYS, "cannot open /dev/null: %s",
                       strerror(errno));
    }
    maxfd = sysconf(_SC_OPEN_MAX);
    ch->maxfd = maxfd > 0 && maxfd < 65536 ? (int)maxfd : 65536;
    ch->envp = env;
    ch->infd = devnull;
    ch->outfd = outfd >= 0 ? outfd : devnull;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = fork();
    if (pid == 0)
        child_run(ch);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        rc = err_set(e, ERR_SYS, "cannot fork: %s", strerror(errno));
        goto out;
    }
    do
        r = waitpid(pid, &ws, 0);
    while (r < 0 && errno == EINTR);
    if (r == pid) {
        if (WIFEXITED(ws))
            *status = WEXITSTATUS(ws);
        else if (WIFSIGNALED(ws))
            *status = 128 + WTERMSIG(ws);
    } else if (errno != ECHILD) {
        rc = err_set(e, ERR_SYS, "cannot wait for child: %s", strerror(errno));
    }
out:
    close(devnull);
    env_free(env);
    return rc;
}

/* Runs a PostgreSQL tool with its output appended to the server log;
 * with pid not NULL detached (struct child's pidfd), *pid its pid. */
static int run_logged(const struct pgcluster *pc, char *const *argv,
                      int *status, long *pid, struct err *e)
{
    struct child ch;
    int fd, rc, fds[2] = {-1, -1};
    long v = 0;
    ssize_t r;

    fd = open(pc->logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, ERR_SYS, "cannot open \"%s\": %s", pc->logpath,
                       strerror(errno));
    if (pid != NULL && pipe2(fds, O_CLOEXEC) != 0) {
        close(fd);
        return err_set(e, ERR_SYS, "cannot make a pipe: %s", strerror(errno));
    }
    memset(&ch, 0, sizeof(ch));
    ch.pidfd = fds[1];
    ch.argv = argv;
    ch.ra = &pc->ra;
    rc = run_child(&ch, fd, status, e);
    close(fd);
    if (pid == NULL)
        return rc;
    close(fds[1]);
    do
        r = read(fds[0], &v, sizeof(v));
    while (r < 0 && errno == EINTR);
    close(fds[0]);
    if (rc == 0 && (r != (ssize_t)sizeof(v) || v <= 0))
        rc = err_set(e, ERR_SYS, "cannot start \"%s\" (see %s)", argv[0],
                     pc->logpath);
    *pid = v;
    return rc;
}

/* Runs a PostgreSQL tool with its output appended to the server log. */
static int run_tool(const struct pgcluster *pc, char *const *argv, int *status,
                    struct err *e)
{
    return run_logged(pc, argv, status, NULL, e);
}

/* Runs a PostgreSQL tool detached (a postmaster), its output appended to
 * the server log; *pid is the detached process's. */
static int run_detached(const struct pgcluster *pc, char *const *argv,
                        long *pid, struct err *e)
{
    int status;

    return run_logged(pc, argv, &status, pid, e);
}

/* Runs prog with one argument as ourselves and copies the first line of
 * its output into out; 0 on exit status 0 with output, -1 otherwise. */
static int capture_line(const char *prog, const char *arg, char *out,
                        size_t len)
{
    static const struct runas self = {0};
    char *argv[3];
    struct child ch;
    char buf[PATH_MAX];
    size_t n = 0;
    ssize_t r;
    int fds[2], status, rc;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    argv[0] = (char *)prog;
    argv[1] = (char *)arg;
    argv[2] = NULL;
    memset(&ch, 0, sizeof(ch));
    ch.pidfd = -1;
    ch.argv = argv;
    ch.ra = &self;
    /* the output is a line: it fits the pipe, reading after wait is safe */
    rc = run_child(&ch, fds[1], &status, NULL);
    close(fds[1]);
    while (rc == 0 && n + 1 < sizeof(buf)) {
        r = read(fds[0], buf + n, sizeof(buf) - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fds[0]);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    if (rc != 0 || status != 0 || buf[0] == '\0' || strlen(buf) >= len)
        return -1;
    memcpy(out, buf, strlen(buf) + 1);
    return 0;
}

/* ------------------------------------------------------------- binaries */

/* Compares version directory names numerically ("9.6" < "15"). */
static int version_cmp(const char *a, const char *b)
{
    char *ea, *eb;
    long x, y;

    while (*a != '\0' || *b != '\0') {
        x = strtol(a, &ea, 10);
        y = strtol(b, &eb, 10);
        if (x != y)
            return x < y ? -1 : 1;
        a = *ea == '.' ? ea + 1 : ea;
        b = *eb == '.' ? eb + 1 : eb;
        if (ea == a && eb == b)
            break;
    }
    return 0;
}

static int find_in_path(const char *prog, char *out, size_t len)
{
    const char *path = getenv("PATH"), *p, *end;
    char dir[PATH_MAX];
    size_t n;

    for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = end) {
        end = strchr(p, ':');
        if (end == NULL)
            end = p + strlen(p);
        n = (size_t)(end - p);
        if (*end == ':')
            end++;
        if (n == 0 || n >= sizeof(dir))
            continue;
        memcpy(dir, p, n);
        dir[n] = '\0';
        if (is_exec(dir, prog) && n < len) {
            memcpy(out, dir, n + 1);
            return 0;
        }
    }
    return -1;
}

/* Finds initdb, pg_ctl and postgres: the version the cluster was made
 * with (major, when known), pg_config --bindir, the newest
 * /usr/lib/postgresql/N/bin, then PATH. */
static int find_bindir(struct pgcluster *pc, const char *major, struct err *e)
{
    char cand[PATH_MAX], best[64] = "", cfg[PATH_MAX];
    struct dirent *de;
    DIR *d;

    if (major[0] != '\0') {
        snprintf(cand, sizeof(cand), "/usr/lib/postgresql/%s/bin", major);
        if (has_server_bins(cand))
            goto found;
    }
    if (find_in_path("pg_config", cfg, sizeof(cfg)) == 0 &&
        strlen(cfg) + 11 < sizeof(cfg)) {
        strcat(cfg, "/pg_config");
        if (capture_line(cfg, "--bindir", cand, sizeof(cand)) == 0 &&
            has_server_bins(cand))
            goto found;
    }
    d = opendir("/usr/lib/postgresql");
    if (d != NULL) {
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
                strlen(de->d_name) >= sizeof(best))
                continue;
            snprintf(cand, sizeof(cand), "/usr/lib/postgresql/%s/bin",
                     de->d_name);
            if (has_server_bins(cand) &&
                (best[0] == '\0' || version_cmp(de->d_name, best) > 0))
                memcpy(best, de->d_name, strlen(de->d_name) + 1);
        }
        closedir(d);
        if (best[0] != '\0') {
            snprintf(cand, sizeof(cand), "/usr/lib/postgresql/%s/bin", best);
            goto found;
        }
    }
    if (find_in_path("pg_ctl", cand, sizeof(cand)) == 0 &&
        has_server_bins(cand))
        goto found;
    return err_set(e, ERR_SYS,
                   "PostgreSQL server binaries not found: "
                   "apt-get install postgresql");
found:
    snprintf(pc->bindir, sizeof(pc->bindir), "%s", cand);
    return 0;
}

/* ------------------------------------------------------- directories */

/* mkdir -p; directories made here get `mode` exactly (not the umask's)
 * when exact is set. */
static int mkdir_p(const char *path, mode_t mode, int exact, struct err *e)
{
    char buf[PATH_MAX];
    struct stat sb;
    size_t i, n = strlen(path);

    if (n == 0 || n >= sizeof(buf))
        return err_set(e, ERR_INVALID, "invalid data directory \"%s\"", path);
    memcpy(buf, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, mode) == 0) {
            if (exact && chmod(buf, mode) != 0)
                return err_set(e, ERR_SYS, "cannot chmod \"%s\": %s", buf,
                               strerror(errno));
        } else if (errno != EEXIST) {
            return err_set(e, ERR_SYS, "cannot create directory \"%s\": %s",
                           buf, strerror(errno));
        }
        buf[i] = path[i];
    }
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return err_set(e, ERR_SYS, "\"%s\" is not a directory", path);
    return 0;
}

/* A directory owned by the tools' user, mode 0700. */
static int own_dir(const struct pgcluster *pc, const char *path, struct err *e)
{
    struct stat sb;

    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return err_set(e, ERR_SYS, "cannot create directory \"%s\": %s", path,
                       strerror(errno));
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return err_set(e, ERR_SYS, "\"%s\" is not a directory", path);
    if (pc->ra.active && (sb.st_uid != pc->ra.uid || sb.st_gid != pc->ra.gid) &&
        chown(path, pc->ra.uid, pc->ra.gid) != 0)
        return err_set(e, ERR_SYS, "cannot chown \"%s\" to %s: %s", path,
                       pc->ra.name, strerror(errno));
    return 0;
}

static int prepare_log(const struct pgcluster *pc, struct err *e)
{
    int fd;

    fd = open(pc->logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, ERR_SYS, "cannot create \"%s\": %s", pc->logpath,
                       strerror(errno));
    if (pc->ra.active && fchown(fd, pc->ra.uid, pc->ra.gid) != 0) {
        close(fd);
        return err_set(e, ERR_SYS, "cannot chown \"%s\" to %s: %s", pc->logpath,
                       pc->ra.name, strerror(errno));
    }
    close(fd);
    return 0;
}

static int lookup_postgres(struct runas *ra, struct err *e)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    int n = MAX_GROUPS;

    if (getpwnam_r("postgres", &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
        return err_set(e, ERR_SYS,
                       "user \"postgres\" does not exist: apt-get install "
                       "postgresql, or run micetro-emu as another user");
    ra->active = 1;
    ra->uid = pw.pw_uid;
    ra->gid = pw.pw_gid;
    snprintf(ra->name, sizeof(ra->name), "%s", pw.pw_name);
    snprintf(ra->home, sizeof(ra->home), "%s",
             pw.pw_dir != NULL ? pw.pw_dir : "/");
    if (getgrouplist(pw.pw_name, pw.pw_gid, ra->groups, &n) < 0)
        n = MAX_GROUPS; /* the first MAX_GROUPS are enough */
    ra->ngroups = n;
    return 0;
}

/* Whether the tools' user can reach dir (every parent searchable). */
static int check_reachable(const struct pgcluster *pc, struct err *e)
{
    struct child ch;
    int status, rc;

    memset(&ch, 0, sizeof(ch));
    ch.pidfd = -1;
    ch.check_path = pc->dir;
    ch.ra = &pc->ra;
    rc = run_child(&ch, -1, &status, e);
    if (rc != 0)
        return rc;
    if (status != 0 && status != STATUS_UNKNOWN)
        return err_set(e, ERR_SYS,
                       "data directory \"%s\" is not reachable by the "
                       "postgres user: use --data-dir under a "
                       "world-searchable directory (e.g. "
                       "/var/lib/micetro-emu) or give --db",
                       pc->dir);
    return 0;
}

/* ------------------------------------------------------------ cluster */

/* Quotes a conninfo value: 'value' with \ and ' escaped. */
static int ci_quote(char *dst, size_t len, const char *v)
{
    size_t n = 0;

    if (len < 3)
        return -1;
    dst[n++] = '\'';
    for (; *v != '\0'; v++) {
        if (n + 4 >= len)
            return -1;
        if (*v == '\'' || *v == '\\')
            dst[n++] = '\\';
        dst[n++] = *v;
    }
    dst[n++] = '\'';
    dst[n] = '\0';
    return 0;
}

static int ping(const struct pgcluster *pc)
{
    return PQping(pc->admin_ci);
}

/* The pid in DIR/pg/postmaster.pid, 0 when there is none. */
static long postmaster_pid(const struct pgcluster *pc)
{
    char path[PATH_MAX + 32], buf[64];
    long pid;

    snprintf(path, sizeof(path), "%s/postmaster.pid", pc->pgdata);
    if (read_small(path, buf, sizeof(buf)) <= 0)
        return 0;
    pid = strtol(buf, NULL, 10);
    return pid > 0 ? pid : 0;
}

static int pid_alive(long pid)
{
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Whether process pid is a zombie (dead, not yet reaped). */
static int is_zombie(long pid)
{
    char path[64], buf[512], *p;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    if (read_small(path, buf, sizeof(buf)) <= 0)
        return 0;
    p = strrchr(buf, ')');
    return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* Whether live process pid is a postmaster of our cluster: it works in
 * its data directory.  1 yes, 0 no, -1 cannot tell. */
static int is_our_postmaster(const struct pgcluster *pc, long pid)
{
    char link[64], cwd[PATH_MAX], real[PATH_MAX];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/%ld/cwd", pid);
    n = readlink(link, cwd, sizeof(cwd) - 1);
    if (n < 0)
        return errno == ENOENT ? 0 : -1;
    cwd[n] = '\0';
    if (realpath(pc->pgdata, real) == NULL)
        return -1;
    return strcmp(cwd, real) == 0;
}

/* Deals with a postmaster.pid left from before: returns 1 when a live
 * postmaster of ours serves (reuse it), 0 when pg_ctl should start one. */
static int check_running(const struct pgcluster *pc, struct err *e)
{
    char note[PATH_MAX + 128], path[PATH_MAX + 64];
    long pid = postmaster_pid(pc);
    double end;
    int ours;

    if (pid == 0 || !pid_alive(pid))
        return 0; /* none, or dead: the postmaster cleans up */
    ours = is_our_postmaster(pc, pid);
    if (ours == 0) {
        /* the pid was recycled by another process after a crash: the
         * lock files would make the postmaster refuse to start */
        snprintf(note, sizeof(note),
                 "removing stale postmaster.pid (pid %ld is not a "
                 "postmaster of %s)",
                 pid, pc->pgdata);
        log_note(pc, note);
        snprintf(path, sizeof(path), "%s/postmaster.pid", pc->pgdata);
        unlink(path);
        snprintf(path, sizeof(path), "%s%s.lock", pc->rundir, SOCKET_NAME);
        unlink(path);
        return 0;
    }
    /* ours (or cannot tell): wait while it starts up or recovers */
    end = now_s() + START_TIMEOUT_S;
    while (now_s() < end) {
        if (ping(pc) == PQPING_OK)
            return 1;
        if (!pid_alive(pid))
            return 0;
        sleep_ms(200);
    }
    return err_set(e, ERR_DB,
                   "PostgreSQL (pid %ld) is running from \"%s\" but does "
                   "not accept connections; see %s",
                   pid, pc->pgdata, pc->logpath);
}

static int cluster_initdb(const struct pgcluster *pc, struct err *e)
{
    char prog[PATH_MAX + 16], locale[32], tail[200], ver[PATH_MAX + 16];
    char *argv[] = {prog,
                    "-D",
                    (char *)pc->pgdata,
                    "-U",
                    PG_USER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    locale,
                    "--no-instructions",
                    "--no-sync",
                    WAL_SEGSIZE,
                    NULL};
    locale_t loc;
    off_t from = log_size(pc);
    int status, rc;

    snprintf(prog, sizeof(prog), "%s/initdb", pc->bindir);
    loc = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
    snprintf(locale, sizeof(locale), "--locale=%s",
             loc != (locale_t)0 ? "C.UTF-8" : "C");
    if (loc != (locale_t)0)
        freelocale(loc);
    rc = run_tool(pc, argv, &status, e);
    if (rc != 0)
        return rc;
    snprintf(ver, sizeof(ver), "%s/PG_VERSION", pc->pgdata);
    if (status == STATUS_UNKNOWN)
        status = access(ver, F_OK) == 0 ? 0 : 1;
    if (status != 0) {
        log_tail(pc, from, tail, sizeof(tail));
        return err_set(e, ERR_SYS, "initdb failed: %s (log: %s)", tail,
                       pc->logpath);
    }
    return 0;
}

/* 1 when postmaster.pid names pid and says it is ready to accept
 * connections; 0 not yet (starting, or the file not written yet, or still
 * the one a killed postmaster left). */
static int pm_ready(const struct pgcluster *pc, long pid)
{
    char path[PATH_MAX + 32], buf[2048], *line = buf;
    long named;
    int i;

    snprintf(path, sizeof(path), "%s/postmaster.pid", pc->pgdata);
    if (read_small(path, buf, sizeof(buf)) <= 0)
        return 0;
    named = strtol(buf, NULL, 10);
    if (named != pid)
        return 0;
    /* line 8 is the status (PostgreSQL 10 and later); lines may be empty
     * (listen_addresses) */
    for (i = 1; i < 8 && line != NULL; i++) {
        line = strchr(line, '\n');
        if (line != NULL)
            line++;
    }
    return line != NULL && strncmp(line, "ready", 5) == 0;
}

/* As pid 1 of a container, the orphaned postmaster is our child: reaps it
 * once it has exited. */
static void reap_orphan(long pid)
{
    if (pid > 0 && getpid() == 1)
        while (waitpid((pid_t)pid, NULL, WNOHANG) < 0 && errno == EINTR)
            ;
}

/* Whether process pid has ended (gone, or a zombie nobody reaped). */
static int pid_ended(long pid)
{
    reap_orphan(pid);
    return !pid_alive(pid) || is_zombie(pid);
}

/* Starts the postmaster itself, detached as pg_ctl would (a session of its
 * own, reparented to init), and watches postmaster.pid every
 * START_POLL_MS until it says ready: pg_ctl's start costs a shell, a
 * `postgres -V` and up to 100 ms of its own polling. */
static int cluster_start(const struct pgcluster *pc, struct err *e)
{
    char prog[PATH_MAX + 16], sockdir[PATH_MAX + 32], tail[200];
    static const char port[] = "port=" PG_PORT;
    char *argv[] = {prog, "-D", (char *)pc->pgdata, "-c",
                    "listen_addresses=", "-c", sockdir, "-c", (char *)port,
                    "-c", "max_connections=50", "-c", "fsync=off",
                    /* a template's server: old segments removed rather
                     * than kept for reuse, so that the template holds
                     * only those its last checkpoint needs */
                    pc->keep_wal_small ? "-c" : NULL, "wal_recycle=off", NULL};
    off_t from = log_size(pc);
    double end = now_s() + START_TIMEOUT_S;
    long pid;
    int rc, ready;

    snprintf(prog, sizeof(prog), "%s/postgres", pc->bindir);
    snprintf(sockdir, sizeof(sockdir), "unix_socket_directories=%s",
             pc->rundir);
    rc = run_detached(pc, argv, &pid, e);
    if (rc != 0)
        return rc;
    for (;;) {
        ready = pm_ready(pc, pid);
        if (ready)
            return 0;
        if (pid_ended(pid))
            break;
        if (now_s() > end) {
            kill((pid_t)pid, SIGQUIT); /* it would go on starting alone */
            log_tail(pc, from, tail, sizeof(tail));
            return err_set(e, ERR_DB,
                           "PostgreSQL did not start within %d s: %s (log: "
                           "%s)",
                           START_TIMEOUT_S, tail, pc->logpath);
        }
        sleep_ms(START_POLL_MS);
    }
    log_tail(pc, from, tail, sizeof(tail));
    return err_set(e, ERR_DB, "PostgreSQL did not start: %s (log: %s)", tail,
                   pc->logpath);
}

/* Stops the postmaster with a fast shutdown (SIGINT, as pg_ctl stop -m
 * fast) and waits for it to end, looking every START_POLL_MS. */
static int cluster_stop(const struct pgcluster *pc, struct err *e)
{
    char tail[200];
    off_t from = log_size(pc);
    long pid = postmaster_pid(pc);
    double end = now_s() + STOP_TIMEOUT_S;

    if (pid == 0 || pid_ended(pid) || is_our_postmaster(pc, pid) == 0)
        return 0; /* none, gone, or the pid now another process's */
    if (kill((pid_t)pid, SIGINT) != 0 && errno != ESRCH)
        return err_set(e, ERR_SYS, "cannot stop PostgreSQL (pid %ld): %s", pid,
                       strerror(errno));
    while (!pid_ended(pid)) {
        if (now_s() > end) {
            log_tail(pc, from, tail, sizeof(tail));
            return err_set(e, ERR_DB,
                           "PostgreSQL (pid %ld) did not stop within %d s: "
                           "%s (log: %s)",
                           pid, STOP_TIMEOUT_S, tail, pc->logpath);
        }
        sleep_ms(START_POLL_MS);
    }
    return 0;
}

/* A connection to the template1 database (which every cluster has: a
 * template's copy has no postgres database), or NULL with e filled. */
static PGconn *admin_connect(const struct pgcluster *pc, struct err *e)
{
    char msg[200];
    PGconn *pg = PQconnectdb(pc->admin_ci);

    if (pg == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(pg));
        msg[strcspn(msg, "\n")] = '\0';
        err_set(e, ERR_DB, "cannot connect to the embedded PostgreSQL: %s",
                msg);
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

/* DROP DATABASE postgres, in a template: one database fewer to copy into
 * each new cluster. */
static int drop_postgres_db(const struct pgcluster *pc, struct err *e)
{
    PGconn *pg = admin_connect(pc, e);
    PGresult *r;
    int rc = 0;

    if (pg == NULL)
        return e->code;
    r = PQexecParams(pg, "DROP DATABASE IF EXISTS postgres", 0, NULL, NULL,
                     NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = err_set(e, ERR_DB, "cannot drop database \"postgres\": %s",
                     PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(pg);
    return rc;
}

/* CREATE DATABASE micetro when missing, through template1. */
static int ensure_db(const struct pgcluster *pc, struct err *e)
{
    const char *params[1] = {PG_DB};
    char msg[200];
    PGresult *r = NULL;
    PGconn *pg;
    const char *state;
    int rc = 0;

    pg = admin_connect(pc, e);
    if (pg == NULL)
        return e->code;
    r = PQexecParams(pg, "SELECT 1 FROM pg_database WHERE datname = $1", 1,
                     NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        goto fail;
    if (PQntuples(r) > 0)
        goto out;
    PQclear(r);
    r = PQexecParams(pg, "CREATE DATABASE " PG_DB, 0, NULL, NULL, NULL, NULL,
                     0);
    state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (PQresultStatus(r) == PGRES_COMMAND_OK ||
        (state != NULL && strcmp(state, "42P04") == 0))
        goto out; /* made, or made meanwhile by another process */
fail:
    snprintf(msg, sizeof(msg), "%s", PQerrorMessage(pg));
    msg[strcspn(msg, "\n")] = '\0';
    rc = err_set(e, ERR_DB, "cannot create database \"%s\": %s", PG_DB, msg);
out:
    PQclear(r);
    PQfinish(pg);
    return rc;
}

/* Rejects characters that pg_ctl's shell command line or
 * unix_socket_directories would misread. */
static int check_chars(const char *dir, struct err *e)
{
    const unsigned char *p;

    for (p = (const unsigned char *)dir; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f || strchr("\"'\\$`,", *p) != NULL)
            return err_set(e, ERR_INVALID,
                           "data directory \"%s\" contains a character "
                           "pg_ctl cannot take (quote, backslash, $, `, "
                           "comma or control character): choose another "
                           "--data-dir",
                           dir);
    return 0;
}

/* Reads DIR/pg/PG_VERSION into major ("" when there is no cluster). */
static void cluster_version(const struct pgcluster *pc, char *major, size_t len)
{
    char path[PATH_MAX + 16], buf[32];

    major[0] = '\0';
    snprintf(path, sizeof(path), "%s/PG_VERSION", pc->pgdata);
    if (read_small(path, buf, sizeof(buf)) > 0) {
        buf[strcspn(buf, " \r\n")] = '\0';
        snprintf(major, len, "%s", buf);
    }
}

static int setup_paths(struct pgcluster *pc, const char *data_dir,
                       struct err *e)
{
    char q[PATH_MAX * 2 + 8];
    int rc;

    rc = check_chars(data_dir, e); /* before creating anything */
    if (rc != 0)
        return rc;
    rc = mkdir_p(data_dir, geteuid() == 0 ? 0711 : 0755, geteuid() == 0, e);
    if (rc != 0)
        return rc;
    if (realpath(data_dir, pc->dir) == NULL)
        return err_set(e, ERR_SYS, "cannot resolve \"%s\": %s", data_dir,
                       strerror(errno));
    rc = check_chars(pc->dir, e);
    if (rc == 0)
        rc = path_join(pc->pgdata, sizeof(pc->pgdata), pc->dir, "/pg", e);
    if (rc == 0)
        rc = path_join(pc->rundir, sizeof(pc->rundir), pc->dir, "/run", e);
    if (rc == 0)
        rc = path_join(pc->logpath, sizeof(pc->logpath), pc->dir, "/pg.log", e);
    if (rc != 0)
        return rc;
    if (strlen(pc->rundir) + strlen(SOCKET_NAME) > SUN_PATH_MAX)
        return err_set(e, ERR_INVALID,
                       "unix socket path \"%s%s\" is too long (%zu bytes, "
                       "at most %d): use a shorter --data-dir",
                       pc->rundir, SOCKET_NAME,
                       strlen(pc->rundir) + strlen(SOCKET_NAME), SUN_PATH_MAX);
    if (ci_quote(q, sizeof(q), pc->rundir) != 0)
        return err_set(e, ERR_INVALID, "path \"%s\" is too long", pc->rundir);
    snprintf(pc->admin_ci, sizeof(pc->admin_ci),
             "host=%s port=" PG_PORT " dbname=template1 user=" PG_USER
             " connect_timeout=10",
             q);
    return 0;
}

/* Serialises starts of one DIR by several processes (initdb races). */
static int lock_dir(const struct pgcluster *pc, struct err *e)
{
    char path[PATH_MAX + 32];
    int fd;

    snprintf(path, sizeof(path), "%s/.pgcluster.lock", pc->dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, ERR_SYS, "cannot open \"%s\": %s", path,
                       strerror(errno));
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(fd);
            return err_set(e, ERR_SYS, "cannot lock \"%s\": %s", path,
                           strerror(errno));
        }
    }
    return fd;
}

int pgcluster_exists(const char *data_dir)
{
    char path[PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s/pg/PG_VERSION", data_dir);
    return access(path, F_OK) == 0;
}

/* conninfo of the micetro database of pc's cluster. */
static int micetro_conninfo(const struct pgcluster *pc, char *out, size_t len,
                            struct err *e)
{
    char q[PATH_MAX * 2 + 8];
    int n;

    ci_quote(q, sizeof(q), pc->rundir);
    n = snprintf(out, len,
                 "host=%s port=" PG_PORT " dbname=" PG_DB " user=" PG_USER, q);
    if (n < 0 || (size_t)n >= len)
        return err_set(e, ERR_INVALID,
                       "conninfo buffer too small (%d bytes needed)", n + 1);
    return 0;
}

/* ------------------------------------------------------------ template */

/* Says why in buf (cut to fit). */
__attribute__((format(printf, 3, 4))) static void say(char *buf, size_t len,
                                                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

struct tree_count {
    long files;
    long long bytes;
};

/* Removes the tree at path (not following symbolic links); quietly. */
static void rm_tree(const char *path, int depth)
{
    char sub[PATH_MAX];
    struct dirent *de;
    struct stat sb;
    DIR *d;

    if (lstat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode) || depth <= 0) {
        unlink(path);
        return;
    }
    d = opendir(path);
    if (d != NULL) {
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) <
                sizeof(sub))
                rm_tree(sub, depth - 1);
        }
        closedir(d);
    }
    rmdir(path);
}

/* Copies the bytes of in to out: cloned where the file system can
 * (FICLONE: btrfs, XFS), else in the kernel (copy_file_range), else
 * read and written.  0 or -1 with errno. */
static int copy_bytes(int in, int out, off_t size)
{
    char buf[65536];
    off_t left = size;
    ssize_t r, w, off;

    if (ioctl(out, FICLONE, in) == 0)
        return 0;
    while (left > 0) {
        r = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        left -= r;
    }
    if (left == 0)
        return 0;
    if (lseek(in, size - left, SEEK_SET) < 0 ||
        lseek(out, size - left, SEEK_SET) < 0)
        return -1;
    while (left > 0) {
        r = read(in, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1; /* shorter than it said */
        for (off = 0; off < r; off += w) {
            w = write(out, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                w = 0;
            else if (w < 0)
                return -1;
        }
        left -= r;
    }
    return 0;
}

/* Copies the regular file src to dst (made, mode kept, owned by ra's user
 * as root).  -1 when src cannot be read, -2 when dst cannot be made. */
static int copy_file(const struct runas *ra, const char *src, const char *dst,
                     struct tree_count *n, char *why, size_t wl)
{
    struct stat sb;
    int in, out, rc = 0;

    in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0 || fstat(in, &sb) != 0) {
        say(why, wl, "cannot read \"%s\": %s", src, strerror(errno));
        if (in >= 0)
            close(in);
        return -1;
    }
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
               sb.st_mode & 07777);
    if (out < 0 || copy_bytes(in, out, sb.st_size) != 0 ||
        (ra->active && fchown(out, ra->uid, ra->gid) != 0)) {
        say(why, wl, "cannot copy \"%s\" to \"%s\": %s", src, dst,
            strerror(errno));
        rc = -2;
    }
    if (out >= 0)
        close(out);
    close(in);
    n->files++;
    n->bytes += sb.st_size;
    return rc;
}

/* The files of a tree being copied, by COPY_THREADS threads: creating
 * files is what a copy costs, and a file system creates several at once
 * faster than one after the other. */
struct copy_job {
    const struct runas *ra;
    struct copy_pair {
        char *src, *dst;
    } *files;
    size_t count, cap;
    pthread_mutex_t mu;
    size_t next;         /* (mu) the next file to copy */
    struct tree_count n; /* (mu) copied */
    int rc;              /* (mu) the first failure */
    char why[400];       /* (mu) its reason */
};

static int job_add(struct copy_job *j, const char *src, const char *dst)
{
    struct copy_pair *f;

    if (j->count == j->cap) {
        size_t cap = j->cap != 0 ? j->cap * 2 : 256;
        f = realloc(j->files, cap * sizeof(*f));
        if (f == NULL)
            return -1;
        j->files = f;
        j->cap = cap;
    }
    f = &j->files[j->count];
    f->src = strdup(src);
    f->dst = strdup(dst);
    if (f->src == NULL || f->dst == NULL) {
        free(f->src);
        free(f->dst);
        return -1;
    }
    j->count++;
    return 0;
}

static void *copy_worker(void *arg)
{
    struct copy_job *j = arg;
    struct tree_count n = {0, 0};
    char why[400];
    size_t i;
    int rc;

    for (;;) {
        pthread_mutex_lock(&j->mu);
        i = j->rc != 0 ? j->count : j->next++;
        pthread_mutex_unlock(&j->mu);
        if (i >= j->count)
            break;
        rc = copy_file(j->ra, j->files[i].src, j->files[i].dst, &n, why,
                       sizeof(why));
        pthread_mutex_lock(&j->mu);
        if (rc != 0 && j->rc == 0) {
            j->rc = rc;
            memcpy(j->why, why, sizeof(why));
        }
        pthread_mutex_unlock(&j->mu);
    }
    pthread_mutex_lock(&j->mu);
    j->n.files += n.files;
    j->n.bytes += n.bytes;
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

static int copy_tree(const struct runas *ra, const char *src, const char *dst,
                     struct tree_count *n, int depth, char *why, size_t wl,
                     struct copy_job *job);

/* Copies the tree src to dst (copy_tree), its files by COPY_THREADS
 * threads. */
static int copy_cluster(const struct runas *ra, const char *src,
                        const char *dst, struct tree_count *n, char *why,
                        size_t wl)
{
    struct copy_job j;
    pthread_t t[COPY_THREADS - 1];
    int started = 0, rc, i;

    memset(&j, 0, sizeof(j));
    j.ra = ra;
    pthread_mutex_init(&j.mu, NULL);
    rc = copy_tree(ra, src, dst, n, TREE_DEPTH_MAX, why, wl, &j);
    if (rc == 0) {
        while (started < COPY_THREADS - 1 && (size_t)started + 1 < j.count &&
               pthread_create(&t[started], NULL, copy_worker, &j) == 0)
            started++;
        copy_worker(&j);
        for (i = 0; i < started; i++)
            pthread_join(t[i], NULL);
        n->files += j.n.files;
        n->bytes += j.n.bytes;
        rc = j.rc;
        if (rc != 0)
            say(why, wl, "%s", j.why);
    }
    for (size_t k = 0; k < j.count; k++) {
        free(j.files[k].src);
        free(j.files[k].dst);
    }
    free(j.files);
    pthread_mutex_destroy(&j.mu);
    return rc;
}

/* Copies the tree src (directories and regular files: a cluster as
 * initdb makes it) to dst, which must not exist, counting into *n; with
 * dst NULL only counts.  With job, directories are made and files only
 * listed in it, for copy_cluster.  With why filled, -1 when src is not
 * such a tree or cannot be read, -2 when dst cannot be written. */
static int copy_tree(const struct runas *ra, const char *src, const char *dst,
                     struct tree_count *n, int depth, char *why, size_t wl,
                     struct copy_job *job)
{
    char s2[PATH_MAX], d2[PATH_MAX];
    struct dirent *de;
    struct stat sb;
    DIR *d;
    int rc = 0;

    if (depth <= 0) {
        say(why, wl, "\"%s\" is nested too deep", src);
        return -1;
    }
    if (lstat(src, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        say(why, wl, "\"%s\" is not a directory", src);
        return -1;
    }
    if (dst != NULL && (mkdir(dst, sb.st_mode & 07777) != 0 ||
                        chmod(dst, sb.st_mode & 07777) != 0 ||
                        (ra->active && chown(dst, ra->uid, ra->gid) != 0))) {
        say(why, wl, "cannot create \"%s\": %s", dst, strerror(errno));
        return -2;
    }
    d = opendir(src);
    if (d == NULL) {
        say(why, wl, "cannot read \"%s\": %s", src, strerror(errno));
        return -1;
    }
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if ((size_t)snprintf(s2, sizeof(s2), "%s/%s", src, de->d_name) >=
                sizeof(s2) ||
            (dst != NULL && (size_t)snprintf(d2, sizeof(d2), "%s/%s", dst,
                                             de->d_name) >= sizeof(d2))) {
            say(why, wl, "a path under \"%s\" is too long", src);
            rc = -1;
        } else if (lstat(s2, &sb) != 0) {
            say(why, wl, "cannot read \"%s\": %s", s2, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(sb.st_mode)) {
            rc = copy_tree(ra, s2, dst != NULL ? d2 : NULL, n, depth - 1, why,
                           wl, job);
        } else if (!S_ISREG(sb.st_mode)) {
            say(why, wl, "\"%s\" is not a regular file", s2);
            rc = -1;
        } else if (dst != NULL && job != NULL) {
            if (job_add(job, s2, d2) != 0) {
                say(why, wl, "out of memory");
                rc = -2;
            }
        } else if (dst != NULL) {
            rc = copy_file(ra, s2, d2, n, why, wl);
        } else {
            n->files++;
            n->bytes += sb.st_size;
        }
    }
    closedir(d);
    return rc;
}

/* Reads the template's stamp: its files and bytes.  1 when there is no
 * template at all, -1 (why filled) when the stamp is missing or bad. */
static int stamp_read(const char *tpath, struct tree_count *n, char *why,
                      size_t wl)
{
    char path[PATH_MAX + 16], buf[256], *p = buf, *end = buf;
    struct stat sb;

    if (stat(tpath, &sb) != 0 && errno == ENOENT)
        return 1;
    snprintf(path, sizeof(path), "%s/stamp", tpath);
    /* STAMP_HEAD "files F bytes B\n" */
    if (read_small(path, buf, sizeof(buf)) > 0 &&
        strncmp(buf, STAMP_HEAD "files ", strlen(STAMP_HEAD) + 6) == 0) {
        p = buf + strlen(STAMP_HEAD) + 6;
        n->files = strtol(p, &end, 10);
        if (end > p && strncmp(end, " bytes ", 7) == 0) {
            p = end + 7;
            n->bytes = strtoll(p, &end, 10);
        }
    }
    if (end == p || *end != '\n' || n->files < 1 || n->bytes < 1) {
        say(why, wl, "its stamp is missing or unreadable");
        return -1;
    }
    return 0;
}

/* Writes the stamp into dir and syncs it. */
static int stamp_write(const char *dir, const struct tree_count *n)
{
    char path[PATH_MAX + 16], buf[256];
    int fd, len, rc;

    snprintf(path, sizeof(path), "%s/stamp", dir);
    len = snprintf(buf, sizeof(buf), STAMP_HEAD "files %ld bytes %lld\n",
                   n->files, n->bytes);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    rc = write(fd, buf, (size_t)len) == len && fsync(fd) == 0 ? 0 : -1;
    close(fd);
    return rc;
}

/* 1 (why filled) when a tree of got's files and bytes is not the one the
 * stamp, want, names; 0 when it is. */
static int stamp_differs(const struct tree_count *want,
                         const struct tree_count *got, char *why, size_t wl)
{
    if (got->files == want->files && got->bytes == want->bytes)
        return 0;
    say(why, wl,
        "it holds %ld files of %lld bytes where its stamp says %ld of %lld",
        got->files, got->bytes, want->files, want->bytes);
    return 1;
}

static void fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Moves a bad template out of the way (renamed first, so that no other
 * process copies from it half removed), then removes it. */
static void template_discard(const char *tpath)
{
    char trash[PATH_MAX + 64];

    snprintf(trash, sizeof(trash), "%s.bad-%ld-%ld", tpath, (long)getpid(),
             (long)time(NULL));
    if (rename(tpath, trash) == 0)
        rm_tree(trash, TREE_DEPTH_MAX);
}

/* The major version of the server binaries: the N of
 * /usr/lib/postgresql/N/bin, else from `postgres -V`. */
static int server_major(const struct pgcluster *pc, char *major, size_t len)
{
    char prog[PATH_MAX + 16], line[PATH_MAX], *p;
    const char *b = pc->bindir;
    size_t n = strlen(b);

    if (strncmp(b, "/usr/lib/postgresql/", 20) == 0 && n > 24 &&
        strcmp(b + n - 4, "/bin") == 0 && n - 24 < len &&
        strspn(b + 20, "0123456789.") == n - 24) {
        memcpy(major, b + 20, n - 24);
        major[n - 24] = '\0';
        return 0;
    }
    snprintf(prog, sizeof(prog), "%s/postgres", b);
    if (capture_line(prog, "-V", line, sizeof(line)) != 0 ||
        (p = strstr(line, "(PostgreSQL) ")) == NULL)
        return -1;
    p += 13;
    n = strspn(p, "0123456789");
    if (n == 0 || n >= len)
        return -1;
    memcpy(major, p, n);
    major[n] = '\0';
    return 0;
}

/* Makes the template at tpath: a cluster in a directory of its own beside
 * it (initdb, the micetro database, t->prepare), stopped, synced, counted
 * into its stamp, then renamed into place.  Another process's template
 * renamed there first wins (ours is removed).  0, or -1 with why. */
static int template_build(const struct pgcluster *pc,
                          const struct pgcluster_template *t, const char *tpath,
                          char *why, size_t wl)
{
    char tmp[PATH_MAX], ci[PATH_MAX * 2 + 128], prog[PATH_MAX + 16];
    char *sync_argv[] = {prog, "--sync-only", "-D", NULL, NULL};
    struct pgcluster *b;
    struct tree_count n = {0, 0};
    struct err e;
    int rc = -1, started = 0, status;

    err_clear(&e);
    b = malloc(sizeof(*b));
    if (b == NULL) {
        say(why, wl, "out of memory");
        return -1;
    }
    *b = *pc;
    b->keep_wal_small = 1;
    snprintf(tmp, sizeof(tmp), "%s/.build-XXXXXX", t->dir);
    if (mkdtemp(tmp) == NULL) {
        say(why, wl, "cannot create a directory in \"%s\": %s", t->dir,
            strerror(errno));
        free(b);
        return -1;
    }
    if (chmod(tmp, 0755) != 0 ||
        (b->ra.active && chown(tmp, b->ra.uid, b->ra.gid) != 0) ||
        path_join(b->pgdata, sizeof(b->pgdata), tmp, "/pg", &e) != 0 ||
        own_dir(b, b->pgdata, &e) != 0)
        goto fail;
    if (cluster_initdb(b, &e) != 0 || cluster_start(b, &e) != 0)
        goto fail;
    started = 1;
    if (ensure_db(b, &e) != 0 || micetro_conninfo(b, ci, sizeof(ci), &e) != 0 ||
        (t->prepare != NULL && t->prepare(ci, t->arg, &e) != 0) ||
        drop_postgres_db(b, &e) != 0)
        goto fail;
    started = 0;
    if (cluster_stop(b, &e) != 0)
        goto fail;
    /* initdb ran without syncing and the server with fsync off: the
     * template is made durable once, before anyone copies it */
    snprintf(prog, sizeof(prog), "%s/initdb", b->bindir);
    sync_argv[3] = b->pgdata;
    if (run_tool(b, sync_argv, &status, &e) != 0)
        goto fail;
    if (copy_tree(&b->ra, b->pgdata, NULL, &n, TREE_DEPTH_MAX, why, wl, NULL) !=
        0)
        goto out;
    if (stamp_write(tmp, &n) != 0) {
        say(why, wl, "cannot write the stamp in \"%s\": %s", tmp,
            strerror(errno));
        goto out;
    }
    fsync_dir(tmp);
    if (rename(tmp, tpath) != 0) {
        if (errno != EEXIST && errno != ENOTEMPTY) {
            say(why, wl, "cannot rename \"%s\" to \"%s\": %s", tmp, tpath,
                strerror(errno));
            goto out;
        }
        rm_tree(tmp, TREE_DEPTH_MAX); /* another process's came first */
    }
    fsync_dir(t->dir);
    free(b);
    return 0;
fail:
    say(why, wl, "%s", e.msg);
out:
    if (started)
        cluster_stop(b, NULL);
    rm_tree(tmp, TREE_DEPTH_MAX);
    free(b);
    return rc;
}

/* Copies the template's cluster into DIR/pg (through DIR/pg.new, renamed
 * once whole) and checks the copy against the stamp.  0; -1 (why filled)
 * when the template is missing or bad; -2 when DIR/pg could not be made
 * from it. */
static int template_copy(const struct pgcluster *pc, const char *tpath,
                         char *why, size_t wl)
{
    char src[PATH_MAX + 8], tmp[PATH_MAX + 8];
    struct tree_count want = {0, 0}, got = {0, 0};
    int rc;

    rc = stamp_read(tpath, &want, why, wl);
    if (rc > 0)
        say(why, wl, "there is none");
    if (rc != 0)
        return -1;
    snprintf(src, sizeof(src), "%s/pg", tpath);
    snprintf(tmp, sizeof(tmp), "%s.new", pc->pgdata);
    rm_tree(tmp, TREE_DEPTH_MAX); /* left by a start that was killed */
    rc = copy_cluster(&pc->ra, src, tmp, &got, why, wl);
    if (rc != 0) {
        rm_tree(tmp, TREE_DEPTH_MAX);
        return rc;
    }
    if (stamp_differs(&want, &got, why, wl)) {
        rm_tree(tmp, TREE_DEPTH_MAX);
        return -1;
    }
    /* over the empty DIR/pg */
    if (rename(tmp, pc->pgdata) != 0) {
        say(why, wl, "cannot rename \"%s\" to \"%s\": %s", tmp, pc->pgdata,
            strerror(errno));
        rm_tree(tmp, TREE_DEPTH_MAX);
        return -2;
    }
    return 0;
}

/* The template of t for pc's PostgreSQL, TEMPLATE_DIR/pgMAJOR-KEY, into
 * tpath ("" when it cannot be named), its directory made when missing.
 * 0, or -1 with why. */
static int template_locate(const struct pgcluster *pc,
                           const struct pgcluster_template *t, char *tpath,
                           size_t len, char *why, size_t wl)
{
    char major[32];
    struct err e;
    size_t kl = t->key != NULL ? strlen(t->key) : 0;

    tpath[0] = '\0';
    if (kl == 0 || kl > 64 ||
        strspn(t->key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789._-") != kl) {
        say(why, wl, "template key \"%s\" is not 1 to 64 of [A-Za-z0-9._-]",
            t->key != NULL ? t->key : "");
        return -1;
    }
    if (server_major(pc, major, sizeof(major)) != 0) {
        say(why, wl, "the PostgreSQL version of %s is unknown", pc->bindir);
        return -1;
    }
    if ((size_t)snprintf(tpath, len, "%s/pg%s-%s", t->dir, major, t->key) >=
        len - 32) {
        tpath[0] = '\0';
        say(why, wl, "template directory \"%s\" is too long", t->dir);
        return -1;
    }
    /* an existing directory is only looked at: it may be read-only */
    if (mkdir_p(t->dir, 0755, geteuid() == 0, &e) != 0) {
        say(why, wl, "%s", e.msg);
        return -1;
    }
    return 0;
}

/* Makes DIR/pg from the template, making the template first when there is
 * none, or again (once) when it is bad or `bad` says its last copy did not
 * start.  0, or -1 with r->template_note saying why initdb must do. */
static int template_use(const struct pgcluster *pc,
                        const struct pgcluster_template *t, const char *bad,
                        struct pgcluster_report *r)
{
    char why[400] = "", tpath[PATH_MAX];
    int rc, i;

    rc = template_locate(pc, t, tpath, sizeof(tpath), r->template_note,
                         sizeof(r->template_note));
    if (tpath[0] != '\0')
        snprintf(r->template_path, sizeof(r->template_path), "%s", tpath);
    if (rc != 0)
        return -1;
    if (bad != NULL) {
        say(r->template_note, sizeof(r->template_note),
            "template %s did not start (%s): made again", tpath, bad);
        template_discard(tpath);
    }
    for (i = 0; i < 2; i++) {
        rc = template_copy(pc, tpath, why, sizeof(why));
        if (rc == 0)
            return 0;
        if (rc == -2 || i == 1)
            break;
        if (strcmp(why, "there is none") != 0) {
            say(r->template_note, sizeof(r->template_note),
                "template %s was bad (%s): made again", tpath, why);
            template_discard(tpath);
        }
        if (template_build(pc, t, tpath, why, sizeof(why)) != 0)
            break;
        r->template_made = 1;
    }
    say(r->template_note, sizeof(r->template_note), "template %s not used: %s",
        tpath, why);
    return -1;
}

/* Whether the template at tpath is whole: 0 when its files are the ones
 * its stamp names, 1 when there is none, -1 (why filled) when it is bad.
 * Only reads. */
static int template_check(const char *tpath, char *why, size_t wl)
{
    static const struct runas nobody;
    char src[PATH_MAX + 8];
    struct tree_count want = {0, 0}, got = {0, 0};
    int rc;

    rc = stamp_read(tpath, &want, why, wl);
    if (rc != 0)
        return rc;
    snprintf(src, sizeof(src), "%s/pg", tpath);
    if (copy_tree(&nobody, src, NULL, &got, TREE_DEPTH_MAX, why, wl, NULL) !=
            0 ||
        stamp_differs(&want, &got, why, wl))
        return -1;
    return 0;
}

/* A scratch directory for a cluster's socket and log (the data directory
 * of pc, whose DIR/pg is not used) under $TMPDIR, else /tmp, into dir;
 * reachable by the tools' user.  0, or a negative ERR_* with e. */
static int scratch_make(struct pgcluster *pc, char *dir, size_t len,
                        struct err *e)
{
    const char *tmp = getenv("TMPDIR");
    int rc;

    if (tmp == NULL || tmp[0] != '/')
        tmp = "/tmp";
    if ((size_t)snprintf(dir, len, "%s/micetro-emu-XXXXXX", tmp) >= len)
        return err_set(e, ERR_INVALID, "TMPDIR \"%s\" is too long", tmp);
    if (mkdtemp(dir) == NULL)
        return err_set(e, ERR_SYS, "cannot create a directory in \"%s\": %s",
                       tmp, strerror(errno));
    if (pc->ra.active && chmod(dir, 0711) != 0) {
        rc = err_set(e, ERR_SYS, "cannot chmod \"%s\": %s", dir,
                     strerror(errno));
        goto fail;
    }
    rc = setup_paths(pc, dir, e);
    if (rc == 0 && pc->ra.active)
        rc = check_reachable(pc, e);
    if (rc == 0)
        rc = own_dir(pc, pc->rundir, e);
    if (rc == 0)
        rc = prepare_log(pc, e);
    if (rc == 0)
        return 0;
fail:
    rm_tree(dir, TREE_DEPTH_MAX);
    return rc;
}

/* ------------------------------------------------------------- public */

struct pgcluster *pgcluster_start(const char *data_dir, char *conninfo,
                                  size_t conninfolen, struct err *e)
{
    return pgcluster_start_from(data_dir, NULL, conninfo, conninfolen, NULL, e);
}

/* Makes DIR/pg: from the template when there is one (bad: its last copy
 * did not start, with why), else with initdb. */
static int cluster_create(const struct pgcluster *pc,
                          const struct pgcluster_template *t, const char *bad,
                          struct pgcluster_report *r, struct err *e)
{
    double t0 = now_s();
    int rc;

    if (t != NULL && t->dir != NULL && template_use(pc, t, bad, r) == 0) {
        r->origin = PGCLUSTER_TEMPLATE;
        r->create_ms = (now_s() - t0) * 1e3;
        return 0;
    }
    rc = cluster_initdb(pc, e);
    r->origin = PGCLUSTER_INITDB;
    r->create_ms = (now_s() - t0) * 1e3;
    return rc;
}

struct pgcluster *pgcluster_start_from(const char *data_dir,
                                       const struct pgcluster_template *t,
                                       char *conninfo, size_t conninfolen,
                                       struct pgcluster_report *r,
                                       struct err *e)
{
    struct pgcluster *pc;
    struct pgcluster_report own;
    char major[32];
    int rc, lockfd = -1, started = 0, attempt;

    if (r == NULL)
        r = &own;
    memset(r, 0, sizeof(*r));
    if (data_dir == NULL || data_dir[0] == '\0' || conninfo == NULL) {
        err_set(e, ERR_INVALID, "no data directory");
        return NULL;
    }
    pc = calloc(1, sizeof(*pc));
    if (pc == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    rc = setup_paths(pc, data_dir, e);
    if (rc != 0)
        goto out;
    if (geteuid() == 0) {
        rc = lookup_postgres(&pc->ra, e);
        if (rc == 0)
            rc = check_reachable(pc, e);
        if (rc != 0)
            goto out;
    }
    rc = lockfd = lock_dir(pc, e);
    if (rc < 0)
        goto out;
    rc = own_dir(pc, pc->pgdata, e);
    if (rc == 0)
        rc = own_dir(pc, pc->rundir, e);
    if (rc == 0)
        rc = prepare_log(pc, e);
    if (rc != 0)
        goto out;

    cluster_version(pc, major, sizeof(major));
    rc = find_bindir(pc, major, e);
    if (rc != 0)
        goto out;
    for (attempt = 0;; attempt++) {
        if (major[0] == '\0') {
            rc = cluster_create(pc, t, attempt > 0 ? e->msg : NULL, r, e);
            if (rc != 0)
                goto out;
        }
        rc = check_running(pc, e);
        if (rc < 0)
            goto out;
        rc = rc == 0 ? cluster_start(pc, e) : 0; /* 1: it runs: reused */
        /* a copy of a bad template: made again, once */
        if (rc == 0 || r->origin != PGCLUSTER_TEMPLATE || attempt > 0)
            break;
        rm_tree(pc->pgdata, TREE_DEPTH_MAX);
        rc = own_dir(pc, pc->pgdata, e);
        if (rc != 0)
            goto out;
    }
    if (rc != 0)
        goto out;
    started = 1;
    pc->pid = postmaster_pid(pc);
    /* a template's copy holds the database */
    if (r->origin != PGCLUSTER_TEMPLATE)
        rc = ensure_db(pc, e);
    if (rc == 0)
        rc = micetro_conninfo(pc, conninfo, conninfolen, e);
out:
    if (rc != 0 && started)
        cluster_stop(pc, NULL);
    if (lockfd >= 0)
        close(lockfd);
    if (rc != 0) {
        free(pc);
        return NULL;
    }
    return pc;
}

int pgcluster_template_make(const struct pgcluster_template *t,
                            struct pgcluster_report *r, struct err *e)
{
    char scratch[PATH_MAX], why[400] = "";
    struct pgcluster *pc;
    double t0 = now_s();
    int rc;

    memset(r, 0, sizeof(*r));
    r->origin = PGCLUSTER_TEMPLATE;
    if (t == NULL || t->dir == NULL || t->dir[0] == '\0')
        return err_set(e, ERR_INVALID, "no template directory");
    pc = calloc(1, sizeof(*pc));
    if (pc == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = geteuid() == 0 ? lookup_postgres(&pc->ra, e) : 0;
    if (rc == 0)
        rc = find_bindir(pc, "", e);
    if (rc != 0)
        goto out;
    if (template_locate(pc, t, r->template_path, sizeof(r->template_path), why,
                        sizeof(why)) != 0) {
        rc = err_set(e, ERR_INVALID, "%s", why);
        goto out;
    }
    rc = template_check(r->template_path, why, sizeof(why));
    if (rc == 0)
        goto out; /* there, whole */
    if (rc < 0) {
        say(r->template_note, sizeof(r->template_note),
            "template %s was bad (%s): made again", r->template_path, why);
        template_discard(r->template_path);
    }
    rc = scratch_make(pc, scratch, sizeof(scratch), e);
    if (rc != 0)
        goto out;
    if (template_build(pc, t, r->template_path, why, sizeof(why)) != 0) {
        /* the scratch directory kept: the server log is in it */
        rc = err_set(e, ERR_SYS, "cannot make the template %s: %s",
                     r->template_path, why);
        goto out;
    }
    rm_tree(scratch, TREE_DEPTH_MAX);
    /* a bad one that could not be moved away stays in its place */
    if (template_check(r->template_path, why, sizeof(why)) != 0) {
        rc = err_set(e, ERR_SYS,
                     "template %s is bad (%s) and cannot be replaced: "
                     "remove it",
                     r->template_path, why);
        goto out;
    }
    r->template_made = 1;
    r->create_ms = (now_s() - t0) * 1e3;
out:
    free(pc);
    return rc;
}

int pgcluster_alive(struct pgcluster *pc, long *pid)
{
    long now = postmaster_pid(pc);

    reap_orphan(pc->pid);
    if (now > 0 && pid_alive(now) && !is_zombie(now)) {
        pc->pid = now; /* also one started again by someone else */
        *pid = now;
        return 1;
    }
    *pid = pc->pid;
    return 0;
}

/* How many processes work in the cluster's directory (a postmaster's
 * children do); -1 when /proc cannot be read. */
static int leftovers(const struct pgcluster *pc)
{
    char link[300], cwd[PATH_MAX], real[PATH_MAX];
    struct dirent *de;
    ssize_t n;
    DIR *d;
    int count = 0;

    if (realpath(pc->pgdata, real) == NULL)
        return -1;
    d = opendir("/proc");
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        snprintf(link, sizeof(link), "/proc/%s/cwd", de->d_name);
        n = readlink(link, cwd, sizeof(cwd) - 1);
        if (n < 0)
            continue;
        cwd[n] = '\0';
        if (strcmp(cwd, real) == 0 && !is_zombie(strtol(de->d_name, NULL, 10)))
            count++;
    }
    closedir(d);
    return count;
}

int pgcluster_restart(struct pgcluster *pc, long *pid, struct err *e)
{
    char note[PATH_MAX + 128];
    double end = now_s() + LEFTOVER_WAIT_S;
    int rc, lockfd, left;

    rc = lockfd = lock_dir(pc, e);
    if (rc < 0)
        return rc;
    /* its children notice the postmaster's death and exit within a moment;
     * until then they hold its shared memory and a new postmaster refuses
     * to start */
    while ((left = leftovers(pc)) > 0 && now_s() < end)
        sleep_ms(50);
    if (left > 0) {
        snprintf(note, sizeof(note),
                 "%d processes of the dead postmaster still run in %s", left,
                 pc->pgdata);
        log_note(pc, note);
    }
    rc = check_running(pc, e);
    if (rc == 0)
        rc = cluster_start(pc, e);
    else if (rc > 0)
        rc = 0;
    close(lockfd);
    if (rc != 0)
        return rc;
    pc->pid = postmaster_pid(pc);
    *pid = pc->pid;
    return 0;
}

int pgcluster_stop(struct pgcluster *pc, struct err *e)
{
    int rc;

    if (pc == NULL)
        return 0;
    rc = cluster_stop(pc, e);
    free(pc);
    return rc;
}
