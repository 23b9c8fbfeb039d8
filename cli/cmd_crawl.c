/* cmd_crawl: 'blogmap crawl URL': parse options, open the database for
 * writing (taking the one-crawler lock), run the crawl with a progress line
 * on stderr when stderr is a terminal, and print a one-line summary. */
#include "cli.h"
#include "blogmap/classify.h"
#include "blogmap/crawl.h"
#include "blogmap/extract.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ALIASES 32

static const char crawl_usage[] =
    "usage: blogmap crawl URL [options]\n\n"
    "Crawl the blog at URL (its home page or any post) into a SQLite database.\n"
    "Run it again on the same database to resume an interrupted crawl.\n\n"
    "  -d, --db FILE            database (default ./blogmap.db)\n"
    "      --delay SEC          seconds between requests (default 1; 0 for local work)\n"
    "  -c, --concurrency N      parallel requests to the blog (default 1; 4 with --delay 0)\n"
    "  -A, --user-agent S       User-Agent header\n"
    "      --mirror DIR         read pages from a local copy (DIR/path, directories as\n"
    "                           index.html) instead of the network\n"
    "      --max-pages N        stop after N fetches (default 100000)\n"
    "      --max-depth N        follow links at most N hops from the start (default 50)\n"
    "      --max-per-pattern N  queue at most N pages of one URL pattern (digits and query\n"
    "                           values aside: calendars, pagers; default 2000)\n"
    "      --wal-max MIB        checkpoint and cut the database's write-ahead log back\n"
    "                           when it passes MIB (grown while a reader held it; 64)\n"
    "      --content-xpath X    XPath of the post body (default: Blogger .post-body,\n"
    "                           .entry-content, .post-content, .e-content, article, main)\n"
    "      --post-pattern RE    extended regex on the URL path that marks posts\n"
    "      --alias HOST         another host name of the same blog (repeatable)\n"
    "      --via SRC            where posts are read from: auto (default), feed, pages\n"
    "                           feed: whole posts from the blog's feeds (Blogger's\n"
    "                           posts feed, RSS content:encoded, Atom content); the\n"
    "                           sitemap and post-body links name the rest, fetched as\n"
    "                           pages; listing pages are not followed.\n"
    "                           pages: every post fetched as a page.\n"
    "                           auto: whole posts from feeds too, and as feed once\n"
    "                           Blogger's feed has given every post, else as pages\n"
    "  -t, --topics FILE        themes to classify posts by (default: topics.conf\n"
    "                           beside the database, else the built-in set)\n"
    "      --allow-loopback     also fetch from loopback and private-network addresses\n"
    "                           (127.0.0.1, 10/8, 192.168/16, ::1, ...) when the blog's\n"
    "                           name leads there; refused by default unless the start\n"
    "                           URL itself is such an address\n"
    "      --resolve H:P:ADDR   connect to ADDR for host H, port P (as curl's --resolve)\n"
    "  -q, --quiet              no progress line\n";

struct crawl_cli {
    struct crawl_opts o;
    const char *db, *topics;
    const char *aliases[MAX_ALIASES];
    int quiet, concurrency_set;
};

static int parse_number(const char *s, const char *opt, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || isnan(v) || v < lo || v > hi) {
        cli_error("invalid value '%s' for %s", s, opt);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_via(const char *s, int *out)
{
    static const struct { const char *name; int via; } vias[] = {
        {"auto", CRAWL_VIA_AUTO}, {"feed", CRAWL_VIA_FEED}, {"pages", CRAWL_VIA_PAGES}};
    for (size_t i = 0; i < sizeof(vias) / sizeof(vias[0]); i++) {
        if (!strcmp(s, vias[i].name)) {
            *out = vias[i].via;
            return 0;
        }
    }
    cli_error("invalid value '%s' for --via (auto, feed or pages)", s);
    return -1;
}

static void progress(void *ctx, const struct crawl_progress *p)
{
    (void)ctx;
    char slow[48] = "";
    if (p->slow_gap > 0)
        snprintf(slow, sizeof(slow), ", slowed +%.1fs", p->slow_gap);
    fprintf(stderr, "\r\033[Kfetched %ld, posts %ld, errors %ld%s%s%.60s", p->fetched, p->posts,
            p->errors, slow, p->url ? "  " : "", p->url ? p->url : "");
    fflush(stderr);
}

/* One line naming the budgets that stopped something, if any did. */
static void report_limits(const struct crawl_progress *p)
{
    static const char *const what[CRAWL_N_LIMITS] = {
        [CRAWL_LIMIT_DEPTH] = "links past --max-depth",
        [CRAWL_LIMIT_TRAP] = "trap URLs (repeating or too deep paths)",
        [CRAWL_LIMIT_PATTERN] = "pages past --max-per-pattern",
        [CRAWL_LIMIT_LINKS] = "links past the per-page cap",
        [CRAWL_LIMIT_PAGES] = "stopped at --max-pages with pages queued"};
    const char *sep = "limits reached: ";
    for (int i = 0; i < CRAWL_N_LIMITS; i++) {
        if (!p->limits[i])
            continue;
        if (i == CRAWL_LIMIT_PAGES)
            fprintf(stderr, "%s%s", sep, what[i]);
        else
            fprintf(stderr, "%s%ld %s", sep, p->limits[i], what[i]);
        sep = "; ";
    }
    if (strcmp(sep, "; ") == 0)
        fputs(" (see blogmap stats)\n", stderr);
}

static int parse_option(struct crawl_cli *cc, int c, const char *arg)
{
    double v;
    switch (c) {
    case 'd': cc->db = arg; return 0;
    case 'D':
        if (parse_number(arg, "--delay", 0, 3600, &v))
            return -1;
        cc->o.delay = v;
        return 0;
    case 'c':
        if (parse_number(arg, "--concurrency", 1, 64, &v))
            return -1;
        cc->o.concurrency = (int)v;
        cc->concurrency_set = 1;
        return 0;
    case 'A': cc->o.user_agent = arg; return 0;
    case 'm': cc->o.mirror_dir = arg; return 0;
    case 'P':
        if (parse_number(arg, "--max-pages", 1, 1e9, &v))
            return -1;
        cc->o.max_pages = (long)v;
        return 0;
    case 'L':
        if (parse_number(arg, "--max-depth", 1, 1000, &v))
            return -1;
        cc->o.max_depth = (int)v;
        return 0;
    case 'R':
        if (parse_number(arg, "--max-per-pattern", 1, 1e9, &v))
            return -1;
        cc->o.max_per_pattern = (long)v;
        return 0;
    case 'W':
        if (parse_number(arg, "--wal-max", 1, 1 << 20, &v))
            return -1;
        cc->o.wal_max_mib = (long)v;
        return 0;
    case 'x':
        if (extract_check_xpath(arg) != EXTRACT_OK) {
            cli_error("invalid XPath '%s' for --content-xpath", arg);
            return -1;
        }
        cc->o.content_xpath = arg;
        return 0;
    case 'p': cc->o.post_pattern = arg; return 0;
    case 'a':
        if (cc->o.n_aliases == MAX_ALIASES) {
            cli_error("too many --alias options (at most %d)", MAX_ALIASES);
            return -1;
        }
        cc->aliases[cc->o.n_aliases++] = arg;
        return 0;
    case 'V': return parse_via(arg, &cc->o.via);
    case 'q': cc->quiet = 1; return 0;
    case 'l': cc->o.allow_private = 1; return 0;
    case 'r': cc->o.resolve = arg; return 0;
    case 't': cc->topics = arg; return 0;
    default: return -1;
    }
}

static int parse_args(struct crawl_cli *cc, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"delay", required_argument, NULL, 'D'},
        {"concurrency", required_argument, NULL, 'c'},
        {"user-agent", required_argument, NULL, 'A'}, {"mirror", required_argument, NULL, 'm'},
        {"max-pages", required_argument, NULL, 'P'}, {"max-depth", required_argument, NULL, 'L'},
        {"max-per-pattern", required_argument, NULL, 'R'},
        {"wal-max", required_argument, NULL, 'W'},
        {"content-xpath", required_argument, NULL, 'x'},
        {"post-pattern", required_argument, NULL, 'p'}, {"alias", required_argument, NULL, 'a'},
        {"via", required_argument, NULL, 'V'},
        {"quiet", no_argument, NULL, 'q'}, {"topics", required_argument, NULL, 't'},
        {"allow-loopback", no_argument, NULL, 'l'}, {"resolve", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:c:A:t:qh", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(crawl_usage, stdout);
            return 1;
        }
        if (c == '?' || parse_option(cc, c, optarg))
            return -1;
    }
    if (optind != argc - 1) {
        cli_error(optind >= argc ? "crawl needs a URL; see 'blogmap crawl --help'"
                                 : "unexpected argument '%s'", argv[argc - 1]);
        return -1;
    }
    cc->o.start_url = argv[optind];
    return 0;
}

int cmd_crawl(int argc, char **argv)
{
    struct crawl_cli cc = {.db = "blogmap.db"};
    struct crawl_progress sum = {0};
    struct store *s = NULL;
    char *msg = NULL;
    cc.o.delay = 1.0;
    cc.o.user_agent = "Mozilla/5.0 (compatible; blogmap/" BLOGMAP_VERSION ")";
    struct topics *topics = NULL;
    int rc = parse_args(&cc, argc, argv);
    if (rc)
        return rc > 0 ? 0 : EXIT_USAGE;
    if (!(topics = cli_load_topics(cc.db, cc.topics)))
        return 1;
    cc.o.aliases = cc.aliases;
    if (!cc.concurrency_set)
        cc.o.concurrency = cc.o.delay == 0 ? 4 : 1;
    if (!cc.quiet && isatty(fileno(stderr)))
        cc.o.progress = progress;
    if ((rc = store_open(cc.db, STORE_WRITE | STORE_CRAWL, &s, &msg))) {
        cli_error("cannot open '%s': %s", cc.db, msg ? msg : store_strerror(rc));
        free(msg);
        topics_free(topics);
        return 1;
    }
    rc = crawl_run(s, &cc.o, &sum, &msg);
    if (cc.o.progress)
        fputs("\r\033[K", stderr);
    if (rc)
        cli_error("crawl of '%s' failed: %s", cc.o.start_url, msg ? msg : crawl_strerror(rc));
    else if ((rc = classify_posts(s, topics)))
        cli_error("cannot classify the posts of '%s': %s", cc.db, store_errmsg(s));
    else if (!cc.quiet && sum.from_feed)
        fprintf(stderr, "crawled '%s' into '%s': %ld fetches, %ld posts read (%ld from feeds), "
                "%ld failed\n", cc.o.start_url, cc.db, sum.fetched, sum.posts, sum.from_feed,
                sum.errors);
    else if (!cc.quiet)
        fprintf(stderr, "crawled '%s' into '%s': %ld fetches, %ld posts read, %ld failed\n",
                cc.o.start_url, cc.db, sum.fetched, sum.posts, sum.errors);
    if (!rc && !cc.quiet)
        report_limits(&sum);
    if (!rc && !cc.quiet && sum.slowdowns)
        fprintf(stderr, "the host showed strain (429/503 answers or rising latency): the crawl "
                "slowed down %ld time%s\n", sum.slowdowns, sum.slowdowns == 1 ? "" : "s");
    free(msg);
    store_close(s);
    topics_free(topics);
    return rc ? 1 : 0;
}
