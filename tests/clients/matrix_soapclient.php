<?php
// SPDX-License-Identifier: GPL-2.0-or-later
//
// The failover lifecycle of clients/examples/soapclient_failover.php with
// PHP's SoapClient in SOAP 1.1 and 1.2, against the server of MICETRO_URL
// (run_with_emu.py).  Prints one line per run and "N passed, M failed".
require __DIR__ . '/../../clients/examples/soapclient_failover.php';

$url = getenv('MICETRO_URL');
if (!$url) {
    echo "MICETRO_URL not set (run through run_with_emu.py)\n";
    exit(77);
}
$passed = 0;
$failed = 0;
foreach ([[false, 'php11', 87], [true, 'php12', 88]] as [$soap12, $tag, $octet]) {
    $v = $soap12 ? '1.2' : '1.1';
    try {
        $secs = lifecycle($url, $soap12, $tag, $octet);
        printf("ok - SoapClient SOAP %s lifecycle\nTIME SoapClient SOAP %s: %.2f s\n", $v, $v, $secs);
        $passed++;
    } catch (Throwable $e) {
        printf("not ok - SoapClient SOAP %s lifecycle: %s\n", $v, $e->getMessage());
        $failed++;
    }
}
// the checks can fail
try {
    check('a wrong answer', 1, 2);
    echo "not ok - a mismatch went unnoticed\n";
    $failed++;
} catch (RuntimeException $e) {
    echo "ok - a mismatch is reported\n";
    $passed++;
}
printf("%d passed, %d failed\n", $passed, $failed);
exit($failed ? 1 : 0);
