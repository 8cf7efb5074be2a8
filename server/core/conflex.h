/* micetro-emu core: the lexer of dhcpd.conf, token by token as ISC dhcpd
 * 4.4 (common/conflex.c) reads it.
 *
 *   - Blanks (space, tab, newline, CR, VT, FF) separate tokens; `#` starts
 *     a comment up to the end of its line.
 *   - `"..."` is a string.  Escapes: \t \r \n \b; \x and exactly two hex
 *     digits; \0 to \3 and exactly two more octal digits (\101 is "A");
 *     a backslash before any other byte stands for that byte (\" \\).  A
 *     string may span lines (but see CONFLEX_LINE_STRINGS).
 *   - A token starting with a letter, a digit or '-' runs over letters,
 *     digits, '-' and '_' and is classed as dhcpd classes it: a NUMBER is
 *     decimal digits (after an optional '-'); a NUMBER_OR_NAME is digits
 *     and hex digits, 0x and hex digits, or any letter and hex digits, so
 *     it may be a hex number or a name ("ff", "1a", "0x1F"; "hba", "if",
 *     "x"); anything else is a NAME ("subnet", "omapi-port", "hmac-md5",
 *     "3com").  Keywords are names of either kind, matched without
 *     regard to case (conflex_is).
 *   - Any other byte is a punctuation token of its own: { } ; , = . : and
 *     the rest, bytes over 0x7F included.  So, as for dhcpd, 10.0.0.1 is
 *     the tokens 10 . 0 . 0 . 1 and 0:1a:ff is 0 : 1a : ff;
 *     conflex_ipv4, conflex_hex and conflex_dotted read such sequences
 *     back as dhcpd's parser does.
 *
 * Every token carries its line and column (1-based, the column in bytes,
 * a tab being one), its bytes in the input, the braces open around it and
 * whether it begins a statement.  Braces are counted: a '}' without its
 * '{' and a '{' still open at the end are errors.
 *
 * Refused, with the line and column of the culprit and a message saying
 * what (struct conflex_err): a NUL byte, anywhere (dhcpd would take one
 * in a comment or a string); an unterminated string (reported where it
 * starts); an escape \x or \0..\3 without its digits (dhcpd refuses or
 * silently misreads those: "\0" swallows the closing quote); a token
 * longer than CONFLEX_TOKEN_MAX bytes, a string counted after its escapes
 * (dhcpd's limit: it refuses longer ones and loses its place in the
 * file); braces nested deeper than CONFLEX_DEPTH_MAX; an input longer
 * than CONFLEX_INPUT_MAX.  After a refusal every call fails the same way.
 * One limit of dhcpd's is not enforced: it exits on a run of 1500 blank
 * bytes or more (a comment ends a run).
 *
 * Pure: no allocation, no I/O, no locale.  The input belongs to the
 * caller and must outlive the lexer; it need not be NUL-terminated.
 */
#ifndef MICETRO_CONFLEX_H
#define MICETRO_CONFLEX_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Bytes of one token's text (dhcpd's token buffer is 1500 with its NUL). */
#define CONFLEX_TOKEN_MAX 1499
/* Braces open at once. */
#define CONFLEX_DEPTH_MAX 64
/* Bytes of input: every line and column fits in an int. */
#define CONFLEX_INPUT_MAX ((size_t)1 << 30)

/* Flags of conflex_init, for text that is to go into a file rather than
 * text read from one. */
/* Control bytes other than tab and newline (CR included) and DEL are
 * refused anywhere, in strings and comments too. */
#define CONFLEX_NO_CONTROL 0x1u
/* A string must close on the line it opens (else: unterminated). */
#define CONFLEX_LINE_STRINGS 0x2u

enum conflex_kind {
    CONFLEX_END,            /* the end of the input */
    CONFLEX_NAME,           /* subnet, omapi-port, hmac-md5, 3com */
    CONFLEX_NUMBER,         /* 647, -1 */
    CONFLEX_NUMBER_OR_NAME, /* ff, 1a, 0x1F, hba: maybe hex, maybe not */
    CONFLEX_STRING,         /* "..." (text: without quotes, escapes done) */
    CONFLEX_PUNCT           /* one byte: { } ; , = . : - and the rest */
};

enum conflex_error {
    CONFLEX_E_NONE,
    CONFLEX_E_SIZE,    /* the input is longer than CONFLEX_INPUT_MAX */
    CONFLEX_E_NUL,     /* a NUL byte */
    CONFLEX_E_CONTROL, /* a control byte (CONFLEX_NO_CONTROL) */
    CONFLEX_E_STRING,  /* an unterminated string, at its opening quote */
    CONFLEX_E_ESCAPE,  /* \x or \0..\3 without its digits, at the '\' */
    CONFLEX_E_LONG,    /* a token over CONFLEX_TOKEN_MAX, at its start */
    CONFLEX_E_DEPTH,   /* a '{' beyond CONFLEX_DEPTH_MAX */
    CONFLEX_E_CLOSE,   /* a '}' without its '{' */
    CONFLEX_E_OPEN,    /* a '{' not closed: the outermost one */
    CONFLEX_E_VALUE    /* conflex_ipv4/hex/dotted: not such a value */
};

struct conflex_err {
    enum conflex_error code;
    int line, col; /* where; 0 and 0 for the input as a whole */
    char what[96]; /* "unterminated string", "control character 0x1B" */
};

struct conflex_tok {
    enum conflex_kind kind;
    int line, col; /* of its first byte */
    size_t off;    /* its bytes in the input: [off, off + srclen), */
    size_t srclen; /* quotes and escapes as written */
    int depth;     /* braces open around it; a '{' and its '}' count
                    * outside, so a top-level block's are at 0 */
    int first;     /* 1: nothing, ';', '{' or '}' before it, so a
                    * statement begins here (or a '}' ends a block);
                    * the END token's says the last statement ended */
    size_t len;    /* bytes of text */
    char text[CONFLEX_TOKEN_MAX + 1]; /* NUL-terminated; a string's may
                                       * hold NULs of its own (\000) */
};

/* The lexer's state: read through the functions below.  A copy is a
 * saved position (conflex_peek is one). */
struct conflex {
    const char *buf;
    size_t len, pos;
    int line, col; /* of buf[pos] */
    int depth;
    int first;
    int open_line, open_col; /* the outermost '{' open */
    unsigned flags;
    struct conflex_err err; /* set once refused */
};

/* Starts lx on buf[0..len) with flags (0 or CONFLEX_* flags). */
void conflex_init(struct conflex *lx, const char *buf, size_t len,
                  unsigned flags);

/* Reads the next token into *tok: 0, or ERR_INVALID with *err filled
 * (err may be NULL here and below).  At the end of the input: a
 * CONFLEX_END token, as often as asked. */
int conflex_next(struct conflex *lx, struct conflex_tok *tok,
                 struct conflex_err *err);

/* The token conflex_next would read, lx unmoved. */
int conflex_peek(const struct conflex *lx, struct conflex_tok *tok,
                 struct conflex_err *err);

/* 1 when tok is the keyword w (given in lower case): a name (or hex
 * number or name) equal to w in any case, as dhcpd matches keywords. */
int conflex_is(const struct conflex_tok *tok, const char *w);

/* 1 when tok is the punctuation byte c. */
int conflex_punct(const struct conflex_tok *tok, char c);

/* What tok is, for messages: "a name", "a number", "a hex number or
 * name", "a string", "'{'" (and the other structural bytes), "a
 * punctuation byte", "the end of input". */
const char *conflex_kind_name(const struct conflex_tok *tok);

/* The sequences below start at tok, a token already read, and read on
 * from lx what follows it.  On a value that is not one: ERR_INVALID,
 * CONFLEX_E_VALUE at the token at fault, lx past the tokens taken. */

/* A dotted name as dhcpd reads host, key and algorithm names: names and
 * numbers joined by '.', blanks allowed around the dots, a trailing dot
 * kept ("dhcp1.example.", "hmac-md5", "10.0.0.1").  Into out[size],
 * NUL-terminated; longer is refused. */
int conflex_dotted(struct conflex *lx, const struct conflex_tok *tok, char *out,
                   size_t size, struct conflex_err *err);

/* An IPv4 address as dhcpd reads one: four decimal numbers 0..255
 * joined by '.' (10 . 0 . 0 . 1 too); *addr in host order (10.0.0.1 is
 * 0x0A000001).  What follows the fourth number is left to the caller. */
int conflex_ipv4(struct conflex *lx, const struct conflex_tok *tok,
                 uint32_t *addr, struct conflex_err *err);

/* Colon-separated hex bytes as dhcpd reads them (hardware ethernet
 * 0:1a:ff:..., option values): hex numbers 0..ff joined by ':'.  The
 * bytes into out[size], their count into *n; more than size is refused. */
int conflex_hex(struct conflex *lx, const struct conflex_tok *tok,
                unsigned char *out, size_t size, size_t *n,
                struct conflex_err *err);

#endif
