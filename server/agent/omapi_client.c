/* micetro-emu: OMAPI client for dhcpd's failover state.  See
 * omapi_client.h; the wire format lives in front/omapi.c. */
#include "omapi_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define MAX_ARG 255    /* key name, relationship name, host */
#define MAX_SECRET 512 /* decoded key bytes */

struct conn {
    int fd;
    long long deadline; /* CLOCK_MONOTONIC, ms */
    char where[300];    /* "dhcpd OMAPI at host:port" for messages */
    unsigned char *in;  /* received, not yet consumed */
    size_t have;
    unsigned char *msg; /* the message being sent or the last one read: a
                         * decoded answer points here until the next send */
    const unsigned char *key;
    size_t key_len;
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on c->fd until the deadline. */
static int wait_fd(struct conn *c, short events, const char *what,
                   struct err *e)
{
    for (;;) {
        struct pollfd p = {.fd = c->fd, .events = events};
        long long left = c->deadline - now_ms();
        int n;

        if (left <= 0)
            return err_set(e, ERR_SYS, "%s: timed out while %s", c->where,
                           what);
        n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return err_set(e, ERR_SYS, "%s: poll: %s", c->where,
                           strerror(errno));
    }
}

/* Strict base64 (standard alphabet, '=' padding only at the end). */
static int b64_decode(const char *s, unsigned char *out, size_t cap,
                      size_t *len)
{
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(s), o = 0;
    uint32_t acc = 0;
    int bits = 0, pad = 0;

    if (n == 0 || n % 4 != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *p;

        if (s[i] == '=') {
            if (i < n - 2)
                return -1;
            pad++;
            continue;
        }
        if (pad || (p = strchr(alpha, s[i])) == NULL)
            return -1;
        acc = acc << 6 | (uint32_t)(p - alpha);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    /* leftover bits must be zero */
    if (acc & ((1u << bits) - 1))
        return -1;
    *len = o;
    return 0;
}

static uint32_t new_tid(void)
{
    uint32_t t = 0;

    if (getrandom(&t, sizeof(t), GRND_NONBLOCK) != (ssize_t)sizeof(t))
        t = (uint32_t)now_ms() ^ (uint32_t)getpid() << 16;
    return t ? t : 1;
}

static int open_conn(struct conn *c, const char *host, int port, struct err *e)
{
    struct addrinfo hints, *res = NULL, *ai;
    char portstr[16];
    int rc, last = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%d", port);
    rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0)
        return err_set(e, ERR_SYS, "%s: cannot resolve: %s", c->where,
                       gai_strerror(rc));
    rc = ERR_SYS;
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family,
                        ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        ai->ai_protocol);
        int soerr = 0;
        socklen_t sl = sizeof(soerr);

        if (fd < 0) {
            last = errno;
            continue;
        }
        c->fd = fd;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            rc = 0;
            break;
        }
        if (errno != EINPROGRESS) {
            last = errno;
        } else if (wait_fd(c, POLLOUT, "connecting", e) < 0) {
            close(fd);
            c->fd = -1;
            rc = ERR_SYS;
            goto out; /* deadline spent: do not try the next address */
        } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0) {
            last = errno;
        } else if (soerr != 0) {
            last = soerr;
        } else {
            rc = 0;
            break;
        }
        close(fd);
        c->fd = -1;
    }
    if (rc < 0)
        err_set(e, ERR_SYS, "%s: cannot connect: %s", c->where,
                strerror(last ? last : ECONNREFUSED));
out:
    freeaddrinfo(res);
    return rc;
}

static int send_all(struct conn *c, const unsigned char *buf, size_t len,
                    struct err *e)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);

        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_fd(c, POLLOUT, "writing", e);

            if (rc < 0)
                return rc;
        } else if (n < 0 && errno != EINTR) {
            return err_set(e, ERR_SYS, "%s: write: %s", c->where,
                           strerror(errno));
        }
    }
    return 0;
}

/* Reads more bytes into c->in (one recv). */
static int recv_more(struct conn *c, struct err *e)
{
    for (;;) {
        ssize_t n;
        int rc;

        if (c->have >= OMAPI_MAX_MESSAGE)
            return err_set(e, ERR_SYS, "%s: answer over %d bytes", c->where,
                           OMAPI_MAX_MESSAGE);
        n = recv(c->fd, c->in + c->have, OMAPI_MAX_MESSAGE - c->have, 0);
        if (n > 0) {
            c->have += (size_t)n;
            return 0;
        }
        if (n == 0)
            return err_set(e, ERR_SYS, "%s: connection closed by dhcpd",
                           c->where);
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            rc = wait_fd(c, POLLIN, "reading", e);
            if (rc < 0)
                return rc;
        } else if (errno != EINTR) {
            return err_set(e, ERR_SYS, "%s: read: %s", c->where,
                           strerror(errno));
        }
    }
}

static void consume(struct conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->have - n);
    c->have -= n;
}

static int read_greeting(struct conn *c, struct err *e)
{
    struct err le;
    int rc;

    while (c->have < OMAPI_GREETING_LEN) {
        rc = recv_more(c, e);
        if (rc < 0)
            return rc;
    }
    if (omapi_greeting_check(c->in, OMAPI_GREETING_LEN, &le) < 0)
        return err_set(e, ERR_SYS, "%s: %s", c->where, le.msg);
    consume(c, OMAPI_GREETING_LEN);
    return 0;
}

/* Reads the next whole message into c->msg and decodes it into m (which
 * then points into c->msg); *len is its size in bytes. */
static int read_msg(struct conn *c, struct omapi_msg *m, size_t *len,
                    struct err *e)
{
    struct err le;
    size_t total = 0;
    int rc;

    for (;;) {
        if (omapi_msg_frame(c->in, c->have, &total, &le) < 0)
            return err_set(e, ERR_SYS, "%s: bad answer: %s", c->where, le.msg);
        if (total > 0)
            break;
        rc = recv_more(c, e);
        if (rc < 0)
            return rc;
    }
    memcpy(c->msg, c->in, total);
    consume(c, total);
    if (omapi_msg_decode(c->msg, total, m, &le) < 0)
        return err_set(e, ERR_SYS, "%s: bad answer: %s", c->where, le.msg);
    *len = total;
    return 0;
}

static int hmac_md5(const struct conn *c, const unsigned char *data, size_t len,
                    unsigned char *out)
{
    unsigned int outlen = 0;

    if (HMAC(EVP_md5(), c->key, (int)c->key_len, data, len, out, &outlen) ==
            NULL ||
        outlen != OMAPI_HMAC_MD5_LEN)
        return -1;
    return 0;
}

/* Encodes m (signed with the key when m->authlen is set) and sends it. */
static int send_msg(struct conn *c, struct omapi_msg *m, struct err *e)
{
    unsigned char *buf = c->msg, sig[OMAPI_HMAC_MD5_LEN];
    size_t len, off, span;
    struct err le;

    if (omapi_msg_encode(m, buf, OMAPI_MAX_MESSAGE, &len, &le) < 0)
        return err_set(e, ERR_INVALID, "%s", le.msg);
    if (m->authlen) {
        if (omapi_msg_signed_span(buf, len, &off, &span, &le) < 0 ||
            hmac_md5(c, buf + off, span, sig) < 0 ||
            omapi_msg_put_signature(buf, len, sig, sizeof(sig), &le) < 0)
            return err_set(e, ERR_INTERNAL, "%s: cannot sign a message",
                           c->where);
    }
    return send_all(c, buf, len, e);
}

/* Checks that an answer (raw, len) carries our authid and a valid
 * HMAC-MD5 signature. */
static int verify_msg(const struct conn *c, const struct omapi_msg *m,
                      uint32_t authid, size_t len, struct err *e)
{
    unsigned char sig[OMAPI_HMAC_MD5_LEN];
    size_t off, span;

    if (m->authid != authid || m->authlen != OMAPI_HMAC_MD5_LEN ||
        omapi_msg_signed_span(c->msg, len, &off, &span, NULL) < 0 ||
        hmac_md5(c, c->msg + off, span, sig) < 0 ||
        CRYPTO_memcmp(sig, m->sig, sizeof(sig)) != 0)
        return err_set(e, ERR_AUTH, "%s: answer fails the signature check",
                       c->where);
    return 0;
}

static int check_args(const char *host, int port, const char *key_name,
                      const char *secret_b64, const char *relationship,
                      int timeout_ms, struct omapi_failover_state *out,
                      struct err *e)
{
    if (host == NULL || host[0] == '\0' || strlen(host) > MAX_ARG)
        return err_set(e, ERR_INVALID, "OMAPI host must be 1 to %d bytes",
                       MAX_ARG);
    if (port < 1 || port > 65535)
        return err_set(e, ERR_INVALID, "OMAPI port %d out of range", port);
    if (key_name == NULL || key_name[0] == '\0' || strlen(key_name) > MAX_ARG)
        return err_set(e, ERR_INVALID, "OMAPI key name must be 1 to %d bytes",
                       MAX_ARG);
    if (relationship == NULL || relationship[0] == '\0' ||
        strlen(relationship) > MAX_ARG)
        return err_set(e, ERR_INVALID,
                       "failover relationship name must be 1 to %d bytes",
                       MAX_ARG);
    if (secret_b64 == NULL)
        return err_set(e, ERR_INVALID, "no OMAPI key secret");
    if (timeout_ms <= 0)
        return err_set(e, ERR_INVALID, "OMAPI timeout must be positive");
    if (out == NULL)
        return err_set(e, ERR_INVALID, "no place for the failover state");
    return 0;
}

int omapi_client_failover_state(const char *host, int port,
                                const char *key_name, const char *secret_b64,
                                const char *relationship, int timeout_ms,
                                struct omapi_failover_state *out, struct err *e)
{
    struct conn c = {.fd = -1};
    struct omapi_msg *req = NULL, *ans = NULL;
    unsigned char key[MAX_SECRET], greet[OMAPI_GREETING_LEN];
    char text[128];
    uint32_t authid, result;
    size_t len;
    struct err le;
    int rc;

    rc = check_args(host, port, key_name, secret_b64, relationship, timeout_ms,
                    out, e);
    if (rc < 0)
        return rc;
    memset(out, 0, sizeof(*out));
    if (b64_decode(secret_b64, key, sizeof(key), &c.key_len) < 0 ||
        c.key_len == 0)
        return err_set(e, ERR_INVALID,
                       "OMAPI key secret is not base64 (at most %d bytes)",
                       MAX_SECRET);
    c.key = key;
    c.deadline = now_ms() + timeout_ms;
    snprintf(c.where, sizeof(c.where), "dhcpd OMAPI at %s:%d", host, port);
    c.in = malloc(OMAPI_MAX_MESSAGE);
    c.msg = malloc(OMAPI_MAX_MESSAGE);
    req = calloc(1, sizeof(*req));
    ans = calloc(1, sizeof(*ans));
    if (!c.in || !c.msg || !req || !ans) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }

    rc = open_conn(&c, host, port, e);
    if (rc < 0)
        goto out;
    omapi_greeting_encode(greet);
    rc = send_all(&c, greet, sizeof(greet), e);
    if (rc < 0)
        goto out;
    rc = read_greeting(&c, e);
    if (rc < 0)
        goto out;

    /* 1. open the authenticator (unsigned); its handle is our authid */
    req->opcode = OMAPI_OP_OPEN;
    req->tid = new_tid();
    omapi_msg_add(req, 0, omapi_value_str("type", "authenticator"), NULL);
    omapi_msg_add(req, 1, omapi_value_str("name", key_name), NULL);
    omapi_msg_add(req, 1, omapi_value_str("algorithm", OMAPI_ALG_HMAC_MD5),
                  NULL);
    rc = send_msg(&c, req, e);
    if (rc < 0)
        goto out;
    rc = read_msg(&c, ans, &len, e);
    if (rc < 0)
        goto out;
    if (ans->rid != req->tid) {
        rc = err_set(e, ERR_SYS, "%s: answer to another request", c.where);
        goto out;
    }
    if (ans->opcode == OMAPI_OP_STATUS) {
        omapi_status(ans, &result, text, sizeof(text));
        rc = err_set(e, ERR_AUTH, "%s: key \"%s\" refused: %s", c.where,
                     key_name, text[0] ? text : "no reason given");
        goto out;
    }
    if (ans->opcode != OMAPI_OP_UPDATE || ans->handle == 0) {
        rc = err_set(e, ERR_SYS, "%s: unexpected answer (opcode %u)", c.where,
                     (unsigned)ans->opcode);
        goto out;
    }
    authid = ans->handle;

    /* 2. open failover-state by name, signed */
    memset(req, 0, sizeof(*req));
    req->authid = authid;
    req->authlen = OMAPI_HMAC_MD5_LEN;
    req->opcode = OMAPI_OP_OPEN;
    req->tid = new_tid();
    omapi_msg_add(req, 0, omapi_value_str("type", "failover-state"), NULL);
    omapi_msg_add(req, 1, omapi_value_str("name", relationship), NULL);
    rc = send_msg(&c, req, e);
    if (rc < 0)
        goto out;
    rc = read_msg(&c, ans, &len, e);
    if (rc < 0)
        goto out;
    if (ans->rid != req->tid) {
        rc = err_set(e, ERR_SYS, "%s: answer to another request", c.where);
        goto out;
    }
    if (ans->opcode == OMAPI_OP_STATUS && ans->authid != authid) {
        /* dhcpd answers unsigned when it cannot verify us */
        omapi_status(ans, &result, text, sizeof(text));
        rc = err_set(e, ERR_AUTH,
                     "%s: signature with key \"%s\" rejected (wrong "
                     "secret?)%s%s",
                     c.where, key_name, text[0] ? ": " : "", text);
        goto out;
    }
    rc = verify_msg(&c, ans, authid, len, e);
    if (rc < 0)
        goto out;
    if (ans->opcode == OMAPI_OP_STATUS) {
        omapi_status(ans, &result, text, sizeof(text));
        if (result == OMAPI_RESULT_NOTFOUND) {
            out->found = 0; /* no such failover peer: "Empty" */
            rc = 0;
            goto out;
        }
        rc = err_set(e, ERR_SYS, "%s: failover-state \"%s\": %s (%u)", c.where,
                     relationship, text[0] ? text : "error", (unsigned)result);
        goto out;
    }
    rc = omapi_failover_state_decode(ans, out, &le);
    if (rc < 0) {
        rc = err_set(e, ERR_SYS, "%s: %s", c.where, le.msg);
        goto out;
    }
    rc = 0;
out:
    if (c.fd >= 0)
        close(c.fd);
    OPENSSL_cleanse(key, sizeof(key));
    free(c.in);
    free(c.msg);
    free(req);
    free(ans);
    if (rc < 0)
        memset(out, 0, sizeof(*out));
    return rc;
}
