/* analyse: questions about the link graph, answered from the store.
 *
 * Backlinks and outlinks are one indexed SELECT each (edge's primary key
 * (src, dst) one way, edge_dst the other). The anchor and the line around a
 * link are taken from the same row of links, so they always belong
 * together, and the line is cut to the sentence that holds the anchor.
 *
 * PageRank loads the edge table once: post ids sorted, each edge's ends
 * mapped to dense indexes with bsearch, then power iteration in memory (a
 * million edges is 8 MB and a few milliseconds an iteration). The rank of
 * posts without outbound links is spread over every post, so it always sums
 * to 1.
 *
 * The shortest path never loads the graph. A breadth-first search runs from
 * both ends at once, a whole level at a time, always on the side with the
 * smaller frontier, asking each post's neighbours with an indexed SELECT;
 * a query touches only the posts near its two ends. Once the levels seen
 * from both ends are disjoint, the first post one side meets that the other
 * has seen closes a shortest chain.
 *
 * Reachability from the home page is one recursive query over nav (every
 * on-site link of every HTML page the crawl read), following each page also
 * to its final page (redirects, canonicals). */
#include "blogmap/analyse.h"
#include "blogmap/url.h"
#include "storeInt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANALYSE_DAMPING 0.85
#define ANALYSE_MAX_ITER 100
#define ANALYSE_TOLERANCE 1e-6      /* stop when the L1 change is below this */

static void *xrealloc(void *p, size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n)
        abort();
    p = realloc(p, n * size > 0 ? n * size : 1);
    if (!p)
        abort();
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

const char *analyse_strerror(int code)
{
    switch (code) {
    case ANALYSE_ENOTFOUND: return "no crawled post has this URL";
    case ANALYSE_ENOPATH: return "no chain of links joins the two posts";
    case ANALYSE_ENONAV: return "the crawl kept no navigation links (crawl again with this version)";
    case ANALYSE_ENOHOME: return "the home page is not in the crawl";
    default: return store_strerror(code);
    }
}

/* ---- single values ---- */

/* Step ST once: 1 with a row, 0 without, or a negative store error. */
static int step_one(struct store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return store_fail(s, STORE_ESQL);
}

/* The integer SQL selects with text ARG bound to ?1, in *OUT; 1 when there
 * was a row, 0 when none, or a negative store error. */
static int select_long(struct store *s, const char *sql, const char *arg, long *out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, sql, &st);
    if (rc)
        return rc;
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    rc = step_one(s, st);
    if (rc == 1)
        *out = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

int analyse_post_id(struct store *s, const char *url, long *id)
{
    long v = 0;
    int rc = select_long(s, "SELECT p.id FROM pages u JOIN posts p ON p.id = u.final_id"
                            " WHERE u.url = ?1", url, &v);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        snprintf(s->err, sizeof(s->err), "no crawled post has the URL '%.400s'", url);
        return ANALYSE_ENOTFOUND;
    }
    *id = v;
    return STORE_OK;
}

int analyse_post_url(struct store *s, long id, char **url)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT url FROM posts WHERE id = ?1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = step_one(s, st);
    if (rc == 1) {
        *url = strdup((const char *)sqlite3_column_text(st, 0));
        if (!*url)
            abort();
        rc = STORE_OK;
    } else if (rc == 0) {
        snprintf(s->err, sizeof(s->err), "no crawled post has the id %ld", id);
        rc = ANALYSE_ENOTFOUND;
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- sentences ---- */

/* A sentence ends at P: '.', '!' or '?' followed by white space. */
static int sentence_end(const char *p)
{
    return (*p == '.' || *p == '!' || *p == '?') &&
           (p[1] == ' ' || p[1] == '\t' || p[1] == '\n' || p[1] == '\r');
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* NEEDSWORK: the line is stored without the link's position in it, so the
 * first occurrence of the anchor text is taken: a generic anchor ("here")
 * that also occurs earlier in the line picks the wrong sentence, and a link
 * past the 400th character of a long line (the extractor keeps the start)
 * falls back to the whole line. Storing the anchor's offset would fix both. */
char *analyse_sentence(const char *context, const char *anchor)
{
    const char *text = context ? context : "";
    const char *start = text, *end = text + strlen(text);
    const char *at = NULL;
    if (anchor && *anchor && !(at = strstr(text, anchor)))
        at = strcasestr(text, anchor);
    if (at) {
        for (const char *p = text; p < at; p++)
            if (sentence_end(p))
                start = p + 1;
        for (const char *p = at + strlen(anchor) - 1; *p; p++)
            if (sentence_end(p)) {
                end = p + 1;
                break;
            }
    }
    while (start < end && blank(*start))
        start++;
    while (end > start && blank(end[-1]))
        end--;
    char *out = strndup(start, (size_t)(end - start));
    if (!out)
        abort();
    return out;
}

/* ---- streaming rows ---- */

/* Hand ST's rows to FN, header first. CUT >= 1: column CUT holds the line
 * around a link and column CUT - 1 its anchor; the line is cut to the
 * sentence. */
static int stream(struct store *s, sqlite3_stmt *st, int cut, query_row_fn fn, void *ctx)
{
    int n = sqlite3_column_count(st), rc = 0;
    const char **names = xcalloc((size_t)n, sizeof(*names));
    const char **values = xcalloc((size_t)n, sizeof(*values));
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    int stop = fn(ctx, n, names, NULL);
    while (!stop && (rc = step_one(s, st)) == 1) {
        char *sentence = NULL;
        for (int i = 0; i < n; i++)
            values[i] = (const char *)sqlite3_column_text(st, i);
        if (cut >= 1 && cut < n)
            values[cut] = sentence = analyse_sentence(values[cut], values[cut - 1]);
        stop = fn(ctx, n, names, values);
        free(sentence);
    }
    free(names);
    free(values);
    return rc < 0 ? rc : STORE_OK;
}

/* The anchor and line of one links row of the edge, so they always match
 * (edge keeps min(anchor) and min(context) of its links independently). */
#define LINKS_SELECT \
    "SELECT p.url, p.title, e.kind, e.anchor," \
    " coalesce((SELECT l.context FROM links l WHERE l.src_id = e.src AND l.dst_id = e.dst" \
    "  AND l.anchor IS e.anchor ORDER BY l.context LIMIT 1), e.context, '') AS sentence" \
    " FROM edge e JOIN pages p ON p.id = "

static const char *const links_sql[2] = {
    LINKS_SELECT "e.dst WHERE e.src = ?1 ORDER BY p.url",     /* outlinks */
    LINKS_SELECT "e.src WHERE e.dst = ?1 ORDER BY p.url",     /* backlinks */
};

int analyse_links(struct store *s, long post_id, int inbound, query_row_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, links_sql[inbound != 0], &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, post_id);
    rc = stream(s, st, 4, fn, ctx);
    sqlite3_finalize(st);
    return rc;
}

/* ---- hubs: PageRank ---- */

struct pr_graph {
    long *ids;              /* post ids, ascending */
    unsigned char *keep;    /* 1: of the theme asked */
    size_t n;
    uint32_t *src, *dst;    /* edges, as indexes into ids */
    size_t n_edges;
    uint32_t *out, *in;     /* degrees */
    double *rank;
};

static void pr_release(struct pr_graph *g)
{
    free(g->ids);
    free(g->keep);
    free(g->src);
    free(g->dst);
    free(g->out);
    free(g->in);
    free(g->rank);
    memset(g, 0, sizeof(*g));
}

static int pr_load_posts(struct store *s, const char *topic, struct pr_graph *g)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = store_prepare(s, "SELECT id, ?1 IS NULL OR topic = ?1 FROM posts ORDER BY id", &st);
    if (rc)
        return rc;
    if (topic)
        sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
    while ((rc = step_one(s, st)) == 1) {
        if (g->n == cap) {
            cap = cap ? 2 * cap : 1024;
            g->ids = xrealloc(g->ids, cap, sizeof(*g->ids));
            g->keep = xrealloc(g->keep, cap, sizeof(*g->keep));
        }
        g->ids[g->n] = (long)sqlite3_column_int64(st, 0);
        g->keep[g->n++] = (unsigned char)sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (!rc && g->n >= UINT32_MAX) {
        snprintf(s->err, sizeof(s->err), "too many posts for PageRank");
        rc = STORE_ESQL;
    }
    return rc;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The index of post ID in G, or -1. */
static long pr_index(const struct pr_graph *g, long id)
{
    if (!g->n)
        return -1;      /* bsearch wants a non-NULL base even for no elements */
    const long *p = bsearch(&id, g->ids, g->n, sizeof(*g->ids), cmp_long);
    return p ? (long)(p - g->ids) : -1;
}

static int pr_load_edges(struct store *s, struct pr_graph *g)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = store_prepare(s, "SELECT src, dst FROM edge", &st);
    if (rc)
        return rc;
    g->out = xcalloc(g->n, sizeof(*g->out));
    g->in = xcalloc(g->n, sizeof(*g->in));
    while ((rc = step_one(s, st)) == 1) {
        long a = pr_index(g, (long)sqlite3_column_int64(st, 0));
        long b = pr_index(g, (long)sqlite3_column_int64(st, 1));
        if (a < 0 || b < 0 || a == b)
            continue;
        if (g->n_edges == cap) {
            cap = cap ? 2 * cap : 4096;
            g->src = xrealloc(g->src, cap, sizeof(*g->src));
            g->dst = xrealloc(g->dst, cap, sizeof(*g->dst));
        }
        g->src[g->n_edges] = (uint32_t)a;
        g->dst[g->n_edges++] = (uint32_t)b;
        g->out[a]++;
        g->in[b]++;
    }
    sqlite3_finalize(st);
    return rc;
}

/* One step of the power iteration from RANK into NEXT; returns the L1
 * change. SHARE is scratch: each post's rank over its outbound links. */
static double pr_step(const struct pr_graph *g, const double *rank, double *next, double *share)
{
    double dangling = 0, change = 0;
    for (size_t i = 0; i < g->n; i++) {
        share[i] = g->out[i] ? ANALYSE_DAMPING * rank[i] / g->out[i] : 0;
        if (!g->out[i])
            dangling += rank[i];
    }
    double base = (1 - ANALYSE_DAMPING + ANALYSE_DAMPING * dangling) / (double)g->n;
    for (size_t i = 0; i < g->n; i++)
        next[i] = base;
    for (size_t k = 0; k < g->n_edges; k++)
        next[g->dst[k]] += share[g->src[k]];
    for (size_t i = 0; i < g->n; i++)
        change += fabs(next[i] - rank[i]);
    return change;
}

static void pr_iterate(struct pr_graph *g)
{
    double *next = xcalloc(g->n, sizeof(*next)), *share = xcalloc(g->n, sizeof(*share));
    g->rank = xcalloc(g->n, sizeof(*g->rank));
    for (size_t i = 0; i < g->n; i++)
        g->rank[i] = 1.0 / (double)g->n;
    for (int it = 0; it < ANALYSE_MAX_ITER; it++) {
        double change = pr_step(g, g->rank, next, share);
        double *t = g->rank;
        g->rank = next;
        next = t;
        if (change < ANALYSE_TOLERANCE)
            break;
    }
    free(next);
    free(share);
}

struct pr_order {
    double rank;
    uint32_t in;
    uint32_t idx;
    long id;
};

/* Higher rank first, then more inbound links, then the older id. */
static int cmp_order(const void *a, const void *b)
{
    const struct pr_order *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? 1 : -1;
    if (x->in != y->in)
        return x->in < y->in ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Hand the posts of G that are kept, best first, to FN (TOP: at most). */
static int pr_emit(struct store *s, const struct pr_graph *g, size_t top, query_row_fn fn,
                   void *ctx)
{
    static const char *const names[] = {"rank", "url", "title", "topic", "pagerank",
                                        "inbound", "outbound"};
    struct pr_order *o = xcalloc(g->n, sizeof(*o));
    sqlite3_stmt *st = NULL;
    size_t n = 0, shown = 0;
    int rc = store_prepare(s, "SELECT url, title, coalesce(topic, '') FROM pages WHERE id = ?1", &st);
    for (size_t i = 0; i < g->n; i++)
        if (g->keep[i])
            o[n++] = (struct pr_order){g->rank[i], g->in[i], (uint32_t)i, g->ids[i]};
    qsort(o, n, sizeof(*o), cmp_order);
    int stop = rc ? 1 : fn(ctx, 7, names, NULL);
    for (size_t i = 0; !stop && i < n && (!top || shown < top); i++) {
        char num[4][32];
        sqlite3_bind_int64(st, 1, o[i].id);
        if ((rc = step_one(s, st)) != 1)
            break;
        snprintf(num[0], sizeof(num[0]), "%zu", ++shown);
        snprintf(num[1], sizeof(num[1]), "%.6g", o[i].rank);
        snprintf(num[2], sizeof(num[2]), "%u", (unsigned)o[i].in);
        snprintf(num[3], sizeof(num[3]), "%u", (unsigned)g->out[o[i].idx]);
        const char *v[7] = {num[0], (const char *)sqlite3_column_text(st, 0),
                            (const char *)sqlite3_column_text(st, 1),
                            (const char *)sqlite3_column_text(st, 2), num[1], num[2], num[3]};
        stop = fn(ctx, 7, names, v);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    free(o);
    return rc < 0 ? rc : STORE_OK;
}

int analyse_hubs(struct store *s, const char *topic, size_t top, query_row_fn fn, void *ctx)
{
    struct pr_graph g = {0};
    int rc = pr_load_posts(s, topic, &g);
    if (!rc)
        rc = pr_load_edges(s, &g);
    if (!rc) {
        pr_iterate(&g);
        rc = pr_emit(s, &g, top, fn, ctx);
    }
    pr_release(&g);
    return rc;
}

/* ---- path: bidirectional breadth-first search ---- */

/* An open-addressing map from post id to post id. */
struct idmap {
    long *keys, *vals;
    unsigned char *used;
    size_t n, cap;          /* cap: a power of two */
    unsigned bits;
};

static size_t idmap_slot(const struct idmap *m, long key)
{
    size_t i = (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> (64 - m->bits));
    while (m->used[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void idmap_init(struct idmap *m, unsigned bits)
{
    m->bits = bits;
    m->cap = (size_t)1 << bits;
    m->n = 0;
    m->keys = xcalloc(m->cap, sizeof(*m->keys));
    m->vals = xcalloc(m->cap, sizeof(*m->vals));
    m->used = xcalloc(m->cap, sizeof(*m->used));
}

static void idmap_release(struct idmap *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    memset(m, 0, sizeof(*m));
}

/* 1 and *VAL (may be NULL) when KEY is in M, else 0. */
static int idmap_get(const struct idmap *m, long key, long *val)
{
    size_t i = idmap_slot(m, key);
    if (!m->used[i])
        return 0;
    if (val)
        *val = m->vals[i];
    return 1;
}

static void idmap_put(struct idmap *m, long key, long val)
{
    if (2 * (m->n + 1) > m->cap) {
        struct idmap bigger;
        idmap_init(&bigger, m->bits + 1);
        for (size_t i = 0; i < m->cap; i++)
            if (m->used[i])
                idmap_put(&bigger, m->keys[i], m->vals[i]);
        idmap_release(m);
        *m = bigger;
    }
    size_t i = idmap_slot(m, key);
    m->n += !m->used[i];
    m->used[i] = 1;
    m->keys[i] = key;
    m->vals[i] = val;
}

/* One end of the search: the posts it has seen, each with the neighbour it
 * was reached from (the end itself: its own id), and its frontier. */
struct bfs_side {
    struct idmap seen;
    long *cur, *next;
    size_t n_cur, n_next, cap_cur, cap_next;
    sqlite3_stmt *st[2];    /* neighbour queries; st[1] NULL unless undirected */
};

struct bfs {
    struct bfs_side side[2];    /* 0: from FROM along links, 1: from TO against them */
    long meet;                  /* where the sides met, when MET */
    int met;
};

static void bfs_side_init(struct bfs_side *b, long end, sqlite3_stmt *a, sqlite3_stmt *c)
{
    memset(b, 0, sizeof(*b));
    idmap_init(&b->seen, 10);
    idmap_put(&b->seen, end, end);
    b->cap_cur = 16;
    b->cur = xcalloc(b->cap_cur, sizeof(*b->cur));
    b->cur[b->n_cur++] = end;
    b->st[0] = a;
    b->st[1] = c;
}

static void bfs_side_release(struct bfs_side *b)
{
    idmap_release(&b->seen);
    free(b->cur);
    free(b->next);
}

static void bfs_push(struct bfs_side *b, long id)
{
    if (b->n_next == b->cap_next) {
        b->cap_next = b->cap_next ? 2 * b->cap_next : 64;
        b->next = xrealloc(b->next, b->cap_next, sizeof(*b->next));
    }
    b->next[b->n_next++] = id;
}

/* The neighbours of U on side ME through statement ST: each one not seen
 * yet is marked and queued; the first the other side has seen ends it. */
static int bfs_visit(struct store *s, struct bfs *q, int me, sqlite3_stmt *st, long u)
{
    struct bfs_side *b = &q->side[me];
    int rc;
    sqlite3_bind_int64(st, 1, u);
    while ((rc = step_one(s, st)) == 1) {
        long w = (long)sqlite3_column_int64(st, 0);
        if (idmap_get(&b->seen, w, NULL))
            continue;
        idmap_put(&b->seen, w, u);
        if (idmap_get(&q->side[!me].seen, w, NULL)) {
            q->meet = w;
            q->met = 1;
            break;
        }
        bfs_push(b, w);
    }
    sqlite3_reset(st);
    return rc < 0 ? rc : STORE_OK;
}

/* Expand side ME's whole frontier by one level, or until the sides meet. */
static int bfs_expand(struct store *s, struct bfs *q, int me)
{
    struct bfs_side *b = &q->side[me];
    b->n_next = 0;
    for (size_t i = 0; i < b->n_cur && !q->met; i++)
        for (int k = 0; k < 2 && b->st[k] && !q->met; k++) {
            int rc = bfs_visit(s, q, me, b->st[k], b->cur[i]);
            if (rc)
                return rc;
        }
    long *t = b->cur;
    size_t cap = b->cap_cur;
    b->cur = b->next;
    b->cap_cur = b->cap_next;
    b->n_cur = b->n_next;
    b->next = t;
    b->cap_next = cap;
    return STORE_OK;
}

/* The chain FROM ... meet ... TO as ids in a new array *OUT; returns its
 * length. */
static size_t bfs_chain(const struct bfs *q, long **out)
{
    const struct idmap *fwd = &q->side[0].seen, *bwd = &q->side[1].seen;
    size_t nf = 0, nb = 0, k;
    long id, up;
    for (id = q->meet; idmap_get(fwd, id, &up) && up != id; id = up)
        nf++;
    for (id = q->meet; idmap_get(bwd, id, &up) && up != id; id = up)
        nb++;
    long *v = xcalloc(nf + nb + 1, sizeof(*v));
    v[nf] = q->meet;
    for (k = nf, id = q->meet; idmap_get(fwd, id, &up) && up != id; id = up)
        v[--k] = up;
    for (k = nf, id = q->meet; idmap_get(bwd, id, &up) && up != id; id = up)
        v[++k] = up;
    *out = v;
    return nf + nb + 1;
}

/* Run the search from FROM to TO on statements OUT (dst by src) and IN (src
 * by dst); the chain goes to *CHAIN, *N long. */
static int bfs_run(struct store *s, sqlite3_stmt *out, sqlite3_stmt *in, long from, long to,
                   int undirected, long **chain, size_t *n)
{
    struct bfs q = {.meet = from, .met = from == to};
    int rc = STORE_OK;
    bfs_side_init(&q.side[0], from, out, undirected ? in : NULL);
    bfs_side_init(&q.side[1], to, in, undirected ? out : NULL);
    while (!rc && !q.met && q.side[0].n_cur && q.side[1].n_cur)
        rc = bfs_expand(s, &q, q.side[0].n_cur <= q.side[1].n_cur ? 0 : 1);
    if (!rc && !q.met) {
        snprintf(s->err, sizeof(s->err), "no chain of links leads from post %ld to post %ld",
                 from, to);
        rc = ANALYSE_ENOPATH;
    }
    if (!rc)
        *n = bfs_chain(&q, chain);
    bfs_side_release(&q.side[0]);
    bfs_side_release(&q.side[1]);
    return rc;
}

/* The kind of the link from A to B into BUF: "inline", "related", or with
 * "reverse " before it when only B links to A; "" when neither. */
static int link_kind(struct store *s, sqlite3_stmt *st, long a, long b, char *buf, size_t n)
{
    int rc = 0;
    buf[0] = '\0';
    for (int back = 0; back < 2 && rc == 0; back++) {
        sqlite3_bind_int64(st, 1, back ? b : a);
        sqlite3_bind_int64(st, 2, back ? a : b);
        if ((rc = step_one(s, st)) == 1)
            snprintf(buf, n, "%s%s", back ? "reverse " : "", sqlite3_column_text(st, 0));
        sqlite3_reset(st);
    }
    return rc < 0 ? rc : STORE_OK;
}

/* Hand the N posts of CHAIN to FN as rows: step, url, title, link. */
static int path_emit(struct store *s, const long *chain, size_t n, query_row_fn fn, void *ctx)
{
    static const char *const names[] = {"step", "url", "title", "link"};
    sqlite3_stmt *page = NULL, *kind = NULL;
    int rc = store_prepare(s, "SELECT url, title FROM pages WHERE id = ?1", &page);
    if (!rc)
        rc = store_prepare(s, "SELECT kind FROM edge WHERE src = ?1 AND dst = ?2", &kind);
    int stop = rc || fn(ctx, 4, names, NULL);
    for (size_t i = 0; !stop && i < n; i++) {
        char step[32], link[64] = "";
        if (i + 1 < n && (rc = link_kind(s, kind, chain[i], chain[i + 1], link, sizeof(link))))
            break;
        sqlite3_bind_int64(page, 1, chain[i]);
        if ((rc = step_one(s, page)) != 1)
            break;
        snprintf(step, sizeof(step), "%zu", i);
        const char *v[4] = {step, (const char *)sqlite3_column_text(page, 0),
                            (const char *)sqlite3_column_text(page, 1), link};
        stop = fn(ctx, 4, names, v);
        sqlite3_reset(page);
    }
    sqlite3_finalize(page);
    sqlite3_finalize(kind);
    return rc < 0 ? rc : STORE_OK;
}

int analyse_path(struct store *s, long from, long to, int undirected, query_row_fn fn,
                 void *ctx)
{
    sqlite3_stmt *out = NULL, *in = NULL;
    long *chain = NULL;
    size_t n = 0;
    int rc = store_prepare(s, "SELECT dst FROM edge WHERE src = ?1", &out);
    if (!rc)
        rc = store_prepare(s, "SELECT src FROM edge WHERE dst = ?1", &in);
    if (!rc)
        rc = bfs_run(s, out, in, from, to, undirected, &chain, &n);
    sqlite3_finalize(out);
    sqlite3_finalize(in);
    if (!rc)
        rc = path_emit(s, chain, n, fn, ctx);
    free(chain);
    return rc;
}

/* ---- reachability from the home page ---- */

/* The page id of URL in *ID: 1 found, 0 not, or a negative store error. */
static int page_id(struct store *s, const char *url, long *id)
{
    return select_long(s, "SELECT id FROM pages WHERE url = ?1", url, id);
}

/* The home page: the start URL's origin with path "/", else the start URL. */
static int home_id(struct store *s, long *id)
{
    char *start = NULL, *origin = NULL, *home = NULL;
    int rc = store_meta_get(s, "start_url", &start);
    if (!rc && start && url_origin(start, &origin) == URL_OK) {
        size_t n = strlen(origin) + 2;
        home = xcalloc(n, 1);
        snprintf(home, n, "%s/", origin);
        rc = page_id(s, home, id);
    }
    if (rc == 0 && start)
        rc = page_id(s, start, id);
    if (rc == 0) {
        snprintf(s->err, sizeof(s->err), "the home page '%.400s' is not in the crawl",
                 home ? home : start ? start : "(no start URL)");
        rc = ANALYSE_ENOHOME;
    }
    free(start);
    free(origin);
    free(home);
    return rc < 0 ? rc : STORE_OK;
}

static const char unreachable_sql[] =
    "WITH RECURSIVE reach(id) AS (SELECT ?1 UNION"
    "  SELECT n.dst FROM reach r JOIN pages p ON p.id = r.id"
    "  JOIN nav n ON n.src IN (r.id, p.final_id)),"
    " hit(id) AS (SELECT id FROM reach UNION"
    "  SELECT p.final_id FROM reach r JOIN pages p ON p.id = r.id)"
    " SELECT url, title, date FROM posts"
    " WHERE id NOT IN (SELECT id FROM hit WHERE id IS NOT NULL) ORDER BY url";

int analyse_unreachable(struct store *s, query_row_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    long posts = 0, nav = 0, home = 0;
    int rc = select_long(s, "SELECT EXISTS (SELECT 1 FROM posts)", NULL, &posts);
    if (rc == 1)
        rc = select_long(s, "SELECT EXISTS (SELECT 1 FROM nav)", NULL, &nav);
    if (rc < 0)
        return rc;
    if (posts && !nav) {
        snprintf(s->err, sizeof(s->err), "%s", analyse_strerror(ANALYSE_ENONAV));
        return ANALYSE_ENONAV;
    }
    if (posts && (rc = home_id(s, &home)))
        return rc;
    if ((rc = store_prepare(s, unreachable_sql, &st)))
        return rc;
    sqlite3_bind_int64(st, 1, home);
    rc = stream(s, st, 0, fn, ctx);
    sqlite3_finalize(st);
    return rc;
}
