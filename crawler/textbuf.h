/* textbuf: capped text accumulation and byte-level clean-up for page text.
 * Private to crawler/. A struct textbuf is caller-owned (textbuf_init /
 * textbuf_release); textbuf_take hands its string to the caller. */
#ifndef BLOGMAP_TEXTBUF_H
#define BLOGMAP_TEXTBUF_H

#include <stddef.h>

struct textbuf {
    char *data;
    size_t len, cap, max;   /* max 0: TEXTBUF_DEFAULT_MAX */
    int space;              /* a space is owed before the next word */
    int full;               /* the cap was reached: nothing more is added */
};

#define TEXTBUF_DEFAULT_MAX 4096

void textbuf_init(struct textbuf *tb, size_t max);
void textbuf_release(struct textbuf *tb);

/* Append S with runs of whitespace collapsed to one space; text past the cap
 * is dropped at a UTF-8 character boundary. */
void textbuf_add_collapsed(struct textbuf *tb, const char *s);

/* The same for LEN bytes at S (no NUL needed); text added in pieces reads
 * as if added at once. */
void textbuf_add_collapsed_n(struct textbuf *tb, const char *s, size_t len);

/* The text so far, trimmed, as a malloc'd string (never NULL); TB is reset. */
char *textbuf_take(struct textbuf *tb);

/* 1 when BYTES look binary: NULs or control bytes in much of the first 1 KiB. */
int textbuf_looks_binary(const char *bytes, size_t len);

/* A start tag keeps at most this many named attributes: libxml2 2.9.14
 * compares each new one with all before it, so 60,000 take 40 s (matrix X03). */
#define TEXTBUF_MAX_ATTRS 128

/* Ready HTML for the parser: NUL bytes become spaces, attributes past
 * TEXTBUF_MAX_ATTRS in a start tag are left out and, unless the page
 * declares a charset other than UTF-8, invalid UTF-8 becomes U+FFFD. Stores
 * a repaired copy (malloc'd) in *OUT, or NULL when HTML needs no repair and
 * is to be parsed as it is; *OUT_LEN is the length to parse. Returns the
 * encoding to tell libxml2 ("UTF-8") or NULL to let it detect. */
const char *textbuf_prepare_html(const char *html, size_t len, const char *content_type,
                                 char **out, size_t *out_len);

/* Validate UTF-8 of S[0..len): returns the byte length of the valid
 * sequence at S, or 0 when invalid. */
size_t textbuf_utf8_len(const unsigned char *s, size_t len);

#endif
