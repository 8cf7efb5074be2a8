/* micetro-emu core: input rules (see validate.h). */
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define QUOTE_MAX 64 /* display bytes of a quoted value, "..." and NUL */

static const char ipv6_msg[] = "IPv6 addresses are not supported yet: \"%s\"";
static const char name_chars[] = "letters, digits and . - _ : / @ + =";

char *validate_quote(const char *s, char *buf, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t cap = len < QUOTE_MAX ? len : QUOTE_MAX;
    size_t o = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (s == NULL || cap < 4)
        return buf;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char tmp[4];
        size_t n;

        if (c == '"' || c == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            n = 2;
        } else if (c >= 0x20 && c < 0x7f) {
            tmp[0] = (char)c;
            n = 1;
        } else {
            tmp[0] = '\\';
            tmp[1] = 'x';
            tmp[2] = hex[c >> 4];
            tmp[3] = hex[c & 0xf];
            n = 4;
        }
        /* keep room for "..." and the NUL */
        if (o + n > cap - 4) {
            memcpy(buf + o, "...", 4);
            return buf;
        }
        memcpy(buf + o, tmp, n);
        o += n;
    }
    buf[o] = '\0';
    return buf;
}

/* " for field \"x\"" or "" when field is NULL. */
static const char *for_field(const char *field, char *buf, size_t len)
{
    if (field == NULL)
        return "";
    snprintf(buf, len, " for field \"%s\"", field);
    return buf;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 1 when s[0..n) looks like an IPv6 address or CIDR (hex digits, '.',
 * ':', '[', ']', '/', with at least two ':'). */
static int looks_ipv6(const char *s, size_t n)
{
    int colons = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':')
            colons++;
        else if (!is_hex((unsigned char)s[i]) && strchr(".[]/", s[i]) == NULL)
            return 0;
    }
    return colons >= 2;
}

/* Parses exactly s[0..n) as a dotted quad. */
static int parse_ipv4(const char *s, size_t n, uint32_t *out)
{
    uint32_t ip = 0;
    size_t i = 0;

    for (int octet = 0; octet < 4; octet++) {
        unsigned v = 0;
        size_t start = i;

        if (octet > 0) {
            if (i >= n || s[i] != '.')
                return -1;
            start = ++i;
        }
        while (i < n && is_digit((unsigned char)s[i]) && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255)
            return -1;
        if (s[start] == '0' && i - start > 1)
            return -1; /* leading zero */
        ip = ip << 8 | v;
    }
    if (i != n)
        return -1;
    if (out != NULL)
        *out = ip;
    return 0;
}

/* Parses s[0..n) as a decimal without sign or leading zeros, at most max;
 * "0" is accepted (callers check lower bounds). */
static int parse_uint(const char *s, size_t n, unsigned long long max,
                      unsigned long long *out)
{
    unsigned long long v = 0;

    if (n == 0 || (s[0] == '0' && n > 1))
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned d;

        if (!is_digit((unsigned char)s[i]))
            return -1;
        d = (unsigned)(s[i] - '0');
        if (d > max || v > (max - d) / 10)
            return -1; /* v * 10 + d > max */
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int validate_ipv4(const char *s, uint32_t *out, const char *field,
                  struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], f[96];

    if (s == NULL)
        s = "";
    if (parse_ipv4(s, strlen(s), out) == 0)
        return 0;
    if (looks_ipv6(s, strlen(s)))
        return err_set(e, ERR_INVALID, ipv6_msg,
                       validate_quote(s, q, sizeof(q)));
    return err_set(e, ERR_INVALID, "invalid IPv4 address \"%s\"%s",
                   validate_quote(s, q, sizeof(q)),
                   for_field(field, f, sizeof(f)));
}

uint32_t validate_cidr_mask(int prefix)
{
    if (prefix <= 0 || prefix > 32)
        return 0;
    return (uint32_t)(0xffffffffu << (32 - prefix));
}

uint32_t validate_cidr_first(uint32_t net, int prefix)
{
    return net & validate_cidr_mask(prefix);
}

uint32_t validate_cidr_last(uint32_t net, int prefix)
{
    return net | ~validate_cidr_mask(prefix);
}

char *validate_ipv4_format(uint32_t ip, char buf[VALIDATE_IPV4_BUF])
{
    snprintf(buf, VALIDATE_IPV4_BUF, "%u.%u.%u.%u", (unsigned)(ip >> 24),
             (unsigned)(ip >> 16 & 0xff), (unsigned)(ip >> 8 & 0xff),
             (unsigned)(ip & 0xff));
    return buf;
}

int validate_cidr(const char *s, uint32_t *net, int *prefix, const char *field,
                  struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], f[96], a[VALIDATE_IPV4_BUF];
    const char *slash;
    unsigned long long p;
    uint32_t ip;

    if (s == NULL)
        s = "";
    if (looks_ipv6(s, strlen(s)))
        return err_set(e, ERR_INVALID, ipv6_msg,
                       validate_quote(s, q, sizeof(q)));
    slash = strchr(s, '/');
    if (slash == NULL || parse_ipv4(s, (size_t)(slash - s), &ip) != 0 ||
        parse_uint(slash + 1, strlen(slash + 1), 32, &p) != 0)
        return err_set(e, ERR_INVALID, "invalid CIDR \"%s\"%s",
                       validate_quote(s, q, sizeof(q)),
                       for_field(field, f, sizeof(f)));
    if (validate_cidr_first(ip, (int)p) != ip)
        return err_set(
            e, ERR_INVALID,
            "invalid CIDR \"%s\"%s: not a network address "
            "(did you mean \"%s/%d\"?)",
            validate_quote(s, q, sizeof(q)), for_field(field, f, sizeof(f)),
            validate_ipv4_format(validate_cidr_first(ip, (int)p), a), (int)p);
    if (net != NULL)
        *net = ip;
    if (prefix != NULL)
        *prefix = (int)p;
    return 0;
}

/* Names one end of a range in a message. */
static int range_err(struct err *e, const char *field, uint32_t ip,
                     const char *what, uint32_t net, int prefix)
{
    char a[VALIDATE_IPV4_BUF], n[VALIDATE_IPV4_BUF];

    return err_set(e, ERR_INVALID,
                   "address \"%s\" for field \"%s\" is %s %s/%d",
                   validate_ipv4_format(ip, a), field, what,
                   validate_ipv4_format(net, n), prefix);
}

int validate_range_in_cidr(uint32_t from, uint32_t to, uint32_t net, int prefix,
                           unsigned flags, struct err *e)
{
    char a[VALIDATE_IPV4_BUF], b[VALIDATE_IPV4_BUF];
    uint32_t first, last;

    if (prefix < 0 || prefix > 32)
        return err_set(e, ERR_INVALID, "invalid prefix length %d", prefix);
    first = validate_cidr_first(net, prefix);
    last = validate_cidr_last(net, prefix);
    if (from > to)
        return err_set(e, ERR_INVALID,
                       "address \"%s\" for field \"from\" is above "
                       "address \"%s\" for field \"to\"",
                       validate_ipv4_format(from, a),
                       validate_ipv4_format(to, b));
    if (from < first || from > last)
        return range_err(e, "from", from, "outside", first, prefix);
    if (to < first || to > last)
        return range_err(e, "to", to, "outside", first, prefix);
    if ((flags & VALIDATE_RANGE_POOL) && prefix <= 30) {
        if (from == first)
            return range_err(e, "from", from, "the network address of", first,
                             prefix);
        if (to == last)
            return range_err(e, "to", to, "the broadcast address of", first,
                             prefix);
    }
    return 0;
}

int validate_name(const char *s, const char *field, size_t maxlen,
                  struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], f[96], c[8];
    size_t n;

    if (s == NULL || *s == '\0')
        return err_set(e, ERR_INVALID, "empty name%s",
                       for_field(field, f, sizeof(f)));
    n = strlen(s);
    if (n > maxlen)
        return err_set(e, ERR_INVALID,
                       "name \"%s\"%s is too long (%zu bytes, at most %zu)",
                       validate_quote(s, q, sizeof(q)),
                       for_field(field, f, sizeof(f)), n, maxlen);
    for (size_t i = 0; i < n; i++) {
        char one[2] = {s[i], '\0'};

        if (is_alnum((unsigned char)s[i]) || strchr(".-_:/@+=", s[i]) != NULL)
            continue;
        validate_quote(one, c, sizeof(c));
        return err_set(e, ERR_INVALID,
                       "invalid character '%s' in name \"%s\"%s: names may "
                       "use %s",
                       c, validate_quote(s, q, sizeof(q)),
                       for_field(field, f, sizeof(f)), name_chars);
    }
    return 0;
}

/* Checks a host name; *why gets the reason on failure. */
static int check_hostname(const char *s, const char **why)
{
    size_t n = strlen(s), label = 0;

    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n == 0) {
        *why = "empty name";
        return -1;
    }
    if (n > VALIDATE_HOSTNAME_MAX) {
        *why = "longer than 253 characters";
        return -1;
    }
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (label == 0) {
                *why = "empty label";
                return -1;
            }
            if (label > 63) {
                *why = "label longer than 63 characters";
                return -1;
            }
            if (s[i - label] == '-' || s[i - 1] == '-') {
                *why = "label starts or ends with '-'";
                return -1;
            }
            label = 0;
            continue;
        }
        if (!is_alnum((unsigned char)s[i]) && s[i] != '-') {
            *why = "labels may use letters, digits and '-' only";
            return -1;
        }
        label++;
    }
    return 0;
}

int validate_hostname(const char *s, const char *field, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], f[96];
    const char *why = NULL;

    if (s == NULL)
        s = "";
    if (check_hostname(s, &why) == 0)
        return 0;
    return err_set(e, ERR_INVALID, "invalid host name \"%s\"%s: %s",
                   validate_quote(s, q, sizeof(q)),
                   for_field(field, f, sizeof(f)), why);
}

int validate_hostname_canonical(const char *in, char *out, size_t len)
{
    const char *why;
    size_t n;

    if (in == NULL || check_hostname(in, &why) != 0)
        return ERR_INVALID;
    n = strlen(in);
    if (in[n - 1] == '.')
        n--;
    if (out == NULL || len < n + 2)
        return ERR_INTERNAL;
    memcpy(out, in, n);
    out[n] = '.';
    out[n + 1] = '\0';
    return 0;
}

/* Decodes one UTF-8 sequence at s; returns its length and sets *cp, or 0
 * for an invalid or truncated sequence. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char b = s[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;
    uint32_t v;

    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xc2 && b <= 0xdf) {
        n = 2;
        v = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
        n = 3;
        v = b & 0x0f;
        if (b == 0xe0)
            lo = 0xa0; /* overlong */
        else if (b == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (b >= 0xf0 && b <= 0xf4) {
        n = 4;
        v = b & 0x07;
        if (b == 0xf0)
            lo = 0x90; /* overlong */
        else if (b == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if (s[i] < lo || s[i] > hi)
            return 0; /* includes the NUL of a truncated sequence */
        v = v << 6 | (s[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }
    *cp = v;
    return n;
}

int validate_text(const char *s, const char *field, size_t maxlen,
                  struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], f[96];
    const unsigned char *p;
    size_t n;

    if (s == NULL)
        return 0;
    n = strlen(s);
    if (n > maxlen)
        return err_set(e, ERR_INVALID,
                       "value \"%s\"%s is too long (%zu bytes, at most %zu)",
                       validate_quote(s, q, sizeof(q)),
                       for_field(field, f, sizeof(f)), n, maxlen);
    p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t len = utf8_decode(p, &cp);
        size_t at = (size_t)(p - (const unsigned char *)s);

        if (len == 0)
            return err_set(e, ERR_INVALID,
                           "invalid UTF-8 at byte %zu in \"%s\"%s", at,
                           validate_quote(s, q, sizeof(q)),
                           for_field(field, f, sizeof(f)));
        if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
            return err_set(e, ERR_INVALID,
                           "control character U+%04X at byte %zu in \"%s\"%s",
                           (unsigned)cp, at, validate_quote(s, q, sizeof(q)),
                           for_field(field, f, sizeof(f)));
        if (cp == 0xfffe || cp == 0xffff)
            return err_set(e, ERR_INVALID,
                           "noncharacter U+%04X at byte %zu in \"%s\"%s",
                           (unsigned)cp, at, validate_quote(s, q, sizeof(q)),
                           for_field(field, f, sizeof(f)));
        p += len;
    }
    return 0;
}

int validate_server_address(const char *s, uint32_t *ip, int *port,
                            struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    const char *colon;
    unsigned long long p = 0;
    uint32_t addr;

    if (s == NULL)
        s = "";
    colon = strrchr(s, ':');
    if (colon == NULL) {
        if (validate_ipv4(s, ip, "address", e) != 0)
            return ERR_INVALID;
        if (port != NULL)
            *port = 0;
        return 0;
    }
    if (looks_ipv6(s, strlen(s)))
        return err_set(e, ERR_INVALID, ipv6_msg,
                       validate_quote(s, q, sizeof(q)));
    if (parse_ipv4(s, (size_t)(colon - s), &addr) != 0)
        return err_set(e, ERR_INVALID,
                       "invalid server address \"%s\" for field \"address\"",
                       validate_quote(s, q, sizeof(q)));
    if (parse_uint(colon + 1, strlen(colon + 1), 65535, &p) != 0 || p == 0)
        return err_set(e, ERR_INVALID,
                       "invalid port in server address \"%s\" for field "
                       "\"address\": must be 1..65535",
                       validate_quote(s, q, sizeof(q)));
    if (ip != NULL)
        *ip = addr;
    if (port != NULL)
        *port = (int)p;
    return 0;
}

int validate_quoted_name(const char *s, const char *field, size_t maxlen,
                         struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], f[96];
    size_t n;
    int rc;

    if (s == NULL || s[0] == '\0')
        return err_set(e, ERR_INVALID, "missing %s",
                       field != NULL ? field : "name");
    if ((rc = validate_text(s, field, maxlen, e)) != 0)
        return rc;
    n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        char bad[3] = {s[i], '\0', '\0'};

        if (s[i] == '\t') {
            bad[0] = '\\';
            bad[1] = 't';
        } else if (s[i] != '"' && s[i] != '\\' && s[i] != '{' && s[i] != '}') {
            continue;
        }
        return err_set(e, ERR_INVALID,
                       "character '%s' at byte %zu of \"%s\"%s is not "
                       "allowed in a name dhcpd.conf quotes",
                       bad, i, validate_quote(s, q, sizeof(q)),
                       for_field(field, f, sizeof(f)));
    }
    if (s[0] == ' ' || s[n - 1] == ' ')
        return err_set(e, ERR_INVALID, "\"%s\"%s starts or ends with a space",
                       validate_quote(s, q, sizeof(q)),
                       for_field(field, f, sizeof(f)));
    return 0;
}

int validate_superscope(const char *s, struct err *e)
{
    return s[0] == '\0' ? 0
                        : validate_quoted_name(s, "superscope",
                                               VALIDATE_SUPERSCOPE_MAX, e);
}
