/* cmd_links: 'blogmap backlinks URL', 'outlinks URL', 'hubs' and 'path FROM
 * TO', the link-graph questions of analyse.h, printed as a table, TSV, CSV
 * or JSON. A URL argument is read as the crawler stores URLs (url_normalize)
 * and followed through redirects and canonicals, so any spelling of a post
 * finds it: its old address, ?m=1, a #fragment. The four commands share one
 * option parser; each says which options it takes. */
#include "cli.h"
#include "blogmap/analyse.h"
#include "blogmap/url.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_TOP = 1, OPT_TOPIC = 2, OPT_TOPICS = 4, OPT_UNDIRECTED = 8 };

struct links_cmd {
    const char *name;
    int nargs;              /* URL arguments */
    unsigned opts;          /* OPT_* it takes beyond --db, --format, --help */
    const char *usage;
};

static const char common_help[] =
    "  -d, --db FILE        database to read (default ./blogmap.db)\n"
    "  -f, --format FMT     table, tsv, csv or json (table on a terminal, else tsv)\n";

static const struct links_cmd cmd_specs[] = {
    {"backlinks", 1, 0,
     "usage: blogmap backlinks URL [--db FILE] [--format table|tsv|csv|json]\n\n"
     "List the posts whose body links to the post at URL: url, title, kind (inline\n"
     "or related), anchor text, and the sentence around the link. URL may be any\n"
     "spelling of the post (an old address that redirects, ?m=1, a #fragment).\n\n"},
    {"outlinks", 1, 0,
     "usage: blogmap outlinks URL [--db FILE] [--format table|tsv|csv|json]\n\n"
     "List the posts the body of the post at URL links to: url, title, kind (inline\n"
     "or related), anchor text, and the sentence around the link.\n\n"},
    {"hubs", 0, OPT_TOP | OPT_TOPIC | OPT_TOPICS,
     "usage: blogmap hubs [--top N] [--topic T] [--db FILE] [--format FMT]\n\n"
     "Rank posts by PageRank over body links (damping 0.85; it sums to 1 over all\n"
     "posts): rank, url, title, topic, pagerank, inbound, outbound. Ties go to\n"
     "the post with more inbound links.\n\n"
     "      --top N          only the N best\n"
     "      --topic T        only posts of theme T ('other' too); the rank is still\n"
     "                       over every post\n"
     "  -t, --topics FILE    themes (default: topics.conf beside the database, else\n"
     "                       the built-in set)\n"},
    {"path", 2, OPT_UNDIRECTED,
     "usage: blogmap path FROM TO [--undirected] [--db FILE] [--format FMT]\n\n"
     "Print the shortest chain of body links from post FROM to post TO: step (0 is\n"
     "FROM, so the last step is the chain's length), url, title, and link, the kind\n"
     "of the link to the next post.\n\n"
     "  -u, --undirected     links count both ways; a link the next post makes to\n"
     "                       this one reads 'reverse inline' or 'reverse related'\n"},
};

struct links_cli {
    const struct links_cmd *cmd;
    const char *db, *topic, *topics_path;
    const char *args[2];
    char *urls[2];          /* the arguments, normalised */
    int format, undirected;
    size_t top;
};

/* Apply option C; -1 on a usage error (reported). */
static int links_option(struct links_cli *lc, int c, const char *arg)
{
    static const char *const names[] = {"--top", "--topic", "--topics", "--undirected"};
    static const char keys[] = "NptU";
    const char *k = strchr(keys, c);
    long v;
    if (k && !(lc->cmd->opts & (1u << (k - keys)))) {
        cli_error("%s does not apply to 'blogmap %s'", names[k - keys], lc->cmd->name);
        return -1;
    }
    switch (c) {
    case 'd': lc->db = arg; return 0;
    case 'p': lc->topic = arg; return 0;
    case 't': lc->topics_path = arg; return 0;
    case 'U': lc->undirected = 1; return 0;
    case 'f':
        if ((lc->format = output_parse_format(arg)) < 0)
            cli_error("unknown format '%s' (table, tsv, csv or json)", arg);
        return lc->format < 0 ? -1 : 0;
    case 'N':
        if (cli_count_arg(arg, "--top", 1, 100000000, &v))
            return -1;
        lc->top = (size_t)v;
        return 0;
    default: return -1;
    }
}

/* Parse argv: 0 to run, 1 when help was printed, -1 on a usage error. */
static int parse_links_args(struct links_cli *lc, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
        {"top", required_argument, NULL, 'N'}, {"topic", required_argument, NULL, 'p'},
        {"topics", required_argument, NULL, 't'}, {"undirected", no_argument, NULL, 'U'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:f:t:uh", longopts, NULL)) != -1) {
        if (c == 'h') {
            printf("%s%s", lc->cmd->usage, common_help);
            return 1;
        }
        if (c == '?' || links_option(lc, c == 'u' ? 'U' : c, optarg))
            return -1;
    }
    if (argc - optind != lc->cmd->nargs) {
        cli_error(argc - optind < lc->cmd->nargs ? "'blogmap %s' needs %s; see --help"
                                                 : "'blogmap %s' takes %s; see --help",
                  lc->cmd->name, lc->cmd->nargs == 2 ? "two post URLs, FROM and TO"
                                 : lc->cmd->nargs == 1 ? "one post URL" : "no arguments");
        return -1;
    }
    for (int i = 0; i < lc->cmd->nargs; i++) {
        int rc = url_normalize(NULL, argv[optind + i], &lc->urls[i]);
        lc->args[i] = argv[optind + i];
        if (rc != URL_OK) {
            cli_error("invalid URL '%s': %s", lc->args[i], url_strerror(rc));
            return -1;
        }
    }
    return 0;
}

/* The id of the post argument I names; prints the error. */
static int resolve_post(struct store *s, const struct links_cli *lc, int i, long *id)
{
    int rc = analyse_post_id(s, lc->urls[i], id);
    if (rc == ANALYSE_ENOTFOUND && !strcmp(lc->args[i], lc->urls[i]))
        cli_error("no crawled post has the URL '%s' in '%s'", lc->args[i], lc->db);
    else if (rc == ANALYSE_ENOTFOUND)
        cli_error("no crawled post has the URL '%s' (read as '%s') in '%s'", lc->args[i],
                  lc->urls[i], lc->db);
    else if (rc)
        cli_error("cannot read '%s': %s", lc->db, store_errmsg(s));
    return rc;
}

struct links_job {
    struct store *s;
    const struct links_cli *lc;
    long id[2];
};

static int produce(void *arg, query_row_fn fn, void *ctx)
{
    const struct links_job *j = arg;
    const char *name = j->lc->cmd->name;
    if (!strcmp(name, "hubs"))
        return analyse_hubs(j->s, j->lc->topic, j->lc->top, fn, ctx);
    if (!strcmp(name, "path"))
        return analyse_path(j->s, j->id[0], j->id[1], j->lc->undirected, fn, ctx);
    return analyse_links(j->s, j->id[0], !strcmp(name, "backlinks"), fn, ctx);
}

/* Print the answer of the job's command; returns the exit status. */
static int print_answer(struct links_job *j)
{
    const struct links_cli *lc = j->lc;
    for (int i = 0; i < lc->cmd->nargs; i++)
        if (resolve_post(j->s, lc, i, &j->id[i]))
            return 1;
    int rc = output_run(lc->format, stdout, produce, j);
    if (rc == ANALYSE_ENOPATH)
        cli_error("no chain of body links leads from '%s' to '%s'%s", lc->args[0], lc->args[1],
                  lc->undirected ? "" : " (--undirected counts links both ways)");
    else if (rc)
        cli_error("cannot read the links of '%s': %s", lc->db, store_errmsg(j->s));
    if (fflush(stdout) != 0)
        rc = 1;
    return rc ? 1 : 0;
}

/* hubs reads themes: --topic must name one, and the posts are classified
 * first, as 'blogmap posts' does. Returns an exit status; *OUT on success. */
static int open_for_hubs(const struct links_cli *lc, struct store **out)
{
    struct topics *t = cli_load_topics(lc->db, lc->topics_path);
    int status = 1;
    if (!t)
        return 1;
    if (lc->topic && !topics_find(t, lc->topic) && strcmp(lc->topic, TOPICS_OTHER)) {
        cli_error("unknown theme '%s' for --topic; 'blogmap topics' lists them (from %s)",
                  lc->topic, t->source);
        status = EXIT_USAGE;
    } else if ((*out = cli_open_classified(lc->db, t))) {
        status = 0;
    }
    topics_free(t);
    return status;
}

static int run_links(const char *name, int argc, char **argv)
{
    struct links_cli lc = {.db = "blogmap.db", .format = OUTPUT_AUTO};
    struct links_job j = {.lc = &lc};
    int status;
    for (size_t i = 0; i < sizeof(cmd_specs) / sizeof(cmd_specs[0]); i++)
        if (!strcmp(cmd_specs[i].name, name))
            lc.cmd = &cmd_specs[i];
    int rc = parse_links_args(&lc, argc, argv);
    if (rc)
        status = rc > 0 ? 0 : EXIT_USAGE;
    else if (!strcmp(name, "hubs"))
        status = open_for_hubs(&lc, &j.s);
    else
        status = (j.s = cli_open_db(lc.db)) ? 0 : 1;
    if (j.s && status == 0)
        status = print_answer(&j);
    store_close(j.s);
    free(lc.urls[0]);
    free(lc.urls[1]);
    return status;
}

int cmd_backlinks(int argc, char **argv)
{
    return run_links("backlinks", argc, argv);
}

int cmd_outlinks(int argc, char **argv)
{
    return run_links("outlinks", argc, argv);
}

int cmd_hubs(int argc, char **argv)
{
    return run_links("hubs", argc, argv);
}

int cmd_path(int argc, char **argv)
{
    return run_links("path", argc, argv);
}
