#!/usr/bin/env bash
# micetro-emu benchmark: the HTTP front and the read path.  In one run:
# req/s and p50/p99 latency at 8 and 64 keep-alive connections of
# GetDHCPServer by ref, GetDHCPFailoverRelationship and
# GetDHCPFailoverRelationships (10 relationships), each next to nginx
# serving the same answer as a static file; then a legitimate client's
# latency alone and during 300 slowloris connections.  Prints figures;
# asserts nothing about speed (read the ratios, not the numbers).
#
# usage: tests/bench/bench_http.sh [seconds per wrk run, default 10]
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${MICETRO_EMU_BIN:-build/bin/micetro-emu}
secs=${1:-10}
. "$(dirname "$0")/lib.sh"
bench_need wrk nginx psql
[ "$(id -u)" = 0 ] && export PSQL_AS=postgres # and owns its socket directory

bench_start_emu "$bin"
/usr/bin/python3 tests/bench/bench_http.py setup "$url" "$d/var" "$d"
: >"$d/figures.txt"
for what in server relationship relationships; do
    bench_post_lua "$d/$what.lua" "$(cat "$d/$what.xml")"
    for conns in 8 64; do
        echo "== $what, wrk -t2 -c$conns -d${secs}s --latency on keep-alive"
        wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$d/$what.lua" "$url" \
            >"$d/wrk-$what-$conns.txt"
        grep -E 'Non-2xx|Socket errors' "$d/wrk-$what-$conns.txt" || true
        emu_rps=$(rps <"$d/wrk-$what-$conns.txt")
        emu_p50=$(p50 <"$d/wrk-$what-$conns.txt")
        emu_p99=$(p99 <"$d/wrk-$what-$conns.txt")
        bench_wrk_nginx "$d/$what-answer.xml" "$secs" "$conns"
        awk -v w="$what" -v c="$conns" -v a="$emu_rps" -v b="$ngx_rps" \
            -v p="$emu_p50" -v q="$emu_p99" -v np="$ngx_p50" -v nq="$ngx_p99" \
            'BEGIN { printf "  %-13s %2d conns: %9.0f req/s, p50 %8s, p99 %8s | nginx %9.0f req/s, p50 %8s, p99 %8s | ratio %.3f\n", w, c, a, p, q, b, np, nq, (b > 0 ? a / b : 0) }' \
            >>"$d/figures.txt"
    done
done
/usr/bin/python3 tests/bench/bench_http.py slowloris "$url" "$d"

echo
echo "figures:"
cat "$d/figures.txt"
