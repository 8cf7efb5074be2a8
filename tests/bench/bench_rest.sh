#!/usr/bin/env bash
# micetro-emu benchmark: REST beside SOAP in one run.  req/s and p50/p99
# of GET /mmws/api/DHCPServers/<ref> (HTTP Basic on every call, as REST
# clients send it) and of SOAP GetDHCPServer with a session, each with wrk
# at 8 keep-alive connections.  Prints figures; asserts nothing about
# speed.
#
# usage: tests/bench/bench_rest.sh [seconds per wrk run, default 10]
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${MICETRO_EMU_BIN:-build/bin/micetro-emu}
secs=${1:-10}
. "$(dirname "$0")/lib.sh"
bench_need wrk

bench_start_emu "$bin"
base=${url%%/_mmwebext*}
auth=$(printf 'administrator:administrator' | base64)
ref=$(curl -sf -X POST -H "Authorization: Basic $auth" \
    -H 'Content-Type: application/json' "$base/mmws/api/DHCPServers" \
    -d '{"dhcpServer":{"name":"dhcp0.restbench.example.","type":"ISC","address":"192.168.77.1"}}' |
    sed -n 's/.*"ref": *"\([^"]*\)".*/\1/p')
[ -n "$ref" ] || { echo "bench: could not add the server" >&2; exit 1; }
session=$(curl -sf -H 'Content-Type: text/xml' "$url" -d '<?xml version="1.0"?><soap:Envelope
 xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Login
 xmlns="http://menandmice.com/webservices/"><server>localhost</server><loginName>administrator</loginName><password>administrator</password></Login></soap:Body></soap:Envelope>' |
    sed -n 's/.*<[a-z0-9]*:*session>\([^<]*\)<.*/\1/p')
[ -n "$session" ] || { echo "bench: no session" >&2; exit 1; }
bench_post_lua "$d/soap.lua" '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetDHCPServer xmlns="http://menandmice.com/webservices/"><session>'"$session"'</session><dhcpServerRef>'"$ref"'</dhcpServerRef></GetDHCPServer></soap:Body></soap:Envelope>'
cat >"$d/rest.lua" <<LUA
wrk.method = "GET"
wrk.headers["Authorization"] = "Basic $auth"
LUA
echo "== REST GET $base/mmws/api/$ref, wrk -t2 -c8 -d${secs}s"
wrk -t2 -c8 -d"${secs}s" --latency -s "$d/rest.lua" "$base/mmws/api/$ref" >"$d/wrk-rest.txt"
grep -E 'Non-2xx|Socket errors' "$d/wrk-rest.txt" || true
echo "== SOAP GetDHCPServer, same wrk"
wrk -t2 -c8 -d"${secs}s" --latency -s "$d/soap.lua" "$url" >"$d/wrk-soap.txt"
grep -E 'Non-2xx|Socket errors' "$d/wrk-soap.txt" || true
printf '%-28s %10s %10s %10s\n' "" "req/s" "p50" "p99"
printf '%-28s %10s %10s %10s\n' "REST GET DHCPServers/<id>" "$(rps <"$d/wrk-rest.txt")" \
    "$(p50 <"$d/wrk-rest.txt")" "$(p99 <"$d/wrk-rest.txt")"
printf '%-28s %10s %10s %10s\n' "SOAP GetDHCPServer" "$(rps <"$d/wrk-soap.txt")" \
    "$(p50 <"$d/wrk-soap.txt")" "$(p99 <"$d/wrk-soap.txt")"
