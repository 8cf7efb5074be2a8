/* micetro-emu core: the import model of a dhcpd.conf (see confimport.h). */
#include "confimport.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflex.h"
#include "confparse.h"
#include "render.h"
#include "textbuf.h"
#include "validate.h"

/* Bytes of a file name in a message. */
#define FILE_SHOWN 64

struct importer {
    const struct confparse *conf;
    const struct confimport_options *opt;
    struct confimport *im;
    struct err *e;
    struct textbuf global;  /* the global statements */
    struct textbuf scratch; /* a pool's statements */
    struct textbuf subnet;  /* a subnet's */
    /* the ranges of the pool being read */
    const struct confparse_node **ranges;
    size_t nranges, cap_ranges;
    /* the shared-networks met, for names declared twice */
    const struct confparse_node **shared;
    size_t nshared, cap_shared;
    size_t pools; /* in all */
    size_t cap_scopes;
    /* the peers' nodes sorted by address, with their index in im->peers */
    struct bynode {
        const struct confparse_node *node;
        size_t index;
    } *bynode;
    unsigned char *seen; /* by index: declared before this point */
    size_t *refs;        /* by index: pools referring to it */
};

/* ---- messages -------------------------------------------------------- */

/* Bytes of a message that are not printable ASCII become '?': names and
 * files come from the input. */
static void printable(char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '?';
}

static int printable_err(struct err *e, int rc)
{
    if (e != NULL && rc < 0)
        printable(e->msg);
    return rc;
}

static int refuse(struct importer *im, const struct confparse_node *n,
                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int refuse(struct importer *im, const struct confparse_node *n,
                  const char *fmt, ...)
{
    char what[192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return printable_err(
        im->e, err_set(im->e, ERR_INVALID, "%.*s:%d: %s", FILE_SHOWN,
                       n->file != NULL ? n->file : "", n->line, what));
}

static int nomem(struct importer *im)
{
    return err_set(im->e, ERR_NOMEM, "out of memory importing dhcpd.conf");
}

/* arr (n elements of size bytes, room for *cap) with room for one more,
 * *cap doubled when needed; NULL (arr left as it is) when out of memory. */
static void *grow(struct importer *im, void *arr, size_t n, size_t *cap,
                  size_t size)
{
    size_t ncap;
    void *more;

    if (n < *cap)
        return arr;
    ncap = *cap ? *cap * 2 : 8;
    more = realloc(arr, ncap * size);
    if (more == NULL) {
        nomem(im);
        return NULL;
    }
    *cap = ncap;
    return more;
}

/* ---- peers by node ----------------------------------------------------- */

static int cmp_node(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)((const struct bynode *)x)->node;
    uintptr_t b = (uintptr_t)((const struct bynode *)y)->node;

    return (a > b) - (a < b);
}

/* The index in im->peers of the peer declared by node n, or -1. */
static long peer_index(const struct importer *im,
                       const struct confparse_node *n)
{
    struct bynode key = {n, 0};
    const struct bynode *hit;

    if (n == NULL || im->bynode == NULL)
        return -1;
    hit = bsearch(&key, im->bynode, im->im->npeers, sizeof *im->bynode,
                  cmp_node);
    return hit != NULL ? (long)hit->index : -1;
}

/* ---- peers ------------------------------------------------------------- */

static const char *const param_word[CONFPARSE_PARAMS] = {
    "port",
    "peer port",
    "max-response-delay",
    "max-unacked-updates",
    "mclt",
    "split",
    "load balance max seconds",
    "max-lease-misbalance",
    "max-lease-ownership",
    "max-balance",
    "min-balance",
    "auto-partner-down",
};

static int peer_problem(struct confimport_peer *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records the first problem only; -1 when out of memory. */
static int peer_problem(struct confimport_peer *p, const char *fmt, ...)
{
    char text[CONFIMPORT_TEXT_MAX];
    va_list ap;

    if (p->problem != NULL)
        return 0;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    printable(text);
    p->problem = strdup(text);
    return p->problem != NULL ? 0 : -1;
}

/* A parameter's value within lo..hi, or its default when absent. */
static int param(struct confimport_peer *p, const struct confparse_peer *cp,
                 enum confparse_param k, unsigned long lo, unsigned long hi,
                 int dflt, int *out)
{
    *out = dflt;
    if (!cp->value_line[k])
        return 0;
    if (cp->value[k] < lo || cp->value[k] > hi)
        return peer_problem(p, "%s %lu at line %d is outside %lu..%lu",
                            param_word[k], cp->value[k], cp->value_line[k], lo,
                            hi);
    *out = (int)cp->value[k];
    return 0;
}

static int address(struct confimport_peer *p, const struct confparse_addr *a,
                   const char *what, uint32_t *out)
{
    *out = 0;
    if (a->line == 0)
        return peer_problem(p, "no %s", what);
    if (!a->is_ipv4)
        return peer_problem(p,
                            "%s %s at line %d is a host name, not an "
                            "IPv4 address",
                            what, a->text, a->line);
    *out = a->ipv4;
    return 0;
}

static int read_peer(const struct confparse_node *n, struct confimport_peer *p)
{
    static const enum confparse_param unheld[] = {
        CONFPARSE_MAX_LEASE_MISBALANCE, CONFPARSE_MAX_LEASE_OWNERSHIP,
        CONFPARSE_MAX_BALANCE,          CONFPARSE_MIN_BALANCE,
        CONFPARSE_AUTO_PARTNER_DOWN,
    };
    const struct confparse_peer *cp = n->peer;
    int rc = 0, mclt;

    p->name = n->name;
    p->file = n->file;
    p->line = n->line;
    p->role = cp->role == CONFPARSE_ROLE_PRIMARY     ? FAILOVER_PRIMARY
              : cp->role == CONFPARSE_ROLE_SECONDARY ? FAILOVER_SECONDARY
                                                     : FAILOVER_NONE;
    p->split = cp->value_line[CONFPARSE_SPLIT] ? (int)cp->value[CONFPARSE_SPLIT]
                                               : -1;
    p->percentage = p->split >= 0 ? failover_percentage(p->split) : -1;
    if (p->role == FAILOVER_NONE)
        rc |= peer_problem(p, "neither primary nor secondary");
    rc |= address(p, &cp->address, "address", &p->address);
    rc |= address(p, &cp->peer_address, "peer address", &p->peer_address);
    rc |= param(p, cp, CONFPARSE_PORT, FAILOVER_PORT_MIN, FAILOVER_PORT_MAX,
                FAILOVER_DEFAULT_PORT, &p->port);
    rc |= param(p, cp, CONFPARSE_PEER_PORT, FAILOVER_PORT_MIN,
                FAILOVER_PORT_MAX, FAILOVER_DEFAULT_PORT, &p->peer_port);
    rc |= param(p, cp, CONFPARSE_MAX_RESPONSE_DELAY, FAILOVER_TIMING_MIN,
                FAILOVER_TIMING_MAX, FAILOVER_DEFAULT_MAX_RESPONSE_DELAY,
                &p->max_response_delay);
    rc |= param(p, cp, CONFPARSE_MAX_UNACKED_UPDATES, FAILOVER_TIMING_MIN,
                FAILOVER_TIMING_MAX, FAILOVER_DEFAULT_MAX_UNACKED_UPDATES,
                &p->max_unacked_updates);
    rc |= param(p, cp, CONFPARSE_LOAD_BALANCE_MAX_SECONDS,
                FAILOVER_LB_MAX_SECONDS_MIN, FAILOVER_TIMING_MAX,
                CONFIMPORT_DEFAULT_LB_MAX_SECONDS,
                &p->load_balance_max_seconds);
    rc |= param(p, cp, CONFPARSE_MCLT, FAILOVER_MCLT_MIN, FAILOVER_MCLT_MAX, 0,
                &mclt);
    p->mclt = mclt;
    if (cp->hba_line)
        rc |= peer_problem(p, "hba at line %d", cp->hba_line);
    for (size_t i = 0; i < sizeof unheld / sizeof unheld[0]; i++) {
        if (cp->value_line[unheld[i]])
            rc |= peer_problem(p, "%s at line %d", param_word[unheld[i]],
                               cp->value_line[unheld[i]]);
    }
    if (p->role == FAILOVER_PRIMARY && !cp->value_line[CONFPARSE_MCLT])
        rc |= peer_problem(p, "a primary without mclt");
    if (p->role == FAILOVER_PRIMARY && p->split < 0)
        rc |= peer_problem(p, "a primary without split");
    if (p->role == FAILOVER_SECONDARY && p->split >= 0)
        rc |= peer_problem(p, "split at line %d on a secondary",
                           cp->value_line[CONFPARSE_SPLIT]);
    return rc;
}

/* Every peer declaration, in document order; a peer declared twice is
 * refused. */
static int collect_peers(struct importer *im)
{
    const struct confparse_node *n;
    struct confimport *out = im->im;
    size_t count = 0;

    for (n = confparse_walk(&im->conf->root); n != NULL; n = confparse_walk(n))
        if (n->kind == CONFPARSE_PEER)
            count++;
    if (count == 0)
        return 0;
    if (count > CONFIMPORT_PEERS_MAX)
        return err_set(im->e, ERR_INVALID,
                       "more than %d failover peers declared",
                       CONFIMPORT_PEERS_MAX);
    out->peers = calloc(count, sizeof *out->peers);
    im->bynode = calloc(count, sizeof *im->bynode);
    im->seen = calloc(count, 1);
    im->refs = calloc(count, sizeof *im->refs);
    if (out->peers == NULL || im->bynode == NULL || im->seen == NULL ||
        im->refs == NULL)
        return nomem(im);
    for (n = confparse_walk(&im->conf->root); n != NULL;
         n = confparse_walk(n)) {
        const struct confparse_node *first;

        if (n->kind != CONFPARSE_PEER)
            continue;
        first = confparse_peer(im->conf, n->name);
        if (first != n)
            return refuse(im, n,
                          "failover peer \"%s\" declared again (first at "
                          "line %d)",
                          n->name, first != NULL ? first->line : 0);
        if (read_peer(n, &out->peers[out->npeers]) < 0)
            return nomem(im);
        im->bynode[out->npeers].node = n;
        im->bynode[out->npeers].index = out->npeers;
        out->npeers++;
    }
    qsort(im->bynode, out->npeers, sizeof *im->bynode, cmp_node);
    return 0;
}

/* ---- verbatim text ------------------------------------------------------- */

/* 1 when s reads back as the dotted name it is (conflex_dotted): words
 * of letters, digits, '-' and '_', not starting with '_', joined by
 * single dots, a trailing dot allowed. */
static int is_dotted_name(const char *s)
{
    int start = 1;

    if (*s == '\0' || *s == '.')
        return 0;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '.') {
            if (start)
                return 0;
            start = 1;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || (c == '_' && !start)))
            return 0;
        start = 0;
    }
    return 1;
}

static void put_indent(struct textbuf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        textbuf_puts(b, "  ");
}

/* A name as a host's is written: bare when it reads back so (dhcpd wants
 * it so), else as a string with '"' and '\' escaped; a group's always as
 * a string (a group's name is one word or a string). */
static void put_name(struct textbuf *b, const char *s, int dotted)
{
    if (dotted && is_dotted_name(s)) {
        textbuf_puts(b, s);
        return;
    }
    textbuf_puts(b, "\"");
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            textbuf_puts(b, "\\");
        textbuf_put(b, s, 1);
    }
    textbuf_puts(b, "\"");
}

static int put_children(struct importer *im, struct textbuf *b,
                        const struct confparse_node *parent, int depth);

/* A host or group block written back from its children. */
static int put_block(struct importer *im, struct textbuf *b,
                     const struct confparse_node *n, int depth)
{
    int rc;

    put_indent(b, depth);
    textbuf_puts(b, n->kind == CONFPARSE_HOST ? "host " : "group ");
    if (n->name != NULL) {
        put_name(b, n->name, n->kind == CONFPARSE_HOST);
        textbuf_puts(b, " ");
    }
    textbuf_puts(b, "{\n");
    rc = put_children(im, b, n, depth + 1);
    put_indent(b, depth);
    textbuf_puts(b, "}\n");
    return rc;
}

/* The children of a host or group (includes read in place): kept
 * statements, hosts, groups; anything else is refused. */
static int put_children(struct importer *im, struct textbuf *b,
                        const struct confparse_node *parent, int depth)
{
    for (const struct confparse_node *c = parent->first; c != NULL;
         c = c->next) {
        int rc = 0;

        switch (c->kind) {
        case CONFPARSE_OTHER:
            put_indent(b, depth);
            textbuf_put(b, c->text, c->len);
            textbuf_puts(b, "\n");
            break;
        case CONFPARSE_INCLUDE:
            rc = put_children(im, b, c, depth);
            break;
        case CONFPARSE_HOST:
        case CONFPARSE_GROUP:
            rc = put_block(im, b, c, depth);
            break;
        default:
            rc = refuse(
                im, c, "%s inside %s is not modelled",
                confparse_kind_name(c->kind),
                confparse_kind_name(confparse_up(c, CONFPARSE_GROUP) != NULL
                                        ? CONFPARSE_GROUP
                                        : parent->kind));
            break;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* b's text as a block's statements (NULL when empty), checked as the
 * renderer checks them; b is emptied. */
static int take_statements(struct importer *im, struct textbuf *b,
                           const struct confparse_node *block, const char *what,
                           char **out)
{
    struct err inner;

    *out = NULL;
    if (b->failed)
        return nomem(im);
    if (b->len == 0)
        return 0;
    if (b->len > RENDER_STATEMENTS_MAX)
        return refuse(im, block,
                      "the statements of %s are longer than %d bytes", what,
                      RENDER_STATEMENTS_MAX);
    if (render_check_statements_len(b->p, b->len, &inner) < 0)
        return refuse(im, block, "the statements of %s: %s", what, inner.msg);
    *out = malloc(b->len + 1);
    if (*out == NULL)
        return nomem(im);
    memcpy(*out, b->p, b->len + 1);
    b->len = 0;
    b->p[0] = '\0';
    return 0;
}

/* ---- the agent's OMAPI statements ---------------------------------------- */

/* 1 when the kept statement text is one the renderer writes itself
 * (omapi-port's value noted as the server's OMAPI port). */
static int is_omapi(struct importer *im, const char *text, size_t len)
{
    const char *key = im->opt != NULL ? im->opt->omapi_key_name : NULL;
    struct conflex lx;
    struct conflex_tok t, u;
    char name[CONFLEX_TOKEN_MAX + 1];
    int is_key;

    conflex_init(&lx, text, len, 0);
    if (conflex_next(&lx, &t, NULL) < 0)
        return 0;
    if (conflex_is(&t, "omapi-port")) { /* the server's omapiPort */
        if (conflex_next(&lx, &u, NULL) >= 0 && u.kind == CONFLEX_NUMBER &&
            u.len <= 5) {
            long v = strtol(u.text, NULL, 10);
            if (v >= 1 && v <= 65535)
                im->im->omapi_port = (int)v;
        }
        return 1;
    }
    /* the renderer writes the one omapi-key dhcpd takes: the agent's */
    if (conflex_is(&t, "omapi-key"))
        return 1;
    is_key = conflex_is(&t, "key");
    if (key == NULL || !is_key)
        return 0;
    if (conflex_next(&lx, &u, NULL) < 0)
        return 0;
    if (u.kind == CONFLEX_STRING) {
        if (u.len >= sizeof name)
            return 0;
        memcpy(name, u.text, u.len + 1);
    } else if (conflex_dotted(&lx, &u, name, sizeof name, NULL) < 0) {
        return 0;
    }
    if (strcmp(name, key) != 0)
        return 0;
    if (conflex_next(&lx, &u, NULL) < 0)
        return 0;
    return conflex_punct(&u, is_key ? '{' : ';');
}

/* ---- scopes -------------------------------------------------------------- */

static int prefix_of(uint32_t mask)
{
    int n = 0;

    while (n < 32 && (mask & (0x80000000u >> n)) != 0)
        n++;
    return validate_cidr_mask(n) == mask ? n : -1;
}

static int add_pool(struct importer *im, struct confimport_scope *sc,
                    size_t *cap, const struct confparse_node *range,
                    const char *peer, const char *statements)
{
    char a[VALIDATE_IPV4_BUF], b[VALIDATE_IPV4_BUF];
    struct confimport_pool *p;
    struct err inner;

    if (range->dynamic_bootp)
        return refuse(im, range, "range dynamic-bootp is not modelled");
    if (validate_range_in_cidr(range->low, range->high, sc->network, sc->prefix,
                               VALIDATE_RANGE_POOL, &inner) < 0)
        return refuse(im, range, "range %s %s: %s",
                      validate_ipv4_format(range->low, a),
                      validate_ipv4_format(range->high, b), inner.msg);
    if (sc->npools >= CONFIMPORT_SCOPE_POOLS_MAX)
        return refuse(im, range, "more than %d ranges in one subnet",
                      CONFIMPORT_SCOPE_POOLS_MAX);
    if (im->pools >= CONFIMPORT_POOLS_MAX)
        return refuse(im, range, "more than %d ranges in all",
                      CONFIMPORT_POOLS_MAX);
    p = grow(im, sc->pools, sc->npools, cap, sizeof *sc->pools);
    if (p == NULL)
        return ERR_NOMEM;
    sc->pools = p;
    p = &sc->pools[sc->npools];
    memset(p, 0, sizeof *p);
    p->from = range->low;
    p->to = range->high;
    p->peer = peer;
    p->file = range->file;
    p->line = range->line;
    if (statements != NULL) {
        p->statements = strdup(statements);
        if (p->statements == NULL)
            return nomem(im);
    }
    sc->npools++;
    im->pools++;
    return 0;
}

/* The pool's statements into im->scratch, its peer and ranges (includes
 * read in place). */
static int scan_pool(struct importer *im, const struct confparse_node *parent,
                     const char **peer)
{
    for (const struct confparse_node *c = parent->first; c != NULL;
         c = c->next) {
        const struct confparse_node **more;
        int rc = 0;
        long i;

        switch (c->kind) {
        case CONFPARSE_OTHER:
            textbuf_put(&im->scratch, c->text, c->len);
            textbuf_puts(&im->scratch, "\n");
            break;
        case CONFPARSE_INCLUDE:
            rc = scan_pool(im, c, peer);
            break;
        case CONFPARSE_PEER_REF:
            i = peer_index(im, confparse_peer(im->conf, c->name));
            if (i < 0)
                return refuse(im, c, "failover peer \"%s\" is not declared",
                              c->name);
            if (!im->seen[i])
                return refuse(im, c,
                              "failover peer \"%s\" is declared after the "
                              "pool that refers to it",
                              c->name);
            *peer = im->im->peers[i].name;
            im->refs[i]++;
            break;
        case CONFPARSE_RANGE:
            if (im->nranges >= CONFIMPORT_SCOPE_POOLS_MAX)
                return refuse(im, c, "more than %d ranges in one pool",
                              CONFIMPORT_SCOPE_POOLS_MAX);
            more = grow(im, (void *)im->ranges, im->nranges, &im->cap_ranges,
                        sizeof *im->ranges);
            if (more == NULL)
                return ERR_NOMEM;
            im->ranges = more;
            im->ranges[im->nranges++] = c;
            break;
        default:
            rc = refuse(im, c, "%s inside a pool is not modelled",
                        confparse_kind_name(c->kind));
            break;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int add_pools(struct importer *im, struct confimport_scope *sc,
                     size_t *cap, const struct confparse_node *pool)
{
    const char *peer = NULL;
    char *statements = NULL;
    int rc;

    im->scratch.len = 0;
    im->nranges = 0;
    rc = scan_pool(im, pool, &peer);
    if (rc == 0)
        rc = take_statements(im, &im->scratch, pool, "a pool", &statements);
    if (rc == 0 && im->nranges == 0)
        rc = refuse(im, pool, "a pool without a range");
    for (size_t i = 0; rc == 0 && i < im->nranges; i++)
        rc = add_pool(im, sc, cap, im->ranges[i], peer, statements);
    free(statements);
    return rc;
}

/* The subnet's statements into b, its pools into sc. */
static int scan_subnet(struct importer *im, struct textbuf *b,
                       struct confimport_scope *sc, size_t *cap,
                       const struct confparse_node *parent)
{
    for (const struct confparse_node *c = parent->first; c != NULL;
         c = c->next) {
        int rc = 0;

        switch (c->kind) {
        case CONFPARSE_OTHER:
            textbuf_put(b, c->text, c->len);
            textbuf_puts(b, "\n");
            break;
        case CONFPARSE_INCLUDE:
            rc = scan_subnet(im, b, sc, cap, c);
            break;
        case CONFPARSE_HOST:
        case CONFPARSE_GROUP:
            rc = put_block(im, b, c, 0);
            break;
        case CONFPARSE_POOL:
            rc = add_pools(im, sc, cap, c);
            break;
        case CONFPARSE_RANGE:
            rc = add_pool(im, sc, cap, c, NULL, NULL);
            break;
        default:
            rc = refuse(im, c, "%s inside a subnet is not modelled",
                        confparse_kind_name(c->kind));
            break;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int cmp_pool(const void *x, const void *y)
{
    const struct confimport_pool *a = *(const struct confimport_pool *const *)x;
    const struct confimport_pool *b = *(const struct confimport_pool *const *)y;

    return (a->from > b->from) - (a->from < b->from);
}

/* Pools of one scope must not overlap (dhcpd and the renderer refuse). */
static int check_overlap(struct importer *im, const struct confimport_scope *sc,
                         const struct confparse_node *subnet)
{
    const struct confimport_pool **p;
    char a[VALIDATE_IPV4_BUF];
    int rc = 0;

    if (sc->npools < 2)
        return 0;
    p = malloc(sc->npools * sizeof *p);
    if (p == NULL)
        return nomem(im);
    for (size_t i = 0; i < sc->npools; i++)
        p[i] = &sc->pools[i];
    qsort(p, sc->npools, sizeof *p, cmp_pool);
    for (size_t i = 0; i + 1 < sc->npools; i++) {
        if (p[i]->to >= p[i + 1]->from) {
            rc = refuse(im, subnet, "ranges at lines %d and %d overlap (at %s)",
                        p[i]->line, p[i + 1]->line,
                        validate_ipv4_format(p[i + 1]->from, a));
            break;
        }
    }
    free(p);
    return rc;
}

/* Two peer names (NULL: none) are the same. */
static int same_peer(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static int first_pool_rule(struct importer *im, struct confimport_scope *sc)
{
    char text[CONFIMPORT_TEXT_MAX];

    if (sc->npools == 0)
        return 0;
    sc->peer = sc->pools[0].peer;
    for (size_t i = 1; i < sc->npools; i++) {
        const struct confimport_pool *p = &sc->pools[i];

        if (same_peer(p->peer, sc->peer))
            continue;
        snprintf(text, sizeof text,
                 "the range at line %d has %s%s%s, the first pool's (line "
                 "%d) %s%s%s is the scope's",
                 p->line, p->peer ? "failover peer \"" : "no failover peer",
                 p->peer ? p->peer : "", p->peer ? "\"" : "", sc->pools[0].line,
                 sc->peer ? "failover peer \"" : "no failover peer",
                 sc->peer ? sc->peer : "", sc->peer ? "\"" : "");
        printable(text);
        sc->note = strdup(text);
        return sc->note != NULL ? 0 : nomem(im);
    }
    return 0;
}

static int add_scope(struct importer *im, const struct confparse_node *n)
{
    struct confimport *out = im->im;
    struct confimport_scope *sc;
    char a[VALIDATE_IPV4_BUF], m[VALIDATE_IPV4_BUF];
    size_t cap = 0;
    int prefix = prefix_of(n->mask), rc;

    if (prefix < 0)
        return refuse(im, n, "netmask %s is not contiguous",
                      validate_ipv4_format(n->mask, m));
    if ((n->net & ~n->mask) != 0)
        return refuse(im, n, "subnet %s has bits outside netmask %s",
                      validate_ipv4_format(n->net, a),
                      validate_ipv4_format(n->mask, m));
    if (out->nscopes >= CONFIMPORT_SCOPES_MAX)
        return refuse(im, n, "more than %d subnets", CONFIMPORT_SCOPES_MAX);
    sc = grow(im, out->scopes, out->nscopes, &im->cap_scopes,
              sizeof *out->scopes);
    if (sc == NULL)
        return ERR_NOMEM;
    out->scopes = sc;
    sc = &out->scopes[out->nscopes++];
    memset(sc, 0, sizeof *sc);
    sc->network = n->net;
    sc->prefix = prefix;
    sc->file = n->file;
    sc->line = n->line;
    /* the subnet's statements go to a buffer of their own: a pool's use
     * the scratch one meanwhile */
    im->subnet.len = 0;
    rc = scan_subnet(im, &im->subnet, sc, &cap, n);
    if (rc == 0)
        rc = take_statements(im, &im->subnet, n, "a subnet", &sc->statements);
    if (rc == 0)
        rc = check_overlap(im, sc, n);
    if (rc == 0)
        rc = first_pool_rule(im, sc);
    return rc;
}

/* ---- shared-networks ---------------------------------------------------- */

/* A shared-network's name as the renderer writes a superscope's. */
static int check_shared_name(struct importer *im,
                             const struct confparse_node *n)
{
    size_t len = strlen(n->name);

    if (len == 0 || len > RENDER_NAME_MAX)
        return refuse(im, n,
                      "the name of a shared-network must be 1 to %d "
                      "bytes",
                      RENDER_NAME_MAX);
    for (const char *p = n->name; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '{' ||
            c == '}')
            return refuse(im, n,
                          "shared-network \"%s\": a name with a quote, "
                          "backslash, brace or control character is not "
                          "modelled",
                          n->name);
    }
    return 0;
}

/* The subnets of shared-network top (includes read in place) become
 * scopes of its superscope; anything else in it is refused. */
static int scan_shared(struct importer *im, const struct confparse_node *top,
                       const struct confparse_node *parent, size_t *nsubnets)
{
    for (const struct confparse_node *c = parent->first; c != NULL;
         c = c->next) {
        int rc = 0;
        long i;

        switch (c->kind) {
        case CONFPARSE_SUBNET:
            rc = add_scope(im, c);
            if (rc == 0) {
                im->im->scopes[im->im->nscopes - 1].superscope = top->name;
                (*nsubnets)++;
            }
            break;
        case CONFPARSE_INCLUDE:
            rc = scan_shared(im, top, c, nsubnets);
            break;
        case CONFPARSE_PEER:
            i = peer_index(im, c);
            if (i >= 0 && im->seen != NULL)
                im->seen[i] = 1;
            break;
        case CONFPARSE_POOL:
            rc = refuse(im, c,
                        "a pool straight in shared-network \"%s\" is not "
                        "modelled",
                        top->name);
            break;
        default:
            rc = refuse(im, c,
                        "%s in shared-network \"%s\" is not modelled (only "
                        "its subnets are)",
                        confparse_kind_name(c->kind), top->name);
            break;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int add_shared(struct importer *im, const struct confparse_node *n)
{
    const struct confparse_node **more;
    size_t nsubnets = 0;
    int rc = check_shared_name(im, n);

    if (rc < 0)
        return rc;
    more = grow(im, (void *)im->shared, im->nshared, &im->cap_shared,
                sizeof *im->shared);
    if (more == NULL)
        return ERR_NOMEM;
    im->shared = more;
    im->shared[im->nshared++] = n;
    rc = scan_shared(im, n, n, &nsubnets);
    if (rc == 0 && nsubnets == 0)
        rc = refuse(im, n, "shared-network \"%s\" has no subnet", n->name);
    return rc;
}

static int cmp_shared(const void *x, const void *y)
{
    const struct confparse_node *a = *(const struct confparse_node *const *)x;
    const struct confparse_node *b = *(const struct confparse_node *const *)y;
    int c = strcmp(a->name, b->name);

    if (c != 0)
        return c;
    return (uintptr_t)a<(uintptr_t)b ? -1 : (uintptr_t)a>(uintptr_t) b;
}

/* One superscope per name: a shared-network declared twice is refused. */
static int check_shared(struct importer *im)
{
    if (im->nshared < 2)
        return 0;
    qsort(im->shared, im->nshared, sizeof *im->shared, cmp_shared);
    for (size_t i = 0; i + 1 < im->nshared; i++) {
        const struct confparse_node *a = im->shared[i], *b = im->shared[i + 1];

        if (strcmp(a->name, b->name) == 0)
            return refuse(im, b->line > a->line ? b : a,
                          "shared-network \"%s\" declared again (also at "
                          "%.*s:%d)",
                          a->name, FILE_SHOWN,
                          (b->line > a->line ? a : b)->file,
                          (b->line > a->line ? a : b)->line);
    }
    return 0;
}

/* ---- the top level ------------------------------------------------------- */

static int scan_top(struct importer *im, const struct confparse_node *parent)
{
    for (const struct confparse_node *c = parent->first; c != NULL;
         c = c->next) {
        int rc = 0;

        switch (c->kind) {
        case CONFPARSE_OTHER:
            if (!is_omapi(im, c->text, c->len)) {
                textbuf_put(&im->global, c->text, c->len);
                textbuf_puts(&im->global, "\n");
            }
            break;
        case CONFPARSE_INCLUDE:
            rc = scan_top(im, c);
            break;
        case CONFPARSE_PEER: {
            long i = peer_index(im, c);

            if (i >= 0 && im->seen != NULL)
                im->seen[i] = 1;
            break;
        }
        case CONFPARSE_SUBNET:
            rc = add_scope(im, c);
            break;
        case CONFPARSE_HOST:
        case CONFPARSE_GROUP:
            rc = put_block(im, &im->global, c, 0);
            break;
        case CONFPARSE_SHARED:
            rc = add_shared(im, c);
            break;
        default:
            rc = refuse(im, c, "%s at the top level is not modelled",
                        confparse_kind_name(c->kind));
            break;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int cmp_scope(const void *x, const void *y)
{
    const struct confimport_scope *a = *(
        const struct confimport_scope *const *)x;
    const struct confimport_scope *b = *(
        const struct confimport_scope *const *)y;

    if (a->network != b->network)
        return a->network < b->network ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

static int check_networks(struct importer *im)
{
    const struct confimport *out = im->im;
    const struct confimport_scope **s;
    char a[VALIDATE_IPV4_BUF];
    int rc = 0;

    if (out->nscopes < 2)
        return 0;
    s = malloc(out->nscopes * sizeof *s);
    if (s == NULL)
        return nomem(im);
    for (size_t i = 0; i < out->nscopes; i++)
        s[i] = &out->scopes[i];
    qsort(s, out->nscopes, sizeof *s, cmp_scope);
    for (size_t i = 0; i + 1 < out->nscopes; i++) {
        if (s[i]->network == s[i + 1]->network) {
            rc = err_set(im->e, ERR_INVALID,
                         "%.*s:%d: subnet %s declared again (first at %.*s:%d)",
                         FILE_SHOWN, s[i + 1]->file, s[i + 1]->line,
                         validate_ipv4_format(s[i]->network, a), FILE_SHOWN,
                         s[i]->file, s[i]->line);
            break;
        }
    }
    free(s);
    return rc;
}

int confimport_import(const struct confparse *conf,
                      const struct confimport_options *opt,
                      struct confimport **out, struct err *e)
{
    struct importer im;
    int rc;

    if (out == NULL || conf == NULL)
        return err_set(e, ERR_INTERNAL, "confimport_import: no input");
    *out = NULL;
    memset(&im, 0, sizeof im);
    im.conf = conf;
    im.opt = opt;
    im.e = e;
    im.im = calloc(1, sizeof *im.im);
    if (im.im == NULL)
        return nomem(&im);
    im.im->conf = conf;
    rc = collect_peers(&im);
    if (rc == 0)
        rc = scan_top(&im, &conf->root);
    if (rc == 0)
        rc = printable_err(e, check_networks(&im));
    if (rc == 0)
        rc = check_shared(&im);
    if (rc == 0)
        rc = take_statements(&im, &im.global, &conf->root, "the top level",
                             &im.im->statements);
    for (size_t i = 0; rc == 0 && i < im.im->npeers; i++) {
        if (im.refs[i] == 0 &&
            peer_problem(&im.im->peers[i], "no pool refers to it") < 0)
            rc = nomem(&im);
    }
    free(im.global.p);
    free(im.scratch.p);
    free(im.subnet.p);
    free(im.ranges);
    free(im.shared);
    free(im.bynode);
    free(im.seen);
    free(im.refs);
    if (rc < 0) {
        confimport_free(im.im);
        return rc;
    }
    *out = im.im;
    return 0;
}

void confimport_free(struct confimport *im)
{
    if (im == NULL)
        return;
    for (size_t i = 0; i < im->nscopes; i++) {
        struct confimport_scope *sc = &im->scopes[i];

        for (size_t j = 0; j < sc->npools; j++)
            free(sc->pools[j].statements);
        free(sc->pools);
        free(sc->statements);
        free(sc->note);
    }
    for (size_t i = 0; i < im->npeers; i++)
        free(im->peers[i].problem);
    free(im->scopes);
    free(im->peers);
    free(im->statements);
    free(im);
}

const struct confimport_peer *confimport_peer(const struct confimport *im,
                                              const char *name)
{
    if (im == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < im->npeers; i++)
        if (strcmp(im->peers[i].name, name) == 0)
            return &im->peers[i];
    return NULL;
}

/* ---- matching ------------------------------------------------------------ */

static int differ(const char *what, long long x, long long y,
                  const struct confimport_side *a,
                  const struct confimport_side *b, struct err *e)
{
    if (x == y)
        return 0;
    return err_set(e, ERR_CONFLICT,
                   "failover peer \"%s\": %s is %lld on %s and %lld on %s",
                   a->peer->name, what, x, a->server, y, b->server);
}

static const char *role_word(enum failover_role r)
{
    return r == FAILOVER_PRIMARY     ? "primary"
           : r == FAILOVER_SECONDARY ? "secondary"
                                     : "neither primary nor secondary";
}

static int own_address(const struct confimport_side *s, struct err *e)
{
    char a[VALIDATE_IPV4_BUF], b[VALIDATE_IPV4_BUF];

    if (s->peer->address == s->address)
        return 0;
    return err_set(e, ERR_CONFLICT,
                   "failover peer \"%s\" on %s has address %s, not the "
                   "server's address %s",
                   s->peer->name, s->server,
                   validate_ipv4_format(s->peer->address, a),
                   validate_ipv4_format(s->address, b));
}

static int crossed_address(const struct confimport_side *s,
                           const struct confimport_side *t, struct err *e)
{
    char a[VALIDATE_IPV4_BUF], b[VALIDATE_IPV4_BUF];

    if (s->peer->peer_address == t->address)
        return 0;
    return err_set(e, ERR_CONFLICT,
                   "failover peer \"%s\" on %s has peer address %s, not the "
                   "address %s of %s",
                   s->peer->name, s->server,
                   validate_ipv4_format(s->peer->peer_address, a),
                   validate_ipv4_format(t->address, b), t->server);
}

static int match(const struct confimport_side *a,
                 const struct confimport_side *b,
                 struct confimport_relationship *out, struct err *e)
{
    const struct confimport_peer *p, *q, *pri;
    int rc;

    if (a == NULL || b == NULL || a->peer == NULL || b->peer == NULL ||
        out == NULL || a->server == NULL || b->server == NULL)
        return err_set(e, ERR_INTERNAL, "confimport_match: no input");
    p = a->peer;
    q = b->peer;
    memset(out, 0, sizeof *out);
    if (strcmp(p->name, q->name) != 0)
        return err_set(e, ERR_CONFLICT,
                       "failover peer \"%s\" on %s is not peer \"%s\" on %s",
                       p->name, a->server, q->name, b->server);
    if (p->problem != NULL || q->problem != NULL)
        return err_set(e, ERR_CONFLICT, "failover peer \"%s\" on %s: %s",
                       p->name, p->problem ? a->server : b->server,
                       p->problem ? p->problem : q->problem);
    if (p->role == q->role || p->role == FAILOVER_NONE ||
        q->role == FAILOVER_NONE)
        return err_set(e, ERR_CONFLICT,
                       "failover peer \"%s\" is %s on %s and %s on %s: the "
                       "roles are not opposite",
                       p->name, role_word(p->role), a->server,
                       role_word(q->role), b->server);
    if ((rc = own_address(a, e)) < 0 || (rc = own_address(b, e)) < 0 ||
        (rc = crossed_address(a, b, e)) < 0 ||
        (rc = crossed_address(b, a, e)) < 0)
        return rc;
    if (p->port != q->peer_port || p->peer_port != q->port)
        return err_set(e, ERR_CONFLICT,
                       "failover peer \"%s\": port %d and peer port %d on %s, "
                       "port %d and peer port %d on %s: the ports are not "
                       "crossed",
                       p->name, p->port, p->peer_port, a->server, q->port,
                       q->peer_port, b->server);
    if ((rc = differ("max-response-delay", p->max_response_delay,
                     q->max_response_delay, a, b, e)) < 0 ||
        (rc = differ("max-unacked-updates", p->max_unacked_updates,
                     q->max_unacked_updates, a, b, e)) < 0 ||
        (rc = differ("load balance max seconds", p->load_balance_max_seconds,
                     q->load_balance_max_seconds, a, b, e)) < 0)
        return rc;
    /* mclt: the primary's; a secondary may repeat it, the same */
    if (p->mclt != 0 && q->mclt != 0 &&
        (rc = differ("mclt", p->mclt, q->mclt, a, b, e)) < 0)
        return rc;
    out->primary = p->role == FAILOVER_PRIMARY ? 0 : 1;
    pri = out->primary == 0 ? p : q;
    out->name = p->name;
    out->mclt = pri->mclt;
    out->percentage = pri->percentage;
    out->port = pri->port;
    out->peer_port = pri->peer_port;
    out->max_response_delay = p->max_response_delay;
    out->max_unacked_updates = p->max_unacked_updates;
    out->load_balance_max_seconds = p->load_balance_max_seconds;
    return 0;
}

int confimport_match(const struct confimport_side *a,
                     const struct confimport_side *b,
                     struct confimport_relationship *out, struct err *e)
{
    return printable_err(e, match(a, b, out, e));
}
