/* Unit tests of micetro-dhcp-agent's pure parts: the dhcpd.conf scan, the
 * filtering of dhcpd's output, SHA-256 and the temp-file handling. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_confscan.h"
#include "agent_dhcpd.h"
#include "agent_files.h"
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

static void test_error_lines(void)
{
    const char *out =
        "Internet Systems Consortium DHCP Server 4.4.3-P1\n"
        "Copyright 2004-2022 Internet Systems Consortium.\n"
        "All rights reserved.\n"
        "For info, please visit https://www.isc.org/software/dhcp/\n"
        "/tmp/x.conf line 4: semicolon expected.\n"
        "}\n"
        " ^\n"
        "Configuration file errors encountered -- exiting\n"
        "\n"
        "If you think you have received this message due to a bug rather\n"
        "than a configuration issue please read the section on submitting\n"
        "bugs on either our web page at www.isc.org or in the README file\n"
        "before submitting a bug.  These pages explain the proper\n"
        "process and the information we find helpful for debugging.\n"
        "\n"
        "exiting.\n";
    char *l = agent_dhcpd_error_lines(out);

    CHECK(l != NULL);
    if (l == NULL)
        return;
    CHECK(strcmp(l, "/tmp/x.conf line 4: semicolon expected.\n}\n ^\n"
                    "Configuration file errors encountered -- exiting\n"
                    "\nexiting.") == 0);
    free(l);
    l = agent_dhcpd_error_lines("");
    CHECK(l != NULL && l[0] == '\0');
    free(l);
}

static void test_files(void)
{
    char dir[] = "/tmp/agent-unit.XXXXXX", target[128], tmp[256], h[65];
    char *buf = NULL;
    size_t len = 0;
    mode_t mode = 0;
    int removed = -1;
    struct err e;
    struct stat st;

    agent_files_sha256_hex("abc", 3, h);
    CHECK(strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff6"
                    "1f20015ad") == 0);
    if (mkdtemp(dir) == NULL) {
        CHECK(!"mkdtemp");
        return;
    }
    snprintf(target, sizeof(target), "%s/dhcpd.conf", dir);
    CHECK(agent_files_read(target, 100, &buf, &len, &mode, &e) == ERR_NOTFOUND);
    CHECK(agent_files_install(target, "one\n", 4, 0640, &e) == 0);
    CHECK(agent_files_read(target, 100, &buf, &len, &mode, &e) == 0 &&
          len == 4 && memcmp(buf, "one\n", 4) == 0 && mode == 0640);
    free(buf);
    CHECK(agent_files_read(target, 3, &buf, &len, NULL, &e) == ERR_SYS);
    /* a temp file left behind is found and removed; others are kept */
    CHECK(agent_files_write_temp(target, "two\n", 4, 0644, tmp, sizeof(tmp),
                                 &e) == 0);
    CHECK(strstr(tmp, "/.dhcpd.conf.agent-tmp.") != NULL);
    CHECK(agent_files_clean_stale(target, &removed, &e) == 0 && removed == 1);
    CHECK(stat(tmp, &st) != 0);
    CHECK(stat(target, &st) == 0);
    CHECK(agent_files_install("relative", "x", 1, 0644, &e) == ERR_INVALID);
    unlink(target);
    rmdir(dir);
}

int main(void)
{
    test_confscan();
    test_error_lines();
    test_files();
    return check_report();
}
