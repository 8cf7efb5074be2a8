/* micetro-emu: JSON-RPC 2.0 on the SOAP operations (docs/api.md,
 * "JSON-RPC").
 *
 * POST /_mmwebext/mmwebext.dll?Soap with Content-Type application/json,
 * and POST /mmws/json, carry {"jsonrpc":"2.0","method":OP,"params":{...},
 * "id":...}.  Nothing here knows an operation: the params are transcoded
 * into OP's SOAP request by the WSDL's schema (jsonrpc_schema.h), the
 * request is served exactly as a SOAP POST is (the same worker, fault
 * injection, handlers, journal and log line, under the operation's name),
 * and the SOAP answer is transcoded back into JSON by the same schema.
 */
#ifndef MICETRO_JSONRPC_H
#define MICETRO_JSONRPC_H

#include <jansson.h>

#include "soaphttpd.h"

struct app;

/* JSON-RPC's own error codes: for what never reaches a handler. */
#define JSONRPC_PARSE_ERROR (-32700)
#define JSONRPC_INVALID_REQUEST (-32600)
#define JSONRPC_UNKNOWN_METHOD (-32601)
#define JSONRPC_INVALID_PARAMS (-32602)
#define JSONRPC_INTERNAL_ERROR (-32603)

/* Why a call did not succeed. */
struct jsonrpc_fault {
    /* Micetro's errorCode of the SOAP fault (16394: bad credentials ...),
     * or one of JSONRPC_* above when the request never reached a handler */
    int code;
    char message[512]; /* the SOAP fault's text, or why it was refused */
    int client;        /* 1: the caller's fault (SOAP Client), 0: Server's */
};

/* Runs operation op (as the WSDL names it: "GetDHCPServers") with params
 * (a JSON object of the operation's request elements by name, "session"
 * among them; Login: "loginName", "password", "server"; NULL: none).
 *
 * The call runs as one SOAP request would, in the calling thread: it must
 * be made from a SOAPHTTPD_CALL route's handler (which runs in one of the
 * front's workers), with rq the request that handler was given.  The
 * journal and the log record it under op, as from rq->peer.
 *
 * Returns 0 with *result a new reference: the answer's elements as a JSON
 * object, array wrappers removed ({"dhcpScopes":[...],"totalResults":2},
 * Login {"session":"..."}), or the string "" for an answer without
 * elements (Logout).  Else -1, *result NULL and f filled: with a SOAP
 * fault's code and text when the operation ran, with JSONRPC_* when it
 * did not (unknown op, params that do not fit its schema). */
int jsonrpc_call(struct app *app, const struct soaphttpd_request *rq,
                 const char *op, json_t *params, json_t **result,
                 struct jsonrpc_fault *f);

/* 1 for the targets JSON-RPC is served at without looking at the
 * Content-Type (/mmws/json). */
int jsonrpc_match(const char *target);

/* A SOAPHTTPD_CALL handler (user: the struct app): one JSON-RPC request,
 * answered with 200 and a JSON-RPC response. */
void jsonrpc_handle(void *user, const struct soaphttpd_request *rq,
                    struct soaphttpd_answer *a);

/* The body of an error the front answers itself (a body too large):
 * a JSON-RPC error of code JSONRPC_INVALID_REQUEST with msg, id null. */
size_t jsonrpc_error_body(char *buf, size_t size, const char *msg);

#endif
