#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The SOAP side of bench_worker.sh (zeep, strict).

usage: bench_worker.py URL DIR N setup
       bench_worker.py URL DIR N change VALUE

setup:  N DHCP servers w<i>.bench.example. at 127.0.1.<i> (their agents
        listen there on 8647), each with one range, scope and pool in a
        /24 of its own (10.<i>.0.0/24), then waits until GetDHCPServers
        says all N are OK and every agent's file DIR/a<i>/dhcpd.conf holds
        its subnet.
change: SetProperties unmanagedStatements "default-lease-time VALUE;" on
        all N servers, one call each, back to back; then waits until all N
        are OK again and every agent's live file holds the statement (read
        from disk while waiting, then once more through the agents'
        GetConfig).  Prints `seconds=`, `calls=` (the time the N calls
        took) and `pushes_per_s=` lines for the shell script.
"""
import os
import sys
import time

import zeep

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import agentlib  # noqa: E402

TIMEOUT = 600


def conf(d, i):
    try:
        with open(os.path.join(d, "a%d" % i, "dhcpd.conf")) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def all_ok(svc, s, n):
    r = svc.GetDHCPServers(session=s, limit=n + 10)
    servers = r.dhcpServers.dhcpServer if r.dhcpServers else []
    return r.totalResults == n and len(servers) == n and all(x.state == "OK" for x in servers)


def wait(what, fn, secs=TIMEOUT, step=0.02):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if fn():
            return time.monotonic()
        time.sleep(step)
    sys.exit("bench_worker: waited %ss for %s" % (secs, what))


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    url, d, n, op = argv[1], argv[2], int(argv[3]), argv[4]
    svc = zeep.Client(url.replace("?Soap", "?wsdl"),
                      settings=zeep.Settings(strict=True)).service
    s = svc.Login(server="localhost", loginName="administrator", password="administrator")
    refs = {}
    if op == "setup":
        t0 = time.monotonic()
        for i in range(1, n + 1):
            ref = svc.AddDHCPServer(session=s, dhcpServer=dict(
                name="w%d.bench.example." % i, type="ISC", address="127.0.1.%d" % i)).ref
            rng = svc.AddRange(session=s, range=dict(name="10.%d.0.0/24" % i))
            sc = svc.AddDHCPScope(session=s, dhcpScope=dict(
                name="10.%d.0.0/24" % i, rangeRef=rng, dhcpServerRef=ref))
            pool = dict(dhcpScopeRef=sc, to="10.%d.0.199" % i)
            pool["from"] = "10.%d.0.100" % i
            svc.AddDHCPAddressPool(session=s, dhcpAddressPool=pool)
        t1 = time.monotonic()
        t2 = wait("all files", lambda: all("subnet 10.%d.0.0 " % i in conf(d, i)
                                           for i in range(1, n + 1)))
        t2 = max(t2, wait("all OK", lambda: all_ok(svc, s, n)))
        print("setup_calls=%.3f" % (t1 - t0))
        print("setup_to_ok=%.3f" % (t2 - t0))
        return 0
    if op == "change":
        stmt = "default-lease-time %s;" % argv[5]
        r = svc.GetDHCPServers(session=s, limit=n + 10)
        for x in r.dhcpServers.dhcpServer:
            refs[x.name] = x.ref
        names = ["w%d.bench.example." % i for i in range(1, n + 1)]
        t0 = time.monotonic()
        for name in names:
            svc.SetProperties(session=s, ref=refs[name], properties=dict(property=[
                dict(name="unmanagedStatements", value=stmt)]))
        t1 = time.monotonic()
        t2 = wait("the statement in all files",
                  lambda: all(stmt in conf(d, i) for i in range(1, n + 1)))
        t2 = max(t2, wait("all OK", lambda: all_ok(svc, s, n)))
        secret = open(os.path.join(d, "secret")).readline().strip()
        missing = [i for i in range(1, n + 1)
                   if stmt not in agentlib.call("127.0.1.%d" % i, 8647, "GetConfig",
                                                [("secret", secret)]).get("config", "")]
        if missing:
            sys.exit("bench_worker: GetConfig lacks %r on agents %s" % (stmt, missing))
        print("calls=%.3f" % (t1 - t0))
        print("seconds=%.3f" % (t2 - t0))
        print("pushes_per_s=%.1f" % (n / (t2 - t0)))
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
