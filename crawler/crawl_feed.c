/* crawl_feed: what the entries of one feed page mean for the crawl.
 *
 * With --via pages a feed only lists posts, as a sitemap does. Otherwise an
 * entry that carries its post whole (feedpost.h) is stored as if the post's
 * page had been fetched, by the same steps handle_page takes: the page is
 * queued (so robots.txt, depth and trap rules apply as to any URL) and, if it
 * still waits to be fetched this round, its facts, body links and a "done,
 * 200" outcome are written, with the hash of the entry's HTML so that a later
 * round tells an unchanged entry without reading it. Body-link targets are
 * queued, so a renamed post's old address, a 404 or a redirect loop resolve
 * exactly as they do in a page crawl. Entries with only a summary, cut at a
 * jump break, or naming no post are listed, so their pages are fetched.
 *
 * --via auto stops following listing pages once Blogger's posts feed has
 * carried whole posts and its openSearch counts say it was read to the end:
 * the feed then lists every post, and archives would only repeat it. */
#include "crawlInt.h"
#include "blogmap/feedpost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRAWL_FEED_CTYPE "text/html; source=feed"   /* pages.content_type */

/* Whether the entry at U (in scope) is a post. A page needs a post path or
 * og:type article and a date; an entry of a posts feed is a post by
 * definition, unless --post-pattern says which URLs are. */
static int entry_is_post(const struct crawler *c, const char *u)
{
    const char *path = u + strlen(c->origin);
    if (crawl_is_post_path(c, u))
        return 1;
    return !c->opts->post_pattern && !strchr(path, '?') && strcmp(path, "/") != 0;
}

/* Store post JOB from entry E, as handle_page stores a fetched post. */
static void store_entry(struct crawler *c, const struct store_job *job,
                        const struct feedpost_entry *e, int depth)
{
    size_t len = strlen(e->content);
    unsigned long long hash = crawl_body_hash(e->content, len);
    struct extract_page *p = NULL;
    if (job->has_hash && job->body_hash == hash) {
        crawl_failed(c, store_page_unchanged(c->store, job->id));
        c->prog.unchanged++;
        return;
    }
    if (feedpost_extract(e, 0, &p) != FEEDPOST_OK)
        return;     /* left waiting: the page is fetched instead */
    struct store_post sp = {.title = p->title, .date = p->date, .labels = p->labels,
                            .text = p->text, .anchors = p->anchors, .is_post = 1,
                            .text_hash = crawl_text_hash(p)};
    struct store_outcome o = {.state = "done", .status = 200, .content_type = CRAWL_FEED_CTYPE,
                              .bytes = len, .body_hash = hash};
    crawl_failed(c, store_page_set_post(c->store, job->id, &sp));
    c->changed = 1;
    crawl_store_body_links(c, job->id, p, depth + 1, 1);
    if (!c->failed)
        crawl_failed(c, store_page_finish(c->store, job->id, &o));
    c->prog.posts++;
    c->prog.from_feed++;
    extract_page_free(p);
}

/* Whether entry I carries its post whole, judged against both the URL the
 * feed gives and the one in scope (a jump link may use either host). */
static int whole_entry(const struct sitemap_list *l, size_t i, const char *scoped)
{
    struct feedpost_entry e = {.url = l->pages[i], .content = l->content[i]};
    if (!feedpost_has_body(&e))
        return 0;
    if (!strcmp(scoped, l->pages[i]))
        return 1;
    e.url = scoped;
    return feedpost_has_body(&e);
}

/* Take entry I of L from the feed; 0 when it is to be listed instead. */
static int take_entry(struct crawler *c, const struct sitemap_list *l, size_t i, int depth)
{
    int internal, waiting = 0, taken = 0;
    struct store_job job = {0};
    char *u = crawl_scope(c, l->pages[i], &internal);
    if (!u || !whole_entry(l, i, u))
        goto out;
    c->feed_bodies++;
    if (!entry_is_post(c, u))
        goto out;
    taken = 1;
    crawl_failed(c, crawl_enqueue(c, u, STORE_PAGE, depth, 0));
    if (!c->failed)
        crawl_failed(c, store_sitemap_lastmod(c->store, u, l->lastmod[i]));
    if (!c->failed)
        crawl_failed(c, store_page_waiting(c->store, u, &job, &waiting));
    if (waiting && job.kind == STORE_PAGE && !c->failed) {
        struct feedpost_entry e = {.url = u, .title = l->titles[i], .date = l->published[i],
                                   .labels = l->labels[i], .content = l->content[i]};
        store_entry(c, &job, &e, depth);
    }
out:
    store_job_release(&job);
    free(u);
    return taken;
}

/* Blogger's posts feed (not a label's, a comment's or a summary feed). */
static int blogger_posts_feed(const struct crawler *c, const char *url)
{
    static const char *const paths[] = {"/feeds/posts/default", "/feeds/posts/full"};
    const char *path = url + strlen(c->origin);
    if (strncmp(url, c->origin, strlen(c->origin)) != 0)
        return 0;
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        size_t n = strlen(paths[i]);
        if (!strncmp(path, paths[i], n) && (path[n] == '\0' || path[n] == '?'))
            return 1;
    }
    return 0;
}

/* --via auto: note when the posts feed has been read to its last entry. */
static void note_full_feed(struct crawler *c, const struct store_job *job,
                           const struct sitemap_list *l)
{
    char num[32];
    if (c->opts->via != CRAWL_VIA_AUTO || c->feed_full || c->feed_bodies == 0 || l->n_more ||
        l->total_results < 0 || l->start_index < 1 || !blogger_posts_feed(c, job->url) ||
        (size_t)(l->start_index - 1) + l->n_pages < (size_t)l->total_results)
        return;
    c->feed_full = 1;
    snprintf(num, sizeof(num), "%ld", c->round);
    crawl_failed(c, store_meta_set(c->store, CRAWL_FEED_FULL_KEY, num));
}

void crawl_feed_entries(struct crawler *c, const struct store_job *job,
                        const struct sitemap_list *l)
{
    int ingest = c->opts->via != CRAWL_VIA_PAGES && l->content;
    for (size_t i = 0; i < l->n_pages && !c->failed; i++)
        if (!(ingest && take_entry(c, l, i, job->depth + 1)))
            crawl_listed(c, l->pages[i], l->lastmod[i], job->depth + 1);
    if (!c->failed)
        note_full_feed(c, job, l);
}
