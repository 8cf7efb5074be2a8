/* micetro-emu: storage tests of users (store_user.c) on an embedded
 * cluster (storage_fixture.h): a user added, its hash read and replaced, an
 * unknown user, a hash that does not fit, a new password ending the user's
 * sessions. */
#include <string.h>

#include "store_session.h"
#include "store_user.h"
#include "storage_fixture.h"

#define SID_ADMIN "ABCDEFGHIJ0123456789"
#define SID_ROTOR "DBCDEFGHIJ0123456789"

static void test_users(struct store *st)
{
    struct store_conn *c;
    struct err e;
    char hash[128], login[64];
    int rc;

    err_clear(&e);
    c = store_acquire(st, &e);
    CHECK(c != NULL, "acquire: %s", e.msg);
    if (c == NULL)
        return;

    rc = store_user_create(c, "admin", HASH1, &e);
    CHECK(rc == 0, "user create: %s", e.msg);
    rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
    CHECK(rc == 0 && strcmp(hash, HASH1) == 0, "user hash: %d %s", rc, hash);
    rc = store_user_create(c, "admin", HASH2, &e);
    CHECK(rc == ERR_EXISTS &&
              strcmp(e.msg, "user \"admin\" already exists") == 0,
          "user created twice: %d %s", rc, e.msg);
    rc = store_begin(c, &e);
    CHECK(rc == 0, "begin: %s", e.msg);
    rc = store_user_lock(c, "admin", hash, sizeof(hash), &e);
    CHECK(rc == 0 && strcmp(hash, HASH1) == 0, "user lock: %d %s", rc, hash);
    rc = store_user_lock(c, "nobody", hash, sizeof(hash), &e);
    CHECK(rc == ERR_NOTFOUND, "lock, unknown user: %d %s", rc, e.msg);
    rc = store_user_set_hash(c, "admin", HASH2, &e);
    CHECK(rc == 0, "user set hash: %s", e.msg);
    rc = store_commit(c, &e);
    CHECK(rc == 0, "commit: %s", e.msg);
    rc = store_user_hash(c, "admin", hash, sizeof(hash), &e);
    CHECK(rc == 0 && strcmp(hash, HASH2) == 0, "replaced hash: %s", hash);
    rc = store_user_set_hash(c, "nobody", HASH2, &e);
    CHECK(rc == ERR_NOTFOUND, "set hash, unknown user: %d %s", rc, e.msg);
    rc = store_user_hash(c, "nobody", hash, sizeof(hash), &e);
    CHECK(rc == ERR_NOTFOUND && e.code == ERR_NOTFOUND, "unknown user: %d %s",
          rc, e.msg);
    rc = store_user_hash(c, "admin", hash, 4, &e);
    CHECK(rc == ERR_INTERNAL, "hash buffer too small: %d", rc);

    /* a new password ends the user's sessions, and only its */
    rc = store_session_create(c, SID_ADMIN, "admin", &e);
    CHECK(rc == 0, "admin's session: %s", e.msg);
    rc = store_user_create(c, "rotor", HASH1, &e);
    CHECK(rc == 0, "second user: %s", e.msg);
    rc = store_session_create(c, SID_ROTOR, "rotor", &e);
    CHECK(rc == 0, "its session: %s", e.msg);
    rc = store_user_set_hash(c, "rotor", HASH2, &e);
    CHECK(rc == 1, "set hash ends one session: %d %s", rc, e.msg);
    rc = store_session_touch(c, SID_ROTOR, 1800, login, sizeof(login), &e);
    CHECK(rc == ERR_SESSION, "ended by the new password: %d", rc);
    rc = store_session_touch(c, SID_ADMIN, 1800, login, sizeof(login), &e);
    CHECK(rc == 0, "another user's session kept: %d %s", rc, e.msg);
    rc = store_user_set_hash(c, "rotor", HASH1, &e);
    CHECK(rc == 0, "no session left to end: %d %s", rc, e.msg);

    store_release(st, c);
}

int main(void)
{
    return storage_fixture_run("test_store_user", test_users);
}
