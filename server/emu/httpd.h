/* micetro-emu: the HTTP side of the daemon.
 *
 * One thread per connection, at most cfg->max_connections at once (one
 * more is answered 503 and closed).  Each connection runs our own serve
 * loop: it reads a whole request (head and body) itself under the
 * configured limits and timeouts, answers GET ...?wsdl and HTTP errors
 * itself, refuses DTDs and bodies that are not XML, and hands a well-formed
 * POST to gSOAP from memory.  Per-request memory (soap_malloc) is freed
 * after every request.
 */
#ifndef MICETRO_HTTPD_H
#define MICETRO_HTTPD_H

#include "app.h"
#include "err.h"

struct httpd;

/* Binds and listens on cfg->listen_host:listen_port. */
struct httpd *httpd_new(struct app *app, struct err *e);

/* The port actually bound (useful with port 0). */
int httpd_port(const struct httpd *h);

/* Starts serving (threads and libmicrohttpd) without waiting: requests
 * are answered from now on.  0, or -1 with e filled. */
int httpd_start(struct httpd *h, struct err *e);

/* Accepts and serves (httpd_start first, if it was not) until *app->stop
 * is set; then stops accepting, lets
 * in-flight requests finish (at most cfg->shutdown_grace_s) and returns. */
int httpd_run(struct httpd *h);

void httpd_free(struct httpd *h);

#endif
