#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A client generated from a 2017-era WSDL, not from the one the server
serves, runs the whole failover lifecycle against --api-profile 2017.

The client's WSDL is a file kept with the "script", as real scripts keep
theirs: wsdl/micetro.wsdl with every 11.x extra (emu:profile="11")
removed, which tests/wsdl/check_wsdl.py holds to exactly the shapes of
Micetro's 2017 WSDL.  zeep parses strictly, so one undeclared element in
an answer fails the call: the same client against the default 11 profile
does fail on the first relationship it reads (checked too, so the test
shows that it can fail).
"""

import os
import random
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import lxml.etree  # noqa: E402
import zeep  # noqa: E402
import zeep.exceptions  # noqa: E402

PROFILE_NS = "urn:micetro-emu:profile"
BINDING = "{%s}ServiceSoap" % et.NS_MM


def wsdl_2017(path):
    """Writes the 2017-shaped WSDL to path."""
    tree = lxml.etree.parse(os.path.join(et.REPO, "wsdl", "micetro.wsdl"))
    removed = 0
    doomed = []
    for parent in tree.iter():
        for child in parent:
            if child.get("{%s}profile" % PROFILE_NS) == "11":
                doomed.append(child)
    for child in doomed:
        child.getparent().remove(child)
        removed += 1
    if removed == 0:
        raise AssertionError("no 11.x extras found in wsdl/micetro.wsdl")
    tree.write(path, xml_declaration=True, encoding="utf-8")


class Client2017:
    """The stored-WSDL client, pointed at emu."""

    def __init__(self, wsdl, emu):
        client = zeep.Client(wsdl, settings=zeep.Settings(strict=True))
        self.svc = client.create_service(BINDING, emu.url)
        self.session = self.svc.Login(server="localhost", loginName=et.USER,
                                      password=et.PASSWORD)

    def close(self):
        self.svc.Logout(session=self.session)


def refs(rel):
    return list(rel.dhcpScopeRefs.ref) if rel.dhcpScopeRefs is not None else []


class Lifecycle2017Test(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        et.need_local(cls)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.wsdl = os.path.join(cls.tmp.name, "micetro-2017.wsdl")
        wsdl_2017(cls.wsdl)
        cls.emu = et.Emu(["--api-profile", "2017"])

    @classmethod
    def tearDownClass(cls):
        et.module_emu_stop(cls.emu)
        cls.tmp.cleanup()

    def lifecycle(self, c, tag):
        svc, s = c.svc, c.session
        o = random.randrange(1, 250)
        s1 = "%sp%d.fo2017.example." % (tag, o)
        s2 = "%ss%d.fo2017.example." % (tag, o)
        r1 = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name=s1, type="ISC", address="10.%d.1.1" % o)).ref
        r2 = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name=s2, type="ISC", address="10.%d.1.2" % o)).ref
        cidr = "192.168.%d.0/24" % o
        rng = svc.AddRange(session=s, range=dict(name=cidr))
        sc = svc.AddDHCPScope(session=s, dhcpScope=dict(name=cidr, rangeRef=rng,
                                                      dhcpServerRef=r1))
        pool = dict(dhcpScopeRef=sc, to="192.168.%d.200" % o)
        pool["from"] = "192.168.%d.100" % o
        svc.AddDHCPAddressPool(session=s, dhcpAddressPool=pool)
        rel = dict(name="fo2017", primaryServer=s1, secondaryServer=s2,
                   failoverMode="LoadBalance", failoverServerType="PrimaryServer",
                   mclt=3600, safePeriod=0, dhcpScopeRefs=dict(ref=[]), percentage=50)
        svc.AddDHCPFailoverRelationship(session=s, dhcpFailoverRelationship=rel)
        got = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=r1,
                                              dhcpFailoverRelationshipName="fo2017")
        self.assertEqual((got.name, got.failoverServerType, got.mclt, refs(got)),
                         ("fo2017", "PrimaryServer", 3600, []))
        svc.AddDHCPScopesToDHCPFailoverRelationship(
            session=s, dhcpServerRef=r1, dhcpFailoverRelationshipName="fo2017",
            dhcpScopeRefs=dict(ref=[sc]))
        seen = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=r2,
                                               dhcpFailoverRelationshipName="fo2017")
        self.assertEqual(seen.failoverServerType, "SecondaryServer")
        self.assertEqual(len(refs(seen)), 1)
        pools = svc.GetDHCPAddressPools(session=s, dhcpScopeRef=refs(seen)[0])
        self.assertEqual([(p.failoverRelationship, p.failoverPeer)
                          for p in pools.dhcpAddressPools.dhcpAddressPool], [("fo2017", s1)])
        scope = svc.GetDHCPScope(session=s, dhcpScopeRef=sc)
        self.assertEqual(scope.name, cidr)
        self.assertEqual([r.name for r in svc.GetDHCPFailoverRelationships(
            session=s, dhcpServerRef=r2)], ["fo2017"])
        got.mclt = 1800
        svc.ModifyDHCPFailoverRelationship(session=s, dhcpFailoverRelationship=got)
        self.assertEqual(svc.GetDHCPFailoverRelationship(
            session=s, dhcpServerRef=r1, dhcpFailoverRelationshipName="fo2017").mclt, 1800)
        svc.RemoveDHCPScopesFromDHCPFailoverRelationship(
            session=s, dhcpServerRef=r1, dhcpFailoverRelationshipName="fo2017",
            dhcpScopeRefs=dict(ref=[sc]), dhcpFailoverRelationshipDeconfigureAction="Delete")
        self.assertEqual(refs(svc.GetDHCPFailoverRelationship(
            session=s, dhcpServerRef=r1, dhcpFailoverRelationshipName="fo2017")), [])
        svc.RemoveDHCPFailoverRelationships(
            session=s, dhcpRefAndFailoverRelationshipNames=dict(
                dhcpRefAndFailoverRelationshipName=[dict(
                    dhcpServerRef=r1, dhcpFailoverRelationshipName="fo2017")]))
        self.assertEqual(svc.GetDHCPFailoverRelationships(session=s, dhcpServerRef=r1), None)

    def test_2017_client_runs_the_lifecycle(self):
        c = Client2017(self.wsdl, self.emu)
        try:
            self.lifecycle(c, "a")
        finally:
            c.close()

    def test_2017_client_breaks_on_the_11_profile(self):
        emu11 = et.Emu()
        try:
            c = Client2017(self.wsdl, emu11)
            with self.assertRaises(zeep.exceptions.XMLParseError) as cm:
                self.lifecycle(c, "b")
            self.assertIn("port", str(cm.exception))
            c.close()
        finally:
            et.module_emu_stop(emu11)  # stops it, checks its exit, removes its data


if __name__ == "__main__":
    unittest.main()
