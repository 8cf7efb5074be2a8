/* Fuzz target: the dhcpd.conf parser (server/core/confparse.c) on a main
 * file and its includes.  The input is split at NUL bytes into up to 8
 * files: the first is the main file, `include "N"` gives the Nth (N a
 * digit 1..7), any other name is missing.  A parse gives a tree whose
 * walk meets exactly conf->nodes nodes, each in a file, at a line, under
 * a parent allowed to hold it, a verbatim statement being a non-empty
 * text that ends in ';' or '}', every name without a NUL, every peer
 * found by its name; a refusal leaves no tree and says where and why in
 * printable ASCII.
 *
 * A tree is then imported (core/confimport.c): a refusal says FILE:LINE
 * in printable ASCII; an import keeps its promises (each pool inside its
 * subnet, each scope's peer its first pool's, each peer named by a pool
 * declared, every block's statements passing the render check) and
 * renders one-sided (no relationships) without a refusal, into a file
 * that parses and imports again into as many scopes and pools. */
#include "confimport.h"
#include "confparse.h"
#include "err.h"
#include "fuzz.h"
#include "render.h"
#include "validate.h"

#define FILES 8

struct input {
    const char *text[FILES];
    size_t len[FILES];
    size_t n;
};

static int include(void *ctx, const char *name, const char **text, size_t *len)
{
    const struct input *in = ctx;
    size_t k;

    if (name[0] < '1' || name[0] > '7' || name[1] != '\0')
        return -1;
    k = (size_t)(name[0] - '0');
    if (k >= in->n)
        return -1;
    *text = in->text[k];
    *len = in->len[k];
    return 0;
}

/* Where a node's kind may stand (the block it is in, includes looked
 * through), as the header promises. */
static int placed(const struct confparse_node *n)
{
    const struct confparse_node *u = n->parent;
    enum confparse_kind c;

    while (u->kind == CONFPARSE_INCLUDE)
        u = u->parent;
    c = u->kind;
    switch (n->kind) {
    case CONFPARSE_PEER:
        return c == CONFPARSE_ROOT || c == CONFPARSE_SHARED;
    case CONFPARSE_PEER_REF:
        return c == CONFPARSE_POOL || c == CONFPARSE_SHARED;
    case CONFPARSE_RANGE:
        return c == CONFPARSE_SUBNET || c == CONFPARSE_POOL;
    case CONFPARSE_POOL:
        return c == CONFPARSE_SUBNET || c == CONFPARSE_SHARED;
    case CONFPARSE_SUBNET:
        return c == CONFPARSE_ROOT || c == CONFPARSE_GROUP ||
               c == CONFPARSE_SHARED;
    case CONFPARSE_SHARED:
        return c == CONFPARSE_ROOT || c == CONFPARSE_GROUP;
    case CONFPARSE_HOST:
    case CONFPARSE_GROUP:
        return c == CONFPARSE_ROOT || c == CONFPARSE_GROUP ||
               c == CONFPARSE_SHARED || c == CONFPARSE_SUBNET;
    case CONFPARSE_OTHER:
    case CONFPARSE_INCLUDE:
        return c != CONFPARSE_PEER && c != CONFPARSE_OTHER &&
               c != CONFPARSE_RANGE && c != CONFPARSE_PEER_REF;
    case CONFPARSE_ROOT:
        break;
    }
    return 0;
}

static void check_tree(const struct confparse *c)
{
    const struct confparse_node *n;
    size_t count = 0;

    for (n = confparse_walk(&c->root); n != NULL; n = confparse_walk(n)) {
        count++;
        FUZZ_CHECK(count <= c->nodes);
        FUZZ_CHECK(n->file != NULL && n->line >= 1 && placed(n));
        switch (n->kind) {
        case CONFPARSE_OTHER:
            FUZZ_CHECK(n->text != NULL && n->len > 0 &&
                       strlen(n->text) == n->len && n->first == NULL);
            FUZZ_CHECK(n->text[n->len - 1] == ';' ||
                       n->text[n->len - 1] == '}');
            break;
        case CONFPARSE_PEER:
            FUZZ_CHECK(n->peer != NULL && n->name != NULL);
            FUZZ_CHECK(n->peer->value[CONFPARSE_SPLIT] <= 256 &&
                       n->peer->value[CONFPARSE_PORT] <= 65535);
            FUZZ_CHECK(confparse_peer(c, n->name) != NULL &&
                       strcmp(confparse_peer(c, n->name)->name, n->name) == 0);
            break;
        case CONFPARSE_PEER_REF:
        case CONFPARSE_SHARED:
        case CONFPARSE_HOST:
        case CONFPARSE_INCLUDE:
            FUZZ_CHECK(n->name != NULL &&
                       strlen(n->name) <= CONFPARSE_NAME_MAX);
            break;
        default:
            break;
        }
    }
    FUZZ_CHECK(count == c->nodes);
}

/* The import rendered one-sided: how many pools in all, or -1. */
static long render_again(const struct confimport *im)
{
    struct render_scope *sc = calloc(im->nscopes + 1, sizeof *sc);
    struct render_pool *po;
    struct render_server s;
    struct confparse *c = NULL;
    struct confimport *again = NULL;
    struct confparse_err pe;
    struct err e;
    size_t npools = 0, k = 0, len = 0;
    char *text = NULL;
    long total = -1;

    for (size_t i = 0; i < im->nscopes; i++)
        npools += im->scopes[i].npools;
    po = calloc(npools + 1, sizeof *po);
    if (sc == NULL || po == NULL)
        abort();
    for (size_t i = 0; i < im->nscopes; i++) {
        const struct confimport_scope *x = &im->scopes[i];

        sc[i] = (struct render_scope){x->network, x->prefix, "s",
                                      1,          -1,        x->statements,
                                      &po[k],     x->npools, x->superscope};
        for (size_t j = 0; j < x->npools; j++, k++)
            po[k] = (struct render_pool){x->pools[j].from, x->pools[j].to,
                                         x->pools[j].statements};
    }
    memset(&s, 0, sizeof s);
    s.name = "fuzz.example.";
    s.address = "192.0.2.1";
    s.statements = im->statements;
    s.scopes = sc;
    s.nscopes = im->nscopes;
    FUZZ_CHECK(render_config(&s, &text, &len, &e) == 0);
    if (confparse_parse(text, len, "rendered", NULL, NULL, &c, &pe) == 0 &&
        confimport_import(c, NULL, &again, &e) == 0 &&
        again->nscopes == im->nscopes) {
        total = 0;
        for (size_t i = 0; i < again->nscopes; i++)
            total += (long)again->scopes[i].npools;
    }
    confimport_free(again);
    confparse_free(c);
    free(text);
    free(sc);
    free(po);
    return total;
}

static void check_import(const struct confparse *c)
{
    struct confimport_options opt = {"k"};
    struct confimport *im = NULL;
    struct err e;
    size_t npools = 0;
    int rc = confimport_import(c, &opt, &im, &e);

    if (rc != 0) {
        FUZZ_CHECK(rc == ERR_INVALID && im == NULL);
        FUZZ_CHECK(fuzz_printable(e.msg) && strchr(e.msg, ':') != NULL);
        return;
    }
    FUZZ_CHECK(render_check_statements(im->statements, &e) == 0);
    for (size_t i = 0; i < im->nscopes; i++) {
        const struct confimport_scope *sc = &im->scopes[i];

        FUZZ_CHECK(render_check_statements(sc->statements, &e) == 0);
        FUZZ_CHECK(sc->npools == 0 || sc->peer == sc->pools[0].peer);
        for (size_t j = 0; j < sc->npools; j++) {
            const struct confimport_pool *p = &sc->pools[j];

            FUZZ_CHECK(p->from <= p->to &&
                       validate_cidr_first(sc->network, sc->prefix) <=
                           p->from &&
                       p->to <= validate_cidr_last(sc->network, sc->prefix));
            FUZZ_CHECK(p->peer == NULL || confimport_peer(im, p->peer) != NULL);
            FUZZ_CHECK(render_check_statements(p->statements, &e) == 0);
        }
        npools += sc->npools;
    }
    FUZZ_CHECK(render_again(im) == (long)npools);
    confimport_free(im);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {{NULL}, {0}, 0};
    struct confparse *c = (struct confparse *)&in;
    struct confparse_err err;
    size_t start = 0;
    int rc;

    for (size_t i = 0; i <= size && in.n < FILES; i++)
        if (i == size || data[i] == 0) {
            in.text[in.n] = (const char *)data + start;
            in.len[in.n] = i - start;
            in.n++;
            start = i + 1;
        }
    rc = confparse_parse(in.text[0], in.len[0], "main", include, &in, &c, &err);
    if (rc == 0) {
        FUZZ_CHECK(c != NULL);
        check_tree(c);
        check_import(c);
    } else {
        FUZZ_CHECK(rc == ERR_INVALID && c == NULL);
        FUZZ_CHECK(err.what[0] != '\0' && fuzz_printable(err.what) &&
                   fuzz_printable(err.file));
    }
    confparse_free(c);
    return 0;
}
