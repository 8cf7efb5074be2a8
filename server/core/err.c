/* micetro-emu: error reporting (see err.h). */
#include "err.h"

#include <stdio.h>
#include <string.h>

/* err.h wraps err_set for the static analyzer; this is the function */
#undef err_set

int err_set(struct err *e, int code, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return code;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return code;
}

void err_clear(struct err *e)
{
    if (e == NULL)
        return;
    e->code = ERR_OK;
    e->msg[0] = '\0';
}

int err_is_client(int code)
{
    return code < 0 && code > ERR_SERVER_BASE;
}
