/* micetro-dhcp-agent: the HTTP side.
 *
 * The same discipline as the emulator's server/httpd.c: one thread per
 * connection, at most max_connections at once (one more is answered 503);
 * each connection reads a whole request (head and body, Content-Length
 * only: chunked bodies are answered 411) under the configured limits and
 * timeouts, answers GET /agent?wsdl and HTTP errors itself, refuses DTDs,
 * deep nesting and bodies that are not a SOAP envelope before gSOAP sees a
 * byte, then hands the request to gSOAP from memory.  Per-request memory
 * is freed after every request.
 */
#ifndef MICETRO_AGENT_HTTPD_H
#define MICETRO_AGENT_HTTPD_H

#include <signal.h>

#include "agent_config.h"
#include "err.h"

struct agent_httpd;
struct agent_service;
struct soap;

/* Binds and listens on cfg->listen_host:listen_port.  svc may be NULL
 * until agent_httpd_set_service (nothing is accepted before run). */
struct agent_httpd *agent_httpd_new(const struct agent_config *cfg,
                                    struct agent_service *svc,
                                    volatile sig_atomic_t *stop,
                                    struct err *e);

/* The service behind a gSOAP context of one of our connections. */
struct agent_service *agent_httpd_service(struct soap *soap);

void agent_httpd_set_service(struct agent_httpd *h,
                             struct agent_service *svc);

/* The port actually bound (useful with port 0). */
int agent_httpd_port(const struct agent_httpd *h);

/* Serves until *stop is set, then lets in-flight requests finish (at most
 * shutdown_grace_s).  0, or -1 when some were still busy. */
int agent_httpd_run(struct agent_httpd *h);

void agent_httpd_free(struct agent_httpd *h);

#endif
