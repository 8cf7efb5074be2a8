/* Unit tests of micetro-dhcp-agent's dhcpd handling (agent_dhcpd.c): the
 * lines of dhcpd's output that tell why it refused a configuration. */
#include <stdlib.h>
#include <string.h>

#include "agent_dhcpd.h"
#include "check.h"

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

int main(void)
{
    test_error_lines();
    return check_report();
}
