/* sitemap: sitemaps and feeds, read with libxml2's XML reader options that
 * forbid the network, DTDs and entity expansion (XML_PARSE_NONET, no NOENT,
 * no DTDLOAD, never the HUGE option). Elements are matched by local name so
 * namespaced and un-namespaced documents both work: <urlset>/<url>/<loc>,
 * <sitemapindex>/<sitemap>/<loc>, Atom <feed>/<entry>/<link rel=alternate>
 * and <link rel=next>, RSS <channel>/<item>/<link>. */
#include "blogmap/sitemap.h"
#include "blogmap/url.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#define SITEMAP_DEFAULT_MAX 50000

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

static void push(char ***v, size_t *n, char *s)
{
    if ((*n & (*n - 1)) == 0 || *n == 0) {
        size_t cap = *n ? 2 * *n : 1;
        char **p = realloc(*v, cap * sizeof(**v));
        if (!p)
            abort();
        *v = p;
    }
    (*v)[(*n)++] = s;
}

static char *norm(const char *base, const xmlChar *raw)
{
    char *out = NULL;
    if (!raw || url_normalize(base, (const char *)raw, &out) != URL_OK)
        return NULL;
    return out;
}

static void add_page(struct sitemap_list *l, char *url, xmlChar *lastmod, size_t max)
{
    size_t n = l->n_pages;
    if (!url || n >= max) {
        free(url);
        return;
    }
    push(&l->pages, &l->n_pages, url);
    char *lm = lastmod ? strdup((const char *)lastmod) : NULL;
    if (lastmod && !lm)
        abort();
    push(&l->lastmod, &n, lm);
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
            push(&l->more, &l->n_more, u);
        else
            add_page(l, u, lm, max);
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

static void read_atom(struct sitemap_list *l, xmlNodePtr root, const char *base, size_t max)
{
    xmlChar *next = atom_link(root, "next");
    char *u = norm(base, next);
    if (u)
        push(&l->more, &l->n_more, u);
    xmlFree(next);
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!named(c, "entry"))
            continue;
        xmlChar *href = atom_link(c, "alternate");
        xmlChar *upd = xmlNodeGetContent(child(c, "updated"));
        add_page(l, norm(base, href), upd, max);
        xmlFree(href);
        xmlFree(upd);
    }
}

static void read_rss(struct sitemap_list *l, xmlNodePtr root, const char *base, size_t max)
{
    xmlNodePtr ch = child(root, "channel");
    for (xmlNodePtr c = ch ? ch->children : NULL; c; c = c->next) {
        if (!named(c, "item"))
            continue;
        xmlChar *link = xmlNodeGetContent(child(c, "link"));
        add_page(l, norm(base, link), NULL, max);
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

void sitemap_list_free(struct sitemap_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n_pages; i++) {
        free(l->pages[i]);
        free(l->lastmod[i]);
    }
    for (size_t i = 0; i < l->n_more; i++)
        free(l->more[i]);
    free(l->pages);
    free(l->lastmod);
    free(l->more);
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
