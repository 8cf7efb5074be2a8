/* micetro-emu: custom properties of objects (see custom.h). */
#include "custom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soapH.h"

#include "propval.h"
#include "ref.h"
#include "validate.h"
#include "store_prop.h"
#include "refs.h"

const char *custom_what(int type)
{
    switch (type) {
    case REF_DHCP_SERVER:
        return "DHCP servers";
    case REF_RANGE:
        return "ranges";
    case REF_DHCP_SCOPE:
        return "DHCP scopes";
    case REF_DHCP_ADDRESS_POOL:
        return "DHCP address pools";
    default:
        return "objects of this type";
    }
}

const struct store_prop_def *custom_find(const struct store_prop_def *defs,
                                         size_t n, const char *name)
{
    for (size_t i = 0; name != NULL && i < n; i++) {
        if (strcasecmp(defs[i].name, name) == 0)
            return &defs[i];
    }
    return NULL;
}

int custom_value(const struct store_prop_def *d, const char *v, char *out,
                 size_t len, struct err *e)
{
    if (v == NULL || v[0] == '\0') {
        if (d->mandatory)
            return err_set(e, ERR_INVALID,
                           "property \"%s\" is mandatory: it cannot be "
                           "cleared",
                           d->name);
        out[0] = '\0';
        return 0;
    }
    return propval_check(d->name, propval_type_of(d->type), d->multi_line,
                         d->items, v, out, len, e);
}

int custom_add(struct store_conn *c, int type, long long id,
               const struct mm__ArrayOfProperty *in, struct err *e)
{
    struct store_prop_def *defs = NULL;
    char q[VALIDATE_QUOTE_BUF];
    size_t ndefs = 0;
    int n = in != NULL ? in->__sizeproperty : 0;
    char *vals = NULL; /* ndefs values of STORE_PROP_VALUE_BUF, "" none */
    int rc;

    if ((rc = store_prop_defs(c, type, &defs, &ndefs, e)) != 0)
        return rc;
    if (ndefs == 0 && n == 0)
        goto out;
    if (ndefs > 0 && (vals = calloc(ndefs, STORE_PROP_VALUE_BUF)) == NULL) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        const struct mm__Property *p = &in->property[i];
        const struct store_prop_def *d = custom_find(defs, ndefs, p->name);

        if (d == NULL || vals == NULL) { /* no vals: no definitions */
            rc = err_set(e, ERR_INVALID, "unknown property \"%s\" for a %s",
                         validate_quote(p->name, q, sizeof(q)),
                         refs_what(type));
            goto out;
        }
        if (d->read_only) {
            rc = err_set(e, ERR_INVALID, "property \"%s\" is read-only",
                         d->name);
            goto out;
        }
        if ((rc = custom_value(d, p->value,
                               vals + (size_t)(d - defs) * STORE_PROP_VALUE_BUF,
                               STORE_PROP_VALUE_BUF, e)) != 0)
            goto out;
    }
    for (size_t i = 0; i < ndefs; i++) {
        const char *v = vals + i * STORE_PROP_VALUE_BUF;

        if (defs[i].mandatory && !defs[i].has_default && v[0] == '\0') {
            rc = err_set(e, ERR_INVALID,
                         "property \"%s\" is mandatory for %s: give it in "
                         "customProperties",
                         defs[i].name, custom_what(type));
            goto out;
        }
        if (v[0] != '\0' &&
            (rc = store_prop_set(c, type, id, defs[i].id, v, e)) != 0)
            goto out;
    }
out:
    free(vals);
    free(defs);
    return rc;
}

int custom_list_soap(struct soap *soap, const struct store_prop_list *l,
                     size_t *at, long long id, struct mm__ArrayOfProperty **out,
                     struct err *e)
{
    struct mm__ArrayOfProperty *arr;
    size_t n = 0;

    *out = NULL;
    while (*at + n < l->n && l->items[*at + n].object_id == id)
        n++;
    if (n == 0)
        return 0;
    arr = soap_malloc(soap, sizeof(*arr));
    if (arr == NULL ||
        (arr->property = soap_malloc(soap, n * sizeof(*arr->property))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct store_prop_shown *s = &l->items[*at + i];
        struct mm__Property *p = &arr->property[i];

        p->name = soap_strdup(soap, s->name);
        p->value = soap_strdup(soap, s->value);
        if (p->name == NULL || p->value == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    arr->__sizeproperty = (int)n;
    *at += n;
    *out = arr;
    return 0;
}
