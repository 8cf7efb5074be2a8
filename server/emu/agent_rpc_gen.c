/* micetro-emu: the agent's gSOAP client code, all of it static but the
 * calls of agent_rpc_gen.h (see there why).  Compiled without warnings:
 * it includes generated code. */
#include "agent_rpc_gen.h"

#define WITH_NOGLOBAL
#define SOAP_FMAC3 static
#define SOAP_FMAC5 static
#include "stdsoap2.h"

#include "agcH.h"

/* the generated client, compiled here with every serializer static */
#include "agcC.c"      /* NOLINT(bugprone-suspicious-include) */
#include "agcClient.c" /* NOLINT(bugprone-suspicious-include) */
#include "agc.nsmap"

int agent_rpc_gen_put(struct soap *soap, const char *endpoint,
                      const char *secret, const char *config,
                      const char *replaces, int validate_only,
                      const char **hash, const char **output)
{
    struct _ag__PutConfig rq;
    struct _ag__PutConfigResponse rs;
    enum xsd__boolean yes = xsd__boolean__true_;
    int rc;

    soap_set_namespaces(soap, agc_namespaces);
    memset(&rq, 0, sizeof(rq));
    memset(&rs, 0, sizeof(rs));
    rq.secret = (char *)secret;
    rq.config = (char *)config;
    rq.replacesHash = (char *)replaces;
    rq.validateOnly = validate_only ? &yes : NULL;
    rc = soap_call___ag__PutConfig(soap, endpoint, NULL, &rq, &rs);
    *hash = rc == SOAP_OK ? rs.hash : NULL;
    *output = rc == SOAP_OK ? rs.dhcpdOutput : NULL;
    return rc;
}

int agent_rpc_gen_state(struct soap *soap, const char *endpoint,
                        const char *secret, const char *name, int *found,
                        const char **local, const char **partner)
{
    struct _ag__GetFailoverState rq;
    struct _ag__GetFailoverStateResponse rs;
    int rc;

    soap_set_namespaces(soap, agc_namespaces);
    memset(&rq, 0, sizeof(rq));
    memset(&rs, 0, sizeof(rs));
    rq.secret = (char *)secret;
    rq.name = (char *)name;
    rc = soap_call___ag__GetFailoverState(soap, endpoint, NULL, &rq, &rs);
    *found = rc == SOAP_OK && rs.found == xsd__boolean__true_;
    *local = rc == SOAP_OK ? rs.localState : NULL;
    *partner = rc == SOAP_OK ? rs.partnerState : NULL;
    return rc;
}

int agent_rpc_gen_get(struct soap *soap, const char *endpoint,
                      const char *secret, const char *file, const char **config,
                      const char **hash)
{
    struct _ag__GetConfig rq;
    struct _ag__GetConfigResponse rs;
    int rc;

    soap_set_namespaces(soap, agc_namespaces);
    memset(&rq, 0, sizeof(rq));
    memset(&rs, 0, sizeof(rs));
    rq.secret = (char *)secret;
    rq.file = (char *)file;
    rc = soap_call___ag__GetConfig(soap, endpoint, NULL, &rq, &rs);
    *config = rc == SOAP_OK ? rs.config : NULL;
    *hash = rc == SOAP_OK ? rs.hash : NULL;
    return rc;
}

void agent_rpc_gen_fault(struct soap *soap, const char **code,
                         const char **text)
{
    const char **c = soap_faultcode(soap), **t = soap_faultstring(soap);

    *code = c != NULL ? *c : NULL;
    *text = t != NULL ? *t : NULL;
}
