/* micetro-emu: simulated ISC servers, the worker's side.
 *
 * A simulated server has no agent: the worker renders its file as for a
 * real one, has `dhcpd -t` check it in a private temporary directory
 * (when --dhcpd is installed; else the file is kept unchecked), and keeps
 * it in the database as the server's installed file (storage/store_sim.h),
 * where every emulator on the database reads it.  A file dhcpd refuses
 * leaves the server `Out of date` with dhcpd's words, its previous file
 * kept, as an agent's refusal does.  What two simulated partners report
 * follows their kept files: each side "Empty" while its file does not
 * declare the relationship, "Startup" while only its own does, "Normal"
 * once both do; the control API may set other states (control_sim.h).
 */
#ifndef MICETRO_SIM_H
#define MICETRO_SIM_H

#include <stddef.h>

#include "err.h"

struct config;
struct store;
struct store_sim_claim;

/* Checks text (len bytes) with cfg->dhcpd -t.  0 when accepted (*checked
 * 1) or when dhcpd is not installed (*checked 0).  ERR_INVALID when
 * refused, ERR_SYS when dhcpd could not run: e says so in short,
 * detail[size] in full ("dhcpd rejected the configuration:" and dhcpd's
 * own lines, as an agent says it). */
int sim_check(const struct config *cfg, const char *text, size_t len,
              int *checked, char *detail, size_t size, struct err *e);

/* Keeps text as server id's installed file, with the failover peers it
 * declares; hash[65] gets its SHA-256 (hex).  Then brings the states of
 * the server's relationships up to date (sim_refresh).  claim: the push
 * it comes from, NULL for a file given through the control API
 * (store_sim_install: ERR_CONFLICT when that push was taken back). */
int sim_install(struct store *st, long long id,
                const struct store_sim_claim *claim, const char *text,
                size_t len, int checked, char hash[65], struct err *e);

/* Writes what simulated servers report for their relationships when
 * nothing is set, where the worker writes real servers' states: those of
 * server id, or every one (id 0).  Failures are logged. */
void sim_refresh(struct store *st, long long id);

#endif
