#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The images and the compose stack of docker/, for real, with podman (runc)
# and podman-compose: builds the three images from a local Debian 12 base
# (made once per machine by docker/base-image.sh), starts
# docker/compose.yaml, drives the failover lifecycle from the host with
# zeep (tests/container/stack_client.py) until both ISC containers' dhcpd
# are normal, restarts the emulator's container and finds everything
# there, runs the one-command image alone (its first start a copy of the
# template the image holds; a simulated failover when the emulator
# simulates ISC servers), and removes every container, volume,
# network and pod it made, by name or label, failure or not (the images
# stay: they are the next run's layer cache).  Prints the figures ("figure: NAME VALUE").
#
# Exit 77 (skipped) only when not root.  Every wait is bounded.
# env: KEEP=1 keeps the stack and the scratch directory for a look.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: the container test needs root (rootful podman)"
    exit 77
fi
for p in podman podman-compose runc; do
    command -v "$p" >/dev/null || {
        echo "FAIL: $p missing (./micetro.sh test-container installs it)"
        exit 1
    }
done
python=${MICETRO_PYTHON:-/usr/bin/python3}
t_start=$(date +%s.%N)
run=$$-$RANDOM
proj=mtc$run
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
figure() { echo "figure: $1 $2"; }
say() { printf '%s %s\n' "$(date +%T)" "$*"; }

# podman's defaults ask for more open files than such machines allow, and
# crun is not what is installed: settings of the engine, written when
# there are none
conf=/etc/containers/containers.conf
if [ ! -e "$conf" ]; then
    mkdir -p /etc/containers
    printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' >"$conf"
    say "wrote $conf"
fi

scratch=$(mktemp -d /tmp/micetro-stack.XXXXXX)
chmod 0700 "$scratch"
# the images (and the base) stay: they are the next run's layer cache
images=(localhost/micetro-emu:test localhost/micetro-isc-host:test
    localhost/micetro-postgres:test)
single=$proj-single
network=$proj-net
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    rc=$?
    if [ "${KEEP:-0}" = 1 ]; then
        say "KEEP: project $proj, network $network, scratch $scratch left"
        exit "$rc"
    fi
    if [ "$rc" != 0 ] && [ -d "$scratch" ]; then
        for c in $(podman ps -a -q --filter "label=io.podman.compose.project=$proj"); do
            echo "---- podman logs $(podman inspect -f '{{.Name}}' "$c")"
            podman logs "$c" 2>&1 | tail -30
        done
        ! podman container exists "$single" || podman logs "$single" 2>&1 | tail -30
    fi
    podman rm -f -v "$single" >/dev/null 2>&1 || true
    podman volume rm -f "$single" >/dev/null 2>&1 || true
    for c in $(podman ps -a -q --filter "label=io.podman.compose.project=$proj"); do
        podman rm -f -v "$c" >/dev/null 2>&1 || true
    done
    for v in $(podman volume ls -q --filter "label=io.podman.compose.project=$proj") \
        $(cat "$scratch/volumes" 2>/dev/null); do
        podman volume rm -f "$v" >/dev/null 2>&1 || true
    done
    podman pod rm -f "pod_$proj" >/dev/null 2>&1 || true
    podman network rm -f "$network" >/dev/null 2>&1 || true
    rm -rf "$scratch"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the images
base=localhost/micetro-base:bookworm
t=$(date +%s.%N)
from=()
if ! podman image exists "$base" && podman image exists localhost/debian:bookworm; then
    from=(env FROM_IMAGE=localhost/debian:bookworm)
fi
"${from[@]}" docker/base-image.sh "$base" 2>&1 | grep -v '^Copying\|^Getting\|^Writing\|^Storing'
figure base_image_s "$(since "$t")"
build() { # tag target
    podman build --format docker --network host --build-arg BASE="$base" \
        --build-arg JOBS=2 -f docker/Containerfile --target "$2" -t "$1" . \
        >"$scratch/build.log" 2>&1 || { tail -40 "$scratch/build.log"; return 1; }
}
for pass in first again; do
    t=$(date +%s.%N)
    build "${images[0]}" micetro-emu
    build "${images[1]}" isc-host
    build "${images[2]}" postgres
    figure "build_${pass}_s" "$(since "$t")"
done
for i in "${images[@]}"; do
    mb=$(podman image inspect -f '{{.Size}}' "$i" | awk '{ printf "%.0f", $1 / 1e6 }')
    figure "size_mb_$(basename "${i%%:*}")" "$mb"
done
emu_mb=$(podman image inspect -f '{{.Size}}' "${images[0]}" | awk '{ printf "%.0f", $1 / 1e6 }')
[ "$emu_mb" -lt 250 ] || { echo "FAIL: micetro-emu image is $emu_mb MB, not under 250"; exit 1; }
user=$(podman image inspect -f '{{.Config.User}}' "${images[0]}")
[ "$user" = micetro ] || { echo "FAIL: micetro-emu image runs as \"$user\""; exit 1; }

# ---- the stack: a private network with a subnet of its own
net=""
for _ in $(seq 1 20); do
    n=10.89.$((200 + RANDOM % 50))
    if podman network create --subnet "$n.0/24" --ip-range "$n.128/25" \
        --label "io.podman.compose.project=$proj" "$network" >/dev/null 2>&1; then
        net=$n
        break
    fi
done
[ -n "$net" ] || { echo "FAIL: no free subnet 10.89.200-249.0/24"; exit 1; }
port=$($python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir "$scratch/secrets"
for s in db_password admin_password control_token agent_secret; do
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$scratch/secrets/$s"
    chmod 0644 "$scratch/secrets/$s" # the containers' users read them; the directory is 0700
done
export MICETRO_PORT=$port MICETRO_NET=$net MICETRO_NETWORK=$network \
    MICETRO_SECRETS=$scratch/secrets MICETRO_EMU_IMAGE=${images[0]} \
    MICETRO_ISC_IMAGE=${images[1]} MICETRO_POSTGRES_IMAGE=${images[2]}
compose=(podman-compose -p "$proj" -f docker/compose.yaml)
say "stack $proj on $net.0/24, port $port"
t_up=$(date +%s.%N)
"${compose[@]}" up -d --no-build >"$scratch/up.log" 2>&1 || { tail -40 "$scratch/up.log"; exit 1; }
ctr() { echo "${proj}_$1_1"; }
# every volume of the stack's containers, anonymous ones too, for the clean-up
for c in $(podman ps -a -q --filter "label=io.podman.compose.project=$proj"); do
    podman inspect -f '{{range .Mounts}}{{if .Name}}{{.Name}} {{end}}{{end}}' "$c"
done >"$scratch/volumes"
healthy() { podman healthcheck run "$1" >/dev/null 2>&1; }
wait_healthy() { # container seconds
    local end=$((SECONDS + $2))
    until healthy "$1"; do
        [ $SECONDS -lt $end ] || { echo "FAIL: $1 not healthy within $2 s"; return 1; }
        sleep 0.2
    done
}
wait_healthy "$(ctr emu)" 120
figure up_to_emu_healthy_s "$(since "$t_up")"
wait_healthy "$(ctr dhcp-a)" 60
wait_healthy "$(ctr dhcp-b)" 60
figure up_to_all_healthy_s "$(since "$t_up")"
url=http://127.0.0.1:$port
pw=$(cat "$scratch/secrets/admin_password")
$python tests/container/stack_client.py failover "$url" "$pw" "$scratch/state.json" \
    "$net" "$(ctr dhcp-a)" "$(ctr dhcp-b)"
[ "$(podman exec "$(ctr emu)" id -u)" != 0 ] || { echo "FAIL: the emulator runs as root"; exit 1; }
echo "ok   the emulator's container runs as uid $(podman exec "$(ctr emu)" id -u)"

t=$(date +%s.%N)
podman restart -t 30 "$(ctr emu)" >/dev/null
wait_healthy "$(ctr emu)" 120
figure emu_restart_to_healthy_s "$(since "$t")"
$python tests/container/stack_client.py restarted "$url" "$pw" "$scratch/state.json"
t=$(date +%s.%N)
"${compose[@]}" down -t 30 >"$scratch/down.log" 2>&1 || { tail -20 "$scratch/down.log"; exit 1; }
figure down_s "$(since "$t")"

# ---- the one-command image alone
t=$(date +%s.%N)
podman run -d --name "$single" -v "$single:/var/lib/micetro-emu" -p "127.0.0.1:$port:8080" "${images[0]}" >/dev/null
wait_healthy "$single" 120
figure single_run_to_healthy_s "$(since "$t")"
# the image's template, made when it was built, copied: no initdb
slog=$(podman logs "$single" 2>&1)
if ! grep -q 'embedded database created from the template /var/cache/micetro-emu/pg' <<<"$slog" \
    || grep -q 'initdb' <<<"$slog"; then
    echo "FAIL: the first start did not copy the image's template:"
    echo "$slog"
    exit 1
fi
echo "ok   the first start copied the image's template: $(grep -o 'created from the template.*' <<<"$slog")"
spw=$(podman logs "$single" 2>&1 | sed -n "s/.*made the administrator's password in [^:]*: //p")
stok=$(podman logs "$single" 2>&1 | sed -n 's/.*made the control token in [^:]*: //p')
if [ -z "$spw" ] || [ -z "$stok" ]; then
    echo "FAIL: no password or token in the log"
    exit 1
fi
rc=0
$python tests/container/stack_client.py single "$url" "$spw" "$stok" || rc=$?
[ $rc = 0 ] || [ $rc = 77 ] || exit "$rc"
podman stop -t 30 "$single" >/dev/null
code=$(podman inspect -f '{{.State.ExitCode}}' "$single")
[ "$code" = 0 ] || { echo "FAIL: the one-command container exited with $code"; exit 1; }
echo "ok   the one-command container stops on SIGTERM with status 0"
figure total_s "$(since "$t_start")"
exit 0
