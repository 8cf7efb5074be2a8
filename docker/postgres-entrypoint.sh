#!/bin/sh
# PostgreSQL image of docker/compose.yaml: the settings of Docker Hub's
# postgres image, so either serves the stack.
#
#   POSTGRES_USER                 the superuser (default postgres)
#   POSTGRES_PASSWORD[_FILE]      its password (required)
#   POSTGRES_DB                   a database made at the first start
#                                 (default: the user's name)
#   PGDATA                        the cluster (default
#                                 /var/lib/postgresql/data, a volume)
#
# The first start makes the cluster (UTF-8, locale C.UTF-8; password
# logins over TCP, scram-sha-256), then every start runs postgres,
# listening on every address.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
bin=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ "$(id -u)" = 0 ]; then
    install -d -o postgres -g postgres -m 0700 "$PGDATA"
    chown postgres:postgres "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    user=${POSTGRES_USER:-postgres}
    pw=${POSTGRES_PASSWORD:-}
    [ -z "${POSTGRES_PASSWORD_FILE:-}" ] || pw=$(cat "$POSTGRES_PASSWORD_FILE")
    if [ -z "$pw" ]; then
        echo "postgres-entrypoint: POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE is required" >&2
        exit 2
    fi
    pwfile=$(mktemp)
    printf '%s\n' "$pw" >"$pwfile"
    "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 \
        --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    db=${POSTGRES_DB:-$user}
    if [ "$db" != postgres ]; then
        echo "CREATE DATABASE \"$db\"" \
            | "$bin/postgres" --single -D "$PGDATA" -j postgres >/dev/null
    fi
    echo "postgres-entrypoint: made the cluster in $PGDATA" >&2
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
