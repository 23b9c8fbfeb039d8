/* sitemap: read sitemaps (urlset and sitemapindex), Atom and RSS feeds with
 * libxml2's XML parser (no network, no DTD, no entity expansion) and list the
 * page URLs they name, the further documents to read (child sitemaps, a
 * feed's rel=next page) and a feed entry's title, date, labels and whole body
 * HTML when it carries them. The struct sitemap_list returned, strings and
 * all, is the caller's: sitemap_list_free(). */
#ifndef BLOGMAP_SITEMAP_H
#define BLOGMAP_SITEMAP_H

#include <stddef.h>

#define SITEMAP_CONTENT_MAX (2 * 1024 * 1024)  /* bytes of body HTML kept per entry */

enum sitemap_error {
    SITEMAP_OK = 0,
    SITEMAP_EPARSE = -1,    /* not well-formed XML */
    SITEMAP_EFORMAT = -2    /* XML, but not a sitemap or a feed */
};

struct sitemap_list {
    char **pages;       /* normalised page URLs */
    char **lastmod;     /* parallel to pages; entries may be NULL */
    size_t n_pages;
    char **more;        /* child sitemaps or next feed pages, normalised */
    size_t n_more;
    int is_feed;        /* 1 for Atom/RSS, 0 for a sitemap */
    /* Feeds only (NULL for a sitemap): arrays parallel to pages, entries
     * NULL when the feed does not say. */
    char **titles;      /* whitespace collapsed */
    char **published;   /* YYYY-MM-DD */
    char **labels;      /* categories joined with ", " as pages' labels are */
    char **content;     /* the body HTML: Atom <content type=html|xhtml> or RSS
                         * <content:encoded>; NULL for a summary-only entry
                         * or one over SITEMAP_CONTENT_MAX */
    long total_results; /* openSearch:totalResults, -1 when absent */
    long start_index;   /* openSearch:startIndex (1-based), -1 when absent */
};

/* Parse XML (LEN bytes) fetched from URL; relative URLs resolve against it.
 * At most MAX_URLS page URLs are kept (0: 50,000, the sitemap protocol's
 * limit). Returns SITEMAP_OK and stores a list in *OUT, or an error. */
int sitemap_parse(const char *xml, size_t len, const char *url, size_t max_urls,
                  struct sitemap_list **out);

void sitemap_list_free(struct sitemap_list *l);

const char *sitemap_strerror(int code);

#endif
