/* micetro-emu: Login and Logout (the session check every other operation
 * starts with is call_begin's, call.c). */
#include "session.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "soapH.h"

#include "soap_entry.h"

#include "app.h"
#include "call.h"
#include "config.h"
#include "store_session.h"
#include "store_user.h"
#include "passwd.h"
#include "sessid.h"
#include "log.h"
#include "soaphttpd.h"
#include "store.h"
#include "throttle.h"
#include "validate.h"

#define SESSION_FAULT "Invalid or expired session"
#define CREDENTIALS_FAULT "Invalid username or password."
#define PURGE_INTERVAL_S 60

/* When expired sessions were last deleted (seconds, monotonic clock). */
static atomic_llong last_purge;

/* Deletes expired sessions at most once a minute, on the Login path, so
 * the table holds about one timeout's worth of logins. */
static void purge_expired(struct app *app, struct store_conn *c)
{
    struct timespec ts;
    long long now, prev;
    struct err e;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (long long)ts.tv_sec;
    prev = atomic_load(&last_purge);
    if (prev != 0 && now - prev < PURGE_INTERVAL_S)
        return;
    if (!atomic_compare_exchange_strong(&last_purge, &prev, now))
        return; /* another thread does it */
    if (store_session_purge(c, app->cfg->session_timeout_s, &e) < 0)
        log_msg("deleting expired sessions failed: %s", e.msg);
}

int session_bootstrap(struct app *app, struct err *e)
{
    const struct config *cfg = app->cfg;
    char hash[PASSWD_HASH_MAX];
    struct store_conn *c;
    int rc, exists, ended = 0;

    c = store_acquire(app->store, e);
    if (c == NULL)
        return e->code;
    if ((rc = store_begin(c, e)) != 0)
        goto out;
    rc = store_user_lock(c, SESSION_ADMIN_LOGIN, hash, sizeof(hash), e);
    if (rc != 0 && rc != ERR_NOTFOUND)
        goto out;
    exists = rc == 0;
    /* the default only makes the user; the same password again changes
     * nothing (rolled back on release) */
    if (exists && (cfg->admin_password_default ||
                   passwd_verify(cfg->admin_password, hash)))
        goto out;
    rc = passwd_hash(cfg->admin_password, hash, sizeof(hash), e);
    if (rc == 0 && exists) {
        /* the old password's sessions end with it */
        ended = store_user_set_hash(c, SESSION_ADMIN_LOGIN, hash, e);
        rc = ended < 0 ? ended : 0;
    } else if (rc == 0) {
        rc = store_user_create(c, SESSION_ADMIN_LOGIN, hash, e);
    }
    if (rc == 0)
        rc = store_commit(c, e);
    if (rc != 0)
        goto out;
    if (exists)
        log_msg("administrator password changed from MICETRO_ADMIN_PASSWORD; "
                "its sessions ended: %d",
                ended);
    else
        log_msg("administrator created with the password %s",
                cfg->admin_password_default ? "\"administrator\" (the default)"
                                            : "from MICETRO_ADMIN_PASSWORD");
out:
    store_release(app->store, c);
    return rc;
}

int session_throttles_new(struct app *app, struct err *e)
{
    const struct config *cfg = app->cfg;
    struct throttle_limits l = {
        .max_failures = cfg->login_max_failures,
        .window_ms = cfg->login_window_s * 1000LL,
        .lockout_ms = cfg->login_lockout_s * 1000LL,
        .lockout_max_ms = cfg->login_lockout_max_s * 1000LL,
        .entries = (size_t)cfg->login_entries,
    };

    app->login_addr = throttle_new(&l);
    l.max_failures = cfg->login_name_max_failures;
    app->login_name = throttle_new(&l);
    if (app->login_addr == NULL || app->login_name == NULL) {
        session_throttles_free(app);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    return 0;
}

void session_throttles_free(struct app *app)
{
    throttle_free(app->login_addr);
    throttle_free(app->login_name);
    app->login_addr = app->login_name = NULL;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Seconds, rounded up, for "try again in N s". */
static long long secs(long long ms)
{
    return (ms + 999) / 1000;
}

/* ERR_THROTTLED when the client's address or the login name is locked
 * out, else 0.  The name quoted is safe in a fault (validate_quote). */
static int login_locked(struct call *k, const char *peer, const char *name)
{
    char q[VALIDATE_QUOTE_BUF];
    long long now = now_ms(), left;

    left = throttle_locked(k->app->login_addr, peer, now);
    if (left > 0)
        return err_set(&k->e, ERR_THROTTLED,
                       "too many failed logins from %s: try again in %lld s",
                       peer, secs(left));
    left = name ? throttle_locked(k->app->login_name, name, now) : 0;
    if (left > 0)
        return err_set(&k->e, ERR_THROTTLED,
                       "too many failed logins for \"%s\": try again in "
                       "%lld s",
                       validate_quote(name, q, sizeof(q)), secs(left));
    return 0;
}

/* A failed login: logged (address and name, never the password) and
 * counted against both; a lockout it starts is logged too.  Returns the
 * bad credentials fault's code. */
static int login_failed(struct call *k, const char *peer, const char *name)
{
    const struct config *cfg = k->app->cfg;
    char q[VALIDATE_QUOTE_BUF];
    long long now = now_ms(), lock;

    validate_quote(name ? name : "", q, sizeof(q));
    log_msg("login failed for \"%s\" from %s", q, peer);
    lock = throttle_fail(k->app->login_addr, peer, now);
    if (lock > 0)
        log_msg("%s locked out of Login for %lld s after %d failed logins",
                peer, secs(lock), cfg->login_max_failures);
    lock = name ? throttle_fail(k->app->login_name, name, now) : 0;
    if (lock > 0)
        log_msg("login name \"%s\" locked out of Login for %lld s after %d "
                "failed logins",
                q, secs(lock), cfg->login_name_max_failures);
    return err_set(&k->e, ERR_AUTH, CREDENTIALS_FAULT);
}

static int login(struct soap *soap, struct _mm__Login *rq,
                 struct _mm__LoginResponse *rs)
{
    char hash[PASSWD_HASH_MAX] = "";
    char sid[SESSID_LEN + 1];
    const char *peer = soaphttpd_peer(soap);
    struct call k;
    int rc, ok;

    call_init(&k, soap);
    if (rq->loginName != NULL) /* the name tried, for the call's log line */
        snprintf(k.login, sizeof(k.login), "%s", rq->loginName);
    /* a locked out client is refused before its password is looked at */
    if ((rc = login_locked(&k, peer, rq->loginName)) != 0)
        return call_end(&k, rc);
    if (rq->loginName == NULL || rq->password == NULL)
        return call_end(&k, login_failed(&k, peer, rq->loginName));
    if ((rc = call_open(&k)) != 0)
        return call_end(&k, rc);
    rc = store_user_hash(k.c, rq->loginName, hash, sizeof(hash), &k.e);
    if (rc != 0 && rc != ERR_NOTFOUND)
        return call_end(&k, rc);
    /* always run the slow check, so unknown names cost the same time */
    ok = passwd_verify(rq->password, rc == 0 ? hash : NULL);
    if (!ok)
        return call_end(&k, login_failed(&k, peer, rq->loginName));
    /* the right password: the address and the name start again */
    throttle_forget(k.app->login_addr, peer);
    throttle_forget(k.app->login_name, rq->loginName);
    rc = sessid_generate(sid, &k.e);
    if (rc == 0)
        rc = store_session_create(k.c, sid, rq->loginName, &k.e);
    if (rc == 0) {
        rs->session = soap_strdup(soap, sid);
        purge_expired(k.app, k.c);
    }
    return call_end(&k, rc);
}

static int logout(struct soap *soap, struct _mm__Logout *rq,
                  struct _mm__LogoutResponse *rs)
{
    struct call k;
    int rc;

    (void)rs;
    call_init(&k, soap);
    /* the id's form before the connection, as every call checks it */
    if (!sessid_valid(rq->session))
        return call_end(&k, err_set(&k.e, ERR_SESSION, SESSION_FAULT));
    rc = call_open(&k);
    if (rc == 0)
        rc = store_session_end(k.c, rq->session, k.app->cfg->session_timeout_s,
                               &k.e);
    return call_end(&k, rc);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(Login, login)
SOAP_ENTRY(Logout, logout)
