# SPDX-License-Identifier: GPL-2.0-or-later
"""Raw SOAP calls to a micetro-dhcp-agent (wsdl/agent.wsdl), for the
end-to-end tests."""
import http.client
import time
import xml.etree.ElementTree as ET

NS = "urn:micetro-emu:agent"
NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


class Fault(Exception):
    def __init__(self, code, text, error_code=None):
        super().__init__("%s: %s" % (code, text))
        self.code, self.text, self.error_code = code, text, error_code


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def call(host, port, op, fields, timeout=60, tls=None, source=None):
    """op's answer as {element: text}; Fault on a SOAP fault.  tls: an
    ssl.SSLContext to call an agent that serves HTTPS; source: the local
    address to call from (127.0.0.2 ...)."""
    body = "".join("<a:%s>%s</a:%s>" % (k, esc(v), k) for k, v in fields)
    env = ('<?xml version="1.0" encoding="UTF-8"?>'
           '<s:Envelope xmlns:s="%s"><s:Body><a:%s xmlns:a="%s">%s</a:%s>'
           '</s:Body></s:Envelope>' % (NS_SOAP, op, NS, body, op)).encode()
    bind = (source, 0) if source else None
    if tls is not None:
        c = http.client.HTTPSConnection(host, port, timeout=timeout, context=tls,
                                        source_address=bind)
    else:
        c = http.client.HTTPConnection(host, port, timeout=timeout, source_address=bind)
    try:
        c.request("POST", "/agent", env, {"Content-Type": "text/xml; charset=utf-8",
                                          "SOAPAction": '"%s/%s"' % (NS, op)})
        data = c.getresponse().read()
    finally:
        c.close()
    root = ET.fromstring(data)
    f = root.find(".//{%s}Fault" % NS_SOAP)
    if f is not None:
        raise Fault(f.findtext("faultcode"), f.findtext("faultstring"),
                    f.findtext(".//{%s}errorCode" % NS))
    resp = root.find(".//{%s}%sResponse" % (NS, op))
    return {el.tag.split("}")[1]: (el.text or "") for el in resp}


def wait_port(host, port, proc, secs=10, tls=None):
    """True once the agent at host:port answers (a fault counts), False
    when proc died or secs passed.  tls as for call()."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            call(host, port, "Status", [("secret", "")], timeout=2, tls=tls)
            return True
        except Fault:
            return True
        except OSError:
            time.sleep(0.05)
    return False
