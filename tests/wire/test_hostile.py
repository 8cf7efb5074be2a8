#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile input: every case gets a fault or a closed connection within a
bounded time, and afterwards the server is alive and serves a normal Login
on a fresh connection."""

import http.client
import os
import select
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import emutest as et  # noqa: E402

MESSAGE_TIMEOUT = 3
RECV_TIMEOUT = 2
ARGS = ["--message-timeout", str(MESSAGE_TIMEOUT), "--recv-timeout", str(RECV_TIMEOUT),
        "--keepalive-timeout", "5"]
MAX_MESSAGE = 1024 * 1024  # the default --max-message-bytes

LOGIN_HEAD = ('<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
              '<soap-env:Body><ns0:Login xmlns:ns0="http://menandmice.com/webservices/">')
LOGIN_TAIL = "</ns0:Login></soap-env:Body></soap-env:Envelope>"


def login_body(server="localhost", user=None, password=None):
    return (LOGIN_HEAD + "<ns0:server>%s</ns0:server><ns0:loginName>%s</ns0:loginName>"
            "<ns0:password>%s</ns0:password>" % (server, user or et.USER, password or et.PASSWORD)
            + LOGIN_TAIL)


def setUpModule():
    global EMU
    if et.remote():
        raise unittest.SkipTest("hostile tests run against a server started with small limits")
    EMU = et.Emu(ARGS)


def tearDownModule():
    EMU.close()


class HostileTest(et.EmuTestCase):

    def setUp(self):
        self.emu = EMU

    # -- helpers

    def send_raw(self, data, wait=15):
        """Sends bytes on a fresh connection; returns (Response or None, raw, how, seconds)."""
        t0 = time.monotonic()
        sock = et.raw_socket(self.emu)
        try:
            try:
                sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            raw, how = et.read_until_close(sock, time.monotonic() + wait)
        finally:
            sock.close()
        return et.parse_raw_response(raw), raw, how, time.monotonic() - t0

    def assertFaultOrClose(self, data, wait=15, need_fault=False):
        """The server answers a SOAP 1.1 Client fault (or, unless need_fault,
        closes the connection without a success) within wait seconds."""
        resp, raw, how, secs = self.send_raw(data, wait)
        self.assertNotEqual(how, "timeout", "no answer and no close within %ss: %r" % (wait, raw[:500]))
        if resp is None:
            self.assertFalse(need_fault, "connection closed (%s) without a fault: %r" % (how, raw[:500]))
            self.assertEqual(raw, b"", "garbage answer: %r" % raw[:500])
            return None
        return self.clientFault(resp)

    def clientFault(self, resp):
        """A SOAP 1.1 Client fault.  The HTTP status (500) and the
        mm:errorCode are checked by test_fault_status_and_code only, so that
        each case here tests the handling of the hostile input itself."""
        return self.assertFault11(resp, "Client", statuses=(400, 500), need_code=False)

    def post_fault(self, body, **kw):
        """POSTs body; expects a SOAP 1.1 Client fault within 10 s."""
        t0 = time.monotonic()
        r = et.post(self.emu, body, "Login", timeout=20, **kw)
        self.assertLess(time.monotonic() - t0, 10)
        return self.clientFault(r)

    def post_fault_or_close(self, body):
        """POSTs body; expects a SOAP 1.1 Client fault or a close without answer."""
        t0 = time.monotonic()
        try:
            r = et.post(self.emu, body, "Login", timeout=20)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.assertLess(time.monotonic() - t0, 10)
            return None
        self.assertLess(time.monotonic() - t0, 10)
        return self.clientFault(r)

    def assertRejected(self, data, wait=15):
        """An HTTP error status (4xx, 505 for an HTTP version not served, a
        500 fault) or a close, never a success."""
        resp, raw, how, secs = self.send_raw(data, wait)
        self.assertNotEqual(how, "timeout", "no answer and no close within %ss: %r" % (wait, raw[:500]))
        if resp is not None:
            self.assertTrue(400 <= resp.status < 500 or resp.status == 505
                            or resp.status == 500 and et.fault_of(resp), resp)
        else:
            self.assertEqual(raw, b"", "not an HTTP answer: %r" % raw[:500])
        return resp

    # -- malformed or non-SOAP bodies

    def test_malformed_xml(self):
        cases = {
            "truncated": login_body()[:-40],
            "mismatched": LOGIN_HEAD + "<ns0:server>x</ns0:loginName>" + LOGIN_TAIL,
            "unclosed attribute": '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/><x/>',
            "undeclared prefix": "<soap-env:Envelope><soap-env:Body/></soap-env:Envelope>",
            "two roots": login_body() + login_body(),
            "bad char ref": LOGIN_HEAD + "<ns0:server>&#0;</ns0:server>" + LOGIN_TAIL,
            "undefined entity": LOGIN_HEAD + "<ns0:server>&nope;</ns0:server>" + LOGIN_TAIL,
            "lt in text": LOGIN_HEAD + "<ns0:server>a<b</ns0:server>" + LOGIN_TAIL,
        }
        for name, body in cases.items():
            with self.subTest(case=name):
                f = self.post_fault_or_close(body)
                if f is not None:
                    self.assertNotIn("session", f.string.lower())
        bad_utf8 = login_body(password="\udcff").encode("utf-8", "surrogateescape")
        with self.subTest(case="invalid utf-8"):
            self.post_fault_or_close(bad_utf8)
        self.assertHealthy()

    def test_nul_refused(self):
        """A NUL byte, raw or as a character reference, is refused with a
        Client fault wherever it stands: no login with a password cut at
        it, no object with a name cut at it."""
        pw = et.PASSWORD + "\x00junk"
        for name, body in (("raw in a password", login_body(password=pw)),
                           ("&#0; in a password", login_body(password=et.PASSWORD + "&#0;junk")),
                           ("&#x00; in a login name", login_body(user=et.USER + "&#x00;x"))):
            with self.subTest(case=name):
                f = self.clientFault(et.post(self.emu, body, "Login"))
                self.assertIn("NUL", f.string)
        session = et.login(self.emu)
        for spelling in ("&#0;", "&#x0;", "\x00"):
            add = ('<ns0:AddDHCPServer xmlns:ns0="%s"><ns0:session>%s</ns0:session>'
                   '<ns0:dhcpServer><ns0:name>nul.a%sb.example.</ns0:name>'
                   '<ns0:address>10.250.0.1</ns0:address><ns0:type>ISC</ns0:type>'
                   '</ns0:dhcpServer></ns0:AddDHCPServer>' % (et.NS_MM, session, spelling))
            with self.subTest(case="server name with " + repr(spelling)):
                f = self.clientFault(et.post(self.emu, et.envelope11(add), "AddDHCPServer"))
                self.assertIn("NUL", f.string)
        r = et.call(self.emu, "GetDHCPServers", session, extra=[("filter", "name:nul")])
        self.assertNotIn(b"nul.a", r.body)
        self.assertIn(b"<mm:totalResults>0</mm:totalResults>", r.body)
        self.assertHealthy()

    def test_not_xml(self):
        for body in ("hello world", "", "{\"jsonrpc\": \"2.0\"", "\x00\x01\x02\x03" * 64):
            with self.subTest(body=body[:20]):
                self.post_fault(body)
        self.assertHealthy()

    def test_not_a_soap_envelope(self):
        cases = {
            "plain element": "<foo/>",
            "wrong namespace": ('<Envelope xmlns="urn:not-soap"><Body>'
                                '<ns0:Login xmlns:ns0="http://menandmice.com/webservices/">'
                                "<ns0:server>localhost</ns0:server><ns0:loginName>%s</ns0:loginName>"
                                "<ns0:password>%s</ns0:password></ns0:Login></Body></Envelope>"
                                % (et.USER, et.PASSWORD)),
            "login without envelope": '<ns0:Login xmlns:ns0="http://menandmice.com/webservices/">'
                                      "<ns0:server>x</ns0:server></ns0:Login>",
            "no body": '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"/>',
            "empty body": '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>',
        }
        for name, body in cases.items():
            with self.subTest(case=name):
                f = self.post_fault(body)
                self.assertNotIn(et.BAD_CREDENTIALS, f.string)
        self.assertHealthy()

    def test_fault_status_and_code(self):
        """Faults for refused input are ordinary SOAP 1.1 faults: HTTP 500
        and a numeric mm:errorCode, like every other fault."""
        cases = {
            "not xml": "hello world",
            "malformed": login_body()[:-40],
            "dtd": '<!DOCTYPE soap-env:Envelope [<!ENTITY u "x">]>' + login_body(user="&u;"),
            "too deep": login_body(server="<a>" * 100 + "</a>" * 100),
            "empty body": '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>',
            "string too long": login_body(password="p" * (200 * 1024)),
        }
        for name, body in cases.items():
            with self.subTest(case=name):
                self.assertFault11(et.post(self.emu, body, "Login", timeout=20), "Client")
        self.assertHealthy()

    # -- size

    def test_ten_megabyte_body(self):
        total = 10 * 1024 * 1024
        head = ("POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: text/xml; charset=utf-8\r\n"
                'SOAPAction: "http://menandmice.com/webservices/Login"\r\n'
                "Content-Length: %d\r\n\r\n" % (self.emu.path, self.emu.host, self.emu.port, total))
        prefix = (LOGIN_HEAD + "<ns0:server>").encode()
        chunk = b"A" * 65536
        sock = et.raw_socket(self.emu, timeout=5)
        sent = 0
        stopped = None
        t0 = time.monotonic()
        try:
            sock.sendall(head.encode())
            sock.sendall(prefix)
            sent = len(prefix)
            while sent < total:
                r, _, _ = select.select([sock], [], [], 0.005)
                if r:
                    stopped = "answer or close"
                    break
                n = min(len(chunk), total - sent)
                try:
                    sock.sendall(chunk[:n])
                except (BrokenPipeError, ConnectionResetError):
                    stopped = "reset"
                    break
                except socket.timeout:
                    stopped = "server stopped reading"
                    break
                sent += n
            all_sent_at = time.monotonic()
            raw, how = et.read_until_close(sock, time.monotonic() + 10)
        finally:
            sock.close()
        self.assertNotEqual(how, "timeout", "neither answer nor close after %d bytes" % sent)
        resp = et.parse_raw_response(raw)
        if resp is not None:
            self.assertIn(resp.status, (413, 500), resp)
            if resp.status == 500:
                self.assertEqual(et.fault_of(resp).code, (et.NS_SOAP11, "Client"), resp)
        else:
            self.assertEqual(raw, b"", "not an HTTP answer: %r" % raw[:300])
        self.assertIsNotNone(stopped, "the server took all %d bytes (%.1f s) before refusing; "
                             "answer %s after %.1f s" % (total, all_sent_at - t0, how,
                                                         time.monotonic() - all_sent_at))
        self.assertLess(sent, total)
        self.assertHealthy()

    def test_declared_length_over_limit(self):
        """Content-Length above --max-message-bytes is refused from the headers alone."""
        data = et.http_request_bytes(self.emu, login_body(), content_length=MAX_MESSAGE + 1)
        t0 = time.monotonic()
        resp, raw, how, secs = self.send_raw(data, wait=15)
        self.assertNotEqual(how, "timeout")
        # refused before the (never sent) body could time out
        self.assertLess(secs, RECV_TIMEOUT, (resp, how))
        if resp is not None:
            self.assertIn(resp.status, (413, 500), resp)
        self.assertHealthy()

    def test_long_string_value(self):
        r = et.post(self.emu, login_body(password="p" * (200 * 1024)), "Login", timeout=20)
        self.clientFault(r)
        self.assertHealthy()

    # -- DTDs

    def test_billion_laughs(self):
        ents = ['<!ENTITY lol "lol">']
        prev = "lol"
        for i in range(1, 10):
            ents.append('<!ENTITY lol%d "%s">' % (i, ("&%s;" % prev) * 10))
            prev = "lol%d" % i
        body = ('<?xml version="1.0"?>\n<!DOCTYPE soap-env:Envelope [\n%s\n]>\n' % "\n".join(ents)
                + login_body(server="&lol9;"))
        t0 = time.monotonic()
        r = et.post(self.emu, body, "Login", timeout=20)
        self.assertLess(time.monotonic() - t0, 10)
        self.clientFault(r)
        self.assertLess(len(r.body), 64 * 1024)
        self.assertHealthy()

    def test_internal_entity_refused(self):
        """A DTD is refused even when harmless: the entity would make a valid login."""
        body = ('<?xml version="1.0"?>\n<!DOCTYPE soap-env:Envelope [<!ENTITY u "%s">]>\n' % et.USER
                + login_body(user="&u;"))
        f = self.post_fault(body)
        self.assertNotIn(et.BAD_CREDENTIALS, f.string)
        self.assertHealthy()

    def test_external_entity(self):
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(5)
        port = lsock.getsockname()[1]
        try:
            with open("/etc/hostname", "rb") as fh:
                secret = fh.read().strip() or None
        except OSError:
            secret = None
        cases = {
            "file": ('<!DOCTYPE soap-env:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                     "&xxe;"),
            "http": ('<!DOCTYPE soap-env:Envelope [<!ENTITY xxe SYSTEM "http://127.0.0.1:%d/xxe">]>' % port,
                     "&xxe;"),
            "external dtd": ('<!DOCTYPE soap-env:Envelope SYSTEM "http://127.0.0.1:%d/x.dtd">' % port, "x"),
            "parameter entity": ('<!DOCTYPE soap-env:Envelope [<!ENTITY %% p SYSTEM '
                                 '"http://127.0.0.1:%d/p.dtd"> %%p;]>' % port, "x"),
        }
        try:
            for name, (doctype, server) in cases.items():
                with self.subTest(case=name):
                    body = '<?xml version="1.0"?>\n' + doctype + "\n" + login_body(server=server)
                    r = et.post(self.emu, body, "Login", timeout=20)
                    self.clientFault(r)
                    self.assertNotIn(b"root:", r.body)
                    if secret:
                        self.assertNotIn(secret, r.body)
            ready, _, _ = select.select([lsock], [], [], 0.5)
            self.assertEqual(ready, [], "the server fetched an external entity")
        finally:
            lsock.close()
        self.assertHealthy()

    # -- depth

    def test_deep_nesting(self):
        n = 100000
        deep = "<a>" * n + "</a>" * n
        for where, body in (("in a field", login_body(server=deep)),
                            ("in the header", '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/'
                             'soap/envelope/"><soap-env:Header>' + deep + "</soap-env:Header>"
                             + login_body()[len('<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/'
                                                'soap/envelope/">'):]),
                            ("unclosed", LOGIN_HEAD + "<x>" * n)):
            with self.subTest(where=where):
                self.assertLess(len(body), MAX_MESSAGE)
                self.post_fault(body)
        self.assertHealthy()

    def test_moderate_nesting_over_limit(self):
        """Nesting beyond the default --max-depth (32) is refused."""
        deep = "<a>" * 100 + "</a>" * 100
        self.post_fault(login_body(server=deep))
        self.assertHealthy()

    # -- slow and silent clients

    def test_slow_client(self):
        """One byte per second: closed after --message-timeout while others
        are served."""
        data = et.http_request_bytes(self.emu, login_body())
        sock = et.raw_socket(self.emu, timeout=5)
        t0 = time.monotonic()
        closed_at = None
        served = 0
        try:
            for i, b in enumerate(data):
                if time.monotonic() - t0 > MESSAGE_TIMEOUT + 8:
                    break
                try:
                    sock.send(bytes([b]))
                except (BrokenPipeError, ConnectionResetError):
                    closed_at = time.monotonic()
                    break
                r, _, _ = select.select([sock], [], [], 1.0)
                if r:
                    raw, how = et.read_until_close(sock, time.monotonic() + 3)
                    if how != "timeout":
                        closed_at = time.monotonic()
                        resp = et.parse_raw_response(raw)
                        if resp is not None:
                            self.assertNotEqual(resp.status, 200, resp)
                        break
                if i in (0, 1):
                    # another client is served meanwhile, promptly
                    t = time.monotonic()
                    self.assertHealthy()
                    self.assertLess(time.monotonic() - t, 2.0)
                    served += 1
        finally:
            sock.close()
        self.assertEqual(served, 2)
        self.assertIsNotNone(closed_at, "slow connection still open after %.0f s"
                             % (time.monotonic() - t0))
        elapsed = closed_at - t0
        self.assertLess(elapsed, MESSAGE_TIMEOUT + 4, "closed only after %.1f s" % elapsed)
        self.assertGreater(elapsed, MESSAGE_TIMEOUT - 1, "closed already after %.1f s" % elapsed)
        self.assertHealthy()

    def test_short_body_then_silence(self):
        """Content-Length larger than the bytes sent, then nothing: closed
        after the timeout, others served meanwhile."""
        body = login_body().encode()
        data = et.http_request_bytes(self.emu, body[:100], content_length=len(body))
        sock = et.raw_socket(self.emu, timeout=5)
        t0 = time.monotonic()
        try:
            sock.sendall(data)
            self.assertHealthy()
            raw, how = et.read_until_close(sock, t0 + MESSAGE_TIMEOUT + 6)
        finally:
            sock.close()
        elapsed = time.monotonic() - t0
        self.assertNotEqual(how, "timeout", "connection still open after %.1f s" % elapsed)
        self.assertLess(elapsed, MESSAGE_TIMEOUT + 5)
        resp = et.parse_raw_response(raw)
        if resp is not None:
            self.assertNotEqual(resp.status, 200, resp)
        else:
            self.assertEqual(raw, b"", "not an HTTP answer: %r" % raw[:300])
        self.assertHealthy()

    def test_headers_then_silence(self):
        """An incomplete request head, then nothing: closed after the timeout."""
        sock = et.raw_socket(self.emu, timeout=5)
        t0 = time.monotonic()
        try:
            sock.sendall(b"POST /_mmwebext/mmwebext.dll?Soap HTTP/1.1\r\nHost: x\r\n")
            raw, how = et.read_until_close(sock, t0 + MESSAGE_TIMEOUT + 6)
        finally:
            sock.close()
        self.assertNotEqual(how, "timeout", "connection still open after %.1f s" % (time.monotonic() - t0))
        self.assertHealthy()

    def test_idle_connection_closed(self):
        """A connection that never sends anything is closed eventually."""
        sock = et.raw_socket(self.emu, timeout=5)
        t0 = time.monotonic()
        try:
            raw, how = et.read_until_close(sock, t0 + 12)
        finally:
            sock.close()
        self.assertNotEqual(how, "timeout")
        self.assertEqual(raw, b"")
        self.assertHealthy()

    # -- broken HTTP

    def test_garbage_request_line(self):
        cases = {
            "word": b"GARBAGE\r\n\r\n",
            "binary": b"\x00\xff\xfe\x80garbage\x01\x02\r\n\r\n",
            "no version": b"POST /_mmwebext/mmwebext.dll?Soap\r\n\r\n",
            "bad version": b"POST /_mmwebext/mmwebext.dll?Soap HTTP/9.9\r\nHost: x\r\n\r\n",
            "huge method": b"X" * 20000 + b" / HTTP/1.1\r\n\r\n",
            "negative length": (b"POST /_mmwebext/mmwebext.dll?Soap HTTP/1.1\r\nHost: x\r\n"
                                b"Content-Type: text/xml\r\nContent-Length: -5\r\n\r\n"),
            "bad length": (b"POST /_mmwebext/mmwebext.dll?Soap HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: text/xml\r\nContent-Length: abc\r\n\r\n"),
            "overflowing length": (b"POST /_mmwebext/mmwebext.dll?Soap HTTP/1.1\r\nHost: x\r\n"
                                   b"Content-Type: text/xml\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
        }
        for name, data in cases.items():
            with self.subTest(case=name):
                resp = self.assertRejected(data, wait=RECV_TIMEOUT + MESSAGE_TIMEOUT + 5)
                if resp is not None:
                    self.assertNotEqual(resp.status, 200)
        self.assertHealthy()

    def test_many_headers(self):
        """200 header lines (the default --max-headers is 64): refused."""
        extra = ["X-Header-%d: value-%d" % (i, i) for i in range(200)]
        data = et.http_request_bytes(self.emu, login_body(), extra_headers=extra)
        self.assertRejected(data)
        self.assertHealthy()

    def test_long_header_line(self):
        """A 100 KB header line (the default --max-header-bytes is 16384): refused."""
        data = et.http_request_bytes(self.emu, login_body(), extra_headers=["X-Big: " + "b" * 100000])
        self.assertRejected(data)
        self.assertHealthy()

    def test_keepalive_after_hostile(self):
        """A keep-alive connection that got a fault for malformed XML is either
        closed or still usable for a good request."""
        conn = et.connect(self.emu, timeout=15)
        try:
            r = et.post(self.emu, LOGIN_HEAD + "<broken", "Login", conn=conn)
            self.clientFault(r)
            s = et.login(self.emu, conn=conn)
            et.result_of(et.logout(self.emu, s, conn=conn), "Logout")
        finally:
            conn.close()
        self.assertHealthy()


if __name__ == "__main__":
    unittest.main(verbosity=2)
