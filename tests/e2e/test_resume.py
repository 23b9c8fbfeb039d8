"""Crash safety (reliability matrix S01, S02): SIGKILL a crawl at about 10%, 40% and 70% of the requests an
uninterrupted crawl makes, re-run the same command after each kill, and the
finished database must hold the same graph and pass integrity_check."""
import os
import sqlite3
import unittest
from urllib.parse import urlsplit

import gensite
from run import E2ETestCase, integrity, scaled, stop_after

KILL_POINTS = (0.10, 0.40, 0.70)


class ResumeAfterKillTest(E2ETestCase):
    POSTS = scaled(300, 150)

    def tables(self, db):
        return {
            "edges": {(r["source"], r["target"], r["kind"]) for r in self.bm.table("edges", db)},
            "posts": {(r["url"], r["title"]) for r in self.bm.table("posts", db)},
            "orphans": {r["url"] for r in self.bm.table("orphans", db)},
            "broken": {(r["source"], r["href"]) for r in self.bm.table("broken", db)},
        }

    def test_s01_s02_kill_and_resume(self):
        fixture = os.path.join(self.tmp, "gen")
        gensite.generate(fixture, posts=self.POSTS, seed=5)
        srv = self.serve(fixture, rebase=gensite.BASE)
        url = srv.url("/")

        ref_db = os.path.join(self.tmp, "reference.db")
        self.assertExit(self.bm.crawl(url, ref_db, "--delay", "0"), 0)
        total = srv.count()
        self.assertGreater(total, 50, "reference crawl made only %d requests" % total)

        db = os.path.join(self.tmp, "killed.db")
        kills = 0
        stored = []                     # pages stored after each kill
        for point in KILL_POINTS:
            proc = self.bm.start_crawl(url, db, "--delay", "0")
            # the last kill comes once a page is stored (a slow build may
            # still be parsing what it fetched): the last run has something to resume
            last = point == KILL_POINTS[-1]
            r = stop_after(proc, srv, total + int(point * total), timeout=120,
                           ready=(lambda: self.done_pages(db)) if last else None)
            if r.returncode == 0:
                break                   # finished before the kill point
            self.assertEqual(r.returncode, -9, "crawl died by itself\n" + r.describe())
            kills += 1
            self.assertEqual(integrity(db), "ok", "database damaged after kill %d" % kills)
            stored.append(self.done_pages(db))
        self.assertGreaterEqual(kills, 2, "the crawl finished too early to be killed")
        for before, after in zip(stored, stored[1:]):
            self.assertTrue(before <= after, "a resumed run lost pages an earlier run stored")
        self.assertTrue(stored[-1], "the killed runs stored no page: nothing to resume from")
        first_of_last = srv.count()
        last = self.bm.crawl(url, db, "--delay", "0")
        self.assertExit(last, 0)
        self.assertEqual(integrity(db), "ok")

        got, want = self.tables(db), self.tables(ref_db)
        for key in ("edges", "posts", "orphans", "broken"):
            self.assertSameSet(got[key], want[key], "%s after resume" % key)

        # Resuming means not starting over: the last run asks for no page the
        # killed runs had stored. (A kill loses only what was fetched and not
        # yet committed: up to one batch, 32 fetches or a quarter second.)
        again = {self.target(r.target) for r in srv.requests()[first_of_last:]} & stored[-1]
        self.assertFalse(again, "the resumed run fetched %d of the %d pages already stored, e.g. %s"
                         % (len(again), len(stored[-1]), sorted(again)[:5]))

    @staticmethod
    def target(url):
        """A URL or request target as path?query."""
        parts = urlsplit(url)
        return parts.path + ("?" + parts.query if parts.query else "")

    @staticmethod
    def done_pages(db):
        """Paths of the pages (not sitemaps or feeds) stored as fetched."""
        with sqlite3.connect(db) as c:
            return {ResumeAfterKillTest.target(u) for (u,) in
                    c.execute("SELECT url FROM pages WHERE state = 'done' AND kind = 0")}


if __name__ == "__main__":
    unittest.main()
