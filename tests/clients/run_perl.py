#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs a Perl test (default test_soaplite.pl) against a micetro-emu started
here, through run_with_emu.py (MICETRO_URL, MICETRO_UNSERVED_OP).  With
MICETRO_URL already set, runs the test against that server.  Exit status:
the Perl test's."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_with_emu  # noqa: E402


def main(argv):
    script = argv[1] if len(argv) > 1 else os.path.join(HERE, "test_soaplite.pl")
    return run_with_emu.main([argv[0], "perl", script])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
