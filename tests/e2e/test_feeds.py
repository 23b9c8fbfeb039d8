"""Posts taken from feeds (`crawl --via feed|auto|pages`). A generated blog
carries Blogger's paged posts feed (gensite.py --feed): whole posts, summaries
only, or bodies cut at the jump break, with a few posts left out of it. Read
from the feed, the blog must give the graph a page crawl gives (edges with
kinds, posts with titles, orphans, broken links) with about one request per
ten posts; what the feed lacks (summaries, cut bodies, missing posts) is
fetched as pages. Also: robots.txt still rules, a killed ingest resumes, and
a re-crawl takes a changed entry from the feed and fetches no post."""
import os
import re
import sqlite3
import unittest
from urllib.parse import urlsplit

import gensite
from run import E2ETestCase, robots_allows, robots_rules, scaled, stop_after

POSTS = scaled(300, 120)
FEED_PAGE = scaled(100, 50)     # entries a feed page: several pages, as Blogger's
MISSING = 5                     # posts left out of the feed
FIXED = 20                      # robots, home, sitemaps, feed pages, renames, 404s
FEED_CTYPE = "text/html; source=feed"
LISTING = re.compile(r"^/(\d{4}/\d{2}/|p/about\.html)$")
POST_PATH = re.compile(r"^/\d{4}/\d{2}/[^/]+\.html$")


def path_of(url):
    return urlsplit(url).path


class FeedIngestTest(E2ETestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        root = cls.class_tmp()
        cls.fixtures = {}
        for kind in ("full", "summary", "jump"):
            cls.fixtures[kind] = os.path.join(root, kind)
            gensite.generate(cls.fixtures[kind], posts=POSTS, seed=5, feed=kind,
                             feed_page=FEED_PAGE, feed_missing=MISSING)
        cls.expected = cls.graph_of_expected(gensite.load_expected(cls.fixtures["full"]))
        cls.in_feed = cls.feed_entries(cls.fixtures["full"])
        cls.cut = cls.feed_entries(cls.fixtures["jump"], cut_only=True)

    # ---- helpers --------------------------------------------------------------
    @staticmethod
    def graph_of_expected(exp):
        return {"edges": {(path_of(s), path_of(t), k) for s, t, k in exp["edges"]},
                "posts": {(path_of(p[0]), " ".join(p[1].split())) for p in exp["posts"]},
                "orphans": {path_of(u) for u in exp["orphans"]},
                "broken": {(path_of(s), path_of(h)) for s, h in exp["broken"]}}

    @staticmethod
    def feed_entries(fixture, cut_only=False):
        """Post paths the fixture's feed lists (with CUT_ONLY: whose entry
        stops at the jump break)."""
        site = os.path.join(fixture, "site")
        out = set()
        for name in os.listdir(site):
            if not name.startswith("feed-page-"):
                continue
            with open(os.path.join(site, name), encoding="utf-8") as f:
                for entry in f.read().split("<entry>")[1:]:
                    url = re.search(r"<link rel='alternate' type='text/html' href='([^']+)'", entry)
                    if url and (not cut_only or "jump-link" in entry):
                        out.add(path_of(url.group(1)))
        return out

    def crawl(self, kind, via, *options, robots_text=None, db=None):
        """Crawl the KIND fixture with --via VIA; return (db, request log)."""
        srv = self.serve(self.fixtures[kind], rebase=gensite.BASE, robots_text=robots_text)
        db = db or os.path.join(self.tmp, "%s-%s.db" % (kind, via))
        r = self.bm.crawl(srv.url("/"), db, "--delay", "0", "--via", via, *options)
        self.assertExit(r, 0)
        srv.stop()
        return db, srv.requests()

    def graph(self, db):
        t = self.bm.table
        return {"edges": {(path_of(r["source"]), path_of(r["target"]), r["kind"])
                          for r in t("edges", db)},
                "posts": {(path_of(r["url"]), " ".join(r["title"].split())) for r in t("posts", db)},
                "orphans": {path_of(r["url"]) for r in t("orphans", db)},
                "broken": {(path_of(r["source"]), path_of(r["href"])) for r in t("broken", db)}}

    def assertSameGraph(self, db, want=None, what=""):
        got, want = self.graph(db), want or self.expected
        for key in ("edges", "posts", "orphans", "broken"):
            self.assertSameSet(got[key], want[key], "%s %s" % (key, what))

    @staticmethod
    def post_pages(log):
        """Post pages the crawl fetched whole (200)."""
        return {r.target for r in log if POST_PATH.match(r.target) and r.status == 200}

    @staticmethod
    def from_feed(db):
        with sqlite3.connect(db) as c:
            return c.execute("select count(*) from pages where is_post = 1 and content_type = ?",
                             (FEED_CTYPE,)).fetchone()[0]

    def assertNoListings(self, db, log):
        """No archive or static page was asked but those a post body links to
        (a body link is followed whatever it names, as in a page crawl)."""
        with sqlite3.connect(db) as c:
            linked = {path_of(u) for (u,) in c.execute("select url from links where internal = 1")}
        self.assertEqual([r.target for r in log if LISTING.match(r.target) and r.target not in linked],
                         [], "listing pages were followed")

    def assertPolite(self, log, robots=None):
        self.assertEqual(log[0].target, "/robots.txt")
        rules = robots_rules(robots or "User-agent: *\nDisallow: /search\n")
        self.assertEqual([r.target for r in log if not robots_allows(rules, r.target)], [])

    # ---- the tests ------------------------------------------------------------
    def test_full_feed_same_graph_few_requests(self):
        db, log = self.crawl("full", "feed")
        self.assertSameGraph(db)
        budget = POSTS // 10 + MISSING + FIXED
        self.assertLessEqual(len(log), budget, "%d requests for %d posts: %s"
                             % (len(log), POSTS, sorted(r.target for r in log)))
        all_posts = {p for p, _ in self.expected["posts"]}
        self.assertEqual(len(all_posts - self.in_feed), MISSING)
        self.assertEqual(self.post_pages(log), all_posts - self.in_feed,
                         "post pages fetched are not exactly those missing from the feed")
        self.assertNoListings(db, log)
        self.assertEqual(self.from_feed(db), POSTS - MISSING)
        self.assertPolite(log)

    def test_pages_mode_reads_no_body_from_feed(self):
        db, log = self.crawl("full", "pages")
        self.assertSameGraph(db)
        self.assertEqual(len(self.post_pages(log)), POSTS)
        self.assertEqual(self.from_feed(db), 0)

    def test_summary_feed_falls_back_to_pages(self):
        db, log = self.crawl("summary", "feed")
        self.assertSameGraph(db)
        self.assertEqual(len(self.post_pages(log)), POSTS, "summaries taken for bodies")
        self.assertEqual(self.from_feed(db), 0)
        self.assertNoListings(db, log)

    def test_jump_break_feed_falls_back_for_cut_posts(self):
        db, log = self.crawl("jump", "feed")
        self.assertSameGraph(db)
        all_posts = {p for p, _ in self.expected["posts"]}
        self.assertTrue(self.cut and self.cut < self.in_feed)
        self.assertEqual(self.post_pages(log), self.cut | (all_posts - self.in_feed),
                         "post pages fetched are not the cut and the missing ones")
        self.assertEqual(self.from_feed(db), len(self.in_feed - self.cut))

    def test_auto_reads_a_full_feed_like_feed(self):
        db, log = self.crawl("full", "auto")
        self.assertSameGraph(db)
        self.assertLessEqual(len(log), POSTS // 10 + MISSING + FIXED)
        self.assertNoListings(db, log)
        self.assertPolite(log)

    def test_auto_reads_pages_behind_a_summary_feed(self):
        db, log = self.crawl("summary", "auto")
        self.assertSameGraph(db)
        self.assertIn("/p/about.html", {r.target for r in log},
                      "--via auto behind a summary feed should crawl as pages do")

    def test_robots_rule_feed_and_posts(self):
        """A disallowed feed is never asked (the sitemap names the posts, which
        are fetched); a disallowed post is not taken from the feed either."""
        robots = "User-agent: *\nDisallow: /search\nDisallow: /feeds/\n"
        db, log = self.crawl("full", "feed", robots_text=robots)
        self.assertPolite(log, robots)
        self.assertSameGraph(db)
        self.assertEqual(len(self.post_pages(log)), POSTS)
        banned = sorted(self.in_feed)[len(self.in_feed) // 2]
        robots = "User-agent: *\nDisallow: /search\nDisallow: %s\n" % banned
        db, log = self.crawl("full", "feed", robots_text=robots, db=os.path.join(self.tmp, "b.db"))
        self.assertPolite(log, robots)
        ref, _ = self.crawl("full", "pages", robots_text=robots)
        self.assertSameGraph(db, self.graph(ref), "(--via feed against pages, %s disallowed)" % banned)
        self.assertNotIn(banned, {p for p, _ in self.graph(db)["posts"]})

    def test_killed_ingest_resumes(self):
        srv = self.serve(self.fixtures["full"], rebase=gensite.BASE)
        db = os.path.join(self.tmp, "killed.db")
        args = (srv.url("/"), db, "--delay", "0.05", "--via", "feed")
        r = stop_after(self.bm.start_crawl(*args), srv, 4, timeout=60)
        self.assertEqual(r.returncode, -9, "the ingest finished before the kill\n" + r.describe())
        self.assertExit(self.bm.crawl(*args), 0)
        self.assertSameGraph(db, what="after a kill")

    def test_recrawl_takes_changed_entry_from_feed(self):
        fixture = os.path.join(self.tmp, "recrawl")
        gensite.generate(fixture, posts=POSTS, seed=5, feed="full", feed_page=FEED_PAGE)
        srv = self.serve(fixture, rebase=gensite.BASE)
        db = os.path.join(self.tmp, "recrawl.db")

        def crawl():
            before = srv.count()
            self.assertExit(self.bm.crawl(srv.url("/"), db, "--delay", "0", "--via", "feed"), 0)
            return srv.requests()[before:]

        crawl()
        self.assertEqual(self.post_pages(crawl()), set(), "unchanged posts fetched again")
        self.assertEqual(self.bm.stats(db)["posts_unchanged_this_round"], str(POSTS))
        edges = self.graph(db)["edges"]
        source, target = self.new_link(fixture, edges)
        again = crawl()
        self.assertEqual(self.post_pages(again), set(), "a post the feed carries was fetched")
        self.assertSameSet(self.graph(db)["edges"], edges | {(source, target, "inline")},
                           "edges after the entry changed")
        st = self.bm.stats(db)
        self.assertEqual((st["posts_changed_this_round"], st["posts_unchanged_this_round"]),
                         ("1", str(POSTS - 1)))

    def new_link(self, fixture, edges):
        """Add a link to a post that its source does not link yet to one feed
        entry, and move the entry's <updated> on; return (source, target)."""
        site = os.path.join(fixture, "site")
        name = sorted(n for n in os.listdir(site) if n.startswith("feed-page-"))[0]
        with open(os.path.join(site, name), encoding="utf-8") as f:
            xml = f.read()
        entries = xml.split("<entry>")
        entry = entries[1]
        source = path_of(re.search(r"<link rel='alternate' type='text/html' href='([^']+)'",
                                   entry).group(1))
        linked = {t for s, t, _ in edges if s == source}
        target = sorted(p for p, _ in self.expected["posts"] if p not in linked and p != source)[0]
        link = "&lt;p&gt;New: &lt;a href=&quot;%s&quot;&gt;x&lt;/a&gt;&lt;/p&gt;" % target
        entry = entry.replace("<content type='html'>", "<content type='html'>" + link, 1)
        entry = re.sub(r"<updated>[^<]*</updated>", "<updated>2030-01-01T00:00:00.000-05:00</updated>",
                       entry, count=1)
        entries[1] = entry
        with open(os.path.join(site, name), "w", encoding="utf-8") as f:
            f.write("<entry>".join(entries))
        return source, target


if __name__ == "__main__":
    unittest.main()
