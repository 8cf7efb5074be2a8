/* micetro-dhcp-agent: SOAP operations and faults (see agent_soap.h). */
#include "agent_soap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agH.h"
#include "AgentSoap.nsmap"

#include "agent_service.h"
#include "omapi_client.h"
#include "soapfault.h"
#include "soaphttpd.h"

#define MAX_NAME 64 /* failover relationship names, as OMAPI takes them */

/* The service behind a request (the HTTP front's user data). */
static struct agent_service *service_of(struct soap *soap)
{
    return soaphttpd_user(soap);
}

static const struct soapfault_style ag_faults = {
    .prefix = "ag",
    .ns = "urn:micetro-emu:agent",
    .auth_code = 0, /* ERR_AUTH negated, as every code */
};

int agent_soap_fault(struct soap *soap, int code, const char *msg)
{
    return soapfault_set(soap, &ag_faults, code, msg);
}

size_t agent_soap_fault_envelope(char *buf, size_t size, int v12, int code,
                                 const char *msg)
{
    return soapfault_envelope(buf, size, &ag_faults, v12, code, msg);
}

static int from_err(struct soap *soap, const struct err *e)
{
    return agent_soap_fault(soap, e->code, e->msg);
}

/* Checks the secret every request starts with; 0 or the fault. */
static int check_secret(struct soap *soap, const char *secret)
{
    struct err e;

    if (agent_service_check_secret(service_of(soap), soaphttpd_peer(soap),
                                   secret ? secret : "",
                                   secret ? strlen(secret) : 0, &e) != 0)
        return from_err(soap, &e);
    return SOAP_OK;
}

int __ag__PutConfig(struct soap *soap, struct _ag__PutConfig *in,
                    struct _ag__PutConfigResponse *out)
{
    struct agent_put_result r;
    struct err e;
    int rc;

    rc = check_secret(soap, in->secret);
    if (rc)
        return rc;
    if (in->config == NULL)
        return agent_soap_fault(soap, ERR_INVALID, "config is missing");
    rc = agent_service_put(
        service_of(soap), in->config, strlen(in->config), in->replacesHash,
        in->validateOnly != NULL && *in->validateOnly == xsd__boolean__true_,
        &r, &e);
    if (rc == ERR_INVALID && r.rejected != NULL) {
        size_t n = strlen(r.rejected) + 64;
        char *msg = soap_malloc(soap, n);
        if (msg != NULL)
            snprintf(msg, n, "dhcpd rejected the configuration:\n%s",
                     r.rejected);
        rc = agent_soap_fault(soap, ERR_INVALID,
                              msg ? msg : "dhcpd rejected the configuration");
    } else if (rc) {
        rc = from_err(soap, &e);
    } else {
        out->hash = soap_strdup(soap, r.hash);
        out->dhcpdOutput = soap_strdup(soap, r.output ? r.output : "");
        if (out->hash == NULL || out->dhcpdOutput == NULL)
            rc = agent_soap_fault(soap, ERR_NOMEM, "out of memory");
    }
    free(r.output);
    free(r.rejected);
    return rc;
}

int __ag__GetConfig(struct soap *soap, struct _ag__GetConfig *in,
                    struct _ag__GetConfigResponse *out)
{
    char hash[AGENT_HASH_HEX], *text = NULL;
    size_t len = 0;
    struct err e;
    int rc = check_secret(soap, in->secret);

    if (rc)
        return rc;
    if (in->file != NULL) {
        if (in->file[0] == '\0' || strlen(in->file) >= AGENT_MAX_PATH)
            return agent_soap_fault(soap, ERR_INVALID,
                                    "file must be 1 to 1023 bytes long");
        rc = agent_service_get_file(service_of(soap), in->file, &text, &len,
                                    hash, &e);
    } else {
        rc = agent_service_get(service_of(soap), &text, &len, hash, &e);
    }
    if (rc == ERR_NOTFOUND && in->file == NULL)
        return SOAP_OK; /* no live file: both omitted */
    if (rc)
        return from_err(soap, &e);
    out->config = soap_strdup(soap, text);
    out->hash = soap_strdup(soap, hash);
    free(text);
    if (out->config == NULL || out->hash == NULL)
        return agent_soap_fault(soap, ERR_NOMEM, "out of memory");
    return SOAP_OK;
}

int __ag__GetFailoverState(struct soap *soap, struct _ag__GetFailoverState *in,
                           struct _ag__GetFailoverStateResponse *out)
{
    struct omapi_failover_state st;
    struct err e;
    int rc = check_secret(soap, in->secret);
    size_t n;

    if (rc)
        return rc;
    n = in->name ? strlen(in->name) : 0;
    if (n == 0 || n > MAX_NAME)
        return agent_soap_fault(soap, ERR_INVALID,
                                "name must be 1 to 64 "
                                "bytes long");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)in->name[i] < 0x20 || in->name[i] == 0x7f)
            return agent_soap_fault(soap, ERR_INVALID,
                                    "name contains a "
                                    "control character");
    memset(&st, 0, sizeof(st));
    rc = agent_service_failover_state(service_of(soap), in->name, &st, &e);
    if (rc)
        return from_err(soap, &e);
    out->found = st.found ? xsd__boolean__true_ : xsd__boolean__false_;
    out->localStateCode = st.found ? st.local_state : 0;
    out->partnerStateCode = st.found ? st.partner_state : 0;
    out->localState = soap_strdup(
        soap, st.found ? omapi_state_name(st.local_state) : "");
    out->partnerState = soap_strdup(
        soap, st.found ? omapi_state_name(st.partner_state) : "");
    out->mclt = st.found ? st.mclt : 0;
    return SOAP_OK;
}

int __ag__Status(struct soap *soap, struct _ag__Status *in,
                 struct _ag__StatusResponse *out)
{
    struct agent_status st;
    int rc = check_secret(soap, in->secret);

    if (rc)
        return rc;
    agent_service_status(service_of(soap), &st);
    out->running = st.running ? xsd__boolean__true_ : xsd__boolean__false_;
    out->pid = st.pid;
    out->hash = soap_strdup(soap, st.hash);
    out->lastError = soap_strdup(soap, st.last_error);
    return SOAP_OK;
}
