/* micetro-emu storage: back to a fresh install (see store_reset.h). */
#include "store_reset.h"

#include "store_int.h"

int store_reset_lock(struct store_conn *c, int with_sessions, struct err *e)
{
    return store_exec(c,
                      with_sessions ? "LOCK TABLE " STORE_RESET_TABLES
                                      ", sessions IN ACCESS EXCLUSIVE MODE"
                                    : "LOCK TABLE " STORE_RESET_TABLES
                                      " IN ACCESS EXCLUSIVE MODE",
                      0, NULL, NULL, e);
}

/* What a reset empties: the tables of objects, then the request journal,
 * last in the lock order (a snapshot saves no journal). */
#define RESET_ALL STORE_RESET_TABLES ", journal"

int store_reset(struct store_conn *c, int keep_sessions, struct err *e)
{
    int rc = store_exec(c,
                        keep_sessions ? "LOCK TABLE " RESET_ALL
                                        " IN ACCESS EXCLUSIVE MODE"
                                      : "LOCK TABLE " RESET_ALL
                                        ", sessions IN ACCESS EXCLUSIVE MODE",
                        0, NULL, NULL, e);

    if (rc == 0)
        rc = store_exec(
            c,
            keep_sessions ? "TRUNCATE " RESET_ALL " RESTART IDENTITY"
                          : "TRUNCATE " RESET_ALL ", sessions RESTART IDENTITY",
            0, NULL, NULL, e);
    return rc;
}

int store_reset_is_fresh(struct store_conn *c, int *fresh, struct err *e)
{
    PGresult *r = NULL;
    int rc = store_exec(c,
                        "SELECT NOT EXISTS (SELECT 1 FROM dhcp_servers) AND "
                        "NOT EXISTS (SELECT 1 FROM ranges) AND "
                        "NOT EXISTS (SELECT 1 FROM dhcp_failover) AND "
                        "NOT EXISTS (SELECT 1 FROM property_definitions)",
                        0, NULL, &r, e);

    if (rc == 0) {
        *fresh = PQgetvalue(r, 0, 0)[0] == 't';
        PQclear(r);
    }
    return rc;
}
