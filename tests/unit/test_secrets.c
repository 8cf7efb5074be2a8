/* Unit tests of the agents' secrets per DHCP server (core/secrets.c): the
 * file's syntax, the lookup by name, the fallback to the one-for-all
 * secret, every refusal with its line number, and the limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "secrets.h"

static struct secrets *parse(const char *text, struct err *e)
{
    struct secrets *s = NULL;

    err_clear(e);
    if (secrets_parse(text, strlen(text), &s, e) != 0)
        CHECK(s == NULL);
    return s;
}

/* A string literal and its length (it may hold NUL bytes). */
#define T(lit) lit, sizeof(lit) - 1

/* 1 when text[len] is refused with exactly msg. */
static int refused(const char *text, size_t len, const char *msg)
{
    struct secrets *s = (struct secrets *)1;
    struct err e;
    int rc = secrets_parse(text, len, &s, &e);

    if (rc == ERR_INVALID && s == NULL && strcmp(e.msg, msg) == 0)
        return 1;
    fprintf(stderr, "  got %d \"%s\", wanted \"%s\"\n", rc, rc ? e.msg : "",
            msg);
    secrets_free(rc == 0 ? s : NULL);
    return 0;
}

static int is(const char *got, const char *want)
{
    return got != NULL && strcmp(got, want) == 0;
}

static void test_syntax(void)
{
    struct secrets *s;
    struct err e;

    s = parse("# agents' secrets\n"
              "\n"
              "   \t\n"
              "dhcp1.example. s3cret\n"
              "  # an indented comment\n"
              "DHCP2.Example\t \tpass phrase with  inner spaces\r\n"
              "dhcp3 trailing blanks go  \t \r\n"
              "\tdhcp4.example #not a comment\n"
              "dhcp5 \"quoted\" = is fine\\",
              &e);
    CHECK(s != NULL);
    CHECK(secrets_count(s) == 5);
    CHECK(is(secrets_lookup(s, "dhcp1.example.", NULL), "s3cret"));
    CHECK(is(secrets_lookup(s, "dhcp2.example.", NULL),
             "pass phrase with  inner spaces"));
    CHECK(is(secrets_lookup(s, "dhcp3.", NULL), "trailing blanks go"));
    CHECK(is(secrets_lookup(s, "dhcp4.example.", NULL), "#not a comment"));
    CHECK(is(secrets_lookup(s, "dhcp5.", NULL), "\"quoted\" = is fine\\"));
    secrets_free(s);

    /* empty, comments only, CRLF only: no entries, not an error */
    s = parse("", &e);
    CHECK(s != NULL && secrets_count(s) == 0);
    secrets_free(s);
    s = parse("# nothing yet\r\n\r\n", &e);
    CHECK(s != NULL && secrets_count(s) == 0);
    CHECK(secrets_lookup(s, "dhcp1.", NULL) == NULL);
    secrets_free(s);
    secrets_free(NULL);
    CHECK(secrets_count(NULL) == 0);
}

static void test_lookup(void)
{
    struct secrets *s;
    struct err e;

    s = parse("dhcp1.example. one\n"
              "DHCP2.EXAMPLE two\n"
              "a-b.c three\n",
              &e);
    CHECK(s != NULL);
    /* case and the trailing dot, on either side */
    CHECK(is(secrets_lookup(s, "dhcp1.example", NULL), "one"));
    CHECK(is(secrets_lookup(s, "Dhcp1.Example.", NULL), "one"));
    CHECK(is(secrets_lookup(s, "dhcp2.example.", NULL), "two"));
    CHECK(is(secrets_lookup(s, "dhcp2.example", NULL), "two"));
    CHECK(is(secrets_lookup(s, "A-B.C.", NULL), "three"));
    /* one dot only; no prefix or suffix matches */
    CHECK(secrets_lookup(s, "dhcp1.example..", NULL) == NULL);
    CHECK(secrets_lookup(s, "dhcp1", NULL) == NULL);
    CHECK(secrets_lookup(s, "dhcp1.example.com.", NULL) == NULL);
    CHECK(secrets_lookup(s, "", NULL) == NULL);
    CHECK(secrets_lookup(s, NULL, NULL) == NULL);
    /* the one-for-all secret when a server has no entry */
    CHECK(is(secrets_lookup(s, "dhcp9.example.", "all"), "all"));
    CHECK(is(secrets_lookup(s, "dhcp1.example.", "all"), "one"));
    CHECK(secrets_lookup(s, "dhcp9.example.", "") == NULL);
    secrets_free(s);
    /* no file: the one-for-all secret or none */
    CHECK(is(secrets_lookup(NULL, "dhcp1.example.", "all"), "all"));
    CHECK(secrets_lookup(NULL, "dhcp1.example.", "") == NULL);
    CHECK(secrets_lookup(NULL, "dhcp1.example.", NULL) == NULL);
}

static void test_refusals(void)
{
    char secret[SECRETS_SECRET_MAX + 2], name[300], want[128], *text;
    struct secrets *s;
    struct err e;
    size_t n;

    CHECK(refused(T("# x\ndhcp1\n"), "line 2: no secret for server "
                                     "\"dhcp1\""));
    CHECK(refused(T("dhcp1 a\ndhcp2  \t\r\n"), "line 2: no secret for "
                                               "server \"dhcp2\""));
    CHECK(refused(T("a b\n\n\nDHCP1. x\nc d\ndhcp1 y\n"),
                  "line 6: server \"dhcp1\" is already on line 4"));
    /* the first repeat in file order, before a later bad line */
    CHECK(refused(T("b 1\na 2\na. 3\nB 4\nbad_name 5\n"),
                  "line 3: server \"a\" is already on line 2"));
    /* a bad line before any repeat stops the reading there */
    CHECK(refused(T("a 1\nbad_name 2\na 3\n"),
                  "line 2: invalid host name \"bad_name\": labels may use "
                  "letters, digits and '-' only"));
    CHECK(refused(T("dhcp1 a\n-dhcp2 b\n"),
                  "line 2: invalid host name "
                  "\"-dhcp2\": label starts or ends with '-'"));
    CHECK(refused(T("x..y z\n"), "line 1: invalid host name \"x..y\": "
                                 "empty label"));
    CHECK(refused(T("a\0b c\n"), "line 1: NUL byte"));
    CHECK(refused(T("a b\nc d\0\n"), "line 2: NUL byte"));
    CHECK(refused(T("a b\n#\0\n"), "line 2: NUL byte"));

    /* a secret of 255 bytes is fine, 256 are not */
    memset(secret, 'x', sizeof(secret));
    secret[SECRETS_SECRET_MAX] = '\0';
    text = malloc(2 * sizeof(secret) + 32);
    snprintf(text, 2 * sizeof(secret) + 32, "ok %s\n", secret);
    s = parse(text, &e);
    CHECK(s != NULL && strlen(secrets_lookup(s, "ok", NULL)) == 255);
    secrets_free(s);
    secret[SECRETS_SECRET_MAX] = 'x';
    secret[SECRETS_SECRET_MAX + 1] = '\0';
    snprintf(text, 2 * sizeof(secret) + 32, "ok a\nlong %s\n", secret);
    CHECK(refused(text, strlen(text),
                  "line 2: the secret for server "
                  "\"long\" is longer than 255 bytes"));
    free(text);

    /* a name of 253 bytes (and its dot) is fine, 254 are not */
    for (n = 0; n < 253; n++)
        name[n] = (n % 64 == 63) ? '.' : 'a';
    name[253] = '\0';
    text = malloc(sizeof(name) + 32);
    snprintf(text, sizeof(name) + 32, "%s. s\n", name);
    s = parse(text, &e);
    CHECK(s != NULL && is(secrets_lookup(s, name, NULL), "s"));
    secrets_free(s);
    snprintf(text, sizeof(name) + 32, "%sa s\n", name);
    /* the message quotes the name's first 60 bytes */
    snprintf(want, sizeof(want),
             "line 1: invalid host name \"%.60s...\": "
             "longer than 253 characters",
             name);
    CHECK(refused(text, strlen(text), want));
    free(text);
}

static void test_limits(void)
{
    size_t cap = (SECRETS_MAX_ENTRIES + 1) * 24 + 64, n = 0;
    char *text = malloc(SECRETS_MAX_BYTES + 2);
    struct secrets *s;
    struct err e;
    char line[64];

    /* SECRETS_MAX_ENTRIES entries, then one more */
    CHECK(cap < SECRETS_MAX_BYTES);
    for (int i = 0; i < SECRETS_MAX_ENTRIES; i++)
        n += (size_t)snprintf(text + n, cap - n, "s%d.example s-%d\n", i, i);
    s = NULL;
    CHECK(secrets_parse(text, n, &s, &e) == 0);
    CHECK(secrets_count(s) == SECRETS_MAX_ENTRIES);
    CHECK(is(secrets_lookup(s, "s0.example.", NULL), "s-0"));
    CHECK(is(secrets_lookup(s, "S9999.EXAMPLE", NULL), "s-9999"));
    CHECK(is(secrets_lookup(s, "s4711.example", NULL), "s-4711"));
    CHECK(secrets_lookup(s, "s10000.example", NULL) == NULL);
    secrets_free(s);
    n += (size_t)snprintf(text + n, cap - n, "# fine\nlast one\n");
    snprintf(line, sizeof(line), "line %d: more than %d entries",
             SECRETS_MAX_ENTRIES + 2, SECRETS_MAX_ENTRIES);
    CHECK(refused(text, n, line));

    /* SECRETS_MAX_BYTES bytes, then one more */
    memset(text, '#', SECRETS_MAX_BYTES + 1);
    s = NULL;
    CHECK(secrets_parse(text, SECRETS_MAX_BYTES, &s, &e) == 0);
    CHECK(secrets_count(s) == 0);
    secrets_free(s);
    CHECK(refused(text, SECRETS_MAX_BYTES + 1, "larger than 1048576 bytes"));
    free(text);
}

int main(void)
{
    test_syntax();
    test_lookup();
    test_refusals();
    test_limits();
    return check_report();
}
