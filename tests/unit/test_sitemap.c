/* Unit tests for sitemap: sitemaps and feeds list the same URLs as before,
 * and a feed's entries come with their facts: title, date, labels joined as
 * a page's are, the whole body only when the feed carries it (Atom html and
 * xhtml content, RSS content:encoded; never a summary or a description),
 * openSearch paging, and the per-entry content cap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blogmap/sitemap.h"

#define FEED_URL "https://b.example/feeds/posts/default?max-results=500"

static struct sitemap_list *parse(const char *xml)
{
    struct sitemap_list *l = NULL;
    assert_int_equal(sitemap_parse(xml, strlen(xml), FEED_URL, 0, &l), SITEMAP_OK);
    assert_non_null(l);
    return l;
}

static const char atom[] =
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<feed xmlns='http://www.w3.org/2005/Atom' "
    "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/'>"
    "<link rel='next' href='https://b.example/feeds/posts/default?start-index=3&amp;max-results=2'/>"
    "<openSearch:totalResults>4</openSearch:totalResults>"
    "<openSearch:startIndex>1</openSearch:startIndex>"
    "<entry><published>2024-01-26T07:10:00.000-05:00</published>"
    "<updated>2024-02-01T00:00:00.000-05:00</updated>"
    "<category scheme='http://www.blogger.com/atom/ns#' term='Big  Tech'/>"
    "<category term='Tech'/><category term='Moats'/>"
    "<title type='text'>  Caf\xc3\xa9 &amp;  Co </title>"
    "<content type='html'>&lt;p&gt;See &lt;a href=\"/2023/05/x.html\"&gt;x&lt;/a&gt;&lt;/p&gt;</content>"
    "<link rel='replies' href='https://b.example/feeds/1/comments/default'/>"
    "<link rel='alternate' type='text/html' href='https://b.example/2024/01/a.html?m=1'/></entry>"
    "<entry><updated>2023-12-01T00:00:00Z</updated><title type='html'>A &amp;amp; B</title>"
    "<summary type='text'>only the start</summary>"
    "<link rel='alternate' href='/2023/12/b.html'/></entry>"
    "</feed>";

static void test_atom_entries(void **state)
{
    (void)state;
    struct sitemap_list *l = parse(atom);
    assert_true(l->is_feed);
    assert_int_equal(l->n_pages, 2);
    assert_string_equal(l->pages[0], "https://b.example/2024/01/a.html");
    assert_string_equal(l->lastmod[0], "2024-02-01T00:00:00.000-05:00");
    assert_string_equal(l->titles[0], "Caf\xc3\xa9 & Co");
    assert_string_equal(l->published[0], "2024-01-26");
    assert_string_equal(l->labels[0], "Big Tech, Moats");     /* "Tech" repeats "Big Tech" */
    assert_string_equal(l->content[0], "<p>See <a href=\"/2023/05/x.html\">x</a></p>");
    assert_string_equal(l->pages[1], "https://b.example/2023/12/b.html");
    assert_string_equal(l->titles[1], "A & B");
    assert_string_equal(l->published[1], "2023-12-01");      /* no <published>: updated */
    assert_null(l->labels[1]);
    assert_null(l->content[1]);                               /* a summary is no body */
    assert_int_equal(l->n_more, 1);
    assert_string_equal(l->more[0],
                        "https://b.example/feeds/posts/default?max-results=2&start-index=3");
    assert_int_equal(l->total_results, 4);
    assert_int_equal(l->start_index, 1);
    sitemap_list_free(l);
}

static void test_atom_content_types(void **state)
{
    (void)state;
    static const char xml[] =
        "<feed xmlns='http://www.w3.org/2005/Atom'>"
        "<entry><link href='/1.html'/><content type='xhtml'><div "
        "xmlns='http://www.w3.org/1999/xhtml'><p>x <a href='/2.html'>two</a></p></div></content></entry>"
        "<entry><link href='/3.html'/><content type='text'>plain &lt;a&gt;</content></entry>"
        "<entry><link href='/4.html'/><content>no type is text</content></entry>"
        "<entry><link href='/5.html'/><content type='text/html' src='/5.txt'/></entry>"
        "<entry><link href='/6.html'/><content type='text/html'>&lt;b&gt;y&lt;/b&gt;</content></entry>"
        "</feed>";
    struct sitemap_list *l = parse(xml);
    assert_int_equal(l->n_pages, 5);
    assert_non_null(l->content[0]);
    assert_non_null(strstr(l->content[0], "<a href=\"/2.html\">two</a>"));
    assert_null(l->content[1]);
    assert_null(l->content[2]);
    assert_null(l->content[3]);
    assert_string_equal(l->content[4], "<b>y</b>");
    assert_int_equal(l->total_results, -1);
    assert_int_equal(l->start_index, -1);
    sitemap_list_free(l);
}

static void test_rss_items(void **state)
{
    (void)state;
    static const char xml[] =
        "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/'><channel><title>B</title>"
        "<item><title>One &#8217;s</title><link>https://b.example/2021/03/01/one/</link>"
        "<pubDate>Mon, 01 Mar 2021 08:00:00 +0000</pubDate>"
        "<category><![CDATA[Energy]]></category><category>Grid</category>"
        "<description>teaser</description>"
        "<content:encoded><![CDATA[<p>Body <a href='/2020/01/01/z/'>z</a></p>]]></content:encoded>"
        "</item>"
        "<item><title>Two</title><link>https://b.example/2021/02/01/two/</link>"
        "<dc:date>2021-02-01T00:00:00Z</dc:date><description>only a teaser</description></item>"
        "<item><title>Three</title><link>https://b.example/3/</link>"
        "<encoded>not the content namespace</encoded></item>"
        "</channel></rss>";
    struct sitemap_list *l = parse(xml);
    assert_int_equal(l->n_pages, 3);
    assert_string_equal(l->titles[0], "One \xe2\x80\x99s");
    assert_string_equal(l->published[0], "2021-03-01");
    assert_string_equal(l->labels[0], "Energy, Grid");
    assert_string_equal(l->content[0], "<p>Body <a href='/2020/01/01/z/'>z</a></p>");
    assert_string_equal(l->published[1], "2021-02-01");
    assert_null(l->content[1]);
    assert_null(l->content[2]);
    sitemap_list_free(l);
}

static void test_content_cap(void **state)
{
    (void)state;
    size_t body = SITEMAP_CONTENT_MAX + 16;
    const char *head = "<feed xmlns='http://www.w3.org/2005/Atom'><entry><link href='/big.html'/>"
                       "<content type='html'>";
    const char *tail = "</content></entry><entry><link href='/small.html'/><content "
                       "type='html'>ok</content></entry></feed>";
    char *xml = malloc(strlen(head) + body + strlen(tail) + 1);
    assert_non_null(xml);
    size_t o = (size_t)snprintf(xml, strlen(head) + 1, "%s", head);
    memset(xml + o, 'x', body);
    snprintf(xml + o + body, strlen(tail) + 1, "%s", tail);
    struct sitemap_list *l = parse(xml);
    assert_int_equal(l->n_pages, 2);
    assert_null(l->content[0]);             /* over the cap: fetch the page instead */
    assert_string_equal(l->content[1], "ok");
    sitemap_list_free(l);
    free(xml);
}

static void test_sitemap_has_no_facts(void **state)
{
    (void)state;
    static const char xml[] =
        "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>"
        "https://b.example/2020/01/a.html</loc><lastmod>2020-01-02</lastmod></url></urlset>";
    struct sitemap_list *l = parse(xml);
    assert_false(l->is_feed);
    assert_int_equal(l->n_pages, 1);
    assert_string_equal(l->lastmod[0], "2020-01-02");
    assert_null(l->titles);
    assert_null(l->content);
    sitemap_list_free(l);
    assert_int_equal(sitemap_parse("<html/>", 7, FEED_URL, 0, &l), SITEMAP_EFORMAT);
    assert_int_equal(sitemap_parse("", 0, FEED_URL, 0, &l), SITEMAP_EPARSE);
}

static void test_entry_cap(void **state)
{
    (void)state;
    struct sitemap_list *l = NULL;
    assert_int_equal(sitemap_parse(atom, strlen(atom), FEED_URL, 1, &l), SITEMAP_OK);
    assert_int_equal(l->n_pages, 1);
    assert_non_null(l->content[0]);
    sitemap_list_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atom_entries),
        cmocka_unit_test(test_atom_content_types),
        cmocka_unit_test(test_rss_items),
        cmocka_unit_test(test_content_cap),
        cmocka_unit_test(test_sitemap_has_no_facts),
        cmocka_unit_test(test_entry_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
