"""blogmap report: the static HTML site (issue 4, acceptance 4).

The class builds two reports: one of examples/sample-blog, crawled from its
mirror directory, and one of tests/fixtures/hostile-blog, served on loopback
as test_map_hostile does (titles with script tags, attribute breakouts,
controls, bad UTF-8, right-to-left overrides, entity text).

Static checks read every page with html.parser into a small tree and find:
a well-formed page (every start tag closed in order), <!DOCTYPE html>, the
Content-Security-Policy meta before any script or style sheet, scripts only
as src= (no inline code), no <style>, no style= and no on* attribute, every
link, script and style sheet relative and resolving to a file of the report,
and the only absolute links the posts' own addresses on the blog's host.
The content is checked against the CLI's own tables: a page per post and
per theme, the backlinks and outlinks of every post equal to `blogmap
edges` (with their kinds), orphans, broken links, counts, the map's nodes.

Then headless Chromium (Debian's chromium, driven by cdp.py over the
DevTools pipe) opens the pages from file://: no console error, exception or
CSP violation, app.js ran; a click on a post on the map opens its page, a
drag pans and the wheel zooms without opening anything; the search box
filters the map and the posts table. On the hostile report no payload runs:
the payloads would set "data-pwned" on the document (spelled 'data-pw'+'ned'
in the titles), and a control page built from a hostile page with its title
unescaped shows that the marker appears when a payload does run, and that
the page's CSP alone already blocks it.
"""
import html
import os
import re
import shutil
import sqlite3
import time
import unittest
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import cdp
from run import ROOT, Blogmap, E2ETestCase, same_title
from test_map_hostile import FIXTURE as HOSTILE_FIXTURE, SITE as HOSTILE_SITE

SAMPLE = os.path.join(ROOT, "examples", "sample-blog")
SAMPLE_ORIGIN = "https://flywheel-notes.blogspot.com"
ASSETS = os.path.join(ROOT, "graph", "report_assets")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'")
MARKER = "data-pwned"
VOID = {"meta", "link", "input", "br", "img", "hr", "rect", "path", "polygon", "ellipse",
        "polyline", "circle", "line", "area", "base", "col", "embed", "source", "wbr"}
BANNED = {"iframe", "object", "embed", "foreignobject", "form", "base", "img", "frame", "style"}
BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
SITE_PAGES = ("index.html", "map.html", "posts.html", "hubs.html", "orphans.html", "broken.html")
REPORT_SECONDS = 10
TITLE_MAX = 300


# ---- reading a page ---------------------------------------------------------------
class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def iter(self, tag=None, cls=None):
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and (cls is None or cls in c.classes()):
                    yield c
                yield from c.iter(tag, cls)

    def find(self, tag=None, cls=None):
        return next(self.iter(tag, cls), None)

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self):
        return set((self.attrs.get("class") or "").split())


class TreeBuilder(HTMLParser):
    """html.parser into Nodes, noting every way the page is not well formed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.cur = self.root
        self.problems = []
        self.decls = []

    def handle_decl(self, decl):
        self.decls.append(decl)

    def handle_starttag(self, tag, attrs):
        names = [a for a, _ in attrs]
        if len(set(names)) != len(names):
            self.problems.append("duplicate attribute in <%s>" % tag)
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.problems.append("<%s/> is not a void element: HTML leaves it open" % tag)
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.cur.tag != tag:
            self.problems.append("</%s> closes <%s>" % (tag, self.cur.tag))
            return
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.children.append(data)

    def handle_pi(self, data):
        self.problems.append("processing instruction %r" % data[:40])

    def unknown_decl(self, data):
        self.problems.append("declaration %r" % data[:40])


class Page:
    def __init__(self, root_dir, rel):
        self.rel = rel
        self.path = os.path.join(root_dir, rel)
        with open(self.path, "rb") as f:
            self.raw = f.read()
        self.text = self.raw.decode("utf-8")
        tb = TreeBuilder()
        tb.feed(self.text)
        tb.close()
        if tb.cur is not tb.root:
            tb.problems.append("<%s> never closed" % tb.cur.tag)
        self.root, self.problems, self.decls = tb.root, tb.problems, tb.decls

    def h1(self):
        h = self.root.find("h1")
        return h.text() if h else None

    def sections(self):
        """Post pages: h2 text -> [(href, kind)] of the list under it."""
        out, current = {}, None
        main = self.root.find("main")
        for el in main.children if main else []:
            if not isinstance(el, Node):
                continue
            if el.tag == "h2":
                current = el.text()
                out[current] = []
            elif el.tag == "ul" and current is not None:
                for li in el.iter("li"):
                    a, kind = li.find("a"), li.find("span", "kind")
                    out[current].append((a.attrs.get("href") if a else None, kind.text() if kind else None))
        return out

    def table_rows(self, cls="filter"):
        table = self.root.find("table", cls)
        body = table.find("tbody") if table else None
        return list(body.iter("tr")) if body else []

    def address(self):
        a = self.root.find("a", "url")
        return a.attrs.get("href") if a else None


def page_problems(report, page, hosts):
    """What is wrong with PAGE, a page of the report in directory REPORT,
    whose only absolute links may go to HOSTS."""
    out = list(page.problems)
    if not page.text.startswith("<!DOCTYPE html>"):
        out.append("does not start with <!DOCTYPE html>")
    m = BAD_CHARS.search(page.text)
    if m:
        out.append("control or bidi override U+%04X" % ord(m.group()))
    if MARKER in page.text:
        out.append("the marker %s is in the page" % MARKER)
    head = page.root.find("head")
    order = [n for n in head.iter()] if head else []
    csp = [i for i, n in enumerate(order) if n.tag == "meta"
           and (n.attrs.get("http-equiv") or "").lower() == "content-security-policy"]
    if len(csp) != 1 or order[csp[0]].attrs.get("content") != CSP:
        out.append("no single CSP meta with the report's policy")
    elif any(n.tag in ("script", "link") for n in order[:csp[0]]):
        out.append("a script or style sheet comes before the CSP")
    if not order or order[0].tag != "meta" or order[0].attrs.get("charset") != "utf-8":
        out.append("<meta charset=utf-8> is not the head's first element")
    for el in page.root.iter():
        out += element_problems(report, page, el, hosts)
    return out


def element_problems(report, page, el, hosts):
    out = []
    if el.tag in BANNED:
        out.append("a <%s> element" % el.tag)
    if el.tag == "script":
        if not el.attrs.get("src") or el.text().strip():
            out.append("inline script %.60r" % el.text())
    for name, value in el.attrs.items():
        if name.startswith("on"):
            out.append("event handler %s=%.60r on <%s>" % (name, value, el.tag))
        if name == "style":
            out.append("style attribute on <%s>" % el.tag)
        if name in ("href", "src", "xlink:href", "action", "formaction", "data", "poster"):
            out += link_problems(report, page, el, value or "", hosts)
    return out


def link_problems(report, page, el, value, hosts):
    if SCHEME.match(value) or value.startswith("/"):
        external = el.tag == "a" and "external" in (el.attrs.get("rel") or "").split()
        u = urlsplit(value)
        if external and u.scheme in ("http", "https") and u.netloc in hosts:
            return []
        return ["absolute link %.100r on <%s>" % (value, el.tag)]
    target = os.path.normpath(os.path.join(os.path.dirname(page.path), unquote(value.split("#")[0])))
    if not target.startswith(os.path.abspath(report) + os.sep):
        return ["link %r leaves the report" % value]
    if not os.path.isfile(target):
        return ["link %r to a missing file" % value]
    return []


def map_nodes(page):
    """The topic map's post nodes: (href, tooltip + label text), from the
    inlined SVG parsed as XML."""
    m = re.search(r"<svg[\s>].*?</svg>", page.text, re.S)
    svg = ET.fromstring(m.group(0))
    ns = "{http://www.w3.org/2000/svg}"
    out = []
    for g in svg.iter(ns + "g"):
        a = g.find(".//" + ns + "a")
        if g.get("class") != "node" or a is None:
            continue
        tip = a.get("{http://www.w3.org/1999/xlink}title") or ""
        texts = " ".join("".join(t.itertext()) for t in g.iter(ns + "text"))
        out.append((a.get("{http://www.w3.org/1999/xlink}href"), tip + " " + texts))
    return out


# The map's post links whose centre is on screen and hits the link itself,
# as [href, x, y].
VISIBLE_NODES = """Array.from(document.querySelectorAll('#map g.node a')).map(function (a) {
    var r = a.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    var hit = document.elementFromPoint(x, y);
    return hit && hit.closest('a') === a ? [a.getAttribute('xlink:href'), x, y] : null;
}).filter(Boolean)"""


def norm(s):
    return " ".join(s.lower().split())


# ---- the tests --------------------------------------------------------------------
class ReportTest(E2ETestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = cls.class_tmp()
        cls.bm = Blogmap(workdir=cls.work)
        cls.addClassCleanup(cls.bm.reap_all)
        cls.db = os.path.join(cls.work, "sample.db")
        cls.crawl = cls.bm.crawl(SAMPLE_ORIGIN + "/", cls.db, "--mirror", os.path.join(SAMPLE, "site"),
                                 "--delay", "0", "--quiet")
        cls.report = os.path.join(cls.work, "sample-report")
        cls.made = cls.bm.run("report", "--db", cls.db, "-o", cls.report)
        srv = cls.class_server(HOSTILE_FIXTURE, rebase=HOSTILE_SITE.BASE)
        cls.hostile_host = urlsplit(srv.base).netloc
        cls.hostile_db = os.path.join(cls.work, "hostile.db")
        cls.hostile_crawl = cls.bm.crawl(srv.url("/"), cls.hostile_db, "--delay", "0", "--quiet")
        srv.stop()
        cls.hostile = os.path.join(cls.work, "hostile-report")
        cls.hostile_made = cls.bm.run("report", "--db", cls.hostile_db, "-o", cls.hostile, "--quiet")
        cls._pages = {}
        cls._browser = None

    @classmethod
    def browser(cls):
        if cls._browser is None:
            cls._browser = cdp.Browser(cls.class_tmp())
            cls.addClassCleanup(cls._browser.close)
        return cls._browser

    # ---- helpers ------------------------------------------------------------------
    def built(self, hostile=False):
        self.assertExit(self.hostile_crawl if hostile else self.crawl, 0)
        self.assertExit(self.hostile_made if hostile else self.made, 0)
        return self.hostile if hostile else self.report

    def page(self, report, rel):
        key = (report, rel)
        if key not in self._pages:
            self._pages[key] = Page(report, rel)
        return self._pages[key]

    def all_pages(self, report):
        rels = []
        for d, _, files in os.walk(report):
            rels += [os.path.relpath(os.path.join(d, f), report) for f in files if f.endswith(".html")]
        return [self.page(report, r) for r in sorted(rels)]

    def post_pages(self, report):
        """Address (URL path, decoded) -> the post's page."""
        out = {}
        for p in self.all_pages(report):
            if p.rel.startswith("posts" + os.sep):
                out[unquote(urlsplit(p.address() or "").path)] = p
        return out

    def href_to_url(self, report, page, href):
        """The address of the post whose page HREF (from PAGE) names."""
        target = os.path.normpath(os.path.join(os.path.dirname(page.rel), href))
        return self.page(report, target).address()

    def chromium(self):
        if not cdp.available():
            self.skipTest("%s is not installed (Debian package 'chromium')" % cdp.CHROMIUM)
        return self.browser()

    def open(self, tab, report, rel):
        tab.goto("file://" + os.path.join(report, rel))
        self.browser().pump(0.05)
        self.assertEqual(tab.errors(), [], "errors in %s" % rel)
        self.assertEqual(tab.evaluate("document.documentElement.getAttribute('data-app')"), "ready",
                         "app.js did not run on %s" % rel)

    # ---- the files ----------------------------------------------------------------
    def test_report_is_quick(self):
        self.built()
        self.assertLess(self.made.seconds, REPORT_SECONDS, self.made.describe())
        self.assertIn(os.path.join(self.report, "index.html"), self.made.stderr)

    def test_every_page_is_safe_and_self_contained(self):
        for report, hosts in ((self.built(), {urlsplit(SAMPLE_ORIGIN).netloc}),
                              (self.built(True), {self.hostile_host})):
            pages = self.all_pages(report)
            self.assertGreater(len(pages), 20)
            for p in pages:
                with self.subTest(page=p.rel, report=os.path.basename(report)):
                    problems = page_problems(report, p, hosts)
                    self.assertEqual(problems[:10], [], "%d problem(s)" % len(problems))

    def test_assets_are_the_repository_files(self):
        report = self.built()
        for name in ("app.js", "style.css"):
            with open(os.path.join(ASSETS, name), "rb") as a, open(os.path.join(report, name), "rb") as b:
                self.assertEqual(a.read(), b.read(), "%s differs from graph/report_assets/%s" % (name, name))
        with open(os.path.join(report, "app.js"), encoding="utf-8") as f:
            code = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
        self.assertIn("addEventListener", code)
        for bad in ("eval(", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                    "Function(", "setTimeout('", "fetch(", "XMLHttpRequest", "http"):
            self.assertNotIn(bad, code.replace("http://www.w3.org/1999/xlink", ""))

    def test_a_page_per_post_and_theme(self):
        report = self.built()
        posts = self.bm.table("posts", self.db)
        pages = self.post_pages(report)
        self.assertSameSet(pages, {urlsplit(r["url"]).path for r in posts}, "post pages")
        for r in posts:
            with self.subTest(post=r["url"]):
                self.assertEqual(same_title(pages[urlsplit(r["url"]).path].h1()), same_title(r["title"]))
        topics = self.bm.table("topics", self.db)
        for t in topics:
            with self.subTest(theme=t["topic"]):
                p = self.page(report, os.path.join("themes", t["topic"] + ".html"))
                self.assertEqual(len(p.table_rows()), int(t["posts"]))
        for name in SITE_PAGES:
            self.assertTrue(os.path.isfile(os.path.join(report, name)), name)

    def test_backlinks_and_outlinks_match_edges(self):
        report = self.built()
        edges = self.bm.table("edges", self.db)
        pages = self.post_pages(report)
        checked = 0
        for path, p in pages.items():
            with self.subTest(post=path):
                s = p.sections()
                got_in = {(urlsplit(self.href_to_url(report, p, h)).path, k) for h, k in s["Linked from"]}
                got_out = {(urlsplit(self.href_to_url(report, p, h)).path, k) for h, k in s["Links to"]}
                want_in = {(urlsplit(e["source"]).path, e["kind"]) for e in edges
                           if urlsplit(e["target"]).path == path}
                want_out = {(urlsplit(e["target"]).path, e["kind"]) for e in edges
                            if urlsplit(e["source"]).path == path}
                self.assertSameSet(got_in, want_in, "backlinks")
                self.assertSameSet(got_out, want_out, "outlinks")
                checked += len(got_in)
        self.assertEqual(checked, len(edges))

    def test_backlinks_show_the_sentence(self):
        report = self.built()
        quotes = [q for p in self.post_pages(report).values() for q in p.root.iter("blockquote")]
        self.assertTrue(quotes, "no sentence shown with any link")
        marked = [q for q in quotes if q.find("mark") is not None]
        self.assertGreater(len(marked), len(quotes) // 2, "anchors are not marked in the sentences")
        for q in marked:
            self.assertTrue(q.find("mark").text().strip())

    def test_suggestions_are_new_links(self):
        report = self.built()
        total = 0
        for path, p in self.post_pages(report).items():
            s = p.sections()
            linked = {h for h, _ in s["Links to"]}
            suggested = [h for h, _ in s["Might link to"]]
            total += len(suggested)
            with self.subTest(post=path):
                self.assertLessEqual(len(suggested), 5)
                self.assertFalse(linked & set(suggested), "suggests a post it already links to")
                self.assertNotIn(os.path.basename(p.rel), [os.path.basename(h) for h in suggested])
        self.assertGreater(total, 0, "no post page has suggestions")

    def test_lists_match_the_cli(self):
        report = self.built()
        stats = self.bm.stats(self.db)
        orphans = self.bm.table("orphans", self.db)
        broken = self.bm.table("broken", self.db)
        posts_page = self.page(report, "posts.html")
        self.assertEqual(len(posts_page.table_rows()), int(stats["posts"]))
        got = {urlsplit(self.href_to_url(report, self.page(report, "orphans.html"), tr.find("a").attrs["href"])).path
               for tr in self.page(report, "orphans.html").table_rows()}
        self.assertSameSet(got, {urlsplit(o["url"]).path for o in orphans}, "orphans")
        rows = self.page(report, "broken.html").table_rows()
        self.assertEqual(sorted(tr.find("td", "url").text() for tr in rows), sorted(b["href"] for b in broken))
        hubs = self.page(report, "hubs.html").table_rows()
        self.assertEqual(len(hubs), min(100, int(stats["posts"])))
        counts = {tr.find("th").text(): tr.find("td").text()
                  for tr in self.page(report, "index.html").root.find("table").iter("tr")}
        self.assertEqual(counts.get("Posts"), stats["posts"])
        self.assertEqual(counts.get("Broken links"), stats["broken"])

    def test_map_links_every_post_to_its_page(self):
        report = self.built()
        nodes = map_nodes(self.page(report, "map.html"))
        pages = {p.rel for p in self.all_pages(report) if p.rel.startswith("posts" + os.sep)}
        self.assertSameSet({h for h, _ in nodes}, pages, "map links")
        summary = self.page(report, "index.html")
        self.assertIn('xlink:href="themes/flywheel.html"', summary.text)

    def test_map_max(self):
        self.built()
        out = os.path.join(self.tmp, "top5")
        r = self.bm.run("report", "--db", self.db, "-o", out, "--map-max", "5", "--quiet")
        self.assertExit(r, 0)
        p = Page(out, "map.html")
        self.assertEqual(len(map_nodes(p)), 5)
        self.assertIn("The 5 most linked of", p.text)
        self.assertEqual(r.stderr, "")

    def test_title_option_is_text(self):
        self.built()
        out = os.path.join(self.tmp, "titled")
        title = "<script>alert(1)</script> & \"q\" \u202eevil"
        r = self.bm.run("report", "--db", self.db, "-o", out, "--title", title, "--quiet")
        self.assertExit(r, 0)
        p = Page(out, "index.html")
        self.assertEqual(p.h1(), "<script>alert(1)</script> & \"q\" evil")
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", p.text)

    # ---- the command ----------------------------------------------------------------
    def test_usage_errors(self):
        self.built()
        for args in (["report"], ["report", "-o", self.tmp, "--map-max", "0"],
                     ["report", "-o", self.tmp, "--map-max", "x"], ["report", "-o", self.tmp, "extra"]):
            with self.subTest(args=args):
                r = self.bm.run(*args, "--db", self.db)
                self.assertExit(r, 2)
                self.assertIn("error:", r.stderr)
        r = self.bm.run("report", "--help")
        self.assertExit(r, 0)
        self.assertIn("--map-max", r.stdout)
        r = self.bm.run("report", "-o", os.path.join(self.tmp, "x"), "--db", os.path.join(self.tmp, "none.db"))
        self.assertExit(r, 1)
        self.assertIn("none.db", r.stderr)

    def test_refuses_a_directory_that_is_not_a_report(self):
        self.built()
        d = os.path.join(self.tmp, "mine")
        os.makedirs(d)
        with open(os.path.join(d, "index.html"), "w") as f:
            f.write("my own page")
        r = self.bm.run("report", "--db", self.db, "-o", d)
        self.assertExit(r, 1)
        self.assertIn("not empty", r.stderr)
        with open(os.path.join(d, "index.html")) as f:
            self.assertEqual(f.read(), "my own page")
        r = self.bm.run("report", "--db", self.db, "-o", os.path.join(d, "index.html"))
        self.assertExit(r, 1)

    def test_rewrite_replaces_stale_pages(self):
        self.built()
        d = os.path.join(self.tmp, "again")
        self.assertExit(self.bm.run("report", "--db", self.db, "-o", d, "--quiet"), 0)
        # Pages an earlier report wrote (a post and a theme that are gone now:
        # copies of real pages), and a temporary file of a killed run.
        post_page = sorted(f for f in os.listdir(os.path.join(d, "posts")) if f.endswith(".html"))[0]
        stale = [os.path.join(d, "posts", "p999999.html"), os.path.join(d, "themes", "gone.html")]
        shutil.copyfile(os.path.join(d, "posts", post_page), stale[0])
        shutil.copyfile(os.path.join(d, "themes", "other.html"), stale[1])
        stale.append(os.path.join(d, "posts", "p1.html.tmp"))
        # Files the user put there, even ones named like pages: not ours to remove.
        keep = [os.path.join(d, "posts", "notes.txt"), os.path.join(d, "themes", "mine.html"),
                os.path.join(d, "posts", "p888888.html")]
        for path in [stale[2]] + keep:
            with open(path, "w") as f:
                f.write("x")
        self.assertExit(self.bm.run("report", "--db", self.db, "-o", d, "--quiet"), 0)
        for path in stale:
            self.assertFalse(os.path.exists(path), "%s was left behind" % path)
        for path in keep:
            self.assertTrue(os.path.exists(path), "%s, not written by blogmap, was removed" % path)
        self.assertFalse([f for f in os.listdir(d) if f.endswith(".tmp")])

    def test_symlinked_subdirectory_refused(self):
        """posts/ as a symlink elsewhere is refused: nothing is written or
        removed through it."""
        self.built()
        d = os.path.join(self.tmp, "linked")
        elsewhere = os.path.join(self.tmp, "elsewhere")
        os.makedirs(elsewhere)
        victim = os.path.join(elsewhere, "p1.html")
        with open(victim, "w") as f:
            f.write("not a report page")
        self.assertExit(self.bm.run("report", "--db", self.db, "-o", d, "--quiet"), 0)
        shutil.rmtree(os.path.join(d, "posts"))
        os.symlink(elsewhere, os.path.join(d, "posts"))
        r = self.bm.run("report", "--db", self.db, "-o", d, "--quiet")
        self.assertExit(r, 1)
        self.assertIn("symbolic link", r.stderr)
        self.assertEqual(os.listdir(elsewhere), ["p1.html"])

    def test_empty_database(self):
        self.built()
        db = os.path.join(self.tmp, "empty.db")
        shutil.copyfile(self.db, db)
        with sqlite3.connect(db) as c:
            c.execute("UPDATE pages SET is_post = 0")
        out = os.path.join(self.tmp, "empty")
        r = self.bm.run("report", "--db", db, "-o", out, "--quiet")
        self.assertExit(r, 0)
        self.assertEqual(self.page(out, "posts.html").table_rows(), [])
        self.assertEqual(page_problems(out, self.page(out, "map.html"), set()), [])

    # ---- the hostile blog ------------------------------------------------------------
    def test_hostile_titles_are_text(self):
        report = self.built(True)
        pages = self.post_pages(report)
        expect = {
            "script": "<script>document.documentElement.setAttribute('data-pw'+'ned','1')</script> Moats",
            "svg": '"><svg onload="document.documentElement.setAttribute(\'data-pw\'+\'ned\',\'2\')"> flywheel',
            "img": '<img src=x onerror="document.documentElement.setAttribute(\'data-pw\'+\'ned\',\'3\')"> '
                   'network effect',
            "apos": "' onmouseover='alert(1)' x=' and \" onfocus=\"alert(2)\" autofocus=\"",
            "amp": "Fish & Chips &amp; <b>bold</b> & \"quotes\" <!DOCTYPE x [<!ENTITY e \"z\">]>",
            "backslash": "Escapes \\N \\G \\E \\L \\H \\T",
        }
        for post in HOSTILE_SITE.POSTS:
            with self.subTest(post=post["key"]):
                p = pages.get(unquote(post["path"]))
                self.assertIsNotNone(p, "no page for %s" % post["path"])
                h1 = p.h1()
                self.assertLessEqual(len(h1), TITLE_MAX, "title not cut")
                if post["key"] in expect:
                    self.assertIn(expect[post["key"]], h1)
                scripts = list(p.root.iter("script"))
                self.assertEqual([s.attrs.get("src") for s in scripts], ["../app.js"])
        self.assertIn("\u2026", pages[unquote(HOSTILE_SITE.post_by_key("long")["path"])].h1())
        self.assertIn("\ufffd", pages[unquote(HOSTILE_SITE.post_by_key("badutf8")["path"])].h1())
        raw = pages[unquote(HOSTILE_SITE.post_by_key("script")["path"])].text
        self.assertIn("&lt;script&gt;document.documentElement", raw)

    def test_hostile_addresses(self):
        report = self.built(True)
        for path, p in self.post_pages(report).items():
            with self.subTest(post=path):
                href = p.address()
                self.assertTrue(href and href.startswith("http://%s/" % self.hostile_host), href)
                self.assertIsNone(re.search(r"[\"'<>\\ ]", href), href)
        nodes = map_nodes(self.page(report, "map.html"))
        self.assertEqual(len(nodes), len(HOSTILE_SITE.POSTS))
        for href, _ in nodes:
            self.assertRegex(href, r"^posts/p[0-9]+\.html$")

    # ---- Chromium ---------------------------------------------------------------------
    def test_chromium_pages_have_no_errors(self):
        b = self.chromium()
        report = self.built()
        tab = b.page()
        posts = sorted(p.rel for p in self.all_pages(report) if p.rel.startswith("posts" + os.sep))
        for rel in SITE_PAGES + (os.path.join("themes", "flywheel.html"), posts[0], posts[-1]):
            with self.subTest(page=rel):
                self.open(tab, report, rel)

    def test_chromium_catches_csp_violations(self):
        # The control: a page with the report's CSP, an inline script, an
        # inline style and a remote image; the errors must show, and the
        # script must not run.
        b = self.chromium()
        d = os.path.join(self.tmp, "control")
        os.makedirs(d)
        shutil.copy(os.path.join(self.built(), "app.js"), d)
        with open(os.path.join(d, "control.html"), "w") as f:
            f.write('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="%s">'
                    '<script src="app.js"></script><script>document.documentElement.setAttribute('
                    '"data-inline", "1")</script></head><body><p style="color:red">x</p>'
                    '<img src="http://127.0.0.1:9/x.png"></body></html>' % CSP)
        tab = b.page()
        tab.goto("file://" + os.path.join(d, "control.html"))
        b.pump(0.2)
        errors = "\n".join(tab.errors())
        for want in ("inline script", "inline style", "http://127.0.0.1:9/x.png"):
            self.assertIn(want, errors)
        self.assertIsNone(tab.evaluate("document.documentElement.getAttribute('data-inline')"))
        self.assertEqual(tab.evaluate("document.documentElement.getAttribute('data-app')"), "ready")

    def test_chromium_click_on_map_opens_post(self):
        b = self.chromium()
        report = self.built()
        tab = b.page()
        self.open(tab, report, "map.html")
        self.assertEqual(tab.evaluate("document.querySelectorAll('#map g.node a').length"),
                         len(map_nodes(self.page(report, "map.html"))))
        visible = tab.evaluate(VISIBLE_NODES)
        self.assertTrue(visible, "no post can be clicked on the map")
        href, x, y = visible[len(visible) // 2][:3]
        tab.click(x, y)
        url = tab.wait_navigation()
        self.assertIsNotNone(url, "the click opened nothing")
        self.assertTrue(url.endswith("/" + href), "%s opened instead of %s" % (url, href))
        self.assertEqual(tab.errors(), [], "errors on %s" % href)
        want = self.page(report, href).h1()
        self.assertEqual(tab.evaluate("document.querySelector('h1').textContent"), want)

    def test_chromium_map_pans_and_zooms(self):
        b = self.chromium()
        report = self.built()
        tab = b.page()
        self.open(tab, report, "map.html")
        box = tab.evaluate("(function(){var r=document.getElementById('map').getBoundingClientRect();"
                           "return [r.left + r.width / 2, r.top + r.height / 2];})()")
        view = "document.querySelector('#map svg').getAttribute('viewBox').split(' ').map(Number)"
        before = tab.evaluate(view)
        tab.wheel(box[0], box[1], -400)
        b.pump(0.1)
        zoomed = tab.evaluate(view)
        self.assertLess(zoomed[2], before[2], "the wheel did not zoom in")
        node = tab.evaluate(VISIBLE_NODES)[0]
        tab.drag(node[1], node[2], 120, 60)
        b.pump(0.3)
        moved = tab.evaluate(view)
        self.assertLess(moved[0], zoomed[0], "a drag to the right did not pan the map")
        self.assertTrue(tab.evaluate("location.href").endswith("/map.html"), "a drag opened a post")
        tab.evaluate("document.getElementById('zoom-reset').click()")
        self.assertEqual(tab.evaluate(view), before)
        self.assertEqual(tab.errors(), [])

    def test_chromium_search_filters_the_map(self):
        b = self.chromium()
        report = self.built()
        nodes = map_nodes(self.page(report, "map.html"))
        word = "quantum"
        want = sum(1 for _, text in nodes if word in norm(text))
        self.assertTrue(0 < want < len(nodes), "pick another word: %d of %d" % (want, len(nodes)))
        tab = b.page()
        self.open(tab, report, "map.html")
        tab.evaluate("document.getElementById('search').focus()")
        tab.type_text(word.upper())
        lit = tab.evaluate("document.querySelectorAll('#map g.node:not(.dim) a').length")
        dim = tab.evaluate("document.querySelectorAll('#map g.node.dim').length")
        self.assertEqual((lit, dim), (want, len(nodes) - want))
        self.assertIn("%d of %d" % (want, len(nodes)), tab.evaluate("document.getElementById('search-count').textContent"))
        self.assertEqual(tab.errors(), [])

    def test_chromium_search_filters_the_posts(self):
        b = self.chromium()
        report = self.built()
        rows = [norm(tr.text()) for tr in self.page(report, "posts.html").table_rows()]
        tab = b.page()
        self.open(tab, report, "posts.html")
        shown = "Array.from(document.querySelectorAll('table.filter tbody tr')).filter(function (r) { return !r.hidden; }).length"
        self.assertEqual(tab.evaluate(shown), len(rows))
        tab.evaluate("document.getElementById('search').focus()")
        for typed, words in (("ai", ["ai"]), (" inequality", ["ai", "inequality"])):
            with self.subTest(typed=typed):
                tab.type_text(typed)
                want = sum(1 for r in rows if all(w in r for w in words))
                self.assertTrue(0 < want < len(rows), "pick other words: %d of %d" % (want, len(rows)))
                self.assertEqual(tab.evaluate(shown), want)
        self.assertEqual(tab.errors(), [])

    def test_chromium_hostile_report_runs_no_payload(self):
        b = self.chromium()
        report = self.built(True)
        tab = b.page()
        probe = ("[document.querySelectorAll('[%s]').length, document.documentElement.outerHTML.indexOf('%s'),"
                 " document.scripts.length, Array.from(document.querySelectorAll('*')).filter(function (e) {"
                 " return Array.from(e.attributes).some(function (a) { return /^on/i.test(a.name); }); }).length]"
                 % (MARKER, MARKER))
        pages = [p.rel for p in self.all_pages(report)]
        for rel in pages:
            with self.subTest(page=rel):
                self.open(tab, report, rel)
                self.assertEqual(tab.evaluate(probe), [0, -1, 1, 0])
        script_page = self.post_pages(report)[unquote(HOSTILE_SITE.post_by_key("script")["path"])]
        tab.goto("file://" + script_page.path)
        self.assertTrue(tab.evaluate("document.querySelector('h1').textContent").startswith(
            "<script>document.documentElement.setAttribute('data-pw'+'ned','1')</script>"))

    def test_chromium_hostile_control(self):
        # The same post page with its title unescaped: without the CSP the
        # payload runs and the marker shows (so the check above can fail);
        # with it, the browser refuses the script and says so.
        b = self.chromium()
        report = self.built(True)
        page = self.post_pages(report)[unquote(HOSTILE_SITE.post_by_key("script")["path"])]
        escaped = html.escape("<script>document.documentElement.setAttribute('data-pw'+'ned','1')</script>",
                              quote=False)
        self.assertIn(escaped, page.text)
        unescaped = page.text.replace(escaped, html.unescape(escaped))
        no_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", unescaped)
        tab = b.page()
        for name, text, runs in (("control-no-csp.html", no_csp, True), ("control-csp.html", unescaped, False)):
            with self.subTest(control=name):
                path = os.path.join(os.path.dirname(page.path), name)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                try:
                    tab.goto("file://" + path)
                    b.pump(0.1)
                    marker = tab.evaluate("document.documentElement.getAttribute('%s')" % MARKER)
                    self.assertEqual(marker, "1" if runs else None)
                    if not runs:
                        self.assertIn("inline script", "\n".join(tab.errors()))
                finally:
                    os.unlink(path)


if __name__ == "__main__":
    unittest.main()
