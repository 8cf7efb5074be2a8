/* micetro-emu core: the agents' secrets per DHCP server (see secrets.h). */
#include "secrets.h"

#include <stdlib.h>
#include <string.h>

#include "validate.h"

/* One entry: pointers into the secrets' text. */
struct entry {
    const char *key; /* the server's name in lower case, no dot */
    const char *secret;
    int line;
};

struct secrets {
    char *text; /* a copy of the file, cut into strings in place */
    size_t len;
    struct entry *v; /* sorted by key */
    size_t n, cap;
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Turns a host name into its key, in place: lower case, no trailing dot. */
static void fold(char *name)
{
    size_t n = strlen(name);

    if (n > 0 && name[n - 1] == '.')
        name[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (name[i] >= 'A' && name[i] <= 'Z')
            name[i] = (char)(name[i] - 'A' + 'a');
}

static int by_key_line(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key,
                  ((const struct entry *)b)->key);
}

/* Reads line number `line`, s[l] (its '\n' cut off; s[l] may be
 * overwritten): 1 with *ent filled, 0 for a blank or comment line, or
 * ERR_INVALID. */
static int parse_line(char *s, size_t l, int line, struct entry *ent,
                      struct err *e)
{
    char q[VALIDATE_QUOTE_BUF], *name, *secret;
    struct err ve;

    if (memchr(s, '\0', l) != NULL)
        return err_set(e, ERR_INVALID, "line %d: NUL byte", line);
    while (l > 0 && (s[l - 1] == '\r' || is_blank(s[l - 1])))
        l--;
    s[l] = '\0';
    while (is_blank(*s))
        s++;
    if (*s == '\0' || *s == '#')
        return 0;
    name = s;
    while (*s != '\0' && !is_blank(*s))
        s++;
    secret = s;
    while (is_blank(*secret))
        secret++;
    *s = '\0';
    if (validate_hostname(name, NULL, &ve) != 0)
        return err_set(e, ERR_INVALID, "line %d: %s", line, ve.msg);
    if (*secret == '\0')
        return err_set(e, ERR_INVALID,
                       "line %d: no secret for server "
                       "\"%s\"",
                       line, validate_quote(name, q, sizeof(q)));
    if (strlen(secret) > SECRETS_SECRET_MAX)
        return err_set(e, ERR_INVALID,
                       "line %d: the secret for server "
                       "\"%s\" is longer than %d bytes",
                       line, validate_quote(name, q, sizeof(q)),
                       SECRETS_SECRET_MAX);
    fold(name);
    ent->key = name;
    ent->secret = secret;
    ent->line = line;
    return 1;
}

/* Appends ent to s, within SECRETS_MAX_ENTRIES. */
static int add(struct secrets *s, const struct entry *ent, struct err *e)
{
    if (s->n == SECRETS_MAX_ENTRIES)
        return err_set(e, ERR_INVALID, "line %d: more than %d entries",
                       ent->line, SECRETS_MAX_ENTRIES);
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct entry *v = realloc(s->v, cap * sizeof(*v));

        if (v == NULL)
            return err_set(e, ERR_NOMEM, "out of memory");
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = *ent;
    return 0;
}

/* Sorts s's entries; ERR_INVALID naming the first line (in file order)
 * that repeats a server. */
static int sort_unique(struct secrets *s, struct err *e)
{
    char q[VALIDATE_QUOTE_BUF];
    const struct entry *dup = NULL;

    if (s->n > 1)
        qsort(s->v, s->n, sizeof(*s->v), by_key_line);
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->v[i - 1].key, s->v[i].key) == 0 &&
            (dup == NULL || s->v[i].line < dup->line))
            dup = &s->v[i];
    if (dup == NULL)
        return 0;
    return err_set(e, ERR_INVALID,
                   "line %d: server \"%s\" is already on "
                   "line %d",
                   dup->line, validate_quote(dup->key, q, sizeof(q)),
                   dup[-1].line);
}

int secrets_parse(const char *text, size_t len, struct secrets **out,
                  struct err *e)
{
    struct secrets *s;
    struct err bad;
    size_t pos = 0;
    int line = 0, rc = 0;

    *out = NULL;
    if (len > SECRETS_MAX_BYTES)
        return err_set(e, ERR_INVALID, "larger than %d bytes",
                       SECRETS_MAX_BYTES);
    if ((s = calloc(1, sizeof(*s))) == NULL ||
        (s->text = malloc(len + 1)) == NULL) {
        free(s);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    s->len = len;
    err_clear(&bad);
    while (pos < len && rc == 0) {
        char *l = s->text + pos, *nl = memchr(l, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - l) : len - pos;
        struct entry ent;

        pos += n + 1;
        rc = parse_line(l, n, ++line, &ent, &bad);
        if (rc == 1)
            rc = add(s, &ent, &bad);
    }
    /* a repeated server comes before the line that stopped the reading */
    if (rc != ERR_NOMEM && sort_unique(s, &bad) != 0)
        rc = bad.code;
    if (rc != 0) {
        secrets_free(s);
        return err_set(e, rc, "%s", bad.msg);
    }
    *out = s;
    return 0;
}

const char *secrets_lookup(const struct secrets *s, const char *server,
                           const char *fallback)
{
    char key[VALIDATE_HOSTNAME_BUF];
    const struct entry *hit = NULL;
    size_t n = server != NULL ? strlen(server) : 0;

    if (s != NULL && s->n > 0 && n > 0 && n < sizeof(key)) {
        struct entry probe = {key, NULL, 0};

        memcpy(key, server, n + 1);
        fold(key);
        hit = bsearch(&probe, s->v, s->n, sizeof(*s->v), by_key);
    }
    if (hit != NULL)
        return hit->secret;
    return fallback != NULL && fallback[0] != '\0' ? fallback : NULL;
}

size_t secrets_count(const struct secrets *s)
{
    return s != NULL ? s->n : 0;
}

void secrets_free(struct secrets *s)
{
    if (s == NULL)
        return;
    explicit_bzero(s->text, s->len);
    free(s->text);
    free(s->v);
    free(s);
}
