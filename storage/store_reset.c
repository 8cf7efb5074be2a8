/* micetro-emu storage: back to a fresh install (see store_reset.h). */
#include "store_reset.h"

#include "store_int.h"

/* Every table of objects, in the lock order: relationships first, then
 * what lies below them, the push queue, the request journal last. */
#define RESET_TABLES                                                           \
    "dhcp_failover, dhcp_servers, ranges, dhcp_scopes, dhcp_pools, "           \
    "property_definitions, property_values, change_log, config_jobs, "         \
    "journal"

int store_reset(struct store_conn *c, int keep_sessions, struct err *e)
{
    int rc = store_exec(c,
                        keep_sessions ? "LOCK TABLE " RESET_TABLES
                                        " IN ACCESS EXCLUSIVE MODE"
                                      : "LOCK TABLE " RESET_TABLES
                                        ", sessions IN ACCESS EXCLUSIVE MODE",
                        0, NULL, NULL, e);

    if (rc == 0)
        rc = store_exec(c,
                        keep_sessions ? "TRUNCATE " RESET_TABLES
                                        " RESTART IDENTITY"
                                      : "TRUNCATE " RESET_TABLES
                                        ", sessions RESTART IDENTITY",
                        0, NULL, NULL, e);
    return rc;
}
