/* micetro-emu benchmark: rendering a large dhcpd.conf.
 *
 * Builds the model of one server with SCOPES scope instances (10,000 by
 * default: a /24 each with one pool, every second one a member of one of
 * four failover relationships) and renders it RUNS times; then runs the
 * real `dhcpd -t` on the result once, as the baseline measured in the
 * same run (the check every pushed file goes through).  Prints figures;
 * asserts nothing about speed.
 *
 * usage: bench_render [SCOPES [RUNS [DHCPD]]]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "render.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* dhcpd -t -cf path, its output dropped: the wait status, or -1. */
static int dhcpd_check(const char *dhcpd, const char *path)
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execl(dhcpd, dhcpd, "-t", "-cf", path, (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t nscopes = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20;
    const char *dhcpd = argc > 3 ? argv[3] : "/usr/sbin/dhcpd";
    struct render_relationship rels[4];
    struct render_scope *scopes;
    struct render_pool *pools;
    struct render_server s;
    char names[4][16], path[] = "/tmp/bench-render-XXXXXX";
    char *text = NULL;
    size_t len = 0;
    double *t, t0, dt;
    struct err e;
    FILE *f;
    int fd, rc;

    if (nscopes < 1 || nscopes > 60000 || runs < 1 || runs > 1000) {
        fprintf(stderr, "usage: bench_render [SCOPES (1..60000) [RUNS]]\n");
        return 2;
    }
    scopes = calloc(nscopes, sizeof(*scopes));
    pools = calloc(nscopes, sizeof(*pools));
    t = calloc((size_t)runs, sizeof(*t));
    if (scopes == NULL || pools == NULL || t == NULL) {
        free(scopes);
        free(pools);
        free(t);
        return 1;
    }
    memset(&s, 0, sizeof(s));
    s.name = "bench.example.";
    s.address = "10.255.0.1";
    s.omapi_port = 7911;
    s.omapi_key_name = "micetro-omapi";
    s.omapi_secret = "c2VjcmV0c2VjcmV0c2VjcmV0";
    for (int i = 0; i < 4; i++) {
        snprintf(names[i], sizeof(names[i]), "fo-%d", i);
        memset(&rels[i], 0, sizeof(rels[i]));
        rels[i].name = names[i];
        rels[i].role = RENDER_PRIMARY;
        rels[i].address = 0x0aff0001u;
        rels[i].port = 647;
        rels[i].peer_address = 0x0aff0002u + (uint32_t)i;
        rels[i].peer_port = 647;
        rels[i].mclt = 3600;
        rels[i].percentage = 50;
        rels[i].max_response_delay = 60;
        rels[i].max_unacked_updates = 10;
        rels[i].load_balance_max_seconds = 3;
    }
    s.relationships = rels;
    s.nrelationships = 4;
    for (size_t i = 0; i < nscopes; i++) {
        uint32_t net = 0x0a000000u + ((uint32_t)i << 8);

        scopes[i].network = net;
        scopes[i].prefix = 24;
        scopes[i].name = "bench";
        scopes[i].enabled = 1;
        scopes[i].failover = i % 2 == 0 ? (int)(i / 2 % 4) : -1;
        pools[i].from = net + 10;
        pools[i].to = net + 200;
        scopes[i].pools = &pools[i];
        scopes[i].npools = 1;
    }
    s.scopes = scopes;
    s.nscopes = nscopes;
    for (int r = 0; r < runs; r++) {
        free(text);
        text = NULL;
        t0 = now_s();
        rc = render_config(&s, &text, &len, &e);
        t[r] = now_s() - t0;
        if (rc != 0) {
            fprintf(stderr, "render: %s\n", e.msg);
            return 1;
        }
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    printf("== rendered %zu scopes (%zu bytes), %d runs: median %.2f ms, "
           "min %.2f ms\n",
           nscopes, len, runs, t[runs / 2] * 1000, t[0] * 1000);
    /* the baseline: dhcpd -t on the same file */
    fd = mkstemp(path);
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
        perror("mkstemp");
        return 1;
    }
    fwrite(text, 1, len, f);
    fclose(f);
    if (access(dhcpd, X_OK) != 0) {
        printf("figures:\n  render %zu scopes: %.2f ms (no dhcpd for the "
               "baseline)\n",
               nscopes, t[runs / 2] * 1000);
        unlink(path);
        return 0;
    }
    t0 = now_s();
    rc = dhcpd_check(dhcpd, path);
    dt = now_s() - t0;
    unlink(path);
    printf("== dhcpd -t on it: %.2f ms (exit %d)\n", dt * 1000,
           WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
    printf("figures:\n");
    printf("  render %zu scopes, median of %d:  %.2f ms\n", nscopes, runs,
           t[runs / 2] * 1000);
    printf("  dhcpd -t of the same file:       %.2f ms\n", dt * 1000);
    printf("  ratio render / dhcpd -t:         %.4f\n", t[runs / 2] / dt);
    free(text);
    free(scopes);
    free(pools);
    free(t);
    return WIFEXITED(rc) && WEXITSTATUS(rc) == 0 ? 0 : 1;
}
