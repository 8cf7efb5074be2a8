/* micetro-emu: the REST API under /mmws/api (see rest.h). */
#include "rest.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "control_json.h"
#include "jsonrpc.h"
#include "ref.h"
#include "rest_auth.h"

#define PREFIX "/mmws/api"
#define FAILOVER "DHCPFailoverRelationships"

/* Micetro's REST error codes, and the fault codes the answers keep */
#define CODE_NOT_FOUND 16544 /* the object the path names does not exist */
#define CODE_BAD_REF 2049    /* a reference names nothing or is malformed */
#define CODE_AUTH 16394      /* bad credentials */
#define CODE_INVALID 1
#define CODE_NOTFOUND 2
#define CODE_SESSION 5
#define CODE_NOTIMPL 7
#define CODE_THROTTLED 8

/* A collection: its path, the type of its refs and the operations its
 * calls map onto. */
struct coll {
    const char *name;    /* the path segment, matched in any case */
    int type;            /* enum ref_type */
    const char *list;    /* Get<Objects>, its answer's array the same */
    const char *get;     /* Get<Object> */
    const char *ref_arg; /* Get<Object>'s ref element */
    const char *add;     /* Add<Object> */
};

static const struct coll colls[] = {
    {"DHCPServers", REF_DHCP_SERVER, "GetDHCPServers", "GetDHCPServer",
     "dhcpServerRef", "AddDHCPServer"},
    {"Ranges", REF_RANGE, "GetRanges", "GetRange", "rangeRef", "AddRange"},
    {"DHCPScopes", REF_DHCP_SCOPE, "GetDHCPScopes", "GetDHCPScope",
     "dhcpScopeRef", "AddDHCPScope"},
    {"DHCPAddressPools", REF_DHCP_ADDRESS_POOL, "GetDHCPAddressPools",
     "GetDHCPAddressPool", "dhcpAddressPoolRef", "AddDHCPAddressPool"},
};
#define NCOLLS (sizeof(colls) / sizeof(colls[0]))

/* One call as it is being served. */
struct rest {
    struct app *app;
    const struct soaphttpd_request *rq;
    struct soaphttpd_answer *a;
    char user[REST_AUTH_USER_MAX + 1];
    char pass[REST_AUTH_PASS_MAX + 1];
    int item; /* the call acts on the object its path names */
};

int rest_match(const char *target)
{
    size_t l = sizeof(PREFIX) - 1;

    return strncmp(target, PREFIX, l) == 0 &&
           (target[l] == '\0' || target[l] == '/' || target[l] == '?');
}

/* {"error":{"code":code,"message":msg}} with status. */
static void fail(struct soaphttpd_answer *a, int status, int code,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(struct soaphttpd_answer *a, int status, int code,
                 const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* a value quoted in it and cut ("%.64s") may end inside a character */
    json_t *m = json_string(msg);
    if (m == NULL) {
        for (char *p = msg; *p != '\0'; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        m = json_string(msg);
    }
    control_json_answer(
        a, status,
        json_pack("{s:{s:i, s:o}}", "error", "code", code, "message", m));
}

/* A fault of jsonrpc_call as the REST answer: the status by the fault's
 * code, and Micetro's REST codes where they differ from the SOAP ones. */
static void fail_fault(struct rest *r, const struct jsonrpc_fault *f)
{
    int status, code = f->code;

    switch (f->code) {
    case CODE_AUTH:
    case CODE_SESSION:
        status = 401;
        break;
    case CODE_THROTTLED:
        status = 429;
        break;
    case CODE_NOTIMPL:
        status = 501;
        break;
    case CODE_NOTFOUND:
        status = 404;
        code = r->item ? CODE_NOT_FOUND : CODE_BAD_REF;
        break;
    case JSONRPC_UNKNOWN_METHOD:
        status = 404;
        break;
    case JSONRPC_INVALID_PARAMS:
    case JSONRPC_INVALID_REQUEST:
    case JSONRPC_PARSE_ERROR:
        status = 400;
        break;
    default:
        status = f->client ? (f->code == 3 || f->code == 6 ? 409 : 400)
                           : (f->code == 101 ? 503 : 500);
    }
    fail(r->a, status, code, "%s", f->message);
}

/* Logs in with the call's credentials into sid: 0, or -1 with f. */
static int login(struct rest *r, char *sid, struct jsonrpc_fault *f)
{
    json_t *p = json_pack("{s:s, s:s, s:s}", "loginName", r->user, "password",
                          r->pass, "server", "localhost");
    json_t *res = NULL;
    const char *s;
    int rc = p == NULL ? -1 : jsonrpc_call(r->app, r->rq, "Login", p, &res, f);

    json_decref(p);
    if (p == NULL) {
        f->code = JSONRPC_INTERNAL_ERROR;
        f->client = 0;
        snprintf(f->message, sizeof(f->message), "out of memory");
        return -1;
    }
    if (rc != 0)
        return -1;
    s = json_string_value(json_object_get(res, "session"));
    if (s == NULL || strlen(s) >= REST_AUTH_SID_BUF) {
        json_decref(res);
        f->code = JSONRPC_INTERNAL_ERROR;
        f->client = 0;
        snprintf(f->message, sizeof(f->message), "Login answered no session");
        return -1;
    }
    snprintf(sid, REST_AUTH_SID_BUF, "%s", s);
    json_decref(res);
    rest_auth_store(r->user, r->pass, sid);
    return 0;
}

/* Runs op with params (taken over) as the call's user: its session from
 * the cache or a Login, logging in again once when the session has ended
 * meanwhile.  0 with *res, or -1 with the error answered. */
static int run(struct rest *r, const char *op, json_t *params, json_t **res)
{
    struct jsonrpc_fault f;
    char sid[REST_AUTH_SID_BUF];
    int rc = -1;

    memset(&f, 0, sizeof(f));
    *res = NULL;
    if (params == NULL) {
        control_json_error(r->a, 500, "out of memory");
        return -1;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!rest_auth_lookup(r->user, r->pass, sid) && login(r, sid, &f) != 0)
            break;
        if (json_object_set_new(params, "session", json_string(sid)) != 0) {
            f.code = JSONRPC_INTERNAL_ERROR;
            snprintf(f.message, sizeof(f.message), "out of memory");
            break;
        }
        rc = jsonrpc_call(r->app, r->rq, op, params, res, &f);
        if (rc == 0 || f.code != CODE_SESSION)
            break;
        rest_auth_drop(sid); /* ended: log in again, once */
    }
    json_decref(params);
    if (rc != 0)
        fail_fault(r, &f);
    return rc;
}

static const struct coll *coll_of_type(int type)
{
    for (size_t i = 0; i < NCOLLS; i++)
        if (colls[i].type == type)
            return &colls[i];
    return NULL;
}

/* A ref of an answer in the REST form "DHCPScopes/12". */
static void rest_ref(json_t *j)
{
    struct ref rf;
    struct err e;
    const struct coll *c;
    char buf[64];

    if (json_is_string(j) && ref_parse(json_string_value(j), &rf, &e) == 0 &&
        rf.kind == REF_TYPED && (c = coll_of_type(rf.type)) != NULL) {
        snprintf(buf, sizeof(buf), "%s/%lld", c->name, rf.id);
        json_string_set(j, buf);
    }
}

/* An answer as REST clients read it, in place, at any depth: the refs of
 * "ref" and "...Ref" members and of "...Refs" arrays in the REST form,
 * and customProperties an object of name: value. */
static void rest_shape(json_t *j, int is_ref)
{
    const char *k;
    json_t *v;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
        {
            if (is_ref)
                rest_ref(v);
            else
                rest_shape(v, 0);
        }
        return;
    }
    if (is_ref) {
        rest_ref(j);
        return;
    }
    if (!json_is_object(j))
        return;
    json_object_foreach(j, k, v)
    {
        size_t kl = strlen(k);
        if (strcmp(k, "customProperties") == 0 && json_is_array(v)) {
            json_t *o = json_object(), *p;
            json_array_foreach(v, i, p)
            {
                const char *n = json_string_value(json_object_get(p, "name"));
                json_t *val = json_object_get(p, "value");
                if (o != NULL && n != NULL)
                    json_object_set(o, n, val != NULL ? val : json_null());
            }
            if (o != NULL)
                json_object_set_new(j, k, o);
            continue;
        }
        rest_shape(v, strcmp(k, "ref") == 0 ||
                          (kl > 3 && strcmp(k + kl - 3, "Ref") == 0) ||
                          (kl > 4 && strcmp(k + kl - 4, "Refs") == 0));
    }
}

/* Answers {"result": res} (taken over) with status; res "" (an operation
 * answering nothing) is {}. */
static void ok(struct rest *r, int status, json_t *res)
{
    if (json_is_string(res)) {
        json_decref(res);
        res = json_object();
    }
    rest_shape(res, 0);
    control_json_answer(r->a, status, json_pack("{s:o}", "result", res));
}

/* 204: done, nothing to say. */
static void no_content(struct rest *r)
{
    r->a->status = 204;
    r->a->content_type = "application/json";
    r->a->body = NULL;
    r->a->len = 0;
}

/* The request body as a JSON object ({} when empty, as Ansible's GET and
 * DELETE send it), or NULL with the error answered. */
static json_t *body(struct rest *r)
{
    json_error_t je;
    json_t *j;

    if (r->rq->len == 0)
        return json_object();
    j = json_loadb(r->rq->body, r->rq->len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        fail(r->a, 400, CODE_INVALID, "the body is not JSON: %s (at byte %d)",
             je.text, je.position);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        fail(r->a, 400, CODE_INVALID, "the body is not a JSON object");
        return NULL;
    }
    return j;
}

/* 1 when s is UTF-8 (as JSON strings must be). */
static int utf8(const char *s)
{
    json_t *j = json_string(s);

    json_decref(j);
    return j != NULL;
}

/* The value of query parameter name into buf: 1 when present, 0 when
 * absent, -1 with the error answered. */
static int query(struct rest *r, const char *name, char *buf, size_t size)
{
    int bad;
    const char *v = control_json_param(r->rq->target, name, buf, size, &bad);

    if (bad) {
        fail(r->a, 400, CODE_INVALID,
             "query parameter %s: a bad %% escape, a NUL byte, or longer "
             "than %zu bytes",
             name, size - 1);
        return -1;
    }
    if (v != NULL && !utf8(v)) {
        fail(r->a, 400, CODE_INVALID, "query parameter %s is not UTF-8", name);
        return -1;
    }
    return v != NULL;
}

/* 1 when s starts a condition of the newer syntax: a field name, then an
 * operator or "in(". */
static int starts_condition(const char *s)
{
    size_t n = 0;

    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
           (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '.')
        n++;
    if ((n == 3 && strncasecmp(s, "and", 3) == 0) ||
        (n == 2 && strncasecmp(s, "or", 2) == 0))
        return 0;
    s += n;
    s += strspn(s, " ");
    return *s == '=' || (s[0] == '!' && s[1] == '=') ||
           strncasecmp(s, "in(", 3) == 0;
}

/* 1 when out[o] ends with a word that joins: "and", "or", or "(". */
static int ends_joined(const char *out, size_t o)
{
    size_t w = o;

    while (w > 0 && out[w - 1] != ' ' && out[w - 1] != '(')
        w--;
    return o == 0 || out[o - 1] == '(' ||
           (o - w == 3 && strncasecmp(out + w, "and", 3) == 0) ||
           (o - w == 2 && strncasecmp(out + w, "or", 2) == 0);
}

/* A filter as Micetro's REST clients write it, for the list operations:
 * conditions of the newer syntax side by side, separated by blanks (newer
 * Terraform providers join them so) or by '&' (older ones), are ANDed.
 * Quoted text is left alone; the classic syntax has no operators and is
 * left as it is. */
static json_t *rest_filter(const char *f)
{
    size_t n = strlen(f);
    char *out = malloc(n * 5 + 1);
    size_t o = 0;
    char quote = 0;
    json_t *j;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char ch = f[i];
        if (quote != 0) {
            if (ch == '\\' && f[i + 1] != '\0')
                out[o++] = f[i++];
            else if (ch == quote)
                quote = 0;
        } else if (ch == '"' || ch == '\'') {
            quote = ch;
        } else if (ch == '&' || ch == ' ') {
            size_t b = strspn(f + i, " &");
            if (o > 0 && i + b < n && !ends_joined(out, o) &&
                (memchr(f + i, '&', b) != NULL ||
                 starts_condition(f + i + b))) {
                memcpy(out + o, " and ", 5);
                o += 5;
            } else {
                out[o++] = ' ';
            }
            i += b - 1;
            continue;
        }
        out[o++] = ch;
    }
    out[o] = '\0';
    j = json_string(out);
    free(out);
    return j;
}

/* The limit a filter may have, as the SOAP lists (docs/api.md#lists),
 * with room for the '&' it may hold */
#define FILTER_BUF 4097

/* GET <collection>: the list operation with the query's parameters. */
static void list(struct rest *r, const struct coll *c)
{
    static const char *const nums[] = {"offset", "limit"};
    char v[FILTER_BUF];
    json_t *p = json_object(), *res;
    int rc;

    if (p == NULL) {
        control_json_error(r->a, 500, "out of memory");
        return;
    }
    if ((rc = query(r, "filter", v, sizeof(v))) < 0)
        goto bad;
    if (rc > 0 && v[0] != '\0')
        json_object_set_new(p, "filter", rest_filter(v));
    for (size_t i = 0; i < 2; i++) {
        char *end;
        unsigned long long n;
        if ((rc = query(r, nums[i], v, 32)) < 0)
            goto bad;
        if (rc == 0 || v[0] == '\0')
            continue;
        n = strtoull(v, &end, 10);
        if (v[0] < '0' || v[0] > '9' || *end != '\0' || n > UINT_MAX) {
            fail(r->a, 400, CODE_INVALID,
                 "query parameter %s: a whole number from 0 to %u expected",
                 nums[i], UINT_MAX);
            goto bad;
        }
        json_object_set_new(p, nums[i], json_integer((json_int_t)n));
    }
    if ((rc = query(r, "sortBy", v, 256)) < 0)
        goto bad;
    if (rc > 0 && v[0] != '\0')
        json_object_set_new(p, "sortBy", json_string(v));
    if ((rc = query(r, "sortOrder", v, 256)) < 0)
        goto bad;
    if (rc > 0 && v[0] != '\0')
        json_object_set_new(p, "sortOrder", json_string(v));
    if (run(r, c->list, p, &res) == 0)
        ok(r, 200, res);
    return;
bad:
    json_decref(p);
}

/* A property's value as the WSDL's text: a string as it is, true/false,
 * an integer in decimal, null (or none) ""; NULL for anything else. */
static json_t *text_of(json_t *v)
{
    if (v == NULL || json_is_null(v))
        return json_string("");
    if (json_is_string(v))
        return json_copy(v);
    if (json_is_boolean(v))
        return json_string(json_is_true(v) ? "true" : "false");
    if (json_is_integer(v))
        return json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return NULL;
}

/* Properties, an object or a list of {name, value} (as Ansible sends
 * them), as the WSDL's list of {name, value} with text values: PUT's
 * properties, an object's customProperties.  NULL with the error
 * answered (what names the member). */
static json_t *properties(struct rest *r, json_t *in, const char *what)
{
    json_t *out = json_array(), *v, *val;
    const char *k;
    size_t i;

    if (out == NULL || (!json_is_object(in) && !json_is_array(in))) {
        json_decref(out);
        fail(r->a, 400, CODE_INVALID,
             "%s: an object or a list of {\"name\", \"value\"} expected", what);
        return NULL;
    }
    json_object_foreach(in, k, v)
    {
        if ((val = text_of(v)) == NULL) {
            fail(r->a, 400, CODE_INVALID,
                 "%s: \"%.64s\" is not a string, integer, true, false or "
                 "null",
                 what, k);
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out,
                              json_pack("{s:s, s:o}", "name", k, "value", val));
    }
    json_array_foreach(in, i, v)
    {
        k = json_string_value(json_object_get(v, "name"));
        if (k == NULL || (val = text_of(json_object_get(v, "value"))) == NULL) {
            fail(r->a, 400, CODE_INVALID,
                 "%s[%zu]: an object {\"name\": a string, \"value\": a "
                 "string, integer, true, false or null} expected",
                 what, i);
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out,
                              json_pack("{s:s, s:o}", "name", k, "value", val));
    }
    return out;
}

/* Copies the members names of from into to, when present. */
static void pick(json_t *to, json_t *from, const char *const *names)
{
    for (; *names != NULL; names++) {
        json_t *v = json_object_get(from, *names);
        if (v != NULL && !json_is_null(v))
            json_object_set(to, *names, v);
    }
}

/* The remove options of a DELETE from its query, when the body has none
 * (saveComment, forceRemoval, objType). */
static int delete_query(struct rest *r, json_t *p)
{
    static const char *const names[] = {"saveComment", "objType",
                                        "forceRemoval"};
    char v[1024];

    for (size_t i = 0; i < 3; i++) {
        int rc = query(r, names[i], v, sizeof(v));
        if (rc < 0)
            return -1;
        if (rc == 0 || json_object_get(p, names[i]) != NULL)
            continue;
        if (i < 2)
            json_object_set_new(p, names[i], json_string(v));
        else if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
            json_object_set_new(p, names[i], json_boolean(v[0] == 't'));
        else {
            fail(r->a, 400, CODE_INVALID, "forceRemoval is true or false");
            return -1;
        }
    }
    return 0;
}

/* GET, PUT or DELETE of the object ref of collection c. */
static void item(struct rest *r, const struct coll *c, const char *ref)
{
    static const char *const put_args[] = {"objType", "saveComment",
                                           "deleteUnspecified", NULL};
    static const char *const delete_args[] = {"objType", "saveComment",
                                              "forceRemoval", NULL};
    const char *m = r->rq->method;
    json_t *b, *p, *res;

    r->item = 1;
    if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
        if (run(r, c->get, json_pack("{s:s}", c->ref_arg, ref), &res) == 0)
            ok(r, 200, res);
        return;
    }
    if ((b = body(r)) == NULL)
        return;
    p = json_pack("{s:s}", "ref", ref);
    if (p == NULL) {
        json_decref(b);
        control_json_error(r->a, 500, "out of memory");
        return;
    }
    if (strcmp(m, "PUT") == 0) {
        json_t *props = properties(r, json_object_get(b, "properties"),
                                   "properties");
        if (props == NULL) {
            json_decref(b);
            json_decref(p);
            return;
        }
        pick(p, b, put_args);
        json_object_set_new(p, "properties", props);
        json_decref(b);
        if (run(r, "SetProperties", p, &res) == 0) {
            json_decref(res);
            no_content(r);
        }
        return;
    }
    /* DELETE */
    pick(p, b, delete_args);
    json_decref(b);
    if (delete_query(r, p) != 0) {
        json_decref(p);
        return;
    }
    if (run(r, "RemoveObject", p, &res) == 0) {
        json_decref(res);
        no_content(r);
    }
}

/* A body as the WSDL's operation takes it, in place: members null (a
 * REST client's "not given") left out, and customProperties given as an
 * object made a list.  0, or -1 with the error answered. */
static int body_shape(struct rest *r, json_t *j)
{
    const char *k;
    json_t *v;
    void *tmp;

    json_object_foreach_safe(j, tmp, k, v)
    {
        if (json_is_null(v)) {
            json_object_del(j, k);
        } else if (strcmp(k, "customProperties") == 0) {
            json_t *l = properties(r, v, k);
            if (l == NULL)
                return -1;
            json_object_set_new(j, k, l);
        } else if (json_is_object(v) && body_shape(r, v) != 0) {
            return -1;
        }
    }
    return 0;
}

/* POST of an Add operation op with the body as its parameters
 * ({"dhcpScope": {...}, "saveComment": ...}): 201 and the new ref. */
static void create(struct rest *r, const char *op)
{
    json_t *b = body(r), *res;

    if (b == NULL)
        return;
    if (body_shape(r, b) != 0) {
        json_decref(b);
        return;
    }
    if (run(r, op, b, &res) == 0)
        ok(r, 201, res);
}

/* GET, POST /DHCPServers/<server>/DHCPFailoverRelationships[/<name>] */
static void failover(struct rest *r, const char *server, const char *name)
{
    const char *m = r->rq->method;
    json_t *res;

    if (name[0] != '\0') {
        if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
            fail(r->a, 405, CODE_INVALID,
                 "a failover relationship takes GET; change it through "
                 "%s/command/ModifyDHCPFailoverRelationship",
                 PREFIX);
            return;
        }
        r->item = 1;
        if (run(r, "GetDHCPFailoverRelationship",
                json_pack("{s:s, s:s}", "dhcpServerRef", server,
                          "dhcpFailoverRelationshipName", name),
                &res) == 0)
            ok(r, 200, res);
        return;
    }
    if (strcmp(m, "POST") == 0) {
        create(r, "AddDHCPFailoverRelationship");
        return;
    }
    if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
        fail(r->a, 405, CODE_INVALID,
             "a server's failover relationships take GET and POST");
        return;
    }
    r->item = 1; /* the server named by the path */
    if (run(r, "GetDHCPFailoverRelationships",
            json_pack("{s:s}", "dhcpServerRef", server), &res) == 0) {
        json_t *l = json_object_get(res, "dhcpFailoverRelationships");
        if (json_is_object(res))
            json_object_set_new(
                res, "totalResults",
                json_integer(json_is_array(l) ? (json_int_t)json_array_size(l)
                                              : 0));
        ok(r, 200, res);
    }
}

/* POST /command/<Op>: any operation, the body its parameters. */
static void command(struct rest *r, const char *op)
{
    json_t *b, *res;

    if (strcmp(r->rq->method, "POST") != 0) {
        fail(r->a, 405, CODE_INVALID, "%s/command/<operation> takes POST",
             PREFIX);
        return;
    }
    if (strcmp(op, "Login") == 0 || strcmp(op, "Logout") == 0) {
        fail(r->a, 400, CODE_INVALID,
             "REST calls authenticate with HTTP Basic on each call: no %s", op);
        return;
    }
    if ((b = body(r)) != NULL && run(r, op, b, &res) == 0)
        ok(r, 200, res);
}

/* GET /mmws/api: what is served here (the Terraform provider's probe). */
static void probe(struct rest *r)
{
    json_t *l = json_array();

    for (size_t i = 0; i < NCOLLS; i++)
        json_array_append_new(l, json_string(colls[i].name));
    control_json_answer(r->a, 200,
                        json_pack("{s:{s:s, s:o, s:s}}", "result", "api",
                                  PREFIX, "collections", l, "command",
                                  PREFIX "/command/<operation>"));
}

static const struct coll *coll_named(const char *s, size_t n)
{
    for (size_t i = 0; i < NCOLLS; i++)
        if (strlen(colls[i].name) == n && strncasecmp(colls[i].name, s, n) == 0)
            return &colls[i];
    return NULL;
}

/* The ref of the object rest names in collection c into buf: the
 * collection's own prefix once more ("DHCPScopes/DHCPScopes/12", a ref
 * used as an id) and a bare number ("12") make "DHCPScopes/12"; a typed
 * ref, another resource ref or a name go on as they are.  0, or -1 with
 * the error answered. */
static int item_ref(struct rest *r, const struct coll *c, const char *rest,
                    char *buf, size_t size)
{
    size_t cl = strlen(c->name);
    struct ref rf;
    struct err e;

    if (strncasecmp(rest, c->name, cl) == 0 && rest[cl] == '/')
        rest += cl + 1;
    if (rest[strspn(rest, "0123456789")] == '\0')
        snprintf(buf, size, "%s/%s", c->name, rest);
    else
        snprintf(buf, size, "%s", rest);
    if (ref_parse(buf, &rf, &e) != 0) {
        fail(r->a, 400, CODE_BAD_REF, "%s", e.msg);
        return -1;
    }
    if (rf.kind != REF_NAME && rf.type != c->type) {
        fail(r->a, 400, CODE_BAD_REF, "reference \"%.64s\" is not in %s", buf,
             c->name);
        return -1;
    }
    return 0;
}

/* Serves the call whose path after /mmws/api[/v2] is path ("" or
 * "/..."), percent-decoded, trailing slashes gone. */
static void dispatch(struct rest *r, const char *path)
{
    const char *m = r->rq->method;
    const char *seg, *rest, *sub;
    const struct coll *c;
    char ref[REST_MAX_PATH + 64];
    size_t sl;

    if (path[0] == '\0') {
        if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
            probe(r);
        else
            fail(r->a, 405, CODE_INVALID, "%s takes GET", PREFIX);
        return;
    }
    seg = path + 1;
    sl = strcspn(seg, "/");
    rest = seg[sl] == '/' ? seg + sl + 1 : seg + sl;
    if (sl == 7 && strncasecmp(seg, "command", 7) == 0) {
        if (rest[0] == '\0' || strchr(rest, '/') != NULL)
            fail(r->a, 404, CODE_INVALID,
                 "%s/command/<operation>: one operation name expected", PREFIX);
        else
            command(r, rest);
        return;
    }
    c = coll_named(seg, sl);
    if (c == NULL && strncmp(seg, "{#", 2) == 0) { /* a typed ref alone */
        struct ref rf;
        struct err e;
        if (ref_parse(seg, &rf, &e) != 0 ||
            (c = coll_of_type(rf.type)) == NULL) {
            fail(r->a, 400, CODE_BAD_REF, "reference \"%.64s\" %s", seg,
                 "names no object served here");
            return;
        }
        rest = seg;
    }
    if (c == NULL) {
        fail(r->a, 404, CODE_INVALID,
             "no collection \"%.*s\" here: served are DHCPServers, Ranges, "
             "DHCPScopes, DHCPAddressPools and %s/command/<operation>",
             (int)(sl > 64 ? 64 : sl), seg, PREFIX);
        return;
    }
    if (rest[0] == '\0') {
        if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
            list(r, c);
        else if (strcmp(m, "POST") == 0)
            create(r, c->add);
        else
            fail(r->a, 405, CODE_INVALID, "%s takes GET and POST", c->name);
        return;
    }
    sub = c->type == REF_DHCP_SERVER ? strcasestr(rest, "/" FAILOVER) : NULL;
    if (sub != NULL &&
        (sub[sizeof(FAILOVER)] == '\0' || sub[sizeof(FAILOVER)] == '/')) {
        char server[REST_MAX_PATH + 1];
        const char *name = sub[sizeof(FAILOVER)] == '/'
                               ? sub + sizeof(FAILOVER) + 1
                               : "";
        snprintf(server, sizeof(server), "%.*s", (int)(sub - rest), rest);
        if (item_ref(r, c, server, ref, sizeof(ref)) == 0)
            failover(r, ref, name);
        return;
    }
    if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
        strcmp(m, "PUT") != 0 && strcmp(m, "DELETE") != 0) {
        fail(r->a, 405, CODE_INVALID, "an object takes GET, PUT and DELETE");
        return;
    }
    if (item_ref(r, c, rest, ref, sizeof(ref)) == 0)
        item(r, c, ref);
}

size_t rest_error_body(char *buf, size_t size, const char *msg)
{
    json_t *j = json_pack("{s:{s:i, s:s}}", "error", "code", CODE_INVALID,
                          "message", msg);
    size_t n = j != NULL ? json_dumpb(j, buf, size, JSON_COMPACT) : 0;

    json_decref(j);
    if (n == 0 || n > size) { /* cannot happen with the front's messages */
        static const char fallback[] =
            "{\"error\":{\"code\":1,\"message\":\"error\"}}";
        n = sizeof(fallback) - 1 < size ? sizeof(fallback) - 1 : 0;
        memcpy(buf, fallback, n);
    }
    return n;
}

static void serve(void *user, const struct soaphttpd_request *rq,
                  struct soaphttpd_answer *a);

void rest_handle(void *user, const struct soaphttpd_request *rq,
                 struct soaphttpd_answer *a)
{
    serve(user, rq, a);
    if (a->status == 401) /* clients that wait for a challenge */
        a->authenticate = "Basic realm=\"Micetro\", charset=\"UTF-8\"";
}

static void serve(void *user, const struct soaphttpd_request *rq,
                  struct soaphttpd_answer *a)
{
    struct rest r = {.app = user, .rq = rq, .a = a};
    const char *p = rq->target + sizeof(PREFIX) - 1;
    size_t pl = strcspn(p, "?");
    char path[REST_MAX_PATH + 1];
    struct err e;

    if (pl > REST_MAX_PATH) {
        fail(a, 414, CODE_INVALID, "the path is longer than %d bytes",
             REST_MAX_PATH);
        return;
    }
    if (control_json_decode(p, pl, path, sizeof(path)) != 0) {
        fail(a, 400, CODE_INVALID,
             "the path holds a bad %% escape or a NUL byte");
        return;
    }
    if (!utf8(path)) {
        fail(a, 400, CODE_INVALID, "the path is not UTF-8");
        return;
    }
    if (strncasecmp(path, "/v2", 3) == 0 && (path[3] == '\0' || path[3] == '/'))
        memmove(path, path + 3, strlen(path + 3) + 1);
    for (size_t l = strlen(path); l > 0 && path[l - 1] == '/'; l--)
        path[l - 1] = '\0';
    if (path[0] == '\0') { /* the probe needs no credentials */
        dispatch(&r, path);
        return;
    }
    err_clear(&e);
    if (rest_auth_parse(rq->authorization, r.user, r.pass, &e) != 0) {
        fail(a, 401, CODE_AUTH, "%s", e.msg);
        return;
    }
    if (!utf8(r.user) || !utf8(r.pass)) {
        explicit_bzero(r.pass, sizeof(r.pass));
        fail(a, 401, CODE_AUTH, "the Basic credentials are not UTF-8");
        return;
    }
    dispatch(&r, path);
    explicit_bzero(r.pass, sizeof(r.pass));
}
