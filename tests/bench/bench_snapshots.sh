#!/usr/bin/env bash
# micetro-emu benchmark: snapshots of the control API with 20,000 DHCP
# scopes and their pools (tests/bench/bench_snapshots.py): save, restore
# with nothing and with one server changed, reset, restore after a reset;
# the median of RUNS runs of each.  Asserts nothing.
#
# usage: tests/bench/bench_snapshots.sh
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu), SCOPES (20000),
#        RUNS (5)
set -euo pipefail
cd "$(dirname "$0")/../.."
MICETRO_EMU_BIN=$(realpath "${MICETRO_EMU_BIN:-build/bin/micetro-emu}")
export MICETRO_EMU_BIN
echo "== snapshots: ${SCOPES:-20000} scopes with a pool each, ${RUNS:-5} runs"
exec /usr/bin/python3 -W ignore::DeprecationWarning tests/bench/bench_snapshots.py
