/* topics: the user's themes, read from an INI file (inih): one section per
 * theme with a label, a colour and terms (words, "phrases", prefix*, tickers,
 * each with an optional ^weight), plus a [settings] section with the score
 * threshold and the title/labels/body column weights. A default set
 * (flywheel, inequality, big-tech) is built in. A struct topics is owned by
 * the caller (topics_free); every string in it belongs to it. */
#ifndef BLOGMAP_TOPICS_H
#define BLOGMAP_TOPICS_H

#include <stddef.h>

enum topics_error {
    TOPICS_OK = 0,
    TOPICS_EREAD = -1,      /* the file cannot be read */
    TOPICS_ESYNTAX = -2,    /* not INI, or a value that does not parse */
    TOPICS_EEMPTY = -3      /* no theme with at least one term */
};

#define TOPICS_OTHER "other"        /* the theme of posts no theme claims */
#define TOPICS_OTHER_COLOR "#9e9e9e"

struct topic_term {
    char *text;         /* as written, trimmed: word, phrase, or prefix* */
    double weight;      /* 1 unless "term^2.5" */
};

struct topic {
    char *name;         /* section name: lower-case [a-z0-9_-]+ */
    char *label;        /* display label (default: the name) */
    char *color;        /* "#rrggbb" */
    double weight;      /* whole-theme multiplier, default 1 */
    struct topic_term *terms;
    size_t n_terms;
    int line;           /* where its section starts in the file */
};

struct topics {
    struct topic *v;
    size_t n;
    double threshold;                   /* best score below this: "other" */
    double w_title, w_labels, w_body;   /* bm25 column weights */
    char *source;                       /* file path, or "(built-in)" */
    char *fingerprint;                  /* hex digest (FNV-1a) of the text */
};

/* The built-in topics.conf text (static, never freed). */
const char *topics_default_text(void);

/* Parse TEXT (NUL-terminated) read from NAME (used in messages). On error
 * returns a negative enum topics_error and, if ERRMSG is non-NULL, stores a
 * malloc'd "NAME:LINE: what" message in *ERRMSG. */
int topics_parse(const char *text, const char *name, struct topics **out, char **errmsg);

/* Read and parse the file PATH, or the built-in set when PATH is NULL. */
int topics_load(const char *path, struct topics **out, char **errmsg);

/* The theme named NAME, or NULL. */
const struct topic *topics_find(const struct topics *t, const char *name);

/* The colour of theme NAME ("other" and unknown names: TOPICS_OTHER_COLOR). */
const char *topics_color(const struct topics *t, const char *name);

/* An FTS5 MATCH expression ORing the terms of T whose weight equals WEIGHT,
 * or NULL when there are none; malloc'd, for the caller to free. */
char *topics_fts_query(const struct topic *t, double weight);

void topics_free(struct topics *t);

const char *topics_strerror(int code);

#endif
