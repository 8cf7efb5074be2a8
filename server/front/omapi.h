/* micetro-emu: the OMAPI wire format (ISC dhcpd's management protocol).
 *
 * Pure codec: no I/O, no cryptography.  A connection starts with an 8-byte
 * greeting from each side (protocol version 100, header size 24).  Every
 * message after it is
 *
 *     uint32 authid, authlen, opcode, handle, tid, rid   (big-endian)
 *     message name/value list
 *     object name/value list
 *     signature (authlen bytes)
 *
 * where a list is a run of entries (uint16 name length, name, uint32 value
 * length, value) closed by a uint16 0.  The signature covers every byte
 * from authlen (offset 4) up to the signature itself: omapi_msg_signed_span
 * gives that span, so the caller signs it with whatever it links
 * (HMAC-MD5 for dhcpd) and stores the result with omapi_msg_put_signature.
 *
 * Decoding never reads outside the given buffer, and every length is also
 * held to the OMAPI_MAX_* limits below; anything else is ERR_INVALID.
 * Decoded values point into the caller's buffer (no copies, not
 * NUL-terminated): keep the buffer alive while using them.
 */
#ifndef MICETRO_OMAPI_H
#define MICETRO_OMAPI_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define OMAPI_PROTOCOL_VERSION 100
#define OMAPI_HEADER_SIZE 24
#define OMAPI_GREETING_LEN 8

/* Limits applied to every message, built or decoded.  dhcpd's own
 * failover-state answer is about 600 bytes with 19 values. */
#define OMAPI_MAX_MESSAGE 65536 /* whole message, header to signature */
#define OMAPI_MAX_VALUES 64     /* entries per list */
#define OMAPI_MAX_NAME 64       /* bytes of one entry's name */
#define OMAPI_MAX_VALUE 16384   /* bytes of one entry's value */
#define OMAPI_MAX_AUTHLEN 64    /* bytes of a signature (HMAC-MD5: 16) */

enum omapi_opcode {
    OMAPI_OP_OPEN = 1,
    OMAPI_OP_REFRESH = 2,
    OMAPI_OP_UPDATE = 3,
    OMAPI_OP_NOTIFY = 4,
    OMAPI_OP_STATUS = 5,
    OMAPI_OP_DELETE = 6
};

/* ISC result codes seen in a status message's "result" value. */
#define OMAPI_RESULT_NOTFOUND 23        /* ISC_R_NOTFOUND */
#define OMAPI_RESULT_INVALIDKEY 0x6000b /* DHCP_R_INVALIDKEY: bad signature */

/* The algorithm name dhcpd expects for HMAC-MD5 keys. */
#define OMAPI_ALG_HMAC_MD5 "hmac-md5.SIG-ALG.REG.INT."
#define OMAPI_HMAC_MD5_LEN 16

/* One name/value entry.  Names and values are byte strings. */
struct omapi_value {
    const char *name;
    size_t name_len;
    const unsigned char *value;
    size_t value_len;
};

struct omapi_msg {
    uint32_t authid;
    uint32_t authlen; /* signature length: bytes reserved when encoding */
    uint32_t opcode;
    uint32_t handle;
    uint32_t tid;
    uint32_t rid;
    size_t n_msg;
    struct omapi_value msg[OMAPI_MAX_VALUES];
    size_t n_obj;
    struct omapi_value obj[OMAPI_MAX_VALUES];
    const unsigned char *sig; /* authlen bytes, or NULL (encode: zeros) */
};

/* A failover relationship's live state as dhcpd's "failover-state"
 * object reports it.  States are dhcpd's codes (see omapi_state_name). */
struct omapi_failover_state {
    int found; /* 0: dhcpd has no such object ("Empty") */
    int local_state;
    int partner_state;
    long long mclt; /* seconds */
    int hierarchy;  /* 0 primary, 1 secondary */
};

/* Writes the greeting (version 100, header size 24) into out[8]. */
void omapi_greeting_encode(unsigned char *out);

/* Checks a peer's greeting: exactly 8 bytes, version 100, header 24. */
int omapi_greeting_check(const unsigned char *buf, size_t len, struct err *e);

/* A name/value entry for a NUL-terminated name and string value (the
 * strings are referenced, not copied). */
struct omapi_value omapi_value_str(const char *name, const char *value);

/* Adds an entry to m's message list (is_obj 0) or object list (is_obj
 * 1); ERR_INVALID past OMAPI_MAX_VALUES. */
int omapi_msg_add(struct omapi_msg *m, int is_obj, struct omapi_value v,
                  struct err *e);

/* Encodes m into buf (cap bytes) and sets *len.  The signature field is
 * m->authlen bytes long: m->sig when set, zeros otherwise.  ERR_INVALID
 * when m breaks a limit or buf is too small. */
int omapi_msg_encode(const struct omapi_msg *m, unsigned char *buf, size_t cap,
                     size_t *len, struct err *e);

/* The bytes of an encoded message (buf, len) that its signature covers:
 * from offset 4 (authlen) to the start of the signature.  Works on built
 * and received messages alike. */
int omapi_msg_signed_span(const unsigned char *buf, size_t len, size_t *off,
                          size_t *span_len, struct err *e);

/* Stores sig (sig_len bytes, which must equal the message's authlen) as
 * the signature of the encoded message in buf. */
int omapi_msg_put_signature(unsigned char *buf, size_t len,
                            const unsigned char *sig, size_t sig_len,
                            struct err *e);

/* Framing for a byte stream: when buf (avail bytes) starts with a whole
 * message, sets *total to its length; when more bytes are needed, sets
 * *total to 0.  ERR_INVALID as soon as what is there breaks a limit. */
int omapi_msg_frame(const unsigned char *buf, size_t avail, size_t *total,
                    struct err *e);

/* Decodes exactly one message of len bytes (no trailing bytes). */
int omapi_msg_decode(const unsigned char *buf, size_t len, struct omapi_msg *m,
                     struct err *e);

/* The first entry called name in list (n entries), or NULL. */
const struct omapi_value *omapi_find(const struct omapi_value *list, size_t n,
                                     const char *name);

/* An unsigned big-endian integer value of 1 to 8 bytes. */
int omapi_value_uint(const struct omapi_value *v, uint64_t *out, struct err *e);

/* A status message's "result" (0 when absent) and "message" text (copied,
 * NUL-terminated and truncated to cap; "" when absent). */
void omapi_status(const struct omapi_msg *m, uint32_t *result, char *text,
                  size_t cap);

/* Fills out from the object of dhcpd's answer to an open of a
 * "failover-state" (local-state and partner-state are required; mclt and
 * hierarchy default to 0).  Sets out->found = 1. */
int omapi_failover_state_decode(const struct omapi_msg *m,
                                struct omapi_failover_state *out,
                                struct err *e);

/* Micetro's name of a dhcpd failover state code ("Normal" ...), or
 * "Unknown". */
const char *omapi_state_name(int code);

#endif
