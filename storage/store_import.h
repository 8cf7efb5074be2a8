/* micetro-emu storage: importing what a DHCP server already runs
 * (migration 014), and the baseline its live file is compared with.
 *
 * A server's import is Pending from AddDHCPServer until the worker has
 * read its live file and applied it (Applied), or the operator chose to
 * keep the emulator's model (Skipped); Failed when the file could not be
 * read as dhcpd.conf.  While Pending or Failed the server is never pushed
 * (STORE_IMPORT_PUSHABLE in store_job_claim).  The baseline is the file
 * last pushed or imported; a live file that differs from it has drifted.
 */
#ifndef MICETRO_STORE_IMPORT_H
#define MICETRO_STORE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "confimport.h"
#include "err.h"
#include "store.h"

/* SQL: config_jobs' server (column sid) may be pushed: its import is
 * neither Pending nor Failed. */
#define STORE_IMPORT_PUSHABLE(sid)                                             \
    "NOT EXISTS (SELECT 1 FROM dhcp_imports i WHERE i.server_id = " sid        \
    " AND i.state IN ('Pending', 'Failed'))"

/* Bytes of an import's message, NUL included (the column's bound + 1). */
#define STORE_IMPORT_MESSAGE_MAX 1024
/* Bytes of a baseline, at most (the column's bound). */
#define STORE_IMPORT_BASELINE_MAX 16777216
/* Reported peers listed per server, at most. */
#define STORE_IMPORT_PEERS_MAX 4096

/* A server's import as the control API shows it. */
struct store_import {
    long long id;
    char name[256];
    int simulated;
    char state[16]; /* Pending, Applied, Skipped, Failed */
    char message[STORE_IMPORT_MESSAGE_MAX];
    char baseline_hash[65]; /* "" when there is none */
    char updated[40];       /* RFC 3339, UTC, milliseconds */
    char *baseline;         /* malloc'd (store_import_free), or NULL */
    char *live;             /* a simulated server's kept file, or NULL */
    char live_hash[65];
};

/* Reads the import of server `name` (any case, with or without the dot),
 * with its baseline and, for a simulated server, its kept file.
 * ERR_NOTFOUND when there is no such server. */
int store_import_get(struct store_conn *c, const char *name,
                     struct store_import *out, struct err *e);

void store_import_free(struct store_import *im);

/* Sets server id's import state and message (NULL: none). */
int store_import_set(struct store_conn *c, long long id, const char *state,
                     const char *message, struct err *e);

/* Keeps the emulator's model: Skipped, and the server's file queued for a
 * push (over whatever it runs). */
int store_import_skip(struct store_conn *c, long long id, struct err *e);

/* Sets server id's import Pending again (the worker re-reads its file). */
int store_import_request(struct store_conn *c, long long id, struct err *e);

/* text (len bytes) is what server id now runs as pushed: the baseline. */
int store_import_baseline(struct store_conn *c, long long id, const char *text,
                          struct err *e);

/* Seconds an import that could not read its file waits to be tried
 * again (its message says why). */
#define STORE_IMPORT_RETRY_S 10

/* The servers whose import is Pending, at most max, into ids[*n]: those
 * whose last try failed after STORE_IMPORT_RETRY_S. */
int store_import_pending(struct store_conn *c, long long *ids, size_t max,
                         size_t *n, struct err *e);

/* A simulated server whose kept file differs from its baseline. */
struct store_import_drift {
    long long id;
    char *baseline, *live; /* malloc'd (store_import_drift_free) */
};

/* A real server whose live file is compared with its baseline. */
struct store_import_watch {
    long long id;
    char name[256];
    char host[64];  /* its address, dotted */
    int agent_port; /* 0: the default */
    char *baseline; /* malloc'd (store_import_watch_free) */
};

/* The real servers (neither simulated nor all servers simulated), enabled
 * with an address, Applied or Skipped with a baseline and nothing queued
 * to push: those whose live file the worker reads back and compares,
 * into a malloc'd *out of *n, at most STORE_IMPORT_WATCH_MAX. */
#define STORE_IMPORT_WATCH_MAX 1000
int store_import_watched(struct store_conn *c, struct store_import_watch **out,
                         size_t *n, struct err *e);

void store_import_watch_free(struct store_import_watch *w, size_t n);

/* The simulated servers, Applied or Skipped, with nothing queued to push,
 * whose kept file is not their baseline, into a malloc'd *out of *n. */
int store_import_drifted(struct store_conn *c, struct store_import_drift **out,
                         size_t *n, struct err *e);

void store_import_drift_free(struct store_import_drift *d, size_t n);

/* What the import of one server sees of itself and its peers' partners,
 * read inside the import's transaction after store_import_begin. */
struct store_import_server {
    long long id;
    char name[256];
    uint32_t address; /* host order, 0 when none */
    char host[16];    /* the same, dotted ("" when none) */
    int agent_port;   /* 0: the worker's default */
    int simulated;
    char *live; /* a simulated server's kept file, NULL when none */
};

/* Begins the import of server id on c: a transaction whose job marks are
 * off (micetro.importing), table dhcp_failover locked as a relationship
 * add locks it, then the server's row; reads it into *out (free its
 * live).  ERR_NOTFOUND when the server has gone. */
int store_import_begin(struct store_conn *c, long long id,
                       struct store_import_server *out, struct err *e);

/* The other side of a peer: the server whose last import declared a
 * peer of that name, with that declaration. */
struct store_import_partner {
    long long id;
    char name[256];
    uint32_t address;            /* host order, 0 when none */
    struct confimport_peer peer; /* its name, file NULL; problem below */
    char problem[1024];
};

/* The other server (not id) whose file declares peer `name`, one in a
 * relationship of that name with server id first: 1 found, 0 none, or
 * an ERR_*. */
int store_import_partner(struct store_conn *c, long long id, const char *name,
                         struct store_import_partner *out, struct err *e);

/* What became of one peer of the file. */
struct store_import_peer {
    const struct confimport_peer *decl; /* as the file declares it */
    long long partner_id;               /* 0: none found */
    /* rel.name NULL: no relationship, for reason */
    struct confimport_relationship rel;
    const char *reason;
};

/* Inside store_import_begin's transaction: makes server id's global
 * statements, scopes (ranges created when missing), pools and their
 * statements equal to im; its peers kept as declared, and as
 * peers[0..npeers) say (a relationship made or updated with the
 * instances of the scopes both servers' peers name, or a reason, which
 * the partner's row gets too); the import Applied with message (NULL:
 * none) and text as its baseline. */
int store_import_apply(struct store_conn *c, long long id,
                       const struct confimport *im,
                       const struct store_import_peer *peers, size_t npeers,
                       const char *text, const char *message, struct err *e);

/* A peer reported for a server that makes no relationship. */
struct store_import_reported {
    long long server_id;
    char server[256];
    char name[129];
    char reason[1024];
};

/* Those of server id (0: every server; name not NULL: that one only),
 * by server and name, into a malloc'd *out of *n (at most
 * STORE_IMPORT_PEERS_MAX). */
int store_import_reported(struct store_conn *c, long long id, const char *name,
                          struct store_import_reported **out, size_t *n,
                          struct err *e);

#endif
