#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""micetro-dhcp-agent against a real dhcpd, through raw SOAP envelopes.

usage: test_agent.py PATH/TO/micetro-dhcp-agent

Re-runs itself inside a throw-away network namespace (`unshare -n` as root,
`unshare -r -n` otherwise) with a veth pair vp/vs (10.99.0.2/24,
10.99.0.3/24) for dhcpd to bind, starts one agent supervising one dhcpd on
vp and checks:

  - a wrong secret is a Client fault ("invalid agent secret") on every call
  - wrong secrets from one address (127.0.0.2): the 10th locks it out for
    60 s, the right secret included (Client fault, code 8, saying when to
    try again), while 127.0.0.1 goes on; each failure logged with the
    address
  - PutConfig of a valid file: dhcpd restarted on it (new pid), GetConfig
    returns it, the hash is its SHA-256; time from call to answer measured
  - PutConfig of a file dhcpd -t rejects: Client fault with dhcpd's own
    error lines; live file, hash and dhcpd pid unchanged
  - replacesHash that is not the live file's: Client fault, nothing changed
  - a file that passes dhcpd -t but on which dhcpd does not start: Server
    fault, the previous file back and dhcpd running on it
  - the same file again: no restart
  - a file with a failover peer: PutConfig waits for OMAPI; GetFailoverState
    over OMAPI (found / not found); then a second agent with the partner
    file and both sides Normal
  - the lease file is never written by the agent: its bytes are unchanged
    across pushes
  - the agent killed (SIGKILL) while a temp file exists: the restarted
    agent removes it, stops the dhcpd left behind, starts dhcpd on the live
    file, which is unchanged

Exit 77 (skipped) when dhcpd, ip or a network namespace is missing.
Everything started here is stopped by pid before exit.
"""
import ctypes
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import agentlib  # noqa: E402
from agentlib import Fault  # noqa: E402
from e2elib import (FAILED, SKIP, add_veths, check, find_dhcpd, finish,  # noqa: E402
                    in_netns, log, rerun_in_netns)

SECRET = "agent-test-secret-0123456789"
KEY_B64 = "ZXhhbXBsZS1vbWFwaS1rZXktMDEyMzQ1Njc4OWFiY2Q="
PROCS = []



def outer(argv):
    if len(argv) != 2 or not os.access(argv[1], os.X_OK):
        print("usage: test_agent.py PATH/TO/micetro-dhcp-agent", file=sys.stderr)
        return 2
    return rerun_in_netns(argv[0], argv[1:], "IN_AGENT_NS")


def call(port, op, fields, timeout=60, source=None):
    return agentlib.call("127.0.0.1", port, op, fields, timeout, source=source)


def health(port):
    """(status, JSON) of the agent's GET /_emu/health."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", "/_emu/health")
        r = c.getresponse()
        body = r.read()
        return r.status, (json.loads(body) if r.getheader("Content-Type") == "application/json"
                          else body)
    finally:
        c.close()


def fault_of(fn):
    try:
        fn()
    except Fault as f:
        return f
    return None


# ---------------------------------------------------------------- files

def conf(rng="10.99.0.100 10.99.0.149", subnet="10.99.0.0", peer=None, omapi=7911):
    peer_decl, pool_ref = "", ""
    if peer:
        role, own, other = peer
        split = "  mclt 30;\n  split 128;\n" if role == "primary" else ""
        peer_decl = ('failover peer "fo" {\n  %s;\n  address %s;\n  port 647;\n'
                     '  peer address %s;\n  peer port 647;\n  max-response-delay 15;\n'
                     '  max-unacked-updates 10;\n%s  load balance max seconds 3;\n}\n'
                     % (role, own, other, split))
        pool_ref = '    failover peer "fo";\n'
    return ("# generated for the agent test\nauthoritative;\nddns-update-style none;\n"
            "omapi-port %d;\nkey omapi_key { algorithm hmac-md5; secret \"%s\"; }\n"
            "omapi-key omapi_key;\n%s"
            "subnet %s netmask 255.255.255.0 {\n  pool {\n%s    range %s;\n  }\n}\n"
            % (omapi, KEY_B64, peer_decl, subnet, pool_ref, rng))


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_port(port, proc, secs=10):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            call(port, "Status", [("secret", SECRET)], timeout=2)
            return True
        except Fault:
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Agent:
    def __init__(self, binary, d, name, iface, port, dhcpd):
        self.binary, self.d, self.name, self.iface = binary, d, name, iface
        self.port, self.dhcpd = port, dhcpd
        self.conf = os.path.join(d, name + ".conf")
        self.leases = os.path.join(d, name + ".leases")
        self.pidf = os.path.join(d, name + ".pid")
        self.proc = None

    def start(self):
        secret_file = os.path.join(self.d, "secret")
        with open(secret_file, "w") as f:
            f.write(SECRET + "\n")
        os.chmod(secret_file, 0o600)
        self.log = open(os.path.join(self.d, self.name + ".agent.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "--listen", "127.0.0.1:%d" % self.port,
             "--dhcpd-conf", self.conf, "--lease-file", self.leases,
             "--pid-file", self.pidf, "--interface", self.iface,
             "--dhcpd", self.dhcpd, "--secret-file", secret_file,
             "--settle-ms", "300", "--stop-timeout-ms", "3000"],
            stdout=self.log, stderr=subprocess.STDOUT)
        PROCS.append(self.proc)
        return wait_port(self.port, self.proc)

    def call(self, op, *fields, secret=SECRET, timeout=60, source=None):
        return call(self.port, op, [("secret", secret)] + list(fields), timeout, source)

    def status(self):
        return self.call("Status")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def kill_leftovers(d):
    """Kills, by pid, processes started here that outlived their parent
    (a killed agent's dhcpd -t wrapper): those whose command line names
    our temp directory."""
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if d.encode() in cmd:
            try:
                os.kill(int(p), signal.SIGKILL)
            except ProcessLookupError:
                pass


def temp_files(d):
    return sorted(n for n in os.listdir(d) if ".agent-tmp." in n)


# ---------------------------------------------------------------- the test

def reap_orphans():
    """Reaps the processes a killed agent left, which were re-parented to
    us (we are a child subreaper)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def inner(binary):
    real_dhcpd = find_dhcpd()
    # orphans of a killed agent become our children, not init's
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    if not add_veths(("vp", "vs", "10.99.0")):
        return SKIP
    d = tempfile.mkdtemp(prefix="agent-e2e.")
    # a dhcpd wrapper that can be made slow on "-t", to kill the agent
    # while its temp file exists
    slow_flag = os.path.join(d, "slow")
    wrapper = os.path.join(d, "dhcpd-wrapper")
    with open(wrapper, "w") as f:
        # one process either way, its command line naming our directory
        f.write('#!/bin/sh\ncase " $* " in *" -t "*) [ -e %s ] && '
                'exec %s -c "import time; time.sleep(3)" "$0";; esac\n'
                'exec %s "$@"\n' % (slow_flag, sys.executable, real_dhcpd))
    os.chmod(wrapper, 0o755)
    a = Agent(binary, d, "p", "vp", 8647, wrapper)
    b = None
    try:
        if not check(a.start(), "agent starts (no dhcpd.conf yet)"):
            return 1
        st = a.status()
        check(st["running"] == "false" and st["hash"] == "", "Status before any push: %s" % st)
        check(a.call("GetConfig") == {}, "GetConfig without a live file: nothing")
        h = health(a.port)
        check(h == (200, {"status": "ok", "dhcpd": {"running": False, "pid": 0},
                          "lastInstall": {"hash": None, "error": None}}),
              "GET /_emu/health before any push: %r" % (h,))

        # the wire: WSDL, limits, hostile bodies, a real client
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
        c.request("GET", "/agent?wsdl")
        r = c.getresponse()
        w = r.read().decode()
        check(r.status == 200 and 'location="http://127.0.0.1:%d/agent"' % a.port in w
              and 'name="PutConfig"' in w, "GET /agent?wsdl: the WSDL with our address")
        c.close()
        for what, head, body, want in (
                ("chunked body", {"Transfer-Encoding": "chunked"}, None, 411),
                ("body over the size limit", {"Content-Length": str(9 << 20)}, b"", 413),
                ("DTD", None, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', 500),
                ("deep nesting", None, (b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                                       + b"<a>" * 100 + b"</a>" * 100 + b"</s:Envelope>"), 500)):
            s = socket.create_connection(("127.0.0.1", a.port), timeout=10)
            hdrs = {"Host": "x", "Content-Type": "text/xml"}
            if head:
                hdrs.update(head)
            if body is not None and "Content-Length" not in hdrs:
                hdrs["Content-Length"] = str(len(body))
            req = "POST /agent HTTP/1.1\r\n" + "".join("%s: %s\r\n" % kv for kv in hdrs.items()) + "\r\n"
            s.sendall(req.encode() + (body or b""))
            got = s.recv(65536).decode(errors="replace")
            s.close()
            check(got.startswith("HTTP/1.1 %d" % want), "%s: HTTP %d (%s)" % (what, want, got.split("\r\n")[0]))
        try:
            import zeep
            zc = zeep.Client("http://127.0.0.1:%d/agent?wsdl" % a.port)
            zs = zc.service.Status(secret=SECRET)
            check(zs.running is False and zs.pid == 0, "zeep with the agent's WSDL: Status %s/%s"
                  % (zs.running, zs.pid))
        except ImportError:
            log("zeep not installed: real-client check skipped")

        # wrong secret on every call
        for op, fields in (("PutConfig", [("config", conf())]), ("GetConfig", []),
                           ("GetFailoverState", [("name", "fo")]), ("Status", [])):
            f = fault_of(lambda: a.call(op, *fields, secret="wrong"))
            check(f is not None and f.code.endswith("Client") and f.text == "invalid agent secret",
                  "%s with a wrong secret: %s" % (op, f))
        check(read(a.conf) is None, "nothing installed by a wrong-secret PutConfig")

        # guessing the secret: the 10th failure from an address locks it
        src = "127.0.0.2"
        fs = [fault_of(lambda: a.call("Status", secret="guess-%d" % i, source=src))
              for i in range(10)]
        check(all(f is not None and f.text == "invalid agent secret" for f in fs),
              "10 wrong secrets from %s: each \"invalid agent secret\" (%s)" % (src, fs[-1]))
        f = fault_of(lambda: a.call("Status", source=src))
        check(f is not None and f.code.endswith("Client") and f.error_code == "8"
              and re.fullmatch(r"too many invalid agent secrets from 127\.0\.0\.2: "
                               r"try again in (59|60) s", f.text or ""),
              "then the right secret from %s: locked out, code 8 (%s %s)"
              % (src, f, f and f.error_code))
        check(a.status()["running"] == "false", "127.0.0.1 is not locked out")
        a.log.flush()
        with open(a.log.name, "rb") as lf:
            text = lf.read().decode(errors="replace")
        check(text.count("invalid agent secret from 127.0.0.2") == 10
              and "127.0.0.2 locked out for 60 s after 10 invalid secrets" in text
              and "guess-" not in text,
              "each failure logged with its address, the lockout too, no secret")

        # slow connections: 12 from 127.0.0.3 (the cap per address is 8)
        # sending a request head a byte at a time; the worker's address is
        # served meanwhile, at once
        slow = []
        for _ in range(12):
            try:
                sk = socket.create_connection(("127.0.0.1", a.port), timeout=5,
                                              source_address=("127.0.0.3", 0))
                sk.sendall(b"POST /agent HTTP/1.1\r\nHost: x\r\n")
                slow.append(sk)
            except OSError:
                pass
        try:
            time.sleep(0.5)
            t0 = time.monotonic()
            st = a.status()
            took = time.monotonic() - t0
            held = 0
            for sk in slow:
                sk.setblocking(False)
                try:
                    held += sk.recv(1, socket.MSG_PEEK) != b""
                except BlockingIOError:
                    held += 1
                except OSError:
                    pass
        finally:
            for sk in slow:
                sk.close()
        check(st["running"] == "false" and took < 2 and held == 8,
              "12 slow connections from 127.0.0.3: 8 held, the others closed, Status "
              "from 127.0.0.1 answered in %.0f ms" % (took * 1000))

        # first push
        c1 = conf()
        t = time.monotonic()
        r = a.call("PutConfig", ("config", c1), ("replacesHash", ""))
        first_ms = (time.monotonic() - t) * 1000
        check(r["hash"] == sha(c1), "PutConfig answers the SHA-256 of the file")
        st = a.status()
        pid1 = int(st["pid"])
        check(st["running"] == "true" and pid1 > 0 and pid_alive(pid1), "dhcpd runs, pid %d" % pid1)
        h = health(a.port)
        check(h[0] == 200 and h[1]["dhcpd"] == {"running": True, "pid": pid1}
              and h[1]["lastInstall"]["hash"] == sha(c1),
              "GET /_emu/health after the push: dhcpd running, the installed hash (%r)" % (h,))
        check(read(a.conf) == c1.encode(), "live file is the pushed text")
        g = a.call("GetConfig")
        check(g["config"] == c1 and g["hash"] == sha(c1), "GetConfig returns it with its hash")
        check(read(a.leases) is not None, "lease file created (it did not exist)")
        log("first PutConfig (dhcpd started) took %.0f ms" % first_ms)
        time.sleep(0.3)
        leases = read(a.leases)

        # rejected file
        bad = c1.replace("range 10.99.0.100 10.99.0.149;", "range 10.99.0.100 10.99.0.149")
        f = fault_of(lambda: a.call("PutConfig", ("config", bad), ("replacesHash", sha(c1))))
        check(f is not None and f.code.endswith("Client"), "rejected file: Client fault")
        text = f.text if f else ""
        # the same file checked by dhcpd -t directly: its error lines, with
        # our temp file's name in place of the path
        own = os.path.join(d, "bad.conf")
        with open(own, "w") as fh:
            fh.write(bad)
        direct = subprocess.run([real_dhcpd, "-t", "-cf", own], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT).stdout.decode()
        err_lines = [ln for ln in direct.splitlines() if "line " in ln or ln.startswith("Configuration file")
                     or ln.strip() in ("^", "}") or "range" in ln]
        mine = re.sub(r"/\S*\.agent-tmp\.\w{6}", own, text)
        check(text.startswith("dhcpd rejected the configuration:\n")
              and all(ln in mine.splitlines() for ln in err_lines) and len(err_lines) >= 3
              and "If you think you have received" not in text
              and "line 10: semicolon expected." in text,
              "fault carries dhcpd's error lines verbatim:\n" + text)
        st = a.status()
        check(int(st["pid"]) == pid1 and pid_alive(pid1), "dhcpd still runs the old file (same pid)")
        check(read(a.conf) == c1.encode() and st["hash"] == sha(c1), "live file and hash unchanged")
        check(temp_files(d) == [], "no temp file left")
        check(read(a.leases) == leases, "lease file bytes unchanged")

        # replacesHash mismatch
        c2 = conf(rng="10.99.0.150 10.99.0.199")
        f = fault_of(lambda: a.call("PutConfig", ("config", c2), ("replacesHash", sha("something else"))))
        check(f is not None and f.code.endswith("Client") and "has changed" in f.text,
              "replacesHash mismatch: Client fault: %s" % (f and f.text))
        st = a.status()
        check(int(st["pid"]) == pid1 and read(a.conf) == c1.encode(), "nothing changed")

        # valid pushes, alternating: dhcpd restarted each time; timing
        times, prev, cur, pid = [], c1, None, pid1
        for i in range(6):
            cur = c2 if i % 2 == 0 else c1
            t = time.monotonic()
            r = a.call("PutConfig", ("config", cur), ("replacesHash", sha(prev)))
            times.append((time.monotonic() - t) * 1000)
            st = a.status()
            npid = int(st["pid"])
            ok = (r["hash"] == sha(cur) and npid != pid and pid_alive(npid) and not pid_alive(pid)
                  and read(a.conf) == cur.encode() and a.call("GetConfig")["hash"] == sha(cur))
            check(ok, "push %d: new pid %d (was %d), live file and hash match" % (i + 1, npid, pid))
            prev, pid = cur, npid
        log("PutConfig call to dhcpd running on the new file: median %.0f ms, min %.0f, max %.0f "
            "(settle 300 ms)" % (statistics.median(times), min(times), max(times)))
        check(read(a.leases) == leases, "lease file bytes unchanged across %d pushes" % len(times))

        # same file again: no restart
        r = a.call("PutConfig", ("config", prev), ("replacesHash", sha(prev)))
        check(int(a.status()["pid"]) == pid, "same file again: dhcpd not restarted")

        # passes dhcpd -t, but dhcpd will not start on it: rollback
        wrong = conf(subnet="10.98.0.0", rng="10.98.0.100 10.98.0.149")
        t = time.monotonic()
        f = fault_of(lambda: a.call("PutConfig", ("config", wrong), ("replacesHash", sha(prev))))
        rb_ms = (time.monotonic() - t) * 1000
        check(f is not None and f.code.endswith("Server") and "previous one is back and running" in f.text
              and "Not configured to listen on any interfaces!" in f.text,
              "dhcpd fails on a file dhcpd -t accepts: Server fault: %s" % (f and f.text))
        st = a.status()
        check(st["running"] == "true" and st["hash"] == sha(prev) and read(a.conf) == prev.encode(),
              "rollback: previous file live and dhcpd running on it (pid %s)" % st["pid"])
        check(st["lastError"] != "", "Status reports the last error")
        log("failed install with rollback took %.0f ms" % rb_ms)
        pid = int(st["pid"])

        # failover peer: PutConfig waits for OMAPI; GetFailoverState
        cp = conf(peer=("primary", "127.0.0.2", "127.0.0.3"))
        t = time.monotonic()
        r = a.call("PutConfig", ("config", cp), ("replacesHash", sha(prev)))
        peer_ms = (time.monotonic() - t) * 1000
        check(r["hash"] == sha(cp), "PutConfig with a failover peer (%.0f ms)" % peer_ms)
        fs = a.call("GetFailoverState", ("name", "nope"))
        check(fs["found"] == "false", "GetFailoverState of an unknown relationship: found false")
        fs = a.call("GetFailoverState", ("name", "fo"))
        check(fs["found"] == "true" and fs["localState"] in ("Startup", "CommunicationsInterrupted")
              and fs["mclt"] == "30",
              "partner not up: %s" % fs)
        b = Agent(binary, d, "s", "vs", 8648, wrapper)
        check(b.start(), "second agent starts")
        cs = conf(peer=("secondary", "127.0.0.3", "127.0.0.2"), omapi=7912)
        b.call("PutConfig", ("config", cs))
        end, fa, fb = time.monotonic() + 20, {}, {}
        while time.monotonic() < end:
            fa = a.call("GetFailoverState", ("name", "fo"))
            fb = b.call("GetFailoverState", ("name", "fo"))
            if fa["localState"] == fb["localState"] == "Normal":
                break
            time.sleep(0.1)
        check(fa.get("localState") == "Normal" and fa.get("partnerState") == "Normal"
              and fb.get("localState") == "Normal" and fa.get("localStateCode") == "2",
              "both sides Normal over OMAPI: %s / %s" % (fa, fb))
        prev = cp

        # kill the agent while its temp file exists
        dpid = int(a.status()["pid"])
        open(slow_flag, "w").close()
        c3 = conf(peer=("primary", "127.0.0.2", "127.0.0.3"), rng="10.99.0.100 10.99.0.139")
        th = threading.Thread(target=lambda: fault_of(
            lambda: a.call("PutConfig", ("config", c3), ("replacesHash", sha(prev)))), daemon=True)
        th.start()
        end = time.monotonic() + 5
        while not temp_files(d) and time.monotonic() < end:
            time.sleep(0.02)
        had_temp = temp_files(d)
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait()
        th.join(5)
        os.unlink(slow_flag)
        # the killed agent's slow "dhcpd -t" (its dhcpd is left for the
        # restarted agent to find)
        for p in os.listdir("/proc"):
            try:
                with open("/proc/%s/cmdline" % p, "rb") as fh:
                    if b"time.sleep(3)\0" + wrapper.encode() in fh.read():
                        os.kill(int(p), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        check(had_temp != [] and temp_files(d) == had_temp,
              "agent killed mid-push: temp file left behind: %s" % had_temp)
        check(a.start(), "agent restarts")
        time.sleep(0.1)
        reap_orphans()
        check(temp_files(d) == [], "restarted agent removed the stale temp file")
        st = a.status()
        check(read(a.conf) == prev.encode() and st["hash"] == sha(prev), "live file unchanged")
        check(st["running"] == "true" and int(st["pid"]) != dpid and not pid_alive(dpid),
              "old dhcpd %d stopped, new one %s runs" % (dpid, st["pid"]))
        check(read(a.leases) is not None and os.path.getsize(a.leases) > 0,
              "lease file still there (dhcpd itself writes it once failover runs)")

        # agent stop stops its dhcpd
        dpid = int(a.status()["pid"])
        a.stop()
        check(a.proc.returncode == 0 and not pid_alive(dpid), "SIGTERM: agent exits 0, dhcpd %d stopped" % dpid)
    finally:
        for ag in (a, b):
            if ag:
                ag.stop()
        for p in PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
        kill_leftovers(d)
        time.sleep(0.1)
        reap_orphans()
        rc = finish(d, FAILED, ("p.agent.log", "s.agent.log"), tail=6000)
    return rc


if __name__ == "__main__":
    if in_netns("IN_AGENT_NS"):
        sys.exit(inner(sys.argv[1]))
    sys.exit(outer(sys.argv))
