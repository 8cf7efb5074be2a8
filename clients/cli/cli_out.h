/* micetro-cli: answers printed as aligned text or as JSON (--json).
 * Objects are jansson objects whose keys keep the API's element order.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MICETRO_CLI_OUT_H
#define MICETRO_CLI_OUT_H

#include <jansson.h>

/* A list: text, a table of the named columns (NULL-terminated) with a
 * header; JSON, {"<key>": [...], "totalResults": total} (total < 0: no
 * totalResults).  Takes items. */
void cli_out_list(int json, const char *key, json_t *items, long total,
                  const char *const *columns);
/* One object: text, one "field  value" line per field; JSON, the object.
 * Takes obj. */
void cli_out_object(int json, json_t *obj);
/* A new object's ref: text, the ref; JSON, {"ref": "..."}. */
void cli_out_ref(int json, const char *ref);
/* A call that answers nothing: text, nothing; JSON, {}. */
void cli_out_done(int json);

/* Adds key: value to obj when value is not NULL. */
void cli_out_str(json_t *obj, const char *key, const char *value);

/* Adds key: true/false when v >= 0 (v < 0: absent). */
void cli_out_bool(json_t *obj, const char *key, int v);
/* Adds key: *v when v is not NULL. */
void cli_out_uint(json_t *obj, const char *key, const unsigned *v);

#endif
