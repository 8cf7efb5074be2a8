/* micetro-emu, micetro-dhcp-agent: the HTTP side (see soaphttpd.h). */
#include "soaphttpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "stdsoap2.h" /* with WITH_OPENSSL: openssl/ssl.h too */

#include <openssl/err.h>

#include "log.h"

#define SLICE_MS 200 /* how often idle waits look at the stop flag */
#define THREAD_STACK (512 * 1024)
#define CHUNK_OVERHEAD (64 * 1024) /* chunk-size lines allowed on top */

struct soaphttpd {
    struct soaphttpd_opts o;
    int fd;
    int port;
    struct soap *tls; /* holds the TLS context connections share; or NULL */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int active; /* connection threads running */
};

struct conn {
    struct soaphttpd *h;
    const struct soaphttpd_opts *o;
    const struct soaphttpd_limits *lim;
    int fd;
    struct soap *soap;
    char *buf; /* received bytes not consumed yet */
    size_t len, cap;
    char *feed; /* the request as gSOAP reads it */
    size_t feed_len, feed_off, feed_cap;
    char peer[64];
    int requests;
    SSL *ssl; /* after the TLS handshake (gSOAP's soap->ssl) */
};

/* What one request read produced. */
enum rd {
    RD_OK,      /* a whole request is in c->buf */
    RD_CLOSE,   /* peer closed, idle timeout or stop: close quietly */
    RD_ANSWERED /* an error answer was sent: close */
};

void *soaphttpd_user(struct soap *soap)
{
    return ((struct conn *)soap->user)->h->o.user;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What an SSL_read or SSL_write that did not go through waits for: -2
 * with *ev the poll event (TLS may have to read to write and the other
 * way round), 0 at the peer's close_notify, else -1. */
static ssize_t tls_wait(struct conn *c, int r, short *ev)
{
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ:
        *ev = POLLIN;
        return -2;
    case SSL_ERROR_WANT_WRITE:
        *ev = POLLOUT;
        return -2;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    default:
        return -1;
    }
}

/* Sends what the socket takes of buf[0..len) without blocking: bytes sent
 * (> 0), -2 when it must wait for *ev first, -1 on an error. */
static ssize_t conn_send(struct conn *c, const char *buf, size_t len, short *ev)
{
    ssize_t n;

    *ev = POLLOUT;
    if (c->ssl != NULL) {
        ERR_clear_error();
        int r = SSL_write(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
        return r > 0 ? r : tls_wait(c, r, ev) == -2 ? -2 : -1;
    }
    n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0)
        return n;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        return -1;
    return -2;
}

/* Receives into buf[0..len) what is there: bytes read (> 0), 0 at the
 * peer's end, -2 when it must wait for *ev first, -1 on an error. */
static ssize_t conn_recv(struct conn *c, char *buf, size_t len, short *ev)
{
    ssize_t n;

    *ev = POLLIN;
    if (c->ssl != NULL) {
        ERR_clear_error();
        int r = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
        return r > 0 ? r : tls_wait(c, r, ev);
    }
    n = recv(c->fd, buf, len, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return -2;
    return n < 0 ? -1 : n;
}

/* 1 when bytes have arrived that poll cannot see (decrypted by TLS). */
static int conn_pending(const struct conn *c)
{
    return c->ssl != NULL && SSL_pending(c->ssl) > 0;
}

/* Writes all of buf within the send timeout; 0 or -1. */
static int write_all(struct conn *c, const char *buf, size_t len)
{
    double deadline = now_s() + c->lim->send_timeout_s;

    while (len > 0) {
        short ev;
        ssize_t n = conn_send(c, buf, len, &ev);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n == -1)
            return -1;
        double left = deadline - now_s();
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = c->fd, .events = ev};
        if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
            return -1;
    }
    return 0;
}

/* Sends a short plain-text HTTP answer. */
static void send_plain(struct conn *c, int status, const char *reason,
                       const char *text, int keep)
{
    char head[512];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nServer: %s\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
                     status, reason, c->o->name, strlen(text) + 1,
                     keep ? "keep-alive" : "close");
    if (write_all(c, head, (size_t)n) == 0) {
        write_all(c, text, strlen(text));
        write_all(c, "\n", 1);
    }
    if (c->o->verbose)
        log_msg("%s %d %s", c->peer, status, text);
}

/* Sends a SOAP fault made here (before gSOAP saw the request). */
static void send_fault(struct conn *c, int v12, int status, const char *reason,
                       int code, const char *msg)
{
    char body[2048], head[512];
    size_t blen = c->o->fault_envelope(body, sizeof(body), v12, code, msg);
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nServer: %s\r\n"
                     "Content-Type: %s; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, reason, c->o->name,
                     v12 ? "application/soap+xml" : "text/xml", blen);
    if (write_all(c, head, (size_t)n) == 0)
        write_all(c, body, blen);
    if (c->o->verbose)
        log_msg("%s %d fault: %s", c->peer, status, msg);
}

/* Makes room for at least want more bytes in c->buf, up to limit bytes
 * in all; 0 or -1. */
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

/* Waits for and reads more bytes into c->buf, at most up to limit bytes
 * buffered.  idle: a wait between requests, which gives up when the server
 * stops.  Returns bytes read (> 0), 0 on EOF, -1 on timeout, error or stop,
 * -2 when the buffer is at its limit. */
static ssize_t fill(struct conn *c, double deadline, int idle, size_t limit)
{
    short ev = POLLIN;

    for (;;) {
        double left = deadline - now_s();
        int ms;

        if (left <= 0)
            return -1;
        if (idle && *c->o->stop)
            return -1;
        ms = (int)(left * 1000) + 1;
        if (idle && ms > SLICE_MS)
            ms = SLICE_MS;
        if (!idle && ms > c->lim->recv_timeout_s * 1000)
            ms = c->lim->recv_timeout_s * 1000;
        if (!conn_pending(c)) {
            struct pollfd p = {.fd = c->fd, .events = ev};
            int r = poll(&p, 1, ms);
            if (r < 0 && errno != EINTR)
                return -1;
            if (r == 0 && !idle)
                return -1; /* nothing for a whole recv timeout */
            if (r <= 0)
                continue;
        }
        if (c->len >= limit)
            return -2;
        if (buf_reserve(c, 16384, limit))
            return -1;
        ssize_t n = conn_recv(c, c->buf + c->len, c->cap - c->len, &ev);
        if (n == -2)
            continue;
        if (n <= 0)
            return n;
        c->len += (size_t)n;
        return n;
    }
}

/* Appends s[0..n) to the feed buffer; 0 or -1. */
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

/* Builds what gSOAP reads: the head without the framing headers we have
 * already acted on, a Content-Length for the decoded body, the body. */
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
            break; /* the empty line */
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

/* gSOAP's receive callback: reads the request from memory. */
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

/* gSOAP's send callback: the answer goes out through write_all (a
 * nonblocking send, poll only when the socket is full) within the send
 * timeout, instead of gSOAP's select before every send. */
static int soap_send_cb(struct soap *soap, const char *s, size_t n)
{
    struct conn *c = soap->user;

    if (write_all(c, s, n) != 0) {
        soap->errnum = errno;
        return SOAP_EOF;
    }
    return SOAP_OK;
}

/* Reads more of a chunked body; RD_OK, or RD_ANSWERED after a 413 when
 * the buffer is full, or RD_CLOSE. */
static enum rd fill_body(struct conn *c, double deadline, size_t limit, int v12)
{
    ssize_t r = fill(c, deadline, 0, limit);

    if (r > 0)
        return RD_OK;
    if (r == -2) {
        send_fault(c, v12, 413, "Payload Too Large", ERR_INVALID,
                   "request body exceeds the message size limit");
        return RD_ANSWERED;
    }
    return RD_CLOSE;
}

/* Decodes a chunked body that starts at c->buf[start]; reads more as
 * needed.  On success the decoded body is at c->buf[start..start+*blen)
 * and the request ends at *end.  Returns RD_OK or what was done. */
static enum rd read_chunked(struct conn *c, size_t start, double deadline,
                            size_t limit, size_t *blen, size_t *end, int v12)
{
    size_t in = start, out = start;

    for (;;) {
        char *eol;
        unsigned long long sz;
        char *stop;

        while ((eol = memchr(c->buf + in, '\n', c->len - in)) == NULL) {
            enum rd r = fill_body(c, deadline, limit, v12);
            if (r != RD_OK)
                return r;
            if (c->len - in > 256) {
                send_plain(c, 400, "Bad Request", "malformed chunk", 0);
                return RD_ANSWERED;
            }
        }
        errno = 0;
        sz = strtoull(c->buf + in, &stop, 16);
        if (stop == c->buf + in || errno ||
            (*stop != '\r' && *stop != '\n' && *stop != ';')) {
            send_plain(c, 400, "Bad Request", "malformed chunk size", 0);
            return RD_ANSWERED;
        }
        in = (size_t)(eol - c->buf) + 1;
        if (sz == 0)
            break;
        if (out - start + sz > c->lim->max_message_bytes) {
            send_fault(c, v12, 413, "Payload Too Large", ERR_INVALID,
                       "request body exceeds the message size limit");
            return RD_ANSWERED;
        }
        while (c->len < in + sz + 2) {
            enum rd r = fill_body(c, deadline, limit, v12);
            if (r != RD_OK)
                return r;
        }
        memmove(c->buf + out, c->buf + in, (size_t)sz);
        out += sz;
        in += sz;
        if (c->buf[in] == '\r')
            in++;
        if (c->buf[in] != '\n') {
            send_plain(c, 400, "Bad Request", "malformed chunk end", 0);
            return RD_ANSWERED;
        }
        in++;
    }
    /* trailers up to the empty line */
    for (;;) {
        char *eol;
        while ((eol = memchr(c->buf + in, '\n', c->len - in)) == NULL) {
            ssize_t r = fill(c, deadline, 0, limit);
            if (r <= 0)
                return RD_CLOSE;
        }
        size_t n = (size_t)(eol - (c->buf + in));
        in += n + 1;
        if (n == 0 || (n == 1 && eol[-1] == '\r'))
            break;
    }
    *blen = out - start;
    *end = in;
    return RD_OK;
}

/* The address the connection reached, as "addr:port" with the bound
 * port ("[v6]:port"). */
static void local_host(struct conn *c, char *host, size_t size)
{
    struct sockaddr_storage ss = {0};
    socklen_t sl = sizeof(ss);
    char addr[INET6_ADDRSTRLEN] = "localhost";

    if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == 0) {
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
    snprintf(host, size, "%s:%d", addr, c->h->port);
}

/* Answers GET/HEAD of the WSDL. */
static void send_wsdl(struct conn *c, const struct httpreq *rq, int head_only)
{
    char base[320], host[300], head[512];
    size_t len = 0;
    char *text;

    if (rq->host[0])
        snprintf(host, sizeof(host), "%s", rq->host);
    else if (c->o->self_host != NULL)
        snprintf(host, sizeof(host), "%s:%d", c->o->self_host, c->h->port);
    else
        local_host(c, host, sizeof(host));
    snprintf(base, sizeof(base), "%s://%s", c->ssl ? "https" : "http", host);
    text = c->o->wsdl(c->o->user, base, &len);
    if (text == NULL) {
        send_plain(c, 500, "Internal Server Error", "out of memory", 0);
        return;
    }
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nServer: %s\r\n"
                     "Content-Type: text/xml; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
                     c->o->name, len, rq->keep_alive ? "keep-alive" : "close");
    if (write_all(c, head, (size_t)n) == 0 && !head_only)
        write_all(c, text, len);
    free(text);
    if (c->o->verbose)
        log_msg("%s GET %s 200", c->peer, rq->target);
}

/* Turns whatever gSOAP stopped on into a fault of ours (with errorCode)
 * and sends it.  A POST always gets an answer. */
static void answer_error(struct conn *c, int v12)
{
    struct soap *soap = c->soap;
    int err = soap->error;

    if (soap->version == 0)
        soap->version = v12 ? 2 : 1;
    if (err != SOAP_FAULT) {
        const char *msg, *code;
        if (err == SOAP_OK || err >= SOAP_STOP)
            soap->error = SOAP_SYNTAX_ERROR; /* nothing usable came */
        soap_set_fault(soap);
        msg = *soap_faultstring(soap);
        code = *soap_faultcode(soap);
        int client = code != NULL &&
                     (strstr(code, "Client") || strstr(code, "Sender"));
        c->o->fault(soap,
                    client || err == SOAP_OK || err >= SOAP_STOP ? ERR_INVALID
                                                                 : ERR_INTERNAL,
                    msg != NULL ? msg : "malformed SOAP request");
    }
    soap_send_fault(soap);
}

/* Hands the request in c->feed to gSOAP and sends its answer.  Returns 1
 * when the connection may stay open. */
static int serve_soap(struct conn *c, int keep, int v12)
{
    struct soap *soap = c->soap;
    int ka;

    soap->socket = c->fd;
    soap->keep_alive = keep ? -1 : 0;
    soap->buflen = soap->bufidx = 0;
    soap_begin(soap);
    if (soap_begin_recv(soap) || soap_envelope_begin_in(soap) ||
        soap_recv_header(soap) || soap_body_begin_in(soap) ||
        soap_serve_request(soap))
        answer_error(c, v12);
    if (c->o->verbose)
        log_msg("%s POST soap error=%d", c->peer, soap->error);
    ka = soap->keep_alive != 0; /* gSOAP's verdict; closing is ours */
    soap_destroy(soap);
    soap_end(soap);
    return ka;
}

/* Checks the body in c->buf[hlen..hlen+blen) before gSOAP sees it: an
 * envelope of a SOAP version served, without DTD, not too deep.  *v12 is
 * what the envelope says.  0, or -1 after a fault was sent. */
static int check_body(struct conn *c, size_t hlen, size_t blen, int *v12)
{
    const struct soaphttpd_opts *o = c->o;
    int version = 0;
    enum xmlscan_result xr = xmlscan_check(c->buf + hlen, blen,
                                           o->lim.max_depth, &version);

    if (o->soap12) {
        if (version != 0)
            *v12 = version == 2; /* the envelope decides, not Content-Type */
    } else if (xr == XMLSCAN_OK && version != 1) {
        xr = XMLSCAN_NOT_ENVELOPE;
    }
    if (xr == XMLSCAN_OK)
        return 0;
    send_fault(c, *v12, *v12 ? 400 : 500,
               *v12 ? "Bad Request" : "Internal Server Error", ERR_INVALID,
               !o->soap12 && version == 2
                   ? "SOAP 1.2 is not served: use SOAP 1.1"
                   : xmlscan_message(xr));
    return -1;
}

/* Reads one request and answers it.  Returns 1 to keep the connection. */
static int handle_one(struct conn *c)
{
    const struct soaphttpd_opts *o = c->o;
    const struct soaphttpd_limits *lim = c->lim;
    size_t hlen, total, blen;
    struct httpreq rq;
    struct httpreq_limits hl = {lim->max_head_bytes, lim->max_headers};
    struct err e;
    double deadline;
    size_t limit = lim->max_head_bytes + lim->max_message_bytes +
                   (o->chunked ? CHUNK_OVERHEAD : 0);
    char msg[160];
    int v12;

    /* wait for the first byte of the request */
    if (c->len == 0) {
        double wait = c->requests == 0 ? lim->recv_timeout_s
                                       : lim->keepalive_timeout_s;
        if (fill(c, now_s() + wait, 1, limit) <= 0)
            return 0;
    }
    deadline = now_s() + lim->message_timeout_s;
    /* the head */
    while ((hlen = httpreq_head_len(c->buf, c->len)) == 0) {
        if (c->len > lim->max_head_bytes ||
            fill(c, deadline, 0, lim->max_head_bytes + 1) <= 0) {
            if (c->len > lim->max_head_bytes)
                send_plain(c, 431, "Request Header Fields Too Large",
                           "request head too large", 0);
            return 0; /* or timeout or close mid-head: just close */
        }
    }
    if (httpreq_parse(c->buf, hlen, &hl, &rq, &e)) {
        send_plain(c, 400, "Bad Request", e.msg, 0);
        return 0;
    }
    c->requests++;
    /* the last request the connection may carry is answered "close" */
    if (c->requests >= lim->max_keepalive_requests)
        rq.keep_alive = 0;
    v12 = o->soap12 &&
          strncasecmp(rq.content_type, "application/soap+xml", 20) == 0;
    enum httpreq_route route = o->route(rq.target);

    if (strcmp(rq.method, "GET") == 0 || strcmp(rq.method, "HEAD") == 0) {
        int keep = rq.keep_alive && !rq.has_length && !rq.chunked;
        if (route == HTTPREQ_WSDL) {
            send_wsdl(c, &rq, rq.method[0] == 'H');
        } else {
            snprintf(msg, sizeof(msg), "not found: the WSDL is at %s",
                     o->wsdl_at);
            send_plain(c, 404, "Not Found", msg, keep);
        }
        memmove(c->buf, c->buf + hlen, c->len - hlen);
        c->len -= hlen;
        return keep;
    }
    if (strcmp(rq.method, "POST") != 0) {
        send_plain(c, 405, "Method Not Allowed",
                   "only GET (WSDL) and POST (SOAP) are served", 0);
        return 0;
    }
    if (route != HTTPREQ_SOAP) {
        snprintf(msg, sizeof(msg), "not found: SOAP is served at %s",
                 o->soap_at);
        send_plain(c, 404, "Not Found", msg, 0);
        return 0;
    }
    if ((!rq.has_length && !rq.chunked) || (rq.chunked && !o->chunked)) {
        send_plain(c, 411, "Length Required", "Content-Length required", 0);
        return 0;
    }
    if (rq.has_length && rq.content_length > lim->max_message_bytes) {
        snprintf(msg, sizeof(msg),
                 "request body of %llu bytes exceeds the "
                 "limit of %zu bytes",
                 rq.content_length, lim->max_message_bytes);
        send_fault(c, v12, 413, "Payload Too Large", ERR_INVALID, msg);
        return 0;
    }
    if (rq.expect_continue && c->len == hlen) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (write_all(c, cont, sizeof(cont) - 1))
            return 0;
    }
    if (rq.has_length) {
        total = hlen + (size_t)rq.content_length;
        while (c->len < total) {
            if (fill(c, deadline, 0, limit) <= 0)
                return 0;
        }
        blen = (size_t)rq.content_length;
    } else {
        enum rd r = read_chunked(c, hlen, deadline, limit, &blen, &total, v12);
        if (r != RD_OK)
            return 0;
    }
    if (check_body(c, hlen, blen, &v12))
        return 0;
    /* values decide, not the xsi:type clients put on them */
    if (o->blank_types)
        xmlscan_blank_types(c->buf + hlen, blen);
    if (o->fold_names != NULL)
        xmlscan_fold_names(c->buf + hlen, blen, o->fold_names);
    if (feed_build(c, c->buf, hlen, c->buf + hlen, blen)) {
        send_plain(c, 500, "Internal Server Error", "out of memory", 0);
        return 0;
    }
    /* keep what follows (pipelined requests) */
    memmove(c->buf, c->buf + total, c->len - total);
    c->len -= total;
    return serve_soap(c, rq.keep_alive, v12) && rq.keep_alive;
}

static struct soap *soap_for_conn(struct conn *c)
{
    const struct soaphttpd_limits *lim = c->lim;
    int mode = SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE | c->o->soap_mode;
    /* answers are built whole in memory and sent once (SOAP_IO_STORE):
     * without it gSOAP serialises every answer twice, first to count its
     * Content-Length */
    struct soap *soap = soap_new2(mode, mode | SOAP_IO_STORE);

    if (soap == NULL)
        return NULL;
    soap->user = c;
    soap->frecv = feed_recv;
    soap->fsend = soap_send_cb;
    soap->max_keep_alive = lim->max_keepalive_requests;
    soap->recv_maxlength = lim->max_message_bytes + lim->max_head_bytes;
    soap->maxlevel = lim->max_depth;
    soap->maxlength = lim->max_string_bytes;
    soap->maxoccurs = lim->max_elements;
    soap->recv_timeout = lim->recv_timeout_s;
    soap->send_timeout = lim->send_timeout_s;
    soap->transfer_timeout = lim->message_timeout_s;
    soap->accept_timeout = 0;
    soap->connect_timeout = lim->recv_timeout_s;
    soap->fclose = NULL; /* the connection is the loop's to close */
    if (c->h->tls != NULL) {
        soap->ctx = c->h->tls->ctx; /* shared; soap_free drops this ref */
        SSL_CTX_up_ref(soap->ctx);
    }
    return soap;
}

/* The TLS handshake of a new connection: gSOAP's soap_ssl_accept, which
 * tries at most ten times a second of the larger of its receive and send
 * timeouts, each try waiting 0.1 s at most: both are the handshake
 * timeout meanwhile.  0, or -1 (logged) when the connection must close. */
static int tls_accept(struct conn *c)
{
    const struct soaphttpd_tls *t = &c->o->tls;
    struct soap *soap = c->soap;
    double start = now_s();
    char why[256];
    int rc;

    soap->socket = c->fd;
    soap->recv_timeout = soap->send_timeout = t->handshake_timeout_s;
    rc = soap_ssl_accept(soap);
    soap->recv_timeout = c->lim->recv_timeout_s;
    soap->send_timeout = c->lim->send_timeout_s;
    if (rc == SOAP_OK) {
        c->ssl = soap->ssl; /* freed with the gSOAP context */
        /* SSL_read and SSL_write must never block: the loop polls */
        fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
        return 0;
    }
    if (now_s() - start >= t->handshake_timeout_s) {
        snprintf(why, sizeof(why), "no handshake within %d s",
                 t->handshake_timeout_s);
    } else {
        const char **fs = soap_faultstring(soap);
        size_t i = 0;
        for (const char *p = fs && *fs ? *fs : "unknown error";
             *p && i + 3 < sizeof(why); p++) {
            if (*p != '\n')
                why[i++] = *p;
            else if (p[1] != '\0') {
                why[i++] = ';';
                why[i++] = ' ';
            }
        }
        why[i] = '\0';
    }
    log_msg("%s TLS handshake failed: %s", c->peer, why);
    return -1;
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    struct soaphttpd *h = c->h;

    c->soap = soap_for_conn(c);
    if (c->soap != NULL) {
        if (h->tls == NULL || tls_accept(c) == 0) {
            while (c->requests < c->lim->max_keepalive_requests &&
                   handle_one(c) && !*c->o->stop)
                ;
        }
        if (c->ssl != NULL)
            SSL_shutdown(c->ssl); /* close_notify, if the socket takes it */
        c->soap->socket = SOAP_INVALID_SOCKET; /* ours to close */
        soap_destroy(c->soap);
        soap_end(c->soap);
        soap_free(c->soap);
    }
    shutdown(c->fd, SHUT_WR);
    close(c->fd);
    free(c->buf);
    free(c->feed);
    free(c);
    pthread_mutex_lock(&h->mu);
    h->active--;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

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

/* The TLS context every connection shares, on a gSOAP context of its own
 * (soap_ssl_server_context: TLS 1.2 and 1.3, no client certificates, no
 * session cache), with the certificate chain and the key from their
 * files; NULL with e filled when they cannot be used. */
static struct soap *tls_new(const struct soaphttpd_tls *t, struct err *e)
{
    struct soap *soap = soap_new();
    char why[256];

    if (soap == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (soap_ssl_server_context(soap,
                                SOAP_SSL_NO_AUTHENTICATION |
                                    SOAP_SSL_NO_DEFAULT_CA_PATH | SOAP_TLSv1_2 |
                                    SOAP_TLSv1_3,
                                NULL, NULL, NULL, NULL, NULL, NULL, NULL)) {
        tls_reason(why, sizeof(why));
        err_set(e, ERR_SYS, "cannot set up TLS: %s", why);
        goto fail;
    }
    SSL_CTX_set_default_passwd_cb(soap->ctx, no_passphrase);
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(soap->ctx, t->cert_file) != 1) {
        tls_reason(why, sizeof(why));
        err_set(e, ERR_INVALID, "cannot use TLS certificate \"%s\": %s",
                t->cert_file, why);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(soap->ctx, t->key_file, SSL_FILETYPE_PEM) !=
        1) {
        tls_reason(why, sizeof(why));
        err_set(e, ERR_INVALID,
                "cannot use TLS key \"%s\" with "
                "certificate \"%s\": %s",
                t->key_file, t->cert_file, why);
        goto fail;
    }
    if (SSL_CTX_check_private_key(soap->ctx) != 1) { /* another type */
        tls_reason(why, sizeof(why));
        err_set(e, ERR_INVALID,
                "cannot use TLS key \"%s\" with "
                "certificate \"%s\": %s",
                t->key_file, t->cert_file, why);
        goto fail;
    }
    return soap;
fail:
    soap_end(soap); /* a fault gSOAP set */
    soap_free(soap);
    return NULL;
}

struct soaphttpd *soaphttpd_new(const struct soaphttpd_opts *o, struct err *e)
{
    struct addrinfo hints = {0}, *ai = NULL;
    struct soaphttpd *h = NULL;
    char port[16];
    int fd = -1, one = 1, rc;
    struct sockaddr_storage ss = {0};
    socklen_t sl = sizeof(ss);

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(port, sizeof(port), "%d", o->listen_port);
    rc = getaddrinfo(o->listen_host, port, &hints, &ai);
    if (rc != 0) {
        err_set(e, ERR_INVALID, "cannot resolve listen address \"%s\": %s",
                o->listen_host, gai_strerror(rc));
        goto fail;
    }
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) ||
        listen(fd, o->lim.listen_backlog) ||
        getsockname(fd, (struct sockaddr *)&ss, &sl)) {
        err_set(e, ERR_SYS, "cannot listen on %s:%d: %s", o->listen_host,
                o->listen_port, strerror(errno));
        goto fail;
    }
    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (o->tls.cert_file != NULL && (h->tls = tls_new(&o->tls, e)) == NULL)
        goto fail;
    h->o = *o;
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
    free(h);
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

/* Refuses a connection over the cap without blocking the accept loop
 * (with TLS by closing it: a TLS client could not read the 503). */
static void refuse(const struct soaphttpd *h, int fd)
{
    char msg[512];

    if (h->tls != NULL) {
        close(fd);
        return;
    }
    int n = snprintf(msg, sizeof(msg),
                     "HTTP/1.1 503 Service Unavailable\r\nServer: %s\r\n"
                     "Content-Type: text/plain\r\nContent-Length: 21\r\n"
                     "Retry-After: 1\r\nConnection: close\r\n\r\n"
                     "too many connections\n",
                     h->o.name);
    if (n > 0 && (size_t)n < sizeof(msg)) {
        ssize_t s = send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)s;
    }
    close(fd);
}

int soaphttpd_run(struct soaphttpd *h)
{
    const struct soaphttpd_limits *lim = &h->o.lim;
    pthread_attr_t attr;
    struct timespec until;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    while (!*h->o.stop) {
        struct pollfd p = {.fd = h->fd, .events = POLLIN};
        struct sockaddr_storage ss = {0};
        socklen_t sl = sizeof(ss);
        int r = poll(&p, 1, SLICE_MS), fd, one = 1;

        if (r <= 0)
            continue;
        fd = accept4(h->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                usleep(100000); /* let connections end */
            continue;
        }
        pthread_mutex_lock(&h->mu);
        if (h->active >= lim->max_connections) {
            pthread_mutex_unlock(&h->mu);
            refuse(h, fd);
            continue;
        }
        h->active++;
        pthread_mutex_unlock(&h->mu);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = calloc(1, sizeof(*c));
        pthread_t t;
        if (c != NULL) {
            c->h = h;
            c->o = &h->o;
            c->lim = lim;
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
            refuse(h, fd);
            pthread_mutex_lock(&h->mu);
            h->active--;
            pthread_mutex_unlock(&h->mu);
        }
    }
    pthread_attr_destroy(&attr);
    /* stop accepting; let in-flight requests finish */
    close(h->fd);
    h->fd = -1;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += lim->shutdown_grace_s;
    pthread_mutex_lock(&h->mu);
    while (h->active > 0) {
        if (pthread_cond_timedwait(&h->cv, &h->mu, &until) == ETIMEDOUT)
            break;
    }
    int left = h->active;
    pthread_mutex_unlock(&h->mu);
    if (left > 0) {
        log_msg("%d connection(s) still busy after %d s; exiting anyway", left,
                lim->shutdown_grace_s);
        return -1;
    }
    return 0;
}

void soaphttpd_free(struct soaphttpd *h)
{
    if (h == NULL)
        return;
    if (h->fd >= 0)
        close(h->fd);
    if (h->tls != NULL)
        soap_free(h->tls);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
}
