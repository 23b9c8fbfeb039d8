#!/bin/sh
# Developer check (not part of `make test`): score blogmap against the workplace's
# external blogsim ground truth, as issue 2's acceptance asks. Needs blogsim at
# $BLOGSIM (default ../shared/blogsim). Prints score.py's figures for a clean
# crawl, a crawl under faults, and a crawl killed six times then resumed.
#   [VIA=pages|feed] tools/blogsim-check.sh [POSTS] [SEED]
set -eu
posts=${1:-2000} seed=${2:-1}
sim=${BLOGSIM:-$(cd "$(dirname "$0")/../.." && pwd)/shared/blogsim}
bin=$(cd "$(dirname "$0")/.." && pwd)/build/blogmap
[ -f "$sim/genblog.py" ] || { echo "blogsim not found at $sim" >&2; exit 1; }
t=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$t"' EXIT
run() {  # name port faults
    python3 "$sim/genblog.py" --posts "$posts" --seed "$seed" --base "http://127.0.0.1:$2" \
        --out "$t/$1" >/dev/null
    python3 "$sim/serve.py" "$t/$1/site" --port "$2" --log "$t/$1/req.tsv" --seconds 900 \
        ${3:+--faults "$3"} >/dev/null 2>&1 &
    sleep 1
}
score() {  # name db
    "$bin" edges --db "$2" --format tsv >"$t/$1/e.tsv"
    "$bin" orphans --db "$2" --format tsv >"$t/$1/o.tsv"
    "$bin" posts --db "$2" --format tsv >"$t/$1/p.tsv"
    python3 "$sim/score.py" "$t/$1/truth.json" --edges "$t/$1/e.tsv" --orphans "$t/$1/o.tsv" \
        --posts "$t/$1/p.tsv" --log "$t/$1/req.tsv" --min 0.995 | tr '\n' ' '
    echo "integrity=$(sqlite3 "$2" 'pragma integrity_check')"
}
port=$((20000 + $$ % 20000))
run clean $port ""
s=$(date +%s.%N); "$bin" crawl --allow-loopback "http://127.0.0.1:$port/" --db "$t/clean.db" --delay 0 -q ${VIA:+--via "$VIA"}
echo "== clean ($posts posts): $(awk "BEGIN{print $(date +%s.%N) - $s}") s"; score clean "$t/clean.db"
run faults $((port + 1)) "err500=0.05,r429=0.02,reset=0.01,slow=0.01,badutf8=0.01"
s=$(date +%s.%N); "$bin" crawl --allow-loopback "http://127.0.0.1:$((port + 1))/" --db "$t/faults.db" --delay 0 -q ${VIA:+--via "$VIA"}
echo "== faults: $(awk "BEGIN{print $(date +%s.%N) - $s}") s"; score faults "$t/faults.db"
echo "   failed fetches recorded: $(sqlite3 "$t/faults.db" "select count(*) from fetches where status <> 200 and status not between 300 and 399 and status <> 404")"
for i in 1 2 3 4 5 6; do
    timeout -s KILL "0.$((i + 2))" "$bin" crawl --allow-loopback "http://127.0.0.1:$port/" --db "$t/kill.db" \
        --delay 0 -q 2>/dev/null || true
done
"$bin" crawl --allow-loopback "http://127.0.0.1:$port/" --db "$t/kill.db" --delay 0 -q
"$bin" edges --db "$t/kill.db" --format tsv >"$t/kill.tsv"
"$bin" edges --db "$t/clean.db" --format tsv >"$t/clean.tsv"
if cmp -s "$t/kill.tsv" "$t/clean.tsv"; then k=same; else k=DIFFERENT; fi
echo "== killed 6 times then resumed: edges $k as the clean crawl," \
     "integrity=$(sqlite3 "$t/kill.db" 'pragma integrity_check')"
