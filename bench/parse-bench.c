/* parse-bench: how fast blogmap's extractor reads pages, beside the physical
 * floor, a bare libxml2 loop over the same bytes (issue 5).
 *
 *   build/bench/parse-bench SITE BASE_URL [RUNS]
 *
 * Every *.html file under SITE (a tests/e2e/gensite.py site) is read into
 * memory first, so no run touches the disk. Then, best of RUNS (default 3)
 * on CLOCK_MONOTONIC, alternating so both see the same machine state:
 *   bare     htmlReadMemory() + xmlFreeDoc() on each page, with the options
 *            crawler/extract.c passes (RECOVER | NOERROR | NOWARNING | NONET
 *            | COMPACT), encoding "UTF-8" (what textbuf_prepare_html() tells
 *            libxml2 for a page served as text/html; charset=utf-8) and the
 *            same silenced generic error handler;
 *   extract  extract_page() (include/blogmap/extract.h) on the same bytes,
 *            as the crawler calls it: the page's URL (BASE_URL + its path,
 *            directories as "/"), content type "text/html; charset=utf-8",
 *            options as the crawler passes them (a url memo, urlcache.h,
 *            made empty at the start of each run, as a crawl starts with
 *            an empty one); then extract_page_free().
 * extract includes the parse, so extract/bare time is the whole cost of
 * blogmap's reading per unit of parsing; its inverse is the throughput ratio
 * the issue's target (>= 0.7) is about.
 *
 * Output, one line each: "libxml2 RUNTIME built VERSION", "pages N bytes B",
 * "bare SECONDS WORST" and "extract SECONDS WORST" (best and slowest run),
 * "links L body_links K posts P failed F bare_failed G" (what extract found,
 * so the work cannot be skipped and the pages are known to be real; pages
 * with exactly one post body count as posts), and "ratio R" (bare time /
 * extract time).
 * bench/parse-bench.sh formats them. Exit 0, or 1 on a read error.
 *
 * This file uses libxml2 directly, which only crawler/extract.c may do in the
 * product: the bare loop is the yardstick, not product code. */
#include "blogmap/crawl.h"
#include "blogmap/extract.h"
#include "blogmap/urlcache.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_CONTENT_TYPE "text/html; charset=utf-8"
#define PARSE_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
                       HTML_PARSE_NONET | HTML_PARSE_COMPACT)

struct page {
    char *path;     /* file name, for messages */
    char *url;
    char *html;
    size_t len;
};

struct corpus {
    struct page *pages;
    size_t n, cap;
    size_t bytes;
    const char *site;
    const char *base;
    int failed;     /* a file could not be read */
};

/* nftw() takes no user pointer, so the walk fills this one. */
static struct corpus corpus;

struct found {
    size_t links, body_links, posts, failed;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = xmalloc((size_t)size + 1);
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[size] = '\0';
    *len = (size_t)size;
out:
    fclose(f);
    return buf;
}

/* The URL a server gives SITE/REL: "x/index.html" is served as "x/". */
static char *page_url(const char *base, const char *rel)
{
    size_t rlen = strlen(rel);
    const char *index = "index.html";
    size_t ilen = strlen(index);
    if (rlen >= ilen && strcmp(rel + rlen - ilen, index) == 0 &&
        (rlen == ilen || rel[rlen - ilen - 1] == '/'))
        rlen -= ilen;
    size_t n = strlen(base) + 1 + rlen + 1;
    char *url = xmalloc(n);
    snprintf(url, n, "%s/%.*s", base, (int)rlen, rel);
    return url;
}

static int add_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t plen = strlen(path);
    if (type != FTW_F || plen < 5 || strcmp(path + plen - 5, ".html") != 0)
        return 0;
    struct page pg = {0};
    if (!(pg.html = read_file(path, &pg.len))) {
        fprintf(stderr, "parse-bench: cannot read '%s': %s\n", path, strerror(errno));
        corpus.failed = 1;
        return 1;
    }
    const char *rel = path + strlen(corpus.site);
    while (*rel == '/')
        rel++;
    pg.path = strdup(path);
    pg.url = page_url(corpus.base, rel);
    if (!pg.path)
        abort();
    if (corpus.n == corpus.cap) {
        corpus.cap = corpus.cap ? 2 * corpus.cap : 1024;
        corpus.pages = realloc(corpus.pages, corpus.cap * sizeof(*corpus.pages));
        if (!corpus.pages)
            abort();
    }
    corpus.pages[corpus.n++] = pg;
    corpus.bytes += pg.len;
    return 0;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct page *)a)->path, ((const struct page *)b)->path);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void silent_errors(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* One pass of the bare loop; returns the documents libxml2 could not build. */
static size_t run_bare(const struct corpus *c)
{
    size_t failed = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct page *pg = &c->pages[i];
        htmlDocPtr doc = htmlReadMemory(pg->html, (int)pg->len, pg->url, "UTF-8", PARSE_OPTIONS);
        if (!doc)
            failed++;
        xmlFreeDoc(doc);
    }
    return failed;
}

/* One pass of extract_page(); counts what it found in *F. */
static void run_extract(const struct corpus *c, struct found *f)
{
    struct found got = {0};
    struct extract_opts eo = {.urls = urlcache_new(CRAWL_URLCACHE_ENTRIES)};
    if (!eo.urls)
        abort();
    for (size_t i = 0; i < c->n; i++) {
        const struct page *pg = &c->pages[i];
        struct extract_page *p = NULL;
        if (extract_page(pg->html, pg->len, pg->url, PAGE_CONTENT_TYPE, &eo, &p) != EXTRACT_OK) {
            got.failed++;
            continue;
        }
        got.links += p->n_links;
        got.body_links += p->n_body_links;
        got.posts += p->content_blocks == 1;
        extract_page_free(p);
    }
    urlcache_free(eo.urls);
    *f = got;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: parse-bench SITE BASE_URL [RUNS]\n");
        return 2;
    }
    long runs = 3;
    if (argc == 4) {
        char *end = NULL;
        errno = 0;
        runs = strtol(argv[3], &end, 10);
        if (errno || end == argv[3] || *end || runs < 1 || runs > 1000) {
            fprintf(stderr, "parse-bench: bad RUNS '%s'\n", argv[3]);
            return 2;
        }
    }
    corpus.site = argv[1];
    corpus.base = argv[2];
    size_t blen = strlen(corpus.base);
    while (blen && corpus.base[blen - 1] == '/')
        blen--;
    char *base = strndup(corpus.base, blen);
    if (!base)
        abort();
    corpus.base = base;
    if (nftw(corpus.site, add_file, 32, FTW_PHYS) != 0 || corpus.failed) {
        if (!corpus.failed)
            fprintf(stderr, "parse-bench: cannot walk '%s': %s\n", corpus.site, strerror(errno));
        return 1;
    }
    if (corpus.n == 0) {
        fprintf(stderr, "parse-bench: no .html files under '%s'\n", corpus.site);
        return 1;
    }
    qsort(corpus.pages, corpus.n, sizeof(*corpus.pages), by_path);

    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent_errors);
    double bare = 1e300, bare_worst = 0, ext = 1e300, ext_worst = 0;
    size_t bare_failed = 0;
    struct found found = {0};
    for (long r = 0; r < runs; r++) {
        double t0 = now();
        bare_failed = run_bare(&corpus);
        double t1 = now();
        run_extract(&corpus, &found);
        double t2 = now();
        bare = t1 - t0 < bare ? t1 - t0 : bare;
        bare_worst = t1 - t0 > bare_worst ? t1 - t0 : bare_worst;
        ext = t2 - t1 < ext ? t2 - t1 : ext;
        ext_worst = t2 - t1 > ext_worst ? t2 - t1 : ext_worst;
    }
    printf("libxml2 %s built %s\n", xmlParserVersion, LIBXML_DOTTED_VERSION);
    printf("pages %zu bytes %zu\n", corpus.n, corpus.bytes);
    printf("bare %.4f %.4f\n", bare, bare_worst);
    printf("extract %.4f %.4f\n", ext, ext_worst);
    printf("links %zu body_links %zu posts %zu failed %zu bare_failed %zu\n", found.links,
           found.body_links, found.posts, found.failed, bare_failed);
    printf("ratio %.4f\n", bare / ext);

    for (size_t i = 0; i < corpus.n; i++) {
        free(corpus.pages[i].path);
        free(corpus.pages[i].url);
        free(corpus.pages[i].html);
    }
    free(corpus.pages);
    free(base);
    xmlCleanupParser();
    return 0;
}
