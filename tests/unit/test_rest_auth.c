/* micetro-emu unit tests: REST's Basic credentials and the pairs
 * remembered with their session (server/emu/rest_auth.c). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "rest_auth.h"

static int parse(const char *h, char *user, char *pass, struct err *e)
{
    err_clear(e);
    return rest_auth_parse(h, user, pass, e);
}

static void test_parse(void)
{
    char user[REST_AUTH_USER_MAX + 1], pass[REST_AUTH_PASS_MAX + 1];
    char h[4096];
    struct err e;

    /* administrator:administrator, any case of the scheme */
    CHECK(parse("Basic YWRtaW5pc3RyYXRvcjphZG1pbmlzdHJhdG9y", user, pass, &e) ==
          0);
    CHECK(strcmp(user, "administrator") == 0);
    CHECK(strcmp(pass, "administrator") == 0);
    CHECK(parse("basic YTpi", user, pass, &e) == 0); /* a:b */
    CHECK(strcmp(user, "a") == 0 && strcmp(pass, "b") == 0);
    CHECK(parse("BASIC  YTo= ", user, pass, &e) == 0); /* a: (empty) */
    CHECK(strcmp(user, "a") == 0 && strcmp(pass, "") == 0);
    CHECK(parse("Basic YTpiOmM=", user, pass, &e) == 0); /* a:b:c */
    CHECK(strcmp(user, "a") == 0 && strcmp(pass, "b:c") == 0);
    /* refused, each with its reason */
    CHECK(parse(NULL, user, pass, &e) == ERR_AUTH &&
          strstr(e.msg, "authentication required") != NULL);
    CHECK(parse("Bearer x", user, pass, &e) == ERR_AUTH &&
          strstr(e.msg, "only") != NULL);
    CHECK(parse("Basic", user, pass, &e) == ERR_AUTH);
    CHECK(parse("Basic ", user, pass, &e) == ERR_AUTH);
    CHECK(parse("Basic YTp", user, pass, &e) == ERR_AUTH);  /* length */
    CHECK(parse("Basic Y=pi", user, pass, &e) == ERR_AUTH); /* '=' inside */
    CHECK(parse("Basic YT!i", user, pass, &e) == ERR_AUTH);
    CHECK(parse("Basic YTpi YTpi", user, pass, &e) == ERR_AUTH);
    CHECK(parse("Basic Y===", user, pass, &e) == ERR_AUTH);
    CHECK(parse("Basic YWJj", user, pass, &e) == ERR_AUTH && /* abc */
          strstr(e.msg, "user:password") != NULL);
    CHECK(parse("Basic OmI=", user, pass, &e) == ERR_AUTH);      /* :b */
    CHECK(parse("Basic YQBiOmM=", user, pass, &e) == ERR_AUTH && /* a\0b:c */
          strstr(e.msg, "control") != NULL);
    /* too long: a 256-byte user name */
    snprintf(h, sizeof(h), "Basic ");
    for (int i = 0; i < 86; i++)
        strcat(h, "YWFh"); /* "aaa" x 86 = 258 bytes, then ":b" */
    strcat(h, "OmI=");
    CHECK(parse(h, user, pass, &e) == ERR_AUTH &&
          strstr(e.msg, "too long") != NULL);
    snprintf(h, sizeof(h), "Basic ");
    for (int i = 0; i < 900; i++)
        strcat(h, "YWFh");
    CHECK(parse(h, user, pass, &e) == ERR_AUTH &&
          strstr(e.msg, "too long") != NULL);
}

static void test_cache(void)
{
    char sid[REST_AUTH_SID_BUF];
    char u[32];

    CHECK(!rest_auth_lookup("administrator", "pw", sid));
    rest_auth_store("administrator", "pw", "AAAAAAAAAAAAAAAAAAAA");
    CHECK(rest_auth_lookup("administrator", "pw", sid));
    CHECK(strcmp(sid, "AAAAAAAAAAAAAAAAAAAA") == 0);
    /* another password, another user, or the pair split elsewhere */
    CHECK(!rest_auth_lookup("administrator", "pw2", sid));
    CHECK(!rest_auth_lookup("Administrator", "pw", sid));
    CHECK(!rest_auth_lookup("administratorp", "w", sid));
    /* a new session for the same pair replaces the old one */
    rest_auth_store("administrator", "pw", "BBBBBBBBBBBBBBBBBBBB");
    CHECK(rest_auth_lookup("administrator", "pw", sid) &&
          strcmp(sid, "BBBBBBBBBBBBBBBBBBBB") == 0);
    rest_auth_drop("BBBBBBBBBBBBBBBBBBBB");
    CHECK(!rest_auth_lookup("administrator", "pw", sid));
    /* bounded: more pairs than room, the oldest make way, the newest stay */
    for (int i = 0; i < REST_AUTH_MAX + 10; i++) {
        snprintf(u, sizeof(u), "user%d", i);
        rest_auth_store(u, "pw", "CCCCCCCCCCCCCCCCCCCC");
    }
    CHECK(!rest_auth_lookup("user0", "pw", sid));
    CHECK(!rest_auth_lookup("user9", "pw", sid));
    CHECK(rest_auth_lookup("user10", "pw", sid));
    CHECK(rest_auth_lookup("user64", "pw", sid));
    snprintf(u, sizeof(u), "user%d", REST_AUTH_MAX + 9);
    CHECK(rest_auth_lookup(u, "pw", sid));
}

int main(void)
{
    test_parse();
    test_cache();
    return check_report();
}
