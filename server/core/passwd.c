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
