/* micetro-emu storage: sessions (see store_session.h). */
#include "store_session.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"

/* A session check in one SELECT: FROM SESSION_FROM WHERE SESSION_LIVE
 * finds session $1 (s) and its user (u) when the session exists, has been
 * used within $2 seconds and its user is still enabled; SESSION_STALE (a
 * boolean column) is true when its last use should be written, which is
 * then done by mark_used: only when it is older than a twentieth of the
 * timeout (at most 10 s), so that most checks are reads, with no commit
 * to flush, and a session expires at most that much early. */
#define SESSION_FROM "sessions s JOIN users u ON u.id = s.user_id"
#define SESSION_LIVE                                                           \
    "s.id = $1 AND u.enabled AND s.last_used > now() - "                       \
    "make_interval(secs => $2::double precision)"
#define SESSION_STALE                                                          \
    "s.last_used < now() - "                                                   \
    "make_interval(secs => least($2::double precision / 20, 10))"

/* The message of a session that is not live, and the longest login (+1)
 * a session check accepts when its caller wants no copy of it. */
#define SESSION_INVALID "Invalid or expired session"
#define SESSION_LOGIN_BUF 256

static int check_idle(int idle_s, struct err *e)
{
    if (idle_s < 0)
        return err_set(e, ERR_INVALID, "invalid idle timeout %d", idle_s);
    return 0;
}

int store_session_create(struct store_conn *c, const char *sid,
                         const char *login, struct err *e)
{
    const char *params[2];
    int rc;

    if (sid == NULL || sid[0] == '\0')
        return err_set(e, ERR_INVALID, "missing session id");
    if (login == NULL)
        return err_set(e, ERR_INVALID, "missing user name");
    params[0] = sid;
    params[1] = login;
    rc = store_exec_cmd(c,
                        "INSERT INTO sessions (id, user_id) "
                        "SELECT $1, id FROM users "
                        "WHERE login = $2 AND enabled",
                        2, params, e);
    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "session id already in use");
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "user \"%s\" does not exist", login);
    return 0;
}

/* The session check: every request runs it, so it is prepared. */
static const char touch_sql[] = "SELECT u.login, " SESSION_STALE
                                " FROM " SESSION_FROM " WHERE " SESSION_LIVE;

/* Writes the last use of session sid (idle timeout idle_s) after a check
 * found it stale; a session ended meanwhile stays ended.  0 or ERR_*. */
static int mark_used(struct store_conn *c, const char *sid, int idle_s,
                     struct err *e);

/* What touch_sql's result r says of session sid: ERR_SESSION when it is
 * not live, else its login into login[loginlen] (when not NULL) and its
 * use written when stale. */
static int touched(struct store_conn *c, const PGresult *r, const char *sid,
                   int idle_s, char *login, size_t loginlen, struct err *e)
{
    char name[SESSION_LOGIN_BUF];
    const char *v;
    size_t len, room;
    char *dst;

    if (PQntuples(r) == 0)
        return err_set(e, ERR_SESSION, SESSION_INVALID);
    dst = login != NULL ? login : name;
    room = login != NULL ? loginlen : sizeof(name);
    v = PQgetvalue(r, 0, 0);
    len = strlen(v);
    if (len >= room)
        return err_set(e, ERR_INTERNAL,
                       "value of column \"login\" too long (%zu bytes)", len);
    memcpy(dst, v, len + 1);
    if (PQgetvalue(r, 0, 1)[0] == 't')
        return mark_used(c, sid, idle_s, e);
    return 0;
}

/* touched as a store_check_fn: the session and timeout are the check's
 * parameters. */
static int touched_deferred(struct store_conn *c, const PGresult *r,
                            const struct store_deferred *d, struct err *e)
{
    return touched(c, r, d->params[0], (int)strtol(d->params[1], NULL, 10),
                   d->out, d->outlen, e);
}

/* The checks both ways share: login cleared, idle_s and sid refused as
 * store_session_touch refuses them. */
static int touch_args(const char *sid, int idle_s, char *login, size_t loginlen,
                      struct err *e)
{
    int rc;

    if (login != NULL && loginlen > 0)
        login[0] = '\0';
    if ((rc = check_idle(idle_s, e)) != 0)
        return rc;
    if (sid == NULL || sid[0] == '\0')
        return err_set(e, ERR_SESSION, SESSION_INVALID);
    return 0;
}

int store_session_touch(struct store_conn *c, const char *sid, int idle_s,
                        char *login, size_t loginlen, struct err *e)
{
    char idle[STORE_INTBUF];
    const char *params[2];
    PGresult *r = NULL;
    int rc;

    if ((rc = touch_args(sid, idle_s, login, loginlen, e)) != 0)
        return rc;
    params[0] = sid;
    params[1] = store_param_int(idle, idle_s);
    /* the session of a user disabled meanwhile is no longer live */
    rc = store_exec_prepared(c, touch_sql, STORE_NPARAMS(params), params, &r,
                             e);
    if (rc != 0)
        return rc;
    rc = touched(c, r, sid, idle_s, login, loginlen, e);
    PQclear(r);
    return rc;
}

int store_session_defer(struct store_conn *c, const char *sid, int idle_s,
                        char *login, size_t loginlen, struct err *e)
{
    char idle[STORE_INTBUF];
    const char *params[2];
    int rc;

    if ((rc = touch_args(sid, idle_s, login, loginlen, e)) != 0)
        return rc;
    if (strlen(sid) >= STORE_DEFER_PARAM_BUF) /* no session id is as long */
        return store_session_touch(c, sid, idle_s, login, loginlen, e);
    params[0] = sid;
    params[1] = store_param_int(idle, idle_s);
    return store_defer(c, touch_sql, STORE_NPARAMS(params), params,
                       touched_deferred, login, loginlen, e);
}

static int mark_used(struct store_conn *c, const char *sid, int idle_s,
                     struct err *e)
{
    char idle[STORE_INTBUF];
    const char *params[2];
    int rc;

    params[0] = sid;
    params[1] = store_param_int(idle, idle_s);
    /* still live and still stale: an ended or expired session stays so */
    rc = store_exec_cmd(c,
                        "UPDATE sessions SET last_used = now() "
                        "WHERE id = $1 AND last_used > now() - "
                        "make_interval(secs => $2::double precision) "
                        "AND last_used < now() - make_interval(secs => "
                        "least($2::double precision / 20, 10))",
                        STORE_NPARAMS(params), params, e);
    return rc < 0 ? rc : 0;
}

int store_session_end(struct store_conn *c, const char *sid, int idle_s,
                      struct err *e)
{
    char idle[STORE_INTBUF], live[8];
    const char *params[2];
    int rc;

    rc = check_idle(idle_s, e);
    if (rc != 0)
        return rc;
    if (sid == NULL || sid[0] == '\0')
        return err_set(e, ERR_SESSION, SESSION_INVALID);
    params[0] = sid;
    params[1] = store_param_int(idle, idle_s);
    /* an expired session is deleted too, but ending it is an error */
    rc = store_query_text(c,
                          "DELETE FROM sessions WHERE id = $1 "
                          "RETURNING last_used > now() - "
                          "make_interval(secs => $2)",
                          2, params, live, sizeof(live), e);
    if (rc < 0)
        return rc;
    if (rc == 0 || live[0] != 't')
        return err_set(e, ERR_SESSION, SESSION_INVALID);
    return 0;
}

int store_session_purge(struct store_conn *c, int idle_s, struct err *e)
{
    char idle[STORE_INTBUF];
    const char *params[1];
    int rc;

    rc = check_idle(idle_s, e);
    if (rc != 0)
        return rc;
    params[0] = store_param_int(idle, idle_s);
    return store_exec_cmd(c,
                          "DELETE FROM sessions "
                          "WHERE last_used <= now() - "
                          "make_interval(secs => $1)",
                          1, params, e);
}
