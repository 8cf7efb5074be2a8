#!/usr/bin/env python3
"""The OMAPI client (server/agent/omapi_client.c) against real dhcpd.

usage: test_omapi_live.py PATH/TO/omapi-state

Re-runs itself inside a throw-away network namespace (`unshare -n` as root,
`unshare -r -n` otherwise), starts an ISC dhcpd failover pair there
(failover 127.0.0.2:647 <-> 127.0.0.3:647, OMAPI 127.0.0.1:7911/7912, veth
pair for dhcpd to bind, max-response-delay 15) and checks through
omapi-state that our client reads:

  - Normal / Normal on both servers (hierarchy 0 and 1, mclt)
  - found=0 for a relationship dhcpd does not have
  - an authentication error for a wrong secret and for an unknown key name
  - a connection error for a closed port, timeouts for a silent port and
    an unreachable host
  - against a scripted fake dhcpd: other states decoded, a reply signed by
    an independent HMAC, and ERR_AUTH / ERR_SYS for a bad greeting, a
    tampered signature, a wrong rid, a close mid-message, a huge length
  - CommunicationsInterrupted on the primary once the secondary is killed
  - Normal on both again once the secondary is restarted

Exit 77 (skipped) when dhcpd, ip or a network namespace is missing.
Everything started here is stopped by pid before exit.
"""
import base64
import ctypes
import hashlib
import hmac
import os
import shutil
import signal
import socket
import subprocess
import struct
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from e2elib import SKIP, find_dhcpd, in_netns, log, rerun_in_netns  # noqa: E402
REL = "fo-live"
KEYNAME = "omapi_key"
P_PORT, S_PORT = 7911, 7912
MRD, MCLT = 15, 30


def outer(argv):
    """Checks what is needed and re-runs inside a namespace."""
    if len(argv) != 2 or not os.access(argv[1], os.X_OK):
        print("usage: test_omapi_live.py PATH/TO/omapi-state", file=sys.stderr)
        return 2
    return rerun_in_netns(argv[0], argv[1:], "OMAPI_LIVE_IN_NS")


def die_with_parent():
    """preexec_fn: dhcpd gets SIGTERM if this test is killed."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


CONF = """authoritative;
ddns-update-style none;
omapi-port {omapi};
key {keyname} {{ algorithm hmac-md5; secret "{secret}"; }}
omapi-key {keyname};
failover peer "{rel}" {{
  {role};
  address {own};
  port 647;
  peer address {peer};
  peer port 647;
  max-response-delay {mrd};
  max-unacked-updates 10;
{primary_only}  load balance max seconds 3;
}}
subnet 10.99.0.0 netmask 255.255.255.0 {{
  pool {{ failover peer "{rel}"; range 10.99.0.100 10.99.0.149; }}
}}
"""


class Pair:
    def __init__(self, tool, dhcpd, d, secret):
        self.tool, self.dhcpd, self.d, self.secret = tool, dhcpd, d, secret
        self.procs = {}

    def write_confs(self):
        for r, role, own, peer, port in (
                ("p", "primary", "127.0.0.2", "127.0.0.3", P_PORT),
                ("s", "secondary", "127.0.0.3", "127.0.0.2", S_PORT)):
            extra = ("  mclt %d;\n  split 128;\n" % MCLT
                     if role == "primary" else "")
            with open(os.path.join(self.d, r + ".conf"), "w") as f:
                f.write(CONF.format(omapi=port, keyname=KEYNAME,
                                    secret=self.secret, rel=REL, role=role,
                                    own=own, peer=peer, mrd=MRD,
                                    primary_only=extra))
            open(os.path.join(self.d, r + ".leases"), "a").close()
            chk = subprocess.run([self.dhcpd, "-t", "-cf",
                                  os.path.join(self.d, r + ".conf")],
                                 capture_output=True, text=True)
            if chk.returncode != 0:
                raise AssertionError("dhcpd -t %s: %s" % (r, chk.stderr))

    def start(self, r):
        iface = {"p": "vp", "s": "vs"}[r]
        f = lambda ext: os.path.join(self.d, r + ext)
        logf = open(f(".log"), "ab")
        self.procs[r] = subprocess.Popen(
            [self.dhcpd, "-f", "-d", "-cf", f(".conf"), "-lf", f(".leases"),
             "-pf", f(".pid"), iface],
            stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent)
        logf.close()
        log("started %s dhcpd, pid %d" % (r, self.procs[r].pid))

    def stop(self, r):
        p = self.procs.pop(r, None)
        if p is None:
            return
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log("stopped %s dhcpd, pid %d (status %s)" % (r, p.pid, p.returncode))

    def stop_all(self):
        for r in list(self.procs):
            self.stop(r)

    def state(self, port, rel=REL, secret=None, keyname=KEYNAME,
              timeout_ms=3000, host="127.0.0.1"):
        """Runs omapi-state; returns (exit status, parsed dict, raw)."""
        out = subprocess.run(
            [self.tool, host, str(port), keyname,
             secret or self.secret, rel, str(timeout_ms)],
            capture_output=True, text=True, timeout=60)
        raw = out.stdout.strip()
        fields = {}
        if raw.startswith("error="):
            code, _, msg = raw[len("error="):].partition(" ")
            fields = {"error": int(code), "msg": msg}
        else:
            for kv in raw.split():
                k, _, v = kv.partition("=")
                fields[k] = v
        return out.returncode, fields, raw

    def wait_state(self, port, local, partner=None, deadline=30.0):
        t = time.monotonic()
        last = None
        while time.monotonic() - t < deadline:
            rc, f, raw = self.state(port)
            last = raw
            if rc == 0 and f.get("local") == local and (
                    partner is None or f.get("partner") == partner):
                return time.monotonic() - t, f
            time.sleep(0.05)
        raise AssertionError("port %d never reached %s/%s; last: %s"
                             % (port, local, partner, last))


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    log("ok: " + what)


# --- a scripted fake dhcpd for the client's error paths ------------------

def _recv_exact(c, n):
    b = b""
    while len(b) < n:
        chunk = c.recv(n - len(b))
        if not chunk:
            raise EOFError
        b += chunk
    return b


def _recv_msg(c):
    """One OMAPI message: returns (tid, raw bytes)."""
    raw = _recv_exact(c, 24)
    authlen = struct.unpack("!L", raw[4:8])[0]
    for _ in range(2):
        while True:
            nl = _recv_exact(c, 2)
            raw += nl
            n = struct.unpack("!H", nl)[0]
            if n == 0:
                break
            raw += _recv_exact(c, n)
            vl = _recv_exact(c, 4)
            raw += vl
            raw += _recv_exact(c, struct.unpack("!L", vl)[0])
    raw += _recv_exact(c, authlen)
    return struct.unpack("!L", raw[16:20])[0], raw


def _msg(authid, opcode, handle, rid, obj, key=None, tid=0x5eed):
    lst = b"".join(struct.pack("!H", len(k)) + k + struct.pack("!L", len(v))
                   + v for k, v in obj) + b"\0\0"
    body = struct.pack("!LLLLL", 16 if key else 0, opcode, handle, tid,
                       rid) + b"\0\0" + lst
    sig = hmac.new(key, body, hashlib.md5).digest() if key else b""
    return struct.pack("!L", authid) + body + sig


def fake_server(sock, key, mode):
    """Serves one connection of the given misbehaviour."""
    c, _ = sock.accept()
    try:
        _recv_exact(c, 8)
        if mode == "badgreet":
            c.sendall(struct.pack("!LL", 99, 24))
            return
        c.sendall(struct.pack("!LL", 100, 24))
        tid, _ = _recv_msg(c)
        c.sendall(_msg(0, 3, 7, tid, [(b"name", b"k")]))
        tid, raw = _recv_msg(c)
        u32 = lambda v: struct.pack("!L", v)
        obj = [(b"name", b"fo"), (b"mclt", u32(3600)),
               (b"partner-state", u32(254)), (b"local-state", u32(4)),
               (b"hierarchy", u32(1))]
        good = _msg(7, 3, 9, tid, obj, key)
        if mode == "good":
            # also proves our request was signed over the right span
            ok = hmac.compare_digest(
                hmac.new(key, raw[4:-16], hashlib.md5).digest(), raw[-16:])
            c.sendall(good if ok else _msg(0, 5, 0, tid, []))
        elif mode == "tamper":
            c.sendall(good[:-1] + bytes([good[-1] ^ 1]))
        elif mode == "wrongrid":
            c.sendall(_msg(7, 3, 9, tid + 1, obj, key))
        elif mode == "close":
            c.sendall(good[:len(good) // 2])
        elif mode == "huge":
            c.sendall(good[:24] + b"\0\0" + struct.pack("!H", 5) + b"local"
                      + struct.pack("!L", 0x7fffffff) + b"x" * 100)
        elif mode == "nostate":
            c.sendall(_msg(7, 3, 9, tid, obj[:2], key))
    except (EOFError, OSError):
        pass
    finally:
        c.close()


def fake_checks(pair):
    key = os.urandom(20)
    secret = base64.b64encode(key).decode()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 7997))
    sock.listen(1)
    expect = {
        "good": (0, "local=PartnerDown partner=RecoverWait"),
        "badgreet": (-104, "protocol version 99"),
        "tamper": (-4, "fails the signature check"),
        "wrongrid": (-104, "another request"),
        "close": (-104, "closed"),
        "huge": (-104, "bad answer"),
        "nostate": (-104, "no \"local-state\""),
    }
    try:
        for mode, (code, text) in expect.items():
            th = threading.Thread(target=fake_server, args=(sock, key, mode))
            th.start()
            rc, f, raw = pair.state(7997, rel="fo", secret=secret,
                                    keyname="k", timeout_ms=2000)
            th.join(5)
            if code == 0:
                check(rc == 0 and text in raw and "mclt=3600" in raw
                      and "hierarchy=1" in raw,
                      "fake dhcpd, %s: %s" % (mode, raw))
            else:
                check(rc == 1 and f.get("error") == code and text in raw,
                      "fake dhcpd, %s: %s" % (mode, raw))
    finally:
        sock.close()



def pypureomapi_state(port, secret):
    """The same read through python3-pypureomapi, when installed."""
    try:
        import pypureomapi as P
    except ImportError:
        return None
    o = P.Omapi("127.0.0.1", port, KEYNAME.encode(), secret.encode(),
                timeout=5)
    try:
        m = P.OmapiMessage.open(b"failover-state")
        m.update_object({b"name": REL.encode()})
        r = o.query_server(m)
        d = dict(r.obj)
        return (int.from_bytes(d[b"local-state"], "big"),
                int.from_bytes(d[b"partner-state"], "big"))
    finally:
        o.close()


def inner(argv):
    tool = argv[1]
    dhcpd = find_dhcpd()
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    veth = subprocess.run(["ip", "link", "add", "vp", "type", "veth", "peer",
                           "name", "vs"], capture_output=True, text=True)
    if veth.returncode != 0:
        print("SKIP: cannot create a veth pair: " + veth.stderr.strip())
        return SKIP
    for cmd in (["ip", "addr", "add", "10.99.0.2/24", "dev", "vp"],
                ["ip", "addr", "add", "10.99.0.3/24", "dev", "vs"],
                ["ip", "link", "set", "vp", "up"],
                ["ip", "link", "set", "vs", "up"]):
        subprocess.run(cmd, check=True)

    d = tempfile.mkdtemp(prefix="omapi-live.")
    secret = base64.b64encode(os.urandom(32)).decode()
    pair = Pair(tool, dhcpd, d, secret)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    silent = None
    ok = False
    try:
        pair.write_confs()
        pair.start("p")
        pair.start("s")

        t, f = pair.wait_state(P_PORT, "Normal", "Normal")
        log("primary normal after %.3f s: %s" % (t, f))
        t, f2 = pair.wait_state(S_PORT, "Normal", "Normal")
        log("secondary normal after %.3f s: %s" % (t, f2))
        check(f["found"] == "1" and f["hierarchy"] == "0"
              and f["mclt"] == str(MCLT), "primary: found, hierarchy 0, mclt")
        check(f2["hierarchy"] == "1", "secondary: hierarchy 1")

        ref = pypureomapi_state(P_PORT, secret)
        if ref is not None:
            check(ref == (2, 2), "pypureomapi agrees: normal/normal")

        t0 = time.monotonic()
        n = 20
        for _ in range(n):
            rc, f, raw = pair.state(P_PORT)
            assert rc == 0 and f["local"] == "Normal", raw
        log("%d reads (process start + OMAPI) in %.3f s, %.1f ms each"
            % (n, time.monotonic() - t0, (time.monotonic() - t0) * 1000 / n))

        rc, f, raw = pair.state(P_PORT, rel="no-such-peer")
        check(rc == 0 and f == {"found": "0"}, "unknown name: found=0")
        rc, f, raw = pair.state(P_PORT, rel=REL.upper())
        check(rc == 0 and f == {"found": "0"},
              "names are case-sensitive: found=0 for %s" % REL.upper())

        wrong = base64.b64encode(b"not the secret at all 0123456789").decode()
        rc, f, raw = pair.state(P_PORT, secret=wrong)
        check(rc == 1 and f.get("error") == -4 and "rejected" in f["msg"],
              "wrong secret: ERR_AUTH (%s)" % raw)
        rc, f, raw = pair.state(P_PORT, keyname="other_key")
        check(rc == 1 and f.get("error") == -4 and "refused" in f["msg"],
              "unknown key name: ERR_AUTH (%s)" % raw)
        rc, f, raw = pair.state(P_PORT, secret="not base64!")
        check(rc == 1 and f.get("error") == -1, "bad base64: ERR_INVALID")
        # dhcpd still answers after the failures
        rc, f, raw = pair.state(P_PORT)
        check(rc == 0 and f["local"] == "Normal", "still readable after")

        rc, f, raw = pair.state(7999)
        check(rc == 1 and f.get("error") == -104 and "refused" in f["msg"],
              "closed port: ERR_SYS (%s)" % raw)
        silent = socket.socket()
        silent.bind(("127.0.0.1", 7998))
        silent.listen(1)  # never accepted, never answered
        t0 = time.monotonic()
        rc, f, raw = pair.state(7998, timeout_ms=500)
        el = time.monotonic() - t0
        check(rc == 1 and f.get("error") == -104 and "timed out" in f["msg"]
              and 0.45 <= el < 3.0,
              "silent port: timeout after %.3f s (%s)" % (el, raw))
        # no host answers ARP for .77 on the veth link: connect hangs
        t0 = time.monotonic()
        rc, f, raw = pair.state(7911, timeout_ms=300, host="10.99.0.77")
        el = time.monotonic() - t0
        check(rc == 1 and f.get("error") == -104
              and "connecting" in f["msg"] and 0.25 <= el < 3.0,
              "unreachable host: connect timeout after %.3f s (%s)"
              % (el, raw))

        fake_checks(pair)

        pair.stop("s")  # SIGTERM by pid, waitpid
        t, f = pair.wait_state(P_PORT, "CommunicationsInterrupted",
                               deadline=20)
        log("primary communications-interrupted %.3f s after the secondary "
            "exited: %s" % (t, f))
        check(True, "secondary killed: primary CommunicationsInterrupted")
        rc, f, raw = pair.state(S_PORT)
        check(rc == 1 and f.get("error") == -104,
              "secondary gone: ERR_SYS (%s)" % raw)

        pair.start("s")
        t, f = pair.wait_state(P_PORT, "Normal", "Normal")
        log("primary normal %.3f s after the restart" % t)
        t, f = pair.wait_state(S_PORT, "Normal", "Normal")
        check(True, "secondary restarted: both Normal again")
        ok = True
    except AssertionError as ex:
        print("FAIL: %s" % ex, flush=True)
        for r in ("p", "s"):
            try:
                with open(os.path.join(d, r + ".log")) as fh:
                    print("--- %s.log (tail)\n%s" % (r, "".join(
                        fh.readlines()[-15:])))
            except OSError:
                pass
    finally:
        if silent:
            silent.close()
        pair.stop_all()
        shutil.rmtree(d, ignore_errors=True)
    print("PASS" if ok else "FAILED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    if in_netns("OMAPI_LIVE_IN_NS"):
        sys.exit(inner(sys.argv))
    sys.exit(outer(sys.argv))
