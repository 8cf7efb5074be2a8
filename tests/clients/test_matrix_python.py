# SPDX-License-Identifier: GPL-2.0-or-later
"""The failover lifecycle of clients/examples with zeep (SOAP 1.1 and 1.2)
and suds (1.1), under pytest, against the server of MICETRO_URL (started
by run_with_emu.py).  Each run's time is printed."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "clients", "examples"))
import suds_failover  # noqa: E402
import zeep_failover  # noqa: E402

URL = os.environ.get("MICETRO_URL")
USER = os.environ.get("MICETRO_USER", "administrator")
PASSWORD = os.environ.get("MICETRO_PASSWORD", "administrator")

pytestmark = pytest.mark.skipif(not URL, reason="MICETRO_URL not set (run through run_with_emu.py)")


@pytest.mark.parametrize("soap12", [False, True], ids=["soap11", "soap12"])
def test_zeep(soap12):
    secs = zeep_failover.lifecycle(URL, USER, PASSWORD, soap12,
                                   tag="zeep%d" % (12 if soap12 else 11), octet=81 if soap12 else 80)
    print("\nTIME zeep SOAP %s: %.2f s" % ("1.2" if soap12 else "1.1", secs))


def test_suds():
    secs = suds_failover.lifecycle(URL, USER, PASSWORD, tag="suds11", octet=82)
    print("\nTIME suds SOAP 1.1: %.2f s" % secs)


def test_zeep_check_fails_on_a_wrong_answer(monkeypatch):
    """The checks can fail: a relationship read back with another mclt is
    reported."""
    real = zeep_failover.check

    def lying(what, got, want):
        real(what, got + 1 if what == "mclt" else got, want)

    monkeypatch.setattr(zeep_failover, "check", lying)
    with pytest.raises(AssertionError, match="mclt"):
        zeep_failover.lifecycle(URL, USER, PASSWORD, False, tag="zeepbad", octet=83)
