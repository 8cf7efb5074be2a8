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
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#define PG_USER "micetro"
#define PG_DB "micetro"
#define PG_PORT "5432"
#define SOCKET_NAME "/.s.PGSQL." PG_PORT
#define SUN_PATH_MAX 107 /* sizeof(sockaddr_un.sun_path) - 1 */
#define START_TIMEOUT_S 30
#define MAX_GROUPS 256
#define STATUS_UNKNOWN (-1) /* child reaped by someone else */
#define LEFTOVER_WAIT_S 10  /* a dead postmaster's children exiting */

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
    char admin_ci[PATH_MAX * 2 + 128]; /* conninfo, postgres database */
    struct runas ra;
    long pid; /* the postmaster's, as last seen */
};

/* What a forked child does, all prepared before fork. */
struct child {
    char *const *argv; /* program (absolute path) and arguments */
    char *const *envp;
    const char *check_path; /* argv NULL: exit 0 when this is searchable */
    int infd, outfd;        /* stdin; stdout and stderr */
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
    int sig, fd;

    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL); /* SIGKILL, SIGSTOP: EINVAL, fine */
    if (ch->infd >= 0 && dup2(ch->infd, 0) < 0)
        _exit(127);
    if (ch->outfd >= 0 && (dup2(ch->outfd, 1) < 0 || dup2(ch->outfd, 2) < 0))
        _exit(127);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
    if (close_range(3, ~0U, 0) != 0)
#endif
        for (fd = 3; fd < ch->maxfd; fd++)
            close(fd);
    if (ch->ra->active) {
        if (setgroups((size_t)ch->ra->ngroups, ch->ra->groups) != 0 ||
            setgid(ch->ra->gid) != 0 || setuid(ch->ra->uid) != 0)
            child_fail("cannot switch to the postgres user");
    }
    if (chdir("/") != 0)
        child_fail("cannot change directory to /");
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

/* Runs a PostgreSQL tool with its output appended to the server log. */
static int run_tool(const struct pgcluster *pc, char *const *argv, int *status,
                    struct err *e)
{
    struct child ch;
    int fd, rc;

    fd = open(pc->logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, ERR_SYS, "cannot open \"%s\": %s", pc->logpath,
                       strerror(errno));
    memset(&ch, 0, sizeof(ch));
    ch.argv = argv;
    ch.ra = &pc->ra;
    rc = run_child(&ch, fd, status, e);
    close(fd);
    return rc;
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

/* Waits until the server accepts connections; 0 when it does. */
static int wait_ready(const struct pgcluster *pc, int seconds)
{
    double end = now_s() + seconds;

    for (;;) {
        if (ping(pc) == PQPING_OK)
            return 0;
        if (now_s() > end)
            return -1;
        sleep_ms(100);
    }
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

static int cluster_start(const struct pgcluster *pc, struct err *e)
{
    char prog[PATH_MAX + 16], opts[PATH_MAX + 256], tail[200];
    char *argv[] = {prog,
                    "-D",
                    (char *)pc->pgdata,
                    "-l",
                    (char *)pc->logpath,
                    "-w",
                    "-t",
                    "30",
                    "-o",
                    opts,
                    "start",
                    NULL};
    off_t from = log_size(pc);
    int status, rc;

    snprintf(prog, sizeof(prog), "%s/pg_ctl", pc->bindir);
    /* pg_ctl hands -o to /bin/sh: pc->rundir was checked for quotes */
    snprintf(opts, sizeof(opts),
             "-c listen_addresses='' -c unix_socket_directories='%s' "
             "-c port=" PG_PORT " -c max_connections=50 -c fsync=on",
             pc->rundir);
    rc = run_tool(pc, argv, &status, e);
    if (rc != 0)
        return rc;
    /* reaped by someone else, which happens once pg_ctl has finished
     * (waiting for the server or giving up): look at the server */
    if (status == STATUS_UNKNOWN)
        status = wait_ready(pc, 3) == 0 ? 0 : 1;
    if (status != 0) {
        log_tail(pc, from, tail, sizeof(tail));
        return err_set(e, ERR_DB, "PostgreSQL did not start: %s (log: %s)",
                       tail, pc->logpath);
    }
    return 0;
}

static int cluster_stop(const struct pgcluster *pc, struct err *e)
{
    char prog[PATH_MAX + 16], tail[200];
    char *argv[] = {
        prog,   "-D", (char *)pc->pgdata, "-m", "fast", "-w", "-t", "60",
        "stop", NULL};
    off_t from = log_size(pc);
    long pid = postmaster_pid(pc);
    double end;
    int status, rc;

    snprintf(prog, sizeof(prog), "%s/pg_ctl", pc->bindir);
    rc = run_tool(pc, argv, &status, e);
    if (rc != 0)
        return rc;
    if (status == STATUS_UNKNOWN) { /* reaped elsewhere: look */
        end = now_s() + 3;
        while (pid_alive(pid) && postmaster_pid(pc) == pid && now_s() < end)
            sleep_ms(100);
    }
    if (status != 0 && (!pid_alive(pid) || postmaster_pid(pc) != pid))
        status = 0; /* it is gone (or had stopped already) */
    /* as pid 1 of a container, the orphaned postmaster is our child */
    if (pid > 0 && getpid() == 1)
        while (waitpid((pid_t)pid, NULL, WNOHANG) < 0 && errno == EINTR)
            ;
    if (status != 0) {
        log_tail(pc, from, tail, sizeof(tail));
        return err_set(e, ERR_DB, "PostgreSQL did not stop: %s (log: %s)", tail,
                       pc->logpath);
    }
    return 0;
}

/* CREATE DATABASE micetro when missing, through the postgres database. */
static int ensure_db(const struct pgcluster *pc, struct err *e)
{
    const char *params[1] = {PG_DB};
    char msg[200];
    PGresult *r = NULL;
    PGconn *pg;
    const char *state;
    int rc = 0;

    pg = PQconnectdb(pc->admin_ci);
    if (pg == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(pg));
        msg[strcspn(msg, "\n")] = '\0';
        rc = err_set(e, ERR_DB,
                     "cannot connect to the embedded "
                     "PostgreSQL: %s",
                     msg);
        goto out;
    }
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
             "host=%s port=" PG_PORT " dbname=postgres user=" PG_USER
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

struct pgcluster *pgcluster_start(const char *data_dir, char *conninfo,
                                  size_t conninfolen, struct err *e)
{
    struct pgcluster *pc;
    char major[32], q[PATH_MAX * 2 + 8];
    int rc, lockfd = -1, started = 0, n;

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
    if (major[0] == '\0') {
        rc = cluster_initdb(pc, e);
        if (rc != 0)
            goto out;
    }
    rc = check_running(pc, e);
    if (rc < 0)
        goto out;
    if (rc == 0) {
        rc = cluster_start(pc, e);
        if (rc != 0)
            goto out;
    }
    started = 1;
    pc->pid = postmaster_pid(pc);
    rc = ensure_db(pc, e);
    if (rc != 0)
        goto out;

    ci_quote(q, sizeof(q), pc->rundir);
    n = snprintf(conninfo, conninfolen,
                 "host=%s port=" PG_PORT " dbname=" PG_DB " user=" PG_USER, q);
    if (n < 0 || (size_t)n >= conninfolen)
        rc = err_set(e, ERR_INVALID,
                     "conninfo buffer too small (%d bytes "
                     "needed)",
                     n + 1);
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

int pgcluster_alive(struct pgcluster *pc, long *pid)
{
    long now = postmaster_pid(pc);

    /* as pid 1 of a container, the orphaned postmaster is our child */
    if (pc->pid > 0 && getpid() == 1)
        while (waitpid((pid_t)pc->pid, NULL, WNOHANG) < 0 && errno == EINTR)
            ;
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
