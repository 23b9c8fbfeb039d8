/* extract_int: helpers shared by extract.c and extract_meta.c (private to
 * crawler/). Strings returned are malloc'd and owned by the caller. */
#ifndef BLOGMAP_EXTRACT_INT_H
#define BLOGMAP_EXTRACT_INT_H

#include "blogmap/extract.h"

#include <libxml/xpath.h>

/* Text content of node N (element, attribute or text), whitespace collapsed,
 * at most MAX bytes. Never NULL. */
char *extract_node_text(xmlNodePtr n, size_t max);

/* The base URL for resolving links: an absolute http(s) <base href>, else URL. */
char *extract_page_base(xmlXPathContextPtr xc, const char *url);

/* Title, date, labels, canonical, refresh, og/JSON-LD hints, meta robots, feeds. */
void extract_meta(struct extract_page *p, xmlXPathContextPtr xc, const char *base);

/* Every <a href> on the page (unless nofollow), normalised, at most MAX. */
void extract_all_links(struct extract_page *p, xmlXPathContextPtr xc, const char *base,
                       size_t max);

/* "2024-01-26T08:00", "Friday, January 26, 2024", "26 Jan 2024" → "2024-01-26";
 * NULL when no date is recognised. */
char *extract_parse_date(const char *s);

#endif
