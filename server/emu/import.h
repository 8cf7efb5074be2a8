/* micetro-emu: importing what a DHCP server already runs, and its drift.
 *
 * A server added with AddDHCPServer is Pending (storage/store_import.h):
 * never pushed until the worker (or the control API, at once) has read
 * its live dhcpd.conf, parsed it (core/confparse.h), imported it
 * (core/confimport.h) and applied the model in one transaction: the
 * server's global statements, scopes (their ranges made when missing),
 * pools and the statements of each made equal to the file, its failover
 * peers matched against the other managed servers' (a relationship needs
 * both sides: the second server's import makes it), a one-sided or
 * disagreeing peer reported.  Then Applied, the live file the baseline.
 * No file: nothing imported, Applied.  A file that cannot be read as
 * dhcpd.conf: Failed, the server Out of date with file:line; nothing
 * pushed.  The live file of a simulated server is its kept one
 * (storage/store_sim.h); a real server's is read through its agent.
 *
 * Drift: a live file that differs from the baseline leaves the server Out
 * of date with a summary (textdiff.h) while nothing is queued for it.
 */
#ifndef MICETRO_IMPORT_H
#define MICETRO_IMPORT_H

#include <stddef.h>

#include "err.h"

struct app;

/* What an import did. */
struct import_outcome {
    char state[16]; /* Applied, Failed, Skipped */
    char message[1024];
    size_t scopes, pools, relationships, reported;
};

/* Imports server id now.  0 with *out saying what became of it (Failed
 * included), or an ERR_* when it could not be tried (ERR_NOTFOUND: no
 * such server; a database error). */
int import_server(struct app *app, long long id, struct import_outcome *out,
                  struct err *e);

/* The worker's round: imports every Pending server (failures logged). */
void import_pending(struct app *app);

/* The worker's round: marks the simulated servers whose kept file
 * drifted from their baseline Out of date, with a summary. */
void import_drift(struct app *app);

#endif
