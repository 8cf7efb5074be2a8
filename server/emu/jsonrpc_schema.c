/* micetro-emu: the WSDL's schema as the JSON transcoder's table (see
 * jsonrpc_schema.h). */
#include "jsonrpc_schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define XS_NS "http://www.w3.org/2001/XMLSchema"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define SOAP11_NS "http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP12_NS "http://www.w3.org/2003/05/soap-envelope"
#define UINT_MAX_VALUE 4294967295LL

enum kind { K_STRING, K_UINT, K_INT, K_BOOL, K_COMPLEX };

struct type;

struct elem {
    char *name;
    struct type *type;
    int optional; /* minOccurs="0" */
    int many;     /* maxOccurs="unbounded" or more than 1 */
    int nillable;
};

struct type {
    char *name; /* NULL for the built-ins */
    enum kind kind;
    char **enums; /* K_STRING with enumerations */
    size_t nenums;
    struct elem *elems; /* K_COMPLEX: its sequence */
    size_t nelems;
    int array; /* K_COMPLEX of one element with many: an ArrayOfX */
};

struct op {
    char *name;
    struct type *in, *out;
};

struct jsonrpc_schema {
    struct type builtin[4]; /* string, unsignedInt, int, boolean */
    struct type **types;    /* named types and the wrappers' own */
    size_t ntypes;
    struct op *ops;
    size_t nops;
};

/* ---- reading the schema ---- */

static int is_xs(xmlNodePtr n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrEqual(n->ns->href, BAD_CAST XS_NS) &&
           xmlStrEqual(n->name, BAD_CAST local);
}

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *s = v != NULL ? strdup((const char *)v) : NULL;

    xmlFree(v);
    return s;
}

/* The local part of a QName ("tns:ObjRef" -> "ObjRef"). */
static const char *local_of(const char *qname)
{
    const char *c = strchr(qname, ':');

    return c != NULL ? c + 1 : qname;
}

static struct type *add_type(struct jsonrpc_schema *s, const char *name)
{
    struct type **nt = realloc(s->types, (s->ntypes + 1) * sizeof(*nt));
    struct type *t = calloc(1, sizeof(*t));

    if (nt != NULL)
        s->types = nt;
    if (nt == NULL || t == NULL || (t->name = strdup(name)) == NULL) {
        free(t);
        return NULL;
    }
    s->types[s->ntypes++] = t;
    return t;
}

static struct type *find_type(const struct jsonrpc_schema *s, const char *name)
{
    for (size_t i = 0; i < s->ntypes; i++) {
        if (strcmp(s->types[i]->name, name) == 0)
            return s->types[i];
    }
    return NULL;
}

/* A type attribute's type: a built-in or a named one. */
static struct type *resolve(struct jsonrpc_schema *s, const char *qname)
{
    static const char *const builtins[] = {"string", "unsignedInt", "int",
                                           "boolean"};
    const char *local = local_of(qname);

    if (strncmp(qname, "xs:", 3) == 0 || strncmp(qname, "xsd:", 4) == 0) {
        for (int i = 0; i < 4; i++) {
            if (strcmp(local, builtins[i]) == 0)
                return &s->builtin[i];
        }
        return NULL;
    }
    return find_type(s, local);
}

/* A simple type: a restriction of xs:string, its enumerations if any. */
static int read_simple(struct type *t, xmlNodePtr n, struct err *e)
{
    t->kind = K_STRING;
    for (xmlNodePtr r = n->children; r != NULL; r = r->next) {
        if (!is_xs(r, "restriction"))
            continue;
        for (xmlNodePtr v = r->children; v != NULL; v = v->next) {
            if (!is_xs(v, "enumeration"))
                continue;
            char **ne = realloc(t->enums, (t->nenums + 1) * sizeof(*ne));
            if (ne == NULL)
                return err_set(e, ERR_NOMEM, "out of memory");
            t->enums = ne;
            if ((t->enums[t->nenums] = prop(v, "value")) == NULL)
                return err_set(e, ERR_INTERNAL,
                               "WSDL: enumeration without value in %s",
                               t->name);
            t->nenums++;
        }
    }
    return 0;
}

/* A complex type's sequence of elements. */
static int read_complex(struct jsonrpc_schema *s, struct type *t, xmlNodePtr n,
                        struct err *e)
{
    t->kind = K_COMPLEX;
    for (xmlNodePtr q = n->children; q != NULL; q = q->next) {
        if (!is_xs(q, "sequence"))
            continue;
        for (xmlNodePtr el = q->children; el != NULL; el = el->next) {
            if (!is_xs(el, "element"))
                continue;
            struct elem *ne = realloc(t->elems, (t->nelems + 1) * sizeof(*ne));
            if (ne == NULL)
                return err_set(e, ERR_NOMEM, "out of memory");
            t->elems = ne;
            struct elem *x = &t->elems[t->nelems];
            memset(x, 0, sizeof(*x));
            char *ty = prop(el, "type"), *min = prop(el, "minOccurs"),
                 *max = prop(el, "maxOccurs"), *nil = prop(el, "nillable");
            x->name = prop(el, "name");
            x->type = ty != NULL ? resolve(s, ty) : NULL;
            x->optional = min != NULL && strcmp(min, "0") == 0;
            x->many = max != NULL && strcmp(max, "1") != 0;
            x->nillable = nil != NULL && strcmp(nil, "true") == 0;
            int bad = x->name == NULL || x->type == NULL;
            if (bad)
                err_set(e, ERR_INTERNAL, "WSDL: element %s of %s: type %s",
                        x->name ? x->name : "?", t->name, ty ? ty : "none");
            free(ty);
            free(min);
            free(max);
            free(nil);
            t->nelems++; /* freed with t even when bad */
            if (bad)
                return -1;
        }
    }
    t->array = t->nelems == 1 && t->elems[0].many;
    return 0;
}

static void free_type(struct type *t)
{
    for (size_t i = 0; i < t->nenums; i++)
        free(t->enums[i]);
    free(t->enums);
    for (size_t i = 0; i < t->nelems; i++)
        free(t->elems[i].name);
    free(t->elems);
    free(t->name);
    free(t);
}

void jsonrpc_schema_free(struct jsonrpc_schema *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->ntypes; i++)
        free_type(s->types[i]);
    free(s->types);
    free(s->ops);
    free(s);
}

static xmlNodePtr find_schema(xmlNodePtr n)
{
    for (; n != NULL; n = n->next) {
        if (is_xs(n, "schema"))
            return n;
        if (n->type == XML_ELEMENT_NODE) {
            xmlNodePtr f = find_schema(n->children);
            if (f != NULL)
                return f;
        }
    }
    return NULL;
}

/* The wrapper elements' inline complex type. */
static xmlNodePtr inline_complex(xmlNodePtr el)
{
    for (xmlNodePtr c = el->children; c != NULL; c = c->next) {
        if (is_xs(c, "complexType"))
            return c;
    }
    return NULL;
}

/* Names every named type first (any order of use), then reads them in
 * document order (a type is used after its definition in the WSDL), then
 * the wrapper elements. */
static int read_schema(struct jsonrpc_schema *s, xmlNodePtr sc, struct err *e)
{
    for (int pass = 0; pass < 3; pass++) {
        for (xmlNodePtr n = sc->children; n != NULL; n = n->next) {
            int simple = is_xs(n, "simpleType"),
                complex = is_xs(n, "complexType"),
                element = is_xs(n, "element");
            if (!simple && !complex && !element)
                continue;
            char *name = prop(n, "name");
            struct type *t = NULL;
            int rc = 0;
            if (name == NULL) {
                rc = err_set(e, ERR_INTERNAL, "WSDL: a type without name");
            } else if (pass == 0 && (simple || complex)) {
                if (add_type(s, name) == NULL)
                    rc = err_set(e, ERR_NOMEM, "out of memory");
            } else if (pass == 1 && (simple || complex)) {
                t = find_type(s, name);
                rc = simple ? read_simple(t, n, e) : read_complex(s, t, n, e);
            } else if (pass == 2 && element) {
                xmlNodePtr ct = inline_complex(n);
                if (ct == NULL)
                    rc = err_set(e, ERR_INTERNAL,
                                 "WSDL: element %s has no complex type", name);
                else if ((t = add_type(s, name)) == NULL)
                    rc = err_set(e, ERR_NOMEM, "out of memory");
                else
                    rc = read_complex(s, t, ct, e);
            }
            free(name);
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

/* The operations: each wrapper element X with an element XResponse. */
static int find_ops(struct jsonrpc_schema *s, struct err *e)
{
    char rname[256];

    for (size_t i = 0; i < s->ntypes; i++) {
        struct type *in = s->types[i];
        if (in->kind != K_COMPLEX || in->array)
            continue;
        snprintf(rname, sizeof(rname), "%sResponse", in->name);
        struct type *out = find_type(s, rname);
        if (out == NULL || out == in)
            continue;
        struct op *no = realloc(s->ops, (s->nops + 1) * sizeof(*no));
        if (no == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        s->ops = no;
        s->ops[s->nops++] = (struct op){in->name, in, out};
    }
    return s->nops > 0 ? 0 : err_set(e, ERR_INTERNAL, "WSDL: no operations");
}

struct jsonrpc_schema *jsonrpc_schema_new(const char *wsdl, size_t len,
                                          struct err *e)
{
    struct jsonrpc_schema *s = calloc(1, sizeof(*s));
    xmlDocPtr doc = NULL;
    xmlNodePtr sc;

    if (s == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    s->builtin[0].kind = K_STRING;
    s->builtin[1].kind = K_UINT;
    s->builtin[2].kind = K_INT;
    s->builtin[3].kind = K_BOOL;
    if (len > (size_t)INT32_MAX ||
        (doc = xmlReadMemory(wsdl, (int)len, "wsdl", NULL, XML_PARSE_NONET)) ==
            NULL) {
        err_set(e, ERR_INTERNAL, "WSDL does not parse");
        goto fail;
    }
    sc = find_schema(xmlDocGetRootElement(doc));
    if (sc == NULL) {
        err_set(e, ERR_INTERNAL, "WSDL has no schema");
        goto fail;
    }
    if (read_schema(s, sc, e) || find_ops(s, e))
        goto fail;
    xmlFreeDoc(doc);
    return s;
fail:
    xmlFreeDoc(doc);
    jsonrpc_schema_free(s);
    return NULL;
}

size_t jsonrpc_schema_ops(const struct jsonrpc_schema *s)
{
    return s->nops;
}

static const struct op *find_op(const struct jsonrpc_schema *s,
                                const char *name)
{
    for (size_t i = 0; i < s->nops; i++) {
        if (strcmp(s->ops[i].name, name) == 0)
            return &s->ops[i];
    }
    return NULL;
}

int jsonrpc_schema_has(const struct jsonrpc_schema *s, const char *op)
{
    return find_op(s, op) != NULL;
}

/* ---- JSON to a SOAP request ---- */

struct out {
    FILE *f;
    const struct jsonrpc_limits *lim;
    char *why;
    size_t why_size;
    char path[256]; /* where in params: "params.dhcpServer.name" */
};

static int refuse(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int refuse(struct out *o, const char *fmt, ...)
{
    char what[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(o->why, o->why_size, "%s: %s", o->path, what);
    return -1;
}

/* Text for XML; 0, or -1 for a control character XML cannot carry. */
static int put_text(struct out *o, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '&')
            fputs("&amp;", o->f);
        else if (c == '<')
            fputs("&lt;", o->f);
        else if (c == '>')
            fputs("&gt;", o->f);
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return refuse(o, "control character U+%04X in a string", c);
        else if (c == '\r')
            fputs("&#xD;", o->f);
        else
            fputc(c, o->f);
    }
    return 0;
}

static int put_value(struct out *o, const struct type *t, json_t *v,
                     unsigned depth);

/* The elements of complex type t from object v, in the schema's order. */
static int put_fields(struct out *o, const struct type *t, json_t *v,
                      unsigned depth)
{
    const char *key;
    json_t *item;
    size_t plen = strlen(o->path);

    if (!json_is_object(v))
        return refuse(o, "an object is due");
    json_object_foreach(v, key, item)
    {
        size_t i;
        for (i = 0; i < t->nelems && strcmp(t->elems[i].name, key) != 0; i++)
            ;
        if (i == t->nelems) {
            snprintf(o->path + plen, sizeof(o->path) - plen, ".%.60s", key);
            return refuse(o, "unknown name");
        }
    }
    for (size_t i = 0; i < t->nelems; i++) {
        const struct elem *x = &t->elems[i];
        json_t *fv = json_object_get(v, x->name);
        snprintf(o->path + plen, sizeof(o->path) - plen, ".%s", x->name);
        if (fv == NULL) {
            if (!x->optional)
                return refuse(o, "missing");
            continue;
        }
        if (json_is_null(fv)) {
            if (x->nillable)
                fprintf(o->f, "<%s xsi:nil=\"true\"/>", x->name);
            else if (!x->optional)
                return refuse(o, "null is not allowed");
            continue;
        }
        if (x->many) {
            if (!json_is_array(fv))
                return refuse(o, "an array is due");
            if (json_array_size(fv) > o->lim->max_elements)
                return refuse(o, "more than %zu items", o->lim->max_elements);
            size_t k;
            json_t *it;
            json_array_foreach(fv, k, it)
            {
                fprintf(o->f, "<%s>", x->name);
                if (put_value(o, x->type, it, depth + 1))
                    return -1;
                fprintf(o->f, "</%s>", x->name);
            }
            continue;
        }
        fprintf(o->f, "<%s>", x->name);
        if (put_value(o, x->type, fv, depth + 1))
            return -1;
        fprintf(o->f, "</%s>", x->name);
    }
    o->path[plen] = '\0';
    return 0;
}

static int put_value(struct out *o, const struct type *t, json_t *v,
                     unsigned depth)
{
    if (depth > o->lim->max_depth)
        return refuse(o, "nested deeper than %u", o->lim->max_depth);
    switch (t->kind) {
    case K_STRING: {
        if (!json_is_string(v))
            return refuse(o, "a string is due");
        const char *sv = json_string_value(v);
        size_t n = json_string_length(v);
        if ((long)n > o->lim->max_string_bytes)
            return refuse(o, "longer than %ld bytes", o->lim->max_string_bytes);
        if (t->nenums > 0) {
            size_t i;
            for (i = 0; i < t->nenums && strcmp(t->enums[i], sv) != 0; i++)
                ;
            if (i == t->nenums)
                return refuse(o, "not a value of %s", t->name);
        }
        return put_text(o, sv, n);
    }
    case K_UINT:
    case K_INT: {
        if (!json_is_integer(v))
            return refuse(o, "an integer is due");
        json_int_t n = json_integer_value(v);
        if (t->kind == K_UINT && (n < 0 || n > UINT_MAX_VALUE))
            return refuse(o, "out of range 0 to %lld", UINT_MAX_VALUE);
        if (t->kind == K_INT && (n < INT32_MIN || n > INT32_MAX))
            return refuse(o, "out of range of a 32-bit integer");
        fprintf(o->f, "%lld", (long long)n);
        return 0;
    }
    case K_BOOL:
        if (!json_is_boolean(v))
            return refuse(o, "true or false is due");
        fputs(json_is_true(v) ? "true" : "false", o->f);
        return 0;
    case K_COMPLEX:
        if (t->array && !json_is_array(v))
            return refuse(o, "an array is due");
        if (t->array) { /* the items in their wrapper */
            json_t *w = json_pack("{sO}", t->elems[0].name, v);
            int rc = w != NULL ? put_fields(o, t, w, depth)
                               : refuse(o, "out of memory");
            /* the path names the array, not its item's element */
            json_decref(w);
            return rc;
        }
        return put_fields(o, t, v, depth);
    }
    return refuse(o, "unknown type");
}

int jsonrpc_schema_request(const struct jsonrpc_schema *s,
                           const struct jsonrpc_limits *lim, const char *op,
                           json_t *params, char **xml, size_t *len, char *why,
                           size_t why_size)
{
    const struct op *p = find_op(s, op);
    struct out o = {.lim = lim, .why = why, .why_size = why_size};
    char *buf = NULL;
    size_t n = 0;
    json_t *none = NULL;
    int rc;

    *xml = NULL;
    *len = 0;
    if (p == NULL) {
        snprintf(why, why_size, "unknown method");
        return -1;
    }
    if (params == NULL)
        params = none = json_object();
    snprintf(o.path, sizeof(o.path), "params");
    o.f = open_memstream(&buf, &n);
    if (o.f == NULL || params == NULL) {
        json_decref(none);
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    fprintf(o.f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"" SOAP11_NS "\" "
            "xmlns:xsi=\"" XSI_NS "\"><SOAP-ENV:Body>"
            "<%s xmlns=\"http://menandmice.com/webservices/\">",
            p->name);
    rc = put_fields(&o, p->in, params, 1);
    fprintf(o.f, "</%s></SOAP-ENV:Body></SOAP-ENV:Envelope>", p->name);
    json_decref(none);
    if (fclose(o.f) != 0 && rc == 0) {
        snprintf(why, why_size, "out of memory");
        rc = -1;
    }
    if (rc != 0) {
        free(buf);
        return -1;
    }
    *xml = buf;
    *len = n;
    return 0;
}

/* ---- a SOAP answer to JSON ---- */

static xmlNodePtr first_element(xmlNodePtr n)
{
    for (; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            return n;
    }
    return NULL;
}

static int is_nil(xmlNodePtr n)
{
    xmlChar *v = xmlGetNsProp(n, BAD_CAST "nil", BAD_CAST XSI_NS);
    int nil = v != NULL &&
              (xmlStrEqual(v, BAD_CAST "true") || xmlStrEqual(v, BAD_CAST "1"));

    xmlFree(v);
    return nil;
}

static json_t *to_json(const struct type *t, xmlNodePtr n);

/* The children of n as an object of complex type t (unknown ones as
 * strings, an element of many values an array). */
static json_t *fields_to_json(const struct type *t, xmlNodePtr n)
{
    json_t *o = json_object();

    for (xmlNodePtr c = first_element(n->children); o != NULL && c != NULL;
         c = first_element(c->next)) {
        const struct elem *x = NULL;
        for (size_t i = 0; t != NULL && i < t->nelems; i++) {
            if (xmlStrEqual(c->name, BAD_CAST t->elems[i].name))
                x = &t->elems[i];
        }
        json_t *v = to_json(x != NULL ? x->type : NULL, c);
        if (v == NULL) {
            json_decref(o);
            return NULL;
        }
        if (x != NULL && x->many) {
            json_t *a = json_object_get(o, x->name);
            if (a == NULL) {
                a = json_array();
                if (json_object_set_new(o, x->name, a) != 0)
                    a = NULL;
            }
            if (a == NULL || json_array_append_new(a, v) != 0) {
                json_decref(o);
                return NULL;
            }
        } else if (json_object_set_new(o, (const char *)c->name, v) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *to_json(const struct type *t, xmlNodePtr n)
{
    if (is_nil(n))
        return json_null();
    if (t != NULL && t->kind == K_COMPLEX) {
        json_t *o = fields_to_json(t, n);
        if (o == NULL || !t->array)
            return o;
        json_t *a = json_object_get(o, t->elems[0].name);
        a = a != NULL ? json_incref(a) : json_array();
        json_decref(o);
        return a;
    }
    xmlChar *text = xmlNodeGetContent(n);
    const char *s = text != NULL ? (const char *)text : "";
    json_t *v = NULL;
    if (t != NULL && (t->kind == K_UINT || t->kind == K_INT)) {
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        v = errno == 0 && end != s && *end == '\0' ? json_integer(x)
                                                   : json_string(s);
    } else if (t != NULL && t->kind == K_BOOL) {
        v = strcmp(s, "true") == 0 || strcmp(s, "1") == 0 ? json_true()
                                                          : json_false();
    } else {
        v = json_string(s);
    }
    xmlFree(text);
    return v;
}

/* The fault's code, text and kind. */
static void read_fault(xmlNodePtr fault, struct jsonrpc_schema_fault *f)
{
    f->code = 0;
    f->client = 0;
    snprintf(f->message, sizeof(f->message), "fault");
    for (xmlNodePtr c = first_element(fault->children); c != NULL;
         c = first_element(c->next)) {
        xmlChar *text = xmlNodeGetContent(c);
        const char *s = text != NULL ? (const char *)text : "";
        if (xmlStrEqual(c->name, BAD_CAST "faultstring") ||
            xmlStrEqual(c->name, BAD_CAST "Reason"))
            snprintf(f->message, sizeof(f->message), "%s", s);
        else if (xmlStrEqual(c->name, BAD_CAST "faultcode") ||
                 xmlStrEqual(c->name, BAD_CAST "Code"))
            f->client = strstr(s, "Client") != NULL ||
                        strstr(s, "Sender") != NULL;
        else if (xmlStrEqual(c->name, BAD_CAST "detail") ||
                 xmlStrEqual(c->name, BAD_CAST "Detail")) {
            xmlNodePtr ec = first_element(c->children);
            if (ec != NULL && xmlStrEqual(ec->name, BAD_CAST "errorCode"))
                f->code = (int)strtol(s, NULL, 10);
        }
        xmlFree(text);
    }
}

int jsonrpc_schema_answer(const struct jsonrpc_schema *s, const char *op,
                          const char *xml, size_t len, json_t **result,
                          struct jsonrpc_schema_fault *f)
{
    const struct op *p = find_op(s, op);
    xmlDocPtr doc = NULL;
    xmlNodePtr body = NULL, ans;
    int rc = -1;

    *result = NULL;
    snprintf(f->message, sizeof(f->message), "the answer is not readable");
    f->code = 0;
    f->client = 0;
    if (p == NULL || len > (size_t)INT32_MAX)
        return -1;
    doc = xmlReadMemory(xml, (int)len, "answer", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (doc != NULL) {
        xmlNodePtr env = xmlDocGetRootElement(doc);
        body = env != NULL ? first_element(env->children) : NULL;
        while (body != NULL && !xmlStrEqual(body->name, BAD_CAST "Body"))
            body = first_element(body->next);
    }
    ans = body != NULL ? first_element(body->children) : NULL;
    if (ans != NULL && xmlStrEqual(ans->name, BAD_CAST "Fault") &&
        ans->ns != NULL &&
        (xmlStrEqual(ans->ns->href, BAD_CAST SOAP11_NS) ||
         xmlStrEqual(ans->ns->href, BAD_CAST SOAP12_NS))) {
        read_fault(ans, f);
        rc = 1;
    } else if (ans != NULL && xmlStrEqual(ans->name, BAD_CAST p->out->name)) {
        *result = first_element(ans->children) == NULL
                      ? json_string("")
                      : fields_to_json(p->out, ans);
        rc = *result != NULL ? 0 : -1;
        if (rc != 0)
            snprintf(f->message, sizeof(f->message), "out of memory");
    }
    xmlFreeDoc(doc);
    return rc;
}
