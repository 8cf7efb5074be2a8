#!/usr/bin/env bash
# micetro-emu: makes the Debian 12 base image the images of docker/ are
# built from when Docker Hub is out of reach: debootstrap --variant=minbase
# bookworm, without apt's downloaded packages and lists, documentation,
# manual pages and translations (and dpkg told to leave them out of later
# installs too), imported as one layer.  An image of that name that exists
# already is kept: the base is made once per machine.
#
# usage: docker/base-image.sh [IMAGE, default localhost/micetro-base:bookworm]
# env:   ENGINE (podman or docker, default podman), MIRROR (default
#        http://deb.debian.org/debian), FROM_IMAGE (a local Debian 12 image
#        to clean up instead of running debootstrap)
# Needs root (debootstrap) and debootstrap, unless FROM_IMAGE is given.
set -euo pipefail
image=${1:-localhost/micetro-base:bookworm}
engine=${ENGINE:-podman}
mirror=${MIRROR:-http://deb.debian.org/debian}
if "$engine" image inspect "$image" >/dev/null 2>&1; then
    echo "base-image: $image exists"
    exit 0
fi
root=$(mktemp -d /tmp/micetro-rootfs.XXXXXX)
ctr=""
cleanup() {
    rm -rf "$root"
    [ -z "$ctr" ] || "$engine" rm -f "$ctr" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [ -n "${FROM_IMAGE:-}" ]; then
    ctr=$("$engine" create "$FROM_IMAGE" /bin/true)
    "$engine" export "$ctr" | tar -C "$root" -x
else
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
    "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/var/log/*.log \
    "$root"/var/cache/debconf/*-old
cat >"$root/etc/dpkg/dpkg.cfg.d/micetro-slim" <<'CFG'
# what containers never read: later installs leave it out too
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
CFG
cat >"$root/etc/apt/apt.conf.d/micetro-slim" <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
APT::Keep-Downloaded-Packages "false";
CFG
tar -C "$root" -c . | "$engine" import \
    --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "base-image: made $image"
