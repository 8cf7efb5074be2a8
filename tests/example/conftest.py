# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures of the example suite, as a user of micetro-emu writes them.

- `emulator` (once per run): a micetro-emu on a free port of 127.0.0.1
  with a data directory of its own, started with `run` (embedded
  database, simulated ISC servers), ready when GET /_emu/health is 200;
  or the one at MICETRO_URL when that is set (e.g. a container).
- `baseline` (once per run): the fixture state, seeded from
  baseline-seed.json and kept as the snapshot "baseline".
- `mm` (each test): the state restored to the baseline, the journal and
  injected faults cleared, and a logged-in client of the script under
  test.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

import dhcp_failover

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("MICETRO_EMU_BIN") or os.path.join(
    HERE, "..", "..", "build", "bin", "micetro-emu")
USER = os.environ.get("MICETRO_USER", "administrator")
PASSWORD = os.environ.get("MICETRO_PASSWORD", "administrator")


class Control:
    """The emulator's control API (/_emu/), JSON in and out."""

    def __init__(self, base, token=None):
        self.base = base
        self.token = token

    def __call__(self, method, path, body=None, expect=(200, 201, 204)):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + "/_emu/" + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        if status not in expect:
            raise AssertionError("%s /_emu/%s: %d %s" % (method, path, status, text[:500]))
        return json.loads(text) if text else None

    def journal(self, operation=None):
        q = "requests?limit=1000" + ("&operation=" + operation if operation else "")
        return self("GET", q)["requests"]

    def wait_for(self, what, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for " + what)
            time.sleep(0.1)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def emulator():
    if os.environ.get("MICETRO_URL"):
        base = os.environ["MICETRO_URL"].split("/_mmwebext")[0]
        yield base, Control(base, os.environ.get("MICETRO_CONTROL_TOKEN"))
        return
    tmp = tempfile.mkdtemp(prefix="example", dir="/tmp")
    os.chmod(tmp, 0o755)  # the embedded PostgreSQL runs as "postgres" under root
    port = _free_port()
    log = open(os.path.join(tmp, "emu.log"), "wb")
    proc = subprocess.Popen([BIN, "run", "--listen", "127.0.0.1:%d" % port,
                             "--data-dir", os.path.join(tmp, "data")],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    base = "http://127.0.0.1:%d" % port
    ctl = Control(base)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if ctl("GET", "health", expect=(200,))["status"] == "ok":
                    break
            except (OSError, AssertionError):
                pass
            assert proc.poll() is None, "micetro-emu exited: see " + log.name
            assert time.monotonic() < deadline, "micetro-emu not healthy in 60 s"
            time.sleep(0.05)
        yield base, ctl
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def baseline(emulator):
    _, ctl = emulator
    ctl("POST", "reset")
    with open(os.path.join(HERE, "baseline-seed.json")) as f:
        ctl("POST", "seed", json.load(f))
    ctl("POST", "snapshots/baseline?replace=true")
    return "baseline"


@pytest.fixture
def ctl(emulator, baseline):
    _, c = emulator
    c("POST", "snapshots/%s/restore" % baseline)
    c("DELETE", "faults")
    c("DELETE", "requests")
    return c


@pytest.fixture
def mm(emulator, ctl):
    base, _ = emulator
    client = dhcp_failover.Micetro(base + "/_mmwebext/mmwebext.dll?wsdl", USER, PASSWORD)
    client.login()
    yield client
    client.logout()
