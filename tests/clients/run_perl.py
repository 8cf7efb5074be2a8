#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs a Perl test (default test_soaplite.pl) against a micetro-emu started
here, passing its SOAP URL in MICETRO_URL (and in MICETRO_UNSERVED_OP an
operation that still answers "not implemented").  With MICETRO_URL already set, runs
the test against that server.  Exit status: the Perl test's."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import emutest as et  # noqa: E402


def main(argv):
    script = argv[1] if len(argv) > 1 else os.path.join(HERE, "test_soaplite.pl")
    env = dict(os.environ)
    emu = et.Emu()
    try:
        env["MICETRO_URL"] = emu.url
        if et.unserved_op():
            env.setdefault("MICETRO_UNSERVED_OP", et.unserved_op())
        rc = subprocess.run(["perl", script], env=env, timeout=300).returncode
        if not emu.remote:
            if not emu.alive():
                print("not ok - micetro-emu died during the test:\n%s" % emu.log())
                return 1
            emu.stop()  # raises unless the exit status is 0
        return rc
    finally:
        emu.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
