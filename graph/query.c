/* query: fixed read-only SQL over the store's views. Each query is one
 * statement whose column names become the output header, so the terminal,
 * TSV, CSV and JSON forms all come from the same rows. */
#include "blogmap/query.h"
#include "storeInt.h"

#include <stdlib.h>

static const char *const query_sql[] = {
    [QUERY_POSTS] = "SELECT url, title, date, coalesce(topic, '') AS topic, inbound, outbound"
                    " FROM posts ORDER BY url",
    [QUERY_EDGES] = "SELECT source, target, kind, anchor FROM edges ORDER BY source, target",
    [QUERY_ORPHANS] = "SELECT url, title, date FROM orphans ORDER BY url",
    [QUERY_BROKEN] = "SELECT source, href, status FROM broken ORDER BY source, href",
    [QUERY_STATS] =
        "SELECT 'posts' AS key, (SELECT count(*) FROM posts) AS value"
        " UNION ALL SELECT 'edges', (SELECT count(*) FROM edge)"
        " UNION ALL SELECT 'edges_inline', (SELECT count(*) FROM edge WHERE kind = 'inline')"
        " UNION ALL SELECT 'edges_related', (SELECT count(*) FROM edge WHERE kind = 'related')"
        " UNION ALL SELECT 'orphans', (SELECT count(*) FROM orphans)"
        " UNION ALL SELECT 'broken', (SELECT count(*) FROM broken)"
        " UNION ALL SELECT 'pages', (SELECT count(*) FROM pages)"
        " UNION ALL SELECT 'pages_queued', (SELECT count(*) FROM pages WHERE state = 'queued')"
        " UNION ALL SELECT 'pages_skipped', (SELECT count(*) FROM pages WHERE state = 'skipped')"
        " UNION ALL SELECT 'fetches', (SELECT count(*) FROM fetches)"
        " UNION ALL SELECT * FROM (SELECT 'fetch_status_' || CASE WHEN status = 0"
        "  THEN 'error' ELSE status END, count(*) FROM fetches GROUP BY status ORDER BY status)",
};

int query_run(struct store *s, enum query_name which, query_row_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    const char **names = NULL, **values = NULL;
    int rc = store_prepare(s, query_sql[which], &st);
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
