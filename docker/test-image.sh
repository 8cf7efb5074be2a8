#!/usr/bin/env bash
# micetro-emu: builds the container image and checks it for real: the
# emulator starts on its embedded PostgreSQL, python3-zeep logs in and out,
# SIGTERM stops it with exit status 0.  Needs root, podman (runtime runc)
# and, when no Debian 12 base image is present, debootstrap.
#
# usage: docker/test-image.sh [port, default 18580]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-18580}
base=localhost/debian:bookworm
# this machine's limits are lower than podman's defaults
lim=(--runtime runc)
run_lim=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
if ! podman image exists "$base"; then
    root=$(mktemp -d /tmp/rootfsXXXXXX)
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
    tar -C "$root" -c . | podman import - "$base" >/dev/null
    rm -rf "$root"
fi
podman "${lim[@]}" build "${run_lim[@]}" --network host --build-arg BASE="$base" \
    -f docker/Containerfile -t localhost/micetro-emu:test . >/dev/null
name=micetro-emu-test-$$
podman "${lim[@]}" run -d --name "$name" --init "${run_lim[@]}" --network host \
    -e MICETRO_ADMIN_PASSWORD=image-test \
    --entrypoint /usr/local/bin/micetro-emu localhost/micetro-emu:test \
    run --listen "127.0.0.1:$port" --data-dir /var/lib/micetro-emu >/dev/null
trap 'podman rm -f "$name" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 120); do
    podman logs "$name" 2>&1 | grep -q 'listening on' && break
    sleep 0.5
done
/usr/bin/python3 - "$port" <<'PY'
import sys, zeep
c = zeep.Client("http://127.0.0.1:%s/_mmwebext/mmwebext.dll?wsdl" % sys.argv[1],
                settings=zeep.Settings(strict=True))
s = c.service.Login(server="localhost", loginName="administrator", password="image-test")
assert len(s) == 20 and s.isalnum(), s
c.service.Logout(session=s)
print("image: login and logout ok")
PY
podman stop -t 30 "$name" >/dev/null
rc=$(podman inspect "$name" --format '{{.State.ExitCode}}')
podman logs "$name" 2>&1 | tail -2
[ "$rc" = 0 ] || { echo "image: exit status $rc"; exit 1; }
echo "image: stopped cleanly"
