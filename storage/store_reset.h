/* micetro-emu storage: back to a fresh install (the control API's reset).
 */
#ifndef MICETRO_STORE_RESET_H
#define MICETRO_STORE_RESET_H

#include "err.h"

struct store_conn;

/* Every table of objects, in the lock order (docs/design.md):
 * relationships first, then what lies below them, the push queue last.
 * What a reset empties and a snapshot (store_snapshot.h) saves; the
 * simulation's mode (sim_mode) is the worker's, not an object's: it
 * stays. */
#define STORE_RESET_TABLES                                                     \
    "dhcp_failover, dhcp_servers, ranges, dhcp_scopes, dhcp_pools, "           \
    "property_definitions, property_values, change_log, sim_configs, "         \
    "sim_failover_states, sim_waiting_configs, dhcp_imports, "                 \
    "dhcp_import_peers, config_jobs"

/* Inside the caller's transaction on c: every object, relationship,
 * property definition and value, change log row, queued push and journal
 * row gone, their ids starting again at 1; the sessions too unless
 * keep_sessions.
 * The users stay (the administrator keeps the password it has).  Takes
 * the tables in the order of the lock order (docs/design.md), each
 * ACCESS EXCLUSIVE: calls running meanwhile finish
 * first, later ones wait for the commit.  0, or a negative ERR_* code. */
int store_reset(struct store_conn *c, int keep_sessions, struct err *e);

/* Locks STORE_RESET_TABLES (and sessions when with_sessions) ACCESS
 * EXCLUSIVE, in that order, until the end of the caller's transaction.
 * 0, or a negative ERR_* code. */
int store_reset_lock(struct store_conn *c, int with_sessions, struct err *e);

/* *fresh 1 when the database holds no DHCP server, range, relationship
 * or property definition (a fresh install, or one just reset).  0, or a
 * negative ERR_* code. */
int store_reset_is_fresh(struct store_conn *c, int *fresh, struct err *e);

#endif
