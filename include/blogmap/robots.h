/* robots: robots.txt per RFC 9309: groups by user-agent product token, longest
 * match wins, allow wins ties, '*' and '$' wildcards, percent-encoding
 * normalised before matching; plus Crawl-delay and Sitemap lines. A parsed
 * struct robots is owned by the caller and freed with robots_free(). */
#ifndef BLOGMAP_ROBOTS_H
#define BLOGMAP_ROBOTS_H

#include <stddef.h>

#define ROBOTS_MAX_BYTES (500 * 1024)   /* only this much is parsed (RFC 9309 2.5) */

struct robots;

/* Parse robots.txt TEXT (LEN bytes, need not be NUL-terminated or valid UTF-8)
 * for the crawler whose product token is AGENT (e.g. "blogmap"; matched
 * case-insensitively). Garbage yields no rules, i.e. allow all. Never fails
 * except on out-of-memory, which aborts. */
struct robots *robots_parse(const char *text, size_t len, const char *agent);

/* A policy allowing everything (robots.txt 4xx) or nothing (5xx, network
 * error, 429). */
struct robots *robots_new_allow_all(void);
struct robots *robots_new_disallow_all(void);

void robots_free(struct robots *r);

/* 1 if PATH (path and query, starting with '/') may be fetched, else 0. */
int robots_allowed(const struct robots *r, const char *path);

/* Crawl-delay in seconds for our group, or a negative number when none. */
double robots_crawl_delay(const struct robots *r);

/* Sitemap: lines, in file order (any group). The strings belong to R. */
size_t robots_sitemap_count(const struct robots *r);
const char *robots_sitemap(const struct robots *r, size_t i);

#endif
