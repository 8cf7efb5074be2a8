/* micetro-emu storage: users (see store_user.h). */
#include "store_user.h"

#include <string.h>

#include <libpq-fe.h>

#include "store_int.h"

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

int store_user_upsert(struct store_conn *c, const char *login, const char *hash,
                      struct err *e)
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
