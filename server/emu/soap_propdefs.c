/* micetro-emu: AddPropertyDefinition, GetPropertyDefinitions,
 * GetPropertyDefinition, ModifyPropertyDefinition,
 * RemovePropertyDefinition.
 *
 * Custom properties are defined per object type: objType must be one of
 * the served types (DHCPServer, Range, DHCPScope, DHCPAddressPool), any
 * other is a Client fault.  A PropertyDefinition holds:
 *
 *   name            required, core/propval.h's rules, unique per type
 *                   case-insensitively, not a built-in property's name
 *   type            String, HexStr, Boolean, IPAddress, IPOrHostname,
 *                   Integer: the values' rules (core/propval.h)
 *   system          read-only (false); true is refused
 *   mandatory       objects must have a value: it cannot be cleared, and
 *                   AddDHCPServer / AddRange without it are refused unless
 *                   there is a default value
 *   readOnly        not settable through the API: objects show the default
 *   multiLine       String values may hold line breaks
 *   defaultValue    what objects without a value show; checked as a value
 *   listItems       when not empty, the only values allowed (each checked
 *                   as a value, at most 255 bytes, no duplicates)
 *   parentProperty  refused when not empty (not supported yet)
 *
 * ModifyPropertyDefinition(property, propertyDefinition, updateExisting)
 * may rename the property and change everything else.  With
 * updateExisting true every object drops its own value and shows the new
 * default; without it the objects' values are kept and must be valid
 * under the new definition (they are canonicalised: "yes" becomes "true"
 * when the type becomes Boolean), otherwise the call is refused naming
 * the first object.  Removing a definition removes its values.  Each
 * mutation is one transaction with its change_log row.
 */
#include "soap_propdefs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soapH.h"

#include "soap_entry.h"

#include "call.h"
#include "store_changelog.h"
#include "propval.h"
#include "ref.h"
#include "validate.h"
#include "store_prop.h"
#include "mutate.h"
#include "refs.h"
#include "convert.h"
#include "custom.h"
#include "properties.h"
#include "store.h"

/* objType, checked: a served type. */
static int read_type(struct soap *soap, enum mm__ObjectType t, struct err *e)
{
    const char *n;

    if (refs_served((int)t))
        return 0;
    n = soap_mm__ObjectType2s(soap, t);
    return err_set(e, ERR_INVALID,
                   "objType %s: custom properties exist only for DHCPServer, "
                   "Range, DHCPScope and DHCPAddressPool objects here",
                   n != NULL ? n : "?");
}

static int is_true(const enum xsd__boolean *b)
{
    return b != NULL && *b == xsd__boolean__true_;
}

/* The list items of in, checked as values of d, joined into d->items. */
static int take_items(const struct mm__ArrayOfString *in,
                      struct store_prop_def *d, struct err *e)
{
    char v[STORE_PROP_VALUE_BUF], q[VALIDATE_QUOTE_BUF];
    size_t len = 0;
    int t = propval_type_of(d->type);
    int rc;

    d->items[0] = '\0';
    for (int i = 0; in != NULL && i < in->__sizestring; i++) {
        const char *s = in->string[i];
        size_t n;

        if (s == NULL || s[0] == '\0')
            return err_set(e, ERR_INVALID, "property \"%s\": empty list item",
                           d->name);
        if (strlen(s) > PROPVAL_ITEM_MAX)
            return err_set(e, ERR_INVALID,
                           "property \"%s\": list item \"%s\" is longer than "
                           "%d bytes",
                           d->name, validate_quote(s, q, sizeof(q)),
                           PROPVAL_ITEM_MAX);
        /* single-line, whatever multiLine says: items are stored one per
         * line */
        if ((rc = propval_check(d->name, t, 0, "", s, v, sizeof(v), e)) != 0)
            return rc;
        n = strlen(v);
        if (propval_has_item(d->items, v, n))
            return err_set(e, ERR_INVALID,
                           "property \"%s\": list item \"%s\" is given "
                           "twice",
                           d->name, validate_quote(v, q, sizeof(q)));
        if (len + n + (len > 0) >= sizeof(d->items) ||
            len + n + (len > 0) > PROPVAL_ITEMS_MAX)
            return err_set(e, ERR_INVALID,
                           "property \"%s\": the list items exceed %d bytes",
                           d->name, PROPVAL_ITEMS_MAX);
        if (len > 0)
            d->items[len++] = '\n';
        memcpy(d->items + len, v, n + 1);
        len += n;
    }
    return 0;
}

/* A PropertyDefinition of objects of type into *d (id left 0). */
static int def_from_soap(struct soap *soap, int type,
                         const struct mm__PropertyDefinition *in,
                         struct store_prop_def *d, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    const char *tn;
    int rc;

    memset(d, 0, sizeof(*d));
    if (in == NULL)
        return err_set(e, ERR_INVALID, "missing propertyDefinition");
    if ((rc = propval_check_name(in->name, e)) != 0)
        return rc;
    if (properties_builtin(type, in->name))
        return err_set(
            e, ERR_INVALID, "property \"%s\" is a built-in property of %s",
            validate_quote(in->name, q, sizeof(q)), custom_what(type));
    snprintf(d->name, sizeof(d->name), "%s", in->name);
    d->object_type = type;
    tn = soap_mm__PropertyType2s(soap, in->type);
    if (tn == NULL || propval_type_of(tn) < 0)
        return err_set(e, ERR_INVALID, "property \"%s\": unknown type",
                       d->name);
    snprintf(d->type, sizeof(d->type), "%s", tn);
    if (is_true(in->system))
        return err_set(e, ERR_INVALID,
                       "property \"%s\": system properties are built in and "
                       "cannot be defined",
                       d->name);
    if (in->parentProperty != NULL && in->parentProperty[0] != '\0')
        return err_set(e, ERR_NOTIMPL,
                       "property \"%s\": parentProperty is not supported yet",
                       d->name);
    d->mandatory = is_true(in->mandatory);
    d->read_only = is_true(in->readOnly);
    d->multi_line = is_true(in->multiLine);
    if ((rc = take_items(in->listItems, d, e)) != 0)
        return rc;
    if (in->defaultValue != NULL && in->defaultValue[0] != '\0') {
        rc = propval_check(d->name, propval_type_of(d->type), d->multi_line,
                           d->items, in->defaultValue, d->default_value,
                           sizeof(d->default_value), e);
        if (rc != 0)
            return rc;
        d->has_default = 1;
    }
    if (d->read_only && d->mandatory && !d->has_default)
        return err_set(e, ERR_INVALID,
                       "property \"%s\" is read-only and mandatory: it needs "
                       "a defaultValue",
                       d->name);
    return 0;
}

/* A boolean in the request's memory; NULL when out of memory. */
static enum xsd__boolean *new_bool(struct soap *soap, int v)
{
    enum xsd__boolean *b = soap_malloc(soap, sizeof(*b));

    if (b != NULL)
        *b = v ? xsd__boolean__true_ : xsd__boolean__false_;
    return b;
}

/* d into *out, in the request's memory. */
static int def_to_soap(struct soap *soap, const struct store_prop_def *d,
                       struct mm__PropertyDefinition *out, struct err *e)
{
    static const enum mm__PropertyType types[] = {
        mm__PropertyType__String,       mm__PropertyType__HexStr,
        mm__PropertyType__Boolean,      mm__PropertyType__IPAddress,
        mm__PropertyType__IPOrHostname, mm__PropertyType__Integer,
    };
    int found = 0;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(soap_mm__PropertyType2s(soap, types[i]), d->type) == 0) {
            out->type = types[i];
            found = 1;
        }
    }
    if (!found)
        return err_set(e, ERR_INTERNAL, "property \"%s\" has type \"%s\"",
                       d->name, d->type);
    out->name = soap_strdup(soap, d->name);
    out->system = new_bool(soap, 0);
    out->mandatory = new_bool(soap, d->mandatory);
    out->readOnly = new_bool(soap, d->read_only);
    out->multiLine = new_bool(soap, d->multi_line);
    if (out->name == NULL || out->system == NULL || out->mandatory == NULL ||
        out->readOnly == NULL || out->multiLine == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (d->has_default &&
        (out->defaultValue = soap_strdup(soap, d->default_value)) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (d->items[0] != '\0') {
        struct mm__ArrayOfString *a = soap_malloc(soap, sizeof(*a));
        char *all = soap_strdup(soap, d->items);
        int n = 1;

        if (a == NULL || all == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        for (const char *p = all; *p != '\0'; p++)
            n += *p == '\n';
        if ((a->string = soap_malloc(soap, (size_t)n * sizeof(char *))) == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        a->__sizestring = 0;
        for (char *p = all; p != NULL;) {
            char *nl = strchr(p, '\n');

            if (nl != NULL)
                *nl++ = '\0';
            a->string[a->__sizestring++] = p;
            p = nl;
        }
        out->listItems = a;
    }
    return 0;
}

int soap_propdefs_add(struct soap *soap, struct store_conn *c,
                      const char *login, const void *rqv, long long *id,
                      struct err *e)
{
    const struct _mm__AddPropertyDefinition *rq = rqv;
    struct store_prop_def *d;
    long long def_id = 0;
    int type = (int)rq->objType, rc;

    *id = 0; /* a definition has no ref */
    if ((d = malloc(sizeof(*d))) == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if ((rc = read_type(soap, rq->objType, e)) == 0 &&
        (rc = mutate_check_comment(rq->saveComment, e)) == 0 &&
        (rc = def_from_soap(soap, type, rq->propertyDefinition, d, e)) == 0 &&
        (rc = store_prop_def_add(c, d, custom_what(type), &def_id, e)) == 0)
        rc = store_changelog_add(c, login, CHANGELOG_ADD_PROPDEF, type, 0,
                                 d->name, rq->saveComment, e);
    free(d);
    return rc;
}

static int add_def(struct soap *soap, struct _mm__AddPropertyDefinition *rq,
                   struct _mm__AddPropertyDefinitionResponse *rs)
{
    (void)rs;
    return mutate_handle(soap, rq->session, soap_propdefs_add, rq, 0, NULL);
}

static int get_defs(struct soap *soap, struct _mm__GetPropertyDefinitions *rq,
                    struct _mm__GetPropertyDefinitionsResponse *rs)
{
    struct mm__ArrayOfPropertyDefinition *arr;
    struct store_prop_def *defs = NULL;
    size_t n = 0;
    void *items;
    struct call k;
    int rc;

    if ((rc = call_begin(&k, soap, rq->session)) != 0 ||
        (rc = read_type(soap, rq->objType, &k.e)) != 0 ||
        (rc = store_prop_defs(k.c, (int)rq->objType, &defs, &n, &k.e)) != 0)
        goto out;
    arr = convert_list(soap, sizeof(*arr), n, sizeof(*arr->propertyDefinition),
                       &items, &k.e);
    if (arr == NULL) {
        rc = ERR_NOMEM; /* convert_list's only failure */
        goto out;
    }
    arr->propertyDefinition = items;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = def_to_soap(soap, &defs[i], &arr->propertyDefinition[i], &k.e);
    arr->__sizepropertyDefinition = (int)n;
    rs->propertyDefinitions = arr;
out:
    free(defs);
    return call_end(&k, rc);
}

static int get_def(struct soap *soap, struct _mm__GetPropertyDefinition *rq,
                   struct _mm__GetPropertyDefinitionResponse *rs)
{
    struct store_prop_def *d = NULL;
    struct call k;
    int type = (int)rq->objType, rc;

    if ((rc = call_begin(&k, soap, rq->session)) == 0)
        rc = read_type(soap, rq->objType, &k.e);
    if (rc == 0) {
        d = soap_malloc(soap, sizeof(*d));
        rs->propertyDefinition = soap_malloc(soap,
                                             sizeof(*rs->propertyDefinition));
        if (d == NULL || rs->propertyDefinition == NULL)
            rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    }
    if (rc == 0)
        rc = store_prop_def_get(k.c, type,
                                rq->property != NULL ? rq->property : "",
                                custom_what(type), d, &k.e);
    if (rc == 0)
        rc = def_to_soap(soap, d, rs->propertyDefinition, &k.e);
    return call_end(&k, rc);
}

/* Checks (and canonicalises) every object's value of old under the new
 * definition d, on c. */
static int revalidate(struct store_conn *c, const struct store_prop_def *old,
                      const struct store_prop_def *d, struct err *e)
{
    struct store_prop_value *v = NULL;
    char *out = NULL, ref[REF_BUF];
    size_t n = 0;
    int rc;

    if ((rc = store_prop_def_values(c, old->id, &v, &n, e)) != 0)
        return rc;
    if (n > 0 && (out = malloc(STORE_PROP_VALUE_BUF)) == NULL) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct err sub;

        err_clear(&sub);
        rc = propval_check(d->name, propval_type_of(d->type), d->multi_line,
                           d->items, v[i].value, out, STORE_PROP_VALUE_BUF,
                           &sub);
        if (rc != 0) {
            ref_format(d->object_type, v[i].object_id, ref, sizeof(ref));
            rc = err_set(e, rc,
                         "object %s holds a value the new definition refuses "
                         "(%s); use updateExisting to reset every object to "
                         "the default",
                         ref, sub.msg);
            goto out;
        }
        if (strcmp(out, v[i].value) != 0 &&
            (rc = store_prop_set(c, d->object_type, v[i].object_id, old->id,
                                 out, e)) != 0)
            goto out;
    }
out:
    free(out);
    store_prop_values_free(v, n);
    return rc;
}

static int modify_def(struct soap *soap,
                      struct _mm__ModifyPropertyDefinition *rq,
                      struct _mm__ModifyPropertyDefinitionResponse *rs)
{
    struct store_prop_def *d = NULL, *old = NULL;
    struct call k;
    int type = (int)rq->objType, update = is_true(rq->updateExisting), rc;

    (void)rs;
    rc = call_begin(&k, soap, rq->session);
    if (rc == 0) {
        d = soap_malloc(soap, sizeof(*d));
        old = soap_malloc(soap, sizeof(*old));
        if (d == NULL || old == NULL)
            rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    }
    if (rc == 0 && (rc = read_type(soap, rq->objType, &k.e)) == 0 &&
        (rc = mutate_check_comment(rq->saveComment, &k.e)) == 0)
        rc = def_from_soap(soap, type, rq->propertyDefinition, d, &k.e);
    if (rc != 0 || (rc = store_begin(k.c, &k.e)) != 0 ||
        (rc = store_prop_def_get(k.c, type,
                                 rq->property != NULL ? rq->property : "",
                                 custom_what(type), old, &k.e)) != 0)
        goto out;
    d->id = old->id;
    if (!update && (rc = revalidate(k.c, old, d, &k.e)) != 0)
        goto out;
    if ((rc = store_prop_def_update(k.c, d, custom_what(type), update, &k.e)) ==
            0 &&
        (rc = store_changelog_add(k.c, k.login, CHANGELOG_MODIFY_PROPDEF, type,
                                  0, d->name, rq->saveComment, &k.e)) == 0)
        rc = store_commit(k.c, &k.e);
out:
    return call_end(&k, rc); /* rolls back what is left open */
}

static int remove_def(struct soap *soap,
                      struct _mm__RemovePropertyDefinition *rq,
                      struct _mm__RemovePropertyDefinitionResponse *rs)
{
    struct store_prop_def *d = NULL;
    struct call k;
    int type = (int)rq->objType, rc;

    (void)rs;
    if ((rc = call_begin(&k, soap, rq->session)) == 0 &&
        (rc = read_type(soap, rq->objType, &k.e)) == 0 &&
        (rc = mutate_check_comment(rq->saveComment, &k.e)) == 0 &&
        (d = soap_malloc(soap, sizeof(*d))) == NULL)
        rc = err_set(&k.e, ERR_NOMEM, "out of memory");
    if (rc == 0 && (rc = store_begin(k.c, &k.e)) == 0 &&
        (rc = store_prop_def_get(k.c, type,
                                 rq->property != NULL ? rq->property : "",
                                 custom_what(type), d, &k.e)) == 0 &&
        (rc = store_prop_def_remove(k.c, d->id, &k.e)) == 0 &&
        (rc = store_changelog_add(k.c, k.login, CHANGELOG_REMOVE_PROPDEF, type,
                                  0, d->name, rq->saveComment, &k.e)) == 0)
        rc = store_commit(k.c, &k.e);
    return call_end(&k, rc); /* rolls back what is left open */
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(AddPropertyDefinition, add_def)
SOAP_ENTRY(GetPropertyDefinitions, get_defs)
SOAP_ENTRY(GetPropertyDefinition, get_def)
SOAP_ENTRY(ModifyPropertyDefinition, modify_def)
SOAP_ENTRY(RemovePropertyDefinition, remove_def)
