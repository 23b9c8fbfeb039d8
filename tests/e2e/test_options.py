"""Crawl options that change what counts: --alias, --post-pattern, --content-xpath."""
import os
import unittest

from run import E2ETestCase, parse_tsv

SAMPLE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "sample-blog"))
ORIGIN = "https://flywheel-notes.blogspot.com"


def expected(name):
    with open(os.path.join(SAMPLE, "expected", name), encoding="utf-8") as f:
        rows = parse_tsv(f.read())
    return rows


class CrawlOptionsTest(E2ETestCase):
    def mirror(self, *options):
        db = os.path.join(self.tmp, "m.db")
        r = self.bm.crawl(ORIGIN + "/", db, "--mirror", os.path.join(SAMPLE, "site"), *options)
        self.assertExit(r)
        return db

    def test_alias_folds_other_host_name(self):
        srv = self.serve(SAMPLE, rebase=ORIGIN)
        # pages name the blog 127.0.0.1:PORT; the crawl starts at localhost:PORT
        start = "http://localhost:%d/" % srv.port
        plain = os.path.join(self.tmp, "plain.db")
        self.assertExit(self.bm.crawl(start, plain, "--delay", "0"))
        n_plain = len(self.bm.table("edges", plain))
        # without --alias only root-relative links stay on the site
        self.assertLess(n_plain, len(expected("edges.tsv")) // 2)
        aliased = os.path.join(self.tmp, "alias.db")
        self.assertExit(self.bm.crawl(start, aliased, "--delay", "0",
                                      "--alias", "127.0.0.1:%d" % srv.port))
        got = {(e["source"], e["target"]) for e in self.bm.table("edges", aliased)}
        want = {(e["source"].replace(ORIGIN, start[:-1]), e["target"].replace(ORIGIN, start[:-1]))
                for e in expected("edges.tsv")}
        self.assertSameSet(got, want, "edges with --alias")

    def test_post_pattern(self):
        db = self.mirror("--post-pattern", "^/2024/[0-9]{2}/[^/]+[.]html$")
        got = {p["url"] for p in self.bm.table("posts", db)}
        want = {p["url"] for p in expected("posts.tsv") if p["url"].startswith(ORIGIN + "/2024/")}
        self.assertTrue(want)
        self.assertSameSet(got, want, "posts under --post-pattern")

    def test_content_xpath(self):
        db = self.mirror("--content-xpath", "//*[contains(@class, 'post-footer')]")
        self.assertEqual(len(self.bm.table("posts", db)), len(expected("posts.tsv")))
        self.assertEqual(self.bm.table("edges", db), [],
                         "footers hold only label links, which are not posts")

    def test_bad_xpath_is_usage_error(self):
        r = self.bm.crawl(ORIGIN + "/", os.path.join(self.tmp, "x.db"), "--content-xpath", "//[")
        self.assertExit(r, 2)
        self.assertIn("--content-xpath", r.stderr)


if __name__ == "__main__":
    unittest.main()
