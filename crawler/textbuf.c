/* textbuf: whitespace-collapsing text buffers with a hard cap, and the byte
 * clean-up done before HTML reaches libxml2. libxml2 2.9.14 stops at a NUL
 * byte (matrix X05) and, meeting one invalid UTF-8 byte, may decode the whole
 * document as Latin-1; repairing bytes first keeps titles and links intact.
 * It also spends time quadratic in a tag's attribute count (X03), so a tag's
 * attributes past a cap are cut out, by a scan that reads tags as it does. */
#include "textbuf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void textbuf_init(struct textbuf *tb, size_t max)
{
    memset(tb, 0, sizeof(*tb));
    tb->max = max ? max : TEXTBUF_DEFAULT_MAX;
}

void textbuf_release(struct textbuf *tb)
{
    free(tb->data);
    memset(tb, 0, sizeof(*tb));
}

static void put(struct textbuf *tb, const char *s, size_t n)
{
    if (tb->len + n + 1 > tb->cap) {
        size_t cap = tb->cap ? tb->cap : 64;
        while (cap < tb->len + n + 1)
            cap *= 2;
        char *p = realloc(tb->data, cap);
        if (!p)
            abort();
        tb->data = p;
        tb->cap = cap;
    }
    memcpy(tb->data + tb->len, s, n);
    tb->len += n;
    tb->data[tb->len] = '\0';
}

void textbuf_add_collapsed_n(struct textbuf *tb, const char *s, size_t len)
{
    const char *end = s + len;
    if (!tb->max)
        tb->max = TEXTBUF_DEFAULT_MAX;
    while (s < end && !tb->full) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || (c >= '\t' && c <= '\r') ||
            (c == 0xc2 && s + 1 < end && (unsigned char)s[1] == 0xa0)) {
            tb->space = 1;
            s += c == 0xc2 ? 2 : 1;
            continue;
        }
        /* a run of non-space bytes, cut at a UTF-8 boundary within the cap */
        const char *run = s + 1;
        while (run < end && (unsigned char)*run != ' ' && !((unsigned char)*run >= '\t' &&
                                                           (unsigned char)*run <= '\r') &&
               !((unsigned char)*run == 0xc2 && run + 1 < end && (unsigned char)run[1] == 0xa0))
            run++;
        size_t room = tb->max - tb->len - (tb->space && tb->len ? 1 : 0);
        if (tb->len + (tb->space && tb->len ? 1 : 0) >= tb->max) {
            tb->full = 1;
            break;
        }
        size_t n = (size_t)(run - s);
        if (n > room) {
            n = room;
            while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
                n--;        /* s[n] continues a character: stop before it */
            tb->full = 1;
            if (n == 0)
                break;
        }
        if (tb->space && tb->len)
            put(tb, " ", 1);
        tb->space = 0;
        put(tb, s, n);
        s += n;
    }
}

void textbuf_add_collapsed(struct textbuf *tb, const char *s)
{
    textbuf_add_collapsed_n(tb, s, strlen(s));
}

char *textbuf_take(struct textbuf *tb)
{
    char *out = tb->data ? tb->data : strdup("");
    if (!out)
        abort();
    size_t n = strlen(out);
    while (n && out[n - 1] == ' ')
        out[--n] = '\0';
    size_t max = tb->max;
    memset(tb, 0, sizeof(*tb));
    tb->max = max;
    return out;
}

int textbuf_looks_binary(const char *bytes, size_t len)
{
    size_t n = len < 1024 ? len : 1024, bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f'))
            bad++;
    }
    return n > 0 && bad * 10 > n;
}

size_t textbuf_utf8_len(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t n;
    unsigned int cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

/* The charset a Content-Type or the page's first bytes declare, if not
 * UTF-8: returns 1 for "another charset", 0 for UTF-8 or none. */
static int declares_other_charset(const char *html, size_t len, const char *ctype)
{
    const char *cs = ctype ? strcasestr(ctype, "charset=") : NULL;
    char head[2048];
    if (cs) {
        cs += 8;
        cs += (*cs == '"');
        return strncasecmp(cs, "utf-8", 5) != 0 && strncasecmp(cs, "utf8", 4) != 0;
    }
    size_t n = len < sizeof(head) - 1 ? len : sizeof(head) - 1;
    memcpy(head, html, n);
    head[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (head[i] == '\0')
            head[i] = ' ';
    cs = strcasestr(head, "charset=");
    if (!cs)
        return 0;
    cs += 8;
    while (*cs == '"' || *cs == '\'' || *cs == ' ')
        cs++;
    return strncasecmp(cs, "utf-8", 5) != 0 && strncasecmp(cs, "utf8", 4) != 0;
}

/* 1 when S[0..len) is valid UTF-8 without NUL bytes: the parser can take
 * it as it is. ASCII, most of a page, is checked eight bytes at a time. */
static int clean_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        if (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            /* no high bit set and no zero byte among the eight */
            if (!(w & 0x8080808080808080ULL) &&
                !((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL)) {
                p += 8;
                continue;
            }
        }
        if (*p == 0)
            return 0;
        size_t n = textbuf_utf8_len(p, (size_t)(end - p));
        if (n == 0)
            return 0;
        p += n;
    }
    return 1;
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_char(unsigned char c)
{
    return isalnum(c) || c == ':' || c == '-' || c == '_' || c == '.';
}

/* Offset of the first NEEDLE (N bytes) in S[from..len), compared without
 * case, or LEN when there is none. */
static size_t find_ci(const char *s, size_t len, size_t from, const char *needle, size_t n)
{
    for (size_t i = from; i + n <= len; i++)
        if (strncasecmp(s + i, needle, n) == 0)
            return i;
    return len;
}

static size_t find_byte(const char *s, size_t len, size_t from, char c)
{
    const char *p = from < len ? memchr(s + from, c, len - from) : NULL;
    return p ? (size_t)(p - s) : len;
}

/* One attribute at S[i] as libxml2 2.9.14's htmlParseStartTag reads it:
 * returns the offset past it and sets *NAMED when it has a name (only those
 * are checked against the tag's earlier attributes, the quadratic part). */
static size_t skip_attribute(const char *s, size_t len, size_t i, int *named)
{
    unsigned char c = (unsigned char)s[i];
    *named = isalpha(c) || c == '_' || c == ':' || c == '.';
    if (!*named) {      /* bogus: dropped up to a blank or the tag's end */
        while (i < len && !is_blank((unsigned char)s[i]) && s[i] != '>' &&
               !(s[i] == '/' && i + 1 < len && s[i + 1] == '>'))
            i++;
        return i;
    }
    while (i < len && is_name_char((unsigned char)s[i]))
        i++;
    size_t v = i;
    while (v < len && is_blank((unsigned char)s[v]))
        v++;
    if (v >= len || s[v] != '=')
        return i;
    for (v++; v < len && is_blank((unsigned char)s[v]); v++)
        ;
    if (v < len && (s[v] == '"' || s[v] == '\'')) {
        size_t q = find_byte(s, len, v + 1, s[v]);
        return q < len ? q + 1 : len;
    }
    while (v < len && !is_blank((unsigned char)s[v]) && s[v] != '>')
        v++;
    return v;
}

/* The start tag at S[i] ('<' and a letter): sets *CUT to where its attributes
 * past TEXTBUF_MAX_ATTRS begin (the tag's end when there are not that many)
 * and *CLOSE to "</script" or "</style" when it opens raw text (else NULL);
 * returns the offset of its '>' or "/>" (LEN when unterminated). */
static size_t scan_start_tag(const char *s, size_t len, size_t i, size_t *cut,
                             const char **close)
{
    size_t name = ++i, n_named = 0;
    while (i < len && is_name_char((unsigned char)s[i]))
        i++;
    *close = NULL;
    if (i - name == 6 && strncasecmp(s + name, "script", 6) == 0)
        *close = "</script";
    else if (i - name == 5 && strncasecmp(s + name, "style", 5) == 0)
        *close = "</style";
    *cut = SIZE_MAX;
    for (;;) {
        while (i < len && is_blank((unsigned char)s[i]))
            i++;
        if (i >= len || s[i] == '>' || (s[i] == '/' && i + 1 < len && s[i + 1] == '>'))
            break;
        int named;
        size_t next = skip_attribute(s, len, i, &named);
        if (named && ++n_named > TEXTBUF_MAX_ATTRS && *cut == SIZE_MAX)
            *cut = i;
        i = next;
    }
    if (*cut == SIZE_MAX)
        *cut = i;
    if (i >= len || s[i] != '>')
        *close = NULL;      /* "<script/>" has no text */
    return i;
}

/* Copy IN to OUT (which may be IN: the text only shrinks) leaving out every
 * attribute past TEXTBUF_MAX_ATTRS in a start tag; with OUT NULL only count.
 * Comments, other markup and the text of script and style are read as
 * libxml2 reads them, so a '<' there starts no tag. Returns the bytes left
 * out and stores the new length in *OUT_LEN. */
static size_t drop_attr_floods(const char *in, size_t len, char *out, size_t *out_len)
{
    size_t i = 0, o = 0, dropped = 0;
    while (i < len) {
        size_t lt = find_byte(in, len, i, '<'), keep = lt, next;
        if (lt + 1 >= len) {
            keep = next = len;
        } else if (isalpha((unsigned char)in[lt + 1])) {
            const char *close;
            size_t cut, end = scan_start_tag(in, len, lt, &cut, &close);
            keep = cut;
            dropped += end - cut;
            next = end;
            if (close) {    /* the tag's end and its raw text go as they are */
                if (out)
                    memmove(out + o, in + i, cut - i);
                o += cut - i;
                i = end;
                keep = find_ci(in, len, end, close, strlen(close));
                next = keep;
            }
        } else if (len - lt >= 4 && memcmp(in + lt, "<!--", 4) == 0) {
            size_t e = find_ci(in, len, lt + 4, "-->", 3);
            keep = next = e < len ? e + 3 : len;
        } else if (in[lt + 1] == '!' || in[lt + 1] == '?' || in[lt + 1] == '/') {
            keep = next = find_byte(in, len, lt, '>');
        } else {
            keep = next = lt + 1;
        }
        if (out)
            memmove(out + o, in + i, keep - i);
        o += keep - i;
        i = next;
    }
    *out_len = o;
    return dropped;
}

const char *textbuf_prepare_html(const char *html, size_t len, const char *content_type,
                                 char **out, size_t *out_len)
{
    int other = declares_other_charset(html, len, content_type);
    size_t n_kept;
    if (!other && clean_utf8(html, len)) {
        if (drop_attr_floods(html, len, NULL, &n_kept) == 0) {
            *out = NULL;
            *out_len = len;
            return "UTF-8";
        }
        char *copy = malloc(len + 1);
        if (!copy)
            abort();
        drop_attr_floods(html, len, copy, &n_kept);
        copy[n_kept] = '\0';
        *out = copy;
        *out_len = n_kept;
        return "UTF-8";
    }
    char *buf = malloc(len * 3 + 1);
    size_t o = 0;
    if (!buf)
        abort();
    for (size_t i = 0; i < len;) {
        const unsigned char *s = (const unsigned char *)html + i;
        size_t n = other ? 1 : textbuf_utf8_len(s, len - i);
        if (*s == 0) {
            buf[o++] = ' ';
            i++;
        } else if (n == 0) {
            memcpy(buf + o, "\xef\xbf\xbd", 3);     /* U+FFFD */
            o += 3;
            i++;
        } else {
            memcpy(buf + o, s, n);
            o += n;
            i += n;
        }
    }
    drop_attr_floods(buf, o, buf, &o);
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return other ? NULL : "UTF-8";
}
