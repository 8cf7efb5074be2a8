/* micetro-emu storage: users (see store_user.h). */
#include "store_user.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"

/* Runs sql, a read of the hash of user $1, into hash[hashlen]. */
static int read_hash(struct store_conn *c, const char *sql, const char *login,
                     char *hash, size_t hashlen, struct err *e)
{
    const char *params[1];
    int rc;

    if (login == NULL || hash == NULL || hashlen == 0)
        return err_set(e, ERR_INVALID, "missing user name");
    params[0] = login;
    rc = store_query_text(c, sql, 1, params, hash, hashlen, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "user \"%s\" does not exist", login);
    return 0;
}

int store_user_hash(struct store_conn *c, const char *login, char *hash,
                    size_t hashlen, struct err *e)
{
    return read_hash(c,
                     "SELECT password_hash FROM users "
                     "WHERE login = $1 AND enabled",
                     login, hash, hashlen, e);
}

int store_user_lock(struct store_conn *c, const char *login, char *hash,
                    size_t hashlen, struct err *e)
{
    /* self-exclusive, but not against reads nor the key share lock of a
     * session's insert: Logins go on meanwhile */
    int rc = store_exec_cmd(c, "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE",
                            0, NULL, e);

    if (rc < 0)
        return rc;
    return read_hash(c, "SELECT password_hash FROM users WHERE login = $1",
                     login, hash, hashlen, e);
}

/* Runs sql, a write of user $1 with hash $2 returning one row, after
 * checking both; its first value into out[outlen], and 1, 0 (no row) or
 * a negative ERR_*. */
static int write_user(struct store_conn *c, const char *sql, const char *login,
                      const char *hash, char *out, size_t outlen, struct err *e)
{
    const char *params[2];

    if (login == NULL || login[0] == '\0')
        return err_set(e, ERR_INVALID, "missing user name");
    if (hash == NULL || hash[0] == '\0')
        return err_set(e, ERR_INVALID, "missing password hash");
    params[0] = login;
    params[1] = hash;
    return store_query_text(c, sql, 2, params, out, outlen, e);
}

int store_user_create(struct store_conn *c, const char *login, const char *hash,
                      struct err *e)
{
    char id[STORE_INTBUF];
    int rc = write_user(c,
                        "INSERT INTO users (login, password_hash) "
                        "VALUES ($1, $2) RETURNING id",
                        login, hash, id, sizeof(id), e);

    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "user \"%s\" already exists", login);
    return rc < 0 ? rc : 0;
}

int store_user_set_hash(struct store_conn *c, const char *login,
                        const char *hash, struct err *e)
{
    char ended[STORE_INTBUF];
    /* one statement: no session of the old password outlives it */
    int rc = write_user(c,
                        "WITH u AS (UPDATE users SET password_hash = $2 "
                        "WHERE login = $1 RETURNING id), "
                        "s AS (DELETE FROM sessions "
                        "WHERE user_id IN (SELECT id FROM u) RETURNING 1) "
                        "SELECT (SELECT count(*) FROM s) FROM u",
                        login, hash, ended, sizeof(ended), e);

    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "user \"%s\" does not exist", login);
    return (int)strtol(ended, NULL, 10);
}
