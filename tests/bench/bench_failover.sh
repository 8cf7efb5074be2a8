#!/usr/bin/env bash
# micetro-emu benchmark: failover relationships at scale.  With SERVERS
# DHCP servers, RELATIONSHIPS relationships and 2 x RANGES member scopes
# (each with a pool) loaded, times GetDHCPFailoverRelationships for one
# server and for all, a page of 100 member pools (each with its
# relationship's failoverState) next to a page of 100 scopes, and an
# AddDHCPScopesToDHCPFailoverRelationship of 100 scopes (raw POSTs on
# keep-alive, from bench_failover.py), then
# GetDHCPFailoverRelationship under wrk next to nginx serving the same
# answer as a static file, in the same run.  Prints figures; asserts
# nothing about speed (read the ratio, not the numbers).
#
# usage: tests/bench/bench_failover.sh
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu), SERVERS (200),
#        RELATIONSHIPS (1000), RANGES (10000), SECS (seconds per wrk run, 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${MICETRO_EMU_BIN:-build/bin/micetro-emu}
secs=${SECS:-10}
export SERVERS=${SERVERS:-200} RELATIONSHIPS=${RELATIONSHIPS:-1000} RANGES=${RANGES:-10000}
. "$(dirname "$0")/lib.sh"
bench_need wrk nginx psql
[ "$(id -u)" = 0 ] && export PSQL_AS=postgres  # and owns its socket directory

bench_start_emu "$bin"
/usr/bin/python3 tests/bench/bench_failover.py "$url" "$d/var" "$d"

bench_post_lua "$d/get.lua" "$(cat "$d/get.xml")"
echo "== GetDHCPFailoverRelationship, wrk -t2 -c8 -d${secs}s on keep-alive (${url})"
wrk -t2 -c8 -d"${secs}s" -s "$d/get.lua" "$url" >"$d/wrk-get.txt"
emu_rps=$(rps <"$d/wrk-get.txt")
grep -E 'Latency|Non-2xx|Socket errors' "$d/wrk-get.txt" || true
bench_wrk_nginx "$d/get-answer.xml" "$secs"

echo
echo "figures:"
printf '  loaded: %s servers, %s relationships, %s member scopes\n' \
    "$SERVERS" "$RELATIONSHIPS" "$((2 * RANGES))"
cat "$d/figures.txt"
printf '  GetDHCPFailoverRelationship req/s (keep-alive, 8 conns): %s\n' "$emu_rps"
printf '  nginx static req/s (same bytes):                         %s\n' "$ngx_rps"
awk -v a="$emu_rps" -v b="$ngx_rps" 'BEGIN { if (b > 0 && a > 0) printf "  ratio GetDHCPFailoverRelationship/nginx:                 %.4f (1 : %.0f)\n", a / b, b / a }'
