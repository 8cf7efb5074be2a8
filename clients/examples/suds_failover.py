#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The failover set-up of zeep_failover.py with suds (Debian's
python3-suds, SOAP 1.1 only): objects built by the WSDL's factory, every
answer checked.

    suds_failover.py [SOAP-URL]        (default $MICETRO_URL)
    MICETRO_USER, MICETRO_PASSWORD     credentials (administrator)
"""

import os
import sys
import time

import suds
import suds.client


def check(what, got, want):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def lifecycle(url, user="administrator", password="administrator", tag="suds", octet=72):
    t0 = time.monotonic()
    client = suds.client.Client(url.split("?", 1)[0] + "?wsdl", cache=None)
    svc, new = client.service, client.factory.create
    s = svc.Login(server="localhost", loginName=user, password=password)
    check("session", len(s), 20)
    s1, s2 = "%s-a.example." % tag, "%s-b.example." % tag
    net = "10.%d.1.0/24" % octet
    refs = []
    for name, host in ((s1, 1), (s2, 2)):
        srv = new("DHCPServer")
        srv.name, srv.type, srv.address = name, "ISC", "10.%d.0.%d" % (octet, host)
        refs.append(svc.AddDHCPServer(session=s, dhcpServer=srv).ref)
    ref1, ref2 = refs
    check("server ref", ref1.startswith("{#3-#") and ref1 != ref2, True)
    check("server name", svc.GetDHCPServer(session=s, dhcpServerRef=ref1).name, s1)
    rng = new("Range")
    rng.name = net
    rng = svc.AddRange(session=s, range=rng)
    scope = new("DHCPScope")
    scope.name, scope.rangeRef, scope.dhcpServerRef = net, rng, ref1
    scope = svc.AddDHCPScope(session=s, dhcpScope=scope)
    check("scope ref", scope.startswith("{#7-#"), True)
    pool = new("DHCPAddressPool")
    setattr(pool, "from", "10.%d.1.10" % octet)
    pool.to, pool.dhcpScopeRef = "10.%d.1.100" % octet, scope
    check("pool ref", svc.AddDHCPAddressPool(session=s, dhcpAddressPool=pool).startswith("{#10-#"), True)
    name = "%s-failover" % tag
    rel = new("DHCPFailoverRelationship")
    rel.name, rel.primaryServer, rel.secondaryServer = name, s1, s2
    rel.failoverMode, rel.failoverServerType = "LoadBalance", "PrimaryServer"
    rel.mclt, rel.safePeriod, rel.percentage = 3600, 0, 50
    check("add relationship", svc.AddDHCPFailoverRelationship(session=s, dhcpFailoverRelationship=rel), None)
    refs = new("ArrayOfObjRef")
    refs.ref = [scope]
    check("add scope", svc.AddDHCPScopesToDHCPFailoverRelationship(
        session=s, dhcpServerRef=ref1, dhcpFailoverRelationshipName=name, dhcpScopeRefs=refs), None)
    got = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=s1, dhcpFailoverRelationshipName=name)
    check("name", got.name, name)
    check("primary", got.primaryServer, s1)
    check("secondary", got.secondaryServer, s2)
    check("mode", got.failoverMode, "LoadBalance")
    check("role", got.failoverServerType, "PrimaryServer")
    check("mclt", int(got.mclt), 3600)
    check("percentage", int(got.percentage), 50)
    check("members", list(got.dhcpScopeRefs.ref), [scope])
    state = getattr(got, "state", None)
    check("state", state is None or str(state) != "", True)
    other = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=s2, dhcpFailoverRelationshipName=name)
    check("partner role", other.failoverServerType, "SecondaryServer")
    pools = svc.GetDHCPAddressPools(session=s, dhcpScopeRef=scope)
    check("pools", int(pools.totalResults), 1)
    check("removal of the scope", svc.RemoveDHCPScopesFromDHCPFailoverRelationship(
        session=s, dhcpServerRef=ref1, dhcpFailoverRelationshipName=name, dhcpScopeRefs=refs,
        dhcpFailoverRelationshipDeconfigureAction="Delete"), None)
    got = svc.GetDHCPFailoverRelationship(session=s, dhcpServerRef=s1, dhcpFailoverRelationshipName=name)
    check("no members", len(getattr(got.dhcpScopeRefs, "ref", []) if got.dhcpScopeRefs else []), 0)
    names = new("ArrayOfDHCPRefAndFailoverRelationshipName")
    one = new("DHCPRefAndFailoverRelationshipName")
    one.dhcpServerRef, one.dhcpFailoverRelationshipName = s1, name
    names.dhcpRefAndFailoverRelationshipName = [one]
    check("removal", svc.RemoveDHCPFailoverRelationships(
        session=s, dhcpRefAndFailoverRelationshipNames=names), None)
    left = svc.GetDHCPFailoverRelationships(session=s, dhcpServerRef=s1)
    check("relationships left", len(getattr(left, "dhcpFailoverRelationship", []) if left else []), 0)
    for ref in (ref1, ref2):
        svc.RemoveObject(session=s, ref=ref, objType="DHCPServer", forceRemoval=True)
    svc.RemoveObject(session=s, ref=rng, objType="Range")
    check("servers left", int(svc.GetDHCPServers(session=s, filter="name:^%s-" % tag).totalResults), 0)
    svc.Logout(session=s)
    try:
        svc.GetDHCPServers(session=s)
        raise AssertionError("a call after Logout succeeded")
    except suds.WebFault as e:
        check("fault after Logout", "Invalid or expired session" in str(e), True)
    return time.monotonic() - t0


def main(argv):
    url = argv[1] if len(argv) > 1 else os.environ.get("MICETRO_URL")
    if not url:
        sys.exit("usage: suds_failover.py SOAP-URL (or set MICETRO_URL)")
    secs = lifecycle(url, os.environ.get("MICETRO_USER", "administrator"),
                     os.environ.get("MICETRO_PASSWORD", "administrator"))
    print("suds: failover lifecycle done in %.2f s" % secs)


if __name__ == "__main__":
    main(sys.argv)
