#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The failover set-up of zeep_failover.py with SOAP::Lite (Debian's
# libsoap-lite-perl), in the two ways Perl scripts call Micetro:
#
#   soaplite_failover.pl [SOAP-URL] [service|data]   (default $MICETRO_URL, data)
#
#   service: SOAP::Lite->service(WSDL), positional arguments; the WSDL's own
#            simple types (ObjRef, enumerations) go as SOAP::Data, which
#            the stub would otherwise send as xsi:nil
#   data:    SOAP::Lite->uri(NS)->proxy(URL) with SOAP::Data named
#            parameters, objects nested; MICETRO_SOAP=1.2 speaks SOAP 1.2
#
# Every answer is checked; a mismatch dies.  MICETRO_USER, MICETRO_PASSWORD:
# credentials (administrator).
use strict;
use warnings;
use SOAP::Lite;
use Time::HiRes qw(time);

my $NS = 'http://menandmice.com/webservices/';

sub check {
    my ($what, $got, $want) = @_;
    $got  = 'undef' unless defined $got;
    $want = 'undef' unless defined $want;
    die "$what: got '$got', want '$want'\n" unless $got eq $want;
}

sub d { SOAP::Data->name($_[0] => $_[1]) }    # one named parameter

# A parameter [name => value] as SOAP::Data; an object's value is the list
# of its fields' [name => value], in the WSDL's order, nested as deep as
# needed.
sub data {
    my ($n, $v) = @_;
    return ref $v ? SOAP::Data->name($n => \SOAP::Data->value(map { data(@$_) } @$v))
                  : d($n => $v);
}

# The service() stub serializes each positional value with the
# serializer's as_<WSDL type> method, which SOAP::Lite has for XML Schema's
# types only: without one, a value of the WSDL's own types goes as xsi:nil.
# Scripts define them, as here: objects from their [name => value] lists,
# simple types as text.
for my $type (qw(DHCPServer Range DHCPScope DHCPAddressPool DHCPFailoverRelationship
                 ArrayOfObjRef ArrayOfDHCPRefAndFailoverRelationshipName)) {
    no strict 'refs';
    *{"SOAP::Serializer::as_$type"} = sub {
        my ($self, $value, $name, $t, $attr) = @_;
        return [$name, $attr, \SOAP::Data->value(map { data(@$_) } @$value)];
    };
}
for my $type (qw(ObjRef ObjectType DHCPFailoverDeconfigureAction SortOrder)) {
    no strict 'refs';
    *{"SOAP::Serializer::as_$type"} = sub { my ($self, $value, $name, $t, $attr) = @_; [$name, $attr, $value] };
}

# A list answer's elements: SOAP::Lite gives one as a hash, more as an array.
sub items {
    my ($v) = @_;
    return () unless defined $v && $v ne '';
    return ref $v eq 'ARRAY' ? @$v : ($v);
}

sub count { my @x = items(@_); return scalar @x }

# lifecycle(URL, STYLE, SOAP12, TAG, OCTET): the seconds it took.
sub lifecycle {
    my ($url, $style, $soap12, $tag, $octet) = @_;
    my $user = $ENV{MICETRO_USER} // 'administrator';
    my $password = $ENV{MICETRO_PASSWORD} // 'administrator';
    my $t0 = time;
    my $die = sub {
        my ($s, $res) = @_;
        # SOAP::Lite reads a SOAP 1.2 fault's Reason only by path
        die ref $res ? 'FAULT ' . ($res->faultstring // $res->valueof('//Reason/Text') // '') . "\n"
                     : 'TRANSPORT ' . $s->transport->status . "\n";
    };
    my $call;    # $call->(Op, parameters as SOAP::Data) -> the result
    my $session;
    if ($style eq 'service') {
        (my $wsdl = $url) =~ s/\?.*$/?wsdl/;
        local $SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /redefined/ };
        my $svc = SOAP::Lite->service($wsdl);
        $svc->on_fault($die);
        $session = $svc->Login('localhost', $user, $password);
        # positional: the values in the WSDL's order, by position
        $call = sub { my $op = shift; return $svc->$op($session, map { $_->[1] } @_) };
    } else {
        # the version is set on the class before the object is made: set on
        # the object afterwards, SOAP::Lite 1.27 sends an Envelope without
        # its namespace
        SOAP::Lite->soapversion($soap12 ? '1.2' : '1.1');
        my $soap = SOAP::Lite->uri($NS)->proxy($url, timeout => 30);
        $soap->on_action(sub { join '', @_ });
        $soap->on_fault($die);
        $session = $soap->Login(d(server => 'localhost'), d(loginName => $user),
                                d(password => $password))->result;
        $call = sub {
            my $op = shift;
            return $soap->$op(d(session => $session), map { data(@$_) } @_)->result;
        };
    }
    check('session', length($session // ''), 20);
    my ($s1, $s2) = ("$tag-a.example.", "$tag-b.example.");
    my $net = "10.$octet.1.0/24";
    my @refs;
    for my $i (1, 2) {
        my $r = $call->('AddDHCPServer', [dhcpServer => [ [name => $i == 1 ? $s1 : $s2],
                                             [type => 'ISC'], [address => "10.$octet.0.$i"]]]);
        push @refs, $r;
    }
    my ($ref1, $ref2) = @refs;
    check('server ref', ($ref1 =~ /^\{#3-#\d+\}$/ && $ref1 ne $ref2) ? 1 : 0, 1);
    my $srv = $call->('GetDHCPServer', [dhcpServerRef => $ref1]);
    check('server name', $srv->{name}, $s1);
    my $rng = $call->('AddRange', [range => [ [name => $net]]]);
    my $scope = $call->('AddDHCPScope', [dhcpScope => [ [name => $net], [rangeRef => $rng],
                                            [dhcpServerRef => $ref1]]]);
    check('scope ref', $scope =~ /^\{#7-#\d+\}$/ ? 1 : 0, 1);
    my $pool = $call->('AddDHCPAddressPool', [dhcpAddressPool => [ [from => "10.$octet.1.10"],
                                                 [to => "10.$octet.1.100"],
                                                 [dhcpScopeRef => $scope]]]);
    check('pool ref', $pool =~ /^\{#10-#\d+\}$/ ? 1 : 0, 1);
    my $name = "$tag-failover";
    $call->('AddDHCPFailoverRelationship',
            [dhcpFailoverRelationship => [ [name => $name], [primaryServer => $s1],
                [secondaryServer => $s2], [failoverMode => 'LoadBalance'],
                [failoverServerType => 'PrimaryServer'], [mclt => 3600],
                [safePeriod => 0], [percentage => 50]]]);
    $call->('AddDHCPScopesToDHCPFailoverRelationship', [dhcpServerRef => $ref1],
            [dhcpFailoverRelationshipName => $name], [dhcpScopeRefs => [ [ref => $scope]]]);
    my $rel = $call->('GetDHCPFailoverRelationship', [dhcpServerRef => $s1],
                      [dhcpFailoverRelationshipName => $name]);
    check('name', $rel->{name}, $name);
    check('primary', $rel->{primaryServer}, $s1);
    check('secondary', $rel->{secondaryServer}, $s2);
    check('mode', $rel->{failoverMode}, 'LoadBalance');
    check('role', $rel->{failoverServerType}, 'PrimaryServer');
    check('mclt', $rel->{mclt}, 3600);
    check('percentage', $rel->{percentage}, 50);
    check('members', join(',', items($rel->{dhcpScopeRefs}{ref})), $scope);
    check('state', (!exists $rel->{state} || $rel->{state} ne '') ? 1 : 0, 1);
    my $other = $call->('GetDHCPFailoverRelationship', [dhcpServerRef => $s2],
                        [dhcpFailoverRelationshipName => $name]);
    check('partner role', $other->{failoverServerType}, 'SecondaryServer');
    $call->('RemoveDHCPScopesFromDHCPFailoverRelationship', [dhcpServerRef => $ref1],
            [dhcpFailoverRelationshipName => $name], [dhcpScopeRefs => [ [ref => $scope]]],
            [dhcpFailoverRelationshipDeconfigureAction => 'Delete']);
    $rel = $call->('GetDHCPFailoverRelationship', [dhcpServerRef => $s1],
                   [dhcpFailoverRelationshipName => $name]);
    check('no members', count((ref $rel->{dhcpScopeRefs} ? $rel->{dhcpScopeRefs}{ref} : undef)), 0);
    $call->('RemoveDHCPFailoverRelationships',
            [dhcpRefAndFailoverRelationshipNames => [
                [dhcpRefAndFailoverRelationshipName => [ [dhcpServerRef => $s1],
                    [dhcpFailoverRelationshipName => $name]]]]]);
    my $left = $call->('GetDHCPFailoverRelationships', [dhcpServerRef => $s1]);
    check('relationships left', count((ref $left ? $left->{dhcpFailoverRelationship} : undef)), 0);
    for my $ref ($ref1, $ref2) {
        $call->('RemoveObject', [ref => $ref], [objType => 'DHCPServer'], [forceRemoval => 'true']);
    }
    $call->('RemoveObject', [ref => $rng], [objType => 'Range']);
    $call->('Logout');
    my $after = eval { $call->('GetDHCPServers'); 1 };
    check('a call after Logout', $after ? 'answered' : ($@ =~ /Invalid or expired session/ ? 'fault' : $@),
          'fault');
    return time - $t0;
}

unless (caller) {
    my $url = $ARGV[0] // $ENV{MICETRO_URL}
        or die "usage: soaplite_failover.pl SOAP-URL [service|data] (or set MICETRO_URL)\n";
    my $style = $ARGV[1] // 'data';
    my $secs = lifecycle($url, $style, ($ENV{MICETRO_SOAP} // '') eq '1.2', "pl$style", 73);
    printf "SOAP::Lite (%s): failover lifecycle done in %.2f s\n", $style, $secs;
}
1;
