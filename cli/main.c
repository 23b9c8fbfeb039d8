/* main: the blogmap command. One table maps each subcommand to its handler
 * and a one-line summary (git's git.c); each handler parses its own options.
 * Process-wide library set-up lives here and nowhere else. */
#include "cli.h"
#include "blogmap/fetch.h"

#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"crawl", cmd_crawl, "crawl a blog into a SQLite database"},
    {"posts", cmd_posts, "list posts with title, date, topic and link counts"},
    {"edges", cmd_edges, "list post-to-post links with kind and anchor text"},
    {"orphans", cmd_orphans, "list posts no other post links to"},
    {"broken", cmd_broken, "list body links to blog URLs that fail"},
    {"stats", cmd_stats, "count posts, edges, orphans, broken links and fetches"},
    {"topics", cmd_topics, "list themes, their posts and the links between them"},
    {"classify", cmd_classify, "score a draft against the themes"},
    {"map", cmd_map, "draw the topic map (SVG, PNG, PDF, DOT, GEXF, GraphML)"},
    {"backlinks", cmd_backlinks, "posts linking to a post, with the sentence around each link"},
    {"outlinks", cmd_outlinks, "posts a post links to, with the sentence around each link"},
    {"hubs", cmd_hubs, "posts ranked by PageRank over body links"},
    {"path", cmd_path, "the shortest chain of links from one post to another"},
    {"search", cmd_search, "full-text search of the posts"},
    {"suggest", cmd_suggest, "posts a draft or post should link to and does not yet"},
    {"mentions", cmd_mentions, "posts naming another post's title without linking to it"},
    {"diff", cmd_diff, "posts and links added and removed between two crawls"},
    {"report", cmd_report, "write a static HTML report of the crawl"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: blogmap <command> [options]\n\n"
                 "Map how a blog's posts link to one another.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'blogmap <command> --help' describes a command's options.\n"
                 "'blogmap --version' prints the version.\n");
}

int main(int argc, char **argv)
{
    int rc;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("blogmap %s\n", BLOGMAP_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        signal(SIGPIPE, SIG_IGN);
        if (fetch_global_init() != 0) {
            cli_error("cannot initialise libcurl");
            return 1;
        }
        xmlInitParser();
        rc = commands[i].run(argc - 1, argv + 1);
        xmlCleanupParser();
        fetch_global_cleanup();
        return rc;
    }
    cli_error("'%s' is not a blogmap command; see 'blogmap --help'", argv[1]);
    return EXIT_USAGE;
}
