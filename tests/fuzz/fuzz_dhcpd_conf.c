/* Fuzz target: a whole dhcpd.conf as the agent reads it
 * (server/agent/agent_confscan.c): the OMAPI port and key, and whether a
 * failover peer is declared.  What it returns are NUL-terminated strings
 * within their arrays and a port 0..65535. */
#include "agent_confscan.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct agent_confscan cs;

    agent_confscan((const char *)data, size, &cs);
    FUZZ_CHECK(cs.omapi_port >= 0 && cs.omapi_port <= 65535);
    FUZZ_CHECK(cs.has_peer == 0 || cs.has_peer == 1);
    FUZZ_CHECK(memchr(cs.key_name, '\0', sizeof(cs.key_name)) != NULL);
    FUZZ_CHECK(memchr(cs.key_algorithm, '\0', sizeof(cs.key_algorithm)));
    FUZZ_CHECK(memchr(cs.key_secret, '\0', sizeof(cs.key_secret)) != NULL);
    return 0;
}
