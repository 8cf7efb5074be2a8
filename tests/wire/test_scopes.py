#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""AddDHCPScope, GetDHCPScopes and GetDHCPScope.

Through the real zeep client with strict parsing.  Each test class works
with servers and ranges of its own (a random first octet and server
names carrying it), so the suite can run again against the same server
(MICETRO_URL); the change log and the 2017 profile need a server started
here.
"""

import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import zeep  # noqa: E402
import zeep.exceptions  # noqa: E402

REF_RE = r"\A\{#7-#[1-9][0-9]*\}\Z"
OCTETS = iter(random.sample(range(20, 224), 8))


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    et.module_emu_stop(EMU)



class ScopesCase(et.ZeepCase):
    """Two servers, two ranges, a zeep client and helpers."""

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)
        cls.o = o = next(OCTETS)
        cls.s1, cls.s2 = "a%d.scopes.example." % o, "b%d.scopes.example." % o
        cls.srv1 = cls.svc.AddDHCPServer(session=cls.session, dhcpServer=dict(
            name=cls.s1, type="ISC", address="10.0.0.1")).ref
        cls.srv2 = cls.svc.AddDHCPServer(session=cls.session, dhcpServer=dict(
            name=cls.s2, type="ISC", address="10.0.0.2")).ref
        cls.n1, cls.n2 = "%d.0.0.0/24" % o, "%d.1.0.0/24" % o
        cls.rng1 = cls.svc.AddRange(session=cls.session, range=dict(name=cls.n1))
        cls.rng2 = cls.svc.AddRange(session=cls.session, range=dict(name=cls.n2))

    def add(self, name, rng, srv, comment=None, **fields):
        sc = dict(name=name, rangeRef=rng, dhcpServerRef=srv)
        sc.update(fields)
        ref = self.svc.AddDHCPScope(session=self.session, dhcpScope=sc, saveComment=comment)
        self.assertRegex(ref, REF_RE)
        return ref

    def get(self, ref):
        return self.svc.GetDHCPScope(session=self.session, dhcpScopeRef=ref)

    def list(self, **kw):
        r = self.svc.GetDHCPScopes(session=self.session, **kw)
        scopes = r.dhcpScopes.dhcpScope if r.dhcpScopes is not None else []
        return list(scopes), r.totalResults

    def total(self):
        return self.list(filter="dhcpServerRef=%s or dhcpServerRef=%s" % (self.srv1, self.srv2),
                         limit=1)[1]



class AddGetTest(ScopesCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # n1 on both servers (a failover-like pair), n2 on server 1 only
        add = lambda name, rng, srv, **kw: cls.svc.AddDHCPScope(  # noqa: E731
            session=cls.session, dhcpScope=dict(name=name, rangeRef=rng, dhcpServerRef=srv, **kw))
        cls.a1 = add(cls.n1, cls.rng1, cls.srv1, description="first", superscope="sup")
        cls.a2 = add(cls.n1, cls.rng1, cls.s2, enabled=False)
        cls.b1 = add("office-%d" % cls.o, cls.n2, "dhcpServers/%d" % et.ref_id(cls.srv1))

    def test_get_by_every_ref_form(self):
        for form in (self.b1, "dhcpScopes/%d" % et.ref_id(self.b1), "DHCPScopes/%d" % et.ref_id(self.b1),
                     "office-%d" % self.o, self.n2, self.s1 + ":" + self.n2,
                     self.s1.rstrip(".") + ":" + self.n2):
            with self.subTest(ref=form):
                g = self.get(form)
                self.assertEqual((g.ref, g.name), (self.b1, "office-%d" % self.o))
                self.assertEqual((g.rangeRef, g.dhcpServerRef), (self.rng2, self.srv1))
                self.assertIs(g.enabled, True)
                self.assertEqual(g.available, 0)
                self.assertIsNone(g.description)
                self.assertIsNone(g.superscope)
                self.assertIsNone(g.failoverRelationship)
        for form, ref in ((self.s1 + ":" + self.n1, self.a1), (self.s2 + ":" + self.n1, self.a2),
                          (self.s2.rstrip(".").upper() + ":" + self.n1, self.a2)):
            with self.subTest(ref=form):
                self.assertEqual(self.get(form).ref, ref)
        g = self.get(self.a1)
        self.assertEqual((g.description, g.superscope, g.enabled), ("first", "sup", True))
        self.assertIs(self.get(self.a2).enabled, False)

    def test_ambiguous(self):
        f = self.client_fault(self.get, self.n1, code=6)
        for text in (self.s1, self.s2, "ambiguous", "server:CIDR", "{#7-#n}"):
            self.assertIn(text, f.message)

    def test_answer_on_the_wire(self):
        r = et.call(self.emu, "GetDHCPScope", self.session, extra=[("dhcpScopeRef", self.a1)])
        g = et.result_of(r, "GetDHCPScope").find(et.q(et.NS_MM, "dhcpScope"))
        got = [(c.tag.split("}")[1], c.text) for c in g]
        self.assertEqual(got, [("ref", self.a1), ("name", self.n1), ("rangeRef", self.rng1),
                               ("dhcpServerRef", self.srv1), ("superscope", "sup"),
                               ("description", "first"), ("available", "0"),
                               ("enabled", "true")])

    def test_range_lists_its_scopes(self):
        g = self.svc.GetRange(session=self.session, rangeRef=self.rng1)
        self.assertEqual([(o.ref, o.name, o.objType) for o in g.dhcpScopes.object],
                         [(self.a1, self.n1, "DHCPScope"), (self.a2, self.n1, "DHCPScope")])
        r = self.svc.GetRanges(session=self.session,
                               filter="name in(%s, %s)" % (self.n1, self.n2))
        self.assertEqual([[o.ref for o in g.dhcpScopes.object] for g in r.ranges.range],
                         [[self.a1, self.a2], [self.b1]])

    def test_duplicate_instance(self):
        before = self.total()
        self.client_fault(self.add, "other", self.rng1, self.srv1, code=3,
                          text='DHCP scope for range "%s" already exists on server "%s"'
                          % (self.n1, self.s1))
        self.assertEqual(self.total(), before)

    def test_bad_input(self):
        o = self.o
        cases = [
            (dict(rangeRef="{#6-#999999999}"), 'range "{#6-#999999999}" does not exist'),
            (dict(rangeRef="%d.9.0.0/24" % o), "does not exist"),
            (dict(rangeRef=self.srv1), "is not a range"),
            (dict(dhcpServerRef="nope%d.example." % o), "does not exist"),
            (dict(dhcpServerRef=self.rng1), "is not a DHCP server"),
            (dict(dhcpServerRef="{#3-#x}"), "invalid reference"),
            (dict(dhcpServerRef=""), "missing dhcpServerRef"),
            (dict(rangeRef=""), "missing rangeRef"),
            (dict(name=""), "missing DHCP scope name"),
            (dict(name="a b"), 'for field "name"'),
            (dict(name='x"y'), 'for field "name"'),
            (dict(name="x" * 129), 'for field "name"'),
            (dict(description="x" * 4097), 'for field "description"'),
            (dict(superscope="x" * 256), 'for field "superscope"'),
        ]
        before = self.total()
        for over, text in cases:
            sc = dict(name="new", rangeRef=self.rng2, dhcpServerRef=self.srv2)
            sc.update(over)
            with self.subTest(**{k: v[:40] for k, v in over.items()}):
                self.client_fault(self.svc.AddDHCPScope, session=self.session, dhcpScope=sc,
                                  text=text)
        with self.subTest("failover"):
            self.client_fault(self.svc.AddDHCPScope, session=self.session,
                              dhcpScope=dict(name="new", rangeRef=self.rng2,
                                             dhcpServerRef=self.srv2),
                              dhcpFailoverRelationshipName="fo1",
                              text='failover relationship "fo1" does not exist on server',
                              code=2)
        self.assertEqual(self.total(), before)
        # a name that is not the CIDR and the longest name are fine
        rng = self.svc.AddRange(session=self.session, range=dict(name="%d.2.0.0/24" % o))
        self.assertEqual(self.get(self.add("x" * 128, rng, self.srv2)).name, "x" * 128)

    def test_bad_refs(self):
        cases = [
            (self.srv1, "is not a DHCP scope", 1),
            ("{#7-#999999999}", 'DHCP scope "{#7-#999999999}" does not exist', 2),
            ("dhcpScopes/0", "invalid reference", 1),
            ("nothing-%d" % self.o, "does not exist", 2),
            ("%d.7.0.0/24" % self.o, "does not exist", 2),
            ("zz%d.example.:%s" % (self.o, self.n1), "does not exist", 2),
            ("", "missing reference", 1),
        ]
        for value, text, code in cases:
            with self.subTest(ref=value):
                self.client_fault(self.get, value, text=text, code=code)

    def test_soap12(self):
        svc = self.client.bind("Service", "ServiceSoap12")
        self.assertEqual(svc.GetDHCPScope(session=self.session, dhcpScopeRef=self.a1).ref,
                         self.a1)
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            svc.GetDHCPScope(session=self.session, dhcpScopeRef=self.n1)
        self.assertIn("Sender", cm.exception.code or "")


class ListTest(ScopesCase):
    """Filters, paging and sorting over four instances of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        o = cls.o
        add = lambda name, rng, srv, **kw: cls.svc.AddDHCPScope(  # noqa: E731
            session=cls.session, dhcpScope=dict(name=name, rangeRef=rng, dhcpServerRef=srv, **kw))
        cls.refs = [add(cls.n2, cls.rng2, cls.srv1, description="lab"),       # 0
                    add(cls.n1, cls.rng1, cls.srv2, enabled=False),           # 1
                    add(cls.n1, cls.rng1, cls.srv1, superscope="s%d" % o),    # 2
                    add("%d.z-office" % o, cls.rng2, cls.srv2)]               # 3
        cls.mine = r"name:^%d\." % o
        cls.nmine = "name=^%d." % o

    def match(self, flt, *idx, **kw):
        with self.subTest(filter=flt, **kw):
            scopes, total = self.list(filter=flt, **kw)
            self.assertEqual([s.ref for s in scopes], [self.refs[i] for i in idx])
            self.assertEqual(total, len(idx))

    def test_filters(self):
        m, nm, o = self.mine, self.nmine, self.o
        self.match(m, 1, 2, 0, 3)
        self.match(nm, 1, 2, 0, 3)
        self.match("dhcpServerRef:%s" % self.srv1, 2, 0)
        self.match("dhcpServerRef=%s" % self.s1, 2, 0)
        self.match("dhcpServerRef=%s and %s" % (self.s2.rstrip("."), nm), 1, 3)
        self.match("rangeRef=%s" % self.n1, 1, 2)
        self.match("rangeRef:%s" % self.rng2, 0, 3)
        self.match("rangeRef=%s and dhcpServerRef=%s" % (self.rng2, self.srv2), 3)
        self.match("enabled:false " + m, 1)
        self.match("!enabled:false " + m, 2, 0, 3)
        self.match("superscope=s%d" % o, 2)
        self.match("description:^lab$ " + m, 0)
        self.match("lab " + m, 0)                                   # free text
        self.match(r"office " + m, 3)
        self.match("ref:" + self.refs[3], 3)
        self.match("ref in(%s, dhcpScopes/%d)" % (self.refs[0], et.ref_id(self.refs[1])), 1, 0)
        self.match("ref=%s:%s" % (self.s2, self.n1), 1)
        self.match("name=$office and " + nm, 3)
        self.match("(enabled=false or description=lab) and " + nm, 1, 0)

    def test_paging(self):
        every = [1, 2, 0, 3]
        cases = [(dict(), every), (dict(limit=0), every), (dict(limit=2), every[:2]),
                 (dict(offset=2, limit=2), every[2:]), (dict(offset=3), every[3:]),
                 (dict(offset=4), []), (dict(offset=4294967295, limit=4294967295), [])]
        for kw, idx in cases:
            with self.subTest(**kw):
                scopes, total = self.list(filter=self.mine, **kw)
                self.assertEqual([s.ref for s in scopes], [self.refs[i] for i in idx])
                self.assertEqual(total, 4)

    def test_sorting(self):
        by_name = [1, 2, 0, 3]     # name, then id
        cases = [(dict(), by_name), (dict(sortBy="name"), by_name),
                 (dict(sortBy="Name", sortOrder="Descending"), [3, 0, 1, 2]),  # ties by id
                 (dict(sortBy="ref"), [0, 1, 2, 3]),
                 (dict(sortBy="ref", sortOrder="Descending"), [3, 2, 1, 0]),
                 (dict(sortBy="enabled"), [1, 0, 2, 3]),
                 (dict(sortBy="name", offset=1, limit=2), by_name[1:3])]
        for kw, idx in cases:
            with self.subTest(**kw):
                scopes, _ = self.list(filter=self.mine, **kw)
                self.assertEqual([s.ref for s in scopes], [self.refs[i] for i in idx])

    def test_bad_lists(self):
        cases = [
            (dict(sortBy="bogus"), 'unknown sortBy "bogus"'),
            (dict(filter="name="), "at position 6"),
            (dict(filter="(name=x"), "at position 8"),
            (dict(filter="foo:x"), 'unknown field "foo"'),
            (dict(filter="name:["), "filter: invalid regular expression"),
            (dict(filter="enabled:maybe"), 'invalid boolean "maybe"'),
            (dict(filter="dhcpServerRef:%s" % self.rng1), "is not a DHCP server"),
            (dict(filter="rangeRef=%d.9.0.0/24" % self.o), "does not exist"),
            (dict(filter="ref=%s" % self.n1), "ambiguous"),
        ]
        for kw, text in cases:
            with self.subTest(**kw):
                self.client_fault(self.svc.GetDHCPScopes, session=self.session, text=text, **kw)

    def test_empty_list_on_the_wire(self):
        r = et.call(self.emu, "GetDHCPScopes", self.session,
                    extra=[("filter", "name:/7$ " + self.mine)])
        p = et.result_of(r, "GetDHCPScopes")
        arr = p.find(et.q(et.NS_MM, "dhcpScopes"))
        self.assertEqual(len(arr), 0)
        self.assertIsNone(arr.get(et.q(et.NS_XSI, "nil")))
        self.assertEqual(p.find(et.q(et.NS_MM, "totalResults")).text, "0")

    def test_soaplite_positional(self):
        """GetDHCPScopes($session, 'name:^o\\.', 0, 0, 'name', 'Ascending')
        as SOAP::Lite sends it."""
        vals = [("session", self.session), ("filter", self.mine), ("offset", "0"),
                ("limit", "0"), ("sortBy", "name"), ("sortOrder", "Ascending")]
        body = "".join('<%s xsi:type="xsd:string">%s</%s>' % (k, et.escape(v), k)
                       for k, v in vals)
        env = ('<?xml version="1.0" encoding="UTF-8"?><soap:Envelope '
               'soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
               'xmlns:soap="%s" xmlns:xsi="%s" xmlns:xsd="%s"><soap:Body>'
               '<tns:GetDHCPScopes xmlns:tns="%s">%s</tns:GetDHCPScopes></soap:Body>'
               '</soap:Envelope>' % (et.NS_SOAP11, et.NS_XSI, et.NS_XSD, et.NS_MM, body))
        p = et.result_of(et.post(self.emu, env, "GetDHCPScopes"), "GetDHCPScopes")
        refs = [g.find(et.q(et.NS_MM, "ref")).text
                for g in p.find(et.q(et.NS_MM, "dhcpScopes"))]
        self.assertEqual(refs, [self.refs[i] for i in (1, 2, 0, 3)])
        self.assertEqual(p.find(et.q(et.NS_MM, "totalResults")).text, "4")


class ChangeLogTest(ScopesCase):

    def setUp(self):
        et.need_local(self)

    def count(self):
        return int(self.emu.sql("SELECT count(*) FROM change_log")[0][0])

    def test_rows_and_failures(self):
        ref = self.add("office-%d" % self.o, self.rng1, self.srv1, comment="scope \u2603")
        rows = self.emu.sql("SELECT login, action, object_type, object_name, comment FROM "
                            "change_log WHERE object_type = 7 AND object_id = :'v1'", et.ref_id(ref))
        self.assertEqual(rows, [[et.USER, "add", "7", "office-%d" % self.o, "scope \u2603"]])
        before = self.count()
        self.client_fault(self.add, "dup", self.rng1, self.srv1, comment="dup",
                          text="already exists")
        self.client_fault(self.svc.AddDHCPScope, session=self.session,
                          dhcpScope=dict(name="f", rangeRef=self.rng2, dhcpServerRef=self.srv1),
                          dhcpFailoverRelationshipName="fo", text="does not exist on server")
        self.assertEqual(self.count(), before)
        self.assertEqual(self.emu.sql("SELECT count(*) FROM dhcp_scopes WHERE range_id = :'v1'",
                                      et.ref_id(self.rng2)), [["0"]])


class Profile2017Test(et.EmuTestCase):
    """--api-profile 2017: strict zeep built from that WSDL reads scopes."""

    @classmethod
    def setUpClass(cls):
        if et.remote():
            raise unittest.SkipTest("needs a server started by the harness (MICETRO_URL is set)")
        cls.emu = et.Emu(["--api-profile", "2017"])
        cls.client = zeep.Client(cls.emu.wsdl_url, settings=zeep.Settings(strict=True))
        cls.session = cls.client.service.Login(server="localhost", loginName=et.USER,
                                               password=et.PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls.emu.close()

    def test_scopes(self):
        svc = self.client.service
        srv = svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            name="dhcp1.example.", type="ISC", address="10.0.0.1")).ref
        rng = svc.AddRange(session=self.session, range=dict(name="10.0.0.0/24"))
        ref = svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name="10.0.0.0/24", rangeRef=rng, dhcpServerRef=srv))
        self.assertEqual(svc.GetDHCPScope(session=self.session, dhcpScopeRef=ref).rangeRef, rng)
        got = svc.GetDHCPScopes(session=self.session, filter="name:^10\\.")
        self.assertEqual([s.ref for s in got.dhcpScopes.dhcpScope], [ref])
        self.assertEqual(svc.GetRange(session=self.session, rangeRef=rng)
                         .dhcpScopes.object[0].ref, ref)
        self.emu.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
