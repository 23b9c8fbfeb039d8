/* url: fold every spelling of a page into one canonical http(s) URL.
 *
 * Parsing and relative resolution are left to libcurl's CURLU API, so the
 * crawler agrees with the fetcher on what a URL means. On top of it this file
 * does what libcurl 7.88 leaves out: WHATWG-style trimming of hrefs, host
 * lower-casing, a thread-local UTF-8 locale for IDN (7.88 converts through
 * the process locale and fails under "C"), percent-encoding normalisation
 * (decode unreserved, upper-case the rest, encode whatever is unsafe),
 * dot-segment removal after decoding, and query cleaning: tracking, session
 * and Blogger variant parameters are dropped and the rest sorted. The result
 * is assembled from the parts, never taken from curl's own URL string, so
 * userinfo and fragments cannot slip through and every byte is printable
 * ASCII. Output is idempotent: normalising a normalised URL returns it. */
#include "blogmap/url.h"

#include <curl/curl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define URL_MAX_INPUT ((size_t)4 * URL_MAX_LEN)
#define URL_TRAP_MAX_SEGMENTS 20
#define URL_TRAP_MAX_REPEAT 2

/* A parsed absolute http(s) URL. */
struct url_parts {
    const char *scheme; /* "http" or "https", static */
    char *auth;         /* "host[:port]", lower-case; curl_free() */
    char *path;         /* as libcurl stores it; curl_free() */
    char *query;        /* as libcurl stores it, or NULL; curl_free() */
};

struct url_param {
    const char *s;      /* "key=value" or "key", not NUL-terminated */
    size_t len;
    size_t klen;        /* bytes before the first '=' */
    size_t idx;         /* position in the original query, for stability */
};

/* Dropped from every query; names compared case-insensitively. */
static const char *const url_drop_params[] = {
    "fbclid", "gclid", "dclid", "msclkid", "mc_eid", "mc_cid", "_ga",
    "showComment", "replytocom", "PHPSESSID", "jsessionid", "sid", "toggleopen",
    "relatedposts_hit", "relatedposts_origin", "relatedposts_position", NULL
};

/* Dropped when widgetType=BlogArchive marks a Blogger archive toggle. */
static const char *const url_archive_params[] = {
    "widgetType", "widgetId", "action", "dir", "toggle", NULL
};

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

/* Bytes that never appear raw in our output. */
static int is_unsafe(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || strchr("\"'<>\\`{}|", c) != NULL;
}

static int hex_value(char c)
{
    static const char hex[] = "0123456789abcdef0123456789ABCDEF";
    const char *p = c != '\0' ? strchr(hex, c) : NULL;

    return p != NULL ? (int)(p - hex) % 16 : -1;
}

static size_t put_pct(char *dst, unsigned char c)
{
    dst[0] = '%';
    dst[1] = "0123456789ABCDEF"[c >> 4];
    dst[2] = "0123456789ABCDEF"[c & 0xf];
    return 3;
}

static int map_curl(CURLUcode rc)
{
    if (rc == CURLUE_OK)
        return URL_OK;
    if (rc == CURLUE_OUT_OF_MEMORY)
        return URL_ENOMEM;
    return rc == CURLUE_UNSUPPORTED_SCHEME ? URL_ESCHEME : URL_EPARSE;
}

static int too_long(const char *s)
{
    return strnlen(s, URL_MAX_INPUT + 1) > URL_MAX_INPUT;
}

/* Concatenate the NULL-terminated list V into a new string. */
static int str_join(char **out, const char *const *v)
{
    size_t size = 1, o = 0;
    char *buf;

    for (size_t i = 0; v[i] != NULL; i++)
        size += strlen(v[i]);
    buf = malloc(size);
    if (buf == NULL)
        return URL_ENOMEM;
    for (size_t i = 0; v[i] != NULL; i++) {
        memcpy(buf + o, v[i], strlen(v[i]));
        o += strlen(v[i]);
    }
    buf[o] = '\0';
    *out = buf;
    return URL_OK;
}

/* Trim C0 controls and spaces, drop tab/CR/LF, and percent-encode the other
 * controls and spaces, which libcurl would refuse. Non-ASCII bytes stay raw
 * so that an IDN host still reaches libcurl as UTF-8. */
static int clean_href(const char *in, char **out)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t len, o = 0;
    char *buf;

    while (*s != '\0' && *s <= 0x20)
        s++;
    len = strlen((const char *)s);
    while (len > 0 && s[len - 1] <= 0x20)
        len--;
    buf = malloc(3 * len + 1);
    if (buf == NULL)
        return URL_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
            continue;
        if (s[i] <= 0x20 || s[i] == 0x7f)
            o += put_pct(buf + o, s[i]);
        else
            buf[o++] = (char)s[i];
    }
    buf[o] = '\0';
    *out = buf;
    return URL_OK;
}

/* An href with a scheme other than http(s) is refused before libcurl sees
 * it: whether libcurl knows "ftp" or "file" depends on how it was built. */
static int check_href_scheme(const char *href)
{
    size_t i = strspn(href, "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    if (i == 0 || href[i] != ':' || strchr("0123456789+-.", href[0]))
        return URL_OK;
    if ((i == 4 && strncasecmp(href, "http", 4) == 0) ||
        (i == 5 && strncasecmp(href, "https", 5) == 0))
        return URL_OK;
    return URL_ESCHEME;
}

/* libcurl 7.88 can leave a string in *PART when it fails; free it. */
static CURLUcode url_get(CURLU *h, CURLUPart what, char **part,
                         unsigned int flags)
{
    CURLUcode rc;

    *part = NULL;
    rc = curl_url_get(h, what, part, flags);
    if (rc != CURLUE_OK) {
        curl_free(*part);
        *part = NULL;
    }
    return rc;
}

static int get_scheme(CURLU *h, const char **out)
{
    char *s;
    int ret = map_curl(url_get(h, CURLUPART_SCHEME, &s, 0));

    if (ret != URL_OK)
        return ret;
    ret = URL_ESCHEME;
    if (strcasecmp(s, "http") == 0 || strcasecmp(s, "https") == 0) {
        *out = strlen(s) == 4 ? "http" : "https";
        ret = URL_OK;
    }
    curl_free(s);
    return ret;
}

/* libcurl 7.88 hands the host to idn2_lookup_ul(), which decodes it in the
 * process locale, so under "C" every IDN fails (as CURLUE_OUT_OF_MEMORY).
 * Switch this thread alone to C.UTF-8 for the conversion. */
static int get_punycode_host(CURLU *h, char **out)
{
#ifdef CURLU_PUNYCODE
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old;
    CURLUcode rc;

    if (utf8 == (locale_t)0)
        return URL_EPARSE;
    old = uselocale(utf8);
    rc = url_get(h, CURLUPART_HOST, out, CURLU_PUNYCODE);
    uselocale(old);
    freelocale(utf8);
    return rc == CURLUE_OK ? URL_OK : URL_EPARSE;
#else
    (void)h;
    (void)out;
    return URL_EPARSE;
#endif
}

/* Names, IPv4 and bracketed IPv6 literals; anything else libcurl lets
 * through (such as '|') is refused. */
static int host_is_valid(const char *host)
{
    const char *ok = host[0] == '[' ? "[]:.0123456789abcdef"
                     : "abcdefghijklmnopqrstuvwxyz0123456789-._";

    return host[0] != '\0' && strspn(host, ok) == strlen(host);
}

/* The lower-case host in *OUT, punycode for an IDN; curl_free() it. */
static int get_host(CURLU *h, char **out)
{
    char *host;
    int ret = map_curl(url_get(h, CURLUPART_HOST, &host, 0));
    int ascii = 1;

    if (ret != URL_OK)
        return ret;
    for (char *p = host; *p != '\0'; p++)
        ascii &= (unsigned char)*p < 0x80;
    if (!ascii) {
        curl_free(host);
        ret = get_punycode_host(h, &host);
        if (ret != URL_OK)
            return ret;
    }
    for (char *p = host; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (!host_is_valid(host)) {
        curl_free(host);
        return URL_EPARSE;
    }
    *out = host;
    return URL_OK;
}

/* "host[:port]", the port only when it is not the scheme's default. */
static int get_authority(CURLU *h, char **out)
{
    char *host = NULL, *port = NULL;
    CURLUcode rc;
    int ret = get_host(h, &host);

    if (ret != URL_OK)
        return ret;
    rc = url_get(h, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT);
    if (rc == CURLUE_OK || rc == CURLUE_NO_PORT)
        ret = str_join(out, (const char *const[]){
            host, port != NULL ? ":" : "", port != NULL ? port : "", NULL });
    else
        ret = map_curl(rc);
    curl_free(host);
    curl_free(port);
    return ret;
}

static void parts_release(struct url_parts *p)
{
    curl_free(p->auth);
    curl_free(p->path);
    curl_free(p->query);
    memset(p, 0, sizeof(*p));
}

/* Resolve URL against BASE (or alone) and split it; *P is always safe to
 * release afterwards. */
static int parts_get(const char *base, const char *url, struct url_parts *p)
{
    CURLU *h = curl_url();
    CURLUcode rc = CURLUE_OK;
    int ret;

    memset(p, 0, sizeof(*p));
    if (h == NULL)
        return URL_ENOMEM;
    if (base != NULL)
        rc = curl_url_set(h, CURLUPART_URL, base, 0);
    if (rc == CURLUE_OK)
        rc = curl_url_set(h, CURLUPART_URL, url, 0);
    ret = rc != CURLUE_OK ? map_curl(rc) : get_scheme(h, &p->scheme);
    if (ret == URL_OK)
        ret = get_authority(h, &p->auth);
    if (ret == URL_OK)
        ret = map_curl(url_get(h, CURLUPART_PATH, &p->path, 0));
    if (ret == URL_OK) {
        rc = url_get(h, CURLUPART_QUERY, &p->query, 0);
        ret = rc == CURLUE_NO_QUERY ? URL_OK : map_curl(rc);
    }
    curl_url_cleanup(h);
    if (ret != URL_OK)
        parts_release(p);
    return ret;
}

/* Decode %XX of unreserved characters, upper-case the other escapes, encode
 * a stray '%' and every unsafe byte. DST holds 3 * strlen(IN) + 1 bytes. */
static void pct_normalize(const char *in, char *dst)
{
    size_t o = 0;

    for (size_t i = 0; in[i] != '\0'; i++) {
        unsigned char c = (unsigned char)in[i];
        int hi = c == '%' ? hex_value(in[i + 1]) : -1;
        int lo = hi >= 0 ? hex_value(in[i + 2]) : -1;

        if (lo >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        if ((lo >= 0 && !is_unreserved(c)) || (lo < 0 && c == '%') ||
            is_unsafe(c))
            o += put_pct(dst + o, c);
        else
            dst[o++] = (char)c;
    }
    dst[o] = '\0';
}

/* Remove ";jsessionid=..." up to the end of its path segment. */
static void strip_jsessionid(char *path)
{
    static const char key[] = ";jsessionid=";
    char *p = path;

    while ((p = strchr(p, ';')) != NULL) {
        size_t n = strcspn(p, "/");

        if (strncasecmp(p, key, sizeof key - 1) == 0)
            memmove(p, p + n, strlen(p + n) + 1);
        else
            p++;
    }
}

static int is_dots(const char *s, size_t n, size_t dots)
{
    return n == dots && strncmp(s, "..", dots) == 0;
}

/* RFC 3986 5.2.4 segment by segment. OUT holds strlen(IN) + 2 bytes. */
static void remove_dot_segments(const char *in, char *out)
{
    size_t len = strlen(in), i = 0, o = 0;

    while (i < len) {
        size_t s = in[i] == '/' ? i + 1 : i, e = s + strcspn(in + s, "/");
        int last = e >= len;

        if (is_dots(in + s, e - s, 2)) {
            while (o > 0 && out[--o] != '/')
                ;
        } else if (!is_dots(in + s, e - s, 1)) {
            out[o++] = '/';
            memcpy(out + o, in + s, e - s);
            o += e - s;
            last = 0;
        }
        if (last)
            out[o++] = '/';
        i = e;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
}

static int norm_path(const char *raw, char **out)
{
    char *enc = malloc(3 * strlen(raw) + 1);
    char *res = malloc(3 * strlen(raw) + 2);

    if (enc == NULL || res == NULL) {
        free(enc);
        free(res);
        return URL_ENOMEM;
    }
    pct_normalize(raw, enc);
    strip_jsessionid(enc);
    remove_dot_segments(enc, res);
    free(enc);
    *out = res;
    return URL_OK;
}

static int param_value_is(const struct url_param *p, const char *value)
{
    size_t n = strlen(value);

    return p->len == p->klen + 1 + n &&
           memcmp(p->s + p->klen + 1, value, n) == 0;
}

static int in_list(const struct url_param *p, const char *const *names)
{
    for (; *names != NULL; names++)
        if (p->klen == strlen(*names) &&
            strncasecmp(p->s, *names, p->klen) == 0)
            return 1;
    return 0;
}

static int param_dropped(const struct url_param *p, int archive)
{
    if (p->klen >= 4 && strncasecmp(p->s, "utm_", 4) == 0)
        return 1;
    if (p->klen == 1 && p->s[0] == 'm' &&
        (param_value_is(p, "0") || param_value_is(p, "1")))
        return 1;
    return in_list(p, url_drop_params) ||
           (archive && in_list(p, url_archive_params));
}

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    return c != 0 ? c : (alen > blen) - (alen < blen);
}

/* Key, then value, then original position: a stable byte-order sort. */
static int cmp_param(const void *va, const void *vb)
{
    const struct url_param *a = va, *b = vb;
    size_t av = a->klen < a->len ? a->klen + 1 : a->len;
    size_t bv = b->klen < b->len ? b->klen + 1 : b->len;
    int c = cmp_bytes(a->s, a->klen, b->s, b->klen);

    if (c == 0)
        c = cmp_bytes(a->s + av, a->len - av, b->s + bv, b->len - bv);
    return c != 0 ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* Split Q on '&' into P (room for every piece), skipping empty pieces. */
static size_t split_query(const char *q, struct url_param *p, int *archive)
{
    size_t n = 0;

    *archive = 0;
    while (*q != '\0') {
        size_t len = strcspn(q, "&");

        if (len > 0) {
            p[n] = (struct url_param){ q, len, strcspn(q, "=&"), n };
            if (p[n].klen == 10 && strncmp(q, "widgetType", 10) == 0 &&
                param_value_is(&p[n], "BlogArchive"))
                *archive = 1;
            n++;
        }
        q += len + (q[len] == '&');
    }
    return n;
}

/* Filter and sort the normalised query Q into *OUT, NULL if nothing stays. */
static int clean_query(const char *q, char **out)
{
    size_t count = 1, n, o = 0;
    struct url_param *p;
    char *dst = malloc(strlen(q) + 1);
    int archive;

    for (const char *c = q; *c != '\0'; c++)
        count += *c == '&';
    p = calloc(count, sizeof(*p));
    if (p == NULL || dst == NULL) {
        free(p);
        free(dst);
        return URL_ENOMEM;
    }
    n = split_query(q, p, &archive);
    qsort(p, n, sizeof(*p), cmp_param);
    for (size_t i = 0; i < n; i++) {
        if (param_dropped(&p[i], archive))
            continue;
        if (o > 0)
            dst[o++] = '&';
        memcpy(dst + o, p[i].s, p[i].len);
        o += p[i].len;
    }
    dst[o] = '\0';
    free(p);
    *out = o > 0 ? dst : NULL;
    if (o == 0)
        free(dst);
    return URL_OK;
}

static int norm_query(const char *raw, char **out)
{
    char *enc;
    int ret;

    *out = NULL;
    if (raw == NULL)
        return URL_OK;
    enc = malloc(3 * strlen(raw) + 1);
    if (enc == NULL)
        return URL_ENOMEM;
    pct_normalize(raw, enc);
    ret = clean_query(enc, out);
    free(enc);
    return ret;
}

static int normalize_once(const char *base, const char *href, char **out)
{
    struct url_parts p = { NULL, NULL, NULL, NULL };
    char *clean = NULL, *path = NULL, *query = NULL, *url = NULL;
    int ret;

    if (href == NULL || out == NULL)
        return href == NULL ? URL_EEMPTY : URL_EPARSE;
    if (too_long(href) || (base != NULL && too_long(base)))
        return URL_ETOOLONG;
    ret = clean_href(href, &clean);
    if (ret == URL_OK)
        ret = clean[0] == '\0' || clean[0] == '#' ? URL_EEMPTY
                                                  : check_href_scheme(clean);
    if (ret == URL_OK)
        ret = parts_get(base, clean, &p);
    if (ret == URL_OK)
        ret = norm_path(p.path, &path);
    if (ret == URL_OK)
        ret = norm_query(p.query, &query);
    if (ret == URL_OK)
        ret = str_join(&url, (const char *const[]){
            p.scheme, "://", p.auth, path, query != NULL ? "?" : "",
            query != NULL ? query : "", NULL });
    if (ret == URL_OK && strlen(url) > URL_MAX_LEN)
        ret = URL_ETOOLONG;
    if (ret == URL_OK) {
        *out = url;
        url = NULL;
    }
    parts_release(&p);
    free(clean);
    free(path);
    free(query);
    free(url);
    return ret;
}

/* One pass can leave work for a second: a percent-encoded host that decodes
 * to digits ("%32" -> "2") is only read as the IPv4 address 0.0.0.2 when
 * parsed again. Passes run until the URL stops changing (found by fuzzing). */
int url_normalize(const char *base, const char *href, char **out)
{
    char *cur = NULL, *next = NULL;
    if (href == NULL || out == NULL)
        return href == NULL ? URL_EEMPTY : URL_EPARSE;
    int rc = normalize_once(base, href, &cur);
    for (int pass = 0; rc == URL_OK && pass < 3; pass++) {
        if ((rc = normalize_once(NULL, cur, &next)) != URL_OK)
            break;
        if (!strcmp(next, cur)) {
            free(next);
            *out = cur;
            return URL_OK;
        }
        free(cur);
        cur = next;
        next = NULL;
    }
    free(cur);
    return rc == URL_OK ? URL_EPARSE : rc;
}

const char *url_strerror(int code)
{
    static const char *const msgs[] = {
        "success", "malformed url", "scheme is not http or https",
        "url too long", "out of memory", "empty url"
    };

    if (code > URL_OK || code < URL_EEMPTY)
        return "unknown url error";
    return msgs[-code];
}

/* Split an absolute http(s) URL, as the accessors below expect. */
static int parts_of(const char *url, struct url_parts *p)
{
    memset(p, 0, sizeof(*p));
    if (url == NULL)
        return URL_EEMPTY;
    if (too_long(url))
        return URL_ETOOLONG;
    return parts_get(NULL, url, p);
}

int url_authority(const char *url, char **out)
{
    struct url_parts p;
    int ret = parts_of(url, &p);

    if (ret == URL_OK)
        ret = str_join(out, (const char *const[]){ p.auth, NULL });
    parts_release(&p);
    return ret;
}

int url_origin(const char *url, char **out)
{
    struct url_parts p;
    int ret = parts_of(url, &p);

    if (ret == URL_OK)
        ret = str_join(out, (const char *const[]){
            p.scheme, "://", p.auth, NULL });
    parts_release(&p);
    return ret;
}

/* Path and query as stored: the URL is already normalised. */
int url_path_query(const char *url, char **out)
{
    struct url_parts p;
    int ret = parts_of(url, &p);
    int has_query = ret == URL_OK && p.query != NULL && p.query[0] != '\0';

    if (ret == URL_OK)
        ret = str_join(out, (const char *const[]){
            p.path, has_query ? "?" : "", has_query ? p.query : "", NULL });
    parts_release(&p);
    return ret;
}

struct url_seg {
    const char *s;
    size_t len;
};

static int segs_equal(const struct url_seg *a, const struct url_seg *b,
                      size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].len != b[i].len || memcmp(a[i].s, b[i].s, a[i].len) != 0)
            return 0;
    return 1;
}

/* True when a run of one or more segments occurs more than
 * URL_TRAP_MAX_REPEAT times back to back ("a/a/a", "a/b/a/b/a/b"). */
static int segs_repeat(const struct url_seg *seg, size_t n)
{
    const size_t times = URL_TRAP_MAX_REPEAT + 1;

    for (size_t span = 1; span * times <= n; span++) {
        for (size_t i = 0; i + span * times <= n; i++) {
            size_t k = 1;

            while (k < times && segs_equal(seg + i, seg + i + k * span, span))
                k++;
            if (k == times)
                return 1;
        }
    }
    return 0;
}

static int path_is_trap(const char *path)
{
    struct url_seg seg[URL_TRAP_MAX_SEGMENTS];
    size_t n = 0;

    for (const char *p = strchr(path, '/'); p != NULL; p = strchr(p + 1, '/')) {
        if (n == URL_TRAP_MAX_SEGMENTS)
            return 1;
        seg[n].s = p + 1;
        seg[n].len = strcspn(p + 1, "/");
        n++;
    }
    return segs_repeat(seg, n);
}

/* A URL that cannot be parsed counts as a trap: it is never crawled. */
int url_is_trap(const char *url)
{
    struct url_parts p;
    int trap = 1;

    if (url != NULL && strnlen(url, URL_MAX_LEN + 1) <= URL_MAX_LEN &&
        parts_of(url, &p) == URL_OK) {
        trap = path_is_trap(p.path);
        parts_release(&p);
    }
    return trap;
}
