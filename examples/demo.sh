#!/bin/sh
# The main job on the bundled sample blog: crawl its saved copy through
# --mirror (no network), print the stats, the themes and the orphan posts,
# and draw the topic map as SVG and PNG.
#   examples/demo.sh [path/to/blogmap]
set -eu
bin=${1:-build/blogmap}
here=$(cd "$(dirname "$0")" && pwd)
out=${DEMO_DIR:-build/demo}
mkdir -p "$out"
rm -f "$out/blogmap.db" "$out/blogmap.db-wal" "$out/blogmap.db-shm"
echo "== blogmap crawl https://flywheel-notes.blogspot.com/ --mirror examples/sample-blog/site"
"$bin" crawl https://flywheel-notes.blogspot.com/ --mirror "$here/sample-blog/site" \
    --db "$out/blogmap.db"
echo
echo "== blogmap stats"
"$bin" stats --db "$out/blogmap.db" --format table
echo
echo "== blogmap orphans (posts no other post links to)"
"$bin" orphans --db "$out/blogmap.db" --format table
echo
echo "== blogmap topics (themes from the built-in topics.conf)"
"$bin" topics --db "$out/blogmap.db" --format table
echo
echo "== blogmap map"
"$bin" map --db "$out/blogmap.db" -o "$out/map.svg" --title "flywheel-notes: topic map"
"$bin" map --db "$out/blogmap.db" -o "$out/map.png" --title "flywheel-notes: topic map"
echo
echo "database: $out/blogmap.db  (try: $bin edges --db $out/blogmap.db)"
echo "topic map: $out/map.svg and $out/map.png"
