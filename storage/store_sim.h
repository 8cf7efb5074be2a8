/* micetro-emu storage: simulated ISC servers (migration 012).
 *
 * A server is simulated when its own `simulated` column says so, or when
 * the last worker started on the database simulates every server (table
 * sim_mode: no agent secret, or --simulate).  Its file is kept in
 * sim_configs instead of being pushed to an agent, with the failover
 * peers it declares; what it reports for each relationship follows those
 * files (the worker writes it where a real server's state goes,
 * store_failover_set_live), unless the control API set a state or a
 * sequence of states for it (sim_failover_states), which reads compute at
 * the time of the read (STORE_SIM_REPORTED).
 */
#ifndef MICETRO_STORE_SIM_H
#define MICETRO_STORE_SIM_H

#include <stddef.h>

#include "confpeers.h"
#include "err.h"
#include "store.h"

/* SQL: true when the mode simulates every server.  A server is
 * simulated when its own column or this is true. */
#define STORE_SIM_EVERY "EXISTS (SELECT 1 FROM sim_mode WHERE every_server)"

/* What server sid reports for relationship fid (SQL): the state of its
 * sequence reached by now(), else stored (the column the worker writes).
 * While no state is set anywhere (an InitPlan, once per statement) the
 * look-up per row is skipped. */
#define STORE_SIM_REPORTED(fid, sid, stored)                                   \
    "coalesce(CASE WHEN EXISTS (SELECT 1 FROM sim_failover_states) THEN "      \
    "(SELECT o.states[k] FROM sim_failover_states o, "                         \
    "generate_subscripts(o.states, 1) k WHERE o.failover_id = " fid " "        \
    "AND o.server_id = " sid " AND o.posted_at + o.after_ms[k] * "             \
    "interval '1 millisecond' <= now() ORDER BY k DESC LIMIT 1) END, " stored  \
    ")"
/* Those of the relationship aliased f, its primary and its secondary. */
#define STORE_SIM_REPORTED_PRIMARY                                             \
    STORE_SIM_REPORTED("f.id", "f.primary_id", "f.primary_state")
#define STORE_SIM_REPORTED_SECONDARY                                           \
    STORE_SIM_REPORTED("f.id", "f.secondary_id", "f.secondary_state")

/* The longest sequence of states, and the latest step (a day). */
#define STORE_SIM_SEQUENCE_MAX 64
#define STORE_SIM_AFTER_MS_MAX 86400000LL
/* Failover peers kept of one file, at most (the rest are not kept). */
#define STORE_SIM_PEERS_MAX 1024
/* Bytes of a simulated server's file, at most. */
#define STORE_SIM_CONFIG_MAX 16777216

/* Records the mode of a worker starting on the database: every server
 * simulated (every_server 1) or only those marked; by names the worker. */
int store_sim_mode_set(struct store_conn *c, int every_server, const char *by,
                       struct err *e);

/* A server as the control API sees it. */
struct store_sim_server {
    long long id;
    char name[256];   /* canonical, with its dot */
    int own;          /* its own column */
    int simulated;    /* own, or every server is */
    int every_server; /* the mode says every server is */
};

/* Finds the server called name (any case, with or without the dot).
 * ERR_NOTFOUND `no DHCP server "x"` when there is none. */
int store_sim_server_find(struct store_conn *c, const char *name,
                          struct store_sim_server *out, struct err *e);

/* Sets server id's own column, in the caller's transaction, under the
 * lock AddDHCPFailoverRelationship takes: ERR_CONFLICT when that would
 * leave one of its relationships joining a simulated and a real server,
 * or when it would make it real while every server is simulated.  Made
 * real, it loses its kept file and set states.  A change queues its
 * push (trigger). */
int store_sim_set(struct store_conn *c, long long id, int on, struct err *e);

/* AddDHCPFailoverRelationship: servers primary_id and secondary_id
 * (called primary, secondary) must both be simulated or both real
 * (failover_check_simulated).  Takes the lock of relationship adds
 * first, so that no change of either server's column slips in. */
int store_sim_check_pair(struct store_conn *c, long long primary_id,
                         long long secondary_id, const char *name,
                         const char *primary, const char *secondary,
                         struct err *e);

/* The push a simulated server's file comes from: the worker holding the
 * job's claim and the generation it claimed. */
struct store_sim_claim {
    const char *worker;
    long long generation;
};

/* Keeps config as server id's installed file, with the failover peers it
 * declares (peers[0..npeers)) and whether dhcpd -t checked it; hash[65]
 * gets its SHA-256 (hex).  ERR_NOTFOUND when the server has gone.  With a
 * claim (a push), only while that worker still holds the job at that
 * generation: else ERR_CONFLICT and nothing kept (a reset or a restore
 * took the job back meanwhile, and the file is no longer the server's). */
int store_sim_install(struct store_conn *c, long long id,
                      const struct store_sim_claim *claim, const char *config,
                      const char (*peers)[CONFPEERS_NAME_BUF], size_t npeers,
                      int checked, char hash[65], struct err *e);

/* Files waiting for a simulated server not added yet, at most. */
#define STORE_SIM_WAITING_MAX 64

/* In the caller's transaction: keeps config as the file of the server
 * to be called name (no server has that name yet), with the peers it
 * declares; AddDHCPServer makes it that server's installed file when the
 * server is simulated (migration 014).  Replaces what waited under that
 * name.  ERR_INVALID for a name no server can have, ERR_CONFLICT when
 * STORE_SIM_WAITING_MAX files wait already. */
int store_sim_wait(struct store_conn *c, const char *name, const char *config,
                   const char (*peers)[CONFPEERS_NAME_BUF], size_t npeers,
                   struct err *e);

/* A simulated server's installed file. */
struct store_sim_config {
    struct store_sim_server server;
    int installed;         /* 0: never installed (the rest empty) */
    char *config;          /* malloc'd: store_sim_config_free */
    char hash[65];         /* SHA-256, hex */
    char installed_at[40]; /* RFC 3339, UTC, milliseconds */
    int checked;           /* dhcpd -t ran on it */
    char *peers;           /* the peer names, each NUL-terminated, */
    size_t npeers;         /* one after the other (malloc'd) */
};

/* Reads the server called name and its installed file.  ERR_NOTFOUND
 * when there is no such server. */
int store_sim_config_get(struct store_conn *c, const char *name,
                         struct store_sim_config *out, struct err *e);

void store_sim_config_free(struct store_sim_config *cfg);

/* What two simulated servers report for their relationship when nothing
 * is set: for each side, "Empty" when its file does not declare the
 * relationship (dhcpd has no such peer), "Normal" when both files do,
 * "Startup" when only its own does. */
struct store_sim_auto {
    long long id; /* the relationship */
    char primary_state[32], secondary_state[32];
};

/* The relationships between two simulated servers (of server id only
 * when id is not 0) whose stored states are not yet those above, or that
 * carry a state error, into a malloc'd *out (free) of *n. */
int store_sim_auto_states(struct store_conn *c, long long id,
                          struct store_sim_auto **out, size_t *n,
                          struct err *e);

/* What a simulated server reports for one relationship, as set. */
struct store_sim_reported {
    char relationship[CONFPEERS_NAME_BUF]; /* its name as stored */
    char posted_at[40];                    /* RFC 3339, UTC, milliseconds */
    char now[32];                          /* what it reports now */
};

/* Sets what server id (called server) reports for its relationship
 * called relationship (any case): states[0..n) from the time of the call
 * + after_ms[i] on (checked by the caller: names, ascending, 0 ..
 * STORE_SIM_AFTER_MS_MAX, n 1..STORE_SIM_SEQUENCE_MAX); n 0 returns to
 * automatic.  *out (may be NULL) gets the relationship's name and, for
 * n > 0, the time and what the server reports now.  ERR_NOTFOUND when
 * the server has no such relationship. */
int store_sim_state_set(struct store_conn *c, long long id, const char *server,
                        const char *relationship, const char *const *states,
                        const long long *after_ms, size_t n,
                        struct store_sim_reported *out, struct err *e);

/* Removes every state set for server id; *n (may be NULL) how many. */
int store_sim_state_clear(struct store_conn *c, long long id, long long *n,
                          struct err *e);

#endif
