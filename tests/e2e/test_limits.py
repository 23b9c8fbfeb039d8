"""Crawl budgets and trap defences (issue 6, matrix T01, T14, T15): every
limit that stops the crawl from following or keeping something is counted,
shown in the crawl's summary and kept in the database for `blogmap stats`.
The fixture is a generated blog whose home page links to an endless
calendar (/cal/N.html links to N+1), a page with more links than the
per-page cap, and a path that repeats itself."""
import os
import unittest

import gensite
from run import E2ETestCase

CAL_PAGES = 400


class LimitsTest(E2ETestCase):

    def setUp(self):
        super().setUp()
        self.fixture = os.path.join(self.tmp, "limits")
        gensite.generate(self.fixture, posts=12, seed=6)
        site = os.path.join(self.fixture, "site")
        os.makedirs(os.path.join(site, "cal"))
        for n in range(1, CAL_PAGES + 1):
            with open(os.path.join(site, "cal", "%d.html" % n), "w") as f:
                f.write("<html><body><p>Day %d</p><a href='/cal/%d.html'>next</a></body></html>\n"
                        % (n, n + 1))
        with open(os.path.join(site, "flood.html"), "w") as f:
            f.write("<html><body>" + "".join("<a href='/f/%d.html'>%d</a>" % (i, i)
                                             for i in range(7000)) + "</body></html>\n")
        index = os.path.join(site, "index.html")
        with open(index) as f:
            html = f.read()
        extra = ("<a href='/cal/1.html'>calendar</a><a href='/flood.html'>flood</a>"
                 "<a href='/a/b/a/b/a/b/x.html'>loop</a>")
        with open(index, "w") as f:
            f.write(html.replace("</body>", extra + "</body>", 1))

    def stats(self, db):
        return {r["key"]: r["value"] for r in self.bm.table("stats", db)}

    def crawl(self, name, *options):
        srv = self.serve(self.fixture, rebase=gensite.BASE)
        db = os.path.join(self.tmp, name + ".db")
        r = self.bm.crawl(srv.url("/"), db, "--delay", "0", *options, timeout=180)
        self.assertExit(r, 0)
        return srv, db, r

    def test_t01_calendar_stops_at_pattern_cap(self):
        srv, db, r = self.crawl("pattern", "--max-per-pattern", "50")
        cal = [q for q in srv.requests() if q.target.startswith("/cal/")]
        self.assertEqual(len(cal), 50, "pages of one URL pattern fetched")
        st = self.stats(db)
        self.assertGreaterEqual(int(st.get("limit_pattern", 0)), 1)
        self.assertIn("pages past --max-per-pattern", r.stderr)
        self.assertEqual(int(st["posts"]), 12, "the blog's posts were not all crawled")

    def test_t01_pattern_cap_holds_across_resume(self):
        # a crawl stopped early (--max-pages, pages still queued) and run
        # again resumes its round: the pattern counts carry over, so the cap
        # is the crawl's, not each run's
        srv = self.serve(self.fixture, rebase=gensite.BASE)
        db = os.path.join(self.tmp, "resumed.db")
        first = self.bm.crawl(srv.url("/"), db, "--delay", "0", "--max-per-pattern", "30",
                              "--max-pages", "65")
        self.assertExit(first, 0)
        self.assertIn("stopped at --max-pages", first.stderr)
        before = len([q for q in srv.requests() if q.target.startswith("/cal/")])
        self.assertGreater(before, 5, "the first run reached too little of the calendar")
        self.assertLess(before, 30, "the first run reached the cap: nothing left to resume")
        self.assertExit(self.bm.crawl(srv.url("/"), db, "--delay", "0",
                                      "--max-per-pattern", "30"), 0)
        cal = [q for q in srv.requests() if q.target.startswith("/cal/")]
        self.assertEqual(len(cal), 30, "pages of one URL pattern fetched by the two runs "
                         "(%d by the first)" % before)
        self.assertEqual(int(self.stats(db)["posts"]), 12)

    def test_t01_default_caps(self):
        # by default the calendar, one hop deeper a page, ends at --max-depth 50
        srv, db, r = self.crawl("deep")
        cal = [q for q in srv.requests() if q.target.startswith("/cal/")]
        self.assertEqual(len(cal), 50)
        self.assertGreaterEqual(int(self.stats(db).get("limit_depth", 0)), 1)
        # with the depth lifted the default pattern cap (2,000) lets 400 pages by
        srv, db, r = self.crawl("wide", "--max-depth", "1000")
        cal = [q for q in srv.requests() if q.target.startswith("/cal/")]
        self.assertEqual(len(cal), CAL_PAGES + 1, "the default cap stopped a 400-page pattern")
        # only the flood page's 6,000 kept links of one pattern (/f/N.html) hit it
        self.assertEqual(int(self.stats(db)["limit_pattern"]), 6000 - 2000)

    def test_t14_link_flood_counted(self):
        srv, db, r = self.crawl("flood", "--max-per-pattern", "10")
        st = self.stats(db)
        self.assertEqual(int(st.get("limit_links", 0)), 1000, "links past the 6,000 cap")
        self.assertIn("links past the per-page cap", r.stderr)

    def test_t15_depth_and_pages_counted(self):
        srv, db, r = self.crawl("depth", "--max-depth", "2", "--max-per-pattern", "10")
        st = self.stats(db)
        self.assertGreater(int(st.get("limit_depth", 0)), 0)
        self.assertFalse(any(q.target == "/cal/4.html" for q in srv.requests()),
                         "a page three links from the start was fetched")
        srv, db, r = self.crawl("pages", "--max-pages", "5")
        st = self.stats(db)
        self.assertEqual(int(st.get("limit_pages", 0)), 1)
        self.assertIn("stopped at --max-pages", r.stderr)
        self.assertLessEqual(len([q for q in srv.requests() if q.target != "/robots.txt"]), 5)

    def test_t08_trap_counted(self):
        srv, db, r = self.crawl("trap", "--max-per-pattern", "10")
        self.assertGreaterEqual(int(self.stats(db).get("limit_trap", 0)), 1)
        self.assertFalse(any(q.target.startswith("/a/b/a/b") for q in srv.requests()),
                         "the repeating path was fetched")


if __name__ == "__main__":
    unittest.main()
