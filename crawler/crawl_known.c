/* crawl_known: what the crawl already worked out about each link it met.
 * Every page of a blog repeats the same sidebar, archive and label links;
 * for each distinct normalised URL this table keeps its in-scope form (or
 * that it is off-site) and, once queued, its page id, so a link met again
 * costs one hash lookup and one nav row instead of URL parsing, robots and
 * trap checks and a queue insert. It is a cache of what the store and the
 * rules say, bounded: when full it starts over. */
#include "crawlInt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CRAWL_KNOWN_MAX 262144

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void release(struct crawl_known *k)
{
    for (size_t i = 0; i < k->n_slots; i++) {
        free(k->slots[i].url);
        free(k->slots[i].scoped);
    }
    free(k->slots);
    memset(k, 0, sizeof(*k));
}

void crawl_known_free(struct crawl_known *k)
{
    release(k);
}

static void grow(struct crawl_known *k)
{
    size_t n = k->n_slots ? 2 * k->n_slots : 1024;
    struct crawl_known_entry *slots = calloc(n, sizeof(*slots));
    if (!slots)
        abort();
    for (size_t i = 0; i < k->n_slots; i++) {
        if (!k->slots[i].url)
            continue;
        size_t j = (size_t)hash_str(k->slots[i].url) & (n - 1);
        while (slots[j].url)
            j = (j + 1) & (n - 1);
        slots[j] = k->slots[i];
    }
    free(k->slots);
    k->slots = slots;
    k->n_slots = n;
}

struct crawl_known_entry *crawl_known_get(struct crawler *c, const char *url)
{
    struct crawl_known *k = &c->known;
    if (k->n >= CRAWL_KNOWN_MAX)
        release(k);
    if (2 * (k->n + 1) > k->n_slots)
        grow(k);
    size_t mask = k->n_slots - 1, i = (size_t)hash_str(url) & mask;
    for (; k->slots[i].url; i = (i + 1) & mask)
        if (!strcmp(k->slots[i].url, url))
            return &k->slots[i];
    struct crawl_known_entry *e = &k->slots[i];
    e->url = strdup(url);
    if (!e->url)
        abort();
    e->scoped = crawl_scope(c, url, &e->internal);
    e->id = 0;
    k->n++;
    return e;
}

char *crawl_scope_known(struct crawler *c, const char *url, int *internal)
{
    const struct crawl_known_entry *e = crawl_known_get(c, url);
    *internal = e->internal;
    if (!e->scoped)
        return NULL;
    char *s = strdup(e->scoped);
    if (!s)
        abort();
    return s;
}
