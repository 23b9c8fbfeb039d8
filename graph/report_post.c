/* report_post: one page per post (posts/p<id>.html): its title, date,
 * theme and address; the posts linking to it and those it links to, each
 * with the sentence around the link and the anchor marked (analyse_links);
 * and the posts it might link to and does not (search_suggest, at most
 * REPORT_SUGGEST_TOP, and only while the blog has no more posts than the
 * options allow: each costs some twenty full-text queries, about 30 ms). The post's own
 * address is the page's only link out of the report, and only an http(s)
 * one (mapsafe_url) becomes a link. */
#include "blogmap/analyse.h"
#include "blogmap/mapsafe.h"
#include "blogmap/search.h"
#include "reportInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_SUGGEST_TOP 5

struct link_rows {
    struct report_ctx *c;
    struct report_page *p;
    int url, title, kind, anchor, sentence, topic, why;
    long n;
};

static void header_cols(struct link_rows *r, int ncols, const char *const *names)
{
    r->url = report_col(ncols, names, "url");
    r->title = report_col(ncols, names, "title");
    r->kind = report_col(ncols, names, "kind");
    r->anchor = report_col(ncols, names, "anchor");
    r->sentence = report_col(ncols, names, "sentence");
    r->topic = report_col(ncols, names, "topic");
    r->why = report_col(ncols, names, "why");
}

/* A backlink or outlink: the other post, the kind, the sentence. */
static int on_link(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct link_rows *r = ctx;
    if (!values) {
        header_cols(r, ncols, names);
        return 0;
    }
    if (!r->n++)
        report_html_open(r->p, "ul", "links");
    const char *sentence = report_val(values, r->sentence), *anchor = report_val(values, r->anchor);
    report_html_open(r->p, "li", NULL);
    report_html_post(r->p, report_val(values, r->url), report_val(values, r->title));
    report_html_leaf(r->p, "span", "kind", report_val(values, r->kind));
    if (sentence[0] || anchor[0]) {
        report_html_open(r->p, "blockquote", NULL);
        report_html_marked(r->p, sentence[0] ? sentence : anchor, anchor);
        report_html_close(r->p, "blockquote");
    }
    report_html_close(r->p, "li");
    return 0;
}

static int on_suggestion(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct link_rows *r = ctx;
    if (!values) {
        header_cols(r, ncols, names);
        return 0;
    }
    if (!r->n++)
        report_html_open(r->p, "ul", "links");
    report_html_open(r->p, "li", NULL);
    report_html_post(r->p, report_val(values, r->url), report_val(values, r->title));
    report_html_leaf(r->p, "span", "kind", report_theme_of(r->c, report_val(values, r->topic))->label);
    const char *why = report_val(values, r->why);
    if (why[0])
        report_html_leaf(r->p, "p", "note", why);
    report_html_close(r->p, "li");
    return 0;
}

static void list_end(struct link_rows *r, const char *none)
{
    if (r->n)
        report_html_close(r->p, "ul");
    else
        report_html_leaf(r->p, "p", "note", none);
}

static int links(struct report_ctx *c, struct report_page *p, long id, int inbound)
{
    struct link_rows r = {.c = c, .p = p};
    report_html_leaf(p, "h2", NULL, inbound ? "Linked from" : "Links to");
    int rc = analyse_links(c->s, id, inbound, on_link, &r);
    list_end(&r, inbound ? "No post links here." : "This post links to no other post.");
    if (rc && rc != ANALYSE_ENOTFOUND)
        return report_fail(c, REPORT_ESTORE, "cannot read the links of post %ld: %s", id,
                           rc <= ANALYSE_ENOTFOUND ? analyse_strerror(rc) : store_errmsg(c->s));
    return REPORT_OK;
}

static int suggestions(struct report_ctx *c, struct report_page *p, long id)
{
    struct link_rows r = {.c = c, .p = p};
    struct search_draft d = {.post_id = id};
    report_html_leaf(p, "h2", NULL, "Might link to");
    if (!c->suggest) {
        report_html_leaf(p, "p", "note", "Left out: this blog has more posts than the report "
                         "suggests links for (see --suggest-max); 'blogmap suggest URL' gives "
                         "them for one post.");
        return REPORT_OK;
    }
    int rc = search_suggest(c->s, c->t, &d, REPORT_SUGGEST_TOP, on_suggestion, &r);
    list_end(&r, "No suggestions.");
    if (rc && rc != SEARCH_EQUERY && rc != SEARCH_ENOTFOUND)
        return report_fail(c, REPORT_ESTORE, "cannot suggest links for post %ld: %s", id,
                           rc <= SEARCH_EQUERY ? search_strerror(rc) : store_errmsg(c->s));
    return REPORT_OK;
}

/* The address: a link when it is http(s), else text. */
static void address(struct report_page *p, const char *url)
{
    char *safe = mapsafe_url(url, 0);
    report_html_external(p, safe, url);
    free(safe);
}

static void facts(struct report_ctx *c, struct report_page *p, size_t i)
{
    const struct map_node *n = &c->all->nodes[i];
    const struct report_theme *th = report_theme_of(c, n->topic);
    char path[REPORT_LINK_MAX], counts[96];
    report_html_open(p, "dl", "facts");
    report_html_leaf(p, "dt", NULL, "Date");
    report_html_leaf(p, "dd", NULL, n->date[0] ? n->date : "unknown");
    report_html_leaf(p, "dt", NULL, "Theme");
    report_html_open(p, "dd", NULL);
    report_html_swatch(p, th->color);
    if (report_theme_path(th->name, path) == 0)
        report_html_link(p, path, th->label, 0);
    else
        report_html_text(p, th->label, 0);
    report_html_close(p, "dd");
    report_html_leaf(p, "dt", NULL, "Address");
    report_html_open(p, "dd", NULL);
    address(p, n->url);
    report_html_close(p, "dd");
    snprintf(counts, sizeof(counts), "%d in, %ld out", n->inbound, c->outbound[i]);
    report_html_leaf(p, "dt", NULL, "Links");
    report_html_leaf(p, "dd", NULL, counts);
    report_html_close(p, "dl");
}

static int post_page(struct report_ctx *c, size_t i)
{
    const struct map_node *n = &c->all->nodes[i];
    const char *title = n->title[0] ? n->title : n->url;
    char path[REPORT_LINK_MAX];
    report_post_path(n->id, path);
    struct report_page *p = report_page_begin(c, path, 1, title, NULL);
    report_html_open(p, "h1", NULL);
    report_html_text(p, title, REPORT_TITLE_CHARS);
    report_html_close(p, "h1");
    facts(c, p, i);
    int rc = links(c, p, n->id, 1);
    if (!rc)
        rc = links(c, p, n->id, 0);
    if (!rc)
        rc = suggestions(c, p, n->id);
    int end = report_page_end(p);
    return rc ? rc : end;
}

int report_pages_posts(struct report_ctx *c)
{
    int rc = REPORT_OK;
    for (size_t i = 0; !rc && i < c->all->n_nodes; i++)
        rc = post_page(c, i);
    return rc;
}
