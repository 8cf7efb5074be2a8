# SPDX-License-Identifier: GPL-2.0-or-later
"""What the end-to-end tests share: a timestamped log, checks that note
their failures (FAILED), waiting for a condition, finding dhcpd,
re-running a test inside a throw-away network namespace and setting up its
veth pairs, and the end of a run (logs shown on failure, the scratch
directory removed)."""
import os
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77
T0 = time.monotonic()


def log(msg):
    print("%8.3f %s" % (time.monotonic() - T0, msg), flush=True)


FAILED = []  # what check() found false, in order


def check(cond, what):
    """Logs what as ok or FAIL (noted in FAILED) and returns cond."""
    log(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILED.append(what)
    return cond


def add_veths(*pairs):
    """Inside the namespace: lo up, then for each (a, b, net) a veth pair
    a-b with net.2/24 on a and net.3/24 on b, both up.  False (printed
    why: the test skips) when a step fails."""
    cmds = [["ip", "link", "set", "lo", "up"]]
    for a, b, net in pairs:
        cmds += [["ip", "link", "add", a, "type", "veth", "peer", "name", b],
                 ["ip", "addr", "add", net + ".2/24", "dev", a],
                 ["ip", "addr", "add", net + ".3/24", "dev", b],
                 ["ip", "link", "set", a, "up"], ["ip", "link", "set", b, "up"]]
    for cmd in cmds:
        if subprocess.run(cmd, capture_output=True).returncode:
            print("SKIP: cannot set up veth: %s" % " ".join(cmd))
            return False
    return True


def wait_for(what, fn, secs=30, step=0.05):
    """Polls fn until it returns something true; that value, or None (the
    last value or exception logged)."""
    end = time.monotonic() + secs
    last = None
    while time.monotonic() < end:
        try:
            last = fn()
        except Exception as exc:  # noqa: BLE001 - kept for the message
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(step)
    log("     (waited %ss for %s; last: %r)" % (secs, what, last))
    return None


def stop_all(emu, agents, procs):
    """Stops micetro-emu (SIGTERM, then SIGKILL after 60 s), each agent
    (its .stop()), then kills whatever of procs still runs: by pid."""
    if emu is not None and emu.poll() is None:
        emu.send_signal(signal.SIGTERM)
        try:
            emu.wait(60)
        except subprocess.TimeoutExpired:
            emu.kill()
            emu.wait()
    for ag in agents:
        ag.stop()
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def finish(d, failed, logs, tail=5000):
    """The end of a run in scratch directory d: with failures (or KEEP
    set in the environment) the last tail bytes of each file in logs
    (names in d) are printed; d is removed unless KEEP is set.  Returns
    the exit code: 1 with failures, else 0."""
    if failed or os.environ.get("KEEP"):
        for n in logs:
            lp = os.path.join(d, n)
            if os.path.exists(lp):
                print("---- %s" % lp)
                with open(lp, errors="replace") as f:
                    sys.stdout.write(f.read()[-tail:])
    if not os.environ.get("KEEP"):
        shutil.rmtree(d, ignore_errors=True)
    print("%d failure(s)" % len(failed))
    return 1 if failed else 0


def find_dhcpd():
    """MICETRO_DHCPD when set (and only it), else dhcpd on PATH or in
    /usr/sbin; None when there is none."""
    if os.environ.get("MICETRO_DHCPD"):
        candidates = [os.environ["MICETRO_DHCPD"]]
    else:
        candidates = [shutil.which("dhcpd"), "/usr/sbin/dhcpd"]
    for p in candidates:
        if p and os.access(p, os.X_OK):
            return p
    return None


def in_netns(flag):
    """True when this process is the re-run inside the namespace."""
    return bool(os.environ.get(flag))


def rerun_in_netns(script, args, flag):
    """Re-runs script with args inside a new network namespace (`unshare
    -n` as root, `unshare -r -n` otherwise) with flag set in its
    environment, and returns its exit code; SKIP (printed why) when dhcpd,
    unshare, ip or a namespace is not available."""
    if not find_dhcpd():
        print("SKIP: dhcpd not installed")
        return SKIP
    if not shutil.which("unshare") or not shutil.which("ip"):
        print("SKIP: unshare or ip missing")
        return SKIP
    flags = ["-n"] if os.geteuid() == 0 else ["-r", "-n"]
    probe = subprocess.run(["unshare"] + flags + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print("SKIP: cannot create a network namespace: " + probe.stderr.strip())
        return SKIP
    env = dict(os.environ, **{flag: "1"})
    return subprocess.run(["unshare"] + flags + [sys.executable, os.path.abspath(script)]
                          + list(args), env=env).returncode
