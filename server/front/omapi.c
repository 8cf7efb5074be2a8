/* micetro-emu: the OMAPI wire format.  See omapi.h. */
#include "omapi.h"

#include <string.h>

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

void omapi_greeting_encode(unsigned char *out)
{
    put32(out, OMAPI_PROTOCOL_VERSION);
    put32(out + 4, OMAPI_HEADER_SIZE);
}

int omapi_greeting_check(const unsigned char *buf, size_t len, struct err *e)
{
    if (buf == NULL || len != OMAPI_GREETING_LEN)
        return err_set(e, ERR_INVALID, "OMAPI greeting must be %d bytes",
                       OMAPI_GREETING_LEN);
    if (get32(buf) != OMAPI_PROTOCOL_VERSION)
        return err_set(e, ERR_INVALID, "OMAPI protocol version %u, not %d",
                       (unsigned)get32(buf), OMAPI_PROTOCOL_VERSION);
    if (get32(buf + 4) != OMAPI_HEADER_SIZE)
        return err_set(e, ERR_INVALID, "OMAPI header size %u, not %d",
                       (unsigned)get32(buf + 4), OMAPI_HEADER_SIZE);
    return 0;
}

struct omapi_value omapi_value_str(const char *name, const char *value)
{
    struct omapi_value v;

    v.name = name;
    v.name_len = name ? strlen(name) : 0;
    v.value = (const unsigned char *)value;
    v.value_len = value ? strlen(value) : 0;
    return v;
}

int omapi_msg_add(struct omapi_msg *m, int is_obj, struct omapi_value v,
                  struct err *e)
{
    size_t *n = is_obj ? &m->n_obj : &m->n_msg;
    struct omapi_value *list = is_obj ? m->obj : m->msg;

    if (*n >= OMAPI_MAX_VALUES)
        return err_set(e, ERR_INVALID, "more than %d OMAPI values",
                       OMAPI_MAX_VALUES);
    list[(*n)++] = v;
    return 0;
}

/* Encodes one list at buf + *pos; cap is checked before every write. */
static int encode_list(const struct omapi_value *list, size_t n,
                       unsigned char *buf, size_t cap, size_t *pos,
                       struct err *e)
{
    if (n > OMAPI_MAX_VALUES)
        return err_set(e, ERR_INVALID, "more than %d OMAPI values",
                       OMAPI_MAX_VALUES);
    for (size_t i = 0; i < n; i++) {
        const struct omapi_value *v = &list[i];

        if (v->name == NULL || v->name_len == 0 || v->name_len > OMAPI_MAX_NAME)
            return err_set(e, ERR_INVALID, "OMAPI name must be 1 to %d bytes",
                           OMAPI_MAX_NAME);
        if (v->value_len > OMAPI_MAX_VALUE ||
            (v->value_len > 0 && v->value == NULL))
            return err_set(e, ERR_INVALID,
                           "OMAPI value \"%.*s\" longer than %d bytes",
                           (int)v->name_len, v->name, OMAPI_MAX_VALUE);
        if (cap - *pos < 2 + v->name_len + 4 + v->value_len)
            return err_set(e, ERR_INVALID, "OMAPI message too long");
        put16(buf + *pos, (uint16_t)v->name_len);
        memcpy(buf + *pos + 2, v->name, v->name_len);
        *pos += 2 + v->name_len;
        put32(buf + *pos, (uint32_t)v->value_len);
        if (v->value_len)
            memcpy(buf + *pos + 4, v->value, v->value_len);
        *pos += 4 + v->value_len;
    }
    if (cap - *pos < 2)
        return err_set(e, ERR_INVALID, "OMAPI message too long");
    put16(buf + *pos, 0);
    *pos += 2;
    return 0;
}

int omapi_msg_encode(const struct omapi_msg *m, unsigned char *buf, size_t cap,
                     size_t *len, struct err *e)
{
    size_t pos = OMAPI_HEADER_SIZE;
    int rc;

    if (cap > OMAPI_MAX_MESSAGE)
        cap = OMAPI_MAX_MESSAGE;
    if (m->authlen > OMAPI_MAX_AUTHLEN)
        return err_set(e, ERR_INVALID, "OMAPI signature longer than %d",
                       OMAPI_MAX_AUTHLEN);
    if (cap < OMAPI_HEADER_SIZE)
        return err_set(e, ERR_INVALID, "OMAPI message too long");
    put32(buf, m->authid);
    put32(buf + 4, m->authlen);
    put32(buf + 8, m->opcode);
    put32(buf + 12, m->handle);
    put32(buf + 16, m->tid);
    put32(buf + 20, m->rid);
    rc = encode_list(m->msg, m->n_msg, buf, cap, &pos, e);
    if (rc < 0)
        return rc;
    rc = encode_list(m->obj, m->n_obj, buf, cap, &pos, e);
    if (rc < 0)
        return rc;
    if (cap - pos < m->authlen)
        return err_set(e, ERR_INVALID, "OMAPI message too long");
    if (m->sig)
        memcpy(buf + pos, m->sig, m->authlen);
    else
        memset(buf + pos, 0, m->authlen);
    *len = pos + m->authlen;
    return 0;
}

int omapi_msg_signed_span(const unsigned char *buf, size_t len, size_t *off,
                          size_t *span_len, struct err *e)
{
    uint32_t authlen;

    if (len < OMAPI_HEADER_SIZE || len > OMAPI_MAX_MESSAGE)
        return err_set(e, ERR_INVALID, "not an OMAPI message");
    authlen = get32(buf + 4);
    if (authlen > OMAPI_MAX_AUTHLEN || authlen > len - OMAPI_HEADER_SIZE)
        return err_set(e, ERR_INVALID, "OMAPI signature length %u invalid",
                       (unsigned)authlen);
    *off = 4;
    *span_len = len - authlen - 4;
    return 0;
}

int omapi_msg_put_signature(unsigned char *buf, size_t len,
                            const unsigned char *sig, size_t sig_len,
                            struct err *e)
{
    size_t off = 0, span = 0;
    int rc = omapi_msg_signed_span(buf, len, &off, &span, e);

    if (rc < 0)
        return rc;
    if (sig_len != get32(buf + 4))
        return err_set(e, ERR_INVALID,
                       "signature of %zu bytes for an authlen of %u", sig_len,
                       (unsigned)get32(buf + 4));
    if (sig_len)
        memcpy(buf + off + span, sig, sig_len);
    return 0;
}

/* Walks one list starting at *pos within avail bytes.  Sets *done to 0
 * when the bytes run out before the list ends.  Entries go to out (may be
 * NULL) and their count to *n. */
static int walk_list(const unsigned char *buf, size_t avail, size_t *pos,
                     int *done, struct omapi_value *out, size_t *n,
                     struct err *e)
{
    size_t count = 0;

    *done = 0;
    for (;;) {
        size_t nlen, vlen;

        if (avail - *pos < 2)
            return 0;
        nlen = get16(buf + *pos);
        if (nlen == 0) {
            *pos += 2;
            break;
        }
        if (count >= OMAPI_MAX_VALUES)
            return err_set(e, ERR_INVALID, "more than %d OMAPI values",
                           OMAPI_MAX_VALUES);
        if (nlen > OMAPI_MAX_NAME)
            return err_set(e, ERR_INVALID, "OMAPI name of %zu bytes (limit %d)",
                           nlen, OMAPI_MAX_NAME);
        if (avail - *pos < 2 + nlen + 4)
            return 0;
        vlen = get32(buf + *pos + 2 + nlen);
        if (vlen > OMAPI_MAX_VALUE)
            return err_set(e, ERR_INVALID,
                           "OMAPI value of %zu bytes (limit %d)", vlen,
                           OMAPI_MAX_VALUE);
        /* *pos <= OMAPI_MAX_MESSAGE + 1 here, so no overflow */
        if (*pos + 2 + nlen + 4 + vlen > OMAPI_MAX_MESSAGE)
            return err_set(e, ERR_INVALID, "OMAPI message over %d bytes",
                           OMAPI_MAX_MESSAGE);
        if (avail - *pos - 2 - nlen - 4 < vlen)
            return 0;
        if (out) {
            out[count].name = (const char *)buf + *pos + 2;
            out[count].name_len = nlen;
            out[count].value = buf + *pos + 2 + nlen + 4;
            out[count].value_len = vlen;
        }
        count++;
        *pos += 2 + nlen + 4 + vlen;
    }
    if (n)
        *n = count;
    *done = 1;
    return 0;
}

/* Shared by frame and decode: m may be NULL (framing only). */
static int walk(const unsigned char *buf, size_t avail, size_t *total,
                struct omapi_msg *m, struct err *e)
{
    size_t pos = OMAPI_HEADER_SIZE;
    uint32_t authlen;
    int done, rc;

    *total = 0;
    if (avail > OMAPI_MAX_MESSAGE)
        avail = OMAPI_MAX_MESSAGE + 1; /* enough to detect the limit */
    if (avail < OMAPI_HEADER_SIZE)
        return 0;
    authlen = get32(buf + 4);
    if (authlen > OMAPI_MAX_AUTHLEN)
        return err_set(e, ERR_INVALID, "OMAPI signature of %u bytes",
                       (unsigned)authlen);
    rc = walk_list(buf, avail, &pos, &done, m ? m->msg : NULL,
                   m ? &m->n_msg : NULL, e);
    if (rc < 0 || !done)
        return rc;
    rc = walk_list(buf, avail, &pos, &done, m ? m->obj : NULL,
                   m ? &m->n_obj : NULL, e);
    if (rc < 0 || !done)
        return rc;
    if (pos > OMAPI_MAX_MESSAGE || OMAPI_MAX_MESSAGE - pos < authlen)
        return err_set(e, ERR_INVALID, "OMAPI message over %d bytes",
                       OMAPI_MAX_MESSAGE);
    if (avail - pos < authlen)
        return 0;
    if (m) {
        m->authid = get32(buf);
        m->authlen = authlen;
        m->opcode = get32(buf + 8);
        m->handle = get32(buf + 12);
        m->tid = get32(buf + 16);
        m->rid = get32(buf + 20);
        m->sig = buf + pos;
    }
    *total = pos + authlen;
    return 0;
}

int omapi_msg_frame(const unsigned char *buf, size_t avail, size_t *total,
                    struct err *e)
{
    return walk(buf, avail, total, NULL, e);
}

int omapi_msg_decode(const unsigned char *buf, size_t len, struct omapi_msg *m,
                     struct err *e)
{
    size_t total;
    int rc;

    memset(m, 0, sizeof(*m));
    if (buf == NULL)
        return err_set(e, ERR_INVALID, "no OMAPI message");
    rc = walk(buf, len, &total, m, e);
    if (rc < 0)
        return rc;
    if (total == 0)
        return err_set(e, ERR_INVALID, "truncated OMAPI message");
    if (total != len)
        return err_set(e, ERR_INVALID,
                       "%zu bytes after the end of an OMAPI message",
                       len - total);
    return 0;
}

const struct omapi_value *omapi_find(const struct omapi_value *list, size_t n,
                                     const char *name)
{
    size_t nlen = strlen(name);

    for (size_t i = 0; i < n; i++)
        if (list[i].name_len == nlen && memcmp(list[i].name, name, nlen) == 0)
            return &list[i];
    return NULL;
}

int omapi_value_uint(const struct omapi_value *v, uint64_t *out, struct err *e)
{
    uint64_t x = 0;

    if (v->value_len < 1 || v->value_len > 8)
        return err_set(e, ERR_INVALID,
                       "OMAPI value \"%.*s\" is not an integer (%zu bytes)",
                       (int)v->name_len, v->name, v->value_len);
    for (size_t i = 0; i < v->value_len; i++)
        x = x << 8 | v->value[i];
    *out = x;
    return 0;
}

void omapi_status(const struct omapi_msg *m, uint32_t *result, char *text,
                  size_t cap)
{
    const struct omapi_value *v;
    uint64_t r = 0;

    v = omapi_find(m->msg, m->n_msg, "result");
    if (v == NULL || omapi_value_uint(v, &r, NULL) < 0 || r > UINT32_MAX)
        r = 0;
    *result = (uint32_t)r;
    if (cap == 0)
        return;
    text[0] = '\0';
    v = omapi_find(m->msg, m->n_msg, "message");
    if (v) {
        size_t n = v->value_len < cap - 1 ? v->value_len : cap - 1;

        /* keep it printable: it goes into error messages */
        for (size_t i = 0; i < n; i++)
            text[i] = (char)(v->value[i] >= 0x20 && v->value[i] < 0x7f
                                 ? v->value[i]
                                 : '?');
        text[n] = '\0';
    }
}

/* A required (req) or optional integer attribute of the object. */
static int get_attr(const struct omapi_msg *m, const char *name, int req,
                    uint64_t max, uint64_t *out, struct err *e)
{
    const struct omapi_value *v = omapi_find(m->obj, m->n_obj, name);
    int rc;

    *out = 0;
    if (v == NULL)
        return req ? err_set(e, ERR_INVALID, "failover-state has no \"%s\"",
                             name)
                   : 0;
    rc = omapi_value_uint(v, out, e);
    if (rc < 0)
        return rc;
    if (*out > max)
        return err_set(e, ERR_INVALID, "failover-state \"%s\" out of range",
                       name);
    return 0;
}

int omapi_failover_state_decode(const struct omapi_msg *m,
                                struct omapi_failover_state *out, struct err *e)
{
    uint64_t local, partner, mclt, hier;
    int rc;

    memset(out, 0, sizeof(*out));
    if (m->opcode != OMAPI_OP_UPDATE)
        return err_set(e, ERR_INVALID, "OMAPI answer has opcode %u, not update",
                       (unsigned)m->opcode);
    rc = get_attr(m, "local-state", 1, 255, &local, e);
    if (rc < 0)
        return rc;
    rc = get_attr(m, "partner-state", 1, 255, &partner, e);
    if (rc < 0)
        return rc;
    rc = get_attr(m, "mclt", 0, UINT32_MAX, &mclt, e);
    if (rc < 0)
        return rc;
    rc = get_attr(m, "hierarchy", 0, 1, &hier, e);
    if (rc < 0)
        return rc;
    out->found = 1;
    out->local_state = (int)local;
    out->partner_state = (int)partner;
    out->mclt = (long long)mclt;
    out->hierarchy = (int)hier;
    return 0;
}

const char *omapi_state_name(int code)
{
    switch (code) {
    case 1:
        return "Startup";
    case 2:
        return "Normal";
    case 3:
        return "CommunicationsInterrupted";
    case 4:
        return "PartnerDown";
    case 5:
        return "PotentialConflict";
    case 6:
        return "Recover";
    case 7:
        return "Paused";
    case 8:
        return "Shutdown";
    case 9:
        return "RecoverDone";
    case 10:
        return "ResolutionInterrupted";
    case 11:
        return "ConflictDone";
    case 254:
        return "RecoverWait";
    default:
        return "Unknown";
    }
}
