/* Unit tests for graph/mapsafe.c. Tables of (input, expected) cases for the
 * label cleaner and the URL filter, each result also checked for the output
 * invariants (valid UTF-8, no controls or bidi overrides, trimmed, within
 * the limit; http(s) only, no unsafe byte), as are the results of a few
 * thousand pseudo-random junk inputs. The SVG checker is run over a
 * Graphviz-style document and a table of hostile ones, with the reasons
 * compared; an external entity loader that counts its calls proves that no
 * DTD or entity is ever fetched, and stderr is captured to prove that bad
 * documents print nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blogmap/mapsafe.h"

#ifndef JUNK_ROUNDS
#define JUNK_ROUNDS 4000
#endif

#define FFFD "\xef\xbf\xbd"
#define ELL "\xe2\x80\xa6"
#define RLO "\xe2\x80\xae"
#define SVG_NS "xmlns=\"http://www.w3.org/2000/svg\""
#define XLINK_NS "xmlns:xlink=\"http://www.w3.org/1999/xlink\""
#define XHTML_NS "xmlns:h=\"http://www.w3.org/1999/xhtml\""
#define SVG_OPEN "<svg " SVG_NS " " XLINK_NS ">"
#define SVG_CLOSE "</svg>"
#define SVG(body) SVG_OPEN body SVG_CLOSE

/* ---- helpers ---- */

static unsigned long junk_state = 12345;

static unsigned junk_next(void)
{
    junk_state = junk_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(junk_state >> 33);
}

/* Bytes of the UTF-8 sequence at S, or 0 when it is not valid. */
static size_t utf8_valid_len(const unsigned char *s)
{
    size_t need = s[0] < 0x80 ? 0 : s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : 1;
    unsigned long cp = need == 0 ? s[0] : s[0] & (0x3fu >> need);
    static const unsigned long min[] = { 0, 0x80, 0x800, 0x10000 };

    if (s[0] >= 0x80 && (s[0] < 0xc2 || s[0] > 0xf4))
        return 0;
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < min[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need + 1;
}

/* Check what every mapsafe_text result must hold; fail naming IN. */
static void check_text(const char *in, const char *out, size_t max, int esc)
{
    const unsigned char *p = (const unsigned char *)out;
    size_t chars = 0, slashes = 0, n = strlen(out);

    if (n > 0 && (out[0] == ' ' || out[n - 1] == ' ' || strstr(out, "  ")))
        fail_msg("'%s': untrimmed or uncollapsed '%s'", in, out);
    while (*p != '\0') {
        size_t len = utf8_valid_len(p);

        if ((esc & MAPSAFE_AMP) && *p == '&') {
            if (strncmp((const char *)p, "&amp;", 5) != 0)
                fail_msg("'%s': bare '&' in '%s'", in, out);
            chars++;
            p += 5;
            continue;
        }
        if ((esc & MAPSAFE_BACKSLASH_LOOKALIKE) && *p == '\\')
            fail_msg("'%s': backslash left in '%s'", in, out);

        if (len == 0 || *p < 0x20 || *p == 0x7f)
            fail_msg("'%s': bad byte 0x%02x in '%s'", in, *p, out);
        if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)
            fail_msg("'%s': C1 control in '%s'", in, out);
        if (len == 3 && p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa &&
            p[2] <= 0xae) || (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
            fail_msg("'%s': bidi control in '%s'", in, out);
        slashes = *p == '\\' ? slashes + 1 : 0;
        if ((esc & MAPSAFE_BACKSLASH_DOUBLE) && slashes % 2 == 1 && p[1] != '\\')
            fail_msg("'%s': lone backslash in '%s'", in, out);
        chars += !((esc & MAPSAFE_BACKSLASH_DOUBLE) && slashes % 2 == 0 && slashes > 0);
        p += len;
    }
    if (max > 0 && chars > max)
        fail_msg("'%s': %zu characters, limit %zu: '%s'", in, chars, max, out);
}

static int url_byte_unsafe(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || strchr("\"'<>\\`{}|^", c) != NULL;
}

/* Check what every non-NULL mapsafe_url result must hold. */
static void check_url(const char *in, const char *out, int amp)
{
    if (strncmp(out, "http://", 7) != 0 && strncmp(out, "https://", 8) != 0)
        fail_msg("'%s': bad scheme in '%s'", in, out);
    for (const char *p = out; *p != '\0'; p++) {
        if (url_byte_unsafe((unsigned char)*p))
            fail_msg("'%s': unsafe byte 0x%02x in '%s'", in,
                     (unsigned char)*p, out);
        if (*p == '&' && amp && strncmp(p, "&amp;", 5) != 0)
            fail_msg("'%s': raw '&' in '%s'", in, out);
        if (*p == '%' && !(p[1] && strchr("0123456789ABCDEFabcdef", p[1]) &&
                           p[2] && strchr("0123456789ABCDEFabcdef", p[2])))
            fail_msg("'%s': bad escape in '%s'", in, out);
    }
}

/* ---- mapsafe_text ---- */

struct text_case {
    const char *in;
    size_t max;
    int esc;
    const char *want;
};

static const struct text_case text_cases[] = {
    /* controls (G05): C0 including tab and newline, DEL, C1 */
    { "a\x01" "b\x08" "c", 0, 0, "a b c" },
    { "tab\there\nnew\r\nline", 0, 0, "tab here new line" },
    { "  lots   of \t\v\f spaces  ", 0, 0, "lots of spaces" },
    { "\x7f" "x" "\x7f", 0, 0, "x" },
    { "a\xc2\x85" "b\xc2\x9f" "c", 0, 0, "a b c" },
    { " \t\r\n\x1f ", 0, 0, "" },
    { "", 0, 1, "" },
    { NULL, 5, 1, "" },

    /* invalid UTF-8 (G06) */
    { "\xff\xfe", 0, 0, FFFD FFFD },
    { "\xc3\x28", 0, 0, FFFD "(" },
    { "\xc0\xaf", 0, 0, FFFD FFFD },
    { "\xed\xa0\x80", 0, 0, FFFD FFFD FFFD },
    { "\xf4\x90\x80\x80", 0, 0, FFFD FFFD FFFD FFFD },
    { "ab\xe2\x82", 0, 0, "ab" FFFD FFFD },
    { "\x80x", 0, 0, FFFD "x" },
    { "\xef\xbf\xbe|\xef\xbf\xbf", 0, 0, FFFD "|" FFFD },
    { "caf\xc3\xa9 na\xc3\xafve \xf0\x9f\x98\x80", 0, 0,
      "caf\xc3\xa9 na\xc3\xafve \xf0\x9f\x98\x80" },

    /* escString (G08): backslashes doubled only when asked */
    { "a\\Nb\\G", 0, 1, "a\\\\Nb\\\\G" },
    { "a\\Nb\\G", 0, 0, "a\\Nb\\G" },
    { "\\E\\L\\T\\H", 0, 1, "\\\\E\\\\L\\\\T\\\\H" },
    { "trail\\", 0, 1, "trail\\\\" },
    { "\\\\", 0, 1, "\\\\\\\\" },
    /* tooltips: a look-alike instead; entities made literal */
    { "a\\Nb\\", 0, MAPSAFE_BACKSLASH_LOOKALIKE, "a\xe2\xa7\xb5Nb\xe2\xa7\xb5" },
    { "x &#1; &amp; y", 0, MAPSAFE_AMP, "x &amp;#1; &amp;amp; y" },
    { "&&&&&&", 4, MAPSAFE_AMP, "&amp;&amp;&amp;\xe2\x80\xa6" },
    { "\\&", 0, MAPSAFE_BACKSLASH_DOUBLE | MAPSAFE_AMP, "\\\\&amp;" },

    /* bidi overrides and isolates go; marks and RTL text stay */
    { "abc" RLO "def", 0, 0, "abcdef" },
    { "\xe2\x80\xaa" "a\xe2\x80\xab" "b\xe2\x80\xac" "c\xe2\x80\xad" "d", 0, 0,
      "abcd" },
    { "\xe2\x81\xa6" "x\xe2\x81\xa7" "y\xe2\x81\xa8" "z\xe2\x81\xa9", 0, 0,
      "xyz" },
    { "a " RLO " b", 0, 0, "a b" },
    { "a\xe2\x80\x8f" "b", 0, 0, "a\xe2\x80\x8f" "b" },
    { "שלום עולם", 0, 0, "שלום עולם" },
    { "مرحبا بالعالم", 0, 0, "مرحبا بالعالم" },
    { "post: " RLO "gpj.exe", 0, 0, "post: gpj.exe" },

    /* cutting (G07): the ellipsis counts, no space before it */
    { "hello world", 8, 0, "hello w" ELL },
    { "hello world", 7, 0, "hello" ELL },
    { "hello world", 6, 0, "hello" ELL },
    { "hello world", 11, 0, "hello world" },
    { "hello", 5, 0, "hello" },
    { "hello", 4, 0, "hel" ELL },
    { "ab", 1, 0, ELL },
    { "a", 1, 0, "a" },
    { "  a  ", 1, 0, "a" },
    { "wait" ELL " what", 0, 0, "wait" ELL " what" },
    { "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 3, 0,
      "\xf0\x9f\x98\x80\xf0\x9f\x98\x80" ELL },
    { "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 3, 0,
      "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80" },
    { "日本語のテキスト", 4, 0, "日本語" ELL },
    { "שלום עולם", 5, 0, "שלום" ELL },
    { "שלום עולם", 7, 0, "שלום ע" ELL },
    { "مرحبا بالعالم", 8, 0, "مرحبا ب" ELL },
    { "a\\b\\c\\d", 4, 1, "a\\\\b" ELL },
    { "ab" RLO "cd", 3, 0, "ab" ELL },
    { "\xff\xff\xff\xff", 3, 0, FFFD FFFD ELL },
    { "x\x01\x01\x01y\x01z", 3, 0, "x" ELL },
};

static void test_g05_g06_g08_text_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
        const struct text_case *tc = &text_cases[i];
        char *got = mapsafe_text(tc->in, tc->max, tc->esc);

        assert_non_null(got);
        if (strcmp(got, tc->want) != 0)
            fail_msg("case %zu '%s': got '%s', want '%s'", i,
                     tc->in ? tc->in : "(null)", got, tc->want);
        check_text(tc->in ? tc->in : "", got, tc->max, tc->esc);
        free(got);
    }
}

/* A 20 KB title, as a hostile page could have: cut to 80 characters, or
 * kept whole with no limit. */
static void test_g07_text_long(void **state)
{
    static const char unit[] = "Title \\N 日本 \xf0\x9f\x98\x80 שלום\x01\xff ";
    size_t ulen = sizeof(unit) - 1, reps = 20480 / ulen + 1;
    char *big = malloc(reps * ulen + 1), *got;

    (void)state;
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * ulen, unit, ulen);
    big[reps * ulen] = '\0';

    got = mapsafe_text(big, 80, 1);
    check_text("20 KB title", got, 80, 1);
    assert_true(strncmp(got, "Title \\\\N 日本", strlen("Title \\\\N 日本")) == 0);
    assert_true(strlen(got) >= 3);
    assert_string_equal(got + strlen(got) - 3, ELL);
    free(got);

    got = mapsafe_text(big, 0, 0);
    check_text("20 KB title", got, 0, 0);
    assert_true(strlen(got) > 20000);
    assert_true(strstr(got, ELL) == NULL);
    free(got);

    memset(big, 'x', 20480);
    big[20480] = '\0';
    got = mapsafe_text(big, 80, 0);
    assert_int_equal(strlen(got), 79 + 3);
    assert_string_equal(got + 79, ELL);
    free(got);
    free(big);
}

static void test_text_junk(void **state)
{
    static const char alphabet[] = "ab \t\n\x01\x7f\\\x80\xbf\xc2\xc3\xe2\xe6"
                                   "\xed\xef\xf0\xf4\xff\x81\x9f\xa6\xa9\xae";
    char buf[64];

    (void)state;
    for (int round = 0; round < JUNK_ROUNDS; round++) {
        size_t n = junk_next() % (sizeof(buf) - 1);
        size_t max = junk_next() % 12;
        int esc = (int)(junk_next() % 2);
        char *got;

        for (size_t i = 0; i < n; i++)
            buf[i] = alphabet[junk_next() % (sizeof(alphabet) - 1)];
        buf[n] = '\0';
        got = mapsafe_text(buf, max, esc);
        check_text("junk", got, max, esc);
        free(got);
    }
}

/* ---- mapsafe_url ---- */

struct url_case {
    const char *in;
    int amp;
    const char *want;   /* NULL: must not become a link */
};

static const struct url_case url_cases[] = {
    /* attribute injection (G01) */
    { "https://h/x\" onmouseover=\"alert(1)", 1,
      "https://h/x%22%20onmouseover=%22alert(1)" },
    { "https://h/x' style='a", 1, "https://h/x%27%20style=%27a" },
    { "https://h/<script>", 0, "https://h/%3Cscript%3E" },
    { "https://h/a\\b`c{d}e|f^g", 0, "https://h/a%5Cb%60c%7Bd%7De%7Cf%5Eg" },
    { "https://h/\x01\x1f\x7f", 0, "https://h/%01%1F%7F" },
    { "https://h/a\tb\nc d", 0, "https://h/a%09b%0Ac%20d" },

    /* non-ASCII and existing escapes */
    { "https://h/caf\xc3\xa9", 0, "https://h/caf%C3%A9" },
    { "https://h/\xff\x80", 0, "https://h/%FF%80" },
    { "https://h/%41%2f%C3%A9", 0, "https://h/%41%2f%C3%A9" },
    { "https://h/100%", 0, "https://h/100%25" },
    { "https://h/%zz%4", 0, "https://h/%25zz%254" },

    /* ampersands */
    { "https://h/?a=1&b=2", 1, "https://h/?a=1&amp;b=2" },
    { "https://h/?a=1&b=2", 0, "https://h/?a=1&b=2" },
    { "https://h/?a=&amp;", 1, "https://h/?a=&amp;amp;" },

    /* accepted shapes */
    { "HTTPS://Example.COM/X", 0, "https://Example.COM/X" },
    { "Http://h", 0, "http://h" },
    { "http://user:pw@h:8080/p?q#f", 0, "http://user:pw@h:8080/p?q#f" },
    { "http://[::1]:8080/x", 0, "http://[::1]:8080/x" },
    { "https://h/p#a'b", 0, "https://h/p#a%27b" },

    /* script schemes and their disguises (G02, G03) */
    { "javascript:alert(1)", 1, NULL },
    { "JavaScript:alert(1)", 1, NULL },
    { "vbscript:msgbox(1)", 1, NULL },
    { "data:text/html,<script>alert(1)</script>", 1, NULL },
    { "&#106;avascript:alert(1)", 1, NULL },
    { "&#x6A;avascript:alert(1)", 1, NULL },
    { " javascript:alert(1)", 1, NULL },
    { "java\tscript:alert(1)", 1, NULL },
    { "http\x01://h/", 1, NULL },
    { "https\n://h/", 1, NULL },
    { "file:///etc/passwd", 1, NULL },
    { "ftp://h/x", 1, NULL },
    { "mailto:a@b.c", 1, NULL },
    { "httpx://h/", 1, NULL },

    /* not absolute, or no host */
    { " https://h/", 1, NULL },
    { "\thttps://h/", 1, NULL },
    { "/relative/path", 1, NULL },
    { "relative.html", 1, NULL },
    { "//host/x", 1, NULL },
    { "?q=1", 1, NULL },
    { "#top", 1, NULL },
    { "", 1, NULL },
    { "http://", 1, NULL },
    { "https://", 1, NULL },
    { "https:///x", 1, NULL },
    { "http://?q", 1, NULL },
    { "http://#f", 1, NULL },
    { "http://user@/x", 1, NULL },
    { "http://:80/", 1, NULL },
    { "http://[]/", 1, NULL },
    { "https:h/x", 1, NULL },
    { "http:/h/x", 1, NULL },

    /* hosts that encoding would change */
    { "https://\\evil.example/", 1, NULL },
    { "https://good.example\\@evil.example/", 1, NULL },
    { "https://a b/", 1, NULL },
    { "https://h\"x/", 1, NULL },
    { "https://b\xc3\xbc" "cher.example/", 1, NULL },
};

static void test_g01_g02_g03_url_table(void **state)
{
    (void)state;
    assert_null(mapsafe_url(NULL, 1));
    for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
        const struct url_case *uc = &url_cases[i];
        char *got = mapsafe_url(uc->in, uc->amp);

        if (uc->want == NULL && got != NULL)
            fail_msg("case %zu '%s': got '%s', want NULL", i, uc->in, got);
        if (uc->want != NULL && (got == NULL || strcmp(got, uc->want) != 0))
            fail_msg("case %zu '%s': got '%s', want '%s'", i, uc->in,
                     got ? got : "(null)", uc->want);
        if (got != NULL)
            check_url(uc->in, got, uc->amp);
        free(got);
    }
}

static char *url_of_length(size_t len)
{
    char *s = malloc(len + 1);

    assert_non_null(s);
    memcpy(s, "https://h/", 10);
    memset(s + 10, 'a', len - 10);
    s[len] = '\0';
    return s;
}

static void test_g07_url_limits(void **state)
{
    char *max = url_of_length(2048), *over = url_of_length(2049), *got;

    (void)state;
    got = mapsafe_url(max, 1);
    assert_non_null(got);
    assert_string_equal(got, max);
    free(got);
    assert_null(mapsafe_url(over, 1));
    memset(over + 10, '&', 2038);   /* 2048 bytes, each one growing to 5 */
    over[2048] = '\0';
    got = mapsafe_url(over, 1);
    assert_non_null(got);
    assert_int_equal(strlen(got), 10 + 5 * 2038);
    free(got);
    free(max);
    free(over);
}

static void test_url_junk(void **state)
{
    static const char *const prefixes[] = { "https://h/", "HTTP://h", "http://",
                                            "", "javascript:", "https:/" };
    static const char alphabet[] = "a/:?#&%4F@[] \t\"'<>\\`{}|^\x01\x7f\x80\xff";
    char buf[96];

    (void)state;
    for (int round = 0; round < JUNK_ROUNDS; round++) {
        const char *pre = prefixes[junk_next() % 6];
        size_t plen = strlen(pre), n = junk_next() % 40;
        int amp = (int)(junk_next() % 2);
        char *got;

        memcpy(buf, pre, plen);
        for (size_t i = 0; i < n; i++)
            buf[plen + i] = alphabet[junk_next() % (sizeof(alphabet) - 1)];
        buf[plen + n] = '\0';
        got = mapsafe_url(buf, amp);
        if (got != NULL)
            check_url(buf, got, amp);
        free(got);
    }
}

/* ---- mapsafe_check_svg ---- */

/* Counts every attempt to load a DTD or external entity, and refuses it. */
static int loader_calls;

static xmlParserInputPtr counting_loader(const char *url, const char *id,
                                         xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    loader_calls++;
    return NULL;
}

static int setup_loader(void **state)
{
    static xmlExternalEntityLoader saved;

    saved = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(counting_loader);
    loader_calls = 0;
    *state = &saved;
    return 0;
}

static int teardown_loader(void **state)
{
    xmlSetExternalEntityLoader(*(xmlExternalEntityLoader *)*state);
    return 0;
}

/* What Graphviz 2.42's SVG renderer writes for a two-post map with a link
 * (the & in the URL as mapsafe_url writes it), and what it escapes itself. */
static const char graphviz_svg[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\"\n"
    " \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
    "<!-- Generated by graphviz version 2.42.2 (20200801.1919)\n"
    " -->\n"
    "<!-- Title: blogmap Pages: 1 -->\n"
    "<svg width=\"170pt\" height=\"116pt\"\n"
    " viewBox=\"0.00 0.00 170.00 116.00\" " SVG_NS " " XLINK_NS ">\n"
    "<g id=\"graph0\" class=\"graph\" transform=\"scale(1 1) rotate(0) "
    "translate(4 112)\">\n"
    "<title>blogmap</title>\n"
    "<polygon fill=\"white\" stroke=\"transparent\" points=\"-4,4 -4,-112 "
    "166,-112 166,4 -4,4\"/>\n"
    "<!-- p1 -->\n"
    "<g id=\"node1\" class=\"node\">\n"
    "<title>p1</title>\n"
    "<g id=\"a_node1\"><a xlink:href=\"https://x/y?a=1&amp;b=2\" "
    "xlink:title=\"t\">\n"
    "<ellipse fill=\"none\" stroke=\"black\" cx=\"81\" cy=\"-90\" rx=\"81\" "
    "ry=\"18\"/>\n"
    "<text text-anchor=\"middle\" x=\"81\" y=\"-86.3\" "
    "font-family=\"Times,serif\" font-size=\"14.00\">&lt;b&gt; &#45;&#45; "
    "שלום \\\\N</text>\n"
    "</a>\n"
    "</g>\n"
    "</g>\n"
    "<!-- p2 -->\n"
    "<g id=\"node2\" class=\"node\">\n"
    "<title>p2</title>\n"
    "<g id=\"a_node2\"><a xlink:href=\"#node1\" xlink:title=\"back\">\n"
    "<ellipse fill=\"none\" stroke=\"black\" cx=\"81\" cy=\"-18\" rx=\"27\" "
    "ry=\"18\"/>\n"
    "<text text-anchor=\"middle\" x=\"81\" y=\"-14.3\" "
    "font-family=\"Times,serif\" font-size=\"14.00\">b</text>\n"
    "</a>\n"
    "</g>\n"
    "</g>\n"
    "<!-- p1&#45;&gt;p2 -->\n"
    "<g id=\"edge1\" class=\"edge\">\n"
    "<title>p1&#45;&gt;p2</title>\n"
    "<path fill=\"none\" stroke=\"black\" d=\"M81,-71.7C81,-63.98 81,-54.71 "
    "81,-46.11\"/>\n"
    "<polygon fill=\"black\" stroke=\"black\" points=\"84.5,-46.1 81,-36.1 "
    "77.5,-46.1 84.5,-46.1\"/>\n"
    "</g>\n"
    "</g>\n"
    "</svg>\n";

static int check(const char *svg, char *why, size_t whylen)
{
    return mapsafe_check_svg(svg, strlen(svg), why, whylen);
}

static void test_g15_svg_graphviz(void **state)
{
    char why[128] = "unchanged";

    (void)state;
    assert_int_equal(check(graphviz_svg, why, sizeof(why)), 0);
    assert_string_equal(why, "");
    assert_int_equal(loader_calls, 0);
}

static const char *const svg_good[] = {
    SVG("<a xlink:href=\"HTTPS://X/\"><text>t</text></a>"),
    SVG("<a href=\"http://h:8080/p?q=1&amp;r=%22#f\">t</a>"),
    SVG("<text><![CDATA[<script>alert(1)</script>]]></text>"),
    SVG("<text>&lt;script&gt;alert(1)&lt;/script&gt;</text>"),
    SVG("<set attributeName=\"fill\" to=\"red\"/>"),
    SVG("<text>مرحبا بالعالم</text>"),
    "<!DOCTYPE svg []>" SVG("<g/>"),
    "<!DOCTYPE svg SYSTEM \"file:///etc/passwd\">" SVG("<g/>"),
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
    "\"http://127.0.0.1:1/svg11.dtd\">" SVG("<g/>"),
    "<s:svg xmlns:s=\"http://www.w3.org/2000/svg\"><s:g/></s:svg>",
};

static void test_g15_svg_good(void **state)
{
    char why[128];

    (void)state;
    for (size_t i = 0; i < sizeof(svg_good) / sizeof(svg_good[0]); i++)
        if (check(svg_good[i], why, sizeof(why)) != 0)
            fail_msg("case %zu: rejected (%s): %s", i, why, svg_good[i]);
    assert_int_equal(loader_calls, 0);
}

struct svg_case {
    const char *svg;
    const char *why;
};

static const struct svg_case svg_bad[] = {
    /* elements */
    { SVG("<script>alert(1)</script>"), "script element" },
    { SVG("<SCRIPT>alert(1)</SCRIPT>"), "SCRIPT element" },
    { SVG("<h:script " XHTML_NS ">alert(1)</h:script>"), "h:script element" },
    { SVG("<foreignObject><p>x</p></foreignObject>"),
      "foreignObject element" },
    { SVG("<iframe/>"), "iframe element" },
    { SVG("<object/>"), "object element" },
    { SVG("<embed/>"), "embed element" },
    { SVG("<handler>alert(1)</handler>"), "handler element" },
    { SVG("<listener event=\"click\"/>"), "listener element" },
    { SVG("<h:form " XHTML_NS " action=\"javascript:alert(1)\"/>"),
      "h:form element outside the SVG namespace" },
    { "<svg><g/></svg>", "svg element outside the SVG namespace" },
    { "<html xmlns=\"http://www.w3.org/1999/xhtml\">" SVG("") "</html>",
      "root element 'html' is not svg" },
    { "<script " SVG_NS "/>", "root element 'script' is not svg" },

    /* event handlers */
    { "<svg " SVG_NS " onload=\"alert(1)\"/>", "attribute 'onload'" },
    { SVG("<a xlink:href=\"https://x/\" onmouseover=\"alert(1)\">t</a>"),
      "attribute 'onmouseover'" },
    { SVG("<g ONCLICK=\"alert(1)\"/>"), "attribute 'ONCLICK'" },
    { SVG("<g xlink:onload=\"alert(1)\"/>"), "attribute 'xlink:onload'" },

    /* hrefs */
    { SVG("<a xlink:href=\"javascript:alert(1)\">t</a>"),
      "href 'javascript:alert(1)'" },
    { SVG("<a xlink:href=\"&#106;avascript:alert(1)\">t</a>"),
      "href 'javascript:alert(1)'" },
    { SVG("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg"
          "==\">t</a>"),
      "href 'data:text/html;base64,PHNjcmlwdD5hbGVydC...'" },
    { SVG("<image href=\"vbscript:msgbox(1)\"/>"), "href 'vbscript:msgbox(1)'" },
    { SVG("<a xlink:href=\" https://x/\">t</a>"), "href ' https://x/'" },
    { SVG("<a xlink:href=\"https://x/a b\">t</a>"), "href 'https://x/a b'" },
    { SVG("<a xlink:href=\"https://x/&#9;\">t</a>"), "href 'https://x/?'" },
    { SVG("<a xlink:href=\"https://x/&quot;onmouseover=&quot;1\">t</a>"),
      "href 'https://x/\"onmouseover=\"1'" },
    { SVG("<a xlink:href=\"https://x/&lt;b&gt;\">t</a>"),
      "href 'https://x/<b>'" },
    { SVG("<a xlink:href=\"https://x/a\\b\">t</a>"), "href 'https://x/a\\b'" },
    { SVG("<a xlink:href=\"//evil.example/\">t</a>"),
      "href '//evil.example/'" },
    { SVG("<a xlink:href=\"\">t</a>"), "href ''" },
    { SVG("<use xlink:HREF=\"data:,x\"/>"), "href 'data:,x'" },

    /* animations that retarget a link or add a handler */
    { SVG("<a xlink:href=\"#x\"><set attributeName=\"href\" "
          "to=\"javascript:alert(1)\"/>t</a>"),
      "animated attribute 'href'" },
    { SVG("<a xlink:href=\"#x\"><animate attributeName=\"xlink:href\" "
          "values=\"javascript:alert(1)\"/>t</a>"),
      "animated attribute 'xlink:href'" },
    { SVG("<set attributeName=\" onclick \" to=\"alert(1)\"/>"),
      "animated attribute ' onclick '" },

    /* not well-formed */
    { SVG_OPEN "\n<g>\n" SVG_CLOSE, "not well-formed XML at line 3" },
    { SVG_OPEN "<g>", "not well-formed XML at line 1" },
    { SVG_OPEN "\n<a xlink:href=\"https://x/?a=1&b=2\">t</a>\n" SVG_CLOSE,
      "not well-formed XML at line 2" },
    { SVG("<text>\x01</text>"), "not well-formed XML at line 1" },
    { SVG("<text>&nbsp;</text>"), "not well-formed XML at line 1" },
    { SVG("<x:g/>"), "not well-formed XML at line 1" },
    { SVG("<g a=\"1\" a=\"2\"/>"), "not well-formed XML at line 1" },
    { SVG("") "<svg " SVG_NS "/>", "not well-formed XML at line 1" },
    { "just text", "not well-formed XML at line 1" },

    /* DTD tricks and processing instructions */
    { "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      SVG("<text>&x;</text>"), "DOCTYPE with internal subset" },
    { "<!DOCTYPE svg [<!ENTITY x \"javascript:alert(1)//\">]>"
      SVG("<a xlink:href=\"&x;https://x/\">t</a>"),
      "DOCTYPE with internal subset" },
    { "<!DOCTYPE svg [<!ATTLIST svg onload CDATA \"alert(1)\">]>" SVG(""),
      "DOCTYPE with internal subset" },
    { "<!DOCTYPE svg [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>"
      SVG(""), "DOCTYPE with internal subset" },
    { "<?xml-stylesheet type=\"text/xsl\" href=\"data:,x\"?>" SVG(""),
      "processing instruction 'xml-stylesheet'" },
    { SVG("<?php echo 1; ?>"), "processing instruction 'php'" },
};

static void test_g15_svg_bad(void **state)
{
    char why[128];

    (void)state;
    for (size_t i = 0; i < sizeof(svg_bad) / sizeof(svg_bad[0]); i++) {
        const struct svg_case *sc = &svg_bad[i];

        snprintf(why, sizeof(why), "unchanged");
        if (check(sc->svg, why, sizeof(why)) != -1)
            fail_msg("case %zu: accepted: %s", i, sc->svg);
        if (strcmp(why, sc->why) != 0)
            fail_msg("case %zu: why '%s', want '%s'", i, why, sc->why);
    }
    assert_int_equal(loader_calls, 0);
}

/* The counting loader does see loads when a parser is allowed to make them,
 * so its zero count above means something. */
static void test_svg_loader_detects(void **state)
{
    static const char xxe[] =
        "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///nonexistent/x\">]>"
        SVG("<text>&x;</text>");
    xmlTextReaderPtr r = xmlReaderForMemory(xxe, (int)strlen(xxe), NULL, NULL,
                                            XML_PARSE_NOENT | XML_PARSE_NOERROR
                                            | XML_PARSE_NOWARNING);

    (void)state;
    assert_non_null(r);
    while (xmlTextReaderRead(r) == 1)
        ;
    xmlFreeTextReader(r);
    assert_true(loader_calls > 0);
}

static void test_svg_why(void **state)
{
    static const char bad[] = SVG("<script/>");
    char small[8] = "xxxxxxx", why[64];

    (void)state;
    assert_int_equal(mapsafe_check_svg(NULL, 10, why, sizeof(why)), -1);
    assert_string_equal(why, "empty document");
    assert_int_equal(mapsafe_check_svg(bad, 0, why, sizeof(why)), -1);
    assert_string_equal(why, "empty document");
    assert_int_equal(check(bad, NULL, 0), -1);
    assert_int_equal(check(bad, small, 0), -1);
    assert_string_equal(small, "xxxxxxx");
    assert_int_equal(check(bad, small, sizeof(small)), -1);
    assert_string_equal(small, "script ");
}

/* Only LEN bytes are read: the buffer needs no NUL, a good prefix of a bad
 * buffer passes and a cut document fails. */
static void test_svg_len(void **state)
{
    size_t n = sizeof(graphviz_svg) - 1;
    char *buf = malloc(n + 9), why[64];

    (void)state;
    assert_non_null(buf);
    memcpy(buf, graphviz_svg, n);
    memcpy(buf + n, "<script>", 8);
    assert_int_equal(mapsafe_check_svg(buf, n, why, sizeof(why)), 0);
    assert_int_equal(mapsafe_check_svg(buf, n + 8, why, sizeof(why)), -1);
    assert_string_equal(why, "not well-formed XML at line 38");
    assert_int_equal(mapsafe_check_svg(buf, n - 10, why, sizeof(why)), -1);
    assert_true(strncmp(why, "not well-formed XML at line ", 28) == 0);
    free(buf);
}

/* Rejected documents print nothing: libxml2's messages go to the reader's
 * own handler, not to stderr. */
static void test_svg_quiet(void **state)
{
    FILE *tmp = tmpfile();
    int saved = dup(STDERR_FILENO);
    struct stat st;
    char why[128];

    (void)state;
    assert_non_null(tmp);
    assert_true(saved >= 0);
    fflush(stderr);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    for (size_t i = 0; i < sizeof(svg_bad) / sizeof(svg_bad[0]); i++)
        (void)check(svg_bad[i].svg, why, sizeof(why));
    (void)check(graphviz_svg, why, sizeof(why));
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    assert_int_equal(fstat(fileno(tmp), &st), 0);
    assert_int_equal(st.st_size, 0);
    fclose(tmp);
}

/* ---- relative links (a report's own pages) ---- */

static const struct {
    const char *link;
    int ok;
} rel_cases[] = {
    { "posts/p12.html", 1 },
    { "themes/big-tech.html", 1 },
    { "index.html", 1 },
    { "a.html", 1 },
    { "x_y/Z-9.html", 1 },
    { ".html", 0 },
    { "posts/p12.htm", 0 },
    { "posts/p12.html#x", 0 },
    { "posts/p12.html?x=1", 0 },
    { "/etc/passwd.html", 0 },
    { "//evil.example/x.html", 0 },
    { "posts//p1.html", 0 },
    { "../index.html", 0 },
    { "posts/../../x.html", 0 },
    { "./index.html", 0 },
    { "-x.html", 0 },
    { "javascript:alert(1).html", 0 },
    { "http://h/x.html", 0 },
    { "posts/p 1.html", 0 },
    { "posts/p\"1.html", 0 },
    { "posts/\xc3\xa9.html", 0 },
    { "", 0 },
};

static void test_relative_links(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rel_cases) / sizeof(rel_cases[0]); i++)
        if (mapsafe_relative_link_ok(rel_cases[i].link) != rel_cases[i].ok)
            fail_msg("case %zu: '%s' should %s", i, rel_cases[i].link,
                     rel_cases[i].ok ? "pass" : "fail");
    assert_int_equal(mapsafe_relative_link_ok(NULL), 0);
}

/* With MAPSAFE_SVG_RELATIVE, relative page links pass and everything the
 * plain check refuses is still refused; without it they are refused. */
static void test_svg_relative_flag(void **state)
{
    static const char *const rel = SVG("<a xlink:href=\"posts/p1.html\">t</a>");
    static const char *const bad[] = {
        SVG("<a xlink:href=\"../p1.html\">t</a>"),
        SVG("<a xlink:href=\"//evil.example/p1.html\">t</a>"),
        SVG("<a xlink:href=\"javascript:alert(1)\">t</a>"),
        SVG("<a xlink:href=\"p1.html\" onclick=\"x()\">t</a>"),
        SVG("<script>alert(1)</script>"),
        /* well-formed XML comments that HTML would end early */
        SVG("<!--><img src=x onerror=alert(1)>-->"),
        SVG("<!-- a <b> -->"),
        SVG("<!--->-->"),
    };
    static const char *const plain_ok = SVG("<!--><img src=x onerror=alert(1)>-->");
    char why[128];

    (void)state;
    assert_int_equal(mapsafe_check_svg_flags(rel, strlen(rel), MAPSAFE_SVG_RELATIVE, why,
                                             sizeof(why)), 0);
    assert_int_equal(mapsafe_check_svg(rel, strlen(rel), why, sizeof(why)), -1);
    assert_int_equal(mapsafe_check_svg_flags(graphviz_svg, strlen(graphviz_svg),
                                             MAPSAFE_SVG_RELATIVE, why, sizeof(why)), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (mapsafe_check_svg_flags(bad[i], strlen(bad[i]), MAPSAFE_SVG_RELATIVE, why,
                                    sizeof(why)) != -1)
            fail_msg("case %zu: accepted: %s", i, bad[i]);
    /* a standalone SVG is read as XML: such a comment is only a comment */
    assert_int_equal(mapsafe_check_svg(plain_ok, strlen(plain_ok), why, sizeof(why)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_g05_g06_g08_text_table),
        cmocka_unit_test(test_g07_text_long),
        cmocka_unit_test(test_text_junk),
        cmocka_unit_test(test_g01_g02_g03_url_table),
        cmocka_unit_test(test_g07_url_limits),
        cmocka_unit_test(test_url_junk),
        cmocka_unit_test_setup_teardown(test_g15_svg_graphviz, setup_loader,
                                        teardown_loader),
        cmocka_unit_test_setup_teardown(test_g15_svg_good, setup_loader,
                                        teardown_loader),
        cmocka_unit_test_setup_teardown(test_g15_svg_bad, setup_loader,
                                        teardown_loader),
        cmocka_unit_test_setup_teardown(test_svg_loader_detects, setup_loader,
                                        teardown_loader),
        cmocka_unit_test(test_svg_why),
        cmocka_unit_test(test_svg_len),
        cmocka_unit_test(test_svg_quiet),
        cmocka_unit_test(test_relative_links),
        cmocka_unit_test_setup_teardown(test_svg_relative_flag, setup_loader,
                                        teardown_loader),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
