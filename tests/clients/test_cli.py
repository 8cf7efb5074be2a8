# SPDX-License-Identifier: GPL-2.0-or-later
"""micetro-cli under pytest against the server of MICETRO_URL (started by
run_with_emu.py): the failover lifecycle in SOAP 1.1 and 1.2 with every
answer checked (--json), the session file (mode 0600, refused when open
to others, renewed after "Invalid or expired session"), the exit status
of a fault, a transport error and bad usage, --help of every command and
the bash completion.  MICETRO_CLI_BIN: the binary."""

import json
import os
import socket
import stat
import subprocess
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLI = os.environ.get("MICETRO_CLI_BIN") or os.path.join(REPO, "build", "bin", "micetro-cli")
URL = os.environ.get("MICETRO_URL")
PASSWORD = os.environ.get("MICETRO_PASSWORD", "administrator")

pytestmark = pytest.mark.skipif(not URL, reason="MICETRO_URL not set (run through run_with_emu.py)")


@pytest.fixture
def cli(tmp_path):
    """cli(*args, password=True, rc=0) -> stdout (JSON decoded when --json)."""
    session = tmp_path / "session"
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD + "\n")

    def run(*args, password=True, rc=0, stdin=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MICETRO_")}
        env["MICETRO_URL"] = URL
        cmd = [CLI, "--session-file", str(session)]
        if password:
            cmd += ["--password-file", str(pw)]
        p = subprocess.run(cmd + list(args), env=env, capture_output=True, text=True,
                           timeout=60, input=stdin)
        assert p.returncode == rc, (args, p.returncode, p.stdout, p.stderr)
        run.stderr = p.stderr
        if "--json" in args and rc == 0 and p.stdout:
            return json.loads(p.stdout)
        return p.stdout

    run.session = session
    return run


@pytest.mark.parametrize("soap12", [False, True], ids=["soap11", "soap12"])
def test_lifecycle(cli, soap12):
    t0 = time.monotonic()
    v = ["--soap12"] if soap12 else []
    j = v + ["--json"]
    tag, octet = ("cli12", 93) if soap12 else ("cli11", 92)
    s1, s2 = "%s-a.example." % tag, "%s-b.example." % tag
    net = "10.%d.1.0/24" % octet
    assert cli(*v, "login") == ""
    ref1 = cli(*j, "servers", "add", s1, "--address", "10.%d.0.1" % octet)["ref"]
    ref2 = cli(*v, "servers", "add", s2, "--address", "10.%d.0.2" % octet).strip()
    assert ref1.startswith("{#3-#") and ref2.startswith("{#3-#") and ref1 != ref2
    srv = cli(*j, "servers", "get", s1)
    assert (srv["ref"], srv["name"], srv["type"], srv["enabled"]) == (ref1, s1, "ISC", True)
    rng = cli(*j, "ranges", "add", net)["ref"]
    scope = cli(*j, "scopes", "add", "--range", net, "--server", s1)["ref"]
    assert scope.startswith("{#7-#")
    pool = cli(*j, "pools", "add", "--scope", scope, "--from", "10.%d.1.10" % octet,
               "--to", "10.%d.1.100" % octet)["ref"]
    assert pool.startswith("{#10-#")
    name = "%s-failover" % tag
    assert cli(*j, "failover", "add", name, "--primary", s1, "--secondary", s2,
               "--mclt", "1800", "--percentage", "60") == {}
    assert cli(*v, "failover", "add-scopes", s1, name, scope) == ""
    rel = cli(*j, "failover", "get", s1, name)
    for k, want in (("name", name), ("primaryServer", s1), ("secondaryServer", s2),
                    ("failoverMode", "LoadBalance"), ("failoverServerType", "PrimaryServer"),
                    ("mclt", 1800), ("percentage", 60), ("dhcpScopeRefs", [scope]),
                    ("dhcpServerRef", ref1), ("port", 647)):
        assert rel[k] == want, (k, rel[k], want)
    assert isinstance(rel["state"], str) and rel["state"]
    other = cli(*j, "failover", "get", s2, name)
    assert other["failoverServerType"] == "SecondaryServer" and len(other["dhcpScopeRefs"]) == 1
    # modify: what is given changes, the rest stays
    assert cli(*v, "failover", "modify", s1, name, "--mclt", "900", "--mode", "HotStandby") == ""
    rel = cli(*j, "failover", "get", s2, name)
    assert (rel["mclt"], rel["failoverMode"], rel["percentage"]) == (900, "HotStandby", 60)
    listed = cli(*j, "failover", "list", "--server", s1)["dhcpFailoverRelationships"]
    assert [r["name"] for r in listed] == [name]
    text = cli(*v, "failover", "list", "--server", s1).splitlines()
    assert text[0].split()[:3] == ["name", "primaryServer", "secondaryServer"]
    assert text[1].split()[:3] == [name, s1, s2] and len(text) == 2
    pools = cli(*j, "pools", "list", "--scope", scope)
    assert pools["totalResults"] == 1
    assert pools["dhcpAddressPools"][0]["failoverRelationship"] == name
    scopes = cli(*j, "scopes", "list", "--filter", "dhcpServerRef:%s" % ref2)
    assert scopes["totalResults"] == 1 and scopes["dhcpScopes"][0]["failoverRelationship"] == name
    assert cli(*v, "failover", "replicate", s1, name) == ""
    assert cli(*v, "failover", "remove-scopes", s1, name, scope, "--deconfigure", "Delete") == ""
    assert cli(*j, "failover", "get", s1, name)["dhcpScopeRefs"] == []
    assert cli(*j, "scopes", "list", "--filter", "dhcpServerRef:%s" % ref2)["totalResults"] == 0
    assert cli(*v, "failover", "remove", s1, name) == ""
    cli(*v, "failover", "get", s1, name, rc=1)
    assert "does not exist" in cli.stderr
    assert cli(*j, "servers", "set", s1, "enabled=false") == {}
    assert cli(*j, "servers", "get", ref1)["enabled"] is False
    for ref in (ref1, ref2):
        cli(*v, "servers", "remove", ref, "--force")
    cli(*v, "ranges", "remove", rng)
    assert cli(*j, "servers", "list", "--filter", "name:^%s-" % tag)["totalResults"] == 0
    assert cli(*v, "logout") == ""
    assert not cli.session.exists()
    print("\nTIME micetro-cli SOAP %s: %.2f s" % ("1.2" if soap12 else "1.1", time.monotonic() - t0))


def test_session_file(cli):
    cli("login")
    st = os.stat(cli.session)
    assert stat.S_IMODE(st.st_mode) == 0o600
    first = cli.session.read_text()
    # the URL, the user and the session: no password
    assert [line.split(" ", 1)[0] for line in first.splitlines()] == ["url", "user", "session"]
    assert URL in first
    # the session is used without a password
    cli("servers", "list", password=False)
    # a session the server no longer knows: renewed, and the call answered
    dead = "".join(line if not line.startswith("session ") else "session AAAAAAAAAAAAAAAAAAAA\n"
                   for line in first.splitlines(True))
    cli.session.write_text(dead)
    cli("servers", "list")
    renewed = cli.session.read_text()
    assert renewed != dead and "AAAAAAAAAAAAAAAAAAAA" not in renewed
    assert stat.S_IMODE(os.stat(cli.session).st_mode) == 0o600
    # without a password the fault stands: exit 1, its text on stderr
    cli.session.write_text(dead)
    cli("servers", "list", password=False, rc=1)
    assert "Invalid or expired session" in cli.stderr
    # a file open to others is refused, and left alone
    os.chmod(cli.session, 0o644)
    cli("servers", "list", rc=4)
    assert "0600" in cli.stderr and cli.session.read_text() == dead
    os.unlink(cli.session)
    # no session and no password: say so
    cli("servers", "list", password=False, rc=4)
    assert "not logged in" in cli.stderr
    # the password from standard input
    cli("--password-file", "-", "login", password=False, stdin=PASSWORD + "\n")
    cli("--password-file", "-", "login", password=False, stdin="wrong\n", rc=1)
    assert "Invalid username or password." in cli.stderr


def test_exit_status(cli):
    cli("servers", "get", "no-such-server.example.", rc=1)
    assert 'DHCP server "no-such-server.example." does not exist' in cli.stderr
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli("--url", "http://127.0.0.1:%d" % port, "servers", "list", rc=3)
    assert "127.0.0.1:%d" % port in cli.stderr
    cli("--url", URL.split("/_mmwebext")[0] + "/nothing/here", "login", rc=3)
    cli("servers", "lst", rc=2)
    cli("nothing", rc=2)
    cli("pools", "add", "--from", "10.0.0.1", rc=2)
    assert "--scope, --from and --to are required" in cli.stderr
    cli("servers", "list", "--limit", "x", rc=2)
    cli("failover", "add", "x", "--primary", "a", "--secondary", "b", "--percentage", "101", rc=2)
    cli("failover", "remove", "a", "b", "c", rc=2)
    cli("--url", "ftp://x", "login", rc=2)
    cli("--timeout", rc=2)


def test_help(cli):
    lines = cli("--list-commands").splitlines()
    assert len(lines) == 30
    for line in lines:
        group, verb = line.split()[:2]
        words = [group] if verb == "-" else [group, verb]
        out = cli(*words, "--help", password=False)
        assert out.startswith("usage: micetro-cli %s" % " ".join(words)), out
        for opt in line.split()[2:]:
            assert opt in out, (words, opt)
    assert "failover list|get|add|modify|remove|add-scopes|remove-scopes|replicate" in cli("--help")


def test_bash_completion():
    script = os.path.join(REPO, "clients", "cli", "micetro-cli.bash-completion")

    def complete(*words):
        cmd = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
               '_micetro_cli; printf "%s\\n" "${COMPREPLY[@]}"')
        env = dict(os.environ, PATH=os.path.dirname(CLI) + ":" + os.environ["PATH"])
        p = subprocess.run(["bash", "-c", cmd, "bash", script, "micetro-cli"] + list(words),
                           capture_output=True, text=True, env=env, check=True)
        return p.stdout.split()

    assert complete("fail") == ["failover"]
    assert complete("--json", "failover", "re") == ["remove", "remove-scopes", "replicate"]
    assert complete("failover", "remove-scopes", "a", "--d") == ["--deconfigure"]
    assert complete("--url", "http://x", "pools", "list", "--s") == ["--scope", "--sort-by"]
    assert complete("--js") == ["--json"]
