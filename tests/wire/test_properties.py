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
            enabled="true", simulated="false"))
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
                          text=('unknown property "Location" for a DHCP scope',))
        self.client_fault(self.set, self.sc, dict(name="bad name!"))
        self.client_fault(self.set, self.sc, dict(rangeRef=self.rng), text=("read-only",))
        self.client_fault(self.set, self.srv, dict(state="OK"),
                          text=('property "state" is read-only',))
        self.client_fault(self.set, self.srv, dict(stateMessage="fine"),
                          text=('property "stateMessage" is read-only',))
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


class UnmanagedStatementsTest(PropertiesTest):
    """unmanagedStatements of servers and scopes: dhcpd.conf text kept
    verbatim, checked so that it cannot escape its block."""

    def test_round_trip_and_clear(self):
        text = ('option domain-name "example.com";\n'
                'class "voip" { match if substring (option vendor-class-identifier, 0, 4) '
                '= "SIP/"; }  # phones\n')
        self.set(self.srv, {"unmanagedStatements": text})
        self.assertEqual(self.get(self.srv)["unmanagedStatements"], text)
        self.set(self.sc, {"unmanagedStatements": "option routers %s;" % self.ip(1)})
        self.assertEqual(self.get(self.sc)["unmanagedStatements"],
                         "option routers %s;" % self.ip(1))
        self.set(self.srv, {"unmanagedStatements": ""})
        self.assertNotIn("unmanagedStatements", self.get(self.srv))
        self.assertNotIn("unmanagedStatements", self.get(self.p1))

    def test_refused_with_nothing_changed(self):
        self.set(self.sc, {"unmanagedStatements": "option routers %s;" % self.ip(1)})
        for bad, what in (("} subnet 10.9.9.0 netmask 255.255.255.0 {", "line 1"),
                          ("option routers 10.0.0.1", "terminated"),
                          ('option domain-name "x;', "string"),
                          ("option a 1; {", "brace")):
            with self.subTest(bad=bad):
                before = self.get(self.sc)
                self.client_fault(self.set, self.sc, {"unmanagedStatements": bad,
                                                      "description": "changed"})
                self.assertEqual(self.get(self.sc), before)
        self.client_fault(self.set, self.p1, {"unmanagedStatements": "x;"},
                          text="unknown property")

    def test_change_queues_the_server(self):
        et.need_local(self)
        sid = et.ref_id(self.srv)

        def generation():
            rows = EMU.sql("SELECT generation FROM config_jobs WHERE server_id = :'v1'", sid)
            return int(rows[0][0]) if rows else 0
        before = generation()
        self.set(self.sc, {"unmanagedStatements": "default-lease-time 600;"})
        self.assertGreater(generation(), before)


class CustomPropertiesTest(PropertiesTest):
    """Custom properties: definitions per object type, values on objects.
    Every definition a test makes is removed again (they are global to a
    type and would show in the other tests' answers)."""

    def define(self, objType, name, type="String", **kw):
        d = dict(name=name, type=type, **kw)
        self.svc.AddPropertyDefinition(session=self.session, objType=objType,
                                       propertyDefinition=d)
        self.addCleanup(self.undefine, objType, name)
        return name

    def undefine(self, objType, name):
        try:
            self.svc.RemovePropertyDefinition(session=self.session, objType=objType,
                                              property=name)
        except zeep.exceptions.Fault:
            pass

    def defs(self, objType):
        r = self.svc.GetPropertyDefinitions(session=self.session, objType=objType)
        return {d.name: d for d in (r or [])}

    def custom(self, ref):
        # an empty value travels as an empty element, which zeep reads as None
        return {k: v or "" for k, v in self.get(ref, onlyCustom=True).items()}

    def test_definition_crud(self):
        n = "Loc%d" % self.o
        self.define("DHCPScope", n, mandatory=False, defaultValue="Reykjavik",
                    listItems=dict(string=["Reykjavik", "Akureyri"]))
        d = self.svc.GetPropertyDefinition(session=self.session, objType="DHCPScope",
                                           property=n.upper())
        self.assertEqual((d.name, d.type, d.system, d.mandatory, d.readOnly, d.multiLine,
                          d.defaultValue, list(d.listItems.string)),
                         (n, "String", False, False, False, False, "Reykjavik",
                          ["Reykjavik", "Akureyri"]))
        self.assertIn(n, self.defs("DHCPScope"))
        self.assertNotIn(n, self.defs("DHCPServer"))
        # the same name in any case is taken; another type may have it
        self.client_fault(self.svc.AddPropertyDefinition, session=self.session,
                          objType="DHCPScope", propertyDefinition=dict(
                              name=n.lower(), type="Integer"), text=("already exists",))
        self.define("DHCPServer", n.lower(), type="Integer")
        # built-in names, bad names, bad defaults, unknown types of object
        for bad, text in ((dict(name="Description", type="String"), "built-in"),
                          (dict(name="ref", type="String"), "built-in"),
                          (dict(name=" x", type="String"), "blank"),
                          (dict(name="", type="String"), "missing"),
                          (dict(name="N%d" % self.o, type="Integer", defaultValue="ten"),
                           "expected an integer"),
                          (dict(name="N%d" % self.o, type="String", defaultValue="c",
                                listItems=dict(string=["a", "b"])), "list items"),
                          (dict(name="N%d" % self.o, type="String",
                                listItems=dict(string=["a", "a"])), "twice"),
                          (dict(name="N%d" % self.o, type="String", system=True), "system"),
                          (dict(name="N%d" % self.o, type="String", readOnly=True,
                                mandatory=True), "defaultValue")):
            self.client_fault(self.svc.AddPropertyDefinition, session=self.session,
                              objType="DHCPScope", propertyDefinition=bad, text=(text,))
        self.assertNotIn("N%d" % self.o, self.defs("DHCPScope"))
        self.client_fault(self.svc.GetPropertyDefinitions, session=self.session,
                          objType="DNSZone", text=("objType DNSZone",))
        self.client_fault(self.svc.AddPropertyDefinition, session=self.session,
                          objType="User", propertyDefinition=dict(name="X", type="String"))
        self.client_fault(self.svc.GetPropertyDefinition, session=self.session,
                          objType="DHCPScope", property="nothing%d" % self.o,
                          text=("is not defined for DHCP scopes",))
        # modify: rename, new default; remove
        n2 = "Site%d" % self.o
        self.svc.ModifyPropertyDefinition(session=self.session, objType="DHCPScope",
                                          property=n, propertyDefinition=dict(
                                              name=n2, type="String", defaultValue="Vik"))
        self.addCleanup(self.undefine, "DHCPScope", n2)
        self.assertEqual(self.custom(self.sc), {n2: "Vik"})
        self.svc.RemovePropertyDefinition(session=self.session, objType="DHCPScope",
                                          property=n2.lower())
        self.assertEqual(self.custom(self.sc), {})
        self.client_fault(self.svc.RemovePropertyDefinition, session=self.session,
                          objType="DHCPScope", property=n2, text=("is not defined",))

    def test_set_get_round_trip(self):
        o = self.o
        loc, cost, on, ip, host, hexs, notes = (
            "Location%d" % o, "Cost%d" % o, "Active%d" % o, "Gw%d" % o, "Dns%d" % o,
            "Hex%d" % o, "Notes%d" % o)
        self.define("DHCPScope", loc)
        self.define("DHCPScope", cost, type="Integer", defaultValue="7")
        self.define("DHCPScope", on, type="Boolean")
        self.define("DHCPScope", ip, type="IPAddress")
        self.define("DHCPScope", host, type="IPOrHostname")
        self.define("DHCPScope", hexs, type="HexStr")
        self.define("DHCPScope", notes, multiLine=True)
        # every defined one, after the built-in ones; default or "" when unset
        got = self.svc.GetProperties(session=self.session, ref=self.sc)
        names = [p.name for p in got]
        self.assertEqual(names[:4], ["name", "enabled", "dhcpServerRef", "rangeRef"])
        self.assertEqual(names[4:], sorted([loc, cost, on, ip, host, hexs, notes],
                                           key=str.lower))
        self.assertEqual(self.custom(self.sc), {loc: "", cost: "7", on: "", ip: "", host: "",
                                                hexs: "", notes: ""})
        # names in any case; values canonicalised
        self.set(self.sc, {loc.upper(): "Reykjavik", cost: "+042", on: "Yes",
                           ip: "10.1.2.3", host: "ns1.example.com", hexs: "0a:1B",
                           notes: "two\nlines", "description": "both kinds"})
        want = {loc: "Reykjavik", cost: "42", on: "true", ip: "10.1.2.3",
                host: "ns1.example.com", hexs: "0a:1B", notes: "two\nlines"}
        self.assertEqual(self.custom(self.sc), want)
        self.assertEqual(self.get(self.sc)["description"], "both kinds")
        self.assertEqual(self.get(self.sc)[loc], "Reykjavik")
        # empty clears (the default shows again)
        self.set(self.sc, {cost: "", on: "no"})
        want.update({cost: "7", on: "false"})
        self.assertEqual(self.custom(self.sc), want)
        # other objects of the type are unaffected
        sc2 = self.svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name="sc2-%d" % o, rangeRef=self.rng, dhcpServerRef=self.svc.AddDHCPServer(
                session=self.session, dhcpServer=dict(
                    name="p2-%d.props.example." % o, type="ISC", address="10.0.0.3")).ref))
        self.assertEqual(self.custom(sc2)[loc], "")
        # deleteUnspecified clears the custom properties not given
        self.set(self.sc, {loc: "Vik"}, deleteUnspecified=True)
        self.assertEqual(self.custom(self.sc), {loc: "Vik", cost: "7", on: "", ip: "",
                                                host: "", hexs: "", notes: ""})

    def test_validation_refusals_change_nothing(self):
        o = self.o
        n, b, ip, lst, ro, man = ("Num%d" % o, "Flag%d" % o, "Addr%d" % o, "Pick%d" % o,
                                  "Fixed%d" % o, "Must%d" % o)
        self.define("DHCPAddressPool", n, type="Integer")
        self.define("DHCPAddressPool", b, type="Boolean")
        self.define("DHCPAddressPool", ip, type="IPAddress")
        self.define("DHCPAddressPool", lst, listItems=dict(string=["red", "green"]))
        self.define("DHCPAddressPool", ro, readOnly=True, defaultValue="fixed")
        self.define("DHCPAddressPool", man, mandatory=True, defaultValue="d")
        self.set(self.p1, {n: "5", man: "set", "name": "keep-%d" % o})
        before = self.get(self.p1)
        for props, text in (({n: "5.5"}, "expected an integer"),
                            ({n: "99999999999999999999"}, "out of range"),
                            ({b: "maybe"}, "expected true, false, yes or no"),
                            ({ip: "10.0.0.256"}, None),
                            ({ip: "fe80::1"}, "IPv6"),
                            ({lst: "blue"}, "not one of its list items"),
                            ({ro: "x"}, 'property "%s" is read-only' % ro),
                            ({man: ""}, "mandatory"),
                            ({"Undefined%d" % o: "x"},
                             'unknown property "Undefined%d" for a DHCP address pool' % o)):
            # a good built-in and a good custom change ride along: nothing changes
            props = dict(props, name="changed-%d" % o, **{n: "6"} if n not in props else {})
            self.client_fault(self.set, self.p1, props, text=text)
            self.assertEqual(self.get(self.p1), before)
        self.assertEqual(before[ro], "fixed")
        self.assertEqual(before[man], "set")

    def test_add_with_custom_properties(self):
        o = self.o
        own, num = "Owner%d" % o, "Rack%d" % o
        self.define("DHCPServer", own, mandatory=True)
        self.define("DHCPServer", num, type="Integer", defaultValue="1")
        srv = dict(name="c%d.props.example." % o, type="ISC", address="10.0.0.5")
        # mandatory without default: refused when missing or empty; bad values too
        self.client_fault(self.svc.AddDHCPServer, session=self.session, dhcpServer=srv,
                          text=('property "%s" is mandatory' % own,))
        for cp, text in (([dict(name=own, value="")], "mandatory"),
                         ([dict(name=own, value="ops"), dict(name=num, value="x")],
                          "expected an integer"),
                         ([dict(name=own, value="ops"), dict(name="Nope", value="1")],
                          'unknown property "Nope" for a DHCP server')):
            self.client_fault(self.svc.AddDHCPServer, session=self.session,
                              dhcpServer=dict(srv, customProperties=dict(property=cp)),
                              text=(text,))
        self.assertEqual(self.svc.GetDHCPServers(session=self.session,
                                                 filter="name:^c%d\\." % o).totalResults, 0)
        ref = self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            srv, customProperties=dict(property=[dict(name=own.lower(), value="ops")]))).ref
        s = self.svc.GetDHCPServer(session=self.session, dhcpServerRef=ref)
        self.assertEqual({p.name: p.value for p in s.customProperties.property},
                         {own: "ops", num: "1"})
        lst = self.svc.GetDHCPServers(session=self.session, filter="name:^c%d\\." % o)
        self.assertEqual({p.name: p.value
                          for p in lst.dhcpServers.dhcpServer[0].customProperties.property},
                         {own: "ops", num: "1"})
        # ranges too
        tag = self.define("Range", "Tag%d" % o, defaultValue="none")
        net = "%d.1.0.0/24" % o
        r = self.svc.AddRange(session=self.session, range=dict(
            name=net, customProperties=dict(property=[dict(name=tag, value="lab")])))
        got = self.svc.GetRange(session=self.session, rangeRef=r)
        self.assertEqual([(p.name, p.value) for p in got.customProperties.property],
                         [(tag, "lab")])
        got = self.svc.GetRange(session=self.session, rangeRef=self.rng)
        self.assertEqual([(p.name, p.value) for p in got.customProperties.property],
                         [(tag, "none")])
        rl = self.svc.GetRanges(session=self.session, filter="name:^%d\\.1\\." % o)
        self.assertEqual(rl.ranges.range[0].customProperties.property[0].value, "lab")

    def test_list_filters(self):
        o = self.o
        loc = self.define("DHCPScope", "Where%d" % o, defaultValue="nowhere")
        sc2 = self.svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name="sc2-%d" % o, rangeRef=self.rng, dhcpServerRef=self.svc.AddDHCPServer(
                session=self.session, dhcpServer=dict(
                    name="f2-%d.props.example." % o, type="ISC", address="10.0.0.4")).ref))
        self.set(self.sc, {loc: "Reykjavik"})

        def names(flt):
            r = self.svc.GetDHCPScopes(session=self.session, filter=flt)
            return sorted(x.name for x in (r.dhcpScopes.dhcpScope if r.dhcpScopes else []))
        mine = "rangeRef:%s" % self.rng
        self.assertEqual(names("%s %s:^reyk" % (mine, loc.lower())), ["sc-%d" % o])
        self.assertEqual(names("%s %s:^nowhere$" % (mine, loc)), ["sc2-%d" % o])
        self.assertEqual(names("rangeRef=%s and %s=@vik" % (self.rng, loc)), ["sc-%d" % o])
        self.assertEqual(names("%s !%s:vik" % (mine, loc)), ["sc2-%d" % o])
        self.assertEqual(et.ref_id(sc2) > 0, True)
        # undefined names stay unknown fields
        self.client_fault(self.svc.GetDHCPScopes, session=self.session,
                          filter="Nothing%d:x" % o, text=("unknown field",))
        # built-in sorts and filters are unchanged
        self.assertEqual(names("%s name:^sc2-" % mine), ["sc2-%d" % o])

    def test_modify_existing_values(self):
        o = self.o
        n = "Level%d" % o
        self.define("DHCPScope", n)
        self.set(self.sc, {n: "12"})
        # values must stay valid: "12" is an integer, "abc" would not be
        self.svc.ModifyPropertyDefinition(session=self.session, objType="DHCPScope",
                                          property=n, propertyDefinition=dict(
                                              name=n, type="Integer"))
        self.assertEqual(self.custom(self.sc)[n], "12")
        self.client_fault(self.svc.ModifyPropertyDefinition, session=self.session,
                          objType="DHCPScope", property=n, propertyDefinition=dict(
                              name=n, type="Boolean"), text=("updateExisting",))
        self.assertEqual(self.defs("DHCPScope")[n].type, "Integer")
        # updateExisting: every object shows the new default
        self.svc.ModifyPropertyDefinition(session=self.session, objType="DHCPScope",
                                          property=n, propertyDefinition=dict(
                                              name=n, type="Boolean", defaultValue="no"),
                                          updateExisting=True)
        self.assertEqual(self.custom(self.sc)[n], "false")

    def test_removal_cleanup(self):
        et.need_local(self)
        o = self.o
        n = "Gone%d" % o
        for t in ("DHCPServer", "Range", "DHCPScope", "DHCPAddressPool"):
            self.define(t, n)
        for ref in (self.srv, self.rng, self.sc, self.p1, self.p2):
            self.set(ref, {n: "v"})
        ids = [str(et.ref_id(r)) for r in (self.srv, self.rng, self.sc, self.p1, self.p2)]

        def left():
            return self.emu.sql(
                "SELECT count(*) FROM property_values v JOIN property_definitions d "
                "ON d.id = v.definition_id WHERE d.name = :'v1'", n)[0][0]
        self.assertEqual(left(), "5")
        self.svc.RemoveObject(session=self.session, ref=self.p2)
        self.assertEqual(left(), "4")
        # forced removal of the server takes its scope and pool along
        self.svc.RemoveObject(session=self.session, ref=self.srv, forceRemoval=True)
        self.assertEqual(left(), "1")
        self.svc.RemovePropertyDefinition(session=self.session, objType="Range",
                                          property=n)
        self.assertEqual(left(), "0")
        del ids

    def test_change_log_of_definitions(self):
        et.need_local(self)
        n = "Logged%d" % self.o
        self.svc.AddPropertyDefinition(session=self.session, objType="Range",
                                       propertyDefinition=dict(name=n, type="String"),
                                       saveComment="def %d" % self.o)
        self.addCleanup(self.undefine, "Range", n)
        self.set(self.rng, {n: "x"}, saveComment="def %d" % self.o)
        self.svc.RemovePropertyDefinition(session=self.session, objType="Range",
                                          property=n, saveComment="def %d" % self.o)
        rows = self.emu.sql(
            "SELECT object_type, object_name, action FROM change_log "
            "WHERE comment = :'v1' ORDER BY id", "def %d" % self.o)
        self.assertEqual(rows, [["6", n, "add property definition"],
                                ["6", self.net, "modify"],
                                ["6", n, "remove property definition"]])

    # the inherited tests run again with no definitions left behind
    # (their exact answers prove it)


class Profile2017Test(et.ZeepCase):
    """--api-profile 2017: the same definitions and values."""

    @classmethod
    def setUpClass(cls):
        if et.remote():
            raise unittest.SkipTest("needs a server started by the harness")
        cls.emu2017 = et.Emu(["--api-profile", "2017"])
        cls.zeep_login(cls.emu2017)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        et.module_emu_stop(cls.emu2017)

    def test_custom_properties(self):
        svc, s = self.svc, self.session
        svc.AddPropertyDefinition(session=s, objType="DHCPServer", propertyDefinition=dict(
            name="Location", type="String", defaultValue="here"))
        ref = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="p2017.props.example.", type="ISC", address="10.0.0.1",
            customProperties=dict(property=[dict(name="location", value="there")]))).ref
        got = svc.GetDHCPServer(session=s, dhcpServerRef=ref)
        self.assertEqual([(p.name, p.value) for p in got.customProperties.property],
                         [("Location", "there")])
        self.assertIsNone(getattr(got, "stateMessage", None))
        svc.SetProperties(session=s, ref=ref, properties=dict(
            property=[dict(name="LOCATION", value="")]))
        r = svc.GetProperties(session=s, ref=ref, onlyCustom=True)
        self.assertEqual([(p.name, p.value) for p in r], [("Location", "here")])
        self.assertEqual(len(svc.GetPropertyDefinitions(session=s, objType="DHCPServer")), 1)
        svc.RemovePropertyDefinition(session=s, objType="DHCPServer", property="Location")
        got = svc.GetDHCPServer(session=s, dhcpServerRef=ref)
        self.assertIsNone(got.customProperties)


if __name__ == "__main__":
    unittest.main()
