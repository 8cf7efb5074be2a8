/* micetro-emu unit tests: the dhcpd.conf renderer (render).
 *
 * Usage: test_render GOLDEN_DIR
 *
 * Each golden case is a model built here, rendered and compared byte for
 * byte with GOLDEN_DIR/NAME.conf.  With MICETRO_RENDER_UPDATE=1 in the
 * environment the files are (re)written instead; review the diff, then run
 * the test again without it (and the render.dhcpd_check test, which runs
 * the real `dhcpd -t` on every golden file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conflex.h"
#include "err.h"
#include "render.h"

#define IP(a, b, c, d)                                                         \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 |          \
     (uint32_t)(d))
#define N(x) (sizeof(x) / sizeof((x)[0]))

static const char *golden_dir;
static int update;

static const char secret[] = "c2VjcmV0LW9mLXRoZS10ZXN0LWtleQ==";

/* ---- golden files ---------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        goto out;
    p = malloc((size_t)n + 1);
    if (p == NULL)
        goto out;
    if (fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
        goto out;
    }
    p[n] = '\0';
    *len = (size_t)n;
out:
    fclose(f);
    return p;
}

/* Renders s and compares with (or, updating, writes) NAME.conf. */
static void golden(const char *name, const struct render_server *s)
{
    char path[1024], *text = NULL, *want = NULL, *again = NULL;
    size_t len = 0, wlen = 0, alen = 0;
    struct err e;

    snprintf(path, sizeof path, "%s/%s.conf", golden_dir, name);
    err_clear(&e);
    if (render_config(s, &text, &len, &e) != 0) {
        fprintf(stderr, "%s: render failed: %s\n", name, e.msg);
        CHECK(0);
        return;
    }
    CHECK(strlen(text) == len);
    /* determinism: the same model gives the same bytes */
    CHECK(render_config(s, &again, &alen, &e) == 0);
    CHECK(again != NULL && alen == len && memcmp(again, text, len) == 0);
    free(again);
    if (update) {
        FILE *f = fopen(path, "wb");

        CHECK(f != NULL);
        if (f != NULL) {
            CHECK(fwrite(text, 1, len, f) == len);
            CHECK(fclose(f) == 0);
        }
        printf("wrote %s\n", path);
        free(text);
        return;
    }
    want = read_file(path, &wlen);
    if (want == NULL) {
        fprintf(stderr,
                "%s: cannot read %s (MICETRO_RENDER_UPDATE=1 "
                "writes it)\n",
                path, name);
        CHECK(0);
    } else if (wlen != len || memcmp(want, text, len) != 0) {
        fprintf(stderr, "%s differs from the rendering; got:\n%s\n", path,
                text);
        CHECK(0);
    } else {
        CHECK(1);
    }
    free(want);
    free(text);
}

/* ---- models ---------------------------------------------------------- */

/* The relationship "pair A" between 127.0.0.2 (primary, port 647) and
 * 127.0.0.3 (secondary, port 648), seen from one side. */
static struct render_relationship pair_a(enum render_role role)
{
    struct render_relationship r = {
        .name = "pair A",
        .role = role,
        .address = role == RENDER_PRIMARY ? IP(127, 0, 0, 2) : IP(127, 0, 0, 3),
        .port = role == RENDER_PRIMARY ? 647 : 648,
        .peer_address = role == RENDER_PRIMARY ? IP(127, 0, 0, 3)
                                               : IP(127, 0, 0, 2),
        .peer_port = role == RENDER_PRIMARY ? 648 : 647,
        .mclt = 3600,
        .percentage = 50,
        .max_response_delay = 60,
        .max_unacked_updates = 10,
        .load_balance_max_seconds = 3,
    };
    return r;
}

static struct render_server server(const char *name, const char *address)
{
    struct render_server s = {
        .name = name,
        .address = address,
        .omapi_port = 7911,
        .omapi_key_name = "omapi_key",
        .omapi_secret = secret,
    };
    return s;
}

static const struct render_pool pools_99[] = {
    {IP(10, 99, 0, 150), IP(10, 99, 0, 199), NULL},
    {IP(10, 99, 0, 100), IP(10, 99, 0, 149), NULL},
};
static const struct render_pool pools_98[] = {
    {IP(10, 98, 0, 10), IP(10, 98, 0, 20), NULL},
};
static const struct render_pool pools_97[] = {
    {IP(10, 97, 0, 10), IP(10, 97, 0, 250), NULL},
};
/* pools with unmanaged statements of their own */
static const struct render_pool pools_99s[] = {
    {IP(10, 99, 0, 150), IP(10, 99, 0, 199), "    max-lease-time 900;"},
    {IP(10, 99, 0, 100), IP(10, 99, 0, 149), NULL},
};
static const struct render_pool pools_98s[] = {
    {IP(10, 98, 0, 10), IP(10, 98, 0, 20),
     "    deny dynamic bootp clients;\n    default-lease-time 120;\n"},
};
static const struct render_pool pools_big[] = {
    {IP(172, 16, 8, 0), IP(172, 16, 15, 254), NULL},
    {IP(172, 16, 1, 1), IP(172, 16, 1, 254), NULL},
};

/* A server with scopes and pools but no failover. */
static void case_no_relationships(void)
{
    struct render_server s = server("dhcp0.example.", "127.0.0.2");
    struct render_scope sc[] = {
        {IP(172, 16, 0, 0), 20, "office", 1, -1, NULL, pools_big, N(pools_big),
         NULL},
        {IP(10, 99, 0, 0), 24, "10.99.0.0/24", 1, -1, NULL, pools_99,
         N(pools_99), NULL},
        {IP(10, 98, 0, 0), 24, "no-pools", 1, -1, NULL, NULL, 0, NULL},
    };

    s.scopes = sc;
    s.nscopes = N(sc);
    golden("no-relationships", &s);
}

/* Both sides of one relationship: identical pools. */
static void both_sides(enum render_role role, const char *file)
{
    struct render_relationship r[] = {pair_a(role)};
    struct render_server s = role == RENDER_PRIMARY
                                 ? server("dhcp1.example.", "127.0.0.2")
                                 : server("dhcp2.example.", "127.0.0.3");
    struct render_scope sc[] = {
        {IP(10, 99, 0, 0), 24, "10.99.0.0/24", 1, 0, NULL, pools_99,
         N(pools_99), NULL},
        {IP(10, 98, 0, 0), 24, "10.98.0.0/24", 1, 0, NULL, pools_98,
         N(pools_98), NULL},
    };

    s.omapi_port = role == RENDER_PRIMARY ? 7911 : 7912;
    s.relationships = r;
    s.nrelationships = N(r);
    s.scopes = sc;
    s.nscopes = N(sc);
    golden(file, &s);
}

/* A relationship without member scopes, and one whose member scope has no
 * pool: neither is declared (dhcpd is fatal on a peer without pools). */
static void case_empty_relationship(void)
{
    struct render_relationship r[] = {pair_a(RENDER_PRIMARY),
                                      pair_a(RENDER_PRIMARY)};
    struct render_server s = server("dhcp1.example.", "127.0.0.2");
    struct render_scope sc[] = {
        {IP(10, 99, 0, 0), 24, "plain", 1, -1, NULL, pools_99, N(pools_99),
         NULL},
        {IP(10, 98, 0, 0), 24, "member-without-pools", 1, 1, NULL, NULL, 0,
         NULL},
    };

    r[1].name = "no pools";
    r[1].peer_address = IP(127, 0, 0, 4);
    s.relationships = r;
    s.nrelationships = N(r);
    s.scopes = sc;
    s.nscopes = N(sc);
    golden("empty-relationship", &s);
}

/* The secondary with a disabled member scope beside an enabled one, and a
 * relationship whose only member scope is disabled (not declared). */
static void case_disabled_member(void)
{
    struct render_relationship r[] = {pair_a(RENDER_SECONDARY),
                                      pair_a(RENDER_SECONDARY)};
    struct render_server s = server("dhcp2.example.", "127.0.0.3");
    struct render_scope sc[] = {
        {IP(10, 99, 0, 0), 24, "enabled", 1, 0, NULL, pools_99, N(pools_99),
         NULL},
        {IP(10, 98, 0, 0), 24, "disabled", 0, 0,
         "  option routers 10.98.0.1;\n", pools_98, N(pools_98), NULL},
        {IP(10, 97, 0, 0), 24, "disabled-alone", 0, 1, NULL, pools_97,
         N(pools_97), NULL},
    };

    r[1].name = "only disabled";
    r[1].peer_address = IP(127, 0, 0, 4);
    s.relationships = r;
    s.nrelationships = N(r);
    s.scopes = sc;
    s.nscopes = N(sc);
    golden("disabled-member", &s);
}

/* Primary of one relationship and secondary of another (given in the
 * reverse order of their names), plus a scope outside failover. */
static void case_two_relationships(void)
{
    struct render_relationship r[] = {pair_a(RENDER_SECONDARY),
                                      pair_a(RENDER_PRIMARY)};
    struct render_server s = server("dhcp3.example.", "127.0.0.3");
    struct render_scope sc[] = {
        {IP(10, 98, 0, 0), 24, "beta-scope", 1, 0, NULL, pools_98, N(pools_98),
         NULL},
        {IP(10, 99, 0, 0), 24, "alpha-scope", 1, 1, NULL, pools_99, N(pools_99),
         NULL},
        {IP(10, 97, 0, 0), 24, "local", 1, -1, NULL, pools_97, N(pools_97),
         NULL},
    };

    r[0].name = "beta";
    r[0].address = IP(127, 0, 0, 3);
    r[0].peer_address = IP(127, 0, 0, 4);
    r[1].name = "alpha";
    r[1].address = IP(127, 0, 0, 3);
    r[1].port = 647;
    r[1].peer_address = IP(127, 0, 0, 5);
    r[1].peer_port = 647;
    r[1].mclt = 1800;
    r[1].percentage = 70;
    r[1].max_response_delay = 30;
    r[1].max_unacked_updates = 8;
    r[1].load_balance_max_seconds = 5;
    s.relationships = r;
    s.nrelationships = N(r);
    s.scopes = sc;
    s.nscopes = N(sc);
    golden("two-relationships", &s);
}

/* The primary of four relationships: percentage 0, 33, 50, 100 (split 0,
 * 84, 128, 256). */
static void case_percentages(void)
{
    static const int pct[] = {0, 33, 50, 100};
    static const char *const names[] = {"pct-0", "pct-33", "pct-50", "pct-100"};
    static struct render_pool pools[4][1];
    struct render_relationship r[4];
    struct render_scope sc[4];
    struct render_server s = server("dhcp1.example.", "127.0.0.2");
    size_t i;

    for (i = 0; i < 4; i++) {
        r[i] = pair_a(RENDER_PRIMARY);
        r[i].name = names[i];
        r[i].percentage = pct[i];
        r[i].peer_address = IP(127, 0, 1, 3 + i);
        pools[i][0].from = IP(10, 90 + i, 0, 100);
        pools[i][0].to = IP(10, 90 + i, 0, 199);
        sc[i] = (struct render_scope){IP(10, 90 + i, 0, 0),
                                      24,
                                      names[i],
                                      1,
                                      (int)i,
                                      NULL,
                                      pools[i],
                                      1,
                                      NULL};
    }
    s.relationships = r;
    s.nrelationships = 4;
    s.scopes = sc;
    s.nscopes = 4;
    golden("percentages", &s);
}

/* Unmanaged global and subnet statements, kept verbatim (one without its
 * final newline), braces and '#' inside strings and comments. */
static void case_unmanaged(void)
{
    struct render_relationship r[] = {pair_a(RENDER_PRIMARY)};
    struct render_server s = server("dhcp1.example.", "127.0.0.2");
    struct render_scope sc[] = {
        {IP(10, 99, 0, 0), 24, "10.99.0.0/24", 1, 0,
         "  option routers 10.99.0.1;\n"
         "  option domain-name-servers 10.99.0.2, 10.99.0.3;\n"
         "  # a comment with a brace } and a \"quote\n"
         "  option domain-name \"a{b}#c.example\";\n",
         pools_99s, N(pools_99s), NULL},
        {IP(10, 98, 0, 0), 24, "10.98.0.0/24", 1, -1,
         "\tdefault-lease-time 300;\n"
         "\tclass \"phones\" {\n"
         "\t\tmatch if substring (option vendor-class-identifier, 0, 4) = "
         "\"SIP/\";\n"
         "\t}",
         pools_98s, N(pools_98s), NULL},
    };

    s.statements = "# imported\n"
                   "authoritative;\n"
                   "ddns-update-style none;\n"
                   "default-lease-time 600;\n"
                   "max-lease-time 7200;\n"
                   "option domain-name \"example.test\";\n"
                   "class \"printers\" {\n"
                   "  match if substring (hardware, 1, 3) = 00:00:aa;\n"
                   "}";
    s.relationships = r;
    s.nrelationships = N(r);
    s.scopes = sc;
    s.nscopes = N(sc);
    golden("unmanaged", &s);
}

/* Superscopes: each one's scopes in one shared-network block where its
 * first scope stands, a scope of none between them by address, a member
 * scope inside a block. */
static void case_superscopes(void)
{
    struct render_relationship r[] = {pair_a(RENDER_PRIMARY)};
    struct render_server s = server("dhcp1.example.", "127.0.0.2");
    struct render_scope sc[] = {
        {IP(10, 99, 0, 0), 24, "wire-b", 1, 0, NULL, pools_99, N(pools_99),
         "lab wire"},
        {IP(10, 98, 0, 0), 24, "outside", 1, -1, NULL, pools_98, N(pools_98),
         NULL},
        {IP(10, 97, 0, 0), 24, "wire-a", 1, -1, "  option routers 10.97.0.1;\n",
         pools_97, N(pools_97), "lab wire"},
        {IP(10, 96, 0, 0), 24, "alone", 1, -1, NULL, NULL, 0, "second"},
    };

    s.relationships = r;
    s.nrelationships = N(r);
    s.scopes = sc;
    s.nscopes = N(sc);
    golden("superscopes", &s);
}

/* ---- other properties of render_config --------------------------------- */

/* Same bytes whatever the order of the model's arrays. */
static void test_order_independent(void)
{
    struct render_relationship r1[] = {pair_a(RENDER_PRIMARY),
                                       pair_a(RENDER_PRIMARY)};
    struct render_relationship r2[2];
    struct render_pool p1[] = {{IP(10, 1, 0, 5), IP(10, 1, 0, 9), NULL},
                               {IP(10, 1, 0, 1), IP(10, 1, 0, 4), NULL},
                               {IP(10, 1, 0, 20), IP(10, 1, 0, 30), NULL}};
    struct render_pool p2[] = {p1[2], p1[0], p1[1]};
    struct render_scope s1[] = {
        {IP(10, 1, 0, 0), 24, "a", 1, 0, NULL, p1, 3, NULL},
        {IP(10, 1, 0, 0), 16, "wide", 1, -1, NULL, NULL, 0, NULL},
        {IP(9, 0, 0, 0), 8, "b", 1, 1, NULL, pools_98, 0, NULL},
        {IP(10, 98, 0, 0), 24, "c", 1, 1, NULL, pools_98, 1, NULL},
    };
    struct render_scope s2[] = {s1[3], s1[0], s1[2], s1[1]};
    struct render_server a = server("x.", "127.0.0.2"), b;
    char *ta = NULL, *tb = NULL;
    size_t la = 0, lb = 0;
    struct err e;

    r1[1].name = "other";
    r1[1].peer_address = IP(127, 0, 0, 9);
    r2[0] = r1[1];
    r2[1] = r1[0];
    s2[1].pools = p2;   /* scope "a" */
    s2[0].failover = 0; /* "c" -> r2[0], the same "other" */
    s2[2].failover = 0;
    s2[1].failover = 1;
    b = a;
    a.relationships = r1;
    a.nrelationships = 2;
    a.scopes = s1;
    a.nscopes = 4;
    b.relationships = r2;
    b.nrelationships = 2;
    b.scopes = s2;
    b.nscopes = 4;
    CHECK(render_config(&a, &ta, &la, &e) == 0);
    CHECK(render_config(&b, &tb, &lb, &e) == 0);
    CHECK(ta != NULL && tb != NULL && la == lb && memcmp(ta, tb, la) == 0);
    if (ta != NULL) {
        const char *w = strstr(ta, "subnet 10.1.0.0 netmask 255.255.0.0");
        const char *n = strstr(ta, "subnet 10.1.0.0 netmask 255.255.255.0");
        const char *o = strstr(ta, "subnet 9.0.0.0 netmask 255.0.0.0");
        const char *r1s = strstr(ta, "range 10.1.0.1 10.1.0.4;");
        const char *r2s = strstr(ta, "range 10.1.0.5 10.1.0.9;");
        const char *pa = strstr(ta, "failover peer \"pair A\" {");
        const char *po = strstr(ta, "failover peer \"other\" {");

        /* by network numerically (9 before 10), then prefix */
        CHECK(o != NULL && w != NULL && n != NULL && o < w && w < n);
        CHECK(r1s != NULL && r2s != NULL && r1s < r2s);
        /* peers by name in byte order ("o" < "p"), before any subnet */
        CHECK(po != NULL && pa != NULL && po < pa && pa < o);
        CHECK(ta[la - 1] == '\n' && ta[la - 2] != '\n');
    }
    free(ta);
    free(tb);
}

/* 1 when rendering s fails with code, *out NULL and a message holding
 * want (if not NULL). */
static int render_fails(const struct render_server *s, int code,
                        const char *want)
{
    char *out = (char *)"x";
    size_t len = 7;
    struct err e;
    int rc;

    err_clear(&e);
    rc = render_config(s, &out, &len, &e);
    if (rc != code || e.code != code || out != NULL || len != 0 ||
        e.msg[0] == '\0') {
        fprintf(stderr, "want %d, got %d (%s)\n", code, rc, e.msg);
        free(out);
        return 0;
    }
    if (want != NULL && strstr(e.msg, want) == NULL) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e.msg, want);
        return 0;
    }
    return 1;
}

static void test_invalid(void)
{
    struct render_relationship r[2];
    struct render_pool p[2];
    struct render_scope sc[2];
    struct render_server s;
    static const char *const bad_names[] = {
        "", "a\"b", "a\\b", "a{b", "a}b", "a\nb", "a\tb", "a\x7f",
    };
    size_t i;

#define RESET()                                                                \
    do {                                                                       \
        r[0] = pair_a(RENDER_PRIMARY);                                         \
        r[1] = pair_a(RENDER_PRIMARY);                                         \
        r[1].name = "second";                                                  \
        r[1].peer_address = IP(127, 0, 0, 8);                                  \
        p[0] = (struct render_pool){IP(10, 0, 0, 10), IP(10, 0, 0, 20), NULL}; \
        p[1] = (struct render_pool){IP(10, 0, 0, 30), IP(10, 0, 0, 40), NULL}; \
        sc[0] = (struct render_scope){                                         \
            IP(10, 0, 0, 0), 24, "s0", 1, 0, NULL, p, 2, NULL};                \
        sc[1] = (struct render_scope){IP(10, 1, 0, 0), 24, "s1", 1, 1, NULL,   \
                                      pools_98,        0,  NULL};              \
        s = server("dhcp1.example.", "127.0.0.2");                             \
        s.relationships = r;                                                   \
        s.nrelationships = 2;                                                  \
        s.scopes = sc;                                                         \
        s.nscopes = 2;                                                         \
    } while (0)

    RESET();
    {
        char *out = NULL;
        struct err e;

        CHECK(render_config(&s, &out, NULL, &e) == 0);
        free(out);
    }
    for (i = 0; i < N(bad_names); i++) {
        RESET();
        r[0].name = bad_names[i];
        CHECK(render_fails(&s, ERR_INVALID, "failover relationship"));
        RESET();
        sc[1].name = bad_names[i];
        CHECK(render_fails(&s, ERR_INVALID, "scope"));
        RESET();
        s.name = bad_names[i];
        CHECK(render_fails(&s, ERR_INVALID, "DHCP server"));
    }
    RESET();
    r[0].name = NULL;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    s.address = "127.0.0.256";
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    s.address = NULL;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    /* pools */
    RESET();
    p[1].to = IP(10, 0, 1, 5);
    CHECK(render_fails(&s, ERR_INVALID, "scope \"s0\": pool"));
    RESET();
    p[0].from = IP(9, 255, 255, 255);
    CHECK(render_fails(&s, ERR_INVALID, "scope \"s0\": pool"));
    RESET();
    p[0].from = IP(10, 0, 0, 0); /* the network address */
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    p[1].to = IP(10, 0, 0, 255); /* the broadcast address */
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    p[0].from = IP(10, 0, 0, 50); /* from > to */
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    p[1].from = IP(10, 0, 0, 20); /* overlaps p[0] by one address */
    CHECK(render_fails(&s, ERR_INVALID, "overlap"));
    RESET();
    sc[0].npools = 3;
    sc[0].pools = NULL;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    /* subnets */
    RESET();
    sc[0].network = IP(10, 0, 0, 1);
    CHECK(render_fails(&s, ERR_INVALID, "is not a network"));
    RESET();
    sc[0].prefix = 33;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    sc[1].network = IP(10, 0, 0, 0);
    CHECK(render_fails(&s, ERR_INVALID, "both subnet 10.0.0.0/24"));
    RESET();
    sc[0].failover = 2;
    CHECK(render_fails(&s, ERR_INVALID, "unknown failover relationship"));
    RESET();
    sc[0].failover = -2;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    /* relationships */
    RESET();
    r[0].role = (enum render_role)5;
    CHECK(render_fails(&s, ERR_INVALID, "role"));
    RESET();
    r[0].address = IP(127, 0, 0, 3); /* not this server's address */
    CHECK(render_fails(&s, ERR_INVALID, "not the server's address"));
    RESET();
    r[0].peer_address = r[0].address;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    r[0].port = 0;
    CHECK(render_fails(&s, ERR_INVALID, "port"));
    RESET();
    r[0].peer_port = 65536;
    CHECK(render_fails(&s, ERR_INVALID, "port"));
    RESET();
    r[0].mclt = 0;
    CHECK(render_fails(&s, ERR_INVALID, "mclt"));
    RESET();
    r[0].percentage = 101;
    CHECK(render_fails(&s, ERR_INVALID, "percentage"));
    RESET();
    r[0].percentage = -1;
    CHECK(render_fails(&s, ERR_INVALID, "percentage"));
    RESET();
    r[0].max_response_delay = 0;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    r[0].max_unacked_updates = 0;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    RESET();
    r[0].load_balance_max_seconds = -1;
    CHECK(render_fails(&s, ERR_INVALID, NULL));
    /* two rendered relationships: same name, same pair of addresses */
    RESET();
    sc[1].npools = 1;
    sc[1].pools = (const struct render_pool[]){
        {IP(10, 1, 0, 10), IP(10, 1, 0, 20), NULL}};
    r[1].name = "pair A";
    CHECK(render_fails(&s, ERR_INVALID, "given twice"));
    RESET();
    sc[1].npools = 1;
    sc[1].pools = (const struct render_pool[]){
        {IP(10, 1, 0, 10), IP(10, 1, 0, 20), NULL}};
    r[1].peer_address = r[0].peer_address;
    r[1].port = 700;
    CHECK(render_fails(&s, ERR_CONFLICT, "both join"));
    /* ... which is fine while one of them is not rendered */
    sc[1].npools = 0;
    {
        char *out = NULL;
        struct err e;

        CHECK(render_config(&s, &out, NULL, &e) == 0);
        CHECK(out != NULL && strstr(out, "\"second\"") == NULL);
        free(out);
    }
    /* OMAPI */
    RESET();
    s.omapi_port = 65536;
    CHECK(render_fails(&s, ERR_INVALID, "OMAPI"));
    RESET();
    s.omapi_key_name = "key\"x";
    CHECK(render_fails(&s, ERR_INVALID, "OMAPI key"));
    RESET();
    s.omapi_key_name = NULL;
    CHECK(render_fails(&s, ERR_INVALID, "OMAPI key"));
    RESET();
    s.omapi_secret = "abc";
    CHECK(render_fails(&s, ERR_INVALID, "OMAPI secret"));
    RESET();
    s.omapi_secret = "ab\"}";
    CHECK(render_fails(&s, ERR_INVALID, "OMAPI secret"));
    RESET();
    s.omapi_secret = "a=bc";
    CHECK(render_fails(&s, ERR_INVALID, "OMAPI secret"));
    RESET();
    s.omapi_secret = NULL;
    CHECK(render_fails(&s, ERR_INVALID, "OMAPI secret"));
    RESET();
    s.omapi_port = 0; /* no OMAPI block: key and secret unused */
    s.omapi_key_name = NULL;
    s.omapi_secret = NULL;
    {
        char *out = NULL;
        struct err e;

        CHECK(render_config(&s, &out, NULL, &e) == 0);
        CHECK(out != NULL && strstr(out, "omapi") == NULL);
        free(out);
    }
    /* unmanaged statements, checked with their place named */
    RESET();
    s.statements = "authoritative;\n}\nsubnet 1.2.3.0 netmask 255.255.255.0 {";
    CHECK(render_fails(&s, ERR_INVALID, "line 2, column 1"));
    RESET();
    sc[1].statements = "option routers 10.1.0.1;\n  }";
    CHECK(render_fails(&s, ERR_INVALID, "scope \"s1\""));
    RESET();
    p[1].statements = "deny unknown-clients;\n  }\n  range 10.0.0.2;";
    CHECK(render_fails(&s, ERR_INVALID,
                       "scope \"s0\", pool 10.0.0.30-10.0.0.40: unbalanced"));
    RESET();
    p[1].statements = "deny unknown-clients";
    CHECK(render_fails(&s, ERR_INVALID, "without ';'"));
    RESET();
    CHECK(render_config(NULL, NULL, NULL, NULL) == ERR_INTERNAL);
#undef RESET
}

static void test_split(void)
{
    int p;

    CHECK(render_split(0) == 0);
    CHECK(render_split(33) == 84);
    CHECK(render_split(50) == 128);
    CHECK(render_split(70) == 179);
    CHECK(render_split(100) == 256);
    CHECK(render_split(-1) == -1);
    CHECK(render_split(101) == -1);
    CHECK(render_percentage(-1) == -1);
    CHECK(render_percentage(257) == -1);
    CHECK(render_percentage(256) == 100);
    for (p = 0; p <= 100; p++) {
        int sp = render_split(p);

        CHECK(sp >= 0 && sp <= 256);
        CHECK(render_percentage(sp) == p);
        /* round(p * 256 / 100), computed apart: |sp*100 - p*256| <= 50 */
        CHECK(sp * 100 - p * 256 <= 50 && p * 256 - sp * 100 <= 50);
    }
}

/* ---- render_check_statements ----------------------------------------- */

static int stmt_ok(const char *s)
{
    struct err e;

    err_clear(&e);
    if (render_check_statements(s, &e) != 0) {
        fprintf(stderr, "refused: %s\n", e.msg);
        return 0;
    }
    return 1;
}

/* 1 when s is refused with a message holding want. */
static int stmt_bad(const char *s, const char *want)
{
    struct err e;

    err_clear(&e);
    if (render_check_statements(s, &e) != ERR_INVALID ||
        e.code != ERR_INVALID) {
        fprintf(stderr, "accepted: %s\n", s);
        return 0;
    }
    if (want != NULL && strstr(e.msg, want) == NULL) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e.msg, want);
        return 0;
    }
    return 1;
}

static void test_statements(void)
{
    char *big;
    struct err e;

    CHECK(stmt_ok(NULL));
    CHECK(stmt_ok(""));
    CHECK(stmt_ok("   \n\t\n"));
    CHECK(stmt_ok("# only a comment"));
    CHECK(stmt_ok("authoritative;"));
    CHECK(stmt_ok("authoritative;  # trailing comment without newline"));
    CHECK(stmt_ok("option domain-name \"a}b{c\";\n"));
    CHECK(stmt_ok("option x \"esc \\\" } still inside\";"));
    CHECK(stmt_ok("option x \"backslash at end \\\\\";"));
    CHECK(stmt_ok("# { unbalanced in a comment\nfoo;\n"));
    CHECK(stmt_ok("option x \"# not a comment\";"));
    CHECK(stmt_ok("class \"c\" {\n\tmatch if option x = \"y\";\n}\n"));
    CHECK(stmt_ok("group { host h { hardware ethernet 0:1:2:3:4:5; } }"));
    CHECK(stmt_ok("# caf\xc3\xa9 \xe2\x9c\x93\noption y \"\xc3\xa9\";"));

    CHECK(stmt_bad("}", "unbalanced '}' in unmanaged statements at line 1, "
                        "column 1"));
    CHECK(stmt_bad("a;\n  }", "line 2, column 3"));
    CHECK(stmt_bad("foo;\n} subnet 1.2.3.0 netmask 255.255.255.0 {\n",
                   "line 2, column 1"));
    CHECK(stmt_bad("x {\n  y;\n", "unclosed '{' in unmanaged statements at "
                                  "line 1, column 3"));
    CHECK(stmt_bad("a { b { c; }", "line 1, column 3"));
    CHECK(stmt_bad("option x \"abc;\n", "unterminated string in unmanaged "
                                        "statements at line 1, column 10"));
    CHECK(stmt_bad("option x \"abc\\\";", "line 1, column 10"));
    CHECK(stmt_bad("a;\noption x \"ab\nc\";", "line 2, column 10"));
    CHECK(stmt_bad("a;\x01", "control character 0x01 in unmanaged statements "
                             "at line 1, column 3"));
    CHECK(stmt_bad("a;\r\nb;", "0x0D"));
    CHECK(stmt_bad("a;\x1b[2J", "0x1B"));
    CHECK(stmt_bad("a;\x7f", "0x7F"));
    CHECK(stmt_bad("# \x0c in a comment\n", "line 1, column 3"));
    CHECK(stmt_bad("option x \"\x08\";", "0x08"));
    CHECK(stmt_bad("authoritative", "without ';' or '}' at line 1"));
    CHECK(stmt_bad("a;\nb\n# c\n", "at line 2"));
    CHECK(stmt_bad("option x \"y\"", "without ';'"));
    /* strings as dhcpd reads them: whole escapes; "\0" would have dhcpd
     * read on past the quote, into what follows the statements */
    CHECK(stmt_ok("option x \"\\x41\\101\\377\\t\\q\";"));
    CHECK(stmt_bad("option x \"a\\0\";",
                   "escape \"\\0\" not followed by two octal digits in "
                   "unmanaged statements at line 1, column 12"));
    CHECK(stmt_bad("a;\noption x \"\\x4\";",
                   "escape \"\\x\" not followed by two hex digits in "
                   "unmanaged statements at line 2, column 11"));
    CHECK(stmt_bad("option x \"\\19\";", "line 1, column 11"));
    /* NUL bytes through the length form */
    CHECK(render_check_statements_len("a;\0}", 4, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "NUL") != NULL && strstr(e.msg, "column 3") != NULL);
    CHECK(render_check_statements_len("a;}", 2, &e) == 0);
    CHECK(render_check_statements_len(NULL, 0, &e) == 0);
    /* the limits of a token and of nesting */
    big = malloc(RENDER_STATEMENTS_MAX + 2);
    CHECK(big != NULL);
    if (big != NULL) {
        memset(big, 'n', CONFLEX_TOKEN_MAX);
        strcpy(big + CONFLEX_TOKEN_MAX, ";");
        CHECK(stmt_ok(big));
        big[0] = '"';
        strcpy(big + CONFLEX_TOKEN_MAX, "nn\";"); /* 1500 bytes */
        CHECK(stmt_bad(big, "string longer than 1499 bytes in unmanaged "
                            "statements at line 1, column 1"));
        memset(big, '{', CONFLEX_DEPTH_MAX + 1);
        memset(big + CONFLEX_DEPTH_MAX + 1, '}', CONFLEX_DEPTH_MAX + 1);
        big[2 * CONFLEX_DEPTH_MAX + 1] = '\0'; /* 65 '{', 64 '}' */
        CHECK(stmt_ok(big + 1));
        CHECK(stmt_bad(big, "'{' nested deeper than 64 in unmanaged "
                            "statements at line 1, column 65"));
        free(big);
    }
    /* the length limit */
    big = malloc(RENDER_STATEMENTS_MAX + 2);
    CHECK(big != NULL);
    if (big != NULL) {
        memset(big, ' ', RENDER_STATEMENTS_MAX + 1);
        big[0] = 'a';
        big[1] = ';';
        big[RENDER_STATEMENTS_MAX] = '\0';
        CHECK(stmt_ok(big));
        big[RENDER_STATEMENTS_MAX] = ' ';
        big[RENDER_STATEMENTS_MAX + 1] = '\0';
        CHECK(stmt_bad(big, "longer than 65536 bytes"));
        free(big);
    }
}

int main(int argc, char **argv)
{
    const char *u = getenv("MICETRO_RENDER_UPDATE");

    if (argc != 2) {
        fprintf(stderr, "usage: %s GOLDEN_DIR\n", argv[0]);
        return 2;
    }
    golden_dir = argv[1];
    update = u != NULL && strcmp(u, "1") == 0;

    case_no_relationships();
    both_sides(RENDER_PRIMARY, "failover-primary");
    both_sides(RENDER_SECONDARY, "failover-secondary");
    case_empty_relationship();
    case_disabled_member();
    case_two_relationships();
    case_percentages();
    case_unmanaged();
    case_superscopes();
    test_order_independent();
    test_invalid();
    test_split();
    test_statements();
    return check_report();
}
