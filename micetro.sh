#!/usr/bin/env bash
# micetro-emu: set up, build, run and test.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   ./micetro.sh run [micetro-emu options]   install what is missing, build,
#                                            run the emulator (embedded DB)
#   ./micetro.sh test                        install, build, run every test,
#                                            the container one last
#   ./micetro.sh test-container              only the images and the compose
#                                            stack of docker/, for real
#                                            (root, podman)
#   ./micetro.sh test-sanitize               the same under ASan + UBSan
#   ./micetro.sh test-valgrind               wire tests with the daemon
#                                            under valgrind
#   ./micetro.sh build                       install build deps and build
#   ./micetro.sh bench                       benchmarks (figures, no verdict)
#   ./micetro.sh fuzz [SECONDS]              every fuzz target SECONDS
#                                            (default 20), built with clang
#   ./micetro.sh check                       the conventions: .editorconfig,
#                                            the layers, the format (see
#                                            below), clang-tidy
#
# Installing needs root (apt-get); without root the missing packages are
# listed and the script stops.  MICETRO_WERROR=1 makes warnings errors.
set -euo pipefail
cd "$(dirname "$0")"
top=$(pwd)

build_pkgs="gcc make cmake pkg-config gsoap libgsoap-dev libxml2-dev
  libpq-dev libcrypt-dev libssl-dev zlib1g-dev libmicrohttpd-dev
  libjansson-dev"
run_pkgs="postgresql"
test_pkgs="python3 python3-zeep python3-suds python3-pytest libsoap-lite-perl curl
  isc-dhcp-server iproute2 util-linux python3-pypureomapi openssl php-cli
  php-soap"
check_pkgs="valgrind"
bench_pkgs="wrk nginx-light"
container_pkgs="podman runc podman-compose catatonit debootstrap"
fuzz_pkgs="clang libclang-rt-14-dev"
style_pkgs="clang-tidy-19 clang-format-19 editorconfig python3 git"

say() { printf 'micetro.sh: %s\n' "$*" >&2; }

# Installs the named Debian packages that are not installed yet.
need() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        say "missing packages: ${missing[*]}"
        say "install them as root: apt-get install -y ${missing[*]}"
        exit 1
    fi
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Node.js and npm for the JavaScript client tests: Debian's nodejs and npm,
# unless the machine has its own (a nodejs from elsewhere brings its npm,
# and Debian's npm package would conflict with it).
need_node() {
    local p=()
    command -v node >/dev/null || p+=(nodejs)
    command -v npm >/dev/null || p+=(npm)
    [ ${#p[@]} -eq 0 ] || need "${p[@]}"
}

# build DIR [cmake options...]
build() {
    local dir=$1
    shift
    local werror=OFF
    [ "${MICETRO_WERROR:-0}" = 1 ] && werror=ON
    cmake -S . -B "$dir" -DMICETRO_WERROR=$werror "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
    # shellcheck disable=SC2086
    need $build_pkgs $run_pkgs
    build build
    args=("$@")
    # As root the embedded PostgreSQL runs as "postgres", which must be able
    # to reach the data directory: ./var under /root is out of its reach.
    if [ "$(id -u)" = 0 ] && [[ " $* " != *" --data-dir "* ]] \
        && [[ " $* " != *" --db "* ]] && [ -z "${MICETRO_DB:-}" ] \
        && ! runuser -u postgres -- test -x "$top"; then
        args+=(--data-dir /var/lib/micetro-emu)
        say "data directory: /var/lib/micetro-emu ($top is not reachable" \
            "by the postgres user)"
    fi
    exec "$top/build/bin/micetro-emu" run "${args[@]}"
    ;;
build)
    # shellcheck disable=SC2086
    need $build_pkgs
    build build
    ;;
test)
    # shellcheck disable=SC2086
    need $build_pkgs $run_pkgs $test_pkgs $container_pkgs
    need_node
    build build
    ctest --test-dir build --output-on-failure -j 2 -LE container "$@"
    # alone: building images beside the other tests would slow them down
    ctest --test-dir build --output-on-failure -j 1 -L container "$@"
    ;;
test-container)
    # shellcheck disable=SC2086
    need $build_pkgs $test_pkgs $container_pkgs
    build build
    ctest --test-dir build --output-on-failure -j 1 -L container "$@"
    ;;
test-sanitize)
    # shellcheck disable=SC2086
    need $build_pkgs $run_pkgs $test_pkgs
    build build-sanitize -DMICETRO_ASAN=ON -DMICETRO_UBSAN=ON
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-sanitize --output-on-failure -j 2 \
        -L 'unit|wire|hostile|e2e' "$@"
    ;;
test-valgrind)
    # shellcheck disable=SC2086
    need $build_pkgs $run_pkgs $test_pkgs $check_pkgs
    build build
    MICETRO_EMU_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite --show-leak-kinds=definite" \
        MICETRO_SLOW=1 \
        ctest --test-dir build --output-on-failure -j 1 -L wire "$@"
    ;;
bench)
    # shellcheck disable=SC2086
    need $build_pkgs $run_pkgs $test_pkgs $bench_pkgs
    build build
    tests/bench/bench_start.sh
    tests/bench/bench_http.sh "$@"
    tests/bench/bench_snapshots.sh
    tests/bench/bench_journal.sh "$@"
    exec tests/bench/bench_writes.sh
    ;;
fuzz)
    # shellcheck disable=SC2086
    need $build_pkgs $fuzz_pkgs
    exec tests/fuzz/run.sh "$@"
    ;;
check)
    # shellcheck disable=SC2086
    need $build_pkgs $style_pkgs
    build build # clang-tidy reads its compile database and generated headers
    failed=""
    tests/style/check_editorconfig.py || failed="$failed editorconfig"
    tests/style/check_layers.py || failed="$failed layers"
    # The tree is formatted with clang-format in one commit of its own,
    # which .git-blame-ignore-revs then lists: from that file on, the
    # format is checked.  MICETRO_FORMAT_CHECK=1 checks it before that,
    # MICETRO_FORMAT_CHECK=0 skips it.
    format=${MICETRO_FORMAT_CHECK:-auto}
    if [ "$format" = auto ]; then
        format=0
        [ -f .git-blame-ignore-revs ] && format=1
    fi
    if [ "$format" = 1 ]; then
        tests/style/check_format.sh || failed="$failed format"
    else
        say "format: not checked (no .git-blame-ignore-revs yet;" \
            "MICETRO_FORMAT_CHECK=1 checks it)"
    fi
    tests/style/run_tidy.py build || failed="$failed clang-tidy"
    if [ -n "$failed" ]; then
        say "check failed:$failed"
        exit 1
    fi
    ;;
*)
    say "unknown command \"$cmd\": run, test, test-container, test-sanitize," \
        "test-valgrind, build, bench, fuzz or check"
    exit 2
    ;;
esac
