#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The database goes away and comes back: Server faults meanwhile, no hang,
no crash, and service resumes without restarting micetro-emu.  The embedded
cluster's postmaster killed: micetro-emu starts it again by itself."""

import os
import re
import signal
import subprocess
import sys
import threading
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


RECOVERY = 10.0  # seconds from the kill of the postmaster to service again


def add_server_xml(session, name, address):
    e = et.escape
    return ('<ns0:AddDHCPServer xmlns:ns0="%s"><ns0:session>%s</ns0:session><ns0:dhcpServer>'
            '<ns0:name>%s</ns0:name><ns0:address>%s</ns0:address><ns0:type>ISC</ns0:type>'
            '</ns0:dhcpServer></ns0:AddDHCPServer>' % (et.NS_MM, e(session), e(name), e(address)))


class DbWaitTest(et.EmuTestCase):
    """--db waits for a database that does not answer yet (--db-wait)."""

    def setUp(self):
        if et.remote():
            self.skipTest("needs a server started by the harness (MICETRO_URL is set)")
        self.pg = et.PgCluster()
        self.addCleanup(self.pg.close)
        self.pg.stop()

    def test_waits_for_the_database(self):
        """Started 2 s before its database: serves once it answers."""
        timer = threading.Timer(2.0, self.pg.start)
        timer.start()
        self.addCleanup(timer.cancel)
        t0 = time.monotonic()
        emu = et.Emu(["--db", self.pg.conninfo, "--db-wait", "30"])
        self.addCleanup(emu.close)
        self.assertGreater(time.monotonic() - t0, 1.5)
        self.assertIn("waiting up to 30 s for the database", emu.log())
        self.assertSession(et.login(emu))

    def test_gives_up(self):
        """--db-wait 1 and no database: exits 1 within a few seconds,
        saying why."""
        emu = et.Emu(["--db", self.pg.conninfo, "--db-wait", "1"], start=False)
        self.addCleanup(emu.close)
        t0 = time.monotonic()
        proc = subprocess.run([et.BIN, "serve", "--listen", "127.0.0.1:0", "--db",
                               self.pg.conninfo, "--db-wait", "1"],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=30, cwd=emu.tmp)
        took = time.monotonic() - t0
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("waiting up to 1 s for the database", proc.stderr)
        self.assertIn("database", proc.stderr.splitlines()[-1])
        self.assertLess(took, 10)


class EmbeddedKillTest(et.EmuTestCase):
    """kill -9 of the embedded cluster's postmaster while a client writes."""

    def setUp(self):
        if et.remote():
            self.skipTest("needs a server started by the harness (MICETRO_URL is set)")
        self.emu = et.Emu()
        self.addCleanup(self.emu.close)
        self.pgdata = os.path.join(self.emu.data_dir, "pg")

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.pgdata, "postmaster.pid")) as fh:
                return int(fh.readline())
        except (OSError, ValueError):
            return None

    def add(self, session, i, prefix="kill", octet=77, timeout=BOUND + 3):
        """AddDHCPServer number i: True when acknowledged, False on a fault."""
        name = "%s%d.dbdown.test." % (prefix, i)
        r = et.post(self.emu, et.envelope11(add_server_xml(session, name, "10.%d.%d.%d"
                                                           % (octet, i // 250, i % 250 + 1))),
                    "AddDHCPServer", timeout=timeout)
        env = et.parse(r)
        if env.is_fault:
            f = et.Fault(env)
            self.assertEqual(f.kind, "Server", f)
            return False
        return True

    def test_postmaster_killed_while_writing(self):
        emu = self.emu
        s = et.login(emu)
        acked, faults = [], []
        stop = threading.Event()
        counter = iter(range(100000))

        def writer():
            while not stop.is_set():
                i = next(counter)
                try:
                    (acked if self.add(s, i) else faults).append(i)
                except Exception as e:  # noqa: BLE001 (reported below)
                    faults.append((i, repr(e)))
                    time.sleep(0.1)

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        try:
            deadline = time.monotonic() + 30
            while len(acked) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertGreaterEqual(len(acked), 5, "writes before the kill: %r" % faults)
            old = self.postmaster_pid()
            self.assertIsNotNone(old)
            os.kill(old, signal.SIGKILL)
            killed = time.monotonic()
            n_before = len(acked)

            # served again: a Login and a write of our own succeed
            back = None
            probes = iter(range(1000))
            while back is None and time.monotonic() - killed < RECOVERY + 5:
                try:
                    s2 = et.login(emu, timeout=BOUND + 3)
                    if self.add(s2, next(probes), prefix="probe", octet=78):
                        back = time.monotonic()
                        break
                except (et.SoapError, OSError):
                    pass
                time.sleep(0.2)
            self.assertIsNotNone(back, "not served within %.0f s of the kill; log:\n%s"
                                 % (RECOVERY + 5, emu.log()))
            sys.stderr.write("\n  served again %.2f s after the kill\n" % (back - killed))
            self.assertLess(back - killed, RECOVERY, emu.log())
            # the writer goes on acknowledging
            deadline = time.monotonic() + 10
            while len(acked) < n_before + 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertGreaterEqual(len(acked), n_before + 5, "writes after: %r" % faults)
        finally:
            stop.set()
            t.join(BOUND + 5)
        self.assertFalse(t.is_alive())

        # nothing acknowledged is lost
        r = et.call(emu, "GetDHCPServers", s)
        p = et.result_of(r, "GetDHCPServers")
        names = {n.text for n in p.iter(et.q(et.NS_MM, "name"))}
        lost = [i for i in acked if "kill%d.dbdown.test." % i not in names]
        self.assertEqual(lost, [], "acknowledged writes missing after the restart")

        new = self.postmaster_pid()
        self.assertIsNotNone(new)
        self.assertNotEqual(new, old)
        # the supervisor logs the restart once pg_ctl has returned, which
        # can be a moment after the first requests are served again
        want = re.compile(r"embedded PostgreSQL restarted \(pid %d\)" % new)
        deadline = time.monotonic() + 10
        while not want.search(emu.log()) and time.monotonic() < deadline:
            time.sleep(0.1)
        log = emu.log()
        self.assertRegex(log, r"embedded PostgreSQL \(pid %d\) is gone" % old)
        self.assertRegex(log, want)
        self.assertTrue(emu.alive(), log)
        emu.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
