/* fuzz_sitemap: libFuzzer target for the sitemap and feed parser
 * (sitemap.h): the input is a sitemap, sitemap index, Atom or RSS document.
 * Invariants on success: every page and "more" URL is http(s), the parallel
 * arrays are there for feeds, and at most the cap of pages is kept. */
#include "blogmap/sitemap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_url(const char *u)
{
    if (!u || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sitemap_list *l = NULL;
    if (sitemap_parse((const char *)data, size, "https://blog.example.com/sitemap.xml", 100,
                      &l) != SITEMAP_OK)
        return 0;
    if (l->n_pages > 100)
        abort();
    for (size_t i = 0; i < l->n_pages; i++)
        check_url(l->pages[i]);
    for (size_t i = 0; i < l->n_more; i++)
        check_url(l->more[i]);
    if (l->is_feed && l->n_pages && (!l->titles || !l->published || !l->labels || !l->content))
        abort();
    sitemap_list_free(l);
    return 0;
}
