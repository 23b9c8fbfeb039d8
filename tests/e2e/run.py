#!/usr/bin/env python3
"""Run blogmap's end-to-end tests, and hold the helpers they share.

    python3 tests/e2e/run.py --bin build/blogmap [--sanitized] [-k PATTERN] [-v]

Runs every tests/e2e/test_*.py (unittest) against the binary given with
--bin, passed to the tests in $BLOGMAP_BIN; --sanitized sets
$BLOGMAP_SANITIZED=1 so slow tests use smaller sites. Prints a summary and
exits 1 when a test failed, 2 on bad usage.

The tests import this file for the harness: running the binary with a
deadline and its peak memory (Blogmap, Result), reading its TSV output, the
robots.txt rules a request log is checked against, and a TestCase base that
gives each test a temporary directory and stops its servers.
"""
import argparse
import csv
import io
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from urllib.parse import parse_qsl, urljoin, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN_ENV = "BLOGMAP_BIN"
SAN_ENV = "BLOGMAP_SANITIZED"
EXTRA_ENV = "BLOGMAP_E2E_CRAWL_ARGS"    # extra crawl options, shell words (for debugging)
KEEP_ENV = "BLOGMAP_E2E_KEEP"           # =1 keeps temporary directories
SLOW_ENV = "BLOGMAP_E2E_SLOW"           # =1 runs the tests that take over a minute
DEFAULT_TIMEOUT = 120.0

if HERE not in sys.path:
    sys.path.insert(0, HERE)

import gensite  # noqa: E402
import server   # noqa: E402


def binary():
    return os.environ.get(BIN_ENV) or os.path.join(ROOT, "build", "blogmap")


def sanitized():
    return os.environ.get(SAN_ENV) == "1"


def scaled(n, small):
    """N normally, SMALL under the sanitizers."""
    return small if sanitized() else n


# ---- running the binary -------------------------------------------------------
class Result:
    def __init__(self, argv, returncode, stdout, stderr, seconds, maxrss_kb, timed_out):
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.maxrss_kb = maxrss_kb      # peak resident set of the process (see run_measured)
        self.timed_out = timed_out

    def describe(self, tail=2000):
        err = self.stderr[-tail:]
        return ("$ %s\nexit %s after %.1f s%s\n--- stderr (tail) ---\n%s"
                % (" ".join(shlex.quote(a) for a in self.argv), self.returncode, self.seconds,
                   " (killed: timed out)" if self.timed_out else "", err))


class Process:
    """A running blogmap whose output goes to files (no pipe can fill up)."""

    def __init__(self, argv, workdir, env=None):
        self.argv = argv
        self._out = tempfile.TemporaryFile(dir=workdir)
        self._err = tempfile.TemporaryFile(dir=workdir)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._out, stderr=self._err,
                                     env=env, cwd=workdir)
        self.result = None

    def kill(self):
        """SIGKILL the process if it is still running."""
        if self.proc.returncode is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def running(self):
        """True until the process has exited (and reaps it when it has)."""
        if self.result is not None:
            return False
        try:
            pid, status, rusage = os.wait4(self.proc.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True
        self._finish(status, rusage, False)
        return False

    def wait(self, timeout=DEFAULT_TIMEOUT):
        """Wait for the exit (SIGKILL after TIMEOUT seconds); return a Result."""
        if self.result is not None:
            return self.result
        timed_out = []

        def expire():
            timed_out.append(True)
            self.kill()

        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            _, status, rusage = os.wait4(self.proc.pid, 0)
        finally:
            timer.cancel()
        self._finish(status, rusage, bool(timed_out))
        return self.result

    def _finish(self, status, rusage, timed_out):
        code = os.waitstatus_to_exitcode(status)
        self.proc.returncode = code       # reaped here, so Popen must not reap again
        self._out.seek(0)
        self._err.seek(0)
        out = self._out.read().decode("utf-8", "replace")
        err = self._err.read().decode("utf-8", "replace")
        self._out.close()
        self._err.close()
        self.result = Result(self.argv, code, out, err, time.monotonic() - self.started,
                             rusage.ru_maxrss, timed_out)


def stop_after(process, srv, count, timeout, ready=None):
    """Let PROCESS run until SRV has answered COUNT requests and READY() (if
    given) is true, or TIMEOUT seconds pass; SIGKILL it if it is still
    running, return its Result."""
    deadline = time.monotonic() + timeout
    while process.running():
        if (srv.count() >= count and (ready is None or ready())) or time.monotonic() > deadline:
            process.kill()
            break
        srv.wait_for_requests(count, 0.05)
    return process.wait(30)


class Blogmap:
    """The binary under test."""

    _loopback_flags = None

    def __init__(self, path=None, workdir=None):
        self.path = os.path.abspath(path or binary())
        self.workdir = workdir or tempfile.gettempdir()
        self.started = []

    def start(self, *args):
        proc = Process([self.path] + [str(a) for a in args], self.workdir)
        self.started.append(proc)
        return proc

    def reap_all(self):
        """Kill and reap every process this object started that is still
        running (a test that failed half-way leaves none behind)."""
        for proc in self.started:
            if proc.running():
                proc.kill()
                proc.wait(30)

    def run(self, *args, timeout=DEFAULT_TIMEOUT):
        return self.start(*args).wait(timeout)

    def run_measured(self, *args, timeout=DEFAULT_TIMEOUT):
        """run(), with maxrss_kb the binary's own peak (peakrss.py): a
        process this harness starts directly also counts the harness's."""
        fd, rss = tempfile.mkstemp(dir=self.workdir, suffix=".rss")
        os.close(fd)
        try:
            argv = [self.path] + [str(a) for a in args]
            proc = Process([sys.executable, "-S", os.path.join(HERE, "peakrss.py"), rss] + argv,
                           self.workdir)
            self.started.append(proc)
            r = proc.wait(timeout)
            with open(rss) as f:
                text = f.read().strip()
            r.argv = argv
            if text:
                r.maxrss_kb = int(text)
            return r
        finally:
            os.unlink(rss)

    def crawl_flags(self):
        """Options every crawl in the tests gets: --allow-loopback if the
        binary has such a switch, plus $BLOGMAP_E2E_CRAWL_ARGS."""
        if Blogmap._loopback_flags is None:
            r = self.run("crawl", "--help", timeout=30)
            Blogmap._loopback_flags = ["--allow-loopback"] if "--allow-loopback" in r.stdout else []
        return Blogmap._loopback_flags + shlex.split(os.environ.get(EXTRA_ENV, ""))

    def crawl_argv(self, url, db, *options):
        return ["crawl", url, "--db", db] + self.crawl_flags() + [str(o) for o in options]

    def crawl(self, url, db, *options, timeout=DEFAULT_TIMEOUT):
        return self.run(*self.crawl_argv(url, db, *options), timeout=timeout)

    def start_crawl(self, url, db, *options):
        return self.start(*self.crawl_argv(url, db, *options))

    def table(self, what, db, timeout=60):
        """Rows of `blogmap WHAT --db DB --format tsv` as dicts (by header)."""
        r = self.run(what, "--db", db, "--format", "tsv", timeout=timeout)
        if r.returncode != 0:
            raise AssertionError("%s failed\n%s" % (what, r.describe()))
        return parse_tsv(r.stdout)

    def stats(self, db):
        return {row["key"]: row["value"] for row in self.table("stats", db)}


def parse_tsv(text):
    """TSV with a header line -> list of dicts."""
    lines = [l for l in text.split("\n") if l != ""]
    if not lines:
        raise AssertionError("no header line in TSV output")
    header = lines[0].rstrip("\r").split("\t")
    rows = []
    for l in lines[1:]:
        fields = l.rstrip("\r").split("\t")
        if len(fields) != len(header):
            raise AssertionError("TSV row has %d fields, header %d: %r" % (len(fields), len(header), l))
        rows.append(dict(zip(header, fields)))
    return rows


def parse_csv(text):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise AssertionError("no header line in CSV output")
    header = rows[0]
    for r in rows[1:]:
        if len(r) != len(header):
            raise AssertionError("CSV row has %d fields, header %d: %r" % (len(r), len(header), r))
    return [dict(zip(header, r)) for r in rows[1:]]


def is_variant(target):
    """A request target carrying utm_* or m=1, which the crawler should fold away."""
    query = urlsplit(target).query
    return any(k.startswith("utm_") or (k == "m" and v == "1") for k, v in parse_qsl(query, True))


def same_title(t):
    return " ".join(t.split())


# ---- the database -------------------------------------------------------------
def db_views(db):
    with sqlite3.connect(db) as c:
        return {r[0] for r in c.execute("select name from sqlite_master where type = 'view'")}


def integrity(db):
    with sqlite3.connect(db) as c:
        return c.execute("pragma integrity_check").fetchone()[0]


def fetch_rows(db):
    """The fetches table as (url, status, error) triples. The columns are found
    by name (a 'url' column, a 'status' column, an '*err*' column) so that the
    tests do not freeze the schema."""
    c = sqlite3.connect(db)
    try:
        cols = [r[1] for r in c.execute("pragma table_info(fetches)")]
        if not cols:
            raise AssertionError("no table 'fetches' in %s" % db)

        def find(pred):
            return next((x for x in cols if pred(x.lower())), None)

        url = find(lambda x: x == "url") or find(lambda x: "url" in x)
        status = find(lambda x: x == "status") or find(lambda x: "status" in x)
        error = find(lambda x: x == "error") or find(lambda x: "err" in x)
        if not url or not status:
            raise AssertionError("fetches has no url or status column: %s" % cols)
        sel = ", ".join('"%s"' % x for x in (url, status, error or status))
        out = []
        for u, s, e in c.execute("select %s from fetches" % sel):
            try:
                s = int(s) if s is not None and s != "" else 0
            except (TypeError, ValueError):
                s = 0
            out.append((u, s, (e if error else None) or ""))
        return out
    finally:
        c.close()


def fetch_failed(status, error):
    """A fetch row that records a failure: an error, no answer, or 4xx/5xx."""
    if error not in ("", None, 0, "0", "ok", "OK"):
        return True
    return status == 0 or status >= 400


# ---- robots.txt, RFC 9309 style (to judge a request log) ----------------------
def robots_rules(text, agent="blogmap"):
    """(allow, pattern) rules of the group for AGENT, else of the '*' group."""
    groups = []
    agents, rules, seen_rule = [], [], False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if seen_rule:
                groups.append((agents, rules))
                agents, rules, seen_rule = [], [], False
            agents.append(value.lower())
        elif key in ("allow", "disallow") and agents:
            seen_rule = True
            rules.append((key == "allow", value))
    if agents:
        groups.append((agents, rules))
    mine = [r for a, rs in groups if agent.lower() in a for r in rs]
    if mine:
        return mine
    return [r for a, rs in groups if "*" in a for r in rs]


def robots_allows(rules, path):
    """Longest match wins, allow wins a tie, no match allows."""
    best_len, allowed = -1, True
    for allow, pattern in rules:
        if not pattern:
            continue
        rx = re.escape(pattern.rstrip("$")).replace(r"\*", ".*") + ("$" if pattern.endswith("$") else "")
        if re.match(rx, path) and (len(pattern) > best_len or (len(pattern) == best_len and allow)):
            best_len, allowed = len(pattern), allow
    return allowed


# ---- test case base -------------------------------------------------------------
class E2ETestCase(unittest.TestCase):
    """Gives each test (and each class, in setUpClass) a temporary directory,
    a Blogmap, and servers that are stopped whatever happens."""

    maxDiff = 4000

    @classmethod
    def class_tmp(cls):
        path = tempfile.mkdtemp(prefix="blogmap-e2e-")
        if os.environ.get(KEEP_ENV) != "1":
            cls.addClassCleanup(shutil.rmtree, path, True)
        return path

    @classmethod
    def class_server(cls, fixture, **options):
        srv = server.FixtureServer(fixture, **options)
        srv.start()
        cls.addClassCleanup(srv.stop)
        return srv

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="blogmap-e2e-")
        if os.environ.get(KEEP_ENV) != "1":
            self.addCleanup(shutil.rmtree, self.tmp, True)
        self.bm = Blogmap(workdir=self.tmp)
        self.addCleanup(self.bm.reap_all)

    def serve(self, fixture, **options):
        srv = server.FixtureServer(fixture, **options)
        srv.start()
        self.addCleanup(srv.stop)
        return srv

    def assertExit(self, result, code=0):
        self.assertFalse(result.timed_out, "timed out\n" + result.describe())
        self.assertEqual(result.returncode, code, result.describe())

    def assertSameSet(self, actual, expected, what, shown=12):
        actual, expected = set(actual), set(expected)
        if actual == expected:
            return
        missing = sorted(expected - actual)
        extra = sorted(actual - expected)
        lines = ["%s differ: %d expected, %d got, %d missing, %d unexpected"
                 % (what, len(expected), len(actual), len(missing), len(extra))]
        lines += ["  missing:    %s" % (x,) for x in missing[:shown]]
        lines += ["  unexpected: %s" % (x,) for x in extra[:shown]]
        self.fail("\n".join(lines))


class FixtureBlogChecks:
    """Checks for one fixture blog, mixed into a TestCase by test_sample_blog,
    test_wp_blog and test_gensite. The class crawls the fixture once, served
    on loopback, and each test looks at one side of the result.

    Subclasses set FIXTURE (relative to the repository) and ORIGIN (the base
    URL written in its files), or override make_fixture(). A fixture may
    carry extra crawl options, shell words, in FIXTURE/crawl.args."""

    FIXTURE = None
    ORIGIN = None
    BUDGET = (1.3, 40)          # requests <= a * posts + b
    NEVER_PREFIXES = ()         # request paths that must never be seen
    MIRROR = True               # also crawl FIXTURE/site with --mirror

    @classmethod
    def make_fixture(cls, tmp):
        path = os.path.join(ROOT, cls.FIXTURE)
        if not os.path.isdir(os.path.join(path, "site")):
            raise AssertionError("fixture %s/site is missing" % cls.FIXTURE)
        return path

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = cls.class_tmp()
        cls.fixture = cls.make_fixture(cls.tmp)
        cls.bm = Blogmap(workdir=cls.tmp)
        args_file = os.path.join(cls.fixture, "crawl.args")
        cls.extra = []
        if os.path.exists(args_file):
            with open(args_file, encoding="utf-8") as f:
                cls.extra = shlex.split(f.read(), comments=True)
        cls.srv = cls.class_server(cls.fixture, rebase=cls.ORIGIN)
        cls.db = os.path.join(cls.tmp, "crawl.db")
        cls.result = cls.bm.crawl(cls.srv.url("/"), cls.db, "--delay", "0", *cls.extra)
        cls.srv.stop()
        cls.log = cls.srv.requests()
        base = cls.srv.base
        cls.expected = gensite.load_expected(cls.fixture, lambda s: server.rebase_text(s, cls.ORIGIN, base))
        with open(os.path.join(cls.srv.site, "robots.txt"), encoding="utf-8") as f:
            cls.robots = robots_rules(f.read())

    def crawled(self):
        self.assertExit(self.result, 0)
        return self.db

    def test_crawl_exits_0(self):
        self.assertExit(self.result, 0)

    def test_views_exist(self):
        db = self.crawled()
        self.assertLessEqual({"posts", "edges", "orphans", "broken"}, db_views(db))
        with sqlite3.connect(db) as c:
            c.execute("select * from orphans").fetchall()

    def test_edges(self):
        rows = self.bm.table("edges", self.crawled())
        self.assertSameSet({(r["source"], r["target"], r["kind"]) for r in rows}, self.expected["edges"], "edges")

    def test_orphans(self):
        rows = self.bm.table("orphans", self.crawled())
        self.assertSameSet({r["url"] for r in rows}, self.expected["orphans"], "orphans")

    def test_posts(self):
        rows = self.bm.table("posts", self.crawled())
        self.assertSameSet({(r["url"], same_title(r["title"])) for r in rows},
                           {(p[0], same_title(p[1])) for p in self.expected["posts"]}, "posts (url, title)")

    def test_broken(self):
        if self.expected["broken"] is None:
            self.skipTest("fixture has no expected/broken.tsv")
        rows = self.bm.table("broken", self.crawled())
        self.assertSameSet({(r["source"], urljoin(r["source"], r["href"])) for r in rows},
                           {(s, urljoin(s, h)) for s, h in self.expected["broken"]}, "broken (source, href)")

    def test_robots_txt_first(self):
        self.assertTrue(self.log, "no request reached the server")
        self.assertEqual(self.log[0].target, "/robots.txt",
                         "first requests: %s" % [r.target for r in self.log[:5]])

    def test_no_disallowed_request(self):
        bad = [r.target for r in self.log if not robots_allows(self.robots, r.target)
               or r.target.startswith(self.NEVER_PREFIXES)]
        self.assertEqual(sorted(set(bad)), [], "robots.txt disallows these")

    def test_no_tracking_or_mobile_variants(self):
        bad = [r.target for r in self.log if is_variant(r.target)]
        self.assertEqual(bad, [], "URL variants were fetched instead of being folded")

    def test_request_budget(self):
        posts = len(self.expected["posts"])
        a, b = self.BUDGET
        self.assertLessEqual(len(self.log), a * posts + b,
                             "%d requests for %d posts" % (len(self.log), posts))

    def test_mirror_edges(self):
        if not self.MIRROR:
            self.skipTest("no mirror crawl for this fixture")
        db = os.path.join(self.tmp, "mirror-%s.db" % self.id().rsplit(".", 1)[-1])
        r = self.bm.crawl(self.ORIGIN + "/", db, "--mirror", os.path.join(self.fixture, "site"),
                          "--delay", "0", *self.extra)
        self.assertExit(r, 0)
        rows = self.bm.table("edges", db)
        want = gensite.load_expected(self.fixture)["edges"]
        self.assertSameSet({(x["source"], x["target"], x["kind"]) for x in rows}, want, "edges (mirror)")

    def test_user_agent(self):
        agents = {r.agent for r in self.log}
        self.assertTrue(agents and all("blogmap" in a.lower() for a in agents), agents)


# ---- the runner -------------------------------------------------------------------
class _TimedResult(unittest.TextTestResult):
    def startTest(self, test):
        self._t0 = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        self.timings = getattr(self, "timings", [])
        self.timings.append((time.monotonic() - self._t0, test.id()))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run blogmap's end-to-end tests.")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "blogmap"), help="the blogmap binary")
    ap.add_argument("--sanitized", action="store_true", help="sanitizer build: use smaller sites")
    ap.add_argument("-k", dest="patterns", action="append", default=[], metavar="PATTERN",
                    help="only tests whose id contains PATTERN (or matches it as a glob)")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per test")
    ap.add_argument("--failfast", action="store_true")
    ap.add_argument("--slow", action="store_true", help="also run the slow tests (%s=1)" % SLOW_ENV)
    args = ap.parse_args(argv)
    path = os.path.abspath(args.bin)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        print("error: no executable at '%s'" % args.bin, file=sys.stderr)
        return 2
    os.environ[BIN_ENV] = path
    if args.sanitized:
        os.environ[SAN_ENV] = "1"
    if args.slow:
        os.environ[SLOW_ENV] = "1"
    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [p if any(c in p for c in "*?[") else "*%s*" % p for p in args.patterns]
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    started = time.monotonic()
    runner = unittest.TextTestRunner(verbosity=2 if args.verbose else 1, failfast=args.failfast,
                                     resultclass=_TimedResult, stream=sys.stdout)
    result = runner.run(suite)
    elapsed = time.monotonic() - started
    slowest = sorted(getattr(result, "timings", []), reverse=True)[:5]
    if slowest:
        print("slowest: " + ", ".join("%s %.1fs" % (name.split(".", 1)[-1], t) for t, name in slowest))
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print("e2e: %d run, %d failed, %d errors, %d skipped in %.1f s (%s%s)"
          % (result.testsRun, len(result.failures), len(result.errors), len(result.skipped), elapsed,
             path, ", sanitized" if args.sanitized else ""))
    return 1 if bad or result.testsRun == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
