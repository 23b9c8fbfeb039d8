/* export: write a map_graph as GEXF 1.3 (Gephi) or GraphML (yEd) with
 * libxml2's xmlTextWriter, which escapes all text; node ids are "p<id>", and
 * each node carries its title, URL, date, theme, colour and inbound count.
 * The output is malloc'd for the caller. */
#ifndef BLOGMAP_EXPORT_H
#define BLOGMAP_EXPORT_H

#include <stddef.h>

#include "blogmap/mapdata.h"

enum export_format { EXPORT_GEXF, EXPORT_GRAPHML };

/* Returns 0 and stores the document in *OUT and *LEN, or -1 when libxml2
 * fails. */
int export_graph(const struct map_graph *g, int format, char **out, size_t *len);

#endif
