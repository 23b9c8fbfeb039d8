"""The link-graph research commands (issue 4) on a generated blog, crawled
once: `backlinks` and `outlinks` of every post against expected/edges.tsv,
`path` for random pairs against a breadth-first search over the same edges
(directed and --undirected, every chain checked link by link), `hubs`
against a PageRank computed here, `orphans --unreachable` against
expected/unreachable.tsv (gensite hides some posts from every page, so only
the sitemap lists them), `--allow`, the sentence around each link, the four
output formats, and the errors.

The blog has 600 posts (BLOGMAP_E2E_SLOW=1 or --slow: 2,000, as issue 4's
acceptance asks; --sanitized: 150). The binary is run once per post asked
about, in parallel on every CPU."""
import html
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import unittest
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import gensite
import server
from run import (SLOW_ENV, Blogmap, E2ETestCase, binary, parse_csv, parse_tsv, same_title, sanitized,
                 scaled)

POSTS = scaled(2000 if os.environ.get(SLOW_ENV) == "1" else 600, 150)
HIDDEN = scaled(12, 4)
PAIRS = scaled(200, 60)
OUTLINK_SAMPLE = scaled(150, 40)
HEADERS = {
    "links": ["url", "title", "kind", "anchor", "sentence"],
    "hubs": ["rank", "url", "title", "topic", "pagerank", "inbound", "outbound"],
    "path": ["step", "url", "title", "link"],
    "orphans": ["url", "title", "date"],
}
# gensite's inline link sentences, {t} the target's title (tags stripped)
INLINE_SENTENCES = [re.sub(r"<[^>]+>", "", f.replace("{h}", "")) for f in gensite.INLINE_FORMS] + [
    "Update: a later look, {t}, picks this up."]


def run_many(argvs):
    """Run the binary once per argv, in parallel; [(returncode, stdout, stderr)]."""
    def one(argv):
        p = subprocess.run([binary()] + argv, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=300)
        return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(one, argvs))


def bfs(adj, start):
    dist = {start: 0}
    todo = deque([start])
    while todo:
        u = todo.popleft()
        for v in adj.get(u, ()):
            if v not in dist:
                dist[v] = dist[u] + 1
                todo.append(v)
    return dist


def pagerank(nodes, edges, d=0.85):
    """PageRank by power iteration to 1e-13, dangling rank spread evenly."""
    n = len(nodes)
    out = {u: 0 for u in nodes}
    for s, _ in edges:
        out[s] += 1
    rank = {u: 1.0 / n for u in nodes}
    for _ in range(1000):
        dangling = sum(rank[u] for u in nodes if not out[u])
        nxt = {u: (1 - d + d * dangling) / n for u in nodes}
        for s, t in edges:
            nxt[t] += d * rank[s] / out[s]
        change = sum(abs(nxt[u] - rank[u]) for u in nodes)
        rank = nxt
        if change < 1e-13:
            break
    return rank


class ResearchLinksTest(E2ETestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = cls.class_tmp()
        cls.fixture = os.path.join(cls.tmp, "gen")
        gensite.generate(cls.fixture, posts=POSTS, seed=11, hidden=HIDDEN)
        srv = cls.class_server(cls.fixture, rebase=gensite.BASE)
        cls.db = os.path.join(cls.tmp, "links.db")
        argv = [binary()] + Blogmap().crawl_argv(srv.url("/"), cls.db, "--delay", "0", "--quiet")
        cls.crawl = subprocess.run(argv, capture_output=True, timeout=600)
        srv.stop()
        base = srv.base
        cls.rebase = staticmethod(lambda s: server.rebase_text(s, gensite.BASE, base))
        cls.expected = gensite.load_expected(cls.fixture, cls.rebase)
        cls.posts = sorted(p[0] for p in cls.expected["posts"])
        cls.titles = {p[0]: same_title(p[1]) for p in cls.expected["posts"]}
        cls.inbound, cls.outbound = {}, {}
        for s, t, k in cls.expected["edges"]:
            cls.inbound.setdefault(t, set()).add((s, k))
            cls.outbound.setdefault(s, set()).add((t, k))

    def crawled(self):
        self.assertEqual(self.crawl.returncode, 0, self.crawl.stderr.decode("utf-8", "replace"))
        return self.db

    def run_ok(self, *args):
        r = self.bm.run(*args)
        self.assertExit(r, 0)
        return r

    def tsv(self, *args):
        rows = parse_tsv(self.run_ok(*args, "--db", self.crawled(), "--format", "tsv").stdout)
        return rows

    # ---- backlinks and outlinks ---------------------------------------------------
    def check_all_links(self, command, truth, posts):
        db = self.crawled()
        results = run_many([[command, u, "--db", db, "--format", "tsv"] for u in posts])
        bad = []
        for url, (code, out, err) in zip(posts, results):
            self.assertEqual(code, 0, "%s %s: %s" % (command, url, err))
            self.assertEqual(out.split("\n", 1)[0].split("\t"), HEADERS["links"])
            rows = parse_tsv(out)
            got = {(r["url"], r["kind"]) for r in rows}
            if got != truth.get(url, set()) or len(rows) != len(got):
                bad.append((url, sorted(got ^ truth.get(url, set()))[:4]))
            for r in rows:
                self.assertEqual(same_title(r["title"]), self.titles[r["url"]], r)
        self.assertEqual(bad, [], "%s differs from expected/edges.tsv for %d of %d posts"
                         % (command, len(bad), len(posts)))
        return results

    def test_backlinks_every_post(self):
        results = self.check_all_links("backlinks", self.inbound, self.posts)
        self.assertEqual(sum(len(out.splitlines()) - 1 for _, out, _ in results),
                         len(self.expected["edges"]))
        self.check_sentences(results)

    def test_outlinks(self):
        """Outlinks of the posts with the most links out, and a sample of the rest
        (every post's outbound set is every other post's inbound one, checked above)."""
        busiest = sorted(self.posts, key=lambda u: -len(self.outbound.get(u, ())))[:20]
        sample = random.Random(3).sample(self.posts, min(len(self.posts), OUTLINK_SAMPLE))
        posts = sorted(set(busiest + sample))
        results = self.check_all_links("outlinks", self.outbound, posts)
        self.assertGreater(sum(len(out.splitlines()) - 1 for _, out, _ in results), len(posts))

    def stored_contexts(self):
        """{(source, target): [context]} of the body links, from the database."""
        out = {}
        with sqlite3.connect(self.crawled()) as c:
            for s, t, ctx in c.execute("SELECT s.url, d.url, l.context FROM links l"
                                       " JOIN pages s ON s.id = l.src_id"
                                       " JOIN pages d ON d.id = l.dst_id"):
                out.setdefault((s, t), []).append(ctx or "")
        return out

    def check_sentences(self, results):
        """A sentence holds its anchor, or is the whole stored line when the
        line (cut at 400 characters) lost the anchor. Every related link's
        sentence is its list line exactly; nearly every inline link's is the
        sentence gensite wrote around it (a generic anchor, 'here', may also
        occur earlier in the line, and long lines are cut)."""
        contexts = self.stored_contexts()
        inline = exact = related = cut = 0
        for url, (_, out, _) in zip(self.posts, results):
            title = html.unescape(self.titles[url])
            for r in parse_tsv(out):
                lines = contexts.get((r["url"], url), [])
                if any(r["anchor"].lower() in x.lower() for x in lines):
                    self.assertIn(r["anchor"].lower(), r["sentence"].lower(), r)
                else:
                    cut += 1
                    self.assertIn(r["sentence"], [same_title(x) for x in lines], r)
                if r["kind"] == "related":
                    related += 1
                    items = {title, '"%s"' % title, "%s (with charts)" % title}
                    self.assertIn(same_title(r["sentence"]), items | {"- " + x for x in items}, r)
                    continue
                inline += 1
                forms = {same_title(f.format(t=title)) for f in INLINE_SENTENCES}
                exact += same_title(r["sentence"]) in forms
        self.assertGreater(related, 0)
        self.assertGreater(inline, 0)
        self.assertGreaterEqual(exact, 0.9 * inline, "%d of %d inline sentences as written"
                                % (exact, inline))
        self.assertLess(cut, 0.02 * (inline + related), "anchors lost from the stored lines")

    def test_any_spelling_finds_the_post(self):
        db = self.crawled()
        url = max(self.posts, key=lambda u: len(self.inbound.get(u, ())))
        want = self.run_ok("backlinks", url, "--db", db, "--format", "tsv").stdout
        self.assertGreater(len(parse_tsv(want)), 2)
        for spelling in (url + "?m=1", url + "#comments", url + "?utm_source=x&utm_medium=y",
                         url.replace("http://127.0.0.1", "HTTP://127.0.0.1")):
            with self.subTest(spelling=spelling):
                self.assertEqual(self.run_ok("backlinks", spelling, "--db", db, "--format",
                                             "tsv").stdout, want)

    def test_renamed_post_by_old_url(self):
        routes = gensite.read_tsv(os.path.join(self.fixture, "site", "_routes.tsv"))
        db = self.crawled()
        with sqlite3.connect(db) as c:      # old URLs the crawl met (some post linked them)
            known = {u for (u,) in c.execute("SELECT url FROM pages WHERE redirect_to IS NOT NULL")}
        renamed = [(self.rebase(gensite.BASE + p), self.rebase(loc)) for p, status, loc in routes
                   if status == "301" and self.rebase(gensite.BASE + p) in known]
        self.assertTrue(renamed)
        for old, new in renamed[:3]:
            with self.subTest(old=old):
                a = self.run_ok("outlinks", old, "--db", db, "--format", "tsv").stdout
                self.assertEqual(a, self.run_ok("outlinks", new, "--db", db, "--format", "tsv").stdout)

    # ---- path -----------------------------------------------------------------------
    def check_paths(self, undirected):
        db = self.crawled()
        adj = {}
        kinds = {}
        for s, t, k in self.expected["edges"]:
            adj.setdefault(s, set()).add(t)
            kinds[(s, t)] = k
            if undirected:
                adj.setdefault(t, set()).add(s)
        rng = random.Random(17 + undirected)
        pairs = [tuple(rng.sample(self.posts, 2)) for _ in range(PAIRS)]
        extra = ["--undirected"] if undirected else []
        results = run_many([["path", a, b, "--db", db, "--format", "tsv"] + extra for a, b in pairs])
        found = 0
        for (a, b), (code, out, err) in zip(pairs, results):
            want = bfs(adj, a).get(b)
            if want is None:
                self.assertEqual(code, 1, "path %s %s: want none, got\n%s" % (a, b, out))
                self.assertIn("no chain", err)
                continue
            found += 1
            self.assertEqual(code, 0, "path %s %s: %s" % (a, b, err))
            rows = parse_tsv(out)
            self.assertEqual(len(rows) - 1, want, "path %s %s:\n%s" % (a, b, out))
            self.assertEqual([int(r["step"]) for r in rows], list(range(want + 1)))
            self.assertEqual((rows[0]["url"], rows[-1]["url"]), (a, b))
            self.assertEqual(rows[-1]["link"], "")
            for x, y in zip(rows, rows[1:]):
                u, v = x["url"], y["url"]
                link = kinds.get((u, v)) or "reverse " + kinds.get((v, u), "?")
                self.assertEqual(x["link"], link, "step %s -> %s" % (u, v))
                self.assertTrue(undirected or not link.startswith("reverse"))
        self.assertGreater(found, PAIRS // 4, "too few pairs are joined to test anything")
        return found

    def test_path_lengths_directed(self):
        found = self.check_paths(False)
        self.assertLess(found, PAIRS, "every pair joined: the no-path case is untested")

    def test_path_lengths_undirected(self):
        self.check_paths(True)

    def test_path_to_itself(self):
        rows = self.tsv("path", self.posts[0], self.posts[0])
        self.assertEqual([(r["step"], r["url"], r["link"]) for r in rows], [("0", self.posts[0], "")])

    # ---- hubs -----------------------------------------------------------------------
    def test_hubs_pagerank(self):
        rows = self.tsv("hubs")
        self.assertEqual(sorted(r["url"] for r in rows), self.posts)
        edges = [(s, t) for s, t, _ in self.expected["edges"]]
        want = pagerank(self.posts, edges)
        self.assertEqual([int(r["rank"]) for r in rows], list(range(1, len(rows) + 1)))
        got = [float(r["pagerank"]) for r in rows]
        self.assertEqual(got, sorted(got, reverse=True))
        self.assertAlmostEqual(sum(got), 1.0, delta=1e-3)
        for r in rows:
            self.assertLess(abs(float(r["pagerank"]) - want[r["url"]]), 1e-5, r)
            self.assertEqual(int(r["inbound"]), len(self.inbound.get(r["url"], ())), r)
            self.assertEqual(int(r["outbound"]), len(self.outbound.get(r["url"], ())), r)
        self.assertEqual(rows[0]["url"], max(self.posts, key=lambda u: want[u]))

    def test_hubs_top_and_topic(self):
        rows = self.tsv("hubs")
        self.assertEqual(self.tsv("hubs", "--top", "10"), rows[:10])
        topics = {}
        for r in rows:
            topics.setdefault(r["topic"], []).append(r["url"])
        self.assertTrue(all(t for t in topics), "a post without a topic")
        for topic, urls in topics.items():
            with self.subTest(topic=topic):
                got = self.tsv("hubs", "--topic", topic)
                self.assertEqual([r["url"] for r in got], urls)
                self.assertEqual([int(r["rank"]) for r in got], list(range(1, len(urls) + 1)))

    # ---- orphans: editorial and unreachable -----------------------------------------
    def test_unreachable_exactly_the_hidden_posts(self):
        want = self.expected["unreachable"]
        self.assertEqual(len(want), HIDDEN)
        got = [r["url"] for r in self.tsv("orphans", "--unreachable")]
        self.assertEqual(got, sorted(got))
        self.assertSameSet(got, want, "orphans --unreachable")
        # the two notions differ: every hidden post is also an editorial orphan
        orphans = {r["url"] for r in self.tsv("orphans")}
        self.assertSameSet(orphans, self.expected["orphans"], "orphans")
        self.assertLess(want, orphans)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_allow_list(self):
        hidden = sorted(self.expected["unreachable"])
        editorial = sorted(self.expected["orphans"] - self.expected["unreachable"])
        missing = self.rebase(gensite.BASE + "/2001/01/never-written.html")
        allow = self.write("allow.txt", "# intentional orphans\n\n  %s?m=1   # kept on purpose\n"
                                        "%s#top\n%s\n" % (hidden[0], editorial[0], missing))
        db = self.crawled()
        r = self.run_ok("orphans", "--allow", allow, "--db", db, "--format", "tsv")
        self.assertSameSet({x["url"] for x in parse_tsv(r.stdout)},
                           self.expected["orphans"] - {hidden[0], editorial[0]}, "orphans --allow")
        self.assertIn("allow.txt:5:", r.stderr)
        self.assertIn(missing, r.stderr)
        r = self.run_ok("orphans", "--unreachable", "--allow", allow, "--db", db, "--format", "tsv")
        self.assertSameSet({x["url"] for x in parse_tsv(r.stdout)}, set(hidden[1:]),
                           "orphans --unreachable --allow")

    def test_allow_list_errors(self):
        db = self.crawled()
        cases = [("bad-url.txt", "# list\nnot a url at all\n", "bad-url.txt:2:"),
                 ("two-words.txt", "%s extra\n" % self.posts[0], "two-words.txt:1:"),
                 ("scheme.txt", "\n\nftp://127.0.0.1/x\n", "scheme.txt:3:")]
        for name, text, where in cases:
            with self.subTest(name=name):
                r = self.bm.run("orphans", "--allow", self.write(name, text), "--db", db)
                self.assertExit(r, 1)
                self.assertIn(where, r.stderr)
                self.assertEqual(r.stdout, "")
        missing = os.path.join(self.tmp, "no-such-allow.txt")
        r = self.bm.run("orphans", "--allow", missing, "--db", db)
        self.assertExit(r, 1)
        self.assertIn(missing, r.stderr)

    def test_unreachable_needs_nav(self):
        db = os.path.join(self.tmp, "old-crawl.db")
        shutil.copy(self.crawled(), db)
        with sqlite3.connect(db) as c:
            c.execute("DELETE FROM nav")
        r = self.bm.run("orphans", "--unreachable", "--db", db, "--format", "tsv")
        self.assertExit(r, 1)
        self.assertIn("crawl it again", r.stderr)
        self.assertIn("old-crawl.db", r.stderr)
        self.assertExit(self.bm.run("orphans", "--db", db), 0)

    # ---- formats ----------------------------------------------------------------------
    def format_cases(self):
        hub = max(self.posts, key=lambda u: len(self.inbound.get(u, ())))
        src = max(self.posts, key=lambda u: len(self.outbound.get(u, ())))
        return [("links", ["backlinks", hub]), ("links", ["outlinks", src]),
                ("hubs", ["hubs", "--top", "25"]), ("path", ["path", src, hub, "--undirected"]),
                ("orphans", ["orphans", "--unreachable"])]

    def test_formats_agree(self):
        db = self.crawled()
        for kind, argv in self.format_cases():
            with self.subTest(command=argv[0]):
                out = {f: self.run_ok(*argv, "--db", db, "--format", f).stdout
                       for f in ("tsv", "csv", "json", "table")}
                self.assertEqual(out["tsv"].split("\n", 1)[0].split("\t"), HEADERS[kind])
                tsv = parse_tsv(out["tsv"])
                self.assertTrue(tsv)
                self.assertEqual(parse_csv(out["csv"]), tsv)
                data = json.loads(out["json"])
                self.assertEqual([{k: str(v) for k, v in row.items()} for row in data], tsv)
                lines = out["table"].rstrip("\n").split("\n")
                self.assertEqual(lines[0].split(), HEADERS[kind])
                self.assertEqual(len(lines), len(tsv) + 1)
                self.assertEqual(self.run_ok(*argv, "--db", db).stdout, out["tsv"],
                                 "not a terminal: tsv by default")

    def test_json_numbers(self):
        data = json.loads(self.run_ok("hubs", "--top", "3", "--db", self.crawled(), "--format",
                                      "json").stdout)
        self.assertEqual([row["rank"] for row in data], [1, 2, 3])
        self.assertIsInstance(data[0]["inbound"], int)

    # ---- errors ------------------------------------------------------------------------
    def test_errors(self):
        db = self.crawled()
        nowhere = self.rebase(gensite.BASE + "/2001/01/never-written.html")
        archive = self.rebase(gensite.BASE + "/")
        cases = [
            (["backlinks", nowhere], 1, nowhere), (["outlinks", archive], 1, archive),
            (["path", self.posts[0], nowhere], 1, nowhere),
            (["backlinks", "not a url"], 2, "not a url"), (["backlinks"], 2, "URL"),
            (["backlinks", self.posts[0], self.posts[1]], 2, "backlinks"),
            (["path", self.posts[0]], 2, "FROM"), (["hubs", "extra"], 2, "hubs"),
            (["hubs", "--top", "0"], 2, "--top"), (["hubs", "--top", "ten"], 2, "ten"),
            (["hubs", "--topic", "no-such-theme"], 2, "no-such-theme"),
            (["backlinks", self.posts[0], "--undirected"], 2, "--undirected"),
            (["path", self.posts[0], self.posts[1], "--top", "3"], 2, "--top"),
            (["outlinks", self.posts[0], "--format", "yaml"], 2, "yaml"),
            (["orphans", "--format", "yaml"], 2, "yaml"), (["orphans", "extra"], 2, "extra"),
            (["orphans", "--no-such-option"], 2, "no-such-option"),
        ]
        for argv, code, needle in cases:
            with self.subTest(argv=argv):
                r = self.bm.run(*argv, "--db", db)
                self.assertExit(r, code)
                self.assertIn(needle, r.stderr)
                self.assertEqual(r.stdout, "")

    def test_no_path_message(self):
        orphan = sorted(self.expected["orphans"])[0]
        r = self.bm.run("path", self.posts[0], orphan, "--db", self.crawled())
        self.assertExit(r, 1)
        self.assertIn("no chain", r.stderr)
        self.assertIn(orphan, r.stderr)
        self.assertIn("--undirected", r.stderr)

    def test_missing_database(self):
        path = os.path.join(self.tmp, "nowhere.db")
        for argv in (["backlinks", self.posts[0]], ["outlinks", self.posts[0]], ["hubs"],
                     ["path", self.posts[0], self.posts[1]], ["orphans", "--unreachable"]):
            with self.subTest(command=argv[0]):
                r = self.bm.run(*argv, "--db", path)
                self.assertExit(r, 1)
                self.assertIn("nowhere.db", r.stderr)
                self.assertFalse(os.path.exists(path))

    def test_help(self):
        for argv, opts in ((["backlinks"], ()), (["outlinks"], ()), (["hubs"], ("--top", "--topic")),
                           (["path"], ("--undirected",)), (["orphans"], ("--unreachable", "--allow"))):
            with self.subTest(command=argv[0]):
                r = self.run_ok(*argv, "--help")
                self.assertIn("usage: blogmap %s" % argv[0], r.stdout)
                for opt in ("--db", "--format") + opts:
                    self.assertIn(opt, r.stdout)


if __name__ == "__main__":
    unittest.main()
