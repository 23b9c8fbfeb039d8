#!/bin/sh
# Parse-and-extract benchmark (issue 5): blogmap's extractor, extract_page(),
# against the physical floor for it, a bare libxml2 htmlReadMemory() +
# xmlFreeDoc() loop with the same parser options, over the same pages: every
# HTML file of a POSTS-post tests/e2e/gensite.py site (post pages, month
# archives, the home and about pages), read into memory before any timing.
# bench/parse-bench.c does the timing (CLOCK_MONOTONIC, best of RUNS); see
# its header for exactly what each loop does.
#
# Target: extract_page throughput >= 0.7 x the bare loop's (pages/s; both
# loops read the same bytes, so MB/s gives the same ratio). Exits 1 when it
# is missed, 2 when something is missing.
#
#   bench/parse-bench.sh [POSTS] [path/to/parse-bench]   (default 5000 build/bench/parse-bench)
#   environment: RUNS=3 SEED=1
#
# The site is the one bench/crawl-bench.sh caches in build/bench/ (any port:
# nothing is served here), generated if there is none. Needs python3.
set -eu

posts=${1:-5000}
root=$(cd "$(dirname "$0")/.." && pwd)
pb=${2:-$root/build/bench/parse-bench}
runs=${RUNS:-3}
seed=${SEED:-1}
target=0.7
cache=$root/build/bench

case $pb in /*) ;; *) pb=$(pwd)/$pb ;; esac
[ -x "$pb" ] || { echo "parse-bench: no binary at $pb (make build/bench/parse-bench)" >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "parse-bench: python3 not found" >&2; exit 2; }
case $posts in ''|*[!0-9]*|0) echo "parse-bench: POSTS must be a positive number" >&2; exit 2 ;; esac

sum=$(cksum <"$root/tests/e2e/gensite.py" | cut -d ' ' -f 1)
fixture=
for dir in "$cache"/site-"$posts"-s"$seed"-p*-"$sum"; do
    [ -f "$dir/.complete" ] && { fixture=$dir; break; }
done
if [ -z "$fixture" ]; then
    port=18431         # bench/crawl-bench.sh's default; the pages only name it
    fixture=$cache/site-$posts-s$seed-p$port-$sum
    mkdir -p "$cache"
    python3 "$root/tests/e2e/gensite.py" --out "$fixture.tmp" --posts "$posts" --seed "$seed" \
        --base "http://127.0.0.1:$port" | sed 's/^/  gensite: /'
    touch "$fixture.tmp/.complete"
    rm -rf "$fixture" && mv "$fixture.tmp" "$fixture"
fi
port=${fixture##*-p}
port=${port%%-*}

echo "parse-bench: $posts posts (seed $seed), best of $runs runs, $(nproc 2>/dev/null || echo '?') CPUs," \
     "$(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "  site: $fixture"
echo "  parse-bench: $pb (built $(date -u -r "$pb" +%Y-%m-%dT%H:%M:%SZ))"
out=$("$pb" "$fixture/site" "http://127.0.0.1:$port" "$runs") || exit 1
echo "$out" | awk -v target="$target" '
    $1 == "libxml2" { printf "  libxml2: %s (run time), built against %s\n", $2, $4 }
    $1 == "pages" { pages = $2; bytes = $4 }
    $1 == "bare" { bare = $2; bare_worst = $3 }
    $1 == "extract" { ext = $2; ext_worst = $3 }
    $1 == "links" { found = $0 }
    $1 == "ratio" { ratio = $2 }
    END {
        mb = bytes / 1e6
        printf "  pages: %d HTML files, %.1f MB (%.1f KB a page)\n\n", pages, mb, bytes / pages / 1e3
        printf "%-34s %9s %9s %10s %8s %10s\n", "loop", "best s", "slowest", "pages/s", "MB/s", "us/page"
        printf "%-34s %9.3f %9.3f %10.0f %8.1f %10.1f\n", "bare htmlReadMemory + xmlFreeDoc", bare, bare_worst,
               pages / bare, mb / bare, 1e6 * bare / pages
        printf "%-34s %9.3f %9.3f %10.0f %8.1f %10.1f\n", "blogmap extract_page", ext, ext_worst,
               pages / ext, mb / ext, 1e6 * ext / pages
        printf "extract beyond the parse: %.1f us/page (%.0f%% of extract_page)\n",
               1e6 * (ext - bare) / pages, 100 * (ext - bare) / ext
        printf "extract_page found: %s\n\n", found
        ok = ratio >= target
        printf "parse+extract throughput / bare libxml2: %.2f (target >= %.1f): %s\n", ratio, target,
               ok ? "PASS" : "FAIL"
        exit !ok
    }'
