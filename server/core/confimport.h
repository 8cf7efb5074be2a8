/* micetro-emu core: the import model of a dhcpd.conf, from the tree
 * confparse.h reads, into the objects the emulator models for one DHCP
 * server.  Pure: no I/O, no clock.
 *
 *   global statements  every top-level statement the model does not hold,
 *                verbatim, in file order, joined by newlines: the parser's
 *                kept statements (options, classes, keys ...), and host
 *                and group blocks (without subnets) written back from
 *                their children; included files are read in place.
 *                Dropped, because the renderer writes them itself:
 *                `omapi-port N;` (N becomes omapi_port), `omapi-key
 *                NAME;` (dhcpd takes one: the agent's), and, when options
 *                name the agent's key, `key NAME { ... }` of that name.
 *                So confimport(parse(render(m))) gives m back.
 *   scopes       one per `subnet A netmask M`: network and prefix, its
 *                other statements verbatim (hosts and groups included),
 *                its pools.  Each range is one pool: a pool with N ranges
 *                gives N pools, each with the pool's statements and peer;
 *                a range straight in the subnet gives a pool without
 *                statements or peer.  The scope's peer is its FIRST
 *                pool's (Micetro's rule); when another pool names a
 *                different peer (or none where the first has one) the
 *                scope carries a note saying so.
 *   peers        every `failover peer NAME { }` declaration, with the
 *                parameters dhcp_failover holds (defaults applied where
 *                absent: port and peer port 647, max-response-delay 60,
 *                max-unacked-updates 10, and load balance max seconds 0
 *                as dhcpd runs it, which then disables load balancing, not
 *                the emulator's 3) and where it stands.  What the model
 *                cannot hold gives the
 *                peer a problem (the first one, with its line): hba,
 *                max-lease-misbalance, max-lease-ownership, min-balance,
 *                max-balance, auto-partner-down, an address or peer
 *                address that is a host name or missing, no role, a
 *                primary without mclt or split, split or hba on a
 *                secondary, a parameter outside the emulator's bounds
 *                (failover.h), a peer no pool refers to.  Such a
 *                relationship is shown in state Error with that reason.
 *
 *   superscopes  the subnets of a `shared-network NAME { }` are scopes like
 *                the others, with NAME as their superscope (the renderer
 *                writes them back in one shared-network block).  What
 *                else a shared-network holds, statements, hosts, pools,
 *                peer references, is refused; so are a shared-network
 *                without a subnet, one declared twice, and a name the
 *                renderer cannot quote.
 *
 * Messages, notes and problems are printable ASCII: other bytes of names
 * from the file show as '?'.
 *
 * Refused with ERR_INVALID and a message "FILE:LINE: what": a subnet in a
 * group, a shared-network in a group, a pool straight in a
 * shared-network, `range dynamic-bootp`, a pool without a range, a
 * block whose kept statements exceed RENDER_STATEMENTS_MAX bytes (or
 * that render_check_statements refuses), a peer declared twice, a pool
 * referring to an undeclared peer or to one declared after it, two
 * subnets with the same network, a netmask that is not contiguous or a
 * subnet with bits outside it, a range outside its subnet, with low above
 * high or overlapping another range of the subnet, more than the limits
 * below (CONFIMPORT_POOLS_MAX is a backstop: the parser's
 * CONFPARSE_STATEMENTS_MAX comes first).  Nothing the file holds is silently
 * dropped.
 *
 * confimport_match compares the two declarations of one peer name on the
 * two managed servers and gives the relationship as dhcp_failover stores
 * it, or ERR_CONFLICT with the reason.
 */
#ifndef MICETRO_CONFIMPORT_H
#define MICETRO_CONFIMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "failover.h"

/* Scopes (subnets) of one file. */
#define CONFIMPORT_SCOPES_MAX 100000
/* Pools (ranges) of one scope, and of the whole file. */
#define CONFIMPORT_SCOPE_POOLS_MAX 4096
#define CONFIMPORT_POOLS_MAX 1000000
/* Failover peers declared in one file. */
#define CONFIMPORT_PEERS_MAX 4096
/* load balance max seconds when a peer gives none: dhcpd's. */
#define CONFIMPORT_DEFAULT_LB_MAX_SECONDS 0
/* Bytes of a note or a problem, NUL included. */
#define CONFIMPORT_TEXT_MAX 256

struct confparse;

struct confimport_options {
    /* the agent's OMAPI key: its `omapi-key NAME;` and `key NAME {}` are
     * dropped; NULL drops none (omapi-port is always dropped) */
    const char *omapi_key_name;
};

struct confimport_pool {
    uint32_t from, to; /* host order, inclusive */
    const char *peer;  /* its `failover peer NAME;`, or NULL */
    char *statements;  /* the pool's other statements, or NULL */
    const char *file;  /* where its range is (the conf's string) */
    int line;
};

struct confimport_scope {
    uint32_t network; /* host order, no host bits */
    int prefix;       /* 0..32 */
    char *statements; /* its other statements (hosts too), or NULL */
    const char *peer; /* the first pool's peer, or NULL */
    char *note;       /* another pool names another peer: what, or NULL */
    struct confimport_pool *pools;
    size_t npools;
    const char *file;
    int line;
    const char *superscope; /* its shared-network's name, or NULL */
};

struct confimport_peer {
    const char *name;
    enum failover_role role; /* FAILOVER_NONE: none given */
    uint32_t address;        /* host order; 0 when not an IPv4 address */
    uint32_t peer_address;
    int port, peer_port; /* this server's, the partner's */
    long long mclt;      /* 0: not given */
    int split;           /* 0..256, -1: not given */
    int percentage;      /* failover_percentage(split), -1 */
    int max_response_delay, max_unacked_updates, load_balance_max_seconds;
    const char *file;
    int line;
    char *problem; /* what the model cannot hold, or NULL */
};

struct confimport {
    char *statements; /* global statements, verbatim, or NULL */
    int omapi_port;   /* the file's `omapi-port N;` (the last), 0: none */
    struct confimport_scope *scopes; /* in file order */
    size_t nscopes;
    struct confimport_peer *peers; /* in file order */
    size_t npeers;
    /* private */
    const struct confparse *conf;
};

/* Imports conf (which must outlive *out: names and files point into it)
 * into *out, to be freed with confimport_free.  opt may be NULL.
 * Returns 0, ERR_INVALID (e says FILE:LINE and what) or ERR_NOMEM; *out
 * is NULL on failure. */
int confimport_import(const struct confparse *conf,
                      const struct confimport_options *opt,
                      struct confimport **out, struct err *e);

void confimport_free(struct confimport *im);

/* The peer declared under name in im, or NULL. */
const struct confimport_peer *confimport_peer(const struct confimport *im,
                                              const char *name);

/* One managed server's side of a relationship. */
struct confimport_side {
    const char *server; /* its name, for messages */
    uint32_t address;   /* its address, host order */
    const struct confimport_peer *peer;
};

/* A relationship as dhcp_failover stores it. */
struct confimport_relationship {
    const char *name; /* the peer's (a's) */
    int primary;      /* 0: side a is the primary, 1: side b */
    long long mclt;
    int percentage;
    int port, peer_port; /* the primary's port, the secondary's */
    int max_response_delay, max_unacked_updates, load_balance_max_seconds;
};

/* The relationship the two declarations of one peer name describe, into
 * *out; or ERR_CONFLICT with the reason: a side's problem, names that
 * differ, roles not opposite, an address that is not its server's,
 * addresses or ports not crossed, a parameter that differs
 * ("max-response-delay is 30 on a.example. and 60 on b.example."). */
int confimport_match(const struct confimport_side *a,
                     const struct confimport_side *b,
                     struct confimport_relationship *out, struct err *e);

#endif
