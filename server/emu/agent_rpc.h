/* micetro-emu: calls to a DHCP server's micetro-dhcp-agent
 * (wsdl/agent.wsdl), as the worker makes them.
 *
 * Each call opens its own gSOAP context and connection, with explicit
 * connect, send, receive and whole-transfer timeouts and a bound on the
 * answer's size, over https when the target names a CA bundle: the
 * agent's certificate must chain to that bundle alone and carry the
 * target's address as an IP subjectAltName (checked by OpenSSL during the
 * handshake).  What went wrong is classified:
 *
 *   ERR_SYS       the agent could not be reached or did not answer in
 *                 time, or TLS failed: its certificate was refused (the
 *                 message says why) or the handshake failed
 *                 ("Unreachable")
 *   ERR_INVALID   the agent refused the call (a SOAP Client fault: dhcpd
 *                 rejected the file, the secret is wrong, the live file
 *                 changed); detail holds the agent's text, dhcpd's lines
 *                 included
 *   ERR_INTERNAL  the agent failed (a Server fault: dhcpd did not run on
 *                 the new file and the old one is back); detail as above
 */
#ifndef MICETRO_AGENT_RPC_H
#define MICETRO_AGENT_RPC_H

#include <stddef.h>

#include "err.h"

/* Where an agent is and how to talk to it. */
struct agent_rpc_target {
    const char *host;   /* IPv4 address */
    int port;           /* its port */
    const char *secret; /* what every call carries */
    const char *tls_ca; /* PEM CA bundle: https; NULL: http */
    int timeout_s;      /* connect, send and receive, each */
    int put_timeout_s;  /* a whole PutConfig (it restarts dhcpd) */
    size_t max_answer;  /* bytes of an answer at most */
};

struct config;

/* The agent of server name at host (port 0: cfg's default), with cfg's
 * timeouts, TLS and the secret cfg has for that server (NULL: none). */
struct agent_rpc_target agent_rpc_target_of(const struct config *cfg,
                                            const char *name, const char *host,
                                            int port);

/* Why server name's agent is not called (its target has no secret):
 * ERR_INVALID. */
int agent_rpc_no_secret(const char *name, struct err *e);

/* Checks that path is a CA bundle calls can use (PEM certificates) and
 * readies gSOAP's OpenSSL: once, before threads make calls. */
int agent_rpc_tls_check(const char *path, struct err *e);

/* Installs config on the agent's server; replaces (may be NULL) is the
 * hash of the file it must replace.  On success hash[65] holds the new
 * file's SHA-256 (hex).  On failure detail[len] holds the agent's text
 * (may be truncated) and e a short message. */
int agent_rpc_put_config(const struct agent_rpc_target *t, const char *config,
                         const char *replaces, char *hash, char *detail,
                         size_t len, struct err *e);

/* Has the agent check config with dhcpd -t and install nothing; errors
 * as agent_rpc_put_config's. */
int agent_rpc_validate_config(const struct agent_rpc_target *t,
                              const char *config, char *detail, size_t len,
                              struct err *e);

/* The live dhcpd.conf of the agent's server (file NULL), or the file
 * one of its include statements names: into *text (malloc'd, caller
 * frees; NULL when the server has no live file), at most t->max_answer
 * bytes.  The agent refuses a file no include names. */
int agent_rpc_get_config(const struct agent_rpc_target *t, const char *file,
                         char **text, struct err *e);

/* The failover state of relationship name as the agent's dhcpd reports
 * it: *found 0 when dhcpd has no such relationship, else local[len] and
 * partner[len] hold the state names ("Normal" ...). */
int agent_rpc_failover_state(const struct agent_rpc_target *t, const char *name,
                             int *found, char *local, char *partner, size_t len,
                             struct err *e);

#endif
