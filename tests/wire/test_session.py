#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Session lifetime: idle expiry, persistence across a restart, uniqueness;
and the server's life cycle: signals, admin password, --help/--version."""

import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402


class ExpiryTest(et.EmuTestCase):
    """--session-timeout 2: sessions die after 2 s without use."""

    @classmethod
    def setUpClass(cls):
        if et.remote():
            raise unittest.SkipTest("needs a server started by the harness (MICETRO_URL is set)")
        cls.emu = et.Emu(["--session-timeout", "2"])

    @classmethod
    def tearDownClass(cls):
        cls.emu.close()

    def test_expires_when_idle(self):
        s = et.login(self.emu)
        self.assertEqual(et.session_state(self.emu, s), "valid")
        time.sleep(4.0)
        r = et.call(self.emu, "GetDHCPServers", s)
        self.assertFault11(r, "Client", et.BAD_SESSION)
        self.assertFault11(et.logout(self.emu, s), "Client", et.BAD_SESSION)
        # a new login works and gives another session
        s2 = et.login(self.emu)
        self.assertNotEqual(s, s2)
        self.assertEqual(et.session_state(self.emu, s2), "valid")

    def test_get_scope_by_id_checks_session(self):
        """GetDHCPScope by {#7-#n} checks the session in the same round
        trip as the fetch: the session decides first, whatever the ref."""
        s = et.login(self.emu)
        missing = [("dhcpScopeRef", "{#7-#999999999}")]
        r = et.call(self.emu, "GetDHCPScope", s, extra=missing)
        self.assertFault11(r, "Client", 'DHCP scope "{#7-#999999999}" does not exist')
        r = et.call(self.emu, "GetDHCPScope", s, extra=[("dhcpScopeRef", "dhcpScopes/999999999")])
        self.assertFault11(r, "Client", 'DHCP scope "dhcpScopes/999999999" does not exist')
        for bad in ("x", "Z" * 20, "%s" % s[::-1]):
            r = et.call(self.emu, "GetDHCPScope", bad, extra=missing)
            self.assertFault11(r, "Client", et.BAD_SESSION)
        dead = et.login(self.emu)
        et.result_of(et.logout(self.emu, dead), "Logout")
        r = et.call(self.emu, "GetDHCPScope", dead, extra=missing)
        self.assertFault11(r, "Client", et.BAD_SESSION)
        # used every 0.7 s through this path alone, it outlives the timeout
        start = time.monotonic()
        while time.monotonic() - start < 3.0:
            time.sleep(0.7)
            r = et.call(self.emu, "GetDHCPScope", s, extra=missing)
            self.assertFault11(r, "Client", "does not exist")
        time.sleep(4.0)
        r = et.call(self.emu, "GetDHCPScope", s, extra=missing)
        self.assertFault11(r, "Client", et.BAD_SESSION)

    def test_get_by_id_checks_session_every_type(self):
        """A read by id ref of any type carries the session check with its
        first statement: the session decides first, over a missing object
        and over a malformed ref."""
        s = et.login(self.emu)
        reads = [("GetDHCPServer", "dhcpServerRef", "{#3-#999999999}", "DHCP server"),
                 ("GetRange", "rangeRef", "{#6-#999999999}", "range"),
                 ("GetDHCPScope", "dhcpScopeRef", "{#7-#999999999}", "DHCP scope"),
                 ("GetDHCPAddressPool", "dhcpAddressPoolRef", "{#10-#999999999}",
                  "DHCP address pool")]
        dead = et.login(self.emu)
        et.result_of(et.logout(self.emu, dead), "Logout")
        for op, field, ref, what in reads:
            with self.subTest(op=op):
                r = et.call(self.emu, op, s, extra=[(field, ref)])
                self.assertFault11(r, "Client", '%s "%s" does not exist' % (what, ref))
                for bad in ("Z" * 20, dead):
                    r = et.call(self.emu, op, bad, extra=[(field, ref)])
                    self.assertFault11(r, "Client", et.BAD_SESSION)
                    r = et.call(self.emu, op, bad, extra=[(field, "{#x-#1}")])
                    self.assertFault11(r, "Client", et.BAD_SESSION)
        # a mutation's input is checked before any statement: still second
        r = et.post(self.emu, et.envelope11(et.op_xml("AddRange", [("session", dead)])),
                    "AddRange")
        self.assertFault11(r, "Client", et.BAD_SESSION)

    def test_use_keeps_alive(self):
        """The timeout counts idle time: a session used every 0.7 s outlives it."""
        s = et.login(self.emu)
        start = time.monotonic()
        while time.monotonic() - start < 4.0:
            time.sleep(0.7)
            self.assertEqual(et.session_state(self.emu, s), "valid",
                             "session died after %.1f s despite use" % (time.monotonic() - start))
        result = et.logout(self.emu, s)
        et.result_of(result, "Logout")


class RestartTest(et.EmuTestCase):

    def test_survives_restart(self):
        emu = et.Emu()
        try:
            et.need_local(self)
            s = et.login(emu)
            dead = et.login(emu)
            et.result_of(et.logout(emu, dead), "Logout")
            self.assertEqual(et.session_state(emu, s), "valid")
            old_pid = emu.pid
            emu.stop()  # asserts exit status 0
            self.assertFalse(emu.alive())
            emu.start()
            self.assertNotEqual(emu.pid, old_pid)
            self.assertEqual(et.session_state(emu, s), "valid")
            self.assertEqual(et.session_state(emu, dead), "invalid")
            et.result_of(et.logout(emu, s), "Logout")
            self.assertEqual(et.session_state(emu, s), "invalid")
        finally:
            emu.close()


class UniquenessTest(et.EmuTestCase):

    def test_hundred_logins_distinct(self):
        emu = et.Emu()
        try:
            conn = et.connect(emu)
            try:
                sessions = [et.login(emu, conn=conn) for _ in range(100)]
                for s in sessions:
                    self.assertSession(s)
                self.assertEqual(len(set(sessions)), 100)
                # ids look random: no long common prefix, all 62 symbols not
                # squeezed into a few
                prefix = os.path.commonprefix(sessions)
                self.assertLess(len(prefix), 3, prefix)
                chars = set("".join(sessions))
                self.assertGreater(len(chars), 50)
                for s in sessions:
                    et.result_of(et.logout(emu, s, conn=conn), "Logout")
            finally:
                conn.close()
        finally:
            emu.close()


class LifecycleTest(et.EmuTestCase):

    def setUp(self):
        et.need_local(self)

    def run_bin(self, args, env=None, timeout=30):
        e = dict(os.environ)
        e.pop("MICETRO_ADMIN_PASSWORD", None)
        e.pop("MICETRO_DB", None)
        e.update(env or {})
        return subprocess.run([et.BIN] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=e, timeout=timeout)

    def test_help_and_version(self):
        r = self.run_bin(["--help"])
        self.assertEqual(r.returncode, 0)
        out = (r.stdout + r.stderr).decode()
        for opt in ("--listen", "--db", "--data-dir", "--session-timeout", "--max-message-bytes",
                    "--message-timeout", "--max-connections", "--db-pool"):
            self.assertIn(opt, out)
        r = self.run_bin(["--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex((r.stdout + r.stderr).decode(), r"micetro-emu \d+\.\d+")
        r = self.run_bin(["serve", "--no-such-option"])
        self.assertNotEqual(r.returncode, 0)

    def test_worker_options(self):
        if os.environ.get("MICETRO_AGENT_SECRET"):
            self.skipTest("MICETRO_AGENT_SECRET is set")
        r = self.run_bin(["worker", "--data-dir", "/nonexistent"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("the worker needs the agents' secrets: --agent-secrets, "
                      "--agent-secret-file or MICETRO_AGENT_SECRET", r.stderr.decode())
        for bad in (["--backoff", "5"], ["--backoff", "10,5"], ["--agent-port", "0"],
                    ["--omapi-port", "70000"], ["--worker-lease", "1"],
                    ["--agent-secret-file", "/nonexistent/secret"]):
            r = self.run_bin(["run"] + bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("micetro-emu:", r.stderr.decode(), bad)
        out = self.run_bin(["--help"]).stdout.decode()
        for opt in ("--agent-secret-file", "--agent-secrets", "--agent-port", "--omapi-port",
                    "--backoff", "--worker-poll", "--state-poll", "--worker-lease",
                    "--push-timeout"):
            self.assertIn(opt, out)

    def test_agent_secrets_file(self):
        """--agent-secrets: a bad file stops micetro-emu at start with the
        file and the line at fault; a good one is enough for `worker`."""
        if os.environ.get("MICETRO_AGENT_SECRET"):
            self.skipTest("MICETRO_AGENT_SECRET is set")
        d = tempfile.mkdtemp(prefix="emu-secrets.")
        try:
            def secrets(name, text):
                path = os.path.join(d, name)
                with open(path, "wb") as f:
                    f.write(text)
                return path
            cases = [
                (b"# agents\ndhcp1.example. one\n\nDHCP1.Example two\n",
                 'line 4: server "dhcp1.example" is already on line 2'),
                (b"dhcp1.example\r\n", 'line 1: no secret for server "dhcp1.example"'),
                (b"ok x\nbad_name x\n", 'line 2: invalid host name "bad_name"'),
                (b"ok " + b"x" * 256 + b"\n",
                 'line 1: the secret for server "ok" is longer than 255 bytes'),
                (b"ok x\n\x00\n", "line 2: NUL byte"),
                (b"#" * 1048577, "larger than 1048576 bytes"),
            ]
            for i, (text, msg) in enumerate(cases):
                path = secrets("bad%d" % i, text)
                for mode in ("run", "worker"):
                    r = self.run_bin([mode, "--agent-secrets", path, "--data-dir", "/nonexistent"])
                    self.assertEqual(r.returncode, 2, msg)
                    self.assertIn("micetro-emu: --agent-secrets %s: %s" % (path, msg),
                                  r.stderr.decode())
            # the one-for-all secret: blank but for line ends is refused
            blank = secrets("blank", b" \t\r\n")
            r = self.run_bin(["run", "--agent-secret-file", blank])
            self.assertEqual(r.returncode, 2)
            self.assertIn("micetro-emu: --agent-secret-file %s: empty" % blank, r.stderr.decode())
            missing = os.path.join(d, "missing")
            r = self.run_bin(["run", "--agent-secrets", missing])
            self.assertEqual(r.returncode, 2)
            self.assertIn("micetro-emu: --agent-secrets %s: No such file or directory" % missing,
                          r.stderr.decode())
            # a good file is enough: the worker goes on, to a database that is not there
            good = secrets("good", b"dhcp1.example. one\n")
            r = self.run_bin(["worker", "--agent-secrets", good,
                              "--db", "host=%s dbname=none connect_timeout=2" % d,
                              "--db-wait", "0"])
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertNotIn("needs the agents' secrets", r.stderr.decode())
            self.assertIn("database unavailable", r.stderr.decode())
        finally:
            shutil.rmtree(d)

    def test_sigint_exits_zero(self):
        emu = et.Emu()
        try:
            s = et.login(emu)
            emu.stop(sig=signal.SIGINT)  # asserts status 0
            emu.start()
            self.assertEqual(et.session_state(emu, s), "valid")
        finally:
            emu.close()

    def test_sigterm_finishes_request_in_flight(self):
        emu = et.Emu()
        try:
            body = et.envelope11(et.login_xml()).encode()
            data = et.http_request_bytes(emu, body)
            sock = et.raw_socket(emu, timeout=15)
            try:
                sock.sendall(data[:-50])
                time.sleep(0.3)
                emu.proc.send_signal(signal.SIGTERM)
                time.sleep(0.5)
                sock.sendall(data[-50:])
                raw, how = et.read_until_close(sock, time.monotonic() + 10)
            finally:
                sock.close()
            resp = et.parse_raw_response(raw)
            self.assertIsNotNone(resp, "no answer to the request in flight (%s)" % how)
            self.assertSession(et.result_of(resp, "Login").find(et.q(et.NS_MM, "session")).text)
            emu.stop()  # already signalled: waits and asserts status 0
        finally:
            emu.close()

    def bad_login(self, emu, password):
        r = et.post(emu, et.envelope11(et.login_xml(password=password)), "Login")
        self.assertFault11(r, "Client", exact=et.BAD_CREDENTIALS)

    def run_worker(self, emu):
        """`micetro-emu worker` on emu's database without
        MICETRO_ADMIN_PASSWORD, until it works the queue; then stopped
        (exit status 0)."""
        e = dict(os.environ)
        e.pop("MICETRO_ADMIN_PASSWORD", None)
        e.pop("MICETRO_DB", None)
        e["MICETRO_AGENT_SECRET"] = "worker-secret"
        dsn = "host=%s dbname=micetro user=micetro" % os.path.join(emu.data_dir, "run")
        proc = subprocess.Popen(et.WRAPPER + [et.BIN, "worker", "--db", dsn],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env=e, cwd=emu.tmp)
        lines = []
        try:
            timer = threading.Timer(60, proc.kill)
            timer.start()
            try:
                for raw in iter(proc.stderr.readline, b""):
                    lines.append(raw.decode("utf-8", "replace"))
                    if "micetro-emu: worker running" in lines[-1]:
                        break
            finally:
                timer.cancel()
            self.assertIn("micetro-emu: worker running\n", lines, "".join(lines))
            proc.terminate()
            _, rest = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, "".join(lines) + rest.decode())
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    def test_admin_password_set_kept_rotated(self):
        """MICETRO_ADMIN_PASSWORD sets the password from the serving
        process; a worker on the same database does not touch it, and a
        restart without the variable keeps it: the default only creates
        the user.  A restart with the same value keeps the sessions; with
        a new one, the old password's sessions end."""
        emu = et.Emu(env={"MICETRO_ADMIN_PASSWORD": "S3cret-pass"})
        try:
            s1 = et.login(emu, password="S3cret-pass")
            self.bad_login(emu, "administrator")
            self.run_worker(emu)
            self.assertEqual(et.session_state(emu, s1), "valid")
            self.assertSession(et.login(emu, password="S3cret-pass"))
            self.bad_login(emu, "administrator")
            emu.env = {}
            emu.restart()
            self.assertSession(et.login(emu, password="S3cret-pass"))
            self.bad_login(emu, "administrator")
            self.assertEqual(et.session_state(emu, s1), "valid")
            emu.env = {"MICETRO_ADMIN_PASSWORD": "S3cret-pass"}
            emu.restart()
            self.assertEqual(et.session_state(emu, s1), "valid")
            emu.env = {"MICETRO_ADMIN_PASSWORD": "Rotated-pass-2"}
            emu.restart()
            r = et.call(emu, "GetDHCPServers", s1)
            self.assertFault11(r, "Client", exact=et.BAD_SESSION)
            self.assertFault11(et.logout(emu, s1), "Client", exact=et.BAD_SESSION)
            s2 = et.login(emu, password="Rotated-pass-2")
            self.bad_login(emu, "S3cret-pass")
            self.assertEqual(et.session_state(emu, s2), "valid")
            self.assertIn("administrator password changed from MICETRO_ADMIN_PASSWORD; "
                          "its sessions ended", emu.log())
        finally:
            emu.close()

    def test_default_password_refused_off_loopback(self):
        """The default password with a non-loopback --listen: refused at start."""
        emu = et.Emu(start=False)
        try:
            cmd = [et.BIN, "serve", "--listen", "0.0.0.0:0", "--data-dir", emu.data_dir]
            e = dict(os.environ)
            e.pop("MICETRO_ADMIN_PASSWORD", None)
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, env=e, cwd=emu.tmp)
            try:
                _, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                self.fail("server started on 0.0.0.0 with the default admin password")
            err = err.decode("utf-8", "replace")
            self.assertNotEqual(proc.returncode, 0, err)
            self.assertNotIn("listening on", err)
            self.assertIn("password", err.lower())
        finally:
            emu.close()

    def test_weak_password_refused_off_loopback(self):
        """Beyond loopback MICETRO_ADMIN_PASSWORD must have 12 characters
        and not hold the user name: refused at start with exit status 2,
        before the database; on loopback, and in the worker, which listens
        nowhere, any value goes on (here to a database that is not there)."""
        nodb = ["--db", "host=/nonexistent dbname=none", "--db-wait", "0"]
        weak = "refusing to listen on 0.0.0.0 with a weak administrator password: " \
               "MICETRO_ADMIN_PASSWORD "
        for mode, listen, pw, why in (
                ("serve", "0.0.0.0:0", "a", "is shorter than 12 characters"),
                ("serve", "0.0.0.0:0", "abcdefghijk", "is shorter than 12 characters"),
                ("run", "0.0.0.0:0", "abcdefghijk", "is shorter than 12 characters"),
                ("serve", "0.0.0.0:0", "my-Administrator-1", "contains the user name"),
                ("serve", "0.0.0.0:0", "abcdefghijkl", None),
                ("serve", "127.0.0.1:0", "a", None),
                ("worker", "0.0.0.0:0", "a", None)):
            with self.subTest(mode=mode, listen=listen, password=pw):
                r = self.run_bin([mode, "--listen", listen] + nodb,
                                 env={"MICETRO_ADMIN_PASSWORD": pw, "MICETRO_AGENT_SECRET": "x"})
                err = r.stderr.decode()
                self.assertNotIn("listening on", err)
                if why is None:
                    self.assertEqual(r.returncode, 1, err)
                    self.assertIn("database unavailable", err)
                    self.assertNotIn("refusing", err)
                else:
                    self.assertEqual(r.returncode, 2, err)
                    self.assertIn("micetro-emu: " + weak + why + " (beyond loopback it needs "
                                  "at least 12 characters without the user name)", err)


THROTTLED = 8  # mm:errorCode of a Login refused for too many failures


class LoginThrottleTest(et.EmuTestCase):
    """Failed logins are counted per client address and per login name;
    the emulator listens on 127.0.0.1, the clients bind 127.0.0.x."""

    def setUp(self):
        et.need_local(self)
        self.emus = []

    def tearDown(self):
        for emu in self.emus:
            emu.close()

    def start(self, args=()):
        emu = et.Emu(list(args))
        self.emus.append(emu)
        return emu

    def login_from(self, emu, source, user=None, password=None):
        """Login's answer to a client bound to source."""
        conn = http.client.HTTPConnection(emu.host, emu.port, timeout=30,
                                          source_address=(source, 0))
        try:
            return et.post(emu, et.envelope11(et.login_xml(user, password)), "Login", conn=conn)
        finally:
            conn.close()

    def assertBadLogin(self, r):
        f = self.assertFault11(r, "Client", exact=et.BAD_CREDENTIALS)
        self.assertEqual(f.error_code, 16394)

    def assertThrottled(self, r, pattern):
        f = self.assertFault11(r, "Client")
        self.assertEqual(f.error_code, THROTTLED, f)
        self.assertRegex(f.string, pattern)
        return f

    def assertLoggedIn(self, r):
        self.assertSession(et.result_of(r, "Login").find(et.q(et.NS_MM, "session")).text)

    def test_address_locked_after_the_limit(self):
        """The defaults: the 10th failure from an address locks it for
        60 s, the right password included and for every name; another
        address logs in with the same name; each failure is logged with
        address and name, never the password."""
        emu = self.start()
        for _ in range(10):
            self.assertBadLogin(self.login_from(emu, "127.0.0.2", password="guess-no-1"))
        locked = r'^too many failed logins from 127\.0\.0\.2: try again in (59|60) s$'
        self.assertThrottled(self.login_from(emu, "127.0.0.2"), locked)
        self.assertThrottled(self.login_from(emu, "127.0.0.2", user="someone-else"), locked)
        # the name is not locked: 10 failures are under its own limit
        self.assertLoggedIn(self.login_from(emu, "127.0.0.3"))
        # a success starts the address's count again
        for _ in range(9):
            self.assertBadLogin(self.login_from(emu, "127.0.0.4", password="guess-no-2"))
        self.assertLoggedIn(self.login_from(emu, "127.0.0.4"))
        for _ in range(9):
            self.assertBadLogin(self.login_from(emu, "127.0.0.4", password="guess-no-3"))
        self.assertBadLogin(self.login_from(emu, "127.0.0.4", user="nobody", password="x"))
        self.assertThrottled(self.login_from(emu, "127.0.0.4"), r"from 127\.0\.0\.4: ")
        # 127.0.0.1, the other suites' address, untouched
        self.assertLoggedIn(self.login_from(emu, "127.0.0.1"))
        log = emu.log()
        self.assertEqual(log.count('login failed for "administrator" from 127.0.0.2'), 10, log)
        self.assertEqual(log.count('login failed for "administrator" from 127.0.0.4'), 18, log)
        self.assertIn('login failed for "nobody" from 127.0.0.4', log)
        self.assertIn("127.0.0.2 locked out of Login for 60 s after 10 failed logins", log)
        for secret in ("guess-no-1", "guess-no-2", "guess-no-3"):
            self.assertNotIn(secret, log)

    def test_name_locked_and_lockouts_growing(self):
        """A login name failing from several addresses is locked for all
        of them; a lockout repeated soon after the last one doubles."""
        emu = self.start(["--login-max-failures", "2", "--login-name-max-failures", "3",
                          "--login-window", "30", "--login-lockout", "1"])
        self.assertBadLogin(self.login_from(emu, "127.0.0.5", password="a"))
        self.assertBadLogin(self.login_from(emu, "127.0.0.5", password="b"))
        self.assertThrottled(self.login_from(emu, "127.0.0.5"),
                             r"^too many failed logins from 127\.0\.0\.5: try again in 1 s$")
        self.assertBadLogin(self.login_from(emu, "127.0.0.6", password="c"))
        name_locked = r'^too many failed logins for "administrator": try again in 1 s$'
        self.assertThrottled(self.login_from(emu, "127.0.0.7"), name_locked)
        # other names from other addresses are not
        self.assertBadLogin(self.login_from(emu, "127.0.0.7", user="nobody", password="d"))
        self.assertIn('login name "administrator" locked out of Login for 1 s after 3 failed '
                      'logins', emu.log())
        time.sleep(1.2)
        self.assertLoggedIn(self.login_from(emu, "127.0.0.7"))
        # the address again, right after its lockout: twice as long
        self.assertBadLogin(self.login_from(emu, "127.0.0.5", password="e"))
        self.assertBadLogin(self.login_from(emu, "127.0.0.5", password="f"))
        self.assertThrottled(self.login_from(emu, "127.0.0.5"),
                             r"^too many failed logins from 127\.0\.0\.5: try again in 2 s$")

    def test_options(self):
        r = subprocess.run([et.BIN, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        out = r.stdout.decode()
        for opt in ("--login-max-failures", "--login-name-max-failures", "--login-window",
                    "--login-lockout", "--login-lockout-max"):
            self.assertIn(opt, out)
        for bad in (["--login-max-failures", "-1"], ["--login-window", "0"],
                    ["--login-lockout", "0"]):
            r = subprocess.run([et.BIN, "serve"] + bad, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=30)
            self.assertEqual(r.returncode, 2, bad)


if __name__ == "__main__":
    unittest.main(verbosity=2)
