/* micetro-emu: the configuration worker.
 *
 * It renders each queued DHCP server's whole dhcpd.conf from the database
 * and pushes it to the server's micetro-dhcp-agent, then records the
 * outcome on the server (state OK, Updating, Unreachable, Out of date with
 * the agent's or dhcpd's words in stateMessage).  Jobs come from the
 * config_jobs queue the triggers fill (storage/store_job.h): woken by NOTIFY
 * micetro_config, and polling anyway; claimed for a lease with SKIP
 * LOCKED, so several workers (in several processes) share the queue; a
 * failed push is retried with capped exponential backoff; everything
 * pending for a server is one render.  A worker that dies mid-push leaves
 * its claim to expire and the job to the next worker: nothing is lost,
 * and the agent installs a file whole or not at all.
 *
 * It also reads every relationship's live failover state from both
 * agents at an interval, for GetDHCPFailoverRelationship(s).
 *
 * A simulated server (sim.h: every one without any agent secret or with
 * --simulate, else those marked through the control API) has no agent:
 * its file is checked with dhcpd -t and kept in the database, and its
 * states follow the files kept.
 *
 * Agents: a server's `address` is its agent's host, `IP:port` its port
 * (default --agent-port); every call carries the server's secret: its
 * entry in --agent-secrets, else the one for all (--agent-secret-file or
 * MICETRO_AGENT_SECRET).  A server without one is not called: its push
 * fails (Out of date, retried with the backoff) and its relationships'
 * state error says why.  Calls go over https when --agent-tls-ca names
 * the CA bundle of the agents' certificates.
 */
#ifndef MICETRO_WORKER_H
#define MICETRO_WORKER_H

#include "err.h"

struct app;
struct worker;

/* A worker on app's store and cfg, listening on conninfo; it records in
 * the database whether it simulates every server, for every process on
 * it.  NULL with e filled when the listener cannot connect. */
struct worker *worker_new(struct app *app, const char *conninfo, struct err *e);

/* Works until *app->stop is set. */
void worker_run(struct worker *w);

void worker_free(struct worker *w);

#endif
