#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Importing what a DHCP server already runs, and its drift
(docs/control.md, "Importing a server's file"; docs/api.md).

With simulated servers (every server simulated: no agent secret): files
given through PUT /_emu/servers/NAME/config before AddDHCPServer (or
after it, then imported through POST .../import) are imported with
their options, classes and hosts; a pair already in failover becomes a
relationship with its scope on both servers, and nothing is pushed over
the files; a one-sided or disagreeing peer is reported with its reason;
a scope whose pools name two peers joins the first pool's; a file that
is not dhcpd.conf leaves the import Failed with file:line and the server
Out of date; removing a scope keeps every unmanaged statement in the
file pushed; a hand edit shows as drift, and re-import or skip
(overwrite) ends it.  Bad requests are refused with nothing changed.
"""

import hashlib
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_simulated as ts  # noqa: E402
from test_simulated import SimCase, control  # noqa: E402

# how long the worker may take to import a server added (it polls)
WAIT_S = 20

GLOBALS = """# written by hand, long before micetro-emu
option domain-name "imp.example.org";
default-lease-time 600;
class "phones" {
  match if substring (option vendor-class-identifier, 0, 5) = "phone";
}
host printer {
  hardware ethernet 00:11:22:33:44:55;
  fixed-address 10.%(o)d.1.5;
}
"""

PEER = """failover peer "%(name)s" {
  %(role)s;
  address %(me)s;
  port 647;
  peer address %(them)s;
  peer port 647;
  max-response-delay %(mrd)d;
  max-unacked-updates 10;
%(primary)s  load balance max seconds 3;
}
"""

SUBNET = """subnet 10.%(o)d.%(n)d.0 netmask 255.255.255.0 {
  option routers 10.%(o)d.%(n)d.1;
  pool {
%(peer)s    range 10.%(o)d.%(n)d.100 10.%(o)d.%(n)d.199;
  }
}
"""


def peer(name, role, me, them, mrd=60):
    return PEER % dict(name=name, role=role, me=me, them=them, mrd=mrd,
                       primary="  mclt 3600;\n  split 128;\n" if role == "primary" else "")


def subnet(o, n, peer_name=None):
    return SUBNET % dict(o=o, n=n, peer='    failover peer "%s";\n' % peer_name
                         if peer_name else "")


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def setUpModule():
    """test_simulated's emulator: every server simulated (no agent secret)."""
    global EMU
    ts.setUpModule()
    EMU = ts.EMU


def tearDownModule():
    ts.tearDownModule()


class Import(SimCase):

    @classmethod
    def setUpClass(cls):
        cls.emu = EMU
        super().setUpClass()

    def put(self, name, text):
        return control(self.emu, "PUT", "/_emu/servers/%s/config" % name, text.encode())

    def imported(self, name, state="Applied"):
        """The import of name once it is state."""
        def done():
            status, j = control(self.emu, "GET", "/_emu/servers/%s/import" % name)
            self.assertEqual(status, 200, j)
            return j if j["state"] == state else None
        return self.wait("%s %s" % (name, state), done, WAIT_S)

    def jobs(self, *names):
        return int(self.emu.sql(
            "SELECT count(*) FROM config_jobs j JOIN dhcp_servers s ON s.id = j.server_id "
            "WHERE s.name = ANY(string_to_array(:'v1', ','))", ",".join(names))[0][0])

    def statements(self, name, text):
        """Whether server name's global unmanaged statements hold text."""
        return self.emu.sql("SELECT strpos(unmanaged_statements, :'v2') > 0 FROM dhcp_servers "
                            "WHERE name = :'v1'", name, text) == [["t"]]

    def sync(self, ref, how):
        self.svc.SetProperties(session=self.session, objType="DHCPServer", ref=ref,
                               properties=dict(property=[dict(name="configurationSync",
                                                              value=how)]))

    def scopes_of(self, ref):
        r = self.svc.GetDHCPScopes(session=self.session, filter="dhcpServerRef:%s" % ref)
        return list(r.dhcpScopes.dhcpScope) if r.dhcpScopes is not None else []

    def pair_files(self, o, name, mrd_b=60):
        a, b = "10.%d.0.2" % o, "10.%d.0.3" % o
        fa = GLOBALS % dict(o=o) + peer(name, "primary", a, b) + subnet(o, 1, name) + subnet(o, 2)
        fb = GLOBALS % dict(o=o) + peer(name, "secondary", b, a, mrd_b) + subnet(o, 1, name)
        return a, b, fa, fb

    def test_pair_in_failover_imported_nothing_pushed(self):
        an, bn = "a61.imp.example.", "b61.imp.example."
        a, b, fa, fb = self.pair_files(61, "imp-61")
        # before AddDHCPServer: the files wait for their servers
        for n, f in ((an, fa), (bn, fb)):
            status, j = self.put(n, f)
            self.assertEqual(status, 202, j)
            self.assertTrue(j["waiting"])
        ar, br = self.server(an, a), self.server(bn, b)
        ja, jb = self.imported(an), self.imported(bn)
        self.assertEqual(ja["baselineHash"], sha(fa))
        self.assertEqual(jb["baselineHash"], sha(fb))
        self.assertEqual(jb["reportedPeers"], [])
        rel = self.fo(ar, "imp-61")
        self.assertEqual((rel.mclt, rel.percentage, rel.maxResponseDelay), (3600, 50, 60))
        self.assertEqual(len(list(rel.dhcpScopeRefs.ref)), 1)
        self.assertEqual(self.emu.sql(  # both instances of the scope
            "SELECT count(*) FROM dhcp_scopes s JOIN dhcp_failover f ON f.id = s.failover_id "
            "WHERE f.name = 'imp-61'"), [["2"]])
        self.wait("imp-61 Normal", lambda: self.fo(br, "imp-61").state == "Normal")
        # scopes: 2 on a (one in the relationship), 1 on b
        self.assertEqual(len(self.scopes_of(ar)), 2)
        self.assertEqual(len(self.scopes_of(br)), 1)
        # nothing pushed: the kept files are the hand-written ones, no job
        time.sleep(1.0)
        self.assertEqual(self.config(an)["hash"], sha(fa))
        self.assertEqual(self.config(bn)["hash"], sha(fb))
        self.assertEqual(self.jobs(an, bn), 0)
        props = self.props(ar)
        self.assertEqual(self.statements(an, 'class "phones" {'), True)
        self.assertTrue(props)
        # remove the scope outside the relationship: the file pushed keeps
        # every unmanaged statement
        other = [s for s in self.scopes_of(ar) if s.name == "10.61.2.0/24"][0]
        self.svc.RemoveObject(session=self.session, ref=other.ref, forceRemoval=True)
        self.wait("a pushed", lambda: self.config(an)["hash"] != sha(fa))
        text = self.config(an)["config"]
        for kept in ('option domain-name "imp.example.org";', 'class "phones" {',
                     "host printer {", "fixed-address 10.61.1.5;", "option routers 10.61.1.1;",
                     'failover peer "imp-61";', "range 10.61.1.100 10.61.1.199;"):
            self.assertIn(kept, text)
        self.assertNotIn("10.61.2.", text)

    def test_one_sided_and_disagreeing_peers_reported(self):
        cn = "c62.imp.example."
        c = "10.62.0.2"
        f = GLOBALS % dict(o=62) + peer("lonely", "primary", c, "10.62.0.9") + subnet(62, 1, "lonely")
        self.assertEqual(self.put(cn, f)[0], 202)
        cr = self.server(cn, c)
        j = self.imported(cn)
        why = 'failover peer "lonely" is declared on %s only' % cn
        self.assertEqual(j["reportedPeers"], [dict(name="lonely", reason=why)])
        # the calls list it in state Error with the reason
        rel = self.fo(cr, "lonely")
        self.assertEqual((rel.name, rel.state, rel.stateMessage, rel.primaryServer),
                         ("lonely", "Error", why, cn))
        listed = self.svc.GetDHCPFailoverRelationships(session=self.session, dhcpServerRef=cr)
        self.assertEqual([(r.name, r.state) for r in listed], [("lonely", "Error")])
        # disagreeing: max-response-delay 60 against 30
        dn, en = "d63.imp.example.", "e63.imp.example."
        d, e_, fd, fe = self.pair_files(63, "imp-63", mrd_b=30)
        self.put(dn, fd)
        self.put(en, fe)
        self.server(dn, d)
        self.imported(dn)
        self.enr = self.server(en, e_)
        je = self.imported(en)
        self.assertEqual(len(je["reportedPeers"]), 1, je)
        self.assertIn("max-response-delay", je["reportedPeers"][0]["reason"])
        self.assertEqual(self.emu.sql(
            "SELECT count(*) FROM dhcp_failover WHERE name = 'imp-63'"), [["0"]])
        rel = self.fo(self.enr, "imp-63")
        self.assertEqual(rel.state, "Error")
        self.assertIn("max-response-delay", rel.stateMessage)
        # both sides say why
        _, jd = control(self.emu, "GET", "/_emu/servers/%s/import" % dn)
        self.assertIn("max-response-delay", jd["reportedPeers"][0]["reason"])

    def test_mixed_peer_scope_takes_first_pools_peer(self):
        fn_, gn = "f64.imp.example.", "g64.imp.example."
        f, g = "10.64.0.2", "10.64.0.3"
        mixed = ('subnet 10.64.1.0 netmask 255.255.255.0 {\n'
                 '  pool {\n    failover peer "x64";\n    range 10.64.1.10 10.64.1.19;\n  }\n'
                 '  pool {\n    failover peer "y64";\n    range 10.64.1.20 10.64.1.29;\n  }\n}\n')
        ff = (peer("x64", "primary", f, g) + peer("y64", "primary", f, g)
              + mixed + subnet(64, 2, "y64"))
        fg = (peer("x64", "secondary", g, f) + peer("y64", "secondary", g, f)
              + mixed.replace("10.64.1.", "10.64.1.") + subnet(64, 2, "y64"))
        self.put(fn_, ff)
        self.put(gn, fg)
        fr = self.server(fn_, f)
        self.imported(fn_)
        self.server(gn, g)
        self.imported(gn)
        rows = self.emu.sql(
            "SELECT r.name, f.name FROM dhcp_scopes s JOIN ranges r ON r.id = s.range_id "
            "JOIN dhcp_failover f ON f.id = s.failover_id JOIN dhcp_servers v ON "
            "v.id = s.server_id WHERE v.name = :'v1' ORDER BY r.cidr", fn_)
        self.assertEqual(rows, [["10.64.1.0/24", "x64"], ["10.64.2.0/24", "y64"]])
        self.assertEqual(self.fo(fr, "x64").name, "x64")

    def test_shared_network_kept_as_superscope(self):
        """A shared-network's subnets are scopes of that superscope, and the
        file pushed after a change through SOAP keeps them in one
        shared-network block; a superscope dhcpd.conf cannot quote is
        refused by the API, changing nothing."""
        sn = "s66.imp.example."
        shared = ('shared-network "floor 3" {\n'
                  '  subnet 10.66.1.0 netmask 255.255.255.0 {\n'
                  '    range 10.66.1.10 10.66.1.19;\n  }\n'
                  '  subnet 10.66.2.0 netmask 255.255.255.0 {\n'
                  '    option routers 10.66.2.1;\n  }\n}\n')
        self.put(sn, shared)
        ref = self.server(sn, "10.66.0.2")
        self.imported(sn)
        scopes = self.scopes_of(ref)
        self.assertEqual(sorted((x.name, x.superscope) for x in scopes),
                         [("10.66.1.0/24", "floor 3"), ("10.66.2.0/24", "floor 3")])
        second = [x.ref for x in scopes if x.name == "10.66.2.0/24"][0]
        pool = {"dhcpScopeRef": second, "from": "10.66.2.10", "to": "10.66.2.19"}
        self.svc.AddDHCPAddressPool(session=self.session, dhcpAddressPool=pool)

        def pushed():
            status, j = control(self.emu, "GET", "/_emu/servers/%s/config" % sn)
            return j["config"] if status == 200 and "10.66.2.10" in j["config"] else None
        text = self.wait("the pool pushed", pushed, WAIT_S)
        block = text[text.index('shared-network "floor 3" {'):]
        self.assertLess(block.index("subnet 10.66.1.0 netmask"),
                        block.index("subnet 10.66.2.0 netmask"))
        self.assertEqual(text.count("shared-network"), 1, text)
        before = self.emu.sql("SELECT id, superscope FROM dhcp_scopes ORDER BY id")
        for bad in ('a"b', "x{y", " lead"):
            with self.subTest(superscope=bad):
                self.client_fault(self.svc.SetProperties, text="superscope", session=self.session,
                                  ref=second, properties=dict(property=[
                                      dict(name="superscope", value=bad)]))
        self.assertEqual(self.emu.sql("SELECT id, superscope FROM dhcp_scopes ORDER BY id"),
                         before)

    def test_parse_error_fails_with_line_and_nothing_pushed(self):
        hn = "h65.imp.example."
        bad = "option domain-name \"x\";\nsubnet 10.65.1.0 netmask 255.255.255.0 {\n  range 10.65.1.5;\n"
        self.put(hn, bad)
        ref = self.server(hn, "10.65.0.2")
        j = self.imported(hn, "Failed")
        self.assertRegex(j["message"], r"dhcpd\.conf:\d+")
        s = self.srv(ref)
        self.assertEqual(s.state, "Out of date")
        self.assertIn("dhcpd.conf:", s.stateMessage or "")
        # a change made meanwhile is not pushed over the file
        rng = self.svc.AddRange(session=self.session, range=dict(name="10.65.9.0/24"))
        self.svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name="s65", rangeRef=rng, dhcpServerRef=ref))
        time.sleep(1.0)
        self.assertEqual(self.config(hn)["hash"], sha(bad))
        # skipped: the emulator's file goes over it
        status, j = control(self.emu, "POST", "/_emu/servers/%s/import?skip=true" % hn)
        self.assertEqual((status, j["state"]), (200, "Skipped"))
        self.wait("h65 pushed", lambda: self.config(hn)["hash"] != sha(bad))
        self.assertIn("subnet 10.65.9.0 netmask 255.255.255.0", self.config(hn)["config"])

    def test_drift_then_reimport_and_overwrite(self):
        kn = "k66.imp.example."
        base = GLOBALS % dict(o=66) + subnet(66, 1)
        self.put(kn, base)
        ref = self.server(kn, "10.66.0.2")
        self.imported(kn)
        status, d = control(self.emu, "GET", "/_emu/servers/%s/drift" % kn)
        self.assertEqual((status, d["drifted"]), (200, False), d)
        edited = base.replace("default-lease-time 600;", "default-lease-time 900;")
        self.assertEqual(self.put(kn, edited)[0], 200)
        self.wait("k66 Out of date", lambda: self.srv(ref).state == "Out of date")
        self.assertIn("differs", self.srv(ref).stateMessage)
        status, d = control(self.emu, "GET", "/_emu/servers/%s/drift" % kn)
        self.assertTrue(d["drifted"])
        self.assertIn("-default-lease-time 600;\n+default-lease-time 900;\n", d["difference"])
        # re-import: the edit becomes the model
        status, j = control(self.emu, "POST", "/_emu/servers/%s/import" % kn)
        self.assertEqual((status, j["state"], j["scopes"]), (200, "Applied", 1), j)
        self.assertEqual(self.statements(kn, "default-lease-time 900;"), True)
        self.assertFalse(control(self.emu, "GET", "/_emu/servers/%s/drift" % kn)[1]["drifted"])
        self.assertEqual(self.srv(ref).state, "OK")
        # another edit, imported through SetProperties
        self.put(kn, edited.replace("900", "1200"))
        self.wait("k66 drifted", lambda: self.srv(ref).state == "Out of date")
        self.sync(ref, "import")
        self.wait("k66 re-imported", lambda: self.statements(kn, "default-lease-time 1200;"))
        # another edit, overwritten: the emulator's file goes over it
        self.put(kn, edited + "# more by hand\n")
        self.wait("k66 drifted again", lambda: self.srv(ref).state == "Out of date")
        with self.assertRaises(ts.zeep.exceptions.Fault) as f:
            self.sync(ref, "sometimes")
        self.assertIn("import, overwrite or skip", f.exception.message)
        self.sync(ref, "overwrite")
        self.wait("k66 overwritten", lambda: "# more by hand" not in self.config(kn)["config"])
        self.assertIn("default-lease-time 1200;", self.config(kn)["config"])
        self.wait("k66 OK", lambda: self.srv(ref).state == "OK")
        self.assertFalse(control(self.emu, "GET", "/_emu/servers/%s/drift" % kn)[1]["drifted"])

    def test_bad_requests_change_nothing(self):
        status, j = self.put("nul.imp.example.", "a\0b")
        self.assertEqual(status, 400, j)
        self.assertIn("NUL", j["error"])
        status, j = control(self.emu, "POST", "/_emu/servers/nobody.imp.example./import")
        self.assertEqual(status, 404, j)
        status, j = control(self.emu, "GET", "/_emu/servers/nobody.imp.example./drift")
        self.assertEqual(status, 404, j)
        status, j = self.put("bad_name.imp.example.", "x;")
        self.assertEqual(status, 400, j)
        status, j = control(self.emu, "POST", "/_emu/servers/x.imp.example./import?skip=maybe")
        self.assertEqual(status, 400, j)
        status, j = control(self.emu, "DELETE", "/_emu/servers/x.imp.example./import")
        self.assertEqual(status, 405, j)
        self.assertEqual(self.emu.sql("SELECT count(*) FROM sim_waiting_configs "
                                      "WHERE name_key LIKE '%imp.example'"), [["0"]])


if __name__ == "__main__":
    unittest.main()
