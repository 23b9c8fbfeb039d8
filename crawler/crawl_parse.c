/* crawl_parse: a worker thread that reads fetched pages while the crawl
 * loop goes on fetching and storing. Parsing (libxml2 and the extractor) is
 * about half of a page's cost, and the store is single-writer, so the loop
 * hands each HTML page here and takes back the extracted page when it is
 * done; everything that touches the store stays on the loop's thread. Tasks
 * are handed over through two mutex-guarded FIFO lists; the worker owns its
 * own url memo (urlcache.h is not thread-safe) and calls WAKE after each
 * task so the loop's poll returns at once. libxml2 (built thread-safe on
 * Debian) needs nothing else: each parse has its own context. */
#include "crawlInt.h"
#include "blogmap/urlcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct crawl_parser {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work;            /* a task came, or stop */
    pthread_cond_t done_cv;         /* a task finished */
    struct crawl_parse_task *todo, *todo_tail, *done, *done_tail;
    int stop;
    const char *content_xpath;
    struct urlcache *urls;
    void (*wake)(void *ctx);
    void *wake_ctx;
};

static void push(struct crawl_parse_task **head, struct crawl_parse_task **tail,
                 struct crawl_parse_task *t)
{
    t->next = NULL;
    if (*tail)
        (*tail)->next = t;
    else
        *head = t;
    *tail = t;
}

static struct crawl_parse_task *pop(struct crawl_parse_task **head,
                                    struct crawl_parse_task **tail)
{
    struct crawl_parse_task *t = *head;
    if (t) {
        *head = t->next;
        if (!*head)
            *tail = NULL;
        t->next = NULL;
    }
    return t;
}

static void *worker(void *arg)
{
    struct crawl_parser *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->todo && !p->stop)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop)
            break;
        struct crawl_parse_task *t = pop(&p->todo, &p->todo_tail);
        pthread_mutex_unlock(&p->mu);
        struct extract_opts eo = {.content_xpath = p->content_xpath, .urls = p->urls};
        t->rc = extract_page(t->body, t->body_len, t->url, t->content_type, &eo, &t->page);
        free(t->body);
        t->body = NULL;
        pthread_mutex_lock(&p->mu);
        push(&p->done, &p->done_tail, t);
        pthread_cond_signal(&p->done_cv);
        if (p->wake)
            p->wake(p->wake_ctx);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int crawl_parser_start(const char *content_xpath, void (*wake)(void *), void *wake_ctx,
                       struct crawl_parser **out)
{
    struct crawl_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return -1;
    p->content_xpath = content_xpath;
    p->wake = wake;
    p->wake_ctx = wake_ctx;
    p->urls = urlcache_new(CRAWL_URLCACHE_ENTRIES);
    if (!p->urls)
        goto fail;
    if (pthread_mutex_init(&p->mu, NULL))
        goto fail_urls;
    if (pthread_cond_init(&p->work, NULL))
        goto fail_mu;
    if (pthread_cond_init(&p->done_cv, NULL))
        goto fail_work;
    if (pthread_create(&p->thread, NULL, worker, p))
        goto fail_done;
    *out = p;
    return 0;
fail_done:
    pthread_cond_destroy(&p->done_cv);
fail_work:
    pthread_cond_destroy(&p->work);
fail_mu:
    pthread_mutex_destroy(&p->mu);
fail_urls:
    urlcache_free(p->urls);
fail:
    free(p);
    return -1;
}

void crawl_parser_submit(struct crawl_parser *p, struct crawl_parse_task *t)
{
    pthread_mutex_lock(&p->mu);
    push(&p->todo, &p->todo_tail, t);
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
}

struct crawl_parse_task *crawl_parser_take(struct crawl_parser *p, int wait_ms)
{
    pthread_mutex_lock(&p->mu);
    if (!p->done && wait_ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += wait_ms / 1000;
        ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->done_cv, &p->mu, &ts);
    }
    struct crawl_parse_task *t = pop(&p->done, &p->done_tail);
    pthread_mutex_unlock(&p->mu);
    return t;
}

void crawl_parse_task_free(struct crawl_parse_task *t)
{
    if (!t)
        return;
    free(t->body);
    free(t->url);
    free(t->content_type);
    free(t->etag);
    free(t->last_modified);
    extract_page_free(t->page);
    free(t);
}

void crawl_parser_stop(struct crawl_parser *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    struct crawl_parse_task *t;
    while ((t = pop(&p->todo, &p->todo_tail)))
        crawl_parse_task_free(t);
    while ((t = pop(&p->done, &p->done_tail)))
        crawl_parse_task_free(t);
    pthread_cond_destroy(&p->done_cv);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->mu);
    urlcache_free(p->urls);
    free(p);
}
