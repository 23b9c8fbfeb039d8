/* extract: one HTML page in, the crawler's view of it out.
 *
 * The page is read in one pass with libxml2's HTML parser in SAX mode: no
 * tree is built, and each element's start, text and end go straight to the
 * scanner (extract_body.c for post bodies, extract_meta.c for page facts and
 * links). The parser gets the whole capped buffer (htmlCtxtReadMemory on a
 * fresh context; never the push parser or a file name, matrix X08-X10) after
 * NUL bytes are turned into spaces (X05) and invalid UTF-8 repaired so one bad
 * byte cannot flip the page to Latin-1. Elements deeper than 256 stop the
 * parse and mark the page partial, as libxml2's tree builder would (X01).
 * With the user's --content-xpath the tree is built, the XPath marks the body
 * elements, and the tree is replayed through the same scanner, iteratively
 * (X02), so both ways read a page alike. */
#include "blogmap/extract.h"
#include "textbuf.h"
#include "extract_int.h"

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define EXTRACT_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
                         HTML_PARSE_NONET | HTML_PARSE_COMPACT)

static int user_mark;      /* address marks the user's body elements in a tree */

static void scan_start(struct extract_scan *s, const char *name, const unsigned char **atts,
                       int user_body)
{
    if (s->stopped)
        return;
    if (s->depth + 1 > EXTRACT_MAX_DEPTH) {
        s->stopped = 1;
        s->page->partial = 1;
        if (s->parser)
            xmlStopParser(s->parser);
        return;
    }
    s->depth++;
    const char *cls = extract_attr(atts, "class");
    extract_meta_start(s, name, atts, cls);
    extract_body_start(s, name, atts, cls, user_body);
}

static void scan_end(struct extract_scan *s, const char *name)
{
    if (s->stopped || s->depth == 0)
        return;
    extract_body_end(s, name);
    extract_meta_end(s);
    s->depth--;
}

static void scan_text(struct extract_scan *s, const char *text, size_t len)
{
    if (s->stopped)
        return;
    extract_meta_text(s, text, len);
    extract_body_text(s, text, len);
}

static struct extract_scan *scan_of(void *ctx)
{
    return ((htmlParserCtxtPtr)ctx)->_private;
}

static void sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    scan_start(scan_of(ctx), (const char *)name, atts, 0);
}

static void sax_end(void *ctx, const xmlChar *name)
{
    scan_end(scan_of(ctx), (const char *)name);
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    if (len > 0)
        scan_text(scan_of(ctx), (const char *)ch, (size_t)len);
}

static void silent_errors(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* One pass of the SAX parser over BUF; no tree. */
static int parse_stream(struct extract_scan *s, const char *buf, size_t len, const char *enc)
{
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt)
        return EXTRACT_EPARSE;
    memset(ctxt->sax, 0, sizeof(*ctxt->sax));
    ctxt->sax->startElement = sax_start;
    ctxt->sax->endElement = sax_end;
    ctxt->sax->characters = sax_text;
    ctxt->sax->cdataBlock = sax_text;
    ctxt->sax->ignorableWhitespace = sax_text;
    ctxt->sax->initialized = 1;
    ctxt->_private = s;
    s->parser = ctxt;
    htmlDocPtr doc = htmlCtxtReadMemory(ctxt, buf, (int)len, s->url, enc, EXTRACT_OPTIONS);
    xmlFreeDoc(doc);        /* none: nothing builds one */
    s->parser = NULL;
    htmlFreeParserCtxt(ctxt);
    return EXTRACT_OK;
}

/* Element N's attributes as a SAX-style name/value array (values malloc'd). */
static const unsigned char **node_atts(xmlNodePtr n)
{
    size_t k = 0;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        k++;
    const unsigned char **atts = calloc(2 * k + 2, sizeof(*atts));
    if (!atts)
        abort();
    k = 0;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        atts[k++] = a->name;
        atts[k++] = xmlNodeGetContent((xmlNodePtr)a);
    }
    return atts;
}

static void free_atts(const unsigned char **atts)
{
    for (size_t i = 0; atts[i]; i += 2)
        xmlFree((void *)atts[i + 1]);
    free(atts);
}

/* Feed the tree under DOC to the scanner in document order, iteratively. */
static void replay_tree(struct extract_scan *s, xmlDocPtr doc)
{
    xmlNodePtr n = doc->children;
    while (n) {
        int descend = 0;
        if (n->type == XML_ELEMENT_NODE) {
            const unsigned char **atts = node_atts(n);
            scan_start(s, (const char *)n->name, atts, n->_private == &user_mark);
            free_atts(atts);
            descend = n->children != NULL;
            if (!descend)
                scan_end(s, (const char *)n->name);
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
                   n->content) {
            scan_text(s, (const char *)n->content, strlen((const char *)n->content));
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && !n->next) {
            n = n->parent;
            if (!n || n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE)
                return;
            scan_end(s, (const char *)n->name);
        }
        if (n)
            n = n->next;
    }
}

/* Build the tree, mark what the user's XPath selects, and replay it. */
static int parse_tree(struct extract_scan *s, const char *buf, size_t len, const char *enc,
                      const char *xpath)
{
    int rc = EXTRACT_OK;
    xmlXPathContextPtr xc = NULL;
    xmlXPathObjectPtr o = NULL;
    htmlDocPtr doc = htmlReadMemory(buf, (int)len, s->url, enc, EXTRACT_OPTIONS);
    if (!doc || !(xc = xmlXPathNewContext(doc))) {
        rc = EXTRACT_EPARSE;
        goto out;
    }
    o = xmlXPathEvalExpression((const xmlChar *)xpath, xc);
    if (!o) {
        rc = EXTRACT_EXPATH;
        goto out;
    }
    for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++)
        if (o->nodesetval->nodeTab[i]->type == XML_ELEMENT_NODE)
            o->nodesetval->nodeTab[i]->_private = &user_mark;
    replay_tree(s, doc);
out:
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xc);
    xmlFreeDoc(doc);
    return rc;
}

static void scan_release(struct extract_scan *s)
{
    for (int k = 0; k < EXTRACT_N_BODY; k++)
        extract_body_release(&s->body[k]);
    extract_meta_release(&s->meta);
    for (size_t i = 0; i < s->n_links; i++)
        free(s->links[i]);
    free(s->links);
    free(s->link_slots);
    free(s->base);
    free(s);
}

int extract_check_xpath(const char *xpath)
{
    xmlXPathCompExprPtr c = xmlXPathCompile((const xmlChar *)xpath);
    if (!c)
        return EXTRACT_EXPATH;
    xmlXPathFreeCompExpr(c);
    return EXTRACT_OK;
}


int extract_page(const char *html, size_t len, const char *url, const char *content_type,
                 const struct extract_opts *opts, struct extract_page **out)
{
    struct extract_opts o = opts ? *opts : (struct extract_opts){0};
    struct extract_scan *s = NULL;
    char *clean = NULL;
    size_t clean_len = 0;
    int rc = EXTRACT_OK;
    if (!o.max_links)
        o.max_links = 6000;
    if (textbuf_looks_binary(html, len))
        return EXTRACT_EBINARY;
    if (o.content_xpath && extract_check_xpath(o.content_xpath) != EXTRACT_OK)
        return EXTRACT_EXPATH;
    if (len > (size_t)INT_MAX / 3)
        return EXTRACT_EPARSE;
    s = calloc(1, sizeof(*s));
    if (!s || !(s->page = calloc(1, sizeof(*s->page))) || !(s->base = strdup(url)))
        abort();
    s->url = url;
    s->max_links = o.max_links;
    s->urls = o.urls;
    s->user_bodies = o.content_xpath != NULL;
    for (int k = 0; k < EXTRACT_N_BODY; k++)
        extract_body_init(&s->body[k]);
    for (int c = 0; c < CAP_N; c++)
        s->meta.cap_depth[c] = -1;
    const char *enc = textbuf_prepare_html(html, len, content_type, &clean, &clean_len);
    xmlSetGenericErrorFunc(NULL, silent_errors);
    const char *text = clean ? clean : html;
    rc = o.content_xpath ? parse_tree(s, text, clean_len, enc, o.content_xpath)
                         : parse_stream(s, text, clean_len, enc);
    if (rc != EXTRACT_OK)
        goto out;
    extract_meta_finish(s);
    extract_body_finish(s);
    if (s->user_bodies && !s->page->text) {
        s->page->text = strdup("");
        s->page->anchors = strdup("");
        if (!s->page->text || !s->page->anchors)
            abort();
    }
    *out = s->page;
    s->page = NULL;
out:
    extract_page_free(s->page);
    scan_release(s);
    free(clean);
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
