/* micetro-emu unit tests: password hashes and the strength rule (passwd.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "passwd.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_passwd(void)
{
    char h[PASSWD_HASH_MAX], h2[PASSWD_HASH_MAX];

    CHECK(passwd_hash("secret", h, sizeof(h), NULL) == 0);
    CHECK(strncmp(h, "$y$", 3) == 0);
    CHECK(strstr(h, "secret") == NULL);
    CHECK(passwd_verify("secret", h));
    CHECK(!passwd_verify("Secret", h));
    CHECK(!passwd_verify("", h));
    CHECK(!passwd_verify("secret", NULL));
    CHECK(!passwd_verify("secret", "not-a-hash"));
    CHECK(!passwd_verify(NULL, h));
    CHECK(passwd_hash("secret", h2, sizeof(h2), NULL) == 0);
    CHECK(strcmp(h, h2) != 0); /* salted */
    CHECK(passwd_hash("secret", h2, 10, NULL) != 0);
}

#define SHORT "is shorter than 12 characters"
#define NAMED "contains the user name"

/* passwd_weakness: each bound just inside and outside. */
static const struct {
    const char *password, *login;
    const char *why; /* NULL: strong enough */
} weak_cases[] = {
    {NULL, "administrator", SHORT},
    {"", "administrator", SHORT},
    {"a", "administrator", SHORT},
    {"abcdefghijk", "administrator", SHORT}, /* 11 */
    {"abcdefghijkl", "administrator", NULL}, /* 12 */
    {"abcdefghijklmnopqrstuvwxyz0123456789", "administrator", NULL},
    /* characters, not bytes: 11 code points in 21 and 44 bytes */
    {"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
     "\xc3\xa4\xc3\xa4k",
     "administrator", SHORT},
    {"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
     "\xc3\xa4\xc3\xa4kk",
     "administrator", NULL},
    {"\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91"
     "\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91"
     "\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91",
     "administrator", SHORT},
    /* the user name, which is also the default password, in any case
     * and anywhere */
    {"administrator", "administrator", NAMED},
    {"ADMINISTRATOR", "administrator", NAMED},
    {"my-Administrator-2024", "administrator", NAMED},
    {"xyzadministrator", "administrator", NAMED},
    {"administratorxyz", "administrator", NAMED},
    {"administrato-r", "administrator", NULL},
    {"dministrator-a", "administrator", NULL},
    {"administrator", "admin", NAMED},
    {"administrator", "bob", NULL},
    {"abcdefghijkl", "", NULL}, /* no name to look for */
    {"abcdefghijkl", NULL, NULL},
    /* both: the length is said first */
    {"admin", "admin", SHORT},
};

static void test_weakness(void)
{
    for (size_t i = 0; i < N(weak_cases); i++) {
        const char *got = passwd_weakness(weak_cases[i].password,
                                          weak_cases[i].login);
        const char *want = weak_cases[i].why;
        int ok = want == NULL ? got == NULL
                              : got != NULL && strcmp(got, want) == 0;

        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  weak_cases[%zu]: \"%s\" is \"%s\", not \"%s\"\n",
                    i, weak_cases[i].password ? weak_cases[i].password : "",
                    got ? got : "(strong)", want ? want : "(strong)");
    }
}

int main(void)
{
    test_passwd();
    test_weakness();
    return check_report();
}
