/* micetro-emu, micetro-dhcp-agent: the HTTP side (see soaphttpd.h). */
#include "soaphttpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "stdsoap2.h" /* with WITH_OPENSSL: openssl/ssl.h too */

#include <openssl/err.h>

#include "httpreq.h"
#include "log.h"

#define REAP_MS 100    /* how often the reaper looks */
#define RX_SLACK_MS 10 /* the kernel's clock granularity and more */
#define WORKER_STACK (1024 * 1024)
#define MAX_TLS_FILE (1 << 20) /* a certificate chain or key file */

/* Where a connection is, for the reaper. */
enum phase {
    PH_NEW,     /* accepted, no request line yet */
    PH_REQUEST, /* receiving a request: the message deadline runs */
    PH_BUSY,    /* a worker serves it, or its answer is going out */
    PH_IDLE     /* keep-alive, between requests */
};

struct conn {
    struct conn *prev, *next;
    struct soaphttpd *h;
    int fd;
    enum phase phase;
    double since;   /* when the phase began */
    int requests;   /* begun on this connection */
    int cut;        /* shut down by the reaper */
    double rx_base; /* rx_ago_ms when the phase began */
    char peer[INET6_ADDRSTRLEN];
};

/* One request: libmicrohttpd's request context, from its first line to
 * its completion. */
struct req {
    struct req *qnext; /* the work queue */
    struct soaphttpd *h;
    struct conn *c;
    struct MHD_Connection *mc;
    char *target; /* path and query as sent */
    char op[96];  /* what it calls, for the log */
    double t0;    /* when its body was whole */
    char *method; /* SOAPHTTPD_CALL: the method and Authorization */
    char *authorization;
    const struct soaphttpd_route *route;
    int started; /* the head was seen */
    int v12;
    int keep;    /* the answer may keep the connection */
    int too_big; /* body over the limit: read and dropped */
    int drop;    /* closed without an answer (soap_intercept) */
    int json;    /* the front's errors in JSON (opts.json_error) */
    char *head;  /* the head as gSOAP reads it */
    size_t head_len;
    char *body;
    size_t len, cap;
    /* the answer a worker made */
    int status;
    struct MHD_Response *resp;
};

/* A worker thread: its gSOAP context and the buffers it reuses. */
struct worker {
    struct soaphttpd *h;
    pthread_t t;
    struct soap *soap;
    struct req *r;    /* the SOAP request being served */
    struct req *call; /* the SOAPHTTPD_CALL request being served */
    size_t off;       /* how much of head + body gSOAP has read */
    char login[128];  /* as whom the request ran (soaphttpd_note_login) */
    char fault[512];  /* its fault's text, "" when none */
    char *out;        /* what gSOAP wrote */
    size_t out_len, out_cap;
    int out_failed;
};

struct soaphttpd {
    struct soaphttpd_opts o;
    int fd;
    int port;
    struct MHD_Daemon *mhd;
    char *tls_cert, *tls_key; /* PEM text for libmicrohttpd */
    pthread_mutex_t mu;       /* the connections and the queue */
    pthread_cond_t work_cv;   /* a request queued, or stopping */
    pthread_cond_t idle_cv;   /* a request completed */
    struct conn *conns;       /* newest first */
    int nconns;
    struct req *qhead, *qtail;
    int inflight; /* requests handed to workers, until completed */
    int stopping;
    int draining;   /* stopping: answers close their connection */
    double stop_at; /* when; requests begun later are refused */
    struct worker *workers;
    int nworkers;
    pthread_t reaper;
    int reaper_started;
    struct soaphttpd_route json_route; /* SOAP routes' JSON (soap_json) */
};

/* The worker this thread is, NULL in other threads. */
static __thread struct worker *this_worker;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void *soaphttpd_user(struct soap *soap)
{
    return ((struct worker *)soap->user)->h->o.user;
}

void soaphttpd_note_login(struct soap *soap, const char *login)
{
    struct worker *w = soap->user;

    snprintf(w->login, sizeof(w->login), "%s", login);
}

const char *soaphttpd_peer(struct soap *soap)
{
    return ((struct worker *)soap->user)->r->c->peer;
}

/* libmicrohttpd's failed TLS handshakes on this thread not yet logged
 * with their connection (on_connection logs them when it closes). */
static __thread int tls_failures;

/* libmicrohttpd's own messages: at LOG_DEBUG (a connection closed by a
 * client or the reaper is no news), but a failed TLS handshake, which is
 * logged with its client when its connection closes. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    if (strstr(fmt, "handshake") != NULL) {
        tls_failures++;
        return;
    }
    if (!log_enabled(LOG_DEBUG))
        return;
    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    log_msg("http: %s", line);
}

/* ---- answers made here ---- */

/* A response of text, or NULL when out of memory. */
static struct MHD_Response *text_response(struct soaphttpd *h, const char *type,
                                          const char *text, size_t len,
                                          int keep)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)text, MHD_RESPMEM_MUST_COPY);

    if (resp == NULL)
        return NULL;
    MHD_add_response_header(resp, "Server", h->o.name);
    MHD_add_response_header(resp, "Content-Type", type);
    if (!keep)
        MHD_add_response_header(resp, "Connection", "close");
    return resp;
}

static enum MHD_Result queue(struct MHD_Connection *mc, int status,
                             struct MHD_Response *resp)
{
    enum MHD_Result rc;

    if (resp == NULL)
        return MHD_NO; /* out of memory: close */
    rc = MHD_queue_response(mc, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* A short plain-text answer. */
static enum MHD_Result send_plain(struct req *r, int status, const char *text,
                                  int keep)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%s\n", text);

    log_at(LOG_DEBUG, "%s %d %s", r->c->peer, status, text);
    return queue(
        r->mc, status,
        text_response(r->h, "text/plain; charset=utf-8", buf, (size_t)n, keep));
}

/* Tells the daemon's soap_done hook about a SOAP request: its answer's
 * status and body, and what it came to. */
static void note_soap(struct req *r, int status, const char *login,
                      const char *fault, const char *answer, size_t answer_len,
                      int may_wait)
{
    const struct soaphttpd_opts *o = &r->h->o;

    if (o->soap_done == NULL)
        return;
    struct soaphttpd_soap_call sc = {
        .peer = r->c->peer,
        .operation = r->op[0] ? r->op : "SOAP (no operation)",
        .login = login,
        .fault = fault,
        .status = status,
        .ms = r->t0 > 0 ? (now_s() - r->t0) * 1000.0 : 0,
        .request = r->too_big ? NULL : r->body,
        .request_len = r->too_big ? 0 : r->len,
        .response = answer,
        .response_len = answer_len,
        .may_wait = may_wait,
    };
    o->soap_done(o->user, &sc);
}

/* A whole fault envelope for a request gSOAP never saw, answered with
 * status. */
static size_t fault_text(struct req *r, int status, int code, const char *msg,
                         char *body, size_t size, int may_wait)
{
    size_t blen = r->h->o.fault_envelope(body, size, r->v12, code, msg);

    log_at(LOG_DEBUG, "%s fault: %s", r->c->peer, msg);
    note_soap(r, status, NULL, msg, body, blen, may_wait);
    return blen;
}

static struct MHD_Response *fault_response(struct req *r, int status, int code,
                                           const char *msg)
{
    char body[2048];
    size_t blen = fault_text(r, status, code, msg, body, sizeof(body), 0);

    return text_response(r->h,
                         r->v12 ? "application/soap+xml; charset=utf-8"
                                : "text/xml; charset=utf-8",
                         body, blen, 0);
}

/* An error the front answers on a SOAPHTTPD_CALL route: the daemon's
 * kind of body (JSON ...), else plain text.  Closes the connection. */
static enum MHD_Result call_error(struct req *r, int status, const char *msg)
{
    const struct soaphttpd_opts *o = &r->h->o;
    char body[512];

    if (r->json && o->json_error != NULL) {
        size_t n = o->json_error(body, sizeof(body), msg);
        log_at(LOG_DEBUG, "%s %d %s", r->c->peer, status, msg);
        return queue(r->mc, status,
                     text_response(r->h, "application/json", body, n, 0));
    }
    if (o->call_error == NULL)
        return send_plain(r, status, msg, 0);
    size_t n = o->call_error(r->target != NULL ? r->target : "", body,
                             sizeof(body), msg);
    log_at(LOG_DEBUG, "%s %d %s", r->c->peer, status, msg);
    return queue(r->mc, status,
                 text_response(r->h, o->call_error_type, body, n, 0));
}

/* The address the connection reached, as "addr:port" with the bound
 * port ("[v6]:port"). */
static void local_host(struct req *r, char *host, size_t size)
{
    struct sockaddr_storage ss = {0};
    socklen_t sl = sizeof(ss);
    char addr[INET6_ADDRSTRLEN + 2] = "localhost";

    if (getsockname(r->c->fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &s6->sin6_addr, addr + 1, sizeof(addr) - 2);
            addr[0] = '[';
            strcat(addr, "]");
        } else {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
        }
    }
    snprintf(host, size, "%s:%d", addr, r->h->port);
}

/* GET or HEAD of the WSDL. */
static enum MHD_Result send_wsdl(struct req *r)
{
    const struct soaphttpd_opts *o = &r->h->o;
    const char *hv = MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_HOST);
    char base[320], host[300];
    size_t len = 0;
    char *text;
    struct MHD_Response *resp;

    if (hv != NULL && hv[0] && strlen(hv) < sizeof(host) &&
        httpreq_host_safe(hv))
        snprintf(host, sizeof(host), "%s", hv);
    else if (o->self_host != NULL)
        snprintf(host, sizeof(host), "%s:%d", o->self_host, r->h->port);
    else
        local_host(r, host, sizeof(host));
    snprintf(base, sizeof(base), "%s://%s", r->h->tls_cert ? "https" : "http",
             host);
    text = o->wsdl(o->user, base, &len);
    if (text == NULL)
        return send_plain(r, 500, "out of memory", 0);
    resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Server", o->name);
    MHD_add_response_header(resp, "Content-Type", "text/xml; charset=utf-8");
    if (!r->keep)
        MHD_add_response_header(resp, "Connection", "close");
    log_at(LOG_DEBUG, "%s GET %s 200", r->c->peer, r->target);
    return queue(r->mc, 200, resp);
}

/* ---- connections and the reaper ---- */

/* Milliseconds since bytes (TLS records included) last arrived on fd, as
 * the kernel counts them: from the connection's start when none have. */
static double rx_ago_ms(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);

    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return 1e12;
    return (double)ti.tcpi_last_data_recv;
}

/* 1 when bytes have arrived on c since its phase began: the time since
 * they last did is shorter than the phase (by more than the kernel's
 * clock granularity). */
static int rx_since_phase(const struct conn *c, double t)
{
    return rx_ago_ms(c->fd) + RX_SLACK_MS <
           (t - c->since) * 1000.0 + c->rx_base;
}

static void conn_unlink(struct soaphttpd *h, struct conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        h->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    h->nconns--;
}

/* Ends a connection from outside its I/O thread: libmicrohttpd sees the
 * end of the stream and closes it.  Under h->mu, which the close
 * notification takes before the descriptor is closed. */
static void conn_cut(struct conn *c, const char *why)
{
    if (c->cut)
        return;
    c->cut = 1;
    shutdown(c->fd, SHUT_RDWR);
    if (c->h->tls_cert != NULL && c->phase == PH_NEW)
        log_msg("%s TLS handshake failed: no handshake within %d s", c->peer,
                c->h->o.tls.handshake_timeout_s);
    else
        log_at(LOG_DEBUG, "%s connection closed: %s", c->peer, why);
}

/* The longest idle keep-alive connections are closed while the
 * connections are within reserve of the cap.  Under h->mu. */
static void reclaim_idle(struct soaphttpd *h)
{
    int cap = h->o.lim.max_connections;
    int reserve = cap / 32 + 1;
    int open = 0;
    struct conn *c;

    for (c = h->conns; c != NULL; c = c->next)
        open += !c->cut;
    while (open > cap - reserve) {
        struct conn *oldest = NULL;
        for (c = h->conns; c != NULL; c = c->next) {
            if (!c->cut && c->phase == PH_IDLE &&
                (oldest == NULL || c->since < oldest->since))
                oldest = c;
        }
        if (oldest == NULL)
            return;
        conn_cut(oldest, "idle, making room for new connections");
        open--;
    }
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    struct soaphttpd *h = cls;
    struct conn *c = *ctx;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(
            mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ad = MHD_get_connection_info(
            mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            if (fd != NULL)
                shutdown(fd->connect_fd, SHUT_RDWR); /* cannot follow it */
            return;
        }
        c->h = h;
        c->fd = fd != NULL ? fd->connect_fd : -1;
        c->phase = PH_NEW;
        c->since = now_s();
        c->rx_base = c->fd >= 0 ? rx_ago_ms(c->fd) : 0;
        if (ad != NULL && ad->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET,
                      &((const struct sockaddr_in *)ad->client_addr)->sin_addr,
                      c->peer, sizeof(c->peer));
        else if (ad != NULL && ad->client_addr->sa_family == AF_INET6)
            inet_ntop(
                AF_INET6,
                &((const struct sockaddr_in6 *)ad->client_addr)->sin6_addr,
                c->peer, sizeof(c->peer));
        *ctx = c;
        pthread_mutex_lock(&h->mu);
        c->next = h->conns;
        if (h->conns)
            h->conns->prev = c;
        h->conns = c;
        h->nconns++;
        reclaim_idle(h);
        pthread_mutex_unlock(&h->mu);
    } else if (c != NULL) { /* closed */
        if (h->tls_cert != NULL && c->requests == 0 && tls_failures > 0) {
            tls_failures--;
            if (!c->cut)
                log_msg("%s TLS handshake failed: no TLS 1.2 or later from "
                        "the client (a plain http request, an older "
                        "version or no shared cipher)",
                        c->peer);
        }
        pthread_mutex_lock(&h->mu);
        conn_unlink(h, c);
        pthread_mutex_unlock(&h->mu);
        free(c);
        *ctx = NULL;
    }
}

/* A request begins (its first line is in; the reaper may have seen its
 * first bytes earlier) or ends (the connection is idle). */
static void set_phase(struct conn *c, enum phase p)
{
    pthread_mutex_lock(&c->h->mu);
    if (p != PH_REQUEST || c->phase != PH_REQUEST) {
        c->phase = p;
        c->since = now_s();
        c->rx_base = rx_ago_ms(c->fd);
    }
    pthread_mutex_unlock(&c->h->mu);
}

/* Closes connections past their phase's deadline.  A request's deadline
 * runs from its first byte: a new or idle connection on which bytes have
 * arrived since the phase began is receiving a request. */
static void *reaper_main(void *arg)
{
    struct soaphttpd *h = arg;
    const struct soaphttpd_limits *lim = &h->o.lim;
    /* silence from a new connection: with TLS no handshake begun */
    int first = h->tls_cert != NULL ? h->o.tls.handshake_timeout_s
                                    : lim->recv_timeout_s;
    pthread_mutex_lock(&h->mu);
    while (!h->stopping) {
        double t = now_s();
        struct timespec until;

        for (struct conn *c = h->conns; c != NULL; c = c->next) {
            if ((c->phase == PH_NEW || c->phase == PH_IDLE) && !c->cut &&
                rx_since_phase(c, t)) {
                c->phase = PH_REQUEST;
                c->since = t;
            }
            double age = t - c->since;
            if (c->phase == PH_NEW && age >= first)
                conn_cut(c, "no request");
            else if (c->phase == PH_REQUEST && age >= lim->message_timeout_s)
                conn_cut(c, "request not received in time");
            else if (c->phase == PH_IDLE && age >= lim->keepalive_timeout_s)
                conn_cut(c, "idle");
        }
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += REAP_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&h->work_cv, &h->mu, &until);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* ---- requests ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
    struct soaphttpd *h = cls;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
        mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn *c = ci != NULL ? ci->socket_context : NULL;
    struct req *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return NULL; /* the access handler closes the connection */
    r->h = h;
    r->c = c;
    r->mc = mc;
    r->target = strdup(uri);
    if (c != NULL) {
        c->requests++;
        set_phase(c, PH_REQUEST);
    }
    return r;
}

static void req_free(struct req *r)
{
    if (r == NULL)
        return;
    if (r->resp != NULL)
        MHD_destroy_response(r->resp);
    free(r->target);
    free(r->method);
    free(r->authorization);
    free(r->head);
    free(r->body);
    free(r);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **ctx,
                         enum MHD_RequestTerminationCode code)
{
    struct req *r = *ctx;

    (void)cls;
    (void)mc;
    (void)code;
    if (r == NULL)
        return;
    if (r->c != NULL)
        set_phase(r->c, PH_IDLE);
    req_free(r);
    *ctx = NULL;
}

/* Counts the header lines. */
static enum MHD_Result count_one(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    (void)kind;
    (void)key;
    (void)value;
    ++*(int *)cls;
    return MHD_YES;
}

struct head_build {
    char *buf;
    size_t len, cap;
    int failed;
};

static void head_add(struct head_build *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *nb = realloc(b->buf, cap);
        if (nb == NULL) {
            b->failed = 1;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

/* Copies a header line for gSOAP, but not the framing headers
 * libmicrohttpd has acted on. */
static enum MHD_Result head_one(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value)
{
    static const char *const drop[] = {"content-length", "transfer-encoding",
                                       "expect",         "keep-alive",
                                       "connection",     NULL};
    struct head_build *b = cls;

    (void)kind;
    for (int i = 0; drop[i]; i++) {
        if (strcasecmp(key, drop[i]) == 0)
            return MHD_YES;
    }
    head_add(b, key, strlen(key));
    head_add(b, ": ", 2);
    head_add(b, value ? value : "", value ? strlen(value) : 0);
    head_add(b, "\r\n", 2);
    return MHD_YES;
}

/* The head of a request to a SOAPHTTPD_CALL route: what the handler will
 * need of it; MHD_YES to receive its body (none without a length). */
static enum MHD_Result on_call_head(struct req *r, const char *method,
                                    const char *te, const char *cl)
{
    const char *auth = MHD_lookup_connection_value(
        r->mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);

    if (te != NULL && !r->h->o.chunked)
        return call_error(r, 411, "Content-Length required");
    if (cl != NULL) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno == 0 && *end == '\0' && n > r->h->o.lim.max_message_bytes)
            return call_error(r, 413,
                              "request body exceeds the message size "
                              "limit");
    }
    r->method = strdup(method);
    r->authorization = auth != NULL ? strdup(auth) : NULL;
    if (r->method == NULL || (auth != NULL && r->authorization == NULL))
        return call_error(r, 500, "out of memory");
    r->started = 1;
    return MHD_YES;
}

/* The first call of a request: its head is whole.  Answers what needs no
 * worker; for a SOAP request returns MHD_YES to receive its body. */
static enum MHD_Result on_head(struct req *r, const char *method,
                               const char *version)
{
    struct soaphttpd *h = r->h;
    const struct soaphttpd_opts *o = &h->o;
    const struct soaphttpd_limits *lim = &o->lim;
    int nheaders = 0, has_method = 0;
    const char *te, *cl, *ct;
    char msg[192];

    MHD_get_connection_values(r->mc, MHD_HEADER_KIND, count_one, &nheaders);
    if (nheaders > lim->max_headers)
        return send_plain(r, 431, "too many header lines", 0);
    if (__atomic_load_n(&h->draining, __ATOMIC_RELAXED)) {
        pthread_mutex_lock(&h->mu);
        int late = r->c->since > h->stop_at;
        pthread_mutex_unlock(&h->mu);
        if (late)
            return send_plain(r, 503, "the server is stopping", 0);
        r->keep = 0;
    } else {
        r->keep = r->c->requests < lim->max_keepalive_requests;
    }
    ct = MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND,
                                     MHD_HTTP_HEADER_CONTENT_TYPE);
    r->v12 = o->soap12 && ct != NULL &&
             strncasecmp(ct, "application/soap+xml", 20) == 0;
    for (const struct soaphttpd_route *rt = o->routes; rt->method; rt++) {
        int same = strcmp(rt->method, "*") == 0 ||
                   strcmp(rt->method, method) == 0 ||
                   (strcmp(method, "HEAD") == 0 &&
                    strcmp(rt->method, "GET") == 0);
        has_method |= same;
        if (same && rt->match(r->target)) {
            r->route = rt;
            break;
        }
    }
    if (r->route != NULL && r->route->serve == SOAPHTTPD_SOAP &&
        o->soap_json != NULL && ct != NULL &&
        strncasecmp(ct, "application/json", 16) == 0)
        r->route = &h->json_route;
    r->json = r->route != NULL && o->soap_json != NULL &&
              r->route->handle == o->soap_json;
    te = MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND,
                                     MHD_HTTP_HEADER_TRANSFER_ENCODING);
    cl = MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND,
                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (r->route == NULL) {
        int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
        if (!has_method)
            return send_plain(r, 405, "method not allowed", 0);
        snprintf(msg, sizeof(msg),
                 get ? "not found: the WSDL is at %s"
                     : "not found: SOAP is served at %s",
                 get ? o->wsdl_at : o->soap_at);
        return send_plain(r, 404, msg,
                          get && r->keep && te == NULL && cl == NULL);
    }
    if (r->route->serve == SOAPHTTPD_WSDL) {
        r->keep = r->keep && te == NULL && cl == NULL;
        return send_wsdl(r);
    }
    if (r->route->serve == SOAPHTTPD_CALL)
        return on_call_head(r, method, te, cl);
    if (te != NULL && !o->chunked)
        return send_plain(r, 411, "Content-Length required", 0);
    if (te == NULL && cl == NULL)
        return send_plain(r, 411, "Content-Length required", 0);
    if (cl != NULL) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno == 0 && *end == '\0' && n > lim->max_message_bytes) {
            snprintf(msg, sizeof(msg),
                     "request body of %llu bytes exceeds the limit of %zu "
                     "bytes",
                     n, lim->max_message_bytes);
            return queue(r->mc, 413, fault_response(r, 413, ERR_INVALID, msg));
        }
    }
    /* what gSOAP reads before the body */
    struct head_build b = {0};
    head_add(&b, "POST ", 5);
    head_add(&b, r->target, strlen(r->target));
    head_add(&b, " ", 1);
    head_add(&b, version, strlen(version));
    head_add(&b, "\r\n", 2);
    MHD_get_connection_values(r->mc, MHD_HEADER_KIND, head_one, &b);
    if (b.failed) {
        free(b.buf);
        return send_plain(r, 500, "out of memory", 0);
    }
    r->head = b.buf;
    r->head_len = b.len;
    r->started = 1;
    return MHD_YES;
}

/* Appends body bytes, or drops them once over the limit. */
static void body_add(struct req *r, const char *data, size_t n)
{
    size_t max = r->h->o.lim.max_message_bytes;

    if (r->too_big || r->len + n > max) {
        r->too_big = 1;
        return;
    }
    if (r->len + n + 1 > r->cap) { /* and a NUL after it */
        size_t cap = r->cap ? r->cap : 8192;
        while (cap < r->len + n + 1)
            cap *= 2;
        if (cap > max + 1)
            cap = max + 1;
        char *nb = realloc(r->body, cap);
        if (nb == NULL) {
            r->too_big = 1; /* answered as too large: nothing is half-read */
            return;
        }
        r->body = nb;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
}

/* Checks the body before gSOAP sees it: an envelope of a SOAP version
 * served, without DTD, not too deep.  r->v12 becomes what the envelope
 * says.  NULL, or what is wrong with it and the status to answer. */
static const char *body_problem(struct req *r, int *status)
{
    const struct soaphttpd_opts *o = &r->h->o;
    int version = 0;
    enum xmlscan_result xr = xmlscan_check(r->body, r->len, o->lim.max_depth,
                                           &version);

    if (o->soap12) {
        if (version != 0)
            r->v12 = version == 2; /* the envelope decides, not Content-Type */
    } else if (xr == XMLSCAN_OK && version != 1) {
        xr = XMLSCAN_NOT_ENVELOPE;
    }
    if (xr == XMLSCAN_OK)
        return NULL;
    *status = r->v12 ? 400 : 500;
    return !o->soap12 && version == 2 ? "SOAP 1.2 is not served: use SOAP 1.1"
                                      : xmlscan_message(xr);
}

/* What the daemon's dialect asks of a checked body before gSOAP reads it,
 * and the operation it calls (r->op). */
static void prepare_body(struct req *r)
{
    /* values decide, not the xsi:type clients put on them */
    if (r->h->o.blank_types)
        xmlscan_blank_types(r->body, r->len);
    if (r->h->o.fold_names != NULL)
        xmlscan_fold_names(r->body, r->len, r->h->o.fold_names);
    if (xmlscan_operation(r->body, r->len, r->op, sizeof(r->op)) != 0)
        snprintf(r->op, sizeof(r->op), "SOAP (no operation)");
}

static void enqueue(struct req *r)
{
    struct soaphttpd *h = r->h;

    pthread_mutex_lock(&h->mu);
    r->qnext = NULL;
    if (h->qtail)
        h->qtail->qnext = r;
    else
        h->qhead = r;
    h->qtail = r;
    h->inflight++;
    if (r->c != NULL) {
        r->c->phase = PH_BUSY;
        r->c->since = now_s();
    }
    pthread_cond_broadcast(&h->work_cv);
    pthread_mutex_unlock(&h->mu);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *mc,
                                 const char *url, const char *method,
                                 const char *version, const char *upload,
                                 size_t *upload_size, void **ctx)
{
    struct req *r = *ctx;

    (void)cls;
    (void)url;
    if (r == NULL || r->target == NULL || r->c == NULL)
        return MHD_NO;     /* out of memory: close */
    if (r->resp != NULL) { /* a worker's answer, after the resume */
        struct MHD_Response *resp = r->resp;
        r->resp = NULL;
        return queue(mc, r->status, resp);
    }
    if (r->drop)
        return MHD_NO; /* closed without an answer */
    if (!r->started)
        return on_head(r, method, version);
    if (*upload_size > 0) {
        body_add(r, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    /* the body is whole */
    r->t0 = now_s();
    if (r->route->serve == SOAPHTTPD_CALL) {
        const char *q = strchr(r->target, '?');
        snprintf(r->op, sizeof(r->op), "%s %.*s", r->method,
                 (int)(q != NULL ? q - r->target : (long)strlen(r->target)),
                 r->target);
        if (r->too_big)
            return call_error(r, 413,
                              "request body exceeds the message size "
                              "limit");
        MHD_suspend_connection(mc);
        enqueue(r);
        return MHD_YES;
    }
    if (r->too_big) {
        return queue(mc, 413,
                     fault_response(r, 413, ERR_INVALID,
                                    "request body exceeds the message size "
                                    "limit"));
    }
    int status;
    const char *bad = body_problem(r, &status);
    if (bad != NULL)
        return queue(mc, status, fault_response(r, status, ERR_INVALID, bad));
    prepare_body(r);
    MHD_suspend_connection(mc);
    enqueue(r);
    return MHD_YES;
}

/* ---- workers: gSOAP on a request in memory ---- */

/* gSOAP's receive callback: the head, a Content-Length, the body. */
static size_t feed_recv(struct soap *soap, char *s, size_t n)
{
    struct worker *w = soap->user;
    struct req *r = w->r;
    char cl[48];
    int cll = snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n\r\n", r->len);
    size_t total = r->head_len + (size_t)cll + r->len, done = 0;

    while (done < n && w->off < total) {
        const char *src;
        size_t avail;
        if (w->off < r->head_len) {
            src = r->head + w->off;
            avail = r->head_len - w->off;
        } else if (w->off < r->head_len + (size_t)cll) {
            src = cl + (w->off - r->head_len);
            avail = r->head_len + (size_t)cll - w->off;
        } else {
            src = r->body + (w->off - r->head_len - (size_t)cll);
            avail = total - w->off;
        }
        if (avail > n - done)
            avail = n - done;
        memcpy(s + done, src, avail);
        done += avail;
        w->off += avail;
    }
    return done;
}

/* gSOAP's send callback: into the worker's buffer. */
static int feed_send(struct soap *soap, const char *s, size_t n)
{
    struct worker *w = soap->user;

    if (w->out_len + n > w->out_cap) {
        size_t cap = w->out_cap ? w->out_cap : 16384;
        while (cap < w->out_len + n)
            cap *= 2;
        char *nb = realloc(w->out, cap);
        if (nb == NULL) {
            w->out_failed = 1;
            return SOAP_EOF;
        }
        w->out = nb;
        w->out_cap = cap;
    }
    memcpy(w->out + w->out_len, s, n);
    w->out_len += n;
    return SOAP_OK;
}

/* Turns whatever gSOAP stopped on into a fault of ours (with errorCode)
 * and sends it.  A POST always gets an answer. */
static void answer_error(struct worker *w)
{
    struct soap *soap = w->soap;
    int err = soap->error;

    if (soap->version == 0)
        soap->version = w->r->v12 ? 2 : 1;
    if (err != SOAP_FAULT) {
        const char *msg, *code;
        if (err == SOAP_OK || err >= SOAP_STOP)
            soap->error = SOAP_SYNTAX_ERROR; /* nothing usable came */
        soap_set_fault(soap);
        msg = *soap_faultstring(soap);
        code = *soap_faultcode(soap);
        int client = code != NULL &&
                     (strstr(code, "Client") || strstr(code, "Sender"));
        w->h->o.fault(soap,
                      client || err == SOAP_OK || err >= SOAP_STOP
                          ? ERR_INVALID
                          : ERR_INTERNAL,
                      msg != NULL ? msg : "malformed SOAP request");
    }
    soap_send_fault(soap);
}

/* gSOAP's answer (a head, then the body) as a response. */
static struct MHD_Response *soap_answer(struct worker *w, int *status)
{
    const char *p = w->out, *end = w->out + w->out_len;
    const char *body = NULL;
    struct MHD_Response *resp;
    int close = 0;

    /* without a socket gSOAP writes its status as a CGI program would */
    if (w->out_failed || w->out_len < 12 || strncmp(p, "Status: ", 8) != 0)
        return NULL;
    *status = (int)strtol(p + 8, NULL, 10);
    for (const char *s = p; s + 4 <= end; s++) {
        if (memcmp(s, "\r\n\r\n", 4) == 0) {
            body = s + 4;
            break;
        }
    }
    if (body == NULL || *status < 100 || *status > 999)
        return NULL;
    resp = MHD_create_response_from_buffer((size_t)(end - body), (void *)body,
                                           MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return NULL;
    /* the header lines after the status line, but the framing */
    p = memchr(p, '\n', (size_t)(body - p)) + 1;
    while (p < body - 2) {
        const char *eol = memchr(p, '\r', (size_t)(body - p));
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (colon != NULL) {
            char name[64], value[512];
            const char *v = colon + 1;
            while (v < eol && *v == ' ')
                v++;
            snprintf(name, sizeof(name), "%.*s", (int)(colon - p), p);
            snprintf(value, sizeof(value), "%.*s", (int)(eol - v), v);
            if (strcasecmp(name, "Connection") == 0)
                close = strcasecmp(value, "close") == 0;
            else if (strcasecmp(name, "Content-Length") != 0)
                MHD_add_response_header(resp, name, value);
        }
        p = eol + 2;
    }
    if (close || !w->r->keep)
        MHD_add_response_header(resp, "Connection", "close");
    return resp;
}

static void serve_soap(struct worker *w, struct req *r);

/* Answers one request of a SOAPHTTPD_CALL route through its handler. */
static void serve_call(struct worker *w, struct req *r)
{
    struct soaphttpd_request rq = {
        .method = r->method,
        .target = r->target,
        .peer = r->c->peer,
        .authorization = r->authorization,
        .body = r->body != NULL ? r->body : "",
        .len = r->len,
    };
    struct soaphttpd_answer a = {0};

    w->call = r;
    r->route->handle(w->h->o.user, &rq, &a);
    w->call = NULL;
    if (r->drop) { /* closed without an answer (soaphttpd_serve_soap) */
        free(a.body);
        r->status = 0;
        return;
    }
    r->status = a.status;
    r->resp = MHD_create_response_from_buffer(
        a.len, a.body != NULL ? a.body : (void *)"",
        a.body != NULL ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (r->resp == NULL) {
        free(a.body);
        r->status = 500;
        r->resp = text_response(w->h, "text/plain; charset=utf-8",
                                "out of memory\n", 14, 0);
        return;
    }
    MHD_add_response_header(r->resp, "Server", w->h->o.name);
    if (a.content_type != NULL)
        MHD_add_response_header(r->resp, "Content-Type", a.content_type);
    if (a.authenticate != NULL)
        MHD_add_response_header(r->resp, "WWW-Authenticate", a.authenticate);
    if (!r->keep)
        MHD_add_response_header(r->resp, "Connection", "close");
}

/* The body of the answer gSOAP wrote (after its head), or NULL. */
static const char *answer_body(const struct worker *w, size_t *len)
{
    const char *end = w->out + w->out_len;

    *len = 0;
    if (w->out == NULL || w->out_failed)
        return NULL;
    for (const char *s = w->out; s + 4 <= end; s++) {
        if (memcmp(s, "\r\n\r\n", 4) == 0) {
            *len = (size_t)(end - s - 4);
            return s + 4;
        }
    }
    return NULL;
}

/* Serves one request and logs it (log_call). */
static void serve(struct worker *w, struct req *r)
{
    w->login[0] = w->fault[0] = '\0';
    if (r->route->serve == SOAPHTTPD_CALL) {
        serve_call(w, r);
    } else {
        size_t blen = 0;
        const char *body = NULL;
        serve_soap(w, r);
        if (!r->drop)
            body = answer_body(w, &blen);
        note_soap(r, r->status, w->login[0] ? w->login : NULL,
                  w->fault[0] ? w->fault : NULL, body, blen, 1);
    }
    struct log_call lc = {
        .peer = r->c->peer,
        .operation = r->op,
        .login = w->login[0] ? w->login : NULL,
        .ms = (now_s() - r->t0) * 1000.0,
        .status = r->status,
        .fault = w->fault[0] ? w->fault : NULL,
    };
    log_call(&lc);
}

int soaphttpd_serve_soap(const char *body, size_t len,
                         struct soaphttpd_soap_result *res)
{
    struct worker *w = this_worker;
    struct req *outer = w != NULL ? w->call : NULL;
    char head[256];
    int status = 0;

    memset(res, 0, sizeof(*res));
    if (outer == NULL)
        return -1;
    char *copy = malloc(len + 1); /* the dialect edits it in place */
    if (copy == NULL)
        return -1;
    memcpy(copy, body, len);
    copy[len] = '\0';
    int hl = snprintf(head, sizeof(head),
                      "POST %s HTTP/1.1\r\nContent-Type: text/xml; "
                      "charset=utf-8\r\n",
                      w->h->o.soap_at);
    struct req r = {
        .h = w->h,
        .c = outer->c,
        .mc = outer->mc,
        .target = outer->target,
        .t0 = now_s(),
        .keep = outer->keep,
        .head = head,
        .head_len = hl > 0 && (size_t)hl < sizeof(head) ? (size_t)hl : 0,
        .body = copy,
        .len = len,
    };
    if (r.head_len == 0) {
        free(copy);
        return -1;
    }
    const char *bad = body_problem(&r, &status);
    if (bad != NULL) {
        char fb[2048];
        size_t n = fault_text(&r, status, ERR_INVALID, bad, fb, sizeof(fb), 1);
        res->status = status;
        res->answer = strndup(fb, n);
        res->len = n;
        free(copy);
        return res->answer != NULL ? 0 : -1;
    }
    prepare_body(&r);
    w->login[0] = w->fault[0] = '\0';
    serve_soap(w, &r);
    size_t blen = 0;
    const char *ans = r.drop ? NULL : answer_body(w, &blen);
    note_soap(&r, r.status, w->login[0] ? w->login : NULL,
              w->fault[0] ? w->fault : NULL, ans, blen, 1);
    struct log_call lc = {
        .peer = r.c->peer,
        .operation = r.op,
        .login = w->login[0] ? w->login : NULL,
        .ms = (now_s() - r.t0) * 1000.0,
        .status = r.status,
        .fault = w->fault[0] ? w->fault : NULL,
    };
    log_call(&lc);
    res->status = r.drop ? 0 : r.status;
    outer->drop |= r.drop; /* a later call of the handler cannot undo it */
    if (ans != NULL) {
        res->answer = strndup(ans, blen);
        res->len = blen;
    }
    if (r.resp != NULL)
        MHD_destroy_response(r.resp);
    free(copy);
    return ans != NULL && res->answer == NULL ? -1 : 0;
}

/* Waits ms milliseconds in a worker, less when the server stops. */
static void pause_ms(struct soaphttpd *h, int ms)
{
    double until = now_s() + ms / 1000.0;

    for (;;) {
        double left = until - now_s();
        if (left <= 0 || __atomic_load_n(&h->draining, __ATOMIC_RELAXED))
            return;
        usleep(left > 0.05 ? 50000 : (useconds_t)(left * 1e6) + 1);
    }
}

/* Serves a request whose envelope gSOAP has read: as the daemon's
 * soap_intercept says (a wait, no answer, its fault), else as usual. */
static void serve_body(struct worker *w, struct req *r)
{
    const struct soaphttpd_opts *o = &w->h->o;
    struct soap *soap = w->soap;
    struct soaphttpd_intercept ic = {0};

    if (o->soap_intercept != NULL)
        o->soap_intercept(o->user, soap, r->op, r->body, r->len, &ic);
    if (ic.delay_ms > 0)
        pause_ms(w->h, ic.delay_ms);
    if (ic.drop) {
        r->drop = 1;
        soap->error = SOAP_OK;
        snprintf(w->fault, sizeof(w->fault), "closed without an answer");
    } else if (ic.fault || soap_serve_request(soap)) {
        answer_error(w);
    }
}

/* Serves one SOAP request with the worker's gSOAP context. */
static void serve_soap(struct worker *w, struct req *r)
{
    struct soap *soap = w->soap;

    w->r = r;
    w->off = 0;
    w->out_len = 0;
    w->out_failed = 0;
    snprintf(soap->host, sizeof(soap->host), "%s", r->c->peer);
    soap->keep_alive = r->keep ? -1 : 0;
    soap->buflen = soap->bufidx = 0;
    soap_begin(soap);
    if (soap_begin_recv(soap) || soap_envelope_begin_in(soap) ||
        soap_recv_header(soap) || soap_body_begin_in(soap))
        answer_error(w);
    else
        serve_body(w, r);
    if (soap->error != SOAP_OK) {
        const char **fs = soap_faultstring(soap);
        snprintf(w->fault, sizeof(w->fault), "%s",
                 fs != NULL && *fs != NULL ? *fs : "fault");
    }
    if (r->drop) {
        r->status = 0;
        w->out_len = 0;
    } else {
        r->resp = soap_answer(w, &r->status);
    }
    if (r->resp == NULL && !r->drop) {
        r->status = 500;
        r->resp = text_response(w->h, "text/plain; charset=utf-8",
                                "out of memory\n", 14, 0);
    }
    soap_destroy(soap);
    soap_end(soap);
    w->r = NULL;
}

static struct soap *soap_for_worker(struct worker *w)
{
    const struct soaphttpd_limits *lim = &w->h->o.lim;
    int mode = SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE | w->h->o.soap_mode;
    /* answers are built whole in memory (SOAP_IO_STORE): without it gSOAP
     * serialises every answer twice, first to count its Content-Length */
    struct soap *soap = soap_new2(mode, mode | SOAP_IO_STORE);

    if (soap == NULL)
        return NULL;
    soap->user = w;
    soap->frecv = feed_recv;
    soap->fsend = feed_send;
    soap->max_keep_alive = lim->max_keepalive_requests;
    soap->recv_maxlength = lim->max_message_bytes + lim->max_head_bytes;
    soap->maxlevel = lim->max_depth;
    soap->maxlength = lim->max_string_bytes;
    soap->maxoccurs = lim->max_elements;
    soap->fclose = NULL; /* no socket of gSOAP's */
    return soap;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct soaphttpd *h = w->h;

    this_worker = w;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (h->qhead == NULL && !h->stopping)
            pthread_cond_wait(&h->work_cv, &h->mu);
        if (h->qhead == NULL)
            break; /* stopping, nothing left */
        struct req *r = h->qhead;
        h->qhead = r->qnext;
        if (h->qhead == NULL)
            h->qtail = NULL;
        pthread_mutex_unlock(&h->mu);
        serve(w, r);
        MHD_resume_connection(r->mc);
        pthread_mutex_lock(&h->mu);
        h->inflight--;
        pthread_cond_broadcast(&h->idle_cv);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* ---- TLS ---- */

/* OpenSSL's first reason for the failure just seen ("no start line",
 * "key values mismatch" ...); the error queue is cleared. */
static void tls_reason(char *buf, size_t size)
{
    unsigned long code = ERR_peek_error();
    const char *r = code ? ERR_reason_error_string(code) : NULL;

    snprintf(buf, size, "%s", r != NULL ? r : "unknown error");
    ERR_clear_error();
}

/* A key must not ask for a passphrase: an encrypted one is refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *user)
{
    return 0;
}

/* Checks with OpenSSL that the certificate chain and the key can be used
 * together, for a clear error at start; 0 or -1 with e filled. */
static int tls_check(const struct soaphttpd_tls *t, struct err *e)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    char why[256];
    int rc = -1;

    if (ctx == NULL) {
        tls_reason(why, sizeof(why));
        return err_set(e, ERR_SYS, "cannot set up TLS: %s", why), -1;
    }
    SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(ctx, t->cert_file) != 1) {
        tls_reason(why, sizeof(why));
        err_set(e, ERR_INVALID, "cannot use TLS certificate \"%s\": %s",
                t->cert_file, why);
    } else if (SSL_CTX_use_PrivateKey_file(ctx, t->key_file,
                                           SSL_FILETYPE_PEM) != 1 ||
               SSL_CTX_check_private_key(ctx) != 1) {
        tls_reason(why, sizeof(why));
        err_set(e, ERR_INVALID,
                "cannot use TLS key \"%s\" with certificate \"%s\": %s",
                t->key_file, t->cert_file, why);
    } else {
        rc = 0;
    }
    SSL_CTX_free(ctx);
    return rc;
}

/* The whole of a PEM file, NUL-terminated; NULL with e filled. */
static char *read_pem(const char *path, struct err *e)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;

    if (f == NULL) {
        err_set(e, ERR_INVALID, "cannot read \"%s\": %s", path,
                strerror(errno));
        return NULL;
    }
    buf = malloc(MAX_TLS_FILE + 1);
    if (buf != NULL)
        n = fread(buf, 1, MAX_TLS_FILE + 1, f);
    fclose(f);
    if (buf == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (n > MAX_TLS_FILE) {
        free(buf);
        err_set(e, ERR_INVALID, "\"%s\" is larger than %d bytes", path,
                MAX_TLS_FILE);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* ---- the daemon ---- */

static int listen_on(const struct soaphttpd_opts *o, int *port, struct err *e)
{
    struct addrinfo hints = {0}, *ai = NULL;
    char ps[16];
    int fd = -1, one = 1, rc;
    struct sockaddr_storage ss = {0};
    socklen_t sl = sizeof(ss);

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(ps, sizeof(ps), "%d", o->listen_port);
    rc = getaddrinfo(o->listen_host, ps, &hints, &ai);
    if (rc != 0) {
        err_set(e, ERR_INVALID, "cannot resolve listen address \"%s\": %s",
                o->listen_host, gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                ai->ai_protocol);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) ||
        listen(fd, o->lim.listen_backlog) ||
        getsockname(fd, (struct sockaddr *)&ss, &sl)) {
        err_set(e, ERR_SYS, "cannot listen on %s:%d: %s", o->listen_host,
                o->listen_port, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    *port = ntohs(ss.ss_family == AF_INET6
                      ? ((struct sockaddr_in6 *)&ss)->sin6_port
                      : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

struct soaphttpd *soaphttpd_new(const struct soaphttpd_opts *o, struct err *e)
{
    struct soaphttpd *h = calloc(1, sizeof(*h));

    if (h == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    h->o = *o;
    h->fd = -1;
    h->json_route.method = "POST";
    h->json_route.serve = SOAPHTTPD_CALL;
    h->json_route.handle = o->soap_json;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->work_cv, NULL);
    pthread_cond_init(&h->idle_cv, NULL);
    if (o->tls.cert_file != NULL) {
        if (tls_check(&o->tls, e) ||
            (h->tls_cert = read_pem(o->tls.cert_file, e)) == NULL ||
            (h->tls_key = read_pem(o->tls.key_file, e)) == NULL)
            goto fail;
    }
    h->fd = listen_on(o, &h->port, e);
    if (h->fd < 0)
        goto fail;
    return h;
fail:
    soaphttpd_free(h);
    return NULL;
}

int soaphttpd_port(const struct soaphttpd *h)
{
    return h->port;
}

void soaphttpd_set_user(struct soaphttpd *h, void *user)
{
    h->o.user = user;
}

/* Starts libmicrohttpd on the bound socket; 0 or -1 (logged). */
static int mhd_start(struct soaphttpd *h)
{
    const struct soaphttpd_limits *lim = &h->o.lim;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = lim->io_threads > 0 ? (unsigned)lim->io_threads
                       : cpus > 0          ? (unsigned)cpus
                                           : 1;
    /* libmicrohttpd's own timeout is a backstop behind the reaper's */
    int backstop = lim->message_timeout_s;

    if (lim->keepalive_timeout_s > backstop)
        backstop = lim->keepalive_timeout_s;
    if (lim->send_timeout_s > backstop)
        backstop = lim->send_timeout_s;
    if (h->tls_cert != NULL)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, h->tls_cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, h->tls_key},
        {MHD_OPTION_HTTPS_PRIORITIES, 0,
         (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
        {MHD_OPTION_END, 0, NULL},
    };
    h->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_access, h, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
        h, MHD_OPTION_LISTEN_SOCKET, h->fd, MHD_OPTION_THREAD_POOL_SIZE,
        threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)lim->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)lim->max_per_address,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(lim->max_head_bytes + 16384), MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)backstop, MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, h, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, h, MHD_OPTION_ARRAY,
        h->tls_cert != NULL ? tls_opts : tls_opts + 3, MHD_OPTION_END);
    if (h->mhd == NULL) {
        log_msg("cannot start the HTTP server (libmicrohttpd)");
        return -1;
    }
    h->fd = -1; /* libmicrohttpd's now */
    return 0;
}

static int start_threads(struct soaphttpd *h)
{
    pthread_attr_t attr;
    int n = h->o.lim.workers > 0 ? h->o.lim.workers : 1;

    h->workers = calloc((size_t)n, sizeof(*h->workers));
    if (h->workers == NULL)
        return -1;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKER_STACK);
    for (int i = 0; i < n; i++) {
        struct worker *w = &h->workers[i];
        w->h = h;
        w->soap = soap_for_worker(w);
        if (w->soap == NULL || pthread_create(&w->t, &attr, worker_main, w)) {
            if (w->soap != NULL)
                soap_free(w->soap);
            w->soap = NULL;
            break;
        }
        h->nworkers++;
    }
    pthread_attr_destroy(&attr);
    if (h->nworkers == n &&
        pthread_create(&h->reaper, NULL, reaper_main, h) == 0)
        h->reaper_started = 1;
    return h->nworkers == n && h->reaper_started ? 0 : -1;
}

/* Stops the worker and reaper threads (after the queue is empty). */
static void stop_threads(struct soaphttpd *h)
{
    pthread_mutex_lock(&h->mu);
    h->stopping = 1;
    pthread_cond_broadcast(&h->work_cv);
    pthread_mutex_unlock(&h->mu);
    for (int i = 0; i < h->nworkers; i++) {
        pthread_join(h->workers[i].t, NULL);
        soap_free(h->workers[i].soap);
        free(h->workers[i].out);
    }
    h->nworkers = 0;
    if (h->reaper_started)
        pthread_join(h->reaper, NULL);
    h->reaper_started = 0;
}

int soaphttpd_start(struct soaphttpd *h)
{
    if (h->mhd != NULL)
        return 0;
    if (start_threads(h) || mhd_start(h)) {
        stop_threads(h);
        return -1;
    }
    return 0;
}

int soaphttpd_run(struct soaphttpd *h)
{
    int left, busy;

    if (soaphttpd_start(h) != 0)
        return -1;
    while (!*h->o.stop)
        usleep(REAP_MS * 1000);
    /* let requests begun finish and their answers go; later ones are
     * refused (libmicrohttpd 0.9.75's MHD_quiesce_daemon races with its
     * own epoll threads, so the socket stays open until the end) */
    pthread_mutex_lock(&h->mu);
    h->stop_at = now_s();
    /* a request whose first bytes came before the stop is served, even
     * if the reaper has not looked since (a slow machine, valgrind) */
    for (struct conn *c = h->conns; c != NULL; c = c->next) {
        if ((c->phase == PH_NEW || c->phase == PH_IDLE) && !c->cut &&
            rx_since_phase(c, h->stop_at)) {
            c->phase = PH_REQUEST;
            c->since = h->stop_at - 0.001;
        }
    }
    pthread_mutex_unlock(&h->mu);
    __atomic_store_n(&h->draining, 1, __ATOMIC_RELAXED);
    double until = now_s() + h->o.lim.shutdown_grace_s;
    for (;;) {
        pthread_mutex_lock(&h->mu);
        /* a worker counts until it has handed its answer over: the
         * client may have read it and closed before that */
        left = h->inflight;
        for (struct conn *c = h->conns; c != NULL; c = c->next)
            left += !c->cut && (c->phase == PH_REQUEST || c->phase == PH_BUSY);
        pthread_mutex_unlock(&h->mu);
        if (left == 0 || now_s() >= until)
            break;
        usleep(20000);
    }
    pthread_mutex_lock(&h->mu);
    busy = h->inflight;
    pthread_mutex_unlock(&h->mu);
    if (busy > 0) {
        log_msg("%d request(s) still busy after %d s; exiting anyway", busy,
                h->o.lim.shutdown_grace_s);
        return -1; /* workers may still use the server: not freed */
    }
    MHD_stop_daemon(h->mhd);
    h->mhd = NULL;
    stop_threads(h);
    return 0;
}

void soaphttpd_free(struct soaphttpd *h)
{
    if (h == NULL)
        return;
    if (h->mhd != NULL)
        MHD_stop_daemon(h->mhd);
    stop_threads(h);
    free(h->workers);
    if (h->fd >= 0)
        close(h->fd);
    free(h->tls_cert);
    free(h->tls_key);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->work_cv);
    pthread_cond_destroy(&h->idle_cv);
    free(h);
}
