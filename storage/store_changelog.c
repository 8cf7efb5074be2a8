/* micetro-emu storage: the change log (see store_changelog.h). */
#include "store_changelog.h"

#include <stddef.h>

#include "store_int.h"

int store_changelog_add(struct store_conn *c, const char *login,
                        const char *action, int object_type,
                        long long object_id, const char *object_name,
                        const char *comment, struct err *e)
{
    char type[STORE_INTBUF], id[STORE_INTBUF];
    const char *params[6];
    int rc;

    if (login == NULL || login[0] == '\0')
        return err_set(e, ERR_INTERNAL, "change without a login");
    if (action == NULL || action[0] == '\0')
        return err_set(e, ERR_INTERNAL, "change without an action");
    params[0] = login;
    params[1] = action;
    params[2] = store_param_int(type, object_type);
    params[3] = store_param_int(id, object_id);
    params[4] = object_name;
    params[5] = comment != NULL && comment[0] != '\0' ? comment : NULL;
    rc = store_exec_cmd(c,
                        "INSERT INTO change_log (login, action, object_type, "
                        "object_id, object_name, comment) "
                        "VALUES ($1, $2, $3::integer, $4::bigint, $5, $6)",
                        STORE_NPARAMS(params), params, e);
    return rc < 0 ? rc : 0;
}
