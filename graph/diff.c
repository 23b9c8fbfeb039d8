/* diff: two crawls compared.
 *
 * The older database is opened on a connection of its own, read-only, so
 * its contents are never written (SQLite may leave its -wal and -shm files
 * beside it), and one made by an older blogmap is read as it is. Both sides are read in URL order and
 * merged like two sorted files: a post or a link on one side only is added
 * or removed. Posts are matched by URL and links by (source, target) URL
 * pairs, so ids, which differ between crawls, never matter. */
#include "blogmap/diff.h"
#include "storeInt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char posts_sql[] =
    "SELECT url, '', coalesce(title, '') FROM posts ORDER BY url";
static const char links_sql[] =
    "SELECT source, target, '' FROM edges ORDER BY source, target";

struct side {
    struct store *s;
    sqlite3_stmt *st;
    int row;                    /* a row is current */
    int failed;                 /* the error is on this side */
};

static int side_step(struct side *d)
{
    int rc = sqlite3_step(d->st);
    d->row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return STORE_OK;
    d->failed = 1;
    return store_fail(d->s, STORE_ESQL);
}

static int side_prepare(struct side *d, const char *sql)
{
    int rc = store_prepare(d->s, sql, &d->st);
    d->failed = rc != STORE_OK;
    return rc;
}

static const char *col(const struct side *d, int i)
{
    const char *v = (const char *)sqlite3_column_text(d->st, i);
    return v ? v : "";
}

/* Order of the current rows: by column 0, then column 1. */
static int compare(const struct side *a, const struct side *b)
{
    int c = strcmp(col(a, 0), col(b, 0));
    return c ? c : strcmp(col(a, 1), col(b, 1));
}

static int emit(const struct side *d, const char *change, const char *what, query_row_fn fn,
                void *ctx)
{
    static const char *const names[] = {"change", "what", "url", "target", "title"};
    const char *values[] = {change, what, col(d, 0), col(d, 1), col(d, 2)};
    return fn(ctx, 5, names, values);
}

/* Merge SQL's rows from OLD and NEW, emitting the ones on one side only. */
static int merge(struct side *old, struct side *new, const char *sql, const char *what,
                 query_row_fn fn, void *ctx)
{
    int rc = side_prepare(old, sql);
    if (!rc)
        rc = side_prepare(new, sql);
    if (!rc)
        rc = side_step(old);
    if (!rc)
        rc = side_step(new);
    while (!rc && (old->row || new->row)) {
        int c = !old->row ? 1 : !new->row ? -1 : compare(old, new);
        if (c < 0 && emit(old, "removed", what, fn, ctx))
            break;
        if (c > 0 && emit(new, "added", what, fn, ctx))
            break;
        if (c <= 0)
            rc = side_step(old);
        if (!rc && c >= 0)
            rc = side_step(new);
    }
    sqlite3_finalize(old->st);
    sqlite3_finalize(new->st);
    old->st = new->st = NULL;
    return rc;
}

int diff_crawls(struct store *s, const char *old_path, query_row_fn fn, void *ctx)
{
    static const char *const names[] = {"change", "what", "url", "target", "title"};
    struct side old = {0}, new = {.s = s};
    char *msg = NULL;
    int rc = store_open(old_path, STORE_READ, &old.s, &msg);
    if (rc) {
        snprintf(s->err, sizeof(s->err), "%.200s: %.300s", old_path,
                 msg ? msg : store_strerror(rc));
        free(msg);
        return rc;
    }
    if (fn(ctx, 5, names, NULL))
        goto out;
    rc = merge(&old, &new, posts_sql, "post", fn, ctx);
    if (!rc)
        rc = merge(&old, &new, links_sql, "link", fn, ctx);
    if (rc && old.failed)
        snprintf(s->err, sizeof(s->err), "%.200s: %.300s", old_path, old.s->err);
out:
    store_close(old.s);
    return rc;
}
