/* mkdb: build a large synthetic crawl database for the query benchmark,
 * through blogmap's own store API (the same inserts a crawl makes), so the
 * schema, indexes and full-text tables are the real ones.
 *
 *   mkdb DB POSTS LINKS [SEED]
 *
 * Posts are https://bench.blogmap.test/YYYY/MM/post-N.html with a title, a
 * date, labels and about 60 words of body text drawn from a 3,000-word
 * vocabulary (Zipf-like, so some words are common and most are rare). Each
 * post links to LINKS/POSTS others, chosen with a skew toward a few popular
 * posts, as blogs do; a third of the links are "related". A bench tool, not
 * part of blogmap: it prints progress and exits on errors. */
#include "blogmap/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VOCAB 3000
#define BODY_WORDS 60

static unsigned long long rng_state = 88172645463325252ULL;

static unsigned long long rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double uniform(void)
{
    return (double)(rng() >> 11) / 9007199254740992.0;
}

/* A skewed pick in [0, n): small values far more often. */
static long skewed(long n, double power)
{
    double u = uniform();
    long v = (long)(n * (u * u * (power > 2 ? u : 1)));
    return v < n ? v : n - 1;
}

/* Word W of the vocabulary: consonant-vowel syllables from its number. */
static void word(long w, char *out, size_t cap)
{
    static const char cons[] = "bcdfghklmnprstvz", vow[] = "aeiou";
    size_t n = 0;
    long x = w + 7;
    while (n + 3 < cap && (x > 0 || n < 4)) {
        out[n++] = cons[x % 16];
        x /= 16;
        out[n++] = vow[x % 5];
        x /= 5;
    }
    out[n] = '\0';
}

static void url_of(long i, char *out, size_t cap)
{
    snprintf(out, cap, "https://bench.blogmap.test/%04ld/%02ld/post-%ld.html", 2005 + i % 20,
             1 + i % 12, i);
}

static void text(char *out, size_t cap, int words)
{
    size_t n = 0;
    char w[32];
    for (int i = 0; i < words && n + 40 < cap; i++) {
        word(skewed(VOCAB, 3), w, sizeof(w));
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "", w);
    }
}

static void die(struct store *s, const char *what)
{
    fprintf(stderr, "mkdb: %s: %s\n", what, s ? store_errmsg(s) : "");
    exit(1);
}

static void add_post(struct store *s, long i, long posts, long per_post)
{
    char title[256], body[1024], date[16], url[128], anchor[64];
    text(title, sizeof(title), 6);
    text(body, sizeof(body), BODY_WORDS);
    snprintf(date, sizeof(date), "%04ld-%02ld-%02ld", 2005 + i % 20, 1 + i % 12, 1 + i % 28);
    char context[96];
    snprintf(context, sizeof(context), "%.80s.", body);
    struct store_post p = {.title = title, .date = date, .labels = "bench, synthetic",
                           .text = body, .anchors = "", .is_post = 1};
    if (store_page_set_post(s, i, &p))
        die(s, "set post");
    for (long k = 0; k < per_post; k++) {
        long dst = 1 + skewed(posts, 2);
        if (dst == i)
            continue;
        url_of(dst, url, sizeof(url));
        snprintf(anchor, sizeof(anchor), "post %ld", dst);
        if (store_add_link(s, i, url, k % 3 == 0, 1, anchor, context))
            die(s, "add link");
    }
    struct store_outcome o = {.state = "done", .status = 200, .content_type = "text/html"};
    if (store_page_finish(s, i, &o))
        die(s, "finish");
}

int main(int argc, char **argv)
{
    struct store *s = NULL;
    char *msg = NULL, url[128];
    if (argc < 4) {
        fprintf(stderr, "usage: mkdb DB POSTS LINKS [SEED]\n");
        return 2;
    }
    long posts = atol(argv[2]), links = atol(argv[3]);
    if (argc > 4)
        rng_state ^= strtoull(argv[4], NULL, 10) * 0x9e3779b97f4a7c15ULL;
    if (posts < 2 || links < 0 || store_open(argv[1], STORE_WRITE, &s, &msg)) {
        fprintf(stderr, "mkdb: cannot open '%s': %s\n", argv[1], msg ? msg : "bad arguments");
        return 1;
    }
    if (store_begin(s))
        die(s, "begin");
    for (long i = 1; i <= posts; i++) {
        url_of(i, url, sizeof(url));
        if (store_frontier_add(s, url, STORE_PAGE, 1, 0, NULL))
            die(s, "add page");
    }
    for (long i = 1; i <= posts; i++) {
        add_post(s, i, posts, links / posts + (i <= links % posts));
        if (i % 20000 == 0) {
            if (store_commit(s) || store_begin(s))
                die(s, "commit");
            fprintf(stderr, "mkdb: %ld posts\n", i);
        }
    }
    if (store_commit(s))
        die(s, "commit");
    if (store_meta_set(s, "start_url", "https://bench.blogmap.test/") || store_resolve(s))
        die(s, "resolve");
    store_close(s);
    return 0;
}
