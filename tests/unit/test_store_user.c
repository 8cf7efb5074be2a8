/* micetro-emu: storage tests of users (store_user.c) on an embedded
 * cluster (storage_fixture.h): a user added, its hash read and replaced, an
 * unknown user, a hash that does not fit. */
#include <string.h>

#include "store_user.h"
#include "storage_fixture.h"

static void test_users(struct store *st)
{
    struct store_conn *c;
    struct err e;
    char hash[128];
    int rc;

    err_clear(&e);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;

    rc = store_user_upsert(c, "admin", HASH1, &e);
    CHECK(rc == 0, "user upsert: %s", e.msg);
    rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
    CHECK(rc == 0 && strcmp(hash, HASH1) == 0, "user hash: %d %s", rc, hash);
    rc = store_user_upsert(c, "admin", HASH2, &e);
    CHECK(rc == 0, "user upsert (replace): %s", e.msg);
    rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
    CHECK(rc == 0 && strcmp(hash, HASH2) == 0, "replaced hash: %s", hash);
    rc = store_user_hash(c, "nobody", hash, sizeof(hash), &e);
    CHECK(rc == ERR_NOTFOUND && e.code == ERR_NOTFOUND, "unknown user: %d %s",
          rc, e.msg);
    rc = store_user_hash(c, "admin", hash, 4, &e);
    CHECK(rc == ERR_INTERNAL, "hash buffer too small: %d", rc);

    store_release(st, c);
}

int main(void)
{
    return storage_fixture_run("test_store_user", test_users);
}
