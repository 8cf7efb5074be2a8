/* micetro-emu: simulated ISC servers, the worker's side (see sim.h). */
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "confpeers.h"
#include "log.h"
#include "spawn.h"
#include "store.h"
#include "store_failover.h"
#include "store_sim.h"

/* dhcpd's output kept, at most. */
#define OUTPUT_MAX 65536

/* Writes text to a new file called name in dir (0600); path[size]. */
static int write_file(const char *dir, const char *name, const char *text,
                      size_t len, char *path, size_t size, struct err *e)
{
    int fd, rc = 0;

    snprintf(path, size, "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, ERR_SYS, "cannot create %s: %s", path,
                       strerror(errno));
    for (size_t o = 0; o < len && rc == 0;) {
        ssize_t n = write(fd, text + o, len - o);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = err_set(e, ERR_SYS, "cannot write %s: %s", path,
                         strerror(errno));
        else
            o += (size_t)n;
    }
    if (close(fd) != 0 && rc == 0)
        rc = err_set(e, ERR_SYS, "cannot write %s: %s", path, strerror(errno));
    return rc;
}

int sim_check(const struct config *cfg, const char *text, size_t len,
              int *checked, char *detail, size_t size, struct err *e)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600], why[256];
    char *out = NULL, *lines;
    int rc;

    *checked = 0;
    detail[0] = '\0';
    if (cfg->dhcpd == NULL || access(cfg->dhcpd, X_OK) != 0)
        return 0;
    snprintf(dir, sizeof(dir), "%s/micetro-simXXXXXX",
             tmp != NULL && tmp[0] == '/' && strlen(tmp) < 400 ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        return err_set(e, ERR_SYS, "cannot make a directory for dhcpd -t: %s",
                       strerror(errno));
    rc = write_file(dir, "dhcpd.conf", text, len, path, sizeof(path), e);
    if (rc == 0) {
        switch (spawn_dhcpd_test(cfg->dhcpd, path, cfg->dhcpd_timeout_ms,
                                 OUTPUT_MAX, &out, why, sizeof(why))) {
        case SPAWN_DHCPD_OK:
            *checked = 1;
            break;
        case SPAWN_DHCPD_REFUSED:
            lines = spawn_dhcpd_error_lines(out != NULL ? out : "");
            snprintf(detail, size, "dhcpd rejected the configuration:\n%s",
                     lines != NULL ? lines : "");
            free(lines);
            rc = err_set(e, ERR_INVALID, "dhcpd rejected the configuration");
            break;
        default:
            snprintf(detail, size, "%s", why);
            rc = err_set(e, ERR_SYS, "%s", why);
        }
        free(out);
    }
    unlink(path);
    rmdir(dir);
    return rc;
}

int sim_install(struct store *st, long long id,
                const struct store_sim_claim *claim, const char *text,
                size_t len, int checked, char hash[65], struct err *e)
{
    char(*peers)[CONFPEERS_NAME_BUF] = calloc(STORE_SIM_PEERS_MAX,
                                              sizeof(*peers));
    struct store_conn *c;
    size_t n;
    int rc;

    if (peers == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (len > STORE_SIM_CONFIG_MAX) {
        free(peers);
        return err_set(e, ERR_INVALID,
                       "the file has %zu bytes: a simulated server keeps at "
                       "most %d",
                       len, STORE_SIM_CONFIG_MAX);
    }
    n = confpeers_scan(text, len, peers, STORE_SIM_PEERS_MAX);
    if ((c = store_acquire(st, e)) == NULL) {
        free(peers);
        return e->code;
    }
    rc = store_sim_install(c, id, claim, text, peers, n, checked, hash, e);
    store_release(st, c);
    free(peers);
    if (rc == 0)
        sim_refresh(st, id);
    return rc;
}

void sim_refresh(struct store *st, long long id)
{
    struct store_sim_auto *list = NULL;
    struct store_conn *c;
    size_t n = 0;
    struct err e;

    if ((c = store_acquire(st, &e)) == NULL) {
        log_msg("worker: simulated states not updated: %s", e.msg);
        return;
    }
    if (store_sim_auto_states(c, id, &list, &n, &e) != 0)
        log_msg("worker: simulated states not updated: %s", e.msg);
    /* each on its own, as the states read from agents are */
    for (size_t i = 0; i < n; i++)
        if (store_failover_set_live(c, list[i].id, list[i].primary_state,
                                    list[i].secondary_state, NULL, &e) != 0)
            log_msg("worker: simulated states of relationship %lld not "
                    "updated: %s",
                    list[i].id, e.msg);
    store_release(st, c);
    free(list);
}
