/* micetro-emu: errors to SOAP faults (see fault.h). */
#include "fault.h"

#include <stdarg.h>
#include <stdio.h>

#include "stdsoap2.h"

#include "soapfault.h"

static const struct soapfault_style mm_faults = {
    .prefix = "mm",
    .ns = "http://menandmice.com/webservices/",
    .auth_code = 16394, /* bad credentials: Micetro's own code */
};

int fault_code(int code)
{
    return soapfault_code(&mm_faults, code);
}

int fault_from_err(struct soap *soap, const struct err *e)
{
    return soapfault_set(soap, &mm_faults, e->code, e->msg);
}

int fault_set(struct soap *soap, int code, const char *fmt, ...)
{
    struct err e;
    va_list ap;

    e.code = code;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
    va_end(ap);
    return fault_from_err(soap, &e);
}

int fault_given(struct soap *soap, int client, int error_code, const char *msg)
{
    return soapfault_set_code(soap, &mm_faults, client, error_code, msg);
}

size_t fault_envelope(char *buf, size_t size, int v12, int code,
                      const char *msg)
{
    return soapfault_envelope(buf, size, &mm_faults, v12, code, msg);
}
