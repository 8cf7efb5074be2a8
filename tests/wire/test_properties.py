#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""GetProperties and SetProperties.

Through the real zeep client with strict parsing.  Each test builds a
server, a range, a scope and two pools of its own (a random first octet
per test), so the suite can run again against the same server
(MICETRO_URL); the change-log check needs a server started here.
"""

import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import zeep.exceptions  # noqa: E402

OCTETS = iter(random.sample(range(20, 224), 40))


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    et.module_emu_stop(EMU)


class PropertiesTest(et.ZeepCase):

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)

    def setUp(self):
        svc, s = self.svc, self.session
        self.o = o = next(OCTETS)
        self.sname = "p%d.props.example." % o
        self.srv = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name=self.sname, type="ISC", address="10.0.0.1")).ref
        self.net = "%d.0.0.0/24" % o
        self.rng = svc.AddRange(session=s, range=dict(name=self.net))
        self.sc = svc.AddDHCPScope(session=s, dhcpScope=dict(
            name="sc-%d" % o, rangeRef=self.rng, dhcpServerRef=self.srv))
        self.p1 = self.pool(10, 19, name="pa-%d" % o)
        self.p2 = self.pool(30, 39)

    def ip(self, n):
        return "%d.0.0.%d" % (self.o, n)

    def pool(self, a, b, **kw):
        p = dict(dhcpScopeRef=self.sc, to=self.ip(b), **kw)
        p["from"] = self.ip(a)
        return self.svc.AddDHCPAddressPool(session=self.session, dhcpAddressPool=p)

    def get(self, ref, **kw):
        r = self.svc.GetProperties(session=self.session, ref=ref, **kw)
        return {p.name: p.value for p in (r or [])}

    def set(self, ref, props, **kw):
        return self.svc.SetProperties(session=self.session, ref=ref, properties=dict(
            property=[dict(name=k, value=v) for k, v in props.items()]), **kw)


    def test_get_each_type(self):
        self.assertEqual(self.get(self.srv), dict(
            name=self.sname, address="10.0.0.1", type="ISC", state="Unknown",
            enabled="true"))
        self.assertEqual(self.get(self.rng), dict(
            name=self.net, to=self.ip(255), locked="false", autoAssign="false",
            **{"from": self.ip(0)}))
        self.assertEqual(self.get(self.sc), dict(
            name="sc-%d" % self.o, enabled="true", dhcpServerRef=self.srv,
            rangeRef=self.rng))
        self.assertEqual(self.get(self.p1), dict(
            name="pa-%d" % self.o, to=self.ip(19), dhcpScopeRef=self.sc,
            **{"from": self.ip(10)}))
        self.assertEqual(self.get(self.p1, onlyCustom=True), {})

    def test_ref_forms(self):
        want = self.get(self.srv)
        self.assertEqual(self.get(self.sname), want)
        self.assertEqual(self.get(self.sname.rstrip(".").upper()), want)
        self.assertEqual(self.get("dhcpServers/%d" % et.ref_id(self.srv)), want)
        self.assertEqual(self.get(self.sname, objType="DHCPServer"), want)
        # the CIDR names the range and the scope's range: objType decides
        self.client_fault(self.get, self.net, text=("several objects",))
        self.assertEqual(self.get(self.net, objType="Range")["name"], self.net)
        self.assertEqual(self.get(self.net, objType="DHCPScope")["name"], "sc-%d" % self.o)
        self.assertEqual(self.get("sc-%d" % self.o)["rangeRef"], self.rng)
        self.assertEqual(self.get("pa-%d" % self.o)["to"], self.ip(19))
        self.client_fault(self.get, self.srv, objType="Range", text=("is not a range",))
        self.client_fault(self.get, "nothing%d.example." % self.o, text=("does not exist",))
        self.client_fault(self.get, self.srv, objType="DNSZone")
        self.set("sc-%d" % self.o, dict(description="by name"))
        self.set("dhcpScopes/%d" % et.ref_id(self.sc), dict(superscope="by resource"))
        self.set(self.net, dict(enabled="false"), objType="DHCPScope")
        got = self.get(self.sc)
        self.assertEqual((got["description"], got["superscope"], got["enabled"]),
                         ("by name", "by resource", "false"))

    def test_server_round_trip(self):
        new = "q%d.props.example." % self.o
        self.set(self.srv, dict(name=new.rstrip("."), address="10.0.0.9:4567",
                                enabled="false"), deleteUnspecified=True)
        got = self.get(self.srv)
        self.assertEqual((got["name"], got["address"], got["enabled"]),
                         (new, "10.0.0.9:4567", "false"))
        s = self.svc.GetDHCPServer(session=self.session, dhcpServerRef=self.srv)
        self.assertEqual((s.name, s.address, s.enabled), (new, "10.0.0.9:4567", False))
        # uniqueness: another server's name, any case, is refused
        other = self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            name="o%d.props.example." % self.o, type="ISC", address="10.0.0.2")).ref
        self.client_fault(self.set, other, dict(name=new.upper()), text=("already exists",))
        self.client_fault(self.set, self.srv, dict(address="fe80::1"), text=("IPv6",))
        self.client_fault(self.set, self.srv, dict(name="bad name"))
        self.client_fault(self.set, self.srv, dict(enabled="maybe"), text=("true or false",))
        self.assertEqual(self.get(self.srv), got)

    def test_range_round_trip(self):
        self.set(self.rng, dict(title="T", description="D e", locked="true",
                                autoAssign="1"))
        got = self.get(self.rng)
        self.assertEqual((got["title"], got["description"], got["locked"], got["autoAssign"]),
                         ("T", "D e", "true", "true"))
        r = self.svc.GetRange(session=self.session, rangeRef=self.rng)
        self.assertEqual((r.locked, r.autoAssign), (True, True))
        for ro in ("name", "from", "to", "ref"):
            self.client_fault(self.set, self.rng, {ro: "x"},
                              text=('property "%s" is read-only' % ro,))
        self.set(self.rng, dict(title="", description=""))
        self.assertNotIn("title", self.get(self.rng))
        self.assertNotIn("description", self.get(self.rng))

    def test_scope_round_trip(self):
        self.set(self.sc, dict(name="new-%d" % self.o, description="desc",
                               superscope="sup", enabled="false"))
        s = self.svc.GetDHCPScope(session=self.session, dhcpScopeRef=self.sc)
        self.assertEqual((s.name, s.description, s.superscope, s.enabled),
                         ("new-%d" % self.o, "desc", "sup", False))
        self.assertEqual(self.get(self.sc)["name"], "new-%d" % self.o)

    def test_pool_round_trip(self):
        self.set(self.p1, {"from": self.ip(5), "to": self.ip(25), "name": "pb-%d" % self.o})
        p = self.svc.GetDHCPAddressPool(session=self.session, dhcpAddressPoolRef=self.p1)
        self.assertEqual((p["from"], p.to, p.name), (self.ip(5), self.ip(25), "pb-%d" % self.o))
        self.set(self.p1, dict(name=""))
        self.assertNotIn("name", self.get(self.p1))

    def test_pool_refusals(self):
        before = self.get(self.p1)
        # overlaps pool 2 (30-39), under the scope lock
        self.client_fault(self.set, self.p1, dict(to=self.ip(30)), text=("overlaps",))
        # outside the range, the broadcast address, from > to
        self.client_fault(self.set, self.p1, dict(to="%d.0.1.5" % self.o))
        self.client_fault(self.set, self.p1, dict(to=self.ip(255)))
        self.client_fault(self.set, self.p1, {"from": self.ip(20), "to": self.ip(15)})
        self.client_fault(self.set, self.p1, dict(failoverPeer="x"),
                          text=('property "failoverPeer" is read-only',))
        self.client_fault(self.set, self.p1, dict(failoverRelationship="x"),
                          text=("read-only",))
        self.client_fault(self.set, self.p1, dict(dhcpScopeRef=self.sc), text=("read-only",))
        self.assertEqual(self.get(self.p1), before)

    def test_unknown_and_custom(self):
        before = self.get(self.sc)
        # one bad property spoils the whole request: nothing changes
        self.client_fault(self.set, self.sc, dict(description="changed", x="1"),
                          text=('unknown property "x" for a DHCP scope',))
        self.client_fault(self.set, self.sc, dict(description="changed", Location="here"),
                          text=("custom properties are not supported yet",))
        self.client_fault(self.set, self.sc, dict(name="bad name!"))
        self.client_fault(self.set, self.sc, dict(rangeRef=self.rng), text=("read-only",))
        self.client_fault(self.set, self.srv, dict(state="OK"),
                          text=('property "state" is read-only',))
        self.client_fault(self.set, self.srv, dict(x="1"),
                          text=('unknown property "x" for a DHCP server',))
        self.assertEqual(self.get(self.sc), before)

    def test_change_log(self):
        et.need_local(self)
        self.set(self.sc, dict(description="logged"), saveComment="set %d" % self.o)
        self.set(self.p2, {"to": self.ip(40)}, saveComment="set %d" % self.o)
        with self.assertRaises(zeep.exceptions.Fault):
            self.set(self.p1, {"to": self.ip(35)}, saveComment="set %d" % self.o)
        rows = self.emu.sql(
            "SELECT object_type, object_id, object_name, login, action FROM change_log "
            "WHERE comment = :'v1' ORDER BY id", "set %d" % self.o)
        self.assertEqual(rows, [
            ["7", str(et.ref_id(self.sc)), "sc-%d" % self.o, et.USER, "modify"],
            ["10", str(et.ref_id(self.p2)), "%s-%s" % (self.ip(30), self.ip(40)),
             et.USER, "modify"]])


if __name__ == "__main__":
    unittest.main()
