/* crawl_known: what the crawl already worked out about each link it met.
 * Every page of a blog repeats the same sidebar, archive and label links;
 * for each distinct normalised URL this table keeps its in-scope form (or
 * that it is off-site) and, once queued, its page id, so a link met again
 * costs one hash lookup and one nav row instead of URL parsing, robots and
 * trap checks and a queue insert. It is a cache of what the store and the
 * rules say, bounded: when full it starts over. */
#include "crawlInt.h"

#include <stdlib.h>
#include <string.h>

#define CRAWL_KNOWN_MAX 262144

void crawl_known_free(struct strtab *known)
{
    for (size_t i = 0; i < known->n_slots; i++) {
        struct crawl_known_entry *e = strtab_slot(known, i, NULL);
        if (e)
            free(e->scoped);
    }
    strtab_free(known);
}

struct crawl_known_entry *crawl_known_get(struct crawler *c, const char *url)
{
    int added;
    if (c->known.n >= CRAWL_KNOWN_MAX)
        crawl_known_free(&c->known);
    struct crawl_known_entry *e = strtab_get(&c->known, url, &added);
    if (added)
        e->scoped = crawl_scope(c, url, &e->internal);
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
