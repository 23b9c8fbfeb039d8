"""The crawl database against the reliability matrix's S rows (S01-S12),
each test named by its row. The kill and resume test that names S01 and S02
is in test_resume.py; this file adds twenty random kills on a larger blog,
readers and a writer beside a running crawl, a file that cannot grow, a
read-only file, hostile text stored verbatim, a tampered file and a second
crawler. tests/matrix/S-G-M.md lists every row and where it is tested."""
import html
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
import unittest
from urllib.parse import unquote

import gensite
from run import E2ETestCase, Result, integrity, scaled, stop_after

KILLS = 20
NOBODY = 65534


def graph(bm, db):
    return {
        "edges": {(r["source"], r["target"], r["kind"]) for r in bm.table("edges", db)},
        "posts": {(r["url"], r["title"]) for r in bm.table("posts", db)},
    }


class MatrixStoreTest(E2ETestCase):

    def site(self, posts, seed=7, **options):
        """A generated blog served on loopback; returns (server, start URL)."""
        fixture = os.path.join(self.tmp, "gen")
        gensite.generate(fixture, posts=posts, seed=seed, **options)
        srv = self.serve(fixture, rebase=gensite.BASE)
        return fixture, srv, srv.url("/")

    def reference(self, srv, url):
        db = os.path.join(self.tmp, "reference.db")
        self.assertExit(self.bm.crawl(url, db, "--delay", "0"), 0)
        return db, srv.count()

    @staticmethod
    def readable_sanitizer_files(bindir):
        """The environment, with the suppression files the sanitizer options
        name copied into BINDIR: a sanitized binary run as nobody must read
        them, and the checkout may be under a directory only root enters."""
        env = dict(os.environ)
        for var in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"):
            opts = []
            for opt in env.get(var, "").split(":"):
                if opt.startswith("suppressions="):
                    copy = os.path.join(bindir, var.lower() + ".supp")
                    shutil.copyfile(opt.split("=", 1)[1], copy)
                    os.chmod(copy, 0o644)
                    opt = "suppressions=" + copy
                opts.append(opt)
            if var in env:
                env[var] = ":".join(opts)
        return env

    @staticmethod
    def wait_for_schema(proc, db):
        """Wait while PROC runs until DB holds the crawler's pages table."""
        while proc.running():
            try:
                with sqlite3.connect(db, timeout=5) as probe:
                    if probe.execute("SELECT 1 FROM sqlite_master WHERE name = 'pages'").fetchone():
                        return
            except sqlite3.Error:
                pass
            time.sleep(0.02)

    def run_limited(self, argv, preexec, timeout=120, binary=None, env=None):
        """Run the binary (or BINARY) with PREEXEC in the child; return a Result."""
        start = time.monotonic()
        binary = binary or self.bm.path
        p = subprocess.run([binary] + argv, stdin=subprocess.DEVNULL, capture_output=True,
                           cwd=self.tmp, preexec_fn=preexec, timeout=timeout, env=env)
        return Result([binary] + argv, p.returncode, p.stdout.decode("utf-8", "replace"),
                      p.stderr.decode("utf-8", "replace"), time.monotonic() - start, 0, False)

    # ---- S01, S02: crash safety ----------------------------------------------------
    def test_s01_twenty_kills(self):
        """SIGKILL the crawl of a 2,000-post blog at 20 random moments (after
        a seeded random number of requests between 1 and what a whole crawl
        makes), resume each time: the database passes integrity_check after
        every kill and ends with the graph an undisturbed crawl finds."""
        _, srv, url = self.site(scaled(2000, 300), seed=11)
        ref, total = self.reference(srv, url)
        rng = random.Random(20240601)
        # The moments, as requests into the whole crawl, in order; a resumed
        # crawl repeats a few requests, so the last tenth is left as slack.
        points = sorted(rng.sample(range(1, int(0.9 * total)), KILLS))
        db = os.path.join(self.tmp, "killed.db")
        kills = 0
        for point in points:
            proc = self.bm.start_crawl(url, db, "--delay", "0")
            target = max(total + point, srv.count() + rng.randint(1, 10))
            r = stop_after(proc, srv, target, timeout=120)
            if r.returncode == 0:
                break                   # finished before the kill
            self.assertEqual(r.returncode, -9, "crawl died by itself\n" + r.describe())
            kills += 1
            self.assertEqual(integrity(db), "ok", "database damaged after kill %d" % kills)
        self.assertEqual(kills, KILLS, "the crawl finished after %d kills" % kills)
        self.assertExit(self.bm.crawl(url, db, "--delay", "0"), 0)
        self.assertEqual(integrity(db), "ok")
        got, want = graph(self.bm, db), graph(self.bm, ref)
        for key in ("edges", "posts"):
            self.assertSameSet(got[key], want[key], "%s after %d kills" % (key, kills))

    # ---- S03, S04, S10: other connections while a crawl writes ------------------------
    def test_s03_readers_during_crawl(self):
        """`blogmap posts`, `stats` and `map` (which lays out in a forked
        child, S10) and a plain SQLite reader all succeed while the crawler
        writes, and the crawl is not disturbed."""
        _, srv, url = self.site(scaled(600, 200))
        ref, _ = self.reference(srv, url)
        db = os.path.join(self.tmp, "busy.db")
        proc = self.bm.start_crawl(url, db, "--delay", "0.002")
        reads, errors = 0, []
        while proc.running() and not os.path.exists(db + "-wal"):
            time.sleep(0.02)
        while proc.running():
            for args in (("posts", "--format", "tsv"), ("stats", "--format", "tsv"),
                         ("map", "-o", os.path.join(self.tmp, "during.svg"), "--quiet")):
                r = self.bm.run(args[0], "--db", db, *args[1:], timeout=60)
                if r.returncode != 0:
                    errors.append(r.describe())
                reads += 1
            try:
                with sqlite3.connect(db, timeout=5) as c:
                    c.execute("SELECT count(*) FROM pages").fetchone()
            except sqlite3.Error as e:
                errors.append("sqlite3 reader: %s" % e)
        r = proc.wait()
        self.assertExit(r, 0)
        self.assertEqual(errors, [], "reads failed during the crawl")
        self.assertGreaterEqual(reads, 3, "the crawl ended before anything read it")
        self.assertSameSet(graph(self.bm, db)["edges"], graph(self.bm, ref)["edges"], "edges")
        self.assertEqual(integrity(db), "ok")

    def test_s04_writer_beside_crawl(self):
        """Another connection writes in short BEGIN IMMEDIATE transactions,
        once holding the write lock for a second, while the crawler runs: the
        crawler waits its turn (busy timeout, BEGIN IMMEDIATE) instead of
        failing with SQLITE_BUSY, and neither side sees an error."""
        _, srv, url = self.site(scaled(400, 200))
        ref, _ = self.reference(srv, url)
        db = os.path.join(self.tmp, "shared.db")
        # paced so the crawl outlasts the writer's turns (a page every 10 ms)
        proc = self.bm.start_crawl(url, db, "--delay", "0.01")
        errors, writes = [], 0
        while proc.running() and not os.path.exists(db + "-wal"):
            time.sleep(0.02)
        self.wait_for_schema(proc, db)  # the -wal file comes before the schema
        c = sqlite3.connect(db, timeout=10, isolation_level=None)
        try:
            c.execute("CREATE TABLE IF NOT EXISTS s04_probe(n INTEGER)")
            while proc.running():
                try:
                    c.execute("BEGIN IMMEDIATE")
                    c.execute("SELECT count(*) FROM pages").fetchone()
                    c.execute("INSERT INTO s04_probe VALUES(?)", (writes,))
                    time.sleep(1.0 if writes == 2 else 0.01)
                    c.execute("COMMIT")
                    writes += 1
                except sqlite3.Error as e:
                    errors.append(str(e))
                    if c.in_transaction:
                        c.execute("ROLLBACK")
                time.sleep(0.02)
        finally:
            c.close()
        self.assertExit(proc.wait(), 0)
        self.assertEqual(errors, [], "the test's own writes failed")
        self.assertGreaterEqual(writes, 3, "the crawl ended before the writer held the lock")
        self.assertSameSet(graph(self.bm, db)["edges"], graph(self.bm, ref)["edges"], "edges")
        self.assertEqual(integrity(db), "ok")

    # ---- S05: checkpoint starvation ------------------------------------------------
    def wal_under_reader(self, url, db, wal_max_mib, hold_until):
        """Crawl URL into DB with --wal-max WAL_MAX_MIB while a reader holds a
        snapshot open until the server has answered HOLD_UNTIL requests.
        Returns (exit Result, requests answered during the hold, the WAL's
        largest size during the hold, its sizes after the release)."""
        srv = self.srv
        proc = self.bm.start_crawl(url, db, "--delay", "0.01", "--concurrency", "1",
                                   "--wal-max", wal_max_mib)
        self.wait_for_schema(proc, db)  # then a snapshot can be held
        wal = db + "-wal"
        size = lambda: os.path.getsize(wal) if os.path.exists(wal) else 0
        reader = sqlite3.connect(db, timeout=5, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM pages").fetchone()     # the snapshot starts here
        held_from, peak = srv.count(), 0
        while proc.running() and srv.count() < hold_until:
            peak = max(peak, size())
            time.sleep(0.02)
        held = srv.count() - held_from
        peak = max(peak, size())
        reader.execute("COMMIT")
        reader.close()
        after = []
        while proc.running():
            after.append(size())
            time.sleep(0.02)
        return proc.wait(), held, peak, after

    def test_s05_wal_cut_back_after_reader(self):
        """A reader holds a read transaction open for 40% of a crawl:
        the WAL grows past --wal-max (1 MiB here) since no checkpoint can
        pass the reader's snapshot, the crawl does not wait for the reader,
        and within two seconds of the reader's end the crawler has
        checkpointed and truncated the WAL to under the limit. A control run
        with a limit the WAL never reaches shows the file does not shrink by
        itself."""
        posts = scaled(400, 200)
        fixture, self.srv, url = self.site(posts)
        ref, total = self.reference(self.srv, url)
        limit = 1 << 20
        runs = {}
        for name, mib in (("trimmed", 1), ("control", 4096)):
            db = os.path.join(self.tmp, name + ".db")
            start = self.srv.count()
            r, held, peak, after = self.wal_under_reader(url, db, mib, start + total * 2 // 5)
            self.assertExit(r, 0)
            self.assertEqual(integrity(db), "ok")
            self.assertSameSet(graph(self.bm, db)["edges"], graph(self.bm, ref)["edges"],
                               "edges of the %s run" % name)
            self.assertGreater(held, total // 5, "the crawl stalled behind the reader")
            self.assertGreater(peak, 2 * limit, "the WAL never grew past the limit: the test "
                               "writes too little to show anything (%d bytes)" % peak)
            # samples every 20 ms; the crawl looks at the WAL once a second
            self.assertGreater(len(after), 1.0 / 0.02, "the crawl ended too soon after the reader")
            runs[name] = (peak, after)
        peak, after = runs["trimmed"]
        soon = after[:int(2.0 / 0.02)]
        self.assertLessEqual(min(soon), limit, "2 s after the reader closed, the WAL was still "
                             "%d bytes (peak %d, limit %d)" % (min(soon), peak, limit))
        peak, after = runs["control"]
        self.assertGreaterEqual(min(after), peak, "the control's WAL shrank with no trim: "
                                "the trimmed run's check proves nothing")

    # ---- S06: no room, no permission ------------------------------------------------
    def test_s06_disk_full(self):
        """The files may not grow past a limit (RLIMIT_FSIZE, SIGXFSZ
        ignored, so a write fails with EFBIG as on a full disk): the crawl
        stops with a clear error and exit status 1, the file passes
        integrity_check, and a crawl with room resumes to the full graph."""
        _, srv, url = self.site(scaled(300, 150))
        ref, _ = self.reference(srv, url)
        want = graph(self.bm, ref)
        for limit_kb in (64, 256, 512, 1024, 2048):
            with self.subTest(limit_kb=limit_kb):
                db = os.path.join(self.tmp, "full-%d.db" % limit_kb)
                limit = limit_kb * 1024

                def cap():
                    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

                r = self.run_limited(self.bm.crawl_argv(url, db, "--delay", "0"), cap)
                self.assertEqual(r.returncode, 1, "crawl with a %d KiB file limit\n%s"
                                 % (limit_kb, r.describe()))
                self.assertRegex(r.stderr, r"(?m)^error: .*(full|disk I/O)",
                                 "no clear error\n" + r.describe())
                self.assertEqual(integrity(db), "ok", "database damaged by the full disk")
                self.assertExit(self.bm.crawl(url, db, "--delay", "0"), 0)
                got = graph(self.bm, db)
                self.assertSameSet(got["edges"], want["edges"], "edges after resuming")
                self.assertSameSet(got["posts"], want["posts"], "posts after resuming")

    def test_s06_read_only_database(self):
        """A database file that cannot be written: a crawl refuses with a
        clear error and exit status 1 and leaves the file as it was; the
        read commands still work."""
        _, srv, url = self.site(50)
        ref, _ = self.reference(srv, url)
        os.chmod(self.tmp, 0o755)
        os.chmod(ref, 0o444)
        with open(ref, "rb") as f:
            before = f.read()
        as_nobody, binary, env = None, None, None
        if os.geteuid() == 0:       # root writes through file modes
            def as_nobody():
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            # a copy nobody can run: the build may sit under a directory only
            # root may enter (a clone in /root)
            bindir = os.path.join(self.tmp, "bin")
            os.makedirs(bindir)
            os.chmod(bindir, 0o755)
            binary = os.path.join(bindir, "blogmap")
            shutil.copy2(self.bm.path, binary)
            os.chmod(binary, 0o755)
            env = self.readable_sanitizer_files(bindir)
        r = self.run_limited(self.bm.crawl_argv(url, ref, "--delay", "0"), as_nobody, binary=binary,
                             env=env)
        self.assertEqual(r.returncode, 1, r.describe())
        self.assertRegex(r.stderr, r"(?m)^error: cannot open '.*reference\.db': .*(read-only|lock)",
                         r.describe())
        with open(ref, "rb") as f:
            self.assertTrue(f.read() == before, "the read-only database changed")
        # Reading works, or (SQLite cannot read a WAL database whose -shm it
        # cannot create in a directory it may not write) fails cleanly.
        r = self.run_limited(["posts", "--db", ref, "--format", "tsv"], as_nobody, binary=binary,
                             env=env)
        if r.returncode == 0:
            self.assertEqual(len(r.stdout.strip().split("\n")) - 1, 50)
        else:
            self.assertEqual(r.returncode, 1, r.describe())
            self.assertRegex(r.stderr, r"(?m)^error: cannot open '.*reference\.db': ", r.describe())

    # ---- S07: injection ------------------------------------------------------------
    def test_s07_hostile_text_stored_verbatim(self):
        """Titles written as SQL (quotes, comment markers, a semicolon and
        DROP TABLE) and hrefs carrying the same are stored byte for byte, and
        every table survives."""
        payloads = ["Robert'); DROP TABLE pages;--",
                    "\" OR \"1\"=\"1\"; DELETE FROM meta; --",
                    "x' UNION SELECT sql FROM sqlite_master --",
                    "%s %n ?1 :name @x $y \\'; /* */"]
        hrefs = ["/2019/01/x');DROP TABLE pages;--.html",
                 "/2019/01/a'b\"c;--.html?q=');DELETE FROM pages;--"]
        fixture = os.path.join(self.tmp, "gen")
        gensite.generate(fixture, posts=40, seed=3, extra_links=hrefs)
        posts = gensite.load_expected(fixture)["posts"]
        changed = {}
        for (purl, title, *_), payload in zip(sorted(posts)[5:], payloads):
            path = os.path.join(fixture, "site", purl.split("/", 3)[3])
            with open(path, encoding="utf-8") as f:
                text = f.read()
            plain = html.escape(title, quote=False)
            olds = [o for o in (plain, plain.replace('"', "&quot;")) if o in text]
            self.assertTrue(olds, "title %r not found in %s" % (title, path))
            for old in olds:
                text = text.replace(old, html.escape(payload))
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            changed[purl.split("/", 3)[3]] = payload
        srv = self.serve(fixture, rebase=gensite.BASE)
        db = os.path.join(self.tmp, "inject.db")
        self.assertExit(self.bm.crawl(srv.url("/"), db, "--delay", "0"), 0)
        self.assertEqual(integrity(db), "ok")
        with sqlite3.connect(db) as c:
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            self.assertLessEqual({"pages", "meta"}, tables)
            titles = {u.split("/", 3)[3]: t for u, t in c.execute("SELECT url, title FROM posts")}
        self.assertEqual(len(titles), len(posts), "posts lost")
        for rel, payload in changed.items():
            self.assertEqual(titles.get(rel), payload, "title of %s" % rel)
        broken = {r["href"] for r in self.bm.table("broken", db)}
        for h in hrefs:
            # stored as the crawler normalised it: percent-encoded, same bytes
            self.assertTrue(any(unquote(b).endswith(h) for b in broken),
                            "href %r not stored; broken: %s" % (h, sorted(broken)[:10]))

    # ---- S08: a tampered file ---------------------------------------------------------
    def test_s08_tampered_database_refused(self):
        """Bytes flipped in the middle of a copy of a crawled database: the
        crawl refuses cleanly (exit 1, an error line, no crash), and so does
        a read command, or it reads what is intact; neither dies by a
        signal."""
        _, srv, url = self.site(200)
        ref, _ = self.reference(srv, url)
        size = os.path.getsize(ref)
        rng = random.Random(8)
        for trial in range(4):
            with self.subTest(trial=trial):
                db = os.path.join(self.tmp, "tampered-%d.db" % trial)
                shutil.copyfile(ref, db)
                with open(db, "r+b") as f:
                    # page 1 holds the header and the schema: spare its first
                    # 100 bytes so the file is still SQLite's.
                    start = 100 if trial == 0 else rng.randrange(4096, size - 8192)
                    f.seek(start)
                    f.write(bytes(rng.randrange(256) for _ in range(4096 if trial else 3000)))
                # the reference's layout varies from run to run, so the bytes
                # may land on a free page SQLite never reads: only damage its
                # own check sees can be refused
                try:
                    with sqlite3.connect(db) as c:
                        damaged = c.execute("PRAGMA quick_check").fetchone()[0] != "ok"
                except sqlite3.DatabaseError:
                    damaged = True
                r = self.bm.crawl(url, db, "--delay", "0")
                self.assertGreaterEqual(r.returncode, 0, "crawl died by a signal\n" + r.describe())
                if not damaged:
                    self.assertIn(r.returncode, (0, 1), r.describe())
                    continue
                self.assertEqual(r.returncode, 1, "a tampered database was crawled into\n"
                                 + r.describe())
                self.assertRegex(r.stderr, r"(?m)^error: ", r.describe())
                for cmd in ("posts", "stats", "edges"):
                    q = self.bm.run(cmd, "--db", db, "--format", "tsv", timeout=60)
                    self.assertIn(q.returncode, (0, 1), "%s on a tampered file\n%s" % (cmd, q.describe()))
                    if q.returncode == 1:
                        self.assertRegex(q.stderr, r"(?m)^error: ", q.describe())

    # ---- S12: two crawlers ------------------------------------------------------------
    def test_s12_second_crawler_refused(self):
        """While one crawl runs, a second on the same database exits 1 saying
        the database is in use, and writes nothing; the first finishes with
        the full graph."""
        _, srv, url = self.site(scaled(600, 200))
        ref, _ = self.reference(srv, url)
        db = os.path.join(self.tmp, "twice.db")
        first = self.bm.start_crawl(url, db, "--delay", "0.005")
        while first.running() and not os.path.exists(db + "-wal"):
            time.sleep(0.02)
        self.assertTrue(first.running(), "the first crawl ended too soon")
        second = self.bm.crawl(url, db, "--delay", "0", timeout=60)
        self.assertTrue(first.running(), "the first crawl ended before the second was refused")
        self.assertEqual(second.returncode, 1, second.describe())
        self.assertRegex(second.stderr, r"(?m)^error: .*(in use|another blogmap crawl)", second.describe())
        self.assertExit(first.wait(), 0)
        self.assertSameSet(graph(self.bm, db)["edges"], graph(self.bm, ref)["edges"], "edges")
        self.assertEqual(integrity(db), "ok")


if __name__ == "__main__":
    unittest.main()
