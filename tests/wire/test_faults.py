#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fault injection (docs/control.md, "Fault injection"): a fault zeep
raises as any fault of the emulator, the same bytes as a real one, times
counting down, a match on an argument, "*", a delay (at least as long,
the call then served), a call closed without any answer, the presets,
and every bad rule refused with 400 and its field, nothing changed."""

import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

DELAY_MS = 700


def setUpModule():
    global EMU
    EMU = et.module_emu()


def tearDownModule():
    et.module_emu_stop(EMU)


def add(rule, want=201):
    status, j = et.control(EMU, "POST", "/_emu/faults", rule)
    if status != want:
        raise AssertionError("POST /_emu/faults %r: %s %r" % (rule, status, j))
    return j


def faults():
    status, j = et.control(EMU, "GET", "/_emu/faults")
    assert status == 200, (status, j)
    return j["faults"]


class FaultsTest(et.ZeepCase):

    @classmethod
    def setUpClass(cls):
        cls.zeep_login(EMU)

    def setUp(self):
        status, body = et.control(EMU, "DELETE", "/_emu/faults")
        self.assertEqual((status, body), (204, None))

    def zeep_fault(self, fn, **kw):
        import zeep.exceptions
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            fn(session=self.session, **kw)
        f = cm.exception
        codes = f.detail.findall("{%s}errorCode" % et.NS_MM)
        return f, int(codes[0].text)

    def test_fault_as_zeep_sees_it(self):
        add({"operation": "GetDHCPServers", "fault": {"code": 4242, "text": "injected <boom> & co"}})
        f, code = self.zeep_fault(self.svc.GetDHCPServers)
        self.assertEqual((f.message, code), ("injected <boom> & co", 4242))
        self.assertTrue(f.code.endswith("Server"), f.code)
        # until removed: again
        self.assertEqual(self.zeep_fault(self.svc.GetDHCPServers)[1], 4242)
        # other operations are served
        self.svc.GetRanges(session=self.session)
        # a code of the caller's mistakes is Client; kind says otherwise
        add({"operation": "GetRanges", "fault": {"code": 2, "text": "gone"}})
        add({"operation": "GetDHCPScopes", "fault": {"code": 2, "text": "ours", "kind": "Server"}})
        f, code = self.zeep_fault(self.svc.GetRanges)
        self.assertTrue(f.code.endswith("Client"), f.code)
        f, code = self.zeep_fault(self.svc.GetDHCPScopes)
        self.assertTrue(f.code.endswith("Server"), f.code)
        self.assertEqual([r["hits"] for r in faults()], [2, 1, 1])

    def test_same_bytes_as_a_real_fault(self):
        """The preset of a bad session answers what a bad session does,
        byte for byte and status, in SOAP 1.1 and 1.2."""
        for version in (11, 12):
            with self.subTest(version=version):
                real = et.call(EMU, "GetDHCPServers", "B" * 20, version=version)
                add({"operation": "GetDHCPServers", "preset": "invalid-session", "times": 1})
                injected = et.call(EMU, "GetDHCPServers", self.session, version=version)
                self.assertEqual((injected.status, injected.header("Content-Type"), injected.body),
                                 (real.status, real.header("Content-Type"), real.body))
                self.assertEqual(et.fault_of(injected).string, et.BAD_SESSION)
                # used up: served again
                et.result_of(et.call(EMU, "GetDHCPServers", self.session, version=version),
                             "GetDHCPServers")

    def test_times_count_down(self):
        j = add({"operation": "GetRanges", "preset": "netobject-handler", "times": 2})
        rule, = faults()
        self.assertEqual((rule["id"], rule["remaining"], rule["hits"]), (j["id"], 2, 0))
        f, code = self.zeep_fault(self.svc.GetRanges)
        self.assertEqual(f.message, "Unable to complete operation. Netobject handler not running")
        self.assertEqual((faults()[0]["remaining"], faults()[0]["hits"]), (1, 1))
        self.zeep_fault(self.svc.GetRanges)
        self.assertEqual(faults(), [])
        self.svc.GetRanges(session=self.session)

    def test_match_on_an_argument(self):
        add({"operation": "GetDHCPServers", "match": {"filter": "name:^nope$", "limit": 3},
             "fault": {"code": 9, "text": "matched"}})
        self.svc.GetDHCPServers(session=self.session, filter="name:^nope$")
        self.svc.GetDHCPServers(session=self.session, filter="name:^other$", limit=3)
        f, _ = self.zeep_fault(self.svc.GetDHCPServers, filter="name:^nope$", limit=3)
        self.assertEqual(f.message, "matched")
        # a path into a nested argument
        add({"operation": "AddDHCPServer", "match": {"dhcpServer.name": "fi-x.example."},
             "fault": {"code": 9, "text": "nested"}})
        f, _ = self.zeep_fault(self.svc.AddDHCPServer,
                               dhcpServer={"name": "fi-x.example.", "address": "10.249.0.1",
                                           "type": "ISC"})
        self.assertEqual(f.message, "nested")

    def test_wildcard(self):
        add({"operation": "*", "fault": {"code": 101, "text": "everything down"}, "times": 3})
        for fn in (self.svc.GetRanges, self.svc.GetDHCPScopes, self.svc.GetDHCPServers):
            self.assertEqual(self.zeep_fault(fn)[0].message, "everything down")
        self.svc.GetRanges(session=self.session)

    def test_delay(self):
        add({"operation": "GetRanges", "delayMs": DELAY_MS, "times": 1})
        t0 = time.monotonic()
        self.svc.GetRanges(session=self.session)  # then served
        self.assertGreaterEqual(time.monotonic() - t0, DELAY_MS / 1000)
        # a delay and a fault: the fault after the delay
        add({"operation": "GetRanges", "delayMs": DELAY_MS, "preset": "requests-disabled",
             "times": 1})
        t0 = time.monotonic()
        f, _ = self.zeep_fault(self.svc.GetRanges)
        self.assertGreaterEqual(time.monotonic() - t0, DELAY_MS / 1000)
        self.assertIn("disabled", f.message)

    def test_delay_holds_no_io_thread(self):
        """A call waiting its delay holds its worker, not the HTTP server:
        another call is answered meanwhile."""
        # under a wrapper (valgrind) the other call takes longer
        add({"operation": "GetDHCPScopes", "delayMs": 20000 if et.WRAPPER else 3000,
             "times": 1})
        done = []
        t = threading.Thread(target=lambda: done.append(
            et.call(EMU, "GetDHCPScopes", self.session, timeout=60)))
        t.start()
        time.sleep(0.2)
        et.result_of(et.call(EMU, "GetRanges", self.session), "GetRanges")
        self.assertEqual(done, [], "the delayed call came back before the other")
        t.join(30)
        et.result_of(done[0], "GetDHCPScopes")

    def test_drop(self):
        """The connection is closed without a byte of answer."""
        add({"operation": "Login", "drop": True, "times": 1})
        sock = et.raw_socket(EMU, timeout=10)
        try:
            sock.sendall(et.http_request_bytes(EMU, et.envelope11(et.login_xml())))
            data, how = et.read_until_close(sock, time.monotonic() + 10)
        finally:
            sock.close()
        self.assertEqual(data, b"")
        self.assertIn(how, ("eof", "reset"))
        self.assertSession(et.login(EMU))  # used up

    def test_presets_listed(self):
        status, j = et.control(EMU, "GET", "/_emu/faults/presets")
        self.assertEqual(status, 200, j)
        byname = {p["name"]: p for p in j["presets"]}
        self.assertEqual(set(byname), {"invalid-session", "netobject-handler", "requests-disabled"})
        self.assertEqual(byname["invalid-session"]["fault"],
                         {"code": 5, "text": et.BAD_SESSION, "kind": "Client"})
        for p in j["presets"]:
            self.assertTrue(p["about"])

    def test_journal_records_the_injected_fault(self):
        et.control(EMU, "DELETE", "/_emu/requests")
        add({"operation": "GetRanges", "fault": {"code": 77, "text": "journaled"}, "times": 1})
        self.zeep_fault(self.svc.GetRanges)
        status, j = et.control(EMU, "GET", "/_emu/requests?operation=GetRanges")
        self.assertEqual(status, 200, j)
        row, = j["requests"]
        self.assertEqual((row["fault"], row["status"]), ("journaled", 500))

    def test_bad_rules(self):
        add({"operation": "GetRanges", "delayMs": 1})
        before = faults()
        good = {"operation": "GetRanges", "fault": {"code": 1, "text": "x"}}
        cases = [
            ({"fault": {"code": 1, "text": "x"}}, "operation"),
            ({"operation": "GetNothing", "fault": {"code": 1, "text": "x"}}, "operation"),
            ({"operation": 7, "fault": {"code": 1, "text": "x"}}, "operation"),
            ({"operation": "GetRanges", "preset": "no-such"}, "preset"),
            ({"operation": "GetRanges", "preset": 3}, "preset"),
            (dict(good, fault={"code": "1", "text": "x"}), "fault.code"),
            (dict(good, fault={"code": -1, "text": "x"}), "fault.code"),
            (dict(good, fault={"code": 1}), "fault.text"),
            (dict(good, fault={"code": 1, "text": ""}), "fault.text"),
            (dict(good, fault={"code": 1, "text": "y" * 513}), "fault.text"),
            (dict(good, fault={"code": 1, "text": "x", "kind": "Sender"}), "fault.kind"),
            (dict(good, fault={"code": 1, "text": "x", "extra": 1}), "fault"),
            (dict(good, fault="boom"), "fault"),
            (dict(good, preset="invalid-session"), "fault"),
            (dict(good, times=0), "times"),
            (dict(good, times=-3), "times"),
            (dict(good, times="2"), "times"),
            (dict(good, delayMs=60001), "delayMs"),
            (dict(good, delayMs=1.5), "delayMs"),
            ({"operation": "GetRanges", "drop": "yes"}, "drop"),
            (dict(good, drop=True), "drop"),
            (dict(good, match=["x"]), "match"),
            (dict(good, match={"filter": None}), "match.filter"),
            (dict(good, match={"filter": 1.5}), "match.filter"),
            (dict(good, colour="red"), "colour"),
            ({"operation": "GetRanges"}, "fault"),
            ({"operation": "GetRanges", "drop": False, "delayMs": 0}, "fault"),
        ]
        for rule, field in cases:
            with self.subTest(rule=rule):
                j = add(rule, want=400)
                self.assertEqual(j["field"], field, j)
                self.assertTrue(j["error"].startswith(field + ": "), j)
        for body in ("", "not json", "[1]", '{"operation": "GetRanges", "operation": "Login"}'):
            with self.subTest(body=body):
                status, j = et.control(EMU, "POST", "/_emu/faults", body)
                self.assertEqual(status, 400, j)
        self.assertEqual(faults(), before)
        self.svc.GetRanges(session=self.session)

    def test_bound_and_removal(self):
        ids = [add({"operation": "Logout", "fault": {"code": 1, "text": "x"}})["id"]
               for _ in range(256)]
        status, j = et.control(EMU, "POST", "/_emu/faults",
                               {"operation": "Logout", "fault": {"code": 1, "text": "x"}})
        self.assertEqual(status, 409, j)
        self.assertEqual(len(faults()), 256)
        self.assertEqual(et.control(EMU, "DELETE", "/_emu/faults/%d" % ids[7]), (204, None))
        status, j = et.control(EMU, "DELETE", "/_emu/faults/%d" % ids[7])
        self.assertEqual(status, 404, j)
        for path in ("/_emu/faults/0", "/_emu/faults/x", "/_emu/faults/999999999999999999999"):
            self.assertEqual(et.control(EMU, "DELETE", path)[0], 404, path)
        self.assertEqual(et.control(EMU, "GET", "/_emu/faults/%d" % ids[0])[0], 405)
        self.assertEqual(et.control(EMU, "PUT", "/_emu/faults")[0], 405)
        self.assertNotIn(ids[7], [r["id"] for r in faults()])
        self.assertEqual(len(faults()), 255)

    def test_reset_clears_them(self):
        add({"operation": "GetRanges", "fault": {"code": 1, "text": "x"}})
        status, j = et.control(EMU, "POST", "/_emu/reset?keepSessions=true")
        self.assertEqual(status, 200, j)
        self.assertEqual(faults(), [])
        self.svc.GetRanges(session=self.session)


if __name__ == "__main__":
    unittest.main(verbosity=2)
