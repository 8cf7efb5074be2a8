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

    /* loopback peers, in every spelling a peer address takes */
    CHECK(httpreq_loopback("127.0.0.1") && httpreq_loopback("127.255.0.9"));
    CHECK(httpreq_loopback("::1") && httpreq_loopback("::ffff:127.0.0.2"));
    CHECK(httpreq_loopback("localhost"));
    CHECK(!httpreq_loopback("128.0.0.1") && !httpreq_loopback("10.0.0.1"));
    CHECK(!httpreq_loopback("::2") && !httpreq_loopback("::ffff:10.0.0.1"));
    CHECK(!httpreq_loopback("") && !httpreq_loopback(NULL) &&
          !httpreq_loopback("127.0.0.1.example"));

    /* the control token */
    CHECK(httpreq_bearer_ok("Bearer s3cret", "s3cret"));
    CHECK(httpreq_bearer_ok("bearer s3cret", "s3cret"));
    CHECK(!httpreq_bearer_ok("Bearer s3cre", "s3cret"));
    CHECK(!httpreq_bearer_ok("Bearer s3cret2", "s3cret"));
    CHECK(!httpreq_bearer_ok("Bearer S3cret", "s3cret"));
    CHECK(!httpreq_bearer_ok("Basic s3cret", "s3cret"));
    CHECK(!httpreq_bearer_ok("s3cret", "s3cret"));
    CHECK(!httpreq_bearer_ok(NULL, "s3cret"));
    CHECK(!httpreq_bearer_ok("Bearer ", ""));
}

int main(void)
{
    test_httpreq();
    return check_report();
}
