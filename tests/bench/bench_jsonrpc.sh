#!/usr/bin/env bash
# micetro-emu benchmark: JSON-RPC next to SOAP.  In one run, on the same
# server and data (bench_http.py setup: 20 servers, 10 relationships):
# req/s and p50/p99 at 8 and 64 keep-alive connections of GetDHCPServer
# by name as SOAP, then as JSON-RPC on the SOAP URL.  Prints figures;
# asserts only that both answer 200 with the same server.
#
# usage: tests/bench/bench_jsonrpc.sh [seconds per wrk run, default 10]
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${MICETRO_EMU_BIN:-build/bin/micetro-emu}
secs=${1:-10}
. "$(dirname "$0")/lib.sh"
bench_need wrk psql curl
[ "$(id -u)" = 0 ] && export PSQL_AS=postgres # and owns its socket directory

bench_start_emu "$bin"
/usr/bin/python3 tests/bench/bench_http.py setup "$url" "$d/var" "$d"
session=$(sed -n 's/.*<session>\([^<]*\)<.*/\1/p' "$d/server.xml")
json='{"jsonrpc":"2.0","method":"GetDHCPServer","params":{"session":"'$session'","dhcpServerRef":"dhcp0.httpbench.example."},"id":1}'
answer=$(curl -sf -H 'Content-Type: application/json' --data-binary "$json" "$url")
case $answer in
*'"name":"dhcp0.httpbench.example."'*) ;;
*) echo "bench: JSON-RPC GetDHCPServer answered: $answer" >&2; exit 1 ;;
esac
bench_post_lua "$d/soap.lua" "$(cat "$d/server.xml")"
bench_post_lua "$d/json.lua" "$json"
sed -i 's|text/xml; charset=utf-8|application/json|' "$d/json.lua"
: >"$d/figures.txt"
for conns in 8 64; do
    for what in soap json; do
        echo "== GetDHCPServer as $what, wrk -t2 -c$conns -d${secs}s --latency"
        wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$d/$what.lua" "$url" \
            >"$d/wrk-$what-$conns.txt"
        if grep -E 'Non-2xx|Socket errors' "$d/wrk-$what-$conns.txt"; then
            exit 1
        fi
        eval "${what}_rps=\$(rps <\"\$d/wrk-$what-$conns.txt\")"
        eval "${what}_p50=\$(p50 <\"\$d/wrk-$what-$conns.txt\")"
        eval "${what}_p99=\$(p99 <\"\$d/wrk-$what-$conns.txt\")"
    done
    awk -v c="$conns" -v a="$soap_rps" -v b="$json_rps" -v p="$soap_p50" \
        -v q="$soap_p99" -v jp="$json_p50" -v jq="$json_p99" \
        'BEGIN { printf "  GetDHCPServer %2d conns: SOAP %9.0f req/s, p50 %8s, p99 %8s | JSON-RPC %9.0f req/s, p50 %8s, p99 %8s | JSON/SOAP %.3f\n", c, a, p, q, b, jp, jq, (a > 0 ? b / a : 0) }' \
        >>"$d/figures.txt"
done
echo "== figures"
cat "$d/figures.txt"
