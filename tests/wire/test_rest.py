#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""REST under /mmws/api (docs/api.md#rest).

The objects and the failover lifecycle through REST only; the requests
of Micetro's REST clients (rest_clients.py) replayed as they send them,
their answers read as they read them; every error path with nothing
changed; the same bad input through SOAP and REST; Basic auth refusals,
a password changed by another process; many clients at once.  Each test
makes objects of its own (random octets).
"""

import base64
import http.client
import json
import os
import random
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emutest as et  # noqa: E402
import rest_clients as rc  # noqa: E402

OCTETS = iter(random.sample(range(1, 255), 200))
CLIENTS = int(os.environ.get("MICETRO_REST_CLIENTS", "16"))


def basic(user=None, password=None):
    raw = "%s:%s" % (et.USER if user is None else user,
                     et.PASSWORD if password is None else password)
    return "Basic " + base64.b64encode(raw.encode()).decode()


def rest(emu, method, path, body=None, headers=None, auth=True, conn=None):
    """(status, parsed JSON or None, raw body)."""
    h = {"Content-Type": "application/json"}
    if auth is True:
        h["Authorization"] = basic()
    elif auth:
        h["Authorization"] = auth
    h.update(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    c = conn or http.client.HTTPConnection(emu.host, emu.port, timeout=60)
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
    finally:
        if conn is None:
            c.close()
    j = json.loads(data) if data and method != "HEAD" else None
    return r.status, j, data


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    et.module_emu_stop(EMU)


class RestCase(et.EmuTestCase):

    def ok(self, method, path, body=None, status=200, **kw):
        s, j, raw = rest(EMU, method, path, body, **kw)
        self.assertEqual(s, status, raw)
        return j

    def err(self, method, path, body=None, status=400, code=None, text=None, **kw):
        s, j, raw = rest(EMU, method, path, body, **kw)
        self.assertEqual(s, status, raw)
        self.assertEqual(set(j), {"error"}, raw)
        self.assertIsInstance(j["error"]["message"], str)
        self.assertIsInstance(j["error"]["code"], int)
        if code is not None:
            self.assertEqual(j["error"]["code"], code, raw)
        if text is not None:
            self.assertIn(text, j["error"]["message"])
        return j["error"]

    def server(self):
        o = next(OCTETS)
        name = "r%d.rest.example." % o
        j = self.ok("POST", "/mmws/api/DHCPServers", {
            "dhcpServer": {"name": name, "type": "ISC", "address": "10.%d.0.1" % o}},
            status=201)
        ref = j["result"]["ref"]
        self.assertRegex(ref, r"\ADHCPServers/[1-9][0-9]*\Z")
        return name, ref

    def range(self):
        while True:
            cidr = "172.%d.%d.0/24" % (random.randrange(16, 32), random.randrange(256))
            s, j, raw = rest(EMU, "POST", "/mmws/api/Ranges", {"range": {"name": cidr}})
            self.assertIn(s, (201, 409), raw)
            if s == 201:
                self.assertRegex(j["result"]["ref"], r"\ARanges/[1-9][0-9]*\Z")
                return cidr, j["result"]["ref"]

    def scope(self, server, name=None):
        cidr, rng = self.range()
        j = self.ok("POST", "/mmws/api/DHCPScopes", {
            "dhcpScope": {"name": name or cidr, "rangeRef": rng, "dhcpServerRef": server},
            "saveComment": "rest"}, status=201)
        sc = j["result"]["ref"]
        self.assertRegex(sc, r"\ADHCPScopes/[1-9][0-9]*\Z")
        base = cidr.rsplit(".", 1)[0]
        j = self.ok("POST", "/mmws/api/DHCPAddressPools", {"dhcpAddressPool": {
            "dhcpScopeRef": sc, "from": base + ".10", "to": base + ".100"}}, status=201)
        self.assertRegex(j["result"]["ref"], r"\ADHCPAddressPools/[1-9][0-9]*\Z")
        return cidr, rng, sc

    def counts(self):
        """What a refused call must leave as it was."""
        return tuple(self.ok("GET", "/mmws/api/" + c + "?limit=1")["result"]["totalResults"]
                     for c in ("DHCPServers", "Ranges", "DHCPScopes", "DHCPAddressPools"))


class ObjectsTest(RestCase):

    def test_collections_items_and_refs(self):
        name, srv = self.server()
        cidr, rng, sc = self.scope(srv)
        sid = srv.split("/")[1]
        one = self.ok("GET", "/mmws/api/" + srv)["result"]["dhcpServer"]
        self.assertEqual((one["ref"], one["name"], one["type"]), (srv, name, "ISC"))
        self.assertNotIn("password", one)
        # the same object under every spelling clients use
        for path in ("DHCPServers/" + sid, "dhcpservers/" + sid + "/", "DHCPServers/" + srv,
                     "v2/DHCPServers/" + sid, "DHCPServers/%7B%233-%23" + sid + "%7D",
                     "%7B%233-%23" + sid + "%7D", "DHCPServers/" + name,
                     "DHCPServers/" + name.rstrip(".").upper()):
            self.assertEqual(self.ok("GET", "/mmws/api/" + path)["result"]["dhcpServer"]["ref"],
                             srv, path)
        scope = self.ok("GET", "/mmws/api/" + sc)["result"]["dhcpScope"]
        self.assertEqual((scope["rangeRef"], scope["dhcpServerRef"]), (rng, srv))
        self.assertEqual(self.ok("GET", "/mmws/api/Ranges/" + cidr)["result"]["range"]["ref"], rng)
        # lists: filter, paging, order, totals
        lst = self.ok("GET", "/mmws/api/DHCPScopes?filter=dhcpServerRef%3D" + srv)["result"]
        self.assertEqual(lst["totalResults"], 1)
        self.assertEqual([s["ref"] for s in lst["dhcpScopes"]], [sc])
        for _ in range(2):
            self.server()
        page = self.ok("GET", "/mmws/api/DHCPServers?offset=1&limit=2&sortBy=name"
                       "&sortOrder=Descending")["result"]
        self.assertEqual(len(page["dhcpServers"]), 2)
        self.assertGreaterEqual(page["totalResults"], 3)
        names = [s["name"] for s in page["dhcpServers"]]
        self.assertEqual(names, sorted(names, reverse=True))
        empty = self.ok("GET", "/mmws/api/DHCPScopes?filter=name%3Dnone-such-x")["result"]
        self.assertEqual(empty, {"dhcpScopes": [], "totalResults": 0})
        # PUT: properties as an object and as a list; 204
        self.ok("PUT", "/mmws/api/" + sc, {"properties": {"description": "by object"}},
                status=204)
        self.ok("PUT", "/mmws/api/" + sc, {"properties": [
            {"name": "superscope", "value": "by list"}], "saveComment": "x"}, status=204)
        got = self.ok("GET", "/mmws/api/" + sc)["result"]["dhcpScope"]
        self.assertEqual((got["description"], got["superscope"]), ("by object", "by list"))
        self.ok("PUT", "/mmws/api/" + sc, {"properties": [{"name": "enabled", "value": False}]},
                status=204)
        self.assertIs(self.ok("GET", "/mmws/api/" + sc)["result"]["dhcpScope"]["enabled"], False)
        self.ok("PUT", "/mmws/api/Ranges/" + rng, {"properties": {"locked": True}}, status=204)
        self.assertIs(self.ok("GET", "/mmws/api/" + rng)["result"]["range"]["locked"], True)
        # DELETE with the options; then 16544
        self.ok("DELETE", "/mmws/api/" + sc, {"saveComment": "gone", "forceRemoval": True,
                                              "objType": "DHCPScope"}, status=204)
        self.err("GET", "/mmws/api/" + sc, status=404, code=16544)
        self.err("DELETE", "/mmws/api/" + sc, status=404, code=16544)
        self.ok("DELETE", "/mmws/api/" + rng + "?forceRemoval=true&saveComment=q", status=204)

    def test_custom_properties_as_an_object(self):
        name = "rest%d" % random.randrange(1 << 30)
        self.ok("POST", "/mmws/api/command/AddPropertyDefinition", {
            "objType": "Range", "propertyDefinition": {"name": name, "type": "String"}})
        self.addCleanup(rest, EMU, "POST", "/mmws/api/command/RemovePropertyDefinition",
                        {"objType": "Range", "property": name})
        while True:
            cidr = "172.%d.%d.0/24" % (random.randrange(16, 32), random.randrange(256))
            s, j, raw = rest(EMU, "POST", "/mmws/api/Ranges", {"range": {
                "name": cidr, "customProperties": {name: "lab"}}})
            self.assertIn(s, (201, 409), raw)
            if s == 201:
                break
        ref = j["result"]["ref"]
        got = self.ok("GET", "/mmws/api/" + ref)["result"]["range"]
        self.assertEqual(got["customProperties"], {name: "lab"})
        self.ok("PUT", "/mmws/api/" + ref, {"properties": {name: "hall"}}, status=204)
        lst = self.ok("GET", "/mmws/api/Ranges?filter=%s%%3Dhall" % name)["result"]
        self.assertEqual([(r["ref"], r["customProperties"][name]) for r in lst["ranges"]],
                         [(ref, "hall")])
        # as a list too, as the WSDL has it
        self.ok("PUT", "/mmws/api/" + ref, {"properties": [{"name": name, "value": None}]},
                status=204)
        got = self.ok("GET", "/mmws/api/" + ref)["result"]["range"]
        self.assertIn(got["customProperties"][name], ("", None))

    def test_probe_and_command(self):
        j = self.ok("GET", "/mmws/api", auth=False)
        self.assertIn("DHCPScopes", j["result"]["collections"])
        self.assertEqual(self.ok("GET", "/mmws/api/", auth=False), j)
        _, srv = self.server()
        r = self.ok("POST", "/mmws/api/command/GetDHCPServer", {"dhcpServerRef": srv})
        self.assertEqual(r["result"]["dhcpServer"]["ref"], srv)
        r = self.ok("POST", "/mmws/api/command/GetProperties", {"ref": srv})
        self.assertIn("result", r)
        self.err("POST", "/mmws/api/command/NoSuchOperation", {}, status=404)
        self.err("GET", "/mmws/api/command/GetDHCPServers", status=405)
        self.err("POST", "/mmws/api/command/Login", {}, status=400)


class FailoverTest(RestCase):

    def test_lifecycle(self):
        a_name, a = self.server()
        b_name, b = self.server()
        _, _, sc = self.scope(a)
        rel = "rest-fo-%d" % random.randrange(1 << 30)
        base = "/mmws/api/DHCPServers/%s/DHCPFailoverRelationships" % a
        self.assertEqual(self.ok("GET", base)["result"],
                         {"dhcpFailoverRelationships": [], "totalResults": 0})
        self.ok("POST", base, {"dhcpFailoverRelationship": {
            "name": rel, "primaryServer": a, "secondaryServer": b,
            "failoverMode": "LoadBalance", "failoverServerType": "PrimaryServer",
            "mclt": 3600, "safePeriod": 0, "percentage": 50, "dhcpScopeRefs": []}},
            status=201)
        lst = self.ok("GET", base)["result"]
        self.assertEqual(lst["totalResults"], 1)
        self.assertEqual(lst["dhcpFailoverRelationships"][0]["name"], rel)
        self.ok("POST", "/mmws/api/command/AddDHCPScopesToDHCPFailoverRelationship", {
            "dhcpServerRef": a, "dhcpFailoverRelationshipName": rel, "dhcpScopeRefs": [sc]})
        one = self.ok("GET", base + "/" + rel)["result"]["dhcpFailoverRelationship"]
        self.assertEqual(one["dhcpScopeRefs"], [sc])
        # seen from the partner too
        other = "/mmws/api/DHCPServers/%s/DHCPFailoverRelationships/%s" % (b_name, rel)
        self.assertEqual(self.ok("GET", other)["result"]["dhcpFailoverRelationship"]["name"], rel)
        self.ok("POST", "/mmws/api/command/ModifyDHCPFailoverRelationship", {
            "dhcpFailoverRelationship": dict(one, mclt=1800)})
        self.assertEqual(self.ok("GET", base + "/" + rel)["result"]
                         ["dhcpFailoverRelationship"]["mclt"], 1800)
        # the partner has the scope's mirror; Replicate brings a change over
        mirror = "/mmws/api/DHCPScopes?filter=dhcpServerRef%3D" + b
        partner = self.ok("GET", mirror)["result"]["dhcpScopes"]
        self.assertEqual(len(partner), 1)
        self.ok("PUT", "/mmws/api/" + sc, {"properties": {"description": "replicated"}},
                status=204)
        r = self.ok("POST", "/mmws/api/command/ReplicateDHCPFailover", {
            "dhcpServerRef": a, "dhcpFailoverRelationshipName": rel})
        self.assertEqual(r, {"result": {}})
        self.assertEqual(self.ok("GET", "/mmws/api/" + partner[0]["ref"])["result"]
                         ["dhcpScope"]["description"], "replicated")
        self.ok("POST", "/mmws/api/command/RemoveDHCPScopesFromDHCPFailoverRelationship", {
            "dhcpServerRef": a, "dhcpFailoverRelationshipName": rel, "dhcpScopeRefs": [sc],
            "dhcpFailoverRelationshipDeconfigureAction": "Delete"})
        self.assertEqual(self.ok("GET", mirror)["result"]["totalResults"], 0)
        self.assertEqual(self.ok("GET", base + "/" + rel)["result"]
                         ["dhcpFailoverRelationship"]["dhcpScopeRefs"], [])
        # a failover rule broken: the fault's code and text, nothing changed
        e = self.err("POST", "/mmws/api/command/AddDHCPScopesToDHCPFailoverRelationship", {
            "dhcpServerRef": a, "dhcpFailoverRelationshipName": rel,
            "dhcpScopeRefs": ["DHCPScopes/999999999"]}, status=404, code=2049)
        self.assertIn("999999999", e["message"])
        self.ok("POST", "/mmws/api/command/RemoveDHCPFailoverRelationships", {
            "dhcpRefAndFailoverRelationshipNames": [
                {"dhcpServerRef": a, "dhcpFailoverRelationshipName": rel}]})
        self.err("GET", base + "/" + rel, status=404, code=16544)
        self.assertEqual(self.ok("GET", base)["result"]["totalResults"], 0)


class ClientsTest(RestCase):
    """Each client's requests as it sends them, read as it reads them."""

    def send(self, req, **fill):
        method, path, headers, body = req
        path = path.format(**fill)
        if body is not None and body != "{}":
            body = body.format(**fill)
        h = dict(headers)
        h["Authorization"] = basic()
        c = http.client.HTTPConnection(EMU.host, EMU.port, timeout=60)
        try:
            c.putrequest(method, path, skip_accept_encoding=True)
            for k, v in h.items():
                c.putheader(k, v)
            if body is not None:
                c.putheader("Content-Length", str(len(body.encode())))
            c.endheaders(body.encode() if body is not None else None)
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def test_ansible(self):
        _, srv = self.server()
        cidr, rng = self.range()
        name = "ans-%d" % random.randrange(1 << 30)
        fill = dict(name=name, range=rng, server=srv)
        # doapi: 200 -> json.loads(body); get_single_refs -> ["result"]
        s, body = self.send(rc.ANSIBLE["scope_lookup"], **fill)
        self.assertEqual(s, 200, body)
        self.assertEqual(json.loads(body)["result"]["totalResults"], 0)
        s, body = self.send(rc.ANSIBLE["scope_create"], **fill)
        self.assertEqual(s, 201, body)
        for req in ("scope_lookup", "scope_lookup_amp", "scope_lookup_quoted"):
            s, body = self.send(rc.ANSIBLE[req], **fill)
            self.assertEqual(s, 200, body)
            res = json.loads(body)["result"]
            self.assertEqual(res["totalResults"], 1, req)
        ref = res["dhcpScopes"][0]["ref"]
        s, body = self.send(rc.ANSIBLE["get_one"], ref=ref)
        self.assertEqual(json.loads(body)["result"]["dhcpScope"]["description"],
                         "Managed via Ansible")
        s, body = self.send(rc.ANSIBLE["getrefs"], objtype="DHCPServers")
        self.assertIn(srv, [x["ref"] for x in json.loads(body)["result"]["dhcpServers"]])
        s, body = self.send(rc.ANSIBLE["ranges_by_address"], address=cidr.rsplit("/")[0])
        self.assertEqual(s, 200, body)
        self.assertIn(rng, [x["ref"] for x in json.loads(body)["result"]["ranges"]])
        for req, v in (("props_object", "desc-a"), ("props_list", "sup-b")):
            s, body = self.send(rc.ANSIBLE[req], ref=ref, value=v)
            self.assertEqual((s, body), (204, b""))
        got = json.loads(self.send(rc.ANSIBLE["get_one"], ref=ref)[1])["result"]["dhcpScope"]
        self.assertEqual((got["description"], got["superscope"]), ("desc-a", "sup-b"))
        s, body = self.send(rc.ANSIBLE["delete"], ref=ref)
        self.assertEqual((s, body), (204, b""))
        # an error as doapi reads it
        s, body = self.send(rc.ANSIBLE["get_one"], ref=ref)
        e = json.loads(body)["error"]
        self.assertEqual((s, e["code"]), (404, 16544))
        self.assertIsInstance(e["message"], str)

    def test_terraform(self):
        s, body = self.send(rc.TERRAFORM["probe"])
        self.assertEqual(s, 200, body)
        while True:
            cidr = "172.%d.%d.0/24" % (random.randrange(16, 32), random.randrange(256))
            s, body = self.send(rc.TERRAFORM["range_create"], cidr=cidr)
            self.assertIn(s, (201, 409), body)
            if s == 201:
                break
        ref = json.loads(body)["result"]["ref"]
        s, body = self.send(rc.TERRAFORM["range_read"], ref=ref)
        self.assertEqual(s, 200, body)
        got = json.loads(body)["result"]["range"]
        self.assertEqual((got["ref"], got["name"]), (ref, cidr))
        s, body = self.send(rc.TERRAFORM["range_update"], ref=ref)
        self.assertEqual(s, 204, body)
        got = json.loads(self.send(rc.TERRAFORM["range_read"], ref=ref)[1])["result"]["range"]
        self.assertIs(got["locked"], True)
        _, srv = self.server()
        name = "tf-%d" % random.randrange(1 << 30)
        self.ok("POST", "/mmws/api/DHCPScopes", {"dhcpScope": {
            "name": name, "rangeRef": ref, "dhcpServerRef": srv}}, status=201)
        for req in ("scope_find_amp", "scope_find_space"):
            s, body = self.send(rc.TERRAFORM[req], name=name, range=ref)
            self.assertEqual(s, 200, body)
            res = json.loads(body)["result"]
            self.assertEqual([x["name"] for x in res["dhcpScopes"]], [name], req)
            self.assertEqual(res["totalResults"], 1)
        s, body = self.send(rc.TERRAFORM["range_delete"], ref=ref)
        self.assertEqual(s, 204, body)
        # ReadRange: 16544 means gone; so does DeleteRange
        for req in ("range_read", "range_delete"):
            s, body = self.send(rc.TERRAFORM[req], ref=ref)
            self.assertEqual((s, json.loads(body)["error"]["code"]), (404, 16544))

    def test_exporter(self):
        _, srv = self.server()
        _, _, sc = self.scope(srv)
        for req, key, fields in (("scopes", "dhcpScopes", rc.EXPORTER_SCOPE),
                                 ("servers", "dhcpServers", rc.EXPORTER_SERVER),
                                 ("ranges", "ranges", rc.EXPORTER_RANGE)):
            s, body = self.send(rc.EXPORTER[req])
            self.assertEqual(s, 200, body)
            items = json.loads(body)["result"][key]
            self.assertTrue(items)
            for it in items:
                for f in fields:
                    self.assertIn(f, it, (req, it))
        scopes = json.loads(self.send(rc.EXPORTER["scopes"])[1])["result"]["dhcpScopes"]
        mine = [x for x in scopes if x["ref"] == sc][0]
        self.assertEqual(mine["dhcpServerRef"], srv)
        self.assertIs(mine["enabled"], True)


class ErrorsTest(RestCase):

    def test_bad_input_changes_nothing(self):
        _, srv = self.server()
        before = self.counts()
        cases = [
            ("POST", "/mmws/api/DHCPScopes", "{not json", 400, 1),
            ("POST", "/mmws/api/DHCPScopes", "[1]", 400, 1),
            ("POST", "/mmws/api/DHCPScopes", '{"dhcpScope": {"name": "x\\u0000y"}}', 400, None),
            ("POST", "/mmws/api/DHCPScopes", b'{"dhcpScope": {"name": "x\x00"}}', 400, 1),
            ("POST", "/mmws/api/DHCPServers", {"dhcpServer": {"name": 12}}, 400, None),
            ("POST", "/mmws/api/DHCPServers", {"dhcpServer": {"name": "bad name",
                                                              "type": "ISC"}}, 400, 1),
            ("POST", "/mmws/api/DHCPScopes", {"dhcpScope": {
                "name": "x", "rangeRef": "Ranges/999999999", "dhcpServerRef": srv}}, 404, 2049),
            ("PUT", "/mmws/api/" + srv, {"properties": 5}, 400, 1),
            ("PUT", "/mmws/api/" + srv, {"properties": [{"value": "x"}]}, 400, 1),
            ("PUT", "/mmws/api/" + srv, {"properties": [{"name": "x", "value": [1]}]}, 400, 1),
            ("PUT", "/mmws/api/" + srv, {"properties": {"name": 1.5}}, 400, 1),
            ("POST", "/mmws/api/Ranges", {"range": {"name": "172.31.250.0/24",
                                                    "customProperties": 5}}, 400, 1),
            ("PUT", "/mmws/api/" + srv, {"properties": {"address": "fe80::1"}}, 400, 1),
            ("DELETE", "/mmws/api/" + srv + "?forceRemoval=maybe", None, 400, 1),
            ("GET", "/mmws/api/DHCPScopes?limit=-1", None, 400, 1),
            ("GET", "/mmws/api/DHCPScopes?offset=99999999999", None, 400, 1),
            ("GET", "/mmws/api/DHCPScopes?filter=nosuchfield%3Dx", None, 400, 1),
            ("GET", "/mmws/api/DHCPScopes?filter=%zz", None, 400, 1),
            ("GET", "/mmws/api/DHCPScopes?filter=a%00b", None, 400, 1),
            ("GET", "/mmws/api/DHCPScopes?filter=name%3D%ff", None, 400, 1),
            ("GET", "/mmws/api/DHCPScopes?sortBy=%c3", None, 400, 1),
            ("GET", "/mmws/api/DHCPServers/%ff%fe", None, 400, 1),
            ("POST", "/mmws/api/DHCPServers", b'{"dhcpServer": {"name": "\xff"}}', 400, 1),
            ("GET", "/mmws/api/DHCPServers/%7B%237-%231%7D", None, 400, 2049),
            ("GET", "/mmws/api/DHCPServers/%7B%233-%230%7D", None, 400, 2049),
            ("GET", "/mmws/api/DHCPServers/999999999", None, 404, 16544),
            ("GET", "/mmws/api/DHCPServers/a%00b", None, 400, 1),
            ("GET", "/mmws/api/Zones", None, 404, 1),
            ("GET", "/mmws/api/Zones/1", None, 404, 1),
            ("GET", "/mmws/api/" + "z" * 63 + "%c3%a9", None, 404, 1),
            ("PATCH", "/mmws/api/DHCPServers", None, 405, 1),
            ("POST", "/mmws/api/" + srv, {}, 405, 1),
            ("GET", "/mmws/api/DHCPServers/" + "x" * 2000, None, 414, 1),
        ]
        for method, path, body, status, code in cases:
            with self.subTest(method=method, path=path, body=body):
                self.err(method, path, body, status=status, code=code)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.ok("GET", "/mmws/api/" + srv)["result"]["dhcpServer"]["ref"], srv)

    def test_oversize_body(self):
        """A body declared over --max-message-bytes: 413 before it is read."""
        before = self.counts()
        c = http.client.HTTPConnection(EMU.host, EMU.port, timeout=60)
        try:
            c.putrequest("POST", "/mmws/api/DHCPServers")
            c.putheader("Authorization", basic())
            c.putheader("Content-Type", "application/json")
            c.putheader("Content-Length", str(64 << 20))
            c.endheaders()
            r = c.getresponse()
            raw = r.read()
            self.assertEqual(r.status, 413, raw)
            # REST's own error shape, as the clients read every error
            self.assertEqual(json.loads(raw), {"error": {
                "code": 1, "message": "request body exceeds the message size limit"}})
        finally:
            c.close()
        self.assertEqual(self.counts(), before)

    def test_same_fault_through_soap_and_rest(self):
        name, _ = self.server()
        s = et.login(EMU)
        xml = ('<ns0:AddDHCPServer xmlns:ns0="%s"><ns0:session>%s</ns0:session>'
               '<ns0:dhcpServer><ns0:name>%s</ns0:name><ns0:type>ISC</ns0:type>'
               '<ns0:address>10.9.9.9</ns0:address></ns0:dhcpServer></ns0:AddDHCPServer>'
               % (et.NS_MM, s, name))
        fault = et.fault_of(et.post(EMU, et.envelope11(xml), "AddDHCPServer"))
        e = self.err("POST", "/mmws/api/DHCPServers", {"dhcpServer": {
            "name": name, "type": "ISC", "address": "10.9.9.9"}}, status=409)
        self.assertEqual(e["message"], fault.string)
        e = self.err("POST", "/mmws/api/command/AddDHCPServer", {"dhcpServer": {
            "name": name, "type": "ISC", "address": "10.9.9.9"}}, status=409)
        self.assertEqual(e["message"], fault.string)
        # and JSON-RPC, with the SOAP fault's code
        st, j, raw = rest(EMU, "POST", "/mmws/json", {
            "jsonrpc": "2.0", "method": "AddDHCPServer", "id": 1, "params": {
                "session": s, "dhcpServer": {"name": name, "type": "ISC",
                                             "address": "10.9.9.9"}}}, auth=False)
        self.assertEqual(st, 200, raw)
        self.assertEqual(j["error"]["message"], fault.string)
        self.assertEqual(j["error"]["code"], fault.error_code)
        self.assertEqual(e["code"], fault.error_code)


class AuthTest(RestCase):

    def test_refusals(self):
        before = self.counts()
        body = {"dhcpServer": {"name": "never.rest.example.", "type": "ISC",
                               "address": "10.1.1.1"}}
        for auth, text in ((False, "authentication required"),
                           ("Bearer abc", "only \"Authorization: Basic\""),
                           ("Basic !!!!", "not base64"),
                           ("Basic " + base64.b64encode(b"nocolon").decode(), "user:password"),
                           ("Basic " + base64.b64encode(b"a\x00b:c").decode(), "control"),
                           ("Basic " + "QUFB" * 600, "too long"),
                           ("Basic " + base64.b64encode(b"administrator:\xff").decode(),
                            "UTF-8"),
                           (basic(password="wrong-password"), "Invalid username or password."),
                           (basic(user="nobody"), "Invalid username or password.")):
            with self.subTest(auth=auth):
                self.err("POST", "/mmws/api/DHCPServers", body, status=401, code=16394,
                         text=text, auth=auth)
        self.assertEqual(self.counts(), before)
        # a 401 carries the Basic challenge (clients that wait for one
        # before sending credentials); other answers do not
        for auth, status in ((None, 401), (basic(password="wrong-password"), 401),
                             (basic(), 200)):
            c = http.client.HTTPConnection(EMU.host, EMU.port, timeout=60)
            try:
                c.request("GET", "/mmws/api/DHCPServers?limit=1",
                          headers={"Authorization": auth} if auth else {})
                r = c.getresponse()
                r.read()
                self.assertEqual((r.status, r.getheader("WWW-Authenticate")),
                                 (status, 'Basic realm="Micetro", charset="UTF-8"'
                                  if status == 401 else None))
            finally:
                c.close()
        # the right one, in any case of the scheme
        self.ok("GET", "/mmws/api/DHCPServers?limit=1",
                auth="basic " + basic()[6:])

    def test_changed_password_stops_working(self):
        """Another process on the same database sets a new password, which
        ends the user's sessions: the old password, remembered here, is
        refused on its next call; the new one works."""
        emu = et.Emu(env={"MICETRO_ADMIN_PASSWORD": "First-pass-123"})
        try:
            old = basic(password="First-pass-123")
            new = basic(password="Second-pass-456")
            s, _, raw = rest(emu, "GET", "/mmws/api/DHCPServers", auth=old)
            self.assertEqual(s, 200, raw)
            dsn = "host=%s dbname=micetro user=micetro" % os.path.join(emu.data_dir, "run")
            other = et.Emu(args=["--db", dsn], env={"MICETRO_ADMIN_PASSWORD": "Second-pass-456"})
            other.close()
            s, j, raw = rest(emu, "GET", "/mmws/api/DHCPServers", auth=old)
            self.assertEqual((s, j["error"]["code"]), (401, 16394), raw)
            s, _, raw = rest(emu, "GET", "/mmws/api/DHCPServers", auth=new)
            self.assertEqual(s, 200, raw)
        finally:
            emu.close()


class ConcurrencyTest(RestCase):

    def test_many_clients(self):
        _, srv = self.server()
        errors = []

        def client(i):
            try:
                c = http.client.HTTPConnection(EMU.host, EMU.port, timeout=60)
                for k in range(10):
                    if k % 3 == 2:
                        s, _, raw = rest(EMU, "PUT", "/mmws/api/" + srv,
                                         {"properties": {"enabled": k % 2 == 0}}, conn=c)
                        want = 204
                    else:
                        s, _, raw = rest(EMU, "GET", "/mmws/api/" + srv, conn=c)
                        want = 200
                    if s != want:
                        errors.append((i, k, s, raw))
                c.close()
            except Exception as ex:  # noqa: BLE001
                errors.append((i, repr(ex)))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
