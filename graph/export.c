/* export: write a map_graph as GEXF 1.3 (for Gephi) or GraphML (for yEd and
 * most graph libraries). Both documents go through libxml2's xmlTextWriter
 * writing into an xmlBuffer, so markup characters are escaped by the library
 * and the structure cannot be broken by a title such as "<script>" or "]]>".
 * The writer does not, however, reject what XML 1.0 forbids outright: C0
 * controls and invalid UTF-8 pass straight through and leave a document no
 * parser accepts. Every string from a page therefore goes through
 * clean_text() first, which repairs bad UTF-8 to U+FFFD, turns forbidden
 * controls into spaces and caps the text at EXPORT_TEXT_MAX bytes, all into a
 * fixed stack buffer so cleaning cannot fail. Theme colours are parsed, never
 * copied, and numbers are formatted without the locale, so the output is the
 * same bytes for the same graph. Any libxml2 failure frees everything and
 * returns -1; edges that point outside the node array are skipped. */
#include "blogmap/export.h"

#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_TEXT_MAX 4096
#define GEXF_NS "http://gexf.net/1.3"
#define GEXF_VIZ_NS "http://gexf.net/1.3/viz"
#define GRAPHML_NS "http://graphml.graphdrawing.org/xmlns"

static const char utf8_replacement[] = "\xef\xbf\xbd";

struct rgb {
    unsigned char r, g, b;
};

static const struct rgb grey = { 158, 158, 158 };

/* A node or edge attribute declaration: GEXF <attribute> or GraphML <key>. */
struct attr_decl {
    const char *id, *domain, *type;
};

static const struct attr_decl gexf_node_attrs[] = {
    { "url", "node", "string" },
    { "date", "node", "string" },
    { "theme", "node", "string" },
    { "inbound", "node", "integer" },
};

static const struct attr_decl graphml_keys[] = {
    { "title", "node", "string" },
    { "url", "node", "string" },
    { "date", "node", "string" },
    { "theme", "node", "string" },
    { "color", "node", "string" },
    { "inbound", "node", "int" },
    { "kind", "edge", "string" },
};

/* ---- text cleaning ---- */

/* Length of the well-formed UTF-8 sequence at S (shortest form, no
 * surrogate, at most U+10FFFF), with its code point in *CP, or 0 when the
 * sequence is ill-formed. S is NUL-terminated and the NUL is not a
 * continuation byte, so the loop never reads past it. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    size_t n;
    uint32_t c;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        c = s[0] & 0x1fu;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        c = s[0] & 0x0fu;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        c = s[0] & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3fu);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff))
        || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

/* What to write for the character at P: sets *SRC and *W to the bytes to
 * copy and returns how many input bytes they replace. An ill-formed byte
 * and the non-characters U+FFFE and U+FFFF (which XML forbids) become
 * U+FFFD; C0 controls other than tab, newline and CR, and DEL, a space. */
static size_t clean_char(const unsigned char *p, const char **src, size_t *w)
{
    uint32_t cp = 0;
    size_t n = utf8_decode(p, &cp);

    *src = (const char *)p;
    *w = n;
    if (n == 0 || cp == 0xfffe || cp == 0xffff) {
        *src = utf8_replacement;
        *w = sizeof(utf8_replacement) - 1;
    } else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f) {
        *src = " ";
    }
    return n ? n : 1;
}

/* Copy S (NULL counts as "") into OUT, which holds EXPORT_TEXT_MAX + 1
 * bytes, as valid UTF-8 that XML 1.0 accepts (see clean_char). The copy
 * stops before the first character that would not fit, so it never ends
 * inside a sequence. */
static void clean_text(const char *s, char *out)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t o = 0;

    while (*p) {
        const char *src;
        size_t w, used = clean_char(p, &src, &w);

        if (o + w > EXPORT_TEXT_MAX)
            break;
        memcpy(out + o, src, w);
        o += w;
        p += used;
    }
    out[o] = '\0';
}

/* ---- colours and sizes ---- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse exactly "#rrggbb" into *C; -1 on anything else. */
static int parse_color(const char *s, struct rgb *c)
{
    unsigned char v[3];

    if (!s || s[0] != '#' || strlen(s) != 7)
        return -1;
    for (int i = 0; i < 3; i++) {
        int hi = hex_digit(s[1 + 2 * i]), lo = hex_digit(s[2 + 2 * i]);

        if (hi < 0 || lo < 0)
            return -1;
        v[i] = (unsigned char)(hi * 16 + lo);
    }
    c->r = v[0];
    c->g = v[1];
    c->b = v[2];
    return 0;
}

/* The colour of N's theme, or grey when the theme is unknown or its colour
 * does not parse. */
static struct rgb node_rgb(const struct map_graph *g, const struct map_node *n)
{
    struct rgb c = grey;

    if (!n->topic || !g->themes)
        return c;
    for (size_t i = 0; i < g->n_themes; i++) {
        const char *name = g->themes[i].name;

        if (name && strcmp(name, n->topic) == 0) {
            if (parse_color(g->themes[i].color, &c) < 0)
                c = grey;
            return c;
        }
    }
    return c;
}

/* Node size 4 + 2 * sqrt(inbound) in hundredths, so it can be printed with
 * integers only and a locale's decimal comma never reaches the file. */
static long viz_size_hundredths(int inbound)
{
    double in = inbound > 0 ? (double)inbound : 0.0;

    return lround((4.0 + 2.0 * sqrt(in)) * 100.0);
}

static const char *node_label(const struct map_node *n)
{
    return n->title && n->title[0] ? n->title : n->url;
}

/* ---- writer helpers: each returns 0, or -1 when libxml2 fails ---- */

static int start_elem(xmlTextWriterPtr w, const char *name)
{
    return xmlTextWriterStartElement(w, BAD_CAST name) < 0 ? -1 : 0;
}

static int end_elem(xmlTextWriterPtr w)
{
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int put_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    char clean[EXPORT_TEXT_MAX + 1];

    clean_text(value, clean);
    return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean) < 0 ? -1 : 0;
}

static int put_int_attr(xmlTextWriterPtr w, const char *name, int value)
{
    return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%d", value) < 0 ? -1 : 0;
}

static int put_node_id(xmlTextWriterPtr w, const char *name, long id)
{
    return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "p%ld", id) < 0 ? -1 : 0;
}

static int put_edge_ends(xmlTextWriterPtr w, const struct map_graph *g, size_t i)
{
    const struct map_edge *e = &g->edges[i];

    if (xmlTextWriterWriteFormatAttribute(w, BAD_CAST "id", "e%zu", i) < 0
        || put_node_id(w, "source", g->nodes[e->src].id) < 0
        || put_node_id(w, "target", g->nodes[e->dst].id) < 0)
        return -1;
    return 0;
}

static int put_text_elem(xmlTextWriterPtr w, const char *name, const char *text)
{
    char clean[EXPORT_TEXT_MAX + 1];

    clean_text(text, clean);
    return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST clean) < 0 ? -1 : 0;
}

static int edge_in_range(const struct map_graph *g, const struct map_edge *e)
{
    return e->src < g->n_nodes && e->dst < g->n_nodes;
}

static const char *edge_kind(const struct map_edge *e)
{
    return e->related ? "related" : "inline";
}

/* ---- GEXF 1.3 ---- */

static int gexf_meta(xmlTextWriterPtr w)
{
    if (start_elem(w, "meta") < 0
        || put_text_elem(w, "creator", "blogmap") < 0
        || put_text_elem(w, "description", "blog posts and the links between them") < 0)
        return -1;
    return end_elem(w);
}

static int gexf_attributes(xmlTextWriterPtr w)
{
    if (start_elem(w, "attributes") < 0 || put_attr(w, "class", "node") < 0)
        return -1;
    for (size_t i = 0; i < sizeof(gexf_node_attrs) / sizeof(gexf_node_attrs[0]); i++) {
        const struct attr_decl *a = &gexf_node_attrs[i];

        if (start_elem(w, "attribute") < 0 || put_attr(w, "id", a->id) < 0
            || put_attr(w, "title", a->id) < 0 || put_attr(w, "type", a->type) < 0
            || end_elem(w) < 0)
            return -1;
    }
    return end_elem(w);
}

static int gexf_attvalue(xmlTextWriterPtr w, const char *id, const char *value)
{
    if (start_elem(w, "attvalue") < 0 || put_attr(w, "for", id) < 0
        || put_attr(w, "value", value) < 0)
        return -1;
    return end_elem(w);
}

static int gexf_attvalues(xmlTextWriterPtr w, const struct map_node *n)
{
    char inbound[24];

    snprintf(inbound, sizeof(inbound), "%d", n->inbound);
    if (start_elem(w, "attvalues") < 0
        || gexf_attvalue(w, "url", n->url) < 0
        || gexf_attvalue(w, "date", n->date) < 0
        || gexf_attvalue(w, "theme", n->topic) < 0
        || gexf_attvalue(w, "inbound", inbound) < 0)
        return -1;
    return end_elem(w);
}

static int gexf_viz(xmlTextWriterPtr w, struct rgb c, int inbound)
{
    long size = viz_size_hundredths(inbound);

    if (start_elem(w, "viz:color") < 0 || put_int_attr(w, "r", c.r) < 0
        || put_int_attr(w, "g", c.g) < 0 || put_int_attr(w, "b", c.b) < 0
        || end_elem(w) < 0)
        return -1;
    if (start_elem(w, "viz:size") < 0
        || xmlTextWriterWriteFormatAttribute(w, BAD_CAST "value", "%ld.%02ld",
                                             size / 100, size % 100) < 0)
        return -1;
    return end_elem(w);
}

static int gexf_node(xmlTextWriterPtr w, const struct map_graph *g, const struct map_node *n)
{
    if (start_elem(w, "node") < 0
        || put_node_id(w, "id", n->id) < 0
        || put_attr(w, "label", node_label(n)) < 0
        || gexf_attvalues(w, n) < 0
        || gexf_viz(w, node_rgb(g, n), n->inbound) < 0)
        return -1;
    return end_elem(w);
}

static int gexf_edge(xmlTextWriterPtr w, const struct map_graph *g, size_t i)
{
    const struct map_edge *e = &g->edges[i];

    if (start_elem(w, "edge") < 0
        || put_edge_ends(w, g, i) < 0
        || put_attr(w, "label", edge_kind(e)) < 0
        || put_attr(w, "weight", e->related ? "2" : "1") < 0)
        return -1;
    return end_elem(w);
}

static int gexf_nodes_edges(xmlTextWriterPtr w, const struct map_graph *g)
{
    if (start_elem(w, "nodes") < 0)
        return -1;
    for (size_t i = 0; i < g->n_nodes; i++)
        if (gexf_node(w, g, &g->nodes[i]) < 0)
            return -1;
    if (end_elem(w) < 0 || start_elem(w, "edges") < 0)
        return -1;
    for (size_t i = 0; i < g->n_edges; i++)
        if (edge_in_range(g, &g->edges[i]) && gexf_edge(w, g, i) < 0)
            return -1;
    return end_elem(w);
}

static int gexf_write(xmlTextWriterPtr w, const struct map_graph *g)
{
    if (start_elem(w, "gexf") < 0
        || put_attr(w, "xmlns", GEXF_NS) < 0
        || put_attr(w, "xmlns:viz", GEXF_VIZ_NS) < 0
        || put_attr(w, "version", "1.3") < 0
        || gexf_meta(w) < 0
        || start_elem(w, "graph") < 0
        || put_attr(w, "defaultedgetype", "directed") < 0
        || put_attr(w, "mode", "static") < 0
        || gexf_attributes(w) < 0
        || gexf_nodes_edges(w, g) < 0
        || end_elem(w) < 0)
        return -1;
    return end_elem(w);
}

/* ---- GraphML ---- */

static int graphml_keys_write(xmlTextWriterPtr w)
{
    for (size_t i = 0; i < sizeof(graphml_keys) / sizeof(graphml_keys[0]); i++) {
        const struct attr_decl *k = &graphml_keys[i];

        if (start_elem(w, "key") < 0 || put_attr(w, "id", k->id) < 0
            || put_attr(w, "for", k->domain) < 0
            || put_attr(w, "attr.name", k->id) < 0
            || put_attr(w, "attr.type", k->type) < 0 || end_elem(w) < 0)
            return -1;
    }
    return 0;
}

static int graphml_data(xmlTextWriterPtr w, const char *key, const char *value)
{
    char clean[EXPORT_TEXT_MAX + 1];

    clean_text(value, clean);
    if (start_elem(w, "data") < 0 || put_attr(w, "key", key) < 0
        || xmlTextWriterWriteString(w, BAD_CAST clean) < 0)
        return -1;
    return end_elem(w);
}

static int graphml_node(xmlTextWriterPtr w, const struct map_graph *g,
                        const struct map_node *n)
{
    struct rgb c = node_rgb(g, n);
    char color[8], inbound[24];

    snprintf(color, sizeof(color), "#%02x%02x%02x", c.r, c.g, c.b);
    snprintf(inbound, sizeof(inbound), "%d", n->inbound);
    if (start_elem(w, "node") < 0
        || put_node_id(w, "id", n->id) < 0
        || graphml_data(w, "title", n->title) < 0
        || graphml_data(w, "url", n->url) < 0
        || graphml_data(w, "date", n->date) < 0
        || graphml_data(w, "theme", n->topic) < 0
        || graphml_data(w, "color", color) < 0
        || graphml_data(w, "inbound", inbound) < 0)
        return -1;
    return end_elem(w);
}

static int graphml_edge(xmlTextWriterPtr w, const struct map_graph *g, size_t i)
{
    if (start_elem(w, "edge") < 0
        || put_edge_ends(w, g, i) < 0
        || graphml_data(w, "kind", edge_kind(&g->edges[i])) < 0)
        return -1;
    return end_elem(w);
}

static int graphml_write(xmlTextWriterPtr w, const struct map_graph *g)
{
    if (start_elem(w, "graphml") < 0
        || put_attr(w, "xmlns", GRAPHML_NS) < 0
        || graphml_keys_write(w) < 0
        || start_elem(w, "graph") < 0
        || put_attr(w, "id", "blogmap") < 0
        || put_attr(w, "edgedefault", "directed") < 0)
        return -1;
    for (size_t i = 0; i < g->n_nodes; i++)
        if (graphml_node(w, g, &g->nodes[i]) < 0)
            return -1;
    for (size_t i = 0; i < g->n_edges; i++)
        if (edge_in_range(g, &g->edges[i]) && graphml_edge(w, g, i) < 0)
            return -1;
    if (end_elem(w) < 0)
        return -1;
    return end_elem(w);
}

/* ---- the document ---- */

static int write_document(xmlTextWriterPtr w, const struct map_graph *g, int format)
{
    int rc;

    if (xmlTextWriterSetIndent(w, 1) < 0
        || xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0
        || xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0)
        return -1;
    rc = format == EXPORT_GEXF ? gexf_write(w, g) : graphml_write(w, g);
    if (rc < 0 || xmlTextWriterEndDocument(w) < 0)
        return -1;
    return 0;
}

/* Copy the buffer into malloc'd memory the caller frees with free(). */
static int copy_buffer(xmlBufferPtr buf, char **out, size_t *len)
{
    const xmlChar *content = xmlBufferContent(buf);
    int n = xmlBufferLength(buf);
    char *s;

    if (!content || n < 0)
        return -1;
    s = malloc((size_t)n + 1);
    if (!s)
        return -1;
    memcpy(s, content, (size_t)n);
    s[n] = '\0';
    *out = s;
    *len = (size_t)n;
    return 0;
}

static int graph_is_consistent(const struct map_graph *g)
{
    return (g->nodes || g->n_nodes == 0) && (g->edges || g->n_edges == 0);
}

int export_graph(const struct map_graph *g, int format, char **out, size_t *len)
{
    xmlBufferPtr buf = NULL;
    xmlTextWriterPtr w = NULL;
    int rc = -1;

    if (!g || !out || !len || !graph_is_consistent(g)
        || (format != EXPORT_GEXF && format != EXPORT_GRAPHML))
        return -1;
    buf = xmlBufferCreate();
    if (!buf)
        goto out;
    w = xmlNewTextWriterMemory(buf, 0);
    if (!w || write_document(w, g, format) < 0)
        goto out;
    /* Freeing the writer flushes it into BUF. */
    xmlFreeTextWriter(w);
    w = NULL;
    rc = copy_buffer(buf, out, len);
out:
    xmlFreeTextWriter(w);
    xmlBufferFree(buf);
    return rc;
}
