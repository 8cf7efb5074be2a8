# SPDX-License-Identifier: GPL-2.0-or-later
"""Tests of the failover script (dhcp_failover.py) against micetro-emu:
what it sends, how it survives Micetro's faults, and whether it notices a
failover incident.  Every test starts from the "baseline" snapshot: the
two DHCP servers of baseline-seed.json and nothing else."""

import pytest
import zeep.exceptions

import dhcp_failover

PRIMARY = ("dhcp-a.example.", "192.0.2.10")
SECONDARY = ("dhcp-b.example.", "192.0.2.11")
REL = "site-a"
CIDR = "10.20.0.0/24"
POOL = ("10.20.0.50", "10.20.0.200")


def build_failover(mm):
    return dhcp_failover.ensure_failover(mm, REL, PRIMARY, SECONDARY, CIDR, POOL)


def test_starts_from_the_baseline(mm):
    servers = mm.call("GetDHCPServers").dhcpServers.dhcpServer
    assert sorted(s.name for s in servers) == [PRIMARY[0], SECONDARY[0]]
    assert mm.call("GetDHCPFailoverRelationships") in (None, [])
    assert dhcp_failover.failover_alerts(mm) == []


def test_setup_reaches_normal(mm, ctl):
    rel = build_failover(mm)
    assert rel.name == REL and rel.failoverMode == "LoadBalance"
    assert len(rel.dhcpScopeRefs.ref) == 1
    # the simulated servers install both files and come to Normal
    ctl.wait_for("Normal", lambda: dhcp_failover.failover_alerts(mm) == [] and
                 mm.call("GetDHCPFailoverRelationships")[0].state == "Normal")
    conf = ctl("GET", "servers/%s/config" % PRIMARY[0])["config"]
    assert 'failover peer "%s"' % REL in conf
    assert "subnet 10.20.0.0 netmask 255.255.255.0" in conf


def test_what_the_script_sends(mm, ctl):
    build_failover(mm)
    adds = ctl.journal("AddDHCPFailoverRelationship")
    assert len(adds) == 1
    sent = adds[0]["arguments"]["dhcpFailoverRelationship"]
    assert sent["name"] == REL
    assert sent["failoverMode"] == "LoadBalance"
    assert sent["primaryServer"] == PRIMARY[0]
    assert adds[0]["fault"] is None and adds[0]["login"] == "administrator"
    joined = ctl.journal("AddDHCPScopesToDHCPFailoverRelationship")
    assert len(joined) == 1
    # the password never shows in the journal
    logins = ctl.journal("Login")
    assert logins and all(r["arguments"]["password"] == "***" for r in logins)


def test_rerun_changes_nothing(mm, ctl):
    build_failover(mm)
    ctl("DELETE", "requests")
    build_failover(mm)
    ops = [r["operation"] for r in ctl.journal()]
    assert ops and not [op for op in ops if op.startswith(("Add", "Set", "Remove"))], ops


def test_survives_an_expired_session(mm, ctl):
    ctl("POST", "faults", {"preset": "invalid-session", "operation": "GetDHCPServers",
                           "times": 1})
    rel = build_failover(mm)
    assert rel.name == REL
    assert mm.relogins == 1
    faulted = [r for r in ctl.journal("GetDHCPServers") if r["fault"]]
    assert len(faulted) == 1 and "Invalid or expired session" in faulted[0]["fault"]
    assert ctl("GET", "faults")["faults"] == []  # used up


def test_a_server_fault_stops_the_script(mm, ctl):
    ctl("POST", "faults", {"operation": "AddDHCPScope",
                           "fault": {"code": 12, "text": "Netobject handler not running"}})
    with pytest.raises(zeep.exceptions.Fault) as e:
        build_failover(mm)
    assert "Netobject handler not running" in e.value.message
    # nothing was half done: the relationship is there, no scope in it
    rel = mm.call("GetDHCPFailoverRelationships")[0]
    assert rel.dhcpScopeRefs is None or list(rel.dhcpScopeRefs.ref) == []


def test_notices_partner_down(mm, ctl):
    build_failover(mm)
    ctl.wait_for("Normal", lambda: mm.call("GetDHCPFailoverRelationships")[0].state == "Normal")
    ctl("POST", "servers/%s/failover-state" % PRIMARY[0],
        {"relationship": REL, "state": "PartnerDown"})
    assert dhcp_failover.failover_alerts(mm) == [(REL, "PartnerDown")]


def test_notices_an_incident_as_it_unfolds(mm, ctl):
    build_failover(mm)
    ctl.wait_for("Normal", lambda: mm.call("GetDHCPFailoverRelationships")[0].state == "Normal")
    ctl("POST", "servers/%s/failover-state" % PRIMARY[0],
        {"relationship": REL, "sequence": [
            {"state": "CommunicationsInterrupted", "afterMs": 0},
            {"state": "PartnerDown", "afterMs": 1000},
            {"state": "Normal", "afterMs": 2000}]})
    seen = []

    def watch():
        alerts = dhcp_failover.failover_alerts(mm)
        state = alerts[0][1] if alerts else "Normal"
        if not seen or seen[-1] != state:
            seen.append(state)
        return state == "Normal" and len(seen) > 1

    ctl.wait_for("the incident to end", watch, timeout=10)
    # each state lasts a second: a reader polling every 0.1 s sees them all
    assert seen == ["CommunicationsInterrupted", "PartnerDown", "Normal"]
