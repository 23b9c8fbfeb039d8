/* cmd_query: the read-only commands posts, edges, orphans, broken and
 * stats. They share one option set (--db, --format) and differ only in the
 * query they print, except orphans, which also answers the second notion of
 * an orphan (--unreachable: no chain of on-site links from the home page)
 * and leaves out the intentional orphans an --allow file lists. The allow
 * list is resolved through the database (any spelling of a post's URL, old
 * addresses included) and applied to the rows as they are printed. */
#include "cli.h"
#include "blogmap/analyse.h"
#include "blogmap/url.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALLOW_MAX_BYTES (4 * 1024 * 1024)

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

/* ---- orphans ---- */

static const char orphans_usage[] =
    "usage: blogmap orphans [--unreachable] [--allow FILE] [--db FILE]\n"
    "                       [--format table|tsv|csv|json]\n\n"
    "List posts that no other post's body links to: url, title, date. With\n"
    "--unreachable, list instead the posts that no chain of on-site links from the\n"
    "home page reaches (any link of any page: menus, archives, pagers, sidebars),\n"
    "found only through sitemaps or feeds.\n\n"
    "  -d, --db FILE        database to read (default ./blogmap.db)\n"
    "  -f, --format FMT     table on a terminal, else tsv (header line first)\n"
    "  -u, --unreachable    posts no link from the home page leads to\n"
    "  -a, --allow FILE     intentional orphans to leave out: one URL per line, '#'\n"
    "                       starts a comment; any spelling of a post's URL will do\n";

/* The posts an --allow file names, as their stored URLs, sorted. */
struct allow_list {
    char **urls;
    size_t n, cap;
};

static void allow_release(struct allow_list *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->urls[i]);
    free(a->urls);
    memset(a, 0, sizeof(*a));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int allow_has(const struct allow_list *a, const char *url)
{
    return a->n && bsearch(&url, a->urls, a->n, sizeof(*a->urls), cmp_str) != NULL;
}

/* The whole of PATH, NUL-terminated, or NULL (reported). */
static char *read_small_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(ALLOW_MAX_BYTES + 1);
    if (!buf)
        abort();
    size_t n = fread(buf, 1, ALLOW_MAX_BYTES + 1, f);
    int bad = ferror(f) || n > ALLOW_MAX_BYTES;
    fclose(f);
    if (bad) {
        cli_error("cannot read '%s': %s", path, n > ALLOW_MAX_BYTES ? "larger than 4 MiB"
                                                                     : "read error");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* LINE without its comment and surrounding blanks, cut in place; "" for a
 * blank or comment line, NULL when more than one word is left. */
static char *allow_word(char *line)
{
    static const char blanks[] = " \t\r\v\f";
    line += strspn(line, blanks);
    if (*line == '#')
        return line + strlen(line);
    char *end = line + strcspn(line, blanks);
    char *rest = end + strspn(end, blanks);
    if (*rest && *rest != '#')
        return NULL;
    *end = '\0';
    return line;
}

/* Add the post URL stands for to A; a URL that is no post is only warned
 * about. Returns 0, or -1 on an error (reported). */
static int allow_add(struct store *s, struct allow_list *a, const char *where, int line,
                     const char *url)
{
    char *norm = NULL, *canon = NULL;
    long id;
    int rc = url_normalize(NULL, url, &norm);
    if (rc != URL_OK) {
        cli_error("%s:%d: invalid URL '%s': %s", where, line, url, url_strerror(rc));
        return -1;
    }
    if (!(rc = analyse_post_id(s, norm, &id)))
        rc = analyse_post_url(s, id, &canon);
    free(norm);
    if (rc == ANALYSE_ENOTFOUND)
        fprintf(stderr, "warning: %s:%d: no crawled post has the URL '%s'\n", where, line, url);
    else if (rc)
        cli_error("cannot read the posts: %s", store_errmsg(s));
    if (!canon)
        return rc == ANALYSE_ENOTFOUND ? 0 : -1;
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->urls = realloc(a->urls, a->cap * sizeof(*a->urls));
        if (!a->urls)
            abort();
    }
    a->urls[a->n++] = canon;
    return 0;
}

/* Read the allow list PATH into A. Returns 0, or -1 (reported). */
static int allow_load(struct store *s, const char *path, struct allow_list *a)
{
    char *text = read_small_file(path), *line, *nl;
    int n = 0, rc = 0;
    if (!text)
        return -1;
    for (line = text; !rc && line; line = nl) {
        if ((nl = strchr(line, '\n')))
            *nl++ = '\0';
        n++;
        char *url = allow_word(line);
        if (!url) {
            cli_error("%s:%d: one URL per line ('#' starts a comment)", path, n);
            rc = -1;
        } else if (*url) {
            rc = allow_add(s, a, path, n, url);
        }
    }
    free(text);
    if (a->n)
        qsort(a->urls, a->n, sizeof(*a->urls), cmp_str);
    return rc;
}

/* Rows pass through to FN unless their url (column 0) is allowed. */
struct allow_filter {
    const struct allow_list *allow;
    query_row_fn fn;
    void *ctx;
};

static int allow_row(void *ctx, int n, const char *const *names, const char *const *values)
{
    const struct allow_filter *f = ctx;
    if (values && n > 0 && values[0] && allow_has(f->allow, values[0]))
        return 0;
    return f->fn(f->ctx, n, names, values);
}

struct orphans_job {
    struct store *s;
    int unreachable;
    struct allow_list allow;
};

static int produce_orphans(void *arg, query_row_fn fn, void *ctx)
{
    struct orphans_job *j = arg;
    struct allow_filter f = {.allow = &j->allow, .fn = fn, .ctx = ctx};
    if (j->unreachable)
        return analyse_unreachable(j->s, allow_row, &f);
    return query_run(j->s, QUERY_ORPHANS, allow_row, &f);
}

/* Parse argv into the job's options: 0 to run, 1 after help, -1 on error. */
static int parse_orphans_args(int argc, char **argv, struct orphans_job *j, const char **db,
                              const char **allow, int *format)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
        {"unreachable", no_argument, NULL, 'u'}, {"allow", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:f:ua:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': *db = optarg; break;
        case 'a': *allow = optarg; break;
        case 'u': j->unreachable = 1; break;
        case 'h': fputs(orphans_usage, stdout); return 1;
        case 'f':
            if ((*format = output_parse_format(optarg)) >= 0)
                break;
            cli_error("unknown format '%s' (table, tsv, csv or json)", optarg);
            return -1;
        default: return -1;
        }
    }
    if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return -1;
    }
    return 0;
}

int cmd_orphans(int argc, char **argv)
{
    struct orphans_job j = {0};
    const char *db = "blogmap.db", *allow = NULL;
    int format = OUTPUT_AUTO, status = 1;
    int rc = parse_orphans_args(argc, argv, &j, &db, &allow, &format);
    if (rc)
        return rc > 0 ? 0 : EXIT_USAGE;
    if (!(j.s = cli_open_db(db)) || (allow && allow_load(j.s, allow, &j.allow)))
        goto out;
    rc = output_run(format, stdout, produce_orphans, &j);
    if (rc == ANALYSE_ENONAV)
        cli_error("cannot tell which posts are unreachable: '%s' was crawled before blogmap"
                  " kept navigation links; crawl it again", db);
    else if (rc)
        cli_error("query on '%s' failed: %s", db, store_errmsg(j.s));
    status = rc || fflush(stdout) ? 1 : 0;
out:
    allow_release(&j.allow);
    store_close(j.s);
    return status;
}
