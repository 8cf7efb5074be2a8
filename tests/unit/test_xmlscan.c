/* micetro-emu unit tests: the XML pre-scan (xmlscan.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "xmlscan.h"

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

    /* NUL, raw or referenced, in any spelling; other references pass */
    {
        static const char raw[] = E11
            "<s:Body><p>a\0b</p></s:Body></s:Envelope>";
        CHECK(xmlscan_check(raw, sizeof(raw) - 1, 8, NULL) == XMLSCAN_NUL);
    }
    CHECK(scan(E11 "<s:Body><p>a&#0;b</p></s:Body></s:Envelope>", 8) ==
          XMLSCAN_NUL);
    CHECK(scan(E11 "<s:Body><p>a&#000;b</p></s:Body></s:Envelope>", 8) ==
          XMLSCAN_NUL);
    CHECK(scan(E11 "<s:Body><p>&#x0;</p></s:Body></s:Envelope>", 8) ==
          XMLSCAN_NUL);
    CHECK(scan(E11 "<s:Body><p a='&#X00;'/></s:Body></s:Envelope>", 8) ==
          XMLSCAN_NUL);
    CHECK(scan(E11 "<s:Body><p>&#48;&#x30;&#x0041;&#10;</p></s:Body>"
                   "</s:Envelope>",
               8) == XMLSCAN_OK);
    CHECK(scan(E11 "<s:Body><p>&#x;&#;&amp;#0;</p></s:Body></s:Envelope>", 8) ==
          XMLSCAN_OK);
    CHECK(strstr(xmlscan_message(XMLSCAN_NUL), "NUL") != NULL);

    /* the operation: the first element in the Body, whatever the prefix */
    {
        char op[32];
        const char *zeep = E11
            "<s:Header/><!-- c --><s:Body><ns0:Login xmlns:ns0='x'>"
            "<ns0:server>a</ns0:server></ns0:Login></s:Body></s:Envelope>";
        const char *plain = E12
            "<Body><?pi?><GetDHCPServers/></Body></Envelope>";
        CHECK(xmlscan_operation(zeep, strlen(zeep), op, sizeof(op)) == 0 &&
              strcmp(op, "Login") == 0);
        CHECK(xmlscan_operation(plain, strlen(plain), op, sizeof(op)) == 0 &&
              strcmp(op, "GetDHCPServers") == 0);
        CHECK(xmlscan_operation(plain, strlen(plain), op, 4) == 0 &&
              strcmp(op, "Get") == 0);
        CHECK(xmlscan_operation(E11 "<s:Body/></s:Envelope>",
                                strlen(E11 "<s:Body/></s:Envelope>"), op,
                                sizeof(op)) == -1);
        CHECK(xmlscan_operation(E11 "<s:Body></s:Body></s:Envelope>",
                                strlen(E11 "<s:Body></s:Body></s:Envelope>"),
                                op, sizeof(op)) == -1);
    }
    CHECK(scan(E11 "<s:Body><c/></s:Body></s:Envelope>", 2) == XMLSCAN_OK);
    CHECK(scan("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
               "envelope/\"/>",
               2) == XMLSCAN_OK);
    /* not SOAP */
    CHECK(scan("hello", 32) == XMLSCAN_NOT_XML);
    CHECK(scan("", 32) == XMLSCAN_NOT_XML);
    CHECK(scan("<?xml version=\"1.0\"?>", 32) == XMLSCAN_NOT_XML);
    CHECK(scan("{\"jsonrpc\":\"2.0\"}", 32) == XMLSCAN_NOT_XML);
    CHECK(scan("<foo/>", 32) == XMLSCAN_NOT_ENVELOPE);
    CHECK(scan("<Envelope xmlns=\"urn:not-soap\"><Body/></Envelope>", 32) ==
          XMLSCAN_NOT_ENVELOPE);
    CHECK(scan("<soap-env:Envelope><soap-env:Body/></soap-env:Envelope>", 32) ==
          XMLSCAN_NOT_ENVELOPE); /* prefix never declared */
    CHECK(scan("<a:Envelope xmlns:b=\"http://schemas.xmlsoap.org/soap/"
               "envelope/\"/>",
               32) == XMLSCAN_NOT_ENVELOPE);
    CHECK(scan("<ns0:Login xmlns:ns0=\"http://menandmice.com/webservices/\"/>",
               32) == XMLSCAN_NOT_ENVELOPE);
    /* trailing content */
    CHECK(scan(E11 "<s:Body/></s:Envelope>" E11 "<s:Body/></s:Envelope>", 32) ==
          XMLSCAN_TRAILING);
    CHECK(scan(E11 "<s:Body/></s:Envelope>junk", 32) == XMLSCAN_TRAILING);
    CHECK(scan(E11 "<s:Body/></s:Envelope> \r\n", 32) == XMLSCAN_OK);
    /* DTDs, comments, CDATA */
    CHECK(scan("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>" E11
               "</s:Envelope>",
               32) == XMLSCAN_DTD);
    CHECK(scan(E11 "<!ENTITY a \"b\"></s:Envelope>", 32) == XMLSCAN_DTD);
    CHECK(scan(E11 "<!-- <!DOCTYPE in a comment --></s:Envelope>", 32) ==
          XMLSCAN_OK);
    CHECK(scan(E11 "<![CDATA[<!DOCTYPE <a><b><c>]]></s:Envelope>", 1) ==
          XMLSCAN_OK);
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
        char b[] = E11
            "<s:Body><m:X xmlns:m=\"u\"><a xsi:type=\"xsd:string\""
            " xsi:nil='true'>v</a><b t:type = \"ObjRef\" type=\"k\">"
            "<![CDATA[<c xsi:type=\"x\">]]></b><!-- <d xsi:type=\"y\"> -->"
            "</m:X></s:Body></s:Envelope>";
        size_t n = strlen(b);
        CHECK(xmlscan_blank_types(b, n) == 2);
        CHECK(strlen(b) == n); /* length kept */
        CHECK(strstr(b, "xsi:type=\"xsd:string\"") == NULL);
        CHECK(strstr(b, "ObjRef") == NULL);
        CHECK(strstr(b, "xsi:nil='true'") != NULL);     /* other attributes */
        CHECK(strstr(b, " type=\"k\"") != NULL);        /* unprefixed kept */
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
        CHECK(
            strstr(b, "<![CDATA[<OldName>]]><!-- <OldName> --></m:oldName>") !=
            NULL);
        CHECK(xmlscan_check(b, n, 32, NULL) == XMLSCAN_OK);
    }
    {
        /* an end tag ends at its first '>', quote or not, in the rewriting
         * as in the check: read otherwise, the comment below held a start
         * tag whose blanked type attribute took the "<!--" of the second
         * comment with it, and a DTD and nesting the check never saw were
         * left for gSOAP */
        char b[] = E11
            "<s:Body></s:Body'><!-- '><c a=\"-->\" p:type=\"<!--\"/>"
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
    return check_report();
}
