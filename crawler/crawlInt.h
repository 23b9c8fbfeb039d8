/* crawlInt: state shared by crawl.c (the loop), crawl_handle.c (what a
 * finished fetch means) and crawl_feed.c (what a feed's entries mean).
 * Private to crawler/. */
#ifndef BLOGMAP_CRAWL_INT_H
#define BLOGMAP_CRAWL_INT_H

#include <regex.h>

#include "blogmap/crawl.h"
#include "blogmap/extract.h"
#include "blogmap/fetch.h"
#include "blogmap/robots.h"
#include "blogmap/sitemap.h"
#include "blogmap/store.h"
#include "strtab.h"

#define CRAWL_MAX_HOPS 5            /* redirects (and canonicals) per chain */
#define CRAWL_RETRY_AFTER_CAP 3600.0

/* A link the crawl has met (crawl_known.c), the value of its normalised
 * URL in the crawler's table of known links. */
struct crawl_known_entry {
    char *scoped;       /* crawl_scope() of it, NULL when off-site */
    int internal;
    long id;            /* its page id once queued; -1: never queued (robots,
                         * trap); 0: not yet known */
};

/* A fetched page handed to the parse worker (crawl_parse.c), with what the
 * loop needs to finish it when it comes back. All strings owned. */
struct crawl_parse_task {
    int slot;                       /* the job's slot, busy until it is back */
    char *body;                     /* freed by the worker once read */
    size_t body_len;
    char *url, *content_type, *etag, *last_modified;
    long status;
    int nofollow;                   /* the X-Robots-Tag header said nofollow */
    unsigned long long body_hash;
    int rc;                         /* extract_page()'s answer */
    struct extract_page *page;
    struct crawl_parse_task *next;
};

struct crawl_parser;

/* Start the worker; WAKE(WAKE_CTX) is called (from the worker) after each
 * task. Returns 0, or -1 when a thread cannot be had. */
int crawl_parser_start(const char *content_xpath, void (*wake)(void *), void *wake_ctx,
                       struct crawl_parser **out);
/* Hand task T over (owned by the parser until taken back). */
void crawl_parser_submit(struct crawl_parser *p, struct crawl_parse_task *t);
/* A finished task (owned by the caller again), waiting up to WAIT_MS for
 * one; NULL when none. */
struct crawl_parse_task *crawl_parser_take(struct crawl_parser *p, int wait_ms);
void crawl_parse_task_free(struct crawl_parse_task *t);
/* Stop and join the worker; tasks not taken back are freed. NULL is fine. */
void crawl_parser_stop(struct crawl_parser *p);

/* Slots for pages waiting for the parse worker beyond the fetches in
 * flight (reading pages on this thread too was tried: two parsing threads
 * cost more CPU than they saved on 2 cores). */
#define CRAWL_PARSE_BACKLOG 64
/* ...and no new fetch starts while their bodies hold this many bytes (a few
 * 8 MiB pages would otherwise pile up in memory). */
#define CRAWL_PARSE_BYTES ((size_t)24 << 20)

/* Up to this many pages handled within this many seconds share one
 * transaction: a kill loses at most that much work, which the resumed crawl
 * fetches again. */
#define CRAWL_BATCH_SECONDS 0.25
#define CRAWL_BATCH_PAGES 32

/* The write-ahead log is looked at this often, and checkpointed and cut
 * back when it is over --wal-max (S05: a reader holding an old snapshot
 * makes it grow). */
#define CRAWL_WAL_CHECK_SECONDS 1.0
#define CRAWL_WAL_DEFAULT_MIB 64

/* Attempts at a URL whose fetches time out (at most --max-tries): each one
 * holds a connection for the stall or total timeout. */
#define CRAWL_TIMEOUT_TRIES 2

#define CRAWL_PACE_WINDOW 8

/* The host's signs of strain (crawl_pace.c). Gaps are seconds added to the
 * delay between request starts; 0 when calm. */
struct crawl_pace {
    double err_gap;     /* after 429/503 */
    double raised_at;   /* when err_gap last rose */
    double lat_gap;     /* while latency is up */
    double times[CRAWL_PACE_WINDOW];    /* the last response times, a ring */
    double best;        /* best median of them seen */
    long n;             /* response times seen */
};

struct crawler {
    struct store *store;
    const struct crawl_opts *opts;
    struct fetcher *fetcher;
    struct robots *robots;
    char *origin;                   /* scheme://host[:port] of the start URL */
    char *authority;                /* host[:port] of the start URL */
    regex_t *post_re;               /* compiled post patterns */
    size_t n_post_re;
    struct store_job *inflight;     /* jobs being fetched or parsed, by slot */
    int n_slots;
    int n_fetch;                    /* fetches at once (--concurrency) */
    int allow_private;              /* --allow-loopback, or a start URL on such an address */
    struct crawl_parser *parser;    /* the parse worker, or NULL: parse inline */
    int parsing;                    /* tasks with the worker */
    size_t parse_bytes;             /* their bodies' bytes */
    double delay;                   /* effective: max(--delay, Crawl-delay) */
    double next_start;              /* no request may start before this */
    int in_txn;
    int changed;                    /* this run wrote something the edges depend on */
    int resolve_marked;             /* ...and said so in meta (CRAWL_RESOLVE_KEY) */
    double batch_started;           /* when the open transaction began */
    int batch_pages;                /* fetches handled in it */
    double wal_checked;             /* when store_wal_trim last ran */
    int failed;                     /* a store error stops the crawl */
    char err[512];
    struct crawl_progress prog;
    char last_url[512];             /* prog.url points here */
    long budget_used;               /* pages finished this run */
    unsigned long long body_hash;   /* of the fetch being handled */
    long round;                     /* the crawl round (store_round_begin) */
    long last_old_id;               /* the highest page id before this run */
    int feed_full;                  /* auto: a feed carried whole posts and was
                                     * read to its end, so it lists every post */
    long feed_bodies;               /* feed entries with a whole body, this run */
    struct urlcache *urls;          /* memo for the links pages carry */
    struct strtab known;            /* links already met this run (crawl_known_entry) */
    struct crawl_pace pace;
    struct strtab patterns;         /* pages queued per URL pattern (long), this round */
    long limits_saved[CRAWL_N_LIMITS];  /* of prog.limits, already in meta */
};

#define CRAWL_FEED_FULL_KEY "feed_full_round"   /* meta: the round feed_full was set */
#define CRAWL_RESOLVE_KEY "resolve_needed"      /* meta: "1" while edges lag the pages */

/* Rewrite URL onto the start origin when its host is the blog's (or an
 * alias, or the other scheme of it); returns a malloc'd URL and sets
 * *INTERNAL, or NULL with *INTERNAL = 0 for off-site URLs (not copied). */
char *crawl_scope(const struct crawler *c, const char *url, int *internal);

/* The entry for a normalised URL, made (its scope worked out) when new. */
struct crawl_known_entry *crawl_known_get(struct crawler *c, const char *url);
void crawl_known_free(struct strtab *known);

/* crawl_scope() through the table of known links. */
char *crawl_scope_known(struct crawler *c, const char *url, int *internal);

/* Note a finished fetch for the pace; the extra gap between request starts
 * it asks for now; and how many requests may be in flight. */
void crawl_pace_note(struct crawler *c, const struct fetch_result *r);
double crawl_pace_gap(const struct crawler *c);
int crawl_pace_cap(const struct crawler *c);

/* Count N hits of LIMIT (enum crawl_limit). */
void crawl_limit_hit(struct crawler *c, int limit, long n);
/* 1 when URL's pattern has its --max-per-pattern pages (counted as a hit). */
int crawl_pattern_full(struct crawler *c, const char *url);
/* One more page of URL's pattern queued. */
void crawl_pattern_count(struct crawler *c, const char *url);
/* A resumed round: count the pages it found before, so that the cap is
 * the round's, not this run's. */
int crawl_patterns_resume(struct crawler *c);
/* Add this run's new limit hits to the meta totals (inside the batch). */
int crawl_limits_save(struct crawler *c);

/* Queue URL (already in scope) unless robots.txt forbids it or it is a trap. */
int crawl_enqueue(struct crawler *c, const char *url, int kind, int depth, int hops);

/* Wall-clock seconds since the epoch. */
double crawl_now(void);

/* Note a store error RC (the first one stops the crawl). */
void crawl_failed(struct crawler *c, int rc);

/* Queue URL if it is in scope. FROM_PAGE > 0: an on-site link of that HTML
 * page, also kept in nav so that reachability from the home page can be
 * asked later. */
void crawl_discover(struct crawler *c, const char *url, int kind, int depth, long from_page);

/* A page a sitemap or feed lists: queued if new, and its lastmod noted so
 * that a re-crawl skips it when unchanged. */
void crawl_listed(struct crawler *c, const char *url, const char *lastmod, int depth);

/* Store the body links of post ID; with QUEUE_TARGETS also queue their
 * on-site targets at DEPTH (when no page's links are followed, or the post
 * came from a feed), so that a moved post's old address or a 404 resolves
 * as it does in a page crawl. */
void crawl_store_body_links(struct crawler *c, long id, const struct extract_page *p, int depth,
                            int queue_targets);

/* Whether every on-site link of a page is followed (--via pages, or auto
 * while no feed has been found to list every post), rather than only the
 * body links of posts. */
int crawl_follows_listings(const struct crawler *c);

/* The FNV-1a hash of N bytes at P, as kept in the store. */
unsigned long long crawl_body_hash(const char *p, size_t n);

/* A post shorter than this is not matched against others by its text: a
 * stub ("coming soon") may stand under many titles' URLs. */
#define CRAWL_COPY_MIN_TEXT 64

/* The hash of a post's title and text that store_find_copy matches copies
 * by (T20), never 0; 0 for text under CRAWL_COPY_MIN_TEXT bytes. */
unsigned long long crawl_text_hash(const struct extract_page *p);

/* Read the entries of the feed page L fetched by JOB: posts it carries
 * whole are stored without a fetch (unless --via pages), the rest queued. */
void crawl_feed_entries(struct crawler *c, const struct store_job *job,
                        const struct sitemap_list *l);

/* Handle one finished fetch of JOB. */
/* Returns 1 when the page went to the parse worker: its slot stays busy
 * until crawl_handle_parsed() has its result. */
int crawl_handle(struct crawler *c, const struct store_job *job,
                  const struct fetch_result *r);

/* Finish the page of task T (back from the worker) for JOB. */
void crawl_handle_parsed(struct crawler *c, const struct store_job *job,
                         struct crawl_parse_task *t);

/* Whether PATH names a post by the configured or built-in URL patterns. */
int crawl_is_post_path(const struct crawler *c, const char *url);

/* Compile the post patterns; returns CRAWL_OK or CRAWL_EOPTION. */
int crawl_compile_patterns(struct crawler *c);
void crawl_free_patterns(struct crawler *c);

#endif
