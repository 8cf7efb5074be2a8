#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Concurrent writes inside one failover relationship.

Eight clients, each with its own session and connection, write for
MICETRO_CONCURRENCY_SECONDS (30) seconds, or MICETRO_CONCURRENCY_ROUNDS
rounds each, inside one relationship: a range, a scope added with the
relationship on either of its servers (its partner instance made with
it), a pool added through each instance (mirrored to the other) and a
pool renamed and shrunk through its twin.  Unrelated writes: not one
may fail, and every one that succeeded is in the database afterwards.
Then overlapping pools raced through both instances of one failover
scope: one wins, each other call gets the Client fault that names the
pool it overlaps.  The successful writes per second with 1, 4 and 8
clients are printed, a figure without a verdict (tests/bench/
bench_writes.sh prints them alone).
"""

import os
import random
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

SECONDS = float(os.environ.get("MICETRO_CONCURRENCY_SECONDS", "30"))
ROUNDS = int(os.environ.get("MICETRO_CONCURRENCY_ROUNDS", "400"))
RACE_ROUNDS = int(os.environ.get("MICETRO_CONCURRENCY_RACE_ROUNDS", "30"))
CLIENTS = 8
RACE_THREADS = 8
# only the figures (tests/bench/bench_writes.sh)
BENCH = os.environ.get("MICETRO_CONCURRENCY_BENCH") == "1"
OCTET = random.randrange(1, 224)
RACE_NET = 77  # the second octet of the race's /16, no other range's


def xml(name, value):
    """<ns0:name>value</ns0:name>; value a str, or a list of (name, value)
    pairs for a nested element; None elements left out."""
    if isinstance(value, (list, tuple)):
        inner = "".join(xml(k, v) for k, v in value if v is not None)
    else:
        inner = et.escape(str(value))
    return "<ns0:%s>%s</ns0:%s>" % (name, inner, name)


class Client:
    """One client: its own session on its own keep-alive connection."""

    def __init__(self, emu):
        self.emu = emu
        self.conn = et.connect(emu, timeout=60)
        self.session = et.login(emu, conn=self.conn)

    def call(self, op, fields):
        body = '<ns0:%s xmlns:ns0="%s">%s%s</ns0:%s>' % (
            op, et.NS_MM, xml("session", self.session), "".join(
                xml(k, v) for k, v in fields if v is not None), op)
        resp = et.post(self.emu, et.envelope11(body), op, conn=self.conn, timeout=60)
        env = et.parse(resp)
        if env.is_fault:
            return None, et.Fault(env)
        res = et.result_of(resp, op)
        ref = res.find(et.q(et.NS_MM, "ref")) if res is not None else None
        return (ref.text if ref is not None else ""), None

    def close(self):
        et.logout(self.emu, self.session, conn=self.conn)
        self.conn.close()


class Writes:
    """What the clients did: successes kept to be checked, faults."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ok = 0
        self.server_faults = []
        self.client_faults = []
        self.scopes = []      # (ref, server name, cidr)
        self.pools = {}       # pool id -> (from, to, name or "")

    def fault(self, op, f):
        with self.lock:
            (self.client_faults if f.kind == "Client" else self.server_faults).append(
                "%s: %s %s" % (op, f.kind, f.string))


def setUpModule():
    global EMU
    EMU = et.Emu(["--workers", "16", "--db-pool", "16"])


def tearDownModule():
    et.module_emu_stop(EMU)


class RelationshipCase(et.ZeepCase):
    """Two servers and the relationship every write of the class is in."""

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)
        cls.tag = "%s%d" % (cls.__name__.lower()[:6], OCTET)
        cls.primary = "p%s.cc.example." % cls.tag
        cls.secondary = "s%s.cc.example." % cls.tag
        o = random.randrange(256)
        for n, name in enumerate((cls.primary, cls.secondary)):
            cls.svc.AddDHCPServer(session=cls.session, dhcpServer=dict(
                name=name, type="ISC", address="10.%d.%d.%d" % (OCTET, o, n + 1)))
        cls.rel = "rel-%s" % cls.tag
        cls.svc.AddDHCPFailoverRelationship(session=cls.session, dhcpFailoverRelationship=dict(
            name=cls.rel, primaryServer=cls.primary, secondaryServer=cls.secondary,
            failoverMode="LoadBalance", failoverServerType="PrimaryServer", mclt=3600,
            safePeriod=0, dhcpScopeRefs=dict(ref=[]), percentage=50))


class ConcurrencyTest(RelationshipCase):

    def round(self, c, w, net):
        """One client's round in the /24 net: range, scope with the
        relationship, a pool through each instance, a pool changed through
        its twin.  Every call counts on its own."""
        def done(op, ref, f):
            if f is not None:
                w.fault(op, f)
                return False
            with w.lock:
                w.ok += 1
            return True

        base = net.rsplit(".", 1)[0]
        here, there = ((self.primary, self.secondary) if random.random() < 0.5
                       else (self.secondary, self.primary))
        ref, f = c.call("AddRange", [("range", [("name", net)])])
        if not done("AddRange", ref, f):
            return
        ref, f = c.call("AddDHCPScope", [
            ("dhcpScope", [("name", "cc-" + base), ("rangeRef", net), ("dhcpServerRef", here)]),
            ("dhcpFailoverRelationshipName", self.rel)])
        if not done("AddDHCPScope", ref, f):
            return
        with w.lock:
            w.scopes.append((ref, here, net))
        pools = []
        for inst, frm, to in ((here, 10, 40), (there, 50, 90)):
            p = [("from", "%s.%d" % (base, frm)), ("to", "%s.%d" % (base, to)),
                 ("dhcpScopeRef", "%s:%s" % (inst, net))]
            ref, f = c.call("AddDHCPAddressPool", [("dhcpAddressPool", p)])
            if done("AddDHCPAddressPool", ref, f):
                pools.append((et.ref_id(ref), "%s.%d" % (base, frm), "%s.%d" % (base, to)))
                with w.lock:
                    w.pools[pools[-1][0]] = (pools[-1][1], pools[-1][2], "")
        if pools:
            # the pool and its twin on the partner change alike
            pid, frm, to = random.choice(pools)
            name = "renamed-%d" % pid
            to2 = "%s.%d" % (base, int(to.rsplit(".", 1)[1]) - 5)
            ref, f = c.call("SetProperties", [
                ("ref", "{#10-#%d}" % pid),
                ("properties", [("property", [("name", "name"), ("value", name)]),
                                ("property", [("name", "to"), ("value", to2)])])])
            if done("SetProperties", ref, f):
                with w.lock:
                    w.pools[pid] = (frm, to2, name)

    def run_clients(self, n, seconds, rounds, nets):
        w = Writes()
        clients = [Client(EMU) for _ in range(n)]
        start = threading.Barrier(n + 1)
        deadline = [0.0]

        def run(i):
            c = clients[i]
            start.wait()
            for r in range(rounds):
                if time.monotonic() > deadline[0]:
                    break
                try:
                    self.round(c, w, nets.pop())
                except Exception as exc:  # noqa: BLE001 - reported below
                    with w.lock:
                        w.server_faults.append("exception: %r" % exc)
                    return

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        deadline[0] = time.monotonic() + seconds
        t0 = time.monotonic()
        start.wait()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        for c in clients:
            c.close()
        return w, elapsed

    def nets(self):
        """Free /24 nets of the class's own first octet, shuffled."""
        first = 100 + OCTET % 100
        nets = ["%d.%d.%d.0/24" % (first, b, c) for b in range(256)
                for c in range(256) if b != RACE_NET]
        random.shuffle(nets)
        return nets

    def check_visible(self, w):
        """Every successful write is in the database as it was answered."""
        rows = EMU.sql("SELECT id, host(from_ip), host(to_ip), coalesce(name, '') "
                       "FROM dhcp_pools")
        have = {int(r[0]): (r[1], r[2], r[3]) for r in rows}
        for pid, want in w.pools.items():
            self.assertEqual(have.get(pid), want, "pool %d" % pid)
        # each pool has its twin on the partner, as it was answered
        rows = EMU.sql("SELECT count(*) FROM dhcp_pools p JOIN dhcp_scopes s ON s.id = p.scope_id "
                       "JOIN dhcp_scopes o ON o.range_id = s.range_id AND o.id <> s.id "
                       "JOIN dhcp_pools t ON t.scope_id = o.id AND t.from_ip = p.from_ip "
                       "AND t.to_ip = p.to_ip AND t.name IS NOT DISTINCT FROM p.name "
                       "WHERE p.id = ANY(:'v1'::bigint[])",
                       "{%s}" % ",".join(str(i) for i in w.pools))
        self.assertEqual(int(rows[0][0]), len(w.pools))
        rows = EMU.sql("SELECT text(r.cidr) FROM dhcp_scopes s JOIN ranges r ON r.id = s.range_id "
                       "WHERE s.failover_id IS NOT NULL GROUP BY r.cidr HAVING count(*) = 2")
        both = {r[0] for r in rows}
        for ref, server, net in w.scopes:
            self.assertIn(net, both, "scope %s on %s" % (ref, server))

    def test_unrelated_writes(self):
        et.need_local(self)
        nets = self.nets()
        rates = {}
        for n in (1, 4, 8):
            secs = SECONDS if n == CLIENTS or BENCH else min(SECONDS, 5.0)
            w, elapsed = self.run_clients(n, secs, ROUNDS, nets)
            rates[n] = w.ok / elapsed
            print("\n%d client(s): %d successful writes in %.1f s: %.1f writes/s; "
                  "%d Server faults, %d Client faults"
                  % (n, w.ok, elapsed, rates[n], len(w.server_faults), len(w.client_faults)),
                  file=sys.stderr, flush=True)
            if BENCH:
                continue
            self.assertEqual(w.server_faults, [], "%d clients" % n)
            self.assertEqual(w.client_faults, [], "%d clients" % n)
            self.check_visible(w)
        print("writes/s: " + ", ".join("%d clients %.1f" % (n, r) for n, r in rates.items()),
              file=sys.stderr, flush=True)

    def test_overlapping_pools_race(self):
        """Overlapping pools through both instances of one failover scope:
        one wins each round, every other call the overlap fault."""
        if BENCH:
            self.skipTest("figures only")
        c = Client(EMU)
        net = "%d.%d.0.0/16" % (100 + OCTET % 100, RACE_NET)
        base = net.rsplit(".", 2)[0]
        self.svc.AddRange(session=self.session, range=dict(name=net))
        ref, f = c.call("AddDHCPScope", [
            ("dhcpScope", [("name", "race-" + base), ("rangeRef", net),
                           ("dhcpServerRef", self.primary)]),
            ("dhcpFailoverRelationshipName", self.rel)])
        self.assertIsNone(f, f and f.string)
        c.close()
        clients = [Client(EMU) for _ in range(RACE_THREADS)]
        try:
            for rnd in range(RACE_ROUNDS):
                def add(i):
                    inst = self.primary if i % 2 == 0 else self.secondary
                    p = [("from", "%s.%d.%d" % (base, rnd, 10 + i)),
                         ("to", "%s.%d.%d" % (base, rnd, 100 + i)),
                         ("dhcpScopeRef", "%s:%s" % (inst, net))]
                    return clients[i].call("AddDHCPAddressPool", [("dhcpAddressPool", p)])

                results = et.race_all(RACE_THREADS, add)
                wins = 0
                for r in results:
                    self.assertNotIsInstance(r, Exception, r)
                    ref, f = r
                    if f is None:
                        wins += 1
                        continue
                    self.assertEqual(f.kind, "Client", "round %d: %s" % (rnd, f.string))
                    self.assertIn("overlaps address pool %s.%d." % (base, rnd), f.string)
                self.assertEqual(wins, 1, "round %d" % rnd)
        finally:
            for c in clients:
                c.close()
        rows = EMU.sql("SELECT count(*) FROM dhcp_pools p JOIN dhcp_scopes s ON s.id = p.scope_id "
                       "JOIN ranges r ON r.id = s.range_id WHERE r.cidr = :'v1'::cidr", net)
        self.assertEqual(rows[0][0], str(2 * RACE_ROUNDS))


if __name__ == "__main__":
    unittest.main()
