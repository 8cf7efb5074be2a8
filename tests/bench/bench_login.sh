#!/usr/bin/env bash
# micetro-emu benchmark: Login on keep-alive next to nginx serving a static
# file of the same size, in the same run, and the daemon's resident memory
# after 100,000 requests.  Prints figures; asserts nothing about speed
# (timings on shared machines are noisy: read the ratio, not the numbers).
# Login is bound by its yescrypt password check (about 16 ms of CPU each, by
# design); the mixed figure shows the cost of the other paths.
#
# usage: tests/bench/bench_login.sh [seconds per wrk run, default 10]
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu), REQUESTS (100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${MICETRO_EMU_BIN:-build/bin/micetro-emu}
secs=${1:-10}
total_wanted=${REQUESTS:-100000}
. "$(dirname "$0")/lib.sh"
bench_need wrk nginx curl
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# -- the emulator ----------------------------------------------------------
bench_start_emu "$bin"
base=${url%%/_mmwebext*}
env_start='<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
env_end='</soap:Body></soap:Envelope>'
login="$env_start<Login xmlns=\"http://menandmice.com/webservices/\"><server>localhost</server><loginName>administrator</loginName><password>administrator</password></Login>$env_end"
curl -s -o "$d/login.xml" -H 'Content-Type: text/xml; charset=utf-8' --data-binary "$login" "$url"
grep -q '<mm:session>' "$d/login.xml" || { echo "bench: Login failed:"; cat "$d/login.xml"; exit 1; }
session=$(sed -n 's/.*<mm:session>\([A-Za-z0-9]*\)<.*/\1/p' "$d/login.xml")
bench_post_lua "$d/login.lua" "$login"
rss0=$(rss_kb "$emu_pid")
echo "== Login, wrk -t2 -c8 -d${secs}s on keep-alive (${url})"
wrk -t2 -c8 -d"${secs}s" -s "$d/login.lua" "$url" >"$d/wrk-login.txt"
emu_rps=$(rps <"$d/wrk-login.txt"); emu_n=$(count <"$d/wrk-login.txt")
grep -E 'Latency|Non-2xx|Socket errors' "$d/wrk-login.txt" || true

# -- nginx, the same bytes as a static file --------------------------------
bench_wrk_nginx "$d/login.xml" "$secs"

# -- memory after many requests --------------------------------------------
# A mix that exercises every path: the WSDL, a session-checked operation
# (database round trip, fault), Logout of an unknown session, Login.
cat >"$d/mix.lua" <<LUA
local reqs = {}
local function post(body)
  return wrk.format("POST", "/_mmwebext/mmwebext.dll?Soap",
    {["Content-Type"] = "text/xml; charset=utf-8"}, body)
end
reqs[1] = wrk.format("GET", "/_mmwebext/mmwebext.dll?wsdl")
reqs[2] = post([==[$env_start<GetDHCPServers xmlns="http://menandmice.com/webservices/"><session>$session</session></GetDHCPServers>$env_end]==])
reqs[3] = post([==[$env_start<Logout xmlns="http://menandmice.com/webservices/"><session>AAAAAAAAAAAAAAAAAAAA</session></Logout>$env_end]==])
reqs[4] = post([==[$login]==])
local i = 0
request = function()
  i = i + 1
  if i % 100 == 0 then return reqs[4] end
  return reqs[(i % 3) + 1]
end
LUA
done_n=$emu_n
mix_rps=
while [ "$done_n" -lt "$total_wanted" ]; do
    wrk -t2 -c8 -d"${secs}s" -s "$d/mix.lua" "$base/_mmwebext/mmwebext.dll" >"$d/wrk-mix.txt"
    n=$(count <"$d/wrk-mix.txt"); done_n=$((done_n + n))
    [ -n "$mix_rps" ] || mix_rps=$(rps <"$d/wrk-mix.txt")
done
sleep 1
rss1=$(rss_kb "$emu_pid")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$emu_pid/status")
threads=$(awk '/^Threads/ {print $2}' "/proc/$emu_pid/status")

echo
echo "figures:"
printf '  Login req/s (keep-alive, 8 conns): %s\n' "$emu_rps"
printf '  nginx static req/s (same bytes):   %s\n' "$ngx_rps"
awk -v a="$emu_rps" -v b="$ngx_rps" 'BEGIN { if (b > 0) printf "  ratio Login/nginx:                 %.4f (1 : %.0f)\n", a / b, b / a }'
printf '  mixed req/s (WSDL, session check, Logout, 1%% Login): %s\n' "$mix_rps"
printf '  requests served in all:            %s\n' "$done_n"
printf '  RSS at start:                      %s KiB\n' "$rss0"
printf '  RSS after %s requests:         %s KiB (peak %s KiB, %s threads)\n' "$done_n" "$rss1" "$hwm" "$threads"
