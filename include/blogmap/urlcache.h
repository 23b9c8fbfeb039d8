/* urlcache: a bounded memo in front of url_normalize(). A crawl meets the
 * same hrefs on every page (sidebars, archives, label lists); the memo
 * answers those without parsing them again. Answers are exactly
 * url_normalize()'s: an href that is absolute is looked up on its own, any
 * other together with its base. A cache is not thread-safe: one per thread.
 * The caller owns it (urlcache_new / urlcache_free). */
#ifndef BLOGMAP_URLCACHE_H
#define BLOGMAP_URLCACHE_H

#include <stddef.h>

struct urlcache;

/* A memo of at most MAX_ENTRIES answers (it starts over when full); NULL
 * when out of memory. */
struct urlcache *urlcache_new(size_t max_entries);
void urlcache_free(struct urlcache *c);

/* url_normalize(BASE, HREF, OUT) through the memo: the same return code, and
 * on URL_OK a new malloc'd string in *OUT. A NULL cache just normalises. */
int urlcache_normalize(struct urlcache *c, const char *base, const char *href, char **out);

/* Lookups answered from the memo, and all lookups, since urlcache_new. */
void urlcache_stats(const struct urlcache *c, size_t *hits, size_t *lookups);

#endif
