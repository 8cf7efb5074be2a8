/* micetro-emu storage: waiting for NOTIFY (see store_listen.h). */
#include "store_listen.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

struct store_listener {
    PGconn *pg;
    char conninfo[1024];
    char channel[64];
    int connect_timeout_s;
};

/* (Re)connects and LISTENs. */
static int connect_listen(struct store_listener *l, struct err *e)
{
    const char *keys[] = {"dbname", "connect_timeout", NULL};
    char timeout[16], sql[96];
    const char *vals[3];
    PGresult *r;

    if (l->pg != NULL) {
        PQfinish(l->pg);
        l->pg = NULL;
    }
    snprintf(timeout, sizeof(timeout), "%d", l->connect_timeout_s);
    vals[0] = l->conninfo;
    vals[1] = timeout;
    vals[2] = NULL;
    l->pg = PQconnectdbParams(keys, vals, 1);
    if (l->pg == NULL || PQstatus(l->pg) != CONNECTION_OK) {
        err_set(e, ERR_DB, "listener: %s",
                l->pg != NULL ? PQerrorMessage(l->pg) : "out of memory");
        if (l->pg != NULL)
            PQfinish(l->pg);
        l->pg = NULL;
        return e->code;
    }
    snprintf(sql, sizeof(sql), "LISTEN %s", l->channel);
    r = PQexec(l->pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        err_set(e, ERR_DB, "listener: %s", PQresultErrorMessage(r));
        PQclear(r);
        PQfinish(l->pg);
        l->pg = NULL;
        return e->code;
    }
    PQclear(r);
    return 0;
}

struct store_listener *store_listen_open(const char *conninfo,
                                         const char *channel,
                                         int connect_timeout_s, struct err *e)
{
    struct store_listener *l;
    size_t i;

    for (i = 0; channel[i] != '\0'; i++) {
        char ch = channel[i];

        if (!((ch >= 'a' && ch <= 'z') || ch == '_' ||
              (i > 0 && ch >= '0' && ch <= '9'))) {
            err_set(e, ERR_INVALID, "invalid channel name \"%s\"", channel);
            return NULL;
        }
    }
    if (i == 0 || i >= 64 || strlen(conninfo) >= 1024) {
        err_set(e, ERR_INVALID, "invalid channel or connection string");
        return NULL;
    }
    if ((l = calloc(1, sizeof(*l))) == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    memcpy(l->conninfo, conninfo, strlen(conninfo) + 1);
    memcpy(l->channel, channel, i + 1);
    l->connect_timeout_s = connect_timeout_s;
    if (connect_listen(l, e) != 0) {
        free(l);
        return NULL;
    }
    return l;
}

/* Drops what arrived; 1 when there was a notification. */
static int drain(struct store_listener *l)
{
    PGnotify *n;
    int got = 0;

    while ((n = PQnotifies(l->pg)) != NULL) {
        got = 1;
        PQfreemem(n);
    }
    return got;
}

int store_listen_wait(struct store_listener *l, int timeout_ms, struct err *e)
{
    struct pollfd p;
    int rc;

    if (l->pg == NULL || PQstatus(l->pg) != CONNECTION_OK) {
        if ((rc = connect_listen(l, e)) != 0)
            return rc;
    }
    if (!PQconsumeInput(l->pg))
        goto lost;
    if (drain(l))
        return 1;
    p.fd = PQsocket(l->pg);
    p.events = POLLIN;
    p.revents = 0;
    rc = poll(&p, 1, timeout_ms);
    if (rc == 0)
        return 0;
    if (rc < 0)
        return 0; /* a signal: the caller looks at its stop flag */
    if (!PQconsumeInput(l->pg))
        goto lost;
    return drain(l);
lost:
    err_set(e, ERR_DB, "listener: %s", PQerrorMessage(l->pg));
    PQfinish(l->pg);
    l->pg = NULL;
    return e->code;
}

void store_listen_close(struct store_listener *l)
{
    if (l == NULL)
        return;
    if (l->pg != NULL)
        PQfinish(l->pg);
    free(l);
}
