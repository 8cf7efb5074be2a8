/* micetro-emu storage: list filters and sort orders compiled to SQL.
 *
 * List getters take filter, offset, limit, sortBy and sortOrder; filtering
 * and paging happen in PostgreSQL.  filter_compile() turns a filter string
 * in either of Micetro's syntaxes into a WHERE fragment with $n
 * placeholders and the text of their values; no byte of the filter ever
 * goes into the SQL text itself.
 *
 * Classic syntax (all versions): blank-separated terms, ANDed.
 *   field:value     TEXT: case-insensitive regular expression (~*);
 *                   INT: an integer; BOOL: true or false; REF: a reference
 *                   resolved to an id through the resolver, compared with =
 *   !field:value    negation (also field:!value)
 *   value           any free_text column matches the regular expression
 *   "a b"           double quotes may enclose any part of a term to hold
 *                   blanks; \" stands for a quote, other backslashes stay
 *
 * Newer syntax (Micetro 10+): conditions "field OP value" or
 * "field in(v1, v2, ...)" joined with "and" / "or" (case-insensitive; and
 * binds tighter than or) and grouped with parentheses.  Operators:
 *   =   equals (case-insensitive for TEXT)   !=  differs
 *   =@  contains   =^  starts with   =$  ends with   =~  regex (~*)
 * The last four apply to TEXT fields only.  A value is bare (ends at a
 * blank, at an unbalanced ")" or, in a list, at ",") or quoted with " or '
 * (inside, the quote doubled or after a backslash stands for itself; other
 * backslashes stay, for regular expressions).  Operators are read greedily:
 * "name=^x" is starts-with "x"; to compare to "^x" write name="^x".
 *
 * A filter is in the newer syntax when, after blanks and opening
 * parentheses, it starts with an identifier followed (after blanks) by one
 * of the operators or by "in(" / "in (".  Otherwise it is classic.
 *
 * Rows whose column is NULL never match a positive condition and always
 * match a negated one.
 *
 * Regular expressions (classic TEXT terms, free text, =~) are refused up
 * front when their cost in PostgreSQL has no bound or too high a one: over
 * FILTER_REGEX_MAX_LEN bytes, a back reference, the options (?b) or (?e),
 * or a size over FILTER_REGEX_MAX_SIZE with every bounded repetition
 * expanded ((a{1,100}){1,100} is 10000).  The rule is in filter.c.
 */
#ifndef MICETRO_FILTER_H
#define MICETRO_FILTER_H

#include <stddef.h>

#include "err.h"

#define FILTER_MAX_LEN 4096   /* bytes of filter text */
#define FILTER_MAX_CONDS 64   /* conditions (terms) in one filter */
#define FILTER_MAX_PARAMS 256 /* values, counting each in(...) item */
#define FILTER_MAX_DEPTH 16   /* nested parentheses (newer syntax) */
/* A regular expression's cost (see filter_compile): its bytes, and its
 * size with every bounded repetition expanded. */
#define FILTER_REGEX_MAX_LEN 512
#define FILTER_REGEX_MAX_SIZE 256

enum filter_type {
    FILTER_TEXT, /* compared as text; params cast ::text */
    FILTER_INT,  /* exact integer; params cast ::bigint */
    FILTER_BOOL, /* true or false; params cast ::boolean */
    FILTER_REF   /* reference resolved to an id; params cast ::bigint */
};

/* One filterable / sortable field of an object type. */
struct filter_field {
    const char *name;   /* API name, matched case-insensitively */
    const char *column; /* SQL expression, trusted: "s.name" */
    enum filter_type type;
    int free_text; /* a classic term without field: searches it */
    int sortable;  /* may be named in sortBy */
};

/* Resolves the reference value given for the FILTER_REF field f to a
 * database id: returns 0 and sets *id, or a negative ERR_* code
 * (ERR_NOTFOUND, ERR_INVALID, ERR_DB ...) with e filled and naming it. */
typedef int (*filter_resolve_fn)(void *ctx, const struct filter_field *f,
                                 const char *value, long long *id,
                                 struct err *e);

/* A compiled filter.  Owns where, params and every params[i]. */
struct filter_sql {
    char *where;   /* "TRUE" when the filter is empty; safe to AND with
                    * other conditions without parentheses */
    int nparams;   /* values for $first_param .. $first_param+nparams-1 */
    char **params; /* their text (never NULL strings) */
    int nconds;    /* the filter's conditions: 0 when it has none, and its
                    * statements run under the default time limit */
};

/* How the message of a filter naming a field fields[] lacks begins. */
#define FILTER_UNKNOWN_FIELD "unknown field "

/* Compiles filter (NULL or blank: no condition) for an object whose fields
 * are fields[0..nfields).  Placeholders start at $first_param (>= 1).
 * resolve may be NULL when no field is FILTER_REF.  Returns 0 with *out
 * filled (free it with filter_sql_free), or a negative ERR_* code with *out
 * zeroed: ERR_INVALID for a malformed filter (the message says where it
 * broke), an unknown field, a bad value, a regular expression too costly;
 * or the resolver's code. */
int filter_compile(const char *filter, const struct filter_field *fields,
                   size_t nfields, int first_param, filter_resolve_fn resolve,
                   void *ctx, struct filter_sql *out, struct err *e);

/* Frees what s holds and zeroes it; s may be zeroed already or NULL. */
void filter_sql_free(struct filter_sql *s);

/* Writes "ORDER BY <column> ASC|DESC, <tiebreak_column> ASC" into buf.
 * sort_by NULL or "" means default_column; otherwise it must name a
 * sortable field (case-insensitive).  sort_order NULL or "" means
 * ascending, else "Ascending" or "Descending" (case-insensitive).  The
 * tiebreak is left out when NULL or equal to the column.  Returns 0,
 * ERR_INVALID for a bad sortBy / sortOrder, or ERR_INTERNAL when buf is
 * too small. */
int filter_order_by(const char *sort_by, const char *sort_order,
                    const struct filter_field *fields, size_t nfields,
                    const char *default_column, const char *tiebreak_column,
                    char *buf, size_t buflen, struct err *e);

#endif
