/* micetro-dhcp-agent: the HTTP side.
 *
 * The HTTP front the emulator's server/emu/httpd.c uses too (how it
 * reads, checks and hands requests over is in front/soaphttpd.h), in the
 * agent's dialect: Content-Length bodies only (chunked ones are answered
 * 411), SOAP 1.1 only, GET /agent?wsdl for the WSDL, SOAP at /agent,
 * GET /_emu/health; HTTPS only when the configuration has a certificate
 * (--tls-cert, --tls-key).
 */
#ifndef MICETRO_AGENT_HTTPD_H
#define MICETRO_AGENT_HTTPD_H

#include <signal.h>

#include "agent_config.h"
#include "err.h"

struct agent_service;
struct soap;
struct soaphttpd;

/* Binds and listens on cfg->listen_host:listen_port with the agent's
 * dialect of the shared HTTP front (front/soaphttpd.h), loading the TLS
 * certificate and key when there are some.  svc may be NULL
 * until soaphttpd_set_user (nothing is accepted before soaphttpd_run);
 * the caller runs and frees the server with the soaphttpd_ functions. */
struct soaphttpd *agent_httpd_new(const struct agent_config *cfg,
                                  struct agent_service *svc,
                                  const volatile sig_atomic_t *stop,
                                  struct err *e);

#endif
