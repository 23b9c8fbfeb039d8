"""Crash safety (reliability matrix S01, S02): SIGKILL a crawl at about 10%, 40% and 70% of the requests an
uninterrupted crawl makes, re-run the same command after each kill, and the
finished database must hold the same graph and pass integrity_check."""
import os
import unittest

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
        for point in KILL_POINTS:
            proc = self.bm.start_crawl(url, db, "--delay", "0")
            r = stop_after(proc, srv, total + int(point * total), timeout=120)
            if r.returncode == 0:
                break                   # finished before the kill point
            self.assertEqual(r.returncode, -9, "crawl died by itself\n" + r.describe())
            kills += 1
            self.assertEqual(integrity(db), "ok", "database damaged after kill %d" % kills)
        self.assertGreaterEqual(kills, 2, "the crawl finished too early to be killed")
        last = self.bm.crawl(url, db, "--delay", "0")
        self.assertExit(last, 0)
        self.assertEqual(integrity(db), "ok")

        got, want = self.tables(db), self.tables(ref_db)
        for key in ("edges", "posts", "orphans", "broken"):
            self.assertSameSet(got[key], want[key], "%s after resume" % key)

        resumed = srv.count() - total
        self.assertLessEqual(resumed, 1.4 * total + 20,
                             "the interrupted crawls made %d requests against %d for one crawl: "
                             "resume starts over" % (resumed, total))


if __name__ == "__main__":
    unittest.main()
