/* micetro-emu: calls to a DHCP server's agent (see agent_rpc.h). */
#include "agent_rpc.h"

#include <stdio.h>
#include <string.h>

#include "stdsoap2.h"

#include "agent_rpc_gen.h"

/* A context for one call, every limit set. */
static struct soap *rpc_new(const struct agent_rpc_target *t, int total_s)
{
    struct soap *soap = soap_new1(SOAP_XML_TREE | SOAP_C_UTFSTRING);

    if (soap == NULL)
        return NULL;
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

static void rpc_free(struct soap *soap)
{
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
}

/* Classifies a failed call (agent_rpc.h). */
static int rpc_error(struct soap *soap, const struct agent_rpc_target *t,
                     const char *what, char *detail, size_t len,
                     struct err *e)
{
    const char *code = NULL, *text = NULL;

    if (detail != NULL && len > 0)
        detail[0] = '\0';
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
    if (detail != NULL && len > 0)
        snprintf(detail, len, "agent %s:%d unreachable: gSOAP error %d%s%s",
                 t->host, t->port, soap->error, soap->errnum ? ", " : "",
                 soap->errnum ? strerror(soap->errnum) : "");
    return err_set(e, ERR_SYS, "agent %s:%d unreachable (%s): gSOAP error %d",
                   t->host, t->port, what, soap->error);
}

static void endpoint(const struct agent_rpc_target *t, char *buf, size_t len)
{
    snprintf(buf, len, "http://%s:%d/agent", t->host, t->port);
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
    if ((soap = rpc_new(t, t->put_timeout_s)) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    endpoint(t, ep, sizeof(ep));
    if (agent_rpc_gen_put(soap, ep, t->secret, config, replaces,
                          validate_only, &h, &out) != SOAP_OK)
        rc = rpc_error(soap, t, "the configuration", detail, len, e);
    else if (h == NULL || strlen(h) != 64)
        rc = err_set(e, ERR_INTERNAL, "agent %s:%d answered no hash",
                     t->host, t->port);
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

int agent_rpc_failover_state(const struct agent_rpc_target *t,
                             const char *name, int *found, char *local,
                             char *partner, size_t len, struct err *e)
{
    const char *l = NULL, *p = NULL;
    char ep[128];
    struct soap *soap;
    int rc = 0;

    *found = 0;
    local[0] = partner[0] = '\0';
    if ((soap = rpc_new(t, t->timeout_s)) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
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
