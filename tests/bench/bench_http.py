#!/usr/bin/python3
"""The data and envelopes of bench_http.sh, and a legitimate client's
latency with and without 300 slowloris connections.

usage: bench_http.py setup SOAP-URL DATA-DIR OUT-DIR
         loads 20 DHCP servers and 10 failover relationships (psql) and
         writes OUT-DIR/{server,relationship,relationships}.xml (the
         envelopes) and OUT-DIR/{...}-answer.xml (their answers)
       bench_http.py slowloris SOAP-URL OUT-DIR
         times 200 GetDHCPServer calls on new connections from 127.0.0.1,
         then again while 300 connections from 127.0.1.1-10 send a request
         head a byte a second; prints p50/p99/max of both
env:   PSQL_AS (a user to run psql as, e.g. postgres when root)
"""
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

NS = "http://menandmice.com/webservices/"


def envelope(op, inner):
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            '<%s xmlns="%s">%s</%s></soap:Body></soap:Envelope>' % (op, NS, inner, op))


class Soap:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.path = u.path + ("?" + u.query if u.query else "")

    def call(self, op, inner, conn=None):
        c = conn or http.client.HTTPConnection(self.host, self.port, timeout=30)
        c.request("POST", self.path, envelope(op, inner).encode(),
                  {"Content-Type": "text/xml; charset=utf-8"})
        r = c.getresponse()
        answer = r.read().decode()
        if conn is None:
            c.close()
        if r.status != 200 or "Fault>" in answer:
            sys.exit("bench: %s failed (%d): %s" % (op, r.status, answer[:600]))
        return answer

    def login(self):
        a = self.call("Login", "<server>localhost</server><loginName>administrator"
                      "</loginName><password>administrator</password>")
        return re.search(r"<(?:\w+:)?session>([^<]*)<", a).group(1)


def psql(data, sql):
    cmd = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
           "host=%s/run dbname=micetro user=micetro" % data]
    if os.environ.get("PSQL_AS"):
        cmd = ["runuser", "-u", os.environ["PSQL_AS"], "--"] + cmd
    got = subprocess.run(cmd, input=sql, capture_output=True, text=True, cwd="/")
    if got.returncode != 0:
        sys.exit("bench: psql failed: " + got.stderr)
    return got.stdout.split()


def setup(url, data, out):
    soap = Soap(url)
    session = soap.login()
    counts = psql(data, """
BEGIN;
INSERT INTO dhcp_servers (name, address, type)
  SELECT format('dhcp%s.httpbench.example.', g), ('192.168.77.' || g + 1)::inet, 'ISC'
  FROM generate_series(0, 19) g;
INSERT INTO dhcp_failover (name, primary_id, secondary_id, mclt, percentage,
                           port, peer_port, load_balance_max_seconds,
                           max_response_delay, max_unacked_updates)
  SELECT format('fo-%s', p.n), p.id, s.id, 3600, 50, 647, 647, 3, 60, 10
  FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM dhcp_servers) p
  JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM dhcp_servers) s
    ON s.n = p.n + 1
  WHERE p.n % 2 = 0;
COMMIT;
ANALYZE;
SELECT (SELECT count(*) FROM dhcp_servers) || ' ' || (SELECT count(*) FROM dhcp_failover);
""")
    if counts != ["20", "10"]:
        sys.exit("bench: loaded %s, wanted 20 servers and 10 relationships" % counts)
    s = "<session>%s</session>" % session
    calls = {
        "server": ("GetDHCPServer",
                   s + "<dhcpServerRef>dhcp0.httpbench.example.</dhcpServerRef>"),
        "relationship": ("GetDHCPFailoverRelationship",
                         s + "<dhcpServerRef>dhcp0.httpbench.example.</dhcpServerRef>"
                         "<dhcpFailoverRelationshipName>fo-0</dhcpFailoverRelationshipName>"),
        "relationships": ("GetDHCPFailoverRelationships", s),
    }
    for name, (op, inner) in calls.items():
        answer = soap.call(op, inner)
        with open(os.path.join(out, name + ".xml"), "w") as f:
            f.write(envelope(op, inner))
        with open(os.path.join(out, name + "-answer.xml"), "w") as f:
            f.write(answer)
    n = len(re.findall(r"<(?:\w+:)?dhcpFailoverRelationship>", open(
        os.path.join(out, "relationships-answer.xml")).read()))
    if n != 10:
        sys.exit("bench: GetDHCPFailoverRelationships gave %d relationships" % n)
    print("== loaded 20 servers and 10 relationships")


def timings(soap, inner, n):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        soap.call("GetDHCPServer", inner)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times


def fmt(times):
    return "p50 %.2f ms, p99 %.2f ms, max %.2f ms" % (
        times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000, times[-1] * 1000)


def slowloris(url, out):
    soap = Soap(url)
    inner = "<session>%s</session><dhcpServerRef>dhcp0.httpbench.example.</dhcpServerRef>" % (
        soap.login())
    quiet = timings(soap, inner, 200)
    socks, stop = [], threading.Event()
    for i in range(300):
        try:
            c = socket.create_connection((soap.host, soap.port), timeout=5,
                                         source_address=("127.0.1.%d" % (i % 10 + 1), 0))
            c.sendall(b"POST %s HTTP/1.1\r\nHost: x\r\n" % soap.path.encode())
            socks.append(c)
        except OSError:
            pass

    def drip():
        while not stop.wait(1.0):
            for c in socks:
                try:
                    c.send(b"X")
                except OSError:
                    pass
    t = threading.Thread(target=drip, daemon=True)
    t.start()
    try:
        attacked = timings(soap, inner, 200)
    finally:
        stop.set()
        t.join(5)
        for c in socks:
            c.close()
    with open(os.path.join(out, "figures.txt"), "a") as f:
        f.write("  GetDHCPServer on new connections, alone:                %s\n" % fmt(quiet))
        f.write("  the same during %d slowloris connections:          %s\n"
                % (len(socks), fmt(attacked)))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "setup":
        setup(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "slowloris":
        slowloris(*sys.argv[2:])
    else:
        sys.exit(__doc__)
