"""Themes and the topic map on the sample blog (examples/sample-blog).

The class crawls the sample blog once, from its mirror directory, and every
test reads that database: `posts` and `topics` (the classification into
flywheel, inequality, big-tech and other), a topics.conf beside the database
or given with --topics, bad topics files, `classify` on drafts, and `map` in
every format with its filters. A test that changes the database (new themes)
works on a copy. Expected values come from examples/sample-blog/expected/.
"""
import contextlib
import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET
from collections import Counter

import gensite
from run import DEFAULT_TIMEOUT, ROOT, Blogmap, E2ETestCase, fetch_rows, parse_tsv, same_title

FIXTURE = os.path.join(ROOT, "examples", "sample-blog")
SITE = os.path.join(FIXTURE, "site")
ORIGIN = "https://flywheel-notes.blogspot.com"
THEMES = ("flywheel", "inequality", "big-tech")        # built-in, in order
ALL_THEMES = THEMES + ("other",)
GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"
GEXF_NS = "{http://gexf.net/1.3}"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

# The seed post, reproduced as /2024/01/teslas-500-million-dojo-bet-and-hyper.html,
# lists these posts ("If interested see", "And the links we embedded in that
# post", "And related", "And the rich get richer"). The theme is the one a
# reader gives each: flywheel = competitive advantage and feedback loops,
# inequality = who gets the gains (distribution, rich get richer),
# big-tech = the tech companies, their AI, chips and quantum computers.
SEED_POST = "/2024/01/teslas-500-million-dojo-bet-and-hyper.html"
SEED_LISTED = {
    # HBR—From Pareto To Hyper-Pareto: the 80/20 distribution of the gains
    "/2023/09/hbrfrom-pareto-to-hyper-pareto-ai-is.html": "inequality",
    # "a rich-get-richer advantage akin to the flywheel effect"
    "/2021/05/competitive-advantage-and-feedback-loops.html": "flywheel",
    "/2022/02/how-to-think-about-companies-advantage.html": "flywheel",
    "/2021/09/flywheel-effect-why-positive-feedback.html": "flywheel",
    "/2022/10/analyzing-deepening-divide-in-learning.html": "flywheel",      # (plus advantage flywheels)
    "/2023/09/americas-biggest-firms-moat-is-becoming.html": "flywheel",     # the moat
    # "And related ... what, if anything, should society do about it?"
    "/2019/06/fhi-who-gets-benefits-of-artificial.html": "inequality",      # who gets the benefits
    "/2021/05/ai-designs-computer-chips-for-more.html": "big-tech",         # Google's AI chips
    "/2021/12/inside-big-techs-high-stakes-race-for.html": "big-tech",      # quantum supremacy race
    "/2022/01/not-into-quantum-computers-then-youve.html": "big-tech",      # quantum computers
    # "And the rich get richer."
    "/2020/08/the-concentration-of-economic-power-has.html": "inequality",
    "/2022/10/an-ai-payout-should-companies.html": "inequality",            # remunerate society
    "/2019/02/how-amazon-rebuilt-itself-around.html": "big-tech",           # Amazon's AI
    "/2018/10/a-very-smart-look-at-income-inequality.html": "inequality",
    "/2019/09/facebook-google-and-amazon-wield-power.html": "big-tech",
    "/2019/04/hbr-corporations-in-age-of-inequality.html": "inequality",
    "/2020/11/why-do-biggest-companies-keep-getting.html": "big-tech",      # how they spend on tech
}

# The energy and commodity posts, for a [markets] theme of our own.
MARKET_POSTS = {
    "/2022/07/copper-cobalt-and-long-squeeze.html",
    "/2023/11/natural-gas-storage-and-winter-ahead.html",
    "/2024/03/oil-opec-and-futures-curve.html",
}
# "futures" alone would also take the FHI post: porter stems its "Future of
# Humanity Institute" to the same word. The phrase keeps the theme to markets.
MARKETS_CONF = """\
# only one theme: markets
[markets]
label = Markets
color = #8C564B
terms = oil, gas, copper, futures curve
"""
QUANTUM_POSTS = {
    "/2021/12/inside-big-techs-high-stakes-race-for.html",
    "/2022/01/not-into-quantum-computers-then-youve.html",
}
QUANTUM_CONF = "[quantum]\ncolor = #abc\nterms = quantum\n"

FLYWHEEL_DRAFT = """\
Why flywheels win

A flywheel is a set of positive feedback loops: each turn of the wheel makes
the next one easier. Competitive advantage compounds through network effects
and economies of scale, and the moat widens with every feedback loop.
"""
OIL_DRAFT = """\
Brent and the shape of the curve

Brent crude futures moved into steep backwardation this week as OPEC extended
its production cuts; the front-month contract trades well above the December
barrel, and refiners are drawing down their inventories.
"""


def url(path):
    return ORIGIN + path


def db_content(db):
    """Every row of every ordinary table (the FTS shadow tables included),
    sorted: equal before and after means the database did not change."""
    with contextlib.closing(sqlite3.connect(db)) as c:
        names = [r[0] for r in c.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
            " and sql not like 'CREATE VIRTUAL%' order by name")]
        return {n: sorted(map(repr, c.execute('select * from "%s"' % n))) for n in names}


def post_text_rows(db):
    with contextlib.closing(sqlite3.connect(db)) as c:
        return c.execute("select count(*) from post_text").fetchone()[0]


def parse_graphml(text):
    """GraphML -> ({node id: {key: value}}, [(source id, target id, kind)])."""
    root = ET.fromstring(text)
    graph = root.find(GRAPHML_NS + "graph")
    if graph is None:
        raise AssertionError("no <graph> in the GraphML")
    nodes = {}
    for n in graph.iter(GRAPHML_NS + "node"):
        nodes[n.get("id")] = {d.get("key"): d.text or "" for d in n.findall(GRAPHML_NS + "data")}
    edges = []
    for e in graph.iter(GRAPHML_NS + "edge"):
        data = {d.get("key"): d.text or "" for d in e.findall(GRAPHML_NS + "data")}
        edges.append((e.get("source"), e.get("target"), data.get("kind")))
    return nodes, edges


def svg_groups(root, cls):
    """The <g class=CLS> elements of an SVG, as (title, element)."""
    out = []
    for g in root.iter(SVG_NS + "g"):
        if g.get("class") == cls:
            t = g.find(SVG_NS + "title")
            out.append(((t.text or "") if t is not None else "", g))
    return out


def svg_texts(g):
    return [t.text or "" for t in g.iter(SVG_NS + "text")]


def neighbourhood(edges, start, depth):
    """Posts within DEPTH links of START, following links either way."""
    seen, frontier = {start}, {start}
    for _ in range(depth):
        nxt = set()
        for s, t in edges:
            if s in frontier and t not in seen:
                nxt.add(t)
            if t in frontier and s not in seen:
                nxt.add(s)
        seen |= nxt
        frontier = nxt
    return seen


class TopicsMapTest(E2ETestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ctmp = cls.class_tmp()
        cls.cbm = Blogmap(workdir=cls.ctmp)
        os.mkdir(os.path.join(cls.ctmp, "crawl"))
        cls.db = os.path.join(cls.ctmp, "crawl", "sample.db")
        cls.crawl_result = cls.cbm.crawl(ORIGIN + "/", cls.db, "--mirror", SITE, "--delay", "0")
        exp = gensite.load_expected(FIXTURE)
        cls.exp_posts = {u: (t, d) for u, t, d in exp["posts"]}
        cls.exp_edges = {(s, t): k for s, t, k in exp["edges"]}
        cls.exp_orphans = set(exp["orphans"])
        cls.exp_topics = dict(gensite.read_tsv(os.path.join(FIXTURE, "expected", "topics.tsv")))
        # The first report classifies the posts with the built-in themes;
        # every later run on this database finds them classified.
        cls.posts_out = None
        if cls.crawl_result.returncode == 0:
            r = cls.cbm.run("posts", "--db", cls.db, "--format", "tsv", timeout=60)
            if r.returncode == 0:
                cls.posts_out = r.stdout

    # ---- helpers ----------------------------------------------------------------
    def crawled(self):
        self.assertExit(self.crawl_result, 0)
        self.assertIsNotNone(self.posts_out, "'blogmap posts' failed on the crawled database")
        return self.db

    def ok(self, *args, timeout=DEFAULT_TIMEOUT):
        r = self.bm.run(*args, timeout=timeout)
        self.assertExit(r, 0)
        return r

    def table(self, *args):
        return parse_tsv(self.ok(*args, "--format", "tsv").stdout)

    def posts(self, db=None, *args):
        return {r["url"]: r for r in self.table("posts", "--db", db or self.crawled(), *args)}

    def copy_db(self, name="copy"):
        """A copy of the classified class database, alone in a new directory."""
        src = self.crawled()
        d = tempfile.mkdtemp(prefix=name + "-", dir=self.tmp)
        dst = os.path.join(d, "sample.db")
        shutil.copyfile(src, dst)
        return dst

    def graph(self, *args, db=None):
        """`map` as GraphML on stdout -> ({url: node data}, {(src url, dst url): kind})."""
        r = self.ok("map", "--db", db or self.crawled(), "-o", "-", "--format", "graphml", "-q", *args)
        nodes, edges = parse_graphml(r.stdout)
        by_id = {i: d.get("url") for i, d in nodes.items()}
        self.assertEqual(len(set(by_id.values())), len(nodes), "two GraphML nodes share a url")
        return ({d["url"]: d for d in nodes.values()},
                {(by_id[s], by_id[t]): k for s, t, k in edges})

    def expected_edges_among(self, urls):
        return {(s, t): k for (s, t), k in self.exp_edges.items() if s in urls and t in urls}

    def theme_urls(self, *themes):
        return {u for u, th in self.exp_topics.items() if th in themes}

    def builtin_threshold(self):
        text = self.ok("topics", "--print-default").stdout
        m = re.search(r"^\s*threshold\s*=\s*([0-9.]+)", text, re.M)
        self.assertIsNotNone(m, "no threshold in the built-in topics.conf")
        return float(m.group(1))

    # ---- 1. classification of the sample blog -------------------------------------
    def test_seed_listed_posts_land_in_the_readers_theme(self):
        """Acceptance: every post the seed post lists is classified into the
        theme a reader would give it (flywheel, inequality or big-tech)."""
        # the table is the seed's list: the Dojo post's related-posts links
        listed = {t for (s, t), k in self.exp_edges.items() if s == url(SEED_POST) and k == "related"}
        self.assertEqual(set(map(url, SEED_LISTED)), listed, "SEED_LISTED is not the seed's list")
        self.assertEqual({url(p): th for p, th in SEED_LISTED.items()},
                         {url(p): self.exp_topics.get(url(p)) for p in SEED_LISTED},
                         "SEED_LISTED disagrees with expected/topics.tsv")
        posts = self.posts()
        got = {p: posts[url(p)]["topic"] if url(p) in posts else "(not crawled)" for p in SEED_LISTED}
        self.assertEqual(got, SEED_LISTED)

    def test_whole_sample_blog_matches_expected_topics(self):
        """All 26 posts of the sample blog take the theme in expected/topics.tsv."""
        self.assertEqual(len(self.exp_topics), 26)
        posts = self.posts()
        self.assertEqual({u: r["topic"] for u, r in posts.items()}, self.exp_topics)

    # ---- 2. blogmap topics ----------------------------------------------------------
    def test_topics_table(self):
        """`topics --format tsv`: one row per theme in order, post counts and
        links within/out/in as expected/ implies, top_posts the most-linked."""
        r = self.ok("topics", "--db", self.crawled(), "--format", "tsv")
        header = r.stdout.split("\n", 1)[0].split("\t")
        self.assertEqual(header, ["topic", "label", "color", "posts", "links_within", "links_out",
                                  "links_in", "top_posts"])
        rows = parse_tsv(r.stdout)
        self.assertEqual([x["topic"] for x in rows], list(ALL_THEMES))
        counts = Counter(self.exp_topics.values())
        self.assertEqual({x["topic"]: int(x["posts"]) for x in rows}, {t: counts[t] for t in ALL_THEMES})
        want = {t: {"links_within": 0, "links_out": 0, "links_in": 0} for t in ALL_THEMES}
        for s, d in self.exp_edges:
            a, b = self.exp_topics[s], self.exp_topics[d]
            if a == b:
                want[a]["links_within"] += 1
            else:
                want[a]["links_out"] += 1
                want[b]["links_in"] += 1
        got = {x["topic"]: {k: int(x[k]) for k in ("links_within", "links_out", "links_in")} for x in rows}
        self.assertEqual(got, want)
        self.assertEqual(sum(v["links_within"] + v["links_out"] for v in got.values()), 60)
        self.assertEqual(len(self.exp_edges), 60)
        # top_posts: the theme's most-linked posts (ties in any order)
        posts = self.posts()
        by_title = {same_title(p["title"]): p for p in posts.values()}
        for x in rows:
            with self.subTest(topic=x["topic"]):
                mine = [p for p in posts.values() if p["topic"] == x["topic"]]
                self.assertTrue(x["top_posts"].strip(), "top_posts is empty")
                titles = [same_title(t) for t in x["top_posts"].split(" | ")]
                self.assertEqual(len(titles), min(3, len(mine)), titles)
                for t in titles:
                    self.assertIn(t, by_title, "top post %r is no post title" % t)
                    self.assertEqual(by_title[t]["topic"], x["topic"], t)
                shown = {by_title[t]["url"] for t in titles}
                low = min(int(by_title[t]["inbound"]) for t in titles)
                for p in mine:
                    if p["url"] not in shown:
                        self.assertLessEqual(int(p["inbound"]), low,
                                             "%s has more inbound links than a listed top post" % p["url"])

    def test_topics_links(self):
        """`topics --links`: links (and related links) from each theme to each
        theme; the rows add up to the 60 edges."""
        rows = self.table("topics", "--db", self.crawled(), "--links")
        self.assertEqual(list(rows[0].keys()), ["source_topic", "target_topic", "links", "related"])
        links, related = Counter(), Counter()
        for (s, d), kind in self.exp_edges.items():
            pair = (self.exp_topics[s], self.exp_topics[d])
            links[pair] += 1
            related[pair] += kind == "related"
        self.assertEqual({(x["source_topic"], x["target_topic"]): int(x["links"]) for x in rows if int(x["links"])},
                         dict(links))
        self.assertEqual({(x["source_topic"], x["target_topic"]): int(x["related"]) for x in rows
                          if int(x["links"])},
                         {p: related[p] for p in links})
        self.assertEqual(sum(int(x["links"]) for x in rows), 60)

    def test_topics_scores(self):
        """`topics --scores`: 26 posts x 3 themes, scores >= 0, and each
        post's topic is its best theme when that reaches the threshold."""
        rows = self.table("topics", "--db", self.crawled(), "--scores")
        self.assertEqual(list(rows[0].keys()), ["url", "topic", "theme", "score"])
        self.assertEqual(len(rows), 26 * 3)
        self.assertEqual(Counter((x["url"], x["theme"]) for x in rows),
                         Counter((u, t) for u in self.exp_topics for t in THEMES))
        threshold = self.builtin_threshold()
        scores = {}
        for x in rows:
            v = float(x["score"])
            self.assertGreaterEqual(v, 0.0, x)
            scores.setdefault(x["url"], {})[x["theme"]] = v
            self.assertEqual(x["topic"], self.exp_topics[x["url"]], x)
        for u, s in scores.items():
            best = max(s.values())
            with self.subTest(url=u):
                if self.exp_topics[u] == "other":
                    self.assertLess(best, threshold, s)
                else:
                    self.assertGreaterEqual(s[self.exp_topics[u]], threshold, s)
                    self.assertEqual(s[self.exp_topics[u]], best, s)

    def test_topics_json(self):
        """`topics --format json` is JSON with the same rows as the TSV."""
        r = self.ok("topics", "--db", self.crawled(), "--format", "json")
        data = json.loads(r.stdout)
        tsv = self.table("topics", "--db", self.crawled())
        self.assertEqual([d["topic"] for d in data], list(ALL_THEMES))
        self.assertEqual([{k: str(v) for k, v in d.items()} for d in data], tsv)

    # ---- 3. new themes without a new crawl ---------------------------------------
    def test_topics_conf_beside_db_reclassifies_without_fetching(self):
        """A topics.conf beside the database replaces the built-in themes on the
        next report, with no fetch; removing it brings the built-in ones back."""
        db = self.copy_db()
        fetches = len(fetch_rows(db))
        conf = os.path.join(os.path.dirname(db), "topics.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(MARKETS_CONF)
        posts = self.posts(db)
        self.assertEqual({u: p["topic"] for u, p in posts.items()},
                         {u: "markets" if u in set(map(url, MARKET_POSTS)) else "other" for u in self.exp_topics})
        rows = self.table("topics", "--db", db)
        self.assertEqual([(x["topic"], x["label"], x["color"], x["posts"]) for x in rows],
                         [("markets", "Markets", "#8c564b", "3"), ("other", "Other", "#9e9e9e", "23")])
        nodes, _ = self.graph(db=db)
        self.assertEqual({u for u, d in nodes.items() if d["theme"] == "markets"}, set(map(url, MARKET_POSTS)))
        self.assertEqual(len(fetch_rows(db)), fetches, "reclassifying fetched pages")
        os.remove(conf)
        self.assertEqual({u: p["topic"] for u, p in self.posts(db).items()}, self.exp_topics)
        self.assertEqual(len(fetch_rows(db)), fetches)

    def test_topics_option_overrides_file_beside_db(self):
        """--topics FILE wins over the topics.conf beside the database."""
        db = self.copy_db()
        with open(os.path.join(os.path.dirname(db), "topics.conf"), "w", encoding="utf-8") as f:
            f.write(MARKETS_CONF)
        alt = os.path.join(self.tmp, "quantum.conf")
        with open(alt, "w", encoding="utf-8") as f:
            f.write(QUANTUM_CONF)
        posts = self.posts(db, "--topics", alt)
        self.assertEqual({u: p["topic"] for u, p in posts.items()},
                         {u: "quantum" if u in set(map(url, QUANTUM_POSTS)) else "other" for u in self.exp_topics})
        rows = self.table("topics", "--db", db, "--topics", alt)
        self.assertEqual([(x["topic"], x["color"], x["posts"]) for x in rows],
                         [("quantum", "#aabbcc", "2"), ("other", "#9e9e9e", "24")])
        # and without the option the file beside the database applies again
        self.assertEqual({u for u, p in self.posts(db).items() if p["topic"] == "markets"},
                         set(map(url, MARKET_POSTS)))

    # ---- 4. bad topics.conf -----------------------------------------------------------
    def check_bad_conf(self, text, line, *fragments):
        """TEXT as topics.conf beside a copy of the database, and again through
        --topics: every command exits 1 naming the file (FILE:LINE: when LINE),
        with FRAGMENTS in the message, and the database is unchanged."""
        db = self.copy_db("bad")
        work = tempfile.mkdtemp(prefix="conf-", dir=self.tmp)
        before = db_content(db)
        beside = os.path.join(os.path.dirname(db), "topics.conf")
        other = os.path.join(work, "other.conf")
        for path in (beside, other):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        out_svg = os.path.join(work, "map.svg")
        draft = os.path.join(work, "draft.txt")
        runs = [
            (beside, ("posts", "--db", db)),
            (beside, ("topics", "--db", db)),
            (beside, ("map", "--db", db, "-o", out_svg)),
            (other, ("posts", "--db", db, "--topics", other)),
            (other, ("classify", draft, "--db", db, "--topics", other)),
        ]
        with open(draft, "w", encoding="utf-8") as f:
            f.write(FLYWHEEL_DRAFT)
        for path, args in runs:
            with self.subTest(command=args[0], conf=os.path.basename(path)):
                r = self.bm.run(*args)
                self.assertExit(r, 1)
                self.assertIn(path, r.stderr, "the message does not name the file")
                if line is not None:
                    self.assertIn("%s:%d:" % (path, line), r.stderr, "wrong or no line number")
                for frag in fragments:
                    self.assertIn(frag, r.stderr)
                self.assertEqual(r.stdout, "", "output despite the bad topics file")
        self.assertFalse(os.path.exists(out_svg), "map written despite the bad topics file")
        self.assertEqual(db_content(db), before, "the database changed")
        os.remove(beside)
        self.assertEqual(self.ok("posts", "--db", db, "--format", "tsv").stdout, self.posts_out)

    def test_bad_conf_unknown_key(self):
        """An unknown key is refused at its line."""
        self.check_bad_conf("# markets\n[markets]\nlabel = Markets\ncolor = #8c564b\n"
                            "terms = oil, gas\nsize = 3\n", 6, "size")

    def test_bad_conf_bad_colour(self):
        """A colour that is not #rrggbb or #rgb is refused at its line."""
        self.check_bad_conf("[markets]\nterms = oil, gas\n\n# the colour\ncolor = orange\n", 5, "orange")

    def test_bad_conf_bad_term_weight(self):
        """A term weight that is not a number (on a continuation line) is
        refused at that line."""
        self.check_bad_conf("[markets]\ncolor = #8c564b\nterms = oil, gas,\n        copper^x2, futures curve\n",
                            4, "x2")

    def test_bad_conf_syntax_error(self):
        """A line that is neither [section] nor key = value is a syntax error at its line."""
        self.check_bad_conf("[markets]\nterms = oil\n# next line is wrong\nthis line has no equals sign\n", 4)

    def test_bad_conf_long_line(self):
        """A line longer than 200 bytes is refused at its line, not split."""
        long_terms = "terms = " + ", ".join("term%03d" % i for i in range(30))
        self.assertGreater(len(long_terms), 200)
        self.check_bad_conf("[markets]\ncolor = #8c564b\n" + long_terms + "\n", 3)

    def test_bad_conf_theme_without_terms(self):
        """A theme with keys but no terms is refused, naming the theme at its header's line."""
        self.check_bad_conf("[markets]\nterms = oil\n\n[empty]\nlabel = Nothing here\ncolor = #123456\n",
                            4, "empty")

    def test_bad_conf_theme_section_without_keys(self):
        """A theme section with nothing in it is a theme with no terms too: refused, naming it."""
        self.check_bad_conf("[empty]\n# to do\n\n[markets]\nterms = oil\n", 1, "empty")

    def test_bad_conf_other_section(self):
        """[other] cannot be defined: refused at the line of its header."""
        self.check_bad_conf("[markets]\nterms = oil\n\n[other]\n# leftovers\nlabel = Misc\nterms = gold\n",
                            4, "other")

    def test_bad_conf_bad_section_header(self):
        """A bad theme name or an unclosed [ is reported at the header's line."""
        with self.subTest("bad name"):
            self.check_bad_conf("[markets]\nterms = oil\n[Big Tech]\n\nterms = cloud\n", 3, "Big Tech")
        with self.subTest("unclosed"):
            self.check_bad_conf("# themes\n[markets\nterms = oil\n", 2)

    def test_bad_conf_missing_file(self):
        """--topics with a file that does not exist exits 1 naming it; the
        database is unchanged."""
        db = self.copy_db()
        before = db_content(db)
        missing = os.path.join(self.tmp, "no-such-topics.conf")
        for args in (("posts",), ("topics",), ("map", "-o", os.path.join(self.tmp, "m.svg"))):
            with self.subTest(command=args[0]):
                r = self.bm.run(*args, "--db", db, "--topics", missing)
                self.assertExit(r, 1)
                self.assertIn(missing, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "m.svg")))
        self.assertEqual(db_content(db), before)

    def test_conf_line_just_under_the_limit_is_read_whole(self):
        """A 196-byte line (the longest allowed) is read whole: its last term counts."""
        head = "terms = "
        fill = []
        while len(head + ", ".join(fill + ["copper"])) < 196:
            fill.append("zq%d" % len(fill))
        line = head + ", ".join(fill + ["copper"])
        line = line.replace("zq0", "zq0" + "x" * (196 - len(line)), 1)
        self.assertEqual(len(line), 196)
        db = self.copy_db()
        conf = os.path.join(self.tmp, "edge.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write("[metals]\n" + line + "\n")
        posts = self.posts(db, "--topics", conf)
        self.assertEqual({u for u, p in posts.items() if p["topic"] == "metals"},
                         {url("/2022/07/copper-cobalt-and-long-squeeze.html")})

    # ---- 5. blogmap classify -------------------------------------------------------------
    def classify(self, *args, stdin=None):
        argv = [self.bm.path, "classify"] + [str(a) for a in args]
        p = subprocess.run(argv, input=stdin.encode() if stdin is not None else None,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           capture_output=True, timeout=60, cwd=self.tmp)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def test_classify_flywheel_draft(self):
        """A draft about flywheels and feedback loops takes flywheel (tsv marks
        it with '*', json names it) and the database is not changed."""
        db = self.copy_db()
        before, rows_before = db_content(db), post_text_rows(db)
        draft = os.path.join(self.tmp, "draft.txt")
        with open(draft, "w", encoding="utf-8") as f:
            f.write(FLYWHEEL_DRAFT)
        rc, out, err = self.classify(draft, "--db", db)
        self.assertEqual(rc, 0, err)
        rows = parse_tsv(out)
        self.assertEqual(list(rows[0].keys()), ["topic", "score", "best"])
        self.assertEqual([x["topic"] for x in rows], list(THEMES))
        self.assertEqual([x["topic"] for x in rows if x["best"] == "*"], ["flywheel"])
        scores = {x["topic"]: float(x["score"]) for x in rows}
        self.assertGreater(scores["flywheel"], max(scores["inequality"], scores["big-tech"]))
        rc, out, err = self.classify(draft, "--db", db, "--format", "json")
        self.assertEqual(rc, 0, err)
        data = json.loads(out)
        self.assertEqual(data["topic"], "flywheel")
        self.assertEqual(set(data["scores"]), set(THEMES))
        self.assertEqual(post_text_rows(db), rows_before)
        self.assertEqual(db_content(db), before, "classify changed the database")

    def test_classify_oil_draft_is_other(self):
        """A draft about oil futures fits no built-in theme: other is marked."""
        draft = os.path.join(self.tmp, "oil.txt")
        with open(draft, "w", encoding="utf-8") as f:
            f.write(OIL_DRAFT)
        rc, out, err = self.classify(draft, "--db", self.crawled())
        self.assertEqual(rc, 0, err)
        rows = parse_tsv(out)
        self.assertEqual([x["topic"] for x in rows if x["best"] == "*"], ["other"])
        rc, out, err = self.classify(draft, "--db", self.crawled(), "--format", "json")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["topic"], "other")

    def test_classify_reads_stdin(self):
        """'-' (and no file at all) reads the draft from standard input; the
        post_text rows are the same afterwards."""
        db = self.copy_db()
        rows_before = post_text_rows(db)
        for args in (("-",), ()):
            with self.subTest(args=args):
                rc, out, err = self.classify(*args, "--db", db, "--format", "json", stdin=FLYWHEEL_DRAFT)
                self.assertEqual(rc, 0, err)
                self.assertEqual(json.loads(out)["topic"], "flywheel")
                rc, out, err = self.classify(*args, "--db", db, "--format", "json", stdin=OIL_DRAFT)
                self.assertEqual(rc, 0, err)
                self.assertEqual(json.loads(out)["topic"], "other")
        self.assertEqual(post_text_rows(db), rows_before)

    def test_classify_missing_file(self):
        """A draft file that does not exist: exit 1, named in the message."""
        missing = os.path.join(self.tmp, "no-such-draft.txt")
        rc, out, err = self.classify(missing, "--db", self.crawled())
        self.assertEqual(rc, 1, err)
        self.assertIn(missing, err)
        self.assertEqual(out, "")

    # ---- 6. map formats -------------------------------------------------------------------
    def map_file(self, ext, *args, name="map"):
        path = os.path.join(self.tmp, "%s.%s" % (name, ext))
        r = self.ok("map", "--db", self.crawled(), "-o", path, *args)
        self.assertTrue(os.path.isfile(path), "no %s written" % path)
        with open(path, "rb") as f:
            data = f.read()
        self.assertTrue(data, "%s is empty" % path)
        self.assertEqual(glob.glob(os.path.join(self.tmp, "*.tmp-*")), [], "temporary file left")
        return path, data, r

    def test_map_svg(self):
        """SVG: well-formed; 26 post nodes (title p<id>) linking to the post
        URLs and coloured by theme; a cluster per theme with its label."""
        _, data, _ = self.map_file("svg")
        root = ET.fromstring(data)
        self.assertEqual(root.tag, SVG_NS + "svg")
        gnodes, _ = parse_graphml(self.ok("map", "--db", self.crawled(), "-o", "-", "-F", "graphml").stdout)
        themes = {x["topic"]: x for x in self.table("topics", "--db", self.crawled())}
        posts = [(t, g) for t, g in svg_groups(root, "node") if re.fullmatch(r"p\d+", t)]
        self.assertEqual(len(posts), 26, [t for t, _ in posts])
        self.assertEqual({t for t, _ in posts}, set(gnodes), "SVG and GraphML node ids differ")
        hrefs = {}
        for t, g in posts:
            links = [a.get(XLINK_HREF) for a in g.iter(SVG_NS + "a") if a.get(XLINK_HREF)]
            self.assertEqual(len(set(links)), 1, "node %s links %s" % (t, links))
            hrefs[t] = links[0]
            strokes = {e.get("stroke") for e in g.iter() if e.get("stroke") not in (None, "transparent")}
            want = themes[self.exp_topics[gnodes[t]["url"]]]["color"]
            self.assertIn(want, strokes, "node %s (%s) not drawn in its theme colour" % (t, gnodes[t]["url"]))
        self.assertEqual(hrefs, {t: gnodes[t]["url"] for t, _ in posts})
        self.assertEqual(set(hrefs.values()), set(self.exp_topics))
        clusters = [(t, svg_texts(g)) for t, g in svg_groups(root, "cluster")]
        labels = [x[0] for t, x in clusters if x and t != "cluster_legend"]
        self.assertEqual(sorted(labels), sorted(themes[t]["label"] for t in ALL_THEMES))
        self.assertEqual(sorted(labels), sorted(["Flywheel", "Inequality", "Big tech", "Other"]))

    def test_map_png_and_pdf(self):
        """PNG and PDF files start with their magic numbers."""
        _, png, _ = self.map_file("png")
        self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"), png[:16])
        _, pdf, _ = self.map_file("pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:16])
        self.assertIn(b"%%EOF", pdf[-64:])

    def test_map_gexf_and_graphml(self):
        """GEXF and GraphML parse as XML and hold the 26 posts and the 60
        links with their kinds, as in expected/edges.tsv."""
        _, data, _ = self.map_file("graphml")
        nodes, edges = parse_graphml(data)
        self.assertEqual(len(nodes), 26)
        by_id = {i: d["url"] for i, d in nodes.items()}
        self.assertEqual(set(by_id.values()), set(self.exp_topics))
        self.assertEqual({i: d["theme"] for i, d in nodes.items()},
                         {i: self.exp_topics[u] for i, u in by_id.items()})
        self.assertEqual({(by_id[s], by_id[t]): k for s, t, k in edges}, self.exp_edges)
        self.assertEqual(len(edges), 60)
        _, data, _ = self.map_file("gexf")
        root = ET.fromstring(data)
        self.assertEqual(root.tag, GEXF_NS + "gexf")
        gnodes = list(root.iter(GEXF_NS + "node"))
        gedges = list(root.iter(GEXF_NS + "edge"))
        self.assertEqual(len(gnodes), 26)
        self.assertEqual(len(gedges), 60)
        urls = {}
        for n in gnodes:
            vals = {a.get("for"): a.get("value") for a in n.iter(GEXF_NS + "attvalue")}
            urls[n.get("id")] = vals.get("url")
            self.assertEqual(vals.get("theme"), self.exp_topics.get(vals.get("url")), vals)
            self.assertEqual(same_title(n.get("label")), same_title(self.exp_posts[vals["url"]][0]))
        self.assertEqual({(urls[e.get("source")], urls[e.get("target")]) for e in gedges}, set(self.exp_edges))

    def test_map_dot_rerenders_with_graphviz(self):
        """The .dot file lays out again with the system dot and sfdp."""
        path, data, _ = self.map_file("dot")
        self.assertIn(b"digraph", data[:200])
        for engine in ("dot", "sfdp"):
            exe = shutil.which(engine)
            if not exe:
                self.skipTest("Graphviz '%s' is not installed" % engine)
            with self.subTest(engine=engine):
                p = subprocess.run([exe, "-Tsvg", path], capture_output=True, timeout=60)
                err = p.stderr.decode("utf-8", "replace")
                self.assertEqual(p.returncode, 0, err)
                self.assertNotIn("Error", err)
                ET.fromstring(p.stdout)

    def test_map_dot_to_stdout(self):
        """`-o - --format dot` writes the same DOT to standard output, and no file."""
        _, data, _ = self.map_file("dot")
        before = set(os.listdir(self.tmp))
        r = self.ok("map", "--db", self.crawled(), "-o", "-", "--format", "dot")
        self.assertEqual(r.stdout.encode("utf-8"), data)
        self.assertEqual(set(os.listdir(self.tmp)), before)

    def test_map_unknown_extension(self):
        """An output name with no known extension and no --format: exit 2."""
        for name in ("map.jpeg", "map", "-"):
            with self.subTest(name=name):
                target = name if name == "-" else os.path.join(self.tmp, name)
                r = self.bm.run("map", "--db", self.crawled(), "-o", target)
                self.assertExit(r, 2)
                self.assertIn(name if name != "-" else "format", r.stderr)
                self.assertEqual(r.stdout, "")
                if name != "-":
                    self.assertFalse(os.path.exists(target))

    def test_map_unknown_engine(self):
        """An unknown --engine for a Graphviz format fails (1 or 2) with a
        message naming it, and writes nothing."""
        target = os.path.join(self.tmp, "map.svg")
        r = self.bm.run("map", "--db", self.crawled(), "-o", target, "--engine", "warp-drive")
        self.assertFalse(r.timed_out)
        self.assertIn(r.returncode, (1, 2), r.describe())
        self.assertIn("warp-drive", r.stderr)
        self.assertFalse(os.path.exists(target))
        self.assertEqual(glob.glob(os.path.join(self.tmp, "*.tmp-*")), [])

    def test_map_unknown_engine_refused_for_every_format(self):
        """--engine with a value that is no engine is an error whatever the
        output format, not silently ignored for GraphML/GEXF."""
        for ext in ("graphml", "gexf"):
            with self.subTest(ext=ext):
                target = os.path.join(self.tmp, "map." + ext)
                r = self.bm.run("map", "--db", self.crawled(), "-o", target, "--engine", "warp-drive")
                self.assertFalse(r.timed_out)
                self.assertIn(r.returncode, (1, 2), r.describe())
                self.assertIn("warp-drive", r.stderr)
                self.assertFalse(os.path.exists(target))

    def test_map_failure_keeps_existing_output(self):
        """A failed map leaves an existing output file as it was, and no
        temporary file beside it."""
        cases = [
            ("svg", ("--around", ORIGIN + "/2099/01/no-such-post.html")),
            ("graphml", ("--around", ORIGIN + "/2099/01/no-such-post.html")),
            ("svg", ("--engine", "warp-drive")),
        ]
        for ext, args in cases:
            with self.subTest(ext=ext, args=args):
                target = os.path.join(self.tmp, "keep." + ext)
                with open(target, "wb") as f:
                    f.write(b"previous map\n")
                r = self.bm.run("map", "--db", self.crawled(), "-o", target, *args)
                self.assertFalse(r.timed_out)
                self.assertNotEqual(r.returncode, 0, r.describe())
                with open(target, "rb") as f:
                    self.assertEqual(f.read(), b"previous map\n")
                self.assertEqual(glob.glob(os.path.join(self.tmp, "*.tmp-*")), [])

    # ---- 7. map filters -------------------------------------------------------------------
    def assertGraph(self, nodes, edges, urls, what):
        self.assertSameSet(nodes, urls, what + ": nodes")
        self.assertEqual(edges, self.expected_edges_among(urls), what + ": edges")

    def test_filter_topic(self):
        """--topic flywheel keeps exactly the flywheel posts (urls and titles);
        repeated --topic keeps the union."""
        nodes, edges = self.graph("--topic", "flywheel")
        want = self.theme_urls("flywheel")
        self.assertEqual(len(want), 8)
        self.assertGraph(nodes, edges, want, "--topic flywheel")
        self.assertEqual({u: same_title(d["title"]) for u, d in nodes.items()},
                         {u: same_title(self.exp_posts[u][0]) for u in want})
        nodes, edges = self.graph("--topic", "flywheel", "--topic", "other")
        self.assertGraph(nodes, edges, self.theme_urls("flywheel", "other"), "--topic flywheel --topic other")
        nodes, edges = self.graph("--topic", "inequality", "--topic", "big-tech")
        self.assertGraph(nodes, edges, self.theme_urls("inequality", "big-tech"), "--topic inequality --topic big-tech")

    def test_filter_dates(self):
        """--since and --until keep the posts dated in range, ends included."""
        def dated(lo="0000-00-00", hi="9999-99-99"):
            return {u for u, (_, d) in self.exp_posts.items() if lo <= d <= hi}
        for args, want in (
                (("--since", "2022-01-01"), dated(lo="2022-01-01")),
                (("--until", "2019-12-31"), dated(hi="2019-12-31")),
                (("--since", "2022-01-13"), dated(lo="2022-01-13")),     # a post's own date
                (("--until", "2018-10-30"), dated(hi="2018-10-30")),
                (("--since", "2020-01-01", "--until", "2021-12-31"), dated("2020-01-01", "2021-12-31"))):
            with self.subTest(args=args):
                nodes, edges = self.graph(*args)
                self.assertGraph(nodes, edges, want, " ".join(args))
        self.assertEqual(len(dated(lo="2022-01-01")), 11)
        self.assertEqual(len(dated(hi="2019-12-31")), 8)
        self.assertIn(url("/2022/01/not-into-quantum-computers-then-youve.html"), dated(lo="2022-01-13"))
        self.assertIn(url("/2018/10/a-very-smart-look-at-income-inequality.html"), dated(hi="2018-10-30"))

    def test_filter_top(self):
        """--top 5 keeps the 5 posts with most inbound links (ties either way)."""
        inbound = {u: int(p["inbound"]) for u, p in self.posts().items()}
        nodes, edges = self.graph("--top", "5")
        self.assertEqual(len(nodes), 5, sorted(nodes))
        self.assertEqual(edges, self.expected_edges_among(set(nodes)))
        ranked = sorted(inbound.values(), reverse=True)
        self.assertEqual(sorted((inbound[u] for u in nodes), reverse=True), ranked[:5])
        cut = ranked[4]
        self.assertLessEqual({u for u, n in inbound.items() if n > cut}, set(nodes))
        for u, d in nodes.items():
            self.assertEqual(int(d["inbound"]), inbound[u], u)

    def test_filter_around(self):
        """--around URL keeps the post and its neighbours within --depth links,
        either direction; a redirected or ?m=1 URL finds the same post."""
        center = url("/2021/05/competitive-advantage-and-feedback-loops.html")
        pairs = set(self.exp_edges)
        one = neighbourhood(pairs, center, 1)
        two = neighbourhood(pairs, center, 2)
        self.assertLess(one, two)
        self.assertTrue(any(s == center for s, _ in pairs) and any(t == center for _, t in pairs))
        nodes, edges = self.graph("--around", center)
        self.assertGraph(nodes, edges, one, "--around (depth 1 by default)")
        nodes, edges = self.graph("--around", center, "--depth", "1")
        self.assertGraph(nodes, edges, one, "--around --depth 1")
        nodes, edges = self.graph("--around", center, "--depth", "2")
        self.assertGraph(nodes, edges, two, "--around --depth 2")
        for variant in (center + "?m=1", url("/2021/05/competitive-advantage-and-feedback.html")):
            with self.subTest(variant=variant):
                nodes, _ = self.graph("--around", variant)
                self.assertSameSet(nodes, one, "--around " + variant)

    def test_filter_around_unknown_url(self):
        """--around a URL that is no crawled post: exit 1, naming the URL."""
        missing = ORIGIN + "/2099/01/no-such-post.html"
        target = os.path.join(self.tmp, "m.graphml")
        r = self.bm.run("map", "--db", self.crawled(), "-o", target, "--around", missing)
        self.assertExit(r, 1)
        self.assertIn(missing, r.stderr)
        self.assertFalse(os.path.exists(target))

    def test_filter_no_orphans(self):
        """--no-orphans leaves out exactly the 3 posts nothing links to."""
        self.assertEqual(len(self.exp_orphans), 3)
        nodes, edges = self.graph("--no-orphans")
        self.assertGraph(nodes, edges, set(self.exp_topics) - self.exp_orphans, "--no-orphans")

    def test_summary(self):
        """--summary (SVG): one node per theme with posts, labelled with its post
        count and links within; edge labels are the cross-theme link counts
        of `topics --links`."""
        _, data, _ = self.map_file("svg", "--summary", name="summary")
        root = ET.fromstring(data)
        themes = self.table("topics", "--db", self.crawled())
        by_label = {x["label"]: x for x in themes}
        nodes = {}
        for title, g in svg_groups(root, "node"):
            texts = svg_texts(g)
            self.assertTrue(texts, "summary node %s has no label" % title)
            self.assertIn(texts[0], by_label, "summary node %s: %r" % (title, texts))
            x = by_label[texts[0]]
            nodes[title] = x["topic"]
            m = re.search(r"(\d+) posts?, (\d+) links? within", " ".join(texts))
            self.assertIsNotNone(m, texts)
            self.assertEqual((int(m.group(1)), int(m.group(2))), (int(x["posts"]), int(x["links_within"])), texts)
        self.assertEqual(sorted(nodes.values()), sorted(x["topic"] for x in themes if int(x["posts"])))
        got = {}
        for title, g in svg_groups(root, "edge"):
            a, _, b = title.partition("->")
            self.assertIn(a, nodes, title)
            self.assertIn(b, nodes, title)
            texts = [t for t in svg_texts(g) if t.strip()]
            self.assertEqual(len(texts), 1, "edge %s labels %r" % (title, texts))
            got[(nodes[a], nodes[b])] = int(texts[0])
        links = self.table("topics", "--db", self.crawled(), "--links")
        want = {(x["source_topic"], x["target_topic"]): int(x["links"]) for x in links
                if x["source_topic"] != x["target_topic"] and int(x["links"])}
        self.assertEqual(got, want)

    def test_summary_in_export_formats(self):
        """--summary with GraphML is the summary (a node per theme) or refused
        (exit 2), never the post graph with --summary silently dropped."""
        target = os.path.join(self.tmp, "summary.graphml")
        r = self.bm.run("map", "--db", self.crawled(), "-o", target, "--summary")
        self.assertFalse(r.timed_out)
        if r.returncode == 2:
            self.assertIn("summary", r.stderr)
            return
        self.assertExit(r, 0)
        with open(target, "rb") as f:
            nodes, _ = parse_graphml(f.read())
        self.assertEqual(len(nodes), 4, "--summary GraphML has %d nodes, not one per theme" % len(nodes))

    # ---- 8. usage errors ----------------------------------------------------------------
    def test_foreign_database_left_alone(self):
        """An SQLite file blogmap did not make is refused by the commands that
        classify, and gains no tables."""
        db = os.path.join(self.tmp, "other.db")
        with contextlib.closing(sqlite3.connect(db)) as c:
            c.execute("CREATE TABLE notes(x)")
            c.execute("INSERT INTO notes VALUES (1)")
            c.commit()
        for args in (("map", "-o", os.path.join(self.tmp, "m.svg")), ("topics",), ("posts",),
                     ("classify", "-")):
            with self.subTest(args=args):
                r = self.bm.run(args[0], "--db", db, *args[1:])
                self.assertExit(r, 1)
                self.assertIn("other.db", r.stderr)
                self.assertIn("not a blogmap database", r.stderr)
        with contextlib.closing(sqlite3.connect(db)) as c:
            tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master")]
        self.assertEqual(tables, ["notes"])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "m.svg")))

    def test_map_bad_arguments(self):
        """Bad map arguments exit 2 with a message naming the problem, and write nothing."""
        target = os.path.join(self.tmp, "map.svg")
        cases = [
            (("-o", target, "--top", "0"), ("--top", "'0'")),
            (("-o", target, "--top", "many"), ("--top", "many")),
            (("-o", target, "--since", "2020-13-01"), ("--since", "2020-13-01")),
            (("-o", target, "--until", "2020-1-01"), ("--until", "2020-1-01")),
            (("-o", target, "--depth", "0"), ("--depth", "'0'")),
            ((), ("-o",)),
            (("-o", target, "extra-argument"), ("extra-argument",)),
            (("-o", target, "--topic", "big_tech"), ("big_tech", "--topic")),
            (("-o", os.path.join(self.tmp, "s.graphml"), "--summary"), ("--summary",)),
        ]
        for args, frags in cases:
            with self.subTest(args=args):
                r = self.bm.run("map", "--db", self.crawled(), *args)
                self.assertExit(r, 2)
                self.assertTrue(r.stderr.strip(), "no message")
                for frag in frags:
                    self.assertIn(frag, r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertFalse(os.path.exists(target))


if __name__ == "__main__":
    unittest.main()
