/* micetro-emu core: dhcpd.conf renderer (see render.h). */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflex.h"
#include "failover.h"
#include "textbuf.h"
#include "validate.h"

#define KEY_NAME_MAX 64
#define SECRET_MAX 1024

/* ---- statements check ------------------------------------------------ */

int render_check_statements_len(const char *text, size_t len, struct err *e)
{
    struct conflex lx;
    struct conflex_tok tok;
    struct conflex_err ce;
    int last_line = 0;

    if (text == NULL)
        return 0;
    if (len > RENDER_STATEMENTS_MAX)
        return err_set(e, ERR_INVALID,
                       "unmanaged statements are longer than %d bytes",
                       RENDER_STATEMENTS_MAX);
    conflex_init(&lx, text, len, CONFLEX_NO_CONTROL | CONFLEX_LINE_STRINGS);
    for (;;) {
        if (conflex_next(&lx, &tok, &ce) < 0)
            return err_set(e, ERR_INVALID,
                           "%s in unmanaged statements at line %d, column %d",
                           ce.what, ce.line, ce.col);
        if (tok.kind == CONFLEX_END)
            break;
        last_line = tok.line;
    }
    /* the last statement ended: the end is where a statement may begin */
    if (!tok.first)
        return err_set(e, ERR_INVALID,
                       "unmanaged statements end without ';' or '}' at line "
                       "%d",
                       last_line);
    return 0;
}

int render_check_statements(const char *text, struct err *e)
{
    if (text == NULL)
        return 0;
    /* strnlen: a longer text is refused without reading all of it */
    return render_check_statements_len(
        text, strnlen(text, RENDER_STATEMENTS_MAX + 1), e);
}

/* ---- split ----------------------------------------------------------- */

int render_split(int percentage)
{
    return failover_split(percentage);
}

int render_percentage(int split)
{
    return failover_percentage(split);
}

/* ---- model checks ---------------------------------------------------- */

/* A name dhcpd.conf carries in double quotes or a comment. */
static int check_name(const char *kind, const char *s, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    const char *p;
    size_t n;

    if (s == NULL || s[0] == '\0')
        return err_set(e, ERR_INVALID, "%s name is empty", kind);
    n = strlen(s);
    if (n > RENDER_NAME_MAX)
        return err_set(e, ERR_INVALID, "%s name \"%s\" is longer than %d bytes",
                       kind, validate_quote(s, q, sizeof q), RENDER_NAME_MAX);
    for (p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '{' ||
            c == '}')
            return err_set(e, ERR_INVALID,
                           "%s name \"%s\" holds a quote, backslash, brace "
                           "or control character",
                           kind, validate_quote(s, q, sizeof q));
    }
    return 0;
}

static int check_statements(const char *what, const char *name,
                            const char *text, struct err *e)
{
    struct err inner;
    char q[VALIDATE_QUOTE_BUF];

    if (render_check_statements(text, &inner) == 0)
        return 0;
    if (name != NULL)
        return err_set(e, ERR_INVALID, "%s \"%s\": %s", what,
                       validate_quote(name, q, sizeof q), inner.msg);
    return err_set(e, ERR_INVALID, "%s: %s", what, inner.msg);
}

static int check_key_name(const char *s, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    size_t i, n = s ? strlen(s) : 0;

    if (n == 0 || n > KEY_NAME_MAX)
        goto bad;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            goto bad;
    }
    return 0;
bad:
    return err_set(e, ERR_INVALID,
                   "invalid OMAPI key name \"%s\": 1..%d letters, digits "
                   "and . _ -",
                   validate_quote(s, q, sizeof q), KEY_NAME_MAX);
}

static int check_secret(const char *s, struct err *e)
{
    size_t i, n = s ? strlen(s) : 0;

    if (n == 0 || n > SECRET_MAX || n % 4 != 0)
        goto bad;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '+' || c == '/')
            continue;
        /* '=' only as the last one or two */
        if (c == '=' && i + 2 >= n && (i + 1 == n || s[i + 1] == '='))
            continue;
        goto bad;
    }
    return 0;
bad:
    return err_set(e, ERR_INVALID, "invalid OMAPI secret: base64 expected");
}

/* r's two ends for the address rule (servers unknown: 0). */
static struct failover_pair pair_of(const struct render_relationship *r)
{
    struct failover_pair p = {0, 0, 1, 1, r->address, r->peer_address};

    return p;
}

static int check_relationship(const struct render_relationship *r,
                              uint32_t server_ip, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], a[VALIDATE_IPV4_BUF], b[VALIDATE_IPV4_BUF];
    struct failover_pair pair = pair_of(r);
    int rc;

    rc = check_name("failover relationship", r->name, e);
    if (rc < 0)
        return rc;
    validate_quote(r->name, q, sizeof q);
    if (r->role != RENDER_PRIMARY && r->role != RENDER_SECONDARY)
        return err_set(e, ERR_INVALID,
                       "failover relationship \"%s\" has no valid role", q);
    if (r->address != server_ip)
        return err_set(e, ERR_INVALID,
                       "failover relationship \"%s\": address %s is not "
                       "the server's address %s",
                       q, validate_ipv4_format(r->address, a),
                       validate_ipv4_format(server_ip, b));
    if (failover_pair_shares_address(&pair))
        return err_set(e, ERR_INVALID,
                       "failover relationship \"%s\": both servers have "
                       "address %s",
                       q, validate_ipv4_format(r->address, a));
    if (r->port < (int)FAILOVER_PORT_MIN || r->port > (int)FAILOVER_PORT_MAX ||
        r->peer_port < (int)FAILOVER_PORT_MIN ||
        r->peer_port > (int)FAILOVER_PORT_MAX)
        return err_set(e, ERR_INVALID,
                       "failover relationship \"%s\": port out of range "
                       "1..65535",
                       q);
    if (r->mclt < (int)FAILOVER_MCLT_MIN)
        return err_set(e, ERR_INVALID,
                       "failover relationship \"%s\": mclt must be at least 1",
                       q);
    if (failover_split(r->percentage) < 0)
        return err_set(e, ERR_INVALID,
                       "failover relationship \"%s\": percentage %d out of "
                       "range 0..100",
                       q, r->percentage);
    if (r->max_response_delay < (int)FAILOVER_TIMING_MIN ||
        r->max_unacked_updates < (int)FAILOVER_TIMING_MIN ||
        r->load_balance_max_seconds < (int)FAILOVER_LB_MAX_SECONDS_MIN)
        return err_set(e, ERR_INVALID,
                       "failover relationship \"%s\": max-response-delay, "
                       "max-unacked-updates must be at least 1, load "
                       "balance max seconds at least 0",
                       q);
    return 0;
}

static int check_scope(const struct render_scope *sc, size_t nrel,
                       struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], a[VALIDATE_IPV4_BUF], b[VALIDATE_IPV4_BUF];
    struct err inner;
    size_t i;
    int rc;

    rc = check_name("scope", sc->name, e);
    if (rc < 0)
        return rc;
    validate_quote(sc->name, q, sizeof q);
    if (sc->superscope != NULL &&
        check_name("superscope", sc->superscope, &inner) < 0)
        return err_set(e, ERR_INVALID, "scope \"%s\": %s", q, inner.msg);
    if (sc->prefix < 0 || sc->prefix > 32 ||
        validate_cidr_first(sc->network, sc->prefix) != sc->network)
        return err_set(e, ERR_INVALID, "scope \"%s\": %s/%d is not a network",
                       q, validate_ipv4_format(sc->network, a), sc->prefix);
    if (sc->failover < -1 ||
        (sc->failover >= 0 && (size_t)sc->failover >= nrel))
        return err_set(e, ERR_INVALID,
                       "scope \"%s\": unknown failover relationship %d", q,
                       sc->failover);
    if (sc->npools > 0 && sc->pools == NULL)
        return err_set(e, ERR_INVALID, "scope \"%s\": pools missing", q);
    for (i = 0; i < sc->npools; i++) {
        const struct render_pool *p = &sc->pools[i];

        if (validate_range_in_cidr(p->from, p->to, sc->network, sc->prefix,
                                   VALIDATE_RANGE_POOL, &inner) < 0)
            return err_set(e, ERR_INVALID, "scope \"%s\": pool %s-%s: %s", q,
                           validate_ipv4_format(p->from, a),
                           validate_ipv4_format(p->to, b), inner.msg);
        if (render_check_statements(p->statements, &inner) < 0)
            return err_set(e, ERR_INVALID,
                           "unmanaged statements of scope \"%s\", pool "
                           "%s-%s: %s",
                           q, validate_ipv4_format(p->from, a),
                           validate_ipv4_format(p->to, b), inner.msg);
    }
    return check_statements("unmanaged statements of scope", sc->name,
                            sc->statements, e);
}

/* ---- ordering -------------------------------------------------------- */

static int cmp_scope(const void *x, const void *y)
{
    const struct render_scope *a = *(const struct render_scope *const *)x;
    const struct render_scope *b = *(const struct render_scope *const *)y;

    if (a->network != b->network)
        return a->network < b->network ? -1 : 1;
    return (a->prefix > b->prefix) - (a->prefix < b->prefix);
}

static int cmp_pool(const void *x, const void *y)
{
    const struct render_pool *a = *(const struct render_pool *const *)x;
    const struct render_pool *b = *(const struct render_pool *const *)y;

    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    return (a->to > b->to) - (a->to < b->to);
}

static int cmp_rel(const void *x, const void *y)
{
    const struct render_relationship *a = *(
        const struct render_relationship *const *)x;
    const struct render_relationship *b = *(
        const struct render_relationship *const *)y;

    return strcmp(a->name, b->name);
}

/* Scopes in network order (rank), those of one superscope moved together
 * to where the first of them stands. */
struct placed {
    const struct render_scope *sc;
    size_t rank, key;
};

static int cmp_by_superscope(const void *x, const void *y)
{
    const struct placed *a = x, *b = y;
    const char *p = a->sc->superscope, *q = b->sc->superscope;
    int c;

    if (p == NULL || q == NULL)
        c = (p == NULL) - (q == NULL);
    else
        c = strcmp(p, q);
    if (c != 0)
        return c;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

static int cmp_by_key(const void *x, const void *y)
{
    const struct placed *a = x, *b = y;

    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

static int group_superscopes(const struct render_scope **scopes, size_t n)
{
    struct placed *p = calloc(n + 1, sizeof *p);
    size_t i;

    if (p == NULL)
        return -1;
    for (i = 0; i < n; i++)
        p[i] = (struct placed){scopes[i], i, i};
    qsort(p, n, sizeof *p, cmp_by_superscope);
    for (i = 1; i < n; i++)
        if (p[i].sc->superscope != NULL && p[i - 1].sc->superscope != NULL &&
            strcmp(p[i].sc->superscope, p[i - 1].sc->superscope) == 0)
            p[i].key = p[i - 1].key;
    qsort(p, n, sizeof *p, cmp_by_key);
    for (i = 0; i < n; i++)
        scopes[i] = p[i].sc;
    free(p);
    return 0;
}

/* 1 when a and b are in the same superscope. */
static int same_superscope(const struct render_scope *a,
                           const struct render_scope *b)
{
    return a != NULL && b != NULL && a->superscope != NULL &&
           b->superscope != NULL && strcmp(a->superscope, b->superscope) == 0;
}

/* ---- rendering ------------------------------------------------------- */

static void put_relationship(struct textbuf *b,
                             const struct render_relationship *r)
{
    char a[VALIDATE_IPV4_BUF], p[VALIDATE_IPV4_BUF];

    textbuf_printf(b, "failover peer \"%s\" {\n", r->name);
    textbuf_puts(b,
                 r->role == RENDER_PRIMARY ? "  primary;\n" : "  secondary;\n");
    textbuf_printf(b,
                   "  address %s;\n"
                   "  port %d;\n"
                   "  peer address %s;\n"
                   "  peer port %d;\n"
                   "  max-response-delay %d;\n"
                   "  max-unacked-updates %d;\n",
                   validate_ipv4_format(r->address, a), r->port,
                   validate_ipv4_format(r->peer_address, p), r->peer_port,
                   r->max_response_delay, r->max_unacked_updates);
    if (r->role == RENDER_PRIMARY)
        textbuf_printf(b, "  mclt %d;\n  split %d;\n", r->mclt,
                       failover_split(r->percentage));
    textbuf_printf(b, "  load balance max seconds %d;\n}\n\n",
                   r->load_balance_max_seconds);
}

static void put_scope(struct textbuf *b, const struct render_scope *sc,
                      const struct render_relationship *rel,
                      const struct render_pool **pools)
{
    char n[VALIDATE_IPV4_BUF], m[VALIDATE_IPV4_BUF];
    char f[VALIDATE_IPV4_BUF], t[VALIDATE_IPV4_BUF];
    size_t i;

    textbuf_printf(b, "# scope %s\n", sc->name);
    textbuf_printf(b, "subnet %s netmask %s {\n",
                   validate_ipv4_format(sc->network, n),
                   validate_ipv4_format(validate_cidr_mask(sc->prefix), m));
    if (sc->statements != NULL)
        textbuf_verbatim(b, sc->statements);
    if (!sc->enabled) {
        textbuf_puts(b, "  # disabled: its pools are not served\n");
    } else {
        for (i = 0; i < sc->npools; i++) {
            textbuf_puts(b, "  pool {\n");
            if (rel != NULL)
                textbuf_printf(b, "    failover peer \"%s\";\n", rel->name);
            if (pools[i]->statements != NULL)
                textbuf_verbatim(b, pools[i]->statements);
            textbuf_printf(b, "    range %s %s;\n  }\n",
                           validate_ipv4_format(pools[i]->from, f),
                           validate_ipv4_format(pools[i]->to, t));
        }
    }
    textbuf_puts(b, "}\n\n");
}

int render_config(const struct render_server *s, char **out, size_t *len,
                  struct err *e)
{
    struct textbuf b = {NULL, 0, 0, 0};
    const struct render_scope **scopes = NULL;
    const struct render_relationship **rels = NULL;
    const struct render_pool **pools = NULL;
    unsigned char *used = NULL;
    char q[VALIDATE_QUOTE_BUF], a[VALIDATE_IPV4_BUF], c[VALIDATE_IPV4_BUF];
    uint32_t server_ip;
    size_t i, j, nrels = 0, maxpools = 0;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (len != NULL)
        *len = 0;
    if (s == NULL || out == NULL)
        return err_set(e, ERR_INTERNAL, "render_config: no server or output");

    /* the server */
    rc = check_name("DHCP server", s->name, e);
    if (rc < 0)
        goto out;
    if (validate_ipv4(s->address, &server_ip, "address", e) < 0) {
        rc = ERR_INVALID;
        goto out;
    }
    rc = check_statements("unmanaged global statements of DHCP server", s->name,
                          s->statements, e);
    if (rc < 0)
        goto out;
    if (s->omapi_port != 0) {
        rc = ERR_INVALID;
        if (s->omapi_port < 1 || s->omapi_port > 65535) {
            err_set(e, rc, "OMAPI port %d out of range 1..65535",
                    s->omapi_port);
            goto out;
        }
        if (check_key_name(s->omapi_key_name, e) < 0 ||
            check_secret(s->omapi_secret, e) < 0)
            goto out;
    }
    if ((s->nrelationships > 0 && s->relationships == NULL) ||
        (s->nscopes > 0 && s->scopes == NULL)) {
        rc = err_set(e, ERR_INVALID, "relationships or scopes missing");
        goto out;
    }
    for (i = 0; i < s->nrelationships; i++) {
        rc = check_relationship(&s->relationships[i], server_ip, e);
        if (rc < 0)
            goto out;
    }
    for (i = 0; i < s->nscopes; i++) {
        rc = check_scope(&s->scopes[i], s->nrelationships, e);
        if (rc < 0)
            goto out;
        if (s->scopes[i].npools > maxpools)
            maxpools = s->scopes[i].npools;
    }

    rc = ERR_NOMEM;
    scopes = calloc(s->nscopes + 1, sizeof *scopes);
    rels = calloc(s->nrelationships + 1, sizeof *rels);
    used = calloc(s->nrelationships + 1, 1);
    pools = calloc(maxpools + 1, sizeof *pools);
    if (scopes == NULL || rels == NULL || used == NULL || pools == NULL) {
        err_set(e, rc, "out of memory rendering dhcpd.conf");
        goto out;
    }

    /* which relationships a pool of an enabled member scope refers to */
    for (i = 0; i < s->nscopes; i++) {
        const struct render_scope *sc = &s->scopes[i];

        scopes[i] = sc;
        if (sc->enabled && sc->failover >= 0 && sc->npools > 0)
            used[sc->failover] = 1;
    }
    for (i = 0; i < s->nrelationships; i++)
        if (used[i])
            rels[nrels++] = &s->relationships[i];
    qsort(rels, nrels, sizeof *rels, cmp_rel);
    rc = ERR_INVALID;
    for (i = 0; i + 1 < nrels; i++) {
        if (strcmp(rels[i]->name, rels[i + 1]->name) == 0) {
            err_set(e, rc, "failover relationship \"%s\" is given twice",
                    validate_quote(rels[i]->name, q, sizeof q));
            goto out;
        }
    }
    /* dhcpd tells partners apart by address only; every relationship
     * here has the server's address at one end */
    for (i = 0; i < nrels; i++) {
        for (j = i + 1; j < nrels; j++) {
            struct failover_pair x = pair_of(rels[i]), y = pair_of(rels[j]);

            if (failover_pairs_clash(&x, &y)) {
                rc = err_set(e, ERR_CONFLICT,
                             "failover relationships \"%s\" and \"%s\" both "
                             "join %s and %s",
                             validate_quote(rels[i]->name, q, sizeof q),
                             rels[j]->name,
                             validate_ipv4_format(rels[i]->address, a),
                             validate_ipv4_format(rels[i]->peer_address, c));
                goto out;
            }
        }
    }
    qsort(scopes, s->nscopes, sizeof *scopes, cmp_scope);
    for (i = 0; i + 1 < s->nscopes; i++) {
        if (cmp_scope(&scopes[i], &scopes[i + 1]) == 0) {
            err_set(e, rc, "scopes \"%s\" and \"%s\" are both subnet %s/%d",
                    validate_quote(scopes[i]->name, q, sizeof q),
                    scopes[i + 1]->name,
                    validate_ipv4_format(scopes[i]->network, a),
                    scopes[i]->prefix);
            goto out;
        }
    }

    if (group_superscopes(scopes, s->nscopes) < 0) {
        rc = err_set(e, ERR_NOMEM, "out of memory rendering dhcpd.conf");
        goto out;
    }

    /* header, global statements, OMAPI */
    textbuf_puts(&b, "# dhcpd.conf of DHCP server ");
    textbuf_puts(&b, s->name);
    textbuf_puts(&b, " (");
    textbuf_puts(&b, validate_ipv4_format(server_ip, a));
    textbuf_puts(&b,
                 ")\n"
                 "# Generated by micetro-emu from its database. Do not edit "
                 "this file by hand:\n"
                 "# it is replaced whole on every change.\n\n");
    if (s->statements != NULL && s->statements[0] != '\0') {
        textbuf_puts(&b, "# unmanaged global statements\n");
        textbuf_verbatim(&b, s->statements);
        textbuf_puts(&b, "\n");
    }
    if (s->omapi_port != 0) {
        textbuf_printf(&b,
                       "omapi-port %d;\n"
                       "key \"%s\" {\n"
                       "  algorithm hmac-md5;\n"
                       "  secret \"%s\";\n"
                       "}\n"
                       "omapi-key \"%s\";\n\n",
                       s->omapi_port, s->omapi_key_name, s->omapi_secret,
                       s->omapi_key_name);
    }
    for (i = 0; i < nrels; i++)
        put_relationship(&b, rels[i]);

    for (i = 0; i < s->nscopes; i++) {
        const struct render_scope *sc = scopes[i];
        const struct render_scope *prev = i > 0 ? scopes[i - 1] : NULL;
        const struct render_scope *next = i + 1 < s->nscopes ? scopes[i + 1]
                                                             : NULL;

        if (sc->superscope != NULL && !same_superscope(prev, sc))
            textbuf_printf(&b, "shared-network \"%s\" {\n", sc->superscope);
        for (j = 0; j < sc->npools; j++)
            pools[j] = &sc->pools[j];
        qsort(pools, sc->npools, sizeof *pools, cmp_pool);
        for (j = 0; j + 1 < sc->npools; j++) {
            if (pools[j]->to >= pools[j + 1]->from) {
                err_set(e, rc,
                        "scope \"%s\": pools starting at %s and %s "
                        "overlap",
                        validate_quote(sc->name, q, sizeof q),
                        validate_ipv4_format(pools[j]->from, a),
                        validate_ipv4_format(pools[j + 1]->from, c));
                goto out;
            }
        }
        put_scope(&b, sc,
                  sc->failover >= 0 ? &s->relationships[sc->failover] : NULL,
                  pools);
        if (sc->superscope != NULL && !same_superscope(sc, next)) {
            if (!b.failed && b.len >= 2 && b.p[b.len - 2] == '\n')
                b.len--; /* the scope's blank line: the block closes */
            textbuf_puts(&b, "}\n\n");
        }
    }
    /* no blank line at the very end */
    if (!b.failed && b.len >= 2 && b.p[b.len - 1] == '\n' &&
        b.p[b.len - 2] == '\n')
        b.p[--b.len] = '\0';
    if (b.failed) {
        rc = err_set(e, ERR_NOMEM, "out of memory rendering dhcpd.conf");
        goto out;
    }
    *out = b.p;
    if (len != NULL)
        *len = b.len;
    b.p = NULL;
    rc = 0;
out:
    free(b.p);
    free(scopes);
    free(rels);
    free(used);
    free(pools);
    return rc;
}
