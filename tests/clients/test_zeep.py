#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The real zeep client (python3-zeep), built from the served WSDL."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import zeep  # noqa: E402
import zeep.exceptions  # noqa: E402


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    EMU.close()


class ZeepTest(et.EmuTestCase):

    @classmethod
    def setUpClass(cls):
        cls.client = zeep.Client(EMU.wsdl_url, settings=zeep.Settings(strict=True))

    def setUp(self):
        self.emu = EMU

    def test_service_address(self):
        """zeep posts to the address in the WSDL: the one we fetched it from."""
        self.assertEqual(self.client.service._binding_options["address"], EMU.url)
        soap12 = self.client.bind("Service", "ServiceSoap12")
        self.assertEqual(soap12._binding_options["address"], EMU.url)

    def test_login_logout(self):
        s = self.client.service.Login(server="localhost", loginName=et.USER, password=et.PASSWORD)
        self.assertSession(s)
        self.assertIsNone(self.client.service.Logout(session=s))
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            self.client.service.Logout(session=s)
        self.assertIn(et.BAD_SESSION, cm.exception.message)
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            self.client.service.GetDHCPServers(session=s)
        self.assertIn(et.BAD_SESSION, cm.exception.message)

    def test_positional_and_optional(self):
        s = self.client.service.Login("localhost", et.USER, et.PASSWORD, True)
        self.assertSession(s)
        self.assertIsNone(self.client.service.Logout(s))

    def test_bad_password(self):
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            self.client.service.Login(server="localhost", loginName=et.USER, password="wrong")
        self.assertEqual(cm.exception.message, et.BAD_CREDENTIALS)
        self.assertTrue((cm.exception.code or "").endswith("Client"), cm.exception.code)
        detail = cm.exception.detail
        self.assertIsNotNone(detail)
        codes = detail.findall("{%s}errorCode" % et.NS_MM)
        self.assertEqual(len(codes), 1)
        int(codes[0].text)

    def test_not_implemented(self):
        op = et.unserved_op()
        if op is None:
            self.skipTest("every session-only operation is served")
        s = self.client.service.Login(server="localhost", loginName=et.USER, password=et.PASSWORD)
        try:
            with self.assertRaises(zeep.exceptions.Fault) as cm:
                getattr(self.client.service, op)(session=s)
            self.assertIn(et.NOT_IMPLEMENTED, cm.exception.message)
        finally:
            self.client.service.Logout(session=s)

    def test_soap12(self):
        svc = self.client.bind("Service", "ServiceSoap12")
        s = svc.Login(server="localhost", loginName=et.USER, password=et.PASSWORD)
        self.assertSession(s)
        self.assertIsNone(svc.Logout(session=s))
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            svc.Logout(session=s)
        self.assertIn(et.BAD_SESSION, cm.exception.message)
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            svc.Login(server="localhost", loginName=et.USER, password="wrong")
        self.assertEqual(cm.exception.message, et.BAD_CREDENTIALS)
        self.assertIn("Sender", cm.exception.code or "")

    def test_session_shared_between_bindings(self):
        s = self.client.service.Login(server="localhost", loginName=et.USER, password=et.PASSWORD)
        svc12 = self.client.bind("Service", "ServiceSoap12")
        self.assertIsNone(svc12.Logout(session=s))
        with self.assertRaises(zeep.exceptions.Fault) as cm:
            self.client.service.Logout(session=s)
        self.assertIn(et.BAD_SESSION, cm.exception.message)

    def test_fresh_client_each_time(self):
        """A client built from scratch (as scripts do on every run) works."""
        for _ in range(3):
            c = zeep.Client(EMU.wsdl_url, settings=zeep.Settings(strict=True))
            s = c.service.Login(server="localhost", loginName=et.USER, password=et.PASSWORD)
            self.assertSession(s)
            c.service.Logout(session=s)


if __name__ == "__main__":
    unittest.main(verbosity=2)
