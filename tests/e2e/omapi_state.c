/* micetro-emu tests: reads one failover relationship's state from a
 * running dhcpd through omapi_client_failover_state and prints it.
 *
 *   omapi-state HOST PORT KEYNAME SECRET_B64 RELATIONSHIP [TIMEOUT_MS]
 *
 * Prints "found=1 local=Normal partner=Normal local_code=2
 * partner_code=2 mclt=30 hierarchy=0" (or "found=0") and exits 0; on an
 * error prints "error=CODE MESSAGE" and exits 1; bad usage exits 2. */
#include <stdio.h>
#include <stdlib.h>

#include "omapi_client.h"

int main(int argc, char **argv)
{
    struct omapi_failover_state st;
    struct err e;
    int port, timeout_ms, rc;

    if (argc < 6 || argc > 7) {
        fprintf(stderr, "usage: omapi-state HOST PORT KEYNAME SECRET_B64 "
                        "RELATIONSHIP [TIMEOUT_MS]\n");
        return 2;
    }
    err_clear(&e);
    port = (int)strtol(argv[2], NULL, 10);
    timeout_ms = argc > 6 ? (int)strtol(argv[6], NULL, 10) : 3000;
    rc = omapi_client_failover_state(argv[1], port, argv[3], argv[4], argv[5],
                                     timeout_ms, &st, &e);
    if (rc < 0) {
        printf("error=%d %s\n", rc, e.msg);
        return 1;
    }
    if (!st.found) {
        printf("found=0\n");
        return 0;
    }
    printf("found=1 local=%s partner=%s local_code=%d partner_code=%d "
           "mclt=%lld hierarchy=%d\n",
           omapi_state_name(st.local_state), omapi_state_name(st.partner_state),
           st.local_state, st.partner_state, st.mclt, st.hierarchy);
    return 0;
}
