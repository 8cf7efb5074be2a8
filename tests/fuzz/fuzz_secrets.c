/* Fuzz target: the agents' secrets file (server/core/secrets.c), parsed
 * from its bytes as --agent-secrets reads it.  A refusal leaves nothing
 * and says why in printable ASCII; in an accepted file, a first line
 * "SERVER SECRET" is found again by SERVER in other case and with a
 * trailing dot, and a secret found is one line's rest: no line break, no
 * trailing blank, at most SECRETS_SECRET_MAX bytes. */
#include <ctype.h>

#include "fuzz.h"
#include "secrets.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *sec;
    char name[VALIDATE_HOSTNAME_BUF + 1];
    struct secrets *s = NULL;
    struct err e;
    size_t k = 0, n;

    if (secrets_parse(p, size, &s, &e) != 0) {
        FUZZ_CHECK(s == NULL && e.code < 0 && fuzz_printable(e.msg));
        return 0;
    }
    while (k < size && k < VALIDATE_HOSTNAME_BUF - 1 &&
           !strchr(" \t\r\n#", p[k])) {
        name[k] = (char)(isalpha((unsigned char)p[k]) ? p[k] ^ 0x20 : p[k]);
        k++;
    }
    n = k;
    if (n > 0 && name[n - 1] != '.')
        name[n++] = '.';
    name[n] = '\0';
    sec = secrets_lookup(s, name, NULL);
    if (k > 0 && k < size && (p[k] == ' ' || p[k] == '\t'))
        FUZZ_CHECK(sec != NULL);
    if (sec != NULL)
        FUZZ_CHECK(sec[0] != '\0' && strlen(sec) <= SECRETS_SECRET_MAX &&
                   !strchr(sec, '\n') &&
                   !strchr(" \t\r", sec[strlen(sec) - 1]));
    secrets_free(s);
    return 0;
}
