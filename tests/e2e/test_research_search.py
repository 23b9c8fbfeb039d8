"""search, suggest and mentions on the sample blog (examples/sample-blog).

The class crawls the sample blog once, from its mirror directory, and the
tests read that database: `search` (snippets with [matches], phrases,
prefixes, limits, hostile queries, every format), `suggest` for a draft about
flywheels (flywheel posts, with the shared words and the theme as reasons),
for a crawled post (its links left out, and back with --keep-linked), for a
draft that links to a post (left out too), and `mentions`: the sample blog
names no title without linking it, so a copy of the database gets a
sentence naming one post's title in a post that does not link to it, and in
one that does; only the first is reported. Expected values come from
examples/sample-blog/expected/.
"""
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import tempfile
from contextlib import closing

import gensite
from run import ROOT, Blogmap, E2ETestCase, parse_csv, parse_tsv

FIXTURE = os.path.join(ROOT, "examples", "sample-blog")
SITE = os.path.join(FIXTURE, "site")
ORIGIN = "https://flywheel-notes.blogspot.com"
SEED_POST = "/2024/01/teslas-500-million-dojo-bet-and-hyper.html"
FEEDBACK = "/2021/05/competitive-advantage-and-feedback-loops.html"
FEEDBACK_TITLE = "Competitive Advantage and Feedback Loops"
OIL = "/2024/03/oil-opec-and-futures-curve.html"
QUANTUM_POSTS = {
    "/2021/12/inside-big-techs-high-stakes-race-for.html",
    "/2022/01/not-into-quantum-computers-then-youve.html",
}
SEARCH_COLS = ["url", "title", "topic", "score", "snippet"]
SUGGEST_COLS = ["url", "title", "topic", "score", "why"]
MENTION_COLS = ["source", "target", "target_title", "phrase", "sentence"]

FLYWHEEL_DRAFT = """\
Why flywheels win

A flywheel is a set of positive feedback loops: each turn of the wheel makes
the next one easier. Competitive advantage compounds through network effects
and economies of scale, and the moat widens with every feedback loop.
"""


def url(path):
    return ORIGIN + path


class ResearchSearchTest(E2ETestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ctmp = cls.class_tmp()
        cls.db = os.path.join(cls.ctmp, "sample.db")
        bm = Blogmap(workdir=cls.ctmp)
        cls.crawl_result = bm.crawl(ORIGIN + "/", cls.db, "--mirror", SITE, "--delay", "0")
        exp = gensite.load_expected(FIXTURE)
        cls.exp_posts = {u: t for u, t, _ in exp["posts"]}
        cls.exp_edges = {(s, t) for s, t, _ in exp["edges"]}
        cls.exp_topics = dict(gensite.read_tsv(os.path.join(FIXTURE, "expected", "topics.tsv")))
        if cls.crawl_result.returncode == 0:        # classify once, as every user's first run
            bm.run("posts", "--db", cls.db, timeout=60)

    # ---- helpers ----------------------------------------------------------------
    def crawled(self):
        self.assertExit(self.crawl_result, 0)
        return self.db

    def run_bm(self, *args, stdin=None):
        """(exit code, stdout, stderr) of blogmap ARGS, STDIN as its input."""
        p = subprocess.run([self.bm.path] + [str(a) for a in args],
                           input=stdin.encode() if stdin is not None else None,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           capture_output=True, timeout=60, cwd=self.tmp)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def rows(self, *args, cols=None, stdin=None):
        rc, out, err = self.run_bm(*args, "--format", "tsv", stdin=stdin)
        self.assertEqual(rc, 0, "blogmap %s: %s" % (" ".join(map(str, args)), err))
        self.assertEqual(out.split("\n", 1)[0].split("\t"), cols, "header line")
        return parse_tsv(out)

    def search(self, *words, db=None):
        return self.rows("search", *words, "--db", db or self.crawled(), cols=SEARCH_COLS)

    def suggest(self, *args, db=None, stdin=None):
        return self.rows("suggest", *args, "--db", db or self.crawled(), cols=SUGGEST_COLS,
                         stdin=stdin)

    def draft(self, text, name="draft.txt"):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def assertFails(self, args, code, *needles):
        rc, out, err = self.run_bm(*args)
        self.assertEqual(rc, code, "blogmap %s: exit %d\n%s" % (" ".join(args), rc, err))
        self.assertTrue(err.startswith("error: "), err)
        for n in needles:
            self.assertIn(n, err)

    def copy_db(self):
        d = tempfile.mkdtemp(prefix="copy-", dir=self.tmp)
        dst = os.path.join(d, "sample.db")
        with closing(sqlite3.connect(self.crawled())) as src, closing(sqlite3.connect(dst)) as c:
            src.backup(c)
        return dst

    # ---- search -----------------------------------------------------------------
    def test_search_finds_posts_with_snippets(self):
        """`search flywheel`: only crawled posts, best first, every snippet
        marks the word in [brackets]; the best has the word in its title."""
        rows = self.search("flywheel")
        self.assertGreaterEqual(len(rows), 6)
        self.assertLessEqual({r["url"] for r in rows}, set(self.exp_posts))
        self.assertIn("flywheel", rows[0]["title"].lower())
        scores = [float(r["score"]) for r in rows]
        self.assertEqual(scores, sorted(scores, reverse=True))
        for r in rows:
            self.assertRegex(r["snippet"], r"(?i)\[flywheels?\]", r["url"])
            self.assertEqual(r["topic"], self.exp_topics[r["url"]])

    def test_search_phrase_prefix_and_stems(self):
        """A quoted phrase keeps its words together, a final * is a prefix,
        and porter stemming lets 'loop' find 'loops'."""
        rows = self.search('"feedback loops"')
        self.assertIn(url(FEEDBACK), [r["url"] for r in rows])
        for r in rows:
            self.assertRegex(r["snippet"] + r["title"], r"(?i)feedback loop")
        self.assertEqual({r["url"] for r in self.search("quantum", "comput*")},
                         set(map(url, QUANTUM_POSTS)))
        self.assertEqual({r["url"] for r in self.search("feedback", "loop")},
                         {r["url"] for r in self.search("feedback", "loops")})
        self.assertEqual(self.search("flywheel", "backwardation"), [])

    def test_search_limit_and_formats(self):
        """--limit N gives the N best; tsv, csv and json carry the same rows;
        the table has the header."""
        db = self.crawled()
        rows = self.search("the", "--limit", "3")
        self.assertEqual(len(rows), 3)
        self.assertEqual(len(self.search("the", "--top", "2")), 2)
        tsv = [r["url"] for r in self.search("advantage")]
        rc, out, err = self.run_bm("search", "advantage", "--db", db, "--format", "csv")
        self.assertEqual(rc, 0, err)
        self.assertEqual([r["url"] for r in parse_csv(out)], tsv)
        rc, out, err = self.run_bm("search", "advantage", "--db", db, "--format", "json")
        self.assertEqual(rc, 0, err)
        data = json.loads(out)
        self.assertEqual([r["url"] for r in data], tsv)
        self.assertEqual(list(data[0].keys()), SEARCH_COLS)
        rc, out, err = self.run_bm("search", "advantage", "--db", db, "--format", "table")
        self.assertEqual(rc, 0, err)
        self.assertTrue(re.match(r"url\s+title\s+topic\s+score\s+snippet", out), out[:200])

    def test_search_hostile_queries(self):
        """FTS5 syntax in a query is text: no error, and the database is intact."""
        for q in ('NEAR(flywheel moat)', 'flywheel OR moat', 'title:flywheel', '"unclosed',
                  "'; DROP TABLE pages; --", '{title}: x', 'a*b', 'flywheel"'):
            with self.subTest(q=q):
                self.search(q)
        # OR is a word here, not FTS5's operator: no post has all three
        self.assertEqual(self.search("flywheel", "OR", "backwardation"), [])
        self.assertTrue(self.search("flywheel") and self.search("backwardation"))
        with closing(sqlite3.connect(self.crawled())) as c:
            self.assertEqual(c.execute("select count(*) from posts").fetchone()[0], 26)

    def test_search_errors(self):
        db = self.crawled()
        missing = os.path.join(self.tmp, "missing.db")
        self.assertFails(["search", "--db", db], 2, "no query")
        self.assertFails(["search", "--db", db, "&&", "--"], 2, "no word to search for in '&&'")
        self.assertFails(["search", "x", "--db", missing], 1, "cannot open '%s'" % missing)
        self.assertFails(["search", "x", "--db", db, "--limit", "0"], 2, "--limit")
        self.assertFails(["search", "x", "--db", db, "--limit", "ten"], 2, "'ten'")
        self.assertFails(["search", "x", "--db", db, "--format", "xml"], 2, "'xml'")
        rc, out, _ = self.run_bm("search", "--help")
        self.assertEqual(rc, 0)
        self.assertIn("usage: blogmap search", out)

    # ---- suggest ----------------------------------------------------------------
    def test_suggest_draft_about_flywheels(self):
        """A draft about flywheels: flywheel posts first, each saying why (the
        shared words, the theme); from a file and from standard input."""
        path = self.draft(FLYWHEEL_DRAFT)
        rows = self.suggest("--draft", path)
        self.assertEqual(len(rows), 10)
        for r in rows[:6]:
            self.assertEqual(self.exp_topics[r["url"]], "flywheel", r)
            self.assertTrue(r["why"].startswith("shared: "), r["why"])
            self.assertTrue(r["why"].endswith("; same theme: flywheel"), r["why"])
        shared = " ".join(r["why"] for r in rows[:6])
        for word in ("feedback", "flywheels", "moat"):
            self.assertIn(word, shared)
        self.assertIn(url("/2021/09/flywheel-effect-why-positive-feedback.html"),
                      [r["url"] for r in rows[:3]])
        self.assertEqual(self.suggest("--draft", "-", stdin=FLYWHEEL_DRAFT), rows)
        self.assertEqual(len(self.suggest("--draft", path, "--top", "3")), 3)

    def test_suggest_url_leaves_out_its_links(self):
        """For the seed post: never itself, never a post it links to; with
        --keep-linked its real links come back, most of them in the top 10."""
        targets = {t for s, t in self.exp_edges if s == url(SEED_POST)}
        self.assertGreaterEqual(len(targets), 10)
        rows = self.suggest(url(SEED_POST))
        got = {r["url"] for r in rows}
        self.assertTrue(got, "no suggestion for the seed post")
        self.assertFalse(got & targets, "suggested a post it already links to")
        self.assertNotIn(url(SEED_POST), got)
        kept = [r["url"] for r in self.suggest(url(SEED_POST), "--keep-linked")]
        self.assertEqual(len(kept), 10)
        self.assertGreaterEqual(len(set(kept) & targets), 5)
        # every spelling of the URL names the same post
        self.assertEqual(self.suggest(url(SEED_POST) + "?m=1#comments"), rows)

    def test_suggest_draft_links_left_out(self):
        """A blog URL written in the draft is a link: that post is left out."""
        path = self.draft(FLYWHEEL_DRAFT)
        top = self.suggest("--draft", path)[0]["url"]
        linked = self.draft(FLYWHEEL_DRAFT + "\nSee %s?m=1, and https://example.com/x.\n" % top,
                            "linked.txt")
        urls = [r["url"] for r in self.suggest("--draft", linked)]
        self.assertNotIn(top, urls)
        self.assertIn(top, [r["url"] for r in self.suggest("--draft", linked, "--keep-linked")])

    def test_suggest_errors(self):
        db = self.crawled()
        path = self.draft(FLYWHEEL_DRAFT)
        nowhere = url("/2099/01/no-such-post.html")
        self.assertFails(["suggest", nowhere, "--db", db], 1,
                         "'%s' is not a crawled post" % nowhere)
        self.assertFails(["suggest", "ftp://x.test/a", "--db", db], 2, "'ftp://x.test/a'")
        self.assertFails(["suggest", "--db", db], 2, "--draft")
        self.assertFails(["suggest", url(OIL), "--draft", path, "--db", db], 2, "give one")
        self.assertFails(["suggest", "--draft", os.path.join(self.tmp, "none.txt"), "--db", db], 1,
                         "cannot read '%s'" % os.path.join(self.tmp, "none.txt"))
        self.assertFails(["suggest", "--draft", self.draft("... !!!\n", "empty.txt"), "--db", db],
                         1, "no words")
        self.assertFails(["suggest", url(OIL), "--db", db, "--top", "-1"], 2, "--top", "'-1'")
        rc, out, _ = self.run_bm("suggest", "--help")
        self.assertEqual(rc, 0)
        self.assertIn("--keep-linked", out)

    # ---- mentions ---------------------------------------------------------------
    def add_text(self, db, path, text):
        """Append TEXT to the body of post PATH in DB's full-text table."""
        with closing(sqlite3.connect(db)) as c:
            (pid,) = c.execute("select id from pages where url = ?", (url(path),)).fetchone()
            c.execute("update post_text set body = body || ? where rowid = ?", (" " + text, pid))
            c.commit()

    def test_mentions_unlinked_only(self):
        """A post naming another's title without a link is reported, with the
        sentence; the seed post names it too but links to it: not reported."""
        db = self.copy_db()
        before = self.rows("mentions", "--db", db, cols=MENTION_COLS)
        self.assertIn((url(SEED_POST), url(FEEDBACK)), self.exp_edges)
        self.assertNotIn((url(OIL), url(FEEDBACK)), self.exp_edges)
        self.add_text(db, OIL, "Backwardation is not a moat. As we argued in competitive"
                               " advantage and feedback loops, scale compounds. The end.")
        self.add_text(db, SEED_POST, "We said it in Competitive Advantage and Feedback Loops.")
        rows = self.rows("mentions", "--db", db, cols=MENTION_COLS)
        new = [r for r in rows if r not in before]
        self.assertEqual(len(new), 1, rows)
        m = new[0]
        self.assertEqual((m["source"], m["target"]), (url(OIL), url(FEEDBACK)))
        self.assertEqual(m["target_title"], FEEDBACK_TITLE)
        self.assertEqual(m["phrase"], FEEDBACK_TITLE)
        self.assertEqual(m["sentence"], "As we argued in [competitive advantage and feedback"
                                        " loops], scale compounds.")
        self.assertNotIn(url(SEED_POST), [r["source"] for r in new])
        rc, out, err = self.run_bm("mentions", "--db", db, "--format", "json")
        self.assertEqual(rc, 0, err)
        self.assertIn({k: m[k] for k in MENTION_COLS}, json.loads(out))
        rc, out, err = self.run_bm("mentions", "--db", db, "--format", "csv")
        self.assertEqual(rc, 0, err)
        self.assertEqual(list(csv.reader(io.StringIO(out)))[0], MENTION_COLS)

    def test_mentions_errors(self):
        self.assertFails(["mentions", "--db", os.path.join(self.tmp, "no.db")], 1, "no.db")
        self.assertFails(["mentions", "extra", "--db", self.crawled()], 2, "'extra'")
        rc, out, _ = self.run_bm("mentions", "--help")
        self.assertEqual(rc, 0)
        self.assertIn("usage: blogmap mentions", out)
