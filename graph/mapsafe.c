/* mapsafe: the last filter between page data and the map (reliability matrix
 * G01-G15). Graphviz 2.42 copies URLs into SVG attributes without escaping,
 * expands \N and \G in labels, writes ill-formed XML when a label holds a C0
 * control and fails outright on strings past 16 KiB, so text and URLs are
 * cleaned here before they reach it, and the SVG it hands back is checked
 * before anything is written. Text is decoded as UTF-8 by hand (each bad byte
 * becomes U+FFFD) because every later step counts and cuts code points; bidi
 * override and isolate controls are dropped since they can reorder a label,
 * while right-to-left text itself is kept. URLs are not parsed beyond the
 * scheme and host: the crawler has already normalised them with libcurl, and
 * this file only decides whether one may be a link and encodes whatever could
 * break out of an attribute. The SVG check uses libxml2's streaming reader
 * without network, DTD loading or entity substitution, with an error handler
 * set on the reader alone, and it rejects rather than repairs: an internal
 * DTD subset (whose entities and default attributes a browser would apply
 * but the reader does not), processing instructions, elements outside the
 * SVG namespace, script-like elements, on* attributes and hrefs that are not
 * http(s) or "#" fragments. A report's maps link to its own pages, so with
 * MAPSAFE_SVG_RELATIVE an href may also be a plain relative path to an .html
 * file: no scheme, no leading "/", no "..", nothing but [A-Za-z0-9_./-]. */
#include "blogmap/mapsafe.h"

#include <libxml/xmlreader.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAPSAFE_URL_MAX 2048
#define MAPSAFE_QUOTE_MAX 40            /* bytes of a value shown in WHY */
#define MAPSAFE_REPLACEMENT 0xFFFDu
#define MAPSAFE_DROP UINT32_MAX         /* a code point that is left out */
#define MAPSAFE_SVG_NS "http://www.w3.org/2000/svg"

static const char mapsafe_ellipsis[] = "\xe2\x80\xa6";

/* Element local names that can run script or embed another document. */
static const char *const svg_bad_elements[] = {
    "script", "foreignObject", "iframe", "object", "embed", "handler",
    "listener", NULL
};

/* State of one mapsafe_check_svg call, shared with the error handler. */
struct svg_check {
    xmlTextReaderPtr reader;
    char *why;
    size_t whylen;
    int errors;         /* parser errors reported so far */
    int error_line;     /* line of the first one, or 0 when unknown */
    int seen_root;
    int flags;          /* enum mapsafe_svg_flags */
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        abort();
    return p;
}

/* ---- text ---- */

/* Decode the code point at S (N > 0 bytes left) and store its length in
 * *LEN. Truncated sequences, stray continuation bytes, overlong forms,
 * surrogates and values past U+10FFFF give U+FFFD for one byte. */
static uint32_t utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
    static const uint32_t min[] = { 0, 0x80, 0x800, 0x10000 };
    uint32_t cp;
    size_t need, i;

    *len = 1;
    if (s[0] < 0x80)
        return s[0];
    if (s[0] < 0xc2 || s[0] > 0xf4)
        return MAPSAFE_REPLACEMENT;
    need = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : 1;
    if (need >= n)
        return MAPSAFE_REPLACEMENT;
    cp = s[0] & (0x3fu >> need);
    for (i = 1; i <= need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return MAPSAFE_REPLACEMENT;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if (cp < min[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return MAPSAFE_REPLACEMENT;
    *len = need + 1;
    return cp;
}

/* Write CP (a valid scalar value) as UTF-8 at OUT; return its length. */
static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* What CP becomes in a label: C0 and C1 controls and DEL a space, bidi
 * overrides and isolates nothing, the non-characters U+FFFE and U+FFFF
 * (not allowed in XML) U+FFFD. */
static uint32_t text_map(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
        return ' ';
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
        return MAPSAFE_DROP;
    if (cp == 0xfffe || cp == 0xffff)
        return MAPSAFE_REPLACEMENT;
    return cp;
}

/* Clean the N bytes at S into OUT, which has room for 3 * N + 1 bytes (no
 * input byte grows past three): repaired, mapped, spaces collapsed and
 * trimmed. Returns the length and stores the number of characters in
 * *CHARS. */
static size_t text_clean(const unsigned char *s, size_t n, char *out,
                         size_t *chars)
{
    size_t i = 0, o = 0, len;
    int space = 0;

    *chars = 0;
    while (i < n) {
        uint32_t cp = text_map(utf8_decode(s + i, n - i, &len));

        i += len;
        if (cp == MAPSAFE_DROP)
            continue;
        if (cp == ' ') {
            space = o > 0;
            continue;
        }
        if (space) {
            out[o++] = ' ';
            ++*chars;
            space = 0;
        }
        o += utf8_encode(cp, out + o);
        ++*chars;
    }
    out[o] = '\0';
    return o;
}

/* Bytes of the first CHARS characters of the valid UTF-8 string S (LEN
 * bytes), less a final space so the ellipsis follows the last word. */
static size_t text_cut(const char *s, size_t len, size_t chars)
{
    size_t i = 0;

    while (i < len && chars > 0) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
            i++;
        chars--;
    }
    if (i > 0 && s[i - 1] == ' ')
        i--;
    return i;
}

/* A new string: the first KEEP bytes of CLEAN with backslashes and
 * ampersands written as FLAGS ask, followed by the ellipsis when CUT. */
static char *text_finish(const char *clean, size_t keep, int cut, int flags)
{
    static const char lookalike[] = "\xe2\xa7\xb5";     /* U+29F5 REVERSE SOLIDUS OPERATOR */
    size_t i, o = 0;
    char *out = xmalloc(5 * keep + sizeof(mapsafe_ellipsis));

    for (i = 0; i < keep; i++) {
        if (clean[i] == '\\' && (flags & MAPSAFE_BACKSLASH_LOOKALIKE)) {
            memcpy(out + o, lookalike, 3);
            o += 3;
            continue;
        }
        if (clean[i] == '&' && (flags & MAPSAFE_AMP)) {
            memcpy(out + o, "&amp;", 5);
            o += 5;
            continue;
        }
        if (clean[i] == '\\' && (flags & MAPSAFE_BACKSLASH_DOUBLE))
            out[o++] = '\\';
        out[o++] = clean[i];
    }
    if (cut) {
        memcpy(out + o, mapsafe_ellipsis, sizeof(mapsafe_ellipsis) - 1);
        o += sizeof(mapsafe_ellipsis) - 1;
    }
    out[o] = '\0';
    return out;
}

char *mapsafe_text(const char *s, size_t max_chars, int flags)
{
    size_t n = s != NULL ? strlen(s) : 0;
    size_t len, chars, keep;
    char *clean, *out;
    int cut;

    if (n > (SIZE_MAX - 1) / 3)
        abort();        /* cannot be allocated anyway */
    clean = xmalloc(3 * n + 1);
    len = text_clean((const unsigned char *)(s != NULL ? s : ""), n, clean,
                     &chars);
    cut = max_chars > 0 && chars > max_chars;
    keep = cut ? text_cut(clean, len, max_chars - 1) : len;
    out = text_finish(clean, keep, cut, flags);
    free(clean);
    return out;
}

/* ---- URLs ---- */

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
           (c >= 'a' && c <= 'f');
}

/* Bytes that never appear raw in a URL we hand out. */
static int url_must_encode(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || strchr("\"'<>\\`{}|^", c) != NULL;
}

/* Length of an "http://" or "https://" prefix of S in any case, else 0. */
static size_t url_http_prefix(const char *s)
{
    if (strncasecmp(s, "http://", 7) == 0)
        return 7;
    if (strncasecmp(s, "https://", 8) == 0)
        return 8;
    return 0;
}

/* Whether the authority at AUTH (just after "//") names a host. A byte that
 * would need encoding is refused there: encoding a backslash or a space in
 * the authority would change which host a browser goes to. */
static int url_has_host(const char *auth)
{
    size_t end = strcspn(auth, "/?#"), i, host = 0;

    for (i = 0; i < end; i++) {
        if (url_must_encode((unsigned char)auth[i]))
            return 0;
        if (auth[i] == '@')
            host = i + 1;
    }
    if (host < end && auth[host] == '[')
        return end - host > 2;
    return host < end && auth[host] != ':';
}

/* The absolute http(s) URL at S with a host: the length of its scheme and
 * "://", else 0. */
static size_t url_http_absolute(const char *s)
{
    size_t skip = url_http_prefix(s);

    return skip > 0 && url_has_host(s + skip) ? skip : 0;
}

/* Write the byte at S to OUT as it goes into a link; return the bytes
 * written (at most 5). A "%" already followed by two hex digits stays. */
static size_t url_put(char *out, const unsigned char *s, int amp_entity)
{
    static const char hex[] = "0123456789ABCDEF";

    if (s[0] == '&' && amp_entity) {
        memcpy(out, "&amp;", 5);
        return 5;
    }
    if (!url_must_encode(s[0]) &&
        (s[0] != '%' || (is_hex(s[1]) && is_hex(s[2])))) {
        out[0] = (char)s[0];
        return 1;
    }
    out[0] = '%';
    out[1] = hex[s[0] >> 4];
    out[2] = hex[s[0] & 0x0f];
    return 3;
}

char *mapsafe_url(const char *url, int amp_entity)
{
    size_t n, skip, i, o;
    char *out;

    if (url == NULL)
        return NULL;
    n = strnlen(url, MAPSAFE_URL_MAX + 1);
    if (n > MAPSAFE_URL_MAX)
        return NULL;
    skip = url_http_absolute(url);
    if (skip == 0)
        return NULL;
    out = xmalloc(5 * n + 1);
    for (o = 0; o < skip; o++)
        out[o] = (char)(url[o] >= 'A' && url[o] <= 'Z' ? url[o] + 32 : url[o]);
    for (i = skip; i < n; i++)
        o += url_put(out + o, (const unsigned char *)url + i, amp_entity);
    out[o] = '\0';
    return out;
}

/* ---- SVG ---- */

static const char *str(const xmlChar *s)
{
    return (const char *)s;
}

/* VALUE as it may be shown in a message: printable ASCII only, other bytes
 * as "?", cut at MAPSAFE_QUOTE_MAX bytes with "...". OUT has room for
 * MAPSAFE_QUOTE_MAX + 4 bytes. */
static const char *why_quote(char *out, const char *value)
{
    size_t i;

    for (i = 0; value != NULL && value[i] != '\0' && i < MAPSAFE_QUOTE_MAX;
         i++)
        out[i] = value[i] >= 0x20 && value[i] < 0x7f ? value[i] : '?';
    out[i] = '\0';
    if (value != NULL && value[i] != '\0')
        memcpy(out + i, "...", 4);
    return out;
}

/* Store PRE, VALUE (quoted as above; NULL for none) and POST in the
 * caller's WHY and return -1. */
static int svg_reject(const struct svg_check *c, const char *pre,
                      const char *value, const char *post)
{
    char shown[MAPSAFE_QUOTE_MAX + 4];

    if (c->why != NULL && c->whylen > 0)
        snprintf(c->why, c->whylen, "%s%s%s", pre, why_quote(shown, value),
                 post);
    return -1;
}

/* Reader error handler: count errors and keep the first one's line. The
 * line is the parser's input position: the locator would give the line of
 * the open element instead. The message is dropped, so nothing reaches
 * stderr. */
static void svg_on_error(void *arg, const char *msg,
                         xmlParserSeverities severity,
                         xmlTextReaderLocatorPtr locator)
{
    struct svg_check *c = arg;

    (void)msg;
    (void)locator;
    if (severity != XML_PARSER_SEVERITY_ERROR &&
        severity != XML_PARSER_SEVERITY_VALIDITY_ERROR)
        return;
    if (c->errors++ == 0)
        c->error_line = xmlTextReaderGetParserLineNumber(c->reader);
}

static int svg_not_well_formed(struct svg_check *c)
{
    int line = c->error_line;

    if (line <= 0)
        line = xmlTextReaderGetParserLineNumber(c->reader);
    if (c->why != NULL && c->whylen > 0)
        snprintf(c->why, c->whylen, "not well-formed XML at line %d", line);
    return -1;
}

static int name_in(const char *name, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcasecmp(name, *list) == 0)
            return 1;
    return 0;
}

int mapsafe_relative_link_ok(const char *v)
{
    size_t n = v != NULL ? strlen(v) : 0;

    if (n <= 5 || n > MAPSAFE_URL_MAX || strcmp(v + n - 5, ".html") != 0)
        return 0;
    if (!((v[0] >= 'A' && v[0] <= 'Z') || (v[0] >= 'a' && v[0] <= 'z') ||
          (v[0] >= '0' && v[0] <= '9')))
        return 0;       /* no "/" (root or "//host"), ".", "-" or "_" first */
    if (strstr(v, "..") != NULL || strstr(v, "//") != NULL)
        return 0;
    return strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789_./-") == n;
}

/* Whether an href value may stay: a "#" fragment or an absolute http(s)
 * URL, without quotes, angle brackets, backslashes, spaces or controls;
 * with MAPSAFE_SVG_RELATIVE also a relative link to one of our pages. */
static int svg_href_ok(const char *v, int flags)
{
    if ((flags & MAPSAFE_SVG_RELATIVE) && mapsafe_relative_link_ok(v))
        return 1;
    if (v[0] != '#' && url_http_absolute(v) == 0)
        return 0;
    for (; *v != '\0'; v++) {
        unsigned char ch = (unsigned char)*v;

        if (ch <= 0x20 || ch == 0x7f || strchr("\"<>\\", ch) != NULL)
            return 0;
    }
    return 1;
}

/* Whether an animation's attributeName V targets href or an on* handler,
 * with or without a prefix and surrounding spaces. */
static int svg_animates_bad(const char *v)
{
    const char *colon;
    size_t n;

    v += strspn(v, " \t\r\n");
    colon = strchr(v, ':');
    if (colon != NULL)
        v = colon + 1;
    n = strcspn(v, " \t\r\n");
    return (n == 4 && strncasecmp(v, "href", 4) == 0) ||
           (n >= 2 && strncasecmp(v, "on", 2) == 0);
}

static int svg_check_attribute(const struct svg_check *c)
{
    const char *local = str(xmlTextReaderConstLocalName(c->reader));
    const char *name = str(xmlTextReaderConstName(c->reader));
    const char *value = str(xmlTextReaderConstValue(c->reader));

    if (local == NULL || name == NULL || value == NULL)
        return svg_reject(c, "cannot read an attribute", NULL, "");
    if (xmlTextReaderIsNamespaceDecl(c->reader) == 1)
        return 0;
    if (strncasecmp(local, "on", 2) == 0)
        return svg_reject(c, "attribute '", name, "'");
    if (strcasecmp(local, "href") == 0 && !svg_href_ok(value, c->flags))
        return svg_reject(c, "href '", value, "'");
    if (strcasecmp(local, "attributeName") == 0 && svg_animates_bad(value))
        return svg_reject(c, "animated attribute '", value, "'");
    return 0;
}

static int svg_check_attributes(const struct svg_check *c)
{
    int rc, bad = 0;

    for (rc = xmlTextReaderMoveToFirstAttribute(c->reader);
         rc == 1 && bad == 0;
         rc = xmlTextReaderMoveToNextAttribute(c->reader))
        bad = svg_check_attribute(c);
    if (bad != 0)
        return bad;
    if (rc < 0 || xmlTextReaderMoveToElement(c->reader) < 0)
        return svg_reject(c, "cannot read the attributes", NULL, "");
    return 0;
}

static int svg_check_element(struct svg_check *c)
{
    const char *local = str(xmlTextReaderConstLocalName(c->reader));
    const char *name = str(xmlTextReaderConstName(c->reader));
    const char *ns = str(xmlTextReaderConstNamespaceUri(c->reader));

    if (local == NULL || name == NULL)
        return svg_reject(c, "cannot read an element", NULL, "");
    if (!c->seen_root) {
        c->seen_root = 1;
        if (strcmp(local, "svg") != 0)
            return svg_reject(c, "root element '", name, "' is not svg");
    }
    if (name_in(local, svg_bad_elements))
        return svg_reject(c, "", name, " element");
    if (ns == NULL || strcmp(ns, MAPSAFE_SVG_NS) != 0)
        return svg_reject(c, "", name, " element outside the SVG namespace");
    return svg_check_attributes(c);
}

/* An internal subset is refused: browsers expand its entities and apply its
 * default attributes, neither of which the reader shows us. The subset is
 * complete here, since the reader has already seen the root's start tag. */
static int svg_check_doctype(const struct svg_check *c)
{
    const xmlNode *dtd = xmlTextReaderCurrentNode(c->reader);

    if (dtd != NULL && dtd->children != NULL)
        return svg_reject(c, "DOCTYPE with internal subset", NULL, "");
    return 0;
}

/* Processing instructions are refused (xml-stylesheet can pull in XSLT);
 * entity references cannot occur without an internal subset, and are
 * refused again here in case a libxml2 version reports one anyway. */
/* A map pasted into an HTML page is read as HTML, where comments end in
 * other places than in XML ("<!-->" closes at once): a comment with angle
 * brackets in it could smuggle markup past this check. Graphviz's own
 * comments hold none (its text is escaped as entities). */
static int svg_check_comment(const struct svg_check *c)
{
    const char *v = str(xmlTextReaderConstValue(c->reader));
    if (strpbrk(v, "<>") || strstr(v, "--") || v[0] == '-')
        return svg_reject(c, "comment '", v, "' (read as HTML it could end early)");
    return 0;
}

static int svg_check_node(struct svg_check *c)
{
    switch (xmlTextReaderNodeType(c->reader)) {
    case XML_READER_TYPE_ELEMENT:
        return svg_check_element(c);
    case XML_READER_TYPE_DOCUMENT_TYPE:
        return svg_check_doctype(c);
    case XML_READER_TYPE_PROCESSING_INSTRUCTION:
        return svg_reject(c, "processing instruction '",
                          str(xmlTextReaderConstName(c->reader)), "'");
    case XML_READER_TYPE_ENTITY_REFERENCE:
        return svg_reject(c, "entity reference '&",
                          str(xmlTextReaderConstName(c->reader)), ";'");
    case XML_READER_TYPE_COMMENT:
        return (c->flags & MAPSAFE_SVG_RELATIVE) ? svg_check_comment(c) : 0;
    default:
        return 0;
    }
}

static int svg_walk(struct svg_check *c)
{
    int rc;

    while ((rc = xmlTextReaderRead(c->reader)) == 1 && c->errors == 0)
        if (svg_check_node(c) != 0)
            return -1;
    if (rc < 0 || c->errors > 0)
        return svg_not_well_formed(c);
    return 0;
}

int mapsafe_check_svg(const char *svg, size_t len, char *why, size_t whylen)
{
    return mapsafe_check_svg_flags(svg, len, 0, why, whylen);
}

int mapsafe_check_svg_flags(const char *svg, size_t len, int flags, char *why,
                            size_t whylen)
{
    struct svg_check c = { NULL, why, whylen, 0, 0, 0, flags };
    int rc;

    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (svg == NULL || len == 0)
        return svg_reject(&c, "empty document", NULL, "");
    if (len > INT_MAX)
        return svg_reject(&c, "document too big", NULL, "");
    c.reader = xmlReaderForMemory(svg, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
    if (c.reader == NULL)
        return svg_reject(&c, "cannot create an XML reader", NULL, "");
    xmlTextReaderSetErrorHandler(c.reader, svg_on_error, &c);
    rc = svg_walk(&c);
    xmlFreeTextReader(c.reader);
    return rc;
}
