# SPDX-License-Identifier: GPL-2.0-or-later
"""What the end-to-end tests share: a timestamped log, finding dhcpd, and
re-running a test inside a throw-away network namespace."""
import os
import shutil
import subprocess
import sys
import time

SKIP = 77
T0 = time.monotonic()


def log(msg):
    print("%8.3f %s" % (time.monotonic() - T0, msg), flush=True)


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
