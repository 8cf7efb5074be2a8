#!/usr/bin/env bash
# micetro-emu benchmark: what the request journal costs.  In one run,
# rounds of the same wrk load (GetDHCPServer by ref on keep-alive
# connections) against the emulator without the journal (--journal-size
# 0), with it, and with it keeping bodies (--journal-bodies), one after
# the other on one database, twice over; then the journal's rows and the
# calls it dropped.  Prints figures; asserts nothing about speed.
#
# usage: tests/bench/bench_journal.sh [seconds per wrk run, default 10]
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${MICETRO_EMU_BIN:-build/bin/micetro-emu}
secs=${1:-10}
. "$(dirname "$0")/lib.sh"
bench_need wrk psql curl
[ "$(id -u)" = 0 ] && export PSQL_AS=postgres # and owns its socket directory

jpsql() {
    if [ -n "${PSQL_AS:-}" ]; then
        (cd / && runuser -u "$PSQL_AS" -- psql "$@")
    else
        psql "$@"
    fi
}

bench_start_emu "$bin"
/usr/bin/python3 tests/bench/bench_http.py setup "$url" "$d/var" "$d" >/dev/null
bench_stop_emu
bench_post_lua "$d/server.lua" "$(cat "$d/server.xml")"
: >"$d/figures.txt"
for round in 1 2; do
    for mode in off on bodies; do
        case $mode in
        off) args=(--journal-size 0) ;;
        on) args=() ;;
        bodies) args=(--journal-bodies) ;;
        esac
        bench_start_emu "$bin" "${args[@]}"
        base=${url%%/_mmwebext*}
        curl -fsS -X DELETE "$base/_emu/requests"
        for conns in 8 64; do
            wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$d/server.lua" "$url" \
                >"$d/wrk.txt"
            grep -E 'Non-2xx|Socket errors' "$d/wrk.txt" || true
            curl -fsS "$base/_emu/requests?limit=1" >"$d/last.json"
            rows=$(jpsql -X -q -t -A "host=$d/var/run dbname=micetro user=micetro" \
                -c 'SELECT count(*) FROM journal')
            dropped=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["dropped"])' \
                <"$d/last.json")
            awk -v r="$round" -v m="$mode" -v c="$conns" -v a="$(rps <"$d/wrk.txt")" \
                -v n="$(count <"$d/wrk.txt")" -v p="$(p50 <"$d/wrk.txt")" \
                -v q="$(p99 <"$d/wrk.txt")" -v rows="$rows" -v dr="$dropped" \
                'BEGIN { printf "  round %d, journal %-6s %2d conns: %8.0f req/s, p50 %8s, p99 %8s; %d calls, %d rows kept, %d dropped\n", r, m, c, a, p, q, n, rows, dr }' \
                >>"$d/figures.txt"
        done
        bench_stop_emu
    done
done
echo "figures (rows kept: at most --journal-size, 10000):"
cat "$d/figures.txt"
