/* mapdata: choose what a map shows.
 *
 * One SELECT over the posts view applies the theme, date, orphan and top-N
 * filters (most-linked first); --around first walks the edge table both ways
 * with a recursive CTE to the asked depth. The edges among the chosen posts
 * are then read in one pass and matched to nodes by binary search on the
 * sorted ids, so a 20,000-post map costs two queries. */
#include "blogmap/mapdata.h"
#include "storeInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAPDATA_MAX_TOPICS 64

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s ? s : "");
    if (!p)
        abort();
    return p;
}

/* The node SELECT for F; parameters: ?1 since, ?2 until, ?3 around, ?4 depth,
 * ?5 limit, ?10.. topics. */
static char *node_sql(const struct map_filter *f)
{
    size_t cap = 2048 + 8 * MAPDATA_MAX_TOPICS, n = 0;
    char *sql = xrealloc(NULL, cap);
    n += (size_t)snprintf(sql + n, cap - n,
        "WITH RECURSIVE start(id) AS (SELECT coalesce(final_id, id) FROM pages WHERE url = ?3),"
        " near(id, d) AS (SELECT id, 0 FROM start UNION SELECT CASE WHEN e.src = near.id"
        "  THEN e.dst ELSE e.src END, d + 1 FROM near JOIN edge e"
        "  ON e.src = near.id OR e.dst = near.id WHERE d < ?4)"
        " SELECT id, url, coalesce(title, ''), coalesce(date, ''),"
        "  coalesce(nullif(topic, ''), 'other'), inbound FROM posts WHERE 1");
    if (f->since)
        n += (size_t)snprintf(sql + n, cap - n, " AND date >= ?1");
    if (f->until)
        n += (size_t)snprintf(sql + n, cap - n, " AND date <= ?2");
    if (f->around)
        n += (size_t)snprintf(sql + n, cap - n, " AND id IN (SELECT id FROM near)");
    if (f->no_orphans)
        n += (size_t)snprintf(sql + n, cap - n, " AND inbound > 0");
    for (size_t i = 0; i < f->n_topics && i < MAPDATA_MAX_TOPICS; i++)
        n += (size_t)snprintf(sql + n, cap - n, "%s?%zu%s", i ? ", " : " AND coalesce(nullif("
                              "topic, ''), 'other') IN (", 10 + i, i + 1 == f->n_topics ? ")" : "");
    snprintf(sql + n, cap - n, " ORDER BY inbound DESC, date DESC, id LIMIT ?5");
    return sql;
}

static void bind_filter(sqlite3_stmt *st, const struct map_filter *f)
{
    sqlite3_bind_text(st, 1, f->since, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, f->until, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->around, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, f->depth > 0 ? f->depth : 1);
    sqlite3_bind_int64(st, 5, f->top ? (sqlite3_int64)f->top : -1);
    for (size_t i = 0; i < f->n_topics && i < MAPDATA_MAX_TOPICS; i++)
        sqlite3_bind_text(st, (int)(10 + i), f->topics[i], -1, SQLITE_STATIC);
}

static int read_nodes(struct store *s, const struct map_filter *f, struct map_graph *g)
{
    sqlite3_stmt *st = NULL;
    char *sql = node_sql(f);
    int rc = store_prepare(s, sql, &st), step;
    free(sql);
    if (rc)
        return rc;
    bind_filter(st, f);
    size_t cap = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (g->n_nodes == cap) {
            cap = cap ? 2 * cap : 256;
            g->nodes = xrealloc(g->nodes, cap * sizeof(*g->nodes));
        }
        struct map_node *n = &g->nodes[g->n_nodes++];
        n->id = (long)sqlite3_column_int64(st, 0);
        n->url = xstrdup((const char *)sqlite3_column_text(st, 1));
        n->title = xstrdup((const char *)sqlite3_column_text(st, 2));
        n->date = xstrdup((const char *)sqlite3_column_text(st, 3));
        n->topic = xstrdup((const char *)sqlite3_column_text(st, 4));
        n->inbound = sqlite3_column_int(st, 5);
    }
    if (step != SQLITE_DONE)
        rc = store_fail(s, STORE_ESQL);
    sqlite3_finalize(st);
    return rc;
}

struct idx {
    long id;
    size_t at;
};

static int cmp_idx(const void *a, const void *b)
{
    long x = ((const struct idx *)a)->id, y = ((const struct idx *)b)->id;
    return (x > y) - (x < y);
}

static long find(const struct idx *ix, size_t n, long id)
{
    struct idx key = {.id = id};
    const struct idx *hit = bsearch(&key, ix, n, sizeof(*ix), cmp_idx);
    return hit ? (long)hit->at : -1;
}

static int read_edges(struct store *s, struct map_graph *g)
{
    sqlite3_stmt *st = NULL;
    struct idx *ix = xrealloc(NULL, g->n_nodes * sizeof(*ix));
    for (size_t i = 0; i < g->n_nodes; i++)
        ix[i] = (struct idx){.id = g->nodes[i].id, .at = i};
    qsort(ix, g->n_nodes, sizeof(*ix), cmp_idx);
    int rc = store_prepare(s, "SELECT src, dst, kind = 'related' FROM edge ORDER BY src, dst", &st);
    size_t cap = 0;
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        long a = find(ix, g->n_nodes, (long)sqlite3_column_int64(st, 0));
        long b = a < 0 ? -1 : find(ix, g->n_nodes, (long)sqlite3_column_int64(st, 1));
        if (b < 0)
            continue;
        if (g->n_edges == cap) {
            cap = cap ? 2 * cap : 512;
            g->edges = xrealloc(g->edges, cap * sizeof(*g->edges));
        }
        g->edges[g->n_edges++] = (struct map_edge){.src = (size_t)a, .dst = (size_t)b,
                                                   .related = sqlite3_column_int(st, 2)};
    }
    if (!rc && step != SQLITE_DONE)
        rc = store_fail(s, STORE_ESQL);
    sqlite3_finalize(st);
    free(ix);
    return rc;
}

static void count_themes(const struct topics *t, struct map_graph *g)
{
    g->n_themes = t->n + 1;
    g->themes = xrealloc(NULL, g->n_themes * sizeof(*g->themes));
    for (size_t i = 0; i <= t->n; i++) {
        struct map_theme *th = &g->themes[i];
        th->name = xstrdup(i < t->n ? t->v[i].name : TOPICS_OTHER);
        th->label = xstrdup(i < t->n ? t->v[i].label : "Other");
        th->color = xstrdup(i < t->n ? t->v[i].color : TOPICS_OTHER_COLOR);
        th->count = 0;
        for (size_t j = 0; j < g->n_nodes; j++)
            th->count += !strcmp(g->nodes[j].topic, th->name);
    }
}

int map_select(struct store *s, const struct topics *t, const struct map_filter *f,
               struct map_graph **out)
{
    struct map_graph *g = calloc(1, sizeof(*g));
    if (!g)
        abort();
    int rc = read_nodes(s, f, g);
    if (!rc && f->around && !g->n_nodes) {
        snprintf(s->err, sizeof(s->err), "no crawled post has the URL '%.400s'", f->around);
        rc = MAPDATA_ENOTFOUND;
    }
    if (!rc)
        rc = read_edges(s, g);
    if (rc) {
        map_graph_free(g);
        return rc;
    }
    count_themes(t, g);
    *out = g;
    return STORE_OK;
}

void map_graph_free(struct map_graph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_nodes; i++) {
        free(g->nodes[i].url);
        free(g->nodes[i].title);
        free(g->nodes[i].date);
        free(g->nodes[i].topic);
    }
    for (size_t i = 0; i < g->n_themes; i++) {
        free(g->themes[i].name);
        free(g->themes[i].label);
        free(g->themes[i].color);
    }
    free(g->nodes);
    free(g->edges);
    free(g->themes);
    free(g);
}
