/* Fuzz target: unmanaged dhcpd.conf statements as a user gives them
 * (render_check_statements in server/core/render.c), through both entry
 * points.  Statements it accepts are rendered inside a scope's subnet
 * block, and the agent's own reading of the whole file
 * (server/agent/agent_confscan.c) must still find the OMAPI settings
 * the renderer wrote and no failover peer: they did not leave their
 * block. */
#include "agent_confscan.h"
#include "fuzz.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size), *conf = NULL;
    struct render_scope sc = {0x0a000000, 24, "10.0.0.0/24", 1, -1, s,
                              NULL,       0,  NULL};
    struct render_server srv = {
        "dhcp1.example.", "10.0.0.1", NULL, 7911, "omapi_key",
        "c2VjcmV0",       NULL,       0,    &sc,  1};
    struct agent_confscan cs;
    struct err e;
    size_t len;
    int rc = render_check_statements_len((const char *)data, size, &e);

    if (memchr(data, '\0', size) == NULL)
        FUZZ_CHECK(render_check_statements(s, &e) == rc);
    else
        FUZZ_CHECK(rc == ERR_INVALID);
    if (rc == 0) {
        FUZZ_CHECK(render_config(&srv, &conf, &len, &e) == 0);
        agent_confscan(conf, len, &cs);
        FUZZ_CHECK(cs.omapi_port == 7911 && !cs.has_peer);
        FUZZ_CHECK(strcmp(cs.key_name, "omapi_key") == 0);
        FUZZ_CHECK(strcmp(cs.key_secret, "c2VjcmV0") == 0);
        free(conf);
    }
    free(s);
    return 0;
}
