/* report_pages: the report's site-wide pages: the overview (counts, themes
 * and the theme summary map), the topic map, and the lists of posts, hubs,
 * orphans and broken links. Rows come from the store's queries (query.h,
 * analyse.h) through row callbacks and are written as they arrive; a post
 * named by URL links to its page through the run's index. Both maps are
 * drawn by layout_render with links to the report's own pages, so that a
 * click on a post or a theme stays inside the report. */
#include "blogmap/analyse.h"
#include "blogmap/layout.h"
#include "blogmap/query.h"
#include "reportInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_HUBS_TOP 100
#define REPORT_CPU_SECONDS 300

/* A row callback's state: the page, and the columns found in the header. */
struct rows {
    struct report_ctx *c;
    struct report_page *p;
    int col[8];
    long n;
};

static void find_cols(struct rows *r, int ncols, const char *const *names,
                      const char *const *want)
{
    for (int i = 0; i < 8 && want[i]; i++)
        r->col[i] = report_col(ncols, names, want[i]);
}

static void table_head(struct report_page *p, const char *cls, const char *const *heads)
{
    report_html_open(p, "table", cls);
    report_html_open(p, "thead", NULL);
    report_html_open(p, "tr", NULL);
    for (size_t i = 0; heads[i]; i++)
        report_html_leaf(p, "th", heads[i][0] == '#' ? "num" : NULL,
                         heads[i][0] == '#' ? heads[i] + 1 : heads[i]);
    report_html_close(p, "tr");
    report_html_close(p, "thead");
    report_html_open(p, "tbody", NULL);
}

static void table_end(struct report_page *p, long rows, const char *none)
{
    report_html_close(p, "tbody");
    report_html_close(p, "table");
    if (!rows)
        report_html_leaf(p, "p", "note", none);
}

/* A table cell naming theme TOPIC, linked to its page. */
static void theme_cell(struct report_ctx *c, struct report_page *p, const char *topic)
{
    const struct report_theme *th = report_theme_of(c, topic);
    char path[REPORT_LINK_MAX];
    report_html_open(p, "td", NULL);
    if (report_theme_path(th->name, path) == 0)
        report_html_link(p, path, th->label, 0);
    else
        report_html_text(p, th->label, 0);
    report_html_close(p, "td");
}

/* ---- the topic map ---- */

/* Draw G (links to our pages) and inline it; REPORT_EMAP on failure. */
static int draw(struct report_ctx *c, struct report_page *p, const struct map_graph *g,
                int summary)
{
    struct layout_opts lo = {.summary = summary, .cpu_seconds = REPORT_CPU_SECONDS,
                             .link_prefix = "posts/p", .theme_link_prefix = "themes/",
                             .link_suffix = ".html"};
    char err[512] = "", *svg = NULL;
    size_t len = 0;
    int rc = layout_render(g, &lo, LAYOUT_SVG, &svg, &len, err, sizeof(err));
    if (rc)
        return report_fail(c, REPORT_EMAP, "cannot draw the %s: %s", summary ? "theme map" : "map",
                           err[0] ? err : layout_strerror(rc));
    report_html_svg(p, svg, len);
    free(svg);
    return REPORT_OK;
}

static void map_note(struct report_ctx *c, struct report_page *p)
{
    static const char how[] = "Drag to move, use the wheel or the buttons to zoom, click a post "
                              "to open its page. Related-posts links are solid, inline links "
                              "dashed.";
    char note[512];
    size_t all = c->all->n_nodes;
    if (c->map_posts < all)
        snprintf(note, sizeof(note), "The %zu most linked of %zu posts. %s", c->map_posts, all, how);
    else
        snprintf(note, sizeof(note), "All %zu posts. %s", all, how);
    report_html_leaf(p, "p", "note", note);
}

static void zoom_buttons(struct report_page *p)
{
    static const char *const ids[] = {"zoom-in", "zoom-out", "zoom-reset"};
    static const char *const labels[] = {"+", "\xe2\x88\x92", "Reset"};
    static const char *const titles[] = {"Zoom in", "Zoom out", "Show the whole map"};
    report_html_open(p, "p", "controls");
    for (size_t i = 0; i < 3; i++) {
        report_html_open(p, "button", NULL);
        report_html_attr(p, "type", "button");
        report_html_attr(p, "id", ids[i]);
        report_html_attr(p, "title", titles[i]);
        report_html_text(p, labels[i], 0);
        report_html_close(p, "button");
    }
    report_html_close(p, "p");
}

int report_pages_map(struct report_ctx *c)
{
    struct map_filter f = {.top = c->map_max};
    struct map_graph *g = NULL;
    if (c->map_max < c->all->n_nodes && map_select(c->s, c->t, &f, &g) != STORE_OK)
        return report_fail(c, REPORT_ESTORE, "cannot read the map: %s", store_errmsg(c->s));
    c->map_posts = g ? g->n_nodes : c->all->n_nodes;
    struct report_page *p = report_page_begin(c, "map.html", 0, "Topic map", "map.html");
    report_html_leaf(p, "h1", NULL, "Topic map");
    map_note(c, p);
    report_html_search(p, "Find posts on the map");
    zoom_buttons(p);
    report_html_open(p, "div", NULL);
    report_html_attr(p, "id", "map");
    int rc = draw(c, p, g ? g : c->all, 0);
    report_html_close(p, "div");
    map_graph_free(g);
    int end = report_page_end(p);
    return rc ? rc : end;
}

/* ---- the overview ---- */

static const struct {
    const char *key, *label, *page;
} stat_rows[] = {
    {"posts", "Posts", "posts.html"},
    {"edges", "Links between posts", NULL},
    {"edges_related", "\xe2\x80\xa6 in related-posts lists", NULL},
    {"edges_inline", "\xe2\x80\xa6 in the text", NULL},
    {"orphans", "Orphans (no post links to them)", "orphans.html"},
    {"broken", "Broken links", "broken.html"},
    {"pages", "Pages found (posts, archives, feeds, ...)", NULL},
    {"fetches", "Fetches", NULL},
};

static int on_stat(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct rows *r = ctx;
    if (!values) {
        find_cols(r, ncols, names, (const char *const[]){"key", "value", NULL});
        return 0;
    }
    const char *key = report_val(values, r->col[0]);
    for (size_t i = 0; i < sizeof(stat_rows) / sizeof(stat_rows[0]); i++) {
        if (strcmp(stat_rows[i].key, key) != 0)
            continue;
        report_html_open(r->p, "tr", NULL);
        report_html_open(r->p, "th", NULL);
        if (stat_rows[i].page)
            report_html_link(r->p, stat_rows[i].page, stat_rows[i].label, 0);
        else
            report_html_text(r->p, stat_rows[i].label, 0);
        report_html_close(r->p, "th");
        report_html_leaf(r->p, "td", "num", report_val(values, r->col[1]));
        report_html_close(r->p, "tr");
    }
    return 0;
}

static void theme_rows(struct report_ctx *c, struct report_page *p)
{
    static const char *const heads[] = {"Theme", "#Posts", "#Links within", "#Links out",
                                        "#Links in", NULL};
    char path[REPORT_LINK_MAX];
    table_head(p, NULL, heads);
    for (size_t i = 0; i < c->n_themes; i++) {
        const struct report_theme *th = &c->themes[i];
        report_html_open(p, "tr", NULL);
        report_html_open(p, "td", NULL);
        report_html_swatch(p, th->color);
        if (report_theme_path(th->name, path) == 0)
            report_html_link(p, path, th->label, 0);
        else
            report_html_text(p, th->label, 0);
        report_html_close(p, "td");
        report_html_num(p, "td", th->posts);
        report_html_num(p, "td", th->within);
        report_html_num(p, "td", th->out);
        report_html_num(p, "td", th->in);
        report_html_close(p, "tr");
    }
    table_end(p, (long)c->n_themes, "");
}

int report_pages_index(struct report_ctx *c)
{
    struct report_page *p = report_page_begin(c, "index.html", 0, "Overview", "index.html");
    struct rows r = {.c = c, .p = p};
    int rc = REPORT_OK;
    report_html_leaf(p, "h1", NULL, c->title);
    report_html_leaf(p, "h2", NULL, "Counts");
    report_html_open(p, "table", NULL);
    report_html_open(p, "tbody", NULL);
    if (query_run(c->s, QUERY_STATS, on_stat, &r) != STORE_OK)
        rc = report_fail(c, REPORT_ESTORE, "cannot count the crawl: %s", store_errmsg(c->s));
    report_html_close(p, "tbody");
    report_html_close(p, "table");
    report_html_leaf(p, "h2", NULL, "Themes");
    theme_rows(c, p);
    report_html_leaf(p, "h2", NULL, "How the themes link");
    report_html_leaf(p, "p", "note", "One node per theme, sized by its posts; an arrow for the "
                     "links from one theme to another. Click a theme to open its page.");
    report_html_open(p, "div", "summary");
    if (!rc)
        rc = draw(c, p, c->all, 1);
    report_html_close(p, "div");
    int end = report_page_end(p);
    return rc ? rc : end;
}

/* ---- lists ---- */

static int page_posts(struct report_ctx *c)
{
    static const char *const heads[] = {"Post", "Date", "Theme", "#In", "#Out", NULL};
    struct report_page *p = report_page_begin(c, "posts.html", 0, "Posts", "posts.html");
    char path[REPORT_LINK_MAX];
    report_html_leaf(p, "h1", NULL, "Posts");
    report_html_leaf(p, "p", "note", "Every post, the most linked first. In: posts linking to "
                     "it; out: posts it links to.");
    report_html_search(p, "Filter by title, date or theme");
    table_head(p, "filter", heads);
    for (size_t i = 0; i < c->all->n_nodes; i++) {
        const struct map_node *n = &c->all->nodes[i];
        report_html_open(p, "tr", NULL);
        report_html_open(p, "td", NULL);
        report_post_path(n->id, path);
        report_html_link(p, path, n->title[0] ? n->title : n->url, REPORT_TITLE_CHARS);
        report_html_close(p, "td");
        report_html_leaf(p, "td", NULL, n->date);
        theme_cell(c, p, n->topic);
        report_html_num(p, "td", n->inbound);
        report_html_num(p, "td", c->outbound[i]);
        report_html_close(p, "tr");
    }
    table_end(p, (long)c->all->n_nodes, "No posts were crawled.");
    return report_page_end(p);
}

static int on_orphan(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct rows *r = ctx;
    if (!values) {
        find_cols(r, ncols, names, (const char *const[]){"url", "title", "date", NULL});
        return 0;
    }
    report_html_open(r->p, "tr", NULL);
    report_html_open(r->p, "td", NULL);
    report_html_post(r->p, report_val(values, r->col[0]), report_val(values, r->col[1]));
    report_html_close(r->p, "td");
    report_html_leaf(r->p, "td", NULL, report_val(values, r->col[2]));
    report_html_close(r->p, "tr");
    r->n++;
    return 0;
}

static int on_broken(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct rows *r = ctx;
    if (!values) {
        find_cols(r, ncols, names, (const char *const[]){"source", "href", "status", NULL});
        return 0;
    }
    report_html_open(r->p, "tr", NULL);
    report_html_open(r->p, "td", NULL);
    report_html_post(r->p, report_val(values, r->col[0]), NULL);
    report_html_close(r->p, "td");
    report_html_leaf(r->p, "td", "url", report_val(values, r->col[1]));
    report_html_leaf(r->p, "td", NULL, report_val(values, r->col[2]));
    report_html_close(r->p, "tr");
    r->n++;
    return 0;
}

static int on_hub(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct rows *r = ctx;
    if (!values) {
        find_cols(r, ncols, names, (const char *const[]){"rank", "url", "title", "topic",
                                                         "pagerank", "inbound", "outbound", NULL});
        return 0;
    }
    report_html_open(r->p, "tr", NULL);
    report_html_leaf(r->p, "td", "num", report_val(values, r->col[0]));
    report_html_open(r->p, "td", NULL);
    report_html_post(r->p, report_val(values, r->col[1]), report_val(values, r->col[2]));
    report_html_close(r->p, "td");
    theme_cell(r->c, r->p, report_val(values, r->col[3]));
    report_html_leaf(r->p, "td", "num", report_val(values, r->col[4]));
    report_html_leaf(r->p, "td", "num", report_val(values, r->col[5]));
    report_html_leaf(r->p, "td", "num", report_val(values, r->col[6]));
    report_html_close(r->p, "tr");
    r->n++;
    return 0;
}

/* A page of one table filled by a query's rows. */
struct list_page {
    const char *path, *title, *note, *none;
    const char *const *heads;
    int (*run)(struct report_ctx *c, query_row_fn fn, void *ctx);
    query_row_fn fn;
};

static int run_orphans(struct report_ctx *c, query_row_fn fn, void *ctx)
{
    return query_run(c->s, QUERY_ORPHANS, fn, ctx);
}

static int run_broken(struct report_ctx *c, query_row_fn fn, void *ctx)
{
    return query_run(c->s, QUERY_BROKEN, fn, ctx);
}

static int run_hubs(struct report_ctx *c, query_row_fn fn, void *ctx)
{
    if (!c->all->n_nodes)   /* no posts, no ranks: no need to ask */
        return STORE_OK;
    return analyse_hubs(c->s, NULL, REPORT_HUBS_TOP, fn, ctx);
}

static int list_page(struct report_ctx *c, const struct list_page *l)
{
    struct report_page *p = report_page_begin(c, l->path, 0, l->title, l->path);
    struct rows r = {.c = c, .p = p};
    report_html_leaf(p, "h1", NULL, l->title);
    report_html_leaf(p, "p", "note", l->note);
    report_html_search(p, "Filter the list");
    table_head(p, "filter", l->heads);
    int rc = l->run(c, l->fn, &r);
    table_end(p, r.n, l->none);
    int end = report_page_end(p);
    if (rc)     /* store errors are above the modules' own codes */
        return report_fail(c, REPORT_ESTORE, "cannot list the %s: %s", l->title,
                           rc <= ANALYSE_ENOTFOUND ? analyse_strerror(rc) : store_errmsg(c->s));
    return end;
}

int report_pages_lists(struct report_ctx *c)
{
    static const char *const orphan_heads[] = {"Post", "Date", NULL};
    static const char *const broken_heads[] = {"Post", "Link", "Status", NULL};
    static const char *const hub_heads[] = {"#Rank", "Post", "Theme", "#PageRank", "#In",
                                            "#Out", NULL};
    const struct list_page lists[] = {
        {"orphans.html", "Orphans", "Posts that no other post links to in its text.",
         "Every post has a link to it.", orphan_heads, run_orphans, on_orphan},
        {"broken.html", "Broken links", "Links in posts to pages of the blog that fail.",
         "No broken links.", broken_heads, run_broken, on_broken},
        {"hubs.html", "Hubs", "The most central posts, by PageRank over the links in posts' "
         "text.", "No links between posts.", hub_heads, run_hubs, on_hub},
    };
    int rc = page_posts(c);
    for (size_t i = 0; !rc && i < sizeof(lists) / sizeof(lists[0]); i++)
        rc = list_page(c, &lists[i]);
    return rc;
}
