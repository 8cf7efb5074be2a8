#!/usr/bin/env bash
# micetro-emu benchmark: the configuration worker's throughput.  SERVERS
# (100) real micetro-dhcp-agent processes on 127.0.1.1 .. 127.0.1.SERVERS
# port 8647, inside a throw-away network namespace (`unshare -n`, root
# only; all of 127/8 is local there), each with a dhcpd.conf, lease file
# and pid file of its own.  The agents run in their systemd-host mode
# (`--start-cmd /bin/true --stop-cmd /bin/true`, `--settle-ms SETTLE_MS`),
# so no dhcpd daemons are started, but every push is still checked with
# the real `dhcpd -t` and installed; each pid file names one idle stand-in
# process, which is what the agent looks for after a start.
#
# One `micetro-emu run` (embedded PostgreSQL) gets the servers, one range,
# scope and pool each, through SOAP (bench_worker.py) and pushes them; once
# all are OK, every server's unmanagedStatements is changed (one
# SetProperties each, back to back) and the time from the first call until
# all are OK with the statement in their agents' live files is taken:
#   1. with the worker of `run` alone;
#   2. again with a second `micetro-emu worker` on the same database; each
#      process logs the pushes it made, counted per process.
# Prints figures; asserts nothing about speed.
#
# usage: tests/bench/bench_worker.sh        (as root)
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu),
#        MICETRO_AGENT_BIN (default: micetro-dhcp-agent next to it),
#        SERVERS (100, at most 254), SETTLE_MS (50), MICETRO_DHCPD (dhcpd)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${MICETRO_EMU_BIN:-build/bin/micetro-emu}
agent_bin=${MICETRO_AGENT_BIN:-$(dirname "$bin")/micetro-dhcp-agent}
servers=${SERVERS:-100}
settle=${SETTLE_MS:-50}
dhcpd=${MICETRO_DHCPD:-$(command -v dhcpd || echo /usr/sbin/dhcpd)}

if [ -z "${IN_BENCH_NS:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "bench: run as root (network namespace, 127.0.1.x)" >&2; exit 1; }
    for t in unshare ip; do
        command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
    done
    [ -x "$bin" ] && [ -x "$agent_bin" ] || { echo "bench: build $bin and $agent_bin first" >&2; exit 1; }
    [ -x "$dhcpd" ] || { echo "bench: dhcpd is missing" >&2; exit 1; }
    /usr/bin/python3 -c 'import zeep' 2>/dev/null || { echo "bench: python3 zeep is missing" >&2; exit 1; }
    [ "$servers" -ge 1 ] && [ "$servers" -le 254 ] || { echo "bench: SERVERS 1..254" >&2; exit 1; }
    IN_BENCH_NS=1 exec unshare -n "$0" "$@"
fi
ip link set lo up

. tests/bench/lib.sh
agent_pids=() w2_pid= standin_pid=
worker_cleanup() {
    local p
    if [ -n "$w2_pid" ]; then  # before the cluster it uses
        kill -TERM "$w2_pid" 2>/dev/null || true
        wait "$w2_pid" 2>/dev/null || true
    fi
    for p in $emu_pid "${agent_pids[@]}" $standin_pid; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in $emu_pid "${agent_pids[@]}" $standin_pid; do
        wait "$p" 2>/dev/null || true
    done
    emu_pid=
    bench_cleanup
}
trap worker_cleanup EXIT

secret=bench-worker-secret-0123456789
echo "$secret" >"$d/secret"
chmod 644 "$d/secret"
sleep 1000000 &   # the stand-in "dhcpd" every pid file names
standin_pid=$!

echo "== $servers agents on 127.0.1.1..127.0.1.$servers:8647 (settle ${settle} ms, dhcpd -t: $dhcpd)"
for i in $(seq 1 "$servers"); do
    a=$d/a$i
    mkdir -p "$a"
    echo "$standin_pid" >"$a/dhcpd.pid"
    "$agent_bin" --listen "127.0.1.$i:8647" --dhcpd-conf "$a/dhcpd.conf" \
        --lease-file "$a/dhcpd.leases" --pid-file "$a/dhcpd.pid" --dhcpd "$dhcpd" \
        --secret-file "$d/secret" --start-cmd /bin/true --stop-cmd /bin/true \
        --settle-ms "$settle" 2>"$a/agent.log" &
    agent_pids+=($!)
done
for i in $(seq 1 "$servers"); do
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.1.$i/8647") 2>/dev/null && break
        sleep 0.05
    done
done

"$bin" run --listen 127.0.0.1:0 --data-dir "$d/var" --agent-secret-file "$d/secret" \
    2>"$d/emu.log" &
emu_pid=$!
for _ in $(seq 1 120); do grep -q 'listening on' "$d/emu.log" && break; sleep 0.5; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$d/emu.log" | head -1)
[ -n "$url" ] || { cat "$d/emu.log"; exit 1; }
run_id=$(sed -n 's/.*worker \(.*\): pushing configurations.*/\1/p' "$d/emu.log" | head -1)

helper() { /usr/bin/python3 tests/bench/bench_worker.py "$url" "$d" "$servers" "$@"; }
val() { sed -n "s/^$1=//p" "$2"; }
installed() { grep -c 'configuration [0-9a-f]* installed' "$1" || true; }

echo "== setup: $servers servers, ranges, scopes and pools through SOAP ($url)"
helper setup | tee "$d/setup.txt"

echo "== change 1: unmanagedStatements on all $servers, the worker of run alone (${run_id:-?})"
n0=$(installed "$d/emu.log")
helper change 600 | tee "$d/one.txt"
one_run=$(( $(installed "$d/emu.log") - n0 ))

echo "== change 2: the same with a second micetro-emu worker on the same database"
"$bin" worker --db "host=$d/var/run dbname=micetro user=micetro" \
    --agent-secret-file "$d/secret" 2>"$d/w2.log" &
w2_pid=$!
for _ in $(seq 1 100); do grep -q 'pushing configurations' "$d/w2.log" && break; sleep 0.1; done
grep -q 'pushing configurations' "$d/w2.log" || { cat "$d/w2.log"; exit 1; }
w2_id=$(sed -n 's/.*worker \(.*\): pushing configurations.*/\1/p' "$d/w2.log" | head -1)
n0=$(installed "$d/emu.log")
helper change 700 | tee "$d/two.txt"
two_run=$(( $(installed "$d/emu.log") - n0 ))
two_w2=$(installed "$d/w2.log")

echo
echo "figures:"
printf '  agents: %s (systemd-host mode, /bin/true start/stop, settle %s ms, real dhcpd -t)\n' \
    "$servers" "$settle"
printf '  setup: %s s of SOAP calls, %s s until all %s OK\n' \
    "$(val setup_calls "$d/setup.txt")" "$(val setup_to_ok "$d/setup.txt")" "$servers"
printf '  one worker:  %s SetProperties in %s s; all OK with the new file after %s s: %s pushes/s\n' \
    "$servers" "$(val calls "$d/one.txt")" "$(val seconds "$d/one.txt")" "$(val pushes_per_s "$d/one.txt")"
printf '               pushes logged: run %s\n' "$one_run"
printf '  two workers: %s SetProperties in %s s; all OK with the new file after %s s: %s pushes/s\n' \
    "$servers" "$(val calls "$d/two.txt")" "$(val seconds "$d/two.txt")" "$(val pushes_per_s "$d/two.txt")"
printf '               pushes logged: run (%s) %s, worker (%s) %s\n' \
    "${run_id:-?}" "$two_run" "${w2_id:-?}" "$two_w2"
