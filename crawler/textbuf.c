/* textbuf: whitespace-collapsing text buffers with a hard cap, and the byte
 * clean-up done before HTML reaches libxml2. libxml2 2.9.14 stops at a NUL
 * byte (matrix X05) and, meeting one invalid UTF-8 byte, may decode the whole
 * document as Latin-1; repairing bytes first keeps titles and links intact. */
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

const char *textbuf_prepare_html(const char *html, size_t len, const char *content_type,
                                 char **out, size_t *out_len)
{
    int other = declares_other_charset(html, len, content_type);
    if (!other && clean_utf8(html, len)) {
        *out = NULL;
        *out_len = len;
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
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return other ? NULL : "UTF-8";
}
