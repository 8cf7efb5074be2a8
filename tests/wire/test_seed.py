#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed documents (docs/control.md, "Seed"): POST /_emu/seed and --seed.

The example of docs/examples/seed-failover.json read back through zeep;
--seed at start, and a bad seed file stopping the process with nothing
written; refusals at every level of the document (shape, a rule of the
API's own calls), each leaving every listing as it was; ?reset=true in
the seed's transaction; seeds among clients adding objects."""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402
import zeep.helpers  # noqa: E402

EXAMPLE = os.path.join(et.REPO, "docs", "examples", "seed-failover.json")
MAX_ELEMENTS = 40  # --max-elements of the module's server


def load_example():
    with open(EXAMPLE, encoding="utf-8") as f:
        return json.load(f)


def seed(emu, doc, query=""):
    """(status, parsed JSON) of POST /_emu/seed with doc (a dict, or raw
    bytes as they are)."""
    body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    c = http.client.HTTPConnection(emu.host, emu.port, timeout=60)
    try:
        c.request("POST", "/_emu/seed" + query, body=body,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
    finally:
        c.close()
    return r.status, json.loads(data)


def setUpModule():
    global EMU
    if et.remote():
        raise unittest.SkipTest("needs servers started by the harness")
    EMU = et.Emu(["--max-elements", str(MAX_ELEMENTS)])


def tearDownModule():
    et.module_emu_stop(EMU)


class SeedCase(et.ZeepCase):

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)

    def reseed(self, doc=None):
        """The example (or doc) seeded over a fresh install."""
        status, j = seed(self.emu, doc if doc is not None else load_example(),
                         "?reset=true")
        self.assertEqual(status, 201, j)
        return j

    def snapshot(self):
        """Everything the API lists, and the rows behind what it does not
        (change log, queued pushes, property values)."""
        svc, s = self.svc, self.session
        out = {
            "servers": svc.GetDHCPServers(session=s),
            "ranges": svc.GetRanges(session=s),
            "scopes": svc.GetDHCPScopes(session=s),
            "pools": svc.GetDHCPAddressPools(session=s),
            "relationships": svc.GetDHCPFailoverRelationships(session=s),
        }
        for t in ("DHCPServer", "Range", "DHCPScope", "DHCPAddressPool"):
            out["defs " + t] = svc.GetPropertyDefinitions(session=s, objType=t)
        out = {k: zeep.helpers.serialize_object(v, dict) for k, v in out.items()}
        out["change_log"] = self.emu.sql("SELECT count(*) FROM change_log")
        out["property_values"] = self.emu.sql("SELECT * FROM property_values ORDER BY 1, 2, 3")
        out["config_jobs"] = self.emu.sql("SELECT server_id, generation FROM config_jobs "
                                          "ORDER BY 1")
        return out


class ExampleTest(SeedCase):
    """The failover pair of the example, read back exactly."""

    def test_example_reads_back(self):
        doc = load_example()
        j = self.reseed(doc)
        self.assertEqual(j["status"], "seeded")
        self.assertIs(j["reset"], True)
        self.assertEqual(j["created"], {
            "propertyDefinitions": 2, "dhcpServers": 2, "ranges": 1,
            "dhcpFailoverRelationships": 1, "dhcpScopes": 2, "dhcpAddressPools": 2})
        # ids from 1 after the reset, in the document's order
        self.assertEqual(j["refs"], {
            "dhcpServers": ["{#3-#1}", "{#3-#2}"], "ranges": ["{#6-#1}"],
            "dhcpScopes": ["{#7-#1}", "{#7-#2}"],
            "dhcpAddressPools": ["{#10-#1}", "{#10-#2}"]})
        svc, s = self.svc, self.session
        a_ref, b_ref = j["refs"]["dhcpServers"]

        servers = svc.GetDHCPServers(session=s).dhcpServers.dhcpServer
        self.assertEqual([(x.ref, x.name, x.address, x.type, x.enabled) for x in servers],
                         [(a_ref, "dhcp-a.example.com.", "192.0.2.10", "ISC", True),
                          (b_ref, "dhcp-b.example.com.", "192.0.2.11", "ISC", True)])

        rng = svc.GetRange(session=s, rangeRef="10.1.0.0/24")
        self.assertEqual((rng.ref, rng.name, rng["from"], rng.to),
                         (j["refs"]["ranges"][0], "10.1.0.0/24", "10.1.0.0", "10.1.0.255"))
        self.assertEqual({p.name: p.value for p in rng.customProperties.property},
                         {"VLAN": "101"})
        self.assertEqual(sorted(o.ref for o in rng.dhcpScopes.object),
                         sorted(j["refs"]["dhcpScopes"]))

        scopes = svc.GetDHCPScopes(session=s).dhcpScopes.dhcpScope
        self.assertEqual([(x.ref, x.name, x.rangeRef, x.dhcpServerRef, x.description,
                           x.enabled, x.failoverRelationship) for x in scopes],
                         [(j["refs"]["dhcpScopes"][0], "10.1.0.0/24", rng.ref, a_ref,
                           "office LAN", True, "failover-ab"),
                          (j["refs"]["dhcpScopes"][1], "10.1.0.0/24", rng.ref, b_ref,
                           "office LAN", True, "failover-ab")])
        for ref in j["refs"]["dhcpScopes"]:
            props = svc.GetProperties(session=s, ref=ref)
            self.assertIn(("location", "building 1"), [(p.name, p.value) for p in props])

        pools = svc.GetDHCPAddressPools(session=s).dhcpAddressPools.dhcpAddressPool
        self.assertEqual([(p.ref, p["from"], p.to, p.dhcpScopeRef,
                           p.failoverRelationship) for p in pools],
                         [(j["refs"]["dhcpAddressPools"][0], "10.1.0.100", "10.1.0.199",
                           j["refs"]["dhcpScopes"][0], "failover-ab"),
                          (j["refs"]["dhcpAddressPools"][1], "10.1.0.100", "10.1.0.199",
                           j["refs"]["dhcpScopes"][1], "failover-ab")])

        fo = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef="dhcp-a.example.com",
                                             dhcpFailoverRelationshipName="failover-ab")
        self.assertEqual(
            (fo.name, fo.primaryServer, fo.secondaryServer, fo.failoverMode,
             fo.failoverServerType, fo.mclt, fo.safePeriod, fo.percentage, fo.port,
             fo.peerPort, fo.loadBalanceMaxSeconds, fo.maxResponseDelay,
             fo.maxUnackedUpdates, fo.dhcpServerRef, list(fo.dhcpScopeRefs.ref)),
            ("failover-ab", "dhcp-a.example.com.", "dhcp-b.example.com.", "LoadBalance",
             "PrimaryServer", 3600, 0, 50, 647, 647, 3, 60, 10, a_ref,
             [j["refs"]["dhcpScopes"][0]]))
        fo_b = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=b_ref,
                                               dhcpFailoverRelationshipName="failover-ab")
        self.assertEqual((fo_b.failoverServerType, list(fo_b.dhcpScopeRefs.ref)),
                         ("SecondaryServer", [j["refs"]["dhcpScopes"][1]]))

        defs = svc.GetPropertyDefinitions(session=s, objType="DHCPScope")
        d = defs[0]
        self.assertEqual((d.name, d.type, d.defaultValue), ("location", "String", "unknown"))
        # one change log row per call the document stands for
        rows = self.emu.sql("SELECT action, object_type, comment FROM change_log ORDER BY id")
        self.assertEqual(len(rows), 2 + 2 + 1 + 1 + 2 + 2 + 2 + 1, rows)
        self.assertEqual({r[2] for r in rows}, {"failover pair of the Micetro manual"})

    def test_the_documented_example_applies(self):
        """The first document of control.md's "Seed" section is a seed."""
        with open(os.path.join(et.REPO, "docs", "control.md"), encoding="utf-8") as f:
            text = f.read()
        section = text[text.index("\n## Seed\n"):]
        block = section[section.index("```json\n") + 8:]
        j = self.reseed(json.loads(block[:block.index("```")]))
        self.assertEqual(j["created"]["dhcpScopes"], 1)
        scope = self.svc.GetDHCPScope(session=self.session, dhcpScopeRef=j["refs"]["dhcpScopes"][0])
        self.assertEqual(scope.failoverRelationship, "failover-ab")

    def test_reset_true_twice_gives_the_same_refs(self):
        first = self.reseed()
        second = self.reseed()
        self.assertEqual(first["refs"], second["refs"])

    def test_seed_adds_to_what_exists(self):
        """Without reset a seed adds to the objects there, which it may
        name: a scope joining the example's relationship on creation
        (dhcpFailoverRelationshipName) gets its partner instance."""
        self.reseed()
        status, j = seed(self.emu, {
            "ranges": [{"name": "10.1.1.0/24"}],
            "dhcpScopes": [{"name": "lab", "rangeRef": "10.1.1.0/24",
                            "dhcpServerRef": "dhcp-b.example.com",
                            "dhcpFailoverRelationshipName": "failover-ab"}],
            "dhcpAddressPools": [{"dhcpScopeRef": "dhcp-b.example.com:10.1.1.0/24",
                                  "from": "10.1.1.10", "to": "10.1.1.20", "name": "lab-pool"}]})
        self.assertEqual(status, 201, j)
        self.assertIs(j["reset"], False)
        self.assertEqual(j["refs"]["ranges"], ["{#6-#2}"])
        on_a = self.svc.GetDHCPScope(session=self.session,
                                     dhcpScopeRef="dhcp-a.example.com:10.1.1.0/24")
        self.assertEqual((on_a.name, on_a.failoverRelationship), ("lab", "failover-ab"))
        pools = self.svc.GetDHCPAddressPools(session=self.session, dhcpScopeRef=on_a.ref)
        self.assertEqual([p.name for p in pools.dhcpAddressPools.dhcpAddressPool],
                         ["lab-pool"])  # mirrored to the partner instance


class RefusalTest(SeedCase):
    """Each bad document: 400 with the path where it failed, and every
    listing as before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        status, j = seed(EMU, load_example(), "?reset=true")
        assert status == 201, j
        cls.before = None

    def setUp(self):
        if RefusalTest.before is None:
            RefusalTest.before = self.snapshot()

    def refused(self, doc, path, text=None, query=""):
        status, j = seed(self.emu, doc, query)
        self.assertEqual(status, 400, j)
        self.assertTrue(j["error"].startswith(path + ": "), j["error"])
        if text is not None:
            self.assertIn(text, j["error"])
        self.assertEqual(self.snapshot(), RefusalTest.before)
        return j["error"]

    def new_server(self, name="dhcp-c.example.com", address="192.0.2.12"):
        return {"name": name, "address": address, "type": "ISC"}

    def test_unknown_server(self):
        # the server and range before it were written, then rolled back
        self.refused({"dhcpServers": [self.new_server()],
                      "ranges": [{"name": "10.2.0.0/24"}],
                      "dhcpScopes": [
                          {"name": "ok", "rangeRef": "10.2.0.0/24",
                           "dhcpServerRef": "dhcp-c.example.com"},
                          {"name": "x", "rangeRef": "10.2.0.0/24",
                           "dhcpServerRef": "dhcp-a.example.com"},
                          {"name": "y", "rangeRef": "10.2.0.0/24", "dhcpServerRef": "dhcp-d"}]},
                     "dhcpScopes[2].dhcpServerRef", 'DHCP server "dhcp-d" does not exist')

    def test_unknown_scope_of_a_pool(self):
        self.refused({"dhcpAddressPools": [{"dhcpScopeRef": "10.9.9.0/24",
                                            "from": "10.9.9.1", "to": "10.9.9.2"}]},
                     "dhcpAddressPools[0].dhcpScopeRef", "does not exist")

    def test_duplicate_names(self):
        self.refused({"dhcpServers": [self.new_server(),
                                      self.new_server(address="192.0.2.13")]},
                     "dhcpServers[1]", "already exists")
        self.refused({"dhcpServers": [self.new_server("DHCP-A.example.com.")]},
                     "dhcpServers[0]", "already exists")
        self.refused({"propertyDefinitions": [{"objType": "Range", "name": "vlan",
                                               "type": "String"}]},
                     "propertyDefinitions[0]", "already exists")

    def test_bad_values(self):
        self.refused({"ranges": [{"name": "10.2.0.0/24"}, {"name": "10.2.1.1/24"}]},
                     "ranges[1]", 'did you mean "10.2.1.0/24"')
        self.refused({"dhcpServers": [self.new_server(address="192.0.2.300")]},
                     "dhcpServers[0]")
        self.refused({"dhcpServers": [{"name": "dhcp-e.example.com", "address": "192.0.2.14"}]},
                     "dhcpServers[0]", "only ISC")  # type left out: as in SOAP
        self.refused({"dhcpAddressPools": [{"dhcpScopeRef": "dhcp-a.example.com:10.1.0.0/24",
                                            "from": "10.1.0.150", "to": "10.1.0.250"}]},
                     "dhcpAddressPools[0]", "overlap")
        self.refused({"ranges": [{"name": "10.2.0.0/24", "customProperties": {"VLAN": "x"}}]},
                     "ranges[0]")
        self.refused({"dhcpScopes": [{"name": "s", "rangeRef": "10.1.0.0/24",
                                      "dhcpServerRef": "dhcp-a.example.com"}]},
                     "dhcpScopes[0]")  # one instance per server and range
        self.refused({"dhcpFailoverRelationships": [{
            "name": "fo-x", "primaryServer": "dhcp-a.example.com",
            "secondaryServer": "dhcp-b.example.com", "failoverMode": "HotStandby",
            "mclt": 0, "percentage": 50}]}, "dhcpFailoverRelationships[0]", "mclt")

    def test_rule_of_the_failover_commands(self):
        """A scope already in a relationship cannot join another: the rule
        AddDHCPScopesToDHCPFailoverRelationship enforces."""
        self.refused({"dhcpServers": [self.new_server()],
                      "dhcpFailoverRelationships": [{
                          "name": "fo-ac", "primaryServer": "dhcp-a.example.com",
                          "secondaryServer": "dhcp-c.example.com",
                          "failoverMode": "LoadBalance", "mclt": 3600, "percentage": 50,
                          "dhcpScopeRefs": ["10.1.0.0/24"]}]},
                     "dhcpFailoverRelationships[0].dhcpScopeRefs[0]",
                     'is already in failover relationship "failover-ab"')

    def test_custom_property_of_a_scope(self):
        self.refused({"ranges": [{"name": "10.2.0.0/24"}],
                      "dhcpScopes": [{"name": "s", "rangeRef": "10.2.0.0/24",
                                      "dhcpServerRef": "dhcp-a.example.com",
                                      "customProperties": {"nosuch": "1"}}]},
                     "dhcpScopes[0].customProperties", 'unknown property "nosuch"')

    def test_shape(self):
        self.refused({"servers": []}, "servers", "unknown key")
        self.refused({"dhcpScopes": [{"server": "dhcp-a"}]}, "dhcpScopes[0].server",
                     "unknown key; dhcpScopes take name, rangeRef")
        self.refused({"dhcpServers": [dict(self.new_server(), ref="{#3-#9}")]},
                     "dhcpServers[0].ref", "unknown key")
        self.refused({"dhcpServers": {}}, "dhcpServers", "expected an array")
        self.refused({"dhcpServers": [[]]}, "dhcpServers[0]", "expected an object")
        self.refused({"dhcpServers": [dict(self.new_server(), enabled="yes")]},
                     "dhcpServers[0].enabled", "expected true or false")
        self.refused({"dhcpServers": [dict(self.new_server(), name=3)]},
                     "dhcpServers[0].name", "expected a string")
        self.refused({"dhcpServers": [dict(self.new_server(), name="a\u0000b")]},
                     "dhcpServers[0].name", "NUL byte")
        self.refused({"ranges": [{"name": "10.2.0.0/24", "customProperties": {"VLAN": 7}}]},
                     "ranges[0].customProperties.VLAN", "expected a string")
        self.refused({"dhcpFailoverRelationships": [{"mclt": -1}]},
                     "dhcpFailoverRelationships[0].mclt", "expected an integer")
        self.refused({"dhcpFailoverRelationships": [{"failoverMode": "Fast"}]},
                     "dhcpFailoverRelationships[0].failoverMode")
        self.refused({"dhcpFailoverRelationships": [{"failoverMode": "1"}]},
                     "dhcpFailoverRelationships[0].failoverMode")  # names only
        self.refused({"propertyDefinitions": [{"objType": "Range", "name": "L",
                                               "type": "String", "listItems": ["a", 1]}]},
                     "propertyDefinitions[0].listItems[1]", "expected a string")
        self.refused({"saveComment": 1}, "saveComment", "expected a string")
        self.refused([], "document", "expected a JSON object")
        status, j = seed(self.emu, b'{"dhcpServers": [')
        self.assertEqual(status, 400, j)
        self.assertIn("not JSON", j["error"])
        status, j = seed(self.emu, b'{"saveComment": "a", "saveComment": "b"}')
        self.assertEqual(status, 400, j)  # a duplicate key
        status, j = seed(self.emu, {}, "?reset=yes")
        self.assertEqual((status, j), (400, {"error": "reset is true or false"}))
        self.assertEqual(self.snapshot(), RefusalTest.before)

    def test_limits(self):
        self.refused({"ranges": [{"name": "10.3.%d.0/24" % i} for i in range(MAX_ELEMENTS + 1)]},
                     "ranges", "more than %d items (--max-elements)" % MAX_ELEMENTS)
        self.refused({"dhcpServers": [dict(self.new_server(), proxy="p" * 70000)]},
                     "dhcpServers[0].proxy", "longer than 65536 bytes")
        c = http.client.HTTPConnection(self.emu.host, self.emu.port, timeout=60)
        try:
            # refused on its length alone, before the body is sent
            c.putrequest("POST", "/_emu/seed")
            c.putheader("Content-Length", str(1048576 + 1))
            c.endheaders()
            r = c.getresponse()
            self.assertEqual(r.status, 413)
            self.assertIn("error", json.loads(r.read()))
        finally:
            c.close()
        self.assertEqual(self.snapshot(), RefusalTest.before)

    def test_failed_seed_with_reset_resets_nothing(self):
        """reset=true runs in the seed's transaction: a refused document
        leaves the objects that were there."""
        self.refused({"dhcpServers": [self.new_server(), self.new_server()]},
                     "dhcpServers[1]", "already exists", query="?reset=true")


def run_to_exit(emu, args):
    """Runs emu's command line with args until it exits (at most 60 s):
    (exit status, stderr)."""
    env = dict(os.environ)
    env.pop("MICETRO_URL", None)
    env.pop("MICETRO_DB", None)
    r = subprocess.run(emu.command() + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=env, cwd=emu.tmp, timeout=60)
    return r.returncode, r.stderr.decode("utf-8", "replace")


class StartTest(et.EmuTestCase):
    """--seed FILE at start."""

    def test_seed_at_start(self):
        emu = et.Emu(["--seed", EXAMPLE])
        self.addCleanup(emu.close)
        self.assertIn("seeded from %s" % EXAMPLE, emu.log())
        s = et.login(emu)
        r = et.call(emu, "GetDHCPFailoverRelationship", s, extra=(
            ("dhcpServerRef", "dhcp-b.example.com"),
            ("dhcpFailoverRelationshipName", "failover-ab")))
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(b"<failoverServerType>SecondaryServer</failoverServerType>",
                      r.body.replace(b"ns1:", b"").replace(b"mm:", b""))
        emu.stop()
        # started again on the same data: the seed is not applied twice
        emu.start()
        self.assertIn("--seed %s: not applied: the database already has objects" % EXAMPLE,
                      emu.log())
        s = et.login(emu)
        r = et.call(emu, "GetDHCPServers", s)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body.count(b"<mm:totalResults>2</mm:totalResults>"), 1, r.body)
        emu.stop()

    def test_bad_seed_file(self):
        d = tempfile.mkdtemp(prefix="seed", dir="/tmp")
        self.addCleanup(shutil.rmtree, d, True)
        bad = os.path.join(d, "bad.json")
        doc = load_example()
        doc["dhcpAddressPools"][1]["dhcpScopeRef"] = "dhcp-z.example.com:10.1.0.0/24"
        with open(bad, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        emu = et.Emu(start=False)
        self.addCleanup(emu.close)
        rc, err = run_to_exit(emu, ["--seed", bad])
        self.assertEqual(rc, 1, err)
        self.assertIn("micetro-emu: --seed %s: dhcpAddressPools[1].dhcpScopeRef: DHCP scope "
                      "\"dhcp-z.example.com:10.1.0.0/24\" does not exist" % bad, err)
        self.assertNotIn("listening on", err)
        # nothing was written: the same data directory serves an empty install
        emu.start()
        self.assertEqual(emu.sql("SELECT count(*) FROM dhcp_servers")[0][0], "0")
        self.assertEqual(emu.sql("SELECT count(*) FROM property_definitions")[0][0], "0")
        self.assertEqual(emu.sql("SELECT count(*) FROM change_log")[0][0], "0")
        emu.stop()
        # a file that is missing, not JSON, or too large; the worker takes none
        with open(bad, "w", encoding="utf-8") as f:
            f.write('{"dhcpServers": [')
        big = os.path.join(d, "big.json")
        with open(big, "w", encoding="utf-8") as f:
            f.write(" " * 2048)
        for args, text, status in (
                (["--seed", os.path.join(d, "none.json")], "none.json: No such file", 1),
                (["--seed", bad], "bad.json: the document is not JSON", 1),
                (["--seed", big, "--max-message-bytes", "1024"],
                 "big.json: larger than 1024 bytes (--max-message-bytes)", 1)):
            rc, err = run_to_exit(emu, args)
            self.assertEqual(rc, status, err)
            self.assertIn(text, err)
        r = subprocess.run([et.BIN, "worker", "--seed", EXAMPLE], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60,
                           env=dict(os.environ, MICETRO_AGENT_SECRET="s" * 32))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"--seed is for run and serve", r.stderr)


class ConcurrencyTest(SeedCase):
    """Seeds while 4 clients add servers and ranges: every seed is
    applied, no client call gets a Server fault."""

    def test_seeds_among_writes(self):
        emu = self.emu
        errors, stop = [], threading.Event()

        done = [0] * 5

        def writer(k):
            try:
                import zeep
                svc = zeep.Client(emu.wsdl_url, settings=zeep.Settings(strict=True)).service
                s = svc.Login(server="localhost", loginName=et.USER, password=et.PASSWORD)
                while not stop.is_set() and done[k] < 150:
                    n = done[k] + 1
                    svc.AddDHCPServer(session=s, dhcpServer=dict(
                        name="w%d-%d.seed.example." % (k, n), address="10.253.%d.%d" % (k, n),
                        type="ISC"))
                    svc.AddRange(session=s, range=dict(name="10.%d.%d.0/24" % (200 + k, n)))
                    done[k] = n
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(repr(exc))

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(1, 5)]
        for t in threads:
            t.start()
        try:
            for i in range(6):
                doc = load_example()
                for x in doc["dhcpServers"]:
                    x["name"] = "r%d-%s" % (i, x["name"])
                    x["address"] = x["address"].replace("192.0.2.", "198.51.%d." % i)
                for x in doc["dhcpScopes"]:
                    x["dhcpServerRef"] = "r%d-%s" % (i, x["dhcpServerRef"])
                for x in doc["dhcpAddressPools"]:
                    x["dhcpScopeRef"] = x["dhcpScopeRef"].replace("dhcp-", "r%d-dhcp-" % i)
                    x["dhcpScopeRef"] = x["dhcpScopeRef"].replace("10.1.0.", "10.1.%d." % i)
                    x["from"] = x["from"].replace("10.1.0.", "10.1.%d." % i)
                    x["to"] = x["to"].replace("10.1.0.", "10.1.%d." % i)
                fo = doc["dhcpFailoverRelationships"][0]
                fo["name"] = "fo-%d" % i
                fo["primaryServer"] = "r%d-%s" % (i, fo["primaryServer"])
                fo["secondaryServer"] = "r%d-%s" % (i, fo["secondaryServer"])
                fo["dhcpScopeRefs"] = ["10.1.%d.0/24" % i]
                cidr = "10.1.%d.0/24" % i
                doc["ranges"][0]["name"] = cidr
                for x in doc["dhcpScopes"]:
                    x["name"] = x["rangeRef"] = cidr
                if i == 0:
                    status, j = seed(emu, doc, "?reset=true")
                else:
                    del doc["propertyDefinitions"]
                    status, j = seed(emu, doc)
                self.assertEqual(status, 201, j)
        finally:
            stop.set()
            for t in threads:
                t.join(60)
        self.assertEqual(errors, [])
        self.assertTrue(all(done[1:]), done)  # each client wrote meanwhile
        rels = self.svc.GetDHCPFailoverRelationships(session=self.session)
        self.assertEqual(sorted(r.name for r in rels), ["fo-%d" % i for i in range(6)])
        self.assertHealthy(emu)


if __name__ == "__main__":
    unittest.main()
