/* micetro-dhcp-agent: what the SOAP operations do, without gSOAP.
 *
 * One agent_service per process.  Every operation that reads or changes
 * the live file or dhcpd runs under one mutex, so pushes are serialised;
 * GetFailoverState holds it only while reading the live file.
 *
 * Installing (agent_service_put): temp file next to the live one, fsync,
 * `dhcpd -t`, backup of the live file (<conf>.agent-backup), rename(2)
 * over it, fsync of the directory, restart dhcpd, wait until it runs
 * (settle time; with a failover peer also until its OMAPI port answers);
 * on any failure after the rename the previous file is put back and dhcpd
 * restarted on it.  The lease file is never written.
 */
#ifndef MICETRO_AGENT_SERVICE_H
#define MICETRO_AGENT_SERVICE_H

#include <stddef.h>

#include "agent_config.h"
#include "agent_files.h"
#include "err.h"

struct agent_service;
struct omapi_failover_state;

/* Removes stale temp files, stops a dhcpd an earlier agent left behind
 * and, when the live file exists, starts dhcpd on it (a failure there is
 * logged and kept as the last error, not fatal). */
struct agent_service *agent_service_new(const struct agent_config *cfg,
                                        struct err *e);

/* Stops a supervised dhcpd and frees s. */
void agent_service_free(struct agent_service *s);

/* 0 when secret[0..len) is the agent secret (compared in constant
 * time), which also forgets peer's failures.  Else ERR_AUTH, logged with
 * peer and counted against it, or ERR_THROTTLED when peer is locked out
 * for too many (its password not looked at); e says so. */
int agent_service_check_secret(struct agent_service *s, const char *peer,
                               const char *secret, size_t len, struct err *e);

struct agent_put_result {
    char hash[AGENT_HASH_HEX];
    char *output;   /* dhcpd -t output (malloc'd, caller frees) */
    char *rejected; /* ERR_INVALID: dhcpd's error lines (malloc'd) */
    int restarted;  /* dhcpd was restarted */
    long long ms;   /* from the call to dhcpd running on the new file */
};

/* Installs config[0..len).  replaces_hash: NULL or "" for no check.
 * ERR_CONFLICT: the live file is not the one replaces_hash names;
 * ERR_INVALID: dhcpd -t rejected it (r->rejected says why); ERR_SYS:
 * dhcpd did not run on it (the previous file is back).  With
 * validate_only, only dhcpd -t runs (on a temp file, removed): nothing is
 * installed or restarted. */
int agent_service_put(struct agent_service *s, const char *config, size_t len,
                      const char *replaces_hash, int validate_only,
                      struct agent_put_result *r, struct err *e);

/* The live file (malloc'd, caller frees) and its hash; ERR_NOTFOUND when
 * there is none. */
int agent_service_get(struct agent_service *s, char **config, size_t *len,
                      char hash[AGENT_HASH_HEX], struct err *e);

/* Files an agent reads through the includes of the live file, at most,
 * and include levels: those of the emulator's parse (core/confparse.h). */
#define AGENT_INCLUDES_MAX 256
#define AGENT_INCLUDE_DEPTH_MAX 8

/* The file name (malloc'd, caller frees) and its hash, when an `include`
 * of the live file, or of a file it includes (AGENT_INCLUDE_DEPTH_MAX
 * levels, AGENT_INCLUDES_MAX files), names it as given; a relative name
 * is read beside the live file.  ERR_INVALID for any other name,
 * ERR_NOTFOUND when it is named but missing. */
int agent_service_get_file(struct agent_service *s, const char *name,
                           char **config, size_t *len,
                           char hash[AGENT_HASH_HEX], struct err *e);

struct agent_status {
    int running;
    int pid;
    char hash[AGENT_HASH_HEX]; /* "" when no live file */
    char last_error[256];      /* "" when none */
};

void agent_service_status(struct agent_service *s, struct agent_status *st);

/* The failover state called name, over OMAPI with the port and key of the
 * live file. */
int agent_service_failover_state(struct agent_service *s, const char *name,
                                 struct omapi_failover_state *out,
                                 struct err *e);

#endif
