/* micetro-emu, micetro-dhcp-agent: the HTTP side of a SOAP daemon.
 *
 * HTTP is libmicrohttpd's: event-driven I/O on a pool of threads (epoll),
 * keep-alive, pipelining, chunked request bodies, 100-continue and, with a
 * certificate, TLS 1.2 and later (GnuTLS).  A slow or silent client costs
 * a socket and a little memory, never a thread.
 *
 * A request whose head is complete is matched against the daemon's table
 * of routes (struct soaphttpd_route).  The WSDL and HTTP errors are
 * answered at once, in the I/O thread.  A SOAP request's body is collected
 * (at most max_message_bytes), checked before gSOAP sees a byte (DTDs,
 * nesting, a SOAP envelope of a version served: front/xmlscan.h), then the
 * connection is suspended and the request handed to one of a fixed set of
 * worker threads, each with its own gSOAP context: gSOAP reads the request
 * from memory and writes its answer into a buffer that becomes the
 * response.  So the database work of a request never holds I/O up, and at
 * most `workers` requests run at once; the others wait their turn.  A
 * route of the daemon's own (SOAPHTTPD_CALL: a control API) has its body
 * collected the same way and its handler called in a worker.
 *
 * Connections are watched by a reaper (every limit below is enforced; the
 * numbers come from each daemon's configuration):
 *  - a connection that has not begun a request within recv_timeout_s, a
 *    request not received whole within message_timeout_s of its first
 *    line, and a keep-alive connection idle for keepalive_timeout_s are
 *    closed;
 *  - at most max_connections in all and max_per_address from one address
 *    (more are closed at once); when the connections come near the cap,
 *    the longest idle keep-alive connections are closed first, so that
 *    new clients find room while attackers hold connections open.
 *
 * What differs between the daemons is in struct soaphttpd_opts.
 */
#ifndef MICETRO_SOAPHTTPD_H
#define MICETRO_SOAPHTTPD_H

#include <signal.h>
#include <stddef.h>

#include "err.h"
#include "xmlscan.h"

struct soap;
struct soaphttpd;

/* Every limit of the wire, each daemon's configuration giving its
 * explicit defaults.  gSOAP's own limits are set from the same values. */
struct soaphttpd_limits {
    size_t max_message_bytes; /* request body; larger: 413 */
    long max_string_bytes;    /* one string value */
    unsigned max_depth;       /* XML nesting */
    size_t max_elements;      /* items of one array */
    size_t max_head_bytes;    /* HTTP request head; larger: 431 */
    int max_headers;
    int recv_timeout_s;         /* connection to first request line */
    int send_timeout_s;         /* longest stall sending an answer */
    int message_timeout_s;      /* a whole request, first line to body end */
    int keepalive_timeout_s;    /* idle between requests */
    int max_keepalive_requests; /* the last one is answered "close" */
    int max_connections;
    int max_per_address; /* connections from one client address */
    int io_threads;      /* libmicrohttpd's threads; 0: one per CPU */
    int workers;         /* requests handled at once */
    int listen_backlog;
    int shutdown_grace_s; /* requests in flight when stopping */
};

/* HTTPS.  cert_file NULL: plain HTTP. */
struct soaphttpd_tls {
    const char *cert_file;   /* PEM: the certificate, then its chain */
    const char *key_file;    /* PEM: its private key, not encrypted */
    int handshake_timeout_s; /* a connection's TLS handshake */
};

/* What a route serves. */
enum soaphttpd_serve {
    SOAPHTTPD_WSDL = 1, /* GET and HEAD: the WSDL */
    SOAPHTTPD_SOAP,     /* POST: a SOAP request */
    SOAPHTTPD_CALL      /* any method: the route's handler, in a worker */
};

/* A request a route's handler answers: the whole body (at most
 * max_message_bytes, NUL-terminated past len), never NULL. */
struct soaphttpd_request {
    const char *method;        /* "GET", "POST", "DELETE" ... */
    const char *target;        /* path and query as sent */
    const char *peer;          /* the client's address */
    const char *authorization; /* the header's value, or NULL */
    const char *body;
    size_t len;
};

/* A handler's answer: body malloc'd (taken over) or NULL for none. */
struct soaphttpd_answer {
    int status;
    const char *content_type; /* a constant */
    char *body;
    size_t len;
    /* a constant: the WWW-Authenticate header's value, or NULL for none */
    const char *authenticate;
};

/* One row of a daemon's table of routes: the first row whose method and
 * target match serves the request.  A target no row of its method
 * matches is 404 (naming wsdl_at or soap_at); a method no row has, 405. */
struct soaphttpd_route {
    const char *method; /* "GET" (HEAD too), "POST", or "*": any */
    int (*match)(const char *target); /* path and query as sent */
    enum soaphttpd_serve serve;
    /* SOAPHTTPD_CALL: fills a; user is opts.user */
    void (*handle)(void *user, const struct soaphttpd_request *rq,
                   struct soaphttpd_answer *a);
};

/* What a SOAP request came to, for the daemon's record of calls
 * (soap_done).  Everything lives until the hook returns. */
struct soaphttpd_soap_call {
    const char *peer;
    const char *operation; /* as the log names it */
    const char *login;     /* NULL: unknown */
    const char *fault;     /* its fault's text; NULL: none */
    int status;            /* the HTTP status; 0: closed without answer */
    double ms;             /* from its whole body to its answer */
    /* the body as gSOAP read it (p:type blanked, names folded), NULL when
     * it was not kept (over the size limit) */
    const char *request;
    size_t request_len;
    const char *response; /* the answer's body; NULL: none */
    size_t response_len;
    int may_wait; /* in a worker: the hook may wait a little (never in an
                     I/O thread, which serves other connections) */
};

/* How a SOAP request is served otherwise (soap_intercept), in order: a
 * wait, then no answer at all, or the fault the hook set, or the call
 * served as usual. */
struct soaphttpd_intercept {
    int delay_ms; /* the worker waits (cut short when stopping) */
    int drop;     /* the connection is closed without an answer */
    int fault;    /* the fault set on soap is answered, not served */
};

struct soaphttpd_opts {
    const char *name; /* the Server header and nothing else */
    const char *listen_host;
    int listen_port; /* 0: any free port */
    struct soaphttpd_limits lim;
    struct soaphttpd_tls tls;
    const volatile sig_atomic_t *stop; /* set by SIGTERM/SIGINT */
    void *user;                        /* soaphttpd_user(soap) */

    /* the dialect */
    int chunked;     /* chunked bodies accepted (else 411) */
    int soap12;      /* SOAP 1.2 served too (else refused) */
    int soap_mode;   /* added to gSOAP's in and out modes */
    int blank_types; /* xmlscan_blank_types before gSOAP parses */
    const struct xmlscan_fold *fold_names; /* renamed before; or NULL */

    /* where things are: the routes (ended by a row with method NULL), the
     * paths a 404 names */
    const struct soaphttpd_route *routes;
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
    /* the body of an error the front answers on a SOAPHTTPD_CALL route
     * (a body too large ...), of type call_error_type, for the request
     * to target (its path and query, so that each API of the daemon gets
     * its own shape); NULL: plain text */
    size_t (*call_error)(const char *target, char *buf, size_t size,
                         const char *msg);
    const char *call_error_type;
    /* a POST to a SOAPHTTPD_SOAP route whose Content-Type is
     * application/json is a SOAPHTTPD_CALL with this handler (JSON-RPC);
     * NULL: served as SOAP (and refused: not XML).  A route whose handler
     * is this one, and these requests, have their front's errors' bodies
     * from json_error (type application/json) */
    void (*soap_json)(void *user, const struct soaphttpd_request *rq,
                      struct soaphttpd_answer *a);
    size_t (*json_error)(char *buf, size_t size, const char *msg);

    /* a SOAP request whose envelope gSOAP has read, before it is served
     * (in its worker): the hook may fill *ic (zeroed) and, with ic->fault,
     * set the fault on soap; NULL: every request served */
    void (*soap_intercept)(void *user, struct soap *soap, const char *op,
                           const char *body, size_t len,
                           struct soaphttpd_intercept *ic);
    /* every SOAP request answered (served, refused before gSOAP saw it or
     * closed without answer), in the thread that answered it and before
     * the answer goes out: quick, blocking at most briefly and only with
     * may_wait; NULL: none */
    void (*soap_done)(void *user, const struct soaphttpd_soap_call *c);
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

/* opts.user behind the gSOAP context of a request being served. */
void *soaphttpd_user(struct soap *soap);

/* As whom the request a gSOAP context serves runs (a session's login, the
 * name a Login tried), for its log line. */
void soaphttpd_note_login(struct soap *soap, const char *login);

/* The client address of the request a gSOAP context serves ("127.0.0.5",
 * "::1"). */
const char *soaphttpd_peer(struct soap *soap);

/* What a SOAP request served by soaphttpd_serve_soap came to. */
struct soaphttpd_soap_result {
    int status;   /* the HTTP status; 0: closed without an answer */
    char *answer; /* the answer's body (malloc'd, NUL-terminated); NULL:
                     none */
    size_t len;
};

/* Serves body, a SOAP envelope, from a SOAPHTTPD_CALL route's handler
 * (in its worker) exactly as a POST of it to soap_at: checked,
 * soap_intercept, gSOAP and the daemon's operations, soap_done and a log
 * line.  With status 0 the handler's request is closed without an answer
 * too.  0, or -1 when out of memory or not called from a handler. */
int soaphttpd_serve_soap(const char *body, size_t len,
                         struct soaphttpd_soap_result *res);

/* Starts serving (the worker threads, libmicrohttpd) and returns: the
 * daemon may go on preparing while requests are answered.  0, or -1
 * (logged); a second call does nothing. */
int soaphttpd_start(struct soaphttpd *h);

/* Serves (soaphttpd_start first, if it was not) until *opts.stop is set;
 * then stops accepting, lets requests in
 * flight finish and their answers go out (at most shutdown_grace_s) and
 * returns 0, or -1 when some were still busy. */
int soaphttpd_run(struct soaphttpd *h);

void soaphttpd_free(struct soaphttpd *h);

#endif
