# micetro-emu benchmarks: the steps every bench script shares.  Source it
# after `set -euo pipefail`; it sets d (a scratch directory, removed on
# exit) and defines:
#   bench_need TOOL...            exit unless every tool is installed
#   bench_start_emu BIN [ARG...]  start the emulator on a free port, set
#                                 emu_pid and url (the ?Soap endpoint)
#   bench_stop_emu                stop it (SIGTERM, waited for)
#   bench_post_lua FILE BODY      a wrk script POSTing BODY as SOAP 1.1
#   bench_wrk_nginx FILE SECS [CONNS]  serve FILE with nginx and run the
#                                 same wrk against it (8 connections by
#                                 default); sets ngx_rps, ngx_p50, ngx_p99
#   rps / count                   Requests/sec / request count from wrk
#   p50 / p99                     latency percentiles from wrk --latency
d=$(mktemp -d /tmp/mbXXXXXX)
chmod 755 "$d"  # the embedded PostgreSQL runs as postgres when root
emu_pid= ngx_pid=
bench_cleanup() {
    [ -n "$emu_pid" ] && kill -TERM "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    [ -n "$ngx_pid" ] && kill -TERM "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
    rm -rf "$d"
}
trap bench_cleanup EXIT

bench_need() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
    done
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
count() { sed -n 's/^ *\([0-9]*\) requests in.*/\1/p'; }
p50() { awk '$1 == "50%" {print $2}'; }
p99() { awk '$1 == "99%" {print $2}'; }

bench_start_emu() {
    local bin=$1
    shift
    "$bin" serve --listen 127.0.0.1:0 --data-dir "$d/var" "$@" 2>"$d/emu.log" &
    emu_pid=$!
    for _ in $(seq 1 120); do grep -qs 'listening on' "$d/emu.log" && break; sleep 0.5; done
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$d/emu.log" | head -1)
    [ -n "$url" ] || { cat "$d/emu.log"; exit 1; }
}

bench_stop_emu() {
    kill -TERM "$emu_pid" && wait "$emu_pid" 2>/dev/null || true
    emu_pid=
}

bench_post_lua() {
    cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.body = [==[$2]==]
LUA
}

bench_wrk_nginx() {
    local file=$1 secs=$2 conns=${3:-8} np
    mkdir -p "$d/www" "$d/ngx"
    cp "$file" "$d/www/answer.xml"
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
    echo "== nginx static file of $(stat -c %s "$d/www/answer.xml") bytes (the same answer), same wrk"
    wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$np/answer.xml" >"$d/wrk-ngx.txt"
    ngx_rps=$(rps <"$d/wrk-ngx.txt")
    ngx_p50=$(p50 <"$d/wrk-ngx.txt")
    ngx_p99=$(p99 <"$d/wrk-ngx.txt")
    kill -TERM "$ngx_pid"; wait "$ngx_pid" 2>/dev/null || true; ngx_pid=
}
