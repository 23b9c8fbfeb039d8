/* extract_int: the streaming page scanner shared by extract.c (the libxml2
 * SAX plumbing and the --content-xpath tree replay), extract_body.c (post
 * bodies: lines, links, kinds) and extract_meta.c (page facts and every link).
 * Private to crawler/. The scanner sees each element's start (name in lower
 * case, attributes as libxml2's NULL-terminated name/value array), its text
 * and its end, in document order, and never holds a tree. Strings it hands
 * out are malloc'd and owned by the receiver. */
#ifndef BLOGMAP_EXTRACT_INT_H
#define BLOGMAP_EXTRACT_INT_H

#include "blogmap/extract.h"
#include "textbuf.h"

#include <stddef.h>

/* Deeper elements stop the parse and mark the page partial, as libxml2's own
 * tree builder does at 256 (matrix X01); it also bounds the scanner's stacks. */
#define EXTRACT_MAX_DEPTH 256

/* Where post bodies are looked for, in order: the first with a match wins.
 * EXTRACT_BODY_USER is the user's --content-xpath (then the only one). */
enum { EXTRACT_BODY_POST_BODY, EXTRACT_BODY_ENTRY_CONTENT, EXTRACT_BODY_POST_CONTENT,
       EXTRACT_BODY_E_CONTENT, EXTRACT_BODY_ARTICLE, EXTRACT_BODY_MAIN, EXTRACT_BODY_USER,
       EXTRACT_N_BODY };

struct body_line {
    struct textbuf text;
    size_t first_link;      /* index into the walker's links */
    size_t n_links;
    size_t link_chars;      /* letters and digits of anchor text on the line */
    int related_el;         /* some link sits in a "related" element */
    int bullet;             /* a list item, or text opening with a bullet */
};

/* One candidate body selector's view of the page. Depths are the scanner's
 * element depths; -1 means "none open". */
struct body_walker {
    int root;               /* the outermost matching element open */
    int skip;               /* a skipped element (comments, sharing, script) */
    int in_anchor;          /* an <a> being read */
    int anchor_keep;        /* ...that became a link (else its text is dropped) */
    int related[EXTRACT_MAX_DEPTH + 2];   /* depths of open "related" elements */
    int n_related;
    int blocks;             /* outermost matches seen: content blocks */
    struct body_line *lines;
    size_t n_lines, cap_lines;
    struct extract_link *links;
    unsigned char *link_related_el;
    size_t n_links, cap_links, dropped;
    struct textbuf prose;   /* text outside links, for search */
    struct textbuf anchors; /* anchor text, for search */
    struct textbuf anchor;  /* the open <a>'s text */
};

/* Facts found once: the first place in document order that has them. */
enum { META_TITLE_POST, META_TITLE_PNAME, META_TITLE_OG, META_TITLE_ARTICLE_H1,
       META_TITLE_TITLE, META_N_TITLE };
enum { META_DATE_ABBR, META_DATE_TIME_PUBLISHED, META_DATE_DT_PUBLISHED, META_DATE_META,
       META_DATE_TIME, META_DATE_HEADER, META_N_DATE };

/* Text captures that run from an element's start to its end. */
enum { CAP_TITLE_POST, CAP_TITLE_PNAME, CAP_TITLE_ARTICLE_H1, CAP_TITLE_TITLE, CAP_DATE_HEADER,
       CAP_LABEL, CAP_LDJSON, CAP_N };

struct meta_state {
    char *title[META_N_TITLE];      /* raw text of each place, NULL: not met */
    char *date[META_N_DATE];
    struct textbuf cap[CAP_N];
    int cap_depth[CAP_N];           /* depth of the element captured, -1: none */
    unsigned cap_done;              /* bit per capture met once (not CAP_LABEL, CAP_LDJSON) */
    struct textbuf labels;
    char *base_href, *canonical, *refresh, *og_type, *robots;
    char *feeds[16];
    size_t n_feeds;
    int ld_article;
    unsigned char frame[EXTRACT_MAX_DEPTH + 2];   /* per open element: META_FRAME_* */
    int in_nav, in_article;         /* open elements of those kinds */
};

struct extract_scan {
    struct extract_page *page;
    const char *url;
    char *base;                     /* links resolve against this (owned) */
    size_t max_links;
    struct urlcache *urls;          /* memo for url_normalize, or NULL */
    int user_bodies;                /* bodies come from the user's XPath */
    int depth;                      /* elements open */
    int stopped;                    /* too deep: the rest is not read */
    void *parser;                   /* the libxml2 context to stop, or NULL */
    char **links;                   /* every distinct link (owned until handed over) */
    size_t n_links, cap_links;
    size_t *link_slots;             /* open hash of links: index + 1, 0 empty */
    size_t n_slots;
    struct meta_state meta;
    struct body_walker body[EXTRACT_N_BODY];
};

/* Value of attribute NAME ("" when it has none), or NULL when absent. */
const char *extract_attr(const unsigned char **atts, const char *name);

/* 1 when the space-separated token list LIST holds TOKEN (case-sensitive). */
int extract_has_token(const char *list, const char *token);

void extract_meta_start(struct extract_scan *s, const char *name, const unsigned char **atts,
                        const char *cls);
void extract_meta_end(struct extract_scan *s);
void extract_meta_text(struct extract_scan *s, const char *text, size_t len);
/* Resolve what the page named (base first), fill the page's facts, free the state. */
void extract_meta_finish(struct extract_scan *s);
void extract_meta_release(struct meta_state *m);

void extract_body_init(struct body_walker *w);
void extract_body_start(struct extract_scan *s, const char *name, const unsigned char **atts,
                        const char *cls, int user_body);
void extract_body_end(struct extract_scan *s, const char *name);
void extract_body_text(struct extract_scan *s, const char *text, size_t len);
/* Pick the first selector with a match, classify its links, move them into the page. */
void extract_body_finish(struct extract_scan *s);
void extract_body_release(struct body_walker *w);

/* HREF resolved against the scanner's base and normalised, or NULL. */
char *extract_resolve(const struct extract_scan *s, const char *href);

/* "2024-01-26T08:00", "Friday, January 26, 2024", "26 Jan 2024" → "2024-01-26";
 * NULL when no date is recognised. */
char *extract_parse_date(const char *s);

#endif
