<?php
// SPDX-License-Identifier: GPL-2.0-or-later
//
// The failover set-up of zeep_failover.py with PHP's SoapClient (Debian's
// php-soap), in SOAP 1.1 or 1.2, every answer checked (a mismatch throws).
//
//   php soapclient_failover.php [SOAP-URL] [1.1|1.2]   (default $MICETRO_URL, 1.1)
//   MICETRO_USER, MICETRO_PASSWORD: credentials (administrator)

function check(string $what, $got, $want): void
{
    if ($got !== $want) {
        throw new RuntimeException("$what: got " . var_export($got, true) . ", want " . var_export($want, true));
    }
}

// A list answer's elements: SoapClient gives one as an object, more as an array.
function items($v): array
{
    if ($v === null) {
        return [];
    }
    return is_array($v) ? $v : [$v];
}

// Runs the set-up and its removal; returns the seconds it took.
function lifecycle(string $url, bool $soap12, string $tag = 'php', int $octet = 74): float
{
    $t0 = microtime(true);
    $user = getenv('MICETRO_USER') ?: 'administrator';
    $password = getenv('MICETRO_PASSWORD') ?: 'administrator';
    $wsdl = preg_replace('/\?.*$/', '?wsdl', $url);
    $c = new SoapClient($wsdl, [
        'soap_version' => $soap12 ? SOAP_1_2 : SOAP_1_1,
        'location' => $url, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE,
    ]);
    $s = $c->Login(['server' => 'localhost', 'loginName' => $user, 'password' => $password])->session;
    check('session', strlen($s), 20);
    $s1 = "$tag-a.example.";
    $s2 = "$tag-b.example.";
    $net = "10.$octet.1.0/24";
    $ref1 = $c->AddDHCPServer(['session' => $s, 'dhcpServer' => ['name' => $s1, 'type' => 'ISC', 'address' => "10.$octet.0.1"]])->ref;
    $ref2 = $c->AddDHCPServer(['session' => $s, 'dhcpServer' => ['name' => $s2, 'type' => 'ISC', 'address' => "10.$octet.0.2"]])->ref;
    check('server ref', preg_match('/^\{#3-#\d+\}$/', $ref1) === 1 && $ref1 !== $ref2, true);
    check('server name', $c->GetDHCPServer(['session' => $s, 'dhcpServerRef' => $ref1])->dhcpServer->name, $s1);
    $rng = $c->AddRange(['session' => $s, 'range' => ['name' => $net]])->ref;
    $scope = $c->AddDHCPScope(['session' => $s, 'dhcpScope' => ['name' => $net, 'rangeRef' => $rng, 'dhcpServerRef' => $ref1]])->ref;
    check('scope ref', preg_match('/^\{#7-#\d+\}$/', $scope), 1);
    $pool = $c->AddDHCPAddressPool(['session' => $s, 'dhcpAddressPool' => ['from' => "10.$octet.1.10", 'to' => "10.$octet.1.100", 'dhcpScopeRef' => $scope]])->ref;
    check('pool ref', preg_match('/^\{#10-#\d+\}$/', $pool), 1);
    $name = "$tag-failover";
    $c->AddDHCPFailoverRelationship(['session' => $s, 'dhcpFailoverRelationship' => [
        'name' => $name, 'primaryServer' => $s1, 'secondaryServer' => $s2,
        'failoverMode' => 'LoadBalance', 'failoverServerType' => 'PrimaryServer',
        'mclt' => 3600, 'safePeriod' => 0, 'dhcpScopeRefs' => null, 'percentage' => 50]]);
    $c->AddDHCPScopesToDHCPFailoverRelationship(['session' => $s, 'dhcpServerRef' => $ref1,
        'dhcpFailoverRelationshipName' => $name, 'dhcpScopeRefs' => ['ref' => [$scope]]]);
    $get = fn($server) => $c->GetDHCPFailoverRelationship(['session' => $s, 'dhcpServerRef' => $server,
        'dhcpFailoverRelationshipName' => $name])->dhcpFailoverRelationship;
    $rel = $get($s1);
    check('name', $rel->name, $name);
    check('primary', $rel->primaryServer, $s1);
    check('secondary', $rel->secondaryServer, $s2);
    check('mode', $rel->failoverMode, 'LoadBalance');
    check('role', $rel->failoverServerType, 'PrimaryServer');
    check('mclt', $rel->mclt, 3600);
    check('percentage', $rel->percentage, 50);
    check('members', items($rel->dhcpScopeRefs->ref ?? null), [$scope]);
    check('state', !isset($rel->state) || $rel->state !== '', true);
    check('partner role', $get($s2)->failoverServerType, 'SecondaryServer');
    $pools = $c->GetDHCPAddressPools(['session' => $s, 'dhcpScopeRef' => $scope]);
    check('pools', $pools->totalResults, 1);
    $c->RemoveDHCPScopesFromDHCPFailoverRelationship(['session' => $s, 'dhcpServerRef' => $ref1,
        'dhcpFailoverRelationshipName' => $name, 'dhcpScopeRefs' => ['ref' => [$scope]],
        'dhcpFailoverRelationshipDeconfigureAction' => 'Delete']);
    check('no members', items($get($s1)->dhcpScopeRefs->ref ?? null), []);
    $c->RemoveDHCPFailoverRelationships(['session' => $s, 'dhcpRefAndFailoverRelationshipNames' => [
        'dhcpRefAndFailoverRelationshipName' => [['dhcpServerRef' => $s1, 'dhcpFailoverRelationshipName' => $name]]]]);
    $left = $c->GetDHCPFailoverRelationships(['session' => $s, 'dhcpServerRef' => $s1]);
    check('relationships left', count(items($left->dhcpFailoverRelationships->dhcpFailoverRelationship ?? null)), 0);
    foreach ([$ref1, $ref2] as $ref) {
        $c->RemoveObject(['session' => $s, 'ref' => $ref, 'objType' => 'DHCPServer', 'forceRemoval' => true]);
    }
    $c->RemoveObject(['session' => $s, 'ref' => $rng, 'objType' => 'Range']);
    check('servers left', $c->GetDHCPServers(['session' => $s, 'filter' => "name:^$tag-"])->totalResults, 0);
    $c->Logout(['session' => $s]);
    try {
        $c->GetDHCPServers(['session' => $s]);
        throw new RuntimeException('a call after Logout was answered');
    } catch (SoapFault $f) {
        check('fault after Logout', str_contains($f->getMessage(), 'Invalid or expired session'), true);
    }
    return microtime(true) - $t0;
}

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    $url = $argv[1] ?? getenv('MICETRO_URL');
    if (!$url) {
        fwrite(STDERR, "usage: php soapclient_failover.php SOAP-URL [1.1|1.2] (or set MICETRO_URL)\n");
        exit(2);
    }
    $v = $argv[2] ?? '1.1';
    printf("PHP SoapClient (SOAP %s): failover lifecycle done in %.2f s\n", $v, lifecycle($url, $v === '1.2'));
}
