/* topics: the user's themes, from an INI file.
 *
 * inih does the INI syntax; this file decides what the keys mean. The text
 * is fed to ini_parse_stream through a reader of our own, which counts lines
 * (so every message names FILE:LINE) and refuses lines longer than inih's
 * fixed buffer instead of letting inih split them silently. A term is a word,
 * a phrase, or a prefix ending in "*", optionally weighted with "^N"; terms
 * become quoted FTS5 strings, so no user text is ever parsed as FTS5 syntax.
 * The fingerprint (FNV-1a over the text) lets classify tell when the scores
 * it stored came from other topics. */
#include "blogmap/topics.h"
#include "topicsInt.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOPICS_FILE_MAX (1024 * 1024)
#define TOPICS_LINE_MAX 200         /* inih's INI_MAX_LINE on Debian */
#define TOPICS_MAX_THEMES 64
#define TOPICS_MAX_TERMS 1000
#define TOPICS_TERM_MAX 100

struct parser {
    struct topics *t;
    const char *text, *pos;
    int line;
    int err_line;
    char err[256];
};

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (!p)
        abort();
    return p;
}

const char *topics_default_text(void)
{
    return topics_builtin_conf;
}

static void fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    if (p->err_line)
        return;
    p->err_line = p->line ? p->line : 1;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof(p->err), fmt, ap);
    va_end(ap);
}

static int valid_name(const char *s)
{
    if (!*s || strlen(s) > 40)
        return 0;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-' && *s != '_')
            return 0;
    return 1;
}

static struct topic *theme_for(struct parser *p, const char *section)
{
    for (size_t i = 0; i < p->t->n; i++)
        if (!strcmp(p->t->v[i].name, section))
            return &p->t->v[i];
    if (!valid_name(section)) {
        fail(p, "theme name '%s' must be lower-case letters, digits, '-' or '_'", section);
        return NULL;
    }
    if (!strcmp(section, TOPICS_OTHER)) {
        fail(p, "'%s' is the theme of unclaimed posts and cannot be defined", section);
        return NULL;
    }
    if (p->t->n == TOPICS_MAX_THEMES) {
        fail(p, "too many themes (at most %d)", TOPICS_MAX_THEMES);
        return NULL;
    }
    p->t->v = xrealloc(p->t->v, (p->t->n + 1) * sizeof(*p->t->v));
    struct topic *t = &p->t->v[p->t->n++];
    memset(t, 0, sizeof(*t));
    t->name = xstrndup(section, strlen(section));
    t->weight = 1;
    t->line = p->line;
    return t;
}

/* A "[name]" line starts a theme here, so that a bad or empty section is
 * reported at its own line (inih only tells us about keys). */
static void section_line(struct parser *p, const char *line)
{
    if (*line != '[')
        return;
    const char *end = strchr(line, ']');
    if (!end) {
        fail(p, "syntax error: '[' without ']'");
        return;
    }
    const char *a = line + 1;
    while (a < end && isspace((unsigned char)*a))
        a++;
    size_t n = (size_t)(end - a);
    while (n && isspace((unsigned char)a[n - 1]))
        n--;
    char *name = xstrndup(a, n);
    if (strcmp(name, "settings") != 0)
        theme_for(p, name);
    free(name);
}

/* inih's reader: one line of TEXT per call, counted and checked. */
static char *read_line(char *buf, int size, void *stream)
{
    struct parser *p = stream;
    if (!*p->pos)
        return NULL;
    const char *nl = strchr(p->pos, '\n');
    size_t n = nl ? (size_t)(nl - p->pos) + 1 : strlen(p->pos);
    size_t text = nl ? n - 1 : n;
    if (text && p->pos[text - 1] == '\r')
        text--;
    p->line++;
    if (text > TOPICS_LINE_MAX - 4 || n + 1 > (size_t)size) {
        fail(p, "line longer than %d bytes; continue the value on indented lines",
             TOPICS_LINE_MAX - 4);
        n = 0;
    }
    memcpy(buf, p->pos, n);
    buf[n] = '\0';
    section_line(p, buf);
    p->pos += nl ? (size_t)(nl - p->pos) + 1 : strlen(p->pos);
    return buf;
}

/* A number in [LO, HI], or NAN. */
static double number(const char *s, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (end && isspace((unsigned char)*end))
        end++;
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return NAN;
    return v;
}

static int set_number(struct parser *p, double *dst, const char *value, double lo, double hi)
{
    double v = number(value, lo, hi);
    if (isnan(v)) {
        fail(p, "'%s' is not a number in range", value);
        return 0;
    }
    *dst = v;
    return 1;
}

static int on_setting(struct parser *p, const char *name, const char *value)
{
    struct topics *t = p->t;
    if (!strcmp(name, "threshold"))
        return set_number(p, &t->threshold, value, 0, 1e6);
    if (!strcmp(name, "title_weight"))
        return set_number(p, &t->w_title, value, 0, 1000);
    if (!strcmp(name, "labels_weight"))
        return set_number(p, &t->w_labels, value, 0, 1000);
    if (!strcmp(name, "body_weight"))
        return set_number(p, &t->w_body, value, 0, 1000);
    fail(p, "unknown setting '%s' (threshold, title_weight, labels_weight, body_weight)", name);
    return 0;
}

/* "#rgb" or "#rrggbb", stored as "#rrggbb" in lower case. */
static char *parse_color(const char *v)
{
    size_t n = strlen(v);
    if (v[0] != '#' || (n != 4 && n != 7))
        return NULL;
    for (size_t i = 1; i < n; i++)
        if (!isxdigit((unsigned char)v[i]))
            return NULL;
    char *c = xstrndup("#000000", 7);
    for (size_t i = 1; i < 7; i++)
        c[i] = (char)tolower((unsigned char)(n == 7 ? v[i] : v[(i + 1) / 2]));
    return c;
}

/* Letters (any non-ASCII byte counts as one), digits, spaces and a little
 * punctuation that the tokenizer treats as a separator. */
static int valid_term(const char *s)
{
    size_t n = strlen(s), words = 0;
    if (!n || n > TOPICS_TERM_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c >= 0x80)
            words++;
        else if (!strchr(" -'.&/%$+", c))
            return 0;
    }
    return words > 0;
}

/* Cut the trailing blanks of S in place; returns its new length. */
static size_t rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return n;
}

/* TERM: [ "]words[ "][*][^weight], blanks around it already cut. */
static int add_term(struct parser *p, struct topic *t, char *term)
{
    double w = 1;
    char *caret = strrchr(term, '^');
    if (caret) {
        *caret = '\0';
        if (isnan(w = number(caret + 1, 0.001, 100))) {
            fail(p, "term weight '%s' must be a number from 0.001 to 100", caret + 1);
            return 0;
        }
    }
    size_t n = rtrim(term);
    int prefix = n && term[n - 1] == '*';
    if (prefix)
        term[--n] = '\0';
    if (n >= 2 && term[0] == '"' && term[n - 1] == '"') {
        term[--n] = '\0';
        term++;
        n--;
    }
    if (!valid_term(term)) {
        fail(p, "bad term '%s': use letters, digits, spaces, a final * and ^weight", term);
        return 0;
    }
    if (t->n_terms == TOPICS_MAX_TERMS) {
        fail(p, "too many terms in theme '%s'", t->name);
        return 0;
    }
    t->terms = xrealloc(t->terms, (t->n_terms + 1) * sizeof(*t->terms));
    char *text = xrealloc(NULL, n + 2);
    snprintf(text, n + 2, "%s%s", term, prefix ? "*" : "");
    t->terms[t->n_terms++] = (struct topic_term){.text = text, .weight = w};
    return 1;
}

/* TERMS: a comma-separated list; one call per line of a multi-line value. */
static int add_terms(struct parser *p, struct topic *t, const char *value)
{
    char *copy = xstrndup(value, strlen(value)), *save = NULL;
    int ok = 1;
    for (char *tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok))
            tok++;
        if (rtrim(tok))
            ok = add_term(p, t, tok);
    }
    free(copy);
    return ok;
}

static int on_theme(struct parser *p, struct topic *t, const char *name, const char *value)
{
    if (!strcmp(name, "terms"))
        return add_terms(p, t, value);
    if (!strcmp(name, "weight"))
        return set_number(p, &t->weight, value, 0.001, 1000);
    if (!strcmp(name, "label")) {
        if (!*value || strlen(value) > 80) {
            fail(p, "label of '%s' must be 1 to 80 bytes", t->name);
            return 0;
        }
        free(t->label);
        t->label = xstrndup(value, strlen(value));
        return 1;
    }
    if (!strcmp(name, "color") || !strcmp(name, "colour")) {
        char *c = parse_color(value);
        if (!c) {
            fail(p, "colour '%s' must be #rrggbb or #rgb", value);
            return 0;
        }
        free(t->color);
        t->color = c;
        return 1;
    }
    fail(p, "unknown key '%s' (label, color, weight, terms)", name);
    return 0;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct parser *p = user;
    if (p->err_line)
        return 1;
    if (!*section) {
        fail(p, "'%s' outside a [section]", name);
        return 0;
    }
    char *trimmed = xstrndup(section + strspn(section, " \t"), strlen(section));
    rtrim(trimmed);
    int ok;
    if (!strcmp(trimmed, "settings")) {
        ok = on_setting(p, name, value);
    } else {
        struct topic *t = theme_for(p, trimmed);
        ok = t ? on_theme(p, t, name, value) : 0;
    }
    free(trimmed);
    return ok;
}

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

/* Defaults for what the file left out; every theme must have terms. */
static int finish(struct parser *p)
{
    struct topics *t = p->t;
    for (size_t i = 0; i < t->n; i++) {
        struct topic *th = &t->v[i];
        if (!th->n_terms) {
            p->line = th->line;
            fail(p, "theme '%s' has no terms", th->name);
            return TOPICS_EEMPTY;
        }
        if (!th->label)
            th->label = xstrndup(th->name, strlen(th->name));
        if (!th->color)
            th->color = xstrndup(palette[i % 10], 7);
    }
    if (!t->n) {
        p->line = 0;
        fail(p, "no themes defined");
        return TOPICS_EEMPTY;
    }
    return TOPICS_OK;
}

static char *fingerprint(const char *text)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *s = (const unsigned char *)text; *s; s++)
        h = (h ^ *s) * 1099511628211ULL;
    char *out = xrealloc(NULL, 17);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return out;
}

int topics_parse(const char *text, const char *name, struct topics **out, char **errmsg)
{
    struct topics *t = calloc(1, sizeof(*t));
    if (!t)
        abort();
    *t = (struct topics){.threshold = 1.5, .w_title = 4, .w_labels = 3, .w_body = 1};
    struct parser p = {.t = t, .text = text, .pos = text};
    int line = ini_parse_stream(read_line, &p, on_pair, &p);
    int rc = TOPICS_OK;
    if (line && (!p.err_line || line < p.err_line)) {   /* inih's error came first */
        p.err_line = 0;
        p.line = line;
        fail(&p, "syntax error: expected [section] or key = value");
    }
    if (p.err_line)
        rc = TOPICS_ESYNTAX;
    else
        rc = finish(&p);
    if (rc) {
        if (errmsg) {
            size_t n = strlen(name) + strlen(p.err) + 32;
            *errmsg = xrealloc(NULL, n);
            if (p.line)
                snprintf(*errmsg, n, "%s:%d: %s", name, p.err_line, p.err);
            else
                snprintf(*errmsg, n, "%s: %s", name, p.err);
        }
        topics_free(t);
        return rc;
    }
    t->source = xstrndup(name, strlen(name));
    t->fingerprint = fingerprint(text);
    *out = t;
    return TOPICS_OK;
}

static int read_file(const char *path, char **out, char **errmsg)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    if (!f)
        goto fail;
    buf = xrealloc(NULL, TOPICS_FILE_MAX + 1);
    n = fread(buf, 1, TOPICS_FILE_MAX + 1, f);
    if (ferror(f) || n > TOPICS_FILE_MAX || memchr(buf, '\0', n)) {
        errno = ferror(f) ? EIO : EFBIG;
        goto fail;
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    return TOPICS_OK;
fail:
    if (errmsg) {
        const char *why = errno == EFBIG ? "not a text file under 1 MiB" : strerror(errno);
        size_t len = strlen(path) + strlen(why) + 32;
        *errmsg = xrealloc(NULL, len);
        snprintf(*errmsg, len, "cannot read '%s': %s", path, why);
    }
    if (f)
        fclose(f);
    free(buf);
    return TOPICS_EREAD;
}

int topics_load(const char *path, struct topics **out, char **errmsg)
{
    if (!path)
        return topics_parse(topics_builtin_conf, "(built-in)", out, errmsg);
    char *text = NULL;
    int rc = read_file(path, &text, errmsg);
    if (!rc)
        rc = topics_parse(text, path, out, errmsg);
    free(text);
    return rc;
}

const struct topic *topics_find(const struct topics *t, const char *name)
{
    for (size_t i = 0; t && name && i < t->n; i++)
        if (!strcmp(t->v[i].name, name))
            return &t->v[i];
    return NULL;
}

const char *topics_color(const struct topics *t, const char *name)
{
    const struct topic *th = topics_find(t, name);
    return th ? th->color : TOPICS_OTHER_COLOR;
}

/* Append TERM to Q as an FTS5 string: "words" or "words" * for a prefix. */
static void append_term(char **q, size_t *len, const char *term)
{
    size_t n = strlen(term);
    int prefix = n && term[n - 1] == '*';
    size_t need = *len + n + 16;
    *q = xrealloc(*q, need);
    *len += (size_t)snprintf(*q + *len, need - *len, "%s\"%.*s\"%s", *len ? " OR " : "",
                             (int)(n - (size_t)prefix), term, prefix ? " *" : "");
}

char *topics_fts_query(const struct topic *t, double weight)
{
    char *q = NULL;
    size_t len = 0;
    for (size_t i = 0; i < t->n_terms; i++)
        if (fabs(t->terms[i].weight - weight) < 1e-9)
            append_term(&q, &len, t->terms[i].text);
    return q;
}

void topics_free(struct topics *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->v[i].n_terms; j++)
            free(t->v[i].terms[j].text);
        free(t->v[i].terms);
        free(t->v[i].name);
        free(t->v[i].label);
        free(t->v[i].color);
    }
    free(t->v);
    free(t->source);
    free(t->fingerprint);
    free(t);
}

const char *topics_strerror(int code)
{
    switch (code) {
    case TOPICS_OK: return "ok";
    case TOPICS_EREAD: return "cannot read the topics file";
    case TOPICS_ESYNTAX: return "bad topics file";
    case TOPICS_EEMPTY: return "no usable theme";
    default: return "unknown error";
    }
}
