#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Import of what two real ISC servers already run, in failover, from
hand-written files: micetro-emu pointed at them takes the relationship
over without pushing or restarting anything.

usage: test_import.py PATH/TO/micetro-emu PATH/TO/micetro-dhcp-agent

Re-runs itself in a throw-away network namespace with the veth pairs of
test_worker.py: vp/vs (10.99.0.2/24, 10.99.0.3/24), the failover subnet,
and wp/ws (10.98.0.2/24, 10.98.0.3/24), a subnet of the secondary's own.
Two agents on 127.0.0.2 and 127.0.0.3 start their dhcpd on files written
by hand: options, a class, hosts (one in a group), a key and OMAPI, a pool
statement, a failover peer with every parameter the model holds.  Checks,
in order:

  - both dhcpd reach Normal with no emulator at all
  - micetro-emu started, both servers added: each import Applied; the
    relationship `fo` is Normal with its scope on both servers; its
    parameters are the files'; the scopes, pools and ranges are the
    files'; both files and both dhcpd processes untouched (nothing
    pushed, nothing restarted)
  - the secondary's own scope removed through SOAP: both files rendered
    again keep every unmanaged statement (options, class, hosts, group,
    pool statement), dhcpd accepts them, the pair is Normal again
  - the primary's file edited by hand: the server shows Out of date with
    what differs; re-imported: OK, the edit now among its statements;
    edited again and overwritten: the emulator's file is live again

Exit 77 (skipped) when dhcpd, ip, a network namespace or zeep is missing.
Everything started here is stopped by pid before exit.
"""
import hashlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import (FAILED, SKIP, add_veths, check, find_dhcpd, finish, in_netns,  # noqa: E402
                    rerun_in_netns, stop_all, wait_for)
import test_worker as tw  # noqa: E402

P_SECRET = "primary import secret"
S_SECRET = "secondary import secret"
SECRETS = "p.import.example. %s\ns.import.example. %s\n" % (P_SECRET, S_SECRET)
OMAPI_SECRET = "c2VjcmV0LWZvci1vbWFwaS1pbXBvcnQtdGVzdA=="

# What the two files share, above their peer declaration.
GLOBAL = """# written by hand, long before any emulator
authoritative;
default-lease-time 600;
max-lease-time 7200;
option domain-name "import.example";
option domain-name-servers 10.99.0.53, 10.99.0.54;
key "admin-omapi" {
    algorithm hmac-md5;
    secret "%s";
}
omapi-port %%d;
omapi-key "admin-omapi";
class "printers" {
    match if substring (option vendor-class-identifier, 0, 4) = "HPPR";
}
""" % OMAPI_SECRET

PEER = """failover peer "fo" {
    %(role)s;
    address %(me)s;
    port 647;
    peer address %(other)s;
    peer port 647;
    max-response-delay 15;
    max-unacked-updates 10;
    load balance max seconds 3;
%(primary)s}
"""

SUBNET = """subnet 10.99.0.0 netmask 255.255.255.0 {
    option routers 10.99.0.1;
    host printer1 {
        hardware ethernet 00:11:22:33:44:55;
        fixed-address 10.99.0.50;
    }
    pool {
        failover peer "fo";
        deny dynamic bootp clients;
        range 10.99.0.100 10.99.0.149;
    }
}
"""

OWN = """group {
    option domain-name "lab.import.example";
    host lab1 {
        hardware ethernet 00:11:22:33:44:66;
        fixed-address 10.98.0.60;
    }
}
subnet 10.98.0.0 netmask 255.255.255.0 {
    option routers 10.98.0.1;
    range 10.98.0.100 10.98.0.149;
}
"""

PRIMARY = (GLOBAL % 7911 + PEER % dict(role="primary", me="127.0.0.2", other="127.0.0.3",
                                        primary="    mclt 30;\n    split 128;\n")
           + SUBNET)
SECONDARY = (GLOBAL % 7912 + PEER % dict(role="secondary", me="127.0.0.3", other="127.0.0.2",
                                          primary="") + SUBNET + OWN)

# What must survive every rendering of either file: the statements the
# emulator does not model.
UNMANAGED = ('option domain-name "import.example";', "option domain-name-servers",
             'class "printers"', "host printer1", "fixed-address 10.99.0.50;",
             "deny dynamic bootp clients;", "option routers 10.99.0.1;")


def outer(argv):
    argv = argv[:1] + [os.path.abspath(a) for a in argv[1:]]
    if len(argv) != 3 or not all(os.access(a, os.X_OK) for a in argv[1:]):
        print("usage: test_import.py PATH/TO/micetro-emu PATH/TO/micetro-dhcp-agent",
              file=sys.stderr)
        return 2
    try:
        import zeep  # noqa: F401
    except ImportError:
        print("SKIP: zeep missing")
        return SKIP
    return rerun_in_netns(argv[0], argv[1:], "IN_IMPORT_NS")


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def dhcpd_pid(agent):
    with open(os.path.join(agent.d, agent.name + ".pid")) as f:
        return int(f.read().split()[0])


def inner(emu_bin, agent_bin):
    if not add_veths(("vp", "vs", "10.99.0"), ("wp", "ws", "10.98.0")):
        return SKIP
    d = tempfile.mkdtemp(prefix="import-e2e.")
    os.chmod(d, 0o755)  # the embedded PostgreSQL runs as postgres when root
    tw.write(os.path.join(d, "secrets"), SECRETS)
    dhcpd = find_dhcpd()
    a = tw.Agent(agent_bin, d, "p", "127.0.0.2", ["vp"], dhcpd, P_SECRET)
    b = tw.Agent(agent_bin, d, "s", "127.0.0.3", ["vs", "ws"], dhcpd, S_SECRET)
    tw.write(a.conf, PRIMARY)
    tw.write(b.conf, SECONDARY)
    emu = None
    try:
        for conf in (a.conf, b.conf):
            r = subprocess.run([dhcpd, "-t", "-cf", conf], capture_output=True, text=True)
            if not check(r.returncode == 0, "dhcpd -t accepts the hand-written %s" % conf):
                print(r.stderr)
                return 1
        if not (check(a.start(), "primary agent on 127.0.0.2") and
                check(b.start(), "secondary agent on 127.0.0.3")):
            return 1
        normal = wait_for("the hand-written pair Normal", lambda: a.state() == ("Normal", "Normal")
                          and b.state() == ("Normal", "Normal"), 90)
        if not check(normal, "both dhcpd Normal with no emulator (%s, %s)"
                     % (a.state(), b.state())):
            return 1
        pids = (dhcpd_pid(a), dhcpd_pid(b))
        files = (sha(a.text()), sha(b.text()))
        emu = run_emulator(emu_bin, d, a, b, pids, files)
    finally:
        stop_all(emu, (a, b), tw.PROCS)
        rc = finish(d, FAILED, ("emu.log", "p.agent.log", "s.agent.log"))
    return rc


def start_emulator(emu_bin, d):
    """micetro-emu run, its log in emu.log; (process, SOAP URL or None)."""
    log_file = open(os.path.join(d, "emu.log"), "ab+")
    proc = subprocess.Popen(
        [emu_bin, "run", "--listen", "127.0.0.1:18081", "--data-dir", os.path.join(d, "var"),
         "--agent-secrets", os.path.join(d, "secrets"), "--worker-poll", "1",
         "--state-poll", "1", "--backoff", "1,2", "--agent-timeout", "5"],
        stdout=subprocess.DEVNULL, stderr=log_file, cwd=d)
    tw.PROCS.append(proc)

    def url():
        log_file.seek(0)
        for line in log_file.read().decode(errors="replace").splitlines():
            if "listening on http" in line:
                return line.split("listening on ")[1].strip()
        return None
    return proc, wait_for("micetro-emu to listen", url, 90)


def control(method, path, body=None):
    """(status, JSON) of the control API of the emulator on 127.0.0.1:18081."""
    c = http.client.HTTPConnection("127.0.0.1", 18081, timeout=60)
    try:
        c.request(method, path, body=json.dumps(body) if body is not None else None)
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"null")
    finally:
        c.close()


def run_emulator(emu_bin, d, a, b, pids, files):
    """The emulator's half: returns its process (stopped by the caller)."""
    import zeep
    emu, u = start_emulator(emu_bin, d)
    if not check(u is not None, "micetro-emu run is up (%s)" % u):
        return emu
    svc = zeep.Client(u.replace("?Soap", "?wsdl"), settings=zeep.Settings(strict=True)).service
    s = svc.Login(server="localhost", loginName="administrator", password="administrator")
    p = svc.AddDHCPServer(session=s, dhcpServer=dict(
        name="p.import.example.", type="ISC", address="127.0.0.2")).ref
    sec = svc.AddDHCPServer(session=s, dhcpServer=dict(
        name="s.import.example.", type="ISC", address="127.0.0.3")).ref

    def imported(name):
        status, j = control("GET", "/_emu/servers/%s/import" % name)
        return j if status == 200 and j["state"] != "Pending" else None
    names = ("p.import.example.", "s.import.example.")
    for n in names:
        wait_for("%s imported" % n, lambda n=n: imported(n), 60)
    states = [imported(n) for n in names]  # the first reread: the second matched it
    check([x and (x["state"], x["reportedPeers"]) for x in states]
          == [("Applied", [])] * 2, "both imports Applied, no peer reported")

    def relationship():
        return svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=p,
                                               dhcpFailoverRelationshipName="fo")
    normal = wait_for("fo Normal", lambda: relationship().state == "Normal", 60)
    rel = relationship()
    check(normal, "the imported relationship fo is Normal (%s)" % rel.state)
    check((rel.primaryServer, rel.secondaryServer, rel.mclt, rel.percentage,
           rel.maxResponseDelay, rel.maxUnackedUpdates, rel.loadBalanceMaxSeconds)
          == ("p.import.example.", "s.import.example.", 30, 50, 15, 10, 3),
          "its parameters are the files' (%s)" % rel.name)
    rels = svc.GetDHCPFailoverRelationships(session=s, dhcpServerRef=sec) or []
    check([x.name for x in rels] == ["fo"] and len(rels[0].dhcpScopeRefs.ref) == 1,
          "the secondary's view: fo with its one scope")
    scopes = svc.GetDHCPScopes(session=s).dhcpScopes.dhcpScope
    ports = [{x.name: x.value for x in svc.GetProperties(session=s, ref=r)}.get("omapiPort")
             for r in (p, sec)]
    check(ports == ["7911", "7912"], "each file's omapi-port is its server's: %r" % ports)
    check(sorted(x.dhcpServerRef == p for x in scopes) == [False, False, True],
          "three scope instances: one on the primary, two on the secondary (%r)"
          % [(x.name, x.dhcpServerRef) for x in scopes])
    pools = svc.GetDHCPAddressPools(session=s).dhcpAddressPools.dhcpAddressPool
    check(sorted((x["from"], x.to) for x in pools)
          == [("10.98.0.100", "10.98.0.149"), ("10.99.0.100", "10.99.0.149"),
              ("10.99.0.100", "10.99.0.149")], "the pools are the files'")
    time.sleep(2)  # worker rounds: nothing may be pushed
    check((sha(a.text()), sha(b.text())) == files, "both files untouched: nothing pushed")
    check((dhcpd_pid(a), dhcpd_pid(b)) == pids
          and all(os.path.exists("/proc/%d" % x) for x in pids),
          "both dhcpd the same processes: nothing restarted")

    # the secondary's own scope removed through SOAP: both files rendered
    own = [x.ref for x in scopes if x.dhcpServerRef == sec
           and x.ref not in rels[0].dhcpScopeRefs.ref]
    svc.RemoveObject(session=s, ref=own[0], forceRemoval=True)
    gone = wait_for("the secondary pushed", lambda: "10.98.0.0" not in b.text(), 60)
    check(gone, "the removed scope is gone from the secondary's file")
    kept = [w for w in UNMANAGED if w not in b.text()]
    check(not kept, "every unmanaged statement kept in the rendered file (missing: %r)" % kept)
    check(wait_for("Normal again", lambda: b.state() == ("Normal", "Normal")
                   and a.state() == ("Normal", "Normal"), 90),
          "the pair Normal again after the push")

    # a hand edit of the primary's live file: drift
    edited = a.text().replace("default-lease-time 600;", "default-lease-time 900;")
    check(edited != a.text(), "the hand edit changes the file")
    tw.write(a.conf, edited)
    drift = wait_for("drift noticed", lambda: (lambda st: st if st[0] == "Out of date" else None)(
        (svc.GetDHCPServer(session=s, dhcpServerRef=p).state,
         svc.GetDHCPServer(session=s, dhcpServerRef=p).stateMessage)), 60)
    check(drift and "differs" in (drift[1] or ""), "the edit shows as drift: %r" % (drift,))
    svc.SetProperties(session=s, ref=p, properties=dict(property=[
        dict(name="configurationSync", value="import")]))
    ok = wait_for("re-imported", lambda: svc.GetDHCPServer(session=s, dhcpServerRef=p).state
                  == "OK", 60)
    check(ok, "re-imported: OK again")
    props = {x.name: x.value for x in svc.GetProperties(session=s, ref=p)}
    check("default-lease-time 900;" in (props.get("unmanagedStatements") or ""),
          "the edit is now the model's")
    tw.write(a.conf, edited.replace("default-lease-time 900;", "default-lease-time 1200;"))
    wait_for("drift again", lambda: svc.GetDHCPServer(session=s, dhcpServerRef=p).state
             == "Out of date", 60)
    svc.SetProperties(session=s, ref=p, properties=dict(property=[
        dict(name="configurationSync", value="overwrite")]))
    back = wait_for("overwritten", lambda: "default-lease-time 900;" in a.text(), 60)
    check(back, "overwritten: the emulator's file is live again")
    svc.Logout(session=s)
    return emu


if __name__ == "__main__":
    if in_netns("IN_IMPORT_NS"):
        sys.exit(inner(sys.argv[1], sys.argv[2]))
    sys.exit(outer(sys.argv))
