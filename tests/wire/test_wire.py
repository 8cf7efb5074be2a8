#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The SOAP wire protocol of Login/Logout as each real client spells it,
faults, sessions across connections, keep-alive, the WSDL and unknown paths."""

import os
import sys
import time
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from emutest import *  # noqa: E402,F401,F403
import emutest as et  # noqa: E402


def setUpModule():
    global EMU
    EMU = et.Emu()


def tearDownModule():
    EMU.close()


# Requests as the clients send them (captured from python3-zeep 4.2.1,
# python3-suds 1.1.2, SOAP::Lite 1.27); %(...)s are filled in.

ZEEP_LOGIN = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
    '<ns0:Login xmlns:ns0="http://menandmice.com/webservices/"><ns0:server>localhost</ns0:server>'
    "<ns0:loginName>%(user)s</ns0:loginName><ns0:password>%(password)s</ns0:password></ns0:Login>"
    "</soap-env:Body></soap-env:Envelope>")

ZEEP_LOGOUT = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
    '<ns0:Logout xmlns:ns0="http://menandmice.com/webservices/"><ns0:session>%(session)s</ns0:session>'
    "</ns0:Logout></soap-env:Body></soap-env:Envelope>")

SUDS_LOGIN = (
    '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope '
    'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:ns0="http://menandmice.com/webservices/" '
    'xmlns:ns1="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/><ns1:Body>'
    "<ns0:Login><ns0:server>localhost</ns0:server><ns0:loginName>%(user)s</ns0:loginName>"
    "<ns0:password>%(password)s</ns0:password></ns0:Login></ns1:Body></SOAP-ENV:Envelope>")

SUDS_LOGOUT = (
    '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope '
    'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:ns0="http://menandmice.com/webservices/" '
    'xmlns:ns1="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/><ns1:Body>'
    "<ns0:Logout><ns0:session>%(session)s</ns0:session></ns0:Logout></ns1:Body></SOAP-ENV:Envelope>")

LITE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope '
    'soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
    'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" '
    'xmlns:tns="http://menandmice.com/webservices/" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>')
LITE_TAIL = "</soap:Body></soap:Envelope>"

# Unqualified children with xsi:type, one bogus (ObjRef is not an XSD type and
# the prefix-less QName resolves to no namespace), xsi:nil on the optional one.
LITE_LOGIN = LITE_HEAD + (
    '<tns:Login><server xsi:type="xs:string">localhost</server>'
    '<loginName xsi:type="ObjRef">%(user)s</loginName>'
    '<password xsi:type="xs:string">%(password)s</password>'
    '<replaceControlCharacters xsi:nil="true"/></tns:Login>') + LITE_TAIL

LITE_LOGOUT = LITE_HEAD + (
    '<tns:Logout><session xsi:type="ObjRef">%(session)s</session></tns:Logout>') + LITE_TAIL

SOAP12_LOGIN = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<soap-env:Envelope xmlns:soap-env="http://www.w3.org/2003/05/soap-envelope"><soap-env:Body>'
    '<ns0:Login xmlns:ns0="http://menandmice.com/webservices/"><ns0:server>localhost</ns0:server>'
    "<ns0:loginName>%(user)s</ns0:loginName><ns0:password>%(password)s</ns0:password></ns0:Login>"
    "</soap-env:Body></soap-env:Envelope>")

SOAP12_LOGOUT = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<soap-env:Envelope xmlns:soap-env="http://www.w3.org/2003/05/soap-envelope"><soap-env:Body>'
    '<ns0:Logout xmlns:ns0="http://menandmice.com/webservices/"><ns0:session>%(session)s</ns0:session>'
    "</ns0:Logout></soap-env:Body></soap-env:Envelope>")

# Default namespaces instead of prefixes, and unusual prefixes everywhere.
DEFAULT_NS_LOGIN = (
    '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>'
    '<Login xmlns="http://menandmice.com/webservices/"><server>localhost</server>'
    "<loginName>%(user)s</loginName><password>%(password)s</password>"
    "<replaceControlCharacters>false</replaceControlCharacters></Login></Body></Envelope>")

ODD_PREFIX_LOGOUT = (
    '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:soap="urn:not-soap"><e:Header></e:Header><b:Body '
    'xmlns:b="http://schemas.xmlsoap.org/soap/envelope/"><m:Logout '
    'xmlns:m="http://menandmice.com/webservices/"><m:session>%(session)s</m:session>'
    "</m:Logout></b:Body></e:Envelope>")


def fill(tmpl, **kw):
    d = {"user": et.USER, "password": et.PASSWORD}
    d.update(kw)
    return tmpl % d


class WireTest(et.EmuTestCase):

    def setUp(self):
        self.emu = EMU

    # -- helpers

    def check_login_response(self, r, version=11):
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, "text/xml" if version == 11 else "application/soap+xml", r)
        env = et.parse(r)
        self.assertEqual(env.version, version)
        self.assertFalse(env.is_fault, r)
        p = env.payload
        self.assertEqual(p.tag, q(et.NS_MM, "LoginResponse"), r)
        kids = list(p)
        self.assertEqual([k.tag for k in kids], [q(et.NS_MM, "session")], r)
        self.assertSession(kids[0].text)
        self.assertEqual(len(kids[0]), 0)
        return kids[0].text

    def check_logout_response(self, r, version=11):
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, "text/xml" if version == 11 else "application/soap+xml", r)
        env = et.parse(r)
        self.assertEqual(env.version, version)
        self.assertFalse(env.is_fault, r)
        self.assertEqual(env.payload.tag, q(et.NS_MM, "LogoutResponse"), r)
        self.assertEqual(len(env.payload), 0, r)
        self.assertEqual((env.payload.text or "").strip(), "", r)

    def roundtrip(self, login_tmpl, logout_tmpl, version=11, soapaction="quoted"):
        r = et.post(self.emu, fill(login_tmpl), "Login", version=version, soapaction=soapaction)
        s = self.check_login_response(r, version)
        self.assertEqual(et.session_state(self.emu, s), "valid")
        r = et.post(self.emu, fill(logout_tmpl, session=s), "Logout", version=version,
                    soapaction=soapaction)
        self.check_logout_response(r, version)
        self.assertEqual(et.session_state(self.emu, s), "invalid")
        return s

    # -- client styles

    def test_zeep_style(self):
        self.roundtrip(ZEEP_LOGIN, ZEEP_LOGOUT)

    def test_suds_style(self):
        self.roundtrip(SUDS_LOGIN, SUDS_LOGOUT)

    def test_soaplite_style(self):
        self.roundtrip(LITE_LOGIN, LITE_LOGOUT)

    def test_soap12(self):
        self.roundtrip(SOAP12_LOGIN, SOAP12_LOGOUT, version=12)

    def test_default_namespaces_and_odd_prefixes(self):
        self.roundtrip(DEFAULT_NS_LOGIN, ODD_PREFIX_LOGOUT)

    def test_soapaction_spellings(self):
        for sa in ("quoted", "bare", None, '""', '"http://menandmice.com/webservices/#Login"'):
            with self.subTest(soapaction=sa):
                r = et.post(self.emu, fill(ZEEP_LOGIN), "Login", soapaction=sa)
                s = self.check_login_response(r)
                self.check_logout_response(et.logout(self.emu, s))

    def test_soapaction_header_name_case(self):
        r = et.post(self.emu, fill(ZEEP_LOGIN), "Login", soapaction=None,
                    headers={"soapaction": '"http://menandmice.com/webservices/Login"'})
        self.check_logout_response(et.logout(self.emu, self.check_login_response(r)))

    def test_soap12_without_action(self):
        r = et.post(self.emu, fill(SOAP12_LOGIN), "Login", version=12, soapaction=None)
        s = self.check_login_response(r, 12)
        self.check_logout_response(et.logout(self.emu, s, version=12), 12)

    def test_utf8_without_charset(self):
        r = et.post(self.emu, fill(ZEEP_LOGIN), "Login", content_type="text/xml")
        self.check_logout_response(et.logout(self.emu, self.check_login_response(r)))

    def test_sessions_are_distinct(self):
        a = et.login(self.emu)
        b = et.login(self.emu)
        self.assertNotEqual(a, b)
        self.check_logout_response(et.logout(self.emu, a))
        # logging out one session leaves the other alive
        self.assertEqual(et.session_state(self.emu, b), "valid")
        self.check_logout_response(et.logout(self.emu, b))

    # -- bad credentials

    def test_bad_password(self):
        r = et.post(self.emu, fill(ZEEP_LOGIN, password="wrong-password"), "Login")
        self.assertFault11(r, "Client", exact=et.BAD_CREDENTIALS)

    def test_unknown_user(self):
        r = et.post(self.emu, fill(ZEEP_LOGIN, user="nosuchuser"), "Login")
        self.assertFault11(r, "Client", exact=et.BAD_CREDENTIALS)

    def test_bad_credentials_same_answer(self):
        """Unknown user and wrong password are indistinguishable."""
        a = et.fault_of(et.post(self.emu, fill(ZEEP_LOGIN, password="x"), "Login"))
        b = et.fault_of(et.post(self.emu, fill(ZEEP_LOGIN, user="nobody-at-all"), "Login"))
        self.assertEqual((a.code, a.string, a.error_code), (b.code, b.string, b.error_code))

    def test_empty_password(self):
        r = et.post(self.emu, fill(ZEEP_LOGIN, password=""), "Login")
        self.assertFault11(r, "Client", exact=et.BAD_CREDENTIALS)

    def test_bad_password_soap12(self):
        r = et.post(self.emu, fill(SOAP12_LOGIN, password="wrong-password"), "Login", version=12)
        self.assertFault12(r, "Sender", exact=et.BAD_CREDENTIALS)

    def test_bad_password_soaplite(self):
        r = et.post(self.emu, fill(LITE_LOGIN, password="wrong-password"), "Login")
        self.assertFault11(r, "Client", exact=et.BAD_CREDENTIALS)

    # -- sessions

    def test_logged_out_session(self):
        s = et.login(self.emu)
        self.check_logout_response(et.logout(self.emu, s))
        self.assertFault11(et.call(self.emu, "GetDHCPServers", s), "Client", et.BAD_SESSION)
        self.assertFault11(et.logout(self.emu, s), "Client", et.BAD_SESSION)

    def test_logged_out_session_soap12(self):
        s = et.login(self.emu, version=12)
        self.check_logout_response(et.logout(self.emu, s, version=12), 12)
        self.assertFault12(et.logout(self.emu, s, version=12), "Sender", et.BAD_SESSION)

    def test_unknown_session(self):
        for s in ("AAAAAAAAAAAAAAAAAAAA", "", "not a session", "x" * 300):
            with self.subTest(session=s[:30]):
                self.assertFault11(et.call(self.emu, "GetDHCPServers", s), "Client", et.BAD_SESSION)
                self.assertFault11(et.logout(self.emu, s), "Client", et.BAD_SESSION)

    def test_missing_session_element(self):
        r = et.post(self.emu, et.envelope11(et.op_xml("Logout", [])), "Logout")
        self.assertFault11(r, "Client")

    def test_session_on_second_connection(self):
        c1 = et.connect(self.emu)
        c2 = et.connect(self.emu)
        try:
            s = et.login(self.emu, conn=c1)
            r = et.call(self.emu, "GetDHCPServers", s, conn=c2)
            et.result_of(r, "GetDHCPServers")
            self.check_logout_response(et.logout(self.emu, s, conn=c2))
            self.assertFault11(et.call(self.emu, "GetDHCPServers", s, conn=c1), "Client",
                               et.BAD_SESSION)
        finally:
            c1.close()
            c2.close()

    def test_session_across_versions(self):
        s = et.login(self.emu, version=12)
        r = et.call(self.emu, "GetDHCPServers", s, version=11)
        et.result_of(r, "GetDHCPServers")
        self.check_logout_response(et.logout(self.emu, s, version=11))

    # -- operations not implemented yet

    def unserved(self):
        op = et.unserved_op()
        if op is None:
            self.skipTest("every session-only operation is served")
        return op

    def test_not_implemented_valid_session(self):
        op = self.unserved()
        s = et.login(self.emu)
        try:
            r = et.call(self.emu, op, s)
            f = self.assertFault11(r, "Client", et.NOT_IMPLEMENTED)
            self.assertNotIn(et.BAD_SESSION, f.string)
            r = et.call(self.emu, op, s, version=12)
            self.assertFault12(r, "Sender", et.NOT_IMPLEMENTED)
        finally:
            et.logout(self.emu, s)

    def test_not_implemented_bad_session(self):
        op = self.unserved()
        r = et.call(self.emu, op, "ZZZZZZZZZZZZZZZZZZZZ")
        f = self.assertFault11(r, "Client", et.BAD_SESSION)
        self.assertNotIn(et.NOT_IMPLEMENTED, f.string)
        r = et.call(self.emu, op, "ZZZZZZZZZZZZZZZZZZZZ", version=12)
        self.assertFault12(r, "Sender", et.BAD_SESSION)

    def test_unknown_operation(self):
        s = et.login(self.emu)
        try:
            r = et.call(self.emu, "NoSuchOperation", s)
            self.assertFault11(r, "Client")
        finally:
            et.logout(self.emu, s)

    # -- HTTP

    def test_keepalive_five_requests(self):
        conn = et.connect(self.emu)
        try:
            conn.connect()
            local = conn.sock.getsockname()
            sock = conn.sock
            s = None
            for i in range(5):
                if i % 2 == 0:
                    r = et.post(self.emu, fill(ZEEP_LOGIN), "Login", conn=conn)
                    s = self.check_login_response(r)
                else:
                    r = et.logout(self.emu, s, conn=conn)
                    self.check_logout_response(r)
                self.assertNotEqual((r.header("Connection") or "").lower(), "close")
                self.assertIs(conn.sock, sock, "connection was closed after request %d" % (i + 1))
                self.assertEqual(conn.sock.getsockname(), local)
            self.check_logout_response(et.logout(self.emu, s, conn=conn))
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    def test_keepalive_after_fault(self):
        """After a fault the connection is either kept usable or its closing is
        announced (Connection: close), so a keep-alive client carries on."""
        conn = et.connect(self.emu)
        try:
            r = et.post(self.emu, fill(ZEEP_LOGIN, password="x"), "Login", conn=conn)
            self.assertFault11(r, "Client", exact=et.BAD_CREDENTIALS)
            s = et.login(self.emu, conn=conn)  # RemoteDisconnected if closed silently
            self.check_logout_response(et.logout(self.emu, s, conn=conn))
        finally:
            conn.close()

    # -- HTTP framing: chunked bodies, 100-continue, pipelining

    def _raw_exchange(self, data, answers, timeout=10):
        """Sends raw bytes on one connection; returns the first `answers`
        responses parsed from what comes back (Content-Length framed)."""
        sock = et.raw_socket(self.emu, timeout=timeout)
        try:
            sock.sendall(data)
            buf, out = b"", []
            deadline = time.monotonic() + timeout
            while len(out) < answers and time.monotonic() < deadline:
                head, sep, rest = buf.partition(b"\r\n\r\n")
                if sep:
                    r = et.parse_raw_response(buf)
                    n = int(r.header("Content-Length") or 0)
                    if len(rest) >= n:
                        out.append(r)
                        buf = rest[n:]
                        continue
                chunk = sock.recv(65536)
                if not chunk:
                    break
                buf += chunk
            return out
        finally:
            sock.close()

    def _chunked_login(self, body, sizes):
        host, port = et._hostport(self.emu)
        head = ("POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: %s\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
                % (et._path(self.emu), host, port, et.CT11)).encode()
        data, i = b"", 0
        for n in sizes:
            part = body[i:i + n]
            i += n
            data += b"%x;ext=1\r\n" % len(part) + part + b"\r\n"
        data += b"%x\r\n" % (len(body) - i) + body[i:] + b"\r\n" if i < len(body) else b""
        return head + data + b"0\r\nX-Trailer: t\r\n\r\n"

    def test_chunked_request(self):
        need_local(self)
        body = fill(ZEEP_LOGIN).encode()
        (r,) = self._raw_exchange(self._chunked_login(body, [7, 100, 1]), 1)
        s = self.check_login_response(r)
        self.check_logout_response(et.logout(self.emu, s))

    def test_chunked_request_in_separate_reads(self):
        """Chunks of 1 byte to 16 KiB arriving in reads of their own, with
        pauses between them, as JAX-WS, Axis2, CXF and gSOAP's
        SOAP_IO_CHUNK send: whole (size line, data and CRLF in one read)
        and split (each part apart, the data in two halves): one request."""
        need_local(self)
        pad = "<!--" + "p" * 30000 + "-->"
        body = fill(ZEEP_LOGIN).replace("<soap-env:Body>", pad + "<soap-env:Body>").encode()
        host, port = et._hostport(self.emu)
        head = ("POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: %s\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
                % (et._path(self.emu), host, port, et.CT11)).encode()
        pieces, i = [head], 0
        for k, n in enumerate((1, 255, 257, 300, 300, 4096, 4096, 16384, len(body))):
            part = body[i:i + n]
            i += len(part)
            if not part:
                break
            if k % 2:
                pieces.append(b"%x\r\n" % len(part) + part + b"\r\n")
            else:
                half = max(1, len(part) // 2)
                pieces += [b"%x" % len(part), b"\r\n", part[:half], part[half:], b"\r\n"]
        self.assertEqual(i, len(body))
        pieces += [b"0\r\n", b"\r\n"]
        sock = et.raw_socket(self.emu, timeout=10)
        try:
            for k, piece in enumerate(pieces):
                sock.sendall(piece)
                time.sleep((0.01, 0.05, 0.15)[k % 3])
            raw = b""
            while True:
                head, sep, body = raw.partition(b"\r\n\r\n")
                r = et.parse_raw_response(raw) if sep else None
                if r is not None and len(body) >= int(r.header("Content-Length") or 0):
                    break
                more = sock.recv(65536)
                self.assertTrue(more, "closed after %r" % raw[:300])
                raw += more
        finally:
            sock.close()
        self.check_logout_response(et.logout(self.emu, self.check_login_response(r)))

    def test_chunked_request_over_limit(self):
        need_local(self)
        emu = et.Emu(args=["--max-message-bytes", "4096"])
        try:
            host, port = et._hostport(emu)
            head = ("POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: %s\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n"
                    % (et._path(emu), host, port, et.CT11)).encode()
            chunk = b"<" + b"a" * 2047
            data = head + (b"800\r\n" + chunk + b"\r\n") * 3 + b"0\r\n\r\n"
            sock = et.raw_socket(emu, timeout=10)
            try:
                sock.sendall(data)
                got, _ = et.read_until_close(sock, time.monotonic() + 10)
            finally:
                sock.close()
            r = et.parse_raw_response(got)
            self.assertIsNotNone(r, got[:200])
            self.assertEqual(r.status, 413, r)
            self.assertIn(b"exceeds the message size limit", r.body)
            self.assertHealthy(emu)
        finally:
            emu.close()

    def test_expect_100_continue(self):
        need_local(self)
        body = fill(ZEEP_LOGIN).encode()
        data = et.http_request_bytes(self.emu, body, extra_headers=["Expect: 100-continue"])
        head, _, rest = data.partition(b"\r\n\r\n")
        sock = et.raw_socket(self.emu, timeout=10)
        try:
            sock.sendall(head + b"\r\n\r\n")
            first = sock.recv(4096)
            self.assertTrue(first.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), first)
            sock.sendall(rest)
            got = first[len(b"HTTP/1.1 100 Continue\r\n\r\n"):]
            while b"</SOAP-ENV:Envelope>" not in got:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                got += chunk
        finally:
            sock.close()
        r = et.parse_raw_response(got)
        s = self.check_login_response(r)
        self.check_logout_response(et.logout(self.emu, s))

    def test_pipelined_requests(self):
        """Two requests sent back to back on one connection get two
        answers, in order."""
        need_local(self)
        s = et.login(self.emu)
        one = et.http_request_bytes(self.emu, fill(ZEEP_LOGIN))
        two = et.http_request_bytes(self.emu, fill(ZEEP_LOGOUT, session=s), op="Logout")
        r1, r2 = self._raw_exchange(one + two, 2)
        s2 = self.check_login_response(r1)
        self.check_logout_response(r2)
        self.assertFault11(et.logout(self.emu, s), "Client", text=et.BAD_SESSION)
        self.check_logout_response(et.logout(self.emu, s2))

    def test_unknown_path_404(self):
        for method, path in (("GET", "/"), ("GET", "/nothing/here"), ("POST", "/nothing/here"),
                             ("GET", "/_mmwebext/other.dll?wsdl"), ("POST", "/_mmwebext/other.dll?Soap"),
                             ("GET", "/_mmwebext/mmwebext.dll/extra?wsdl")):
            with self.subTest(method=method, path=path):
                body = fill(ZEEP_LOGIN) if method == "POST" else None
                hdrs = {"Content-Type": et.CT11} if body else {}
                r = et.request(self.emu, method, path, body=body, headers=hdrs)
                self.assertEqual(r.status, 404, r)
        self.assertHealthy()

    # -- WSDL

    def wsdl_addresses(self, body):
        root = ET.fromstring(body)
        self.assertEqual(root.tag, q(et.NS_WSDL, "definitions"))
        self.assertEqual(root.get("targetNamespace"), et.NS_MM)
        a11 = [e.get("location") for e in root.iter(q(et.NS_WSDL_SOAP11, "address"))]
        a12 = [e.get("location") for e in root.iter(q(et.NS_WSDL_SOAP12, "address"))]
        return root, a11, a12

    def test_wsdl_spellings(self):
        expected = "http://%s/_mmwebext/mmwebext.dll?Soap" % self.emu.netloc
        for query in ("?wsdl", "?WSDL", "?Wsdl", "?wsdl?server=localhost", "?WSDL?server=x",
                      "?WSDL?server=x?ns=y"):
            with self.subTest(query=query):
                r = et.request(self.emu, "GET", "/_mmwebext/mmwebext.dll" + query)
                self.assertEqual(r.status, 200, r)
                self.assertIn("xml", r.content_type, r)
                root, a11, a12 = self.wsdl_addresses(r.body)
                self.assertEqual(a11, [expected])
                self.assertEqual(a12, [expected])
                self.assertNotIn(b"micetro-emu.invalid", r.body)

    def test_wsdl_host_header(self):
        for host in ("micetro.example.com", "micetro.example.com:8443", "10.1.2.3:80", "[::1]:8080"):
            with self.subTest(host=host):
                r = et.request(self.emu, "GET", "/_mmwebext/mmwebext.dll?wsdl", headers={"Host": host})
                self.assertEqual(r.status, 200, r)
                _, a11, a12 = self.wsdl_addresses(r.body)
                want = "http://%s/_mmwebext/mmwebext.dll?Soap" % host
                self.assertEqual(a11, [want])
                self.assertEqual(a12, [want])

    def test_wsdl_content(self):
        r = et.request(self.emu, "GET", "/_mmwebext/mmwebext.dll?wsdl")
        root, _, _ = self.wsdl_addresses(r.body)
        ours = ET.parse(os.path.join(et.REPO, "wsdl", "micetro.wsdl")).getroot()

        def ops(rt):
            return sorted(o.get("name") for pt in rt.iter(q(et.NS_WSDL, "portType"))
                          for o in pt.iter(q(et.NS_WSDL, "operation")))
        self.assertIn("Login", ops(root))
        self.assertEqual(ops(root), ops(ours))
        ports = sorted(p.get("name") for p in root.iter(q(et.NS_WSDL, "port")))
        self.assertEqual(ports, ["ServiceSoap", "ServiceSoap12"])

    def test_wsdl_keepalive(self):
        conn = et.connect(self.emu)
        try:
            r1 = et.request(self.emu, "GET", "/_mmwebext/mmwebext.dll?wsdl", conn=conn)
            sock = conn.sock
            r2 = et.request(self.emu, "GET", "/_mmwebext/mmwebext.dll?WSDL", conn=conn)
            self.assertIs(conn.sock, sock)
            self.assertEqual(r1.status, 200)
            self.assertEqual(r1.body, r2.body)
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
