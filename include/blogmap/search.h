/* search: full-text questions over the posts' words (SQLite FTS5): search
 * with highlighted snippets, link suggestions for a draft or a post (what it
 * should link to and does not yet, and why), and unlinked mentions (a post
 * naming another post's title without linking to it). Rows go to a
 * query_row_fn, header first, lent for one call only. */
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
 * score, snippet (matches in [brackets]). */
int search_posts(struct store *s, const char *query, size_t limit, query_row_fn fn, void *ctx);

struct search_draft {
    long post_id;               /* > 0: suggest for this crawled post */
    const char *title, *labels, *body;  /* else for this draft */
};

/* Posts D should link to and does not yet, best first, at most TOP (0: 10):
 * ranked by FTS5 relevance of D's distinctive terms, sharing D's theme (by
 * T), and, to break ties, a boost for orphans and under-linked posts.
 * Columns: url, title, topic, score, why. */
int search_suggest(struct store *s, const struct topics *t, const struct search_draft *d,
                   size_t top, query_row_fn fn, void *ctx);

/* Unlinked mentions: posts whose body names another post's title (or its
 * distinctive phrase) without linking to it. Columns: source, target,
 * target_title, phrase, sentence. */
int search_mentions(struct store *s, query_row_fn fn, void *ctx);

const char *search_strerror(int code);

#endif
