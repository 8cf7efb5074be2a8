/* micetro-emu storage: custom properties (migration 006).
 *
 * Definitions per object type (ObjectType number: 3, 6, 7, 10), names
 * unique per type case-insensitively, and the values objects hold.  An
 * object without a value shows the definition's default.  Values of a
 * removed object go with it (triggers of migration 006), values of a
 * removed definition too (ON DELETE CASCADE).  Every function runs in the
 * caller's transaction (or autocommit); checking names and values is the
 * caller's (server/core/propval.h), the schema's CHECKs are the backstop.
 */
#ifndef MICETRO_STORE_PROPERTIES_H
#define MICETRO_STORE_PROPERTIES_H

#include <stddef.h>

#include "store.h"

#define STORE_PROP_NAME_BUF 129   /* 128 bytes and the NUL */
#define STORE_PROP_TYPE_BUF 16    /* "IPOrHostname" */
#define STORE_PROP_VALUE_BUF 4097 /* 4096 bytes and the NUL */
#define STORE_PROP_ITEMS_BUF 8192 /* list items joined by '\n' */

/* A definition. */
struct store_prop_def {
    long long id;
    int object_type;
    char name[STORE_PROP_NAME_BUF];
    char type[STORE_PROP_TYPE_BUF]; /* a PropertyType name */
    int mandatory, read_only, multi_line;
    int has_default;
    char default_value[STORE_PROP_VALUE_BUF];
    char items[STORE_PROP_ITEMS_BUF]; /* "" none, else joined by '\n' */
};

/* A value of an object (store_prop_def_values). */
struct store_prop_value {
    long long object_id;
    long long definition_id;
    char *value; /* malloc'd, freed by store_prop_values_free */
};

/* The custom properties answers show, of the objects of one answer: for
 * each object every definition of its type by name, with the object's
 * value, else the default, else "".  Read in the statement that reads
 * the objects, so both come from one snapshot and one round trip. */
struct store_prop_shown {
    long long object_id;
    const char *name, *value; /* into the list's text */
};
struct store_prop_list {
    struct store_prop_shown *items; /* object by object, as read */
    size_t n;
    char *text;
};

void store_prop_list_free(struct store_prop_list *l);

/* The definitions of object_type, by name (case-insensitively), into a
 * malloc'd array *out of *count (NULL when 0); free() it. */
int store_prop_defs(struct store_conn *c, int object_type,
                    struct store_prop_def **out, size_t *count, struct err *e);

/* The definition of object_type called name (any case) into *out;
 * ERR_NOTFOUND `property "x" is not defined for <what>` when none. */
int store_prop_def_get(struct store_conn *c, int object_type, const char *name,
                       const char *what, struct store_prop_def *out,
                       struct err *e);

/* Inserts d (id ignored) and sets *id; ERR_EXISTS `property "x" already
 * exists for <what>` when the type has it (any case). */
int store_prop_def_add(struct store_conn *c, const struct store_prop_def *d,
                       const char *what, long long *id, struct err *e);

/* Rewrites definition d->id (name, type, flags, default, items); with
 * clear_values, every object's own value is removed (all show the
 * default).  ERR_EXISTS as store_prop_def_add for a rename onto another
 * definition; ERR_NOTFOUND when it has gone. */
int store_prop_def_update(struct store_conn *c, const struct store_prop_def *d,
                          const char *what, int clear_values, struct err *e);

/* Removes definition id and its values; ERR_NOTFOUND when it has gone. */
int store_prop_def_remove(struct store_conn *c, long long id, struct err *e);

/* Sets (value not NULL nor "") or clears the value of definition def_id
 * on object object_id of object_type. */
int store_prop_set(struct store_conn *c, int object_type, long long object_id,
                   long long def_id, const char *value, struct err *e);

/* The values of definition def_id, every object, into *out (free with
 * store_prop_values_free). */
int store_prop_def_values(struct store_conn *c, long long def_id,
                          struct store_prop_value **out, size_t *count,
                          struct err *e);

void store_prop_values_free(struct store_prop_value *v, size_t count);

struct filter_field;

/* Filter fields (filter.h) for the custom properties of
 * object_type: one FILTER_TEXT field per definition, named as the
 * property, comparing the object's value or else the default (NULL when
 * neither: matches no positive condition).  id_column is the SQL of the
 * listed object's id (its store_list_spec's tiebreak, e.g. "s.id").  The
 * SQL holds the definition's id and the type, numbers of our own, never
 * caller text.  One malloc'd block in *out (fields, names and SQL) to
 * free(); NULL when the type has no definitions. */
int store_prop_filter_fields(struct store_conn *c, int object_type,
                             const char *id_column, struct filter_field **out,
                             size_t *count, struct err *e);

#endif
