/* micetro-emu fuzz targets: what they share.
 *
 * Each target is a libFuzzer entry point on one parser of untrusted
 * input.  A target calls abort() (FUZZ_CHECK) when a parser breaks a
 * promise of its header, so that libFuzzer keeps the input like a crash.
 */
#ifndef MICETRO_FUZZ_H
#define MICETRO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data[0..size) in a block of exactly size + 1
 * bytes, so that ASan sees a read past the string's end. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* 1 when s is printable ASCII only (what a SOAP fault may carry). */
static inline int fuzz_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, \
                    #cond);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

#endif
