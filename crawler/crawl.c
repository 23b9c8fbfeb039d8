/* crawl: the loop that drives a crawl.
 *
 * robots.txt is read first (RFC 9309: 4xx allows all; 5xx, 429 or no answer
 * forbids all), then the start URL, the home page and every sitemap are
 * queued, and unless --via pages Blogger's posts feed (also served on custom
 * domains, so it is asked whatever the host; elsewhere it costs one 404),
 * with pages held back until every sitemap and feed is read, since a feed
 * may carry the posts whole. The loop takes due URLs from the store's frontier, keeps at most
 * --concurrency requests in flight and starts them at least the effective
 * delay apart (the larger of --delay and Crawl-delay, capped at 300 s), and
 * hands each finished fetch to crawl_handle(). What the loop does within a
 * quarter of a second, up to 32 fetches (CRAWL_BATCH_*), is written in one
 * transaction,
 * committed at once when nothing is in flight, so a kill loses at most that
 * batch, which the next run fetches again (its rows are still "inflight" and go back to the
 * queue). When the frontier is empty, redirects and canonicals are resolved
 * and the edge table rebuilt. */
#include "crawlInt.h"
#include "blogmap/url.h"
#include "blogmap/urlcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CRAWL_DELAY_CAP 300.0
#define CRAWL_DEFAULT_PAGES 100000L

double crawl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

struct robots_fetch {
    long status;
    int error;
    char *location;
    char *body;
    size_t len;
};

static void on_robots(const struct fetch_result *r, void *ctx)
{
    struct robots_fetch *rf = ctx;
    rf->status = r->status;
    rf->error = r->error;
    rf->location = r->location ? strdup(r->location) : NULL;
    rf->len = r->body_len < ROBOTS_MAX_BYTES ? r->body_len : ROBOTS_MAX_BYTES;
    rf->body = malloc(rf->len + 1);
    if (!rf->body || (r->location && !rf->location))
        abort();
    memcpy(rf->body, r->body, rf->len);
    rf->body[rf->len] = '\0';
}

/* Fetch robots.txt synchronously, before the loop starts, with a fetcher of
 * its own that keeps the first ROBOTS_MAX_BYTES of a longer file (RFC 9309
 * 2.5) rather than failing it. */
static int fetch_one(struct crawler *c, const char *url, struct robots_fetch *rf)
{
    struct fetch_opts fo = {.user_agent = c->opts->user_agent, .mirror_dir = c->opts->mirror_dir,
                            .max_connections = 1, .max_body = ROBOTS_MAX_BYTES,
                            .keep_prefix = 1, .allow_private = c->allow_private,
                            .resolve = c->opts->resolve};
    struct fetcher *f = NULL;
    int rc = fetch_new(&fo, &f);
    if (rc == FETCH_OK)
        rc = fetch_add(f, url, 0, NULL, NULL);
    while (rc == FETCH_OK && fetch_pending(f) > 0) {
        int n = fetch_poll(f, 1000, on_robots, rf);
        if (n < 0)
            rc = n;
    }
    fetch_free(f);
    store_log_fetch(c->store, 0, url, crawl_now(), rf->status,
                    rf->error ? fetch_strerror(rf->error) : NULL, rf->location, rf->len, 0);
    return rc;
}

static const char *agent_token(const struct crawl_opts *o)
{
    return o->robots_agent ? o->robots_agent : "blogmap";
}

/* Read robots.txt, following up to five redirects (RFC 9309 2.3.1.2). */
static int load_robots(struct crawler *c)
{
    size_t n = strlen(c->origin) + 16;
    char *url = malloc(n);
    int rc = CRAWL_OK;
    if (!url)
        abort();
    snprintf(url, n, "%s/robots.txt", c->origin);
    for (int hop = 0; hop <= 5; hop++) {
        struct robots_fetch rf = {0};
        char *next = NULL;
        fetch_one(c, url, &rf);
        if (rf.error == FETCH_OK && rf.status == 200) {
            c->robots = robots_parse(rf.body, rf.len, agent_token(c->opts));
            store_meta_set(c->store, "robots_txt", rf.body);
        } else if (rf.error == FETCH_OK && rf.status >= 300 && rf.status < 400 && rf.location &&
                   hop < 5 && url_normalize(url, rf.location, &next) == URL_OK) {
            free(url);
            url = next;
        } else if (rf.error == FETCH_OK && rf.status >= 300 && rf.status < 400 && hop == 5) {
            /* a sixth redirect: RFC 9309 2.3.1.2 lets the file count as
             * unavailable, which 2.3.1.3 reads as no rules */
            c->robots = robots_new_allow_all();
        } else if (rf.error == FETCH_OK && rf.status >= 400 && rf.status < 500 &&
                   rf.status != 429) {
            c->robots = robots_new_allow_all();
        } else {
            c->robots = robots_new_disallow_all();
            char why[64];
            if (rf.error)
                snprintf(why, sizeof(why), "%s", fetch_strerror(rf.error));
            else
                snprintf(why, sizeof(why), "status %ld", rf.status);
            snprintf(c->err, sizeof(c->err), "robots.txt at '%s' unreachable (%s): "
                     "the site may not be crawled now", url, why);
            rc = CRAWL_EROBOTS;
        }
        free(rf.body);
        free(rf.location);
        if (c->robots)
            break;
    }
    free(url);
    return rc;
}

static void effective_delay(struct crawler *c)
{
    double cd = robots_crawl_delay(c->robots);
    c->delay = c->opts->delay < 0 ? 1.0 : c->opts->delay;
    if (c->opts->mirror_dir)
        c->delay = 0;       /* a local copy needs no politeness */
    else if (cd > c->delay)
        c->delay = cd > CRAWL_DELAY_CAP ? CRAWL_DELAY_CAP : cd;
}

/* Queue the start URL, the home page and the sitemaps. */
static int seed(struct crawler *c, const char *start)
{
    char home[URL_MAX_LEN + 16];
    int rc = store_begin(c->store);
    if (rc)
        return rc;
    snprintf(home, sizeof(home), "%s/", c->origin);
    rc = store_meta_set(c->store, "start_url", start);
    if (!rc)
        rc = crawl_enqueue(c, start, STORE_PAGE, 0, 0);
    if (!rc)
        rc = crawl_enqueue(c, home, STORE_PAGE, 0, 0);
    snprintf(home, sizeof(home), "%s/sitemap.xml", c->origin);
    if (!rc)
        rc = crawl_enqueue(c, home, STORE_SITEMAP, 0, 0);
    snprintf(home, sizeof(home), "%s/feeds/posts/default", c->origin);
    if (!rc && c->opts->via != CRAWL_VIA_PAGES)
        rc = crawl_enqueue(c, home, STORE_FEED, 0, 0);
    for (size_t i = 0; !rc && i < robots_sitemap_count(c->robots); i++) {
        int internal;
        char *u = NULL, *scoped = NULL;
        if (url_normalize(NULL, robots_sitemap(c->robots, i), &u) == URL_OK &&
            (scoped = crawl_scope(c, u, &internal)))
            rc = crawl_enqueue(c, scoped, STORE_SITEMAP, 0, 0);
        free(u);
        free(scoped);
    }
    if (!rc)
        rc = store_frontier_requeue(c->store);
    if (rc) {
        store_rollback(c->store);
        return rc;
    }
    return store_commit(c->store);
}

static int slot_of(struct crawler *c, long tag)
{
    return (tag >= 0 && tag < c->n_slots && c->inflight[tag].url) ? (int)tag : -1;
}

/* Open the batch's transaction unless one is open. */
static int begin_batch(struct crawler *c)
{
    if (c->in_txn || c->failed)
        return c->failed;
    int rc = store_begin(c->store);
    if (rc) {
        c->failed = rc;
        snprintf(c->err, sizeof(c->err), "%s", store_errmsg(c->store));
        return rc;
    }
    c->in_txn = 1;
    c->batch_started = crawl_now();
    c->batch_pages = 0;
    return STORE_OK;
}

static void on_done(const struct fetch_result *r, void *ctx)
{
    struct crawler *c = ctx;
    int slot = slot_of(c, r->tag);
    if (slot < 0 || c->failed || begin_batch(c))
        return;
    if (!crawl_handle(c, &c->inflight[slot], r)) {
        c->batch_pages++;
        store_job_release(&c->inflight[slot]);
    }
}

/* Finish the pages the parse worker has read, waiting up to WAIT_MS for the
 * first. */
static void drain_parsed(struct crawler *c, int wait_ms)
{
    struct crawl_parse_task *t;
    while (c->parser && c->parsing > 0 && (t = crawl_parser_take(c->parser, wait_ms))) {
        wait_ms = 0;
        int slot = t->slot;
        if (c->failed || begin_batch(c)) {
            c->parsing--;
            c->parse_bytes -= t->body_len;
            crawl_parse_task_free(t);
            continue;
        }
        crawl_handle_parsed(c, &c->inflight[slot], t);
        c->batch_pages++;
        store_job_release(&c->inflight[slot]);
    }
}

static void wake_fetcher(void *f)
{
    fetch_wakeup(f);
}

static int free_slot(const struct crawler *c)
{
    for (int i = 0; i < c->n_slots; i++)
        if (!c->inflight[i].url)
            return i;
    return -1;
}

/* A job queued under an earlier robots.txt (a resumed crawl, a new round)
 * is asked again of this run's: a page it now forbids is not fetched. One
 * never fetched is marked skipped; one already stored keeps what it has
 * (recorded as a failed revalidation). Releases JOB and returns 0 then.
 * Pages this run added were asked when queued (crawl_enqueue). */
static int crawl_robots_allow(struct crawler *c, struct store_job *job)
{
    if (job->id > c->last_old_id)
        return 1;
    char *path = NULL;
    int ok = url_path_query(job->url, &path) != URL_OK || robots_allowed(c->robots, path);
    free(path);
    if (ok)
        return 1;
    struct store_outcome o = {.state = job->recheck ? "failed" : "skipped",
                              .error = "disallowed by robots.txt"};
    crawl_failed(c, store_page_finish(c->store, job->id, &o));
    store_job_release(job);
    return 0;
}

/* Start as many due requests as politeness allows. */
static int start_due(struct crawler *c, double now)
{
    long budget = c->opts->max_pages > 0 ? c->opts->max_pages : CRAWL_DEFAULT_PAGES;
    while (fetch_pending(c->fetcher) < crawl_pace_cap(c) && now >= c->next_start &&
           c->parse_bytes < CRAWL_PARSE_BYTES &&
           c->budget_used + fetch_pending(c->fetcher) + c->parsing < budget) {
        struct store_job job = {0};
        int n = 0, slot = free_slot(c);
        if (slot < 0)
            break;      /* every slot is fetching or waiting for the parser */
        int rc = begin_batch(c);
        if (!rc)
            rc = store_frontier_take(c->store, now, 1, &job, &n);
        if (rc)
            return rc;
        if (n == 0)
            break;
        if (!crawl_robots_allow(c, &job))
            continue;       /* this run's robots.txt forbids a page queued before */
        c->inflight[slot] = job;
        /* Pages are asked conditionally; sitemaps and feeds always whole, since
         * their lastmod dates are what spares the posts a request. */
        int cond = job.kind == STORE_PAGE;
        if (fetch_add(c->fetcher, job.url, slot, cond ? job.etag : NULL,
                      cond ? job.last_modified : NULL) != FETCH_OK) {
            store_job_release(&c->inflight[slot]);
            return CRAWL_EFETCH;
        }
        c->next_start = now + c->delay + crawl_pace_gap(c);
    }
    return CRAWL_OK;
}

/* Now and then, between transactions: a WAL grown past --wal-max is
 * checkpointed and cut back once no reader holds it (store_wal_trim). */
static int trim_wal(struct crawler *c)
{
    double now = crawl_now();
    int trimmed;
    if (now - c->wal_checked < CRAWL_WAL_CHECK_SECONDS)
        return STORE_OK;
    c->wal_checked = now;
    long mib = c->opts->wal_max_mib > 0 ? c->opts->wal_max_mib : CRAWL_WAL_DEFAULT_MIB;
    return store_wal_trim(c->store, (long long)mib << 20, &trimmed);
}

/* Commit the batch when it is CRAWL_BATCH_SECONDS old or holds
 * CRAWL_BATCH_PAGES fetches, or now with FORCE. */
static int end_batch(struct crawler *c, int force)
{
    if (!c->in_txn)
        return STORE_OK;
    if (!force && !c->failed && c->batch_pages < CRAWL_BATCH_PAGES &&
        crawl_now() - c->batch_started < CRAWL_BATCH_SECONDS)
        return STORE_OK;
    c->in_txn = 0;
    if (c->failed) {
        store_rollback(c->store);
        return c->failed;
    }
    int rc = crawl_limits_save(c);
    if (!rc && c->changed && !c->resolve_marked) {
        /* until the edges are rebuilt, a later run must rebuild them */
        rc = store_meta_set(c->store, CRAWL_RESOLVE_KEY, "1");
        c->resolve_marked = !rc;
    }
    if (rc) {
        store_rollback(c->store);
        snprintf(c->err, sizeof(c->err), "%s", store_errmsg(c->store));
        return rc;
    }
    rc = store_commit(c->store);
    if (!rc)
        rc = trim_wal(c);
    if (rc) {
        snprintf(c->err, sizeof(c->err), "%s", store_errmsg(c->store));
        c->failed = rc;
    }
    return rc;
}

static void report(struct crawler *c, double *last, int force)
{
    double now = crawl_now();
    if (!c->opts->progress || (!force && now - *last < 0.5))
        return;
    *last = now;
    double when;
    int any = 0;
    c->prog.queued = 0;
    if (store_frontier_next_due(c->store, &when, &any) == STORE_OK && any)
        c->prog.queued = 1;
    c->opts->progress(c->opts->progress_ctx, &c->prog);
}

/* Time to wait before anything new can start. */
static int idle_wait_ms(struct crawler *c, double now, int *finished)
{
    double due = 0;
    int any = 0;
    *finished = 0;
    if (store_frontier_next_due(c->store, &due, &any) != STORE_OK)
        return 100;
    long budget = c->opts->max_pages > 0 ? c->opts->max_pages : CRAWL_DEFAULT_PAGES;
    if ((!any || c->budget_used >= budget) && fetch_pending(c->fetcher) == 0 &&
        c->parsing == 0) {
        if (any && !c->prog.limits[CRAWL_LIMIT_PAGES])
            crawl_limit_hit(c, CRAWL_LIMIT_PAGES, 1);   /* stopped with pages queued */
        *finished = 1;
        return 0;
    }
    if (fetch_pending(c->fetcher) > 0 || c->parsing > 0)
        return 100;
    double wait = (due > c->next_start ? due : c->next_start) - now;
    return wait <= 0 ? 0 : (wait > 1 ? 1000 : (int)(wait * 1000) + 1);
}

static int run_loop(struct crawler *c)
{
    double last_report = 0;
    int finished = 0, rc = CRAWL_OK;
    while (!c->failed) {
        double now = crawl_now();
        if ((rc = start_due(c, now)))
            break;
        int wait = idle_wait_ms(c, now, &finished);
        if (finished)
            break;
        double until_next = c->next_start - now;
        int poll_ms = until_next > 0 && until_next < 0.1 ? (int)(until_next * 1000) + 1 : 100;
        if (fetch_pending(c->fetcher) == 0 && c->parsing == 0) {
            if ((rc = end_batch(c, 1)))
                break;
            sleep_seconds(wait / 1000.0);
            continue;
        }
        if (fetch_pending(c->fetcher) == 0)
            drain_parsed(c, poll_ms);   /* only the worker has work: wait for it */
        else if (fetch_poll(c->fetcher, poll_ms, on_done, c) < 0)
            rc = CRAWL_EFETCH;
        drain_parsed(c, 0);
        if (!rc)
            rc = end_batch(c, 0);     /* a failed commit (disk full) ends the crawl */
        if (rc)
            break;
        report(c, &last_report, 0);
    }
    if (!c->failed)
        begin_batch(c);     /* limit hits noted after the last batch are saved too */
    end_batch(c, 1);
    report(c, &last_report, 1);
    if (c->failed)
        return CRAWL_ESTORE;
    return rc;
}

static int setup(struct crawler *c, const struct crawl_opts *o, char **start)
{
    struct fetch_opts fo = {.user_agent = o->user_agent, .mirror_dir = o->mirror_dir,
                            .resolve = o->resolve};
    int rc;
    if (url_normalize(NULL, o->start_url, start) != URL_OK ||
        url_origin(*start, &c->origin) != URL_OK ||
        url_authority(*start, &c->authority) != URL_OK) {
        snprintf(c->err, sizeof(c->err), "'%s' is not an http(s) URL", o->start_url);
        return CRAWL_EURL;
    }
    /* a start URL the user wrote as a private address (127.0.0.1, 10.x,
     * localhost) may be crawled; only names are kept off such addresses */
    c->allow_private = o->allow_private || fetch_authority_is_private(c->authority);
    fo.allow_private = c->allow_private;
    if (o->via < CRAWL_VIA_AUTO || o->via > CRAWL_VIA_PAGES) {
        snprintf(c->err, sizeof(c->err), "unknown source of posts (via %d)", o->via);
        return CRAWL_EOPTION;
    }
    if ((rc = crawl_compile_patterns(c)))
        return rc;
    c->n_fetch = o->concurrency > 0 ? o->concurrency : 1;
    c->n_slots = c->n_fetch + CRAWL_PARSE_BACKLOG;
    c->inflight = calloc((size_t)c->n_slots, sizeof(*c->inflight));
    if (!c->inflight)
        abort();
    fo.max_connections = c->n_fetch;
    if (fetch_new(&fo, &c->fetcher) != FETCH_OK) {
        snprintf(c->err, sizeof(c->err), "cannot set up libcurl");
        return CRAWL_EFETCH;
    }
    /* Without a thread, pages are read inline, as fast as one core allows. */
    if (crawl_parser_start(o->content_xpath, wake_fetcher, c->fetcher, &c->parser) != 0)
        c->parser = NULL;
    return CRAWL_OK;
}

/* --via auto: whether a feed was found to list every post earlier in this
 * round (a resumed crawl goes on as it was). */
static int load_feed_full(struct crawler *c)
{
    char *v = NULL, num[32];
    if (c->opts->via != CRAWL_VIA_AUTO)
        return STORE_OK;
    int rc = store_meta_get(c->store, CRAWL_FEED_FULL_KEY, &v);
    snprintf(num, sizeof(num), "%ld", c->round);
    c->feed_full = !rc && v && !strcmp(v, num);
    free(v);
    return rc;
}

/* Whether the edges were rebuilt after the last change any run made. */
static int resolved_before(struct store *s)
{
    char *v = NULL;
    int yes = store_meta_get(s, CRAWL_RESOLVE_KEY, &v) == STORE_OK && v && !strcmp(v, "0");
    free(v);
    return yes;
}

int crawl_run(struct store *s, const struct crawl_opts *o, struct crawl_progress *summary,
              char **errmsg)
{
    struct crawler c = {.store = s, .opts = o, .urls = urlcache_new(CRAWL_URLCACHE_ENTRIES)};
    char *start = NULL;
    if (!c.urls)
        abort();
    strtab_init(&c.known, sizeof(struct crawl_known_entry));
    strtab_init(&c.patterns, sizeof(long));
    int rc = setup(&c, o, &start);
    if (!rc)
        rc = load_robots(&c);
    if (!rc) {
        effective_delay(&c);
        c.next_start = crawl_now() + c.delay;     /* robots.txt was a request too */
        int fresh = 0;
        store_frontier_xml_first(s, o->via != CRAWL_VIA_PAGES);
        if ((rc = store_page_max_id(s, &c.last_old_id)) ||
            (rc = store_round_begin(s, &c.round, &fresh)) || (rc = load_feed_full(&c)) ||
            (!fresh && (rc = crawl_patterns_resume(&c))) || (rc = seed(&c, start)))
            snprintf(c.err, sizeof(c.err), "%s", store_errmsg(s));
        rc = rc ? CRAWL_ESTORE : run_loop(&c);
    }
    /* an unchanged re-crawl keeps the edges it has (resolving is most of
     * its time); a fresh or resumed database is always resolved */
    if (!rc && (c.changed || !resolved_before(s))) {
        if (store_resolve(s) != STORE_OK || store_meta_set(s, CRAWL_RESOLVE_KEY, "0") != STORE_OK) {
            snprintf(c.err, sizeof(c.err), "%s", store_errmsg(s));
            rc = CRAWL_ESTORE;
        }
    }
    crawl_parser_stop(c.parser);
    c.parser = NULL;
    store_frontier_xml_first(s, 0);
    if (summary)
        *summary = c.prog;
    if (rc && errmsg)
        *errmsg = strdup(c.err[0] ? c.err : crawl_strerror(rc));
    for (int i = 0; i < c.n_slots; i++)
        store_job_release(&c.inflight[i]);
    free(c.inflight);
    fetch_free(c.fetcher);
    robots_free(c.robots);
    crawl_free_patterns(&c);
    crawl_known_free(&c.known);
    strtab_free(&c.patterns);
    urlcache_free(c.urls);
    free(c.origin);
    free(c.authority);
    free(start);
    return rc;
}

const char *crawl_strerror(int code)
{
    switch (code) {
    case CRAWL_OK: return "ok";
    case CRAWL_EURL: return "not an http(s) URL";
    case CRAWL_EROBOTS: return "robots.txt unreachable";
    case CRAWL_ESTORE: return "database error";
    case CRAWL_EFETCH: return "network setup failed";
    case CRAWL_EOPTION: return "invalid option";
    default: return "crawl failed";
    }
}
