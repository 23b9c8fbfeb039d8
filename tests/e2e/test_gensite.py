"""A generated 300-post Blogger-style blog (gensite.py): every link spelling,
renamed posts, 404s and a redirect loop, sidebar and pager links that are not
edges. The crawl must reproduce the known graph exactly."""
import os
import unittest

import gensite
from run import E2ETestCase, FixtureBlogChecks, scaled


class GeneratedBlogTest(FixtureBlogChecks, E2ETestCase):
    ORIGIN = gensite.BASE
    NEVER_PREFIXES = ("/search",)
    MIRROR = False              # its sitemap pages are routes (?page=K), not files
    POSTS = scaled(300, 150)

    @classmethod
    def make_fixture(cls, tmp):
        out = os.path.join(tmp, "gen")
        gensite.generate(out, posts=cls.POSTS, seed=7)
        return out

    def test_dates(self):
        rows = self.bm.table("posts", self.crawled())
        got = {(r["url"], r["date"][:10]) for r in rows}
        self.assertSameSet(got, {(p[0], p[2]) for p in self.expected["posts"]}, "posts (url, date)")

    def test_stats_agree_with_tables(self):
        db = self.crawled()
        stats = self.bm.stats(db)
        for key in ("posts", "edges", "edges_inline", "edges_related", "orphans", "broken", "fetches"):
            self.assertIn(key, stats)
        n = {k: int(v) for k, v in stats.items() if v.lstrip("-").isdigit()}
        self.assertEqual(n["posts"], len(self.expected["posts"]))
        self.assertEqual(n["edges"], len(self.expected["edges"]))
        self.assertEqual(n["edges_inline"] + n["edges_related"], n["edges"])
        self.assertEqual(n["edges_related"], sum(1 for e in self.expected["edges"] if e[2] == "related"))
        self.assertEqual(n["orphans"], len(self.expected["orphans"]))
        self.assertEqual(n["broken"], len(self.expected["broken"]))
        self.assertGreaterEqual(n["fetches"], len(self.log))
        ok = sum(1 for r in self.log if r.status == 200)
        self.assertEqual(n.get("fetch_status_200"), ok, "fetch_status_200 against the server's 200s")

    def test_posts_table_counts_links(self):
        rows = self.bm.table("posts", self.crawled())
        inbound = {}
        outbound = {}
        for s, t, _ in self.expected["edges"]:
            outbound[s] = outbound.get(s, 0) + 1
            inbound[t] = inbound.get(t, 0) + 1
        got = {(r["url"], int(r["inbound"]), int(r["outbound"])) for r in rows}
        want = {(p[0], inbound.get(p[0], 0), outbound.get(p[0], 0)) for p in self.expected["posts"]}
        self.assertSameSet(got, want, "posts (url, inbound, outbound)")


if __name__ == "__main__":
    unittest.main()
