/* report_themes: one page per theme (themes/<name>.html): its colour, its
 * counts of posts and of links within, out of and into it (QUERY_TOPICS,
 * read once by report.c), and its posts, the most linked first, from the
 * run's index. Theme names are [a-z0-9_-] by topics.conf's rules, and a
 * name that could not be a file name gets no page (report_theme_path). */
#include "reportInt.h"

#include <stdio.h>
#include <string.h>

static void fact(struct report_page *p, const char *label, long value)
{
    char num[32];
    snprintf(num, sizeof(num), "%ld", value);
    report_html_leaf(p, "dt", NULL, label);
    report_html_leaf(p, "dd", NULL, num);
}

static void theme_posts(struct report_ctx *c, struct report_page *p, const struct report_theme *th)
{
    static const char *const heads[] = {"Post", "Date", "In", "Out", NULL};
    char path[REPORT_LINK_MAX];
    long rows = 0;
    report_html_open(p, "table", "filter");
    report_html_open(p, "thead", NULL);
    report_html_open(p, "tr", NULL);
    for (size_t i = 0; heads[i]; i++)
        report_html_leaf(p, "th", i >= 2 ? "num" : NULL, heads[i]);
    report_html_close(p, "tr");
    report_html_close(p, "thead");
    report_html_open(p, "tbody", NULL);
    for (size_t i = 0; i < c->all->n_nodes; i++) {
        const struct map_node *n = &c->all->nodes[i];
        if (report_theme_of(c, n->topic) != th)
            continue;
        report_html_open(p, "tr", NULL);
        report_html_open(p, "td", NULL);
        report_post_path(n->id, path);
        report_html_link(p, path, n->title[0] ? n->title : n->url, REPORT_TITLE_CHARS);
        report_html_close(p, "td");
        report_html_leaf(p, "td", NULL, n->date);
        report_html_num(p, "td", n->inbound);
        report_html_num(p, "td", c->outbound[i]);
        report_html_close(p, "tr");
        rows++;
    }
    report_html_close(p, "tbody");
    report_html_close(p, "table");
    if (!rows)
        report_html_leaf(p, "p", "note", "No post has this theme.");
}

static int theme_page(struct report_ctx *c, const struct report_theme *th)
{
    char path[REPORT_LINK_MAX];
    if (report_theme_path(th->name, path) != 0)
        return REPORT_OK;
    struct report_page *p = report_page_begin(c, path, 1, th->label, NULL);
    report_html_open(p, "h1", NULL);
    report_html_swatch(p, th->color);
    report_html_text(p, th->label, REPORT_TITLE_CHARS);
    report_html_close(p, "h1");
    report_html_open(p, "dl", "facts");
    report_html_leaf(p, "dt", NULL, "Name");
    report_html_open(p, "dd", NULL);
    report_html_leaf(p, "code", NULL, th->name);
    report_html_close(p, "dd");
    fact(p, "Posts", th->posts);
    fact(p, "Links within", th->within);
    fact(p, "Links to other themes", th->out);
    fact(p, "Links from other themes", th->in);
    report_html_close(p, "dl");
    report_html_leaf(p, "h2", NULL, "Posts");
    report_html_search(p, "Filter the posts");
    theme_posts(c, p, th);
    return report_page_end(p);
}

int report_pages_themes(struct report_ctx *c)
{
    int rc = REPORT_OK;
    for (size_t i = 0; !rc && i < c->n_themes; i++)
        rc = theme_page(c, &c->themes[i]);
    return rc;
}
