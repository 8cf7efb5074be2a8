/* micetro-emu: the control API's import of what a DHCP server runs, and
 * its drift (docs/control.md, "Importing a server's file"; the worker's
 * side is import.h):
 *
 *   GET  /_emu/servers/NAME/import              the import's state
 *   POST /_emu/servers/NAME/import              read and import the live
 *                                               file now
 *   POST /_emu/servers/NAME/import?skip=true    keep the emulator's model:
 *                                               Skipped, its file pushed
 *   PUT  /_emu/servers/NAME/config              (simulated) the dhcpd.conf
 *                                               the server has, as if
 *                                               written by hand
 *   GET  /_emu/servers/NAME/drift               the live file against the
 *                                               one last pushed or imported
 *
 * Every refusal is {"error": ...} with 400 (the body), 404 (no such
 * server), 409 (a real server where a simulated one is needed) and
 * changes nothing.  The other /_emu/servers/NAME/... paths go on to
 * control_sim_route.
 */
#ifndef MICETRO_CONTROL_IMPORT_H
#define MICETRO_CONTROL_IMPORT_H

#include "soaphttpd.h"

struct app;

/* The handler of the routes above: rest is what follows
 * "/_emu/servers/" (without the query). */
void control_import_route(struct app *app, const struct soaphttpd_request *rq,
                          const char *rest, struct soaphttpd_answer *a);

#endif
