/* Unit tests for graph/search*.c against a real SQLite file in a temporary
 * directory. The crawl is built through the store's own API, as the crawler
 * does (store_frontier_add, store_frontier_take, store_page_set_post,
 * store_add_link, store_page_finish, store_resolve), then classified with
 * three themes (fly, ineq, tech). Covered: the user query made into a safe
 * FTS5 expression (table-driven, hostile input included); search's ranking,
 * phrases, prefixes, stemming, limit, snippets and the posts it must never
 * show; search_post_id through a redirect; suggest for a post and for a
 * draft (what it leaves out, keep_linked, the theme, the orphan tie-break,
 * words porter does not stem back to themselves, a database left as it was);
 * unlinked mentions (found, linked ones and self-mentions not, titles with
 * quotes, common phrases dropped). Rows are read through the query_row_fn,
 * the database through a second, read-only connection. DUMP_ROWS=1 prints
 * test_suggest_post's suggestions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blogmap/classify.h"
#include "blogmap/search.h"
#include "blogmap/store.h"
#include "blogmap/topics.h"

#define BASE "http://b.test/"
#define MAX_PAGES 48
#define MAX_ROWS 64
#define MAX_COLS 8

static const char topics_ini[] =
    "[settings]\n"
    "threshold = 1.0\n"
    "[fly]\n"
    "terms = flywheel^2, feedback loop, network effect*\n"
    "[ineq]\n"
    "terms = inequality^2, wealth gap, middle class, redistribution\n"
    "[tech]\n"
    "terms = big tech^2, hyperscaler*, semiconductor, antitrust\n";

/* One page of a fixture crawl. */
struct page_spec {
    const char *path;
    const char *title, *labels, *body;
    const char *links;          /* space-separated paths this page's body links to */
    long status;                /* 0: left inflight */
    const char *redirect_to;    /* a path, or NULL */
    int is_post;
};

static const struct page_spec blog[] = {
    {"fly1", "The Amazon flywheel", "strategy",
     "A flywheel turns slowly at first. Each feedback loop adds momentum and network"
     " effects compound over the years.", "fly2", 200, NULL, 1},
    {"fly2", "Network effects and feedback loops", "strategy, platforms",
     "Network effects and feedback loops: every new user makes the network more useful,"
     " and the feedback loop spins the flywheel faster.", NULL, 200, NULL, 1},
    {"fly3", "Costco membership economics", "retail",
     "Membership fees fund lower prices and lower prices bring more members. A feedback"
     " loop, though nobody at Costco calls it a flywheel.", NULL, 200, NULL, 1},
    {"loop", "Markets and their loops", "markets",
     "The loop of supply and the feedback of prices move the markets.", NULL, 200, NULL, 1},
    {"ineq1", "Inequality is rising", "economics",
     "The wealth gap between the top and the middle class widened again while"
     " redistribution stalled.", NULL, 200, NULL, 1},
    {"ineq2", "Who gets the gains", "economics, inequality",
     "Inequality of income grows, the middle class shrinks and the wealth gap widens.",
     NULL, 200, NULL, 1},
    {"tech1", "Big tech and the hyperscalers", "technology",
     "Hyperscalers buy semiconductors by the shipload while antitrust regulators watch.",
     NULL, 200, NULL, 1},
    {"tech2", "Antitrust comes for big tech", "technology, law",
     "The semiconductor supply chain and hyperscaler capital spending dominate big tech"
     " budgets.", "tech1", 200, NULL, 1},
    {"oil1", "Notes from the refinery", "energy",
     "Crude prices rose. As I wrote in Network effects and feedback loops, refiners have"
     " their own compounding too. Margins widened in spring.", NULL, 200, NULL, 1},
    {"oil2", "Shale output", "energy",
     "Shale drillers added rigs. Big tech and the hyperscalers buy power from them now.",
     "tech1", 200, NULL, 1},
    {"oil3", "Tankers and freight", "shipping",
     "Freight rates doubled. Our piece on the \"moat\" that keeps widening applies to"
     " ports.", NULL, 200, NULL, 1},
    {"moat", "The \"moat\" that keeps widening", "strategy",
     "Every year the moat widens a little more.", NULL, 200, NULL, 1},
    {"twin-a", "Pipeline tariff notes", "energy",
     "Pipeline tariffs and takeaway capacity in the basin.", NULL, 200, NULL, 1},
    {"twin-b", "Pipeline tariff notes", "energy",
     "Pipeline tariffs and takeaway capacity in the basin.", NULL, 200, NULL, 1},
    {"oil4", "Basin notes", "energy", "Gas flaring fell in the basin.", "twin-b", 200, NULL, 1},
    /* never in results: a 404 post, a redirect, a page that is no post */
    {"gone", "Flywheel gone", "strategy", "A flywheel flywheel flywheel post that is gone.",
     NULL, 404, NULL, 1},
    {"old-fly1", "Old flywheel", "strategy", "Old flywheel text.", NULL, 301, "fly1", 1},
    {"about", "About", NULL, NULL, NULL, 200, NULL, 0},
};
#define N_BLOG (sizeof(blog) / sizeof(blog[0]))

struct fx {
    char dir[64], path[128];
    struct store *s;
    struct topics *t;
    sqlite3 *db;                /* a second, read-only connection */
};

/* Rows handed to a query_row_fn: the header and every cell, copied. */
struct rows {
    int ncols, header_seen;
    char *names[MAX_COLS];
    char *cell[MAX_ROWS][MAX_COLS];
    size_t n;
};

/* ---- fixture ---- */

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    char *err = NULL;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_search.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/blog.db", f->dir);
    if (store_open(f->path, STORE_WRITE, &f->s, &err) != STORE_OK)
        fail_msg("store_open '%s': %s", f->path, err ? err : "(null)");
    assert_int_equal(sqlite3_open_v2(f->path, &f->db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (topics_parse(topics_ini, "test.conf", &f->t, &err) != TOPICS_OK)
        fail_msg("topics: %s", err ? err : "(null)");
    *state = f;
    return 0;
}

static void unlink_in(const struct fx *f, const char *suffix)
{
    char p[160];

    snprintf(p, sizeof(p), "%s%s", f->path, suffix);
    unlink(p);
}

static int teardown(void **state)
{
    struct fx *f = *state;

    sqlite3_close(f->db);
    store_close(f->s);
    topics_free(f->t);
    unlink_in(f, "");
    unlink_in(f, "-wal");
    unlink_in(f, "-shm");
    unlink_in(f, "-journal");
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

static const struct page_spec *spec_for(const struct page_spec *v, size_t n, const char *url)
{
    for (size_t i = 0; i < n; i++)
        if (!strncmp(url, BASE, strlen(BASE)) && !strcmp(url + strlen(BASE), v[i].path))
            return &v[i];
    return NULL;
}

static void add_links(struct fx *f, long id, const char *links)
{
    char buf[256], u[300];

    snprintf(buf, sizeof(buf), "%s", links ? links : "");
    for (char *save = NULL, *p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
        snprintf(u, sizeof(u), "%s%s", BASE, p);
        assert_int_equal(store_add_link(f->s, id, u, 0, 1, "a link", "the line"), STORE_OK);
    }
}

/* Crawl V[0..N) through the store API, resolve, classify. */
static void crawl(struct fx *f, const struct page_spec *v, size_t n)
{
    struct store_job jobs[MAX_PAGES];
    int taken = 0;
    char u[256], r[256];

    assert_true(n <= MAX_PAGES);
    for (size_t i = 0; i < n; i++) {
        snprintf(u, sizeof(u), "%s%s", BASE, v[i].path);
        assert_int_equal(store_frontier_add(f->s, u, STORE_PAGE, 1, 0, NULL), STORE_OK);
    }
    assert_int_equal(store_frontier_take(f->s, 1e12, MAX_PAGES, jobs, &taken), STORE_OK);
    assert_int_equal(taken, (int)n);
    assert_int_equal(store_begin(f->s), STORE_OK);
    for (int i = 0; i < taken; i++) {
        const struct page_spec *p = spec_for(v, n, jobs[i].url);
        assert_non_null(p);
        struct store_post post = {.title = p->title, .date = "2024-05-01", .labels = p->labels,
                                  .text = p->body, .is_post = p->is_post};
        assert_int_equal(store_page_set_post(f->s, jobs[i].id, &post), STORE_OK);
        add_links(f, jobs[i].id, p->links);
        if (p->redirect_to)
            snprintf(r, sizeof(r), "%s%s", BASE, p->redirect_to);
        struct store_outcome o = {.state = "done", .status = p->status,
                                  .redirect_to = p->redirect_to ? r : NULL,
                                  .content_type = "text/html", .bytes = 100};
        if (p->status)
            assert_int_equal(store_page_finish(f->s, jobs[i].id, &o), STORE_OK);
        store_job_release(&jobs[i]);
    }
    assert_int_equal(store_commit(f->s), STORE_OK);
    assert_int_equal(store_resolve(f->s), STORE_OK);
    assert_int_equal(classify_posts(f->s, f->t), STORE_OK);
}

static long count_of(struct fx *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long n;

    if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(f->db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static long id_of(struct fx *f, const char *path)
{
    char sql[256];

    snprintf(sql, sizeof(sql), "SELECT id FROM pages WHERE url = '%s%s'", BASE, path);
    return count_of(f, sql);
}

/* ---- rows ---- */

static char *dup_or_empty(const char *s)
{
    char *p = strdup(s ? s : "");
    assert_non_null(p);
    return p;
}

static int collect(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct rows *r = ctx;

    assert_true(ncols > 0 && ncols <= MAX_COLS);
    if (!values) {
        assert_false(r->header_seen);
        r->header_seen = 1;
        r->ncols = ncols;
        for (int i = 0; i < ncols; i++)
            r->names[i] = dup_or_empty(names[i]);
        return 0;
    }
    assert_true(r->header_seen);
    assert_int_equal(ncols, r->ncols);
    assert_true(r->n < MAX_ROWS);
    for (int i = 0; i < ncols; i++)
        r->cell[r->n][i] = dup_or_empty(values[i]);
    r->n++;
    return 0;
}

static void rows_release(struct rows *r)
{
    for (int i = 0; i < r->ncols; i++)
        free(r->names[i]);
    for (size_t j = 0; j < r->n; j++)
        for (int i = 0; i < r->ncols; i++)
            free(r->cell[j][i]);
    memset(r, 0, sizeof(*r));
}

/* Cell COL of row ROW; fails when the column does not exist. */
static const char *cell(const struct rows *r, size_t row, const char *col)
{
    assert_true(row < r->n);
    for (int i = 0; i < r->ncols; i++)
        if (!strcmp(r->names[i], col))
            return r->cell[row][i];
    fail_msg("no column '%s'", col);
    return NULL;
}

/* The row whose URL column COL ends in BASE PATH, or -1. */
static long row_of(const struct rows *r, const char *col, const char *path)
{
    char u[256];

    snprintf(u, sizeof(u), "%s%s", BASE, path);
    for (size_t j = 0; j < r->n; j++)
        if (!strcmp(cell(r, j, col), u))
            return (long)j;
    return -1;
}

static void assert_header(const struct rows *r, const char *const *want, int n)
{
    assert_true(r->header_seen);
    assert_int_equal(r->ncols, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(r->names[i], want[i]);
}

/* ---- the FTS5 expression ---- */

struct expr_case {
    const char *query, *want;   /* want NULL: SEARCH_EQUERY */
};

static void test_fts_query(void **state)
{
    static const struct expr_case cases[] = {
        {"flywheel", "\"flywheel\""},
        {"  network   effects ", "\"network\" AND \"effects\""},
        {"\"feedback loop\" moat", "\"feedback loop\" AND \"moat\""},
        {"flyw*", "\"flyw\"*"},
        {"flyw**", "\"flyw\"*"},
        {"\"feedback lo\"*", "\"feedback lo\"*"},
        {"\"unclosed phrase", "\"unclosed phrase\""},
        {"a\"b c\"", "\"a\" AND \"b c\""},
        {"x OR y", "\"x\" AND \"OR\" AND \"y\""},
        {"NEAR(a b)", "\"NEAR(a\" AND \"b)\""},
        {"title:flywheel", "\"title:flywheel\""},
        {"-moat ^first +x", "\"-moat\" AND \"^first\" AND \"+x\""},
        {"café", "\"café\""},
        {"flywheel - moat", "\"flywheel\" AND \"moat\""},
        {"", NULL},
        {"   ", NULL},
        {"*", NULL},
        {"\"\"", NULL},
        {"- & ( ) : ^", NULL},
        {"\xe2\x80\x94 \xe2\x80\x9c\xe2\x80\x9d", NULL},  /* an em dash, curly quotes */
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = NULL;
        int rc = search_fts_query(cases[i].query, &got);
        if (!cases[i].want) {
            if (rc != SEARCH_EQUERY)
                fail_msg("'%s': got '%s', want SEARCH_EQUERY", cases[i].query, got);
            assert_null(got);
            continue;
        }
        if (rc != STORE_OK || !got || strcmp(got, cases[i].want))
            fail_msg("'%s': got %d '%s', want '%s'", cases[i].query, rc, got ? got : "(null)",
                     cases[i].want);
        free(got);
    }
}

/* ---- search ---- */

static const char *const search_cols[] = {"url", "title", "topic", "score", "snippet"};

static void search_ok(struct fx *f, const char *q, size_t limit, struct rows *r)
{
    int rc = search_posts(f->s, q, limit, collect, r);
    if (rc != STORE_OK)
        fail_msg("search '%s': %d %s", q, rc, store_errmsg(f->s));
    assert_header(r, search_cols, 5);
}

/* A title match ranks above body matches; the 404 post, the redirected page
 * and the page that is no post are never shown; the snippets mark the word. */
static void test_search_ranks(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    crawl(f, blog, N_BLOG);
    search_ok(f, "flywheel", 0, &r);
    assert_int_equal(r.n, 3);
    assert_int_equal(row_of(&r, "url", "fly1"), 0);
    assert_true(row_of(&r, "url", "fly2") > 0);
    assert_true(row_of(&r, "url", "fly3") > 0);
    assert_int_equal(row_of(&r, "url", "gone"), -1);
    assert_int_equal(row_of(&r, "url", "old-fly1"), -1);
    assert_string_equal(cell(&r, 0, "title"), "The Amazon flywheel");
    assert_string_equal(cell(&r, 0, "topic"), "fly");
    assert_true(strtod(cell(&r, 0, "score"), NULL) > strtod(cell(&r, 1, "score"), NULL));
    assert_true(strtod(cell(&r, 2, "score"), NULL) > 0);
    for (size_t i = 0; i < r.n; i++)
        if (!strstr(cell(&r, i, "snippet"), "[flywheel]"))
            fail_msg("snippet '%s' has no [flywheel]", cell(&r, i, "snippet"));
    rows_release(&r);
}

/* Words are ANDed, "phrases" keep their order, stems match, * is a prefix. */
static void test_search_syntax(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    crawl(f, blog, N_BLOG);
    search_ok(f, "feedback loop", 0, &r);       /* both words, anywhere */
    assert_int_equal(r.n, 5);
    assert_true(row_of(&r, "url", "loop") >= 0);
    rows_release(&r);

    search_ok(f, "\"feedback loop\"", 0, &r);   /* the phrase: not 'loop' */
    assert_int_equal(r.n, 4);
    assert_int_equal(row_of(&r, "url", "loop"), -1);
    assert_non_null(strstr(cell(&r, 0, "snippet"), "[feedback loop"));
    rows_release(&r);

    search_ok(f, "loops", 0, &r);               /* porter: loops = loop */
    assert_int_equal(r.n, 5);
    rows_release(&r);

    search_ok(f, "hyperscal*", 0, &r);
    assert_int_equal(r.n, 3);                   /* tech1, tech2, oil2 */
    assert_true(row_of(&r, "url", "tech1") >= 0 && row_of(&r, "url", "oil2") >= 0);
    rows_release(&r);

    search_ok(f, "flywheel inequality", 0, &r);  /* AND: no post has both */
    assert_int_equal(r.n, 0);
    rows_release(&r);
}

/* Only the title matches: its highlighted title stands in for the snippet. */
static void test_search_snippet_title(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    crawl(f, blog, N_BLOG);
    search_ok(f, "tankers", 0, &r);
    assert_int_equal(r.n, 1);
    assert_string_equal(cell(&r, 0, "snippet"), "[Tankers] and freight");
    rows_release(&r);
}

static void test_search_limit(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    crawl(f, blog, N_BLOG);
    search_ok(f, "the", 2, &r);
    assert_int_equal(r.n, 2);
    rows_release(&r);
    search_ok(f, "the", 0, &r);
    assert_true(r.n > 2 && r.n <= 20);
    rows_release(&r);
}

/* Hostile queries are words, never syntax: no SQL or FTS5 error. */
static void test_search_hostile(void **state)
{
    static const char *const queries[] = {
        "NEAR(flywheel moat)", "flywheel OR moat", "title : flywheel", "{title body}: x",
        "\"", "\"\"\"", "flywheel\"", "'; DROP TABLE pages; --", "a*b*c", "^flywheel",
        "flywheel AND", "NOT flywheel", "(flywheel", "\\x00", "*flywheel",
    };
    struct fx *f = *state;

    crawl(f, blog, N_BLOG);
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        struct rows r = {0};
        int rc = search_posts(f->s, queries[i], 0, collect, &r);
        if (rc != STORE_OK && rc != SEARCH_EQUERY)
            fail_msg("'%s': %d %s", queries[i], rc, store_errmsg(f->s));
        rows_release(&r);
    }
    assert_int_equal(count_of(f, "SELECT count(*) FROM pages"), (long)N_BLOG);
    {
        struct rows r = {0};
        search_ok(f, "title : flywheel", 0, &r);   /* the words, ANDed */
        assert_int_equal(r.n, 0);
        rows_release(&r);
        search_ok(f, "flywheel\"", 0, &r);
        assert_int_equal(r.n, 3);
        rows_release(&r);
    }
    assert_int_equal(search_posts(f->s, "&&", 0, collect, &(struct rows){0}), SEARCH_EQUERY);
}

/* ---- search_post_id ---- */

static void test_post_id(void **state)
{
    struct fx *f = *state;
    long id = -1;

    crawl(f, blog, N_BLOG);
    assert_int_equal(search_post_id(f->s, BASE "fly3", &id), STORE_OK);
    assert_int_equal(id, id_of(f, "fly3"));
    id = -1;
    assert_int_equal(search_post_id(f->s, BASE "old-fly1", &id), STORE_OK);
    assert_int_equal(id, id_of(f, "fly1"));
    id = -1;
    assert_int_equal(search_post_id(f->s, BASE "gone", &id), SEARCH_ENOTFOUND);
    assert_int_equal(search_post_id(f->s, BASE "about", &id), SEARCH_ENOTFOUND);
    assert_int_equal(search_post_id(f->s, BASE "nowhere", &id), SEARCH_ENOTFOUND);
    assert_int_equal(id, -1);
    assert_non_null(strstr(store_errmsg(f->s), "nowhere"));
}

/* ---- suggest ---- */

static const char *const suggest_cols[] = {"url", "title", "topic", "score", "why"};

static void suggest_ok(struct fx *f, const struct search_draft *d,
                       const struct search_suggest_opts *o, struct rows *r)
{
    int rc = search_suggest_with(f->s, f->t, d, o, collect, r);
    if (rc != STORE_OK)
        fail_msg("suggest: %d %s", rc, store_errmsg(f->s));
    assert_header(r, suggest_cols, 5);
}

/* For fly1, which links to fly2: never itself nor fly2, the posts sharing
 * most of its words first, with why; with keep_linked fly2 comes back,
 * first. */
static void test_suggest_post(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};
    struct search_draft d = {0};
    struct search_suggest_opts o = {0};

    crawl(f, blog, N_BLOG);
    d.post_id = id_of(f, "fly1");
    suggest_ok(f, &d, NULL, &r);
    if (getenv("DUMP_ROWS"))
        for (size_t i = 0; i < r.n; i++)
            print_message("%s %s %s\n", cell(&r, i, "url"), cell(&r, i, "score"),
                          cell(&r, i, "why"));
    assert_true(r.n >= 1);
    assert_int_equal(row_of(&r, "url", "fly1"), -1);
    assert_int_equal(row_of(&r, "url", "fly2"), -1);
    assert_int_equal(row_of(&r, "url", "gone"), -1);
    /* oil1 names network effects, feedback loops and compounding */
    assert_int_equal(row_of(&r, "url", "oil1"), 0);
    /* fly3 next or one after: on a 16-post corpus the idf of "strategy" and
     * "years" (moat) against "flywheel" shifts with any page's text (the 404
     * post's text no longer counts since pages that stop answering lose it) */
    int fly3 = (int)row_of(&r, "url", "fly3");
    assert_true(fly3 == 1 || fly3 == 2);
    assert_true(fly3 < (int)row_of(&r, "url", "loop"));
    assert_string_equal(cell(&r, (size_t)fly3, "topic"), "fly");
    assert_string_equal(cell(&r, (size_t)fly3, "why"),
                        "shared: flywheel, feedback, loop; same theme: fly");
    assert_int_equal(strncmp(cell(&r, 0, "why"), "shared: ", 8), 0);
    assert_non_null(strstr(cell(&r, 0, "why"), "network"));
    for (size_t i = 1; i < r.n; i++)
        assert_true(strtod(cell(&r, i - 1, "score"), NULL) >= strtod(cell(&r, i, "score"), NULL));
    rows_release(&r);

    o.keep_linked = 1;
    suggest_ok(f, &d, &o, &r);
    assert_int_equal(row_of(&r, "url", "fly2"), 0);
    assert_int_equal(row_of(&r, "url", "fly1"), -1);
    rows_release(&r);

    o.top = 1;
    suggest_ok(f, &d, &o, &r);
    assert_int_equal(r.n, 1);
    rows_release(&r);
}

/* A draft about flywheels: the flywheel posts first, with the theme; a
 * post the draft links to is left out. */
static void test_suggest_draft(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};
    struct search_draft d = {.title = "Why flywheels win",
                             .body = "A flywheel is a feedback loop. Network effects turn the"
                                     " flywheel faster with every user."};
    long linked;
    struct search_suggest_opts o = {.linked = &linked, .n_linked = 1};

    crawl(f, blog, N_BLOG);
    suggest_ok(f, &d, NULL, &r);
    assert_true(r.n >= 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(cell(&r, i, "topic"), "fly");
        assert_non_null(strstr(cell(&r, i, "why"), "same theme: fly"));
    }
    assert_true(row_of(&r, "url", "fly2") >= 0);
    rows_release(&r);

    linked = id_of(f, "fly2");
    suggest_ok(f, &d, &o, &r);
    assert_int_equal(row_of(&r, "url", "fly2"), -1);
    assert_true(row_of(&r, "url", "fly1") >= 0);
    rows_release(&r);
}

/* "hyperscalers" stems to "hyperscal", which porter stems again to
 * "hypersc": the query must use the word, or tech1 and tech2 are missed. */
static void test_suggest_word_not_stem(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};
    struct search_draft d = {.title = "Capital spending",
                             .body = "Hyperscalers, hyperscalers, hyperscalers."};

    crawl(f, blog, N_BLOG);
    suggest_ok(f, &d, NULL, &r);
    assert_true(r.n >= 2);
    assert_true(row_of(&r, "url", "tech1") >= 0 && row_of(&r, "url", "tech1") < 3);
    assert_true(row_of(&r, "url", "tech2") >= 0 && row_of(&r, "url", "tech2") < 3);
    assert_non_null(strstr(cell(&r, 0, "why"), "hyperscalers"));
    rows_release(&r);
}

/* Twins with the same text: the one no post links to wins the tie. */
static void test_suggest_orphan_first(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};
    struct search_draft d = {.title = "Tariffs", .body = "Pipeline tariffs and capacity."};

    crawl(f, blog, N_BLOG);
    assert_int_equal(count_of(f, "SELECT count(*) FROM edge WHERE dst = (SELECT id FROM pages"
                                 " WHERE url = '" BASE "twin-b')"), 1);
    suggest_ok(f, &d, NULL, &r);
    assert_int_equal(row_of(&r, "url", "twin-a"), 0);
    assert_int_equal(row_of(&r, "url", "twin-b"), 1);
    assert_true(strtod(cell(&r, 0, "score"), NULL) > strtod(cell(&r, 1, "score"), NULL));
    rows_release(&r);
}

/* A post's words that no other post has are no terms: twenty-five of them
 * must not crowd out the one word it shares (the post counts itself in the
 * document frequencies). */
static void test_suggest_own_words(void **state)
{
    struct fx *f = *state;
    struct page_spec v[N_BLOG + 1];
    struct rows r = {0};
    struct search_draft d = {0};

    memcpy(v, blog, sizeof(blog));
    v[N_BLOG] = (struct page_spec){"odd", "Zqa zqb zqc zqd zqe", "zqf",
                                   "Zqg zqh zqi zqj zqk zql zqm zqn zqo zqp zqq zqr zqs zqt zqu"
                                   " zqv zqw zqx zqy. Semiconductor.", NULL, 200, NULL, 1};
    crawl(f, v, N_BLOG + 1);
    d.post_id = id_of(f, "odd");
    suggest_ok(f, &d, NULL, &r);
    assert_int_equal(r.n, 2);
    assert_true(row_of(&r, "url", "tech1") >= 0 && row_of(&r, "url", "tech2") >= 0);
    assert_string_equal(cell(&r, 0, "why"), "shared: semiconductor; same theme: tech");
    rows_release(&r);
}

static void test_suggest_errors(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};
    struct search_draft d = {0};

    crawl(f, blog, N_BLOG);
    d.post_id = id_of(f, "about");
    assert_int_equal(search_suggest(f->s, f->t, &d, 0, collect, &r), SEARCH_ENOTFOUND);
    d.post_id = id_of(f, "gone");
    assert_int_equal(search_suggest(f->s, f->t, &d, 0, collect, &r), SEARCH_ENOTFOUND);
    d.post_id = 99999;
    assert_int_equal(search_suggest(f->s, f->t, &d, 0, collect, &r), SEARCH_ENOTFOUND);
    assert_false(r.header_seen);
    d = (struct search_draft){.title = "", .body = " ... !!! "};
    assert_int_equal(search_suggest(f->s, f->t, &d, 0, collect, &r), SEARCH_EQUERY);
    /* words only the draft has: no suggestion, no error */
    d = (struct search_draft){.title = "Zzyzx", .body = "Quux zzyzx frobnicate."};
    assert_int_equal(search_suggest(f->s, NULL, &d, 0, collect, &r), STORE_OK);
    assert_true(r.header_seen);
    assert_int_equal(r.n, 0);
    rows_release(&r);
}

/* Suggesting for a draft leaves the database as it was. */
static void test_suggest_leaves_db(void **state)
{
    static const char fingerprint[] =
        "SELECT (SELECT count(*) FROM post_text) * 1000000 + (SELECT max(rowid) FROM post_text)"
        " * 1000 + (SELECT count(*) FROM edge) + (SELECT count(*) FROM post_topics) * 7";
    struct fx *f = *state;
    struct rows r = {0};
    struct search_draft d = {.title = "Flywheel", .body = "A flywheel and a moat."};

    crawl(f, blog, N_BLOG);
    long before = count_of(f, fingerprint);
    suggest_ok(f, &d, NULL, &r);
    rows_release(&r);
    d = (struct search_draft){.post_id = id_of(f, "tech1")};
    suggest_ok(f, &d, NULL, &r);
    rows_release(&r);
    assert_int_equal(count_of(f, fingerprint), before);
}

/* On a database opened read-only everything still works (temporary
 * tables only), but a draft gets no theme: classify_text must write. */
static void test_read_only(void **state)
{
    struct fx *f = *state;
    struct store *ro = NULL;
    struct rows r = {0};
    struct search_draft d = {.title = "Flywheels", .body = "A flywheel and a feedback loop."};
    char *err = NULL;

    crawl(f, blog, N_BLOG);
    if (store_open(f->path, STORE_READ, &ro, &err) != STORE_OK)
        fail_msg("store_open read-only: %s", err ? err : "(null)");
    assert_int_equal(search_suggest(ro, f->t, &d, 0, collect, &r), STORE_OK);
    assert_true(r.n >= 3);
    for (size_t i = 0; i < r.n; i++)
        assert_null(strstr(cell(&r, i, "why"), "same theme"));
    rows_release(&r);
    d = (struct search_draft){.post_id = id_of(f, "fly1")};
    assert_int_equal(search_suggest(ro, f->t, &d, 0, collect, &r), STORE_OK);
    assert_non_null(strstr(cell(&r, 0, "why"), "same theme: fly"));
    rows_release(&r);
    assert_int_equal(search_mentions(ro, collect, &r), STORE_OK);
    assert_int_equal(r.n, 2);
    rows_release(&r);
    assert_int_equal(search_posts(ro, "flywheel", 0, collect, &r), STORE_OK);
    assert_int_equal(r.n, 3);
    rows_release(&r);
    store_close(ro);
}

/* ---- mentions ---- */

static const char *const mention_cols[] = {"source", "target", "target_title", "phrase",
                                           "sentence"};

/* oil1 names fly2's title without a link: reported with its sentence. oil2
 * names tech1's title but links to it; fly2 names itself: not reported.
 * oil3 names a title with double quotes in it. */
static void test_mentions(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    crawl(f, blog, N_BLOG);
    assert_int_equal(search_mentions(f->s, collect, &r), STORE_OK);
    assert_header(&r, mention_cols, 5);
    assert_int_equal(r.n, 2);
    assert_string_equal(cell(&r, 0, "source"), BASE "oil1");
    assert_string_equal(cell(&r, 0, "target"), BASE "fly2");
    assert_string_equal(cell(&r, 0, "target_title"), "Network effects and feedback loops");
    assert_string_equal(cell(&r, 0, "phrase"), "Network effects and feedback loops");
    assert_string_equal(cell(&r, 0, "sentence"), "As I wrote in [Network effects and feedback"
                                                 " loops], refiners have their own"
                                                 " compounding too.");
    assert_string_equal(cell(&r, 1, "source"), BASE "oil3");
    assert_string_equal(cell(&r, 1, "target"), BASE "moat");
    assert_string_equal(cell(&r, 1, "phrase"), "The \"moat\" that keeps widening");
    assert_non_null(strstr(cell(&r, 1, "sentence"), "[the \"moat\" that keeps widening]"));
    rows_release(&r);
}

/* A title clause that many posts use is a common expression, no mention;
 * a clause of fewer than three words is never looked for. */
static void test_mentions_common_phrase(void **state)
{
    struct fx *f = *state;
    struct page_spec v[16];
    char paths[16][16];
    struct rows r = {0};

    for (size_t i = 0; i < 13; i++) {
        snprintf(paths[i], sizeof(paths[i]), "p%zu", i);
        v[i] = (struct page_spec){paths[i], "Weekly notes", "misc",
                                  "Here is the year in review, as every week.", NULL, 200,
                                  NULL, 1};
    }
    v[13] = (struct page_spec){"review", "The year in review: refiners", "energy",
                               "Refiners had a good year.", NULL, 200, NULL, 1};
    v[14] = (struct page_spec){"short", "Refiners", "energy", "Short title.", NULL, 200, NULL, 1};
    v[15] = (struct page_spec){"cite", "Citing", "energy",
                               "Refiners, in short. The year in review: refiners, again.",
                               NULL, 200, NULL, 1};
    crawl(f, v, 16);
    assert_int_equal(search_mentions(f->s, collect, &r), STORE_OK);
    assert_int_equal(r.n, 1);       /* the whole title, named once */
    assert_string_equal(cell(&r, 0, "source"), BASE "cite");
    assert_string_equal(cell(&r, 0, "target"), BASE "review");
    assert_string_equal(cell(&r, 0, "phrase"), "The year in review: refiners");
    rows_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fts_query),
        cmocka_unit_test_setup_teardown(test_search_ranks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_snippet_title, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest_post, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest_draft, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest_word_not_stem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest_orphan_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest_own_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest_leaves_db, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mentions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mentions_common_phrase, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
