/* search_mentions: unlinked mentions, posts whose body names another post's
 * title, or a distinctive part of it, without linking to it.
 *
 * The phrases of a title are the whole title and its parts between
 * punctuation that ends a clause (: ? ! ; | ( ) [ ] quotes, dashes), each
 * kept when it has at least MENTION_MIN_WORDS words; the whole title comes
 * first, so a source naming all of it is reported with all of it. Each
 * phrase runs as one FTS5 phrase query on the body column (the body holds
 * no anchor text, so a link's own words never count as a mention), through
 * one prepared statement: a 2,000-post blog takes a few thousand indexed
 * lookups, about a second. A phrase found in more than
 * MENTION_MAX_SOURCES posts is a common expression ("How to Think About"),
 * not a mention, and is dropped. A source that already links to the target
 * (edge table, redirects resolved) is no unlinked mention. The sentence is
 * cut from the body's highlight() around the first match, at sentence ends
 * or MENTION_SENTENCE_MAX bytes either side. Hits collect in a temporary
 * table, which hands them back sorted by source and target. */
#include "blogmap/search.h"
#include "searchInt.h"
#include "storeInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MENTION_MIN_WORDS 3
#define MENTION_MAX_SOURCES 10
#define MENTION_MAX_PHRASES 16          /* per title */
#define MENTION_SENTENCE_MAX 200
#define MENTION_OPEN '\x02'
#define MENTION_CLOSE '\x03'

static const char mention_setup_sql[] =
    "CREATE TABLE IF NOT EXISTS temp.mt_hit(source INTEGER, target INTEGER, phrase TEXT,"
    " sentence TEXT, PRIMARY KEY(source, target));"
    "DELETE FROM temp.mt_hit;";

/* Posts holding phrase ?1 in their body, other than the target ?2, whether
 * each is a post and links to the target, and its highlighted body. */
static const char mention_find_sql[] =
    "SELECT f.rowid, EXISTS (SELECT 1 FROM pages q WHERE q.id = f.rowid AND "
    SEARCH_IS_POST("q") "),"
    " EXISTS (SELECT 1 FROM edge e WHERE e.src = f.rowid AND e.dst = ?2),"
    " highlight(post_text, 2, char(2), char(3))"
    " FROM post_text f WHERE post_text MATCH ?1 AND f.rowid <> ?2 LIMIT ?3";

static const char mention_emit_sql[] =
    "SELECT s.url AS source, t.url AS target, t.title AS target_title, h.phrase, h.sentence"
    " FROM temp.mt_hit h JOIN pages s ON s.id = h.source JOIN pages t ON t.id = h.target"
    " ORDER BY s.url, t.url";

struct mention_phrase {
    const char *text;
    size_t n;
};

/* The length of a clause-ending mark at S (N bytes left), or 0. */
static size_t mention_break(const char *s, size_t n)
{
    static const char *const marks[] = {
        "\xe2\x80\x94", "\xe2\x80\x93", "\xe2\x80\x9c", "\xe2\x80\x9d", " - ",
    };
    if (strchr(":?!;|()[]\"", *s))
        return 1;
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        size_t len = strlen(marks[i]);
        if (len <= n && !memcmp(s, marks[i], len))
            return len;
    }
    return 0;
}

static size_t mention_words(const char *s, size_t n)
{
    size_t words = 0;
    int word, in = 0;
    for (size_t i = 0; i < n;) {
        i += search_char(s + i, n - i, &word);
        words += word && !in;
        in = word;
    }
    return words;
}

/* Add S[0..N), trimmed, to V unless it is too short or already there. */
static void mention_add(struct mention_phrase *v, size_t *count, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == ','))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == ',' || s[n - 1] == '.'))
        n--;
    if (*count == MENTION_MAX_PHRASES || mention_words(s, n) < MENTION_MIN_WORDS)
        return;
    for (size_t i = 0; i < *count; i++)
        if (v[i].n == n && !memcmp(v[i].text, s, n))
            return;
    v[(*count)++] = (struct mention_phrase){s, n};
}

/* The phrases of TITLE, the whole title first; returns their count. */
static size_t mention_phrases(const char *title, struct mention_phrase *v)
{
    size_t count = 0, n = strlen(title), start = 0;
    mention_add(v, &count, title, n);
    for (size_t i = 0; i <= n;) {
        size_t brk = i < n ? mention_break(title + i, n - i) : 1;
        if (!brk) {
            i++;
            continue;
        }
        mention_add(v, &count, title + start, i - start);
        i += brk;
        start = i;
    }
    return count;
}

/* Step back from P to the start of its sentence, at most
 * MENTION_SENTENCE_MAX bytes and never into a UTF-8 sequence. */
static const char *mention_sentence_start(const char *text, const char *p)
{
    const char *a = p;
    while (a > text && p - a < MENTION_SENTENCE_MAX &&
           !(a - text >= 2 && a[-1] == ' ' && strchr(".!?", a[-2])))
        a--;
    while (a < p && ((unsigned char)*a & 0xc0) == 0x80)
        a++;
    return a;
}

static const char *mention_sentence_end(const char *p)
{
    const char *z = p;
    while (*z && z - p < MENTION_SENTENCE_MAX) {
        if (strchr(".!?", *z) && (z[1] == ' ' || z[1] == '\0'))
            return z + 1;
        z++;
    }
    while (*z && z > p && ((unsigned char)*z & 0xc0) == 0x80)
        z--;
    return z;
}

/* The sentence of highlighted TEXT around its first match, with the
 * matches in [brackets], malloc'd; NULL when TEXT has no match. */
static char *mention_sentence(const char *text)
{
    const char *open = strchr(text, MENTION_OPEN), *close;
    if (!open)
        return NULL;
    close = strchr(open, MENTION_CLOSE);
    const char *a = mention_sentence_start(text, open);
    const char *z = mention_sentence_end(close ? close : open);
    struct search_buf b = {0};
    if (a > text && !(a[-1] == ' ' && a - text >= 2 && strchr(".!?", a[-2])))
        search_buf_add(&b, "\xe2\x80\xa6", 3);
    for (const char *c = a; c < z; c++)
        search_buf_add(&b, *c == MENTION_OPEN ? "[" : *c == MENTION_CLOSE ? "]" : c, 1);
    if (*z && !strchr(".!?", z[-1]))
        search_buf_add(&b, "\xe2\x80\xa6", 3);
    return b.s;
}

/* Record the hit of phrase P of TARGET in SOURCE. */
static int mention_record(struct store *s, sqlite3_stmt *ins, long source, long target,
                          const struct mention_phrase *p, const char *highlighted)
{
    char *sentence = mention_sentence(highlighted);
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, source);
    sqlite3_bind_int64(ins, 2, target);
    sqlite3_bind_text(ins, 3, p->text, (int)p->n, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, sentence ? sentence : "", -1, SQLITE_TRANSIENT);
    free(sentence);
    return sqlite3_step(ins) == SQLITE_DONE ? STORE_OK : store_fail(s, STORE_ESQL);
}

struct mention_hit {
    long source;
    char *highlighted;          /* NULL: not a post, or it links to the target */
};

/* The posts other than TARGET whose body holds phrase P, at most
 * MENTION_MAX_SOURCES + 1 of them, in HITS; their count in *N. */
static int mention_find(struct store *s, sqlite3_stmt *find, long target,
                        const struct mention_phrase *p, struct mention_hit *hits, size_t *n)
{
    struct search_buf q = {0};
    int step;
    search_buf_add(&q, "body : ", 7);
    search_buf_fts_string(&q, p->text, p->n);
    sqlite3_reset(find);
    sqlite3_bind_text(find, 1, q.s, (int)q.len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(find, 2, target);
    sqlite3_bind_int(find, 3, MENTION_MAX_SOURCES + 1);
    search_buf_release(&q);
    *n = 0;
    while ((step = sqlite3_step(find)) == SQLITE_ROW && *n <= MENTION_MAX_SOURCES) {
        const char *h = (const char *)sqlite3_column_text(find, 3);
        struct mention_hit *hit = &hits[(*n)++];
        hit->source = (long)sqlite3_column_int64(find, 0);
        hit->highlighted = NULL;
        if (sqlite3_column_int(find, 1) && !sqlite3_column_int(find, 2) && h &&
            !(hit->highlighted = strdup(h)))
            abort();
    }
    sqlite3_reset(find);
    return step == SQLITE_DONE || step == SQLITE_ROW ? STORE_OK : store_fail(s, STORE_ESQL);
}

/* Record phrase P's unlinked mentions of TARGET, unless more than
 * MENTION_MAX_SOURCES posts hold it. */
static int mention_phrase(struct store *s, sqlite3_stmt *find, sqlite3_stmt *ins, long target,
                          const struct mention_phrase *p)
{
    struct mention_hit hits[MENTION_MAX_SOURCES + 1];
    size_t n = 0;
    int rc = mention_find(s, find, target, p, hits, &n);
    for (size_t i = 0; i < n; i++) {
        if (!rc && n <= MENTION_MAX_SOURCES && hits[i].highlighted)
            rc = mention_record(s, ins, hits[i].source, target, p, hits[i].highlighted);
        free(hits[i].highlighted);
    }
    return rc;
}

/* Look for every phrase of TARGET's TITLE, the whole title first. */
static int mention_title(struct store *s, sqlite3_stmt *find, sqlite3_stmt *ins, long target,
                         const char *title)
{
    struct mention_phrase v[MENTION_MAX_PHRASES];
    size_t n = mention_phrases(title, v);
    int rc = STORE_OK;
    for (size_t i = 0; !rc && i < n; i++)
        rc = mention_phrase(s, find, ins, target, &v[i]);
    return rc;
}

int search_mentions(struct store *s, query_row_fn fn, void *ctx)
{
    sqlite3_stmt *posts = NULL, *find = NULL, *ins = NULL, *out = NULL;
    int rc = store_exec(s, mention_setup_sql), step = SQLITE_DONE;
    if (!rc)
        rc = store_prepare(s, "SELECT p.id, p.title FROM pages p WHERE " SEARCH_IS_POST("p")
                              " AND p.title IS NOT NULL ORDER BY p.id", &posts);
    if (!rc)
        rc = store_prepare(s, mention_find_sql, &find);
    if (!rc)
        rc = store_prepare(s, "INSERT OR IGNORE INTO temp.mt_hit(source, target, phrase,"
                              " sentence) VALUES(?1, ?2, ?3, ?4)", &ins);
    while (!rc && (step = sqlite3_step(posts)) == SQLITE_ROW)
        rc = mention_title(s, find, ins, (long)sqlite3_column_int64(posts, 0),
                           (const char *)sqlite3_column_text(posts, 1));
    if (!rc && step != SQLITE_DONE)
        rc = store_fail(s, STORE_ESQL);
    sqlite3_finalize(posts);
    sqlite3_finalize(find);
    sqlite3_finalize(ins);
    if (!rc)
        rc = store_prepare(s, mention_emit_sql, &out);
    return rc ? rc : search_emit(s, out, fn, ctx);
}
