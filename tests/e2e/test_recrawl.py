"""Incremental re-crawls: run `crawl` again on the same database and only
what changed is fetched. A generated blog is crawled; crawled again unchanged
(no post body comes back: the sitemap's lastmod spares the posts, and every
other page is asked conditionally); then, after 1% of its posts change (a
link taken out, the sitemap's lastmod moved on), one post is deleted and a
post is written, exactly those posts are fetched and the graph follows."""
import os
import re
import unittest

import gensite
from run import E2ETestCase, scaled

POSTS = scaled(300, 120)


class RecrawlTest(E2ETestCase):
    def setUp(self):
        super().setUp()
        self.fixture = os.path.join(self.tmp, "gen")
        gensite.generate(self.fixture, posts=POSTS, seed=11)
        self.site = os.path.join(self.fixture, "site")
        self.srv = self.serve(self.fixture, rebase=gensite.BASE)
        self.db = os.path.join(self.tmp, "blog.db")
        self.expected = gensite.load_expected(self.fixture, rebase=self.rebase)
        self.post_paths = {self.path(u) for u, *_ in self.expected["posts"]}

    def rebase(self, url):
        return url.replace(gensite.BASE, self.srv.url("")[:-1] if self.srv.url("").endswith("/")
                           else self.srv.url(""))

    @staticmethod
    def path(url):
        return "/" + url.split("/", 3)[3]

    def crawl(self):
        """Crawl; return the requests it made as (path, status)."""
        before = self.srv.count()
        self.assertExit(self.bm.crawl(self.srv.url("/"), self.db, "--delay", "0"), 0)
        return [(r.target.split("?")[0], r.status) for r in self.srv.requests()[before:]]

    def edges(self):
        return {(r["source"], r["target"], r["kind"]) for r in self.bm.table("edges", self.db)}

    def stats(self):
        return {r["key"]: r["value"] for r in self.bm.table("stats", self.db)}

    def post_bodies(self, reqs):
        return sorted({p for p, status in reqs if p in self.post_paths and status == 200})

    def test_unchanged_recrawl_fetches_no_post(self):
        first = self.crawl()
        self.assertEqual(len(self.post_bodies(first)), POSTS)
        self.assertEqual(self.edges(), self.expected["edges"])
        again = self.crawl()
        self.assertEqual(self.post_bodies(again), [], "unchanged posts fetched again")
        self.assertLessEqual(len(again), 0.25 * len(first),
                             "%d requests to re-crawl an unchanged blog, %d the first time"
                             % (len(again), len(first)))
        self.assertTrue(all(status in (200, 301, 302, 304, 404) for _, status in again))
        self.assertEqual(self.edges(), self.expected["edges"])
        st = self.stats()
        self.assertEqual(st["round"], "2")
        self.assertEqual(st["posts_unchanged_this_round"], str(POSTS))
        self.assertEqual(st["posts_changed_this_round"], "0")
        self.assertEqual(st["posts_new_this_round"], "0")

    def change_posts(self, edges, n):
        """Take one body link out of N posts and move their lastmod on; return
        the changed paths and the edges that go."""
        changed, gone = [], set()
        by_source = {}
        for s, t, k in sorted(edges):
            by_source.setdefault(s, []).append((s, t, k))
        for source, out in sorted(by_source.items()):
            if len(changed) == n:
                break
            path = self.path(source)
            file = os.path.join(self.site, path.lstrip("/"))
            with open(file, encoding="utf-8") as f:
                html = f.read()
            s, target, kind = out[0]
            href = self.path(target).replace(".html", "")
            links = re.findall(r'<a href="[^"]*%s[^"]*">[^<]*</a>' % re.escape(href), html)
            if len(links) != 1:
                continue            # spelled twice, or in the sidebar too: pick another
            with open(file, "w", encoding="utf-8") as f:
                f.write(html.replace(links[0], "a post of ours"))
            changed.append(path)
            gone.add((s, target, kind))
        self.assertEqual(len(changed), n, "could not change %d posts" % n)
        for sm in os.listdir(self.site):
            if not sm.startswith("sitemap"):
                continue
            file = os.path.join(self.site, sm)
            with open(file, encoding="utf-8") as f:
                xml = f.read()
            for path in changed:
                xml = re.sub(r"(%s</loc><lastmod>)[^<]*" % re.escape(path), r"\g<1>2030-01-01T00:00:00Z", xml)
            with open(file, "w", encoding="utf-8") as f:
                f.write(xml)
        return changed, gone

    def test_one_percent_changed(self):
        self.crawl()
        before = self.edges()
        n = max(1, POSTS // 100)
        changed, gone = self.change_posts(before, n)
        reqs = self.crawl()
        self.assertEqual(self.post_bodies(reqs), sorted(changed),
                         "the posts fetched are not exactly the changed ones")
        self.assertEqual(self.edges(), before - gone)
        st = self.stats()
        self.assertEqual(st["posts_changed_this_round"], str(n))
        self.assertEqual(st["posts_unchanged_this_round"], str(POSTS - n))
        # Again, with nothing new: none of them comes back.
        self.assertEqual(self.post_bodies(self.crawl()), [])
        self.assertEqual(self.edges(), before - gone)

    def test_deleted_post_is_marked(self):
        """A post that answers 404 on the re-crawl leaves the posts and the
        graph; the links to it show as broken. Its sitemap entry stays (with a
        new lastmod), as a stale sitemap would."""
        self.crawl()
        victim = sorted(self.expected["orphans"])[0]
        path = self.path(victim)
        os.remove(os.path.join(self.site, path.lstrip("/")))
        for sm in os.listdir(self.site):
            if sm.startswith("sitemap"):
                file = os.path.join(self.site, sm)
                with open(file, encoding="utf-8") as f:
                    xml = f.read()
                xml = re.sub(r"(%s</loc><lastmod>)[^<]*" % re.escape(path),
                             r"\g<1>2030-01-01T00:00:00Z", xml)
                with open(file, "w", encoding="utf-8") as f:
                    f.write(xml)
        reqs = self.crawl()
        self.assertIn((path, 404), reqs)
        posts = {r["url"] for r in self.bm.table("posts", self.db)}
        self.assertNotIn(victim, posts)
        self.assertEqual(len(posts), POSTS - 1)
        self.assertEqual(self.stats()["posts_removed"], "1")
        self.assertFalse(any(victim in (s, t) for s, t, _ in self.edges()))


if __name__ == "__main__":
    unittest.main()
