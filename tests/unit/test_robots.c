/* Unit tests for crawler/robots.c: tables of (robots.txt, agent, path,
 * verdict) for the RFC 9309 rules, tables of Crawl-delay values, and a few
 * one-off tests for sitemaps, size caps and hostile wildcard patterns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blogmap/robots.h"

#define TXT(s) s, sizeof(s) - 1

static const char BLOGGER[] =
    "User-agent: Mediapartners-Google\nDisallow: \n\n"
    "User-agent: *\nDisallow: /search\nAllow: /\n\n"
    "Sitemap: http://x/sitemap.xml\n";

struct allow_case {
    const char *name;
    const char *txt;
    size_t len;
    const char *agent;
    const char *path;
    int want;
};

static const struct allow_case allow_cases[] = {
    { "blogger label", TXT(BLOGGER), "blogmap", "/search/label/X", 0 },
    { "blogger query", TXT(BLOGGER), "blogmap", "/search?updated-max=1", 0 },
    { "blogger post", TXT(BLOGGER), "blogmap", "/2024/01/a.html", 1 },
    { "blogger root", TXT(BLOGGER), "blogmap", "/", 1 },
    { "blogger adsense", TXT(BLOGGER), "Mediapartners-Google", "/search/x", 1 },

    { "longest allow", TXT("User-agent: *\nDisallow: /a\nAllow: /a/b\n"),
      "blogmap", "/a/b/c", 1 },
    { "longest disallow", TXT("User-agent: *\nDisallow: /a\nAllow: /a/b\n"),
      "blogmap", "/a/c", 0 },
    { "longest order-free", TXT("User-agent: *\nDisallow: /a/b\nAllow: /a\n"),
      "blogmap", "/a/b", 0 },
    { "tie allow first", TXT("User-agent: *\nAllow: /p\nDisallow: /p\n"),
      "blogmap", "/page", 1 },
    { "tie allow last", TXT("User-agent: *\nDisallow: /p\nAllow: /p\n"),
      "blogmap", "/page", 1 },
    { "longer wildcard wins", TXT("User-agent: *\nAllow: /p\nDisallow: /*.php\n"),
      "blogmap", "/p/x.php", 0 },

    { "dollar exact", TXT("User-agent: *\nDisallow: /*.php$\n"),
      "blogmap", "/a.php", 0 },
    { "dollar query", TXT("User-agent: *\nDisallow: /*.php$\n"),
      "blogmap", "/a.php?x=1", 1 },
    { "dollar suffix", TXT("User-agent: *\nDisallow: /fish$\n"),
      "blogmap", "/fish/", 1 },
    { "dollar root only", TXT("User-agent: *\nDisallow: /\nAllow: /$\n"),
      "blogmap", "/", 1 },
    { "dollar root other", TXT("User-agent: *\nDisallow: /\nAllow: /$\n"),
      "blogmap", "/page", 0 },

    { "star middle", TXT("User-agent: *\nDisallow: /*/private/\n"),
      "blogmap", "/x/y/private/z", 0 },
    { "star needs slash", TXT("User-agent: *\nDisallow: /*/private/\n"),
      "blogmap", "/private/", 1 },
    { "star trailing", TXT("User-agent: *\nDisallow: /fish*\n"),
      "blogmap", "/fishheads", 0 },
    { "star only", TXT("User-agent: *\nDisallow: *\n"), "blogmap", "/", 0 },
    { "star query", TXT("User-agent: *\nDisallow: /*?\n"),
      "blogmap", "/a?b", 0 },
    { "star query none", TXT("User-agent: *\nDisallow: /*?\n"),
      "blogmap", "/a", 1 },

    { "pct pattern", TXT("User-agent: *\nDisallow: /%7Efoo\n"),
      "blogmap", "/~foo/x", 0 },
    { "pct path", TXT("User-agent: *\nDisallow: /~foo\n"),
      "blogmap", "/%7efoo", 0 },
    { "pct hex case", TXT("User-agent: *\nDisallow: /a%2fb\n"),
      "blogmap", "/a%2Fb", 0 },
    { "pct slash kept", TXT("User-agent: *\nDisallow: /a%2fb\n"),
      "blogmap", "/a/b", 1 },
    { "pct raw utf8", TXT("User-agent: *\nDisallow: /caf\xc3\xa9\n"),
      "blogmap", "/caf%c3%a9", 0 },
    { "pct raw path", TXT("User-agent: *\nDisallow: /caf%C3%A9\n"),
      "blogmap", "/caf\xc3\xa9", 0 },

    { "agent override", TXT("User-agent: *\nDisallow: /\n\n"
                            "User-agent: blogmap\nDisallow: /private\n"),
      "blogmap", "/public", 1 },
    { "agent own rule", TXT("User-agent: *\nDisallow: /\n\n"
                            "User-agent: blogmap\nDisallow: /private\n"),
      "blogmap", "/private", 0 },
    { "agent other bot", TXT("User-agent: *\nDisallow: /\n\n"
                             "User-agent: blogmap\nDisallow: /private\n"),
      "otherbot", "/public", 0 },
    { "agent case version", TXT("User-agent: BlogMap/1.0\nDisallow: /x\n"),
      "blogmap", "/x", 0 },
    { "agent param version", TXT("User-agent: blogmap\nDisallow: /x\n"),
      "blogmap/2.3", "/x", 0 },
    { "agent prefix no match", TXT("User-agent: blogmapper\nDisallow: /\n"),
      "blogmap", "/", 1 },
    { "agent shared group", TXT("User-agent: a\nUser-agent: blogmap\nDisallow: /x\n"),
      "blogmap", "/x", 0 },
    { "agent groups merged", TXT("User-agent: blogmap\nDisallow: /x\n\n"
                                 "User-agent: z\nDisallow: /y\n\n"
                                 "User-agent: blogmap\nDisallow: /y\n"),
      "blogmap", "/y", 0 },
    { "agent empty group", TXT("User-agent: *\nDisallow: /\n\n"
                               "User-agent: blogmap\nDisallow:\n"),
      "blogmap", "/x", 1 },

    { "no group", TXT("Disallow: /x\n"), "blogmap", "/x", 1 },
    { "empty file", "", 0, "blogmap", "/x", 1 },
    { "null text", NULL, 0, "blogmap", "/x", 1 },
    { "garbage", TXT("\x00\x01\xff\xfe\x80garbage\n<html><body>oops</body>\n"
                     "::::\n\xc3\x28: /\nDisallow\n"),
      "blogmap", "/x", 1 },
    { "nul keeps parsing", TXT("User-agent: *\n\0\0junk\0\nDisallow: /x\n"),
      "blogmap", "/x", 0 },
    { "nul in key", TXT("User-agent: *\nDis\0allow: /x\n"), "blogmap", "/x", 1 },
    { "bom crlf", TXT("\xEF\xBB\xBFUser-agent: *\r\nDisallow: /x\r\n"),
      "blogmap", "/x", 0 },
    { "bom crlf other", TXT("\xEF\xBB\xBFUser-agent: *\r\nDisallow: /x\r\n"),
      "blogmap", "/y", 1 },
    { "cr only", TXT("User-agent: *\rDisallow: /x\r"), "blogmap", "/x", 0 },
    { "keys loose", TXT("  USER-AGENT :*\nDISALLOW\t:  /x  # why\n"),
      "blogmap", "/x", 0 },
    { "comment only value", TXT("User-agent: *\nDisallow: # /x\n"),
      "blogmap", "/x", 1 },
    { "robots.txt allowed", TXT("User-agent: *\nDisallow: /\n"),
      "blogmap", "/robots.txt", 1 },
    { "root disallowed", TXT("User-agent: *\nDisallow: /\n"), "blogmap", "/", 0 },
};

static void test_allowed_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(allow_cases) / sizeof(allow_cases[0]); i++) {
        const struct allow_case *c = &allow_cases[i];
        struct robots *r = robots_parse(c->txt, c->len, c->agent);
        int got = robots_allowed(r, c->path);

        if (got != c->want)
            fail_msg("case '%s': '%s' got %d, want %d", c->name, c->path,
                     got, c->want);
        robots_free(r);
    }
}

struct delay_case {
    const char *txt;
    const char *agent;
    double want;
};

static const struct delay_case delay_cases[] = {
    { "User-agent: *\nCrawl-delay: 10\n", "blogmap", 10.0 },
    { "User-agent: *\ncrawl-delay : 0.5 # slow\n", "blogmap", 0.5 },
    { "User-agent: *\nCrawl-delay: 0\n", "blogmap", 0.0 },
    { "User-agent: *\nCrawl-delay: -1\n", "blogmap", -1.0 },
    { "User-agent: *\nCrawl-delay: nan\n", "blogmap", -1.0 },
    { "User-agent: *\nCrawl-delay: inf\n", "blogmap", -1.0 },
    { "User-agent: *\nCrawl-delay: 1e3\n", "blogmap", -1.0 },
    { "User-agent: *\nCrawl-delay: 0x10\n", "blogmap", -1.0 },
    { "User-agent: *\nCrawl-delay: 1.2.3\n", "blogmap", -1.0 },
    { "User-agent: *\nCrawl-delay: .\n", "blogmap", -1.0 },
    { "User-agent: *\nCrawl-delay: 1.\n", "blogmap", 1.0 },
    { "User-agent: *\nCrawl-delay: 3 s\n", "blogmap", -1.0 },
    { "User-agent: *\nCrawl-delay: 5\nCrawl-delay: 7\n", "blogmap", 5.0 },
    { "User-agent: *\nCrawl-delay: 5\n\nUser-agent: blogmap\nCrawl-delay: 2\n",
      "blogmap", 2.0 },
    { "User-agent: *\nCrawl-delay: 5\n\nUser-agent: blogmap\nDisallow: /x\n",
      "blogmap", -1.0 },
    { "User-agent: other\nCrawl-delay: 5\n", "blogmap", -1.0 },
    { "Crawl-delay: 5\n", "blogmap", -1.0 },
    { "", "blogmap", -1.0 },
};

static void test_crawl_delay_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(delay_cases) / sizeof(delay_cases[0]); i++) {
        const struct delay_case *c = &delay_cases[i];
        struct robots *r = robots_parse(c->txt, strlen(c->txt), c->agent);
        double got = robots_crawl_delay(r);

        if (c->want < 0 ? got >= 0 : got != c->want)
            fail_msg("delay case %zu: got %g, want %g", i, got, c->want);
        robots_free(r);
    }
}

static void test_sitemaps(void **state)
{
    static const char txt[] =
        "Sitemap: http://a/1.xml\n"
        "User-agent: other\nDisallow: /\nSITEMAP :http://a/2.xml\n"
        "Sitemap: http://a/1.xml\nSitemap: \nSitemap: http://a/ bad\n"
        "User-agent: *\nSitemap: http://a/3.xml # c\n";
    struct robots *r = robots_parse(txt, sizeof(txt) - 1, "blogmap");

    (void)state;
    assert_int_equal(robots_sitemap_count(r), 3);
    assert_string_equal(robots_sitemap(r, 0), "http://a/1.xml");
    assert_string_equal(robots_sitemap(r, 1), "http://a/2.xml");
    assert_string_equal(robots_sitemap(r, 2), "http://a/3.xml");
    assert_null(robots_sitemap(r, 3));
    robots_free(r);

    r = robots_parse(TXT(BLOGGER), "blogmap");
    assert_int_equal(robots_sitemap_count(r), 1);
    assert_string_equal(robots_sitemap(r, 0), "http://x/sitemap.xml");
    robots_free(r);
}

/* Fill BUF[0..LEN) with comment lines, leaving it fully newline-terminated. */
static void fill_comments(char *buf, size_t len)
{
    memset(buf, '#', len);
    for (size_t i = 63; i < len; i += 64)
        buf[i] = '\n';
    buf[len - 1] = '\n';
}

static void put_at(char *buf, size_t off, const char *s)
{
    memcpy(buf + off, s, strlen(s));
}

/* Matrix R06: a 10 MiB robots.txt is read up to ROBOTS_MAX_BYTES only. */
static void test_r06_size_cap(void **state)
{
    size_t len = 10u * 1024 * 1024;
    char *buf = malloc(len);
    struct robots *r;

    (void)state;
    assert_non_null(buf);
    fill_comments(buf, len);
    put_at(buf, 0, "User-agent: *\nDisallow: /a\n");
    put_at(buf, 600u * 1024, "\nDisallow: /b\n");
    r = robots_parse(buf, len, "blogmap");
    assert_int_equal(robots_allowed(r, "/a"), 0);
    assert_int_equal(robots_allowed(r, "/b"), 1);
    robots_free(r);

    /* A line cut by the cap is dropped, not read as "Allow: /". */
    fill_comments(buf, len);
    put_at(buf, 0, "User-agent: *\nDisallow: /\n");
    put_at(buf, ROBOTS_MAX_BYTES - 9, "\nAllow: /private-notes\n");
    r = robots_parse(buf, len, "blogmap");
    assert_int_equal(robots_allowed(r, "/x"), 0);
    robots_free(r);

    /* A line ending exactly at the cap is whole and is kept. */
    fill_comments(buf, len);
    put_at(buf, 0, "User-agent: *\n");
    put_at(buf, ROBOTS_MAX_BYTES - 13, "\nDisallow: /x\n");
    r = robots_parse(buf, len, "blogmap");
    assert_int_equal(robots_allowed(r, "/x"), 0);
    robots_free(r);
    free(buf);
}

/* Matrix R07: junk gives no rules (allow all); what can be parsed is. */
static void test_r07_garbage(void **state)
{
    static const char junk[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xd8\xff\xe0:\x00/";
    static const char html[] =
        "<!DOCTYPE html>\n<html><head><title>Error 500</title></head>\n"
        "<body><h1>Disallow: everything</h1><p>User-agent: unknown</p></body></html>\n";
    static const char bom[] = "\xEF\xBB\xBFUser-agent: *\r\nDisallow: /private\r\n";
    static const char mixed[] = "\x01\x02\xfe\n<html>\nUser-agent: *\n\xff\xffjunk\nDisallow: /x\n";
    struct robots *r;

    (void)state;
    r = robots_parse(TXT(junk), "blogmap");
    assert_int_equal(robots_allowed(r, "/"), 1);
    assert_int_equal(robots_allowed(r, "/any/path"), 1);
    assert_true(robots_crawl_delay(r) < 0);
    assert_int_equal(robots_sitemap_count(r), 0);
    robots_free(r);

    r = robots_parse(TXT(html), "blogmap");
    assert_int_equal(robots_allowed(r, "/"), 1);
    assert_int_equal(robots_allowed(r, "/everything"), 1);
    robots_free(r);

    r = robots_parse(TXT(bom), "blogmap");
    assert_int_equal(robots_allowed(r, "/private/a"), 0);
    assert_int_equal(robots_allowed(r, "/public"), 1);
    robots_free(r);

    r = robots_parse(TXT(mixed), "blogmap");
    assert_int_equal(robots_allowed(r, "/x"), 0);
    assert_int_equal(robots_allowed(r, "/y"), 1);
    robots_free(r);
}

static void test_hostile_pattern(void **state)
{
    static const char txt[] = "User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*b\n";
    size_t n = 200000;
    char *path = malloc(n + 2);
    struct robots *r = robots_parse(TXT(txt), "blogmap");

    (void)state;
    assert_non_null(path);
    path[0] = '/';
    memset(path + 1, 'a', n);
    path[n + 1] = '\0';
    assert_int_equal(robots_allowed(r, path), 1);
    path[n] = 'b';
    assert_int_equal(robots_allowed(r, path), 0);
    robots_free(r);
    free(path);
}

static void test_fixed_policies(void **state)
{
    struct robots *r = robots_new_allow_all();

    (void)state;
    assert_int_equal(robots_allowed(r, "/x"), 1);
    assert_int_equal(robots_allowed(r, "/"), 1);
    assert_true(robots_crawl_delay(r) < 0);
    assert_int_equal(robots_sitemap_count(r), 0);
    robots_free(r);

    r = robots_new_disallow_all();
    assert_int_equal(robots_allowed(r, "/"), 0);
    assert_int_equal(robots_allowed(r, "/x?y=1"), 0);
    assert_int_equal(robots_allowed(r, "/robots.txt"), 1);
    assert_true(robots_crawl_delay(r) < 0);
    robots_free(r);
    robots_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowed_table),
        cmocka_unit_test(test_crawl_delay_table),
        cmocka_unit_test(test_sitemaps),
        cmocka_unit_test(test_r06_size_cap),
        cmocka_unit_test(test_r07_garbage),
        cmocka_unit_test(test_hostile_pattern),
        cmocka_unit_test(test_fixed_policies),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
