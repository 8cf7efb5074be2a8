/* micetro-emu: the control API's snapshots (docs/control.md#snapshots):
 * the whole state of the objects saved under a name in the database,
 * restored, listed, deleted (storage/store_snapshot.h).
 */
#ifndef MICETRO_CONTROL_SNAPSHOT_H
#define MICETRO_CONTROL_SNAPSHOT_H

#include "soaphttpd.h"

struct app;

/* GET /_emu/snapshots: every snapshot, by name. */
void control_snapshot_list(struct app *app, const struct soaphttpd_request *rq,
                           const char *rest, struct soaphttpd_answer *a);

/* /_emu/snapshots/{rest}: POST NAME[?replace=true] saves, POST
 * NAME/restore restores, DELETE NAME deletes. */
void control_snapshot_item(struct app *app, const struct soaphttpd_request *rq,
                           const char *rest, struct soaphttpd_answer *a);

#endif
