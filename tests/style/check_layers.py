#!/usr/bin/python3
"""Holds the sources to the layers of the tree: check_layers.py

Reads every tracked .c and .h file and the CMake files, and reports each
broken rule as "file:line: rule: what".  The rules:

gsoap-user     gSOAP's headers (stdsoap2.h, the generated soapH.h,
               soapStub.h, agH.h, agcH.h ..., any *.nsmap, the generated
               agc*.c) are included only by the files listed in GSOAP_USERS
               below, each for its own part of the generated code, and
               by tests/.  The list is today's users, exactly: a new file
               that needs gSOAP is a decision to be written down there.
libpq          libpq's headers only in storage/ (and tests/).
core-pure      server/core includes only libc/POSIX headers, crypt.h,
               openssl/* and core headers; its CMake target links only
               libcrypt and libcrypto.
codec-pure     the codecs of untrusted bytes (server/front/httpreq, xmlscan,
               omapi) likewise, plus each other's headers; their target
               links only the core besides.
storage-below  storage/ includes neither gSOAP nor a header of server/emu,
               server/front or server/agent.
include-path   no directory in a quoted include ("../x.h", "dir/x.h"): the
               build's include directories say where headers come from.
own-header     a .c file with a header of its name beside it includes that
               header first.
header-name    no two headers share a name (quoted includes are by name).
clients-api    clients/ uses the API only: its files include no header of
               another folder of the tree (only their own, libc, jansson
               and the gSOAP client generated for micetro-cli, "cli-client"
               below), and micetro-cli links only that generated code,
               gSOAP and jansson.

Prints one summary line and exits 0 when every rule holds, else exits 1.
"""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Who includes which part of gSOAP.  "runtime": stdsoap2.h; "emu": the code
# generated from wsdl/micetro.wsdl (soapH.h, ServiceSoap.nsmap ...);
# "agent": the agent's server side of wsdl/agent.wsdl (agH.h,
# AgentSoap.nsmap); "agent-client": the worker's client side of it (agcH.h,
# agcC.c, agc.nsmap).  The generated headers include stdsoap2.h: a user of
# a generated part may use the runtime too.
GSOAP_USERS = {
    # the serve loop both daemons share, and its SOAP faults
    "server/front/soaphttpd.c": {"runtime"},
    "server/front/soapfault.c": {"runtime"},
    # micetro-emu: the HTTP front, the handlers and their conversions
    "server/emu/httpd.c": {"emu"},
    "server/emu/nsmap.c": {"emu"},
    "server/emu/fault.c": {"runtime"},
    "server/emu/convert.c": {"emu"},
    "server/emu/custom.c": {"emu"},
    "server/emu/soap_failover.c": {"emu"},
    "server/emu/soap_notimpl.c": {"emu"},
    "server/emu/soap_pools.c": {"emu"},
    "server/emu/soap_propdefs.c": {"emu"},
    "server/emu/properties.c": {"emu"},
    "server/emu/soap_ranges.c": {"emu"},
    "server/emu/soap_remove.c": {"emu"},
    "server/emu/soap_scopes.c": {"emu"},
    "server/emu/soap_servers.c": {"emu"},
    "server/emu/session.c": {"emu"},
    # the seed builds the Add calls' requests from its JSON document
    "server/emu/control_seed.c": {"emu"},
    # micetro-emu: the worker's calls to the agents
    "server/emu/agent_rpc.c": {"runtime"},
    "server/emu/agent_rpc_gen.c": {"agent-client"},
    # micetro-dhcp-agent: its operations
    "server/agent/agent_soap.c": {"agent"},
    # micetro-cli: the session and the calls of each command
    "clients/cli/cli_session.c": {"cli-client"},
    "clients/cli/cli_objects.c": {"cli-client"},
    "clients/cli/cli_failover.c": {"cli-client"},
}

GSOAP_PARTS = [
    ("runtime", re.compile(r"^stdsoap2\.h$")),
    ("emu", re.compile(r"^(soap(H|Stub|C|Server|Client)\.[ch]"
                       r"|ServiceSoap\.nsmap)$")),
    ("agent-client", re.compile(r"^(agc(H|Stub)\.h|agc\w*\.c|agc\.nsmap)$")),
    ("agent", re.compile(r"^(ag(H|Stub|C|Server)\.[ch]|AgentSoap\.nsmap)$")),
    ("cli-client", re.compile(r"^(mmc(H|Stub)\.h|mmc\w*\.c|mmc\.nsmap)$")),
    ("unknown", re.compile(r"\.nsmap$")),
]

LIBPQ = re.compile(r"^(libpq-fe\.h|libpq-events\.h|libpq/.*|postgres_ext\.h"
                   r"|pg_config.*\.h)$")

# C11 and POSIX.1-2017 headers, and the glibc ones that only declare libc
# calls (sys/random.h: getrandom).
LIBC = set("""
assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h
limits.h locale.h math.h setjmp.h signal.h stdalign.h stdarg.h stdatomic.h
stdbool.h stddef.h stdint.h stdio.h stdlib.h stdnoreturn.h string.h
tgmath.h threads.h time.h uchar.h wchar.h wctype.h
aio.h arpa/inet.h cpio.h dirent.h dlfcn.h fcntl.h fmtmsg.h fnmatch.h ftw.h
glob.h grp.h iconv.h langinfo.h libgen.h monetary.h mqueue.h ndbm.h
net/if.h netdb.h netinet/in.h netinet/tcp.h nl_types.h poll.h pthread.h
pwd.h regex.h sched.h search.h semaphore.h spawn.h strings.h sys/ipc.h
sys/mman.h sys/msg.h sys/resource.h sys/select.h sys/sem.h sys/shm.h
sys/socket.h sys/stat.h sys/statvfs.h sys/time.h sys/times.h sys/types.h
sys/uio.h sys/un.h sys/utsname.h sys/wait.h syslog.h tar.h termios.h
unistd.h utime.h utmpx.h wordexp.h
endian.h sys/random.h
""".split())

CORE_DIR = "server/core"
CODECS = ["server/front/httpreq", "server/front/xmlscan",
          "server/front/omapi"]
CORE_TARGET = ("micetro_core", {"PkgConfig::LIBCRYPT", "OpenSSL::Crypto"})
CODEC_TARGET = ("micetro_codec", {"micetro_core", "PkgConfig::LIBCRYPT",
                                  "OpenSSL::Crypto"})
BELOW_STORAGE = ("server/emu/", "server/front/", "server/agent/")
CLIENTS_DIR = "clients/"
CLI_TARGET = ("micetro-cli", {"micetro_cli_gen", "PkgConfig::GSOAP",
                              "PkgConfig::JANSSON"})

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]*)[>"]')


def tracked(*patterns):
    out = subprocess.run(["git", "-C", TOP, "ls-files", "-z", "--"]
                         + list(patterns), check=True,
                         capture_output=True).stdout.decode()
    return sorted(f for f in out.split("\0") if f)


def code_lines(text):
    """Yields (line number, line) for the lines that start outside a
    comment, string or character literal."""
    state = "code"
    i, n, line_no, line_start = 0, len(text), 1, 0
    starts_in_code = True
    while i <= n:
        if i == n or text[i] == "\n":
            if starts_in_code:
                yield line_no, text[line_start:i]
            if state == "line":
                state = "code"
            line_no += 1
            line_start = i + 1
            starts_in_code = state == "code"
            i += 1
            continue
        c, nxt = text[i], text[i + 1] if i + 1 < n else ""
        if state == "code":
            if c == "/" and nxt == "*":
                state, i = "block", i + 2
                continue
            if c == "/" and nxt == "/":
                state = "line"
            elif c in "\"'":
                state = c
        elif state == "block":
            if c == "*" and nxt == "/":
                state, i = "code", i + 2
                continue
        elif state in "\"'":
            if c == "\\":
                i += 2
                continue
            if c == state:
                state = "code"
        i += 1


def includes(path):
    """[(line, quote, name)] of a source file."""
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        text = f.read()
    out = []
    for no, line in code_lines(text):
        m = INCLUDE.match(line)
        if m:
            out.append((no, m.group(1), m.group(2)))
    return out


def gsoap_part(name):
    base = os.path.basename(name)
    for part, pattern in GSOAP_PARTS:
        if pattern.search(base):
            return part
    return None


def cmake_links(problems):
    """Checks what the core's and the codecs' targets link."""
    for path in tracked("CMakeLists.txt", "*/CMakeLists.txt", "*.cmake"):
        with open(os.path.join(TOP, path), encoding="utf-8") as f:
            text = re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)),
                          f.read())
        for m in re.finditer(r"target_link_libraries\s*\(([^)]*)\)", text):
            words = [(w.group(0), m.start(1) + w.start())
                     for w in re.finditer(r"\S+", m.group(1))]
            if not words:
                continue
            for (target, allowed), rule in ((CORE_TARGET, "core-pure"),
                                            (CODEC_TARGET, "codec-pure"),
                                            (CLI_TARGET, "clients-api")):
                if words[0][0] != target:
                    continue
                for word, at in words[1:]:
                    if word in ("PUBLIC", "PRIVATE", "INTERFACE") or \
                            word in allowed:
                        continue
                    problems.append(
                        "%s:%d: %s: %s links %s; it may link only %s"
                        % (path, text.count("\n", 0, at) + 1, rule, target,
                           word, ", ".join(sorted(allowed))))


def main(argv):
    sources = tracked("*.c", "*.h")
    source_set = set(sources)
    headers = {}
    problems = []
    for h in sources:
        if h.endswith(".h"):
            name = os.path.basename(h)
            if name in headers:
                problems.append("%s:1: header-name: %s is also %s; quoted "
                                "includes name headers without their folder"
                                % (h, name, headers[name]))
            else:
                headers[name] = h
    core_headers = {os.path.basename(h) for h in sources
                    if os.path.dirname(h) == CORE_DIR and h.endswith(".h")}
    codec_headers = {os.path.basename(c) + ".h" for c in CODECS}
    codec_files = {c + ext for c in CODECS for ext in (".c", ".h")}
    count = 0
    gsoap_seen = set()
    for path in sources:
        incs = includes(path)
        count += len(incs)
        in_tests = path.startswith("tests/")
        in_core = os.path.dirname(path) == CORE_DIR
        in_codec = path in codec_files
        in_storage = path.startswith("storage/")
        for no, quote, name in incs:
            where = "%s:%d" % (path, no)
            part = gsoap_part(name)
            if part:
                gsoap_seen.add(path)
            if part and not in_tests and \
                    part not in GSOAP_USERS.get(path, set()) and \
                    not (part == "runtime" and GSOAP_USERS.get(path)):
                problems.append(
                    "%s: gsoap-user: %s (gSOAP, %s) included outside its "
                    "users; they are listed in GSOAP_USERS of "
                    "tests/style/check_layers.py" % (where, name, part))
            if LIBPQ.match(name) and not in_tests and not in_storage:
                problems.append("%s: libpq: %s outside storage/"
                                % (where, name))
            if quote == '"' and "/" in name:
                problems.append(
                    "%s: include-path: \"%s\" names a folder; include by "
                    "name and let the target's include directories find it"
                    % (where, name))
            if in_core or in_codec:
                rule = "core-pure" if in_core else "codec-pure"
                ok = (name in LIBC or name == "crypt.h"
                      or name.startswith("openssl/")) if quote == "<" else \
                    (name in core_headers
                     or (in_codec and name in codec_headers))
                if not ok:
                    problems.append(
                        "%s: %s: %s%s%s: %s includes only libc/POSIX, "
                        "crypt.h, openssl/* and core headers%s"
                        % (where, rule, quote, name,
                           ">" if quote == "<" else '"',
                           "server/core" if in_core else "a codec",
                           "" if in_core else " (and the codecs' own)"))
            # a quoted include finds the including file's folder first
            found = os.path.join(os.path.dirname(path), name)
            if found not in source_set:
                found = headers.get(name, "")
            if path.startswith(CLIENTS_DIR) and quote == '"' and \
                    not part and not found.startswith(CLIENTS_DIR):
                problems.append(
                    "%s: clients-api: %s (%s) is outside clients/: a client "
                    "uses the API only" % (where, name, found or "unknown"))
            if in_storage and (part or (quote == '"' and
                               found.startswith(BELOW_STORAGE))):
                problems.append(
                    "%s: storage-below: %s (%s) is above storage/"
                    % (where, name, "gSOAP" if part else found))
        if path.endswith(".c") and os.path.exists(
                os.path.join(TOP, path[:-2] + ".h")):
            own = os.path.basename(path[:-2] + ".h")
            if not incs or incs[0][1:] != ('"', own):
                no = incs[0][0] if incs else 1
                problems.append("%s:%d: own-header: the first include is "
                                "not \"%s\"" % (path, no, own))
    for path in sorted(set(GSOAP_USERS) - gsoap_seen):
        problems.append("%s:1: gsoap-user: listed in GSOAP_USERS but "
                        "includes no gSOAP header: take it off the list"
                        % path)
    cmake_links(problems)
    for line in problems:
        print(line)
    if problems:
        print("layers: %d problem(s)" % len(problems))
        return 1
    print("layers: %d files, %d includes, %d gSOAP users, OK"
          % (len(sources), count, len(GSOAP_USERS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
