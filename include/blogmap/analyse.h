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
    ANALYSE_ENONAV = -102       /* the crawl kept no navigation links (recrawl) */
};

/* The id of the post URL (already normalised) stands for, following
 * redirects and canonicals; ANALYSE_ENOTFOUND when it is no post. */
int analyse_post_id(struct store *s, const char *url, long *id);

/* Posts linking to POST_ID (INBOUND 1: backlinks) or linked from it (0:
 * outlinks). Columns: url, title, kind, anchor, sentence. */
int analyse_links(struct store *s, long post_id, int inbound, query_row_fn fn, void *ctx);

/* Posts ranked by PageRank over body links (damping 0.85), optionally only
 * those of theme TOPIC (NULL: all), the TOP best (0: all). Columns: rank,
 * url, title, topic, pagerank, inbound, outbound. */
int analyse_hubs(struct store *s, const char *topic, size_t top, query_row_fn fn, void *ctx);

/* The shortest chain of body links from FROM to TO (UNDIRECTED: links count
 * both ways). Columns: step, url, title, link (the kind of the link to the
 * next post, "" on the last). ANALYSE_ENOPATH when there is none. */
int analyse_path(struct store *s, long from, long to, int undirected, query_row_fn fn,
                 void *ctx);

/* Posts that no chain of on-site links from the home page reaches (found
 * only through sitemaps or feeds). Columns: url, title, date. */
int analyse_unreachable(struct store *s, query_row_fn fn, void *ctx);

const char *analyse_strerror(int code);

#endif
