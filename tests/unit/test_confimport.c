/* Unit tests of the import model of a dhcpd.conf (core/confimport.c):
 * every construct as a dump of the import, every refusal with its file
 * and line, each peer problem, the first-pool rule and its note, the
 * dropping of the agent's OMAPI statements, confimport_match's success
 * and every disagreement, and the round trip over the fixtures of
 * confparse-fixtures/: parse -> import -> the render model (peers matched
 * against a made-up partner) -> render -> `dhcpd -t` passes, and the
 * import of the rendered file describes what the first import did.
 * argv[1]: the fixtures; argv[2]: dhcpd (the dhcpd part is skipped, saying
 * so, when it is not installed). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "confimport.h"
#include "confparse.h"
#include "err.h"
#include "failover.h"
#include "render.h"
#include "textbuf.h"
#include "validate.h"

static const char *fixtures;
static const char *dhcpd;

#define IP(a, b, c, d)                                                         \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 |          \
     (uint32_t)(d))

/* ---- includes ---------------------------------------------------------- */

struct files {
    const char *names[4];
    const char *texts[4];
    char *loaded[16];
    size_t nloaded;
};

static int from_table(void *ctx, const char *name, const char **text,
                      size_t *len)
{
    struct files *fs = ctx;

    for (int i = 0; i < 4 && fs->names[i] != NULL; i++)
        if (strcmp(fs->names[i], name) == 0) {
            *text = fs->texts[i];
            *len = strlen(fs->texts[i]);
            return 0;
        }
    return -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    struct textbuf b = {NULL, 0, 0, 0};
    char chunk[4096];
    size_t n;

    if (fp == NULL)
        return NULL;
    for (;;) {
        n = fread(chunk, 1, sizeof chunk, fp);
        if (n > 0)
            textbuf_put(&b, chunk, n);
        if (n < sizeof chunk)
            break;
    }
    fclose(fp);
    if (b.p == NULL)
        textbuf_puts(&b, "");
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

static int from_fixtures(void *ctx, const char *name, const char **text,
                         size_t *len)
{
    struct files *fs = ctx;
    char path[1024];
    char *s;

    if (strstr(name, "..") != NULL || fs->nloaded == 16)
        return -1;
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    s = slurp(path, len);
    if (s == NULL)
        return -1;
    fs->loaded[fs->nloaded++] = s;
    *text = s;
    return 0;
}

static void files_free(struct files *fs)
{
    for (size_t i = 0; i < fs->nloaded; i++)
        free(fs->loaded[i]);
    fs->nloaded = 0;
}

/* ---- a parse and an import ---------------------------------------------- */

struct run {
    struct confparse *conf;
    struct confimport *im;
    struct err e;
    int rc;
};

static const struct confimport_options agent_key = {"omapi_key"};

static void run_text(struct run *r, const char *text, struct files *fs)
{
    struct confparse_err pe;

    memset(r, 0, sizeof *r);
    err_clear(&r->e);
    if (confparse_parse(text, strlen(text), "test.conf",
                        fs != NULL ? from_table : NULL, fs, &r->conf,
                        &pe) != 0) {
        fprintf(stderr, "parse failed: %s:%d: %s\n", pe.file, pe.line, pe.what);
        r->rc = 1;
        return;
    }
    r->rc = confimport_import(r->conf, &agent_key, &r->im, &r->e);
}

static void run_free(struct run *r)
{
    confimport_free(r->im);
    confparse_free(r->conf);
    memset(r, 0, sizeof *r);
}

/* ---- an import as text -------------------------------------------------- */

static void put_ip(struct textbuf *b, uint32_t a)
{
    char s[VALIDATE_IPV4_BUF];

    textbuf_puts(b, validate_ipv4_format(a, s));
}

static const char *role_word(enum failover_role r)
{
    return r == FAILOVER_PRIMARY     ? "primary"
           : r == FAILOVER_SECONDARY ? "secondary"
                                     : "norole";
}

static void dump_peer(struct textbuf *b, const struct confimport_peer *p,
                      int canonical)
{
    textbuf_printf(b, "peer %s %s ", p->name, role_word(p->role));
    put_ip(b, p->address);
    textbuf_puts(b, ":");
    textbuf_printf(b, "%d ", p->port);
    put_ip(b, p->peer_address);
    textbuf_printf(b, ":%d mrd=%d mau=%d lbms=%d", p->peer_port,
                   p->max_response_delay, p->max_unacked_updates,
                   p->load_balance_max_seconds);
    /* mclt and split: what the primary's declaration carries */
    if (!canonical || p->role == FAILOVER_PRIMARY)
        textbuf_printf(b, " mclt=%lld split=%d pct=%d", p->mclt, p->split,
                       p->percentage);
    if (!canonical)
        textbuf_printf(b, " line=%d", p->line);
    if (p->problem != NULL)
        textbuf_printf(b, " problem=%s", p->problem);
    textbuf_puts(b, "\n");
}

static void dump_text(struct textbuf *b, const char *tag, const char *s)
{
    if (s != NULL)
        textbuf_printf(b, "%s[%s]\n", tag, s);
}

static int cmp_scope(const void *x, const void *y)
{
    const struct confimport_scope *a = *(
        const struct confimport_scope *const *)x;
    const struct confimport_scope *b = *(
        const struct confimport_scope *const *)y;

    return (a->network > b->network) - (a->network < b->network);
}

static int cmp_pool(const void *x, const void *y)
{
    const struct confimport_pool *a = *(const struct confimport_pool *const *)x;
    const struct confimport_pool *b = *(const struct confimport_pool *const *)y;

    return (a->from > b->from) - (a->from < b->from);
}

/* keep(name): whether a peer (and references to it) shows */
typedef int (*keep_fn)(void *ctx, const char *name);

/* The import as text.  Canonical: scopes by network and pools by start
 * (as the renderer orders them), every pool with its scope's peer (the
 * first-pool rule, which is what the model serves), peers kept by keep
 * only, by name, without lines or the secondary's mclt and split. */
static char *dump(const struct confimport *im, int canonical, keep_fn keep,
                  void *ctx)
{
    struct textbuf b = {NULL, 0, 0, 0};
    const struct confimport_scope **sc;
    const struct confimport_pool **po;

    dump_text(&b, "global", im->statements);
    for (size_t i = 0; i < im->npeers; i++) {
        /* by name when canonical: the renderer writes them so */
        const struct confimport_peer *p = &im->peers[i];

        if (canonical) {
            p = NULL;
            for (size_t j = 0; j < im->npeers; j++) {
                size_t rank = 0;

                for (size_t k = 0; k < im->npeers; k++)
                    rank += strcmp(im->peers[k].name, im->peers[j].name) < 0;
                if (rank == i)
                    p = &im->peers[j];
            }
            if (p == NULL || (keep != NULL && !keep(ctx, p->name)))
                continue;
        }
        dump_peer(&b, p, canonical);
    }
    sc = calloc(im->nscopes + 1, sizeof *sc);
    if (sc == NULL)
        abort();
    for (size_t i = 0; i < im->nscopes; i++)
        sc[i] = &im->scopes[i];
    if (canonical)
        qsort(sc, im->nscopes, sizeof *sc, cmp_scope);
    for (size_t i = 0; i < im->nscopes; i++) {
        const struct confimport_scope *s = sc[i];
        const char *speer = s->peer != NULL &&
                                    (keep == NULL || keep(ctx, s->peer))
                                ? s->peer
                                : "-";

        textbuf_puts(&b, "scope ");
        put_ip(&b, s->network);
        textbuf_printf(&b, "/%d peer=%s", s->prefix, speer);
        if (s->superscope != NULL)
            textbuf_printf(&b, " superscope=%s", s->superscope);
        if (!canonical)
            textbuf_printf(&b, " line=%d", s->line);
        textbuf_puts(&b, "\n");
        dump_text(&b, " stm", s->statements);
        if (!canonical)
            dump_text(&b, " note", s->note);
        po = calloc(s->npools + 1, sizeof *po);
        if (po == NULL)
            abort();
        for (size_t j = 0; j < s->npools; j++)
            po[j] = &s->pools[j];
        if (canonical)
            qsort(po, s->npools, sizeof *po, cmp_pool);
        for (size_t j = 0; j < s->npools; j++) {
            const struct confimport_pool *p = po[j];

            textbuf_puts(&b, " pool ");
            put_ip(&b, p->from);
            textbuf_puts(&b, "-");
            put_ip(&b, p->to);
            if (canonical)
                textbuf_printf(&b, " peer=%s\n", speer);
            else
                textbuf_printf(&b, " peer=%s line=%d\n",
                               p->peer != NULL ? p->peer : "-", p->line);
            dump_text(&b, "  stm", p->statements);
        }
        free(po);
    }
    free(sc);
    if (b.p == NULL)
        textbuf_puts(&b, "");
    if (b.failed)
        abort();
    return b.p;
}

/* The import of text dumps as want. */
static int imports_as(const char *text, const char *want)
{
    struct run r;
    char *got;
    int ok;

    run_text(&r, text, NULL);
    if (r.rc != 0) {
        fprintf(stderr, "import failed (%d): %s\n", r.rc, r.e.msg);
        run_free(&r);
        return 0;
    }
    got = dump(r.im, 0, NULL, NULL);
    ok = strcmp(got, want) == 0;
    if (!ok)
        fprintf(stderr, "--- want\n%s--- got\n%s---\n", want, got);
    free(got);
    run_free(&r);
    return ok;
}

/* The import of text is refused with a message holding what. */
static int refused(const char *text, struct files *fs, const char *what)
{
    struct run r;
    int ok;

    run_text(&r, text, fs);
    ok = r.rc == ERR_INVALID && r.im == NULL && strstr(r.e.msg, what) != NULL;
    if (!ok)
        fprintf(stderr, "want refusal \"%s\", got %d \"%s\"\n", what, r.rc,
                r.rc != 0 ? r.e.msg : "");
    run_free(&r);
    return ok;
}

/* The import of text gives peer name the problem what (NULL: none). */
static int problem(const char *text, const char *name, const char *what)
{
    const struct confimport_peer *p;
    struct run r;
    int ok;

    run_text(&r, text, NULL);
    p = r.rc == 0 ? confimport_peer(r.im, name) : NULL;
    ok = p != NULL && (what == NULL ? p->problem == NULL
                                    : p->problem != NULL &&
                                          strstr(p->problem, what) != NULL);
    if (!ok)
        fprintf(stderr, "peer %s: want problem \"%s\", got %s \"%s\" (%s)\n",
                name, what ? what : "(none)", p ? "" : "no peer",
                p && p->problem ? p->problem : "", r.rc ? r.e.msg : "");
    run_free(&r);
    return ok;
}

/* ---- constructs -----------------------------------------------------------
 */

#define PEER_FO                                                                \
    "failover peer \"fo\" {\n"                                                 \
    "  primary;\n"                                                             \
    "  address 10.0.0.2;\n"                                                    \
    "  peer address 10.0.0.3;\n"                                               \
    "  mclt 600;\n"                                                            \
    "  split 128;\n"                                                           \
    "}\n"

static void test_constructs(void)
{
    struct files fs = {{"inc.conf"},
                       {"option ntp-servers 10.0.0.5;\n"
                        "subnet 10.2.0.0 netmask 255.255.255.0 {\n"
                        "  range 10.2.0.10 10.2.0.20;\n"
                        "}\n"},
                       {NULL},
                       0};
    struct run r;
    char *got;

    /* nothing at all */
    CHECK(imports_as("", ""));
    CHECK(imports_as("# only a comment\n", ""));
    /* global statements in file order; hosts and groups written back */
    CHECK(imports_as("authoritative;\n"
                     "option domain-name \"a.example\";\n"
                     "host h1 { hardware ethernet 0:1:2:3:4:5; }\n"
                     "class \"c\" { match hardware; }\n"
                     "group g { option routers 10.0.0.1;\n"
                     "  host h2 { fixed-address 10.0.0.7; }\n"
                     "  group { host h3.example { } } }\n"
                     "max-lease-time 60; # trailing comment\n",
                     "global[authoritative;\n"
                     "option domain-name \"a.example\";\n"
                     "host h1 {\n"
                     "  hardware ethernet 0:1:2:3:4:5;\n"
                     "}\n"
                     "class \"c\" { match hardware; }\n"
                     "group \"g\" {\n"
                     "  option routers 10.0.0.1;\n"
                     "  host h2 {\n"
                     "    fixed-address 10.0.0.7;\n"
                     "  }\n"
                     "  group {\n"
                     "    host h3.example {\n"
                     "    }\n"
                     "  }\n"
                     "}\n"
                     "max-lease-time 60;\n"
                     "]\n"));
    /* names written back so that they read back: a host's bare when it
     * is a dotted name, else quoted; a group's quoted */
    CHECK(imports_as("group \"g.\" { host h.example. { }\n"
                     "host \"a b\\\"c\" { } }\n",
                     "global[group \"g.\" {\n"
                     "  host h.example. {\n"
                     "  }\n"
                     "  host \"a b\\\"c\" {\n"
                     "  }\n"
                     "}\n"
                     "]\n"));
    /* a subnet: its statements (hosts too), a range straight in it, a
     * pool with two ranges and statements, a pool with one */
    CHECK(imports_as(
        PEER_FO "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                "  option routers 10.0.0.1;\n"
                "  range 10.0.0.5 10.0.0.6;\n"
                "  host h { fixed-address 10.0.0.9; }\n"
                "  pool {\n"
                "    allow unknown-clients;\n"
                "    failover peer \"fo\";\n"
                "    range 10.0.0.10 10.0.0.19;\n"
                "    max-lease-time 99;\n"
                "    range 10.0.0.30;\n"
                "  }\n"
                "  pool { failover peer \"fo\"; range 10.0.0.40 10.0.0.49; }\n"
                "}\n",
        "peer fo primary 10.0.0.2:647 10.0.0.3:647 mrd=60 mau=10 lbms=0 "
        "mclt=600 split=128 pct=50 line=1\n"
        "scope 10.0.0.0/24 peer=- line=8\n"
        " stm[option routers 10.0.0.1;\n"
        "host h {\n"
        "  fixed-address 10.0.0.9;\n"
        "}\n"
        "]\n"
        " note[the range at line 15 has failover peer \"fo\", the first "
        "pool's (line 10) no failover peer is the scope's]\n"
        " pool 10.0.0.5-10.0.0.6 peer=- line=10\n"
        " pool 10.0.0.10-10.0.0.19 peer=fo line=15\n"
        "  stm[allow unknown-clients;\nmax-lease-time 99;\n]\n"
        " pool 10.0.0.30-10.0.0.30 peer=fo line=17\n"
        "  stm[allow unknown-clients;\nmax-lease-time 99;\n]\n"
        " pool 10.0.0.40-10.0.0.49 peer=fo line=19\n"));
    /* every parameter, defaults where absent */
    CHECK(imports_as("failover peer \"x\" {\n"
                     "  secondary;\n"
                     "  address 10.0.0.3; port 700;\n"
                     "  peer address 10.0.0.2; peer port 701;\n"
                     "  max-response-delay 30; max-unacked-updates 5;\n"
                     "  load balance max seconds 4;\n"
                     "}\n"
                     "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                     "  pool { failover peer \"x\"; range 10.0.0.10; }\n"
                     "}\n",
                     "peer x secondary 10.0.0.3:700 10.0.0.2:701 mrd=30 "
                     "mau=5 lbms=4 mclt=0 split=-1 pct=-1 line=1\n"
                     "scope 10.0.0.0/24 peer=x line=8\n"
                     " pool 10.0.0.10-10.0.0.10 peer=x line=9\n"));
    /* includes read in place, at the top and inside a subnet */
    run_text(&r,
             "include \"inc.conf\";\n"
             "subnet 10.3.0.0 netmask 255.255.0.0 { include \"sub.conf\"; }\n",
             &fs);
    CHECK(r.rc != 0); /* sub.conf does not exist: the parser refuses */
    run_free(&r);
    fs.names[1] = "sub.conf";
    fs.texts[1] = "option routers 10.3.0.1;\nrange 10.3.1.1 10.3.1.9;\n";
    run_text(&r,
             "include \"inc.conf\";\n"
             "subnet 10.3.0.0 netmask 255.255.0.0 { include \"sub.conf\"; }\n",
             &fs);
    CHECK(r.rc == 0);
    got = r.rc == 0 ? dump(r.im, 0, NULL, NULL) : NULL;
    CHECK(got != NULL &&
          strcmp(got, "global[option ntp-servers 10.0.0.5;\n]\n"
                      "scope 10.2.0.0/24 peer=- line=2\n"
                      " pool 10.2.0.10-10.2.0.20 peer=- line=3\n"
                      "scope 10.3.0.0/16 peer=- line=2\n"
                      " stm[option routers 10.3.0.1;\n]\n"
                      " pool 10.3.1.1-10.3.1.9 peer=- line=2\n") == 0);
    if (got != NULL && r.im->nscopes == 2)
        CHECK(strcmp(r.im->scopes[0].file, "inc.conf") == 0 &&
              strcmp(r.im->scopes[1].pools[0].file, "sub.conf") == 0);
    free(got);
    run_free(&r);
    /* the subnets of a shared-network: scopes of its superscope; a peer
     * declared in it is a peer like the others */
    CHECK(imports_as("shared-network \"lab net\" {\n"
                     "  failover peer \"fo\" { secondary; address 10.0.0.3;\n"
                     "    peer address 10.0.0.2; }\n"
                     "  subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                     "    pool { failover peer \"fo\"; range 10.0.0.10; }\n"
                     "  }\n"
                     "  subnet 10.0.1.0 netmask 255.255.255.0 { }\n"
                     "}\n"
                     "subnet 10.0.2.0 netmask 255.255.255.0 { }\n",
                     "peer fo secondary 10.0.0.3:647 10.0.0.2:647 mrd=60 "
                     "mau=10 lbms=0 mclt=0 split=-1 pct=-1 line=2\n"
                     "scope 10.0.0.0/24 peer=fo superscope=lab net line=4\n"
                     " pool 10.0.0.10-10.0.0.10 peer=fo line=5\n"
                     "scope 10.0.1.0/24 peer=- superscope=lab net line=7\n"
                     "scope 10.0.2.0/24 peer=- line=9\n"));
    /* a subnet without anything; a /32 and a /0 */
    CHECK(imports_as("subnet 10.9.0.0 netmask 255.255.255.0 { }\n"
                     "subnet 10.9.1.1 netmask 255.255.255.255 { }\n",
                     "scope 10.9.0.0/24 peer=- line=1\n"
                     "scope 10.9.1.1/32 peer=- line=2\n"));
}

/* ---- the first-pool rule --------------------------------------------------
 */

static void test_first_pool(void)
{
    const char *two = PEER_FO
        "failover peer \"fo2\" {\n"
        "  primary; address 10.0.0.2; peer address 10.0.0.4;\n"
        "  mclt 600; split 128;\n"
        "}\n"
        "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
        "  pool { failover peer \"fo\"; range 10.0.0.10 10.0.0.19; }\n"
        "  pool { failover peer \"fo2\"; range 10.0.0.20 10.0.0.29; }\n"
        "  pool { failover peer \"fo\"; range 10.0.0.30 10.0.0.39; }\n"
        "}\n";
    struct run r;

    run_text(&r, two, NULL);
    CHECK(r.rc == 0);
    if (r.rc == 0) {
        const struct confimport_scope *s = &r.im->scopes[0];

        CHECK(strcmp(s->peer, "fo") == 0);
        CHECK(s->note != NULL &&
              strcmp(s->note, "the range at line 14 has failover peer "
                              "\"fo2\", the first pool's (line 13) failover "
                              "peer \"fo\" is the scope's") == 0);
        CHECK(strcmp(s->pools[1].peer, "fo2") == 0);
        /* both peers are referred to: no problem on either */
        CHECK(r.im->peers[0].problem == NULL && r.im->peers[1].problem == NULL);
    }
    run_free(&r);
    /* all pools on one peer: no note */
    run_text(&r,
             PEER_FO "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                     "  pool { failover peer \"fo\"; range 10.0.0.10; }\n"
                     "  pool { failover peer \"fo\"; range 10.0.0.20; }\n"
                     "}\n",
             NULL);
    CHECK(r.rc == 0 && r.im->scopes[0].note == NULL &&
          strcmp(r.im->scopes[0].peer, "fo") == 0);
    run_free(&r);
    /* the first pool without a peer, a later one with: the scope has none */
    run_text(&r,
             PEER_FO "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                     "  pool { range 10.0.0.10; }\n"
                     "  pool { failover peer \"fo\"; range 10.0.0.20; }\n"
                     "}\n",
             NULL);
    CHECK(r.rc == 0 && r.im->scopes[0].peer == NULL &&
          r.im->scopes[0].note != NULL &&
          strstr(r.im->scopes[0].note, "no failover peer is the scope's"));
    run_free(&r);
}

/* ---- the agent's OMAPI statements -----------------------------------------
 */

static void test_omapi(void)
{
    const char
        *text = "omapi-port 7911;\n"
                "key omapi_key { algorithm hmac-md5; secret \"AA==\"; }\n"
                "key \"omapi_key\" { algorithm hmac-md5; }\n"
                "key other { algorithm hmac-md5; secret \"AA==\"; }\n"
                "omapi-key omapi_key;\n"
                "omapi-key \"omapi_key\";\n"
                "omapi-key other;\n"
                "key omapi_key.x { algorithm hmac-md5; }\n";
    struct confparse_err pe;
    struct confparse *c = NULL;
    struct confimport *im = NULL;
    struct confimport_options none = {NULL};
    struct err e;

    /* every omapi-key goes (dhcpd takes one: the agent's, rendered) */
    CHECK(imports_as(text, "global[key other { algorithm hmac-md5; secret "
                           "\"AA==\"; }\n"
                           "key omapi_key.x { algorithm hmac-md5; }\n]\n"));
    /* without a key name only omapi-port and omapi-key go; the port is
     * the server's */
    CHECK(confparse_parse(text, strlen(text), "t", NULL, NULL, &c, &pe) == 0);
    CHECK(confimport_import(c, &none, &im, &e) == 0);
    CHECK(im != NULL && im->statements != NULL &&
          strncmp(im->statements, "key omapi_key {", 15) == 0 &&
          strstr(im->statements, "omapi-port") == NULL &&
          strstr(im->statements, "omapi-key") == NULL &&
          im->omapi_port == 7911);
    confimport_free(im);
    im = NULL;
    CHECK(confimport_import(c, NULL, &im, &e) == 0);
    CHECK(im != NULL && strstr(im->statements, "key omapi_key {") != NULL &&
          strstr(im->statements, "omapi-key") == NULL);
    confimport_free(im);
    confparse_free(c);
    /* in a subnet they are the subnet's (dhcpd's business, not ours) */
    CHECK(imports_as("subnet 10.0.0.0 netmask 255.0.0.0 { omapi-port 1; }\n",
                     "scope 10.0.0.0/8 peer=- line=1\n"
                     " stm[omapi-port 1;\n]\n"));
}

/* ---- peer problems --------------------------------------------------------
 */

#define SUBNET_FO                                                              \
    "subnet 10.0.0.0 netmask 255.255.255.0 {\n"                                \
    "  pool { failover peer \"fo\"; range 10.0.0.10 10.0.0.20; }\n"            \
    "}\n"

static void test_problems(void)
{
    CHECK(problem(PEER_FO SUBNET_FO, "fo", NULL));
    CHECK(problem(PEER_FO, "fo", "no pool refers to it"));
    CHECK(problem(
        "failover peer \"fo\" { primary; address 10.0.0.2;\n"
        "peer address 10.0.0.3; mclt 600;\n"
        "hba ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:"
        "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff; }\n" SUBNET_FO,
        "fo", "hba at line 3"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; mclt 600; split 1;\n"
                  "max-lease-misbalance 15; }\n" SUBNET_FO,
                  "fo", "max-lease-misbalance at line 3"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; mclt 600; split 1;\n"
                  "max-lease-ownership 10; }\n" SUBNET_FO,
                  "fo", "max-lease-ownership at line 3"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; mclt 600; split 1;\n"
                  "min-balance 60; }\n" SUBNET_FO,
                  "fo", "min-balance at line 3"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; mclt 600; split 1;\n"
                  "max-balance 3600; }\n" SUBNET_FO,
                  "fo", "max-balance at line 3"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; mclt 600; split 1;\n"
                  "auto-partner-down 3; }\n" SUBNET_FO,
                  "fo", "auto-partner-down at line 3"));
    CHECK(problem("failover peer \"fo\" { primary; address dhcp1.example;\n"
                  "peer address 10.0.0.3; mclt 600; split 1; }\n" SUBNET_FO,
                  "fo",
                  "address dhcp1.example at line 1 is a host name, not an "
                  "IPv4 address"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address p.example; mclt 600; split 1; }\n" SUBNET_FO,
                  "fo", "peer address p.example at line 2 is a host name"));
    CHECK(problem("failover peer \"fo\" { primary;\n"
                  "peer address 10.0.0.3; mclt 600; split 1; }\n" SUBNET_FO,
                  "fo", "no address"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "mclt 600; split 1; }\n" SUBNET_FO,
                  "fo", "no peer address"));
    CHECK(problem("failover peer \"fo\" { address 10.0.0.2;\n"
                  "peer address 10.0.0.3; }\n" SUBNET_FO,
                  "fo", "neither primary nor secondary"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; split 1; }\n" SUBNET_FO,
                  "fo", "a primary without mclt"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; mclt 0; split 1; }\n" SUBNET_FO,
                  "fo", "mclt 0 at line 2 is outside 1..2147483647"));
    CHECK(problem("failover peer \"fo\" { primary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; mclt 60; }\n" SUBNET_FO,
                  "fo", "a primary without split"));
    CHECK(problem("failover peer \"fo\" { secondary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3;\n split 128; }\n" SUBNET_FO,
                  "fo", "split at line 3 on a secondary"));
    /* a secondary may carry mclt: dhcpd takes it */
    CHECK(problem("failover peer \"fo\" { secondary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; mclt 60; }\n" SUBNET_FO,
                  "fo", NULL));
    CHECK(problem("failover peer \"fo\" { secondary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; port 0; }\n" SUBNET_FO,
                  "fo", "port 0 at line 2 is outside 1..65535"));
    CHECK(problem("failover peer \"fo\" { secondary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; peer port 0; }\n" SUBNET_FO,
                  "fo", "peer port 0 at line 2"));
    CHECK(problem("failover peer \"fo\" { secondary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3; max-response-delay 0; }\n" SUBNET_FO,
                  "fo", "max-response-delay 0 at line 2 is outside 1..86400"));
    CHECK(problem("failover peer \"fo\" { secondary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3;\n"
                  "max-unacked-updates 86401; }\n" SUBNET_FO,
                  "fo", "max-unacked-updates 86401 at line 3"));
    CHECK(problem("failover peer \"fo\" { secondary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3;\n"
                  "load balance max seconds 86401; }\n" SUBNET_FO,
                  "fo", "load balance max seconds 86401 at line 3"));
    CHECK(problem("failover peer \"fo\" { secondary; address 10.0.0.2;\n"
                  "peer address 10.0.0.3;\n"
                  "load balance max seconds 0; }\n" SUBNET_FO,
                  "fo", NULL));
    /* the first problem is the one kept */
    CHECK(problem("failover peer \"fo\" { address 10.0.0.2;\n"
                  "hba ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:"
                  "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff; }\n",
                  "fo", "neither primary nor secondary"));
}

/* ---- refusals -------------------------------------------------------------
 */

static void test_refusals(void)
{
    struct files fs = {{"in.conf"},
                       {"\n\nsubnet 10.0.0.0 netmask 255.255.255.0 {\n"
                        "  range dynamic-bootp 10.0.0.10;\n}\n"},
                       {NULL},
                       0};
    struct textbuf big = {NULL, 0, 0, 0};

    CHECK(refused("group {\n subnet 10.0.0.0 netmask 255.0.0.0 { }\n}\n", NULL,
                  "test.conf:2: a subnet inside a group is not modelled"));
    CHECK(refused("group { group {\n"
                  " shared-network x { }\n} }\n",
                  NULL,
                  "test.conf:2: a shared-network inside a group is not "
                  "modelled"));
    CHECK(refused("shared-network net {\n"
                  " subnet 10.0.0.0 netmask 255.0.0.0 { }\n"
                  " pool { range 10.0.0.1; }\n}\n",
                  NULL,
                  "test.conf:3: a pool straight in shared-network \"net\" is "
                  "not modelled"));
    CHECK(refused("shared-network net {\n"
                  " option routers 10.0.0.1;\n"
                  " subnet 10.0.0.0 netmask 255.0.0.0 { }\n}\n",
                  NULL,
                  "test.conf:2: a statement in shared-network \"net\" is not "
                  "modelled (only its subnets are)"));
    CHECK(refused("shared-network net {\n"
                  " subnet 10.0.0.0 netmask 255.0.0.0 { }\n"
                  " host h { }\n}\n",
                  NULL, "test.conf:3: a host in shared-network \"net\""));
    CHECK(refused("\nshared-network net { }\n", NULL,
                  "test.conf:2: shared-network \"net\" has no subnet"));
    CHECK(refused("shared-network net {\n"
                  " subnet 10.0.0.0 netmask 255.0.0.0 { } }\n"
                  "shared-network net {\n"
                  " subnet 11.0.0.0 netmask 255.0.0.0 { } }\n",
                  NULL,
                  "test.conf:3: shared-network \"net\" declared again (also "
                  "at test.conf:1)"));
    CHECK(refused("shared-network \"a{b\" {\n"
                  " subnet 10.0.0.0 netmask 255.0.0.0 { } }\n",
                  NULL,
                  "test.conf:1: shared-network \"a{b\": a name with a quote, "
                  "backslash, brace or control character is not modelled"));
    CHECK(refused("include \"in.conf\";\n", &fs,
                  "in.conf:4: range dynamic-bootp is not modelled"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                  "  pool { range dynamic-bootp 10.0.0.10 10.0.0.20; }\n}\n",
                  NULL, "test.conf:2: range dynamic-bootp is not modelled"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                  "  pool { deny unknown-clients; }\n}\n",
                  NULL, "test.conf:2: a pool without a range"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                  "  range 10.0.1.1 10.0.1.9;\n}\n",
                  NULL, "test.conf:2: range 10.0.1.1 10.0.1.9:"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                  "  range 10.0.0.9 10.0.0.1;\n}\n",
                  NULL, "test.conf:2: range 10.0.0.9 10.0.0.1:"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                  "  range 10.0.0.0 10.0.0.5;\n}\n",
                  NULL, "test.conf:2: range 10.0.0.0 10.0.0.5:"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                  "  range 10.0.0.10 10.0.0.20;\n"
                  "  pool { range 10.0.0.20 10.0.0.30; }\n}\n",
                  NULL,
                  "test.conf:1: ranges at lines 2 and 3 overlap (at "
                  "10.0.0.20)"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.0.255.0 { }\n", NULL,
                  "test.conf:1: netmask 255.0.255.0 is not contiguous"));
    CHECK(refused("subnet 10.0.0.1 netmask 255.255.255.0 { }\n", NULL,
                  "test.conf:1: subnet 10.0.0.1 has bits outside netmask"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 { }\n\n"
                  "subnet 10.0.0.0 netmask 255.255.0.0 { }\n",
                  NULL,
                  "test.conf:3: subnet 10.0.0.0 declared again (first at "
                  "test.conf:1)"));
    CHECK(refused(PEER_FO "\n" PEER_FO, NULL,
                  "test.conf:9: failover peer \"fo\" declared again (first "
                  "at line 1)"));
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                  "  pool { failover peer \"nope\"; range 10.0.0.10; }\n}\n",
                  NULL, "test.conf:2: failover peer \"nope\" is not declared"));
    CHECK(refused(
        "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
        "  pool { failover peer \"fo\"; range 10.0.0.10; }\n}\n" PEER_FO,
        NULL,
        "test.conf:2: failover peer \"fo\" is declared after the "
        "pool that refers to it"));
    /* bytes of names that are not printable ASCII show as '?' */
    CHECK(refused("subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                  "  pool { failover peer \"\xc3\xa9\x1bx\"; range 10.0.0.10; "
                  "}\n}\n",
                  NULL, "test.conf:2: failover peer \"???x\" is not declared"));
    /* statements over the limit: the block is named */
    textbuf_puts(&big, "subnet 10.0.0.0 netmask 255.255.255.0 {\n");
    while (big.len < RENDER_STATEMENTS_MAX + 4000)
        textbuf_puts(&big, "  option domain-name \"aaaaaaaaaaaaaaaaaaaa\";\n");
    textbuf_puts(&big, "}\n");
    CHECK(!big.failed);
    CHECK(refused(big.p, NULL,
                  "test.conf:1: the statements of a subnet are longer than "
                  "65536 bytes"));
    /* ... the same at the top level, and in a pool */
    {
        struct textbuf top = {NULL, 0, 0, 0};
        struct textbuf pool = {NULL, 0, 0, 0};

        while (top.len < RENDER_STATEMENTS_MAX + 100)
            textbuf_puts(&top,
                         "option domain-name \"aaaaaaaaaaaaaaaaaaaa\";\n");
        CHECK(refused(top.p, NULL,
                      "test.conf:0: the statements of the top level are "
                      "longer than 65536 bytes"));
        textbuf_puts(&pool, "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                            "  pool { range 10.0.0.10;\n");
        textbuf_puts(&pool, top.p);
        textbuf_puts(&pool, "} }\n");
        CHECK(refused(pool.p, NULL,
                      "test.conf:2: the statements of a pool are longer "
                      "than 65536 bytes"));
        free(top.p);
        free(pool.p);
    }
    free(big.p);
    /* CR in a statement: the renderer's check refuses it, so does this */
    CHECK(refused("option domain-name\r\n \"a\";\n", NULL,
                  "test.conf:0: the statements of the top level: control "
                  "character 0x0D"));
}

/* The limits: scopes, pools of a scope, peers. */
static void test_limits(void)
{
    struct textbuf b = {NULL, 0, 0, 0};
    struct run r;

    /* CONFIMPORT_SCOPE_POOLS_MAX ranges in one subnet, then one more */
    textbuf_puts(&b, "subnet 10.0.0.0 netmask 255.255.0.0 {\n");
    for (int i = 0; i < CONFIMPORT_SCOPE_POOLS_MAX; i++)
        textbuf_printf(&b, "range 10.0.%d.%d;\n", 1 + i / 200, 1 + i % 200);
    textbuf_puts(&b, "}\n");
    run_text(&r, b.p, NULL);
    CHECK(r.rc == 0 && r.im->scopes[0].npools == CONFIMPORT_SCOPE_POOLS_MAX);
    run_free(&r);
    b.len -= 2;
    textbuf_puts(&b, "range 10.0.250.1;\n}\n");
    CHECK(refused(b.p, NULL,
                  "test.conf:4098: more than 4096 ranges in one "
                  "subnet"));
    free(b.p);
    /* CONFIMPORT_PEERS_MAX peers, then one more */
    memset(&b, 0, sizeof b);
    for (int i = 0; i <= CONFIMPORT_PEERS_MAX; i++)
        textbuf_printf(&b,
                       "failover peer \"p%d\" { primary; address 10.0.0.2; "
                       "peer address 10.0.0.3; mclt 1; split 1; }\n",
                       i);
    CHECK(refused(b.p, NULL, "more than 4096 failover peers declared"));
    free(b.p);
    /* CONFIMPORT_SCOPES_MAX subnets, then one more */
    memset(&b, 0, sizeof b);
    {
        size_t before = 0;

        for (int i = 0; i <= CONFIMPORT_SCOPES_MAX; i++) {
            before = b.len;
            textbuf_printf(&b, "subnet %d.%d.%d.0 netmask 255.255.255.0 { }\n",
                           10 + i / 65536, i / 256 % 256, i % 256);
        }
        CHECK(refused(b.p, NULL, "test.conf:100001: more than 100000 subnets"));
        b.len = before;
        b.p[b.len] = '\0';
    }
    run_text(&r, b.p, NULL);
    CHECK(r.rc == 0 && r.im->nscopes == CONFIMPORT_SCOPES_MAX);
    run_free(&r);
    free(b.p);
}

/* ---- confimport_match -----------------------------------------------------
 */

static struct confimport_peer mk_peer(enum failover_role role, uint32_t a,
                                      uint32_t pa)
{
    struct confimport_peer p;

    memset(&p, 0, sizeof p);
    p.name = "fo";
    p.role = role;
    p.address = a;
    p.peer_address = pa;
    p.port = role == FAILOVER_PRIMARY ? 647 : 648;
    p.peer_port = role == FAILOVER_PRIMARY ? 648 : 647;
    p.mclt = role == FAILOVER_PRIMARY ? 1800 : 0;
    p.split = role == FAILOVER_PRIMARY ? 64 : -1;
    p.percentage = role == FAILOVER_PRIMARY ? 25 : -1;
    p.max_response_delay = 30;
    p.max_unacked_updates = 8;
    p.load_balance_max_seconds = 5;
    return p;
}

static int conflict(const struct confimport_peer *p,
                    const struct confimport_peer *q, const char *what)
{
    struct confimport_side a = {"a.example.", IP(10, 0, 0, 2), p};
    struct confimport_side b = {"b.example.", IP(10, 0, 0, 3), q};
    struct confimport_relationship rel;
    struct err e;
    int rc = confimport_match(&a, &b, &rel, &e);
    int ok = rc == ERR_CONFLICT && strcmp(e.msg, what) == 0;

    if (!ok)
        fprintf(stderr, "want conflict \"%s\", got %d \"%s\"\n", what, rc,
                rc ? e.msg : "");
    return ok;
}

static void test_match(void)
{
    struct confimport_peer p = mk_peer(FAILOVER_PRIMARY, IP(10, 0, 0, 2),
                                       IP(10, 0, 0, 3));
    struct confimport_peer s = mk_peer(FAILOVER_SECONDARY, IP(10, 0, 0, 3),
                                       IP(10, 0, 0, 2));
    struct confimport_peer x, y;
    struct confimport_side a = {"a.example.", IP(10, 0, 0, 2), &p};
    struct confimport_side b = {"b.example.", IP(10, 0, 0, 3), &s};
    struct confimport_relationship rel;
    struct err e;

    CHECK(confimport_match(&a, &b, &rel, &e) == 0);
    CHECK(strcmp(rel.name, "fo") == 0 && rel.primary == 0 && rel.mclt == 1800 &&
          rel.percentage == 25 && rel.port == 647 && rel.peer_port == 648 &&
          rel.max_response_delay == 30 && rel.max_unacked_updates == 8 &&
          rel.load_balance_max_seconds == 5);
    /* seen from the secondary: the same relationship */
    a.peer = &s;
    a.address = IP(10, 0, 0, 3);
    b.peer = &p;
    b.address = IP(10, 0, 0, 2);
    CHECK(confimport_match(&a, &b, &rel, &e) == 0);
    CHECK(rel.primary == 1 && rel.mclt == 1800 && rel.percentage == 25 &&
          rel.port == 647 && rel.peer_port == 648);
    /* a secondary repeating the primary's mclt */
    x = s;
    x.mclt = 1800;
    a.peer = &x;
    CHECK(confimport_match(&a, &b, &rel, &e) == 0 && rel.mclt == 1800);

    /* every disagreement, seen from the primary (a) */
    x = p;
    x.problem = "hba at line 9";
    CHECK(
        conflict(&x, &s, "failover peer \"fo\" on a.example.: hba at line 9"));
    y = s;
    y.problem = "no pool refers to it";
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\" on b.example.: no pool refers to it"));
    y = s;
    y.name = "Fo";
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\" on a.example. is not peer \"Fo\" on "
                   "b.example."));
    y = s;
    y.role = FAILOVER_PRIMARY;
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\" is primary on a.example. and primary "
                   "on b.example.: the roles are not opposite"));
    x = p;
    x.role = FAILOVER_SECONDARY;
    CHECK(conflict(&x, &s,
                   "failover peer \"fo\" is secondary on a.example. and "
                   "secondary on b.example.: the roles are not opposite"));
    y = s;
    y.role = FAILOVER_NONE;
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\" is primary on a.example. and neither "
                   "primary nor secondary on b.example.: the roles are not "
                   "opposite"));
    x = p;
    x.address = IP(10, 0, 0, 9);
    CHECK(conflict(&x, &s,
                   "failover peer \"fo\" on a.example. has address 10.0.0.9, "
                   "not the server's address 10.0.0.2"));
    y = s;
    y.address = IP(10, 0, 0, 9);
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\" on b.example. has address 10.0.0.9, "
                   "not the server's address 10.0.0.3"));
    x = p;
    x.peer_address = IP(10, 0, 0, 9);
    CHECK(conflict(&x, &s,
                   "failover peer \"fo\" on a.example. has peer address "
                   "10.0.0.9, not the address 10.0.0.3 of b.example."));
    y = s;
    y.peer_address = IP(10, 0, 0, 9);
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\" on b.example. has peer address "
                   "10.0.0.9, not the address 10.0.0.2 of a.example."));
    y = s;
    y.port = 647;
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\": port 647 and peer port 648 on "
                   "a.example., port 647 and peer port 647 on b.example.: the "
                   "ports are not crossed"));
    y = s;
    y.peer_port = 648;
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\": port 647 and peer port 648 on "
                   "a.example., port 648 and peer port 648 on b.example.: the "
                   "ports are not crossed"));
    y = s;
    y.max_response_delay = 60;
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\": max-response-delay is 30 on "
                   "a.example. and 60 on b.example."));
    y = s;
    y.max_unacked_updates = 10;
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\": max-unacked-updates is 8 on "
                   "a.example. and 10 on b.example."));
    y = s;
    y.load_balance_max_seconds = 3;
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\": load balance max seconds is 5 on "
                   "a.example. and 3 on b.example."));
    y = s;
    y.mclt = 600;
    CHECK(conflict(&p, &y,
                   "failover peer \"fo\": mclt is 1800 on a.example. and 600 "
                   "on b.example."));
    x = p;
    x.name = "f\xc3\xb6";
    y = s;
    y.name = "f\xc3\xb6";
    y.max_response_delay = 60;
    CHECK(conflict(&x, &y,
                   "failover peer \"f??\": max-response-delay is 30 on "
                   "a.example. and 60 on b.example."));
    a.peer = NULL;
    CHECK(confimport_match(&a, &b, &rel, &e) == ERR_INTERNAL);
}

/* ---- the round trip ----------------------------------------------------- */

/* The render model of one import, as the worker builds one: each peer
 * without a problem is matched against a made-up partner (the mirror of
 * its declaration); one whose match fails (its address is not the
 * server's) or whose pair of addresses is taken already is rendered
 * one-sided: its scopes without failover. */
struct model {
    struct render_server s;
    struct render_relationship *rels;
    struct render_scope *scopes;
    struct render_pool *pools;
    char (*names)[40];
    const char **kept; /* names of the rendered peers */
    size_t nkept;
    char address[VALIDATE_IPV4_BUF];
};

static int kept(void *ctx, const char *name)
{
    const struct model *m = ctx;

    for (size_t i = 0; i < m->nkept; i++)
        if (strcmp(m->kept[i], name) == 0)
            return 1;
    return 0;
}

static int rel_of(const struct model *m, const char *peer)
{
    for (size_t i = 0; peer != NULL && i < m->s.nrelationships; i++)
        if (m->rels[i].name != NULL && strcmp(m->rels[i].name, peer) == 0)
            return (int)i;
    return -1;
}

static void build_model(struct model *m, const struct confimport *im)
{
    uint32_t server = IP(192, 0, 2, 1);
    size_t npools = 0, k = 0;

    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < im->npeers; i++)
        if (im->peers[i].address != 0 && im->peers[i].problem == NULL) {
            server = im->peers[i].address;
            break;
        }
    validate_ipv4_format(server, m->address);
    m->rels = calloc(im->npeers + 1, sizeof *m->rels);
    m->kept = calloc(im->npeers + 1, sizeof *m->kept);
    for (size_t i = 0; i < im->nscopes; i++)
        npools += im->scopes[i].npools;
    m->scopes = calloc(im->nscopes + 1, sizeof *m->scopes);
    m->pools = calloc(npools + 1, sizeof *m->pools);
    m->names = calloc(im->nscopes + 1, sizeof *m->names);
    if (m->rels == NULL || m->kept == NULL || m->scopes == NULL ||
        m->pools == NULL || m->names == NULL)
        abort();
    for (size_t i = 0; i < im->npeers; i++) {
        const struct confimport_peer *p = &im->peers[i];
        struct confimport_peer partner = *p;
        struct confimport_side a = {"server.example.", server, p};
        struct confimport_side b = {"partner.example.", p->peer_address,
                                    &partner};
        struct confimport_relationship rel;
        struct render_relationship *r = &m->rels[m->s.nrelationships];
        struct failover_params fp;
        struct err e;
        int taken = 0;

        partner.role = p->role == FAILOVER_PRIMARY ? FAILOVER_SECONDARY
                                                   : FAILOVER_PRIMARY;
        partner.address = p->peer_address;
        partner.peer_address = p->address;
        partner.port = p->peer_port;
        partner.peer_port = p->port;
        if (p->role == FAILOVER_SECONDARY) {
            /* the made-up primary's parameters */
            partner.mclt = p->mclt != 0 ? p->mclt : 3600;
            partner.split = 128;
            partner.percentage = 50;
        } else {
            partner.mclt = 0;
            partner.split = -1;
            partner.percentage = -1;
        }
        if (confimport_match(&a, &b, &rel, &e) != 0)
            continue;
        for (size_t j = 0; j < m->s.nrelationships; j++)
            taken |= m->rels[j].peer_address == p->peer_address;
        if (taken)
            continue;
        memset(&fp, 0, sizeof fp);
        fp.port = rel.port;
        fp.peer_port = rel.peer_port;
        r->name = p->name;
        r->role = rel.primary == 0 ? RENDER_PRIMARY : RENDER_SECONDARY;
        r->address = server;
        r->peer_address = p->peer_address;
        failover_ports(&fp,
                       rel.primary == 0 ? FAILOVER_PRIMARY : FAILOVER_SECONDARY,
                       &r->port, &r->peer_port);
        r->mclt = (int)rel.mclt;
        r->percentage = rel.percentage;
        r->max_response_delay = rel.max_response_delay;
        r->max_unacked_updates = rel.max_unacked_updates;
        r->load_balance_max_seconds = rel.load_balance_max_seconds;
        m->s.nrelationships++;
        m->kept[m->nkept++] = p->name;
    }
    for (size_t i = 0; i < im->nscopes; i++) {
        const struct confimport_scope *sc = &im->scopes[i];
        struct render_scope *rs = &m->scopes[i];

        snprintf(m->names[i], sizeof m->names[i], "%u.%u.%u.%u/%d",
                 sc->network >> 24, sc->network >> 16 & 255,
                 sc->network >> 8 & 255, sc->network & 255, sc->prefix);
        rs->network = sc->network;
        rs->prefix = sc->prefix;
        rs->name = m->names[i];
        rs->enabled = 1;
        rs->failover = rel_of(m, sc->peer);
        rs->statements = sc->statements;
        rs->superscope = sc->superscope;
        rs->pools = &m->pools[k];
        rs->npools = sc->npools;
        for (size_t j = 0; j < sc->npools; j++, k++) {
            m->pools[k].from = sc->pools[j].from;
            m->pools[k].to = sc->pools[j].to;
            m->pools[k].statements = sc->pools[j].statements;
        }
    }
    /* a relationship no scope refers to is not in the file */
    k = 0;
    for (size_t i = 0; i < m->nkept; i++) {
        int used = 0;

        for (size_t j = 0; j < im->nscopes; j++)
            used |= im->scopes[j].peer != NULL && m->kept[i] != NULL &&
                    strcmp(im->scopes[j].peer, m->kept[i]) == 0;
        if (used)
            m->kept[k++] = m->kept[i];
    }
    m->nkept = k;
    m->s.name = "server.example.";
    m->s.address = m->address;
    m->s.statements = im->statements;
    m->s.omapi_port = 7911;
    m->s.omapi_key_name = "omapi_key";
    m->s.omapi_secret = "c2VjcmV0LW9mLXRoZS10ZXN0LWtleQ==";
    m->s.relationships = m->rels;
    m->s.scopes = m->scopes;
    m->s.nscopes = im->nscopes;
}

static void model_free(struct model *m)
{
    free(m->rels);
    free(m->kept);
    free(m->scopes);
    free(m->pools);
    free(m->names);
}

/* Writes text[0..len) to a new file from template path; 0 or -1. */
static int write_temp(char *path, const char *text, size_t len)
{
    int fd = mkstemp(path);
    FILE *f;
    int ok;

    if (fd < 0)
        return -1;
    f = fdopen(fd, "w");
    if (f == NULL) {
        close(fd);
        unlink(path);
        return -1;
    }
    ok = fwrite(text, 1, len, f) == len;
    if (fclose(f) != 0 || !ok) {
        unlink(path);
        return -1;
    }
    return 0;
}

/* `dhcpd -t -cf` on text: 0 when it passes, else its output printed. */
static int dhcpd_check(const char *name, const char *text, size_t len)
{
    char conf[] = "/tmp/test-confimport-XXXXXX";
    char log[] = "/tmp/test-confimport-log-XXXXXX";
    size_t loglen = 0;
    char *out;
    pid_t pid;
    int st = 0, ok;

    if (write_temp(conf, text, len) < 0)
        return -1;
    if (write_temp(log, "", 0) < 0) {
        unlink(conf);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        FILE *f = freopen(log, "w", stdout);

        if (f == NULL || dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
            _exit(126);
        execl(dhcpd, dhcpd, "-t", "-cf", conf, (char *)NULL);
        _exit(127);
    }
    ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
         WEXITSTATUS(st) == 0;
    if (!ok) {
        out = slurp(log, &loglen);
        fprintf(stderr, "%s: dhcpd -t refuses the rendered file:\n%s\n%s\n",
                name, out != NULL ? out : "", text);
        free(out);
    }
    unlink(conf);
    unlink(log);
    return ok ? 0 : -1;
}

/* What each fixture the parser parses gives. */
static const struct roundtrip {
    const char *file;
    /* NULL: imported; else the refusal */
    const char *refusal;
    /* a peer's problem (NULL: none) */
    const char *peer, *problem;
    /* the scopes of the first import, and how many peers are rendered */
    size_t nscopes, nrendered;
} rt_table[] = {
    {"ok-auto-partner-down.conf", NULL, "fo", "max-lease-misbalance at line 12",
     1, 0},
    {"ok-deny-dynamic-bootp.conf", NULL, NULL, NULL, 1, 1},
    {"ok-disabled-scope-commented-out.conf", NULL, NULL, NULL, 1, 1},
    {"ok-disabled-scope-empty-subnet.conf", NULL, NULL, NULL, 2, 1},
    {"ok-include.conf", NULL, NULL, NULL, 1, 1},
    {"ok-primary-hba.conf", NULL, "fo", "hba at line", 1, 0},
    {"ok-primary-minimal.conf", NULL, NULL, NULL, 1, 1},
    {"ok-primary.conf", NULL, NULL, NULL, 1, 1},
    {"ok-secondary-minimal.conf", NULL, NULL, NULL, 1, 1},
    {"ok-secondary.conf", NULL, NULL, NULL, 1, 1},
    {"ok-split-0.conf", NULL, NULL, NULL, 1, 1},
    {"ok-split-256.conf", NULL, NULL, NULL, 1, 1},
    {"ok-two-pools-one-subnet.conf", NULL, NULL, NULL, 1, 1},
    {"ok-two-relationships-distinct-addresses-primary.conf", NULL, "fo-test",
     "auto-partner-down at line", 2, 1},
    {"ok-two-relationships-distinct-addresses-secondary.conf", NULL, "fo-test",
     "auto-partner-down at line", 2, 1},
    {"ok-import-rich.conf", NULL, NULL, NULL, 3, 1},
    {"ok-import-first-pool.conf", NULL, NULL, NULL, 1, 1},
    {"ok-import-shared-network.conf", NULL, NULL, NULL, 3, 1},
    {"lenient-address-unresolvable.conf", NULL, "fo", "is a host name", 1, 0},
    {"lenient-mclt-on-secondary.conf", NULL, NULL, NULL, 1, 1},
    {"lenient-no-address.conf", NULL, "fo", "no address", 1, 0},
    {"lenient-no-max-response-delay.conf", NULL, NULL, NULL, 1, 1},
    {"lenient-no-max-unacked-updates.conf", NULL, NULL, NULL, 1, 1},
    {"lenient-no-role.conf", NULL, "fo", "neither primary nor secondary", 1, 0},
    {"lenient-peer-name-unquoted.conf", NULL, NULL, NULL, 1, 1},
    {"lenient-split-and-hba.conf", NULL, "fo", "hba at line", 1, 0},
    {"lenient-two-relationships-same-peer-ip-primary.conf", NULL, "fo-test",
     "auto-partner-down at line 28", 2, 1},
    {"lenient-two-relationships-same-peer-ip-secondary.conf", NULL, NULL, NULL,
     2, 1},
    /* what dhcpd refuses and the parser leaves to the import */
    {"bad-duplicate-peer.conf",
     "bad-duplicate-peer.conf:13: failover peer "
     "\"fo\" declared again (first at line 1)",
     NULL, NULL, 0, 0},
    {"bad-dynamic-bootp-range.conf",
     "bad-dynamic-bootp-range.conf:16: range dynamic-bootp is not modelled",
     NULL, NULL, 0, 0},
    {"bad-hba-on-secondary.conf", NULL, "fo", "hba at line 9", 1, 0},
    {"bad-include-order.conf",
     "inc/scopes.conf:3: failover peer \"fo\" is declared after the pool", NULL,
     NULL, 0, 0},
    {"bad-mclt-0.conf", NULL, "fo", "mclt 0 at line", 1, 0},
    {"bad-no-mclt-on-primary.conf", NULL, "fo", "a primary without mclt", 1, 0},
    {"bad-no-peer-address.conf", NULL, "fo", "no peer address", 1, 0},
    {"bad-no-split-on-primary.conf", NULL, "fo", "a primary without split", 1,
     0},
    {"bad-peer-after-pool.conf", "is declared after the pool", NULL, NULL, 0,
     0},
    {"bad-peer-declared-unused.conf", NULL, "fo", "no pool refers to it", 1, 0},
    {"bad-pool-in-failover-without-range.conf", "a pool without a range", NULL,
     NULL, 0, 0},
    {"bad-pool-undeclared-peer.conf", "is not declared", NULL, NULL, 0, 0},
    {"bad-pool-wrong-peer-name.conf", "is not declared", NULL, NULL, 0, 0},
    {"bad-primary-minimal-no-split.conf", NULL, "fo", "a primary without split",
     1, 0},
    {"bad-range-outside-subnet.conf", "range 10.98.0.100 10.98.0.199: address",
     NULL, NULL, 0, 0},
    {"bad-split-on-secondary-and-mclt.conf", NULL, "fo", "on a secondary", 1,
     0},
    {"bad-split-on-secondary.conf", NULL, "fo", "on a secondary", 1, 0},
};

static int import_file(const char *name, const char *text, size_t len,
                       struct files *fs, struct confparse **conf,
                       struct confimport **im, struct err *e)
{
    struct confparse_err pe;

    if (confparse_parse(text, len, name, fs != NULL ? from_fixtures : NULL, fs,
                        conf, &pe) != 0) {
        fprintf(stderr, "%s: parse failed: %s:%d: %s\n", name, pe.file, pe.line,
                pe.what);
        return -1;
    }
    return confimport_import(*conf, &agent_key, im, e);
}

static void roundtrip_one(const struct roundtrip *rt, int run_dhcpd)
{
    struct files fs;
    struct confparse *c1 = NULL, *c2 = NULL;
    struct confimport *i1 = NULL, *i2 = NULL;
    struct model m;
    char path[1024], *text, *out = NULL, *d1 = NULL, *d2 = NULL;
    size_t len, olen = 0;
    struct err e;
    int rc;

    memset(&fs, 0, sizeof fs);
    snprintf(path, sizeof path, "%s/%s", fixtures, rt->file);
    text = slurp(path, &len);
    if (text == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        CHECK(0);
        return;
    }
    rc = import_file(rt->file, text, len, &fs, &c1, &i1, &e);
    if (rt->refusal != NULL) {
        if (rc != ERR_INVALID || strstr(e.msg, rt->refusal) == NULL)
            fprintf(stderr, "%s: want \"%s\", got %d \"%s\"\n", rt->file,
                    rt->refusal, rc, rc ? e.msg : "");
        CHECK(rc == ERR_INVALID && strstr(e.msg, rt->refusal) != NULL);
        goto out;
    }
    if (rc != 0)
        fprintf(stderr, "%s: import failed: %s\n", rt->file, e.msg);
    CHECK(rc == 0);
    if (rc != 0)
        goto out;
    CHECK(i1->nscopes == rt->nscopes);
    if (rt->peer != NULL) {
        const struct confimport_peer *p = confimport_peer(i1, rt->peer);

        if (p == NULL || p->problem == NULL ||
            strstr(p->problem, rt->problem) == NULL)
            fprintf(stderr, "%s: peer %s: want \"%s\", got \"%s\"\n", rt->file,
                    rt->peer, rt->problem,
                    p != NULL && p->problem != NULL ? p->problem : "");
        CHECK(p != NULL && p->problem != NULL &&
              strstr(p->problem, rt->problem) != NULL);
    } else {
        for (size_t i = 0; i < i1->npeers; i++) {
            if (i1->peers[i].problem != NULL)
                fprintf(stderr, "%s: peer %s: %s\n", rt->file,
                        i1->peers[i].name, i1->peers[i].problem);
            CHECK(i1->peers[i].problem == NULL);
        }
    }
    build_model(&m, i1);
    if (m.nkept != rt->nrendered)
        fprintf(stderr, "%s: %zu peers rendered, want %zu\n", rt->file, m.nkept,
                rt->nrendered);
    CHECK(m.nkept == rt->nrendered);
    rc = render_config(&m.s, &out, &olen, &e);
    if (rc != 0)
        fprintf(stderr, "%s: render failed: %s\n", rt->file, e.msg);
    CHECK(rc == 0);
    if (rc == 0 && run_dhcpd)
        CHECK(dhcpd_check(rt->file, out, olen) == 0);
    /* parse(render(import(x))) imports as import(x) did */
    if (rc == 0)
        rc = import_file("rendered", out, olen, NULL, &c2, &i2, &e);
    CHECK(rc == 0);
    if (rc == 0) {
        d1 = dump(i1, 1, kept, &m);
        d2 = dump(i2, 1, NULL, NULL);
        if (strcmp(d1, d2) != 0)
            fprintf(stderr,
                    "%s: round trip differs\n--- first\n%s--- "
                    "again\n%s---\n",
                    rt->file, d1, d2);
        CHECK(strcmp(d1, d2) == 0);
        /* every rendered peer is problem-free on the way back */
        for (size_t i = 0; i < i2->npeers; i++)
            CHECK(i2->peers[i].problem == NULL);
    }
    model_free(&m);
out:
    free(d1);
    free(d2);
    free(out);
    confimport_free(i1);
    confimport_free(i2);
    confparse_free(c1);
    confparse_free(c2);
    files_free(&fs);
    free(text);
}

static void test_roundtrip(void)
{
    int run_dhcpd = dhcpd != NULL && access(dhcpd, X_OK) == 0;

    if (!run_dhcpd)
        printf("skipped: the dhcpd -t part of the round trip (%s is not "
               "installed)\n",
               dhcpd != NULL ? dhcpd : "no dhcpd given");
    for (size_t i = 0; i < sizeof rt_table / sizeof rt_table[0]; i++)
        roundtrip_one(&rt_table[i], run_dhcpd);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FIXTURES-DIR [DHCPD]\n", argv[0]);
        return 2;
    }
    fixtures = argv[1];
    dhcpd = argc > 2 ? argv[2] : NULL;
    test_constructs();
    test_first_pool();
    test_omapi();
    test_problems();
    test_refusals();
    test_limits();
    test_match();
    test_roundtrip();
    return check_report();
}
