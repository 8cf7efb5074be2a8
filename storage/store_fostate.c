/* micetro-emu storage: the columns of a failover relationship's state
 * (see store_fostate.h). */
#include "store_fostate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int store_fostate_read(const PGresult *r, int row, int col,
                       struct failover_live *out, struct err *e)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (PQnfields(r) < col + STORE_FOSTATE_NCOLUMNS)
        return err_set(e, ERR_INTERNAL, "failover state: %d columns",
                       PQnfields(r));
    out->nscopes = strtoll(PQgetvalue(r, row, col), NULL, 10);
    out->state_read = PQgetvalue(r, row, col + 3)[0] == 't';
    out->pushing = PQgetvalue(r, row, col + 4)[0] == 't';
    out->push_failed = !PQgetisnull(r, row, col + 5);
    /* the messages may be longer than kept: cut, never refused */
    snprintf(out->push_errors, sizeof(out->push_errors), "%s",
             PQgetvalue(r, row, col + 5));
    snprintf(out->state_error, sizeof(out->state_error), "%s",
             PQgetvalue(r, row, col + 6));
    if ((rc = store_copy_text(r, row, col + 1, out->primary_state,
                              sizeof(out->primary_state), e)) != 0 ||
        (rc = store_copy_text(r, row, col + 2, out->secondary_state,
                              sizeof(out->secondary_state), e)) != 0)
        return rc;
    return 0;
}
