/* micetro-emu unit tests: the pure core modules (err, sessid, passwd,
 * httpreq). */
#include <string.h>

#include "check.h"
#include "err.h"
#include "httpreq.h"
#include "passwd.h"
#include "sessid.h"
#include "xmlscan.h"

static void test_err(void)
{
    struct err e;

    CHECK(err_set(&e, ERR_NOTFOUND, "scope \"%s\" not found", "x") ==
          ERR_NOTFOUND);
    CHECK(e.code == ERR_NOTFOUND);
    CHECK(strcmp(e.msg, "scope \"x\" not found") == 0);
    CHECK(err_is_client(ERR_INVALID) && err_is_client(ERR_SESSION));
    CHECK(!err_is_client(ERR_DB) && !err_is_client(ERR_INTERNAL));
    CHECK(!err_is_client(0));
    err_clear(&e);
    CHECK(e.code == 0 && e.msg[0] == '\0');
}

static void test_sessid(void)
{
    char a[SESSID_LEN + 1], b[SESSID_LEN + 1];
    int seen[128] = {0}, distinct = 0;

    CHECK(sessid_generate(a, NULL) == 0);
    CHECK(sessid_generate(b, NULL) == 0);
    CHECK(strlen(a) == 20 && sessid_valid(a));
    CHECK(strcmp(a, b) != 0);
    /* 500 ids use (nearly) the whole alphabet */
    for (int i = 0; i < 500; i++) {
        sessid_generate(a, NULL);
        for (int j = 0; j < SESSID_LEN; j++)
            seen[(unsigned char)a[j]] = 1;
    }
    for (int i = 0; i < 128; i++)
        distinct += seen[i];
    CHECK(distinct == 62);
    CHECK(!sessid_valid(NULL));
    CHECK(!sessid_valid(""));
    CHECK(!sessid_valid("abc"));
    CHECK(!sessid_valid("aaaaaaaaaaaaaaaaaaaaa"));  /* 21 */
    CHECK(!sessid_valid("aaaaaaaaaaaaaaaaaaa-"));   /* 20, bad char */
    CHECK(sessid_valid("aaaaaaaaaaaaaaaaaaaZ"));
}

static void test_passwd(void)
{
    char h[PASSWD_HASH_MAX], h2[PASSWD_HASH_MAX];

    CHECK(passwd_hash("secret", h, sizeof(h), NULL) == 0);
    CHECK(strncmp(h, "$y$", 3) == 0);
    CHECK(strstr(h, "secret") == NULL);
    CHECK(passwd_verify("secret", h));
    CHECK(!passwd_verify("Secret", h));
    CHECK(!passwd_verify("", h));
    CHECK(!passwd_verify("secret", NULL));
    CHECK(!passwd_verify("secret", "not-a-hash"));
    CHECK(!passwd_verify(NULL, h));
    CHECK(passwd_hash("secret", h2, sizeof(h2), NULL) == 0);
    CHECK(strcmp(h, h2) != 0); /* salted */
    CHECK(passwd_hash("secret", h2, 10, NULL) != 0);
}

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
    CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) == 0
          && r.keep_alive);
    CHECK(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", &r) == 0
          && !r.keep_alive);
    CHECK(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                "Expect: 100-continue\r\n\r\n", &r) == 0
          && r.chunked && r.expect_continue);
    /* unsafe Host values are not kept (they would go into the WSDL) */
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\"><x\r\n\r\n", &r) == 0
          && r.host[0] == '\0');

    /* malformed heads */
    CHECK(parse("GARBAGE\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("get / HTTP/1.1\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("GET / HTTP/2.0\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("GET x HTTP/1.1\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("GET / HTTP/1.1\r\nNoColon\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", &r)
          == ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
                "Content-Length: 2\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
                "Transfer-Encoding: chunked\r\n\r\n", &r) == ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", &r)
          == ERR_INVALID);
    CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 99999999999999999\r\n"
                "\r\n", &r) == ERR_INVALID);
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
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll?wsdl?server=localhost")
          == HTTPREQ_WSDL);
    CHECK(httpreq_route("/_mmwebext/mmwebext.dll?WSDL?server=x?ns=y")
          == HTTPREQ_WSDL);
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

static enum xmlscan_result scan(const char *s, unsigned depth)
{
    return xmlscan_check(s, strlen(s), depth, NULL);
}

#define E11 "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
#define E12 "<Envelope xmlns='http://www.w3.org/2003/05/soap-envelope'>"

static void test_xmlscan(void)
{
    static char deep[70000];
    size_t o = 0;
    int v = -1;
    const char *ok11 = "<?xml version=\"1.0\"?>\n" E11
                       "<s:Body><a x=\"1>2\"/><c>t</c></s:Body></s:Envelope>\n";
    const char *ok12 = "\xEF\xBB\xBF  " E12 "<Body/></Envelope><!-- c -->";

    CHECK(xmlscan_check(ok11, strlen(ok11), 3, &v) == XMLSCAN_OK && v == 1);
    CHECK(xmlscan_check(ok12, strlen(ok12), 3, &v) == XMLSCAN_OK && v == 2);
    CHECK(scan(ok11, 2) == XMLSCAN_TOO_DEEP); /* Envelope, Body, c */
    CHECK(scan(E11 "<s:Body><c/></s:Body></s:Envelope>", 2) == XMLSCAN_OK);
    CHECK(scan("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
               "envelope/\"/>", 2) == XMLSCAN_OK);
    /* not SOAP */
    CHECK(scan("hello", 32) == XMLSCAN_NOT_XML);
    CHECK(scan("", 32) == XMLSCAN_NOT_XML);
    CHECK(scan("<?xml version=\"1.0\"?>", 32) == XMLSCAN_NOT_XML);
    CHECK(scan("{\"jsonrpc\":\"2.0\"}", 32) == XMLSCAN_NOT_XML);
    CHECK(scan("<foo/>", 32) == XMLSCAN_NOT_ENVELOPE);
    CHECK(scan("<Envelope xmlns=\"urn:not-soap\"><Body/></Envelope>", 32)
          == XMLSCAN_NOT_ENVELOPE);
    CHECK(scan("<soap-env:Envelope><soap-env:Body/></soap-env:Envelope>", 32)
          == XMLSCAN_NOT_ENVELOPE); /* prefix never declared */
    CHECK(scan("<a:Envelope xmlns:b=\"http://schemas.xmlsoap.org/soap/"
               "envelope/\"/>", 32) == XMLSCAN_NOT_ENVELOPE);
    CHECK(scan("<ns0:Login xmlns:ns0=\"http://menandmice.com/webservices/\"/>",
               32) == XMLSCAN_NOT_ENVELOPE);
    /* trailing content */
    CHECK(scan(E11 "<s:Body/></s:Envelope>" E11 "<s:Body/></s:Envelope>", 32)
          == XMLSCAN_TRAILING);
    CHECK(scan(E11 "<s:Body/></s:Envelope>junk", 32) == XMLSCAN_TRAILING);
    CHECK(scan(E11 "<s:Body/></s:Envelope> \r\n", 32) == XMLSCAN_OK);
    /* DTDs, comments, CDATA */
    CHECK(scan("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>" E11
               "</s:Envelope>", 32) == XMLSCAN_DTD);
    CHECK(scan(E11 "<!ENTITY a \"b\"></s:Envelope>", 32) == XMLSCAN_DTD);
    CHECK(scan(E11 "<!-- <!DOCTYPE in a comment --></s:Envelope>", 32)
          == XMLSCAN_OK);
    CHECK(scan(E11 "<![CDATA[<!DOCTYPE <a><b><c>]]></s:Envelope>", 1)
          == XMLSCAN_OK);
    /* malformed */
    CHECK(scan(E11 "<!-- unterminated", 32) == XMLSCAN_MALFORMED);
    CHECK(scan(E11 "<x attr=\"unterminated>", 32) == XMLSCAN_MALFORMED);
    CHECK(scan(E11 "<", 32) == XMLSCAN_MALFORMED);
    CHECK(scan(E11 "<s:Body>", 32) == XMLSCAN_MALFORMED); /* never closed */
    o = strlen(E11);
    memcpy(deep, E11, o);
    for (int i = 0; i < 10000; i++) {
        memcpy(deep + o, "<a>", 3);
        o += 3;
    }
    deep[o] = '\0';
    CHECK(scan(deep, 32) == XMLSCAN_TOO_DEEP);
    CHECK(scan(deep, 20000) == XMLSCAN_MALFORMED);
    {
        char b[] = E11 "<s:Body><m:X xmlns:m=\"u\"><a xsi:type=\"xsd:string\""
                   " xsi:nil='true'>v</a><b t:type = \"ObjRef\" type=\"k\">"
                   "<![CDATA[<c xsi:type=\"x\">]]></b><!-- <d xsi:type=\"y\"> -->"
                   "</m:X></s:Body></s:Envelope>";
        size_t n = strlen(b);
        CHECK(xmlscan_blank_types(b, n) == 2);
        CHECK(strlen(b) == n);                     /* length kept */
        CHECK(strstr(b, "xsi:type=\"xsd:string\"") == NULL);
        CHECK(strstr(b, "ObjRef") == NULL);
        CHECK(strstr(b, "xsi:nil='true'") != NULL);   /* other attributes */
        CHECK(strstr(b, " type=\"k\"") != NULL);      /* unprefixed kept */
        CHECK(strstr(b, "<c xsi:type=\"x\">") != NULL); /* CDATA untouched */
        CHECK(strstr(b, "<d xsi:type=\"y\">") != NULL); /* comment untouched */
        CHECK(xmlscan_check(b, n, 32, NULL) == XMLSCAN_OK); /* still XML */
    }
    {
        static const struct xmlscan_fold fold[] = {
            {"OldName", "oldName"}, {"Other", "other"}, {NULL, NULL}};
        char b[] = E11 "<s:Body><m:OldName xmlns:m=\"u\"><OldName a=\"1\">"
                   "OldName</OldName><OldNames/><x:Other/>"
                   "<![CDATA[<OldName>]]><!-- <OldName> --></m:OldName>"
                   "</s:Body></s:Envelope>";
        size_t n = strlen(b);

        CHECK(xmlscan_fold_names(b, n, fold) == 5);
        CHECK(strlen(b) == n);
        CHECK(strstr(b, "<m:oldName xmlns:m=\"u\"><oldName a=\"1\">OldName"
                        "</oldName><OldNames/><x:other/>") != NULL);
        CHECK(strstr(b, "<![CDATA[<OldName>]]><!-- <OldName> --></m:oldName>") !=
              NULL);
        CHECK(xmlscan_check(b, n, 32, NULL) == XMLSCAN_OK);
    }
    {
        /* an end tag ends at its first '>', quote or not, in the rewriting
         * as in the check: read otherwise, the comment below held a start
         * tag whose blanked type attribute took the "<!--" of the second
         * comment with it, and a DTD and nesting the check never saw were
         * left for gSOAP */
        char b[] = E11 "<s:Body></s:Body'><!-- '><c a=\"-->\" p:type=\"<!--\"/>"
                   "<!DOCTYPE x [<!ENTITY e \"e\">]><x><x><x></x></x></x> -->"
                   "</s:Envelope>";
        size_t n = strlen(b);

        CHECK(xmlscan_check(b, n, 2, NULL) == XMLSCAN_OK);
        CHECK(xmlscan_blank_types(b, n) == 0);
        CHECK(strstr(b, "p:type=\"<!--\"") != NULL);
        CHECK(xmlscan_check(b, n, 2, NULL) == XMLSCAN_OK);
    }
    {
        /* a quote in an element or attribute name starts a quoted run for
         * the check: such a tag is left alone, else blanking "p\"q:type"
         * took the quote with it and unquoted a DTD the check skipped */
        char b[] = E11 "<s:Body><c p\"q:type=\"v\" ><!DOCTYPE x [<!ENTITY e"
                   " \"e\">]> \"/><d\" x:type=\"v\" ><!DOCTYPE y> \"/>"
                   "<e x:type=\"v\" p\"q:type=\"w\" ><!DOCTYPE z> \"/>"
                   "</s:Body></s:Envelope>";
        size_t n = strlen(b);

        CHECK(xmlscan_check(b, n, 32, NULL) == XMLSCAN_OK);
        CHECK(xmlscan_blank_types(b, n) == 1); /* only e's x:type */
        CHECK(strstr(b, "<e            p\"q:type") != NULL);
        CHECK(xmlscan_check(b, n, 32, NULL) == XMLSCAN_OK);
    }
    CHECK(strcmp(xmlscan_message(XMLSCAN_DTD),
                 "DTDs and entity declarations are not allowed") == 0);
}

int main(void)
{
    test_xmlscan();
    test_err();
    test_sessid();
    test_passwd();
    test_httpreq();
    return check_report();
}
