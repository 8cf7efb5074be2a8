/* micetro-emu storage: the change log (table change_log, migration 002).
 *
 * Every mutation records who made it (the session's login), what it did
 * to which object, and the caller's saveComment, in the mutation's own
 * transaction: the row exists exactly when the change does.
 */
#ifndef MICETRO_STORE_CHANGELOG_H
#define MICETRO_STORE_CHANGELOG_H

#include "store.h"

/* Actions, as stored. */
#define CHANGELOG_ADD "add"
#define CHANGELOG_MODIFY "modify"
#define CHANGELOG_REMOVE "remove"
/* Custom property definitions: object_type is the type the property is
 * defined for, object_id 0, object_name the property's name. */
#define CHANGELOG_ADD_PROPDEF "add property definition"
#define CHANGELOG_MODIFY_PROPDEF "modify property definition"
#define CHANGELOG_REMOVE_PROPDEF "remove property definition"

/* Records that login did action (CHANGELOG_*) to the object of ObjectType
 * object_type (enum ref_type) and id object_id, called object_name (may be
 * NULL), with the caller's comment (NULL or "": none).  Call it inside the
 * mutation's transaction, after the change. */
int store_changelog_add(struct store_conn *c, const char *login,
                        const char *action, int object_type,
                        long long object_id, const char *object_name,
                        const char *comment, struct err *e);

#endif
