/* micetro-dhcp-agent: the HTTP side (see agent_httpd.h). */
#include "agent_httpd.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent_service.h"
#include "agent_soap.h"
#include "soaphttpd.h"

#define WSDL_PLACEHOLDER "http://micetro-agent.invalid"

extern const char agent_wsdl_text[];
extern const size_t agent_wsdl_text_len;

/* 1 when target's path is /agent (or /) and its query is query (NULL:
 * anything but "wsdl"). */
static int target_is(const char *target, const char *query)
{
    const char *q = strchr(target, '?');
    size_t pl = q ? (size_t)(q - target) : strlen(target);

    if (!((pl == 6 && strncmp(target, "/agent", 6) == 0) ||
          (pl == 1 && target[0] == '/')))
        return 0;
    if (query == NULL)
        return q == NULL || strcasecmp(q + 1, "wsdl") != 0;
    return q != NULL && strcasecmp(q + 1, query) == 0;
}

static int is_wsdl(const char *target)
{
    return target_is(target, "wsdl");
}

static int is_soap(const char *target)
{
    return target_is(target, NULL);
}

static int is_health(const char *target)
{
    return strcmp(target, "/_emu/health") == 0;
}

/* GET /_emu/health: whether dhcpd runs and what was installed last.  Open
 * to any client: it tells nothing secret. */
static void health(void *user, const struct soaphttpd_request *rq,
                   struct soaphttpd_answer *a)
{
    struct agent_status st;
    json_t *j;

    a->content_type = "application/json";
    if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
        a->status = 405;
        j = json_pack("{s:s}", "error", "/_emu/health takes GET");
    } else {
        agent_service_status(user, &st);
        a->status = 200;
        j = json_pack("{s:s, s:{s:b, s:i}, s:{s:s?, s:s?}}", "status", "ok",
                      "dhcpd", "running", st.running, "pid", st.pid,
                      "lastInstall", "hash", st.hash[0] ? st.hash : NULL,
                      "error", st.last_error[0] ? st.last_error : NULL);
    }
    a->body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (a->body == NULL) {
        a->status = 500;
        a->content_type = "text/plain; charset=utf-8";
    } else {
        a->len = strlen(a->body);
    }
}

/* Every route the agent serves. */
static const struct soaphttpd_route routes[] = {
    {"GET", is_health, SOAPHTTPD_CALL, health},
    {"GET", is_wsdl, SOAPHTTPD_WSDL, NULL},
    {"POST", is_soap, SOAPHTTPD_SOAP, NULL},
    {NULL, NULL, 0, NULL},
};

/* wsdl/agent.wsdl with the service's placeholder address replaced by
 * base. */
static char *render_wsdl(void *user, const char *base, size_t *len)
{
    size_t plen = sizeof(WSDL_PLACEHOLDER) - 1, blen = strlen(base);
    const char *hit = strstr(agent_wsdl_text, WSDL_PLACEHOLDER);
    char *text;

    *len = agent_wsdl_text_len + (hit ? blen - plen : 0);
    text = malloc(*len + 1);
    if (text == NULL)
        return NULL;
    if (hit) {
        size_t pre = (size_t)(hit - agent_wsdl_text);
        memcpy(text, agent_wsdl_text, pre);
        memcpy(text + pre, base, blen);
        memcpy(text + pre + blen, hit + plen, agent_wsdl_text_len - pre - plen);
    } else {
        memcpy(text, agent_wsdl_text, *len);
    }
    text[*len] = '\0';
    return text;
}

struct soaphttpd *agent_httpd_new(const struct agent_config *cfg,
                                  struct agent_service *svc,
                                  const volatile sig_atomic_t *stop,
                                  struct err *e)
{
    struct soaphttpd_opts o = {
        .name = "micetro-dhcp-agent",
        .listen_host = cfg->listen_host,
        .listen_port = cfg->listen_port,
        .lim = cfg->wire,
        .tls =
            {
                .cert_file = cfg->tls_cert[0] ? cfg->tls_cert : NULL,
                .key_file = cfg->tls_key,
                .handshake_timeout_s = cfg->tls_handshake_timeout_s,
            },
        .stop = stop,
        .user = svc,
        /* chunked, soap12, soap_mode, blank_types, fold_names left 0:
         * Content-Length bodies and SOAP 1.1 only (the WSDL binds nothing
         * else), namespaces checked, values taken as typed */
        .routes = routes,
        .wsdl_at = "/agent?wsdl",
        .soap_at = "/agent",
        .wsdl = render_wsdl,
        .self_host = cfg->listen_host,
        .fault = agent_soap_fault,
        .fault_envelope = agent_soap_fault_envelope,
    };

    return soaphttpd_new(&o, e);
}
