/* Fuzz target: the pre-scan of a request body (server/front/xmlscan.c):
 * xmlscan_check, then on a body it accepts what the daemon does before
 * gSOAP parses it (xmlscan_blank_types, xmlscan_fold_names), after which
 * the body must still pass the pre-scan as the same SOAP version. */
#include "fuzz.h"
#include "xmlscan.h"

/* server/emu/httpd.c's table */
static const struct xmlscan_fold folds[] = {
    {"DHCPRefAndFailoverRelationshipNames",
     "dhcpRefAndFailoverRelationshipNames"},
    {"DHCPRefAndFailoverRelationshipName",
     "dhcpRefAndFailoverRelationshipName"},
    {NULL, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int version = -1, again = -1;
    enum xmlscan_result r = xmlscan_check((const char *)data, size, 32,
                                          &version);
    char *b;

    FUZZ_CHECK(xmlscan_message(r) != NULL);
    if (r != XMLSCAN_OK)
        return 0;
    FUZZ_CHECK(version == 1 || version == 2);
    b = malloc(size);
    FUZZ_CHECK(b != NULL);
    memcpy(b, data, size);
    xmlscan_blank_types(b, size);
    xmlscan_fold_names(b, size, folds);
    FUZZ_CHECK(xmlscan_check(b, size, 32, &again) == XMLSCAN_OK);
    FUZZ_CHECK(again == version);
    free(b);
    return 0;
}
