#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""AddDHCPServer, GetDHCPServers and GetDHCPServer.

Through the real zeep client (strict parsing, so an element the WSDL does
not declare or one out of order fails the test), plus raw envelopes for
what zeep hides (the wire shape of an empty list, SOAP::Lite's unqualified
children with wrong xsi:types, concurrency).  Server names carry a random
label, so the suite can run again against the same server (MICETRO_URL);
the change log and the API profile tests need a server started here.
"""

import os
import random
import string
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import zeep  # noqa: E402
import zeep.exceptions  # noqa: E402

# letters only: a digit in the token could match the digit patterns of the
# filter tests (name=~^d.*2\. matched "...tm5elsn62.example.")
TOKEN = "t" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))
REF_RE = r"\A\{#3-#[1-9][0-9]*\}\Z"


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    et.module_emu_stop(EMU)



def add_xml(session, name, address, type_="ISC", enabled=None, comment=None):
    """AddDHCPServer as zeep sends it (children in WSDL order)."""
    e = et.escape
    en = "" if enabled is None else "<ns0:enabled>%s</ns0:enabled>" % enabled
    cm = "" if comment is None else "<ns0:saveComment>%s</ns0:saveComment>" % e(comment)
    return ('<ns0:AddDHCPServer xmlns:ns0="%s"><ns0:session>%s</ns0:session><ns0:dhcpServer>'
            '<ns0:name>%s</ns0:name><ns0:address>%s</ns0:address><ns0:type>%s</ns0:type>%s'
            '</ns0:dhcpServer>%s</ns0:AddDHCPServer>'
            % (et.NS_MM, e(session), e(name), e(address), e(type_), en, cm))


class ServersCase(et.ZeepCase):

    fault_needs_code = True
    """A zeep client, a session, and helpers."""

    emu_args = None

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)

    def add(self, name, address, comment=None, **fields):
        server = dict(name=name, type="ISC", address=address)
        server.update(fields)
        r = self.svc.AddDHCPServer(session=self.session, dhcpServer=server, saveComment=comment)
        self.assertRegex(r.ref, REF_RE)
        self.assertIsNone(r.warning)
        return r.ref

    def get(self, ref):
        return self.svc.GetDHCPServer(session=self.session, dhcpServerRef=ref)

    def list(self, **kw):
        """(servers, totalResults) of GetDHCPServers."""
        r = self.svc.GetDHCPServers(session=self.session, **kw)
        servers = r.dhcpServers.dhcpServer if r.dhcpServers is not None else []
        return list(servers), r.totalResults

    def names(self, **kw):
        servers, total = self.list(**kw)
        return [s.name for s in servers], total

    def total(self):
        return self.list(limit=1)[1]



class AddGetTest(ServersCase):

    def test_add_and_get_by_every_ref_form(self):
        n1 = "dhcp1.a.%s.example" % TOKEN
        n2 = "DHCP2.a.%s.example." % TOKEN
        r1 = self.add(n1, "10.10.0.1")
        r2 = self.add(n2, "10.10.0.2:6470", enabled=False, comment="second")
        self.assertNotEqual(r1, r2)
        for ref, name, address, enabled in ((r1, n1 + ".", "10.10.0.1", True),
                                            (r2, n2, "10.10.0.2:6470", False)):
            bare = name[:-1]
            forms = [ref, "dhcpServers/%d" % et.ref_id(ref), "DHCPServers/%d" % et.ref_id(ref),
                     name, bare, name.upper(), bare.lower(), bare.swapcase()]
            for form in forms:
                with self.subTest(ref=form):
                    s = self.get(form)
                    self.assertEqual(s.ref, ref)
                    self.assertEqual(s.name, name)  # case kept, one trailing dot
                    self.assertEqual(s.address, address)  # as given
                    self.assertEqual(s.type, "ISC")
                    self.assertEqual(s.state, "Unknown")
                    self.assertIs(s.enabled, enabled)
                    for absent in ("password", "enablePassword", "stateMessage", "proxy",
                                   "username", "resolvedAddress", "customProperties"):
                        self.assertIsNone(getattr(s, absent), absent)

    def test_answer_on_the_wire(self):
        """Element order and content exactly as the WSDL's DHCPServer."""
        ref = self.add("wire.a.%s.example" % TOKEN, "10.10.0.3", enabled=True,
                       password="secret", enablePassword="secret2", username="admin")
        r = et.call(self.emu, "GetDHCPServer", self.session, extra=[("dhcpServerRef", ref)])
        p = et.result_of(r, "GetDHCPServer")
        server = p.find(et.q(et.NS_MM, "dhcpServer"))
        got = [(c.tag.split("}")[1], c.text) for c in server]
        self.assertEqual(got, [("ref", ref), ("name", "wire.a.%s.example." % TOKEN),
                               ("address", "10.10.0.3"), ("username", "admin"), ("type", "ISC"),
                               ("state", "Unknown"), ("enabled", "true")])
        self.assertNotIn(b"secret", r.body)

    def test_duplicate_names(self):
        name = "dup.a.%s.example" % TOKEN
        self.add(name, "10.10.1.1")
        before = self.total()
        for dup in (name, name + ".", name.upper(), name.upper() + ".", "Dup.A.%s.Example." % TOKEN):
            with self.subTest(name=dup):
                canonical = dup if dup.endswith(".") else dup + "."
                self.client_fault(self.add, dup, "10.10.1.2", code=3,
                                  exact='DHCP server "%s" already exists' % canonical)
        self.assertEqual(self.total(), before)
        self.assertEqual(self.get(name).address, "10.10.1.1")

    def test_bad_input(self):
        ok = dict(name="bad.a.%s.example" % TOKEN, type="ISC", address="10.10.2.1")
        cases = [
            (dict(name=""), "missing DHCP server name"),
            (dict(name="bad name.example"), 'invalid host name "bad name.example" for field "name"'),
            (dict(name="-x.example"), "label starts or ends with '-'"),
            (dict(name="x..example"), "empty label"),
            (dict(name="x_y.example"), "letters, digits and '-' only"),
            (dict(name="a" * 64 + ".example"), "label longer than 63 characters"),
            (dict(name="a." * 127 + "x"), "longer than 253 characters"),
            (dict(name="\u00e9t\u00e9.example"), 'invalid host name "\\xC3\\xA9t\\xC3\\xA9.example"'),
            (dict(address=None), 'missing address of DHCP server "bad.a.%s.example."' % TOKEN),
            (dict(address=""), "micetro-emu does not resolve names"),
            (dict(address="10.0.0.256"), 'invalid IPv4 address "10.0.0.256" for field "address"'),
            (dict(address="010.0.0.1"), 'invalid IPv4 address "010.0.0.1"'),
            (dict(address="10.0.0"), 'invalid IPv4 address "10.0.0"'),
            (dict(address="dhcp1.example"), 'invalid IPv4 address "dhcp1.example"'),
            (dict(address="10.0.0.1:0"), "must be 1..65535"),
            (dict(address="10.0.0.1:65536"), "must be 1..65535"),
            (dict(address="10.0.0.1:x"), "must be 1..65535"),
            (dict(address="fe80::1"), 'IPv6 addresses are not supported yet: "fe80::1"'),
            (dict(address="[2001:db8::1]:647"), "IPv6 addresses are not supported yet"),
            (dict(type="MSDHCP"), 'only ISC DHCP servers are supported, not "MSDHCP"'),
            (dict(type="KEA DHCPv4"), 'only ISC DHCP servers are supported, not "KEA DHCPv4"'),
            (dict(type="Unknown"), 'only ISC DHCP servers are supported, not "Unknown"'),
            (dict(username="x" * 256), "is too long"),
            (dict(customProperties={"property": [{"name": "site", "value": "x"}]}),
             'unknown property "site" for a DHCP server'),
        ]
        before = self.total()
        for change, text in cases:
            server = dict(ok)
            server.update(change)
            with self.subTest(change=str(change)[:60]):
                self.client_fault(self.svc.AddDHCPServer, session=self.session,
                                  dhcpServer=server, text=text)
        with self.subTest("saveComment too long"):
            self.client_fault(self.svc.AddDHCPServer, session=self.session, dhcpServer=ok,
                              saveComment="x" * 4097, text='for field "saveComment" is too long')
        self.assertEqual(self.total(), before)
        self.client_fault(self.get, ok["name"], text="does not exist")

    def test_bad_refs(self):
        ref = self.add("ref.a.%s.example" % TOKEN, "10.10.3.1")
        cases = [
            ("{#3-#x}", 'invalid reference "{#3-#x}"', 1),
            ("{#3-#0}", 'invalid reference "{#3-#0}"', 1),
            ("{#3-#%d" % et.ref_id(ref), "invalid reference", 1),
            ("{#7-#%d}" % et.ref_id(ref), 'reference "{#7-#%d}" is not a DHCP server' % et.ref_id(ref), 1),
            ("dhcpScopes/%d" % et.ref_id(ref), "is not a DHCP server", 1),
            ("dhcpServers/0", 'invalid reference "dhcpServers/0"', 1),
            ("{#3-#999999999}", 'DHCP server "{#3-#999999999}" does not exist', 2),
            ("dhcpServers/999999999", 'DHCP server "dhcpServers/999999999" does not exist', 2),
            ("nosuch.%s.example." % TOKEN, 'DHCP server "nosuch.%s.example." does not exist' % TOKEN, 2),
            ("ref.a.%s.example.." % TOKEN, "does not exist", 2),
            ("not a name", 'DHCP server "not a name" does not exist', 2),
            ("", "missing reference", 1),
        ]
        for value, text, code in cases:
            with self.subTest(ref=value):
                self.client_fault(self.get, value, text=text, code=code)

    def test_invalid_session(self):
        before = self.total()
        dead = self.svc.Login(server="localhost", loginName=et.USER, password=et.PASSWORD)
        self.svc.Logout(session=dead)
        for s in (dead, "AAAAAAAAAAAAAAAAAAAA"):
            with self.subTest(session=s):
                with self.assertRaises(zeep.exceptions.Fault) as cm:
                    self.svc.AddDHCPServer(session=s, dhcpServer=dict(
                        name="sess.a.%s.example" % TOKEN, type="ISC", address="10.10.4.1"))
                self.assertIn(et.BAD_SESSION, cm.exception.message)
                with self.assertRaises(zeep.exceptions.Fault) as cm:
                    self.svc.GetDHCPServers(session=s)
                self.assertIn(et.BAD_SESSION, cm.exception.message)
                with self.assertRaises(zeep.exceptions.Fault) as cm:
                    self.svc.GetDHCPServer(session=s, dhcpServerRef="{#3-#1}")
                self.assertIn(et.BAD_SESSION, cm.exception.message)
        self.assertEqual(self.total(), before)

    def test_soap12(self):
        svc = self.client.bind("Service", "ServiceSoap12")
        name = "soap12.a.%s.example" % TOKEN
        r = svc.AddDHCPServer(session=self.session,
                              dhcpServer=dict(name=name, type="ISC", address="10.10.5.1"))
        self.assertRegex(r.ref, REF_RE)
        self.assertEqual(svc.GetDHCPServer(session=self.session, dhcpServerRef=r.ref).name,
                         name + ".")
        got = svc.GetDHCPServers(session=self.session, filter="name=%s." % name)
        self.assertEqual(got.totalResults, 1)
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            svc.AddDHCPServer(session=self.session,
                              dhcpServer=dict(name=name, type="ISC", address="10.10.5.1"))
        self.assertIn("already exists", cm.exception.message)
        self.assertIn("Sender", cm.exception.code or "")

    def test_soaplite_style(self):
        """Unqualified children with SOAP::Lite's xsi:types, wrong ones
        included (xsd:string on an enumeration and a boolean), xsi:nil."""
        name = "lite.a.%s.example" % TOKEN
        body = ('<tns:AddDHCPServer xmlns:tns="%s"><session xsi:type="xsd:string">%s</session>'
                '<dhcpServer><name xsi:type="xsd:string">%s</name>'
                '<address xsi:type="xsd:string">10.10.6.1</address>'
                '<type xsi:type="xsd:string">ISC</type>'
                '<enabled xsi:type="xsd:string">false</enabled></dhcpServer>'
                '<saveComment xsi:nil="true" xsi:type="xsd:string"/></tns:AddDHCPServer>'
                % (et.NS_MM, self.session, name))
        env = ('<?xml version="1.0" encoding="UTF-8"?><soap:Envelope '
               'soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
               'xmlns:soap="%s" xmlns:xsi="%s" xmlns:xsd="%s"><soap:Body>%s</soap:Body>'
               '</soap:Envelope>' % (et.NS_SOAP11, et.NS_XSI, et.NS_XSD, body))
        p = et.result_of(et.post(self.emu, env, "AddDHCPServer"), "AddDHCPServer")
        ref = p.find(et.q(et.NS_MM, "ref")).text
        self.assertRegex(ref, REF_RE)
        s = self.get(ref)
        self.assertEqual(s.name, name + ".")
        self.assertIs(s.enabled, False)

    def test_concurrent_adds_of_one_name(self):
        """Eight clients add the same name at once: exactly one wins."""
        name = "race.a.%s.example" % TOKEN
        results = []
        lock = threading.Lock()
        race = et.Race(8)

        def worker(i):
            with race.go(i):
                r = et.post(self.emu, et.envelope11(add_xml(self.session, name,
                                                            "10.10.7.%d" % (i + 1))),
                            "AddDHCPServer")
            with lock:
                results.append(r)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(len(results), 8)
        wins = [r for r in results if r.status == 200]
        self.assertEqual(len(wins), 1, [r.body[:300] for r in results])
        for r in results:
            if r.status != 200:
                self.assertFault11(r, "Client", exact='DHCP server "%s." already exists' % name)
        names, total = self.names(filter="name=%s." % name)
        self.assertEqual((names, total), ([name + "."], 1))


class ListTest(ServersCase):
    """Filters, paging and sorting over five servers of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dom = "l.%s.example." % TOKEN
        cls.scope = r"name:\.l\.%s\.example\.$" % TOKEN  # classic: only ours
        cls.nscope = "name=$.%s" % cls.dom               # newer: only ours
        cls.refs = {}
        for label, address, enabled in (("dhcp1", "10.20.0.10", True),
                                        ("dhcp12", "10.20.0.9:6470", True),
                                        ("Dhcp2", "10.20.0.100", False),
                                        ("other", "10.20.0.2", True),
                                        ("zeta", "10.20.1.1", True)):
            r = cls.svc.AddDHCPServer(session=cls.session, dhcpServer=dict(
                name=label + "." + cls.dom, type="ISC", address=address, enabled=enabled))
            cls.refs[label] = r.ref

    def n(self, *labels):
        return [label + "." + self.dom for label in labels]

    def match(self, flt, *labels, **kw):
        """The filter matches exactly labels (in name order)."""
        with self.subTest(filter=flt):
            names, total = self.names(filter=flt, **kw)
            self.assertEqual(names, self.n(*labels))
            self.assertEqual(total, len(labels))

    def test_classic_filters(self):
        s = self.scope
        self.match(s, "dhcp1", "dhcp12", "Dhcp2", "other", "zeta")
        self.match("name:^dhcp1 " + s, "dhcp1", "dhcp12")
        self.match("name:^DHCP " + s, "dhcp1", "dhcp12", "Dhcp2")  # case-insensitive
        self.match("!name:dhcp1 " + s, "Dhcp2", "other", "zeta")
        self.match("name:!dhcp1 " + s, "Dhcp2", "other", "zeta")
        self.match(r"10\.20\.0\.1 " + s, "dhcp1", "Dhcp2")  # free text: name or address
        self.match("zeta " + s, "zeta")
        self.match("!zeta " + s, "dhcp1", "dhcp12", "Dhcp2", "other")
        self.match("enabled:false " + s, "Dhcp2")
        self.match("enabled:TRUE !name:^dhcp " + s, "other", "zeta")
        self.match("type:^ISC$ state:Unknown " + s, "dhcp1", "dhcp12", "Dhcp2", "other", "zeta")
        self.match("state:OK " + s)
        self.match(r"address:^10\.20\.0\.9$", "dhcp12")  # the IP, without the agent port
        self.match('name:"^other\\." ' + s, "other")
        for form in (self.refs["other"], "dhcpServers/%d" % et.ref_id(self.refs["other"]),
                     "OTHER." + self.dom, "other." + self.dom[:-1]):
            self.match("ref:" + form, "other")
        self.match("!ref:%s %s" % (self.refs["other"], s), "dhcp1", "dhcp12", "Dhcp2", "zeta")

    def test_newer_filters(self):
        ns = self.nscope
        self.match("name=^dhcp1 and type=ISC and " + ns, "dhcp1", "dhcp12")
        self.match("name=^dhcp1 AND type=isc AND " + ns, "dhcp1", "dhcp12")
        self.match("name=dhcp1." + self.dom, "dhcp1")
        self.match("name=" + ("DHCP1." + self.dom).upper(), "dhcp1")
        self.match("name!=dhcp1.%s and %s" % (self.dom, ns), "dhcp12", "Dhcp2", "other", "zeta")
        self.match("name=@12 and " + ns, "dhcp12")
        self.match(r"name=~^d.*2\. and " + ns, "dhcp12", "Dhcp2")
        self.match("(name=^zeta or enabled=false) and " + ns, "Dhcp2", "zeta")
        self.match("name in(other.%s, 'zeta.%s')" % (self.dom, self.dom), "other", "zeta")
        self.match("address=10.20.0.2", "other")
        self.match("address=^10.20.0.1 and " + ns, "dhcp1", "Dhcp2")
        self.match("enabled=false and " + ns, "Dhcp2")
        self.match("state=unknown and name=^zeta and " + ns, "zeta")
        self.match("ref=" + self.refs["zeta"], "zeta")
        self.match("ref in(%s, dhcpServers/%d)" % (self.refs["zeta"], et.ref_id(self.refs["dhcp1"])),
                   "dhcp1", "zeta")

    def test_paging(self):
        s = self.scope
        every = ["dhcp1", "dhcp12", "Dhcp2", "other", "zeta"]  # by name, case-insensitive
        cases = [
            (dict(), every),
            (dict(limit=0), every),
            (dict(offset=0, limit=0), every),
            (dict(limit=100), every),
            (dict(limit=2), every[:2]),
            (dict(offset=2, limit=2), every[2:4]),
            (dict(offset=4, limit=2), every[4:]),   # spans the end
            (dict(offset=3, limit=0), every[3:]),
            (dict(offset=3), every[3:]),
            (dict(offset=5), []),                   # just past the end
            (dict(offset=5, limit=1), []),
            (dict(offset=1000, limit=0), []),
            (dict(offset=4294967295, limit=4294967295), []),
        ]
        for kw, labels in cases:
            with self.subTest(**kw):
                names, total = self.names(filter=s, **kw)
                self.assertEqual(names, self.n(*labels))
                self.assertEqual(total, 5)
        names, total = self.names(filter="name:^nothing-matches " + s, offset=3)
        self.assertEqual((names, total), ([], 0))

    def test_sorting(self):
        s = self.scope
        by_name = self.n("dhcp1", "dhcp12", "Dhcp2", "other", "zeta")
        by_address = self.n("other", "dhcp12", "dhcp1", "Dhcp2", "zeta")  # numerically
        created = self.n("dhcp1", "dhcp12", "Dhcp2", "other", "zeta")
        cases = [
            (dict(), by_name),
            (dict(sortBy="name"), by_name),
            (dict(sortBy="NAME", sortOrder="Ascending"), by_name),
            (dict(sortBy="name", sortOrder="Descending"), by_name[::-1]),
            (dict(sortOrder="Descending"), by_name[::-1]),
            (dict(sortBy="address"), by_address),
            (dict(sortBy="address", sortOrder="Descending"), by_address[::-1]),
            (dict(sortBy="ref"), created),
            (dict(sortBy="enabled"), self.n("Dhcp2", "dhcp1", "dhcp12", "other", "zeta")),
            (dict(sortBy="address", sortOrder="Descending", offset=1, limit=2), by_address[::-1][1:3]),
        ]
        for kw, expect in cases:
            with self.subTest(**kw):
                names, total = self.names(filter=s, **kw)
                self.assertEqual(names, expect)
                self.assertEqual(total, 5)

    def test_bad_filters_and_sorting(self):
        cases = [
            (dict(sortBy="bogus"), 'unknown sortBy "bogus"; sortable fields: name, address'),
            (dict(sortBy="stateMessage"), 'unknown sortBy "stateMessage"'),
            (dict(filter="name="), "at position 6"),
            (dict(filter="(name=x"), "at position 8"),
            (dict(filter="name=x and"), "at position 11"),
            (dict(filter="name=x or or"), 'unknown field "or"'),
            (dict(filter='name="x'), "at position 6"),
            (dict(filter="foo:x"), 'unknown field "foo"'),
            (dict(filter="foo=x"), 'unknown field "foo"'),
            (dict(filter="name:["), "filter: invalid regular expression"),
            (dict(filter="name=~("), "filter: invalid regular expression"),
            (dict(filter="enabled:maybe"), 'invalid boolean "maybe" for field "enabled"'),
            (dict(filter="enabled=^t"), 'operator "=^" does not apply to field "enabled"'),
            (dict(filter="ref:{#7-#1}"), 'reference "{#7-#1}" is not a DHCP server'),
            (dict(filter="ref=nosuch.%s.example." % TOKEN),
             'DHCP server "nosuch.%s.example." does not exist' % TOKEN),
            (dict(filter="ref:{#3-#x}"), 'invalid reference "{#3-#x}"'),
        ]
        for kw, text in cases:
            with self.subTest(**kw):
                self.client_fault(self.svc.GetDHCPServers, session=self.session, text=text, **kw)

    def test_empty_list_on_the_wire(self):
        """No match: an empty dhcpServers element (not nil), totalResults 0."""
        for version in (11, 12):
            with self.subTest(version=version):
                r = et.call(self.emu, "GetDHCPServers", self.session, version=version,
                            extra=[("filter", "name:^nothing-matches " + self.scope)])
                p = et.result_of(r, "GetDHCPServers")
                kids = [c.tag for c in p]
                self.assertEqual(kids, [et.q(et.NS_MM, "dhcpServers"), et.q(et.NS_MM, "totalResults")])
                arr = p.find(et.q(et.NS_MM, "dhcpServers"))
                self.assertEqual(len(arr), 0)
                self.assertIsNone(arr.get(et.q(et.NS_XSI, "nil")))
                self.assertEqual(p.find(et.q(et.NS_MM, "totalResults")).text, "0")
        servers, total = self.list(filter="name:^nothing-matches " + self.scope)
        self.assertEqual((servers, total), ([], 0))


class ChangeLogTest(ServersCase):
    """Every AddDHCPServer writes one change_log row in its transaction."""

    def setUp(self):
        et.need_local(self)

    def rows(self, object_id):
        return self.emu.sql("SELECT login, action, object_type, object_name, comment, "
                            "at <= now() FROM change_log WHERE object_type = 3 "
                            "AND object_id = :'v1' ORDER BY id", object_id)

    def count(self):
        return int(self.emu.sql("SELECT count(*) FROM change_log")[0][0])

    def test_rows(self):
        r1 = self.add("log1.c.%s.example" % TOKEN, "10.30.0.1", comment="first server \u2603")
        r2 = self.add("Log2.c.%s.example." % TOKEN, "10.30.0.2")
        self.assertEqual(self.rows(et.ref_id(r1)), [[et.USER, "add", "3", "log1.c.%s.example." % TOKEN,
                                                  "first server \u2603", "t"]])
        self.assertEqual(self.rows(et.ref_id(r2)), [[et.USER, "add", "3", "Log2.c.%s.example." % TOKEN,
                                                  "", "t"]])

    def test_nothing_logged_on_failure(self):
        self.add("log3.c.%s.example" % TOKEN, "10.30.0.3")
        before = self.count()
        self.client_fault(self.add, "LOG3.c.%s.example" % TOKEN, "10.30.0.4", comment="dup",
                          text="already exists")
        self.client_fault(self.add, "log4.c.%s.example" % TOKEN, "10.30.0.256", comment="bad",
                          text="invalid IPv4 address")
        self.assertEqual(self.count(), before)
        n = int(self.emu.sql("SELECT count(*) FROM change_log c WHERE object_type = 3 AND NOT EXISTS "
                             "(SELECT 1 FROM dhcp_servers s WHERE s.id = c.object_id)")[0][0])
        self.assertEqual(n, 0)


def set_state(emu, ref, state, message):
    emu.sql("UPDATE dhcp_servers SET state = :'v1', state_message = :'v2' WHERE id = :'v3'",
            state, message, et.ref_id(ref))


class StateMessageTest(ServersCase):
    """Profile 11 (the default) answers the 11.x stateMessage when there is one."""

    def setUp(self):
        et.need_local(self)

    def test_state_message(self):
        ref = self.add("state.s.%s.example" % TOKEN, "10.40.0.1")
        set_state(self.emu, ref, "Out of date", "dhcpd -t failed: line 3: semicolon expected")
        s = self.get(ref)
        self.assertEqual(s.state, "Out of date")
        self.assertEqual(s.stateMessage, "dhcpd -t failed: line 3: semicolon expected")
        servers, total = self.list(filter='state:"^out of date$" ref:%s' % ref)
        self.assertEqual(total, 1)
        servers, total = self.list(filter="state=^out and ref=%s" % ref)
        self.assertEqual(total, 1)
        self.assertEqual(servers[0].stateMessage, s.stateMessage)
        r = et.call(self.emu, "GetDHCPServer", self.session, extra=[("dhcpServerRef", ref)])
        tags = [c.tag.split("}")[1] for c in
                et.result_of(r, "GetDHCPServer").find(et.q(et.NS_MM, "dhcpServer"))]
        self.assertEqual(tags[-3:], ["state", "enabled", "stateMessage"])


class Profile2017Test(et.EmuTestCase):
    """--api-profile 2017: a WSDL without the 11.x extras, and answers
    without them, read by zeep built from that WSDL with strict parsing."""

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

    def test_no_state_message(self):
        svc = self.client.service
        t = self.client.get_type("{%s}DHCPServer" % et.NS_MM)
        self.assertNotIn("stateMessage", [name for name, _ in t.elements])
        r = svc.AddDHCPServer(session=self.session,
                              dhcpServer=dict(name="old.%s.example" % TOKEN, type="ISC",
                                              address="10.50.0.1"))
        set_state(self.emu, r.ref, "Unreachable", "connection refused")
        s = svc.GetDHCPServer(session=self.session, dhcpServerRef=r.ref)
        self.assertEqual(s.state, "Unreachable")
        self.assertFalse(hasattr(s, "stateMessage") and s.stateMessage)
        got = svc.GetDHCPServers(session=self.session, filter="ref:" + r.ref)
        self.assertEqual([x.name for x in got.dhcpServers.dhcpServer], ["old.%s.example." % TOKEN])
        raw = et.call(self.emu, "GetDHCPServers", self.session)
        et.result_of(raw, "GetDHCPServers")
        self.assertNotIn(b"stateMessage", raw.body)
        self.assertNotIn(b"connection refused", raw.body)
        self.emu.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
