/* micetro-emu: GetProperties and SetProperties (properties.c), and the
 * table of built-in properties per object type they own. */
#ifndef MICETRO_PROPERTIES_H
#define MICETRO_PROPERTIES_H

/* 1 when name (any case) is a built-in property of objects of type (a
 * REF_* of ref.h), or "ref". */
int properties_builtin(int type, const char *name);

#endif
