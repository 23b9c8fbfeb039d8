/* classify: give each post a theme with SQLite FTS5. Every theme's terms run
 * as MATCH queries over the posts' title, labels and body (porter tokenizer),
 * ranked by bm25() with the topics' column weights; a post's score for a
 * theme is the weighted sum, it takes its best theme at or above the
 * threshold, else "other". Scores are kept in post_topics and the theme in
 * pages.topic; a fingerprint in meta says which topics and posts they came
 * from, so a changed topics.conf reclassifies without recrawling. */
#ifndef BLOGMAP_CLASSIFY_H
#define BLOGMAP_CLASSIFY_H

#include "blogmap/store.h"
#include "blogmap/topics.h"

/* Score every post now. Returns STORE_OK or a negative enum store_error. */
int classify_posts(struct store *s, const struct topics *t);

/* Score every post unless the stored scores already came from T and the
 * same posts. *DONE (may be NULL) says whether it ran. */
int classify_ensure(struct store *s, const struct topics *t, int *done);

/* Fill the connection's temp.themes(ord, name, label, color) from T, with
 * "other" last, for the theme queries of query.h. classify_ensure does it
 * too. */
int classify_themes(struct store *s, const struct topics *t);

/* Score a draft that is not in the database against the crawled posts'
 * statistics. SCORES has t->n entries; *BEST gets the index of the winning
 * theme, or -1 for "other". The database is left unchanged. */
int classify_text(struct store *s, const struct topics *t, const char *title,
                  const char *labels, const char *body, double *scores, int *best);

#endif
