/* micetro-emu unit tests: the OMAPI codec (server/front/omapi.c).
 *
 * The cap_* byte strings were captured from a real exchange between
 * python3-pypureomapi 0.8 and isc-dhcp-server 4.4.3-P1 (Debian 12): a
 * failover pair "fo-pair" as in isc-failover-pair.sh (mclt 30, key
 * "omapi_key" = base64 of "example-omapi-key-0123456789abcd"), with
 * pypureomapi's TCPClientTransport.write/fill_inbuffer wrapped to log every
 * byte and OmapiMessage.generate_tid patched to give 0x11111111 then
 * 0x22222222.  Each capture is one connection: greeting, authenticator
 * open, failover-state open.  dhcpd accepted every client message below
 * (except the one signed with the wrong secret), which fixes the signed
 * span; its own answers verify with the same span.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check.h"
#include "err.h"
#include "omapi.h"

static const char key[] = "example-omapi-key-0123456789abcd";

/* client greeting (dhcpd sends the same 8 bytes) */
static const char cap_greeting[] = "0000006400000018";

/* client: open authenticator, tid 0x11111111, unsigned */
static const char cap_auth_open[] =
    "0000000000000000000000010000000011111111000000000004747970650000"
    "000d61757468656e74696361746f72000000046e616d65000000096f6d617069"
    "5f6b65790009616c676f726974686d00000019686d61632d6d64352e5349472d"
    "414c472e5245472e494e542e0000";

/* dhcpd: update, handle (= authid) 1, rid 0x11111111 */
static const char cap_auth_reply[] =
    "000000000000000000000003000000012921012811111111000000046e616d65"
    "000000096f6d6170695f6b65790009616c676f726974686d00000019686d6163"
    "2d6d64352e5349472d414c472e5245472e494e542e0000";

/* client: open failover-state "fo-pair", authid 1, tid 0x22222222, signed */
static const char cap_fs_open[] =
    "0000000100000010000000010000000022222222000000000004747970650000"
    "000e6661696c6f7665722d7374617465000000046e616d6500000007666f2d70"
    "616972000031d00513f51a9b20de248aee0a73832b";

/* dhcpd (primary, normal/normal, mclt 30): update, signed */
static const char cap_fs_reply[] =
    "000000010000001000000003000000022921012922222222000000046e616d65"
    "00000007666f2d70616972000f706172746e65722d6164647265737300000008"
    "60cd9e416c550000000c706172746e65722d706f72740000000400000287000d"
    "6c6f63616c2d6164647265737300000008b0cc9e416c550000000a6c6f63616c"
    "2d706f7274000000040000028700176d61782d6f75747374616e64696e672d75"
    "706461746573000000040000000a00046d636c74000000040000001e00156c6f"
    "61642d62616c616e63652d6d61782d73656373000000040000000300106c6f61"
    "642d62616c616e63652d68626100000020ffffffffffffffffffffffffffffff"
    "ff00000000000000000000000000000000000d706172746e65722d7374617465"
    "0000000400000002000b6c6f63616c2d73746174650000000400000002000c70"
    "6172746e65722d73746f73000000046b06198a000a6c6f63616c2d73746f7300"
    "0000046b06198a0009686965726172636879000000040000000000106c617374"
    "2d7061636b65742d73656e74000000040000000000176c6173742d74696d6573"
    "74616d702d726563656976656400000004000000000004736b65770000000400"
    "00000000126d61782d726573706f6e73652d64656c6179000000040000000f00"
    "136375722d756e61636b65642d75706461746573000000040000000000009860"
    "4943267772d67e3ec135e5d45f55";

/* client: open failover-state "nosuch", signed */
static const char cap_nf_open[] =
    "0000000100000010000000010000000022222222000000000004747970650000"
    "000e6661696c6f7665722d7374617465000000046e616d65000000066e6f7375"
    "63680000d4fdb20747136672d7b0bd1f8a725c92";

/* dhcpd: status, result 23 (not found), signed */
static const char cap_nf_reply[] =
    "000000010000001000000005000000000789a775222222220006726573756c74"
    "000000040000001700076d6573736167650000001f6e6f206f626a656374206d"
    "6174636865732073706563696669636174696f6e00000000c872be673451c981"
    "42c3fec6da175368";

/* client: open failover-state "fo-pair" signed with the wrong secret "wrong" */
static const char cap_bad_open[] =
    "0000000100000010000000010000000022222222000000000004747970650000"
    "000e6661696c6f7665722d7374617465000000046e616d6500000007666f2d70"
    "61697200006d2b953b75bee06ff24ef4bdfc995da5";

/* dhcpd: status, result 0x6000b (invalid key), unsigned (authid 0) */
static const char cap_bad_reply[] =
    "000000000000000000000005000000007b1dd0a0222222220006726573756c74"
    "000000040006000b00000000";

/* Decodes hex into a malloc'ed buffer. */
static unsigned char *unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    unsigned char *b = malloc(n ? n : 1);

    for (size_t i = 0; i < n; i++) {
        char two[3] = {hex[2 * i], hex[2 * i + 1], '\0'};

        b[i] = (unsigned char)strtoul(two, NULL, 16);
    }
    *len = n;
    return b;
}

static void hmac_md5(const unsigned char *k, size_t klen,
                     const unsigned char *d, size_t n, unsigned char *out)
{
    unsigned int outlen = 0;

    HMAC(EVP_md5(), k, (int)klen, d, n, out, &outlen);
}

/* Does the signature of the encoded message buf verify with k? */
static int sig_ok(const unsigned char *buf, size_t len, const char *k)
{
    unsigned char mac[16];
    size_t off, span;

    if (omapi_msg_signed_span(buf, len, &off, &span, NULL) < 0)
        return 0;
    if (len - off - span != 16)
        return 0;
    hmac_md5((const unsigned char *)k, strlen(k), buf + off, span, mac);
    return memcmp(mac, buf + off + span, 16) == 0;
}

static int value_is(const struct omapi_value *v, const char *s)
{
    return v && v->value_len == strlen(s) &&
           memcmp(v->value, s, v->value_len) == 0;
}

static void test_greeting(void)
{
    unsigned char g[OMAPI_GREETING_LEN], *cap;
    size_t n;
    struct err e;

    omapi_greeting_encode(g);
    cap = unhex(cap_greeting, &n);
    CHECK(n == 8 && memcmp(g, cap, 8) == 0);
    CHECK(omapi_greeting_check(cap, n, &e) == 0);
    CHECK(omapi_greeting_check(cap, 7, &e) == ERR_INVALID);
    cap[3] = 99;
    CHECK(omapi_greeting_check(cap, n, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "version 99") != NULL);
    cap[3] = 100;
    cap[7] = 20;
    CHECK(omapi_greeting_check(cap, n, &e) == ERR_INVALID);
    CHECK(omapi_greeting_check(NULL, 8, &e) == ERR_INVALID);
    free(cap);
}

/* Our encoding of the client messages equals pypureomapi's, byte for
 * byte, signature included. */
static void test_build_matches_capture(void)
{
    static struct omapi_msg m;
    unsigned char buf[1024], sig[16], *cap;
    size_t len, n, off, span;
    struct err e;

    memset(&m, 0, sizeof(m));
    m.opcode = OMAPI_OP_OPEN;
    m.tid = 0x11111111;
    CHECK(omapi_msg_add(&m, 0, omapi_value_str("type", "authenticator"), &e) ==
          0);
    CHECK(omapi_msg_add(&m, 1, omapi_value_str("name", "omapi_key"), &e) == 0);
    CHECK(omapi_msg_add(&m, 1, omapi_value_str("algorithm", OMAPI_ALG_HMAC_MD5),
                        &e) == 0);
    CHECK(omapi_msg_encode(&m, buf, sizeof(buf), &len, &e) == 0);
    cap = unhex(cap_auth_open, &n);
    CHECK(len == n && memcmp(buf, cap, n) == 0);
    free(cap);

    /* signed open of failover-state, for the good and the wrong secret */
    for (int which = 0; which < 3; which++) {
        const char *rel = which == 1 ? "nosuch" : "fo-pair";
        const char *k = which == 2 ? "wrong" : key;
        const char *hex = which == 0   ? cap_fs_open
                          : which == 1 ? cap_nf_open
                                       : cap_bad_open;

        memset(&m, 0, sizeof(m));
        m.authid = 1;
        m.authlen = 16;
        m.opcode = OMAPI_OP_OPEN;
        m.tid = 0x22222222;
        omapi_msg_add(&m, 0, omapi_value_str("type", "failover-state"), NULL);
        omapi_msg_add(&m, 1, omapi_value_str("name", rel), NULL);
        CHECK(omapi_msg_encode(&m, buf, sizeof(buf), &len, &e) == 0);
        CHECK(omapi_msg_signed_span(buf, len, &off, &span, &e) == 0);
        /* the span: from authlen to the signature */
        CHECK(off == 4 && span == len - 4 - 16);
        hmac_md5((const unsigned char *)k, strlen(k), buf + off, span, sig);
        CHECK(omapi_msg_put_signature(buf, len, sig, 16, &e) == 0);
        CHECK(omapi_msg_put_signature(buf, len, sig, 15, &e) == ERR_INVALID);
        cap = unhex(hex, &n);
        CHECK(len == n && memcmp(buf, cap, n) == 0);
        free(cap);
    }
}

static void test_decode_replies(void)
{
    static struct omapi_msg m;
    struct omapi_failover_state st;
    unsigned char *cap, out[2048];
    size_t n, len, total;
    uint32_t result;
    char text[64];
    struct err e;

    /* authenticator open answered: handle 1 is the authid */
    cap = unhex(cap_auth_reply, &n);
    CHECK(omapi_msg_decode(cap, n, &m, &e) == 0);
    CHECK(m.authid == 0 && m.authlen == 0 && m.opcode == OMAPI_OP_UPDATE);
    CHECK(m.handle == 1 && m.rid == 0x11111111);
    CHECK(m.n_msg == 0 && m.n_obj == 2);
    CHECK(value_is(omapi_find(m.obj, m.n_obj, "name"), "omapi_key"));
    free(cap);

    /* the failover state itself */
    cap = unhex(cap_fs_reply, &n);
    CHECK(omapi_msg_frame(cap, n, &total, &e) == 0 && total == n);
    CHECK(omapi_msg_decode(cap, n, &m, &e) == 0);
    CHECK(m.authid == 1 && m.authlen == 16 && m.rid == 0x22222222);
    CHECK(m.opcode == OMAPI_OP_UPDATE && m.n_msg == 0 && m.n_obj == 19);
    CHECK(sig_ok(cap, n, key));
    CHECK(!sig_ok(cap, n, "wrong"));
    CHECK(omapi_failover_state_decode(&m, &st, &e) == 0);
    CHECK(st.found == 1 && st.local_state == 2 && st.partner_state == 2);
    CHECK(st.mclt == 30 && st.hierarchy == 0);
    CHECK(strcmp(omapi_state_name(st.local_state), "Normal") == 0);
    /* round trip: decoded then encoded gives the same bytes */
    CHECK(omapi_msg_encode(&m, out, sizeof(out), &len, &e) == 0);
    CHECK(len == n && memcmp(out, cap, n) == 0);
    free(cap);

    /* not found: signed status, result 23 */
    cap = unhex(cap_nf_reply, &n);
    CHECK(omapi_msg_decode(cap, n, &m, &e) == 0);
    CHECK(m.opcode == OMAPI_OP_STATUS && m.authid == 1 && sig_ok(cap, n, key));
    omapi_status(&m, &result, text, sizeof(text));
    CHECK(result == OMAPI_RESULT_NOTFOUND);
    CHECK(strcmp(text, "no object matches specification") == 0);
    omapi_status(&m, &result, text, 10);
    CHECK(strcmp(text, "no object") == 0);
    CHECK(omapi_failover_state_decode(&m, &st, &e) == ERR_INVALID);
    CHECK(st.found == 0);
    free(cap);

    /* wrong secret: unsigned status, invalid key, no text */
    cap = unhex(cap_bad_reply, &n);
    CHECK(omapi_msg_decode(cap, n, &m, &e) == 0);
    CHECK(m.opcode == OMAPI_OP_STATUS && m.authid == 0 && m.authlen == 0);
    omapi_status(&m, &result, text, sizeof(text));
    CHECK(result == OMAPI_RESULT_INVALIDKEY && text[0] == '\0');
    free(cap);
}

/* A stream: every proper prefix needs more, the whole message is framed,
 * and trailing bytes belong to the next message. */
static void test_framing(void)
{
    static struct omapi_msg m;
    unsigned char *cap, *two;
    size_t n, total;
    struct err e;
    int ok = 1;

    cap = unhex(cap_fs_reply, &n);
    CHECK(n > 0);
    if (n == 0) {
        free(cap);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char *p = malloc(i ? i : 1); /* exact size for ASan */

        memcpy(p, cap, i);
        if (omapi_msg_frame(p, i, &total, &e) != 0 || total != 0)
            ok = 0;
        if (omapi_msg_decode(p, i, &m, &e) != ERR_INVALID)
            ok = 0;
        free(p);
    }
    CHECK(ok);
    two = malloc(2 * n);
    memcpy(two, cap, n);
    memcpy(two + n, cap, n);
    CHECK(omapi_msg_frame(two, 2 * n, &total, &e) == 0 && total == n);
    CHECK(omapi_msg_decode(two, n + 1, &m, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "after the end") != NULL);
    free(two);
    free(cap);
}

/* Appends one raw entry to b at *p. */
static void raw_entry(unsigned char *b, size_t *p, uint16_t nlen,
                      const char *name, uint32_t vlen)
{
    b[(*p)++] = (unsigned char)(nlen >> 8);
    b[(*p)++] = (unsigned char)nlen;
    /* OMAPI names are counted, not NUL-terminated */
    /* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
    memcpy(b + *p, name, strlen(name));
    *p += strlen(name);
    b[(*p)++] = (unsigned char)(vlen >> 24);
    b[(*p)++] = (unsigned char)(vlen >> 16);
    b[(*p)++] = (unsigned char)(vlen >> 8);
    b[(*p)++] = (unsigned char)vlen;
}

static void test_hostile(void)
{
    static struct omapi_msg m;
    static unsigned char b[OMAPI_MAX_MESSAGE + 4096];
    size_t p, total;
    struct err e;

    /* huge authlen */
    memset(b, 0, OMAPI_HEADER_SIZE + 4);
    b[4] = 0xff;
    CHECK(omapi_msg_frame(b, OMAPI_HEADER_SIZE + 4, &total, &e) == ERR_INVALID);
    CHECK(omapi_msg_decode(b, OMAPI_HEADER_SIZE + 4, &m, &e) == ERR_INVALID);
    CHECK(omapi_msg_signed_span(b, OMAPI_HEADER_SIZE + 4, &p, &total, &e) ==
          ERR_INVALID);
    /* authlen longer than the message */
    b[4] = 0;
    b[7] = 32;
    CHECK(omapi_msg_signed_span(b, OMAPI_HEADER_SIZE + 4, &p, &total, &e) ==
          ERR_INVALID);
    CHECK(omapi_msg_signed_span(b, 10, &p, &total, &e) == ERR_INVALID);
    b[7] = 0;

    /* huge name length: refused as soon as its 2 bytes are there */
    p = OMAPI_HEADER_SIZE;
    b[p++] = 0xff;
    b[p++] = 0xff;
    CHECK(omapi_msg_frame(b, p, &total, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "name") != NULL);

    /* huge value length (4 GiB - 1) */
    p = OMAPI_HEADER_SIZE;
    raw_entry(b, &p, 4, "type", 0xffffffffu);
    CHECK(omapi_msg_frame(b, p, &total, &e) == ERR_INVALID);
    CHECK(omapi_msg_decode(b, p, &m, &e) == ERR_INVALID);

    /* a value length pointing past the buffer, within the limits */
    p = OMAPI_HEADER_SIZE;
    raw_entry(b, &p, 4, "type", 100);
    CHECK(omapi_msg_frame(b, p + 10, &total, &e) == 0 && total == 0);
    CHECK(omapi_msg_decode(b, p + 10, &m, &e) == ERR_INVALID);

    /* too many values in one list */
    p = OMAPI_HEADER_SIZE;
    for (int i = 0; i < OMAPI_MAX_VALUES + 1; i++)
        raw_entry(b, &p, 1, "x", 0);
    b[p++] = 0;
    b[p++] = 0;
    b[p++] = 0;
    b[p++] = 0;
    CHECK(omapi_msg_decode(b, p, &m, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "more than") != NULL);
    /* exactly the limit is fine */
    p = OMAPI_HEADER_SIZE;
    for (int i = 0; i < OMAPI_MAX_VALUES; i++)
        raw_entry(b, &p, 1, "x", 0);
    memset(b + p, 0, 4);
    p += 4;
    CHECK(omapi_msg_decode(b, p, &m, &e) == 0 && m.n_msg == OMAPI_MAX_VALUES &&
          m.n_obj == 0);

    /* a message over OMAPI_MAX_MESSAGE made of legal-size values */
    p = OMAPI_HEADER_SIZE;
    for (int i = 0; i < 4; i++) {
        raw_entry(b, &p, 1, "v", OMAPI_MAX_VALUE);
        memset(b + p, 'a', OMAPI_MAX_VALUE);
        p += OMAPI_MAX_VALUE;
    }
    memset(b + p, 0, 4);
    p += 4;
    CHECK(p > OMAPI_MAX_MESSAGE);
    CHECK(omapi_msg_frame(b, p, &total, &e) == ERR_INVALID);
    CHECK(omapi_msg_decode(b, p, &m, &e) == ERR_INVALID);

    /* garbage at the end of a list: list never ends */
    memset(b, 0, OMAPI_HEADER_SIZE);
    p = OMAPI_HEADER_SIZE;
    raw_entry(b, &p, 1, "x", 1);
    b[p++] = 'y';
    CHECK(omapi_msg_decode(b, p, &m, &e) == ERR_INVALID);

    CHECK(omapi_msg_decode(NULL, 0, &m, &e) == ERR_INVALID);
}

/* Random corruption of a real answer: decoding returns 0 or
 * ERR_INVALID and never reads outside the buffer (run under ASan). */
static void test_mutations(void)
{
    static struct omapi_msg m;
    struct omapi_failover_state st;
    unsigned char *cap, *p;
    size_t n, total;
    uint32_t x = 2463534242u;
    int ok = 1, decoded = 0;

    cap = unhex(cap_fs_reply, &n);
    for (int round = 0; round < 20000; round++) {
        size_t len = n;
        int rc;

        p = malloc(n);
        memcpy(p, cap, n);
        for (int k = 0; k < 1 + round % 4; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            p[x % n] = (unsigned char)(x >> 8);
        }
        if (round % 3 == 0)
            len = x % (n + 1);
        rc = omapi_msg_decode(p, len, &m, NULL);
        if (rc != 0 && rc != ERR_INVALID)
            ok = 0;
        if (rc == 0) {
            decoded++;
            rc = omapi_failover_state_decode(&m, &st, NULL);
            if (rc != 0 && rc != ERR_INVALID)
                ok = 0;
        }
        rc = omapi_msg_frame(p, len, &total, NULL);
        if (rc != 0 && rc != ERR_INVALID)
            ok = 0;
        if (rc == 0 && total > len)
            ok = 0;
        free(p);
    }
    CHECK(ok);
    CHECK(decoded > 0);
    free(cap);
}

static void test_encode_limits(void)
{
    static struct omapi_msg m;
    static char longname[OMAPI_MAX_NAME + 2];
    unsigned char buf[256];
    size_t len;
    struct err e;

    memset(&m, 0, sizeof(m));
    for (int i = 0; i < OMAPI_MAX_VALUES; i++)
        CHECK(omapi_msg_add(&m, 1, omapi_value_str("a", "b"), &e) == 0);
    CHECK(omapi_msg_add(&m, 1, omapi_value_str("a", "b"), &e) == ERR_INVALID);
    /* 64 entries of 8 bytes do not fit into 256 */
    CHECK(omapi_msg_encode(&m, buf, sizeof(buf), &len, &e) == ERR_INVALID);

    memset(&m, 0, sizeof(m));
    memset(longname, 'n', OMAPI_MAX_NAME + 1);
    omapi_msg_add(&m, 0, omapi_value_str(longname, "v"), NULL);
    CHECK(omapi_msg_encode(&m, buf, sizeof(buf), &len, &e) == ERR_INVALID);
    m.msg[0] = omapi_value_str("", "v");
    CHECK(omapi_msg_encode(&m, buf, sizeof(buf), &len, &e) == ERR_INVALID);
    m.msg[0] = omapi_value_str("n", "v");
    m.authlen = OMAPI_MAX_AUTHLEN + 1;
    CHECK(omapi_msg_encode(&m, buf, sizeof(buf), &len, &e) == ERR_INVALID);
    m.authlen = 16;
    /* header, one entry, two list ends, signature */
    CHECK(omapi_msg_encode(&m, buf, 24 + 8 + 4 + 15, &len, &e) == ERR_INVALID);
    CHECK(omapi_msg_encode(&m, buf, 24 + 8 + 4 + 16, &len, &e) == 0);
    CHECK(len == 24 + 8 + 4 + 16);
    CHECK(omapi_msg_encode(&m, buf, 10, &len, &e) == ERR_INVALID);
}

static void test_values(void)
{
    struct omapi_value v;
    unsigned char nine[9] = {0, 0, 0, 0, 0, 0, 0, 1, 2};
    uint64_t x;
    struct err e;

    v.name = "x";
    v.name_len = 1;
    v.value = nine;
    v.value_len = 9;
    CHECK(omapi_value_uint(&v, &x, &e) == ERR_INVALID);
    v.value_len = 0;
    CHECK(omapi_value_uint(&v, &x, &e) == ERR_INVALID);
    v.value = nine + 7;
    v.value_len = 2;
    CHECK(omapi_value_uint(&v, &x, &e) == 0 && x == 0x102);
    v.value = nine + 1;
    v.value_len = 8;
    CHECK(omapi_value_uint(&v, &x, &e) == 0 && x == 0x102);
}

static void test_failover_decode_rules(void)
{
    static struct omapi_msg m;
    struct omapi_failover_state st;
    unsigned char two[4] = {0, 0, 0, 2}, three[4] = {0, 0, 0, 3};
    unsigned char big[4] = {0, 0, 1, 0};
    struct omapi_value local = {"local-state", 11, two, 4};
    struct omapi_value partner = {"partner-state", 13, three, 4};
    struct err e;

    memset(&m, 0, sizeof(m));
    m.opcode = OMAPI_OP_UPDATE;
    omapi_msg_add(&m, 1, local, NULL);
    CHECK(omapi_failover_state_decode(&m, &st, &e) == ERR_INVALID);
    CHECK(strstr(e.msg, "partner-state") != NULL);
    omapi_msg_add(&m, 1, partner, NULL);
    CHECK(omapi_failover_state_decode(&m, &st, &e) == 0);
    CHECK(st.found && st.local_state == 2 && st.partner_state == 3);
    CHECK(st.mclt == 0 && st.hierarchy == 0);
    m.obj[1].value = big; /* state 256 */
    CHECK(omapi_failover_state_decode(&m, &st, &e) == ERR_INVALID);
    m.obj[1].value = three;
    omapi_msg_add(&m, 1, (struct omapi_value){"hierarchy", 9, two, 4}, NULL);
    CHECK(omapi_failover_state_decode(&m, &st, &e) == ERR_INVALID);
    m.n_obj = 2;
    m.opcode = OMAPI_OP_STATUS;
    CHECK(omapi_failover_state_decode(&m, &st, &e) == ERR_INVALID);
}

static void test_state_names(void)
{
    static const char *names[] = {"Startup",
                                  "Normal",
                                  "CommunicationsInterrupted",
                                  "PartnerDown",
                                  "PotentialConflict",
                                  "Recover",
                                  "Paused",
                                  "Shutdown",
                                  "RecoverDone",
                                  "ResolutionInterrupted",
                                  "ConflictDone"};

    for (int i = 1; i <= 11; i++)
        CHECK(strcmp(omapi_state_name(i), names[i - 1]) == 0);
    CHECK(strcmp(omapi_state_name(254), "RecoverWait") == 0);
    CHECK(strcmp(omapi_state_name(0), "Unknown") == 0);
    CHECK(strcmp(omapi_state_name(12), "Unknown") == 0);
    CHECK(strcmp(omapi_state_name(255), "Unknown") == 0);
    CHECK(strcmp(omapi_state_name(-1), "Unknown") == 0);
}

int main(void)
{
    test_greeting();
    test_build_matches_capture();
    test_decode_replies();
    test_framing();
    test_hostile();
    test_mutations();
    test_encode_limits();
    test_values();
    test_failover_decode_rules();
    test_state_names();
    return check_report();
}
