/* Unit tests for two store calls of issue 6 against a real SQLite file in a
 * temporary directory: store_find_copy (matrix T20: the same post under a
 * second URL is found by its text hash and confirmed on its stored title
 * and text, so neither a hash collision nor a stub, nor the page itself,
 * nor a page already folded into another counts) and store_wal_trim (S05:
 * a WAL over the limit is checkpointed and truncated, one under it is left
 * alone, and a reader holding an old snapshot makes it wait for a later
 * call instead of blocking). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blogmap/store.h"

#define BASE "http://b.test/"
#define TEXT "A long enough body of text about toll roads, copper mines and the slow work of capital."

struct fixture {
    char dir[64];
    char path[96];
    struct store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/blogmap-store-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    assert_int_equal(store_open(f->path, STORE_WRITE, &f->s, NULL), STORE_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char p[128];
    store_close(f->s);
    static const char *const ext[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, ext[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Queue BASE PATH, take it, store it as done: a post with TITLE, BODY and
 * HASH when IS_POST, with REDIRECT (a URL) when given. Returns its id. */
static long add_page(struct store *s, const char *path, int is_post, const char *title,
                     const char *body, unsigned long long hash, const char *redirect)
{
    char url[128];
    struct store_job job = {0};
    int n = 0;
    snprintf(url, sizeof(url), BASE "%s", path);
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_frontier_add(s, url, STORE_PAGE, 0, 0, NULL), STORE_OK);
    assert_int_equal(store_frontier_take(s, 1e12, 1, &job, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(job.url, url);
    struct store_post p = {.title = title, .text = body, .is_post = is_post, .text_hash = hash};
    assert_int_equal(store_page_set_post(s, job.id, &p), STORE_OK);
    struct store_outcome o = {.state = "done", .status = 200, .redirect_to = redirect};
    assert_int_equal(store_page_finish(s, job.id, &o), STORE_OK);
    assert_int_equal(store_commit(s), STORE_OK);
    long id = job.id;
    store_job_release(&job);
    return id;
}

static void assert_copy(struct store *s, long id, unsigned long long hash, const char *title,
                        const char *text, const char *want)
{
    char *url = (char *)1;
    assert_int_equal(store_find_copy(s, id, hash, title, text, &url), STORE_OK);
    if (want) {
        assert_non_null(url);
        assert_string_equal(url, want);
    } else {
        assert_null(url);
    }
    free(url);
}

static void test_t20_copy_found_by_hash_and_text(void **state)
{
    struct fixture *f = *state;
    long a = add_page(f->s, "a.html", 1, "Toll roads", TEXT, 42, NULL);
    long b = add_page(f->s, "b.html", 1, "Toll roads", TEXT, 42, NULL);
    /* the second page finds the first, and the first finds the second */
    assert_copy(f->s, b, 42, "Toll roads", TEXT, BASE "a.html");
    assert_copy(f->s, a, 42, "Toll roads", TEXT, BASE "b.html");
    /* a page never matches itself: a third URL finds the lowest id */
    assert_copy(f->s, 999, 42, "Toll roads", TEXT, BASE "a.html");
}

static void test_t20_collision_and_differences_refused(void **state)
{
    struct fixture *f = *state;
    long a = add_page(f->s, "a.html", 1, "Toll roads", TEXT, 42, NULL);
    /* same hash, other text or title: a collision, not a copy */
    assert_copy(f->s, a + 1, 42, "Toll roads", TEXT " More.", NULL);
    assert_copy(f->s, a + 1, 42, "Toll Roads", TEXT, NULL);
    assert_copy(f->s, a + 1, 42, NULL, TEXT, NULL);
    /* same text, another hash: not looked at */
    assert_copy(f->s, a + 1, 43, "Toll roads", TEXT, NULL);
    /* only this page has the text: nothing */
    assert_copy(f->s, a, 42, "Toll roads", TEXT, NULL);
}

static void test_t20_only_done_unfolded_posts(void **state)
{
    struct fixture *f = *state;
    /* a page that is no post, and a post already folded into another
     * (redirect or canonical), are no originals */
    add_page(f->s, "listing.html", 0, "Toll roads", TEXT, 42, NULL);
    long moved = add_page(f->s, "moved.html", 1, "Toll roads", TEXT, 42, BASE "elsewhere.html");
    assert_copy(f->s, moved + 1, 42, "Toll roads", TEXT, NULL);
    /* a post queued and not yet stored is none either */
    struct store_job job = {0};
    int n = 0;
    assert_int_equal(store_frontier_add(f->s, BASE "queued.html", STORE_PAGE, 0, 0, NULL),
                     STORE_OK);
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(store_frontier_take(f->s, 1e12, 1, &job, &n), STORE_OK);
    assert_int_equal(n, 1);
    struct store_post p = {.title = "Toll roads", .text = TEXT, .is_post = 1, .text_hash = 42};
    assert_int_equal(store_page_set_post(f->s, job.id, &p), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);
    assert_copy(f->s, job.id + 1, 42, "Toll roads", TEXT, NULL);
    store_job_release(&job);
}

static long long wal_size(const struct fixture *f)
{
    char p[128];
    struct stat st;
    snprintf(p, sizeof(p), "%s-wal", f->path);
    return stat(p, &st) == 0 ? (long long)st.st_size : -1;
}

/* Store COUNT posts of 4 KiB of text, one transaction each. */
static void write_posts(struct fixture *f, const char *prefix, size_t count)
{
    char path[64], body[4096];
    memset(body, 'x', sizeof(body) - 1);
    body[sizeof(body) - 1] = '\0';
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof(path), "%s-%zu.html", prefix, i);
        add_page(f->s, path, 1, path, body, 0, NULL);
    }
}

static void test_s05_wal_trimmed_past_limit(void **state)
{
    struct fixture *f = *state;
    int trimmed = -1;
    write_posts(f, "p", 64);
    long long before = wal_size(f);
    assert_true(before > 64 * 1024);
    /* under the limit: left alone */
    assert_int_equal(store_wal_trim(f->s, before, &trimmed), STORE_OK);
    assert_int_equal(trimmed, 0);
    assert_int_equal(wal_size(f), before);
    /* over it: checkpointed and cut to nothing, and the data is there */
    assert_int_equal(store_wal_trim(f->s, 1024, &trimmed), STORE_OK);
    assert_int_equal(trimmed, 1);
    assert_int_equal(wal_size(f), 0);
    /* every post is in the database file itself, as another connection sees */
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM pages WHERE is_post = 1", -1,
                                        &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 64);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_s05_reader_makes_it_wait(void **state)
{
    struct fixture *f = *state;
    sqlite3 *reader = NULL;
    int trimmed = -1;
    write_posts(f, "p", 8);
    assert_int_equal(sqlite3_open_v2(f->path, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM pages;", NULL, NULL, NULL),
                     SQLITE_OK);
    write_posts(f, "q", 64);               /* past the reader's snapshot */
    long long held = wal_size(f);
    assert_true(held > 64 * 1024);
    /* the reader is in the way: no wait, no error, nothing cut */
    assert_int_equal(store_wal_trim(f->s, 1024, &trimmed), STORE_OK);
    assert_int_equal(trimmed, 0);
    assert_true(wal_size(f) >= held);
    /* the reader ends: the next call cuts it */
    assert_int_equal(sqlite3_exec(reader, "COMMIT;", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(reader), SQLITE_OK);
    assert_int_equal(store_wal_trim(f->s, 1024, &trimmed), STORE_OK);
    assert_int_equal(trimmed, 1);
    assert_int_equal(wal_size(f), 0);
}

static void test_s05_not_inside_a_transaction(void **state)
{
    struct fixture *f = *state;
    int trimmed = -1;
    write_posts(f, "p", 16);
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(store_wal_trim(f->s, 0, &trimmed), STORE_OK);
    assert_int_equal(trimmed, 0);
    assert_true(wal_size(f) > 0);
    assert_int_equal(store_commit(f->s), STORE_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_t20_copy_found_by_hash_and_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_t20_collision_and_differences_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_t20_only_done_unfolded_posts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s05_wal_trimmed_past_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s05_reader_makes_it_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s05_not_inside_a_transaction, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
