/* search_suggest: the posts a draft, or a crawled post, should link to and
 * does not yet.
 *
 * Distinctive terms: the text's words (title counted 3 times, labels twice,
 * body once) are stemmed by FTS5 itself, each distinct word going into a
 * temporary FTS5 table with post_text's tokenizer, whose fts5vocab
 * 'instance' table says which stem each word makes. A stem's weight is
 * (1 + ln tf) * bm25's idf, the document frequency coming from an fts5vocab
 * 'row' table over post_text (minus one for a crawled post, which counts
 * itself); stems that no other post has, stems in more than half the posts
 * and numbers are dropped, and the best SUGGEST_TERMS are kept. Each is
 * queried as the word the text used most for it, never as the stem: porter
 * is not idempotent ("hyperscal" stems to "hypersc"), so a stem typed back
 * into MATCH can miss the very posts that share it.
 *
 * Ranking: one FTS5 query per term gives every post holding it that term's
 * bm25 (title above labels above body) times 1 + ln tf; a candidate's
 * relevance is the sum, divided by the best candidate's, plus
 * SUGGEST_THEME_BONUS when it has the text's theme (a post's stored theme;
 * a draft's from classify_text) and SUGGEST_LINK_BOOST / (1 + its inbound
 * links), the tie-break that favours orphans and under-linked posts. Left
 * out: the post itself, the posts it links to (edge table) or the draft's
 * links, unless keep_linked asks to measure against them. "why" names the
 * shared terms that weighed most and the shared theme.
 *
 * Everything is temporary (temp schema), so a read-only database works; a
 * draft's theme needs a writable one (classify_text adds it to post_text
 * inside a savepoint), and on a read-only database a draft gets no theme. */
#include "blogmap/classify.h"
#include "blogmap/search.h"
#include "searchInt.h"
#include "storeInt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUGGEST_TOP_DEFAULT 10
#define SUGGEST_TERMS 20            /* distinctive terms queried */
#define SUGGEST_WHY_TERMS 4         /* shared terms named in "why" */
#define SUGGEST_WORD_MAX 40         /* longer "words" (hashes, data) are not terms */
#define SUGGEST_W_TITLE 3.0
#define SUGGEST_W_LABELS 2.0
#define SUGGEST_W_BODY 1.0
#define SUGGEST_THEME_BONUS 0.25    /* on a relevance of at most 1 */
#define SUGGEST_LINK_BOOST 0.05     /* an orphan's; with k inbound links, / (1 + k) */

/* Words that say nothing about what a post is about: English function
 * words and a blog's link lead-ins ("If interested see", "Related"). Sorted,
 * for bsearch. */
static const char *const suggest_stopwords[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "even",
    "every", "few", "for", "from", "further", "get", "gets", "got", "had", "has", "have",
    "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however",
    "i", "if", "in", "interested", "into", "is", "it", "its", "itself", "just", "let", "like",
    "links", "made", "make", "makes", "many", "may", "me", "might", "more", "most", "much",
    "must", "my", "myself", "new", "no", "nor", "not", "now", "of", "off", "on", "once", "one",
    "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "per", "post",
    "posts", "previously", "related", "same", "see", "she", "should", "so", "some", "still",
    "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "two", "under", "until", "up",
    "upon", "us", "very", "via", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "within", "without", "would", "yet", "you", "your",
    "yours", "yourself",
};
#define SUGGEST_N_STOPWORDS (sizeof(suggest_stopwords) / sizeof(suggest_stopwords[0]))

static const char suggest_setup_sql[] =
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.post_vocab"
    " USING fts5vocab(main, 'post_text', 'row');"
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.sg_words USING fts5(word, " SEARCH_TOKENIZE ");"
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.sg_stems"
    " USING fts5vocab(temp, 'sg_words', 'instance');"
    "CREATE TABLE IF NOT EXISTS temp.sg_word(id INTEGER PRIMARY KEY, word TEXT UNIQUE,"
    " weight REAL);"
    "CREATE TABLE IF NOT EXISTS temp.sg_term(id INTEGER PRIMARY KEY, word TEXT, weight REAL);"
    "CREATE TABLE IF NOT EXISTS temp.sg_part(post_id INTEGER, term INTEGER, part REAL);"
    "CREATE INDEX IF NOT EXISTS temp.sg_part_post ON sg_part(post_id);"
    "CREATE TABLE IF NOT EXISTS temp.sg_skip(id INTEGER PRIMARY KEY);"
    "DELETE FROM temp.sg_words; DELETE FROM temp.sg_word; DELETE FROM temp.sg_term;"
    "DELETE FROM temp.sg_part; DELETE FROM temp.sg_skip;";

/* Stems with the word that stands for each (only words that make exactly one
 * token), the weighted count and the document frequency. */
static const char suggest_stems_sql[] =
    "SELECT i.term, w.word, sum(w.weight), max(w.weight),"
    " (SELECT v.doc FROM temp.post_vocab v WHERE v.term = i.term),"
    " (SELECT count(*) FROM pages WHERE is_post = 1)"
    " FROM temp.sg_stems i JOIN temp.sg_word w ON w.id = i.doc"
    " WHERE i.doc IN (SELECT doc FROM temp.sg_stems GROUP BY doc HAVING count(*) = 1)"
    " GROUP BY i.term";

static const char suggest_rank_sql[] =
    "WITH c AS (SELECT post_id AS id, sum(part) AS rel FROM temp.sg_part"
    "  WHERE post_id NOT IN (SELECT id FROM temp.sg_skip) GROUP BY post_id),"
    " e AS (SELECT c.id, c.rel, p.url, p.title, coalesce(p.topic, '') AS topic,"
    "  (SELECT count(*) FROM edge WHERE dst = c.id) AS inbound"
    "  FROM c JOIN pages p ON p.id = c.id WHERE " SEARCH_IS_POST("p") "),"
    " r AS (SELECT e.*, coalesce(e.topic = ?1, 0) AS same,"
    "  coalesce(e.rel / nullif(max(e.rel) OVER (), 0), 0) + coalesce(e.topic = ?1, 0) * ?2"
    "  + ?3 / (1 + e.inbound)"
    "  AS score FROM e)"
    " SELECT url, title, topic, printf('%.3f', score) AS score,"
    "  'shared: ' || (SELECT group_concat(word, ', ') FROM (SELECT t.word FROM temp.sg_part sp"
    "   JOIN temp.sg_term t ON t.id = sp.term WHERE sp.post_id = r.id"
    "   ORDER BY sp.part DESC LIMIT ?5))"
    "  || CASE WHEN same THEN '; same theme: ' || topic ELSE '' END AS why"
    " FROM r ORDER BY r.score DESC, r.url LIMIT ?4";

struct suggest_term {
    char *word;
    double qtf;                 /* 1 + ln tf: the weight of its bm25 */
    double rank;                /* qtf * idf: how distinctive */
};

struct suggest {
    struct store *s;
    const struct search_draft *d;
    const struct search_suggest_opts *o;
    char *title, *labels, *body;        /* the text (owned copies) */
    char *theme;                        /* its theme, NULL for none or "other" */
    long self;                          /* the post's id, 0 for a draft */
    size_t n_words;                     /* words counted, repeats included */
    struct suggest_term *terms;
    size_t n_terms, cap_terms;
};

static char *suggest_dup(const char *s)
{
    char *p = strdup(s ? s : "");
    if (!p)
        abort();
    return p;
}

/* The crawled post's text and theme, from post_text and pages. */
static int suggest_load_post(struct suggest *g)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(g->s, "SELECT t.title, t.labels, t.body, p.topic FROM post_text t"
                                 " JOIN pages p ON p.id = t.rowid"
                                 " WHERE t.rowid = ?1 AND " SEARCH_IS_POST("p"), &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, g->d->post_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *topic = (const char *)sqlite3_column_text(st, 3);
        g->title = suggest_dup((const char *)sqlite3_column_text(st, 0));
        g->labels = suggest_dup((const char *)sqlite3_column_text(st, 1));
        g->body = suggest_dup((const char *)sqlite3_column_text(st, 2));
        g->theme = topic && strcmp(topic, TOPICS_OTHER) ? suggest_dup(topic) : NULL;
        g->self = g->d->post_id;
    } else if (step == SQLITE_DONE) {
        snprintf(g->s->err, sizeof(g->s->err), "post %ld is not a crawled post", g->d->post_id);
        rc = SEARCH_ENOTFOUND;
    } else {
        rc = store_fail(g->s, STORE_ESQL);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The draft's text, and its theme by T (none without T, or on a read-only
 * database). */
static int suggest_load_draft(struct suggest *g, const struct topics *t)
{
    int best = -1, rc = STORE_OK;
    g->title = suggest_dup(g->d->title);
    g->labels = suggest_dup(g->d->labels);
    g->body = suggest_dup(g->d->body);
    if (!t || !t->n)
        return STORE_OK;
    double *scores = calloc(t->n, sizeof(*scores));
    if (!scores)
        abort();
    rc = classify_text(g->s, t, g->title, g->labels, g->body, scores, &best);
    if (rc == STORE_EREADONLY)
        rc = STORE_OK;
    else if (!rc && best >= 0)
        g->theme = suggest_dup(t->v[best].name);
    free(scores);
    return rc;
}

static int suggest_by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Count one word (at most SUGGEST_WORD_MAX bytes) with WEIGHT, lower-cased,
 * unless it is a single letter or a stopword. */
static int suggest_put_word(struct suggest *g, sqlite3_stmt *st, const char *w, size_t n,
                            double weight)
{
    char low[SUGGEST_WORD_MAX + 1];
    const char *key = low;
    for (size_t i = 0; i < n; i++)
        low[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char)(w[i] - 'A' + 'a') : w[i];
    low[n] = '\0';
    g->n_words++;
    if (n < 2 || bsearch(&key, suggest_stopwords, SUGGEST_N_STOPWORDS, sizeof(key),
                         suggest_by_string))
        return STORE_OK;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, low, (int)n, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 2, weight);
    return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : store_fail(g->s, STORE_ESQL);
}

/* Count TEXT's words with weight W, skipping URLs. */
static int suggest_count_words(struct suggest *g, sqlite3_stmt *st, const char *text, double w)
{
    size_t n = strlen(text), i = 0;
    int rc = STORE_OK, word;
    while (!rc && i < n) {
        if (!strncmp(text + i, "http://", 7) || !strncmp(text + i, "https://", 8)) {
            i += strcspn(text + i, " \t\r\n");
            continue;
        }
        size_t j = i, len = search_char(text + i, n - i, &word);
        if (!word) {
            i += len;
            continue;
        }
        while (j < n && (len = search_char(text + j, n - j, &word)) && word)
            j += len;
        if (j - i <= SUGGEST_WORD_MAX)
            rc = suggest_put_word(g, st, text + i, j - i, w);
        i = j;
    }
    return rc;
}

/* Fill temp.sg_word (distinct words, weighted counts) and temp.sg_words
 * (the same words, one FTS5 row each, to be stemmed). */
static int suggest_words(struct suggest *g)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(g->s, "INSERT INTO temp.sg_word(word, weight) VALUES(?1, ?2)"
                                 " ON CONFLICT(word) DO UPDATE SET weight = weight"
                                 " + excluded.weight", &st);
    if (!rc)
        rc = suggest_count_words(g, st, g->title, SUGGEST_W_TITLE);
    if (!rc)
        rc = suggest_count_words(g, st, g->labels, SUGGEST_W_LABELS);
    if (!rc)
        rc = suggest_count_words(g, st, g->body, SUGGEST_W_BODY);
    sqlite3_finalize(st);
    if (!rc)
        rc = store_exec(g->s, "INSERT INTO temp.sg_words(rowid, word)"
                              " SELECT id, word FROM temp.sg_word");
    return rc;
}

static int suggest_all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Keep one stem as a candidate term, if it is distinctive. */
static void suggest_keep_term(struct suggest *g, const char *stem, const char *word, double tf,
                              double df, double n)
{
    if (g->self > 0)
        df -= 1;        /* the post itself holds every one of its stems */
    if (!stem || !word || df < 1 || df > n / 2 || suggest_all_digits(stem) || tf <= 0)
        return;
    if (g->n_terms == g->cap_terms) {
        g->cap_terms = g->cap_terms ? 2 * g->cap_terms : 64;
        g->terms = realloc(g->terms, g->cap_terms * sizeof(*g->terms));
        if (!g->terms)
            abort();
    }
    struct suggest_term *t = &g->terms[g->n_terms++];
    t->word = suggest_dup(word);
    t->qtf = 1 + log(tf);
    t->rank = t->qtf * log1p((n - df + 0.5) / (df + 0.5));
}

static int suggest_by_rank(const void *a, const void *b)
{
    const struct suggest_term *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? 1 : -1;
    return strcmp(x->word, y->word);
}

/* The distinctive terms, best first, at most SUGGEST_TERMS of them. */
static int suggest_terms(struct suggest *g)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(g->s, suggest_stems_sql, &st), step;
    if (rc)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        suggest_keep_term(g, (const char *)sqlite3_column_text(st, 0),
                          (const char *)sqlite3_column_text(st, 1), sqlite3_column_double(st, 2),
                          sqlite3_column_double(st, 4), sqlite3_column_double(st, 5));
    if (step != SQLITE_DONE)
        rc = store_fail(g->s, STORE_ESQL);
    sqlite3_finalize(st);
    if (g->n_terms)
        qsort(g->terms, g->n_terms, sizeof(*g->terms), suggest_by_rank);
    for (size_t i = SUGGEST_TERMS; i < g->n_terms; i++)
        free(g->terms[i].word);
    if (g->n_terms > SUGGEST_TERMS)
        g->n_terms = SUGGEST_TERMS;
    return rc;
}

/* Run one term's query: its bm25 part for every post holding it. */
static int suggest_part(struct suggest *g, sqlite3_stmt *part, sqlite3_stmt *term, size_t i)
{
    struct search_buf q = {0};
    const struct suggest_term *t = &g->terms[i];
    search_buf_fts_string(&q, t->word, strlen(t->word));
    sqlite3_reset(term);
    sqlite3_bind_int64(term, 1, (sqlite3_int64)i + 1);
    sqlite3_bind_text(term, 2, t->word, -1, SQLITE_STATIC);
    sqlite3_bind_double(term, 3, t->qtf);
    sqlite3_reset(part);
    sqlite3_bind_int64(part, 1, (sqlite3_int64)i + 1);
    sqlite3_bind_double(part, 2, t->qtf);
    sqlite3_bind_double(part, 3, SEARCH_W_TITLE);
    sqlite3_bind_double(part, 4, SEARCH_W_LABELS);
    sqlite3_bind_double(part, 5, SEARCH_W_BODY);
    sqlite3_bind_text(part, 6, q.s, (int)q.len, SQLITE_TRANSIENT);
    int ok = sqlite3_step(term) == SQLITE_DONE && sqlite3_step(part) == SQLITE_DONE;
    sqlite3_reset(part);
    search_buf_release(&q);
    return ok ? STORE_OK : store_fail(g->s, STORE_ESQL);
}

static int suggest_parts(struct suggest *g)
{
    sqlite3_stmt *part = NULL, *term = NULL;
    int rc = store_prepare(g->s, "INSERT INTO temp.sg_part(post_id, term, part)"
                                 " SELECT rowid, ?1, -bm25(post_text, ?3, ?4, ?5) * ?2"
                                 " FROM post_text WHERE post_text MATCH ?6", &part);
    if (!rc)
        rc = store_prepare(g->s, "INSERT INTO temp.sg_term(id, word, weight)"
                                 " VALUES(?1, ?2, ?3)", &term);
    for (size_t i = 0; !rc && i < g->n_terms; i++)
        rc = suggest_part(g, part, term, i);
    sqlite3_finalize(part);
    sqlite3_finalize(term);
    return rc;
}

/* Ids to leave out: the post itself, and unless keep_linked, its edges'
 * targets and the draft's links. */
static int suggest_skip(struct suggest *g)
{
    sqlite3_stmt *st = NULL;
    int keep = g->o->keep_linked;
    int rc = store_prepare(g->s, "INSERT OR IGNORE INTO temp.sg_skip SELECT ?1 UNION ALL"
                                 " SELECT dst FROM edge WHERE src = ?1 AND ?2 = 0", &st);
    for (size_t i = 0; !rc && i <= (keep ? 0 : g->o->n_linked); i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, i ? g->o->linked[i - 1] : g->self);
        sqlite3_bind_int(st, 2, keep || i > 0);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_fail(g->s, STORE_ESQL);
    }
    sqlite3_finalize(st);
    return rc;
}

static int suggest_rank(struct suggest *g, query_row_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(g->s, suggest_rank_sql, &st);
    if (rc)
        return rc;
    if (g->theme)
        sqlite3_bind_text(st, 1, g->theme, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, SUGGEST_THEME_BONUS);
    sqlite3_bind_double(st, 3, SUGGEST_LINK_BOOST);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)(g->o->top ? g->o->top : SUGGEST_TOP_DEFAULT));
    sqlite3_bind_int(st, 5, SUGGEST_WHY_TERMS);
    return search_emit(g->s, st, fn, ctx);
}

/* The steps after the text is known, inside the caller's savepoint. */
static int suggest_run(struct suggest *g, query_row_fn fn, void *ctx)
{
    int rc = store_exec(g->s, suggest_setup_sql);
    if (!rc)
        rc = suggest_words(g);
    if (!rc && !g->n_words && !g->self) {
        snprintf(g->s->err, sizeof(g->s->err), "the draft has no words");
        rc = SEARCH_EQUERY;
    }
    if (!rc)
        rc = suggest_terms(g);
    if (!rc)
        rc = suggest_parts(g);
    if (!rc)
        rc = suggest_skip(g);
    if (!rc)
        rc = suggest_rank(g, fn, ctx);
    return rc;
}

int search_suggest_with(struct store *s, const struct topics *t, const struct search_draft *d,
                        const struct search_suggest_opts *o, query_row_fn fn, void *ctx)
{
    static const struct search_suggest_opts none = {0};
    struct suggest g = {.s = s, .d = d, .o = o ? o : &none};
    int rc = d->post_id > 0 ? suggest_load_post(&g) : suggest_load_draft(&g, t);
    if (!rc)
        rc = store_exec(s, "SAVEPOINT suggest");
    if (!rc) {
        rc = suggest_run(&g, fn, ctx);
        if (rc)
            sqlite3_exec(s->db, "ROLLBACK TO suggest", NULL, NULL, NULL);
        sqlite3_exec(s->db, "RELEASE suggest", NULL, NULL, NULL);
    }
    for (size_t i = 0; i < g.n_terms; i++)
        free(g.terms[i].word);
    free(g.terms);
    free(g.title);
    free(g.labels);
    free(g.body);
    free(g.theme);
    return rc;
}
