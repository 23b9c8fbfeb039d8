/* Unit tests for crawler/url.c: tables of (base, href, result) cases for
 * url_normalize, one per reliability-matrix case (test_tNN_*: session ids,
 * query order, tracking, fragments, Blogger and WordPress variants, case and
 * percent-encoding, dot segments, whitespace, schemes, huge URLs, hosts);
 * every accepted result is also checked for the output invariants (http(s)
 * prefix, safe bytes only, idempotence), as are the results of a few
 * thousand pseudo-random junk hrefs (T18). Smaller tables cover the
 * accessors and the crawler-trap check (T08). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blogmap/url.h"

#ifndef JUNK_ROUNDS
#define JUNK_ROUNDS 4000
#endif

struct norm_case {
    const char *base;
    const char *href;
    int rc;
    const char *want;
};

static const char B_POST[] = "http://127.0.0.1:8642/2024/01/post.html";
static const char B_AB[] = "https://h.com/a/b";
static const char B_ABQ[] = "https://h.com/a/b?z=1";

#define N_CASES(a) (sizeof(a) / sizeof((a)[0]))

/* Resolution and the brief's mixed examples; the rest is one table per
 * reliability-matrix case (T02-T17), each run by a test named after it. */
static const struct norm_case norm_cases[] = {
    { B_POST, "../../2023/05/x.html?m=1#more", URL_OK,
      "http://127.0.0.1:8642/2023/05/x.html" },
    { NULL, "https://h.com", URL_OK, "https://h.com/" },
    { B_ABQ, "?page=2", URL_OK, "https://h.com/a/b?page=2" },
    { B_ABQ, "//Other.ORG/x", URL_OK, "https://other.org/x" },
    { B_ABQ, "c", URL_OK, "https://h.com/a/c" },
    { B_ABQ, "/root", URL_OK, "https://h.com/root" },
    { B_ABQ, "./", URL_OK, "https://h.com/a/" },
    { B_AB, "http://abs.example/y", URL_OK, "http://abs.example/y" },
    { B_AB, "HTTPS://abs.example/y", URL_OK, "https://abs.example/y" },
    { NULL, "relative/path", URL_EPARSE, NULL },
    { NULL, "//h.com/x", URL_EPARSE, NULL },
};

/* T02: session ids in the path or the query */
static const struct norm_case t02_cases[] = {
    { NULL, "http://h.com/x;jsessionid=ABC123?b=1", URL_OK,
      "http://h.com/x?b=1" },
    { NULL, "http://h.com/a;JSESSIONID=x/y", URL_OK, "http://h.com/a/y" },
    { NULL, "http://h.com/a;v=1", URL_OK, "http://h.com/a;v=1" },
    { NULL, "http://h.com/?replytocom=5&PHPSESSID=a&phpsessid=b&sid=c",
      URL_OK, "http://h.com/" },
    { NULL, "http://h.com/?jsessionid=a&x=1", URL_OK, "http://h.com/?x=1" },
    { B_POST, "next.html?sid=8f3a9&p=2", URL_OK,
      "http://127.0.0.1:8642/2024/01/next.html?p=2" },
    { B_POST, "next.html;jsessionid=0AF2?PHPSESSID=77", URL_OK,
      "http://127.0.0.1:8642/2024/01/next.html" },
};

/* T03: parameter order and repeated keys; blank values kept */
static const struct norm_case t03_cases[] = {
    { NULL, "https://h.com/x?b=2&a=1", URL_OK, "https://h.com/x?a=1&b=2" },
    { NULL, "https://h.com/x?a=1&b=2", URL_OK, "https://h.com/x?a=1&b=2" },
    { NULL, "http://h.com/?m=2&m", URL_OK, "http://h.com/?m&m=2" },
    { NULL, "http://h.com/?b=&a", URL_OK, "http://h.com/?a&b=" },
    { NULL, "http://h.com/?a=2&a=1&a=10", URL_OK,
      "http://h.com/?a=1&a=10&a=2" },
    { NULL, "http://h.com/?ab=1&a=2", URL_OK, "http://h.com/?a=2&ab=1" },
    { NULL, "http://h.com/x?", URL_OK, "http://h.com/x" },
    { NULL, "http://h.com/x?&&", URL_OK, "http://h.com/x" },
    { NULL, "http://h.com/x?a=1&&b=2&", URL_OK, "http://h.com/x?a=1&b=2" },
};

/* T04: tracking parameters */
static const struct norm_case t04_cases[] = {
    { NULL, "https://h.com/p.html?utm_source=feedburner&utm_medium=feed",
      URL_OK, "https://h.com/p.html" },
    { NULL, "http://h.com/?fbclid=1&gclid=2&dclid=3&msclkid=4&q=x", URL_OK,
      "http://h.com/?q=x" },
    { NULL, "http://h.com/?mc_eid=1&mc_cid=2&_ga=3&UTM_x=4", URL_OK,
      "http://h.com/" },
    { NULL, "http://h.com/x?utm%5Fsource=1", URL_OK, "http://h.com/x" },
    { NULL, "http://h.com/x?q=1&utm_campaign=a&utm_content=b", URL_OK,
      "http://h.com/x?q=1" },
};

/* T05: fragments never reach the server */
static const struct norm_case t05_cases[] = {
    { B_POST, "x.html#c1", URL_OK, "http://127.0.0.1:8642/2024/01/x.html" },
    { B_POST, "#comments", URL_EEMPTY, NULL },
    { NULL, "http://h.com/post.html#more-123", URL_OK,
      "http://h.com/post.html" },
    { NULL, "http://h.com/p?a=1#frag?b=2", URL_OK, "http://h.com/p?a=1" },
    { B_AB, "#top", URL_EEMPTY, NULL },
    { B_AB, "  #x\n", URL_EEMPTY, NULL },
};

/* T06: Blogger's mobile, comment and archive-widget variants */
static const struct norm_case t06_cases[] = {
    { NULL, "https://h.com/2024/05/?widgetType=BlogArchive&widgetId="
      "BlogArchive1&action=toggle&dir=open&toggle=MONTHLY-1000",
      URL_OK, "https://h.com/2024/05/" },
    { NULL, "https://h.com/p.html?showComment=123", URL_OK,
      "https://h.com/p.html" },
    { NULL, "https://h.com/p.html?m=1", URL_OK, "https://h.com/p.html" },
    { NULL, "http://h.com/?m=0", URL_OK, "http://h.com/" },
    { NULL, "http://h.com/?m=%31", URL_OK, "http://h.com/" },
    { NULL, "http://h.com/?M=1", URL_OK, "http://h.com/?M=1" },
    { NULL, "http://h.com/?action=edit&dir=up", URL_OK,
      "http://h.com/?action=edit&dir=up" },
    { NULL, "https://h.com/search/label/X?m=1", URL_OK,
      "https://h.com/search/label/X" },
    { NULL, "https://h.com/search?updated-max=2024-01-01T00:00:00%2B01:00"
      "&max-results=7&m=1", URL_OK, "https://h.com/search?max-results=7"
      "&updated-max=2024-01-01T00:00:00%2B01:00" },
};

/* T07: WordPress comment replies; pagination and feeds are kept here (the
 * crawl budgets them and skips non-HTML by content type) */
static const struct norm_case t07_cases[] = {
    { NULL, "https://h.com/2024/01/p/?replytocom=42#respond", URL_OK,
      "https://h.com/2024/01/p/" },
    { NULL, "https://h.com/p/?replytocom=1&replytocom=2&a=b", URL_OK,
      "https://h.com/p/?a=b" },
    { NULL, "https://h.com/page/2/", URL_OK, "https://h.com/page/2/" },
    { NULL, "https://h.com/feed/", URL_OK, "https://h.com/feed/" },
};

/* T09: no blind trailing-slash or index rewriting (RFC 3986) */
static const struct norm_case t09_cases[] = {
    { NULL, "https://h.com/post", URL_OK, "https://h.com/post" },
    { NULL, "https://h.com/post/", URL_OK, "https://h.com/post/" },
    { NULL, "https://h.com/index.html", URL_OK, "https://h.com/index.html" },
    { NULL, "https://h.com", URL_OK, "https://h.com/" },
};

/* T10: case, percent-encoding and default ports */
static const struct norm_case t10_cases[] = {
    { NULL, "HTTP://Example.COM:80/%7euser/a%2fb", URL_OK,
      "http://example.com/~user/a%2Fb" },
    { NULL, "https://user:pw@h.com:443/x#f", URL_OK, "https://h.com/x" },
    { NULL, "http://H.COM:8080/", URL_OK, "http://h.com:8080/" },
    { NULL, "http://h.com:443/", URL_OK, "http://h.com:443/" },
    { NULL, "http://h.com:0080/", URL_OK, "http://h.com/" },
    { NULL, "http://h.com/%41%zz%", URL_OK, "http://h.com/A%25zz%25" },
    { NULL, "http://h.com/%7Efoo%3a%2f", URL_OK, "http://h.com/~foo%3A%2F" },
    { NULL, "http://h.com/a\"'<>\\`{}|b", URL_OK,
      "http://h.com/a%22%27%3C%3E%5C%60%7B%7D%7Cb" },
    { NULL, "http://h.com/\xc3\xa4", URL_OK, "http://h.com/%C3%A4" },
    { B_AB, "\xc3\xa4 x", URL_OK, "https://h.com/a/%C3%A4%20x" },
    { NULL, "http://h.com/x?q=a%20b%26c%3d+%7e", URL_OK,
      "http://h.com/x?q=a%20b%26c%3D+~" },
    { NULL, "http://h.com/x?q=<\"\xff\">", URL_OK,
      "http://h.com/x?q=%3C%22%FF%22%3E" },
};

/* T11: dot segments, removed after unreserved %XX are decoded */
static const struct norm_case t11_cases[] = {
    { NULL, "https://h.com/a/./b/../c/%2e%2e/d", URL_OK, "https://h.com/a/d" },
    { B_AB, "../../../x", URL_OK, "https://h.com/x" },
    { "https://h.com/p/q/r/s", "../../a/./b/../c", URL_OK,
      "https://h.com/p/a/c" },
    { "https://h.com/p/q/r", "%2e%2e/x", URL_OK, "https://h.com/p/x" },
    { NULL, "http://h.com/a/%2E%2e/b", URL_OK, "http://h.com/b" },
    { NULL, "http://h.com/a/b/..", URL_OK, "http://h.com/a/" },
    { NULL, "http://h.com/a/b/%2e", URL_OK, "http://h.com/a/b/" },
    { NULL, "http://h.com/a//b", URL_OK, "http://h.com/a//b" },
};

/* T12: C0 controls and spaces trimmed, tab and newline removed, before
 * resolving */
static const struct norm_case t12_cases[] = {
    { B_POST, " https://127.0.0.1/sp ace ", URL_OK,
      "https://127.0.0.1/sp%20ace" },
    { B_POST, "\thttps://h.com/x\n", URL_OK, "https://h.com/x" },
    { NULL, "  https://h.com/a\tb\r\n  ", URL_OK, "https://h.com/ab" },
    { NULL, "https://h\t.com/p\nq", URL_OK, "https://h.com/pq" },
    { NULL, "\x01\x1f https://h.com/ \x1f", URL_OK, "https://h.com/" },
    { NULL, "https://h.com/\x7f", URL_OK, "https://h.com/%7F" },
    { NULL, "https://h.com/a b", URL_OK, "https://h.com/a%20b" },
    { NULL, "https://h.com/a\x01" "b", URL_OK, "https://h.com/a%01b" },
    { B_AB, "java\nscript:x", URL_ESCHEME, NULL },
    { B_AB, "", URL_EEMPTY, NULL },
    { B_AB, " \t\n", URL_EEMPTY, NULL },
};

/* T13: only http and https, after trimming */
static const struct norm_case t13_cases[] = {
    { B_AB, " javascript:alert(1)", URL_ESCHEME, NULL },
    { B_AB, "\n JAVASCRIPT:alert(1)", URL_ESCHEME, NULL },
    { B_AB, "jav\tascript:alert(1)", URL_ESCHEME, NULL },
    { B_AB, "JavaScript:void(0)", URL_ESCHEME, NULL },
    { B_AB, "vbscript:msgbox", URL_ESCHEME, NULL },
    { B_AB, "mailto:a@b.c", URL_ESCHEME, NULL },
    { B_AB, "data:text/html,<b>x</b>", URL_ESCHEME, NULL },
    { B_AB, "ftp://h.com/x", URL_ESCHEME, NULL },
    { B_AB, "file:///etc/passwd", URL_ESCHEME, NULL },
    { NULL, "tel:+123", URL_ESCHEME, NULL },
    { B_AB, "tel:+123", URL_ESCHEME, NULL },
    { "ftp://h.com/a/", "b", URL_ESCHEME, NULL },
};

/* T17: host forms: IPv6, numeric IPv4, IDN, encoded and bad hosts */
static const struct norm_case t17_cases[] = {
    { NULL, "http://[::1]:8080/x", URL_OK, "http://[::1]:8080/x" },
    { NULL, "http://[FE80::A]/", URL_OK, "http://[fe80::a]/" },
    { NULL, "http://0x7f.1/", URL_OK, "http://127.0.0.1/" },
    { NULL, "http://H.com./", URL_OK, "http://h.com./" },
    { NULL, "http://ex%41mple.com/", URL_OK, "http://example.com/" },
    { NULL, "http://B\xc3\xbc" "cher.de/", URL_OK,
      "http://xn--bcher-kva.de/" },
    { NULL, "http://h{x}.com/", URL_EPARSE, NULL },
    { NULL, "http://h|x.com/", URL_EPARSE, NULL },
    { NULL, "http://", URL_EPARSE, NULL },
    { NULL, "http://h.com:99999/", URL_EPARSE, NULL },
};

static int is_safe_url(const char *s)
{
    if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr("\"'<>\\`{}|", *p) != NULL)
            return 0;
    return 1;
}

/* Every accepted URL is safe, short enough and a fixed point. */
static void check_invariants(const char *url)
{
    char *again = NULL;

    if (!is_safe_url(url))
        fail_msg("unsafe output '%s'", url);
    assert_true(strlen(url) <= URL_MAX_LEN);
    assert_int_equal(url_normalize(NULL, url, &again), URL_OK);
    if (strcmp(url, again) != 0)
        fail_msg("not idempotent: '%s' -> '%s'", url, again);
    free(again);
}

static void check_table(const char *id, const struct norm_case *cases,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct norm_case *c = &cases[i];
        char *out = (char *)"untouched";
        int rc = url_normalize(c->base, c->href, &out);

        if (rc != c->rc)
            fail_msg("%s case %zu '%s': rc %d, want %d", id, i, c->href, rc,
                     c->rc);
        if (rc != URL_OK) {
            assert_string_equal(out, "untouched");
            continue;
        }
        if (strcmp(out, c->want) != 0)
            fail_msg("%s case %zu '%s': got '%s', want '%s'", id, i, c->href,
                     out, c->want);
        check_invariants(out);
        free(out);
    }
}

static void test_normalize_table(void **state)
{
    (void)state;
    check_table("resolve", norm_cases, N_CASES(norm_cases));
}

/* T02 also as the matrix states it: a server that puts a fresh session id
 * in every link yields one URL per page, not one per visit. */
static void test_t02_session_ids(void **state)
{
    static const char *const hrefs[] = {
        "/p.html;jsessionid=1A", "/p.html;jsessionid=2B?sid=9",
        "/p.html?PHPSESSID=abc", "/p.html?sid=def&PHPSESSID=x",
    };
    (void)state;
    check_table("T02", t02_cases, N_CASES(t02_cases));
    for (size_t i = 0; i < N_CASES(hrefs); i++) {
        char *out = NULL;

        assert_int_equal(url_normalize(B_POST, hrefs[i], &out), URL_OK);
        assert_string_equal(out, "http://127.0.0.1:8642/p.html");
        free(out);
    }
}

static void test_t03_query_permutations(void **state)
{
    (void)state;
    check_table("T03", t03_cases, N_CASES(t03_cases));
}

static void test_t04_tracking_params(void **state)
{
    (void)state;
    check_table("T04", t04_cases, N_CASES(t04_cases));
}

static void test_t05_fragments(void **state)
{
    (void)state;
    check_table("T05", t05_cases, N_CASES(t05_cases));
}

static void test_t06_blogger_variants(void **state)
{
    (void)state;
    check_table("T06", t06_cases, N_CASES(t06_cases));
}

static void test_t07_wordpress_variants(void **state)
{
    (void)state;
    check_table("T07", t07_cases, N_CASES(t07_cases));
}

static void test_t09_trailing_slash_kept(void **state)
{
    (void)state;
    check_table("T09", t09_cases, N_CASES(t09_cases));
}

static void test_t10_case_percent_port(void **state)
{
    (void)state;
    check_table("T10", t10_cases, N_CASES(t10_cases));
}

static void test_t11_dot_segments(void **state)
{
    (void)state;
    check_table("T11", t11_cases, N_CASES(t11_cases));
}

static void test_t12_whitespace_and_control(void **state)
{
    (void)state;
    check_table("T12", t12_cases, N_CASES(t12_cases));
}

static void test_t13_non_web_schemes(void **state)
{
    (void)state;
    check_table("T13", t13_cases, N_CASES(t13_cases));
}

static void test_t17_host_forms(void **state)
{
    (void)state;
    check_table("T17", t17_cases, N_CASES(t17_cases));
}

static char *repeat_url(const char *prefix, size_t n)
{
    size_t plen = strlen(prefix);
    char *s = malloc(plen + n + 1);

    assert_non_null(s);
    memcpy(s, prefix, plen);
    memset(s + plen, 'a', n);
    s[plen + n] = '\0';
    return s;
}

static void test_t16_huge_url(void **state)
{
    char *out = NULL;
    char *exact = repeat_url("http://h.com/", URL_MAX_LEN - 13);
    char *over = repeat_url("http://h.com/", URL_MAX_LEN - 12);
    char *huge = repeat_url("http://h.com/", 4 * URL_MAX_LEN);
    char *shrinks = repeat_url("http://h.com/?utm_x=", 3 * URL_MAX_LEN);

    (void)state;
    assert_int_equal(url_normalize(NULL, exact, &out), URL_OK);
    assert_string_equal(out, exact);
    free(out);
    assert_int_equal(url_normalize(NULL, over, &out), URL_ETOOLONG);
    assert_int_equal(url_normalize(NULL, huge, &out), URL_ETOOLONG);
    assert_int_equal(url_normalize(huge, "x", &out), URL_ETOOLONG);
    assert_int_equal(url_normalize(NULL, shrinks, &out), URL_OK);
    assert_string_equal(out, "http://h.com/");
    free(out);
    assert_int_equal(url_normalize(NULL, NULL, &out), URL_EEMPTY);
    assert_int_equal(url_normalize(NULL, "http://h.com/", NULL), URL_EPARSE);
    /* the matrix's 100 KB href, absolute and relative: refused, never stored */
    char *k100 = repeat_url("https://h.com/", 100 * 1024);
    out = NULL;
    assert_int_equal(url_normalize(B_AB, k100, &out), URL_ETOOLONG);
    assert_int_equal(url_normalize(B_AB, k100 + 14, &out), URL_ETOOLONG);
    assert_null(out);
    assert_int_equal(url_is_trap(k100), 1);
    free(k100);
    free(exact);
    free(over);
    free(huge);
    free(shrinks);
}

static uint32_t junk_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Hrefs glued from URL-ish pieces and random bytes. */
static void junk_href(uint32_t *seed, char *buf, size_t size)
{
    static const char *const pieces[] = {
        "http://", "HTTPS://", "//", "/", "..", ".", "%2e", "%", "%7E", "?",
        "&", "=", "#", "utm_a=1", "m=1", ";jsessionid=9", "[::1]", ":8080",
        "@", "\xc3\xa4", "\xff", " ", "\t", "\\", "h.com", "a", "javascript:",
    };
    size_t n = junk_next(seed) % 12, o = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t r = junk_next(seed);
        const char *p = pieces[r % (sizeof(pieces) / sizeof(pieces[0]))];
        size_t len = strlen(p);

        if ((r >> 8) % 4 == 0) {
            if (o + 1 < size)
                buf[o++] = (char)(1 + (r >> 16) % 255);
            continue;
        }
        if (o + len >= size)
            break;
        memcpy(buf + o, p, len);
        o += len;
    }
    buf[o] = '\0';
}

/* Found by fuzz_url: a percent-encoded host that decodes to digits became an
 * IPv4 address only when normalised a second time. */
static void test_t18_normalize_fixpoint(void **state)
{
    static const char *const cases[][2] = {
        {"http://%32?m9%31", "http://0.0.0.2/?m91"},
        {"http://%31%32%37.1/a", "http://127.0.0.1/a"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL, *again = NULL;
        assert_int_equal(url_normalize(NULL, cases[i][0], &out), URL_OK);
        assert_string_equal(out, cases[i][1]);
        assert_int_equal(url_normalize(NULL, out, &again), URL_OK);
        assert_string_equal(again, out);
        free(out);
        free(again);
    }
}

static void test_t18_normalize_junk(void **state)
{
    uint32_t seed = 0x2545f491u;
    char href[256];
    int ok = 0;

    (void)state;
    for (int i = 0; i < JUNK_ROUNDS; i++) {
        char *out = NULL;
        const char *base = i % 2 ? B_ABQ : NULL;

        junk_href(&seed, href, sizeof(href));
        if (i % 4 == 0 && strlen(href) + 14 < sizeof(href)) {
            memmove(href + 13, href, strlen(href) + 1);
            memcpy(href, "http://h.com/", 13);
        }
        if (url_normalize(base, href, &out) != URL_OK)
            continue;
        check_invariants(out);
        free(out);
        ok++;
    }
    assert_true(ok > JUNK_ROUNDS / 4);
}

struct part_case {
    const char *url;
    int rc;
    const char *authority;
    const char *origin;
    const char *path_query;
};

static const struct part_case part_cases[] = {
    { "http://h.com/", URL_OK, "h.com", "http://h.com", "/" },
    { "https://H.com:443/a?b=1", URL_OK, "h.com", "https://h.com", "/a?b=1" },
    { "http://127.0.0.1:8642/x", URL_OK, "127.0.0.1:8642",
      "http://127.0.0.1:8642", "/x" },
    { "http://[::1]:81/a/b?", URL_OK, "[::1]:81", "http://[::1]:81", "/a/b" },
    { "https://u:p@h.com/p#frag", URL_OK, "h.com", "https://h.com", "/p" },
    { "ftp://h.com/", URL_ESCHEME, NULL, NULL, NULL },
    { "not a url", URL_EPARSE, NULL, NULL, NULL },
    { NULL, URL_EEMPTY, NULL, NULL, NULL },
};

static void check_part(int (*fn)(const char *, char **), const char *url,
                       int rc, const char *want)
{
    char *out = NULL;

    assert_int_equal(fn(url, &out), rc);
    if (rc != URL_OK) {
        assert_null(out);
        return;
    }
    assert_string_equal(out, want);
    free(out);
}

static void test_parts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(part_cases) / sizeof(part_cases[0]); i++) {
        const struct part_case *c = &part_cases[i];

        check_part(url_authority, c->url, c->rc, c->authority);
        check_part(url_origin, c->url, c->rc, c->origin);
        check_part(url_path_query, c->url, c->rc, c->path_query);
    }
}

struct trap_case {
    const char *url;
    int want;
};

static const struct trap_case trap_cases[] = {
    { "http://h.com/", 0 },
    { "http://h.com/2024/01/01/post.html", 0 },
    { "http://h.com/a/a/b", 0 },
    { "http://h.com/a/a/a", 1 },
    { "http://h.com/x/a/b/a/b/y", 0 },
    { "http://h.com/x/a/b/a/b/a/b", 1 },
    { "http://h.com/p/q/r/p/q/r/p/q/r/", 1 },
    { "http://h.com/a/a?x=a/a/a", 0 },
    { "http://h.com/a////b", 1 },
    { "http://h.com/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20", 0 },
    { "http://h.com/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21",
      1 },
    { "not a url", 1 },
    { NULL, 1 },
};

static void test_t08_path_traps(void **state)
{
    char *long_url = repeat_url("http://h.com/", URL_MAX_LEN);

    (void)state;
    for (size_t i = 0; i < sizeof(trap_cases) / sizeof(trap_cases[0]); i++)
        if (url_is_trap(trap_cases[i].url) != trap_cases[i].want)
            fail_msg("case %zu '%s': want %d", i, trap_cases[i].url,
                     trap_cases[i].want);
    assert_int_equal(url_is_trap(long_url), 1);
    free(long_url);
}

/* T08 as the matrix states it: a page at /a/b/ links "a/b/" relatively and
 * every answer does the same; following the links must hit the trap check
 * within a few hops, long before the URL length limit. */
static void test_t08_relative_loop_ends(void **state)
{
    char *url = NULL;
    int hops = 0;

    (void)state;
    assert_int_equal(url_normalize(NULL, "http://h.com/a/b/", &url), URL_OK);
    while (!url_is_trap(url)) {
        char *next = NULL;

        assert_true(hops < 10);
        assert_int_equal(url_normalize(url, "a/b/", &next), URL_OK);
        assert_true(strlen(next) > strlen(url));
        free(url);
        url = next;
        hops++;
    }
    assert_true(hops >= 1);
    free(url);
}

static void test_strerror(void **state)
{
    static const int codes[] = { URL_OK, URL_EPARSE, URL_ESCHEME,
                                 URL_ETOOLONG, URL_ENOMEM, URL_EEMPTY, -99 };

    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *msg = url_strerror(codes[i]);

        assert_non_null(msg);
        assert_true(msg[0] != '\0');
    }
    assert_string_equal(url_strerror(URL_ESCHEME),
                        "scheme is not http or https");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_table),
        cmocka_unit_test(test_t02_session_ids),
        cmocka_unit_test(test_t03_query_permutations),
        cmocka_unit_test(test_t04_tracking_params),
        cmocka_unit_test(test_t05_fragments),
        cmocka_unit_test(test_t06_blogger_variants),
        cmocka_unit_test(test_t07_wordpress_variants),
        cmocka_unit_test(test_t08_path_traps),
        cmocka_unit_test(test_t08_relative_loop_ends),
        cmocka_unit_test(test_t09_trailing_slash_kept),
        cmocka_unit_test(test_t10_case_percent_port),
        cmocka_unit_test(test_t11_dot_segments),
        cmocka_unit_test(test_t12_whitespace_and_control),
        cmocka_unit_test(test_t13_non_web_schemes),
        cmocka_unit_test(test_t16_huge_url),
        cmocka_unit_test(test_t17_host_forms),
        cmocka_unit_test(test_t18_normalize_fixpoint),
        cmocka_unit_test(test_t18_normalize_junk),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_strerror),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
