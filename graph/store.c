/* store: the crawl database.
 *
 * One SQLite file in WAL mode with synchronous=NORMAL: commits survive a
 * killed process (matrix S01), readers never block the crawler (S03), and
 * every write transaction starts with BEGIN IMMEDIATE (S04). The pages table
 * is also the frontier; a crawl that was killed puts its inflight rows back
 * in the queue and carries on, and since every insert is idempotent a batch
 * committed without being acknowledged does no harm (S02). The connection is
 * opened defensively: SQLITE_DBCONFIG_DEFENSIVE, trusted_schema=OFF, no
 * extension loading (S08). One crawler per database is enforced with an
 * exclusive lock row, taken by a long-lived transaction on a second file
 * (S12). Edges are materialised by store_resolve() so queries stay cheap. */
#include "blogmap/store.h"
#include "storeInt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* inbound and outbound are counted by store_resolve, so that orphans and
 * hubs are an index away on a 100,000-post blog. */
#define POSTS_VIEW \
    " SELECT p.id, p.url, p.title, p.date, p.labels, p.topic," \
    "  coalesce(p.inbound, 0) AS inbound, coalesce(p.outbound, 0) AS outbound" \
    " FROM pages p WHERE p.is_post = 1 AND p.state = 'done' AND p.status = 200" \
    "  AND p.final_id = p.id"

/* Crawl rounds (re-crawls): the sitemap lastmod last seen and the one to
 * take once the page is fetched, the hash of the last body, the rounds in
 * which the page was first seen, last changed and last checked, and whether
 * it waits to be revalidated (1) or is being revalidated (2). Then a post's
 * text hash (store_find_copy). */
#define ROUND_COLUMNS \
    ", lastmod TEXT, lastmod_next TEXT, body_hash INTEGER, first_round INTEGER," \
    " changed_round INTEGER, checked_round INTEGER, recheck INTEGER NOT NULL DEFAULT 0," \
    " text_hash INTEGER"

static const char *const round_columns[][2] = {
    {"lastmod", "TEXT"}, {"lastmod_next", "TEXT"}, {"body_hash", "INTEGER"},
    {"first_round", "INTEGER"}, {"changed_round", "INTEGER"}, {"checked_round", "INTEGER"},
    {"recheck", "INTEGER NOT NULL DEFAULT 0"}, {"text_hash", "INTEGER"},
};

/* Databases made before inbound/outbound were kept (user_version < 3). */
static const char upgrade_sql[] =
    "ALTER TABLE pages ADD COLUMN inbound INTEGER;"
    "ALTER TABLE pages ADD COLUMN outbound INTEGER;"
    "DROP VIEW IF EXISTS orphans; DROP VIEW IF EXISTS posts;"
    "CREATE VIEW posts AS" POSTS_VIEW ";"
    "CREATE VIEW orphans AS SELECT url, title, date FROM posts WHERE inbound = 0;";

/* Posts crawled before the full-text index existed have no text to be
 * classified by: fetch them again on the next crawl (unconditionally). */
static const char refetch_sql[] =
    "UPDATE pages SET recheck = 1, next_at = 0, etag = NULL, last_modified = NULL,"
    " body_hash = NULL WHERE is_post = 1 AND state = 'done' AND status = 200"
    " AND id NOT IN (SELECT rowid FROM post_text);";

/* An older database opened read-only cannot be upgraded: these temporary
 * views (which take precedence) count links on the fly instead. */
static const char legacy_views_sql[] =
    "CREATE TEMP VIEW posts AS SELECT p.id, p.url, p.title, p.date, p.labels, p.topic,"
    " (SELECT count(*) FROM edge e WHERE e.dst = p.id) AS inbound,"
    " (SELECT count(*) FROM edge e WHERE e.src = p.id) AS outbound"
    " FROM pages p WHERE p.is_post = 1 AND p.state = 'done' AND p.status = 200"
    " AND p.final_id = p.id;"
    "CREATE TEMP VIEW orphans AS SELECT url, title, date FROM temp.posts WHERE inbound = 0;";

static const char counts_sql[] =
    "UPDATE pages SET inbound = (SELECT count(*) FROM edge WHERE dst = pages.id),"
    " outbound = (SELECT count(*) FROM edge WHERE src = pages.id) WHERE is_post = 1;";

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS pages("
    " id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, kind INTEGER NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL DEFAULT 'queued', depth INTEGER NOT NULL DEFAULT 0,"
    " hops INTEGER NOT NULL DEFAULT 0, tries INTEGER NOT NULL DEFAULT 0,"
    " next_at REAL NOT NULL DEFAULT 0, status INTEGER, error TEXT, redirect_to TEXT,"
    " content_type TEXT, bytes INTEGER, etag TEXT, last_modified TEXT, fetched_at REAL,"
    " is_post INTEGER NOT NULL DEFAULT 0, title TEXT, date TEXT, labels TEXT, topic TEXT,"
    " final_id INTEGER, inbound INTEGER, outbound INTEGER" ROUND_COLUMNS ");"
    "CREATE INDEX IF NOT EXISTS pages_queue ON pages(state, kind, next_at);"
    "CREATE TABLE IF NOT EXISTS links("
    " src_id INTEGER NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL,"
    " internal INTEGER NOT NULL, anchor TEXT, context TEXT, dst_id INTEGER,"
    " PRIMARY KEY(src_id, url)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS links_url ON links(url);"
    "CREATE TABLE IF NOT EXISTS edge("
    " src INTEGER NOT NULL, dst INTEGER NOT NULL, kind TEXT NOT NULL, anchor TEXT,"
    " context TEXT, PRIMARY KEY(src, dst)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS edge_dst ON edge(dst);"
    "CREATE TABLE IF NOT EXISTS fetches("
    " id INTEGER PRIMARY KEY, page_id INTEGER, url TEXT NOT NULL, at REAL NOT NULL,"
    " status INTEGER, error TEXT, redirect_to TEXT, bytes INTEGER, seconds REAL);"
    "CREATE VIEW IF NOT EXISTS posts AS" POSTS_VIEW ";"
    "CREATE VIEW IF NOT EXISTS edges AS"
    " SELECT s.url AS source, t.url AS target, e.kind, e.anchor, e.context"
    " FROM edge e JOIN pages s ON s.id = e.src JOIN pages t ON t.id = e.dst;"
    "CREATE VIEW IF NOT EXISTS orphans AS"
    " SELECT url, title, date FROM posts WHERE inbound = 0;"
    "CREATE VIEW IF NOT EXISTS broken AS"
    " SELECT s.url AS source, l.url AS href,"
    "  CASE WHEN l.dst_id IS NULL AND t.redirect_to IS NOT NULL THEN 'redirect loop'"
    "   WHEN d.status IS NOT NULL AND d.status <> 200 THEN CAST(d.status AS TEXT)"
    "   WHEN t.status IS NOT NULL AND t.status <> 200 AND t.status NOT BETWEEN 300 AND 399"
    "    THEN CAST(t.status AS TEXT)"
    "   ELSE coalesce(d.error, t.error, 'unreachable') END AS status"
    " FROM links l JOIN pages s ON s.id = l.src_id"
    " JOIN pages t ON t.url = l.url LEFT JOIN pages d ON d.id = l.dst_id"
    " WHERE l.internal = 1 AND s.is_post = 1 AND s.final_id = s.id"
    "  AND t.state IN ('done', 'failed')"
    "  AND (d.id IS NULL OR d.state <> 'done' OR d.status <> 200);"
    "CREATE VIRTUAL TABLE IF NOT EXISTS post_text USING fts5(title, labels, body,"
    " tokenize = 'porter unicode61 remove_diacritics 2');"
    "CREATE VIRTUAL TABLE IF NOT EXISTS post_anchors USING fts5(anchors,"
    " tokenize = 'porter unicode61 remove_diacritics 2');"
    "CREATE TABLE IF NOT EXISTS nav("
    " src INTEGER NOT NULL, dst INTEGER NOT NULL, PRIMARY KEY(src, dst)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS post_topics("
    " post_id INTEGER NOT NULL, topic TEXT NOT NULL, score REAL NOT NULL,"
    " PRIMARY KEY(post_id, topic)) WITHOUT ROWID;"
    "PRAGMA user_version = 3;";

static const char resolve_base_sql[] =
    "UPDATE pages SET final_id = CASE WHEN redirect_to IS NULL AND state IN ('done','failed')"
    " THEN id ELSE NULL END;";
static const char resolve_step_sql[] =
    "UPDATE pages SET final_id = (SELECT q.final_id FROM pages q WHERE q.url = pages.redirect_to)"
    " WHERE final_id IS NULL AND redirect_to IS NOT NULL"
    " AND (SELECT q.final_id FROM pages q WHERE q.url = pages.redirect_to) IS NOT NULL;";
static const char resolve_links_sql[] =
    "UPDATE links SET dst_id = (SELECT final_id FROM pages WHERE url = links.url);"
    "DELETE FROM edge;"
    "INSERT INTO edge(src, dst, kind, anchor, context)"
    " SELECT l.src_id, l.dst_id, CASE WHEN max(l.kind = 'related') THEN 'related' ELSE 'inline' END,"
    "  min(l.anchor), min(l.context)"
    " FROM links l JOIN pages s ON s.id = l.src_id JOIN pages d ON d.id = l.dst_id"
    " WHERE s.is_post = 1 AND s.final_id = s.id AND d.is_post = 1 AND d.state = 'done'"
    "  AND d.status = 200 AND d.final_id = d.id AND d.id <> s.id"
    " GROUP BY l.src_id, l.dst_id;";

static char *dupstr(const char *s)
{
    char *p = strdup(s ? s : "");
    if (!p)
        abort();
    return p;
}

int store_fail(struct store *s, int code)
{
    int ext = s->db ? sqlite3_errcode(s->db) & 0xff : SQLITE_ERROR;
    int sys = s->db ? sqlite3_system_errno(s->db) : 0;
    snprintf(s->err, sizeof(s->err), "%s", s->db ? sqlite3_errmsg(s->db) : "no database");
    if (code == STORE_ESQL) {
        /* A write refused for want of room is SQLITE_FULL only when part of
         * it went through; one refused outright is an I/O error. */
        if (ext == SQLITE_FULL || (ext == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG)))
            return STORE_EFULL;
        if (ext == SQLITE_READONLY || ext == SQLITE_CANTOPEN)
            return STORE_EREADONLY;
        if (ext == SQLITE_CORRUPT || ext == SQLITE_NOTADB)
            return STORE_ECORRUPT;
    }
    return code;
}

int store_exec(struct store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = store_fail(s, STORE_ESQL);
        if (msg)
            snprintf(s->err, sizeof(s->err), "%s", msg);
        sqlite3_free(msg);
        return rc;
    }
    return STORE_OK;
}

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return store_fail(s, STORE_ESQL);
    return STORE_OK;
}

/* Bind text (or NULL) at position I. */
static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (!v)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, v, (int)strlen(v), SQLITE_TRANSIENT);
}

/* Step a statement that returns no rows, then reset it. */
static int step_done(struct store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_fail(s, STORE_ESQL);
    return STORE_OK;
}

/* PRAGMA quick_check answers damage as rows of text, not as an error: only
 * a first row "ok" passes (matrix S08). */
static int quick_check(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "PRAGMA quick_check", &st);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    const unsigned char *v = step == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    int ok = v && !strcmp((const char *)v, "ok");
    if (!ok)
        snprintf(s->err, sizeof(s->err), "the database is damaged (%s)",
                 v ? (const char *)v : sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return ok ? STORE_OK : STORE_ECORRUPT;
}

/* A lock file beside the database, held with flock for the crawl. */
static int take_lock(struct store *s, const char *path)
{
    size_t n = strlen(path) + 8;
    char *lock = malloc(n);
    if (!lock)
        abort();
    snprintf(lock, n, "%s.lock", path);
    s->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(lock);
    if (s->lock_fd < 0) {
        snprintf(s->err, sizeof(s->err), "cannot create lock file: %s", strerror(errno));
        return STORE_EREADONLY;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(s->err, sizeof(s->err), "another blogmap crawl is using this database");
        return STORE_ELOCKED;
    }
    return STORE_OK;
}

/* Add the round columns that a database made before re-crawls lacks. */
static int add_round_columns(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT count(*) FROM pragma_table_info('pages') WHERE name = ?1",
                           &st);
    for (size_t i = 0; !rc && i < sizeof(round_columns) / sizeof(round_columns[0]); i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, round_columns[i][0], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            rc = store_fail(s, STORE_ESQL);
        } else if (sqlite3_column_int(st, 0) == 0) {
            char sql[128];
            snprintf(sql, sizeof(sql), "ALTER TABLE pages ADD COLUMN %s %s", round_columns[i][0],
                     round_columns[i][1]);
            rc = store_exec(s, sql);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* The round from meta (a database without one is in its first). */
static int load_round(struct store *s)
{
    char *v = NULL;
    int rc = store_meta_get(s, "round", &v);
    s->round = v ? strtol(v, NULL, 10) : 1;
    if (s->round < 1)
        s->round = 1;
    free(v);
    return rc;
}

/* 1 when pages has the inbound column (or does not exist yet), 0 when it
 * is an older pages table, or a negative error. */
static int has_counts(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT (SELECT count(*) FROM pragma_table_info('pages')) = 0"
                              " OR (SELECT count(*) FROM pragma_table_info('pages')"
                              " WHERE name = 'inbound') = 1", &st);
    if (rc)
        return rc;
    rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : store_fail(s, STORE_ESQL);
    sqlite3_finalize(st);
    return rc;
}

/* Bring an older database up to date, in one transaction; another process
 * may have done it first, so look again once the write lock is held. */
static int upgrade(struct store *s)
{
    int rc = store_begin(s);
    if (!rc && (rc = has_counts(s)) == 1)
        return store_commit(s);
    if (rc < 0)
        goto fail;
    if (!(rc = store_exec(s, upgrade_sql)) && !(rc = store_exec(s, counts_sql)) &&
        !(rc = store_exec(s, schema_sql)) && !(rc = add_round_columns(s)) &&
        !(rc = store_exec(s, refetch_sql)))
        return store_commit(s);
fail:
    store_rollback(s);
    return rc;
}

/* STORE_ECORRUPT unless the file already holds blogmap's pages table. */
static int check_ours(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                              " AND name IN ('pages', 'meta', 'edge')", &st);
    if (rc)
        return rc;
    int ours = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 3;
    sqlite3_finalize(st);
    if (ours)
        return STORE_OK;
    snprintf(s->err, sizeof(s->err), "not a blogmap database (run 'blogmap crawl' first)");
    return STORE_ECORRUPT;
}

static int configure(struct store *s, int flags)
{
    int on = 1, rc;
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    if (sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK)
        return store_fail(s, STORE_ESQL);
    if ((rc = store_exec(s, "PRAGMA trusted_schema = OFF; PRAGMA foreign_keys = OFF;")))
        return rc;
    /* Reading the schema finds a file that is no database at once; the full
     * quick_check, linear in the file's size, is kept for crawls. */
    if ((rc = (flags & STORE_CRAWL) ? quick_check(s)
                                    : store_exec(s, "SELECT count(*) FROM sqlite_master;")))
        return rc == STORE_ESQL ? STORE_ECORRUPT : rc;
    if (!(flags & STORE_WRITE)) {
        if ((rc = has_counts(s)) != 0)
            return rc < 0 ? rc : STORE_OK;
        s->legacy = 1;      /* read as it is: views that count links as they go */
        return store_exec(s, legacy_views_sql);
    }
    if ((flags & STORE_EXISTING) && (rc = check_ours(s)))
        return rc;
    /* journal_size_limit: a WAL that grew while a reader held it open (S05)
     * is cut back to 64 MiB once a checkpoint gets through */
    if ((rc = store_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                            " PRAGMA journal_size_limit = 67108864;")))
        return rc;
    if ((rc = has_counts(s)) < 0)
        return rc;
    if (rc == 0 && (rc = upgrade(s)))
        return rc;
    if ((rc = store_exec(s, schema_sql)) || (rc = add_round_columns(s)))
        return rc;
    if ((rc = store_exec(s, "CREATE INDEX IF NOT EXISTS pages_orphan ON pages(inbound, url)"
                            " WHERE is_post = 1;"
                            "CREATE INDEX IF NOT EXISTS pages_recheck ON pages(recheck, kind)"
                            " WHERE recheck > 0;"
                            "CREATE INDEX IF NOT EXISTS pages_take ON pages(state, kind DESC, id);"
                            "CREATE INDEX IF NOT EXISTS pages_due ON pages(state, next_at);"
                            "CREATE INDEX IF NOT EXISTS pages_rechecks ON pages(recheck, kind DESC, id)"
                            " WHERE recheck = 1;"
                            "CREATE INDEX IF NOT EXISTS pages_recheck_due ON pages(recheck, next_at)"
                            " WHERE recheck = 1;"
                            "CREATE INDEX IF NOT EXISTS pages_text_hash ON pages(text_hash)"
                            " WHERE text_hash IS NOT NULL;")))
        return rc;
    return load_round(s);
}

int store_open(const char *path, int flags, struct store **out, char **errmsg)
{
    struct store *s = calloc(1, sizeof(*s));
    struct stat st;
    int rc = STORE_OK;
    if (!s)
        abort();
    s->lock_fd = -1;
    if (!(flags & STORE_WRITE) && stat(path, &st) != 0) {
        snprintf(s->err, sizeof(s->err), "no such file");
        rc = STORE_ENOTFOUND;
        goto out;
    }
    if ((flags & STORE_CRAWL) && (rc = take_lock(s, path)))
        goto out;
    int oflags = (flags & STORE_WRITE) ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                       : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = store_fail(s, STORE_EOPEN);
        goto out;
    }
    if ((rc = configure(s, flags)))
        goto out;
    *out = s;
    return STORE_OK;
out:
    if (errmsg)
        *errmsg = dupstr(s->err);
    store_close(s);
    return rc;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < sizeof(s->st) / sizeof(s->st[0]); i++)
        sqlite3_finalize(s->st[i]);
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    free(s);
}

const char *store_errmsg(const struct store *s)
{
    return s ? s->err : "";
}

int store_begin(struct store *s)
{
    return store_exec(s, "BEGIN IMMEDIATE");
}

int store_commit(struct store *s)
{
    return store_exec(s, "COMMIT");
}

/* The integer SQL (one row, one column) answers, in *OUT. */
static int select_long(struct store *s, const char *sql, long *out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, sql, &st);
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = (long)sqlite3_column_int64(st, 0);
    else
        rc = store_fail(s, STORE_ESQL);
    sqlite3_finalize(st);
    return rc;
}

int store_page_max_id(struct store *s, long *id)
{
    return select_long(s, "SELECT coalesce(max(id), 0) FROM pages", id);
}

int store_round_pages(struct store *s, store_url_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT url FROM pages WHERE kind = 0 AND first_round = ?1"
                              " ORDER BY id", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, s->round);
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(ctx, (const char *)sqlite3_column_text(st, 0));
    if (!rc && step != SQLITE_DONE)
        rc = store_fail(s, STORE_ESQL);
    sqlite3_finalize(st);
    return rc;
}

int store_wal_trim(struct store *s, long long max_bytes, int *trimmed)
{
    const char *db = sqlite3_db_filename(s->db, "main");
    char wal[4096];
    struct stat st;
    *trimmed = 0;
    if (!db || !*db || !sqlite3_get_autocommit(s->db))
        return STORE_OK;        /* in memory, or inside a transaction */
    if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", db) >= sizeof(wal) ||
        stat(wal, &st) != 0 || st.st_size <= max_bytes)
        return STORE_OK;
    /* A reader's snapshot makes TRUNCATE wait in the busy handler: not here,
     * the crawl goes on and the next call tries again. */
    sqlite3_busy_timeout(s->db, 0);
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    if (rc == SQLITE_OK)
        *trimmed = 1;
    else if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
        return store_fail(s, STORE_ESQL);
    return STORE_OK;
}

void store_rollback(struct store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A cached prepared statement, by slot. */
int store_stmt(struct store *s, enum store_slot slot, const char *sql, sqlite3_stmt **st)
{
    if (!s->st[slot]) {
        int rc = store_prepare(s, sql, &s->st[slot]);
        if (rc)
            return rc;
    }
    *st = s->st[slot];
    return STORE_OK;
}

int store_meta_set(struct store *s, const char *key, const char *value)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_META_SET,
                        "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st);
    if (rc)
        return rc;
    bind_text(st, 1, key);
    bind_text(st, 2, value);
    return step_done(s, st);
}

int store_meta_get(struct store *s, const char *key, char **out)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_META_GET, "SELECT value FROM meta WHERE key = ?1", &st);
    if (rc)
        return rc;
    bind_text(st, 1, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        *out = v ? dupstr((const char *)v) : NULL;
    } else if (rc == SQLITE_DONE) {
        *out = NULL;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? STORE_OK : store_fail(s, STORE_ESQL);
}

int store_frontier_add(struct store *s, const char *url, int kind, int depth, int hops,
                       int *added)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_ADD,
                        "INSERT INTO pages(url, kind, depth, hops, first_round)"
                        " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(url) DO NOTHING", &st);
    if (rc)
        return rc;
    bind_text(st, 1, url);
    sqlite3_bind_int(st, 2, kind);
    sqlite3_bind_int(st, 3, depth);
    sqlite3_bind_int(st, 4, hops);
    sqlite3_bind_int64(st, 5, s->round);
    rc = step_done(s, st);
    if (!rc && added)
        *added = sqlite3_changes(s->db) > 0;
    return rc;
}

void store_job_release(struct store_job *j)
{
    free(j->url);
    free(j->etag);
    free(j->last_modified);
    memset(j, 0, sizeof(*j));
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    return v ? dupstr((const char *)v) : NULL;
}

/* A job from a row of: id, url, kind, depth, hops, tries, etag,
 * last_modified, recheck, body_hash. */
static void job_from_row(sqlite3_stmt *st, struct store_job *j)
{
    j->id = sqlite3_column_int64(st, 0);
    j->url = col_dup(st, 1);
    j->kind = sqlite3_column_int(st, 2);
    j->depth = sqlite3_column_int(st, 3);
    j->hops = sqlite3_column_int(st, 4);
    j->tries = sqlite3_column_int(st, 5);
    j->etag = col_dup(st, 6);
    j->last_modified = col_dup(st, 7);
    j->recheck = sqlite3_column_int(st, 8) != 0;
    j->has_hash = sqlite3_column_type(st, 9) != SQLITE_NULL;
    j->body_hash = (unsigned long long)sqlite3_column_int64(st, 9);
}

/* Which queued rows may be taken now (?3: pages wait for sitemaps and feeds
 * too). A post waiting to be revalidated always waits until every sitemap
 * and feed is read, since their lastmod dates may spare it the request; with
 * xml_first every page does, since a feed may carry it whole. */
#define TAKE_COLUMNS \
    "id, url, kind, depth, hops, tries, etag, last_modified, recheck, body_hash"

#define XML_GATE \
    "(kind > 0 OR (recheck <> 1 AND ?3 = 0) OR NOT EXISTS (SELECT 1 FROM pages q" \
    " WHERE q.kind > 0 AND q.state IN ('queued', 'inflight')))"

void store_frontier_xml_first(struct store *s, int on)
{
    s->xml_first = on != 0;
}

int store_page_waiting(struct store *s, const char *url, struct store_job *job, int *waiting)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_WAITING,
                        "SELECT id, url, kind, depth, hops, tries, etag, last_modified,"
                        " recheck, body_hash FROM pages WHERE url = ?1"
                        " AND (state = 'queued' OR recheck = 1)", &st);
    if (rc)
        return rc;
    bind_text(st, 1, url);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        job_from_row(st, job);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, STORE_ESQL);
    *waiting = rc == SQLITE_ROW;
    return STORE_OK;
}

int store_frontier_take(struct store *s, double now, int max, struct store_job *jobs, int *n)
{
    sqlite3_stmt *st, *mark;
    /* Two index walks (pages_take, pages_rechecks) in the order wanted,
     * merged; an OR across them, or next_at's index (hence "+next_at"),
     * would sort every waiting row on every call. */
    int rc = store_stmt(s, SLOT_TAKE,
                        "SELECT * FROM (SELECT * FROM (SELECT " TAKE_COLUMNS " FROM pages"
                        "  WHERE state = 'queued' AND +next_at <= ?1 AND " XML_GATE
                        "  ORDER BY kind DESC, id LIMIT ?2)"
                        " UNION ALL SELECT * FROM (SELECT " TAKE_COLUMNS " FROM pages"
                        "  WHERE recheck = 1 AND +next_at <= ?1 AND " XML_GATE
                        "  ORDER BY kind DESC, id LIMIT ?2))"
                        " ORDER BY kind DESC, id LIMIT ?2", &st);
    if (!rc)
        rc = store_stmt(s, SLOT_MARK, "UPDATE pages SET state = CASE WHEN recheck = 1 THEN state"
                        " ELSE 'inflight' END, recheck = CASE WHEN recheck = 1 THEN 2 ELSE 0 END"
                        " WHERE id = ?1", &mark);
    if (rc)
        return rc;
    int k = 0;
    sqlite3_bind_double(st, 1, now);
    sqlite3_bind_int(st, 2, max);
    sqlite3_bind_int(st, 3, s->xml_first);
    while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        job_from_row(st, &jobs[k++]);
    sqlite3_reset(st);
    for (int i = 0; i < k && rc != SQLITE_ERROR; i++) {
        sqlite3_bind_int64(mark, 1, jobs[i].id);
        if ((rc = step_done(s, mark)))
            break;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW && rc != STORE_OK) {
        for (int i = 0; i < k; i++)
            store_job_release(&jobs[i]);
        return store_fail(s, STORE_ESQL);
    }
    *n = k;
    return STORE_OK;
}

/* The first next_at of SQL's rows, if any; the statement is cached in
 * SLOT, since this runs on every turn of the crawl loop. */
static int first_due(struct store *s, enum store_slot slot, const char *sql, double *when,
                     int *found)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s, slot, sql, &st);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    *found = step == SQLITE_ROW;
    if (*found)
        *when = sqlite3_column_double(st, 0);
    else if (step != SQLITE_DONE)
        rc = store_fail(s, STORE_ESQL);
    sqlite3_reset(st);
    return rc;
}

/* Earliest due job, by indexed lookups only: sitemaps and feeds first;
 * while one is queued or in flight, rechecks (and, feed first, pages) wait,
 * as store_frontier_take's gate says. */
int store_frontier_next_due(struct store *s, double *when, int *any)
{
    double t[3] = {0, 0, 0};
    int f[3] = {0, 0, 0}, inflight = 0;
    int rc = first_due(s, SLOT_DUE, "SELECT next_at FROM pages WHERE state = 'queued'"
                       " AND kind > 0 ORDER BY next_at LIMIT 1", &t[0], &f[0]);
    double dummy;
    if (!rc)
        rc = first_due(s, SLOT_DUE_INFLIGHT,
                       "SELECT 0 FROM pages WHERE state = 'inflight' AND kind > 0 LIMIT 1",
                       &dummy, &inflight);
    int xml_pending = f[0] || inflight;
    if (!rc && !(s->xml_first && xml_pending))
        rc = first_due(s, SLOT_DUE_PAGE,
                       "SELECT next_at FROM pages WHERE state = 'queued' AND kind = 0"
                       " ORDER BY next_at LIMIT 1", &t[1], &f[1]);
    if (!rc && !xml_pending)
        rc = first_due(s, SLOT_DUE_RECHECK, "SELECT next_at FROM pages WHERE recheck = 1"
                       " ORDER BY next_at LIMIT 1", &t[2], &f[2]);
    if (rc)
        return rc;
    *any = 0;
    for (int i = 0; i < 3; i++)
        if (f[i] && (!*any || t[i] < *when)) {
            *when = t[i];
            *any = 1;
        }
    return STORE_OK;
}

int store_frontier_requeue(struct store *s)
{
    return store_exec(s, "UPDATE pages SET state = 'queued' WHERE state = 'inflight';"
                         "UPDATE pages SET recheck = 1 WHERE recheck = 2;");
}

int store_frontier_retry(struct store *s, long id, double next_at, long status, const char *error)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_RETRY,
                        "UPDATE pages SET tries = tries + 1, next_at = ?2, error = ?4,"
                        " state = CASE WHEN recheck > 0 THEN state ELSE 'queued' END,"
                        " status = CASE WHEN recheck > 0 THEN status ELSE ?3 END,"
                        " recheck = CASE WHEN recheck > 0 THEN 1 ELSE 0 END WHERE id = ?1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, next_at);
    sqlite3_bind_int64(st, 3, status);
    bind_text(st, 4, error);
    return step_done(s, st);
}

static int set_text(struct store *s, long id, const struct store_post *p);

/* A page that no longer answers with content loses its body links and its
 * text (its post facts stay, for 'removed' counts and broken links). */
static int forget_content(struct store *s, long id)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "DELETE FROM links WHERE src_id = ?1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = step_done(s, st);
    sqlite3_finalize(st);
    struct store_post none = {.is_post = 0};
    return rc ? rc : set_text(s, id, &none);
}

int store_page_finish(struct store *s, long id, const struct store_outcome *o)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_FINISH,
                        "UPDATE pages SET error = ?4, fetched_at = julianday('now'),"
                        " tries = tries + 1, checked_round = ?10,"
                        " state = CASE WHEN recheck > 0 AND ?2 = 'failed' THEN state ELSE ?2 END,"
                        " status = CASE WHEN recheck > 0 AND ?2 = 'failed' THEN status ELSE ?3 END,"
                        " redirect_to = CASE WHEN recheck > 0 AND ?2 = 'failed' THEN redirect_to"
                        "  ELSE ?5 END,"
                        " content_type = coalesce(?6, content_type), etag = ?7, last_modified = ?8,"
                        " bytes = ?9, body_hash = CASE WHEN ?3 = 200 THEN ?11 ELSE body_hash END,"
                        " changed_round = CASE WHEN ?3 = 200 AND body_hash IS NOT ?11 THEN ?10"
                        "  ELSE changed_round END,"
                        " lastmod = CASE WHEN ?2 = 'done' THEN coalesce(lastmod_next, lastmod)"
                        "  ELSE lastmod END, lastmod_next = NULL, recheck = 0 WHERE id = ?1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, o->state);
    sqlite3_bind_int64(st, 3, o->status);
    bind_text(st, 4, o->error);
    bind_text(st, 5, o->redirect_to);
    bind_text(st, 6, o->content_type);
    bind_text(st, 7, o->etag);
    bind_text(st, 8, o->last_modified);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)o->bytes);
    sqlite3_bind_int64(st, 10, s->round);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)o->body_hash);
    if ((rc = step_done(s, st)) || o->status == 200 || o->status == 304 ||
        strcmp(o->state, "done") != 0)
        return rc;
    return forget_content(s, id);     /* gone (404), or moved: its old links go too */
}

int store_page_unchanged(struct store *s, long id)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_UNCHANGED,
                        "UPDATE pages SET state = 'done', recheck = 0, error = NULL,"
                        " fetched_at = julianday('now'), tries = tries + 1, checked_round = ?2,"
                        " lastmod = coalesce(lastmod_next, lastmod), lastmod_next = NULL"
                        " WHERE id = ?1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, s->round);
    return step_done(s, st);
}

int store_sitemap_lastmod(struct store *s, const char *url, const char *lastmod)
{
    sqlite3_stmt *st;
    if (!lastmod || !*lastmod)
        return STORE_OK;
    int rc = store_stmt(s, SLOT_LASTMOD,
                        "UPDATE pages SET"
                        " checked_round = CASE WHEN recheck = 1 AND lastmod = ?2 THEN ?3"
                        "  ELSE checked_round END,"
                        " lastmod_next = CASE WHEN lastmod IS ?2 THEN NULL ELSE ?2 END,"
                        " recheck = CASE WHEN recheck = 1 AND lastmod = ?2 THEN 0 ELSE recheck END"
                        " WHERE url = ?1", &st);
    if (rc)
        return rc;
    bind_text(st, 1, url);
    bind_text(st, 2, lastmod);
    sqlite3_bind_int64(st, 3, s->round);
    return step_done(s, st);
}

/* Whether nothing is queued or being revalidated, and pages exist. */
static int round_over(struct store *s, int *over)
{
    long v = 0;
    int rc = select_long(s, "SELECT EXISTS (SELECT 1 FROM pages) AND NOT EXISTS (SELECT 1"
                            " FROM pages WHERE state IN ('queued', 'inflight') OR recheck > 0)",
                         &v);
    *over = (int)v;
    return rc;
}

static const char new_round_sql[] =
    "UPDATE pages SET recheck = 1, tries = 0, next_at = 0"
    " WHERE state = 'done' AND is_post = 1 AND status = 200 AND kind = 0;"
    "UPDATE pages SET state = 'queued', tries = 0, next_at = 0"
    " WHERE state IN ('done', 'failed') AND recheck = 0;";

int store_round_begin(struct store *s, long *round, int *fresh)
{
    char num[32];
    int over = 0, rc = store_begin(s);
    if (!rc)
        rc = round_over(s, &over);
    if (!rc && over) {
        snprintf(num, sizeof(num), "%ld", s->round + 1);
        if (!(rc = store_exec(s, new_round_sql)) && !(rc = store_meta_set(s, "round", num)))
            s->round++;
    }
    if (rc) {
        store_rollback(s);
        return rc;
    }
    *round = s->round;
    *fresh = over;
    return store_commit(s);
}

int store_log_fetch(struct store *s, long page_id, const char *url, double at, long status,
                    const char *error, const char *redirect_to, size_t bytes, double seconds)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_LOG,
                        "INSERT INTO fetches(page_id, url, at, status, error, redirect_to,"
                        " bytes, seconds) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, page_id);
    bind_text(st, 2, url);
    sqlite3_bind_double(st, 3, at);
    sqlite3_bind_int64(st, 4, status);
    bind_text(st, 5, error);
    bind_text(st, 6, redirect_to);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)bytes);
    sqlite3_bind_double(st, 8, seconds);
    return step_done(s, st);
}

/* Replace the post's rows in the full-text tables (rowid = pages.id): its
 * own words in post_text, the anchor text of its links, which describes
 * other posts and so must not sway its theme, apart in post_anchors. */
static int set_text(struct store *s, long id, const struct store_post *p)
{
    sqlite3_stmt *del, *ins, *del_a, *ins_a;
    int rc = store_stmt(s, SLOT_DEL_TEXT, "DELETE FROM post_text WHERE rowid = ?1", &del);
    if (!rc)
        rc = store_stmt(s, SLOT_TEXT, "INSERT INTO post_text(rowid, title, labels, body)"
                        " VALUES(?1, ?2, ?3, ?4)", &ins);
    if (!rc)
        rc = store_stmt(s, SLOT_DEL_ANCHORS, "DELETE FROM post_anchors WHERE rowid = ?1", &del_a);
    if (!rc)
        rc = store_stmt(s, SLOT_ANCHORS, "INSERT INTO post_anchors(rowid, anchors)"
                        " VALUES(?1, ?2)", &ins_a);
    if (rc)
        return rc;
    sqlite3_bind_int64(del, 1, id);
    sqlite3_bind_int64(del_a, 1, id);
    if ((rc = step_done(s, del)) || (rc = step_done(s, del_a)) || !p->is_post)
        return rc;
    sqlite3_bind_int64(ins, 1, id);
    bind_text(ins, 2, p->title);
    bind_text(ins, 3, p->labels);
    bind_text(ins, 4, p->text);
    if ((rc = step_done(s, ins)))
        return rc;
    sqlite3_bind_int64(ins_a, 1, id);
    bind_text(ins_a, 2, p->anchors);
    return step_done(s, ins_a);
}

int store_page_set_post(struct store *s, long id, const struct store_post *p)
{
    sqlite3_stmt *st, *del;
    int rc = store_stmt(s, SLOT_POST,
                        "UPDATE pages SET is_post = ?2, title = ?3, date = ?4, labels = ?5,"
                        " changed_round = ?6, text_hash = ?7,"
                        " inbound = CASE WHEN ?2 THEN coalesce(inbound, 0) ELSE inbound END,"
                        " outbound = CASE WHEN ?2 THEN coalesce(outbound, 0) ELSE outbound END"
                        " WHERE id = ?1", &st);
    if (!rc)
        rc = store_stmt(s, SLOT_DEL_LINKS, "DELETE FROM links WHERE src_id = ?1", &del);
    sqlite3_stmt *del_nav = NULL;
    if (!rc)
        rc = store_stmt(s, SLOT_DEL_NAV, "DELETE FROM nav WHERE src = ?1", &del_nav);
    if (rc)
        return rc;
    sqlite3_bind_int64(del_nav, 1, id);
    if ((rc = step_done(s, del_nav)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, p->is_post);
    bind_text(st, 3, p->title);
    bind_text(st, 4, p->date);
    bind_text(st, 5, p->labels);
    sqlite3_bind_int64(st, 6, s->round);
    if (p->is_post && p->text_hash)
        sqlite3_bind_int64(st, 7, (sqlite3_int64)p->text_hash);
    else
        sqlite3_bind_null(st, 7);
    if ((rc = step_done(s, st)))
        return rc;
    sqlite3_bind_int64(del, 1, id);
    if ((rc = step_done(s, del)))
        return rc;
    return set_text(s, id, p);
}

int store_find_copy(struct store *s, long id, unsigned long long text_hash, const char *title,
                    const char *text, char **url)
{
    sqlite3_stmt *st;
    *url = NULL;
    int rc = store_stmt(s, SLOT_COPY,
                        /* the index on the hash, never a scan of the done pages */
                        "SELECT p.url FROM pages p INDEXED BY pages_text_hash"
                        " JOIN post_text t ON t.rowid = p.id"
                        " WHERE p.text_hash = ?1 AND p.id <> ?2 AND p.is_post = 1"
                        "  AND p.state = 'done' AND p.redirect_to IS NULL"
                        "  AND t.title IS ?3 AND t.body = ?4 ORDER BY p.id LIMIT 1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)text_hash);
    sqlite3_bind_int64(st, 2, id);
    bind_text(st, 3, title);
    bind_text(st, 4, text);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *u = (const char *)sqlite3_column_text(st, 0);
        if (u && !(*url = strdup(u)))
            abort();    /* out of memory, as elsewhere in the store */
    } else if (step != SQLITE_DONE) {
        rc = store_fail(s, STORE_ESQL);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int store_add_nav(struct store *s, long src_id, const char *url)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_NAV, "INSERT OR IGNORE INTO nav(src, dst)"
                        " SELECT ?1, id FROM pages WHERE url = ?2", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, src_id);
    bind_text(st, 2, url);
    return step_done(s, st);
}

int store_add_nav_id(struct store *s, long src_id, long dst_id)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_NAV_ID, "INSERT OR IGNORE INTO nav(src, dst) VALUES(?1, ?2)", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, src_id);
    sqlite3_bind_int64(st, 2, dst_id);
    return step_done(s, st);
}

int store_page_same(struct store *s, long id, const struct store_outcome *o, int *same)
{
    sqlite3_stmt *st;
    /* not the state: a page taken from the queue reads 'inflight' */
    int rc = store_stmt(s, SLOT_SAME, "SELECT fetched_at IS NOT NULL AND status IS ?3"
                        " AND redirect_to IS ?4 FROM pages WHERE id = ?1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 3, o->status);
    bind_text(st, 4, o->redirect_to);
    *same = 0;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *same = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_fail(s, STORE_ESQL);
}

int store_page_id(struct store *s, const char *url, long *id)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_PAGE_ID, "SELECT id FROM pages WHERE url = ?1", &st);
    if (rc)
        return rc;
    bind_text(st, 1, url);
    *id = 0;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : store_fail(s, STORE_ESQL);
}

int store_add_link(struct store *s, long src_id, const char *url, int related, int internal,
                   const char *anchor, const char *context)
{
    sqlite3_stmt *st;
    int rc = store_stmt(s, SLOT_LINK,
                        "INSERT INTO links(src_id, url, kind, internal, anchor, context)"
                        " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(src_id, url) DO UPDATE"
                        " SET kind = CASE WHEN excluded.kind = 'related' THEN 'related'"
                        " ELSE links.kind END", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, src_id);
    bind_text(st, 2, url);
    bind_text(st, 3, related ? "related" : "inline");
    sqlite3_bind_int(st, 4, internal);
    bind_text(st, 5, anchor);
    bind_text(st, 6, context);
    return step_done(s, st);
}

int store_resolve(struct store *s)
{
    int rc = store_begin(s);
    if (rc)
        return rc;
    if ((rc = store_exec(s, resolve_base_sql)))
        goto fail;
    for (int i = 0; i < 16; i++) {
        if ((rc = store_exec(s, resolve_step_sql)))
            goto fail;
        if (sqlite3_changes(s->db) == 0)
            break;
    }
    if ((rc = store_exec(s, resolve_links_sql)) || (rc = store_exec(s, counts_sql)))
        goto fail;
    return store_commit(s);
fail:
    store_rollback(s);
    return rc;
}

int store_check(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "PRAGMA integrity_check", &st);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    const unsigned char *v = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    int ok = v && !strcmp((const char *)v, "ok");
    if (!ok)
        snprintf(s->err, sizeof(s->err), "integrity check: %s", v ? (const char *)v : "failed");
    sqlite3_finalize(st);
    return ok ? STORE_OK : STORE_ECORRUPT;
}

const char *store_strerror(int code)
{
    switch (code) {
    case STORE_OK: return "ok";
    case STORE_EOPEN: return "cannot open database";
    case STORE_ESQL: return "database error";
    case STORE_ELOCKED: return "database in use by another crawl";
    case STORE_EFULL: return "disk or database full";
    case STORE_ECORRUPT: return "not a valid blogmap database";
    case STORE_EREADONLY: return "database is read-only";
    case STORE_ENOTFOUND: return "no such database";
    default: return "database error";
    }
}
