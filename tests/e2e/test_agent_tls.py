#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TLS between micetro-emu's worker and micetro-dhcp-agent, with real
certificates, a real agent and a real dhcpd.

usage: test_agent_tls.py PATH/TO/micetro-emu PATH/TO/micetro-dhcp-agent

Re-runs itself in a throw-away network namespace (`unshare -n` as root,
`unshare -r -n` otherwise) with a veth pair vp/vs (10.99.0.2/24,
10.99.0.3/24) for the dhcpd of the agent on 127.0.0.2.  A throw-away CA,
a second CA and the agents' certificates are made with the openssl CLI in
the test's temporary directory.  Agents (all with --tls-cert/--tls-key):

  127.0.0.2  certificate for IP 127.0.0.2, the CA's; supervises dhcpd
  127.0.0.3  certificate for IP 127.0.0.9, the CA's
  127.0.0.4  certificate naming 127.0.0.4 only as DNS name and common
             name (gSOAP's own host check would take it), the CA's

The agent on 127.0.0.2 runs with OPENSSL_CONF=/dev/null, so that what it
enforces is its own setting and not the system's OpenSSL configuration.
Checks, in order:

  - the agent refuses to start: --tls-cert without --tls-key and the
    other way round, an unreadable certificate, a file that is not a
    certificate, a key that is not the certificate's
  - micetro-emu refuses to start with an unreadable --agent-tls-ca or
    one that holds no certificate
  - over https: Status with the secret answers, a wrong secret is the
    Client fault "invalid agent secret", the WSDL names https://
  - plain HTTP to the TLS agent: the connection is closed without an
    answer, the agent logs why and keeps serving
  - TLS 1.1 is refused, TLS 1.2 taken (openssl s_client)
  - a client that connects and sends nothing is closed after the
    handshake timeout (2 s) while other connections are served
  - micetro-emu run --agent-tls-ca CA: the server on 127.0.0.2 becomes OK
    with its file installed and dhcpd running on it; the servers on
    127.0.0.3 and 127.0.0.4 are Unreachable, their stateMessage saying
    the certificate was refused: IP address mismatch
  - micetro-emu restarted with the other CA: a change leaves 127.0.0.2
    Unreachable ("unable to get local issuer certificate"), its file as
    it was
  - restarted without --agent-tls-ca (plain http): Unreachable, the file
    as it was, the agent's log says the caller spoke HTTP
  - restarted with the right CA: OK, the last change in the file

Exit 77 (skipped) when openssl, dhcpd, ip, a network namespace or zeep is
missing.  Everything started here is stopped by pid before exit; the
temporary directory (keys included) is removed.
"""
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import agentlib  # noqa: E402
from agentlib import Fault  # noqa: E402
from e2elib import (FAILED, SKIP, add_veths, check, find_dhcpd, finish, in_netns, log,  # noqa: E402
                    rerun_in_netns, stop_all, wait_for)

SECRET = "tls-e2e-secret-0123456789"
PROCS = []
HANDSHAKE_S = 2



def outer(argv):
    if len(argv) != 3 or not all(os.access(a, os.X_OK) for a in argv[1:]):
        print("usage: test_agent_tls.py PATH/TO/micetro-emu PATH/TO/micetro-dhcp-agent",
              file=sys.stderr)
        return 2
    if not shutil.which("openssl"):
        print("SKIP: the openssl command is missing")
        return SKIP
    try:
        import zeep  # noqa: F401
    except ImportError:
        print("SKIP: zeep missing")
        return SKIP
    return rerun_in_netns(argv[0], argv[1:], "IN_TLS_NS")



# ------------------------------------------------------------ certificates

def openssl(*args, env=None):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, env=env)


def make_ca(d, name):
    """A self-signed CA: d/name.pem and d/name.key."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", os.path.join(d, name + ".key"),
            "-out", os.path.join(d, name + ".pem"), "-days", "2",
            "-subj", "/CN=micetro-emu test %s" % name,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")


def make_cert(d, name, ca, cn, san, serial):
    """d/name.pem (signed by CA ca, subjectAltName san) and d/name.key."""
    ext = os.path.join(d, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                "subjectAltName=%s\n" % san)
    csr = os.path.join(d, name + ".csr")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", os.path.join(d, name + ".key"), "-out", csr,
            "-subj", "/CN=%s" % cn)
    openssl("x509", "-req", "-in", csr, "-CA", os.path.join(d, ca + ".pem"),
            "-CAkey", os.path.join(d, ca + ".key"), "-set_serial", str(serial),
            "-days", "2", "-extfile", ext, "-out", os.path.join(d, name + ".pem"))


# ------------------------------------------------------------------ agents

class Agent:
    def __init__(self, binary, d, name, host, cert, ctx, ifaces=(), dhcpd=None, env=None):
        self.binary, self.d, self.name, self.host = binary, d, name, host
        self.cert, self.ctx, self.ifaces, self.dhcpd = cert, ctx, ifaces, dhcpd
        self.env = env
        self.conf = os.path.join(d, name + ".conf")
        self.log_path = os.path.join(d, name + ".agent.log")
        self.proc = None

    def args(self):
        args = [self.binary, "--listen", "%s:8647" % self.host, "--dhcpd-conf", self.conf,
                "--lease-file", os.path.join(self.d, self.name + ".leases"),
                "--pid-file", os.path.join(self.d, self.name + ".pid"),
                "--secret-file", os.path.join(self.d, "secret"),
                "--tls-cert", os.path.join(self.d, self.cert + ".pem"),
                "--tls-key", os.path.join(self.d, self.cert + ".key"),
                "--tls-handshake-timeout-s", str(HANDSHAKE_S),
                "--settle-ms", "300", "--stop-timeout-ms", "3000"]
        if self.dhcpd:
            args += ["--dhcpd", self.dhcpd]
        for i in self.ifaces:
            args += ["--interface", i]
        return args

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args(), stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self.env)
        PROCS.append(self.proc)
        return agentlib.wait_port(self.host, 8647, self.proc, tls=self.ctx)

    def call(self, op, *fields, secret=SECRET):
        return agentlib.call(self.host, 8647, op, [("secret", secret)] + list(fields),
                             timeout=20, tls=self.ctx)

    def text(self):
        try:
            with open(self.conf) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def logged(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        """Stops the agent; its exit status (None when it had to be
        killed)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode if self.proc else None


def sanitizer_report(text):
    """The first line of a sanitizer's report in text, or None."""
    for line in text.splitlines():
        if "Sanitizer" in line or "runtime error:" in line:
            return line
    return None


def refused(args, words, env=None):
    """Runs a program that must refuse to start: (ok, its stderr)."""
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=30, env=env)
    except subprocess.TimeoutExpired:
        return False, "still running after 30 s"
    last = r.stderr.strip().splitlines()[-1:] or ["(nothing)"]
    return (r.returncode != 0 and all(w in r.stderr for w in words)
            and sanitizer_report(r.stderr) is None), last[0]


def agent_refusals(agent_bin, d):
    base = [agent_bin, "--listen", "127.0.0.2:8648", "--dhcpd-conf",
            os.path.join(d, "never.conf"), "--lease-file", os.path.join(d, "never.leases"),
            "--secret-file", os.path.join(d, "secret")]
    pem = lambda n: os.path.join(d, n)  # noqa: E731
    cases = [
        ("--tls-cert without --tls-key", ["--tls-cert", pem("a.pem")],
         ["--tls-cert and --tls-key go together"]),
        ("--tls-key without --tls-cert", ["--tls-key", pem("a.key")],
         ["--tls-cert and --tls-key go together"]),
        ("an unreadable certificate", ["--tls-cert", pem("missing.pem"), "--tls-key",
                                       pem("a.key")],
         ["--tls-cert", "missing.pem", "No such file"]),
        ("a file that is not a certificate", ["--tls-cert", pem("garbage.pem"), "--tls-key",
                                              pem("a.key")],
         ["cannot use TLS certificate", "garbage.pem"]),
        ("a key that is not the certificate's", ["--tls-cert", pem("a.pem"), "--tls-key",
                                                 pem("b.key")],
         ["cannot use TLS key", "b.key", "a.pem"]),
    ]
    for what, extra, words in cases:
        ok, err = refused(base + extra, words)
        check(ok, "the agent refuses to start with %s: %s" % (what, err))
    check(not os.path.exists(os.path.join(d, "never.conf")), "no file made by the refused agents")


def emu_refusals(emu_bin, d):
    base = [emu_bin, "worker", "--db", "host=/nonexistent dbname=x",
            "--agent-secret-file", os.path.join(d, "secret")]
    ok, err = refused(base + ["--agent-tls-ca", os.path.join(d, "missing.pem")],
                      ["--agent-tls-ca", "missing.pem", "No such file"])
    check(ok, "micetro-emu refuses an unreadable --agent-tls-ca: %s" % err)
    ok, err = refused(base + ["--agent-tls-ca", os.path.join(d, "garbage.pem")],
                      ["--agent-tls-ca", "garbage.pem", "not a CA bundle"])
    check(ok, "micetro-emu refuses an --agent-tls-ca without certificates: %s" % err)


def wire_checks(a, d):
    """The TLS agent on the wire: secret, WSDL, plain HTTP, versions, a
    silent client."""
    check(a.call("Status").get("running") in ("true", "false"), "Status over https answers")
    try:
        a.call("Status", secret="wrong")
        f = None
    except Fault as exc:
        f = exc
    check(f is not None and "Client" in (f.code or "") and f.text == "invalid agent secret",
          "a wrong secret over https: Client fault \"invalid agent secret\" (%r)" % (f,))
    c = http.client.HTTPSConnection(a.host, 8647, timeout=10, context=a.ctx)
    try:
        c.request("GET", "/agent?wsdl")
        wsdl = c.getresponse().read().decode()
    finally:
        c.close()
    check('location="https://127.0.0.2:8647/agent"' in wsdl, "the WSDL names https://")

    try:
        agentlib.call(a.host, 8647, "Status", [("secret", SECRET)], timeout=10)
        plain = "answered"
    except (http.client.HTTPException, OSError) as exc:
        plain = repr(exc)
    check(plain != "answered", "plain HTTP to the TLS agent: no answer (%s)" % plain)
    check(wait_for("the log line", lambda: "TLS handshake failed" in a.logged()
                   and "http request" in a.logged(), 10) is not None,
          "the agent logs the plain HTTP caller's failed handshake")
    check(a.proc.poll() is None and a.call("Status").get("running") in ("true", "false"),
          "the agent is alive and serving https after it")

    env = dict(os.environ, OPENSSL_CONF="/dev/null")
    for version, want in (("-tls1_1", False), ("-tls1_2", True), ("-tls1_3", True)):
        r = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.2:8647", version,
                            "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile",
                            os.path.join(d, "ca.pem"), "-verify_return_error"],
                           input="", capture_output=True, text=True, timeout=30, env=env)
        check((r.returncode == 0) == want, "openssl s_client %s: %s" % (
            version, "taken" if r.returncode == 0 else "refused"))

    s = socket.create_connection((a.host, 8647), timeout=HANDSHAKE_S + 10)
    t = time.monotonic()
    try:
        served = a.call("Status").get("running") in ("true", "false")
        check(served, "another connection is served while a silent one waits")
        try:
            data = s.recv(100)
        except OSError as exc:
            data = repr(exc)
        took = time.monotonic() - t
    finally:
        s.close()
    check(data in (b"", "ConnectionResetError(104, 'Connection reset by peer')")
          and HANDSHAKE_S - 0.5 <= took <= HANDSHAKE_S + 3,
          "a silent client is closed after the handshake timeout (%r after %.2f s)"
          % (data, took))
    check(wait_for("the log line", lambda: "no handshake within %d s" % HANDSHAKE_S
                   in a.logged(), 10) is not None, "the agent logs the handshake timeout")


def inner(emu_bin, agent_bin):
    import zeep
    if not add_veths(("vp", "vs", "10.99.0")):
        return SKIP
    d = tempfile.mkdtemp(prefix="agent-tls-e2e.")
    os.chmod(d, 0o755)  # the embedded PostgreSQL runs as postgres when root
    with open(os.path.join(d, "secret"), "w") as f:
        f.write(SECRET + "\n")
    os.chmod(os.path.join(d, "secret"), 0o644)
    agents = []
    emu = None
    try:
        make_ca(d, "ca")
        make_ca(d, "other-ca")
        make_cert(d, "a", "ca", "agent a", "IP:127.0.0.2", 2)
        make_cert(d, "b", "ca", "agent b", "IP:127.0.0.9", 3)
        make_cert(d, "c", "ca", "127.0.0.4", "DNS:127.0.0.4", 4)
        with open(os.path.join(d, "garbage.pem"), "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                    "-----END CERTIFICATE-----\n")
        log("CA, other CA and three agent certificates made in %s" % d)

        agent_refusals(agent_bin, d)
        emu_refusals(emu_bin, d)

        ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
        ctx.check_hostname = False  # the agents' names are checked by the worker
        a = Agent(agent_bin, d, "a", "127.0.0.2", "a", ctx, ["vp"], find_dhcpd(),
                  env=dict(os.environ, OPENSSL_CONF="/dev/null"))
        b = Agent(agent_bin, d, "b", "127.0.0.3", "b", ctx)
        c = Agent(agent_bin, d, "c", "127.0.0.4", "c", ctx)
        agents = [a, b, c]
        if not all(check(ag.start(), "TLS agent on %s" % ag.host) for ag in agents):
            return 1
        wire_checks(a, d)

        def start_emu(n, ca):
            """micetro-emu run (ca: --agent-tls-ca, or None), its log in
            emu<n>.log; (process, URL)."""
            log_file = open(os.path.join(d, "emu%d.log" % n), "ab+")
            args = [emu_bin, "run", "--listen", "127.0.0.1:18080",
                    "--data-dir", os.path.join(d, "var"),
                    "--agent-secret-file", os.path.join(d, "secret"), "--worker-poll", "1",
                    "--state-poll", "1", "--backoff", "1,2", "--agent-timeout", "5"]
            if ca:
                args += ["--agent-tls-ca", os.path.join(d, ca + ".pem")]
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log_file, cwd=d)
            PROCS.append(proc)

            def url():
                log_file.seek(0)
                for line in log_file.read().decode(errors="replace").splitlines():
                    if "listening on http" in line:
                        return line.split("listening on ")[1].strip()
                return None
            return proc, wait_for("micetro-emu to listen", url, 90)

        def stop_emu(proc):
            proc.send_signal(signal.SIGTERM)
            try:
                return proc.wait(60) == 0
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                return False

        emu, u = start_emu(1, "ca")
        if not check(u is not None, "micetro-emu run --agent-tls-ca is up (%s)" % u):
            return 1
        client = zeep.Client(u.replace("?Soap", "?wsdl"), settings=zeep.Settings(strict=True))
        svc = client.service
        session = [svc.Login(server="localhost", loginName="administrator",
                             password="administrator")]
        s = session[0]

        def state(ref):
            srv = svc.GetDHCPServer(session=session[0], dhcpServerRef=ref)
            return srv.state, srv.stateMessage or ""

        def settled(ref):
            st = state(ref)
            return st if st[0] in ("OK", "Unreachable", "Out of date") else None

        p = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="a.tls.example.", type="ISC", address="127.0.0.2")).ref
        x = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="b.tls.example.", type="ISC", address="127.0.0.3")).ref
        y = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="c.tls.example.", type="ISC", address="127.0.0.4")).ref
        rng = svc.AddRange(session=s, range=dict(name="10.99.0.0/24"))
        sc = svc.AddDHCPScope(session=s, dhcpScope=dict(
            name="10.99.0.0/24", rangeRef=rng, dhcpServerRef=p))
        pool = dict(dhcpScopeRef=sc, to="10.99.0.149")
        pool["from"] = "10.99.0.100"
        svc.AddDHCPAddressPool(session=s, dhcpAddressPool=pool)
        check(wait_for("OK", lambda: state(p)[0] == "OK" and "range 10.99.0.100" in a.text(),
                       60) is not None,
              "the worker pushed over TLS: a.tls.example. OK (%r)" % (state(p),))
        check(a.call("Status")["running"] == "true" and "subnet 10.99.0.0" in a.text(),
              "the file is live and dhcpd runs on it")
        for ref, what in ((x, "a certificate for another IP (127.0.0.9)"),
                          (y, "a certificate naming the IP only as DNS name and CN")):
            st = wait_for("settled", lambda: settled(ref), 60)
            check(st is not None and st[0] == "Unreachable"
                  and "certificate was refused" in st[1] and "IP address mismatch" in st[1],
                  "%s: Unreachable, the certificate refused (%r)" % (what, st))
        check(b.text() == "" and c.text() == "", "nothing installed on those agents")
        svc.Logout(session=s)

        def change_and_wait(ca, n, lease):
            """Restarts micetro-emu (ca: its --agent-tls-ca), changes the
            file of a.tls.example., and returns its state once this
            micetro-emu's worker has pushed it (its log says so)."""
            nonlocal emu
            check(stop_emu(emu), "micetro-emu stopped (exit 0)")
            emu, u2 = start_emu(n, ca)
            check(u2 == u, "micetro-emu restarted (--agent-tls-ca %s)" % ca)
            session[0] = ss = svc.Login(server="localhost", loginName="administrator",
                                        password="administrator")
            svc.SetProperties(session=ss, ref=sc, properties=dict(property=[
                dict(name="unmanagedStatements", value="default-lease-time %d;" % lease)]))
            emu_log = os.path.join(d, "emu%d.log" % n)
            # the worker may first retry the push that failed before the
            # restart (it does so at start): an OK counts once the change
            # is in the file
            def pushed():
                st = settled(p)
                if st is None or "worker: a.tls.example.:" not in open(
                        emu_log, errors="replace").read():
                    return None
                return st if st[0] != "OK" or "default-lease-time %d;" % lease in a.text() \
                    else None
            st = wait_for("the push", pushed, 60)
            svc.Logout(session=ss)
            return st

        before = a.text()
        st = change_and_wait("other-ca", 2, 601)
        check(st is not None and st[0] == "Unreachable" and "certificate was refused" in st[1]
              and "unable to get local issuer certificate" in st[1],
              "a worker trusting another CA: Unreachable, the certificate refused (%r)" % (st,))
        check(a.text() == before, "the file as it was")

        st = change_and_wait(None, 3, 602)
        check(st is not None and st[0] == "Unreachable" and "certificate" not in st[1],
              "a worker without --agent-tls-ca (plain http): Unreachable (%r)" % (st,))
        check(a.logged().count("http request") >= 2,
              "the agent logged the worker's plain HTTP as a failed handshake")
        check(a.text() == before, "the file as it was")

        st = change_and_wait("ca", 4, 603)
        check(st is not None and st[0] == "OK" and "default-lease-time 603;" in a.text(),
              "the right CA again: OK, the last change installed (%r)" % (st,))
        check(stop_emu(emu), "micetro-emu stopped (exit 0)")
        for ag in agents:
            check(ag.stop() == 0, "the agent on %s stopped (exit 0)" % ag.host)
        for n in sorted(os.listdir(d)):
            if n.endswith(".log"):
                rep = sanitizer_report(open(os.path.join(d, n), errors="replace").read())
                check(rep is None, "%s: no sanitizer report (%s)" % (n, rep))
    finally:
        stop_all(emu, agents, PROCS)
        rc = finish(d, FAILED, ("emu1.log", "emu2.log", "emu3.log", "emu4.log", "a.agent.log",
                                "b.agent.log", "c.agent.log"), tail=4000)
    return rc


if __name__ == "__main__":
    if in_netns("IN_TLS_NS"):
        sys.exit(inner(sys.argv[1], sys.argv[2]))
    sys.exit(outer(sys.argv))
