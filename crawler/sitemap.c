/* sitemap: sitemaps and feeds, read with libxml2's XML reader options that
 * forbid the network, DTDs and entity expansion (XML_PARSE_NONET, no NOENT,
 * no DTDLOAD, never the HUGE option). Elements are matched by local name so
 * namespaced and un-namespaced documents both work: <urlset>/<url>/<loc>,
 * <sitemapindex>/<sitemap>/<loc>, Atom <feed>/<entry>/<link rel=alternate>
 * and <link rel=next>, RSS <channel>/<item>/<link>.
 *
 * A feed entry's facts are read here, where the XML tree is, so that the
 * crawler can take a post from its feed without fetching its page: title,
 * date, labels (categories, joined the way a page's rel=tag labels are) and
 * the body HTML when the feed carries it whole (Atom <content type=html> or
 * xhtml, RSS <content:encoded>). A summary (<summary>, <description>) is no
 * body: a post known only by its summary is fetched as a page. */
#include "blogmap/sitemap.h"
#include "blogmap/url.h"
#include "extract_int.h"
#include "textbuf.h"

#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SITEMAP_DEFAULT_MAX 50000
#define SITEMAP_TITLE_MAX 1024      /* as a page's title */
#define SITEMAP_LABEL_MAX 128       /* as one rel=tag label */
#define SITEMAP_LABELS_MAX 1024     /* as a page's labels */
#define RSS_CONTENT_NS "http://purl.org/rss/1.0/modules/content/"

/* What a feed says about one entry besides its URL; owned strings. */
struct entry_facts {
    char *title, *published, *labels, *content;
};

static int named(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (named(c, name))
            return c;
    return NULL;
}

/* Store S at index N of *V, growing the array at powers of two. */
static void push_at(char ***v, size_t n, char *s)
{
    if (n == 0 || (n & (n - 1)) == 0) {
        size_t cap = n ? 2 * n : 1;
        char **p = realloc(*v, cap * sizeof(**v));
        if (!p)
            abort();
        *v = p;
    }
    (*v)[n] = s;
}

static char *norm(const char *base, const xmlChar *raw)
{
    char *out = NULL;
    if (!raw || url_normalize(base, (const char *)raw, &out) != URL_OK)
        return NULL;
    return out;
}

static char *dup_or_abort(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        abort();
    return d;
}

/* Text of N with whitespace collapsed, at most MAX bytes; NULL when empty. */
static char *collapsed(xmlNodePtr n, size_t max)
{
    struct textbuf tb;
    xmlChar *raw = n ? xmlNodeGetContent(n) : NULL;
    textbuf_init(&tb, max);
    if (raw)
        textbuf_add_collapsed(&tb, (const char *)raw);
    xmlFree(raw);
    char *s = textbuf_take(&tb);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

static void facts_release(struct entry_facts *f)
{
    free(f->title);
    free(f->published);
    free(f->labels);
    free(f->content);
    memset(f, 0, sizeof(*f));
}

/* Add URL (owned; NULL is skipped) with its LASTMOD and, for a feed, the
 * entry's facts F (taken over, and cleared). */
static void add_page(struct sitemap_list *l, char *url, xmlChar *lastmod,
                     struct entry_facts *f, size_t max)
{
    size_t n = l->n_pages;
    if (!url || n >= max) {
        free(url);
        if (f)
            facts_release(f);
        return;
    }
    push_at(&l->pages, n, url);
    push_at(&l->lastmod, n, dup_or_abort((const char *)lastmod));
    if (l->is_feed) {
        struct entry_facts none = {0};
        if (!f)
            f = &none;
        push_at(&l->titles, n, f->title);
        push_at(&l->published, n, f->published);
        push_at(&l->labels, n, f->labels);
        push_at(&l->content, n, f->content);
        memset(f, 0, sizeof(*f));
    }
    l->n_pages = n + 1;
}

static void read_urlset(struct sitemap_list *l, xmlNodePtr root, const char *base, size_t max)
{
    int index = named(root, "sitemapindex");
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!named(c, index ? "sitemap" : "url"))
            continue;
        xmlChar *loc = xmlNodeGetContent(child(c, "loc"));
        xmlChar *lm = xmlNodeGetContent(child(c, "lastmod"));
        char *u = norm(base, loc);
        if (u && index)
            push_at(&l->more, l->n_more++, u);
        else
            add_page(l, u, lm, NULL, max);
        xmlFree(loc);
        xmlFree(lm);
    }
}

/* The href of the first <link rel=REL> child of N (Atom). */
static xmlChar *atom_link(xmlNodePtr n, const char *rel)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!named(c, "link"))
            continue;
        xmlChar *r = xmlGetProp(c, (const xmlChar *)"rel");
        int match = r ? !strcmp((const char *)r, rel) : !strcmp(rel, "alternate");
        xmlFree(r);
        if (match)
            return xmlGetProp(c, (const xmlChar *)"href");
    }
    return NULL;
}

static void silent_errors(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* The text of an HTML fragment (an Atom title of type html: "A &amp;amp; B"
 * is "A &amp; B" once XML is decoded and "A & B" once HTML is). */
static char *html_text(const char *html)
{
    char *out = NULL;
    xmlSetGenericErrorFunc(NULL, silent_errors);
    htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                    HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root)
        out = collapsed(root, SITEMAP_TITLE_MAX);
    xmlFreeDoc(doc);
    return out;
}

static char *entry_title(xmlNodePtr t)
{
    xmlChar *type = t ? xmlGetProp(t, (const xmlChar *)"type") : NULL;
    int html = type && !strcmp((const char *)type, "html");
    xmlFree(type);
    if (!html)
        return collapsed(t, SITEMAP_TITLE_MAX);
    char *raw = collapsed(t, 4 * SITEMAP_TITLE_MAX);
    char *s = raw ? html_text(raw) : NULL;
    free(raw);
    return s;
}

/* The first date among the children named in NAMES, as YYYY-MM-DD. */
static char *entry_date(xmlNodePtr e, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *raw = collapsed(child(e, names[i]), 256), *d = NULL;
        if (raw)
            d = extract_parse_date(raw);
        free(raw);
        if (d)
            return d;
    }
    return NULL;
}

/* Categories joined with ", ", a label that repeats an earlier one left
 * out: what extract.h makes of a page's rel=tag links. */
static char *entry_labels(xmlNodePtr e, int atom)
{
    struct textbuf tb;
    textbuf_init(&tb, SITEMAP_LABELS_MAX);
    for (xmlNodePtr c = e->children; c; c = c->next) {
        if (!named(c, "category"))
            continue;
        char *t = NULL;
        if (atom) {
            xmlChar *term = xmlGetProp(c, (const xmlChar *)"term");
            struct textbuf one;
            textbuf_init(&one, SITEMAP_LABEL_MAX);
            if (term)
                textbuf_add_collapsed(&one, (const char *)term);
            xmlFree(term);
            t = textbuf_take(&one);
        } else {
            t = collapsed(c, SITEMAP_LABEL_MAX);
        }
        if (t && *t && !(tb.data && strstr(tb.data, t))) {
            if (tb.len)
                textbuf_add_collapsed(&tb, ", ");
            textbuf_add_collapsed(&tb, t);
        }
        free(t);
    }
    char *s = textbuf_take(&tb);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

/* A copy of S when it is body HTML of a sane size, else NULL. */
static char *kept_content(const xmlChar *s)
{
    if (!s || !*s || strlen((const char *)s) > SITEMAP_CONTENT_MAX)
        return NULL;
    return dup_or_abort((const char *)s);
}

/* Atom <content type=xhtml>: the children of its <div>, serialised. */
static char *xhtml_content(xmlNodePtr content)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodePtr div = child(content, "div");
    char *out = NULL;
    if (!buf)
        abort();
    for (xmlNodePtr c = (div ? div : content)->children; c; c = c->next) {
        if (xmlNodeDump(buf, c->doc, c, 0, 0) < 0 ||
            (size_t)xmlBufferLength(buf) > SITEMAP_CONTENT_MAX)
            goto out;
    }
    out = kept_content(xmlBufferContent(buf));
out:
    xmlBufferFree(buf);
    return out;
}

/* The body of an Atom entry: <content> of type html or xhtml held inline.
 * Text content, out-of-line content (src=) and <summary> are no body. */
static char *atom_content(xmlNodePtr e)
{
    xmlNodePtr c = child(e, "content");
    char *out = NULL;
    if (!c)
        return NULL;
    xmlChar *type = xmlGetProp(c, (const xmlChar *)"type");
    xmlChar *src = xmlGetProp(c, (const xmlChar *)"src");
    const char *t = type ? (const char *)type : "text";
    if (!src && !strcmp(t, "xhtml")) {
        out = xhtml_content(c);
    } else if (!src && strcasestr(t, "html")) {     /* "html", or a MIME type */
        xmlChar *raw = xmlNodeGetContent(c);
        out = kept_content(raw);
        xmlFree(raw);
    }
    xmlFree(type);
    xmlFree(src);
    return out;
}

/* The body of an RSS item: <content:encoded>; <description> is a summary. */
static char *rss_content(xmlNodePtr item)
{
    for (xmlNodePtr c = item->children; c; c = c->next) {
        if (!named(c, "encoded") || !c->ns || !c->ns->href ||
            strcmp((const char *)c->ns->href, RSS_CONTENT_NS) != 0)
            continue;
        xmlChar *raw = xmlNodeGetContent(c);
        char *out = kept_content(raw);
        xmlFree(raw);
        return out;
    }
    return NULL;
}

/* openSearch:totalResults or startIndex under N, -1 when absent or bad. */
static long open_search(xmlNodePtr n, const char *name)
{
    xmlChar *raw = xmlNodeGetContent(child(n, name));
    long v = -1;
    if (raw) {
        char *end;
        errno = 0;
        long x = strtol((const char *)raw, &end, 10);
        while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
            end++;
        if (!errno && end != (char *)raw && !*end && x >= 0)
            v = x;
    }
    xmlFree(raw);
    return v;
}

static void read_atom(struct sitemap_list *l, xmlNodePtr root, const char *base, size_t max)
{
    static const char *const dates[] = {"published", "updated"};
    xmlChar *next = atom_link(root, "next");
    char *u = norm(base, next);
    if (u)
        push_at(&l->more, l->n_more++, u);
    xmlFree(next);
    l->total_results = open_search(root, "totalResults");
    l->start_index = open_search(root, "startIndex");
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!named(c, "entry"))
            continue;
        xmlChar *href = atom_link(c, "alternate");
        xmlChar *upd = xmlNodeGetContent(child(c, "updated"));
        struct entry_facts f = {
            .title = entry_title(child(c, "title")), .published = entry_date(c, dates, 2),
            .labels = entry_labels(c, 1), .content = atom_content(c)};
        add_page(l, norm(base, href), upd, &f, max);
        xmlFree(href);
        xmlFree(upd);
    }
}

static void read_rss(struct sitemap_list *l, xmlNodePtr root, const char *base, size_t max)
{
    static const char *const dates[] = {"pubDate", "date"};
    xmlNodePtr ch = child(root, "channel");
    l->total_results = open_search(ch, "totalResults");
    l->start_index = open_search(ch, "startIndex");
    for (xmlNodePtr c = ch ? ch->children : NULL; c; c = c->next) {
        if (!named(c, "item"))
            continue;
        xmlChar *link = xmlNodeGetContent(child(c, "link"));
        struct entry_facts f = {
            .title = entry_title(child(c, "title")), .published = entry_date(c, dates, 2),
            .labels = entry_labels(c, 0), .content = rss_content(c)};
        add_page(l, norm(base, link), NULL, &f, max);
        xmlFree(link);
    }
}

int sitemap_parse(const char *xml, size_t len, const char *url, size_t max_urls,
                  struct sitemap_list **out)
{
    int rc = SITEMAP_OK;
    xmlDocPtr doc = NULL;
    struct sitemap_list *l = NULL;
    if (len > (size_t)1 << 30)
        return SITEMAP_EPARSE;
    doc = xmlReadMemory(xml, (int)len, url, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                        XML_PARSE_RECOVER | XML_PARSE_COMPACT);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        rc = SITEMAP_EPARSE;
        goto out;
    }
    l = calloc(1, sizeof(*l));
    if (!l)
        abort();
    l->total_results = l->start_index = -1;
    if (!max_urls)
        max_urls = SITEMAP_DEFAULT_MAX;
    if (named(root, "urlset") || named(root, "sitemapindex")) {
        read_urlset(l, root, url, max_urls);
    } else if (named(root, "feed")) {
        l->is_feed = 1;
        read_atom(l, root, url, max_urls);
    } else if (named(root, "rss") || named(root, "RDF")) {
        l->is_feed = 1;
        read_rss(l, root, url, max_urls);
    } else {
        rc = SITEMAP_EFORMAT;
        goto out;
    }
    *out = l;
    l = NULL;
out:
    sitemap_list_free(l);
    xmlFreeDoc(doc);
    return rc;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void sitemap_list_free(struct sitemap_list *l)
{
    if (!l)
        return;
    free_strv(l->pages, l->n_pages);
    free_strv(l->lastmod, l->n_pages);
    free_strv(l->titles, l->n_pages);
    free_strv(l->published, l->n_pages);
    free_strv(l->labels, l->n_pages);
    free_strv(l->content, l->n_pages);
    free_strv(l->more, l->n_more);
    free(l);
}

const char *sitemap_strerror(int code)
{
    switch (code) {
    case SITEMAP_OK: return "ok";
    case SITEMAP_EPARSE: return "not well-formed XML";
    case SITEMAP_EFORMAT: return "neither a sitemap nor a feed";
    default: return "sitemap error";
    }
}
