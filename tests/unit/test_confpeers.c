/* Unit tests of the failover peers a dhcpd.conf declares (core/confpeers.c):
 * quoted and bare names, only top-level declarations, references inside
 * pools and look-alikes in comments and strings ignored, each name once,
 * names too long skipped, the limit, a text the lexer refuses. */
#include <string.h>

#include "check.h"
#include "confpeers.h"

static char names[4][CONFPEERS_NAME_BUF];

static size_t scan(const char *text, size_t max)
{
    memset(names, 0, sizeof(names));
    return confpeers_scan(text, strlen(text), names, max);
}

int main(void)
{
    char longname[FAILOVER_NAME_MAX + 40];

    CHECK(scan("", 4) == 0);
    CHECK(scan("failover peer \"a b\" { primary; }\n"
               "FAILOVER PEER bare {\n secondary;\n}\n",
               4) == 2);
    CHECK(strcmp(names[0], "a b") == 0 && strcmp(names[1], "bare") == 0);
    /* a reference in a pool, a comment, a string, a nested block */
    CHECK(scan("# failover peer \"c\" { }\n"
               "option x \"failover peer d {\";\n"
               "subnet 10.0.0.0 netmask 255.0.0.0 { pool {\n"
               "  failover peer \"e\";\n"
               "  failover peer \"f\" { }\n"
               "} }\n"
               "failover peer \"g\";\n",
               4) == 0);
    /* each once; case kept; the limit */
    CHECK(scan("failover peer \"x\" { }\nfailover peer \"x\" { }\n"
               "failover peer \"X\" { }\nfailover peer \"y\" { }\n",
               2) == 2);
    CHECK(strcmp(names[0], "x") == 0 && strcmp(names[1], "X") == 0);
    /* a name over FAILOVER_NAME_MAX bytes is no relationship's */
    memset(longname, 'n', sizeof(longname));
    memcpy(longname, "failover peer ", 14);
    strcpy(longname + 14 + FAILOVER_NAME_MAX + 1, " { }\n");
    CHECK(scan(longname, 4) == 0);
    /* what comes before a lexer error is kept */
    CHECK(scan("failover peer ok { }\nfailover peer \"broken { }\n", 4) == 1);
    CHECK(strcmp(names[0], "ok") == 0);
    return check_report();
}
