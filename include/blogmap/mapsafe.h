/* mapsafe: make page text and URLs safe to hand to Graphviz, and check the
 * SVG it gives back (reliability matrix G01-G15). Text: invalid UTF-8 becomes
 * U+FFFD, C0 controls and DEL become spaces, whitespace collapses, backslashes
 * double (no \N or \G expansion), and the result is cut at a character
 * boundary with an ellipsis. URLs: only absolute http(s) URLs pass; quotes,
 * angle brackets, backslash, space, controls and non-ASCII bytes are
 * percent-encoded. Returned strings are malloc'd for the caller. */
#ifndef BLOGMAP_MAPSAFE_H
#define BLOGMAP_MAPSAFE_H

#include <stddef.h>

enum mapsafe_flags {
    MAPSAFE_BACKSLASH_DOUBLE = 1,       /* "\" as "\\": Graphviz labels */
    MAPSAFE_BACKSLASH_LOOKALIKE = 2,    /* "\" as U+29F5: Graphviz 2.42 tooltips, which
                                           expand \N even when doubled */
    MAPSAFE_AMP = 4                     /* "&" as "&amp;": Graphviz decodes entities */
};

/* Clean S (NULL counts as "") and keep at most MAX_CHARS characters,
 * ending in "…" when cut; then write backslashes and ampersands as FLAGS
 * (enum mapsafe_flags, 0: as they are) ask. Never returns NULL. */
char *mapsafe_text(const char *s, size_t max_chars, int flags);

/* The URL to put in a link, or NULL when it must not be a link (not
 * http/https, no host, longer than 2048 bytes). AMP_ENTITY: write "&" as
 * "&amp;" (for Graphviz's SVG, which copies URLs unescaped). */
char *mapsafe_url(const char *url, int amp_entity);

/* Check an SVG document: well-formed XML (parsed without network or DTD),
 * no script, foreignObject, iframe, object or embed element, no attribute
 * named on*, and every href or xlink:href an http(s) URL or a "#" fragment,
 * without quotes or angle brackets. Returns 0 when safe, else -1 with the
 * reason in WHY (WHYLEN bytes). */
int mapsafe_check_svg(const char *svg, size_t len, char *why, size_t whylen);

enum mapsafe_svg_flags {
    MAPSAFE_SVG_RELATIVE = 1    /* also allow links that pass mapsafe_relative_link_ok */
};

/* mapsafe_check_svg, with FLAGS (enum mapsafe_svg_flags) widening what an
 * href may be; 0 gives mapsafe_check_svg exactly. */
int mapsafe_check_svg_flags(const char *svg, size_t len, int flags, char *why,
                            size_t whylen);

/* 1 when V is a relative link to a page of our own: [A-Za-z0-9_./-] only,
 * ending in ".html", starting with a letter or digit (so no "/", "//host"
 * or scheme), with no ".." and no "//". Else 0 (also for NULL). */
int mapsafe_relative_link_ok(const char *v);

#endif
