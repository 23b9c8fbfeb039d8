#!/bin/sh
# Serve a tests/e2e/gensite.py site with Debian's nginx on 127.0.0.1, for the
# crawl benchmarks: the site is static files, so nginx answers as fast as the
# loopback allows and the timings are the crawlers', not the server's (the
# fixture server, tests/e2e/server.py, is Python and would be the bottleneck).
#
#   bench/nginx.sh SITE PORT DIR            write DIR/nginx.conf, run nginx in the foreground
#   bench/nginx.sh --conf-only SITE PORT DIR    only write DIR/nginx.conf
#
# SITE is a gensite DIR/site written with --base http://127.0.0.1:PORT, so the
# pages are served as they are (no rebasing). nginx runs as one process in the
# foreground (daemon off, master_process off): `exec` makes this script's pid
# nginx's, and SIGTERM or SIGQUIT stops it. Everything it writes is in DIR:
# nginx.conf, nginx.pid, error.log, access.log and the temp directories.
#
# What it maps, as server.py does (tests/e2e/server.py's docstring):
#   /x/ -> SITE/x/index.html (404 when there is none), /x -> 301 /x/ when x is a
#   directory; redirects keep server.py's relative Location (absolute_redirect off);
#   SITE/_routes.tsv: PATH <TAB> STATUS <TAB> LOCATION lines
#     3xx, path only     location = PATH { return STATUS LOCATION; }
#     200, path only     location = PATH { rewrite to /LOCATION (a file) }
#     200, PATH?QUERY    a map on "$uri?$args" -> file, checked at server level
#                        before any location (gensite's sitemap and feed pages,
#                        /sitemap.xml?page=K); an exact path+query match wins
#                        over a route of the path alone, any other query is
#                        ignored, as in server.py
#     other, path only   location = PATH { return STATUS; }
#   path segments starting with "_" (the routes table) answer 404; robots.txt,
#   .xml and .html are files with their types (text/html; charset=utf-8,
#   application/xml, text/plain). ETag and Last-Modified are nginx's defaults
#   (on); keep-alive is on (65 s, 100,000 requests a connection); no gzip.
#
# access.log, one line a request, tab-separated:
#   end time (s, ms resolution)  request time (s)  connection number
#   request number on that connection  status  body bytes  request line  user agent
# The start of a request is end time - request time; the connection number
# tells keep-alive reuse and parallelism apart (politeness checks).
#
# Needs only nginx (Debian's nginx package; /usr/sbin is searched too).
set -eu

conf_only=0
if [ "${1:-}" = --conf-only ]; then conf_only=1; shift; fi
if [ $# -ne 3 ]; then
    echo "usage: bench/nginx.sh [--conf-only] SITE PORT DIR" >&2
    exit 2
fi
site=$1 port=$2 dir=$3
case $port in ''|*[!0-9]*) echo "nginx.sh: bad port '$port'" >&2; exit 2 ;; esac
[ -d "$site" ] || { echo "nginx.sh: no site directory '$site'" >&2; exit 2; }
site=$(cd "$site" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
case $site$dir in *[!A-Za-z0-9/._+-]*)
    echo "nginx.sh: '$site' or '$dir' has characters this script will not quote" >&2; exit 2 ;;
esac
mkdir -p "$dir/tmp"

# routes_awk: _routes.tsv on stdin -> the map's lines (to the file mapfile)
# and the exact locations (stdout). Paths and locations are checked against
# a conservative character set, so nothing needs quoting inside nginx.conf.
# shellcheck disable=SC2016 # awk's $1, not the shell's
routes_awk='
BEGIN { FS = "\t"; bad = 0 }
/^#/ || /^[ \t]*$/ { next }
{
    path = $1; status = $2; where = (NF >= 3) ? $3 : ""
    if (path !~ /^\/[A-Za-z0-9\/._~%=&?-]*$/ || status !~ /^[1-5][0-9][0-9]$/ ||
        where !~ /^[A-Za-z0-9\/._~%=&?:-]*$/) {
        printf "nginx.sh: _routes.tsv line %d: cannot map \"%s\"\n", NR, $0 > "/dev/stderr"; bad = 1; next
    }
    q = index(path, "?")
    if (q) {
        if (status != 200 || where == "" || substr(path, q - 1, 1) == "/") {
            printf "nginx.sh: _routes.tsv line %d: only 200 routes to a file may carry a query\n", NR > "/dev/stderr"
            bad = 1; next
        }
        sub(/^\//, "", where)
        printf "        \"%s\" /%s;\n", path, where > mapfile
        next
    }
    if (seen[path]++) next
    if (status >= 300 && status < 400)
        printf "        location = %s { return %d %s; }\n", path, status, where
    else if (status == 200 && where != "") {
        sub(/^\//, "", where)
        printf "        location = %s { rewrite ^ /%s? last; }\n", path, where
    } else
        printf "        location = %s { return %d; }\n", path, status
}
END { exit bad }'

: >"$dir/routes.map"
: >"$dir/routes.loc"
if [ -f "$site/_routes.tsv" ]; then
    awk -v mapfile="$dir/routes.map" "$routes_awk" <"$site/_routes.tsv" >"$dir/routes.loc"
fi

{
cat <<EOF
# Written by bench/nginx.sh for $site on 127.0.0.1:$port.
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    types {
        text/html html htm;
        application/xml xml;
        text/plain txt;
        text/css css;
        application/javascript js;
        image/png png;
        image/jpeg jpg jpeg;
        image/gif gif;
        image/x-icon ico;
    }
    default_type application/octet-stream;
    charset utf-8;
    log_format bench '\$msec\t\$request_time\t\$connection\t\$connection_requests\t\$status\t\$body_bytes_sent\t\$request\t\$http_user_agent';
    access_log $dir/access.log bench;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 100000;
    server_tokens off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    # routes with a query (gensite: /sitemap.xml?page=K -> sitemap-page-K.xml);
    # volatile, since a rewrite changes \$uri and a cached value would be stale
    map_hash_bucket_size 256;
    map_hash_max_size 65536;
    map "\$uri?\$args" \$bench_route {
        volatile;
        default "";
EOF
cat "$dir/routes.map"
cat <<EOF
    }

    server {
        listen 127.0.0.1:$port;
        server_name 127.0.0.1;
        root $site;
        index index.html;

        absolute_redirect off;

        # before any location, so that an exact path+query route wins over
        # a route of the path alone, as in server.py
        if (\$bench_route) { rewrite ^ \$bench_route? last; }

        location / { }
        location ~ /_ { return 404; }
        location ~ /\$ { try_files \${uri}index.html =404; }
EOF
cat "$dir/routes.loc"
cat <<EOF
    }
}
EOF
} >"$dir/nginx.conf"

[ "$conf_only" -eq 1 ] && exit 0

PATH=$PATH:/usr/sbin:/sbin
command -v nginx >/dev/null 2>&1 || { echo "nginx.sh: nginx not found (apt-get install nginx)" >&2; exit 2; }
nginx -q -t -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" ||
    { echo "nginx.sh: nginx rejected $dir/nginx.conf" >&2; exit 2; }
exec nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log"
