/* cmd_map: 'blogmap map -o FILE': pick the posts (filters), lay them out
 * with Graphviz or export them for Gephi/yEd, and write the file atomically
 * (a temporary file beside it, then rename), so a failed render never leaves
 * half a map behind. The format comes from the extension unless --format. */
#include "cli.h"
#include "blogmap/export.h"
#include "blogmap/layout.h"
#include "blogmap/mapdata.h"
#include "blogmap/url.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TOPIC_ARGS 64

enum { FMT_SVG, FMT_DOT, FMT_PNG, FMT_PDF, FMT_GEXF, FMT_GRAPHML, FMT_NONE = -1 };
static const char *const fmt_names[] = {"svg", "dot", "png", "pdf", "gexf", "graphml", NULL};

static const char map_usage[] =
    "usage: blogmap map -o FILE [options]\n\n"
    "Draw the topic map: posts grouped and coloured by theme, sized by inbound\n"
    "links, related-posts links solid and inline links dashed. The format comes\n"
    "from FILE's extension: .svg .dot .png .pdf (Graphviz) or .gexf .graphml\n"
    "(Gephi, yEd).\n\n"
    "  -o, --output FILE    where to write ('-' for standard output, with --format)\n"
    "  -F, --format FMT     svg, dot, png, pdf, gexf or graphml\n"
    "  -d, --db FILE        database (default ./blogmap.db)\n"
    "  -t, --topics FILE    themes (default: topics.conf beside the database, else\n"
    "                       the built-in set)\n"
    "      --topic T        only posts of theme T (repeatable; 'other' too)\n"
    "      --since DATE     only posts dated DATE (YYYY-MM-DD) or later\n"
    "      --until DATE     only posts dated DATE or earlier\n"
    "      --top N          only the N most-linked posts\n"
    "      --around URL     only posts within --depth links of this post\n"
    "      --depth D        for --around (default 1)\n"
    "      --no-orphans     leave out posts nothing links to\n"
    "      --summary        one node per theme, edges weighted by links between themes\n"
    "      --engine E       dot, sfdp, neato, fdp, circo or twopi (default: dot up to\n"
    "                       300 posts, else sfdp)\n"
    "      --title T        a title over the map\n"
    "      --cpu-limit SEC  give up a layout after SEC seconds of CPU (default 300)\n"
    "  -q, --quiet          no summary line\n";

struct map_cli {
    const char *db, *topics_path, *output, *engine, *title, *around;
    const char *topic_args[MAX_TOPIC_ARGS];
    struct map_filter f;
    int format, summary, quiet, cpu;
};

static int format_from(const char *s)
{
    for (int i = 0; fmt_names[i]; i++)
        if (!strcasecmp(s, fmt_names[i]))
            return i;
    return FMT_NONE;
}

static int valid_date(const char *s)
{
    int y, m, d;
    char tail;
    return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 &&
           m <= 12 && d >= 1 && d <= 31 && isdigit((unsigned char)s[0]);
}

static int map_option(struct map_cli *mc, int c, const char *arg)
{
    long v;
    switch (c) {
    case 'o': mc->output = arg; return 0;
    case 'd': mc->db = arg; return 0;
    case 't': mc->topics_path = arg; return 0;
    case 'e': mc->engine = arg; return 0;
    case 'T': mc->title = arg; return 0;
    case 'a': mc->around = arg; return 0;
    case 'n': mc->f.no_orphans = 1; return 0;
    case 's': mc->summary = 1; return 0;
    case 'q': mc->quiet = 1; return 0;
    case 'F':
        if ((mc->format = format_from(arg)) == FMT_NONE)
            cli_error("unknown format '%s' (svg, dot, png, pdf, gexf, graphml)", arg);
        return mc->format == FMT_NONE ? -1 : 0;
    case 'S': case 'U':
        if (!valid_date(arg)) {
            cli_error("invalid date '%s' for %s (YYYY-MM-DD)", arg, c == 'S' ? "--since" : "--until");
            return -1;
        }
        *(c == 'S' ? &mc->f.since : &mc->f.until) = arg;
        return 0;
    case 'N':
        if (cli_count_arg(arg, "--top", 1, 1000000, &v))
            return -1;
        mc->f.top = (size_t)v;
        return 0;
    case 'D':
        if (cli_count_arg(arg, "--depth", 1, 10, &v))
            return -1;
        mc->f.depth = (int)v;
        return 0;
    case 'C':
        if (cli_count_arg(arg, "--cpu-limit", 1, 86400, &v))
            return -1;
        mc->cpu = (int)v;
        return 0;
    case 'p':
        if (mc->f.n_topics == MAX_TOPIC_ARGS) {
            cli_error("too many --topic options (at most %d)", MAX_TOPIC_ARGS);
            return -1;
        }
        mc->topic_args[mc->f.n_topics++] = arg;
        return 0;
    default: return -1;
    }
}

static int parse_map_args(struct map_cli *mc, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'F'},
        {"db", required_argument, NULL, 'd'}, {"topics", required_argument, NULL, 't'},
        {"topic", required_argument, NULL, 'p'}, {"since", required_argument, NULL, 'S'},
        {"until", required_argument, NULL, 'U'}, {"top", required_argument, NULL, 'N'},
        {"around", required_argument, NULL, 'a'}, {"depth", required_argument, NULL, 'D'},
        {"no-orphans", no_argument, NULL, 'n'}, {"summary", no_argument, NULL, 's'},
        {"engine", required_argument, NULL, 'e'}, {"title", required_argument, NULL, 'T'},
        {"cpu-limit", required_argument, NULL, 'C'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:F:d:t:qh", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(map_usage, stdout);
            return 1;
        }
        if (c == '?' || map_option(mc, c, optarg))
            return -1;
    }
    if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (!mc->output) {
        cli_error("map needs -o FILE; see 'blogmap map --help'");
        return -1;
    }
    if (mc->engine && !layout_engine_known(mc->engine)) {
        cli_error("unknown engine '%s' (dot, sfdp, neato, fdp, circo, twopi)", mc->engine);
        return -1;
    }
    if (mc->format == FMT_NONE) {
        const char *dot = strrchr(mc->output, '.');
        mc->format = dot && !strchr(dot, '/') ? format_from(dot + 1) : FMT_NONE;
        if (mc->format == FMT_NONE) {
            cli_error("cannot tell the format of '%s'; use .svg .dot .png .pdf .gexf "
                      ".graphml or --format", mc->output);
            return -1;
        }
    }
    if (mc->summary && mc->format >= FMT_GEXF) {
        cli_error("--summary draws svg, png, pdf or dot, not %s", fmt_names[mc->format]);
        return -1;
    }
    return 0;
}

/* Every --topic must name a theme of T, or "other". */
static int check_topics(const struct map_cli *mc, const struct topics *t)
{
    for (size_t i = 0; i < mc->f.n_topics; i++)
        if (!topics_find(t, mc->topic_args[i]) && strcmp(mc->topic_args[i], TOPICS_OTHER)) {
            cli_error("unknown theme '%s' for --topic; 'blogmap topics' lists them (from %s)",
                      mc->topic_args[i], t->source);
            return -1;
        }
    return 0;
}

/* Write BUF to PATH by way of a new temporary file beside it (mkstemp: no
 * symlink is followed, no other file clobbered) and rename ('-': stdout). */
static int write_atomic(const char *path, const char *buf, size_t len)
{
    if (!strcmp(path, "-"))
        return fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -1;
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        abort();
    snprintf(tmp, n, "%s.tmp-XXXXXX", path);
    mode_t mask = umask(0);
    umask(mask);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    int ok = f && fchmod(fd, 0666 & ~mask) == 0 && fwrite(buf, 1, len, f) == len;
    if (f ? fclose(f) != 0 : (fd >= 0 && close(fd) != 0))
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok) {
        cli_error("cannot write '%s': %s", path, strerror(errno));
        if (fd >= 0)
            unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}

static int draw(struct map_cli *mc, const struct map_graph *g, char **buf, size_t *len)
{
    char err[512] = "";
    if (mc->format == FMT_GEXF || mc->format == FMT_GRAPHML) {
        if (export_graph(g, mc->format == FMT_GEXF ? EXPORT_GEXF : EXPORT_GRAPHML, buf, len) == 0)
            return 0;
        cli_error("cannot write '%s': libxml2 failed to build the %s document", mc->output,
                  fmt_names[mc->format]);
        return -1;
    }
    static const int layout_fmt[] = {LAYOUT_SVG, LAYOUT_DOT, LAYOUT_PNG, LAYOUT_PDF};
    struct layout_opts lo = {.engine = mc->engine, .summary = mc->summary, .title = mc->title,
                             .cpu_seconds = mc->cpu};
    int rc = layout_render(g, &lo, layout_fmt[mc->format], buf, len, err, sizeof(err));
    if (rc)
        cli_error("cannot draw '%s': %s", mc->output, err[0] ? err : layout_strerror(rc));
    return rc ? -1 : 0;
}

/* The stored form of the --around URL (normalised as the crawler does). */
static char *around_url(const char *arg)
{
    char *u = NULL;
    if (url_normalize(NULL, arg, &u) != 0) {
        cli_error("invalid URL '%s' for --around", arg);
        return NULL;
    }
    return u;
}

int cmd_map(int argc, char **argv)
{
    struct map_cli mc = {.db = "blogmap.db", .format = FMT_NONE};
    struct topics *t = NULL;
    struct store *s = NULL;
    struct map_graph *g = NULL;
    char *around = NULL, *buf = NULL;
    size_t len = 0;
    int rc = parse_map_args(&mc, argc, argv), status = 1;
    if (rc)
        return rc > 0 ? 0 : EXIT_USAGE;
    mc.f.topics = mc.topic_args;
    if (mc.around && !(mc.f.around = around = around_url(mc.around)))
        return EXIT_USAGE;
    if (!(t = cli_load_topics(mc.db, mc.topics_path)))
        goto out;
    if (check_topics(&mc, t)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (!(s = cli_open_classified(mc.db, t)))
        goto out;
    if ((rc = map_select(s, t, &mc.f, &g))) {
        cli_error("cannot read the map from '%s': %s", mc.db, store_errmsg(s));
        goto out;
    }
    store_close(s);     /* the layout child must not inherit the connection (S10) */
    s = NULL;
    if (draw(&mc, g, &buf, &len) || write_atomic(mc.output, buf, len))
        goto out;
    if (!mc.quiet && strcmp(mc.output, "-"))
        fprintf(stderr, "wrote '%s': %zu posts, %zu links%s%s\n", mc.output, g->n_nodes,
                g->n_edges, mc.format <= FMT_PDF ? ", engine " : "",
                mc.format <= FMT_PDF ? layout_engine_for(g, &(struct layout_opts){
                    .engine = mc.engine, .summary = mc.summary}) : "");
    status = 0;
out:
    free(buf);
    map_graph_free(g);
    store_close(s);
    topics_free(t);
    free(around);
    return status;
}
