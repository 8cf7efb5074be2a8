#!/bin/bash
# micetro-emu image: the health check.  GET /_emu/health on loopback, with
# the control token when there is one (the control API then asks for it
# on loopback too); healthy on 200.  Bash's /dev/tcp: no HTTP client in
# the image.
# SPDX-License-Identifier: GPL-2.0-or-later
token=${MICETRO_CONTROL_TOKEN:-}
for f in "${MICETRO_CONTROL_TOKEN_FILE:-}" \
    "${MICETRO_DATA_DIR:-/var/lib/micetro-emu}/control-token"; do
    if [ -z "$token" ] && [ -n "$f" ] && [ -r "$f" ]; then
        token=$(cat "$f")
    fi
done
exec 3<>"/dev/tcp/127.0.0.1/${MICETRO_PORT:-8080}" || exit 1
printf 'GET /_emu/health HTTP/1.0\r\n%s\r\n' \
    "${token:+Authorization: Bearer $token$'\r\n'}" >&3
read -r -t 5 _ status _ <&3 && [ "$status" = 200 ]
