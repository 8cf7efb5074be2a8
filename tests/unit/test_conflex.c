/* Unit tests of the dhcpd.conf lexer (core/conflex.c): realistic snippets
 * token by token with their places (failover peers, subnets, pools,
 * ranges, option values, escapes, hex strings, comments, includes), how
 * dhcpd classes names and numbers, the statement and brace structure,
 * every refusal with its place, the limits, and the sequences read back
 * (IPv4 addresses, hex bytes, dotted names).  The token classes and texts
 * expected here are those of dhcpd 4.4.3's own conflex.c on the same
 * bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conflex.h"

/* A string literal and its length (it may hold NUL bytes). */
#define T(lit) lit, sizeof(lit) - 1

/* ---- token by token --------------------------------------------------- */

static const char *kind_tag(enum conflex_kind k)
{
    switch (k) {
    case CONFLEX_END:
        return "end";
    case CONFLEX_NAME:
        return "name";
    case CONFLEX_NUMBER:
        return "num";
    case CONFLEX_NUMBER_OR_NAME:
        return "hex";
    case CONFLEX_STRING:
        return "str";
    case CONFLEX_PUNCT:
        return "punct";
    }
    return "?";
}

/* Every token of text[len] as "LINE:COL KIND TEXT\n" (bytes outside
 * ' '..'~' and the backslash as \xNN), then "end" or "error L:C WHAT". */
static char *dump(const char *text, size_t len, unsigned flags)
{
    size_t cap = 65536, n = 0, i;
    char *out = malloc(cap);
    struct conflex lx;
    struct conflex_tok t;
    struct conflex_err e;

    if (out == NULL)
        return NULL;
    conflex_init(&lx, text, len, flags);
    for (;;) {
        if (conflex_next(&lx, &t, &e) < 0) {
            snprintf(out + n, cap - n, "error %d:%d %s", e.line, e.col, e.what);
            break;
        }
        if (t.kind == CONFLEX_END) {
            snprintf(out + n, cap - n, "end");
            break;
        }
        n += (size_t)snprintf(out + n, cap - n, "%d:%d %s ", t.line, t.col,
                              kind_tag(t.kind));
        for (i = 0; i < t.len && n + 8 < cap; i++) {
            unsigned char c = (unsigned char)t.text[i];

            if (c < ' ' || c > '~' || c == '\\')
                n += (size_t)snprintf(out + n, cap - n, "\\x%02X", c);
            else
                out[n++] = (char)c;
        }
        if (n + 2 < cap)
            out[n++] = '\n';
        out[n] = '\0';
    }
    return out;
}

struct lex_case {
    const char *name;
    const char *text;
    unsigned flags;
    const char *want;
};

static const struct lex_case lex_cases[] = {
    {"a primary's failover peer",
     "failover peer \"fo\" {\n"
     "  primary;\n"
     "  address 127.0.0.2;\n"
     "  port 647;\n"
     "  peer address 127.0.0.3;\n"
     "  mclt 3600;\n"
     "  split 128;\n"
     "  load balance max seconds 3;\n"
     "}\n",
     0,
     "1:1 name failover\n1:10 name peer\n1:15 str fo\n1:20 punct {\n"
     "2:3 name primary\n2:10 punct ;\n3:3 name address\n3:11 num 127\n"
     "3:14 punct .\n3:15 num 0\n3:16 punct .\n3:17 num 0\n3:18 punct .\n"
     "3:19 num 2\n3:20 punct ;\n4:3 name port\n4:8 num 647\n4:11 punct ;\n"
     "5:3 name peer\n5:8 name address\n5:16 num 127\n5:19 punct .\n"
     "5:20 num 0\n5:21 punct .\n5:22 num 0\n5:23 punct .\n5:24 num 3\n"
     "5:25 punct ;\n6:3 name mclt\n6:8 num 3600\n6:12 punct ;\n"
     "7:3 name split\n7:9 num 128\n7:12 punct ;\n8:3 name load\n"
     "8:8 name balance\n8:16 name max\n8:20 name seconds\n8:28 num 3\n"
     "8:29 punct ;\n9:1 punct }\nend"},
    {"a peer named without quotes", "failover peer fo {\n  secondary;\n}", 0,
     "1:1 name failover\n1:10 name peer\n1:15 name fo\n1:18 punct {\n"
     "2:3 name secondary\n2:12 punct ;\n3:1 punct }\nend"},
    {"a subnet with a failover pool and a range",
     "subnet 10.99.0.0 netmask 255.255.255.0 {\n"
     "  pool {\n"
     "    failover peer \"fo\";\n"
     "    range 10.99.0.100 10.99.0.199;\n"
     "  }\n"
     "}\n",
     0,
     "1:1 name subnet\n1:8 num 10\n1:10 punct .\n1:11 num 99\n1:13 punct .\n"
     "1:14 num 0\n1:15 punct .\n1:16 num 0\n1:18 name netmask\n1:26 num 255\n"
     "1:29 punct .\n1:30 num 255\n1:33 punct .\n1:34 num 255\n1:37 punct .\n"
     "1:38 num 0\n1:40 punct {\n2:3 name pool\n2:8 punct {\n"
     "3:5 name failover\n3:14 name peer\n3:19 str fo\n3:23 punct ;\n"
     "4:5 name range\n4:11 num 10\n4:13 punct .\n4:14 num 99\n4:16 punct .\n"
     "4:17 num 0\n4:18 punct .\n4:19 num 100\n4:23 num 10\n4:25 punct .\n"
     "4:26 num 99\n4:28 punct .\n4:29 num 0\n4:30 punct .\n4:31 num 199\n"
     "4:34 punct ;\n5:3 punct }\n6:1 punct }\nend"},
    {"a shared network, a host, a comma list",
     "shared-network lan {\n"
     "\tsubnet 10.0.0.0 netmask 255.0.0.0 { }\n"
     "}\n"
     "host pc1 { hardware ethernet 00:1a:2B:ff:0:9; "
     "fixed-address pc1.example.; }\n"
     "option domain-name-servers 10.0.0.2, ns.example;\n",
     0,
     "1:1 name shared-network\n1:16 name lan\n1:20 punct {\n2:2 name subnet\n"
     "2:9 num 10\n2:11 punct .\n2:12 num 0\n2:13 punct .\n2:14 num 0\n"
     "2:15 punct .\n2:16 num 0\n2:18 name netmask\n2:26 num 255\n"
     "2:29 punct .\n2:30 num 0\n2:31 punct .\n2:32 num 0\n2:33 punct .\n"
     "2:34 num 0\n2:36 punct {\n2:38 punct }\n3:1 punct }\n4:1 name host\n"
     "4:6 hex pc1\n4:10 punct {\n4:12 name hardware\n4:21 name ethernet\n"
     "4:30 num 00\n4:32 punct :\n4:33 hex 1a\n4:35 punct :\n4:36 hex 2B\n"
     "4:38 punct :\n4:39 hex ff\n4:41 punct :\n4:42 num 0\n4:43 punct :\n"
     "4:44 num 9\n4:45 punct ;\n4:47 name fixed-address\n4:61 hex pc1\n"
     "4:64 punct .\n4:65 name example\n4:72 punct .\n4:73 punct ;\n"
     "4:75 punct }\n5:1 name option\n5:8 name domain-name-servers\n"
     "5:28 num 10\n5:30 punct .\n5:31 num 0\n5:32 punct .\n5:33 num 0\n"
     "5:34 punct .\n5:35 num 2\n5:36 punct ,\n5:38 name ns\n5:40 punct .\n"
     "5:41 name example\n5:48 punct ;\nend"},
    {"option values: strings and their escapes",
     "option domain-name \"ex\\\"ample\\\\.com\";\n"
     "option x \"tab\\there\\r\\n\\b\\101\\x42\\x4a\\377\\000z\\q\";\n"
     "option y \"# not a comment { } ;\";\n"
     "option z \"\";\n"
     "option w \"caf\xc3\xa9\";\n",
     0,
     "1:1 name option\n1:8 name domain-name\n1:20 str ex\"ample\\x5C.com\n"
     "1:37 punct ;\n2:1 name option\n2:8 hex x\n"
     "2:10 str tab\\x09here\\x0D\\x0A\\x08ABJ\\xFF\\x00zq\n2:50 punct ;\n"
     "3:1 name option\n3:8 hex y\n3:10 str # not a comment { } ;\n"
     "3:33 punct ;\n4:1 name option\n4:8 hex z\n4:10 str \n4:12 punct ;\n"
     "5:1 name option\n5:8 hex w\n5:10 str caf\\xC3\\xA9\n5:17 punct ;\nend"},
    {"a string over two lines (dhcpd takes it)", "option x \"a\nb\"; y;", 0,
     "1:1 name option\n1:8 hex x\n1:10 str a\\x0Ab\n2:3 punct ;\n2:5 hex y\n"
     "2:6 punct ;\nend"},
    {"hex strings and a match on them",
     "option dhcp-client-identifier 1:0:c:29:ab:cd:ef;\n"
     "class \"printers\" {\n"
     "  match if substring (hardware, 1, 3) = 00:00:aa;\n"
     "}\n",
     0,
     "1:1 name option\n1:8 name dhcp-client-identifier\n1:31 num 1\n"
     "1:32 punct :\n1:33 num 0\n1:34 punct :\n1:35 hex c\n1:36 punct :\n"
     "1:37 num 29\n1:39 punct :\n1:40 hex ab\n1:42 punct :\n1:43 hex cd\n"
     "1:45 punct :\n1:46 hex ef\n1:48 punct ;\n2:1 name class\n"
     "2:7 str printers\n2:18 punct {\n3:3 name match\n3:9 hex if\n"
     "3:12 name substring\n3:22 punct (\n3:23 name hardware\n3:31 punct ,\n"
     "3:33 num 1\n3:34 punct ,\n3:36 num 3\n3:37 punct )\n3:39 punct =\n"
     "3:41 num 00\n3:43 punct :\n3:44 num 00\n3:46 punct :\n3:47 hex aa\n"
     "3:49 punct ;\n4:1 punct }\nend"},
    {"comments",
     "# a whole line, with \"a quote and a { brace\n"
     "authoritative; # after a statement\n"
     "a#b;\n"
     "#\n"
     "c; # at the very end, without a newline",
     0,
     "2:1 name authoritative\n2:14 punct ;\n3:1 hex a\n5:1 hex c\n"
     "5:2 punct ;\nend"},
    {"includes and the OMAPI settings",
     "include \"/etc/dhcp/inc/failover.conf\";\n"
     "omapi-port 7911;\n"
     "key \"omapi_key\" {\n"
     "  algorithm HMAC-MD5.SIG-ALG.REG.INT.;\n"
     "  secret \"c2VjcmV0\";\n"
     "}\n"
     "omapi-key omapi_key;\n",
     0,
     "1:1 name include\n1:9 str /etc/dhcp/inc/failover.conf\n1:38 punct ;\n"
     "2:1 name omapi-port\n2:12 num 7911\n2:16 punct ;\n3:1 name key\n"
     "3:5 str omapi_key\n3:17 punct {\n4:3 name algorithm\n"
     "4:13 name HMAC-MD5\n4:21 punct .\n4:22 name SIG-ALG\n4:29 punct .\n"
     "4:30 name REG\n4:33 punct .\n4:34 name INT\n4:37 punct .\n4:38 punct ;\n"
     "5:3 name secret\n5:10 str c2VjcmV0\n5:20 punct ;\n6:1 punct }\n"
     "7:1 name omapi-key\n7:11 name omapi_key\n7:20 punct ;\nend"},
    {"how dhcpd classes names and numbers",
     "647 -5 - -a -g -- 3com 10abc 1-2 0x1F 0X1f 0x 0xg 00x1 0x1g\n"
     "ff dead x hba if Ab subnet a_b _",
     0,
     "1:1 num 647\n1:5 num -5\n1:8 punct -\n1:10 hex -a\n1:13 name -g\n"
     "1:16 name --\n1:19 name 3com\n1:24 hex 10abc\n1:30 name 1-2\n"
     "1:34 hex 0x1F\n1:39 hex 0X1f\n1:44 name 0x\n1:47 name 0xg\n"
     "1:51 name 00x1\n1:56 name 0x1g\n2:1 hex ff\n2:4 hex dead\n2:9 hex x\n"
     "2:11 hex hba\n2:15 hex if\n2:18 hex Ab\n2:21 name subnet\n"
     "2:28 name a_b\n2:32 punct _\nend"},
    {"punctuation: one byte each, bytes over 0x7F too",
     "=,()[]+!~&|^/*%<>@$\\'?`\xe9", 0,
     "1:1 punct =\n1:2 punct ,\n1:3 punct (\n1:4 punct )\n1:5 punct [\n"
     "1:6 punct ]\n1:7 punct +\n1:8 punct !\n1:9 punct ~\n1:10 punct &\n"
     "1:11 punct |\n1:12 punct ^\n1:13 punct /\n1:14 punct *\n1:15 punct %\n"
     "1:16 punct <\n1:17 punct >\n1:18 punct @\n1:19 punct $\n"
     "1:20 punct \\x5C\n1:21 punct '\n1:22 punct ?\n1:23 punct `\n"
     "1:24 punct \\xE9\nend"},
    {"blanks: CR, tab, VT, FF separate; columns count bytes",
     "a;\r\n\tb;\v\fc;\n\x01;", 0,
     "1:1 hex a\n1:2 punct ;\n2:2 hex b\n2:3 punct ;\n2:6 hex c\n2:7 punct ;\n"
     "3:1 punct \\x01\n3:2 punct ;\nend"},
    {"nothing", "", 0, "end"},
    {"blanks and comments only", " \n\t# x\n  ", 0, "end"},
    {"strict flags: tab and newline are fine", "a {\n\tb \"c\\td\";\n}",
     CONFLEX_NO_CONTROL | CONFLEX_LINE_STRINGS,
     "1:1 hex a\n1:3 punct {\n2:2 hex b\n2:4 str c\\x09d\n2:10 punct ;\n"
     "3:1 punct }\nend"},
};

static void test_tokens(void)
{
    size_t i;

    for (i = 0; i < sizeof lex_cases / sizeof lex_cases[0]; i++) {
        const struct lex_case *c = &lex_cases[i];
        char *got = dump(c->text, strlen(c->text), c->flags);

        CHECK(got != NULL && strcmp(got, c->want) == 0);
        if (got != NULL && strcmp(got, c->want) != 0)
            fprintf(stderr, "  %s:\n--- got\n%s\n--- wanted\n%s\n", c->name,
                    got, c->want);
        free(got);
    }
}

/* ---- refusals --------------------------------------------------------- */

struct bad_case {
    const char *text;
    size_t len;
    unsigned flags;
    enum conflex_error code;
    int line, col;
    const char *what;
    int tokens; /* read before the refusal */
};

#define STRICT (CONFLEX_NO_CONTROL | CONFLEX_LINE_STRINGS)

static const struct bad_case bad_cases[] = {
    /* unterminated strings, where they start */
    {T("option x \"abc;\n"), 0, CONFLEX_E_STRING, 1, 10, "unterminated string",
     2},
    {T("a;\noption x \"ab\ncd\";"), STRICT, CONFLEX_E_STRING, 2, 10,
     "unterminated string", 4},
    {T("x \"abc\\\""), 0, CONFLEX_E_STRING, 1, 3, "unterminated string", 1},
    {T("x \"abc\\"), 0, CONFLEX_E_STRING, 1, 3, "unterminated string", 1},
    {T("x \"\\x4"), 0, CONFLEX_E_STRING, 1, 3, "unterminated string", 1},
    {T("x \"a\\\nb\";"), STRICT, CONFLEX_E_STRING, 1, 3, "unterminated string",
     1},
    {T("x \"\\x4\nb\";"), STRICT, CONFLEX_E_STRING, 1, 3, "unterminated string",
     1},
    /* escapes without their digits, at the backslash */
    {T("x \"\\0\"; y \"z\";"), 0, CONFLEX_E_ESCAPE, 1, 4,
     "escape \"\\0\" not followed by two octal digits", 1},
    {T("x \"ab\\00\";"), 0, CONFLEX_E_ESCAPE, 1, 6,
     "escape \"\\0\" not followed by two octal digits", 1},
    {T("x \"\\19\";"), 0, CONFLEX_E_ESCAPE, 1, 4,
     "escape \"\\1\" not followed by two octal digits", 1},
    {T("x \"\\3a7\";"), 0, CONFLEX_E_ESCAPE, 1, 4,
     "escape \"\\3\" not followed by two octal digits", 1},
    {T("x \"\\x\";"), 0, CONFLEX_E_ESCAPE, 1, 4,
     "escape \"\\x\" not followed by two hex digits", 1},
    {T("x \"\\x4g\";"), 0, CONFLEX_E_ESCAPE, 1, 4,
     "escape \"\\x\" not followed by two hex digits", 1},
    {T("x \"\\x4\n\";"), 0, CONFLEX_E_ESCAPE, 1, 4,
     "escape \"\\x\" not followed by two hex digits", 1},
    /* NUL bytes, anywhere */
    {T("a;\0}"), 0, CONFLEX_E_NUL, 1, 3, "NUL byte", 2},
    {T("a; # x\0y\nb;"), 0, CONFLEX_E_NUL, 1, 7, "NUL byte", 2},
    {T("x \"a\0b\";"), 0, CONFLEX_E_NUL, 1, 5, "NUL byte", 1},
    {T("ab\0"), 0, CONFLEX_E_NUL, 1, 3, "NUL byte", 1},
    /* control bytes with CONFLEX_NO_CONTROL */
    {T("a;\x01"), STRICT, CONFLEX_E_CONTROL, 1, 3, "control character 0x01", 2},
    {T("a;\r\nb;"), STRICT, CONFLEX_E_CONTROL, 1, 3, "control character 0x0D",
     2},
    {T("a;\x7f"), STRICT, CONFLEX_E_CONTROL, 1, 3, "control character 0x7F", 2},
    {T("# \x0c in a comment\n"), STRICT, CONFLEX_E_CONTROL, 1, 3,
     "control character 0x0C", 0},
    {T("x \"\x1b[2J\";"), STRICT, CONFLEX_E_CONTROL, 1, 4,
     "control character 0x1B", 1},
    {T("x \"\\\x08\";"), STRICT, CONFLEX_E_CONTROL, 1, 5,
     "control character 0x08", 1},
    /* braces */
    {T("}"), 0, CONFLEX_E_CLOSE, 1, 1, "unbalanced '}'", 0},
    {T("a;\n  }"), 0, CONFLEX_E_CLOSE, 2, 3, "unbalanced '}'", 2},
    {T("a { } }"), 0, CONFLEX_E_CLOSE, 1, 7, "unbalanced '}'", 3},
    {T("x {\n  y;\n"), 0, CONFLEX_E_OPEN, 1, 3, "unclosed '{'", 4},
    {T("a { b { c; }\n"), 0, CONFLEX_E_OPEN, 1, 3, "unclosed '{'", 7},
    {T("a { } b {"), 0, CONFLEX_E_OPEN, 1, 9, "unclosed '{'", 5},
};

static void test_refusals(void)
{
    size_t i;

    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        struct conflex lx;
        struct conflex_tok t;
        struct conflex_err e, again;
        int n = 0, rc, ok;

        memset(&e, 0, sizeof e);
        conflex_init(&lx, c->text, c->len, c->flags);
        while ((rc = conflex_next(&lx, &t, &e)) == 0 && t.kind != CONFLEX_END)
            n++;
        ok = rc == ERR_INVALID && e.code == c->code && e.line == c->line &&
             e.col == c->col && strcmp(e.what, c->what) == 0 && n == c->tokens;
        CHECK(ok);
        if (!ok)
            fprintf(stderr,
                    "  case %zu: got %d at %d:%d \"%s\" after %d tokens\n", i,
                    (int)e.code, e.line, e.col, e.what, n);
        /* the refusal stays */
        CHECK(conflex_next(&lx, &t, &again) == ERR_INVALID &&
              again.code == c->code && again.line == c->line &&
              strcmp(again.what, c->what) == 0);
    }
}

/* ---- limits ----------------------------------------------------------- */

/* The one token of text, or -1 and *e. */
static int one(const char *text, size_t len, struct conflex_tok *t,
               struct conflex_err *e)
{
    struct conflex lx;

    conflex_init(&lx, text, len, 0);
    return conflex_next(&lx, t, e);
}

static void test_limits(void)
{
    size_t big = 4 * CONFLEX_TOKEN_MAX + 16, i;
    char *s = malloc(big);
    struct conflex_tok *t = malloc(sizeof *t);
    struct conflex_err e;
    struct conflex lx;

    CHECK(s != NULL && t != NULL);
    if (s == NULL || t == NULL) {
        free(s);
        free(t);
        return;
    }
    /* names and numbers: 1499 bytes, not 1500 */
    memset(s, 'n', CONFLEX_TOKEN_MAX + 1);
    CHECK(one(s, CONFLEX_TOKEN_MAX, t, &e) == 0 && t->kind == CONFLEX_NAME &&
          t->len == CONFLEX_TOKEN_MAX);
    CHECK(one(s, CONFLEX_TOKEN_MAX + 1, t, &e) == ERR_INVALID &&
          e.code == CONFLEX_E_LONG && e.line == 1 && e.col == 1 &&
          strcmp(e.what, "token longer than 1499 bytes") == 0);
    memset(s, '7', CONFLEX_TOKEN_MAX + 1);
    CHECK(one(s, CONFLEX_TOKEN_MAX, t, &e) == 0 && t->kind == CONFLEX_NUMBER);
    CHECK(one(s, CONFLEX_TOKEN_MAX + 1, t, &e) == ERR_INVALID &&
          e.code == CONFLEX_E_LONG);
    /* strings, counted after their escapes */
    s[0] = ' ';
    s[1] = '"';
    memset(s + 2, 'q', CONFLEX_TOKEN_MAX);
    s[2 + CONFLEX_TOKEN_MAX] = '"';
    CHECK(one(s, CONFLEX_TOKEN_MAX + 3, t, &e) == 0 &&
          t->kind == CONFLEX_STRING && t->len == CONFLEX_TOKEN_MAX &&
          t->col == 2 && t->srclen == CONFLEX_TOKEN_MAX + 2);
    s[2 + CONFLEX_TOKEN_MAX] = 'q';
    s[3 + CONFLEX_TOKEN_MAX] = '"';
    CHECK(one(s, CONFLEX_TOKEN_MAX + 4, t, &e) == ERR_INVALID &&
          e.code == CONFLEX_E_LONG && e.col == 2 &&
          strcmp(e.what, "string longer than 1499 bytes") == 0);
    s[0] = '"';
    for (i = 0; i < CONFLEX_TOKEN_MAX; i++)
        memcpy(s + 1 + 4 * i, "\\x41", 4);
    s[1 + 4 * CONFLEX_TOKEN_MAX] = '"';
    CHECK(one(s, 2 + 4 * CONFLEX_TOKEN_MAX, t, &e) == 0 &&
          t->len == CONFLEX_TOKEN_MAX && t->text[0] == 'A' &&
          t->srclen == 2 + 4 * CONFLEX_TOKEN_MAX);
    memcpy(s + 1 + 4 * CONFLEX_TOKEN_MAX, "\\101\"", 5);
    CHECK(one(s, 6 + 4 * CONFLEX_TOKEN_MAX, t, &e) == ERR_INVALID &&
          e.code == CONFLEX_E_LONG);

    /* braces: CONFLEX_DEPTH_MAX deep, not one more */
    memset(s, '{', CONFLEX_DEPTH_MAX + 1);
    memset(s + CONFLEX_DEPTH_MAX + 1, '}', CONFLEX_DEPTH_MAX + 1);
    {
        const char *deep = s + 1; /* 64 '{' then 64 '}' */
        int n = 0, maxd = -1;

        conflex_init(&lx, deep, 2 * CONFLEX_DEPTH_MAX, 0);
        while (conflex_next(&lx, t, &e) == 0 && t->kind != CONFLEX_END) {
            if (t->depth > maxd)
                maxd = t->depth;
            n++;
        }
        CHECK(t->kind == CONFLEX_END && n == 2 * CONFLEX_DEPTH_MAX &&
              maxd == CONFLEX_DEPTH_MAX - 1);
    }
    conflex_init(&lx, s, 2 * CONFLEX_DEPTH_MAX + 2, 0);
    while (conflex_next(&lx, t, &e) == 0 && t->kind != CONFLEX_END)
        ;
    CHECK(e.code == CONFLEX_E_DEPTH && e.line == 1 &&
          e.col == CONFLEX_DEPTH_MAX + 1 &&
          strcmp(e.what, "'{' nested deeper than 64") == 0);

    /* the input's size, refused before a byte is read */
    conflex_init(&lx, "a;", CONFLEX_INPUT_MAX + 1, 0);
    CHECK(conflex_next(&lx, t, &e) == ERR_INVALID && e.code == CONFLEX_E_SIZE &&
          e.line == 0 && strstr(e.what, "longer than 1073741824") != NULL);
    /* no input at all */
    conflex_init(&lx, NULL, 5, 0);
    CHECK(conflex_next(&lx, t, &e) == 0 && t->kind == CONFLEX_END);
    free(s);
    free(t);
}

/* ---- structure -------------------------------------------------------- */

/* Each token as DEPTH, then '*' when it begins a statement, then its
 * text; the END token's flag last. */
static void test_structure(void)
{
    const char *text = "a;\n"
                       "b c {\n"
                       "  d { e; }\n"
                       "  f;\n"
                       "} g";
    const char *want = "0*a 0; 0*b 0c 0{ 1*d 1{ 2*e 2; 1*} 1*f 1; 0*} 0*g "
                       "end-open";
    char got[256];
    size_t n = 0;
    struct conflex lx;
    struct conflex_tok t, p;
    struct conflex_err e;

    got[0] = '\0';
    conflex_init(&lx, text, strlen(text), 0);
    for (;;) {
        CHECK(conflex_peek(&lx, &p, &e) == 0);
        CHECK(conflex_next(&lx, &t, &e) == 0);
        /* peek reads what next reads, without moving */
        CHECK(p.kind == t.kind && p.off == t.off && p.len == t.len &&
              p.line == t.line && p.col == t.col && p.depth == t.depth &&
              p.first == t.first);
        if (t.kind == CONFLEX_END)
            break;
        n += (size_t)snprintf(got + n, sizeof got - n, "%d%s%s ", t.depth,
                              t.first ? "*" : "", t.text);
        /* the token's bytes in the input */
        CHECK(t.srclen == t.len && memcmp(text + t.off, t.text, t.len) == 0);
    }
    snprintf(got + n, sizeof got - n, "end-%s", t.first ? "ended" : "open");
    CHECK(strcmp(got, want) == 0);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  got  %s\n  want %s\n", got, want);
    /* the end, again and again */
    CHECK(conflex_next(&lx, &t, &e) == 0 && t.kind == CONFLEX_END &&
          t.line == 5 && t.col == 4);

    /* a string's bytes as written */
    conflex_init(&lx, T("x \"a\\x41\\\"\" ;"), 0);
    CHECK(conflex_next(&lx, &t, &e) == 0);
    CHECK(conflex_next(&lx, &t, &e) == 0 && t.kind == CONFLEX_STRING &&
          t.off == 2 && t.srclen == 9 && strcmp(t.text, "aA\"") == 0 &&
          t.len == 3);
    CHECK(conflex_next(&lx, &t, &e) == 0 && t.first == 0 &&
          conflex_punct(&t, ';'));
    CHECK(conflex_next(&lx, &t, &e) == 0 && t.kind == CONFLEX_END &&
          t.first == 1);
}

static void test_keywords(void)
{
    struct conflex_tok t;
    struct conflex_err e;

    CHECK(one(T("FAILOVER"), &t, &e) == 0 && conflex_is(&t, "failover"));
    CHECK(one(T("Omapi-Port"), &t, &e) == 0 && conflex_is(&t, "omapi-port"));
    CHECK(!conflex_is(&t, "omapi-por") && !conflex_is(&t, "omapi-portx"));
    CHECK(one(T("add"), &t, &e) == 0 && t.kind == CONFLEX_NUMBER_OR_NAME &&
          conflex_is(&t, "add"));
    CHECK(one(T("\"peer\""), &t, &e) == 0 && !conflex_is(&t, "peer"));
    CHECK(one(T("647"), &t, &e) == 0 && !conflex_is(&t, "647"));
    CHECK(one(T("{"), &t, &e) == 0 && conflex_punct(&t, '{') &&
          !conflex_punct(&t, '}') && !conflex_is(&t, "{"));
    CHECK(strcmp(conflex_kind_name(&t), "'{'") == 0);
    CHECK(one(T("\"s\""), &t, &e) == 0 && !conflex_punct(&t, 's') &&
          strcmp(conflex_kind_name(&t), "a string") == 0);
    CHECK(one(T("@"), &t, &e) == 0 &&
          strcmp(conflex_kind_name(&t), "a punctuation byte") == 0);
    CHECK(one(T("ab"), &t, &e) == 0 &&
          strcmp(conflex_kind_name(&t), "a hex number or name") == 0);
    CHECK(one(T(""), &t, &e) == 0 &&
          strcmp(conflex_kind_name(&t), "the end of input") == 0);
}

/* ---- sequences -------------------------------------------------------- */

/* Starts lx on text and reads its first token into *t. */
static void start(struct conflex *lx, struct conflex_tok *t, const char *text)
{
    struct conflex_err e;

    conflex_init(lx, text, strlen(text), 0);
    CHECK(conflex_next(lx, t, &e) == 0);
}

/* What follows: its text, or "" at the end. */
static const char *rest(struct conflex *lx, struct conflex_tok *t)
{
    struct conflex_err e;

    if (conflex_next(lx, t, &e) < 0)
        return "(error)";
    return t->text;
}

struct ipv4_case {
    const char *text;
    uint32_t addr;     /* 0: refused */
    const char *after; /* the next token, or the message */
    int col;
};

static const struct ipv4_case ipv4_cases[] = {
    {"10.0.0.1;", 0x0A000001, ";", 0},
    {"10 . 0 .\n0 . 255 ;", 0x0A0000FF, ";", 0},
    {"255.255.255.0 {", 0xFFFFFF00, "{", 0},
    {"010.000.0.1", 0x0A000001, "", 0},
    {"1.2.3.4.5", 0x01020304, ".", 0},
    {"10.0.0;", 0, "expecting '.' and the rest of an IPv4 address, not ';'", 7},
    {"10.0.0", 0,
     "expecting '.' and the rest of an IPv4 address, not the end of input", 7},
    {"256.0.0.1", 0,
     "expecting a number 0..255 of an IPv4 address, not \"256\"", 1},
    {"10.0.0.-1", 0, "expecting a number 0..255 of an IPv4 address, not \"-1\"",
     8},
    {"10.0.0.1a", 0, "expecting a number 0..255 of an IPv4 address, not \"1a\"",
     8},
    {"dhcp1.example", 0,
     "expecting a number 0..255 of an IPv4 address, not \"dhcp1\"", 1},
    {"\"10.0.0.1\"", 0,
     "expecting a number 0..255 of an IPv4 address, not \"10.0.0.1\"", 1},
};

static void test_ipv4(void)
{
    size_t i;

    for (i = 0; i < sizeof ipv4_cases / sizeof ipv4_cases[0]; i++) {
        const struct ipv4_case *c = &ipv4_cases[i];
        struct conflex lx;
        struct conflex_tok t;
        struct conflex_err e;
        uint32_t a = 0;
        int rc;

        start(&lx, &t, c->text);
        rc = conflex_ipv4(&lx, &t, &a, &e);
        if (c->addr != 0) {
            const char *after = rc == 0 ? rest(&lx, &t) : e.what;

            CHECK(rc == 0 && a == c->addr && strcmp(after, c->after) == 0);
            if (rc != 0 || a != c->addr || strcmp(after, c->after) != 0)
                fprintf(stderr, "  ipv4 %s: %08X, then \"%s\"\n", c->text,
                        (unsigned)a, after);
        } else {
            CHECK(rc == ERR_INVALID && e.code == CONFLEX_E_VALUE &&
                  e.line == 1 && e.col == c->col &&
                  strcmp(e.what, c->after) == 0);
            if (rc == 0 || strcmp(e.what, c->after) != 0)
                fprintf(stderr, "  ipv4 %s: \"%s\"\n", c->text, e.what);
        }
    }
}

static void test_hex(void)
{
    struct conflex lx;
    struct conflex_tok t;
    struct conflex_err e;
    unsigned char b[8];
    size_t n = 99;

    start(&lx, &t, "00:1a:2B:ff:0:9;");
    CHECK(conflex_hex(&lx, &t, b, sizeof b, &n, &e) == 0 && n == 6 &&
          memcmp(b, "\x00\x1a\x2b\xff\x00\x09", 6) == 0 &&
          strcmp(rest(&lx, &t), ";") == 0);
    start(&lx, &t, "0ff : c");
    CHECK(conflex_hex(&lx, &t, b, sizeof b, &n, &e) == 0 && n == 2 &&
          b[0] == 0xff && b[1] == 0x0c);
    start(&lx, &t, "ab cd");
    CHECK(conflex_hex(&lx, &t, b, sizeof b, &n, &e) == 0 && n == 1 &&
          strcmp(rest(&lx, &t), "cd") == 0);
    start(&lx, &t, "1:100");
    CHECK(conflex_hex(&lx, &t, b, sizeof b, &n, &e) == ERR_INVALID && n == 1 &&
          e.code == CONFLEX_E_VALUE && e.col == 3 &&
          strcmp(e.what, "expecting a hex byte 0..ff, not \"100\"") == 0);
    start(&lx, &t, "hba");
    CHECK(conflex_hex(&lx, &t, b, sizeof b, &n, &e) == ERR_INVALID && n == 0 &&
          strstr(e.what, "\"hba\"") != NULL);
    start(&lx, &t, "0x1f");
    CHECK(conflex_hex(&lx, &t, b, sizeof b, &n, &e) == ERR_INVALID);
    start(&lx, &t, "1:2:;");
    CHECK(conflex_hex(&lx, &t, b, sizeof b, &n, &e) == ERR_INVALID &&
          e.col == 5 && strstr(e.what, "\";\"") != NULL);
    start(&lx, &t, "1:2:3:4:5:6:7:8:9");
    CHECK(conflex_hex(&lx, &t, b, sizeof b, &n, &e) == ERR_INVALID && n == 8 &&
          strcmp(e.what, "more than 8 hex bytes") == 0 && e.col == 17);
}

static void test_dotted(void)
{
    struct conflex lx;
    struct conflex_tok t;
    struct conflex_err e;
    char out[32];

    start(&lx, &t, "dhcp1.example.com;");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == 0 &&
          strcmp(out, "dhcp1.example.com") == 0 &&
          strcmp(rest(&lx, &t), ";") == 0);
    start(&lx, &t, "HMAC-MD5.SIG-ALG.REG.INT. ;");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == 0 &&
          strcmp(out, "HMAC-MD5.SIG-ALG.REG.INT.") == 0 &&
          strcmp(rest(&lx, &t), ";") == 0);
    start(&lx, &t, "k . example {");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == 0 &&
          strcmp(out, "k.example") == 0 && strcmp(rest(&lx, &t), "{") == 0);
    start(&lx, &t, "10.0.0.1 x");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == 0 &&
          strcmp(out, "10.0.0.1") == 0 && strcmp(rest(&lx, &t), "x") == 0);
    start(&lx, &t, "a.\"b\"");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == 0 &&
          strcmp(out, "a.") == 0 && strcmp(rest(&lx, &t), "b") == 0);
    start(&lx, &t, "\"quoted\"");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == ERR_INVALID &&
          e.code == CONFLEX_E_VALUE &&
          strcmp(e.what, "expecting a name, not a string") == 0);
    start(&lx, &t, "abcdefghij.abcdefghij.abcdefghij.abcdefghij");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == ERR_INVALID &&
          strcmp(e.what, "name longer than 31 bytes") == 0 && e.col == 23);
    start(&lx, &t, "abcdefghij.abcdefghij.abcdefghi.");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == ERR_INVALID &&
          e.col == 32);
    start(&lx, &t, "abcdefghij.abcdefghij.abcdefgh.");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == 0 &&
          strlen(out) == 31);
    /* a lexer refusal inside the sequence is the lexer's */
    start(&lx, &t, "a.b.\"c");
    CHECK(conflex_dotted(&lx, &t, out, sizeof out, &e) == ERR_INVALID &&
          e.code == CONFLEX_E_STRING);
}

int main(void)
{
    test_tokens();
    test_refusals();
    test_limits();
    test_structure();
    test_keywords();
    test_ipv4();
    test_hex();
    test_dotted();
    return check_report();
}
