#!/usr/bin/env bash
# micetro-emu benchmark: start-up of the embedded database.  Prints the
# median, min and max of RUNS (5) starts each, from exec to the first 200
# of GET /_emu/health: fresh (a new data directory, the template copied),
# warm (the data directory of an earlier start); initdb alone as the
# baseline (what a fresh start cost before the template); and once a fresh
# start that makes the template.  Asserts nothing.
#
# usage: tests/bench/bench_start.sh [RUNS]
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${MICETRO_EMU_BIN:-build/bin/micetro-emu}")
. "$(dirname "$0")/lib.sh"
/usr/bin/python3 tests/bench/bench_start.py "$bin" "$d" "${1:-5}"
