#!/usr/bin/python3
"""Loads DHCP servers, failover relationships and member scopes into a
running micetro-emu and times GetDHCPFailoverRelationships (one server,
all), a page of GetDHCPAddressPools with failoverState next to a page of
GetDHCPScopes, and AddDHCPScopesToDHCPFailoverRelationship with 100 scopes, with
raw POSTs on one keep-alive connection.  Driven by bench_failover.sh,
which starts the emulator and runs wrk and nginx afterwards.

usage: bench_failover.py SOAP-URL DATA-DIR OUT-DIR
env:   SERVERS (200), RELATIONSHIPS (1000, at most 5 per server as
       primary), RANGES (10000; scopes = 2 x ranges, all members),
       PSQL_AS (a user to run psql as, e.g. postgres when root)
Writes OUT-DIR/get.xml (a GetDHCPFailoverRelationship envelope),
OUT-DIR/get-answer.xml (its answer) and OUT-DIR/figures.txt.
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
SERVERS = int(os.environ.get("SERVERS", "200"))
RELS = int(os.environ.get("RELATIONSHIPS", "1000"))
RANGES = int(os.environ.get("RANGES", "10000"))
PER = RELS // SERVERS  # relationships per server as primary
if SERVERS < 12 or PER < 1 or PER > 5 or RELS % SERVERS or RANGES % RELS:
    sys.exit("bench: need SERVERS >= 12, RELATIONSHIPS = k x SERVERS (k 1..5), "
             "RANGES a multiple of RELATIONSHIPS")
NS = "http://menandmice.com/webservices/"
u = urllib.parse.urlsplit(URL)
PATH = u.path + ("?" + u.query if u.query else "")
conn = http.client.HTTPConnection(u.hostname, u.port)


def envelope(op, inner):
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            '<%s xmlns="%s">%s</%s></soap:Body></soap:Envelope>' % (op, NS, inner, op))


def call(op, inner):
    data = envelope(op, inner).encode()
    t0 = time.perf_counter()
    conn.request("POST", PATH, data, {"Content-Type": "text/xml; charset=utf-8"})
    r = conn.getresponse()
    answer = r.read().decode()
    dt = time.perf_counter() - t0
    if r.status != 200 or "Fault>" in answer:
        sys.exit("bench: %s failed (%d): %s" % (op, r.status, answer[:600]))
    return dt, answer


def el(name, value):
    return "<%s>%s</%s>" % (name, escape(str(value)), name)


def first(tag, answer):
    m = re.search(r"<(?:\w+:)?%s>([^<]*)<" % tag, answer)
    return m.group(1) if m else None


def ms(s):
    return "%.2f ms" % (s * 1000)


def psql(sql):
    cmd = ["psql", "-X", "-q", "-t", "-A", "host=%s/run dbname=micetro user=micetro" % DATA]
    if os.environ.get("PSQL_AS"):
        cmd = ["runuser", "-u", os.environ["PSQL_AS"], "--"] + cmd
    got = subprocess.run(cmd, input=sql, capture_output=True, text=True, cwd="/")
    if got.returncode != 0:
        sys.exit("bench: psql failed: " + got.stderr)
    return got.stdout.split()


_, a = call("Login", el("server", "localhost") + el("loginName", "administrator")
            + el("password", "administrator"))
S = el("session", first("session", a))

# -- the load: server j is primary of relationships to j+1 .. j+PER (mod
# SERVERS); range i belongs to relationship i mod RELS, with an instance
# and a pool on each of its two servers ----------------------------------
t0 = time.perf_counter()
counts = psql("""
\\set ON_ERROR_STOP on
BEGIN;
INSERT INTO dhcp_servers (name, address, type)
  SELECT format('dhcp%%s.fobench.example.', g),
         ('192.168.' || g / 256 || '.' || g %% 256)::inet, 'ISC'
  FROM generate_series(0, %(s)d - 1) g;
CREATE TEMP TABLE srv AS
  SELECT id, row_number() OVER (ORDER BY id) - 1 AS j FROM dhcp_servers;
INSERT INTO dhcp_failover (name, primary_id, secondary_id, mclt, percentage,
                           port, peer_port, load_balance_max_seconds,
                           max_response_delay, max_unacked_updates)
  SELECT format('fo-%%s-%%s', p.j, k), p.id, s.id, 3600, 50, 647, 647, 3, 60, 10
  FROM srv p CROSS JOIN generate_series(1, %(per)d) k
  JOIN srv s ON s.j = (p.j + k) %% %(s)d;
CREATE TEMP TABLE rel AS
  SELECT id, primary_id, secondary_id, row_number() OVER (ORDER BY id) - 1 AS n
  FROM dhcp_failover;
INSERT INTO ranges (cidr)
  SELECT ('10.' || g / 256 || '.' || g %% 256 || '.0/24')::cidr
  FROM generate_series(0, %(r)d - 1) g;
INSERT INTO dhcp_scopes (range_id, server_id, name, failover_id)
  SELECT g.id, side.server_id, g.name, rel.id
  FROM (SELECT id, name, row_number() OVER (ORDER BY id) - 1 AS i FROM ranges) g
  JOIN rel ON rel.n = g.i %% %(rels)d
  CROSS JOIN LATERAL (VALUES (rel.primary_id), (rel.secondary_id)) side(server_id);
INSERT INTO dhcp_pools (scope_id, from_ip, to_ip)
  SELECT sc.id, host(r.cidr + 10)::inet, host(r.cidr + 100)::inet
  FROM dhcp_scopes sc JOIN ranges r ON r.id = sc.range_id;
COMMIT;
ANALYZE;
SELECT (SELECT count(*) FROM dhcp_servers) || ' ' || (SELECT count(*) FROM dhcp_failover)
       || ' ' || (SELECT count(*) FROM dhcp_scopes)
       || ' ' || (SELECT count(*) FROM dhcp_pools);
""" % {"s": SERVERS, "per": PER, "r": RANGES, "rels": RELS})
load_s = time.perf_counter() - t0
want = [str(SERVERS), str(RELS), str(2 * RANGES), str(2 * RANGES)]
if counts != want:
    sys.exit("bench: loaded %s, wanted %s" % (counts, want))
print("== loaded %s servers, %s relationships, %s scopes, %s pools in %.1f s (psql)"
      % (*counts, load_s))
figures = []


def timed(label, op, inner, check):
    call(op, inner)  # warm-up
    times = []
    for _ in range(5):
        dt, a = call(op, inner)
        times.append(dt)
    check(a)
    print("== %s, 5 runs: %s" % (label, " ".join(ms(t) for t in times)))
    figures.append("%s, median of 5: %s" % (label, ms(statistics.median(times))))
    return a


def count_rels(want):
    def check(a):
        n = len(re.findall(r"<(?:\w+:)?dhcpFailoverRelationship>", a))
        refs = len(re.findall(r"<(?:\w+:)?ref>", a))
        if n != want or refs != want * 2 * RANGES // RELS // 2:
            sys.exit("bench: %d relationships with %d scope refs, wanted %d" % (n, refs, want))
    return check


# -- (1) one server's relationships, and all --------------------------------
timed("GetDHCPFailoverRelationships, one server (%d relationships)" % (2 * PER),
      "GetDHCPFailoverRelationships", S + el("dhcpServerRef", "dhcp0.fobench.example."),
      count_rels(2 * PER))
timed("GetDHCPFailoverRelationships, all (%d relationships)" % RELS,
      "GetDHCPFailoverRelationships", S, count_rels(RELS))

# -- (2) a page of member pools, each with its relationship's state, next to
# a page of scopes (no state) in the same run --------------------------------
def count_pools(a):
    n = len(re.findall(r"<(?:\w+:)?failoverState>", a))
    if n != 100:
        sys.exit("bench: %d pools with failoverState in a page of 100" % n)


timed("GetDHCPAddressPools, a page of 100 member pools with failoverState",
      "GetDHCPAddressPools", S + el("filter", "") + el("offset", 5000) + el("limit", 100),
      count_pools)
timed("GetDHCPScopes, a page of 100 scopes (baseline)", "GetDHCPScopes",
      S + el("filter", "") + el("offset", 5000) + el("limit", 100),
      lambda a: None if len(re.findall(r"<(?:\w+:)?dhcpScope>", a)) == 100
      else sys.exit("bench: not a page of 100 scopes"))

# -- (3) AddDHCPScopesToDHCPFailoverRelationship with 100 scopes ------------
# fresh server pairs, each with 100 scopes (one pool each) on its primary;
# the call creates the partner instances and their pools
times = []
for k in range(6):
    base = 300 + k
    psql("""
\\set ON_ERROR_STOP on
BEGIN;
INSERT INTO dhcp_servers (name, address, type) VALUES
  ('add%(k)dp.fobench.example.', '192.169.%(k)d.1', 'ISC'),
  ('add%(k)ds.fobench.example.', '192.169.%(k)d.2', 'ISC');
INSERT INTO ranges (cidr)
  SELECT ('11.' || %(b)d %% 256 || '.' || g || '.0/24')::cidr FROM generate_series(0, 99) g;
INSERT INTO dhcp_scopes (range_id, server_id, name)
  SELECT r.id, (SELECT id FROM dhcp_servers WHERE name = 'add%(k)dp.fobench.example.'), r.name
  FROM ranges r WHERE r.cidr << ('11.' || %(b)d %% 256 || '.0.0/16')::cidr;
INSERT INTO dhcp_pools (scope_id, from_ip, to_ip)
  SELECT sc.id, host(r.cidr + 10)::inet, host(r.cidr + 100)::inet
  FROM dhcp_scopes sc JOIN ranges r ON r.id = sc.range_id
  WHERE r.cidr << ('11.' || %(b)d %% 256 || '.0.0/16')::cidr;
COMMIT;
""" % {"k": k, "b": base})
    call("AddDHCPFailoverRelationship", S + "<dhcpFailoverRelationship>%s</dhcpFailoverRelationship>"
         % "".join(el(n, v) for n, v in (
             ("name", "add%d" % k), ("primaryServer", "add%dp.fobench.example." % k),
             ("secondaryServer", "add%ds.fobench.example." % k), ("failoverMode", "LoadBalance"),
             ("failoverServerType", "PrimaryServer"), ("mclt", 3600), ("safePeriod", 0),
             ("dhcpScopeRefs", ""), ("percentage", 50))))
    refs = "".join(el("ref", "11.%d.%d.0/24" % (base % 256, g)) for g in range(100))
    dt, _ = call("AddDHCPScopesToDHCPFailoverRelationship",
                 S + el("dhcpServerRef", "add%dp.fobench.example." % k)
                 + el("dhcpFailoverRelationshipName", "add%d" % k)
                 + "<dhcpScopeRefs>%s</dhcpScopeRefs>" % refs)
    n = psql("SELECT count(*) FROM dhcp_scopes sc JOIN dhcp_servers s ON s.id = sc.server_id "
             "WHERE s.name = 'add%ds.fobench.example.' AND sc.failover_id IS NOT NULL;" % k)
    if n != ["100"]:
        sys.exit("bench: the partner got %s member scopes, not 100" % n)
    if k:  # the first is the warm-up
        times.append(dt)
print("== AddDHCPScopesToDHCPFailoverRelationship, 100 scopes, 5 runs: %s"
      % " ".join(ms(t) for t in times))
figures.append("AddDHCPScopesToDHCPFailoverRelationship with 100 scopes, median of 5: %s"
               % ms(statistics.median(times)))

# -- the GetDHCPFailoverRelationship request wrk repeats ---------------------
inner = S + el("dhcpServerRef", "dhcp7.fobench.example.") + el(
    "dhcpFailoverRelationshipName", "fo-7-1")
_, a = call("GetDHCPFailoverRelationship", inner)
with open(os.path.join(OUT, "get.xml"), "w") as f:
    f.write(envelope("GetDHCPFailoverRelationship", inner))
with open(os.path.join(OUT, "get-answer.xml"), "w") as f:
    f.write(a)
with open(os.path.join(OUT, "figures.txt"), "w") as f:
    f.write("".join("  %s\n" % line for line in figures))
