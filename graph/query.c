/* query: fixed read-only SQL over the store's views. Each query is one
 * statement whose column names become the output header, so the terminal,
 * TSV, CSV and JSON forms all come from the same rows. */
#include "blogmap/query.h"
#include "storeInt.h"

#include <stdlib.h>

#define STATS_HEAD \
    "SELECT 'posts' AS key, (SELECT count(*) FROM posts) AS value" \
    " UNION ALL SELECT 'edges', (SELECT count(*) FROM edge)" \
    " UNION ALL SELECT 'edges_inline', (SELECT count(*) FROM edge WHERE kind = 'inline')" \
    " UNION ALL SELECT 'edges_related', (SELECT count(*) FROM edge WHERE kind = 'related')" \
    " UNION ALL SELECT 'orphans', (SELECT count(*) FROM orphans)" \
    " UNION ALL SELECT 'broken', (SELECT count(*) FROM broken)" \
    " UNION ALL SELECT 'pages', (SELECT count(*) FROM pages)" \
    " UNION ALL SELECT 'pages_queued', (SELECT count(*) FROM pages WHERE state = 'queued')" \
    " UNION ALL SELECT 'pages_skipped', (SELECT count(*) FROM pages WHERE state = 'skipped')"
#define ROUND_NOW "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'round'), 1)"
/* Re-crawls: the round, and what its posts did in it. */
#define STATS_ROUNDS \
    " UNION ALL SELECT 'round', " ROUND_NOW \
    " UNION ALL SELECT 'posts_new_this_round', (SELECT count(*) FROM posts p JOIN pages g" \
    "  ON g.id = p.id WHERE g.first_round = " ROUND_NOW ")" \
    " UNION ALL SELECT 'posts_changed_this_round', (SELECT count(*) FROM posts p JOIN pages g" \
    "  ON g.id = p.id WHERE g.changed_round = " ROUND_NOW " AND g.first_round < g.changed_round)" \
    " UNION ALL SELECT 'posts_unchanged_this_round', (SELECT count(*) FROM posts p JOIN pages g" \
    "  ON g.id = p.id WHERE g.checked_round = " ROUND_NOW \
    "  AND coalesce(g.changed_round, 0) < g.checked_round)" \
    " UNION ALL SELECT 'posts_removed', (SELECT count(*) FROM pages WHERE is_post = 1" \
    "  AND state = 'done' AND status IN (404, 410))"
#define STATS_TAIL \
    " UNION ALL SELECT 'last_fetch', (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(fetched_at))" \
    "  FROM pages)" \
    " UNION ALL SELECT 'fetches', (SELECT count(*) FROM fetches)" \
    " UNION ALL SELECT * FROM (SELECT 'fetch_status_' || CASE WHEN status = 0" \
    "  THEN 'error' ELSE status END, count(*) FROM fetches GROUP BY status ORDER BY status)" \
    " UNION ALL SELECT * FROM (SELECT key, CAST(value AS INTEGER) FROM meta" \
    "  WHERE key LIKE 'limit\\_%' ESCAPE '\\' ORDER BY key)"

static const char *const query_sql[] = {
    [QUERY_POSTS] = "SELECT p.url, p.title, p.date, coalesce(p.topic, '') AS topic, p.inbound,"
                    " p.outbound, strftime('%Y-%m-%dT%H:%M:%SZ', g.fetched_at) AS fetched"
                    " FROM posts p JOIN pages g ON g.id = p.id ORDER BY p.url",
    [QUERY_EDGES] = "SELECT source, target, kind, anchor FROM edges ORDER BY source, target",
    [QUERY_ORPHANS] = "SELECT url, title, date FROM pages WHERE is_post = 1 AND inbound = 0"
                      " AND state = 'done' AND status = 200 AND final_id = id ORDER BY url",
    [QUERY_BROKEN] = "SELECT source, href, status FROM broken ORDER BY source, href",
    [QUERY_STATS] = STATS_HEAD STATS_ROUNDS STATS_TAIL,
    [QUERY_TOPICS] =
        "WITH p AS (SELECT id, title, url, topic FROM pages WHERE id IN (SELECT id FROM posts)),"
        " l AS (SELECT a.topic AS st, b.topic AS dt FROM edge e JOIN p a ON a.id = e.src"
        "  JOIN p b ON b.id = e.dst)"
        " SELECT t.name AS topic, t.label, t.color,"
        "  (SELECT count(*) FROM p WHERE p.topic = t.name) AS posts,"
        "  (SELECT count(*) FROM l WHERE st = t.name AND dt = t.name) AS links_within,"
        "  (SELECT count(*) FROM l WHERE st = t.name AND dt <> t.name) AS links_out,"
        "  (SELECT count(*) FROM l WHERE dt = t.name AND st <> t.name) AS links_in,"
        "  (SELECT group_concat(coalesce(nullif(title, ''), url), ' | ') FROM"
        "   (SELECT title, url FROM p WHERE p.topic = t.name"
        "    ORDER BY (SELECT count(*) FROM edge WHERE dst = p.id) DESC, url LIMIT 3))"
        "   AS top_posts"
        " FROM temp.themes t ORDER BY t.ord",
    [QUERY_TOPIC_LINKS] =
        "SELECT a.topic AS source_topic, b.topic AS target_topic, count(*) AS links,"
        "  sum(e.kind = 'related') AS related"
        " FROM edge e JOIN pages a ON a.id = e.src JOIN pages b ON b.id = e.dst"
        " JOIN temp.themes ta ON ta.name = a.topic JOIN temp.themes tb ON tb.name = b.topic"
        " GROUP BY a.topic, b.topic ORDER BY ta.ord, tb.ord",
    [QUERY_TOPIC_SCORES] =
        "SELECT p.url, p.topic, t.name AS theme, round(coalesce(s.score, 0), 3) AS score"
        " FROM posts p CROSS JOIN temp.themes t"
        " LEFT JOIN post_topics s ON s.post_id = p.id AND s.topic = t.name"
        " WHERE t.name <> 'other' ORDER BY p.url, t.ord",
};

/* An older database read as it is has no link counts and no rounds. */
static const char legacy_orphans_sql[] = "SELECT url, title, date FROM orphans ORDER BY url";
static const char legacy_stats_sql[] = STATS_HEAD STATS_TAIL;

static const char *sql_for(const struct store *s, enum query_name which)
{
    if (s->legacy && which == QUERY_ORPHANS)
        return legacy_orphans_sql;
    if (s->legacy && which == QUERY_STATS)
        return legacy_stats_sql;
    return query_sql[which];
}

int query_run(struct store *s, enum query_name which, query_row_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    const char **names = NULL, **values = NULL;
    int rc = store_prepare(s, sql_for(s, which), &st);
    if (rc)
        return rc;
    int n = sqlite3_column_count(st);
    names = calloc((size_t)n + 1, sizeof(*names));
    values = calloc((size_t)n + 1, sizeof(*values));
    if (!names || !values)
        abort();
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    if (fn(ctx, n, names, NULL)) {
        rc = SQLITE_DONE;
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++)
            values[i] = (const char *)sqlite3_column_text(st, i);
        if (fn(ctx, n, names, values))
            break;
    }
out:
    rc = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? STORE_OK : store_fail(s, STORE_ESQL);
    free(names);
    free(values);
    sqlite3_finalize(st);
    return rc;
}
