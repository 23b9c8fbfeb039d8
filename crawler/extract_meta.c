/* extract_meta: page-level facts read from the scanner's stream of elements:
 * title, publication date, labels, base, canonical URL, meta refresh, feed
 * links, meta robots, whether the page calls itself an article (og:type,
 * JSON-LD), and every link for discovery. Each fact has an ordered list of
 * places to look, Blogger's markup first, then WordPress, microformats and
 * plain HTML; the scanner notes the first element of each place as it
 * passes and the list is read in order at the end. */
#include "extract_int.h"
#include "blogmap/url.h"
#include "blogmap/urlcache.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define META_TITLE_MAX 1024
#define META_DATE_MAX 256
#define META_LABEL_MAX 128
#define META_LDJSON_MAX 65536

enum { FRAME_NAV = 1, FRAME_ARTICLE = 2 };

static const size_t cap_max[CAP_N] = {META_TITLE_MAX, META_TITLE_MAX, META_TITLE_MAX,
                                      META_TITLE_MAX, META_DATE_MAX, META_LABEL_MAX,
                                      META_LDJSON_MAX};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

const char *extract_attr(const unsigned char **atts, const char *name)
{
    for (; atts && atts[0]; atts += 2)
        if (!strcmp((const char *)atts[0], name))
            return atts[1] ? (const char *)atts[1] : "";
    return NULL;
}

static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int extract_has_token(const char *list, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = list; p && *p;) {
        while (is_sep(*p))
            p++;
        const char *e = p;
        while (*e && !is_sep(*e))
            e++;
        if ((size_t)(e - p) == n && !memcmp(p, token, n))
            return 1;
        p = e;
    }
    return 0;
}

/* The attribute's value collapsed and capped; NULL when absent or empty. */
static char *attr_text(const unsigned char **atts, const char *name, size_t max)
{
    const char *v = extract_attr(atts, name);
    struct textbuf tb;
    if (!v)
        return NULL;
    textbuf_init(&tb, max);
    textbuf_add_collapsed(&tb, v);
    char *s = textbuf_take(&tb);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

/* Note the first element of a place: a missing value is "" so the place is
 * taken and later elements cannot stand in for it. */
static void first_attr(char **slot, const unsigned char **atts, const char *name, size_t max)
{
    if (*slot || !extract_attr(atts, name))
        return;
    *slot = attr_text(atts, name, max);
    if (!*slot) {
        *slot = strdup("");
        if (!*slot)
            abort();
    }
}

static void begin_capture(struct extract_scan *s, int cap)
{
    struct meta_state *m = &s->meta;
    if (m->cap_depth[cap] >= 0 || (m->cap_done & (1u << cap)))
        return;
    textbuf_init(&m->cap[cap], cap_max[cap]);
    m->cap_depth[cap] = s->depth;
    if (cap != CAP_LABEL && cap != CAP_LDJSON)
        m->cap_done |= 1u << cap;
}

/* Links are resolved as they come, against the base seen so far. */
char *extract_resolve(const struct extract_scan *s, const char *href)
{
    char *out = NULL;
    if (urlcache_normalize(s->urls, s->base, href, &out) != URL_OK)
        return NULL;
    return out;
}

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

static void slots_put(size_t *slots, size_t n_slots, char **links, size_t idx)
{
    size_t i = hash_str(links[idx]) & (n_slots - 1);
    while (slots[i])
        i = (i + 1) & (n_slots - 1);
    slots[i] = idx + 1;
}

/* Add URL (owned) to the page's distinct links, or free it. */
static void add_link(struct extract_scan *s, char *url)
{
    if (2 * (s->n_links + 1) > s->n_slots) {
        size_t n = s->n_slots ? 2 * s->n_slots : 256;
        free(s->link_slots);
        s->link_slots = calloc(n, sizeof(*s->link_slots));
        if (!s->link_slots)
            abort();
        s->n_slots = n;
        for (size_t i = 0; i < s->n_links; i++)
            slots_put(s->link_slots, n, s->links, i);
    }
    for (size_t i = hash_str(url) & (s->n_slots - 1); s->link_slots[i];
         i = (i + 1) & (s->n_slots - 1))
        if (!strcmp(s->links[s->link_slots[i] - 1], url)) {
            free(url);
            return;
        }
    if (s->n_links >= s->max_links) {
        s->page->links_dropped++;
        free(url);
        return;
    }
    if (s->n_links == s->cap_links) {
        s->cap_links = s->cap_links ? 2 * s->cap_links : 64;
        s->links = xrealloc(s->links, s->cap_links * sizeof(*s->links));
    }
    s->links[s->n_links] = url;
    slots_put(s->link_slots, s->n_slots, s->links, s->n_links);
    s->n_links++;
}

static void meta_element(struct meta_state *m, const unsigned char **atts)
{
    const char *prop = extract_attr(atts, "property");
    const char *equiv = extract_attr(atts, "http-equiv");
    const char *mname = extract_attr(atts, "name");
    if (prop && !strcmp(prop, "og:title"))
        first_attr(&m->title[META_TITLE_OG], atts, "content", META_TITLE_MAX);
    if (prop && !strcmp(prop, "article:published_time"))
        first_attr(&m->date[META_DATE_META], atts, "content", META_DATE_MAX);
    if (prop && !strcmp(prop, "og:type"))
        first_attr(&m->og_type, atts, "content", 64);
    if (equiv && !strcasecmp(equiv, "refresh"))
        first_attr(&m->refresh, atts, "content", 8192);
    if (mname && !strcasecmp(mname, "robots"))
        first_attr(&m->robots, atts, "content", 256);
}

static void link_element(struct meta_state *m, const unsigned char **atts)
{
    const char *rel = extract_attr(atts, "rel");
    const char *type = extract_attr(atts, "type");
    if (!rel)
        return;
    if (!strcasecmp(rel, "canonical"))
        first_attr(&m->canonical, atts, "href", 8192);
    if (!strcmp(rel, "alternate") && type && (strstr(type, "rss") || strstr(type, "atom")) &&
        m->n_feeds < sizeof(m->feeds) / sizeof(m->feeds[0]))
        first_attr(&m->feeds[m->n_feeds++], atts, "href", 8192);
}

void extract_meta_start(struct extract_scan *s, const char *name, const unsigned char **atts,
                        const char *cls)
{
    struct meta_state *m = &s->meta;
    unsigned char frame = 0;
    if (cls && (extract_has_token(cls, "post-title") || extract_has_token(cls, "entry-title")) &&
        !m->in_nav)
        begin_capture(s, CAP_TITLE_POST);
    if (cls && extract_has_token(cls, "p-name"))
        begin_capture(s, CAP_TITLE_PNAME);
    if (cls && extract_has_token(cls, "date-header"))
        begin_capture(s, CAP_DATE_HEADER);
    if (cls && extract_has_token(cls, "dt-published"))
        first_attr(&m->date[META_DATE_DT_PUBLISHED], atts, "datetime", META_DATE_MAX);
    switch (name[0]) {
    case 'a':
        if (!strcmp(name, "a")) {
            const char *href = extract_attr(atts, "href");
            const char *rel = extract_attr(atts, "rel");
            char *url = NULL;
            if (href && s->n_links >= s->max_links)
                s->page->links_dropped++;   /* past the cap: not resolved (T14) */
            else if (href)
                url = extract_resolve(s, href);
            if (url)
                add_link(s, url);
            if (rel && extract_has_token(rel, "tag"))
                begin_capture(s, CAP_LABEL);
        } else if (!strcmp(name, "abbr") && cls && extract_has_token(cls, "published")) {
            first_attr(&m->date[META_DATE_ABBR], atts, "title", META_DATE_MAX);
        } else if (!strcmp(name, "article")) {
            frame |= FRAME_ARTICLE;
        } else if (!strcmp(name, "aside")) {
            frame |= FRAME_NAV;
        }
        break;
    case 'b':
        if (!strcmp(name, "base") && !m->base_href) {
            first_attr(&m->base_href, atts, "href", 4096);
            char *b = NULL;
            /* a <base> without href leaves the slot open for a later one */
            if (m->base_href && *m->base_href &&
                url_normalize(NULL, m->base_href, &b) == URL_OK) {
                free(s->base);
                s->base = b;
            }
        }
        break;
    case 'h':
        if (!strcmp(name, "h1") && m->in_article)
            begin_capture(s, CAP_TITLE_ARTICLE_H1);
        break;
    case 'l':
        if (!strcmp(name, "link"))
            link_element(m, atts);
        break;
    case 'm':
        if (!strcmp(name, "meta"))
            meta_element(m, atts);
        break;
    case 'n':
        if (!strcmp(name, "nav"))
            frame |= FRAME_NAV;
        break;
    case 's':
        if (!strcmp(name, "script")) {
            const char *type = extract_attr(atts, "type");
            if (type && !strcmp(type, "application/ld+json"))
                begin_capture(s, CAP_LDJSON);
        }
        break;
    case 't':
        if (!strcmp(name, "title")) {
            begin_capture(s, CAP_TITLE_TITLE);
        } else if (!strcmp(name, "time")) {
            if (cls && extract_has_token(cls, "published"))
                first_attr(&m->date[META_DATE_TIME_PUBLISHED], atts, "datetime", META_DATE_MAX);
            first_attr(&m->date[META_DATE_TIME], atts, "datetime", META_DATE_MAX);
        }
        break;
    default:
        break;
    }
    if (cls && strstr(cls, "nav"))
        frame |= FRAME_NAV;
    if (frame & FRAME_NAV)
        m->in_nav++;
    if (frame & FRAME_ARTICLE)
        m->in_article++;
    m->frame[s->depth] = frame;
}

static void end_capture(struct extract_scan *s, int cap)
{
    struct meta_state *m = &s->meta;
    char *t = textbuf_take(&m->cap[cap]);
    m->cap_depth[cap] = -1;
    switch (cap) {
    case CAP_TITLE_POST: m->title[META_TITLE_POST] = t; return;
    case CAP_TITLE_PNAME: m->title[META_TITLE_PNAME] = t; return;
    case CAP_TITLE_ARTICLE_H1: m->title[META_TITLE_ARTICLE_H1] = t; return;
    case CAP_TITLE_TITLE: m->title[META_TITLE_TITLE] = t; return;
    case CAP_DATE_HEADER: m->date[META_DATE_HEADER] = t; return;
    case CAP_LABEL:
        if (*t && !(m->labels.data && strstr(m->labels.data, t))) {
            if (m->labels.len)
                textbuf_add_collapsed(&m->labels, ", ");
            textbuf_add_collapsed(&m->labels, t);
        }
        break;
    case CAP_LDJSON:
        if (strstr(t, "BlogPosting") || strstr(t, "\"Article\"") || strstr(t, "NewsArticle"))
            m->ld_article = 1;
        break;
    default:
        break;
    }
    free(t);
}

void extract_meta_end(struct extract_scan *s)
{
    struct meta_state *m = &s->meta;
    for (int c = 0; c < CAP_N; c++)
        if (m->cap_depth[c] == s->depth)
            end_capture(s, c);
    unsigned char frame = m->frame[s->depth];
    if (frame & FRAME_NAV)
        m->in_nav--;
    if (frame & FRAME_ARTICLE)
        m->in_article--;
    m->frame[s->depth] = 0;
}

void extract_meta_text(struct extract_scan *s, const char *text, size_t len)
{
    struct meta_state *m = &s->meta;
    for (int c = 0; c < CAP_N; c++)
        if (m->cap_depth[c] >= 0)
            textbuf_add_collapsed_n(&m->cap[c], text, len);
}

static int month_of(const char *w)
{
    static const char *const m[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(w, m[i], 3) == 0)
            return i + 1;
    return 0;
}

static char *format_date(long y, long m, long d)
{
    char buf[16];
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return NULL;
    snprintf(buf, sizeof(buf), "%04ld-%02ld-%02ld", y, m, d);
    char *s = strdup(buf);
    if (!s)
        abort();
    return s;
}

char *extract_parse_date(const char *s)
{
    long y = 0, m = 0, d = 0;
    const char *p = s;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (strlen(p) >= 10 && isdigit((unsigned char)p[0]) && p[4] == '-' && p[7] == '-') {
        y = strtol(p, NULL, 10);
        m = strtol(p + 5, NULL, 10);
        d = strtol(p + 8, NULL, 10);
        return format_date(y, m, d);
    }
    for (; *p; p++) {
        if (isalpha((unsigned char)*p) && (p == s || !isalpha((unsigned char)p[-1])) && !m)
            m = month_of(p);
        if (isdigit((unsigned char)*p) && (p == s || !isdigit((unsigned char)p[-1]))) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end - p == 4 && !y)     /* the first: "+0000" is a zone */
                y = v;
            else if (end - p <= 2 && !d)
                d = v;
        }
    }
    return format_date(y, m, d);
}

/* The first place that gave a non-empty value; the value is handed over. */
static char *first_place(char **places, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (places[i] && *places[i]) {
            char *v = places[i];
            places[i] = NULL;
            return v;
        }
    return NULL;
}

static char *find_date(struct meta_state *m)
{
    for (size_t i = 0; i < META_N_DATE; i++) {
        if (!m->date[i] || !*m->date[i])
            continue;
        char *d = extract_parse_date(m->date[i]);
        if (d)
            return d;
    }
    return NULL;
}

/* "0; url=/x" → the URL part. */
static char *refresh_href(const char *c)
{
    const char *u = c ? strcasestr(c, "url") : NULL;
    if (!u)
        return NULL;
    u += 3;
    while (*u == ' ' || *u == '=' || *u == '\'' || *u == '"')
        u++;
    char *copy = strdup(u);
    if (!copy)
        abort();
    size_t n = strlen(copy);
    while (n && (copy[n - 1] == '\'' || copy[n - 1] == '"'))
        copy[--n] = '\0';
    return copy;
}

static char *resolve_named(const struct extract_scan *s, const char *href)
{
    return href && *href ? extract_resolve(s, href) : NULL;
}

void extract_meta_finish(struct extract_scan *s)
{
    struct meta_state *m = &s->meta;
    struct extract_page *p = s->page;
    for (int c = 0; c < CAP_N; c++)
        if (m->cap_depth[c] >= 0)
            end_capture(s, c);      /* the parse stopped inside it */
    p->title = first_place(m->title, META_N_TITLE);
    p->date = find_date(m);
    p->labels = textbuf_take(&m->labels);
    if (!*p->labels) {
        free(p->labels);
        p->labels = NULL;
    }
    p->canonical = resolve_named(s, m->canonical);
    char *r = refresh_href(m->refresh);
    p->refresh = resolve_named(s, r);
    free(r);
    p->og_article = (m->og_type && !strcasecmp(m->og_type, "article")) || m->ld_article;
    if (m->robots) {
        p->nofollow = strcasestr(m->robots, "nofollow") || strcasestr(m->robots, "none");
        p->noindex = strcasestr(m->robots, "noindex") || strcasestr(m->robots, "none");
    }
    for (size_t i = 0; i < m->n_feeds; i++) {
        char *u = resolve_named(s, m->feeds[i]);
        if (!u)
            continue;
        p->feeds = xrealloc(p->feeds, (p->n_feeds + 1) * sizeof(*p->feeds));
        p->feeds[p->n_feeds++] = u;
    }
    if (p->nofollow) {
        for (size_t i = 0; i < s->n_links; i++)
            free(s->links[i]);
        free(s->links);
    } else {
        p->links = s->links;
        p->n_links = s->n_links;
    }
    s->links = NULL;
    s->n_links = s->cap_links = 0;
}

void extract_meta_release(struct meta_state *m)
{
    for (int i = 0; i < META_N_TITLE; i++)
        free(m->title[i]);
    for (int i = 0; i < META_N_DATE; i++)
        free(m->date[i]);
    for (int c = 0; c < CAP_N; c++)
        textbuf_release(&m->cap[c]);
    textbuf_release(&m->labels);
    free(m->base_href);
    free(m->canonical);
    free(m->refresh);
    free(m->og_type);
    free(m->robots);
    for (size_t i = 0; i < m->n_feeds; i++)
        free(m->feeds[i]);
    memset(m, 0, sizeof(*m));
}
