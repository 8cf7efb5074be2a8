#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A complete ISC DHCP failover set-up through Micetro's SOAP API with zeep
(Debian's python3-zeep): two servers, a range and its scope with a pool, a
relationship, the scope added, the state read, then everything removed.
Every answer is checked; a mismatch raises.

    zeep_failover.py [SOAP-URL]        (default $MICETRO_URL)
    MICETRO_USER, MICETRO_PASSWORD     credentials (administrator)
    MICETRO_SOAP=1.2                   SOAP 1.2 (ServiceSoap12)

The WSDL comes from the server; calls pass their arguments by keyword, and
a fault "Invalid or expired session" logs in again and repeats the call.
"""

import os
import sys
import time

import zeep
import zeep.exceptions

EXPIRED = "Invalid or expired session"


def wsdl_url(url):
    return url.split("?", 1)[0] + "?wsdl"


class Micetro:
    """A session with re-login: m.call("GetDHCPServer", dhcpServerRef=...)."""

    def __init__(self, url, user, password, soap12=False):
        self.client = zeep.Client(wsdl_url(url), settings=zeep.Settings(strict=True))
        binding = "ServiceSoap12" if soap12 else "ServiceSoap"
        self.service = self.client.bind("Service", binding)
        self.user, self.password = user, password
        self.session = None
        self.logins = 0
        self.login()

    def login(self):
        self.session = self.service.Login(server="localhost", loginName=self.user,
                                          password=self.password)
        self.logins += 1
        return self.session

    def call(self, op, **kw):
        try:
            return getattr(self.service, op)(session=self.session, **kw)
        except zeep.exceptions.Fault as e:
            if EXPIRED not in (e.message or ""):
                raise
            self.login()
            return getattr(self.service, op)(session=self.session, **kw)

    def logout(self):
        self.service.Logout(session=self.session)


def ref_of(answer):
    """An Add's ref: zeep gives the ref alone, or the answer when it holds
    more (AddDHCPServer's warning)."""
    return answer if isinstance(answer, str) else answer.ref


def check(what, got, want):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def lifecycle(url, user="administrator", password="administrator", soap12=False,
              tag="zeep", octet=71):
    """Runs the whole failover set-up and its removal; returns the seconds
    it took."""
    t0 = time.monotonic()
    m = Micetro(url, user, password, soap12)
    check("session", len(m.session), 20)
    s1, s2 = "%s-a.example." % tag, "%s-b.example." % tag
    net = "10.%d.1.0/24" % octet
    ref1 = ref_of(m.call("AddDHCPServer", dhcpServer={
        "name": s1, "type": "ISC", "address": "10.%d.0.1" % octet}))
    ref2 = ref_of(m.call("AddDHCPServer", dhcpServer={
        "name": s2, "type": "ISC", "address": "10.%d.0.2" % octet}))
    check("server refs differ", ref1 != ref2 and ref1.startswith("{#3-#"), True)
    srv = m.call("GetDHCPServer", dhcpServerRef=ref1)
    check("server name", srv.name, s1)
    check("server type", srv.type, "ISC")
    rng = ref_of(m.call("AddRange", range={"name": net}))
    scope = ref_of(m.call("AddDHCPScope", dhcpScope={
        "name": net, "rangeRef": rng, "dhcpServerRef": ref1}))
    check("scope ref", scope.startswith("{#7-#"), True)
    pool = ref_of(m.call("AddDHCPAddressPool", dhcpAddressPool={
        "from": "10.%d.1.10" % octet, "to": "10.%d.1.100" % octet, "dhcpScopeRef": scope}))
    check("pool ref", pool.startswith("{#10-#"), True)
    name = "%s-failover" % tag
    check("add relationship", m.call("AddDHCPFailoverRelationship", dhcpFailoverRelationship={
        "name": name, "primaryServer": s1, "secondaryServer": s2,
        "failoverMode": "LoadBalance", "failoverServerType": "PrimaryServer",
        "mclt": 3600, "safePeriod": 0, "dhcpScopeRefs": None, "percentage": 50}), None)
    check("add scope", m.call("AddDHCPScopesToDHCPFailoverRelationship", dhcpServerRef=ref1,
                              dhcpFailoverRelationshipName=name,
                              dhcpScopeRefs={"ref": [scope]}), None)
    # the state, from either server
    rel = m.call("GetDHCPFailoverRelationship", dhcpServerRef=s1,
                 dhcpFailoverRelationshipName=name)
    check("name", rel.name, name)
    check("primary", rel.primaryServer, s1)
    check("secondary", rel.secondaryServer, s2)
    check("mode", rel.failoverMode, "LoadBalance")
    check("role", rel.failoverServerType, "PrimaryServer")
    check("mclt", rel.mclt, 3600)
    check("percentage", rel.percentage, 50)
    check("members", list(rel.dhcpScopeRefs.ref), [scope])
    state = getattr(rel, "state", None)  # Micetro 11: a state; 2017: none
    check("state", state is None or (isinstance(state, str) and state != ""), True)
    other = m.call("GetDHCPFailoverRelationship", dhcpServerRef=s2,
                   dhcpFailoverRelationshipName=name)
    check("partner role", other.failoverServerType, "SecondaryServer")
    check("partner members", len(other.dhcpScopeRefs.ref), 1)
    pools = m.call("GetDHCPAddressPools", dhcpScopeRef=scope)
    check("pools", pools.totalResults, 1)
    check("pool of the relationship",
          getattr(pools.dhcpAddressPools.dhcpAddressPool[0], "failoverRelationship", name), name)
    # a session lost on the way: the next call logs in again
    m.service.Logout(session=m.session)
    logins = m.logins
    rels = m.call("GetDHCPFailoverRelationships", dhcpServerRef=s1)
    check("re-login", m.logins, logins + 1)
    check("relationships", [r.name for r in rels], [name])
    # removal
    check("remove scope", m.call("RemoveDHCPScopesFromDHCPFailoverRelationship",
                                 dhcpServerRef=ref1, dhcpFailoverRelationshipName=name,
                                 dhcpScopeRefs={"ref": [scope]},
                                 dhcpFailoverRelationshipDeconfigureAction="Delete"), None)
    rel = m.call("GetDHCPFailoverRelationship", dhcpServerRef=s1,
                 dhcpFailoverRelationshipName=name)
    check("no members", list(rel.dhcpScopeRefs.ref if rel.dhcpScopeRefs else []), [])
    check("remove relationship", m.call("RemoveDHCPFailoverRelationships",
                                        dhcpRefAndFailoverRelationshipNames={
                                            "dhcpRefAndFailoverRelationshipName": [
                                                {"dhcpServerRef": s1,
                                                 "dhcpFailoverRelationshipName": name}]}), None)
    rels = m.call("GetDHCPFailoverRelationships", dhcpServerRef=s1)
    check("relationships left", len(rels or []), 0)
    for ref in (ref1, ref2):
        m.call("RemoveObject", ref=ref, objType="DHCPServer", forceRemoval=True)
    m.call("RemoveObject", ref=rng, objType="Range")
    left = m.call("GetDHCPServers", filter="name:^%s-" % tag)
    check("servers left", left.totalResults, 0)
    m.logout()
    return time.monotonic() - t0


def main(argv):
    url = argv[1] if len(argv) > 1 else os.environ.get("MICETRO_URL")
    if not url:
        sys.exit("usage: zeep_failover.py SOAP-URL (or set MICETRO_URL)")
    secs = lifecycle(url, os.environ.get("MICETRO_USER", "administrator"),
                     os.environ.get("MICETRO_PASSWORD", "administrator"),
                     os.environ.get("MICETRO_SOAP") == "1.2")
    print("zeep: failover lifecycle done in %.2f s" % secs)


if __name__ == "__main__":
    main(sys.argv)
