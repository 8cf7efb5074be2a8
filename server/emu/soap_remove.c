/* micetro-emu: RemoveObject and RemoveObjects.
 *
 * A ref and objType resolve as refs_resolve_object (refs.h) says.  Removing a
 * server, range or scope that still has children (scopes, pools) fails
 * unless forceRemoval, which removes the children too (storage/store_remove.h);
 * each removed object gets a change_log row.
 *
 * RemoveObject runs in one transaction; a failure is a fault.
 * RemoveObjects removes each ref in a transaction of its own: a ref that
 * fails the caller's way (unknown, mismatched, still has children ...)
 * becomes an ObjectError {ref as given, message} in `errors` and the
 * others are removed; a bad session or saveComment, or a database
 * failure, is a fault for the whole request (refs removed before a
 * database failure stay removed).
 */
#include "soapH.h"

#include "soap_entry.h"

#include "call.h"
#include "ref.h"
#include "validate.h"
#include "mutate.h"
#include "refs.h"
#include "store_remove.h"
#include "store.h"

/* The options shared by both operations. */
struct opts {
    const char *login;
    int obj_type; /* 0: not given */
    int force;
    const char *comment;
};

/* Checks objType (when given) and saveComment into o. */
static int read_opts(struct soap *soap, const enum mm__ObjectType *obj_type,
                     const enum xsd__boolean *force, const char *comment,
                     struct opts *o, struct err *e)
{
    o->obj_type = 0;
    o->force = force != NULL && *force == xsd__boolean__true_;
    o->comment = comment;
    if (obj_type != NULL) {
        if (!refs_served((int)*obj_type)) {
            const char *n = soap_mm__ObjectType2s(soap, *obj_type);

            return err_set(e, ERR_INVALID,
                           "objType %s: only DHCPServer, Range, DHCPScope "
                           "and DHCPAddressPool objects can be removed",
                           n != NULL ? n : "?");
        }
        o->obj_type = (int)*obj_type;
    }
    return mutate_check_comment(comment, e);
}

/* One removal: its options and the object's ref. */
struct one {
    const struct opts *o;
    const char *ref;
};

/* Removes the object a->ref names: a mutate_fn. */
static int remove_tx(struct store_conn *c, void *ctx, struct err *e)
{
    const struct one *a = ctx;
    const struct opts *o = a->o;
    long long id = 0;
    int type = 0, rc;

    if ((rc = refs_resolve_object(c, o->obj_type, a->ref, "removed", &type, &id,
                                  e)) != 0)
        return rc;
    return store_remove(c, o->login, type, id, o->force, o->comment, NULL, e);
}

/* Removes the object s names in one transaction on the call's
 * connection. */
static int remove_one(struct call *k, const struct opts *o, const char *s)
{
    struct one a = {o, s};

    return mutate_tx(k, remove_tx, &a);
}

static int remove_object(struct soap *soap, struct _mm__RemoveObject *rq,
                         struct _mm__RemoveObjectResponse *rs)
{
    struct call k;
    struct opts o;
    int rc;

    (void)rs;
    rc = call_begin(&k, soap, rq->session);
    o.login = k.login;
    if (rc == 0)
        rc = read_opts(soap, rq->objType, rq->forceRemoval, rq->saveComment, &o,
                       &k.e);
    if (rc == 0)
        rc = remove_one(&k, &o, rq->ref);
    return call_end(&k, rc);
}

static int remove_objects(struct soap *soap, struct _mm__RemoveObjects *rq,
                          struct _mm__RemoveObjectsResponse *rs)
{
    struct mm__ArrayOfObjectError *errs;
    struct call k;
    struct opts o;
    int n = 0, rc;

    rc = call_begin(&k, soap, rq->session);
    o.login = k.login;
    if (rc == 0)
        rc = read_opts(soap, rq->objType, rq->forceRemoval, rq->saveComment, &o,
                       &k.e);
    if (rc != 0)
        return call_end(&k, rc);
    if (rq->objRefs != NULL && rq->objRefs->__sizeref > 0)
        n = rq->objRefs->__sizeref;
    /* an empty list is an empty element, never xsi:nil */
    errs = soap_malloc(soap, sizeof(*errs));
    rs->errors = errs;
    if (errs == NULL ||
        (n > 0 && (errs->objectError = soap_malloc(
                       soap, (size_t)n * sizeof(*errs->objectError))) == NULL))
        return call_end(&k, err_set(&k.e, ERR_NOMEM, "out of memory"));
    if (n == 0)
        errs->objectError = NULL;
    errs->__sizeobjectError = 0;
    for (int i = 0; i < n; i++) {
        const char *s = rq->objRefs->ref[i];
        struct mm__ObjectError *oe;

        err_clear(&k.e);
        rc = remove_one(&k, &o, s);
        if (rc == 0)
            continue;
        if (!err_is_client(rc))
            return call_end(&k, rc);
        oe = &errs->objectError[errs->__sizeobjectError++];
        oe->ref = soap_strdup(soap, s != NULL ? s : "");
        oe->error = soap_strdup(soap, k.e.msg);
        if (oe->ref == NULL || oe->error == NULL)
            return call_end(&k, err_set(&k.e, ERR_NOMEM, "out of memory"));
    }
    return call_end(&k, 0);
}

/* gSOAP entry points, SOAP 1.1 and 1.2 (soap_entry.h). */
SOAP_ENTRY(RemoveObject, remove_object)
SOAP_ENTRY(RemoveObjects, remove_objects)
