"""Manners: the default one-second delay, robots.txt Crawl-delay, what a
robots.txt that fails (503) or is missing (404) means, and the User-Agent.
The slow tests stop the crawler after a handful of requests."""
import os
import unittest

import gensite
import server
from run import E2ETestCase, stop_after


class PolitenessTest(E2ETestCase):

    def site(self, posts, **options):
        out = os.path.join(self.tmp, "site-%d" % posts)
        gensite.generate(out, posts=posts, seed=3, **options)
        return out

    def assertGaps(self, log, least):
        gaps = server.start_gaps(log)
        short = [(log[i].target, log[i + 1].target, round(g, 3)) for i, g in enumerate(gaps) if g < least]
        self.assertEqual(short, [], "requests closer than %.1f s" % least)

    def test_h22_default_delay_one_second(self):
        srv = self.serve(self.site(10), rebase=gensite.BASE)
        proc = self.bm.start_crawl(srv.url("/"), os.path.join(self.tmp, "d.db"))
        stop_after(proc, srv, 15, timeout=40)
        log = srv.requests()
        self.assertGreaterEqual(len(log), 5, "too few requests to judge: %s" % [r.target for r in log])
        self.assertEqual(log[0].target, "/robots.txt")
        self.assertGaps(log, 0.9)
        self.assertEqual(server.overlapping(log), [])
        until = max(r.end for r in log) + 1
        self.assertEqual(server.open_max(srv.connections(), until), 1,
                         "more than one connection open to the host")

    def test_h22_robots_crawl_delay(self):
        srv = self.serve(self.site(4, crawl_delay=2), rebase=gensite.BASE)
        proc = self.bm.start_crawl(srv.url("/"), os.path.join(self.tmp, "cd.db"))
        stop_after(proc, srv, 5, timeout=30)
        log = srv.requests()
        self.assertGreaterEqual(len(log), 3, "too few requests to judge: %s" % [r.target for r in log])
        self.assertGaps(log, 1.9)

    def test_r02_robots_503_fetches_nothing(self):
        srv = self.serve(self.site(4), rebase=gensite.BASE, robots_status=503)
        db = os.path.join(self.tmp, "r503.db")
        r = self.bm.crawl(srv.url("/"), db, "--delay", "0", timeout=90)
        self.assertFalse(r.timed_out, r.describe())
        others = [x.target for x in srv.requests() if x.target != "/robots.txt"]
        self.assertEqual(others, [], "robots.txt answered 503, yet pages were fetched")
        if r.returncode == 0:
            self.assertEqual(self.bm.table("posts", db), [], "exit 0 after a 503 robots.txt must mean no posts")

    def test_r01_robots_404_allows_all(self):
        srv = self.serve(self.site(4), rebase=gensite.BASE, robots_status=404)
        db = os.path.join(self.tmp, "r404.db")
        r = self.bm.crawl(srv.url("/"), db, "--delay", "0", timeout=90)
        self.assertExit(r, 0)
        log = srv.requests()
        self.assertEqual(log[0].target, "/robots.txt")
        self.assertGreater(len(log), 1, "robots.txt 404 means no restriction, yet nothing was fetched")
        self.assertGreater(len(self.bm.table("posts", db)), 0)

    def test_user_agent(self):
        site = self.site(3)
        srv = self.serve(site, rebase=gensite.BASE)
        r = self.bm.crawl(srv.url("/"), os.path.join(self.tmp, "ua.db"), "--delay", "0")
        self.assertExit(r, 0)
        agents = {x.agent for x in srv.requests()}
        self.assertTrue(agents and all("blogmap" in a.lower() for a in agents), agents)
        mine = "blogmap-e2e/0.1 (+https://example.org/bot)"
        srv2 = self.serve(site, rebase=gensite.BASE)
        r = self.bm.crawl(srv2.url("/"), os.path.join(self.tmp, "ua2.db"), "--delay", "0", "--user-agent", mine)
        self.assertExit(r, 0)
        agents = {x.agent for x in srv2.requests()}
        self.assertTrue(agents and all(mine in a for a in agents), agents)


if __name__ == "__main__":
    unittest.main()
