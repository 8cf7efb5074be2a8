/* Fuzz target: what an OMAPI peer sends (server/front/omapi.c), as the
 * agent's client reads it: an 8-byte greeting, then messages framed out
 * of the byte stream and decoded one by one (each in a block of its own
 * size), with the status and failover-state readers on each.  A message
 * that decodes encodes back to the same bytes. */
#include "fuzz.h"
#include "omapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct omapi_msg m;
    static unsigned char out[OMAPI_MAX_MESSAGE];
    struct omapi_failover_state fs;
    struct err e;
    size_t pos = OMAPI_GREETING_LEN, total = 0, len, off, span;
    uint32_t result;
    char text[128];

    if (size < OMAPI_GREETING_LEN)
        return 0;
    omapi_greeting_check(data, OMAPI_GREETING_LEN, &e);
    while (omapi_msg_frame(data + pos, size - pos, &total, &e) == 0 &&
           total > 0) {
        unsigned char *msg = malloc(total);

        FUZZ_CHECK(msg != NULL && total <= size - pos);
        memcpy(msg, data + pos, total);
        FUZZ_CHECK(omapi_msg_decode(msg, total, &m, &e) == 0);
        omapi_status(&m, &result, text, sizeof(text));
        FUZZ_CHECK(strlen(text) < sizeof(text) && fuzz_printable(text));
        omapi_failover_state_decode(&m, &fs, &e);
        FUZZ_CHECK(omapi_msg_signed_span(msg, total, &off, &span, &e) == 0);
        FUZZ_CHECK(off + span + m.authlen == total);
        FUZZ_CHECK(omapi_msg_encode(&m, out, sizeof(out), &len, &e) == 0);
        FUZZ_CHECK(len == total && memcmp(out, msg, total) == 0);
        free(msg);
        pos += total;
    }
    return 0;
}
