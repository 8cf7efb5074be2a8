/* micetro-emu: the one way into a handler (see call.h). */
#include "call.h"

#include <string.h>

#include "app.h"
#include "convert.h"
#include "fault.h"
#include "gate.h"
#include "sessid.h"
#include "soaphttpd.h"
#include "startup.h"
#include "store.h"
#include "store_session.h"

#define SESSION_FAULT "Invalid or expired session"

void call_init(struct call *k, struct soap *soap)
{
    memset(k, 0, sizeof(*k));
    k->soap = soap;
    k->app = app_of(soap);
    err_clear(&k->e);
}

int call_open(struct call *k)
{
    if (startup_wait(k->app->startup, k->app->cfg->db_acquire_timeout_ms,
                     k->app->stop, &k->e) != 0)
        return k->e.code;
    k->c = store_acquire(k->app->store, &k->e);
    return k->c != NULL ? 0 : k->e.code;
}

/* call_begin, and for a list (list 1) call_begin_list. */
static int begin(struct call *k, struct soap *soap, const char *sid, int list)
{
    int max;

    call_init(k, soap);
    if (!sessid_valid(sid))
        return err_set(&k->e, ERR_SESSION, SESSION_FAULT);
    if (list) {
        max = k->app->cfg->max_session_lists;
        if (k->app->lists == NULL || !gate_enter(k->app->lists, sid, max))
            return err_set(&k->e, ERR_INVALID,
                           "too many lists at once for this session (at "
                           "most %d); wait for one to end",
                           max);
        k->gated = sid;
    }
    if (call_open(k) != 0)
        return k->e.code;
    return store_session_defer(k->c, sid, k->app->cfg->session_timeout_s,
                               k->login, sizeof(k->login), &k->e);
}

int call_begin(struct call *k, struct soap *soap, const char *sid)
{
    return begin(k, soap, sid, 0);
}

int call_begin_list(struct call *k, struct soap *soap, const char *sid)
{
    return begin(k, soap, sid, 1);
}

int call_end(struct call *k, int rc)
{
    struct err e;

    /* the session check decides first, whatever came after it */
    if (k->c != NULL && store_settle(k->c, &e) != 0) {
        k->e = e;
        rc = e.code;
    }
    if (k->c != NULL) {
        store_release(k->app->store, k->c);
        k->c = NULL;
    }
    if (k->login[0] != '\0' && k->soap != NULL)
        soaphttpd_note_login(k->soap, k->login); /* for the call's log line */
    if (k->gated != NULL) {
        gate_leave(k->app->lists, k->gated);
        k->gated = NULL;
    }
    if (rc != 0)
        return fault_from_err(k->soap, &k->e);
    return 0; /* SOAP_OK */
}

int call_end_ref(struct call *k, int rc, int type, long long id, char **ref)
{
    if (rc == 0 && (*ref = convert_ref(k->soap, type, id)) == NULL)
        rc = err_set(&k->e, ERR_NOMEM, "out of memory");
    return call_end(k, rc);
}
