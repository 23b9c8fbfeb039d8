/* feedpost: a feed entry turned into what extract.h makes of a post page.
 *
 * Why wrap rather than walk: the graph from a feed must equal the graph from
 * the pages, and the one way to be sure of that is to run the very code that
 * reads pages. The entry's HTML goes inside
 *     <div class="post-body entry-content">...</div>
 * (the first selector extract.c tries), in a page with nothing else that
 * could be taken for a body or a link; the entry URL is the base, as the post
 * page's own URL is. A user's --content-xpath describes the blog's pages, not
 * this wrapper, so it is not used here.
 *
 * A feed set to stop at the jump break ("until jump break" on Blogger) gives
 * each post's opening only, followed by a link back to the post. That is
 * found by scanning the <a> tags of the raw HTML (no tree is built for it):
 * the tell-tales need the fragment (#more), which URL normalisation drops. */
#include "blogmap/feedpost.h"
#include "blogmap/url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FEEDPOST_ANCHOR_SCAN 200    /* bytes of anchor text looked at */

/* One <a ...> start tag: the attributes that tell a jump link. */
struct a_tag {
    char href[URL_MAX_LEN + 1];
    char name[32];
    const char *end;                /* just past the tag's '>' */
};

static const char *const read_more[] = {
    "read more", "continue reading", "keep reading", "read the rest", "more \xc2\xbb",
    "more&raquo;", "more &raquo;", "more >>", "(more",
};

static void copy_value(char *dst, size_t cap, const char *v, size_t n)
{
    if (n >= cap)
        n = 0;      /* too long to be a link worth comparing */
    memcpy(dst, v, n);
    dst[n] = '\0';
}

/* Parse the attributes of an <a> tag from P (just past "<a"). */
static void parse_a(const char *p, struct a_tag *t)
{
    memset(t, 0, sizeof(*t));
    while (*p && *p != '>') {
        while (isspace((unsigned char)*p) || *p == '/')
            p++;
        const char *name = p;
        while (*p && !isspace((unsigned char)*p) && *p != '=' && *p != '>')
            p++;
        size_t name_len = (size_t)(p - name);
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '=') {
            if (name_len == 0 && *p && *p != '>')
                p++;
            continue;
        }
        p++;
        while (isspace((unsigned char)*p))
            p++;
        const char *v = p;
        char quote = (*p == '"' || *p == '\'') ? *p : 0;
        if (quote)
            v = ++p;
        while (*p && (quote ? *p != quote : (!isspace((unsigned char)*p) && *p != '>')))
            p++;
        size_t v_len = (size_t)(p - v);
        if (quote && *p)
            p++;
        if (name_len == 4 && !strncasecmp(name, "href", 4))
            copy_value(t->href, sizeof(t->href), v, v_len);
        else if (name_len == 4 && !strncasecmp(name, "name", 4))
            copy_value(t->name, sizeof(t->name), v, v_len);
    }
    t->end = *p ? p + 1 : p;
}

/* The next <a> start tag at or after S, or NULL. */
static const char *next_a(const char *s)
{
    for (const char *p = s; (p = strchr(p, '<')) != NULL; p++)
        if ((p[1] == 'a' || p[1] == 'A') && (isspace((unsigned char)p[2]) || p[2] == '>'))
            return p;
    return NULL;
}

/* 1 when S holds no text: only tags, whitespace and no-break spaces. */
static int only_markup(const char *s)
{
    while (*s) {
        if (*s == '<') {
            const char *gt = strchr(s, '>');
            if (!gt)
                return 1;
            s = gt + 1;
        } else if (isspace((unsigned char)*s)) {
            s++;
        } else if (!strncmp(s, "\xc2\xa0", 2)) {
            s += 2;
        } else if (!strncasecmp(s, "&nbsp;", 6) || !strncmp(s, "&#160;", 6)) {
            s += 6;
        } else {
            return 0;
        }
    }
    return 1;
}

/* Whether HREF (fragment and all) points at URL, the entry's own page. */
static int links_to_self(const char *href, const char *url)
{
    char *u = NULL;
    if (*href == '#')
        return 1;       /* a fragment alone: this very page */
    if (!*href || url_normalize(url, href, &u) != URL_OK)
        return 0;
    int same = !strcmp(u, url);
    free(u);
    return same;
}

/* Whether the anchor text from S on opens with a "Read more" phrase. */
static int reads_more(const char *s)
{
    char text[FEEDPOST_ANCHOR_SCAN + 1];
    size_t n = 0;
    for (; *s && n < FEEDPOST_ANCHOR_SCAN; s++) {
        if (*s == '<') {
            if (!strncasecmp(s, "</a", 3))
                break;
            const char *gt = strchr(s, '>');
            if (!gt)
                break;
            s = gt;
            continue;
        }
        if (isspace((unsigned char)*s) && (n == 0 || text[n - 1] == ' '))
            continue;
        text[n++] = isspace((unsigned char)*s) ? ' ' : *s;
    }
    text[n] = '\0';
    for (size_t i = 0; i < sizeof(read_more) / sizeof(read_more[0]); i++)
        if (!strncasecmp(text, read_more[i], strlen(read_more[i])))
            return 1;
    return 0;
}

static int truncated(const char *content, const char *url)
{
    for (const char *p = next_a(content); p; p = next_a(p + 1)) {
        struct a_tag t;
        parse_a(p + 2, &t);
        const char *frag = strchr(t.href, '#');
        if (!strcasecmp(t.name, "more") && only_markup(t.end))
            return 1;
        if (frag && !strncasecmp(frag, "#more", 5) && (frag[5] == '\0' || frag[5] == '-') &&
            links_to_self(t.href, url))     /* Blogger #more, WordPress #more-123 */
            return 1;
        if (reads_more(t.end) && links_to_self(t.href, url))
            return 1;
    }
    return 0;
}

int feedpost_has_body(const struct feedpost_entry *e)
{
    return e->content && *e->content && e->url && !truncated(e->content, e->url);
}

/* S with &, < and > escaped, for the wrapper's <title>. */
static char *escape_text(const char *s)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == '&' ? 5 : (*p == '<' || *p == '>') ? 4 : 1;
    char *out = malloc(n), *o = out;
    if (!out)
        abort();
    for (; *s; s++) {
        const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
        if (rep) {
            memcpy(o, rep, strlen(rep));
            o += strlen(rep);
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

/* The page the entry's post would be if it held nothing but the post. */
static char *wrap(const struct feedpost_entry *e, size_t *len)
{
    static const char head[] = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
    static const char mid[] = "</title></head><body><div class=\"post-body entry-content\">";
    static const char tail[] = "</div></body></html>\n";
    char *title = escape_text(e->title ? e->title : "");
    size_t n = strlen(head) + strlen(title) + strlen(mid) + strlen(e->content) + strlen(tail);
    char *page = malloc(n + 1);
    if (!page)
        abort();
    snprintf(page, n + 1, "%s%s%s%s%s", head, title, mid, e->content, tail);
    free(title);
    *len = n;
    return page;
}

/* Put a copy of FEED's fact in *SLOT when the feed gave one. */
static void take_fact(char **slot, const char *feed)
{
    if (!feed)
        return;
    char *s = strdup(feed);
    if (!s)
        abort();
    free(*slot);
    *slot = s;
}

int feedpost_extract(const struct feedpost_entry *e, size_t max_links,
                     struct extract_page **out)
{
    struct extract_opts eo = {.content_xpath = NULL, .max_links = max_links};
    struct extract_page *p = NULL;
    size_t len = 0;
    if (!feedpost_has_body(e))
        return FEEDPOST_ENOBODY;
    char *page = wrap(e, &len);
    int rc = extract_page(page, len, e->url, "text/html; charset=UTF-8", &eo, &p);
    free(page);
    if (rc != EXTRACT_OK)
        return FEEDPOST_EEXTRACT;
    take_fact(&p->title, e->title);
    take_fact(&p->date, e->date);
    take_fact(&p->labels, e->labels);
    free(p->canonical);
    free(p->refresh);
    p->canonical = p->refresh = NULL;   /* the wrapper is at the entry's URL */
    *out = p;
    return FEEDPOST_OK;
}

const char *feedpost_strerror(int code)
{
    switch (code) {
    case FEEDPOST_OK: return "ok";
    case FEEDPOST_ENOBODY: return "the feed gives no whole body";
    case FEEDPOST_EEXTRACT: return "the feed's body could not be read";
    default: return "feed entry error";
    }
}
