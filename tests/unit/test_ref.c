/* micetro-emu unit tests: object references (ref.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "ref.h"
#include "validate.h"

/* Parses s and checks the result. */
static int ref_is(const char *s, enum ref_kind kind, int type, long long id)
{
    struct ref r;
    struct err e;

    if (ref_parse(s, &r, &e) != 0 || r.kind != kind)
        return 0;
    if (kind == REF_NAME)
        return r.name == s && r.id == 0;
    return r.type == type && r.id == id && r.name == NULL;
}

static int ref_bad(const char *s)
{
    struct ref r = {REF_NAME, 99, 99, NULL};
    struct err e;

    err_clear(&e);
    return ref_parse(s, &r, &e) == ERR_INVALID && e.code == ERR_INVALID &&
           r.type == 99 && r.id == 99; /* r untouched */
}

static void test_ref(void)
{
    char buf[REF_BUF], server[VALIDATE_HOSTNAME_BUF];
    const char *cidr = NULL;
    struct ref r;
    struct err e;

    /* typed */
    CHECK(ref_is("{#7-#12}", REF_TYPED, 7, 12));
    CHECK(ref_is("{#3-#1}", REF_TYPED, REF_DHCP_SERVER, 1));
    CHECK(ref_is("{#16-#9223372036854775807}", REF_TYPED, 16,
                 9223372036854775807LL));
    CHECK(ref_is("{#0-#1}", REF_TYPED, 0, 1));
    CHECK(ref_is("{#2147483647-#5}", REF_TYPED, 2147483647, 5));
    CHECK(ref_is("{#4-#2}", REF_TYPED, 4, 2)); /* a zone: caller decides */
    CHECK(ref_bad("{#7-#9223372036854775808}"));
    CHECK(ref_bad("{#7-#99999999999999999999}"));
    CHECK(ref_bad("{#2147483648-#1}"));
    CHECK(ref_bad("{#7-#0}"));
    CHECK(ref_bad("{#7-#-1}"));
    CHECK(ref_bad("{#7-#012}"));
    CHECK(ref_bad("{#07-#12}"));
    CHECK(ref_bad("{#7-#12} "));
    CHECK(ref_bad("{#7-#12}x"));
    CHECK(ref_bad("{#7 -#12}"));
    CHECK(ref_bad("{# 7-#12}"));
    CHECK(ref_bad("{#7-# 12}"));
    CHECK(ref_bad("{#7-#12"));
    CHECK(ref_bad("{#7-12}"));
    CHECK(ref_bad("{#7#12}"));
    CHECK(ref_bad("{#-#12}"));
    CHECK(ref_bad("{#7-#}"));
    CHECK(ref_bad("{#}"));
    CHECK(ref_bad("{#"));
    CHECK(ref_bad("{#+7-#12}"));
    CHECK(ref_bad("{#7-#+12}"));
    CHECK(ref_bad("{#0x7-#12}"));
    CHECK(ref_bad("{#7-#1a}"));
    CHECK(ref_bad(NULL));
    CHECK(ref_bad(""));
    CHECK(ref_parse("", &r, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "missing reference") == 0);
    CHECK(ref_parse(NULL, &r, NULL) == ERR_INVALID);
    CHECK(ref_parse("{#7-#0}", &r, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid reference \"{#7-#0}\": expected "
                        "{#<type>-#<id>}") == 0);

    /* resource */
    CHECK(ref_is("dhcpServers/2", REF_RESOURCE, REF_DHCP_SERVER, 2));
    CHECK(ref_is("ranges/5", REF_RESOURCE, REF_RANGE, 5));
    CHECK(ref_is("dhcpScopes/1", REF_RESOURCE, REF_DHCP_SCOPE, 1));
    CHECK(ref_is("dhcpAddressPools/3", REF_RESOURCE, REF_DHCP_ADDRESS_POOL, 3));
    CHECK(ref_is("dhcpExclusions/4", REF_RESOURCE, REF_DHCP_EXCLUSION, 4));
    CHECK(ref_is("DHCPSCOPES/7", REF_RESOURCE, REF_DHCP_SCOPE, 7));
    CHECK(ref_is("dhcpscopes/9223372036854775807", REF_RESOURCE, REF_DHCP_SCOPE,
                 9223372036854775807LL));
    CHECK(ref_bad("dhcpScopes/9223372036854775808"));
    CHECK(ref_bad("dhcpScopes/0"));
    CHECK(ref_bad("dhcpScopes/01"));
    CHECK(ref_parse("dhcpScopes/0", &r, &e) == ERR_INVALID);
    CHECK(strcmp(e.msg, "invalid reference \"dhcpScopes/0\": invalid id") == 0);

    /* names */
    CHECK(ref_is("dhcp1.example.", REF_NAME, 0, 0));
    CHECK(ref_is("dhcp1", REF_NAME, 0, 0));
    CHECK(ref_is("10.0.0.0/24", REF_NAME, 0, 0));
    CHECK(ref_is("10/24", REF_NAME, 0, 0)); /* digits are no resource */
    CHECK(ref_is("dhcp1.example.:10.0.0.0/24", REF_NAME, 0, 0));
    CHECK(ref_is("server:10.0.0.0/24", REF_NAME, 0, 0));
    CHECK(ref_is("zones/4", REF_NAME, 0, 0));     /* unknown resource */
    CHECK(ref_is("dhcpScopes/", REF_NAME, 0, 0)); /* not word/digits */
    CHECK(ref_is("dhcpScopes/x", REF_NAME, 0, 0));
    CHECK(ref_is("dhcpScopes/1/2", REF_NAME, 0, 0));
    CHECK(ref_is("/7", REF_NAME, 0, 0));
    CHECK(ref_is(" dhcpScopes/1", REF_NAME, 0, 0));
    CHECK(ref_is("{7-12}", REF_NAME, 0, 0));
    CHECK(ref_is("#7-#12", REF_NAME, 0, 0));
    CHECK(ref_is("{", REF_NAME, 0, 0));

    /* format */
    CHECK(ref_format(7, 12, buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, "{#7-#12}") == 0);
    CHECK(ref_format(2147483647, 9223372036854775807LL, buf, sizeof(buf)) == 0);
    CHECK(strcmp(buf, "{#2147483647-#9223372036854775807}") == 0);
    CHECK(ref_is(buf, REF_TYPED, 2147483647, 9223372036854775807LL));
    CHECK(ref_format(7, 0, buf, sizeof(buf)) == ERR_INVALID);
    CHECK(ref_format(-1, 1, buf, sizeof(buf)) == ERR_INVALID);
    CHECK(ref_format(7, 12, buf, 8) == ERR_INTERNAL);
    CHECK(ref_format(7, 12, buf, 9) == 0);

    /* names of types and resources */
    CHECK(ref_type_of_resource("dhcpScopes") == 7);
    CHECK(ref_type_of_resource("dhcpservers") == 3);
    CHECK(ref_type_of_resource("RANGES") == 6);
    CHECK(ref_type_of_resource("dhcpAddressPools") == 10);
    CHECK(ref_type_of_resource("dhcpExclusions") == 16);
    CHECK(ref_type_of_resource("dhcpScope") == -1);
    CHECK(ref_type_of_resource("dhcpScopesX") == -1);
    CHECK(ref_type_of_resource("") == -1);
    CHECK(ref_type_of_resource(NULL) == -1);
    CHECK(strcmp(ref_type_name(3), "DHCPServer") == 0);
    CHECK(strcmp(ref_type_name(6), "Range") == 0);
    CHECK(strcmp(ref_type_name(7), "DHCPScope") == 0);
    CHECK(strcmp(ref_type_name(10), "DHCPAddressPool") == 0);
    CHECK(strcmp(ref_type_name(16), "DHCPExclusion") == 0);
    CHECK(ref_type_name(4) == NULL);
    CHECK(ref_type_name(-1) == NULL);

    /* server:cidr */
    const char *n1 = "dhcp1.example.:10.0.0.0/24";
    CHECK(ref_split_server_scope(n1, server, sizeof(server), &cidr) == 0);
    CHECK(strcmp(server, "dhcp1.example.") == 0 && cidr == n1 + 15);
    CHECK(strcmp(cidr, "10.0.0.0/24") == 0);
    CHECK(ref_split_server_scope("a:b:10.0.0.0/8", server, sizeof(server),
                                 &cidr) == 0);
    CHECK(strcmp(server, "a:b") == 0 && strcmp(cidr, "10.0.0.0/8") == 0);
    CHECK(ref_split_server_scope("s:0.0.0.0/0", server, sizeof(server), NULL) ==
          0);
    CHECK(strcmp(server, "s") == 0);
    strcpy(server, "untouched");
    CHECK(ref_split_server_scope("10.0.0.0/24", server, sizeof(server),
                                 &cidr) == ERR_INVALID);
    CHECK(ref_split_server_scope(":10.0.0.0/24", server, sizeof(server),
                                 &cidr) == ERR_INVALID);
    CHECK(ref_split_server_scope("s:10.0.0.1/24", server, sizeof(server),
                                 &cidr) == ERR_INVALID);
    CHECK(ref_split_server_scope("s:10.0.0.0/24:x", server, sizeof(server),
                                 &cidr) == ERR_INVALID);
    CHECK(ref_split_server_scope("s:10.0.0.0", server, sizeof(server), &cidr) ==
          ERR_INVALID);
    CHECK(ref_split_server_scope("dhcp1.example.", server, sizeof(server),
                                 &cidr) == ERR_INVALID);
    CHECK(ref_split_server_scope(NULL, server, sizeof(server), &cidr) ==
          ERR_INVALID);
    CHECK(ref_split_server_scope("abcd:10.0.0.0/24", server, 4, &cidr) ==
          ERR_INVALID);
    CHECK(strcmp(server, "untouched") == 0);
    CHECK(ref_split_server_scope("abc:10.0.0.0/24", server, 4, &cidr) == 0);
    CHECK(strcmp(server, "abc") == 0);
}

int main(void)
{
    test_ref();
    return check_report();
}
