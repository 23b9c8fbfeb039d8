"""blogmap diff: two crawls of the sample blog, the second after the blog
changed (a post deleted, a link taken out of a post, a new post written),
give exactly those changes, and the older database is never written."""
import hashlib
import json
import os
import re
import shutil
import unittest

from run import ROOT, E2ETestCase, parse_tsv

SAMPLE = os.path.join(ROOT, "examples", "sample-blog")
ORIGIN = "https://flywheel-notes.blogspot.com"
GONE = ORIGIN + "/2022/07/copper-cobalt-and-long-squeeze.html"       # an orphan, deleted
LINK_SRC = ORIGIN + "/2020/05/costcos-membership-flywheel.html"       # loses one link
LINK_DST = ORIGIN + "/2018/06/amazons-flywheel-drawn-on-napkin.html"
NEW = ORIGIN + "/2024/06/a-new-post-on-flywheels.html"                # written since
TEMPLATE = ORIGIN + "/2024/01/teslas-500-million-dojo-bet-and-hyper.html"   # NEW's page


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def site_path(url):
    return url[len(ORIGIN) + 1:]


class DiffTest(E2ETestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = cls.class_tmp()
        old_site = os.path.join(SAMPLE, "site")
        new_site = os.path.join(cls.tmp, "site")
        shutil.copytree(old_site, new_site)
        os.remove(os.path.join(new_site, site_path(GONE)))
        src = os.path.join(new_site, site_path(LINK_SRC))
        with open(src, encoding="utf-8") as f:
            html = f.read()
        link = re.compile(r'<a href="%s">(.*?)</a>' % re.escape(LINK_DST))
        assert len(link.findall(html)) == 1, "the fixture changed: fix the test"
        with open(src, "w", encoding="utf-8") as f:
            f.write(link.sub(r"\1", html))
        # A new post, linked from the home page so the crawl finds it.
        with open(os.path.join(new_site, site_path(TEMPLATE)), encoding="utf-8") as f:
            page = f.read()
        os.makedirs(os.path.dirname(os.path.join(new_site, site_path(NEW))), exist_ok=True)
        with open(os.path.join(new_site, site_path(NEW)), "w", encoding="utf-8") as f:
            # new words at the top of the body: the same title and text
            # under a new URL would be a copy of TEMPLATE (matrix T20)
            body = re.search(r"<div class='post-body[^>]*>", page)
            f.write(page[:body.end()].replace(TEMPLATE, NEW) +
                    "<p>A new post on flywheels, written since the first crawl.</p>" +
                    page[body.end():].replace(TEMPLATE, NEW))
        home = os.path.join(new_site, "index.html")
        with open(home, encoding="utf-8") as f:
            index = f.read()
        with open(home, "w", encoding="utf-8") as f:
            f.write(index.replace("</body>", '<a href="%s">new</a></body>' % NEW, 1))
        cls.old = os.path.join(cls.tmp, "old.db")
        cls.new = os.path.join(cls.tmp, "new.db")
        from run import Blogmap
        bm = Blogmap(workdir=cls.tmp)
        for db, site in ((cls.old, old_site), (cls.new, new_site)):
            r = bm.run("crawl", ORIGIN + "/", "--mirror", site, "--db", db, "-q")
            assert r.returncode == 0, r.describe()

    def diff(self, *args):
        r = self.bm.run("diff", *args)
        self.assertExit(r, 0)
        return r

    def test_changes(self):
        """Exactly the deleted post (and its links), the removed link, and the
        new post (and its links) are listed."""
        old_edges = parse_tsv(self.bm.run("edges", "--db", self.old, "--format", "tsv").stdout)
        new_edges = parse_tsv(self.bm.run("edges", "--db", self.new, "--format", "tsv").stdout)
        want_links_removed = {(e["source"], e["target"]) for e in old_edges} - \
            {(e["source"], e["target"]) for e in new_edges}
        want_links_added = {(e["source"], e["target"]) for e in new_edges} - \
            {(e["source"], e["target"]) for e in old_edges}
        self.assertIn((LINK_SRC, LINK_DST), want_links_removed)
        self.assertTrue(any(s == NEW for s, _ in want_links_added))

        rows = parse_tsv(self.diff(self.old, self.new, "--format", "tsv").stdout)
        got = {(r["change"], r["what"], r["url"], r["target"]) for r in rows}
        want = {("removed", "post", GONE, ""), ("added", "post", NEW, "")}
        want |= {("removed", "link", s, t) for s, t in want_links_removed}
        want |= {("added", "link", s, t) for s, t in want_links_added}
        self.assertSameSet(got, want, "diff rows")
        self.assertEqual(len(rows), len(got), "a change listed twice")
        titles = {r["url"]: r["title"] for r in rows if r["what"] == "post"}
        self.assertEqual(titles[GONE], "Copper, Cobalt & the Long Squeeze")

    def test_same_crawl_no_changes(self):
        """A database compared with itself: a header and nothing else."""
        r = self.diff(self.old, self.old, "--format", "tsv")
        self.assertEqual(r.stdout.strip(), "change\twhat\turl\ttarget\ttitle")
        self.assertIn("posts +0 -0, links +0 -0", r.stderr)

    def test_reverse_and_db_option(self):
        """Swapping the sides swaps added and removed; --db names the newer."""
        a = parse_tsv(self.diff(self.old, "--db", self.new, "--format", "tsv").stdout)
        b = parse_tsv(self.diff(self.new, self.old, "--format", "tsv").stdout)
        flip = {"added": "removed", "removed": "added"}
        self.assertEqual({(flip[r["change"]], r["what"], r["url"], r["target"]) for r in a},
                         {(r["change"], r["what"], r["url"], r["target"]) for r in b})

    def test_old_database_untouched(self):
        """The older file is only read: same bytes, no -wal or -shm left."""
        before = sha(self.old)
        self.diff(self.old, self.new, "--format", "json")
        self.assertEqual(sha(self.old), before)
        self.assertFalse(os.path.exists(self.old + "-wal") and os.path.getsize(self.old + "-wal"))

    def test_json(self):
        rows = json.loads(self.diff(self.old, self.new, "--format", "json").stdout)
        self.assertTrue(rows)
        self.assertEqual(set(rows[0]), {"change", "what", "url", "target", "title"})

    def test_errors(self):
        """A missing or foreign old database exits 1 naming it; bad usage exits 2."""
        missing = os.path.join(self.tmp, "missing.db")
        r = self.bm.run("diff", missing, self.new)
        self.assertExit(r, 1)
        self.assertIn("missing.db", r.stderr)
        self.assertFalse(os.path.exists(missing))
        self.assertExit(self.bm.run("diff"), 2)
        self.assertExit(self.bm.run("diff", self.old, self.new, "extra"), 2)


if __name__ == "__main__":
    unittest.main()
