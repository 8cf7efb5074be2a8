# SPDX-License-Identifier: GPL-2.0-or-later
"""Test harness for micetro-emu: start/stop the server, speak raw SOAP.

Environment:
  MICETRO_EMU_BIN   the server binary (default <repo>/build/bin/micetro-emu)
  MICETRO_URL       test an already running server (emulator or real
                    Micetro) at this SOAP URL instead of starting one;
                    tests that must control the server are skipped
  MICETRO_USER, MICETRO_PASSWORD   credentials (default administrator)
  KEEP=1            keep temporary directories (server data, logs)
  MICETRO_EMU_WRAPPER  a command the server runs under, e.g.
                    "valgrind -q --error-exitcode=99" (its exit status then
                    fails stop()); start-up and request waits grow
  MICETRO_RECORD=DIR   put a recording proxy (wirerec.py) in front of
                    every server started here: .url/.host/.port/.base
                    name the proxy; the traffic goes to DIR/<script>/;
                    MICETRO_SEED defaults to 1
  MICETRO_SEED      seeds the tests' random data (octets, name tags), so
                    that two runs send the same requests

Only the Python standard library is used here.
"""

import contextlib
import http.client
import json
import os
import random
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import wirerec

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("MICETRO_EMU_BIN") or os.path.join(REPO, "build", "bin", "micetro-emu")
REMOTE_URL = os.environ.get("MICETRO_URL") or None
USER = os.environ.get("MICETRO_USER", "administrator")
PASSWORD = os.environ.get("MICETRO_PASSWORD", "administrator")
KEEP = os.environ.get("KEEP") == "1"
WRAPPER = shlex.split(os.environ.get("MICETRO_EMU_WRAPPER", ""))
RECORD = os.environ.get("MICETRO_RECORD") or None
if RECORD:
    os.environ.setdefault("MICETRO_SEED", "1")  # also for the Perl test
    if os.environ.get("PYTHONHASHSEED") is None:
        # suds orders its namespace prefixes by string hashes: run again
        # with a fixed hash seed, so that two runs send the same bytes
        os.environ["PYTHONHASHSEED"] = "0"
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, sys.orig_argv)
    # the recording notes the test each request began in
    _unnoted_run = unittest.TestCase.run

    def _run_noted(self, result=None):
        wirerec.current_test = self.id().replace("__main__.", "", 1)
        try:
            return _unnoted_run(self, result)
        finally:
            wirerec.current_test = "-"

    unittest.TestCase.run = _run_noted
if os.environ.get("MICETRO_SEED"):
    random.seed(os.environ["MICETRO_SEED"])

SOAP_PATH = "/_mmwebext/mmwebext.dll?Soap"
WSDL_PATH = "/_mmwebext/mmwebext.dll?wsdl"

NS_MM = "http://menandmice.com/webservices/"
NS_SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS_SOAPENC = "http://schemas.xmlsoap.org/soap/encoding/"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_XSD = "http://www.w3.org/2001/XMLSchema"
NS_WSDL = "http://schemas.xmlsoap.org/wsdl/"
NS_WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
NS_WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"

SESSION_RE = re.compile(r"\A[A-Za-z0-9]{20}\Z")
LISTEN_RE = re.compile(r"micetro-emu: listening on (http://([^/\s]+)(/_mmwebext/mmwebext\.dll\?Soap))\s*$")

BAD_CREDENTIALS = "Invalid username or password."
BAD_SESSION = "Invalid or expired session"
NOT_IMPLEMENTED = "is not implemented yet"


def q(ns, local):
    return "{%s}%s" % (ns, local)


def remote():
    """True when the tests target a server given by MICETRO_URL."""
    return REMOTE_URL is not None


def need_local(testcase):
    """Skips testcase when the server is not under our control."""
    if remote():
        testcase.skipTest("needs a server started by the harness (MICETRO_URL is set)")


# ---------------------------------------------------------------- server


class EmuError(Exception):
    pass


class Emu:
    """One micetro-emu process on 127.0.0.1:<free port> with its own data dir.

    Emu(args) starts it; .url/.base/.wsdl_url/.host/.port describe it.
    With MICETRO_URL set, Emu() only describes that server (.remote is True)
    and the control methods raise unittest.SkipTest.  With MICETRO_RECORD
    set, the addresses are those of a recording proxy (.proxy) in front of
    the server, the same across restarts.
    """

    def __init__(self, args=(), env=None, start=True, data_dir=None, ready_timeout=60):
        self.args = list(args)
        self.env = dict(env or {})
        self.ready_timeout = ready_timeout
        self.proc = None
        self.lines = []  # stderr lines, for diagnostics
        self._lock = threading.Lock()
        self.remote = remote()
        self.tmp = None
        self.data_dir = data_dir
        self.proxy = None
        if self.remote:
            self._set_url(REMOTE_URL)
            return
        if self.data_dir is None:
            self.tmp = tempfile.mkdtemp(prefix="me", dir="/tmp")
            # The embedded cluster runs as the postgres user: it must reach it.
            os.chmod(self.tmp, 0o755)
            self.data_dir = os.path.join(self.tmp, "d")
        if start:
            self.start()

    # -- addresses

    def _set_url(self, url):
        u = urllib.parse.urlsplit(url)
        self.url = url
        self.host = u.hostname
        self.port = u.port or 80
        self.netloc = u.netloc
        self.base = "%s://%s" % (u.scheme, u.netloc)
        self.path = u.path + ("?" + u.query if u.query else "")
        self.wsdl_url = self.base + WSDL_PATH

    # -- control

    def _need_local(self):
        if self.remote:
            raise unittest.SkipTest("needs a server started by the harness (MICETRO_URL is set)")

    def command(self):
        return WRAPPER + [BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir] + self.args

    def start(self):
        self._need_local()
        if not os.access(BIN, os.X_OK):
            raise EmuError("server binary %s not found (build first, or set MICETRO_EMU_BIN)" % BIN)
        if self.proc is not None and self.proc.poll() is None:
            raise EmuError("already running")
        env = dict(os.environ)
        env.pop("MICETRO_URL", None)
        env.pop("MICETRO_DB", None)
        env.update(self.env)
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env=env, cwd=self.tmp or REPO)
        ready = threading.Event()
        found = []
        proc = self.proc

        def reader():
            for raw in iter(proc.stderr.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                with self._lock:
                    self.lines.append(line)
                if os.environ.get("EMU_VERBOSE") == "1":
                    sys.stderr.write("[emu] %s\n" % line)
                if not found:
                    m = LISTEN_RE.search(line)
                    if m:
                        found.append(m.group(1))
                        ready.set()
            proc.stderr.close()
            ready.set()

        self._reader = threading.Thread(target=reader, daemon=True)
        self._reader.start()
        ready.wait(self.ready_timeout)
        if not found:
            rc = self.proc.poll()
            if rc is None:
                self.kill()
                raise EmuError("no listening line within %ss; stderr:\n%s" % (self.ready_timeout, self.log()))
            raise EmuError("server exited with %s before listening; stderr:\n%s" % (rc, self.log()))
        self._set_url(found[0])
        if self.host != "127.0.0.1" or self.port == 0:
            raise EmuError("unexpected listening line: %s" % found[0])
        if RECORD:
            if self.proxy is None:
                self.proxy = wirerec.Proxy(RECORD)
            self.proxy.target = (self.host, self.port)
            self._set_url(self.proxy.front_url(found[0]))
        return self

    def log(self):
        with self._lock:
            return "\n".join(self.lines)

    def alive(self):
        if self.remote:
            return True
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def stop(self, timeout=30, sig=signal.SIGTERM):
        """Sends sig, waits, raises AssertionError unless the exit status is 0."""
        self._need_local()
        if self.proc is None:
            return
        proc = self.proc
        if proc.poll() is None:
            proc.send_signal(sig)
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError("server did not exit within %ss of signal %s; stderr:\n%s"
                                 % (timeout, sig, self.log()))
        self._reader.join(5)
        self.proc = None
        if rc != 0:
            raise AssertionError("server exited with status %s; stderr:\n%s" % (rc, self.log()))

    def restart(self):
        self.stop()
        return self.start()

    def kill(self):
        self._need_local()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def sql(self, query, *args):
        """Runs one SQL statement on the server's embedded cluster with psql
        (as the postgres user when root) and returns its rows as lists of
        strings (NULL as "").  args are passed as psql variables :'v1',
        :'v2' ... (quoted by psql).  Local servers on the embedded
        cluster only: skips otherwise."""
        self._need_local()
        if "--db" in self.args:
            raise unittest.SkipTest("the server does not use its embedded cluster")
        psql = pg_bin("psql")
        if not psql:
            raise unittest.SkipTest("psql not installed")
        conninfo = "host=%s dbname=micetro user=micetro" % os.path.join(self.data_dir, "run")
        cmd = [psql, "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1"]
        for i, a in enumerate(args, 1):
            cmd += ["-v", "v%d=%s" % (i, a)]
        cmd += ["-d", conninfo]
        r = subprocess.run(as_postgres(cmd), input=query.encode("utf-8"), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60, cwd="/")
        if r.returncode != 0:
            raise EmuError("psql failed (%s): %s" % (r.returncode, r.stderr.decode("utf-8", "replace")))
        out = r.stdout.decode("utf-8")
        return [ln.split("\x1f") for ln in out.split("\n") if ln != ""]

    def close(self):
        """Stops the server (status not checked) and removes the temp dir."""
        if self.remote:
            return
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.proxy:
            self.proxy.close()
            self.proxy = None
        if self.data_dir:
            stop_stray_cluster(os.path.join(self.data_dir, "pg"))
        if self.tmp and not KEEP:
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.tmp:
            sys.stderr.write("KEEP=1: kept %s\n" % self.tmp)


def stop_stray_cluster(pgdata):
    """Stops a postmaster left running in pgdata (after kill -9 of the server)."""
    if not os.path.exists(os.path.join(pgdata, "postmaster.pid")):
        return
    ctl = pg_bin("pg_ctl")
    if ctl:
        subprocess.run(as_postgres([ctl, "stop", "-D", pgdata, "-m", "immediate", "-w"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


# ---------------------------------------------------------------- PostgreSQL


def free_port():
    """A TCP port on 127.0.0.1 free a moment ago."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pg_bin(name):
    base = "/usr/lib/postgresql"
    if os.path.isdir(base):
        for v in sorted(os.listdir(base), key=lambda s: [int(x) if x.isdigit() else 0 for x in s.split(".")],
                        reverse=True):
            p = os.path.join(base, v, "bin", name)
            if os.access(p, os.X_OK):
                return p
    return shutil.which(name)


def as_postgres(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


class PgCluster:
    """A throw-away PostgreSQL cluster with a unix socket only.

    .conninfo is "host=DIR dbname=postgres user=postgres"; stop() and start()
    control the postmaster; close() removes everything (unless KEEP=1).
    """

    def __init__(self):
        self.initdb = pg_bin("initdb")
        self.pg_ctl = pg_bin("pg_ctl")
        if not self.initdb or not self.pg_ctl:
            raise unittest.SkipTest("PostgreSQL server binaries (initdb, pg_ctl) not installed")
        self.dir = tempfile.mkdtemp(prefix="pg", dir="/tmp")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.pgdata = os.path.join(self.dir, "data")
        self.logfile = os.path.join(self.dir, "log")
        self.conninfo = "host=%s dbname=postgres user=postgres" % self.dir
        self._run([self.initdb, "-D", self.pgdata, "-A", "trust", "-U", "postgres",
                   "-E", "UTF8", "--no-sync"], timeout=120)
        self.running = False
        self.start()

    def _run(self, cmd, timeout=60):
        r = subprocess.run(as_postgres(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=dict(os.environ, LC_ALL="C"), timeout=timeout, cwd="/")
        if r.returncode != 0:
            raise EmuError("%s failed (%s):\n%s" % (" ".join(cmd), r.returncode,
                                                     r.stdout.decode("utf-8", "replace")))
        return r

    def start(self):
        opts = "-c listen_addresses='' -c unix_socket_directories='%s' -c fsync=off" % self.dir
        self._run([self.pg_ctl, "start", "-w", "-t", "60", "-D", self.pgdata, "-l", self.logfile,
                   "-o", opts])
        self.running = True

    def stop(self, mode="fast"):
        self._run([self.pg_ctl, "stop", "-w", "-t", "60", "-D", self.pgdata, "-m", mode])
        self.running = False

    def close(self):
        if self.running:
            try:
                self.stop("immediate")
            except Exception:
                pass
        if not KEEP:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- HTTP


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    @property
    def content_type(self):
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def __repr__(self):
        return "<HTTP %s %s, %s, %r>" % (self.status, self.reason, self.header("Content-Type"),
                                         self.body[:2000])


def connect(target, timeout=30):
    """An http.client.HTTPConnection to target (an Emu or a URL)."""
    host, port = _hostport(target)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _hostport(target):
    if isinstance(target, Emu):
        return target.host, target.port
    u = urllib.parse.urlsplit(target)
    return u.hostname, u.port or 80


def _path(target):
    if isinstance(target, Emu):
        return target.path
    u = urllib.parse.urlsplit(target)
    return u.path + ("?" + u.query if u.query else "")


def request(target, method, path=None, body=None, headers=None, conn=None, timeout=30):
    """One HTTP request; returns a Response.  With conn, reuses it (keep-alive)."""
    own = conn is None
    if own:
        conn = connect(target, timeout)
    try:
        hdrs = dict(headers or {})
        if body is not None and isinstance(body, str):
            body = body.encode("utf-8")
        conn.request(method, path or _path(target), body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.getheaders(), data)
    finally:
        if own:
            conn.close()


def control(target, method, path, body=None, timeout=30):
    """A call of the control API (/_emu/...): (status, parsed JSON or None
    for an empty body).  body: a dict (sent as JSON), str or bytes."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    r = request(target, method, path, body=body, timeout=timeout)
    if not r.body:
        return r.status, None
    if r.content_type != "application/json":
        raise AssertionError("%s %s: not JSON: %r" % (method, path, r))
    return r.status, json.loads(r.body)


CT11 = "text/xml; charset=utf-8"
CT12 = "application/soap+xml; charset=utf-8"


def post(target, envelope, op=None, version=11, soapaction="quoted", content_type=None,
         headers=None, conn=None, timeout=30):
    """POSTs a SOAP envelope (str or bytes) to the SOAP endpoint.

    soapaction: "quoted" / "bare" / None (no header) / any other str (sent as is).
    For SOAP 1.2 the action goes into the Content-Type instead.
    """
    hdrs = {}
    action = NS_MM + op if op else ""
    if version == 12:
        ct = content_type or CT12
        if op and soapaction is not None and content_type is None:
            ct += '; action="%s"' % action
    else:
        ct = content_type or CT11
        if soapaction == "quoted":
            hdrs["SOAPAction"] = '"%s"' % action
        elif soapaction == "bare":
            hdrs["SOAPAction"] = action
        elif soapaction is not None:
            hdrs["SOAPAction"] = soapaction
    hdrs["Content-Type"] = ct
    hdrs.update(headers or {})
    return request(target, "POST", body=envelope, headers=hdrs, conn=conn, timeout=timeout)


# ---------------------------------------------------------------- envelopes


def op_xml(op, fields, prefix="ns0"):
    """zeep style operation element: <ns0:Op xmlns:ns0=MM><ns0:f>v</ns0:f>...

    fields: list of (name, value); value None is skipped."""
    p = prefix + ":" if prefix else ""
    decl = ' xmlns:%s="%s"' % (prefix, NS_MM) if prefix else ' xmlns="%s"' % NS_MM
    parts = ["<%s%s%s>" % (p, op, decl)]
    for k, v in fields:
        if v is None:
            continue
        parts.append("<%s%s>%s</%s%s>" % (p, k, escape(str(v)), p, k))
    parts.append("</%s%s>" % (p, op))
    return "".join(parts)


def envelope11(body, header=None, prefix="soap-env"):
    h = "" if header is None else "<%s:Header>%s</%s:Header>" % (prefix, header, prefix)
    return ("<?xml version='1.0' encoding='utf-8'?>\n"
            '<%s:Envelope xmlns:%s="%s">%s<%s:Body>%s</%s:Body></%s:Envelope>'
            % (prefix, prefix, NS_SOAP11, h, prefix, body, prefix, prefix))


def envelope12(body, header=None, prefix="soap-env"):
    h = "" if header is None else "<%s:Header>%s</%s:Header>" % (prefix, header, prefix)
    return ("<?xml version='1.0' encoding='utf-8'?>\n"
            '<%s:Envelope xmlns:%s="%s">%s<%s:Body>%s</%s:Body></%s:Envelope>'
            % (prefix, prefix, NS_SOAP12, h, prefix, body, prefix, prefix))


def envelope(version, body):
    return envelope12(body) if version == 12 else envelope11(body)


def login_xml(user=None, password=None, server="localhost"):
    return op_xml("Login", [("server", server), ("loginName", USER if user is None else user),
                            ("password", PASSWORD if password is None else password)])


def session_op_xml(op, session, extra=()):
    return op_xml(op, [("session", session)] + list(extra))


# ---------------------------------------------------------------- parsing


def parse_scoped(data):
    """Parses XML; returns (root, scopes) with scopes[id(elem)] = {prefix: uri}."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    import io
    scopes = {}
    stack = [{"xml": "http://www.w3.org/XML/1998/namespace"}]
    pending = {}
    root = None
    for event, item in ET.iterparse(io.BytesIO(data), events=("start-ns", "start", "end")):
        if event == "start-ns":
            pending[item[0]] = item[1]
        elif event == "start":
            m = dict(stack[-1])
            m.update(pending)
            pending = {}
            stack.append(m)
            scopes[id(item)] = m
            if root is None:
                root = item
        else:
            stack.pop()
    return root, scopes


def resolve_qname(text, scope):
    """'pfx:local' -> (uri, local) using the in-scope declarations."""
    text = (text or "").strip()
    if ":" in text:
        pfx, local = text.split(":", 1)
    else:
        pfx, local = "", text
    return scope.get(pfx), local


class SoapError(AssertionError):
    pass


class Envelope:
    """A parsed SOAP response: version, body child (payload or Fault)."""

    def __init__(self, data):
        try:
            self.root, self.scopes = parse_scoped(data)
        except ET.ParseError as e:
            raise SoapError("response is not XML (%s): %r" % (e, data[:2000]))
        if self.root.tag == q(NS_SOAP11, "Envelope"):
            self.version, self.ns = 11, NS_SOAP11
        elif self.root.tag == q(NS_SOAP12, "Envelope"):
            self.version, self.ns = 12, NS_SOAP12
        else:
            raise SoapError("not a SOAP envelope: root %s: %r" % (self.root.tag, data[:2000]))
        bodies = [c for c in self.root if c.tag == q(self.ns, "Body")]
        if len(bodies) != 1:
            raise SoapError("envelope has %d Body elements" % len(bodies))
        kids = list(bodies[0])
        if len(kids) != 1:
            raise SoapError("Body has %d children, expected 1: %r" % (len(kids), data[:2000]))
        self.payload = kids[0]
        self.is_fault = self.payload.tag == q(self.ns, "Fault")


class Fault:
    """A SOAP fault, version-independent.

    code: (namespace, local) of faultcode (1.1) or Code/Value (1.2);
    kind: 'Client'/'Server' (1.1) or 'Sender'/'Receiver' (1.2);
    string: faultstring or Reason/Text; error_code: int from detail mm:errorCode or None.
    """

    def __init__(self, env):
        f = env.payload
        self.version = env.version
        self.error_code = None
        self.error_code_text = None
        if env.version == 11:
            fc = f.find("faultcode")
            fs = f.find("faultstring")
            if fc is None or fs is None:
                raise SoapError("SOAP 1.1 Fault without unqualified faultcode/faultstring")
            self.code = resolve_qname(fc.text, env.scopes[id(fc)])
            self.string = fs.text or ""
            detail = f.find("detail")
        else:
            v = f.find("%s/%s" % (q(NS_SOAP12, "Code"), q(NS_SOAP12, "Value")))
            t = f.find("%s/%s" % (q(NS_SOAP12, "Reason"), q(NS_SOAP12, "Text")))
            if v is None or t is None:
                raise SoapError("SOAP 1.2 Fault without Code/Value or Reason/Text")
            self.code = resolve_qname(v.text, env.scopes[id(v)])
            self.string = t.text or ""
            detail = f.find(q(NS_SOAP12, "Detail"))
        self.kind = self.code[1] if self.code[0] == env.ns else None
        if detail is not None:
            ec = detail.find(".//" + q(NS_MM, "errorCode"))
            if ec is not None:
                self.error_code_text = ec.text
                try:
                    self.error_code = int((ec.text or "").strip())
                except ValueError:
                    pass

    def __repr__(self):
        return "<Fault %s %r errorCode=%r>" % (self.code, self.string, self.error_code_text)


def parse(resp):
    """Response -> Envelope (raises SoapError when not SOAP)."""
    return Envelope(resp.body)


def fault_of(resp):
    env = parse(resp)
    if not env.is_fault:
        raise SoapError("expected a fault, got %s: %r" % (env.payload.tag, resp.body[:2000]))
    return Fault(env)


def result_of(resp, op):
    """Checks a successful response of op (status 200, right version); returns the payload."""
    env = parse(resp)
    if env.is_fault:
        raise SoapError("%s: unexpected fault %r" % (op, Fault(env)))
    if resp.status != 200:
        raise SoapError("%s: HTTP %s with a non-fault body" % (op, resp.status))
    if env.payload.tag != q(NS_MM, op + "Response"):
        raise SoapError("%s: response element %s" % (op, env.payload.tag))
    return env.payload


# ---------------------------------------------------------------- operations


def login(target, user=None, password=None, version=11, conn=None, timeout=30):
    """Logs in through a raw POST; returns the session id (asserts success)."""
    r = post(target, envelope(version, login_xml(user, password)), "Login", version=version,
             conn=conn, timeout=timeout)
    p = result_of(r, "Login")
    s = p.find(q(NS_MM, "session"))
    if s is None or not SESSION_RE.match(s.text or ""):
        raise SoapError("Login: bad session in %r" % r.body)
    return s.text


def logout(target, session, version=11, conn=None, timeout=30):
    return post(target, envelope(version, session_op_xml("Logout", session)), "Logout",
                version=version, conn=conn, timeout=timeout)


def call(target, op, session, version=11, conn=None, extra=(), timeout=30):
    return post(target, envelope(version, session_op_xml(op, session, extra)), op,
                version=version, conn=conn, timeout=timeout)


def session_state(target, session, conn=None):
    """'valid', 'invalid' or raises: probes with GetDHCPServers (limit 1),
    which is served, or answers 'not implemented' on an older build."""
    r = call(target, "GetDHCPServers", session, conn=conn, extra=[("limit", 1)])
    env = parse(r)
    if not env.is_fault:
        return "valid"
    f = Fault(env)
    if BAD_SESSION in f.string:
        return "invalid"
    if NOT_IMPLEMENTED in f.string:
        return "valid"
    raise SoapError("GetDHCPServers: unexpected fault %r" % f)


# Operations that take only a session (the rest optional), in the order
# they are expected to be served.
_SESSION_ONLY_OPS = ("GetRanges", "GetDHCPScopes", "GetDHCPAddressPools",
                     "GetDHCPFailoverRelationships")


def unserved_op():
    """An operation of server/emu/ops.def that is not served yet and needs
    only a session, for the "not implemented" tests; None when all are
    served (those tests then skip)."""
    served = {}
    with open(os.path.join(REPO, "server", "emu", "ops.def")) as f:
        for m in re.finditer(r"^OP\((\w+), ([01])\)", f.read(), re.M):
            served[m.group(1)] = m.group(2) == "1"
    for op in _SESSION_ONLY_OPS:
        if op in served and not served[op]:
            return op
    return None


# ---------------------------------------------------------------- raw sockets


def raw_socket(target, timeout=30):
    s = socket.create_connection(_hostport(target), timeout=timeout)
    return s


def read_until_close(sock, deadline):
    """Reads until EOF/reset or deadline; returns (data, how) with how in
    'eof', 'reset', 'timeout'."""
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return data, "timeout"
        r, _, _ = select.select([sock], [], [], left)
        if not r:
            return data, "timeout"
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return data, "reset"
        except socket.timeout:
            continue
        if not chunk:
            return data, "eof"
        data += chunk


def parse_raw_response(data):
    """Parses one HTTP response from raw bytes; returns Response or None."""
    if not data.startswith(b"HTTP/"):
        return None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        return None
    headers = []
    for ln in lines[1:]:
        if ":" in ln:
            k, v = ln.split(":", 1)
            headers.append((k.strip(), v.strip()))
    resp = Response(status, parts[2] if len(parts) > 2 else "", headers, body)
    cl = resp.header("Content-Length")
    if cl is not None and cl.isdigit():
        resp.body = body[:int(cl)]
    return resp


def http_request_bytes(target, body, path=None, extra_headers=(), content_type=CT11, op="Login",
                       content_length=None):
    """Bytes of a complete HTTP/1.1 POST."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    host, port = _hostport(target)
    lines = ["POST %s HTTP/1.1" % (path or _path(target)),
             "Host: %s:%d" % (host, port),
             "Content-Type: %s" % content_type,
             'SOAPAction: "%s%s"' % (NS_MM, op),
             "Content-Length: %d" % (len(body) if content_length is None else content_length)]
    lines += list(extra_headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("iso-8859-1") + body


class Race:
    """The start of n threads racing with one request each (thread i in
    `with race.go(i):`): all go at once.  With MICETRO_RECORD they go one
    after the other in the order of i instead, each when the one before
    has its answer: the winner of a real race varies from run to run, and
    with it the answers of this and of later tests."""

    def __init__(self, n):
        self.barrier = threading.Barrier(n)
        self.cond = threading.Condition()
        self.turn = 0

    @contextlib.contextmanager
    def go(self, i):
        if not RECORD:
            self.barrier.wait()
            yield
            return
        with self.cond:
            self.cond.wait_for(lambda: self.turn == i)
        try:
            yield
        finally:
            with self.cond:
                self.turn += 1
                self.cond.notify_all()


def race_all(n, fn):
    """Runs fn(i) for i in 0..n-1 in n threads started at once (a Race);
    returns their results in order, an exception raised standing for its
    result."""
    race = Race(n)
    results = [None] * n

    def run(i):
        with race.go(i):
            try:
                results[i] = fn(i)
            except Exception as exc:  # noqa: BLE001 - the caller's to judge
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class EmuTestCase(unittest.TestCase):
    """Base class: assertion helpers shared by the test files."""

    emu = None

    def assertSession(self, s):
        self.assertIsNotNone(s)
        self.assertRegex(s, SESSION_RE)

    def assertFault11(self, resp, kind, text=None, exact=None, statuses=(500,), need_code=True):
        """A SOAP 1.1 fault: HTTP 500, text/xml, faultcode in the SOAP 1.1
        namespace with local name kind, a numeric mm:errorCode."""
        self.assertIn(resp.status, statuses, resp)
        self.assertEqual(resp.content_type, "text/xml", resp)
        f = fault_of(resp)
        self.assertEqual(f.version, 11, resp)
        self.assertEqual(f.code, (NS_SOAP11, kind), resp)
        if text is not None:
            self.assertIn(text, f.string)
        if exact is not None:
            self.assertEqual(f.string, exact)
        if need_code:
            self.assertIsNotNone(f.error_code, "no numeric mm:errorCode in detail: %r" % resp)
        return f

    def assertFault12(self, resp, kind, text=None, exact=None):
        """A SOAP 1.2 fault: HTTP 400 (Sender) or 500, application/soap+xml."""
        self.assertIn(resp.status, (400, 500) if kind == "Sender" else (500,), resp)
        self.assertEqual(resp.content_type, "application/soap+xml", resp)
        f = fault_of(resp)
        self.assertEqual(f.version, 12, resp)
        self.assertEqual(f.code, (NS_SOAP12, kind), resp)
        if text is not None:
            self.assertIn(text, f.string)
        if exact is not None:
            self.assertEqual(f.string, exact)
        self.assertIsNotNone(f.error_code, "no numeric mm:errorCode in detail: %r" % resp)
        return f

    def assertHealthy(self, emu=None):
        """The server process is alive and a Login on a fresh connection works."""
        emu = emu or self.emu
        self.assertTrue(emu.alive(), "server process died; stderr:\n%s" % emu.log()
                        if not emu.remote else "")
        s = login(emu)
        self.assertSession(s)
        r = logout(emu, s)
        result_of(r, "Logout")


# ---------------------------------------------------------------- zeep tests


def module_emu(args=()):
    """setUpModule of a test file with one module-wide server of its own:
    starts it, or skips the file when the tests target a remote server."""
    if remote():
        raise unittest.SkipTest("needs servers started by the harness")
    return Emu(args)


def module_emu_stop(emu):
    """tearDownModule of a test file with one module-wide server: stops it
    (asserting exit status 0, so valgrind or a sanitizer error fails the
    file) and removes its data."""
    try:
        if not emu.remote:
            emu.stop()
    finally:
        emu.close()


def ref_id(ref):
    """The id of a "{#<type>-#<id>}" reference."""
    return int(ref.split("#")[-1].rstrip("}"))


class ZeepCase(EmuTestCase):
    """A test class with a strict zeep client logged in for the whole class:
    cls.client, cls.svc (its service) and cls.session."""

    @classmethod
    def zeep_login(cls, emu):
        import zeep
        cls.emu = emu
        cls.client = zeep.Client(emu.wsdl_url, settings=zeep.Settings(strict=True))
        cls.svc = cls.client.service
        cls.session = cls.svc.Login(server="localhost", loginName=USER, password=PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls.svc.Logout(session=cls.session)

    # True: every Client fault must carry exactly one errorCode.
    fault_needs_code = False

    def client_fault(self, fn, *args, text=None, exact=None, code=None, **kw):
        """Calls fn, expects a Client fault; returns the zeep Fault.  text:
        a substring of the message, or several; exact: the whole message;
        code: its errorCode."""
        import zeep.exceptions
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            fn(*args, **kw)
        f = cm.exception
        self.assertTrue((f.code or "").endswith("Client"), (f.code, f.message))
        for t in (text,) if isinstance(text, str) else (text or ()):
            self.assertIn(t, f.message)
        if exact is not None:
            self.assertEqual(f.message, exact)
        if self.fault_needs_code:
            codes = f.detail.findall("{%s}errorCode" % NS_MM) if f.detail is not None else []
            self.assertEqual(len(codes), 1, f.message)
        if code is not None:
            codes = f.detail.findall("{%s}errorCode" % NS_MM)
            self.assertEqual(int(codes[0].text), code, f.message)
        return f
