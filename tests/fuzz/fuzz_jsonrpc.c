/* Fuzz target: the JSON-RPC transcoder (server/emu/jsonrpc_schema.c), on
 * the schema of the embedded WSDL.  The input up to its first newline
 * names the operation (an unknown one: the first operation's), the rest
 * is its params: jsonrpc_schema_request either refuses them with a reason
 * or makes a SOAP 1.1 envelope the pre-scan accepts.  The whole input is
 * also read as a SOAP answer of that operation (jsonrpc_schema_answer):
 * a result, a fault or a refusal, never anything else. */
#include "fuzz.h"
#include "jsonrpc_schema.h"
#include "xmlscan.h"

#include <libxml/parser.h>

extern const char wsdl_micetro_text[];
extern const size_t wsdl_micetro_text_len;

static struct jsonrpc_schema *schema;

static void no_errors(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct jsonrpc_limits lim = {
        .max_string_bytes = 4096, .max_depth = 32, .max_elements = 100};
    char op[96] = "GetDHCPServers", why[320];
    const uint8_t *nl = memchr(data, '\n', size);
    json_t *params, *result = NULL;
    json_error_t je;
    struct jsonrpc_schema_fault f;
    char *xml = NULL;
    size_t len = 0, skip = 0;

    if (schema == NULL) {
        struct err e = {0};
        xmlSetGenericErrorFunc(NULL, no_errors);
        schema = jsonrpc_schema_new(wsdl_micetro_text, wsdl_micetro_text_len,
                                    &e);
        FUZZ_CHECK(schema != NULL && jsonrpc_schema_ops(schema) > 0);
    }
    if (nl != NULL && (size_t)(nl - data) < sizeof(op)) {
        memcpy(op, data, (size_t)(nl - data));
        op[nl - data] = '\0';
        if (!jsonrpc_schema_has(schema, op))
            snprintf(op, sizeof(op), "GetDHCPServers");
        skip = (size_t)(nl - data) + 1;
    }
    params = json_loadb((const char *)data + skip, size - skip, 0, &je);
    if (params != NULL) {
        why[0] = '\0';
        int rc = jsonrpc_schema_request(schema, &lim, op, params, &xml, &len,
                                        why, sizeof(why));
        if (rc != 0) {
            FUZZ_CHECK(xml == NULL && why[0] != '\0');
        } else {
            int version = 0;
            FUZZ_CHECK(xml != NULL && strlen(xml) == len);
            FUZZ_CHECK(xmlscan_check(xml, len, 64, &version) == XMLSCAN_OK);
            FUZZ_CHECK(version == 1);
            xmlDocPtr doc = xmlReadMemory(xml, (int)len, "r", NULL,
                                          XML_PARSE_NONET);
            FUZZ_CHECK(doc != NULL);
            xmlFreeDoc(doc);
        }
        free(xml);
        json_decref(params);
    }
    int rc = jsonrpc_schema_answer(schema, op, (const char *)data, size,
                                   &result, &f);
    FUZZ_CHECK(rc >= -1 && rc <= 1);
    FUZZ_CHECK((rc == 0) == (result != NULL));
    json_decref(result);
    return 0;
}
