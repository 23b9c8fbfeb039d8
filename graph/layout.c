/* layout: the Graphviz map.
 *
 * The graph is built with cgraph from sanitised text only (mapsafe): node
 * names are synthetic ("p<id>"), labels and tooltips are cleaned, capped and
 * have their backslashes doubled, and only http(s) URLs become links, escaped
 * by us because Graphviz 2.42 copies them into SVG as they are; a report's
 * map links instead to its own pages, by relative links that mapsafe vets
 * before Graphviz sees them and again in the SVG. Small maps
 * (up to LAYOUT_DOT_MAX nodes) use dot, tuned as in the reliability matrix,
 * with one cluster per theme; larger ones use sfdp with overlap removal, and
 * each theme gets a label node tied to its posts by invisible edges so that
 * themes gather into regions. Layout and rendering run in a forked child
 * under RLIMIT_CPU (and RLIMIT_AS outside sanitizer builds) that writes the
 * bytes to a pipe, since gvLayout cannot be interrupted; the parent checks an
 * SVG with mapsafe_check_svg before handing it back. DOT is written without
 * layout so that dot or sfdp can re-render it unchanged. */
#include "blogmap/layout.h"
#include "blogmap/mapsafe.h"

#include <errno.h>
#include <gvc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define LABEL_CHARS 48          /* node label on small maps, on two lines */
#define XLABEL_CHARS 32         /* labels of the most-linked posts on big maps */
#define TOOLTIP_CHARS 200
#define LABELLED_BIG 60         /* nodes labelled on an sfdp map */
#define OUTPUT_MAX ((size_t)1 << 30)
#define CHILD_AS_MAX ((rlim_t)4 << 30)

/* ASan and TSan reserve terabytes of address space: no RLIMIT_AS there. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LAYOUT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LAYOUT_SANITIZED 1
#endif
#endif

struct builder {
    Agraph_t *g;
    const struct map_graph *m;
    const struct layout_opts *o;
    int big, links;             /* sfdp style; URL attributes wanted */
    int failed;                 /* cgraph refused a node or subgraph */
    Agnode_t **nodes;
};

static const char *const engines[] = {"dot", "sfdp", "neato", "fdp", "circo", "twopi", NULL};

const char *layout_engine_for(const struct map_graph *g, const struct layout_opts *o)
{
    if (o && o->engine)
        return o->engine;
    if (o && o->summary)
        return "dot";
    return g->n_nodes <= LAYOUT_DOT_MAX ? "dot" : "sfdp";
}

/* Set attribute NAME on object OBJ (kind KIND), declaring it with an empty
 * default on first use. VALUE is copied by cgraph. A NULL OBJ (cgraph out
 * of memory) is skipped; the builder notices it where it was created. */
static void set(Agraph_t *g, void *obj, int kind, const char *name, const char *value)
{
    if (!obj)
        return;
    Agsym_t *sym = agattr(g, kind, (char *)name, NULL);
    if (!sym)
        sym = agattr(g, kind, (char *)name, "");
    if (sym)
        agxset(obj, sym, (char *)value);
}

#define LABEL_TEXT (MAPSAFE_BACKSLASH_DOUBLE | MAPSAFE_AMP)
#define TOOLTIP_TEXT (MAPSAFE_BACKSLASH_LOOKALIKE | MAPSAFE_AMP)

/* Page or config text as attribute NAME: cleaned, cut at MAX characters,
 * backslashes and ampersands made literal (tooltips take no escapes at all
 * on Graphviz 2.42, so their backslashes become a look-alike). */
static void set_clean(Agraph_t *g, void *obj, int kind, const char *name, const char *text,
                      size_t max)
{
    char *v = mapsafe_text(text, max, strcmp(name, "tooltip") ? LABEL_TEXT : TOOLTIP_TEXT);
    set(g, obj, kind, name, v);
    free(v);
}

/* "title | date": the title cleaned and cut by characters, then the date
 * (cleaned too: it comes from the page). */
static void set_tooltip(Agraph_t *g, Agnode_t *v, const char *title, const char *date)
{
    char *t = mapsafe_text(title, TOOLTIP_CHARS - 13, TOOLTIP_TEXT);
    char *d = mapsafe_text(date, 10, TOOLTIP_TEXT);
    size_t n = strlen(t) + strlen(d) + 4;
    char *tip = malloc(n);
    if (!tip)
        abort();
    snprintf(tip, n, "%s%s%s", t, d[0] ? " | " : "", d);
    set(g, v, AGNODE, "tooltip", tip);
    free(tip);
    free(d);
    free(t);
}

/* A node label: the cleaned title, broken onto two lines at the space
 * nearest its middle when it is long. Spaces are never part of an escape,
 * so writing "\n" over one is safe after mapsafe_text. */
static void set_label(Agraph_t *g, Agnode_t *v, const char *title)
{
    char *t = mapsafe_text(title, LABEL_CHARS, LABEL_TEXT);
    size_t n = strlen(t), best = 0;
    if (n > LABEL_CHARS / 2) {
        for (size_t i = 1; i + 1 < n; i++)
            if (t[i] == ' ' && (!best || labs((long)i - (long)n / 2) < labs((long)best - (long)n / 2)))
                best = i;
    }
    char *out = malloc(n + 2);
    if (!out)
        abort();
    if (best)
        snprintf(out, n + 2, "%.*s\\n%s", (int)best, t, t + best + 1);
    else
        memcpy(out, t, n + 1);
    set(g, v, AGNODE, "label", out);
    free(out);
    free(t);
}

static const struct map_theme *theme_of(const struct map_graph *m, const char *name)
{
    for (size_t i = 0; i < m->n_themes; i++)
        if (!strcmp(m->themes[i].name, name))
            return &m->themes[i];
    return m->n_themes ? &m->themes[m->n_themes - 1] : NULL;
}

/* "#rrggbb" mixed with white: a pale fill for clusters and nodes. */
static void pale(const char *color, double keep, char out[8])
{
    unsigned r = 158, g = 158, b = 158;
    if (color && strlen(color) == 7)
        sscanf(color + 1, "%2x%2x%2x", &r, &g, &b);
    snprintf(out, 8, "#%02x%02x%02x", (unsigned)(255 - (255 - r) * keep) & 255u,
             (unsigned)(255 - (255 - g) * keep) & 255u, (unsigned)(255 - (255 - b) * keep) & 255u);
}

static void graph_attrs(struct builder *b, const struct layout_opts *o)
{
    Agraph_t *g = b->g;
    set(g, g, AGRAPH, "fontname", "Helvetica");
    set(g, g, AGRAPH, "bgcolor", "white");
    set(g, g, AGRAPH, "outputorder", "edgesfirst");
    if (b->big) {
        set(g, g, AGRAPH, "overlap", "prism");
        set(g, g, AGRAPH, "splines", "false");
        set(g, g, AGRAPH, "K", "0.6");
        set(g, g, AGRAPH, "start", "1");      /* same input, same map */
    } else {
        set(g, g, AGRAPH, "rankdir", "LR");
        set(g, g, AGRAPH, "mclimit", "0.1");
        set(g, g, AGRAPH, "nslimit", "1");
        set(g, g, AGRAPH, "nslimit1", "1");
        set(g, g, AGRAPH, "splines", "line");
        set(g, g, AGRAPH, "nodesep", "0.25");
        set(g, g, AGRAPH, "ranksep", "0.9");
        set(g, g, AGRAPH, "overlap", "false");
    }
    if (o->title) {
        set_clean(g, g, AGRAPH, "label", o->title, 120);
        set(g, g, AGRAPH, "labelloc", "t");
        set(g, g, AGRAPH, "fontsize", b->big ? "48" : "20");
    }
}

/* PREFIX MIDDLE SUFFIX as a link to a page of a report, or NULL when that
 * is not a plain relative .html path (mapsafe_relative_link_ok). */
static char *relative_link(const char *prefix, const char *middle, const char *suffix)
{
    size_t n = strlen(prefix) + strlen(middle) + (suffix ? strlen(suffix) : 0) + 1;
    char *v = malloc(n);
    if (!v)
        abort();
    snprintf(v, n, "%s%s%s", prefix, middle, suffix ? suffix : "");
    if (mapsafe_relative_link_ok(v))
        return v;
    free(v);
    return NULL;
}

/* Where a post's node links: its page in a report, else its URL (http(s)
 * only, escaped for Graphviz). NULL: no link. */
static char *post_link(const struct layout_opts *o, const struct map_node *n)
{
    char id[32];
    if (!o->link_prefix)
        return mapsafe_url(n->url, 1);
    snprintf(id, sizeof(id), "%ld", n->id);
    return relative_link(o->link_prefix, id, o->link_suffix);
}

/* One node per post: label, tooltip, link, size, theme colour. */
static void add_post(struct builder *b, size_t i, Agraph_t *parent)
{
    const struct map_node *n = &b->m->nodes[i];
    const struct map_theme *th = theme_of(b->m, n->topic);
    char name[32], fill[8], size[32];
    snprintf(name, sizeof(name), "p%ld", n->id);
    Agnode_t *v = agnode(parent, name, 1);
    b->nodes[i] = v;
    if (!v) {
        b->failed = 1;
        return;
    }
    const char *title = n->title[0] ? n->title : n->url;
    if (!b->big)
        set_label(b->g, v, title);
    else if (i < LABELLED_BIG)
        set_clean(b->g, v, AGNODE, "xlabel", title, XLABEL_CHARS);
    set_tooltip(b->g, v, title, n->date);
    char *url = b->links ? post_link(b->o, n) : NULL;
    if (url)
        set(b->g, v, AGNODE, "URL", url);
    free(url);
    pale(th ? th->color : NULL, b->big ? 1.0 : 0.35, fill);
    set(b->g, v, AGNODE, "fillcolor", fill);
    set(b->g, v, AGNODE, "color", th ? th->color : TOPICS_OTHER_COLOR);
    double grow = sqrt((double)(n->inbound > 0 ? n->inbound : 0));
    if (b->big) {
        snprintf(size, sizeof(size), "%.2f", 0.08 + 0.04 * grow);
        set(b->g, v, AGNODE, "width", size);
    } else {
        snprintf(size, sizeof(size), "%.1f", 9 + 2.5 * (grow > 6 ? 6 : grow));
        set(b->g, v, AGNODE, "fontsize", size);
        snprintf(size, sizeof(size), "%.1f", 1 + 0.4 * (grow > 6 ? 6 : grow));
        set(b->g, v, AGNODE, "penwidth", size);
    }
}

static void node_defaults(struct builder *b)
{
    Agraph_t *g = b->g;
    agattr(g, AGNODE, "style", "filled");
    agattr(g, AGNODE, "fontname", "Helvetica");
    if (b->big) {
        agattr(g, AGNODE, "shape", "point");
        agattr(g, AGNODE, "penwidth", "0.3");
        agattr(g, AGNODE, "fontsize", "11");
    } else {
        agattr(g, AGNODE, "shape", "box");
        agattr(g, AGNODE, "style", "rounded,filled");
        agattr(g, AGNODE, "margin", "0.08,0.03");
        agattr(g, AGNODE, "height", "0.3");
    }
    agattr(g, AGEDGE, "arrowsize", b->big ? "0.3" : "0.6");
    agattr(g, AGEDGE, "color", b->big ? "#55555540" : "#555555a0");
    agattr(g, AGEDGE, "style", "solid");
}

/* dot: a cluster per theme that has nodes. sfdp: a label node per theme. */
static void add_themes(struct builder *b, Agraph_t **where)
{
    for (size_t t = 0; t < b->m->n_themes; t++) {
        const struct map_theme *th = &b->m->themes[t];
        char name[48], fill[8];
        where[t] = b->g;
        if (!th->count)
            continue;
        if (b->big) {
            snprintf(name, sizeof(name), "theme%zu", t);
            Agnode_t *v = agnode(b->g, name, 1);
            set_clean(b->g, v, AGNODE, "label", th->label, 80);
            set(b->g, v, AGNODE, "shape", "plaintext");
            set(b->g, v, AGNODE, "style", "");
            set(b->g, v, AGNODE, "fontsize", "64");
            set(b->g, v, AGNODE, "fontcolor", th->color);
            continue;
        }
        snprintf(name, sizeof(name), "cluster_%zu", t);
        where[t] = agsubg(b->g, name, 1);
        if (!where[t]) {
            b->failed = 1;
            where[t] = b->g;
            continue;
        }
        set_clean(b->g, where[t], AGRAPH, "label", th->label, 80);
        pale(th->color, 0.12, fill);
        set(b->g, where[t], AGRAPH, "style", "rounded,filled");
        set(b->g, where[t], AGRAPH, "fillcolor", fill);
        set(b->g, where[t], AGRAPH, "color", th->color);
        set(b->g, where[t], AGRAPH, "fontsize", "18");
        set(b->g, where[t], AGRAPH, "fontcolor", th->color);
    }
}

static size_t theme_index(const struct map_graph *m, const char *topic)
{
    for (size_t t = 0; t < m->n_themes; t++)
        if (!strcmp(m->themes[t].name, topic))
            return t;
    return m->n_themes ? m->n_themes - 1 : 0;
}

static void add_edges(struct builder *b)
{
    for (size_t i = 0; i < b->m->n_edges; i++) {
        const struct map_edge *e = &b->m->edges[i];
        if (e->src >= b->m->n_nodes || e->dst >= b->m->n_nodes || e->src == e->dst ||
            !b->nodes[e->src] || !b->nodes[e->dst])
            continue;
        Agedge_t *x = agedge(b->g, b->nodes[e->src], b->nodes[e->dst], NULL, 1);
        if (x && !e->related)
            set(b->g, x, AGEDGE, "style", "dashed");
    }
}

/* sfdp: invisible edges from each theme's label node to its posts. */
static void tie_themes(struct builder *b)
{
    for (size_t i = 0; i < b->m->n_nodes; i++) {
        char name[48];
        snprintf(name, sizeof(name), "theme%zu", theme_index(b->m, b->m->nodes[i].topic));
        Agnode_t *hub = agnode(b->g, name, 0);
        Agedge_t *x = hub && b->nodes[i] ? agedge(b->g, hub, b->nodes[i], NULL, 1) : NULL;
        if (x) {
            set(b->g, x, AGEDGE, "style", "invis");
            set(b->g, x, AGEDGE, "weight", "2");
        }
    }
}

/* The legend: three plaintext nodes, in a cluster on dot maps, joined by
 * the two kinds of edge (related-posts solid, inline dashed). The themes
 * need no legend: clusters or label nodes name them on the map. */
static void add_legend(struct builder *b)
{
    Agraph_t *lg = b->big ? b->g : agsubg(b->g, "cluster_legend", 1);
    if (!lg) {
        b->failed = 1;
        return;
    }
    if (!b->big) {
        set(b->g, lg, AGRAPH, "label", "Legend");
        set(b->g, lg, AGRAPH, "style", "rounded");
        set(b->g, lg, AGRAPH, "color", "#999999");
        set(b->g, lg, AGRAPH, "fontsize", "14");
        set(b->g, lg, AGRAPH, "fontcolor", "#333333");
        set(b->g, lg, AGRAPH, "fillcolor", "white");
    }
    Agnode_t *a = agnode(lg, "legend_a", 1), *c = agnode(lg, "legend_b", 1),
             *d = agnode(lg, "legend_c", 1);
    Agnode_t *all[] = {a, c, d};
    for (int i = 0; i < 3; i++) {
        set(b->g, all[i], AGNODE, "shape", "plaintext");
        set(b->g, all[i], AGNODE, "style", "");
        set(b->g, all[i], AGNODE, "fontsize", b->big ? "40" : "11");
    }
    set(b->g, a, AGNODE, "label", "post");
    set(b->g, c, AGNODE, "label", "related-posts link");
    set(b->g, d, AGNODE, "label", "inline link");
    if (!a || !c || !d) {
        b->failed = 1;
        return;
    }
    Agedge_t *r = agedge(b->g, a, c, NULL, 1), *n = agedge(b->g, a, d, NULL, 1);
    if (r)
        set(b->g, r, AGEDGE, "color", "#333333");
    if (n) {
        set(b->g, n, AGEDGE, "style", "dashed");
        set(b->g, n, AGEDGE, "color", "#333333");
    }
}

static Agraph_t *build_posts(const struct map_graph *m, const struct layout_opts *o, int big,
                             int links)
{
    struct builder b = {.m = m, .o = o, .big = big, .links = links};
    Agraph_t **where = calloc(m->n_themes + 1, sizeof(*where));
    b.nodes = calloc(m->n_nodes + 1, sizeof(*b.nodes));
    if (!where || !b.nodes)
        abort();
    b.g = agopen("blogmap", Agstrictdirected, NULL);
    if (b.g) {
        graph_attrs(&b, o);
        node_defaults(&b);
        add_themes(&b, where);
        for (size_t i = 0; i < m->n_nodes; i++)
            add_post(&b, i, where[theme_index(m, m->nodes[i].topic)]);
        add_edges(&b);
        if (big)
            tie_themes(&b);
        add_legend(&b);
    }
    free(where);
    free(b.nodes);
    if (b.failed) {
        agclose(b.g);
        return NULL;
    }
    return b.g;
}

/* --summary: a node per theme, sized by its posts; an edge per pair of
 * themes, as wide as the links between them. */
static Agraph_t *build_summary(const struct map_graph *m, const struct layout_opts *o)
{
    size_t nt = m->n_themes;
    size_t *count = calloc(nt * nt + 1, sizeof(*count));
    Agnode_t **v = calloc(nt + 1, sizeof(*v));
    Agraph_t *g = agopen("blogmap_summary", Agstrictdirected, NULL);
    if (!count || !v)
        abort();
    for (size_t i = 0; i < m->n_edges; i++)
        if (m->edges[i].src < m->n_nodes && m->edges[i].dst < m->n_nodes)
            count[theme_index(m, m->nodes[m->edges[i].src].topic) * nt +
                  theme_index(m, m->nodes[m->edges[i].dst].topic)]++;
    struct builder b = {.g = g, .m = m, .o = o};
    if (g) {
        graph_attrs(&b, o);
        set(g, g, AGRAPH, "rankdir", "LR");
        set(g, g, AGRAPH, "splines", "true");
        agattr(g, AGNODE, "style", "filled");
        agattr(g, AGNODE, "shape", "ellipse");
        agattr(g, AGNODE, "fontname", "Helvetica");
        agattr(g, AGEDGE, "fontname", "Helvetica");
        for (size_t t = 0; t < nt; t++) {
            char name[32], label[512], num[32], fill[8];
            if (!m->themes[t].count)
                continue;
            snprintf(name, sizeof(name), "t%zu", t);
            v[t] = agnode(g, name, 1);
            char *name_text = mapsafe_text(m->themes[t].label, 60, LABEL_TEXT);
            snprintf(label, sizeof(label), "%s\\n%zu posts, %zu links within", name_text,
                     m->themes[t].count, count[t * nt + t]);
            free(name_text);
            set(g, v[t], AGNODE, "label", label);
            pale(m->themes[t].color, 0.45, fill);
            set(g, v[t], AGNODE, "fillcolor", fill);
            set(g, v[t], AGNODE, "color", m->themes[t].color);
            snprintf(num, sizeof(num), "%.1f", 12 + 3 * log1p((double)m->themes[t].count));
            set(g, v[t], AGNODE, "fontsize", num);
            char *link = o->theme_link_prefix ? relative_link(o->theme_link_prefix,
                                                              m->themes[t].name, o->link_suffix)
                                              : NULL;
            if (link) {
                set(g, v[t], AGNODE, "URL", link);
                set_clean(g, v[t], AGNODE, "tooltip", m->themes[t].label, 80);
            }
            free(link);
        }
        for (size_t a = 0; a < nt; a++)
            for (size_t c = 0; c < nt; c++) {
                char num[32];
                if (a == c || !count[a * nt + c] || !v[a] || !v[c])
                    continue;
                Agedge_t *x = agedge(g, v[a], v[c], NULL, 1);
                snprintf(num, sizeof(num), "%zu", count[a * nt + c]);
                set(g, x, AGEDGE, "label", num);
                snprintf(num, sizeof(num), "%.1f", 1 + 1.5 * log1p((double)count[a * nt + c]));
                set(g, x, AGEDGE, "penwidth", num);
                set(g, x, AGEDGE, "color", m->themes[a].color);
            }
    }
    free(count);
    free(v);
    return g;
}

static const char *format_name(int format)
{
    switch (format) {
    case LAYOUT_SVG: return "svg";
    case LAYOUT_PNG: return "png";
    case LAYOUT_PDF: return "pdf";
    default: return NULL;
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* In the child: limits, layout, render, bytes to FD. Never returns. */
static void render_child(Agraph_t *g, const char *engine, const char *fmt, int cpu, int fd)
{
    struct rlimit rl = {.rlim_cur = (rlim_t)cpu, .rlim_max = (rlim_t)cpu + 5};
    char *buf = NULL;
    unsigned int len = 0;
    signal(SIGXCPU, SIG_DFL);       /* an inherited "ignore" would defeat the limit */
    setrlimit(RLIMIT_CPU, &rl);
    agseterr(AGERR);
#ifndef LAYOUT_SANITIZED
    rl.rlim_cur = rl.rlim_max = CHILD_AS_MAX;
    setrlimit(RLIMIT_AS, &rl);
#endif
    GVC_t *gvc = gvContext();
    if (!gvc || gvLayout(gvc, g, engine) != 0 || gvRenderData(gvc, g, fmt, &buf, &len) != 0)
        _exit(3);
    _exit(write_all(fd, buf, len) ? 4 : 0);
}

static int read_all(int fd, char **out, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    for (;;) {
        if (n == cap) {
            if (cap >= OUTPUT_MAX)
                break;
            char *p = realloc(buf, cap *= 2);
            if (!p)
                abort();
            buf = p;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    *out = buf;
    *len = n;
    return 0;
}

static int render_forked(Agraph_t *g, const char *engine, int format, int cpu, char **out,
                         size_t *len, char *err, size_t errlen)
{
    int fds[2], status = 0, reaped = 0;
    char *buf = NULL;
    size_t n = 0;
    if (pipe(fds) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return LAYOUT_ERENDER;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        render_child(g, engine, format_name(format), cpu, fds[1]);
    }
    close(fds[1]);
    if (pid > 0)
        read_all(fds[0], &buf, &n);
    close(fds[0]);
    while (pid > 0 && !reaped) {
        pid_t w = waitpid(pid, &status, 0);
        if (w == pid)
            reaped = 1;
        else if (w < 0 && errno != EINTR)
            break;
    }
    if (reaped && WIFEXITED(status) && WEXITSTATUS(status) == 0 && n) {
        *out = buf;
        *len = n;
        return LAYOUT_OK;
    }
    free(buf);
    int timed_out = reaped && WIFSIGNALED(status) &&
                    (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL);
    if (pid < 0)
        snprintf(err, errlen, "fork: %s", strerror(errno));
    else if (!reaped)
        snprintf(err, errlen, "cannot wait for the layout process: %s", strerror(errno));
    else if (timed_out)
        snprintf(err, errlen, "%s took longer than %d s of CPU; try --top N or --engine sfdp",
                 engine, cpu);
    else
        snprintf(err, errlen, "%s failed to lay out or render the graph (%s %d)", engine,
                 WIFSIGNALED(status) ? "signal" : "status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return timed_out ? LAYOUT_ETIME : LAYOUT_ERENDER;
}

static int write_dot(Agraph_t *g, char **out, size_t *len, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f || agwrite(g, f) != 0) {
        if (f)
            fclose(f);
        free(buf);
        snprintf(err, errlen, "cannot write DOT");
        return LAYOUT_EGRAPH;
    }
    if (fclose(f) != 0) {
        free(buf);
        snprintf(err, errlen, "cannot write DOT");
        return LAYOUT_EGRAPH;
    }
    *out = buf;
    *len = n;
    return LAYOUT_OK;
}

int layout_engine_known(const char *e)
{
    for (size_t i = 0; engines[i]; i++)
        if (!strcmp(engines[i], e))
            return 1;
    return 0;
}

int layout_render(const struct map_graph *m, const struct layout_opts *o, int format,
                  char **out, size_t *len, char *err, size_t errlen)
{
    const char *engine = layout_engine_for(m, o);
    char *buf = NULL;
    size_t n = 0;
    int rc;
    if (!layout_engine_known(engine)) {
        snprintf(err, errlen, "unknown engine '%.40s' (dot, sfdp, neato, fdp, circo, twopi)",
                 engine);
        return LAYOUT_EENGINE;
    }
    int big = strcmp(engine, "dot") != 0;
    Agraph_t *g = o->summary ? build_summary(m, o)
                             : build_posts(m, o, big, format == LAYOUT_SVG || format == LAYOUT_DOT);
    if (!g) {
        snprintf(err, errlen, "cgraph could not create the graph");
        return LAYOUT_EGRAPH;
    }
    if (format == LAYOUT_DOT)
        rc = write_dot(g, &buf, &n, err, errlen);
    else
        rc = render_forked(g, engine, format, o->cpu_seconds > 0 ? o->cpu_seconds : 300, &buf,
                           &n, err, errlen);
    agclose(g);
    int svg_flags = o->link_prefix || o->theme_link_prefix ? MAPSAFE_SVG_RELATIVE : 0;
    if (!rc && format == LAYOUT_SVG && mapsafe_check_svg_flags(buf, n, svg_flags, err, errlen) != 0)
        rc = LAYOUT_EUNSAFE;
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return LAYOUT_OK;
}

const char *layout_strerror(int code)
{
    switch (code) {
    case LAYOUT_OK: return "ok";
    case LAYOUT_EGRAPH: return "cannot build the graph";
    case LAYOUT_ERENDER: return "Graphviz failed";
    case LAYOUT_ETIME: return "layout took too long";
    case LAYOUT_EUNSAFE: return "the SVG failed the safety check";
    case LAYOUT_EENGINE: return "unknown layout engine";
    default: return "unknown error";
    }
}
