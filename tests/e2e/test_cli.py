"""The command line: help, usage errors (exit 2), a missing database (exit 1,
named in the message), and the table/tsv/csv/json output of every report."""
import json
import os
import unittest

import gensite
import server
from run import Blogmap, E2ETestCase, parse_csv, parse_tsv

REPORTS = ("posts", "edges", "orphans", "broken", "stats")
HEADERS = {
    "posts": ["url", "title", "date", "topic", "inbound", "outbound", "fetched"],
    "edges": ["source", "target", "kind", "anchor"],
    "orphans": ["url", "title", "date"],
    "broken": ["source", "href", "status"],
    "stats": ["key", "value"],
}
STATS_KEYS = ("posts", "edges", "edges_inline", "edges_related", "orphans", "broken", "fetches")


class CliTest(E2ETestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = cls.class_tmp()
        fixture = os.path.join(cls.tmp, "gen")
        gensite.generate(fixture, posts=60, seed=4)
        srv = cls.class_server(fixture, rebase=gensite.BASE)
        cls.db = os.path.join(cls.tmp, "cli.db")
        cls.crawl = Blogmap(workdir=cls.tmp).crawl(srv.url("/"), cls.db, "--delay", "0", "--quiet")
        srv.stop()
        base = srv.base
        cls.expected = gensite.load_expected(fixture, lambda s: server.rebase_text(s, gensite.BASE, base))

    def crawled(self):
        self.assertExit(self.crawl, 0)
        return self.db

    # ---- help and usage -------------------------------------------------------
    def test_main_help(self):
        r = self.bm.run("--help")
        self.assertExit(r, 0)
        for sub in ("crawl",) + REPORTS:
            self.assertIn(sub, r.stdout, "--help does not mention %r" % sub)

    def test_subcommand_help(self):
        for sub in ("crawl",) + REPORTS:
            with self.subTest(sub=sub):
                r = self.bm.run(sub, "--help")
                self.assertExit(r, 0)
                self.assertIn(sub, r.stdout)
                self.assertIn("--db", r.stdout)

    def test_crawl_help_lists_options(self):
        r = self.bm.run("crawl", "--help")
        self.assertExit(r, 0)
        for opt in ("--db", "--delay", "--concurrency", "--user-agent", "--mirror", "--max-pages",
                    "--content-xpath", "--post-pattern", "--alias", "--quiet"):
            self.assertIn(opt, r.stdout)

    def test_unknown_option_is_usage_error(self):
        for argv in (["crawl", "--no-such-option", "http://127.0.0.1:9/"],
                     ["posts", "--db", self.db, "--no-such-option"],
                     ["stats", "--frobnicate"]):
            with self.subTest(argv=argv):
                r = self.bm.run(*argv)
                self.assertExit(r, 2)
                self.assertTrue(r.stderr.strip(), "no message on stderr")
                self.assertEqual(r.stdout, "", "usage errors belong on stderr")

    def test_unknown_command_is_usage_error(self):
        r = self.bm.run("no-such-command")
        self.assertExit(r, 2)
        self.assertIn("no-such-command", r.stderr)

    def test_crawl_without_url_is_usage_error(self):
        r = self.bm.run("crawl", "--db", os.path.join(self.tmp, "x.db"))
        self.assertExit(r, 2)
        self.assertTrue(r.stderr.strip())

    def test_bad_format_is_usage_error(self):
        r = self.bm.run("posts", "--db", self.crawled(), "--format", "yaml")
        self.assertExit(r, 2)
        self.assertTrue(r.stderr.strip())

    def test_missing_database(self):
        for sub in REPORTS:
            with self.subTest(sub=sub):
                path = os.path.join(self.tmp, "nowhere-%s.db" % sub)
                r = self.bm.run(sub, "--db", path)
                self.assertExit(r, 1)
                self.assertIn(os.path.basename(path), r.stderr)
                self.assertFalse(os.path.exists(path), "a report must not create the database")

    # ---- formats --------------------------------------------------------------
    def test_tsv_headers(self):
        db = self.crawled()
        for sub in REPORTS:
            with self.subTest(sub=sub):
                r = self.bm.run(sub, "--db", db, "--format", "tsv")
                self.assertExit(r, 0)
                self.assertEqual(r.stdout.split("\n", 1)[0].split("\t"), HEADERS[sub])

    def test_stats_keys(self):
        stats = self.bm.stats(self.crawled())
        for key in STATS_KEYS:
            self.assertIn(key, stats)
            self.assertTrue(stats[key].isdigit(), "%s=%r" % (key, stats[key]))
        self.assertTrue(any(k.startswith("fetch_status_") for k in stats), sorted(stats))

    def test_csv_matches_tsv(self):
        db = self.crawled()
        for sub in REPORTS:
            with self.subTest(sub=sub):
                r = self.bm.run(sub, "--db", db, "--format", "csv")
                self.assertExit(r, 0)
                rows = parse_csv(r.stdout)
                self.assertEqual(sorted(tuple(sorted(x.items())) for x in rows),
                                 sorted(tuple(sorted(x.items())) for x in self.bm.table(sub, db)))

    def test_csv_quotes_awkward_titles(self):
        r = self.bm.run("posts", "--db", self.crawled(), "--format", "csv")
        self.assertExit(r, 0)
        titles = {x["title"] for x in parse_csv(r.stdout)}
        awkward = {p[1] for p in self.expected["posts"] if any(c in p[1] for c in ',"')}
        self.assertTrue(awkward, "fixture has no title with a comma or a quote")
        self.assertLessEqual(awkward, titles)

    def test_json_parses(self):
        db = self.crawled()
        for sub in REPORTS:
            with self.subTest(sub=sub):
                r = self.bm.run(sub, "--db", db, "--format", "json")
                self.assertExit(r, 0)
                data = json.loads(r.stdout)
                tsv = self.bm.table(sub, db)
                if isinstance(data, list):
                    self.assertEqual(len(data), len(tsv))
                text = json.dumps(data, ensure_ascii=False)
                for row in tsv[:20]:
                    first = next(iter(row.values()))
                    self.assertIn(json.dumps(first, ensure_ascii=False)[1:-1], text)

    def test_json_keeps_unicode_titles(self):
        r = self.bm.run("posts", "--db", self.crawled(), "--format", "json")
        self.assertExit(r, 0)
        text = json.dumps(json.loads(r.stdout), ensure_ascii=False)
        for title in (p[1] for p in self.expected["posts"] if any(ord(c) > 127 for c in p[1])):
            self.assertIn(json.dumps(title, ensure_ascii=False)[1:-1], text)

    def test_table_format(self):
        db = self.crawled()
        for sub in REPORTS:
            with self.subTest(sub=sub):
                r = self.bm.run(sub, "--db", db, "--format", "table")
                self.assertExit(r, 0)
                self.assertTrue(r.stdout.strip())

    def test_parse_tsv_roundtrip(self):
        rows = parse_tsv(self.bm.run("orphans", "--db", self.crawled(), "--format", "tsv").stdout)
        self.assertEqual({x["url"] for x in rows}, self.expected["orphans"])


if __name__ == "__main__":
    unittest.main()
