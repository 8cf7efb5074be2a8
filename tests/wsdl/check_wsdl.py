#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check micetro-emu's WSDL against a WSDL saved from a real Micetro server.

Usage: check_wsdl.py OUR_WSDL REFERENCE_WSDL [--profile 2017|11]

For every operation of OUR_WSDL, compares with REFERENCE_WSDL:
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

--profile 11 (default) checks the file as it is, ignoring the marked
elements in the comparison; --profile 2017 first removes everything marked
(as the server does for the 2017 profile) and checks the result.

Prints one line per problem, then "N operations checked, M problems".
Exit status: 0 no problem, 1 problems, 2 usage error, 77 reference missing
(ctest's SKIP_RETURN_CODE).
"""

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


def check(our_path, ref_path, profile):
    problems = Problems()
    ours = Wsdl(our_path)
    ref = Wsdl(ref_path)
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


def main(argv):
    args = []
    profile = "11"
    it = iter(argv[1:])
    for a in it:
        if a == "--profile":
            profile = next(it, None)
        elif a.startswith("--profile="):
            profile = a.split("=", 1)[1]
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            args.append(a)
    if len(args) != 2 or profile not in ("2017", "11"):
        sys.stderr.write("usage: check_wsdl.py OUR_WSDL REFERENCE_WSDL "
                         "[--profile 2017|11]\n")
        return 2
    our_path, ref_path = args
    if not os.path.isfile(ref_path):
        print("reference WSDL %s not found: skipped" % ref_path)
        return 77
    try:
        checked, lines = check(our_path, ref_path, profile)
    except (ET.ParseError, OSError) as e:
        print("cannot read WSDL: %s" % e)
        print("0 operations checked, 1 problems")
        return 1
    for line in lines:
        print(line)
    print("%d operations checked, %d problems" % (checked, len(lines)))
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
