/* fuzz_robots: libFuzzer target for the robots.txt parser (robots.h). The
 * input is a robots.txt; it is parsed for blogmap's token and asked about a
 * fixed set of paths, its crawl delay and its sitemaps. Invariants: parsing
 * never fails on any bytes, answers are 0 or 1, the delay is a number
 * (negative: none) and finite, and every listed sitemap is a string. */
#include "blogmap/robots.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"/", "/search", "/search?q=x", "/2024/01/a.html",
                                        "/p/about.html", "/%7Euser/", "/a$", "/feeds/posts/default"};
    struct robots *r = robots_parse((const char *)data, size, "blogmap");
    if (!r)
        abort();
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        int a = robots_allowed(r, paths[i]);
        if (a != 0 && a != 1)
            abort();
    }
    double d = robots_crawl_delay(r);
    if (!isfinite(d))
        abort();
    for (size_t i = 0; i < robots_sitemap_count(r); i++)
        if (!robots_sitemap(r, i))
            abort();
    robots_free(r);
    return 0;
}
