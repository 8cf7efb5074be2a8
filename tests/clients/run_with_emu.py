#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""run_with_emu.py COMMAND [ARG...]: runs a client test in its own runner
(prove, php, node --test, pytest) against a micetro-emu started here for
it, whose SOAP URL it finds in MICETRO_URL (and in MICETRO_UNSERVED_OP an
operation that still answers "not implemented", when there is one).  With MICETRO_URL already set,
against that server.  Exit status: the command's, or 1 when the server
died or did not stop cleanly."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import emutest as et  # noqa: E402


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    emu = et.Emu()
    try:
        env = dict(os.environ, MICETRO_URL=emu.url)
        if et.unserved_op():
            env.setdefault("MICETRO_UNSERVED_OP", et.unserved_op())
        rc = subprocess.run(argv[1:], env=env, timeout=600).returncode
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
