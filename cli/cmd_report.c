/* cmd_report: 'blogmap report -o DIR': write the static HTML report of a
 * crawl (report.h) into DIR and say where it is. The themes are loaded and
 * the posts classified as for 'blogmap map', so the report's themes are the
 * ones the other commands show. */
#include "cli.h"
#include "blogmap/report.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_COUNT_MAX 1000000

static const char report_usage[] =
    "usage: blogmap report -o DIR [options]\n\n"
    "Write a static HTML report of the crawl into DIR: an overview with the counts\n"
    "and a map of the themes, the topic map (pan, zoom, search), every post with\n"
    "the posts linking to it and from it and the sentence around each link,\n"
    "suggested links, hubs, orphans, broken links and a page per theme. It needs\n"
    "no network and no server: open DIR/index.html in a browser.\n\n"
    "  -o, --output DIR     where to write (created if needed; a directory that\n"
    "                       holds other files is refused)\n"
    "  -d, --db FILE        database (default ./blogmap.db)\n"
    "  -t, --topics FILE    themes (default: topics.conf beside the database, else\n"
    "                       the built-in set)\n"
    "      --title T        the report's title (default: the crawl's start URL)\n"
    "      --map-max N      posts on the topic map, the most linked (default 2000)\n"
    "      --suggest-max N  suggest links on post pages when the blog has at most N\n"
    "                       posts (default 200; each post costs a full-text search)\n"
    "  -q, --quiet          no summary line\n";

struct report_cli {
    const char *db, *topics_path, *output;
    struct report_opts o;
    int quiet;
};

static int count_arg(const char *s, const char *opt, size_t *out)
{
    long v;
    if (cli_count_arg(s, opt, 1, REPORT_COUNT_MAX, &v))
        return -1;
    *out = (size_t)v;
    return 0;
}

/* 0: go on, 1: --help was printed, -1: usage error (printed). */
static int parse_report_args(struct report_cli *rc, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"db", required_argument, NULL, 'd'},
        {"topics", required_argument, NULL, 't'}, {"title", required_argument, NULL, 'T'},
        {"map-max", required_argument, NULL, 'M'}, {"suggest-max", required_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:d:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': rc->output = optarg; break;
        case 'd': rc->db = optarg; break;
        case 't': rc->topics_path = optarg; break;
        case 'T': rc->o.title = optarg; break;
        case 'q': rc->quiet = 1; break;
        case 'M':
            if (count_arg(optarg, "--map-max", &rc->o.map_max))
                return -1;
            break;
        case 'S':
            if (count_arg(optarg, "--suggest-max", &rc->o.suggest_max))
                return -1;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return 1;
        default:
            return -1;
        }
    }
    if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (!rc->output || !rc->output[0]) {
        cli_error("report needs -o DIR; see 'blogmap report --help'");
        return -1;
    }
    return 0;
}

int cmd_report(int argc, char **argv)
{
    struct report_cli rc = {.db = "blogmap.db"};
    struct topics *t = NULL;
    struct store *s = NULL;
    char err[1024] = "";
    int status = 1, parsed = parse_report_args(&rc, argc, argv);
    if (parsed)
        return parsed > 0 ? 0 : EXIT_USAGE;
    if (!(t = cli_load_topics(rc.db, rc.topics_path)))
        goto out;
    if (!(s = cli_open_classified(rc.db, t)))
        goto out;
    int code = report_write(s, t, rc.output, &rc.o, err, sizeof(err));
    if (code) {
        cli_error("cannot write the report: %s", err[0] ? err : report_strerror(code));
        goto out;
    }
    if (!rc.quiet)
        fprintf(stderr, "wrote the report of '%s' to '%s/index.html'\n", rc.db, rc.output);
    status = 0;
out:
    store_close(s);
    topics_free(t);
    return status;
}
