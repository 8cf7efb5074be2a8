/* micetro-emu core: a whole dhcpd.conf read into a tree of plain structs,
 * on the one lexer (conflex.h), for importing what a DHCP server already
 * runs.
 *
 * Modelled: `failover peer NAME { ... }` declarations with every
 * parameter of dhcpd.conf(5), `failover peer NAME;` references,
 * `shared-network`, `subnet A netmask M`, `pool`, `range [dynamic-bootp]
 * LOW [HIGH]`, `host NAME`, `group [NAME]` and `include "FILE"`.  Every
 * other statement (options, parameters, allow/deny, classes, keys,
 * zones, `if` chains, subnet6 ...) is kept verbatim: its bytes as
 * written from its first token to its ';' or closing '}' (and a ';'
 * after that '}', and the `elsif`/`else` parts of an `if`), with its
 * file and line, in the order of the file, at the top level and inside
 * every block, so that a renderer can write it back.  Comments between
 * statements are dropped; a comment inside a verbatim statement stays in
 * its text.
 *
 * Syntax is checked as dhcpd's parser checks it, semantics are not: a
 * peer's parameters must be well formed (numbers in range, hba of 32
 * bytes, a ';' after each), every block must be allowed where it stands
 * (a peer declared at the top or in a shared-network, a reference in a
 * pool or shared-network, a range in a subnet or pool, a pool in a
 * subnet or shared-network ...); but a peer declared twice or never
 * referred to, a reference to an undeclared peer, a primary without mclt
 * or split, a range outside its subnet are parsed as they stand and left
 * to the caller.  Duplicate parameters in a peer: the last one counts,
 * as for dhcpd.
 *
 * No I/O: the caller gives the main file's text and a function that
 * gives an included file's text by name.  The input is untrusted; the
 * limits below are enforced and a refusal names the file and line and
 * what was expected there.  No recursion beyond CONFPARSE_DEPTH_MAX.
 */
#ifndef MICETRO_CONFPARSE_H
#define MICETRO_CONFPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Blocks (and includes) nested, counted across included files. */
#define CONFPARSE_DEPTH_MAX 32
/* Includes nested in includes (the main file is at 0). */
#define CONFPARSE_INCLUDE_DEPTH_MAX 8
/* `include` statements followed, in all. */
#define CONFPARSE_INCLUDES_MAX 256
/* Bytes of one file, and of all files together. */
#define CONFPARSE_FILE_MAX ((size_t)32 << 20)
#define CONFPARSE_TOTAL_MAX ((size_t)64 << 20)
/* Statements (nodes of the tree), in all. */
#define CONFPARSE_STATEMENTS_MAX 1000000
/* Bytes of a name: a peer's, a host's, a shared-network's, a group's,
 * an included file's, a peer's address. */
#define CONFPARSE_NAME_MAX 255

enum confparse_kind {
    CONFPARSE_ROOT,     /* the main file */
    CONFPARSE_OTHER,    /* a statement kept verbatim: text */
    CONFPARSE_INCLUDE,  /* include "name": the file's statements inside */
    CONFPARSE_PEER,     /* failover peer "name" { }: peer */
    CONFPARSE_PEER_REF, /* failover peer "name"; */
    CONFPARSE_SHARED,   /* shared-network name { } */
    CONFPARSE_SUBNET,   /* subnet net netmask mask { } */
    CONFPARSE_POOL,     /* pool { } */
    CONFPARSE_RANGE,    /* range [dynamic-bootp] low [high]; */
    CONFPARSE_HOST,     /* host name { } */
    CONFPARSE_GROUP     /* group [name] { } (name NULL without one) */
};

enum confparse_role {
    CONFPARSE_ROLE_NONE, /* neither primary; nor secondary; */
    CONFPARSE_ROLE_PRIMARY,
    CONFPARSE_ROLE_SECONDARY
};

/* A peer's numeric parameters, each `keywords NUMBER;`. */
enum confparse_param {
    CONFPARSE_PORT,                     /* port, 0..65535 */
    CONFPARSE_PEER_PORT,                /* peer port, 0..65535 */
    CONFPARSE_MAX_RESPONSE_DELAY,       /* max-response-delay */
    CONFPARSE_MAX_UNACKED_UPDATES,      /* max-unacked-updates */
    CONFPARSE_MCLT,                     /* mclt */
    CONFPARSE_SPLIT,                    /* split, 0..256 */
    CONFPARSE_LOAD_BALANCE_MAX_SECONDS, /* load balance max seconds */
    CONFPARSE_MAX_LEASE_MISBALANCE,     /* max-lease-misbalance */
    CONFPARSE_MAX_LEASE_OWNERSHIP,      /* max-lease-ownership */
    CONFPARSE_MAX_BALANCE,              /* max-balance */
    CONFPARSE_MIN_BALANCE,              /* min-balance */
    CONFPARSE_AUTO_PARTNER_DOWN,        /* auto-partner-down */
    CONFPARSE_PARAMS
};

/* The limit of the others: what dhcpd's 32-bit fields hold. */
#define CONFPARSE_NUMBER_MAX 4294967295UL

/* An address as dhcpd reads a peer's: an IPv4 address or a host name. */
struct confparse_addr {
    int line;                          /* 0: not given */
    int is_ipv4;                       /* 1: ipv4 holds it */
    uint32_t ipv4;                     /* host order */
    char text[CONFPARSE_NAME_MAX + 1]; /* as written, dots joined */
};

struct confparse_peer {
    enum confparse_role role;
    int role_line; /* 0: no role given */
    struct confparse_addr address, peer_address;
    unsigned long value[CONFPARSE_PARAMS]; /* by enum confparse_param */
    int value_line[CONFPARSE_PARAMS];      /* 0: not given */
    unsigned char hba[32];
    int hba_line; /* 0: no hba */
};

struct confparse_node {
    enum confparse_kind kind;
    const char *file; /* the file it is in (the conf owns the string) */
    int line;         /* of its first token */
    /* OTHER: the statement's bytes (len of them, NUL-terminated) */
    char *text;
    size_t len;
    /* PEER, PEER_REF, SHARED, HOST, GROUP (or NULL), INCLUDE: the name;
     * no NUL byte inside */
    char *name;
    struct confparse_peer *peer; /* PEER */
    uint32_t net, mask;          /* SUBNET, host order */
    uint32_t low, high;          /* RANGE (high = low when not given) */
    int dynamic_bootp;           /* RANGE */
    struct confparse_node *parent, *first, *last, *next;
};

struct confparse {
    struct confparse_node root; /* kind ROOT: the main file's statements */
    size_t nodes;               /* under root */
    /* private: the file names, the peers sorted by name */
    char **files;
    size_t nfiles;
    struct confparse_node **peers;
    size_t npeers;
};

/* Gives the text of the included file name in *text, *len (the bytes
 * must stay until confparse_parse returns): 0, or -1 when there is no
 * such file (the parse is refused at the include). */
typedef int (*confparse_include_fn)(void *ctx, const char *name,
                                    const char **text, size_t *len);

/* A refusal, in printable ASCII (other bytes of names shown as '?'). */
struct confparse_err {
    char file[64]; /* the file at fault (cut), "" for none */
    int line, col; /* 0 when about the input as a whole */
    char what[160];
};

/* Reads text[0..len) (the file called name) into *out, to be freed with
 * confparse_free.  include may be NULL: then an include is refused.
 * Returns 0, ERR_INVALID (err says where and why, *out NULL) or
 * ERR_NOMEM. */
int confparse_parse(const char *text, size_t len, const char *name,
                    confparse_include_fn include, void *ctx,
                    struct confparse **out, struct confparse_err *err);

void confparse_free(struct confparse *conf);

/* The first peer declared under name (byte for byte), or NULL.  In
 * O(log n). */
const struct confparse_node *confparse_peer(const struct confparse *conf,
                                            const char *name);

/* The node after n in document order (a node's children come right
 * after it, includes entered), or NULL after the last; start with
 * &conf->root.  Iterative. */
const struct confparse_node *confparse_walk(const struct confparse_node *n);

/* A kind in words, for messages: "a subnet", "the top level". */
const char *confparse_kind_name(enum confparse_kind k);

/* The first ancestor of n of kind k, or NULL. */
const struct confparse_node *confparse_up(const struct confparse_node *n,
                                          enum confparse_kind k);

#endif
