# SPDX-License-Identifier: GPL-2.0-or-later
"""Start-up: the embedded cluster made from a template, and the health
while the process starts.

- a new data directory gets a copy of the template (the log says so);
  the template is made once, by the first start that needs it, and the
  next new data directory does not run initdb;
- two starts at once in two new data directories with no template yet
  both work, and leave one template;
- a template with a file cut short, or whose copy does not start, is
  made again; --template-dir none runs initdb;
- `micetro-emu make-template` makes the template without serving (its
  directory on stdout, no scratch directory left), leaves a whole one as
  it is, makes a bad one again; a start copies it without initdb, from a
  read-only mount of it where the test may mount, and writes nothing
  into it;
- while the database is awaited (--db pointed at a server that comes
  later) the health is 503 "starting: waiting for the database" and a
  SOAP call a Server fault saying so; while another process holds the
  migrations' lock it is 503 "migrating"; then 200.

No timing is asserted: tests/bench/bench_start.sh prints the times.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

MIGRATE_LOCK_KEY = "120265197380722"  # storage/store_migrate.c


def health(emu_port):
    """(status, JSON body) of GET /_emu/health, or (None, None) when the
    port does not answer."""
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", emu_port, timeout=10)
    try:
        c.request("GET", "/_emu/health")
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"null")
    except OSError:
        return None, None
    finally:
        c.close()


class Proc:
    """micetro-emu started by hand on a fixed port (the tests look at it
    before its "listening on" line)."""

    def __init__(self, args, env=None, cwd="/"):
        self.port = et.free_port()
        e = dict(os.environ)
        e.pop("MICETRO_DB", None)
        e.update(env or {})
        self.p = subprocess.Popen(et.WRAPPER + [et.BIN, "serve", "--listen", "127.0.0.1:%d" % self.port]
                                  + args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, env=e, cwd=cwd)
        self.url = "http://127.0.0.1:%d%s" % (self.port, et.SOAP_PATH)
        self.lines = []
        self._t = threading.Thread(target=self._read, daemon=True)
        self._t.start()

    def _read(self):
        for raw in iter(self.p.stderr.readline, b""):
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def log(self):
        return "\n".join(self.lines)

    def wait_for(self, pred, what, timeout=120):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = pred()
            if got:
                return got
            if self.p.poll() is not None:
                raise AssertionError("exited with %s while waiting for %s:\n%s"
                                     % (self.p.returncode, what, self.log()))
            time.sleep(0.05)
        raise AssertionError("no %s within %s s:\n%s" % (what, timeout, self.log()))

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
        rc = self.p.wait(60)
        self._t.join(5)
        self.p.stderr.close()
        return rc


class TemplateTest(unittest.TestCase):
    def setUp(self):
        et.need_local(self)
        self.tmp = tempfile.mkdtemp(prefix="mst", dir="/tmp")
        os.chmod(self.tmp, 0o755)  # the postgres user reaches it as root
        self.cache = os.path.join(self.tmp, "cache")
        self.addCleanup(self.cleanup)
        self.emus = []

    def cleanup(self):
        for e in self.emus:
            e.close()
        if not et.KEEP:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def emu(self, name, cache=None):
        e = et.Emu(data_dir=os.path.join(self.tmp, name),
                   env={"MICETRO_TEMPLATE_DIR": cache or self.cache}, start=False)
        self.emus.append(e)
        e.start()
        return e

    def templates(self):
        return sorted(n for n in os.listdir(self.cache) if not n.startswith("."))

    def test_made_once_then_copied(self):
        a = self.emu("a")
        self.assertIn("creating the embedded database in %s" % a.data_dir, a.log())
        self.assertRegex(a.log(), r"template \S+/pg\d+-m\d+-[0-9a-f]{8} made \(initdb and migrations\)")
        self.assertIn("embedded database created from the template", a.log())
        self.assertEqual(len(self.templates()), 1, self.templates())
        # the template's copy holds the schema and no database "postgres"
        self.assertEqual(a.sql("SELECT count(*) FROM schema_migrations")[0][0],
                         a.sql("SELECT max(version) FROM schema_migrations")[0][0])
        self.assertEqual(a.sql("SELECT datname FROM pg_database WHERE datname = 'postgres'"), [])
        et.logout(a, et.login(a))

        b = self.emu("b")
        self.assertIn("embedded database created from the template", b.log())
        self.assertNotIn("made (initdb", b.log())
        self.assertNotIn("initdb", b.log())
        # the copy is the second cluster's own: a change in one is not in the other
        a.sql("CREATE TABLE only_in_a (x int)")
        self.assertEqual(b.sql("SELECT to_regclass('only_in_a') IS NULL")[0][0], "t")
        et.logout(b, et.login(b))

        # a warm start makes nothing
        b.restart()
        self.assertEqual(b.log().count("creating the embedded database"), 1)
        self.assertEqual(b.log().count("created from the template"), 1)
        et.logout(b, et.login(b))

    def test_two_fresh_starts_at_once(self):
        procs = [Proc(["--data-dir", os.path.join(self.tmp, n)],
                      env={"MICETRO_TEMPLATE_DIR": self.cache}) for n in ("x", "y")]
        try:
            for p in procs:
                p.wait_for(lambda p=p: health(p.port)[0] == 200, "a 200 from the health")
            for p in procs:
                self.assertIn("created from the template", p.log())
                et.login(p.url)
        finally:
            rcs = [p.stop() for p in procs]
        self.assertEqual(rcs, [0, 0], "\n".join(p.log() for p in procs))
        self.assertEqual(len(self.templates()), 1, self.templates())
        leftovers = [n for n in os.listdir(self.cache) if n.startswith(".")]
        self.assertEqual(leftovers, [])

    def test_truncated_template_is_made_again(self):
        self.emu("a")
        (t,) = self.templates()
        control = os.path.join(self.cache, t, "pg", "global", "pg_control")
        with open(control, "r+b") as f:
            f.truncate(100)
        b = self.emu("b")
        self.assertRegex(b.log(), r"template \S+ was bad \(it holds \d+ files of \d+ bytes "
                                  r"where its stamp says \d+ of \d+\): made again")
        self.assertIn("made (initdb and migrations)", b.log())
        self.assertIn("created from the template", b.log())
        self.assertEqual(os.path.getsize(control), 8192)
        et.logout(b, et.login(b))

    def test_template_that_does_not_start_is_made_again(self):
        self.emu("a")
        (t,) = self.templates()
        control = os.path.join(self.cache, t, "pg", "global", "pg_control")
        size = os.path.getsize(control)
        with open(control, "r+b") as f:
            f.write(b"\xff" * size)  # same size: only PostgreSQL sees it
        b = self.emu("b")
        self.assertRegex(b.log(), r"template \S+ did not start \(PostgreSQL did not start: .*\): "
                                  r"made again")
        self.assertIn("made (initdb and migrations)", b.log())
        et.logout(b, et.login(b))

    def test_missing_stamp_is_made_again(self):
        self.emu("a")
        (t,) = self.templates()
        os.unlink(os.path.join(self.cache, t, "stamp"))
        b = self.emu("b")
        self.assertIn("its stamp is missing or unreadable): made again", b.log())
        self.assertTrue(os.path.exists(os.path.join(self.cache, t, "stamp")))
        et.logout(b, et.login(b))

    def make_template(self, *args):
        """micetro-emu make-template: (status, stdout, stderr); its scratch
        directory under self.tmp/scratch."""
        scratch = os.path.join(self.tmp, "scratch")
        os.makedirs(scratch, exist_ok=True)
        os.chmod(scratch, 0o755)
        e = dict(os.environ, TMPDIR=scratch)
        e.pop("MICETRO_TEMPLATE_DIR", None)
        p = subprocess.run(et.WRAPPER + [et.BIN, "make-template"] + list(args), env=e, cwd="/",
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=180)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def tree(self, top):
        """Every path under top with its kind, size and mtime, top included."""
        out = {}
        for d, dirs, files in os.walk(top):
            for n in [""] + dirs + files:
                st = os.lstat(os.path.join(d, n))
                out[os.path.relpath(os.path.join(d, n), top)] = (st.st_mode, st.st_size,
                                                                 st.st_mtime_ns)
        return out

    def read_only_view(self, src):
        """src mounted read-only at another path (root only), else src."""
        if os.geteuid() != 0:
            return src
        ro = os.path.join(self.tmp, "ro")
        os.mkdir(ro)
        if subprocess.run(["mount", "--bind", src, ro], capture_output=True).returncode != 0:
            return src
        self.addCleanup(subprocess.run, ["umount", ro], capture_output=True)
        if subprocess.run(["mount", "-o", "remount,ro,bind", ro],
                          capture_output=True).returncode != 0:
            return src
        return ro

    def test_make_template_then_copied(self):
        rc, out, err = self.make_template("--template-dir", self.cache)
        self.assertEqual(rc, 0, err)
        (t,) = self.templates()
        self.assertEqual(out, os.path.join(self.cache, t) + "\n")
        self.assertRegex(t, r"^pg\d+-m\d+-[0-9a-f]{8}$")
        self.assertRegex(err, r"template \S+ made \(initdb and migrations\) in \d+ ms")
        self.assertEqual(os.listdir(os.path.join(self.tmp, "scratch")), [])
        self.assertEqual([n for n in os.listdir(self.cache) if n.startswith(".")], [])
        before = self.tree(self.cache)

        # again: nothing made, nothing changed
        rc, out2, err = self.make_template("--template-dir", self.cache)
        self.assertEqual((rc, out2), (0, out), err)
        self.assertIn("template %s is there already" % out.strip(), err)
        self.assertEqual(self.tree(self.cache), before)

        # a start copies it (read-only where it can be mounted so): no initdb
        view = self.read_only_view(self.cache)
        a = self.emu("a", cache=view)
        self.assertIn("embedded database created from the template %s/%s" % (view, t), a.log())
        self.assertNotIn("initdb", a.log())
        self.assertNotIn("made again", a.log())
        self.assertEqual(a.sql("SELECT count(*) FROM schema_migrations")[0][0],
                         a.sql("SELECT max(version) FROM schema_migrations")[0][0])
        et.logout(a, et.login(a))
        self.assertEqual(self.tree(self.cache), before)

    def test_make_template_remakes_a_bad_one(self):
        rc, out, err = self.make_template("--template-dir", self.cache)
        self.assertEqual(rc, 0, err)
        control = os.path.join(out.strip(), "pg", "global", "pg_control")
        with open(control, "r+b") as f:
            f.truncate(100)
        rc, out2, err = self.make_template("--template-dir", self.cache)
        self.assertEqual((rc, out2), (0, out), err)
        self.assertRegex(err, r"template \S+ was bad \(it holds \d+ files of \d+ bytes where its "
                              r"stamp says \d+ of \d+\): made again")
        self.assertIn("made (initdb and migrations)", err)
        self.assertEqual(os.path.getsize(control), 8192)
        self.assertEqual(len(self.templates()), 1, self.templates())

    def test_make_template_refusals(self):
        rc, out, err = self.make_template("--template-dir", "none")
        self.assertEqual((rc, out), (2, ""))
        self.assertIn("make-template needs a template directory", err)
        blocker = os.path.join(self.tmp, "file")
        open(blocker, "w").close()
        rc, out, err = self.make_template("--template-dir", os.path.join(blocker, "t"))
        self.assertEqual((rc, out), (1, ""))
        self.assertIn('cannot create directory "%s/t": Not a directory' % blocker, err)
        self.assertEqual(os.listdir(os.path.join(self.tmp, "scratch")), [])

    def test_none_runs_initdb(self):
        a = self.emu("a", cache="none")
        self.assertIn("embedded database created by initdb", a.log())
        self.assertFalse(os.path.exists(self.cache))
        et.logout(a, et.login(a))


class StartingHealthTest(unittest.TestCase):
    """The health and SOAP while the process waits for its database."""

    def setUp(self):
        et.need_local(self)

    def test_waiting_then_migrating_then_ok(self):
        tmp = tempfile.mkdtemp(prefix="msh", dir="/tmp")
        os.chmod(tmp, 0o755)
        self.addCleanup(shutil.rmtree, tmp, True)
        sock = os.path.join(tmp, "sock")
        os.mkdir(sock)
        if os.geteuid() == 0:
            shutil.chown(sock, "postgres", "postgres")
        # the database the emulator is pointed at does not answer yet
        db = "host=%s dbname=postgres user=postgres" % sock
        p = Proc(["--db", db, "--db-wait", "120", "--db-timeout", "1000"])
        self.addCleanup(p.stop)
        status, j = p.wait_for(lambda: (lambda r: r if r[0] is not None else None)(health(p.port)),
                               "an answer from the health")
        self.assertEqual(status, 503, j)
        self.assertEqual(j["status"], "unavailable")
        self.assertEqual(j["reason"], "starting: waiting for the database")
        self.assertEqual(j["database"]["state"], "starting")
        # SOAP: a Server fault after --db-timeout, as for a database down
        r = et.post(p.url, et.envelope(11, et.login_xml()), "Login")
        self.assertEqual(r.status, 500, r)
        self.assertIn("database unavailable: starting: waiting for the database",
                      r.body.decode("utf-8"))
        # other control calls wait likewise, then 503
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", p.port, timeout=30)
        c.request("POST", "/_emu/reset", body=b"")
        rr = c.getresponse()
        self.assertEqual((rr.status, json.loads(rr.read())),
                         (503, {"error": "database unavailable: starting: waiting for the database"}))
        c.close()

        # the database comes, with the migrations' lock held by another
        pg = PgOnSocket(tmp, sock)
        self.addCleanup(pg.close)
        holder = pg.hold_lock()
        p.wait_for(lambda: health(p.port)[1] and health(p.port)[1].get("reason") == "migrating",
                   'the health saying "migrating"')
        status, j = health(p.port)
        self.assertEqual((status, j["database"]["state"]), (503, "migrating"), j)
        holder.release()
        p.wait_for(lambda: health(p.port)[0] == 200, "a 200 once migrated")
        et.login(p.url)
        # the journal, started with the database, holds the calls answered
        # before it: the Login faulted while starting, then the one served
        c = http.client.HTTPConnection("127.0.0.1", p.port, timeout=30)
        c.request("GET", "/_emu/requests?operation=Login")
        rr = c.getresponse()
        rows = json.loads(rr.read())["requests"]
        c.close()
        self.assertEqual(rr.status, 200)
        self.assertEqual([r["fault"] for r in rows],
                         ["database unavailable: starting: waiting for the database", None])
        self.assertEqual([r["arguments"]["password"] for r in rows], ["***"] * 2)
        self.assertEqual(p.stop(), 0, p.log())


class PgOnSocket:
    """A PostgreSQL cluster listening on the unix socket directory sock."""

    def __init__(self, tmp, sock):
        self.initdb = et.pg_bin("initdb")
        self.pg_ctl = et.pg_bin("pg_ctl")
        self.psql = et.pg_bin("psql")
        if not (self.initdb and self.pg_ctl and self.psql):
            raise unittest.SkipTest("PostgreSQL server binaries not installed")
        self.pgdata = os.path.join(tmp, "data")
        self.sock = sock
        os.mkdir(self.pgdata, 0o700)
        if os.geteuid() == 0:
            shutil.chown(self.pgdata, "postgres", "postgres")
        self._run([self.initdb, "-D", self.pgdata, "-A", "trust", "-U", "postgres", "--no-sync"])
        self._run([self.pg_ctl, "start", "-w", "-D", self.pgdata, "-l", os.path.join(self.sock, "log"),
                   "-o", "-c listen_addresses='' -c unix_socket_directories='%s' -c fsync=off" % sock])
        self.holders = []

    def _run(self, cmd):
        subprocess.run(et.as_postgres(cmd), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, cwd="/", env=dict(os.environ, LC_ALL="C"), timeout=120)

    def hold_lock(self):
        """A psql session holding the migrations' advisory lock until
        .release()."""
        h = subprocess.Popen(et.as_postgres([self.psql, "-X", "-q", "-h", self.sock, "-U", "postgres",
                                             "-d", "postgres"]),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd="/")
        h.stdin.write(b"SELECT pg_advisory_lock(%s);\n\\echo locked\n" % MIGRATE_LOCK_KEY.encode())
        h.stdin.flush()
        for line in iter(h.stdout.readline, b""):
            if b"locked" in line:
                break
        else:
            raise AssertionError("psql did not take the lock")

        class Holder:
            def release(self):
                h.stdin.close()
                h.wait(30)
                h.stdout.close()

        self.holders.append(h)
        return Holder()

    def close(self):
        for h in self.holders:
            if h.poll() is None:
                h.kill()
                h.wait()
            for f in (h.stdin, h.stdout):
                if not f.closed:
                    f.close()
        subprocess.run(et.as_postgres([self.pg_ctl, "stop", "-D", self.pgdata, "-m", "immediate", "-w"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/", timeout=60)


if __name__ == "__main__":
    unittest.main(verbosity=2)
