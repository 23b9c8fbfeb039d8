/* extract_meta: page-level facts read with XPath: title, publication date,
 * labels, canonical URL, meta refresh, feed links, meta robots, whether the
 * page calls itself an article (og:type, JSON-LD), and every link for
 * discovery. Each fact has an ordered list of places to look, Blogger's
 * markup first, then WordPress, microformats and plain HTML. */
#include "extract_int.h"
#include "blogmap/url.h"
#include "textbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CLASS(c) "contains(concat(' ', normalize-space(@class), ' '), ' " c " ')"

static const char *const title_paths[] = {
    "(//*[" CLASS("post-title") " or " CLASS("entry-title") "][not(ancestor::nav)]"
    "[not(ancestor::aside)][not(ancestor::*[contains(@class, 'nav')])])[1]",
    "(//*[" CLASS("p-name") "])[1]",
    "//meta[@property='og:title']/@content",
    "(//article//h1)[1]",
    "//title",
};

static const char *const date_paths[] = {
    "(//abbr[" CLASS("published") "]/@title)[1]",
    "(//time[" CLASS("published") "]/@datetime)[1]",
    "(//*[" CLASS("dt-published") "]/@datetime)[1]",
    "//meta[@property='article:published_time']/@content",
    "(//time/@datetime)[1]",
    "(//*[" CLASS("date-header") "])[1]",
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

char *extract_node_text(xmlNodePtr n, size_t max)
{
    struct textbuf tb;
    textbuf_init(&tb, max);
    xmlChar *s = xmlNodeGetContent(n);
    if (s)
        textbuf_add_collapsed(&tb, (const char *)s);
    xmlFree(s);
    return textbuf_take(&tb);
}

/* Text of the first node XPATH selects, or NULL when none or empty. */
static char *first_text(xmlXPathContextPtr xc, const char *xpath, size_t max)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, xc);
    char *s = NULL;
    if (o && o->nodesetval && o->nodesetval->nodeNr > 0)
        s = extract_node_text(o->nodesetval->nodeTab[0], max);
    xmlXPathFreeObject(o);
    if (s && !*s) {
        free(s);
        s = NULL;
    }
    return s;
}

static char *first_of(xmlXPathContextPtr xc, const char *const *paths, size_t n, size_t max)
{
    for (size_t i = 0; i < n; i++) {
        char *s = first_text(xc, paths[i], max);
        if (s)
            return s;
    }
    return NULL;
}

char *extract_page_base(xmlXPathContextPtr xc, const char *url)
{
    char *href = first_text(xc, "(//base/@href)[1]", 4096), *out = NULL;
    if (href && url_normalize(NULL, href, &out) == URL_OK) {
        free(href);
        return out;
    }
    free(href);
    out = strdup(url);
    if (!out)
        abort();
    return out;
}

static int month_of(const char *w)
{
    static const char *const m[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(w, m[i], 3) == 0)
            return i + 1;
    return 0;
}

static char *format_date(long y, long m, long d)
{
    char buf[16];
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return NULL;
    snprintf(buf, sizeof(buf), "%04ld-%02ld-%02ld", y, m, d);
    char *s = strdup(buf);
    if (!s)
        abort();
    return s;
}

char *extract_parse_date(const char *s)
{
    long y = 0, m = 0, d = 0;
    const char *p = s;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (strlen(p) >= 10 && isdigit((unsigned char)p[0]) && p[4] == '-' && p[7] == '-') {
        y = strtol(p, NULL, 10);
        m = strtol(p + 5, NULL, 10);
        d = strtol(p + 8, NULL, 10);
        return format_date(y, m, d);
    }
    for (; *p; p++) {
        if (isalpha((unsigned char)*p) && (p == s || !isalpha((unsigned char)p[-1])) && !m)
            m = month_of(p);
        if (isdigit((unsigned char)*p) && (p == s || !isdigit((unsigned char)p[-1]))) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end - p == 4 && !y)     /* the first: "+0000" is a zone */
                y = v;
            else if (end - p <= 2 && !d)
                d = v;
        }
    }
    return format_date(y, m, d);
}

static char *find_date(xmlXPathContextPtr xc)
{
    for (size_t i = 0; i < sizeof(date_paths) / sizeof(date_paths[0]); i++) {
        char *raw = first_text(xc, date_paths[i], 256), *d;
        if (!raw)
            continue;
        d = extract_parse_date(raw);
        free(raw);
        if (d)
            return d;
    }
    return NULL;
}

static char *find_labels(xmlXPathContextPtr xc)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(
        (const xmlChar *)"//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]", xc);
    struct textbuf tb;
    textbuf_init(&tb, 1024);
    for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
        char *t = extract_node_text(o->nodesetval->nodeTab[i], 128);
        if (*t && !(tb.data && strstr(tb.data, t))) {
            if (tb.len)
                textbuf_add_collapsed(&tb, ", ");
            textbuf_add_collapsed(&tb, t);
        }
        free(t);
    }
    xmlXPathFreeObject(o);
    char *s = textbuf_take(&tb);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

static char *resolved(xmlXPathContextPtr xc, const char *xpath, const char *base)
{
    char *href = first_text(xc, xpath, 8192), *out = NULL;
    if (href && url_normalize(base, href, &out) != URL_OK)
        out = NULL;
    free(href);
    return out;
}

/* "0; url=/x" → the URL part, resolved. */
static char *refresh_target(xmlXPathContextPtr xc, const char *base)
{
    char *c = first_text(xc, "//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content",
                         8192), *out = NULL;
    const char *u = c ? strcasestr(c, "url") : NULL;
    if (u) {
        u += 3;
        while (*u == ' ' || *u == '=' || *u == '\'' || *u == '"')
            u++;
        char *copy = strdup(u);
        if (!copy)
            abort();
        size_t n = strlen(copy);
        while (n && (copy[n - 1] == '\'' || copy[n - 1] == '"'))
            copy[--n] = '\0';
        if (url_normalize(base, copy, &out) != URL_OK)
            out = NULL;
        free(copy);
    }
    free(c);
    return out;
}

static int is_article(xmlXPathContextPtr xc)
{
    char *og = first_text(xc, "//meta[@property='og:type']/@content", 64);
    int yes = og && !strcasecmp(og, "article");
    free(og);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(
        (const xmlChar *)"//script[@type='application/ld+json']", xc);
    for (int i = 0; !yes && o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
        char *t = extract_node_text(o->nodesetval->nodeTab[i], 65536);
        yes = strstr(t, "BlogPosting") || strstr(t, "\"Article\"") || strstr(t, "NewsArticle");
        free(t);
    }
    xmlXPathFreeObject(o);
    return yes;
}

static void meta_robots(struct extract_page *p, xmlXPathContextPtr xc)
{
    char *c = first_text(xc, "//meta[translate(@name, 'ROBTS', 'robts')='robots']/@content", 256);
    if (c) {
        p->nofollow = strcasestr(c, "nofollow") != NULL || strcasestr(c, "none") != NULL;
        p->noindex = strcasestr(c, "noindex") != NULL || strcasestr(c, "none") != NULL;
    }
    free(c);
}

/* Normalised URLs of every node XPATH selects, appended to *V (capped). */
static void collect_urls(xmlXPathContextPtr xc, const char *xpath, const char *base,
                         char ***v, size_t *n, size_t max, size_t *dropped)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, xc);
    size_t cap = *n;
    for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
        xmlChar *href = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
        char *u = NULL;
        if (href && url_normalize(base, (const char *)href, &u) == URL_OK) {
            if (*n >= max) {
                free(u);
                if (dropped)
                    (*dropped)++;
            } else {
                if (*n == cap) {
                    cap = cap ? 2 * cap : 64;
                    *v = xrealloc(*v, cap * sizeof(**v));
                }
                (*v)[(*n)++] = u;
            }
        }
        xmlFree(href);
    }
    xmlXPathFreeObject(o);
}

void extract_meta(struct extract_page *p, xmlXPathContextPtr xc, const char *base)
{
    p->title = first_of(xc, title_paths, sizeof(title_paths) / sizeof(title_paths[0]), 1024);
    p->date = find_date(xc);
    p->labels = find_labels(xc);
    p->canonical = resolved(xc, "//link[translate(@rel, 'CANOICL', 'canoicl')='canonical']/@href",
                            base);
    p->refresh = refresh_target(xc, base);
    p->og_article = is_article(xc);
    meta_robots(p, xc);
    collect_urls(xc, "//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]"
                     "/@href", base, &p->feeds, &p->n_feeds, 16, NULL);
}

void extract_all_links(struct extract_page *p, xmlXPathContextPtr xc, const char *base,
                       size_t max)
{
    if (p->nofollow)
        return;
    collect_urls(xc, "//a/@href", base, &p->links, &p->n_links, max, &p->links_dropped);
}
