/* Unit tests for graph/classify.c against a real SQLite file in a temporary
 * directory. Each test builds its crawl through the store's own API, as the
 * crawler does: URLs are queued with store_frontier_add and taken with
 * store_frontier_take, each page gets its post facts and full-text row with
 * store_page_set_post and its outcome with store_page_finish inside one
 * transaction, then store_resolve. The posts are about flywheels,
 * inequality, big tech and oil markets; the themes come from an INI text
 * (fly, ineq, tech). Results are read back through query_run(QUERY_POSTS)
 * and a second, read-only sqlite3 connection on the same file: each post's
 * theme, the scores in post_topics, title against body, anchors that must
 * not count, classify_ensure's staleness check and classify_text's promise
 * to leave the database as it was. DUMP_SCORES=1 prints the fixture's scores. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blogmap/classify.h"
#include "blogmap/query.h"
#include "blogmap/store.h"
#include "blogmap/topics.h"

#define BASE "http://b.test/"
#define MAX_PAGES 32

static const char topics_ini[] =
    "# themes for the classify tests\n"
    "[settings]\n"
    "threshold = 1.0\n"
    "title_weight = 4\n"
    "labels_weight = 3\n"
    "body_weight = 1\n"
    "\n"
    "[fly]\n"
    "label = Flywheel\n"
    "color = #1f77b4\n"
    "terms = flywheel^2, feedback loop, network effect*\n"
    "\n"
    "[ineq]\n"
    "label = Inequality\n"
    "terms = inequality^2, wealth gap, middle class,\n"
    "        redistribution\n"
    "\n"
    "[tech]\n"
    "label = Big tech\n"
    "color = #2ca02c\n"
    "terms = big tech^2, hyperscaler*, semiconductor, antitrust\n";

enum { FLY, INEQ, TECH };

/* One page of the fixture crawl. */
struct page_spec {
    const char *path;
    const char *title, *labels, *body, *anchors;
    int is_post;
    const char *state;          /* "done", "failed", or NULL: left inflight */
    long status;
    const char *redirect_to;    /* a path under BASE, or NULL */
    const char *want;           /* expected pages.topic, NULL for none */
    int in_view;                /* listed by the posts view */
};

static const struct page_spec blog[] = {
    {"fly1", "The Amazon flywheel", "strategy",
     "A flywheel turns slowly at first. Each feedback loop adds momentum and network"
     " effects compound over the years.", NULL, 1, "done", 200, NULL, "fly", 1},
    {"fly2", "Network effects and feedback loops", "strategy, platforms",
     "Every new user makes the network more useful, and the feedback loop spins the"
     " flywheel faster.", NULL, 1, "done", 200, NULL, "fly", 1},
    {"ineq1", "Inequality is rising", "economics",
     "The wealth gap between the top and the middle class widened again while"
     " redistribution stalled.", NULL, 1, "done", 200, NULL, "ineq", 1},
    {"ineq2", "Who gets the gains", "economics, inequality",
     "Inequality of income grows, the middle class shrinks and the wealth gap"
     " widens.", NULL, 1, "done", 200, NULL, "ineq", 1},
    {"tech1", "Big tech and the hyperscalers", "technology",
     "Hyperscalers buy semiconductors by the shipload while antitrust regulators"
     " watch.", NULL, 1, "done", 200, NULL, "tech", 1},
    {"tech2", "Antitrust comes for big tech", "technology, law",
     "The semiconductor supply chain and hyperscaler capital spending dominate big"
     " tech budgets.", NULL, 1, "done", 200, NULL, "tech", 1},
    {"oil1", "Oil markets in 2024", "energy",
     "Crude prices rose as producers cut output and refiners bid for barrels.",
     NULL, 1, "done", 200, NULL, "other", 1},
    {"oil2", "Brent and WTI spreads", "energy, commodities",
     "Tanker rates, refinery margins and crude inventories moved the oil price.",
     NULL, 1, "done", 200, NULL, "other", 1},
    {"oil3", "Shale output", "energy",
     "Shale drillers added rigs as crude prices held above eighty dollars a barrel.",
     "the flywheel of network effects, a feedback loop, flywheel flywheel flywheel",
     1, "done", 200, NULL, "other", 1},
    {"oil4", "Refinery season", "energy",
     "Refiners switch to summer blends and gasoline cracks widen in spring.",
     NULL, 1, "done", 200, NULL, "other", 1},
    {"oil5", "Tankers and freight", "shipping",
     "Freight rates for crude tankers doubled after the canal closed.",
     NULL, 1, "done", 200, NULL, "other", 1},
    {"oil6", "Natural gas storage", "energy",
     "Storage injections ran ahead of the five year average this summer.",
     NULL, 1, "done", 200, NULL, "other", 1},
    /* not posts of the posts view: wrong status, failed, redirected, unfinished */
    {"gone", "Pipeline notes", "energy", "Pipeline tariffs and crude flows.", NULL,
     1, "done", 404, NULL, "other", 0},
    {"failed", "Barrel notes", "energy", "Barrels and crude flows.", NULL,
     1, "failed", 200, NULL, "other", 0},
    {"moved", "Old oil page", "energy", "Old crude notes.", NULL,
     1, "done", 200, "oil1", "other", 0},
    {"pending", "Pending oil", "energy", "Pending crude notes.", NULL,
     1, NULL, 0, NULL, "other", 0},
    /* a page that is no post at all */
    {"about", "About this blog", NULL, NULL, NULL, 0, "done", 200, NULL, NULL, 0},
};
#define N_BLOG (sizeof(blog) / sizeof(blog[0]))

/* Title against body: the same words, the theme's term once, in the title of
 * one and the body of the other. */
static const struct page_spec title_vs_body[] = {
    {"title-fly", "Flywheel notes", "misc",
     "Crude oil barrel prices moved today on refinery news.", NULL,
     1, "done", 200, NULL, NULL, 1},
    {"body-fly", "Crude notes", "misc",
     "Flywheel oil barrel prices moved today on refinery news.", NULL,
     1, "done", 200, NULL, NULL, 1},
};

/* Twins: the same post, once with many links in the body. */
static const struct page_spec twins[] = {
    {"twin-plain", "Notes on flywheels", "misc", "A short note on the flywheel and its pull.",
     NULL, 1, "done", 200, NULL, NULL, 1},
    {"twin-links", "Notes on flywheels", "misc", "A short note on the flywheel and its pull.",
     "crude oil prices, refinery margins, tanker freight, shale output, gas storage,"
     " brent spreads, pipeline tariffs, summer blends, canal closure, eighty dollars,"
     " refiners bid, barrels of crude, drillers add rigs, gasoline cracks widen",
     1, "done", 200, NULL, NULL, 1},
};

struct fx {
    char dir[64];
    char path[128];
    struct store *s;
    struct topics *t;
    sqlite3 *db;                /* a second, read-only connection */
};

/* ---- fixture ---- */

static struct topics *parse_topics(const char *text)
{
    struct topics *t = NULL;
    char *err = NULL;

    if (topics_parse(text, "test.conf", &t, &err) != TOPICS_OK)
        fail_msg("topics: %s", err ? err : "(null)");
    return t;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    char *err = NULL;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_classify.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/blog.db", f->dir);
    if (store_open(f->path, STORE_WRITE, &f->s, &err) != STORE_OK)
        fail_msg("store_open '%s': %s", f->path, err ? err : "(null)");
    assert_int_equal(sqlite3_open_v2(f->path, &f->db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    f->t = parse_topics(topics_ini);
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
    unlink_in(f, ".lock");
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

/* ---- building the crawl through the store API ---- */

static void url_of(char *buf, size_t n, const char *path)
{
    snprintf(buf, n, "%s%s", BASE, path);
}

static const struct page_spec *spec_for(const struct page_spec *v, size_t n, const char *url)
{
    char u[256];

    for (size_t i = 0; i < n; i++) {
        url_of(u, sizeof(u), v[i].path);
        if (!strcmp(u, url))
            return &v[i];
    }
    return NULL;
}

/* Crawl pages V[0..N): queue, take, set post facts and outcome, resolve. */
static void crawl(struct fx *f, const struct page_spec *v, size_t n)
{
    struct store_job jobs[MAX_PAGES];
    int added = 0, taken = 0;
    char u[256], r[256];

    assert_true(n <= MAX_PAGES);
    for (size_t i = 0; i < n; i++) {
        url_of(u, sizeof(u), v[i].path);
        assert_int_equal(store_frontier_add(f->s, u, STORE_PAGE, 1, 0, &added), STORE_OK);
        assert_int_equal(added, 1);
    }
    assert_int_equal(store_frontier_take(f->s, 1e12, MAX_PAGES, jobs, &taken), STORE_OK);
    assert_int_equal(taken, (int)n);
    assert_int_equal(store_begin(f->s), STORE_OK);
    for (int i = 0; i < taken; i++) {
        const struct page_spec *p = spec_for(v, n, jobs[i].url);
        struct store_post post;
        struct store_outcome o;

        assert_non_null(p);
        post = (struct store_post){.title = p->title, .date = "2024-05-01", .labels = p->labels,
                                   .text = p->body, .anchors = p->anchors,
                                   .is_post = p->is_post};
        assert_int_equal(store_page_set_post(f->s, jobs[i].id, &post), STORE_OK);
        if (p->state) {
            if (p->redirect_to)
                url_of(r, sizeof(r), p->redirect_to);
            o = (struct store_outcome){.state = p->state, .status = p->status,
                                       .redirect_to = p->redirect_to ? r : NULL,
                                       .content_type = "text/html", .bytes = 1000};
            assert_int_equal(store_page_finish(f->s, jobs[i].id, &o), STORE_OK);
        }
        store_job_release(&jobs[i]);
    }
    assert_int_equal(store_commit(f->s), STORE_OK);
    assert_int_equal(store_resolve(f->s), STORE_OK);
}

/* ---- reading back ---- */

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

/* A text summary of SQL's rows ("a|b;c|d;"), malloc'd. */
static char *dump_of(struct fx *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);

    assert_non_null(out);
    out[0] = '\0';
    if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(f->db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "|" : "", v ? v : "NULL");
            assert_true(len < cap);
        }
        len += (size_t)snprintf(out + len, cap - len, ";");
        assert_true(len < cap);
    }
    sqlite3_finalize(st);
    return out;
}

/* pages.id of PATH. */
static long id_of(struct fx *f, const char *path)
{
    sqlite3_stmt *st = NULL;
    char u[256];
    long id;

    url_of(u, sizeof(u), path);
    assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT id FROM pages WHERE url = ?1", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, u, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    id = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

/* pages.topic of PATH, malloc'd, or NULL. */
static char *topic_of(struct fx *f, const char *path)
{
    sqlite3_stmt *st = NULL;
    char u[256], *out = NULL;

    url_of(u, sizeof(u), path);
    assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT topic FROM pages WHERE url = ?1", -1,
                                        &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, u, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
        out = strdup((const char *)sqlite3_column_text(st, 0));
        assert_non_null(out);
    }
    sqlite3_finalize(st);
    return out;
}

/* The score of PATH for THEME in post_topics; *FOUND says if there is a row. */
static double score_of(struct fx *f, const char *path, const char *theme, int *found)
{
    sqlite3_stmt *st = NULL;
    char u[256];
    double v = 0;

    url_of(u, sizeof(u), path);
    assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT score FROM post_topics JOIN pages"
                                        " ON pages.id = post_topics.post_id"
                                        " WHERE pages.url = ?1 AND post_topics.topic = ?2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, u, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, theme, -1, SQLITE_TRANSIENT);
    *found = sqlite3_step(st) == SQLITE_ROW;
    if (*found)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static double score(struct fx *f, const char *path, const char *theme)
{
    int found;

    return score_of(f, path, theme, &found);
}

static void dump_scores(struct fx *f)
{
    char *d = dump_of(f, "SELECT url, topic, (SELECT group_concat(t.topic || '=' ||"
                         " round(t.score, 3), ' ') FROM post_topics t WHERE t.post_id = id)"
                         " FROM pages ORDER BY id");

    for (char *p = d; *p; p++)
        if (*p == ';')
            *p = '\n';
    print_message("%s", d);
    free(d);
}

/* QUERY_POSTS rows gathered as "url=topic;" */
struct rows {
    char buf[4096];
    size_t len;
    int header_seen, n;
};

static int collect(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct rows *r = ctx;

    if (!values) {
        assert_int_equal(ncols, 7);     /* ..., inbound, outbound, fetched */
        assert_string_equal(names[0], "url");
        assert_string_equal(names[3], "topic");
        r->header_seen = 1;
        return 0;
    }
    r->n++;
    r->len += (size_t)snprintf(r->buf + r->len, sizeof(r->buf) - r->len, "%s=%s;",
                               values[0] + strlen(BASE), values[3] ? values[3] : "NULL");
    assert_true(r->len < sizeof(r->buf));
    return 0;
}

/* QUERY_TOPICS rows gathered as "topic=posts;" */
static int collect_topics(void *ctx, int ncols, const char *const *names,
                          const char *const *values)
{
    struct rows *r = ctx;

    if (!values) {
        assert_true(ncols >= 4);
        assert_string_equal(names[0], "topic");
        assert_string_equal(names[3], "posts");
        r->header_seen = 1;
        return 0;
    }
    r->n++;
    r->len += (size_t)snprintf(r->buf + r->len, sizeof(r->buf) - r->len, "%s=%s;",
                               values[0], values[3]);
    assert_true(r->len < sizeof(r->buf));
    return 0;
}

/* ---- tests ---- */

/* The posts view lists only pages that are posts, done, 200 and their own
 * final page; pages.topic follows the best theme for every post. */
static void test_classify_blog(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    crawl(f, blog, N_BLOG);
    assert_int_equal(count_of(f, "SELECT count(*) FROM pages"), (long)N_BLOG);
    /* Every post page has its text but the inflight one (never finished) and
     * the 404 (a page that answers without content loses its text). */
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_text"), (long)N_BLOG - 2);
    assert_int_equal(count_of(f, "SELECT count(*) FROM posts"), 12);
    assert_int_equal(count_of(f, "SELECT count(*) FROM pages WHERE topic IS NOT NULL"), 0);
    /* the redirected page resolves to its target; the unfinished one to nothing */
    assert_int_equal(count_of(f, "SELECT final_id FROM pages WHERE url = '" BASE "moved'"),
                     count_of(f, "SELECT id FROM pages WHERE url = '" BASE "oil1'"));
    assert_int_equal(count_of(f, "SELECT count(*) FROM pages WHERE url = '" BASE "pending'"
                                 " AND final_id IS NULL AND state = 'inflight'"), 1);

    assert_int_equal(classify_posts(f->s, f->t), STORE_OK);
    if (getenv("DUMP_SCORES"))
        dump_scores(f);

    /* every page's theme */
    for (size_t i = 0; i < N_BLOG; i++) {
        char *got = topic_of(f, blog[i].path);

        if (!blog[i].want ? got != NULL : !got || strcmp(got, blog[i].want))
            fail_msg("page '%s': topic '%s', want '%s'", blog[i].path, got ? got : "NULL",
                     blog[i].want ? blog[i].want : "NULL");
        free(got);
    }

    /* the posts view, through query_run, in URL order */
    assert_int_equal(query_run(f->s, QUERY_POSTS, collect, &r), STORE_OK);
    assert_true(r.header_seen);
    assert_int_equal(r.n, 12);
    assert_string_equal(r.buf, "fly1=fly;fly2=fly;ineq1=ineq;ineq2=ineq;oil1=other;oil2=other;"
                               "oil3=other;oil4=other;oil5=other;oil6=other;tech1=tech;"
                               "tech2=tech;");
}

/* post_topics holds a positive score for each theme a post mentions and
 * none for themes it never mentions; the winner's score passes the threshold. */
static void test_scores(void **state)
{
    struct fx *f = *state;
    int found;

    crawl(f, blog, N_BLOG);
    assert_int_equal(classify_posts(f->s, f->t), STORE_OK);
    assert_true(count_of(f, "SELECT count(*) FROM post_topics") > 0);
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_topics WHERE topic NOT IN"
                                 " ('fly', 'ineq', 'tech')"), 0);
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_topics WHERE post_id NOT IN"
                                 " (SELECT rowid FROM post_text)"), 0);

    assert_true(score(f, "fly1", "fly") >= f->t->threshold);
    assert_true(score(f, "fly1", "fly") > score(f, "fly1", "ineq"));
    assert_true(score(f, "fly2", "fly") >= f->t->threshold);
    assert_true(score(f, "ineq1", "ineq") >= f->t->threshold);
    assert_true(score(f, "ineq2", "ineq") >= f->t->threshold);
    assert_true(score(f, "tech1", "tech") >= f->t->threshold);
    assert_true(score(f, "tech2", "tech") >= f->t->threshold);
    score_of(f, "fly1", "tech", &found);
    assert_false(found);
    score_of(f, "tech1", "ineq", &found);
    assert_false(found);

    /* oil posts: no theme term, no positive score */
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_topics pt JOIN pages p"
                                 " ON p.id = pt.post_id WHERE p.url LIKE '%/oil%'"
                                 " AND pt.score > 1e-9"), 0);

    /* the scores are replaced, not added to, by a second run */
    {
        double before = score(f, "fly1", "fly");
        long rows = count_of(f, "SELECT count(*) FROM post_topics");

        assert_int_equal(classify_posts(f->s, f->t), STORE_OK);
        assert_true(fabs(score(f, "fly1", "fly") - before) < 1e-9);
        assert_int_equal(count_of(f, "SELECT count(*) FROM post_topics"), rows);
    }
}

/* A theme's term in the title counts more than in the body (title_weight 4
 * against body_weight 1), and the same when the weights are equal. */
static void test_title_weight(void **state)
{
    struct fx *f = *state;
    struct topics *even;
    double in_title, in_body;

    crawl(f, blog, N_BLOG);
    crawl(f, title_vs_body, 2);
    assert_int_equal(classify_posts(f->s, f->t), STORE_OK);
    in_title = score(f, "title-fly", "fly");
    in_body = score(f, "body-fly", "fly");
    assert_true(in_body > 0);
    if (!(in_title > in_body * 1.5))
        fail_msg("title match %g should count well above body match %g", in_title, in_body);

    even = parse_topics("[settings]\ntitle_weight = 1\nlabels_weight = 1\nbody_weight = 1\n"
                        "[fly]\nterms = flywheel^2, feedback loop, network effect*\n");
    assert_int_equal(classify_posts(f->s, even), STORE_OK);
    in_title = score(f, "title-fly", "fly");
    in_body = score(f, "body-fly", "fly");
    assert_true(in_body > 0);
    if (fabs(in_title - in_body) > 1e-9)
        fail_msg("with equal weights: title %g, body %g", in_title, in_body);
    topics_free(even);
}

/* Anchor text names other posts: a post whose links mention a theme's terms
 * but whose own text is about oil stays "other" with no positive score. */
static void test_anchors_ignored(void **state)
{
    struct fx *f = *state;
    char *got;
    int found;
    double s;

    crawl(f, blog, N_BLOG);
    /* The anchor text is stored (for search), apart from the post's own words. */
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_anchors WHERE post_anchors MATCH"
                                 " 'flywheel'"), 1);
    assert_int_equal(classify_posts(f->s, f->t), STORE_OK);
    got = topic_of(f, "oil3");
    assert_string_equal(got, "other");
    free(got);
    s = score_of(f, "oil3", "fly", &found);
    if (found && s > 1e-9)
        fail_msg("oil3 scores %g for fly through its anchors", s);
}

/* Anchors weigh 0: the same post with and without many links scores the
 * same (bm25's length normalisation must not count the anchors). */
static void test_anchors_do_not_change_scores(void **state)
{
    struct fx *f = *state;
    double plain, links;

    crawl(f, blog, N_BLOG);
    crawl(f, twins, 2);
    assert_int_equal(classify_posts(f->s, f->t), STORE_OK);
    plain = score(f, "twin-plain", "fly");
    links = score(f, "twin-links", "fly");
    assert_true(plain > 0);
    if (fabs(plain - links) > 1e-6 * plain)
        fail_msg("same text, fly score %g without links but %g with them", plain, links);
}

/* classify_ensure runs once, then only when the topics or posts change. */
static void test_ensure(void **state)
{
    struct fx *f = *state;
    struct topics *other_text;
    int done = -1;
    char *fp = NULL, *got;
    static const struct page_spec more[] = {
        {"ineq3", "Redistribution now", "economics", "The middle class and the wealth gap.",
         NULL, 1, "done", 200, NULL, "ineq", 1},
    };

    crawl(f, blog, N_BLOG);
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 1);
    assert_int_equal(store_meta_get(f->s, "classify_fingerprint", &fp), STORE_OK);
    assert_non_null(fp);
    assert_non_null(strstr(fp, f->t->fingerprint));
    free(fp);
    got = topic_of(f, "fly1");
    assert_string_equal(got, "fly");
    free(got);
    /* temp.themes holds the themes and "other", in order */
    {
        struct rows r = {0};

        assert_int_equal(query_run(f->s, QUERY_TOPICS, collect_topics, &r), STORE_OK);
        assert_string_equal(r.buf, "fly=2;ineq=2;tech=2;other=6;");
    }

    done = -1;
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 0);
    assert_int_equal(classify_ensure(f->s, f->t, NULL), STORE_OK);

    /* other topics text: a higher threshold turns everything "other" */
    other_text = parse_topics("[settings]\nthreshold = 1000\n"
                              "[fly]\nterms = flywheel^2, feedback loop, network effect*\n");
    done = -1;
    assert_int_equal(classify_ensure(f->s, other_text, &done), STORE_OK);
    assert_int_equal(done, 1);
    got = topic_of(f, "fly1");
    assert_string_equal(got, "other");
    free(got);
    done = -1;
    assert_int_equal(classify_ensure(f->s, other_text, &done), STORE_OK);
    assert_int_equal(done, 0);

    /* back to the first topics */
    done = -1;
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 1);
    got = topic_of(f, "fly1");
    assert_string_equal(got, "fly");
    free(got);

    /* a new post */
    crawl(f, more, 1);
    done = -1;
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 1);
    got = topic_of(f, "ineq3");
    assert_string_equal(got, "ineq");
    free(got);
    done = -1;
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 0);
    topics_free(other_text);
}

/* Crawl PATH again with new text, as a resumed crawl does: back in the
 * queue, taken, new post facts, finished. */
static void recrawl(struct fx *f, const char *path, const char *title, const char *body)
{
    struct store_job job;
    struct store_post post = {.title = title, .date = "2024-06-01", .labels = "misc",
                              .text = body, .is_post = 1};
    struct store_outcome o = {.state = "done", .status = 200, .content_type = "text/html",
                              .bytes = 1000};
    int taken = 0;
    long id = id_of(f, path);

    assert_int_equal(store_frontier_retry(f->s, id, 0, 0, NULL), STORE_OK);
    assert_int_equal(store_frontier_take(f->s, 1e12, 1, &job, &taken), STORE_OK);
    assert_int_equal(taken, 1);
    assert_int_equal(job.id, id);
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(store_page_set_post(f->s, id, &post), STORE_OK);
    assert_int_equal(store_page_finish(f->s, id, &o), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);
    store_job_release(&job);
    assert_int_equal(store_resolve(f->s), STORE_OK);
}

/* A post crawled again with other text is classified again. */
static void test_ensure_recrawl(void **state)
{
    struct fx *f = *state;
    int done = -1;
    char *got;

    crawl(f, blog, N_BLOG);
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 1);
    got = topic_of(f, "oil1");
    assert_string_equal(got, "other");
    free(got);

    usleep(5000);           /* fetched_at is julianday('now'), in milliseconds */
    recrawl(f, "oil1", "The flywheel of oil", "A flywheel and a feedback loop.");
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_text"), (long)N_BLOG - 2);
    done = -1;
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 1);
    got = topic_of(f, "oil1");
    assert_string_equal(got, "fly");
    free(got);
}

/* The state classify_text must not touch. */
static char *snapshot(struct fx *f)
{
    char *a = dump_of(f, "SELECT count(*), coalesce(max(rowid), 0) FROM post_text");
    char *b = dump_of(f, "SELECT post_id, topic, score FROM post_topics ORDER BY 1, 2");
    char *c = dump_of(f, "SELECT id, topic FROM pages ORDER BY id");
    char *d = dump_of(f, "SELECT key, value FROM meta ORDER BY key");
    size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 8;
    char *out = malloc(n);

    assert_non_null(out);
    snprintf(out, n, "%s\n%s\n%s\n%s", a, b, c, d);
    free(a);
    free(b);
    free(c);
    free(d);
    return out;
}

/* A draft is scored against the crawl and leaves the database unchanged. */
static void test_classify_text(void **state)
{
    struct fx *f = *state;
    double scores[3];
    int best = -2, done = -1;
    char *before, *after;
    long count, maxid;

    crawl(f, blog, N_BLOG);
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 1);
    count = count_of(f, "SELECT count(*) FROM post_text");
    maxid = count_of(f, "SELECT max(rowid) FROM post_text");
    before = snapshot(f);

    assert_int_equal(classify_text(f->s, f->t, "The data flywheel", "strategy",
                                   "Feedback loops and network effects drive the flywheel.",
                                   scores, &best), STORE_OK);
    assert_int_equal(best, FLY);
    assert_true(scores[FLY] >= f->t->threshold);
    assert_true(scores[FLY] > scores[INEQ] && scores[FLY] > scores[TECH]);

    best = -2;
    assert_int_equal(classify_text(f->s, f->t, "Who owns the gains", NULL,
                                   "Inequality and the wealth gap; the middle class.",
                                   scores, &best), STORE_OK);
    assert_int_equal(best, INEQ);
    assert_true(scores[INEQ] > scores[FLY] && scores[INEQ] > scores[TECH]);

    best = -2;
    assert_int_equal(classify_text(f->s, f->t, "Antitrust and big tech", "",
                                   "Hyperscalers and semiconductors.", scores, &best),
                     STORE_OK);
    assert_int_equal(best, TECH);

    best = -2;
    scores[0] = scores[1] = scores[2] = -1;
    assert_int_equal(classify_text(f->s, f->t, "Crude oil", "energy",
                                   "Refiners bid for barrels.", scores, &best), STORE_OK);
    assert_int_equal(best, -1);
    for (int i = 0; i < 3; i++)
        assert_true(fabs(scores[i]) < 1e-9);

    best = -2;
    assert_int_equal(classify_text(f->s, f->t, NULL, NULL, NULL, scores, &best), STORE_OK);
    assert_int_equal(best, -1);

    assert_int_equal(count_of(f, "SELECT count(*) FROM post_text"), count);
    assert_int_equal(count_of(f, "SELECT max(rowid) FROM post_text"), maxid);
    after = snapshot(f);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* nothing stale after drafts */
    done = -1;
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 0);
}

/* The built-in big-tech theme lists "tech compan" and "technology compan"
 * as stems; a post about tech companies must score for big-tech. */
static void test_builtin_tech_companies(void **state)
{
    struct fx *f = *state;
    struct topics *builtin = NULL;
    const struct topic *tech;
    double scores[8], got;
    int best = -2;

    crawl(f, blog, N_BLOG);
    assert_int_equal(topics_load(NULL, &builtin, NULL), TOPICS_OK);
    tech = topics_find(builtin, "big-tech");
    assert_non_null(tech);
    assert_true(builtin->n <= 8);
    assert_int_equal(classify_text(f->s, builtin, "Why tech companies win", "",
                                   "Technology companies grow, and tech companies hire.",
                                   scores, &best), STORE_OK);
    got = scores[tech - builtin->v];
    topics_free(builtin);
    if (!(got > 0))
        fail_msg("'tech companies' scores %g for big-tech", got);
}

/* No posts: classification succeeds and leaves everything empty. */
static void test_no_posts(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};
    double scores[3];
    int best = -2, done = -1;

    assert_int_equal(classify_posts(f->s, f->t), STORE_OK);
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_topics"), 0);
    assert_int_equal(count_of(f, "SELECT count(*) FROM pages WHERE topic IS NOT NULL"), 0);
    assert_int_equal(query_run(f->s, QUERY_POSTS, collect, &r), STORE_OK);
    assert_int_equal(r.n, 0);
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(done, 0);
    assert_int_equal(classify_text(f->s, f->t, "Flywheel", "", "A flywheel.", scores, &best),
                     STORE_OK);
    assert_true(best >= -1 && best < 3);
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_text"), 0);

    /* a page that is no post */
    crawl(f, &blog[N_BLOG - 1], 1);
    done = -1;
    assert_int_equal(classify_ensure(f->s, f->t, &done), STORE_OK);
    assert_int_equal(count_of(f, "SELECT count(*) FROM post_topics"), 0);
    assert_int_equal(count_of(f, "SELECT count(*) FROM pages WHERE topic IS NOT NULL"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_classify_blog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_weight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anchors_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anchors_do_not_change_scores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ensure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ensure_recrawl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_classify_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builtin_tech_companies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_posts, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
