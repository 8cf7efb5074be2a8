#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compares two recordings made with MICETRO_RECORD (see tests/lib/wirerec.py).

usage: wire_compare.py BEFORE AFTER

For each test script (a directory in BEFORE or AFTER), the exchanges
(test, request bytes, response bytes) are normalised and compared as
multisets: the order of connections and exchanges does not matter, how
often each exchange occurs does.  Normalised, with placeholders of the
same length so that Content-Length stays right:

  - session ids (20 characters [A-Za-z0-9]) in elements named session;
  - xsd:dateTime values such as creationTime (YYYY-MM-DDThh:mm:ssZ);
  - the ports of the proxy and of the servers (from the .conn files) and
    any port of the kernel's ephemeral range after 127.0.0.1: (a listener
    of a test), e.g. in Host and in the WSDL's soap:address;
  - the harness's temporary directories (/tmp/meXXXXXXXX, /tmp/pgXXXXXXXX);
  - a request body cut short (fewer bytes than its Content-Length, the
    server having answered and closed first): how much of it got through
    depends on timing, so only its head and the fact are kept.

The exchanges are labelled with the test their request began in (from
the .conn files), so an exchange only matches one of the same test.
Races of concurrent requests are run one after the other when recording
(emutest.Race), so their winners do not vary.

Prints per script the exchanges in each recording, how many are identical
and how many differ, then each difference as a unified diff (XML broken
after each tag for reading).  Exit status 1 when anything differs, 2 on
bad usage.
"""

import collections
import difflib
import io
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import wirerec  # noqa: E402

SESSION_RE = re.compile(rb"(<(?:[\w.-]+:)?session(?:\s[^>]*)?>)[A-Za-z0-9]{20}(?=</)")
DATETIME_RE = re.compile(rb"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
PORT_RE = re.compile(rb"(?<=127\.0\.0\.1:)\d{1,5}\b")
TMP_RE = re.compile(rb"/tmp/(me|pg)[A-Za-z0-9_]{8}\b")
EPHEMERAL = range(32768, 61000)


def fixed(placeholder, n):
    """placeholder cut or padded with '_' to n bytes."""
    return (placeholder + b"_" * n)[:n]


def _datetime(m):
    out = b"YYYY-MM-DDThh:mm:ss"
    if m.group(1):
        out += b"." + b"f" * (len(m.group(1)) - 1)
    if m.group(2):
        out += b"Z" if m.group(2) == b"Z" else b"+hh:mm"
    return out


def cut_short(data):
    """data with the body of a last request that is cut short replaced
    by a note."""
    i = 0
    while i < len(data):
        j = wirerec._message_end(data, i, False)
        if j is None:
            break
        i = j
    h = wirerec._head(data, i)
    if h is None:
        return data
    cl = h[1].get(b"content-length", b"")
    if cl.isdigit() and len(data) - h[2] < int(cl):
        return data[:h[2]] + b"[body cut short]"
    return data


def normalise(data, ports):
    data = SESSION_RE.sub(lambda m: m.group(1) + fixed(b"SESSION", 20), data)
    data = DATETIME_RE.sub(_datetime, data)
    data = PORT_RE.sub(lambda m: fixed(b"PORT", len(m.group(0)))
                       if int(m.group(0)) in ports or int(m.group(0)) in EPHEMERAL
                       else m.group(0), data)
    return TMP_RE.sub(lambda m: b"/tmp/" + m.group(1) + b"X" * 8, data)


class Exchange:
    def __init__(self, name, test, req, resp):
        self.name, self.test, self.req, self.resp = name, test, req, resp

    def key(self):
        return (self.test, self.req, self.resp)


def load(dirpath):
    """The normalised exchanges of one script's recording."""
    names = sorted(os.listdir(dirpath))
    ports, tests = set(), {}
    for n in names:
        if not n.endswith(".conn"):
            continue
        with open(os.path.join(dirpath, n)) as f:
            for ln in f:
                m = re.match(r"(proxy|server) [\d.]+:(\d+)$", ln.strip())
                if m:
                    ports.add(int(m.group(2)))
                m = re.match(r"exchange (\d+) (.*)$", ln.strip())
                if m:
                    tests["%s-%s" % (n[:-5], m.group(1))] = m.group(2)
    out = []
    for n in names:
        if not n.endswith(".req"):
            continue
        base = os.path.join(dirpath, n[:-4])
        with open(base + ".req", "rb") as f:
            req = f.read()
        with open(base + ".resp", "rb") as f:
            resp = f.read()
        out.append(Exchange(n[:-4], tests.get(n[:-4], "-"),
                            normalise(cut_short(req), ports), normalise(resp, ports)))
    return out


def readable(data):
    """Text lines of data for a diff: XML broken after each tag."""
    text = data.decode("utf-8", "backslashreplace")
    text = text.replace("\r\n", "\\r\\n\n").replace("><", ">\n<")
    return text.splitlines(keepends=True)


def show_diff(script, a, b, out):
    """a, b: Exchange or None."""
    for part in ("req", "resp"):
        la = readable(getattr(a, part)) if a else []
        lb = readable(getattr(b, part)) if b else []
        if la == lb:
            continue
        label = {"req": "request", "resp": "response"}[part]
        out.write("".join(difflib.unified_diff(
            la, lb, "BEFORE/%s/%s %s (%s)" % (script, a.name, label, a.test) if a else "BEFORE (none)",
            "AFTER/%s/%s %s (%s)" % (script, b.name, label, b.test) if b else "AFTER (none)")))
        if not (la and la[-1].endswith("\n") and lb and lb[-1].endswith("\n")):
            out.write("\n")


def multiset_diff(xs, ys):
    """(identical count, xs not in ys, ys not in xs), by key."""
    cx = collections.Counter(x.key() for x in xs)
    cy = collections.Counter(y.key() for y in ys)
    only_x, only_y = cx - cy, cy - cx
    left, right = [], []
    for x in xs:
        if only_x[x.key()] > 0:
            only_x[x.key()] -= 1
            left.append(x)
    for y in ys:
        if only_y[y.key()] > 0:
            only_y[y.key()] -= 1
            right.append(y)
    return sum((cx & cy).values()), left, right


def pair(left, right):
    """Pairs what differs: the same test and request first, then the most
    similar request of the same test; the rest alone."""
    pairs = []
    by_req = collections.defaultdict(list)
    for y in right:
        by_req[(y.test, y.req)].append(y)
    rest = []
    for x in left:
        ys = by_req.get((x.test, x.req))
        if ys:
            pairs.append((x, ys.pop(0)))
        else:
            rest.append(x)
    right = [y for ys in by_req.values() for y in ys]
    for x in rest:
        best = None
        for y in right:
            if y.test != x.test:
                continue
            ratio = difflib.SequenceMatcher(None, x.req[:4000], y.req[:4000]).quick_ratio()
            if ratio > 0.9 and (best is None or ratio > best[0]):
                best = (ratio, y)
        if best:
            right.remove(best[1])
        pairs.append((x, best[1] if best else None))
    return pairs + [(None, y) for y in right]


def compare(script, before, after, out):
    """Writes the differences to out; returns (identical, differing)."""
    same, left, right = multiset_diff(before, after)
    pairs = pair(left, right)
    for a, b in pairs:
        show_diff(script, a, b, out)
    return same, len(pairs)


def main(argv):
    if len(argv) != 3 or not all(os.path.isdir(d) for d in argv[1:]):
        sys.stderr.write("usage: %s BEFORE AFTER (two MICETRO_RECORD directories)\n" % argv[0])
        return 2
    a_dir, b_dir = argv[1:]
    scripts = sorted(set(os.listdir(a_dir)) | set(os.listdir(b_dir)))
    rows, diffs = [], []
    for script in scripts:
        pa, pb = os.path.join(a_dir, script), os.path.join(b_dir, script)
        if not os.path.isdir(pa) or not os.path.isdir(pb):
            rows.append((script, "only in %s" % (a_dir if os.path.isdir(pa) else b_dir)))
            diffs.append("")
            continue
        buf = io.StringIO()
        before, after = load(pa), load(pb)
        same, differing = compare(script, before, after, buf)
        rows.append((script, "%d/%d exchanges, %d identical, %d differing"
                     % (len(before), len(after), same, differing)))
        if differing:
            diffs.append(buf.getvalue())
    width = max((len(s) for s, _ in rows), default=0)
    print("%s  exchanges before/after" % "script".ljust(width))
    for script, text in rows:
        print("%s  %s" % (script.ljust(width), text))
    print("result: %s" % ("DIFFERENT" if diffs else "identical"))
    for d in diffs:
        if d:
            sys.stdout.write("\n" + d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
