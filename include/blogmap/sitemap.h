/* sitemap: read sitemaps (urlset and sitemapindex), Atom and RSS feeds with
 * libxml2's XML parser (no network, no DTD, no entity expansion) and list the
 * page URLs they name and the further documents to read (child sitemaps, a
 * feed's rel=next page). The struct sitemap_list returned is owned by the
 * caller: sitemap_list_free(). */
#ifndef BLOGMAP_SITEMAP_H
#define BLOGMAP_SITEMAP_H

#include <stddef.h>

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
};

/* Parse XML (LEN bytes) fetched from URL; relative URLs resolve against it.
 * At most MAX_URLS page URLs are kept (0: 50,000, the sitemap protocol's
 * limit). Returns SITEMAP_OK and stores a list in *OUT, or an error. */
int sitemap_parse(const char *xml, size_t len, const char *url, size_t max_urls,
                  struct sitemap_list **out);

void sitemap_list_free(struct sitemap_list *l);

const char *sitemap_strerror(int code);

#endif
