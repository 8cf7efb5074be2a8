#!/usr/bin/python3
"""Loads DHCP servers, ranges and scopes into a running micetro-emu and
times GetDHCPScopes (a filter, paging) and AddDHCPScope with raw POSTs on
one keep-alive connection.  Driven by bench_objects.sh, which starts the
emulator and runs wrk and nginx afterwards.

usage: bench_objects.py SOAP-URL DATA-DIR OUT-DIR
env:   SERVERS (100), RANGES (10000; scopes = 2 x ranges), PSQL_AS (a user
       to run psql as, e.g. postgres when root)
Writes OUT-DIR/get.xml (a GetDHCPScope envelope), OUT-DIR/get-answer.xml
(its answer), OUT-DIR/get-server.xml and get-range.xml (GetDHCPServer and
GetRange envelopes, by ref) and OUT-DIR/figures.txt (lines for the final
block).
"""
import http.client
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from xml.sax.saxutils import escape

URL, DATA, OUT = sys.argv[1:4]
SERVERS = int(os.environ.get("SERVERS", "100"))
RANGES = int(os.environ.get("RANGES", "10000"))
if SERVERS < 2 or RANGES < 26:
    sys.exit("bench: SERVERS must be >= 2 and RANGES >= 26")
NS = "http://menandmice.com/webservices/"
u = urllib.parse.urlsplit(URL)
PATH = u.path + ("?" + u.query if u.query else "")
conn = http.client.HTTPConnection(u.hostname, u.port)


def envelope(op, inner):
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            '<%s xmlns="%s">%s</%s></soap:Body></soap:Envelope>' % (op, NS, inner, op))


def post(body):
    """(seconds, status, answer) of one POST on the keep-alive connection."""
    data = body.encode()
    t0 = time.perf_counter()
    conn.request("POST", PATH, data, {"Content-Type": "text/xml; charset=utf-8"})
    r = conn.getresponse()
    answer = r.read()
    return time.perf_counter() - t0, r.status, answer.decode()


def call(op, inner):
    dt, status, answer = post(envelope(op, inner))
    if status != 200 or "Fault>" in answer:
        sys.exit("bench: %s failed (%d): %s" % (op, status, answer[:600]))
    return dt, answer


def el(name, value):
    return "<%s>%s</%s>" % (name, escape(str(value)), name)


def first(tag, answer):
    m = re.search(r"<(?:\w+:)?%s>([^<]*)<" % tag, answer)
    return m.group(1) if m else None


def cidr(i):
    return "10.%d.%d.0/24" % (i >> 8, i & 255)


def ms(s):
    return "%.2f ms" % (s * 1000)


_, a = call("Login", el("server", "localhost") + el("loginName", "administrator")
            + el("password", "administrator"))
S = el("session", first("session", a))

# -- one of each through SOAP, the shapes the direct inserts copy ------------
_, a = call("AddDHCPServer", S + "<dhcpServer>%s%s%s</dhcpServer>" % (
    el("name", "dhcp0.bench.example."), el("type", "ISC"), el("address", "192.168.0.0")))
_, a = call("AddRange", S + "<range>%s</range>" % el("name", cidr(0)))
_, a = call("AddDHCPScope", S + "<dhcpScope>%s%s%s</dhcpScope>" % (
    el("name", cidr(0)), el("rangeRef", cidr(0)), el("dhcpServerRef", "dhcp0.bench.example.")))

# -- the rest straight into the embedded cluster -----------------------------
sql = """
\\set ON_ERROR_STOP on
BEGIN;
INSERT INTO dhcp_servers (name, address, type)
  SELECT format('dhcp%%s.bench.example.', g),
         ('192.168.' || g / 256 || '.' || g %% 256)::inet, 'ISC'
  FROM generate_series(1, %(s)d - 1) g;
INSERT INTO ranges (cidr)
  SELECT ('10.' || g / 256 || '.' || g %% 256 || '.0/24')::cidr
  FROM generate_series(1, %(r)d - 1) g;
-- range i on servers i mod S and (i + 1) mod S, named as the range
INSERT INTO dhcp_scopes (range_id, server_id, name)
  SELECT r.id, s.id, r.name
  FROM (SELECT id, name, row_number() OVER (ORDER BY id) - 1 AS i FROM ranges) r
  JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS j FROM dhcp_servers) s
    ON s.j = r.i %% %(s)d OR s.j = (r.i + 1) %% %(s)d
  ON CONFLICT DO NOTHING;
COMMIT;
ANALYZE;
SELECT (SELECT count(*) FROM dhcp_servers) || ' ' || (SELECT count(*) FROM ranges)
       || ' ' || (SELECT count(*) FROM dhcp_scopes);
""" % {"s": SERVERS, "r": RANGES}
cmd = ["psql", "-X", "-q", "-t", "-A", "host=%s/run dbname=micetro user=micetro" % DATA]
if os.environ.get("PSQL_AS"):
    cmd = ["runuser", "-u", os.environ["PSQL_AS"], "--"] + cmd
t0 = time.perf_counter()
got = subprocess.run(cmd, input=sql, capture_output=True, text=True, cwd="/")
load_s = time.perf_counter() - t0
if got.returncode != 0:
    sys.exit("bench: psql failed: " + got.stderr)
counts = got.stdout.split()
want = [str(SERVERS), str(RANGES), str(2 * RANGES)]
if counts != want:
    sys.exit("bench: loaded %s, wanted %s" % (counts, want))
print("== loaded %s servers, %s ranges, %s scopes in %.1f s (psql)" % (*counts, load_s))

# -- (1) a filter that matches 50 scopes --------------------------------------
# 10.0.0.0/24 .. 10.0.24.0/24: 25 ranges, two instances each.  The regular
# expression scans (as Micetro's filters do); "name in(...)" uses the index.
filters = [("regex", r"name:^10\.0\.([0-9]|1[0-9]|2[0-4])\.0/24$"),
           ("name in", "name in(%s)" % ", ".join(cidr(i) for i in range(25)))]
figures = []
for label, flt in filters:
    body = S + el("filter", flt)
    call("GetDHCPScopes", body)  # warm-up
    times = []
    for _ in range(5):
        dt, a = call("GetDHCPScopes", body)
        times.append(dt)
    total = first("totalResults", a)
    if total != "50":
        sys.exit("bench: filter %r matched %s scopes, not 50" % (flt, total))
    shown = flt if len(flt) < 60 else flt[:45] + " ... " + flt[-14:]
    print("== GetDHCPScopes filter %r: 50 of %d scopes, 5 runs: %s"
          % (shown, 2 * RANGES, " ".join(ms(t) for t in times)))
    figures.append("GetDHCPScopes, filter matching 50 (%s), median of 5: %s"
                   % (label, ms(statistics.median(times))))

# -- (2) every scope, 100 at a time -------------------------------------------
call("GetDHCPScopes", S + el("offset", 0) + el("limit", 100))  # warm-up
times, seen, offset = [], 0, 0
while True:
    dt, a = call("GetDHCPScopes", S + el("offset", offset) + el("limit", 100))
    n = len(re.findall(r"<(?:\w+:)?dhcpScope>", a))
    if n == 0:
        break
    times.append(dt)
    seen += n
    offset += 100
if seen != 2 * RANGES:
    sys.exit("bench: paging saw %d scopes, not %d" % (seen, 2 * RANGES))
print("== paged %d scopes in %d calls (limit=100): first %s, last %s"
      % (seen, len(times), ms(times[0]), ms(times[-1])))
figures.append("paging %d scopes, limit=100, %d calls: median %s, max %s, total %.3f s"
               % (seen, len(times), ms(statistics.median(times)), ms(max(times)), sum(times)))

# -- (3) AddDHCPScope ------------------------------------------------------------
# range i on server (i + 2) mod S: a pair not loaded above
times = []
for k in range(6):
    dt, a = call("AddDHCPScope", S + "<dhcpScope>%s%s%s</dhcpScope>" % (
        el("name", "bench-add-%d" % k), el("rangeRef", cidr(k)),
        el("dhcpServerRef", "dhcp%d.bench.example." % ((k + 2) % SERVERS))))
    if k:  # the first is the warm-up
        times.append(dt)
print("== AddDHCPScope, 5 runs: %s" % " ".join(ms(t) for t in times))
figures.append("AddDHCPScope, median of 5: %s" % ms(statistics.median(times)))

# -- the GetDHCPScope request wrk repeats -----------------------------------
_, a = call("GetDHCPScopes", S + el("filter", "name=%s" % cidr(RANGES // 2)) + el("limit", 1))
ref = first("ref", a)
get = envelope("GetDHCPScope", S + el("dhcpScopeRef", ref))
_, a = call("GetDHCPScope", S + el("dhcpScopeRef", ref))
with open(os.path.join(OUT, "get.xml"), "w") as f:
    f.write(get)
with open(os.path.join(OUT, "get-answer.xml"), "w") as f:
    f.write(a)

# -- GetDHCPServer and GetRange by ref, the other reads wrk repeats ----------
_, a = call("GetDHCPServers", S + el("filter", "name=dhcp%d.bench.example." % (SERVERS // 2))
            + el("limit", 1))
server_ref = first("ref", a)
_, a = call("GetRanges", S + el("filter", "name=%s" % cidr(RANGES // 2)) + el("limit", 1))
range_ref = first("ref", a)
for name, op, field, r in (("get-server.xml", "GetDHCPServer", "dhcpServerRef", server_ref),
                           ("get-range.xml", "GetRange", "rangeRef", range_ref)):
    call(op, S + el(field, r))
    with open(os.path.join(OUT, name), "w") as f:
        f.write(envelope(op, S + el(field, r)))
print("== GetDHCPServer %s, GetRange %s" % (server_ref, range_ref))
with open(os.path.join(OUT, "figures.txt"), "w") as f:
    f.write("".join("  %s\n" % line for line in figures))
print("== GetDHCPScope %s (%s)" % (ref, cidr(RANGES // 2)))
