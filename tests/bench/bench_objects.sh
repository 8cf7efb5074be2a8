#!/usr/bin/env bash
# micetro-emu benchmark: DHCP scopes at scale.  With SERVERS DHCP servers,
# RANGES ranges and 2 x RANGES scopes (each range on two servers) loaded,
# times GetDHCPScopes with a filter matching 50 scopes, paging through every
# scope 100 at a time, one AddDHCPScope (raw POSTs on keep-alive, from
# bench_objects.py), then GetDHCPScope by ref under wrk next to nginx
# serving the same answer as a static file, in the same run, and
# GetDHCPServer and GetRange by ref under the same wrk.  Prints
# figures; asserts nothing about speed (read the ratio, not the numbers).
# One server, range and scope go through SOAP; the rest are inserted with
# psql straight into the embedded cluster.
#
# usage: tests/bench/bench_objects.sh
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu), SERVERS (100),
#        RANGES (10000), SECS (seconds per wrk run, 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${MICETRO_EMU_BIN:-build/bin/micetro-emu}
secs=${SECS:-10}
export SERVERS=${SERVERS:-100} RANGES=${RANGES:-10000}
. "$(dirname "$0")/lib.sh"
bench_need wrk nginx psql
[ "$(id -u)" = 0 ] && export PSQL_AS=postgres  # and owns its socket directory

# -- the emulator ----------------------------------------------------------
bench_start_emu "$bin"

# -- load, then (1) filter, (2) paging, (3) AddDHCPScope -------------------
/usr/bin/python3 tests/bench/bench_objects.py "$url" "$d/var" "$d"

# -- (4) GetDHCPScope, GetDHCPServer, GetRange by ref on keep-alive --------
for get in get:GetDHCPScope get-server:GetDHCPServer get-range:GetRange; do
    bench_post_lua "$d/${get%%:*}.lua" "$(cat "$d/${get%%:*}.xml")"
    echo "== ${get#*:}, wrk -t2 -c8 -d${secs}s on keep-alive (${url})"
    wrk -t2 -c8 -d"${secs}s" -s "$d/${get%%:*}.lua" "$url" >"$d/wrk-${get%%:*}.txt"
    grep -E 'Latency|Non-2xx|Socket errors' "$d/wrk-${get%%:*}.txt" || true
done
emu_rps=$(rps <"$d/wrk-get.txt")
server_rps=$(rps <"$d/wrk-get-server.txt")
range_rps=$(rps <"$d/wrk-get-range.txt")

# -- nginx, the same bytes as a static file --------------------------------
bench_wrk_nginx "$d/get-answer.xml" "$secs"

echo
echo "figures:"
printf '  loaded: %s servers, %s ranges, %s scopes\n' "$SERVERS" "$RANGES" "$((2 * RANGES))"
cat "$d/figures.txt"
printf '  GetDHCPScope req/s (keep-alive, 8 conns): %s\n' "$emu_rps"
printf '  GetDHCPServer req/s (same):               %s\n' "$server_rps"
printf '  GetRange req/s (same):                    %s\n' "$range_rps"
printf '  nginx static req/s (same bytes):          %s\n' "$ngx_rps"
awk -v a="$emu_rps" -v b="$ngx_rps" 'BEGIN { if (b > 0 && a > 0) printf "  ratio GetDHCPScope/nginx:                 %.4f (1 : %.0f)\n", a / b, b / a }'
