/* micetro-emu unit tests: request targets and Host values (httpreq.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "httpreq.h"

static void test_httpreq(void)
{
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
