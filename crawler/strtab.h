/* strtab: a string-keyed hash table of fixed-size values (open addressing,
 * FNV-1a, doubling at half full), for the crawl's per-run tables (links
 * met, pages per URL pattern). Private to crawler/. A struct strtab is
 * caller-owned (strtab_init / strtab_free); it owns copies of its keys. A
 * value pointer is good until the next strtab_get that adds a key. Out of
 * memory aborts, as elsewhere in the crawl. */
#ifndef BLOGMAP_STRTAB_H
#define BLOGMAP_STRTAB_H

#include <stddef.h>

struct strtab {
    char **keys;            /* NULL: empty slot */
    unsigned char *values;  /* n_slots values of value_size bytes */
    size_t value_size, n_slots, n;
};

void strtab_init(struct strtab *t, size_t value_size);

/* Free the keys and the slots (not what values point to: walk them with
 * strtab_slot first); T is empty and usable again. */
void strtab_free(struct strtab *t);

/* KEY's value; when absent, KEY is added (copied) with a zeroed value and
 * *ADDED (may be NULL) is set to 1. */
void *strtab_get(struct strtab *t, const char *key, int *added);

/* Slot I (below t->n_slots): its value, and its key in *KEY, or NULL when
 * the slot is empty. */
void *strtab_slot(const struct strtab *t, size_t i, const char **key);

#endif
