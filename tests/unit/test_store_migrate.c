/* micetro-emu: storage tests of the migrations (store_migrate.c) on an
 * embedded cluster (storage_fixture.h). */
#include "store_migrate.h"
#include "storage_fixture.h"

/* Every migration applied by the first open of a store, none by the next,
 * one schema_migrations row each. */
static void test_migrations(struct store *st)
{
    struct store_conn *c;
    struct store *st2;
    struct err e;

    CHECK(store_migrations_applied(st) == store_migration_count,
          "migrations applied: %d of %d", store_migrations_applied(st),
          store_migration_count);
    st2 = storage_fixture_open(1, 2000, &e);
    CHECK(st2 != NULL && store_migrations_applied(st2) == 0,
          "second open applies nothing: %s", st2 == NULL ? e.msg : "");
    if (st2 != NULL) {
        c = store_acquire(st2, &e);
        CHECK(c != NULL && storage_fixture_count(
                               c, "SELECT count(*) FROM schema_migrations") ==
                               store_migration_count,
              "schema_migrations rows");
        store_release(st2, c);
        store_close(st2);
    }
}

int main(void)
{
    return storage_fixture_run("test_store_migrate", test_migrations);
}
