/* micetro-emu: the configuration worker (see worker.h). */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "agent_rpc.h"
#include "app.h"
#include "config.h"
#include "failover.h"
#include "import.h"
#include "secrets.h"
#include "sim.h"
#include "store_config.h"
#include "store_failover.h"
#include "store_import.h"
#include "store_job.h"
#include "store_listen.h"
#include "store_sim.h"
#include "log.h"
#include "store.h"

/* The notification channel of migration 007's triggers. */
#define CHANNEL "micetro_config"
/* Bytes of an agent's or dhcpd's explanation kept for stateMessage. */
#define DETAIL_MAX 1024
/* Failover partners pushed with a server, at most. */
#define WORKER_GROUP_MAX 8

struct worker {
    struct app *app;
    const struct config *cfg;
    char id[96];
    struct store_listener *listen;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A new OMAPI key: 16 random bytes, base64 (24 characters). */
static int new_key(char out[32], struct err *e)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char raw[18] = {0};
    size_t o = 0;

    if (getrandom(raw, 16, 0) != 16)
        return err_set(e, ERR_SYS, "no random bytes for an OMAPI key");
    for (size_t i = 0; i < 18; i += 3) {
        unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 |
                     raw[i + 2];

        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
        out[o++] = b64[v & 63];
    }
    /* 16 bytes: 22 characters and "==" */
    out[22] = out[23] = '=';
    out[24] = '\0';
    return 0;
}

/* Tells every process on the database whether this worker simulates
 * every server. */
static void set_mode(struct worker *w)
{
    struct store_conn *c;
    struct err e;

    if ((c = store_acquire(w->app->store, &e)) == NULL ||
        store_sim_mode_set(c, config_simulates_all(w->cfg), w->id, &e) != 0)
        log_msg("worker: simulation mode not recorded: %s", e.msg);
    if (c != NULL)
        store_release(w->app->store, c);
}

struct worker *worker_new(struct app *app, const char *conninfo, struct err *e)
{
    struct worker *w = calloc(1, sizeof(*w));
    char host[64];

    if (w == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->app = app;
    w->cfg = app->cfg;
    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    snprintf(w->id, sizeof(w->id), "%s:%ld", host, (long)getpid());
    w->listen = store_listen_open(conninfo, CHANNEL,
                                  w->cfg->db_connect_timeout_s, e);
    if (w->listen == NULL) {
        free(w);
        return NULL;
    }
    set_mode(w);
    return w;
}

void worker_free(struct worker *w)
{
    if (w == NULL)
        return;
    store_listen_close(w->listen);
    free(w);
}

/* The agent of server name at host (port 0: the default); its secret
 * NULL when there is none for that server. */
static struct agent_rpc_target target(const struct worker *w, const char *name,
                                      const char *host, int port)
{
    return agent_rpc_target_of(w->cfg, name, host, port);
}

/* Why server name's agent is not called. */
static int no_secret(const char *name, struct err *e)
{
    return agent_rpc_no_secret(name, e);
}

/* Records a server's state on a connection of its own. */
static void record(struct worker *w, long long id, const char *state,
                   const char *message, const char *hash, long long generation)
{
    struct store_conn *c;
    struct err e;

    if ((c = store_acquire(w->app->store, &e)) == NULL ||
        store_server_set_state(c, id, state, message, hash, generation, &e) !=
            0)
        log_msg("worker: cannot record server %lld as %s: %s", id, state,
                e.msg);
    if (c != NULL)
        store_release(w->app->store, c);
}

/* Settles a job: done, or failed with the backoff. */
static void settle(struct worker *w, const struct store_job *job,
                   const char *failure)
{
    struct store_conn *c;
    struct err e;
    int again = 0, rc;

    if ((c = store_acquire(w->app->store, &e)) == NULL) {
        log_msg("worker: job of server %lld not settled: %s", job->server_id,
                e.msg);
        return; /* its lease expires: another round pushes it */
    }
    if (failure == NULL)
        rc = store_job_done(c, w->id, job, &again, &e);
    else
        rc = store_job_failed(c, w->id, job, failure, w->cfg->backoff_base_s,
                              w->cfg->backoff_cap_s, &e);
    if (rc != 0)
        log_msg("worker: job of server %lld not settled: %s", job->server_id,
                e.msg);
    store_release(w->app->store, c);
}

/* Reads server id's configuration in one snapshot (its OMAPI key made
 * first when it has none). */
static int load(struct worker *w, long long id, struct store_config **cfg,
                struct err *e)
{
    char key[32], stored[64];
    struct store_conn *c;
    int rc;

    if ((rc = new_key(key, e)) != 0)
        return rc;
    if ((c = store_acquire(w->app->store, e)) == NULL)
        return e->code;
    if ((rc = store_server_omapi_key(c, id, key, stored, sizeof(stored), e)) ==
            0 &&
        (rc = store_begin_snapshot(c, e)) == 0 &&
        (rc = store_config_load(c, id, w->cfg->omapi_port, cfg, e)) == 0)
        rc = store_commit(c, e);
    store_release(w->app->store, c);
    return rc;
}

/* A server's file, ready to go. */
struct prepared {
    struct store_job job;
    struct store_config *cfg;
    struct agent_rpc_target agent; /* its host points into cfg */
    char *text;
    size_t len;
    int checked; /* a simulated server's file passed dhcpd -t already */
};

static void prepared_free(struct prepared *p)
{
    free(p->text);
    store_config_free(p->cfg);
    memset(p, 0, sizeof(*p));
}

/* p's file is what its server runs now: the baseline drift is seen
 * against. */
static void baseline(struct worker *w, const struct prepared *p)
{
    struct store_conn *c;
    struct err e;

    if ((c = store_acquire(w->app->store, &e)) == NULL ||
        store_import_baseline(c, p->job.server_id, p->text, &e) != 0)
        log_msg("worker: baseline of server %lld not kept: %s",
                p->job.server_id, e.msg);
    if (c != NULL)
        store_release(w->app->store, c);
}

/* Loads and renders job's server into *p: 0 when it is ready to push; 1
 * when there is nothing to push (server gone or disabled, no secret for
 * its agent, or its file cannot be rendered: recorded and settled here,
 * a failure to be retried with the backoff). */
static int prepare(struct worker *w, const struct store_job *job,
                   struct prepared *p)
{
    char msg[DETAIL_MAX + 300];
    struct err e;
    int rc;

    memset(p, 0, sizeof(*p));
    p->job = *job;
    err_clear(&e);
    rc = load(w, job->server_id, &p->cfg, &e);
    if (rc == ERR_NOTFOUND) {
        settle(w, job, NULL); /* the server has gone: nothing to push */
        return 1;
    }
    if (rc != 0) {
        log_msg("worker: server %lld: %s", job->server_id, e.msg);
        settle(w, job, e.msg);
        return 1;
    }
    if (!p->cfg->enabled) {
        record(w, job->server_id, "Disabled", NULL, NULL, 0);
        settle(w, job, NULL);
        prepared_free(p);
        return 1;
    }
    p->agent = target(w, p->cfg->model.name, p->cfg->model.address,
                      p->cfg->agent_port);
    if (p->agent.secret == NULL && !p->cfg->simulated) {
        no_secret(p->cfg->model.name, &e);
        record(w, job->server_id, "Out of date", e.msg, NULL, 0);
        settle(w, job, e.msg);
        log_msg("worker: %s", e.msg);
        prepared_free(p);
        return 1;
    }
    if (render_config(&p->cfg->model, &p->text, &p->len, &e) != 0) {
        snprintf(msg, sizeof(msg), "cannot render dhcpd.conf: %s", e.msg);
        record(w, job->server_id, "Out of date", msg, NULL, 0);
        settle(w, job, msg);
        prepared_free(p);
        return 1;
    }
    return 0;
}

/* Records a failed call to the agent of p's server. */
static void failed(struct worker *w, const struct prepared *p, int rc,
                   const char *msg)
{
    record(w, p->job.server_id, rc == ERR_SYS ? "Unreachable" : "Out of date",
           msg, NULL, 0);
    settle(w, &p->job, msg);
    log_msg("worker: %s: %s", p->cfg->model.name, msg);
}

/* Checks a simulated server's file with dhcpd -t, unless done: 0, or an
 * ERR_* with msg[size] saying why. */
static int sim_checked(struct worker *w, struct prepared *p, char *msg,
                       size_t size)
{
    struct err e;
    int rc;

    if (p->checked)
        return 0;
    rc = sim_check(w->cfg, p->text, p->len, &p->checked, msg, size, &e);
    if (rc != 0 && msg[0] == '\0')
        snprintf(msg, size, "%s", e.msg);
    /* dhcpd -t did not run: as an agent's failure (Out of date), not an
     * unreachable agent */
    return rc == ERR_SYS ? ERR_INTERNAL : rc;
}

/* Keeps a simulated server's file (checked first) as installed and
 * records what happened. */
static void sim_push(struct worker *w, struct prepared *p)
{
    char hash[65], msg[DETAIL_MAX + 300];
    struct err e;
    int rc = sim_checked(w, p, msg, sizeof(msg));

    struct store_sim_claim claim = {w->id, p->job.generation};

    if (rc == 0 &&
        (rc = sim_install(w->app->store, p->job.server_id, &claim, p->text,
                          p->len, p->checked, hash, &e)) != 0)
        snprintf(msg, sizeof(msg), "%s", e.msg);
    if (rc == ERR_CONFLICT) { /* no longer this push's: nothing to record */
        log_msg("worker: server %lld (simulated): %s", p->job.server_id, msg);
        return;
    }
    if (rc == ERR_NOTFOUND) {
        settle(w, &p->job, NULL); /* the server has gone */
        return;
    }
    if (rc != 0) {
        failed(w, p, rc, msg);
        return;
    }
    record(w, p->job.server_id, "OK", NULL, hash, p->job.generation);
    baseline(w, p);
    settle(w, &p->job, NULL);
    log_msg("worker: %s (simulated): configuration %.12s %s (generation "
            "%lld)",
            p->cfg->model.name, hash,
            p->checked ? "checked and kept" : "kept unchecked (no dhcpd)",
            p->job.generation);
}

/* Installs p's file through its agent (kept, for a simulated server) and
 * records what happened. */
static void install(struct worker *w, struct prepared *p)
{
    char hash[65], detail[DETAIL_MAX], msg[DETAIL_MAX + 300];
    struct err e;
    int rc;

    if (p->cfg->simulated) {
        sim_push(w, p);
        return;
    }
    record(w, p->job.server_id, "Updating", NULL, NULL, 0);
    rc = agent_rpc_put_config(&p->agent, p->text, NULL, hash, detail,
                              sizeof(detail), &e);
    if (rc == 0) {
        record(w, p->job.server_id, "OK", NULL, hash, p->job.generation);
        baseline(w, p);
        settle(w, &p->job, NULL);
        log_msg("worker: %s: configuration %.12s installed (generation "
                "%lld)",
                p->cfg->model.name, hash, p->job.generation);
        return;
    }
    snprintf(msg, sizeof(msg), "%s%s%s", e.msg, detail[0] ? ": " : "", detail);
    failed(w, p, rc, msg);
}

/* Adds to g[*n] the queued partners of g[0]'s server in the
 * relationships its file declares (their jobs claimed here too), so that
 * both files of a failover pair are checked before either is installed. */
static void add_partners(struct worker *w, struct prepared *g, size_t *n,
                         size_t max)
{
    const struct store_config *cfg = g[0].cfg;

    for (size_t i = 0; i < cfg->model.nrelationships && *n < max; i++) {
        long long pid = cfg->partner_ids[i];
        struct store_job job;
        struct store_conn *c;
        struct err e;
        size_t k;
        int used = 0, rc;

        for (size_t s = 0; s < cfg->model.nscopes; s++)
            used |= cfg->scopes[s].failover == (int)i &&
                    cfg->scopes[s].enabled && cfg->scopes[s].npools > 0;
        for (k = 0; k < *n && g[k].job.server_id != pid; k++)
            ;
        if (!used || k < *n)
            continue;
        if ((c = store_acquire(w->app->store, &e)) == NULL)
            return;
        rc = store_job_claim_server(c, w->id, w->cfg->worker_lease_s, pid, &job,
                                    &e);
        store_release(w->app->store, c);
        if (rc == 1 && prepare(w, &job, &g[*n]) == 0)
            (*n)++;
    }
}

/* Pushes job's server, and with it the queued partners of its failover
 * relationships: every file is validated by its agent (dhcpd -t) before
 * any of them is installed; when one is refused, none is. */
static void push(struct worker *w, const struct store_job *job,
                 long long *handled, size_t *nhandled, size_t max)
{
    struct prepared g[1 + WORKER_GROUP_MAX];
    char detail[DETAIL_MAX], msg[DETAIL_MAX + 300];
    size_t n = 0, bad = 0;
    int rc[1 + WORKER_GROUP_MAX] = {0};

    if (prepare(w, job, &g[0]) != 0)
        return;
    n = 1;
    add_partners(w, g, &n, sizeof(g) / sizeof(g[0]));
    for (size_t i = 1; i < n && *nhandled < max; i++)
        handled[(*nhandled)++] = g[i].job.server_id;
    for (size_t i = 0; n > 1 && i < n; i++) {
        struct err e;

        if (g[i].cfg->simulated) {
            rc[i] = sim_checked(w, &g[i], msg, sizeof(msg));
        } else {
            rc[i] = agent_rpc_validate_config(&g[i].agent, g[i].text, detail,
                                              sizeof(detail), &e);
            if (rc[i] != 0)
                snprintf(msg, sizeof(msg), "%s%s%s", e.msg,
                         detail[0] ? ": " : "", detail);
        }
        if (rc[i] != 0) {
            failed(w, &g[i], rc[i], msg);
            bad++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (bad == 0) {
            install(w, &g[i]);
        } else if (rc[i] == 0) {
            snprintf(msg, sizeof(msg),
                     "not installed: the failover partner's file was "
                     "refused (%zu of %zu files)",
                     bad, n);
            failed(w, &g[i], ERR_INVALID, msg);
        }
        prepared_free(&g[i]);
    }
}

/* Claims and pushes every due job; the number pushed. */
static int work_jobs(struct worker *w)
{
    struct store_job jobs[64];
    long long handled[64 * WORKER_GROUP_MAX];
    size_t max = (size_t)w->cfg->worker_batch, n = 0, nhandled;
    struct store_conn *c;
    struct err e;
    int pushed = 0;

    if (max > sizeof(jobs) / sizeof(jobs[0]))
        max = sizeof(jobs) / sizeof(jobs[0]);
    while (!*w->app->stop) {
        if ((c = store_acquire(w->app->store, &e)) == NULL) {
            log_msg("worker: %s", e.msg);
            return pushed;
        }
        if (store_job_claim(c, w->id, w->cfg->worker_lease_s, jobs, max, &n,
                            &e) != 0) {
            log_msg("worker: %s", e.msg);
            n = 0;
        }
        store_release(w->app->store, c);
        if (n == 0)
            return pushed;
        /* a job pushed with its failover partner is not pushed again */
        nhandled = 0;
        for (size_t i = 0; i < n && !*w->app->stop; i++) {
            size_t k;

            for (k = 0; k < nhandled && handled[k] != jobs[i].server_id; k++)
                ;
            if (k == nhandled)
                push(w, &jobs[i], handled, &nhandled,
                     sizeof(handled) / sizeof(handled[0]));
        }
        pushed += (int)n;
    }
    return pushed;
}

/* Reads relationship rel's state from server's agent at host:port, as
 * agent_rpc_failover_state; the agent is not called when there is no
 * secret for it. */
static int read_state(struct worker *w, const char *server, const char *host,
                      int port, const char *rel, int *found, char *local,
                      char *partner, size_t len, struct err *e)
{
    struct agent_rpc_target t = target(w, server, host, port);

    if (t.secret == NULL)
        return no_secret(server, e);
    return agent_rpc_failover_state(&t, rel, found, local, partner, len, e);
}

/* Reads every relationship's state from both agents. */
static void poll_states(struct worker *w)
{
    struct store_poll_target *list = NULL;
    struct store_conn *c;
    size_t n = 0;
    struct err e;

    if ((c = store_acquire(w->app->store, &e)) == NULL)
        return;
    if (store_failover_poll_targets(c, &list, &n, &e) != 0)
        log_msg("worker: %s", e.msg);
    store_release(w->app->store, c);
    sim_refresh(w->app->store, 0); /* simulated servers have no agent */
    for (size_t i = 0; i < n && !*w->app->stop; i++) {
        const struct store_poll_target *p = &list[i];
        char pl[64], pp[64], sl[64], sp[64], why[300] = "";
        int pf = 0, sf = 0, prc, src;
        struct err pe, se;

        prc = read_state(w, p->primary_server, p->primary_host, p->primary_port,
                         p->name, &pf, pl, pp, sizeof(pl), &pe);
        src = read_state(w, p->secondary_server, p->secondary_host,
                         p->secondary_port, p->name, &sf, sl, sp, sizeof(sl),
                         &se);
        if (prc != 0)
            snprintf(why, sizeof(why), "%s", pe.msg);
        else if (src != 0)
            snprintf(why, sizeof(why), "%s", se.msg);
        if ((c = store_acquire(w->app->store, &e)) == NULL)
            break;
        if (store_failover_set_live(c, p->id,
                                    failover_reported(prc == 0, pf, pl),
                                    failover_reported(src == 0, sf, sl),
                                    why[0] ? why : NULL, &e) != 0)
            log_msg("worker: %s", e.msg);
        store_release(w->app->store, c);
    }
    free(list);
}

/* Failed pushes wait for their backoff; a worker that starts tries them
 * at once: what they lacked (a secret, an agent) may be there now. */
static void retry_failed(struct worker *w)
{
    struct store_conn *c;
    long long n = 0;
    struct err e;

    if ((c = store_acquire(w->app->store, &e)) == NULL ||
        store_job_retry_failed(c, &n, &e) != 0)
        log_msg("worker: failed pushes not retried at start: %s", e.msg);
    else if (n > 0)
        log_msg("worker: retrying %lld failed push%s now", n,
                n == 1 ? "" : "es");
    if (c != NULL)
        store_release(w->app->store, c);
}

/* A stop may leave jobs claimed but not pushed (work_jobs stops between
 * pushes): they are given back for the next worker. */
static void release_claims(struct worker *w)
{
    struct store_conn *c;
    struct err e;

    if ((c = store_acquire(w->app->store, &e)) == NULL ||
        store_job_release_all(c, w->id, &e) != 0)
        log_msg("worker: claims not given back (they expire with their "
                "lease): %s",
                e.msg);
    if (c != NULL)
        store_release(w->app->store, c);
}

void worker_run(struct worker *w)
{
    double next_states = 0;
    struct err e;

    if (config_simulates_all(w->cfg))
        log_msg("worker %s: every DHCP server simulated (%s): files checked "
                "with %s and kept in the database, no agent called",
                w->id, w->cfg->simulate ? "--simulate" : "no agent secret",
                access(w->cfg->dhcpd, X_OK) == 0 ? w->cfg->dhcpd
                                                 : "nothing (no dhcpd)");
    else
        log_msg("worker %s: pushing configurations to agents (%s, default "
                "port %d), and simulating the servers marked simulated",
                w->id, w->cfg->agent_tls_ca ? "https" : "http",
                w->cfg->agent_port);
    retry_failed(w);
    if (w->cfg->agent_secrets != NULL)
        log_msg("worker: %zu agent secrets from %s, %s for the other "
                "servers",
                secrets_count(w->cfg->agent_secrets),
                w->cfg->agent_secrets_file,
                w->cfg->agent_secret[0] ? "the one for all" : "none");
    while (!*w->app->stop) {
        double now, due = -1, wait;
        struct store_conn *c;
        int pushed;

        import_pending(w->app); /* before any push: a Pending server waits */
        pushed = work_jobs(w);

        now = now_s();
        if (pushed > 0 || now >= next_states) {
            poll_states(w);
            import_drift(w->app);
            next_states = now_s() + w->cfg->state_poll_s;
        }
        if ((c = store_acquire(w->app->store, &e)) != NULL) {
            if (store_job_next_due(c, &due, &e) != 0)
                due = -1;
            store_release(w->app->store, c);
        }
        wait = w->cfg->worker_poll_s;
        if (next_states - now_s() < wait)
            wait = next_states - now_s();
        if (due >= 0 && due < wait)
            wait = due;
        if (wait > 1)
            wait = 1; /* a stop is seen within a second */
        if (wait < 0.05)
            wait = 0.05;
        /* a notification ends the wait at once */
        if (store_listen_wait(w->listen, (int)(wait * 1000), &e) < 0) {
            log_msg("worker: %s", e.msg);
            sleep(1);
        }
    }
    release_claims(w);
    log_msg("worker %s: stopped", w->id);
}
