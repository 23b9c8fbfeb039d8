/* extract: read one HTML page with libxml2 and pull out what the crawler
 * needs: the post body's links (with kind, anchor text and context), title,
 * date, labels, canonical URL, meta refresh, feeds, and every link on the page
 * for discovery. All URLs come back resolved and normalised (url.h). The
 * struct extract_page returned is owned by the caller: extract_page_free(). */
#ifndef BLOGMAP_EXTRACT_H
#define BLOGMAP_EXTRACT_H

#include <stddef.h>

struct urlcache;

enum extract_error {
    EXTRACT_OK = 0,
    EXTRACT_EPARSE = -1,    /* libxml2 could not build a tree */
    EXTRACT_EXPATH = -2,    /* the content XPath does not compile */
    EXTRACT_EBINARY = -3    /* the bytes are not text (NULs, mostly invalid) */
};

enum extract_kind { EXTRACT_INLINE = 0, EXTRACT_RELATED = 1 };

struct extract_link {
    char *url;          /* normalised absolute http(s) URL */
    char *anchor;       /* anchor text, whitespace collapsed, capped */
    char *context;      /* text of the line around the link, capped */
    int kind;           /* enum extract_kind */
};

struct extract_page {
    char *title, *date, *labels;    /* NULL when not found; date YYYY-MM-DD */
    char *text;                     /* bodies' text outside links, collapsed, capped */
    char *anchors;                  /* bodies' link anchor text (both NULL: no body) */
    char *canonical;                /* normalised <link rel=canonical>, or NULL */
    char *refresh;                  /* normalised meta refresh target, or NULL */
    int og_article;                 /* og:type article or JSON-LD posting */
    int content_blocks;             /* post bodies found (more than 1: a listing) */
    int nofollow, noindex;          /* meta robots */
    int partial;                    /* the parser gave up part-way (depth) */
    struct extract_link *body_links;
    size_t n_body_links;
    char **links;                   /* every distinct http(s) <a href>, for discovery */
    size_t n_links;
    char **feeds;                   /* <link rel=alternate> Atom/RSS feeds */
    size_t n_feeds;
    size_t links_dropped;           /* links past the per-page cap */
};

struct extract_opts {
    const char *content_xpath;      /* overrides the built-in body selectors */
    size_t max_links;               /* per page, default 6000 */
    struct urlcache *urls;          /* memo for link resolution, or NULL (not owned) */
};

/* Parse HTML (LEN bytes, any encoding; NULs tolerated) fetched from URL (a
 * normalised absolute URL, used as the base). CONTENT_TYPE (may be NULL) gives
 * the charset. On success stores a new page in *OUT and returns EXTRACT_OK. */
int extract_page(const char *html, size_t len, const char *url, const char *content_type,
                 const struct extract_opts *opts, struct extract_page **out);

void extract_page_free(struct extract_page *p);

/* Check that XPATH compiles; returns EXTRACT_OK or EXTRACT_EXPATH. */
int extract_check_xpath(const char *xpath);

const char *extract_strerror(int code);

#endif
