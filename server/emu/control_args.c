/* micetro-emu: a SOAP call's arguments as JSON (see control_args.h). */
#include "control_args.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define MASK "***"
/* Deeper elements are taken as their text (libxml2 stops at 256). */
#define MAX_ARG_DEPTH 200

static int is_secret(const char *local)
{
    return strcasecmp(local, "password") == 0;
}

static int has_element_child(const xmlNode *n)
{
    for (const xmlNode *k = n->children; k != NULL; k = k->next) {
        if (k->type == XML_ELEMENT_NODE)
            return 1;
    }
    return 0;
}

static json_t *object_of(const xmlNode *n, int depth);

/* An element's value: its children as an object, else its text. */
static json_t *value_of(const xmlNode *n, int depth)
{
    xmlChar *text;
    json_t *j;

    if (depth < MAX_ARG_DEPTH && has_element_child(n))
        return object_of(n, depth + 1);
    text = xmlNodeGetContent(n);
    j = json_string(text != NULL ? (const char *)text : "");
    xmlFree(text);
    return j != NULL ? j : json_string("");
}

/* The element children of n as an object; a name repeated an array. */
static json_t *object_of(const xmlNode *n, int depth)
{
    json_t *o = json_object();

    for (const xmlNode *k = n->children; o != NULL && k != NULL; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)k->name;
        json_t *v = is_secret(name) ? json_string(MASK) : value_of(k, depth);
        json_t *had = json_object_get(o, name);
        int rc;
        if (v == NULL) {
            json_decref(o);
            return NULL;
        }
        if (had == NULL) {
            rc = json_object_set_new(o, name, v);
        } else if (json_is_array(had)) { /* values are arrays only so */
            rc = json_array_append_new(had, v);
        } else {
            json_t *a = json_pack("[OO]", had, v);
            json_decref(v);
            rc = a != NULL ? json_object_set_new(o, name, a) : -1;
        }
        if (rc != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

/* The first element child of n named local (any namespace). */
static const xmlNode *child(const xmlNode *n, const char *local)
{
    for (const xmlNode *k = n != NULL ? n->children : NULL; k != NULL;
         k = k->next) {
        if (k->type == XML_ELEMENT_NODE &&
            (local == NULL || strcmp((const char *)k->name, local) == 0))
            return k;
    }
    return NULL;
}

json_t *control_args_of(const char *body, size_t len)
{
    xmlDoc *doc;
    const xmlNode *op;
    json_t *j;

    if (body == NULL || len == 0 || len > INT_MAX)
        return json_object();
    doc = xmlReadMemory(body, (int)len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    if (doc == NULL)
        return json_object();
    op = child(child((const xmlNode *)doc, "Envelope"), "Body");
    op = child(op, NULL);
    j = op != NULL ? object_of(op, 1) : json_object();
    xmlFreeDoc(doc);
    return j;
}

/* Where the start tag at b[i] ('<') of a secret element ends (past its
 * '>'), or 0 when it is not one (an end tag, a self-closing one,
 * another name). */
static size_t secret_start_tag(const char *b, size_t n, size_t i)
{
    size_t s = i + 1, e, local;
    char quote = 0;

    if (s >= n || b[s] == '/' || b[s] == '?' || b[s] == '!')
        return 0;
    for (e = s; e < n && !strchr(" \t\r\n/>", b[e]); e++)
        ;
    local = s;
    for (size_t k = s; k < e; k++) {
        if (b[k] == ':')
            local = k + 1;
    }
    if (e - local != 8 || strncasecmp(b + local, "password", 8) != 0)
        return 0;
    for (; e < n; e++) {
        if (quote) {
            if (b[e] == quote)
                quote = 0;
        } else if (b[e] == '"' || b[e] == '\'') {
            quote = b[e];
        } else if (b[e] == '>') {
            return b[e - 1] == '/' ? 0 : e + 1;
        }
    }
    return 0;
}

/* Where the text of an element starting at b[i] ends: at the next '<'
 * that does not open a CDATA section. */
static size_t text_end(const char *b, size_t n, size_t i)
{
    static const char cdata[] = "<![CDATA[";

    while (i < n) {
        if (b[i] != '<') {
            i++;
        } else if (n - i >= sizeof(cdata) - 1 &&
                   memcmp(b + i, cdata, sizeof(cdata) - 1) == 0) {
            const char *close = NULL;
            for (size_t k = i; k + 3 <= n; k++) {
                if (memcmp(b + k, "]]>", 3) == 0) {
                    close = b + k;
                    break;
                }
            }
            if (close == NULL)
                return n;
            i = (size_t)(close - b) + 3;
        } else {
            return i;
        }
    }
    return n;
}

char *control_args_masked(const char *body, size_t len, size_t *out_len)
{
    /* each masked text becomes at most strlen(MASK) bytes longer */
    size_t cap = len + 1, o = 0, i = 0;
    char *out = malloc(cap);

    if (out == NULL)
        return NULL;
    while (i < len) {
        size_t t = body[i] == '<' ? secret_start_tag(body, len, i) : 0;
        if (t == 0) {
            if (o + 1 >= cap) {
                char *nb = realloc(out, cap * 2);
                if (nb == NULL) {
                    free(out);
                    return NULL;
                }
                out = nb;
                cap *= 2;
            }
            out[o++] = body[i++];
            continue;
        }
        size_t end = text_end(body, len, t);
        size_t need = o + (t - i) + sizeof(MASK);
        if (need >= cap) {
            while (cap <= need)
                cap *= 2;
            char *nb = realloc(out, cap);
            if (nb == NULL) {
                free(out);
                return NULL;
            }
            out = nb;
        }
        memcpy(out + o, body + i, t - i);
        o += t - i;
        memcpy(out + o, MASK, sizeof(MASK) - 1);
        o += sizeof(MASK) - 1;
        i = end;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

json_t *control_args_at(json_t *args, const char *path)
{
    char key[256];
    json_t *v = args;

    while (v != NULL && *path != '\0') {
        size_t l = strcspn(path, ".");
        if (l >= sizeof(key) || !json_is_object(v))
            return NULL;
        memcpy(key, path, l);
        key[l] = '\0';
        v = json_object_get(v, key);
        path += l + (path[l] == '.');
    }
    return v;
}
