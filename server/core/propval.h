/* micetro-emu core: custom property definitions and values, checked.
 *
 * A custom property belongs to an object type and has a PropertyType
 * (the WSDL's names, matched exactly):
 *
 *   String        free text (validate_text); one line unless multiLine
 *   HexStr        hex digits, optionally in byte pairs separated by ':'
 *                 ("0a1B", "0a:1b:ff"); kept as given
 *   Boolean       true/false, yes/no, 1/0 (any case); stored "true" or
 *                 "false"
 *   IPAddress     an IPv4 address (validate_ipv4), stored dotted-quad
 *   IPOrHostname  an IPv4 address or a host name (validate_hostname)
 *   Integer       a decimal integer, optional sign, within 64 bits;
 *                 stored without '+' or leading zeros
 *
 * When a definition has list items, a value must also be one of them
 * (exactly, after canonicalisation).  Pure functions: libc only.
 */
#ifndef MICETRO_PROPVAL_H
#define MICETRO_PROPVAL_H

#include <stddef.h>

#include "err.h"

#define PROPVAL_NAME_MAX 128   /* bytes of a property name */
#define PROPVAL_VALUE_MAX 4096 /* bytes of a value or default value */
#define PROPVAL_ITEM_MAX 255   /* bytes of one list item */
#define PROPVAL_ITEMS_MAX 8191 /* bytes of all list items joined by '\n' */

enum propval_type {
    PROPVAL_STRING,
    PROPVAL_HEXSTR,
    PROPVAL_BOOLEAN,
    PROPVAL_IPADDRESS,
    PROPVAL_IPORHOSTNAME,
    PROPVAL_INTEGER
};

/* The enum propval_type of a PropertyType name, -1 when none. */
int propval_type_of(const char *name);

/* The PropertyType name of t; NULL for another value. */
const char *propval_type_name(int t);

/* A property name: 1..PROPVAL_NAME_MAX bytes of validate_text's text, no
 * tab, no leading or trailing blank.  ERR_INVALID otherwise. */
int propval_check_name(const char *name, struct err *e);

/* Checks v (not NULL, not "") as a value of property prop of type t
 * (multi_line: String values may hold line breaks), and, when items is
 * not "", as one of the newline-separated items.  Writes the canonical
 * form into out[len] (PROPVAL_VALUE_MAX + 1 suffices).  Returns 0 or
 * ERR_INVALID with a message naming prop and the value. */
int propval_check(const char *prop, int t, int multi_line, const char *items,
                  const char *v, char *out, size_t len, struct err *e);

/* 1 when v (n bytes) is one of the newline-separated items (the list of
 * a definition), else 0. */
int propval_has_item(const char *items, const char *v, size_t n);

#endif
