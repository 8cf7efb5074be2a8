#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The DHCP failover commands, through zeep with strict parsing.

A full lifecycle (Add, AddScopes, Get from either server, Modify,
RemoveScopes with each deconfigure action, Remove), every rule with the
fault it gives and a check that nothing changed, the race of two calls
adding one scope to two relationships (50 rounds), AddDHCPScope with a
relationship, pools mirrored to the partner, RemoveObject of one
instance, ReplicateDHCPFailover, both spellings of the Remove array, and
the configuration outbox.  Each class works with servers and ranges of
its own (random octets), so the suite can run again against the same
server (MICETRO_URL); checks that read the database need a server started
here.
"""

import os
import random
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import zeep.exceptions  # noqa: E402

OCTETS = iter(random.sample(range(1, 255), 150))
RACE_ROUNDS = int(os.environ.get("MICETRO_FAILOVER_RACE_ROUNDS", "50"))
SCOPE_REF_RE = r"\A\{#7-#[1-9][0-9]*\}\Z"


def refs(rel):
    """The dhcpScopeRefs of a relationship as a list (zeep gives None for
    an empty array)."""
    return list(rel.dhcpScopeRefs.ref) if rel.dhcpScopeRefs is not None else []


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    et.module_emu_stop(EMU)


class FailoverCase(et.ZeepCase):
    """Helpers: servers with distinct addresses, a scope with a pool, and
    the relationship calls with the 2017 fields every client sends."""

    fault_needs_code = True

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)

    def server(self, tag):
        o = next(OCTETS)
        name = "%s%d.fo.example." % (tag, o)
        ref = self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            name=name, type="ISC", address="10.%d.%d.1" % (o, random.randrange(256)))).ref
        return name, ref

    def scope(self, server_ref, pools=((10, 100),)):
        """A fresh /24 range, its scope on server_ref and pools in it;
        returns (cidr, range ref, scope ref)."""
        cidr = "172.%d.%d.0/24" % (random.randrange(16, 32), random.randrange(256))
        while True:
            try:
                rng = self.svc.AddRange(session=self.session, range=dict(name=cidr))
                break
            except zeep.exceptions.Fault:
                cidr = "172.%d.%d.0/24" % (random.randrange(16, 32), random.randrange(256))
        sc = self.svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name=cidr, rangeRef=rng, dhcpServerRef=server_ref))
        base = cidr.rsplit(".", 1)[0]
        for frm, to in pools:
            p = dict(dhcpScopeRef=sc, to="%s.%d" % (base, to))
            p["from"] = "%s.%d" % (base, frm)
            self.svc.AddDHCPAddressPool(session=self.session, dhcpAddressPool=p)
        return cidr, rng, sc

    def rel(self, name, primary, secondary, scopes=None, **kw):
        r = dict(name=name, primaryServer=primary, secondaryServer=secondary,
                 failoverMode="LoadBalance", failoverServerType="PrimaryServer",
                 mclt=3600, safePeriod=0, dhcpScopeRefs=dict(ref=scopes or []),
                 percentage=50)
        r.update(kw)
        return r

    def add(self, name, primary, secondary, comment=None, **kw):
        return self.svc.AddDHCPFailoverRelationship(
            session=self.session, dhcpFailoverRelationship=self.rel(name, primary, secondary, **kw),
            saveComment=comment)

    def get(self, server, name):
        return self.svc.GetDHCPFailoverRelationship(
            session=self.session, dhcpServerRef=server, dhcpFailoverRelationshipName=name)

    def list(self, server=None):
        r = self.svc.GetDHCPFailoverRelationships(session=self.session, dhcpServerRef=server)
        return list(r) if r is not None else []

    def add_scopes(self, server, name, refs, comment=None):
        return self.svc.AddDHCPScopesToDHCPFailoverRelationship(
            session=self.session, dhcpServerRef=server, dhcpFailoverRelationshipName=name,
            dhcpScopeRefs=dict(ref=refs), saveComment=comment)

    def remove_scopes(self, server, name, refs, action=None):
        return self.svc.RemoveDHCPScopesFromDHCPFailoverRelationship(
            session=self.session, dhcpServerRef=server, dhcpFailoverRelationshipName=name,
            dhcpScopeRefs=dict(ref=refs), dhcpFailoverRelationshipDeconfigureAction=action)

    def remove(self, items, action=None):
        return self.svc.RemoveDHCPFailoverRelationships(
            session=self.session,
            dhcpRefAndFailoverRelationshipNames=dict(dhcpRefAndFailoverRelationshipName=items),
            dhcpFailoverRelationshipDeconfigureAction=action)

    def scopes_of(self, server):
        r = self.svc.GetDHCPScopes(session=self.session, filter="dhcpServerRef:%s" % server)
        return list(r.dhcpScopes.dhcpScope) if r.dhcpScopes is not None else []

    def pools_of(self, scope):
        r = self.svc.GetDHCPAddressPools(session=self.session, dhcpScopeRef=scope)
        return list(r.dhcpAddressPools.dhcpAddressPool) if r.dhcpAddressPools is not None else []

    def state(self):
        """Everything a failed call must leave as it was."""
        rels = sorted((r.name, r.primaryServer, r.secondaryServer, r.mclt, r.percentage,
                       r.port, r.peerPort, r.state, tuple(refs(r)))
                      for r in self.list())
        scopes = self.svc.GetDHCPScopes(session=self.session).totalResults
        pools = self.svc.GetDHCPAddressPools(session=self.session).totalResults
        return rels, scopes, pools

    def unchanged(self, fn, *args, text=None, **kw):
        before = self.state()
        f = self.client_fault(fn, *args, text=text, **kw)
        self.assertEqual(self.state(), before, f.message)
        return f


class LifecycleTest(FailoverCase):

    def test_lifecycle(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        cidr, rng, sc = self.scope(r1, pools=((10, 100), (150, 160)))
        name = "fo-%d" % next(OCTETS)

        self.assertIsNone(self.add(name, s1, s2.rstrip(".")))
        got = self.get(r1, name)
        self.assertEqual((got.name, got.primaryServer, got.secondaryServer), (name, s1, s2))
        self.assertEqual((got.failoverServerType, got.failoverMode, got.mclt, got.percentage),
                         ("PrimaryServer", "LoadBalance", 3600, 50))
        self.assertEqual((got.port, got.peerPort, got.loadBalanceMaxSeconds,
                          got.maxResponseDelay, got.maxUnackedUpdates), (647, 647, 3, 60, 10))
        self.assertEqual(got.state, "Empty")
        self.assertEqual(refs(got), [])
        self.assertEqual(got.dhcpServerRef, r1)
        seen = self.get(r2, name)
        self.assertEqual((seen.failoverServerType, seen.dhcpServerRef), ("SecondaryServer", r2))

        self.assertIsNone(self.add_scopes(r1, name, [cidr], comment="join"))
        got = self.get(r1, name)
        self.assertEqual(got.state, "Normal")
        self.assertEqual(refs(got), [sc])
        partner = self.scopes_of(r2)
        self.assertEqual(len(partner), 1)
        self.assertEqual((partner[0].name, partner[0].rangeRef), (cidr, rng))
        self.assertEqual(partner[0].failoverRelationship, name)
        self.assertEqual(self.svc.GetDHCPScope(session=self.session, dhcpScopeRef=sc)
                         .failoverRelationship, name)
        seen = self.get(s2, name)
        self.assertEqual(refs(seen), [partner[0].ref])
        self.assertEqual(seen.failoverServerType, "SecondaryServer")
        mine, theirs = self.pools_of(sc), self.pools_of(partner[0].ref)
        self.assertEqual([(p["from"], p.to) for p in mine], [(p["from"], p.to) for p in theirs])
        self.assertEqual(len(mine), 2)
        for p in mine:
            self.assertEqual((p.failoverRelationship, p.failoverPeer, p.failoverState),
                             (name, s2, "Normal"))
        for p in theirs:
            self.assertEqual((p.failoverRelationship, p.failoverPeer, p.failoverState),
                             (name, s1, "Normal"))
            one = self.svc.GetDHCPAddressPool(session=self.session, dhcpAddressPoolRef=p.ref)
            self.assertEqual(one.failoverPeer, s1)
        # read-only through GetProperties / SetProperties
        props = {p.name: p.value for p in self.svc.GetProperties(
            session=self.session, ref=mine[0].ref)}
        self.assertEqual((props["failoverPeer"], props["failoverRelationship"],
                          props["failoverState"]), (s2, name, "Normal"))
        for prop in ("failoverPeer", "failoverRelationship", "failoverState"):
            self.client_fault(self.svc.SetProperties, session=self.session, ref=mine[0].ref,
                              properties=dict(property=[dict(name=prop, value="x")]),
                              text="read-only")
        props = {p.name: p.value for p in self.svc.GetProperties(session=self.session, ref=sc)}
        self.assertEqual(props["failoverRelationship"], name)
        # listing: all (each once, from its primary) and per server
        mine_all = [r for r in self.list() if r.name == name]
        self.assertEqual(len(mine_all), 1)
        self.assertEqual(mine_all[0].failoverServerType, "PrimaryServer")
        self.assertEqual([r.name for r in self.list(r2)], [name])
        self.assertEqual(self.list(r2)[0].failoverServerType, "SecondaryServer")

        # Modify: mclt and the 11.x fields; absent ones keep their values
        r = self.rel(name, s1, s2, mclt=1800, maxResponseDelay=30, port=847)
        self.assertIsNone(self.svc.ModifyDHCPFailoverRelationship(
            session=self.session, dhcpFailoverRelationship=r, saveComment="tune"))
        got = self.get(r1, name)
        self.assertEqual((got.mclt, got.maxResponseDelay, got.port, got.peerPort,
                          got.maxUnackedUpdates, got.state), (1800, 30, 847, 647, 10, "Normal"))
        # Modify seen from the secondary, sending back what Get gave
        seen = self.get(r2, name)
        seen.mclt = 900
        self.svc.ModifyDHCPFailoverRelationship(session=self.session,
                                                dhcpFailoverRelationship=seen)
        self.assertEqual(self.get(r1, name).mclt, 900)

        # RemoveScopes with Delete: the partner's instance goes
        self.assertIsNone(self.remove_scopes(r1, name, [sc], "Delete"))
        got = self.get(r1, name)
        self.assertEqual((got.state, refs(got)), ("Empty", []))
        self.assertEqual(self.scopes_of(r2), [])
        for p in self.pools_of(sc):
            self.assertIsNone(p.failoverRelationship)
            self.assertIsNone(p.failoverPeer)
            self.assertIsNone(p.failoverState)
        props = {p.name: p.value for p in self.svc.GetProperties(
            session=self.session, ref=self.pools_of(sc)[0].ref)}
        self.assertNotIn("failoverState", props)
        self.assertIsNone(self.svc.GetDHCPScope(session=self.session, dhcpScopeRef=sc)
                          .failoverRelationship)

        self.assertIsNone(self.remove([dict(dhcpServerRef=r1, dhcpFailoverRelationshipName=name)]))
        self.assertEqual([r for r in self.list(r1) if r.name == name], [])
        self.client_fault(self.get, r1, name, text='does not exist on server "%s"' % s1)

    def test_state_views(self):
        """The relationship's state as the worker records it (the servers'
        live states, a push under way, a failed push) shows the same in
        GetDHCPFailoverRelationship(s), in the pools of both instances
        and in the pools' GetProperties."""
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        cidr, rng, sc = self.scope(r1, pools=((10, 20),))
        name = "fo-%d" % next(OCTETS)
        self.add(name, s1, s2)
        self.add_scopes(r1, name, [cidr])
        partner = self.scopes_of(r2)[0].ref
        ids = [r.split("-#")[1].rstrip("}") for r in (r1, r2)]  # {#3-#id}

        def views():
            pools = self.pools_of(sc) + self.pools_of(partner)
            props = {p.name: p.value for p in self.svc.GetProperties(
                session=self.session, ref=pools[0].ref)}
            return ([self.get(r, name).state for r in (r1, r2)]
                    + [r.state for r in self.list(r1) if r.name == name]
                    + [p.failoverState for p in pools] + [props.get("failoverState")])

        def live(primary, secondary):
            EMU.sql("UPDATE dhcp_failover SET primary_state = nullif(:'v2', ''), "
                    "secondary_state = nullif(:'v3', '') WHERE lower(name) = lower(:'v1')",
                    name, primary, secondary)

        def jobs(claimed, attempts):
            EMU.sql("UPDATE config_jobs SET attempts = :'v3'::int, claimed_until = "
                    "CASE WHEN :'v2' = 'yes' THEN now() + interval '1 hour' END "
                    "WHERE server_id IN (:'v1'::bigint, :'v4'::bigint)",
                    ids[0], claimed, attempts, ids[1])

        jobs("no", 0)
        self.assertEqual(set(views()), {"Normal"})  # never read: what is configured
        live("Normal", "CommunicationsInterrupted")
        self.assertEqual(set(views()), {"CommunicationsInterrupted"})
        live("PartnerDown", "CommunicationsInterrupted")
        self.assertEqual(set(views()), {"PartnerDown"})
        live("Normal", "Normal")
        self.assertEqual(set(views()), {"Normal"})
        jobs("yes", 0)
        self.assertEqual(set(views()), {"Pending"})
        jobs("no", 2)
        self.assertEqual(set(views()), {"Error"})
        jobs("no", 0)
        live("Recover", "")
        self.assertEqual(set(views()), {"Recover"})
        self.assertEqual(len(views()), 3 + 2 + 1)

        # the reason: a failed push's error, named by server
        def message():
            got = [self.get(r, name) for r in (r1, r2)]
            return [(g.state, g.stateMessage) for g in got]
        self.assertEqual(message(), [("Recover", None)] * 2)
        EMU.sql("UPDATE config_jobs SET attempts = 1, claimed_until = NULL, last_error = "
                "'agent 10.0.0.9:8647 unreachable (the configuration): Connection refused' "
                "WHERE server_id = :'v1'::bigint", ids[1])
        self.assertEqual(message(), [("Error", "%s: agent 10.0.0.9:8647 unreachable (the "
                                      "configuration): Connection refused" % s2)] * 2)
        self.assertEqual({p.failoverState for p in self.pools_of(sc)}, {"Error"})
        jobs("yes", 1)  # its retry under way: still Error, with the error
        self.assertEqual(message()[0][0], "Error")
        jobs("no", 0)
        # a state the worker could not read: said, beside the one it read
        EMU.sql("UPDATE dhcp_failover SET primary_state = 'Normal', secondary_state = NULL, "
                "state_read = now(), state_error = 'agent 10.0.0.9:8647 unreachable' "
                "WHERE lower(name) = lower(:'v1')", name)
        self.assertEqual(message(), [("Normal", "agent 10.0.0.9:8647 unreachable")] * 2)
        jobs("yes", 0)  # a push under way: what was read before is stale
        self.assertEqual(message(), [("Pending", None)] * 2)
        jobs("no", 0)
        # neither could be read: Error, not the Normal of a relationship
        # never read
        live("", "")
        self.assertEqual(message(), [("Error", "agent 10.0.0.9:8647 unreachable")] * 2)
        EMU.sql("UPDATE dhcp_failover SET state_read = NULL, state_error = NULL "
                "WHERE lower(name) = lower(:'v1')", name)
        self.assertEqual(message(), [("Normal", None)] * 2)

    def deconfigure(self, action):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        cidr, rng, sc = self.scope(r1)
        name = "dc-%s" % action
        self.add(name, s1, s2)
        self.add_scopes(r1, name, [sc])
        partner = self.scopes_of(r2)[0]
        self.remove_scopes(r1, name, [sc], action)
        self.assertEqual(self.get(r1, name).state, "Empty")
        return r2, partner

    def test_deconfigure_none(self):
        r2, partner = self.deconfigure(None)
        kept = self.scopes_of(r2)
        self.assertEqual([(s.ref, s.enabled, s.failoverRelationship) for s in kept],
                         [(partner.ref, True, None)])
        self.assertEqual(len(self.pools_of(partner.ref)), 1)
        r2, partner = self.deconfigure("None")
        self.assertEqual(len(self.scopes_of(r2)), 1)

    def test_deconfigure_disable(self):
        r2, partner = self.deconfigure("Disable")
        kept = self.scopes_of(r2)
        self.assertEqual([(s.ref, s.enabled) for s in kept], [(partner.ref, False)])

    def test_deconfigure_delete(self):
        r2, partner = self.deconfigure("Delete")
        self.assertEqual(self.scopes_of(r2), [])
        self.client_fault(self.svc.GetDHCPScope, session=self.session,
                          dhcpScopeRef=partner.ref, text="does not exist")

    def test_remove_with_scopes_deconfigures_first(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        _, _, sc = self.scope(r1)
        self.add("rm", s1, s2)
        self.add_scopes(r1, "rm", [sc])
        self.assertEqual(len(self.scopes_of(r2)), 1)
        self.remove([dict(dhcpServerRef=r1, dhcpFailoverRelationshipName="rm")], "Delete")
        self.assertEqual(self.scopes_of(r2), [])
        self.assertIsNone(self.svc.GetDHCPScope(session=self.session, dhcpScopeRef=sc)
                          .failoverRelationship)
        self.assertEqual(self.list(r1), [])

    def test_remove_without_server_and_old_spelling(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        name = "old-%d" % next(OCTETS)
        self.add(name, s1, s2)
        body = ("<RemoveDHCPFailoverRelationships xmlns=\"%s\"><session>%s</session>"
                "<DHCPRefAndFailoverRelationshipNames><DHCPRefAndFailoverRelationshipName>"
                "<dhcpFailoverRelationshipName>%s</dhcpFailoverRelationshipName>"
                "</DHCPRefAndFailoverRelationshipName></DHCPRefAndFailoverRelationshipNames>"
                "</RemoveDHCPFailoverRelationships>" % (et.NS_MM, self.session, name))
        resp = et.post(EMU.url, et.envelope(11, body), "RemoveDHCPFailoverRelationships")
        et.result_of(resp, "RemoveDHCPFailoverRelationships")
        self.assertEqual(self.list(r1), [])

    def test_add_with_scopes_and_hot_standby(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        _, _, sc = self.scope(r1)
        self.add("hs", s1, s2, scopes=[sc], failoverMode="HotStandby", percentage=100,
                 sharedSecret="s3cret", port=700, peerPort=701, loadBalanceMaxSeconds=5,
                 maxUnackedUpdates=20, dhcpServerRef=r1)
        got = self.get(r2, "hs")
        self.assertEqual((got.failoverMode, got.percentage, got.sharedSecret, got.port,
                          got.peerPort, got.loadBalanceMaxSeconds, got.maxUnackedUpdates,
                          got.state),
                         ("HotStandby", 100, "s3cret", 700, 701, 5, 20, "Normal"))
        self.assertEqual(len(refs(got)), 1)

    def test_add_scope_with_relationship_and_mirrored_pools(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        self.add("mk", s1, s2)
        o = next(OCTETS)
        cidr = "100.%d.%d.0/24" % (64 + o % 64, random.randrange(256))
        rng = self.svc.AddRange(session=self.session, range=dict(name=cidr))
        sc = self.svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name=cidr, rangeRef=rng, dhcpServerRef=r2), dhcpFailoverRelationshipName="mk")
        partner = self.scopes_of(r1)
        self.assertEqual([(s.rangeRef, s.failoverRelationship) for s in partner], [(rng, "mk")])
        self.assertEqual(refs(self.get(r2, "mk")), [sc])
        base = cidr.rsplit(".", 1)[0]
        p = dict(dhcpScopeRef=sc, to=base + ".90")
        p["from"] = base + ".20"
        self.svc.AddDHCPAddressPool(session=self.session, dhcpAddressPool=p)
        mirrored = self.pools_of(partner[0].ref)
        self.assertEqual([(x["from"], x.to, x.failoverPeer) for x in mirrored],
                         [(base + ".20", base + ".90", s2)])
        # an unknown relationship: nothing created
        rng2 = self.svc.AddRange(session=self.session, range=dict(name="100.%d.%d.0/24" % (
            64 + o % 64, (int(cidr.split(".")[2]) + 1) % 256)))
        before = self.state()
        self.client_fault(self.svc.AddDHCPScope, session=self.session, dhcpScope=dict(
            name="x", rangeRef=rng2, dhcpServerRef=r2), dhcpFailoverRelationshipName="nope",
            text='failover relationship "nope" does not exist on server "%s"' % s2)
        self.assertEqual(self.state(), before)

    def test_remove_one_instance(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        _, _, sc = self.scope(r1)
        self.add("inst", s1, s2)
        self.add_scopes(r1, "inst", [sc])
        partner = self.scopes_of(r2)[0]
        self.svc.RemoveObject(session=self.session, ref=partner.ref, forceRemoval=True)
        got = self.get(r1, "inst")
        self.assertEqual((got.state, refs(got)), ("Empty", []))
        for p in self.pools_of(sc):
            self.assertIsNone(p.failoverRelationship)

    def test_pools_stay_twins(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        cidr, _, sc = self.scope(r1, pools=((10, 20), (30, 40)))
        base = cidr.rsplit(".", 1)[0]
        self.add("tw", s1, s2)
        self.add_scopes(r1, "tw", [sc])
        partner = self.scopes_of(r2)[0].ref

        def spans(scope):
            return [(p["from"], p.to, p.name) for p in self.pools_of(scope)]
        first = self.pools_of(sc)[0]
        self.svc.SetProperties(session=self.session, ref=first.ref, properties=dict(
            property=[dict(name="to", value=base + ".25"), dict(name="name", value="p1")]))
        self.assertEqual(spans(sc), spans(partner))
        self.assertEqual(spans(partner)[0], (base + ".10", base + ".25", "p1"))
        # a pool added to the partner comes back to the source
        p = dict(dhcpScopeRef=partner, to=base + ".60")
        p["from"] = base + ".50"
        self.svc.AddDHCPAddressPool(session=self.session, dhcpAddressPool=p)
        self.assertEqual(len(spans(sc)), 3)
        self.assertEqual(spans(sc), spans(partner))
        # removing one removes its twin
        self.svc.RemoveObject(session=self.session, ref=self.pools_of(partner)[1].ref)
        self.assertEqual(spans(sc), spans(partner))
        self.assertEqual(len(spans(sc)), 2)
        # a change the twin cannot take is refused as a whole
        if not et.remote():
            EMU.sql("INSERT INTO dhcp_pools (scope_id, from_ip, to_ip) "
                    "VALUES (:'v1', :'v2', :'v3')", et.ref_id(partner),
                    base + ".200", base + ".210")
            before = spans(sc), spans(partner)
            self.client_fault(self.svc.SetProperties, session=self.session,
                              ref=self.pools_of(sc)[1].ref, properties=dict(
                                  property=[dict(name="to", value=base + ".205")]),
                              text="overlaps")
            self.assertEqual((spans(sc), spans(partner)), before)

    def test_replicate(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        cidr, _, sc = self.scope(r1)
        self.add("rep", s1, s2)
        self.add_scopes(r1, "rep", [sc])
        partner = self.scopes_of(r2)[0]
        # the partner drifts: another description, a pool moved behind the
        # API's back (the API keeps twins alike)
        pool = self.pools_of(partner.ref)[0]
        base = cidr.rsplit(".", 1)[0]
        if not et.remote():
            EMU.sql("UPDATE dhcp_pools SET to_ip = :'v1' WHERE id = :'v2'",
                    base + ".50", et.ref_id(pool.ref))
            self.assertEqual(self.pools_of(partner.ref)[0].to, base + ".50")
        self.svc.SetProperties(session=self.session, ref=partner.ref, properties=dict(
            property=[dict(name="description", value="drifted")]))
        self.svc.SetProperties(session=self.session, ref=sc, properties=dict(
            property=[dict(name="description", value="source")]))
        self.assertIsNone(self.svc.ReplicateDHCPFailover(
            session=self.session, dhcpServerRef=r1, dhcpFailoverRelationshipName="rep"))
        again = self.scopes_of(r2)[0]
        self.assertEqual((again.ref, again.description), (partner.ref, "source"))
        self.assertEqual([(p["from"], p.to) for p in self.pools_of(partner.ref)],
                         [(base + ".10", base + ".100")])
        # by scope, without a relationship name
        self.svc.SetProperties(session=self.session, ref=sc, properties=dict(
            property=[dict(name="description", value="second")]))
        self.svc.ReplicateDHCPFailover(session=self.session, dhcpServerRef=r1, dhcpScopeRef=sc)
        self.assertEqual(self.scopes_of(r2)[0].description, "second")
        self.client_fault(self.svc.ReplicateDHCPFailover, session=self.session,
                          dhcpServerRef=r2, dhcpScopeRef=sc, text="is not on server")


class RulesTest(FailoverCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        self = cls
        cls.s1, cls.r1 = FailoverCase.server(self, "a")
        cls.s2, cls.r2 = FailoverCase.server(self, "b")
        cls.s3, cls.r3 = FailoverCase.server(self, "c")
        cls.svc.AddDHCPFailoverRelationship(session=cls.session, dhcpFailoverRelationship=dict(
            name="taken", primaryServer=cls.s1, secondaryServer=cls.s2,
            failoverMode="LoadBalance", failoverServerType="PrimaryServer", mclt=3600,
            safePeriod=0, dhcpScopeRefs=dict(ref=[]), percentage=50))

    def test_name_unique_per_server(self):
        self.unchanged(self.add, "TAKEN", self.s1, self.s3,
                       text='failover relationship "TAKEN" already exists on server "%s"'
                       % self.s1)
        self.unchanged(self.add, "taken", self.s3, self.s2, text="already exists on server")

    def test_unsafe_names(self):
        for bad, what in (('a"b', "'\"'"), ("a\\b", "'\\'"), ("a{b", "'{'"), ("a}b", "'}'"),
                          ("a\tb", "'\\t'"), ("x" * 129, "too long"), (" lead", "space"),
                          ("", "missing name")):
            self.unchanged(self.add, bad, self.s1, self.s3, text=what)
        # DEL: the one control character XML itself lets through
        self.unchanged(self.add, "a\x7fb", self.s1, self.s3, text="control character")

    def test_same_server_and_unknown_server(self):
        self.unchanged(self.add, "same", self.s1, self.s1.rstrip(".").upper(),
                       text="needs two servers")
        self.unchanged(self.add, "ghost", self.s1, "nosuch.fo.example.",
                       text='"nosuch.fo.example." does not exist')

    def test_numbers(self):
        self.unchanged(self.add, "m0", self.s1, self.s3, mclt=0, text="mclt 0")
        self.unchanged(self.add, "p", self.s1, self.s3, percentage=101, text="percentage 101")
        self.unchanged(self.add, "port", self.s1, self.s3, port=0, text="port 0")
        self.unchanged(self.add, "port", self.s1, self.s3, port=65536, text="port 65536")
        self.unchanged(self.add, "pp", self.s1, self.s3, peerPort=70000, text="peerPort 70000")
        self.unchanged(self.add, "mrd", self.s1, self.s3, maxResponseDelay=0,
                       text="maxResponseDelay 0")
        self.unchanged(self.add, "mau", self.s1, self.s3, maxUnackedUpdates=0,
                       text="maxUnackedUpdates 0")

    def test_second_relationship_on_same_pair(self):
        self.unchanged(self.add, "again", self.s2, self.s1, text="already have failover "
                       'relationship "taken"')
        # other servers, but the same two addresses
        a = self.svc.GetDHCPServer(session=self.session, dhcpServerRef=self.r1).address
        b = self.svc.GetDHCPServer(session=self.session, dhcpServerRef=self.r2).address
        o = next(OCTETS)
        x = self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            name="x%d.fo.example." % o, type="ISC", address=a + ":4700")).ref
        y = self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            name="y%d.fo.example." % o, type="ISC", address=b)).ref
        self.unchanged(self.add, "addr", x, y, text="between their addresses")
        z = self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            name="z%d.fo.example." % o, type="ISC", address=a)).ref
        self.unchanged(self.add, "same-addr", x, z, text="have the same address")

    def test_address_change_keeps_the_rules(self):
        o = next(OCTETS)
        refs = []
        for tag, addr in (("p", "10.%d.9.1" % o), ("q", "10.%d.9.2" % o),
                          ("r", "10.%d.9.3" % o), ("s", "10.%d.9.4" % o)):
            refs.append(self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
                name="%s%d.fo.example." % (tag, o), type="ISC", address=addr)).ref)
        p, q, r, s = refs
        self.add("pq", p, q)
        self.add("rs", r, s)

        def move(server, addr):
            return self.svc.SetProperties(session=self.session, ref=server, properties=dict(
                property=[dict(name="address", value=addr)]))
        self.unchanged(move, q, "10.%d.9.1" % o, text="would have the address")
        move(r, "10.%d.9.1" % o)
        self.unchanged(move, s, "10.%d.9.2" % o, text='would join the same two addresses')
        self.assertEqual(self.svc.GetDHCPServer(session=self.session, dhcpServerRef=s).address,
                         "10.%d.9.4" % o)

    def test_dhcp_server_ref_and_role(self):
        self.unchanged(self.add, "role", self.s1, self.s3, dhcpServerRef=self.r3,
                       failoverServerType="PrimaryServer", text="contradicts dhcpServerRef")
        self.unchanged(self.add, "role", self.s1, self.s3, dhcpServerRef=self.r2,
                       text="neither the primary nor the secondary")

    def test_scope_rules(self):
        _, _, sc = self.scope(self.r1)
        _, _, bare = self.scope(self.r1, pools=())
        self.add("other", self.s1, self.s3)
        self.add_scopes(self.r1, "taken", [sc])
        self.unchanged(self.add_scopes, self.r1, "other", [sc],
                       text='is already in failover relationship "taken"')
        self.unchanged(self.add_scopes, self.r1, "other", [bare], text="has no address pool")
        self.unchanged(self.add_scopes, self.r1, "other", ["{#7-#999999999}"],
                       text="does not exist")
        self.unchanged(self.add_scopes, self.r1, "nosuch", [sc],
                       text='failover relationship "nosuch" does not exist')
        self.unchanged(self.add_scopes, self.r1, "other", [], text="dhcpScopeRefs is empty")
        # a scope of a server outside the relationship
        _, _, far = self.scope(self.r2)
        self.unchanged(self.add_scopes, self.r1, "other", [far],
                       text="which is not in failover relationship")
        self.unchanged(self.remove_scopes, self.r1, "other", [sc],
                       text='is not in failover relationship "other"')
        # a server with relationships is not removed unless forced
        self.unchanged(self.svc.RemoveObject, session=self.session, ref=self.r3,
                       text="still has 1 failover relationship")

    def test_modify_rules(self):
        base = dict(name="taken", primary=self.s1, secondary=self.s2)

        def modify(**kw):
            args = dict(base)
            args.update(kw)
            r = self.rel(args.pop("name"), args.pop("primary"), args.pop("secondary"), **args)
            return self.svc.ModifyDHCPFailoverRelationship(session=self.session,
                                                           dhcpFailoverRelationship=r)
        self.unchanged(modify, primary=self.s2, secondary=self.s1, text="cannot be swapped")
        self.unchanged(modify, secondary=self.s3, text="cannot be changed")
        self.unchanged(modify, name="Taken", text="cannot be renamed")
        self.unchanged(modify, name="renamed", text="does not exist")
        self.unchanged(modify, percentage=40, text="percentage")
        self.unchanged(modify, mclt=0, text="mclt 0")
        self.unchanged(modify, dhcpScopeRefs=dict(ref=["{#7-#999999999}"]),
                       text="does not change the scopes")


class RaceTest(FailoverCase):
    """Two calls add one scope to two relationships at once: exactly one
    wins, 50 rounds."""

    def xml(self, server, name, scope):
        return ("<AddDHCPScopesToDHCPFailoverRelationship xmlns=\"%s\"><session>%s</session>"
                "<dhcpServerRef>%s</dhcpServerRef>"
                "<dhcpFailoverRelationshipName>%s</dhcpFailoverRelationshipName>"
                "<dhcpScopeRefs><ref>%s</ref></dhcpScopeRefs>"
                "</AddDHCPScopesToDHCPFailoverRelationship>"
                % (et.NS_MM, self.session, server, name, scope))

    def test_race(self):
        sa, ra = self.server("a")
        sb, rb = self.server("b")
        sc_, rc = self.server("c")
        self.add("one", sa, sb)
        self.add("two", sa, sc_)
        for rnd in range(RACE_ROUNDS):
            _, _, scope = self.scope(ra)
            race = et.Race(2)
            results = [None, None]

            def run(i):
                body = self.xml(ra, ("one", "two")[i], scope)
                with race.go(i):
                    try:
                        results[i] = et.post(EMU.url, et.envelope(11, body),
                                             "AddDHCPScopesToDHCPFailoverRelationship")
                    except Exception as exc:  # noqa: BLE001 - reported below
                        results[i] = exc

            threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wins = 0
            for r in results:
                self.assertNotIsInstance(r, Exception, r)
                env = et.parse(r)
                if env.is_fault:
                    f = et.Fault(env)
                    self.assertEqual(f.kind, "Client", f.string)
                    self.assertIn("is already in failover relationship", f.string)
                else:
                    wins += 1
            self.assertEqual(wins, 1, "round %d" % rnd)
            n1 = len(refs(self.get(ra, "one")))
            n2 = len(refs(self.get(ra, "two")))
            self.assertEqual(n1 + n2, rnd + 1, "round %d" % rnd)
        # the partners got exactly one instance per winning round
        self.assertEqual(len(self.scopes_of(rb)) + len(self.scopes_of(rc)), RACE_ROUNDS)


class OutboxTest(FailoverCase):
    """Each call queues the configuration of the servers it touched, in its
    own transaction."""

    def setUp(self):
        et.need_local(self)

    def generation(self, ref):
        sid = int(ref.split("#")[-1].rstrip("}"))
        rows = EMU.sql("SELECT generation FROM config_jobs WHERE server_id = :'v1'", sid)
        return int(rows[0][0]) if rows else 0

    def test_outbox(self):
        s1, r1 = self.server("a")
        s2, r2 = self.server("b")
        _, _, sc = self.scope(r1)
        self.add("ob", s1, s2)
        g1, g2 = self.generation(r1), self.generation(r2)
        self.assertGreater(g1, 0)
        self.add_scopes(r1, "ob", [sc])
        self.assertGreater(self.generation(r1), g1)
        self.assertGreater(self.generation(r2), g2)
        g1, g2 = self.generation(r1), self.generation(r2)
        # a refused call queues nothing
        self.client_fault(self.add_scopes, r1, "ob", [sc], text="already in")
        self.assertEqual((self.generation(r1), self.generation(r2)), (g1, g2))
        self.svc.ModifyDHCPFailoverRelationship(session=self.session,
                                                dhcpFailoverRelationship=self.rel("ob", s1, s2, mclt=60))
        self.assertGreater(self.generation(r1), g1)
        self.assertGreater(self.generation(r2), g2)
        rows = EMU.sql("SELECT action, comment FROM change_log WHERE object_type = 17 "
                       "AND object_name = 'ob' ORDER BY id")
        self.assertEqual([r[0] for r in rows], ["add", "modify", "modify"])


if __name__ == "__main__":
    unittest.main()
