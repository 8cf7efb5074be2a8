/* micetro-emu core: the failover peers a dhcpd.conf declares.
 *
 * Pure: reads the text with conflex.h as dhcpd reads it and picks the
 * top-level `failover peer NAME {` declarations, NAME a string or a name
 * (dhcpd's parse_failover_peer), names compared byte for byte as dhcpd
 * compares them.  A simulated server's failover state follows what its
 * file declares.  Where the lexer refuses the text the scan ends, keeping
 * what it found before.
 */
#ifndef MICETRO_CONFPEERS_H
#define MICETRO_CONFPEERS_H

#include <stddef.h>

#include "failover.h"

/* Room for a name: longer ones are never a relationship's (at most
 * FAILOVER_NAME_MAX bytes) and are skipped. */
#define CONFPEERS_NAME_BUF (FAILOVER_NAME_MAX + 1)

/* Scans text[0..len) into names[0..max), in the order declared, each
 * name once; returns how many.  Names over FAILOVER_NAME_MAX bytes or
 * holding a NUL byte are skipped, so are those past max. */
size_t confpeers_scan(const char *text, size_t len,
                      char (*names)[CONFPEERS_NAME_BUF], size_t max);

#endif
