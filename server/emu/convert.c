/* micetro-emu: gSOAP types to and from storage structs (see
 * convert.h). */
#include "convert.h"

#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>

#include "soapH.h"

#include "app.h"
#include "config.h"
#include "ref.h"
#include "validate.h"
#include "store_pool.h"
#include "store_scope.h"
#include "store_server.h"
#include "store_range.h"

#define TEXT_MAX 255 /* proxy, username: STORE_SERVER_TEXT_BUF - 1 */

static const enum mm__DHCPServerState server_states[] = {
    mm__DHCPServerState__Unknown,
    mm__DHCPServerState__OK,
    mm__DHCPServerState__Unreachable,
    mm__DHCPServerState__Out_x0020of_x0020date,
    mm__DHCPServerState__Wrong_x0020type,
    mm__DHCPServerState__Updating,
    mm__DHCPServerState__Service_x0020Down,
    mm__DHCPServerState__Disabled,
};

static const enum mm__DHCPServerType server_types[] = {
    mm__DHCPServerType__Unknown,
    mm__DHCPServerType__MSDHCP,
    mm__DHCPServerType__ISC,
    mm__DHCPServerType__IOS,
    mm__DHCPServerType__KEA_x0020DHCPv4,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

char *convert_ref(struct soap *soap, int type, long long id)
{
    char buf[REF_BUF];

    if (ref_format(type, id, buf, sizeof(buf)) != 0)
        return NULL;
    return soap_strdup(soap, buf);
}

/* Copies a text field into buf[len], "" for NULL, after validate_text. */
static int take_text(const char *s, const char *field, char *buf, size_t len,
                     struct err *e)
{
    int rc = validate_text(s, field, len - 1, e);

    if (rc != 0)
        return rc;
    snprintf(buf, len, "%s", s != NULL ? s : "");
    return 0;
}

int convert_server_from_soap(struct soap *soap, const struct mm__DHCPServer *in,
                             struct store_dhcp_server *out, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    uint32_t ip;
    int rc, port;

    memset(out, 0, sizeof(*out));
    if (in == NULL)
        return err_set(e, ERR_INVALID, "missing dhcpServer");
    if (in->name == NULL || in->name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing DHCP server name");
    if ((rc = validate_hostname(in->name, "name", e)) != 0)
        return rc;
    if (validate_hostname_canonical(in->name, out->name, sizeof(out->name)))
        return err_set(e, ERR_INTERNAL, "cannot canonicalise a valid name");
    if (in->type != mm__DHCPServerType__ISC) {
        const char *t = soap_mm__DHCPServerType2s(soap, in->type);
        return err_set(e, ERR_INVALID,
                       "only ISC DHCP servers are supported, not \"%s\"",
                       validate_quote(t, q, sizeof(q)));
    }
    snprintf(out->type, sizeof(out->type), "ISC");
    if (in->address == NULL || in->address[0] == '\0')
        return err_set(e, ERR_INVALID,
                       "missing address of DHCP server \"%s\": give its "
                       "IPv4 address (micetro-emu does not resolve names)",
                       validate_quote(out->name, q, sizeof(q)));
    if ((rc = validate_server_address(in->address, &ip, &port, e)) != 0)
        return rc;
    validate_ipv4_format(ip, out->address);
    out->agent_port = port;
    out->enabled = in->enabled == NULL || *in->enabled == xsd__boolean__true_;
    if ((rc = take_text(in->proxy, "proxy", out->proxy, sizeof(out->proxy),
                        e)) != 0 ||
        (rc = take_text(in->username, "username", out->username,
                        sizeof(out->username), e)) != 0)
        return rc;
    /* customProperties: the handler's, in the add's transaction */
    snprintf(out->state, sizeof(out->state), "Unknown");
    return 0;
}

/* Index in server_states / server_types of the value whose XML text is
 * s; -1 when none. */
static int state_index(struct soap *soap, const char *s)
{
    for (size_t i = 0; i < COUNT(server_states); i++) {
        if (strcmp(soap_mm__DHCPServerState2s(soap, server_states[i]), s) == 0)
            return (int)i;
    }
    return -1;
}

static int type_index(struct soap *soap, const char *s)
{
    for (size_t i = 0; i < COUNT(server_types); i++) {
        if (strcmp(soap_mm__DHCPServerType2s(soap, server_types[i]), s) == 0)
            return (int)i;
    }
    return -1;
}

/* soap_strdup of s, or NULL when s is "" (an absent optional element);
 * *oom set when memory ran out. */
static char *opt_strdup(struct soap *soap, const char *s, int *oom)
{
    char *d;

    if (s[0] == '\0')
        return NULL;
    if ((d = soap_strdup(soap, s)) == NULL)
        *oom = 1;
    return d;
}

int convert_server_to_soap(struct soap *soap,
                           const struct store_dhcp_server *in, int profile11,
                           struct mm__DHCPServer *out, struct err *e)
{
    char addr[STORE_SERVER_ADDRESS_BUF + 16]; /* "IP:port" */
    int state, type, oom = 0;

    memset(out, 0, sizeof(*out));
    state = state_index(soap, in->state);
    type = type_index(soap, in->type);
    if (state < 0 || type < 0)
        return err_set(e, ERR_INTERNAL,
                       "DHCP server %lld has state \"%.20s\""
                       " and type \"%.8s\"",
                       in->id, in->state, in->type);
    if (in->agent_port > 0)
        snprintf(addr, sizeof(addr), "%s:%d", in->address, in->agent_port);
    else
        snprintf(addr, sizeof(addr), "%s", in->address);
    out->ref = convert_ref(soap, REF_DHCP_SERVER, in->id);
    out->name = opt_strdup(soap, in->name, &oom);
    out->proxy = opt_strdup(soap, in->proxy, &oom);
    out->address = opt_strdup(soap, addr, &oom);
    out->username = opt_strdup(soap, in->username, &oom);
    out->type = server_types[type];
    out->state = soap_malloc(soap, sizeof(*out->state));
    out->enabled = soap_malloc(soap, sizeof(*out->enabled));
    if (profile11)
        out->stateMessage = opt_strdup(soap, in->state_message, &oom);
    if (oom || out->ref == NULL || out->name == NULL || out->state == NULL ||
        out->enabled == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    *out->state = server_states[state];
    *out->enabled = in->enabled ? xsd__boolean__true_ : xsd__boolean__false_;
    return 0;
}

int convert_server_simulated(struct soap *soap,
                             const struct store_dhcp_server *in,
                             struct mm__DHCPServer *out, struct err *e)
{
    struct mm__ArrayOfProperty *arr = out->customProperties;
    struct mm__Property *p;
    int n = arr != NULL ? arr->__sizeproperty : 0;

    if (!in->simulated)
        return 0;
    if (arr == NULL && (arr = soap_malloc(soap, sizeof(*arr))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if ((p = soap_malloc(soap, (size_t)(n + 1) * sizeof(*p))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (n > 0)
        memcpy(p, arr->property, (size_t)n * sizeof(*p));
    p[n].name = "simulated";
    p[n].value = "true";
    arr->property = p;
    arr->__sizeproperty = n + 1;
    out->customProperties = arr;
    return 0;
}

/* Refuses a reference field the emulator has nothing to point to. */
static int refuse_ref(const char *v, const char *field, struct err *e)
{
    if (v != NULL && v[0] != '\0')
        return err_set(e, ERR_NOTIMPL, "%s is not supported yet", field);
    return 0;
}

/* Checks an optional from/to given with a range: absent, "", or the
 * address the CIDR implies. */
static int check_bound(const char *v, const char *field, uint32_t want,
                       const char *cidr, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], w[VALIDATE_IPV4_BUF];
    uint32_t ip;
    int rc;

    if (v == NULL || v[0] == '\0')
        return 0;
    if ((rc = validate_ipv4(v, &ip, field, e)) != 0)
        return rc;
    if (ip != want)
        return err_set(e, ERR_INVALID,
                       "field \"%s\" of range \"%s\" must be %s (its %s "
                       "address) or left out, not \"%s\"",
                       field, cidr, validate_ipv4_format(want, w),
                       strcmp(field, "from") == 0 ? "first" : "last",
                       validate_quote(v, q, sizeof(q)));
    return 0;
}

int convert_range_from_soap(struct soap *soap, const struct mm__Range *in,
                            struct store_range *out, struct err *e)
{
    char ip[VALIDATE_IPV4_BUF];
    uint32_t net;
    int rc, prefix;

    (void)soap;
    memset(out, 0, sizeof(*out));
    if (in == NULL)
        return err_set(e, ERR_INVALID, "missing range");
    if (in->name == NULL || in->name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing range name");
    if ((rc = validate_cidr(in->name, &net, &prefix, "name", e)) != 0)
        return rc;
    snprintf(out->name, sizeof(out->name), "%s/%d",
             validate_ipv4_format(net, ip), prefix);
    if ((rc = check_bound(in->from, "from", validate_cidr_first(net, prefix),
                          out->name, e)) != 0 ||
        (rc = check_bound(in->to, "to", validate_cidr_last(net, prefix),
                          out->name, e)) != 0)
        return rc;
    validate_ipv4_format(validate_cidr_first(net, prefix), out->from);
    validate_ipv4_format(validate_cidr_last(net, prefix), out->to);
    if ((rc = refuse_ref(in->parentRef, "parentRef", e)) != 0 ||
        (rc = refuse_ref(in->adSiteRef, "adSiteRef", e)) != 0 ||
        (rc = refuse_ref(in->cloudNetworkRef, "cloudNetworkRef", e)) != 0)
        return rc;
    if (in->subnet != NULL && *in->subnet != xsd__boolean__true_)
        return err_set(e, ERR_NOTIMPL,
                       "ranges that are not subnets are not supported yet");
    if (in->isContainer != NULL && *in->isContainer != xsd__boolean__false_)
        return err_set(e, ERR_NOTIMPL,
                       "container ranges are not supported yet");
    /* customProperties: the handler's, in the add's transaction */
    out->locked = in->locked != NULL && *in->locked == xsd__boolean__true_;
    out->auto_assign = in->autoAssign != NULL &&
                       *in->autoAssign == xsd__boolean__true_;
    return 0;
}

/* A boolean in the request's memory; *oom set when memory ran out. */
static enum xsd__boolean *new_bool(struct soap *soap, int v, int *oom)
{
    enum xsd__boolean *b = soap_malloc(soap, sizeof(*b));

    if (b == NULL)
        *oom = 1;
    else
        *b = v ? xsd__boolean__true_ : xsd__boolean__false_;
    return b;
}

int convert_range_to_soap(struct soap *soap, const struct store_range *in,
                          const struct store_range_scope *scopes,
                          size_t nscopes, struct mm__Range *out, struct err *e)
{
    struct mm__ArrayOfObject *kids, *sc;
    int oom = 0;

    memset(out, 0, sizeof(*out));
    out->ref = convert_ref(soap, REF_RANGE, in->id);
    out->name = opt_strdup(soap, in->name, &oom);
    out->from = opt_strdup(soap, in->from, &oom);
    out->to = opt_strdup(soap, in->to, &oom);
    /* empty lists are empty elements, never xsi:nil */
    kids = soap_malloc(soap, sizeof(*kids));
    sc = soap_malloc(soap, sizeof(*sc));
    if (kids == NULL || sc == NULL || out->ref == NULL || out->name == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    memset(kids, 0, sizeof(*kids));
    memset(sc, 0, sizeof(*sc));
    if (nscopes > 0) {
        sc->object = soap_malloc(soap, nscopes * sizeof(*sc->object));
        if (sc->object == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < nscopes; i++) {
            struct mm__Object *o = &sc->object[i];

            memset(o, 0, sizeof(*o));
            o->ref = convert_ref(soap, REF_DHCP_SCOPE, scopes[i].scope_id);
            o->name = opt_strdup(soap, scopes[i].name, &oom);
            o->objType = soap_malloc(soap, sizeof(*o->objType));
            if (o->ref == NULL || o->objType == NULL)
                return err_set(e, ERR_NOMEM, "out of memory");
            *o->objType = mm__ObjectType__DHCPScope;
        }
        sc->__sizeobject = (int)nscopes;
    }
    out->childRanges = kids;
    out->dhcpScopes = sc;
    out->subnet = new_bool(soap, 1, &oom);
    out->locked = new_bool(soap, in->locked, &oom);
    out->autoAssign = new_bool(soap, in->auto_assign, &oom);
    out->hasSchedule = new_bool(soap, 0, &oom);
    out->hasMonitor = new_bool(soap, 0, &oom);
    out->inheritAccess = new_bool(soap, 1, &oom);
    out->isContainer = new_bool(soap, 0, &oom);
    out->utilizationPercentage = soap_malloc(
        soap, sizeof(*out->utilizationPercentage));
    if (out->utilizationPercentage == NULL)
        oom = 1;
    else
        *out->utilizationPercentage = 0;
    out->hasRogueAddresses = new_bool(soap, 0, &oom);
    out->creationTime = opt_strdup(soap, in->created, &oom);
    if (oom)
        return err_set(e, ERR_NOMEM, "out of memory");
    return 0;
}

int convert_scope_from_soap(const struct mm__DHCPScope *in,
                            struct store_dhcp_scope *out, struct err *e)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (in == NULL)
        return err_set(e, ERR_INVALID, "missing dhcpScope");
    if (in->name == NULL || in->name[0] == '\0')
        return err_set(e, ERR_INVALID, "missing DHCP scope name");
    if ((rc = validate_name(in->name, "name", STORE_SCOPE_NAME_MAX, e)) != 0)
        return rc;
    snprintf(out->name, sizeof(out->name), "%s", in->name);
    if (in->rangeRef == NULL || in->rangeRef[0] == '\0')
        return err_set(e, ERR_INVALID, "missing rangeRef of DHCP scope");
    if (in->dhcpServerRef == NULL || in->dhcpServerRef[0] == '\0')
        return err_set(e, ERR_INVALID, "missing dhcpServerRef of DHCP scope");
    if ((rc = take_text(in->superscope, "superscope", out->superscope,
                        sizeof(out->superscope), e)) != 0 ||
        (rc = validate_superscope(out->superscope, e)) != 0 ||
        (rc = take_text(in->description, "description", out->description,
                        sizeof(out->description), e)) != 0)
        return rc;
    out->enabled = in->enabled == NULL || *in->enabled == xsd__boolean__true_;
    return 0;
}

int convert_scope_to_soap(struct soap *soap, const struct store_dhcp_scope *in,
                          struct mm__DHCPScope *out, struct err *e)
{
    int oom = 0;

    memset(out, 0, sizeof(*out));
    out->ref = convert_ref(soap, REF_DHCP_SCOPE, in->id);
    out->name = opt_strdup(soap, in->name, &oom);
    out->rangeRef = convert_ref(soap, REF_RANGE, in->range_id);
    out->dhcpServerRef = convert_ref(soap, REF_DHCP_SERVER, in->server_id);
    out->superscope = opt_strdup(soap, in->superscope, &oom);
    out->description = opt_strdup(soap, in->description, &oom);
    out->available = soap_malloc(soap, sizeof(*out->available));
    out->enabled = new_bool(soap, in->enabled, &oom);
    /* 11.x only: the failover relationship the instance is in */
    if (app_of(soap)->cfg->profile == PROFILE_11)
        out->failoverRelationship = opt_strdup(soap, in->failover, &oom);
    if (oom || out->ref == NULL || out->name == NULL || out->rangeRef == NULL ||
        out->dhcpServerRef == NULL || out->available == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    *out->available = 0;
    return 0;
}

int convert_pool_from_soap(const struct mm__DHCPAddressPool *in,
                           struct store_dhcp_pool *out, uint32_t *from,
                           uint32_t *to, struct err *e)
{
    char buf[VALIDATE_IPV4_BUF];
    int rc;

    memset(out, 0, sizeof(*out));
    if (in == NULL)
        return err_set(e, ERR_INVALID, "missing dhcpAddressPool");
    if (in->from == NULL || in->from[0] == '\0')
        return err_set(e, ERR_INVALID, "missing from of DHCP address pool");
    if (in->to == NULL || in->to[0] == '\0')
        return err_set(e, ERR_INVALID, "missing to of DHCP address pool");
    if ((rc = validate_ipv4(in->from, from, "from", e)) != 0 ||
        (rc = validate_ipv4(in->to, to, "to", e)) != 0)
        return rc;
    snprintf(out->from, sizeof(out->from), "%s",
             validate_ipv4_format(*from, buf));
    snprintf(out->to, sizeof(out->to), "%s", validate_ipv4_format(*to, buf));
    if (in->name != NULL && in->name[0] != '\0') {
        if ((rc = validate_name(in->name, "name", STORE_POOL_NAME_MAX, e)) != 0)
            return rc;
        snprintf(out->name, sizeof(out->name), "%s", in->name);
    }
    if (in->dhcpScopeRef == NULL || in->dhcpScopeRef[0] == '\0')
        return err_set(e, ERR_INVALID,
                       "missing dhcpScopeRef of DHCP address pool");
    return 0;
}

int convert_pool_to_soap(struct soap *soap, const struct store_dhcp_pool *in,
                         struct mm__DHCPAddressPool *out, struct err *e)
{
    int oom = 0;

    memset(out, 0, sizeof(*out));
    out->ref = convert_ref(soap, REF_DHCP_ADDRESS_POOL, in->id);
    out->name = opt_strdup(soap, in->name, &oom);
    out->from = opt_strdup(soap, in->from, &oom);
    out->to = opt_strdup(soap, in->to, &oom);
    out->dhcpScopeRef = convert_ref(soap, REF_DHCP_SCOPE, in->scope_id);
    out->failoverPeer = opt_strdup(soap, in->failover_peer, &oom);
    out->failoverRelationship = opt_strdup(soap, in->failover, &oom);
    /* 11.x only: the relationship's state */
    if (app_of(soap)->cfg->profile == PROFILE_11)
        out->failoverState = opt_strdup(soap, in->failover_state, &oom);
    if (oom || out->ref == NULL || out->from == NULL || out->to == NULL ||
        out->dhcpScopeRef == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    return 0;
}

void *convert_list(struct soap *soap, size_t wrapper_size, size_t n,
                   size_t item_size, void **items, struct err *e)
{
    void *w = soap_malloc(soap, wrapper_size);

    *items = NULL;
    if (w != NULL)
        memset(w, 0, wrapper_size);
    if (w != NULL && n > 0)
        *items = soap_malloc(soap, n * item_size);
    if (w == NULL || (n > 0 && *items == NULL)) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    return w;
}

unsigned int convert_total(long long total)
{
    if (total < 0)
        return 0;
    return total > UINT_MAX ? UINT_MAX : (unsigned int)total;
}
