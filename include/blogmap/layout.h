/* layout: draw a map_graph with Graphviz (cgraph + gvc): one cluster per
 * theme (or, for large graphs under sfdp, a label node per theme), node size
 * by inbound links, edge style by kind, a legend; or with SUMMARY one node per
 * theme and edges weighted by the links between themes. Rendering runs in a
 * child process under CPU and memory limits, since libgvc cannot be
 * interrupted; every SVG is checked (mapsafe_check_svg) before it is handed
 * back.
 * Output bytes are malloc'd for the caller. */
#ifndef BLOGMAP_LAYOUT_H
#define BLOGMAP_LAYOUT_H

#include <stddef.h>

#include "blogmap/mapdata.h"

enum layout_format { LAYOUT_SVG, LAYOUT_DOT, LAYOUT_PNG, LAYOUT_PDF };

enum layout_error {
    LAYOUT_OK = 0,
    LAYOUT_EGRAPH = -1,     /* cgraph refused the graph */
    LAYOUT_ERENDER = -2,    /* gvc failed, or the child died */
    LAYOUT_ETIME = -3,      /* past the CPU or memory limit */
    LAYOUT_EUNSAFE = -4,    /* the SVG failed the safety check */
    LAYOUT_EENGINE = -5     /* unknown engine */
};

struct layout_opts {
    const char *engine;     /* NULL: dot up to LAYOUT_DOT_MAX nodes, else sfdp */
    int summary;            /* theme-level map */
    const char *title;      /* graph label, or NULL */
    int cpu_seconds;        /* child's CPU limit, 0: 300 */
    /* Links to a report's own pages instead of the blog (SVG and DOT). With
     * LINK_PREFIX set, a post's node links to LINK_PREFIX<id>LINK_SUFFIX
     * (e.g. "posts/p" ".html"); with THEME_LINK_PREFIX set, a theme's node on
     * a summary map links to THEME_LINK_PREFIX<name>LINK_SUFFIX. A link that
     * fails mapsafe_relative_link_ok is left out, and the SVG check then
     * accepts such relative links. The strings are the caller's. */
    const char *link_prefix, *theme_link_prefix, *link_suffix;
};

#define LAYOUT_DOT_MAX 300

/* 1 when E names a Graphviz engine blogmap can use. */
int layout_engine_known(const char *e);

/* The engine the options pick for G. */
const char *layout_engine_for(const struct map_graph *g, const struct layout_opts *o);

/* Render G. On success stores the bytes in *OUT and *LEN. On failure a message
 * goes to ERR (ERRLEN bytes). */
int layout_render(const struct map_graph *g, const struct layout_opts *o, int format,
                  char **out, size_t *len, char *err, size_t errlen);

const char *layout_strerror(int code);

#endif
