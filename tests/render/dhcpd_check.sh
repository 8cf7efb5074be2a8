#!/bin/sh
# Runs the real ISC dhcpd's configuration check on every golden file of the
# renderer:  dhcpd_check.sh DHCPD GOLDEN_DIR
#
# `dhcpd -t -cf FILE` parses the file and exits (no socket, no lease file,
# no interface; never -q, which hides the error text).  A file fails on a
# non-zero exit and also on any warning line, since a generated file
# should not need one (a missing `load balance max seconds`, for one, only
# warns).  Exit 77 (skipped) when DHCPD is not installed.
dhcpd=${1:-/usr/sbin/dhcpd}
dir=${2:?usage: dhcpd_check.sh DHCPD GOLDEN_DIR}

if [ ! -x "$dhcpd" ]; then
    echo "skipped: $dhcpd is not installed"
    exit 77
fi

n=0
failed=0
for f in "$dir"/*.conf; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    out=$("$dhcpd" -t -cf "$f" 2>&1)
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: $f: dhcpd -t exited $rc:"
        printf '%s\n' "$out"
        failed=$((failed + 1))
    elif printf '%s\n' "$out" | grep -qi '^warning'; then
        echo "FAIL: $f: dhcpd -t warns:"
        printf '%s\n' "$out" | grep -i '^warning'
        failed=$((failed + 1))
    else
        echo "ok: $(basename "$f")"
    fi
done
if [ "$n" -eq 0 ]; then
    echo "FAIL: no golden files in $dir"
    exit 1
fi
echo "$n files checked, $failed failed"
[ "$failed" -eq 0 ]
