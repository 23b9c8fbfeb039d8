#!/bin/sh
# suggest-recall: is 'blogmap suggest' any good? For every post of a crawled
# blog that links to other posts, ask for its suggestions with --keep-linked
# (the links it really has stay candidates; the body text suggest reads holds
# no link text, since anchors live apart in post_anchors) and count how many
# of its real targets are in the top 10:
#   recall@10        = |top 10 & targets| / |targets|, averaged over the posts
#                      with at least one target
#   capped recall@10 = |top 10 & targets| / min(10, |targets|)
# The random line is what 10 posts drawn at random would score.
#
#   bench/suggest-recall.sh [BLOGMAP]            (default build/blogmap)
#
# Corpora: the bundled sample blog (examples/sample-blog, crawled with
# --mirror), always; a blogsim blog when BLOGSIM names the blogsim directory
# (../shared/blogsim: generated with BLOGSIM_POSTS posts, default 2000, seed
# BLOGSIM_SEED, default 7, then crawled with --mirror), or BLOGSIM_DB names a
# crawled blogsim database (copied first); skipped when neither is set.
# JOBS (default: the CPU count) suggest runs go in parallel.
set -eu
cd "$(dirname "$0")/.."
BIN=$(cd "$(dirname "${1:-build/blogmap}")" && pwd)/$(basename "${1:-build/blogmap}")
[ -x "$BIN" ] || { echo "suggest-recall: no binary '$BIN' (run make)" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/suggest-recall.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 4)}

evaluate() {    # NAME DB
    python3 - "$BIN" "$2" "$1" "$JOBS" <<'EOF'
import concurrent.futures, csv, io, subprocess, sys, time

binary, db, name, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
TOP = 10

def rows(*args):
    out = subprocess.run([binary, *args, "--db", db, "--format", "tsv"], check=True,
                         capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out), delimiter="\t", quoting=csv.QUOTE_NONE))

posts = {r["url"] for r in rows("posts")}
targets = {}
for e in rows("edges"):
    if e["source"] in posts and e["target"] in posts and e["source"] != e["target"]:
        targets.setdefault(e["source"], set()).add(e["target"])

def suggest(url):
    t0 = time.monotonic()
    got = [r["url"] for r in rows("suggest", url, "--keep-linked", "--top", str(TOP))]
    return url, got[:TOP], time.monotonic() - t0

start = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
    results = list(pool.map(suggest, sorted(targets)))
wall = time.monotonic() - start
recall = capped = 0.0
for url, got, _ in results:
    hit = len(set(got) & targets[url])
    recall += hit / len(targets[url])
    capped += hit / min(TOP, len(targets[url]))
n = len(results)
mean_t = sum(len(t) for t in targets.values()) / max(n, 1)
rand = min(1.0, TOP / max(len(posts) - 1, 1))
secs = sorted(s for _, _, s in results)
print("%s: %d posts, %d with links (%.1f targets each)" % (name, len(posts), n, mean_t))
print("  recall@%d          %.3f" % (TOP, recall / max(n, 1)))
print("  capped recall@%d   %.3f" % (TOP, capped / max(n, 1)))
print("  random recall@%d   %.3f" % (TOP, rand))
print("  suggest: median %.0f ms a post, %.1f s for all (%d in parallel)"
      % (1000 * secs[len(secs) // 2] if secs else 0, wall, jobs))
EOF
}

crawl() {       # START_URL SITE DB
    "$BIN" crawl "$1" --db "$3" --mirror "$2" --delay 0 --quiet
    "$BIN" posts --db "$3" >/dev/null      # classify once, before the parallel runs
}

mkdir "$WORK/sample"
crawl https://flywheel-notes.blogspot.com/ examples/sample-blog/site "$WORK/sample/blog.db"
evaluate sample-blog "$WORK/sample/blog.db"

if [ -n "${BLOGSIM_DB:-}" ]; then
    mkdir "$WORK/blogsim"
    cp "$BLOGSIM_DB" "$WORK/blogsim/blog.db"
    "$BIN" posts --db "$WORK/blogsim/blog.db" >/dev/null
    evaluate "blogsim ($BLOGSIM_DB)" "$WORK/blogsim/blog.db"
elif [ -n "${BLOGSIM:-}" ] && [ -f "$BLOGSIM/genblog.py" ]; then
    posts=${BLOGSIM_POSTS:-2000}
    python3 "$BLOGSIM/genblog.py" --posts "$posts" --seed "${BLOGSIM_SEED:-7}" \
        --base http://blogsim.test --out "$WORK/blogsim" >/dev/null
    crawl http://blogsim.test/ "$WORK/blogsim/site" "$WORK/blogsim/blog.db"
    evaluate "blogsim ($posts posts, seed ${BLOGSIM_SEED:-7})" "$WORK/blogsim/blog.db"
else
    echo "blogsim: skipped (set BLOGSIM=../shared/blogsim or BLOGSIM_DB=FILE)"
fi
