#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The request journal (docs/control.md, "Request journal"): every SOAP
call recorded with its operation, login, duration, fault, status, client
and arguments (secrets masked), read back through GET /_emu/requests
with its filters, bodies only with --journal-bodies, bounded by
--journal-size, shared by emulators on one database, cleared by DELETE
and by reset."""

import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

TIME_RE = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z")
SECRET = "journal-secret-Pw"


def setUpModule():
    global EMU
    EMU = et.module_emu()


def tearDownModule():
    et.module_emu_stop(EMU)


def journal(emu, query=""):
    """The rows of GET /_emu/requests[?query] (asserting 200)."""
    status, j = et.control(emu, "GET", "/_emu/requests" + query)
    if status != 200:
        raise AssertionError("GET /_emu/requests%s: %s %r" % (query, status, j))
    if j["dropped"] != 0:
        raise AssertionError("calls dropped: %r" % j)
    return j["requests"]


def clear(emu):
    status, body = et.control(emu, "DELETE", "/_emu/requests")
    if status != 204 or body is not None:
        raise AssertionError("DELETE /_emu/requests: %s %r" % (status, body))


def login_as(emu, user, password):
    """A Login, raw: the response."""
    return et.post(emu, et.envelope11(et.login_xml(user, password)), "Login")


class JournalTest(et.EmuTestCase):

    def setUp(self):
        clear(EMU)

    def test_records_every_call(self):
        """A Login, a list, a call with a bad session (a fault) and a body
        that is no XML: each a row, oldest first, with every field."""
        s = et.login(EMU)
        et.result_of(et.call(EMU, "GetDHCPServers", s, extra=[("limit", 1)]),
                     "GetDHCPServers")
        bad = et.call(EMU, "GetDHCPServers", "A" * 20)
        self.assertFault11(bad, "Client", exact=et.BAD_SESSION)
        junk = et.post(EMU, "this is no XML", "Login")
        self.assertEqual(junk.status, 500)
        rows = journal(EMU)
        self.assertEqual([r["operation"] for r in rows],
                         ["Login", "GetDHCPServers", "GetDHCPServers", "SOAP (no operation)"])
        ids = [r["id"] for r in rows]
        self.assertEqual(ids, sorted(ids))
        for r in rows:
            self.assertRegex(r["time"], TIME_RE)
            self.assertIsInstance(r["durationMs"], float)
            self.assertGreaterEqual(r["durationMs"], 0)
            self.assertEqual(r["peer"], "127.0.0.1")
            self.assertNotIn("request", r)  # no --journal-bodies
            self.assertNotIn("response", r)
        login, listed, refused, junk_row = rows
        self.assertEqual((login["login"], login["status"], login["fault"]),
                         (et.USER, 200, None))
        self.assertEqual(login["arguments"],
                         {"server": "localhost", "loginName": et.USER, "password": "***"})
        self.assertEqual((listed["login"], listed["status"], listed["fault"]),
                         (et.USER, 200, None))
        self.assertEqual(listed["arguments"], {"session": s, "limit": "1"})
        self.assertEqual((refused["login"], refused["status"], refused["fault"]),
                         (None, 500, et.BAD_SESSION))
        self.assertEqual(junk_row["status"], 500)
        self.assertIn("not a SOAP envelope", junk_row["fault"])
        self.assertEqual(junk_row["arguments"], {})
        self.assertLessEqual(rows[0]["time"], rows[-1]["time"])

    def test_password_masked(self):
        """A failed Login's password is nowhere in the answer, nor any
        element named password at any depth."""
        self.assertFault11(login_as(EMU, "nobody-here", SECRET), "Client")
        inner = ('<ns0:Thing xmlns:ns0="%s"><ns0:Deep><ns0:Password>%s</ns0:Password>'
                 '<ns0:other>x</ns0:other></ns0:Deep></ns0:Thing>' % (et.NS_MM, SECRET))
        et.post(EMU, et.envelope11(inner), "Thing")
        status, j = et.control(EMU, "GET", "/_emu/requests")
        self.assertEqual(status, 200)
        text = json.dumps(j)
        self.assertNotIn(SECRET, text)
        login, thing = j["requests"]
        self.assertEqual(login["arguments"]["password"], "***")
        self.assertEqual(login["login"], "nobody-here")
        self.assertEqual(thing["arguments"], {"Deep": {"Password": "***", "other": "x"}})

    def test_arguments_shape(self):
        """Nested elements are objects, repeated ones arrays in order,
        SOAP::Lite's xsi:type ignored, namespaces and prefixes too."""
        s = et.login(EMU)
        clear(EMU)
        inner = ('<GetDHCPServers xmlns="%s" xmlns:xsi="%s" xmlns:xsd="%s">'
                 '<session xsi:type="xsd:string">%s</session>'
                 '<filter xsi:type="xsd:string">name:^x$</filter>'
                 '<extra><ref>a</ref><ref>b</ref><ref>c</ref><one><two>2</two></one></extra>'
                 '<empty/></GetDHCPServers>' % (et.NS_MM, et.NS_XSI, et.NS_XSD, s))
        et.post(EMU, et.envelope11(inner), "GetDHCPServers")
        row, = journal(EMU)
        self.assertEqual(row["arguments"], {
            "session": s, "filter": "name:^x$",
            "extra": {"ref": ["a", "b", "c"], "one": {"two": "2"}}, "empty": ""})

    def test_soap12_and_operation_filter(self):
        s = et.login(EMU, version=12)
        et.call(EMU, "GetRanges", s, version=12)
        et.call(EMU, "GetDHCPServers", s)
        rows = journal(EMU, "?operation=GetRanges")
        self.assertEqual([r["operation"] for r in rows], ["GetRanges"])
        self.assertEqual(rows[0]["arguments"], {"session": s})
        self.assertEqual(journal(EMU, "?operation=Nothing"), [])
        self.assertEqual(len(journal(EMU, "?operation=Login")), 1)
        # parameters are percent-decoded ('+' as a space) before use
        self.assertEqual([r["operation"] for r in journal(EMU, "?operation=Get%52ange%73")],
                         ["GetRanges"])
        self.assertEqual(journal(EMU, "?operation=Get+Ranges"), [])
        self.assertEqual(len(journal(EMU, "?limit=%31&operation=GetRanges")), 1)

    def test_since_and_limit(self):
        s = et.login(EMU)
        for _ in range(5):
            et.call(EMU, "GetDHCPServers", s)
        rows = journal(EMU)
        self.assertEqual(len(rows), 6)
        # since an id: the rows after it, oldest first
        after = journal(EMU, "?since=%d" % rows[2]["id"])
        self.assertEqual([r["id"] for r in after], [r["id"] for r in rows[3:]])
        self.assertEqual([r["id"] for r in journal(EMU, "?since=%d&limit=2" % rows[0]["id"])],
                         [rows[1]["id"], rows[2]["id"]])
        # without since: the newest, oldest first
        self.assertEqual([r["id"] for r in journal(EMU, "?limit=2")],
                         [rows[4]["id"], rows[5]["id"]])
        # since a time: the rows from it on
        t = rows[3]["time"]
        from_t = journal(EMU, "?since=" + t)
        self.assertTrue(all(r["time"] >= t for r in from_t), from_t)
        self.assertIn(rows[3]["id"], [r["id"] for r in from_t])
        self.assertEqual(journal(EMU, "?since=2999-01-01T00:00:00Z"), [])
        self.assertEqual(len(journal(EMU, "?since=2000-01-01T00:00:00.5%2B02:00")), 6)
        self.assertEqual(len(journal(EMU, "?limit=10000")), 6)

    def test_bad_queries(self):
        s = et.login(EMU)
        for q in ("?limit=0", "?limit=10001", "?limit=abc", "?limit=", "?limit=-1",
                  "?since=yesterday", "?since=2024-13", "?since=", "?since=-5",
                  "?since=2024-01-02T03:04:05", "?operation=", "?operation=%zz",
                  "?operation=Login%00", "?operation=Login%", "?operation=%4",
                  "?limit=%00", "?operation=" + "A" * 300):
            with self.subTest(q=q):
                status, j = et.control(EMU, "GET", "/_emu/requests" + q)
                self.assertEqual(status, 400, j)
                self.assertIsInstance(j["error"], str)
        # a time PostgreSQL cannot take: 400 too, not 500
        status, j = et.control(EMU, "GET", "/_emu/requests?since=2024-02-31T00:00:00Z")
        self.assertEqual(status, 400, j)
        self.assertEqual(len(journal(EMU)), 1)  # the Login, untouched
        self.assertEqual(et.session_state(EMU, s), "valid")

    def test_delete_and_reset_clear_it(self):
        s = et.login(EMU)
        et.call(EMU, "GetDHCPServers", s)
        self.assertEqual(len(journal(EMU)), 2)
        clear(EMU)
        self.assertEqual(journal(EMU), [])
        s = et.login(EMU)
        self.assertEqual(journal(EMU)[0]["id"], 1)  # ids start again
        status, j = et.control(EMU, "POST", "/_emu/reset")
        self.assertEqual(status, 200, j)
        self.assertEqual(journal(EMU), [])
        status, j = et.control(EMU, "PUT", "/_emu/requests")
        self.assertEqual(status, 405, j)


class OptionsTest(et.EmuTestCase):
    """Servers of their own: --journal-bodies, --journal-size, two on one
    database."""

    def test_bodies_only_with_the_option(self):
        emu = et.Emu(["--journal-bodies"])
        self.addCleanup(emu.close)
        r = login_as(emu, et.USER, et.PASSWORD)
        rows = journal(emu)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["response"], r.body.decode())
        req = rows[0]["request"]
        self.assertIn("<ns0:loginName>%s</ns0:loginName>" % et.USER, req)
        self.assertIn("<ns0:password>***</ns0:password>", req)
        self.assertNotIn("<ns0:password>%s<" % et.PASSWORD, req)
        emu.stop()

    def test_size_bound(self):
        emu = et.Emu(["--journal-size", "5"])
        self.addCleanup(emu.close)
        s = et.login(emu)
        for i in range(7):
            et.call(emu, "GetDHCPServers", s, extra=[("limit", i + 1)])
        rows = journal(emu)
        self.assertEqual([r["arguments"].get("limit") for r in rows],
                         ["3", "4", "5", "6", "7"])
        self.assertEqual(emu.sql("SELECT count(*) FROM journal")[0][0], "5")
        emu.stop()

    def test_off(self):
        emu = et.Emu(["--journal-size", "0"])
        self.addCleanup(emu.close)
        et.login(emu)
        self.assertEqual(journal(emu), [])
        emu.stop()

    def test_shared_by_two_emulators(self):
        pg = et.PgCluster()
        self.addCleanup(pg.close)
        a = et.Emu(["--db", pg.conninfo])
        self.addCleanup(a.close)
        b = et.Emu(["--db", pg.conninfo])
        self.addCleanup(b.close)
        login_as(a, et.USER, et.PASSWORD)
        login_as(b, "from-b", "x" * 12)
        # each GET writes its own process's queue first: b's, then a's
        self.assertEqual(len(journal(b)), 2)
        rows = journal(a)
        self.assertEqual([r["login"] for r in rows], [et.USER, "from-b"])
        clear(b)
        self.assertEqual(journal(a), [])
        b.stop()
        a.stop()

    def test_calls_not_written_are_counted(self):
        """While the database is down a call cannot be written: it is
        counted as dropped, said in the log, and answered by the next
        GET once the database is back."""
        pg = et.PgCluster()
        self.addCleanup(pg.close)
        emu = et.Emu(["--db", pg.conninfo, "--db-timeout", "1000"])
        self.addCleanup(emu.close)
        s = et.login(emu)
        self.assertEqual(len(journal(emu)), 1)
        pg.stop()
        try:
            self.assertFault11(et.call(emu, "GetDHCPServers", s), "Server")
            status, j = et.control(emu, "GET", "/_emu/requests")
            self.assertEqual(status, 503, j)
        finally:
            pg.start()
        deadline = time.monotonic() + 15
        while et.control(emu, "GET", "/_emu/health")[0] != 200:
            self.assertLess(time.monotonic(), deadline, "the database did not come back")
            time.sleep(0.2)
        status, j = et.control(emu, "GET", "/_emu/requests")
        self.assertEqual(status, 200, j)
        self.assertEqual(j["dropped"], 1, j)
        self.assertEqual([r["operation"] for r in j["requests"]], ["Login"])
        self.assertIn("journal: calls not written", emu.log())
        emu.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
