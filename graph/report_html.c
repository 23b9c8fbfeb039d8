/* report_html: the page writer of the report.
 *
 * Pages are HTML written with libxml2's xmlTextWriter into a memory buffer,
 * so that every text and attribute value is escaped by the library and no
 * title can open a tag. The writer speaks XML, and two of its habits would
 * mislead an HTML parser, so this file works around them: an element with
 * no content is closed with an end tag (xmlTextWriterFullEndElement), since
 * "<script/>" or "<a/>" is an open tag to HTML, and only the void elements
 * (meta, link, input, br) are written as "<x/>"; and the document starts
 * with "<!DOCTYPE html>" and no XML declaration. Text is first cleaned by
 * mapsafe_text (bad UTF-8 repaired, controls and bidi overrides dropped,
 * long text cut), because the writer passes such bytes through unchanged.
 * The only raw markup written is an SVG map that mapsafe_check_svg accepted.
 *
 * Each page carries a Content-Security-Policy that allows the report's own
 * app.js and style.css and nothing else: no inline script or style, no
 * network, no forms, no <base>. Calls record a libxml2 failure in the page
 * rather than return it, so page code reads as a plain sequence of elements;
 * report_page_end turns a recorded failure into an error. */
#include "blogmap/mapsafe.h"
#include "reportInt.h"

#include <libxml/xmlwriter.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_CSP "default-src 'none'; script-src 'self'; style-src 'self'; " \
                   "img-src 'self' data:; base-uri 'none'; form-action 'none'"

struct report_page {
    struct report_ctx *c;
    char *path;
    int depth;
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int failed;
};

static const struct {
    const char *path, *label;
} report_nav[] = {
    {"index.html", "Overview"}, {"map.html", "Map"}, {"posts.html", "Posts"},
    {"hubs.html", "Hubs"}, {"orphans.html", "Orphans"}, {"broken.html", "Broken links"},
};

/* Block elements, after whose end tag a newline keeps the source readable. */
static const char *const block_tags[] = {
    "html", "head", "body", "header", "nav", "main", "footer", "section", "div", "p", "h1",
    "h2", "table", "thead", "tbody", "tr", "ul", "li", "dl", "dd", "title", "script", NULL
};

static void check(struct report_page *p, int rc)
{
    if (rc < 0)
        p->failed = 1;
}

static int is_block(const char *tag)
{
    for (size_t i = 0; block_tags[i]; i++)
        if (!strcmp(block_tags[i], tag))
            return 1;
    return 0;
}

void report_html_open(struct report_page *p, const char *tag, const char *cls)
{
    if (!p->w)
        return;
    check(p, xmlTextWriterStartElement(p->w, BAD_CAST tag));
    if (cls)
        check(p, xmlTextWriterWriteAttribute(p->w, BAD_CAST "class", BAD_CAST cls));
}

/* VALUE is written cleaned (it may come from a page). */
void report_html_attr(struct report_page *p, const char *name, const char *value)
{
    if (!p->w)
        return;
    char *v = mapsafe_text(value, REPORT_TEXT_CHARS, 0);
    check(p, xmlTextWriterWriteAttribute(p->w, BAD_CAST name, BAD_CAST v));
    free(v);
}

void report_html_close(struct report_page *p, const char *tag)
{
    if (!p->w)
        return;
    check(p, xmlTextWriterFullEndElement(p->w));
    if (is_block(tag))
        check(p, xmlTextWriterWriteRaw(p->w, BAD_CAST "\n"));
}

void report_html_void(struct report_page *p, const char *tag)
{
    (void)tag;
    if (p->w)
        check(p, xmlTextWriterEndElement(p->w));
}

void report_html_text(struct report_page *p, const char *text, size_t max)
{
    if (!p->w)
        return;
    char *v = mapsafe_text(text, max, 0);
    check(p, xmlTextWriterWriteString(p->w, BAD_CAST v));
    free(v);
}

void report_html_leaf(struct report_page *p, const char *tag, const char *cls, const char *text)
{
    report_html_open(p, tag, cls);
    report_html_text(p, text, REPORT_TEXT_CHARS);
    report_html_close(p, tag);
}

void report_html_num(struct report_page *p, const char *tag, long n)
{
    char num[32];
    snprintf(num, sizeof(num), "%ld", n);
    report_html_leaf(p, tag, "num", num);
}

/* PATH, given from the report's root, as seen from this page. */
static void href(struct report_page *p, const char *path)
{
    char rel[REPORT_LINK_MAX + 32] = "";
    size_t n = 0;
    for (int i = 0; i < p->depth && n + 3 < sizeof(rel); i++, n += 3)
        memcpy(rel + n, "../", 4);
    snprintf(rel + n, sizeof(rel) - n, "%s", path);
    if (p->w)
        check(p, xmlTextWriterWriteAttribute(p->w, BAD_CAST "href", BAD_CAST rel));
}

void report_html_link(struct report_page *p, const char *path, const char *text, size_t max)
{
    report_html_open(p, "a", NULL);
    href(p, path);
    report_html_text(p, text, max);
    report_html_close(p, "a");
}

/* Text that mapsafe_text already cleaned, as it is (cleaning a piece of it
 * again would trim the spaces at its ends). */
static void put_clean(struct report_page *p, const char *clean)
{
    if (p->w && clean[0])
        check(p, xmlTextWriterWriteString(p->w, BAD_CAST clean));
}

void report_html_marked(struct report_page *p, const char *text, const char *needle)
{
    char *t = mapsafe_text(text, REPORT_TEXT_CHARS, 0);
    char *k = mapsafe_text(needle, REPORT_TEXT_CHARS, 0);
    char *at = k[0] ? strstr(t, k) : NULL;
    if (!at) {
        put_clean(p, t);
    } else {
        *at = '\0';
        put_clean(p, t);
        report_html_open(p, "mark", NULL);
        put_clean(p, k);
        report_html_close(p, "mark");
        put_clean(p, at + strlen(k));
    }
    free(t);
    free(k);
}

void report_html_post(struct report_page *p, const char *url, const char *title)
{
    long i = report_find_url(p->c, url);
    const char *shown = title && title[0] ? title : url;
    char path[REPORT_LINK_MAX];
    if (i < 0) {
        report_html_leaf(p, "span", "url", shown);
        return;
    }
    report_post_path(p->c->all->nodes[i].id, path);
    report_html_link(p, path, shown, REPORT_TITLE_CHARS);
}

void report_html_external(struct report_page *p, const char *safe_url, const char *text)
{
    if (!safe_url) {
        report_html_leaf(p, "span", "url", text);
        return;
    }
    report_html_open(p, "a", "url");
    if (p->w)
        check(p, xmlTextWriterWriteAttribute(p->w, BAD_CAST "href", BAD_CAST safe_url));
    report_html_attr(p, "rel", "external noopener noreferrer");
    report_html_text(p, text, REPORT_TEXT_CHARS);
    report_html_close(p, "a");
}

void report_html_search(struct report_page *p, const char *placeholder)
{
    report_html_open(p, "p", "search");
    report_html_open(p, "input", NULL);
    report_html_attr(p, "id", "search");
    report_html_attr(p, "type", "search");
    report_html_attr(p, "autocomplete", "off");
    report_html_attr(p, "aria-label", "Search");
    report_html_attr(p, "placeholder", placeholder);
    report_html_void(p, "input");
    report_html_open(p, "span", NULL);
    report_html_attr(p, "id", "search-count");
    report_html_attr(p, "aria-live", "polite");
    report_html_close(p, "span");
    report_html_close(p, "p");
}

/* The root element's start tag in SVG: the first "<svg" followed by white
 * space or ">". What comes before it in Graphviz's output (the XML
 * declaration, a DOCTYPE naming an external DTD and comments with fixed
 * text) has no place in an HTML page. */
static const char *svg_root(const char *svg, size_t len)
{
    const char *at = svg, *end = svg + len;
    while ((at = memmem(at, (size_t)(end - at), "<svg", 4)) != NULL) {
        if (at + 4 < end && at[4] != '\0' && strchr(" \t\r\n>", at[4]))
            return at;
        at += 4;
    }
    return NULL;
}

void report_html_svg(struct report_page *p, const char *svg, size_t len)
{
    const char *at = svg ? svg_root(svg, len) : NULL;
    size_t n = at ? len - (size_t)(at - svg) : 0;
    if (!at || n > INT_MAX) {
        p->failed = 1;
        return;
    }
    if (p->w)
        check(p, xmlTextWriterWriteRawLen(p->w, BAD_CAST at, (int)n));
}

static int valid_color(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return (n == 7 || n == 4) && s[0] == '#' && strspn(s + 1, "0123456789abcdefABCDEF") == n - 1;
}

void report_html_swatch(struct report_page *p, const char *color)
{
    report_html_open(p, "svg", "swatch");
    report_html_attr(p, "width", "12");
    report_html_attr(p, "height", "12");
    report_html_attr(p, "viewBox", "0 0 12 12");
    report_html_attr(p, "aria-hidden", "true");
    report_html_open(p, "rect", NULL);
    report_html_attr(p, "width", "12");
    report_html_attr(p, "height", "12");
    report_html_attr(p, "rx", "2");
    report_html_attr(p, "fill", valid_color(color) ? color : TOPICS_OTHER_COLOR);
    report_html_void(p, "rect");
    report_html_close(p, "svg");
}

/* ---- the page ---- */

/* "TITLE · SITE", the title cut by characters (a cut by bytes could split
 * one). */
static void page_title(struct report_page *p, const char *title)
{
    char *t = mapsafe_text(title, 100, 0);
    size_t n = strlen(t) + strlen(p->c->title) + 8;
    char *full = malloc(n);
    if (!full)
        abort();
    snprintf(full, n, "%s \xc2\xb7 %s", t, p->c->title);
    report_html_leaf(p, "title", NULL, full);
    free(full);
    free(t);
}

static void head(struct report_page *p, const char *title)
{
    report_html_open(p, "head", NULL);
    report_html_open(p, "meta", NULL);
    report_html_attr(p, "charset", "utf-8");
    report_html_void(p, "meta");
    report_html_open(p, "meta", NULL);
    report_html_attr(p, "http-equiv", "Content-Security-Policy");
    report_html_attr(p, "content", REPORT_CSP);
    report_html_void(p, "meta");
    report_html_open(p, "meta", NULL);
    report_html_attr(p, "name", "viewport");
    report_html_attr(p, "content", "width=device-width, initial-scale=1");
    report_html_void(p, "meta");
    report_html_open(p, "meta", NULL);
    report_html_attr(p, "name", "referrer");
    report_html_attr(p, "content", "no-referrer");
    report_html_void(p, "meta");
    report_html_open(p, "meta", NULL);     /* how a re-run knows its own pages */
    report_html_attr(p, "name", "generator");
    report_html_attr(p, "content", REPORT_GENERATOR);
    report_html_void(p, "meta");
    page_title(p, title);
    report_html_open(p, "link", NULL);
    report_html_attr(p, "rel", "stylesheet");
    href(p, "style.css");
    report_html_void(p, "link");
    report_html_open(p, "script", NULL);
    if (p->w) {
        char src[32];
        snprintf(src, sizeof(src), "%sapp.js", p->depth ? "../" : "");
        check(p, xmlTextWriterWriteAttribute(p->w, BAD_CAST "src", BAD_CAST src));
    }
    report_html_attr(p, "defer", "defer");
    report_html_close(p, "script");
    report_html_close(p, "head");
}

static void site_header(struct report_page *p, const char *current)
{
    report_html_open(p, "header", "site");
    report_html_leaf(p, "span", "name", p->c->title);
    report_html_open(p, "nav", NULL);
    for (size_t i = 0; i < sizeof(report_nav) / sizeof(report_nav[0]); i++) {
        int here = current && !strcmp(current, report_nav[i].path);
        report_html_open(p, "a", here ? "current" : NULL);
        href(p, report_nav[i].path);
        if (here)
            report_html_attr(p, "aria-current", "page");
        report_html_text(p, report_nav[i].label, 0);
        report_html_close(p, "a");
    }
    report_html_close(p, "nav");
    report_html_close(p, "header");
}

struct report_page *report_page_begin(struct report_ctx *c, const char *path, int depth,
                                      const char *title, const char *current)
{
    struct report_page *p = calloc(1, sizeof(*p));
    if (!p || !(p->path = strdup(path)))
        abort();
    p->c = c;
    p->depth = depth;
    p->buf = xmlBufferCreate();
    p->w = p->buf ? xmlNewTextWriterMemory(p->buf, 0) : NULL;
    if (!p->w) {
        p->failed = 1;
        return p;
    }
    check(p, xmlTextWriterWriteDTD(p->w, BAD_CAST "html", NULL, NULL, NULL));
    check(p, xmlTextWriterWriteRaw(p->w, BAD_CAST "\n"));
    report_html_open(p, "html", NULL);
    report_html_attr(p, "lang", "en");
    head(p, title);
    report_html_open(p, "body", NULL);
    site_header(p, current);
    report_html_open(p, "main", NULL);
    return p;
}

int report_page_end(struct report_page *p)
{
    int rc = REPORT_OK;
    report_html_close(p, "main");
    report_html_open(p, "footer", NULL);
    report_html_text(p, "Written by blogmap from its crawl database; works offline.", 0);
    report_html_close(p, "footer");
    report_html_close(p, "body");
    report_html_close(p, "html");
    if (p->w)
        check(p, xmlTextWriterEndDocument(p->w));
    xmlFreeTextWriter(p->w);        /* flushes into the buffer */
    if (p->failed || !p->buf)
        rc = report_fail(p->c, REPORT_EDIR, "cannot write the page '%s': libxml2 failed", p->path);
    else
        rc = report_write_file(p->c, p->path, (const char *)xmlBufferContent(p->buf),
                               (size_t)xmlBufferLength(p->buf));
    xmlBufferFree(p->buf);
    free(p->path);
    free(p);
    return rc;
}
