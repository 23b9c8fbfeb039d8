/* storeInt: the struct behind the opaque struct store, for graph/ files that
 * run their own SQL (queries). Never included outside graph/. */
#ifndef BLOGMAP_STORE_INT_H
#define BLOGMAP_STORE_INT_H

#include <sqlite3.h>

enum store_slot {
    SLOT_META_SET, SLOT_META_GET, SLOT_ADD, SLOT_TAKE, SLOT_MARK, SLOT_DUE, SLOT_RETRY,
    SLOT_FINISH, SLOT_LOG, SLOT_POST, SLOT_DEL_LINKS, SLOT_LINK, SLOT_DEL_TEXT, SLOT_TEXT, SLOT_DEL_ANCHORS,
    SLOT_ANCHORS, SLOT_NAV, SLOT_UNCHANGED, SLOT_LASTMOD, SLOT_DEL_NAV, SLOT_WAITING,
    SLOT_DUE_INFLIGHT, SLOT_DUE_PAGE, SLOT_DUE_RECHECK, SLOT_PAGE_ID, SLOT_NAV_ID, SLOT_SAME, SLOT_COPY, SLOT_COUNT
};

/* How long a statement waits for another connection's lock. */
#define STORE_BUSY_MS 5000

struct store {
    sqlite3 *db;
    sqlite3_stmt *st[SLOT_COUNT];   /* cached statements, finalized on close */
    int lock_fd;                    /* flock'd lock file while crawling, or -1 */
    long round;                     /* the crawl round (re-crawls), from meta */
    int legacy;                     /* an older database, opened read-only */
    int xml_first;                  /* pages wait for sitemaps and feeds */
    char err[512];
};

/* Record SQLite's message and map its error to an enum store_error. */
int store_fail(struct store *s, int code);
int store_exec(struct store *s, const char *sql);
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st);
int store_stmt(struct store *s, enum store_slot slot, const char *sql, sqlite3_stmt **st);

#endif
