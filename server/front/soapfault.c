/* micetro-emu, micetro-dhcp-agent: SOAP faults (see soapfault.h). */
#include "soapfault.h"

#include <stdio.h>
#include <string.h>

#include "stdsoap2.h"

#include "err.h"

int soapfault_code(const struct soapfault_style *st, int code)
{
    if (code == ERR_AUTH && st->auth_code != 0)
        return st->auth_code;
    return code < 0 ? -code : code;
}

/* XML-escapes s into dst (always NUL-terminated, truncated to fit). */
static void xml_escape(char *dst, size_t size, const char *s)
{
    size_t o = 0;

    for (; *s && o + 7 < size; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '&':
            rep = "&amp;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            break;
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

/* The <detail> content: <PREFIX:errorCode xmlns:PREFIX="NS">N</...>. */
static void error_code(char *buf, size_t size, const struct soapfault_style *st,
                       int value)
{
    snprintf(buf, size, "<%s:errorCode xmlns:%s=\"%s\">%d</%s:errorCode>",
             st->prefix, st->prefix, st->ns, value, st->prefix);
}

int soapfault_set_code(struct soap *soap, const struct soapfault_style *st,
                       int client, int value, const char *msg)
{
    char detail[256];
    const char *m, *d;

    error_code(detail, sizeof(detail), st, value);
    /* gSOAP keeps pointers: copy into the request's memory */
    m = soap_strdup(soap, msg && msg[0] ? msg : "internal error");
    d = soap_strdup(soap, detail);
    if (client)
        return soap_sender_fault(soap, m, d);
    return soap_receiver_fault(soap, m, d);
}

int soapfault_set(struct soap *soap, const struct soapfault_style *st, int code,
                  const char *msg)
{
    return soapfault_set_code(soap, st, err_is_client(code),
                              soapfault_code(st, code), msg);
}

size_t soapfault_envelope(char *buf, size_t size,
                          const struct soapfault_style *st, int v12, int code,
                          const char *msg)
{
    char esc[600], detail[256];
    int client = err_is_client(code), n;

    xml_escape(esc, sizeof(esc), msg);
    error_code(detail, sizeof(detail), st, soapfault_code(st, code));
    if (v12)
        n = snprintf(
            buf, size,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV="
            "\"http://www.w3.org/2003/05/soap-envelope\">"
            "<SOAP-ENV:Body><SOAP-ENV:Fault>"
            "<SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:%s</SOAP-ENV:Value>"
            "</SOAP-ENV:Code><SOAP-ENV:Reason>"
            "<SOAP-ENV:Text xml:lang=\"en\">%s</SOAP-ENV:Text>"
            "</SOAP-ENV:Reason><SOAP-ENV:Detail>%s</SOAP-ENV:Detail>"
            "</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
            client ? "Sender" : "Receiver", esc, detail);
    else
        n = snprintf(buf, size,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<SOAP-ENV:Envelope xmlns:SOAP-ENV="
                     "\"http://schemas.xmlsoap.org/soap/envelope/\">"
                     "<SOAP-ENV:Body><SOAP-ENV:Fault>"
                     "<faultcode>SOAP-ENV:%s</faultcode>"
                     "<faultstring>%s</faultstring><detail>%s</detail>"
                     "</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
                     client ? "Client" : "Server", esc, detail);
    if (n < 0)
        return 0;
    return (size_t)n < size ? (size_t)n : size - 1;
}
