#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""AddRange, GetRanges and GetRange.

Through the real zeep client with strict parsing (an element the WSDL does
not declare, or one out of order, fails the test), plus raw envelopes for
the wire shape.  Each test class works in a first octet of its own, drawn
at random, so the suite can run again against the same server
(MICETRO_URL); the change log and the API profile tests need a server
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

REF_RE = r"\A\{#6-#[1-9][0-9]*\}\Z"
# a distinct random first octet per user of the address space
OCTETS = iter(random.sample(range(20, 224), 8))


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    et.module_emu_stop(EMU)



class RangesCase(et.ZeepCase):
    """A zeep client, a session, a first octet, and helpers."""

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)
        cls.o = next(OCTETS)

    def net(self, rest):
        """"0.0.0/24" -> "<octet>.0.0.0/24"."""
        return "%d.%s" % (self.o, rest)

    def add(self, name, comment=None, **fields):
        rng = dict(name=name)
        rng.update(fields)
        ref = self.svc.AddRange(session=self.session, range=rng, saveComment=comment)
        self.assertRegex(ref, REF_RE)  # the one element of AddRangeResponse
        return ref

    def get(self, ref):
        return self.svc.GetRange(session=self.session, rangeRef=ref)

    def list(self, **kw):
        r = self.svc.GetRanges(session=self.session, **kw)
        ranges = r.ranges.range if r.ranges is not None else []
        return list(ranges), r.totalResults

    def names(self, **kw):
        ranges, total = self.list(**kw)
        return [g.name for g in ranges], total

    def total(self):
        return self.list(limit=1)[1]



class AddGetTest(RangesCase):

    def test_add_and_get_by_every_ref_form(self):
        n1, n2 = self.net("1.0.0/24"), self.net("2.0.0/16")
        r1 = self.add(n1)
        r2 = self.add(n2, comment="second", locked=True, autoAssign=True,
                      **{"from": self.net("2.0.0"), "to": self.net("2.255.255")})
        self.assertNotEqual(r1, r2)
        for ref, name, first, last, flags in (
                (r1, n1, self.net("1.0.0"), self.net("1.0.255"), False),
                (r2, n2, self.net("2.0.0"), self.net("2.255.255"), True)):
            for form in (ref, "ranges/%d" % et.ref_id(ref), "Ranges/%d" % et.ref_id(ref), name):
                with self.subTest(ref=form):
                    g = self.get(form)
                    self.assertEqual((g.ref, g.name), (ref, name))
                    self.assertEqual((g["from"], g.to), (first, last))
                    self.assertIs(g.locked, flags)
                    self.assertIs(g.autoAssign, flags)
                    self.assertIs(g.subnet, True)
                    self.assertIs(g.isContainer, False)
                    self.assertEqual(g.utilizationPercentage, 0)
                    self.assertRegex(g.creationTime, r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")
                    for absent in ("parentRef", "adSiteRef", "customProperties",
                                   "cloudNetworkRef", "discoveredProperties"):
                        self.assertIsNone(getattr(g, absent), absent)

    def test_host_and_whole_space(self):
        for name, first, last in ((self.net("3.0.7/32"), self.net("3.0.7"), self.net("3.0.7")),
                                  (self.net("3.0.8/31"), self.net("3.0.8"), self.net("3.0.9"))):
            g = self.get(self.add(name))
            self.assertEqual((g.name, g["from"], g.to), (name, first, last))

    def test_answer_on_the_wire(self):
        """Element order and content exactly as the WSDL's Range."""
        name = self.net("4.0.0/24")
        ref = self.add(name)
        r = et.call(self.emu, "GetRange", self.session, extra=[("rangeRef", ref)])
        g = et.result_of(r, "GetRange").find(et.q(et.NS_MM, "range"))
        got = [(c.tag.split("}")[1], c.text, len(c)) for c in g]
        self.assertEqual(got[:-1], [
            ("ref", ref, 0), ("name", name, 0), ("from", self.net("4.0.0"), 0),
            ("to", self.net("4.0.255"), 0), ("childRanges", None, 0), ("dhcpScopes", None, 0),
            ("subnet", "true", 0), ("locked", "false", 0), ("autoAssign", "false", 0),
            ("hasSchedule", "false", 0), ("hasMonitor", "false", 0),
            ("inheritAccess", "true", 0), ("isContainer", "false", 0),
            ("utilizationPercentage", "0", 0), ("hasRogueAddresses", "false", 0)])
        self.assertEqual(got[-1][0], "creationTime")
        for c in g:
            self.assertIsNone(c.get(et.q(et.NS_XSI, "nil")))

    def test_duplicates(self):
        name = self.net("5.0.0/24")
        self.add(name)
        before = self.total()
        self.client_fault(self.add, name, code=3, exact='range "%s" already exists' % name)
        self.client_fault(self.add, name, code=3, text="already exists",
                          **{"from": self.net("5.0.0")})
        self.assertEqual(self.total(), before)
        # a different prefix on the same address is another range
        self.add(self.net("5.0.0/25"))

    def test_bad_input(self):
        o = self.o
        cases = [
            (dict(name="%d.6.0.1/24" % o),
             'invalid CIDR "%d.6.0.1/24" for field "name": not a network address '
             '(did you mean "%d.6.0.0/24"?)' % (o, o)),
            (dict(name="%d.6.0.0/33" % o), 'invalid CIDR "%d.6.0.0/33" for field "name"' % o),
            (dict(name="%d.6.0.0/024" % o), 'invalid CIDR "%d.6.0.0/024"' % o),
            (dict(name="%d.06.0.0/24" % o), 'invalid CIDR "%d.06.0.0/24"' % o),
            (dict(name="%d.6.0.0" % o), 'invalid CIDR "%d.6.0.0"' % o),
            (dict(name="%d.6.0.0/24 " % o), "invalid CIDR"),
            (dict(name="2001:db8::/64"), 'IPv6 addresses are not supported yet: "2001:db8::/64"'),
            (dict(name="garbage"), 'invalid CIDR "garbage" for field "name"'),
            (dict(name=""), "missing range name"),
            (dict(name="%d.6.0.0/24" % o, **{"from": "%d.6.0.1" % o}),
             'field "from" of range "%d.6.0.0/24" must be %d.6.0.0 (its first address) or left '
             'out, not "%d.6.0.1"' % (o, o, o)),
            (dict(name="%d.6.0.0/24" % o, to="%d.6.0.254" % o),
             'field "to" of range "%d.6.0.0/24" must be %d.6.0.255 (its last address)' % (o, o)),
            (dict(name="%d.6.0.0/24" % o, to="%d.6.0.256" % o),
             'invalid IPv4 address "%d.6.0.256" for field "to"' % o),
            (dict(name="%d.6.0.0/24" % o, parentRef="{#6-#1}"), "parentRef is not supported yet"),
            (dict(name="%d.6.0.0/24" % o, adSiteRef="x"), "adSiteRef is not supported yet"),
            (dict(name="%d.6.0.0/24" % o, subnet=False), "not subnets are not supported yet"),
            (dict(name="%d.6.0.0/24" % o, isContainer=True), "container ranges are not supported"),
            (dict(name="%d.6.0.0/24" % o,
                  customProperties={"property": [{"name": "Title", "value": "x"}]}),
             'unknown property "Title" for a range'),
        ]
        before = self.total()
        for rng, text in cases:
            with self.subTest(range=str(rng)[:70]):
                self.client_fault(self.svc.AddRange, session=self.session, range=rng, text=text)
        with self.subTest("saveComment too long"):
            self.client_fault(self.svc.AddRange, session=self.session,
                              range=dict(name="%d.6.0.0/24" % o), saveComment="x" * 4097,
                              text='for field "saveComment" is too long')
        self.assertEqual(self.total(), before)
        self.client_fault(self.get, "%d.6.0.0/24" % o, code=2,
                          exact='range "%d.6.0.0/24" does not exist' % o)

    def test_bad_refs(self):
        ref = self.add(self.net("7.0.0/24"))
        server = self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            name="r%d.ranges.example" % self.o, type="ISC", address="10.0.0.1")).ref
        cases = [
            (server, 'reference "%s" is not a range' % server, 1),
            ("dhcpServers/%d" % et.ref_id(ref), "is not a range", 1),
            ("{#7-#%d}" % et.ref_id(ref), "is not a range", 1),
            ("{#6-#x}", 'invalid reference "{#6-#x}"', 1),
            ("ranges/0", 'invalid reference "ranges/0"', 1),
            ("{#6-#999999999}", 'range "{#6-#999999999}" does not exist', 2),
            ("ranges/999999999", 'range "ranges/999999999" does not exist', 2),
            (self.net("7.0.1/24"), 'range "%s" does not exist' % self.net("7.0.1/24"), 2),
            (self.net("7.0.0/024"), "does not exist", 2),   # names are parsed strictly
            (self.net("7.0.1/24"), "does not exist", 2),
            ("r%d.ranges.example." % self.o, "does not exist", 2),
            ("", "missing reference", 1),
        ]
        for value, text, code in cases:
            with self.subTest(ref=value):
                self.client_fault(self.get, value, text=text, code=code)

    def test_invalid_session(self):
        dead = self.svc.Login(server="localhost", loginName=et.USER, password=et.PASSWORD)
        self.svc.Logout(session=dead)
        for call in (lambda: self.svc.AddRange(session=dead, range=dict(name=self.net("8.0.0/24"))),
                     lambda: self.svc.GetRanges(session=dead),
                     lambda: self.svc.GetRange(session=dead, rangeRef="{#6-#1}")):
            with self.assertRaises(zeep.exceptions.Fault) as cm:
                call()
            self.assertIn(et.BAD_SESSION, cm.exception.message)
        self.client_fault(self.get, self.net("8.0.0/24"), text="does not exist")

    def test_soap12(self):
        svc = self.client.bind("Service", "ServiceSoap12")
        name = self.net("9.0.0/24")
        ref = svc.AddRange(session=self.session, range=dict(name=name))
        self.assertRegex(ref, REF_RE)
        self.assertEqual(svc.GetRange(session=self.session, rangeRef=ref).name, name)
        self.assertEqual(svc.GetRanges(session=self.session, filter="name=" + name).totalResults, 1)
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            svc.AddRange(session=self.session, range=dict(name=name))
        self.assertIn("already exists", cm.exception.message)
        self.assertIn("Sender", cm.exception.code or "")


class ListTest(RangesCase):
    """Filters, paging and sorting over five ranges of their own."""

    NETS = ("0.0.0/24", "0.1.0/24", "10.0.0/24", "0.0.0/16", "2.0.0/24")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.refs = {}
        for n in cls.NETS:
            cls.refs[n] = cls.svc.AddRange(session=cls.session,
                                           range=dict(name="%d.%s" % (cls.o, n)))
        cls.scope = r"name:^%d\." % cls.o       # classic: only ours
        cls.nscope = "name=^%d." % cls.o        # newer: only ours

    def n(self, *rests):
        return [self.net(r) for r in rests]

    def match(self, flt, *rests, **kw):
        with self.subTest(filter=flt, **kw):
            names, total = self.names(filter=flt, **kw)
            self.assertEqual(names, self.n(*rests))
            self.assertEqual(total, len(rests))

    def test_filters(self):
        o, s, ns = self.o, self.scope, self.nscope
        every = ("0.0.0/16", "0.0.0/24", "0.1.0/24", "2.0.0/24", "10.0.0/24")
        self.match(s, *every)
        self.match(ns, *every)
        self.match(r"name:^%d\.0\. " % o, "0.0.0/16", "0.0.0/24", "0.1.0/24")
        self.match(r"name:^%d\.0\. !name:/16$" % o, "0.0.0/24", "0.1.0/24")
        self.match(r"%d\.10\. " % o + s, "10.0.0/24")                  # free text
        self.match(r"from:^%d\.0\.0\.0$" % o, "0.0.0/16", "0.0.0/24")
        self.match(r"to:^%d\.0\.255\.255$" % o, "0.0.0/16")
        self.match("locked:false autoAssign:false " + s, *every)
        self.match("ref:" + self.refs["2.0.0/24"], "2.0.0/24")
        self.match("ref:%s" % self.net("2.0.0/24"), "2.0.0/24")
        self.match("name=^%d.0. and name=$/24" % o, "0.0.0/24", "0.1.0/24")
        self.match("name=" + self.net("10.0.0/24"), "10.0.0/24")
        self.match("name!=%s and %s" % (self.net("10.0.0/24"), ns),
                   "0.0.0/16", "0.0.0/24", "0.1.0/24", "2.0.0/24")
        self.match("(to=%s or from=%s) and %s" % (self.net("2.0.255"), self.net("10.0.0"), ns),
                   "2.0.0/24", "10.0.0/24")
        self.match("ref in(%s, ranges/%d)" % (self.refs["0.1.0/24"],
                                              et.ref_id(self.refs["10.0.0/24"])),
                   "0.1.0/24", "10.0.0/24")
        self.match("title=x and " + ns)
        self.match("description=@x or " + ns, *every)

    def test_paging(self):
        every = ["0.0.0/16", "0.0.0/24", "0.1.0/24", "2.0.0/24", "10.0.0/24"]
        cases = [
            (dict(), every), (dict(limit=0), every), (dict(offset=0, limit=0), every),
            (dict(limit=2), every[:2]), (dict(offset=2, limit=2), every[2:4]),
            (dict(offset=4, limit=2), every[4:]), (dict(offset=3), every[3:]),
            (dict(offset=5), []), (dict(offset=1000, limit=0), []),
            (dict(offset=4294967295, limit=4294967295), []),
        ]
        for kw, rests in cases:
            with self.subTest(**kw):
                names, total = self.names(filter=self.scope, **kw)
                self.assertEqual(names, self.n(*rests))
                self.assertEqual(total, 5)

    def test_sorting(self):
        by_cidr = ["0.0.0/16", "0.0.0/24", "0.1.0/24", "2.0.0/24", "10.0.0/24"]
        by_to = ["0.0.0/24", "0.1.0/24", "0.0.0/16", "2.0.0/24", "10.0.0/24"]
        created = ["0.0.0/24", "0.1.0/24", "10.0.0/24", "0.0.0/16", "2.0.0/24"]
        cases = [
            (dict(), by_cidr), (dict(sortBy="name"), by_cidr),
            (dict(sortBy="Name", sortOrder="Ascending"), by_cidr),
            (dict(sortBy="name", sortOrder="Descending"), by_cidr[::-1]),
            (dict(sortOrder="Descending"), by_cidr[::-1]),
            (dict(sortBy="from"), by_cidr), (dict(sortBy="to"), by_to),
            (dict(sortBy="to", sortOrder="Descending"), by_to[::-1]),
            (dict(sortBy="ref"), created),
            (dict(sortBy="name", sortOrder="Descending", offset=1, limit=2), by_cidr[::-1][1:3]),
        ]
        for kw, expect in cases:
            with self.subTest(**kw):
                names, total = self.names(filter=self.scope, **kw)
                self.assertEqual(names, self.n(*expect))
                self.assertEqual(total, 5)

    def test_bad_lists(self):
        cases = [
            (dict(sortBy="bogus"), 'unknown sortBy "bogus"'),
            (dict(sortBy="subnet"), 'unknown sortBy "subnet"'),
            (dict(filter="name="), "at position 6"),
            (dict(filter="(name=x"), "at position 8"),
            (dict(filter="foo:x"), 'unknown field "foo"'),
            (dict(filter="name:["), "filter: invalid regular expression"),
            (dict(filter="locked:maybe"), 'invalid boolean "maybe" for field "locked"'),
            (dict(filter="ref:{#3-#1}"), 'reference "{#3-#1}" is not a range'),
            (dict(filter="ref=%s" % self.net("99.0.0/24")), "does not exist"),
            (dict(folderRef="{#20-#1}"), "folderRef is not supported"),
            (dict(adSiteRef="site1"), "adSiteRef is not supported"),
            (dict(cloudNetworkRef="c1"), "cloudNetworkRef is not supported"),
        ]
        for kw, text in cases:
            with self.subTest(**kw):
                self.client_fault(self.svc.GetRanges, session=self.session, text=text, **kw)

    def test_empty_list_on_the_wire(self):
        for version in (11, 12):
            with self.subTest(version=version):
                r = et.call(self.emu, "GetRanges", self.session, version=version,
                            extra=[("filter", "name:/7$ " + self.scope)])
                p = et.result_of(r, "GetRanges")
                self.assertEqual([c.tag for c in p], [et.q(et.NS_MM, "ranges"),
                                                      et.q(et.NS_MM, "totalResults")])
                arr = p.find(et.q(et.NS_MM, "ranges"))
                self.assertEqual(len(arr), 0)
                self.assertIsNone(arr.get(et.q(et.NS_XSI, "nil")))
                self.assertEqual(p.find(et.q(et.NS_MM, "totalResults")).text, "0")

    def test_soaplite_positional(self):
        """GetRanges($session, 'name:^o\\.', undef x3, 0, 0, 'name',
        'Descending') as SOAP::Lite sends it: unqualified children, xsi:type
        xsd:string on everything, nil container refs."""
        vals = [("session", self.session), ("filter", self.scope), ("folderRef", None),
                ("adSiteRef", None), ("cloudNetworkRef", None), ("offset", "0"),
                ("limit", "0"), ("sortBy", "name"), ("sortOrder", "Descending")]
        body = "".join('<%s xsi:nil="true" xsi:type="xsd:string"/>' % k if v is None else
                       '<%s xsi:type="xsd:string">%s</%s>' % (k, et.escape(v), k)
                       for k, v in vals)
        env = ('<?xml version="1.0" encoding="UTF-8"?><soap:Envelope '
               'soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
               'xmlns:soap="%s" xmlns:xsi="%s" xmlns:xsd="%s"><soap:Body>'
               '<tns:GetRanges xmlns:tns="%s">%s</tns:GetRanges></soap:Body></soap:Envelope>'
               % (et.NS_SOAP11, et.NS_XSI, et.NS_XSD, et.NS_MM, body))
        p = et.result_of(et.post(self.emu, env, "GetRanges"), "GetRanges")
        names = [g.find(et.q(et.NS_MM, "name")).text
                 for g in p.find(et.q(et.NS_MM, "ranges"))]
        self.assertEqual(names, self.n("10.0.0/24", "2.0.0/24", "0.1.0/24", "0.0.0/24",
                                       "0.0.0/16"))
        self.assertEqual(p.find(et.q(et.NS_MM, "totalResults")).text, "5")


class ChangeLogTest(RangesCase):

    def setUp(self):
        et.need_local(self)

    def count(self):
        return int(self.emu.sql("SELECT count(*) FROM change_log")[0][0])

    def test_rows_and_failures(self):
        name = self.net("0.0.0/24")
        ref = self.add(name, comment="first range \u2603")
        rows = self.emu.sql("SELECT login, action, object_type, object_name, comment FROM "
                            "change_log WHERE object_type = 6 AND object_id = :'v1'", et.ref_id(ref))
        self.assertEqual(rows, [[et.USER, "add", "6", name, "first range \u2603"]])
        before = self.count()
        self.client_fault(self.add, name, comment="dup", text="already exists")
        self.client_fault(self.add, self.net("0.1.0/24"), comment="bad", to="1.2.3.4",
                          text="must be")
        self.assertEqual(self.count(), before)
        stored = self.emu.sql("SELECT name, family(cidr), title IS NULL FROM ranges "
                              "WHERE id = :'v1'", et.ref_id(ref))
        self.assertEqual(stored, [[name, "4", "t"]])


class Profile2017Test(et.EmuTestCase):
    """--api-profile 2017: strict zeep built from that WSDL reads ranges."""

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

    def test_ranges(self):
        svc = self.client.service
        ref = svc.AddRange(session=self.session, range=dict(name="10.0.0.0/24"))
        self.assertEqual(svc.GetRange(session=self.session, rangeRef=ref).to, "10.0.0.255")
        got = svc.GetRanges(session=self.session, filter="name:^10\\.")
        self.assertEqual([g.name for g in got.ranges.range], ["10.0.0.0/24"])
        self.emu.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
