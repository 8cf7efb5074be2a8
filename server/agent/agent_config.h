/* micetro-dhcp-agent: command line, configuration file and environment.
 *
 * Every limit the agent enforces lives here with an explicit default.
 * Settings come from flags and/or a key=value file (--config FILE; a key
 * is a flag's name without the dashes, later settings win); the secret
 * from --secret-file or the environment variable MICETRO_AGENT_SECRET.
 * With --tls-cert and --tls-key (both or neither, each a readable file)
 * the agent serves HTTPS only.
 */
#ifndef MICETRO_AGENT_CONFIG_H
#define MICETRO_AGENT_CONFIG_H

#include <stddef.h>

#include "err.h"
#include "soaphttpd.h"

#define AGENT_MAX_INTERFACES 16
#define AGENT_MAX_PATH 1024
#define AGENT_MAX_SECRET 1024
#define AGENT_SECRET_ADDRESSES 1024 /* addresses remembered for failures */

struct agent_config {
    char listen_host[256];
    int listen_port;
    char dhcpd_conf[AGENT_MAX_PATH]; /* the live dhcpd.conf */
    char lease_file[AGENT_MAX_PATH];
    char pid_file[AGENT_MAX_PATH];
    char dhcpd[AGENT_MAX_PATH]; /* the dhcpd binary */
    char interfaces[AGENT_MAX_INTERFACES][64];
    int n_interfaces;
    char start_cmd[AGENT_MAX_PATH]; /* "" = supervise dhcpd as a child */
    char stop_cmd[AGENT_MAX_PATH];
    char secret[AGENT_MAX_SECRET + 1];
    size_t secret_len;
    /* wrong secrets per client address (core/throttle.h) */
    int secret_max_failures; /* 0: no limit */
    int secret_window_s;
    int secret_lockout_s;          /* the first lockout */
    int secret_lockout_max_s;      /* repeated ones double up to this */
    char tls_cert[AGENT_MAX_PATH]; /* "" = plain HTTP */
    char tls_key[AGENT_MAX_PATH];
    int tls_handshake_timeout_s;
    /* dhcpd handling */
    int settle_ms;           /* dhcpd must stay alive this long after start */
    int omapi_wait_ms;       /* with a peer: OMAPI must answer within this */
    int stop_timeout_ms;     /* SIGTERM, then SIGKILL after this */
    int test_timeout_ms;     /* dhcpd -t / start / stop commands */
    int omapi_timeout_ms;    /* one GetFailoverState OMAPI call */
    size_t max_output_bytes; /* dhcpd output kept per run */
    struct soaphttpd_limits wire; /* every limit of the wire; the
                                     configuration is one string */
    int verbose;
    int log_json;  /* --log-format json */
    int log_level; /* enum log_level */
};

/* Fills c from argv, the --config file and the environment.  Returns 0 to
 * go on, 1 when the program should exit successfully (--help printed),
 * -1 on a usage error (message printed to stderr). */
int agent_config_parse(struct agent_config *c, int argc, char **argv);

#endif
