/* crawl: the crawl loop. Discovers a blog's pages (robots.txt Sitemap lines,
 * /sitemap.xml, feeds, listing pages), fetches them politely through fetch.h,
 * reads them with extract.h and sitemap.h (and posts a feed carries whole
 * with feedpost.h, without fetching them), and records pages, post facts,
 * body links and every fetch outcome in the store. Resumable: all state is
 * in the store. The caller owns the store and the options. */
#ifndef BLOGMAP_CRAWL_H
#define BLOGMAP_CRAWL_H

#include <stddef.h>

#include "blogmap/store.h"

enum crawl_error {
    CRAWL_OK = 0,
    CRAWL_EURL = -1,        /* the start URL is not an http(s) URL */
    CRAWL_EROBOTS = -2,     /* robots.txt unreachable: the site is off limits */
    CRAWL_ESTORE = -3,      /* the database failed (see the message) */
    CRAWL_EFETCH = -4,      /* libcurl could not be set up */
    CRAWL_EOPTION = -5      /* a bad --post-pattern or --content-xpath */
};

/* Where posts are read from. */
enum crawl_via {
    CRAWL_VIA_AUTO = 0,     /* feeds when the blog's feed carries whole posts
                             * and says it was read to its end, else pages */
    CRAWL_VIA_FEED = 1,     /* feeds, the sitemap and body links; listing pages
                             * are not followed */
    CRAWL_VIA_PAGES = 2     /* every post fetched as a page; feeds only list */
};

/* Crawl budgets and trap defences. Every time one stops the crawl from
 * following or keeping something it is counted here, in the progress
 * report, and in the database (meta "limit_<name>", totals since the
 * database was made; `blogmap stats` shows them). */
enum crawl_limit {
    CRAWL_LIMIT_DEPTH,      /* a link past --max-depth */
    CRAWL_LIMIT_TRAP,       /* a URL whose path repeats or runs too deep (url_is_trap) */
    CRAWL_LIMIT_PATTERN,    /* a page past --max-per-pattern of its URL pattern */
    CRAWL_LIMIT_LINKS,      /* links of a page past the per-page cap */
    CRAWL_LIMIT_PAGES,      /* the crawl stopped at --max-pages with pages queued */
    CRAWL_N_LIMITS
};

/* "depth", "trap", "pattern", "links", "pages"; NULL past the end. */
const char *crawl_limit_name(int limit);

struct crawl_progress {
    long fetched;           /* fetches finished this run */
    long queued;            /* URLs still waiting */
    long errors;            /* failed fetches this run */
    long posts;             /* posts stored this run */
    long from_feed;         /* of which taken from a feed, with no fetch */
    long unchanged;         /* pages found unchanged (304, same body) this run */
    long slowdowns;         /* times the host's 429/503 or latency slowed the crawl */
    double slow_gap;        /* seconds added between requests now (0: none) */
    long limits[CRAWL_N_LIMITS];    /* limit hits this run (enum crawl_limit) */
    const char *url;        /* last URL finished */
};

typedef void (*crawl_progress_fn)(void *ctx, const struct crawl_progress *p);

/* Entries of the crawl's url memo (urlcache.h): every link of a blog's
 * sidebars and archives, many times over, in a few MiB. */
#define CRAWL_URLCACHE_ENTRIES 16384

struct crawl_opts {
    const char *start_url;
    const char *user_agent;         /* default "blogmap/VERSION (+...)" */
    const char *robots_agent;       /* product token for robots.txt, "blogmap" */
    const char *mirror_dir;         /* read pages from this directory */
    const char *content_xpath;      /* override post body selectors */
    const char *post_pattern;       /* POSIX ERE on the path: which pages are posts */
    const char *const *aliases;     /* other host names of the same blog */
    size_t n_aliases;
    double delay;                   /* seconds between request starts (>= 0) */
    int concurrency;                /* parallel requests to the host (>= 1) */
    long max_pages;                 /* fetch budget, 0 = default 100000 */
    int max_depth;                  /* link hops from the start, 0 = default 50 */
    long max_per_pattern;           /* pages queued per URL pattern, 0 = default 2000 */
    long wal_max_mib;               /* cut the WAL back past this, 0 = default 64 */
    int allow_private;              /* fetch from loopback/private addresses too */
    const char *resolve;            /* "HOST:PORT:ADDR" pinned (fetch.h), or NULL */
    int max_tries;                  /* attempts per URL, 0 = default 4 */
    int via;                        /* enum crawl_via, default CRAWL_VIA_AUTO */
    crawl_progress_fn progress;     /* called now and then; may be NULL */
    void *progress_ctx;
};

/* Crawl into S. Returns CRAWL_OK or a negative enum crawl_error with a
 * malloc'd message in *ERRMSG (caller frees). SUMMARY may be NULL. */
int crawl_run(struct store *s, const struct crawl_opts *o, struct crawl_progress *summary,
              char **errmsg);

const char *crawl_strerror(int code);

#endif
