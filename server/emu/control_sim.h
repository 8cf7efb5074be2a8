/* micetro-emu: the control API's simulated ISC servers (docs/control.md,
 * "Simulated ISC servers"; the worker's side is sim.h):
 *
 *   POST   /_emu/servers/NAME/simulated       {"simulated": true|false}
 *   GET    /_emu/servers/NAME/config          the file kept as installed
 *   POST   /_emu/servers/NAME/failover-state  {"relationship": R,
 *          "state": S|null} or {"relationship": R, "sequence":
 *          [{"state": S, "afterMs": N}, ...]}
 *   DELETE /_emu/servers/NAME/failover-state[?relationship=R]
 *
 * NAME is a server's name (any case, the dot optional).  Every refusal is
 * {"error": ...} with 400 (the body), 404 (no such server, relationship
 * or file), 409 (a real server; a relationship that would join a real
 * and a simulated server) and changes nothing.
 */
#ifndef MICETRO_CONTROL_SIM_H
#define MICETRO_CONTROL_SIM_H

#include "soaphttpd.h"

struct app;

/* The handler of the routes above: rest is what follows
 * "/_emu/servers/" (without the query). */
void control_sim_route(struct app *app, const struct soaphttpd_request *rq,
                       const char *rest, struct soaphttpd_answer *a);

#endif
