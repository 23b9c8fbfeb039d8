#!/bin/sh
# query-bench: the research-aid commands on a large database (issue 4).
#   bench/query-bench.sh [path/to/blogmap] [path/to/mkdb]
#   POSTS=100000 LINKS=1000000 RUNS=5 bench/query-bench.sh
# Builds a POSTS-post, LINKS-link database with bench/mkdb (blogmap's own store
# API; cached in build/bench/ by size), then times each command, best of RUNS,
# wall clock including process start: orphans, backlinks, path and search
# (target under 100 ms each) and hubs (under 5 s). Where one SQL statement
# answers the same question, the sqlite3 shell runs it on the same file as a
# reference and the ratio is printed. Exits 1 when a target is missed.
set -eu
bin=${1:-build/blogmap}
mkdb=${2:-build/bench/mkdb}
posts=${POSTS:-100000} links=${LINKS:-1000000} runs=${RUNS:-5}
for tool in "$bin" "$mkdb"; do
    [ -x "$tool" ] || { echo "query-bench: $tool not built (make $tool)" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "query-bench: sqlite3 shell missing" >&2; exit 2; }
dir=$(dirname "$mkdb")
db="$dir/query-$posts-$links.db"
if [ ! -f "$db" ]; then
    echo "building $db ($posts posts, $links links) ..."
    rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
    s=$(date +%s.%N)
    "$mkdb" "$db.tmp" "$posts" "$links" 1 2>/dev/null
    "$bin" posts --db "$db.tmp" >/dev/null          # classify once, as a user's first look would
    sqlite3 "$db.tmp" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
    mv "$db.tmp" "$db"
    echo "built in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $s}") s, $(du -m "$db" | cut -f1) MiB"
fi

# best wall-clock seconds of RUNS runs of a command (output discarded)
best() {
    b=999
    i=0
    while [ $i -lt "$runs" ]; do
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || { echo "query-bench: failed: $*" >&2; exit 1; }
        e=$(date +%s.%N)
        b=$(awk "BEGIN{d=$e-$s; print (d<$b)?d:$b}")
        i=$((i + 1))
    done
    echo "$b"
}

url() { echo "https://bench.blogmap.test/$(printf '%04d/%02d' $((2005 + $1 % 20)) $((1 + $1 % 12)))/post-$1.html"; }
hub=$(sqlite3 "$db" 'SELECT url FROM pages WHERE is_post = 1 ORDER BY inbound DESC LIMIT 1')
a=$(url $((posts / 3))) b=$(url $((posts * 2 / 3 + 1)))
query="$(sqlite3 "$db" "SELECT substr(title, 1, instr(title, ' ') - 1) FROM pages WHERE id = 77")"

fail=0
row() {  # name blogmap-seconds reference-seconds target
    r=$(awk "BEGIN{ if ($3 > 0) printf \"%.2f\", $2 / $3; else print \"-\" }")
    ok=$(awk "BEGIN{print ($2 < $4) ? \"PASS\" : \"FAIL\"}")
    [ "$ok" = PASS ] || fail=1
    printf '%-34s %9.3f %11s %7s %8s  %s\n' "$1" "$2" \
        "$(awk "BEGIN{ if ($3 > 0) printf \"%.3f\", $3; else print \"-\" }")" "$r" "< $4 s" "$ok"
}

echo "query-bench: $posts posts, $(sqlite3 "$db" 'SELECT count(*) FROM edge') links, best of $runs runs, $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "  blogmap: $bin ($("$bin" --version))"
printf '%-34s %9s %11s %7s %8s  %s\n' case "blogmap s" "sqlite3 s" ratio target result

t=$(best "$bin" orphans --db "$db" --format tsv)
r=$(best sqlite3 "$db" "SELECT url, title, date FROM pages WHERE is_post = 1 AND inbound = 0 AND state = 'done' AND status = 200 AND final_id = id ORDER BY url")
row "orphans" "$t" "$r" 0.1

t=$(best "$bin" backlinks "$hub" --db "$db" --format tsv)
r=$(best sqlite3 "$db" "SELECT s.url, s.title, e.kind, e.anchor, e.context FROM edge e JOIN pages s ON s.id = e.src WHERE e.dst = (SELECT id FROM pages WHERE url = '$hub')")
row "backlinks (most-linked post)" "$t" "$r" 0.1

t=$(best "$bin" backlinks "$a" --db "$db" --format tsv)
row "backlinks (a typical post)" "$t" 0 0.1

t=$(best "$bin" path "$a" "$b" --db "$db" --format tsv)
row "path" "$t" 0 0.1

t=$(best "$bin" path "$a" "$b" --undirected --db "$db" --format tsv)
row "path --undirected" "$t" 0 0.1

t=$(best "$bin" search "$query" --db "$db" --format tsv)
r=$(best sqlite3 "$db" "SELECT rowid, snippet(post_text, 2, '[', ']', '...', 12) FROM post_text WHERE post_text MATCH '\"$query\"' ORDER BY bm25(post_text, 4, 3, 1) LIMIT 20")
row "search '$query'" "$t" "$r" 0.1

t=$(best "$bin" hubs --top 20 --db "$db" --format tsv)
row "hubs --top 20 (PageRank)" "$t" 0 5

echo "reference: the sqlite3 shell running one SQL statement for the same answer on the same file"
[ $fail -eq 0 ] && echo "query-bench: all targets met" || echo "query-bench: a target was missed"
exit $fail
