/* Unit tests for graph/export.c: a hand-built map of four posts with hostile
 * titles and URLs (markup, quotes, "]]>", C0 controls and DEL, invalid UTF-8,
 * 20 KB strings), themes with good and bad colours, and edges of both kinds
 * plus two that point outside the node array. Each document is parsed back
 * with libxml2 (no network, no recovery) and checked through XPath: it is
 * well formed, holds the expected nodes, edges, ids, colours, sizes and data,
 * and the hostile text survives as text with the forbidden bytes cleaned. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "blogmap/export.h"

#define FFFD "\xef\xbf\xbd"
#define LONG_LEN 20000

static const char script_title[] =
    "<script>alert(\"x\")</script> ]]> & \x01\x08 end\x7f";
static const char script_clean[] = "<script>alert(\"x\")</script> ]]> &    end ";
static const char script_url[] = "https://b.example/a?q=\"1\"&r=<2>&s='3'";

static const char bad_utf8_title[] =
    "bad \xff\xfe \xc0\xaf \xed\xa0\x80 \xef\xbf\xbe caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82";
static const char bad_utf8_clean[] =
    "bad " FFFD FFFD " " FFFD FFFD " " FFFD FFFD FFFD " " FFFD " caf\xc3\xa9 "
    "\xf0\x9f\x98\x80 " FFFD FFFD;

/* ---- building and freeing a graph by hand ---- */

struct node_spec {
    long id;
    const char *url, *title, *date, *topic;
    int inbound;
};

static char *xstrdup(const char *s)
{
    char *d = strdup(s);

    assert_non_null(d);
    return d;
}

/* PREFIX followed by COUNT copies of UNIT. */
static char *repeat(const char *prefix, const char *unit, size_t count)
{
    size_t plen = strlen(prefix), ulen = strlen(unit);
    char *s = malloc(plen + ulen * count + 1);

    assert_non_null(s);
    memcpy(s, prefix, plen);
    for (size_t i = 0; i < count; i++)
        memcpy(s + plen + i * ulen, unit, ulen);
    s[plen + ulen * count] = '\0';
    return s;
}

static void fill_node(struct map_node *n, const struct node_spec *s)
{
    n->id = s->id;
    n->url = xstrdup(s->url);
    n->title = xstrdup(s->title);
    n->date = xstrdup(s->date);
    n->topic = xstrdup(s->topic);
    n->inbound = s->inbound;
}

static void fill_theme(struct map_theme *t, const char *name, const char *color)
{
    t->name = xstrdup(name);
    t->label = xstrdup(name);
    t->color = xstrdup(color);
    t->count = 1;
}

static struct map_graph *new_graph(size_t n_nodes, size_t n_edges, size_t n_themes)
{
    struct map_graph *g = calloc(1, sizeof(*g));

    assert_non_null(g);
    g->n_nodes = n_nodes;
    g->n_edges = n_edges;
    g->n_themes = n_themes;
    g->nodes = n_nodes ? calloc(n_nodes, sizeof(*g->nodes)) : NULL;
    g->edges = n_edges ? calloc(n_edges, sizeof(*g->edges)) : NULL;
    g->themes = n_themes ? calloc(n_themes, sizeof(*g->themes)) : NULL;
    assert_true(g->nodes || !n_nodes);
    assert_true(g->edges || !n_edges);
    assert_true(g->themes || !n_themes);
    return g;
}

static void free_graph(struct map_graph *g)
{
    map_graph_free(g);
}

/* p10: markup title, hostile URL, theme tech. p11: empty title, food.
 * p12: invalid UTF-8, theme with a bad colour. p13: 20 KB title and URL,
 * unknown theme. Edges e0-e3 are real; e4 and e5 point outside. */
static struct map_graph *hostile_graph(void)
{
    static const struct node_spec specs[] = {
        { 10, script_url, script_title, "2024-01-02", "tech", 9 },
        { 11, "https://b.example/b", "", "", "food", 0 },
        { 12, "https://b.example/c", bad_utf8_title, "2023-05-06", "bad", 4 },
        { 13, "", "", "2022-12-31", "nowhere", 1 },
    };
    static const struct map_edge edges[] = {
        { 0, 1, 1 }, { 1, 2, 0 }, { 2, 0, 1 }, { 3, 0, 0 }, { 0, 7, 1 }, { 9, 1, 0 },
    };
    struct map_graph *g = new_graph(4, 6, 4);

    for (size_t i = 0; i < 4; i++)
        fill_node(&g->nodes[i], &specs[i]);
    free(g->nodes[3].url);
    g->nodes[3].url = repeat("https://b.example/", "x", LONG_LEN);
    free(g->nodes[3].title);
    g->nodes[3].title = repeat("", "\xe2\x82\xac", LONG_LEN / 3);
    memcpy(g->edges, edges, sizeof(edges));
    fill_theme(&g->themes[0], "tech", "#1f77b4");
    fill_theme(&g->themes[1], "food", "#FF7F0E");
    fill_theme(&g->themes[2], "bad", "#zz77b4");
    fill_theme(&g->themes[3], "other", "#9e9e9e");
    return g;
}

/* ---- parsing the output back ---- */

struct parsed {
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
};

static void parse_output(const char *s, size_t len, struct parsed *p)
{
    assert_non_null(s);
    assert_int_equal(strlen(s), len);
    p->doc = xmlReadMemory(s, (int)len, "export.xml", NULL, XML_PARSE_NONET);
    assert_non_null(p->doc);
    p->ctx = xmlXPathNewContext(p->doc);
    assert_non_null(p->ctx);
    assert_int_equal(xmlXPathRegisterNs(p->ctx, BAD_CAST "g", BAD_CAST "http://gexf.net/1.3"), 0);
    assert_int_equal(xmlXPathRegisterNs(p->ctx, BAD_CAST "viz",
                                        BAD_CAST "http://gexf.net/1.3/viz"), 0);
    assert_int_equal(xmlXPathRegisterNs(p->ctx, BAD_CAST "m",
                                        BAD_CAST "http://graphml.graphdrawing.org/xmlns"), 0);
}

static void parsed_release(struct parsed *p)
{
    xmlXPathFreeContext(p->ctx);
    xmlFreeDoc(p->doc);
}

/* Export G as FORMAT and parse the result; the caller frees *TEXT. */
static void export_and_parse(const struct map_graph *g, int format, char **text,
                             struct parsed *p)
{
    size_t len = 0;

    assert_int_equal(export_graph(g, format, text, &len), 0);
    parse_output(*text, len, p);
}

static double xp_num(struct parsed *p, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, p->ctx);
    double v;

    if (!o || o->type != XPATH_NUMBER)
        fail_msg("xpath '%s' is not a number", expr);
    v = o->floatval;
    xmlXPathFreeObject(o);
    return v;
}

static void assert_xp_count(struct parsed *p, const char *expr, int want)
{
    char buf[512];
    int got;

    snprintf(buf, sizeof(buf), "count(%s)", expr);
    got = (int)xp_num(p, buf);
    if (got != want)
        fail_msg("count(%s) = %d, want %d", expr, got, want);
}

/* string(EXPR), malloc'd. */
static char *xp_str(struct parsed *p, const char *expr)
{
    char buf[512];
    xmlXPathObjectPtr o;
    char *s;

    snprintf(buf, sizeof(buf), "string(%s)", expr);
    o = xmlXPathEvalExpression(BAD_CAST buf, p->ctx);
    if (!o || o->type != XPATH_STRING || !o->stringval)
        fail_msg("xpath '%s' is not a string", buf);
    s = xstrdup((const char *)o->stringval);
    xmlXPathFreeObject(o);
    return s;
}

static void assert_xp_str(struct parsed *p, const char *expr, const char *want)
{
    char *got = xp_str(p, expr);

    if (strcmp(got, want) != 0)
        fail_msg("%s = '%.200s', want '%.200s'", expr, got, want);
    free(got);
}

static void assert_no_forbidden_bytes(const char *text)
{
    for (const unsigned char *q = (const unsigned char *)text; *q; q++)
        if ((*q < 0x20 && *q != '\t' && *q != '\n' && *q != '\r') || *q == 0x7f)
            fail_msg("byte 0x%02x at offset %td", *q, (const char *)q - text);
}

/* ---- GEXF ---- */

static void test_gexf_structure(void **state)
{
    static const char *const edge_ids[] = { "e0", "e1", "e2", "e3" };
    static const char *const sources[] = { "p10", "p11", "p12", "p13" };
    static const char *const targets[] = { "p11", "p12", "p10", "p10" };
    static const char *const labels[] = { "related", "inline", "related", "inline" };
    static const char *const weights[] = { "2", "1", "2", "1" };
    struct map_graph *g = hostile_graph();
    struct parsed p;
    char *text = NULL, expr[128];

    (void)state;
    export_and_parse(g, EXPORT_GEXF, &text, &p);
    assert_non_null(strstr(text, "encoding=\"UTF-8\""));
    assert_non_null(strstr(text, "\n  <meta>"));
    assert_xp_str(&p, "/g:gexf/@version", "1.3");
    assert_xp_str(&p, "/g:gexf/g:meta/g:creator", "blogmap");
    assert_xp_count(&p, "/g:gexf/g:meta/g:description", 1);
    assert_xp_str(&p, "/g:gexf/g:graph/@defaultedgetype", "directed");
    assert_xp_str(&p, "/g:gexf/g:graph/@mode", "static");
    assert_xp_count(&p, "//g:attributes[@class='node']/g:attribute", 4);
    assert_xp_str(&p, "//g:attribute[@id='inbound']/@type", "integer");
    assert_xp_str(&p, "//g:attribute[@id='url']/@type", "string");
    assert_xp_count(&p, "/g:gexf/g:graph/g:nodes/g:node", 4);
    assert_xp_count(&p, "/g:gexf/g:graph/g:edges/g:edge", 4);
    for (int i = 0; i < 4; i++) {
        snprintf(expr, sizeof(expr), "//g:node[%d]/@id", i + 1);
        assert_xp_str(&p, expr, sources[i]);
        snprintf(expr, sizeof(expr), "//g:edge[@id='%s']/@source", edge_ids[i]);
        assert_xp_str(&p, expr, sources[i]);
        snprintf(expr, sizeof(expr), "//g:edge[@id='%s']/@target", edge_ids[i]);
        assert_xp_str(&p, expr, targets[i]);
        snprintf(expr, sizeof(expr), "//g:edge[@id='%s']/@label", edge_ids[i]);
        assert_xp_str(&p, expr, labels[i]);
        snprintf(expr, sizeof(expr), "//g:edge[@id='%s']/@weight", edge_ids[i]);
        assert_xp_str(&p, expr, weights[i]);
    }
    parsed_release(&p);
    free(text);
    free_graph(g);
}

static void test_gexf_hostile_text(void **state)
{
    struct map_graph *g = hostile_graph();
    struct parsed p;
    char *text = NULL, *s;

    (void)state;
    export_and_parse(g, EXPORT_GEXF, &text, &p);
    assert_no_forbidden_bytes(text);
    assert_null(strstr(text, "<script"));
    assert_xp_count(&p, "//*[local-name()='script']", 0);
    assert_xp_str(&p, "//g:node[@id='p10']/@label", script_clean);
    assert_xp_str(&p, "//g:node[@id='p10']//g:attvalue[@for='url']/@value", script_url);
    assert_xp_str(&p, "//g:node[@id='p11']/@label", "https://b.example/b");
    assert_xp_str(&p, "//g:node[@id='p11']//g:attvalue[@for='date']/@value", "");
    assert_xp_str(&p, "//g:node[@id='p12']/@label", bad_utf8_clean);
    /* 6,666 three-byte characters are cut to 1,365: 4,095 bytes, whole. */
    s = xp_str(&p, "//g:node[@id='p13']/@label");
    assert_int_equal(strlen(s), 4095);
    assert_memory_equal(s + 4092, "\xe2\x82\xac", 3);
    free(s);
    s = xp_str(&p, "//g:node[@id='p13']//g:attvalue[@for='url']/@value");
    assert_int_equal(strlen(s), 4096);
    assert_int_equal(strncmp(s, "https://b.example/xxx", 21), 0);
    free(s);
    parsed_release(&p);
    free(text);
    free_graph(g);
}

static void test_gexf_viz_and_attvalues(void **state)
{
    static const struct {
        const char *id, *r, *g, *b, *size, *inbound, *theme;
    } want[] = {
        { "p10", "31", "119", "180", "10.00", "9", "tech" },
        { "p11", "255", "127", "14", "4.00", "0", "food" },
        { "p12", "158", "158", "158", "8.00", "4", "bad" },
        { "p13", "158", "158", "158", "6.00", "1", "nowhere" },
    };
    struct map_graph *g = hostile_graph();
    struct parsed p;
    char *text = NULL, expr[160];

    (void)state;
    export_and_parse(g, EXPORT_GEXF, &text, &p);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        snprintf(expr, sizeof(expr), "//g:node[@id='%s']/viz:color/@r", want[i].id);
        assert_xp_str(&p, expr, want[i].r);
        snprintf(expr, sizeof(expr), "//g:node[@id='%s']/viz:color/@g", want[i].id);
        assert_xp_str(&p, expr, want[i].g);
        snprintf(expr, sizeof(expr), "//g:node[@id='%s']/viz:color/@b", want[i].id);
        assert_xp_str(&p, expr, want[i].b);
        snprintf(expr, sizeof(expr), "//g:node[@id='%s']/viz:size/@value", want[i].id);
        assert_xp_str(&p, expr, want[i].size);
        snprintf(expr, sizeof(expr),
                 "//g:node[@id='%s']/g:attvalues/g:attvalue[@for='inbound']/@value",
                 want[i].id);
        assert_xp_str(&p, expr, want[i].inbound);
        snprintf(expr, sizeof(expr),
                 "//g:node[@id='%s']/g:attvalues/g:attvalue[@for='theme']/@value",
                 want[i].id);
        assert_xp_str(&p, expr, want[i].theme);
    }
    parsed_release(&p);
    free(text);
    free_graph(g);
}

/* ---- GraphML ---- */

static void test_graphml_structure(void **state)
{
    static const char *const kinds[] = { "related", "inline", "related", "inline" };
    struct map_graph *g = hostile_graph();
    struct parsed p;
    char *text = NULL, expr[128];

    (void)state;
    export_and_parse(g, EXPORT_GRAPHML, &text, &p);
    assert_xp_count(&p, "/m:graphml/m:key[@for='node']", 6);
    assert_xp_count(&p, "/m:graphml/m:key[@for='edge']", 1);
    assert_xp_str(&p, "/m:graphml/m:key[@id='inbound']/@attr.type", "int");
    assert_xp_str(&p, "/m:graphml/m:key[@id='kind']/@for", "edge");
    assert_xp_str(&p, "/m:graphml/m:key[@id='title']/@attr.name", "title");
    assert_xp_str(&p, "/m:graphml/m:graph/@id", "blogmap");
    assert_xp_str(&p, "/m:graphml/m:graph/@edgedefault", "directed");
    assert_xp_count(&p, "/m:graphml/m:graph/m:node", 4);
    assert_xp_count(&p, "/m:graphml/m:graph/m:edge", 4);
    assert_xp_count(&p, "//m:node[@id='p10' or @id='p11' or @id='p12' or @id='p13']", 4);
    assert_xp_str(&p, "//m:edge[@id='e3']/@source", "p13");
    assert_xp_str(&p, "//m:edge[@id='e3']/@target", "p10");
    for (int i = 0; i < 4; i++) {
        snprintf(expr, sizeof(expr), "//m:edge[@id='e%d']/m:data[@key='kind']", i);
        assert_xp_str(&p, expr, kinds[i]);
    }
    assert_xp_count(&p, "//m:edge[@id='e4' or @id='e5']", 0);
    parsed_release(&p);
    free(text);
    free_graph(g);
}

static void test_graphml_data(void **state)
{
    struct map_graph *g = hostile_graph();
    struct parsed p;
    char *text = NULL, *s;

    (void)state;
    export_and_parse(g, EXPORT_GRAPHML, &text, &p);
    assert_no_forbidden_bytes(text);
    assert_null(strstr(text, "<script"));
    assert_xp_count(&p, "//*[local-name()='script']", 0);
    assert_xp_str(&p, "//m:node[@id='p10']/m:data[@key='title']", script_clean);
    assert_xp_str(&p, "//m:node[@id='p10']/m:data[@key='url']", script_url);
    assert_xp_str(&p, "//m:node[@id='p10']/m:data[@key='date']", "2024-01-02");
    assert_xp_str(&p, "//m:node[@id='p10']/m:data[@key='color']", "#1f77b4");
    assert_xp_str(&p, "//m:node[@id='p10']/m:data[@key='inbound']", "9");
    assert_xp_str(&p, "//m:node[@id='p11']/m:data[@key='title']", "");
    assert_xp_str(&p, "//m:node[@id='p11']/m:data[@key='color']", "#ff7f0e");
    assert_xp_str(&p, "//m:node[@id='p12']/m:data[@key='title']", bad_utf8_clean);
    assert_xp_str(&p, "//m:node[@id='p12']/m:data[@key='color']", "#9e9e9e");
    assert_xp_str(&p, "//m:node[@id='p13']/m:data[@key='theme']", "nowhere");
    assert_xp_str(&p, "//m:node[@id='p13']/m:data[@key='color']", "#9e9e9e");
    s = xp_str(&p, "//m:node[@id='p13']/m:data[@key='title']");
    assert_int_equal(strlen(s), 4095);
    free(s);
    parsed_release(&p);
    free(text);
    free_graph(g);
}

/* ---- both formats ---- */

static void test_whitespace_kept(void **state)
{
    static const struct node_spec spec = {
        1, "https://b.example/w", "a\tb\nc\rd", "2024-02-03", "tech", 2
    };
    struct map_graph *g = new_graph(1, 0, 0);
    struct parsed p;
    char *text = NULL;

    (void)state;
    fill_node(&g->nodes[0], &spec);
    export_and_parse(g, EXPORT_GEXF, &text, &p);
    assert_xp_str(&p, "//g:node[@id='p1']/@label", "a\tb\nc\rd");
    assert_xp_str(&p, "//g:node[@id='p1']/viz:color/@r", "158");
    assert_xp_str(&p, "//g:node[@id='p1']/viz:size/@value", "6.83");
    assert_xp_count(&p, "//g:edge", 0);
    parsed_release(&p);
    free(text);
    export_and_parse(g, EXPORT_GRAPHML, &text, &p);
    assert_xp_str(&p, "//m:node[@id='p1']/m:data[@key='title']", "a\tb\nc\rd");
    parsed_release(&p);
    free(text);
    free_graph(g);
}

static void test_empty_graph(void **state)
{
    static const int formats[] = { EXPORT_GEXF, EXPORT_GRAPHML };
    struct map_graph *g = new_graph(0, 0, 0);
    struct parsed p;
    char *text = NULL;

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        export_and_parse(g, formats[i], &text, &p);
        assert_xp_count(&p, "//g:node | //m:node", 0);
        assert_xp_count(&p, "//g:edge | //m:edge", 0);
        assert_xp_count(&p, "/g:gexf/g:graph/g:nodes | /m:graphml/m:graph", 1);
        parsed_release(&p);
        free(text);
    }
    free_graph(g);
}

static void test_edges_out_of_range(void **state)
{
    static const struct node_spec spec = { 5, "https://b.example/o", "o", "", "x", 0 };
    static const struct map_edge edges[] = { { 0, 1, 0 }, { 1, 0, 1 }, { 0, 0, 1 } };
    struct map_graph *g = new_graph(1, 3, 0);
    struct parsed p;
    char *text = NULL;

    (void)state;
    fill_node(&g->nodes[0], &spec);
    memcpy(g->edges, edges, sizeof(edges));
    export_and_parse(g, EXPORT_GEXF, &text, &p);
    assert_xp_count(&p, "//g:edge", 1);
    assert_xp_str(&p, "//g:edge/@id", "e2");
    assert_xp_str(&p, "//g:edge/@source", "p5");
    parsed_release(&p);
    free(text);
    export_and_parse(g, EXPORT_GRAPHML, &text, &p);
    assert_xp_count(&p, "//m:edge", 1);
    assert_xp_str(&p, "//m:edge/@target", "p5");
    parsed_release(&p);
    free(text);
    free_graph(g);
}

static void test_bad_arguments(void **state)
{
    struct map_graph *g = new_graph(0, 0, 0);
    char sentinel[] = "untouched", *out = sentinel;
    size_t len = 42;

    (void)state;
    assert_int_equal(export_graph(NULL, EXPORT_GEXF, &out, &len), -1);
    assert_int_equal(export_graph(g, EXPORT_GEXF, NULL, &len), -1);
    assert_int_equal(export_graph(g, EXPORT_GEXF, &out, NULL), -1);
    assert_int_equal(export_graph(g, 7, &out, &len), -1);
    assert_int_equal(export_graph(g, -1, &out, &len), -1);
    g->n_nodes = 2;     /* counts without arrays */
    assert_int_equal(export_graph(g, EXPORT_GRAPHML, &out, &len), -1);
    g->n_nodes = 0;
    g->n_edges = 1;
    assert_int_equal(export_graph(g, EXPORT_GEXF, &out, &len), -1);
    g->n_edges = 0;
    assert_ptr_equal(out, sentinel);
    assert_int_equal(len, 42);
    free_graph(g);
}

static void test_deterministic(void **state)
{
    static const int formats[] = { EXPORT_GEXF, EXPORT_GRAPHML };
    struct map_graph *g = hostile_graph();

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        char *a = NULL, *b = NULL;
        size_t alen = 0, blen = 0;

        assert_int_equal(export_graph(g, formats[i], &a, &alen), 0);
        assert_int_equal(export_graph(g, formats[i], &b, &blen), 0);
        assert_int_equal(alen, blen);
        assert_memory_equal(a, b, alen);
        free(a);
        free(b);
    }
    free_graph(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gexf_structure),
        cmocka_unit_test(test_gexf_hostile_text),
        cmocka_unit_test(test_gexf_viz_and_attvalues),
        cmocka_unit_test(test_graphml_structure),
        cmocka_unit_test(test_graphml_data),
        cmocka_unit_test(test_whitespace_kept),
        cmocka_unit_test(test_empty_graph),
        cmocka_unit_test(test_edges_out_of_range),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_deterministic),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    xmlCleanupParser();
    return failed;
}
