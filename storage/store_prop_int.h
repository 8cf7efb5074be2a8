/* micetro-emu storage: the custom-property column of store_prop.c, for
 * the storage modules whose reads show custom properties (store_server.c,
 * ...).  Not for server code, as store_int.h: its rows come through
 * libpq's PGresult. */
#ifndef MICETRO_STORE_PROP_INT_H
#define MICETRO_STORE_PROP_INT_H

#include "store_int.h"

struct store_prop_list;

/* The column of the custom properties an answer shows (read with
 * store_prop_list_read): for the object whose id is the SQL expression
 * id, of ObjectType type (SQL text: "3"), every definition of the type
 * by name, each with the object's value, else the default, else "", as a
 * text array {{name,value},...}; so an object and its properties are
 * one statement. */
#define STORE_PROP_SHOWN(type, id)                                             \
    "ARRAY(SELECT ARRAY[cpd.name, "                                            \
    "coalesce(cpv.value, cpd.default_value, '')] "                             \
    "FROM property_definitions cpd LEFT JOIN property_values cpv "             \
    "ON cpv.object_type = cpd.object_type AND cpv.object_id = " id " "         \
    "AND cpv.definition_id = cpd.id WHERE cpd.object_type = " type " "         \
    "ORDER BY cpd.name_key, cpd.id)"

/* Reads the STORE_PROP_SHOWN column col of every row of r into *out,
 * row by row, each item with the id in column id_col of its row (free
 * with store_prop_list_free). */
int store_prop_list_read(const PGresult *r, int col, int id_col,
                         struct store_prop_list *out, struct err *e);

#endif
