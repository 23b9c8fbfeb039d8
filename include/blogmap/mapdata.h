/* mapdata: the posts and links a map shows, read from the store after
 * filtering (themes, dates, the most-linked N posts, a post's neighbourhood,
 * orphans). A struct map_graph is owned by the caller (map_graph_free); all
 * its strings belong to it. Node indexes in edges refer to NODES. */
#ifndef BLOGMAP_MAPDATA_H
#define BLOGMAP_MAPDATA_H

#include <stddef.h>

#include "blogmap/store.h"
#include "blogmap/topics.h"

struct map_node {
    long id;                /* pages.id: node names are "p<id>" */
    char *url, *title, *date, *topic;   /* title/date may be ""; topic never NULL */
    int inbound;            /* edges into it among all posts (not just shown) */
};

struct map_edge {
    size_t src, dst;        /* indexes into nodes */
    int related;            /* 1: "related posts" block, 0: inline link */
};

struct map_theme {
    char *name, *label, *color;
    size_t count;           /* shown nodes of this theme */
};

struct map_graph {
    struct map_node *nodes;
    size_t n_nodes;
    struct map_edge *edges;
    size_t n_edges;
    struct map_theme *themes;   /* the topics' themes in order, then "other" */
    size_t n_themes;
};

struct map_filter {
    const char *const *topics;  /* keep these themes only (n_topics 0: all) */
    size_t n_topics;
    const char *since, *until;  /* YYYY-MM-DD bounds on the post date, or NULL */
    size_t top;                 /* keep the N most-linked posts (0: all) */
    const char *around;         /* keep posts within DEPTH links of this URL */
    int depth;                  /* default 1 */
    int no_orphans;             /* drop posts with no inbound edge */
};

enum mapdata_error {
    MAPDATA_ENOTFOUND = -100    /* --around names no crawled post */
};

/* Select the map. Returns STORE_OK, MAPDATA_ENOTFOUND or a negative enum
 * store_error (message in store_errmsg). */
int map_select(struct store *s, const struct topics *t, const struct map_filter *f,
               struct map_graph **out);

void map_graph_free(struct map_graph *g);

#endif
