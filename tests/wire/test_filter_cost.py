#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Costly filters cannot take the database pool.

5,000 ranges with 4 KB descriptions are loaded straight into the embedded
cluster.  A server with more workers (24) than database connections (8)
then gets 16 costly GetRanges at once, from 16 sessions or from one,
while a legitimate client keeps calling GetRange and Login: the costly
calls get a Client fault saying why within a bounded time, and the
legitimate client is served throughout, never "no database connection
free".  Three kinds of cost: a regular expression refused up front, one
allowed that runs over --filter-timeout, and one session running more
lists at once than --max-session-lists.
"""

import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

RANGES = 5000
ATTACKERS = 16
FILTER_TIMEOUT_MS = 100
ARGS = ["--workers", "24", "--db-pool", "8", "--db-timeout", "3000",
        "--filter-timeout", str(FILTER_TIMEOUT_MS), "--max-session-lists", "2"]
# (a{1,100}){1,100}c: 10001 atoms once expanded, refused before the database
REFUSED = "description:(a{1,100}){1,100}c"
# 256 atoms: allowed, and over 20 MB of descriptions slower than the limit
SLOW = "description:(.{1,15}){1,17}z"
# the bounds of the verdicts, seconds
COSTLY_BOUND = 5.0
LEGIT_BOUND = 2.5


def setUpModule():
    global EMU, LEGIT_REF
    EMU = et.Emu(ARGS)
    EMU.sql("INSERT INTO ranges (cidr, description) "
            "SELECT ('10.' || g / 256 || '.' || g %% 256 || '.0/24')::cidr, "
            "repeat('lorem ipsum dolor sit amet ', 150) "
            "FROM generate_series(0, %d) g" % (RANGES - 1))
    EMU.sql("ANALYZE ranges")
    LEGIT_REF = "{#6-#%s}" % EMU.sql("SELECT min(id) FROM ranges")[0][0]


def tearDownModule():
    et.module_emu_stop(EMU)


class FilterCostTest(et.EmuTestCase):

    def attack(self, sessions, flt):
        """ATTACKERS GetRanges with filter flt at once, thread i on
        sessions[i % len(sessions)], while a legitimate client (a session
        of its own) calls GetRange and Login until they are done.  Returns
        [(seconds, fault or None)] of the attack and [(seconds, error or
        None)] of the legitimate calls."""
        legit_session = et.login(EMU)
        race = et.Race(ATTACKERS)
        costly = [None] * ATTACKERS
        legit = []
        done = threading.Event()

        def attacker(i):
            with race.go(i):
                t0 = time.monotonic()
                r = et.call(EMU, "GetRanges", sessions[i % len(sessions)],
                            extra=[("filter", flt)], timeout=60)
            env = et.parse(r)
            costly[i] = (time.monotonic() - t0, et.Fault(env) if env.is_fault else None)

        def legitimate():
            n = 0
            while not done.is_set() or n < 4:
                t0 = time.monotonic()
                try:
                    if n % 2:
                        s = et.login(EMU, timeout=60)
                        et.logout(EMU, s, timeout=60)
                    else:
                        r = et.call(EMU, "GetRange", legit_session,
                                    extra=[("rangeRef", LEGIT_REF)], timeout=60)
                        et.result_of(r, "GetRange")
                    legit.append((time.monotonic() - t0, None))
                except et.SoapError as ex:
                    legit.append((time.monotonic() - t0, str(ex)))
                n += 1

        lt = threading.Thread(target=legitimate)
        lt.start()
        ts = [threading.Thread(target=attacker, args=(i,)) for i in range(ATTACKERS)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(120)
        done.set()
        lt.join(120)
        et.logout(EMU, legit_session)
        worst = max(s for s, _ in legit)
        print("\n  %s: costly calls %.2f..%.2f s; legitimate calls: %d, "
              "worst %.3f s" % (flt if len(sessions) > 1 else "one session",
                                min(s for s, _ in costly), max(s for s, _ in costly),
                                len(legit), worst), file=sys.stderr)
        return costly, legit

    def check_legit(self, legit):
        errors = [err for _, err in legit if err is not None]
        self.assertEqual(errors, [])
        self.assertLess(max(s for s, _ in legit), LEGIT_BOUND)

    def sessions(self, n):
        s = [et.login(EMU) for _ in range(n)]
        for x in s:
            self.addCleanup(et.logout, EMU, x)
        return s

    def test_costly_regex_refused_up_front(self):
        costly, legit = self.attack(self.sessions(ATTACKERS), REFUSED)
        for took, f in costly:
            self.assertIsNotNone(f)
            self.assertEqual(f.kind, "Client", f)
            self.assertIn('filter: regular expression for field "description" too costly: '
                          'its repetitions expand it to 10001 atoms, at most 256; narrow it',
                          f.string)
            self.assertLess(took, COSTLY_BOUND)
        self.check_legit(legit)

    def test_slow_filter_cancelled(self):
        costly, legit = self.attack(self.sessions(ATTACKERS), SLOW)
        for took, f in costly:
            self.assertIsNotNone(f)
            self.assertEqual(f.kind, "Client", f)
            self.assertEqual(f.string, "filter: too costly: it ran over the %d ms a filtered "
                             "list may take; narrow it" % FILTER_TIMEOUT_MS)
            self.assertLess(took, COSTLY_BOUND)
        self.check_legit(legit)

    def test_one_session_capped(self):
        one = self.sessions(1)
        costly, legit = self.attack(one, SLOW)
        faults = [f for _, f in costly]
        self.assertTrue(all(f is not None and f.kind == "Client" for f in faults), faults)
        capped = [f for f in faults
                  if f.string == "too many lists at once for this session (at most 2); "
                                 "wait for one to end"]
        # 2 ran; the others were turned away without a connection (a
        # late one may find a slot free again)
        self.assertGreaterEqual(len(capped), ATTACKERS - 4, faults)
        for took, f in costly:
            self.assertLess(took, COSTLY_BOUND)
        self.check_legit(legit)
        # the session works once its lists are over
        r = et.call(EMU, "GetRanges", one[0],
                    extra=[("filter", "name:^10\\.0\\.0\\."), ("limit", "1")])
        et.result_of(r, "GetRanges")


if __name__ == "__main__":
    unittest.main()
