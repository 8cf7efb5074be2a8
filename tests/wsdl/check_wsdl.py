#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check micetro-emu's WSDL against Micetro's own, saved from a real server.

Usage:
  check_wsdl.py OUR_WSDL [REFERENCE_WSDL] [--facts FACTS] [--profile 2017|11]
  check_wsdl.py --extract FACTS REFERENCE_WSDL
  check_wsdl.py --self-test OUR_WSDL FACTS [REFERENCE_WSDL]

For every operation of OUR_WSDL, compares with the reference:
  - the operation exists there;
  - message names (<Op>SoapIn / <Op>SoapOut), part names and part elements;
  - the request and response elements, recursively through every named
    type they reach: element names, types, minOccurs, maxOccurs, nillable
    and order; simple types' bases and enumeration values in order;
  - the SOAPAction of the SOAP 1.1 and SOAP 1.2 bindings.
Also checks that OUR_WSDL serves exactly the expected operations, that
every type and element it declares is reachable from them, and that the
elements marked emu:profile="11" (Micetro 11.x extras) are optional and
trail their sequence.

The reference is FACTS, REFERENCE_WSDL, or both (each compared in turn).
FACTS is the text file --extract writes from REFERENCE_WSDL: one line per
fact the comparison reads (operations, parts, SOAPActions, elements, types,
particles in order, facets), for the operations OPERATIONS lists and
what they reach.  Against FACTS, the facts extracted from OUR_WSDL must
also equal them line for line.  With both, FACTS must equal a fresh
extraction from REFERENCE_WSDL.  A REFERENCE_WSDL that does not exist is
passed over when FACTS is given.

--profile 11 (default) checks the file as it is, ignoring the marked
elements in the comparison; --profile 2017 first removes everything marked
(as the server does for the 2017 profile) and checks the result.

--self-test checks OUR_WSDL against FACTS unchanged and with one change at
a time (an element renamed, two swapped, a type, minOccurs, maxOccurs,
nillable, an enumeration, a SOAPAction, a part changed, a mark removed),
each of which must be reported; FACTS with one fact changed must be
reported too, and FACTS must survive being read and extracted again.
With REFERENCE_WSDL, every case must give the same problems against it.

Prints one line per problem, then "N operations checked, F facts, M
problems" (FACTS) or "N operations checked, M problems" (REFERENCE_WSDL).
Exit status: 0 no problem, 1 problems, 2 usage error, 77 no reference at
all (neither FACTS nor an existing REFERENCE_WSDL).
"""

import difflib
import json
import os
import sys
import xml.etree.ElementTree as ET

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
XSD = "http://www.w3.org/2001/XMLSchema"
TNS = "http://menandmice.com/webservices/"
EMU = "urn:micetro-emu:profile"
PROFILE_ATTR = "{%s}profile" % EMU
PLACEHOLDER = "http://micetro-emu.invalid"
ADDRESS_PATH = "/_mmwebext/mmwebext.dll?Soap"

OPERATIONS = [
    "Login", "Logout",
    "AddDHCPServer", "GetDHCPServers", "GetDHCPServer",
    "AddRange", "GetRanges", "GetRange",
    "AddDHCPScope", "GetDHCPScopes", "GetDHCPScope",
    "AddDHCPAddressPool", "GetDHCPAddressPools", "GetDHCPAddressPool",
    "GetProperties", "SetProperties", "RemoveObject", "RemoveObjects",
    "AddPropertyDefinition", "GetPropertyDefinitions", "GetPropertyDefinition",
    "ModifyPropertyDefinition", "RemovePropertyDefinition",
    "GetDHCPFailoverRelationships", "GetDHCPFailoverRelationship",
    "AddDHCPFailoverRelationship", "ModifyDHCPFailoverRelationship",
    "RemoveDHCPFailoverRelationships",
    "AddDHCPScopesToDHCPFailoverRelationship",
    "RemoveDHCPScopesFromDHCPFailoverRelationship",
    "ReplicateDHCPFailover",
]


def q(ns, local):
    return "{%s}%s" % (ns, local)


def local(tag):
    return tag.rsplit("}", 1)[-1]


class Problems:
    def __init__(self):
        self.lines = []

    def add(self, where, text):
        self.lines.append("%s: %s" % (where, text))


class Wsdl:
    """A parsed WSDL with scoped namespace prefixes for QName values."""

    def __init__(self, path):
        self.path = path
        self.nsmap = {}  # id(element) -> {prefix: uri} in scope
        stack = [{"xml": "http://www.w3.org/XML/1998/namespace"}]
        pending = {}
        root = None
        for event, item in ET.iterparse(path, events=("start-ns", "start",
                                                       "end")):
            if event == "start-ns":
                pending[item[0]] = item[1]
            elif event == "start":
                scope = dict(stack[-1])
                scope.update(pending)
                pending = {}
                stack.append(scope)
                self.nsmap[id(item)] = scope
                if root is None:
                    root = item
            else:
                stack.pop()
        self.root = root

    def strip_profile(self):
        """Remove every element marked with an emu:profile attribute."""
        def walk(parent):
            for child in list(parent):
                if child.get(PROFILE_ATTR) is not None:
                    parent.remove(child)
                else:
                    walk(child)
        walk(self.root)

    def qname(self, elem, value):
        """Resolve a QName attribute value to (namespace, local)."""
        if value is None:
            return None
        prefix, _, name = value.rpartition(":")
        uri = self.nsmap.get(id(elem), {}).get(prefix)
        if uri is None and prefix == "":
            uri = ""
        return (uri, name)

    def schema_items(self):
        """Top-level elements and named types of every schema in types."""
        elements, types = {}, {}
        for schema in self.root.iter(q(XSD, "schema")):
            tns = schema.get("targetNamespace")
            for child in schema:
                name = child.get("name")
                if child.tag == q(XSD, "element"):
                    elements[(tns, name)] = child
                elif child.tag in (q(XSD, "complexType"),
                                   q(XSD, "simpleType")):
                    types[(tns, name)] = child
        return elements, types

    def messages(self):
        return {m.get("name"): m for m in self.root.findall(q(WSDL,
                                                              "message"))}

    def port_types(self):
        return {p.get("name"): p for p in self.root.findall(q(WSDL,
                                                              "portType"))}

    def bindings(self):
        """{soap namespace: binding element} for document bindings."""
        out = {}
        for b in self.root.findall(q(WSDL, "binding")):
            for ns in (SOAP11, SOAP12):
                if b.find(q(ns, "binding")) is not None:
                    out.setdefault(ns, []).append(b)
        return out


def occurs(elem, attr):
    value = elem.get(attr)
    return "1" if value is None else value


def nillable(elem):
    return "true" if elem.get("nillable") in ("true", "1") else "false"


def show_qname(qn):
    if qn is None:
        return "(none)"
    uri, name = qn
    prefix = {XSD: "xs", TNS: "tns"}.get(uri, "{%s}" % uri)
    return "%s:%s" % (prefix, name)


class Comparer:
    def __init__(self, ours, ref, problems):
        self.ours, self.ref, self.p = ours, ref, problems
        self.our_elements, self.our_types = ours.schema_items()
        self.ref_elements, self.ref_types = ref.schema_items()
        self.done = set()
        self.reached_types = set()
        self.reached_elements = set()

    # --- particles -----------------------------------------------------

    def particles(self, doc, ctype, where):
        """Element declarations of a complexType's content, in order.

        Returns None (after reporting) if the content uses a construct the
        checker does not compare."""
        content = [c for c in ctype if local(c.tag) not in ("annotation",)]
        if not content:
            return []
        if len(content) != 1 or content[0].tag != q(XSD, "sequence"):
            self.p.add(where, "unsupported content %s in %s" % (
                ", ".join(local(c.tag) for c in content),
                "our WSDL" if doc is self.ours else "reference"))
            return None
        out = []
        for e in content[0]:
            if local(e.tag) == "annotation":
                continue
            if e.tag != q(XSD, "element") or e.get("ref") is not None:
                self.p.add(where, "unsupported particle %s in %s" % (
                    local(e.tag),
                    "our WSDL" if doc is self.ours else "reference"))
                return None
            if e.get(PROFILE_ATTR) is not None:
                # Rules checked by check_marks(); only its type matters.
                if doc is self.ours:
                    self.check_type_exists(e, where + "/" + e.get("name"))
                continue
            out.append(e)
        return out

    def check_type_exists(self, e, where):
        qn = self.ours.qname(e, e.get("type"))
        if qn is None:
            return
        if qn[0] == TNS:
            if qn not in self.our_types:
                self.p.add(where, "type %s is not declared"
                           % show_qname(qn))
            else:
                self.mark_reached(qn)

    def mark_reached(self, qn):
        """Mark a type of ours and everything it reaches as reachable."""
        if qn in self.reached_types or qn not in self.our_types:
            return
        self.reached_types.add(qn)
        node = self.our_types[qn]
        for e in node.iter():
            for attr in ("type", "base"):
                sub = self.ours.qname(e, e.get(attr))
                if sub and sub[0] == TNS:
                    self.mark_reached(sub)

    # --- comparisons ---------------------------------------------------

    def compare_complex(self, our_ct, ref_ct, where):
        ours = self.particles(self.ours, our_ct, where)
        refs = self.particles(self.ref, ref_ct, where)
        if ours is None or refs is None:
            return
        for i in range(max(len(ours), len(refs))):
            o = ours[i] if i < len(ours) else None
            r = refs[i] if i < len(refs) else None
            if o is None:
                self.p.add(where, "missing element #%d %s (reference has "
                           "it)" % (i + 1, r.get("name")))
                continue
            if r is None:
                self.p.add(where, "extra element #%d %s not in the "
                           "reference (unmarked)" % (i + 1, o.get("name")))
                self.check_type_exists(o, where + "/" + o.get("name"))
                continue
            self.compare_element(o, r, where)

    def compare_element(self, o, r, where):
        name = o.get("name")
        here = "%s/%s" % (where, name)
        if name != r.get("name"):
            self.p.add(where, "element %s where the reference has %s"
                       % (name, r.get("name")))
            here = "%s/%s(ref %s)" % (where, name, r.get("name"))
        for attr, get in (("minOccurs", lambda e: occurs(e, "minOccurs")),
                          ("maxOccurs", lambda e: occurs(e, "maxOccurs")),
                          ("nillable", nillable)):
            if get(o) != get(r):
                self.p.add(here, "%s %s, reference %s"
                           % (attr, get(o), get(r)))
        self.compare_typed(o, r, here)

    def compare_typed(self, o, r, here):
        """Compare the type of two element declarations (named or inline)."""
        oq = self.ours.qname(o, o.get("type"))
        rq = self.ref.qname(r, r.get("type"))
        if oq is None or rq is None:
            oc = o.find(q(XSD, "complexType"))
            rc = r.find(q(XSD, "complexType"))
            if oq is None and rq is None and oc is not None \
                    and rc is not None:
                self.compare_complex(oc, rc, here)
            else:
                self.p.add(here, "type %s, reference %s" % (
                    show_qname(oq) if oq else "(inline)",
                    show_qname(rq) if rq else "(inline)"))
            return
        if oq != rq:
            self.p.add(here, "type %s, reference %s"
                       % (show_qname(oq), show_qname(rq)))
            return
        if oq[0] == TNS:
            self.compare_named(oq, here)

    def compare_named(self, qn, where):
        self.mark_reached(qn)
        if qn in self.done:
            return
        self.done.add(qn)
        name = qn[1]
        o = self.our_types.get(qn)
        r = self.ref_types.get(qn)
        if o is None:
            self.p.add(name, "type not declared in our WSDL (used by %s)"
                       % where)
            return
        if r is None:
            self.p.add(name, "type not in the reference")
            return
        if o.tag != r.tag:
            self.p.add(name, "%s, reference %s" % (local(o.tag),
                                                   local(r.tag)))
            return
        if o.tag == q(XSD, "complexType"):
            self.compare_complex(o, r, name)
        else:
            self.compare_simple(o, r, name)

    def compare_simple(self, o, r, name):
        orr = o.find(q(XSD, "restriction"))
        rr = r.find(q(XSD, "restriction"))
        if orr is None or rr is None:
            self.p.add(name, "simpleType without restriction "
                       "(unsupported)")
            return
        ob = self.ours.qname(orr, orr.get("base"))
        rb = self.ref.qname(rr, rr.get("base"))
        if ob != rb:
            self.p.add(name, "base %s, reference %s"
                       % (show_qname(ob), show_qname(rb)))
        elif ob and ob[0] == TNS:
            self.compare_named(ob, name)

        def facets(rest):
            return [(local(f.tag), f.get("value")) for f in rest
                    if local(f.tag) != "annotation"]
        of, rf = facets(orr), facets(rr)
        if of != rf:
            ov = [v for _, v in of]
            rv = [v for _, v in rf]
            if ov != rv and sorted(ov) == sorted(rv):
                self.p.add(name, "enumeration order %s, reference %s"
                           % (ov, rv))
            else:
                for v in [x for x in of if x not in rf]:
                    self.p.add(name, "%s \"%s\" not in the reference" % v)
                for v in [x for x in rf if x not in of]:
                    self.p.add(name, "%s \"%s\" missing" % v)
                if not [x for x in of if x not in rf] and \
                        not [x for x in rf if x not in of]:
                    self.p.add(name, "facets %s, reference %s" % (of, rf))

    def compare_top_element(self, qn, where):
        self.reached_elements.add(qn)
        o = self.our_elements.get(qn)
        r = self.ref_elements.get(qn)
        if o is None:
            self.p.add(where, "element %s not declared" % qn[1])
            return
        if r is None:
            self.p.add(where, "element %s not in the reference" % qn[1])
            return
        if nillable(o) != nillable(r):
            self.p.add(qn[1], "nillable %s, reference %s"
                       % (nillable(o), nillable(r)))
        self.compare_typed(o, r, qn[1])


def check_marks(doc, problems):
    """Marked (11.x) elements: optional, trailing their sequence."""
    def owner(path):
        for node in reversed(path):
            if node.get("name"):
                return node.get("name")
        return "schema"

    def walk(node, path):
        children = list(node)
        if node.tag == q(XSD, "sequence"):
            seen_marked = None
            for c in children:
                if c.get(PROFILE_ATTR) is not None:
                    seen_marked = seen_marked or c.get("name")
                elif c.tag == q(XSD, "element") and seen_marked:
                    problems.add(owner(path), "element %s (2017) comes "
                                 "after the 11.x element %s"
                                 % (c.get("name"), seen_marked))
        for c in children:
            mark = c.get(PROFILE_ATTR)
            if mark is not None:
                where = owner(path + [node])
                name = c.get("name")
                if mark != "11":
                    problems.add(where, "%s: unknown emu:profile \"%s\""
                                 % (name, mark))
                if c.tag != q(XSD, "element") or \
                        node.tag != q(XSD, "sequence"):
                    problems.add(where, "emu:profile on %s %s: only "
                                 "elements of a sequence may be marked"
                                 % (local(c.tag), name))
                elif occurs(c, "minOccurs") != "0":
                    problems.add(where, "11.x element %s is not optional "
                                 "(minOccurs %s)"
                                 % (name, occurs(c, "minOccurs")))
            walk(c, path + [node])
    walk(doc.root, [])


def one_binding(doc, ns, where, problems):
    found = doc.bindings().get(ns, [])
    if len(found) != 1:
        problems.add(where, "%d %s bindings, expected 1" % (
            len(found), "SOAP 1.1" if ns == SOAP11 else "SOAP 1.2"))
    return found[0] if found else None


def binding_ops(binding, ns, doc, where, problems):
    """{op name: soapAction} of a binding, checking style and use."""
    out = {}
    if binding is None:
        return out
    top = binding.find(q(ns, "binding"))
    if top.get("transport") != "http://schemas.xmlsoap.org/soap/http":
        problems.add(where, "transport %s" % top.get("transport"))
    for op in binding.findall(q(WSDL, "operation")):
        name = op.get("name")
        soap_op = op.find(q(ns, "operation"))
        action = soap_op.get("soapAction") if soap_op is not None else None
        out[name] = action
        if doc is not None:
            style = (soap_op.get("style") if soap_op is not None
                     else None) or top.get("style") or "document"
            if style != "document":
                problems.add("%s/%s" % (where, name), "style %s" % style)
            for io in ("input", "output"):
                body = op.find("%s/%s" % (q(WSDL, io), q(ns, "body")))
                if body is None or body.get("use") != "literal":
                    problems.add("%s/%s" % (where, name),
                                 "%s body is not use=\"literal\"" % io)
    return out


def check(ours, ref, profile):
    """Compare ours (a Wsdl, changed by --profile 2017) with ref (a Wsdl
    or FactsWsdl); returns (operations checked, problem lines)."""
    problems = Problems()
    check_marks(ours, problems)
    if profile == "2017":
        ours.strip_profile()

    root = ours.root
    if root.tag != q(WSDL, "definitions"):
        problems.add("definitions", "root element is %s" % root.tag)
    if root.get("targetNamespace") != TNS:
        problems.add("definitions", "targetNamespace %s"
                     % root.get("targetNamespace"))
    schemas = list(root.iter(q(XSD, "schema")))
    if len(schemas) != 1:
        problems.add("types", "%d schemas, expected 1" % len(schemas))
    for s in schemas:
        if s.get("targetNamespace") != TNS:
            problems.add("schema", "targetNamespace %s"
                         % s.get("targetNamespace"))
        if s.get("elementFormDefault") != "qualified":
            problems.add("schema", "elementFormDefault %s"
                         % s.get("elementFormDefault"))

    cmp = Comparer(ours, ref, problems)

    # Operations: exactly the expected list, in the port type.
    port_types = ours.port_types()
    if list(port_types) != ["ServiceSoap"]:
        problems.add("portType", "port types %s, expected ServiceSoap"
                     % sorted(port_types))
    pt = port_types.get("ServiceSoap")
    ref_pt = ref.port_types().get("ServiceSoap")
    if ref_pt is None:
        problems.add("reference", "no portType ServiceSoap")
    pt_ops = pt.findall(q(WSDL, "operation")) if pt is not None else []
    names = [op.get("name") for op in pt_ops]
    for n in names:
        if n not in OPERATIONS:
            problems.add(n, "operation not in the served list")
    for n in sorted(set(x for x in names if names.count(x) > 1)):
        problems.add(n, "operation declared %d times" % names.count(n))
    for n in OPERATIONS:
        if n not in names:
            problems.add(n, "operation missing from our WSDL")
    ref_ops = {}
    if ref_pt is not None:
        ref_ops = {op.get("name"): op
                   for op in ref_pt.findall(q(WSDL, "operation"))}

    our_msgs = ours.messages()
    ref_msgs = ref.messages()
    used_msgs = set()

    b11 = one_binding(ours, SOAP11, "binding", problems)
    b12 = one_binding(ours, SOAP12, "binding", problems)
    for b, want in ((b11, "ServiceSoap"), (b12, "ServiceSoap12")):
        if b is None:
            continue
        if b.get("name") != want:
            problems.add("binding", "%s, expected name %s"
                         % (b.get("name"), want))
        if ours.qname(b, b.get("type")) != (TNS, "ServiceSoap"):
            problems.add("binding %s" % b.get("name"), "type %s"
                         % b.get("type"))
    our_actions = {SOAP11: binding_ops(b11, SOAP11, ours, "ServiceSoap",
                                       problems),
                   SOAP12: binding_ops(b12, SOAP12, ours, "ServiceSoap12",
                                       problems)}
    ref_actions = {}
    for ns in (SOAP11, SOAP12):
        rb = ref.bindings().get(ns, [None])[0]
        ref_actions[ns] = binding_ops(rb, ns, None, "reference", problems)

    checked = 0
    for op in pt_ops:
        name = op.get("name")
        if name not in ref_ops:
            problems.add(name, "operation not in the reference")
            continue
        checked += 1
        for io, suffix, elem_name in (("input", "SoapIn", name),
                                      ("output", "SoapOut",
                                       name + "Response")):
            where = "%s %s" % (name, io)
            o_io = op.find(q(WSDL, io))
            r_io = ref_ops[name].find(q(WSDL, io))
            if o_io is None:
                problems.add(where, "missing")
                continue
            o_msg = ours.qname(o_io, o_io.get("message"))
            r_msg = ref.qname(r_io, r_io.get("message")) \
                if r_io is not None else None
            if o_msg != (TNS, name + suffix):
                problems.add(where, "message %s, expected %s%s"
                             % (show_qname(o_msg), name, suffix))
            if o_msg != r_msg:
                problems.add(where, "message %s, reference %s"
                             % (show_qname(o_msg), show_qname(r_msg)))
            used_msgs.add(o_msg[1] if o_msg else None)
            om = our_msgs.get(o_msg[1]) if o_msg else None
            rm = ref_msgs.get(r_msg[1]) if r_msg else None
            if om is None:
                problems.add(where, "message %s not declared"
                             % show_qname(o_msg))
                continue
            o_parts = [(p.get("name"), ours.qname(p, p.get("element")))
                       for p in om.findall(q(WSDL, "part"))]
            r_parts = [(p.get("name"), ref.qname(p, p.get("element")))
                       for p in rm.findall(q(WSDL, "part"))] \
                if rm is not None else []
            if o_parts != [("parameters", (TNS, elem_name))]:
                problems.add(where, "parts %s, expected parameters -> "
                             "tns:%s" % ([(n, show_qname(e))
                                          for n, e in o_parts], elem_name))
            if o_parts != r_parts:
                problems.add(where, "parts %s, reference %s" % (
                    [(n, show_qname(e)) for n, e in o_parts],
                    [(n, show_qname(e)) for n, e in r_parts]))
            for _, elem in o_parts:
                if elem is not None:
                    cmp.compare_top_element(elem, where)
        for ns, bname in ((SOAP11, "ServiceSoap"), (SOAP12,
                                                    "ServiceSoap12")):
            want = TNS + name
            got = our_actions[ns].get(name)
            refv = ref_actions[ns].get(name)
            if name not in our_actions[ns]:
                problems.add(name, "not in binding %s" % bname)
                continue
            if got != refv:
                problems.add(name, "%s soapAction %s, reference %s"
                             % (bname, got, refv))
            elif got != want:
                problems.add(name, "%s soapAction %s, expected %s"
                             % (bname, got, want))
    for ns, bname in ((SOAP11, "ServiceSoap"), (SOAP12, "ServiceSoap12")):
        for n in our_actions[ns]:
            if n not in names:
                problems.add(n, "in binding %s but not in the port type"
                             % bname)

    # Service and ports.
    services = root.findall(q(WSDL, "service"))
    if [s.get("name") for s in services] != ["Service"]:
        problems.add("service", "services %s, expected Service"
                     % [s.get("name") for s in services])
    for s in services:
        ports = {p.get("name"): p for p in s.findall(q(WSDL, "port"))}
        if sorted(ports) != ["ServiceSoap", "ServiceSoap12"]:
            problems.add("service", "ports %s" % sorted(ports))
        for pname, ns in (("ServiceSoap", SOAP11),
                          ("ServiceSoap12", SOAP12)):
            p = ports.get(pname)
            if p is None:
                continue
            if ours.qname(p, p.get("binding")) != (TNS, pname):
                problems.add("port %s" % pname, "binding %s"
                             % p.get("binding"))
            addr = p.find(q(ns, "address"))
            loc = addr.get("location") if addr is not None else None
            if loc != PLACEHOLDER + ADDRESS_PATH:
                problems.add("port %s" % pname, "location %s, expected %s"
                             % (loc, PLACEHOLDER + ADDRESS_PATH))

    # Reachability: every declaration serves an operation.
    for (ns, n) in cmp.our_types:
        if (ns, n) not in cmp.reached_types:
            problems.add(n, "type not reachable from any operation")
    for (ns, n) in cmp.our_elements:
        if (ns, n) not in cmp.reached_elements:
            problems.add(n, "element not used by any operation")
    for n in our_msgs:
        if n not in used_msgs:
            problems.add(n, "message not used by any operation")

    return checked, problems.lines



# --- facts ------------------------------------------------------------
#
# A facts file holds, one per line, what check() reads from the reference
# for the operations in OPERATIONS: no WSDL text, only the facts.  Names
# of elements and types are those of the Micetro namespace; QName values
# are written xs:NAME, tns:NAME or {URI}NAME, "-" for none; a particle or
# element of an anonymous complex type has type=(complex), its content's
# owner is the owner path of the element ("element:Login",
# "type:DHCPScope", "element:Foo/bar" for an inner one).  Free text (a
# transport, a SOAPAction, a facet's value) is the last field, in JSON.
#
#   portType ServiceSoap
#   operation OP input=QNAME output=QNAME
#   part MESSAGE PART element=QNAME                (in order)
#   binding soap11|soap12 TRANSPORT
#   action soap11|soap12 OP SOAPACTION
#   element NAME nillable=BOOL type=TYPE
#   complexType NAME
#   content OWNER sequence|unsupported:TAGS|unsupported-particle:TAG
#   particle OWNER NAME type=TYPE minOccurs=N maxOccurs=N nillable=BOOL
#   simpleType NAME base=QNAME | simpleType NAME restriction=none
#   facet NAME FACET VALUE                          (in order)

FACTS_HEADER = [
    "# Facts of Micetro 8.2's WSDL (API 2017) for the operations micetro-emu",
    "# serves, as tests/wsdl/check_wsdl.py compares wsdl/micetro.wsdl with",
    "# them.  Written by: check_wsdl.py --extract FILE REFERENCE_WSDL",
    "# (not by hand; the line format is described in check_wsdl.py).",
]
COMPLEX = "(complex)"
SOAP_LABELS = ((SOAP11, "soap11"), (SOAP12, "soap12"))


class FactsError(Exception):
    pass


def fmt_qn(qn):
    if qn is None:
        return "-"
    uri, name = qn
    if uri == XSD:
        return "xs:" + name
    if uri == TNS:
        return "tns:" + name
    return "{%s}%s" % ("!" if uri is None else uri, name)


def parse_qn(value):
    if value is None or value == "-":
        return None
    if value.startswith("{"):
        uri, _, name = value[1:].partition("}")
        return (None if uri == "!" else uri, name)
    prefix, _, name = value.partition(":")
    uri = {"xs": XSD, "tns": TNS}.get(prefix)
    if uri is None or not name:
        raise FactsError("bad QName %r" % value)
    return (uri, name)


def extract(doc):
    """The facts of doc that check() reads from a reference, as lines."""
    elements, types = doc.schema_items()
    out = list(FACTS_HEADER)
    reached = set()

    def type_fact(e):
        if e.get("type") is not None:
            qn = doc.qname(e, e.get("type"))
            if qn[0] == TNS and qn in types:
                reached.add(qn)
            return fmt_qn(qn)
        if e.find(q(XSD, "complexType")) is not None:
            return COMPLEX
        return "-"

    def content(owner, ct, lines):
        # As Comparer.particles() reads it.
        kids = [c for c in ct if local(c.tag) != "annotation"]
        if kids and (len(kids) != 1 or kids[0].tag != q(XSD, "sequence")):
            lines.append("content %s unsupported:%s"
                         % (owner, ",".join(local(c.tag) for c in kids)))
            return
        kind, particles = "sequence", []
        for e in (kids[0] if kids else []):
            if local(e.tag) == "annotation":
                continue
            if e.tag != q(XSD, "element") or e.get("ref") is not None:
                kind = "unsupported-particle:" + local(e.tag)
                break
            if e.get(PROFILE_ATTR) is None:
                particles.append(e)
        lines.append("content %s %s" % (owner, kind))
        if kind != "sequence":
            return
        for e in particles:
            name = e.get("name") or "-"
            t = type_fact(e)
            lines.append("particle %s %s type=%s minOccurs=%s maxOccurs=%s "
                         "nillable=%s" % (owner, name, t,
                                          occurs(e, "minOccurs"),
                                          occurs(e, "maxOccurs"),
                                          nillable(e)))
            if t == COMPLEX:
                content(owner + "/" + name, e.find(q(XSD, "complexType")),
                        lines)

    ops = {}
    pt = doc.port_types().get("ServiceSoap")
    if pt is not None:
        out.append("portType ServiceSoap")
        for op in pt.findall(q(WSDL, "operation")):
            if op.get("name") in OPERATIONS:
                ops[op.get("name")] = op
    msg_names = set()
    for name in sorted(ops):
        io = []
        for tag in ("input", "output"):
            e = ops[name].find(q(WSDL, tag))
            qn = doc.qname(e, e.get("message")) if e is not None else None
            io.append(fmt_qn(qn))
            if qn is not None:
                msg_names.add(qn[1])
        out.append("operation %s input=%s output=%s" % (name, io[0], io[1]))

    tops = set()
    messages = doc.messages()
    for m in sorted(msg_names):
        if m not in messages:
            continue
        for p in messages[m].findall(q(WSDL, "part")):
            qn = doc.qname(p, p.get("element"))
            out.append("part %s %s element=%s"
                       % (m, p.get("name") or "-", fmt_qn(qn)))
            if qn is not None and qn[0] == TNS and qn in elements:
                tops.add(qn)

    bindings = doc.bindings()
    for ns, label in SOAP_LABELS:
        if not bindings.get(ns):
            continue
        b = bindings[ns][0]
        out.append("binding %s %s" % (label, json.dumps(
            b.find(q(ns, "binding")).get("transport"))))
        actions = {}
        for op in b.findall(q(WSDL, "operation")):
            if op.get("name") in OPERATIONS:
                so = op.find(q(ns, "operation"))
                actions[op.get("name")] = \
                    so.get("soapAction") if so is not None else None
        for name in sorted(actions):
            out.append("action %s %s %s"
                       % (label, name, json.dumps(actions[name])))

    for qn in sorted(tops):
        e = elements[qn]
        t = type_fact(e)
        out.append("element %s nillable=%s type=%s"
                   % (qn[1], nillable(e), t))
        if t == COMPLEX:
            content("element:" + qn[1], e.find(q(XSD, "complexType")), out)

    type_lines = {}
    while reached - set(type_lines):
        for qn in sorted(reached - set(type_lines)):
            node, lines = types[qn], []
            type_lines[qn] = lines
            if node.tag == q(XSD, "complexType"):
                lines.append("complexType " + qn[1])
                content("type:" + qn[1], node, lines)
                continue
            rest = node.find(q(XSD, "restriction"))
            if rest is None:
                lines.append("simpleType %s restriction=none" % qn[1])
                continue
            base = doc.qname(rest, rest.get("base"))
            if base is not None and base[0] == TNS and base in types:
                reached.add(base)
            lines.append("simpleType %s base=%s" % (qn[1], fmt_qn(base)))
            for f in rest:
                if local(f.tag) != "annotation":
                    lines.append("facet %s %s %s" % (
                        qn[1], local(f.tag), json.dumps(f.get("value"))))
    for qn in sorted(type_lines):
        out.extend(type_lines[qn])
    return out


def fact_lines(lines):
    return [line for line in lines if line and not line.startswith("#")]


class FactsWsdl(Wsdl):
    """The reference as a facts file: a tree holding only those facts,
    built for Comparer and check(), which read it as they read a WSDL."""

    def __init__(self, path, lines=None):
        self.path = path
        self.nsmap = {}
        if lines is None:
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            if lines and lines[-1] == "":
                lines.pop()
        self.lines = lines
        self.root = ET.Element(q(WSDL, "definitions"),
                               targetNamespace=TNS)
        types = ET.SubElement(self.root, q(WSDL, "types"))
        self.schema = ET.SubElement(types, q(XSD, "schema"),
                                    targetNamespace=TNS,
                                    elementFormDefault="qualified")
        self.port_type = None
        self.msgs, self.binds = {}, {}
        self.owners, self.seqs, self.rests = {}, {}, {}
        for n, line in enumerate(lines, 1):
            if not line or line.startswith("#"):
                continue
            try:
                self.add(line)
            except (FactsError, KeyError, ValueError, IndexError) as e:
                raise FactsError("%s:%d: %s: %s" % (path, n, e, line))

    @staticmethod
    def attrs(elem, tokens, keys, qnames=("type",)):
        """key=value tokens to attributes, exactly keys (a string of
        names); those in qnames are QNames."""
        keys = keys.split()
        if [t.partition("=")[0] for t in tokens] != keys:
            raise FactsError("expected %s" % " ".join(k + "=" for k in keys))
        for t in tokens:
            key, _, value = t.partition("=")
            if key in qnames:
                if value not in ("-", COMPLEX):
                    parse_qn(value)
                    elem.set(key, value)
            else:
                elem.set(key, value)

    def add(self, line):
        kind = line.split(" ", 1)[0]
        if kind == "portType":
            self.port_type = ET.SubElement(self.root, q(WSDL, "portType"),
                                           name=line.split()[1])
        elif kind == "operation":
            _, name, i, o = line.split(" ")
            op = ET.SubElement(self.port_type, q(WSDL, "operation"),
                               name=name)
            for tag, t in (("input", i), ("output", o)):
                key, _, value = t.partition("=")
                if key != tag:
                    raise FactsError("expected %s=" % tag)
                io = ET.SubElement(op, q(WSDL, tag))
                if value != "-":
                    parse_qn(value)
                    io.set("message", value)
        elif kind == "part":
            _, msg, name, elem = line.split(" ")
            if msg not in self.msgs:
                self.msgs[msg] = ET.SubElement(self.root, q(WSDL, "message"),
                                               name=msg)
            part = ET.SubElement(self.msgs[msg], q(WSDL, "part"))
            if name != "-":
                part.set("name", name)
            self.attrs(part, [elem], "element", ("element",))
        elif kind == "binding":
            _, label, transport = line.split(" ", 2)
            ns = dict((b, a) for a, b in SOAP_LABELS)[label]
            b = ET.SubElement(self.root, q(WSDL, "binding"))
            top = ET.SubElement(b, q(ns, "binding"))
            if json.loads(transport) is not None:
                top.set("transport", json.loads(transport))
            self.binds[label] = (ns, b)
        elif kind == "action":
            _, label, name, action = line.split(" ", 3)
            ns, b = self.binds[label]
            op = ET.SubElement(b, q(WSDL, "operation"), name=name)
            so = ET.SubElement(op, q(ns, "operation"))
            if json.loads(action) is not None:
                so.set("soapAction", json.loads(action))
        elif kind == "element":
            _, name, *rest = line.split(" ")
            e = ET.SubElement(self.schema, q(XSD, "element"), name=name)
            self.attrs(e, rest, "nillable type")
            self.inline(e, "element:" + name, rest)
        elif kind == "complexType":
            _, name = line.split(" ")
            self.owners["type:" + name] = ET.SubElement(
                self.schema, q(XSD, "complexType"), name=name)
        elif kind == "content":
            _, owner, what = line.split(" ")
            ct = self.owners[owner]
            if what == "sequence":
                self.seqs[owner] = ET.SubElement(ct, q(XSD, "sequence"))
            elif what.startswith("unsupported:"):
                for tag in what.split(":", 1)[1].split(","):
                    ET.SubElement(ct, q(XSD, tag))
            elif what.startswith("unsupported-particle:"):
                tag = what.split(":", 1)[1]
                e = ET.SubElement(ET.SubElement(ct, q(XSD, "sequence")),
                                  q(XSD, tag))
                if tag == "element":
                    e.set("ref", "tns:unsupported")
            else:
                raise FactsError("unknown content %r" % what)
        elif kind == "particle":
            _, owner, name, *rest = line.split(" ")
            e = ET.SubElement(self.seqs[owner], q(XSD, "element"))
            if name != "-":
                e.set("name", name)
            self.attrs(e, rest, "type minOccurs maxOccurs nillable")
            self.inline(e, owner + "/" + name, rest)
        elif kind == "simpleType":
            _, name, what = line.split(" ")
            st = ET.SubElement(self.schema, q(XSD, "simpleType"), name=name)
            if what != "restriction=none":
                rest = ET.SubElement(st, q(XSD, "restriction"))
                self.attrs(rest, [what], "base", ("base",))
                self.rests[name] = rest
        elif kind == "facet":
            _, name, tag, value = line.split(" ", 3)
            f = ET.SubElement(self.rests[name], q(XSD, tag))
            if json.loads(value) is not None:
                f.set("value", json.loads(value))
        else:
            raise FactsError("unknown fact %r" % kind)

    def inline(self, elem, owner, tokens):
        if "type=" + COMPLEX in tokens:
            self.owners[owner] = ET.SubElement(elem, q(XSD, "complexType"))

    def qname(self, elem, value):
        return parse_qn(value)


def fact_diff(ours, ref):
    """Problem lines for the facts of our WSDL against the reference's,
    in order."""
    out = []
    for line in difflib.unified_diff(fact_lines(ref), fact_lines(ours),
                                     lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        if line.startswith("-"):
            out.append("reference fact missing from our WSDL: " + line[1:])
        elif line.startswith("+"):
            out.append("fact of our WSDL not in the reference: "
                       + line[1:])
    return out


def against_facts(ours, facts, profile):
    """check() and fact_diff() of a parsed WSDL against a FactsWsdl:
    (operations checked, check lines, fact lines)."""
    checked, lines = check(ours, facts, profile)
    return checked, lines, fact_diff(extract(ours), facts.lines)


# --- self-test ----------------------------------------------------------

def _particles(doc, top):
    """Element particles of the anonymous type of top element `top`."""
    elements, _ = doc.schema_items()
    seq = elements[(TNS, top)].find("%s/%s" % (q(XSD, "complexType"),
                                               q(XSD, "sequence")))
    return seq, {e.get("name"): e for e in seq if e.tag == q(XSD, "element")}


def _first(doc, pred):
    for e in doc.root.iter():
        if pred(e):
            return e
    raise LookupError("self-test: no element to change in %s" % doc.path)


def _rename(doc):
    _particles(doc, "Login")[1]["server"].set("name", "serverName")
    return "Login: element serverName where the reference has server"


def _swap(doc):
    seq, by_name = _particles(doc, "Login")
    a, b = by_name["loginName"], by_name["password"]
    i = list(seq).index(a)
    seq.remove(b)
    seq.insert(i, b)
    return "Login: element password where the reference has loginName"


def _retype(doc):
    _particles(doc, "Login")[1]["replaceControlCharacters"].set(
        "type", "xs:string")
    return ("Login/replaceControlCharacters: type xs:string, "
            "reference xs:boolean")


def _min_occurs(doc):
    _particles(doc, "Login")[1]["server"].set("minOccurs", "0")
    return "Login/server: minOccurs 0, reference 1"


def _max_occurs(doc):
    e = _first(doc, lambda e: e.tag == q(XSD, "element")
               and e.get("maxOccurs") == "unbounded")
    e.set("maxOccurs", "1")
    return "/%s: maxOccurs 1, reference unbounded" % e.get("name")


def _nillable(doc):
    e = _first(doc, lambda e: e.tag == q(XSD, "element")
               and e.get("nillable") == "true")
    del e.attrib["nillable"]
    return "/%s: nillable false, reference true" % e.get("name")


def _sort_order(doc):
    return doc.schema_items()[1][(TNS, "SortOrder")].find(
        q(XSD, "restriction"))


def _enum_order(doc):
    rest = _sort_order(doc)
    first = rest[0]
    rest.remove(first)
    rest.append(first)
    return "SortOrder: enumeration order ['Descending', 'Ascending']"


def _enum_missing(doc):
    rest = _sort_order(doc)
    rest.remove(rest[-1])
    return 'SortOrder: enumeration "Descending" missing'


def _action(doc):
    b = doc.bindings()[SOAP12][0]
    for op in b.findall(q(WSDL, "operation")):
        if op.get("name") == "Logout":
            op.find(q(SOAP12, "operation")).set("soapAction", TNS + "LogOut")
    return "Logout: ServiceSoap12 soapAction %sLogOut, reference %sLogout" \
        % (TNS, TNS)


def _part(doc):
    doc.messages()["GetRangeSoapIn"].find(q(WSDL, "part")).set(
        "element", "tns:GetRanges")
    return ("GetRange input: parts [('parameters', 'tns:GetRanges')], "
            "reference [('parameters', 'tns:GetRange')]")


def _unmark(doc):
    e = _first(doc, lambda e: e.get(PROFILE_ATTR) is not None)
    del e.attrib[PROFILE_ATTR]
    return "extra element #"


SELF_TESTS = [
    ("element renamed", _rename, "11"),
    ("elements swapped", _swap, "2017"),
    ("type changed", _retype, "11"),
    ("minOccurs changed", _min_occurs, "2017"),
    ("maxOccurs changed", _max_occurs, "11"),
    ("nillable removed", _nillable, "11"),
    ("enumeration reordered", _enum_order, "11"),
    ("enumeration value removed", _enum_missing, "2017"),
    ("SOAP 1.2 SOAPAction changed", _action, "11"),
    ("part element changed", _part, "11"),
    ("11.x mark removed", _unmark, "2017"),
]


def self_test(our_path, facts_path, ref_path):
    failed = []

    def result(name, ok, detail):
        print("%s %s%s" % ("ok  " if ok else "FAIL", name,
                           (": " + detail) if detail else ""))
        if not ok:
            failed.append(name)

    facts = FactsWsdl(facts_path)
    ref = Wsdl(ref_path) if ref_path and os.path.isfile(ref_path) else None
    if ref_path and ref is None:
        print("reference WSDL %s not found: facts only" % ref_path)

    again = extract(facts)
    result("facts read and extracted again", again == facts.lines,
           "%d lines" % len(facts.lines) if again == facts.lines else
           "%d lines differ" % len(fact_diff(again, facts.lines)))
    if ref is not None:
        result("facts equal a fresh extraction from the reference",
               extract(ref) == facts.lines, "")

    for profile in ("11", "2017"):
        _, lines, flines = against_facts(Wsdl(our_path), facts, profile)
        result("unchanged, profile %s" % profile, not lines and not flines,
               "; ".join(lines + flines))
        if ref is not None:
            _, direct = check(Wsdl(our_path), ref, profile)
            result("unchanged, profile %s, reference" % profile,
                   not direct, "; ".join(direct))

    for name, change, profile in SELF_TESTS:
        ours = Wsdl(our_path)
        want = change(ours)
        _, lines, flines = against_facts(ours, facts, profile)
        hit = [line for line in lines if want in line]
        result("%s, profile %s" % (name, profile), hit and flines,
               hit[0] if hit and flines else
               "no fact line" if hit else
               "expected %r in %s" % (want, lines))
        if ref is not None:
            ours = Wsdl(our_path)
            change(ours)
            _, direct = check(ours, ref, profile)
            result("%s, profile %s, reference" % (name, profile),
                   direct == lines, "" if direct == lines else
                   "facts %s, reference %s" % (lines, direct))

    # A changed fact must be reported as well.
    changed = [line.replace(" server ", " host ", 1)
               if line.startswith("particle element:Login server ")
               else line for line in facts.lines]
    _, lines, flines = against_facts(
        Wsdl(our_path), FactsWsdl(facts_path + " (changed)", changed), "11")
    want = "Login: element server where the reference has host"
    result("a fact changed", changed != facts.lines and want in lines
           and len(flines) == 2, want if want in lines else "; ".join(lines))

    print("%d self-tests failed" % len(failed) if failed
          else "all self-tests passed")
    return 1 if failed else 0


# --- main -------------------------------------------------------------

def run(our_path, ref_path, facts_path, profile):
    status = 0
    facts = None
    if facts_path:
        facts = FactsWsdl(facts_path)
        checked, lines, flines = against_facts(Wsdl(our_path), facts,
                                               profile)
        print("against the facts in %s, profile %s:" % (facts_path, profile))
        for line in lines + flines:
            print(line)
        print("%d operations checked, %d facts, %d problems"
              % (checked, len(fact_lines(facts.lines)),
                 len(lines) + len(flines)))
        if lines or flines:
            status = 1
    if ref_path and os.path.isfile(ref_path):
        ref = Wsdl(ref_path)
        checked, lines = check(Wsdl(our_path), ref, profile)
        print("against the reference %s, profile %s:" % (ref_path, profile))
        for line in lines:
            print(line)
        print("%d operations checked, %d problems" % (checked, len(lines)))
        if lines:
            status = 1
        if facts is not None:
            fresh = extract(ref)
            if fresh == facts.lines:
                print("%s: equal to a fresh extraction from %s"
                      % (facts_path, ref_path))
            else:
                for line in difflib.unified_diff(facts.lines, fresh,
                                                 facts_path, "extracted",
                                                 lineterm="", n=0):
                    print(line)
                print("%s: differs from a fresh extraction from %s; "
                      "rewrite it with check_wsdl.py --extract %s %s"
                      % (facts_path, ref_path, facts_path, ref_path))
                status = 1
    elif ref_path:
        if facts is None:
            print("reference WSDL %s not found: skipped" % ref_path)
            return 77
        print("reference WSDL %s not found: compared with the facts only"
              % ref_path)
    elif facts is None:
        return 77
    return status


def write_facts(out_path, ref_path):
    lines = extract(Wsdl(ref_path))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("%d facts written to %s" % (len(fact_lines(lines)), out_path))
    return 0


USAGE = """usage: check_wsdl.py OUR_WSDL [REFERENCE_WSDL] [--facts FACTS] \
[--profile 2017|11]
       check_wsdl.py --extract FACTS REFERENCE_WSDL
       check_wsdl.py --self-test OUR_WSDL FACTS [REFERENCE_WSDL]
"""


def main(argv):
    args, opts = [], {"--profile": "11", "--facts": None, "--extract": None}
    self_testing = False
    it = iter(argv[1:])
    for a in it:
        key, eq, value = a.partition("=")
        if key in opts:
            opts[key] = value if eq else next(it, None)
            if opts[key] is None:
                sys.stderr.write(USAGE)
                return 2
        elif a == "--self-test":
            self_testing = True
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif a.startswith("-"):
            sys.stderr.write(USAGE)
            return 2
        else:
            args.append(a)
    profile, facts, out = (opts["--profile"], opts["--facts"],
                           opts["--extract"])
    if profile not in ("2017", "11") or \
            (out and (self_testing or facts or len(args) != 1)) or \
            (self_testing and len(args) not in (2, 3)) or \
            (not out and not self_testing and len(args) not in (1, 2)) or \
            (not out and not self_testing and len(args) == 1
             and not facts):
        sys.stderr.write(USAGE)
        return 2
    try:
        if out:
            return write_facts(out, args[0])
        if self_testing:
            return self_test(args[0], args[1],
                             args[2] if len(args) > 2 else None)
        return run(args[0], args[1] if len(args) > 1 else None, facts,
                   profile)
    except (ET.ParseError, OSError, FactsError, LookupError) as e:
        print("cannot check: %s" % e)
        print("0 operations checked, 1 problems")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
