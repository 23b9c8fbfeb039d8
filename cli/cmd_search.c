/* cmd_search: 'blogmap search' (full-text search with snippets), 'blogmap
 * suggest' (the posts a draft or a post should link to and does not yet)
 * and 'blogmap mentions' (posts naming another post's title without a
 * link). Each parses its own options and prints the library's rows through
 * output_run. search and mentions only read, so they open the database
 * read-only and never reclassify (search is meant to answer in well under
 * 100 ms on 100,000 posts; topics show as last classified); suggest ranks
 * by theme and so classifies first, as 'blogmap posts' does. */
#include "cli.h"
#include "blogmap/search.h"
#include "blogmap/url.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_CLI_COUNT_MAX 10000
#define SEARCH_CLI_LINKS_MAX 1000

/* What the three commands' options say. */
struct search_cli {
    const char *count_opt;      /* what the command calls -n in messages */
    const char *db, *tpath, *draft, *title, *labels;
    int format, keep_linked;
    size_t count;               /* --limit / --top, 0: the library's default */
};

static int search_cli_format(const char *arg, int *format)
{
    if ((*format = output_parse_format(arg)) >= 0)
        return 0;
    cli_error("unknown format '%s' (table, tsv, csv or json)", arg);
    return EXIT_USAGE;
}

static int search_cli_count(const char *arg, const char *opt, size_t *out)
{
    long v;
    if (cli_count_arg(arg, opt, 1, SEARCH_CLI_COUNT_MAX, &v))
        return EXIT_USAGE;
    *out = (size_t)v;
    return 0;
}

/* Parse the options of SHORTOPTS and LONGOPTS (a subset of those below);
 * prints USAGE for --help. Returns -1 to go on, else the exit code. */
static int search_cli_parse(int argc, char **argv, const char *shortopts,
                            const struct option *longopts, const char *usage,
                            struct search_cli *o)
{
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'd': o->db = optarg; break;
        case 't': o->tpath = optarg; break;
        case 'D': o->draft = optarg; break;
        case 'T': o->title = optarg; break;
        case 'L': o->labels = optarg; break;
        case 'k': o->keep_linked = 1; break;
        case 'f': rc = search_cli_format(optarg, &o->format); break;
        case 'n': rc = search_cli_count(optarg, o->count_opt, &o->count); break;
        case 'h': fputs(usage, stdout); return 0;
        default: return EXIT_USAGE;
        }
        if (rc)
            return rc;
    }
    return -1;
}

/* ---- blogmap search ---- */

static const char search_usage[] =
    "usage: blogmap search QUERY... [--db FILE] [--limit N]\n"
    "                      [--format table|tsv|csv|json]\n\n"
    "Full-text search of the posts' titles, labels and bodies (porter stemming:\n"
    "'loops' finds 'loop'). Every word must match; \"a quoted phrase\" matches its\n"
    "words in a row and a final * makes a prefix (flyw*); other punctuation is\n"
    "text, never search syntax. Best first (bm25, the title counting most), with\n"
    "the part of the body that matched, matches in [brackets]. Columns: url,\n"
    "title, topic (as last classified), score, snippet.\n\n"
    "  -d, --db FILE      database (default ./blogmap.db)\n"
    "  -n, --limit N      at most N posts (default 20; --top is the same)\n"
    "  -f, --format FMT   table on a terminal, else tsv\n";

struct search_cli_run {
    struct store *s;
    const char *query;
    size_t count;
};

static int search_cli_produce(void *arg, query_row_fn fn, void *ctx)
{
    struct search_cli_run *r = arg;
    return search_posts(r->s, r->query, r->count, fn, ctx);
}

/* ARGV[0..ARGC) joined by spaces, malloc'd. */
static char *search_cli_join(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *out = calloc(1, n), *p = out;
    if (!out)
        abort();
    for (int i = 0; i < argc; i++)
        p += snprintf(p, n - (size_t)(p - out), "%s%s", i ? " " : "", argv[i]);
    return out;
}

int cmd_search(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
        {"limit", required_argument, NULL, 'n'}, {"top", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    struct search_cli o = {.count_opt = "--limit", .db = "blogmap.db", .format = OUTPUT_AUTO};
    char *query = NULL, *expr = NULL;
    int rc = search_cli_parse(argc, argv, "d:f:n:h", longopts, search_usage, &o);
    if (rc >= 0)
        return rc;
    if (optind >= argc) {
        cli_error("no query; see 'blogmap search --help'");
        return EXIT_USAGE;
    }
    query = search_cli_join(argc - optind, argv + optind);
    if (search_fts_query(query, &expr)) {
        cli_error("no word to search for in '%s'", query);
        free(query);
        return EXIT_USAGE;
    }
    free(expr);
    struct search_cli_run r = {.s = cli_open_db(o.db), .query = query, .count = o.count};
    rc = r.s ? output_run(o.format, stdout, search_cli_produce, &r) : 1;
    if (r.s && rc)
        cli_error("search in '%s' failed: %s", o.db, store_errmsg(r.s));
    store_close(r.s);
    free(query);
    return (rc || fflush(stdout)) ? 1 : 0;
}

/* ---- blogmap suggest ---- */

static const char suggest_usage[] =
    "usage: blogmap suggest (URL | --draft FILE|-) [--db FILE] [--topics FILE]\n"
    "                       [--top N] [--title T] [--labels L] [--keep-linked]\n"
    "                       [--format table|tsv|csv|json]\n\n"
    "The posts a draft, or the crawled post at URL, should link to and does not\n"
    "yet, best first. Its distinctive words (tf-idf against the blog) are looked\n"
    "up in every post (bm25); posts of its theme rank higher, and orphans and\n"
    "posts with few inbound links win ties. Posts it already links to are left\n"
    "out (a draft's links: the blog URLs written in it). Columns: url, title,\n"
    "topic, score, why (the shared words that weighed most, and the theme).\n\n"
    "  -d, --db FILE       database (default ./blogmap.db)\n"
    "  -t, --topics FILE   themes (as for 'blogmap topics')\n"
    "  -n, --top N         at most N posts (default 10; --limit is the same)\n"
    "      --draft FILE    suggest for this draft (plain text; - for standard input)\n"
    "      --title T       the draft's title (default: its first line)\n"
    "      --labels L      the draft's labels, comma-separated\n"
    "      --keep-linked   keep the posts it already links to (for evaluation:\n"
    "                      how many of its real links does suggest find?)\n"
    "  -f, --format FMT    table on a terminal, else tsv\n";

/* The ids of the crawled posts TEXT links to (http(s) URLs written in it),
 * at most SEARCH_CLI_LINKS_MAX, in *IDS (malloc'd); returns their count. */
static size_t suggest_draft_links(struct store *s, const char *text, long **ids)
{
    size_t n = 0;
    *ids = NULL;
    for (const char *p = text; (p = strstr(p, "http")) && n < SEARCH_CLI_LINKS_MAX;) {
        size_t len = strcspn(p, " \t\r\n<>\"'()[]{}");
        while (len && strchr(".,;:!?", p[len - 1]))
            len--;
        char *raw = strndup(p, len), *url = NULL;
        long id;
        if (!raw)
            abort();
        if (url_normalize(NULL, raw, &url) == URL_OK && search_post_id(s, url, &id) == STORE_OK) {
            long *grown = realloc(*ids, (n + 1) * sizeof(**ids));
            if (!grown)
                abort();
            *ids = grown;
            (*ids)[n++] = id;
        }
        free(url);
        free(raw);
        p += len ? len : 4;
    }
    return n;
}

struct suggest_cli_run {
    struct store *s;
    const struct topics *t;
    struct search_draft d;
    struct search_suggest_opts o;
};

static int suggest_cli_produce(void *arg, query_row_fn fn, void *ctx)
{
    struct suggest_cli_run *r = arg;
    return search_suggest_with(r->s, r->t, &r->d, &r->o, fn, ctx);
}

/* The crawled post at URL: its id in R, or an exit code. */
static int suggest_cli_post(struct suggest_cli_run *r, const char *arg, const char *db)
{
    char *url = NULL;
    int rc = url_normalize(NULL, arg, &url);
    if (rc != URL_OK) {
        cli_error("'%s' is not a post URL: %s", arg, url_strerror(rc));
        return EXIT_USAGE;
    }
    rc = search_post_id(r->s, url, &r->d.post_id);
    if (rc == SEARCH_ENOTFOUND)
        cli_error("'%s' is not a crawled post in '%s'", arg, db);
    else if (rc)
        cli_error("cannot read '%s': %s", db, store_errmsg(r->s));
    free(url);
    return rc ? 1 : 0;
}

/* Run suggest on R and print it; returns the exit code. */
static int suggest_cli_print(struct suggest_cli_run *r, const struct search_cli *o,
                             const char *what)
{
    int rc = output_run(o->format, stdout, suggest_cli_produce, r);
    if (rc == SEARCH_EQUERY)
        cli_error("'%s' has no words to suggest links for", what);
    else if (rc)
        cli_error("cannot suggest links for '%s': %s", what, store_errmsg(r->s));
    return (rc || fflush(stdout)) ? 1 : 0;
}

static int suggest_cli_check(const struct search_cli *o, int argc, char **argv)
{
    if (!o->draft && optind >= argc)
        cli_error("no post URL and no --draft; see 'blogmap suggest --help'");
    else if (o->draft && optind < argc)
        cli_error("a post URL ('%s') and --draft: give one", argv[optind]);
    else if (optind + 1 < argc)
        cli_error("unexpected argument '%s'", argv[optind + 1]);
    else if (!o->draft && (o->title || o->labels))
        cli_error("--title and --labels go with --draft");
    else
        return 0;
    return EXIT_USAGE;
}

int cmd_suggest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
        {"topics", required_argument, NULL, 't'}, {"top", required_argument, NULL, 'n'},
        {"limit", required_argument, NULL, 'n'}, {"draft", required_argument, NULL, 'D'},
        {"title", required_argument, NULL, 'T'}, {"labels", required_argument, NULL, 'L'},
        {"keep-linked", no_argument, NULL, 'k'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct search_cli o = {.count_opt = "--top", .db = "blogmap.db", .format = OUTPUT_AUTO};
    struct suggest_cli_run r = {0};
    char *text = NULL, *head = NULL;
    long *links = NULL;
    int rc = search_cli_parse(argc, argv, "d:f:n:t:h", longopts, suggest_usage, &o);
    if (rc >= 0 || (rc = suggest_cli_check(&o, argc, argv)))
        return rc;
    if (o.draft && !(text = cli_read_draft(o.draft)))
        return 1;
    struct topics *t = cli_load_topics(o.db, o.tpath);
    r.s = t ? cli_open_classified(o.db, t) : NULL;
    r.t = t;
    r.o = (struct search_suggest_opts){.top = o.count, .keep_linked = o.keep_linked};
    if (!r.s) {
        rc = 1;
    } else if (text) {
        head = cli_first_line(text);
        r.d = (struct search_draft){.title = o.title ? o.title : head, .labels = o.labels,
                                    .body = text};
        r.o.n_linked = suggest_draft_links(r.s, text, &links);
        r.o.linked = links;
        rc = suggest_cli_print(&r, &o, o.draft);
    } else if (!(rc = suggest_cli_post(&r, argv[optind], o.db))) {
        rc = suggest_cli_print(&r, &o, argv[optind]);
    }
    free(links);
    free(head);
    free(text);
    store_close(r.s);
    topics_free(t);
    return rc;
}

/* ---- blogmap mentions ---- */

static const char mentions_usage[] =
    "usage: blogmap mentions [--db FILE] [--format table|tsv|csv|json]\n\n"
    "Unlinked mentions: posts whose body names another post's title (or a\n"
    "clause of it of three words or more) without linking to that post.\n"
    "Phrases found in more than ten posts are common expressions and skipped.\n"
    "Columns: source, target, target_title, phrase, sentence (the mention in\n"
    "[brackets]).\n\n"
    "  -d, --db FILE      database (default ./blogmap.db)\n"
    "  -f, --format FMT   table on a terminal, else tsv\n";

static int mentions_cli_produce(void *arg, query_row_fn fn, void *ctx)
{
    return search_mentions(arg, fn, ctx);
}

int cmd_mentions(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    struct search_cli o = {.db = "blogmap.db", .format = OUTPUT_AUTO};
    int rc = search_cli_parse(argc, argv, "d:f:h", longopts, mentions_usage, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    struct store *s = cli_open_db(o.db);
    rc = s ? output_run(o.format, stdout, mentions_cli_produce, s) : 1;
    if (s && rc)
        cli_error("cannot find mentions in '%s': %s", o.db, store_errmsg(s));
    store_close(s);
    return (rc || fflush(stdout)) ? 1 : 0;
}
