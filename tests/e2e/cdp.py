"""Drive headless Chromium over the DevTools protocol, standard library only.

Chromium is started with --remote-debugging-pipe: it reads protocol
messages on fd 3 and writes them on fd 4, each a JSON object ended by a NUL
byte. The pipes go to a one-line shell as its stdin and stdout, which moves
them to fds 3 and 4 and execs Chromium (exec "$@" 3<&0 4>&1 ...), so no
Python code runs between fork and exec. One Browser holds one Chromium; Browser.page() opens
a tab attached in "flat" mode (its messages carry a sessionId), which
records what a test cares about: console errors, uncaught exceptions, log
entries (CSP violations arrive as Log.entryAdded) and navigations.

    with Browser(workdir) as b:
        tab = b.page()
        tab.goto("file:///tmp/report/index.html")
        assert not tab.errors()
        tab.evaluate("document.title")

Chromium runs in its own session, so close() (or a timeout) can kill it and
every helper process it started, and nothing else.
"""
import json
import os
import select
import signal
import subprocess
import time

CHROMIUM = "/usr/bin/chromium"
DEFAULT_TIMEOUT = 20.0
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions",
         "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars",
         "--window-size=1280,900", "--remote-debugging-pipe"]


def available(path=CHROMIUM):
    return os.path.isfile(path) and os.access(path, os.X_OK)


class CDPError(Exception):
    """A protocol error, a timeout, or a Chromium that went away."""


class Browser:
    def __init__(self, workdir, path=CHROMIUM, timeout=DEFAULT_TIMEOUT):
        self.timeout = timeout
        self.events = []            # (sessionId or None, method, params), in arrival order
        self._next_id = 0
        self._buf = b""
        profile = os.path.join(workdir, "chromium-profile")
        os.makedirs(profile, exist_ok=True)
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        env = dict(os.environ, HOME=workdir, XDG_CONFIG_HOME=os.path.join(workdir, ".config"),
                   XDG_CACHE_HOME=os.path.join(workdir, ".cache"))
        self.log_path = os.path.join(workdir, "chromium.log")
        # The shell gets the pipes as its stdin and stdout and moves them to
        # fds 3 and 4 (dash takes single-digit fd numbers only); Chromium's
        # own output goes to the log.
        argv = ["/bin/sh", "-c", 'exec "$@" 3<&0 4>&1 0</dev/null 1>&2', "sh", path] + FLAGS + [
            "--user-data-dir=" + profile, "about:blank"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(argv, stdin=to_chrome_r, stdout=from_chrome_w, stderr=log,
                                         env=env, cwd=workdir, start_new_session=True)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._out, self._in = to_chrome_w, from_chrome_r

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- messages ----
    def _write(self, msg):
        data = json.dumps(msg).encode("utf-8") + b"\0"
        while data:
            try:
                n = os.write(self._out, data)
            except BrokenPipeError:
                raise CDPError("chromium closed its pipe\n" + self.log_tail())
            data = data[n:]

    def _read(self, deadline):
        """The next message, or None at DEADLINE."""
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._in], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise CDPError("chromium exited (status %s)\n%s" % (self.proc.poll(), self.log_tail()))
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw.decode("utf-8"))

    def send(self, method, params=None, session=None, timeout=None):
        """Send a command and return its result; events read meanwhile are kept."""
        self._next_id += 1
        mid = self._next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._write(msg)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read(deadline)
            if m is None:
                raise CDPError("no answer to %s within %.0f s" % (method, timeout or self.timeout))
            if m.get("id") == mid:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append((m.get("sessionId"), m["method"], m.get("params", {})))

    def wait_for(self, pred, timeout=None, start=0):
        """The first event from index START on for which PRED(session, method,
        params) holds, waiting up to TIMEOUT seconds; None when none came."""
        deadline = time.monotonic() + (timeout or self.timeout)
        i = start
        while True:
            while i < len(self.events):
                if pred(*self.events[i]):
                    return self.events[i]
                i += 1
            m = self._read(deadline)
            if m is None:
                return None
            if "method" in m:
                self.events.append((m.get("sessionId"), m["method"], m.get("params", {})))

    def pump(self, seconds):
        """Read events for SECONDS (late console messages, say)."""
        self.wait_for(lambda *e: False, timeout=seconds, start=len(self.events))

    def page(self):
        return Page(self)

    def log_tail(self, n=2000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("Browser.close", timeout=5)
            except CDPError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)     # its session: Chromium's helpers only
        except ProcessLookupError:
            pass
        if self.proc.poll() is None:
            self.proc.wait(5)
        for fd in (self._out, self._in):
            try:
                os.close(fd)
            except OSError:
                pass
        self._out = self._in = -1


class Page:
    """One tab, attached with flatten: its events carry its sessionId."""

    def __init__(self, browser):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget",
                                    {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")
        self.mark = len(browser.events)

    def send(self, method, params=None, timeout=None):
        return self.b.send(method, params, session=self.session, timeout=timeout)

    def mine(self):
        return [(m, p) for s, m, p in self.b.events[self.mark:] if s == self.session]

    def goto(self, url, timeout=None):
        """Load URL and wait for its load event; what the tab logs from here
        on is what errors() reports."""
        self.mark = len(self.b.events)
        r = self.send("Page.navigate", {"url": url})
        if r.get("errorText"):
            raise CDPError("cannot open %s: %s" % (url, r["errorText"]))
        if not self.b.wait_for(lambda s, m, p: s == self.session and m == "Page.loadEventFired",
                               timeout=timeout, start=self.mark):
            raise CDPError("%s did not finish loading" % url)

    def wait_navigation(self, timeout=None):
        """The URL of the next main-frame navigation, then its load event."""
        start = len(self.b.events)
        ev = self.b.wait_for(lambda s, m, p: s == self.session and m == "Page.frameNavigated"
                             and not p["frame"].get("parentId"), timeout=timeout, start=start)
        if not ev:
            return None
        self.b.wait_for(lambda s, m, p: s == self.session and m == "Page.loadEventFired",
                        timeout=timeout, start=start)
        return ev[2]["frame"]["url"]

    def evaluate(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise CDPError("%s threw: %s" % (expression[:80], r["exceptionDetails"]))
        return r["result"].get("value")

    def errors(self):
        """Console errors, uncaught exceptions and error log entries (CSP
        violations among them) since the last goto, as strings."""
        out = []
        for m, p in self.mine():
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console.%s: %s" % (p["type"], " ".join(str(a.get("value", a.get("description")))
                                                                    for a in p.get("args", []))))
            elif m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.append("exception: %s %s" % (d.get("text"), d.get("exception", {}).get("description", "")))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                e = p["entry"]
                out.append("log (%s): %s %s" % (e.get("source"), e.get("text"), e.get("url", "")))
        return out

    def click(self, x, y):
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                   "buttons": 0 if kind == "mouseMoved" else 1,
                                                   "clickCount": 0 if kind == "mouseMoved" else 1})

    def drag(self, x, y, dx, dy, steps=5):
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        self.send("Input.dispatchMouseEvent", {"type": "mousePressed", "x": x, "y": y,
                                               "button": "left", "buttons": 1, "clickCount": 1})
        for i in range(1, steps + 1):
            self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x + dx * i / steps,
                                                   "y": y + dy * i / steps, "button": "left",
                                                   "buttons": 1})
        self.send("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": x + dx, "y": y + dy,
                                               "button": "left", "buttons": 1, "clickCount": 1})

    def wheel(self, x, y, delta_y):
        self.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": x, "y": y,
                                               "deltaX": 0, "deltaY": delta_y})

    def type_text(self, text):
        """Type TEXT into the focused element, as an input method would."""
        self.send("Input.insertText", {"text": text})
