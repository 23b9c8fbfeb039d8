"""Pacing under strain (issue 5): a host that slows down or answers 503
makes the crawl slow down by itself, one request at a time, and the
connection cap holds at every setting. Each test first shows that the crawl
was running several requests at once before the strain, so the checks after
it can fail."""
import os
import unittest

import gensite
import server
from run import E2ETestCase


class PacingTest(E2ETestCase):

    def site(self, posts):
        out = os.path.join(self.tmp, "site-%d" % posts)
        gensite.generate(out, posts=posts, seed=4)
        return out

    def pages(self, srv):
        return [r for r in srv.requests() if r.target != "/robots.txt"]

    def test_rising_latency(self):
        start, latency = 30, 0.3
        # answers take 20 ms before the strain, so four requests at once show
        srv = self.serve(self.site(40), rebase=gensite.BASE,
                         strain=("latency", start, latency, 0.02))
        db = os.path.join(self.tmp, "lat.db")
        r = self.bm.crawl(srv.url("/"), db, "--delay", "0", "--concurrency", "4", timeout=120)
        self.assertExit(r, 0)
        reqs = self.pages(srv)
        self.assertGreater(len(reqs), start + 30, "too few requests to judge")
        self.assertGreaterEqual(server.in_flight_max(reqs[:start]), 2,
                                "the crawl never ran requests in parallel before the strain")
        # a few answers raise the moving mean past the threshold; after that
        # one request at a time, each start at least a response time apart
        late = reqs[start + 16:]
        self.assertEqual(server.overlapping(late), [], "parallel requests while the host was slow")
        gaps = server.start_gaps(late)
        self.assertGreaterEqual(min(gaps), latency * 0.9, "requests closer than the latency")
        self.assertIn("slowed down", r.stderr)
        self.assertEqual(len(self.bm.table("posts", db)), 40)

    def test_busy_answers(self):
        start, busy = 30, 3
        srv = self.serve(self.site(50), rebase=gensite.BASE, strain=("busy", start, busy, 0.02))
        db = os.path.join(self.tmp, "busy.db")
        r = self.bm.crawl(srv.url("/"), db, "--delay", "0", "--concurrency", "4", timeout=120)
        self.assertExit(r, 0)
        reqs = self.pages(srv)
        self.assertGreaterEqual(server.in_flight_max(reqs[:start]), 2,
                                "the crawl never ran requests in parallel before the strain")
        refused = next(q for q in reqs if q.status == 503)
        # requests started in the instant before the crawler read the first
        # 503 go on; then nothing for a while (a second, a quarter less for
        # each good answer of a request still in flight), then one request
        # at a time, the gap shrinking as the host answers again, until the
        # crawl is back to full speed
        seen = refused.end + 0.05
        early = [q for q in reqs if seen < q.start < refused.end + 0.3]
        self.assertEqual(early, [], "requests went on at once after a 503")
        after = [q for q in reqs if q.start > seen]
        self.assertGreater(len(after), 5)
        self.assertEqual(server.overlapping(after[:4]), [], "parallel requests after a 503")
        self.assertLess(min(server.start_gaps(after)), 0.05, "the crawl never sped up again")
        self.assertIn("slowed down", r.stderr)
        self.assertEqual(len(self.bm.table("posts", db)), 50, "a post answered 503 was not retried")

    def test_connection_cap(self):
        # every answer takes 50 ms (a calm host, never strained), so that
        # parallel requests overlap at the server even when a slow build
        # (sanitizers) reads answers one at a time
        srv = self.serve(self.site(30), rebase=gensite.BASE, strain=("latency", 10 ** 9, 0, 0.05))
        db = os.path.join(self.tmp, "cap.db")
        r = self.bm.crawl(srv.url("/"), db, "--delay", "0", "--concurrency", "3", timeout=120)
        self.assertExit(r, 0)
        reqs = srv.requests()
        until = max(q.end for q in reqs) + 1
        most = server.in_flight_max(reqs)
        self.assertLessEqual(most, 3, "more than 3 requests in flight")
        self.assertGreaterEqual(most, 2, "requests never ran in parallel: the check proves nothing")
        self.assertLessEqual(server.open_max(srv.connections(), until), 3, "more than 3 connections open")
        self.assertNotIn("slowed down", r.stderr, "a calm host was treated as strained")


if __name__ == "__main__":
    unittest.main()
