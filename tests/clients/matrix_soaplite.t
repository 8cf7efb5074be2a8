#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The failover lifecycle of clients/examples/soaplite_failover.pl under
# prove: service() positional calls (SOAP 1.1) and SOAP::Data named calls
# in SOAP 1.1 and 1.2, against the server of MICETRO_URL (run_with_emu.py).
use strict;
use warnings;
use FindBin;
use Test::More;

my $url = $ENV{MICETRO_URL}
    or plan skip_all => 'MICETRO_URL not set (run through run_with_emu.py)';
require "$FindBin::Bin/../../clients/examples/soaplite_failover.pl";

my @runs = (['service', 0, 'plsvc', 84], ['data', 0, 'pldata11', 85], ['data', 1, 'pldata12', 86]);
for my $r (@runs) {
    my ($style, $soap12, $tag, $octet) = @$r;
    my $what = sprintf '%s, SOAP %s', $style, $soap12 ? '1.2' : '1.1';
    my $secs = eval { lifecycle($url, $style, $soap12, $tag, $octet) };
    is($@, '', "lifecycle ($what): every answer as expected");
    diag(sprintf 'TIME SOAP::Lite %s: %.2f s', $what, $secs) if defined $secs;
}
# each run removes what it made: a repeat with the same names passes
my $again = eval { lifecycle($url, 'data', 0, 'pldata11', 85) };
is($@, '', 'a repeat of a lifecycle passes: the first removed everything');
eval { main::check('a wrong answer', 'x', 'y') };
like($@, qr/a wrong answer: got 'x', want 'y'/, 'a mismatch is reported');
done_testing();
