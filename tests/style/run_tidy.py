#!/usr/bin/python3
"""clang-tidy over our C files: run_tidy.py BUILD_DIR [FILE...]

BUILD_DIR is a configured and built tree (its compile_commands.json and the
generated gSOAP headers).  Without FILE, every .c file git tracks; each
must be in the compile database, so that no source escapes the check.
The checks are those of .clang-tidy; headers are checked through the .c
files that include them.  CLANG_TIDY names the binary (clang-tidy-19).

Prints the findings and exits 1, or prints one summary line and exits 0.
"""
import concurrent.futures
import json
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TIDY = os.environ.get("CLANG_TIDY", "clang-tidy-19")


def tracked_c_files():
    out = subprocess.run(["git", "-C", TOP, "ls-files", "-z", "*.c"],
                         check=True, capture_output=True).stdout.decode()
    return [os.path.join(TOP, f) for f in out.split("\0") if f]


def tidy(build, path):
    proc = subprocess.run([TIDY, "-p", build, "--quiet", path],
                          capture_output=True, text=True)
    # clang's own "N warnings generated." counts findings in system
    # headers too, which are not shown: drop it
    err = [line for line in proc.stderr.splitlines()
           if not line.endswith(" generated.")]
    return proc.returncode, proc.stdout, "\n".join(err)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    build = os.path.abspath(argv[1])
    files = [os.path.abspath(f) for f in argv[2:]] or tracked_c_files()
    db = os.path.join(build, "compile_commands.json")
    try:
        with open(db) as f:
            known = {os.path.realpath(os.path.join(e["directory"], e["file"]))
                     for e in json.load(f)}
    except OSError as exc:
        print("run_tidy: %s: %s (configure and build first)" % (db, exc))
        return 2
    missing = [f for f in files if os.path.realpath(f) not in known]
    for f in missing:
        print("%s:1: not in %s: no target builds it, so clang-tidy cannot "
              "check it" % (os.path.relpath(f, TOP), db))
    files = [f for f in files if f not in missing]
    failed = 0
    jobs = os.cpu_count() or 2
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        results = pool.map(lambda f: (f,) + tidy(build, f), files)
        for path, rc, out, err in results:
            if rc != 0 or out.strip():
                failed += 1
                sys.stdout.write(out)
                if err.strip():
                    print(err)
    if failed or missing:
        print("clang-tidy: findings in %d of %d files%s"
              % (failed, len(files),
                 ", %d not built" % len(missing) if missing else ""))
        return 1
    print("clang-tidy: %d files OK" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
