/* micetro-emu: GetProperties and SetProperties (properties.c), and the
 * table of built-in properties per object type they own. */
#ifndef MICETRO_PROPERTIES_H
#define MICETRO_PROPERTIES_H

#include "err.h"

struct soap;
struct store_conn;

/* SetProperties (rq: a struct _mm__SetProperties), in the caller's
 * transaction on c (mutate_call_fn, shared with the seed,
 * control_seed.h): the object resolved, every property checked, then
 * written and logged; *id is 0. */
int properties_set(struct soap *soap, struct store_conn *c, const char *login,
                   const void *rq, long long *id, struct err *e);

/* 1 when name (any case) is a built-in property of objects of type (a
 * REF_* of ref.h), or "ref". */
int properties_builtin(int type, const char *name);

#endif
