/* micetro-emu: errors to SOAP faults (see fault.h). */
#include "fault.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "soapH.h"

#define MM_NS "http://menandmice.com/webservices/"
#define CODE_BAD_CREDENTIALS 16394

int fault_code(int code)
{
    if (code == ERR_AUTH)
        return CODE_BAD_CREDENTIALS;
    return code < 0 ? -code : code;
}

/* XML-escapes s into dst (always NUL-terminated, truncated to fit). */
static void xml_escape(char *dst, size_t size, const char *s)
{
    size_t o = 0;

    for (; *s && o + 7 < size; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '&': rep = "&amp;"; break;
        case '"': rep = "&quot;"; break;
        default: break;
        }
        if (rep) {
            memcpy(dst + o, rep, strlen(rep));
            o += strlen(rep);
        } else {
            dst[o++] = *s;
        }
    }
    dst[o] = '\0';
}

int fault_from_err(struct soap *soap, const struct err *e)
{
    char detail[160];
    const char *msg = e->msg[0] ? e->msg : "internal error";

    snprintf(detail, sizeof(detail),
             "<mm:errorCode xmlns:mm=\"" MM_NS "\">%d</mm:errorCode>",
             fault_code(e->code));
    /* gSOAP keeps pointers: copy into the request's memory */
    msg = soap_strdup(soap, msg);
    const char *d = soap_strdup(soap, detail);
    if (err_is_client(e->code))
        return soap_sender_fault(soap, msg, d);
    return soap_receiver_fault(soap, msg, d);
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

size_t fault_envelope(char *buf, size_t size, int v12, int code,
                      const char *msg)
{
    char esc[600];
    int client = err_is_client(code), n;

    xml_escape(esc, sizeof(esc), msg);
    if (v12) {
        n = snprintf(buf, size,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV="
            "\"http://www.w3.org/2003/05/soap-envelope\">"
            "<SOAP-ENV:Body><SOAP-ENV:Fault>"
            "<SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:%s</SOAP-ENV:Value>"
            "</SOAP-ENV:Code><SOAP-ENV:Reason>"
            "<SOAP-ENV:Text xml:lang=\"en\">%s</SOAP-ENV:Text>"
            "</SOAP-ENV:Reason><SOAP-ENV:Detail>"
            "<mm:errorCode xmlns:mm=\"" MM_NS "\">%d</mm:errorCode>"
            "</SOAP-ENV:Detail></SOAP-ENV:Fault></SOAP-ENV:Body>"
            "</SOAP-ENV:Envelope>\n",
            client ? "Sender" : "Receiver", esc, fault_code(code));
    } else {
        n = snprintf(buf, size,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV="
            "\"http://schemas.xmlsoap.org/soap/envelope/\">"
            "<SOAP-ENV:Body><SOAP-ENV:Fault>"
            "<faultcode>SOAP-ENV:%s</faultcode>"
            "<faultstring>%s</faultstring><detail>"
            "<mm:errorCode xmlns:mm=\"" MM_NS "\">%d</mm:errorCode>"
            "</detail></SOAP-ENV:Fault></SOAP-ENV:Body>"
            "</SOAP-ENV:Envelope>\n",
            client ? "Client" : "Server", esc, fault_code(code));
    }
    if (n < 0)
        return 0;
    return (size_t)n < size ? (size_t)n : size - 1;
}
