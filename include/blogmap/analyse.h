/* analyse: questions about the link graph, answered from the store: a post's
 * backlinks and outlinks with the sentence around each link, hubs ranked by
 * PageRank over body links, the shortest chain of links between two posts,
 * and the posts no chain of on-site links from the home page reaches. Rows
 * go to a query_row_fn, header first (as query.h), and are lent for one
 * call only. */
#ifndef BLOGMAP_ANALYSE_H
#define BLOGMAP_ANALYSE_H

#include <stddef.h>

#include "blogmap/query.h"
#include "blogmap/store.h"

enum analyse_error {
    ANALYSE_ENOTFOUND = -100,   /* the URL is no crawled post */
    ANALYSE_ENOPATH = -101,     /* no chain of links joins the two posts */
    ANALYSE_ENONAV = -102,      /* the crawl kept no navigation links (recrawl) */
    ANALYSE_ENOHOME = -103      /* the home page (or the start URL) is no crawled page */
};

/* The id of the post URL (already normalised) stands for, following
 * redirects and canonicals; ANALYSE_ENOTFOUND when it is no post. */
int analyse_post_id(struct store *s, const char *url, long *id);

/* The URL of post ID, malloc'd, in *URL (the caller frees it);
 * ANALYSE_ENOTFOUND when ID is no post. */
int analyse_post_url(struct store *s, long id, char **url);

/* The sentence of CONTEXT (the line around a link) that holds ANCHOR:
 * sentences end at '.', '!' or '?' before white space, and the anchor's
 * own text never splits one; the whole line, trimmed, when the anchor is
 * empty or not in it. Returns a malloc'd string the caller frees. */
char *analyse_sentence(const char *context, const char *anchor);

/* Posts linking to POST_ID (INBOUND 1: backlinks) or linked from it (0:
 * outlinks). Columns: url, title, kind, anchor, sentence. */
int analyse_links(struct store *s, long post_id, int inbound, query_row_fn fn, void *ctx);

/* Posts ranked by PageRank over body links (damping 0.85), optionally only
 * those of theme TOPIC (NULL: all), the TOP best (0: all). Columns: rank,
 * url, title, topic, pagerank, inbound, outbound. The rank is over every
 * post (it sums to 1); TOPIC only filters, matching pages.topic as last
 * classified (classify_ensure first). Ties: more inbound links first. */
int analyse_hubs(struct store *s, const char *topic, size_t top, query_row_fn fn, void *ctx);

/* The shortest chain of body links from FROM to TO (UNDIRECTED: links count
 * both ways). Columns: step, url, title, link (the kind of the link to the
 * next post, "" on the last). ANALYSE_ENOPATH when there is none. Steps
 * count from 0 (FROM), so the last step is the chain's length; with
 * UNDIRECTED, a link the next post makes to this one reads "reverse KIND".
 * Neighbours are asked one post at a time (indexed), never all loaded. */
int analyse_path(struct store *s, long from, long to, int undirected, query_row_fn fn,
                 void *ctx);

/* Posts that no chain of on-site links from the home page reaches (found
 * only through sitemaps or feeds). Columns: url, title, date. The home page
 * is the start URL's origin with path "/" (else the start URL); a page
 * reached stands for its final page too (redirects, canonicals).
 * ANALYSE_ENONAV when posts exist but nav is empty (a crawl made before nav
 * was kept), ANALYSE_ENOHOME when the home page is not in the crawl. */
int analyse_unreachable(struct store *s, query_row_fn fn, void *ctx);

/* Message for an enum analyse_error or store_error code; never NULL. Each
 * function also leaves a message naming the subject in store_errmsg(S). */
const char *analyse_strerror(int code);

#endif
