/* search: full-text questions over the posts' words (SQLite FTS5): search
 * with highlighted snippets, link suggestions for a draft or a post (what it
 * should link to and does not yet, and why), and unlinked mentions (a post
 * naming another post's title without linking to it). Rows go to a
 * query_row_fn, header first, lent for one call only. Each function returns
 * STORE_OK, an enum search_error or a store error (message: store_errmsg),
 * and changes nothing in the database: its work tables are temporary. */
#ifndef BLOGMAP_SEARCH_H
#define BLOGMAP_SEARCH_H

#include <stddef.h>

#include "blogmap/query.h"
#include "blogmap/store.h"
#include "blogmap/topics.h"

enum search_error {
    SEARCH_EQUERY = -110,       /* the query has no searchable word */
    SEARCH_ENOTFOUND = -111     /* the post to suggest for is not crawled */
};

/* Posts matching QUERY (plain words; "quoted phrases" and a final * are
 * kept), best first, at most LIMIT (0: 20). Columns: url, title, topic,
 * score, snippet (matches in [brackets]). SEARCH_EQUERY when QUERY has no
 * word to search for. */
int search_posts(struct store *s, const char *query, size_t limit, query_row_fn fn, void *ctx);

/* The FTS5 expression search_posts runs for QUERY, malloc'd in *OUT for
 * the caller to free: each word an FTS5 string, "phrases" kept, a final *
 * kept as a prefix mark, all ANDed. SEARCH_EQUERY when no word is left. */
int search_fts_query(const char *query, char **out);

struct search_draft {
    long post_id;               /* > 0: suggest for this crawled post */
    const char *title, *labels, *body;  /* else for this draft */
};

/* Posts D should link to and does not yet, best first, at most TOP (0: 10):
 * ranked by FTS5 relevance of D's distinctive terms, sharing D's theme (by
 * T), and, to break ties, a boost for orphans and under-linked posts.
 * Columns: url, title, topic, score, why. T may be NULL (no theme); a
 * draft's theme is scored with classify_text, so on a read-only S a draft
 * gets none. SEARCH_ENOTFOUND when D's post is no crawled post,
 * SEARCH_EQUERY when a draft has no words. */
int search_suggest(struct store *s, const struct topics *t, const struct search_draft *d,
                   size_t top, query_row_fn fn, void *ctx);

/* Options of search_suggest_with: search_suggest's TOP, and what
 * search_suggest leaves at zero. */
struct search_suggest_opts {
    size_t top;             /* at most this many (0: 10) */
    int keep_linked;        /* nonzero: do not leave out the posts D already
                             * links to (to measure suggestions against them) */
    const long *linked;     /* a draft's links to crawled posts (ids, as from
                             * search_post_id): left out like a post's edges */
    size_t n_linked;
};

/* search_suggest with options O (NULL: all zero). */
int search_suggest_with(struct store *s, const struct topics *t, const struct search_draft *d,
                        const struct search_suggest_opts *o, query_row_fn fn, void *ctx);

/* The id of the crawled post URL (already normalised, as by url_normalize)
 * stands for, following redirects and canonicals, in *ID; SEARCH_ENOTFOUND
 * when it is no post. */
int search_post_id(struct store *s, const char *url, long *id);

/* Unlinked mentions: posts whose body names another post's title (or its
 * distinctive phrase) without linking to it. Columns: source, target,
 * target_title, phrase, sentence. */
int search_mentions(struct store *s, query_row_fn fn, void *ctx);

const char *search_strerror(int code);

#endif
