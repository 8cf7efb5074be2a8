#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The database goes away and comes back: Server faults meanwhile, no hang,
no crash, and service resumes without restarting micetro-emu."""

import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

BOUND = 10.0  # seconds a request may take while the database is down


class DbDownTest(et.EmuTestCase):

    def setUp(self):
        if et.remote():
            self.skipTest("needs a server started by the harness (MICETRO_URL is set)")
        self.pg = et.PgCluster()
        self.addCleanup(self.pg.close)
        self.emu = et.Emu(["--db", self.pg.conninfo])
        self.addCleanup(self.emu.close)

    def pg_pids(self):
        """The postmaster and its children."""
        with open(os.path.join(self.pg.pgdata, "postmaster.pid")) as fh:
            master = int(fh.readline())
        pids = [master]
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/stat" % d) as fh:
                        stat = fh.read()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(d))
        return pids

    def wait_login(self, seconds=10):
        deadline = time.monotonic() + seconds
        last = None
        while True:
            try:
                return et.login(self.emu, timeout=BOUND + 20)
            except (et.SoapError, OSError) as e:
                last = e
            if time.monotonic() > deadline:
                self.fail("Login still failing %d s after the database came back: %s"
                          % (seconds, last))
            time.sleep(0.5)

    def timed(self, fn, *args, **kw):
        t0 = time.monotonic()
        try:
            r = fn(*args, timeout=BOUND + 3, **kw)
        except TimeoutError:
            self.fail("no answer within %.0f s with the database down" % (BOUND + 3))
        secs = time.monotonic() - t0
        self.assertLess(secs, BOUND, "request took %.1f s with the database down" % secs)
        return r

    def test_database_down_and_back(self):
        emu = self.emu
        pid = emu.pid
        # the embedded cluster was not used
        self.assertFalse(os.path.exists(os.path.join(emu.data_dir, "pg")))
        s = et.login(emu)
        self.assertEqual(et.session_state(emu, s), "valid")
        other = et.login(emu)

        self.pg.stop()
        try:
            body = et.envelope11(et.login_xml())
            r = self.timed(et.post, emu, body, "Login")
            self.assertFault11(r, "Server")
            r = self.timed(et.post, emu, et.envelope11(et.session_op_xml("Logout", s)), "Logout")
            self.assertFault11(r, "Server")
            # a session check needs the database too: not "invalid session"
            r = self.timed(et.post, emu, et.envelope11(et.session_op_xml("GetDHCPServers", s)),
                           "GetDHCPServers")
            f = self.assertFault11(r, "Server")
            self.assertNotIn(et.BAD_SESSION, f.string)
            # SOAP 1.2: Receiver
            r = self.timed(et.post, emu, et.envelope12(et.login_xml()), "Login", version=12)
            self.assertFault12(r, "Receiver")
            # bad credentials cannot be told apart without the database
            r = self.timed(et.post, emu, et.envelope11(et.login_xml(password="wrong")), "Login")
            f = self.assertFault11(r, "Server")
            self.assertNotEqual(f.string, et.BAD_CREDENTIALS)
            # the WSDL needs no database
            r = et.request(emu, "GET", "/_mmwebext/mmwebext.dll?wsdl", timeout=BOUND)
            self.assertEqual(r.status, 200)
            self.assertTrue(emu.alive(), emu.log())
        finally:
            self.pg.start()

        s2 = self.wait_login()
        self.assertSession(s2)
        self.assertEqual(emu.pid, pid)
        self.assertTrue(emu.alive())
        # sessions stored before the outage are still there, and usable
        self.assertEqual(et.session_state(emu, s), "valid")
        et.result_of(et.logout(emu, s), "Logout")
        et.result_of(et.logout(emu, other), "Logout")
        et.result_of(et.logout(emu, s2), "Logout")
        self.assertEqual(et.session_state(emu, s), "invalid")
        # every pooled connection was replaced: many requests in a row work
        conn = et.connect(emu)
        try:
            for _ in range(20):
                et.result_of(et.logout(emu, et.login(emu, conn=conn), conn=conn), "Logout")
        finally:
            conn.close()
        emu.stop()  # clean exit status after the outage

    def test_database_frozen(self):
        """PostgreSQL stops answering (SIGSTOP) instead of refusing: requests
        end with a Server fault within the bound, not a hang."""
        emu = self.emu
        s = et.login(emu)
        pids = self.pg_pids()
        for p in pids:
            os.kill(p, signal.SIGSTOP)
        try:
            r = self.timed(et.post, emu, et.envelope11(et.login_xml()), "Login")
            self.assertFault11(r, "Server")
            r = self.timed(et.post, emu, et.envelope11(et.session_op_xml("GetDHCPServers", s)),
                           "GetDHCPServers")
            self.assertFault11(r, "Server")
            self.assertTrue(emu.alive(), emu.log())
        finally:
            for p in pids:
                os.kill(p, signal.SIGCONT)
        self.wait_login()
        self.assertEqual(et.session_state(emu, s), "valid")
        et.result_of(et.logout(emu, s), "Logout")
        emu.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
