#!/usr/bin/python3
"""Times applying the import of a simulated server's dhcpd.conf of SCOPES
subnets (a /24 each with a routers option and one pool, every pool on
the failover peer the file declares): the file given through
PUT /_emu/servers/NAME/config, the server added with AddDHCPServer, and
the time until GET /_emu/servers/NAME/import says Applied; then a
re-import of the same file (POST /_emu/servers/NAME/import, which
answers when done).  A new server each run, on the same subnets.  As the
baseline in the same run, the parse and model of a file of as many
subnets alone (build/bin/bench_import).  Prints the median, the fastest
and the slowest of RUNS runs; asserts nothing.  Starts its own emulator
(the one-command start: every server simulated).

usage: bench_import_apply.py
env:   MICETRO_EMU_BIN (default build/bin/micetro-emu), BENCH_IMPORT_BIN
       (default build/bin/bench_import), SCOPES (10000), RUNS (3)
"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wire"))
import emutest as et  # noqa: E402
import test_simulated as ts  # noqa: E402
from test_control import add_server  # noqa: E402

SCOPES = int(os.environ.get("SCOPES", "10000"))
RUNS = int(os.environ.get("RUNS", "3"))
WAIT_S = 600
if not 1 <= SCOPES <= 65536 or RUNS < 1:
    sys.exit("bench: SCOPES must be 1..65536, RUNS >= 1")

PEER = """failover peer "fo" {
  primary;
  address 10.255.0.1;
  port 647;
  peer address 10.255.0.2;
  peer port 647;
  max-response-delay 60;
  max-unacked-updates 10;
  mclt 3600;
  split 128;
  load balance max seconds 3;
}
"""


def dhcpd_conf():
    out = ["default-lease-time 600;\nmax-lease-time 7200;\n", PEER]
    for i in range(SCOPES):
        net = "10.%d.%d" % (i // 256, i % 256)
        out.append("subnet %s.0 netmask 255.255.255.0 {\n"
                   "  option routers %s.1;\n"
                   "  pool {\n"
                   "    failover peer \"fo\";\n"
                   "    range %s.10 %s.200;\n"
                   "  }\n"
                   "}\n" % (net, net, net, net))
    return "".join(out)


def call(emu, method, path, body=None, want=(200,)):
    status, j = ts.control(emu, method, path, body)
    if status not in want:
        sys.exit("bench: %s %s: %s %s" % (method, path, status, j))
    return j


def applied(emu, name):
    """Seconds until the import of name is Applied."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < WAIT_S:
        j = call(emu, "GET", "/_emu/servers/%s/import" % name)
        if j["state"] == "Applied":
            return time.monotonic() - t0
        if j["state"] == "Failed":
            sys.exit("bench: import of %s failed: %s" % (name, j["message"]))
        time.sleep(0.02)
    sys.exit("bench: import of %s not applied in %d s" % (name, WAIT_S))


def parse_baseline():
    """bench_import's median parse+model time, in ms (None without it)."""
    exe = os.environ.get("BENCH_IMPORT_BIN", "build/bin/bench_import")
    if not os.access(exe, os.X_OK):
        return None
    out = subprocess.run([exe, str(SCOPES), str(max(RUNS, 5))], check=True,
                         capture_output=True, text=True).stdout
    return out.strip()


def main():
    os.environ.pop("MICETRO_AGENT_SECRET", None)  # every server simulated
    text = dhcpd_conf().encode()
    # the file is larger than the default --max-message-bytes
    emu = ts.RunEmu(args=["--max-message-bytes", str(64 << 20)] + ts.dhcpd_args())
    try:
        s = et.login(emu)
        add_s, reimport_s = [], []
        for run in range(RUNS):
            name = "bench%d.import.example." % run
            call(emu, "PUT", "/_emu/servers/%s/config" % name, text, (202,))
            t0 = time.monotonic()
            add_server(emu, s, name, "192.168.92.%d" % (run + 1))
            add_s.append(time.monotonic() - t0 + applied(emu, name))
            t0 = time.monotonic()
            j = call(emu, "POST", "/_emu/servers/%s/import" % name)
            reimport_s.append(time.monotonic() - t0)
            if j["state"] != "Applied" or j["scopes"] != SCOPES:
                sys.exit("bench: re-import of %s: %s" % (name, j))
        emu.stop()
    finally:
        emu.close()
    print("figures (%d runs, %d subnets with a pool each, %d bytes; ms):"
          % (RUNS, SCOPES, len(text)))
    for k, v in (("AddDHCPServer until Applied", add_s), ("re-import", reimport_s)):
        v = [x * 1000 for x in v]
        print("  %-28s median %8.1f   min %8.1f   max %8.1f"
              % (k, statistics.median(v), min(v), max(v)))
    base = parse_baseline()
    if base is not None:
        print("baseline, parse and model alone (bench_import):")
        print("  " + base.replace("\n", "\n  "))


if __name__ == "__main__":
    main()
