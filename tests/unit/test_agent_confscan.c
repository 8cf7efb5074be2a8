/* Unit tests of micetro-dhcp-agent's dhcpd.conf scan (agent_confscan.c):
 * omapi-port, the OMAPI key and failover peers, read as dhcpd reads them. */
#include <stdio.h>
#include <string.h>

#include "agent_confscan.h"
#include "check.h"

static void scan(const char *text, struct agent_confscan *cs)
{
    agent_confscan(text, strlen(text), cs);
}

static void test_confscan(void)
{
    struct agent_confscan cs;

    scan("omapi-port 7911;\n"
         "key other { algorithm hmac-sha256; secret \"T1RIRVI=\"; }\n"
         "key \"omapi_key\" {\n  algorithm HMAC-MD5;\n"
         "  secret \"c2VjcmV0\"; # trailing comment\n}\n"
         "omapi-key omapi_key;\n"
         "failover peer \"fo\" { primary; address 127.0.0.2; }\n"
         "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
         "  pool { failover peer \"fo\"; range 10.0.0.5 10.0.0.9; }\n}\n",
         &cs);
    CHECK(cs.omapi_port == 7911);
    CHECK(strcmp(cs.key_name, "omapi_key") == 0);
    CHECK(strcmp(cs.key_algorithm, "HMAC-MD5") == 0);
    CHECK(strcmp(cs.key_secret, "c2VjcmV0") == 0);
    CHECK(cs.has_peer == 1);

    /* a pool's reference alone is no declaration; comments and strings
     * hide look-alikes; nested omapi-port is not global */
    scan("# omapi-port 1;\n"
         "option domain-name \"omapi-port 2; failover peer \\\"x\\\" {\";\n"
         "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
         "  omapi-port 3;\n"
         "  pool { failover peer \"fo\"; range 10.0.0.5 10.0.0.9; }\n}\n",
         &cs);
    CHECK(cs.omapi_port == 0);
    CHECK(cs.has_peer == 0);
    CHECK(cs.key_name[0] == '\0' && cs.key_secret[0] == '\0');

    /* omapi-key naming a key that is not declared; bad ports */
    scan("omapi-port 70000; omapi-key k;", &cs);
    CHECK(cs.omapi_port == 0 && strcmp(cs.key_name, "k") == 0 &&
          cs.key_secret[0] == '\0');
    scan("omapi-port x;", &cs);
    CHECK(cs.omapi_port == 0);
    /* unterminated input stops cleanly */
    scan("key k { secret \"abc", &cs);
    CHECK(cs.key_secret[0] == '\0');
    scan("", &cs);
    CHECK(cs.omapi_port == 0 && cs.has_peer == 0);
    /* unquoted secret, declaration after omapi-key */
    scan("omapi-key k; omapi-port 7912; key k { algorithm hmac-md5; "
         "secret YWJj+/=; }",
         &cs);
    CHECK(cs.omapi_port == 7912 && strcmp(cs.key_secret, "YWJj+/=") == 0);

    /* read as dhcpd reads it: keywords in any case, dotted names with
     * blanks around the dots, a secret in several tokens, escapes */
    scan("OMAPI-PORT 7913;\n"
         "Key k . example {\n  ALGORITHM hmac-md5 . SIG-ALG.REG.INT.;\n"
         "  SECRET YWJj ZA+/;\n}\n"
         "omapi-key k.example;\n"
         "FAILOVER PEER fo { primary; }\n",
         &cs);
    CHECK(cs.omapi_port == 7913 && cs.has_peer == 1);
    CHECK(strcmp(cs.key_name, "k.example") == 0);
    CHECK(strcmp(cs.key_algorithm, "hmac-md5.SIG-ALG.REG.INT.") == 0);
    CHECK(strcmp(cs.key_secret, "YWJjZA+/") == 0);
    scan("key \"k\" { secret \"YW\\x4aj\"; } omapi-key \"k\";", &cs);
    CHECK(strcmp(cs.key_secret, "YWJj") == 0);
    /* omapi-port takes a decimal number and its ';' */
    scan("omapi-port 7911.5;", &cs);
    CHECK(cs.omapi_port == 0);
    scan("omapi-port -7911;", &cs);
    CHECK(cs.omapi_port == 0);
    /* where the lexer stops, the scan stops, keeping what it found */
    {
        static const char nul[] = "omapi-port 7911;\0\nfailover peer \"fo\" {}";

        agent_confscan(nul, sizeof(nul) - 1, &cs);
        CHECK(cs.omapi_port == 7911 && cs.has_peer == 0);
    }
    scan("omapi-port 7911;\n}\nfailover peer \"fo\" { }", &cs);
    CHECK(cs.omapi_port == 7911 && cs.has_peer == 0);
    /* a '}' after the keyword does not end the scan of the key block */
    scan("key k { algorithm } omapi-key k; omapi-port 7911;", &cs);
    CHECK(strcmp(cs.key_name, "k") == 0 && cs.key_algorithm[0] == '\0' &&
          cs.omapi_port == 7911);
}

/* Collects the names agent_confscan_includes gives, joined by '|'; stops
 * after stop names (0: never). */
struct names {
    char all[256];
    int n, stop;
};

static int add_name(void *ctx, const char *name)
{
    struct names *x = ctx;
    size_t used = strlen(x->all);

    snprintf(x->all + used, sizeof(x->all) - used, "%s%s", used ? "|" : "",
             name);
    return ++x->n == x->stop ? 7 : 0;
}

static void test_includes(void)
{
    static const char text[] =
        "include \"/etc/dhcp/a.conf\";\n"
        "# include \"commented.conf\";\n"
        "subnet 10.0.0.0 netmask 255.0.0.0 { include \"b.conf\"; }\n"
        "option x \"include \\\"not.conf\\\"\";\n"
        "include c.conf;\n"
        "include \"d.conf\";\n";
    struct names x = {{0}, 0, 0};

    CHECK(agent_confscan_includes(text, sizeof(text) - 1, add_name, &x) == 0);
    CHECK(strcmp(x.all, "/etc/dhcp/a.conf|b.conf|d.conf") == 0);
    memset(&x, 0, sizeof(x));
    x.stop = 2;
    CHECK(agent_confscan_includes(text, sizeof(text) - 1, add_name, &x) == 7);
    CHECK(strcmp(x.all, "/etc/dhcp/a.conf|b.conf") == 0);
}

int main(void)
{
    test_confscan();
    test_includes();
    return check_report();
}
