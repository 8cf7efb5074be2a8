/* micetro-emu: the WSDL the daemon serves (see wsdl.h). */
#include "wsdl.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#define PROFILE_NS "urn:micetro-emu:profile"
#define PLACEHOLDER "http://micetro-emu.invalid"

/* generated from wsdl/micetro.wsdl by server/embed.cmake */
extern const char wsdl_micetro_text[];
extern const size_t wsdl_micetro_text_len;

struct wsdl {
    char *text; /* the profile's document with the placeholder address */
    size_t len;
};

/* Removes the profile marks; with strip, also the marked elements. */
static int apply_profile(xmlDocPtr doc, int strip, struct err *e)
{
    xmlXPathContextPtr ctx = NULL;
    xmlXPathObjectPtr res = NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int rc = 0;

    ctx = xmlXPathNewContext(doc);
    if (ctx == NULL ||
        xmlXPathRegisterNs(ctx, BAD_CAST "emu", BAD_CAST PROFILE_NS)) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    res = xmlXPathEvalExpression(BAD_CAST "//*[@emu:profile]", ctx);
    if (res == NULL) {
        rc = err_set(e, ERR_INTERNAL, "WSDL profile query failed");
        goto out;
    }
    for (int i = 0; res->nodesetval && i < res->nodesetval->nodeNr; i++) {
        xmlNodePtr n = res->nodesetval->nodeTab[i];
        xmlChar *p = xmlGetNsProp(n, BAD_CAST "profile", BAD_CAST PROFILE_NS);
        int marked11 = p != NULL && xmlStrEqual(p, BAD_CAST "11");
        xmlFree(p);
        if (strip && marked11) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
            res->nodesetval->nodeTab[i] = NULL;
        } else {
            xmlAttrPtr a = xmlHasNsProp(n, BAD_CAST "profile",
                                        BAD_CAST PROFILE_NS);
            if (a != NULL)
                xmlRemoveProp(a);
        }
    }
    /* the namespace declaration is now unused: drop it */
    for (xmlNsPtr *pp = &root->nsDef; *pp != NULL; pp = &(*pp)->next) {
        if (xmlStrEqual((*pp)->href, BAD_CAST PROFILE_NS)) {
            xmlNsPtr ns = *pp;
            *pp = ns->next;
            ns->next = NULL;
            xmlFreeNs(ns);
            break;
        }
    }
out:
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(ctx);
    return rc;
}

struct wsdl *wsdl_new(enum config_profile profile, struct err *e)
{
    struct wsdl *w = NULL;
    xmlDocPtr doc = NULL;
    xmlChar *mem = NULL;
    int size = 0;

    doc = xmlReadMemory(wsdl_micetro_text, (int)wsdl_micetro_text_len,
                        "micetro.wsdl", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (doc == NULL) {
        err_set(e, ERR_INTERNAL, "embedded WSDL does not parse");
        goto fail;
    }
    if (apply_profile(doc, profile == PROFILE_2017, e))
        goto fail;
    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
    if (mem == NULL || size <= 0) {
        err_set(e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    w = calloc(1, sizeof(*w));
    if (w == NULL || (w->text = malloc((size_t)size + 1)) == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        goto fail;
    }
    memcpy(w->text, mem, (size_t)size);
    w->text[size] = '\0';
    w->len = (size_t)size;
    xmlFree(mem);
    xmlFreeDoc(doc);
    return w;
fail:
    if (w != NULL)
        free(w->text);
    free(w);
    xmlFree(mem);
    xmlFreeDoc(doc);
    return NULL;
}

void wsdl_free(struct wsdl *w)
{
    if (w == NULL)
        return;
    free(w->text);
    free(w);
}

char *wsdl_render(const struct wsdl *w, const char *base, size_t *len)
{
    const size_t plen = sizeof(PLACEHOLDER) - 1;
    size_t blen = strlen(base), n = 0, count = 0;
    const char *p, *q;
    char *out, *o;

    for (p = w->text; (q = strstr(p, PLACEHOLDER)) != NULL; p = q + plen)
        count++;
    n = w->len + count * blen - count * plen;
    out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    o = out;
    for (p = w->text; (q = strstr(p, PLACEHOLDER)) != NULL; p = q + plen) {
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        /* base goes inside out: the copy after the loop ends it */
        /* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
        memcpy(o, base, blen);
        o += blen;
    }
    memcpy(o, p, strlen(p) + 1);
    *len = n;
    return out;
}
