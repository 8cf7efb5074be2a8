/* micetro-dhcp-agent: running dhcpd.
 *
 * Two ways, chosen by the configuration: the agent supervises dhcpd as its
 * child (`dhcpd -f -d -cf CONF -lf LEASES -pf PID IFACE...`, stopped with
 * SIGTERM and, after stop_timeout_ms, SIGKILL, always reaped with waitpid;
 * its output is copied to the agent's stderr), or it runs --start-cmd and
 * --stop-cmd (systemd hosts) and watches the pid file.  Not thread-safe:
 * the caller serialises every call.
 */
#ifndef MICETRO_AGENT_DHCPD_H
#define MICETRO_AGENT_DHCPD_H

#include <stddef.h>

#include "agent_config.h"
#include "err.h"

struct agent_dhcpd;

struct agent_dhcpd *agent_dhcpd_new(const struct agent_config *cfg,
                                    struct err *e);

/* Stops a supervised dhcpd (not one run by --start-cmd) and frees d. */
void agent_dhcpd_free(struct agent_dhcpd *d);

/* Runs `dhcpd -t -cf conf` (spawn_dhcpd_test) within test_timeout_ms.  *out
 * gets its whole output (malloc'd, NUL-terminated, caller frees, at most
 * max_output_bytes).  0: accepted; ERR_INVALID: rejected (the output says
 * why); ERR_SYS: could not run it or it timed out. */
int agent_dhcpd_test(const struct agent_config *cfg, const char *conf,
                     char **out, struct err *e);

/* Starts dhcpd on the live file.  In supervised mode the lease file is
 * created empty if (and only if) it does not exist.  Does not wait. */
int agent_dhcpd_start(struct agent_dhcpd *d, struct err *e);

/* Stops dhcpd; 0 also when it was not running. */
int agent_dhcpd_stop(struct agent_dhcpd *d, struct err *e);

/* Waits until dhcpd runs: alive for settle_ms and, when omapi_port > 0,
 * accepting TCP connections on 127.0.0.1:omapi_port, within omapi_wait_ms.
 * On failure e says why, with the tail of dhcpd's output when it died. */
int agent_dhcpd_wait_ready(struct agent_dhcpd *d, int omapi_port,
                           struct err *e);

/* The pid of the running dhcpd, 0 when none (reaps a dead child). */
int agent_dhcpd_pid(struct agent_dhcpd *d);

/* Supervised mode, at start: stops a dhcpd a previous agent left running
 * on the same configuration (found through the pid file).  *stopped gets
 * its pid or 0. */
int agent_dhcpd_stop_orphan(struct agent_dhcpd *d, int *stopped, struct err *e);

#endif
