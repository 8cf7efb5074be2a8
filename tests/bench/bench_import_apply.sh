#!/usr/bin/env bash
# micetro-emu benchmark: applying the import of a simulated server's
# dhcpd.conf of SCOPES subnets with a pool each
# (tests/bench/bench_import_apply.py): AddDHCPServer until Applied and a
# re-import, the median of RUNS runs, with the parse and model alone as
# the baseline.  Asserts nothing.
#
# usage: tests/bench/bench_import_apply.sh
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu), SCOPES (10000),
#        RUNS (3)
set -euo pipefail
cd "$(dirname "$0")/../.."
MICETRO_EMU_BIN=$(realpath "${MICETRO_EMU_BIN:-build/bin/micetro-emu}")
BENCH_IMPORT_BIN=$(realpath "${BENCH_IMPORT_BIN:-build/bin/bench_import}")
export MICETRO_EMU_BIN BENCH_IMPORT_BIN
echo "== import apply: ${SCOPES:-10000} subnets with a pool each, ${RUNS:-3} runs"
exec /usr/bin/python3 -W ignore::DeprecationWarning tests/bench/bench_import_apply.py
