/* Fuzz target: object references (server/core/ref.c) and the input rules
 * (server/core/validate.c).  The first byte picks the function, the rest
 * is its NUL-terminated argument.  What is accepted reads back the same
 * where there is a canonical form; every refusal's message is printable
 * ASCII, as validate.h promises for SOAP faults. */
#include "fuzz.h"
#include "ref.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[VALIDATE_HOSTNAME_BUF], ip[VALIDATE_IPV4_BUF], *s;
    const char *cidr = NULL;
    struct ref r;
    struct err e = {0, ""};
    uint32_t a;
    int n = -1, rc = 0;

    if (size < 1)
        return 0;
    s = fuzz_str(data + 1, size - 1);
    switch (data[0] % 10) {
    case 0:
        if ((rc = ref_parse(s, &r, &e)) == 0 && r.kind == REF_TYPED) {
            FUZZ_CHECK(ref_format(r.type, r.id, buf, REF_BUF) == 0);
            FUZZ_CHECK(strcmp(buf, s) == 0);
        } else if (rc == 0) {
            FUZZ_CHECK(r.kind == REF_RESOURCE ? r.id >= 1 : r.name == s);
        }
        break;
    case 1:
        if (ref_split_server_scope(s, buf, sizeof(buf), &cidr) == 0)
            FUZZ_CHECK(buf[0] != '\0' &&
                       validate_cidr(cidr, NULL, NULL, NULL, NULL) == 0);
        break;
    case 2:
        if ((rc = validate_ipv4(s, &a, "from", &e)) == 0)
            FUZZ_CHECK(strcmp(validate_ipv4_format(a, ip), s) == 0);
        break;
    case 3:
        if ((rc = validate_cidr(s, &a, &n, "name", &e)) == 0) {
            snprintf(buf, sizeof(buf), "%s/%d", validate_ipv4_format(a, ip), n);
            FUZZ_CHECK(strcmp(buf, s) == 0);
        }
        break;
    case 4:
        rc = validate_hostname(s, "name", &e);
        FUZZ_CHECK((validate_hostname_canonical(s, buf, sizeof(buf)) == 0) ==
                   (rc == 0));
        break;
    case 5:
        rc = validate_name(s, "name", 254, &e);
        break;
    case 6:
        rc = validate_quoted_name(s, "name", 254, &e);
        break;
    case 7:
        rc = validate_text(s, "description", 4096, &e);
        break;
    case 8:
        if ((rc = validate_server_address(s, &a, &n, &e)) == 0)
            FUZZ_CHECK(n >= 0 && n <= 65535);
        break;
    default:
        validate_quote(s, buf, (size_t)(data[0] % 80));
        FUZZ_CHECK(data[0] % 80 == 0 ||
                   (strlen(buf) < data[0] % 80 && fuzz_printable(buf)));
    }
    FUZZ_CHECK(rc == 0 || (rc == ERR_INVALID && fuzz_printable(e.msg)));
    free(s);
    return 0;
}
