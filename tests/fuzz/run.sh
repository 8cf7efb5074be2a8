#!/usr/bin/env bash
# micetro-emu: run every fuzz target for a fixed time.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   tests/fuzz/run.sh [SECONDS]     each target SECONDS (default 20), in turn
#
# Configures the fuzz build (build-fuzz, or MICETRO_FUZZ_BUILD; clang
# the first time; MICETRO_WERROR=1 makes warnings errors, as for
# micetro.sh), builds the targets, and runs each on a scratch
# copy of its seed corpus tests/fuzz/corpus/TARGET (with TARGET.dict when
# there is one), one process at a time.  Prints the executions of each
# target.  Exits 1 on any crash, leak, timeout, out-of-memory or sanitizer
# report; the run's directory (log, the input that did it) is then kept
# and named.
set -euo pipefail

say() { printf 'fuzz: %s\n' "$*" >&2; }

secs=${1:-20}
if ! [[ $secs =~ ^[1-9][0-9]*$ ]]; then
    say "usage: $0 [SECONDS]"
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${MICETRO_FUZZ_BUILD:-$top/build-fuzz}
timeout_s=10     # one input
rss_mb=2048      # the whole process

werror=OFF
[ "${MICETRO_WERROR:-0}" = 1 ] && werror=ON
[ -f "$build/CMakeCache.txt" ] || export CC=clang
cmake -S "$top" -B "$build" -DMICETRO_FUZZ=ON -DMICETRO_WERROR=$werror \
    >/dev/null
cmake --build "$build" -j 2 --target micetro_fuzz >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/micetro-fuzz.XXXXXX")
failed=()
for seeds in "$here"/corpus/*/; do
    name=$(basename "$seeds")
    bin=$build/fuzz/$name
    dir=$work/$name
    mkdir -p "$dir/corpus"
    cp -R "$seeds." "$dir/corpus/"
    opts=(-max_total_time="$secs" -timeout="$timeout_s" -rss_limit_mb="$rss_mb"
          -print_final_stats=1 -artifact_prefix="$dir/")
    [ -f "$here/$name.dict" ] && opts+=(-dict="$here/$name.dict")
    rc=0
    if [ ! -x "$bin" ]; then
        echo "no target $bin for corpus/$name" >"$dir/log"
        rc=1
    else
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            "$bin" "${opts[@]}" "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
    if [ "$rc" -ne 0 ] || [ -z "$execs" ] || grep -qE \
        'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|^SUMMARY: |broken promise' \
        "$dir/log"; then
        printf '%-20s FAILED (exit %s)\n' "$name" "$rc"
        grep -E 'ERROR|runtime error|SUMMARY|broken promise|artifact_prefix|Test unit written' \
            "$dir/log" | head -n 20 | sed 's/^/    /'
        failed+=("$name")
    else
        printf '%-20s %12s executions in %s s\n' "$name" "$execs" "$secs"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    say "failed: ${failed[*]}; logs and inputs kept in $work"
    exit 1
fi
rm -rf "$work"
