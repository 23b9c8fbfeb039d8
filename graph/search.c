/* search: full-text search of the posts, and the helpers the other search
 * files share (searchInt.h).
 *
 * A user's words never reach FTS5 as syntax: each word becomes an FTS5
 * string ("word", inner quotes doubled), a "quoted phrase" one string, a
 * final * the prefix mark after it, and the strings are ANDed; words with
 * no letter or digit are dropped, because an empty string would make the
 * whole AND match nothing. Ranking is FTS5's own bm25 through its rank
 * column (rank MATCH 'bm25(...)' with the title above the labels above the
 * body, ORDER BY rank), so FTS5 sorts the matches itself and the snippets
 * are computed only for the LIMIT rows returned, not for every match; the
 * posts-view test is an EXISTS that SQLite checks row by row in that order.
 * The snippet is the body's, with matches marked by control characters that
 * become [ ]; when the body holds no match the title's (or the labels')
 * highlighted text stands in. */
#include "blogmap/search.h"
#include "blogmap/analyse.h"
#include "searchInt.h"
#include "storeInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_LIMIT_DEFAULT 20
#define SEARCH_SNIPPET_TOKENS 16
#define SEARCH_SPACES " \t\r\n\f\v"

/* Matches are marked with \x02 and \x03, then bracketed (a control byte in
 * a post's own text, which the extractor's text seldom holds, would be
 * bracketed too: harmless); the body's snippet is used unless it has no
 * match. */
static const char search_sql[] =
    "SELECT p.url, p.title, coalesce(p.topic, '') AS topic,"
    " printf('%.3f', -f.rank) AS score,"
    " replace(replace(CASE WHEN instr(f.b, char(2)) THEN f.b WHEN instr(f.t, char(2)) THEN f.t"
    "  WHEN instr(f.l, char(2)) THEN f.l ELSE f.b END, char(2), '['), char(3), ']') AS snippet"
    " FROM (SELECT rowid AS id, rank,"
    "  snippet(post_text, 2, char(2), char(3), '\xe2\x80\xa6', ?4) AS b,"
    "  highlight(post_text, 0, char(2), char(3)) AS t,"
    "  highlight(post_text, 1, char(2), char(3)) AS l"
    "  FROM post_text WHERE post_text MATCH ?1 AND rank MATCH ?2"
    "  AND EXISTS (SELECT 1 FROM pages q WHERE q.id = post_text.rowid AND "
    SEARCH_IS_POST("q") ")"
    "  ORDER BY rank LIMIT ?3) f JOIN pages p ON p.id = f.id ORDER BY f.rank";

void search_buf_add(struct search_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            abort();
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void search_buf_release(struct search_buf *b)
{
    free(b->s);
    memset(b, 0, sizeof(*b));
}

void search_buf_fts_string(struct search_buf *b, const char *text, size_t n)
{
    search_buf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++)
        search_buf_add(b, text[i] == '"' ? "\"\"" : text + i, text[i] == '"' ? 2 : 1);
    search_buf_add(b, "\"", 1);
}

/* Code points unicode61 treats as separators: punctuation, symbols and
 * spaces of the blocks a blog's text uses (Latin-1, general punctuation,
 * currency, arrows to dingbats, CJK punctuation, full-width forms, emoji). */
static int search_separator(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0xbf && cp != 0xaa && cp != 0xb5 && cp != 0xba) || cp == 0xd7 ||
           cp == 0xf7 || (cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x20a0 && cp <= 0x20cf) ||
           (cp >= 0x2190 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff0f) ||
           (cp >= 0xff1a && cp <= 0xff20) || (cp >= 0x1f000 && cp <= 0x1faff);
}

size_t search_char(const char *s, size_t n, int *word)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = u[0] < 0x80 ? 1 : u[0] >= 0xc2 && u[0] <= 0xdf ? 2
               : u[0] >= 0xe0 && u[0] <= 0xef ? 3 : u[0] >= 0xf0 && u[0] <= 0xf4 ? 4 : 0;
    unsigned long cp = len == 1 ? u[0] : len == 2 ? u[0] & 0x1fu : len == 3 ? u[0] & 0x0fu
                                                                            : u[0] & 0x07u;
    if (len == 0 || len > n) {
        *word = 0;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            *word = 0;
            return 1;
        }
        cp = (cp << 6) | (u[i] & 0x3fu);
    }
    if (len == 1)
        *word = (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    else
        *word = !search_separator(cp);
    return len;
}

int search_has_word(const char *text, size_t n)
{
    int word = 0;
    for (size_t i = 0; i < n && !word;)
        i += search_char(text + i, n - i, &word);
    return word;
}

int search_emit(struct store *s, sqlite3_stmt *st, query_row_fn fn, void *ctx)
{
    int n = sqlite3_column_count(st), rc = SQLITE_DONE;
    const char **names = calloc((size_t)n + 1, sizeof(*names));
    const char **values = calloc((size_t)n + 1, sizeof(*values));
    if (!names || !values)
        abort();
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    if (!fn(ctx, n, names, NULL)) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            for (int i = 0; i < n; i++)
                values[i] = (const char *)sqlite3_column_text(st, i);
            if (fn(ctx, n, names, values))
                break;
        }
    }
    rc = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? STORE_OK : store_fail(s, STORE_ESQL);
    free(names);
    free(values);
    sqlite3_finalize(st);
    return rc;
}

/* The next term of the user's query at *P: a "phrase" (to the closing
 * quote, or the end) or a word (to a space or a quote), in *TEXT and *N;
 * *PREFIX says whether a * followed it. Advances *P; returns 0 at the end. */
static int search_next_term(const char **p, const char **text, size_t *n, int *prefix)
{
    const char *q = *p + strspn(*p, SEARCH_SPACES);
    if (!*q)
        return 0;
    if (*q == '"') {
        *text = ++q;
        *n = strcspn(q, "\"");
        q += *n + (q[*n] == '"');
    } else {
        *text = q;
        *n = strcspn(q, SEARCH_SPACES "\"");
        q += *n;
    }
    *prefix = 0;
    for (; *n > 0 && (*text)[*n - 1] == '*'; (*n)--)
        *prefix = 1;
    for (; *q == '*'; q++)
        *prefix = 1;
    *p = q;
    return 1;
}

int search_fts_query(const char *query, char **out)
{
    struct search_buf b = {0};
    const char *p = query, *text;
    size_t n;
    int prefix;
    while (search_next_term(&p, &text, &n, &prefix)) {
        if (!search_has_word(text, n))
            continue;
        if (b.len)
            search_buf_add(&b, " AND ", 5);
        search_buf_fts_string(&b, text, n);
        if (prefix)
            search_buf_add(&b, "*", 1);
    }
    if (!b.len)
        return SEARCH_EQUERY;
    *out = b.s;
    return STORE_OK;
}

int search_posts(struct store *s, const char *query, size_t limit, query_row_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    char *expr = NULL, rank[96];
    int rc = search_fts_query(query ? query : "", &expr);
    if (rc) {
        snprintf(s->err, sizeof(s->err), "no word to search for in '%s'", query ? query : "");
        return rc;
    }
    if ((rc = store_prepare(s, search_sql, &st))) {
        free(expr);
        return rc;
    }
    snprintf(rank, sizeof(rank), "bm25(%.2f, %.2f, %.2f)", SEARCH_W_TITLE, SEARCH_W_LABELS,
             SEARCH_W_BODY);
    sqlite3_bind_text(st, 1, expr, -1, free);
    sqlite3_bind_text(st, 2, rank, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)(limit ? limit : SEARCH_LIMIT_DEFAULT));
    sqlite3_bind_int(st, 4, SEARCH_SNIPPET_TOKENS);
    return search_emit(s, st, fn, ctx);
}

int search_post_id(struct store *s, const char *url, long *id)
{
    int rc = analyse_post_id(s, url, id);      /* one place resolves a URL to a post */
    return rc == ANALYSE_ENOTFOUND ? SEARCH_ENOTFOUND : rc;
}

int search_suggest(struct store *s, const struct topics *t, const struct search_draft *d,
                   size_t top, query_row_fn fn, void *ctx)
{
    struct search_suggest_opts o = {.top = top};
    return search_suggest_with(s, t, d, &o, fn, ctx);
}

const char *search_strerror(int code)
{
    switch (code) {
    case SEARCH_EQUERY: return "the query has no word to search for";
    case SEARCH_ENOTFOUND: return "not a crawled post";
    default: return store_strerror(code);
    }
}
