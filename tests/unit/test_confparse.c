/* Unit tests of the dhcpd.conf parser (core/confparse.c): every construct
 * as a dump of the tree, the fixtures of confparse-fixtures/ (dhcpd's
 * verdict on each in its README: the good and lenient ones parse into
 * the peers, subnets, pools and ranges they declare; of the bad ones,
 * those the parser refuses and those it parses for the import to judge),
 * every refusal with its file and line, each limit just inside and just
 * outside, hostile inputs, the peer lookup.  argv[1]: the fixtures. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "confparse.h"
#include "err.h"

static const char *fixtures;

/* A string literal and its length. */
#define T(lit) lit, sizeof(lit) - 1

/* ---- a tree as text --------------------------------------------------- */

struct buf {
    char *s;
    size_t n, cap;
};

static void put(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int k;

    for (;;) {
        va_start(ap, fmt);
        k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < b->cap - b->n)
            break;
        char *more;

        b->cap = b->cap * 2 + (size_t)k + 64;
        more = realloc(b->s, b->cap);
        if (more == NULL)
            abort();
        b->s = more;
    }
    b->n += (size_t)k;
}

static void ip(struct buf *b, uint32_t a)
{
    put(b, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

static const char *const param_tag[CONFPARSE_PARAMS] = {
    "port", "peer-port", "mrd", "muu",  "mclt", "split",
    "lbms", "mlm",       "mlo", "maxb", "minb", "apd",
};

static void dump_peer(struct buf *b, const struct confparse_peer *p)
{
    put(b, " %s",
        p->role == CONFPARSE_ROLE_PRIMARY     ? "primary"
        : p->role == CONFPARSE_ROLE_SECONDARY ? "secondary"
                                              : "norole");
    if (p->address.line)
        put(b, " address=%s%s", p->address.text,
            p->address.is_ipv4 ? "" : "(name)");
    if (p->peer_address.line)
        put(b, " peer-address=%s%s", p->peer_address.text,
            p->peer_address.is_ipv4 ? "" : "(name)");
    for (int i = 0; i < CONFPARSE_PARAMS; i++)
        if (p->value_line[i])
            put(b, " %s=%lu", param_tag[i], p->value[i]);
    if (p->hba_line) {
        put(b, " hba=");
        for (int i = 0; i < 32; i++)
            put(b, "%02x", p->hba[i]);
    }
}

/* What n is, in words: "subnet 10.0.0.0/255.0.0.0", "range A-B" ... */
static void describe(struct buf *b, const struct confparse_node *n)
{
    switch (n->kind) {
    case CONFPARSE_ROOT:
        break;
    case CONFPARSE_OTHER:
        put(b, "other [%s]", n->text);
        break;
    case CONFPARSE_INCLUDE:
        put(b, "include %s", n->name);
        break;
    case CONFPARSE_PEER:
        put(b, "peer %s", n->name);
        dump_peer(b, n->peer);
        break;
    case CONFPARSE_PEER_REF:
        put(b, "ref %s", n->name);
        break;
    case CONFPARSE_SHARED:
        put(b, "shared-network %s", n->name);
        break;
    case CONFPARSE_SUBNET:
        put(b, "subnet ");
        ip(b, n->net);
        put(b, "/");
        ip(b, n->mask);
        break;
    case CONFPARSE_POOL:
        put(b, "pool");
        break;
    case CONFPARSE_RANGE:
        put(b, "range %s", n->dynamic_bootp ? "dynamic-bootp " : "");
        ip(b, n->low);
        put(b, "-");
        ip(b, n->high);
        break;
    case CONFPARSE_HOST:
        put(b, "host %s", n->name);
        break;
    case CONFPARSE_GROUP:
        put(b, "group %s", n->name != NULL ? n->name : "-");
        break;
    }
}

/* One line a node, indented by depth: "FILE:LINE what". */
static char *dump(const struct confparse *c)
{
    struct buf b = {NULL, 0, 0};
    const struct confparse_node *n;

    put(&b, "%s", "");
    for (n = confparse_walk(&c->root); n != NULL; n = confparse_walk(n)) {
        int depth = 0;

        for (const struct confparse_node *u = n->parent; u != &c->root;
             u = u->parent)
            depth++;
        put(&b, "%*s%s:%d ", depth * 2, "", n->file, n->line);
        describe(&b, n);
        put(&b, "\n");
    }
    return b.s;
}

/* ---- includes from a table or from the fixtures ----------------------- */

struct files {
    const char *names[8];
    const char *texts[8];
    char *loaded[64];
    size_t nloaded;
    size_t calls;
};

static int from_table(void *ctx, const char *name, const char **text,
                      size_t *len)
{
    struct files *fs = ctx;

    fs->calls++;
    for (int i = 0; i < 8 && fs->names[i] != NULL; i++)
        if (strcmp(fs->names[i], name) == 0) {
            *text = fs->texts[i];
            *len = strlen(fs->texts[i]);
            return 0;
        }
    return -1;
}

/* A fixture's text (they are small: up to 64 KiB), or NULL. */
static char *slurp(const char *name, size_t *len)
{
    enum { CAP = 65536 };
    char path[1024];
    FILE *fp;
    char *s = malloc(CAP + 1);
    size_t n;

    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    fp = s != NULL ? fopen(path, "rb") : NULL;
    if (fp == NULL) {
        free(s);
        return NULL;
    }
    n = fread(s, 1, CAP + 1, fp);
    fclose(fp);
    if (n > CAP) {
        free(s);
        return NULL;
    }
    s[n] = '\0';
    *len = n;
    return s;
}

static int from_fixtures(void *ctx, const char *name, const char **text,
                         size_t *len)
{
    struct files *fs = ctx;
    char *s;

    fs->calls++;
    if (strstr(name, "..") != NULL || fs->nloaded == 64)
        return -1;
    s = slurp(name, len);
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

/* ---- helpers ---------------------------------------------------------- */

/* Parses text as "main.conf" with includes from fs (may be NULL): its
 * dump, or "error FILE:LINE WHAT". */
static char *parse_dump(const char *text, size_t len, struct files *fs)
{
    struct confparse *c;
    struct confparse_err e;
    char *out;
    int rc = confparse_parse(text, len, "main.conf",
                             fs != NULL ? from_table : NULL, fs, &c, &e);

    if (rc < 0) {
        struct buf b = {NULL, 0, 0};

        CHECK(rc == ERR_INVALID && c == NULL);
        put(&b, "error %s:%d %s", e.file, e.line, e.what);
        return b.s;
    }
    out = dump(c);
    confparse_free(c);
    return out;
}

static int same(const char *got, const char *want, const char *name)
{
    if (strcmp(got, want) == 0)
        return 1;
    fprintf(stderr, "%s:\n--- want\n%s\n--- got\n%s\n", name, want, got);
    return 0;
}

/* ---- every construct -------------------------------------------------- */

static void test_constructs(void)
{
    static const char text[] =
        "# a comment, dropped\n"
        "authoritative;\n"
        "option domain-name \"example.org\"; # kept: the statement only\n"
        "key omapi_key { algorithm hmac-md5; secret \"c2VjcmV0\"; };\n"
        "failover peer \"fo\" {\n"
        "  PRIMARY; address 10.0.0.2; port 647;\n"
        "  peer address dhcp2.example.org; peer port 648;\n"
        "  max-response-delay 60; max-unacked-updates 10; mclt 3600;\n"
        "  split 128; load balance max seconds 3;\n"
        "  max-lease-misbalance 15; max-lease-ownership 10;\n"
        "  max-balance 3600; min-balance 60; auto-partner-down 0;\n"
        "}\n"
        "failover peer fo2 { secondary; hba "
        "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:"
        "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:01; }\n"
        "failover peer \"fo\" state { my state normal; }\n"
        "class \"c\" { match if substring(option vendor-class-identifier, 0, "
        "4) = \"MSFT\";\n}\n"
        "if option dhcp-user-class = \"x\" { a; } elsif b { c; }\n"
        "else { d; }\n"
        "shared-network \"net\" {\n"
        "  failover peer \"fo\";\n"
        "  option domain-name-servers 10.0.0.53;\n"
        "  subnet 10.1.0.0 netmask 255.255.0.0 {\n"
        "    range dynamic-bootp 10.1.0.10 10.1.0.20;\n"
        "    range 10.1.1.1;\n"
        "    pool { failover peer fo2; deny dynamic bootp clients;\n"
        "      range 10.1.2.1 10.1.2.9; }\n"
        "  }\n"
        "  pool { range 10.1.3.1 10.1.3.9; }\n"
        "}\n"
        "group { host h1 { hardware ethernet 0:1:2:3:4:5; } }\n"
        "group \"g\" { subnet 10.2.0.0 netmask 255.255.255.0 {\n"
        "  host h2.example.org { fixed-address 10.2.0.9; }\n"
        "  group { option routers 10.2.0.1; } } }\n"
        "subnet6 2001:db8::/64 { range6 2001:db8::1 2001:db8::9; }\n"
        "include \"inc.conf\";\n";
    static const char want[] =
        "main.conf:2 other [authoritative;]\n"
        "main.conf:3 other [option domain-name \"example.org\";]\n"
        "main.conf:4 other [key omapi_key { algorithm hmac-md5; secret "
        "\"c2VjcmV0\"; };]\n"
        "main.conf:5 peer fo primary address=10.0.0.2 "
        "peer-address=dhcp2.example.org(name) port=647 peer-port=648 "
        "mrd=60 muu=10 mclt=3600 split=128 lbms=3 mlm=15 mlo=10 maxb=3600 "
        "minb=60 apd=0\n"
        "main.conf:13 peer fo2 secondary hba="
        "ffffffffffffffffffffffffffffffff00000000000000000000000000000001\n"
        "main.conf:14 other [failover peer \"fo\" state { my state normal; "
        "}]\n"
        "main.conf:15 other [class \"c\" { match if substring(option "
        "vendor-class-identifier, 0, 4) = \"MSFT\";\n}]\n"
        "main.conf:17 other [if option dhcp-user-class = \"x\" { a; } elsif "
        "b { c; }\nelse { d; }]\n"
        "main.conf:19 shared-network net\n"
        "  main.conf:20 ref fo\n"
        "  main.conf:21 other [option domain-name-servers 10.0.0.53;]\n"
        "  main.conf:22 subnet 10.1.0.0/255.255.0.0\n"
        "    main.conf:23 range dynamic-bootp 10.1.0.10-10.1.0.20\n"
        "    main.conf:24 range 10.1.1.1-10.1.1.1\n"
        "    main.conf:25 pool\n"
        "      main.conf:25 ref fo2\n"
        "      main.conf:25 other [deny dynamic bootp clients;]\n"
        "      main.conf:26 range 10.1.2.1-10.1.2.9\n"
        "  main.conf:28 pool\n"
        "    main.conf:28 range 10.1.3.1-10.1.3.9\n"
        "main.conf:30 group -\n"
        "  main.conf:30 host h1\n"
        "    main.conf:30 other [hardware ethernet 0:1:2:3:4:5;]\n"
        "main.conf:31 group g\n"
        "  main.conf:31 subnet 10.2.0.0/255.255.255.0\n"
        "    main.conf:32 host h2.example.org\n"
        "      main.conf:32 other [fixed-address 10.2.0.9;]\n"
        "    main.conf:33 group -\n"
        "      main.conf:33 other [option routers 10.2.0.1;]\n"
        "main.conf:34 other [subnet6 2001:db8::/64 { range6 2001:db8::1 "
        "2001:db8::9; }]\n"
        "main.conf:35 include inc.conf\n"
        "  inc.conf:2 subnet 10.3.0.0/255.255.255.0\n"
        "    inc.conf:2 pool\n"
        "      inc.conf:2 include inc2.conf\n"
        "        inc2.conf:1 other [allow members of \"c\";]\n"
        "        inc2.conf:1 range 10.3.0.5-10.3.0.6\n";
    struct files fs = {
        {"inc.conf", "inc2.conf"},
        {"# included\nsubnet 10.3.0.0 netmask 255.255.255.0 { pool { include "
         "\"inc2.conf\"; } }\n",
         "allow members of \"c\"; range 10.3.0.5 10.3.0.6;"},
        {NULL},
        0,
        0};
    char *got = parse_dump(text, sizeof text - 1, &fs);
    struct confparse *c;
    const struct confparse_node *n, *fo;

    CHECK(same(got, want, "constructs"));
    free(got);
    CHECK(fs.calls == 2);

    /* the lookup, the walk, confparse_up */
    CHECK(confparse_parse(text, sizeof text - 1, "main.conf", from_table, &fs,
                          &c, NULL) == 0);
    fo = confparse_peer(c, "fo");
    CHECK(fo != NULL && fo->kind == CONFPARSE_PEER && fo->line == 5);
    CHECK(confparse_peer(c, "fo2") != NULL &&
          confparse_peer(c, "fo2")->line == 13);
    CHECK(confparse_peer(c, "FO") == NULL); /* case-sensitive */
    CHECK(confparse_peer(c, "f") == NULL && confparse_peer(c, "fo3") == NULL);
    for (n = confparse_walk(&c->root); n != NULL; n = confparse_walk(n))
        if (n->kind == CONFPARSE_RANGE && n->low == 0x0A010201u)
            break;
    CHECK(n != NULL && confparse_up(n, CONFPARSE_POOL) != NULL &&
          confparse_up(n, CONFPARSE_SUBNET)->net == 0x0A010000u &&
          confparse_up(n, CONFPARSE_SHARED) != NULL &&
          confparse_up(n, CONFPARSE_HOST) == NULL);
    CHECK(c->nodes == 36); /* the lines of want */
    confparse_free(c);
    confparse_free(NULL);
}

/* ---- the fixtures ----------------------------------------------------- */

/* What a parsed fixture declares, in one line: peers, then each subnet
 * with its pools, peer references and ranges. */
static char *summary(const struct confparse *c)
{
    struct buf b = {NULL, 0, 0};
    const struct confparse_node *n;

    put(&b, "%s", "");
    for (n = confparse_walk(&c->root); n != NULL; n = confparse_walk(n)) {
        if (n->kind == CONFPARSE_PEER || n->kind == CONFPARSE_SUBNET ||
            n->kind == CONFPARSE_POOL || n->kind == CONFPARSE_PEER_REF ||
            n->kind == CONFPARSE_RANGE) {
            describe(&b, n);
            put(&b, "; ");
        }
    }
    return b.s;
}

#define PEER_P                                                                 \
    "peer fo primary address=127.0.0.2 peer-address=127.0.0.3 port=647 "       \
    "peer-port=647 mrd=60 muu=10 mclt=3600 "
#define PEER_S                                                                 \
    "peer fo secondary address=127.0.0.3 peer-address=127.0.0.2 port=647 "     \
    "peer-port=647 mrd=60 muu=10 "
#define SCOPE                                                                  \
    "subnet 10.99.0.0/255.255.255.0; pool; ref fo; "                           \
    "range 10.99.0.100-10.99.0.199; "

/* The parser's verdict on each fixture: NULL want_error and the summary,
 * or the error (file:line and a part of the message). */
static const struct fixture {
    const char *file;
    const char *summary;
    const char *error;
} fixture_table[] = {
    {"ok-auto-partner-down.conf",
     PEER_P "split=128 lbms=3 mlm=15 mlo=10 maxb=3600 minb=60 apd=0; " SCOPE,
     NULL},
    {"ok-deny-dynamic-bootp.conf", PEER_P "split=128 lbms=3; " SCOPE, NULL},
    {"ok-disabled-scope-commented-out.conf",
     PEER_S "lbms=3; subnet 10.99.0.0/255.255.255.0; pool; ref fo; "
            "range 10.99.0.100-10.99.0.109; ",
     NULL},
    {"ok-disabled-scope-empty-subnet.conf",
     PEER_S "lbms=3; subnet 10.99.0.0/255.255.255.0; pool; ref fo; "
            "range 10.99.0.100-10.99.0.109; "
            "subnet 10.98.0.0/255.255.255.0; ",
     NULL},
    {"ok-include.conf", PEER_P "split=128 lbms=3; " SCOPE, NULL},
    {"ok-primary-hba.conf",
     PEER_P "lbms=3 hba=ffffffffffffffffffffffffffffffff"
            "00000000000000000000000000000000; " SCOPE,
     NULL},
    {"ok-primary-minimal.conf",
     "peer fo primary address=127.0.0.2 peer-address=127.0.0.3 mrd=60 "
     "muu=10 mclt=3600 split=128; " SCOPE,
     NULL},
    {"ok-primary.conf", PEER_P "split=128 lbms=3; " SCOPE, NULL},
    {"ok-secondary-minimal.conf",
     "peer fo secondary address=127.0.0.3 peer-address=127.0.0.2 mrd=60 "
     "muu=10; " SCOPE,
     NULL},
    {"ok-secondary.conf", PEER_S "lbms=3; " SCOPE, NULL},
    {"ok-split-0.conf", PEER_P "split=0 lbms=3; " SCOPE, NULL},
    {"ok-split-256.conf", PEER_P "split=256 lbms=3; " SCOPE, NULL},
    {"ok-two-pools-one-subnet.conf",
     PEER_P "split=128 lbms=3; subnet 10.99.0.0/255.255.255.0; pool; "
            "ref fo; range 10.99.0.100-10.99.0.149; pool; ref fo; "
            "range 10.99.0.150-10.99.0.199; ",
     NULL},
    {"ok-two-relationships-distinct-addresses-primary.conf",
     "peer fo-test primary address=10.99.0.2 peer-address=10.99.0.3 "
     "port=647 peer-port=647 mrd=15 muu=10 mclt=10 split=128 lbms=3 apd=3; "
     "peer fo-two primary address=10.99.0.12 peer-address=10.99.0.13 "
     "port=648 peer-port=648 mrd=15 muu=10 mclt=10 split=128 lbms=3; "
     "subnet 10.99.1.0/255.255.255.0; pool; ref fo-two; "
     "range 10.99.1.100-10.99.1.149; subnet 10.99.0.0/255.255.255.0; pool; "
     "ref fo-test; range 10.99.0.100-10.99.0.149; ",
     NULL},
    {"ok-two-relationships-distinct-addresses-secondary.conf",
     "peer fo-test secondary address=10.99.0.3 peer-address=10.99.0.2 "
     "port=647 peer-port=647 mrd=15 muu=10 lbms=3 apd=3; "
     "peer fo-two secondary address=10.99.0.13 peer-address=10.99.0.12 "
     "port=648 peer-port=648 mrd=15 muu=10 lbms=3; "
     "subnet 10.99.1.0/255.255.255.0; pool; ref fo-two; "
     "range 10.99.1.100-10.99.1.149; subnet 10.99.0.0/255.255.255.0; pool; "
     "ref fo-test; range 10.99.0.100-10.99.0.149; ",
     NULL},
    {"lenient-address-unresolvable.conf",
     "peer fo primary address=no-such-host.invalid(name) "
     "peer-address=127.0.0.3 port=647 peer-port=647 mrd=60 muu=10 mclt=3600 "
     "split=128 lbms=3; " SCOPE,
     NULL},
    {"lenient-mclt-on-secondary.conf", PEER_S "mclt=3600 lbms=3; " SCOPE, NULL},
    {"lenient-no-address.conf",
     "peer fo primary peer-address=127.0.0.3 port=647 peer-port=647 mrd=60 "
     "muu=10 mclt=3600 split=128 lbms=3; " SCOPE,
     NULL},
    {"lenient-no-max-response-delay.conf",
     "peer fo primary address=127.0.0.2 peer-address=127.0.0.3 port=647 "
     "peer-port=647 muu=10 mclt=3600 split=128 lbms=3; " SCOPE,
     NULL},
    {"lenient-no-max-unacked-updates.conf",
     "peer fo primary address=127.0.0.2 peer-address=127.0.0.3 port=647 "
     "peer-port=647 mrd=60 mclt=3600 split=128 lbms=3; " SCOPE,
     NULL},
    {"lenient-no-role.conf",
     "peer fo norole address=127.0.0.2 peer-address=127.0.0.3 port=647 "
     "peer-port=647 mrd=60 muu=10 mclt=3600 split=128 lbms=3; " SCOPE,
     NULL},
    {"lenient-peer-name-unquoted.conf", PEER_P "split=128 lbms=3; " SCOPE,
     NULL},
    {"lenient-split-and-hba.conf",
     PEER_P "split=128 lbms=3 hba=ffffffffffffffffffffffffffffffff"
            "00000000000000000000000000000000; " SCOPE,
     NULL},
    {"lenient-two-relationships-same-peer-ip-primary.conf",
     "peer fo-test primary address=10.99.0.2 peer-address=10.99.0.3 "
     "port=647 peer-port=647 mrd=5 muu=10 mclt=10 split=128 lbms=3 apd=3; "
     "peer fo-two primary address=10.99.0.2 peer-address=10.99.0.3 "
     "port=647 peer-port=647 mrd=5 muu=10 mclt=10 split=128 lbms=3; "
     "subnet 10.99.1.0/255.255.255.0; pool; ref fo-two; "
     "range 10.99.1.100-10.99.1.149; subnet 10.99.0.0/255.255.255.0; pool; "
     "ref fo-test; range 10.99.0.100-10.99.0.149; ",
     NULL},
    {"lenient-two-relationships-same-peer-ip-secondary.conf",
     "peer fo-test secondary address=10.99.0.3 peer-address=10.99.0.2 "
     "port=647 peer-port=647 mrd=5 muu=10 lbms=3; "
     "peer fo-two secondary address=10.99.0.3 peer-address=10.99.0.2 "
     "port=647 peer-port=647 mrd=5 muu=10 lbms=3; "
     "subnet 10.99.1.0/255.255.255.0; pool; ref fo-two; "
     "range 10.99.1.100-10.99.1.149; subnet 10.99.0.0/255.255.255.0; pool; "
     "ref fo-test; range 10.99.0.100-10.99.0.149; ",
     NULL},
    /* refused by the parser itself: syntax, and what may stand where */
    {"bad-failover-in-subnet-scope.conf", NULL,
     "bad-failover-in-subnet-scope.conf:14 a failover peer reference is not "
     "allowed in a subnet"},
    {"bad-hba-short.conf", NULL,
     "bad-hba-short.conf:10 hba of 3 bytes, not 32"},
    {"bad-include-missing.conf", NULL,
     "bad-include-missing.conf:2 include \"inc/does-not-exist.conf\": no "
     "such file"},
    {"bad-missing-semicolon.conf", NULL,
     "bad-missing-semicolon.conf:9 expected ';' after mclt, not \"split\" "
     "(line 10)"},
    {"bad-port-string.conf", NULL,
     "bad-port-string.conf:4 expected a number 0..65535 after port, not "
     "\"abc\""},
    {"bad-split-257.conf", NULL,
     "bad-split-257.conf:10 expected a number 0..256 after split, not "
     "\"257\""},
    {"bad-split-negative.conf", NULL,
     "bad-split-negative.conf:10 expected a number 0..256 after split, not "
     "\"-1\""},
    /* parsed: dhcpd refuses them for what the import checks */
    {"bad-duplicate-peer.conf", "", NULL},
    {"bad-dynamic-bootp-range.conf", "", NULL},
    {"bad-hba-on-secondary.conf", "", NULL},
    {"bad-include-order.conf", "", NULL},
    {"bad-mclt-0.conf", "", NULL},
    {"bad-no-mclt-on-primary.conf", "", NULL},
    {"bad-no-peer-address.conf", "", NULL},
    {"bad-no-split-on-primary.conf", "", NULL},
    {"bad-peer-after-pool.conf", "", NULL},
    {"bad-peer-declared-unused.conf", "", NULL},
    {"bad-pool-in-failover-without-range.conf", "", NULL},
    {"bad-pool-undeclared-peer.conf", "", NULL},
    {"bad-pool-wrong-peer-name.conf", "", NULL},
    {"bad-primary-minimal-no-split.conf", "", NULL},
    {"bad-range-outside-subnet.conf", "", NULL},
    {"bad-split-on-secondary-and-mclt.conf", "", NULL},
    {"bad-split-on-secondary.conf", "", NULL},
};

static void test_fixtures(void)
{
    size_t count = sizeof fixture_table / sizeof fixture_table[0];

    for (size_t i = 0; i < count; i++) {
        const struct fixture *fx = &fixture_table[i];
        struct files fs = {{NULL}, {NULL}, {NULL}, 0, 0};
        struct confparse *c = NULL;
        struct confparse_err e;
        size_t len;
        char *text = slurp(fx->file, &len);
        int rc;

        CHECK(text != NULL);
        if (text == NULL) {
            fprintf(stderr, "cannot read %s/%s\n", fixtures, fx->file);
            continue;
        }
        rc = confparse_parse(text, len, fx->file, from_fixtures, &fs, &c, &e);
        if (fx->error != NULL) {
            char got[512];

            snprintf(got, sizeof got, "%s:%d %s", e.file, e.line, e.what);
            CHECK(rc == ERR_INVALID && c == NULL);
            CHECK(strncmp(got, fx->error, strlen(fx->error)) == 0);
            if (strncmp(got, fx->error, strlen(fx->error)) != 0)
                fprintf(stderr, "%s: got \"%s\"\n", fx->file, got);
        } else {
            CHECK(rc == 0 && c != NULL);
            if (rc == 0 && fx->summary[0] != '\0') {
                char *s = summary(c);

                CHECK(same(s, fx->summary, fx->file));
                free(s);
            }
            if (rc != 0)
                fprintf(stderr, "%s: %s:%d %s\n", fx->file, e.file, e.line,
                        e.what);
        }
        confparse_free(c);
        files_free(&fs);
        free(text);
    }
}

/* ---- refusals, each with its place ----------------------------------- */

static const struct refusal {
    const char *text;
    const char *want; /* "error FILE:LINE WHAT" */
} refusals[] = {
    {"subnet 10.0.0 netmask 255.0.0.0 { }",
     "error main.conf:1 subnet: expecting '.' and the rest of an IPv4 "
     "address, not a name"},
    {"subnet 10.0.0.0\n mask 255.0.0.0 { }",
     "error main.conf:2 expected \"netmask\", not \"mask\""},
    {"subnet 10.0.0.0 netmask 255.0.0.0;",
     "error main.conf:1 expected '{' after the netmask, not ';'"},
    {"subnet 10.0.0.0 netmask 255.0.0.256 { }",
     "error main.conf:1 netmask: expecting a number 0..255 of an IPv4 "
     "address, not \"256\""},
    {"option a 1", "error main.conf:1 expected ';' after the statement at "
                   "line 1, not the end of input"},
    {"subnet 10.0.0.0 netmask 255.0.0.0 {\n option a\n 1\n}",
     "error main.conf:3 expected ';' after the statement at line 2, not "
     "'}' (line 4)"},
    {"\n\npool { range 10.0.0.1; }",
     "error main.conf:3 a pool is not allowed in the top level"},
    {"range 10.0.0.1;", "error main.conf:1 a range is not allowed in the top "
                        "level"},
    {"shared-network n { range 10.0.0.1; }",
     "error main.conf:1 a range is not allowed in a shared-network"},
    {"subnet 10.0.0.0 netmask 255.0.0.0 {\n subnet 10.1.0.0 netmask "
     "255.255.0.0 { } }",
     "error main.conf:2 a subnet is not allowed in a subnet"},
    {"host h {\n pool { } }", "error main.conf:2 a pool is not allowed in a "
                              "host"},
    {"subnet 10.0.0.0 netmask 255.0.0.0 { shared-network x { } }",
     "error main.conf:1 a shared-network is not allowed in a subnet"},
    {"group { pool { } }",
     "error main.conf:1 a pool is not allowed in a group"},
    {"subnet 10.0.0.0 netmask 255.0.0.0 {\n\n failover peer \"x\" { } }",
     "error main.conf:3 a failover peer is not allowed in a subnet"},
    {"failover peer \"x\";", "error main.conf:1 a failover peer reference is "
                             "not allowed in the top level"},
    {"failover peer { }", "error main.conf:1 expected the peer's name after "
                          "failover peer, not '{'"},
    {"failover peer \"a\\000b\" { }",
     "error main.conf:1 the peer's name holds a NUL byte"},
    {"failover peer x {\n primary;\n bogus 1;\n}",
     "error main.conf:3 expected a failover peer parameter, not \"bogus\""},
    {"failover peer x { load balance max secs 3; }",
     "error main.conf:1 expected \"seconds\", not \"secs\""},
    {"failover peer x { load balance 3; }",
     "error main.conf:1 expected \"max\", not \"3\""},
    {"failover peer x { peer adress 10.0.0.1; }",
     "error main.conf:1 expected \"address\" or \"port\" after peer, not "
     "\"adress\""},
    {"failover peer x { port 65536; }",
     "error main.conf:1 expected a number 0..65535 after port, not \"65536\""},
    {"failover peer x { peer port -1; }",
     "error main.conf:1 expected a number 0..65535 after peer, not \"-1\""},
    {"failover peer x { mclt 4294967296; }",
     "error main.conf:1 expected a number 0..4294967295 after mclt, not "
     "\"4294967296\""},
    {"failover peer x { mclt \"5\"; }",
     "error main.conf:1 expected a number 0..4294967295 after mclt, not a "
     "string"},
    {"failover peer x { mclt 0x10; }",
     "error main.conf:1 expected a number 0..4294967295 after mclt, not "
     "\"0x10\""},
    {"failover peer x { address ; }",
     "error main.conf:1 expected an IPv4 address or host name, not ';'"},
    {"failover peer x { address \"10.0.0.1\"; }",
     "error main.conf:1 expected an IPv4 address or host name, not a "
     "string"},
    {"failover peer x { address 10.0.0.1 port 647; }",
     "error main.conf:1 expected ';' after the address, not \"port\""},
    {"failover peer x { primary }",
     "error main.conf:1 expected ';' after primary, not '}'"},
    {"failover peer x { hba 1:2; }",
     "error main.conf:1 hba of 2 bytes, not 32"},
    {"failover peer x { hba "
     "1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:"
     "1d:1e:1f:20:21; }",
     "error main.conf:1 hba: more than 32 hex bytes"},
    {"failover peer x { hba 1:2:zz; }",
     "error main.conf:1 hba: expecting a hex byte 0..ff, not \"zz\""},
    {"failover peer x { { } }",
     "error main.conf:1 expected a failover peer parameter, not '{'"},
    {"include foo;", "error main.conf:1 expected a file name (a string) after "
                     "include, not \"foo\""},
    {"include \"x\"", "error main.conf:1 expected ';' after include, not the "
                      "end of input"},
    {"{ }", "error main.conf:1 expected a statement, not '{'"},
    {"\"x\";", "error main.conf:1 expected a statement, not a string"},
    {";", "error main.conf:1 expected a statement, not ';'"},
    {"10.0.0.1;", "error main.conf:1 expected a statement, not \"10\""},
    {"}", "error main.conf:1 unbalanced '}'"},
    {"a;\nsubnet 10.0.0.0 netmask 255.0.0.0 {", "error main.conf:2 unclosed "
                                                "'{'"},
    {"option a \"b", "error main.conf:1 unterminated string"},
    {"range 10.0.0.1;\n", "error main.conf:1 a range is not allowed"},
    {"subnet 10.0.0.0 netmask 255.0.0.0 { range 10.0.0.1 10.0.0.2 }",
     "error main.conf:1 expected ';' after the range, not '}'"},
    {"subnet 10.0.0.0 netmask 255.0.0.0 { range dynamic-bootp; }",
     "error main.conf:1 range: expecting a number 0..255 of an IPv4 "
     "address, not \";\""},
    {"host { }", "error main.conf:1 the host's name: expecting a name, not "
                 "'{'"},
    {"host h ;", "error main.conf:1 expected '{' after the name, not ';'"},
    {"group \"g\" ;", "error main.conf:1 expected '{' after the name, not "
                      "';'"},
    {"group 1 { }", "error main.conf:1 expected the group's name (a string or "
                    "a name), not \"1\""},
    {"shared-network { }", "error main.conf:1 the shared-network's name: "
                           "expecting a name, not '{'"},
    {"subnet 10.0.0.0 netmask 255.0.0.0 { pool ; }",
     "error main.conf:1 expected '{' after pool, not ';'"},
    {"include \"inc.conf\";", "error main.conf:1 include \"inc.conf\": "
                              "includes are not read here"},
};

/* The same with includes: the error names the included file. */
static void test_refusals(void)
{
    size_t count = sizeof refusals / sizeof refusals[0];
    struct files fs = {
        {"inc.conf", "bad.conf"},
        {"a;\n\noption b \"unterminated;\n", "group {\n pool { } }\n"},
        {NULL},
        0,
        0};
    char *got;

    for (size_t i = 0; i < count; i++) {
        char name[32];

        /* the last one is about includes not being read */
        got = parse_dump(refusals[i].text, strlen(refusals[i].text),
                         i + 1 < count ? &fs : NULL);
        snprintf(name, sizeof name, "refusal %zu", i);
        CHECK(strncmp(got, refusals[i].want, strlen(refusals[i].want)) == 0);
        if (strncmp(got, refusals[i].want, strlen(refusals[i].want)) != 0)
            same(got, refusals[i].want, name);
        free(got);
    }
    got = parse_dump(T("a;\ninclude \"inc.conf\";"), &fs);
    CHECK(same(got, "error inc.conf:3 unterminated string", "in include"));
    free(got);
    got = parse_dump(T("\n\ninclude \"bad.conf\";"), &fs);
    CHECK(same(got, "error bad.conf:2 a pool is not allowed in a group",
               "in include"));
    free(got);
    /* bytes of names outside printable ASCII shown as '?' */
    got = parse_dump(T("include \"a\tb\\x01\xc3\xa9\";"), &fs);
    CHECK(same(got, "error main.conf:1 include \"a?b???\": no such file",
               "printable"));
    free(got);
    got = parse_dump(T("include \"none.conf\";"), &fs);
    CHECK(same(got, "error main.conf:1 include \"none.conf\": no such file",
               "missing include"));
    free(got);
    /* a subnet within an include within a subnet: placed by where the
     * include stands */
    fs.texts[0] = "subnet 10.1.0.0 netmask 255.255.0.0 { }";
    got = parse_dump(T("subnet 10.0.0.0 netmask 255.0.0.0 {\n include "
                       "\"inc.conf\"; }"),
                     &fs);
    CHECK(same(got, "error inc.conf:1 a subnet is not allowed in a subnet",
               "include's context"));
    free(got);
    /* no error struct: still refused, nothing leaked */
    {
        struct confparse *c = (struct confparse *)&fs;

        CHECK(confparse_parse(T("}"), "x", NULL, NULL, &c, NULL) ==
                  ERR_INVALID &&
              c == NULL);
    }
}

/* ---- the limits, just inside and just outside ------------------------- */

/* "d0" .. "dN": dK includes d(K+1) up to the ctx's depth, which holds
 * one statement. */
static int chain(void *ctx, const char *name, const char **text, size_t *len)
{
    static char buf[64];
    int limit = *(int *)ctx, k = (int)strtol(name + 1, NULL, 10);

    if (k >= limit)
        snprintf(buf, sizeof buf, "last;");
    else
        snprintf(buf, sizeof buf, "include \"d%d\";", k + 1);
    *text = buf;
    *len = strlen(buf);
    return 0;
}

/* Text of n copies of unit, then tail. */
static char *repeat(const char *unit, size_t n, const char *tail, size_t *len)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * n + t + 1);

    if (s == NULL)
        abort();
    for (size_t i = 0; i < u * n; i++)
        s[i] = unit[i % u];
    for (size_t i = 0; i <= t; i++)
        s[u * n + i] = tail[i];
    *len = u * n + t;
    return s;
}

/* Parses text: 0 or the error's what into want (a prefix) checked. */
static void limit_case(const char *text, size_t len, confparse_include_fn fn,
                       void *ctx, const char *want, const char *name)
{
    struct confparse *c = NULL;
    struct confparse_err e;
    int rc = confparse_parse(text, len, "main.conf", fn, ctx, &c, &e);

    if (want == NULL) {
        CHECK(rc == 0);
        if (rc != 0)
            fprintf(stderr, "%s: %s:%d %s\n", name, e.file, e.line, e.what);
    } else {
        CHECK(rc == ERR_INVALID && strncmp(e.what, want, strlen(want)) == 0);
        if (rc == 0 || strncmp(e.what, want, strlen(want)) != 0)
            fprintf(stderr, "%s: rc %d, %s:%d %s\n", name, rc, e.file, e.line,
                    e.what);
    }
    confparse_free(c);
}

static int blanks(void *ctx, const char *name, const char **text, size_t *len)
{
    (void)name;
    *text = ctx;
    *len = CONFPARSE_FILE_MAX;
    return 0;
}

static void test_limits(void)
{
    char *s, *big;
    size_t len;
    int depth;
    struct files fs = {{"e"}, {""}, {NULL}, 0, 0};
    char name[CONFPARSE_NAME_MAX + 64];

    /* blocks nested */
    {
        char *open = repeat("group { ", CONFPARSE_DEPTH_MAX, "", &len);
        char *close = repeat("}", CONFPARSE_DEPTH_MAX, "", &len);
        char both[1024];

        snprintf(both, sizeof both, "%s%s", open, close);
        limit_case(both, strlen(both), NULL, NULL, NULL, "depth inside");
        snprintf(both, sizeof both, "group { %s%s}", open, close);
        limit_case(both, strlen(both), NULL, NULL,
                   "blocks nested deeper than 32", "depth outside");
        free(open);
        free(close);
    }
    /* includes nested: d0 .. d8 is 8 includes deep */
    depth = CONFPARSE_INCLUDE_DEPTH_MAX;
    limit_case(T("include \"d1\";"), chain, &depth, NULL, "includes inside");
    depth = CONFPARSE_INCLUDE_DEPTH_MAX + 1;
    limit_case(T("include \"d1\";"), chain, &depth,
               "includes nested deeper than 8", "includes outside");
    /* blocks and includes together */
    depth = 2;
    {
        char *open = repeat("group { ", CONFPARSE_DEPTH_MAX - 2, "", &len);
        char *close = repeat("}", CONFPARSE_DEPTH_MAX - 2, "", &len);
        char both[1024];

        snprintf(both, sizeof both, "%sinclude \"d1\";%s", open, close);
        limit_case(both, strlen(both), chain, &depth, NULL, "mixed inside");
        depth = 3;
        limit_case(both, strlen(both), chain, &depth,
                   "blocks and includes nested deeper than 32",
                   "mixed outside");
        free(open);
        free(close);
    }
    /* includes in all */
    s = repeat("include \"e\";\n", CONFPARSE_INCLUDES_MAX, "", &len);
    limit_case(s, len, from_table, &fs, NULL, "include count inside");
    free(s);
    s = repeat("include \"e\";\n", CONFPARSE_INCLUDES_MAX + 1, "", &len);
    limit_case(s, len, from_table, &fs, "more than 256 includes",
               "include count outside");
    free(s);
    /* statements */
    s = repeat("a;", CONFPARSE_STATEMENTS_MAX, "", &len);
    limit_case(s, len, NULL, NULL, NULL, "statements inside");
    free(s);
    s = repeat("a;", CONFPARSE_STATEMENTS_MAX, "b;", &len);
    limit_case(s, len, NULL, NULL, "more than 1000000 statements",
               "statements outside");
    free(s);
    /* a file's bytes, and all files' */
    big = malloc(CONFPARSE_FILE_MAX + 1);
    if (big == NULL)
        abort();
    memset(big, ' ', CONFPARSE_FILE_MAX + 1);
    memcpy(big, "a;", 2);
    limit_case(big, CONFPARSE_FILE_MAX, NULL, NULL, NULL, "file inside");
    limit_case(big, CONFPARSE_FILE_MAX + 1, NULL, NULL,
               "main.conf: longer than 33554432 bytes", "file outside");
    limit_case(T("include \"big\";\n"), blanks, big, NULL, "total inside");
    limit_case(T("include \"big\";\ninclude \"big\";\n"), blanks, big,
               "files longer than 67108864 bytes in all", "total outside");
    free(big);
    /* a name */
    snprintf(name, sizeof name, "failover peer \"%0*d\" { }",
             CONFPARSE_NAME_MAX, 0);
    limit_case(name, strlen(name), NULL, NULL, NULL, "name inside");
    snprintf(name, sizeof name, "failover peer \"%0*d\" { }",
             CONFPARSE_NAME_MAX + 1, 0);
    limit_case(name, strlen(name), NULL, NULL,
               "the peer's name longer than 255 bytes", "name outside");
    snprintf(name, sizeof name, "host h%0*d { }", CONFPARSE_NAME_MAX - 1, 0);
    limit_case(name, strlen(name), NULL, NULL, NULL, "host inside");
    snprintf(name, sizeof name, "host h%0*d { }", CONFPARSE_NAME_MAX, 0);
    limit_case(name, strlen(name), NULL, NULL,
               "the host's name: name longer than 255 bytes", "host outside");
    /* a token (the lexer's limit), in an included file */
    s = repeat("x", 1500, ";", &len);
    fs.texts[0] = s;
    limit_case(T("include \"e\";"), from_table, &fs,
               "token longer than 1499 bytes", "token");
    free(s);
}

/* ---- hostile inputs --------------------------------------------------- */

static int self(void *ctx, const char *name, const char **text, size_t *len)
{
    (void)ctx;
    (void)name;
    *text = "include \"self\"; include \"self\";";
    *len = strlen(*text);
    return 0;
}

static void test_hostile(void)
{
    static const char seed[] =
        "failover peer \"fo\" { primary; address 10.0.0.2; port 647; peer "
        "address 10.0.0.3; peer port 647; mclt 3600; split 128; hba "
        "ff:00; load balance max seconds 3; }\n"
        "shared-network s { subnet 10.0.0.0 netmask 255.0.0.0 { pool { "
        "failover peer \"fo\"; range 10.0.0.1 10.0.0.9; } host h { a b; } "
        "if x { y; } else { z; } } }\ngroup \"g\" { include \"e\"; }\n";
    static const char bytes[] = "{};\"#\\.:\n x1-";
    struct files fs = {{"e"}, {"option x 1;"}, {NULL}, 0, 0};
    unsigned long rng = 12345;
    char text[sizeof seed];
    int parsed = 0, refused = 0;

    /* a file including itself twice: 2 + 4 + ... calls, stopped */
    limit_case(T("include \"self\";"), self, NULL,
               "includes nested deeper than 8", "self include");
    /* many mutations of a good file: parsed or refused with a place */
    for (int round = 0; round < 20000; round++) {
        struct confparse *c = NULL;
        struct confparse_err e;
        int rc;

        memcpy(text, seed, sizeof seed);
        for (int k = 0; k < 1 + round % 4; k++) {
            rng = rng * 6364136223846793005UL + 1442695040888963407UL;
            text[(rng >> 33) % (sizeof seed - 1)] =
                bytes[(rng >> 17) % (sizeof bytes - 1)];
        }
        rc = confparse_parse(text, sizeof seed - 1, "m", from_table, &fs, &c,
                             &e);
        if (rc == 0) {
            parsed++;
            CHECK(c != NULL && c->nodes > 0);
        } else {
            refused++;
            CHECK(rc == ERR_INVALID && c == NULL && e.what[0] != '\0' &&
                  e.line >= 1 && e.file[0] != '\0');
        }
        confparse_free(c);
    }
    printf("mutations: %d parsed, %d refused\n", parsed, refused);
    CHECK(parsed > 100 && refused > 100);
}

/* ---- no quadratic time: 10,000 and 100,000 scopes ---------------------- */

static double parse_scopes(size_t scopes, size_t *bytes)
{
    struct buf b = {NULL, 0, 0};
    struct confparse *c = NULL;
    struct timespec t0, t1;
    const struct confparse_node *n;
    size_t found = 0;

    put(&b, "failover peer \"fo\" { primary; address 10.0.0.2; peer address "
            "10.0.0.3; mclt 3600; split 128; }\n");
    for (size_t i = 0; i < scopes; i++)
        put(&b,
            "subnet 10.%zu.%zu.0 netmask 255.255.255.0 {\n"
            "  option routers 10.%zu.%zu.1;\n"
            "  pool {\n    failover peer \"fo\";\n"
            "    range 10.%zu.%zu.100 10.%zu.%zu.199;\n  }\n}\n",
            i / 256 % 256, i % 256, i / 256 % 256, i % 256, i / 256 % 256,
            i % 256, i / 256 % 256, i % 256);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(confparse_parse(b.s, b.n, "big.conf", NULL, NULL, &c, NULL) == 0);
    for (n = c != NULL ? confparse_walk(&c->root) : NULL; n != NULL;
         n = confparse_walk(n))
        if (n->kind == CONFPARSE_PEER_REF && confparse_peer(c, n->name) != NULL)
            found++;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(found == scopes);
    CHECK(c != NULL && c->nodes == 1 + scopes * 5);
    confparse_free(c);
    *bytes = b.n;
    free(b.s);
    return (double)(t1.tv_sec - t0.tv_sec) +
           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void test_scale(void)
{
    size_t b1, b2;
    double t1 = parse_scopes(10000, &b1), t2 = parse_scopes(100000, &b2);

    printf("10,000 scopes (%zu bytes): %.3f s; 100,000 scopes (%zu bytes): "
           "%.3f s\n",
           b1, t1, b2, t2);
    /* linear: ten times the input in about ten times the time */
    CHECK(t2 < t1 * 40 + 0.05);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FIXTURES-DIR\n", argv[0]);
        return 2;
    }
    fixtures = argv[1];
    test_constructs();
    test_fixtures();
    test_refusals();
    test_limits();
    test_hostile();
    test_scale();
    return check_report();
}
