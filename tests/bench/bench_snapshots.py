#!/usr/bin/python3
"""Times the control API's snapshots with SCOPES DHCP scopes (half as many
ranges, each on two servers), a pool in each scope and the change log rows
the API would have written for them: a save (?replace=true), a restore
with nothing changed, a restore after one AddDHCPServer, a reset, and a
restore after that reset (every row written back).  Prints the median,
the fastest and the slowest of RUNS runs of each, as the emulator reports
them (durationMs); asserts nothing.  Starts its own emulator
(tests/lib/emutest.py) and loads the rows with psql.

usage: bench_snapshots.py
env:   MICETRO_EMU_BIN (default build/bin/micetro-emu), SCOPES (20000),
       RUNS (5)
"""
import http.client
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wire"))
import emutest as et  # noqa: E402
from test_control import add_server  # noqa: E402

SCOPES = int(os.environ.get("SCOPES", "20000"))
RUNS = int(os.environ.get("RUNS", "5"))
if SCOPES < 2 or SCOPES % 2 or RUNS < 1:
    sys.exit("bench: SCOPES must be even and >= 2, RUNS >= 1")

FILL = """
SET session_replication_role = replica;
INSERT INTO dhcp_servers (name, address, type)
  SELECT format('bench%s.snap.example.', g), ('192.168.90.' || g + 1)::inet, 'ISC'
  FROM generate_series(0, 1) g;
INSERT INTO ranges (cidr)
  SELECT ('10.' || g / 256 || '.' || g % 256 || '.0/24')::cidr
  FROM generate_series(0, {ranges} - 1) g;
INSERT INTO dhcp_scopes (range_id, server_id, name)
  SELECT r.id, s.id, r.name FROM ranges r CROSS JOIN dhcp_servers s;
INSERT INTO dhcp_pools (scope_id, from_ip, to_ip)
  SELECT sc.id, host(r.cidr + 10)::inet, host(r.cidr + 100)::inet
  FROM dhcp_scopes sc JOIN ranges r ON r.id = sc.range_id;
INSERT INTO change_log (login, action, object_type, object_id, object_name)
  SELECT 'administrator', 'add', t, id, name FROM (
    SELECT 3 t, id, name FROM dhcp_servers UNION ALL
    SELECT 6, id, name FROM ranges UNION ALL
    SELECT 7, id, name FROM dhcp_scopes UNION ALL
    SELECT 10, id, NULL FROM dhcp_pools) o ORDER BY t, id;
INSERT INTO config_jobs (server_id) SELECT id FROM dhcp_servers;
"""


def control(emu, path):
    c = http.client.HTTPConnection(emu.host, emu.port, timeout=600)
    try:
        c.request("POST", path)
        r = c.getresponse()
        j = json.loads(r.read())
    finally:
        c.close()
    if r.status not in (200, 201):
        sys.exit("bench: %s: %s %s" % (path, r.status, j))
    return j


def main():
    emu = et.Emu()
    try:
        emu.sql(FILL.format(ranges=SCOPES // 2))
        s = et.login(emu)
        times = {k: [] for k in ("save", "restore, nothing changed",
                                 "restore, one server added", "reset",
                                 "restore after a reset")}
        counts = None
        for run in range(RUNS):
            j = control(emu, "/_emu/snapshots/bench?replace=true")
            counts = j["counts"]
            times["save"].append(j["durationMs"])
            times["restore, nothing changed"].append(
                control(emu, "/_emu/snapshots/bench/restore")["durationMs"])
            add_server(emu, s, "extra%d.snap.example." % run, "192.168.91.1")
            times["restore, one server added"].append(
                control(emu, "/_emu/snapshots/bench/restore")["durationMs"])
            times["reset"].append(control(emu, "/_emu/reset?keepSessions=true")["durationMs"])
            times["restore after a reset"].append(
                control(emu, "/_emu/snapshots/bench/restore")["durationMs"])
        print("figures (%d runs; ms as the emulator reports them):" % RUNS)
        print("  rows: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
        for k, v in times.items():
            print("  %-28s median %8.1f   min %8.1f   max %8.1f"
                  % (k, statistics.median(v), min(v), max(v)))
        emu.stop()
    finally:
        emu.close()


if __name__ == "__main__":
    main()
