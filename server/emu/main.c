/* micetro-emu: a Micetro-compatible SOAP API for ISC DHCP failover.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * main: parses the command line, starts the embedded PostgreSQL cluster
 * when no database is given, opens the store (applying migrations), makes
 * sure the administrator exists (run, serve), then serves (serve), works the
 * configuration queue (worker), or both, the worker in a thread of its
 * own (run), until SIGTERM/SIGINT; without any agent secret the worker
 * simulates every server (sim.h).  make-template only makes the embedded
 * cluster's template and exits.  The database is supervised throughout
 * (dbwatch.h): a postmaster of the embedded cluster that dies is started
 * again, and when it cannot be the process ends with status 1.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <libxml/parser.h>

#include "agent_rpc.h"
#include "app.h"
#include "gate.h"
#include "config.h"
#include "control_seed.h"
#include "control_faults.h"
#include "control_journal.h"
#include "dbwatch.h"
#include "httpd.h"
#include "jsonrpc_schema.h"
#include "log.h"
#include "passwd.h"
#include "pgcluster.h"
#include "session.h"
#include "signals.h"
#include "startup.h"
#include "store.h"
#include "store_migrate.h"
#include "httpreq.h"
#include "worker.h"
#include "wsdl.h"

/* What a password must be to guard a listener beyond loopback, said
 * after each refusal. */
#define ADMIN_PASSWORD_RULE "(beyond loopback it needs " PASSWD_RULE ")"

static volatile sig_atomic_t stop_flag;
static struct timespec t_exec;
static struct startup *starting; /* app.startup, for migrate() */

/* A debug line: what start-up finished, and when since main began. */
static void step(const char *what)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    log_at(LOG_DEBUG, "start-up: %s at %.1f ms", what,
           (double)(ts.tv_sec - t_exec.tv_sec) * 1e3 +
               (double)(ts.tv_nsec - t_exec.tv_nsec) / 1e6);
}

static void *worker_main(void *arg)
{
    worker_run(arg);
    return NULL;
}

/* 1 when host is a loopback address (or "localhost"). */
/* 1 (said on stderr) when the administrator's password may not guard a
 * listener beyond loopback: the default, or a value passwd_weakness
 * refuses. */
static int admin_password_refused(const struct config *cfg)
{
    const char *why;

    if (cfg->admin_password_default) {
        fprintf(stderr,
                "micetro-emu: refusing to listen on %s with the default "
                "administrator password: set MICETRO_ADMIN_PASSWORD %s\n",
                cfg->listen_host, ADMIN_PASSWORD_RULE);
        return 1;
    }
    why = passwd_weakness(cfg->admin_password, SESSION_ADMIN_LOGIN);
    if (why == NULL)
        return 0;
    fprintf(stderr,
            "micetro-emu: refusing to listen on %s with a weak administrator "
            "password: MICETRO_ADMIN_PASSWORD %s %s\n",
            cfg->listen_host, why, ADMIN_PASSWORD_RULE);
    return 1;
}

/* The migrations, said in the health while they run (a second process
 * waits here for the first one's). */
static int migrate(struct store_conn *c, int *applied, struct err *e)
{
    startup_set(starting, STARTUP_MIGRATING);
    return store_migrate(c, applied, e);
}

/* The template of a new embedded cluster, as cfg says (dir NULL: none);
 * dirbuf and keybuf hold what it names. */
static struct pgcluster_template template_of(const struct config *cfg,
                                             char *dirbuf, size_t dirlen,
                                             char *keybuf, size_t keylen)
{
    struct pgcluster_template t = {
        .dir = startup_template_dir(cfg, dirbuf, dirlen),
        .key = startup_template_key(keybuf, keylen),
        .prepare = startup_template_prepare,
    };
    return t;
}

/* make-template: the template made when missing or bad, its directory
 * printed on stdout.  The exit status. */
static int make_template(const struct config *cfg)
{
    char dirbuf[4096], keybuf[32];
    struct pgcluster_template t = template_of(cfg, dirbuf, sizeof(dirbuf),
                                              keybuf, sizeof(keybuf));
    struct pgcluster_report r;
    struct err e;

    if (t.dir == NULL) {
        fprintf(stderr, "micetro-emu: make-template needs a template "
                        "directory: --template-dir DIR (not none), or HOME "
                        "for the default\n");
        return 2;
    }
    err_clear(&e);
    if (pgcluster_template_make(&t, &r, &e) != 0) {
        fprintf(stderr, "micetro-emu: %s\n", e.msg);
        return 1;
    }
    if (r.template_note[0] != '\0')
        log_msg("%s", r.template_note);
    if (r.template_made)
        log_msg("template %s made (initdb and migrations) in %.0f ms",
                r.template_path, r.create_ms);
    else
        log_msg("template %s is there already", r.template_path);
    printf("%s\n", r.template_path);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* Starts the embedded cluster in cfg->data_dir, from the template when it
 * is new, and says how it came. */
static struct pgcluster *start_embedded(const struct config *cfg,
                                        char *conninfo, size_t len,
                                        struct err *e)
{
    char dirbuf[4096], keybuf[32];
    struct pgcluster_template t = template_of(cfg, dirbuf, sizeof(dirbuf),
                                              keybuf, sizeof(keybuf));
    struct pgcluster_report r;
    struct pgcluster *pc;

    if (!pgcluster_exists(cfg->data_dir))
        log_msg("creating the embedded database in %s", cfg->data_dir);
    pc = pgcluster_start_from(cfg->data_dir, &t, conninfo, len, &r, e);
    if (r.template_made)
        log_msg("template %s made (initdb and migrations)", r.template_path);
    if (r.template_note[0] != '\0')
        log_msg("%s", r.template_note);
    if (r.origin == PGCLUSTER_TEMPLATE)
        log_msg("embedded database created from the template %s in %.0f ms",
                r.template_path, r.create_ms);
    else if (r.origin == PGCLUSTER_INITDB)
        log_msg("embedded database created by initdb in %.0f ms", r.create_ms);
    return pc;
}

/* store_open; with wait_s > 0, a database that does not answer yet (an
 * external one starting beside us) is tried again every half second
 * for that long, said once in the log. */
static struct store *open_store(const struct store_opts *so, int wait_s,
                                struct err *e)
{
    time_t until = time(NULL) + wait_s;
    int said = 0;

    for (;;) {
        struct store *st = store_open(so, e);
        if (st != NULL || e->code != ERR_DB || time(NULL) >= until || stop_flag)
            return st;
        if (!said) {
            log_msg("waiting up to %d s for the database: %s", wait_s, e->msg);
            said = 1;
        }
        usleep(500000);
    }
}

int main(int argc, char **argv)
{
    struct config cfg;
    struct app app;
    struct err e;
    struct pgcluster *pc = NULL;
    struct httpd *h = NULL;
    struct worker *wk = NULL;
    struct dbwatch *dw = NULL;
    pthread_t wt;
    char conninfo[1024], why[1024];
    int rc, status = 1, busy = 0, wt_started = 0;

    clock_gettime(CLOCK_MONOTONIC, &t_exec);
    rc = config_parse(&cfg, argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    if (cfg.mode == MODE_TEMPLATE) {
        status = make_template(&cfg);
        config_free(&cfg);
        return status;
    }
    if (cfg.mode == MODE_WORKER && !config_has_agent_secrets(&cfg) &&
        !cfg.simulate) {
        fprintf(stderr, "micetro-emu: the worker needs the agents' secrets: "
                        "--agent-secrets, --agent-secret-file or "
                        "MICETRO_AGENT_SECRET (or --simulate)\n");
        return 2;
    }
    if (cfg.mode != MODE_SERVE && cfg.agent_tls_ca != NULL &&
        agent_rpc_tls_check(cfg.agent_tls_ca, &e) != 0) {
        fprintf(stderr, "micetro-emu: %s\n", e.msg);
        return 2;
    }
    if (cfg.mode != MODE_WORKER && !httpreq_loopback(cfg.listen_host) &&
        admin_password_refused(&cfg)) {
        config_free(&cfg);
        return 2;
    }
    memset(&app, 0, sizeof(app));
    app.cfg = &cfg;
    app.stop = &stop_flag;
    app.started = time(NULL);
    app.worker_state = cfg.mode == MODE_SERVE ? "not in this process"
                       : config_simulates_all(&cfg)
                           ? "running (every server simulated)"
                           : "running";
    err_clear(&e);
    signals_install(&stop_flag);
    xmlInitParser();

    app.wsdl = wsdl_new(cfg.profile, &e);
    if (app.wsdl == NULL)
        goto fail;
    {
        /* JSON-RPC's schema: the served profile's */
        size_t wlen = 0;
        char *wtext = wsdl_render(app.wsdl, "http://localhost", &wlen);
        app.jsonrpc = wtext != NULL ? jsonrpc_schema_new(wtext, wlen, &e)
                                    : NULL;
        if (wtext == NULL)
            err_set(&e, ERR_NOMEM, "out of memory");
        free(wtext);
        if (app.jsonrpc == NULL)
            goto fail;
    }
    if (cfg.mode != MODE_WORKER && session_throttles_new(&app, &e) != 0)
        goto fail;
    /* a slot for every request that can run at once */
    if ((app.lists = gate_new(cfg.wire.workers)) == NULL) {
        err_set(&e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((starting = app.startup = startup_new()) == NULL) {
        err_set(&e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* the injected faults and the request journal (serving): there from
     * the first request on, the journal written once the database is open */
    if (cfg.mode != MODE_WORKER &&
        ((app.faults = control_faults_new()) == NULL ||
         (app.journal = control_journal_new(cfg.journal_size,
                                            cfg.journal_bodies)) == NULL)) {
        err_set(&e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* fail fast on a busy port; then serve at once: until start-up is
     * over the health says why not, requests wait as for a database that
     * is down */
    if (cfg.mode != MODE_WORKER &&
        ((h = httpd_new(&app, &e)) == NULL || httpd_start(h, &e) != 0))
        goto fail;
    step("serving");
    if (cfg.db == NULL) {
        pc = start_embedded(&cfg, conninfo, sizeof(conninfo), &e);
        if (pc == NULL)
            goto fail;
        log_msg("embedded PostgreSQL running in %s", cfg.data_dir);
        step("embedded PostgreSQL running");
    } else {
        snprintf(conninfo, sizeof(conninfo), "%s", cfg.db);
    }
    struct store_opts so = {
        .conninfo = conninfo,
        .pool_size = cfg.db_pool,
        .acquire_timeout_ms = cfg.db_acquire_timeout_ms,
        .connect_timeout_s = cfg.db_connect_timeout_s,
        .statement_timeout_ms = cfg.db_statement_timeout_ms,
        .filter_timeout_ms = cfg.db_filter_timeout_ms,
        .prepare = migrate,
    };
    app.store = open_store(&so, cfg.db != NULL ? cfg.db_wait_s : 0, &e);
    if (app.store == NULL)
        goto fail;
    step("database open");
    dw = dbwatch_start(app.store, pc, &stop_flag, &e);
    if (dw == NULL)
        goto fail;
    /* the password is the serving process's: a worker started without
     * MICETRO_ADMIN_PASSWORD must not put the default back */
    startup_set(app.startup, STARTUP_ADMIN);
    if (cfg.mode != MODE_WORKER && session_bootstrap(&app, &e))
        goto fail;
    step("administrator checked");
    if (cfg.seed_file != NULL &&
        control_seed_file(&app, cfg.seed_file, why, sizeof(why)) != 0) {
        fprintf(stderr, "micetro-emu: --seed %s\n", why);
        goto out;
    }
    if (app.journal != NULL &&
        control_journal_start(app.journal, app.store, &e) != 0)
        goto fail;
    if (stop_flag) {
        status = 0;
        goto out;
    }
    if (cfg.mode != MODE_SERVE) {
        if ((wk = worker_new(&app, conninfo, &e)) == NULL)
            goto fail;
        if (cfg.mode == MODE_WORKER) {
            fprintf(stderr, "micetro-emu: worker running\n");
            worker_run(wk);
            status = 0;
            goto out;
        }
        if (pthread_create(&wt, NULL, worker_main, wk) != 0) {
            err_set(&e, ERR_SYS, "cannot start the worker thread");
            goto fail;
        }
        wt_started = 1;
    }
    startup_done(app.startup);
    step("ready");
    /* the line tests and scripts wait for, on its own */
    fprintf(stderr,
            "micetro-emu: listening on http://%s%s%s:%d"
            "/_mmwebext/mmwebext.dll?Soap\n",
            strchr(cfg.listen_host, ':') ? "[" : "", cfg.listen_host,
            strchr(cfg.listen_host, ':') ? "]" : "", httpd_port(h));
    busy = httpd_run(h) != 0;
    log_msg("stopped serving");
    status = busy ? 1 : 0;
    goto out;
fail:
    fprintf(stderr, "micetro-emu: %s\n", e.msg);
    status = 1;
    stop_flag = 1; /* requests waiting for the start give up */
out:
    if (wt_started) {
        stop_flag = 1;
        pthread_join(wt, NULL);
    }
    worker_free(wk);
    /* before the cluster is stopped: nothing may start it again */
    if (dbwatch_failed(dw))
        status = 1;
    dbwatch_stop(dw);
    if (!busy) {
        /* with connections still busy, their threads may use these */
        httpd_free(h);
        control_journal_free(app.journal); /* what is queued written */
        control_faults_free(app.faults);
        store_close(app.store);
        wsdl_free(app.wsdl);
        jsonrpc_schema_free(app.jsonrpc);
        session_throttles_free(&app);
        gate_free(app.lists);
        startup_free(app.startup);
        xmlCleanupParser();
    }
    if (pc != NULL) {
        struct err e2;
        if (pgcluster_stop(pc, &e2))
            fprintf(stderr, "micetro-emu: %s\n", e2.msg);
        else
            log_msg("embedded PostgreSQL stopped");
    }
    config_free(&cfg);
    return status;
}
