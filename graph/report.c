/* report: write the static HTML report of a crawl into a directory.
 *
 * This file runs the job and keeps the index every page links through; the
 * pages are written by report_pages.c (overview, map, lists), report_themes.c
 * and report_post.c, each through the writer of report_html.c. The index is
 * the unfiltered map selection (every post, most linked first, with the
 * edges among them), sorted twice more by URL and by id so that a backlink
 * or a broken link, which the queries give as a URL, finds its post's page
 * by binary search: 2,000 posts cost one query for the index, not one per
 * link. Every file is written to NAME.tmp and renamed, so a reader never
 * sees half a page. A directory that already holds files and is not a
 * report (no .blogmap-report marker) is refused, since a report replaces
 * index.html and friends; files of posts and themes that a previous report
 * wrote and this one did not are removed, so that no page links to a post
 * that is gone. */
#include "blogmap/report.h"
#include "blogmap/classify.h"
#include "blogmap/mapsafe.h"
#include "blogmap/query.h"
#include "reportInt.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPORT_MARKER ".blogmap-report"
#define REPORT_MAP_DEFAULT 2000
#define REPORT_PATH_MAX 4096

static const char marker_text[] = "This directory holds a report written by 'blogmap report'.\n";

int report_fail(struct report_ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    if (c->err && c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* DIR/REL in OUT; -1 when it does not fit. */
static int join(const struct report_ctx *c, const char *rel, char out[REPORT_PATH_MAX])
{
    int n = snprintf(out, REPORT_PATH_MAX, "%s/%s", c->dir, rel);
    return n < 0 || n >= REPORT_PATH_MAX ? -1 : 0;
}

int report_write_file(struct report_ctx *c, const char *rel, const char *data, size_t len)
{
    char path[REPORT_PATH_MAX], tmp[REPORT_PATH_MAX + 8];
    if (join(c, rel, path) != 0)
        return report_fail(c, REPORT_EDIR, "path too long: '%.200s/%s'", c->dir, rel);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    int saved = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno;
    }
    if (ok)
        return REPORT_OK;
    unlink(tmp);
    return report_fail(c, REPORT_EDIR, "cannot write '%s': %s", path, strerror(saved));
}

/* ---- the directory ---- */

/* Make PATH, or accept it as it is: a real directory, never a symlink
 * (pages written, and stale ones removed, must stay inside the report). */
static int make_dir(struct report_ctx *c, const char *path)
{
    struct stat st;
    if (mkdir(path, 0777) == 0 ||
        (errno == EEXIST && lstat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return REPORT_OK;
    if (errno == EEXIST && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return report_fail(c, REPORT_EDIR, "'%s' is a symbolic link; blogmap writes reports"
                           " only into real directories", path);
    return report_fail(c, REPORT_EDIR, "cannot make the directory '%s': %s", path,
                       errno == EEXIST ? "a file is in the way" : strerror(errno));
}

/* 1 when DIR holds anything at all. */
static int dir_has_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int any = 0;
    if (!d)
        return 0;
    while (!any && (e = readdir(d)) != NULL)
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

static int prepare_dir(struct report_ctx *c)
{
    char path[REPORT_PATH_MAX];
    int rc = make_dir(c, c->dir);
    if (rc)
        return rc;
    if (join(c, REPORT_MARKER, path) != 0)
        return report_fail(c, REPORT_EDIR, "path too long: '%.200s'", c->dir);
    if (access(path, F_OK) != 0 && dir_has_files(c->dir))
        return report_fail(c, REPORT_EDIR, "'%s' is not empty and holds no blogmap report; "
                           "name a new or empty directory", c->dir);
    if ((rc = report_write_file(c, REPORT_MARKER, marker_text, sizeof(marker_text) - 1)))
        return rc;
    static const char *const subdirs[] = {"posts", "themes"};
    for (size_t i = 0; i < 2; i++) {
        if (join(c, subdirs[i], path) != 0)
            return report_fail(c, REPORT_EDIR, "path too long: '%.200s'", c->dir);
        if ((rc = make_dir(c, path)))
            return rc;
    }
    return REPORT_OK;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Whether NAME[0..N) could name a theme page: a theme name is lower-case
 * letters, digits, '-' and '_' (topics.c), or "other". Anything else in
 * themes/ is the user's. */
static int theme_page_name(const char *name, size_t n)
{
    if (n == 0 || n > 40)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '-' || name[i] == '_'))
            return 0;
    return 1;
}

/* Whether NAME in the subdirectory SUB is a page this run did not write:
 * posts/p<id>.html of no current post, themes/<x>.html of no theme, or a
 * temporary file left by a killed run. Other files are not ours to remove. */
static int stale(const struct report_ctx *c, const char *sub, const char *name)
{
    size_t n = strlen(name);
    char *end;
    if (n > 4 && !strcmp(name + n - 4, ".tmp"))
        return 1;
    if (n <= 5 || strcmp(name + n - 5, ".html") != 0)
        return 0;
    if (!strcmp(sub, "posts")) {
        if (name[0] != 'p' || name[1] < '0' || name[1] > '9')
            return 0;
        long id = strtol(name + 1, &end, 10);
        return end == name + n - 5 && report_find_id(c, id) < 0;
    }
    for (size_t i = 0; i < c->n_themes; i++)
        if (strlen(c->themes[i].name) == n - 5 && !strncmp(c->themes[i].name, name, n - 5))
            return 0;
    return theme_page_name(name, n - 5);   /* one a report could have written */
}

/* Whether the page at PATH was written by a report (its generator meta). */
static int written_by_us(const char *path)
{
    char head[2048];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof(head) - 1, f);
    fclose(f);
    head[n] = '\0';
    return strstr(head, "name=\"generator\" content=\"" REPORT_GENERATOR "\"") != NULL;
}

static void sweep(const struct report_ctx *c, const char *sub)
{
    char path[REPORT_PATH_MAX], file[REPORT_PATH_MAX];
    if (join(c, sub, path) != 0)
        return;
    DIR *d = opendir(path);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL)
        if (stale(c, sub, e->d_name) &&
            snprintf(file, sizeof(file), "%s/%s", path, e->d_name) < (int)sizeof(file) &&
            (has_suffix(e->d_name, ".tmp") || written_by_us(file)))
            unlink(file);
    closedir(d);
}

/* ---- the index ---- */

static int cmp_url(const void *a, const void *b, void *arg)
{
    const struct map_node *n = arg;
    return strcmp(n[*(const size_t *)a].url, n[*(const size_t *)b].url);
}

static int cmp_id(const void *a, const void *b, void *arg)
{
    const struct map_node *n = arg;
    long x = n[*(const size_t *)a].id, y = n[*(const size_t *)b].id;
    return (x > y) - (x < y);
}

long report_find_url(const struct report_ctx *c, const char *url)
{
    size_t lo = 0, hi = c->all->n_nodes;
    while (url && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(c->all->nodes[c->by_url[mid]].url, url);
        if (!d)
            return (long)c->by_url[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long report_find_id(const struct report_ctx *c, long id)
{
    size_t lo = 0, hi = c->all->n_nodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        long have = c->all->nodes[c->by_id[mid]].id;
        if (have == id)
            return (long)c->by_id[mid];
        if (have < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static void build_index(struct report_ctx *c)
{
    size_t n = c->all->n_nodes;
    c->by_url = xcalloc(n, sizeof(*c->by_url));
    c->by_id = xcalloc(n, sizeof(*c->by_id));
    c->outbound = xcalloc(n, sizeof(*c->outbound));
    for (size_t i = 0; i < n; i++)
        c->by_url[i] = c->by_id[i] = i;
    qsort_r(c->by_url, n, sizeof(*c->by_url), cmp_url, c->all->nodes);
    qsort_r(c->by_id, n, sizeof(*c->by_id), cmp_id, c->all->nodes);
    for (size_t i = 0; i < c->all->n_edges; i++)
        if (c->all->edges[i].src < n)
            c->outbound[c->all->edges[i].src]++;
}

/* ---- themes ---- */

const struct report_theme *report_theme_of(const struct report_ctx *c, const char *name)
{
    for (size_t i = 0; name && i < c->n_themes; i++)
        if (!strcmp(c->themes[i].name, name))
            return &c->themes[i];
    return &c->themes[c->n_themes - 1];
}

int report_col(int ncols, const char *const *names, const char *name)
{
    for (int i = 0; i < ncols; i++)
        if (names[i] && !strcmp(names[i], name))
            return i;
    return -1;
}

const char *report_val(const char *const *values, int col)
{
    return values && col >= 0 && values[col] ? values[col] : "";
}

static long number(const char *s)
{
    char *end;
    long v = strtol(s ? s : "", &end, 10);
    return end == s ? 0 : v;
}

/* QUERY_TOPICS row: the counts of one theme. */
static int on_topic_row(void *ctx, int ncols, const char *const *names, const char *const *values)
{
    struct report_ctx *c = ctx;
    if (!values)
        return 0;
    const char *name = report_val(values, report_col(ncols, names, "topic"));
    for (size_t i = 0; i < c->n_themes; i++) {
        struct report_theme *th = &c->themes[i];
        if (strcmp(th->name, name) != 0)
            continue;
        th->posts = number(report_val(values, report_col(ncols, names, "posts")));
        th->within = number(report_val(values, report_col(ncols, names, "links_within")));
        th->out = number(report_val(values, report_col(ncols, names, "links_out")));
        th->in = number(report_val(values, report_col(ncols, names, "links_in")));
    }
    return 0;
}

static int load_themes(struct report_ctx *c)
{
    c->n_themes = c->t->n + 1;
    c->themes = xcalloc(c->n_themes, sizeof(*c->themes));
    for (size_t i = 0; i < c->t->n; i++)
        c->themes[i] = (struct report_theme){.name = c->t->v[i].name, .label = c->t->v[i].label,
                                             .color = c->t->v[i].color};
    c->themes[c->t->n] = (struct report_theme){.name = TOPICS_OTHER, .label = "Other",
                                               .color = TOPICS_OTHER_COLOR};
    if (classify_themes(c->s, c->t) != STORE_OK || query_run(c->s, QUERY_TOPICS, on_topic_row, c))
        return report_fail(c, REPORT_ESTORE, "cannot count the themes: %s", store_errmsg(c->s));
    return REPORT_OK;
}

void report_post_path(long id, char out[REPORT_LINK_MAX])
{
    snprintf(out, REPORT_LINK_MAX, "posts/p%ld.html", id);
}

int report_theme_path(const char *name, char out[REPORT_LINK_MAX])
{
    int n = snprintf(out, REPORT_LINK_MAX, "themes/%s.html", name);
    if (n > 0 && n < REPORT_LINK_MAX && !strchr(name, '/') && mapsafe_relative_link_ok(out))
        return 0;
    out[0] = '\0';
    return -1;
}

/* ---- the run ---- */

/* The site's title: the option, else the crawl's start URL. */
static void site_title(struct report_ctx *c, const struct report_opts *o)
{
    char *start = NULL;
    if (o && o->title)
        c->title = mapsafe_text(o->title, 120, 0);
    else if (store_meta_get(c->s, "start_url", &start) == STORE_OK && start && start[0]) {
        size_t n = strlen(start) + 32;
        char *t = xcalloc(n, 1);
        snprintf(t, n, "Report on %s", start);
        c->title = mapsafe_text(t, 120, 0);
        free(t);
    } else {
        c->title = mapsafe_text("blogmap report", 0, 0);
    }
    free(start);
}

static int load(struct report_ctx *c, const struct report_opts *o)
{
    struct map_filter all = {0};
    int rc = load_themes(c);
    if (rc)
        return rc;
    if (map_select(c->s, c->t, &all, &c->all) != STORE_OK)
        return report_fail(c, REPORT_ESTORE, "cannot read the posts: %s", store_errmsg(c->s));
    build_index(c);
    site_title(c, o);
    c->map_max = o && o->map_max ? o->map_max : REPORT_MAP_DEFAULT;
    c->suggest = c->all->n_nodes <= (o && o->suggest_max ? o->suggest_max : REPORT_SUGGEST_MAX);
    return REPORT_OK;
}

static int write_all(struct report_ctx *c)
{
    int rc = report_write_file(c, "app.js", report_asset_app_js, strlen(report_asset_app_js));
    if (!rc)
        rc = report_write_file(c, "style.css", report_asset_style_css,
                               strlen(report_asset_style_css));
    if (!rc)
        rc = report_pages_map(c);
    if (!rc)
        rc = report_pages_index(c);
    if (!rc)
        rc = report_pages_lists(c);
    if (!rc)
        rc = report_pages_themes(c);
    if (!rc)
        rc = report_pages_posts(c);
    return rc;
}

int report_write(struct store *s, const struct topics *t, const char *dir,
                 const struct report_opts *o, char *err, size_t errlen)
{
    struct report_ctx c = {.s = s, .t = t, .dir = dir, .err = err, .errlen = errlen};
    int rc;
    if (err && errlen)
        err[0] = '\0';
    if (!dir || !dir[0])
        return report_fail(&c, REPORT_EDIR, "no directory given");
    if ((rc = prepare_dir(&c)) || (rc = load(&c, o)) || (rc = write_all(&c)))
        goto out;
    sweep(&c, "posts");
    sweep(&c, "themes");
out:
    map_graph_free(c.all);
    free(c.by_url);
    free(c.by_id);
    free(c.outbound);
    free(c.themes);
    free(c.title);
    return rc;
}

const char *report_strerror(int code)
{
    switch (code) {
    case REPORT_OK: return "ok";
    case REPORT_EDIR: return "cannot write the report's directory";
    case REPORT_ESTORE: return "cannot read the database";
    case REPORT_EMAP: return "cannot draw the map";
    default: return "unknown error";
    }
}
