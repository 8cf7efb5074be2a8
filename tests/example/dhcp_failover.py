# SPDX-License-Identifier: GPL-2.0-or-later
"""The automation under test: a small Micetro failover script, written as
a site would write it against any Micetro (nothing in it knows about the
emulator).

- Micetro: a zeep client that logs in, and logs in again once when a call
  answers "Invalid or expired session" (Micetro ends idle sessions).
- ensure_failover: two DHCP servers in a load-balancing relationship with
  one scope on each, idempotent (run it twice, nothing changes).
- failover_alerts: the relationships that are not Normal, as a monitoring
  job reports them.
"""

import zeep
import zeep.exceptions

SESSION_EXPIRED = "Invalid or expired session"


class Micetro:
    def __init__(self, wsdl_url, user, password, server="localhost"):
        self.client = zeep.Client(wsdl_url)
        self.user, self.password, self.server = user, password, server
        self.session = None
        self.relogins = 0

    def login(self):
        self.session = self.client.service.Login(
            server=self.server, loginName=self.user, password=self.password)

    def call(self, op, **kw):
        if self.session is None:
            self.login()
        try:
            return getattr(self.client.service, op)(session=self.session, **kw)
        except zeep.exceptions.Fault as f:
            if SESSION_EXPIRED not in (f.message or ""):
                raise
            self.relogins += 1
            self.login()
            return getattr(self.client.service, op)(session=self.session, **kw)

    def logout(self):
        if self.session is not None:
            self.client.service.Logout(session=self.session)
            self.session = None


def _find_server(mm, name):
    r = mm.call("GetDHCPServers", filter="name:^%s$" % name.replace(".", r"\."))
    servers = r.dhcpServers.dhcpServer if r.dhcpServers else []
    return servers[0].ref if servers else None


def _ensure_server(mm, name, address):
    ref = _find_server(mm, name)
    if ref is None:
        ref = mm.call("AddDHCPServer",
                      dhcpServer=dict(name=name, type="ISC", address=address)).ref
    return ref


def _ensure_scope(mm, server_ref, cidr, pool):
    scopes = mm.call("GetDHCPScopes", filter="dhcpServerRef=%s" % server_ref)
    for s in (scopes.dhcpScopes.dhcpScope if scopes.dhcpScopes else []):
        if s.name == cidr:
            return s.ref
    ranges = mm.call("GetRanges", filter="name:^%s$" % cidr.replace(".", r"\."))
    found = ranges.ranges.range if ranges.ranges else []
    rng = found[0].ref if found else mm.call("AddRange", range=dict(name=cidr))
    scope = mm.call("AddDHCPScope", dhcpScope=dict(
        name=cidr, rangeRef=rng, dhcpServerRef=server_ref))
    p = {"dhcpScopeRef": scope, "from": pool[0], "to": pool[1]}
    mm.call("AddDHCPAddressPool", dhcpAddressPool=p)
    return scope


def ensure_failover(mm, name, primary, secondary, cidr, pool):
    """primary and secondary are (name, address); pool (first, last).
    Returns the relationship as GetDHCPFailoverRelationship reads it."""
    p_ref = _ensure_server(mm, *primary)
    s_ref = _ensure_server(mm, *secondary)
    rels = mm.call("GetDHCPFailoverRelationships", dhcpServerRef=p_ref) or []
    if not any(r.name == name for r in rels):
        mm.call("AddDHCPFailoverRelationship", dhcpFailoverRelationship=dict(
            name=name, primaryServer=primary[0], secondaryServer=secondary[0],
            failoverMode="LoadBalance", failoverServerType="PrimaryServer",
            mclt=3600, safePeriod=0, percentage=50, dhcpScopeRefs=dict(ref=[])))
    scope = _ensure_scope(mm, p_ref, cidr, pool)
    rel = mm.call("GetDHCPFailoverRelationship", dhcpServerRef=p_ref,
                  dhcpFailoverRelationshipName=name)
    members = list(rel.dhcpScopeRefs.ref) if rel.dhcpScopeRefs else []
    if scope not in members:
        mm.call("AddDHCPScopesToDHCPFailoverRelationship", dhcpServerRef=p_ref,
                dhcpFailoverRelationshipName=name, dhcpScopeRefs=dict(ref=[scope]))
    return mm.call("GetDHCPFailoverRelationship", dhcpServerRef=p_ref,
                   dhcpFailoverRelationshipName=name)


def failover_alerts(mm):
    """[(relationship, state)] for every relationship that is not Normal."""
    alerts = []
    for r in mm.call("GetDHCPFailoverRelationships") or []:
        if r.state != "Normal":
            alerts.append((r.name, r.state))
    return alerts
