/* fuzz_extract: libFuzzer target for the page extractor (extract.h): the
 * input is an HTML page, read as the crawler reads it (UTF-8 declared) and
 * again with no content type. Invariants on every page read: every link,
 * body link, feed, canonical and refresh URL is http(s), the discovery links
 * are distinct, each body link has an anchor and a context and a kind of 0
 * or 1, and at most the cap of links is kept. */
#include "blogmap/extract.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_url(const char *u)
{
    if (!u || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
        abort();
}

static void run(const uint8_t *data, size_t size, const char *ctype)
{
    struct extract_page *p = NULL;
    struct extract_opts o = {.max_links = 64};
    if (extract_page((const char *)data, size, "https://blog.example.com/2024/01/post.html",
                     ctype, &o, &p) != EXTRACT_OK)
        return;
    if (p->n_links > 64 || p->n_body_links > 64)
        abort();
    for (size_t i = 0; i < p->n_links; i++) {
        check_url(p->links[i]);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(p->links[i], p->links[j]))
                abort();
    }
    for (size_t i = 0; i < p->n_body_links; i++) {
        const struct extract_link *l = &p->body_links[i];
        check_url(l->url);
        if (!l->anchor || !l->context || (l->kind != EXTRACT_INLINE && l->kind != EXTRACT_RELATED))
            abort();
    }
    for (size_t i = 0; i < p->n_feeds; i++)
        check_url(p->feeds[i]);
    if (p->canonical)
        check_url(p->canonical);
    if (p->refresh)
        check_url(p->refresh);
    extract_page_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, "text/html; charset=utf-8");
    run(data, size, NULL);
    return 0;
}
