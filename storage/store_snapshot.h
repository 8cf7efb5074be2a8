/* micetro-emu storage: snapshots of the whole state of the objects (the
 * control API's /_emu/snapshots, docs/control.md).
 *
 * A snapshot is a copy of every table store_reset empties
 * (STORE_RESET_TABLES), kept in the database under a name with the
 * position of each id sequence (migration 010).  Sessions and users are
 * no part of it.  Every function runs inside the caller's transaction.
 */
#ifndef MICETRO_STORE_SNAPSHOT_H
#define MICETRO_STORE_SNAPSHOT_H

#include <stddef.h>

#include "err.h"

struct store_conn;

/* Snapshots a database keeps at most, and the longest name (1..64 of
 * [A-Za-z0-9_.-], checked by the caller and by the table). */
#define STORE_SNAPSHOT_MAX 64
#define STORE_SNAPSHOT_NAME_MAX 64

struct store_snapshot {
    char name[STORE_SNAPSHOT_NAME_MAX + 1];
    char created[40];   /* ISO 8601 UTC with milliseconds */
    int schema_version; /* the last migration when it was saved */
    char counts[1024];  /* JSON object: rows per table */
};

/* What a restore wrote. */
struct store_snapshot_restored {
    long long deleted, inserted; /* rows */
};

/* Saves the objects as snapshot name, into *out.  An existing snapshot
 * of that name is ERR_EXISTS unless replace (then it is deleted first);
 * STORE_SNAPSHOT_MAX others already: ERR_CONFLICT.  Locks, in order:
 * table snapshots (SHARE ROW EXCLUSIVE: one save at a time), the replaced
 * snapshot's row, then the tables of objects in SHARE mode (writes wait,
 * reads go on), so the copy and the sequences agree. */
int store_snapshot_save(struct store_conn *c, const char *name, int replace,
                        struct store_snapshot *out, struct err *e);

/* Makes the objects exactly snapshot name again, ids continuing from its
 * sequences, and no push claimed (store_job.h): the queue is the
 * snapshot's.  ERR_NOTFOUND for an unknown name, ERR_CONFLICT when it was
 * saved at another migration, ERR_INTERNAL when the database role may not set
 * session_replication_role.  Locks the snapshot's row (FOR SHARE), then
 * the tables of objects as store_reset does (ACCESS EXCLUSIVE). */
int store_snapshot_restore(struct store_conn *c, const char *name,
                           struct store_snapshot *out,
                           struct store_snapshot_restored *done, struct err *e);

/* Deletes snapshot name and its copies: ERR_NOTFOUND when there is none.
 * Waits for a restore of it to end. */
int store_snapshot_delete(struct store_conn *c, const char *name,
                          struct err *e);

/* Every snapshot, by name, into a malloc'd array of *n (NULL when none)
 * the caller frees. */
int store_snapshot_list(struct store_conn *c, struct store_snapshot **out,
                        size_t *n, struct err *e);

#endif
