/* micetro-emu unit tests: input rules (validate.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "validate.h"

/* 1 when s is a valid IPv4 address equal to want. */
static int ip_is(const char *s, uint32_t want)
{
    uint32_t ip = 0xdeadbeef;
    struct err e;

    return validate_ipv4(s, &ip, "from", &e) == 0 && ip == want;
}

/* 1 when s is refused with ERR_INVALID and a message. */
static int ip_bad(const char *s)
{
    struct err e;

    err_clear(&e);
    return validate_ipv4(s, NULL, "from", &e) == ERR_INVALID &&
           e.code == ERR_INVALID && e.msg[0] != '\0';
}

static int cidr_is(const char *s, uint32_t want, int want_prefix)
{
    uint32_t net = 1;
    int prefix = -1;

    return validate_cidr(s, &net, &prefix, "name", NULL) == 0 && net == want &&
           prefix == want_prefix;
}

static int cidr_bad(const char *s)
{
    return validate_cidr(s, NULL, NULL, "name", NULL) == ERR_INVALID;
}

static void test_ipv4(void)
{
    struct err e;
    char buf[VALIDATE_IPV4_BUF];

    CHECK(ip_is("10.0.0.1", 0x0A000001u));
    CHECK(ip_is("0.0.0.0", 0));
    CHECK(ip_is("255.255.255.255", 0xffffffffu));
    CHECK(ip_is("192.168.100.200", 0xC0A864C8u));
    CHECK(ip_is("1.20.100.0", 0x01146400u));
    CHECK(validate_ipv4("10.0.0.1", NULL, "from", NULL) == 0);

    CHECK(ip_bad(NULL));
    CHECK(ip_bad(""));
    CHECK(ip_bad("10.0.0.256"));
    CHECK(ip_bad("256.0.0.0"));
    CHECK(ip_bad("010.0.0.1"));
    CHECK(ip_bad("10.0.0.01"));
    CHECK(ip_bad("10.0.0.00"));
    CHECK(ip_bad("10.0.0"));
    CHECK(ip_bad("10.0.0.1.2"));
    CHECK(ip_bad("10.0.0.1."));
    CHECK(ip_bad(".10.0.0.1"));
    CHECK(ip_bad("10..0.1"));
    CHECK(ip_bad(" 10.0.0.1"));
    CHECK(ip_bad("10.0.0.1 "));
    CHECK(ip_bad("10.0. 0.1"));
    CHECK(ip_bad("10.0.0.1x"));
    CHECK(ip_bad("+10.0.0.1"));
    CHECK(ip_bad("10.0.0.-1"));
    CHECK(ip_bad("1000.0.0.1"));
    CHECK(ip_bad("10.0.0.1/24"));
    CHECK(ip_bad("0x0A.0.0.1"));
    CHECK(ip_bad("10.0.0.1:647"));
    CHECK(ip_bad("::1"));

    CHECK(validate_ipv4("10.0.0.256", NULL, "from", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg,
                 "invalid IPv4 address \"10.0.0.256\" for field \"from\"") ==
          0);
    CHECK(validate_ipv4("x", NULL, NULL, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid IPv4 address \"x\"") == 0);
    /* a port is not IPv6 */
    CHECK(validate_ipv4("10.0.0.1:647", NULL, "to", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg,
                 "invalid IPv4 address \"10.0.0.1:647\" for field \"to\"") ==
          0);
    CHECK(validate_ipv4("fe80::1", NULL, "from", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "IPv6 addresses are not supported yet: \"fe80::1\"") ==
          0);
    CHECK(validate_ipv4("::ffff:10.0.0.1", NULL, "from", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "IPv6 addresses are not supported yet: "
                        "\"::ffff:10.0.0.1\"") == 0);
    /* a hostile value is shown escaped */
    CHECK(validate_ipv4("a\"b\n", NULL, "from", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg,
                 "invalid IPv4 address \"a\\\"b\\x0A\" for field \"from\"") ==
          0);

    CHECK(strcmp(validate_ipv4_format(0, buf), "0.0.0.0") == 0);
    CHECK(strcmp(validate_ipv4_format(0xffffffffu, buf), "255.255.255.255") ==
          0);
    CHECK(validate_ipv4_format(0x0A000001u, buf) == buf);
    CHECK(strcmp(buf, "10.0.0.1") == 0);
}

static void test_cidr(void)
{
    struct err e;

    CHECK(cidr_is("10.0.0.0/24", 0x0A000000u, 24));
    CHECK(cidr_is("0.0.0.0/0", 0, 0));
    CHECK(cidr_is("10.0.0.1/32", 0x0A000001u, 32));
    CHECK(cidr_is("255.255.255.255/32", 0xffffffffu, 32));
    CHECK(cidr_is("10.0.0.0/8", 0x0A000000u, 8));
    CHECK(cidr_is("10.0.0.4/30", 0x0A000004u, 30));
    CHECK(cidr_is("10.0.0.0/31", 0x0A000000u, 31));
    CHECK(cidr_is("128.0.0.0/1", 0x80000000u, 1));
    CHECK(validate_cidr("10.0.0.0/24", NULL, NULL, NULL, NULL) == 0);

    CHECK(cidr_bad(NULL));
    CHECK(cidr_bad(""));
    CHECK(cidr_bad("10.0.0.0"));
    CHECK(cidr_bad("10.0.0.0/"));
    CHECK(cidr_bad("10.0.0.0/33"));
    CHECK(cidr_bad("10.0.0.0/024"));
    CHECK(cidr_bad("10.0.0.0/00"));
    CHECK(cidr_bad("10.0.0.0/-1"));
    CHECK(cidr_bad("10.0.0.0/+24"));
    CHECK(cidr_bad("10.0.0.0/24 "));
    CHECK(cidr_bad("10.0.0.0 /24"));
    CHECK(cidr_bad("10.0.0.0/24/1"));
    CHECK(cidr_bad("10.0.0.0/99999999999999999999"));
    CHECK(cidr_bad("010.0.0.0/8"));
    CHECK(cidr_bad("/24"));
    CHECK(cidr_bad("1.0.0.0/0"));
    CHECK(cidr_bad("10.0.0.1/31"));

    CHECK(validate_cidr("10.0.0.1/24", NULL, NULL, "name", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg,
                 "invalid CIDR \"10.0.0.1/24\" for field \"name\": not "
                 "a network address (did you mean \"10.0.0.0/24\"?)") == 0);
    CHECK(validate_cidr("10.1.2.3/0", NULL, NULL, "name", &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "\"0.0.0.0/0\"") != NULL);
    CHECK(validate_cidr("10.0.0.0/33", NULL, NULL, "name", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid CIDR \"10.0.0.0/33\" for field \"name\"") ==
          0);
    CHECK(validate_cidr("fd00::/64", NULL, NULL, "name", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "IPv6 addresses are not supported yet: "
                        "\"fd00::/64\"") == 0);

    CHECK(validate_cidr_mask(0) == 0);
    CHECK(validate_cidr_mask(24) == 0xffffff00u);
    CHECK(validate_cidr_mask(32) == 0xffffffffu);
    CHECK(validate_cidr_mask(33) == 0);
    CHECK(validate_cidr_first(0x0A000000u, 24) == 0x0A000000u);
    CHECK(validate_cidr_last(0x0A000000u, 24) == 0x0A0000FFu);
    CHECK(validate_cidr_first(0, 0) == 0);
    CHECK(validate_cidr_last(0, 0) == 0xffffffffu);
    CHECK(validate_cidr_first(0x0A000001u, 32) == 0x0A000001u);
    CHECK(validate_cidr_last(0x0A000001u, 32) == 0x0A000001u);
}

static void test_range(void)
{
    const uint32_t net = 0x0A000000u; /* 10.0.0.0/24 */
    struct err e;

    CHECK(validate_range_in_cidr(net + 100, net + 199, net, 24, 0, &e) == 0);
    CHECK(validate_range_in_cidr(net + 5, net + 5, net, 24, 0, &e) == 0);
    CHECK(validate_range_in_cidr(net, net + 255, net, 24, 0, &e) == 0);
    CHECK(validate_range_in_cidr(net + 1, net + 254, net, 24,
                                 VALIDATE_RANGE_POOL, &e) == 0);
    CHECK(validate_range_in_cidr(net, net + 254, net, 24, VALIDATE_RANGE_POOL,
                                 &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "address \"10.0.0.0\" for field \"from\" is the "
                        "network address of 10.0.0.0/24") == 0);
    CHECK(validate_range_in_cidr(net + 1, net + 255, net, 24,
                                 VALIDATE_RANGE_POOL, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "address \"10.0.0.255\" for field \"to\" is the "
                        "broadcast address of 10.0.0.0/24") == 0);
    CHECK(validate_range_in_cidr(net + 9, net + 1, net, 24, 0, &e) ==
          ERR_INVALID);
    CHECK(strcmp(e.msg, "address \"10.0.0.9\" for field \"from\" is above "
                        "address \"10.0.0.1\" for field \"to\"") == 0);
    CHECK(validate_range_in_cidr(net + 1, net + 256, net, 24, 0, &e) ==
          ERR_INVALID);
    CHECK(strcmp(e.msg, "address \"10.0.1.0\" for field \"to\" is outside "
                        "10.0.0.0/24") == 0);
    CHECK(validate_range_in_cidr(net - 1, net + 5, net, 24, 0, &e) ==
          ERR_INVALID);
    CHECK(strstr(e.msg, "\"9.255.255.255\" for field \"from\"") != NULL);
    /* /30: two usable addresses */
    CHECK(validate_range_in_cidr(net + 1, net + 2, net, 30, VALIDATE_RANGE_POOL,
                                 NULL) == 0);
    CHECK(validate_range_in_cidr(net + 1, net + 3, net, 30, VALIDATE_RANGE_POOL,
                                 NULL) == ERR_INVALID);
    /* /31 and /32: every address is usable */
    CHECK(validate_range_in_cidr(net, net + 1, net, 31, VALIDATE_RANGE_POOL,
                                 NULL) == 0);
    CHECK(validate_range_in_cidr(net, net, net, 32, VALIDATE_RANGE_POOL,
                                 NULL) == 0);
    CHECK(validate_range_in_cidr(net, net + 1, net, 32, 0, NULL) ==
          ERR_INVALID);
    /* /0 */
    CHECK(validate_range_in_cidr(0, 0xffffffffu, 0, 0, 0, NULL) == 0);
    CHECK(validate_range_in_cidr(0, 0xffffffffu, 0, 0, VALIDATE_RANGE_POOL,
                                 NULL) == ERR_INVALID);
    CHECK(validate_range_in_cidr(1, 0xfffffffeu, 0, 0, VALIDATE_RANGE_POOL,
                                 NULL) == 0);
    CHECK(validate_range_in_cidr(1, 2, 0, 33, 0, NULL) == ERR_INVALID);
    CHECK(validate_range_in_cidr(1, 2, 0, -1, 0, NULL) == ERR_INVALID);
}

static void test_name(void)
{
    static const char *good[] = {
        "a",       "fo1",         "failover-1",
        "A_b.c",   "10.0.0.0/24", "dhcp1.example.:10.0.0.0/24",
        "x@y+z=w", "-lead",       "Z9",
    };
    static const char *bad[] = {
        "",     "a b", "a\tb", "a\nb", "a\"b",  "a\\b",        "a{",
        "a}",   "a;b", "a#b",  "a'b",  "a\x7f", "caf\xc3\xa9", "a,b",
        "a(b)", "a*",  "a$",   " a",   "a ",    "a\rb",        "a!b",
        "a%b",  "a&b", "a<b",  "a|b",  "a`b",
    };
    char big[130];
    struct err e;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CHECK(validate_name(good[i], "name", 128, &e) == 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(validate_name(bad[i], "name", 128, &e) == ERR_INVALID);
    CHECK(validate_name(NULL, "name", 128, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "empty name for field \"name\"") == 0);

    memset(big, 'a', 128);
    big[128] = '\0';
    CHECK(validate_name(big, "name", 128, &e) == 0);
    big[128] = 'a';
    big[129] = '\0';
    CHECK(validate_name(big, "name", 128, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "is too long (129 bytes, at most 128)") != NULL);
    CHECK(strstr(e.msg, "...\"") != NULL); /* value cut */
    CHECK(validate_name("abcd", "name", 3, NULL) == ERR_INVALID);
    CHECK(validate_name("abc", "name", 3, NULL) == 0);

    CHECK(validate_name("a b", "name", 128, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid character ' ' in name \"a b\" for field "
                        "\"name\": names may use letters, digits and "
                        ". - _ : / @ + =") == 0);
    CHECK(validate_name("fo\"; }", "failoverRelationship", 128, &e) ==
          ERR_INVALID);
    CHECK(strncmp(e.msg,
                  "invalid character '\\\"' in name \"fo\\\"; }\" "
                  "for field \"failoverRelationship\"",
                  strlen("invalid character '\\\"' in name \"fo\\\"; }\" "
                         "for field \"failoverRelationship\"")) == 0);
    CHECK(validate_name("a\nb", NULL, 128, &e) == ERR_INVALID);
    CHECK(strncmp(e.msg, "invalid character '\\x0A' in name \"a\\x0Ab\":",
                  strlen("invalid character '\\x0A' in name "
                         "\"a\\x0Ab\":")) == 0);
}

static void test_quoted_name(void)
{
    static const char *good[] = {"fo1",        "dhcp1-dhcp2", "Failover 1",
                                 "fo:a/b;c#d", "caf\xc3\xa9", "x'y"};
    static const char *bad[] = {"",      "a\"b",   "a\\b",        "a{b",
                                "a}b",   "a\tb",   "a\nb",        "a\177b",
                                " lead", "trail ", "bad\xc3(utf8"};
    char big[200];
    struct err e;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CHECK(validate_quoted_name(good[i], "name", 128, &e) == 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(validate_quoted_name(bad[i], "name", 128, &e) == ERR_INVALID);
    CHECK(validate_quoted_name(NULL, "name", 128, &e) == ERR_INVALID);
    /* a superscope: none, or a name its shared-network can carry */
    CHECK(validate_superscope("", &e) == 0);
    CHECK(validate_superscope("Building 7", &e) == 0);
    CHECK(validate_superscope("a\"b", &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "superscope") != NULL);
    CHECK(validate_superscope(" lead", &e) == ERR_INVALID);
    CHECK(validate_quoted_name("a{b", "name", 128, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "character '{' at byte 1") != NULL);
    CHECK(validate_quoted_name("a\tb", "name", 128, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "character '\\t'") != NULL);
    memset(big, 'x', 128);
    big[128] = '\0';
    CHECK(validate_quoted_name(big, "name", 128, &e) == 0);
    big[128] = 'x';
    big[129] = '\0';
    CHECK(validate_quoted_name(big, "name", 128, &e) == ERR_INVALID);
}

static void test_hostname(void)
{
    static const char *good[] = {
        "dhcp1",  "dhcp1.example.com", "dhcp1.example.com.",     "a.b",
        "A-b.C9", "1.2.3.4",           "xn--bcher-kva.example.", "0a.9z",
    };
    static const char *bad[] = {
        "",
        ".",
        "..",
        "a..b",
        ".a",
        "-a.b",
        "a-.b",
        "a.-b",
        "a.b-",
        "a_b.com",
        "a b",
        "a.b..",
        "dhcp1.example.com ",
        "caf\xc3\xa9.is",
        "a/b",
        "a:b",
        "a\"b",
    };
    char label[70], name[300], out[VALIDATE_HOSTNAME_BUF];
    struct err e;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CHECK(validate_hostname(good[i], "name", &e) == 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(validate_hostname(bad[i], "name", &e) == ERR_INVALID);
    CHECK(validate_hostname(NULL, "name", &e) == ERR_INVALID);

    /* labels of 63 and 64 bytes */
    memset(label, 'a', 63);
    label[63] = '\0';
    CHECK(validate_hostname(label, "name", &e) == 0);
    label[63] = 'a';
    label[64] = '\0';
    CHECK(validate_hostname(label, "name", &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "label longer than 63 characters") != NULL);

    /* 253 bytes (+ trailing dot) and 254 */
    for (int i = 0; i < 4; i++) {
        memset(name + i * 64, 'a', 63);
        name[i * 64 + 63] = '.';
    }
    name[253] = '\0'; /* 4 labels: 63,63,63,61 */
    CHECK(strlen(name) == 253);
    CHECK(validate_hostname(name, "name", &e) == 0);
    CHECK(validate_hostname_canonical(name, out, sizeof(out)) == 0);
    CHECK(strlen(out) == 254 && out[253] == '.');
    name[253] = '.';
    name[254] = '\0';
    CHECK(validate_hostname(name, "name", &e) == 0);
    name[253] = 'a';
    CHECK(validate_hostname(name, "name", &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "longer than 253 characters") != NULL);

    CHECK(validate_hostname("a_b.com", "name", &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid host name \"a_b.com\" for field \"name\": "
                        "labels may use letters, digits and '-' only") == 0);
    CHECK(validate_hostname("-a.com", "name", &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "starts or ends with '-'") != NULL);

    CHECK(validate_hostname_canonical("dhcp1.example.com", out, sizeof(out)) ==
          0);
    CHECK(strcmp(out, "dhcp1.example.com.") == 0);
    CHECK(validate_hostname_canonical("Dhcp1.Example.", out, sizeof(out)) == 0);
    CHECK(strcmp(out, "Dhcp1.Example.") == 0);
    CHECK(validate_hostname_canonical("a", out, 3) == 0);
    CHECK(strcmp(out, "a.") == 0);
    CHECK(validate_hostname_canonical("ab", out, 3) == ERR_INTERNAL);
    CHECK(validate_hostname_canonical("a..b", out, sizeof(out)) == ERR_INVALID);
    CHECK(validate_hostname_canonical(".", out, sizeof(out)) == ERR_INVALID);
    CHECK(validate_hostname_canonical(NULL, out, sizeof(out)) == ERR_INVALID);
}

static void test_text(void)
{
    static const char *good[] = {
        "",
        "plain text",
        "tab\there",
        "caf\xc3\xa9",      /* 2 bytes: U+00E9 */
        "\xc2\xa0",         /* U+00A0, first after C1 */
        "\xe2\x82\xac",     /* 3 bytes: U+20AC */
        "\xe0\xa0\x80",     /* U+0800, smallest 3-byte */
        "\xed\x9f\xbf",     /* U+D7FF, before surrogates */
        "\xee\x80\x80",     /* U+E000, after surrogates */
        "\xef\xbf\xbd",     /* U+FFFD */
        "\xf0\x9f\x98\x80", /* 4 bytes: U+1F600 */
        "\xf0\x90\x80\x80", /* U+10000 */
        "\xf4\x8f\xbf\xbf", /* U+10FFFF */
        "~",
    };
    static const char *bad[] = {
        "a\nb",             /* LF */
        "a\rb",             /* CR */
        "\x01",             /* C0 */
        "\x1f",             /* C0 */
        "\x7f",             /* DEL */
        "\xc2\x80",         /* U+0080, C1 */
        "\xc2\x9f",         /* U+009F, C1 */
        "\xc0\xaf",         /* overlong '/' */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\xaf",     /* overlong 3-byte */
        "\xe0\x9f\xbf",     /* overlong 3-byte (U+07FF) */
        "\xf0\x80\x80\xaf", /* overlong 4-byte */
        "\xf0\x8f\xbf\xbf", /* overlong 4-byte (U+FFFF) */
        "\xed\xa0\x80",     /* U+D800 surrogate */
        "\xed\xbf\xbf",     /* U+DFFF surrogate */
        "\xf4\x90\x80\x80", /* U+110000 */
        "\xf5\x80\x80\x80", /* lead byte above F4 */
        "\xff",
        "\xfe",
        "\x80",         /* lone continuation */
        "a\xbf",        /* lone continuation */
        "\xc3",         /* truncated 2-byte */
        "\xe2\x82",     /* truncated 3-byte */
        "\xf0\x9f\x98", /* truncated 4-byte */
        "\xe2\x82x",    /* bad continuation */
        "\xc3\xc3\xa9", /* lead where continuation expected */
        "\xef\xbf\xbe", /* U+FFFE */
        "\xef\xbf\xbf", /* U+FFFF */
    };
    char big[300];
    struct err e;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CHECK(validate_text(good[i], "description", 255, &e) == 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(validate_text(bad[i], "description", 255, &e) == ERR_INVALID);
    CHECK(validate_text(NULL, "description", 255, &e) == 0);

    CHECK(validate_text("ab\xc0\xaf", "description", 255, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid UTF-8 at byte 2 in \"ab\\xC0\\xAF\" for "
                        "field \"description\"") == 0);
    CHECK(validate_text("\xed\xa0\x80", "comment", 255, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "invalid UTF-8 at byte 0") != NULL);
    CHECK(strstr(e.msg, "for field \"comment\"") != NULL);
    CHECK(validate_text("x\ny", "description", 255, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "control character U+000A at byte 1 in "
                        "\"x\\x0Ay\" for field \"description\"") == 0);

    /* length in bytes: a 2-byte character counts 2 */
    CHECK(validate_text("\xc3\xa9\xc3\xa9", "description", 4, &e) == 0);
    CHECK(validate_text("\xc3\xa9\xc3\xa9", "description", 3, &e) ==
          ERR_INVALID);
    CHECK(strstr(e.msg, "is too long (4 bytes, at most 3)") != NULL);
    memset(big, 'x', 299);
    big[299] = '\0';
    CHECK(validate_text(big, "description", 299, &e) == 0);
    CHECK(validate_text(big, "description", 298, &e) == ERR_INVALID);
    CHECK(strlen(e.msg) < sizeof(e.msg) - 1); /* the value was cut */
}

static void test_server_address(void)
{
    uint32_t ip = 0;
    int port = -1;
    struct err e;

    CHECK(validate_server_address("10.0.0.1", &ip, &port, &e) == 0);
    CHECK(ip == 0x0A000001u && port == 0);
    CHECK(validate_server_address("10.0.0.2:4151", &ip, &port, &e) == 0);
    CHECK(ip == 0x0A000002u && port == 4151);
    CHECK(validate_server_address("10.0.0.2:1", &ip, &port, &e) == 0);
    CHECK(port == 1);
    CHECK(validate_server_address("10.0.0.2:65535", &ip, &port, &e) == 0);
    CHECK(port == 65535);
    CHECK(validate_server_address("10.0.0.2:65535", NULL, NULL, NULL) == 0);

    CHECK(validate_server_address("10.0.0.2:65536", &ip, &port, &e) ==
          ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid port in server address \"10.0.0.2:65536\" "
                        "for field \"address\": must be 1..65535") == 0);
    CHECK(validate_server_address("10.0.0.2:0", NULL, NULL, &e) == ERR_INVALID);
    CHECK(validate_server_address("10.0.0.2:", NULL, NULL, &e) == ERR_INVALID);
    CHECK(validate_server_address("10.0.0.2:0647", NULL, NULL, &e) ==
          ERR_INVALID);
    CHECK(validate_server_address("10.0.0.2:+647", NULL, NULL, &e) ==
          ERR_INVALID);
    CHECK(validate_server_address("10.0.0.2:-1", NULL, NULL, &e) ==
          ERR_INVALID);
    CHECK(validate_server_address("10.0.0.2: 647", NULL, NULL, &e) ==
          ERR_INVALID);
    CHECK(validate_server_address("10.0.0.2:647 ", NULL, NULL, &e) ==
          ERR_INVALID);
    CHECK(validate_server_address("10.0.0.2:99999999999999999999", NULL, NULL,
                                  &e) == ERR_INVALID);
    CHECK(validate_server_address(":647", NULL, NULL, &e) == ERR_INVALID);
    CHECK(validate_server_address("dhcp1.example.:647", NULL, NULL, &e) ==
          ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid server address \"dhcp1.example.:647\" for "
                        "field \"address\"") == 0);
    CHECK(validate_server_address("10.0.0.256", NULL, NULL, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid IPv4 address \"10.0.0.256\" for field "
                        "\"address\"") == 0);
    CHECK(validate_server_address("", NULL, NULL, &e) == ERR_INVALID);
    CHECK(validate_server_address(NULL, NULL, NULL, &e) == ERR_INVALID);
    CHECK(validate_server_address("::1", NULL, NULL, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "IPv6 addresses are not supported yet: \"::1\"") == 0);
    CHECK(validate_server_address("[fe80::1]:4151", NULL, NULL, &e) ==
          ERR_INVALID);
    CHECK(strcmp(e.msg, "IPv6 addresses are not supported yet: "
                        "\"[fe80::1]:4151\"") == 0);
}

static void test_quote(void)
{
    char buf[VALIDATE_QUOTE_BUF], small[8];
    char big[200];

    CHECK(strcmp(validate_quote(NULL, buf, sizeof(buf)), "") == 0);
    CHECK(strcmp(validate_quote("abc", buf, sizeof(buf)), "abc") == 0);
    CHECK(strcmp(validate_quote("a\"\\\t\xff", buf, sizeof(buf)),
                 "a\\\"\\\\\\x09\\xFF") == 0);
    CHECK(strcmp(validate_quote("abcdefgh", small, sizeof(small)), "abcd...") ==
          0);
    CHECK(strcmp(validate_quote("abc", small, sizeof(small)), "abc") == 0);
    memset(big, 'q', 199);
    big[199] = '\0';
    validate_quote(big, buf, sizeof(buf));
    CHECK(strlen(buf) == 63 && strcmp(buf + 60, "...") == 0);
    CHECK(validate_quote("abc", buf, 0) == buf);
}

int main(void)
{
    test_ipv4();
    test_cidr();
    test_range();
    test_name();
    test_quoted_name();
    test_hostname();
    test_text();
    test_server_address();
    test_quote();
    return check_report();
}
