/* feedpost: one feed entry read as its post page would be: the body HTML is
 * wrapped in a page with that one post body and read by extract.h, so links,
 * kinds and text match the page's; the feed's title, date and labels stand
 * for the page's. An entry cut short (jump break, "Read more") has no body
 * and its page must be fetched. Strings passed in are borrowed; the struct
 * extract_page returned is the caller's. */
#ifndef BLOGMAP_FEEDPOST_H
#define BLOGMAP_FEEDPOST_H

#include <stddef.h>

#include "blogmap/extract.h"

enum feedpost_error {
    FEEDPOST_OK = 0,
    FEEDPOST_ENOBODY = -1,      /* no body in the feed, or only its start */
    FEEDPOST_EEXTRACT = -2      /* extract.h could not read the body */
};

struct feedpost_entry {
    const char *url;            /* normalised absolute URL of the post */
    const char *title;          /* from the feed; may be NULL */
    const char *date;           /* YYYY-MM-DD; may be NULL */
    const char *labels;         /* joined with ", "; may be NULL */
    const char *content;        /* body HTML; NULL when the feed gives none */
};

/* 1 when E carries the whole body of its post: content is present and is
 * not cut at a jump break (a link to the post's own URL#more, nothing but
 * markup after an <a name="more">, or a "Read more" / "Continue reading"
 * link to the post itself). */
int feedpost_has_body(const struct feedpost_entry *e);

/* Read E as its post page would be read, body links capped at MAX_LINKS
 * (0: extract.h's default). Returns FEEDPOST_OK and stores a new page in
 * *OUT, FEEDPOST_ENOBODY when feedpost_has_body() says no, or
 * FEEDPOST_EEXTRACT. --content-xpath does not apply: the body is the
 * content itself. */
int feedpost_extract(const struct feedpost_entry *e, size_t max_links,
                     struct extract_page **out);

const char *feedpost_strerror(int code);

#endif
