#!/bin/sh
# Topic-map speed benchmark (issue 3): a POSTS-post themed Blogger site from
# tests/e2e/gensite.py, served by tests/e2e/server.py on 127.0.0.1, crawled with
# --delay 0; then the wall clock of
#   full:  blogmap map -o full.svg            (auto engine: sfdp above 300 posts)
#   top:   blogmap map -o top.svg --top 200   (auto engine: dot)
# each beside its peer, plain Graphviz on blogmap's own DOT of the same map
# with the engine blogmap chose (sfdp -Tsvg full.dot, dot -Tsvg top.dot at
# 2,000 posts), best of RUNS runs (default 3).
# Targets: full < 60 s, top < 5 s. Also checks that the DOT re-renders with
# plain dot/sfdp to an SVG with as many nodes and edges as blogmap's own.
# Exits 1 when a target or a check fails, 2 when something is missing.
#
#   bench/map-bench.sh [POSTS] [path/to/blogmap]      (default 2000 build/blogmap)
#   environment: RUNS=3 SEED=1 TOP=200
#
# Needs only the repository, python3 and Graphviz's dot and sfdp on PATH.
set -eu

posts=${1:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-$root/build/blogmap}
runs=${RUNS:-3}
seed=${SEED:-1}
top=${TOP:-200}
full_target=60
top_target=5

case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "map-bench: no blogmap binary at $bin (run make)" >&2; exit 2; }
for tool in python3 dot sfdp; do
    command -v "$tool" >/dev/null 2>&1 || { echo "map-bench: $tool not found" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/blogmap-bench.XXXXXX")
srv=
# shellcheck disable=SC2317 # called from the trap
cleanup() {
    if [ -n "$srv" ]; then
        kill "$srv" 2>/dev/null || true
        wait "$srv" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# timer.py RUNS PREFIX CMD...: run CMD RUNS times; keep the last run's stdout and
# stderr in PREFIX.out/.err; print "best worst peak_rss_kb" (wall seconds; the
# peak resident set of CMD and the children it waited for). Exit 1 if a run fails.
cat >"$tmp/timer.py" <<'EOF'
import os, subprocess, sys, time
runs, prefix, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times, rss = [], 0
for _ in range(runs):
    with open(prefix + ".out", "wb") as out, open(prefix + ".err", "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        times.append(time.monotonic() - t0)
    p.returncode = code = os.waitstatus_to_exitcode(status)
    rss = max(rss, ru.ru_maxrss)
    if code != 0:
        sys.stderr.write("map-bench: exit %d: %s\n" % (code, " ".join(argv)))
        sys.stderr.write(open(prefix + ".err", errors="replace").read()[-2000:])
        sys.exit(1)
print("%.3f %.3f %d" % (min(times), max(times), rss))
EOF
timeit() {  # NAME CMD...
    name=$1; shift
    python3 "$tmp/timer.py" "$runs" "$tmp/$name" "$@"
}
# svgcount FILE: "nodes edges" in a Graphviz SVG; nothing unless it is an SVG
svgcount() {
    grep -q '<svg' "$1" 2>/dev/null || return 1
    echo "$(grep -c 'class="node"' "$1") $(grep -c 'class="edge"' "$1")"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { awk -v a="$1" -v t="$2" 'BEGIN { print (a < t) ? "PASS" : "FAIL" }'; }

echo "map-bench: $posts posts (seed $seed), best of $runs runs, $(nproc 2>/dev/null || echo '?') CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "  blogmap: $bin ($("$bin" --version 2>&1 | head -n 1))"
echo "  graphviz: $(dot -V 2>&1)"

# ---- site, server, crawl ------------------------------------------------------
python3 "$root/tests/e2e/gensite.py" --out "$tmp/site" --posts "$posts" --seed "$seed" --themes |
    sed 's/^/  gensite: /'
python3 "$root/tests/e2e/server.py" "$tmp/site" --rebase https://gen.blogmap.test --seconds 3600 \
    >"$tmp/server.url" 2>"$tmp/server.err" &
srv=$!
i=0
while ! grep -q '^http' "$tmp/server.url" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$srv" 2>/dev/null; then
        echo "map-bench: fixture server did not start" >&2; cat "$tmp/server.err" >&2; exit 2
    fi
    sleep 0.1
done
url=$(head -n 1 "$tmp/server.url")
loopback=
if "$bin" crawl --help 2>&1 | grep -q -- --allow-loopback; then loopback=--allow-loopback; fi
db=$tmp/blog.db
t0=$(python3 -c 'import time; print(time.monotonic())')
"$bin" crawl "$url" --db "$db" --delay 0 -q $loopback
t1=$(python3 -c 'import time; print(time.monotonic())')
kill "$srv" 2>/dev/null || true
wait "$srv" 2>/dev/null || true
srv=
echo "  crawl: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s," \
     "$("$bin" stats --db "$db" --format tsv 2>/dev/null |
        awk -F '\t' '$1 == "posts" { p = $2 } $1 == "edges" { e = $2 } END { printf "%s posts, %s edges", p, e }')"

# Themes (this also classifies the posts, so no timed run pays for it).
echo "  themes (blogmap topics):"
"$bin" topics --db "$db" --format tsv | awk -F '\t' '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { printf "    %-12s %5s posts\n", $col["topic"], $col["posts"] }'

# ---- timings ------------------------------------------------------------------
# The peer is plain Graphviz with the engine blogmap chose (its summary line
# names it) on blogmap's own DOT of the same map.
cd "$tmp"
# shellcheck disable=SC2086 # $r is "best worst rss", split on purpose
{
r=$(timeit full "$bin" map --db "$db" -o full.svg) || exit 1; set -- $r
full_best=$1 full_worst=$2 full_rss=$3
r=$(timeit top "$bin" map --db "$db" -o top.svg --top "$top") || exit 1; set -- $r
top_best=$1 top_worst=$2 top_rss=$3
r=$(timeit fulldot "$bin" map --db "$db" -o full.dot) || exit 1; set -- $r
fulldot_best=$1
r=$(timeit topdot "$bin" map --db "$db" -o top.dot --top "$top") || exit 1; set -- $r
topdot_best=$1
full_engine=$(sed -n 's/.*engine \([a-z]*\).*/\1/p' full.err | tail -n 1)
top_engine=$(sed -n 's/.*engine \([a-z]*\).*/\1/p' top.err | tail -n 1)
if [ -z "$full_engine" ] || [ -z "$top_engine" ]; then
    echo "map-bench: no engine in blogmap's summary line" >&2; exit 1
fi
r=$(timeit peerfull "$full_engine" -Tsvg full.dot -o peer-full.svg) || exit 1; set -- $r
peerfull_best=$1 peerfull_rss=$3
r=$(timeit peertop "$top_engine" -Tsvg top.dot -o peer-top.svg) || exit 1; set -- $r
peertop_best=$1 peertop_rss=$3
}
fail=0
r1=$(verdict "$full_best" $full_target); [ "$r1" = PASS ] || fail=1
r2=$(verdict "$top_best" $top_target); [ "$r2" = PASS ] || fail=1

echo
printf '%-30s %10s %10s %8s %8s %8s  %s\n' case "blogmap s" "peer s" ratio "target" result "(slowest blogmap run)"
printf '%-30s %10s %10s %8s %8s %8s  %s\n' "full map $posts posts ($full_engine)" "$full_best" "$peerfull_best" \
    "$(ratio "$full_best" "$peerfull_best")" "< ${full_target} s" "$r1" "$full_worst"
printf '%-30s %10s %10s %8s %8s %8s  %s\n' "--top $top ($top_engine)" "$top_best" "$peertop_best" \
    "$(ratio "$top_best" "$peertop_best")" "< ${top_target} s" "$r2" "$top_worst"
echo "peer: plain '$full_engine -Tsvg full.dot' and '$top_engine -Tsvg top.dot' on blogmap's DOT of the same map"
echo "DOT export alone: full $fulldot_best s, --top $top $topdot_best s"
echo "peak RSS: blogmap map full $((full_rss / 1024)) MiB, top $((top_rss / 1024)) MiB;" \
     "$full_engine $((peerfull_rss / 1024)) MiB, $top_engine $((peertop_rss / 1024)) MiB"

# ---- the DOT re-renders with plain Graphviz -------------------------------------
check() {  # LABEL OURS.svg PEER.svg
    ours=$(svgcount "$2") || ours=
    theirs=$(svgcount "$3") || theirs=
    if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
        if cmp -s "$2" "$3"; then same="same layout"; else same="layout not byte-identical"; fi
        echo "re-render $1: PASS (nodes edges: blogmap $ours, peer $theirs; $same)"
    else
        echo "re-render $1: FAIL (nodes edges: blogmap ${ours:-no svg}, peer ${theirs:-no svg})"
        fail=1
    fi
}
check "$full_engine -Tsvg full.dot" full.svg peer-full.svg
check "$top_engine -Tsvg top.dot" top.svg peer-top.svg
for f in full top fulldot topdot peerfull peertop; do
    if grep -v "^wrote '" "$f.err" | grep -q .; then
        echo "stderr of $f:"; grep -v "^wrote '" "$f.err" | head -n 5 | sed 's/^/  /'
    fi
done
[ "$fail" -eq 0 ] && echo "map-bench: all targets met" || echo "map-bench: FAILED"
exit "$fail"
