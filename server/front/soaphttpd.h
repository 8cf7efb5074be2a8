/* micetro-emu, micetro-dhcp-agent: the HTTP side of a SOAP daemon.
 *
 * One thread per connection, at most max_connections at once (one more is
 * answered 503 and closed).  Each connection runs our own serve loop: it
 * reads a whole request (head and body) itself under the limits and
 * timeouts below, answers GET of the WSDL and HTTP errors itself, refuses
 * DTDs, deep nesting and bodies that are not a SOAP envelope
 * (front/xmlscan.h) before gSOAP sees a byte, then hands the request to
 * gSOAP from memory (soap_serve_request of the program's generated code).
 * Answers leave through write_all: a nonblocking send within the send
 * timeout, poll only when the socket is full.  Per-request memory
 * (soap_malloc) is freed after every request, keep-alive or not.  The
 * loop owns each connection: gSOAP never closes one.
 *
 * With a certificate (struct soaphttpd_tls) the daemon serves HTTPS only:
 * each connection's thread first completes a TLS handshake (gSOAP's
 * soap_ssl_accept, TLS 1.2 at least) within the handshake timeout, or the
 * connection is closed (a plain HTTP request included); then the same
 * loop reads and writes through TLS under the same limits (OpenSSL writes
 * with write(2): the program must ignore SIGPIPE, as both daemons do).
 *
 * What differs between the daemons is in struct soaphttpd_opts.
 */
#ifndef MICETRO_SOAPHTTPD_H
#define MICETRO_SOAPHTTPD_H

#include <signal.h>
#include <stddef.h>

#include "err.h"
#include "httpreq.h"
#include "xmlscan.h"

struct soap;
struct soaphttpd;

/* Every limit of the wire, each daemon's configuration giving its
 * explicit defaults.  gSOAP's own limits are set from the same values. */
struct soaphttpd_limits {
    size_t max_message_bytes; /* request body; larger: 413, unread */
    long max_string_bytes;    /* one string value */
    unsigned max_depth;       /* XML nesting */
    size_t max_elements;      /* items of one array */
    size_t max_head_bytes;    /* HTTP request head; larger: 431 */
    int max_headers;
    int recv_timeout_s;         /* longest wait for request bytes */
    int send_timeout_s;         /* longest wait to send an answer */
    int message_timeout_s;      /* a whole request */
    int keepalive_timeout_s;    /* idle between requests */
    int max_keepalive_requests; /* the last one is answered "close" */
    int max_connections;
    int listen_backlog;
    int shutdown_grace_s; /* requests in flight when stopping */
};

/* HTTPS.  cert_file NULL: plain HTTP. */
struct soaphttpd_tls {
    const char *cert_file;   /* PEM: the certificate, then its chain */
    const char *key_file;    /* PEM: its private key, not encrypted */
    int handshake_timeout_s; /* a connection's TLS handshake */
};

struct soaphttpd_opts {
    const char *name; /* the Server header and nothing else */
    const char *listen_host;
    int listen_port; /* 0: any free port */
    struct soaphttpd_limits lim;
    struct soaphttpd_tls tls;
    int verbose;                       /* one log line per request */
    const volatile sig_atomic_t *stop; /* set by SIGTERM/SIGINT */
    void *user;                        /* soaphttpd_user(soap) */

    /* the dialect */
    int chunked;     /* chunked bodies decoded (else 411) */
    int soap12;      /* SOAP 1.2 served too (else refused) */
    int soap_mode;   /* added to gSOAP's in and out modes */
    int blank_types; /* xmlscan_blank_types before gSOAP parses */
    const struct xmlscan_fold *fold_names; /* renamed before; or NULL */

    /* where things are: the target's route, the paths a 404 names */
    enum httpreq_route (*route)(const char *target);
    const char *wsdl_at, *soap_at;
    /* the served WSDL with the service at base ("http://host:port",
     * "https://..." with TLS), malloc'd, its length in *len; NULL when
     * out of memory */
    char *(*wsdl)(void *user, const char *base, size_t *len);
    /* the host of base when the request has no Host: HOST with the
     * bound port; NULL: the address the connection reached */
    const char *self_host;

    /* the daemon's mapping from ERR_* codes to faults: a fault for
     * gSOAP to send, and a whole envelope for a request gSOAP never saw */
    int (*fault)(struct soap *soap, int code, const char *msg);
    size_t (*fault_envelope)(char *buf, size_t size, int v12, int code,
                             const char *msg);
};

/* Binds and listens on o->listen_host:listen_port (o is copied; the
 * strings and callbacks it points to must outlive the server).  With TLS
 * the certificate and key are loaded here: a file that cannot be read or
 * used, or a key that is not the certificate's, is an error. */
struct soaphttpd *soaphttpd_new(const struct soaphttpd_opts *o, struct err *e);

/* The port actually bound (useful with port 0). */
int soaphttpd_port(const struct soaphttpd *h);

/* Replaces opts.user (before soaphttpd_run only). */
void soaphttpd_set_user(struct soaphttpd *h, void *user);

/* opts.user behind a gSOAP context of one of our connections. */
void *soaphttpd_user(struct soap *soap);

/* Accepts and serves until *opts.stop is set; then stops accepting, lets
 * in-flight requests finish (at most shutdown_grace_s) and returns 0, or
 * -1 when some were still busy (their threads may still use the server
 * and opts.user: do not free them then). */
int soaphttpd_run(struct soaphttpd *h);

void soaphttpd_free(struct soaphttpd *h);

#endif
