#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Two real dhcpd already in failover from hand-written files, then
micetro-emu pointed at them: the import.

usage: test_import_live.py PATH/TO/micetro-emu PATH/TO/micetro-dhcp-agent

In a throw-away network namespace, as tests/e2e/test_worker.py sets it
up (vp/vs 10.99.0.2/3, ws 10.98.0.3; agents on 127.0.0.2 and 127.0.0.3),
each agent starts its dhcpd on a file written by hand: a failover peer
"live", the shared subnet with its pool, options, a class (in a file the
primary's includes) and a host the emulator does not model.  Once both
dhcpd are Normal, micetro-emu starts and the two servers are added
through SOAP.  Checks:

  - both imports Applied; the primary's included file read through its
    agent (its class in the server's unmanaged statements)
  - GetDHCPFailoverRelationship: the relationship, its scope on both
    servers, state Normal, read from the running dhcpd
  - nothing pushed: both files unchanged, no PutConfig on either agent,
    dhcpd not restarted (the same pids)

Exit 77 (skipped) when dhcpd, ip, a network namespace or zeep is missing.
Everything started here is stopped by pid before exit.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import test_worker as tw  # noqa: E402
from e2elib import (FAILED, SKIP, add_veths, check, find_dhcpd, finish, in_netns,  # noqa: E402
                    stop_all, wait_for)

P_SECRET = "primary import secret"
S_SECRET = "secondary-import-secret"
SECRETS = "p.imp.example %s\ns.imp.example %s\n" % (P_SECRET, S_SECRET)
# the OMAPI key the agents read states with (any key would do)
KEY = "bWljZXRyby1lbXUgZTJlIGtleSE="

COMMON = """# written by hand
omapi-port %(omapi)d;
key micetro-omapi {
  algorithm hmac-md5;
  secret "%(key)s";
}
omapi-key micetro-omapi;
authoritative;
option domain-name "live.example";
default-lease-time 600;
"""

PEER = """failover peer "live" {
  %(role)s;
  address %(me)s;
  port 647;
  peer address %(them)s;
  peer port 647;
  max-response-delay 15;
  max-unacked-updates 10;
%(primary)s  load balance max seconds 3;
}
subnet 10.99.0.0 netmask 255.255.255.0 {
  option routers 10.99.0.1;
  pool {
    failover peer "live";
    range 10.99.0.100 10.99.0.149;
  }
}
host printer1 {
  hardware ethernet 00:11:22:33:44:55;
  fixed-address 10.99.0.5;
}
"""


def control(url, path):
    with urllib.request.urlopen(url + path, timeout=30) as r:
        return json.loads(r.read())


def inner(emu_bin, agent_bin):
    import zeep
    if not add_veths(("vp", "vs", "10.99.0"), ("wp", "ws", "10.98.0")):
        return SKIP
    d = tempfile.mkdtemp(prefix="import-e2e.")
    os.chmod(d, 0o755)  # the embedded PostgreSQL runs as postgres when root
    tw.write(os.path.join(d, "secrets"), SECRETS)
    dhcpd = find_dhcpd()
    a = tw.Agent(agent_bin, d, "p", "127.0.0.2", ["vp"], dhcpd, P_SECRET)
    b = tw.Agent(agent_bin, d, "s", "127.0.0.3", ["vs", "ws"], dhcpd, S_SECRET)
    classes = os.path.join(d, "classes.conf")
    tw.write(classes, 'class "printers" {\n'
             '  match if substring (option vendor-class-identifier, 0, 4) = "prnt";\n}\n')
    tw.write(a.conf, COMMON % dict(omapi=7911, key=KEY) + 'include "%s";\n' % classes
             + PEER % dict(role="primary", me="127.0.0.2", them="127.0.0.3",
                           primary="  mclt 30;\n  split 128;\n"))
    tw.write(b.conf, COMMON % dict(omapi=7912, key=KEY)
             + PEER % dict(role="secondary", me="127.0.0.3", them="127.0.0.2", primary="")
             + "subnet 10.98.0.0 netmask 255.255.255.0 {\n"
             "  pool {\n    range 10.98.0.100 10.98.0.149;\n  }\n}\n")
    files = (a.text(), b.text())
    emu = None
    try:
        if not (check(a.start(), "primary agent on 127.0.0.2, dhcpd on the hand-written file")
                and check(b.start(), "secondary agent on 127.0.0.3")):
            return 1
        check(wait_for("both Normal before the emulator",
                       lambda: a.state("live") == ("Normal", "Normal")
                       and b.state("live") == ("Normal", "Normal"), 60) is not None,
              "the two dhcpd are in failover, Normal, by themselves")
        pids = (a.call("Status")["pid"], b.call("Status")["pid"])
        log_file = open(os.path.join(d, "emu.log"), "ab+")
        emu = subprocess.Popen(
            [emu_bin, "run", "--listen", "127.0.0.1:18081",
             "--data-dir", os.path.join(d, "var"),
             "--agent-secrets", os.path.join(d, "secrets"), "--worker-poll", "1",
             "--state-poll", "1", "--agent-timeout", "5"],
            stdout=subprocess.DEVNULL, stderr=log_file, cwd=d)
        tw.PROCS.append(emu)

        def url():
            log_file.seek(0)
            for line in log_file.read().decode(errors="replace").splitlines():
                if "listening on http" in line:
                    return line.split("listening on ")[1].strip()
            return None
        u = wait_for("micetro-emu to listen", url, 90)
        if not check(u is not None, "micetro-emu run is up (%s)" % u):
            return 1
        base = u.split("/_mmwebext")[0]
        client = zeep.Client(u.replace("?Soap", "?wsdl"), settings=zeep.Settings(strict=True))
        svc = client.service
        s = svc.Login(server="localhost", loginName="administrator", password="administrator")
        t0 = time.monotonic()
        p = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="p.imp.example.", type="ISC", address="127.0.0.2")).ref
        svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="s.imp.example.", type="ISC", address="127.0.0.3"))
        states = wait_for("both imported", lambda: all(
            control(base, "/_emu/servers/%s/import" % n)["state"] == "Applied"
            for n in ("p.imp.example.", "s.imp.example.")) or None, 60)
        check(states is not None, "both imports Applied (%.3f s after the first Add)"
              % (time.monotonic() - t0))
        figure = time.monotonic() - t0
        check('class \\"printers\\"' in json.dumps(tw.sql(
            d, "SELECT unmanaged_statements FROM dhcp_servers WHERE name = 'p.imp.example.'")),
              "the included file was read through the agent: its class is kept")

        def rel():
            return svc.GetDHCPFailoverRelationship(
                session=s, dhcpServerRef=p, dhcpFailoverRelationshipName="live")
        reported = [control(base, "/_emu/servers/%s/import" % n)["reportedPeers"]
                    for n in ("p.imp.example.", "s.imp.example.")]
        check(reported == [[], []], "no peer reported (%r)" % (reported,))
        r = wait_for("relationship Normal", lambda: rel().state == "Normal" and rel(), 60)
        check(r is not None and r.mclt == 30 and r.percentage == 50
              and r.maxResponseDelay == 15 and r.secondaryServer == "s.imp.example.",
              "the relationship, Normal as the dhcpd report it (%r)"
              % ((r.state, r.mclt, r.percentage) if r else None,))
        check(tw.sql(d, "SELECT count(*) FROM dhcp_scopes c JOIN dhcp_failover f "
                     "ON f.id = c.failover_id WHERE f.name = 'live'") == [["2"]],
              "its scope on both servers")
        time.sleep(2.5)  # worker rounds: nothing may be pushed
        check((a.text(), b.text()) == files, "both files unchanged")
        check((a.call("Status")["pid"], b.call("Status")["pid"]) == pids,
              "dhcpd not restarted")
        logs = ""
        for n in ("p", "s"):
            with open(os.path.join(d, n + ".agent.log"), errors="replace") as f:
                logs += f.read()
        check("PutConfig" not in logs, "no PutConfig on either agent")
        svc.Logout(session=s)
        print("figure: the two servers added to both imports Applied: %.3f s" % figure)
    finally:
        stop_all(emu, (a, b), tw.PROCS)
        rc = finish(d, FAILED, ("emu.log", "p.agent.log", "s.agent.log"))
    return rc


if __name__ == "__main__":
    # test_worker's start: the same arguments, namespace and skips
    if in_netns("IN_WORKER_NS"):
        sys.exit(inner(sys.argv[1], sys.argv[2]))
    sys.exit(tw.outer(sys.argv))
