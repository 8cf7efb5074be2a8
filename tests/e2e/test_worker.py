#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The whole chain: SOAP (zeep, strict) -> micetro-emu -> PostgreSQL ->
worker -> two micetro-dhcp-agents -> two real dhcpd in failover.

usage: test_worker.py PATH/TO/micetro-emu PATH/TO/micetro-dhcp-agent

Re-runs itself in a throw-away network namespace (`unshare -n` as root,
`unshare -r -n` otherwise) with two veth pairs: vp/vs (10.99.0.2/24,
10.99.0.3/24), the failover subnet, and wp/ws (10.98.0.2/24,
10.98.0.3/24), a subnet of the secondary's own, so that its dhcpd still
has something to serve when the failover scope is taken off it.  The
agents listen on 127.0.0.2 and 127.0.0.3 (the servers' addresses, also
their failover addresses), each with a secret of its own;
micetro-emu runs with its embedded PostgreSQL and the worker (`run`),
its --agent-secrets file naming both servers (one in another case and
without its dot) and a third one with a wrong secret.  Checks, in order:

  - servers, ranges, scopes and pools through SOAP; both servers OK, each
    agent reached with its own secret (and refusing the other's)
  - AddDHCPFailoverRelationship: Empty, no failover statement anywhere
  - AddDHCPScopesToDHCPFailoverRelationship: both files get the peer,
    both dhcpd reach normal, GetDHCPFailoverRelationship says Normal;
    the time from the answer to both normal, in ROUNDS rounds (env
    MICETRO_E2E_ROUNDS, default 3; the figure is their median)
  - the secondary's dhcpd killed: CommunicationsInterrupted (in the
    relationship and in the pools of both instances); started again:
    Normal
  - ModifyDHCPFailoverRelationship mclt: the primary's file says so, and
    the pair is Normal again
  - both files of the pair are validated before either is installed: with
    the secondary's file refused, a Modify reaches neither (Error, and
    stateMessage names the server and dhcpd's words), and
    both once the bad statement is gone
  - an unmanaged statement dhcpd rejects: Out of date with dhcpd's words,
    the old file still live and dhcpd still serving; removed: OK
  - a statement dhcpd -t accepts but dhcpd cannot start on: Out of date
    with the agent's words, the old file live again and dhcpd running
  - the secondary's agent down: Unreachable; back: OK with the change
  - micetro-emu killed while a push is under way and started again: the
    push is made again once its claim expires, nothing lost, no temp file
  - RemoveDHCPScopesFromDHCPFailoverRelationship with Delete: no peer in
    either file, the secondary's failover subnet gone, Empty
  - a server not in the file: Out of date with "no agent secret ..."
    (not Unreachable: there is no agent at its address, and none is
    called); one whose entry is wrong (at the secondary's agent): Out of
    date, the agent's "invalid agent secret", nothing installed; a
    relationship between the two: Error, the state poll skips the first
    one's agent and records why

Exit 77 (skipped) when dhcpd, ip, a network namespace or zeep is missing.
Everything started here is stopped by pid before exit.
"""
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import agentlib  # noqa: E402
from e2elib import (FAILED, SKIP, add_veths, check, find_dhcpd, finish, in_netns,  # noqa: E402
                    rerun_in_netns, stop_all, wait_for)
from emutest import as_postgres, pg_bin  # noqa: E402

P_SECRET = "primary e2e secret, inner  spaces"
S_SECRET = "secondary-e2e-secret-0123456789"
# --agent-secrets: names in any case, with or without the dot; CRLF too
SECRETS = ("# micetro-emu e2e: a secret per agent\n\n"
           "P.E2E.Example %s\r\n"
           "  s.e2e.example.\t%s\n"
           "y.e2e.example wrong-secret\n" % (P_SECRET, S_SECRET))
PROCS = []
ROUNDS = int(os.environ.get("MICETRO_E2E_ROUNDS", "3"))



def outer(argv):
    if len(argv) != 3 or not all(os.access(a, os.X_OK) for a in argv[1:]):
        print("usage: test_worker.py PATH/TO/micetro-emu PATH/TO/micetro-dhcp-agent",
              file=sys.stderr)
        return 2
    try:
        import zeep  # noqa: F401
    except ImportError:
        print("SKIP: zeep missing")
        return SKIP
    return rerun_in_netns(argv[0], argv[1:], "IN_WORKER_NS")



def write(path, text):
    with open(path, "w", newline="") as f:
        f.write(text)
    os.chmod(path, 0o600)


def sql(d, query):
    """One SQL statement on micetro-emu's embedded cluster in d/var; its
    rows as lists of strings."""
    cmd = [pg_bin("psql"), "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1",
           "-d", "host=%s dbname=micetro user=micetro" % os.path.join(d, "var", "run"),
           "-c", query]
    r = subprocess.run(as_postgres(cmd), capture_output=True, text=True, timeout=30, cwd="/")
    if r.returncode:
        raise RuntimeError("psql: " + r.stderr)
    return [ln.split("|") for ln in r.stdout.splitlines() if ln]


class Agent:
    def __init__(self, binary, d, name, host, ifaces, dhcpd, secret):
        self.binary, self.d, self.name, self.host = binary, d, name, host
        self.ifaces, self.dhcpd, self.secret = ifaces, dhcpd, secret
        self.conf = os.path.join(d, name + ".conf")
        self.proc = None
        write(os.path.join(d, name + ".secret"), secret + "\n")

    def start(self):
        args = [self.binary, "--listen", "%s:8647" % self.host,
                "--dhcpd-conf", self.conf,
                "--lease-file", os.path.join(self.d, self.name + ".leases"),
                "--pid-file", os.path.join(self.d, self.name + ".pid"),
                "--dhcpd", self.dhcpd,
                "--secret-file", os.path.join(self.d, self.name + ".secret"),
                "--settle-ms", "300", "--stop-timeout-ms", "3000"]
        for i in self.ifaces:
            args += ["--interface", i]
        self.log = open(os.path.join(self.d, self.name + ".agent.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        PROCS.append(self.proc)
        return agentlib.wait_port(self.host, 8647, self.proc)

    def call(self, op, *fields, secret=None):
        return agentlib.call(self.host, 8647, op,
                             [("secret", secret or self.secret)] + list(fields))

    def text(self):
        try:
            with open(self.conf) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def state(self, name="fo"):
        r = self.call("GetFailoverState", ("name", name))
        return r.get("localState"), r.get("partnerState")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def inner(emu_bin, agent_bin):
    import zeep
    import zeep.exceptions
    if not add_veths(("vp", "vs", "10.99.0"), ("wp", "ws", "10.98.0")):
        return SKIP
    d = tempfile.mkdtemp(prefix="worker-e2e.")
    os.chmod(d, 0o755)  # the embedded PostgreSQL runs as postgres when root
    write(os.path.join(d, "secrets"), SECRETS)
    dhcpd = find_dhcpd()
    a = Agent(agent_bin, d, "p", "127.0.0.2", ["vp"], dhcpd, P_SECRET)
    b = Agent(agent_bin, d, "s", "127.0.0.3", ["vs", "ws"], dhcpd, S_SECRET)
    emu = None
    figures = {}
    try:
        if not (check(a.start(), "primary agent on 127.0.0.2") and
                check(b.start(), "secondary agent on 127.0.0.3")):
            return 1
        def start_emu(n):
            """micetro-emu run, its log in emu<n>.log; (process, URL)."""
            log_file = open(os.path.join(d, "emu%d.log" % n), "ab+")
            proc = subprocess.Popen(
                [emu_bin, "run", "--listen", "127.0.0.1:18080",
                 "--data-dir", os.path.join(d, "var"),
                 "--agent-secrets", os.path.join(d, "secrets"), "--worker-poll", "1",
                 "--state-poll", "1", "--backoff", "1,2", "--agent-timeout", "5",
                 "--worker-lease", "10"],
                stdout=subprocess.DEVNULL, stderr=log_file, cwd=d)
            PROCS.append(proc)

            def url():
                log_file.seek(0)
                for line in log_file.read().decode(errors="replace").splitlines():
                    if "listening on http" in line:
                        return line.split("listening on ")[1].strip()
                return None
            return proc, wait_for("micetro-emu to listen", url, 90)
        emu, u = start_emu(1)
        if not check(u is not None, "micetro-emu run is up (%s)" % u):
            return 1
        client = zeep.Client(u.replace("?Soap", "?wsdl"), settings=zeep.Settings(strict=True))
        svc = client.service
        s = svc.Login(server="localhost", loginName="administrator", password="administrator")

        def server_state(ref):
            srv = svc.GetDHCPServer(session=s, dhcpServerRef=ref)
            return srv.state, srv.stateMessage

        def rel_state(server="p.e2e.example."):
            return svc.GetDHCPFailoverRelationship(
                session=s, dhcpServerRef=server, dhcpFailoverRelationshipName="fo").state

        def both_normal():
            return (a.state() == ("Normal", "Normal") and b.state() == ("Normal", "Normal")
                    and rel_state() == "Normal")

        p = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="p.e2e.example.", type="ISC", address="127.0.0.2")).ref
        sec = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="s.e2e.example.", type="ISC", address="127.0.0.3")).ref
        # two dhcpd on one host: the secondary's OMAPI on a port of its own
        svc.SetProperties(session=s, ref=sec, properties=dict(property=[
            dict(name="omapiPort", value="7912")]))
        rng = svc.AddRange(session=s, range=dict(name="10.99.0.0/24"))
        own = svc.AddRange(session=s, range=dict(name="10.98.0.0/24"))
        sc = svc.AddDHCPScope(session=s, dhcpScope=dict(
            name="10.99.0.0/24", rangeRef=rng, dhcpServerRef=p))
        sc2 = svc.AddDHCPScope(session=s, dhcpScope=dict(
            name="10.98.0.0/24", rangeRef=own, dhcpServerRef=sec))
        for scope, base in ((sc, "10.99.0"), (sc2, "10.98.0")):
            pool = dict(dhcpScopeRef=scope, to=base + ".149")
            pool["from"] = base + ".100"
            svc.AddDHCPAddressPool(session=s, dhcpAddressPool=pool)
        check(wait_for("both OK", lambda: server_state(p)[0] == "OK"
                       and server_state(sec)[0] == "OK", 60) is not None,
              "both servers pushed: OK (%s, %s)" % (server_state(p), server_state(sec)))
        check("subnet 10.99.0.0" in a.text() and "subnet 10.98.0.0" in b.text()
              and "omapi-port 7912;" in b.text() and "omapi-port 7911;" in a.text(),
              "each file has its subnet and OMAPI port")
        check(a.call("Status")["running"] == "true" and b.call("Status")["running"] == "true",
              "both dhcpd running")
        refusals = []
        for ag, other in ((a, S_SECRET), (b, P_SECRET)):
            try:
                ag.call("Status", secret=other)
            except agentlib.Fault as exc:
                refusals.append(exc.text)
        check(refusals == ["invalid agent secret"] * 2,
              "each agent has its own secret, refusing the other's: %r" % refusals)

        svc.AddDHCPFailoverRelationship(session=s, dhcpFailoverRelationship=dict(
            name="fo", primaryServer="p.e2e.example.", secondaryServer="s.e2e.example.",
            failoverMode="LoadBalance", failoverServerType="PrimaryServer", mclt=30,
            safePeriod=0, dhcpScopeRefs=dict(ref=[]), percentage=50, maxResponseDelay=15))
        time.sleep(1.5)  # a worker round: nothing may appear
        check(rel_state() == "Empty", "relationship Empty")
        check("failover" not in a.text() and "failover" not in b.text(),
              "no failover statement in either file")

        times = []
        for rnd in range(ROUNDS):
            if rnd:
                svc.RemoveDHCPScopesFromDHCPFailoverRelationship(
                    session=s, dhcpServerRef=p, dhcpFailoverRelationshipName="fo",
                    dhcpScopeRefs=dict(ref=[sc]), dhcpFailoverRelationshipDeconfigureAction="Delete")
                wait_for("Empty again", lambda: rel_state() == "Empty"
                         and "failover" not in b.text(), 60)
            svc.AddDHCPScopesToDHCPFailoverRelationship(
                session=s, dhcpServerRef=p, dhcpFailoverRelationshipName="fo",
                dhcpScopeRefs=dict(ref=[sc]))
            t = time.monotonic()
            ok = wait_for("both normal", both_normal, 60, step=0.02)
            if ok:
                times.append(time.monotonic() - t)
            check(ok is not None, "round %d: both dhcpd Normal, relationship Normal (%.3f s)"
                  % (rnd + 1, times[-1] if ok else -1))
        if times:
            figures["AddScopes answer to both normal, median of %d" % len(times)] = \
                "%.3f s (min %.3f, max %.3f)" % (statistics.median(times), min(times), max(times))
        check('failover peer "fo"' in a.text() and "primary;" in a.text()
              and 'failover peer "fo"' in b.text() and "secondary;" in b.text()
              and "subnet 10.99.0.0" in b.text(), "both files declare the peer; the secondary "
              "has the subnet")

        # the secondary's dhcpd dies, then comes back
        dpid = int(b.call("Status")["pid"])
        os.kill(dpid, signal.SIGTERM)
        check(wait_for("CommunicationsInterrupted",
                       lambda: rel_state() == "CommunicationsInterrupted", 30) is not None,
              "secondary's dhcpd killed: CommunicationsInterrupted")
        pools = [x for x in svc.GetDHCPAddressPools(session=s).dhcpAddressPools.dhcpAddressPool
                 if x.failoverRelationship == "fo"]
        check(len(pools) == 2 and {x.failoverState for x in pools}
              == {"CommunicationsInterrupted"}, "the pools of both instances show it (%s)"
              % [(x.dhcpScopeRef, x.failoverState) for x in pools])
        live = b.call("GetConfig")["config"]
        b.call("PutConfig", ("config", live))
        check(wait_for("Normal", both_normal, 60) is not None, "started again: Normal")

        # Modify: the primary's file changes, the pair is normal again
        r = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=p,
                                            dhcpFailoverRelationshipName="fo")
        r.mclt = 45
        svc.ModifyDHCPFailoverRelationship(session=s, dhcpFailoverRelationship=r)
        check(wait_for("mclt 45", lambda: "mclt 45;" in a.text(), 60) is not None,
              "Modify mclt: the primary's file says mclt 45")
        check("mclt" not in b.text(), "the secondary's file has no mclt")
        check(wait_for("Normal", both_normal, 60) is not None, "Normal again after Modify")

        # a failover pair's files are checked before either goes in: with a
        # statement the secondary's dhcpd rejects, a Modify reaches neither
        svc.SetProperties(session=s, ref=sec, properties=dict(property=[
            dict(name="unmanagedStatements", value="option no-such-option 2;")]))
        wait_for("secondary Out of date", lambda: server_state(sec)[0] == "Out of date", 60)
        before = a.text()
        r = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=p,
                                            dhcpFailoverRelationshipName="fo")
        r.mclt = 60
        svc.ModifyDHCPFailoverRelationship(session=s, dhcpFailoverRelationship=r)
        st = wait_for("primary held back", lambda: "partner" in (server_state(p)[1] or "")
                      and server_state(p), 60)
        check(st is not None and st[0] == "Out of date" and a.text() == before
              and "mclt 60;" not in a.text(),
              "the partner's file refused: the primary's new file not installed: %r" % (st,))
        r = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=p,
                                            dhcpFailoverRelationshipName="fo")
        check(r.state == "Error" and "s.e2e.example.: " in (r.stateMessage or "")
              and "no-such-option" in (r.stateMessage or ""),
              "relationship Error while a push fails, stateMessage says why (%r)"
              % (r.stateMessage,))
        svc.SetProperties(session=s, ref=sec, properties=dict(property=[
            dict(name="unmanagedStatements", value="")]))
        check(wait_for("both in", lambda: "mclt 60;" in a.text()
                       and server_state(p)[0] == "OK" and server_state(sec)[0] == "OK", 60)
              is not None, "statement removed: both files installed, mclt 60")
        check(wait_for("Normal", both_normal, 60) is not None, "Normal again")

        # a statement dhcpd rejects
        before = a.text()
        apid = a.call("Status")["pid"]
        svc.SetProperties(session=s, ref=p, properties=dict(property=[
            dict(name="unmanagedStatements", value="option no-such-option 1;")]))
        st = wait_for("Out of date", lambda: server_state(p)[0] == "Out of date"
                      and server_state(p), 60)
        check(st is not None and "no-such-option" in (st[1] or ""),
              "rejected statement: Out of date with dhcpd's words: %r" % (st,))
        props = {x.name: x.value for x in svc.GetProperties(session=s, ref=p)}
        check("no-such-option" in (props.get("stateMessage") or ""),
              "the reason also as the read-only property stateMessage (any profile)")
        check(a.text() == before and a.call("Status")["pid"] == apid
              and a.call("Status")["running"] == "true",
              "the old file still live, the same dhcpd still serving")
        svc.SetProperties(session=s, ref=p, properties=dict(property=[
            dict(name="unmanagedStatements", value="")]))
        check(wait_for("OK", lambda: server_state(p)[0] == "OK", 60) is not None,
              "statement removed: OK")

        # a file dhcpd -t accepts but dhcpd does not start on (it cannot
        # bind an address the host lacks): the agent puts the old file back
        before = a.text()
        svc.SetProperties(session=s, ref=p, properties=dict(property=[
            dict(name="unmanagedStatements", value="local-address 192.0.2.77;")]))
        st = wait_for("Out of date", lambda: server_state(p)[0] == "Out of date"
                      and server_state(p), 60)
        check(st is not None and "previous one is back" in (st[1] or "")
              and "Can't bind to dhcp address" in (st[1] or ""),
              "dhcpd does not start on the file: Out of date, the agent's words: %r" % (st,))
        check(a.text() == before and a.call("Status")["running"] == "true",
              "the old file is live again and dhcpd runs on it")
        svc.SetProperties(session=s, ref=p, properties=dict(property=[
            dict(name="unmanagedStatements", value="")]))
        check(wait_for("OK", lambda: server_state(p)[0] == "OK", 60) is not None
              and "local-address" not in a.text(), "statement removed: OK")
        check(wait_for("Normal", both_normal, 60) is not None, "Normal again")

        # the secondary's agent down, a change meanwhile, the agent back
        b.stop()
        svc.SetProperties(session=s, ref=sc2, properties=dict(property=[
            dict(name="unmanagedStatements", value="default-lease-time 777;")]))
        st = wait_for("Unreachable", lambda: server_state(sec)[0] == "Unreachable", 60)
        check(st is not None, "agent down: Unreachable (%s)" % (server_state(sec),))
        b.start()
        check(wait_for("OK", lambda: server_state(sec)[0] == "OK", 60) is not None
              and "default-lease-time 777;" in b.text(),
              "agent back: OK, with the change made meanwhile")
        check(wait_for("Normal", both_normal, 60) is not None, "Normal again")

        # micetro-emu killed in the middle of a push: nothing is lost
        svc.SetProperties(session=s, ref=sc, properties=dict(property=[
            dict(name="unmanagedStatements", value="default-lease-time 888;")]))
        st = wait_for("Updating", lambda: server_state(p)[0] == "Updating", 30, step=0.002)
        emu.kill()
        emu.wait()
        check(st is not None, "micetro-emu killed (SIGKILL) while the push was under way")
        emu, u2 = start_emu(2)
        check(u2 == u, "micetro-emu restarted on the same data directory")
        check(wait_for("OK after the restart", lambda: server_state(p)[0] == "OK"
                       and "default-lease-time 888;" in a.text(), 60) is not None,
              "after the restart the push is done again: OK, the change in the file")
        check(not [f for f in os.listdir(d) if ".agent-tmp." in f], "no temp file left")
        check(wait_for("Normal", both_normal, 60) is not None, "Normal again")

        # the last scope leaves with Delete
        svc.RemoveDHCPScopesFromDHCPFailoverRelationship(
            session=s, dhcpServerRef=p, dhcpFailoverRelationshipName="fo",
            dhcpScopeRefs=dict(ref=[sc]), dhcpFailoverRelationshipDeconfigureAction="Delete")
        check(wait_for("no peer", lambda: "failover" not in a.text()
                       and "failover" not in b.text() and "subnet 10.99.0.0" not in b.text(),
                       60) is not None,
              "RemoveScopes Delete: no peer in either file, the secondary's subnet gone")
        check(rel_state() == "Empty", "relationship Empty")
        check(wait_for("both OK", lambda: server_state(p)[0] == "OK"
                       and server_state(sec)[0] == "OK", 60) is not None,
              "both servers OK (%s, %s)" % (server_state(p), server_state(sec)))

        # a server without a secret (no agent at its address: the worker
        # must not even try), and one whose secret is wrong, at the
        # secondary's agent: no file may change
        live = [(ag.text(), ag.call("Status")["hash"]) for ag in (a, b)]
        x = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="x.e2e.example.", type="ISC", address="127.0.0.4")).ref
        y = svc.AddDHCPServer(session=s, dhcpServer=dict(
            name="y.e2e.example.", type="ISC", address="127.0.0.3")).ref
        no_secret = ('no agent secret for DHCP server "x.e2e.example." '
                     '(--agent-secrets or --agent-secret-file)')
        st = wait_for("x Out of date", lambda: server_state(x)[0] == "Out of date"
                      and server_state(x), 30)
        check(st == ("Out of date", no_secret),
              "a server not in --agent-secrets: Out of date, why: %r" % (st,))
        st = wait_for("y Out of date", lambda: server_state(y)[0] == "Out of date"
                      and server_state(y), 30)
        check(st == ("Out of date", "agent 127.0.0.3:8647 refused the configuration: "
                     "invalid agent secret"),
              "a wrong secret: the agent refuses it, Out of date: %r" % (st,))
        rngx = svc.AddRange(session=s, range=dict(name="10.97.0.0/24"))
        scx = svc.AddDHCPScope(session=s, dhcpScope=dict(
            name="10.97.0.0/24", rangeRef=rngx, dhcpServerRef=x))
        pool = dict(dhcpScopeRef=scx, to="10.97.0.149")
        pool["from"] = "10.97.0.100"
        svc.AddDHCPAddressPool(session=s, dhcpAddressPool=pool)
        svc.AddDHCPFailoverRelationship(session=s, dhcpFailoverRelationship=dict(
            name="fo2", primaryServer="x.e2e.example.", secondaryServer="y.e2e.example.",
            failoverMode="LoadBalance", failoverServerType="PrimaryServer", mclt=30,
            safePeriod=0, dhcpScopeRefs=dict(ref=[scx]), percentage=50, maxResponseDelay=15))
        polled = wait_for("fo2 polled", lambda: sql(
            d, "SELECT state_error, coalesce(primary_state, 'null'), "
               "coalesce(secondary_state, 'null') FROM dhcp_failover "
               "WHERE name = 'fo2' AND state_read IS NOT NULL"), 30)
        check(polled == [[no_secret, "null", "null"]],
              "the state poll skips the agent without a secret and says why: %r" % (polled,))
        check(svc.GetDHCPFailoverRelationship(
            session=s, dhcpServerRef=x, dhcpFailoverRelationshipName="fo2").state == "Error",
              "their relationship: Error")
        check(server_state(x) == ("Out of date", no_secret)
              and server_state(y)[0] == "Out of date", "both still Out of date")
        check([(ag.text(), ag.call("Status")["hash"]) for ag in (a, b)] == live,
              "nothing pushed: both agents' files unchanged")
        svc.Logout(session=s)
    finally:
        stop_all(emu, (a, b), PROCS)
        rc = finish(d, FAILED, ("emu1.log", "emu2.log", "p.agent.log", "s.agent.log"))
    for k, v in figures.items():
        print("figure: %s: %s" % (k, v))
    return rc


if __name__ == "__main__":
    if in_netns("IN_WORKER_NS"):
        sys.exit(inner(sys.argv[1], sys.argv[2]))
    sys.exit(outer(sys.argv))
