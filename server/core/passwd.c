/* micetro-emu core: password hashing (see passwd.h). */
#include "passwd.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

/* A valid hash of a random password: verifying against it costs the same
 * as a real check, so unknown users cannot be told apart by timing. */
static const char *dummy_hash(void)
{
    static char hash[PASSWD_HASH_MAX];
    static int ready;

    if (!ready) {
        /* Benign race: every thread computes an equivalent value. */
        if (passwd_hash("micetro-emu-no-such-user", hash, sizeof(hash), NULL) ==
            0)
            ready = 1;
    }
    return ready ? hash : NULL;
}

int passwd_hash(const char *password, char *out, size_t outlen, struct err *e)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data *cd = NULL;
    int rc = 0;

    if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
        return err_set(e, ERR_SYS, "crypt_gensalt failed");
    cd = calloc(1, sizeof(*cd));
    if (cd == NULL)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (crypt_r(password, salt, cd) == NULL || cd->output[0] == '*') {
        rc = err_set(e, ERR_SYS, "crypt failed");
        goto out;
    }
    if (strlen(cd->output) >= outlen) {
        rc = err_set(e, ERR_INTERNAL, "password hash too long");
        goto out;
    }
    strcpy(out, cd->output);
out:
    explicit_bzero(cd, sizeof(*cd));
    free(cd);
    return rc;
}

int passwd_verify(const char *password, const char *hash)
{
    struct crypt_data *cd;
    const char *h = hash;
    int real = 1, ok = 0;
    size_t n;

    if (h == NULL || h[0] != '$') {
        h = dummy_hash();
        real = 0;
        if (h == NULL)
            return 0;
    }
    cd = calloc(1, sizeof(*cd));
    if (cd == NULL)
        return 0;
    if (password != NULL && crypt_r(password, h, cd) != NULL &&
        cd->output[0] != '*') {
        n = strlen(h);
        if (strlen(cd->output) == n) {
            unsigned char diff = 0;
            for (size_t i = 0; i < n; i++)
                diff |= (unsigned char)(cd->output[i] ^ h[i]);
            ok = diff == 0;
        }
    }
    explicit_bzero(cd, sizeof(*cd));
    free(cd);
    return real && ok;
}

/* The number of UTF-8 code points of s: its bytes but continuation bytes. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* 1 when needle (not empty) is in haystack, ASCII letters in any case. */
static int contains_nocase(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack != '\0'; haystack++) {
        size_t i = 0;

        while (i < n && haystack[i] != '\0' &&
               ascii_lower((unsigned char)haystack[i]) ==
                   ascii_lower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

#define STR_(x) #x
#define STR(x) STR_(x)

const char *passwd_weakness(const char *password, const char *login)
{
    if (password == NULL || utf8_chars(password) < PASSWD_MIN_CHARS)
        return "is shorter than " STR(PASSWD_MIN_CHARS) " characters";
    if (login != NULL && login[0] != '\0' && contains_nocase(password, login))
        return "contains the user name";
    return NULL;
}
