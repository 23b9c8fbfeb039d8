#!/usr/bin/env python3
"""Loopback HTTP server for blogmap's end-to-end tests.

It serves a fixture directory (FIXTURE/site/, or FIXTURE itself when it has
no site/ below it) the way a blog host would, and keeps a log of every request
so that a test can check the crawler's manners afterwards: robots.txt asked
first, disallowed paths never asked, delays kept, one request at a time.

Why a server of our own rather than http.server's file handler: the tests need
keep-alive with exact Content-Length on every answer, redirects read from a
table, fixture URLs rewritten to the server's port ("rebase"), and faults that
hit the same paths on every run (a stable hash of the path picks them).

    URL path /x/    -> site/x/index.html     /x.html -> site/x.html
    site/_routes.tsv lines: PATH <TAB> STATUS <TAB> LOCATION
        PATH may carry a ?query; an exact path+query match wins over a match
        of the path alone, and a query is otherwise ignored. For a 3xx the
        third field is the Location; for 200 it names the file to serve
        (relative to site/); for other statuses it may be empty.

Fault spec: "err500=0.05,r429=0.02,reset=0.01,slow=0.01,badutf8=0.01,huge=0"
    err500   the first request to the path gets 500
    r429     the first request gets 429 with Retry-After: 1
    reset    the first request's connection is closed with no answer (RST)
    slow     every answer is delayed 2 s
    badutf8  invalid UTF-8 bytes are inserted after <body>
    huge     a 64 MiB HTML body is streamed instead of the page
Each path gets at most one fault. /robots.txt and /__* are spared unless
fault_paths (a regex searched in the path) says otherwise.

Strain (a host under load, for the pacing tests), counted over requests
other than /robots.txt, in arrival order:
    strain=("latency", N, SECS[, CALM])   from the Nth request on, every answer waits SECS
    strain=("busy", N, K[, CALM])   requests N .. N+K-1 get 503 with no Retry-After
    CALM (default 0) is the wait of every other answer, so that a crawler's
    parallel requests overlap at the server before the strain.
Connections are logged with their open and close times (connections()).
tls=(CERTFILE, KEYFILE) serves https with that certificate (H23).

Fixed hostile endpoints: /__loop/a <-> /__loop/b (302 loop), /__chain/N ->
/__chain/N+1 forever, /__stall (no answer for up to 20 s), /__short
(Content-Length 5000, 31 bytes sent, then close), /__gzip-bomb (256 MiB of
zeros gzipped), /__binary (random bytes labelled text/html).
More, for the reliability matrix (tests/e2e/test_matrix_http.py; the ids are
its rows):
    /__reset-mid         Content-Length 5000, 1000 bytes sent, then RST (H06)
    /__bad-chunk         chunked, first chunk size FFFFFFFFFFFFFFF4 (H08)
    /__stream            endless chunked HTML, stopped at 64 MiB (H09)
    /__enc-chain         "Content-Encoding: gzip, gzip, ..." 50 times (H11)
    /__huge-header       1 MiB of response headers (H12)
    /__declared-huge     Content-Length: 10 GiB, then nothing (H21)
    /__redir-scheme      302 to file:///etc/passwd (H15)
    /__redir-port/P/REST 302 to http://127.0.0.1:P/REST, another server (H16)
    /__status/CODE[-raS] always CODE, with Retry-After: S if given (H18)
    /__once429/S/NAME    the first request 429 with Retry-After: S ("date":
                         an HTTP-date in 2099), later ones a small page (H17)
    /__garbage           "hello" and close, no status line (H24)
    /__charset/bogus     "charset=bogus" header, Latin-1 bytes in the title;
    /__charset/meta      <meta charset=x-no-such-charset>, Latin-1 bytes (H20)
    /__x-robots          "X-Robots-Tag: nofollow", links to /__x-robots-secret (R10)
    /__slow-headers      a header line a second, for up to 90 s (H04)
    /__slow-body         a robots.txt line, then one byte every 2 s for up to 60 s (H05)
Every endpoint sends at most 64 MiB and lives at most 90 s.

As a module:   srv = FixtureServer("examples/sample-blog", rebase="https://x.blogspot.com")
               port = srv.start(); ...; srv.requests(); srv.stop()
From a shell:  python3 tests/e2e/server.py FIXTURE [--port 0] [--rebase FROM]
                   [--faults SPEC] [--fault-paths REGEX] [--robots-status 503]
                   [--log FILE.tsv] [--seconds 600]
"""
import argparse
import collections
import hashlib
import http.server
import os
import random
import re
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import zlib
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"
FAULT_KINDS = ("err500", "r429", "reset", "slow", "badutf8", "huge")
FIRST_ONLY = ("err500", "r429", "reset")
SLOW_SECONDS = 2.0
STALL_SECONDS = 20.0
HUGE_BYTES = 64 << 20
DRIP_SECONDS = 90.0
LATIN1_TITLE = b"Caf\xe9 cr\xe8me \xbd"
BOMB_BYTES = 256 << 20
BAD_UTF8 = b"\xff\xfe\xc3\x28"

CONTENT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".htm": "text/html; charset=UTF-8",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".json": "application/json",
    ".css": "text/css",
    ".js": "application/javascript",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
}
TEXT_TYPES = ("text/", "application/xml", "application/json", "application/javascript",
              "application/atom+xml", "application/rss+xml")

# One line of the request log. start/end are time.monotonic() stamps (for
# gaps and overlaps), wall is time.time() at the start (for humans). status
# is 0 when the connection was dropped with no answer.
Request = collections.namedtuple(
    "Request", "seq wall start end method target status agent conn port fault sent")


def parse_faults(spec):
    """Parse "kind=fraction,..." into an ordered list of (kind, fraction)."""
    out = []
    total = 0.0
    for item in filter(None, (s.strip() for s in (spec or "").split(","))):
        kind, sep, value = item.partition("=")
        kind = kind.strip()
        if not sep or kind not in FAULT_KINDS:
            raise ValueError("bad fault %r (kinds: %s)" % (item, ", ".join(FAULT_KINDS)))
        frac = float(value)
        if not 0.0 <= frac <= 1.0:
            raise ValueError("fault fraction out of range in %r" % item)
        total += frac
        out.append((kind, frac))
    if total > 1.0 + 1e-9:
        raise ValueError("fault fractions add up to more than 1")
    return out


def path_fraction(path):
    """A number in [0, 1) that depends only on PATH, the same on every run."""
    digest = hashlib.sha256(b"blogmap-fixture:" + path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") / float(1 << 64)


def fault_for_path(path, faults):
    """Which fault kind (or None) PATH draws: each kind owns a slice of [0, 1)."""
    u = path_fraction(path)
    edge = 0.0
    for kind, frac in faults:
        if edge <= u < edge + frac:
            return kind
        edge += frac
    return None


def rebase_pairs(source, target):
    """Byte replacements that move absolute URLs from SOURCE to TARGET.

    Both schemes and the protocol-relative spelling of SOURCE's host are moved,
    since blog pages mix them; all land on TARGET."""
    if not source:
        return []
    source = source.rstrip("/")
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("rebase source must be an http(s) origin: %r" % source)
    other = ("http" if parts.scheme == "https" else "https") + "://" + parts.netloc
    target = target.rstrip("/")
    pairs = [(source, target), (other, target),
             ("//" + parts.netloc, "//" + urlsplit(target).netloc)]
    return [(a.encode(), b.encode()) for a, b in pairs]


def rebase_bytes(data, pairs):
    for old, new in pairs:
        data = data.replace(old, new)
    return data


def rebase_text(text, source, target):
    """Rebase a str (an expected URL, say) the way the server rebases bodies."""
    return rebase_bytes(text.encode("utf-8"), rebase_pairs(source, target)).decode("utf-8")


def load_routes(path):
    routes = {}
    if not os.path.exists(path):
        return routes
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 2:
                raise ValueError("%s:%d: want PATH<TAB>STATUS<TAB>LOCATION" % (path, lineno))
            where = fields[2] if len(fields) > 2 else ""
            routes[fields[0]] = (int(fields[1]), where)
    return routes


_bomb_lock = threading.Lock()
_bomb = None


def gzip_bomb():
    """BOMB_BYTES of zeros, gzip-compressed (about 250 KiB), built once."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            comp = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = bytes(1 << 20)
            parts = [comp.compress(zeros) for _ in range(BOMB_BYTES >> 20)]
            parts.append(comp.flush())
            _bomb = b"".join(parts)
        return _bomb


def split_target(target):
    path, _, query = target.partition("?")
    path = path.split("#", 1)[0]
    if "://" in path:                       # absolute-form request target
        path = urlsplit(path).path or "/"
    return path, query


def start_gaps(reqs):
    """Seconds between the starts of consecutive requests, in start order."""
    reqs = sorted(reqs, key=lambda r: r.start)
    return [b.start - a.start for a, b in zip(reqs, reqs[1:])]


def most_at_once(intervals):
    """Most (start, end) intervals open at one moment."""
    events = sorted([(a, 1) for a, _ in intervals] + [(b, -1) for _, b in intervals])
    most = cur = 0
    for _, step in events:
        cur += step
        most = max(most, cur)
    return most


def in_flight_max(reqs):
    """Most requests in flight at one moment (by the server's start/end times)."""
    return most_at_once([(r.start, r.end) for r in reqs])


def open_max(conns, until):
    """Most connections open at one moment (a connection still open counts to UNTIL)."""
    return most_at_once([(o, c if c else until) for _, o, c in conns])


def overlapping(reqs, slack=0.005):
    """Pairs of requests where one began before the previous one ended."""
    reqs = sorted(reqs, key=lambda r: r.start)
    bad = []
    for a, b in zip(reqs, reqs[1:]):
        if b.start + slack < a.end:
            bad.append((a, b))
    return bad


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "blogmap-fixture/1"

    def version_string(self):
        return self.server_version
    disable_nagle_algorithm = True      # TCP_NODELAY: no delayed-ACK stalls on keep-alive
    timeout = 15                        # idle keep-alive connections are dropped after this

    def setup(self):
        super().setup()
        self.conn_id = self.server.owner._open_connection(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.owner._close_connection(self.connection)

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self._serve(head=False)

    def do_HEAD(self):
        self._serve(head=True)

    # ---- one request ----------------------------------------------------
    def _serve(self, head):
        owner = self.server.owner
        self._head = head
        self._status = 0
        self._sent = 0
        self._fault = ""
        wall, start = time.time(), time.monotonic()
        try:
            self._dispatch(owner)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout):
            self.close_connection = True
        finally:
            owner._record(Request(0, wall, start, time.monotonic(), self.command, self.path,
                                  self._status, self.headers.get("User-Agent", ""), self.conn_id,
                                  self.client_address[1], self._fault, self._sent))

    def _dispatch(self, owner):
        path, query = split_target(self.path)
        if path.startswith("/__"):
            return self._hostile(owner, path)
        if path == "/robots.txt" and (owner.robots_status is not None or owner.robots_text is not None):
            if owner.robots_status is not None and owner.robots_status != 200:
                return self._send(owner.robots_status, b"robots.txt unavailable\n", "text/plain")
            return self._send(200, owner.robots_text.encode("utf-8"), "text/plain")
        strain = owner._strain(path)
        if strain and strain[0] == "busy":
            self._fault = "busy"
            return self._send(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>\n")
        if strain and strain[0] == "latency":
            owner._stopping.wait(strain[1])
        kind = owner._fault(path)
        if kind:
            self._fault = kind
        if kind == "reset":
            return self._reset()
        if kind == "err500":
            return self._send(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>\n")
        if kind == "r429":
            return self._send(429, b"<html><body><h1>429 Too Many Requests</h1></body></html>\n",
                              extra=[("Retry-After", "1")])
        if kind == "slow":
            owner._stopping.wait(SLOW_SECONDS)
        if kind == "huge":
            return self._stream_huge()
        route = owner.routes.get(path + "?" + query) if query else None
        if route is None:
            route = owner.routes.get(path)
        if route is not None:
            return self._route(owner, route, kind == "badutf8")
        return self._file(owner, path, query, kind == "badutf8")

    def _route(self, owner, route, bad_utf8):
        status, where = route
        if 300 <= status < 400:
            return self._redirect(owner, status, where)
        if status == 200 and where:
            full = owner._site_file("/" + where.lstrip("/"))
            if full and os.path.isfile(full):
                return self._send_file(owner, full, bad_utf8)
            return self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>\n")
        return self._send(status, ("<html><body><h1>%d</h1></body></html>\n" % status).encode())

    def _file(self, owner, path, query, bad_utf8):
        full = owner._site_file(path)
        if full and os.path.isdir(full):
            if not path.endswith("/"):
                loc = path + "/" + ("?" + query if query else "")
                return self._redirect(owner, 301, loc)
            full = os.path.join(full, "index.html")
        if not full or not os.path.isfile(full):
            return self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>\n")
        return self._send_file(owner, full, bad_utf8)

    def _send_file(self, owner, full, bad_utf8):
        with open(full, "rb") as f:
            body = f.read()
        ctype = CONTENT_TYPES.get(os.path.splitext(full)[1].lower(), "application/octet-stream")
        if ctype.startswith(TEXT_TYPES):
            body = rebase_bytes(body, owner.pairs)
        if bad_utf8:
            body = insert_after_body_tag(body, BAD_UTF8)
        # An entity tag from the bytes sent, so a re-crawl can ask "changed?".
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:20]
        if etag in (self.headers.get("If-None-Match") or ""):
            return self._send(304, b"", None, extra=[("ETag", etag)])
        return self._send(200, body, ctype, extra=[("ETag", etag)])

    def _redirect(self, owner, status, location):
        location = rebase_bytes(location.encode("utf-8"), owner.pairs).decode("utf-8")
        body = ('<html><body><a href="%s">moved</a></body></html>\n' % location).encode("utf-8")
        return self._send(status, body, extra=[("Location", location)])

    # ---- hostile endpoints ----------------------------------------------
    def _hostile(self, owner, path):
        self._fault = "hostile"
        if path == "/__loop/a":
            return self._redirect(owner, 302, "/__loop/b")
        if path == "/__loop/b":
            return self._redirect(owner, 302, "/__loop/a")
        m = re.fullmatch(r"/__chain/(\d{1,9})", path)
        if m:
            return self._redirect(owner, 302, "/__chain/%d" % (int(m.group(1)) + 1))
        if path == "/__stall":
            owner._stopping.wait(STALL_SECONDS)
            self.close_connection = True
            return
        if path == "/__short":
            self._status = 200
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Content-Length", "5000")
            self.send_header("Connection", "close")
            self.end_headers()
            if not self._head:
                self.wfile.write(b"<html><body><p>cut short here ")
                self._sent = 31
            self.wfile.flush()
            self.close_connection = True
            return
        if path == "/__gzip-bomb":
            return self._send(200, gzip_bomb(), extra=[("Content-Encoding", "gzip")])
        if path == "/__binary":
            noise = random.Random(404).randbytes(48 * 1024)
            return self._send(200, noise)
        return self._matrix(owner, path)

    def _matrix(self, owner, path):
        """The endpoints listed under "for the reliability matrix" above."""
        if path == "/__reset-mid":
            self._status = 200
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>" + b"r" * 985)
            self.wfile.flush()
            self._sent = 1000
            return self._reset()
        if path == "/__bad-chunk":
            self._raw_head(200, [("Transfer-Encoding", "chunked")])
            self._raw(b"FFFFFFFFFFFFFFF4\r\n<html><body>bad chunk</body></html>\r\n0\r\n\r\n")
            return
        if path == "/__stream":
            self._raw_head(200, [("Transfer-Encoding", "chunked")])
            piece = b"<p>" + b"s" * (64 * 1024 - 8) + b"</p>\n"
            self._raw(b"%x\r\n<html><body>\r\n" % len(b"<html><body>"))
            while self._sent < HUGE_BYTES and not owner._stopping.is_set():
                self._raw(b"%x\r\n%s\r\n" % (len(piece), piece))
            self._raw(b"0\r\n\r\n")
            return
        if path == "/__enc-chain":
            comp = zlib.compressobj(9, zlib.DEFLATED, 31)
            body = comp.compress(b"<html><body>chain</body></html>\n") + comp.flush()
            return self._send(200, body, extra=[("Content-Encoding", ", ".join(["gzip"] * 50))])
        if path == "/__huge-header":
            filler = [("X-Filler-%d" % i, "h" * 1000) for i in range(1024)]
            return self._send(200, b"<html><body>headers</body></html>\n", extra=filler)
        if path == "/__declared-huge":
            self._raw_head(200, [("Content-Length", str(10 << 30))])
            self.close_connection = True
            return
        if path == "/__redir-scheme":
            return self._send(302, b"", extra=[("Location", "file:///etc/passwd")])
        m = re.fullmatch(r"/__redir-port/(\d{1,5})(/.*)", path)
        if m:
            return self._send(302, b"", extra=[("Location", "http://%s:%s%s" % (HOST, m.group(1), m.group(2)))])
        m = re.fullmatch(r"/__status/(\d{3})(?:-ra(\d{1,5}))?", path)
        if m:
            extra = [("Retry-After", m.group(2))] if m.group(2) else []
            return self._send(int(m.group(1)), b"<html><body><h1>%s</h1></body></html>\n"
                              % m.group(1).encode(), extra=extra)
        m = re.fullmatch(r"/__once429/(\d{1,5}|date)/[\w.-]+", path)
        if m:
            with owner._lock:
                first = ("once429", path) not in owner._first_seen
                owner._first_seen.add(("once429", path))
            if first:
                after = "Thu, 01 Jan 2099 00:00:00 GMT" if m.group(1) == "date" else m.group(1)
                return self._send(429, b"<html><body>slow down</body></html>\n",
                                  extra=[("Retry-After", after)])
            return self._send(200, b"<html><head><title>after 429</title></head><body>ok</body></html>\n")
        if path == "/__garbage":
            self._status = 0
            self._raw(b"hello\r\n")
            self.close_connection = True
            return
        if path in ("/__charset/bogus", "/__charset/meta"):
            meta = b"<meta charset='x-no-such-charset'>" if path.endswith("meta") else b""
            body = b"<html><head>%s<title>%s</title></head><body><p>%s</p></body></html>\n" % (
                meta, LATIN1_TITLE, LATIN1_TITLE)
            ctype = "text/html; charset=bogus" if path.endswith("bogus") else "text/html"
            return self._send(200, body, ctype)
        if path == "/__x-robots":
            return self._send(200, b"<html><head><title>x-robots</title></head><body>"
                              b"<a href='/__x-robots-secret'>secret</a></body></html>\n",
                              extra=[("X-Robots-Tag", "nofollow")])
        if path == "/__slow-headers":
            self._raw(b"HTTP/1.1 200 OK\r\n")
            self._status = 200
            deadline = time.monotonic() + DRIP_SECONDS
            n = 0
            while time.monotonic() < deadline and not owner._stopping.wait(1.0):
                self._raw(b"X-Drip-%d: x\r\n" % n)
                n += 1
            self.close_connection = True
            return
        if path == "/__slow-body":
            self._raw_head(200, [("Content-Length", "1000")], ctype="text/plain")
            self._raw(b"User-agent: *\n")
            deadline = time.monotonic() + DRIP_SECONDS
            while time.monotonic() < deadline and not owner._stopping.wait(2.0):
                self._raw(b"#")
            self.close_connection = True
            return
        return self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>\n")

    def _raw_head(self, status, headers, ctype="text/html; charset=UTF-8"):
        self._status = status
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    def _raw(self, data):
        if self._head:
            return
        self.wfile.write(data)
        self.wfile.flush()
        self._sent += len(data)

    def _reset(self):
        # SO_LINGER with a zero timeout makes close() send RST, not FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _stream_huge(self):
        chunk = b"<p>" + b"y" * (16 * 1024 - 7) + b"</p>\n"
        head, tail = b"<!DOCTYPE html>\n<html><body>\n", b"</body></html>\n"
        filler = HUGE_BYTES - len(head) - len(tail)
        self._status = 200
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        if self._head:
            return
        self.wfile.write(head)
        while filler > 0:
            piece = chunk[:filler]
            self.wfile.write(piece)
            self._sent += len(piece)
            filler -= len(piece)
        self.wfile.write(tail)

    # ---- output ---------------------------------------------------------
    def _send(self, status, body=b"", ctype="text/html; charset=UTF-8", extra=()):
        self._status = status
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not self._head and body:
            self.wfile.write(body)
            self._sent = len(body)
        self.wfile.flush()


def insert_after_body_tag(body, extra):
    m = re.search(rb"<body[^>]*>", body, re.IGNORECASE)
    if not m:
        return extra + body
    return body[:m.end()] + extra + body[m.end():]


class _TCPServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 64
    allow_reuse_address = False

    def handle_error(self, request, client_address):
        # A crawler that hangs up mid-request is part of the game, not news.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout, OSError)):
            return
        super().handle_error(request, client_address)

    def server_bind(self):
        # HTTPServer.server_bind asks for the FQDN, a DNS lookup we never need.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class FixtureServer:
    """A fixture blog on 127.0.0.1; see the module docstring."""

    def __init__(self, fixture, rebase=None, faults="", fault_paths=None, robots_status=None,
                 robots_text=None, log_file=None, port=0, strain=None, tls=None):
        site = os.path.join(fixture, "site")
        self.site = os.path.realpath(site if os.path.isdir(site) else fixture)
        if not os.path.isdir(self.site):
            raise FileNotFoundError("no fixture site at %r" % fixture)
        self.routes = load_routes(os.path.join(self.site, "_routes.tsv"))
        self.rebase = rebase
        self.faults = parse_faults(faults) if isinstance(faults, str) else list(faults or ())
        self.fault_paths = re.compile(fault_paths) if fault_paths else None
        self.robots_status = robots_status
        self.robots_text = robots_text
        self.log_file = log_file
        self.port = port
        self.strain = strain
        self.tls = tls                  # (certfile, keyfile): serve https instead
        self._arrivals = 0
        self._conn_log = {}
        self.pairs = []
        self._log = []
        self._lock = threading.Condition()
        self._first_seen = set()
        self._connections = {}
        self._next_conn = 0
        self._stopping = threading.Event()
        self._httpd = None
        self._thread = None
        self._logf = None

    # ---- life cycle -----------------------------------------------------
    def start(self):
        """Bind, start serving in a daemon thread, return the port."""
        self._httpd = _TCPServer((HOST, self.port), _Handler)
        self._httpd.owner = self
        if self.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.tls)
            self._httpd.socket = ctx.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self.pairs = rebase_pairs(self.rebase, self.base) if self.rebase else []
        if self.log_file:
            self._logf = open(self.log_file, "w", encoding="utf-8")
            self._logf.write("time\tmethod\ttarget\tstatus\tuser_agent\tconn\tpeer_port\tseconds\tfault\n")
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fixture-server-%d" % self.port, daemon=True)
        self._thread.start()
        return self.port

    def stop(self):
        """Stop serving, drop open connections, close the log. Idempotent."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            conns = list(self._connections.values())
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(5)
        self._httpd = None
        with self._lock:
            if self._logf:
                self._logf.close()
                self._logf = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def base(self):
        """http://127.0.0.1:PORT (https with tls), without a trailing slash."""
        return "%s://%s:%d" % ("https" if self.tls else "http", HOST, self.port)

    def url(self, path="/"):
        return self.base + path

    # ---- the request log ------------------------------------------------
    def requests(self):
        """The requests so far, in the order they started."""
        with self._lock:
            return sorted(self._log, key=lambda r: r.start)

    def count(self):
        with self._lock:
            return len(self._log)

    def wait_for_requests(self, n, timeout):
        """Block until N requests have been answered; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._log) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.2))
            return True

    def _record(self, req):
        with self._lock:
            req = req._replace(seq=len(self._log))
            self._log.append(req)
            if self._logf:
                self._logf.write("%.6f\t%s\t%s\t%d\t%s\t%d\t%d\t%.6f\t%s\n" % (
                    req.wall, req.method, req.target, req.status, req.agent.replace("\t", " "),
                    req.conn, req.port, req.end - req.start, req.fault))
                self._logf.flush()
            self._lock.notify_all()

    # ---- helpers for the handler ----------------------------------------
    def _open_connection(self, sock):
        with self._lock:
            self._next_conn += 1
            self._connections[self._next_conn] = sock
            self._conn_log[self._next_conn] = [time.monotonic(), None]
            return self._next_conn

    def _close_connection(self, sock):
        with self._lock:
            for key, value in list(self._connections.items()):
                if value is sock:
                    del self._connections[key]
                    self._conn_log[key][1] = time.monotonic()

    def connections(self):
        """(id, opened, closed or None) of every connection, in opening order."""
        with self._lock:
            return [(k, v[0], v[1]) for k, v in sorted(self._conn_log.items())]

    def _strain(self, path):
        """What the strain setting asks of this request: ("latency", s), ("busy",) or None."""
        if not self.strain or path == "/robots.txt":
            return None
        with self._lock:
            n = self._arrivals
            self._arrivals += 1
        kind, start, value = self.strain[:3]
        if kind == "latency" and n >= start:
            return ("latency", value)
        if kind == "busy" and start <= n < start + value:
            return ("busy",)
        if len(self.strain) > 3 and self.strain[3]:
            return ("latency", self.strain[3])     # the calm latency outside the strain
        return None

    def _fault(self, path):
        if not self.faults:
            return None
        if self.fault_paths is not None:
            if not self.fault_paths.search(path):
                return None
        elif path == "/robots.txt":
            return None
        kind = fault_for_path(path, self.faults)
        if kind in FIRST_ONLY:
            with self._lock:
                if (kind, path) in self._first_seen:
                    return None
                self._first_seen.add((kind, path))
        return kind

    def _site_file(self, path):
        """The file under the site root for URL PATH, or None if it escapes."""
        rel = unquote(path).lstrip("/")
        if any(part.startswith("_") for part in rel.split("/")):
            return None                 # _routes.tsv and friends are not content
        full = os.path.realpath(os.path.join(self.site, rel))
        if full != self.site and not full.startswith(self.site + os.sep):
            return None
        return full


def main(argv=None):
    ap = argparse.ArgumentParser(description="Serve a blogmap test fixture on 127.0.0.1.")
    ap.add_argument("fixture", help="fixture directory (holding site/) or a site directory")
    ap.add_argument("--port", type=int, default=0, help="port to bind (0: the OS picks)")
    ap.add_argument("--rebase", metavar="FROM", help="origin written in the fixture, e.g. https://x.blogspot.com")
    ap.add_argument("--faults", default="", metavar="SPEC", help='e.g. "err500=0.05,r429=0.02"')
    ap.add_argument("--fault-paths", metavar="REGEX", help="only paths matching REGEX get faults")
    ap.add_argument("--robots-status", type=int, metavar="CODE", help="answer /robots.txt with CODE")
    ap.add_argument("--log", metavar="FILE", help="append the request log to FILE as TSV")
    ap.add_argument("--seconds", type=float, default=600.0, help="exit after this long (default 600)")
    args = ap.parse_args(argv)
    try:
        srv = FixtureServer(args.fixture, rebase=args.rebase, faults=args.faults,
                            fault_paths=args.fault_paths, robots_status=args.robots_status,
                            log_file=args.log, port=args.port)
    except (OSError, ValueError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    # SIGTERM and SIGINT both end the wait below; the handler only raises,
    # since taking a lock inside a signal handler can deadlock.
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        srv.start()
        print(srv.base + "/", flush=True)
        time.sleep(args.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
    return 0


def _interrupted(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
