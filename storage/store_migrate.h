/* micetro-emu storage: schema migrations, run by store_open (the
 * store_prepare_fn of its options).
 *
 * The SQL files storage/migrations/NNN_name.sql are embedded at build time
 * into migrations_gen.c (see embed_migrations.cmake), in number order.
 */
#ifndef MICETRO_MIGRATE_H
#define MICETRO_MIGRATE_H

struct store_conn;
struct err;

struct store_migration {
    int version;      /* NNN of the file name */
    const char *name; /* the rest of it, without ".sql" */
    const char *sql;  /* its content */
};

/* Defined in the generated migrations_gen.c. */
extern const struct store_migration store_migrations[];
extern const int store_migration_count;

/* Applies every migration not yet recorded in schema_migrations, each in
 * its own transaction together with its schema_migrations row, under a
 * transaction-level advisory lock so that processes starting together
 * against one database do not race.  Sets *applied to how many this call
 * applied.  Fails when the database holds a migration this build does not
 * know (a newer micetro-emu migrated it) or knows by another name. */
int store_migrate(struct store_conn *c, int *applied, struct err *e);

#endif
