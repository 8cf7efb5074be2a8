#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Connection attacks: while attackers hold hundreds of connections open,
a legitimate client is served.

Attackers connect from 127.0.1.x to 127.0.3.x, the legitimate client from
127.0.0.1; every loop is bounded in count and time.  The figures (the
legitimate client's latency) are printed, not asserted: only that every
one of its calls is answered, each within LEGIT_TIMEOUT.
"""

import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

LEGIT_CALLS = 20
LEGIT_TIMEOUT = 5.0
SLOW_HEAD = b"POST /_mmwebext/mmwebext.dll?Soap HTTP/1.1\r\nHost: x\r\n"


def connect_from(emu, source, timeout=5):
    """A connection to emu from address source, or None when refused."""
    try:
        return socket.create_connection((emu.host, emu.port), timeout=timeout,
                                        source_address=(source, 0))
    except OSError:
        return None


def closed_by_server(sock, wait):
    """True when the server closed sock within wait seconds."""
    sock.settimeout(wait)
    try:
        return sock.recv(4096) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


class Attack:
    """Connections held open by attackers, closed by close()."""

    def __init__(self):
        self.socks = []
        self.stop = threading.Event()
        self.threads = []

    def slowloris(self, emu, sources, per_source, byte_every=1.0):
        """per_source connections from each address, each sending an
        incomplete request head, then one byte every byte_every seconds."""
        for src in sources:
            for _ in range(per_source):
                s = connect_from(emu, src)
                if s is not None:
                    try:
                        s.sendall(SLOW_HEAD)
                        self.socks.append(s)
                    except OSError:
                        s.close()

        def drip():
            while not self.stop.wait(byte_every):
                for s in list(self.socks):
                    try:
                        s.send(b"X")
                    except OSError:
                        pass
        t = threading.Thread(target=drip, daemon=True)
        t.start()
        self.threads.append(t)

    def idle_keepalive(self, emu, sources, per_source):
        """Connections that make one keep-alive request, read its answer
        and then stay idle."""
        req = ("GET /_mmwebext/mmwebext.dll?wsdl HTTP/1.1\r\nHost: %s:%d\r\n\r\n"
               % (emu.host, emu.port)).encode()
        for src in sources:
            for _ in range(per_source):
                s = connect_from(emu, src)
                if s is None:
                    continue
                try:
                    s.sendall(req)
                    s.settimeout(5)
                    got = b""
                    while b"</wsdl:definitions>" not in got and b"</definitions>" not in got:
                        more = s.recv(65536)
                        if not more:
                            break
                        got += more
                    self.socks.append(s)
                except OSError:
                    s.close()

    def still_open(self):
        """How many attacker connections the server has not closed."""
        n = 0
        for s in self.socks:
            s.setblocking(False)
            try:
                n += s.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                n += 1
            except OSError:
                pass
        return n

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(5)
        for s in self.socks:
            s.close()
        self.socks = []


class AttackTest(et.EmuTestCase):

    def legit_client(self, emu):
        """LEGIT_CALLS logins and logouts from 127.0.0.1, each on a new
        connection; returns the login latencies."""
        times = []
        for _ in range(LEGIT_CALLS):
            t0 = time.monotonic()
            s = et.login(emu, timeout=LEGIT_TIMEOUT)
            times.append(time.monotonic() - t0)
            self.assertSession(s)
            et.result_of(et.logout(emu, s, timeout=LEGIT_TIMEOUT), "Logout")
        times.sort()
        return times

    def report(self, what, times):
        print("%s: %d logins served, p50 %.1f ms, max %.1f ms"
              % (what, len(times), times[len(times) // 2] * 1000, times[-1] * 1000),
              file=sys.stderr)

    def test_slowloris_from_many_addresses(self):
        """300 connections sending a request head a byte a second, from 10
        addresses (under the per-address cap): the legitimate client is
        served, every attacker still held open meanwhile."""
        emu = et.Emu()
        attack = Attack()
        try:
            attack.slowloris(emu, ["127.0.1.%d" % i for i in range(1, 11)], 30)
            self.assertEqual(len(attack.socks), 300)
            self.report("300 slowloris connections", self.legit_client(emu))
            self.assertGreater(attack.still_open(), 250)
        finally:
            attack.close()
            emu.close()

    def test_slowloris_cut_by_the_message_deadline(self):
        """Slow requests are closed --message-timeout after their first
        byte, and a legitimate client is served throughout."""
        emu = et.Emu(["--message-timeout", "3"])
        attack = Attack()
        try:
            attack.slowloris(emu, ["127.0.2.%d" % i for i in range(1, 6)], 20, byte_every=0.5)
            self.assertEqual(len(attack.socks), 100)
            self.report("100 slowloris connections, 3 s deadline", self.legit_client(emu))
            deadline = time.monotonic() + 10
            while attack.still_open() > 0 and time.monotonic() < deadline:
                time.sleep(0.5)
            self.assertEqual(attack.still_open(), 0)
        finally:
            attack.close()
            emu.close()

    def test_per_address_cap(self):
        """100 connections from one address with --max-per-address 16: the
        excess closed at once; a client from another address served."""
        emu = et.Emu(["--max-per-address", "16"])
        attack = Attack()
        try:
            attack.slowloris(emu, ["127.0.2.200"], 100)
            time.sleep(1)
            open_ = attack.still_open()
            self.assertEqual(open_, 16, "%d of 100 connections open" % open_)
            self.report("100 connections from one address, cap 16", self.legit_client(emu))
        finally:
            attack.close()
            emu.close()

    def test_idle_keepalive_reclaimed_at_the_cap(self):
        """300 idle keep-alive connections with --max-connections 256: the
        longest idle ones are closed to make room, the legitimate client is
        served."""
        emu = et.Emu(["--max-connections", "256"])
        attack = Attack()
        try:
            attack.idle_keepalive(emu, ["127.0.3.%d" % i for i in range(1, 11)], 30)
            self.assertGreater(len(attack.socks), 250)
            self.report("300 idle keep-alive connections, cap 256", self.legit_client(emu))
            self.assertLess(attack.still_open(), 256)
        finally:
            attack.close()
            emu.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
