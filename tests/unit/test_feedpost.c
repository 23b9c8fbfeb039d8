/* Unit tests for feedpost: a feed entry read as its post page is read (same
 * body links, kinds, anchors, context and text as the page that holds the
 * same body), the feed's facts in place of the page's, and the jump-break
 * tell-tales that send a post back to its page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blogmap/feedpost.h"

#define URL "https://b.example/2024/01/post.html"

static const char body[] =
    "<p>We said so in <a href='/2023/01/a.html'>A</a>, and the rest of a long sentence "
    "that makes this line prose.</p><a name='more'></a>"
    "<div>More text. See also <a href='../../2022/05/b.html?m=1#more'>B</a> for the "
    "background, which is a long story.</div>"
    "If interested see:<br />\n- <a href='https://b.example/2021/01/c.html'>C</a><br />\n"
    "- <a href='/2021/02/d.html'>D</a><br />"
    "<div class='comments'><a href='/2019/01/e.html'>not the author's</a></div>";

static void test_same_as_page(void **state)
{
    (void)state;
    char html[4096];
    struct extract_page *page = NULL, *feed = NULL;
    snprintf(html, sizeof(html),
             "<html><head><title>Blog: T</title></head><body><div class='sidebar'><a "
             "href='/2000/01/s.html'>s</a></div><div class='post hentry'><h3 class='post-title'>"
             "T</h3><div class='post-body entry-content'>\n%s\n<div style='clear: both;'></div>"
             "</div><span class='post-labels'><a rel='tag' href='/l/X'>X</a></span></div>"
             "</body></html>", body);
    assert_int_equal(extract_page(html, strlen(html), URL, NULL, NULL, &page), EXTRACT_OK);
    struct feedpost_entry e = {.url = URL, .title = "Feed <T> & co", .date = "2024-01-26",
                               .labels = "X, Y", .content = body};
    assert_true(feedpost_has_body(&e));
    assert_int_equal(feedpost_extract(&e, 0, &feed), FEEDPOST_OK);
    assert_int_equal(feed->n_body_links, page->n_body_links);
    assert_int_equal(feed->n_body_links, 4);
    for (size_t i = 0; i < feed->n_body_links; i++) {
        assert_string_equal(feed->body_links[i].url, page->body_links[i].url);
        assert_string_equal(feed->body_links[i].anchor, page->body_links[i].anchor);
        assert_string_equal(feed->body_links[i].context, page->body_links[i].context);
        assert_int_equal(feed->body_links[i].kind, page->body_links[i].kind);
    }
    assert_int_equal(feed->body_links[3].kind, EXTRACT_RELATED);
    assert_string_equal(feed->body_links[1].url, "https://b.example/2022/05/b.html");
    assert_string_equal(feed->text, page->text);
    assert_string_equal(feed->anchors, page->anchors);
    assert_int_equal(feed->content_blocks, 1);
    assert_string_equal(feed->title, "Feed <T> & co");
    assert_string_equal(feed->date, "2024-01-26");
    assert_string_equal(feed->labels, "X, Y");
    assert_null(feed->canonical);
    extract_page_free(page);
    extract_page_free(feed);
}

static void test_facts_fall_back(void **state)
{
    (void)state;
    struct extract_page *p = NULL;
    struct feedpost_entry e = {.url = URL, .content = "<p>no facts <a href='/x.html'>x</a></p>"};
    assert_int_equal(feedpost_extract(&e, 0, &p), FEEDPOST_OK);
    assert_null(p->title);
    assert_null(p->date);
    assert_null(p->labels);
    assert_int_equal(p->n_body_links, 1);
    extract_page_free(p);
    e.content = NULL;
    assert_int_equal(feedpost_extract(&e, 0, &p), FEEDPOST_ENOBODY);
}

struct cut_case {
    const char *name, *content;
    int whole;
};

static const struct cut_case cut_cases[] = {
    {"jump link at the end", "<p>Start.</p><div class='jump-link'><a href='" URL "#more' "
     "title='T'>Read more &#187;</a></div>", 0},
    {"relative jump link", "<p>Start.</p><a href=\"#more\">more</a>", 0},
    {"WordPress more link", "<p>Start.</p><a href='" URL "#more-123' class='more-link'>"
     "(more&hellip;)</a>", 0},
    {"#moreover is no jump", "<p>Body <a href='#moreover'>see below</a>.</p>", 1},
    {"anchor then only markup", "<p>Start.</p><a name='more'></a>\n<div class='blogger-post-"
     "footer'><img width='1' height='1' src='https://t.example/x' alt='' /></div>&nbsp;\n", 0},
    {"continue reading to itself", "<p>Start.</p><p><a href='" URL "'>Continue reading "
     "&rarr;</a></p>", 0},
    {"read more to itself, other host spelling", "<p>Start.</p><a href='https://B.example:443"
     "/2024/01/post.html?utm_source=feed'>Read more</a>", 0},
    {"anchor mid-body", "<p>Start.</p><a name='more'></a><p>The rest.</p>", 1},
    {"#more to another post", "<p>See <a href='/2020/01/x.html#more'>X</a>.</p>", 1},
    {"self link to comments", "<p>Body.</p><a href='" URL "#comments'>Comments</a>", 1},
    {"read more elsewhere", "<p>Body. <a href='/2020/02/y.html'>Read more about Y</a></p>", 1},
    {"unquoted and odd attributes", "<p>Body</p><a class=x href=/2020/03/z.html title=\"a>b\">z"
     "</a><a  NAME = \"More\" ></a>", 0},
    {"empty", "", 0},
};

static void test_cut_short(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cut_cases) / sizeof(cut_cases[0]); i++) {
        struct feedpost_entry e = {.url = URL, .content = cut_cases[i].content};
        if (feedpost_has_body(&e) != cut_cases[i].whole)
            fail_msg("%s: has_body says %d", cut_cases[i].name, !cut_cases[i].whole);
    }
}

static void test_nested_bodies_and_caps(void **state)
{
    (void)state;
    struct extract_page *p = NULL;
    struct feedpost_entry e = {.url = URL, .content =
        "<div class='post-body'><a href='/1.html'>1</a></div><article><a href='/2.html'>2</a>"
        "</article></div></body></html><a href='/3.html'>3</a>"};
    assert_int_equal(feedpost_extract(&e, 0, &p), FEEDPOST_OK);
    assert_int_equal(p->content_blocks, 1);
    assert_true(p->n_body_links >= 2);
    extract_page_free(p);
    e.content = "<a href='/1.html'>1</a> <a href='/2.html'>2</a> <a href='/3.html'>3</a>";
    assert_int_equal(feedpost_extract(&e, 2, &p), FEEDPOST_OK);
    assert_int_equal(p->n_body_links, 2);
    assert_true(p->links_dropped >= 1);
    extract_page_free(p);
    assert_string_equal(feedpost_strerror(FEEDPOST_ENOBODY), "the feed gives no whole body");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_page),
        cmocka_unit_test(test_facts_fall_back),
        cmocka_unit_test(test_cut_short),
        cmocka_unit_test(test_nested_bodies_and_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
