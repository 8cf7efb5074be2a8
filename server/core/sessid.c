/* micetro-emu core: session identifiers (see sessid.h). */
#include "sessid.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int sessid_generate(char *out, struct err *e)
{
    unsigned char buf[64];
    size_t n = 0;

    while (n < SESSID_LEN) {
        ssize_t got = getrandom(buf, sizeof(buf), 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return err_set(e, ERR_SYS, "getrandom failed: %s", strerror(errno));
        }
        /* Rejection sampling: 248 = 4 * 62 keeps the draw uniform. */
        for (ssize_t i = 0; i < got && n < SESSID_LEN; i++) {
            if (buf[i] < 248)
                out[n++] = alphabet[buf[i] % 62];
        }
    }
    out[SESSID_LEN] = '\0';
    return 0;
}

int sessid_valid(const char *s)
{
    size_t i;

    if (s == NULL)
        return 0;
    for (i = 0; i < SESSID_LEN; i++) {
        if (s[i] == '\0' || strchr(alphabet, s[i]) == NULL)
            return 0;
    }
    return s[i] == '\0';
}
