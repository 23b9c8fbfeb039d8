/* crawl_limits: crawl budgets that are counted, never silent. A page whose
 * URL pattern (its path and query with every run of digits read as one
 * digit, and query values dropped: /cal/2031/07/?day=14 and /cal/1999/01/
 * ?day=3 are one pattern) has queued --max-per-pattern pages already is not
 * queued: an endless calendar or pager stops there. URLs shaped like posts
 * are not capped (Blogger names untitled posts blog-post_N.html). The counts
 * are the round's: a resumed crawl counts the pages its round has already
 * found (crawl_patterns_resume). Each budget that stops
 * something (depth, traps, patterns, links per page, --max-pages) is counted
 * in the progress report, and the totals are kept in the database's meta
 * table as limit_<name> so `blogmap stats` can show them after the run. */
#include "crawlInt.h"
#include "blogmap/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRAWL_PATTERN_DEFAULT 2000

static const char *const limit_names[CRAWL_N_LIMITS] = {
    [CRAWL_LIMIT_DEPTH] = "depth", [CRAWL_LIMIT_TRAP] = "trap",
    [CRAWL_LIMIT_PATTERN] = "pattern", [CRAWL_LIMIT_LINKS] = "links",
    [CRAWL_LIMIT_PAGES] = "pages"};

const char *crawl_limit_name(int limit)
{
    return limit >= 0 && limit < CRAWL_N_LIMITS ? limit_names[limit] : NULL;
}

void crawl_limit_hit(struct crawler *c, int limit, long n)
{
    if (limit >= 0 && limit < CRAWL_N_LIMITS && n > 0)
        c->prog.limits[limit] += n;
}

/* The pattern of a normalised URL, malloc'd, or NULL. */
static char *pattern_of(const char *url)
{
    char *pq = NULL;
    if (url_path_query(url, &pq) != URL_OK)
        return NULL;
    char *out = malloc(strlen(pq) + 1), *o = out;
    if (!out)
        abort();
    int in_value = 0, in_query = 0;
    for (const char *p = pq; *p; p++) {
        if (*p == '?' && !in_query) {
            in_query = 1;
            *o++ = '?';
        } else if (in_query && *p == '&') {
            in_value = 0;
            *o++ = '&';
        } else if (in_query && *p == '=') {
            in_value = 1;
        } else if (in_value) {
            continue;
        } else if (*p >= '0' && *p <= '9') {
            if (o == out || o[-1] != '9')
                *o++ = '9';
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    free(pq);
    return out;
}

static long pattern_cap(const struct crawler *c)
{
    return c->opts->max_per_pattern > 0 ? c->opts->max_per_pattern : CRAWL_PATTERN_DEFAULT;
}

int crawl_pattern_full(struct crawler *c, const char *url)
{
    if (crawl_is_post_path(c, url))
        return 0;   /* posts are what the crawl is for (Blogger's blog-post_12.html) */
    char *key = pattern_of(url);
    if (!key)
        return 0;
    long pages = *(long *)strtab_get(&c->patterns, key, NULL);
    free(key);
    if (pages < pattern_cap(c))
        return 0;
    crawl_limit_hit(c, CRAWL_LIMIT_PATTERN, 1);
    return 1;
}

void crawl_pattern_count(struct crawler *c, const char *url)
{
    if (crawl_is_post_path(c, url))
        return;
    char *key = pattern_of(url);
    if (key)
        (*(long *)strtab_get(&c->patterns, key, NULL))++;
    free(key);
}

static int count_page(void *ctx, const char *url)
{
    if (url)
        crawl_pattern_count(ctx, url);
    return 0;
}

int crawl_patterns_resume(struct crawler *c)
{
    return store_round_pages(c->store, count_page, c);
}

int crawl_limits_save(struct crawler *c)
{
    for (int i = 0; i < CRAWL_N_LIMITS; i++) {
        long add = c->prog.limits[i] - c->limits_saved[i];
        if (add <= 0)
            continue;
        char key[32], *v = NULL, num[32];
        snprintf(key, sizeof(key), "limit_%s", limit_names[i]);
        int rc = store_meta_get(c->store, key, &v);
        if (rc)
            return rc;
        long before = v ? strtol(v, NULL, 10) : 0;
        free(v);
        snprintf(num, sizeof(num), "%ld", before + add);
        if ((rc = store_meta_set(c->store, key, num)))
            return rc;
        c->limits_saved[i] = c->prog.limits[i];
    }
    return STORE_OK;
}
