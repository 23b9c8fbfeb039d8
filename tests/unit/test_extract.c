/* Unit tests for extract: body-only links, related vs inline kinds, page
 * facts, and the byte-level hazards of libxml2 2.9.14 (NUL, bad UTF-8).
 * Tests named test_xNN_* cover reliability-matrix cases; the rest of the
 * matrix's HTML cases are in test_matrix_html.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blogmap/extract.h"

#define BASE "https://b.example/2024/01/post.html"

static struct extract_page *parse(const char *html, size_t len, const char *xpath)
{
    struct extract_page *p = NULL;
    struct extract_opts o = {.content_xpath = xpath};
    assert_int_equal(extract_page(html, len, BASE, "text/html; charset=UTF-8", &o, &p),
                     EXTRACT_OK);
    assert_non_null(p);
    return p;
}

static const struct extract_link *find(const struct extract_page *p, const char *url)
{
    for (size_t i = 0; i < p->n_body_links; i++)
        if (!strcmp(p->body_links[i].url, url))
            return &p->body_links[i];
    return NULL;
}

struct kind_case {
    const char *name, *body;
    const char *url;
    int kind;       /* -1: must not be a body link */
};

static const struct kind_case kind_cases[] = {
    {"inline in prose", "<p>We said so. See also <a href='/2023/01/a.html'>A</a>. More text "
     "that goes on for quite a while so the line is prose.</p>", "https://b.example/2023/01/a.html",
     EXTRACT_INLINE},
    {"ul after lead-in", "<p>Body text here.</p><p>If interested see:</p><ul><li>"
     "<a href='/2023/02/b.html'>B</a></li></ul>", "https://b.example/2023/02/b.html",
     EXTRACT_RELATED},
    {"br list after lead-in", "Intro.<br />Related:<br />\n- <a href='/2023/03/c.html'>C</a><br />"
     "\n- <a href='/2023/03/d.html'>D</a><br />", "https://b.example/2023/03/d.html",
     EXTRACT_RELATED},
    {"seed style lead-in with date", "If interested see September 2023's:<br />"
     "<a href='/2023/09/hbr.html'>HBR</a><br />", "https://b.example/2023/09/hbr.html",
     EXTRACT_RELATED},
    {"sub lead-in keeps block", "And the links we embedded in that post:<br />This type of "
     "information advantage is more and more accruing to the biggest of corporations, akin to "
     "the flywheel effect:<br />- <a href='/2022/01/f.html'>F</a><br />",
     "https://b.example/2022/01/f.html", EXTRACT_RELATED},
    {"prose ends block", "Previously:<ul><li><a href='/2021/01/x.html'>X</a></li></ul><p>And "
     "now a long paragraph of prose that talks about something else entirely, with a link to "
     "<a href='/2021/02/y.html'>Y</a> inside it.</p>", "https://b.example/2021/02/y.html",
     EXTRACT_INLINE},
    {"related widget class", "<p>Text.</p><div class='jp-relatedposts'><a "
     "href='/2020/01/w.html'>W</a></div>", "https://b.example/2020/01/w.html", EXTRACT_RELATED},
    {"comments skipped", "<p>x</p><div class='comments'><a href='/2019/01/c.html'>c</a></div>",
     "https://b.example/2019/01/c.html", -1},
    {"fragment and m=1 folded", "<p>See <a href='/2018/01/z.html?m=1#more'>Z</a> and the rest "
     "of a long sentence that makes this line prose.</p>", "https://b.example/2018/01/z.html",
     EXTRACT_INLINE},
    {"javascript dropped", "<p><a href='javascript:alert(1)'>j</a></p>", "javascript:alert(1)",
     -1},
};

static void test_kinds(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(kind_cases) / sizeof(kind_cases[0]); i++) {
        const struct kind_case *k = &kind_cases[i];
        char html[4096];
        snprintf(html, sizeof(html), "<html><body><div class='sidebar'><a href='/2000/01/s.html'>"
                 "s</a></div><div class='post-body entry-content'>%s</div></body></html>", k->body);
        struct extract_page *p = parse(html, strlen(html), NULL);
        const struct extract_link *l = find(p, k->url);
        if (k->kind < 0) {
            if (l)
                fail_msg("%s: %s should not be a body link", k->name, k->url);
        } else {
            if (!l)
                fail_msg("%s: %s not found", k->name, k->url);
            if (l->kind != k->kind)
                fail_msg("%s: kind %d, want %d", k->name, l->kind, k->kind);
        }
        assert_null(find(p, "https://b.example/2000/01/s.html"));
        extract_page_free(p);
    }
}

static void test_facts(void **state)
{
    (void)state;
    const char *html =
        "<html><head><title>Blog: T</title><link rel='canonical' href='https://b.example/2024/01/"
        "post.html?m=1'><link rel='alternate' type='application/atom+xml' "
        "href='/feeds/posts/default'></head><body><div class='post hentry'>"
        "<h2 class='date-header'><span>Friday, January 26, 2024</span></h2>"
        "<h3 class='post-title entry-title'>  The  Title &amp; more </h3>"
        "<div class='post-body'>x</div><span class='post-labels'><a rel='tag' href='/search/"
        "label/A'>A</a>, <a rel='tag' href='/search/label/B'>B</a></span></div>"
        "<a href='/2023/05/other.html'>o</a></body></html>";
    struct extract_page *p = parse(html, strlen(html), NULL);
    assert_string_equal(p->title, "The Title & more");
    assert_string_equal(p->date, "2024-01-26");
    assert_string_equal(p->labels, "A, B");
    assert_string_equal(p->canonical, "https://b.example/2024/01/post.html");
    assert_int_equal(p->n_feeds, 1);
    assert_string_equal(p->feeds[0], "https://b.example/feeds/posts/default");
    assert_int_equal(p->content_blocks, 1);
    assert_true(p->n_links >= 3);
    extract_page_free(p);
}

static void test_x05_nul_and_bad_utf8(void **state)
{
    (void)state;
    static const char html[] = "<html><body>\xff\xfe\xc3\x28<h3 class='post-title'>Caf\xc3\xa9"
                               "</h3><div class='post-body'><p><a href='/a.html'>a</a></p>\0"
                               "<p><a href='/after.html'>after</a></p></div></body></html>";
    struct extract_page *p = parse(html, sizeof(html) - 1, NULL);
    assert_string_equal(p->title, "Caf\xc3\xa9");
    assert_non_null(find(p, "https://b.example/after.html"));
    extract_page_free(p);
}

static void test_listing_and_xpath(void **state)
{
    (void)state;
    const char *html = "<html><body><div class='post-body'><a href='/1.html'>1</a></div>"
                       "<div class='post-body'><a href='/2.html'>2</a></div>"
                       "<section id='mine'><a href='/3.html'>3</a></section></body></html>";
    struct extract_page *p = parse(html, strlen(html), NULL);
    assert_int_equal(p->content_blocks, 2);
    extract_page_free(p);
    p = parse(html, strlen(html), "//section[@id='mine']");
    assert_int_equal(p->n_body_links, 1);
    assert_string_equal(p->body_links[0].url, "https://b.example/3.html");
    extract_page_free(p);
    assert_int_equal(extract_check_xpath("//[bad"), EXTRACT_EXPATH);
}

/* Found by fuzz_extract: a <base> with no href dereferenced NULL. */
static void test_base_without_href(void **state)
{
    (void)state;
    const char *html = "<html><head><base target='_blank'><base href='https://other.example/d/'>"
                       "</head><body><div class='post-body'><a href='x.html'>x</a></div></body></html>";
    struct extract_page *p = parse(html, strlen(html), NULL);
    assert_int_equal(p->n_body_links, 1);
    assert_string_equal(p->body_links[0].url, "https://other.example/d/x.html");
    extract_page_free(p);
}

static void test_binary(void **state)
{
    (void)state;
    char junk[256];
    struct extract_page *p = NULL;
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (char)(i % 7);
    assert_int_equal(extract_page(junk, sizeof(junk), BASE, NULL, NULL, &p), EXTRACT_EBINARY);
    assert_null(p);
}

/* X02: 100k nested elements, streamed and through the --content-xpath tree
 * replay, must not blow the stack; the page says it was cut short. */
static void test_x02_deep_nesting(void **state)
{
    (void)state;
    size_t n = 100000;
    char *html = malloc(n * 5 + 200);
    assert_non_null(html);
    size_t o = 0;
    o += (size_t)snprintf(html, 64, "<html><body><div class='post-body'>");
    for (size_t i = 0; i < n; i++)
        memcpy(html + o, "<div>", 5), o += 5;
    o += (size_t)snprintf(html + o, 64, "<a href='/deep.html'>d</a></div></body></html>");
    struct extract_page *p = parse(html, o, NULL);     /* must not blow the stack */
    assert_int_equal(p->partial, 1);
    extract_page_free(p);
    p = parse(html, o, "//div");                        /* iterative replay */
    assert_int_equal(p->partial, 1);
    extract_page_free(p);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_x05_nul_and_bad_utf8),
        cmocka_unit_test(test_listing_and_xpath),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_base_without_href),
        cmocka_unit_test(test_x02_deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
