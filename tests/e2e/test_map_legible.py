"""The sample blog's topic map is legible: drawn fresh from a --mirror crawl,
no two post boxes overlap, every post has a readable label, each theme has
its own colour, and docs/sample-map.png is that same map (same pixel size,
so it was not left behind by an older layout)."""
import os
import re
import struct
import unittest
import xml.etree.ElementTree as ET

from run import ROOT, E2ETestCase, Blogmap

SVG = "{http://www.w3.org/2000/svg}"
SAMPLE = os.path.join(ROOT, "examples", "sample-blog")
TITLE = "flywheel-notes: topic map"     # as examples/demo.sh draws it


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError("%s is not a PNG" % path)
    return struct.unpack(">II", head[16:24])


def bbox(element):
    """Bounding box of a node's outline (path or polygon points)."""
    for shape in element.iter():
        if shape.tag in (SVG + "path", SVG + "polygon"):
            text = shape.get("d") or shape.get("points")
            nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text)]
            xs, ys = nums[0::2], nums[1::2]
            return min(xs), min(ys), max(xs), max(ys)
    raise AssertionError("node without an outline")


class SampleMapLegibleTest(E2ETestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = cls.class_tmp()
        cls.db = os.path.join(cls.tmp, "b.db")
        bm = Blogmap(workdir=cls.tmp)
        r = bm.run("crawl", "https://flywheel-notes.blogspot.com/", "--mirror",
                   os.path.join(SAMPLE, "site"), "--db", cls.db, "-q")
        assert r.returncode == 0, r.describe()
        cls.svg = os.path.join(cls.tmp, "map.svg")
        cls.png = os.path.join(cls.tmp, "map.png")
        for out in (cls.svg, cls.png):
            r = bm.run("map", "--db", cls.db, "-o", out, "--title", TITLE, "-q")
            assert r.returncode == 0, r.describe()
        root = ET.parse(cls.svg).getroot()
        cls.nodes = [g for g in root.iter(SVG + "g") if g.get("class") == "node"
                     and re.fullmatch(r"p\d+", g.find(SVG + "title").text or "")]
        cls.clusters = [g for g in root.iter(SVG + "g") if g.get("class") == "cluster"]

    def test_every_post_drawn_with_a_label(self):
        """26 posts, each with label text at a font size of at least 8."""
        self.assertEqual(len(self.nodes), 26)
        for g in self.nodes:
            texts = [t for t in g.iter(SVG + "text") if (t.text or "").strip()]
            self.assertTrue(texts, "post %s has no label" % g.find(SVG + "title").text)
            for t in texts:
                self.assertGreaterEqual(float(t.get("font-size")), 8.0)

    def test_no_overlapping_posts(self):
        """No two post boxes intersect."""
        boxes = [(g.find(SVG + "title").text, bbox(g)) for g in self.nodes]
        for i, (na, a) in enumerate(boxes):
            for nb, b in boxes[i + 1:]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                self.assertTrue(apart, "%s %s overlaps %s %s" % (na, a, nb, b))

    def test_themes_distinct(self):
        """One cluster per theme with posts, each labelled and coloured
        differently, plus the legend."""
        labels, fills = [], set()
        for c in self.clusters:
            label = " ".join(t.text for t in c.iter(SVG + "text") if t.text)
            if label == "Legend":
                continue
            labels.append(label)
            outline = c.find(SVG + "path") if c.find(SVG + "path") is not None \
                else c.find(SVG + "polygon")
            fills.add(outline.get("fill"))
        self.assertEqual(sorted(labels), ["Big tech", "Flywheel", "Inequality", "Other"])
        self.assertEqual(len(fills), 4)

    def test_docs_png_is_this_map(self):
        """docs/sample-map.png is a PNG of this layout, big enough to read."""
        docs = os.path.join(ROOT, "docs", "sample-map.png")
        self.assertEqual(png_size(docs), png_size(self.png))
        width, height = png_size(docs)
        self.assertGreaterEqual(width, 1500)
        self.assertGreaterEqual(height, 500)


if __name__ == "__main__":
    unittest.main()
