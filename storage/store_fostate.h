/* micetro-emu storage: the columns a failover relationship's state is
 * derived from, read into core/failover.h's struct failover_live by every
 * query that answers a state (relationships, and the pools of member
 * scopes).  failover_state, not SQL, derives the state from them.
 */
#ifndef MICETRO_STORE_FOSTATE_H
#define MICETRO_STORE_FOSTATE_H

#include <libpq-fe.h>

#include "err.h"
#include "failover.h"
#include "store_sim.h"

/* The columns, of the relationship row aliased f, in store_fostate_read's
 * order: member scope instances (both servers), what the worker read
 * from each server (or what the control API set for a simulated one, once
 * due: STORE_SIM_REPORTED), whether it has read them, whether a push to
 * either server is under way, the failed pushes' errors ("server: error", by
 * server name, joined by "; "; NULL when no push failed), and why the
 * worker could not read a state. */
#define STORE_FOSTATE_COLUMNS                                                  \
    "(SELECT count(*) FROM dhcp_scopes m WHERE m.failover_id = "               \
    "f.id), " STORE_SIM_REPORTED_PRIMARY ", " STORE_SIM_REPORTED_SECONDARY     \
    ", "                                                                       \
    "f.state_read IS NOT NULL, "                                               \
    "(SELECT bool_or(j.claimed_until > now()) FROM config_jobs j "             \
    "WHERE j.server_id IN (f.primary_id, f.secondary_id)), "                   \
    "(SELECT string_agg(sv.name || ': ' || "                                   \
    "coalesce(j.last_error, 'push failed'), '; ' ORDER BY sv.name) "           \
    "FROM config_jobs j JOIN dhcp_servers sv ON sv.id = j.server_id "          \
    "WHERE j.server_id IN (f.primary_id, f.secondary_id) "                     \
    "AND j.attempts > 0), f.state_error"
#define STORE_FOSTATE_NCOLUMNS 7

/* Reads the STORE_FOSTATE_COLUMNS of row `row`, from column col on, into
 * *out (the messages cut to fit, never refused). */
int store_fostate_read(const PGresult *r, int row, int col,
                       struct failover_live *out, struct err *e);

#endif
