#!/usr/bin/env bash
# micetro-emu benchmark: DHCP scopes at scale.  With SERVERS DHCP servers,
# RANGES ranges and 2 x RANGES scopes (each range on two servers) loaded,
# times GetDHCPScopes with a filter matching 50 scopes, paging through every
# scope 100 at a time, one AddDHCPScope (raw POSTs on keep-alive, from
# bench_objects.py), then GetDHCPScope by ref under wrk next to nginx
# serving the same answer as a static file, in the same run.  Prints
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
for t in wrk nginx psql; do
    command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
d=$(mktemp -d /tmp/mbXXXXXX)
chmod 755 "$d"  # the embedded PostgreSQL runs as postgres when root
[ "$(id -u)" = 0 ] && export PSQL_AS=postgres  # and owns its socket directory
emu_pid= ngx_pid=
cleanup() {
    [ -n "$emu_pid" ] && kill -TERM "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    [ -n "$ngx_pid" ] && kill -TERM "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
    rm -rf "$d"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }

# -- the emulator ----------------------------------------------------------
"$bin" serve --listen 127.0.0.1:0 --data-dir "$d/var" 2>"$d/emu.log" &
emu_pid=$!
for _ in $(seq 1 120); do grep -q 'listening on' "$d/emu.log" && break; sleep 0.5; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$d/emu.log" | head -1)
[ -n "$url" ] || { cat "$d/emu.log"; exit 1; }

# -- load, then (1) filter, (2) paging, (3) AddDHCPScope -------------------
/usr/bin/python3 tests/bench/bench_objects.py "$url" "$d/var" "$d"

# -- (4) GetDHCPScope by ref on keep-alive ---------------------------------
cat >"$d/get.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.body = [==[$(cat "$d/get.xml")]==]
LUA
echo "== GetDHCPScope, wrk -t2 -c8 -d${secs}s on keep-alive (${url})"
wrk -t2 -c8 -d"${secs}s" -s "$d/get.lua" "$url" >"$d/wrk-get.txt"
emu_rps=$(rps <"$d/wrk-get.txt")
grep -E 'Latency|Non-2xx|Socket errors' "$d/wrk-get.txt" || true

# -- nginx, the same bytes as a static file --------------------------------
mkdir -p "$d/www" "$d/ngx"
cp "$d/get-answer.xml" "$d/www/get.xml"
np=$(free_port)
cat >"$d/ngx/nginx.conf" <<NGX
worker_processes 2;
daemon off;
pid $d/ngx/nginx.pid;
error_log $d/ngx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$np; root $d/www; default_type text/xml; }
}
NGX
nginx -c "$d/ngx/nginx.conf" -p "$d/ngx" &
ngx_pid=$!
sleep 0.5
echo "== nginx static file of $(stat -c %s "$d/www/get.xml") bytes (the GetDHCPScope answer), same wrk"
wrk -t2 -c8 -d"${secs}s" "http://127.0.0.1:$np/get.xml" >"$d/wrk-ngx.txt"
ngx_rps=$(rps <"$d/wrk-ngx.txt")
kill -TERM "$ngx_pid"; wait "$ngx_pid" 2>/dev/null || true; ngx_pid=

echo
echo "figures:"
printf '  loaded: %s servers, %s ranges, %s scopes\n' "$SERVERS" "$RANGES" "$((2 * RANGES))"
cat "$d/figures.txt"
printf '  GetDHCPScope req/s (keep-alive, 8 conns): %s\n' "$emu_rps"
printf '  nginx static req/s (same bytes):          %s\n' "$ngx_rps"
awk -v a="$emu_rps" -v b="$ngx_rps" 'BEGIN { if (b > 0 && a > 0) printf "  ratio GetDHCPScope/nginx:                 %.4f (1 : %.0f)\n", a / b, b / a }'
