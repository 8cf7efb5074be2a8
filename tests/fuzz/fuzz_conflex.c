/* Fuzz target: the one dhcpd.conf lexer (server/core/conflex.c), token by
 * token.  Every token lies inside the input ([off, off + srclen)), comes
 * after the one before it, with a line that never goes back and a depth
 * that never goes below 0; conflex_peek reads what conflex_next then
 * reads; a refusal has a line and column and says why in printable ASCII,
 * and the lexer keeps refusing after it.  The first byte picks the flags. */
#include "conflex.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct conflex_tok tok, peek;
    struct conflex lx;
    struct conflex_err err, err2;
    size_t end = 0;
    int line = 1, rc, prc;

    if (size == 0)
        return 0;
    conflex_init(&lx, (const char *)data + 1, size - 1, data[0] & 3u);
    for (;;) {
        prc = conflex_peek(&lx, &peek, &err2);
        rc = conflex_next(&lx, &tok, &err);
        FUZZ_CHECK(rc == prc);
        if (rc != 0) {
            FUZZ_CHECK(err.line >= 1 && err.col >= 1 &&
                       fuzz_printable(err.what));
            FUZZ_CHECK(conflex_next(&lx, &tok, &err2) != 0);
            break;
        }
        FUZZ_CHECK(peek.kind == tok.kind && peek.off == tok.off &&
                   peek.len == tok.len);
        if (tok.kind == CONFLEX_END)
            break;
        FUZZ_CHECK(tok.off >= end && tok.off + tok.srclen <= size - 1);
        FUZZ_CHECK(tok.line >= line && tok.col >= 1 && tok.depth >= 0);
        FUZZ_CHECK(tok.len <= CONFLEX_TOKEN_MAX);
        end = tok.off + tok.srclen;
        line = tok.line;
    }
    return 0;
}
