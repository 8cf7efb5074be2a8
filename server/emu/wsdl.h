/* micetro-emu: the WSDL the daemon serves.
 *
 * Built once at start from wsdl/micetro.wsdl (embedded at build time) with
 * libxml2: for the 2017 profile every element marked emu:profile="11" is
 * removed, and the marks themselves are removed in both profiles.  Each
 * GET gets a copy whose service address is the one the client used.
 */
#ifndef MICETRO_WSDL_H
#define MICETRO_WSDL_H

#include <stddef.h>

#include "config.h"
#include "err.h"

struct wsdl;

struct wsdl *wsdl_new(enum config_profile profile, struct err *e);
void wsdl_free(struct wsdl *w);

/* Returns a malloc'd copy (caller frees) with the placeholder address
 * replaced by base (scheme://host[:port], no trailing slash); its length
 * in *len.  NULL when out of memory. */
char *wsdl_render(const struct wsdl *w, const char *base, size_t *len);

#endif
