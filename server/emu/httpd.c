/* micetro-emu: the HTTP side of the daemon (see httpd.h). */
#include "httpd.h"

#include <stdlib.h>

#include "soapH.h"

#include "httpreq.h"
#include "xmlscan.h"
#include "control.h"
#include "control_faults.h"
#include "control_journal.h"
#include "fault.h"
#include "jsonrpc.h"
#include "rest.h"
#include "soaphttpd.h"
#include "wsdl.h"

struct httpd {
    struct soaphttpd *srv;
};

/* Element names older clients spell differently, folded before parsing. */
static const struct xmlscan_fold old_spellings[] = {
    {"DHCPRefAndFailoverRelationshipNames",
     "dhcpRefAndFailoverRelationshipNames"},
    {"DHCPRefAndFailoverRelationshipName",
     "dhcpRefAndFailoverRelationshipName"},
    {NULL, NULL},
};

static int is_wsdl(const char *target)
{
    return httpreq_route(target) == HTTPREQ_WSDL;
}

static int is_soap(const char *target)
{
    return httpreq_route(target) == HTTPREQ_SOAP;
}

/* The body of an error the front answers on a call's route itself: each
 * API's own shape. */
static size_t error_body(const char *target, char *buf, size_t size,
                         const char *msg)
{
    return rest_match(target) ? rest_error_body(buf, size, msg)
                              : control_error_body(buf, size, msg);
}

/* Every route the emulator serves. */
static const struct soaphttpd_route routes[] = {
    {"*", control_match, SOAPHTTPD_CALL, control_handle},
    {"POST", jsonrpc_match, SOAPHTTPD_CALL, jsonrpc_handle},
    {"*", rest_match, SOAPHTTPD_CALL, rest_handle},
    {"GET", is_wsdl, SOAPHTTPD_WSDL, NULL},
    {"POST", is_soap, SOAPHTTPD_SOAP, NULL},
    {NULL, NULL, 0, NULL},
};

/* The WSDL of the served profile with the service at base. */
static char *render_wsdl(void *user, const char *base, size_t *len)
{
    struct app *app = user;

    return wsdl_render(app->wsdl, base, len);
}

/* gSOAP's errors as faults: through fault.c, as every handler's. */
static int soap_error_fault(struct soap *soap, int code, const char *msg)
{
    return fault_set(soap, code, "%s", msg);
}

struct httpd *httpd_new(struct app *app, struct err *e)
{
    const struct config *cfg = app->cfg;
    struct soaphttpd_opts o = {
        .name = "micetro-emu",
        .listen_host = cfg->listen_host,
        .listen_port = cfg->listen_port,
        .lim = cfg->wire,
        .stop = app->stop,
        .user = app,
        /* chunked bodies, SOAP 1.1 and 1.2; namespaces not checked;
         * values decide, not the xsi:type clients put on them; 7.x
         * clients spell the RemoveDHCPFailoverRelationships array so */
        .chunked = 1,
        .soap12 = 1,
        .soap_mode = SOAP_XML_IGNORENS,
        .blank_types = 1,
        .fold_names = old_spellings,
        .routes = routes,
        .wsdl_at = "/_mmwebext/mmwebext.dll?wsdl",
        .soap_at = "/_mmwebext/mmwebext.dll?Soap",
        .wsdl = render_wsdl,
        .self_host = NULL, /* the address the client reached */
        .fault = soap_error_fault,
        .fault_envelope = fault_envelope,
        .call_error = error_body,
        .call_error_type = "application/json",
        /* JSON-RPC on the SOAP URL: the Content-Type decides */
        .soap_json = jsonrpc_handle,
        .json_error = jsonrpc_error_body,
        .soap_intercept = control_faults_intercept,
        .soap_done = control_journal_note,
    };
    struct httpd *h = calloc(1, sizeof(*h));

    if (h == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    h->srv = soaphttpd_new(&o, e);
    if (h->srv == NULL) {
        free(h);
        return NULL;
    }
    return h;
}

int httpd_port(const struct httpd *h)
{
    return soaphttpd_port(h->srv);
}

int httpd_start(struct httpd *h, struct err *e)
{
    if (soaphttpd_start(h->srv) != 0)
        return err_set(e, ERR_SYS, "cannot start the HTTP server");
    return 0;
}

int httpd_run(struct httpd *h)
{
    return soaphttpd_run(h->srv);
}

void httpd_free(struct httpd *h)
{
    if (h == NULL)
        return;
    soaphttpd_free(h->srv);
    free(h);
}
