#!/usr/bin/env python3
"""Feed ingest and incremental re-crawls (issue 5), on a generated Blogger
blog served by Debian's nginx on 127.0.0.1 (bench/nginx.sh), in one run:

  feed      the blog with Blogger's full-content posts feed (gensite --feed
            full), crawled with --via feed and with --via pages: requests
            (from nginx's log), requests a post, wall time; the two graphs
            must be equal and equal gensite's expected edges.
            Target: at most one request per 10 posts.
  recrawl   the blog without a feed, crawled as pages, then again unchanged,
            then again after 1% of its posts changed (one body link taken out
            each, their sitemap lastmod moved on, as a blog does): wall time
            and requests of each, the post bodies fetched again (must be none
            unchanged, and exactly the changed ones after the change), and the
            edges after the change (must be the first crawl's minus the links
            taken out, and equal to a fresh crawl of the changed blog). Target:
            the unchanged re-crawl in at most 10% of the
            first crawl's wall time.

    bench/incremental-bench.py [POSTS] [path/to/blogmap]     (default 5000, build/blogmap)
    environment: SEED=1 PORT=18433 WORKDIR=/dev/shm KEEP=1

The sites are generated into a temporary directory (tmpfs when there is
one), and go with it. Needs python3 and nginx; installs nothing. Exit 0 when
every check passes, 1 when one fails, 2 when something is missing.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def die(msg, code=2):
    sys.stderr.write("incremental-bench: %s\n" % msg)
    sys.exit(code)


class Nginx:
    def __init__(self, site, port, workdir):
        self.dir = os.path.join(workdir, "nginx-%d" % port)
        os.makedirs(self.dir, exist_ok=True)
        self.log = os.path.join(self.dir, "access.log")
        env = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
        self.proc = subprocess.Popen([os.path.join(ROOT, "bench", "nginx.sh"), site, str(port),
                                      self.dir], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(self.log) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        if self.proc.poll() is not None:
            die("nginx did not start (see %s)" % self.dir)

    def lines(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def requests_since(ngx, mark):
    """(path, status) of the requests logged after line MARK."""
    out = []
    for line in ngx.lines()[mark:]:
        f = line.split("\t")
        if len(f) >= 7:
            target = f[6].split(" ")[1] if " " in f[6] else f[6]
            out.append((target.split("?")[0], int(f[4])))
    return out


def crawl(bm, url, db, *opts):
    t0 = time.monotonic()
    r = subprocess.run([bm, "crawl", url, "--db", db, "--delay", "0", "-q", "--allow-loopback"]
                       + list(opts),
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        die("crawl failed: %s" % r.stderr[-500:], 1)
    return wall


def edges(bm, db):
    r = subprocess.run([bm, "edges", "--db", db, "--format", "tsv"], capture_output=True,
                       text=True, check=True)
    rows = r.stdout.splitlines()[1:]
    return {tuple(row.split("\t")[:3]) for row in rows}


def expected_edges(fixture):
    with open(os.path.join(fixture, "expected", "edges.tsv"), encoding="utf-8") as f:
        return {tuple(row.split("\t")[:3]) for row in f.read().splitlines()[1:]}


def post_paths(fixture):
    with open(os.path.join(fixture, "expected", "posts.tsv"), encoding="utf-8") as f:
        return {"/" + row.split("\t")[0].split("/", 3)[3] for row in f.read().splitlines()[1:]}


def generate(workdir, name, posts, seed, port, *extra):
    out = os.path.join(workdir, name)
    subprocess.run([sys.executable, os.path.join(ROOT, "tests", "e2e", "gensite.py"), "--out", out,
                    "--posts", str(posts), "--seed", str(seed), "--base",
                    "http://127.0.0.1:%d" % port] + list(extra), check=True,
                   stdout=subprocess.DEVNULL)
    return out


def change_posts(site, edge_set, n):
    """Take one body link out of N posts, move their lastmod on; return the
    changed paths and the edges that go."""
    def path(url):
        return "/" + url.split("/", 3)[3]
    by_source = {}
    for e in sorted(edge_set):
        by_source.setdefault(e[0], []).append(e)
    changed, gone = [], set()
    for source, out in sorted(by_source.items()):
        if len(changed) == n:
            break
        file = os.path.join(site, path(source).lstrip("/"))
        with open(file, encoding="utf-8") as f:
            html = f.read()
        s, target, kind = out[0]
        href = path(target).replace(".html", "")
        links = re.findall(r'<a href="[^"]*%s[^"]*">[^<]*</a>' % re.escape(href), html)
        if len(links) != 1:
            continue
        with open(file, "w", encoding="utf-8") as f:
            f.write(html.replace(links[0], "a post of ours"))
        changed.append(path(source))
        gone.add((s, target, kind))
    for sm in os.listdir(site):
        if sm.startswith("sitemap"):
            file = os.path.join(site, sm)
            with open(file, encoding="utf-8") as f:
                xml = f.read()
            for p in changed:
                xml = re.sub(r"(%s</loc><lastmod>)[^<]*" % re.escape(p),
                             r"\g<1>2030-01-01T00:00:00Z", xml)
            with open(file, "w", encoding="utf-8") as f:
                f.write(xml)
    return changed, gone


def main():
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    bm = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "build", "blogmap"))
    seed = int(os.environ.get("SEED", "1"))
    port = int(os.environ.get("PORT", "18433"))
    if not os.access(bm, os.X_OK):
        die("no blogmap binary at %s (run make)" % bm)
    if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        die("nginx not found (Debian package nginx)")
    base = os.environ.get("WORKDIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    work = tempfile.mkdtemp(prefix="blogmap-incremental-", dir=base)
    fails = []
    try:
        print("incremental-bench: %d posts (seed %d), %s, work in %s" % (posts, seed, bm, work))
        # ---- feed ingest vs page crawl -------------------------------------
        fixture = generate(work, "feed", posts, seed, port, "--feed", "full")
        ngx = Nginx(os.path.join(fixture, "site"), port, work)
        url = "http://127.0.0.1:%d/" % port
        want = expected_edges(fixture)
        rows = []
        graphs = {}
        for via in ("feed", "pages"):
            db = os.path.join(work, "feed-%s.db" % via)
            mark = len(ngx.lines())
            wall = crawl(bm, url, db, "--via", via)
            reqs = requests_since(ngx, mark)
            graphs[via] = edges(bm, db)
            rows.append((via, len(reqs), len(reqs) / posts, wall))
        ngx.stop()
        print("\nfeed ingest against a page crawl of the same blog:")
        print("%-8s %9s %10s %8s" % ("--via", "requests", "req/post", "wall s"))
        for via, n, per, wall in rows:
            print("%-8s %9d %10.3f %8.2f" % (via, n, per, wall))
        ok = rows[0][2] <= 0.1
        print("requests a post with --via feed: %.3f (target <= 0.1): %s" % (rows[0][2], "PASS" if ok else "FAIL"))
        fails += [] if ok else ["feed requests"]
        same = graphs["feed"] == graphs["pages"] == want
        print("edges: feed %d, pages %d, expected %d, all equal: %s"
              % (len(graphs["feed"]), len(graphs["pages"]), len(want), "PASS" if same else "FAIL"))
        fails += [] if same else ["feed edges"]
        shutil.rmtree(fixture)

        # ---- re-crawls -----------------------------------------------------
        fixture = generate(work, "recrawl", posts, seed, port + 1)
        site = os.path.join(fixture, "site")
        ngx = Nginx(site, port + 1, work)
        url = "http://127.0.0.1:%d/" % (port + 1)
        db = os.path.join(work, "recrawl.db")
        paths = post_paths(fixture)
        result = []
        for label in ("first crawl", "unchanged re-crawl", "after 1% changed"):
            if label == "after 1% changed":
                before = edges(bm, db)
                changed, gone = change_posts(site, before, max(1, posts // 100))
            mark = len(ngx.lines())
            wall = crawl(bm, url, db, "--via", "pages")
            reqs = requests_since(ngx, mark)
            bodies = sorted({p for p, st in reqs if p in paths and st == 200})
            result.append((label, wall, len(reqs), bodies))
        fresh_db = os.path.join(work, "fresh.db")
        crawl(bm, url, fresh_db, "--via", "pages")
        fresh = edges(bm, fresh_db)
        ngx.stop()
        print("\nre-crawls (--via pages):")
        print("%-20s %8s %9s %14s" % ("", "wall s", "requests", "post bodies"))
        for label, wall, n, bodies in result:
            print("%-20s %8.2f %9d %14d" % (label, wall, n, len(bodies)))
        first, again, after = result
        ratio = again[1] / first[1]
        ok = ratio <= 0.10 and not again[3]
        print("unchanged re-crawl: %.2f s / %.2f s = %.3f of the first (target <= 0.10), "
              "%d post bodies again: %s" % (again[1], first[1], ratio, len(again[3]),
                                            "PASS" if ok else "FAIL"))
        fails += [] if ok else ["unchanged re-crawl"]
        ok = after[3] == sorted(changed)
        print("after 1%% changed: %d posts changed, %d fetched, exactly those: %s"
              % (len(changed), len(after[3]), "PASS" if ok else "FAIL"))
        fails += [] if ok else ["changed posts"]
        now = edges(bm, db)
        ok = now == fresh and not (now & gone)
        print("edges after the change: %d (%d links taken out; a link's kind may change with its "
              "line), equal to a fresh crawl of the changed blog: %s"
              % (len(now), len(gone), "PASS" if ok else "FAIL"))
        fails += [] if ok else ["changed edges"]
    finally:
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
    if fails:
        print("incremental-bench: FAILED (%s)" % ", ".join(fails))
        return 1
    print("incremental-bench: all checks PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
