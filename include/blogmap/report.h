/* report: a static HTML site about a crawl that works offline with no
 * external assets: an overview (counts, the theme summary map), the topic
 * map with pan and zoom and a search box, orphans, hubs, broken links, a
 * page per theme and a page per post (backlinks with context, outlinks,
 * suggestions). Pages are written with libxml2's xmlTextWriter, so all text
 * is escaped; scripts and styles are files of their own under a strict
 * Content-Security-Policy, with no inline handlers. */
#ifndef BLOGMAP_REPORT_H
#define BLOGMAP_REPORT_H

#include "blogmap/store.h"
#include "blogmap/topics.h"

enum report_error {
    REPORT_OK = 0,
    REPORT_EDIR = -1,           /* the directory cannot be made or written */
    REPORT_ESTORE = -2,         /* a query failed */
    REPORT_EMAP = -3            /* the map could not be drawn */
};

struct report_opts {
    const char *title;          /* the site's title, or NULL */
    size_t map_max;             /* posts on the map (the most linked), 0: 2000 */
    size_t suggest_max;         /* post pages suggest links when the blog has at
                                   most this many posts (each costs a full-text
                                   search), 0: REPORT_SUGGEST_MAX */
};

#define REPORT_SUGGEST_MAX 200

/* Write the report for S, classified with T, into DIR (created if needed;
 * files blogmap wrote before are replaced, and pages of posts and themes
 * that are gone removed; a directory that holds files but no report is
 * refused with REPORT_EDIR). On failure a message goes to ERR (ERRLEN
 * bytes). */
int report_write(struct store *s, const struct topics *t, const char *dir,
                 const struct report_opts *o, char *err, size_t errlen);

/* A short description of an enum report_error. */
const char *report_strerror(int code);

#endif
