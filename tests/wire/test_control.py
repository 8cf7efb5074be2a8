#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The control API under /_emu/ (docs/control.md): health, its JSON
errors, and who may use it (loopback without a token; with one, only
the clients that send it)."""

import http.client
import json
import os
import sys
import subprocess
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

TOKEN = "control-token-for-the-tests-0123"


def request(emu, method, path, body=None, headers=None, source=None):
    """(status, content type, parsed JSON or raw bytes)."""
    c = http.client.HTTPConnection(emu.host, emu.port, timeout=30,
                                   source_address=(source, 0) if source else None)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        ctype = r.getheader("Content-Type") or ""
    finally:
        c.close()
    if ctype.startswith("application/json") and method != "HEAD":
        return r.status, ctype, json.loads(data)
    return r.status, ctype, data


def setUpModule():
    global EMU
    if et.remote():
        raise unittest.SkipTest("needs servers started by the harness")
    EMU = et.Emu()


def tearDownModule():
    EMU.close()


class HealthTest(et.EmuTestCase):

    def test_health_ok(self):
        status, ctype, j = request(EMU, "GET", "/_emu/health")
        self.assertEqual(status, 200, j)
        self.assertEqual(ctype, "application/json")
        self.assertEqual(j["status"], "ok")
        self.assertRegex(j["version"], r"^\d+\.\d+\.\d+")
        self.assertEqual(j["database"]["state"], "ok")
        self.assertIs(j["database"]["embedded"], True)
        self.assertIsInstance(j["worker"], str)
        self.assertIsInstance(j["uptimeSeconds"], int)
        self.assertGreaterEqual(j["uptimeSeconds"], 0)
        self.assertNotIn("reason", j)
        # a query is not part of the path; HEAD has the status, no body
        self.assertEqual(request(EMU, "GET", "/_emu/health?x=1")[0], 200)
        self.assertEqual(request(EMU, "HEAD", "/_emu/health")[:2], (200, "application/json"))
        # and a Login does succeed
        self.assertSession(et.login(EMU))

    def test_first_start_says_it_creates_the_database(self):
        """The first start in a data directory says it is creating the
        database (initdb takes seconds); the next start does not."""
        emu = et.Emu()
        self.addCleanup(emu.close)
        self.assertIn("creating the embedded database in %s" % emu.data_dir, emu.log())
        emu.restart()
        self.assertEqual(emu.log().count("creating the embedded database"), 1)
        self.assertSession(et.login(emu))

    def test_errors_are_json(self):
        for method, path, body, want in (
                ("GET", "/_emu/nothing", None, 404),
                ("GET", "/_emu", None, 404),
                ("POST", "/_emu/health", b"{}", 405),
                ("DELETE", "/_emu/health", None, 405)):
            with self.subTest(method=method, path=path):
                status, ctype, j = request(EMU, method, path, body)
                self.assertEqual((status, ctype), (want, "application/json"), j)
                self.assertIsInstance(j["error"], str)
                self.assertTrue(j["error"])

    def test_body_over_the_limit(self):
        """A declared length over --max-message-bytes: 413 before the body
        is read."""
        sock = et.raw_socket(EMU, timeout=10)
        try:
            sock.sendall(b"POST /_emu/reset HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Length: %d\r\n\r\n{" % (1024 * 1024 + 10))
            raw, _ = et.read_until_close(sock, time.monotonic() + 10)
        finally:
            sock.close()
        r = et.parse_raw_response(raw)
        self.assertIsNotNone(r, raw[:300])
        self.assertEqual((r.status, r.header("Content-Type")), (413, "application/json"))
        self.assertIn("exceeds", json.loads(r.body)["error"])

    def test_not_reachable_through_soap(self):
        """/_emu/ is its own route: the SOAP path does not lead there and
        the control API answers no SOAP."""
        r = et.post(EMU, et.envelope11(et.login_xml()), "Login")
        self.assertEqual(r.status, 200)
        status, ctype, _ = request(EMU, "POST", "/_emu/health",
                                   et.envelope11(et.login_xml()).encode(),
                                   {"Content-Type": et.CT11})
        self.assertEqual((status, ctype), (405, "application/json"))

    def test_health_when_the_database_is_down(self):
        """503 "unavailable" with the reason while PostgreSQL is stopped;
        200 again once it is back."""
        pg = et.PgCluster()
        self.addCleanup(pg.close)
        emu = et.Emu(["--db", pg.conninfo, "--db-timeout", "1000"])
        self.addCleanup(emu.close)
        status, _, j = request(emu, "GET", "/_emu/health")
        self.assertEqual(status, 200, j)
        self.assertIs(j["database"]["embedded"], False)
        pg.stop()
        try:
            status, _, j = request(emu, "GET", "/_emu/health")
            self.assertEqual(status, 503, j)
            self.assertEqual(j["status"], "unavailable")
            self.assertIn("database", j["reason"])
            self.assertNotEqual(j["database"]["state"], "ok")
        finally:
            pg.start()
        deadline = time.monotonic() + 15
        while True:
            status, _, j = request(emu, "GET", "/_emu/health")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(status, 200, j)
        self.assertSession(et.login(emu))


def add_server(emu, session, name, address):
    """AddDHCPServer; returns its ref."""
    body = ('<ns0:AddDHCPServer xmlns:ns0="%s"><ns0:session>%s</ns0:session>'
            '<ns0:dhcpServer><ns0:name>%s</ns0:name><ns0:address>%s</ns0:address>'
            '<ns0:type>ISC</ns0:type></ns0:dhcpServer></ns0:AddDHCPServer>'
            % (et.NS_MM, session, name, address))
    r = et.post(emu, et.envelope11(body), "AddDHCPServer")
    return et.result_of(r, "AddDHCPServer").find(et.q(et.NS_MM, "ref")).text


def total(emu, session, op):
    r = et.call(emu, op, session)
    return int(et.result_of(r, op).find(et.q(et.NS_MM, "totalResults")).text)


class ResetTest(et.EmuTestCase):
    """POST /_emu/reset: a fresh install, ids from 1 again; sessions gone
    unless keepSessions=true; the administrator's password kept."""

    def setUp(self):
        self.emu = et.Emu()
        self.addCleanup(self.emu.close)

    def reset(self, query=""):
        status, ctype, j = request(self.emu, "POST", "/_emu/reset" + query)
        self.assertEqual((status, ctype), (200, "application/json"), j)
        self.assertEqual(j["status"], "reset")
        self.assertIsInstance(j["durationMs"], float)
        return j

    def test_reset(self):
        emu = self.emu
        s = et.login(emu)
        first = add_server(emu, s, "reset-a.example.", "10.251.0.1")
        add_server(emu, s, "reset-b.example.", "10.251.0.2")
        emu.sql("INSERT INTO ranges (cidr) SELECT ('10.' || g / 256 || '.' || g % 256 "
                "|| '.0/24')::cidr FROM generate_series(0, 99) g")
        self.assertEqual(total(emu, s, "GetDHCPServers"), 2)
        j = self.reset()
        self.assertIs(j["keptSessions"], False)
        self.assertEqual(et.session_state(emu, s), "invalid")
        s = et.login(emu)  # the password is kept
        self.assertEqual(total(emu, s, "GetDHCPServers"), 0)
        self.assertEqual(total(emu, s, "GetRanges"), 0)
        self.assertEqual(emu.sql("SELECT count(*) FROM change_log")[0][0], "0")
        self.assertEqual(emu.sql("SELECT count(*) FROM config_jobs")[0][0], "0")
        # ids start again
        self.assertEqual(add_server(emu, s, "reset-c.example.", "10.251.0.3"), first)

    def test_keep_sessions(self):
        s = et.login(self.emu)
        add_server(self.emu, s, "reset-k.example.", "10.251.0.9")
        self.assertIs(self.reset("?keepSessions=true")["keptSessions"], True)
        self.assertEqual(et.session_state(self.emu, s), "valid")
        self.assertEqual(total(self.emu, s, "GetDHCPServers"), 0)
        status, _, j = request(self.emu, "POST", "/_emu/reset?keepSessions=yes")
        self.assertEqual(status, 400, j)
        self.assertEqual(et.session_state(self.emu, s), "valid")

    def test_reset_with_20000_scopes(self):
        """20,000 scopes with a pool each gone in one reset; its duration
        printed (a figure, not asserted: timings here are noisy)."""
        emu = self.emu
        emu.sql("""
INSERT INTO dhcp_servers (name, address, type)
  SELECT format('big%s.reset.example.', g), ('192.168.90.' || g + 1)::inet, 'ISC'
  FROM generate_series(0, 1) g;
INSERT INTO ranges (cidr)
  SELECT ('10.' || g / 256 || '.' || g % 256 || '.0/24')::cidr FROM generate_series(0, 9999) g;
INSERT INTO dhcp_scopes (range_id, server_id, name)
  SELECT r.id, s.id, r.name FROM ranges r CROSS JOIN dhcp_servers s;
INSERT INTO dhcp_pools (scope_id, from_ip, to_ip)
  SELECT sc.id, host(r.cidr + 10)::inet, host(r.cidr + 100)::inet
  FROM dhcp_scopes sc JOIN ranges r ON r.id = sc.range_id""")
        self.assertEqual(emu.sql("SELECT count(*) FROM dhcp_scopes")[0][0], "20000")
        j = self.reset()
        print("reset of 20,000 scopes and pools: %.1f ms" % j["durationMs"], file=sys.stderr)
        self.assertEqual(emu.sql("SELECT count(*) FROM dhcp_scopes")[0][0], "0")
        self.assertEqual(emu.sql("SELECT count(*) FROM dhcp_pools")[0][0], "0")

    def test_reset_among_writes(self):
        """A reset while 4 clients add servers: each call answers (a
        success or a Client fault), none a Server fault; the server serves
        on."""
        emu = self.emu
        errors, stop = [], threading.Event()

        def writer(k):
            try:
                write(k)
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(repr(exc))

        def write(k):
            s = et.login(emu)
            n = 0
            while not stop.is_set() and n < 200:
                n += 1
                body = ('<ns0:AddDHCPServer xmlns:ns0="%s"><ns0:session>%s</ns0:session>'
                        '<ns0:dhcpServer><ns0:name>w%d-%d.reset.example.</ns0:name>'
                        '<ns0:address>10.252.%d.%d</ns0:address><ns0:type>ISC</ns0:type>'
                        '</ns0:dhcpServer></ns0:AddDHCPServer>'
                        % (et.NS_MM, s, k, n, k, n))
                r = et.post(emu, et.envelope11(body), "AddDHCPServer")
                if r.status != 200:
                    f = et.fault_of(r)
                    if f.kind != "Client":
                        errors.append((r.status, r.body[:300]))
                    s = et.login(emu)  # the reset ended the session
        threads = [threading.Thread(target=writer, args=(k,)) for k in range(1, 5)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        for _ in range(3):
            self.reset()
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertHealthy(emu)


class CallLogTest(et.EmuTestCase):
    """One log line per call: operation, login, duration, status, the
    fault's text; as text and as JSON."""

    def calls(self, emu):
        et.login(emu)
        et.call(emu, "GetDHCPServers", "AAAAAAAAAAAAAAAAAAAA")
        et.post(emu, et.envelope11(et.login_xml(user="odd\"name", password="wrong-pw-1")),
                "Login")
        request(emu, "GET", "/_emu/health")
        time.sleep(0.3)  # the lines follow the answers

    def test_text(self):
        emu = et.Emu()
        self.addCleanup(emu.close)
        self.calls(emu)
        log = emu.log()
        self.assertRegex(log, r"127\.0\.0\.1 Login login=%s [0-9.]+ ms 200\n" % et.USER)
        self.assertRegex(log, r"127\.0\.0\.1 GetDHCPServers login=- [0-9.]+ ms 500 "
                              r"fault: Invalid or expired session")
        self.assertRegex(log, r"127\.0\.0\.1 Login login=odd\\x22name [0-9.]+ ms 500 fault: ")
        self.assertRegex(log, r"127\.0\.0\.1 GET /_emu/health login=- [0-9.]+ ms 200")
        self.assertNotIn("wrong-pw-1", log)

    def test_json(self):
        emu = et.Emu(["--log-format", "json"])
        self.addCleanup(emu.close)
        self.calls(emu)
        lines = [json.loads(line) for line in emu.log().splitlines()
                 if line.startswith("{")]
        self.assertTrue(lines)
        for j in lines:
            self.assertEqual(j["logger"], "micetro-emu")
            self.assertIn(j["level"], ("error", "warn", "info", "debug"))
            self.assertRegex(j["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        calls = [j for j in lines if j["msg"] == "call"]
        ops = [(c["operation"], c["login"], c["status"], c["fault"]) for c in calls]
        self.assertIn(("Login", et.USER, 200, None), ops)
        self.assertIn(("GetDHCPServers", None, 500, "Invalid or expired session"), ops)
        self.assertIn(("GET /_emu/health", None, 200, None), ops)
        self.assertIn("odd\"name", [c["login"] for c in calls])
        for c in calls:
            self.assertEqual(c["peer"], "127.0.0.1")
            self.assertIsInstance(c["durationMs"], float)
        self.assertNotIn("wrong-pw-1", emu.log())

    def test_log_options_refused(self):
        for args in (["--log-format", "xml"], ["--log-level", "chatty"]):
            with self.subTest(args=args):
                r = subprocess.run([et.BIN, "serve"] + args, capture_output=True, text=True,
                                   timeout=30)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(args[0], r.stderr)


class TokenTest(et.EmuTestCase):

    def check_token(self, emu):
        for headers, want in (({}, 401),
                              ({"Authorization": "Bearer wrong"}, 401),
                              ({"Authorization": "Basic " + TOKEN}, 401),
                              ({"Authorization": "Bearer " + TOKEN[:-1]}, 401),
                              ({"Authorization": "Bearer " + TOKEN}, 200)):
            with self.subTest(headers=headers):
                status, ctype, j = request(emu, "GET", "/_emu/health", headers=headers)
                self.assertEqual((status, ctype), (want, "application/json"), j)
                if want == 401:
                    self.assertIn("Bearer", j["error"])
        # SOAP does not need it
        self.assertSession(et.login(emu))

    def test_token_from_the_environment(self):
        emu = et.Emu(env={"MICETRO_CONTROL_TOKEN": TOKEN})
        self.addCleanup(emu.close)
        self.check_token(emu)

    def test_token_from_a_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".token", delete=False) as f:
            f.write(TOKEN + "\n")
        self.addCleanup(os.unlink, f.name)
        os.chmod(f.name, 0o644)
        emu = et.Emu(["--control-token", f.name])
        self.addCleanup(emu.close)
        self.check_token(emu)

    def test_without_token_other_loopback_addresses_are_let_in(self):
        status, _, j = request(EMU, "GET", "/_emu/health", source="127.0.0.7")
        self.assertEqual(status, 200, j)


if __name__ == "__main__":
    unittest.main(verbosity=2)
