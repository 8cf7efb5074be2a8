#!/usr/bin/python3
"""Holds files to .editorconfig: check_editorconfig.py [FILE...]

Without arguments, every file git tracks.  The properties of each file come
from the `editorconfig` command (Debian package editorconfig), so that the
globs mean what they mean to editors.  Checked: charset utf-8, end_of_line
lf, insert_final_newline, trim_trailing_whitespace, and indent_style (no
tab in the indentation of a "space" file, no space leading the indentation
of a "tab" file).  indent_size is left to the editors and clang-format:
continuation lines align with what they continue, not with a multiple of
the indent.

Prints one "file:line: rule" line per problem and exits 1, or prints one
summary line and exits 0.
"""
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BATCH = 200


def tracked_files():
    out = subprocess.run(["git", "-C", TOP, "ls-files", "-z"], check=True,
                         capture_output=True).stdout.decode()
    return [f for f in out.split("\0") if f]


def properties(paths):
    """{relative path: {key: value}} from the editorconfig command."""
    props = {}
    for i in range(0, len(paths), BATCH):
        chunk = paths[i:i + BATCH]
        absolute = [os.path.join(TOP, p) for p in chunk]
        out = subprocess.run(["editorconfig"] + absolute, check=True,
                             capture_output=True, text=True).stdout
        if len(chunk) == 1:  # one file: no [section] header
            out = "[%s]\n%s" % (absolute[0], out)
        cur = None
        for line in out.splitlines():
            if line.startswith("[") and line.endswith("]"):
                cur = props.setdefault(os.path.relpath(line[1:-1], TOP), {})
            elif "=" in line and cur is not None:
                key, value = line.split("=", 1)
                cur[key] = value
    return props


def check(path, prop, problems):
    with open(os.path.join(TOP, path), "rb") as f:
        data = f.read()
    if b"\0" in data:
        return  # not text
    if prop.get("charset") == "utf-8":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            problems.append("%s:%d: charset utf-8: not UTF-8" % (path, line))
    lines = data.split(b"\n")
    if prop.get("insert_final_newline") == "true" and data and \
            not data.endswith(b"\n"):
        problems.append("%s:%d: insert_final_newline: no newline at the end"
                        % (path, len(lines)))
    style = prop.get("indent_style")
    for n, line in enumerate(lines, 1):
        if prop.get("end_of_line") == "lf" and b"\r" in line:
            problems.append("%s:%d: end_of_line lf: carriage return"
                            % (path, n))
        body = line.rstrip(b"\r")
        if prop.get("trim_trailing_whitespace") == "true" and \
                body != body.rstrip(b" \t"):
            problems.append("%s:%d: trim_trailing_whitespace: whitespace at "
                            "the end of the line" % (path, n))
        indent = body[:len(body) - len(body.lstrip(b" \t"))]
        if not body.strip():
            continue
        if style == "space" and b"\t" in indent:
            problems.append("%s:%d: indent_style space: tab in the "
                            "indentation" % (path, n))
        elif style == "tab" and indent.startswith(b" "):
            problems.append("%s:%d: indent_style tab: indented with spaces"
                            % (path, n))


def main(argv):
    paths = [os.path.relpath(os.path.abspath(p), TOP) for p in argv[1:]]
    if not paths:
        paths = tracked_files()
    paths = [p for p in paths
             if os.path.isfile(os.path.join(TOP, p))
             and not os.path.islink(os.path.join(TOP, p))]
    props = properties(paths)
    problems = []
    for p in paths:
        check(p, props.get(p, {}), problems)
    for line in problems:
        print(line)
    if problems:
        print("editorconfig: %d problem(s) in %d file(s)"
              % (len(problems), len({p.split(":")[0] for p in problems})))
        return 1
    print("editorconfig: %d files OK" % len(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
