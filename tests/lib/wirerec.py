# SPDX-License-Identifier: GPL-2.0-or-later
"""A recording TCP proxy for the test harness (MICETRO_RECORD=DIR).

Proxy(root) listens on 127.0.0.1:<free port>; each connection it accepts
gets its own connection to .target (host, port), set by the harness at
every start of the server, so the proxy outlives restarts.  Bytes are
passed on unchanged both ways, an end of stream (FIN) as a half-close, a
reset as a reset.  When a connection ends, its traffic is written to
ROOT/<script>/ (script: the running test file's name without extension):

  NNNN-XX.req, NNNN-XX.resp   request and response bytes of exchange XX
                              of connection NNNN (numbered in accept order)
  NNNN.conn                   the addresses, byte counts, how each
                              direction ended, and for each exchange the
                              test (current_test) its request began in

The .req files of a connection, in order, are exactly what the client
sent; the .resp files exactly what the server sent.  Requests and
responses are split by HTTP framing (Content-Length, chunked, 1xx answers
kept with the final one); what cannot be split that way (an incomplete or
unframed message, unanswered requests) goes whole into the last exchange.

Only the Python standard library is used here.
"""

import atexit
import os
import re
import shutil
import socket
import struct
import sys
import threading

_lock = threading.Lock()
_next_conn = [1]
_ready_dirs = set()
_live = set()  # connections not written yet, for the exit hook

# The id of the test running, set by the harness; "-" outside tests.
current_test = "-"


def script_name():
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None) or sys.argv[0] or "python"
    return os.path.splitext(os.path.basename(path))[0]


def _record_dir(root):
    """ROOT/<script>, emptied at its first use by this process."""
    d = os.path.join(root, script_name())
    with _lock:
        if d not in _ready_dirs:
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            _ready_dirs.add(d)
    return d


class Proxy:
    def __init__(self, root):
        self.dir = _record_dir(root)
        self.target = None
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(256)
        self.host, self.port = self.lsock.getsockname()
        self.conns = set()
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def front_url(self, url):
        """url with its host:port replaced by the proxy's."""
        return re.sub(r"^(\w+://)[^/]+", lambda m: "%s%s:%d" % (m.group(1), self.host, self.port),
                      url)

    def _accept(self):
        while True:
            try:
                csock, _ = self.lsock.accept()
            except OSError:
                return  # closed
            with _lock:
                n = _next_conn[0]
                _next_conn[0] += 1
            Conn(self, n, csock, self.target).start()

    def close(self, timeout=10):
        """Stops accepting; waits up to timeout for the server's side of
        every connection to end (it does once the server has exited).  A
        client may keep its side open: the connection is written when the
        client closes it, or at exit."""
        try:
            self.lsock.shutdown(socket.SHUT_RDWR)  # wakes accept()
        except OSError:
            pass
        self.lsock.close()
        self.thread.join(5)
        with self.cond:
            self.cond.wait_for(lambda: all(c.server_done() for c in self.conns), timeout)


class Conn:
    def __init__(self, proxy, n, csock, target):
        self.proxy = proxy
        self.n = n
        self.csock = csock
        self.target = target
        self.ssock = None
        self.data = {"c": [], "s": []}  # c: client -> server, s: server -> client
        self.ends = []  # ("c" or "s", "eof" / "reset"), in the order seen
        # (offset in the client's bytes, current_test); at the accept for
        # exchanges without a request
        self.tests = [(0, current_test)]
        self.sent = 0  # the client's bytes so far
        self.lock = threading.Lock()
        self.wlock = threading.Lock()  # one writer of the files at a time
        self.abort = set()  # sockets to close with a reset
        self.running = 2

    def start(self):
        with self.proxy.cond:
            self.proxy.conns.add(self)
        with _lock:
            _live.add(self)
        try:
            self.ssock = socket.create_connection(self.target, timeout=10)
            self.ssock.settimeout(None)
            for s in (self.csock, self.ssock):
                # each piece is passed on as it comes: no Nagle delay
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as e:
            # nothing listens: the client sees a reset
            self.ends.append(("s", "connect failed: %s" % e.strerror))
            self.running = 0
            _reset(self.csock)
            self._finish()
            return
        for src, dst, tag in ((self.csock, self.ssock, "c"), (self.ssock, self.csock, "s")):
            threading.Thread(target=self._pump, args=(src, dst, tag), daemon=True).start()

    def server_done(self):
        with self.lock:
            return bool(self.abort) or any(t == "s" for t, _ in self.ends)

    def _pump(self, src, dst, tag):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                self._end(tag, "reset", src, dst)
                break
            if not data:
                self._end(tag, "eof", src, dst)
                break
            with self.lock:
                self.data[tag].append(data)
                if tag == "c":
                    if self.tests[-1][1] != current_test:
                        self.tests.append((self.sent, current_test))
                    self.sent += len(data)
            try:
                dst.sendall(data)
            except OSError:
                # dst was reset while we wrote: so is src
                self._end("s" if tag == "c" else "c", "reset", dst, src)
                break
        with self.lock:
            self.running -= 1
            last = self.running == 0
        if last:
            for s in (self.csock, self.ssock):
                if s in self.abort:
                    _reset(s)
                else:
                    s.close()
            self._finish()

    def _end(self, tag, how, src, dst):
        """src ended (how); pass it on to dst."""
        with self.lock:
            if self.abort or (tag, how) in self.ends:
                return  # the connection is being reset, or passed on already
            self.ends.append((tag, how))
            if how == "reset":
                self.abort.add(dst)
        with self.proxy.cond:
            self.proxy.cond.notify_all()
        try:
            if how == "eof":
                dst.shutdown(socket.SHUT_WR)
            else:
                # wake the other pump, blocked reading dst; the reset
                # itself is sent when both pumps are done
                dst.shutdown(socket.SHUT_RD)
                src.shutdown(socket.SHUT_RD)
        except OSError:
            pass

    def _finish(self):
        self.write()
        with _lock:
            _live.discard(self)
        with self.proxy.cond:
            self.proxy.conns.discard(self)
            self.proxy.cond.notify_all()

    def write(self):
        with self.wlock:
            self._write()

    def _write(self):
        with self.lock:
            creq = b"".join(self.data["c"])
            sresp = b"".join(self.data["s"])
            ends = list(self.ends)
            tests = list(self.tests)
        base = os.path.join(self.proxy.dir, "%04d" % self.n)
        labels = []
        offset = 0
        for i, (req, resp) in enumerate(split_exchanges(creq, sresp), 1):
            for ext, data in ((".req", req), (".resp", resp)):
                with open("%s-%02d%s" % (base, i, ext), "wb") as f:
                    f.write(data)
            label = [t for at, t in tests if at <= offset][-1]
            labels.append("exchange %02d %s\n" % (i, label))
            offset += len(req)
        with open(base + ".conn", "w") as f:
            f.write("proxy 127.0.0.1:%d\n" % self.proxy.port)
            f.write("server %s:%d\n" % self.target)
            f.write("client bytes %d\nserver bytes %d\n" % (len(creq), len(sresp)))
            for tag, how in ends:
                f.write("%s %s\n" % ("client" if tag == "c" else "server", how))
            if len(ends) < 2 and self.running:
                f.write("open at exit\n")
            f.writelines(labels)


def _reset(sock):
    """Closes sock with a reset (SO_LINGER 0)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


@atexit.register
def _write_open():
    """Writes what the connections still open at exit carried so far."""
    with _lock:
        live = list(_live)
    for c in live:
        c.write()


# ---------------------------------------------------------------- HTTP framing


def _head(data, start):
    """(first line, {lower-case name: value}, index past the head) of the
    message head at start, or None when incomplete."""
    end = data.find(b"\r\n\r\n", start)
    if end < 0:
        return None
    lines = data[start:end].split(b"\r\n")
    headers = {}
    for ln in lines[1:]:
        k, sep, v = ln.partition(b":")
        if sep:
            headers.setdefault(k.strip().lower(), v.strip())
    return lines[0], headers, end + 4


def _chunked_end(data, i):
    """Index past a chunked body starting at i, or None."""
    while True:
        j = data.find(b"\r\n", i)
        if j < 0:
            return None
        try:
            n = int(data[i:j].split(b";")[0].strip(), 16)
        except ValueError:
            return None
        if n == 0:
            k = data.find(b"\r\n\r\n", j)  # after the trailers
            return None if k < 0 else k + 4
        i = j + 2 + n
        if data[i:i + 2] != b"\r\n":
            return None
        i += 2


def _message_end(data, start, response):
    """Index past the HTTP message at start, or None when it cannot be
    framed.  A response's 1xx answers are part of it."""
    while True:
        h = _head(data, start)
        if h is None:
            return None
        line, headers, body = h
        status = None
        if response:
            parts = line.split(b" ")
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
                return None
            status = int(parts[1])
            if 100 <= status < 200:
                start = body
                continue
        if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
            return _chunked_end(data, body)
        cl = headers.get(b"content-length")
        if cl is not None:
            if not cl.isdigit() or len(data) < body + int(cl):
                return None
            return body + int(cl)
        if response and status not in (204, 304):
            return len(data)  # until the close
        return body


def _split(data, response):
    """[messages], rest."""
    out, i = [], 0
    while i < len(data):
        j = _message_end(data, i, response)
        if j is None:
            break
        out.append(data[i:j])
        i = j
    return out, data[i:]


def split_exchanges(creq, sresp):
    """[(request, response)]: the i-th request with the i-th response; what
    is left (unframed bytes, requests without an answer or the reverse)
    joined into a last exchange."""
    reqs, rrest = _split(creq, False)
    resps, srest = _split(sresp, True)
    n = min(len(reqs), len(resps))
    out = list(zip(reqs[:n], resps[:n]))
    tail = (b"".join(reqs[n:]) + rrest, b"".join(resps[n:]) + srest)
    if tail != (b"", b"") or not out:
        out.append(tail)
    return out
