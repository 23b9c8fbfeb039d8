/* urlcache: an open-addressing hash table of href (or base and href) to
 * url_normalize()'s answer, failures included. Keys and answers are copies
 * the table owns. When the table holds max_entries it is emptied and starts
 * over: the hrefs worth remembering come back at once, and memory stays
 * bounded whatever the blog. */
#include "blogmap/urlcache.h"
#include "blogmap/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct urlcache_entry {
    char *key;          /* NULL: empty slot */
    char *value;        /* normalised URL, or NULL when rc != URL_OK */
    int rc;
};

struct urlcache {
    struct urlcache_entry *slots;
    size_t n_slots;     /* a power of two, at least 2 * max */
    size_t n, max;
    size_t hits, lookups;
};

struct urlcache *urlcache_new(size_t max_entries)
{
    struct urlcache *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->max = max_entries ? max_entries : 1;
    c->n_slots = 16;
    while (c->n_slots < 2 * c->max)
        c->n_slots *= 2;
    c->slots = calloc(c->n_slots, sizeof(*c->slots));
    if (!c->slots) {
        free(c);
        return NULL;
    }
    return c;
}

static void clear(struct urlcache *c)
{
    for (size_t i = 0; i < c->n_slots; i++) {
        free(c->slots[i].key);
        free(c->slots[i].value);
    }
    memset(c->slots, 0, c->n_slots * sizeof(*c->slots));
    c->n = 0;
}

void urlcache_free(struct urlcache *c)
{
    if (!c)
        return;
    clear(c);
    free(c->slots);
    free(c);
}

/* An href whose answer does not depend on the base. */
static int absolute(const char *href)
{
    return !strncmp(href, "http://", 7) || !strncmp(href, "https://", 8);
}

static uint64_t hash_bytes(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static char *dup_or_abort(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* The key: HREF, or BASE, a newline (never in a normalised base) and HREF. */
static char *make_key(const char *base, const char *href)
{
    if (!base || absolute(href))
        return dup_or_abort(href);
    size_t nb = strlen(base), nh = strlen(href);
    char *k = malloc(nb + nh + 2);
    if (!k)
        abort();
    memcpy(k, base, nb);
    k[nb] = '\n';
    memcpy(k + nb + 1, href, nh + 1);
    return k;
}

int urlcache_normalize(struct urlcache *c, const char *base, const char *href, char **out)
{
    if (!c || !href || !out || (base && strlen(base) > URL_MAX_LEN))
        return url_normalize(base, href, out);
    c->lookups++;
    int keyed_alone = !base || absolute(href);
    uint64_t h = 1469598103934665603ULL;
    if (!keyed_alone)
        h = hash_bytes(hash_bytes(h, base), "\n");
    h = hash_bytes(h, href);
    size_t mask = c->n_slots - 1, i = (size_t)h & mask;
    size_t nb = keyed_alone ? 0 : strlen(base);
    for (; c->slots[i].key; i = (i + 1) & mask) {
        const char *k = c->slots[i].key;
        if (keyed_alone ? strcmp(k, href) != 0
                        : (strncmp(k, base, nb) != 0 || k[nb] != '\n' || strcmp(k + nb + 1, href)))
            continue;
        c->hits++;
        if (c->slots[i].rc == URL_OK)
            *out = dup_or_abort(c->slots[i].value);
        return c->slots[i].rc;
    }
    char *value = NULL;
    int rc = url_normalize(base, href, &value);
    if (c->n >= c->max) {
        clear(c);
        for (i = (size_t)h & mask; c->slots[i].key; i = (i + 1) & mask)
            ;
    }
    c->slots[i].key = make_key(base, href);
    c->slots[i].value = value;
    c->slots[i].rc = rc;
    c->n++;
    if (rc == URL_OK)
        *out = dup_or_abort(value);
    return rc;
}

void urlcache_stats(const struct urlcache *c, size_t *hits, size_t *lookups)
{
    *hits = c ? c->hits : 0;
    *lookups = c ? c->lookups : 0;
}
