/* cmd_query: the read-only commands posts, edges, orphans, broken and
 * stats. They share one option set (--db, --format) and differ only in the
 * query they print. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* posts classifies first (its topic column); the others only read. */
static struct store *open_for(enum query_name which, const char *db, const char *tpath)
{
    if (which != QUERY_POSTS)
        return cli_open_db(db);
    struct topics *t = cli_load_topics(db, tpath);
    struct store *s = t ? cli_open_classified(db, t) : NULL;
    topics_free(t);
    return s;
}

static int run_query(int argc, char **argv, enum query_name which, const char *what)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"topics", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = "blogmap.db", *tpath = NULL;
    int format = OUTPUT_AUTO, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:f:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 't':
            tpath = optarg;
            break;
        case 'f':
            if ((format = output_parse_format(optarg)) < 0) {
                cli_error("unknown format '%s' (table, tsv, csv or json)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            printf("usage: blogmap %s [--db FILE] [--format table|tsv|csv|json]%s\n\n%s\n\n"
                   "  -d, --db FILE      database to read (default ./blogmap.db)\n"
                   "  -f, --format FMT   table on a terminal, else tsv (header line first)\n%s",
                   argv[0], which == QUERY_POSTS ? " [--topics FILE]" : "", what,
                   which == QUERY_POSTS ? "  -t, --topics FILE  themes for the topic column (default:"
                                          " topics.conf\n                     beside the database,"
                                          " else the built-in set)\n" : "");
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (tpath && which != QUERY_POSTS) {
        cli_error("--topics applies to 'blogmap posts' only");
        return EXIT_USAGE;
    }
    struct store *s = open_for(which, db, tpath);
    if (!s)
        return 1;
    int rc = output_query(s, which, format, stdout);
    if (rc)
        cli_error("query on '%s' failed: %s", db, store_errmsg(s));
    store_close(s);
    if (fflush(stdout) != 0)
        return 1;
    return rc ? 1 : 0;
}

int cmd_posts(int argc, char **argv)
{
    return run_query(argc, argv, QUERY_POSTS,
                     "List posts: url, title, date, topic, inbound and outbound links.");
}

int cmd_edges(int argc, char **argv)
{
    return run_query(argc, argv, QUERY_EDGES,
                     "List post-to-post body links: source, target, kind "
                     "(inline or related), anchor.");
}

int cmd_orphans(int argc, char **argv)
{
    return run_query(argc, argv, QUERY_ORPHANS,
                     "List posts that no other post's body links to: url, title, date.");
}

int cmd_broken(int argc, char **argv)
{
    return run_query(argc, argv, QUERY_BROKEN,
                     "List body links to the blog's own URLs that fail: source, href, status.");
}

int cmd_stats(int argc, char **argv)
{
    return run_query(argc, argv, QUERY_STATS,
                     "Count posts, edges by kind, orphans, broken links and fetches by status.");
}
