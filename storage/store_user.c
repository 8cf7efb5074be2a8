/* micetro-emu storage: users (see store_user.h). */
#include "store_user.h"

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

/* Runs sql, a write of user $1 with hash $2, after checking both; its
 * rows or a negative ERR_*. */
static int write_user(struct store_conn *c, const char *sql, const char *login,
                      const char *hash, struct err *e)
{
    const char *params[2];

    if (login == NULL || login[0] == '\0')
        return err_set(e, ERR_INVALID, "missing user name");
    if (hash == NULL || hash[0] == '\0')
        return err_set(e, ERR_INVALID, "missing password hash");
    params[0] = login;
    params[1] = hash;
    return store_exec_cmd(c, sql, 2, params, e);
}

int store_user_create(struct store_conn *c, const char *login, const char *hash,
                      struct err *e)
{
    int rc = write_user(c,
                        "INSERT INTO users (login, password_hash) "
                        "VALUES ($1, $2)",
                        login, hash, e);

    if (rc == ERR_EXISTS)
        return err_set(e, ERR_EXISTS, "user \"%s\" already exists", login);
    return rc < 0 ? rc : 0;
}

int store_user_set_hash(struct store_conn *c, const char *login,
                        const char *hash, struct err *e)
{
    int rc = write_user(c,
                        "UPDATE users SET password_hash = $2 WHERE login = $1",
                        login, hash, e);

    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_NOTFOUND, "user \"%s\" does not exist", login);
    return 0;
}
