#!/bin/sh
# Peak-memory benchmark (issue 5): blogmap's peak RSS crawling a 20,000-post
# blog, target <= 64 MiB, with the crawl's completeness checked as well.
# It is bench/crawl-bench.sh with other defaults: POSTS 20000, one run,
# wget2 and wget as the peers (their RSS, wall and CPU in the same table;
# HTTrack takes minutes at this size, PEERS="wget2 wget httrack" adds it),
# and the checks "rss exact" (the wall and CPU targets are crawl-bench's, at
# 5,000 posts). Peak RSS is ru_maxrss of the crawl process from wait4().
#
#   bench/rss-bench.sh [POSTS] [path/to/blogmap]      (default 20000 build/blogmap)
#   environment: as crawl-bench.sh; RSS_TARGET_MB=64
set -eu
here=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-1}
PEERS=${PEERS-wget2 wget}
CHECKS=${CHECKS-rss exact}
RSS_TARGET_MB=${RSS_TARGET_MB:-64}
export RUNS PEERS CHECKS RSS_TARGET_MB
exec "$here/crawl-bench.sh" "${1:-20000}" ${2+"$2"}
