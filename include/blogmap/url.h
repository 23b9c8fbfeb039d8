/* url: resolve and normalise URLs so every spelling of a page folds into one.
 * Built on libcurl's CURLU parser; adds what libcurl 7.88 leaves out (host
 * lower-casing, unreserved %XX decoding, dot segments after decoding, query
 * cleaning and sorting). Every returned string is malloc'd and owned by the
 * caller, who frees it with free(). */
#ifndef BLOGMAP_URL_H
#define BLOGMAP_URL_H

#include <stddef.h>

#define URL_MAX_LEN 2048   /* longer URLs are refused (T16) */

enum url_error {
    URL_OK = 0,
    URL_EPARSE = -1,      /* not a URL libcurl can parse */
    URL_ESCHEME = -2,     /* a scheme other than http or https */
    URL_ETOOLONG = -3,    /* longer than URL_MAX_LEN before or after normalising */
    URL_ENOMEM = -4,
    URL_EEMPTY = -5       /* empty, or only a fragment ("#x") */
};

/* Resolve HREF against BASE (an absolute http(s) URL, or NULL when HREF is
 * absolute) and normalise the result: trim C0 controls and spaces, remove tab
 * and newline, lower-case scheme and host (IDN to punycode), drop userinfo,
 * the default port and the fragment, decode %XX of unreserved characters and
 * upper-case the rest, remove dot segments, make an empty path "/", strip
 * ";jsessionid=" path parameters, drop tracking and variant query parameters
 * (utm_*, fbclid, gclid, mc_eid, mc_cid, m=0/1, showComment, replytocom,
 * PHPSESSID, sid, Blogger archive-widget parameters) and sort the rest.
 * On success stores a new string in *OUT and returns URL_OK; otherwise returns
 * a negative enum url_error and leaves *OUT alone. Idempotent:
 * url_normalize(NULL, u) == u for every u it returns. */
int url_normalize(const char *base, const char *href, char **out);

/* Message for an enum url_error code; never NULL. */
const char *url_strerror(int code);

/* The "host[:port]" authority of a normalised URL, lower-case, in *OUT.
 * Returns URL_OK or a negative enum url_error. */
int url_authority(const char *url, char **out);

/* The path and query ("/a/b?x=1") of a normalised URL, as robots.txt
 * rules are matched against. Returns URL_OK or a negative enum url_error. */
int url_path_query(const char *url, char **out);

/* The origin "scheme://host[:port]" of a normalised URL. */
int url_origin(const char *url, char **out);

/* Crawler-trap check on a normalised URL (T08): returns 0 when the URL looks
 * sane, 1 when a path segment repeats more than twice in a row or in
 * alternation, the path has more than 20 segments, or the URL is too long. */
int url_is_trap(const char *url);

#endif
