/* micetro-emu unit tests: session ids (sessid.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "sessid.h"

static void test_sessid(void)
{
    char a[SESSID_LEN + 1], b[SESSID_LEN + 1];
    int seen[128] = {0}, distinct = 0;

    CHECK(sessid_generate(a, NULL) == 0);
    CHECK(sessid_generate(b, NULL) == 0);
    CHECK(strlen(a) == 20 && sessid_valid(a));
    CHECK(strcmp(a, b) != 0);
    /* 500 ids use (nearly) the whole alphabet */
    for (int i = 0; i < 500; i++) {
        sessid_generate(a, NULL);
        for (int j = 0; j < SESSID_LEN; j++)
            seen[(unsigned char)a[j]] = 1;
    }
    for (int i = 0; i < 128; i++)
        distinct += seen[i];
    CHECK(distinct == 62);
    CHECK(!sessid_valid(NULL));
    CHECK(!sessid_valid(""));
    CHECK(!sessid_valid("abc"));
    CHECK(!sessid_valid("aaaaaaaaaaaaaaaaaaaaa")); /* 21 */
    CHECK(!sessid_valid("aaaaaaaaaaaaaaaaaaa-"));  /* 20, bad char */
    CHECK(sessid_valid("aaaaaaaaaaaaaaaaaaaZ"));
}

int main(void)
{
    test_sessid();
    return check_report();
}
