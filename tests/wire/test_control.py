#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The control API under /_emu/ (docs/control.md): health, its JSON
errors, and who may use it (loopback without a token; with one, only
the clients that send it)."""

import http.client
import json
import os
import sys
import tempfile
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
        big = b"{" + b" " * (1024 * 1024 + 10) + b"}"
        status, ctype, j = request(EMU, "POST", "/_emu/health", big)
        self.assertEqual((status, ctype), (413, "application/json"), j)
        self.assertIn("exceeds", j["error"])

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
