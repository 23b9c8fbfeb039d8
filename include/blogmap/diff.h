/* diff: what changed between two crawls of a blog: posts and post-to-post
 * links added and removed, compared by URL. The older database is opened
 * read-only on a connection of its own and never written. */
#ifndef BLOGMAP_DIFF_H
#define BLOGMAP_DIFF_H

#include "blogmap/query.h"
#include "blogmap/store.h"

/* Compare S (the newer crawl) with the database at OLD_PATH. Columns:
 * change ("added" or "removed"), what ("post" or "link"), url (the post, or
 * the link's source), target (the link's target, "" for a post), title.
 * Returns STORE_OK or a negative enum store_error (message in
 * store_errmsg). */
int diff_crawls(struct store *s, const char *old_path, query_row_fn fn, void *ctx);

#endif
