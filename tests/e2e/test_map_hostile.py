"""Hostile titles and URLs on the topic map (reliability matrix G01-G15).

tests/fixtures/hostile-blog is a Blogger blog whose post titles carry script
tags, attribute breakouts, \\N-style Graphviz escapes, control bytes, bytes
that are not UTF-8, a 20 KB title, right-to-left text with override
controls, emoji sequences and "]]>"/"-->"; its slugs carry %22, %3C, quotes,
&, %5C and non-ASCII, and its bodies link to javascript:, data: and friends.
The class crawls it once on loopback, then draws every kind of map from the
database. A second database, a copy with titles and URLs rewritten by hand
(raw C0 bytes, invalid UTF-8, a 20 KB title, javascript: and quote-laden
post URLs: what the crawler itself would have filtered), checks the map's
own defences.

Each SVG must be well-formed UTF-8 XML with no script-capable element, no
on* attribute, no C0 control and no bidi override, every link an absolute
http(s) URL (on the fixture's loopback host, for the crawled blog), and no
text longer than a label should be. The payloads must show up as text. DOT
must read back with the stock `dot` and `sfdp`, giving as many nodes as our
own SVG. GEXF and GraphML must parse.

Then headless Chromium (Debian's `chromium`) opens the SVG maps the two ways
a reader would, as a top-level document (file://) and inlined in an HTML page,
and the test checks that no script ran. Every payload, had it run, would set
the attribute "data-pwned" on the document element, and that name never
appears in the map's text (the payloads spell it 'data-pw'+'ned'). A control
SVG with a real <script>, an onload handler and a javascript: link, opened
the same two ways, must show the marker, so the check cannot pass vacuously.
The HTML page also carries a probe script that counts, in the DOM the browser
built, the script elements, on* attributes, non-http(s) links and embedding
elements inside the inlined SVGs.
"""
import importlib.util
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

import gensite
from run import ROOT, Blogmap, E2ETestCase

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "hostile-blog")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_TIMEOUT = 30
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MARKER = "data-pwned"          # what a payload would set; see make_site.PWN
TEXT_MAX = 300                  # no label or tooltip is longer than this
BAD_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener",
                "set", "animate", "animateMotion", "animateTransform", "discard", "use"}
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
HREF_BAD_CHARS = re.compile(r"[\x00-\x20\"'<>\\`\x7f]")
# The last post's title holds character references as literal text ("&#1;");
# Graphviz 2.42 decodes them in labels, so it is drawn by
# test_entity_text_in_titles alone and the other maps stop before it.
UNTIL = "2024-05-31"
HOSTILE_MAP_TITLE = "<script>alert(1)</script> \"q\" 'a' \\N \\G \x01\x1b ]]> --> \u202eevil"

# Crawled maps: file name -> extra `blogmap map` options.
MAPS = {
    "dot.svg": ["--until", UNTIL],
    "sfdp.svg": ["--until", UNTIL, "--engine", "sfdp"],
    "summary.svg": ["--until", UNTIL, "--summary"],
    "titled.svg": ["--until", UNTIL, "--title", HOSTILE_MAP_TITLE],
    "dot.dot": ["--until", UNTIL],
    "sfdp.dot": ["--until", UNTIL, "--engine", "sfdp"],
    "summary.dot": ["--until", UNTIL, "--summary"],
    "map.gexf": [],
    "map.graphml": [],
    "all.svg": [],
    "all-sfdp.svg": ["--engine", "sfdp"],
    "all.dot": [],
}
# Maps of the hand-edited database.
INJECTED_MAPS = {
    "inj-dot.svg": ["--until", UNTIL],
    "inj-sfdp.svg": ["--until", UNTIL, "--engine", "sfdp"],
    "inj-dot.dot": ["--until", UNTIL],
    "inj.gexf": [],
    "inj.graphml": [],
}
# (title bytes, URL or None) written over the posts dated up to UNTIL.
INJECTED = [
    (b"ctl \x01\x02\x08\x0b\x0c\x1b\x1f\x7f \xc2\x85 end", None),
    (b"bad \xff\xfe \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf end", None),
    (b"L" * 20480, None),
    (b"trail \\", "https://h.example/x\" onmouseover=\"alert(1)\" style=\"x"),
    (b"<script>alert(1)</script>", "javascript:alert(1)"),
    (b"data url", "data:text/html,<script>alert(1)</script>"),
    (b"markup url", "http://127.0.0.1:1/a&b<c>d'e`f g\\h"),
    (b"entity url", "&#106;avascript:alert(1)"),
    (b"crlf url", "HTTPS://evil.example/%0d%0a<svg/onload=alert(1)>"),
    (b"no host", "http:/\\evil.example/"),
    (b"spaced", "  javascript:alert(1)"),
    (b"\xe2\x80\xaeoverride \\N\\G \"><svg onload=alert(1)>", "vbscript:msgbox(1)"),
]

# What each post's label must (and must not) show, by make_site key. The
# label is the text of the node's <text> lines joined by a space.
LOOKALIKE = "\u29f5"     # how a tooltip shows a backslash (see the tooltip test)

LABEL_EXPECT = {
    "script": (["<script>document.documentElement"], []),
    "svg": (['"><svg onload="document'], []),
    "img": (['<img src=x onerror="document'], []),
    "apos": (["' onmouseover='alert(1)'"], []),
    "backslash": (["Escapes \\N \\G \\E \\L \\H \\T"], []),
    "control": (["Control", "end"], []),
    "badutf8": (["\ufffd", "caf\u00e9"], []),
    "long": (["A very long title", "\u2026"], []),
    "rtl": (["\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "exe.txt"], []),
    "emoji": (["\U0001F469\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466",
               "\U0001F3F3\ufe0f\u200d\U0001F308"], []),
    "cdata": (["]]> --> <!-- <![CDATA[ x"], []),
    "amp": (["Fish & Chips &amp; <b>bold</b>"], []),   # the title as written
    "plain": (["Moats and flywheels"], []),
}


def load_site_module():
    spec = importlib.util.spec_from_file_location("hostile_make_site",
                                                  os.path.join(FIXTURE, "make_site.py"))
    mod = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True   # no __pycache__ in the fixture
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.dont_write_bytecode = saved
    return mod


SITE = load_site_module()
MAIN_POSTS = [p for p in SITE.POSTS if p["date"] <= UNTIL]
ENTITY_POST = next(p for p in SITE.POSTS if p["key"] == "entities")


# ---- reading an SVG -------------------------------------------------------------
def local(name):
    return name.rsplit("}", 1)[-1]


def svg_problems(data, hosts=None):
    """Everything unsafe or broken in the SVG bytes DATA, as strings (an
    empty list when it is clean). HOSTS, when given, are the only netlocs a
    link may point to."""
    problems = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["not UTF-8: %s" % e]
    m = C0.search(text)
    if m:
        problems.append("C0 control %r at byte %d" % (m.group(), m.start()))
    m = BIDI_CONTROLS.search(text)
    if m:
        problems.append("bidi control U+%04X at %d" % (ord(m.group()), m.start()))
    if "<!ENTITY" in text or re.search(r"<!DOCTYPE[^>\[]*\[", text):
        problems.append("DOCTYPE with an internal subset")
    m = re.search(r"<\?(?!xml\s)", text)
    if m:
        problems.append("processing instruction at %d" % m.start())
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        return problems + ["not well-formed: %s" % e]
    if root.tag != "{%s}svg" % SVG_NS:
        problems.append("root element is %s" % root.tag)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if not el.tag.startswith("{%s}" % SVG_NS):
            problems.append("element outside the SVG namespace: %s" % el.tag)
        if local(el.tag) in BAD_ELEMENTS:
            problems.append("element <%s>" % local(el.tag))
        for piece in (el.text, el.tail):
            if piece and len(piece.strip()) > TEXT_MAX:
                problems.append("text of %d chars in <%s>: %.60r..." % (len(piece), local(el.tag), piece))
        for name, value in el.attrib.items():
            lname = local(name).lower()
            if lname.startswith("on"):
                problems.append("event attribute %s=%.80r on <%s>" % (name, value, local(el.tag)))
            if lname == "base" or name == "{http://www.w3.org/XML/1998/namespace}base":
                problems.append("xml:base=%r" % value)
            if lname in ("href", "src"):
                if not re.match(r"https?://", value):
                    problems.append("link that is not http(s): %s=%.120r" % (name, value))
                elif HREF_BAD_CHARS.search(value):
                    problems.append("unencoded character in link %.120r" % value)
                elif hosts is not None and urlsplit(value).netloc not in hosts:
                    problems.append("link to a foreign host: %.120r" % value)
            if lname == "title" and len(value) > TEXT_MAX:
                problems.append("tooltip of %d chars: %.60r..." % (len(value), value))
    return problems


def svg_nodes(data):
    """The <g class="node"> groups of an SVG: dicts with name, href,
    tooltip and label (the <text> lines joined by a space)."""
    root = ET.fromstring(data)
    out = []
    for g in root.iter("{%s}g" % SVG_NS):
        if g.get("class") != "node":
            continue
        title = g.find("{%s}title" % SVG_NS)
        a = g.find(".//{%s}a" % SVG_NS)
        texts = ["".join(t.itertext()) for t in g.iter("{%s}text" % SVG_NS)]
        out.append({
            "name": title.text if title is not None else None,
            "href": a.get("{%s}href" % XLINK_NS) if a is not None else None,
            "tooltip": a.get("{%s}title" % XLINK_NS) if a is not None else None,
            "label": " ".join(texts),
        })
    return out


def count_nodes(data):
    return len(svg_nodes(data))


def dot_problems(data):
    """What would stop a DOT file from reading back, or smuggle markup."""
    problems = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["not UTF-8: %s" % e]
    m = C0.search(text)
    if m:
        problems.append("C0 control %r at byte %d" % (m.group(), m.start()))
    m = BIDI_CONTROLS.search(text)
    if m:
        problems.append("bidi control U+%04X at %d" % (ord(m.group()), m.start()))
    if re.search(r"\blabel\s*=\s*<", text):
        problems.append("an HTML-like label (label=<...>)")
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', text, re.S):
        if len(m.group(1)) > 16000:
            problems.append("a quoted string of %d chars (Graphviz 2.42 stops at 16384)" % len(m.group(1)))
    for m in re.finditer(r'\b(URL|href)\s*=\s*"((?:[^"\\]|\\.)*)"', text):
        if not re.match(r"https?://", m.group(2)):
            problems.append("%s that is not http(s): %.120r" % (m.group(1), m.group(2)))
    return problems


# ---- Chromium --------------------------------------------------------------------
PROBE = """<script>(function () {
  var svgs = document.querySelectorAll('svg'), n = {scripts: 0, handlers: 0, badlinks: 0, embeds: 0};
  svgs.forEach(function (svg) {
    n.scripts += svg.querySelectorAll('script').length;
    n.embeds += svg.querySelectorAll('foreignObject, iframe, object, embed').length;
    [svg].concat(Array.prototype.slice.call(svg.querySelectorAll('*'))).forEach(function (el) {
      for (var i = 0; i < el.attributes.length; i++) {
        var a = el.attributes[i];
        if (/^on/i.test(a.name)) n.handlers++;
        if (/href$/i.test(a.name) && !/^https?:\\/\\//.test(a.value)) n.badlinks++;
      }
    });
  });
  document.body.setAttribute('data-probe', 'svgs=' + svgs.length + ' scripts=' + n.scripts +
    ' handlers=' + n.handlers + ' badlinks=' + n.badlinks + ' embeds=' + n.embeds);
})();</script>"""

CONTROL_SVG = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="40" height="20" onload="document.documentElement.setAttribute(\'data-pw\'+\'ned-onload\',\'1\')">'
    '<script>document.documentElement.setAttribute(\'data-pw\'+\'ned\',\'control\')</script>'
    '<a xlink:href="javascript:void(0)"><text x="2" y="12">control</text></a></svg>\n')


def inline_page(svgs):
    """An HTML page with the SVG documents SVGS inlined (prolog dropped, as
    someone pasting a map into a page would) and the probe at the end."""
    parts = ["<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>maps</title></head><body>\n"]
    for data in svgs:
        text = data.decode("utf-8")
        m = re.search(r"<svg[\s>]", text)
        parts.append("<div class=\"map\">%s</div>\n" % text[m.start():] if m else text)
    parts.append(PROBE + "\n</body></html>\n")
    return "".join(parts).encode("utf-8")


def chromium_dump(path, workdir):
    """Open file PATH in headless Chromium and return the DOM it dumps."""
    profile = os.path.join(workdir, "chromium-profile")
    os.makedirs(profile, exist_ok=True)
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio",
            "--user-data-dir=" + profile, "--dump-dom", "file://" + os.path.abspath(path)]
    env = dict(os.environ, HOME=workdir, XDG_CONFIG_HOME=os.path.join(workdir, ".config"),
               XDG_CACHE_HOME=os.path.join(workdir, ".cache"))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=workdir, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=CHROMIUM_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)     # its own session: Chromium and its helpers only
        proc.communicate()
        raise AssertionError("chromium did not finish within %d s on %s" % (CHROMIUM_TIMEOUT, path))
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # helpers left behind in the session, if any
        except ProcessLookupError:
            pass
    if proc.returncode != 0:
        raise AssertionError("chromium exited %d on %s\n%s" % (proc.returncode, path,
                                                               err.decode("utf-8", "replace")[-2000:]))
    return out.decode("utf-8", "replace")


def probe_result(dom):
    m = re.search(r'data-probe="([^"]*)"', dom)
    return m.group(1) if m else None


# ---- the tests ---------------------------------------------------------------------
class HostileMapTest(E2ETestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = cls.class_tmp()
        cls.runner = Blogmap(workdir=cls.work)
        cls.addClassCleanup(cls.runner.reap_all)
        srv = cls.class_server(FIXTURE, rebase=SITE.BASE)
        cls.host = urlsplit(srv.base).netloc
        cls.origin = srv.base
        cls.db = os.path.join(cls.work, "hostile.db")
        cls.crawl = cls.runner.crawl(srv.url("/"), cls.db, "--delay", "0", "--quiet")
        srv.stop()
        cls.out = {}
        for name, args in MAPS.items():
            cls.out[name] = cls.draw(cls.db, name, args)
        cls.injected_db = os.path.join(cls.work, "injected.db")
        cls.injected_error = None
        try:
            cls.inject(cls.db, cls.injected_db)
        except (sqlite3.Error, OSError) as e:
            cls.injected_error = "could not prepare the hand-edited database: %s" % e
        for name, args in INJECTED_MAPS.items():
            cls.out[name] = cls.draw(cls.injected_db, name, args)

    @classmethod
    def draw(cls, db, name, args):
        path = os.path.join(cls.work, name)
        r = cls.runner.run("map", "--db", db, "-o", path, "--quiet", *args, timeout=120)
        return path, r

    @staticmethod
    def inject(src, dst):
        shutil.copyfile(src, dst)
        with sqlite3.connect(dst) as c:
            ids = [row[0] for row in c.execute("SELECT id FROM posts WHERE date <= ? ORDER BY id", (UNTIL,))]
            for pid, (title, url) in zip(ids, INJECTED):
                c.execute("UPDATE pages SET title = CAST(? AS TEXT) WHERE id = ?", (title, pid))
                if url is not None:
                    c.execute("UPDATE pages SET url = ? WHERE id = ?", (url, pid))

    # ---- helpers ----------------------------------------------------------------
    def crawled(self):
        self.assertExit(self.crawl, 0)

    def map_bytes(self, name):
        path, r = self.out[name]
        if name in INJECTED_MAPS and self.injected_error:
            self.fail(self.injected_error)
        self.assertExit(r, 0)
        with open(path, "rb") as f:
            data = f.read()
        self.assertTrue(data, "%s is empty" % name)
        return data

    def post_nodes(self, data, posts=MAIN_POSTS):
        """make_site key -> SVG node, matched on the link's path."""
        by_path = {}
        for n in svg_nodes(data):
            if n["href"]:
                by_path[unquote(urlsplit(n["href"]).path)] = n
        return {p["key"]: by_path.get(unquote(p["path"])) for p in posts}

    def assertClean(self, problems, what):
        if problems:
            self.fail("%s: %d problem(s)\n  %s" % (what, len(problems), "\n  ".join(problems[:20])))

    def graphviz(self, tool):
        exe = shutil.which(tool)
        if not exe:
            self.skipTest("Graphviz '%s' is not installed" % tool)
        return exe

    # ---- the checks themselves ------------------------------------------------------------
    def test_checks_catch_known_bad_svgs(self):
        # The SVG and DOT checks flag what stock Graphviz 2.42 makes of
        # unsanitised input (G01, G02, G05, G07, G10): they are not vacuous.
        found = "\n".join(svg_problems(CONTROL_SVG.encode()))
        for want in ("event attribute onload", "element <script>", "not http(s)"):
            self.assertIn(want, found)
        exe = self.graphviz("dot")
        cases = {
            "attribute injection": ('a [URL="https://h/x\\" onmouseover=\\"alert(1)\\" style=\\"x"]',
                                    "event attribute onmouseover"),
            "javascript link": ('a [URL="javascript:alert(1)"]', "not http(s)"),
            "foreign host": ('a [URL="https://evil.example/"]', "foreign host"),
            "control character": ('a [label="x\x01y"]', "C0 control"),
            "long label": ('a [label="%s"]' % ("w" * 400), "text of 400 chars"),
            "bidi override": ('a [label="x\u202ey"]', "bidi control U+202E"),
        }
        for what, (stmt, want) in cases.items():
            with self.subTest(case=what):
                src = ("digraph g { %s }" % stmt).encode("utf-8")
                r = subprocess.run([exe, "-Tsvg"], input=src, capture_output=True, timeout=60)
                found = "\n".join(svg_problems(r.stdout, hosts={self.host}))
                self.assertIn(want, found, "%s not flagged:\n%s" % (what, r.stdout.decode("utf-8", "replace")[-800:]))
        for what, (src, want) in {
                "html label": (b'digraph { a [label=<<b>x</b>>] }', "HTML-like label"),
                "javascript URL": (b'digraph { a [URL="javascript:x"] }', "not http(s)"),
                "string past 16 KiB": (b'digraph { a [label="' + b"x" * 17000 + b'"] }', "16384"),
                "control character": (b'digraph { a [label="x\x01"] }', "C0 control")}.items():
            with self.subTest(case=what):
                self.assertIn(want, "\n".join(dot_problems(src)), "%s not flagged" % what)

    # ---- the fixture and the crawl ------------------------------------------------------
    def test_fixture_is_current(self):
        fresh = os.path.join(self.tmp, "site")
        SITE.build(fresh)
        committed = os.path.join(FIXTURE, "site")
        names = sorted(os.path.relpath(os.path.join(d, f), fresh)
                       for d, _, fs in os.walk(fresh) for f in fs)
        have = sorted(os.path.relpath(os.path.join(d, f), committed)
                      for d, _, fs in os.walk(committed) for f in fs)
        self.assertEqual(have, names, "site/ differs from make_site.py's output: run it again")
        for rel in names:
            with open(os.path.join(fresh, rel), "rb") as a, open(os.path.join(committed, rel), "rb") as b:
                self.assertTrue(a.read() == b.read(), "site/%s is stale: run make_site.py again" % rel)

    def test_crawl_reads_every_hostile_post(self):
        self.crawled()
        rows = self.runner.table("posts", self.db)
        got = {unquote(urlsplit(r["url"]).path): r["title"] for r in rows}
        want = {unquote(p["path"]) for p in SITE.POSTS}
        self.assertSameSet(got, want, "post paths")
        titles = " ".join(got.values())
        for needle in ("<script>", '"><svg onload=', "\\N \\G", "\U0001F469\u200d", "\u05e9\u05dc\u05d5\u05dd"):
            self.assertIn(needle, titles, "a payload never reached the database")

    # ---- SVG ---------------------------------------------------------------------------
    def test_g15_svg_maps_are_safe(self):
        for name in ("dot.svg", "sfdp.svg", "summary.svg", "titled.svg"):
            with self.subTest(map=name):
                self.assertClean(svg_problems(self.map_bytes(name), hosts={self.host}), name)

    def test_svg_links_every_post(self):
        for name in ("dot.svg", "sfdp.svg"):
            with self.subTest(map=name):
                nodes = self.post_nodes(self.map_bytes(name))
                missing = sorted(k for k, n in nodes.items() if n is None)
                self.assertEqual(missing, [], "posts with no linked node in %s" % name)
                for key, n in nodes.items():
                    self.assertEqual(urlsplit(n["href"]).netloc, self.host, n["href"])

    def test_g04_svg_shows_payloads_as_text(self):
        data = self.map_bytes("dot.svg")
        nodes = self.post_nodes(data)
        for key, (must, must_not) in LABEL_EXPECT.items():
            with self.subTest(post=key):
                n = nodes[key]
                self.assertIsNotNone(n, "no node for post %s" % key)
                for s in must:
                    self.assertIn(s, n["label"], "label of %s" % key)
                for s in must_not:
                    self.assertNotIn(s, n["label"], "label of %s" % key)
                self.assertLessEqual(len(n["label"]), 60, "label of %s is not capped" % key)
        text = data.decode("utf-8")
        self.assertIn("&lt;script&gt;document.documentElement", text)
        self.assertIn("&lt;img src=x onerror=", text)
        self.assertIn("fish&amp;chips&amp;x=1", text)

    def test_g07_svg_long_title_is_cut(self):
        for name in ("dot.svg", "sfdp.svg"):
            with self.subTest(map=name):
                n = self.post_nodes(self.map_bytes(name))["long"]
                self.assertTrue(n["label"].endswith("\u2026"), n["label"])
                self.assertLessEqual(len(n["label"]), 60)
                self.assertLessEqual(len(n["tooltip"] or ""), TEXT_MAX)

    def test_svg_map_title_is_text(self):
        root = ET.fromstring(self.map_bytes("titled.svg"))
        texts = ["".join(t.itertext()) for t in root.iter("{%s}text" % SVG_NS)]
        self.assertTrue(any(t.startswith("<script>alert(1)</script>") for t in texts),
                        "the --title is not shown as text: %r" % texts[:5])
        self.assertTrue(any("\\N \\G" in t for t in texts), "\\N or \\G in --title was expanded")

    def test_g08_svg_tooltips_keep_backslash_sequences(self):
        # A tooltip shows the title: Graphviz must not expand \N, \G, \E or
        # \L in it (G08). Graphviz 2.42 unescapes tooltips twice, so blogmap
        # shows a backslash there as U+29F5 (a look-alike no version expands).
        # Each post's tooltip starts with its label, backslashes aside.
        nodes = self.post_nodes(self.map_bytes("dot.svg"))
        for key, n in nodes.items():
            with self.subTest(post=key):
                label = n["label"].rstrip("\u2026").rstrip().replace("\\", LOOKALIKE)
                self.assertTrue((n["tooltip"] or "").startswith(label),
                                "tooltip %r does not start with the label %r" % (n["tooltip"], label))
        with self.subTest(check="backslash post"):
            tip = nodes["backslash"]["tooltip"] or ""
            self.assertIn("Escapes \u29f5N \u29f5G \u29f5E \u29f5L \u29f5H \u29f5T", tip)
            self.assertNotIn("blogmap", tip)    # \G would have become the graph's name
        with self.subTest(check="a title of 100 \\L"):
            # Expanded, each \L would pull in the whole label, past the cap.
            self.crawled()
            db = os.path.join(self.tmp, "many-L.db")
            shutil.copyfile(self.db, db)
            with sqlite3.connect(db) as c:
                c.execute("UPDATE pages SET title = ? WHERE id = (SELECT id FROM posts WHERE date <= ? "
                          "ORDER BY id LIMIT 1)", ("\\L" * 100 + " end", UNTIL))
            out = os.path.join(self.tmp, "many-L.svg")
            r = self.bm.run("map", "--db", db, "-o", out, "--quiet", "--until", UNTIL, timeout=120)
            self.assertExit(r, 0)
            with open(out, "rb") as f:
                tips = [n["tooltip"] or "" for n in svg_nodes(f.read())
                        if (n["tooltip"] or "").startswith(LOOKALIKE)]
            self.assertEqual(len(tips), 1, "no node whose tooltip starts with \\L")
            self.assertTrue(tips[0].startswith(LOOKALIKE + "L" + LOOKALIKE + "L")
                            and len(tips[0]) <= TEXT_MAX,
                            "tooltip of %d chars: %.80r..." % (len(tips[0]), tips[0]))

    def test_svg_labels_keep_entity_text(self):
        # Text that looks like an entity is shown as written: a title
        # "&amp;" or "&lt;script&gt;" is not decoded a second time.
        nodes = self.post_nodes(self.map_bytes("dot.svg"))
        for key, want in (("amp", "Fish & Chips &amp; <b>bold</b>"),
                          ("cdata", "]]> --> <!-- <![CDATA[ x ]]> &lt;script&gt;")):
            with self.subTest(post=key):
                self.assertIn(want, nodes[key]["label"] + " " + (nodes[key]["tooltip"] or ""))
                self.assertIn(want, nodes[key]["tooltip"] or "")

    def test_entity_text_in_titles(self):
        # A title holding "&#1;", "&#x202e;" or "&lt;" as text: every map is
        # still drawn, clean, and shows the references as written (G04, G05).
        for name in ("all.svg", "all-sfdp.svg"):
            with self.subTest(map=name):
                path, r = self.out[name]
                self.assertExit(r, 0)
                with open(path, "rb") as f:
                    data = f.read()
                self.assertClean(svg_problems(data, hosts={self.host}), name)
                n = self.post_nodes(data, [ENTITY_POST])["entities"]
                self.assertIsNotNone(n, "no node for the entity post")
                self.assertIn("Entities &#1; &#x1b;", n["label"])
                self.assertIn("Entities &#1; &#x1b; &#8; &#x202e;exe.txt &lt;script&gt;", n["tooltip"] or "")
        exe = self.graphviz("dot")
        data = self.map_bytes("all.dot")
        self.assertClean(dot_problems(data), "all.dot")
        out = os.path.join(self.tmp, "all-again.svg")
        r = subprocess.run([exe, "-Tsvg", os.path.join(self.work, "all.dot"), "-o", out],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))
        with open(out, "rb") as f:
            self.assertClean(svg_problems(f.read(), hosts={self.host}), "all.dot rendered by dot")

    # ---- DOT -----------------------------------------------------------------------------
    def test_g09_dot_reads_back(self):
        pairs = [("dot.dot", "dot.svg"), ("sfdp.dot", "sfdp.svg"), ("summary.dot", "summary.svg"),
                 ("inj-dot.dot", "inj-dot.svg")]
        for tool in ("dot", "sfdp"):
            exe = self.graphviz(tool)
            for dot_name, svg_name in pairs:
                with self.subTest(tool=tool, dot=dot_name):
                    data = self.map_bytes(dot_name)
                    self.assertClean(dot_problems(data), dot_name)
                    out = os.path.join(self.tmp, "%s-%s.svg" % (dot_name, tool))
                    r = subprocess.run([exe, "-Tsvg", os.path.join(self.work, dot_name), "-o", out],
                                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
                    self.assertEqual(r.returncode, 0, "%s -Tsvg %s: %s" % (tool, dot_name,
                                                                          r.stderr.decode("utf-8", "replace")))
                    with open(out, "rb") as f:
                        again = f.read()
                    hosts = None if dot_name.startswith("inj") else {self.host}
                    self.assertClean(svg_problems(again, hosts=hosts), "%s rendered by %s" % (dot_name, tool))
                    self.assertEqual(count_nodes(again), count_nodes(self.map_bytes(svg_name)),
                                     "nodes in %s rendered by %s vs %s" % (dot_name, tool, svg_name))

    # ---- GEXF and GraphML ----------------------------------------------------------------
    def test_gexf_and_graphml_parse(self):
        for name in ("map.gexf", "map.graphml", "inj.gexf", "inj.graphml"):
            with self.subTest(map=name):
                data = self.map_bytes(name)
                text = data.decode("utf-8")
                self.assertIsNone(C0.search(text), "C0 control in %s" % name)
                root = ET.fromstring(data)
                nodes = [el for el in root.iter() if local(el.tag) == "node"]
                self.assertEqual(len(nodes), len(SITE.POSTS), "nodes in %s" % name)
                self.assertFalse([el for el in root.iter() if local(el.tag) in BAD_ELEMENTS])
        root = ET.fromstring(self.map_bytes("map.gexf"))
        labels = [el.get("label", "") for el in root.iter() if local(el.tag) == "node"]
        self.assertTrue(any(l.startswith("<script>document") for l in labels), labels[:3])

    # ---- a database the crawler did not write ---------------------------------------------
    def test_hand_edited_database_gives_safe_maps(self):
        for name in ("inj-dot.svg", "inj-sfdp.svg"):
            with self.subTest(map=name):
                data = self.map_bytes(name)
                self.assertClean(svg_problems(data), name)
                nodes = svg_nodes(data)
                labels = " ".join(n["label"] for n in nodes)
                self.assertIn("<script>alert(1)</script>", labels)
                self.assertIn("\ufffd", labels, "invalid UTF-8 was not replaced")
                hrefs = [n["href"] for n in nodes if n["href"]]
                for bad in ("javascript", "vbscript", "data:", "onmouseover=\""):
                    self.assertFalse([h for h in hrefs if bad in h.lower()], "%s link in %s" % (bad, name))

    # ---- headless Chromium ---------------------------------------------------------------
    def chromium(self):
        if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
            self.skipTest("%s is not installed (Debian package 'chromium')" % CHROMIUM)
        return CHROMIUM

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_g14_chromium_svg_opened_directly(self):
        self.chromium()
        control = chromium_dump(self.write("control.svg", CONTROL_SVG.encode()), self.tmp)
        self.assertIn(MARKER + '="control"', control,
                      "the control SVG's <script> did not show: the check would be vacuous\n" + control[:2000])
        self.assertIn(MARKER + '-onload="1"', control, "the control SVG's onload did not show")
        for name in ("dot.svg", "sfdp.svg", "titled.svg", "inj-dot.svg"):
            with self.subTest(map=name):
                data = self.map_bytes(name)
                dom = chromium_dump(self.write("view-" + name, data), self.tmp)
                self.assertNotIn("parsererror", dom, "Chromium could not parse %s" % name)
                self.assertTrue(re.match(r"\s*(<!DOCTYPE[^>]*>\s*)?<svg[\s>]", dom),
                                "Chromium did not show %s as an SVG document:\n%s" % (name, dom[:500]))
                self.assertEqual(len(re.findall(r'class="node"', dom)), count_nodes(data),
                                 "nodes Chromium shows in %s" % name)
                self.assertNotIn(MARKER, dom, "a script ran when %s was opened" % name)

    def test_g14_chromium_svg_inlined_in_html(self):
        self.chromium()
        control = chromium_dump(self.write("control.html", inline_page([CONTROL_SVG.encode()])), self.tmp)
        self.assertIn(MARKER + '="control"', control, "the inlined control SVG's <script> did not show")
        self.assertIn(MARKER + '-onload="1"', control, "the inlined control SVG's onload did not show")
        self.assertEqual(probe_result(control), "svgs=1 scripts=1 handlers=1 badlinks=1 embeds=0",
                         "the probe did not see the control's script, handler and link")
        names = ["dot.svg", "sfdp.svg", "summary.svg", "titled.svg", "inj-dot.svg", "inj-sfdp.svg"]
        page = inline_page([self.map_bytes(n) for n in names])
        dom = chromium_dump(self.write("maps.html", page), self.tmp)
        self.assertEqual(probe_result(dom), "svgs=%d scripts=0 handlers=0 badlinks=0 embeds=0" % len(names),
                         "what the browser parsed out of the inlined maps")
        self.assertNotIn(MARKER, dom, "a script ran in the page that inlines the maps")

    # ---- one test per matrix row not named above ---------------------------------------
    def injected_svgs(self):
        return {name: self.map_bytes(name) for name in ("inj-dot.svg", "inj-sfdp.svg")}

    def test_g01_attribute_injection(self):
        # A post URL holding '" onmouseover="...' gives no attribute: the
        # quote is percent-encoded inside the one href.
        for name, data in self.injected_svgs().items():
            with self.subTest(map=name):
                self.assertClean(svg_problems(data), name)
                hrefs = [n["href"] for n in svg_nodes(data) if n["href"]]
                self.assertFalse([h for h in hrefs if '"' in h or "<" in h], "raw quote in a link")
                self.assertTrue([h for h in hrefs if "%22" in h and "onmouseover" in h],
                                "the quoted URL is not linked, encoded: %s" % hrefs[:5])

    def test_g02_script_schemes(self):
        for name, data in self.injected_svgs().items():
            with self.subTest(map=name):
                hrefs = [n["href"] for n in svg_nodes(data) if n["href"]]
                self.assertTrue(hrefs)
                self.assertEqual([h for h in hrefs if not re.match(r"https?://", h)], [], name)
                self.assertNotRegex(data.decode("utf-8").lower(), r"(javascript|vbscript|data):[^ ]*[\"']",
                                    "a script URL in an attribute of %s" % name)
        self.assertClean(dot_problems(self.map_bytes("inj-dot.dot")), "inj-dot.dot")

    def test_g03_entity_encoded_scheme(self):
        for name, data in self.injected_svgs().items():
            with self.subTest(map=name):
                for n in svg_nodes(data):
                    self.assertNotIn("avascript", (n["href"] or "").lower(), name)
                self.assertNotIn(b'href="&#', data)

    def test_g05_control_characters(self):
        for name in ("inj-dot.svg", "inj-sfdp.svg", "inj-dot.dot"):
            with self.subTest(map=name):
                text = self.map_bytes(name).decode("utf-8")
                self.assertIsNone(C0.search(text), "C0 control in %s" % name)
        labels = " ".join(n["label"] for n in svg_nodes(self.map_bytes("inj-dot.svg")))
        self.assertRegex(labels, r"ctl .*end", "the title with controls is not shown")

    def test_g06_invalid_utf8(self):
        for name, data in self.injected_svgs().items():
            with self.subTest(map=name):
                data.decode("utf-8")        # raises if not UTF-8
                labels = " ".join(n["label"] for n in svg_nodes(data))
                self.assertRegex(labels, "bad \ufffd", "invalid UTF-8 was not replaced")

    def test_g09_synthetic_node_names(self):
        # Node names are p<id>, whatever the title or URL says.
        for name in ("dot.svg", "inj-dot.svg"):
            with self.subTest(map=name):
                names = [n["name"] for n in svg_nodes(self.map_bytes(name))]
                self.assertTrue(names)
                self.assertEqual([x for x in names if not re.fullmatch(r"[a-z_]*\d+|[a-z_]+", x or "")], [],
                                 "node names taken from page text in %s" % name)

    def test_g10_no_html_like_labels(self):
        for name in ("dot.dot", "sfdp.dot", "summary.dot", "inj-dot.dot", "all.dot"):
            with self.subTest(map=name):
                self.assertNotRegex(self.map_bytes(name).decode("utf-8"), r"\b(label|tooltip)\s*=\s*<")
        labels = [n["label"] for n in svg_nodes(self.map_bytes("inj-dot.svg"))]
        self.assertIn("<script>alert(1)</script>", labels, "a title starting with '<' is not text")

    def test_g11_comments(self):
        # Titles with "--" and "-->" never reach an SVG comment.
        for name in ("dot.svg", "sfdp.svg", "summary.svg", "titled.svg", "inj-dot.svg", "inj-sfdp.svg"):
            with self.subTest(map=name):
                text = self.map_bytes(name).decode("utf-8")
                for body in re.findall(r"<!--(.*?)-->", text, re.S):
                    self.assertNotIn("--", body, "comment %r in %s" % (body, name))
                    self.assertNotIn("<", body, "comment %r in %s" % (body, name))

    def test_g12_layout_cpu_limit(self):
        # Layout runs in a child under RLIMIT_CPU: dot on 1,000 posts with a
        # one-second limit fails cleanly and writes nothing; the default
        # engine for that size (sfdp) draws it.
        fixture = os.path.join(self.tmp, "gen")
        gensite.generate(fixture, posts=1000, seed=12)
        srv = self.serve(fixture, rebase=gensite.BASE)
        db = os.path.join(self.tmp, "big.db")
        self.assertExit(self.bm.crawl(srv.url("/"), db, "--delay", "0"), 0)
        out = os.path.join(self.tmp, "big.svg")
        r = self.bm.run("map", "--db", db, "-o", out, "--engine", "dot", "--cpu-limit", "1", timeout=60)
        self.assertExit(r, 1)
        self.assertRegex(r.stderr, r"(?m)^error: .*took longer than 1 s of CPU", r.describe())
        self.assertLess(r.seconds, 30, "the CPU limit did not stop the layout")
        self.assertFalse(os.path.exists(out), "a map was written after a failed layout")
        r = self.bm.run("map", "--db", db, "-o", out, "--quiet", timeout=120)
        self.assertExit(r, 0)
        with open(out, "rb") as f:
            self.assertClean(svg_problems(f.read()), "big.svg")

    def test_g13_no_record_shapes(self):
        for name in ("dot.dot", "sfdp.dot", "summary.dot", "inj-dot.dot", "all.dot"):
            with self.subTest(map=name):
                self.assertNotRegex(self.map_bytes(name).decode("utf-8"), r"shape\s*=\s*\"?M?record",
                                    "record shapes parse their labels")


if __name__ == "__main__":
    unittest.main()
