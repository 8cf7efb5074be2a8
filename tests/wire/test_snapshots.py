#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The control API's snapshots (docs/control.md#snapshots): save, list,
restore, replace, delete; exact objects, ids and push queue after a
restore; sessions kept; refusals that change nothing; the limit; a
snapshot of another migration refused; snapshots across a reset and a
restart; restores among clients adding servers."""

import http.client
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402
from test_control import add_server  # noqa: E402

# The tables a snapshot holds, each with the order its rows are compared in.
TABLES = (("dhcp_failover", "id"), ("dhcp_servers", "id"), ("ranges", "id"),
          ("dhcp_scopes", "id"), ("dhcp_pools", "id"), ("property_definitions", "id"),
          ("property_values", "object_type, object_id, definition_id"),
          ("change_log", "id"), ("sim_configs", "server_id"),
          ("sim_failover_states", "failover_id, server_id"),
          ("sim_waiting_configs", "name_key"), ("dhcp_imports", "server_id"),
          ("dhcp_import_peers", "id"), ("config_jobs", "server_id"))
MAX = 64


def request(emu, method, path, body=None):
    """(status, parsed JSON or None)."""
    c = http.client.HTTPConnection(emu.host, emu.port, timeout=60)
    try:
        c.request(method, path, body=body)
        r = c.getresponse()
        data = r.read()
        ctype = r.getheader("Content-Type") or ""
    finally:
        c.close()
    if ctype.startswith("application/json"):
        return r.status, json.loads(data)
    return r.status, data or None


def add(emu, session, op, inner):
    body = ('<ns0:%s xmlns:ns0="%s"><ns0:session>%s</ns0:session>%s</ns0:%s>'
            % (op, et.NS_MM, session, inner, op))
    r = et.post(emu, et.envelope11(body), op)
    return et.result_of(r, op).find(et.q(et.NS_MM, "ref")).text


def state(emu):
    """Every row of every table a snapshot holds, and the next id of each
    identity, as text."""
    out = {}
    for table, order in TABLES:
        out[table] = [r[0] for r in emu.sql(
            "SELECT row_to_json(x)::text FROM (SELECT * FROM %s ORDER BY %s) x"
            % (table, order))]
    out["sequences"] = emu.sql(
        "SELECT sequencename, (xpath('/row/n/text()', query_to_xml(format("
        "'SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
        "AS n FROM %I', sequencename), false, false, '')))[1]::text "
        "FROM pg_sequences WHERE schemaname = 'public' "
        "AND sequencename NOT IN ('users_id_seq', 'snapshots_id_seq') ORDER BY 1")
    return out


class SnapshotTest(et.EmuTestCase):

    def setUp(self):
        self.emu = et.Emu()
        self.addCleanup(self.emu.close)
        self.s = et.login(self.emu)

    def save(self, name, query="", want=201):
        status, j = request(self.emu, "POST", "/_emu/snapshots/" + name + query)
        self.assertEqual(status, want, j)
        return j

    def restore(self, name, want=200):
        status, j = request(self.emu, "POST", "/_emu/snapshots/%s/restore" % name)
        self.assertEqual(status, want, j)
        return j

    def names(self):
        status, j = request(self.emu, "GET", "/_emu/snapshots")
        self.assertEqual(status, 200, j)
        self.assertEqual(j["max"], MAX)
        return [x["name"] for x in j["snapshots"]]

    def fixture(self):
        """Servers, ranges, scopes, pools, a custom property with values,
        their change log and push queue, made through SOAP."""
        emu, s = self.emu, self.s
        a = add_server(emu, s, "snap-a.example.", "10.250.0.1")
        add_server(emu, s, "snap-b.example.", "10.250.0.2")
        for i in range(3):
            add(emu, s, "AddRange", "<ns0:range><ns0:name>10.250.%d.0/24</ns0:name>"
                "</ns0:range>" % (i + 10))
            scope = add(emu, s, "AddDHCPScope",
                        "<ns0:dhcpScope><ns0:name>10.250.%d.0/24</ns0:name>"
                        "<ns0:rangeRef>10.250.%d.0/24</ns0:rangeRef>"
                        "<ns0:dhcpServerRef>%s</ns0:dhcpServerRef></ns0:dhcpScope>"
                        % (i + 10, i + 10, a))
            add(emu, s, "AddDHCPAddressPool",
                "<ns0:dhcpAddressPool><ns0:from>10.250.%d.10</ns0:from>"
                "<ns0:to>10.250.%d.20</ns0:to><ns0:dhcpScopeRef>%s</ns0:dhcpScopeRef>"
                "</ns0:dhcpAddressPool>" % (i + 10, i + 10, et.escape(scope)))
        emu.sql("INSERT INTO property_definitions (object_type, name, type) "
                "VALUES (7, 'owner', 'String')")
        emu.sql("INSERT INTO property_values (definition_id, object_type, object_id, value) "
                "SELECT d.id, 7, s.id, 'team ' || s.id FROM dhcp_scopes s, "
                "property_definitions d")
        self.assertGreater(len(state(emu)["config_jobs"]), 0)

    def test_save_list_replace_delete(self):
        self.fixture()
        j = self.save("base")
        self.assertEqual(j["name"], "base")
        self.assertRegex(j["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertIsInstance(j["durationMs"], float)
        version = int(self.emu.sql("SELECT max(version) FROM schema_migrations")[0][0])
        self.assertEqual(j["schemaVersion"], version)
        self.assertEqual(j["counts"]["dhcp_servers"], 2)
        self.assertEqual(j["counts"]["dhcp_scopes"], 3)
        self.assertEqual(j["counts"]["dhcp_pools"], 3)
        self.assertEqual(j["counts"]["property_values"], 3)
        self.assertEqual(set(j["counts"]), {t for t, _ in TABLES})
        status, lst = request(self.emu, "GET", "/_emu/snapshots")
        self.assertEqual(status, 200)
        self.assertEqual(lst["snapshots"], [{k: j[k] for k in
                                             ("name", "createdAt", "schemaVersion", "counts")}])
        # a name taken: 409 and nothing changes
        before = state(self.emu)
        status, err = request(self.emu, "POST", "/_emu/snapshots/base")
        self.assertEqual(status, 409, err)
        self.assertIn("replace=true", err["error"])
        status, err = request(self.emu, "POST", "/_emu/snapshots/base?replace=maybe")
        self.assertEqual(status, 400, err)
        status, err = request(self.emu, "POST", "/_emu/snapshots/base?replace=false")
        self.assertEqual(status, 409, err)
        self.assertEqual(self.names(), ["base"])
        # replaced: a new state under the same name
        add_server(self.emu, self.s, "snap-c.example.", "10.250.0.3")
        j2 = self.save("base", "?replace=true")
        self.assertEqual(j2["counts"]["dhcp_servers"], 3)
        self.assertGreaterEqual(j2["createdAt"], j["createdAt"])
        self.assertEqual(self.names(), ["base"])
        self.restore("base")
        self.assertEqual(len(state(self.emu)["dhcp_servers"]), 3)
        self.assertNotEqual(state(self.emu), before)
        # deleted: its copies with it
        status, body = request(self.emu, "DELETE", "/_emu/snapshots/base")
        self.assertEqual((status, body), (204, None))
        self.assertEqual(self.names(), [])
        self.assertEqual(self.emu.sql(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'micetro_snapshot_%'"),
            [["0"]])
        status, err = request(self.emu, "DELETE", "/_emu/snapshots/base")
        self.assertEqual(status, 404, err)
        self.restore("base", want=404)

    def test_restore_is_exact(self):
        """Objects, change log, push queue and id sequences as saved; the
        next server gets the id it would have got; the session stays."""
        emu, s = self.emu, self.s
        self.fixture()
        saved = state(emu)
        self.save("fixture")
        ref = add_server(emu, s, "snap-next.example.", "10.250.0.9")
        emu.sql("UPDATE dhcp_servers SET state = 'OK', state_message = 'changed'")
        emu.sql("DELETE FROM property_values")
        emu.sql("UPDATE dhcp_pools SET name = 'renamed'")
        add(emu, s, "AddRange", "<ns0:range><ns0:name>10.250.99.0/24</ns0:name></ns0:range>")
        emu.sql("DELETE FROM config_jobs")
        self.assertNotEqual(state(emu), saved)
        j = self.restore("fixture")
        self.assertEqual(j["name"], "fixture")
        self.assertIsInstance(j["durationMs"], float)
        self.assertGreater(j["rowsDeleted"], 0)
        self.assertGreater(j["rowsInserted"], 0)
        self.assertEqual(state(emu), saved)
        self.assertEqual(et.session_state(emu, s), "valid")
        # ids continue as they would have
        self.assertEqual(add_server(emu, s, "snap-next2.example.", "10.250.0.9"), ref)
        # a second restore writes only what changed since
        j = self.restore("fixture")
        self.assertEqual(state(emu), saved)
        # the server, its job, its import, its log row
        self.assertLessEqual(j["rowsDeleted"], 4)

    def test_queue_is_the_snapshots(self):
        """After a restore the push queue is the snapshot's, claims cleared,
        and restoring rows queues nothing of its own."""
        emu = self.emu
        self.fixture()
        jobs = emu.sql("SELECT server_id FROM config_jobs ORDER BY 1")
        self.assertEqual(len(jobs), 2)
        # the first server's job done, the second claimed by a worker
        emu.sql("DELETE FROM config_jobs WHERE server_id = %s" % jobs[0][0])
        emu.sql("UPDATE config_jobs SET claimed_by = 'w:1', claimed_until = now() + "
                "interval '1 hour', claimed_generation = generation")
        queue = emu.sql("SELECT server_id, generation, queued FROM config_jobs")
        self.save("q")
        et.call(emu, "GetDHCPServers", self.s)
        status, _ = request(emu, "POST", "/_emu/reset?keepSessions=true")
        self.assertEqual(status, 200)
        self.restore("q")
        self.assertEqual(emu.sql("SELECT server_id, generation, queued FROM config_jobs"), queue)
        self.assertEqual(emu.sql("SELECT count(*) FROM config_jobs WHERE claimed_by IS NOT NULL "
                                 "OR claimed_until IS NOT NULL"), [["0"]])

    def test_after_reset_and_restart(self):
        """A reset empties the objects, not the snapshots; both survive a
        restart; a restore brings the objects back after either."""
        emu = self.emu
        self.fixture()
        saved = state(emu)
        self.save("kept")
        status, _ = request(emu, "POST", "/_emu/reset")
        self.assertEqual(status, 200)
        self.assertEqual(self.names(), ["kept"])
        self.assertEqual(state(emu)["dhcp_servers"], [])
        self.restore("kept")
        self.assertEqual(state(emu), saved)
        emu.restart()
        self.assertEqual(self.names(), ["kept"])
        request(emu, "POST", "/_emu/reset")
        self.restore("kept")
        self.assertEqual(state(emu), saved)
        s = et.login(emu)
        self.assertEqual(len(et.result_of(et.call(emu, "GetDHCPServers", s), "GetDHCPServers")
                             .find(et.q(et.NS_MM, "dhcpServers"))), 2)

    def test_bulk_restore_keeps_indexes(self):
        """A restore into emptied tables holding at least 1,000 of a table's
        rows rebuilds its indexes rather than updating them row by row:
        the rows, the ids, every index (name and definition) and every
        constraint are as before, and the indexes answer queries."""
        emu = self.emu
        self.fixture()
        emu.sql("INSERT INTO change_log (login, action, object_type, object_id) "
                "SELECT 'administrator', 'add', 7, g FROM generate_series(1, 1500) g")
        catalog = ("SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisready "
                   "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                   "JOIN pg_class t ON t.oid = i.indrelid "
                   "JOIN pg_namespace n ON n.oid = t.relnamespace "
                   "WHERE n.nspname = 'public' ORDER BY 1")
        constraints = ("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                       "ORDER BY 1, 2")
        indexes, cons = emu.sql(catalog), emu.sql(constraints)
        self.assertIn("change_log_at_idx", [r[0] for r in indexes])
        saved = state(emu)
        self.save("bulk")
        status, _ = request(emu, "POST", "/_emu/reset?keepSessions=true")
        self.assertEqual(status, 200)
        j = self.restore("bulk")
        self.assertGreaterEqual(j["rowsInserted"], 1500)
        self.assertEqual(state(emu), saved)
        self.assertEqual(emu.sql(catalog), indexes)
        self.assertEqual(emu.sql(constraints), cons)
        plan = "\n".join(r[0] for r in emu.sql(
            "SET enable_seqscan = off; EXPLAIN SELECT id FROM change_log "
            "WHERE object_type = 7 AND object_id = 700"))
        self.assertIn("change_log_object_idx", plan)
        self.assertEqual(emu.sql("SELECT count(*) FROM change_log WHERE object_type = 7 "
                                 "AND object_id = 700"), [["1"]])

    def test_refusals_change_nothing(self):
        emu = self.emu
        self.fixture()
        self.save("one")
        before, names = state(emu), self.names()
        for method, path, want in (
                ("POST", "/_emu/snapshots/", 400),
                ("POST", "/_emu/snapshots/" + "a" * 65, 400),
                ("POST", "/_emu/snapshots/a%20b", 400),
                ("POST", "/_emu/snapshots/a%2Fb", 400),
                ("POST", "/_emu/snapshots/a/b", 400),
                ("POST", "/_emu/snapshots/%C3%A9", 400),
                ("POST", "/_emu/snapshots/a*", 400),
                ("POST", "/_emu/snapshots/nope/restore", 404),
                ("POST", "/_emu/snapshots//restore", 400),
                ("DELETE", "/_emu/snapshots/nope", 404),
                ("DELETE", "/_emu/snapshots/one/restore", 405),
                ("GET", "/_emu/snapshots/one", 405),
                ("POST", "/_emu/snapshots", 405),
                ("POST", "/_emu/snapshots/one", 409)):
            with self.subTest(method=method, path=path):
                status, j = request(emu, method, path)
                self.assertEqual(status, want, j)
                self.assertIsInstance(j["error"], str)
                self.assertTrue(j["error"])
        self.assertEqual(self.names(), names)
        self.assertEqual(state(emu), before)
        # the longest name, and every character allowed
        self.save("A-z_0.9" + "x" * 57)
        self.assertIn("A-z_0.9" + "x" * 57, self.names())

    def test_other_migration_refused(self):
        """A snapshot saved at another migration: 409 on restore, nothing
        changed."""
        emu = self.emu
        self.fixture()
        self.save("old")
        emu.sql("UPDATE snapshots SET schema_version = schema_version - 1")
        add_server(emu, self.s, "snap-late.example.", "10.250.0.7")
        before = state(emu)
        j = self.restore("old", want=409)
        self.assertIn("migration", j["error"])
        self.assertEqual(state(emu), before)

    def test_limit(self):
        """At most 64 snapshots: the 65th is 409 and changes nothing; a
        replace at the limit is fine."""
        for i in range(MAX):
            self.save("n%02d" % i)
        status, j = request(self.emu, "POST", "/_emu/snapshots/one-more")
        self.assertEqual(status, 409, j)
        self.assertIn("64", j["error"])
        self.assertEqual(len(self.names()), MAX)
        self.assertNotIn("one-more", self.names())
        self.save("n00", "?replace=true")
        self.assertEqual(len(self.names()), MAX)
        status, _ = request(self.emu, "DELETE", "/_emu/snapshots/n05")
        self.assertEqual(status, 204)
        self.save("one-more")

    def test_restore_among_writers(self):
        """4 clients add servers while snapshots are restored: no Server
        fault; afterwards the objects are exactly the snapshot plus the
        adds after the last restore, their ids following the snapshot's;
        and one more restore gives exactly the snapshot."""
        emu = self.emu
        self.fixture()
        saved = state(emu)
        j = self.save("race")
        next_id = int(emu.sql("SELECT last_value + 1 FROM dhcp_servers_id_seq")[0][0])
        errors, added, stop = [], [], threading.Event()
        lock = threading.Lock()

        def writer(k):
            try:
                s = et.login(emu)
                n = 0
                while not stop.is_set() and n < 300:
                    n += 1
                    name = "w%d-%d.race.example." % (k, n)
                    try:
                        add_server(emu, s, name, "10.249.%d.%d" % (k, n % 250 + 1))
                    except et.SoapError as exc:  # any fault
                        errors.append((name, str(exc)))
                        continue
                    with lock:
                        added.append(name)
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(repr(exc))

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(1, 5)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        for _ in range(5):
            self.restore("race")
            time.sleep(0.15)
        stop.set()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertGreater(len(added), 0)
        now = state(emu)
        extra = [json.loads(r) for r in now["dhcp_servers"]
                 if r not in saved["dhcp_servers"]]
        self.assertEqual(now["dhcp_servers"][:len(saved["dhcp_servers"])], saved["dhcp_servers"])
        self.assertEqual([x["id"] for x in extra], list(range(next_id, next_id + len(extra))))
        self.assertTrue({x["name"] for x in extra} <= set(added))
        self.assertEqual(len(now["change_log"]), len(saved["change_log"]) + len(extra))
        for t in ("ranges", "dhcp_scopes", "dhcp_pools", "property_values"):
            self.assertEqual(now[t], saved[t])
        self.restore("race")
        self.assertEqual(state(emu), saved)
        self.assertEqual(j["counts"]["dhcp_servers"], 2)
        self.assertHealthy(emu)


if __name__ == "__main__":
    unittest.main(verbosity=2)
