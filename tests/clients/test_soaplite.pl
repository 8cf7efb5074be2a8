#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The real SOAP::Lite client (libsoap-lite-perl), used the way production
# Perl scripts use it against Micetro:
#   - SOAP::Lite->service($wsdl_url) with positional arguments;
#   - SOAP::Lite->uri(...)->proxy(...) with SOAP::Data->name(...) parameters.
#
# The server URL (the ?Soap endpoint) comes from MICETRO_URL; run it through
# run_perl.py, which starts a server and sets it.  Credentials from
# MICETRO_USER / MICETRO_PASSWORD (default administrator / administrator).

use strict;
use warnings;
use Test::More;
use SOAP::Lite;

my $url = $ENV{MICETRO_URL}
    or plan skip_all => 'MICETRO_URL not set (run through run_perl.py)';
my $user = $ENV{MICETRO_USER} // 'administrator';
my $password = $ENV{MICETRO_PASSWORD} // 'administrator';
(my $wsdl = $url) =~ s/\?Soap$/?wsdl/i;
my $NS = 'http://menandmice.com/webservices/';
my $SESSION_RE = qr/\A[A-Za-z0-9]{20}\z/;
# This run's own names and octets come from the process id and the time,
# or from MICETRO_SEED (the same in every run).
my ($PID, $TIME) = defined $ENV{MICETRO_SEED} ? (0, $ENV{MICETRO_SEED}) : ($$, time);

# ------------------------------------------------------------ service(WSDL)

{
    my $svc = SOAP::Lite->service($wsdl);
    ok($svc, 'service stub built from the served WSDL');

    # SOAP::Lite's default fault handler returns quietly; scripts install one
    # that dies, as here.
    $svc->on_fault(sub {
        my ($soap, $res) = @_;
        die ref $res ? 'FAULT[' . $res->faultcode . '] ' . $res->faultstring . "\n"
                     : 'TRANSPORT ' . $soap->transport->status . "\n";
    });

    my $session = eval { $svc->Login('localhost', $user, $password) };
    is($@, '', 'Login through the WSDL stub raises no fault');
    like($session // '', $SESSION_RE, 'session is 20 characters [A-Za-z0-9]');

    my $again = eval { $svc->Login('localhost', $user, $password) };
    isnt($again // '', $session // '', 'a second Login gives another session');

    eval { $svc->Logout($session) };
    is($@, '', 'Logout succeeds');

    eval { $svc->Logout($session) };
    like($@, qr/^FAULT\[\S*Client\] .*Invalid or expired session/,
         'Logout again: Client fault, Invalid or expired session');

    eval { $svc->GetDHCPServers($session) };
    like($@, qr/Invalid or expired session/, 'GetDHCPServers with the dead session');

    SKIP: {
        my $op = $ENV{MICETRO_UNSERVED_OP};
        skip 'no operation left unserved', 1 unless $op;
        eval { $svc->$op($again) };
        like($@, qr/^FAULT\[\S*Client\] .*is not implemented yet/,
             "$op with a live session: not implemented yet");
    }

    eval { $svc->Logout($again) };
    is($@, '', 'Logout of the second session');

    eval { $svc->Login('localhost', $user, 'wrong-password') };
    like($@, qr/\AFAULT\[\S*Client\] Invalid username or password\.\n\z/,
         'bad password: Client fault with the exact text');
}

# ------------------------------------------------------------ DHCP servers

# Servers added the way scripts without a WSDL do it (nested SOAP::Data,
# unqualified children with xsi:type), then listed with the positional
# call of a real Perl script: GetDHCPServers($session, $filter, $offset,
# $limit, $sortBy, $sortOrder), limit 0 meaning all.
{
    my $tag = sprintf 'pl%d%d', $PID, $TIME % 100000;
    my $soap = SOAP::Lite->uri($NS)->proxy($url, timeout => 30);
    $soap->on_action(sub { join '', @_ });
    $soap->on_fault(sub { my ($s, $res) = @_; return ref $res ? $res : die $s->transport->status });
    my $session = $soap->Login(SOAP::Data->name(server => 'localhost'),
                               SOAP::Data->name(loginName => $user),
                               SOAP::Data->name(password => $password))->result;
    for my $i (3, 1, 2) {
        my $r = $soap->AddDHCPServer(
            SOAP::Data->name(session => $session),
            SOAP::Data->name(dhcpServer => \SOAP::Data->value(
                SOAP::Data->name(name => "dhcp$i.$tag.example"),
                SOAP::Data->name(type => 'ISC'),
                SOAP::Data->name(address => "10.99.0.$i"))),
            SOAP::Data->name(saveComment => 'from Perl'));
        ok(!$r->fault, "AddDHCPServer dhcp$i") or diag($r->faultstring);
        like($r->result // '', qr/\A\{#3-#\d+\}\z/, "dhcp$i: a {#3-#n} ref");
    }
    my $r = $soap->AddDHCPServer(
        SOAP::Data->name(session => $session),
        SOAP::Data->name(dhcpServer => \SOAP::Data->value(
            SOAP::Data->name(name => "DHCP1.$tag.example."),
            SOAP::Data->name(type => 'ISC'),
            SOAP::Data->name(address => '10.99.0.9'))));
    like($r->faultcode // '', qr/Client\z/, 'duplicate name: Client fault');
    is($r->faultstring // '', qq{DHCP server "DHCP1.$tag.example." already exists},
       'duplicate name: the message');

    # a second stub redefines the first one's subs: nothing to warn about
    local $SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /^Subroutine .* redefined/ };
    my $svc = SOAP::Lite->service($wsdl);
    $svc->on_fault(sub {
        my ($s, $res) = @_;
        die ref $res ? 'FAULT[' . $res->faultcode . '] ' . $res->faultstring . "\n"
                     : 'TRANSPORT ' . $s->transport->status . "\n";
    });
    my ($servers, $total) = eval {
        $svc->GetDHCPServers($session, "name:^dhcp name:\\.$tag\\.", 0, 0, 'name', 'Ascending')
    };
    is($@, '', 'positional GetDHCPServers raises no fault');
    is($total, 3, 'totalResults counts every match');
    my $list = ref $servers eq 'HASH' ? $servers->{dhcpServer} : undef;
    $list = [$list] if ref $list eq 'HASH';
    is(ref $list, 'ARRAY', 'dhcpServers holds the servers');

    $svc->want_som(1);
    my $som = eval {
        $svc->GetDHCPServers($session, "name:^dhcp name:\\.$tag\\.", 0, 0, 'name', 'Ascending')
    };
    is($@, '', 'the same call, for its SOAP::SOM');
    is_deeply([map { $_->{name} } $som->valueof('//dhcpServers/dhcpServer')],
              [map { "dhcp$_.$tag.example." } 1, 2, 3], 'every match, sorted by name');
    is($som->valueof('//totalResults'), 3, 'totalResults');

    $svc->want_som(0);

    # The stub sends values of the WSDL's own simple types (ObjRef,
    # SortOrder) as xsi:nil: such parameters need SOAP::Data.
    $r = $soap->GetDHCPServers(SOAP::Data->name(session => $session),
                               SOAP::Data->name(filter => "name:\\.$tag\\."),
                               SOAP::Data->name(offset => 0),
                               SOAP::Data->name(limit => 1),
                               SOAP::Data->name(sortBy => 'address'),
                               SOAP::Data->name(sortOrder => 'Descending'));
    ok(!$r->fault, 'GetDHCPServers with SOAP::Data') or diag($r->faultstring);
    is_deeply([map { $_->{address} } $r->valueof('//dhcpServers/dhcpServer')],
              ['10.99.0.3'], 'limit 1, by address descending');
    is($r->valueof('//totalResults'), 3, 'totalResults before paging');

    $r = $soap->GetDHCPServer(SOAP::Data->name(session => $session),
                              SOAP::Data->name(dhcpServerRef => "DHCP2.$tag.example"));
    ok(!$r->fault, 'GetDHCPServer by name, other case, no dot') or diag($r->faultstring);
    is($r->valueof('//dhcpServer/name'), "dhcp2.$tag.example.", 'its canonical name');
    is($r->valueof('//dhcpServer/address'), '10.99.0.2', 'its address');

    eval { $svc->GetDHCPServers($session, 'name:(', 0, 0, 'name', 'Ascending') };
    like($@, qr/^FAULT\[\S*Client\] filter: /, 'malformed filter: Client fault');
    $soap->Logout(SOAP::Data->name(session => $session));
}

# ------------------------------------------------------------ uri + proxy

for my $style ('default action', 'plain action') {
    my $soap = SOAP::Lite->uri($NS)->proxy($url, timeout => 30);
    # SOAP::Lite's default SOAPAction is "URI#Method"; many scripts set
    # on_action to get the WSDL's "URIMethod".  Both must work.
    $soap->on_action(sub { join '', @_ }) if $style eq 'plain action';
    $soap->on_fault(sub { my ($s, $res) = @_; return ref $res ? $res : die $s->transport->status });

    my $r = $soap->Login(SOAP::Data->name(server => 'localhost'),
                         SOAP::Data->name(loginName => $user),
                         SOAP::Data->name(password => $password));
    ok(!$r->fault, "$style: Login is no fault")
        or diag($r->faultstring);
    my $session = $r->result;
    like($session // '', $SESSION_RE, "$style: session");
    is($r->dataof('//LoginResponse')->uri, $NS, "$style: LoginResponse in the Micetro namespace");

    $r = $soap->Logout(SOAP::Data->name(session => $session));
    ok(!$r->fault, "$style: Logout is no fault") or diag($r->faultstring);
    is($r->dataof('//Body/*')->name, 'LogoutResponse', "$style: LogoutResponse");

    # a bogus xsi:type, as some scripts send
    $r = $soap->Logout(SOAP::Data->name(session => $session)->attr({'xsi:type' => 'ObjRef'}));
    ok($r->fault, "$style: Logout again is a fault");
    like($r->faultcode // '', qr/Client\z/, "$style: Client fault");
    like($r->faultstring // '', qr/Invalid or expired session/, "$style: fault text");
    like($r->faultdetail && $r->faultdetail->{errorCode} // '', qr/\A\d+\z/,
         "$style: numeric errorCode in the detail");

    $r = $soap->Login(SOAP::Data->name(server => 'localhost'),
                      SOAP::Data->name(loginName => 'no-such-user'),
                      SOAP::Data->name(password => $password));
    is($r->faultstring // '', 'Invalid username or password.', "$style: unknown user");
}

# ------------------------------------------------------------ ranges

# Ranges added with nested SOAP::Data, then the positional call of a real
# Perl script: GetRanges($session, $filter, $folderRef, $adSiteRef,
# $cloudNetworkRef, $offset, $limit, $sortBy, $sortOrder).
{
    my $o = 20 + ($PID + $TIME) % 200; # a first octet of this run's own
    my $soap = SOAP::Lite->uri($NS)->proxy($url, timeout => 30);
    $soap->on_action(sub { join '', @_ });
    $soap->on_fault(sub { my ($s, $res) = @_; return ref $res ? $res : die $s->transport->status });
    my $session = $soap->Login(SOAP::Data->name(server => 'localhost'),
                               SOAP::Data->name(loginName => $user),
                               SOAP::Data->name(password => $password))->result;
    for my $n ("$o.10.0.0/24", "$o.0.1.0/24", "$o.0.0.0/24") {
        my $r = $soap->AddRange(
            SOAP::Data->name(session => $session),
            SOAP::Data->name(range => \SOAP::Data->value(SOAP::Data->name(name => $n))),
            SOAP::Data->name(saveComment => 'from Perl'));
        ok(!$r->fault, "AddRange $n") or diag($r->faultstring);
        like($r->result // '', qr/\A\{#6-#\d+\}\z/, "$n: a {#6-#n} ref");
    }
    local $SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /^Subroutine .* redefined/ };
    my $svc = SOAP::Lite->service($wsdl);
    $svc->on_fault(sub {
        my ($s, $res) = @_;
        die ref $res ? 'FAULT[' . $res->faultcode . '] ' . $res->faultstring . "\n"
                     : 'TRANSPORT ' . $s->transport->status . "\n";
    });
    $svc->want_som(1);
    my $som = eval {
        $svc->GetRanges($session, "name:^$o\\.", undef, undef, undef, 0, 0, 'name', 'Ascending')
    };
    is($@, '', 'positional GetRanges raises no fault');
    is_deeply([map { $_->{name} } $som->valueof('//ranges/range')],
              ["$o.0.0.0/24", "$o.0.1.0/24", "$o.10.0.0/24"], 'every match, CIDRs in numeric order');
    is($som->valueof('//totalResults'), 3, 'totalResults');
    $svc->want_som(0);
}

# ------------------------------------------------------------ scopes

# Two servers, a range with an instance on each and one with one, then the
# positional call of the issue: GetDHCPScopes($session, 'name:^o\.', 0, 0,
# 'name', 'Ascending').
{
    my $o = 20 + ($PID + $TIME + 7) % 200;
    my $soap = SOAP::Lite->uri($NS)->proxy($url, timeout => 30);
    $soap->on_action(sub { join '', @_ });
    $soap->on_fault(sub { my ($s, $res) = @_; return ref $res ? $res : die $s->transport->status });
    my $session = $soap->Login(SOAP::Data->name(server => 'localhost'),
                               SOAP::Data->name(loginName => $user),
                               SOAP::Data->name(password => $password))->result;
    my %srv;
    for my $s ("p$o.perl.example.", "q$o.perl.example.") {
        my $r = $soap->AddDHCPServer(
            SOAP::Data->name(session => $session),
            SOAP::Data->name(dhcpServer => \SOAP::Data->value(
                SOAP::Data->name(name => $s), SOAP::Data->name(type => 'ISC'),
                SOAP::Data->name(address => '10.0.0.1'))));
        ok(!$r->fault, "AddDHCPServer $s") or diag($r->faultstring);
        $srv{$s} = $r->result;
    }
    my @want;
    for my $n ("$o.10.0.0/24", "$o.0.1.0/24") {
        my $r = $soap->AddRange(SOAP::Data->name(session => $session),
                                SOAP::Data->name(range => \SOAP::Data->value(SOAP::Data->name(name => $n))));
        ok(!$r->fault, "AddRange $n") or diag($r->faultstring);
        my $rng = $r->result;
        for my $s (sort keys %srv) {
            next if $n eq "$o.10.0.0/24" && $s =~ /^q/;
            my $a = $soap->AddDHCPScope(
                SOAP::Data->name(session => $session),
                SOAP::Data->name(dhcpScope => \SOAP::Data->value(
                    SOAP::Data->name(name => $n), SOAP::Data->name(rangeRef => $rng),
                    SOAP::Data->name(dhcpServerRef => $srv{$s}))),
                SOAP::Data->name(saveComment => 'from Perl'));
            ok(!$a->fault, "AddDHCPScope $n on $s") or diag($a->faultstring);
            like($a->result // '', qr/\A\{#7-#\d+\}\z/, "$n on $s: a {#7-#n} ref");
        }
    }
    local $SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /^Subroutine .* redefined/ };
    my $svc = SOAP::Lite->service($wsdl);
    $svc->on_fault(sub {
        my ($s, $res) = @_;
        die ref $res ? 'FAULT[' . $res->faultcode . '] ' . $res->faultstring . "\n"
                     : 'TRANSPORT ' . $s->transport->status . "\n";
    });
    $svc->want_som(1);
    my $som = eval { $svc->GetDHCPScopes($session, "name:^$o\\.", 0, 0, 'name', 'Ascending') };
    is($@, '', 'positional GetDHCPScopes raises no fault');
    is_deeply([map { $_->{name} } $som->valueof('//dhcpScopes/dhcpScope')],
              ["$o.0.1.0/24", "$o.0.1.0/24", "$o.10.0.0/24"], 'every match, by name');
    is($som->valueof('//totalResults'), 3, 'totalResults');
    $svc->want_som(0);
}

done_testing();
