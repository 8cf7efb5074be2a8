/* micetro-emu, micetro-dhcp-agent: children and dhcpd -t (see spawn.h). */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void spawn_child_exec(int out, char *const argv[])
{
    struct sigaction sa;
    sigset_t none;
    int null = open("/dev/null", O_RDONLY);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (null >= 0)
        dup2(null, 0);
    dup2(out, 1);
    dup2(out, 2);
    execv(argv[0], argv);
    _exit(127);
}

/* Appends n bytes of chunk to buf (*len of *cap used), growing it up to
 * max + 1 bytes; what does not fit is dropped. */
static void keep(char **buf, size_t *len, size_t *cap, size_t max,
                 const char *chunk, size_t n)
{
    size_t limit, room, take;

    if (*len + n + 1 > *cap && *cap < max + 1) {
        size_t ncap = *cap;
        char *nb;

        while (ncap < *len + n + 1 && ncap < max + 1)
            ncap *= 2;
        if (ncap > max + 1)
            ncap = max + 1;
        if ((nb = realloc(*buf, ncap)) != NULL) {
            *buf = nb;
            *cap = ncap;
        }
    }
    limit = *cap - 1 < max ? *cap - 1 : max;
    room = limit > *len ? limit - *len : 0;
    take = n < room ? n : room;
    memcpy(*buf + *len, chunk, take);
    *len += take;
}

int spawn_capture(char *const argv[], int timeout_ms, size_t max, char **out,
                  int *status, char *why, size_t size)
{
    int p[2] = {-1, -1}, timed_out = 0;
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    long long deadline = now_ms() + timeout_ms;
    pid_t pid;

    *out = NULL;
    *status = 0;
    if (buf == NULL) {
        snprintf(why, size, "out of memory");
        return -1;
    }
    if (pipe2(p, O_CLOEXEC) != 0) {
        snprintf(why, size, "pipe: %s", strerror(errno));
        free(buf);
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(why, size, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        free(buf);
        return -1;
    }
    if (pid == 0)
        spawn_child_exec(p[1], argv);
    close(p[1]);
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd pf = {.fd = p[0], .events = POLLIN};
        char chunk[4096];
        ssize_t n;

        if (left <= 0) {
            timed_out = 1;
            break;
        }
        if (poll(&pf, 1, (int)left) <= 0)
            continue;
        n = read(p[0], chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        keep(&buf, &len, &cap, max, chunk, (size_t)n);
    }
    close(p[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    buf[len] = '\0';
    *out = buf;
    if (timed_out) {
        snprintf(why, size, "\"%s\" did not finish within %d ms", argv[0],
                 timeout_ms);
        return -1;
    }
    if (WIFEXITED(*status) && WEXITSTATUS(*status) == 127) {
        snprintf(why, size, "cannot run \"%s\"", argv[0]);
        return -1;
    }
    return 0;
}

enum spawn_dhcpd spawn_dhcpd_test(const char *dhcpd, const char *conf,
                                  int timeout_ms, size_t max, char **out,
                                  char *why, size_t size)
{
    char *argv[] = {(char *)dhcpd, "-t", "-cf", (char *)conf, NULL};
    int status = 0;

    if (spawn_capture(argv, timeout_ms, max, out, &status, why, size) != 0)
        return SPAWN_DHCPD_FAILED;
    if (WIFEXITED(status))
        return WEXITSTATUS(status) == 0 ? SPAWN_DHCPD_OK : SPAWN_DHCPD_REFUSED;
    snprintf(why, size, "dhcpd -t died with signal %d",
             WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return SPAWN_DHCPD_FAILED;
}

char *spawn_dhcpd_error_lines(const char *output)
{
    static const char *const banner[] = {
        "Internet Systems Consortium DHCP Server", "Copyright ",
        "All rights reserved.", "For info, please visit", NULL};
    static const char *const boiler[] = {
        "If you think you have received this message due to a bug rather",
        "than a configuration issue please read the section on submitting",
        "bugs on either our web page at www.isc.org or in the README file",
        "before submitting a bug.  These pages explain the proper",
        "process and the information we find helpful for debugging.",
        NULL};
    size_t n = strlen(output), o = 0;
    char *res = malloc(n + 1);
    const char *p = output;

    if (res == NULL)
        return NULL;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t l = eol ? (size_t)(eol - p) : strlen(p);
        int drop = 0;

        for (int i = 0; banner[i] && !drop; i++)
            drop = strncmp(p, banner[i], strlen(banner[i])) == 0;
        for (int i = 0; boiler[i] && !drop; i++)
            drop = l == strlen(boiler[i]) && strncmp(p, boiler[i], l) == 0;
        if (!drop && l == 0)
            drop = o == 0 || (o >= 2 && res[o - 2] == '\n'); /* blanks */
        if (!drop) {
            memcpy(res + o, p, l);
            o += l;
            res[o++] = '\n';
        }
        p += l + (eol ? 1 : 0);
    }
    while (o > 0 && res[o - 1] == '\n')
        o--;
    res[o] = '\0';
    return res;
}
