/* cmd_topics: 'blogmap topics' (themes with post counts, top posts and the
 * links between themes) and 'blogmap classify' (a draft's theme scores), plus
 * the helpers every command uses to find topics.conf (--topics FILE, else
 * topics.conf beside the database, else the built-in set) and to open a
 * database whose posts are classified with it. */
#include "cli.h"
#include "blogmap/classify.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DRAFT_MAX (4 * 1024 * 1024)

struct topics *cli_load_topics(const char *db, const char *path)
{
    struct topics *t = NULL;
    char *msg = NULL, *copy = strdup(db ? db : "."), *beside = NULL;
    struct stat st;
    if (!copy)
        abort();
    if (!path) {
        const char *dir = dirname(copy);
        size_t n = strlen(dir) + sizeof("/topics.conf");
        beside = malloc(n);
        if (!beside)
            abort();
        snprintf(beside, n, "%s/topics.conf", dir);
        if (stat(beside, &st) == 0)
            path = beside;
    }
    int rc = topics_load(path, &t, &msg);
    if (rc)
        cli_error("%s", msg ? msg : topics_strerror(rc));
    free(msg);
    free(beside);
    free(copy);
    return rc ? NULL : t;
}

/* S with temp.themes filled, or NULL (S closed) on failure. */
static struct store *classify_themes_ok(struct store *s, const struct topics *t)
{
    if (!classify_themes(s, t))
        return s;
    cli_error("cannot read the themes: %s", store_errmsg(s));
    store_close(s);
    return NULL;
}

struct store *cli_open_classified(const char *db, const struct topics *t)
{
    struct store *s = NULL;
    char *msg = NULL;
    struct stat st;
    if (stat(db, &st) != 0) {
        cli_error("cannot open '%s': %s", db, strerror(errno));
        return NULL;
    }
    int rc = store_open(db, STORE_WRITE | STORE_EXISTING, &s, &msg);
    if (rc == STORE_EREADONLY) {    /* still readable: use the stored themes */
        free(msg);
        msg = NULL;
        if (!(rc = store_open(db, STORE_READ, &s, &msg))) {
            fprintf(stderr, "warning: '%s' is read-only; themes are as last classified\n", db);
            return classify_themes_ok(s, t);
        }
    }
    if (rc) {
        cli_error("cannot open '%s': %s", db, msg ? msg : store_strerror(rc));
        free(msg);
        return NULL;
    }
    if ((rc = classify_ensure(s, t, NULL))) {
        cli_error("cannot classify the posts of '%s': %s", db, store_errmsg(s));
        store_close(s);
        return NULL;
    }
    return s;
}

static const char topics_usage[] =
    "usage: blogmap topics [--db FILE] [--topics FILE] [--links | --scores]\n"
    "                      [--format table|tsv|csv|json]\n"
    "       blogmap topics --print-default\n\n"
    "List the themes with their post counts, the links within, out of and into\n"
    "each, and its three most-linked posts. Posts are classified first when\n"
    "topics.conf or the posts changed.\n\n"
    "  -d, --db FILE       database (default ./blogmap.db)\n"
    "  -t, --topics FILE   themes (default: topics.conf beside the database, else\n"
    "                      the built-in flywheel, inequality and big-tech)\n"
    "      --links         links from each theme to each theme instead\n"
    "      --scores        every post's score for every theme instead\n"
    "      --print-default print the built-in topics.conf and exit\n"
    "  -f, --format FMT    table on a terminal, else tsv\n";

int cmd_topics(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"topics", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'}, {"links", no_argument, NULL, 'l'},
        {"scores", no_argument, NULL, 's'}, {"print-default", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    const char *db = "blogmap.db", *tpath = NULL;
    int format = OUTPUT_AUTO, c, which = QUERY_TOPICS;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:t:f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 't': tpath = optarg; break;
        case 'l': which = QUERY_TOPIC_LINKS; break;
        case 's': which = QUERY_TOPIC_SCORES; break;
        case 'P': fputs(topics_default_text(), stdout); return fflush(stdout) ? 1 : 0;
        case 'f':
            if ((format = output_parse_format(optarg)) < 0) {
                cli_error("unknown format '%s' (table, tsv, csv or json)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(topics_usage, stdout); return 0;
        default: return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    struct topics *t = cli_load_topics(db, tpath);
    struct store *s = t ? cli_open_classified(db, t) : NULL;
    int rc = s ? output_query(s, which, format, stdout) : 1;
    if (s && rc)
        cli_error("query on '%s' failed: %s", db, store_errmsg(s));
    store_close(s);
    topics_free(t);
    return (rc || fflush(stdout)) ? 1 : 0;
}

/* Read FILE ("-": standard input) up to DRAFT_MAX bytes. */
char *cli_read_draft(const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char *buf = NULL;
    if (!f) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(DRAFT_MAX + 1);
    if (!buf)
        abort();
    size_t n = fread(buf, 1, DRAFT_MAX + 1, f);
    int bad = ferror(f) || n > DRAFT_MAX;
    if (f != stdin)
        fclose(f);
    if (bad) {
        cli_error("cannot read '%s': %s", path, n > DRAFT_MAX ? "larger than 4 MiB" : "read error");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!buf[i])
            buf[i] = ' ';
    return buf;
}

/* The draft's first non-blank line, as its title (malloc'd). */
char *cli_first_line(const char *text)
{
    text += strspn(text, " \t\r\n");
    size_t n = strcspn(text, "\r\n");
    char *t = strndup(text, n > 300 ? 300 : n);
    if (!t)
        abort();
    return t;
}

static void print_scores(const struct topics *t, const double *scores, int best, int format)
{
    const char *sep = format == OUTPUT_CSV ? "," : "\t";
    if (format == OUTPUT_JSON) {   /* theme names are [a-z0-9_-]: no escaping needed */
        printf("{\"topic\":\"%s\",\"scores\":{", best >= 0 ? t->v[best].name : TOPICS_OTHER);
        for (size_t i = 0; i < t->n; i++)
            printf("%s\"%s\":%.3f", i ? "," : "", t->v[i].name, scores[i]);
        printf("}}\n");
        return;
    }
    printf("topic%sscore%sbest\n", sep, sep);
    for (size_t i = 0; i < t->n; i++)
        printf("%s%s%.3f%s%s\n", t->v[i].name, sep, scores[i], sep, (int)i == best ? "*" : "");
    if (best < 0)
        printf("%s%s%s%s*\n", TOPICS_OTHER, sep, "", sep);
}

static const char classify_usage[] =
    "usage: blogmap classify [FILE|-] [--db FILE] [--topics FILE] [--title T]\n"
    "                        [--labels L] [--format tsv|csv|json]\n\n"
    "Score a draft (plain text; default standard input) against each theme, using\n"
    "the crawled posts' word statistics, and mark the theme it would take.\n\n"
    "  -d, --db FILE       database (default ./blogmap.db)\n"
    "  -t, --topics FILE   themes (as for 'blogmap topics')\n"
    "      --title T       the draft's title (default: its first line)\n"
    "      --labels L      the draft's labels, comma-separated\n"
    "  -f, --format FMT    tsv (default), csv or json\n";

int cmd_classify(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"topics", required_argument, NULL, 't'},
        {"title", required_argument, NULL, 'T'}, {"labels", required_argument, NULL, 'L'},
        {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = "blogmap.db", *tpath = NULL, *title = NULL, *labels = NULL;
    int format = OUTPUT_TSV, c, best = -1, rc = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:t:f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 't': tpath = optarg; break;
        case 'T': title = optarg; break;
        case 'L': labels = optarg; break;
        case 'f':
            format = output_parse_format(optarg);
            if (format < 0 || format == OUTPUT_AUTO)
                format = format == OUTPUT_AUTO ? OUTPUT_TSV : -1;
            if (format < 0) {
                cli_error("unknown format '%s' (tsv, csv or json)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(classify_usage, stdout); return 0;
        default: return EXIT_USAGE;
        }
    }
    if (optind + 1 < argc) {
        cli_error("unexpected argument '%s'", argv[optind + 1]);
        return EXIT_USAGE;
    }
    const char *path = optind < argc ? argv[optind] : "-";
    char *text = cli_read_draft(path), *head = text ? cli_first_line(text) : NULL;
    struct topics *t = text ? cli_load_topics(db, tpath) : NULL;
    struct store *s = t ? cli_open_classified(db, t) : NULL;
    double *scores = t ? calloc(t->n + 1, sizeof(*scores)) : NULL;
    if (s && scores) {
        int err = classify_text(s, t, title ? title : head, labels, text, scores, &best);
        if (err == STORE_EREADONLY)
            cli_error("cannot score '%s': '%s' is read-only, and a draft is scored by adding it"
                      " to its full-text index for a moment", path, db);
        else if (err)
            cli_error("cannot score '%s': %s", path, store_errmsg(s));
        else
            rc = 0;
    }
    if (!rc)
        print_scores(t, scores, best, format);
    free(scores);
    store_close(s);
    topics_free(t);
    free(head);
    free(text);
    return (rc || fflush(stdout)) ? 1 : 0;
}
