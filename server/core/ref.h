/* micetro-emu core: Micetro object references.
 *
 * Micetro names objects by refs "{#<type>-#<id>}", the type being the index
 * of the ObjectType enumeration.  Where a ref is expected, clients may also
 * give the newer "<resource>/<id>" form ("dhcpScopes/1") or a name (a
 * server's name, a scope's name such as "10.0.0.0/24", or the
 * "server:cidr" form of a scope instance).  ref_parse() tells the three
 * apart; looking the object up is the caller's business.
 */
#ifndef MICETRO_REF_H
#define MICETRO_REF_H

#include <stddef.h>

#include "err.h"

/* ObjectType numbers of the objects we serve. */
enum ref_type {
    REF_DHCP_SERVER = 3,
    REF_RANGE = 6,
    REF_DHCP_SCOPE = 7,
    REF_DHCP_ADDRESS_POOL = 10,
    REF_DHCP_EXCLUSION = 16,
    REF_DHCP_FAILOVER = 17 /* DHCPFailoverPeer: relationships, change log */
};

enum ref_kind {
    REF_TYPED,    /* "{#7-#12}": type and id set */
    REF_RESOURCE, /* "dhcpScopes/12": type (from the resource) and id set */
    REF_NAME      /* anything else: name set */
};

struct ref {
    enum ref_kind kind;
    int type;         /* enum ref_type value (REF_TYPED: any number) */
    long long id;     /* >= 1; 0 for REF_NAME */
    const char *name; /* REF_NAME: points into the input, else NULL */
};

/* Room for any ref ref_format() writes ("{#2147483647-#9223...807}"). */
#define REF_BUF 40

/* Parses s into r.
 *
 * - "{#" starts a typed ref, which must be exactly "{#<type>-#<id>}" with
 *   decimal digits, no leading zeros, no spaces, type 0..INT_MAX (any
 *   number: the caller checks it is the one it wants), id 1..LLONG_MAX;
 *   anything else is ERR_INVALID naming the input.
 * - "<resource>/<digits>" with a resource ref_type_of_resource() knows
 *   (case-insensitive) is REF_RESOURCE; an id of 0, with leading zeros or
 *   above LLONG_MAX is ERR_INVALID.
 * - Everything else is REF_NAME, including "10.0.0.0/24",
 *   "dhcp1.:10.0.0.0/24", "dhcpScopes/x" and "zones/4" (unknown resource).
 *
 * NULL or "" is ERR_INVALID "missing reference". */
int ref_parse(const char *s, struct ref *r, struct err *e);

/* Writes "{#<type>-#<id>}" into buf[len].  Returns 0, ERR_INVALID when
 * type < 0 or id < 1, or ERR_INTERNAL when buf is too small (REF_BUF
 * always suffices). */
int ref_format(int type, long long id, char *buf, size_t len);

/* ObjectType number of a REST resource name, matched case-insensitively:
 * dhcpServers 3, ranges 6, dhcpScopes 7, dhcpAddressPools 10,
 * dhcpExclusions 16; -1 for anything else (and NULL). */
int ref_type_of_resource(const char *resource);

/* ObjectType name of a type number (7 -> "DHCPScope"); NULL when the type
 * is not one of enum ref_type. */
const char *ref_type_name(int type);

/* Splits a scope-instance name "<server>:<cidr>" ("dhcp1.example.:10.0.0.0
 * /24") at the last ':' when what follows is a valid IPv4 CIDR in the
 * validate_cidr() sense (network address, prefix 0..32).  Copies the
 * server part into server[len] and points *cidr at the CIDR inside name.
 * Returns 0, or ERR_INVALID when name is not of that form, the server part
 * is empty, or it does not fit in server (VALIDATE_HOSTNAME_BUF suffices
 * for any host name).  Nothing is written on failure. */
int ref_split_server_scope(const char *name, char *server, size_t len,
                           const char **cidr);

#endif
