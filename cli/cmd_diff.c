/* cmd_diff: 'blogmap diff OLD.db [NEW.db]': the posts and links added and
 * removed between two crawls of a blog, as rows in any output format, with
 * a count on stderr. NEW defaults to --db. */
#include "cli.h"
#include "blogmap/diff.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char diff_usage[] =
    "usage: blogmap diff OLD.db [NEW.db] [--db NEW.db] [--format table|tsv|csv|json]\n\n"
    "List the posts and post-to-post links added and removed between two crawls\n"
    "(matched by URL): change (added, removed), what (post, link), url, target, title.\n"
    "OLD.db is only read.\n\n"
    "  -d, --db FILE      the newer crawl (default ./blogmap.db), unless NEW.db is given\n"
    "  -f, --format FMT   table on a terminal, else tsv\n"
    "  -q, --quiet        no count on stderr\n";

struct diff_arg {
    struct store *s;
    const char *old_path;
    query_row_fn fn;
    void *ctx;
    long counts[4];     /* added posts, removed posts, added links, removed links */
};

/* Count each row, then pass it on to the printer. */
static int count_row(void *arg, int n, const char *const *names, const char *const *values)
{
    struct diff_arg *d = arg;
    if (values)
        d->counts[(strcmp(values[1], "link") ? 0 : 2) + (strcmp(values[0], "added") ? 1 : 0)]++;
    return d->fn(d->ctx, n, names, values);
}

static int produce_diff(void *arg, query_row_fn fn, void *ctx)
{
    struct diff_arg *d = arg;
    d->fn = fn;
    d->ctx = ctx;
    return diff_crawls(d->s, d->old_path, count_row, d);
}

int cmd_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = "blogmap.db";
    int format = OUTPUT_AUTO, quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'q': quiet = 1; break;
        case 'f':
            if ((format = output_parse_format(optarg)) < 0) {
                cli_error("unknown format '%s' (table, tsv, csv or json)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(diff_usage, stdout); return 0;
        default: return EXIT_USAGE;
        }
    }
    if (optind >= argc || argc - optind > 2) {
        cli_error(optind >= argc ? "diff needs OLD.db; see 'blogmap diff --help'"
                                 : "unexpected argument '%s'", argv[argc - 1]);
        return EXIT_USAGE;
    }
    struct diff_arg d = {.old_path = argv[optind]};
    if (argc - optind == 2)
        db = argv[optind + 1];
    if (!(d.s = cli_open_db(db)))
        return 1;
    int rc = output_run(format, stdout, produce_diff, &d);
    if (rc)
        cli_error("cannot compare '%s' with '%s': %s", d.old_path, db, store_errmsg(d.s));
    else if (!quiet)
        fprintf(stderr, "%s -> %s: posts +%ld -%ld, links +%ld -%ld\n", d.old_path, db,
                d.counts[0], d.counts[1], d.counts[2], d.counts[3]);
    store_close(d.s);
    return (rc || fflush(stdout)) ? 1 : 0;
}
