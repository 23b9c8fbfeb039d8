/* reportInt: what the report's files (graph/report*.c) share, private to
 * graph/: the run's context (the post index every page links through), the
 * page writer over libxml2's xmlTextWriter, and the script and style sheet
 * compiled in from graph/report_assets/ by the Makefile. A page owns its
 * writer and buffer; the context owns the index; all text handed to the
 * writer is cleaned (mapsafe_text) and escaped by libxml2. */
#ifndef BLOGMAP_REPORT_INT_H
#define BLOGMAP_REPORT_INT_H

#include <stddef.h>

#include "blogmap/mapdata.h"
#include "blogmap/report.h"

extern const char report_asset_app_js[];
extern const char report_asset_style_css[];

#define REPORT_TITLE_CHARS 300      /* titles on a page */
#define REPORT_TEXT_CHARS 600       /* sentences, anchors, URLs shown as text */
#define REPORT_LINK_MAX 64          /* bytes of a link to one of our pages */

/* Per theme: its place in the topics (t->n: "other") and its counts. */
struct report_theme {
    const char *name, *label, *color;
    long posts, within, out, in;
};

/* One run: what report_write was given, and the index of every post. */
struct report_ctx {
    struct store *s;
    const struct topics *t;
    const char *dir;
    char *title;                    /* the site's title, cleaned */
    struct map_graph *all;          /* every post, most linked first */
    size_t *by_url;                 /* indexes into all->nodes, sorted by url */
    size_t *by_id;                  /* indexes into all->nodes, sorted by id */
    long *outbound;                 /* per node of ALL */
    struct report_theme *themes;    /* t->n + 1 entries */
    size_t n_themes;
    size_t map_max, map_posts;      /* posts asked for on the map, and drawn */
    int suggest;                    /* 1: post pages carry suggestions */
    char *err;
    size_t errlen;
};

/* The node of ALL whose URL (or id) is URL (ID), or -1. */
long report_find_url(const struct report_ctx *c, const char *url);
long report_find_id(const struct report_ctx *c, long id);

/* The theme named NAME (unknown names: "other"). */
const struct report_theme *report_theme_of(const struct report_ctx *c, const char *name);

/* The relative path of a post's or theme's page from the report's root
 * ("posts/p12.html", "themes/flywheel.html") in OUT; 0, or -1 when the
 * theme's name cannot be a file name. */
void report_post_path(long id, char out[REPORT_LINK_MAX]);
int report_theme_path(const char *name, char out[REPORT_LINK_MAX]);

/* Write LEN bytes of DATA to DIR/REL by way of DIR/REL.tmp and rename.
 * Returns 0 or REPORT_EDIR (message in the context). */
int report_write_file(struct report_ctx *c, const char *rel, const char *data, size_t len);

/* The column named NAME of a query_row_fn row, or -1; its value ("" when
 * missing or NULL). */
int report_col(int ncols, const char *const *names, const char *name);
const char *report_val(const char *const *values, int col);

/* Set the context's message (printf-style) and return CODE. */
int report_fail(struct report_ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- pages (report_html.c) ---- */

struct report_page;

/* Start the page at PATH (relative to the report's root, with DEPTH
 * directories above it) titled TITLE; CURRENT is the path of the nav entry
 * to mark (or NULL). Writes the head (charset, CSP, style sheet, script),
 * the site header and opens <main>. Never NULL. */
struct report_page *report_page_begin(struct report_ctx *c, const char *path, int depth,
                                      const char *title, const char *current);

/* Close the page, write it to DIR/PATH by way of DIR/PATH.tmp and rename,
 * and free it. Returns 0, or REPORT_EDIR with the message in the context
 * (libxml2 failed, or the file could not be written). */
int report_page_end(struct report_page *p);

/* Elements. Each records a libxml2 failure in the page (reported by
 * report_page_end) instead of returning it. CLASS may be NULL. */
void report_html_open(struct report_page *p, const char *tag, const char *cls);
void report_html_attr(struct report_page *p, const char *name, const char *value);
void report_html_close(struct report_page *p, const char *tag);     /* TAG: the open one */
void report_html_void(struct report_page *p, const char *tag);  /* <input>, <br> */
/* Page text, cleaned and cut at MAX characters (0: no cut). */
void report_html_text(struct report_page *p, const char *text, size_t max);
void report_html_leaf(struct report_page *p, const char *tag, const char *cls, const char *text);
void report_html_num(struct report_page *p, const char *tag, long n);
/* A link to PATH, a page of ours given from the report's root. */
void report_html_link(struct report_page *p, const char *path, const char *text, size_t max);
/* TEXT with its first occurrence of NEEDLE marked (<mark>), both cleaned. */
void report_html_marked(struct report_page *p, const char *text, const char *needle);
/* A post's title as a link to its page when URL is a post, else as text. */
void report_html_post(struct report_page *p, const char *url, const char *title);
/* A link out of the report to SAFE_URL (from mapsafe_url: http(s),
 * encoded), showing TEXT; plain text when SAFE_URL is NULL. */
void report_html_external(struct report_page *p, const char *safe_url, const char *text);
/* The search box that filters the page's table.filter (or the map). */
void report_html_search(struct report_page *p, const char *placeholder);
/* An SVG document checked by mapsafe, inlined from its <svg> element on. */
void report_html_svg(struct report_page *p, const char *svg, size_t len);
/* A small square of COLOR ("#rrggbb"), drawn in SVG (no style attribute). */
void report_html_swatch(struct report_page *p, const char *color);

/* ---- the pages themselves ---- */

int report_pages_index(struct report_ctx *c);       /* report_pages.c */
int report_pages_map(struct report_ctx *c);
int report_pages_lists(struct report_ctx *c);       /* posts, orphans, hubs, broken */
int report_pages_themes(struct report_ctx *c);      /* report_themes.c */
int report_pages_posts(struct report_ctx *c);       /* report_post.c */

/* The generator meta of every page; only pages carrying it are removed as
 * stale when a report is written again. */
#define REPORT_GENERATOR "blogmap report"

#endif
