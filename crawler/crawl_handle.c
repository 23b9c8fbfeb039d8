/* crawl_handle: what one finished fetch means for the crawl.
 *
 * Transport errors, 5xx and 429 go back to the queue with backoff (429 and
 * 503 honour Retry-After, capped, and pause the whole host) until the tries
 * run out; 3xx records its target and queues it, so every spelling of a post
 * resolves to one node later; 200 pages are read by extract.h (posts keep
 * their facts and body links; every page feeds discovery, or with posts
 * taken from feeds only its feeds and a post's body links do), sitemaps and
 * feeds by sitemap.h (a feed's entries by crawl_feed.c). Everything runs
 * inside the loop's open transaction. */
#include "crawlInt.h"
#include "blogmap/url.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const default_post_patterns[] = {
    "^/[0-9]{4}/[0-9]{2}/[^/?]+\\.html?$",                      /* Blogger, Jekyll */
    "^/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/?]+(/|\\.html?)?$",       /* WordPress, Jekyll */
    "^/[0-9]{4}/[0-9]{2}/[^/?]*[^0-9/?][^/?]*/$",              /* WordPress month+slug */
    ("^/(post|posts|blog|article|articles|entry|entries|notes)/"
     "([^/?]*[^0-9/?][^/?]*)/?$"),                              /* Hugo, Ghost, Jekyll */
};

void crawl_failed(struct crawler *c, int rc)
{
    if (rc == STORE_OK || c->failed)
        return;
    c->failed = rc;
    snprintf(c->err, sizeof(c->err), "%s: %s", store_strerror(rc), store_errmsg(c->store));
}

int crawl_compile_patterns(struct crawler *c)
{
    const char *const *pats = default_post_patterns;
    size_t n = sizeof(default_post_patterns) / sizeof(default_post_patterns[0]);
    if (c->opts->post_pattern) {
        pats = &c->opts->post_pattern;
        n = 1;
    }
    c->post_re = calloc(n, sizeof(*c->post_re));
    if (!c->post_re)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (regcomp(&c->post_re[i], pats[i], REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
            snprintf(c->err, sizeof(c->err), "invalid post pattern '%s'", pats[i]);
            return CRAWL_EOPTION;
        }
        c->n_post_re++;
    }
    return CRAWL_OK;
}

void crawl_free_patterns(struct crawler *c)
{
    for (size_t i = 0; i < c->n_post_re; i++)
        regfree(&c->post_re[i]);
    free(c->post_re);
    c->post_re = NULL;
    c->n_post_re = 0;
}

int crawl_is_post_path(const struct crawler *c, const char *url)
{
    char *path = NULL;
    int yes = 0;
    if (url_path_query(url, &path) != URL_OK)
        return 0;
    for (size_t i = 0; i < c->n_post_re && !yes; i++)
        yes = regexec(&c->post_re[i], path, 0, NULL, 0) == 0;
    free(path);
    return yes;
}

static int same_host(const char *auth, const char *start)
{
    return !strcasecmp(auth, start);
}

char *crawl_scope(const struct crawler *c, const char *url, int *internal)
{
    char *auth = NULL, *path = NULL, *out = NULL;
    int ok = 0;
    *internal = 0;
    size_t n0 = strlen(c->origin);
    if (!strncmp(url, c->origin, n0) && url[n0] == '/') {
        /* normalised and on the start origin already: it is its own form */
        *internal = 1;
        out = strdup(url);
        if (!out)
            abort();
        return out;
    }
    if (url_authority(url, &auth) != URL_OK || url_path_query(url, &path) != URL_OK)
        goto out;
    ok = same_host(auth, c->authority);
    for (size_t i = 0; !ok && i < c->opts->n_aliases; i++)
        ok = same_host(auth, c->opts->aliases[i]);
    if (ok) {
        size_t n = strlen(c->origin) + strlen(path) + 1;
        out = malloc(n);
        if (!out)
            abort();
        snprintf(out, n, "%s%s", c->origin, path);
        *internal = 1;
    }
out:
    free(auth);
    free(path);
    return out;
}

/* Blogger's default feed pages 25 entries; ask for its maximum of 500. */
static const char *feed_query(const char *url)
{
    size_t n = strlen(url), k = strlen("/feeds/posts/default");
    if (n >= k && !strcmp(url + n - k, "/feeds/posts/default"))
        return "?max-results=500";
    return "";
}

int crawl_enqueue(struct crawler *c, const char *url, int kind, int depth, int hops)
{
    char *path = NULL, *full = NULL;
    int rc = STORE_OK;
    if (depth > (c->opts->max_depth > 0 ? c->opts->max_depth : 50)) {
        crawl_limit_hit(c, CRAWL_LIMIT_DEPTH, 1);
        return STORE_OK;
    }
    if (url_is_trap(url)) {
        crawl_limit_hit(c, CRAWL_LIMIT_TRAP, 1);
        return STORE_OK;
    }
    if (kind == STORE_FEED && *feed_query(url)) {
        size_t n = strlen(url) + 32;
        full = malloc(n);
        if (!full)
            abort();
        snprintf(full, n, "%s%s", url, feed_query(url));
        url = full;
    }
    if (url_path_query(url, &path) == URL_OK && robots_allowed(c->robots, path) &&
        !(kind == STORE_PAGE && crawl_pattern_full(c, url))) {
        int added = 0;
        rc = store_frontier_add(c->store, url, kind, depth, hops, &added);
        if (added && kind == STORE_PAGE)
            crawl_pattern_count(c, url);
        if (added)
            c->changed = 1;
    }
    free(path);
    free(full);
    return rc;
}

/* Feeds that repeat what the posts feed says: per-post comment feeds (one
 * per post on Blogger and WordPress) and RSS twins of the Atom feed. */
static int redundant_feed(const char *url)
{
    const char *path = strstr(url, "://");
    path = path ? strchr(path + 3, '/') : NULL;
    if (!path)
        return 0;
    size_t n = strlen(path);
    int post_feed = n > 6 && !strcmp(path + n - 6, "/feed/") && strchr(path + 1, '/') != path + n - 5;
    return strstr(path, "/comments/") || strstr(path, "alt=rss") || post_feed;
}

void crawl_discover(struct crawler *c, const char *url, int kind, int depth, long from_page)
{
    if (redundant_feed(url))
        return;
    struct crawl_known_entry *e = crawl_known_get(c, url);
    if (!e->scoped)
        return;     /* off-site */
    if (kind == STORE_PAGE && e->id != 0) {
        /* met before: queued already (a queued URL stays queued), or refused */
        if (e->id > 0 && from_page > 0)
            crawl_failed(c, store_add_nav_id(c->store, from_page, e->id));
        return;
    }
    crawl_failed(c, crawl_enqueue(c, e->scoped, kind, depth, 0));
    if (kind != STORE_PAGE || c->failed)
        return;
    long id = 0;
    crawl_failed(c, store_page_id(c->store, e->scoped, &id));
    if (id > 0 && from_page > 0)
        crawl_failed(c, store_add_nav_id(c->store, from_page, id));
    if (id > 0)
        e->id = id;
    else if (depth <= (c->opts->max_depth > 0 ? c->opts->max_depth : 50))
        e->id = -1;         /* robots.txt or a trap: the same answer next time */
}

static void finish(struct crawler *c, const struct store_job *j, const struct fetch_result *r,
                   const char *state, const char *error, const char *redirect_to)
{
    struct store_outcome o = {
        .state = state, .status = r->status, .error = error, .redirect_to = redirect_to,
        .content_type = r->content_type, .etag = r->etag, .last_modified = r->last_modified,
        .bytes = r->body_len, .body_hash = c->body_hash};
    int same = 0;
    if (j->kind == STORE_PAGE)      /* a 404 or a redirect seen again changes nothing */
        crawl_failed(c, store_page_same(c->store, j->id, &o, &same));
    crawl_failed(c, store_page_finish(c->store, j->id, &o));
    if (j->kind == STORE_PAGE && !same)
        c->changed = 1;     /* a page's state or target: edges are rebuilt */
    c->budget_used++;
    if (strcmp(state, "done") != 0 || r->status >= 400)
        c->prog.errors++;
}

/* Retry later, or give up when the tries are spent. */
static void retry_or_fail(struct crawler *c, const struct store_job *j,
                          const struct fetch_result *r, const char *why)
{
    int max = c->opts->max_tries > 0 ? c->opts->max_tries : 4;
    /* a silent server costs the stall timeout per attempt: one more only */
    if (r->error == FETCH_ETIMEOUT && max > CRAWL_TIMEOUT_TRIES)
        max = CRAWL_TIMEOUT_TRIES;
    double wait = pow(2.0, j->tries);
    if (r->retry_after >= 0 && (r->status == 429 || r->status == 503)) {
        wait = r->retry_after > CRAWL_RETRY_AFTER_CAP ? CRAWL_RETRY_AFTER_CAP : r->retry_after;
        if (wait < 1)
            wait = 1;
        if (c->next_start < crawl_now() + wait)
            c->next_start = crawl_now() + wait;      /* the whole host waits */
    }
    if (j->tries + 1 >= max) {
        finish(c, j, r, "failed", why, NULL);
        return;
    }
    crawl_failed(c, store_frontier_retry(c->store, j->id, crawl_now() + wait, r->status, why));
}

static void handle_redirect(struct crawler *c, const struct store_job *j,
                            const struct fetch_result *r)
{
    char *target = NULL;
    int internal = 0;
    if (!r->location || url_normalize(r->url, r->location, &target) != URL_OK) {
        finish(c, j, r, "failed", "redirect without a usable Location", NULL);
        return;
    }
    char *scoped = crawl_scope(c, target, &internal);
    const char *to = scoped ? scoped : target;
    if (j->hops + 1 > CRAWL_MAX_HOPS) {
        finish(c, j, r, "failed", "too many redirects", to);
    } else {
        if (scoped)
            crawl_failed(c, crawl_enqueue(c, scoped, j->kind, j->depth, j->hops + 1));
        finish(c, j, r, "done", NULL, to);
    }
    free(target);
    free(scoped);
}

void crawl_listed(struct crawler *c, const char *url, const char *lastmod, int depth)
{
    int internal;
    long id = 0;
    char *u = crawl_scope(c, url, &internal);
    if (!u)
        return;
    crawl_failed(c, store_page_id(c->store, u, &id));
    if (!id && !c->failed)      /* a page already known needs no queueing */
        crawl_failed(c, crawl_enqueue(c, u, STORE_PAGE, depth, 0));
    if (!c->failed)
        crawl_failed(c, store_sitemap_lastmod(c->store, u, lastmod));
    free(u);
}

static void handle_xml(struct crawler *c, const struct store_job *j, const struct fetch_result *r)
{
    struct sitemap_list *l = NULL;
    int rc = sitemap_parse(r->body, r->body_len, r->url, 0, &l);
    if (rc != SITEMAP_OK) {
        finish(c, j, r, "done", sitemap_strerror(rc), NULL);
        return;
    }
    if (l->is_feed)
        crawl_feed_entries(c, j, l);
    else
        for (size_t i = 0; i < l->n_pages && !c->failed; i++)
            crawl_listed(c, l->pages[i], l->lastmod[i], j->depth + 1);
    for (size_t i = 0; i < l->n_more && !c->failed; i++)
        crawl_discover(c, l->more[i], l->is_feed ? STORE_FEED : STORE_SITEMAP, j->depth, 0);
    sitemap_list_free(l);
    finish(c, j, r, "done", NULL, NULL);
}

static int is_html(const char *ctype)
{
    return !ctype || strcasestr(ctype, "html") != NULL;
}

static int is_xml(const char *ctype)
{
    return ctype && (strcasestr(ctype, "xml") || strcasestr(ctype, "atom") ||
                     strcasestr(ctype, "rss")) && !strcasestr(ctype, "xhtml");
}

/* A different URL the page names as its real address (canonical, refresh). */
static char *page_alias(struct crawler *c, const struct extract_page *p, const char *url)
{
    const char *cands[2] = {p->refresh, p->canonical};
    for (int i = 0; i < 2; i++) {
        int internal;
        if (!cands[i])
            continue;
        char *u = crawl_scope(c, cands[i], &internal);
        if (u && strcmp(u, url) != 0)
            return u;
        free(u);
    }
    return NULL;
}

int crawl_follows_listings(const struct crawler *c)
{
    return c->opts->via == CRAWL_VIA_PAGES || (c->opts->via == CRAWL_VIA_AUTO && !c->feed_full);
}

void crawl_store_body_links(struct crawler *c, long id, const struct extract_page *p, int depth,
                            int queue_targets)
{
    for (size_t i = 0; i < p->n_body_links && !c->failed; i++) {
        const struct extract_link *l = &p->body_links[i];
        int internal;
        char *u = crawl_scope_known(c, l->url, &internal);
        crawl_failed(c, store_add_link(c->store, id, u ? u : l->url,
                                       l->kind == EXTRACT_RELATED, internal, l->anchor,
                                       l->context));
        free(u);
    }
    for (size_t i = 0; i < p->n_body_links && !c->failed && queue_targets; i++)
        crawl_discover(c, p->body_links[i].url, STORE_PAGE, depth, id);
}

unsigned long long crawl_text_hash(const struct extract_page *p)
{
    size_t len = p->text ? strlen(p->text) : 0;
    if (len < CRAWL_COPY_MIN_TEXT)
        return 0;
    unsigned long long h = crawl_body_hash(p->text, len);
    if (p->title)
        h ^= crawl_body_hash(p->title, strlen(p->title)) * 31;
    h &= 0x7fffffffffffffffULL;
    return h ? h : 1;
}

/* T20: the same post under a second, unrelated URL (no canonical link,
 * no redirect) is stored as an alias of the first, not as a copy. Returns
 * the first's URL (malloc'd) or NULL. */
static char *page_copy_of(struct crawler *c, const struct store_job *j,
                          const struct extract_page *p, unsigned long long hash)
{
    char *url = NULL;
    if (hash)
        crawl_failed(c, store_find_copy(c->store, j->id, hash, p->title, p->text, &url));
    return url;
}

/* What page P (extract_page()'s answer RC) means for the crawl; P is freed. */
static void handle_extracted(struct crawler *c, const struct store_job *j,
                             const struct fetch_result *r, int rc, struct extract_page *p)
{
    if (rc != EXTRACT_OK) {
        finish(c, j, r, "done", extract_strerror(rc), NULL);
        return;
    }
    c->changed = 1;         /* new or changed content: its links and text are rewritten */
    crawl_limit_hit(c, CRAWL_LIMIT_LINKS, (long)p->links_dropped);
    if (r->nofollow)
        p->nofollow = 1;    /* X-Robots-Tag, as <meta name=robots> would say */
    char *alias = page_alias(c, p, j->url);
    int post = !alias && p->content_blocks <= 1 &&
               (crawl_is_post_path(c, j->url) || (!c->opts->post_pattern && p->og_article &&
                                                  p->date && !strchr(j->url + strlen(c->origin), '?')));
    unsigned long long hash = post ? crawl_text_hash(p) : 0;
    const char *note = p->partial ? "partial parse" : NULL;
    if (post && (alias = page_copy_of(c, j, p, hash))) {
        post = 0;
        note = "same title and text as another post";
    }
    struct store_post sp = {.title = p->title, .date = p->date, .labels = p->labels,
                            .text = p->text, .anchors = p->anchors, .is_post = post,
                            .text_hash = hash};
    crawl_failed(c, store_page_set_post(c->store, j->id, &sp));
    if (post) {
        crawl_store_body_links(c, j->id, p, j->depth + 1, !crawl_follows_listings(c));
        c->prog.posts++;
    }
    if (alias && j->hops + 1 <= CRAWL_MAX_HOPS)
        crawl_failed(c, crawl_enqueue(c, alias, STORE_PAGE, j->depth, j->hops + 1));
    for (size_t i = 0; i < p->n_links && !c->failed && !p->nofollow && crawl_follows_listings(c);
         i++)
        crawl_discover(c, p->links[i], STORE_PAGE, j->depth + 1, j->id);
    for (size_t i = 0; i < p->n_feeds && !c->failed; i++)
        crawl_discover(c, p->feeds[i], STORE_FEED, j->depth + 1, 0);
    finish(c, j, r, "done", note, alias);
    free(alias);
    extract_page_free(p);
}

static char *dup_or_null(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        abort();
    return d;
}

/* Read the page here, or hand it to the parse worker (returns 1). */
static int handle_page(struct crawler *c, const struct store_job *j, const struct fetch_result *r,
                       int slot)
{
    if (c->parser) {
        struct crawl_parse_task *t = calloc(1, sizeof(*t));
        if (!t || !(t->body = malloc(r->body_len + 1)))
            abort();
        memcpy(t->body, r->body, r->body_len);
        t->body[r->body_len] = '\0';
        t->body_len = r->body_len;
        t->slot = slot;
        t->url = dup_or_null(j->url);
        t->content_type = dup_or_null(r->content_type);
        t->etag = dup_or_null(r->etag);
        t->last_modified = dup_or_null(r->last_modified);
        t->status = r->status;
        t->nofollow = r->nofollow;
        t->body_hash = c->body_hash;
        crawl_parser_submit(c->parser, t);
        c->parsing++;
        c->parse_bytes += t->body_len;
        return 1;
    }
    struct extract_page *p = NULL;
    struct extract_opts eo = {.content_xpath = c->opts->content_xpath, .urls = c->urls};
    int rc = extract_page(r->body, r->body_len, j->url, r->content_type, &eo, &p);
    handle_extracted(c, j, r, rc, p);
    return 0;
}

void crawl_handle_parsed(struct crawler *c, const struct store_job *j, struct crawl_parse_task *t)
{
    struct fetch_result r = {.tag = t->slot, .url = j->url, .status = t->status,
                             .content_type = t->content_type, .etag = t->etag,
                             .last_modified = t->last_modified, .body_len = t->body_len,
                             .retry_after = -1, .nofollow = t->nofollow};
    c->parsing--;
    c->parse_bytes -= t->body_len;
    c->body_hash = t->body_hash;
    snprintf(c->last_url, sizeof(c->last_url), "%s", j->url);
    handle_extracted(c, j, &r, t->rc, t->page);
    t->page = NULL;
    crawl_parse_task_free(t);
}

/* FNV-1a of a body: tells an unchanged page without parsing it. */
unsigned long long crawl_body_hash(const char *p, size_t n)
{
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h & 0x7fffffffffffffffULL;     /* fits SQLite's signed integer */
}

/* Nothing changed since the last round: keep what is stored. */
static void unchanged(struct crawler *c, const struct store_job *j)
{
    crawl_failed(c, store_page_unchanged(c->store, j->id));
    c->budget_used++;
    c->prog.unchanged++;
}

int crawl_handle(struct crawler *c, const struct store_job *j, const struct fetch_result *r)
{
    char err[256];
    c->prog.fetched++;
    crawl_pace_note(c, r);
    c->body_hash = r->body ? crawl_body_hash(r->body, r->body_len) : 0;
    snprintf(c->last_url, sizeof(c->last_url), "%s", j->url);
    c->prog.url = c->last_url;
    snprintf(err, sizeof(err), "%s%s%s", r->error ? fetch_strerror(r->error) : "",
             r->errmsg ? ": " : "", r->errmsg ? r->errmsg : "");
    crawl_failed(c, store_log_fetch(c->store, j->id, j->url, crawl_now(), r->status,
                                    r->error ? err : NULL, r->location, r->body_len, r->seconds));
    if (r->error == FETCH_ETOOBIG)
        finish(c, j, r, "failed", err, NULL);
    else if (r->error != FETCH_OK)
        retry_or_fail(c, j, r, err);
    else if (r->status == 429 || r->status >= 500)
        retry_or_fail(c, j, r, r->status == 429 ? "too many requests" : "server error");
    else if (r->status == 304 || (r->status == 200 && j->kind == STORE_PAGE && j->has_hash &&
                                  j->body_hash == c->body_hash))
        unchanged(c, j);
    else if (r->status >= 300 && r->status < 400)
        handle_redirect(c, j, r);
    else if (r->status != 200)
        finish(c, j, r, "done", NULL, NULL);
    else if (j->kind != STORE_PAGE || is_xml(r->content_type))
        handle_xml(c, j, r);
    else if (is_html(r->content_type))
        return handle_page(c, j, r, (int)r->tag);
    else
        finish(c, j, r, "done", "not HTML", NULL);
    return 0;
}
