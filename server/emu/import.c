/* micetro-emu: importing what a DHCP server runs (see import.h). */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_rpc.h"
#include "app.h"
#include "confimport.h"
#include "confparse.h"
#include "log.h"
#include "store.h"
#include "store_config.h"
#include "store_import.h"
#include "store_server.h"
#include "textdiff.h"

/* The name a live file is given in messages. */
#define LIVE_NAME "dhcpd.conf"
/* Servers imported per round of the worker, at most. */
#define IMPORT_ROUND_MAX 64

/* A parsed and imported file. */
struct parsed {
    struct confparse *conf;
    struct confimport *im;
};

static void parsed_free(struct parsed *p)
{
    confimport_free(p->im);
    confparse_free(p->conf);
    memset(p, 0, sizeof(*p));
}

/* Reads text as a dhcpd.conf into *p, its includes through include(ctx)
 * (NULL: refused): 0, or ERR_INVALID with "file:line: what" in e, or
 * ERR_NOMEM. */
static int parse(const char *text, confparse_include_fn include, void *ctx,
                 struct parsed *p, struct err *e)
{
    const struct confimport_options opt = {STORE_CONFIG_OMAPI_KEY_NAME};
    struct confparse_err pe;
    int rc;

    memset(p, 0, sizeof(*p));
    memset(&pe, 0, sizeof(pe));
    rc = confparse_parse(text, strlen(text), LIVE_NAME, include, ctx, &p->conf,
                         &pe);
    if (rc == ERR_INVALID)
        return err_set(e, ERR_INVALID, "%s:%d: %s",
                       pe.file[0] ? pe.file : LIVE_NAME, pe.line, pe.what);
    if (rc != 0)
        return err_set(e, rc, "cannot parse %s: %s", LIVE_NAME, pe.what);
    if ((rc = confimport_import(p->conf, &opt, &p->im, e)) != 0)
        parsed_free(p);
    return rc;
}

/* A real server's files, read through its agent: the live one, then
 * each included one as the parse asks for it (confparse_include_fn). */
struct fetch {
    struct agent_rpc_target t;
    char *texts[CONFPARSE_INCLUDES_MAX];
    size_t n;
    struct err e; /* the agent's failure, if any */
};

static int fetch_include(void *ctx, const char *name, const char **text,
                         size_t *len)
{
    struct fetch *f = ctx;
    char *buf = NULL;

    if (f->n == CONFPARSE_INCLUDES_MAX || f->e.code != 0)
        return -1;
    if (agent_rpc_get_config(&f->t, name, &buf, &f->e) != 0)
        return -1;
    if (buf == NULL) {
        err_set(&f->e, ERR_NOTFOUND, "the agent has no file \"%s\"", name);
        return -1;
    }
    f->texts[f->n++] = buf;
    *text = buf;
    *len = strlen(buf);
    return 0;
}

static void fetch_free(struct fetch *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->texts[i]);
    f->n = 0;
}

/* What one peer of the file became, with the text of its reason. */
struct peer_work {
    struct store_import_peer p;
    char reason[512];
};

/* Matches peer pr of server srv against the other managed server whose
 * file declares it, inside the import's transaction on c. */
static int match_peer(struct store_conn *c,
                      const struct store_import_server *srv,
                      const struct confimport_peer *pr, struct peer_work *w,
                      struct err *e)
{
    struct store_import_partner partner;
    struct confimport_side a, b;
    struct err me;
    int rc;

    w->p.decl = pr;
    w->p.reason = w->reason;
    if (pr->problem != NULL) {
        snprintf(w->reason, sizeof(w->reason), "%s", pr->problem);
        return 0;
    }
    rc = store_import_partner(c, srv->id, pr->name, &partner, e);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        snprintf(w->reason, sizeof(w->reason),
                 "failover peer \"%s\" is declared on %s only", pr->name,
                 srv->name);
        return 0;
    }
    w->p.partner_id = partner.id;
    a.server = partner.name;
    a.address = partner.address;
    a.peer = &partner.peer;
    b.server = srv->name;
    b.address = srv->address;
    b.peer = pr;
    err_clear(&me);
    if (confimport_match(&a, &b, &w->p.rel, &me) != 0) {
        memset(&w->p.rel, 0, sizeof(w->p.rel));
        snprintf(w->reason, sizeof(w->reason), "%s", me.msg);
    } else {
        w->p.rel.name = pr->name; /* a's points into partner */
        w->p.reason = NULL;
    }
    return 0;
}

/* Records server id's failure to import: Failed, and the server Out of
 * date, with why. */
static int failed(struct store_conn *c, long long id, const char *why,
                  struct import_outcome *out, struct err *e)
{
    char msg[1024];
    int rc;

    snprintf(out->state, sizeof(out->state), "Failed");
    snprintf(out->message, sizeof(out->message), "%s", why);
    snprintf(msg, sizeof(msg), "import failed: %s", why);
    if ((rc = store_begin(c, e)) != 0)
        return rc;
    if ((rc = store_import_set(c, id, "Failed", why, e)) != 0 ||
        (rc = store_server_set_state(c, id, "Out of date", msg, NULL, 0, e)) !=
            0 ||
        (rc = store_commit(c, e)) != 0)
        store_rollback(c);
    return rc;
}

/* The import proper, in the transaction store_import_begin opened. */
static int apply(struct store_conn *c, const struct store_import_server *srv,
                 const struct parsed *p, struct import_outcome *out,
                 struct err *e)
{
    const struct confimport *im = p->im;
    char note[CONFIMPORT_TEXT_MAX + 32] = "";
    struct peer_work *w;
    int rc = 0;

    if (im == NULL)
        return err_set(e, ERR_INTERNAL, "no file parsed");
    if ((w = calloc(im->npeers + 1, sizeof(*w))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < im->npeers; i++)
        rc = match_peer(c, srv, &im->peers[i], &w[i], e);
    for (size_t i = 0; i < im->nscopes; i++) {
        out->pools += im->scopes[i].npools;
        if (im->scopes[i].note != NULL && note[0] == '\0')
            snprintf(note, sizeof(note), "%s", im->scopes[i].note);
    }
    out->scopes = im->nscopes;
    if (rc == 0) {
        struct store_import_peer *peers = calloc(im->npeers + 1,
                                                 sizeof(*peers));

        if (peers == NULL) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
        } else {
            for (size_t i = 0; i < im->npeers; i++) {
                peers[i] = w[i].p;
                if (peers[i].rel.name != NULL)
                    out->relationships++;
                else
                    out->reported++;
            }
            rc = store_import_apply(c, srv->id, im, peers, im->npeers,
                                    srv->live, note[0] ? note : NULL, e);
            if (rc == 0)
                rc = store_server_set_state(c, srv->id, "OK", NULL, NULL, 0, e);
            free(peers);
        }
    }
    free(w);
    snprintf(out->message, sizeof(out->message), "%s", note);
    return rc;
}

/* Records that server id's live file could not be read (why): the
 * import stays Pending, tried again after STORE_IMPORT_RETRY_S, and the
 * server Out of date (Unreachable when the agent was not reached)
 * meanwhile, with why, as a push would say it. */
static int not_read(struct store_conn *c, long long id, const struct err *why,
                    struct import_outcome *out, struct err *e)
{
    /* as a failed push says it: an agent not reached is Unreachable */
    const char *state = why->code == ERR_SYS ? "Unreachable" : "Out of date";
    int rc;

    snprintf(out->state, sizeof(out->state), "Pending");
    snprintf(out->message, sizeof(out->message),
             "cannot read the live file: %s", why->msg);
    if ((rc = store_begin(c, e)) != 0)
        return rc;
    if ((rc = store_import_set(c, id, "Pending", out->message, e)) != 0 ||
        (rc = store_server_set_state(c, id, state, why->msg, NULL, 0, e)) !=
            0 ||
        (rc = store_commit(c, e)) != 0)
        store_rollback(c);
    return rc;
}

/* Reads a real server's live file through its agent into srv->live and
 * parses it (includes read through the agent too), outside any
 * transaction: 0 with *prc the parse's result and pe its error, or
 * ERR_SYS ... when the agent could not be read (pe says why). */
static int read_real(struct app *app, struct store_import_server *srv,
                     struct fetch *f, struct parsed *p, int *prc,
                     struct err *pe)
{
    f->t = agent_rpc_target_of(app->cfg, srv->name, srv->host, srv->agent_port);
    if (f->t.secret == NULL)
        return agent_rpc_no_secret(srv->name, pe);
    free(srv->live);
    srv->live = NULL;
    if (agent_rpc_get_config(&f->t, NULL, &srv->live, pe) != 0)
        return pe->code;
    if (srv->live == NULL)
        return 0;
    *prc = parse(srv->live, fetch_include, f, p, pe);
    if (*prc != 0 && f->e.code != 0 && f->e.code != ERR_NOTFOUND &&
        f->e.code != ERR_INVALID) {
        err_set(pe, f->e.code, "%s", f->e.msg); /* the agent, not the file */
        return pe->code;
    }
    if (*prc == ERR_INVALID && f->e.code != 0) {
        char why[sizeof(pe->msg)];

        snprintf(why, sizeof(why), "%s", pe->msg);
        err_set(pe, ERR_INVALID, "%.500s (%.400s)", why, f->e.msg);
    }
    return 0;
}

int import_server(struct app *app, long long id, struct import_outcome *out,
                  struct err *e)
{
    struct store_import_server srv, again;
    struct parsed p;
    struct fetch *f = NULL;
    struct store_conn *c;
    struct err pe;
    int rc, prc = 0;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    err_clear(&pe);
    if ((c = store_acquire(app->store, e)) == NULL)
        return e->code;
    if ((rc = store_import_begin(c, id, &srv, e)) != 0) {
        store_release(app->store, c);
        return rc;
    }
    if (!srv.simulated) {
        /* the agent is called outside the transaction, which starts again
         * once the files are read and parsed */
        store_rollback(c);
        if ((f = calloc(1, sizeof(*f))) == NULL) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
        } else if (read_real(app, &srv, f, &p, &prc, &pe) != 0) {
            rc = not_read(c, id, &pe, out, e);
            goto done;
        } else if ((rc = store_import_begin(c, id, &again, e)) == 0) {
            free(again.live);
        }
        if (rc != 0) {
            parsed_free(&p);
            goto done;
        }
    } else if (srv.live != NULL) {
        prc = parse(srv.live, NULL, NULL, &p, &pe);
    }
    if (srv.live == NULL) { /* no file: nothing to import */
        snprintf(out->state, sizeof(out->state), "Applied");
        snprintf(out->message, sizeof(out->message),
                 "no live file: nothing imported");
        if ((rc = store_import_set(c, id, "Applied", out->message, e)) == 0)
            rc = store_commit(c, e);
        if (rc != 0)
            store_rollback(c);
    } else if (prc == ERR_INVALID) {
        store_rollback(c);
        rc = failed(c, id, pe.msg, out, e);
    } else if (prc != 0) {
        store_rollback(c);
        rc = err_set(e, prc, "%s", pe.msg);
    } else {
        rc = apply(c, &srv, &p, out, e);
        if (rc == 0)
            rc = store_commit(c, e);
        if (rc != 0)
            store_rollback(c);
        else
            snprintf(out->state, sizeof(out->state), "Applied");
        /* what the database refuses of the file (a rule of the model it
         * breaks) fails the import instead of retrying it every round */
        if (rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_EXISTS) {
            char why[sizeof(e->msg)];

            snprintf(why, sizeof(why), "%s", e->msg);
            rc = failed(c, id, why, out, e);
        }
    }
    parsed_free(&p);
done:
    if (f != NULL) {
        fetch_free(f);
        free(f);
    }
    free(srv.live);
    store_release(app->store, c);
    return rc;
}

void import_pending(struct app *app)
{
    long long ids[IMPORT_ROUND_MAX];
    struct store_conn *c;
    size_t n = 0;
    struct err e;

    if ((c = store_acquire(app->store, &e)) == NULL)
        return;
    if (store_import_pending(c, ids, IMPORT_ROUND_MAX, &n, &e) != 0)
        log_msg("worker: imports not listed: %s", e.msg);
    store_release(app->store, c);
    for (size_t i = 0; i < n && !*app->stop; i++) {
        struct import_outcome out;

        if (import_server(app, ids[i], &out, &e) != 0)
            log_msg("worker: import of server %lld: %s", ids[i], e.msg);
        else
            log_msg("worker: server %lld imported: %s (%zu scopes, %zu "
                    "pools, %zu relationships, %zu peers reported)%s%s",
                    ids[i], out.state, out.scopes, out.pools, out.relationships,
                    out.reported, out.message[0] ? ": " : "", out.message);
    }
}

/* Server id's live file (NULL: it has none) differs from baseline: the
 * server is Out of date, saying what differs.  0, or -1 when the
 * difference could not be computed. */
static int mark_drift(struct store_conn *c, long long id, const char *baseline,
                      const char *live)
{
    struct textdiff td;
    char sum[128], msg[256];
    struct err e;

    if (live == NULL)
        snprintf(msg, sizeof(msg),
                 "the live file is gone: it was last pushed or imported");
    else if (textdiff(baseline, live, "baseline", "live", &td, NULL, &e) != 0)
        return -1;
    else {
        textdiff_summary(&td, sum, sizeof(sum));
        snprintf(msg, sizeof(msg),
                 "the live file differs from the one last pushed or "
                 "imported (%s)",
                 sum);
    }
    if (store_server_set_state(c, id, "Out of date", msg, NULL, 0, &e) != 0)
        log_msg("worker: drift of server %lld not recorded: %s", id, e.msg);
    return 0;
}

/* Each watched real server's live file read through its agent, outside
 * any transaction and holding no connection, and compared with its
 * baseline.  An agent that cannot be read is the state poll's to report:
 * skipped here. */
static void drift_real(struct app *app)
{
    struct store_import_watch *w = NULL;
    struct store_conn *c;
    size_t n = 0;
    struct err e;

    if ((c = store_acquire(app->store, &e)) == NULL)
        return;
    if (store_import_watched(c, &w, &n, &e) != 0)
        log_msg("worker: servers to watch not read: %s", e.msg);
    store_release(app->store, c);
    for (size_t i = 0; i < n && !*app->stop; i++) {
        struct agent_rpc_target t = agent_rpc_target_of(
            app->cfg, w[i].name, w[i].host, w[i].agent_port);
        char *live = NULL;

        if (t.secret == NULL || agent_rpc_get_config(&t, NULL, &live, &e) != 0)
            continue;
        if (live == NULL || strcmp(live, w[i].baseline) != 0) {
            if ((c = store_acquire(app->store, &e)) != NULL) {
                mark_drift(c, w[i].id, w[i].baseline, live);
                store_release(app->store, c);
            }
        }
        free(live);
    }
    store_import_watch_free(w, n);
}

void import_drift(struct app *app)
{
    struct store_import_drift *d = NULL;
    struct store_conn *c;
    size_t n = 0;
    struct err e;

    if ((c = store_acquire(app->store, &e)) == NULL)
        return;
    if (store_import_drifted(c, &d, &n, &e) != 0)
        log_msg("worker: drift not read: %s", e.msg);
    for (size_t i = 0; i < n; i++)
        if (mark_drift(c, d[i].id, d[i].baseline, d[i].live) != 0)
            break;
    store_import_drift_free(d, n);
    store_release(app->store, c);
    drift_real(app);
}
