#!/bin/sh
# Page-crawl benchmark (issue 5): a POSTS-post Blogger site from
# tests/e2e/gensite.py (written with --base, cached in build/bench/), served
# by Debian's nginx on 127.0.0.1 (bench/nginx.sh), crawled at full speed by
#   blogmap   blogmap crawl URL --db DB --delay 0 -q [--via pages]  (4 in flight)
#   wget2     wget2 --recursive --level=inf --max-threads=8 --no-verbose -P DIR URL
#   wget      wget --mirror --no-verbose -P DIR URL
#   httrack   httrack URL -O DIR -q -c8 -%! -%c0 -A0
# each into its own empty directory, RUNS times (default 3). All four obey
# robots.txt (their defaults) and stay on the host; none waits between
# requests. HTTrack's built-in "security limits" cap it at about one page a
# second on this site whatever -c says, so -%! -%c0 -A0 lift its connection
# rate and bandwidth caps, the same as --delay 0 does for blogmap.
#
# For each tool: the best wall time (and the slowest), CPU seconds (user+sys
# of the process and the children it waited for, from wait4(), best run),
# peak RSS, the requests nginx logged during the run (the pages fetched: every
# status, redirects included), how many of the blog's posts were among its
# 200s, CPU ms per request, blogmap's figure over the tool's, and nginx's own
# CPU seconds. Then its manners from the same log: robots.txt asked, requests
# before it (wget fetches the start page first), requests under the
# disallowed /search, connections, most open at once.
#
# Checks (CHECKS, default "wall cpu exact"):
#   wall    blogmap wall / wget2 wall <= 0.67
#   cpu     blogmap CPU ms per request / wget --mirror's <= 1.0
#   exact   blogmap's `posts` (url, title, date) and `edges` (source, target,
#           kind) equal gensite's expected/posts.tsv and edges.tsv exactly
#   rss     blogmap's peak RSS <= RSS_TARGET_MB (64)
# A check whose peer was not run is skipped. Everything is printed; the exit
# status is 1 when a check fails, 2 when something is missing.
#
#   bench/crawl-bench.sh [POSTS] [path/to/blogmap]     (default 5000 build/blogmap)
#   environment: RUNS=3 SEED=1 PORT=18431 PEERS="wget2 wget httrack"
#                CHECKS="wall cpu exact" RSS_TARGET_MB=64 WORKDIR=/dev/shm
#                KEEP=1 (keep the work directory)
#
# Needs python3 and nginx, wget2, wget, httrack (Debian packages of those
# names; `make bench` installs them). It installs nothing itself. The site
# is generated for one port (its URLs are absolute); if PORT is taken another
# free port is picked and a site generated for it.
set -eu

posts=${1:-5000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-$root/build/blogmap}
runs=${RUNS:-3}
seed=${SEED:-1}
port=${PORT:-18431}
peers=${PEERS-wget2 wget httrack}
checks=${CHECKS-wall cpu exact}
rss_target=${RSS_TARGET_MB:-64}
cache=$root/build/bench

case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "crawl-bench: no blogmap binary at $bin (run make)" >&2; exit 2; }
case $posts in ''|*[!0-9]*|0) echo "crawl-bench: POSTS must be a positive number" >&2; exit 2 ;; esac
PATH=$PATH:/usr/sbin:/sbin
missing=
for tool in python3 nginx $peers; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    echo "crawl-bench: not found:$missing (Debian: apt-get install nginx wget2 wget httrack)" >&2
    exit 2
fi

# Work (the crawlers' outputs, nginx's log) goes to WORKDIR, by default
# /dev/shm when it is a tmpfs with room for the biggest mirror (about 40 KB a
# post). On a disk, deleting one tool's 9,000 files and creating the next
# one's is slowed by the file system (ext4 skips recently deleted inodes:
# wget2 measured 2.2 s on a fresh disk and 8-9 s, nearly all system time,
# after a few runs), which would time the disk, not the crawlers.
workdir=${WORKDIR:-}
if [ -z "$workdir" ]; then
    workdir=${TMPDIR:-/tmp}
    shm_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 && $1 == "tmpfs" { print $4 }')
    if [ -n "$shm_kb" ] && [ -w /dev/shm ] && [ "$shm_kb" -gt $((posts * 40 + 100000)) ]; then
        workdir=/dev/shm
    fi
fi
tmp=$(mktemp -d "$workdir/blogmap-crawl-bench.XXXXXX")
ngx=
# shellcheck disable=SC2317 # called from the trap
cleanup() {
    if [ -n "$ngx" ]; then
        kill "$ngx" 2>/dev/null || true
        wait "$ngx" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "crawl-bench: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bench.py: "free PORT" prints PORT if it can be bound on 127.0.0.1, else an
# OS-chosen free port; "wait PORT PID" waits until PORT accepts connections;
# "run ..." times one tool (see run()); "report ..." prints the tables and
# checks and exits 1 when a check fails.
cat >"$tmp/bench.py" <<'EOF'
import json, os, shutil, socket, subprocess, sys, time

def free(port):
    for want in (int(port), 0):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", want))
            return s.getsockname()[1]
        except OSError:
            pass
        finally:
            s.close()

def wait(port, pid):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", int(port)), 0.2).close()
            return 0
        except OSError:
            try:
                os.kill(int(pid), 0)
            except OSError:
                return 1
            time.sleep(0.05)
    return 1

def server_cpu(pid):
    """nginx's user+sys seconds so far (it runs as one process)."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")

def read_log(path, offset):
    """The access-log lines written after OFFSET, once nginx has stopped writing."""
    size = -1
    for _ in range(100):
        now = os.path.getsize(path)
        if now == size:
            break
        size = now
        time.sleep(0.03)
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read()
    rows = []
    for line in data.decode("utf-8", "replace").splitlines():
        x = line.split("\t")
        if len(x) < 7:
            continue
        end, rt = float(x[0]), float(x[1])
        target = x[6].split(" ")[1] if x[6].count(" ") >= 2 else x[6]
        rows.append({"start": end - rt, "end": end, "conn": x[2], "status": x[4],
                     "path": target.split("?", 1)[0]})
    return rows

def manners(rows, post_paths):
    out = {"requests": len(rows), "statuses": {}, "conns": len({r["conn"] for r in rows})}
    for r in rows:
        out["statuses"][r["status"]] = out["statuses"].get(r["status"], 0) + 1
    robots = min((r["start"] for r in rows if r["path"] == "/robots.txt"), default=None)
    out["robots"] = robots is not None
    out["before_robots"] = sum(1 for r in rows if robots is None or r["start"] < robots)
    out["disallowed"] = sum(1 for r in rows if r["path"].startswith("/search"))
    ok = {r["path"] for r in rows if r["status"] == "200"}
    out["posts"] = len(post_paths & ok)
    span = {}
    for r in rows:
        a, b = span.get(r["conn"], (r["start"], r["end"]))
        span[r["conn"]] = (min(a, r["start"]), max(b, r["end"]))
    events = sorted([(a, 1) for a, _ in span.values()] + [(b, -1) for _, b in span.values()],
                    key=lambda e: (e[0], -e[1]))
    cur = peak = 0
    for _, d in events:
        cur += d
        peak = max(peak, cur)
    out["peak_conns"] = peak
    return out

def post_paths(posts_tsv, base):
    paths = set()
    with open(posts_tsv, encoding="utf-8") as f:
        for n, line in enumerate(f):
            url = line.split("\t", 1)[0]
            if n and url.startswith(base):
                paths.add(url[len(base):])
    return paths

def run(name, runs, outdir, log, ngx, ok_codes, posts_tsv, base, argv):
    """Run ARGV (with {out} replaced by OUTDIR, emptied before each run) RUNS
    times; write OUTDIR.json with every run's figures."""
    want = post_paths(posts_tsv, base)
    ok = {int(c) for c in ok_codes.split(",")}
    results = []
    for k in range(int(runs)):
        shutil.rmtree(outdir, ignore_errors=True)
        os.makedirs(outdir)
        args = [a.replace("{out}", outdir) for a in argv]
        offset = os.path.getsize(log)
        cpu0 = server_cpu(ngx)
        with open(outdir + ".out", "wb") as out, open(outdir + ".err", "wb") as err:
            t0 = time.monotonic()
            p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=outdir)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.monotonic() - t0
        code = os.waitstatus_to_exitcode(status)
        rows = read_log(log, offset)
        r = manners(rows, want)
        r.update(wall=wall, user=ru.ru_utime, sys=ru.ru_stime, rss_kb=ru.ru_maxrss, code=code,
                 server_cpu=server_cpu(ngx) - cpu0)
        results.append(r)
        sys.stderr.write("  %-8s run %d: %.2f s wall, %.2f s CPU, %d requests, exit %d\n"
                         % (name, k + 1, wall, ru.ru_utime + ru.ru_stime, len(rows), code))
        if code not in ok:
            sys.stderr.write("crawl-bench: %s exited %d: %s\n" % (name, code, " ".join(args)))
            with open(outdir + ".err", errors="replace") as f:
                sys.stderr.write(f.read()[-2000:])
            break
    with open(outdir + ".json", "w") as f:
        json.dump({"name": name, "argv": argv, "runs": results, "ok": ok_codes}, f)
    return 0 if results and results[-1]["code"] in ok else 1

def tsv_rows(path, ncols):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return {tuple(l.split("\t")[:ncols]) for l in lines[1:] if l}

def report(tmp, names, checks, rss_target, expected, got_posts, got_edges):
    tools = []
    for name in names:
        with open(os.path.join(tmp, name + ".json")) as f:
            t = json.load(f)
        rs = t["runs"]
        best = min(rs, key=lambda r: r["wall"])
        t.update(best=best, wall=best["wall"], worst=max(r["wall"] for r in rs),
                 cpu=min(r["user"] + r["sys"] for r in rs), rss_mib=max(r["rss_kb"] for r in rs) / 1024.0)
        t["cpu_req"] = 1000.0 * t["cpu"] / max(1, best["requests"])
        tools.append(t)
    by = {t["name"]: t for t in tools}
    bm = by["blogmap"]
    print()
    print("%-8s %7s %7s %7s %6s %6s %7s %6s %5s %8s %9s %10s %7s" % (
        "tool", "wall s", "slowest", "CPU s", "user", "sys", "RSS MiB", "reqs", "posts",
        "CPU ms/r", "bm/x wall", "bm/x CPU/r", "nginx s"))
    for t in tools:
        b = t["best"]
        print("%-8s %7.2f %7.2f %7.2f %6.2f %6.2f %7.1f %6d %5d %8.3f %9.2f %10.2f %7.2f" % (
            t["name"], t["wall"], t["worst"], t["cpu"], b["user"], b["sys"], t["rss_mib"], b["requests"],
            b["posts"], t["cpu_req"], bm["wall"] / t["wall"], bm["cpu_req"] / t["cpu_req"], b["server_cpu"]))
    print("(wall: best of %d; CPU s: lowest user+sys of the runs, user/sys of the best-wall run; reqs: "
          "requests nginx logged in the best-wall run; posts: the blog's %d posts among its 200s; "
          "bm/x: blogmap's figure over the tool's)" % (len(bm["runs"]), len(expected["posts"])))
    print()
    print("%-8s %10s %13s %8s %6s %8s  %s" % ("tool", "robots.txt", "before robots", "/search",
                                               "conns", "at once", "statuses"))
    for t in tools:
        b = t["best"]
        st = ", ".join("%s %d" % kv for kv in sorted(b["statuses"].items()))
        print("%-8s %10s %13d %8d %6d %8d  %s" % (t["name"], "asked" if b["robots"] else "NOT ASKED",
                                                b["before_robots"], b["disallowed"], b["conns"],
                                                b["peak_conns"], st))
    print("(before robots: requests started before the first robots.txt request; /search is "
          "disallowed; at once: most connections open together)")
    print()
    fail = 0

    def verdict(label, ok, text):
        nonlocal fail
        if ok is None:
            print("%s: %s: SKIP" % (label, text))
            return
        fail |= not ok
        print("%s: %s: %s" % (label, text, "PASS" if ok else "FAIL"))

    if "wall" in checks:
        if "wget2" in by:
            r = bm["wall"] / by["wget2"]["wall"]
            verdict("page crawl wall", r <= 0.67, "blogmap %.2f s / wget2 %.2f s = %.2f (target <= 0.67)"
                    % (bm["wall"], by["wget2"]["wall"], r))
        else:
            verdict("page crawl wall", None, "wget2 not run")
    if "cpu" in checks:
        if "wget" in by:
            r = bm["cpu_req"] / by["wget"]["cpu_req"]
            verdict("CPU per request", r <= 1.0, "blogmap %.3f ms / wget --mirror %.3f ms = %.2f (target <= 1.00)"
                    % (bm["cpu_req"], by["wget"]["cpu_req"], r))
        else:
            verdict("CPU per request", None, "wget not run")
    if "rss" in checks:
        verdict("peak RSS", bm["rss_mib"] <= rss_target, "blogmap %.1f MiB at %d posts (target <= %s MiB)"
                % (bm["rss_mib"], len(expected["posts"]), rss_target))
    if "exact" in checks:
        ok = True
        parts = []
        for what, want, got in (("posts", expected["posts"], got_posts), ("edges", expected["edges"], got_edges)):
            missing, extra = want - got, got - want
            ok = ok and not missing and not extra
            parts.append("%s %d of %d (missing %d, extra %d)" % (what, len(want & got), len(want),
                                                                 len(missing), len(extra)))
            for row in sorted(missing)[:3]:
                parts.append("\n    missing %s: %s" % (what, "\t".join(row)))
            for row in sorted(extra)[:3]:
                parts.append("\n    extra %s: %s" % (what, "\t".join(row)))
        verdict("complete and exact", ok, ", ".join(parts))
    for t in tools:
        if t["best"]["posts"] < len(expected["posts"]):
            print("note: %s fetched %d of the %d posts" % (t["name"], t["best"]["posts"], len(expected["posts"])))
        if t["best"]["disallowed"] or not t["best"]["robots"]:
            print("note: %s did not keep to robots.txt (see above)" % t["name"])
    print("crawl-bench: all checks passed" if not fail else "crawl-bench: FAILED")
    return fail

if __name__ == "__main__":
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "free":
        print(free(a[0]))
    elif cmd == "wait":
        sys.exit(wait(a[0], a[1]))
    elif cmd == "run":
        sys.exit(run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8:]))
    elif cmd == "report":
        tmp, names, checks, rss, fix, posts, edges = a
        expected = {"posts": tsv_rows(os.path.join(fix, "expected", "posts.tsv"), 3),
                    "edges": tsv_rows(os.path.join(fix, "expected", "edges.tsv"), 3)}
        sys.exit(report(tmp, names.split(), checks.split(), float(rss), expected,
                        tsv_rows(posts, 3), tsv_rows(edges, 3)))
EOF
py() { python3 "$tmp/bench.py" "$@"; }

echo "crawl-bench: $posts posts (seed $seed), best of $runs runs, $(nproc 2>/dev/null || echo '?') CPUs," \
     "$(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')"
# A copy, so that a rebuild during the runs cannot change or hide the binary.
mkdir "$tmp/bin"
cp "$bin" "$tmp/bin/blogmap"
echo "  blogmap: $bin ($("$tmp/bin/blogmap" --version 2>&1 | head -n 1)," \
     "built $(date -u -r "$bin" +%Y-%m-%dT%H:%M:%SZ), run as a copy)"
bin=$tmp/bin/blogmap
echo "  nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
for tool in $peers; do
    case $tool in
        httrack) v=$(httrack --version 2>&1 | head -n 1) ;;
        *) v=$("$tool" --version 2>&1 | head -n 1) ;;
    esac
    echo "  $tool: $v"
done

# ---- the site (cached per POSTS, seed, port and gensite.py version) ----------
got=$(py free "$port")
if [ "$got" != "$port" ]; then
    [ -n "${PORT:-}" ] && { echo "crawl-bench: port $port is taken" >&2; exit 2; }
    echo "  port $port is taken; using $got"
    port=$got
fi
base=http://127.0.0.1:$port
sum=$(cksum <"$root/tests/e2e/gensite.py" | cut -d ' ' -f 1)
fixture=$cache/site-$posts-s$seed-p$port-$sum
if [ -f "$fixture/.complete" ]; then
    echo "  site: $fixture (cached)"
else
    mkdir -p "$cache"
    for old in "$cache"/site-"$posts"-s"$seed"-p"$port"-*; do     # stale gensite.py versions
        [ -d "$old" ] && rm -rf "$old"
    done
    t0=$(date +%s)
    python3 "$root/tests/e2e/gensite.py" --out "$fixture.tmp" --posts "$posts" --seed "$seed" \
        --base "$base" | sed 's/^/  gensite: /'
    touch "$fixture.tmp/.complete"
    rm -rf "$fixture" && mv "$fixture.tmp" "$fixture"
    echo "  site: $fixture (generated in $(( $(date +%s) - t0 )) s)"
fi
echo "  pages: $(find "$fixture/site" -name '*.html' | wc -l) HTML files," \
     "$(du -sm "$fixture/site" | cut -f 1) MB"

# ---- nginx ----------------------------------------------------------------------
"$root/bench/nginx.sh" "$fixture/site" "$port" "$tmp/nginx" >"$tmp/nginx.out" 2>&1 &
ngx=$!
if ! py wait "$port" "$ngx"; then
    echo "crawl-bench: nginx did not start" >&2
    cat "$tmp/nginx.out" "$tmp/nginx/error.log" >&2 2>/dev/null || true
    exit 2
fi
log=$tmp/nginx/access.log
echo "  serving $base/ (nginx pid $ngx); work in $tmp ($(df -P "$tmp" | awk 'NR == 2 { print $1 }'))"
echo

# ---- the runs -------------------------------------------------------------------
run() {  # NAME OK_EXIT_CODES CMD... ({out} is the tool's own empty directory)
    name=$1 codes=$2; shift 2
    py run "$name" "$runs" "$tmp/$name" "$log" "$ngx" "$codes" "$fixture/expected/posts.tsv" "$base" "$@"
}
# --via pages where blogmap has it: this is the page crawl (the site has no feed).
via=
if "$bin" crawl --help 2>&1 | grep -q -- '--via'; then via="--via pages"; fi
if "$bin" crawl --help 2>&1 | grep -q -- '--allow-loopback'; then via="$via --allow-loopback"; fi
# shellcheck disable=SC2086 # $via is empty or two words
run blogmap 0 "$bin" crawl "$base/" --db "{out}/blog.db" --delay 0 -q $via
names=blogmap
for tool in $peers; do
    case $tool in
        # wget and wget2 exit 8 when the server answered an error (the blog's 404s)
        wget2) run wget2 0,8 wget2 --recursive --level=inf --max-threads=8 --no-verbose -P "{out}" "$base/" ;;
        wget) run wget 0,8 wget --mirror --no-verbose -P "{out}" "$base/" ;;
        httrack) run httrack 0 httrack "$base/" -O "{out}" -q -c8 -%! -%c0 -A0 ;;
        *) echo "crawl-bench: unknown peer '$tool'" >&2; exit 2 ;;
    esac
    rm -rf "${tmp:?}/$tool"         # their mirrors are as big as the site
    names="$names $tool"
done

"$bin" posts --db "$tmp/blogmap/blog.db" --format tsv >"$tmp/posts.tsv"
"$bin" edges --db "$tmp/blogmap/blog.db" --format tsv >"$tmp/edges.tsv"
py report "$tmp" "$names" "$checks" "$rss_target" "$fixture" "$tmp/posts.tsv" "$tmp/edges.tsv"
