/* micetro-emu unit tests: filter (list filters and sort orders to SQL). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "filter.h"

/* DHCPScope's fields. */
static const struct filter_field scope_fields[] = {
    {"name", "s.name", FILTER_TEXT, 1, 1},
    {"description", "s.description", FILTER_TEXT, 1, 1},
    {"enabled", "s.enabled", FILTER_BOOL, 0, 1},
    {"dhcpServerRef", "s.server_id", FILTER_REF, 0, 1},
    {"rangeRef", "s.range_id", FILTER_REF, 0, 0},
    {"available", "s.available", FILTER_INT, 0, 1},
};
#define NSCOPE (sizeof(scope_fields) / sizeof(scope_fields[0]))

/* DHCPServer's (some of them): one free-text column. */
static const struct filter_field server_fields[] = {
    {"name", "v.name", FILTER_TEXT, 1, 1},
    {"type", "v.type", FILTER_TEXT, 0, 1},
};
#define NSERVER (sizeof(server_fields) / sizeof(server_fields[0]))

static int resolve_calls;

/* Knows {#3-#1} and dhcp1 (server 1), dhcpServers/2, {#6-#5} (range 5).
 * With a non-NULL ctx it resolves anything (for the fuzz test). */
static int fake_resolve(void *ctx, const struct filter_field *f,
                        const char *value, long long *id, struct err *e)
{
    resolve_calls++;
    if (ctx != NULL) {
        *id = (long long)strlen(value);
        return 0;
    }
    if (strcmp(f->name, "dhcpServerRef") == 0) {
        if (strcmp(value, "{#3-#1}") == 0 || strcmp(value, "dhcp1") == 0) {
            *id = 1;
            return 0;
        }
        if (strcmp(value, "dhcpServers/2") == 0) {
            *id = 2;
            return 0;
        }
        return err_set(e, ERR_NOTFOUND, "DHCP server \"%s\" does not exist",
                       value);
    }
    if (strcmp(value, "{#6-#5}") == 0) {
        *id = 5;
        return 0;
    }
    return err_set(e, ERR_NOTFOUND, "range \"%s\" does not exist", value);
}

static struct filter_sql sql;
static struct err e;

static int compile_with(const char *f, const struct filter_field *fields,
                        size_t n, int first)
{
    filter_sql_free(&sql);
    err_clear(&e);
    return filter_compile(f, fields, n, first, fake_resolve, NULL, &sql, &e);
}

static int compile(const char *f)
{
    return compile_with(f, scope_fields, NSCOPE, 1);
}

/* 1 when the last compile gave where and the NULL-terminated params. */
static int vsame(int rc, const char *f, const char *where, va_list ap)
{
    int i = 0, ok = rc == 0 && sql.where && strcmp(sql.where, where) == 0;
    const char *p;

    while (ok && (p = va_arg(ap, const char *)) != NULL) {
        ok = i < sql.nparams && strcmp(sql.params[i], p) == 0;
        i++;
    }
    ok = ok && i == sql.nparams;
    if (!ok) {
        fprintf(stderr, "filter <%s>: rc %d <%s> (%s)\n  want <%s>\n", f, rc,
                sql.where ? sql.where : "(null)", e.msg, where);
        for (i = 0; i < sql.nparams; i++)
            fprintf(stderr, "  param %d <%s>\n", i + 1, sql.params[i]);
    }
    return ok;
}

static int same(const char *f, const char *where, ...)
{
    va_list ap;
    int ok, rc = compile(f);

    va_start(ap, where);
    ok = vsame(rc, f, where, ap);
    va_end(ap);
    return ok;
}

static int same_server(const char *f, const char *where, ...)
{
    va_list ap;
    int ok, rc = compile_with(f, server_fields, NSERVER, 1);

    va_start(ap, where);
    ok = vsame(rc, f, where, ap);
    va_end(ap);
    return ok;
}

/* 1 when compiling f fails with code and exactly msg, leaving sql empty. */
static int fails(const char *f, int code, const char *msg)
{
    int rc = compile(f);
    int ok = rc == code && e.code == code && strcmp(e.msg, msg) == 0 &&
             sql.where == NULL && sql.params == NULL && sql.nparams == 0;

    if (!ok)
        fprintf(stderr, "filter <%.60s>: rc %d <%s>\n  want %d <%s>\n", f, rc,
                e.msg, code, msg);
    return ok;
}

static void test_examples(void)
{
    CHECK(same("name:^10\\.0\\.0\\.0/24$", "s.name ~* $1::text",
               "^10\\.0\\.0\\.0/24$", NULL));
    CHECK(same_server("name:^x$ type:Master",
                      "v.name ~* $1::text AND v.type ~* $2::text", "^x$",
                      "Master", NULL));
    CHECK(same("dhcpServerRef:{#3-#1}", "s.server_id = $1::bigint", "1", NULL));
    CHECK(same("name=^foo and dhcpServerRef=dhcpServers/2",
               "starts_with(lower(s.name), lower($1::text))"
               " AND s.server_id = $2::bigint",
               "foo", "2", NULL));
    /* empty */
    CHECK(same(NULL, "TRUE", NULL));
    CHECK(same("", "TRUE", NULL));
    CHECK(same(" \t\n ", "TRUE", NULL));
    /* placeholders after the caller's own */
    CHECK(compile_with("name:x available:2", scope_fields, NSCOPE, 3) == 0);
    CHECK(strcmp(sql.where,
                 "s.name ~* $3::text AND s.available = $4::bigint") == 0);
    CHECK(sql.nparams == 2);
    CHECK(compile_with("", scope_fields, NSCOPE, 0) == ERR_INTERNAL);
}

static void test_classic(void)
{
    /* field names are case-insensitive */
    CHECK(same("NAME:x DhcpServerRef:dhcp1 rangeref:{#6-#5}",
               "s.name ~* $1::text AND s.server_id = $2::bigint"
               " AND s.range_id = $3::bigint",
               "x", "1", "5", NULL));
    /* negation, both spellings, and both at once */
    CHECK(same("!name:foo", "(s.name ~* $1::text) IS NOT TRUE", "foo", NULL));
    CHECK(same("name:!foo", "(s.name ~* $1::text) IS NOT TRUE", "foo", NULL));
    CHECK(same("!name:!foo", "s.name ~* $1::text", "foo", NULL));
    CHECK(same("!dhcpServerRef:dhcp1",
               "s.server_id IS DISTINCT FROM "
               "$1::bigint",
               "1", NULL));
    CHECK(same("available:!7", "s.available IS DISTINCT FROM $1::bigint", "7",
               NULL));
    /* int and bool */
    CHECK(same("available:-3 enabled:FALSE",
               "s.available = $1::bigint AND s.enabled = $2::boolean", "-3",
               "false", NULL));
    CHECK(same("available:+007", "s.available = $1::bigint", "7", NULL));
    /* free text: every free_text column, one parameter */
    CHECK(same("foo", "(s.name ~* $1::text OR s.description ~* $1::text)",
               "foo", NULL));
    CHECK(same("!foo",
               "(s.name ~* $1::text OR s.description ~* $1::text)"
               " IS NOT TRUE",
               "foo", NULL));
    CHECK(same_server("foo", "v.name ~* $1::text", "foo", NULL));
    CHECK(same_server("!foo", "(v.name ~* $1::text) IS NOT TRUE", "foo", NULL));
    CHECK(same("(foo|bar) 10:30",
               "(s.name ~* $1::text OR s.description "
               "~* $1::text) AND (s.name ~* $2::text OR s.description ~* "
               "$2::text)",
               "(foo|bar)", "10:30", NULL));
    /* quoting */
    CHECK(same("name:\"a b\"", "s.name ~* $1::text", "a b", NULL));
    CHECK(same("\"a  b\"  name:x",
               "(s.name ~* $1::text OR s.description ~* $1::text)"
               " AND s.name ~* $2::text",
               "a  b", "x", NULL));
    CHECK(same("name:\"say \\\"hi\\\"\"", "s.name ~* $1::text", "say \"hi\"",
               NULL));
    CHECK(same("name:a\"b c\"d", "s.name ~* $1::text", "ab cd", NULL));
    CHECK(
        same("name:!\"x y\"", "(s.name ~* $1::text) IS NOT TRUE", "x y", NULL));
    CHECK(same("name:it's", "s.name ~* $1::text", "it's", NULL));
    /* a value may hold colons, equal signs and the like */
    CHECK(same("name:x=y:z", "s.name ~* $1::text", "x=y:z", NULL));
    CHECK(same("description:'%_\\;$1", "s.description ~* $1::text", "'%_\\;$1",
               NULL));
}

static void test_newer(void)
{
    /* each operator on TEXT */
    CHECK(same("name=foo", "lower(s.name) = lower($1::text)", "foo", NULL));
    CHECK(same("name!=foo", "lower(s.name) IS DISTINCT FROM lower($1::text)",
               "foo", NULL));
    CHECK(same("name=@foo", "strpos(lower(s.name), lower($1::text)) > 0", "foo",
               NULL));
    CHECK(same("name=^foo", "starts_with(lower(s.name), lower($1::text))",
               "foo", NULL));
    CHECK(same("name=$foo",
               "right(lower(s.name), length($1::text))"
               " = lower($1::text)",
               "foo", NULL));
    CHECK(same("name=~^f.o$", "s.name ~* $1::text", "^f.o$", NULL));
    CHECK(same("name in(a, b,c)",
               "lower(s.name) IN (lower($1::text), "
               "lower($2::text), lower($3::text))",
               "a", "b", "c", NULL));
    CHECK(same("Name IN ( \"a b\" , 'c,d' )",
               "lower(s.name) IN "
               "(lower($1::text), lower($2::text))",
               "a b", "c,d", NULL));
    /* blanks around operators; quotes; greedy operators */
    CHECK(
        same("name = \"a b\"", "lower(s.name) = lower($1::text)", "a b", NULL));
    CHECK(
        same("name='it\\'s'", "lower(s.name) = lower($1::text)", "it's", NULL));
    CHECK(
        same("name='it''s'", "lower(s.name) = lower($1::text)", "it's", NULL));
    CHECK(same("name in('a''b', \"x\"\"y\", '''', 'c\\d')",
               "lower(s.name) IN (lower($1::text), lower($2::text), "
               "lower($3::text), lower($4::text))",
               "a'b", "x\"y", "'", "c\\d", NULL));
    CHECK(same("name=''", "lower(s.name) = lower($1::text)", "", NULL));
    CHECK(same("name=\"^x\"", "lower(s.name) = lower($1::text)", "^x", NULL));
    CHECK(same("name=\"\"", "lower(s.name) = lower($1::text)", "", NULL));
    CHECK(
        same("name=a%_\\'", "lower(s.name) = lower($1::text)", "a%_\\'", NULL));
    /* other types */
    CHECK(same("enabled=TRUE", "s.enabled = $1::boolean", "true", NULL));
    CHECK(same("available != 5", "s.available IS DISTINCT FROM $1::bigint", "5",
               NULL));
    CHECK(same("available in(1,2)",
               "s.available IN ($1::bigint, "
               "$2::bigint)",
               "1", "2", NULL));
    CHECK(same("dhcpServerRef in (dhcp1, 'dhcpServers/2')",
               "s.server_id "
               "IN ($1::bigint, $2::bigint)",
               "1", "2", NULL));
    CHECK(same("dhcpServerRef!={#3-#1}",
               "s.server_id IS DISTINCT FROM "
               "$1::bigint",
               "1", NULL));
    /* and / or / parentheses */
    CHECK(same("name=a or name=b and available=1",
               "(lower(s.name) = lower($1::text) OR (lower(s.name) = "
               "lower($2::text) AND s.available = $3::bigint))",
               "a", "b", "1", NULL));
    CHECK(same("(name=a OR name=b) AND available=1",
               "(lower(s.name) = lower($1::text) OR lower(s.name) = "
               "lower($2::text)) AND s.available = $3::bigint",
               "a", "b", "1", NULL));
    CHECK(same("((name=a))", "lower(s.name) = lower($1::text)", "a", NULL));
    CHECK(same("(name=a and enabled=true) and available=1",
               "lower(s.name) = lower($1::text) AND s.enabled = $2::boolean"
               " AND s.available = $3::bigint",
               "a", "true", "1", NULL));
    CHECK(same("name=a and(enabled=true or available=1)or name=b",
               "((lower(s.name) = lower($1::text) AND (s.enabled = "
               "$2::boolean OR s.available = $3::bigint)) OR lower(s.name) "
               "= lower($4::text))",
               "a", "true", "1", "b", NULL));
    /* a regex with parentheses, inside parentheses or not */
    CHECK(same("name=~(a|b)", "s.name ~* $1::text", "(a|b)", NULL));
    CHECK(same("(name=~(a|b))", "s.name ~* $1::text", "(a|b)", NULL));
    /* "and" inside a value is data */
    CHECK(same("name='x and y'", "lower(s.name) = lower($1::text)", "x and y",
               NULL));
    CHECK(same("name=andy and name=organ",
               "lower(s.name) = lower($1::text) AND lower(s.name) = "
               "lower($2::text)",
               "andy", "organ", NULL));
}

static void test_errors(void)
{
    char big[FILTER_MAX_LEN + 2], many[1024], msg[128];
    size_t o = 0;

    CHECK(fails("type:Master", ERR_INVALID,
                "unknown field \"type\" in "
                "filter; fields: name, description, enabled, "
                "dhcpServerRef, rangeRef, available"));
    CHECK(fails("name=a and foo=1", ERR_INVALID,
                "unknown field \"foo\" in "
                "filter; fields: name, description, enabled, "
                "dhcpServerRef, rangeRef, available"));
    /* missing value */
    CHECK(fails("name=", ERR_INVALID,
                "filter: expected a value after \"name=\" at position 6"));
    CHECK(fails("name = ", ERR_INVALID,
                "filter: expected a value after \"name =\" at position 8"));
    CHECK(fails("name:", ERR_INVALID,
                "filter: expected a value after \"name:\" at position 6"));
    CHECK(fails("x !name:", ERR_INVALID,
                "filter: expected a value after \"!name:\" at position 9"));
    CHECK(fails("!", ERR_INVALID,
                "filter: expected a term after \"!\" at position 2"));
    CHECK(fails("name in()", ERR_INVALID,
                "filter: expected a value in the list at position 9"));
    CHECK(fails("name in(a b)", ERR_INVALID,
                "filter: expected \",\" or \")\" in the list at position 11"));
    CHECK(fails("name in(a,", ERR_INVALID,
                "filter: expected a value in the list at position 11"));
    /* bad operator, bad structure */
    CHECK(fails("name=a and available>5", ERR_INVALID,
                "filter: expected an operator (=, !=, =@, =^, =$, =~ or in)"
                " after \"available\" at position 21"));
    CHECK(fails("available=@5", ERR_INVALID,
                "filter: operator \"=@\" does "
                "not apply to field \"available\""));
    CHECK(fails("enabled=~t", ERR_INVALID,
                "filter: operator \"=~\" does "
                "not apply to field \"enabled\""));
    CHECK(fails("name=a b", ERR_INVALID,
                "filter: expected \"and\", \"or\" or the end at position 8"));
    CHECK(fails("name=a)", ERR_INVALID,
                "filter: expected \"and\", \"or\" or the end at position 7"));
    CHECK(fails("name=a and", ERR_INVALID,
                "filter: expected a field name at position 11"));
    CHECK(fails("name=a or 1=1", ERR_INVALID,
                "filter: expected a field name at position 11"));
    CHECK(fails("(name=a", ERR_INVALID,
                "filter: expected \"and\", \"or\" or \")\" at position 8"));
    CHECK(fails("name=\"a\"b", ERR_INVALID,
                "filter: expected a blank or "
                "\")\" after the quoted value at position 9"));
    memset(many, '(', FILTER_MAX_DEPTH + 1);
    strcpy(many + FILTER_MAX_DEPTH + 1, "name=a");
    CHECK(fails(many, ERR_INVALID,
                "filter: more than 16 nested parentheses at position 17"));
    many[0] = ' ';
    CHECK(compile(many) == ERR_INVALID &&
          strcmp(e.msg, "filter: expected \"and\", \"or\" or \")\" "
                        "at position 24") == 0);
    /* unterminated quotes */
    CHECK(fails("name:\"abc", ERR_INVALID,
                "filter: unterminated quote at position 6"));
    CHECK(fails("x \"a\" \"b", ERR_INVALID,
                "filter: unterminated quote at position 7"));
    CHECK(fails("name='abc", ERR_INVALID,
                "filter: unterminated quote at position 6"));
    CHECK(fails("name in('a', \"b)", ERR_INVALID,
                "filter: unterminated quote at position 14"));
    /* bad values */
    CHECK(fails("available:abc", ERR_INVALID,
                "filter: invalid integer \"abc\" for field \"available\""));
    CHECK(fails("available=12x", ERR_INVALID,
                "filter: invalid integer \"12x\" for field \"available\""));
    CHECK(fails("available=99999999999999999999", ERR_INVALID,
                "filter: invalid integer \"99999999999999999999\" for field"
                " \"available\""));
    CHECK(fails("available in(1, \" 2\")", ERR_INVALID,
                "filter: invalid integer \" 2\" for field \"available\""));
    CHECK(fails("enabled:yes", ERR_INVALID,
                "filter: invalid boolean "
                "\"yes\" for field \"enabled\" (expected true or false)"));
    CHECK(fails("name:\"\"", ERR_INVALID,
                "filter: empty regular expression for field \"name\""));
    CHECK(fails("name=~''", ERR_INVALID,
                "filter: empty regular expression for field \"name\""));
    CHECK(fails("x \"\"", ERR_INVALID,
                "filter: empty regular expression at position 3"));
    CHECK(compile_with("name:x \"\" y", server_fields, NSERVER, 1) ==
          ERR_INVALID);
    /* unknown refs: the resolver's word */
    CHECK(fails("dhcpServerRef:dhcp9", ERR_NOTFOUND,
                "DHCP server \"dhcp9\" does not exist"));
    CHECK(fails("name=x and rangeRef={#6-#6}", ERR_NOTFOUND,
                "range \"{#6-#6}\" does not exist"));
    CHECK(fails("dhcpServerRef in(dhcp1, dhcp7)", ERR_NOTFOUND,
                "DHCP server \"dhcp7\" does not exist"));
    filter_sql_free(&sql);
    CHECK(filter_compile("dhcpServerRef:dhcp1", scope_fields, NSCOPE, 1, NULL,
                         NULL, &sql, &e) == ERR_INTERNAL);
    CHECK(
        fails("name:\xff", ERR_INVALID, "filter: invalid UTF-8 at position 6"));
    CHECK(fails("name:\xc0\xaf", ERR_INVALID,
                "filter: invalid UTF-8 at position 6"));
    CHECK(same("name:caf\xc3\xa9", "s.name ~* $1::text", "caf\xc3\xa9", NULL));
    /* length (an equality: a regular expression has a bound of its own) */
    memcpy(big, "name=", 5);
    memset(big + 5, 'a', FILTER_MAX_LEN - 5);
    big[FILTER_MAX_LEN] = '\0';
    CHECK(compile(big) == 0 && sql.nparams == 1 &&
          strlen(sql.params[0]) == FILTER_MAX_LEN - 5);
    big[FILTER_MAX_LEN] = 'a';
    big[FILTER_MAX_LEN + 1] = '\0';
    CHECK(
        fails(big, ERR_INVALID, "filter too long (4097 bytes, at most 4096)"));
    /* conditions */
    for (int i = 0; i < FILTER_MAX_CONDS; i++)
        o += (size_t)sprintf(many + o, "%sname:%d", i ? " " : "", i);
    CHECK(compile(many) == 0 && sql.nparams == FILTER_MAX_CONDS);
    strcpy(many + o, " name:x");
    snprintf(msg, sizeof(msg),
             "filter: more than 64 conditions at "
             "position %zu",
             o + 2);
    CHECK(fails(many, ERR_INVALID, msg));
    o = 0;
    for (int i = 0; i <= FILTER_MAX_CONDS; i++)
        o += (size_t)sprintf(many + o, "%sname=%d", i ? " or " : "", i);
    CHECK(compile(many) == ERR_INVALID &&
          strncmp(e.msg, "filter: more than 64 conditions", 31) == 0);
    o = (size_t)sprintf(many, "name in(0");
    for (int i = 1; i <= FILTER_MAX_PARAMS; i++)
        o += (size_t)sprintf(many + o, ",%d", i % 10);
    strcpy(many + o, ")");
    CHECK(fails(many, ERR_INVALID, "filter: more than 256 values"));
}

/* ---- regular expressions: a bound on their cost -------------------- */

/* 1 when f compiles to one ~* condition. */
static int regex_ok(const char *f)
{
    int rc = compile(f);
    int ok = rc == 0 && sql.where != NULL && strstr(sql.where, "~*") != NULL;

    if (!ok)
        fprintf(stderr, "filter <%.60s>: rc %d <%s>, want it accepted\n", f, rc,
                e.msg);
    return ok;
}

/* 1 when f fails as a regular expression for field too costly: size
 * atoms once expanded. */
static int costly(const char *f, const char *field, long long size)
{
    char msg[200];

    snprintf(msg, sizeof(msg),
             "filter: regular expression for field \"%s\" too costly: its "
             "repetitions expand it to %lld atoms, at most %d; narrow it",
             field, size, FILTER_REGEX_MAX_SIZE);
    return fails(f, ERR_INVALID, msg);
}

static void test_regex_cost(void)
{
    char re[FILTER_REGEX_MAX_LEN + 16];

    /* the size with every bound expanded: at most 256 atoms */
    CHECK(regex_ok("name:(a{1,16}){1,16}"));
    CHECK(costly("name:(a{1,16}){1,16}b", "name", 257));
    CHECK(regex_ok("name:a{1,255}b"));
    CHECK(costly("name:a{1,255}bc", "name", 257));
    CHECK(regex_ok("name:a{255}b"));
    CHECK(costly("name:a{255}bc", "name", 257));
    /* {m,} is m copies and a loop */
    CHECK(regex_ok("name:(ab){127,}"));
    CHECK(costly("name:(ab){128,}", "name", 258));
    /* three levels; alternatives add up */
    CHECK(regex_ok("name:((a{1,4}){1,4}){1,16}"));
    CHECK(costly("name:((a{1,4}){1,4}){1,17}", "name", 272));
    CHECK(regex_ok("name:(a|b){1,128}"));
    CHECK(costly("name:(a|bc){1,128}", "name", 384));
    /* the one that held a connection for the whole statement timeout */
    CHECK(costly("name:(a{1,100}){1,100}c", "name", 10001));
    CHECK(costly("name=~(a{1,100}){1,100}c", "name", 10001));
    CHECK(fails("(a{1,100}){1,100}c", ERR_INVALID,
                "filter: regular expression of the free-text term too "
                "costly: its repetitions expand it to 10001 atoms, at most "
                "256; narrow it"));
    CHECK(costly("!name:(a{1,100}){1,100}c", "name", 10001));
    /* a huge bound does not overflow */
    CHECK(compile("name:((a{1,99999999}){1,99999999}){1,99999999}") ==
              ERR_INVALID &&
          strstr(e.msg, "too costly") != NULL);
    /* loops cost nothing more; nor do quantifiers on quantifiers */
    CHECK(regex_ok("name:(a+)+c"));
    CHECK(regex_ok("name:(.*)*x"));
    CHECK(regex_ok("name:a*?b+?c?"
                   "?(d|e)*")); /* no trigraph */
    /* not a bound: a literal brace, braces in brackets, escaped */
    CHECK(regex_ok("name:a{x}{,5}"));
    CHECK(regex_ok("name:[{1,999}]{1,200}"));
    CHECK(regex_ok("name:\\{1,999\\}"));
    /* the other operators take no regular expression */
    CHECK(same("name=@(a{1,100}){1,100}c",
               "strpos(lower(s.name), lower($1::text)) > 0",
               "(a{1,100}){1,100}c", NULL));
    CHECK(same("name in('(a{1,100}){1,100}c')",
               "lower(s.name) IN (lower($1::text))", "(a{1,100}){1,100}c",
               NULL));
    /* length: at most 512 bytes */
    snprintf(re, sizeof(re), "name:[%0*d]", FILTER_REGEX_MAX_LEN - 2, 0);
    CHECK(regex_ok(re));
    snprintf(re, sizeof(re), "name:[%0*d]", FILTER_REGEX_MAX_LEN - 1, 0);
    CHECK(fails(re, ERR_INVALID,
                "filter: regular expression for field \"name\" longer than "
                "512 bytes (513)"));
    /* back references: their cost has no bound */
    CHECK(fails("name:(a*)\\1x", ERR_INVALID,
                "filter: regular expression for field \"name\": back "
                "references (\\1 ... \\9) are not allowed"));
    CHECK(fails("description=~(a)(b)(c)(d)(e)(f)(g)(h)(i)\\9", ERR_INVALID,
                "filter: regular expression for field \"description\": back "
                "references (\\1 ... \\9) are not allowed"));
    CHECK(regex_ok("name:\\\\1"));
    CHECK(regex_ok("name:\\d\\.\\0x"));
    CHECK(regex_ok("name:[\\1]"));
    /* only advanced regular expressions: no BRE nor ERE through options */
    CHECK(fails("name:(?b)\\(a\\{1,100\\}\\)\\{1,100\\}", ERR_INVALID,
                "filter: regular expression for field \"name\": only advanced "
                "regular expressions are allowed (not the options b and e)"));
    CHECK(fails("name:(?ie)a", ERR_INVALID,
                "filter: regular expression for field \"name\": only advanced "
                "regular expressions are allowed (not the options b and e)"));
    CHECK(regex_ok("name:(?i)a{1,255}"));
    CHECK(costly("name:(?i)a{1,255}bc", "name", 257));
    /* directors: ***= is a literal, ***: an ARE like any */
    CHECK(regex_ok("name:***=(a{1,100}){1,100}c"));
    CHECK(regex_ok("name:(?q)(a{1,100}){1,100}c"));
    CHECK(compile("name:***:(a{1,100}){1,100}c") == ERR_INVALID &&
          strstr(e.msg, "10001 atoms") != NULL);
    /* malformed ones are left to PostgreSQL, which refuses them */
    CHECK(regex_ok("name:(a{1,4}"));
    CHECK(regex_ok("name:a{1,4})"));
    CHECK(regex_ok("name:[abc"));
    CHECK(regex_ok("name:a\\"));
}

static void test_order_by(void)
{
    char buf[128];

#define ORDER(by, ord)                                                         \
    filter_order_by(by, ord, scope_fields, NSCOPE, "s.name", "s.id", buf,      \
                    sizeof(buf), &e)
    CHECK(ORDER(NULL, NULL) == 0 &&
          strcmp(buf, "ORDER BY s.name ASC, s.id ASC") == 0);
    CHECK(ORDER("", "") == 0 &&
          strcmp(buf, "ORDER BY s.name ASC, s.id ASC") == 0);
    CHECK(ORDER("available", "Descending") == 0 &&
          strcmp(buf, "ORDER BY s.available DESC, s.id ASC") == 0);
    CHECK(ORDER("NAME", "ascending") == 0 &&
          strcmp(buf, "ORDER BY s.name ASC, s.id ASC") == 0);
    CHECK(ORDER(NULL, "Descending") == 0 &&
          strcmp(buf, "ORDER BY s.name DESC, s.id ASC") == 0);
    CHECK(ORDER("foo", NULL) == ERR_INVALID && e.code == ERR_INVALID &&
          strcmp(e.msg, "unknown sortBy \"foo\"; sortable fields: name, "
                        "description, enabled, dhcpServerRef, available") == 0);
    CHECK(ORDER("rangeRef", NULL) == ERR_INVALID &&
          strncmp(e.msg, "unsortable sortBy \"rangeRef\";", 29) == 0);
    CHECK(ORDER("s.name", NULL) == ERR_INVALID); /* columns are not names */
    CHECK(ORDER(NULL, "Up") == ERR_INVALID &&
          strcmp(e.msg, "invalid sortOrder \"Up\" (expected Ascending "
                        "or Descending)") == 0);
#undef ORDER
    CHECK(filter_order_by(NULL, NULL, scope_fields, NSCOPE, "s.id", "s.id", buf,
                          sizeof(buf), &e) == 0 &&
          strcmp(buf, "ORDER BY s.id ASC") == 0);
    CHECK(filter_order_by("name", "Descending", scope_fields, NSCOPE, "s.id",
                          NULL, buf, sizeof(buf), &e) == 0 &&
          strcmp(buf, "ORDER BY s.name DESC") == 0);
    CHECK(filter_order_by(NULL, NULL, scope_fields, NSCOPE, "s.name", "s.id",
                          buf, 20, &e) == ERR_INTERNAL);
}

/* Messages quote at most 40 bytes of the caller's text and never half a
 * UTF-8 character: they go into SOAP faults as they are. */
static void test_utf8_messages(void)
{
    char v[64] = "x", q[64] = "x", f[128], want[256], buf[128];

    for (int i = 0; i < 25; i++) /* "x" and 25 two-byte characters */
        strcat(v, "\xc3\xa9");
    for (int i = 0; i < 19; i++) /* 39 bytes: the 40th is half of one */
        strcat(q, "\xc3\xa9");
    snprintf(f, sizeof(f), "available:%s", v);
    snprintf(want, sizeof(want),
             "filter: invalid integer \"%s\" for field \"available\"", q);
    CHECK(fails(f, ERR_INVALID, want));
    snprintf(f, sizeof(f), "enabled=%s", v);
    snprintf(want, sizeof(want),
             "filter: invalid boolean \"%s\" for field "
             "\"enabled\" (expected true or false)",
             q);
    CHECK(fails(f, ERR_INVALID, want));
    snprintf(want, sizeof(want),
             "invalid sortOrder \"%s\" (expected "
             "Ascending or Descending)",
             q);
    CHECK(filter_order_by(NULL, v, scope_fields, NSCOPE, "s.name", "s.id", buf,
                          sizeof(buf), &e) == ERR_INVALID &&
          strcmp(e.msg, want) == 0);
    snprintf(want, sizeof(want), "unknown sortBy \"%s\";", q);
    CHECK(filter_order_by(v, NULL, scope_fields, NSCOPE, "s.name", "s.id", buf,
                          sizeof(buf), &e) == ERR_INVALID &&
          strncmp(e.msg, want, strlen(want)) == 0);
    /* plain ASCII is still cut at 40 bytes */
    CHECK(fails("available:12345678901234567890123456789012345678901x",
                ERR_INVALID,
                "filter: invalid integer "
                "\"1234567890123456789012345678901234567890\" for field "
                "\"available\""));
}

/* ---- fuzz: no user text ever reaches the SQL ----------------------- */

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng >> 33) % n;
}

/* Pieces a filter is made of; values come after VALUES_FROM. */
static const char *const pieces[] = {
    "name",
    "description",
    "enabled",
    "available",
    "dhcpServerRef",
    "rangeRef",
    ":",
    "=",
    "!=",
    "=@",
    "=^",
    "=$",
    "=~",
    " in(",
    "in (",
    ",",
    "(",
    ")",
    " and ",
    " or ",
    " AND ",
    " ",
    " ",
    "!",
    "\"",
    "'",
    /* VALUES_FROM */
    "zqx",
    "x%_",
    "a\\b",
    "';--",
    "$1$",
    "q\"q",
    "; DROP TABLE s",
    "1",
    "true",
    "dhcp1",
    "{#3-#1}",
    "%",
    "_",
    "\\",
    ";",
    "$",
    "$$",
    "/*",
    "e'\\x27",
    "--",
    "\\'",
    "7",
    "t",
};
#define VALUES_FROM 26
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

/* Whether where consists of our columns, SQL words and placeholders. */
static int where_clean(const char *w, int first, int nparams, char *used)
{
    static const char *const words[] = {
        "s.name",      "s.description",
        "s.enabled",   "s.server_id",
        "s.range_id",  "s.available",
        "starts_with", "strpos",
        "lower",       "right",
        "length",      "DISTINCT",
        "FROM",        "TRUE",
        "AND",         "NOT",
        "OR",          "IN",
        "IS",          "~*",
        "(",           ")",
        ",",           "=",
        ">",           "0",
        " ",
    };
    static const char *const casts[] = {"::text", "::bigint", "::boolean"};

    while (*w) {
        size_t i, n = 0;
        if (*w == '$') {
            char *end;
            long v = strtol(w + 1, &end, 10);
            if (end == w + 1 || v < first || v >= first + nparams)
                return 0;
            used[v - first] = 1;
            w = end;
            for (i = 0; i < 3; i++) {
                n = strlen(casts[i]);
                if (strncmp(w, casts[i], n) == 0)
                    break;
            }
            if (i == 3)
                return 0;
            w += n;
            continue;
        }
        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
            n = strlen(words[i]);
            if (strncmp(w, words[i], n) == 0)
                break;
        }
        if (i == sizeof(words) / sizeof(words[0]))
            return 0;
        w += n;
    }
    return 1;
}

static void test_fuzz(void)
{
    int ok = 0, bad = 0, clean = 1, errs_clean = 1, no_values = 1;
    char f[512], used[FILTER_MAX_PARAMS];
    const char *vals[32];

    for (int round = 0; round < 3000; round++) {
        int n = 1 + (int)rnd(12), nv = 0, rc;
        size_t o = 0;
        int first = 1 + (int)rnd(3);
        f[0] = '\0';
        for (int i = 0; i < n; i++) {
            unsigned k = rnd(3) ? VALUES_FROM + rnd(NPIECES - VALUES_FROM)
                                : rnd(NPIECES);
            /* mostly well-formed-ish: field, operator, value */
            if (rnd(2)) {
                const char *fld = pieces[rnd(6)];
                const char *op = pieces[6 + rnd(9)];
                o += (size_t)snprintf(f + o, sizeof(f) - o, "%s%s%s%s",
                                      i ? (rnd(2) ? " " : " and ") : "", fld,
                                      op, pieces[k]);
            } else {
                o += (size_t)snprintf(f + o, sizeof(f) - o, "%s", pieces[k]);
            }
            if (k >= VALUES_FROM && nv < 32)
                vals[nv++] = pieces[k];
        }
        filter_sql_free(&sql);
        err_clear(&e);
        rc = filter_compile(f, scope_fields, NSCOPE, first, fake_resolve, &rng,
                            &sql, &e);
        if (rc < 0) {
            bad++;
            if (e.code != rc || e.msg[0] == '\0' || sql.where != NULL ||
                sql.params != NULL || sql.nparams != 0) {
                errs_clean = 0;
                fprintf(stderr, "unclean failure for <%s>\n", f);
            }
            continue;
        }
        ok++;
        memset(used, 0, sizeof(used));
        if (!where_clean(sql.where, first, sql.nparams, used)) {
            clean = 0;
            fprintf(stderr, "unclean where for <%s>: <%s>\n", f, sql.where);
        }
        for (int i = 0; i < sql.nparams; i++) {
            if (!used[i] || sql.params[i] == NULL) {
                clean = 0;
                fprintf(stderr, "param %d unused for <%s>\n", i + 1, f);
            }
        }
        for (int i = 0; i < nv; i++) {
            if (strlen(vals[i]) >= 3 && strstr(sql.where, vals[i])) {
                no_values = 0;
                fprintf(stderr, "value <%s> in where <%s>\n", vals[i],
                        sql.where);
            }
        }
        if (strpbrk(sql.where, "'\";%\\") != NULL) {
            no_values = 0;
            fprintf(stderr, "quote-ish byte in <%s>\n", sql.where);
        }
    }
    printf("fuzz: %d compiled, %d rejected\n", ok, bad);
    CHECK(clean);
    CHECK(errs_clean);
    CHECK(no_values);
    CHECK(ok > 300 && bad > 300);
}

int main(void)
{
    test_examples();
    test_classic();
    test_newer();
    test_errors();
    test_regex_cost();
    test_order_by();
    test_utf8_messages();
    test_fuzz();
    filter_sql_free(&sql);
    return check_report();
}
