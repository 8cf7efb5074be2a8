#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""JSON-RPC 2.0 (docs/api.md, "JSON-RPC") on the SOAP URL and /mmws/json.

The failover lifecycle through JSON-RPC only, calls with filters and
paging, every error path (parse, invalid request, unknown method, wrong
types, unknown names, NUL bytes, oversize bodies, deep nesting, too many
items) with nothing run, the same fault through SOAP and JSON-RPC for the
same bad input, the journal recording JSON-RPC calls under their
operation, injected faults and drops seen through JSON-RPC, requests
replayed as mm_json_client and ps-menandmice send them, many concurrent
clients, and the schema of the served API profile.
"""

import json
import os
import random
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

SOAP_PATH = "/_mmwebext/mmwebext.dll?Soap"
JSON_PATH = "/mmws/json"
MAX_BODY = 65536  # the test server's limits: --max-message-bytes,
MAX_STRING = 1024  # --max-string-bytes
MAX_ITEMS = 100  # --max-elements


def setUpModule():
    global EMU
    EMU = et.module_emu(["--max-message-bytes", str(MAX_BODY), "--max-string-bytes",
                         str(MAX_STRING), "--max-elements", str(MAX_ITEMS)])


def tearDownModule():
    et.module_emu_stop(EMU)


def raw(body, path=SOAP_PATH, ct="application/json", headers=None):
    """POSTs body (bytes or str) as is: the Response."""
    h = {"Content-Type": ct}
    h.update(headers or {})
    return et.request(EMU, "POST", path, body=body, headers=h)


def rpc_raw(body, path=SOAP_PATH, **kw):
    r = raw(body, path, **kw)
    assert r.status == 200, (r.status, r.body[:300])
    assert r.content_type == "application/json", r.headers
    return json.loads(r.body)


def rpc(method, params=None, id=1, path=SOAP_PATH):
    msg = {"jsonrpc": "2.0", "method": method, "id": id}
    if params is not None:
        msg["params"] = params
    return rpc_raw(json.dumps(msg), path)


def ok(method, params=None, path=SOAP_PATH):
    j = rpc(method, params, path=path)
    assert "error" not in j, (method, params, j)
    assert j["jsonrpc"] == "2.0" and j["id"] == 1, j
    return j["result"]


def error(method, params=None, path=SOAP_PATH):
    j = rpc(method, params, path=path)
    assert "result" not in j, (method, j)
    return j["error"]["code"], j["error"]["message"]


def login():
    return ok("Login", {"loginName": et.USER, "password": et.PASSWORD,
                        "server": "localhost"})["session"]


def journal(op):
    status, j = et.control(EMU, "GET", "/_emu/requests?operation=%s" % op)
    assert status == 200, (status, j)
    return j["requests"]


class JsonRpcTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.session = login()
        cls.octet = random.randrange(1, 250)

    def setUp(self):
        et.control(EMU, "DELETE", "/_emu/faults")

    def call(self, method, **params):
        params["session"] = self.session
        return ok(method, params)

    def test_failover_lifecycle(self):
        s = login()
        o = self.octet

        def c(method, **p):
            p["session"] = s
            return ok(method, p)
        a = c("AddDHCPServer", dhcpServer={"name": "a%d.json.example." % o, "type": "ISC",
                                           "address": "10.%d.0.1" % o})["ref"]
        b = c("AddDHCPServer", dhcpServer={"name": "b%d.json.example." % o, "type": "ISC",
                                           "address": "10.%d.0.2" % o})["ref"]
        self.assertRegex(a, r"\A\{#3-#\d+\}\Z")
        cidr = "172.20.%d.0/24" % o
        rng = c("AddRange", range={"name": cidr})["ref"]
        scope = c("AddDHCPScope", dhcpScope={"name": cidr, "rangeRef": rng,
                                             "dhcpServerRef": a})["ref"]
        self.assertRegex(scope, r"\A\{#7-#\d+\}\Z")
        c("AddDHCPAddressPool", dhcpAddressPool={"dhcpScopeRef": scope,
                                                 "from": "172.20.%d.10" % o,
                                                 "to": "172.20.%d.100" % o})
        name = "jrel%d" % o
        c("AddDHCPFailoverRelationship", dhcpFailoverRelationship={
            "name": name, "primaryServer": a, "secondaryServer": b,
            "failoverMode": "LoadBalance", "failoverServerType": "PrimaryServer",
            "mclt": 3600, "safePeriod": 0, "dhcpScopeRefs": [], "percentage": 50})
        c("AddDHCPScopesToDHCPFailoverRelationship", dhcpServerRef=a,
          dhcpFailoverRelationshipName=name, dhcpScopeRefs=[scope])
        rels = c("GetDHCPFailoverRelationships", dhcpServerRef=a)
        mine = [r for r in rels["dhcpFailoverRelationships"] if r["name"] == name]
        self.assertEqual(len(mine), 1, rels)
        rel = mine[0]
        self.assertEqual(rel["dhcpScopeRefs"], [scope])  # the wrapper removed
        self.assertEqual((rel["mclt"], rel["percentage"]), (3600, 50))  # numbers
        self.assertEqual((rel["primaryServer"], rel["secondaryServer"]),
                         ("a%d.json.example." % o, "b%d.json.example." % o))
        # from the partner too
        rels_b = c("GetDHCPFailoverRelationships", dhcpServerRef=b)
        self.assertIn(name, [r["name"] for r in rels_b["dhcpFailoverRelationships"]])
        # pools of the scope, mirrored on the partner
        pools = c("GetDHCPAddressPools", dhcpScopeRef=scope)
        self.assertEqual(pools["totalResults"], 1, pools)
        self.assertEqual(c("RemoveDHCPFailoverRelationships", dhcpRefAndFailoverRelationshipNames=[
            {"dhcpServerRef": a, "dhcpFailoverRelationshipName": name}]), "")
        rels = c("GetDHCPFailoverRelationships", dhcpServerRef=a)
        self.assertNotIn(name, [r["name"] for r in rels["dhcpFailoverRelationships"] or []])
        for ref in (scope, rng, a, b):
            self.assertEqual(c("RemoveObject", ref=ref, forceRemoval=True), "")
        code, _ = error("GetDHCPServer", {"session": s, "dhcpServerRef": a})
        self.assertEqual(code, 2)
        self.assertEqual(ok("Logout", {"session": s}), "")
        code, msg = error("GetDHCPServers", {"session": s})
        self.assertEqual(code, 5, msg)

    def test_filters_paging_and_types(self):
        o = self.octet
        refs = [self.call("AddDHCPServer", dhcpServer={
            "name": "f%d-%d.json.example." % (o, i), "type": "ISC",
            "address": "10.%d.1.%d" % (o, i + 1)})["ref"] for i in range(3)]
        got = self.call("GetDHCPServers", filter="name:^f%d-" % o)
        self.assertEqual(got["totalResults"], 3)
        self.assertEqual(sorted(x["ref"] for x in got["dhcpServers"]), sorted(refs))
        one = got["dhcpServers"][0]
        self.assertIs(one["enabled"], True)
        page = self.call("GetDHCPServers", filter="name:^f%d-" % o, limit=1, offset=1,
                         sortBy="name", sortOrder="Descending")
        self.assertEqual(page["totalResults"], 3)
        self.assertEqual([x["name"] for x in page["dhcpServers"]], ["f%d-1.json.example." % o])
        none = self.call("GetDHCPServers", filter="name:^nothing-like-this$")
        self.assertEqual(none, {"dhcpServers": [], "totalResults": 0})
        srv = self.call("GetDHCPServer", dhcpServerRef=refs[0])
        self.assertEqual(srv["dhcpServer"]["ref"], refs[0])
        # the same on /mmws/json, null params and JSON-RPC 1.0 (no "jsonrpc")
        self.assertEqual(ok("GetDHCPServer", {"session": self.session, "dhcpServerRef": refs[0]},
                            path=JSON_PATH), srv)
        j = rpc_raw(json.dumps({"method": "GetDHCPServer", "id": 7, "params": {
            "session": self.session, "dhcpServerRef": refs[0]}}))
        self.assertEqual(j, {"result": srv, "error": None, "id": 7})
        # values as clients that quote everything send them: a number as
        # a string where one is due, and the other way round
        self.assertEqual(self.call("GetDHCPServers", filter="name:^f%d-" % o, limit="1",
                                   offset="-0")["totalResults"], 3)
        self.assertEqual(self.call("GetDHCPServers", filter=918273645)["totalResults"], 0)
        ref = self.call("AddDHCPServer", dhcpServer={
            "name": "f%d-q.json.example." % o, "type": "ISC", "address": "10.%d.1.9" % o,
            "enabled": "false"})["ref"]
        self.assertIs(self.call("GetDHCPServer", dhcpServerRef=ref)["dhcpServer"]["enabled"],
                      False)
        for ref in refs + [ref]:
            self.call("RemoveObject", ref=ref)

    def assert_refused(self, body, code, text=None, path=SOAP_PATH):
        j = rpc_raw(body, path)
        self.assertEqual(j["error"]["code"], code, j)
        if text is not None:
            self.assertIn(text, j["error"]["message"])
        self.assertNotIn("result", j)
        return j

    def test_errors_never_reach_a_handler(self):
        before = len(journal("GetDHCPServers")) + len(journal("AddDHCPServer"))
        s = self.session
        self.assert_refused(b'{"jsonrpc":"2.0",', -32700, "Parse error")
        self.assert_refused(b'{"jsonrpc":"2.0","method":"GetDHCPServers","params":{"session":"a\x00"}}',
                            -32700, "NUL")
        self.assert_refused('{"jsonrpc":"2.0","method":"GetDHCPServers","params":'
                            '{"session":"a\\u0000"}}', -32700)
        self.assert_refused("[1]", -32600, "batches")
        self.assert_refused('{"jsonrpc":"1.0","method":"Login"}', -32600, "jsonrpc")
        self.assert_refused('{"jsonrpc":"2.0","method":5}', -32600, "method")
        self.assert_refused('{"jsonrpc":"2.0","method":"Login","id":{}}', -32600, "id")
        self.assert_refused('{"jsonrpc":"2.0","method":"Login","extra":1}', -32600, "extra")
        self.assert_refused('{"jsonrpc":"2.0","method":"GetDHCPServers","params":{"session":"%s",'
                            '"session":"%s"}}' % (s, s), -32700, "duplicate")
        j = self.assert_refused('{"jsonrpc":"2.0","method":"NoSuchOp","id":"x"}', -32601,
                                "NoSuchOp")
        self.assertEqual(j["id"], "x")

        def bad(params, text, method="GetDHCPServers"):
            p = dict(params)
            p.setdefault("session", s)
            code, msg = error(method, p)
            self.assertEqual(code, -32602, msg)
            self.assertIn(text, msg)
        bad({"limit": "5x"}, "params.limit: an integer is due")
        bad({"limit": "1e3"}, "params.limit: an integer is due")
        bad({"limit": 5.5}, "params.limit: an integer is due")
        bad({"limit": -1}, "params.limit: out of range")
        bad({"limit": 2 ** 32}, "params.limit: out of range")
        bad({"filter": {"name": "x"}}, "params.filter: a string is due")
        bad({"filter": ["x"]}, "params.filter: a string is due")
        bad({"sortOrder": "Sideways"}, "params.sortOrder: not a value of SortOrder")
        bad({"colour": "red"}, "params.colour: unknown name")
        bad({"filter": "a\x01b"}, "control character")
        bad({"filter": "x" * (MAX_STRING + 1)}, "params.filter: longer than 1024 bytes")
        bad({"filter": "x" * MAX_STRING + "\u00e9"}, "longer than")
        bad({"session": None}, "params.session: null is not allowed")
        bad({"dhcpServer": {"name": "x.example.", "type": "ISC", "address": "10.0.0.1",
                            "enabled": "yes"}}, "params.dhcpServer.enabled: true or false is due",
            method="AddDHCPServer")
        bad({"dhcpServer": "x"}, "params.dhcpServer: an object is due", method="AddDHCPServer")
        bad({"dhcpServer": {"name": "x.example.", "type": "ISC", "address": "10.0.0.1",
                            "extra": 1}}, "params.dhcpServer.extra: unknown name",
            method="AddDHCPServer")
        bad({"dhcpServerRef": "{#3-#1}", "dhcpFailoverRelationshipName": "x",
             "dhcpScopeRefs": {"ref": "{#7-#1}"}}, "params.dhcpScopeRefs: an array is due",
            method="AddDHCPScopesToDHCPFailoverRelationship")
        bad({"dhcpServerRef": "{#3-#1}", "dhcpFailoverRelationshipName": "x",
             "dhcpScopeRefs": ["{#7-#1}"] * (MAX_ITEMS + 1)},
            "params.dhcpScopeRefs.ref: more than 100 items",
            method="AddDHCPScopesToDHCPFailoverRelationship")
        # params not an object
        j = rpc_raw(json.dumps({"jsonrpc": "2.0", "method": "GetDHCPServers", "params": [s]}))
        self.assertEqual(j["error"]["code"], -32602)
        # deep nesting: refused before it is parsed, past --max-depth (32)
        for depth in (20, 31, 2000, 30000):
            deep = "[" * depth + "]" * depth
            j = rpc_raw('{"jsonrpc":"2.0","method":"GetDHCPServers","params":{"session":"%s",'
                        '"filter":%s}}' % (s, deep))
            if depth == 20:
                self.assertEqual(j["error"]["code"], -32602, j)
            else:
                self.assertEqual(j["error"], {"code": -32600, "message":
                                              "Invalid Request: nested deeper than 32"})
        # brackets inside strings are not nesting
        code, msg = error("GetDHCPServer", {"session": s, "dhcpServerRef": "[{\\\"" * 40})
        self.assertGreater(code, 0, msg)  # the handler's fault
        # oversize: a JSON-RPC error with 413, nothing read
        r = raw('{"jsonrpc":"2.0","method":"GetDHCPServers","params":{"filter":"%s"}}'
                % ("x" * MAX_BODY))
        self.assertEqual(r.status, 413)
        self.assertEqual(json.loads(r.body)["error"]["code"], -32600)
        r = raw("x" * (MAX_BODY + 1), path=JSON_PATH)
        self.assertEqual(r.status, 413)
        self.assertEqual(json.loads(r.body)["error"]["code"], -32600)
        # none of it ran
        after = len(journal("GetDHCPServers")) + len(journal("AddDHCPServer"))
        self.assertEqual(before, after)

    def test_json_as_text_xml_is_soap(self):
        """The Content-Type decides: a JSON body sent as text/xml is a
        SOAP request, refused as not XML."""
        r = raw(json.dumps({"jsonrpc": "2.0", "method": "Login"}), ct="text/xml")
        self.assertEqual(r.status, 500)
        self.assertIn("not XML", et.fault_of(r).string)

    def test_same_fault_as_soap(self):
        soap = et.fault_of(et.call(EMU.url, "GetDHCPServer", self.session,
                                   extra=[("dhcpServerRef", "{#3-#999999}")]))
        code, msg = error("GetDHCPServer", {"session": self.session,
                                            "dhcpServerRef": "{#3-#999999}"})
        self.assertEqual((code, msg), (soap.error_code, soap.string))
        soap = et.fault_of(et.post(EMU.url, et.envelope(11, et.login_xml(password="nope")),
                                   "Login"))
        code, msg = error("Login", {"loginName": et.USER, "password": "nope", "server": "x"})
        self.assertEqual((code, msg), (soap.error_code, soap.string))
        self.assertEqual((code, msg), (16394, "Invalid username or password."))
        soap = et.fault_of(et.call(EMU.url, "GetDHCPServers", "notasession"))
        code, msg = error("GetDHCPServers", {"session": "notasession"})
        self.assertEqual((code, msg), (soap.error_code, soap.string))
        # a required element missing: the SOAP request lacks it too, and
        # the handler's own fault answers
        for op, params, inner in (("Logout", {}, ""),
                                  ("AddDHCPServer", {"session": self.session},
                                   "<ns0:session>%s</ns0:session>" % self.session)):
            body = '<ns0:%s xmlns:ns0="%s">%s</ns0:%s>' % (op, et.NS_MM, inner, op)
            soap = et.fault_of(et.post(EMU.url, et.envelope11(body), op))
            self.assertEqual(error(op, params), (soap.error_code, soap.string))
        self.assertEqual(error("Logout", {}), (5, "Invalid or expired session"))

    def test_journal_records_jsonrpc(self):
        et.control(EMU, "DELETE", "/_emu/requests")
        self.call("GetDHCPServers", filter="name:^journal-json$", limit=3)
        rows = journal("GetDHCPServers")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0]["arguments"].get("filter"), "name:^journal-json$")
        self.assertEqual(rows[0]["arguments"].get("limit"), "3")
        self.assertEqual(rows[0]["login"], et.USER)
        self.assertEqual(rows[0]["status"], 200)
        error("GetDHCPServer", {"session": self.session, "dhcpServerRef": "{#3-#999998}"})
        rows = journal("GetDHCPServer")
        self.assertEqual(len(rows), 1, rows)
        self.assertTrue(rows[0]["fault"], rows)

    def test_injected_fault_and_drop(self):
        status, _ = et.control(EMU, "POST", "/_emu/faults", {
            "operation": "GetRanges", "fault": {"code": 4242, "text": "injected <x>"}})
        self.assertEqual(status, 201)
        self.assertEqual(error("GetRanges", {"session": self.session}), (4242, "injected <x>"))
        et.control(EMU, "DELETE", "/_emu/faults")
        self.assertIn("totalResults", self.call("GetRanges"))
        status, _ = et.control(EMU, "POST", "/_emu/faults", {"operation": "GetRanges",
                                                             "drop": True, "times": 1})
        self.assertEqual(status, 201)
        with self.assertRaises(Exception):
            raw(json.dumps({"jsonrpc": "2.0", "method": "GetRanges",
                            "params": {"session": self.session}}))
        self.assertIn("totalResults", self.call("GetRanges"))

    def test_mm_json_client_replay(self):
        """As the Ruby gem sends: no id, its headers; the answers it parses."""
        hdrs = {"Accept-Encoding": "gzip;q=1.0,deflate;q=0.6,identity;q=0.3",
                "Accept": "application/json", "User-Agent": "Ruby"}
        j = rpc_raw('{"jsonrpc":"2.0","method":"Login","params":{"loginName":"%s","password":"%s",'
                    '"server":"test-ipam.local"}}' % (et.USER, et.PASSWORD), headers=hdrs)
        self.assertEqual(set(j), {"jsonrpc", "result", "id"})
        self.assertIsNone(j["id"])
        s = j["result"]["session"]
        j = rpc_raw('{"jsonrpc":"2.0","method":"GetDHCPServers","params":{"filter":"name:^x$",'
                    '"session":"%s"}}' % s, headers=hdrs)
        self.assertEqual(j["result"], {"dhcpServers": [], "totalResults": 0})
        j = rpc_raw('{"jsonrpc":"2.0","method":"Logout","params":{"session":"%s"}}' % s,
                    headers=hdrs)
        self.assertEqual(j, {"jsonrpc": "2.0", "result": "", "id": None})
        j = rpc_raw('{"jsonrpc":"2.0","method":"Login","params":{"loginName":"%s",'
                    '"password":"badpadd","server":"test-ipam.local"}}' % et.USER, headers=hdrs)
        self.assertEqual(j, {"jsonrpc": "2.0", "error": {
            "code": 16394, "message": "Invalid username or password."}, "id": None})

    def test_ps_menandmice_replay(self):
        """As Invoke-RestMethod sends ConvertTo-Json's output: indented,
        CRLF, keys in any order, the session added to params."""
        hdrs = {"User-Agent": "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) "
                              "WindowsPowerShell/5.1.17763.1007"}
        body = ('{\r\n    "method":  "Login",\r\n    "params":  {\r\n'
                '                   "password":  "%s",\r\n'
                '                   "server":  "dns1",\r\n'
                '                   "loginName":  "%s"\r\n               },\r\n'
                '    "jsonrpc":  "2.0"\r\n}' % (et.PASSWORD, et.USER))
        j = rpc_raw(body, headers=hdrs)
        s = j["result"]["session"]
        body = ('{\r\n    "method":  "GetRanges",\r\n    "params":  {\r\n'
                '                   "session":  "%s"\r\n               },\r\n'
                '    "jsonrpc":  "2.0"\r\n}' % s)
        j = rpc_raw(body, headers=hdrs)
        self.assertIsInstance(j["result"]["ranges"], list)
        self.assertIsInstance(j["result"]["totalResults"], int)

    def test_concurrent_clients(self):
        errors = []
        counts = []

        def client(n):
            try:
                s = login()
                for _ in range(10):
                    r = ok("GetDHCPServers", {"session": s, "limit": 1})
                    assert isinstance(r["totalResults"], int), r
                counts.append(n)
                ok("Logout", {"session": s})
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))
        threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(len(counts), 16)


class ProfileTest(unittest.TestCase):
    """The schema is the served profile's: an 11.x element is a name of
    the request with --api-profile 11 and unknown with 2017."""

    def test_profile_2017(self):
        rel = {"name": "r", "primaryServer": "{#3-#99998}", "secondaryServer": "{#3-#99999}",
               "failoverMode": "LoadBalance", "failoverServerType": "PrimaryServer",
               "mclt": 3600, "safePeriod": 0, "dhcpScopeRefs": [], "percentage": 50,
               "port": 647}
        code, msg = error("AddDHCPFailoverRelationship", {"session": login(),
                                                          "dhcpFailoverRelationship": rel})
        self.assertEqual(code, 2, msg)  # the handler's: an unknown server
        old = et.Emu(["--api-profile", "2017"])
        try:
            global EMU
            saved, EMU = EMU, old
            try:
                code, msg = error("AddDHCPFailoverRelationship", {
                    "session": login(), "dhcpFailoverRelationship": rel})
            finally:
                EMU = saved
            self.assertEqual((code, msg), (-32602, "Invalid params: "
                                           "params.dhcpFailoverRelationship.port: unknown name"))
        finally:
            et.module_emu_stop(old)


if __name__ == "__main__":
    unittest.main(verbosity=2)
