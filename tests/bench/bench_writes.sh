#!/usr/bin/env bash
# micetro-emu benchmark: concurrent writes inside one failover
# relationship.  Runs the rounds of tests/wire/test_concurrency.py (a
# range, a scope added with the relationship, a pool through each
# instance, a pool changed through its twin) with 1, 4 and 8 clients,
# each its own session and connection, for SECS seconds each, and prints
# the successful writes per second and the faults.  Asserts nothing.
#
# usage: tests/bench/bench_writes.sh
# env:   MICETRO_EMU_BIN (default build/bin/micetro-emu), SECS (seconds per
#        client count, 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
MICETRO_EMU_BIN=$(realpath "${MICETRO_EMU_BIN:-build/bin/micetro-emu}")
export MICETRO_EMU_BIN
export MICETRO_CONCURRENCY_SECONDS=${SECS:-10}
export MICETRO_CONCURRENCY_ROUNDS=1000000
export MICETRO_CONCURRENCY_BENCH=1
/usr/bin/python3 -W ignore::DeprecationWarning tests/wire/test_concurrency.py \
    ConcurrencyTest.test_unrelated_writes
