#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""RemoveObject and RemoveObjects.

Through the real zeep client with strict parsing.  Each test builds a
server, ranges, scopes and pools of its own (a random first octet per
test), so the suite can run again against the same server (MICETRO_URL);
the change-log checks need a server started here.
"""

import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import zeep  # noqa: E402
import zeep.exceptions  # noqa: E402

OCTETS = iter(random.sample(range(20, 224), 40))


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    et.module_emu_stop(EMU)



class RemoveTest(et.ZeepCase):

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)

    def setUp(self):
        """A server with two scopes (ranges n1, n2), two pools in scope 1
        and one in scope 2."""
        svc, s = self.svc, self.session
        self.o = o = next(OCTETS)
        self.sname = "r%d.remove.example." % o
        self.srv = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name=self.sname, type="ISC", address="10.0.0.1")).ref
        self.n1, self.n2 = "%d.0.0.0/24" % o, "%d.1.0.0/24" % o
        self.rng1 = svc.AddRange(session=s, range=dict(name=self.n1))
        self.rng2 = svc.AddRange(session=s, range=dict(name=self.n2))
        self.sc1 = svc.AddDHCPScope(session=s, dhcpScope=dict(
            name="sc1-%d" % o, rangeRef=self.rng1, dhcpServerRef=self.srv))
        self.sc2 = svc.AddDHCPScope(session=s, dhcpScope=dict(
            name="sc2-%d" % o, rangeRef=self.rng2, dhcpServerRef=self.srv))
        self.pools = [self.pool(self.sc1, 0, 10, 19, name="pa-%d" % o),
                      self.pool(self.sc1, 0, 30, 39),
                      self.pool(self.sc2, 1, 10, 19)]

    def pool(self, scope, net, a, b, **kw):
        p = dict(dhcpScopeRef=scope, to="%d.%d.0.%d" % (self.o, net, b), **kw)
        p["from"] = "%d.%d.0.%d" % (self.o, net, a)
        return self.svc.AddDHCPAddressPool(session=self.session, dhcpAddressPool=p)

    def remove(self, ref, **kw):
        return self.svc.RemoveObject(session=self.session, ref=ref, **kw)

    def remove_many(self, refs, **kw):
        r = self.svc.RemoveObjects(session=self.session, objRefs=dict(ref=refs), **kw)
        # zeep unwraps errors (ArrayOfObjectError) to its list of objectError
        return list(r) if r is not None else []

    def exists(self, op, field, ref):
        try:
            getattr(self.svc, op)(session=self.session, **{field: ref})
            return True
        except zeep.exceptions.Fault as f:
            self.assertIn("does not exist", f.message)
            return False

    def pool_exists(self, ref):
        return self.exists("GetDHCPAddressPool", "dhcpAddressPoolRef", ref)

    def scope_exists(self, ref):
        return self.exists("GetDHCPScope", "dhcpScopeRef", ref)

    def pools_total(self):
        return self.svc.GetDHCPAddressPools(session=self.session, limit=1).totalResults

    def mine(self):
        """(pools, scopes) of this test's server still there."""
        return (sum(self.pool_exists(p) for p in self.pools),
                sum(self.scope_exists(sc) for sc in (self.sc1, self.sc2)))


    def test_remove_pool(self):
        before = self.pools_total()
        self.assertIsNone(self.remove(self.pools[1]))
        self.assertFalse(self.pool_exists(self.pools[1]))
        self.assertEqual(self.pools_total(), before - 1)
        self.assertEqual(self.mine(), (2, 2))

    def test_scope_with_pools_needs_force(self):
        before = self.pools_total()
        self.client_fault(self.remove, self.sc1,
                          text=("sc1-%d" % self.o, "still has 2 address pools", "forceRemoval"))
        self.client_fault(self.remove, self.sc1, forceRemoval=False, text=("still has",))
        self.assertEqual(self.mine(), (3, 2))
        self.assertEqual(self.pools_total(), before)
        self.remove(self.sc1, forceRemoval=True)
        self.assertFalse(self.scope_exists(self.sc1))
        self.assertEqual(self.mine(), (1, 1))
        self.assertEqual(self.pools_total(), before - 2)

    def test_range_with_scope_needs_force(self):
        before = self.pools_total()
        self.client_fault(self.remove, self.rng1, text=("range", "still has 1 DHCP scope:"))
        self.assertEqual(self.mine(), (3, 2))
        self.remove(self.rng1, forceRemoval=True)
        self.assertFalse(self.exists("GetRange", "rangeRef", self.rng1))
        self.assertEqual(self.mine(), (1, 1))
        self.assertEqual(self.pools_total(), before - 2)

    def test_server_with_scopes_needs_force(self):
        before = self.pools_total()
        self.client_fault(self.remove, self.srv, text=(self.sname, "still has 2 DHCP scopes"))
        self.assertEqual(self.mine(), (3, 2))
        self.remove(self.srv, forceRemoval=True)
        self.assertFalse(self.exists("GetDHCPServer", "dhcpServerRef", self.srv))
        self.assertEqual(self.mine(), (0, 0))
        self.assertEqual(self.pools_total(), before - 3)
        # the ranges stay
        self.assertTrue(self.exists("GetRange", "rangeRef", self.rng1))

    def test_empty_objects_need_no_force(self):
        for p in self.pools:
            self.remove(p)
        self.remove(self.sc1)
        self.remove(self.rng1)
        self.remove(self.sc2, objType="DHCPScope")
        self.remove(self.srv)
        self.assertEqual(self.mine(), (0, 0))

    def test_every_ref_form(self):
        self.remove("dhcpAddressPools/%d" % et.ref_id(self.pools[1]))
        self.remove("pa-%d" % self.o)  # a pool's name, alone
        self.remove(self.sname + ":" + self.n2, objType="DHCPScope", forceRemoval=True)
        self.remove("DHCPScopes/%d" % et.ref_id(self.sc1))
        self.remove(self.n2, objType="Range")
        self.remove(self.n1)  # a CIDR, no scope of that name left
        self.remove(self.sname.rstrip(".").upper())
        self.assertEqual(self.mine(), (0, 0))
        self.assertFalse(self.exists("GetRange", "rangeRef", self.rng1))
        self.assertFalse(self.exists("GetDHCPServer", "dhcpServerRef", self.srv))

    def test_ambiguous_name_needs_objtype(self):
        # scope named like its range: the CIDR names both
        sc = self.svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name=self.n1, rangeRef=self.rng1,
            dhcpServerRef=self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
                name="x" + self.sname, type="ISC", address="10.0.0.2")).ref))
        self.client_fault(self.remove, self.n1, text=(self.n1, "objType"))
        self.remove(self.n1, objType="DHCPScope")
        self.assertFalse(self.scope_exists(sc))

    def test_unknown_ref_faults(self):
        for ref, text in (("{#10-#999999999}", "does not exist"),
                          ("dhcpScopes/999999999", "does not exist"),
                          ("no-such-object-%d" % self.o, "does not exist"),
                          ("{#10-#x}", "invalid reference"),
                          ("{#4-#1}", "cannot be removed")):
            with self.subTest(ref=ref):
                self.client_fault(self.remove, ref, text=(ref, text))
        self.client_fault(self.remove, "zone.example.", objType="DNSZone", text=("DNSZone",))
        self.assertEqual(self.mine(), (3, 2))

    def test_objtype_mismatch_faults(self):
        self.client_fault(self.remove, self.sc1, objType="Range",
                          text=(self.sc1, "is not a range"))
        self.client_fault(self.remove, "pa-%d" % self.o, objType="DHCPScope",
                          text=("does not exist",))
        self.assertEqual(self.mine(), (3, 2))

    def test_remove_objects_mixed(self):
        bad = ["{#10-#999999999}", self.sc2, "{#7-#x}"]
        good = [self.pools[0], "dhcpAddressPools/%d" % et.ref_id(self.pools[1]), self.sc1]
        errs = self.remove_many([good[0], bad[0], good[1], bad[1], good[2], bad[2]])
        self.assertEqual([e.ref for e in errs], bad)
        self.assertIn("does not exist", errs[0].error)
        self.assertIn("still has 1 address pool:", errs[1].error)
        self.assertIn("invalid reference", errs[2].error)
        self.assertEqual(self.mine(), (1, 1))
        self.assertTrue(self.scope_exists(self.sc2))
        self.assertEqual(self.remove_many([self.sc2, self.rng2], forceRemoval=True), [])
        self.assertEqual(self.mine(), (0, 0))

    def test_remove_objects_empty_and_faults(self):
        self.assertEqual(self.remove_many([]), [])
        with self.assertRaises(zeep.exceptions.Fault):
            self.svc.RemoveObjects(session="nonsense", objRefs=dict(ref=[self.pools[0]]))
        self.client_fault(self.remove_many, [self.pools[0]], objType="DNSZone")
        self.assertEqual(self.mine(), (3, 2))

    def test_change_log(self):
        et.need_local(self)
        self.remove(self.srv, forceRemoval=True, saveComment="gone %d" % self.o)
        ids = [et.ref_id(r) for r in [self.srv, self.sc1, self.sc2] + self.pools]
        rows = self.emu.sql(
            "SELECT object_type, object_id, object_name, login, comment FROM change_log "
            "WHERE action = 'remove' AND comment = :'v1' ORDER BY id", "gone %d" % self.o)
        self.assertEqual(sorted(int(r[1]) for r in rows), sorted(ids))
        self.assertEqual(rows[-1][:3], ["3", str(et.ref_id(self.srv)), self.sname])
        self.assertEqual({r[3] for r in rows}, {et.USER})
        self.assertEqual(sorted(int(r[0]) for r in rows), [3, 7, 7, 10, 10, 10])
        names = {r[2] for r in rows if r[0] == "10"}
        self.assertIn("pa-%d" % self.o, names)
        self.assertIn("%d.0.0.30-%d.0.0.39" % (self.o, self.o), names)


if __name__ == "__main__":
    unittest.main()
