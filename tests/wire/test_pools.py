#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""AddDHCPAddressPool, GetDHCPAddressPools and GetDHCPAddressPool.

Through the real zeep client with strict parsing, and raw envelopes for
the race (8 threads adding mutually overlapping pools to one scope at
once: exactly one wins).  Each test class works with a server, ranges and
scopes of its own (a random first octet), so the suite can run again
against the same server (MICETRO_URL); the change log needs a server
started here.
"""

import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import zeep  # noqa: E402
import zeep.exceptions  # noqa: E402

REF_RE = r"\A\{#10-#[1-9][0-9]*\}\Z"
OCTETS = iter(random.sample(range(20, 224), 8))
RACE_THREADS = 8
RACE_ROUNDS = int(os.environ.get("MICETRO_POOL_RACE_ROUNDS", "50"))


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    et.module_emu_stop(EMU)



class PoolsCase(et.ZeepCase):
    """A server, two /24 ranges with a scope each, a zeep client and
    helpers."""

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)
        cls.o = o = next(OCTETS)
        cls.s1 = "p%d.pools.example." % o
        cls.srv1 = cls.svc.AddDHCPServer(session=cls.session, dhcpServer=dict(
            name=cls.s1, type="ISC", address="10.0.0.1")).ref
        cls.n1, cls.n2 = "%d.0.0.0/24" % o, "%d.1.0.0/24" % o
        cls.rng1 = cls.svc.AddRange(session=cls.session, range=dict(name=cls.n1))
        cls.rng2 = cls.svc.AddRange(session=cls.session, range=dict(name=cls.n2))
        cls.sc1 = cls.svc.AddDHCPScope(session=cls.session, dhcpScope=dict(
            name=cls.n1, rangeRef=cls.rng1, dhcpServerRef=cls.srv1))
        cls.sc2 = cls.svc.AddDHCPScope(session=cls.session, dhcpScope=dict(
            name=cls.n2, rangeRef=cls.rng2, dhcpServerRef=cls.srv1))

    def ip(self, net, host):
        return "%d.%d.0.%d" % (self.o, net, host)

    def add(self, scope, frm, to, comment=None, **fields):
        p = dict(dhcpScopeRef=scope, to=to)
        p["from"] = frm
        p.update(fields)
        ref = self.svc.AddDHCPAddressPool(session=self.session, dhcpAddressPool=p,
                                          saveComment=comment)
        self.assertRegex(ref, REF_RE)
        return ref

    def get(self, ref):
        return self.svc.GetDHCPAddressPool(session=self.session, dhcpAddressPoolRef=ref)

    def list(self, **kw):
        r = self.svc.GetDHCPAddressPools(session=self.session, **kw)
        pools = r.dhcpAddressPools.dhcpAddressPool if r.dhcpAddressPools is not None else []
        return list(pools), r.totalResults

    def total(self):
        return sum(self.list(dhcpScopeRef=s, limit=1)[1] for s in (self.sc1, self.sc2))



class AddGetTest(PoolsCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        o = cls.o

        def add(scope, frm, to, **kw):
            p = dict(dhcpScopeRef=scope, to=to, **kw)
            p["from"] = frm
            return cls.svc.AddDHCPAddressPool(session=cls.session, dhcpAddressPool=p)

        cls.name1 = "pool-%d" % o
        cls.p1 = add(cls.sc1, "%d.0.0.10" % o, "%d.0.0.19" % o, name=cls.name1)
        cls.p2 = add("dhcpScopes/%d" % et.ref_id(cls.sc1), "%d.0.0.100" % o, "%d.0.0.199" % o)
        cls.shared = "shared-%d" % o
        cls.p3 = add(cls.n2, "%d.1.0.10" % o, "%d.1.0.20" % o, name=cls.shared)
        cls.p4 = add(cls.s1 + ":" + cls.n2, "%d.1.0.30" % o, "%d.1.0.40" % o, name=cls.shared)

    def test_get_by_every_ref_form(self):
        for form in (self.p1, "dhcpAddressPools/%d" % et.ref_id(self.p1),
                     "DHCPAddressPools/%d" % et.ref_id(self.p1), self.name1):
            with self.subTest(ref=form):
                g = self.get(form)
                self.assertEqual((g.ref, g.name, g["from"], g.to, g.dhcpScopeRef),
                                 (self.p1, self.name1, self.ip(0, 10), self.ip(0, 19), self.sc1))
                self.assertIsNone(g.failoverPeer)
                self.assertIsNone(g.failoverRelationship)
        g = self.get(self.p2)
        self.assertEqual((g.name, g["from"], g.to), (None, self.ip(0, 100), self.ip(0, 199)))
        self.assertEqual(self.get(self.p4).dhcpScopeRef, self.sc2)

    def test_shared_name_is_ambiguous(self):
        f = self.client_fault(self.get, self.shared, code=6)
        for text in (self.shared, "ambiguous", "{#10-#n}"):
            self.assertIn(text, f.message)

    def test_answer_on_the_wire(self):
        r = et.call(self.emu, "GetDHCPAddressPool", self.session,
                    extra=[("dhcpAddressPoolRef", self.p1)])
        g = et.result_of(r, "GetDHCPAddressPool").find(et.q(et.NS_MM, "dhcpAddressPool"))
        got = [(c.tag.split("}")[1], c.text) for c in g]
        self.assertEqual(got, [("ref", self.p1), ("name", self.name1), ("from", self.ip(0, 10)),
                               ("to", self.ip(0, 19)), ("dhcpScopeRef", self.sc1)])

    def test_failover_fields_ignored(self):
        ref = self.add(self.sc2, self.ip(1, 200), self.ip(1, 210), failoverPeer="peer",
                       failoverRelationship="fo1")
        g = self.get(ref)
        self.assertIsNone(g.failoverPeer)
        self.assertIsNone(g.failoverRelationship)
        self.assertEqual((g["from"], g.to), (self.ip(1, 200), self.ip(1, 210)))

    def test_refused_with_nothing_added(self):
        o = self.o
        p1 = "%s-%s" % (self.ip(0, 10), self.ip(0, 19))
        p2 = "%s-%s" % (self.ip(0, 100), self.ip(0, 199))
        cases = [
            ((self.sc1, self.ip(0, 50), self.ip(0, 40)), {}, "is above"),
            ((self.sc1, self.ip(0, 50), "%d.2.0.5" % o), {}, 'field "to"'),
            ((self.sc1, "%d.9.0.5" % o, self.ip(0, 60)), {}, 'field "from"'),
            ((self.sc1, self.ip(0, 0), self.ip(0, 5)), {}, "network address"),
            ((self.sc1, self.ip(0, 240), self.ip(0, 255)), {}, "broadcast address"),
            ((self.sc1, "fe80::1", "fe80::9"), {}, "IPv6 addresses are not supported yet"),
            ((self.sc1, self.ip(0, 50), "fe80::9"), {}, "IPv6 addresses are not supported yet"),
            ((self.sc1, "%d.0.0.256" % o, self.ip(0, 60)), {}, "invalid IPv4 address"),
            ((self.sc1, "%d.0.0.050" % o, self.ip(0, 60)), {}, "invalid IPv4 address"),
            ((self.sc1, "", self.ip(0, 60)), {}, "missing from"),
            ((self.sc1, self.ip(0, 50), ""), {}, "missing to"),
            ((self.sc1, self.ip(0, 15), self.ip(0, 30)), {}, "overlaps address pool " + p1),
            ((self.sc1, self.ip(0, 5), self.ip(0, 12)), {}, "overlaps address pool " + p1),
            ((self.sc1, self.ip(0, 12), self.ip(0, 14)), {}, "overlaps address pool " + p1),
            ((self.sc1, self.ip(0, 5), self.ip(0, 250)), {}, "overlaps address pool " + p1),
            ((self.sc1, self.ip(0, 10), self.ip(0, 19)), {}, "overlaps address pool " + p1),
            ((self.sc1, self.ip(0, 199), self.ip(0, 199)), {}, "overlaps address pool " + p2),
            ((self.sc1, self.ip(0, 60), self.ip(0, 70)), dict(name="a b"), 'field "name"'),
            (("{#7-#999999999}", self.ip(0, 60), self.ip(0, 70)), {},
             'DHCP scope "{#7-#999999999}" does not exist'),
            (("%d.8.0.0/24" % o, self.ip(0, 60), self.ip(0, 70)), {}, "does not exist"),
            ((self.rng1, self.ip(0, 60), self.ip(0, 70)), {}, "is not a DHCP scope"),
            ((self.p1, self.ip(0, 60), self.ip(0, 70)), {}, "is not a DHCP scope"),
            (("", self.ip(0, 60), self.ip(0, 70)), {}, "missing dhcpScopeRef"),
        ]
        before = self.total()
        for (scope, frm, to), kw, text in cases:
            with self.subTest(scope=scope, frm=frm, to=to, **kw):
                self.client_fault(self.add, scope, frm, to, text=text, **kw)
        self.assertEqual(self.total(), before)
        # the overlap is only with pools of the same scope: n1's addresses
        # are not n2's, and adjacent pools are fine
        self.assertRegex(self.add(self.sc1, self.ip(0, 20), self.ip(0, 99)), REF_RE)
        self.assertEqual(self.total(), before + 1)

    def test_bad_refs(self):
        cases = [
            (self.sc1, "is not a DHCP address pool", 1),
            ("{#10-#999999999}", 'DHCP address pool "{#10-#999999999}" does not exist', 2),
            ("dhcpAddressPools/0", "invalid reference", 1),
            ("nothing-%d" % self.o, "does not exist", 2),
            ("", "missing reference", 1),
        ]
        for value, text, code in cases:
            with self.subTest(ref=value):
                self.client_fault(self.get, value, text=text, code=code)

    def test_soap12(self):
        svc = self.client.bind("Service", "ServiceSoap12")
        self.assertEqual(svc.GetDHCPAddressPool(session=self.session,
                                                dhcpAddressPoolRef=self.p1).ref, self.p1)


class ListTest(PoolsCase):
    """Lists by scope, filters, paging and sorting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        o = cls.o

        def add(scope, net, frm, to, **kw):
            p = dict(dhcpScopeRef=scope, to="%d.%d.0.%d" % (o, net, to), **kw)
            p["from"] = "%d.%d.0.%d" % (o, net, frm)
            return cls.svc.AddDHCPAddressPool(session=cls.session, dhcpAddressPool=p)

        # numeric order of from: 3 < 20 < 100 (text order would differ)
        cls.refs = [add(cls.sc1, 0, 100, 110, name="big-%d" % o),   # 0
                    add(cls.sc1, 0, 20, 29),                        # 1
                    add(cls.sc1, 0, 3, 5, name="small-%d" % o),     # 2
                    add(cls.sc2, 1, 50, 60, name="other-%d" % o)]   # 3

    def match(self, idx, **kw):
        with self.subTest(**kw):
            pools, total = self.list(**kw)
            self.assertEqual([p.ref for p in pools], [self.refs[i] for i in idx])
            self.assertEqual(total, len(idx))

    def test_by_scope(self):
        self.match([2, 1, 0], dhcpScopeRef=self.sc1)
        self.match([2, 1, 0], dhcpScopeRef=self.n1)
        self.match([3], dhcpScopeRef="dhcpScopes/%d" % et.ref_id(self.sc2))
        self.match([2, 0], dhcpScopeRef=self.sc1, filter="name:-%d$" % self.o)
        self.match([], dhcpScopeRef=self.sc2, filter="name=big-%d" % self.o)

    def test_filters(self):
        o, sc = self.o, "dhcpScopeRef=%s or dhcpScopeRef=%s" % (self.sc1, self.sc2)
        self.match([2, 1, 0, 3], filter=sc)
        self.match([2, 1, 0], filter="dhcpScopeRef:%s" % self.sc1)
        self.match([3], filter="dhcpScopeRef=%s" % self.n2)
        self.match([0], filter="from=%d.0.0.100" % o)
        self.match([1], filter="to:^%d\\.0\\.0\\.29$" % o)
        self.match([2], filter="ref:" + self.refs[2])
        self.match([2, 3], filter="ref in(%s, dhcpAddressPools/%d)"
                   % (self.refs[3], et.ref_id(self.refs[2])))
        self.match([2, 0, 3], filter="name=$-%d" % o)
        self.match([2], filter="small-%d" % o)                 # free text
        self.match([1], filter="!name:. dhcpScopeRef:%s" % self.sc1)
        self.match([3], filter="(name=^other or name=^nothing) and (%s)" % sc)

    def test_paging_and_sorting(self):
        every = [2, 1, 0]
        cases = [(dict(), every), (dict(limit=0), every), (dict(limit=2), every[:2]),
                 (dict(offset=2, limit=2), every[2:]), (dict(offset=3), []),
                 (dict(offset=4294967295, limit=4294967295), [])]
        for kw, idx in cases:
            with self.subTest(**kw):
                pools, total = self.list(dhcpScopeRef=self.sc1, **kw)
                self.assertEqual([p.ref for p in pools], [self.refs[i] for i in idx])
                self.assertEqual(total, 3)
        cases = [(dict(sortBy="from"), [2, 1, 0]),
                 (dict(sortBy="From", sortOrder="Descending"), [0, 1, 2]),
                 (dict(sortBy="to"), [2, 1, 0]),
                 (dict(sortBy="ref"), [0, 1, 2]),
                 (dict(sortBy="name"), [0, 2, 1]),  # NULL names last
                 (dict(sortBy="ref", offset=1, limit=1), [1])]
        for kw, idx in cases:
            with self.subTest(**kw):
                pools, _ = self.list(dhcpScopeRef=self.sc1, **kw)
                self.assertEqual([p.ref for p in pools], [self.refs[i] for i in idx])

    def test_bad_lists(self):
        cases = [
            (dict(sortBy="bogus"), 'unknown sortBy "bogus"'),
            (dict(filter="name="), "at position 6"),
            (dict(filter="foo:x"), 'unknown field "foo"'),
            (dict(filter="name:["), "filter: invalid regular expression"),
            (dict(filter="dhcpScopeRef:%s" % self.rng1), "is not a DHCP scope"),
            (dict(dhcpScopeRef=self.srv1), "is not a DHCP scope"),
            (dict(dhcpScopeRef="{#7-#999999999}"), "does not exist"),
        ]
        for kw, text in cases:
            with self.subTest(**kw):
                self.client_fault(self.svc.GetDHCPAddressPools, session=self.session, text=text,
                                  **kw)

    def test_empty_list_on_the_wire(self):
        r = et.call(self.emu, "GetDHCPAddressPools", self.session,
                    extra=[("dhcpScopeRef", self.sc2), ("filter", "name=nothing")])
        p = et.result_of(r, "GetDHCPAddressPools")
        arr = p.find(et.q(et.NS_MM, "dhcpAddressPools"))
        self.assertEqual(len(arr), 0)
        self.assertIsNone(arr.get(et.q(et.NS_XSI, "nil")))
        self.assertEqual(p.find(et.q(et.NS_MM, "totalResults")).text, "0")


class RaceTest(PoolsCase):
    """Concurrent adds of mutually overlapping pools to one scope: exactly
    one succeeds each round, the others get the overlap fault."""

    def add_raw(self, scope, frm, to):
        body = ('<ns0:AddDHCPAddressPool xmlns:ns0="%s"><ns0:session>%s</ns0:session>'
                '<ns0:dhcpAddressPool><ns0:from>%s</ns0:from><ns0:to>%s</ns0:to>'
                '<ns0:dhcpScopeRef>%s</ns0:dhcpScopeRef></ns0:dhcpAddressPool>'
                '</ns0:AddDHCPAddressPool>' % (et.NS_MM, et.escape(self.session), frm, to,
                                               et.escape(scope)))
        return et.post(self.emu, et.envelope11(body), "AddDHCPAddressPool")

    def test_race(self):
        o = self.o
        rng = self.svc.AddRange(session=self.session, range=dict(name="%d.128.0.0/16" % o))
        scope = self.svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name="race-%d" % o, rangeRef=rng, dhcpServerRef=self.srv1))
        for rnd in range(RACE_ROUNDS):
            def add(i):
                # every pair overlaps: [10+i, 100+i] all contain 17..100
                frm, to = "%d.128.%d.%d" % (o, rnd, 10 + i), "%d.128.%d.%d" % (o, rnd, 100 + i)
                return self.add_raw(scope, frm, to)

            results = et.race_all(RACE_THREADS, add)
            wins, losses = 0, 0
            for r in results:
                self.assertNotIsInstance(r, Exception, r)
                env = et.parse(r)
                if env.is_fault:
                    f = et.Fault(env)
                    self.assertEqual(f.kind, "Client", f.string)
                    self.assertIn("overlaps address pool %d.128.%d." % (o, rnd), f.string)
                    losses += 1
                else:
                    et.result_of(r, "AddDHCPAddressPool")
                    wins += 1
            self.assertEqual((wins, losses), (1, RACE_THREADS - 1), "round %d" % rnd)
        pools, total = self.list(dhcpScopeRef=scope)
        self.assertEqual(total, RACE_ROUNDS)


class ChangeLogTest(PoolsCase):

    def setUp(self):
        et.need_local(self)

    def count(self):
        return int(self.emu.sql("SELECT count(*) FROM change_log")[0][0])

    def test_rows_and_failures(self):
        ref = self.add(self.sc1, self.ip(0, 10), self.ip(0, 20), comment="pool \u2603")
        named = self.add(self.sc1, self.ip(0, 30), self.ip(0, 40), name="n-%d" % self.o)
        rows = self.emu.sql("SELECT login, action, object_type, object_name, comment FROM "
                            "change_log WHERE object_type = 10 AND object_id IN "
                            "(:'v1', :'v2') ORDER BY object_id", et.ref_id(ref), et.ref_id(named))
        self.assertEqual(rows, [[et.USER, "add", "10", "%s-%s" % (self.ip(0, 10), self.ip(0, 20)),
                                 "pool \u2603"],
                                [et.USER, "add", "10", "n-%d" % self.o, ""]])
        before = self.count()
        self.client_fault(self.add, self.sc1, self.ip(0, 15), self.ip(0, 16), comment="x",
                          text="overlaps")
        self.assertEqual(self.count(), before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
