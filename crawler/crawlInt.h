/* crawlInt: state shared by crawl.c (the loop) and crawl_handle.c (what a
 * finished fetch means). Private to crawler/. */
#ifndef BLOGMAP_CRAWL_INT_H
#define BLOGMAP_CRAWL_INT_H

#include <regex.h>

#include "blogmap/crawl.h"
#include "blogmap/fetch.h"
#include "blogmap/robots.h"
#include "blogmap/store.h"

#define CRAWL_MAX_HOPS 5            /* redirects (and canonicals) per chain */
#define CRAWL_RETRY_AFTER_CAP 3600.0

struct crawler {
    struct store *store;
    const struct crawl_opts *opts;
    struct fetcher *fetcher;
    struct robots *robots;
    char *origin;                   /* scheme://host[:port] of the start URL */
    char *authority;                /* host[:port] of the start URL */
    regex_t *post_re;               /* compiled post patterns */
    size_t n_post_re;
    struct store_job *inflight;     /* jobs being fetched, by slot */
    int n_slots;
    double delay;                   /* effective: max(--delay, Crawl-delay) */
    double next_start;              /* no request may start before this */
    int in_txn;
    int failed;                     /* a store error stops the crawl */
    char err[512];
    struct crawl_progress prog;
    char last_url[512];             /* prog.url points here */
    long budget_used;               /* pages finished this run */
    unsigned long long body_hash;   /* of the fetch being handled */
};

/* Rewrite URL onto the start origin when its host is the blog's (or an
 * alias, or the other scheme of it); returns a malloc'd URL and sets
 * *INTERNAL, or NULL with *INTERNAL = 0 for off-site URLs (not copied). */
char *crawl_scope(const struct crawler *c, const char *url, int *internal);

/* Queue URL (already in scope) unless robots.txt forbids it or it is a trap. */
int crawl_enqueue(struct crawler *c, const char *url, int kind, int depth, int hops);

/* Wall-clock seconds since the epoch. */
double crawl_now(void);

/* Handle one finished fetch of JOB. */
void crawl_handle(struct crawler *c, const struct store_job *job,
                  const struct fetch_result *r);

/* Whether PATH names a post by the configured or built-in URL patterns. */
int crawl_is_post_path(const struct crawler *c, const char *url);

/* Compile the post patterns; returns CRAWL_OK or CRAWL_EOPTION. */
int crawl_compile_patterns(struct crawler *c);
void crawl_free_patterns(struct crawler *c);

#endif
