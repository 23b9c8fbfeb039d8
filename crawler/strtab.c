/* strtab: a string-keyed hash table of fixed-size values, open addressing
 * with linear probing over a power-of-two number of slots, grown to twice
 * its size when half full. Keys are hashed with FNV-1a. */
#include "strtab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STRTAB_FIRST_SLOTS 256

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void strtab_init(struct strtab *t, size_t value_size)
{
    memset(t, 0, sizeof(*t));
    t->value_size = value_size;
}

void strtab_free(struct strtab *t)
{
    for (size_t i = 0; i < t->n_slots; i++)
        free(t->keys[i]);
    free(t->keys);
    free(t->values);
    strtab_init(t, t->value_size);
}

static void grow(struct strtab *t)
{
    size_t n = t->n_slots ? 2 * t->n_slots : STRTAB_FIRST_SLOTS;
    char **keys = calloc(n, sizeof(*keys));
    unsigned char *values = calloc(n, t->value_size);
    if (!keys || !values)
        abort();
    for (size_t i = 0; i < t->n_slots; i++) {
        if (!t->keys[i])
            continue;
        size_t j = (size_t)hash_key(t->keys[i]) & (n - 1);
        while (keys[j])
            j = (j + 1) & (n - 1);
        keys[j] = t->keys[i];
        memcpy(values + j * t->value_size, t->values + i * t->value_size, t->value_size);
    }
    free(t->keys);
    free(t->values);
    t->keys = keys;
    t->values = values;
    t->n_slots = n;
}

void *strtab_get(struct strtab *t, const char *key, int *added)
{
    if (added)
        *added = 0;
    if (2 * (t->n + 1) > t->n_slots)
        grow(t);
    size_t mask = t->n_slots - 1, i = (size_t)hash_key(key) & mask;
    for (; t->keys[i]; i = (i + 1) & mask)
        if (!strcmp(t->keys[i], key))
            return t->values + i * t->value_size;
    if (!(t->keys[i] = strdup(key)))
        abort();
    t->n++;
    if (added)
        *added = 1;
    return memset(t->values + i * t->value_size, 0, t->value_size);
}

void *strtab_slot(const struct strtab *t, size_t i, const char **key)
{
    if (i >= t->n_slots || !t->keys[i])
        return NULL;
    if (key)
        *key = t->keys[i];
    return t->values + i * t->value_size;
}
