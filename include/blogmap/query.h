/* query: the read-side questions asked of a crawl database (posts, edges,
 * orphans, broken links, stats), each run as SQL over the store's views and
 * handed back row by row. Rows are lent to the callback for one call only. */
#ifndef BLOGMAP_QUERY_H
#define BLOGMAP_QUERY_H

#include "blogmap/store.h"

enum query_name {
    QUERY_POSTS, QUERY_EDGES, QUERY_ORPHANS, QUERY_BROKEN, QUERY_STATS,
    QUERY_TOPICS,           /* per theme: posts, links within/out/in, top posts */
    QUERY_TOPIC_LINKS,      /* links from each theme to each theme */
    QUERY_TOPIC_SCORES      /* every post's score for every theme */
};
/* The QUERY_TOPIC* queries read temp.themes: run classify_ensure or
 * classify_themes on the same store first. */

/* Called first with VALUES NULL (the header), then once per row; NAMES and
 * VALUES have NCOLS entries, a VALUE may be NULL. Return nonzero to stop. */
typedef int (*query_row_fn)(void *ctx, int ncols, const char *const *names,
                            const char *const *values);

/* Run query WHICH. Returns STORE_OK or a negative enum store_error. */
int query_run(struct store *s, enum query_name which, query_row_fn fn, void *ctx);

#endif
