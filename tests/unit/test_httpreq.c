/* micetro-emu unit tests: the HTTP request head (httpreq.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "httpreq.h"

static int parse(const char *s, struct httpreq *r)
{
    struct httpreq_limits lim = {16384, 64};
    return httpreq_parse(s, strlen(s), &lim, r, NULL);
}

static void test_httpreq(void)
{
    struct httpreq r;
    const char *full = "POST /_mmwebext/mmwebext.dll?Soap HTTP/1.1\r\n"
                       "Host: 127.0.0.1:8080\r\n"
                       "Content-Type: text/xml; charset=utf-8\r\n"
                       "content-length: 123\r\n"
                       "SOAPAction: \"http://menandmice.com/webservices/"
                       "Login\"\r\n\r\n<body>";

    CHECK(httpreq_head_len(full, strlen(full)) ==
          strlen(full) - strlen("<body>"));
    CHECK(httpreq_head_len("GET / HTTP/1.1\r\nHost: x\r\n", 25) == 0);
    CHECK(httpreq_head_len("GET / HTTP/1.0\n\nrest", 20) == 16);
    CHECK(parse(full, &r) == 0);
    CHECK(strcmp(r.method, "POST") == 0);
    CHECK(strcmp(r.target, "/_mmwebext/mmwebext.dll?Soap") == 0);
    CHECK(r.has_length && r.content_length == 123 && !r.chunked);
    CHECK(r.keep_alive && r.minor == 1);
    CHECK(strcmp(r.host, "127.0.0.1:8080") == 0);
    CHECK(strncmp(r.content_type, "text/xml", 8) == 0);

    CHECK(parse("GET / HTTP/1.0\r\n\r\n", &r) == 0 && !r.keep_alive);
    CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) == 0 &&
          r.keep_alive);
    CHECK(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", &r) == 0 &&
          !r.keep_alive);
    CHECK(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                "Expect: 100-continue\r\n\r\n",
                &r) == 0 &&
          r.chunked && r.expect_continue);
    /* unsafe Host values are not kept (they would go into the WSDL) */
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\"><x\r\n\r\n", &r) == 0 &&
          r.host[0] == '\0');

    /* malformed heads */
    CHECK(parse("GARBAGE\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("get / HTTP/1.1\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("GET / HTTP/2.0\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("GET x HTTP/1.1\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("GET / HTTP/1.1\r\nNoColon\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", &r) ==
          ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
                "Content-Length: 2\r\n\r\n",
                &r) == ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
                "Transfer-Encoding: chunked\r\n\r\n",
                &r) == ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", &r) ==
          ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 99999999999999999\r\n"
                "\r\n",
                &r) == ERR_INVALID);
    {
        char many[4096] = "GET / HTTP/1.1\r\n";
        for (int i = 0; i < 70; i++)
            strcat(many, "X-A: b\r\n");
        strcat(many, "\r\n");
        CHECK(parse(many, &r) == ERR_INVALID); /* over 64 headers */
    }

    /* routes: every spelling real clients use */
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll?wsdl") == HTTPREQ_WSDL);
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll?WSDL") == HTTPREQ_WSDL);
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll?wsdl?server=localhost") ==
          HTTPREQ_WSDL);
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll?WSDL?server=x?ns=y") ==
          HTTPREQ_WSDL);
    CHECK(httpreq_route("/_MMWEBEXT/MMWebExt.dll?Wsdl") == HTTPREQ_WSDL);
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll?Soap") == HTTPREQ_SOAP);
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll") == HTTPREQ_SOAP);
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll?wsdlx") == HTTPREQ_SOAP);
    CHECK(httpreq_route("/_mmwebext/mmwebext.dllx") == HTTPREQ_OTHER);
    CHECK(httpreq_route("/") == HTTPREQ_OTHER);
    CHECK(httpreq_route("/index.html?wsdl") == HTTPREQ_OTHER);

    CHECK(httpreq_host_safe("localhost:8080"));
    CHECK(httpreq_host_safe("[::1]:8080"));
    CHECK(!httpreq_host_safe("a b"));
    CHECK(!httpreq_host_safe(""));
}

int main(void)
{
    test_httpreq();
    return check_report();
}
