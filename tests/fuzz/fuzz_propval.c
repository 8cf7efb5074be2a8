/* Fuzz target: custom property values (server/core/propval.c).  The first
 * byte picks the PropertyType (or a bad one), multiLine and the room for
 * the canonical form; then the value, and after a NUL the list items.
 * The same bytes are also checked as a property name and a type name.
 * A canonical form is accepted again as itself. */
#include "fuzz.h"
#include "propval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[PROPVAL_VALUE_MAX + 1], again[PROPVAL_VALUE_MAX + 1], *v;
    const char *items;
    struct err e;
    int t, multi;
    size_t room;

    if (size < 1)
        return 0;
    t = data[0] % 8 - 1; /* -1 and 6: no such type */
    multi = data[0] >> 7;
    room = data[0] & 0x40 ? (size_t)(data[0] >> 3 & 7) + 1 : sizeof(out);
    v = fuzz_str(data + 1, size - 1);
    items = v + strlen(v) + (strlen(v) < size - 1); /* after the first NUL */
    propval_check_name(v, &e);
    propval_type_name(propval_type_of(v));
    if (v[0] != '\0' &&
        propval_check("p", t, multi, items, v, out, room, &e) == 0) {
        FUZZ_CHECK(t >= 0 && propval_type_name(t) != NULL);
        FUZZ_CHECK(strlen(out) < room);
        FUZZ_CHECK(propval_check("p", t, multi, items, out, again,
                                 sizeof(again), &e) == 0);
        FUZZ_CHECK(strcmp(out, again) == 0);
    }
    free(v);
    return 0;
}
