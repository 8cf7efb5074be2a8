/* micetro-emu unit tests: errors (err.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"

static void test_err(void)
{
    struct err e;

    CHECK(err_set(&e, ERR_NOTFOUND, "scope \"%s\" not found", "x") ==
          ERR_NOTFOUND);
    CHECK(e.code == ERR_NOTFOUND);
    CHECK(strcmp(e.msg, "scope \"x\" not found") == 0);
    CHECK(err_is_client(ERR_INVALID) && err_is_client(ERR_SESSION));
    CHECK(!err_is_client(ERR_DB) && !err_is_client(ERR_INTERNAL));
    CHECK(!err_is_client(0));
    err_clear(&e);
    CHECK(e.code == 0 && e.msg[0] == '\0');
}

int main(void)
{
    test_err();
    return check_report();
}
