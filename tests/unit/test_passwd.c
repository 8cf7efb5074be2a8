/* micetro-emu unit tests: password hashes (passwd.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "passwd.h"

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

int main(void)
{
    test_passwd();
    return check_report();
}
