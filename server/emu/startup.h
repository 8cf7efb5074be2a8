/* micetro-emu: start-up.  The HTTP front serves before the database is
 * up: until start-up is over every request that needs the database waits
 * for it (as for a database that is down, at most --db-timeout), and the
 * health says which phase the process is in.  Also where the template of
 * a new embedded cluster is kept, and what it holds (the migrations).
 */
#ifndef MICETRO_STARTUP_H
#define MICETRO_STARTUP_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "err.h"

struct startup; /* opaque */

/* The phases, as the health and the faults say them. */
#define STARTUP_WAITING "starting: waiting for the database"
#define STARTUP_MIGRATING "migrating"
#define STARTUP_ADMIN "starting: setting up the administrator"

/* In the phase STARTUP_WAITING.  NULL when out of memory. */
struct startup *startup_new(void);
void startup_free(struct startup *s);

/* The phase now: one of the STARTUP_* texts. */
void startup_set(struct startup *s, const char *phase);

/* Start-up is over: waiters go on, the phase is NULL from now on. */
void startup_done(struct startup *s);

/* The phase (a constant text), or NULL once start-up is over (s NULL:
 * NULL). */
const char *startup_phase(struct startup *s);

/* Returns 0 once start-up is over (at once when it is, or s is NULL);
 * after ms, or when *stop is set, ERR_DB "database unavailable: PHASE"
 * in e, as a request on a database that is down gets. */
int startup_wait(struct startup *s, int ms, const volatile sig_atomic_t *stop,
                 struct err *e);

/* The template directory of the embedded cluster (pgcluster.h):
 * --template-dir, else $XDG_CACHE_HOME/micetro-emu, else
 * $HOME/.cache/micetro-emu, as root /var/cache/micetro-emu; NULL with
 * "none", or when no default can be made (no HOME).  buf holds what is
 * made. */
const char *startup_template_dir(const struct config *cfg, char *buf,
                                 size_t len);

/* What the template holds beyond initdb: "m" and the number of
 * migrations this build knows, applied in it ("m9"). */
const char *startup_template_key(char *buf, size_t len);

/* The template's preparation (struct pgcluster_template): the
 * migrations applied to its database, conninfo. */
int startup_template_prepare(const char *conninfo, void *arg, struct err *e);

#endif
