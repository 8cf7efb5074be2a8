#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
//
// The failover set-up of zeep_failover.py with the npm `soap` package
// (pinned in clients/js/package.json), in SOAP 1.1 or 1.2, every answer
// checked (a mismatch throws).
//
//   node soap_failover.js [SOAP-URL] [1.1|1.2]   (default $MICETRO_URL, 1.1)
//   MICETRO_USER, MICETRO_PASSWORD: credentials (administrator)
//
// `soap` is found as any module (npm install soap), or through NODE_PATH.
'use strict';

const assert = require('node:assert/strict');
const soap = require('soap');

// A list answer's elements: soap gives one as an object, more as an array.
function items(v) {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

// Runs the set-up and its removal; resolves to the seconds it took.
async function lifecycle(url, soap12, tag = 'js', octet = 75) {
  const t0 = process.hrtime.bigint();
  const user = process.env.MICETRO_USER || 'administrator';
  const password = process.env.MICETRO_PASSWORD || 'administrator';
  const client = await soap.createClientAsync(url.replace(/\?.*$/, '?wsdl'), {
    endpoint: url, forceSoap12Headers: soap12,
  });
  const port = client.Service[soap12 ? 'ServiceSoap12' : 'ServiceSoap'];
  const call = (op, args) => new Promise((resolve, reject) => {
    port[op](args, (err, result) => (err ? reject(err) : resolve(result)));
  });
  const login = await call('Login', { server: 'localhost', loginName: user, password });
  const s = login.session;
  assert.equal(s.length, 20, 'session');
  const s1 = `${tag}-a.example.`;
  const s2 = `${tag}-b.example.`;
  const net = `10.${octet}.1.0/24`;
  const ref1 = (await call('AddDHCPServer', { session: s, dhcpServer: { name: s1, type: 'ISC', address: `10.${octet}.0.1` } })).ref;
  const ref2 = (await call('AddDHCPServer', { session: s, dhcpServer: { name: s2, type: 'ISC', address: `10.${octet}.0.2` } })).ref;
  assert.match(ref1, /^\{#3-#\d+\}$/, 'server ref');
  assert.notEqual(ref1, ref2, 'two servers');
  assert.equal((await call('GetDHCPServer', { session: s, dhcpServerRef: ref1 })).dhcpServer.name, s1, 'server name');
  const rng = (await call('AddRange', { session: s, range: { name: net } })).ref;
  const scope = (await call('AddDHCPScope', { session: s, dhcpScope: { name: net, rangeRef: rng, dhcpServerRef: ref1 } })).ref;
  assert.match(scope, /^\{#7-#\d+\}$/, 'scope ref');
  const pool = (await call('AddDHCPAddressPool', { session: s, dhcpAddressPool: { from: `10.${octet}.1.10`, to: `10.${octet}.1.100`, dhcpScopeRef: scope } })).ref;
  assert.match(pool, /^\{#10-#\d+\}$/, 'pool ref');
  const name = `${tag}-failover`;
  await call('AddDHCPFailoverRelationship', { session: s, dhcpFailoverRelationship: {
    name, primaryServer: s1, secondaryServer: s2, failoverMode: 'LoadBalance',
    failoverServerType: 'PrimaryServer', mclt: 3600, safePeriod: 0, percentage: 50 } });
  await call('AddDHCPScopesToDHCPFailoverRelationship', { session: s, dhcpServerRef: ref1,
    dhcpFailoverRelationshipName: name, dhcpScopeRefs: { ref: [scope] } });
  const get = async (server) => (await call('GetDHCPFailoverRelationship', { session: s,
    dhcpServerRef: server, dhcpFailoverRelationshipName: name })).dhcpFailoverRelationship;
  const rel = await get(s1);
  assert.equal(rel.name, name, 'name');
  assert.equal(rel.primaryServer, s1, 'primary');
  assert.equal(rel.secondaryServer, s2, 'secondary');
  assert.equal(rel.failoverMode, 'LoadBalance', 'mode');
  assert.equal(rel.failoverServerType, 'PrimaryServer', 'role');
  assert.equal(Number(rel.mclt), 3600, 'mclt');
  assert.equal(Number(rel.percentage), 50, 'percentage');
  assert.deepEqual(items(rel.dhcpScopeRefs && rel.dhcpScopeRefs.ref), [scope], 'members');
  assert.ok(rel.state === undefined || rel.state !== '', 'state');
  assert.equal((await get(s2)).failoverServerType, 'SecondaryServer', 'partner role');
  const pools = await call('GetDHCPAddressPools', { session: s, dhcpScopeRef: scope });
  assert.equal(Number(pools.totalResults), 1, 'pools');
  await call('RemoveDHCPScopesFromDHCPFailoverRelationship', { session: s, dhcpServerRef: ref1,
    dhcpFailoverRelationshipName: name, dhcpScopeRefs: { ref: [scope] },
    dhcpFailoverRelationshipDeconfigureAction: 'Delete' });
  const after = await get(s1);
  assert.deepEqual(items(after.dhcpScopeRefs && after.dhcpScopeRefs.ref), [], 'no members');
  await call('RemoveDHCPFailoverRelationships', { session: s, dhcpRefAndFailoverRelationshipNames: {
    dhcpRefAndFailoverRelationshipName: [{ dhcpServerRef: s1, dhcpFailoverRelationshipName: name }] } });
  const left = await call('GetDHCPFailoverRelationships', { session: s, dhcpServerRef: s1 });
  const rels = left && left.dhcpFailoverRelationships;
  assert.equal(items(rels && rels.dhcpFailoverRelationship).length, 0, 'relationships left');
  for (const ref of [ref1, ref2]) {
    await call('RemoveObject', { session: s, ref, objType: 'DHCPServer', forceRemoval: true });
  }
  await call('RemoveObject', { session: s, ref: rng, objType: 'Range' });
  const servers = await call('GetDHCPServers', { session: s, filter: `name:^${tag}-` });
  assert.equal(Number(servers.totalResults), 0, 'servers left');
  await call('Logout', { session: s });
  await assert.rejects(call('GetDHCPServers', { session: s }), /Invalid or expired session/,
    'a call after Logout');
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

module.exports = { lifecycle };

if (require.main === module) {
  const url = process.argv[2] || process.env.MICETRO_URL;
  if (!url) {
    console.error('usage: node soap_failover.js SOAP-URL [1.1|1.2] (or set MICETRO_URL)');
    process.exit(2);
  }
  const v = process.argv[3] || '1.1';
  lifecycle(url, v === '1.2').then((secs) => {
    console.log(`npm soap (SOAP ${v}): failover lifecycle done in ${secs.toFixed(2)} s`);
  }, (err) => {
    console.error(err);
    process.exit(1);
  });
}
