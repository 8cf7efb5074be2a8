# SPDX-License-Identifier: GPL-2.0-or-later
"""micetro-emu benchmark: start-up time of the embedded database.

Prints the median (and the spread) of N runs of each:
  initdb      initdb alone, as micetro-emu's first start once ran it
  fresh       exec of micetro-emu in a new, empty data directory to the
              first 200 of GET /_emu/health (the template cache made
              beforehand, as after the first start of an installation)
  warm        the same with the data directory of an earlier run
and once, first of all, a fresh start with an empty template cache (the
template made on the way). Asserts nothing: timings are noisy.

usage: bench_start.py BIN SCRATCH_DIR [RUNS] (tests/bench/bench_start.sh runs it)
"""

import http.client
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest  # noqa: E402


def health_status(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
    try:
        c.request("GET", "/_emu/health")
        return c.getresponse().status
    finally:
        c.close()


def time_start(binary, data_dir, cache, log):
    """Seconds from exec to the first 200 of the health; stops the emulator."""
    port = emutest.free_port()
    env = dict(os.environ, MICETRO_TEMPLATE_DIR=cache)
    env.pop("MICETRO_DB", None)
    with open(log, "ab") as err:
        t0 = time.monotonic()
        p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:%d" % port,
                              "--data-dir", data_dir], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=err, env=env)
        try:
            while True:
                if p.poll() is not None:
                    raise SystemExit("micetro-emu exited with %s; see %s" % (p.returncode, log))
                if time.monotonic() - t0 > 120:
                    raise SystemExit("no 200 within 120 s; see %s" % log)
                try:
                    if health_status(port) == 200:
                        took = time.monotonic() - t0
                        break
                except OSError:
                    pass
                time.sleep(0.002)
        finally:
            p.terminate()
            p.wait(60)
    return took


def time_initdb(scratch, i):
    initdb = emutest.pg_bin("initdb")
    d = os.path.join(scratch, "initdb%d" % i)
    os.mkdir(d, 0o700)
    if os.geteuid() == 0:
        shutil.chown(d, "postgres", "postgres")
    cmd = emutest.as_postgres([initdb, "-D", d, "-U", "micetro", "--auth=trust", "-E", "UTF8",
                               "--locale=C.UTF-8", "--no-instructions"])
    t0 = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   cwd="/", env=dict(os.environ, LC_ALL="C"))
    took = time.monotonic() - t0
    shutil.rmtree(d)
    return took


def show(name, xs):
    print("  %-34s median %7.3f s   min %7.3f   max %7.3f   (%d runs)"
          % (name, statistics.median(xs), min(xs), max(xs), len(xs)), flush=True)


def main():
    binary, scratch = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    cache = os.path.join(scratch, "cache")
    log = os.path.join(scratch, "emu.log")
    print("== start-up of the embedded database (%s)" % binary, flush=True)
    first = time_start(binary, os.path.join(scratch, "first"), cache, log)
    print("  %-34s %7.3f s" % ("fresh, the template made on the way", first), flush=True)
    show("initdb alone (the old first start)", [time_initdb(scratch, i) for i in range(runs)])
    fresh = []
    for i in range(runs):
        d = os.path.join(scratch, "fresh%d" % i)
        fresh.append(time_start(binary, d, cache, log))
        if i > 0:
            shutil.rmtree(d)
    show("fresh (the template copied)", fresh)
    warm = os.path.join(scratch, "fresh0")
    show("warm (the data directory exists)",
         [time_start(binary, warm, cache, log) for _ in range(runs)])


if __name__ == "__main__":
    main()
