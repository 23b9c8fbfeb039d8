/* extract: one HTML page in, the crawler's view of it out.
 *
 * libxml2's HTML parser builds the tree from the whole capped buffer
 * (htmlReadMemory; never the push parser or a file name, matrix X08/X09),
 * after NUL bytes are turned into spaces (X05) and invalid UTF-8 repaired so
 * one bad byte cannot flip the whole page to Latin-1. Post bodies are found by
 * XPath (Blogger's .post-body first, then generic article markup, or the
 * user's --content-xpath). The body is then walked iteratively, never
 * recursively (X02), into "lines" split at <br> and block elements; a line
 * that opens with a lead-in such as "If interested see" starts a related
 * block, and the list-like lines after it carry related links until prose
 * resumes. Links inside an element whose class or id says "related" are
 * related too. Comments, sharing widgets and footers inside a body are
 * skipped. Page-level facts (title, date, labels, canonical, refresh, feeds,
 * meta robots) come from XPath queries on the head and post header. */
#include "blogmap/extract.h"
#include "blogmap/url.h"
#include "textbuf.h"
#include "extract_int.h"

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXTRACT_ANCHOR_MAX 300
#define EXTRACT_CONTEXT_MAX 400
#define EXTRACT_BODY_TEXT_MAX (128 * 1024)   /* body text kept for search */
#define EXTRACT_TEXT_MAX 512

static const char *const body_selectors[] = {
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-body ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' e-content ')]",
    "//article",
    "//main",
};

/* Lead-ins that open a block of related links, matched at a line's start. */
static const char *const leadins[] = {
    "if interested", "related", "and related", "previously", "see also",
    "and the links we embedded", "the links we embedded", "further reading",
    "you may also like", "you might also like", "also see", "more on this",
    "more from the archive", "from the archive", "recommended reading",
};

struct line {
    struct textbuf text;
    size_t first_link;      /* index into the page's body links */
    size_t n_links;
    size_t link_chars;      /* characters of anchor text on the line */
    int related_el;         /* some link sits in a "related" element */
    int bullet;             /* a list item, or text opening with a bullet */
};

struct walker {
    struct extract_page *page;
    const char *base;
    size_t max_links;
    struct line *lines;
    size_t n_lines, cap_lines;
    unsigned char *link_related_el;     /* per body link */
    size_t cap_body;
    struct textbuf prose;       /* body text outside links, for search */
    struct textbuf anchors;     /* body links' anchor text, for search */
};

static size_t word_chars(const char *s);

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

static int has_token(const xmlChar *attr, const char *word)
{
    if (!attr)
        return 0;
    return strcasestr((const char *)attr, word) != NULL;
}

/* Elements inside a body whose links are not the author's: comments,
 * sharing buttons, navigation, scripts. */
static int skip_element(xmlNodePtr n)
{
    static const char *const names[] = {"script", "style", "noscript", "nav", "template",
                                        "iframe", "form", "button", "select", "footer"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcasecmp((const char *)n->name, names[i]))
            return 1;
    xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
    xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
    int skip = has_token(cls, "comment") || has_token(id, "comment") ||
               has_token(cls, "sharedaddy") || has_token(cls, "share-") ||
               has_token(cls, "post-footer") || has_token(cls, "blog-pager") ||
               has_token(cls, "nav-links") || has_token(id, "comments");
    xmlFree(cls);
    xmlFree(id);
    return skip;
}

static int related_element(xmlNodePtr n)
{
    xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
    xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
    int rel = has_token(cls, "related") || has_token(id, "related") ||
              has_token(cls, "linkwithin");
    xmlFree(cls);
    xmlFree(id);
    return rel;
}

static int block_element(const xmlChar *name)
{
    static const char *const blocks[] = {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "table", "tr", "td", "th", "section", "article", "header", "pre",
        "hr", "figure", "figcaption", "aside", "main", "tbody", "thead"};
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (!strcasecmp((const char *)name, blocks[i]))
            return 1;
    return 0;
}

static void line_break(struct walker *w)
{
    textbuf_add_collapsed(&w->prose, " ");
    struct line *cur = w->n_lines ? &w->lines[w->n_lines - 1] : NULL;
    if (cur && cur->text.len == 0 && cur->n_links == 0)
        return;     /* the current line is still empty: reuse it */
    if (w->n_lines == w->cap_lines) {
        w->cap_lines = w->cap_lines ? 2 * w->cap_lines : 32;
        w->lines = xrealloc(w->lines, w->cap_lines * sizeof(*w->lines));
    }
    struct line *l = &w->lines[w->n_lines++];
    memset(l, 0, sizeof(*l));
    l->first_link = w->page->n_body_links;
}

static struct line *cur_line(struct walker *w)
{
    if (!w->n_lines)
        line_break(w);
    return &w->lines[w->n_lines - 1];
}

static void add_body_link(struct walker *w, xmlNodePtr a, int in_related)
{
    xmlChar *href = xmlGetProp(a, (const xmlChar *)"href");
    char *url = NULL;
    struct extract_page *p = w->page;
    if (!href || url_normalize(w->base, (const char *)href, &url) != URL_OK)
        goto out;
    if (p->n_body_links >= w->max_links) {
        p->links_dropped++;
        free(url);
        goto out;
    }
    if (p->n_body_links == w->cap_body) {
        w->cap_body = w->cap_body ? 2 * w->cap_body : 16;
        p->body_links = xrealloc(p->body_links, w->cap_body * sizeof(*p->body_links));
        w->link_related_el = xrealloc(w->link_related_el, w->cap_body);
    }
    struct extract_link *l = &p->body_links[p->n_body_links];
    memset(l, 0, sizeof(*l));
    l->url = url;
    l->anchor = extract_node_text(a, EXTRACT_ANCHOR_MAX);
    w->link_related_el[p->n_body_links] = (unsigned char)in_related;
    p->n_body_links++;
    struct line *ln = cur_line(w);
    ln->n_links++;
    ln->link_chars += word_chars(l->anchor);
    ln->related_el |= in_related;
    textbuf_add_collapsed(&ln->text, l->anchor);
    textbuf_add_collapsed(&w->anchors, l->anchor);
    textbuf_add_collapsed(&w->anchors, " ");
out:
    xmlFree(href);
}

/* Walk one body in document order without recursion. */
static void walk_body(struct walker *w, xmlNodePtr root)
{
    xmlNodePtr n = root->children;
    int related_depth = 0;      /* >0 while inside a "related" element */
    int depth = 0;
    line_break(w);
    while (n && depth >= 0) {
        int descend = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) {
                textbuf_add_collapsed(&cur_line(w)->text, (const char *)n->content);
                textbuf_add_collapsed(&w->prose, (const char *)n->content);
            }
        } else if (n->type == XML_ELEMENT_NODE && !skip_element(n)) {
            if (!strcasecmp((const char *)n->name, "br")) {
                line_break(w);
            } else if (!strcasecmp((const char *)n->name, "a")) {
                add_body_link(w, n, related_depth > 0 || related_element(n));
            } else {
                if (block_element(n->name))
                    line_break(w);
                if (!strcasecmp((const char *)n->name, "li"))
                    cur_line(w)->bullet = 1;
                descend = n->children != NULL;
                if (descend && related_element(n))
                    related_depth++;
            }
        }
        if (descend) {
            n = n->children;
            depth++;
            continue;
        }
        /* climb until a next sibling exists */
        while (n && !n->next && depth >= 0) {
            n = n->parent;
            depth--;
            if (depth < 0 || !n)
                break;
            if (block_element(n->name))
                line_break(w);
            if (related_element(n) && related_depth > 0)
                related_depth--;
        }
        if (!n || depth < 0)
            break;
        if (block_element(n->name) && n->type == XML_ELEMENT_NODE)
            line_break(w);
        n = n->next;
    }
    line_break(w);
}

static int is_leadin(const char *text)
{
    size_t n = strlen(text);
    while (*text && strchr("-*\xe2\x80\xa2\xc2\xb7 ", *text))
        text++, n--;
    if (n == 0 || n > 140)
        return 0;
    for (size_t i = 0; i < sizeof(leadins) / sizeof(leadins[0]); i++) {
        size_t k = strlen(leadins[i]);
        if (strncasecmp(text, leadins[i], k) == 0 && !isalnum((unsigned char)text[k]))
            return 1;
    }
    return 0;
}

/* Letters and digits of S (ASCII), the measure of text used below. */
static size_t word_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += isalnum((unsigned char)*s) != 0;
    return n;
}

/* Characters of a line that are not link text or list bullets. */
static size_t prose_chars(const struct line *l)
{
    size_t n = word_chars(l->text.data);
    return n > l->link_chars ? n - l->link_chars : 0;
}

static void set_line_kind(struct walker *w, const struct line *l, int kind)
{
    for (size_t i = 0; i < l->n_links; i++) {
        size_t k = l->first_link + i;
        w->page->body_links[k].kind = (kind || w->link_related_el[k]) ? EXTRACT_RELATED
                                                                         : EXTRACT_INLINE;
    }
}

static char *line_context(const struct line *l)
{
    struct textbuf tb;
    textbuf_init(&tb, EXTRACT_CONTEXT_MAX);
    textbuf_add_collapsed(&tb, l->text.data ? l->text.data : "");
    return textbuf_take(&tb);
}

/* A line that reads as an item of a list of links: a list item or bulleted
 * line with little prose, or a line that is mostly its links' text. */
static int list_like(const struct line *l, size_t prose)
{
    const char *t = l->text.data ? l->text.data : "";
    int bullet = l->bullet || *t == '-' || *t == '*' || !strncmp(t, "\xe2\x80\xa2", 3);
    size_t half = l->link_chars / 2 > 12 ? l->link_chars / 2 : 12;
    return (bullet && prose <= 60) || prose <= half;
}

/* Decide each body link's kind from the lines around it. */
static void classify_lines(struct walker *w)
{
    int related = 0;
    for (size_t i = 0; i < w->n_lines; i++) {
        const struct line *l = &w->lines[i];
        const char *t = l->text.data ? l->text.data : "";
        size_t prose = prose_chars(l);
        if (l->n_links == 0) {
            if (is_leadin(t))
                related = 1;
            else if (*t && related) {
                size_t n = strlen(t);
                related = n > 0 && (t[n - 1] == ':' || t[n - 1] == '?');
            }
            continue;
        }
        if (is_leadin(t))
            related = 1;
        else if (!list_like(l, prose))
            related = 0;
        set_line_kind(w, l, related);
        for (size_t k = 0; k < l->n_links; k++)
            w->page->body_links[l->first_link + k].context = line_context(l);
    }
}

static void walker_release(struct walker *w)
{
    for (size_t i = 0; i < w->n_lines; i++)
        textbuf_release(&w->lines[i].text);
    free(w->lines);
    free(w->link_related_el);
    textbuf_release(&w->prose);
    textbuf_release(&w->anchors);
}

/* Nodes of the first selector that matches, outermost only. */
static xmlXPathObjectPtr find_bodies(xmlXPathContextPtr xc, const char *user_xpath)
{
    if (user_xpath)
        return xmlXPathEvalExpression((const xmlChar *)user_xpath, xc);
    for (size_t i = 0; i < sizeof(body_selectors) / sizeof(body_selectors[0]); i++) {
        xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)body_selectors[i], xc);
        if (o && o->nodesetval && o->nodesetval->nodeNr > 0)
            return o;
        xmlXPathFreeObject(o);
    }
    return NULL;
}

static int nested_in(xmlNodePtr n, xmlNodeSetPtr set, int upto)
{
    for (xmlNodePtr p = n->parent; p; p = p->parent)
        for (int i = 0; i < upto; i++)
            if (set->nodeTab[i] == p)
                return 1;
    return 0;
}

static void extract_bodies(struct extract_page *p, xmlXPathContextPtr xc, const char *base,
                           const struct extract_opts *o)
{
    xmlXPathObjectPtr bodies = find_bodies(xc, o->content_xpath);
    struct walker w = {.page = p, .base = base, .max_links = o->max_links};
    textbuf_init(&w.prose, EXTRACT_BODY_TEXT_MAX);
    textbuf_init(&w.anchors, EXTRACT_BODY_TEXT_MAX);
    if (!bodies || !bodies->nodesetval)
        goto out;
    xmlNodeSetPtr set = bodies->nodesetval;
    for (int i = 0; i < set->nodeNr; i++) {
        if (set->nodeTab[i]->type != XML_ELEMENT_NODE || nested_in(set->nodeTab[i], set, set->nodeNr))
            continue;
        p->content_blocks++;
        walk_body(&w, set->nodeTab[i]);
    }
    classify_lines(&w);
    p->text = textbuf_take(&w.prose);
    p->anchors = textbuf_take(&w.anchors);
out:
    walker_release(&w);
    xmlXPathFreeObject(bodies);
}


int extract_check_xpath(const char *xpath)
{
    xmlXPathCompExprPtr c = xmlXPathCompile((const xmlChar *)xpath);
    if (!c)
        return EXTRACT_EXPATH;
    xmlXPathFreeCompExpr(c);
    return EXTRACT_OK;
}

static void silent_errors(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int extract_page(const char *html, size_t len, const char *url, const char *content_type,
                 const struct extract_opts *opts, struct extract_page **out)
{
    struct extract_opts o = opts ? *opts : (struct extract_opts){0};
    struct extract_page *p = NULL;
    xmlXPathContextPtr xc = NULL;
    char *clean = NULL, *base = NULL;
    size_t clean_len = 0;
    const char *enc = NULL;
    int rc = EXTRACT_OK;
    if (!o.max_links)
        o.max_links = 6000;
    if (textbuf_looks_binary(html, len))
        return EXTRACT_EBINARY;
    enc = textbuf_prepare_html(html, len, content_type, &clean, &clean_len);
    xmlSetGenericErrorFunc(NULL, silent_errors);
    htmlDocPtr doc = htmlReadMemory(clean, (int)clean_len, url, enc,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                    HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                    HTML_PARSE_COMPACT);
    if (!doc || !(xc = xmlXPathNewContext(doc))) {
        rc = EXTRACT_EPARSE;
        goto out;
    }
    if (o.content_xpath && extract_check_xpath(o.content_xpath) != EXTRACT_OK) {
        rc = EXTRACT_EXPATH;
        goto out;
    }
    p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    base = extract_page_base(xc, url);
    extract_meta(p, xc, base);
    extract_bodies(p, xc, base, &o);
    extract_all_links(p, xc, base, o.max_links);
    *out = p;
    p = NULL;
out:
    extract_page_free(p);
    free(base);
    free(clean);
    xmlXPathFreeContext(xc);
    xmlFreeDoc(doc);
    return rc;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void extract_page_free(struct extract_page *p)
{
    if (!p)
        return;
    free(p->title);
    free(p->text);
    free(p->anchors);
    free(p->date);
    free(p->labels);
    free(p->canonical);
    free(p->refresh);
    for (size_t i = 0; i < p->n_body_links; i++) {
        free(p->body_links[i].url);
        free(p->body_links[i].anchor);
        free(p->body_links[i].context);
    }
    free(p->body_links);
    free_strv(p->links, p->n_links);
    free_strv(p->feeds, p->n_feeds);
    free(p);
}

const char *extract_strerror(int code)
{
    switch (code) {
    case EXTRACT_OK: return "ok";
    case EXTRACT_EPARSE: return "HTML could not be parsed";
    case EXTRACT_EXPATH: return "invalid XPath expression";
    case EXTRACT_EBINARY: return "not text";
    default: return "extraction failed";
    }
}
