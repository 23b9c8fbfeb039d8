#!/usr/bin/env python3
"""Generate a synthetic Blogger-style blog whose link graph is known.

    python3 tests/e2e/gensite.py --out DIR [--posts 300] [--seed 1] [--crawl-delay SEC] [--themes]
                                 [--hidden N] [--base URL]
                                 [--feed full|summary|jump] [--feed-page N] [--feed-missing N]

writes a fixture in the layout server.py serves and the tests read:

    DIR/site/...              pages as Blogger lays them out, all URLs under
                              https://gen.blogmap.test (server.py rebases them),
                              or under --base
    DIR/site/_routes.tsv      renamed posts (301), a redirect loop (302), and
                              the sitemap pages (/sitemap.xml?page=K, 200)
    DIR/expected/posts.tsv    url, title, date (YYYY-MM-DD)
    DIR/expected/edges.tsv    source, target, kind: distinct post-to-post links
                              written in a post body (div.post-body), targets
                              resolved to the canonical URL through renames and
                              spellings (?m=1, #more, utm_*, root-relative,
                              ../..); kind is "related" inside an "If interested
                              see:" block, else "inline"
    DIR/expected/orphans.tsv  url: posts no other post's body links to
    DIR/expected/broken.tsv   source, href: body links that end in 404 or in a
                              redirect loop

Links outside post bodies (popular-posts sidebar, newer/older pager, comments,
home page, month archives, the about page) and links to /search/label/ are
there to be ignored. The same seed always gives the same site. Each post body
links to a given target at most once, so every edge has a single kind.

With --themes (themes=True) each post also gets a theme (flywheel,
inequality, big-tech or other): theme words in most titles, a theme sentence
or two in every paragraph, sometimes a theme label and a stray sentence from
another theme, so that `blogmap topics` finds a realistic mix. The link graph
is the one the same seed gives without --themes (only titles, and so URLs,
differ), and DIR/expected/themes.tsv (url, theme) records the intended theme.
Without --themes the output is exactly what it was before the option existed.

With --hidden N (hidden=N) N of the orphans (never the one in the sidebar)
are reachable only through the sitemap: no page links to them at all, not
the home page, month archives, pagers, comments nor the about page (pagers
and comments that would name one name the nearest visible post instead).
They still link out. DIR/expected/unreachable.tsv (url) lists them. The link
graph, and every other file but those pages, are the ones the same seed
gives without --hidden; without it the output is byte for byte what it was
before the option existed.

With --base URL (base=URL) every absolute URL in the pages, _routes.tsv and
expected/ is written under URL (say http://127.0.0.1:8080) instead of
https://gen.blogmap.test, so that a plain web server (bench/nginx.sh) can
serve the site as it is, with no rebasing. Nothing else changes; without it
the output is byte for byte what it was before the option existed.

With --feed KIND (feed=KIND) the site also has Blogger's posts feed,
/feeds/posts/default, as Atom files paged the way Blogger pages it: newest
first, --feed-page entries a file (default 500), rel=next links
(?start-index=K&max-results=N) and openSearch totals, routed in _routes.tsv
(any other query gets the first page). KIND says what an entry carries:
"full" the whole post body (<content type='html'>), "summary" only the start
of its text (<summary>, as Blogger's "short" feed), "jump" the body up to the
jump break and a "Read more" link for every other post and the whole body
for the rest (Blogger's "until jump break" feed, where posts without a break
come whole). --feed-missing N leaves N posts, chosen by the seed, out of the
feed (they stay in the sitemap). The pages and expected/ are unchanged; without
--feed the output is byte for byte what it was before the option existed.
"""
import argparse
import html
import os
import random
import re
import sys
from datetime import date, timedelta

BASE = "https://gen.blogmap.test"
BLOG_NAME = "Slow Capital Notes"
BLOG_ID = "7304418895512043"

SUBJECTS = ["Container Ports", "Freight Rail", "Battery Plants", "Wind Farms", "Copper Mines",
            "Chip Fabs", "Grain Elevators", "Data Centres", "Toll Roads", "Water Utilities",
            "Cargo Airlines", "Shipyards", "Cement Kilns", "Pipelines", "Cold Storage"]
ADJECTIVES = ["Quiet", "Expensive", "Stubborn", "Patient", "Crowded", "Fragile", "Boring",
              "Overbuilt", "Forgotten", "Lopsided"]
NOUNS = ["Capacity", "Pricing", "Maintenance", "Labour", "Insurance", "Permit", "Depreciation",
         "Bottleneck", "Subsidy", "Weather"]
TITLE_FORMS = [
    "Why {s} Are Getting {a}",
    "Notes on {s}: the {n} Question",
    "{s} & the {n} Problem",
    "The Case for {s}",
    'What "{a}" Means for {s}',
    "{s} \u2014 a {n} Update",
    "Reading the {n} Numbers on {s}",
    "Caf\u00e9 Talk: {s}, Again",
    "Is It Time to Sell {s}?",
    "{n} < Demand? A Look at {s}",
    "How {s} Survive a {a} Decade",
]
LABELS = {"Container Ports": "Shipping", "Cargo Airlines": "Shipping", "Shipyards": "Shipping",
          "Freight Rail": "Transport", "Toll Roads": "Transport", "Pipelines": "Energy",
          "Wind Farms": "Energy", "Battery Plants": "Energy", "Copper Mines": "Materials",
          "Cement Kilns": "Materials", "Chip Fabs": "Technology", "Data Centres": "Technology",
          "Grain Elevators": "Agriculture", "Cold Storage": "Agriculture",
          "Water Utilities": "Utilities"}
EXTRA_LABELS = ["Capital Cycle", "Long Reads", "Charts", "Balance Sheets"]
SENTENCES = [
    "Nobody builds this kind of asset for the next quarter.",
    "The interesting number is the one buried in the maintenance budget.",
    "Utilisation looked fine until the second half of the year.",
    "Every owner we spoke to said the same thing about lead times.",
    "The spreadsheet says one thing and the site visit says another.",
    "Capacity arrives in lumps while demand grows a little every month.",
    "Prices held up better than the volumes did.",
    "The permits took longer than the construction.",
    "Insurance costs doubled and nobody noticed for a while.",
    "A few operators run most of the network, and they know it.",
    "The old equipment is still earning its keep.",
    "What looks like a glut from far away is a shortage up close.",
    "Interest rates matter more here than in almost any other business.",
    "The second owner usually makes the money, not the builder.",
    "It is a slow business, which is the point.",
]
INLINE_FORMS = [
    'We went through the background in <a href="{h}">{t}</a>.',
    'See also <a href="{h}">{t}</a>.',
    'As noted <a href="{h}">previously</a>, the pattern repeats.',
    'That argument is laid out <a href="{h}">here</a>.',
    'Longtime readers will remember <a href="{h}">this one</a>.',
    'The numbers in <a href="{h}">{t}</a> still hold.',
]
RELATED_LEADS = ["If interested see:", "If interested see also:", "If interested see {y}'s:"]
EXTERNAL = ["https://news.example.com", "https://journal.example.org", "https://data.example.net",
            "https://reports.example.com"]
COMMENTERS = ["Anonymous", "Harbour Watcher", "m.k.", "Rail Fan 72", "Old Analyst"]

# ---- --themes: vocabulary for posts written around one theme ----------------
# (theme, share of posts). "other" posts talk about markets in words none of
# the built-in themes (graph/topics.conf) knows.
THEME_MIX = [("flywheel", 0.28), ("inequality", 0.22), ("big-tech", 0.30), ("other", 0.20)]
THEME_TITLES = {
    "flywheel": ["The Flywheel Behind {s}", "{s} and the Feedback Loop", "Network Effects in {s}",
                 "How Wide Is the Moat Around {s}?", "{s}: a Virtuous Cycle?", "Scale Economies at {s}"],
    "inequality": ["Who Gets the Money From {s}?", "{s} and the Middle Class", "Wages at {s}",
                   "{s}: Wealth for the Few?", "Inequality Along the {s} Corridor", "{s} and Labour's Share"],
    "big-tech": ["The Hyperscalers Want {s}", "{s} for Data Centers", "GPUs, Power and {s}",
                 "Big Tech Discovers {s}", "{s} in the Age of Cloud Demand", "Semiconductor Money and {s}"],
    "other": ["{s} and Oil Futures", "Bond Yields and {s}", "{s}: Freight Rates Again",
              "Diesel, Steel and {s}", "{s} After the Harvest"],
}
THEME_SENTENCES = {
    "flywheel": [
        "Every new customer makes the service a little better for the next one, a feedback loop rivals cannot copy.",
        "The network effects are plain: more shippers bring more carriers, and more carriers bring more shippers.",
        "Once the fixed costs are sunk, scale economies turn into a moat.",
        "It is a flywheel: lower prices bring volume, and the volume pays for lower prices.",
        "The incumbent's competitive advantage compounds every year the asset keeps running.",
        "Increasing returns are why the second-largest operator rarely catches up.",
        "Call it a virtuous cycle that takes a decade to get spinning.",
        "The moat is the permit, and nobody else will ever get one.",
    ],
    "inequality": [
        "The gains went to the owners while wages on site barely moved.",
        "The wealth these assets throw off ends up with a small group of holders.",
        "The middle class towns that grew up around the yard are shrinking.",
        "The labour share of revenue has fallen for twenty years.",
        "Returns to capital outran income growth for everyone else.",
        "It is a winner-take-all business, and the workers around it are not the winners.",
        "The top 1 percent of holders own most of the equity.",
        "Poverty in the county rose even as the dividends grew.",
    ],
    "big-tech": [
        "The hyperscalers are now the biggest buyers of power in the region.",
        "New data centers need more electricity than the whole town used a decade ago.",
        "GPUs arrive by the pallet and the cooling plant cannot keep up.",
        "Cloud demand, not local industry, is what fills the order book now.",
        "Every big tech buyer wants its own supply and pays up front.",
        "The semiconductor supply chain runs through three or four buildings.",
        "Antitrust regulators have started asking who controls the capacity.",
        "Training artificial intelligence models takes more accelerators than anyone planned for.",
    ],
    "other": [
        "Oil futures moved more than the spot price did.",
        "Bond yields did most of the work in the valuation.",
        "Freight rates fell back to where they were before the rush.",
        "The harvest was late, and the barges waited.",
        "Steel prices set the budget more than anything the engineers chose.",
        "The municipal bond sale went through without fuss.",
        "Diesel costs ate most of the margin.",
        "A dry summer cut river levels and barge loads.",
    ],
}
THEME_LABELS = {"flywheel": "Moats", "inequality": "Inequality", "big-tech": "Big Tech",
                "other": "Markets"}


class Post:
    def __init__(self, idx, day, title, path, labels, base=BASE):
        self.idx = idx
        self.day = day
        self.title = title
        self.path = path
        self.url = base + path
        self.labels = labels
        self.old_path = None        # set when the post was renamed (old URL answers 301)
        self.inline = []            # indices of inline targets, in body order
        self.related = []           # indices listed in the "If interested see:" block
        self.updates = []           # inline targets added so that every non-orphan has a reader
        self.broken = []            # hrefs that never resolve
        self.extra = []             # hrefs from the test hook (not in the expected files)
        self.theme = None           # with --themes: the theme the post is written around
        self.aside = None           # with --themes: a second theme it mentions once


def slugify(title, limit=40):
    """Lower-case words joined by '-', cut at a word boundary near LIMIT."""
    out = ""
    for word in re.findall(r"[a-z0-9]+", title.lower()):
        if out and len(out) + 1 + len(word) > limit:
            break
        out = out + "-" + word if out else word
    return out or "post"


def esc(text):
    return html.escape(text, quote=True)


class Blog:
    def __init__(self, n, seed, crawl_delay=None, themes=False, hidden=0, base=BASE,
                 feed=None, feed_page=500, feed_missing=0):
        self.n = n
        self.base = base            # the origin every absolute URL is written under
        self.rng = random.Random(seed)
        # --hidden also draws from an RNG of its own, for the same reason.
        self.n_hidden = hidden
        self.hrng = random.Random("hidden-%d" % seed)
        self.hidden = set()         # indices of posts no page links to
        # --themes draws from an RNG of its own, so the main stream (and with
        # it the link graph, and the whole site without --themes) is unchanged.
        self.themes = themes
        self.trng = random.Random("themes-%d" % seed) if themes else None
        self.crawl_delay = crawl_delay
        # --feed draws the posts it leaves out from an RNG of its own too.
        self.feed = feed            # None, "full", "summary" or "jump"
        self.feed_page = feed_page
        self.feed_missing = feed_missing
        self.frng = random.Random("feed-%d" % seed)
        self.posts = []
        self.routes = []            # (path, status, location-or-file)
        self.loop_href = None

    # ---- the model: posts and who links to whom --------------------------
    def plan(self):
        rng = self.rng
        day = date(2012, 1, 3)
        taken = set()
        for i in range(self.n):
            day += timedelta(days=rng.randint(1, 21))
            subject = rng.choice(SUBJECTS)
            title = rng.choice(TITLE_FORMS).format(s=subject, a=rng.choice(ADJECTIVES), n=rng.choice(NOUNS))
            theme = self.pick_theme() if self.themes else None
            if theme and self.trng.random() < 0.7:
                title = self.trng.choice(THEME_TITLES[theme]).format(s=subject)
            slug = slugify(title)
            path = "/%04d/%02d/%s.html" % (day.year, day.month, slug)
            k = 1
            while path in taken:
                path = "/%04d/%02d/%s_%d.html" % (day.year, day.month, slug, k)
                k += 1
            taken.add(path)
            labels = [LABELS[subject]] + rng.sample(EXTRA_LABELS, rng.randint(0, 1))
            self.posts.append(Post(i, day, title, path, labels, self.base))
            if theme:
                p = self.posts[-1]
                p.theme = theme
                if self.trng.random() < 0.3:
                    p.labels.append(THEME_LABELS[theme])
                if self.trng.random() < 0.2:
                    p.aside = self.trng.choice([t for t, _ in THEME_MIX if t != theme])
        for p in rng.sample(self.posts, self.n // 50):
            p.old_path = "%s/untitled-draft-%d.html" % (p.path[:8], p.idx)
        self.orphans = set(rng.sample(range(self.n), max(1, self.n // 20))) if self.n >= 4 else set()
        if self.n_hidden and self.orphans:
            pool = sorted(self.orphans - {min(self.orphans)})     # min(orphans) is in the sidebar
            self.hidden = set(self.hrng.sample(pool, min(self.n_hidden, len(pool))))
        for p in self.posts:
            p.inline = self.pick(p.idx, rng.choice([0, 1, 1, 2, 2, 3]), ())
            if rng.random() < 0.55:
                p.related = self.pick(p.idx, rng.randint(2, 6), p.inline)
        inbound = {i: 0 for i in range(self.n)}
        for p in self.posts:
            for j in p.inline + p.related:
                inbound[j] += 1
        for j in range(self.n):
            if j in self.orphans or inbound[j]:
                continue
            sources = [p for p in self.posts if p.idx != j and j not in p.inline + p.related]
            if sources:
                rng.choice(sources).updates.append(j)
        if self.n >= 50:
            for p in rng.sample(self.posts[1:], max(2, self.n // 100)):
                p.broken.append("%s/%04d/%02d/never-published-%d.html"
                                % (self.base, p.day.year, p.day.month, p.idx))
            a, b = "/2015/06/moving-target.html", "/2015/06/moving-target-again.html"
            self.routes += [(a, 302, b), (b, 302, a)]
            self.loop_href = self.base + a
            self.posts[self.n // 3].broken.append(self.loop_href)

    def pick_theme(self):
        r = self.trng.random()
        for theme, share in THEME_MIX:
            r -= share
            if r < 0:
                return theme
        return THEME_MIX[-1][0]

    def pick(self, i, k, exclude):
        """Up to K distinct link targets for post I: mostly older posts, never
        itself, never an orphan, nothing in EXCLUDE."""
        rng = self.rng
        out = []
        for _ in range(8 * k):
            if len(out) >= k:
                break
            if i > 0 and rng.random() < 0.85:
                j = rng.randrange(0, i)
            else:
                j = rng.randrange(0, self.n)
            if j != i and j not in self.orphans and j not in out and j not in exclude:
                out.append(j)
        return out

    def visible(self, j, step):
        """Post J, or when it is hidden the nearest post that is not, looking
        STEP (+1 newer, -1 older) first and then the other way; None if none."""
        for d in (step, -step):
            k = j
            while 0 <= k < self.n:
                if k not in self.hidden:
                    return self.posts[k]
                k += d
        return None

    def edges(self):
        out = {}
        for p in self.posts:
            for j in p.inline + p.updates:
                out[(p.url, self.posts[j].url)] = "inline"
            for j in p.related:
                out[(p.url, self.posts[j].url)] = "related"
        return out

    # ---- link spellings ---------------------------------------------------
    def href(self, t):
        """One of the ways a blogger writes a link to post T."""
        rng = self.rng
        if t.old_path and rng.random() < 0.4:
            return self.base + t.old_path + rng.choice(["", "?m=1"])
        r = rng.random()
        if r < 0.40:
            return t.url
        if r < 0.50:
            return t.url + "?m=1"
        if r < 0.57:
            return t.url + "#more"
        if r < 0.65:
            return (t.url + "?utm_source=feedburner&amp;utm_medium=feed&amp;"
                    "utm_campaign=Feed:+slowcapital+(Slow+Capital+Notes)")
        if r < 0.82:
            return t.path
        return "../.." + t.path

    # ---- post bodies ------------------------------------------------------
    def paragraph(self):
        return " ".join(self.rng.sample(SENTENCES, self.rng.randint(2, 4)))

    def wrap(self, text):
        style = self.rng.randrange(3)
        if style == 0:
            return "<p>%s</p>" % text
        if style == 1:
            return "<div>%s</div>" % text
        return "%s<br />\n<br />" % text

    def body(self, p):
        rng = self.rng
        paras = [self.paragraph() for _ in range(rng.randint(2, 5))]
        for j in p.inline:
            t = self.posts[j]
            k = rng.randrange(len(paras))
            form = rng.choice(INLINE_FORMS)
            paras[k] += " " + form.format(h=self.href(t), t=esc(t.title))
        if p.theme:
            trng = self.trng
            for k in range(len(paras)):
                paras[k] += " " + " ".join(trng.sample(THEME_SENTENCES[p.theme], trng.randint(1, 2)))
            if p.aside:
                k = trng.randrange(len(paras))
                paras[k] += " " + trng.choice(THEME_SENTENCES[p.aside])
        for k in range(len(paras)):
            if rng.random() < 0.3:
                paras[k] += ' Source: <a href="%s/%d/%s">%s</a>.' % (
                    rng.choice(EXTERNAL), p.day.year, rng.randint(10000, 99999), "the original report")
        parts = [self.wrap(paras[0]), "<a name='more'></a>"]
        if rng.random() < 0.4:
            parts.append('From <a href="%s/articles/%d">an industry newsletter</a>:<br />\n'
                         "<blockquote>%s</blockquote>" % (rng.choice(EXTERNAL), rng.randint(1, 10**6),
                                                          self.paragraph()))
        parts += [self.wrap(x) for x in paras[1:]]
        if rng.random() < 0.15:
            img = "https://images.example.net/%d.png" % rng.randint(1, 10**6)
            parts.append('<div class="separator" style="clear: both;"><a href="%s" style="margin-left: 1em;">'
                         '<img border="0" height="240" src="%s" width="320" /></a></div>' % (img, img))
        if rng.random() < 0.04:
            parts.append('<p>More in <a href="%s/%04d/%02d/">that month\'s archive</a> and on '
                         '<a href="%s/">the front page</a>.</p>' % (self.base, p.day.year, p.day.month, self.base))
        for j in p.updates:
            t = self.posts[j]
            parts.append('<p>Update: a later look, <a href="%s">%s</a>, picks this up.</p>'
                         % (self.href(t), esc(t.title)))
        for href in p.broken:
            parts.append('<p>There is more in <a href="%s">the follow-up</a>.</p>' % href)
        if p.extra:
            parts.append("<p>Odd corners: %s.</p>" % ", ".join(
                '<a href="%s">%d</a>' % (esc(h), k) for k, h in enumerate(p.extra)))
        if p.related:
            parts.append(self.related_block(p))
        return "\n".join(parts)

    def related_block(self, p):
        rng = self.rng
        year = self.posts[p.related[0]].day.year
        lead = rng.choice(RELATED_LEADS).format(y=year)
        items = []
        for j in p.related:
            t = self.posts[j]
            a = '<a href="%s">%s</a>' % (self.href(t), esc(t.title))
            items.append(rng.choice(["{}", "{}", '"{}"', "{} (with charts)"]).format(a))
        if rng.random() < 0.5:
            return "%s<br />\n%s<br />" % (lead, "<br />\n".join("- " + x for x in items))
        opener = rng.choice(["<p>%s</p>", "%s<br />", "<div>%s</div>"]) % lead
        return "%s\n<ul>\n%s\n</ul>" % (opener, "\n".join("<li>%s</li>" % x for x in items))

    # ---- page furniture -----------------------------------------------------
    def post_block(self, p, body, on_item_page):
        title = esc(p.title)
        heading = title if on_item_page else '<a href="%s">%s</a>' % (p.url, title)
        stamp = "%sT07:%02d:00-05:00" % (p.day.isoformat(), 10 + p.idx % 40)
        labels = ", ".join("<a href='%s/search/label/%s' rel='tag'>%s</a>"
                           % (self.base, l.replace(" ", "%20"), esc(l)) for l in p.labels)
        post_id = 5000000 + p.idx
        return (
            "<div class='post-outer'>\n"
            "<div class='post hentry uncustomized-post-template' itemprop='blogPost' itemscope='itemscope' "
            "itemtype='http://schema.org/BlogPosting'>\n"
            "<meta content='%s' itemprop='blogId'/>\n<meta content='%d' itemprop='postId'/>\n"
            "<a name='%d'></a>\n"
            "<h3 class='post-title entry-title' itemprop='name'>\n%s\n</h3>\n"
            "<div class='post-header'>\n<div class='post-header-line-1'></div>\n</div>\n"
            "<div class='post-body entry-content' id='post-body-%d' itemprop='description articleBody'>\n"
            "%s\n<div style='clear: both;'></div>\n</div>\n"
            "<div class='post-footer'>\n<div class='post-footer-line post-footer-line-1'>\n"
            "<span class='post-author vcard'>Posted by <span class='fn' itemprop='author'>"
            "<a class='g-profile' href='https://profiles.example.com/4471' rel='author' title='author profile'>"
            "<span itemprop='name'>R. Lindqvist</span></a></span></span>\n"
            "<span class='post-timestamp'>at <meta content='%s' itemprop='url'/>"
            "<a class='timestamp-link' href='%s' rel='bookmark' title='permanent link'>"
            "<abbr class='published' itemprop='datePublished' title='%s'>7:%02d AM</abbr></a></span>\n"
            "<div class='post-share-buttons goog-inline-block'>"
            "<a class='goog-inline-block share-button sb-email' href='https://share.example.com/share-post.g?"
            "blogID=%s&amp;postID=%d&amp;target=email' target='_blank' title='Email This'>"
            "<span class='share-button-link-text'>Email This</span></a></div>\n"
            "</div>\n<div class='post-footer-line post-footer-line-2'>"
            "<span class='post-labels'>Labels: %s</span></div>\n</div>\n</div>\n</div>\n"
            % (BLOG_ID, post_id, post_id, heading, post_id, body, p.url, p.url, stamp,
               10 + p.idx % 40, BLOG_ID, post_id, labels))

    def date_header(self, day):
        return ("<h2 class='date-header'><span>%s, %s %d, %d</span></h2>\n"
                % (day.strftime("%A"), day.strftime("%B"), day.day, day.year))

    def comments(self, p):
        rng = self.rng
        if p.idx < 3 or rng.random() >= 0.12:
            return ""
        rows = []
        count = rng.randint(1, 2)
        for k in range(count):
            cid = 900000 + 10 * p.idx + k
            t = self.visible(rng.randrange(0, p.idx), -1)
            stamp = 1325600000000 + 86400000 * p.idx + k
            rows.append(
                "<dt class='comment-author' id='c%d'><a name='c%d'></a>%s said...</dt>\n"
                "<dd class='comment-body' id='Blog1_cmt-%d'><p>You made the same point in "
                "<a href=\"%s\" rel=\"nofollow\">%s</a>.</p></dd>\n"
                "<dd class='comment-footer'><span class='comment-timestamp'>"
                "<a href='%s?showComment=%d#c%d' title='comment permalink'>%s</a></span></dd>\n"
                % (cid, cid, esc(rng.choice(COMMENTERS)), cid, t.url, esc(t.title), p.url, stamp, cid,
                   p.day.isoformat()))
        return ("<div class='comments' id='comments'>\n<a name='comments'></a>\n<h4>%d comment%s:</h4>\n"
                "<div id='Blog1_comments-block-wrapper'>\n<dl class='avatar-comment-indent' id='comments-block'>\n"
                "%s</dl>\n</div>\n</div>\n" % (count, "" if count == 1 else "s", "".join(rows)))

    def sidebar(self):
        popular = "".join(
            "<li><div class='item-content'><div class='item-title'><a href='%s'>%s</a></div>"
            "<div class='item-snippet'>%s</div></div></li>\n" % (t.url, esc(t.title), esc(SENTENCES[t.idx % 15]))
            for t in self.popular)
        labels = "".join("<li><a dir='ltr' href='%s/search/label/%s'>%s</a></li>\n"
                         % (self.base, l.replace(" ", "%20"), esc(l))
                         for l in sorted(set(LABELS.values()) | set(EXTRA_LABELS)
                                         | (set(THEME_LABELS.values()) if self.themes else set())))
        months = []
        for k, (y, m) in enumerate(self.months[::-1][:24]):
            ms = 1325376000000 + k * 2678400000
            months.append(
                "<li class='archivedate collapsed'><a class='toggle' href='%s/%04d/%02d/?widgetType=BlogArchive"
                "&amp;widgetId=BlogArchive1&amp;action=toggle&amp;dir=open&amp;toggle=MONTHLY-%d&amp;"
                "toggleopen=MONTHLY-%d'><span class='zippy'>&#9658;&nbsp;</span></a>"
                "<a class='post-count-link' href='%s/%04d/%02d/'>%s</a> "
                "<span class='post-count' dir='ltr'>(%d)</span></li>\n"
                % (self.base, y, m, ms, ms, self.base, y, m, date(y, m, 1).strftime("%B %Y"),
                   len(self.by_month[(y, m)])))
        return ("<div class='sidebar section' id='sidebar-right-1'>\n"
                "<div class='widget PopularPosts' data-version='1' id='PopularPosts1'>\n<h2>Popular Posts</h2>\n"
                "<div class='widget-content popular-posts'>\n<ul>\n%s</ul>\n</div>\n</div>\n"
                "<div class='widget Label' data-version='1' id='Label1'>\n<h2>Labels</h2>\n"
                "<div class='widget-content list-label-widget-content'>\n<ul>\n%s</ul>\n</div>\n</div>\n"
                "<div class='widget BlogArchive' data-version='1' id='BlogArchive1'>\n<h2>Blog Archive</h2>\n"
                "<div class='widget-content'>\n<div id='ArchiveList'>\n<ul class='hierarchy'>\n%s</ul>\n"
                "</div>\n</div>\n</div>\n</div>\n" % (popular, labels, "".join(months)))

    def page(self, head_title, canonical, main):
        canon = "<link href='%s' rel='canonical'/>\n" % canonical if canonical else ""
        return (
            "<!DOCTYPE html>\n<html class='v2' dir='ltr' lang='en' xmlns='http://www.w3.org/1999/xhtml' "
            "xmlns:b='http://www.google.com/2005/gml/b' xmlns:data='http://www.google.com/2005/gml/data'>\n"
            "<head>\n<meta content='width=1100' name='viewport'/>\n"
            "<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>\n"
            "<meta content='blogger' name='generator'/>\n"
            "<link href='%s/favicon.ico' rel='icon' type='image/x-icon'/>\n%s"
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"%s - Atom\" "
            "href=\"%s/feeds/posts/default\" />\n"
            "<title>%s</title>\n"
            "<style type='text/css'>body { font: normal normal 13px Georgia, serif; }</style>\n"
            "</head>\n<body class='loading variant-simplysimple'>\n"
            "<div class='navbar no-items section' id='navbar' name='Navbar'></div>\n"
            "<div class='body-fauxcolumns'></div>\n<div class='content'>\n<div class='content-outer'>\n"
            "<header>\n<div class='header-outer'>\n<div class='Header widget' data-version='1' id='Header1'>\n"
            "<div id='header-inner'>\n<div class='titlewrapper'>\n<h1 class='title'>\n<a href='%s/'>%s</a>\n"
            "</h1>\n</div>\n<div class='descriptionwrapper'>\n<p class='description'><span>Infrastructure, "
            "one spreadsheet at a time. <a href='%s/p/about.html'>About</a></span></p>\n</div>\n</div>\n"
            "</div>\n</div>\n</header>\n"
            "<div class='main-outer'>\n<div class='columns fauxcolumns'>\n<div class='column-center-outer'>\n"
            "<div class='main section' id='main' name='Main'>\n"
            "<div class='widget Blog' data-version='1' id='Blog1'>\n%s</div>\n</div>\n</div>\n"
            "<div class='column-right-outer'>\n%s</div>\n</div>\n</div>\n"
            "<footer>\n<div class='footer-outer'>Powered by <a href='https://www.blogger.example/' "
            "target='_blank'>Blogger</a>.</div>\n</footer>\n</div>\n</div>\n"
            "<script type='text/javascript'>window.setTimeout(function() {"
            "document.body.className = document.body.className.replace('loading', '');}, 10);</script>\n"
            "</body>\n</html>\n"
            % (self.base, canon, esc(BLOG_NAME), self.base, esc(head_title), self.base, esc(BLOG_NAME), self.base,
               main, self.sidebar()))

    # ---- the whole site -----------------------------------------------------
    def write(self, out, extra_links=()):
        rng = self.rng
        self.plan()
        if extra_links and self.posts:
            self.posts[-1].extra = list(extra_links)
        self.by_month = {}
        for p in self.posts:
            self.by_month.setdefault((p.day.year, p.day.month), []).append(p)
        self.months = sorted(self.by_month)
        readable = [p for p in self.posts if p.idx not in self.orphans]
        self.popular = rng.sample(readable, min(4, len(readable)))
        if self.orphans:
            self.popular.append(self.posts[min(self.orphans)])     # a sidebar link is not an edge
        bodies = [self.body(p) for p in self.posts]
        site = os.path.join(out, "site")
        os.makedirs(site, exist_ok=True)
        files = {}

        for k, p in enumerate(self.posts):
            pager = []
            newer = self.visible(k + 1, 1) if k + 1 < self.n else None
            older = self.visible(k - 1, -1) if k > 0 else None
            if newer is not None and newer.idx > k:
                pager.append("<span id='blog-pager-newer-link'><a class='blog-pager-newer-link' href='%s' "
                             "id='Blog1_blog-pager-newer-link' title='Newer Post'>Newer Post</a></span>"
                             % newer.url)
            if older is not None and older.idx < k:
                pager.append("<span id='blog-pager-older-link'><a class='blog-pager-older-link' href='%s' "
                             "id='Blog1_blog-pager-older-link' title='Older Post'>Older Post</a></span>"
                             % older.url)
            main = ("<div class='blog-posts hfeed'>\n<div class='date-outer'>\n%s<div class='date-posts'>\n"
                    "%s%s</div>\n</div>\n</div>\n"
                    "<div class='blog-pager' id='blog-pager'>\n%s\n<a class='home-link' href='%s/'>Home</a>\n"
                    "</div>\n<div class='clear'></div>\n"
                    % (self.date_header(p.day), self.post_block(p, bodies[k], True), self.comments(p),
                       "\n".join(pager), self.base))
            files[p.path] = self.page("%s: %s" % (BLOG_NAME, p.title), p.url, main)
            if p.old_path:
                self.routes.append((p.old_path, 301, p.url))

        newest = [p for p in self.posts[::-1] if p.idx not in self.hidden][:7]
        blocks = []
        for p in newest:
            teaser = bodies[p.idx].split("<a name='more'></a>", 1)[0]
            teaser += ("\n<div class='jump-link'><a href='%s#more' title='%s'>Read more &#187;</a></div>"
                       % (p.url, esc(p.title)))
            blocks.append("<div class='date-outer'>\n%s<div class='date-posts'>\n%s</div>\n</div>\n"
                          % (self.date_header(p.day), self.post_block(p, teaser, False)))
        if newest:
            older = ("%s/search?updated-max=%sT07:10:00-05:00&amp;max-results=7"
                     % (self.base, newest[-1].day.isoformat()))
            pager = ("<div class='blog-pager' id='blog-pager'>\n<span id='blog-pager-older-link'>"
                     "<a class='blog-pager-older-link' href='%s' title='Older Posts'>Older Posts</a></span>\n"
                     "</div>\n" % older)
        else:
            pager = ""
        files["/"] = self.page(BLOG_NAME, self.base + "/",
                               "<div class='blog-posts hfeed'>\n%s</div>\n%s" % ("".join(blocks), pager))

        for (y, m), ps in self.by_month.items():
            blocks = "".join("<div class='date-outer'>\n%s<div class='date-posts'>\n%s</div>\n</div>\n"
                             % (self.date_header(p.day), self.post_block(p, bodies[p.idx], False))
                             for p in ps[::-1] if p.idx not in self.hidden)
            files["/%04d/%02d/" % (y, m)] = self.page("%s: %s" % (BLOG_NAME, date(y, m, 1).strftime("%B %Y")),
                                                      "%s/%04d/%02d/" % (self.base, y, m),
                                                      "<div class='blog-posts hfeed'>\n%s</div>\n" % blocks)

        picks = [p for p in rng.sample(self.posts, min(3, self.n)) if p.idx not in self.hidden]
        about = ("<div class='post-outer'>\n<div class='post hentry'>\n"
                 "<h3 class='post-title entry-title'>\nAbout\n</h3>\n"
                 "<div class='post-body entry-content' id='post-body-1'>\n"
                 "<p>Notes on the economics of things that take decades to build. Good places to start: %s.</p>\n"
                 "</div>\n</div>\n</div>\n"
                 % ", ".join('<a href="%s">%s</a>' % (p.url, esc(p.title)) for p in picks))
        files["/p/about.html"] = self.page("%s: About" % BLOG_NAME, self.base + "/p/about.html",
                                           "<div class='blog-posts hfeed'>\n%s</div>\n" % about)

        robots = ("User-agent: Mediapartners-Google\nDisallow: \n\nUser-agent: *\nDisallow: /search\n")
        if self.crawl_delay is not None:
            robots += "Crawl-delay: %s\n" % self.crawl_delay
        robots += "Allow: /\n\nSitemap: %s/sitemap.xml\n" % self.base
        files["/robots.txt"] = robots

        by_date = self.posts[::-1]
        pages = [by_date[k:k + 100] for k in range(0, len(by_date), 100)] or [[]]
        files["/sitemap.xml"] = (
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">%s</sitemapindex>\n"
            % "".join("<sitemap><loc>%s/sitemap.xml?page=%d</loc></sitemap>" % (self.base, k + 1)
                      for k in range(len(pages))))
        for k, chunk in enumerate(pages):
            name = "sitemap-page-%d.xml" % (k + 1)
            files["/" + name] = (
                "<?xml version='1.0' encoding='UTF-8'?>"
                "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">%s</urlset>\n"
                % "".join("<url><loc>%s</loc><lastmod>%sT12:%02d:00Z</lastmod></url>"
                          % (p.url, p.day.isoformat(), 10 + p.idx % 40) for p in chunk))
            self.routes.append(("/sitemap.xml?page=%d" % (k + 1), 200, name))
        if self.feed:
            self.feed_files(files, bodies)

        for path, text in files.items():
            rel = path.lstrip("/")
            if rel == "" or rel.endswith("/"):
                rel += "index.html"
            full = os.path.join(site, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as f:
                f.write(text)
        with open(os.path.join(site, "_routes.tsv"), "w", encoding="utf-8") as f:
            for route in self.routes:
                f.write("%s\t%d\t%s\n" % route)
        return self.write_expected(os.path.join(out, "expected"))

    # ---- --feed: Blogger's posts feed -----------------------------------------
    def feed_entry(self, p, body):
        """One <entry> as Blogger writes it, carrying what --feed says."""
        stamp = "%sT07:%02d:00.000-05:00" % (p.day.isoformat(), 10 + p.idx % 40)
        post_id = 5000000 + p.idx
        cats = "".join("<category scheme='http://www.blogger.com/atom/ns#' term='%s'/>" % esc(l)
                       for l in p.labels)
        if self.feed == "summary":
            text = html.unescape(" ".join(re.sub(r"<[^>]*>", " ", body).split()))
            inner = "<summary type='text'>%s</summary>" % esc(text[:400])
        else:
            if self.feed == "jump" and p.idx % 2 == 0:
                body = body.split("<a name='more'></a>", 1)[0] + (
                    "<div class='jump-link'><a href='%s#more' title='%s'>Read more &#187;</a></div>"
                    % (p.url, esc(p.title)))
            inner = "<content type='html'>%s</content>" % esc(body)
        api = "https://www.blogger.example/feeds/%s/posts/default/%d" % (BLOG_ID, post_id)
        return ("<entry><id>tag:blogger.com,1999:blog-%s.post-%d</id><published>%s</published>"
                "<updated>%s</updated>%s<title type='text'>%s</title>%s"
                "<link rel='replies' type='application/atom+xml' href='%s/feeds/%d/comments/default' "
                "title='Post Comments'/><link rel='replies' type='text/html' href='%s#comment-form' "
                "title='0 Comments'/><link rel='edit' type='application/atom+xml' href='%s'/>"
                "<link rel='self' type='application/atom+xml' href='%s'/>"
                "<link rel='alternate' type='text/html' href='%s' title='%s'/>"
                "<author><name>R. Lindqvist</name></author><thr:total>0</thr:total></entry>\n"
                % (BLOG_ID, post_id, stamp, stamp, cats, esc(p.title), inner, self.base, post_id,
                   p.url, api, api, p.url, esc(p.title)))

    def feed_files(self, files, bodies):
        """The feed's pages as files, and the routes that serve them."""
        left_out = set(self.frng.sample(range(self.n), min(self.feed_missing, self.n)))
        entries = [p for p in self.posts[::-1] if p.idx not in left_out]
        size = max(1, self.feed_page)
        chunks = [entries[k:k + size] for k in range(0, len(entries), size)] or [[]]
        feed = self.base + "/feeds/posts/default"
        newest = entries[0].day.isoformat() if entries else "2012-01-01"
        head = ("<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
                "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
                "xmlns:blogger='http://schemas.google.com/blogger/2008' "
                "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
                "<id>tag:blogger.com,1999:blog-%s</id><updated>%sT07:10:00.000-05:00</updated>"
                "<title type='text'>%s</title><subtitle type='html'>Infrastructure, one spreadsheet "
                "at a time.</subtitle><link rel='http://schemas.google.com/g/2005#feed' "
                "type='application/atom+xml' href='%s'/><link rel='alternate' type='text/html' "
                "href='%s/'/><link rel='hub' href='https://pubsubhubbub.example/'/>"
                % (BLOG_ID, newest, esc(BLOG_NAME), feed, self.base))
        for k, chunk in enumerate(chunks):
            start = 1 + k * size
            links = ("<link rel='self' type='application/atom+xml' href='%s?start-index=%d&amp;"
                     "max-results=%d'/>" % (feed, start, size))
            if k + 1 < len(chunks):
                links += ("<link rel='next' type='application/atom+xml' href='%s?start-index=%d&amp;"
                          "max-results=%d'/>" % (feed, start + size, size))
            search = ("<author><name>R. Lindqvist</name></author><generator version='7.00' "
                      "uri='https://www.blogger.example'>Blogger</generator>"
                      "<openSearch:totalResults>%d</openSearch:totalResults>"
                      "<openSearch:startIndex>%d</openSearch:startIndex>"
                      "<openSearch:itemsPerPage>%d</openSearch:itemsPerPage>"
                      % (len(entries), start, size))
            name = "feed-page-%d.xml" % (k + 1)
            files["/" + name] = (head + links + search
                                 + "".join(self.feed_entry(p, bodies[p.idx]) for p in chunk) + "</feed>\n")
            for q in ("start-index=%d&max-results=%d" % (start, size),
                      "max-results=%d&start-index=%d" % (size, start)):
                self.routes.append(("/feeds/posts/default?" + q, 200, name))
        self.routes.append(("/feeds/posts/default", 200, "feed-page-1.xml"))

    def write_expected(self, where):
        os.makedirs(where, exist_ok=True)
        edges = self.edges()
        readers = {t for (_, t) in edges}
        orphans = sorted(p.url for p in self.posts if p.url not in readers)
        broken = sorted((p.url, h) for p in self.posts for h in p.broken)

        def dump(name, header, rows):
            with open(os.path.join(where, name), "w", encoding="utf-8") as f:
                f.write(header + "\n")
                for row in rows:
                    f.write("\t".join(row) + "\n")

        dump("posts.tsv", "url\ttitle\tdate",
             sorted((p.url, p.title, p.day.isoformat()) for p in self.posts))
        dump("edges.tsv", "source\ttarget\tkind", sorted((s, t, k) for (s, t), k in edges.items()))
        dump("orphans.tsv", "url", [(u,) for u in orphans])
        dump("broken.tsv", "source\thref", broken)
        if self.themes:
            dump("themes.tsv", "url\ttheme", sorted((p.url, p.theme) for p in self.posts))
        if self.n_hidden:
            dump("unreachable.tsv", "url", sorted((self.posts[j].url,) for j in self.hidden))
        return {"base": self.base, "posts": self.n, "edges": len(edges), "orphans": len(orphans),
                "broken": len(broken), "renamed": sum(1 for p in self.posts if p.old_path),
                "hidden": len(self.hidden)}


def generate(out, posts=300, seed=1, crawl_delay=None, extra_links=(), themes=False, hidden=0,
             base=BASE, feed=None, feed_page=500, feed_missing=0):
    """Write a fixture of POSTS posts to OUT; return a dict of counts.

    EXTRA_LINKS are hrefs added to the newest post's body (for hostile-URL
    tests); they are left out of the expected files. THEMES writes each post
    around a theme (see the module docstring) and adds expected/themes.tsv.
    HIDDEN makes that many orphans reachable only through the sitemap and
    adds expected/unreachable.tsv. BASE is the origin the pages and the
    expected files are written under (see --base). FEED ("full", "summary",
    "jump") adds Blogger's posts feed, FEED_PAGE entries a page, leaving
    FEED_MISSING posts out of it (see --feed)."""
    return Blog(posts, seed, crawl_delay, themes, hidden, base, feed, feed_page,
                feed_missing).write(out, extra_links)


# ---- reading a fixture's expected/*.tsv -------------------------------------
HEADER_FIRST_FIELDS = ("url", "source")


def read_tsv(path):
    """Rows of a TSV file as tuples, without a header line, blanks or #comments."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = tuple(line.split("\t"))
            if n == 0 and fields[0] in HEADER_FIRST_FIELDS:
                continue
            rows.append(fields)
    return rows


def load_expected(fixture, rebase=None):
    """The expected results of a fixture, URLs passed through REBASE (a
    str -> str function, or None). Keys: posts [(url, title, date)], edges
    {(source, target, kind)}, orphans {url}, broken {(source, href)},
    unreachable {url}; a key is None when the fixture has no such file."""
    fix = rebase or (lambda s: s)
    where = os.path.join(fixture, "expected")

    def rows(name):
        path = os.path.join(where, name)
        return read_tsv(path) if os.path.exists(path) else None

    out = {"posts": None, "edges": None, "orphans": None, "broken": None, "unreachable": None}
    r = rows("posts.tsv")
    if r is not None:
        out["posts"] = [(fix(x[0]),) + tuple(x[1:]) for x in r]
    r = rows("edges.tsv")
    if r is not None:
        out["edges"] = {(fix(x[0]), fix(x[1]), x[2] if len(x) > 2 else "") for x in r}
    r = rows("orphans.tsv")
    if r is not None:
        out["orphans"] = {fix(x[0]) for x in r}
    r = rows("broken.tsv")
    if r is not None:
        out["broken"] = {(fix(x[0]), fix(x[1])) for x in r}
    r = rows("unreachable.tsv")
    if r is not None:
        out["unreachable"] = {fix(x[0]) for x in r}
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a synthetic Blogger-style fixture with known links.")
    ap.add_argument("--out", required=True, help="fixture directory to write (site/ and expected/)")
    ap.add_argument("--posts", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crawl-delay", type=float, help="add Crawl-delay to robots.txt")
    ap.add_argument("--themes", action="store_true",
                    help="write each post around a theme (flywheel, inequality, big-tech, other)")
    ap.add_argument("--hidden", type=int, default=0, metavar="N",
                    help="make N orphans reachable only through the sitemap (expected/unreachable.tsv)")
    ap.add_argument("--base", default=BASE, metavar="URL",
                    help="origin to write every absolute URL under (default %s)" % BASE)
    ap.add_argument("--feed", choices=("full", "summary", "jump"),
                    help="add Blogger's paged posts feed carrying whole posts, summaries, or "
                         "bodies cut at the jump break")
    ap.add_argument("--feed-page", type=int, default=500, metavar="N", help="feed entries a page (500)")
    ap.add_argument("--feed-missing", type=int, default=0, metavar="N",
                    help="leave N posts out of the feed")
    args = ap.parse_args(argv)
    if args.posts < 1:
        ap.error("--posts must be at least 1")
    if args.hidden < 0:
        ap.error("--hidden must not be negative")
    if args.feed_page < 1 or args.feed_missing < 0:
        ap.error("--feed-page must be at least 1 and --feed-missing not negative")
    base = args.base.rstrip("/")
    if not re.fullmatch(r"https?://[^/?#\s]+", base):
        ap.error("--base must be an http(s) origin with no path, e.g. http://127.0.0.1:8080")
    delay = args.crawl_delay
    if delay is not None and delay == int(delay):
        delay = int(delay)
    c = generate(args.out, args.posts, args.seed, delay, themes=args.themes, hidden=args.hidden,
                 base=base, feed=args.feed, feed_page=args.feed_page, feed_missing=args.feed_missing)
    print("wrote %d posts, %d edges, %d orphans, %d broken links, %d renamed posts to %s (base %s)"
          % (c["posts"], c["edges"], c["orphans"], c["broken"], c["renamed"], args.out, c["base"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
