#!/bin/sh
# micetro-emu image: starts micetro-emu (run, serve or worker; run when no
# mode is given) with the container's settings.  Other commands are run as
# they are.
#
#   MICETRO_PORT                  the listening port (default 8080), on
#                                 every address of the container
#   MICETRO_DATA_DIR              the embedded database's home (default
#                                 /var/lib/micetro-emu, a volume)
#   MICETRO_DB                    an external PostgreSQL instead (libpq DSN)
#   MICETRO_DB_PASSWORD_FILE      its password, read into PGPASSWORD
#   MICETRO_ADMIN_PASSWORD[_FILE] the administrator's password
#   MICETRO_CONTROL_TOKEN[_FILE]  the control API's token
#   MICETRO_AGENT_SECRET_FILE     one secret for every agent
#                                 (--agent-secret-file)
#   MICETRO_AGENT_SECRETS_FILE    a secret per server (--agent-secrets)
#
# With neither a password nor a token given, run and serve make both once,
# random, in the data directory (admin-password, control-token, readable
# by the micetro user only), say so on stderr and use them from then on:
# `podman run -p 8080:8080 IMAGE` needs nothing else.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
say() { printf 'micetro-emu-entrypoint: %s\n' "$*" >&2; }
secret_file() { # VAR: the file named by VAR, which must be readable
    eval "f=\${$1:-}"
    if [ -n "$f" ] && [ ! -r "$f" ]; then
        say "$1: cannot read $f (as uid $(id -u))"
        exit 2
    fi
    printf '%s' "$f"
}
# a random value of 24 letters and digits, kept in file $1 (made when missing)
generated() {
    if [ ! -s "$1" ]; then
        (umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24 >"$1.tmp" \
            && mv "$1.tmp" "$1")
        say "made $2 in $1: $(cat "$1")"
    fi
}

mode=run
case "${1:-}" in
run | serve | worker) mode=$1; shift ;;
-* | "") ;;
*) exec "$@" ;;
esac
data=${MICETRO_DATA_DIR:-/var/lib/micetro-emu}
port=${MICETRO_PORT:-8080}
set -- "$mode" "$@"
case " $* " in *" --data-dir "* | *" --data-dir="*) ;; *)
    [ -n "${MICETRO_DB:-}" ] || set -- "$@" --data-dir "$data" ;;
esac
if [ "$mode" != worker ]; then
    case " $* " in *" --listen "* | *" --listen="*) ;; *)
        set -- "$@" --listen "0.0.0.0:$port" ;;
    esac
fi

f=$(secret_file MICETRO_DB_PASSWORD_FILE)
if [ -n "$f" ]; then
    PGPASSWORD=$(cat "$f")
    export PGPASSWORD
fi
if [ "$mode" != worker ]; then
    f=$(secret_file MICETRO_ADMIN_PASSWORD_FILE)
    [ -z "$f" ] || { MICETRO_ADMIN_PASSWORD=$(cat "$f"); export MICETRO_ADMIN_PASSWORD; }
    f=$(secret_file MICETRO_CONTROL_TOKEN_FILE)
    [ -z "$f" ] || set -- "$@" --control-token "$f"
    if [ -z "${MICETRO_ADMIN_PASSWORD:-}" ] && [ -z "$f" ] \
        && [ -z "${MICETRO_CONTROL_TOKEN:-}" ]; then
        generated "$data/admin-password" "the administrator's password"
        generated "$data/control-token" "the control token"
        MICETRO_ADMIN_PASSWORD=$(cat "$data/admin-password")
        export MICETRO_ADMIN_PASSWORD
        set -- "$@" --control-token "$data/control-token"
    fi
fi
f=$(secret_file MICETRO_AGENT_SECRET_FILE)
[ -z "$f" ] || set -- "$@" --agent-secret-file "$f"
f=$(secret_file MICETRO_AGENT_SECRETS_FILE)
[ -z "$f" ] || set -- "$@" --agent-secrets "$f"
exec /usr/local/bin/micetro-emu "$@"
