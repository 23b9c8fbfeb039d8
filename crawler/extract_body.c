/* extract_body: post bodies read from the scanner's stream of elements.
 * Each built-in body selector (Blogger's .post-body, then .entry-content,
 * .post-content, .e-content, <article>, <main>) has a walker that is active
 * inside the outermost element it matches; at the end the first selector
 * with a match wins, as an ordered list of XPath queries would pick. Inside a
 * body the walker splits text into "lines" at <br> and block elements; a line
 * that opens with a lead-in such as "If interested see" starts a related
 * block, and the list-like lines after it carry related links until prose
 * resumes. Links inside an element whose class or id says "related" are
 * related too. Comments, sharing widgets, footers, scripts and forms inside a
 * body are skipped; an <a> is read whole as one link, its text the anchor. */
#include "extract_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BODY_ANCHOR_MAX 300
#define BODY_CONTEXT_MAX 400
#define BODY_TEXT_MAX (128 * 1024)   /* body text kept for search */

static const char *const selector_class[] = {"post-body", "entry-content", "post-content",
                                             "e-content"};

/* Lead-ins that open a block of related links, matched at a line's start. */
static const char *const leadins[] = {
    "if interested", "related", "and related", "previously", "see also",
    "and the links we embedded", "the links we embedded", "further reading",
    "you may also like", "you might also like", "also see", "more on this",
    "more from the archive", "from the archive", "recommended reading",
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

void extract_body_init(struct body_walker *w)
{
    memset(w, 0, sizeof(*w));
    w->root = w->skip = w->in_anchor = -1;
    textbuf_init(&w->prose, BODY_TEXT_MAX);
    textbuf_init(&w->anchors, BODY_TEXT_MAX);
    textbuf_init(&w->anchor, BODY_ANCHOR_MAX);
}

void extract_body_release(struct body_walker *w)
{
    for (size_t i = 0; i < w->n_lines; i++)
        textbuf_release(&w->lines[i].text);
    free(w->lines);
    for (size_t i = 0; i < w->n_links; i++) {
        free(w->links[i].url);
        free(w->links[i].anchor);
        free(w->links[i].context);
    }
    free(w->links);
    free(w->link_related_el);
    textbuf_release(&w->prose);
    textbuf_release(&w->anchors);
    textbuf_release(&w->anchor);
    w->lines = NULL;
    w->links = NULL;
    w->link_related_el = NULL;
    w->n_lines = w->n_links = 0;
}

static int has_sub(const char *attr, const char *word)
{
    return attr && strcasestr(attr, word) != NULL;
}

/* Elements inside a body whose links are not the author's: comments,
 * sharing buttons, navigation, scripts. */
static int skip_element(const char *name, const char *cls, const char *id)
{
    static const char *const names[] = {"script", "style", "noscript", "nav", "template",
                                        "iframe", "form", "button", "select", "footer"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(name, names[i]))
            return 1;
    return has_sub(cls, "comment") || has_sub(id, "comment") || has_sub(cls, "sharedaddy") ||
           has_sub(cls, "share-") || has_sub(cls, "post-footer") || has_sub(cls, "blog-pager") ||
           has_sub(cls, "nav-links");
}

static int related_element(const char *cls, const char *id)
{
    return has_sub(cls, "related") || has_sub(id, "related") || has_sub(cls, "linkwithin");
}

static int block_element(const char *name)
{
    static const char *const blocks[] = {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "table", "tr", "td", "th", "section", "article", "header", "pre",
        "hr", "figure", "figcaption", "aside", "main", "tbody", "thead"};
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (!strcmp(name, blocks[i]))
            return 1;
    return 0;
}

static void line_break(struct body_walker *w)
{
    textbuf_add_collapsed_n(&w->prose, " ", 1);
    struct body_line *cur = w->n_lines ? &w->lines[w->n_lines - 1] : NULL;
    if (cur && cur->text.len == 0 && cur->n_links == 0)
        return;     /* the current line is still empty: reuse it */
    if (w->n_lines == w->cap_lines) {
        w->cap_lines = w->cap_lines ? 2 * w->cap_lines : 32;
        w->lines = xrealloc(w->lines, w->cap_lines * sizeof(*w->lines));
    }
    struct body_line *l = &w->lines[w->n_lines++];
    memset(l, 0, sizeof(*l));
    textbuf_init(&l->text, 0);
    l->first_link = w->n_links;
}

static struct body_line *cur_line(struct body_walker *w)
{
    if (!w->n_lines)
        line_break(w);
    return &w->lines[w->n_lines - 1];
}

/* Letters and digits of S (ASCII), the measure of text used below. */
static size_t word_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += isalnum((unsigned char)*s) != 0;
    return n;
}

/* An <a> opens inside a body: it becomes a link when its href resolves. */
static void open_anchor(struct extract_scan *s, struct body_walker *w, const unsigned char **atts,
                        int related)
{
    const char *href = extract_attr(atts, "href");
    w->in_anchor = s->depth;
    w->anchor_keep = 0;
    if (href && w->n_links >= s->max_links) {
        w->dropped++;       /* past the cap: not even resolved (matrix T14) */
        return;
    }
    char *url = href ? extract_resolve(s, href) : NULL;
    if (!url)
        return;
    if (w->n_links == w->cap_links) {
        w->cap_links = w->cap_links ? 2 * w->cap_links : 16;
        w->links = xrealloc(w->links, w->cap_links * sizeof(*w->links));
        w->link_related_el = xrealloc(w->link_related_el, w->cap_links);
    }
    struct extract_link *l = &w->links[w->n_links];
    memset(l, 0, sizeof(*l));
    l->url = url;
    w->link_related_el[w->n_links] = (unsigned char)related;
    struct body_line *ln = cur_line(w);
    ln->n_links++;
    ln->related_el |= related;
    w->n_links++;
    w->anchor_keep = 1;
}

static void close_anchor(struct body_walker *w)
{
    if (w->anchor_keep) {
        struct extract_link *l = &w->links[w->n_links - 1];
        struct body_line *ln = cur_line(w);
        l->anchor = textbuf_take(&w->anchor);
        ln->link_chars += word_chars(l->anchor);
        textbuf_add_collapsed(&ln->text, l->anchor);
        textbuf_add_collapsed(&w->anchors, l->anchor);
        textbuf_add_collapsed_n(&w->anchors, " ", 1);
    }
    textbuf_release(&w->anchor);
    textbuf_init(&w->anchor, BODY_ANCHOR_MAX);
    w->in_anchor = -1;
    w->anchor_keep = 0;
}

static int selector_matches(int k, const char *name, const char *cls, int user_body)
{
    if (k < EXTRACT_BODY_ARTICLE)
        return cls && extract_has_token(cls, selector_class[k]);
    if (k == EXTRACT_BODY_ARTICLE)
        return !strcmp(name, "article");
    if (k == EXTRACT_BODY_MAIN)
        return !strcmp(name, "main");
    return user_body;
}

void extract_body_start(struct extract_scan *s, const char *name, const unsigned char **atts,
                        const char *cls, int user_body)
{
    int first = s->user_bodies ? EXTRACT_BODY_USER : 0;
    int last = s->user_bodies ? EXTRACT_BODY_USER : EXTRACT_BODY_MAIN;
    const char *id = NULL;
    int id_read = 0;
    for (int k = first; k <= last; k++) {
        struct body_walker *w = &s->body[k];
        if (w->root < 0) {
            if (selector_matches(k, name, cls, user_body)) {
                w->root = s->depth;
                w->blocks++;
                line_break(w);
            }
            continue;
        }
        if (w->skip >= 0 || w->in_anchor >= 0)
            continue;   /* inside something read whole or not at all */
        if (!id_read) {
            id = extract_attr(atts, "id");
            id_read = 1;
        }
        if (skip_element(name, cls, id)) {
            w->skip = s->depth;
        } else if (!strcmp(name, "br")) {
            line_break(w);
        } else if (!strcmp(name, "a")) {
            open_anchor(s, w, atts, w->n_related > 0 || related_element(cls, id));
        } else {
            if (block_element(name))
                line_break(w);
            if (!strcmp(name, "li"))
                cur_line(w)->bullet = 1;
            if (related_element(cls, id))
                w->related[w->n_related++] = s->depth;
        }
    }
}

void extract_body_end(struct extract_scan *s, const char *name)
{
    for (int k = 0; k < EXTRACT_N_BODY; k++) {
        struct body_walker *w = &s->body[k];
        if (w->root < 0)
            continue;
        if (s->depth == w->root) {
            line_break(w);
            w->root = w->skip = w->in_anchor = -1;
            w->n_related = 0;
        } else if (w->skip >= 0) {
            if (s->depth == w->skip) {
                w->skip = -1;
                if (block_element(name))
                    line_break(w);
            }
        } else if (w->in_anchor >= 0) {
            if (s->depth == w->in_anchor)
                close_anchor(w);
        } else {
            if (block_element(name))
                line_break(w);
            if (w->n_related > 0 && w->related[w->n_related - 1] == s->depth)
                w->n_related--;
        }
    }
}

void extract_body_text(struct extract_scan *s, const char *text, size_t len)
{
    for (int k = 0; k < EXTRACT_N_BODY; k++) {
        struct body_walker *w = &s->body[k];
        if (w->root < 0 || w->skip >= 0)
            continue;
        if (w->in_anchor >= 0) {
            if (w->anchor_keep)
                textbuf_add_collapsed_n(&w->anchor, text, len);
            continue;
        }
        textbuf_add_collapsed_n(&cur_line(w)->text, text, len);
        textbuf_add_collapsed_n(&w->prose, text, len);
    }
}

static int is_leadin(const char *text)
{
    size_t n = strlen(text);
    while (*text && strchr("-*\xe2\x80\xa2\xc2\xb7 ", *text))
        text++, n--;
    if (n == 0 || n > 140)
        return 0;
    for (size_t i = 0; i < sizeof(leadins) / sizeof(leadins[0]); i++) {
        size_t k = strlen(leadins[i]);
        if (strncasecmp(text, leadins[i], k) == 0 && !isalnum((unsigned char)text[k]))
            return 1;
    }
    return 0;
}

/* Characters of a line that are not link text or list bullets. */
static size_t prose_chars(const struct body_line *l)
{
    size_t n = word_chars(l->text.data);
    return n > l->link_chars ? n - l->link_chars : 0;
}

static void set_line_kind(struct body_walker *w, const struct body_line *l, int kind)
{
    for (size_t i = 0; i < l->n_links; i++) {
        size_t k = l->first_link + i;
        w->links[k].kind = (kind || w->link_related_el[k]) ? EXTRACT_RELATED : EXTRACT_INLINE;
    }
}

static char *line_context(const struct body_line *l)
{
    struct textbuf tb;
    textbuf_init(&tb, BODY_CONTEXT_MAX);
    textbuf_add_collapsed(&tb, l->text.data ? l->text.data : "");
    return textbuf_take(&tb);
}

/* A line that reads as an item of a list of links: a list item or bulleted
 * line with little prose, or a line that is mostly its links' text. */
static int list_like(const struct body_line *l, size_t prose)
{
    const char *t = l->text.data ? l->text.data : "";
    int bullet = l->bullet || *t == '-' || *t == '*' || !strncmp(t, "\xe2\x80\xa2", 3);
    size_t half = l->link_chars / 2 > 12 ? l->link_chars / 2 : 12;
    return (bullet && prose <= 60) || prose <= half;
}

/* Decide each body link's kind from the lines around it. */
static void classify_lines(struct body_walker *w)
{
    int related = 0;
    for (size_t i = 0; i < w->n_lines; i++) {
        const struct body_line *l = &w->lines[i];
        const char *t = l->text.data ? l->text.data : "";
        size_t prose = prose_chars(l);
        if (l->n_links == 0) {
            if (is_leadin(t))
                related = 1;
            else if (*t && related) {
                size_t n = strlen(t);
                related = n > 0 && (t[n - 1] == ':' || t[n - 1] == '?');
            }
            continue;
        }
        if (is_leadin(t))
            related = 1;
        else if (!list_like(l, prose))
            related = 0;
        set_line_kind(w, l, related);
        for (size_t k = 0; k < l->n_links; k++)
            w->links[l->first_link + k].context = line_context(l);
    }
}

void extract_body_finish(struct extract_scan *s)
{
    struct extract_page *p = s->page;
    struct body_walker *w = NULL;
    if (s->user_bodies) {
        w = &s->body[EXTRACT_BODY_USER];
    } else {
        for (int k = 0; k < EXTRACT_BODY_USER && !w; k++)
            if (s->body[k].blocks > 0)
                w = &s->body[k];
    }
    if (!w)
        return;
    if (w->in_anchor >= 0)
        close_anchor(w);    /* the parse stopped inside a link */
    line_break(w);
    classify_lines(w);
    p->content_blocks = w->blocks;
    p->body_links = w->links;
    p->n_body_links = w->n_links;
    p->links_dropped += w->dropped;
    p->text = textbuf_take(&w->prose);
    p->anchors = textbuf_take(&w->anchors);
    w->links = NULL;
    w->n_links = w->cap_links = 0;
}
