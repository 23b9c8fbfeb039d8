/* Unit tests for graph/topics.c: the built-in topics.conf parses into the
 * three documented themes and settings; a hand-written INI text exercises
 * terms (^weights, prefix*, "phrases", continuation lines), colours (#rgb
 * expanded, case folded), the defaults for whatever a file leaves out and the
 * FTS5 expression built per term weight. A table of bad files checks each
 * error's code and its "NAME:LINE: what" message, the line being the one
 * that holds the mistake. topics_load is run on real files in a temporary
 * directory: a good one, a missing one, one with a NUL byte, an oversized
 * one. Every object is freed, so the suite is also a leak check under LSan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blogmap/topics.h"

#define NAME "t.conf"

/* ---- helpers ---- */

static struct topics *parse_ok(const char *text)
{
    struct topics *t = NULL;
    char *err = NULL;
    int rc = topics_parse(text, NAME, &t, &err);

    if (rc != TOPICS_OK) {
        char msg[512];

        snprintf(msg, sizeof(msg), "%s", err ? err : "(null)");
        free(err);
        fail_msg("topics_parse failed (%d): %s\n--- text ---\n%s", rc, msg, text);
    }
    assert_null(err);
    assert_non_null(t);
    return t;
}

/* TEXT must fail with RC and a message that starts with PREFIX and holds
 * WHAT. */
static void parse_fails(const char *text, int rc, const char *prefix, const char *what)
{
    static struct topics dummy;
    struct topics *sentinel = &dummy, *t = sentinel;
    char *err = NULL;
    int got = topics_parse(text, NAME, &t, &err);
    char msg[512];
    int had_err = err != NULL;

    snprintf(msg, sizeof(msg), "%s", err ? err : "(null)");
    free(err);
    if (got == TOPICS_OK && t != sentinel)
        topics_free(t);
    if (got != rc)
        fail_msg("want rc %d, got %d (%s)\n--- text ---\n%s", rc, got, msg, text);
    assert_ptr_equal(t, sentinel);              /* out-parameter untouched */
    assert_true(had_err);
    if (strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg, what))
        fail_msg("message '%s' should start with '%s' and contain '%s'\n--- text ---\n%s",
                 msg, prefix, what, text);

    /* ERRMSG may be NULL. */
    assert_int_equal(topics_parse(text, NAME, &t, NULL), rc);
    assert_ptr_equal(t, sentinel);
}

static const struct topic_term *term(const struct topic *th, size_t i)
{
    assert_true(i < th->n_terms);
    return &th->terms[i];
}

static void assert_term(const struct topic *th, size_t i, const char *text, double weight)
{
    const struct topic_term *tt = term(th, i);

    assert_string_equal(tt->text, text);
    if (tt->weight < weight - 1e-9 || tt->weight > weight + 1e-9)
        fail_msg("term %zu '%s' of '%s': weight %g, want %g", i, tt->text, th->name,
                 tt->weight, weight);
}

static void assert_near(double got, double want)
{
    if (got < want - 1e-9 || got > want + 1e-9)
        fail_msg("got %g, want %g", got, want);
}

static int is_rrggbb(const char *c)
{
    if (strlen(c) != 7 || c[0] != '#')
        return 0;
    for (size_t i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)c[i]) || isupper((unsigned char)c[i]))
            return 0;
    return 1;
}

/* TEXT = A + a line of N bytes ("terms = " then short terms, N >= 9, or
 * only the terms after the first SKIP bytes) + C, in a static buffer. */
static const char *with_long_line(const char *a, size_t n, size_t skip, const char *c)
{
    static const char unit[] = "abcdefgh, ";
    static char text[8192];
    char line[6000];

    assert_true(n >= 9 && n < sizeof(line) && skip < n);
    memcpy(line, "terms = ", 8);
    for (size_t i = 8; i < n; i++)
        line[i] = unit[(i - 8) % (sizeof(unit) - 1)];
    line[n - 1] = 'z';
    line[n] = '\0';
    assert_true((size_t)snprintf(text, sizeof(text), "%s%s%s", a, line + skip, c) < sizeof(text));
    return text;
}

static char *concat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);

    assert_non_null(s);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

/* A temporary directory for topics_load's files, removed by rm_tmpdir. */
static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_topics.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
}

static char *tmp_path(const char *leaf)
{
    size_t n = strlen(tmpdir) + strlen(leaf) + 2;
    char *p = malloc(n);

    assert_non_null(p);
    snprintf(p, n, "%s/%s", tmpdir, leaf);
    return p;
}

static char *write_file(const char *leaf, const char *data, size_t len)
{
    char *path = tmp_path(leaf);
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void remove_file(char *path)
{
    unlink(path);
    free(path);
}

/* ---- the built-in set ---- */

static void check_builtin(const struct topics *t)
{
    static const char *const names[] = {"flywheel", "inequality", "big-tech"};
    static const char *const labels[] = {"Flywheel", "Inequality", "Big tech"};
    static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c"};

    assert_int_equal(t->n, 3);
    for (size_t i = 0; i < 3; i++) {
        const struct topic *th = &t->v[i];

        assert_string_equal(th->name, names[i]);
        assert_string_equal(th->label, labels[i]);
        assert_string_equal(th->color, colors[i]);
        assert_true(is_rrggbb(th->color));
        assert_near(th->weight, 1);
        assert_true(th->n_terms > 5);
        for (size_t j = 0; j < th->n_terms; j++) {
            assert_true(th->terms[j].text[0] != '\0');
            assert_null(strchr(th->terms[j].text, '"'));
            assert_null(strchr(th->terms[j].text, '^'));
            assert_true(th->terms[j].weight > 0);
        }
    }
    assert_near(t->threshold, 1.5);
    assert_near(t->w_title, 4);
    assert_near(t->w_labels, 3);
    assert_near(t->w_body, 1);

    /* a few terms, with their weights, continuation lines included */
    assert_term(&t->v[0], 0, "flywheel", 3);
    assert_term(&t->v[0], 1, "feedback loop", 2);
    assert_term(&t->v[0], 2, "positive feedback", 1);
    assert_term(&t->v[0], t->v[0].n_terms - 1, "increasing returns", 1);
    assert_term(&t->v[1], 0, "inequality", 3);
    assert_term(&t->v[1], t->v[1].n_terms - 1, "concentration", 1);
    assert_term(&t->v[2], 0, "big tech", 3);
    assert_term(&t->v[2], t->v[2].n_terms - 1, "amzn", 0.2);
    assert_non_null(topics_find(t, "big-tech"));

    assert_non_null(t->fingerprint);
    assert_int_equal(strlen(t->fingerprint), 16);
    for (const char *c = t->fingerprint; *c; c++)
        assert_true(isxdigit((unsigned char)*c));
}

static void test_builtin_load(void **state)
{
    struct topics *t = NULL;
    char *err = NULL;

    (void)state;
    assert_int_equal(topics_load(NULL, &t, &err), TOPICS_OK);
    assert_null(err);
    check_builtin(t);
    assert_string_equal(t->source, "(built-in)");
    topics_free(t);
}

static void test_builtin_parse(void **state)
{
    struct topics *a = NULL, *b = NULL;

    (void)state;
    assert_non_null(topics_default_text());
    assert_ptr_equal(topics_default_text(), topics_default_text());
    a = parse_ok(topics_default_text());
    check_builtin(a);
    assert_string_equal(a->source, NAME);
    assert_int_equal(topics_load(NULL, &b, NULL), TOPICS_OK);
    assert_string_equal(a->fingerprint, b->fingerprint);
    topics_free(a);
    topics_free(b);
}

/* ---- terms ---- */

static const char terms_text[] =
    "; a comment\n"
    "# another\n"
    "[alpha]\n"
    "terms = one, two^2.5, pre*, \"three four\"\n"
    "  five six^0.5,\n"
    "\t\"seven\", eight *,\n"
    "    nine^ 3 , ten ^2, s&p 500, o'neil, a-b, x.y, 1/2, 50%, $aapl, c++\n"
    "\n"
    "[beta]\n"
    "terms = caf\xc3\xa9, Mixed Case*\n"
    "terms = more^100, less^0.001\n";

static void test_terms(void **state)
{
    struct topics *t;
    const struct topic *a, *b;

    (void)state;
    t = parse_ok(terms_text);
    assert_int_equal(t->n, 2);
    a = &t->v[0];
    b = &t->v[1];
    assert_string_equal(a->name, "alpha");
    assert_int_equal(a->n_terms, 17);
    assert_term(a, 0, "one", 1);
    assert_term(a, 1, "two", 2.5);
    assert_term(a, 2, "pre*", 1);
    assert_term(a, 3, "three four", 1);
    assert_term(a, 4, "five six", 0.5);         /* continuation, spaces */
    assert_term(a, 5, "seven", 1);              /* continuation, tab */
    assert_term(a, 6, "eight *", 1);            /* written with a space */
    assert_term(a, 7, "nine", 3);
    assert_term(a, 8, "ten", 2);
    assert_term(a, 9, "s&p 500", 1);
    assert_term(a, 10, "o'neil", 1);
    assert_term(a, 11, "a-b", 1);
    assert_term(a, 12, "x.y", 1);
    assert_term(a, 13, "1/2", 1);
    assert_term(a, 14, "50%", 1);
    assert_term(a, 15, "$aapl", 1);
    assert_term(a, 16, "c++", 1);

    /* a repeated terms key appends */
    assert_string_equal(b->name, "beta");
    assert_int_equal(b->n_terms, 4);
    assert_term(b, 0, "caf\xc3\xa9", 1);
    assert_term(b, 1, "Mixed Case*", 1);
    assert_term(b, 2, "more", 100);
    assert_term(b, 3, "less", 0.001);
    topics_free(t);
}

/* The header documents "phrases" with an optional ^weight; a quoted phrase
 * followed by a weight or by a space before the comma is still a phrase. */
static void test_quoted_phrase_weight(void **state)
{
    struct topics *t;
    char *q;

    (void)state;
    t = parse_ok("[a]\nterms = \"network effect\"^2, \"feedback loop\" , moat\n");
    assert_int_equal(t->v[0].n_terms, 3);
    assert_term(&t->v[0], 0, "network effect", 2);
    assert_term(&t->v[0], 1, "feedback loop", 1);
    assert_term(&t->v[0], 2, "moat", 1);
    topics_free(t);

    t = parse_ok("[a]\nterms = big^2, \"e f\"^2\n");
    q = topics_fts_query(&t->v[0], 2);
    assert_non_null(q);
    assert_string_equal(q, "\"big\" OR \"e f\"");
    free(q);
    topics_free(t);
}

/* ---- colours, labels, weights and defaults ---- */

static void test_colors(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"#1f77b4", "#1f77b4"}, {"#1F77B4", "#1f77b4"}, {"#abc", "#aabbcc"},
        {"#ABC", "#aabbcc"},    {"#0f0", "#00ff00"},    {"#000", "#000000"},
        {"  #123  ", "#112233"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[128];
        struct topics *t;

        snprintf(text, sizeof(text), "[a]\nterms = x\n%s = %s\n", i % 2 ? "colour" : "color",
                 cases[i].in);
        t = parse_ok(text);
        if (strcmp(t->v[0].color, cases[i].want) != 0)
            fail_msg("colour '%s': got '%s', want '%s'", cases[i].in, t->v[0].color,
                     cases[i].want);
        assert_string_equal(topics_color(t, "a"), cases[i].want);
        topics_free(t);
    }
}

static void test_defaults(void **state)
{
    struct topics *t;

    (void)state;
    t = parse_ok("[first]\nterms = x\ncolor = #ff0000\n"
                 "[second-2]\nterms = y\n"
                 "[third_3]\nterms = z\nlabel = Third one\nweight = 2.5\n");
    assert_int_equal(t->n, 3);
    assert_near(t->threshold, 1.5);
    assert_near(t->w_title, 4);
    assert_near(t->w_labels, 3);
    assert_near(t->w_body, 1);
    assert_string_equal(t->source, NAME);

    assert_string_equal(t->v[0].label, "first");
    assert_string_equal(t->v[0].color, "#ff0000");
    assert_near(t->v[0].weight, 1);
    /* the palette follows the theme's position: the second theme's colour */
    assert_string_equal(t->v[1].name, "second-2");
    assert_string_equal(t->v[1].label, "second-2");
    assert_string_equal(t->v[1].color, "#d62728");
    assert_near(t->v[1].weight, 1);
    assert_string_equal(t->v[2].label, "Third one");
    assert_string_equal(t->v[2].color, "#2ca02c");
    assert_near(t->v[2].weight, 2.5);
    for (size_t i = 0; i < t->n; i++) {
        assert_true(is_rrggbb(t->v[i].color));
        assert_term(&t->v[i], 0, i == 0 ? "x" : i == 1 ? "y" : "z", 1);
    }
    topics_free(t);
}

static void test_settings(void **state)
{
    struct topics *t;

    (void)state;
    t = parse_ok("[settings]\nthreshold = 0\ntitle_weight = 10\nlabels_weight = 0.5\n"
                 "body_weight = 2\n[a]\nterms = x\n[settings]\nthreshold = 2.25\n");
    assert_int_equal(t->n, 1);                  /* settings is no theme */
    assert_null(topics_find(t, "settings"));
    assert_near(t->threshold, 2.25);
    assert_near(t->w_title, 10);
    assert_near(t->w_labels, 0.5);
    assert_near(t->w_body, 2);
    topics_free(t);
}

static void test_sections_merge_and_keys_replace(void **state)
{
    struct topics *t;

    (void)state;
    t = parse_ok("[a]\nterms = x\nlabel = One\n[b]\nterms = y\n[a]\nterms = z\nlabel = Two\n"
                 "color = #111\ncolor = #222\n");
    assert_int_equal(t->n, 2);
    assert_string_equal(t->v[0].name, "a");
    assert_int_equal(t->v[0].n_terms, 2);
    assert_term(&t->v[0], 1, "z", 1);
    assert_string_equal(t->v[0].label, "Two");
    assert_string_equal(t->v[0].color, "#222222");
    topics_free(t);
}

/* ---- topics_fts_query ---- */

static void test_fts_query(void **state)
{
    struct topics *t;
    char *q;

    (void)state;
    t = parse_ok("[a]\nterms = a, big^2, b c, pre*, d^0.5, \"e f\", g*^2\n[b]\nterms = h^3\n");
    q = topics_fts_query(&t->v[0], 1);
    assert_non_null(q);
    assert_string_equal(q, "\"a\" OR \"b c\" OR \"pre\" * OR \"e f\"");
    free(q);
    q = topics_fts_query(&t->v[0], 0.5);
    assert_string_equal(q, "\"d\"");
    free(q);
    q = topics_fts_query(&t->v[0], 3);
    assert_null(q);
    q = topics_fts_query(&t->v[1], 3);
    assert_string_equal(q, "\"h\"");
    free(q);
    q = topics_fts_query(&t->v[1], 1);
    assert_null(q);
    topics_free(t);

    t = parse_ok("[a]\nterms = big^2, g*^2\n");
    q = topics_fts_query(&t->v[0], 2);
    assert_string_equal(q, "\"big\" OR \"g\" *");
    free(q);
    topics_free(t);
}

/* ---- errors ---- */

struct err_case {
    const char *text;
    int rc;
    const char *prefix;     /* "t.conf:LINE: " */
    const char *what;
};

static const struct err_case err_cases[] = {
    /* unknown keys */
    {"[a]\nterms = x\nfoo = 1\n", TOPICS_ESYNTAX, NAME ":3: ", "unknown key 'foo'"},
    {"# c\n\n[a]\n\nTerms = x\n", TOPICS_ESYNTAX, NAME ":5: ", "unknown key 'Terms'"},
    {"[settings]\nthreshold = 1\nbogus = 2\n[a]\nterms = x\n", TOPICS_ESYNTAX, NAME ":3: ",
     "unknown setting 'bogus'"},
    /* colours */
    {"[a]\nterms = x\n\ncolor = #12345\n", TOPICS_ESYNTAX, NAME ":4: ", "colour '#12345'"},
    {"[a]\ncolor = red\nterms = x\n", TOPICS_ESYNTAX, NAME ":2: ", "colour 'red'"},
    {"[a]\nterms = x\ncolour = #ggg\n", TOPICS_ESYNTAX, NAME ":3: ", "#rrggbb"},
    {"[a]\nterms = x\ncolor = 1f77b4\n", TOPICS_ESYNTAX, NAME ":3: ", "colour"},
    {"[a]\nterms = x\ncolor = #1f77b4ff\n", TOPICS_ESYNTAX, NAME ":3: ", "colour"},
    {"[a]\nterms = x\ncolor =\n", TOPICS_ESYNTAX, NAME ":3: ", "colour"},
    /* numbers */
    {"[settings]\nthreshold = abc\n[a]\nterms = x\n", TOPICS_ESYNTAX, NAME ":2: ",
     "'abc' is not a number"},
    {"[settings]\n\nthreshold = 1.5x\n", TOPICS_ESYNTAX, NAME ":3: ", "'1.5x'"},
    {"[settings]\nthreshold = -1\n", TOPICS_ESYNTAX, NAME ":2: ", "not a number in range"},
    {"[settings]\ntitle_weight = 1001\n", TOPICS_ESYNTAX, NAME ":2: ", "not a number"},
    {"[settings]\nbody_weight = nan\n", TOPICS_ESYNTAX, NAME ":2: ", "not a number"},
    {"[settings]\nlabels_weight = inf\n", TOPICS_ESYNTAX, NAME ":2: ", "not a number"},
    {"[settings]\nthreshold =\n", TOPICS_ESYNTAX, NAME ":2: ", "not a number"},
    {"[a]\nterms = x\nweight = 0\n", TOPICS_ESYNTAX, NAME ":3: ", "'0' is not a number"},
    {"[a]\nterms = x\nweight = two\n", TOPICS_ESYNTAX, NAME ":3: ", "not a number"},
    /* terms */
    {"[a]\nterms = ok, a\"b\n", TOPICS_ESYNTAX, NAME ":2: ", "bad term 'a\"b'"},
    {"[a]\nterms = ok,\n  f(x)\n", TOPICS_ESYNTAX, NAME ":3: ", "bad term 'f(x)'"},
    {"[a]\nterms = a*b\n", TOPICS_ESYNTAX, NAME ":2: ", "bad term"},
    {"[a]\nterms = *\n", TOPICS_ESYNTAX, NAME ":2: ", "bad term"},
    {"[a]\nterms = x:y\n", TOPICS_ESYNTAX, NAME ":2: ", "bad term"},
    {"[a]\nterms = x, -\n", TOPICS_ESYNTAX, NAME ":2: ", "bad term"},
    {"[a]\nterms = a OR b\"\n", TOPICS_ESYNTAX, NAME ":2: ", "bad term"},
    {"[a]\nterms = NEAR(a b)\n", TOPICS_ESYNTAX, NAME ":2: ", "bad term"},
    {"[a]\nterms = x\n  y,\n   z\n   {a}\n", TOPICS_ESYNTAX, NAME ":5: ", "bad term '{a}'"},
    /* term weights */
    {"[a]\nterms = x^0\n", TOPICS_ESYNTAX, NAME ":2: ", "term weight '0'"},
    {"[a]\nterms = x^101\n", TOPICS_ESYNTAX, NAME ":2: ", "term weight '101'"},
    {"[a]\nterms = x, y^-1\n", TOPICS_ESYNTAX, NAME ":2: ", "term weight '-1'"},
    {"[a]\n\nterms = x\n  y^abc\n", TOPICS_ESYNTAX, NAME ":4: ", "term weight 'abc'"},
    {"[a]\nterms = x^\n", TOPICS_ESYNTAX, NAME ":2: ", "term weight"},
    {"[a]\nterms = x^0.0001\n", TOPICS_ESYNTAX, NAME ":2: ", "0.001 to 100"},
    /* outside a section */
    {"terms = x\n[a]\nterms = y\n", TOPICS_ESYNTAX, NAME ":1: ", "'terms' outside a [section]"},
    {"# c\n; d\n\nlabel = x\n[a]\nterms = y\n", TOPICS_ESYNTAX, NAME ":4: ",
     "outside a [section]"},
    /* syntax */
    {"[a]\nterms = x\njunk line\n", TOPICS_ESYNTAX, NAME ":3: ", "syntax error"},
    {"[a]\nterms = x\n\n\n[b\nterms = y\n", TOPICS_ESYNTAX, NAME ":5: ", "syntax error"},
    {"just words\n", TOPICS_ESYNTAX, NAME ":1: ", "syntax error"},
    /* reserved and bad section names */
    {"[a]\nterms = x\n[other]\nterms = y\n", TOPICS_ESYNTAX, NAME ":3: ",
     "'other' is the theme of unclaimed posts"},
    {"[a]\nterms = x\n[Tech]\nterms = y\n", TOPICS_ESYNTAX, NAME ":3: ",
     "theme name 'Tech' must be lower-case"},
    {"[a b]\nterms = y\n", TOPICS_ESYNTAX, NAME ":1: ", "theme name 'a b'"},
    {"[a.b]\nterms = y\n", TOPICS_ESYNTAX, NAME ":1: ", "theme name 'a.b'"},
    {"[caf\xc3\xa9]\nterms = y\n", TOPICS_ESYNTAX, NAME ":1: ", "theme name"},
    {"[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\nterms = y\n", TOPICS_ESYNTAX, NAME ":1: ",
     "theme name"},
    {"[]\nterms = y\n", TOPICS_ESYNTAX, NAME ":1: ", "theme name ''"},
    /* a bad or reserved section is refused at its line even without keys */
    {"[a]\nterms = x\n\n[Bad]\n", TOPICS_ESYNTAX, NAME ":4: ", "theme name 'Bad'"},
    {"[a]\nterms = x\n[other]\n; nothing\n", TOPICS_ESYNTAX, NAME ":3: ", "'other'"},
    {"[a]\nterms = x\n[b\n", TOPICS_ESYNTAX, NAME ":3: ", "syntax error"},
    /* labels */
    {"[a]\nterms = x\nlabel = "
     "123456789012345678901234567890123456789012345678901234567890123456789012345678901\n",
     TOPICS_ESYNTAX, NAME ":3: ", "label of 'a' must be 1 to 80 bytes"},
    {"[a]\nterms = x\nlabel =\n", TOPICS_ESYNTAX, NAME ":3: ", "label of 'a'"},
    /* themes without terms */
    {"[x]\nlabel = X\n", TOPICS_EEMPTY, NAME ":1: ", "theme 'x' has no terms"},
    {"[a]\nterms = y\n[x]\nterms = , ,\n", TOPICS_EEMPTY, NAME ":3: ", "theme 'x' has no terms"},
    {"[a]\nterms = y\n[x]\n", TOPICS_EEMPTY, NAME ":3: ", "theme 'x' has no terms"},
    {"[a]\nterms = y\n[x]\n[a]\nterms = z\n", TOPICS_EEMPTY, NAME ":3: ",
     "theme 'x' has no terms"},
    {"", TOPICS_EEMPTY, NAME ": ", "no themes"},
    {"# nothing\n\n; here\n", TOPICS_EEMPTY, NAME ": ", "no themes"},
    {"[settings]\nthreshold = 1\n", TOPICS_EEMPTY, NAME ": ", "no themes"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++)
        parse_fails(err_cases[i].text, err_cases[i].rc, err_cases[i].prefix,
                    err_cases[i].what);
}

/* "[ a ]": either the theme "a", or an error at the section's own line. */
static void test_section_spaces(void **state)
{
    struct topics *t = NULL;
    char *err = NULL;
    int rc;

    (void)state;
    rc = topics_parse("[ a ]\nterms = x\n", NAME, &t, &err);
    if (rc == TOPICS_OK) {
        assert_string_equal(t->v[0].name, "a");
        topics_free(t);
        return;
    }
    {
        char msg[512];

        snprintf(msg, sizeof(msg), "%s", err ? err : "(null)");
        free(err);
        if (strncmp(msg, NAME ":1: ", strlen(NAME ":1: ")) != 0)
            fail_msg("'[ a ]': rc %d, message '%s'; want the theme 'a' or an error at line 1",
                     rc, msg);
    }
}

/* The first mistake in the file is the one reported. */
static void test_first_error_wins(void **state)
{
    (void)state;
    parse_fails("[a]\nterms = x\ncolor = #12\nfoo = 1\n", TOPICS_ESYNTAX, NAME ":3: ", "colour");
    parse_fails("[a]\nterms = x\nno equals here\nfoo = 1\n", TOPICS_ESYNTAX, NAME ":3: ",
                "syntax error");
}

/* A theme without terms is found after the whole file, and named at the
 * line of its section. */
static void test_no_terms_message(void **state)
{
    char *err = NULL;
    struct topics *t = NULL;

    (void)state;
    assert_int_equal(topics_parse("[a]\nterms = x\n\n[b]\nlabel = B\n\n", "my.conf", &t, &err),
                     TOPICS_EEMPTY);
    assert_null(t);
    assert_string_equal(err, "my.conf:4: theme 'b' has no terms");
    free(err);
}

/* Lines up to 196 bytes are fine; longer ones fail with the line's number. */
static void test_long_lines(void **state)
{
    struct topics *t;

    (void)state;
    t = parse_ok(with_long_line("[a]\n", 196, 0, "\n"));
    assert_true(t->v[0].n_terms > 10);
    topics_free(t);

    parse_fails(with_long_line("# c\n[a]\n", 197, 0, "\nlabel = A\n"), TOPICS_ESYNTAX,
                NAME ":3: ", "line longer than 196 bytes");
    /* a continuation line of 197 bytes, and a line far past inih's buffer */
    parse_fails(with_long_line("[a]\nterms = y,\n  ", 197 + 8 - 2, 8, "\n"), TOPICS_ESYNTAX,
                NAME ":3: ", "line longer");
    parse_fails(with_long_line("[a]\nterms = y\n\n", 5000, 0, "\n"), TOPICS_ESYNTAX,
                NAME ":4: ", "line longer");
}

/* A last line without a newline is held to the same limit. */
static void test_long_last_line_without_newline(void **state)
{
    (void)state;
    parse_fails(with_long_line("[a]\n", 197, 0, ""), TOPICS_ESYNTAX, NAME ":2: ",
                "line longer than 196 bytes");
}

/* CRLF line ends and a byte-order mark are accepted. */
static void test_crlf_and_bom(void **state)
{
    struct topics *t;

    (void)state;
    t = parse_ok("[a]\r\nterms = x, y^2\r\n  z\r\nlabel = A\r\n");
    assert_int_equal(t->v[0].n_terms, 3);
    assert_term(&t->v[0], 1, "y", 2);
    assert_term(&t->v[0], 2, "z", 1);
    assert_string_equal(t->v[0].label, "A");
    topics_free(t);

    t = parse_ok("\xef\xbb\xbf[a]\nterms = x\n");
    assert_string_equal(t->v[0].name, "a");
    topics_free(t);
}

/* CRLF line ends: the limit counts the line's bytes, not its line end. */
static void test_crlf_long_line(void **state)
{
    (void)state;
    topics_free(parse_ok(with_long_line("[a]\r\n", 196, 0, "\r\n")));
}

/* At most 64 themes and 1000 terms a theme, reported where they overflow. */
static void test_limits(void **state)
{
    static char text[65 * 32 + 1100 * 4 + 64];
    size_t cap = sizeof(text), len = 0;
    struct topics *t;

    (void)state;
    for (int i = 0; i < 64; i++)
        len += (size_t)snprintf(text + len, cap - len, "[t%d]\nterms = x\n", i);
    t = parse_ok(text);
    assert_int_equal(t->n, 64);
    topics_free(t);
    snprintf(text + len, cap - len, "[t64]\nterms = x\n");
    parse_fails(text, TOPICS_ESYNTAX, NAME ":129: ", "too many themes");

    /* line 2 holds 1 term, lines 3-22 hold 50 each: 1001 in all */
    len = (size_t)snprintf(text, cap, "[t]\nterms = x\n");
    for (int line = 3; line <= 22; line++) {
        len += (size_t)snprintf(text + len, cap - len, " ");
        for (int k = 0; k < 50; k++)
            len += (size_t)snprintf(text + len, cap - len, "a,");
        len += (size_t)snprintf(text + len, cap - len, "\n");
        if (line == 21) {
            t = parse_ok(text);
            assert_int_equal(t->v[0].n_terms, 1 + 19 * 50);
            topics_free(t);
        }
    }
    parse_fails(text, TOPICS_ESYNTAX, NAME ":22: ", "too many terms in theme 't'");
}

/* ---- topics_load ---- */

static void test_load_file(void **state)
{
    static const char good[] = "[a]\nterms = x\n";
    static const char bad[] = "[a]\nterms = x\n\nfoo = 1\n";
    struct topics *t = NULL, *p = NULL;
    char *err = NULL, *path, *want;

    (void)state;
    make_tmpdir();
    path = write_file("good.conf", good, sizeof(good) - 1);
    assert_int_equal(topics_load(path, &t, &err), TOPICS_OK);
    assert_null(err);
    assert_string_equal(t->source, path);
    assert_int_equal(t->n, 1);
    p = parse_ok(good);
    assert_string_equal(t->fingerprint, p->fingerprint);
    topics_free(p);
    topics_free(t);
    remove_file(path);

    path = write_file("bad.conf", bad, sizeof(bad) - 1);
    t = NULL;
    assert_int_equal(topics_load(path, &t, &err), TOPICS_ESYNTAX);
    assert_null(t);
    want = concat3(path, ":4: ", "unknown key 'foo'");
    assert_non_null(err);
    assert_int_equal(strncmp(err, want, strlen(want)), 0);
    free(want);
    free(err);
    err = NULL;
    remove_file(path);
    rmdir(tmpdir);
}

static void test_load_missing(void **state)
{
    struct topics *t = NULL;
    char *err = NULL, *path, *want;

    (void)state;
    make_tmpdir();
    path = tmp_path("missing.conf");
    assert_int_equal(topics_load(path, &t, &err), TOPICS_EREAD);
    assert_null(t);
    assert_non_null(err);
    want = concat3("cannot read '", path, "'");
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("message '%s' should start with '%s'", err, want);
    assert_non_null(strstr(err, "No such file"));
    free(want);
    free(err);
    assert_int_equal(topics_load(path, &t, NULL), TOPICS_EREAD);
    assert_null(t);
    free(path);
    rmdir(tmpdir);
}

static void test_load_binary_and_big(void **state)
{
    static const char nul[] = "[a]\nterms = x\0y\n";
    struct topics *t = NULL;
    char *err = NULL, *path, *big, *want;
    size_t n = 1024 * 1024 + 1;

    (void)state;
    make_tmpdir();
    path = write_file("nul.conf", nul, sizeof(nul) - 1);
    assert_int_equal(topics_load(path, &t, &err), TOPICS_EREAD);
    assert_null(t);
    want = concat3("cannot read '", path, "'");
    assert_non_null(err);
    assert_int_equal(strncmp(err, want, strlen(want)), 0);
    free(want);
    free(err);
    err = NULL;
    remove_file(path);

    /* over 1 MiB of comment lines */
    big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 64 == 63 ? '\n' : i % 64 == 0 ? '#' : 'c';
    path = write_file("big.conf", big, n);
    free(big);
    assert_int_equal(topics_load(path, &t, &err), TOPICS_EREAD);
    assert_null(t);
    assert_non_null(err);
    assert_non_null(strstr(err, "cannot read '"));
    free(err);
    remove_file(path);

    /* an empty file */
    path = write_file("empty.conf", "", 0);
    err = NULL;
    assert_int_equal(topics_load(path, &t, &err), TOPICS_EEMPTY);
    assert_null(t);
    assert_non_null(err);
    free(err);
    remove_file(path);
    rmdir(tmpdir);
}

/* ---- fingerprint ---- */

static void test_fingerprint(void **state)
{
    static const char base[] = "[a]\nterms = x, y\n";
    static const char *const changed[] = {
        "[a]\nterms = x, y^2\n",
        "[a]\nterms = x, z\n",
        "[a]\nterms = x, y\n# note\n",
        "[settings]\nthreshold = 2\n[a]\nterms = x, y\n",
        "[a]\nterms = x, y\ncolor = #123\n",
    };
    struct topics *a = parse_ok(base), *b = parse_ok(base);

    (void)state;
    assert_string_equal(a->fingerprint, b->fingerprint);
    assert_ptr_not_equal(a->fingerprint, b->fingerprint);
    for (size_t i = 0; i < sizeof(changed) / sizeof(changed[0]); i++) {
        struct topics *c = parse_ok(changed[i]);

        if (!strcmp(a->fingerprint, c->fingerprint))
            fail_msg("fingerprint did not change for '%s'", changed[i]);
        for (size_t j = 0; j < i; j++) {
            struct topics *d = parse_ok(changed[j]);

            assert_string_not_equal(c->fingerprint, d->fingerprint);
            topics_free(d);
        }
        topics_free(c);
    }
    topics_free(a);
    topics_free(b);
}

/* ---- lookups and small functions ---- */

static void test_find_and_color(void **state)
{
    struct topics *t = parse_ok("[fly]\nterms = x\ncolor = #abc\n[ineq]\nterms = y\n");

    (void)state;
    assert_ptr_equal(topics_find(t, "fly"), &t->v[0]);
    assert_ptr_equal(topics_find(t, "ineq"), &t->v[1]);
    assert_null(topics_find(t, "Fly"));
    assert_null(topics_find(t, "fl"));
    assert_null(topics_find(t, ""));
    assert_null(topics_find(t, NULL));
    assert_null(topics_find(t, TOPICS_OTHER));
    assert_null(topics_find(NULL, "fly"));
    assert_string_equal(topics_color(t, "fly"), "#aabbcc");
    assert_string_equal(topics_color(t, "ineq"), "#d62728");
    assert_string_equal(topics_color(t, TOPICS_OTHER), TOPICS_OTHER_COLOR);
    assert_string_equal(topics_color(t, "nope"), TOPICS_OTHER_COLOR);
    assert_string_equal(topics_color(t, NULL), TOPICS_OTHER_COLOR);
    assert_string_equal(topics_color(NULL, "fly"), TOPICS_OTHER_COLOR);
    assert_string_equal(TOPICS_OTHER_COLOR, "#9e9e9e");
    topics_free(t);
    topics_free(NULL);
}

static void test_strerror(void **state)
{
    static const int codes[] = {TOPICS_OK, TOPICS_EREAD, TOPICS_ESYNTAX, TOPICS_EEMPTY, -99};

    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        assert_non_null(topics_strerror(codes[i]));
        assert_true(topics_strerror(codes[i])[0] != '\0');
    }
    assert_string_not_equal(topics_strerror(TOPICS_EREAD), topics_strerror(TOPICS_ESYNTAX));
    assert_string_not_equal(topics_strerror(TOPICS_ESYNTAX), topics_strerror(TOPICS_EEMPTY));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_load),
        cmocka_unit_test(test_builtin_parse),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_quoted_phrase_weight),
        cmocka_unit_test(test_colors),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_sections_merge_and_keys_replace),
        cmocka_unit_test(test_fts_query),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_section_spaces),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_no_terms_message),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_long_last_line_without_newline),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_crlf_long_line),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_missing),
        cmocka_unit_test(test_load_binary_and_big),
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_find_and_color),
        cmocka_unit_test(test_strerror),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
