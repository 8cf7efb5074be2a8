/* micetro-emu core: input rules for values that reach the database and
 * dhcpd.conf.
 *
 * Every check returns 0 or ERR_INVALID and, on failure, fills the caller's
 * struct err with a PostgreSQL-style message naming the field and the value
 * (`invalid IPv4 address "10.0.0.256" for field "from"`).  field may be
 * NULL, in which case the message names the value only.  Values quoted in
 * messages pass through validate_quote(): at most about 60 bytes, with
 * control, non-ASCII, '"' and '\' bytes escaped, so a message is always
 * short printable ASCII, safe in a SOAP fault.
 *
 * IPv4 addresses are host-order uint32_t (10.0.0.1 is 0x0A000001).
 */
#ifndef MICETRO_VALIDATE_H
#define MICETRO_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define VALIDATE_IPV4_BUF 16      /* "255.255.255.255" and its NUL */
#define VALIDATE_CIDR_BUF 19      /* "255.255.255.255/32" and its NUL */
#define VALIDATE_HOSTNAME_MAX 253 /* without the trailing dot */
#define VALIDATE_HOSTNAME_BUF 255 /* canonical form: name, '.', NUL */
#define VALIDATE_QUOTE_BUF 72     /* enough for validate_quote() */

/* Flags of validate_range_in_cidr().  VALIDATE_RANGE_POOL: the range is a
 * DHCP pool, so when prefix <= 30 the network and broadcast addresses are
 * refused. */
#define VALIDATE_RANGE_POOL 0x1

/* IPv4 address: exactly four decimal octets 0..255 separated by '.', no
 * leading zeros ("010.0.0.1" and "1.2.3.00" are refused, "0.0.0.0" is
 * fine), no sign, no spaces, nothing after the last octet.  A value that
 * looks like IPv6 (only hex digits, '.', ':', at least two ':') is refused
 * with the exact message `IPv6 addresses are not supported yet: "fe80::1"`.
 * out may be NULL. */
int validate_ipv4(const char *s, uint32_t *out, const char *field,
                  struct err *e);

/* CIDR "a.b.c.d/n": an address as validate_ipv4 wants it, '/', a prefix
 * 0..32 without leading zeros.  The address must be the network address:
 * "10.0.0.1/24" is refused with a message suggesting "10.0.0.0/24".  IPv6
 * CIDRs get the IPv6 message.  net and prefix may be NULL. */
int validate_cidr(const char *s, uint32_t *net, int *prefix, const char *field,
                  struct err *e);

/* Netmask of a prefix 0..32 (24 -> 255.255.255.0); 0 for other values. */
uint32_t validate_cidr_mask(int prefix);

/* First (network) and last (broadcast) address of net/prefix. */
uint32_t validate_cidr_first(uint32_t net, int prefix);
uint32_t validate_cidr_last(uint32_t net, int prefix);

/* Dotted-quad text of ip into buf; returns buf. */
char *validate_ipv4_format(uint32_t ip, char buf[VALIDATE_IPV4_BUF]);

/* Checks that from <= to and both lie inside net/prefix; with
 * VALIDATE_RANGE_POOL and prefix <= 30, neither may be the network or the
 * broadcast address.  Messages name the fields "from" and "to". */
int validate_range_in_cidr(uint32_t from, uint32_t to, uint32_t net, int prefix,
                           unsigned flags, struct err *e);

/* A name that dhcpd.conf carries between double quotes (server names used
 * as labels, failover relationship names, pool and scope names):
 * 1..maxlen bytes taken only from
 *
 *     A-Z a-z 0-9 and  . - _ : / @ + =
 *
 * so no quote, backslash, brace, semicolon, '#', whitespace of any kind,
 * control character or non-ASCII byte can reach the file.  The renderer
 * must still always write such a name inside double quotes. */
int validate_name(const char *s, const char *field, size_t maxlen,
                  struct err *e);

/* A failover relationship name, which dhcpd.conf carries between double
 * quotes on both servers: 1..maxlen bytes of text as validate_text takes
 * it, without '"', '\\', '{', '}' or any control character (tab
 * included), and not starting or ending with a space.  Spaces and
 * non-ASCII letters are allowed. */
int validate_quoted_name(const char *s, const char *field, size_t maxlen,
                         struct err *e);

/* A scope's superscope: "" (none), or the name of the shared-network
 * dhcpd.conf carries its subnets in, between double quotes: a
 * validate_quoted_name of at most VALIDATE_SUPERSCOPE_MAX bytes. */
#define VALIDATE_SUPERSCOPE_MAX 254
int validate_superscope(const char *s, struct err *e);

/* A DHCP server name: a DNS name of labels [A-Za-z0-9-], each 1..63 bytes,
 * not starting or ending with '-', at most 253 bytes without the optional
 * trailing dot (the root "." alone is refused). */
int validate_hostname(const char *s, const char *field, struct err *e);

/* Writes the canonical form of host name in (validated as above) into
 * out[len]: the name with exactly one trailing dot ("dhcp1.example.com" ->
 * "dhcp1.example.com."), case kept (compare names case-insensitively).
 * Returns 0, ERR_INVALID for a bad name, or ERR_INTERNAL when out is too
 * small (VALIDATE_HOSTNAME_BUF always suffices). */
int validate_hostname_canonical(const char *in, char *out, size_t len);

/* Free text (descriptions, comments, custom property values): at most
 * maxlen bytes of valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF), no control characters (C0, DEL, C1) except tab, and
 * not U+FFFE / U+FFFF (not allowed in XML).  NULL and "" are accepted. */
int validate_text(const char *s, const char *field, size_t maxlen,
                  struct err *e);

/* A DHCP server's `address`: an IPv4 address, optionally followed by
 * ":port" (1..65535, no leading zeros) for the agent.  *port is 0 when no
 * port is given.  The field is named "address".  ip and port may be
 * NULL. */
int validate_server_address(const char *s, uint32_t *ip, int *port,
                            struct err *e);

/* Writes a display form of s for a message into buf[len]: printable ASCII
 * kept, '"' and '\' backslash-escaped, other bytes as \xNN, cut with "..."
 * when longer than about 60 bytes (or len).  NULL gives "".  Returns
 * buf. */
char *validate_quote(const char *s, char *buf, size_t len);

#endif
