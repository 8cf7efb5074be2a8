/* micetro-emu storage: users and sessions (see auth.h). */
#include "auth.h"

#include <stddef.h>

#include <libpq-fe.h>

#include "store_int.h"

#define SESSION_INVALID "Invalid or expired session"

static int check_idle(int idle_s, struct err *e)
{
    if (idle_s < 0)
        return err_set(e, ERR_INVALID, "invalid idle timeout %d", idle_s);
    return 0;
}

int store_user_hash(struct store_conn *c, const char *login, char *hash,
                    size_t hashlen, struct err *e)
{
    const char *params[1];
    int rc;

    if (login == NULL || hash == NULL || hashlen == 0)
        return err_set(e, ERR_INVALID, "missing user name");
    params[0] = login;
    rc = store_query_text(c,
                          "SELECT password_hash FROM users "
                          "WHERE login = $1 AND enabled",
                          1, params, hash, hashlen, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "user \"%s\" does not exist", login);
    return 0;
}

int store_user_upsert(struct store_conn *c, const char *login,
                      const char *hash, struct err *e)
{
    const char *params[2];
    int rc;

    if (login == NULL || login[0] == '\0')
        return err_set(e, ERR_INVALID, "missing user name");
    if (hash == NULL || hash[0] == '\0')
        return err_set(e, ERR_INVALID, "missing password hash");
    params[0] = login;
    params[1] = hash;
    rc = store_exec_cmd(c,
                        "INSERT INTO users (login, password_hash) "
                        "VALUES ($1, $2) "
                        "ON CONFLICT (login) DO UPDATE "
                        "SET password_hash = EXCLUDED.password_hash",
                        2, params, e);
    return rc < 0 ? rc : 0;
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

int store_session_touch(struct store_conn *c, const char *sid, int idle_s,
                        char *login, size_t loginlen, struct err *e)
{
    char idle[STORE_INTBUF], name[256];
    const char *params[2];
    int rc;

    if (login != NULL && loginlen > 0)
        login[0] = '\0';
    rc = check_idle(idle_s, e);
    if (rc != 0)
        return rc;
    if (sid == NULL || sid[0] == '\0')
        return err_set(e, ERR_SESSION, SESSION_INVALID);
    params[0] = sid;
    params[1] = store_param_int(idle, idle_s);
    /* The session of a user disabled meanwhile is no longer live.  Its
     * last use is written only when it is older than a twentieth of the
     * timeout (at most 10 s): most checks are then reads, with no commit
     * to flush, and a session expires at most that much early. */
    rc = store_query_text(c,
                          "WITH live AS ("
                          " SELECT s.id, s.last_used, u.login"
                          " FROM sessions s JOIN users u ON u.id = s.user_id"
                          " WHERE s.id = $1 AND u.enabled"
                          " AND s.last_used > now() - "
                          "make_interval(secs => $2::double precision)), "
                          "touched AS ("
                          " UPDATE sessions SET last_used = now() FROM live"
                          " WHERE sessions.id = live.id"
                          " AND live.last_used < now() - make_interval(secs =>"
                          " least($2::double precision / 20, 10))"
                          " RETURNING 1) "
                          "SELECT login FROM live",
                          2, params, login != NULL ? login : name,
                          login != NULL ? loginlen : sizeof(name), e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_SESSION, SESSION_INVALID);
    return 0;
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
