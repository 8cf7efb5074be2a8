// SPDX-License-Identifier: GPL-2.0-or-later
//
// The failover lifecycle of clients/examples/soap_failover.js with the npm
// `soap` package in SOAP 1.1 and 1.2, under node --test, against the server
// of MICETRO_URL (run_with_emu.py; NODE_PATH names the installed packages).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { lifecycle } = require(path.join(__dirname, '..', '..', 'clients', 'examples', 'soap_failover.js'));

const url = process.env.MICETRO_URL;

for (const [soap12, tag, octet] of [[false, 'js11', 89], [true, 'js12', 90]]) {
  const v = soap12 ? '1.2' : '1.1';
  test(`npm soap SOAP ${v} lifecycle`, { skip: !url && 'MICETRO_URL not set' }, async (t) => {
    const secs = await lifecycle(url, soap12, tag, octet);
    t.diagnostic(`TIME npm soap SOAP ${v}: ${secs.toFixed(2)} s`);
  });
}

test('a lifecycle meeting what exists fails', { skip: !url && 'MICETRO_URL not set' }, async () => {
  const soap = require('soap');
  const client = await soap.createClientAsync(url.replace(/\?.*$/, '?wsdl'), { endpoint: url });
  const [login] = await client.LoginAsync({ server: 'localhost', loginName: process.env.MICETRO_USER || 'administrator', password: process.env.MICETRO_PASSWORD || 'administrator' });
  await client.AddDHCPServerAsync({ session: login.session, dhcpServer: { name: 'jsdup-a.example.', type: 'ISC', address: '10.91.0.1' } });
  await assert.rejects(lifecycle(url, false, 'jsdup', 91), /already exists/);
});
