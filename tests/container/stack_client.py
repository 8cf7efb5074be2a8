#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The host's side of tests/container/test_stack.sh: a real SOAP client
(zeep, strict) and the control API against the emulator in containers.

usage: stack_client.py failover  URL PASSWORD STATE NET CTR_A CTR_B
       stack_client.py restarted URL PASSWORD STATE
       stack_client.py single    URL PASSWORD TOKEN

failover: two DHCP servers at NET.11 and NET.12 (the ISC hosts' fixed
addresses), a scope NET.0/24 with a pool, a load-balancing relationship,
then AddDHCPScopesToDHCPFailoverRelationship; waits (bounded) until the
relationship is Normal and both containers' dhcpd have logged that they
moved to normal; what was made is written to STATE (JSON).
restarted: after the emulator's restart, the session and every object of
STATE are still there and the relationship Normal.
single: the one-command image: with simulated servers (its health says
so) two servers, a scope, a relationship, Normal, and the installed file
from GET /_emu/servers/NAME/config; without, exit 77 after saying so.
Prints figures as "figure: NAME VALUE".
"""
import json
import subprocess
import sys
import time
import urllib.request

import zeep

WAIT_S = 120
REL = "fo-stack"


def client(url):
    c = zeep.Client(url + "/_mmwebext/mmwebext.dll?wsdl", settings=zeep.Settings(strict=True))
    return c.service


def wait(what, fn, secs=WAIT_S, step=0.1):
    end = time.monotonic() + secs
    last = None
    while time.monotonic() < end:
        try:
            last = fn()
        except Exception as exc:  # noqa: BLE001 - shown when it times out
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(step)
    raise SystemExit("FAIL: waited %ss for %s; last: %r" % (secs, what, last))


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        raise SystemExit(1)


def make_failover(svc, s, net, names):
    refs = {}
    for i, name in enumerate(names):
        refs[name] = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name=name, type="ISC", address="%s.%d" % (net, 11 + i))).ref
    cidr = "%s.0/24" % net
    rng = svc.AddRange(session=s, range=dict(name=cidr))
    scope = svc.AddDHCPScope(session=s, dhcpScope=dict(
        name=cidr, rangeRef=rng, dhcpServerRef=refs[names[0]]))
    svc.AddDHCPAddressPool(session=s, dhcpAddressPool={
        "dhcpScopeRef": scope, "from": "%s.100" % net, "to": "%s.120" % net})
    svc.AddDHCPFailoverRelationship(session=s, dhcpFailoverRelationship=dict(
        name=REL, primaryServer=names[0], secondaryServer=names[1],
        failoverMode="LoadBalance", failoverServerType="PrimaryServer",
        mclt=60, safePeriod=0, percentage=50, dhcpScopeRefs=dict(ref=[])))
    svc.AddDHCPScopesToDHCPFailoverRelationship(
        session=s, dhcpServerRef=refs[names[0]], dhcpFailoverRelationshipName=REL,
        dhcpScopeRefs=dict(ref=[scope]))
    return refs, scope


def rel_state(svc, s, server_ref):
    return svc.GetDHCPFailoverRelationship(
        session=s, dhcpServerRef=server_ref, dhcpFailoverRelationshipName=REL).state


def dhcpd_normal(ctr):
    out = subprocess.run(["podman", "logs", ctr], capture_output=True, text=True,
                         timeout=30)
    return "to normal" in out.stdout + out.stderr


def failover(url, password, state_file, net, ctr_a, ctr_b):
    svc = client(url)
    s = svc.Login(server="localhost", loginName="administrator", password=password)
    check(len(s) == 20, "login through the published port")
    refs, scope = make_failover(svc, s, net, ["dhcp-a", "dhcp-b"])
    t0 = time.monotonic()
    wait("both dhcpd in containers to log normal",
         lambda: dhcpd_normal(ctr_a) and dhcpd_normal(ctr_b))
    t_dhcpd = time.monotonic() - t0
    wait("the relationship to be Normal",
         lambda: rel_state(svc, s, refs["dhcp-a"]) == "Normal")
    t_rel = time.monotonic() - t0
    print("figure: addscopes_to_both_dhcpd_normal_s %.1f" % t_dhcpd)
    print("figure: addscopes_to_relationship_normal_s %.1f" % t_rel)
    servers = svc.GetDHCPServers(session=s).dhcpServers.dhcpServer
    check(sorted((x.name, x.state) for x in servers) ==
          [("dhcp-a.", "OK"), ("dhcp-b.", "OK")], "both servers OK: %s" %
          [(x.name, x.state) for x in servers])
    with open(state_file, "w") as f:
        json.dump({"session": s, "refs": refs, "scope": scope}, f)


def restarted(url, password, state_file):
    with open(state_file) as f:
        st = json.load(f)
    svc = client(url)
    s = st["session"]
    servers = svc.GetDHCPServers(session=s).dhcpServers.dhcpServer
    check({x.name.rstrip("."): x.ref for x in servers} == st["refs"],
          "after the restart the session and both servers are there")
    scopes = svc.GetDHCPScopes(session=s).dhcpScopes.dhcpScope
    check(st["scope"] in [x.ref for x in scopes], "and the scope")
    wait("the relationship to be Normal after the restart",
         lambda: rel_state(svc, s, st["refs"]["dhcp-a"]) == "Normal", 30)
    check(True, "and the relationship, Normal")
    s2 = svc.Login(server="localhost", loginName="administrator", password=password)
    svc.Logout(session=s2)


def control(url, token, path):
    rq = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(rq, timeout=10) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode()


def single(url, password, token):
    status, _, body = control(url, token, "/_emu/health")
    health = json.loads(body)
    check(status == 200 and health["status"] == "ok",
          "one-command image healthy, control API reached with the token it made")
    svc = client(url)
    s = svc.Login(server="localhost", loginName="administrator", password=password)
    check(len(s) == 20, "login with the password it made")
    if "simulated" not in health.get("worker", ""):
        print("SKIP: this micetro-emu does not simulate ISC servers yet (health's "
              "worker says %r): the simulated failover is not checked" % health.get("worker"))
        return 77
    refs, _ = make_failover(svc, s, "192.0.2", ["sim-a", "sim-b"])
    wait("the simulated relationship to be Normal",
         lambda: rel_state(svc, s, refs["sim-a"]) == "Normal", 60)
    check(True, "simulated relationship Normal")
    status, ctype, conf = control(url, token, "/_emu/servers/sim-a/config")
    if ctype.startswith("application/json"):
        conf = json.loads(conf)["config"]
    check(status == 200 and 'failover peer "%s"' % REL in conf,
          "GET /_emu/servers/sim-a/config has the failover peer")
    svc.Logout(session=s)
    return 0


def main(argv):
    if len(argv) == 8 and argv[1] == "failover":
        failover(*argv[2:])
    elif len(argv) == 5 and argv[1] == "restarted":
        restarted(*argv[2:])
    elif len(argv) == 5 and argv[1] == "single":
        return single(*argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
