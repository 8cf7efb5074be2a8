/* micetro-cli: answers printed as aligned text or as JSON.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A value as text, malloc'd: arrays joined by ", ", null empty. */
static char *text_of(const json_t *v)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f;
    size_t i;
    const json_t *e;

    if (v == NULL || json_is_null(v))
        return strdup("");
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (!json_is_array(v))
        return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    f = open_memstream(&s, &len);
    if (f == NULL)
        return NULL;
    json_array_foreach(v, i, e)
    {
        char *t = text_of(e);
        fprintf(f, "%s%s", i ? ", " : "", t ? t : "");
        free(t);
    }
    fclose(f);
    return s;
}

static void dump(json_t *v)
{
    json_dumpf(v, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
    fputc('\n', stdout);
}

void cli_out_list(int json, const char *key, json_t *items, long total,
                  const char *const *columns)
{
    size_t ncol = 0, c, i, rows = json_array_size(items);
    size_t *width;
    char **cells;

    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, key, items);
        if (total >= 0)
            json_object_set_new(o, "totalResults", json_integer(total));
        dump(o);
        json_decref(o);
        return;
    }
    while (columns[ncol])
        ncol++;
    if (ncol == 0) {
        json_decref(items);
        return;
    }
    width = calloc(ncol, sizeof(*width));
    cells = calloc((rows + 1) * ncol, sizeof(*cells));
    if (width == NULL || cells == NULL) {
        free(width);
        free(cells);
        json_decref(items);
        fputs("micetro-cli: out of memory\n", stderr);
        return;
    }
    for (c = 0; c < ncol; c++)
        cells[c] = strdup(columns[c]);
    for (i = 0; i < rows; i++)
        for (c = 0; c < ncol; c++)
            cells[(i + 1) * ncol + c] = text_of(
                json_object_get(json_array_get(items, i), columns[c]));
    for (i = 0; i <= rows; i++)
        for (c = 0; c < ncol; c++) {
            size_t w = cells[i * ncol + c] ? strlen(cells[i * ncol + c]) : 0;
            if (w > width[c])
                width[c] = w;
        }
    for (i = 0; i <= rows; i++) {
        for (c = 0; c < ncol; c++) {
            const char *s = cells[i * ncol + c] ? cells[i * ncol + c] : "";
            if (c + 1 < ncol)
                printf("%-*s  ", (int)width[c], s);
            else
                printf("%s\n", s);
        }
    }
    for (i = 0; i < (rows + 1) * ncol; i++)
        free(cells[i]);
    free(cells);
    free(width);
    json_decref(items);
}

void cli_out_object(int json, json_t *obj)
{
    const char *k;
    json_t *v;
    int width = 0;

    if (json) {
        dump(obj);
        json_decref(obj);
        return;
    }
    json_object_foreach(obj, k, v)
    {
        if ((int)strlen(k) > width)
            width = (int)strlen(k);
    }
    json_object_foreach(obj, k, v)
    {
        char *t = text_of(v);
        printf("%-*s  %s\n", width, k, t ? t : "");
        free(t);
    }
    json_decref(obj);
}

void cli_out_ref(int json, const char *ref)
{
    if (json) {
        json_t *o = json_pack("{s:s}", "ref", ref ? ref : "");
        dump(o);
        json_decref(o);
    } else {
        printf("%s\n", ref ? ref : "");
    }
}

void cli_out_done(int json)
{
    if (json)
        fputs("{}\n", stdout);
}

void cli_out_str(json_t *obj, const char *key, const char *value)
{
    if (value != NULL)
        json_object_set_new(obj, key, json_string(value));
}

void cli_out_bool(json_t *obj, const char *key, int v)
{
    if (v >= 0)
        json_object_set_new(obj, key, json_boolean(v));
}

void cli_out_uint(json_t *obj, const char *key, const unsigned *v)
{
    if (v != NULL)
        json_object_set_new(obj, key, json_integer(*v));
}
