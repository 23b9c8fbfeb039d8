/* classify: themes from SQLite FTS5.
 *
 * The crawl fills post_text (title, labels and the body's own words; the
 * anchor text of its links, which describes other posts, is kept apart in
 * post_anchors; porter tokenizer). For each
 * theme and each distinct term weight, one MATCH query ORs the terms and
 * ranks the matching posts with bm25() under the topics' column weights; the
 * negated rank times the term weight and the theme weight is one part of the
 * post's score for the theme. The parts are summed into post_topics and each
 * post takes its best theme at or above the threshold, else "other" -- but
 * only a theme whose terms also occur in its labels or body: a title alone
 * ("What the Yield Curve Says About Quantum Computing") is not a topic. All of
 * it runs as SQL inside one transaction, so a failure leaves the previous
 * scores in place. A draft is scored by adding it to post_text inside a
 * write transaction that is always rolled back (so it needs write access). */
#include "blogmap/classify.h"
#include "storeInt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLASSIFY_META "classify_fingerprint"
#define CLASSIFY_VERSION "3"    /* bump when scoring changes: reclassifies */

/* Run one theme query Q (freed here) as statement ST. */
static int run_part(struct store *s, sqlite3_stmt *st, const struct topics *t,
                    const struct topic *th, double w, char *q, long only_id)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, th->name, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, t->w_title);
    sqlite3_bind_double(st, 3, t->w_labels);
    sqlite3_bind_double(st, 4, t->w_body);
    sqlite3_bind_double(st, 5, w * th->weight);
    sqlite3_bind_text(st, 6, q, -1, free);
    sqlite3_bind_int64(st, 7, only_id);
    return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(s, STORE_ESQL);
}

/* "{labels body} : (Q)": the same terms outside the title. */
static char *outside_title(const char *q)
{
    size_t n = strlen(q) + 24;
    char *out = malloc(n);
    if (!out)
        abort();
    snprintf(out, n, "{labels body} : (%s)", q);
    return out;
}

/* Run the theme queries, adding rows (post_id, theme, part, support) to
 * temp.cls: one per matching post and term weight with the weighted bm25
 * part, and one with support 1 where the terms also occur outside the
 * title. ONLY_ID > 0 restricts them to that post. */
static int score_parts(struct store *s, const struct topics *t, long only_id)
{
    sqlite3_stmt *st = NULL, *sup = NULL;
    const char *where = only_id > 0 ? " WHERE post_text MATCH ?6 AND rowid = ?7"
                                    : " WHERE post_text MATCH ?6 AND ?7 = ?7";
    char sql[320];
    snprintf(sql, sizeof(sql), "INSERT INTO temp.cls SELECT rowid, ?1,"
             " -bm25(post_text, ?2, ?3, ?4) * ?5, 0 FROM post_text%s", where);
    int rc = store_prepare(s, sql, &st);
    snprintf(sql, sizeof(sql), "INSERT INTO temp.cls SELECT rowid, ?1, 0 * ?2 * ?3 * ?4 * ?5,"
             " 1 FROM post_text%s", where);
    if (!rc)
        rc = store_prepare(s, sql, &sup);
    for (size_t i = 0; !rc && i < t->n; i++) {
        const struct topic *th = &t->v[i];
        for (size_t j = 0; !rc && j < th->n_terms; j++) {
            double w = th->terms[j].weight;
            int seen = 0;
            for (size_t k = 0; k < j && !seen; k++)
                seen = fabs(th->terms[k].weight - w) < 1e-9;
            if (seen)
                continue;
            char *q = topics_fts_query(th, w), *q2 = outside_title(q);
            rc = run_part(s, st, t, th, w, q, only_id);
            if (!rc)
                rc = run_part(s, sup, t, th, w, q2, only_id);
            else
                free(q2);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(sup);
    return rc;
}

static int reset_parts(struct store *s)
{
    return store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS cls(post_id INTEGER, topic TEXT,"
                         " part REAL, support INTEGER); DELETE FROM temp.cls;");
}

/* What the stored scores depend on: the topics and the posts' text. */
static int current_fingerprint(struct store *s, const struct topics *t, char **out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT '" CLASSIFY_VERSION ":' || ?1 || ':' || (SELECT count(*)"
                              " || ':' || coalesce(max(rowid), 0) FROM post_text) || ':' ||"
                              " (SELECT coalesce(max(fetched_at), 0) FROM pages WHERE is_post = 1)",
                           &st);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, t->fingerprint, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *out = strdup((const char *)sqlite3_column_text(st, 0));
        if (!*out)
            abort();
    } else {
        rc = store_fail(s, STORE_ESQL);
    }
    sqlite3_finalize(st);
    return rc;
}

static int assign(struct store *s, const struct topics *t)
{
    sqlite3_stmt *st = NULL;
    int rc = store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS agg(post_id INTEGER, topic TEXT,"
                           " score REAL, support INTEGER, PRIMARY KEY(post_id, topic));"
                           "DELETE FROM temp.agg;"
                           "INSERT INTO temp.agg SELECT post_id, topic, sum(part), max(support)"
                           " FROM temp.cls GROUP BY post_id, topic;"
                           "DELETE FROM post_topics;"
                           "INSERT INTO post_topics SELECT post_id, topic, score FROM temp.agg;");
    if (!rc)
        rc = store_prepare(s, "UPDATE pages SET topic = CASE WHEN is_post = 1 THEN coalesce("
                              "(SELECT topic FROM temp.agg pt WHERE pt.post_id = pages.id"
                              "  AND pt.support = 1"
                              "  AND pt.score >= ?1 ORDER BY pt.score DESC,"
                              "  (SELECT ord FROM temp.themes th WHERE th.name = pt.topic) LIMIT 1),"
                              " '" TOPICS_OTHER "') END"
                              " WHERE is_post = 1 OR topic IS NOT NULL", &st);
    if (rc)
        return rc;
    sqlite3_bind_double(st, 1, t->threshold);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, STORE_ESQL);
    sqlite3_finalize(st);
    return rc;
}

int classify_posts(struct store *s, const struct topics *t)
{
    char *fp = NULL;
    int rc = classify_themes(s, t);
    if (!rc)
        rc = store_begin(s);
    if (rc)
        return rc;
    if ((rc = reset_parts(s)) || (rc = score_parts(s, t, 0)) || (rc = assign(s, t)))
        goto fail;
    if ((rc = store_exec(s, "DELETE FROM temp.cls; DELETE FROM temp.agg;")) || (rc = current_fingerprint(s, t, &fp)) ||
        (rc = store_meta_set(s, CLASSIFY_META, fp)))
        goto fail;
    free(fp);
    return store_commit(s);
fail:
    free(fp);
    store_rollback(s);
    return rc;
}

int classify_themes(struct store *s, const struct topics *t)
{
    sqlite3_stmt *st = NULL;
    int rc = store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS themes(ord INTEGER PRIMARY KEY,"
                           " name TEXT, label TEXT, color TEXT); DELETE FROM temp.themes;");
    if (!rc)
        rc = store_prepare(s, "INSERT INTO temp.themes VALUES(?1, ?2, ?3, ?4)", &st);
    for (size_t i = 0; !rc && i <= t->n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
        sqlite3_bind_text(st, 2, i < t->n ? t->v[i].name : TOPICS_OTHER, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, i < t->n ? t->v[i].label : "Other", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, i < t->n ? t->v[i].color : TOPICS_OTHER_COLOR, -1,
                          SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_fail(s, STORE_ESQL);
    }
    sqlite3_finalize(st);
    return rc;
}

int classify_ensure(struct store *s, const struct topics *t, int *done)
{
    char *want = NULL, *have = NULL;
    int rc = classify_themes(s, t);
    if (!rc)
        rc = current_fingerprint(s, t, &want);
    if (!rc)
        rc = store_meta_get(s, CLASSIFY_META, &have);
    int stale = !rc && (!have || strcmp(have, want));
    if (stale)
        rc = classify_posts(s, t);
    if (done)
        *done = stale && !rc;
    free(want);
    free(have);
    return rc;
}

/* Add the draft to post_text with a fresh rowid, stored in *ID. */
static int add_draft(struct store *s, const char *title, const char *labels, const char *body,
                     long *id)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "INSERT INTO post_text(rowid, title, labels, body)"
                              " VALUES((SELECT coalesce(max(rowid), 0) + 1 FROM post_text),"
                              " ?1, ?2, ?3)", &st);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, title ? title : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, labels ? labels : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body ? body : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, STORE_ESQL);
    else
        *id = (long)sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    return rc;
}

static int read_scores(struct store *s, const struct topics *t, double *scores, int *best)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT topic, sum(part), max(support) FROM temp.cls"
                              " GROUP BY topic", &st);
    if (rc)
        return rc;
    *best = -1;
    for (size_t i = 0; i < t->n; i++)
        scores[i] = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        for (size_t i = 0; name && i < t->n; i++) {
            if (strcmp(t->v[i].name, name))
                continue;
            scores[i] = sqlite3_column_double(st, 1);
            if (sqlite3_column_int(st, 2) && scores[i] >= t->threshold && scores[i] > 0 &&
                (*best < 0 || scores[i] > scores[*best]))
                *best = (int)i;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_fail(s, STORE_ESQL);
    sqlite3_finalize(st);
    return rc;
}

int classify_text(struct store *s, const struct topics *t, const char *title,
                  const char *labels, const char *body, double *scores, int *best)
{
    long id = 0;
    int rc = store_begin(s);        /* BEGIN IMMEDIATE, always rolled back */
    if (rc)
        return rc;
    if (!(rc = reset_parts(s)) && !(rc = add_draft(s, title, labels, body, &id)) &&
        !(rc = score_parts(s, t, id)))
        rc = read_scores(s, t, scores, best);
    store_rollback(s);
    return rc;
}
