/* micetro-emu storage: what a DHCP server's dhcpd.conf is made of, read
 * from the database into the renderer's model (server/core/render.h).
 *
 * The worker loads a server's configuration in one REPEATABLE READ
 * transaction (a consistent snapshot of its scopes, pools and
 * relationships), renders it and pushes it.  The job's generation is read
 * in the same snapshot, so the worker knows which changes the file holds.
 */
#ifndef MICETRO_STORE_DHCPCONF_H
#define MICETRO_STORE_DHCPCONF_H

#include "render.h"
#include "store.h"

/* The key name the rendered file gives its OMAPI key (an import drops
 * its declaration: the renderer writes it). */
#define STORE_CONFIG_OMAPI_KEY_NAME "micetro-omapi"

/* A server's configuration.  model's strings and arrays point into this
 * object; free it with store_config_free. */
struct store_config {
    struct render_server model;
    long long server_id;
    int agent_port;          /* 0: the agent's default */
    int enabled;             /* the server's enabled flag */
    int simulated;           /* its file is kept, not pushed (store_sim.h) */
    long long *scope_ids;    /* scope_ids[i] is model.scopes[i]'s id */
    long long *failover_ids; /* failover_ids[i]: model.relationships[i] */
    long long *partner_ids;  /* the other server of relationships[i] */
    /* owned: the query results the strings point into, and the arrays */
    void *results[4];
    struct render_relationship *rels;
    struct render_scope *scopes;
    struct render_pool *pools;
};

/* Reads server server_id's configuration into a new *out (inside the
 * caller's transaction, which should be REPEATABLE READ).  The OMAPI
 * block uses the server's own OMAPI port, else omapi_port, and its stored
 * omapi_key (key name "micetro-omapi"); without a stored key, omapi_port
 * is 0 in the model.
 * ERR_NOTFOUND when the server has gone. */
int store_config_load(struct store_conn *c, long long server_id, int omapi_port,
                      struct store_config **out, struct err *e);

void store_config_free(struct store_config *cfg);

/* Sets the unmanaged statements of DHCP server or scope id (type
 * REF_DHCP_SERVER or REF_DHCP_SCOPE; NULL or "": none), in the caller's
 * transaction; the caller checked them (render_check_statements).  The
 * trigger of migration 008 queues the server's configuration. */
int store_config_statements_set(struct store_conn *c, int type, long long id,
                                const char *text, struct err *e);

#endif
