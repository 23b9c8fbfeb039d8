"""Duplicate content (reliability matrix T20): the same post served under a
second, unrelated URL, with no canonical link or redirect to say so, is
stored once. The second URL becomes an alias of the first (as a redirect
would make it), so links to either spelling are edges to the one post,
and the post is not counted, searched or mapped twice. A near copy (one
word changed) stays a post of its own."""
import os
import re
import sqlite3
import unittest

import gensite
from run import E2ETestCase

COPY = "/2012/06/cold-storage-reposted.html"
NEAR = "/2012/06/cold-storage-revised.html"


class DuplicateContentTest(E2ETestCase):

    def setUp(self):
        super().setUp()
        self.fixture = os.path.join(self.tmp, "dup")
        gensite.generate(self.fixture, posts=12, seed=6)
        site = os.path.join(self.fixture, "site")
        posts = [row["url"] for row in self.read_tsv("posts.tsv")]
        edges = {(r["source"], r["target"]) for r in self.read_tsv("edges.tsv")}
        self.original = gensite.BASE.rstrip("/") + "/2012/03/the-case-for-cold-storage.html"
        self.assertIn(self.original, posts)
        # a post that neither links to the original nor is it
        self.linker = next(p for p in posts if p != self.original and
                           (p, self.original) not in edges)
        page = self.read(self.original)
        # no canonical link: only the content can tell the copy
        copy = re.sub(r"<link href='[^']*' rel='canonical'/>", "", page)
        self.assertNotEqual(copy, page, "the fixture's post has no canonical link to remove")
        self.write(COPY, copy)
        near = copy.replace("Insurance costs doubled", "Insurance costs tripled", 1)
        self.assertNotEqual(near, copy)
        self.write(NEAR, near)
        # the linker's body links to the copy; the home page lists both
        linker = self.read(self.linker)
        body = "id='post-body-"
        at = linker.index(body)
        at = linker.index(">", at) + 1
        self.write(self.linker, linker[:at] + "<p>Earlier: <a href='%s%s'>cold storage</a>"
                       ".</p>" % (gensite.BASE.rstrip("/"), COPY) + linker[at:])
        index = os.path.join(site, "index.html")
        with open(index, encoding="utf-8") as f:
            home = f.read()
        with open(index, "w", encoding="utf-8") as f:
            f.write(home.replace("</body>", "<a href='%s'>a</a><a href='%s'>b</a></body>"
                                 % (COPY, NEAR), 1))

    def read_tsv(self, name):
        with open(os.path.join(self.fixture, "expected", name), encoding="utf-8") as f:
            head, *rows = [line.rstrip("\n").split("\t") for line in f]
        return [dict(zip(head, r)) for r in rows]

    def path(self, url_or_path):
        p = url_or_path.replace(gensite.BASE.rstrip("/"), "")
        return os.path.join(self.fixture, "site", p.lstrip("/"))

    def read(self, url):
        with open(self.path(url), encoding="utf-8") as f:
            return f.read()

    def write(self, path, text):
        os.makedirs(os.path.dirname(self.path(path)), exist_ok=True)
        with open(self.path(path), "w", encoding="utf-8") as f:
            f.write(text)

    def check(self, db, base, first=True):
        copy, near = base + COPY.lstrip("/"), base + NEAR.lstrip("/")
        original = self.original.replace(gensite.BASE.rstrip("/") + "/", base)
        linker = self.linker.replace(gensite.BASE.rstrip("/") + "/", base)
        posts = {r["url"] for r in self.bm.table("posts", db)}
        kept = {original, copy} & posts
        self.assertEqual(len(kept), 1, "the post and its copy: %s" % sorted(kept))
        kept = kept.pop()
        alias = copy if kept == original else original
        self.assertIn(near, posts, "a near copy (one word changed) was folded away")
        self.assertEqual(len(posts), 13, "12 posts and the near copy")
        edges = {(r["source"], r["target"]) for r in self.bm.table("edges", db)}
        self.assertIn((linker, kept), edges, "the link to the copy's URL is no edge to the post")
        self.assertFalse([e for e in edges if alias in e], "edges name the alias")
        outs = {t for s, t in edges if s == kept}
        self.assertEqual(outs, {t for s, t in edges if s == near} - {kept},
                         "the kept post lost the links its body holds")
        with sqlite3.connect(db) as c:
            row = c.execute("SELECT redirect_to, is_post, error FROM pages WHERE url = ?",
                            (alias,)).fetchone()
            text_rows = c.execute("SELECT count(*) FROM post_text WHERE title ="
                                  " (SELECT title FROM pages WHERE url = ?)", (kept,)).fetchone()[0]
        self.assertEqual(row[0], kept, "the alias does not point at the post it copies")
        self.assertEqual(row[1], 0)
        if first:   # the note; a revalidation that finds the page unchanged clears notes
            self.assertIn("same title and text", row[2] or "")
        self.assertEqual(text_rows, 2, "full-text rows for the title: the post and the near "
                         "copy, not the alias")
        broken = self.bm.table("broken", db)
        self.assertFalse([b for b in broken if b["href"] in (copy, original)],
                         "links to the post or its copy reported broken")
        return kept

    def test_t20_same_post_under_two_urls(self):
        srv = self.serve(self.fixture, rebase=gensite.BASE)
        db = os.path.join(self.tmp, "dup.db")
        self.assertExit(self.bm.crawl(srv.url("/"), db, "--delay", "0"), 0)
        kept = self.check(db, srv.url("/"))
        # a re-crawl fetches both again and keeps the same one
        self.assertExit(self.bm.crawl(srv.url("/"), db, "--delay", "0"), 0)
        self.assertEqual(self.check(db, srv.url("/"), first=False), kept, "the re-crawl swapped the post "
                         "and its alias")


if __name__ == "__main__":
    unittest.main()
