#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The real suds client (python3-suds), built from the served WSDL."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

import suds  # noqa: E402
import suds.client  # noqa: E402
import suds.plugin  # noqa: E402


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    EMU.close()


def new_client(**kw):
    # cache=None: every test reads the WSDL from the server, not from ~/.cache
    return suds.client.Client(EMU.wsdl_url, cache=None, timeout=30, **kw)


class SudsTest(et.EmuTestCase):

    @classmethod
    def setUpClass(cls):
        cls.client = new_client()

    def setUp(self):
        self.emu = EMU

    def test_service_address(self):
        for port in self.client.wsdl.services[0].ports:
            self.assertEqual(port.location, EMU.url, port.name)

    def test_login_logout(self):
        s = self.client.service.Login("localhost", et.USER, et.PASSWORD)
        self.assertSession(str(s))
        self.assertIsNone(self.client.service.Logout(s))
        with self.assertRaises(suds.WebFault) as cm:
            self.client.service.Logout(s)
        self.assertIn(et.BAD_SESSION, cm.exception.fault.faultstring)
        self.assertIn("Server raised fault: '", str(cm.exception))
        self.assertIn(et.BAD_SESSION, str(cm.exception))
        with self.assertRaises(suds.WebFault) as cm:
            self.client.service.GetDHCPServers(s)
        self.assertIn(et.BAD_SESSION, cm.exception.fault.faultstring)

    def test_keyword_arguments(self):
        s = self.client.service.Login(server="localhost", loginName=et.USER, password=et.PASSWORD,
                                      replaceControlCharacters=False)
        self.assertSession(str(s))
        self.assertIsNone(self.client.service.Logout(session=s))

    def test_bad_password(self):
        with self.assertRaises(suds.WebFault) as cm:
            self.client.service.Login("localhost", et.USER, "wrong")
        f = cm.exception.fault
        self.assertEqual(f.faultstring, et.BAD_CREDENTIALS)
        self.assertTrue(str(f.faultcode).endswith("Client"), f.faultcode)
        self.assertEqual(str(cm.exception), "Server raised fault: '%s'" % et.BAD_CREDENTIALS)
        self.assertIsNotNone(getattr(f, "detail", None))
        int(str(f.detail.errorCode))

    def test_not_implemented(self):
        op = et.unserved_op()
        if op is None:
            self.skipTest("every session-only operation is served")
        s = self.client.service.Login("localhost", et.USER, et.PASSWORD)
        try:
            with self.assertRaises(suds.WebFault) as cm:
                getattr(self.client.service, op)(s)
            self.assertIn(et.NOT_IMPLEMENTED, cm.exception.fault.faultstring)
        finally:
            self.client.service.Logout(s)

    def test_faults_not_raised(self):
        """faults=False: suds returns (status, fault) instead of raising."""
        c = new_client(faults=False)
        status, s = c.service.Login("localhost", et.USER, et.PASSWORD)
        self.assertEqual(status, 200)
        self.assertSession(str(s))
        self.assertEqual(c.service.Logout(s)[0], 200)
        status, f = c.service.Logout(s)
        self.assertEqual(status, 500)
        self.assertIn(et.BAD_SESSION, f.faultstring)

    def test_session_used_by_other_client(self):
        s = self.client.service.Login("localhost", et.USER, et.PASSWORD)
        other = new_client()
        self.assertIsNone(other.service.Logout(s))
        with self.assertRaises(suds.WebFault):
            self.client.service.Logout(s)

    def test_refused_request_is_webfault(self):
        """A request the server refuses before parsing (here: it carries a
        DTD) still reaches suds as a WebFault, which needs HTTP 500."""
        class AddDoctype(suds.plugin.MessagePlugin):
            def sending(self, context):
                env = context.envelope
                if env.startswith(b"<?xml"):
                    env = env.split(b"?>", 1)[1]
                context.envelope = b'<!DOCTYPE x [<!ENTITY a "b">]>' + env

        c = new_client(plugins=[AddDoctype()])
        with self.assertRaises(suds.WebFault) as cm:
            c.service.Login("localhost", et.USER, et.PASSWORD)
        self.assertTrue(str(cm.exception.fault.faultcode).endswith("Client"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
