/* Unit tests for graph/analyse.c against a real SQLite file in a temporary
 * directory, built through the store's own API as the crawler builds it:
 * pages queued and taken from the frontier, post facts and body links
 * (anchor and line) stored, outcomes with redirect or canonical targets,
 * on-site links kept in nav, then store_resolve.
 *
 * The small blog ("blog") has seven posts a..h with two spellings of one
 * link, a renamed post, a page whose canonical is a post, an orphan, an
 * isolated post and a post no navigation reaches. The tests check URL
 * resolution, the sentence cut (table-driven), backlinks and outlinks,
 * PageRank against closed forms (a star with a dangling hub, a cycle) and
 * its invariants, shortest paths on every pair of a random 40-post graph
 * against a plain BFS (both directions), and reachability from the home
 * page, its fallbacks and its errors. */
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

#include "blogmap/analyse.h"
#include "blogmap/query.h"
#include "blogmap/store.h"

#define BASE "http://b.test/"
#define MAX_PAGES 128
#define MAX_LINKS 256
#define RANDOM_POSTS 40

struct page_spec {
    const char *path;           /* under BASE; "" is the home page */
    int is_post;
    const char *redirect_to;    /* a path under BASE (redirect or canonical), or NULL */
};

struct link_spec {
    const char *src, *dst;      /* paths */
    int related;
    const char *anchor, *context;
};

struct nav_spec {
    const char *src, *dst;
};

struct site {
    const struct page_spec *pages;
    size_t n_pages;
    const struct link_spec *links;
    size_t n_links;
    const struct nav_spec *nav;
    size_t n_nav;
    const char *start;          /* meta start_url, or NULL */
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the small blog ----
 * body links: a->b, a->c (by its old URL old-c), a->d twice (d and canon-d),
 * b->c, c->d, d->e, e->a, f->a; g and h have none.
 * nav: home -> archive, g, old-c; archive -> a; a -> b; c -> canon-d;
 * canon-d -> e; e -> f; h has no way in. */
static const struct page_spec blog_pages[] = {
    {"", 0, NULL}, {"archive", 0, NULL},
    {"a", 1, NULL}, {"b", 1, NULL}, {"c", 1, NULL}, {"d", 1, NULL}, {"e", 1, NULL},
    {"f", 1, NULL}, {"g", 1, NULL}, {"h", 1, NULL},
    {"old-c", 0, "c"}, {"canon-d", 0, "d"},
};

static const struct link_spec blog_links[] = {
    {"a", "b", 0, "the b post", "First sentence. See the b post for details! Last one."},
    {"a", "old-c", 1, "Post C", "Post C"},
    {"a", "d", 0, "zeta", "Apple context with zeta."},
    {"a", "canon-d", 0, "alpha", "Zulu context. With alpha inside it. More."},
    {"a", "https://elsewhere.test/x", 0, "elsewhere", "Off site."},
    {"b", "c", 0, "c", "Read c now."},
    {"c", "d", 0, "on d", "Notes on d here."},
    {"d", "e", 1, "E", "- E"},
    {"e", "a", 0, "a", "Back to a."},
    {"f", "a", 0, "the first", "Where it began: the first. Then more."},
};

static const struct nav_spec blog_nav[] = {
    {"", "archive"}, {"", "g"}, {"", "old-c"}, {"archive", "a"}, {"a", "b"},
    {"c", "canon-d"}, {"canon-d", "e"}, {"e", "f"},
};

static const struct site blog = {blog_pages, N_OF(blog_pages), blog_links, N_OF(blog_links),
                                 blog_nav, N_OF(blog_nav), BASE};

struct fx {
    char dir[64];
    char path[128];
    struct store *s;
    sqlite3 *db;                /* a second connection on the same file */
};

/* ---- fixture ---- */

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    char *err = NULL;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_analyse.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/blog.db", f->dir);
    if (store_open(f->path, STORE_WRITE, &f->s, &err) != STORE_OK)
        fail_msg("store_open '%s': %s", f->path, err ? err : "(null)");
    assert_int_equal(sqlite3_open_v2(f->path, &f->db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
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
    unlink_in(f, "");
    unlink_in(f, "-wal");
    unlink_in(f, "-shm");
    unlink_in(f, ".lock");
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

/* ---- building the crawl through the store API ---- */

/* An absolute URL: paths under BASE, absolute URLs as they are. */
static void url_of(char *buf, size_t n, const char *path)
{
    snprintf(buf, n, "%s%s", strstr(path, "://") ? "" : BASE, path);
}

static const struct page_spec *page_for(const struct site *w, const char *url)
{
    char u[256];

    for (size_t i = 0; i < w->n_pages; i++) {
        url_of(u, sizeof(u), w->pages[i].path);
        if (!strcmp(u, url))
            return &w->pages[i];
    }
    return NULL;
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
    if (sqlite3_step(st) != SQLITE_ROW)
        fail_msg("no page '%s'", u);
    id = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

static void exec_sql(struct fx *f, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(f->db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("'%s': %s", sql, err ? err : "?");
}

/* Store page P (job J): post facts, its body links, its outcome. */
static void store_page(struct fx *f, const struct site *w, const struct store_job *j,
                       const struct page_spec *p)
{
    struct store_post post = {.title = p->path, .date = "2024-05-01", .labels = "",
                              .text = "words", .is_post = p->is_post};
    struct store_outcome o = {.state = "done", .status = 200, .content_type = "text/html",
                              .bytes = 100};
    char u[256], r[256];

    assert_int_equal(store_page_set_post(f->s, j->id, &post), STORE_OK);
    for (size_t k = 0; k < w->n_links; k++) {
        const struct link_spec *l = &w->links[k];

        if (strcmp(l->src, p->path))
            continue;
        url_of(u, sizeof(u), l->dst);
        assert_int_equal(store_add_link(f->s, j->id, u, l->related, !strstr(l->dst, "://"),
                                        l->anchor, l->context), STORE_OK);
    }
    if (p->redirect_to) {
        url_of(r, sizeof(r), p->redirect_to);
        o.redirect_to = r;
    }
    assert_int_equal(store_page_finish(f->s, j->id, &o), STORE_OK);
}

/* Crawl site W: queue and take every page, store each, add nav, resolve. */
static void crawl(struct fx *f, const struct site *w)
{
    struct store_job jobs[MAX_PAGES];
    int taken = 0;
    char u[256];

    assert_true(w->n_pages <= MAX_PAGES);
    for (size_t i = 0; i < w->n_pages; i++) {
        url_of(u, sizeof(u), w->pages[i].path);
        assert_int_equal(store_frontier_add(f->s, u, STORE_PAGE, 1, 0, NULL), STORE_OK);
    }
    assert_int_equal(store_frontier_take(f->s, 1e12, MAX_PAGES, jobs, &taken), STORE_OK);
    assert_int_equal(taken, (int)w->n_pages);
    assert_int_equal(store_begin(f->s), STORE_OK);
    for (int i = 0; i < taken; i++) {
        const struct page_spec *p = page_for(w, jobs[i].url);

        assert_non_null(p);
        store_page(f, w, &jobs[i], p);
        store_job_release(&jobs[i]);
    }
    for (size_t k = 0; k < w->n_nav; k++) {
        url_of(u, sizeof(u), w->nav[k].dst);
        assert_int_equal(store_add_nav(f->s, id_of(f, w->nav[k].src), u), STORE_OK);
    }
    if (w->start)
        assert_int_equal(store_meta_set(f->s, "start_url", w->start), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);
    assert_int_equal(store_resolve(f->s), STORE_OK);
}

/* ---- reading rows back ---- */

/* Rows as "v|v|v;" with BASE cut from URLs; the header as "n|n|n". */
struct rows {
    char buf[8192];
    char header[256];
    size_t len;
    int n, stop_after;
};

static void append(char *buf, size_t cap, size_t *len, const char *s)
{
    *len += (size_t)snprintf(buf + *len, cap - *len, "%s", s);
    assert_true(*len < cap);
}

static int collect(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct rows *r = ctx;

    if (!values) {
        size_t hl = 0;
        for (int i = 0; i < ncols; i++) {
            append(r->header, sizeof(r->header), &hl, i ? "|" : "");
            append(r->header, sizeof(r->header), &hl, names[i]);
        }
        return 0;
    }
    for (int i = 0; i < ncols; i++) {
        const char *v = values[i] ? values[i] : "NULL";
        if (!strncmp(v, BASE, strlen(BASE)))
            v += strlen(BASE);
        append(r->buf, sizeof(r->buf), &r->len, i ? "|" : "");
        append(r->buf, sizeof(r->buf), &r->len, v);
    }
    append(r->buf, sizeof(r->buf), &r->len, ";");
    r->n++;
    return r->stop_after && r->n >= r->stop_after;
}

static long post_of(struct fx *f, const char *path)
{
    char u[256];
    long id = -1;

    url_of(u, sizeof(u), path);
    if (analyse_post_id(f->s, u, &id) != STORE_OK)
        fail_msg("'%s' is no post: %s", u, store_errmsg(f->s));
    return id;
}

/* ---- URLs to posts ---- */

static void test_post_id(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *path, *want;    /* want NULL: not a post */
    } cases[] = {
        {"a", "a"}, {"h", "h"}, {"old-c", "c"}, {"canon-d", "d"},
        {"", NULL}, {"archive", NULL}, {"nowhere", NULL}, {"https://elsewhere.test/x", NULL},
    };
    char u[256], *got = NULL;
    long id = 12345;

    crawl(f, &blog);
    for (size_t i = 0; i < N_OF(cases); i++) {
        url_of(u, sizeof(u), cases[i].path);
        int rc = analyse_post_id(f->s, u, &id);

        if (!cases[i].want) {
            assert_int_equal(rc, ANALYSE_ENOTFOUND);
            assert_non_null(strstr(store_errmsg(f->s), u));
            continue;
        }
        assert_int_equal(rc, STORE_OK);
        assert_int_equal(id, id_of(f, cases[i].want));
        assert_int_equal(analyse_post_url(f->s, id, &got), STORE_OK);
        url_of(u, sizeof(u), cases[i].want);
        assert_string_equal(got, u);
        free(got);
        got = NULL;
    }
    id = 12345;
    assert_int_equal(analyse_post_id(f->s, BASE "nowhere", &id), ANALYSE_ENOTFOUND);
    assert_int_equal(id, 12345);    /* untouched on failure */
    assert_int_equal(analyse_post_url(f->s, id_of(f, "archive"), &got), ANALYSE_ENOTFOUND);
    assert_null(got);
}

/* ---- the sentence around a link ---- */

static void test_sentence(void **state)
{
    static const struct {
        const char *context, *anchor, *want;
    } cases[] = {
        {"First sentence. See the b post for details! Last one.", "the b post",
         "See the b post for details!"},
        {"Alpha beta. Gamma.", "Alpha", "Alpha beta."},
        {"One. Two three", "three", "Two three"},
        {"Before. See U.S. Ports today now. After.", "U.S. Ports", "See U.S. Ports today now."},
        {"Read Is It Time? Then go. Next.", "Is It Time?", "Read Is It Time?"},
        {"Ask: Capacity < Demand? A Look at Ports, again. Done.",
         "Capacity < Demand? A Look at Ports", "Ask: Capacity < Demand? A Look at Ports, again."},
        {"  Some line. Another.  ", "missing", "Some line. Another."},
        {"A. B.", "", "A. B."},
        {"A. B.", NULL, "A. B."},
        {NULL, "x", ""},
        {"One. Read THE POST now. Two.", "the post", "Read THE POST now."},
        {"Version 2.0 is out. Get it.", "2.0", "Version 2.0 is out."},
        {"One.\tTwo here.", "Two", "Two here."},
        {"Really?! Yes, read this. Ok.", "read this", "Yes, read this."},
        {"See x. Also x here.", "x", "See x."},
        {"Wait... then the link. End.", "the link", "then the link."},
        {"- E", "E", "- E"},
        {"Caf\xc3\xa9 notes. The caf\xc3\xa9 link is here. End.", "caf\xc3\xa9 link",
         "The caf\xc3\xa9 link is here."},
    };

    (void)state;
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *got = analyse_sentence(cases[i].context, cases[i].anchor);

        assert_non_null(got);
        if (strcmp(got, cases[i].want))
            fail_msg("case %zu: sentence of '%s' around '%s' is '%s', want '%s'", i,
                     cases[i].context ? cases[i].context : "NULL",
                     cases[i].anchor ? cases[i].anchor : "NULL", got, cases[i].want);
        free(got);
    }
}

/* ---- backlinks and outlinks ---- */

static void test_links(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *post;
        int inbound;
        const char *want;
    } cases[] = {
        {"a", 1, "e|e|inline|a|Back to a.;f|f|inline|the first|Where it began: the first.;"},
        {"a", 0, "b|b|inline|the b post|See the b post for details!;"
                 "c|c|related|Post C|Post C;"
                 "d|d|inline|alpha|With alpha inside it.;"},
        {"c", 1, "a|a|related|Post C|Post C;b|b|inline|c|Read c now.;"},
        {"d", 1, "a|a|inline|alpha|With alpha inside it.;c|c|inline|on d|Notes on d here.;"},
        {"e", 1, "d|d|related|E|- E;"},
        {"f", 1, ""},
        {"g", 0, ""},
        {"g", 1, ""},
    };

    crawl(f, &blog);
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct rows r = {0};

        assert_int_equal(analyse_links(f->s, post_of(f, cases[i].post), cases[i].inbound, collect,
                                       &r), STORE_OK);
        assert_string_equal(r.header, "url|title|kind|anchor|sentence");
        if (strcmp(r.buf, cases[i].want))
            fail_msg("%s of '%s': '%s', want '%s'", cases[i].inbound ? "backlinks" : "outlinks",
                     cases[i].post, r.buf, cases[i].want);
    }
    /* the callback stops the rows */
    {
        struct rows r = {.stop_after = 1};

        assert_int_equal(analyse_links(f->s, post_of(f, "a"), 0, collect, &r), STORE_OK);
        assert_int_equal(r.n, 1);
    }
    /* a renamed post's links are the post's */
    {
        struct rows r = {0};
        long id;

        assert_int_equal(analyse_post_id(f->s, BASE "old-c", &id), STORE_OK);
        assert_int_equal(analyse_links(f->s, id, 1, collect, &r), STORE_OK);
        assert_string_equal(r.buf, "a|a|related|Post C|Post C;b|b|inline|c|Read c now.;");
    }
}

/* ---- hubs ---- */

/* Column COL (0-based) of row ROW of R's "a|b;c|d;" text, into OUT. */
static void cell(const struct rows *r, int row, int col, char *out, size_t n)
{
    const char *p = r->buf;

    for (int k = 0; k < row; k++) {
        p = strchr(p, ';');
        assert_non_null(p);
        p++;
    }
    for (int k = 0; k < col; k++) {
        p = strpbrk(p, "|;");
        assert_true(p && *p == '|');
        p++;
    }
    size_t len = strcspn(p, "|;");
    assert_true(len < n);
    memcpy(out, p, len);
    out[len] = '\0';
}

static double cell_num(const struct rows *r, int row, int col)
{
    char buf[64], *end;

    cell(r, row, col, buf, sizeof(buf));
    double v = strtod(buf, &end);
    assert_true(end != buf && *end == '\0');
    return v;
}

static void test_hubs_closed_forms(void **state)
{
    struct fx *f = *state;
    /* a star: three leaves link to a hub that links nowhere (dangling) */
    static const struct page_spec star_pages[] = {
        {"hub", 1, NULL}, {"l1", 1, NULL}, {"l2", 1, NULL}, {"l3", 1, NULL},
    };
    static const struct link_spec star_links[] = {
        {"l1", "hub", 0, "h", "h"}, {"l2", "hub", 0, "h", "h"}, {"l3", "hub", 1, "h", "h"},
    };
    static const struct site star = {star_pages, 4, star_links, 3, NULL, 0, NULL};
    struct rows r = {0};

    crawl(f, &star);
    assert_int_equal(analyse_hubs(f->s, NULL, 0, collect, &r), STORE_OK);
    assert_string_equal(r.header, "rank|url|title|topic|pagerank|inbound|outbound");
    assert_int_equal(r.n, 4);
    /* PR(hub) = (1-d)/4 + d PR(hub)/4 + 3 d PR(leaf), PR(leaf) = (1-d)/4 + d PR(hub)/4:
     * PR(hub) = 0.8875 / 1.6375 */
    char u[64];
    cell(&r, 0, 1, u, sizeof(u));
    assert_string_equal(u, "hub");
    assert_true(fabs(cell_num(&r, 0, 4) - 0.8875 / 1.6375) < 1e-5);
    assert_int_equal((int)cell_num(&r, 0, 5), 3);
    assert_int_equal((int)cell_num(&r, 0, 6), 0);
    for (int i = 1; i < 4; i++) {
        assert_int_equal((int)cell_num(&r, i, 0), i + 1);
        assert_true(fabs(cell_num(&r, i, 4) - (1 - 0.8875 / 1.6375) / 3) < 1e-5);
        assert_int_equal((int)cell_num(&r, i, 5), 0);
        assert_int_equal((int)cell_num(&r, i, 6), 1);
    }
}

static void test_hubs_cycle(void **state)
{
    struct fx *f = *state;
    static const struct page_spec pages[] = {{"x", 1, NULL}, {"y", 1, NULL}, {"z", 1, NULL}};
    static const struct link_spec links[] = {
        {"x", "y", 0, "y", "y"}, {"y", "z", 0, "z", "z"}, {"z", "x", 0, "x", "x"},
    };
    static const struct site cycle = {pages, 3, links, 3, NULL, 0, NULL};
    struct rows r = {0};

    crawl(f, &cycle);
    assert_int_equal(analyse_hubs(f->s, NULL, 0, collect, &r), STORE_OK);
    assert_int_equal(r.n, 3);
    for (int i = 0; i < 3; i++)
        assert_true(fabs(cell_num(&r, i, 4) - 1.0 / 3) < 1e-6);
    /* equal rank and inbound: the older post first */
    assert_string_equal(r.buf, "1|x|x||0.333333|1|1;2|y|y||0.333333|1|1;3|z|z||0.333333|1|1;");
}

static void test_hubs_blog(void **state)
{
    struct fx *f = *state;
    struct rows all = {0}, top = {0}, theme = {0}, none = {0};
    double sum = 0, prev = 2;

    crawl(f, &blog);
    assert_int_equal(analyse_hubs(f->s, NULL, 0, collect, &all), STORE_OK);
    assert_int_equal(all.n, 8);     /* a..h; canon-d is d */
    for (int i = 0; i < all.n; i++) {
        double v = cell_num(&all, i, 4);

        assert_int_equal((int)cell_num(&all, i, 0), i + 1);
        assert_true(v > 0 && v <= prev + 1e-12);
        prev = v;
        sum += v;
    }
    assert_true(fabs(sum - 1) < 1e-4);
    /* a has the most inbound (e, f) and gets e's whole rank: the top hub */
    char u[64];
    cell(&all, 0, 1, u, sizeof(u));
    assert_string_equal(u, "a");
    assert_int_equal((int)cell_num(&all, 0, 5), 2);
    assert_int_equal((int)cell_num(&all, 0, 6), 3);     /* b, c, d: two spellings, one edge */
    /* the first two, then one theme */
    top.stop_after = 0;
    assert_int_equal(analyse_hubs(f->s, NULL, 2, collect, &top), STORE_OK);
    assert_int_equal(top.n, 2);
    assert_int_equal(strncmp(all.buf, top.buf, top.len), 0);
    exec_sql(f, "UPDATE pages SET topic = 'fly' WHERE url IN ('" BASE "c', '" BASE "g', '"
                BASE "a')");
    assert_int_equal(analyse_hubs(f->s, "fly", 0, collect, &theme), STORE_OK);
    assert_int_equal(theme.n, 3);
    cell(&theme, 0, 1, u, sizeof(u));
    assert_string_equal(u, "a");
    cell(&theme, 2, 1, u, sizeof(u));
    assert_string_equal(u, "g");    /* nothing links to g: last */
    cell(&theme, 1, 3, u, sizeof(u));
    assert_string_equal(u, "fly");
    assert_int_equal((int)cell_num(&theme, 2, 0), 3);
    assert_int_equal(analyse_hubs(f->s, "nope", 0, collect, &none), STORE_OK);
    assert_int_equal(none.n, 0);
    assert_string_equal(none.header, "rank|url|title|topic|pagerank|inbound|outbound");
}

static void test_hubs_empty(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    assert_int_equal(analyse_hubs(f->s, NULL, 0, collect, &r), STORE_OK);
    assert_int_equal(r.n, 0);
    assert_string_equal(r.header, "rank|url|title|topic|pagerank|inbound|outbound");
}

/* Links between pages that are no posts (a blog whose posts all went):
 * PageRank has no post to rank and must not look any up. */
static void test_hubs_edges_without_posts(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    exec_sql(f, "INSERT INTO pages(id, url, state, status) VALUES"
                " (1, 'https://x.test/a', 'done', 200), (2, 'https://x.test/b', 'done', 200);"
                "INSERT INTO edge(src, dst, kind) VALUES (1, 2, 'inline'), (2, 1, 'related');");
    assert_int_equal(analyse_hubs(f->s, NULL, 0, collect, &r), STORE_OK);
    assert_int_equal(r.n, 0);
}

/* ---- paths ---- */

static void test_path_blog(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *from, *to;
        int undirected, rc;
        const char *want;
    } cases[] = {
        {"b", "e", 0, 0, "0|b|b|inline;1|c|c|inline;2|d|d|related;3|e|e|;"},
        {"e", "d", 0, 0, "0|e|e|inline;1|a|a|inline;2|d|d|;"},
        {"a", "a", 0, 0, "0|a|a|;"},
        {"old-c", "canon-d", 0, 0, "0|c|c|inline;1|d|d|;"},
        {"d", "f", 0, ANALYSE_ENOPATH, ""},
        {"d", "f", 1, 0, "0|d|d|reverse inline;1|a|a|reverse inline;2|f|f|;"},
        {"a", "g", 1, ANALYSE_ENOPATH, ""},
        {"g", "a", 0, ANALYSE_ENOPATH, ""},
        {"a", "e", 1, 0, "0|a|a|reverse inline;1|e|e|;"},
    };

    crawl(f, &blog);
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct rows r = {0};
        int rc = analyse_path(f->s, post_of(f, cases[i].from), post_of(f, cases[i].to),
                              cases[i].undirected, collect, &r);

        if (rc != cases[i].rc || strcmp(r.buf, cases[i].want))
            fail_msg("path %s -> %s%s: %d '%s', want %d '%s'", cases[i].from, cases[i].to,
                     cases[i].undirected ? " (undirected)" : "", rc, r.buf, cases[i].rc,
                     cases[i].want);
        if (!rc)
            assert_string_equal(r.header, "step|url|title|link");
        else
            assert_non_null(strstr(store_errmsg(f->s), "no chain"));
    }
}

/* A random graph of RANDOM_POSTS posts "r00".."r39"; adj[i][j] is 0, or 1
 * (inline) or 2 (related) when i links to j. */
struct random_graph {
    char paths[RANDOM_POSTS][16];
    struct page_spec pages[RANDOM_POSTS];
    struct link_spec links[MAX_LINKS];
    size_t n_links;
    int adj[RANDOM_POSTS][RANDOM_POSTS];
};

static unsigned long lcg(unsigned long *x)
{
    *x = *x * 6364136223846793005ul + 1442695040888963407ul;
    return *x >> 33;
}

static void random_graph(struct random_graph *g, unsigned long seed)
{
    memset(g, 0, sizeof(*g));
    for (int i = 0; i < RANDOM_POSTS; i++) {
        snprintf(g->paths[i], sizeof(g->paths[i]), "r%02d", i);
        g->pages[i] = (struct page_spec){g->paths[i], 1, NULL};
    }
    for (int i = 0; i < RANDOM_POSTS; i++) {
        int k = (int)(lcg(&seed) % 4);      /* 0 to 3 links */
        for (int n = 0; n < k; n++) {
            int j = (int)(lcg(&seed) % RANDOM_POSTS);
            if (j == i || g->adj[i][j])
                continue;
            g->adj[i][j] = 1 + (int)(lcg(&seed) % 3 == 0);
            assert_true(g->n_links < MAX_LINKS);
            g->links[g->n_links++] = (struct link_spec){g->paths[i], g->paths[j],
                                                        g->adj[i][j] == 2, "to", "to"};
        }
    }
}

/* Hop counts from S by plain BFS over the matrix (-1: unreachable). */
static void bfs_dist(const struct random_graph *g, int s, int undirected, int *dist)
{
    int queue[RANDOM_POSTS], head = 0, tail = 0;

    for (int i = 0; i < RANDOM_POSTS; i++)
        dist[i] = -1;
    dist[s] = 0;
    queue[tail++] = s;
    while (head < tail) {
        int u = queue[head++];
        for (int v = 0; v < RANDOM_POSTS; v++)
            if (dist[v] < 0 && (g->adj[u][v] || (undirected && g->adj[v][u]))) {
                dist[v] = dist[u] + 1;
                queue[tail++] = v;
            }
    }
}

/* The path rows in R are a real chain from S to T of DIST links. */
static void check_chain(const struct random_graph *g, const struct rows *r, int s, int t,
                        int dist, int undirected)
{
    char u[64], link[64];
    int prev = -1;

    assert_int_equal(r->n, dist + 1);
    for (int k = 0; k <= dist; k++) {
        cell(r, k, 1, u, sizeof(u));
        int node = (int)strtol(u + 1, NULL, 10);     /* "rNN" */
        assert_int_equal((int)cell_num(r, k, 0), k);
        if (k == 0)
            assert_int_equal(node, s);
        if (k == dist)
            assert_int_equal(node, t);
        if (prev >= 0) {
            cell(r, k - 1, 3, link, sizeof(link));
            const char *want = g->adj[prev][node] == 2 ? "related"
                             : g->adj[prev][node] == 1 ? "inline"
                             : g->adj[node][prev] == 2 ? "reverse related"
                             : g->adj[node][prev] == 1 ? "reverse inline" : "(none)";
            assert_true(undirected || !strncmp(want, "inline", 6) || !strcmp(want, "related"));
            assert_string_equal(link, want);
        }
        prev = node;
    }
    cell(r, dist, 3, link, sizeof(link));
    assert_string_equal(link, "");
}

static void test_path_random(void **state)
{
    struct fx *f = *state;
    struct random_graph *g = malloc(sizeof(*g));
    long ids[RANDOM_POSTS];
    int dist[RANDOM_POSTS], found = 0, missing = 0;

    assert_non_null(g);
    random_graph(g, 7);
    struct site w = {g->pages, RANDOM_POSTS, g->links, g->n_links, NULL, 0, NULL};
    crawl(f, &w);
    for (int i = 0; i < RANDOM_POSTS; i++)
        ids[i] = post_of(f, g->paths[i]);
    for (int undirected = 0; undirected < 2; undirected++)
        for (int s = 0; s < RANDOM_POSTS; s++) {
            bfs_dist(g, s, undirected, dist);
            for (int t = 0; t < RANDOM_POSTS; t++) {
                struct rows *r = calloc(1, sizeof(*r));
                assert_non_null(r);
                int rc = analyse_path(f->s, ids[s], ids[t], undirected, collect, r);
                if (dist[t] < 0) {
                    assert_int_equal(rc, ANALYSE_ENOPATH);
                    assert_int_equal(r->n, 0);
                    missing++;
                } else {
                    assert_int_equal(rc, STORE_OK);
                    check_chain(g, r, s, t, dist[t], undirected);
                    found++;
                }
                free(r);
            }
        }
    /* the graph has both kinds of pairs, and chains longer than one link */
    assert_true(found > 400 && missing > 100);
    free(g);
}

/* ---- reachability from the home page ---- */

static void test_unreachable(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};

    crawl(f, &blog);
    assert_int_equal(analyse_unreachable(f->s, collect, &r), STORE_OK);
    assert_string_equal(r.header, "url|title|date");
    assert_string_equal(r.buf, "h|h|2024-05-01;");

    /* cut the way through the canonical page: d, e and f drop out */
    exec_sql(f, "DELETE FROM nav WHERE src = (SELECT id FROM pages WHERE url = '" BASE "c')");
    memset(&r, 0, sizeof(r));
    assert_int_equal(analyse_unreachable(f->s, collect, &r), STORE_OK);
    assert_string_equal(r.buf, "d|d|2024-05-01;e|e|2024-05-01;f|f|2024-05-01;h|h|2024-05-01;");

    /* nav into the old URL only: c is reached through its final page */
    exec_sql(f, "DELETE FROM nav WHERE src = (SELECT id FROM pages WHERE url = '" BASE "')"
                " AND dst = (SELECT id FROM pages WHERE url = '" BASE "old-c')");
    memset(&r, 0, sizeof(r));
    assert_int_equal(analyse_unreachable(f->s, collect, &r), STORE_OK);
    assert_string_equal(r.buf, "c|c|2024-05-01;d|d|2024-05-01;e|e|2024-05-01;"
                               "f|f|2024-05-01;h|h|2024-05-01;");
}

static void test_unreachable_start(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};
    static const struct page_spec pages[] = {{"blog/", 0, NULL}, {"p", 1, NULL}, {"q", 1, NULL}};
    static const struct nav_spec nav[] = {{"blog/", "p"}};
    static const struct site w = {pages, 3, NULL, 0, nav, 1, BASE "blog/"};

    /* no home page "/" in the crawl: the start URL's page is the root */
    crawl(f, &w);
    assert_int_equal(analyse_unreachable(f->s, collect, &r), STORE_OK);
    assert_string_equal(r.buf, "q|q|2024-05-01;");

    /* a start URL that names no crawled page */
    assert_int_equal(store_meta_set(f->s, "start_url", "http://other.test/x"), STORE_OK);
    memset(&r, 0, sizeof(r));
    assert_int_equal(analyse_unreachable(f->s, collect, &r), ANALYSE_ENOHOME);
    assert_non_null(strstr(store_errmsg(f->s), "http://other.test/"));
    assert_int_equal(r.n, 0);
}

static void test_unreachable_no_nav(void **state)
{
    struct fx *f = *state;
    struct rows r = {0};
    static const struct page_spec pages[] = {{"", 0, NULL}, {"p", 1, NULL}};
    static const struct site w = {pages, 2, NULL, 0, NULL, 0, BASE};

    /* no posts at all: nothing to say, and no error */
    assert_int_equal(analyse_unreachable(f->s, collect, &r), STORE_OK);
    assert_int_equal(r.n, 0);
    assert_string_equal(r.header, "url|title|date");
    /* posts but no nav: a crawl made before nav was kept */
    crawl(f, &w);
    memset(&r, 0, sizeof(r));
    assert_int_equal(analyse_unreachable(f->s, collect, &r), ANALYSE_ENONAV);
    assert_int_equal(r.n, 0);
    assert_string_equal(r.header, "");
    assert_non_null(strstr(analyse_strerror(ANALYSE_ENONAV), "navigation"));
    assert_string_equal(analyse_strerror(STORE_ESQL), store_strerror(STORE_ESQL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_post_id, setup, teardown),
        cmocka_unit_test(test_sentence),
        cmocka_unit_test_setup_teardown(test_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hubs_closed_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hubs_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hubs_blog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hubs_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hubs_edges_without_posts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_blog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_no_nav, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
