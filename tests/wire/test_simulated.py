#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Simulated ISC servers (docs/control.md, "Simulated ISC servers").

The one-command start (`run` without any agent secret) simulates every
server: a failover pair built through zeep comes to Normal, each kept
file declares the peer and passes the real `dhcpd -t`; a file dhcpd
refuses leaves its server Out of date with dhcpd's words and the old
file kept; states and sequences set through the control API are what
GetDHCPFailoverRelationship and the pools report, in order and on
time; every bad request is refused with nothing changed; a reset
clears the simulation.  With --agent-secret-file a server is real until
marked simulated, a relationship joining a real and a simulated server
is refused both ways, and --simulate makes every server simulated.

dhcpd is found as tests/lib/e2elib.py finds it (MICETRO_DHCPD, PATH,
/usr/sbin); without one the checks that need it are skipped and the rest
still runs.
"""

import hashlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402
from e2elib import find_dhcpd  # noqa: E402

import zeep.exceptions  # noqa: E402

DHCPD = find_dhcpd()
# how long a push of a simulated pair may take to show (it takes ms)
WAIT_S = 20


class RunEmu(et.Emu):
    """micetro-emu run: the SOAP server and the worker in one process."""

    def command(self):
        return et.WRAPPER + [et.BIN, "run", "--listen", "127.0.0.1:0",
                             "--data-dir", self.data_dir] + self.args


def control(emu, method, path, body=None):
    """(status, parsed JSON) of a control API call; body: a dict (sent as
    JSON) or bytes."""
    c = http.client.HTTPConnection(emu.host, emu.port, timeout=30)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        c.request(method, path, body=body,
                  headers={"Content-Type": "application/json"} if body is not None else {})
        r = c.getresponse()
        data = r.read()
        ctype = r.getheader("Content-Type") or ""
    finally:
        c.close()
    if not ctype.startswith("application/json"):
        raise AssertionError("%s %s: %s %r" % (method, path, ctype, data[:200]))
    return r.status, json.loads(data)


def dhcpd_args():
    return ["--dhcpd", DHCPD] if DHCPD else []


def setUpModule():
    global EMU
    if et.remote():
        raise unittest.SkipTest("needs servers started by the harness")
    # the one-command start: no agent secret at all
    os.environ.pop("MICETRO_AGENT_SECRET", None)
    EMU = RunEmu(args=dhcpd_args())


def tearDownModule():
    et.module_emu_stop(EMU)


class SimCase(et.ZeepCase):
    """Helpers over zeep and the control API."""

    emu = None
    net = 0

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(cls.emu)

    def server(self, name, address, **kw):
        return self.svc.AddDHCPServer(session=self.session, dhcpServer=dict(
            name=name, type="ISC", address=address, **kw)).ref

    def scope(self, server_ref, cidr, pool=(100, 199)):
        rng = self.svc.AddRange(session=self.session, range=dict(name=cidr))
        sc = self.svc.AddDHCPScope(session=self.session, dhcpScope=dict(
            name="s" + cidr.split(".")[1], rangeRef=rng, dhcpServerRef=server_ref))
        base = cidr.rsplit(".", 1)[0]
        p = dict(dhcpScopeRef=sc, to="%s.%d" % (base, pool[1]))
        p["from"] = "%s.%d" % (base, pool[0])
        self.svc.AddDHCPAddressPool(session=self.session, dhcpAddressPool=p)
        return sc

    def relationship(self, name, primary, secondary, scopes=()):
        return self.svc.AddDHCPFailoverRelationship(
            session=self.session, dhcpFailoverRelationship=dict(
                name=name, primaryServer=primary, secondaryServer=secondary,
                failoverMode="LoadBalance", failoverServerType="PrimaryServer",
                mclt=3600, safePeriod=0, dhcpScopeRefs=dict(ref=list(scopes)),
                percentage=50, maxResponseDelay=60))

    def add_scopes(self, server, name, scopes):
        return self.svc.AddDHCPScopesToDHCPFailoverRelationship(
            session=self.session, dhcpServerRef=server, dhcpFailoverRelationshipName=name,
            dhcpScopeRefs=dict(ref=list(scopes)))

    def fo(self, server, name):
        return self.svc.GetDHCPFailoverRelationship(
            session=self.session, dhcpServerRef=server, dhcpFailoverRelationshipName=name)

    def srv(self, ref):
        return self.svc.GetDHCPServer(session=self.session, dhcpServerRef=ref)

    def props(self, ref):
        return {p.name: p.value for p in self.svc.GetProperties(session=self.session, ref=ref)}

    def wait(self, what, fn, timeout=WAIT_S):
        """fn() until true; its last value, or a failure naming what."""
        deadline = time.monotonic() + timeout
        while True:
            v = fn()
            if v or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertTrue(v, "%s: not within %s s" % (what, timeout))
        return v

    def config(self, name):
        status, j = control(self.emu, "GET", "/_emu/servers/%s/config" % name)
        self.assertEqual(status, 200, j)
        return j

    def set_state(self, server, body):
        return control(self.emu, "POST", "/_emu/servers/%s/failover-state" % server, body)

    def pair(self, tag, octet):
        """Two servers, a failover scope with a pool on both, Normal:
        (primary name, primary ref, secondary name, secondary ref, scope
        ref, relationship name)."""
        pn, sn = "p%s.sim.example." % tag, "s%s.sim.example." % tag
        p = self.server(pn, "10.%d.0.2" % octet)
        s = self.server(sn, "10.%d.0.3" % octet)
        sc = self.scope(p, "10.%d.1.0/24" % octet)
        name = "fo-%s" % tag
        self.relationship(name, p, s)
        t0 = time.monotonic()
        self.add_scopes(p, name, [sc])
        self.wait("%s Normal" % name, lambda: self.fo(p, name).state == "Normal")
        self.normal_after_s = time.monotonic() - t0
        # and every push settled: no later one shows Pending
        self.wait("%s settled" % name, lambda: self.emu.sql(
            "SELECT count(*) FROM config_jobs j JOIN dhcp_servers s ON s.id = j.server_id "
            "WHERE s.name IN (:'v1', :'v2')", pn, sn) == [["0"]])
        self.assertEqual(self.fo(p, name).state, "Normal")
        return pn, p, sn, s, sc, name


class OneCommandStart(SimCase):
    """run without any agent secret: every server simulated."""

    @classmethod
    def setUpClass(cls):
        cls.emu = EMU
        super().setUpClass()

    def test_health_says_so(self):
        status, j = control(self.emu, "GET", "/_emu/health")
        self.assertEqual(status, 200, j)
        self.assertEqual(j["worker"], "running (every server simulated)")
        self.assertIn("every DHCP server simulated (no agent secret)", self.emu.log())

    def test_pair_comes_to_normal_with_checked_files(self):
        pn, p, sn, s, sc, name = self.pair("a", 41)
        print("\nsimulated pair Normal %.3f s after AddDHCPScopesToDHCPFailoverRelationship"
              % self.normal_after_s)
        for srv_name, ref, role in ((pn, p, "primary;"), (sn, s, "secondary;")):
            self.wait("%s OK" % srv_name, lambda: self.srv(ref).state == "OK")
            k = self.config(srv_name.rstrip(".").upper())  # any case, no dot
            self.assertEqual(k["server"], srv_name)
            text = k["config"]
            self.assertIn('failover peer "%s" {\n  %s' % (name, role), text)
            self.assertIn('    failover peer "%s";\n    range 10.41.1.100 10.41.1.199;' % name,
                          text)
            self.assertEqual(k["peers"], [name])
            self.assertEqual(k["hash"], hashlib.sha256(text.encode()).hexdigest())
            self.assertRegex(k["installedAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            # the same hash as a real server's stateful record
            self.assertEqual(self.emu.sql("SELECT config_hash FROM dhcp_servers WHERE name = :'v1'",
                                          srv_name), [[k["hash"]]])
            if DHCPD:
                self.assertIs(k["checked"], True)
                with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
                    f.write(text)
                    f.flush()
                    r = subprocess.run([DHCPD, "-t", "-cf", f.name], capture_output=True,
                                       text=True, timeout=30)
                self.assertEqual(r.returncode, 0, r.stderr)
            else:
                self.assertIs(k["checked"], False)
            # the read-only property, in both answers
            self.assertEqual(self.props(ref)["simulated"], "true")
            cp = self.srv(ref).customProperties
            self.assertEqual([(x.name, x.value) for x in cp.property], [("simulated", "true")])
            listed = self.svc.GetDHCPServers(session=self.session, filter="name:%s" % srv_name)
            self.assertEqual([(x.name, x.value) for x in
                              listed.dhcpServers.dhcpServer[0].customProperties.property],
                             [("simulated", "true")])
        # the pools of both instances say it too
        for pool in self.svc.GetDHCPAddressPools(session=self.session).dhcpAddressPools \
                .dhcpAddressPool:
            if pool.dhcpScopeRef == sc:
                self.assertEqual(self.props(pool.ref)["failoverState"], "Normal")
        # simulated is read-only
        self.client_fault(self.svc.SetProperties, session=self.session, ref=p,
                          properties=dict(property=[dict(name="simulated", value="false")]),
                          text='property "simulated" is read-only')
        self.assertEqual(self.props(p)["simulated"], "true")

    def test_one_side_declared(self):
        """Before the partner's file declares the relationship: Startup on
        the side that does, Empty on the other (dhcpd without the peer)."""
        pn, p, sn, s, sc, name = self.pair("b", 42)
        # the secondary's file without the peer: drop the declaration there
        self.emu.sql("UPDATE sim_configs SET peers = '{}' WHERE server_id = "
                     "(SELECT id FROM dhcp_servers WHERE name = :'v1')", sn)
        self.emu.sql("UPDATE dhcp_failover SET primary_state = NULL, secondary_state = NULL, "
                     "state_read = NULL WHERE name = :'v1'", name)
        # the worker's state poll brings both sides up to date
        self.wait("Startup", lambda: self.fo(p, name).state == "Startup", timeout=15)
        self.assertEqual(self.emu.sql("SELECT primary_state, secondary_state FROM dhcp_failover "
                                      "WHERE name = :'v1'", name), [["Startup", "Empty"]])

    def test_refused_file(self):
        """A statement that passes the emulator's lexical check but not
        dhcpd: Out of date with dhcpd's words, the old file kept; gone
        again: OK."""
        if not DHCPD:
            self.skipTest("dhcpd not installed")
        name = "r.sim.example."
        ref = self.server(name, "10.43.0.2")
        self.wait("OK", lambda: self.srv(ref).state == "OK")
        before = self.config(name)
        self.svc.SetProperties(session=self.session, ref=ref, properties=dict(property=[
            dict(name="unmanagedStatements", value="default-lease-time abc;")]))
        self.wait("Out of date", lambda: self.srv(ref).state == "Out of date")
        msg = self.srv(ref).stateMessage
        self.assertTrue(msg.startswith("dhcpd rejected the configuration:\n/"), msg)
        self.assertIn("/dhcpd.conf line 6: Bogus number abc: digit 10 not in base 10", msg)
        self.assertNotIn("Internet Systems Consortium", msg)
        self.assertEqual(self.config(name)["hash"], before["hash"])
        self.assertNotIn("default-lease-time", self.config(name)["config"])
        self.svc.SetProperties(session=self.session, ref=ref, properties=dict(property=[
            dict(name="unmanagedStatements", value="default-lease-time 777;")]))
        self.wait("OK", lambda: self.srv(ref).state == "OK")
        self.assertIn("default-lease-time 777;", self.config(name)["config"])
        self.assertIsNone(self.srv(ref).stateMessage)

    def test_set_states(self):
        pn, p, sn, s, sc, name = self.pair("c", 44)
        for server, body, want in (
                (pn, {"relationship": name, "state": "CommunicationsInterrupted"},
                 "CommunicationsInterrupted"),
                (pn, {"relationship": name.upper(), "state": "partner-down"}, "PartnerDown"),
                (pn, {"relationship": name, "state": None}, "Normal"),
                # the primary Normal: the secondary's state shows
                (sn, {"relationship": name, "state": "PARTNER_DOWN"}, "PartnerDown"),
                (sn, {"relationship": name, "state": "Recover Wait"}, "RecoverWait")):
            with self.subTest(server=server, body=body):
                status, j = self.set_state(server, body)
                self.assertEqual(status, 200, j)
                self.assertEqual(j["relationship"], name)
                if body["state"] is not None:
                    self.assertEqual(j["reportedNow"], want)
                for ref in (p, s):
                    got = self.fo(ref, name)
                    self.assertEqual(got.state, want)
                    self.assertIsNone(got.stateMessage)
                self.assertEqual(self.props(self.pool_of(sc))["failoverState"], want)
        status, j = control(self.emu, "DELETE", "/_emu/servers/%s/failover-state?relationship=%s"
                            % (sn, urllib.parse.quote(name)))
        self.assertEqual((status, j["automatic"]), (200, True), j)
        self.assertEqual(self.fo(p, name).state, "Normal")
        # DELETE without a relationship: all of the server's
        self.assertEqual(self.set_state(sn, {"relationship": name, "state": "Paused"})[0], 200)
        self.assertEqual(self.fo(p, name).state, "Paused")
        status, j = control(self.emu, "DELETE", "/_emu/servers/%s/failover-state" % sn)
        self.assertEqual((status, j["cleared"]), (200, 1), j)
        self.assertEqual(self.fo(s, name).state, "Normal")

    def pool_of(self, scope):
        pools = self.svc.GetDHCPAddressPools(session=self.session, dhcpScopeRef=scope)
        return pools.dhcpAddressPools.dhcpAddressPool[0].ref

    def test_sequence_in_order_and_on_time(self):
        pn, p, sn, s, sc, name = self.pair("d", 45)
        steps = [("CommunicationsInterrupted", 0), ("PartnerDown", 1500), ("Recover", 3000),
                 ("Normal", 4500)]
        t0 = time.monotonic()
        status, j = self.set_state(pn, {"relationship": name, "sequence": [
            {"state": st, "afterMs": ms} for st, ms in steps]})
        t1 = time.monotonic()
        self.assertEqual(status, 200, j)
        self.assertEqual(j["sequence"], [{"state": st, "afterMs": ms} for st, ms in steps])
        self.assertEqual(j["reportedNow"], "CommunicationsInterrupted")
        seen = []
        index = {st: i for i, (st, _) in enumerate(steps)}
        while time.monotonic() - t1 < 6.0:
            r0 = time.monotonic()
            st = self.fo(p, name).state
            r1 = time.monotonic()
            i = index[st]
            # the post happened in [t0, t1] and the read in [r0, r1]: the
            # step shown is one the clock allows, never early or late
            for k, (_, ms) in enumerate(steps):
                if (r1 - t0) * 1000 < ms:
                    self.assertLess(i, k, "%s at %.3f s: too early" % (st, r1 - t0))
                if (r0 - t1) * 1000 >= ms:
                    self.assertGreaterEqual(i, k, "%s at %.3f s: too late" % (st, r0 - t1))
            if not seen or seen[-1] != st:
                seen.append(st)
            time.sleep(0.1)
        self.assertEqual(seen, [st for st, _ in steps])
        # a sequence is replaced whole by the next post
        self.assertEqual(self.set_state(pn, {"relationship": name, "sequence": [
            {"state": "Shutdown", "afterMs": 0}]})[0], 200)
        self.assertEqual(self.fo(s, name).state, "Shutdown")

    def test_bad_requests_change_nothing(self):
        pn, p, sn, s, sc, name = self.pair("e", 46)
        self.assertEqual(self.set_state(pn, {"relationship": name, "state": "Paused"})[0], 200)
        long_seq = [{"state": "Normal", "afterMs": i} for i in range(65)]
        cases = [
            (pn, {"relationship": name, "state": "Bogus"}, 400, '"state" is a failover state'),
            (pn, {"relationship": name, "state": 3}, 400, '"state" is a failover state'),
            (pn, {"relationship": name}, 400, 'give "state" or "sequence"'),
            (pn, {"relationship": name, "state": "Normal", "sequence": []}, 400, "one of them"),
            (pn, {"state": "Normal"}, 400, '"relationship" is the name'),
            (pn, {"relationship": name, "state": "Normal", "x": 1}, 400, 'unknown field "x"'),
            (pn, {"relationship": name, "sequence": []}, 400, "array of 1 to 64 steps"),
            (pn, {"relationship": name, "sequence": long_seq}, 400, "array of 1 to 64 steps"),
            (pn, {"relationship": name, "sequence": [{"state": "Normal", "afterMs": -1}]}, 400,
             'sequence[0]: "afterMs" is an integer from 0 to 86400000'),
            (pn, {"relationship": name, "sequence": [{"state": "Normal", "afterMs": 86400001}]},
             400, "from 0 to 86400000"),
            (pn, {"relationship": name, "sequence": [{"state": "Normal", "afterMs": 1.5}]}, 400,
             "an integer"),
            (pn, {"relationship": name, "sequence": [{"state": "Normal", "afterMs": 10},
                                                     {"state": "Recover", "afterMs": 10}]}, 400,
             'sequence[1]: "afterMs" 10 is not after the step before (10)'),
            (pn, {"relationship": name, "sequence": [{"state": "Normal", "afterMs": 10},
                                                     {"state": "Recover", "afterMs": 5}]}, 400,
             "ascending order"),
            (pn, {"relationship": name, "sequence": [{"state": "Normal", "afterMs": 0,
                                                      "y": 2}]}, 400,
             'sequence[0]: unknown field "y"'),
            (pn, {"relationship": name, "sequence": ["Normal"]}, 400, "is not an object"),
            (pn, b"not json", 400, "the body is not a JSON object"),
            (pn, b"[1]", 400, "the body is not a JSON object"),
            (pn, {"relationship": "nope", "state": "Normal"}, 404,
             'DHCP server "%s" has no failover relationship "nope"' % pn),
            ("nobody.example", {"relationship": name, "state": "Normal"}, 404,
             'no DHCP server "nobody.example"'),
        ]
        for server, body, status, text in cases:
            with self.subTest(body=body):
                got, j = self.set_state(server, body)
                self.assertEqual(got, status, j)
                self.assertIn(text, j["error"])
                self.assertEqual(self.fo(p, name).state, "Paused")
        for method, path, status, text in (
                ("GET", "/_emu/servers/%s/failover-state" % pn, 405, "takes POST DELETE"),
                ("POST", "/_emu/servers/%s/config" % pn, 405, "takes GET"),
                ("GET", "/_emu/servers/%s/simulated" % pn, 405, "takes POST"),
                ("GET", "/_emu/servers/%s/other" % pn, 404, "no such control endpoint"),
                ("GET", "/_emu/servers/%s" % pn, 404, "no such control endpoint"),
                ("GET", "/_emu/servers/nobody.example/config", 404, 'no DHCP server'),
                ("GET", "/_emu/servers/%s/config" % ("x" * 300), 404, "no DHCP server"),
                ("DELETE", "/_emu/servers/%s/failover-state?relationship=nope" % pn, 404,
                 "has no failover relationship"),
                ("DELETE", "/_emu/servers/%s/failover-state?relationship=%%zz" % pn, 400,
                 "relationship")):
            with self.subTest(method=method, path=path):
                got, j = control(self.emu, method, path)
                self.assertEqual(got, status, j)
                self.assertIn(text, j["error"])
        self.assertEqual(self.fo(p, name).state, "Paused")
        # every server is simulated here: none can be made real
        for body, status, text in (
                ({"simulated": False}, 409, 'every DHCP server is simulated'),
                ({"simulated": "no"}, 400, '"simulated" is true or false'),
                ({}, 400, '"simulated" is true or false'),
                ({"simulated": True, "x": 1}, 400, 'unknown field "x"')):
            with self.subTest(body=body):
                got, j = control(self.emu, "POST", "/_emu/servers/%s/simulated" % pn, body)
                self.assertEqual(got, status, j)
                self.assertIn(text, j["error"])
        self.assertEqual(self.props(p)["simulated"], "true")

    def test_server_never_pushed(self):
        """A disabled server's file is never pushed: no file yet."""
        name = "off.sim.example."
        ref = self.server(name, "10.47.0.2", enabled=False)
        self.wait("Disabled", lambda: self.srv(ref).state == "Disabled")
        status, j = control(self.emu, "GET", "/_emu/servers/%s/config" % name)
        self.assertEqual(status, 404, j)
        self.assertEqual(j["error"], 'DHCP server "%s" has no file installed yet' % name)

    def test_z_reset_clears_the_simulation(self):
        """Last (z): the reset empties every table."""
        pn, p, sn, s, sc, name = self.pair("z", 48)
        self.assertEqual(self.set_state(pn, {"relationship": name, "state": "Paused"})[0], 200)
        self.assertEqual(self.emu.sql("SELECT (SELECT count(*) FROM sim_configs) > 0, "
                                      "(SELECT count(*) FROM sim_failover_states) > 0"),
                         [["t", "t"]])
        status, j = control(self.emu, "POST", "/_emu/reset?keepSessions=true")
        self.assertEqual(status, 200, j)
        self.assertEqual(self.emu.sql("SELECT (SELECT count(*) FROM sim_configs), "
                                      "(SELECT count(*) FROM sim_failover_states), "
                                      "(SELECT every_server FROM sim_mode)"),
                         [["0", "0", "t"]])
        self.assertEqual(control(self.emu, "GET", "/_emu/servers/%s/config" % pn)[0], 404)
        # and it simulates on: a new server's file is kept again
        ref = self.server(pn, "10.48.0.2")
        self.wait("OK", lambda: self.srv(ref).state == "OK")
        self.assertEqual(self.config(pn)["server"], pn)


class WithAgents(SimCase):
    """run with --agent-secret-file: a server is real unless marked."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="simsecret")
        secret = os.path.join(cls.tmp, "secret")
        with open(secret, "w") as f:
            f.write("a secret for every agent\n")
        cls.emu = RunEmu(args=["--agent-secret-file", secret, "--backoff", "60,300",
                               "--agent-timeout", "2"]
                         + dhcpd_args())
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        et.module_emu_stop(cls.emu)

    def mark(self, name, on):
        return control(self.emu, "POST", "/_emu/servers/%s/simulated" % name, {"simulated": on})

    def test_marking_races_a_relationship(self):
        """Marking a server simulated while a relationship joining it to a
        real server is added: one of the two wins, the other is refused
        (409, or a Client fault), never both, whichever runs first."""
        import threading
        wins = {"mark": 0, "relationship": 0}
        for i in range(8):
            an, bn = "race%d-a.real.example." % i, "race%d-b.real.example." % i
            a = self.server(an, "127.51.1.%d" % (2 * i + 2))
            b = self.server(bn, "127.51.1.%d" % (2 * i + 3))
            out = {}
            go = threading.Barrier(2)

            def mark():
                go.wait()
                out["mark"] = self.mark(an, True)

            def relate():
                go.wait()
                try:
                    self.relationship("race%d" % i, a, b)
                    out["relationship"] = None
                except zeep.exceptions.Fault as f:
                    out["relationship"] = f

            ts = [threading.Thread(target=mark), threading.Thread(target=relate)]
            for t in ts:
                t.start()
            for t in ts:
                t.join(60)
            status, j = out["mark"]
            fault = out["relationship"]
            with self.subTest(round=i, mark=status, fault=fault):
                if status == 200:
                    self.assertIsNotNone(fault)
                    self.assertIn("would join", fault.message)
                    self.assertTrue(fault.code.endswith(":Client"), fault.code)
                    self.assertIsNone(self.svc.GetDHCPFailoverRelationships(
                        session=self.session, dhcpServerRef=a))
                    wins["mark"] += 1
                else:
                    self.assertEqual(status, 409, j)
                    self.assertIn("would join", j["error"])
                    self.assertIsNone(fault)
                    self.assertEqual(self.props(a)["simulated"], "false")
                    wins["relationship"] += 1
                    # the other tests of the class expect no relationship
                    self.svc.RemoveDHCPFailoverRelationships(
                        session=self.session, dhcpRefAndFailoverRelationshipNames=dict(
                            dhcpRefAndFailoverRelationshipName=[dict(
                                dhcpServerRef=a, dhcpFailoverRelationshipName="race%d" % i)]),
                        dhcpFailoverRelationshipDeconfigureAction="None")
        self.assertEqual(sum(wins.values()), 8, wins)

    def test_real_unless_marked(self):
        status, j = control(self.emu, "GET", "/_emu/health")
        self.assertEqual(j["worker"], "running")
        an, bn, cn = "a.real.example.", "b.real.example.", "c.real.example."
        a = self.server(an, "127.51.0.2")
        b = self.server(bn, "127.51.0.3")
        c = self.server(cn, "127.51.0.4")
        for ref in (a, b, c):
            self.assertEqual(self.props(ref)["simulated"], "false")
            self.assertIsNone(self.srv(ref).customProperties)
        # a real server's file is on its agent: not here
        status, j = control(self.emu, "GET", "/_emu/servers/%s/config" % cn)
        self.assertEqual(status, 409, j)
        self.assertIn("is not simulated", j["error"])
        # marked: simulated, its file kept
        status, j = self.mark(an, True)
        self.assertEqual((status, j), (200, {"server": an, "simulated": True, "own": True,
                                             "everyServer": False}))
        self.assertEqual(self.props(a)["simulated"], "true")
        self.wait("a OK", lambda: self.srv(a).state == "OK")
        self.assertIn("# dhcpd.conf of DHCP server %s" % an, self.config(an)["config"])
        self.assertEqual(self.emu.sql("SELECT action, login, comment FROM change_log "
                                      "WHERE object_name = :'v1' AND action = 'modify'", an),
                         [["modify", "_emu", "simulated: true"]])
        # a relationship joining a simulated and a real server: refused
        sc = self.scope(a, "10.52.1.0/24")
        for primary, secondary in ((a, b), (b, a)):
            self.client_fault(self.relationship, "mixed", primary, secondary,
                              text=["would join", "simulated DHCP server", "real DHCP server",
                                    "both servers of a relationship are simulated, or neither"])
        self.assertIsNone(self.svc.GetDHCPFailoverRelationships(session=self.session))
        # both simulated: allowed, and it comes to Normal
        self.assertEqual(self.mark(bn, True)[0], 200)
        self.relationship("both", a, b)
        self.add_scopes(a, "both", [sc])
        self.wait("Normal", lambda: self.fo(a, "both").state == "Normal")
        self.assertEqual(self.config(bn)["peers"], ["both"])
        # one side made real while in it: 409, nothing changed
        status, j = self.mark(bn, False)
        self.assertEqual(status, 409, j)
        self.assertIn('failover relationship "both" would join', j["error"])
        self.assertEqual(self.props(b)["simulated"], "true")
        # a real server's state cannot be set
        status, j = control(self.emu, "POST", "/_emu/servers/%s/failover-state" % cn,
                            {"relationship": "both", "state": "Normal"})
        self.assertEqual(status, 409, j)
        self.assertIn("is not simulated", j["error"])
        # out of the relationship, it may become real: its file goes
        self.svc.RemoveDHCPFailoverRelationships(
            session=self.session, dhcpRefAndFailoverRelationshipNames=dict(
                dhcpRefAndFailoverRelationshipName=[dict(dhcpServerRef=a,
                                                        dhcpFailoverRelationshipName="both")]),
            dhcpFailoverRelationshipDeconfigureAction="None")
        status, j = self.mark(bn, False)
        self.assertEqual((status, j["simulated"]), (200, False), j)
        self.assertEqual(control(self.emu, "GET", "/_emu/servers/%s/config" % bn)[0], 409)
        self.assertEqual(self.emu.sql("SELECT count(*) FROM sim_configs WHERE server_id = "
                                      "(SELECT id FROM dhcp_servers WHERE name = :'v1')", bn),
                         [["0"]])
        # a real server is pushed to its agent: there is none here
        self.wait("b pushed to its agent",
                  lambda: self.srv(b).state in ("Unreachable", "Out of date"))
        self.assertIn("agent 127.51.0.3:8647", self.srv(b).stateMessage)
        # --simulate: every server simulated, the marked ones and the others
        self.emu.stop()
        self.emu.args.append("--simulate")
        self.emu.start()
        self.zeep_login(self.emu)
        status, j = control(self.emu, "GET", "/_emu/health")
        self.assertEqual(j["worker"], "running (every server simulated)")
        self.assertEqual(self.props(c)["simulated"], "true")
        self.assertEqual(self.mark(cn, False)[0], 409)


if __name__ == "__main__":
    unittest.main()
