/* micetro-dhcp-agent: what the agent needs to know from a dhcpd.conf.
 *
 * Pure: reads the text token by token as dhcpd does (core/conflex.h:
 * comments, strings and their escapes, braces; keywords in any case) and
 * picks out the global `omapi-port N;`, the `key NAME { algorithm A;
 * secret B64; }` blocks (names dotted or quoted, a secret joined from its
 * tokens as dhcpd joins it), `omapi-key NAME;` and whether any top-level
 * `failover peer NAME { ... }` is declared.  Nothing else is judged:
 * dhcpd -t does that.  Where the lexer refuses the text (a NUL byte, an
 * unterminated string, an unbalanced brace...) the scan ends, keeping
 * what it found before.
 */
#ifndef MICETRO_AGENT_CONFSCAN_H
#define MICETRO_AGENT_CONFSCAN_H

#include <stddef.h>

struct agent_confscan {
    int omapi_port;         /* 0 when absent */
    int has_peer;           /* a failover peer is declared */
    char key_name[128];     /* the omapi-key, "" when none */
    char key_algorithm[64]; /* of that key */
    char key_secret[512];   /* base64, of that key ("" when not found) */
};

/* Scans text[0..len).  Always succeeds; what it cannot read stays empty. */
void agent_confscan(const char *text, size_t len, struct agent_confscan *out);

/* Calls fn(ctx, name) for each `include "NAME";` of text[0..len), at any
 * depth, in order, until fn returns non-zero (returned) or the text ends
 * or is refused by the lexer (0). */
int agent_confscan_includes(const char *text, size_t len,
                            int (*fn)(void *ctx, const char *name), void *ctx);

#endif
