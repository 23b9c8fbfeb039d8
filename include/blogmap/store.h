/* store: the crawl database (SQLite, WAL). Pages double as the crawl
 * frontier (queued -> inflight -> done/failed/skipped), so a killed crawl
 * resumes where it stopped; links, fetch outcomes and resolved post-to-post
 * edges live beside them, with SQL views for users. A struct store is owned
 * by the caller (store_open / store_close); strings passed in are copied,
 * strings handed out in struct store_job belong to the caller
 * (store_job_release). */
#ifndef BLOGMAP_STORE_H
#define BLOGMAP_STORE_H

#include <stddef.h>

enum store_error {
    STORE_OK = 0,
    STORE_EOPEN = -1,       /* cannot open or create the file */
    STORE_ESQL = -2,        /* an SQLite call failed; see store_errmsg */
    STORE_ELOCKED = -3,     /* another crawler holds this database */
    STORE_EFULL = -4,       /* disk or database full */
    STORE_ECORRUPT = -5,    /* not a blogmap database, or damaged */
    STORE_EREADONLY = -6,   /* the file cannot be written */
    STORE_ENOTFOUND = -7    /* the file does not exist (read-only open) */
};

enum store_flags {
    STORE_READ = 0,         /* existing database, read-only */
    STORE_WRITE = 1,        /* create if missing, read-write */
    STORE_CRAWL = 2,        /* with STORE_WRITE: take the single-crawler lock */
    STORE_EXISTING = 4      /* with STORE_WRITE: only a database blogmap made */
};

enum store_kind { STORE_PAGE = 0, STORE_SITEMAP = 1, STORE_FEED = 2 };

struct store;

/* Open PATH. On failure returns a negative enum store_error and, if ERRMSG
 * is non-NULL, a malloc'd message in *ERRMSG for the caller to free. */
int store_open(const char *path, int flags, struct store **out, char **errmsg);
void store_close(struct store *s);

/* The message of the last failed call on S ("" when none). */
const char *store_errmsg(const struct store *s);

int store_begin(struct store *s);       /* BEGIN IMMEDIATE */
int store_commit(struct store *s);
void store_rollback(struct store *s);

/* Outside a transaction: when the write-ahead log file is over MAX_BYTES
 * (it grows while a reader holds an old snapshot), checkpoint it and cut it
 * to nothing. Never waits: with a reader still in the way *TRIMMED stays 0
 * and a later call tries again. Returns STORE_OK or an error code. */
int store_wal_trim(struct store *s, long long max_bytes, int *trimmed);

/* Key/value settings of the crawl (start URL, robots.txt text, ...).
 * store_meta_get stores a malloc'd copy or NULL in *OUT. */
int store_meta_set(struct store *s, const char *key, const char *value);
int store_meta_get(struct store *s, const char *key, char **out);

/* Queue URL unless known. *ADDED (may be NULL) says whether it was new. */
int store_frontier_add(struct store *s, const char *url, int kind, int depth, int hops,
                       int *added);

struct store_job {
    long id;
    char *url;
    int kind, depth, hops, tries;
    char *etag, *last_modified;
    int recheck;                /* a page already stored, being revalidated */
    int has_hash;               /* body_hash holds the last body's hash */
    unsigned long long body_hash;
};
void store_job_release(struct store_job *j);

/* Take up to MAX queued jobs due at NOW (robots-free order: sitemaps and
 * feeds first, then pages in discovery order) and mark them inflight.
 * Stores the count in *N. */
int store_frontier_take(struct store *s, double now, int max, struct store_job *jobs, int *n);

/* With ON, no page is taken (nor counted as due) while a sitemap or feed is
 * queued or being fetched: a crawl that takes posts from feeds reads every
 * feed before any page, so that no post a feed carries is fetched. Off when
 * the store is opened. */
void store_frontier_xml_first(struct store *s, int on);

/* Whether URL waits to be fetched: queued, or a post waiting to be
 * revalidated. If so, *WAITING = 1 and JOB gets what store_frontier_take
 * would hand out (release it with store_job_release), and the caller may
 * settle the page without a fetch (store_page_set_post, store_add_link,
 * then store_page_finish or store_page_unchanged); the page is left as it
 * is. *WAITING = 0 for unknown pages, pages in flight or done this round. */
int store_page_waiting(struct store *s, const char *url, struct store_job *job, int *waiting);

/* Earliest next_at among queued jobs in *WHEN; *ANY = 0 when none queued. */
int store_frontier_next_due(struct store *s, double *when, int *any);

/* The highest page id so far in *ID (0 when there is none): pages added
 * later have higher ids. */
int store_page_max_id(struct store *s, long *id);

/* Put inflight jobs back in the queue (start of a resumed crawl). */
int store_frontier_requeue(struct store *s);

/* Back to the queue after a failed attempt, due at NEXT_AT, tries + 1. */
int store_frontier_retry(struct store *s, long id, double next_at, long status,
                         const char *error);

struct store_outcome {
    const char *state;          /* "done", "failed" or "skipped" */
    long status;                /* HTTP status, 0 when none */
    const char *error;          /* NULL when none */
    const char *redirect_to;    /* redirect, refresh or canonical target */
    const char *content_type, *etag, *last_modified;
    size_t bytes;
    unsigned long long body_hash;   /* of the body, when status is 200 */
};
/* Record the outcome of a fetch. A page being revalidated (a recheck) that
 * now fails keeps what was stored, with the error noted. */
int store_page_finish(struct store *s, long id, const struct store_outcome *o);

/* The page did not change (304, or the same body as last time): it is
 * done for this round and keeps everything stored about it. */
int store_page_unchanged(struct store *s, long id);

/* Begin a crawl round. When the previous crawl finished (nothing queued or
 * being revalidated) and pages exist, a new round starts: sitemaps, feeds
 * and pages that are no posts are queued again, and posts wait to be
 * revalidated (conditionally, unless a sitemap's lastmod says they did not
 * change), so a re-crawl fetches only what changed. Else the round goes on
 * (a resumed crawl). *ROUND gets its number, *FRESH 1 for a new one. */
int store_round_begin(struct store *s, long *round, int *fresh);

/* Call FN(CTX, URL) for each page (not sitemap or feed) first seen in this
 * round, in the order they were found; a nonzero return from FN stops the
 * walk and is returned. (A resumed crawl counts its budgets again.) */
typedef int (*store_url_fn)(void *ctx, const char *url);
int store_round_pages(struct store *s, store_url_fn fn, void *ctx);

/* A sitemap lists URL with LASTMOD (NULL: none given). A post waiting for
 * revalidation whose lastmod is unchanged is done at once. */
int store_sitemap_lastmod(struct store *s, const char *url, const char *lastmod);

/* Log one fetch attempt. */
int store_log_fetch(struct store *s, long page_id, const char *url, double at, long status,
                    const char *error, const char *redirect_to, size_t bytes, double seconds);

struct store_post {
    const char *title, *date, *labels;
    const char *text;           /* body text for full-text search, or NULL */
    const char *anchors;        /* the body links' anchor text, or NULL */
    int is_post;
    unsigned long long text_hash;   /* of title and text (store_find_copy), 0 = none */
};
/* Set a page's post facts, replace its body links and its full-text row
 * (call inside a transaction, then store_add_link for each link). */
int store_page_set_post(struct store *s, long id, const struct store_post *p);
int store_add_link(struct store *s, long src_id, const char *url, int related, int internal,
                   const char *anchor, const char *context);

/* Another post, not page ID, stored with TEXT_HASH and exactly this TITLE
 * and TEXT (the same post under a second URL): its URL, malloc'd, in *URL
 * (caller frees), or NULL there when there is none. */
int store_find_copy(struct store *s, long id, unsigned long long text_hash, const char *title,
                    const char *text, char **url);

/* Record that page SRC_ID links to URL (any on-site link, for reachability
 * from the home page); nothing happens unless URL is a known page. */
int store_add_nav(struct store *s, long src_id, const char *url);

/* The same for a page whose id is known (store_page_id). */
int store_add_nav_id(struct store *s, long src_id, long dst_id);

/* *SAME = 1 when page ID was fetched before with the status and redirect
 * target O records: a revalidation (404, 3xx) that changes nothing. */
int store_page_same(struct store *s, long id, const struct store_outcome *o, int *same);

/* The id of the page at URL in *ID, 0 when it is not a known page. */
int store_page_id(struct store *s, const char *url, long *id);

/* Follow redirects and canonicals to each URL's final page, then rebuild
 * the post-to-post edge table. */
int store_resolve(struct store *s);

/* PRAGMA integrity_check; returns STORE_OK when it says ok. */
int store_check(struct store *s);

const char *store_strerror(int code);

#endif
