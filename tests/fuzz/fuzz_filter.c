/* Fuzz target: list filters (storage/filter.c) in both Micetro
 * syntaxes, compiled for a scope's fields (storage/store_scope.c's, and
 * an integer field), and the same text as sortBy and sortOrder.  No byte
 * of the filter may reach the SQL text: the WHERE fragment holds only
 * column names, SQL words and placeholders within the values given.  The
 * message of a refused filter of valid text is valid text too (it goes
 * into a SOAP fault as it is). */
#include <ctype.h>

#include "filter.h"
#include "fuzz.h"
#include "validate.h"

static const struct filter_field fields[] = {
    {"name", "sc.name", FILTER_TEXT, 1, 1},
    {"description", "sc.description", FILTER_TEXT, 1, 1},
    {"superscope", "sc.superscope", FILTER_TEXT, 0, 1},
    {"enabled", "sc.enabled", FILTER_BOOL, 0, 1},
    {"dhcpServerRef", "sc.server_id", FILTER_REF, 0, 0},
    {"rangeRef", "sc.range_id", FILTER_REF, 0, 0},
    {"ref", "sc.id", FILTER_REF, 0, 1},
    {"available", "sc.available", FILTER_INT, 0, 1},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
#define FIRST 3 /* placeholders after two of the caller's own */

/* Resolves any reference but "" and those starting with 'x'. */
static int resolve(void *ctx, const struct filter_field *f, const char *value,
                   long long *id, struct err *e)
{
    (void)ctx;
    if (value[0] == '\0' || value[0] == 'x')
        return err_set(e, ERR_NOTFOUND, "no such %s", f->name);
    *id = (long long)strlen(value);
    return 0;
}

/* The WHERE fragment's bytes and placeholders ($FIRST..) are ours. */
static void check_sql(const struct filter_sql *q)
{
    FUZZ_CHECK(q->where != NULL && q->nparams >= 0);
    FUZZ_CHECK(q->nparams <= FILTER_MAX_PARAMS);
    for (const char *p = q->where; *p; p++) {
        FUZZ_CHECK(isalnum((unsigned char)*p) || strchr(" _.,()$:~*=>", *p));
        if (*p == '$') {
            long n = strtol(p + 1, NULL, 10);
            FUZZ_CHECK(n >= FIRST && n < FIRST + q->nparams);
        }
    }
    for (int i = 0; i < q->nparams; i++)
        FUZZ_CHECK(q->params[i] != NULL);
}

/* A refusal of valid text (text) says why in valid text. */
static void check_refusal(int text, const struct err *e)
{
    FUZZ_CHECK(e->code < 0);
    FUZZ_CHECK(!text || validate_text(e->msg, NULL, sizeof(e->msg), NULL) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size), order[512];
    int text = validate_text(s, NULL, size, NULL) == 0;
    struct filter_sql q;
    struct err e;

    if (filter_compile(s, fields, NFIELDS, FIRST, resolve, NULL, &q, &e) == 0)
        check_sql(&q);
    else
        FUZZ_CHECK(q.where == NULL && q.params == NULL);
    if (q.where == NULL)
        check_refusal(text, &e);
    filter_sql_free(&q);
    if (filter_order_by(s, NULL, fields, NFIELDS, "sc.name", "sc.id", order,
                        sizeof(order), &e) != 0)
        check_refusal(text, &e);
    if (filter_order_by(NULL, s, fields, NFIELDS, "sc.name", "sc.id", order,
                        sizeof(order), &e) != 0)
        check_refusal(text, &e);
    free(s);
    return 0;
}
