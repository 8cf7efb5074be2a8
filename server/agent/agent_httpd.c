/* micetro-dhcp-agent: the HTTP side (see agent_httpd.h). */
#include "agent_httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agH.h"

#include "agent_log.h"
#include "agent_soap.h"
#include "httpreq.h"
#include "xmlscan.h"

#define SLICE_MS 200 /* how often idle waits look at the stop flag */
#define THREAD_STACK (512 * 1024)
#define WSDL_PLACEHOLDER "http://micetro-agent.invalid"

extern const char agent_wsdl_text[];
extern const size_t agent_wsdl_text_len;

struct agent_httpd {
    const struct agent_config *cfg;
    struct agent_service *svc;
    volatile sig_atomic_t *stop;
    int fd;
    int port;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int active;
};

struct conn {
    struct agent_httpd *h;
    const struct agent_config *cfg;
    int fd;
    struct soap *soap;
    char *buf; /* received bytes not consumed yet */
    size_t len, cap;
    char *feed; /* the request as gSOAP reads it */
    size_t feed_len, feed_off, feed_cap;
    char peer[64];
    int requests;
};

struct agent_service *agent_httpd_service(struct soap *soap)
{
    return ((struct conn *)soap->user)->h->svc;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_all(struct conn *c, const char *buf, size_t len)
{
    double deadline = now_s() + c->cfg->send_timeout_s;

    while (len > 0) {
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK
            && errno != EINTR)
            return -1;
        double left = deadline - now_s();
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = c->fd, .events = POLLOUT};
        if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
            return -1;
    }
    return 0;
}

static void send_plain(struct conn *c, int status, const char *reason,
                       const char *text, int keep)
{
    char head[512];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nServer: micetro-dhcp-agent\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
                     status, reason, strlen(text) + 1,
                     keep ? "keep-alive" : "close");

    if (write_all(c, head, (size_t)n) == 0) {
        write_all(c, text, strlen(text));
        write_all(c, "\n", 1);
    }
    if (c->cfg->verbose)
        agent_log("%s %d %s", c->peer, status, text);
}

static void send_fault(struct conn *c, int status, const char *reason,
                       int code, const char *msg)
{
    char body[2048], head[512];
    size_t blen = agent_soap_fault_envelope(body, sizeof(body), code, msg);
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nServer: micetro-dhcp-agent\r\n"
                     "Content-Type: text/xml; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, reason, blen);

    if (write_all(c, head, (size_t)n) == 0)
        write_all(c, body, blen);
    if (c->cfg->verbose)
        agent_log("%s %d fault: %s", c->peer, status, msg);
}

static int buf_reserve(struct conn *c, size_t want, size_t limit)
{
    size_t need = c->len + want, cap = c->cap ? c->cap : 4096;
    char *nb;

    if (need > limit)
        need = limit;
    if (need <= c->cap)
        return 0;
    while (cap < need)
        cap *= 2;
    if (cap > limit)
        cap = limit;
    nb = realloc(c->buf, cap);
    if (nb == NULL)
        return -1;
    c->buf = nb;
    c->cap = cap;
    return 0;
}

/* Reads more into c->buf (at most limit buffered).  idle: between
 * requests (gives up on stop).  > 0 bytes read, 0 EOF, -1 timeout, error
 * or stop, -2 buffer at its limit. */
static ssize_t fill(struct conn *c, double deadline, int idle, size_t limit)
{
    for (;;) {
        double left = deadline - now_s();
        int ms;

        if (left <= 0 || (idle && *c->h->stop))
            return -1;
        ms = (int)(left * 1000) + 1;
        if (idle && ms > SLICE_MS)
            ms = SLICE_MS;
        if (!idle && ms > c->cfg->recv_timeout_s * 1000)
            ms = c->cfg->recv_timeout_s * 1000;
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int r = poll(&p, 1, ms);
        if (r < 0 && errno != EINTR)
            return -1;
        if (r == 0 && !idle)
            return -1;
        if (r <= 0)
            continue;
        if (c->len >= limit)
            return -2;
        if (buf_reserve(c, 16384, limit))
            return -1;
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return n < 0 ? -1 : 0;
        c->len += (size_t)n;
        return n;
    }
}

static int feed_add(struct conn *c, const char *s, size_t n)
{
    if (c->feed_len + n > c->feed_cap) {
        size_t cap = c->feed_cap ? c->feed_cap : 8192;
        while (cap < c->feed_len + n)
            cap *= 2;
        char *nf = realloc(c->feed, cap);
        if (nf == NULL)
            return -1;
        c->feed = nf;
        c->feed_cap = cap;
    }
    memcpy(c->feed + c->feed_len, s, n);
    c->feed_len += n;
    return 0;
}

/* What gSOAP reads: the head minus framing headers, our Content-Length,
 * the body. */
static int feed_build(struct conn *c, const char *head, size_t hlen,
                      const char *body, size_t blen)
{
    static const char *const drop[] = {"content-length", "transfer-encoding",
                                       "expect", "keep-alive", NULL};
    const char *p = head, *end = head + hlen;
    char cl[64];
    int first = 1;

    c->feed_len = c->feed_off = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p + 1) : (size_t)(end - p);
        int skip = 0;
        if (n <= 2 && (*p == '\r' || *p == '\n'))
            break;
        for (int i = 0; !first && drop[i]; i++) {
            size_t dl = strlen(drop[i]);
            if (n > dl && strncasecmp(p, drop[i], dl) == 0 && p[dl] == ':')
                skip = 1;
        }
        if (!skip && feed_add(c, p, n))
            return -1;
        first = 0;
        p += n;
    }
    snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n\r\n", blen);
    if (feed_add(c, cl, strlen(cl)) || feed_add(c, body, blen))
        return -1;
    return 0;
}

static size_t feed_recv(struct soap *soap, char *s, size_t n)
{
    struct conn *c = soap->user;
    size_t left = c->feed_len - c->feed_off;

    if (n > left)
        n = left;
    memcpy(s, c->feed + c->feed_off, n);
    c->feed_off += n;
    return n;
}

static int soap_send_cb(struct soap *soap, const char *s, size_t n)
{
    struct conn *c = soap->user;

    if (write_all(c, s, n) != 0) {
        soap->errnum = errno;
        return SOAP_EOF;
    }
    return SOAP_OK;
}

/* Path part of a target ("/agent?wsdl" -> "/agent"), and its query. */
static int target_is(const char *target, const char *query)
{
    const char *q = strchr(target, '?');
    size_t pl = q ? (size_t)(q - target) : strlen(target);

    if (!((pl == 6 && strncmp(target, "/agent", 6) == 0)
          || (pl == 1 && target[0] == '/')))
        return 0;
    if (query == NULL)
        return q == NULL || strcasecmp(q + 1, "wsdl") != 0;
    return q != NULL && strcasecmp(q + 1, query) == 0;
}

static void send_wsdl(struct conn *c, const struct httpreq *rq, int head_only)
{
    char base[320], head[512];
    const char *p, *hit;
    size_t plen = sizeof(WSDL_PLACEHOLDER) - 1, blen, len;
    char *text;

    if (rq->host[0])
        snprintf(base, sizeof(base), "http://%s", rq->host);
    else
        snprintf(base, sizeof(base), "http://%s:%d", c->cfg->listen_host,
                 c->h->port);
    blen = strlen(base);
    hit = strstr(agent_wsdl_text, WSDL_PLACEHOLDER);
    len = agent_wsdl_text_len + (hit ? blen - plen : 0);
    text = malloc(len + 1);
    if (text == NULL) {
        send_plain(c, 500, "Internal Server Error", "out of memory", 0);
        return;
    }
    if (hit) {
        size_t pre = (size_t)(hit - agent_wsdl_text);
        p = hit + plen;
        memcpy(text, agent_wsdl_text, pre);
        memcpy(text + pre, base, blen);
        memcpy(text + pre + blen, p, agent_wsdl_text_len - pre - plen);
    } else {
        memcpy(text, agent_wsdl_text, len);
    }
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nServer: micetro-dhcp-agent\r\n"
                     "Content-Type: text/xml; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
                     len, rq->keep_alive ? "keep-alive" : "close");
    if (write_all(c, head, (size_t)n) == 0 && !head_only)
        write_all(c, text, len);
    free(text);
}

/* Whatever gSOAP stopped on becomes a fault of ours. */
static void answer_error(struct soap *soap)
{
    int err = soap->error;

    if (soap->version == 0)
        soap->version = 1;
    if (err != SOAP_FAULT) {
        const char *msg, *code;
        if (err == SOAP_OK || err >= SOAP_STOP)
            soap->error = SOAP_SYNTAX_ERROR;
        soap_set_fault(soap);
        msg = *soap_faultstring(soap);
        code = *soap_faultcode(soap);
        int client = code != NULL
                     && (strstr(code, "Client") || strstr(code, "Sender"));
        agent_soap_fault(soap, client || err == SOAP_OK || err >= SOAP_STOP
                                   ? ERR_INVALID : ERR_INTERNAL,
                         msg != NULL ? msg : "malformed SOAP request");
    }
    soap_send_fault(soap);
}

static int serve_soap(struct conn *c, int keep)
{
    struct soap *soap = c->soap;
    int ka;

    soap->socket = c->fd;
    soap->keep_alive = keep ? -1 : 0;
    soap->buflen = soap->bufidx = 0;
    soap_begin(soap);
    if (soap_begin_recv(soap) || soap_envelope_begin_in(soap)
        || soap_recv_header(soap) || soap_body_begin_in(soap)
        || soap_serve_request(soap))
        answer_error(soap);
    if (c->cfg->verbose)
        agent_log("%s POST soap error=%d", c->peer, soap->error);
    ka = soap_valid_socket(soap->socket) && soap->keep_alive != 0;
    if (!soap_valid_socket(soap->socket))
        c->fd = -1; /* gSOAP closed it */
    soap_destroy(soap);
    soap_end(soap);
    return ka;
}

/* Reads one request and answers it.  1 keeps the connection. */
static int handle_one(struct conn *c)
{
    const struct agent_config *cfg = c->cfg;
    struct httpreq_limits lim = {cfg->max_head_bytes, cfg->max_headers};
    size_t limit = cfg->max_head_bytes + cfg->max_message_bytes;
    size_t hlen, total, blen;
    struct httpreq rq;
    struct err e;
    double deadline;
    int version = 0;

    if (c->len == 0) {
        double wait = c->requests == 0 ? cfg->recv_timeout_s
                                       : cfg->keepalive_timeout_s;
        if (fill(c, now_s() + wait, 1, limit) <= 0)
            return 0;
    }
    deadline = now_s() + cfg->message_timeout_s;
    while ((hlen = httpreq_head_len(c->buf, c->len)) == 0) {
        if (c->len > cfg->max_head_bytes
            || fill(c, deadline, 0, cfg->max_head_bytes + 1) <= 0) {
            if (c->len > cfg->max_head_bytes)
                send_plain(c, 431, "Request Header Fields Too Large",
                           "request head too large", 0);
            return 0;
        }
    }
    if (httpreq_parse(c->buf, hlen, &lim, &rq, &e)) {
        send_plain(c, 400, "Bad Request", e.msg, 0);
        return 0;
    }
    c->requests++;
    if (c->requests >= cfg->max_keepalive_requests)
        rq.keep_alive = 0;
    if (strcmp(rq.method, "GET") == 0 || strcmp(rq.method, "HEAD") == 0) {
        int keep = rq.keep_alive && !rq.has_length && !rq.chunked;
        if (target_is(rq.target, "wsdl"))
            send_wsdl(c, &rq, rq.method[0] == 'H');
        else
            send_plain(c, 404, "Not Found",
                       "not found: the WSDL is at /agent?wsdl", keep);
        memmove(c->buf, c->buf + hlen, c->len - hlen);
        c->len -= hlen;
        return keep;
    }
    if (strcmp(rq.method, "POST") != 0) {
        send_plain(c, 405, "Method Not Allowed",
                   "only GET (WSDL) and POST (SOAP) are served", 0);
        return 0;
    }
    if (!target_is(rq.target, NULL)) {
        send_plain(c, 404, "Not Found",
                   "not found: SOAP is served at /agent", 0);
        return 0;
    }
    if (!rq.has_length || rq.chunked) {
        send_plain(c, 411, "Length Required", "Content-Length required", 0);
        return 0;
    }
    if (rq.content_length > cfg->max_message_bytes) {
        char msg[128];
        snprintf(msg, sizeof(msg), "request body of %llu bytes exceeds the "
                 "limit of %zu bytes", rq.content_length,
                 cfg->max_message_bytes);
        send_fault(c, 413, "Payload Too Large", ERR_INVALID, msg);
        return 0;
    }
    if (rq.expect_continue && c->len == hlen) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (write_all(c, cont, sizeof(cont) - 1))
            return 0;
    }
    total = hlen + (size_t)rq.content_length;
    while (c->len < total) {
        if (fill(c, deadline, 0, limit) <= 0)
            return 0;
    }
    blen = (size_t)rq.content_length;
    const char *body = c->buf + hlen;
    enum xmlscan_result xr = xmlscan_check(body, blen, cfg->max_depth,
                                           &version);
    if (xr == XMLSCAN_OK && version != 1)
        xr = XMLSCAN_NOT_ENVELOPE; /* the WSDL binds SOAP 1.1 only */
    if (xr != XMLSCAN_OK) {
        send_fault(c, 500, "Internal Server Error", ERR_INVALID,
                   version == 2 ? "SOAP 1.2 is not served: use SOAP 1.1"
                                : xmlscan_message(xr));
        return 0;
    }
    if (feed_build(c, c->buf, hlen, body, blen)) {
        send_plain(c, 500, "Internal Server Error", "out of memory", 0);
        return 0;
    }
    memmove(c->buf, c->buf + total, c->len - total);
    c->len -= total;
    return serve_soap(c, rq.keep_alive) && rq.keep_alive;
}

static struct soap *soap_for_conn(struct conn *c)
{
    const struct agent_config *cfg = c->cfg;
    struct soap *soap = soap_new2(SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE,
                                  SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE
                                      | SOAP_IO_STORE);

    if (soap == NULL)
        return NULL;
    soap->user = c;
    soap->frecv = feed_recv;
    soap->fsend = soap_send_cb;
    soap->max_keep_alive = cfg->max_keepalive_requests;
    soap->recv_maxlength = cfg->max_message_bytes + cfg->max_head_bytes;
    soap->maxlevel = cfg->max_depth;
    soap->maxlength = cfg->max_string_bytes;
    soap->maxoccurs = cfg->max_elements;
    soap->recv_timeout = cfg->recv_timeout_s;
    soap->send_timeout = cfg->send_timeout_s;
    soap->transfer_timeout = cfg->message_timeout_s;
    soap->accept_timeout = 0;
    soap->connect_timeout = cfg->recv_timeout_s;
    return soap;
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    struct agent_httpd *h = c->h;

    c->soap = soap_for_conn(c);
    if (c->soap != NULL) {
        while (c->requests < c->cfg->max_keepalive_requests
               && handle_one(c) && c->fd >= 0 && !*h->stop)
            ;
        if (c->fd >= 0 && soap_valid_socket(c->soap->socket))
            c->soap->socket = SOAP_INVALID_SOCKET; /* ours to close */
        soap_destroy(c->soap);
        soap_end(c->soap);
        soap_free(c->soap);
    }
    if (c->fd >= 0) {
        shutdown(c->fd, SHUT_WR);
        close(c->fd);
    }
    free(c->buf);
    free(c->feed);
    free(c);
    pthread_mutex_lock(&h->mu);
    h->active--;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

struct agent_httpd *agent_httpd_new(const struct agent_config *cfg,
                                    struct agent_service *svc,
                                    volatile sig_atomic_t *stop,
                                    struct err *e)
{
    struct addrinfo hints = {0}, *ai = NULL;
    struct agent_httpd *h = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char port[16];
    int fd = -1, one = 1, rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(port, sizeof(port), "%d", cfg->listen_port);
    rc = getaddrinfo(cfg->listen_host, port, &hints, &ai);
    if (rc != 0) {
        err_set(e, ERR_INVALID, "cannot resolve listen address \"%s\": %s",
                cfg->listen_host, gai_strerror(rc));
        goto fail;
    }
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                ai->ai_protocol);
    if (fd < 0
        || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))
        || bind(fd, ai->ai_addr, ai->ai_addrlen)
        || listen(fd, cfg->listen_backlog)
        || getsockname(fd, (struct sockaddr *)&ss, &sl)) {
        err_set(e, ERR_SYS, "cannot listen on %s:%d: %s", cfg->listen_host,
                cfg->listen_port, strerror(errno));
        goto fail;
    }
    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    h->cfg = cfg;
    h->svc = svc;
    h->stop = stop;
    h->fd = fd;
    h->port = ntohs(ss.ss_family == AF_INET6
                        ? ((struct sockaddr_in6 *)&ss)->sin6_port
                        : ((struct sockaddr_in *)&ss)->sin_port);
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    freeaddrinfo(ai);
    return h;
fail:
    if (fd >= 0)
        close(fd);
    if (ai)
        freeaddrinfo(ai);
    return NULL;
}

void agent_httpd_set_service(struct agent_httpd *h,
                             struct agent_service *svc)
{
    h->svc = svc;
}

int agent_httpd_port(const struct agent_httpd *h)
{
    return h->port;
}

static void refuse(int fd)
{
    static const char msg[] =
        "HTTP/1.1 503 Service Unavailable\r\nServer: micetro-dhcp-agent\r\n"
        "Content-Type: text/plain\r\nContent-Length: 21\r\n"
        "Retry-After: 1\r\nConnection: close\r\n\r\ntoo many connections\n";
    ssize_t n = send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);

    (void)n;
    close(fd);
}

int agent_httpd_run(struct agent_httpd *h)
{
    const struct agent_config *cfg = h->cfg;
    pthread_attr_t attr;
    struct timespec until;
    int left;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    while (!*h->stop) {
        struct pollfd p = {.fd = h->fd, .events = POLLIN};
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd, one = 1;

        if (poll(&p, 1, SLICE_MS) <= 0)
            continue;
        fd = accept4(h->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                usleep(100000);
            continue;
        }
        pthread_mutex_lock(&h->mu);
        if (h->active >= cfg->max_connections) {
            pthread_mutex_unlock(&h->mu);
            refuse(fd);
            continue;
        }
        h->active++;
        pthread_mutex_unlock(&h->mu);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = calloc(1, sizeof(*c));
        pthread_t t;
        if (c != NULL) {
            c->h = h;
            c->cfg = cfg;
            c->fd = fd;
            if (ss.ss_family == AF_INET)
                inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
                          c->peer, sizeof(c->peer));
            else if (ss.ss_family == AF_INET6)
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
                          c->peer, sizeof(c->peer));
        }
        if (c == NULL || pthread_create(&t, &attr, conn_main, c) != 0) {
            free(c);
            refuse(fd);
            pthread_mutex_lock(&h->mu);
            h->active--;
            pthread_mutex_unlock(&h->mu);
        }
    }
    pthread_attr_destroy(&attr);
    close(h->fd);
    h->fd = -1;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += cfg->shutdown_grace_s;
    pthread_mutex_lock(&h->mu);
    while (h->active > 0) {
        if (pthread_cond_timedwait(&h->cv, &h->mu, &until) == ETIMEDOUT)
            break;
    }
    left = h->active;
    pthread_mutex_unlock(&h->mu);
    if (left > 0) {
        agent_log("%d connection(s) still busy after %d s; exiting anyway",
                  left, cfg->shutdown_grace_s);
        return -1;
    }
    return 0;
}

void agent_httpd_free(struct agent_httpd *h)
{
    if (h == NULL)
        return;
    if (h->fd >= 0)
        close(h->fd);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
}
