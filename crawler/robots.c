/* robots: parse robots.txt once per host and answer "may we fetch this path?".
 *
 * The parser is a single pass over at most ROBOTS_MAX_BYTES of untrusted
 * bytes, handled by length rather than as C strings so that NUL bytes or
 * binary junk only spoil the line they sit on. While walking the groups it
 * collects two rule sets at once: rules of groups naming our product token and
 * rules of '*' groups; at the end it keeps ours if any group named us, else
 * the '*' set, else nothing (allow all), as RFC 9309 2.2.1 asks.
 *
 * Patterns and paths are brought to one percent-encoding spelling before they
 * are compared (unreserved %XX decoded, other hex upper-cased, raw bytes
 * outside printable ASCII encoded), so "/%7Efoo" and "/~foo" are the same
 * path. Matching is a greedy wildcard scan that backtracks only to the last
 * '*', so its cost is bounded by pattern length times path length: hostile
 * patterns with many stars cannot make it explode as naive recursion would. */
#include "blogmap/robots.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROBOTS_SITEMAP_MAX 1024   /* further Sitemap: lines are ignored */

struct robots_rule {
    char *pat;        /* normalised, without the trailing '$' anchor */
    size_t len;       /* strlen(pat) */
    size_t prio;      /* octets of the normalised pattern, '$' included */
    int allow;
    int anchored;
};

struct robots_ruleset {
    struct robots_rule *v;
    size_t n, cap;
    double delay;     /* negative when no Crawl-delay was seen */
    int named;        /* a group's user-agent line selected this set */
};

struct robots {
    struct robots_ruleset rules;
    char **sitemaps;
    size_t nsitemaps, capsitemaps;
};

/* Parser state: which sets the current group feeds, and whether the previous
 * meaningful line was a user-agent line (consecutive ones share a group). */
struct robots_parser {
    struct robots *r;
    struct robots_ruleset ours, star;
    const char *agent;
    size_t agent_len;
    int in_agents;
    int cur_ours, cur_star;
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        abort();
    return q;
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

static size_t put_pct(char *out, size_t o, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";

    out[o++] = '%';
    out[o++] = hex[c >> 4];
    out[o++] = hex[c & 15];
    return o;
}

/* One percent-encoding spelling of S[0..N): see the file comment. A '%' not
 * followed by two hex digits stands for itself and becomes "%25". Returns a
 * malloc'd NUL-terminated string and its length in *OUTLEN. */
static char *norm_pct(const char *s, size_t n, size_t *outlen)
{
    char *out = xrealloc(NULL, 3 * n + 1);
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int hi = -1, lo = -1;

        if (c == '%' && i + 2 < n) {
            hi = hex_val((unsigned char)s[i + 1]);
            lo = hex_val((unsigned char)s[i + 2]);
        }
        if (hi >= 0 && lo >= 0) {
            unsigned char d = (unsigned char)(hi * 16 + lo);

            if (is_unreserved(d))
                out[o++] = (char)d;
            else
                o = put_pct(out, o, d);
            i += 2;
        } else if (c == '%' || c <= 0x20 || c >= 0x7f) {
            o = put_pct(out, o, c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

static void ruleset_release(struct robots_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->v[i].pat);
    free(rs->v);
    memset(rs, 0, sizeof(*rs));
    rs->delay = -1.0;
}

static void ruleset_add(struct robots_ruleset *rs, const struct robots_rule *rule)
{
    struct robots_rule copy = *rule;

    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 8;
        rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
    }
    copy.pat = xrealloc(NULL, rule->len + 1);
    memcpy(copy.pat, rule->pat, rule->len + 1);
    rs->v[rs->n++] = copy;
}

/* Does PAT (LEN octets, '*' any run) match a prefix of PATH, or all of it
 * when ANCHORED? On a mismatch we retry from the last '*', letting it swallow
 * one more octet; earlier stars never need revisiting, so the cost is at most
 * LEN * strlen(PATH) steps. */
static int wildcard_match(const char *pat, size_t len, int anchored,
                          const char *path)
{
    size_t p = 0, s = 0, star = 0, mark = 0;
    int have_star = 0;

    for (;;) {
        if (p == len && (!anchored || path[s] == '\0'))
            return 1;
        if (p < len && pat[p] == '*') {
            have_star = 1;
            star = ++p;
            mark = s;
        } else if (p < len && path[s] != '\0' && pat[p] == path[s]) {
            p++;
            s++;
        } else if (have_star && path[mark] != '\0') {
            p = star;
            s = ++mark;
        } else {
            return 0;
        }
    }
}

/* The verdict of the longest matching rule; allow wins a tie, no match allows. */
static int ruleset_allows(const struct robots_ruleset *rs, const char *path)
{
    const struct robots_rule *best = NULL;

    for (size_t i = 0; i < rs->n; i++) {
        const struct robots_rule *rule = &rs->v[i];

        if (best && (rule->prio < best->prio ||
                     (rule->prio == best->prio && !rule->allow)))
            continue;
        if (wildcard_match(rule->pat, rule->len, rule->anchored, path))
            best = rule;
    }
    return best ? best->allow : 1;
}

static int ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive equality of A[0..N) and B[0..N). */
static int case_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

static int word_eq(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && case_eq(s, word, n);
}

/* Length of the product token at the start of S: "BlogMap/1.0" -> 7. */
static size_t token_len(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && s[i] != '/' && !is_ws((unsigned char)s[i]))
        i++;
    return i;
}

static void on_user_agent(struct robots_parser *st, const char *val, size_t n)
{
    size_t tl = token_len(val, n);

    if (!st->in_agents) {
        st->in_agents = 1;
        st->cur_ours = 0;
        st->cur_star = 0;
    }
    if (tl == 1 && val[0] == '*') {
        st->cur_star = 1;
        st->star.named = 1;
    } else if (st->agent_len > 0 && tl == st->agent_len &&
               case_eq(val, st->agent, tl)) {
        st->cur_ours = 1;
        st->ours.named = 1;
    }
}

static void on_rule(struct robots_parser *st, const char *val, size_t n, int allow)
{
    struct robots_rule rule = { NULL, 0, 0, allow, 0 };

    st->in_agents = 0;
    if (n == 0 || (!st->cur_ours && !st->cur_star))
        return;
    if (val[n - 1] == '$') {
        rule.anchored = 1;
        n--;
    }
    rule.pat = norm_pct(val, n, &rule.len);
    if (rule.len > 0 && rule.pat[0] != '/' && rule.pat[0] != '*') {
        /* "Disallow: private" surely means "/private" */
        rule.pat = xrealloc(rule.pat, rule.len + 2);
        memmove(rule.pat + 1, rule.pat, rule.len + 1);
        rule.pat[0] = '/';
        rule.len++;
    }
    rule.prio = rule.len + (size_t)rule.anchored;
    if (st->cur_ours)
        ruleset_add(&st->ours, &rule);
    if (st->cur_star)
        ruleset_add(&st->star, &rule);
    free(rule.pat);
}

/* Crawl-delay: plain decimal seconds ("10", "0.5"); anything else, including
 * signs, exponents, hex, "nan" and "inf", is ignored. Returns -1 if invalid. */
static double parse_delay(const char *val, size_t n)
{
    char buf[32];
    char *end;
    double d;

    if (n == 0 || n >= sizeof(buf))
        return -1.0;
    memcpy(buf, val, n);
    buf[n] = '\0';
    if (strspn(buf, "0123456789.") != n)
        return -1.0;
    d = strtod(buf, &end);
    if (end != buf + n || !isfinite(d) || d < 0.0)
        return -1.0;
    return d;
}

static void on_crawl_delay(struct robots_parser *st, const char *val, size_t n)
{
    double d = parse_delay(val, n);

    st->in_agents = 0;
    if (d < 0.0)
        return;
    if (st->cur_ours && st->ours.delay < 0.0)
        st->ours.delay = d;
    if (st->cur_star && st->star.delay < 0.0)
        st->star.delay = d;
}

/* Sitemap lines belong to no group. Values with control bytes or spaces are
 * not URLs and are dropped; so are repeats and those past ROBOTS_SITEMAP_MAX,
 * which also keeps the duplicate scan bounded. */
static void on_sitemap(struct robots *r, const char *val, size_t n)
{
    char *url;

    if (n == 0 || r->nsitemaps >= ROBOTS_SITEMAP_MAX)
        return;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)val[i] <= 0x20 || (unsigned char)val[i] == 0x7f)
            return;
    for (size_t i = 0; i < r->nsitemaps; i++)
        if (strlen(r->sitemaps[i]) == n && memcmp(r->sitemaps[i], val, n) == 0)
            return;
    if (r->nsitemaps == r->capsitemaps) {
        r->capsitemaps = r->capsitemaps ? 2 * r->capsitemaps : 4;
        r->sitemaps = xrealloc(r->sitemaps, r->capsitemaps * sizeof(*r->sitemaps));
    }
    url = xrealloc(NULL, n + 1);
    memcpy(url, val, n);
    url[n] = '\0';
    r->sitemaps[r->nsitemaps++] = url;
}

/* One line without its terminator: "key : value # comment". Lines without a
 * ':' or with an unknown key are ignored and do not end a user-agent run. */
static void parse_line(struct robots_parser *st, const char *line, size_t n)
{
    const char *hash = memchr(line, '#', n);
    const char *colon, *val;
    size_t klen, vlen;

    if (hash)
        n = (size_t)(hash - line);
    while (n > 0 && is_ws((unsigned char)line[0]))
        line++, n--;
    colon = memchr(line, ':', n);
    if (!colon)
        return;
    klen = (size_t)(colon - line);
    val = colon + 1;
    vlen = n - klen - 1;
    while (klen > 0 && is_ws((unsigned char)line[klen - 1]))
        klen--;
    while (vlen > 0 && is_ws((unsigned char)val[0]))
        val++, vlen--;
    while (vlen > 0 && is_ws((unsigned char)val[vlen - 1]))
        vlen--;

    if (word_eq(line, klen, "user-agent"))
        on_user_agent(st, val, vlen);
    else if (word_eq(line, klen, "allow"))
        on_rule(st, val, vlen, 1);
    else if (word_eq(line, klen, "disallow"))
        on_rule(st, val, vlen, 0);
    else if (word_eq(line, klen, "crawl-delay"))
        on_crawl_delay(st, val, vlen);
    else if (word_eq(line, klen, "sitemap"))
        on_sitemap(st->r, val, vlen);
}

/* Split on CR, LF or CRLF. When the input was cut at ROBOTS_MAX_BYTES the
 * last, partial line is dropped: half of "Allow: /private-notes" would be
 * "Allow: /", which says more than the author did. */
static void parse_lines(struct robots_parser *st, const char *text, size_t len)
{
    size_t n = len > ROBOTS_MAX_BYTES ? ROBOTS_MAX_BYTES : len;
    size_t i = 0;

    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n) {
        size_t j = i;

        while (j < n && text[j] != '\r' && text[j] != '\n')
            j++;
        if (j == n && len > n && text[n] != '\r' && text[n] != '\n')
            break;
        parse_line(st, text + i, j - i);
        if (j + 1 < n && text[j] == '\r' && text[j + 1] == '\n')
            j++;
        i = j + 1;
    }
}

static struct robots *robots_alloc(void)
{
    struct robots *r = xrealloc(NULL, sizeof(*r));

    memset(r, 0, sizeof(*r));
    r->rules.delay = -1.0;
    return r;
}

struct robots *robots_parse(const char *text, size_t len, const char *agent)
{
    struct robots_parser st;

    memset(&st, 0, sizeof(st));
    st.r = robots_alloc();
    st.ours.delay = -1.0;
    st.star.delay = -1.0;
    st.agent = agent ? agent : "";
    st.agent_len = token_len(st.agent, strlen(st.agent));
    if (text)
        parse_lines(&st, text, len);

    if (st.ours.named) {
        st.r->rules = st.ours;
        ruleset_release(&st.star);
    } else if (st.star.named) {
        st.r->rules = st.star;
        ruleset_release(&st.ours);
    } else {
        ruleset_release(&st.ours);
        ruleset_release(&st.star);
    }
    return st.r;
}

struct robots *robots_new_allow_all(void)
{
    return robots_alloc();
}

struct robots *robots_new_disallow_all(void)
{
    struct robots *r = robots_alloc();
    char slash[] = "/";
    struct robots_rule rule = { slash, 1, 1, 0, 0 };

    ruleset_add(&r->rules, &rule);
    return r;
}

void robots_free(struct robots *r)
{
    if (!r)
        return;
    ruleset_release(&r->rules);
    for (size_t i = 0; i < r->nsitemaps; i++)
        free(r->sitemaps[i]);
    free(r->sitemaps);
    free(r);
}

int robots_allowed(const struct robots *r, const char *path)
{
    size_t n;
    char *norm;
    int ok;

    if (!path || !*path)
        path = "/";
    norm = norm_pct(path, strcspn(path, "#"), &n);
    if (strcmp(norm, "/robots.txt") == 0 || !r)
        ok = 1;
    else
        ok = ruleset_allows(&r->rules, norm);
    free(norm);
    return ok;
}

double robots_crawl_delay(const struct robots *r)
{
    return r ? r->rules.delay : -1.0;
}

size_t robots_sitemap_count(const struct robots *r)
{
    return r ? r->nsitemaps : 0;
}

const char *robots_sitemap(const struct robots *r, size_t i)
{
    return r && i < r->nsitemaps ? r->sitemaps[i] : NULL;
}
