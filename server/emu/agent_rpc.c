/* micetro-emu: calls to a DHCP server's agent (see agent_rpc.h). */
#include "agent_rpc.h"

#include <stdio.h>
#include <string.h>

#include "stdsoap2.h" /* with WITH_OPENSSL: openssl/ssl.h too */

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "agent_rpc_gen.h"
#include "config.h"
#include "secrets.h"

/* gSOAP's TLS client settings: TLS 1.2 or 1.3, the server's certificate
 * verified against the given bundle only. */
#define RPC_TLS_FLAGS                                                          \
    (SOAP_SSL_REQUIRE_SERVER_AUTHENTICATION | SOAP_SSL_NO_DEFAULT_CA_PATH |    \
     SOAP_TLSv1_2 | SOAP_TLSv1_3)

/* Frees a context and what gSOAP allocated in it (a fault's text too). */
static void rpc_free(struct soap *soap)
{
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
}

/* OpenSSL's first reason for the failure just seen; the queue cleared. */
static const char *tls_reason(void)
{
    unsigned long code = ERR_peek_error();
    const char *r = code ? ERR_reason_error_string(code) : NULL;

    ERR_clear_error();
    return r != NULL ? r : "unknown error";
}

int agent_rpc_tls_check(const char *path, struct err *e)
{
    struct soap *soap = soap_new();
    int rc = 0;

    if (soap == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    ERR_clear_error();
    if (soap_ssl_client_context(soap, RPC_TLS_FLAGS, NULL, NULL, path, NULL,
                                NULL) != SOAP_OK)
        rc = err_set(e, ERR_INVALID,
                     "--agent-tls-ca \"%s\": not a CA "
                     "bundle: %s",
                     path, tls_reason());
    rpc_free(soap);
    return rc;
}

/* https to t's agent: the certificate must chain to t->tls_ca and name
 * t->host as an IP address.  That check is OpenSSL's, set on the context
 * before the handshake: gSOAP's own, after it, also takes a DNS name or
 * a common name that merely reads like the address. */
static int rpc_tls(struct soap *soap, const struct agent_rpc_target *t,
                   struct err *e)
{
    ERR_clear_error();
    if (soap_ssl_client_context(soap, RPC_TLS_FLAGS, NULL, NULL, t->tls_ca,
                                NULL, NULL) != SOAP_OK)
        return err_set(e, ERR_SYS,
                       "agent %s:%d unreachable: CA bundle "
                       "\"%s\": %s",
                       t->host, t->port, t->tls_ca, tls_reason());
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(soap->ctx), t->host) !=
        1)
        return err_set(e, ERR_SYS,
                       "agent %s:%d unreachable: TLS needs an IP "
                       "address",
                       t->host, t->port);
    return 0;
}

/* A context for one call, every limit set; NULL with e filled. */
static struct soap *rpc_new(const struct agent_rpc_target *t, int total_s,
                            struct err *e)
{
    struct soap *soap = soap_new1(SOAP_XML_TREE | SOAP_C_UTFSTRING);

    if (soap == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (t->tls_ca != NULL && rpc_tls(soap, t, e) != 0) {
        rpc_free(soap);
        return NULL;
    }
    soap->connect_timeout = t->timeout_s;
    soap->send_timeout = t->timeout_s;
    soap->recv_timeout = t->timeout_s;
    soap->transfer_timeout = total_s;
    soap->recv_maxlength = t->max_answer;
    soap->maxlength = (long)t->max_answer;
    soap->maxlevel = 16;
    soap->maxoccurs = 16;
    return soap;
}

/* Why TLS failed, from gSOAP's text of it: OpenSSL's errors one per line
 * ("error:0A000086:SSL routines::certificate verify failed"), then, when
 * the certificate was refused, the verification's reason ("IP address
 * mismatch"). */
static void tls_failure(const char *text, char *buf, size_t size)
{
    const char *refused = strstr(text, "certificate verify failed");
    const char *last = NULL, *p = text;
    size_t n;

    while (*p) { /* the last non-empty line */
        const char *eol = strchr(p, '\n');
        size_t l = eol ? (size_t)(eol - p) : strlen(p);
        if (l > 0)
            last = p;
        p += l + (eol != NULL);
    }
    if (last == NULL) {
        snprintf(buf, size, "TLS handshake failed");
        return;
    }
    n = strcspn(last, "\n");
    if (refused == NULL) {
        const char *colon = memrchr(last, ':', n); /* "error:...::reason" */
        if (colon != NULL) {
            n -= (size_t)(colon + 1 - last);
            last = colon + 1;
        }
    }
    snprintf(buf, size, "%s: %.*s",
             refused ? "TLS: the agent's certificate was refused"
                     : "TLS handshake failed",
             (int)n, last);
}

/* Classifies a failed call (agent_rpc.h). */
static int rpc_error(struct soap *soap, const struct agent_rpc_target *t,
                     const char *what, char *detail, size_t len, struct err *e)
{
    const char *code = NULL, *text = NULL;
    char why[160];

    if (detail != NULL && len > 0)
        detail[0] = '\0';
    if (soap->error == SOAP_SSL_ERROR) {
        agent_rpc_gen_fault(soap, &code, &text);
        tls_failure(text != NULL ? text : "", why, sizeof(why));
        return err_set(e, ERR_SYS, "agent %s:%d unreachable (%s): %s", t->host,
                       t->port, what, why);
    }
    /* a fault received: gSOAP says which side's (1, 2) or just that */
    if (soap->error == SOAP_FAULT || soap->error == SOAP_CLI_FAULT ||
        soap->error == SOAP_SVR_FAULT) {
        agent_rpc_gen_fault(soap, &code, &text);
        if (detail != NULL && len > 0)
            snprintf(detail, len, "%s", text != NULL ? text : "");
        if (soap->error == SOAP_CLI_FAULT ||
            (code != NULL && strstr(code, "Client") != NULL))
            return err_set(e, ERR_INVALID, "agent %s:%d refused %s", t->host,
                           t->port, what);
        return err_set(e, ERR_INTERNAL, "agent %s:%d failed %s", t->host,
                       t->port, what);
    }
    /* the cause once, in the message: the system's words when there are
     * some ("Connection refused"), else what gSOAP saw */
    if (soap->errnum != 0)
        snprintf(why, sizeof(why), "%s", strerror(soap->errnum));
    else if (soap->error == SOAP_EOF)
        snprintf(why, sizeof(why), "the connection closed without an answer");
    else
        snprintf(why, sizeof(why), "no answer");
    return err_set(e, ERR_SYS,
                   "agent %s:%d unreachable (%s): %s (gSOAP "
                   "error %d)",
                   t->host, t->port, what, why, soap->error);
}

static void endpoint(const struct agent_rpc_target *t, char *buf, size_t len)
{
    snprintf(buf, len, "%s://%s:%d/agent", t->tls_ca ? "https" : "http",
             t->host, t->port);
}

static int put(const struct agent_rpc_target *t, const char *config,
               const char *replaces, int validate_only, char *hash,
               char *detail, size_t len, struct err *e)
{
    const char *h = NULL, *out = NULL;
    char ep[128];
    struct soap *soap;
    int rc;

    hash[0] = '\0';
    if (detail != NULL && len > 0)
        detail[0] = '\0';
    if ((soap = rpc_new(t, t->put_timeout_s, e)) == NULL)
        return e->code;
    endpoint(t, ep, sizeof(ep));
    if (agent_rpc_gen_put(soap, ep, t->secret, config, replaces, validate_only,
                          &h, &out) != SOAP_OK)
        rc = rpc_error(soap, t, "the configuration", detail, len, e);
    else if (h == NULL || strlen(h) != 64)
        rc = err_set(e, ERR_INTERNAL, "agent %s:%d answered no hash", t->host,
                     t->port);
    else {
        memcpy(hash, h, 65);
        if (detail != NULL && len > 0)
            snprintf(detail, len, "%s", out != NULL ? out : "");
        rc = 0;
    }
    rpc_free(soap);
    return rc;
}

int agent_rpc_put_config(const struct agent_rpc_target *t, const char *config,
                         const char *replaces, char *hash, char *detail,
                         size_t len, struct err *e)
{
    return put(t, config, replaces, 0, hash, detail, len, e);
}

int agent_rpc_validate_config(const struct agent_rpc_target *t,
                              const char *config, char *detail, size_t len,
                              struct err *e)
{
    char hash[65];

    return put(t, config, NULL, 1, hash, detail, len, e);
}

struct agent_rpc_target agent_rpc_target_of(const struct config *cfg,
                                            const char *name, const char *host,
                                            int port)
{
    struct agent_rpc_target t;

    t.host = host;
    t.port = port > 0 ? port : cfg->agent_port;
    t.secret = secrets_lookup(cfg->agent_secrets, name, cfg->agent_secret);
    t.tls_ca = cfg->agent_tls_ca;
    t.timeout_s = cfg->agent_timeout_s;
    t.put_timeout_s = cfg->push_timeout_s;
    t.max_answer = cfg->agent_max_answer;
    return t;
}

int agent_rpc_no_secret(const char *name, struct err *e)
{
    return err_set(e, ERR_INVALID,
                   "no agent secret for DHCP server \"%s\" "
                   "(--agent-secrets or --agent-secret-file)",
                   name);
}

int agent_rpc_get_config(const struct agent_rpc_target *t, const char *file,
                         char **text, struct err *e)
{
    const char *config = NULL, *hash = NULL;
    char ep[128], detail[400], why[sizeof(e->msg)];
    struct soap *soap;
    int rc = 0;

    *text = NULL;
    if ((soap = rpc_new(t, t->timeout_s, e)) == NULL)
        return e->code;
    endpoint(t, ep, sizeof(ep));
    if (agent_rpc_gen_get(soap, ep, t->secret, file, &config, &hash) !=
        SOAP_OK) {
        rc = rpc_error(soap, t, file != NULL ? file : "the configuration",
                       detail, sizeof(detail), e);
        if (detail[0] != '\0') {
            snprintf(why, sizeof(why), "%s", e->msg);
            err_set(e, rc, "%.500s: %.400s", why, detail);
        }
    } else if (config != NULL && (*text = strdup(config)) == NULL)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    rpc_free(soap);
    return rc;
}

int agent_rpc_failover_state(const struct agent_rpc_target *t, const char *name,
                             int *found, char *local, char *partner, size_t len,
                             struct err *e)
{
    const char *l = NULL, *p = NULL;
    char ep[128];
    struct soap *soap;
    int rc = 0;

    *found = 0;
    local[0] = partner[0] = '\0';
    if ((soap = rpc_new(t, t->timeout_s, e)) == NULL)
        return e->code;
    endpoint(t, ep, sizeof(ep));
    if (agent_rpc_gen_state(soap, ep, t->secret, name, found, &l, &p) !=
        SOAP_OK) {
        rc = rpc_error(soap, t, "the failover state", NULL, 0, e);
    } else if (*found) {
        snprintf(local, len, "%s", l != NULL ? l : "");
        snprintf(partner, len, "%s", p != NULL ? p : "");
    }
    rpc_free(soap);
    return rc;
}
